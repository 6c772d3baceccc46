//! A live session recorded and played back: `synergai tui --kube --record
//! FILE` watches an emulated cluster on a real kube-apiserver while the
//! scheduler places every job; the file is a valid `kind: Recording` whose
//! bindings are the ones the cluster holds; `synergai tui --fixture FILE`
//! plays it back, and `synergai replay FILE` replays its workload under
//! the policies.

mod common;

use common::{Kube, Pty, client, start};
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Duration;

const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: recorded}
spec:
  profile: builtin:edge-cloud
  nodes:
    - {name: agx, replicas: 1, arch: agx-orin, tier: edge, cores: 12, memory: 64Gi, gpus: 1, network: 4ms}
    - {name: pi, replicas: 2, arch: rpi5, tier: edge, cores: 4, memory: 8Gi, network: 2ms}
  workload:
    jobs:
      - {name: rec-1, arrival: 0s, model: resnet50, queries: 200, qos: 30s}
      - {name: rec-2, arrival: 1s, model: mobilenet-v2, queries: 500, qos: 20s}
      - {name: rec-3, arrival: 2s, model: bert-base, queries: 50, qos: 30s, pin: {arch: rpi5}}
";

#[test]
fn a_live_session_is_recorded_and_played_back() {
    let kube = Kube::up("record");
    let scenario = kube.dir.join("scenario.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let recording = kube.dir.join("out/session.yaml");
    let env = [
        ("KUBECONFIG", kube.kubeconfig.as_path()),
        ("XDG_STATE_HOME", kube.dir.as_path()),
        ("XDG_CONFIG_HOME", kube.dir.as_path()),
    ];

    // The dashboard records from before the first node exists.
    let mut tui = Pty::spawn(
        &[
            "tui",
            "--kube",
            "-n",
            "default",
            "--record",
            recording.to_str().unwrap(),
        ],
        &env,
        40,
        140,
    );
    tui.wait_for("policy live");
    let _scheduler = start(
        &kube.kubeconfig,
        &[
            "scheduler",
            "run",
            "--bind-address=127.0.0.1:0",
            "--kube",
            "-n",
            "default",
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
            "3m",
            "-f",
        ])
        .arg(&scenario)
        .env("KUBECONFIG", &kube.kubeconfig)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        emulate.status.success(),
        "{}",
        String::from_utf8_lossy(&emulate.stderr)
    );
    // The file is rewritten while the session runs …
    tui.wait_for("done 3/3");
    std::thread::sleep(Duration::from_millis(2500));
    let during = std::fs::read_to_string(&recording).unwrap();
    assert!(during.contains("kind: Recording"), "{during}");
    // … and completed when the dashboard quits.
    tui.send("q");
    assert_eq!(tui.wait_exit(Duration::from_secs(10)), 0);

    let text = std::fs::read_to_string(&recording).unwrap();
    let validate = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["fixture", "validate"])
        .arg(&recording)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&validate.stdout);
    assert!(
        validate.status.success(),
        "{said}{}\n{text}",
        String::from_utf8_lossy(&validate.stderr)
    );
    assert!(said.contains("3 nodes, 3 pods"), "{said}");

    // Every pod: created, bound, started, finished, in that order, and
    // bound to the node the cluster says.
    let runtime = common::runtime();
    let pods: Vec<Pod> = runtime.block_on(async {
        let api: Api<Pod> = Api::namespaced(client(&kube.kubeconfig).await, "default");
        api.list(&Default::default()).await.unwrap().items
    });
    assert_eq!(pods.len(), 3);
    let mut kinds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| l.trim_start().starts_with("- {at:"))
    {
        let field = |name: &str| {
            line.split(&format!("{name}: "))
                .nth(1)
                .map(|rest| rest.split([',', '}']).next().unwrap().trim_matches('"'))
                .map(str::to_string)
        };
        let pod = field("pod").unwrap();
        let event = field("event").unwrap();
        if event == "bound" {
            let name = pod.split_once('/').unwrap().1;
            let actual = pods
                .iter()
                .find(|p| p.metadata.name.as_deref() == Some(name))
                .and_then(|p| p.spec.as_ref()?.node_name.clone());
            assert_eq!(field("node"), actual, "{line}");
            assert!(field("engine").is_some(), "{line}");
            let by = if pod.ends_with("rec-3") {
                "override"
            } else {
                "synergai"
            };
            assert_eq!(field("placedBy").as_deref(), Some(by), "{line}");
        }
        if event == "created" && pod.ends_with("rec-3") {
            assert!(line.contains("pin: {arch: \"rpi5\"}"), "{line}");
        }
        kinds.entry(pod).or_default().push(event);
    }
    assert_eq!(kinds.len(), 3, "{text}");
    for (pod, events) in &kinds {
        assert_eq!(
            events,
            &["created", "bound", "started", "finished"],
            "{pod}:\n{text}"
        );
    }

    // Played back: the same jobs on the same nodes, on the recorded clock.
    let mut player = Pty::spawn(
        &[
            "tui",
            "--fixture",
            recording.to_str().unwrap(),
            "--speed",
            "1000",
        ],
        &env,
        40,
        140,
    );
    player.wait_for("policy recorded");
    player.wait_for("done 3/3");
    for name in ["default/rec-1", "default/rec-2", "default/rec-3"] {
        player.wait_for(name);
    }
    player.wait_for("agx-orin");
    player.send("q");
    assert_eq!(player.wait_exit(Duration::from_secs(10)), 0);

    // Its workload replays under the policies.
    let replay = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["replay", "--policy", "synergai,k8s-default", "-o", "json"])
        .arg(&recording)
        .output()
        .unwrap();
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&replay.stdout).unwrap();
    for policy in report["scenarios"][0]["policies"].as_array().unwrap() {
        assert_eq!(policy["jobs"], 3, "{policy}");
        assert_eq!(policy["completed"], 3, "{policy}");
    }
}

#[test]
fn record_needs_a_live_cluster() {
    let out = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["tui", "--record", "/tmp/never.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs --kube"));
}
