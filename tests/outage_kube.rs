//! An API-server outage in the middle of a running scenario: kube-apiserver
//! and etcd stop for several seconds and come back on the same ports with
//! the same data, and etcd is compacted meanwhile, so every watch that
//! resumes from the resourceVersion it last saw gets `410 Gone` and must
//! relist. The scheduler, the emulator and the live dashboard reconnect
//! with backoff and catch up: the dashboard says "reconnecting" and keeps
//! the last state while the server is down, and at the end every job pod
//! was bound once and ran.

mod common;

use common::{Kube, Pty, root};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: outage}
spec:
  profile: builtin:edge-cloud
  seed: 5
  nodes:
    - {name: xeon, replicas: 2, arch: xeon-vm, tier: cloud, cores: 16, memory: 32Gi, network: 40ms}
    - {name: agx, replicas: 1, arch: agx-orin, tier: edge, cores: 12, memory: 64Gi, gpus: 1, network: 4ms}
  workload:
    generators:
      - namePrefix: out
        count: 30
        arrivals: {process: poisson, ratePerSec: 1.0}
        mix:
          - {model: resnet50, queries: [50, 300], qos: [30s, 90s]}
          - {model: mobilenet-v2, queries: [100, 800], qos: [30s, 90s]}
";

#[test]
fn scheduler_emulator_and_dashboard_ride_out_an_api_server_outage() {
    let kube = Kube::up("outage");
    let scenario = kube.dir.join("outage.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let log = kube.dir.join("scheduler.log");
    let mut scheduler = common::start_logged(
        &kube.kubeconfig,
        &[
            "scheduler",
            "run",
            "--bind-address=127.0.0.1:0",
            "--kube",
            "-n",
            "default",
        ],
        &log,
    );
    let emulate = common::emulate(&kube.kubeconfig, &scenario, "4m");
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
    tui.wait_for("default/out-");
    tui.wait_for("default/out-00004");

    // Down for 6 s, compacted, back on the same port.
    let restart = std::thread::spawn({
        let dir = kube.dir.clone();
        move || {
            Command::new(root().join("scripts/kube-restart.sh"))
                .arg("--dir")
                .arg(&dir)
                .args(["--down", "6", "--compact"])
                .stdin(Stdio::null())
                .output()
                .unwrap()
        }
    });
    tui.wait_for("reconnecting, showing the last state");
    let during = tui.screen();
    assert!(
        during.contains("default/out-"),
        "the last state is kept:\n{during}"
    );
    let out = restart.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Everything catches up: the banner goes, the scenario completes.
    let deadline = Instant::now() + Duration::from_secs(60);
    while tui.screen().contains("reconnecting") {
        assert!(
            Instant::now() < deadline,
            "still reconnecting:\n{}",
            tui.screen()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let out = emulate.wait_with_output().unwrap();
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{summary}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(summary.contains("30 completed"), "{summary}");
    tui.wait_for("done 30/30");
    tui.send("q");
    assert_eq!(tui.wait_exit(Duration::from_secs(10)), 0);

    // The scheduler is still running, saw the outage and the 410, and
    // bound every pod exactly once.
    assert!(
        scheduler.0.try_wait().unwrap().is_none(),
        "the scheduler died"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("(retrying)"),
        "no watch error logged:\n{text}"
    );
    assert!(
        text.contains("too old resource version"),
        "no 410 Gone (and relist) after the compaction:\n{text}"
    );
    let mut bound: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split(": bound ").nth(1))
        .filter_map(|rest| rest.split(' ').next())
        .collect();
    let all = bound.len();
    bound.sort_unstable();
    bound.dedup();
    assert_eq!(all, bound.len(), "a pod was bound twice:\n{text}");
    assert_eq!(bound.len(), 30, "{text}");
}
