//! The scheduler's world, built from Kubernetes objects: schedulable
//! nodes, what every bound pod holds, pending synergai pods as jobs, the
//! order a policy considers them in, and what a policy would decide now.
//! Pure (no client, no clock: times are passed in) and shared by the
//! scheduler, the dashboard's live source and `place --kube`, so they
//! agree on free capacity.

use super::log;
use super::mapping::{self, PinRef};
use crate::model::{Cluster, Engine, JobId, JobSpec, NodeId, NodeSpec, Pin, Placement, Profile};
use crate::policy::{Explain, OfflinePlan, PolicyKind, QueueOrder, run_pass};
use ::kube::ResourceExt;
use k8s_openapi::api::core::v1::{Node, Pod};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// A pending pod as the policy sees it.
pub(crate) struct PendingPod {
    pub(crate) pod: Arc<Pod>,
    pub(crate) job: JobSpec,
}

/// The model rebuilt from the stores for one pass.
pub(crate) struct World {
    pub(crate) nodes: Arc<Vec<NodeSpec>>,
    pub(crate) cluster: Cluster,
    pub(crate) pending: Vec<PendingPod>,
    /// Pods that cannot be scheduled at all, with why (bad annotations, …).
    pub(crate) invalid: Vec<(Arc<Pod>, String)>,
}

/// What an unknown pod occupies on a node: its requests, never finishing.
fn foreign(requests: &mapping::Requests) -> Placement {
    Placement {
        engine: if requests.gpus > 0 {
            Engine::Tensorrt
        } else {
            Engine::Onnxruntime
        },
        threads: requests.cpu_millis.div_ceil(1000) as u32,
        memory_mib: requests.memory_mib(),
        base_qps: 1.0,
        watts: 0.0,
        startup_ms: 0.0,
    }
}

/// The cluster at `now` (Unix ms) as a scenario — its schedulable nodes,
/// its pending synergai pods as jobs named `NAMESPACE/NAME` — and the model
/// state with every running pod placed: what the scheduler, the dashboard's
/// live source and `place plan|explain --kube` all decide on.
pub fn scenario_of(
    nodes: &[Arc<Node>],
    pods: &[Arc<Pod>],
    profile: Arc<Profile>,
    label: &str,
    now: f64,
) -> (crate::sim::Scenario, Cluster) {
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
    let scenario = crate::sim::Scenario {
        name: label.to_string(),
        description: "live cluster".into(),
        source: label.to_string(),
        seed: 0,
        profile,
        nodes: world.nodes,
        jobs: Arc::new(jobs),
    };
    (scenario, world.cluster)
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
    scenario: &crate::sim::Scenario,
    cluster: &Cluster,
    plan: &OfflinePlan,
    policy: PolicyKind,
    explain: Explain,
    now: f64,
) -> Vec<crate::sim::LoggedDecision> {
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
        |cluster, decision, _, _| {
            let reason = decision.reason.describe(cluster);
            out.push(crate::sim::LoggedDecision { decision, reason });
        },
    );
    out
}

/// A decision whose bind is queued, in flight, or done but not yet seen
/// in the store: its pod is not pending any more and its resources are
/// taken, so later passes neither decide it again nor over-commit.
#[derive(Clone, Debug)]
pub(crate) struct InFlight {
    pub(crate) node: String,
    pub(crate) placement: Placement,
    pub(crate) queries: u64,
    /// When the bind succeeded (forgotten 30 s later if the store never
    /// shows the pod bound, e.g. it was deleted).
    pub(crate) bound_at: Option<Instant>,
}

/// Builds the model: schedulable nodes, running pods placed on them,
/// pending synergai pods as jobs (times are Unix milliseconds).
pub(crate) fn build_world(
    nodes: &[Arc<Node>],
    pods: &[Arc<Pod>],
    profile: &Profile,
    arch_mapping: &mapping::ArchMapping,
    in_flight: &HashMap<String, InFlight>,
    now: f64,
) -> World {
    let mut specs: Vec<(NodeSpec, Arc<Node>)> = Vec::new();
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
            Err(e) => log::warn(&format!("skipping {e}")),
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
                let placement = ours
                    .then(|| running_placement(pod, profile, &node_specs[node as usize], now))
                    .flatten();
                match placement {
                    Some((placement, remaining)) => {
                        cluster.place(node, JobId::MAX, remaining, &placement, now, false);
                    }
                    None => {
                        if let Ok(req) = mapping::pod_requests(pod) {
                            cluster.place(
                                node,
                                JobId::MAX,
                                u64::MAX / 4,
                                &foreign(&req),
                                now,
                                false,
                            );
                        }
                    }
                }
            }
            None if ours => {
                if pod.metadata.deletion_timestamp.is_some()
                    || in_flight.contains_key(&pod.uid().unwrap_or_default())
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
    }
}

/// A running synergai pod's configuration and remaining queries, from its
/// decision annotations and how long it has run.
fn running_placement(
    pod: &Pod,
    profile: &Profile,
    node: &NodeSpec,
    now: f64,
) -> Option<(Placement, u64)> {
    let job = mapping::pod_job(pod, profile).ok()?;
    let (engine, threads) = (job.engine?, job.threads?);
    let row = profile.row(job.model, node.arch, engine, threads)?;
    let arch = profile.arch(node.arch);
    let started = job.started.map(mapping::timestamp_ms).unwrap_or(now);
    let elapsed = (now - started).max(0.0);
    let startup = arch.startup_ms(engine);
    let total = job
        .predicted_ms
        .unwrap_or(startup + job.queries as f64 * 1000.0 / row.qps);
    let left = (1.0 - elapsed / total.max(1.0)).clamp(0.0, 1.0);
    let placement = Placement {
        engine,
        threads,
        memory_mib: row.memory_mib,
        base_qps: row.qps,
        watts: row.watts,
        startup_ms: if elapsed >= startup {
            0.0
        } else {
            startup - elapsed
        },
    };
    Some((placement, ((job.queries as f64) * left).ceil() as u64))
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
