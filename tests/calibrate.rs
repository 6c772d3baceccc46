//! `synergai profile calibrate` on recordings whose run times come from
//! the shipped profile, calibrating a profile that is wrong about one
//! configuration: the row is corrected (and marked `calibrated`), the
//! prediction error drops on the recording and on a second one it was not
//! calibrated from, and the written profile validates.

use std::path::{Path, PathBuf};
use std::process::Command;
use synergai::fixture::{Origin, emit, load_profile};
use synergai::model::{Engine, Profile};

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("synergai-calibrate-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn shipped() -> Profile {
    load_profile(&Origin::Embedded("profiles/edge-cloud.yaml".into())).unwrap()
}

/// A recording of `sizes` resnet50 jobs run one after another on one
/// xeon-vm node with onnxruntime × 4, each taking what `truth` predicts
/// (to the millisecond; a real recording has whole seconds).
fn recording(truth: &Profile, sizes: &[u64]) -> String {
    let model = truth.model_id("resnet50").unwrap();
    let arch = truth.arch_id("xeon-vm").unwrap();
    let row = truth.row(model, arch, Engine::ONNXRUNTIME, 4).unwrap();
    let startup = truth.arch(arch).startup_ms(Engine::ONNXRUNTIME);
    let mut events = Vec::new();
    let mut t = 0.0;
    for (i, q) in sizes.iter().enumerate() {
        let run = startup + *q as f64 / row.qps * 1000.0;
        let pod = format!("default/j{i}");
        events.push(format!(
            "    - {{at: {t:.0}ms, pod: \"{pod}\", event: created, model: \"resnet50\", queries: {q}, qos: 600s}}"
        ));
        events.push(format!(
            "    - {{at: {:.0}ms, pod: \"{pod}\", event: bound, node: \"vm-1\", engine: onnxruntime, threads: 4, predicted: 1s}}",
            t + 10.0
        ));
        events.push(format!(
            "    - {{at: {:.0}ms, pod: \"{pod}\", event: finished}}",
            t + 10.0 + run
        ));
        t += 20.0 + run;
    }
    format!(
        "apiVersion: synergai.io/v1alpha1
kind: Recording
metadata: {{name: calibration}}
spec:
  profile: \"builtin:edge-cloud\"
  startedAt: \"2026-11-28T14:40:00Z\"
  duration: {:.0}ms
  nodes:
    - {{name: \"vm-1\", arch: \"xeon-vm\", tier: cloud, cores: 16, memory: 64Gi}}
  events:{}
",
        t + 100.0,
        if events.is_empty() {
            " []".to_string()
        } else {
            format!("\n{}", events.join("\n"))
        }
    )
}

fn synergai(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .output()
        .unwrap()
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn calibration_corrects_a_wrong_row_and_the_error_drops_on_another_recording() {
    let dir = scratch("wrong-row");
    let truth = shipped();
    let mut wrong = truth.clone();
    let model = truth.model_id("resnet50").unwrap();
    let arch = truth.arch_id("xeon-vm").unwrap();
    let row = wrong
        .rows
        .iter_mut()
        .find(|r| {
            r.model == model && r.arch == arch && r.engine == Engine::ONNXRUNTIME && r.threads == 4
        })
        .unwrap();
    let true_qps = row.qps;
    row.qps *= 2.5;
    let wrong_path = dir.join("wrong.yaml");
    std::fs::write(&wrong_path, emit::profile(&wrong)).unwrap();
    let first = dir.join("first.yaml");
    std::fs::write(&first, recording(&truth, &[200, 400, 300, 500, 250])).unwrap();
    let second = dir.join("second.yaml");
    std::fs::write(&second, recording(&truth, &[1000, 150, 700])).unwrap();
    let out_path = dir.join("calibrated.yaml");

    let o = synergai(&[
        "profile",
        "calibrate",
        "--from",
        arg(&first),
        "--profile",
        arg(&wrong_path),
        "--check",
        arg(&second),
        "--out",
        arg(&out_path),
        "-o",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{report}");
    assert_eq!(rows[0]["runs"], 5);
    let qps_after = rows[0]["qpsAfter"].as_f64().unwrap();
    assert!(
        (qps_after / true_qps - 1.0).abs() < 0.01,
        "{qps_after} vs {true_qps}"
    );
    for e in report["errors"].as_array().unwrap() {
        let before = e["errorBefore"].as_f64().unwrap();
        let after = e["errorAfter"].as_f64().unwrap();
        assert!(before > 0.3, "{e}");
        assert!(after < before / 10.0, "the error drops: {e}");
    }
    // The written profile validates and carries the calibrated row.
    let v = synergai(&["fixture", "validate", arg(&out_path)]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let calibrated = load_profile(&Origin::File(out_path.clone())).unwrap();
    let row = calibrated.row(model, arch, Engine::ONNXRUNTIME, 4).unwrap();
    assert_eq!(row.source.as_str(), "calibrated");
    assert!(
        row.note.contains("calibrated from 5 run(s) in first.yaml"),
        "{}",
        row.note
    );

    // The table says the same for a person.
    let o = synergai(&[
        "profile",
        "calibrate",
        "--from",
        arg(&first),
        "--profile",
        arg(&wrong_path),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    assert!(
        text.contains("resnet50") && text.contains("-60.0%"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_recording_with_nothing_finished_is_a_usage_error() {
    let dir = scratch("empty");
    let rec = dir.join("empty.yaml");
    std::fs::write(&rec, recording(&shipped(), &[])).unwrap();
    let o = synergai(&["profile", "calibrate", "--from", arg(&rec)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no finished job"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
