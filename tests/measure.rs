//! `synergai profile measure` for real: one model the onnx wheel ships
//! (squeezenet), two engines (onnxruntime loaded from its wheel, tract
//! compiled in), threads 1 and 2, 2 s each. Checks invariants, not
//! timings; then `fixture validate` and `replay` on the result. The engines
//! are installed by scripts/engines.sh (pip, into ~/.cache/synergai).

mod common;

use common::engines;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use synergai::fixture::{Origin, load_profile};
use synergai::model::{Engine, RowSource};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
}

fn shipped(name: &str) -> PathBuf {
    let dir = engines()
        .lines()
        .find_map(|l| l.strip_prefix("models "))
        .expect("engines.sh names the models");
    Path::new(dir).join(format!("light_{name}.onnx"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synergai-measure-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `mean 6.08 ms` in a row's note.
fn mean_ms(note: &str) -> f64 {
    let rest = note.split("mean ").nth(1).expect("note has the mean");
    rest.split(' ')
        .next()
        .unwrap()
        .parse()
        .expect("mean is a number")
}

#[test]
fn a_real_measurement_makes_a_valid_profile_that_replays() {
    engines();
    let out_path = tmp("measured.yaml");
    let out = bin()
        .args(["profile", "measure", "--model", "squeezenet"])
        .args(["--engine", "onnxruntime,tract", "--threads", "1,2"])
        .args(["--duration", "2s", "--warmup", "3", "--arch", "ci-x86"])
        .arg("--out")
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "measure failed: {}", stderr(&out));
    let text = std::fs::read_to_string(&out_path).unwrap();

    let p = load_profile(&Origin::File(out_path.clone())).expect("the profile loads");
    assert_eq!(p.archs.len(), 1);
    assert_eq!(p.archs[0].name, "ci-x86");
    assert_eq!(p.models.len(), 1);
    assert_eq!(p.rows.len(), 4, "{text}");
    for engine in [Engine::ONNXRUNTIME, Engine::TRACT] {
        let startup = p.archs[0].startup_of(engine);
        assert!(startup.is_some_and(|ms| ms >= 1.0), "{engine}: {startup:?}");
        for threads in [1, 2] {
            let r = p.row(0, 0, engine, threads).expect("row measured");
            assert_eq!(r.source, RowSource::Measured);
            assert!(r.qps > 0.0 && r.qps.is_finite(), "{r:?}");
            assert!(r.p99_ms > 0.0 && r.watts > 0.0 && r.memory_mib > 0, "{r:?}");
            // Single stream: throughput is the inverse of the mean latency
            // (the loop does nothing else; 20 % for timer and loop overhead).
            let expect = 1000.0 / mean_ms(&r.note);
            assert!(
                (r.qps / expect - 1.0).abs() < 0.2,
                "{engine}×{threads}: qps {} vs 1000/mean {expect}",
                r.qps
            );
            assert!(r.p99_ms >= mean_ms(&r.note) * 0.5, "{r:?}");
            assert!(
                r.note.contains("watts estimated") || r.note.contains("measured ("),
                "{r:?}"
            );
        }
    }
    // Provenance: the host, the engines and their versions, the tool, the date.
    assert_eq!(p.provenance.len(), 1, "{text}");
    let prov = &p.provenance[0];
    assert_eq!(prov.arch, "ci-x86");
    assert!(prov.host.cores >= 2 && prov.host.memory_mib > 0 && !prov.host.cpu.is_empty());
    assert!(
        prov.engines["onnxruntime"].starts_with("1."),
        "{:?}",
        prov.engines
    );
    assert_eq!(prov.engines["tract"], "0.23.9");
    assert!(prov.tool.starts_with("synergai ") && prov.date.ends_with('Z'));
    assert_eq!(prov.settings.threads, vec![1, 2]);
    assert_eq!(prov.settings.duration_ms, Some(2000.0));

    let v = bin()
        .args(["fixture", "validate"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(v.status.success(), "fixture validate: {}", stderr(&v));

    let scenario = tmp("scenario.yaml");
    std::fs::write(
        &scenario,
        "apiVersion: synergai.io/v1alpha1\nkind: Scenario\nmetadata:\n  name: measured\nspec:\n  profile: measured.yaml\n  seed: 1\n  nodes:\n    - name: box\n      replicas: 2\n      arch: ci-x86\n      tier: cloud\n      cores: 2\n      memory: 4Gi\n      idleWatts: 20\n      busyWatts: 40\n  workload:\n    generators:\n      - namePrefix: job\n        duration: 2m\n        arrivals:\n          process: poisson\n          ratePerSec: 0.2\n        mix:\n          - model: squeezenet\n            weight: 1\n            queries: [100, 1000]\n            qosFactor: [2, 10]\n",
    )
    .unwrap();
    let r = bin()
        .args(["replay", "--no-bound", "-o", "json"])
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(r.status.success(), "replay: {}", stderr(&r));
    assert!(String::from_utf8_lossy(&r.stdout).contains("\"kind\""));
}

fn measure(args: &[&str]) -> Output {
    bin()
        .args(["profile", "measure", "--duration", "200ms", "--warmup", "0"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn bad_input_is_a_clear_error_and_writes_nothing() {
    engines();
    let out_path = tmp("never.yaml");
    let out_flag = out_path.to_str().unwrap();
    let squeezenet = format!("m={}", shipped("squeezenet").display());

    // Not ONNX.
    let text = tmp("not-onnx.onnx");
    std::fs::write(&text, "this is not a model\n").unwrap();
    let o = measure(&[
        "--model",
        &format!("m={}", text.display()),
        "--out",
        out_flag,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not an ONNX model"), "{}", stderr(&o));

    // Truncated.
    let bytes = std::fs::read(shipped("squeezenet")).unwrap();
    let cut = tmp("truncated.onnx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let o = measure(&[
        "--model",
        &format!("m={}", cut.display()),
        "--out",
        out_flag,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("truncated.onnx"), "{}", stderr(&o));

    // Threads above the cores.
    let o = measure(&[
        "--model",
        &squeezenet,
        "--threads",
        "4096",
        "--out",
        out_flag,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cores"), "{}", stderr(&o));

    // A shape for an input no model has.
    let o = measure(&[
        "--model",
        &squeezenet,
        "--shape",
        "nope=1x2",
        "--out",
        out_flag,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    // The engine is not installed: exit 1, saying how to install it.
    let o = measure(&[
        "--model",
        &squeezenet,
        "--engine",
        "onnxruntime",
        "--engine-lib",
        "onnxruntime=/nonexistent/libonnxruntime.so.1",
        "--out",
        out_flag,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("scripts/engines.sh"), "{}", stderr(&o));

    // An engine this binary cannot measure is a usage error from clap.
    let o = measure(&["--model", &squeezenet, "--engine", "tensorrt"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    assert!(!out_path.exists(), "nothing may be written on bad input");
    let leftovers: Vec<_> = std::fs::read_dir(out_path.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
