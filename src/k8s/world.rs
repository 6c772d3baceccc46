//! The scheduler's world, built from Kubernetes objects: schedulable
//! nodes, what every bound pod holds, pending synergai pods as jobs, the
//! order a policy considers them in, and what a policy would decide now.
//! Pure (no client, no clock: times are passed in) and shared by the
//! scheduler, the dashboard's live source and `place --kube`, so they
//! agree on free capacity.

use super::mapping::{self, PodJob};
use crate::model::{
    ArchId, Cluster, Engine, JobId, JobSpec, NodeId, NodeSpec, Pin, PinRef, Placement, Profile,
};
use crate::policy::{Explain, OfflinePlan, PolicyKind, QueueOrder, run_pass};
use k8s_openapi::api::core::v1::{Node, Pod};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// A pending pod as the policy sees it.
pub struct PendingPod {
    pub pod: Arc<Pod>,
    pub job: JobSpec,
}

/// The model rebuilt from the stores for one pass.
pub struct World {
    pub nodes: Arc<Vec<NodeSpec>>,
    pub cluster: Cluster,
    pub pending: Vec<PendingPod>,
    /// Pods that cannot be scheduled at all, with why (bad annotations, …).
    pub invalid: Vec<(Arc<Pod>, String)>,
    /// Ready nodes left out because they do not map to the profile, with why.
    pub skipped: Vec<String>,
}

/// What a bound pod holds on its node, as the model places it.
#[derive(Clone, Debug, PartialEq)]
pub struct Holding {
    /// Cores (threads), memory and GPU (a GPU engine holds one), and the
    /// rate and power the model runs the pod at.
    pub placement: Placement,
    /// Queries left to run; a pod that is not a decided synergai job never
    /// finishes in the model.
    pub remaining: u64,
}

/// What the model assumes a pod it knows nothing about keeps running.
const NEVER_FINISHES: u64 = u64::MAX / 4;

/// What a bound, non-terminal pod holds on `node` at `now`: a synergai
/// pod with decision annotations naming a configuration of the profile
/// holds that configuration (for the rest of its queries); any other pod —
/// someone else's, or ours without a usable decision — holds its container
/// requests. `None`: it holds nothing (terminal, or unreadable requests).
/// The one answer the scheduler, the dashboard and `place --kube` share,
/// so they agree on free capacity.
pub fn holding(pod: &Pod, node: &NodeSpec, profile: &Profile, now: f64) -> Option<Holding> {
    if mapping::pod_is_terminal(pod) {
        return None;
    }
    let decided = mapping::is_synergai_pod(pod)
        .then(|| mapping::pod_job(pod, profile).ok())
        .flatten()
        .and_then(|job| decided_holding(&job, node, profile, now));
    decided.or_else(|| {
        let requests = mapping::pod_requests(pod).ok()?;
        Some(Holding {
            placement: foreign(&requests),
            remaining: NEVER_FINISHES,
        })
    })
}

/// What an unknown pod occupies on a node: its requests.
fn foreign(requests: &mapping::Requests) -> Placement {
    Placement {
        // The model's one GPU per run (the engine is only a label here).
        engine: if requests.gpus > 0 {
            Engine::TENSORRT
        } else {
            Engine::ONNXRUNTIME
        },
        threads: requests.cpu_millis.div_ceil(1000) as u32,
        gpus: u32::from(requests.gpus > 0),
        memory_mib: requests.memory_mib(),
        base_qps: 1.0,
        watts: 0.0,
        startup_ms: 0.0,
    }
}

/// The configuration a decided job runs on an architecture: the profile's
/// row for its decision annotations (`None` without annotations or when
/// the profile has no such configuration). Start-up is the whole of it.
pub fn decided_placement(job: &PodJob, arch: ArchId, profile: &Profile) -> Option<Placement> {
    let (engine, threads) = (job.engine?, job.threads?);
    let row = profile.row(job.model, arch, engine, threads)?;
    Some(Placement {
        engine,
        threads,
        gpus: row.gpus,
        memory_mib: row.memory_mib,
        base_qps: row.qps,
        watts: row.watts,
        startup_ms: profile.arch(arch).startup_ms(engine),
    })
}

/// A decided synergai job's holding at `now`: its configuration, what is
/// left of its start-up, and its remaining queries from how long it has
/// run against its predicted (else profiled) run time.
pub fn decided_holding(
    job: &PodJob,
    node: &NodeSpec,
    profile: &Profile,
    now: f64,
) -> Option<Holding> {
    let mut placement = decided_placement(job, node.arch, profile)?;
    let started = job.started.map(mapping::timestamp_ms).unwrap_or(now);
    let elapsed = (now - started).max(0.0);
    let startup = placement.startup_ms;
    let total = job
        .predicted_ms
        .unwrap_or(startup + job.queries as f64 * 1000.0 / placement.base_qps);
    let left = (1.0 - elapsed / total.max(1.0)).clamp(0.0, 1.0);
    placement.startup_ms = if elapsed >= startup {
        0.0
    } else {
        startup - elapsed
    };
    Some(Holding {
        placement,
        remaining: ((job.queries as f64) * left).ceil() as u64,
    })
}

