//! `synergai scheduler run`: flags, the `--config` file under them, and the
//! defaults under both (kube-scheduler's where it has one).

use super::{KubeArgs, Mode, parse_duration_ms, policy_parser, runtime};
use crate::error::{Error, Result};
use crate::k8s::scheduler::config::{self, FileConfig, ProfileSource};
use crate::k8s::scheduler::lease::{LeaseConfig, identity};
use crate::policy::PolicyKind;
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Flags are optional so that a flag given wins over `--config`, which
/// wins over the default named in each flag's help.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub kube: KubeArgs,
    /// A SchedulerConfiguration file (synergai.io/v1alpha1) with any of
    /// the settings below; flags given here win over it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Policy that decides [default: synergai].
    #[arg(long, value_parser = policy_parser())]
    pub policy: Option<PolicyKind>,
    /// Knee threshold θ of the offline plan, in (0, 1] [default: the
    /// profile's kneeThreshold].
    #[arg(long)]
    pub theta: Option<f64>,
    /// Watch pods of every namespace instead of one.
    #[arg(long, short = 'A')]
    pub all_namespaces: bool,
    /// Decide every pending pod on every pass. By default a held pod is
    /// decided again only when capacity changed on a node it could use,
    /// the node it waits for changed, its hold ran out of time, or every
    /// 60 s; the full re-plan is the reference.
    #[arg(long)]
    pub full_replan: bool,
    /// Time between placement passes [default: 100ms].
    #[arg(long, value_parser = parse_duration_ms)]
    pub interval: Option<f64>,
    /// Profile: a file, builtin:NAME or configmap:[NAMESPACE/]NAME (key
    /// profile.yaml; the namespace defaults to the scheduler's); a file or
    /// ConfigMap is reloaded when it changes [default: builtin:edge-cloud].
    #[arg(long)]
    pub profile: Option<String>,
    /// How often the profile is checked for changes [default: 5s].
    #[arg(long, value_parser = parse_duration_ms)]
    pub profile_reload_interval: Option<f64>,
    /// auto: bind as pods arrive; manual: plan, bind only when triggered
    /// [default: auto].
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,
    /// Binds per second to the API server; 0: no client-side limit
    /// [default: 100].
    #[arg(long)]
    pub kube_api_qps: Option<f64>,
    /// Binds that may go at once above --kube-api-qps [default: 200].
    #[arg(long)]
    pub kube_api_burst: Option<u32>,
    #[command(flatten)]
    pub leader: LeaderArgs,
    /// Serve /healthz, /readyz and /metrics (HTTP) on this address; port 0
    /// picks a free one (logged at start) [default: 0.0.0.0:10251].
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind_address: Option<SocketAddr>,
}

/// Leader election, with kube-scheduler's flags and defaults.
#[derive(Debug, Clone, Args)]
pub struct LeaderArgs {
    /// Elect a leader on a Lease before binding (run several replicas for
    /// high availability); `--leader-elect=false` for a lone scheduler
    /// [default: true].
    #[arg(long, action = clap::ArgAction::Set)]
    pub leader_elect: Option<bool>,
    /// How long a standby waits after the holder's last renewal
    /// [default: 15s].
    #[arg(long, value_parser = parse_duration_ms)]
    pub leader_elect_lease_duration: Option<f64>,
    /// How long the holder tries to renew before it stops binding
    /// [default: 10s].
    #[arg(long, value_parser = parse_duration_ms)]
    pub leader_elect_renew_deadline: Option<f64>,
    /// Time between attempts to take or renew the lease [default: 2s].
    #[arg(long, value_parser = parse_duration_ms)]
    pub leader_elect_retry_period: Option<f64>,
    /// Name of the Lease [default: synergai-scheduler].
    #[arg(long)]
    pub leader_elect_resource_name: Option<String>,
    /// Namespace of the Lease [default: the scheduler's namespace].
    #[arg(long)]
    pub leader_elect_resource_namespace: Option<String>,
}

fn ms(v: f64) -> Duration {
    Duration::from_secs_f64(v / 1000.0)
}

/// The lease settings: flag, else file, else kube-scheduler's default.
fn lease(flags: &LeaderArgs, file: &config::LeaderElection) -> Result<Option<LeaseConfig>> {
    if !flags.leader_elect.or(file.leader_elect).unwrap_or(true) {
        return Ok(None);
    }
    let config = LeaseConfig {
        name: (flags.leader_elect_resource_name.clone())
            .or_else(|| file.resource_name.clone())
            .unwrap_or_else(|| "synergai-scheduler".into()),
        namespace: (flags.leader_elect_resource_namespace.clone())
            .or_else(|| file.resource_namespace.clone())
            .unwrap_or_default(),
        identity: identity(),
        lease_duration: ms((flags.leader_elect_lease_duration)
            .or(file.lease_duration_ms)
            .unwrap_or(15_000.0)),
        renew_deadline: ms((flags.leader_elect_renew_deadline)
            .or(file.renew_deadline_ms)
            .unwrap_or(10_000.0)),
        retry_period: ms((flags.leader_elect_retry_period)
            .or(file.retry_period_ms)
            .unwrap_or(2_000.0)),
    };
    config.check().map_err(Error::Usage)?;
    Ok(Some(config))
}

