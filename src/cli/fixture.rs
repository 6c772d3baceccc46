//! `synergai fixture validate|generate|import-trace`.

use super::FixtureCommand;
use crate::error::{Error, Result};
use crate::fixture::generate::{GenerateParams, QosLevel, Shape, generate_scenario};
use crate::fixture::trace::{self, ImportOptions};
use crate::fixture::units::Duration;
use crate::fixture::{self, Origin, ValidatedKind};
use crate::model::NodeSpec;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of nodes.
    #[arg(long, default_value_t = 20)]
    pub nodes: u32,
    /// Number of jobs.
    #[arg(long, default_value_t = 1000)]
    pub jobs: u64,
    /// Seed of everything random.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Offered load in (0, 10]: the mean arrival rate as a multiple of the
    /// cluster's capacity for the mix (every job at its offline-plan knee,
    /// no interference).
    #[arg(long, default_value_t = 0.85)]
    pub load: f64,
    /// How the fleet splits over the architectures.
    #[arg(long, value_enum, default_value_t = Shape::Balanced)]
    pub shape: Shape,
    /// How tight the jobs' QoS is (multiples of each job's shortest run:
    /// tight 1.2–5, normal 2–30, loose 10–100).
    #[arg(long, value_enum, default_value_t = QosLevel::Normal)]
    pub qos: QosLevel,
    /// Write here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The request trace is mapped to jobs as documented in the generated
/// file's header: arrivals from the timestamps, the model from the prompt
/// length, queries from the token counts, QoS as a seeded multiple of the
/// job's shortest run time. The default cluster is 4 xeon-vm, 4 agx-orin,
/// 6 orin-nx and 8 rpi5 nodes.
#[derive(Debug, Args)]
pub struct ImportTraceArgs {
    /// The trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens).
    pub csv: PathBuf,
    /// Write here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Start of the window, after the trace's first request (e.g. 5m).
    #[arg(long, default_value = "0s", value_parser = super::parse_duration_ms)]
    pub start: f64,
    /// Length of the window, in trace time (e.g. 10m, 1h).
    #[arg(long, default_value = "10m", value_parser = super::parse_duration_ms)]
    pub duration: f64,
    /// Multiply the gaps between arrivals by this (2 = half the rate).
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
    /// At most this many jobs (the earliest of the window).
    #[arg(long)]
    pub limit: Option<u64>,
    /// Copy the nodes of this scenario (default: 4 xeon-vm, 4 agx-orin,
    /// 6 orin-nx, 8 rpi5).
    #[arg(long, value_name = "FILE")]
    pub nodes_from: Option<PathBuf>,
    /// Seed of the model split and the QoS factors.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// `spec.profile` of the scenario: builtin:NAME, or a path relative to
    /// the --out file (to the current directory without --out).
    #[arg(long, value_name = "REF", default_value = "builtin:edge-cloud")]
    pub profile: String,
}

/// Quotes a command-line word for the header comment when needed.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,+@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Writes `text` to stdout, or atomically to `out` (a temporary file next
/// to it, then a rename), so a failure never leaves a half-written file.
fn emit(text: &str, out: Option<&Path>) -> Result<()> {
    let Some(path) = out else {
        return super::output::write_stdout(text.trim_end());
    };
    fixture::write_atomic(path, text)
}

fn generate(args: GenerateArgs) -> Result<()> {
    let params = GenerateParams {
        shape: args.shape,
        qos: args.qos,
        ..GenerateParams::new(args.nodes, args.jobs, args.seed, args.load)
    };
    let mut command = format!(
        "synergai fixture generate --nodes {} --jobs {} --seed {} --load {}",
        args.nodes, args.jobs, args.seed, args.load
    );
    if args.shape != Shape::default() {
        command.push_str(&format!(" --shape {}", args.shape.name()));
    }
    if args.qos != QosLevel::default() {
        command.push_str(&format!(" --qos {}", args.qos.name()));
    }
    if let Some(out) = &args.out {
        command.push_str(&format!(
            " --out {}",
            shell_word(&out.display().to_string())
        ));
    }
    let text = generate_scenario(&params, &command)?;
    emit(&text, args.out.as_deref())
}

/// The file stem of a path (for names).
fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "trace".into())
}