/// The cluster at `now` (Unix ms) as a scenario — its schedulable nodes,
/// its pending synergai pods as jobs named `NAMESPACE/NAME` — and the model
/// state with every running pod placed: what the scheduler, the dashboard's
/// live source and `place plan|explain --kube` all decide on; and the
/// nodes left out because they do not map to the profile, with why.
pub fn scenario_of(
    nodes: &[Arc<Node>],
    pods: &[Arc<Pod>],
    profile: Arc<Profile>,
    label: &str,
    now: f64,
) -> (crate::model::Scenario, Cluster, Vec<String>) {
    let world = build_world(
        nodes,
        pods,
        &profile,
        &mapping::ArchMapping::default(),
        &HashMap::new(),
        now,
    );
    let mut jobs: Vec<JobSpec> = world.pending.into_iter().map(|p| p.job).collect();
    jobs.sort_by(|a, b| {
        a.arrival_ms
            .total_cmp(&b.arrival_ms)
            .then_with(|| a.name.cmp(&b.name))
    });
    let scenario = crate::model::Scenario {
        name: label.to_string(),
        description: "live cluster".into(),
        source: label.to_string(),
        seed: 0,
        profile,
        nodes: world.nodes,
        jobs: Arc::new(jobs),
    };
    (scenario, world.cluster, world.skipped)
}

/// The pending jobs in the order a policy considers them ([`QueueOrder::key`],
/// then arrival, then name).
pub fn queue_order(
    order: QueueOrder,
    jobs: &[JobSpec],
    nodes: &[NodeSpec],
    plan: &OfflinePlan,
) -> Vec<JobId> {
    let mut queue: Vec<JobId> = (0..jobs.len() as JobId).collect();
    let mut archs: Vec<u16> = nodes.iter().map(|n| n.arch).collect();
    archs.sort_unstable();
    archs.dedup();
    let keys: Vec<(f64, f64)> = jobs
        .iter()
        .map(|j| order.key(j, nodes, plan, &archs))
        .collect();
    queue.sort_by(|&a, &b| {
        let (ka, kb) = (keys[a as usize], keys[b as usize]);
        let (a, b) = (&jobs[a as usize], &jobs[b as usize]);
        ka.0.total_cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(a.arrival_ms.total_cmp(&b.arrival_ms))
            .then(a.name.cmp(&b.name))
    });
    queue
}

/// What `policy` would decide now for every pending job of a cluster
/// snapshot, on a copy of its state (nothing is bound).
pub fn plan_now(
    scenario: &crate::model::Scenario,
    cluster: &Cluster,
    plan: &OfflinePlan,
    policy: PolicyKind,
    explain: Explain,
    now: f64,
) -> Vec<crate::policy::LoggedDecision> {
    let mut policy = policy.build(0);
    let queue = queue_order(policy.order(), &scenario.jobs, &scenario.nodes, plan);
    let mut cluster = cluster.clone();
    let mut out = Vec::new();
    run_pass(
        policy.as_mut(),
        &mut cluster,
        plan,
        &scenario.profile,
        &scenario.jobs,
        &queue,
        now,
        explain,
        None,
        |cluster, decision, _, _| {
            let reason = decision.reason.describe(cluster);
            out.push(crate::policy::LoggedDecision { decision, reason });
        },
    );
    out
}

/// A decision whose bind is queued, in flight, or done but not yet seen
/// in the store: its pod is not pending any more and its resources are
/// taken, so later passes neither decide it again nor over-commit.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub node: String,
    pub placement: Placement,
    pub queries: u64,
    /// When the bind succeeded (forgotten 30 s later if the store never
    /// shows the pod bound, e.g. it was deleted).
    pub bound_at: Option<Instant>,
}

