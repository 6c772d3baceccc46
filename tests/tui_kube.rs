//! The live dashboard in a pseudo-terminal against an emulated cluster on a
//! real kube-apiserver: it shows the nodes' architectures and the pending
//! jobs with their slack, explains a pending job's candidates, and an
//! override made in the dashboard becomes the pod's `synergai.io/pin-arch`
//! annotation (operator state lives in the cluster).

mod common;

use common::{Kube, Pty, client, start};
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use std::time::Duration;

const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: live-tui}
spec:
  profile: builtin:edge-cloud
  nodes:
    - {name: agx, replicas: 1, arch: agx-orin, tier: edge, cores: 12, memory: 64Gi, gpus: 1, network: 4ms}
    - {name: pi, replicas: 2, arch: rpi5, tier: edge, cores: 4, memory: 8Gi, network: 2ms}
  workload:
    jobs:
      - {name: live-1, arrival: 0s, model: resnet50, queries: 500, qos: 30s}
      - {name: live-2, arrival: 0s, model: bert-base, queries: 100, qos: 20s}
";

#[test]
fn live_dashboard_shows_the_cluster_and_overrides_write_annotations() {
    let kube = Kube::up("tui-live");
    let scenario = kube.dir.join("live.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    // Nodes and pending job pods; no scheduler runs, so the jobs stay pending.
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

    let mut tui = Pty::spawn(
        &["tui", "--kube", "-n", "default"],
        &[
            ("KUBECONFIG", kube.kubeconfig.as_path()),
            ("XDG_STATE_HOME", kube.dir.as_path()),
            ("XDG_CONFIG_HOME", kube.dir.as_path()),
        ],
        40,
        140,
    );
    tui.wait_for("agx-orin");
    tui.wait_for("rpi5");
    tui.wait_for("default/live-1");
    tui.wait_for("default/live-2");
    let shown = tui.screen();
    assert!(shown.contains("pending"), "{shown}");
    assert!(shown.contains("policy live"), "{shown}");

    // The job detail popup explains what synergai would do now.
    tui.send("\r");
    tui.wait_for("esc closes");
    tui.wait_for("COMPLETES");
    tui.send("\u{1b}");
    std::thread::sleep(Duration::from_millis(300));

    // Override the selected (first) job: the first target is an architecture.
    tui.send("o");
    tui.wait_for("pick a node or architecture");
    let picker = tui.screen();
    let first_arch = if picker.find("arch agx-orin").unwrap_or(usize::MAX)
        < picker.find("arch rpi5").unwrap_or(usize::MAX)
    {
        "agx-orin"
    } else {
        "rpi5"
    };
    tui.send("\r");
    tui.wait_for("why?");
    tui.send("pty test\r");
    tui.wait_for("pinned to");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pods: Vec<Pod> = runtime.block_on(async {
        let api: Api<Pod> = Api::namespaced(client(&kube.kubeconfig).await, "default");
        api.list(&Default::default()).await.unwrap().items
    });
    let pinned: Vec<(&str, &str)> = pods
        .iter()
        .filter_map(|p| {
            let ann = p.metadata.annotations.as_ref()?;
            Some((
                p.metadata.name.as_deref()?,
                ann.get("synergai.io/pin-arch")?.as_str(),
            ))
        })
        .collect();
    assert_eq!(pinned.len(), 1, "{pinned:?}");
    assert_eq!(pinned[0].1, first_arch);
    let reason = pods
        .iter()
        .find(|p| p.metadata.name.as_deref() == Some(pinned[0].0))
        .and_then(|p| {
            p.metadata
                .annotations
                .as_ref()?
                .get("synergai.io/pin-reason")
                .cloned()
        });
    assert_eq!(reason.as_deref(), Some("pty test"));

    tui.send("q");
    assert_eq!(tui.wait_exit(Duration::from_secs(10)), 0);
}

const FINISHING: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: live-drift}
spec:
  profile: builtin:edge-cloud
  nodes:
    - {name: xeon, replicas: 1, arch: xeon-vm, tier: cloud, cores: 16, memory: 32Gi, network: 40ms}
  workload:
    jobs:
      - {name: drift-1, arrival: 0s, model: mobilenet-v2, queries: 100, qos: 60s}
      - {name: drift-2, arrival: 0s, model: resnet50, queries: 400, qos: 60s}
";

/// Once jobs have finished on a live cluster, the architectures view shows
/// how measured run times compare with the profile's predictions.
#[test]
fn live_dashboard_shows_the_profile_drift_of_finished_jobs() {
    let kube = Kube::up("tui-drift");
    let scenario = kube.dir.join("drift.yaml");
    std::fs::write(&scenario, FINISHING).unwrap();
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
    let _scheduler = start(
        &kube.kubeconfig,
        &[
            "scheduler",
            "run",
            "--bind-address=127.0.0.1:0",
            "--kube",
            "-n",
            "default",
            "--leader-elect=false",
        ],
        false,
    );
    let mut tui = Pty::spawn(
        &["tui", "--kube", "-n", "default"],
        &[
            ("KUBECONFIG", kube.kubeconfig.as_path()),
            ("XDG_STATE_HOME", kube.dir.as_path()),
            ("XDG_CONFIG_HOME", kube.dir.as_path()),
        ],
        40,
        140,
    );
    tui.wait_for("RUN/PRED");
    let screen = tui.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("xeon-vm") && l.contains('×'))
        .unwrap_or_else(|| panic!("no ratio on the xeon-vm row:\n{screen}"));
    // The emulator runs the profile's own model, so the ratio is near 1
    // (whole-second timestamps round it: only runs predicted at 5 s or
    // more have one, here the resnet50 job; the mobilenet one is too short).
    let ratio: f64 = row
        .split_whitespace()
        .find_map(|w| w.strip_suffix('×')?.parse().ok())
        .unwrap_or_else(|| panic!("{row}"));
    assert!((0.5..2.0).contains(&ratio), "{row}");
    tui.send("q");
    assert_eq!(tui.wait_exit(Duration::from_secs(10)), 0);
}
