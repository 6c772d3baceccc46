//! The live dashboard in a pseudo-terminal against an emulated cluster on a
//! real kube-apiserver: it shows the nodes' architectures and the pending
//! jobs with their slack, explains a pending job's candidates, and an
//! override made in the dashboard becomes the pod's `synergai.io/pin-arch`
//! annotation (operator state lives in the cluster).

mod common;

use common::{Kube, client, start};
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

fn screen(bytes: &Mutex<Vec<u8>>) -> String {
    let mut parser = vt100::Parser::new(40, 140, 0);
    parser.process(&bytes.lock().unwrap());
    parser.screen().contents()
}

fn wait_for(bytes: &Mutex<Vec<u8>>, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if screen(bytes).contains(needle) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("`{needle}` never appeared; screen:\n{}", screen(bytes));
}

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

    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 140,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_synergai"));
    cmd.args(["tui", "--kube", "-n", "default"]);
    cmd.env("KUBECONFIG", &kube.kubeconfig);
    cmd.env("XDG_STATE_HOME", &kube.dir);
    cmd.env("XDG_CONFIG_HOME", &kube.dir);
    cmd.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let sink = bytes.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let mut send = |keys: &str| {
        writer.write_all(keys.as_bytes()).unwrap();
        writer.flush().unwrap();
    };

    wait_for(&bytes, "agx-orin");
    wait_for(&bytes, "rpi5");
    wait_for(&bytes, "default/live-1");
    wait_for(&bytes, "default/live-2");
    let shown = screen(&bytes);
    assert!(shown.contains("pending"), "{shown}");
    assert!(shown.contains("policy live"), "{shown}");

    // The job detail popup explains what synergai would do now.
    send("\r");
    wait_for(&bytes, "esc closes");
    wait_for(&bytes, "COMPLETES");
    send("\u{1b}");
    std::thread::sleep(Duration::from_millis(300));

    // Override the selected (first) job: the first target is an architecture.
    send("o");
    wait_for(&bytes, "pick a node or architecture");
    let picker = screen(&bytes);
    let first_arch = if picker.find("arch agx-orin").unwrap_or(usize::MAX)
        < picker.find("arch rpi5").unwrap_or(usize::MAX)
    {
        "agx-orin"
    } else {
        "rpi5"
    };
    send("\r");
    wait_for(&bytes, "why?");
    send("pty test\r");
    wait_for(&bytes, "pinned to");

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

    send("q");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "the dashboard did not exit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.exit_code(), 0);
}
