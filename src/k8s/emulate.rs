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
//!    run on a local [`Cluster`] with the replay's interference model: the
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
//! `qos-ms` ([`PodJob::latency_ms`]), as any observer of the cluster
//! measures it. The API server stores those timestamps in whole seconds
//! (sub-second precision sent in the patches is dropped), so measured
//! latencies are exact only to about a second.

use crate::error::{Error, Result};
use crate::fixture::load_scenario_or_default;
use crate::k8s::client::{self, Target};
use crate::k8s::mapping::{
    ANN_BUSY_WATTS, ANN_ENGINE, ANN_IDLE_WATTS, ANN_MODEL, ANN_NETWORK_MS, ANN_PIN_ARCH,
    ANN_PIN_NODE, ANN_QOS_MS, ANN_QUERIES, ANN_THREADS, LABEL_ARCH, LABEL_HOSTNAME, LABEL_TIER,
    PodJob, RESOURCE_GPU, SCHEDULER_NAME, map_pod, node_ready, pod_is_terminal,
};
use crate::model::Scenario;
use crate::model::{
    ArchId, Cluster, JobSpec, NodeSpec, Pin, Placement, Profile, RunId, TaintEffect,
};
use crate::policy::OfflinePlan;
use ::kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use ::kube::runtime::{WatchStreamExt, watcher};
use futures_util::{StreamExt, stream};
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

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

/// How often runs are finished and arrivals created.
const TICK: Duration = Duration::from_millis(20);
/// Requests in flight at once when many objects change in one tick.
const CONCURRENCY: usize = 32;

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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the event loop: {e}")))?;
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
    log(&format!(
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
    ));
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
            log(&format!(
                "{name}: stopping; nodes and pods are left as they are"
            ));
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

fn log(message: &str) {
    eprintln!("emulate: {message}");
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How often the emulated kubelets renew their node Leases (as kubelets do).
const HEARTBEAT_EVERY: Duration = Duration::from_secs(10);

/// Plays the kubelets' heartbeat: each node's Lease in `kube-node-lease`
/// renewed every [`HEARTBEAT_EVERY`], so a node-lifecycle controller (on a
/// cluster that runs one) keeps the emulated nodes Ready.
async fn heartbeat(client: ::kube::Client, nodes: Vec<String>) {
    use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
    let api: Api<Lease> = Api::namespaced(client, "kube-node-lease");
    let mut last_error: Option<String> = None;
    let mut ticker = tokio::time::interval(HEARTBEAT_EVERY);
    loop {
        ticker.tick().await;
        for node in &nodes {
            let spec = LeaseSpec {
                holder_identity: Some(node.clone()),
                lease_duration_seconds: Some(40),
                renew_time: Some(MicroTime(Timestamp::now())),
                ..Default::default()
            };
            let result = match api.get_opt(node).await {
                Ok(Some(mut lease)) => {
                    lease.spec = Some(spec);
                    api.replace(node, &post_params(), &lease).await.map(|_| ())
                }
                Ok(None) => {
                    let lease = Lease {
                        metadata: ObjectMeta {
                            name: Some(node.clone()),
                            namespace: Some("kube-node-lease".into()),
                            ..Default::default()
                        },
                        spec: Some(spec),
                    };
                    api.create(&post_params(), &lease).await.map(|_| ())
                }
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                let message = e.to_string();
                if last_error.as_ref() != Some(&message) {
                    log(&format!(
                        "node heartbeat (kube-node-lease/{node}): {message}; retrying"
                    ));
                    last_error = Some(message);
                }
            }
        }
    }
}

// ------------------------------------------------------------ object shapes

/// The pod name of each job: the job name made a DNS-1123 label (lowercase
/// letters, digits and `-`, at most 63 characters, starting and ending
/// with a letter or digit), `job-N` when nothing is left, and `-2`, `-3`, …
/// appended when two jobs would get the same name.
pub fn pod_names(jobs: &[JobSpec]) -> Vec<String> {
    let mut used = HashSet::new();
    jobs.iter()
        .enumerate()
        .map(|(i, job)| {
            let base = dns_label(&job.name).unwrap_or_else(|| format!("job-{}", i + 1));
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                let suffix = format!("-{n}");
                let mut stem = base.clone();
                stem.truncate(63 - suffix.len());
                name = format!("{}{suffix}", stem.trim_end_matches('-'));
                n += 1;
            }
            name
        })
        .collect()
}

fn dns_label(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_matches('-').to_string();
    out.truncate(63);
    let out = out.trim_end_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

/// A number as annotations carry it: at most 3 decimals, no exponent.
fn number(x: f64) -> String {
    let r = (x * 1000.0).round() / 1000.0;
    if r == r.trunc() && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

fn taint_effect(effect: TaintEffect) -> &'static str {
    match effect {
        TaintEffect::NoSchedule => "NoSchedule",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        TaintEffect::NoExecute => "NoExecute",
    }
}

/// The scenario's taints as `spec.taints` JSON.
fn taints_json(spec: &NodeSpec) -> Vec<Value> {
    spec.taints
        .iter()
        .map(|t| {
            let mut v = json!({"key": t.key, "effect": taint_effect(t.effect)});
            if let Some(value) = &t.value {
                v["value"] = json!(value);
            }
            v
        })
        .collect()
}

/// A node's labels: the scenario's, plus architecture, tier and hostname.
fn node_labels(spec: &NodeSpec, profile: &Profile) -> BTreeMap<String, String> {
    let mut labels = spec.labels.clone();
    labels.insert(LABEL_ARCH.into(), profile.arch(spec.arch).name.clone());
    labels.insert(LABEL_TIER.into(), spec.tier.to_string());
    labels.insert(LABEL_HOSTNAME.into(), spec.name.clone());
    labels
}

fn node_annotations(spec: &NodeSpec) -> BTreeMap<String, String> {
    BTreeMap::from([
        (ANN_NETWORK_MS.to_string(), number(spec.network_ms)),
        (ANN_IDLE_WATTS.to_string(), number(spec.idle_watts)),
        (ANN_BUSY_WATTS.to_string(), number(spec.busy_watts)),
    ])
}

/// The `Node` object of a scenario node (metadata and spec; the status is
/// a subresource, see [`node_status_patch`]).
pub fn node_object(spec: &NodeSpec, profile: &Profile) -> Node {
    let taints = taints_json(spec);
    let mut node = json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": spec.name,
            "labels": node_labels(spec, profile),
            "annotations": node_annotations(spec),
        },
        "spec": {},
    });
    if !taints.is_empty() {
        node["spec"]["taints"] = json!(taints);
    }
    serde_json::from_value(node).expect("a well-formed Node")
}