fn import_trace(args: ImportTraceArgs) -> Result<()> {
    let opts = ImportOptions {
        start_ms: args.start,
        duration_ms: args.duration,
        time_scale: args.time_scale,
        limit: args.limit,
        seed: args.seed,
        profile_ref: args.profile.clone(),
        name: args.out.as_deref().map_or_else(|| stem(&args.csv), stem),
        trace_name: args
            .csv
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    opts.check()?;
    // The profile, resolved the way the loader will resolve `spec.profile`.
    let base = Origin::File(
        args.out
            .clone()
            .unwrap_or_else(|| PathBuf::from("scenario.yaml")),
    );
    let profile_origin = base.resolve(&args.profile);
    let profile = fixture::load_profile(&profile_origin).map_err(|e| match e {
        Error::Io { source, .. } => Error::Usage(format!(
            "cannot read profile `{}` (--profile {} is resolved against the --out file's directory, or the current one): {source}",
            profile_origin.display(),
            args.profile
        )),
        other => other,
    })?;
    let nodes: Vec<NodeSpec> = match &args.nodes_from {
        None => {
            let mut nodes = Vec::new();
            for group in trace::default_cluster() {
                nodes.extend(group.expand(&profile)?);
            }
            nodes
        }
        Some(path) => {
            let source = fixture::load_scenario(&Origin::File(path.clone()))?;
            source
                .nodes
                .iter()
                .map(|n| {
                    let arch = &source.profile.arch(n.arch).name;
                    let id = profile.arch_id(arch).ok_or_else(|| {
                        Error::Usage(format!(
                            "{}: node `{}` has architecture `{arch}`, which profile `{}` ({}) does not have",
                            path.display(),
                            n.name,
                            profile.name,
                            args.profile
                        ))
                    })?;
                    Ok(NodeSpec {
                        arch: id,
                        ..n.clone()
                    })
                })
                .collect::<Result<_>>()?
        }
    };
    let text = fixture::read_file_text(&args.csv)?;
    let rows = trace::parse_csv(&args.csv.display().to_string(), &text)?;

    let mut command = format!(
        "synergai fixture import-trace {} --start {} --duration {} --time-scale {} --seed {} --profile {}",
        shell_word(&args.csv.display().to_string()),
        Duration(args.start),
        Duration(args.duration),
        args.time_scale,
        args.seed,
        shell_word(&args.profile)
    );
    if let Some(limit) = args.limit {
        command.push_str(&format!(" --limit {limit}"));
    }
    if let Some(path) = &args.nodes_from {
        command.push_str(&format!(
            " --nodes-from {}",
            shell_word(&path.display().to_string())
        ));
    }
    if let Some(out) = &args.out {
        command.push_str(&format!(
            " --out {}",
            shell_word(&out.display().to_string())
        ));
    }
    let scenario = trace::import(&rows, &nodes, &profile, &opts, &command)?;
    emit(&scenario, args.out.as_deref())
}

pub fn run(cmd: FixtureCommand) -> Result<()> {
    match cmd {
        FixtureCommand::Validate { files } => {
            for file in files {
                let origin = if file.as_os_str() == "-" {
                    Origin::Stdin
                } else {
                    Origin::File(file.clone())
                };
                let summary = match fixture::validate_text(&origin)? {
                    ValidatedKind::Profile(p) => format!(
                        "Profile `{}`: {} architectures, {} models, {} rows",
                        p.name,
                        p.archs.len(),
                        p.models.len(),
                        p.rows.len()
                    ),
                    ValidatedKind::Scenario(s) => format!(
                        "Scenario `{}`: {} nodes, {} jobs, profile `{}`",
                        s.name,
                        s.nodes.len(),
                        s.jobs.len(),
                        s.profile.name
                    ),
                    ValidatedKind::Overrides(n) => format!("Overrides: {n} pin(s)"),
                    ValidatedKind::Recording(r) => format!(
                        "Recording `{}`: {} nodes, {} pods, {} events over {}",
                        r.scenario.name,
                        r.scenario.nodes.len(),
                        r.scenario.jobs.len(),
                        r.events.len(),
                        crate::policy::fmt_ms(r.duration_ms)
                    ),
                };
                super::output::write_stdout(&format!("{}: ok ({summary})", origin.display()))?;
            }
            Ok(())
        }
        FixtureCommand::Generate(args) => generate(args),
        FixtureCommand::ImportTrace(args) => import_trace(args),
    }
}
