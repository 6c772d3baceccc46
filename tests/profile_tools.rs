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

    // The table document carries it too; the shipped profile's is that of
    // its one measured architecture.
    let o = synergai(&["profile", "show", s(&file), "-o", "json"]);
    assert_exit(&o, 0);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(doc["provenance"][0]["host"]["cores"], 4);
    let o = synergai(&["profile", "show", "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(doc["provenance"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["provenance"][0]["arch"], "xeon-vm-2c");
    let o = synergai(&["profile", "show", "--provenance"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("xeon-vm-2c"), "{}", stdout(&o));
    // A profile without provenance says so.
    let bare = temp_dir("bare").join("bare.yaml");
    std::fs::write(
        &bare,
        "apiVersion: synergai.io/v1alpha1
kind: Profile
metadata: {name: bare}
spec:
  architectures:
    - {name: vm, isa: x86_64, accelerator: none, startup: {onnxruntime: 400ms}}
  models:
    - {name: resnet50}
  rows:
    - {model: resnet50, arch: vm, engine: onnxruntime, threads: 1, qps: 40, p99Ms: 30, watts: 7, memoryMib: 400, source: estimate}
",
    )
    .unwrap();
    let o = synergai(&["profile", "show", s(&bare), "--provenance"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("has no provenance"), "{}", stdout(&o));
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

// ------------------------------------------------------------ merge

#[test]
fn merge_of_two_per_arch_profiles_is_the_expected_profile() {
    let dir = temp_dir("merge");
    let out = dir.join("merged.yaml");
    let o = synergai(&[
        "profile",
        "merge",
        s(&data("xeon-vm.yaml")),
        s(&data("rpi5.yaml")),
        "--out",
        s(&out),
    ]);
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty() && o.stderr.is_empty());
    let o = synergai(&["fixture", "validate", s(&out)]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("2 architectures, 2 models, 7 rows"));
    let mut merged = load(&out);
    let expected = load(&data("lab.yaml"));
    // The description names the inputs as given on the command line.
    assert!(merged.description.starts_with("merged from /"));
    merged.description = expected.description.clone();
    assert_eq!(merged, expected);
    assert_eq!(merged.provenance.len(), 2);

    // Byte for byte the committed file, made by the README's command.
    let o = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["profile", "merge", "xeon-vm.yaml", "rpi5.yaml"])
        .current_dir(data(""))
        .output()
        .expect("run synergai");
    assert_exit(&o, 0);
    let committed = std::fs::read_to_string(data("lab.yaml")).expect("read lab.yaml");
    assert_eq!(stdout(&o), committed);

    // The same document as JSON is a profile too; stdout without --out.
    let o = synergai(&[
        "profile",
        "merge",
        s(&data("xeon-vm.yaml")),
        s(&data("rpi5.yaml")),
        "-o",
        "json",
    ]);
    assert_exit(&o, 0);
    let json = stdout(&o);
    assert!(json.starts_with("{\n"));
    let mut from_json = synergai::fixture::profile_from_text("merged.json", &json).expect("json");
    from_json.description = expected.description.clone();
    assert_eq!(from_json, expected);

    // A scenario on the merged profile replays.
    let scenario = "\
apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata:
  name: lab
spec:
  profile: merged.yaml
  nodes:
    - {name: vm, arch: xeon-vm, tier: cloud, cores: 2, memory: 8Gi}
    - {name: pi, arch: rpi5, tier: edge, cores: 4, memory: 8Gi}
  workload:
    jobs:
      - {name: a, arrival: 0s, model: resnet50, queries: 100, qos: 30s}
      - {name: b, arrival: 1s, model: mobilenet-v2, queries: 500, qos: 30s}
";
    std::fs::write(dir.join("lab.yaml"), scenario).expect("write scenario");
    let o = synergai(&["replay", s(&dir.join("lab.yaml")), "--policy", "synergai"]);
    assert_exit(&o, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `rpi5.yaml` with `old` replaced by `new`, written to `dir/name`.
fn edited_rpi5(dir: &Path, name: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(data("rpi5.yaml")).expect("read");
    for (old, new) in edits {
        assert_eq!(text.matches(old).count(), 1, "`{old}`");
        text = text.replacen(old, new, 1);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn merge_conflicts_name_both_files_and_rows() {
    let dir = temp_dir("conflict");
    let b = edited_rpi5(&dir, "rpi5-again.yaml", &[("qps: 12.9", "qps: 13.4")]);
    let a = data("rpi5.yaml");
    let out = dir.join("never.yaml");
    let o = synergai(&["profile", "merge", s(&a), s(&b), "--out", s(&out)]);
    assert_exit(&o, 2);
    assert!(o.stdout.is_empty());
    assert!(!out.exists(), "nothing written on a conflict");
    let err = stderr(&o);
    let expected = format!(
        "error: {}:56:14: row (resnet50, rpi5, onnxruntime, 4 threads) differs from {}:56:14: qps 12.9 vs 13.4 (decide with --prefer newer or --prefer FILE)\n",
        s(&a),
        s(&b)
    );
    assert_eq!(err, expected);

    // --prefer FILE takes that file's row.
    let o = synergai(&[
        "profile",
        "merge",
        s(&a),
        s(&b),
        "--prefer",
        s(&b),
        "--out",
        s(&out),
    ]);
    assert_exit(&o, 0);
    let p = load(&out);
    let row = |p: &synergai::model::Profile| {
        let (m, a) = (p.model_id("resnet50").unwrap(), p.arch_id("rpi5").unwrap());
        p.row(m, a, synergai::model::Engine::ONNXRUNTIME, 4)
            .unwrap()
            .qps
    };
    assert_eq!(row(&p), 13.4);
    let o = synergai(&[
        "profile",
        "merge",
        s(&a),
        s(&b),
        "--prefer",
        s(&a),
        "--out",
        s(&out),
    ]);
    assert_exit(&o, 0);
    assert_eq!(row(&load(&out)), 12.9);

    // --prefer newer: by the provenance date of that architecture; the
    // same date cannot decide.
    let o = synergai(&["profile", "merge", s(&a), s(&b), "--prefer", "newer"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("--prefer newer: both were measured at"),
        "{}",
        stderr(&o)
    );
    let later = edited_rpi5(
        &dir,
        "rpi5-later.yaml",
        &[
            ("qps: 12.9", "qps: 13.4"),
            ("2026-11-29T12:00:00+01:00", "2026-11-30T09:00:00Z"),
        ],
    );
    for order in [[&a, &later], [&later, &a]] {
        let o = synergai(&[
            "profile",
            "merge",
            s(order[0]),
            s(order[1]),
            "--prefer",
            "newer",
            "--out",
            s(&out),
        ]);
        assert_exit(&o, 0);
        let p = load(&out);
        assert_eq!(row(&p), 13.4);
        assert_eq!(p.provenance.len(), 2, "both measurements are carried");
    }
    let o = synergai(&[
        "profile",
        "merge",
        "builtin:edge-cloud",
        s(&a),
        "--prefer",
        "newer",
    ]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("--prefer newer: embedded:profiles/edge-cloud.yaml has no provenance date for architecture `rpi5`"),
        "{}",
        stderr(&o)
    );

    // An architecture must mean the same hardware in every file.
    let arm = edited_rpi5(&dir, "rpi5-x86.yaml", &[("isa: arm64", "isa: x86_64")]);
    let o = synergai(&["profile", "merge", s(&a), s(&arm), "--prefer", s(&arm)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("isa/accelerator arm64/no accelerator vs x86_64/no accelerator"));

    // Usage and I/O trouble.
    let o = synergai(&["profile", "merge", s(&a), s(&b), "--prefer", "other.yaml"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--prefer other.yaml: not one of the profiles merged"));
    let o = synergai(&["profile", "merge", s(&a)]);
    assert_exit(&o, 2);
    let o = synergai(&["profile", "merge", s(&a), s(&dir.join("missing.yaml"))]);
    assert_exit(&o, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------ diff

#[test]
fn diff_shows_what_changed_and_exits_as_diff_does() {
    let dir = temp_dir("diff");
    let a = data("rpi5.yaml");
    let b = edited_rpi5(
        &dir,
        "rpi5-new.yaml",
        &[
            ("qps: 12.9", "qps: 13.4"),
            ("interferenceAlpha: 0.1", "interferenceAlpha: 0.12"),
        ],
    );
    let o = synergai(&["profile", "diff", s(&a), s(&b)]);
    assert_exit(&o, 1);
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "{} → {}: 1 architecture changed, 1 row changed",
            s(&a),
            s(&b)
        )
    );
    let words = |l: &str| l.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(
        words(lines[1]),
        ["CHANGE", "WHAT", "NAME", "FIELD", "OLD", "NEW", "DELTA"]
    );
    assert_eq!(
        words(lines[2]),
        [
            "changed",
            "architecture",
            "rpi5",
            "interferenceAlpha",
            "0.1",
            "0.12",
            "+20.0%"
        ]
    );
    assert_eq!(
        words(lines[3]),
        [
            "changed",
            "row",
            "resnet50",
            "rpi5",
            "onnxruntime×4",
            "qps",
            "12.9",
            "13.4",
            "+3.9%"
        ]
    );
    assert_eq!(lines.len(), 4, "{out}");

    let o = synergai(&["profile", "diff", s(&a), s(&b), "-o", "json"]);
    assert_exit(&o, 1);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(doc["kind"], "ProfileDiff");
    assert_eq!(doc["identical"], false);
    let row = &doc["changes"][1];
    assert_eq!(row["row"]["threads"], 4);
    assert_eq!(row["fields"][0]["old"], 12.9);
    assert_eq!(row["fields"][0]["new"], 13.4);

    // Added and removed, from the merge of two architectures.
    let o = synergai(&["profile", "diff", s(&data("lab.yaml")), s(&a), "-o", "yaml"]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(
        out.contains("1 architecture removed, 4 rows removed, 1 provenance entry removed"),
        "{out}"
    );

    // The same profile, however written: exit 0.
    let rewritten = dir.join("same.yaml");
    synergai::fixture::write_atomic(&rewritten, &synergai::fixture::emit::profile(&load(&a)))
        .expect("write");
    let o = synergai(&["profile", "diff", s(&a), s(&rewritten)]);
    assert_exit(&o, 0);
    assert_eq!(
        stdout(&o),
        format!("{} and {} are the same profile\n", s(&a), s(&rewritten))
    );

    // Trouble is 2, a missing file included.
    let o = synergai(&["profile", "diff", s(&a), s(&dir.join("missing.yaml"))]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("missing.yaml"));
    let bad = edited_rpi5(&dir, "bad.yaml", &[("qps: 12.9", "qps: -1")]);
    let o = synergai(&["profile", "diff", s(&a), s(&bad)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("qps must be a positive number"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A profile may name engines synergai does not know, declared with their
/// device: the offline plan uses them like any other, the writer keeps the
/// declaration, `diff` lists it and `merge` refuses two devices for one name.
#[test]
fn a_profile_may_name_engines_of_its_own() {
    let dir = temp_dir("own-engine");
    let declare = "  engines:\n    - {name: mnn, device: cpu, description: \"Alibaba MNN\"}\n  architectures:\n";
    let row = "  rows:\n    - {model: resnet50, arch: rpi5, engine: mnn, threads: 4, qps: 40, p99Ms: 30, watts: 6, memoryMib: 150, source: measured}\n";
    let mnn = edited_rpi5(
        &dir,
        "mnn.yaml",
        &[
            ("  architectures:\n", declare),
            (
                "        tflite: 700ms\n",
                "        tflite: 700ms\n        mnn: 90ms\n",
            ),
            ("  rows:\n", row),
        ],
    );
    let p = load(&mnn);
    let engine = synergai::model::Engine::parse("mnn").unwrap();
    assert_eq!(p.device(engine), Some(synergai::model::Device::Cpu));
    let (m, a) = (p.model_id("resnet50").unwrap(), p.arch_id("rpi5").unwrap());
    assert_eq!(p.row(m, a, engine, 4).unwrap().gpus, 0);

    // The offline plan: 40 qps at 4 threads is resnet50's best on rpi5.
    let o = synergai(&["profile", "plan", s(&mnn), "-o", "json"]);
    assert_exit(&o, 0);
    let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let best = plan["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["model"] == "resnet50")
        .expect("a plan for resnet50");
    assert!(best.to_string().contains("\"mnn\""), "{best}");

    // Merged with the profile it extends and written: the declaration stays.
    let out = dir.join("written.yaml");
    let o = synergai(&[
        "profile",
        "merge",
        s(&data("rpi5.yaml")),
        s(&mnn),
        "--out",
        s(&out),
    ]);
    assert_exit(&o, 0);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.contains(
            "  engines:\n    - name: mnn\n      device: cpu\n      description: \"Alibaba MNN\"\n"
        ),
        "{written}"
    );
    assert_eq!(load(&out), p);

    // diff: the engine, its start-up and its row.
    let o = synergai(&["profile", "diff", s(&data("rpi5.yaml")), s(&mnn)]);
    let diff = stdout(&o);
    assert!(diff.contains("engine") && diff.contains("mnn"), "{diff}");
    let o = synergai(&[
        "profile",
        "diff",
        s(&data("rpi5.yaml")),
        s(&mnn),
        "-o",
        "json",
    ]);
    let changes: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let changes = changes["changes"].as_array().expect("changes").clone();
    assert!(
        changes
            .iter()
            .any(|c| c["what"] == "engine" && c["name"] == "mnn" && c["change"] == "added"),
        "{changes:?}"
    );

    // The same name as a GPU engine elsewhere: a conflict --prefer cannot settle.
    let gpu = edited_rpi5(
        &dir,
        "mnn-gpu.yaml",
        &[(
            "  architectures:\n",
            "  engines:\n    - {name: mnn, device: gpu}\n  architectures:\n",
        )],
    );
    let o = synergai(&["profile", "merge", s(&mnn), s(&gpu), "--prefer", s(&gpu)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("engine `mnn` differs from") && err.contains("device cpu vs gpu"),
        "{err}"
    );
}