/// Builds the model: schedulable nodes, running pods placed on them,
/// pending synergai pods as jobs (times are Unix milliseconds).
pub fn build_world(
    nodes: &[Arc<Node>],
    pods: &[Arc<Pod>],
    profile: &Profile,
    arch_mapping: &mapping::ArchMapping,
    in_flight: &HashMap<String, InFlight>,
    now: f64,
) -> World {
    let mut specs: Vec<(NodeSpec, Arc<Node>)> = Vec::new();
    let mut skipped = Vec::new();
    let mut hard_taints = false;
    for node in nodes {
        let unschedulable = node
            .spec
            .as_ref()
            .and_then(|s| s.unschedulable)
            .unwrap_or(false);
        if !mapping::node_ready(node) || unschedulable {
            continue;
        }
        match mapping::node_spec(node, profile, arch_mapping) {
            Ok(mut spec) => {
                // Hard taints are the pods' business (tolerations), checked
                // per pod below; in the model every node is schedulable.
                let before = spec.taints.len();
                spec.taints
                    .retain(|t| t.effect == crate::model::TaintEffect::PreferNoSchedule);
                hard_taints |= spec.taints.len() != before;
                specs.push((spec, node.clone()));
            }
            Err(e) => skipped.push(format!("skipping {e}")),
        }
    }
    specs.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    let k8s_nodes: Vec<Arc<Node>> = specs.iter().map(|(_, n)| n.clone()).collect();
    let node_specs = Arc::new(specs.into_iter().map(|(s, _)| s).collect::<Vec<_>>());
    let index: HashMap<&str, NodeId> = node_specs
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.as_str(), i as NodeId))
        .collect();
    let mut cluster = Cluster::new(node_specs.clone(), profile);
    let mut pending = Vec::new();
    let mut invalid = Vec::new();
    // Allowed nodes per constraint signature (tolerations, selector,
    // affinity): most pods share one, so filtering is not O(pods × nodes).
    let mut allowed_cache: HashMap<String, Option<Arc<[NodeId]>>> = HashMap::new();
    for pod in pods {
        if mapping::pod_is_terminal(pod) {
            continue;
        }
        let ours = mapping::is_synergai_pod(pod);
        let bound_to = pod.spec.as_ref().and_then(|s| s.node_name.clone());
        match bound_to {
            Some(node_name) => {
                let Some(&node) = index.get(node_name.as_str()) else {
                    continue;
                };
                if let Some(h) = holding(pod, &node_specs[node as usize], profile, now) {
                    cluster.place(node, JobId::MAX, h.remaining, &h.placement, now, false);
                }
            }
            None if ours => {
                if pod.metadata.deletion_timestamp.is_some()
                    || in_flight.contains_key(pod.metadata.uid.as_deref().unwrap_or_default())
                {
                    continue;
                }
                match pending_job(
                    pod,
                    profile,
                    &k8s_nodes,
                    &index,
                    hard_taints,
                    &mut allowed_cache,
                ) {
                    Ok(job) => pending.push(PendingPod {
                        pod: pod.clone(),
                        job,
                    }),
                    Err(message) => invalid.push((pod.clone(), message)),
                }
            }
            None => {}
        }
    }
    for flight in in_flight.values() {
        if let Some(&node) = index.get(flight.node.as_str()) {
            cluster.place(
                node,
                JobId::MAX,
                flight.queries,
                &flight.placement,
                now,
                false,
            );
        }
    }
    World {
        nodes: node_specs,
        cluster,
        pending,
        invalid,
        skipped,
    }
}

/// A pending pod as a job: annotations, pins, and the nodes its own
/// constraints allow.
fn pending_job(
    pod: &Pod,
    profile: &Profile,
    k8s_nodes: &[Arc<Node>],
    index: &HashMap<&str, NodeId>,
    hard_taints: bool,
    cache: &mut HashMap<String, Option<Arc<[NodeId]>>>,
) -> std::result::Result<JobSpec, String> {
    let job = mapping::pod_job(pod, profile).map_err(|e| e.to_string())?;
    let pin = match &job.pin {
        None => None,
        Some(PinRef::Node(n)) => Some(Pin::Node(*index.get(n.as_str()).ok_or_else(|| {
            format!("pinned to node {n}, which is not a schedulable synergai node")
        })?)),
        Some(PinRef::Arch(a)) => {
            Some(Pin::Arch(profile.arch_id(a).ok_or_else(|| {
                format!("pinned to unknown architecture {a}")
            })?))
        }
    };
    let spec = pod.spec.as_ref();
    let selective = spec.is_some_and(|s| {
        s.node_selector.as_ref().is_some_and(|m| !m.is_empty())
            || s.affinity
                .as_ref()
                .and_then(|a| a.node_affinity.as_ref())
                .and_then(|a| {
                    a.required_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .is_some()
    });
    let allowed = if selective || hard_taints {
        let signature = serde_json::json!([
            spec.and_then(|s| s.tolerations.as_ref()),
            spec.and_then(|s| s.node_selector.as_ref()),
            spec.and_then(|s| s.affinity.as_ref())
                .and_then(|a| a.node_affinity.as_ref()),
        ])
        .to_string();
        cache
            .entry(signature)
            .or_insert_with(|| {
                let ok: Vec<NodeId> = k8s_nodes
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| {
                        mapping::tolerates_taints(pod, n)
                            && mapping::matches_node_selector(pod, n)
                            && mapping::matches_required_affinity(pod, n)
                    })
                    .map(|(i, _)| i as NodeId)
                    .collect();
                (ok.len() < k8s_nodes.len()).then(|| ok.into())
            })
            .clone()
    } else {
        None
    };
    Ok(JobSpec {
        name: format!("{}/{}", job.namespace, job.name),
        arrival_ms: job.created.map(mapping::timestamp_ms).unwrap_or(0.0),
        model: job.model,
        queries: job.queries,
        qos_ms: job.qos_ms,
        pin,
        allowed,
    })
}
