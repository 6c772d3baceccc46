//! `synergai scheduler run --kube` against a real kube-apiserver (v1.20.2,
//! started by `scripts/kube-up.sh`), running as a user bound only to the
//! ClusterRole of `deploy/rbac.yaml`: pending job pods get bound to nodes
//! that fit, with the decision annotations and `Scheduled` events; a pod
//! with a bad annotation gets `FailedScheduling` and the
//! `PodScheduled=False, Unschedulable` condition; pins and node selectors
//! are honoured.

use k8s_openapi::api::core::v1::{Node, Pod};
use kube::Client;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use serde_json::json;
use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{Kube, client, start};

/// A Ready node with allocatable resources and no taints, as a kubelet
/// and the node lifecycle controller would leave it.
async fn node(
    client: &Client,
    name: &str,
    arch: &str,
    cores: u32,
    gpus: u32,
    labels: &[(&str, &str)],
) {
    let api: Api<Node> = Api::all(client.clone());
    let mut all: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.insert("synergai.io/arch".into(), arch.into());
    let node: Node =
        serde_json::from_value(json!({"metadata": {"name": name, "labels": all}})).unwrap();
    api.create(&PostParams::default(), &node).await.unwrap();
    let mut resources = json!({"cpu": cores.to_string(), "memory": "16Gi", "pods": "110"});
    if gpus > 0 {
        resources["nvidia.com/gpu"] = json!(gpus.to_string());
    }
    let status = json!({"status": {
        "capacity": resources, "allocatable": resources,
        "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "test",
            "lastHeartbeatTime": "2026-01-01T00:00:00Z", "lastTransitionTime": "2026-01-01T00:00:00Z"}]
    }});
    api.patch_status(name, &PatchParams::default(), &Patch::Merge(status))
        .await
        .unwrap();
    api.patch(
        name,
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"taints": null}})),
    )
    .await
    .unwrap();
}

async fn pod(
    client: &Client,
    name: &str,
    annotations: serde_json::Value,
    extra_spec: serde_json::Value,
) {
    let api: Api<Pod> = Api::namespaced(client.clone(), "default");
    let mut spec = json!({"schedulerName": "synergai", "restartPolicy": "Never",
        "containers": [{"name": "inference", "image": "synergai/inference:test"}]});
    if let (Some(s), Some(e)) = (spec.as_object_mut(), extra_spec.as_object()) {
        s.extend(e.clone());
    }
    let pod: Pod = serde_json::from_value(
        json!({"metadata": {"name": name, "annotations": annotations}, "spec": spec}),
    )
    .unwrap();
    api.create(&PostParams::default(), &pod).await.unwrap();
}

fn job(model: &str, queries: u32, qos_ms: u32) -> serde_json::Value {
    json!({"synergai.io/model": model, "synergai.io/queries": queries.to_string(), "synergai.io/qos-ms": qos_ms.to_string()})
}

/// Grants the scheduler user exactly the ClusterRole of deploy/rbac.yaml.
async fn grant_deploy_role(admin: &Client, user: &str) {
    common::bind_role(
        admin,
        &common::deploy_role(),
        "synergai-test-scheduler",
        user,
    )
    .await;
}

async fn wait_for<F: Fn(&[Pod]) -> bool>(api: &Api<Pod>, what: &str, ok: F) -> Vec<Pod> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let pods = api.list(&Default::default()).await.unwrap().items;
        if ok(&pods) {
            return pods;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn find<'a>(pods: &'a [Pod], name: &str) -> &'a Pod {
    pods.iter()
        .find(|p| p.metadata.name.as_deref() == Some(name))
        .unwrap()
}

