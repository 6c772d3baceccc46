//! The live source: a cluster watched through reflector stores and
//! published as the same [`View`]s the replay produces, so the dashboard
//! renders it with the same screens. Overrides are written to the pod
//! (`synergai.io/pin-node` / `pin-arch` annotations), so they live in the
//! cluster and every operator sees them. Clock commands do not apply to a
//! live cluster and say so.

use super::{ArchHistory, Clock, Command, LogLine, Note, PinTarget, View};
use crate::kube::client::{Target, connect};
use crate::kube::mapping::{self, PodJob};
use crate::model::{
    ArchSummary, ClusterSnapshot, JobSnapshot, JobState, NodeSnapshot, PlacedBy, Profile,
};
use crate::policy::{OfflinePlan, fmt_ms};
use ::kube::api::{Api, Patch, PatchParams};
use ::kube::runtime::{WatchStreamExt, reflector, watcher};
use futures_util::StreamExt;
use k8s_openapi::api::core::v1::{Node, Pod};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Samples of utilization kept per architecture.
const HISTORY: usize = 120;
/// Finished jobs shown (the most recent).
const DONE_SHOWN: usize = 500;
/// Log lines (bindings, most recent last).
const LOG: usize = 200;

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// What the live view is built from.
struct Live {
    label: String,
    profile: Arc<Profile>,
    plan: OfflinePlan,
    mapping: mapping::ArchMapping,
    history: HashMap<String, (VecDeque<u64>, VecDeque<u64>)>,
    note: Option<Note>,
    version: u64,
    /// The job whose explanation the dashboard asked for.
    explain: Option<String>,
}

