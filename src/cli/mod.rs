//! The `synergai` command line: clap definitions and dispatch. Each
//! subcommand lives in its own module; output formatting in [`output`].

mod bound;
mod calibrate;
mod fixture;
pub mod logging;
pub mod measure;
mod measure_kube;
pub mod output;
mod place;
pub mod profile;
mod replay;
mod scheduler;
pub mod template;

use crate::error::Result;
use crate::policy::PolicyKind;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use output::{ColorChoice, OutputArgs};
use std::path::PathBuf;

/// `synergai --version`: the crate version and the commit it was built
/// from (`build.rs`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("SYNERGAI_GIT_COMMIT"),
    ")"
);

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  failure (I/O error, unknown job, nothing to release, a runtime,
     thread or signal handler that cannot start)
  2  usage error or invalid input (bad flag, malformed or inconsistent fixture)
  3  cluster unreachable, or it refuses our credentials or permissions
  101  internal error (a panic); the dashboard restores the terminal first

Data goes to stdout, diagnostics to stderr. Colour only when stdout is a
terminal and NO_COLOR is unset (override with --color).";

/// Architecture-aware scheduling of AI inference on heterogeneous
/// edge-to-cloud clusters.
///
/// With no --fixture, commands run on the embedded default scenario.
#[derive(Debug, Parser)]
#[command(name = "synergai", version = VERSION, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// More log detail: -v adds debug lines and kube-rs's diagnostics, -vv
    /// everything (RUST_LOG, when set, decides instead).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// How log lines are written (to stderr; the dashboard's to its file).
    #[arg(long, global = true, value_enum, default_value_t = logging::LogFormat::Text)]
    pub log_format: logging::LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The interactive dashboard: per-architecture utilization, every job's
    /// QoS slack, placement triggers and overrides.
    Tui(TuiArgs),
    /// Replay scenarios under several policies and compare them.
    Replay(ReplayArgs),
    /// A lower bound on QoS violations that no policy can beat (an LP
    /// relaxation of the replay's model).
    Bound(bound::BoundArgs),
    /// Placement decisions from the shell: plan, explain, override, release, apply.
    #[command(subcommand)]
    Place(PlaceCommand),
    /// The offline characterization and the offline plan derived from it.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Validate, generate and import fixtures.
    #[command(subcommand)]
    Fixture(FixtureCommand),
    /// Play a scenario on a Kubernetes API server: create its nodes, create
    /// the job pods at their arrival times, and act as the kubelet of those
    /// nodes (bound pods run for their predicted time, then succeed).
    Emulate(EmulateArgs),
    /// The scheduler inside a cluster (pods with `schedulerName: synergai`).
    #[command(subcommand)]
    Scheduler(SchedulerCommand),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct TuiArgs {
    /// Scenario to replay, or recording to play back (default: the embedded
    /// default scenario).
    #[arg(long, short = 'f')]
    pub fixture: Option<PathBuf>,
    /// Policy that places the jobs (switch later with `:policy NAME`).
    #[arg(long, value_parser = policy_parser(), default_value_t = PolicyKind::Synergai)]
    pub policy: PolicyKind,
    /// Simulated seconds per real second.
    #[arg(long, default_value_t = 10.0)]
    pub speed: f64,
    /// Theme name (dark, light, high-contrast, colorblind, mono, or a user
    /// theme) or a theme file.
    #[arg(long)]
    pub theme: Option<String>,
    /// Disable every action that changes placements.
    #[arg(long, visible_alias = "readonly")]
    pub read_only: bool,
    /// Leave the mouse to the terminal (selecting text): no clicks on tabs,
    /// headers and rows, no wheel scrolling.
    #[arg(long)]
    pub no_mouse: bool,
    /// Start in manual mode: jobs wait until a pass is triggered (`p`).
    #[arg(long)]
    pub manual: bool,
    /// Record the live session (with --kube) to FILE, a `kind: Recording`
    /// fixture that `synergai tui --fixture FILE` plays back.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// With --kube, watch the pods of every namespace (as `scheduler run
    /// -A` schedules them) instead of one; wins over -n, as in kubectl.
    #[arg(long, short = 'A', requires = "kube")]
    pub all_namespaces: bool,
    #[command(flatten)]
    pub kube: KubeArgs,
}

