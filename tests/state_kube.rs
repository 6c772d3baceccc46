//! Operator state lives in the cluster and is never lost: two operators
//! override the same pending job at the same moment (each write names the
//! version it was decided on, a conflict re-reads and retries), and the
//! result is one whole override — the later one — that every operator
//! sees; a trigger made while no scheduler runs is acted on by the next
//! one; the overrides survive a scheduler restart and a dashboard restart.

mod common;

use common::{Kube, Pty, client, wait_until};
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: state}
spec:
  profile: builtin:edge-cloud
  nodes:
    - {name: xeon, replicas: 2, arch: xeon-vm, tier: cloud, cores: 16, memory: 32Gi, network: 40ms}
    - {name: agx, replicas: 1, arch: agx-orin, tier: edge, cores: 12, memory: 64Gi, gpus: 1, network: 4ms}
  workload:
    jobs:
      - {name: s-1, arrival: 0s, model: resnet50, queries: 100, qos: 60s}
      - {name: s-2, arrival: 0s, model: resnet50, queries: 100, qos: 60s}
";

fn synergai(kube: &Kube, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .env("KUBECONFIG", &kube.kubeconfig)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn annotations(
    runtime: &tokio::runtime::Runtime,
    pods: &Api<Pod>,
    name: &str,
) -> [Option<String>; 3] {
    let pod = runtime.block_on(pods.get(name)).unwrap();
    let a = pod.metadata.annotations.unwrap_or_default();
    [
        a.get("synergai.io/pin-node").cloned(),
        a.get("synergai.io/pin-arch").cloned(),
        a.get("synergai.io/pin-reason").cloned(),
    ]
}

#[test]
fn overrides_and_triggers_are_never_lost() {
    let kube = Kube::up("state");
    let scenario = kube.dir.join("state.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let runtime = common::runtime();
    let pods: Api<Pod> = Api::namespaced(runtime.block_on(client(&kube.kubeconfig)), "default");
    // Nodes and two pending pods; the emulator plays the kubelet.
    let _emulate = common::start(
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
    wait_until("the pods to be created", Duration::from_secs(30), || {
        let created = runtime
            .block_on(pods.list(&Default::default()))
            .map_or(0, |l| l.items.len());
        (created >= 2).then_some(())
    });

    // Two operators at once, several rounds: each round ends in one whole
    // override (never a node pin with the other's reason), the one that
    // reported success last, and both read it back.
    for round in 0..4 {
        let start = |args: [&str; 4]| {
            Command::new(env!("CARGO_BIN_EXE_synergai"))
                .args([
                    "place",
                    "override",
                    "default/s-1",
                    "--kube",
                    "-n",
                    "default",
                ])
                .args(args)
                .env("KUBECONFIG", &kube.kubeconfig)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let a = start(["--node", "xeon-1", "--reason", "operator A"]);
        let b = start(["--arch", "agx-orin", "--reason", "operator B"]);
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        for o in [&a, &b] {
            assert!(
                o.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        let pin = annotations(&runtime, &pods, "s-1");
        let by_a = [Some("xeon-1".into()), None, Some("operator A".into())];
        let by_b = [None, Some("agx-orin".into()), Some("operator B".into())];
        assert!(
            pin == by_a || pin == by_b,
            "round {round}: a mixed override {pin:?}"
        );
        // What every operator sees: the live plan names the same pin.
        let plan = synergai(
            &kube,
            &["place", "plan", "--kube", "-n", "default", "-o", "json"],
        );
        let text = String::from_utf8_lossy(&plan.stdout);
        let expected = if pin == by_a { "xeon-1" } else { "agx-orin" };
        assert!(text.contains(expected), "round {round}: {text}");
    }

    // Deterministically: an override decided on a stale copy of the pod
    // (someone changed it since) gets a conflict, re-reads, and lands whole.
    let stale: Vec<std::sync::Arc<Pod>> = runtime
        .block_on(pods.list(&Default::default()))
        .unwrap()
        .items
        .into_iter()
        .map(std::sync::Arc::new)
        .collect();
    let o = synergai(
        &kube,
        &[
            "place",
            "override",
            "default/s-2",
            "--kube",
            "-n",
            "default",
            "--arch",
            "agx-orin",
        ],
    );
    assert!(o.status.success());
    let c = runtime.block_on(client(&kube.kubeconfig));
    let text = runtime
        .block_on(synergai::k8s::control::pin(
            &c,
            &stale,
            "default/s-2",
            Some(&synergai::model::PinRef::Node("xeon-1".into())),
            "decided on a stale copy",
        ))
        .unwrap();
    assert!(text.contains("pinned to node xeon-1"), "{text}");
    assert_eq!(
        annotations(&runtime, &pods, "s-2"),
        [
            Some("xeon-1".into()),
            None,
            Some("decided on a stale copy".into())
        ]
    );
    let o = synergai(
        &kube,
        &["place", "release", "default/s-2", "--kube", "-n", "default"],
    );
    assert!(o.status.success());

    // Settle on a known override, then a manual-mode scheduler runs and is
    // killed without being triggered: nothing is bound.
    let o = synergai(
        &kube,
        &[
            "place",
            "override",
            "default/s-1",
            "--kube",
            "-n",
            "default",
            "--node",
            "xeon-2",
            "--reason",
            "keep",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let scheduler = common::start(
        &kube.kubeconfig,
        &[
            "scheduler",
            "run",
            "--bind-address=127.0.0.1:0",
            "--kube",
            "-n",
            "default",
            "--mode",
            "manual",
            "--leader-elect=false",
        ],
        false,
    );
    std::thread::sleep(Duration::from_secs(2));
    drop(scheduler);
    let bound = |name: &str| {
        runtime
            .block_on(pods.get(name))
            .unwrap()
            .spec
            .and_then(|s| s.node_name)
    };
    assert_eq!(bound("s-1"), None);

    // The dashboard, restarted, still shows the override.
    let env = [
        ("KUBECONFIG", kube.kubeconfig.as_path()),
        ("XDG_STATE_HOME", kube.dir.as_path()),
        ("XDG_CONFIG_HOME", kube.dir.as_path()),
    ];
    for _ in 0..2 {
        let mut tui = Pty::spawn(&["tui", "--kube", "-n", "default"], &env, 40, 140);
        tui.wait_for("pin node xeon-2");
        tui.send("q");
        assert_eq!(tui.wait_exit(Duration::from_secs(10)), 0);
    }

    // A trigger while no scheduler runs is acted on by the next one, which
    // honours the override.
    let t = synergai(&kube, &["scheduler", "trigger", "--kube", "-n", "default"]);
    assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stderr));
    let _scheduler = common::start(
        &kube.kubeconfig,
        &[
            "scheduler",
            "run",
            "--bind-address=127.0.0.1:0",
            "--kube",
            "-n",
            "default",
            "--mode",
            "manual",
            "--leader-elect=false",
        ],
        false,
    );
    wait_until(
        "the trigger made while no scheduler ran (it was lost)",
        Duration::from_secs(30),
        || (bound("s-1").is_some() && bound("s-2").is_some()).then_some(()),
    );
    assert_eq!(bound("s-1").as_deref(), Some("xeon-2"));
    let handled = runtime.block_on(async {
        let api: Api<k8s_openapi::api::core::v1::ConfigMap> =
            Api::namespaced(client(&kube.kubeconfig).await, "default");
        api.get("synergai-control")
            .await
            .unwrap()
            .metadata
            .annotations
            .unwrap()
    });
    assert_eq!(
        handled.get("synergai.io/handled-trigger"),
        handled.get("synergai.io/trigger"),
        "the scheduler records the trigger it acted on"
    );
}