impl Live {
    /// Builds a view from the stores' current contents.
    fn view(&mut self, nodes: &[Arc<Node>], pods: &[Arc<Pod>], connected: bool) -> View {
        let now = now_ms();
        let profile = self.profile.clone();
        let mut node_snaps: Vec<NodeSnapshot> = Vec::new();
        let mut node_arch: HashMap<String, (String, u16)> = HashMap::new();
        for node in nodes {
            let Ok(spec) = mapping::node_spec(node, &profile, &self.mapping) else {
                continue;
            };
            let arch = profile.arch(spec.arch).name.clone();
            node_arch.insert(spec.name.clone(), (arch.clone(), spec.arch));
            node_snaps.push(NodeSnapshot {
                name: spec.name,
                arch,
                tier: spec.tier,
                cores: spec.cores,
                cores_used: 0,
                gpus: spec.gpus,
                gpus_used: 0,
                memory_mib: spec.memory_mib,
                memory_used_mib: 0,
                jobs: 0,
            });
        }
        node_snaps.sort_by(|a, b| a.name.cmp(&b.name));
        let index: HashMap<String, usize> = node_snaps
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.clone(), i))
            .collect();
        let mut jobs: Vec<JobSnapshot> = Vec::new();
        let mut log: Vec<(f64, LogLine)> = Vec::new();
        let mut violations = 0;
        let (mut pending, mut running, mut done) = (0, 0, 0);
        let archs_present: Vec<u16> = {
            let mut v: Vec<u16> = node_arch.values().map(|(_, a)| *a).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        for pod in pods {
            let terminal = mapping::pod_is_terminal(pod);
            let node_name = pod.spec.as_ref().and_then(|s| s.node_name.clone());
            // Every non-terminal pod on a node uses its resources.
            if !terminal && let Some(i) = node_name.as_ref().and_then(|n| index.get(n)) {
                let n = &mut node_snaps[*i];
                let job = mapping::is_synergai_pod(pod)
                    .then(|| mapping::pod_job(pod, &profile).ok())
                    .flatten();
                let (cores, memory, gpus) = match job
                    .as_ref()
                    .and_then(|j| Some((j.engine?, j.threads?, j.model)))
                {
                    Some((engine, threads, model)) => {
                        let memory = node_arch
                            .get(&n.name)
                            .and_then(|(_, a)| profile.row(model, *a, engine, threads))
                            .map_or(0, |r| r.memory_mib);
                        (threads, memory, u32::from(engine.uses_gpu()))
                    }
                    None => match mapping::pod_requests(pod) {
                        Ok(r) => (
                            r.cpu_millis.div_ceil(1000) as u32,
                            r.memory_mib(),
                            r.gpus as u32,
                        ),
                        Err(_) => (0, 0, 0),
                    },
                };
                n.cores_used = (n.cores_used + cores).min(n.cores);
                n.memory_used_mib = (n.memory_used_mib + memory).min(n.memory_mib);
                n.gpus_used = (n.gpus_used + gpus).min(n.gpus);
                n.jobs += 1;
            }
            if !mapping::is_synergai_pod(pod) {
                continue;
            }
            let Ok(job) = mapping::pod_job(pod, &profile) else {
                continue;
            };
            let snap = job_snapshot(&job, &profile, &self.plan, &node_arch, &archs_present, now);
            match snap.state {
                JobState::Pending => pending += 1,
                JobState::Running => running += 1,
                _ => {
                    done += 1;
                    if job.qos_violated() == Some(true) {
                        violations += 1;
                    }
                }
            }
            if let (Some(node), Some(engine), Some(threads)) =
                (&job.node_name, job.engine, job.threads)
            {
                let at = job
                    .started
                    .or(job.created)
                    .map(mapping::timestamp_ms)
                    .unwrap_or(0.0);
                log.push((
                    at,
                    LogLine {
                        at_ms: at,
                        job: job.key(),
                        choice: format!("{node} {engine}×{threads}"),
                        placed_by: job.placed_by.clone().unwrap_or_else(|| "?".into()),
                        reason: match job.predicted_ms {
                            Some(p) => format!("bound; predicted {}", fmt_ms(p)),
                            None => "bound".into(),
                        },
                    },
                ));
            }
            jobs.push(snap);
        }
        // Finished jobs: the most recent only.
        let mut done_times: Vec<f64> = jobs
            .iter()
            .filter(|j| j.state == JobState::Done)
            .filter_map(|j| j.completion_ms)
            .collect();
        if done_times.len() > DONE_SHOWN {
            done_times.sort_by(|a, b| b.total_cmp(a));
            let cutoff = done_times[DONE_SHOWN - 1];
            jobs.retain(|j| {
                j.state != JobState::Done || j.completion_ms.is_some_and(|c| c >= cutoff)
            });
        }
        log.sort_by(|a, b| a.0.total_cmp(&b.0));
        let log: Vec<LogLine> = log
            .into_iter()
            .rev()
            .take(LOG)
            .rev()
            .map(|(_, l)| l)
            .collect();
        let archs = arch_summaries(&node_snaps, &jobs);
        for a in &archs {
            let (cores, gpus) = self.history.entry(a.arch.clone()).or_default();
            cores.push_back((a.cores_used * 100).checked_div(a.cores).unwrap_or(0));
            gpus.push_back((a.gpus_used * 100).checked_div(a.gpus).unwrap_or(0));
            while cores.len() > HISTORY {
                cores.pop_front();
            }
            while gpus.len() > HISTORY {
                gpus.pop_front();
            }
        }
        let history = archs
            .iter()
            .map(|a| {
                let (c, g) = &self.history[&a.arch];
                ArchHistory {
                    arch: a.arch.clone(),
                    cores: c.iter().copied().collect(),
                    gpus: g.iter().copied().collect(),
                }
            })
            .collect();
        self.version += 1;
        let total_jobs = pending + running + done;
        View {
            source: if connected {
                self.label.clone()
            } else {
                format!("{} — reconnecting, showing the last state", self.label)
            },
            clock: Clock {
                at_ms: now,
                speed: 1.0,
                paused: false,
                finished: false,
                wall: true,
            },
            policy: "live".into(),
            manual: false,
            what_if: None,
            snapshot: ClusterSnapshot {
                at_ms: now,
                policy: "live".into(),
                pending,
                running,
                done,
                violations,
                archs,
                nodes: node_snaps,
                jobs,
            },
            total_jobs,
            history,
            log,
            explain: self.explanation(nodes, pods),
            note: self.note.take(),
            version: self.version,
        }
    }
}

impl Live {
    /// What the synergai policy would decide now for the explained job, if
    /// it is pending (placed jobs show their decision annotations instead).
    fn explanation(
        &self,
        nodes: &[Arc<Node>],
        pods: &[Arc<Pod>],
    ) -> Option<crate::sim::DecisionView> {
        let key = self.explain.as_ref()?;
        let (scenario, cluster) =
            crate::kube::scheduler::scenario_of(nodes, pods, self.profile.clone(), &self.label);
        let id = scenario.job_id(key)?;
        let policy = crate::policy::PolicyKind::Synergai;
        crate::kube::scheduler::plan_now(
            &scenario,
            &cluster,
            &self.plan,
            policy,
            crate::policy::Explain::Job(id),
        )
        .iter()
        .find(|d| d.decision.job == id)
        .map(|d| crate::sim::view(&scenario, policy.name(), d))
    }
}