/// Where a live-cluster command connects.
#[derive(Debug, Clone, Args)]
pub struct KubeArgs {
    /// Use a cluster, found as kubectl finds it: --kubeconfig, else
    /// $KUBECONFIG, else ~/.kube/config, else the in-cluster service
    /// account.
    #[arg(long)]
    pub kube: bool,
    /// Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config).
    #[arg(long, value_name = "FILE", requires = "kube")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context (default: the current one).
    #[arg(long, requires = "kube")]
    pub context: Option<String>,
    /// Namespace of the jobs (default: the context's, in a pod its own).
    #[arg(long, short = 'n', requires = "kube")]
    pub namespace: Option<String>,
}

impl KubeArgs {
    pub fn target(&self) -> crate::k8s::client::Target {
        crate::k8s::client::Target {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            namespace: self.namespace.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SchedulerCommand {
    /// Watch pending pods with `schedulerName: synergai`, decide, bind.
    Run(Box<scheduler::RunArgs>),
    /// Ask a manual-mode scheduler for one placement pass.
    Trigger {
        #[command(flatten)]
        kube: KubeArgs,
    },
}

/// Which policies to run.
#[derive(Debug, Clone, Args)]
pub struct PolicyList {
    /// Policies to compare (comma-separated).
    #[arg(
        long,
        value_parser = policy_parser(),
        value_delimiter = ',',
        default_value = "synergai,slo-energy,edf-rightsize,slo-aware,k8s-default,round-robin,random"
    )]
    pub policy: Vec<PolicyKind>,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Scenario fixtures (default: the embedded default scenario, unless
    /// --suite is given).
    pub fixtures: Vec<PathBuf>,
    /// Also replay the fixed generated evaluation suite (24 scenarios,
    /// 5–500 nodes, four fleet shapes, tight to loose QoS, loads 0.3–1.5).
    #[arg(long)]
    pub suite: bool,
    /// Skip the lower bound on violations (`synergai bound`) that is
    /// otherwise reported beside the policies: bound ≤ optimum ≤ best known.
    #[arg(long)]
    pub no_bound: bool,
    /// Apply the pins that `place override` recorded for each fixture (in
    /// the state directory), as `place apply` does. Without it, recorded
    /// overrides are ignored: the policies are compared on the scenario as
    /// written.
    #[arg(long)]
    pub with_overrides: bool,
    #[command(flatten)]
    pub policies: PolicyList,
    /// Knee threshold θ of the offline plan (default: the profile's).
    #[arg(long)]
    pub theta: Option<f64>,
    /// Decide every pending job again on every event. By default a held
    /// job is decided again only when something it could use changed
    /// (capacity on a node it may run on, the node it waits for, its pin,
    /// the clock reaching its hold's limit); the placements are the same
    /// (tested), the full re-plan is the slower reference.
    #[arg(long)]
    pub full_replan: bool,
    /// Also write a report into DIR (made if missing): index.html with
    /// the summary table and SVG plots per scenario (violations over time,
    /// latency CDF, utilization over time, energy, QoS slack CDF). It opens
    /// without a network.
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub report: Option<PathBuf>,
    /// Also write one CSV row per job and policy into FILE.csv (arrival,
    /// start, finish, node, configuration, predicted and actual latency,
    /// slack, violated). CSV only.
    #[arg(long, value_name = "FILE.csv", value_hint = clap::ValueHint::FilePath)]
    pub jobs: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct EmulateArgs {
    /// Emulate on a cluster, found as kubectl finds it (--kubeconfig, else
    /// $KUBECONFIG, else ~/.kube/config, else the in-cluster service
    /// account). Required: emulation only exists on a cluster.
    #[arg(long, required = true)]
    pub kube: bool,
    /// Kubeconfig file (instead of $KUBECONFIG or ~/.kube/config).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Scenario fixture (default: the embedded default scenario).
    #[arg(long, short = 'f')]
    pub fixture: Option<PathBuf>,
    /// Emulated seconds per wall-clock second. Pods declare queries and
    /// qos-ms divided by it; engine startup is not scaled, so 1 is the
    /// faithful setting.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Kubeconfig context (default: the current one).
    #[arg(long)]
    pub context: Option<String>,
    /// Namespace of the job pods (default: the context's, else `default`);
    /// created if missing.
    #[arg(long, short = 'n')]
    pub namespace: Option<String>,
    /// Create (or update) the nodes, report them ready, and exit.
    #[arg(long)]
    pub nodes_only: bool,
    /// After the scenario's jobs, keep the nodes and their kubelet (pods
    /// bound to them, container logs) until SIGINT or SIGTERM, as a
    /// rehearsal cluster for other commands (e.g. profile measure --kube).
    #[arg(long, conflicts_with = "nodes_only")]
    pub keep_running: bool,
    /// Give up (exit 1) after this long, e.g. 90s or 10m.
    #[arg(long, value_parser = parse_duration_ms)]
    pub timeout: Option<f64>,
}

/// Where the cluster comes from.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// Scenario fixture (default: the embedded default scenario).
    #[arg(long, short = 'f')]
    pub fixture: Option<PathBuf>,
    /// Overrides file to read and write instead of the fixture's own, which
    /// lives in the state directory: $XDG_STATE_HOME/synergai/overrides/
    /// NAME-HASH.yaml (NAME the fixture's file name, HASH from its
    /// canonical path; default.yaml for the embedded default scenario).
    #[arg(long, value_name = "FILE")]
    pub overrides: Option<PathBuf>,
    /// Act on a live cluster instead (pending pods, pin annotations, triggers).
    #[command(flatten)]
    pub kube: KubeArgs,
    /// With --kube, the profile to decide with, named as `scheduler run
    /// --profile` names it: builtin:NAME, a file, or configmap:[NS/]NAME
    /// (key profile.yaml) to decide with the rows the scheduler reads
    /// (default: the embedded edge-cloud profile).
    #[arg(long, requires = "kube", value_name = "REF")]
    pub profile: Option<String>,
}

/// Scheduling mode of the replay behind a `place` command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Place jobs as they arrive (what `scheduler run --mode auto` does).
    Auto,
    /// Hold every job until a pass is triggered (so `plan` shows the whole backlog).
    Manual,
}

#[derive(Debug, Clone, Args)]
pub struct MomentArgs {
    /// Simulated time of the decision (e.g. 120s, 2m, 90000).
    #[arg(long, default_value = "60s", value_parser = parse_duration_ms)]
    pub at: f64,
    /// Policy that decides.
    #[arg(long, value_parser = policy_parser(), default_value_t = PolicyKind::Synergai)]
    pub policy: PolicyKind,
    /// auto: jobs were placed as they arrived up to --at; manual: nothing was.
    #[arg(long, value_enum, default_value_t = Mode::Auto)]
    pub mode: Mode,
}

#[derive(Debug, Subcommand)]
pub enum PlaceCommand {
    /// What the policy would decide now for every pending job (recorded
    /// overrides applied).
    Plan {
        #[command(flatten)]
        source: SourceArgs,
        #[command(flatten)]
        moment: MomentArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Every candidate node/configuration for one job, with predicted
    /// completion and slack, and why the chosen one won.
    Explain {
        /// The job.
        job: String,
        #[command(flatten)]
        source: SourceArgs,
        /// Explain the decision at this time instead of the one that placed the job.
        #[arg(long, value_parser = parse_duration_ms)]
        at: Option<f64>,
        #[arg(long, value_parser = policy_parser(), default_value_t = PolicyKind::Synergai)]
        policy: PolicyKind,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Pin a job to a node or an architecture.
    Override {
        /// The job.
        job: String,
        #[command(flatten)]
        source: SourceArgs,
        /// Pin to this node.
        #[arg(long, conflicts_with = "arch", required_unless_present = "arch")]
        node: Option<String>,
        /// Pin to this architecture.
        #[arg(long)]
        arch: Option<String>,
        /// Why (kept with the override and shown in logs).
        #[arg(long)]
        reason: Option<String>,
        /// Check and print what would be pinned without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Remove a job's pin.
    Release {
        /// The job.
        job: String,
        #[command(flatten)]
        source: SourceArgs,
        /// Check and print what would be released without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Run the replay with the recorded overrides applied and print the
    /// bindings made (`replay` ignores overrides unless given
    /// --with-overrides).
    Apply {
        #[command(flatten)]
        source: SourceArgs,
        /// Stop at this simulated time (default: run to the end).
        #[arg(long, value_parser = parse_duration_ms)]
        until: Option<f64>,
        #[arg(long, value_parser = policy_parser(), default_value_t = PolicyKind::Synergai)]
        policy: PolicyKind,
        /// Print what would be bound without recording anything.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// The characterization table; SOURCE says where each row comes from
    /// (measured, derived, estimate, calibrated).
    Show {
        /// Profile file or builtin:NAME (default: builtin:edge-cloud).
        profile: Option<String>,
        /// Only this model.
        #[arg(long)]
        model: Option<String>,
        /// Only this architecture.
        #[arg(long)]
        arch: Option<String>,
        /// Show how the rows were measured (host, engine versions, tool,
        /// date, settings per architecture) instead of the rows.
        #[arg(long)]
        provenance: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Correct a profile from the run times of jobs that ran (a
    /// recording): per configuration, the throughput that explains them;
    /// prints the prediction error before and after.
    Calibrate(calibrate::CalibrateArgs),
    /// Combine per-architecture profiles into one: the union of their
    /// architectures, models, rows and provenance. A value two files give
    /// differently (a row, an architecture's interference α or startup, a
    /// model's default threads, the knee threshold, a description) is an
    /// error naming both files and lines, unless --prefer decides; the same
    /// architecture must have the same isa and accelerator, the same model
    /// the same task. Exit 2 on a conflict or an invalid profile, 1 when a
    /// file cannot be read or written.
    Merge {
        /// Profile files (or builtin:NAME), at least two.
        #[arg(required = true, num_args = 2..)]
        profiles: Vec<String>,
        /// Decide conflicts: `newer` takes the file whose provenance date
        /// for the architecture concerned (its latest date, for models and
        /// the knee threshold) is later; FILE (one of the inputs) takes
        /// that file's values.
        #[arg(long, value_name = "newer|FILE")]
        prefer: Option<String>,
        /// Name of the merged profile (default: the inputs' common name,
        /// else their names joined with `+`).
        #[arg(long)]
        name: Option<String>,
        /// Write the merged profile to FILE (atomically) instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// YAML, or the same document as JSON (also a valid profile file).
        #[arg(short, long, value_enum, default_value_t = output::DocumentFormat::Yaml)]
        output: output::DocumentFormat,
    },
    /// What changed from profile A to profile B: architectures, models,
    /// rows and provenance entries added, removed or changed, each changed
    /// value old → new with its relative change (`-o table` shortens long
    /// texts such as descriptions and notes, `-o wide` shows them whole).
    #[command(after_help = "\
Exit codes (as diff(1)):
  0  the profiles say the same (comments, layout and order aside)
  1  they differ
  2  trouble: a profile cannot be read or is invalid, a bad flag")]
    Diff {
        /// The old profile (file or builtin:NAME).
        a: String,
        /// The new profile (file or builtin:NAME).
        b: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The offline plan: best engine per thread count, knee, efficiency,
    /// and the ranking of architectures per model.
    Plan {
        /// Profile file or builtin:NAME (default: builtin:edge-cloud).
        profile: Option<String>,
        /// Knee threshold θ (default: the profile's).
        #[arg(long)]
        theta: Option<f64>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Characterize this machine: run real inference engines (onnxruntime,
    /// tract) on ONNX models at each thread count and write a profile whose
    /// rows are `source: measured`. Exit 1 when an engine is not installed
    /// (scripts/engines.sh installs it) or a configuration fails; 2 for a
    /// bad model file, an unpinned dynamic shape or threads above the cores.
    Measure(Box<measure::MeasureArgs>),
    /// One configuration of `measure`, in a child process (internal).
    #[command(hide = true)]
    MeasureOne(Box<measure::MeasureOneArgs>),
}

#[derive(Debug, Subcommand)]
pub enum FixtureCommand {
    /// Check fixtures; exit 2 with file:line:column and field on the first error.
    Validate {
        /// Fixture files; `-` reads one from standard input (what it
        /// references, e.g. `spec.profile`, is resolved against the current
        /// directory).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a random valid scenario.
    Generate(fixture::GenerateArgs),
    /// Turn a request trace (CSV: TIMESTAMP,ContextTokens,GeneratedTokens)
    /// into a scenario whose arrivals and job sizes come from it.
    ImportTrace(fixture::ImportTraceArgs),
}

impl Command {
    /// The `-o`/`--no-headers` flags of a command that prints a list.
    fn output(&self) -> Option<&OutputArgs> {
        match self {
            Command::Replay(args) => Some(&args.output),
            Command::Bound(args) => Some(&args.output),
            Command::Place(
                PlaceCommand::Plan { output, .. }
                | PlaceCommand::Explain { output, .. }
                | PlaceCommand::Apply { output, .. },
            ) => Some(output),
            Command::Profile(
                ProfileCommand::Show { output, .. }
                | ProfileCommand::Diff { output, .. }
                | ProfileCommand::Plan { output, .. },
            ) => Some(output),
            Command::Profile(ProfileCommand::Calibrate(args)) => Some(&args.output),
            _ => None,
        }
    }
}

impl PlaceCommand {
    /// Where the command acts (a fixture or, with `--kube`, a cluster).
    pub fn source(&self) -> &SourceArgs {
        match self {
            PlaceCommand::Plan { source, .. }
            | PlaceCommand::Explain { source, .. }
            | PlaceCommand::Override { source, .. }
            | PlaceCommand::Release { source, .. }
            | PlaceCommand::Apply { source, .. } => source,
        }
    }
}

/// The policies as clap values (the core stays free of clap).
fn policy_parser() -> impl clap::builder::TypedValueParser<Value = PolicyKind> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(PolicyKind::ALL.map(PolicyKind::name))
        .map(|name: String| PolicyKind::parse(&name).expect("one of the possible values"))
}

/// Parses a duration flag as fixtures write durations (`120s`, `2m`,
/// `1m30s`, `500ms`, bare ms; see [`crate::fixture::units::Duration::parse`]).
pub fn parse_duration_ms(s: &str) -> std::result::Result<f64, String> {
    crate::fixture::units::Duration::parse(s).map(|d| d.ms())
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let color = cli.color.enabled();
    let tui_log = crate::fixture::state_dir().join("tui.log");
    let sink = match cli.command {
        Command::Tui(_) => logging::Sink::File(&tui_log),
        _ => logging::Sink::Stderr,
    };
    logging::init(cli.verbose, cli.log_format, sink);
    output::set_headers(!cli.command.output().is_some_and(|o| o.no_headers));
    match cli.command {
        Command::Tui(args) => tui(args),
        Command::Replay(args) => replay::run(args, color),
        Command::Bound(args) => bound::run(args, color),
        Command::Place(cmd) => place::run(cmd, color),
        // calibrate.rs reads profiles through profile.rs, so it is
        // dispatched here rather than from there.
        Command::Profile(ProfileCommand::Calibrate(args)) => calibrate::run(args, color),
        Command::Profile(cmd) => profile::run(cmd, color),
        Command::Fixture(cmd) => fixture::run(cmd),
        Command::Emulate(args) => crate::k8s::emulate::run(crate::k8s::emulate::Options {
            fixture: args.fixture,
            target: crate::k8s::client::Target {
                kubeconfig: args.kubeconfig,
                context: args.context,
                namespace: args.namespace,
            },
            speed: args.speed,
            nodes_only: args.nodes_only,
            keep_running: args.keep_running,
            timeout: args
                .timeout
                .map(|ms| std::time::Duration::from_secs_f64(ms / 1000.0)),
        }),
        Command::Scheduler(SchedulerCommand::Run(args)) => scheduler::run(*args),
        Command::Scheduler(SchedulerCommand::Trigger { kube }) => runtime()?.block_on(async {
            let conn = crate::k8s::client::connect(&kube.target()).await?;
            let value = crate::k8s::control::trigger(&conn.client, &conn.namespace).await?;
            output::write_stdout(&format!(
                "triggered a placement pass ({}/{} = {value})",
                conn.namespace,
                crate::k8s::control::CONTROL_CONFIGMAP
            ))
        }),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "synergai", &mut std::io::stdout());
            Ok(())
        }
    }
}

/// `synergai tui`: the source the flags describe, opened, and the
/// dashboard on it.
fn tui(args: TuiArgs) -> Result<()> {
    if !(args.speed > 0.0 && args.speed.is_finite()) {
        return Err(crate::Error::Usage(format!(
            "--speed must be positive, got {}",
            args.speed
        )));
    }
    if args.record.is_some() && !args.kube.kube {
        return Err(crate::Error::Usage(
            "--record records a live session: it needs --kube".into(),
        ));
    }
    let spec = if args.kube.kube {
        crate::source::SourceSpec::Live {
            target: args.kube.target(),
            profile: std::sync::Arc::new(profile::load(None)?),
            profile_ref: "builtin:edge-cloud".into(),
            record: args.record,
            all_namespaces: args.all_namespaces,
        }
    } else {
        crate::source::SourceSpec::fixture(
            args.fixture.as_deref(),
            args.policy,
            args.speed,
            args.manual,
        )?
    };
    let source = crate::source::open(spec)?;
    crate::tui::run(
        source,
        crate::tui::TuiOptions {
            theme: args.theme,
            read_only: args.read_only,
            no_mouse: args.no_mouse,
        },
    )
}

/// A runtime for the commands that talk to a cluster.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    crate::runtime::build(crate::runtime::Workers::Pool(2))
}

/// The completion script for `shell`, as `synergai completions` prints it.
pub fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "synergai", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tui_args(args: &[&str]) -> std::result::Result<TuiArgs, clap::Error> {
        let cli = Cli::try_parse_from(["synergai", "tui"].iter().chain(args))?;
        match cli.command {
            Command::Tui(args) => Ok(args),
            other => panic!("not tui: {other:?}"),
        }
    }

    #[test]
    fn readonly_is_read_only_in_k9s_spelling() {
        assert!(tui_args(&["--read-only"]).unwrap().read_only);
        assert!(tui_args(&["--readonly"]).unwrap().read_only);
        assert!(!tui_args(&[]).unwrap().read_only);
    }

    #[test]
    fn tui_watches_every_namespace_with_a() {
        let args = tui_args(&["--kube", "-A"]).unwrap();
        assert!(args.all_namespaces && args.kube.kube);
        let args = tui_args(&["--kube", "--all-namespaces", "-n", "jobs"]).unwrap();
        assert!(args.all_namespaces);
        assert!(!tui_args(&["--kube"]).unwrap().all_namespaces);
        // Only for a cluster, as -n.
        let err = tui_args(&["-A"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("--kube"), "{err}");
    }
}
