//! What a bound pod holds is computed once (`k8s::world::holding`): the
//! scheduler's world, `place plan|explain --kube`'s snapshot and the
//! dashboard's live observation, fed the same Node and Pod objects, agree
//! on every node's free cores, memory and GPUs.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use synergai::fixture::{Origin, load_profile};
use synergai::k8s::mapping::ArchMapping;
use synergai::k8s::world::{build_world, scenario_of};
use synergai::model::{Engine, Profile};
use synergai::source::live::observe;

/// 2024-05-01T10:00:00Z in Unix ms, and a minute later.
const T0: f64 = 1_714_557_600_000.0;
const NOW: f64 = T0 + 60_000.0;

fn profile() -> Arc<Profile> {
    Arc::new(load_profile(&Origin::Embedded("profiles/edge-cloud.yaml".into())).unwrap())
}

fn node(
    name: &str,
    arch: &str,
    cpu: &str,
    memory: &str,
    gpus: &str,
) -> Arc<k8s_openapi::api::core::v1::Node> {
    Arc::new(
        serde_json::from_value(json!({
            "metadata": {"name": name, "labels": {"synergai.io/arch": arch, "kubernetes.io/hostname": name}},
            "status": {
                "allocatable": {"cpu": cpu, "memory": memory, "nvidia.com/gpu": gpus, "pods": "110"},
                "conditions": [{"type": "Ready", "status": "True"}]
            }
        }))
        .unwrap(),
    )
}

/// A pod bound to `node`: a synergai job when `annotations` is an object
/// (merged over the required ones), someone else's otherwise.
fn pod(
    name: &str,
    node: Option<&str>,
    annotations: Option<Value>,
    requests: Value,
    phase: &str,
) -> Arc<k8s_openapi::api::core::v1::Pod> {
    let (scheduler, annotations) = match annotations {
        Some(extra) => {
            let mut a = json!({"synergai.io/model": "resnet50", "synergai.io/queries": "2000", "synergai.io/qos-ms": "60000"});
            a.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            ("synergai", a)
        }
        None => ("default-scheduler", json!({})),
    };
    Arc::new(
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}"),
                "creationTimestamp": "2024-05-01T10:00:00Z", "annotations": annotations},
            "spec": {"schedulerName": scheduler, "nodeName": node,
                "containers": [{"name": "main", "resources": {"requests": requests}}]},
            "status": {"phase": phase, "startTime": "2024-05-01T10:00:00Z"}
        }))
        .unwrap(),
    )
}

#[test]
fn scheduler_place_and_dashboard_count_the_same_held_resources() {
    let profile = profile();
    let nodes = vec![
        node("agx-1", "agx-orin", "12", "64Gi", "1"),
        node("xeon-1", "xeon-vm", "16", "64Gi", "0"),
    ];
    let decided = json!({"synergai.io/engine": "onnxruntime", "synergai.io/threads": "4", "synergai.io/predicted-ms": "120000"});
    let pods = vec![
        // Ours, decided: the profile's row for onnxruntime×4.
        pod(
            "decided",
            Some("xeon-1"),
            Some(decided),
            json!({"cpu": "1"}),
            "Running",
        ),
        // Ours, with a decision the profile has no row for: its requests.
        pod(
            "unknown-config",
            Some("xeon-1"),
            Some(json!({"synergai.io/engine": "tensorrt", "synergai.io/threads": "3"})),
            json!({"cpu": "1500m", "memory": "1Gi"}),
            "Running",
        ),
        // Ours, bound by someone else without a decision: its requests.
        pod(
            "undecided",
            Some("agx-1"),
            Some(json!({})),
            json!({"cpu": "2", "memory": "512Mi"}),
            "Running",
        ),
        // Someone else's GPU pod: its requests, one GPU.
        pod(
            "foreign-gpu",
            Some("agx-1"),
            None,
            json!({"cpu": "3", "memory": "2Gi", "nvidia.com/gpu": "1"}),
            "Running",
        ),
        // Finished and pending pods hold nothing.
        pod(
            "finished",
            Some("agx-1"),
            None,
            json!({"cpu": "4"}),
            "Succeeded",
        ),
        pod(
            "pending",
            None,
            Some(json!({})),
            json!({"cpu": "8"}),
            "Pending",
        ),
    ];
    let row = profile
        .row(
            profile.model_id("resnet50").unwrap(),
            profile.arch_id("xeon-vm").unwrap(),
            Engine::ONNXRUNTIME,
            4,
        )
        .unwrap();
    let expected: HashMap<&str, (u32, u64, u32)> = HashMap::from([
        ("agx-1", (12 - 2 - 3, 64 * 1024 - 512 - 2048, 0)),
        ("xeon-1", (16 - 4 - 2, 64 * 1024 - row.memory_mib - 1024, 0)),
    ]);

    // The scheduler's world.
    let world = build_world(
        &nodes,
        &pods,
        &profile,
        &ArchMapping::default(),
        &HashMap::new(),
        NOW,
    );
    // `place plan|explain --kube`.
    let (scenario, placed, skipped) = scenario_of(&nodes, &pods, profile.clone(), "test", NOW);
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(scenario.jobs.len(), 1, "only the pending pod is a job");
    // The dashboard.
    let observed = observe(&nodes, &pods, &profile, &ArchMapping::default(), NOW);

    for (id, spec) in world.nodes.iter().enumerate() {
        let name = spec.name.as_str();
        let scheduler = world.cluster.free(id as u32);
        let place = placed.free(id as u32);
        let held = observed.held.iter().filter(|h| h.node == name);
        let dashboard = held.fold((spec.cores, spec.memory_mib, spec.gpus), |f, h| {
            (f.0 - h.cores, f.1 - h.memory_mib, f.2 - h.gpus)
        });
        assert_eq!(scheduler, expected[name], "scheduler on {name}");
        assert_eq!(place, expected[name], "place --kube on {name}");
        assert_eq!(dashboard, expected[name], "dashboard on {name}");
    }
    assert_eq!(world.nodes.len(), 2);
}