fn job_snapshot(
    job: &PodJob,
    profile: &Profile,
    plan: &OfflinePlan,
    node_arch: &HashMap<String, (String, u16)>,
    archs: &[u16],
    now: f64,
) -> JobSnapshot {
    let created = job.created.map(mapping::timestamp_ms).unwrap_or(now);
    let deadline = created + job.qos_ms;
    let state = if job.is_terminal() {
        JobState::Done
    } else if job.node_name.is_some() {
        JobState::Running
    } else {
        JobState::Pending
    };
    let completion = match state {
        JobState::Done => job.finished.map(mapping::timestamp_ms),
        JobState::Running => {
            let start = job.started.map(mapping::timestamp_ms).unwrap_or(created);
            job.predicted_ms.map(|p| start + p)
        }
        _ => None,
    };
    let slack = match state {
        JobState::Pending => {
            Some(deadline - (now + plan.min_service_ms(job.model, job.queries, archs)))
        }
        _ => completion.map(|c| deadline - c),
    };
    JobSnapshot {
        name: job.key(),
        model: profile.model(job.model).name.clone(),
        state,
        arrival_ms: created,
        qos_ms: job.qos_ms,
        queries: job.queries,
        node: job.node_name.clone(),
        arch: job
            .node_name
            .as_ref()
            .and_then(|n| node_arch.get(n))
            .map(|(a, _)| a.clone()),
        engine: job.engine.map(|e| e.to_string()),
        threads: job.threads,
        completion_ms: completion,
        latency_ms: completion.map(|c| c - created),
        slack_ms: slack,
        placed_by: job.placed_by.as_ref().map(|p| {
            if p == "override" {
                PlacedBy::Override
            } else {
                PlacedBy::Policy(p.clone())
            }
        }),
        pin: job.pin.as_ref().map(|p| p.to_string()),
    }
}

fn arch_summaries(nodes: &[NodeSnapshot], jobs: &[JobSnapshot]) -> Vec<ArchSummary> {
    let mut out: Vec<ArchSummary> = Vec::new();
    for n in nodes {
        let i = match out.iter().position(|a| a.arch == n.arch) {
            Some(i) => i,
            None => {
                out.push(ArchSummary {
                    arch: n.arch.clone(),
                    nodes: 0,
                    cores: 0,
                    cores_used: 0,
                    gpus: 0,
                    gpus_used: 0,
                    running_jobs: 0,
                    mean_slack_ms: None,
                    worst_slack_ms: None,
                });
                out.len() - 1
            }
        };
        let a = &mut out[i];
        a.nodes += 1;
        a.cores += u64::from(n.cores);
        a.cores_used += u64::from(n.cores_used);
        a.gpus += u64::from(n.gpus);
        a.gpus_used += u64::from(n.gpus_used);
    }
    for a in &mut out {
        let slacks: Vec<f64> = jobs
            .iter()
            .filter(|j| j.state == JobState::Running && j.arch.as_deref() == Some(a.arch.as_str()))
            .filter_map(|j| j.slack_ms)
            .collect();
        a.running_jobs = jobs
            .iter()
            .filter(|j| j.state == JobState::Running && j.arch.as_deref() == Some(a.arch.as_str()))
            .count() as u32;
        if !slacks.is_empty() {
            a.mean_slack_ms = Some(slacks.iter().sum::<f64>() / slacks.len() as f64);
            a.worst_slack_ms = slacks.iter().copied().reduce(f64::min);
        }
    }
    out.sort_by(|a, b| a.arch.cmp(&b.arch));
    out
}

/// Writes or removes a pending pod's pin annotations (`NAMESPACE/NAME`
/// or `NAME`); shared by the live dashboard and `place override --kube`.
pub async fn pin(
    client: &::kube::Client,
    pods: &[Arc<Pod>],
    job: &str,
    target: Option<&PinTarget>,
    reason: &str,
) -> Result<String, String> {
    let (namespace, name) = job.split_once('/').unwrap_or(("", job));
    let pod = pods
        .iter()
        .find(|p| {
            p.metadata.name.as_deref() == Some(name)
                && (namespace.is_empty() || p.metadata.namespace.as_deref() == Some(namespace))
        })
        .ok_or_else(|| format!("no pod {job}"))?;
    if pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_ref())
        .is_some()
    {
        return Err(format!(
            "{job} is already bound: overrides apply to pending pods"
        ));
    }
    let pin = target.map(|t| match t {
        PinTarget::Node(n) => mapping::PinRef::Node(n.clone()),
        PinTarget::Arch(a) => mapping::PinRef::Arch(a.clone()),
    });
    let reason = (!reason.trim().is_empty()).then_some(reason.trim());
    let annotations = mapping::pin_annotations(pin.as_ref(), reason);
    let patch = serde_json::json!({"metadata": {"annotations": annotations}});
    let api: Api<Pod> = Api::namespaced(
        client.clone(),
        pod.metadata.namespace.as_deref().unwrap_or("default"),
    );
    api.patch(name, &PatchParams::default(), &Patch::Merge(patch))
        .await
        .map_err(|e| format!("cannot annotate {job}: {e}"))?;
    Ok(match target {
        Some(t) => format!(
            "{job} pinned to {} (annotation on the pod)",
            match t {
                PinTarget::Node(n) => format!("node {n}"),
                PinTarget::Arch(a) => a.clone(),
            }
        ),
        None => format!("{job} released"),
    })
}

