//! `synergai fixture validate|generate|import-trace`.

use super::FixtureCommand;
use super::output::progress_bar;
use crate::error::{Error, Result};
use crate::fixture::generate::{GenerateParams, QosLevel, Shape, generate_scenario};
use crate::fixture::trace::read::{ReadError, read_window};
use crate::fixture::trace::{self, Columns, ImportOptions, TraceFormat};
use crate::fixture::units::Duration;
use crate::fixture::{self, Origin, ValidatedKind};
use crate::model::NodeSpec;
use clap::Args;
use clap::builder::PossibleValuesParser;
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
    /// The trace CSV (by default with columns TIMESTAMP,ContextTokens,GeneratedTokens).
    pub csv: PathBuf,
    /// Write here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Which trace the CSV is, for the attribution its licence asks for:
    /// the Azure LLM inference traces 2023 (Splitwise) or 2024 (DynamoLLM,
    /// `_1week`), conversation or coding; `csv` for a trace of no known
    /// data set (no attribution). Default: what the file name says (`conv`
    /// or `code`, and `1week` or `2024`); a name that says neither is an
    /// error.
    #[arg(long, value_parser = PossibleValuesParser::new(TraceFormat::NAMES))]
    pub format: Option<String>,
    /// The header's names of the columns holding the timestamp, the
    /// context tokens and the generated tokens.
    #[arg(
        long,
        value_name = "T,C,G",
        default_value = "TIMESTAMP,ContextTokens,GeneratedTokens"
    )]
    pub columns: String,
    /// Write a scenario that references the CSV (`spec.workload.trace`,
    /// streamed into jobs whenever the scenario is loaded) instead of one
    /// job per request: for traces whose scenario would pass the 64 MiB
    /// limit on fixtures. The CSV is named relative to the --out file (as
    /// given, without --out).
    #[arg(long)]
    pub reference: bool,
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

/// The trace's path as the scenario written to `out` (or read from the
/// current directory, without `--out`) resolves it: relative to the
/// scenario's directory where both exist, else absolute.
fn reference_path(csv: &Path, out: Option<&Path>) -> String {
    let Some(out) = out else {
        return csv.display().to_string();
    };
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let (Ok(csv), Ok(dir)) = (std::fs::canonicalize(csv), std::fs::canonicalize(dir)) else {
        return std::path::absolute(csv)
            .unwrap_or_else(|_| csv.to_path_buf())
            .display()
            .to_string();
    };
    let shared = csv
        .components()
        .zip(dir.components())
        .take_while(|(a, b)| a == b)
        .count();
    if shared <= 1 {
        // Nothing in common but the root.
        return csv.display().to_string();
    }
    let mut relative = PathBuf::new();
    for _ in dir.components().skip(shared) {
        relative.push("..");
    }
    for c in csv.components().skip(shared) {
        relative.push(c);
    }
    relative.display().to_string()
}

/// What to say when an inline scenario of `bytes` is too big to be read
/// back (over [`fixture::MAX_FIXTURE_BYTES`]).
fn size_warning(bytes: usize) -> Option<String> {
    (bytes as u64 > fixture::MAX_FIXTURE_BYTES).then(|| {
        format!(
            "the scenario is {:.1} MiB, over the {} MiB limit on fixtures: `replay`, `fixture validate` and every command that loads it will refuse it. Write the reference form instead (--reference): it names the trace (spec.workload.trace) and its jobs are streamed from it whenever it is loaded",
            bytes as f64 / 1048576.0,
            fixture::MAX_FIXTURE_BYTES / 1048576
        )
    })
}