/// The merge patch of `nodes/NAME/status`: capacity and allocatable (cpu =
/// cores, memory in Mi, `nvidia.com/gpu` when the node has GPUs — removed
/// otherwise — and pods) and the `Ready` condition, as a kubelet reports
/// them. `now` is an RFC 3339 time.
pub fn node_status_patch(spec: &NodeSpec, now: &str) -> Value {
    let gpus = if spec.gpus > 0 {
        json!(spec.gpus.to_string())
    } else {
        Value::Null
    };
    let resources = json!({
        "cpu": spec.cores.to_string(),
        "memory": format!("{}Mi", spec.memory_mib),
        RESOURCE_GPU: gpus,
        "pods": MAX_PODS.to_string(),
    });
    json!({
        "status": {
            "capacity": resources,
            "allocatable": resources,
            "conditions": [{
                "type": "Ready",
                "status": "True",
                "reason": "KubeletReady",
                "message": "synergai emulate is posting ready status",
                "lastHeartbeatTime": now,
                "lastTransitionTime": now,
            }],
        }
    })
}

/// The merge patch that leaves exactly the scenario's taints (dropping the
/// `not-ready` taint admission added) and makes the node schedulable.
pub fn node_spec_patch(spec: &NodeSpec) -> Value {
    let taints = taints_json(spec);
    json!({
        "spec": {
            "taints": if taints.is_empty() { Value::Null } else { json!(taints) },
            "unschedulable": Value::Null,
        }
    })
}

/// The job pod of `job`, named `name`, in `namespace`. With `speed` ≠ 1
/// the declared queries and QoS target are divided by `speed` (see the
/// module documentation).
pub fn job_pod(scenario: &Scenario, job: &JobSpec, name: &str, namespace: &str, speed: f64) -> Pod {
    let queries = ((job.queries as f64 / speed).ceil() as u64).max(1);
    let mut annotations = BTreeMap::from([
        (
            ANN_MODEL.to_string(),
            scenario.profile.model(job.model).name.clone(),
        ),
        (ANN_QUERIES.to_string(), queries.to_string()),
        (ANN_QOS_MS.to_string(), number(job.qos_ms / speed)),
    ]);
    match &job.pin {
        Some(Pin::Node(n)) => {
            annotations.insert(
                ANN_PIN_NODE.to_string(),
                scenario.nodes[*n as usize].name.clone(),
            );
        }
        Some(Pin::Arch(a)) => {
            annotations.insert(
                ANN_PIN_ARCH.to_string(),
                scenario.profile.arch(*a).name.clone(),
            );
        }
        None => {}
    }
    let env = |var: &str, key: &str| {
        json!({"name": var, "valueFrom": {"fieldRef": {
            "fieldPath": format!("metadata.annotations['{key}']")
        }}})
    };
    let pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {LABEL_MANAGED_BY: MANAGER},
            "annotations": annotations,
        },
        "spec": {
            "schedulerName": SCHEDULER_NAME,
            "restartPolicy": "Never",
            "containers": [{
                "name": CONTAINER,
                "image": IMAGE,
                "env": [env(ENV_ENGINE, ANN_ENGINE), env(ENV_THREADS, ANN_THREADS)],
            }],
        },
    });
    serde_json::from_value(pod).expect("a well-formed Pod")
}

fn container_id(uid: &str) -> String {
    format!("emulated://{uid}")
}

/// The strategic merge patch of `pods/NAME/status` a kubelet sends when the
/// container starts (`now` RFC 3339).
pub fn running_patch(uid: &str, now: &str) -> Value {
    json!({
        "status": {
            "phase": "Running",
            "startTime": now,
            "conditions": [
                {"type": "Initialized", "status": "True", "lastTransitionTime": now},
                {"type": "ContainersReady", "status": "True", "lastTransitionTime": now},
                {"type": "Ready", "status": "True", "lastTransitionTime": now},
            ],
            "containerStatuses": [{
                "name": CONTAINER,
                "image": IMAGE,
                "imageID": "",
                "containerID": container_id(uid),
                "ready": true,
                "started": true,
                "restartCount": 0,
                "state": {"running": {"startedAt": now}},
            }],
        }
    })
}

/// The strategic merge patch of a finished pod: `Succeeded` with the
/// container terminated (exit 0, `Completed`), or `Failed` (exit 1) with
/// a reason and message.
pub fn terminated_patch(
    uid: &str,
    started: &str,
    now: &str,
    failure: Option<(&str, &str)>,
) -> Value {
    let mut terminated = json!({
        "exitCode": 0,
        "reason": "Completed",
        "startedAt": started,
        "finishedAt": now,
        "containerID": container_id(uid),
    });
    let mut status = json!({"phase": "Succeeded"});
    if let Some((reason, message)) = failure {
        terminated["exitCode"] = json!(1);
        terminated["reason"] = json!(reason);
        terminated["message"] = json!(message);
        status = json!({
            "phase": "Failed",
            "reason": reason,
            "message": message,
            "startTime": started,
        });
    }
    status["conditions"] = json!([
        {"type": "ContainersReady", "status": "False", "reason": "PodCompleted", "lastTransitionTime": now},
        {"type": "Ready", "status": "False", "reason": "PodCompleted", "lastTransitionTime": now},
    ]);
    status["containerStatuses"] = json!([{
        "name": CONTAINER,
        "image": IMAGE,
        "imageID": "",
        "containerID": container_id(uid),
        "ready": false,
        "started": false,
        "restartCount": 0,
        "state": {"terminated": terminated},
    }]);
    json!({ "status": status })
}