/// Connects and runs the live source on its own thread and runtime.
/// Fails (exit 3) before returning if the cluster cannot be reached.
pub fn spawn(
    target: Target,
    profile: Arc<Profile>,
    frame: Duration,
) -> crate::error::Result<(
    std::sync::mpsc::Sender<Command>,
    tokio::sync::watch::Receiver<Arc<View>>,
)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| crate::Error::Usage(format!("cannot start the async runtime: {e}")))?;
    let conn = runtime.block_on(connect(&target))?;
    let plan = OfflinePlan::new(&profile, profile.knee_threshold);
    let mut live = Live {
        label: conn.label.clone(),
        profile,
        plan,
        mapping: mapping::ArchMapping::default(),
        history: HashMap::new(),
        note: None,
        version: 0,
        explain: None,
    };
    let nodes_api: Api<Node> = Api::all(conn.client.clone());
    let pods_api: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let (nodes, node_writer) = reflector::store::<Node>();
    let (pods, pod_writer) = reflector::store::<Pod>();
    let connected = Arc::new(AtomicBool::new(true));
    let client = conn.client.clone();
    let namespace = conn.namespace.clone();
    let first = live.view(&[], &[], true);
    let (view_tx, view_rx) = tokio::sync::watch::channel(Arc::new(first));
    let (tx, rx) = std::sync::mpsc::channel::<Command>();
    std::thread::Builder::new()
        .name("synergai-live".into())
        .spawn(move || {
            runtime.block_on(async move {
                let up = connected.clone();
                let node_stream =
                    reflector(node_writer, watcher(nodes_api, watcher::Config::default()))
                        .default_backoff();
                tokio::spawn(node_stream.for_each(move |r| {
                    up.store(r.is_ok(), Ordering::Relaxed);
                    futures_util::future::ready(())
                }));
                let up = connected.clone();
                let pod_stream =
                    reflector(pod_writer, watcher(pods_api, watcher::Config::default()))
                        .default_backoff();
                tokio::spawn(pod_stream.for_each(move |r| {
                    up.store(r.is_ok(), Ordering::Relaxed);
                    futures_util::future::ready(())
                }));
                let mut ticker = tokio::time::interval(frame);
                loop {
                    ticker.tick().await;
                    loop {
                        match rx.try_recv() {
                            Ok(command) => {
                                let outcome = match &command {
                                    Command::Override {
                                        job,
                                        target,
                                        reason,
                                    } => {
                                        pin(&client, &pods.state(), job, Some(target), reason).await
                                    }
                                    Command::Release { job } => {
                                        pin(&client, &pods.state(), job, None, "").await
                                    }
                                    Command::Trigger => {
                                        crate::kube::scheduler::trigger(&client, &namespace)
                                            .await
                                            .map(|_| {
                                                "triggered a placement pass (manual-mode scheduler)"
                                                    .to_string()
                                            })
                                            .map_err(|e| e.to_string())
                                    }
                                    Command::Explain(job) => {
                                        live.explain = job.clone();
                                        continue;
                                    }
                                    other => {
                                        Err(format!("{other:?}: not available on a live cluster"))
                                    }
                                };
                                live.note = Some(match outcome {
                                    Ok(text) => Note { text, error: false },
                                    Err(text) => Note { text, error: true },
                                });
                            }
                            Err(std::sync::mpsc::TryRecvError::Empty) => break,
                            Err(std::sync::mpsc::TryRecvError::Disconnected) => return,
                        }
                    }
                    let view = live.view(
                        &nodes.state(),
                        &pods.state(),
                        connected.load(Ordering::Relaxed),
                    );
                    if view_tx.send(Arc::new(view)).is_err() {
                        return;
                    }
                }
            });
        })
        .map_err(|e| crate::Error::Usage(format!("cannot start the live source: {e}")))?;
    Ok((tx, view_rx))
}
