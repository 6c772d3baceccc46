//! The profile document tools, run as the real binary on real files
//! (`tests/data/profiles/`): `profile show` (row sources, provenance), the
//! profile writer (`fixture::emit::profile`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn synergai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run synergai")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

#[track_caller]
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/profiles")
        .join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn load(path: &Path) -> synergai::model::Profile {
    let text = std::fs::read_to_string(path).expect("read profile");
    synergai::fixture::profile_from_text(s(path), &text).expect("valid profile")
}

/// A fresh temporary directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "synergai-profile-tools-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn show_marks_each_rows_source() {
    let o = synergai(&["profile", "show", "--arch", "rpi5", "--model", "resnet50"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.lines().next().unwrap_or("").ends_with("SOURCE"),
        "{out}"
    );
    assert!(out.contains(" estimate\n"), "{out}");
    let o = synergai(&["profile", "show", s(&data("xeon-vm.yaml"))]);
    assert_exit(&o, 0);
    assert!(stdout(&o).lines().skip(1).all(|l| l.ends_with(" measured")));
}

#[test]
fn show_provenance() {
    let file = data("rpi5.yaml");
    let o = synergai(&["profile", "show", s(&file), "--provenance"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    for header in [
        "ARCH", "DATE", "ENGINES", "SETTINGS", "CPU", "CORES", "KERNEL", "TOOL",
    ] {
        assert!(lines[0].contains(header), "{out}");
    }
    for cell in [
        "rpi5",
        "2026-11-29T12:00:00+01:00",
        "onnxruntime 1.20.1, tflite 2.18.0",
        "threads 1,4, 200 queries each",
        "Cortex-A76",
        "8048Mi",
        "6.6.51+rpt-rpi-2712",
        "synergai 0.1.0 (commit 0000000)",
    ] {
        assert!(lines[1].contains(cell), "`{cell}` in {out}");
    }

    let o = synergai(&["profile", "show", s(&file), "--provenance", "-o", "json"]);
    assert_exit(&o, 0);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(doc["kind"], "ProfileProvenance");
    assert_eq!(doc["provenance"][0]["engines"]["tflite"], "2.18.0");
    assert_eq!(doc["provenance"][0]["settings"]["queries"], 200);

    // The table document carries it too; the shipped profile has none.
    let o = synergai(&["profile", "show", s(&file), "-o", "json"]);
    assert_exit(&o, 0);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(doc["provenance"][0]["host"]["cores"], 4);
    let o = synergai(&["profile", "show", "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(doc.get("provenance").is_none());
    let o = synergai(&["profile", "show", "--provenance"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("has no provenance"));
}

#[test]
fn written_profiles_validate_and_read_back_equal() {
    let dir = temp_dir("emit");
    for name in ["xeon-vm.yaml", "rpi5.yaml"] {
        let p = load(&data(name));
        let out = dir.join(name);
        synergai::fixture::write_atomic(&out, &synergai::fixture::emit::profile(&p))
            .expect("write");
        let o = synergai(&["fixture", "validate", s(&out)]);
        assert_exit(&o, 0);
        assert_eq!(load(&out), p, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