/// The configuration a bound pod runs: its decision annotations when the
/// profile has that configuration for the pod's model on the node's
/// architecture, else the plan's knee (with a note saying why).
pub fn placement_for(
    profile: &Profile,
    plan: &OfflinePlan,
    job: &PodJob,
    arch: ArchId,
) -> std::result::Result<(Placement, Option<String>), String> {
    let model = &profile.model(job.model).name;
    let arch_name = &profile.arch(arch).name;
    let knee = |why: String| match plan.get(job.model, arch) {
        Some(p) => Ok((
            p.knee.placement(),
            Some(format!(
                "{why}; running the plan's knee for {model} on {arch_name} ({}×{})",
                p.knee.engine, p.knee.threads
            )),
        )),
        None => Err(format!(
            "profile {} has no configuration of {model} on {arch_name}",
            profile.name
        )),
    };
    match (job.engine, job.threads) {
        (Some(engine), Some(threads)) => match profile.row(job.model, arch, engine, threads) {
            Some(row) => Ok((
                Placement {
                    engine,
                    threads,
                    memory_mib: row.memory_mib,
                    base_qps: row.qps,
                    watts: row.watts,
                    startup_ms: profile.arch(arch).startup_ms(engine),
                },
                None,
            )),
            None => knee(format!(
                "decision {engine}×{threads} is not in profile {} for {model} on {arch_name}",
                profile.name
            )),
        },
        _ => knee(format!(
            "no decision annotations ({ANN_ENGINE}, {ANN_THREADS})"
        )),
    }
}

// ----------------------------------------------------------------- errors

/// A request that failed, as an [`Error::Cluster`] naming the verb and object.
fn api_error(verb: &str, object: &str, e: ::kube::Error) -> Error {
    match e {
        ::kube::Error::Api(s) => {
            let hint = if s.is_forbidden() {
                " — the kubeconfig's user lacks the RBAC permission"
            } else if s.is_already_exists() && object.starts_with("pod ") {
                " — left by an earlier emulation? Delete those pods (label app.kubernetes.io/managed-by=synergai-emulate) or use another namespace (-n)"
            } else {
                ""
            };
            Error::Cluster(format!(
                "cannot {verb} {object}: {} (HTTP {} {}){hint}",
                s.message.trim(),
                s.code,
                s.reason
            ))
        }
        other => Error::Cluster(format!("cannot {verb} {object}: {other}")),
    }
}

fn is_not_found(e: &::kube::Error) -> bool {
    matches!(e, ::kube::Error::Api(s) if s.is_not_found())
}

/// Worth retrying: the server was not reached or is overloaded.
fn transient(e: &::kube::Error) -> bool {
    match e {
        ::kube::Error::Api(s) => matches!(s.code, 429 | 500 | 502 | 503 | 504),
        ::kube::Error::HyperError(_) | ::kube::Error::Service(_) => true,
        _ => false,
    }
}

/// How long a request keeps being retried through an outage.
const RETRY_FOR: Duration = Duration::from_secs(60);

/// Runs an idempotent request, retrying transient failures (server
/// unreachable, overloaded, 5xx) with exponential backoff (0.1 s doubling
/// to 5 s) for up to [`RETRY_FOR`], so an API-server restart is ridden out.
async fn retrying<T>(mut request: impl AsyncFnMut() -> ::kube::Result<T>) -> ::kube::Result<T> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        match request().await {
            Err(e) if transient(&e) && start.elapsed() + delay < RETRY_FOR => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            other => return other,
        }
    }
}

/// Creates a pod, retrying like [`retrying`]; a retry that finds the pod
/// already there (the first attempt landed but its answer was lost) reads
/// it instead of failing.
async fn create_pod(api: &Api<Pod>, pod: &Pod) -> ::kube::Result<Pod> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let mut attempted = false;
    retrying(async || {
        let result = api.create(&post_params(), pod).await;
        match result {
            Err(::kube::Error::Api(s)) if s.is_already_exists() && attempted => {
                api.get(&name).await
            }
            other => {
                attempted = true;
                other
            }
        }
    })
    .await
}

// --------------------------------------------------------------- emulator

/// A pod the emulator created for a job.
struct CreatedPod {
    job: usize,
    uid: String,
    /// What the emulator last saw of it.
    seen: Seen,
    /// Deleted (or being deleted) before it finished.
    gone: bool,
}

/// A created pod as last seen.
enum Seen {
    /// Not terminal yet: the latest version (create reply, watch, patch
    /// reply).
    Live(Box<Pod>),
    /// Succeeded or Failed, for good (a terminal pod never changes phase
    /// again, so an older version arriving later is ignored), reduced to
    /// what the summary counts: the emulator's memory does not grow with
    /// the pods it has finished (a whole `Pod` is tens of KiB).
    Finished {
        succeeded: bool,
        /// Measured latency and the declared QoS target, when known.
        latency_ms: Option<(f64, f64)>,
    },
}

impl CreatedPod {
    /// Records a newer version of the pod.
    fn see(&mut self, pod: Pod, profile: &Profile) {
        if self.finished() {
            return;
        }
        self.seen = if pod_is_terminal(&pod) {
            Seen::Finished {
                succeeded: pod.status.as_ref().and_then(|s| s.phase.as_deref())
                    == Some("Succeeded"),
                latency_ms: map_pod(&pod, profile)
                    .ok()
                    .and_then(|m| Some((m.value.latency_ms()?, m.value.qos_ms))),
            }
        } else {
            Seen::Live(Box::new(pod))
        };
    }

    fn finished(&self) -> bool {
        matches!(self.seen, Seen::Finished { .. })
    }
}

/// A pod the emulated kubelet started.
struct Started {
    name: String,
    /// The local run; `None` once finished (completing) or failed.
    run: Option<RunId>,
    started: Timestamp,
}

/// What the emulation counted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub jobs: usize,
    pub created: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub running: usize,
    pub pending: usize,
    pub deleted: usize,
    /// Finished pods whose measured latency was known.
    pub measured: usize,
    pub violations: usize,
    pub mean_latency_ms: Option<f64>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "summary: {} jobs, {} created, {} completed, {} failed, {} running, {} pending, {} deleted; QoS violations: {} of {} measured",
            self.jobs,
            self.created,
            self.succeeded,
            self.failed,
            self.running,
            self.pending,
            self.deleted,
            self.violations,
            self.measured
        )?;
        if let Some(mean) = self.mean_latency_ms {
            write!(f, ", mean latency {:.0} ms", mean)?;
        }
        write!(
            f,
            " (latency = container finishedAt − pod creationTimestamp, whole seconds as the API server stores them)"
        )
    }
}

/// A status patch to send for a started pod.
struct StatusPatch {
    name: String,
    uid: String,
    body: Value,
    what: &'static str,
}

