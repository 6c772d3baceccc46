//! The shipped profile is what its generator makes of the derived model and
//! of the measured profiles committed next to it, and the measured part is
//! what `synergai profile measure` wrote on this machine's class.

use std::path::Path;
use std::process::Command;
use synergai::fixture::{Origin, load_profile};
use synergai::model::{Engine, RowSource};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_shipped_profile_is_what_gen_profile_writes() {
    let out = Command::new("python3")
        .arg(root().join("scripts/gen-profile.py"))
        .output()
        .expect("python3 runs scripts/gen-profile.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed =
        std::fs::read_to_string(root().join("fixtures/profiles/edge-cloud.yaml")).unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout) == committed,
        "fixtures/profiles/edge-cloud.yaml is not what scripts/gen-profile.py writes: regenerate it (python3 scripts/gen-profile.py > fixtures/profiles/edge-cloud.yaml)"
    );
}

#[test]
fn the_shipped_profile_has_measured_rows_for_this_machine_class() {
    let p = load_profile(&Origin::Embedded("profiles/edge-cloud.yaml".into())).unwrap();
    let arch = p.arch_id("xeon-vm-2c").expect("the measured architecture");
    let resnet = p.model_id("resnet50").unwrap();
    let rows: Vec<_> = p.rows.iter().filter(|r| r.arch == arch).collect();
    let mut keys: Vec<(Engine, u32)> = rows.iter().map(|r| (r.engine, r.threads)).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            (Engine::ONNXRUNTIME, 1),
            (Engine::ONNXRUNTIME, 2),
            (Engine::TRACT, 1),
            (Engine::TRACT, 2)
        ]
    );
    for r in &rows {
        assert_eq!(r.model, resnet);
        assert_eq!(r.source, RowSource::Measured);
        assert!(r.qps > 0.0 && r.p99_ms > 0.0 && r.memory_mib > 0);
        // Single stream: qps is about 1000 / mean latency (the note's).
        let mean: f64 = r
            .note
            .split("mean ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|t| t.parse().ok())
            .expect("the note gives the mean latency");
        let ratio = r.qps * mean / 1000.0;
        assert!((0.8..1.2).contains(&ratio), "{}: {ratio}", r.note);
    }
    let provenance = p
        .provenance
        .iter()
        .find(|v| v.arch == "xeon-vm-2c")
        .expect("provenance of the measured architecture");
    assert!(provenance.tool.starts_with("synergai "));
    assert!(
        provenance.engines.contains_key("onnxruntime") && provenance.engines.contains_key("tract")
    );
    assert_eq!(provenance.settings.threads, [1, 2]);
    // Every other row is still derived or estimated.
    assert!(
        p.rows
            .iter()
            .filter(|r| r.arch != arch)
            .all(|r| matches!(r.source, RowSource::Derived | RowSource::Estimate))
    );
}