/// The scheduler's options from the flags over the file over the defaults.
pub fn options(args: RunArgs) -> Result<crate::k8s::scheduler::Options> {
    if !args.kube.kube {
        return Err(Error::Usage(
            "scheduler run needs --kube (it schedules pods of a live cluster)".into(),
        ));
    }
    let file = match &args.config {
        Some(path) => config::load(path)?,
        None => FileConfig::default(),
    };
    if let Some(theta) = args.theta
        && !(theta > 0.0 && theta <= 1.0)
    {
        return Err(Error::Usage(format!(
            "--theta must be in (0, 1], got {theta}"
        )));
    }
    let mut target = args.kube.target();
    // -n on the command line wins over the file's allNamespaces.
    let all_namespaces =
        args.all_namespaces || (target.namespace.is_none() && file.all_namespaces.unwrap_or(false));
    if target.namespace.is_none() {
        target.namespace = file.namespace.clone();
    }
    let profile = match &args.profile {
        Some(reference) => ProfileSource::reference(reference),
        None => file
            .profile
            .clone()
            .unwrap_or_else(|| ProfileSource::Builtin("edge-cloud".into())),
    };
    let mode = args.mode.map(|m| m == Mode::Manual).or(file.manual);
    Ok(crate::k8s::scheduler::Options {
        target,
        policy: args.policy.or(file.policy).unwrap_or(PolicyKind::Synergai),
        all_namespaces,
        interval: ms(args.interval.or(file.interval_ms).unwrap_or(100.0).max(1.0)),
        manual: mode.unwrap_or(false),
        api_qps: args.kube_api_qps.or(file.qps).unwrap_or(100.0),
        api_burst: args.kube_api_burst.or(file.burst).unwrap_or(200),
        leader_elect: lease(&args.leader, &file.leader_election)?,
        serve: Some(
            (args.bind_address)
                .or(file.bind_address)
                .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 10251))),
        ),
        profile,
        profile_reload: ms((args.profile_reload_interval)
            .or(file.profile_reload_ms)
            .unwrap_or(5_000.0)
            .max(100.0)),
        theta: args.theta.or(file.theta),
        arch_mapping: file.arch_mapping.unwrap_or_default(),
        full_replan: args.full_replan,
    })
}

pub fn run(args: RunArgs) -> Result<()> {
    let options = options(args)?;
    runtime()?.block_on(crate::k8s::scheduler::run(options))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command, SchedulerCommand};
    use clap::Parser;

    fn options_of(args: &[&str]) -> Result<crate::k8s::scheduler::Options> {
        let cli = Cli::try_parse_from(["synergai", "scheduler", "run"].iter().chain(args))
            .map_err(|e| Error::Usage(e.to_string()))?;
        match cli.command {
            Command::Scheduler(SchedulerCommand::Run(args)) => options(*args),
            _ => unreachable!(),
        }
    }

    #[test]
    fn flags_win_over_the_file_which_wins_over_the_defaults() {
        let dir = std::env::temp_dir().join(format!("synergai-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("config.yaml");
        std::fs::write(
            &file,
            "apiVersion: synergai.io/v1alpha1
kind: SchedulerConfiguration
spec:
  policy: slo-energy
  interval: 250ms
  allNamespaces: true
  clientConnection: {qps: 20}
  leaderElection: {leaseDuration: 30s, renewDeadline: 20s}
  profile: my-profile.yaml
",
        )
        .unwrap();
        let config = file.to_str().unwrap();
        let defaults = options_of(&["--kube"]).unwrap();
        assert_eq!(defaults.policy, PolicyKind::Synergai);
        assert_eq!(defaults.interval, Duration::from_millis(100));
        assert_eq!(defaults.serve, Some("0.0.0.0:10251".parse().unwrap()));
        assert_eq!(
            defaults.profile,
            ProfileSource::Builtin("edge-cloud".into())
        );
        assert_eq!(defaults.profile_reload, Duration::from_secs(5));
        assert_eq!((defaults.api_qps, defaults.api_burst), (100.0, 200));
        let lease = defaults.leader_elect.unwrap();
        assert_eq!(lease.lease_duration, Duration::from_secs(15));

        let filed = options_of(&["--kube", "--config", config]).unwrap();
        assert_eq!(filed.policy, PolicyKind::parse("slo-energy").unwrap());
        assert_eq!(filed.interval, Duration::from_millis(250));
        assert!(filed.all_namespaces);
        assert_eq!((filed.api_qps, filed.api_burst), (20.0, 200));
        assert_eq!(
            filed.profile,
            ProfileSource::File(dir.join("my-profile.yaml"))
        );
        let lease = filed.leader_elect.unwrap();
        assert_eq!(lease.lease_duration, Duration::from_secs(30));
        assert_eq!(lease.retry_period, Duration::from_secs(2));

        let flagged = options_of(&[
            "--kube",
            "--config",
            config,
            "--policy",
            "edf-rightsize",
            "-n",
            "team-a",
            "--kube-api-qps",
            "0",
            "--leader-elect=false",
            "--profile",
            "configmap:ops/profiles",
        ])
        .unwrap();
        assert_eq!(flagged.policy, PolicyKind::parse("edf-rightsize").unwrap());
        assert!(!flagged.all_namespaces, "-n wins over allNamespaces");
        assert_eq!(flagged.target.namespace.as_deref(), Some("team-a"));
        assert_eq!(flagged.api_qps, 0.0);
        assert!(flagged.leader_elect.is_none());
        assert_eq!(
            flagged.profile,
            ProfileSource::ConfigMap {
                namespace: Some("ops".into()),
                name: "profiles".into(),
                key: "profile.yaml".into()
            }
        );
        // Lease timings that do not nest are refused, from the file too.
        let e = options_of(&[
            "--kube",
            "--config",
            config,
            "--leader-elect-renew-deadline",
            "40s",
        ])
        .unwrap_err();
        assert!(matches!(e, Error::Usage(_)), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