struct Emulator {
    scenario: Scenario,
    plan: OfflinePlan,
    nodes: Api<Node>,
    pods: Api<Pod>,
    namespace: String,
    speed: f64,
    nodes_only: bool,
    pod_names: Vec<String>,
    nodes_ready: Vec<String>,
    /// When the job clock started (after the nodes were set up).
    start: Option<Instant>,
    next_job: usize,
    created: HashMap<String, CreatedPod>,
    /// Pods the kubelet started, by uid.
    started: HashMap<String, Started>,
    run_owner: HashMap<RunId, String>,
    cluster: Cluster,
    finishes: BinaryHeap<Reverse<(u64, RunId, u64)>>,
    changed: Vec<RunId>,
    /// Finished locally, to be reported at (emulated ms, uid).
    completing: Vec<(f64, String)>,
    /// Pods on our nodes that are not synergai jobs (warned once), by uid.
    ignored: HashSet<String>,
    last_watch_error: Option<String>,
}

impl Emulator {
    fn new(scenario: Scenario, connection: &client::Connection, options: &Options) -> Emulator {
        let plan = OfflinePlan::new(&scenario.profile, scenario.profile.knee_threshold);
        let cluster = Cluster::new(scenario.nodes.clone(), &scenario.profile);
        Emulator {
            plan,
            cluster,
            nodes: Api::all(connection.client.clone()),
            pods: Api::namespaced(connection.client.clone(), &connection.namespace),
            namespace: connection.namespace.clone(),
            speed: options.speed,
            nodes_only: options.nodes_only,
            pod_names: pod_names(&scenario.jobs),
            nodes_ready: Vec::new(),
            start: None,
            next_job: 0,
            created: HashMap::new(),
            started: HashMap::new(),
            run_owner: HashMap::new(),
            finishes: BinaryHeap::new(),
            changed: Vec::new(),
            completing: Vec::new(),
            ignored: HashSet::new(),
            last_watch_error: None,
            scenario,
        }
    }

    /// Emulated milliseconds since the job clock started.
    fn now_ms(&self) -> f64 {
        self.start
            .map(|s| s.elapsed().as_secs_f64() * 1000.0 * self.speed)
            .unwrap_or(0.0)
    }

    async fn run(&mut self) -> Result<()> {
        self.setup_nodes().await?;
        if self.nodes_only {
            return Ok(());
        }
        self.prepare_namespace().await?;
        for (job, name) in self.scenario.jobs.iter().zip(&self.pod_names) {
            if *name != job.name {
                log(&format!("job {:?} becomes pod {name}", job.name));
            }
        }
        let events = watcher(self.pods.clone(), watcher::Config::default())
            .default_backoff()
            .ready_chunks(256);
        tokio::pin!(events);
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        self.start = Some(Instant::now());
        loop {
            if self.done() {
                return Ok(());
            }
            tokio::select! {
                batch = events.next() => match batch {
                    Some(batch) => self.on_events(batch).await?,
                    None => return Err(Error::Cluster(format!(
                        "the watch of pods in namespace {} ended", self.namespace
                    ))),
                },
                _ = tick.tick() => self.on_tick().await?,
            }
        }
    }

    fn done(&self) -> bool {
        self.next_job == self.scenario.jobs.len()
            && self.created.values().all(|c| c.gone || c.finished())
    }

    // ------------------------------------------------------------ nodes

    async fn setup_nodes(&mut self) -> Result<()> {
        let profile = self.scenario.profile.clone();
        let jobs = self.scenario.nodes.iter().map(|spec| {
            let api = self.nodes.clone();
            let profile = profile.clone();
            async move { setup_node(&api, spec, &profile).await }
        });
        let mut results = stream::iter(jobs).buffer_unordered(CONCURRENCY);
        while let Some(result) = results.next().await {
            self.nodes_ready.push(result?);
        }
        self.nodes_ready.sort();
        Ok(())
    }

    // ------------------------------------------------------------- pods

