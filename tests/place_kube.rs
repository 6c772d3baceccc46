//! `synergai place … --kube` on a real kube-apiserver with an emulated
//! cluster whose job pods are pending (no scheduler runs): the plan equals
//! what `place plan` gives on the same scenario as a fixture at the same
//! moment (manual mode: every job arrived, none placed), explain shows the
//! candidates, and override/release write and remove the pin annotations.

mod common;

use common::{Kube, client, start};
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// All jobs arrive at once; QoS far apart so the least-slack order does
/// not depend on which second the API server stamps on each pod.
const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: place-live}
spec:
  profile: builtin:edge-cloud
  nodes:
    - {name: agx, replicas: 1, arch: agx-orin, tier: edge, cores: 12, memory: 64Gi, gpus: 1, network: 4ms}
    - {name: pi, replicas: 2, arch: rpi5, tier: edge, cores: 4, memory: 8Gi, network: 2ms}
    - {name: xeon, replicas: 1, arch: xeon-vm, tier: cloud, cores: 16, memory: 32Gi, network: 40ms}
  workload:
    jobs:
      - {name: p-1, arrival: 0s, model: resnet50, queries: 800, qos: 20s}
      - {name: p-2, arrival: 0s, model: bert-base, queries: 200, qos: 60s}
      - {name: p-3, arrival: 0s, model: mobilenet-v2, queries: 4000, qos: 100s}
      - {name: p-4, arrival: 0s, model: retinanet, queries: 40, qos: 140s}
";

fn synergai(args: &[&str], kubeconfig: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("XDG_STATE_HOME", kubeconfig.parent().unwrap())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// (job without namespace, action, node, engine, threads) of each decision.
fn decisions(out: &Output) -> Vec<(String, String, String, String, u64)> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = |d: &serde_json::Value, k: &str| d[k].as_str().unwrap_or("-").to_string();
    v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let job = s(d, "job");
            (
                job.rsplit('/').next().unwrap().to_string(),
                s(d, "action"),
                s(d, "node"),
                s(d, "engine"),
                d["threads"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn place_plan_explain_override_release_on_a_live_cluster() {
    let kube = Kube::up("place-live");
    let scenario = kube.dir.join("place.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let _emulate = start(
        &kube.kubeconfig,
        &[
            "emulate",
            "--kube",
            "-n",
            "default",
            "-f",
            scenario.to_str().unwrap(),
        ],
        false,
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pods_api: Api<Pod> =
        runtime.block_on(async { Api::namespaced(client(&kube.kubeconfig).await, "default") });
    let deadline = Instant::now() + Duration::from_secs(30);
    while runtime
        .block_on(pods_api.list(&Default::default()))
        .unwrap()
        .items
        .len()
        < 4
    {
        assert!(
            Instant::now() < deadline,
            "the emulator did not create the pods"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(500));

    let live = decisions(&synergai(
        &["place", "plan", "--kube", "-n", "default", "-o", "json"],
        &kube.kubeconfig,
    ));
    let scenario_arg = scenario.to_str().unwrap();
    let fixture = decisions(&synergai(
        &[
            "place",
            "plan",
            "-f",
            scenario_arg,
            "--mode",
            "manual",
            "--at",
            "0s",
            "-o",
            "json",
        ],
        &kube.kubeconfig,
    ));
    assert_eq!(live.len(), 4, "{live:?}");
    assert_eq!(live, fixture, "live plan vs fixture plan");

    let out = synergai(
        &[
            "place", "explain", "p-2", "--kube", "-n", "default", "-o", "json",
        ],
        &kube.kubeconfig,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "Explanation");
    assert!(v["candidates"].as_array().unwrap().len() > 1);

    let out = synergai(
        &[
            "place",
            "override",
            "p-3",
            "--kube",
            "-n",
            "default",
            "--arch",
            "rpi5",
            "--reason",
            "edge only",
        ],
        &kube.kubeconfig,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let annotations = |name: &str| {
        runtime
            .block_on(pods_api.get(name))
            .unwrap()
            .metadata
            .annotations
            .unwrap_or_default()
    };
    let a = annotations("p-3");
    assert_eq!(
        a.get("synergai.io/pin-arch").map(String::as_str),
        Some("rpi5")
    );
    assert_eq!(
        a.get("synergai.io/pin-reason").map(String::as_str),
        Some("edge only")
    );
    let live = decisions(&synergai(
        &["place", "plan", "--kube", "-n", "default", "-o", "json"],
        &kube.kubeconfig,
    ));
    let p3 = live.iter().find(|d| d.0 == "p-3").unwrap();
    assert!(
        p3.1 == "hold" || p3.2.starts_with("pi-"),
        "pinned to rpi5: {p3:?}"
    );

    let out = synergai(
        &["place", "release", "p-3", "--kube", "-n", "default"],
        &kube.kubeconfig,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!annotations("p-3").contains_key("synergai.io/pin-arch"));

    let out = synergai(
        &["place", "explain", "nope", "--kube", "-n", "default"],
        &kube.kubeconfig,
    );
    assert_eq!(out.status.code(), Some(1));
}
