//! Cluster emulation: a scenario played on a real API server
//! (`synergai emulate --kube`).
//!
//! 1. **Nodes.** Every node of the scenario becomes a `Node` object (created,
//!    or updated when it exists): labels (the scenario's, plus
//!    `synergai.io/arch`, `synergai.io/tier`, `kubernetes.io/hostname`),
//!    annotations (network cost, idle and busy watts), the scenario's taints.
//!    Then, as a kubelet and the node-lifecycle controller would, its status
//!    (`capacity`, `allocatable`, `Ready=True`) is patched through
//!    `nodes/NAME/status`, and the `node.kubernetes.io/not-ready` taint that
//!    admission puts on every new node is removed (the taints are set back to
//!    exactly the scenario's, and the node is made schedulable). What the
//!    server left is checked.
//! 2. **Pods.** At each job's arrival (wall time = arrival / speed, from the
//!    start of the emulation) a pod named after the job (made a DNS-1123
//!    label, see [`pod_names`]) is created in the namespace with
//!    `schedulerName: synergai` and the job annotations; its container reads
//!    the decision annotations through the downward API. Pins become
//!    `synergai.io/pin-node` / `synergai.io/pin-arch` annotations.
//! 3. **Kubelet.** Pods of the namespace bound to a node of the scenario are
//!    run on a local [`Cluster`](crate::model::Cluster) with the replay's interference model: the
//!    configuration comes from the decision annotations (the plan's knee
//!    configuration when they are missing or name a configuration the
//!    profile does not have). The pod is patched `Running` when it starts
//!    and `Succeeded` (container terminated, `Completed`) when the model says
//!    its last query is done plus the node's network cost — the same
//!    completion time the replay uses. Deleted pods are dropped (and, being
//!    bound with no real kubelet, their deletion is completed with grace
//!    period 0, as a kubelet does). Pods on other nodes are left alone.
//!
//! **Speed.** With `--speed X` the emulated clock runs X times faster than
//! the wall clock: arrivals and run times are divided by X. So that what a
//! scheduler reads from the pods matches what it then sees, the pods
//! declare `queries` and `qos-ms` divided by X too (queries rounded up, at
//! least 1). Engine startup is not scaled in the annotations (a scheduler
//! predicts `startup + queries / qps`, while the emulated pod takes
//! `(startup + original queries / qps) / X`), so predictions drift from
//! the emulation by `startup × (1 − 1/X)`: **speed 1 is the faithful
//! setting**; other speeds are for demos.
//!
//! **Measured QoS.** The summary counts a violation when a finished pod's
//! latest container `finishedAt` minus its `creationTimestamp` exceeds its
//! `qos-ms` ([`PodJob::latency_ms`](crate::k8s::mapping::PodJob::latency_ms)), as any observer of the cluster
//! measures it. The API server stores those timestamps in whole seconds
//! (sub-second precision sent in the patches is dropped), so measured
//! latencies are exact only to about a second.
//!
//! **Files.** `objects` builds the objects written (nodes and their status,
//! job pods and their status patches, Leases, the namespace); `emulator` is
//! the state machine (watch, tick, kubelet runs, and [`placement_for`],
//! what a bound pod holds); `requests` sends the emulator's writes (with
//! retries and error messages); `nodes` sets the nodes up and runs their
//! heartbeat; `summary` counts what happened to the created pods.

mod emulator;
mod exec;
mod kubelet;
mod nodes;
mod objects;
mod requests;
mod summary;

pub use emulator::placement_for;
pub use objects::{
    job_pod, node_object, node_spec_patch, node_status_patch, pod_names, running_patch,
    terminated_patch,
};
pub use summary::Summary;

use crate::error::{Error, Result};
use crate::fixture::load_scenario_or_default;
use crate::k8s::client::{self, Target};
use crate::model::Scenario;
use emulator::Emulator;
use nodes::heartbeat;
use std::path::PathBuf;
use std::time::Duration;

/// `app.kubernetes.io/managed-by` of the pods the emulator creates, and its
/// field manager.
pub const MANAGER: &str = "synergai-emulate";
/// The well-known "managed by" label.
pub const LABEL_MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// The job pods' one container.
pub const CONTAINER: &str = "inference";
/// The job pods' image (never pulled: no kubelet runs it).
pub const IMAGE: &str = "synergai/inference:emulated";
/// The taint `TaintNodesByCondition` admission puts on every new node.
pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";
/// Environment variables of the container, read from the decision
/// annotations through the downward API.
pub const ENV_ENGINE: &str = "SYNERGAI_ENGINE";
pub const ENV_THREADS: &str = "SYNERGAI_THREADS";
/// Pods a node accepts (kubelet's default `--max-pods`).
pub const MAX_PODS: u32 = 110;

