//! Calibration from what actually ran, end to end on a real kube-apiserver:
//! the scheduler decides with a profile that is wrong about every xeon-vm
//! row (2.5× too fast) while the emulated kubelet runs the jobs at the
//! shipped profile's speed; `synergai tui --kube --record` records the
//! session. `synergai profile calibrate` on that recording corrects the
//! rows the jobs used, and the prediction error drops, on it and on a
//! second recording of another run it was not calibrated from.

mod common;

use common::{Kube, Pty, start};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use synergai::fixture::{Origin, emit, load_profile};

const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: calibrate}
spec:
  profile: builtin:edge-cloud
  nodes:
    - {name: xeon, replicas: 1, arch: xeon-vm, tier: cloud, cores: 16, memory: 64Gi, network: 1ms}
  workload:
    jobs:
      - {name: cal-1, arrival: 0s, model: resnet50, queries: 2000, qos: 600s}
      - {name: cal-2, arrival: 2s, model: resnet50, queries: 2500, qos: 600s}
      - {name: cal-3, arrival: 4s, model: resnet50, queries: 1500, qos: 600s}
";

/// One session: the emulated cluster, the scheduler with `profile`, the
/// dashboard recording to `out`.
fn record(name: &str, profile: &Path, out: &Path) {
    let kube = Kube::up(name);
    let scenario = kube.dir.join("scenario.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let env = [
        ("KUBECONFIG", kube.kubeconfig.as_path()),
        ("XDG_STATE_HOME", kube.dir.as_path()),
        ("XDG_CONFIG_HOME", kube.dir.as_path()),
    ];
    let mut tui = Pty::spawn(
        &[
            "tui",
            "--kube",
            "-n",
            "default",
            "--record",
            out.to_str().unwrap(),
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
            "--leader-elect=false",
            "--profile",
            profile.to_str().unwrap(),
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
            "4m",
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
    tui.wait_for("done 3/3");
    tui.send("q");
    assert_eq!(tui.wait_exit(Duration::from_secs(10)), 0);
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_profile_calibrated_from_one_run_predicts_the_next_better() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("synergai-calibrate-kube-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut wrong = load_profile(&Origin::Embedded("profiles/edge-cloud.yaml".into())).unwrap();
    let xeon = wrong.arch_id("xeon-vm").unwrap();
    for row in wrong.rows.iter_mut().filter(|r| r.arch == xeon) {
        row.qps *= 2.5;
    }
    let wrong_path = dir.join("wrong.yaml");
    std::fs::write(&wrong_path, emit::profile(&wrong)).unwrap();

    let first = dir.join("first.yaml");
    record("calibrate-1", &wrong_path, &first);
    let second = dir.join("second.yaml");
    record("calibrate-2", &wrong_path, &second);

    let calibrated = dir.join("calibrated.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["profile", "calibrate", "--from", path(&first)])
        .args(["--profile", path(&wrong_path), "--check", path(&second)])
        .args(["--out", path(&calibrated), "-o", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The command's own table, for the log.
    let table = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["profile", "calibrate", "--from", path(&first)])
        .args(["--profile", path(&wrong_path), "--check", path(&second)])
        .output()
        .unwrap();
    println!("{}", String::from_utf8_lossy(&table.stdout));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!report["rows"].as_array().unwrap().is_empty(), "{report}");
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    for e in errors {
        let before = e["errorBefore"].as_f64().unwrap();
        let after = e["errorAfter"].as_f64().unwrap();
        assert!(e["jobs"].as_u64().unwrap() >= 2, "{e}");
        // 2.5× too fast predicts 40 % of the run: ~60 % error before.
        assert!(before > 0.3, "{e}");
        assert!(after < before / 2.0, "the error drops: {e}");
    }
    let v = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["fixture", "validate", path(&calibrated)])
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}