    /// Creates the namespace when it does not exist, and refuses to start
    /// when a job's pod name is taken.
    async fn prepare_namespace(&mut self) -> Result<()> {
        let namespaces: Api<Namespace> = Api::all(self.pods.clone().into_client());
        let object = format!("namespace {}", self.namespace);
        match namespaces.get_opt(&self.namespace).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                let ns: Namespace =
                    serde_json::from_value(json!({"metadata": {"name": self.namespace}}))
                        .expect("a well-formed Namespace");
                match namespaces.create(&post_params(), &ns).await {
                    Ok(_) => log(&format!("created {object}")),
                    Err(::kube::Error::Api(s)) if s.is_already_exists() => {}
                    Err(e) => return Err(api_error("create", &object, e)),
                }
            }
            // Not allowed to read namespaces: the pod calls will tell.
            Err(::kube::Error::Api(s)) if s.is_forbidden() => {}
            Err(e) => return Err(api_error("get", &object, e)),
        }
        let existing = self
            .pods
            .list(&ListParams::default())
            .await
            .map_err(|e| api_error("list", &format!("pods in {object}"), e))?;
        let wanted: HashSet<&str> = self.pod_names.iter().map(String::as_str).collect();
        let taken: Vec<String> = existing
            .items
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .filter(|n| wanted.contains(n.as_str()))
            .collect();
        if !taken.is_empty() {
            let shown: Vec<&str> = taken.iter().take(5).map(String::as_str).collect();
            return Err(Error::Cluster(format!(
                "{} of the scenario's pods already exist in {object} ({}{}): left by an earlier emulation? Delete them (label {LABEL_MANAGED_BY}={MANAGER}) or use another namespace (-n)",
                taken.len(),
                shown.join(", "),
                if taken.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            )));
        }
        Ok(())
    }

    async fn on_tick(&mut self) -> Result<()> {
        let now = self.now_ms();
        self.create_due(now).await?;
        self.advance(now);
        self.report_completions(now).await
    }

    /// Creates the pods of the jobs that have arrived.
    async fn create_due(&mut self, now: f64) -> Result<()> {
        let mut batch = Vec::new();
        while self.next_job < self.scenario.jobs.len()
            && self.scenario.jobs[self.next_job].arrival_ms <= now
        {
            let j = self.next_job;
            let pod = job_pod(
                &self.scenario,
                &self.scenario.jobs[j],
                &self.pod_names[j],
                &self.namespace,
                self.speed,
            );
            batch.push((j, pod));
            self.next_job += 1;
        }
        if batch.is_empty() {
            return Ok(());
        }
        let requests = batch.into_iter().map(|(j, pod)| {
            let api = self.pods.clone();
            async move { (j, create_pod(&api, &pod).await) }
        });
        let results: Vec<_> = stream::iter(requests)
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut first_error = None;
        for (j, result) in results {
            let name = self.pod_names[j].clone();
            match result {
                Ok(pod) => {
                    let declared = |key: &str| annotation(&pod, key).unwrap_or("?").to_string();
                    log(&format!(
                        "pod {}/{name} created ({}, {} queries, qos {} ms)",
                        self.namespace,
                        declared(ANN_MODEL),
                        declared(ANN_QUERIES),
                        declared(ANN_QOS_MS),
                    ));
                    let mut created = CreatedPod {
                        job: j,
                        uid: pod.metadata.uid.clone().unwrap_or_default(),
                        seen: Seen::Live(Box::default()),
                        gone: false,
                    };
                    created.see(pod, &self.scenario.profile);
                    self.created.insert(name, created);
                }
                Err(e) => {
                    let object = format!("pod {}/{name}", self.namespace);
                    first_error.get_or_insert(api_error("create", &object, e));
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    // ----------------------------------------------------------- kubelet

    fn collect_changed(&mut self) {
        self.cluster.take_changed(&mut self.changed);
        for &run in &self.changed {
            if let Some(r) = self.cluster.run(run) {
                self.finishes.push(Reverse((
                    r.predicted_finish_ms.max(0.0).to_bits(),
                    run,
                    r.version,
                )));
            }
        }
    }

    /// Finishes, in time order, every local run predicted to end by `now`;
    /// their pods complete after the node's network cost.
    fn advance(&mut self, now: f64) {
        self.collect_changed();
        while let Some(&Reverse((bits, run, version))) = self.finishes.peek() {
            let t = f64::from_bits(bits);
            if t > now {
                break;
            }
            self.finishes.pop();
            let Some(r) = self.cluster.run(run) else {
                continue;
            };
            if r.version != version {
                continue;
            }
            let node = r.node;
            self.cluster.finish(run, t);
            self.collect_changed();
            if let Some(uid) = self.run_owner.remove(&run) {
                if let Some(s) = self.started.get_mut(&uid) {
                    s.run = None;
                }
                let network = self.scenario.nodes[node as usize].network_ms;
                self.completing.push((t + network, uid));
            }
        }
    }

    /// Drops a started pod's local run (its pod went away).
    fn drop_run(&mut self, uid: &str, now: f64) {
        if let Some(s) = self.started.get_mut(uid)
            && let Some(run) = s.run.take()
        {
            self.cluster.finish(run, now);
            self.run_owner.remove(&run);
            self.collect_changed();
        }
        self.completing.retain(|(_, u)| u != uid);
    }

    async fn on_events(
        &mut self,
        batch: Vec<std::result::Result<watcher::Event<Pod>, watcher::Error>>,
    ) -> Result<()> {
        let now = self.now_ms();
        self.advance(now);
        let mut patches = Vec::new();
        let mut deletions = Vec::new();
        for event in batch {
            match event {
                Ok(watcher::Event::Apply(pod) | watcher::Event::InitApply(pod)) => {
                    self.last_watch_error = None;
                    self.observe(pod, now, &mut patches, &mut deletions);
                }
                Ok(watcher::Event::Delete(pod)) => {
                    let uid = pod.metadata.uid.clone().unwrap_or_default();
                    let name = pod.metadata.name.clone().unwrap_or_default();
                    self.drop_run(&uid, now);
                    if self.started.remove(&uid).is_some() {
                        log(&format!(
                            "pod {}/{name} deleted; dropped from the emulation",
                            self.namespace
                        ));
                    }
                    if let Some(c) = self.created.get_mut(&name)
                        && c.uid == uid
                    {
                        c.see(pod, &self.scenario.profile);
                        c.gone = !c.finished();
                    }
                }
                Ok(watcher::Event::Init | watcher::Event::InitDone) => {}
                Err(e) => self.watch_error(e)?,
            }
        }
        self.send_status(patches).await?;
        self.complete_deletions(deletions).await
    }

    fn watch_error(&mut self, e: watcher::Error) -> Result<()> {
        let forbidden = match &e {
            watcher::Error::InitialListFailed(::kube::Error::Api(s))
            | watcher::Error::WatchStartFailed(::kube::Error::Api(s))
            | watcher::Error::WatchFailed(::kube::Error::Api(s)) => s.is_forbidden(),
            watcher::Error::WatchError(s) => s.is_forbidden(),
            _ => false,
        };
        if forbidden {
            return Err(Error::Cluster(format!(
                "cannot watch pods in namespace {}: {e} — the kubeconfig's user lacks the RBAC permission",
                self.namespace
            )));
        }
        let message = e.to_string();
        if self.last_watch_error.as_ref() != Some(&message) {
            log(&format!(
                "watching pods in namespace {}: {message}; retrying",
                self.namespace
            ));
            self.last_watch_error = Some(message);
        }
        Ok(())
    }

    /// Handles the latest version of a pod: remembers it, drops it when it
    /// is being deleted, starts it when it was bound to one of our nodes.
    fn observe(
        &mut self,
        pod: Pod,
        now: f64,
        patches: &mut Vec<StatusPatch>,
        deletions: &mut Vec<(String, String)>,
    ) {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let node_name = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .filter(|n| !n.is_empty());
        let ours = node_name.as_deref().and_then(|n| self.scenario.node_id(n));
        let mut terminal = pod_is_terminal(&pod);
        let deleting = pod.metadata.deletion_timestamp.is_some();
        if let Some(c) = self.created.get_mut(&name)
            && c.uid == uid
        {
            c.see(pod.clone(), &self.scenario.profile);
            // An older version seen after the pod finished.
            terminal |= c.finished();
            if deleting && !terminal {
                c.gone = true;
            }
        }
        if deleting {
            if self.started.contains_key(&uid) {
                self.drop_run(&uid, now);
                self.started.remove(&uid);
                log(&format!(
                    "pod {}/{name} is being deleted; dropped from the emulation",
                    self.namespace
                ));
            }
            // Without a kubelet, a bound pod's graceful deletion never
            // completes: finish it as the kubelet would.
            if ours.is_some() && !terminal {
                deletions.push((name, uid));
            }
            return;
        }
        let Some(node) = ours else { return };
        if terminal || self.started.contains_key(&uid) || self.ignored.contains(&uid) {
            return;
        }
        let phase = pod
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_else(|| "Pending".into());
        let object = format!("pod {}/{name}", self.namespace);
        let mapped = match map_pod(&pod, &self.scenario.profile) {
            Ok(m) => m,
            Err(e) => {
                log(&format!(
                    "{object} is bound to node {} but is not a synergai job ({e}); left alone",
                    self.scenario.nodes[node as usize].name
                ));
                self.ignored.insert(uid);
                return;
            }
        };
        for w in &mapped.warnings {
            log(w);
        }
        let job = mapped.value;
        let nodes = self.scenario.nodes.clone();
        let spec = &nodes[node as usize];
        let (placement, note) =
            match placement_for(&self.scenario.profile, &self.plan, &job, spec.arch) {
                Ok(p) => p,
                Err(why) => {
                    log(&format!("{object} cannot run on node {}: {why}", spec.name));
                    let now_ts = Timestamp::now().to_string();
                    self.started.insert(
                        uid.clone(),
                        Started {
                            name: name.clone(),
                            run: None,
                            started: Timestamp::now(),
                        },
                    );
                    patches.push(StatusPatch {
                        body: terminated_patch(
                            &uid,
                            &now_ts,
                            &now_ts,
                            Some(("UnsupportedConfiguration", &why)),
                        ),
                        name,
                        uid,
                        what: "failed",
                    });
                    return;
                }
            };
        if let Some(note) = note {
            log(&format!("{object}: {note}"));
        }
        // The emulated work: the scenario's queries for our own pods, the
        // declared queries scaled back to emulated time for others.
        let queries = match self.created.get(&name) {
            Some(c) if c.uid == uid => self.scenario.jobs[c.job].queries,
            _ => ((job.queries as f64 * self.speed).round() as u64).max(1),
        };
        let job_id = self.created.get(&name).map_or(u32::MAX, |c| c.job as u32);
        let (free_cores, free_mem, free_gpus) = self.cluster.free(node);
        if placement.threads > free_cores
            || placement.memory_mib > free_mem
            || placement.gpus() > free_gpus
        {
            log(&format!(
                "{object}: {}×{} ({} MiB, {} GPU) does not fit what is free on node {} ({free_cores} cores, {free_mem} MiB, {free_gpus} GPUs); running it anyway",
                placement.engine,
                placement.threads,
                placement.memory_mib,
                placement.gpus(),
                spec.name
            ));
        }
        let run = self
            .cluster
            .place(node, job_id, queries, &placement, now, false);
        self.run_owner.insert(run, uid.clone());
        self.collect_changed();
        let predicted = self.cluster.run(run).map_or(0.0, |r| r.predicted_finish_ms);
        let adopted = phase == "Running";
        let started_at = if adopted {
            job.started.unwrap_or_else(Timestamp::now)
        } else {
            Timestamp::now()
        };
        self.started.insert(
            uid.clone(),
            Started {
                name: name.clone(),
                run: Some(run),
                started: started_at,
            },
        );
        log(&format!(
            "{object} {} on node {} ({}×{}, {} queries, predicted to finish in {:.1} s)",
            if adopted {
                "already running; its run restarts now"
            } else {
                "running"
            },
            spec.name,
            placement.engine,
            placement.threads,
            queries,
            (predicted + spec.network_ms - now) / self.speed / 1000.0
        ));
        if !adopted {
            patches.push(StatusPatch {
                body: running_patch(&uid, &started_at.to_string()),
                name,
                uid,
                what: "running",
            });
        }
    }

    /// Reports the pods whose completion time has come as `Succeeded`.
    async fn report_completions(&mut self, now: f64) -> Result<()> {
        if self.completing.is_empty() {
            return Ok(());
        }
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.completing)
            .into_iter()
            .partition(|(t, _)| *t <= now);
        self.completing = later;
        let now_ts = Timestamp::now().to_string();
        let patches = due
            .into_iter()
            .filter_map(|(_, uid)| {
                let s = self.started.get(&uid)?;
                Some(StatusPatch {
                    body: terminated_patch(&uid, &s.started.to_string(), &now_ts, None),
                    name: s.name.clone(),
                    uid,
                    what: "succeeded",
                })
            })
            .collect();
        self.send_status(patches).await
    }

    async fn send_status(&mut self, patches: Vec<StatusPatch>) -> Result<()> {
        if patches.is_empty() {
            return Ok(());
        }
        let requests = patches.into_iter().map(|p| {
            let api = self.pods.clone();
            async move {
                let params = patch_params();
                let result = retrying(async || {
                    api.patch_status(&p.name, &params, &Patch::Strategic(&p.body))
                        .await
                })
                .await;
                (p, result)
            }
        });
        let results: Vec<_> = stream::iter(requests)
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let now = self.now_ms();
        let mut first_error = None;
        for (p, result) in results {
            let object = format!("pod {}/{}", self.namespace, p.name);
            match result {
                Ok(pod) => {
                    if p.what == "succeeded"
                        && let Some(s) = self.started.get(&p.uid)
                    {
                        let secs = Timestamp::now().duration_since(s.started).as_secs_f64();
                        log(&format!("{object} succeeded after {secs:.1} s"));
                    } else if p.what == "failed" {
                        log(&format!("{object} failed"));
                    }
                    if let Some(c) = self.created.get_mut(&p.name)
                        && c.uid == p.uid
                    {
                        c.see(pod, &self.scenario.profile);
                        // Finished for good: nothing to keep of its run.
                        if c.finished() {
                            self.started.remove(&p.uid);
                        }
                    }
                }
                Err(e) if is_not_found(&e) => {
                    log(&format!("{object} is gone; dropped from the emulation"));
                    self.drop_run(&p.uid, now);
                    self.started.remove(&p.uid);
                    if let Some(c) = self.created.get_mut(&p.name)
                        && c.uid == p.uid
                    {
                        c.gone = true;
                    }
                }
                Err(e) => {
                    first_error.get_or_insert(api_error(
                        &format!("mark {} (patch status of)", p.what),
                        &object,
                        e,
                    ));
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Completes the deletion of bound pods being deleted (grace period 0,
    /// only the same pod: uid precondition).
    async fn complete_deletions(&mut self, deletions: Vec<(String, String)>) -> Result<()> {
        for (name, uid) in deletions {
            let params = DeleteParams {
                grace_period_seconds: Some(0),
                preconditions: Some(::kube::api::Preconditions {
                    uid: Some(uid),
                    resource_version: None,
                }),
                ..DeleteParams::default()
            };
            match self.pods.delete(&name, &params).await {
                Ok(_) => {}
                Err(::kube::Error::Api(s)) if s.is_not_found() || s.is_conflict() => {}
                Err(e) => {
                    return Err(api_error(
                        "delete",
                        &format!("pod {}/{name}", self.namespace),
                        e,
                    ));
                }
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------ summary

    fn summary(&self) -> Summary {
        let mut s = Summary {
            jobs: self.scenario.jobs.len(),
            created: self.created.len(),
            ..Summary::default()
        };
        let mut latency_sum = 0.0;
        for c in self.created.values() {
            match &c.seen {
                Seen::Finished {
                    succeeded,
                    latency_ms,
                } => {
                    if *succeeded {
                        s.succeeded += 1;
                    } else {
                        s.failed += 1;
                    }
                    if let Some((latency, qos_ms)) = *latency_ms {
                        s.measured += 1;
                        latency_sum += latency;
                        if latency > qos_ms {
                            s.violations += 1;
                        }
                    }
                }
                _ if c.gone => s.deleted += 1,
                Seen::Live(pod)
                    if pod
                        .spec
                        .as_ref()
                        .and_then(|sp| sp.node_name.as_deref())
                        .is_some_and(|n| !n.is_empty()) =>
                {
                    s.running += 1
                }
                Seen::Live(_) => s.pending += 1,
            }
        }
        if s.measured > 0 {
            s.mean_latency_ms = Some(latency_sum / s.measured as f64);
        }
        s
    }
}

fn annotation<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .map(String::as_str)
}

fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

fn post_params() -> PostParams {
    PostParams {
        field_manager: Some(MANAGER.into()),
        ..PostParams::default()
    }
}

fn patch_params() -> PatchParams {
    PatchParams {
        field_manager: Some(MANAGER.into()),
        ..PatchParams::default()
    }
}

/// Creates or updates one node, reports it ready, removes the not-ready
/// taint, and checks what the server left. Returns the node's name.
async fn setup_node(api: &Api<Node>, spec: &NodeSpec, profile: &Profile) -> Result<String> {
    let object = format!("node {}", spec.name);
    let node = node_object(spec, profile);
    let mut verb = "created";
    match api.create(&post_params(), &node).await {
        Ok(_) => {}
        Err(::kube::Error::Api(s)) if s.is_already_exists() => {
            verb = "updated";
            let patch = json!({"metadata": {
                "labels": node_labels(spec, profile),
                "annotations": node_annotations(spec),
            }});
            retrying(async || {
                api.patch(&spec.name, &patch_params(), &Patch::Merge(&patch))
                    .await
            })
            .await
            .map_err(|e| api_error("update", &object, e))?;
        }
        Err(e) => return Err(api_error("create", &object, e)),
    }
    let now = Timestamp::now().to_string();
    let status = node_status_patch(spec, &now);
    retrying(async || {
        api.patch_status(&spec.name, &patch_params(), &Patch::Merge(&status))
            .await
    })
    .await
    .map_err(|e| api_error("patch status of", &object, e))?;
    let taints = node_spec_patch(spec);
    let node = retrying(async || {
        api.patch(&spec.name, &patch_params(), &Patch::Merge(&taints))
            .await
    })
    .await
    .map_err(|e| api_error("set the taints of", &object, e))?;
    check_node(&node, spec)?;
    log(&format!(
        "{object} {verb} and ready ({}, {}, {}, {} MiB, {}{})",
        profile.arch(spec.arch).name,
        spec.tier,
        plural(spec.cores, "core", "cores"),
        spec.memory_mib,
        plural(spec.gpus, "GPU", "GPUs"),
        if spec.taints.is_empty() {
            String::new()
        } else {
            format!(", {}", plural(spec.taints.len() as u64, "taint", "taints"))
        }
    ));
    Ok(spec.name.clone())
}

/// What the server left must be what a scheduler needs: Ready, exactly the
/// scenario's taints (no `not-ready`), schedulable, resources reported.
fn check_node(node: &Node, spec: &NodeSpec) -> Result<()> {
    let object = format!("node {}", spec.name);
    let fail = |what: String| {
        Err(Error::Cluster(format!(
            "{object}: after the emulator's updates {what}"
        )))
    };
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    if taints.iter().any(|t| t.key == TAINT_NOT_READY) {
        return fail(format!(
            "the API server still has the {TAINT_NOT_READY} taint on it (is a node-lifecycle controller re-adding it?)"
        ));
    }
    let mut have: Vec<(String, String, String)> = taints
        .iter()
        .map(|t| {
            (
                t.key.clone(),
                t.value.clone().unwrap_or_default(),
                t.effect.clone(),
            )
        })
        .collect();
    let mut want: Vec<(String, String, String)> = spec
        .taints
        .iter()
        .map(|t| {
            (
                t.key.clone(),
                t.value.clone().unwrap_or_default(),
                taint_effect(t.effect).to_string(),
            )
        })
        .collect();
    have.sort();
    want.sort();
    if have != want {
        return fail(format!("its taints are {have:?}, expected {want:?}"));
    }
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        return fail("it is still unschedulable (cordoned)".into());
    }
    if !node_ready(node) {
        return fail("its Ready condition is not True".into());
    }
    let allocatable = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
    if allocatable.is_none_or(|a| !a.contains_key("cpu") || !a.contains_key("memory")) {
        return fail("it reports no allocatable cpu and memory".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::mapping::{ArchMapping, decision_annotations, map_node};
    use crate::model::Engine;

    fn job(name: &str) -> JobSpec {
        let scenario = crate::fixture::load_default().unwrap();
        JobSpec {
            name: name.into(),
            ..scenario.jobs[0].clone()
        }
    }

    #[test]
    fn pod_names_are_dns_labels_and_unique() {
        let long = "x".repeat(80);
        let jobs = [
            job("job-1"),
            job("Job_1"),
            job("job.1"),
            job("--"),
            job(&long),
            job(&long),
            job("Ünïcode Name!"),
        ];
        let names = pod_names(&jobs);
        assert_eq!(names[0], "job-1");
        assert_eq!(names[1], "job-1-2");
        assert_eq!(names[2], "job-1-3");
        assert_eq!(names[3], "job-4");
        assert_eq!(names[4], "x".repeat(63));
        assert_eq!(names[5], format!("{}-2", "x".repeat(61)));
        assert_eq!(names[6], "n-code-name");
        for n in &names {
            assert!(n.len() <= 63, "{n}");
            assert!(
                n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{n}"
            );
            assert!(!n.starts_with('-') && !n.ends_with('-'), "{n}");
        }
    }

    #[test]
    fn numbers_for_annotations() {
        assert_eq!(number(40.0), "40");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(1000.0 / 3.0), "333.333");
        assert_eq!(number(0.0), "0");
    }

    #[test]
    fn nodes_map_back_to_the_scenario() {
        let scenario = crate::fixture::load_default().unwrap();
        let profile = &scenario.profile;
        for spec in scenario.nodes.iter() {
            let mut node = node_object(spec, profile);
            // What the status patch sets.
            let status = node_status_patch(spec, "2024-01-01T00:00:00.5Z");
            let mut status = status["status"].clone();
            if let Some(map) = status["capacity"].as_object_mut() {
                map.retain(|_, v| !v.is_null());
            }
            status["allocatable"] = status["capacity"].clone();
            node.status = Some(serde_json::from_value(status).unwrap());
            assert!(node_ready(&node));
            let mapped = map_node(&node, profile, &ArchMapping::default()).unwrap();
            let back = mapped.value;
            assert_eq!(back.name, spec.name);
            assert_eq!(back.arch, spec.arch);
            assert_eq!(back.tier, spec.tier);
            assert_eq!(back.cores, spec.cores);
            assert_eq!(back.memory_mib, spec.memory_mib);
            assert_eq!(back.gpus, spec.gpus);
            assert_eq!(back.network_ms, spec.network_ms);
            assert_eq!(back.idle_watts, spec.idle_watts);
            assert_eq!(back.busy_watts, spec.busy_watts);
            assert_eq!(back.taints, spec.taints);
            assert!(mapped.warnings.is_empty(), "{:?}", mapped.warnings);
        }
    }

    #[test]
    fn job_pods_map_back_to_their_jobs_scaled_by_speed() {
        let scenario = crate::fixture::load_default().unwrap();
        let mut j = scenario.jobs[0].clone();
        j.pin = Some(Pin::Arch(1));
        let pod = job_pod(&scenario, &j, "p", "ns", 1.0);
        let spec = pod.spec.as_ref().unwrap();
        assert_eq!(spec.scheduler_name.as_deref(), Some(SCHEDULER_NAME));
        assert_eq!(spec.restart_policy.as_deref(), Some("Never"));
        let env = spec.containers[0].env.as_ref().unwrap();
        assert_eq!(
            env[0]
                .value_from
                .as_ref()
                .unwrap()
                .field_ref
                .as_ref()
                .unwrap()
                .field_path,
            "metadata.annotations['synergai.io/engine']"
        );
        let m = map_pod(&pod, &scenario.profile).unwrap().value;
        assert_eq!(m.model, j.model);
        assert_eq!(m.queries, j.queries);
        assert!((m.qos_ms - j.qos_ms).abs() < 1e-3);
        assert_eq!(
            m.pin,
            Some(crate::k8s::mapping::PinRef::Arch(
                scenario.profile.arch(1).name.clone()
            ))
        );
        let fast = map_pod(&job_pod(&scenario, &j, "p", "ns", 4.0), &scenario.profile)
            .unwrap()
            .value;
        assert_eq!(fast.queries, j.queries.div_ceil(4));
        assert!((fast.qos_ms - j.qos_ms / 4.0).abs() < 1e-3);
        let mut tiny = j.clone();
        tiny.queries = 1;
        let m = map_pod(
            &job_pod(&scenario, &tiny, "p", "ns", 100.0),
            &scenario.profile,
        )
        .unwrap()
        .value;
        assert_eq!(m.queries, 1);
    }

    #[test]
    fn placement_from_decisions_or_the_knee() {
        let scenario = crate::fixture::load_default().unwrap();
        let profile = &scenario.profile;
        let plan = OfflinePlan::new(profile, profile.knee_threshold);
        let xeon = profile.arch_id("xeon-vm").unwrap();
        let resnet = profile.model_id("resnet50").unwrap();
        let mut pod = job_pod(&scenario, &scenario.jobs[0], "p", "ns", 1.0);
        pod.metadata
            .annotations
            .as_mut()
            .unwrap()
            .insert(ANN_MODEL.into(), "resnet50".into());
        let knee = plan.get(resnet, xeon).unwrap().knee;
        let job = map_pod(&pod, profile).unwrap().value;
        let (p, note) = placement_for(profile, &plan, &job, xeon).unwrap();
        assert_eq!((p.engine, p.threads), (knee.engine, knee.threads));
        assert!(note.unwrap().contains("no decision annotations"));

        pod.metadata
            .annotations
            .as_mut()
            .unwrap()
            .extend(decision_annotations(Engine::Onnxruntime, 2, 10.0, "test"));
        let job = map_pod(&pod, profile).unwrap().value;
        let (p, note) = placement_for(profile, &plan, &job, xeon).unwrap();
        assert_eq!((p.engine, p.threads, note), (Engine::Onnxruntime, 2, None));
        let row = profile.row(resnet, xeon, Engine::Onnxruntime, 2).unwrap();
        assert_eq!(p.base_qps, row.qps);
        assert_eq!(
            p.startup_ms,
            profile.arch(xeon).startup_ms(Engine::Onnxruntime)
        );

        // TensorRT has no rows on a CPU-only architecture: the knee runs.
        pod.metadata
            .annotations
            .as_mut()
            .unwrap()
            .extend(decision_annotations(Engine::Tensorrt, 2, 10.0, "test"));
        let job = map_pod(&pod, profile).unwrap().value;
        let (p, note) = placement_for(profile, &plan, &job, xeon).unwrap();
        assert_eq!((p.engine, p.threads), (knee.engine, knee.threads));
        assert!(note.unwrap().contains("not in profile"));
    }

    #[test]
    fn terminated_patches() {
        let ok = terminated_patch("u", "2024-01-01T00:00:00Z", "2024-01-01T00:00:02.5Z", None);
        let status = &ok["status"];
        assert_eq!(status["phase"], "Succeeded");
        let t = &status["containerStatuses"][0]["state"]["terminated"];
        assert_eq!(t["exitCode"], 0);
        assert_eq!(t["reason"], "Completed");
        assert_eq!(t["finishedAt"], "2024-01-01T00:00:02.5Z");
        let failed = terminated_patch("u", "a", "b", Some(("Why", "because")));
        assert_eq!(failed["status"]["phase"], "Failed");
        assert_eq!(
            failed["status"]["containerStatuses"][0]["state"]["terminated"]["message"],
            "because"
        );
        let running = running_patch("u", "2024-01-01T00:00:00Z");
        assert_eq!(running["status"]["phase"], "Running");
        assert_eq!(
            running["status"]["containerStatuses"][0]["state"]["running"]["startedAt"],
            "2024-01-01T00:00:00Z"
        );
    }
}