/// What `synergai emulate` was asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// The scenario (the embedded default when `None`).
    pub fixture: Option<PathBuf>,
    pub target: Target,
    /// Emulated seconds per wall-clock second.
    pub speed: f64,
    /// Create the nodes and stop.
    pub nodes_only: bool,
    /// Give up (exit 1) after this long.
    pub timeout: Option<Duration>,
    /// Keep the nodes and their kubelet after the scenario's jobs, until a
    /// signal.
    pub keep_running: bool,
}

/// Runs the emulation to its end (every job created and every created pod
/// terminal), a timeout (error), or SIGINT/SIGTERM (success; the objects
/// are left in place). Progress goes to stderr, the summary to stdout.
pub fn run(options: Options) -> Result<()> {
    if !(options.speed.is_finite() && options.speed > 0.0) {
        return Err(Error::Usage(format!(
            "--speed must be a positive number, got {}",
            options.speed
        )));
    }
    let scenario = load_scenario_or_default(options.fixture.as_deref())?;
    let runtime = crate::runtime::build(crate::runtime::Workers::Current)?;
    runtime.block_on(emulate(scenario, options))
}

enum Outcome {
    Done(Result<()>),
    Signal(&'static str),
    TimedOut,
}

async fn emulate(scenario: Scenario, options: Options) -> Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let io = |e: std::io::Error| Error::Io {
        path: "<signals>".into(),
        source: e,
    };
    let mut int = signal(SignalKind::interrupt()).map_err(io)?;
    let mut term = signal(SignalKind::terminate()).map_err(io)?;
    let connection = client::connect(&options.target).await?;
    let deadline = options.timeout.map(|t| tokio::time::Instant::now() + t);
    let place = if connection.label == connection.server {
        connection.server.clone()
    } else {
        format!("{} ({})", connection.label, connection.server)
    };
    tracing::info!(
        "scenario {} ({} nodes, {} jobs, profile {}) on {place}, namespace {}, speed {}x{}",
        scenario.name,
        scenario.nodes.len(),
        scenario.jobs.len(),
        scenario.profile.name,
        connection.namespace,
        options.speed,
        if options.speed == 1.0 {
            ""
        } else {
            " (pods declare queries and qos-ms divided by the speed; engine startup is not scaled)"
        }
    );
    let mut emulator = Emulator::new(scenario, &connection, &options);
    let heartbeat = tokio::spawn(heartbeat(
        connection.client.clone(),
        emulator
            .scenario
            .nodes
            .iter()
            .map(|n| n.name.clone())
            .collect(),
    ));
    let _stop_heartbeat = AbortOnDrop(heartbeat);
    let outcome = {
        let work = emulator.run();
        tokio::pin!(work);
        let timeout = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = &mut work => Outcome::Done(r),
            _ = int.recv() => Outcome::Signal("SIGINT"),
            _ = term.recv() => Outcome::Signal("SIGTERM"),
            _ = timeout => Outcome::TimedOut,
        }
    };
    match outcome {
        Outcome::Done(Err(e)) => Err(e),
        Outcome::Done(Ok(())) if options.nodes_only => {
            println!(
                "{} nodes ready: {}",
                emulator.nodes_ready.len(),
                emulator.nodes_ready.join(", ")
            );
            Ok(())
        }
        Outcome::Done(Ok(())) => {
            println!("{}", emulator.summary());
            Ok(())
        }
        Outcome::Signal(name) => {
            tracing::info!("{name}: stopping; nodes and pods are left as they are");
            if !options.nodes_only {
                println!("{}", emulator.summary());
            }
            Ok(())
        }
        Outcome::TimedOut => {
            let timeout = options.timeout.unwrap_or_default();
            if options.nodes_only {
                return Err(Error::Cluster(format!(
                    "timed out after {:?}: {} of {} nodes ready",
                    timeout,
                    emulator.nodes_ready.len(),
                    emulator.scenario.nodes.len()
                )));
            }
            let summary = emulator.summary();
            println!("{summary}");
            Err(Error::Cluster(format!(
                "timed out after {:?}: {} pods still pending, {} running, {} jobs not yet created",
                timeout,
                summary.pending,
                summary.running,
                summary.jobs - summary.created
            )))
        }
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
