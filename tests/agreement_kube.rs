//! The two worlds must not drift apart: a short scenario played on a real
//! kube-apiserver (`synergai emulate` + `synergai scheduler run`) gives the
//! same number of QoS violations as its replay, within a stated tolerance:
//! |emulated − replayed| ≤ max(2, 10% of the jobs). The slack covers what
//! the live path adds: the API server keeps timestamps to the second, the
//! scheduler decides on its 20 ms tick and watch delays instead of at the
//! exact arrival, and binds take a few milliseconds.

mod common;

use common::{Kube, start};
use std::process::{Command, Stdio};

const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: agreement}
spec:
  profile: builtin:edge-cloud
  seed: 4
  nodes:
    - {name: agx, replicas: 1, arch: agx-orin, tier: edge, cores: 12, memory: 64Gi, gpus: 1, network: 4ms}
    - {name: nx, replicas: 1, arch: orin-nx, tier: edge, cores: 8, memory: 16Gi, gpus: 1, network: 4ms}
    - {name: pi, replicas: 2, arch: rpi5, tier: edge, cores: 4, memory: 8Gi, network: 2ms}
  workload:
    generators:
      - namePrefix: a
        count: 24
        arrivals: {process: poisson, ratePerSec: 1.0}
        mix:
          - {model: resnet50, queries: [300, 3000], qosFactor: [1.5, 6]}
          - {model: mobilenet-v2, queries: [1000, 8000], qosFactor: [1.5, 6]}
          - {model: bert-base, queries: [50, 600], qosFactor: [1.5, 6]}
";

#[test]
fn emulated_violations_agree_with_the_replay() {
    let kube = Kube::up("agreement");
    let scenario = kube.dir.join("agreement.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();

    let replay = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["replay", "--policy", "synergai", "-o", "json"])
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(replay.status.success());
    let report: serde_json::Value = serde_json::from_slice(&replay.stdout).unwrap();
    let metrics = &report["scenarios"][0]["policies"][0];
    let jobs = metrics["jobs"].as_u64().unwrap();
    let replayed = metrics["violations"].as_u64().unwrap();

    let scheduler = start(
        &kube.kubeconfig,
        &[
            "scheduler",
            "run",
            "--bind-address=127.0.0.1:0",
            "--kube",
            "-n",
            "default",
            "--interval",
            "20ms",
        ],
        false,
    );
    let emulate = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args([
            "emulate",
            "--kube",
            "-n",
            "default",
            "--timeout",
            "5m",
            "-f",
        ])
        .arg(&scenario)
        .env("KUBECONFIG", &kube.kubeconfig)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    drop(scheduler);
    let summary = String::from_utf8_lossy(&emulate.stdout).into_owned();
    assert!(
        emulate.status.success(),
        "{summary}\n{}",
        String::from_utf8_lossy(&emulate.stderr)
    );
    // "QoS violations: 8 of 24 measured"
    let measured: u64 = summary
        .split("QoS violations: ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no violation count in {summary}"));
    assert!(summary.contains(&format!("{jobs} completed")), "{summary}");
    let tolerance = 2.max(jobs / 10);
    assert!(
        measured.abs_diff(replayed) <= tolerance,
        "emulated {measured} vs replayed {replayed} violations (tolerance {tolerance})"
    );
}