fn node_of(p: &Pod) -> Option<&str> {
    p.spec.as_ref().and_then(|s| s.node_name.as_deref())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduler_binds_with_annotations_events_pins_and_selectors() {
    let kube = Kube::up("scheduler");
    let admin = client(&kube.kubeconfig).await;
    node(&admin, "agx-1", "agx-orin", 12, 1, &[("zone", "edge-a")]).await;
    // Roomy nodes: with no kubelet nothing finishes, so everything must fit at once.
    node(&admin, "nx-1", "orin-nx", 16, 1, &[("zone", "edge-b")]).await;
    node(&admin, "xeon-1", "xeon-vm", 32, 0, &[("zone", "cloud")]).await;
    // A dedicated board: only pods tolerating its taint may land there.
    node(&admin, "agx-9", "agx-orin", 12, 1, &[("zone", "dedicated")]).await;
    Api::<Node>::all(admin.clone())
        .patch(
            "agx-9",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"taints": [{"key": "dedicated", "value": "inference", "effect": "NoSchedule"}]}})),
        )
        .await
        .unwrap();
    for (i, model) in ["resnet50", "mobilenet-v2", "bert-base", "retinanet"]
        .iter()
        .enumerate()
    {
        pod(
            &admin,
            &format!("job-{i}"),
            job(model, 200, 60_000),
            json!({}),
        )
        .await;
    }
    let mut pinned = job("resnet50", 200, 60_000);
    pinned["synergai.io/pin-node"] = json!("xeon-1");
    pod(&admin, "pinned", pinned, json!({})).await;
    pod(
        &admin,
        "tolerant",
        job("resnet50", 200, 60_000),
        json!({"nodeSelector": {"zone": "dedicated"},
               "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "inference", "effect": "NoSchedule"}]}),
    )
    .await;
    pod(
        &admin,
        "selected",
        job("bert-base", 100, 60_000),
        json!({"nodeSelector": {"zone": "edge-b"}}),
    )
    .await;
    let mut bad = job("resnet50", 200, 60_000);
    bad["synergai.io/qos-ms"] = json!("-5");
    pod(&admin, "bad-qos", bad, json!({})).await;
    // Someone else's pod is not ours to bind.
    pod(
        &admin,
        "not-ours",
        job("resnet50", 200, 60_000),
        json!({"schedulerName": "default-scheduler"}),
    )
    .await;

    let user_config = kube.user("synergai-scheduler-test");
    grant_deploy_role(&admin, "synergai-scheduler-test").await;

    let _scheduler = start(
        &user_config,
        &[
            "scheduler",
            "run",
            "--bind-address=127.0.0.1:0",
            "--kube",
            "-n",
            "default",
            "--interval",
            "50ms",
        ],
        true,
    );
    let pods_api: Api<Pod> = Api::namespaced(admin.clone(), "default");
    let pods = wait_for(&pods_api, "every valid job pod bound", |pods| {
        [
            "job-0", "job-1", "job-2", "job-3", "pinned", "selected", "tolerant",
        ]
        .iter()
        .all(|n| node_of(find(pods, n)).is_some())
    })
    .await;
    for name in ["job-0", "job-1", "job-2", "job-3", "pinned", "selected"] {
        let p = find(&pods, name);
        let ann = p.metadata.annotations.as_ref().unwrap();
        for key in [
            "synergai.io/engine",
            "synergai.io/threads",
            "synergai.io/predicted-ms",
            "synergai.io/placed-by",
        ] {
            assert!(ann.contains_key(key), "{name} lacks {key}: {ann:?}");
        }
        let threads: u32 = ann["synergai.io/threads"].parse().unwrap();
        let cores = match node_of(p).unwrap() {
            "agx-1" => 12,
            "nx-1" => 16,
            _ => 32,
        };
        assert!(
            threads <= cores,
            "{name}: {threads} threads on a {cores}-core node"
        );
    }
    // Decisions account for each other (binds in flight included): no node
    // is given more threads than it has cores.
    for (node, cores) in [("agx-1", 12), ("nx-1", 16), ("xeon-1", 32)] {
        let used: u32 = pods
            .iter()
            .filter(|p| node_of(p) == Some(node))
            .filter_map(|p| {
                p.metadata
                    .annotations
                    .as_ref()?
                    .get("synergai.io/threads")?
                    .parse::<u32>()
                    .ok()
            })
            .sum();
        assert!(
            used <= cores,
            "{node}: {used} threads placed on {cores} cores"
        );
    }
    assert_eq!(node_of(find(&pods, "pinned")), Some("xeon-1"));
    assert_eq!(
        find(&pods, "pinned").metadata.annotations.as_ref().unwrap()["synergai.io/placed-by"],
        "override"
    );
    assert_eq!(node_of(find(&pods, "selected")), Some("nx-1"));
    assert_eq!(node_of(find(&pods, "tolerant")), Some("agx-9"));
    for p in &pods {
        if node_of(p) == Some("agx-9") {
            assert_eq!(
                p.metadata.name.as_deref(),
                Some("tolerant"),
                "an intolerant pod on the tainted node"
            );
        }
    }
    assert_eq!(
        node_of(find(&pods, "not-ours")),
        None,
        "another scheduler's pod was bound"
    );

    let pods = wait_for(&pods_api, "the bad pod marked unschedulable", |pods| {
        find(pods, "bad-qos")
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| {
                c.iter().any(|c| {
                    c.type_ == "PodScheduled"
                        && c.status == "False"
                        && c.reason.as_deref() == Some("Unschedulable")
                })
            })
    })
    .await;
    assert_eq!(node_of(find(&pods, "bad-qos")), None);

    let events: Api<k8s_openapi::api::events::v1::Event> =
        Api::namespaced(admin.clone(), "default");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list = events.list(&Default::default()).await.unwrap().items;
        let has = |reason: &str, name: &str| {
            list.iter().any(|e| {
                e.reason.as_deref() == Some(reason)
                    && e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(name)
            })
        };
        let scheduled = ["job-0", "job-1", "job-2", "job-3", "pinned", "selected"]
            .iter()
            .all(|n| has("Scheduled", n));
        let failed = list.iter().any(|e| {
            e.reason.as_deref() == Some("FailedScheduling")
                && e.note
                    .as_deref()
                    .is_some_and(|n| n.contains("synergai.io/qos-ms"))
        });
        if scheduled && failed {
            break;
        }
        assert!(Instant::now() < deadline, "events missing: {list:#?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_mode_binds_nothing_until_triggered() {
    let kube = Kube::up("scheduler-manual");
    let admin = client(&kube.kubeconfig).await;
    // Room for all three at once: one trigger is one pass.
    node(&admin, "xeon-1", "xeon-vm", 32, 0, &[]).await;
    for i in 0..3 {
        pod(
            &admin,
            &format!("m-{i}"),
            job("resnet50", 100, 60_000),
            json!({}),
        )
        .await;
    }
    let user_config = kube.user("synergai-manual-test");
    grant_deploy_role(&admin, "synergai-manual-test").await;
    let _scheduler = start(
        &user_config,
        &[
            "scheduler",
            "run",
            "--bind-address=127.0.0.1:0",
            "--kube",
            "-n",
            "default",
            "--interval",
            "50ms",
            "--mode",
            "manual",
        ],
        true,
    );
    let pods_api: Api<Pod> = Api::namespaced(admin.clone(), "default");
    // Give it many passes: nothing may be bound.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let pods = pods_api.list(&Default::default()).await.unwrap().items;
    assert!(
        pods.iter().all(|p| node_of(p).is_none()),
        "bound before a trigger"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["scheduler", "trigger", "--kube", "-n", "default"])
        .env("KUBECONFIG", &kube.kubeconfig)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_for(&pods_api, "every pod bound after the trigger", |pods| {
        (0..3).all(|i| node_of(find(pods, &format!("m-{i}"))).is_some())
    })
    .await;
}

/// The `synergai_pass_pods_total{how}` counter of a running scheduler.
fn pass_pods(address: std::net::SocketAddr, how: &str) -> f64 {
    let (_, text) = common::http_get(address, "/metrics", "text/plain");
    let prefix = format!("synergai_pass_pods_total{{how=\"{how}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
}

/// Incremental passes, live: pods held because their pinned node is full
/// are not decided again on every 20 ms pass while nothing changes (they
/// are counted as standing holds); with --full-replan they are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_pods_are_not_decided_again_while_nothing_changes() {
    let kube = Kube::up("scheduler-standing");
    let admin = client(&kube.kubeconfig).await;
    node(&admin, "xeon-1", "xeon-vm", 4, 0, &[]).await;
    node(&admin, "xeon-2", "xeon-vm", 4, 0, &[]).await;
    let pods_api: Api<Pod> = Api::namespaced(admin.clone(), "default");
    // Each run on its own pods, pinned to its own node.
    for (full, target) in [(false, "xeon-1"), (true, "xeon-2")] {
        let gone = pods_api
            .delete_collection(
                &DeleteParams::default().grace_period(0),
                &Default::default(),
            )
            .await
            .unwrap();
        drop(gone);
        wait_for(&pods_api, "the previous run's pods to go", |pods| {
            pods.is_empty()
        })
        .await;
        for i in 0..12 {
            // Pinned pods are decided one by one (not held in bulk by model).
            let mut annotations = job("resnet50", 100_000, 3_600_000);
            annotations["synergai.io/pin-node"] = json!(target);
            pod(&admin, &format!("{target}-{i:02}"), annotations, json!({})).await;
        }
        let log = kube.dir.join(format!("scheduler-full-{full}.log"));
        let mut args = vec![
            "scheduler",
            "run",
            "--bind-address=127.0.0.1:0",
            "--kube",
            "-n",
            "default",
            "--interval",
            "20ms",
        ];
        if full {
            args.push("--full-replan");
        }
        let scheduler = common::start_logged(&kube.kubeconfig, &args, &log);
        let address = common::served_address(&log);
        // The node fills up (nothing finishes without a kubelet); the rest wait.
        let pods = wait_for(&pods_api, "the node to fill up", |pods| {
            pods.iter().any(|p| node_of(p).is_some())
        })
        .await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let held = pods.len()
            - pods_api
                .list(&Default::default())
                .await
                .unwrap()
                .items
                .iter()
                .filter(|p| node_of(p).is_some())
                .count();
        assert!(held >= 4, "{held} pods held");
        let (decided, standing) = (
            pass_pods(address, "decided"),
            pass_pods(address, "standing"),
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        let decided = pass_pods(address, "decided") - decided;
        let standing = pass_pods(address, "standing") - standing;
        // 2 s at 20 ms: about 100 passes over the held pods.
        let passes_over_all = (10 * held) as f64;
        if full {
            assert!(
                decided >= passes_over_all,
                "full re-plan: {decided} decisions"
            );
            assert_eq!(standing, 0.0);
        } else {
            assert!(
                decided < held as f64,
                "incremental: {decided} decisions, {held} held"
            );
            assert!(
                standing >= passes_over_all,
                "incremental: {standing} standing holds"
            );
        }
        drop(scheduler);
    }
}
