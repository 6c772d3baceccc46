//! The objects the emulator writes, built without a request: the `Node`
//! object of a scenario node and its status and spec patches, the job pods
//! and the status patches an emulated kubelet sends for them, the node
//! Leases of the heartbeat, and the namespace.

use super::{CONTAINER, ENV_ENGINE, ENV_THREADS, IMAGE, LABEL_MANAGED_BY, MANAGER, MAX_PODS};
use crate::k8s::mapping::{
    ANN_BUSY_WATTS, ANN_ENGINE, ANN_IDLE_WATTS, ANN_MODEL, ANN_NETWORK_MS, ANN_PIN_ARCH,
    ANN_PIN_NODE, ANN_QOS_MS, ANN_QUERIES, ANN_THREADS, LABEL_ARCH, LABEL_HOSTNAME, LABEL_TIER,
    RESOURCE_GPU, SCHEDULER_NAME,
};
use crate::model::Scenario;
use crate::model::{JobSpec, NodeSpec, Pin, Profile, TaintEffect};
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

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

pub(super) fn taint_effect(effect: TaintEffect) -> &'static str {
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
pub(super) fn node_labels(spec: &NodeSpec, profile: &Profile) -> BTreeMap<String, String> {
    let mut labels = spec.labels.clone();
    labels.insert(LABEL_ARCH.into(), profile.arch(spec.arch).name.clone());
    labels.insert(LABEL_TIER.into(), spec.tier.to_string());
    labels.insert(LABEL_HOSTNAME.into(), spec.name.clone());
    labels
}

pub(super) fn node_annotations(spec: &NodeSpec) -> BTreeMap<String, String> {
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
/// them, and where the node's kubelet API is: every emulated node's is the
/// emulator's ([`super::kubelet`], on 127.0.0.1 at `kubelet_port`; the
/// address is the only one, an `InternalIP`, so the API server does not try
/// the node's name as a host name first). `now` is an RFC 3339 time.
pub fn node_status_patch(spec: &NodeSpec, now: &str, kubelet_port: u16) -> Value {
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
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": kubelet_port}},
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
/// [module documentation](super)).
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
    container_running_patch(uid, CONTAINER, IMAGE, now)
}

/// [`running_patch`] for a pod's own container and image (an executed pod).
pub fn container_running_patch(uid: &str, container: &str, image: &str, now: &str) -> Value {
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
                "name": container,
                "image": image,
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
    let exit = match failure {
        None => Exit::Completed,
        Some((reason, message)) => Exit::Failed {
            code: 1,
            reason,
            message,
        },
    };
    container_terminated_patch(uid, CONTAINER, IMAGE, started, now, exit)
}

/// How a container ended.
#[derive(Clone, Copy, Debug)]
pub enum Exit<'a> {
    /// Exit 0, `Completed`: the pod `Succeeded`.
    Completed,
    /// A non-zero exit: the pod `Failed` with the reason and message.
    Failed {
        code: i32,
        reason: &'a str,
        message: &'a str,
    },
}

/// [`terminated_patch`] for a pod's own container and image, with its exit.
pub fn container_terminated_patch(
    uid: &str,
    container: &str,
    image: &str,
    started: &str,
    now: &str,
    exit: Exit,
) -> Value {
    let failure = match exit {
        Exit::Completed => None,
        Exit::Failed {
            code,
            reason,
            message,
        } => Some((code, reason, message)),
    };
    let mut terminated = json!({
        "exitCode": 0,
        "reason": "Completed",
        "startedAt": started,
        "finishedAt": now,
        "containerID": container_id(uid),
    });
    let mut status = json!({"phase": "Succeeded"});
    if let Some((code, reason, message)) = failure {
        terminated["exitCode"] = json!(code);
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
        "name": container,
        "image": image,
        "imageID": "",
        "containerID": container_id(uid),
        "ready": false,
        "started": false,
        "restartCount": 0,
        "state": {"terminated": terminated},
    }]);
    json!({ "status": status })
}

/// The namespace of the node Leases.
pub(super) const NODE_LEASE_NAMESPACE: &str = "kube-node-lease";

/// What a kubelet's heartbeat writes in its node's Lease: held by the node
/// for 40 s, renewed at `now`.
pub(super) fn lease_spec(node: &str, now: Timestamp) -> LeaseSpec {
    LeaseSpec {
        holder_identity: Some(node.to_string()),
        lease_duration_seconds: Some(40),
        renew_time: Some(MicroTime(now)),
        ..Default::default()
    }
}

/// The Lease of `node` in [`NODE_LEASE_NAMESPACE`], with `spec`.
pub(super) fn node_lease(node: &str, spec: LeaseSpec) -> Lease {
    Lease {
        metadata: ObjectMeta {
            name: Some(node.to_string()),
            namespace: Some(NODE_LEASE_NAMESPACE.into()),
            ..Default::default()
        },
        spec: Some(spec),
    }
}

/// The `Namespace` object named `name`.
pub(super) fn namespace_object(name: &str) -> Namespace {
    serde_json::from_value(json!({"metadata": {"name": name}})).expect("a well-formed Namespace")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::mapping::{ArchMapping, map_node, map_pod, node_ready};

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
            let status = node_status_patch(spec, "2024-01-01T00:00:00.5Z", 10250);
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
            Some(crate::model::PinRef::Arch(
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