fn import_trace(args: ImportTraceArgs) -> Result<()> {
    let format = match args.format.as_deref() {
        Some(name) => TraceFormat::from_name(name)
            .ok_or_else(|| Error::Usage(format!("--format: unknown trace format `{name}`")))?,
        None => TraceFormat::from_file_name(&args.csv).ok_or_else(|| {
            Error::Usage(format!(
                "cannot tell from its name which trace `{}` is, and its attribution depends on it: pass --format {} (csv: a trace of no known data set, written without attribution)",
                args.csv.display(),
                TraceFormat::NAMES.join("|")
            ))
        })?,
    };
    let columns =
        Columns::parse(&args.columns).map_err(|m| Error::Usage(format!("--columns: {m}")))?;
    let opts = ImportOptions {
        format,
        columns: columns.clone(),
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
        reference: args
            .reference
            .then(|| reference_path(&args.csv, args.out.as_deref())),
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

    // The trace, streamed twice (its span, then the window).
    let shown = args.csv.display().to_string();
    let io = |source| Error::Io {
        path: args.csv.clone(),
        source,
    };
    let meta = std::fs::metadata(&args.csv).map_err(io)?;
    if !meta.is_file() {
        return Err(Error::Usage(format!(
            "{shown}: not a regular file (a trace is read twice)"
        )));
    }
    let file = std::fs::File::open(&args.csv).map_err(io)?;
    let bar = progress_bar(2 * meta.len(), "bytes of the trace read (twice)");
    let window = read_window(
        file,
        &shown,
        &columns,
        &opts.window(),
        fixture::MAX_JOBS,
        &mut |done, _| bar.set_position(done),
    )
    .map_err(|e| match e {
        ReadError::Io(source) => io(source),
        ReadError::Invalid(e) => e,
        ReadError::MissingColumn(m) => Error::invalid(
            shown.clone(),
            Some(crate::error::Position {
                line: m.line,
                column: 1,
            }),
            None,
            format!("{} (--columns {})", m.message(None), columns.joined()),
        ),
    });
    bar.finish_and_clear();
    let window = window?;

    let mut command = format!(
        "synergai fixture import-trace {} --format {}",
        shell_word(&shown),
        format.name()
    );
    if columns != Columns::default() {
        command.push_str(&format!(" --columns {}", shell_word(&columns.joined())));
    }
    if args.reference {
        command.push_str(" --reference");
    }
    command.push_str(&format!(
        " --start {} --duration {} --time-scale {} --seed {} --profile {}",
        Duration(args.start),
        Duration(args.duration),
        args.time_scale,
        args.seed,
        shell_word(&args.profile)
    ));
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
    let bar = progress_bar(window.rows.len() as u64, "jobs mapped");
    let scenario = trace::import(&window, &nodes, &profile, &opts, &command, &mut |done| {
        bar.set_position(done)
    });
    bar.finish_and_clear();
    let scenario = scenario?;
    drop(window);
    if !args.reference
        && let Some(warning) = size_warning(scenario.len())
    {
        eprintln!("warning: {warning}");
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inline_scenario_over_the_limit_is_warned_about() {
        let limit = fixture::MAX_FIXTURE_BYTES as usize;
        assert_eq!(size_warning(limit), None);
        let warning = size_warning(limit + 1).unwrap();
        assert!(
            warning.starts_with("the scenario is 64.0 MiB, over the 64 MiB limit on fixtures"),
            "{warning}"
        );
        assert!(warning.contains("--reference"), "{warning}");
        let warning = size_warning(210 * 1048576).unwrap();
        assert!(
            warning.starts_with("the scenario is 210.0 MiB"),
            "{warning}"
        );
    }

    #[test]
    fn a_referenced_trace_is_named_relative_to_the_scenario() {
        let dir =
            std::env::temp_dir().join(format!("synergai-reference-path-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("traces")).unwrap();
        std::fs::create_dir_all(dir.join("scenarios/big")).unwrap();
        let csv = dir.join("traces/t.csv");
        std::fs::write(&csv, "x").unwrap();
        assert_eq!(
            reference_path(&csv, Some(&dir.join("scenarios/big/s.yaml"))),
            "../../traces/t.csv"
        );
        assert_eq!(
            reference_path(&csv, Some(&dir.join("traces/s.yaml"))),
            "t.csv"
        );
        // Without --out, as given (the current directory resolves it).
        assert_eq!(reference_path(Path::new("a/t.csv"), None), "a/t.csv");
        // A directory still to be made: absolute.
        let later = reference_path(&csv, Some(&dir.join("later/s.yaml")));
        assert!(
            Path::new(&later).is_absolute() && later.ends_with("traces/t.csv"),
            "{later}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
