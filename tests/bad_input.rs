//! The binary on bad fixtures: every case must exit with code 2, print
//! nothing on stdout and exactly one error line on stderr naming the file,
//! the `line:column` (where the problem has one), the field path and the
//! reason — and never panic. Runs both `synergai fixture validate FILE` and
//! `synergai replay FILE`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A small profile of our own: tests do not depend on the shipped numbers.
/// `bare` is declared but has no rows.
const PROFILE: &str = "\
apiVersion: synergai.io/v1alpha1
kind: Profile
metadata:
  name: tiny
spec:
  architectures:
    - name: cpu
      isa: x86_64
      accelerator: none
      startup:
        onnxruntime: 100ms
    - name: bare
      isa: arm64
      accelerator: none
  models:
    - name: m1
    - name: m2
  rows:
    - model: m1
      arch: cpu
      engine: onnxruntime
      threads: 2
      qps: 10
      p99Ms: 20
      watts: 5
      memoryMib: 100
      source: estimate
    - model: m2
      arch: cpu
      engine: onnxruntime
      threads: 4
      qps: 50
      p99Ms: 10
      watts: 8
      memoryMib: 300
      source: estimate
";

/// A valid scenario on [`PROFILE`] (written next to it as `prof.yaml`).
const SCENARIO: &str = "\
apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata:
  name: t
spec:
  profile: prof.yaml
  seed: 7
  nodes:
    - name: a
      arch: cpu
      tier: cloud
      cores: 4
      memory: 8Gi
      network: 5ms
    - name: b
      arch: cpu
      tier: edge
      cores: 8
      memory: 16Gi
  workload:
    jobs:
      - name: j1
        arrival: 0ms
        model: m1
        queries: 100
        qos: 20s
      - name: j2
        arrival: 1s
        model: m2
        queries: 50
        qos: 30s
    generators:
      - namePrefix: g
        count: 5
        arrivals:
          process: poisson
          ratePerSec: 1
        mix:
          - model: m1
            queries: [10, 100]
            qosFactor: [2, 5]
";

/// A fresh directory under the system temp dir, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "synergai-bad-input-{}-{}-{name}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Dir(dir)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write fixture");
        path
    }

    /// `prof.yaml` (the given profile text) and `scen.yaml` (the given scenario text).
    fn with(name: &str, profile: &str, scenario: &str) -> (Dir, PathBuf, PathBuf) {
        let dir = Dir::new(name);
        let p = dir.write("prof.yaml", profile);
        let s = dir.write("scen.yaml", scenario);
        (dir, p, s)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn synergai(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run synergai")
}

fn validate(file: &Path) -> Output {
    synergai(&["fixture".as_ref(), "validate".as_ref(), file.as_os_str()])
}

fn replay(file: &Path) -> Output {
    synergai(&["replay".as_ref(), file.as_os_str()])
}

/// `text` with the unique occurrence of `old` replaced by `new`.
fn edit(text: &str, old: &str, new: &str) -> String {
    assert_eq!(
        text.matches(old).count(),
        1,
        "`{old}` must occur exactly once in the template"
    );
    text.replacen(old, new, 1)
}

/// 1-based (line, column) of `value` inside the unique occurrence of
/// `marker` (which may span lines) in `text`: the first `: value` there,
/// or else the first `value`.
fn pos(text: &str, marker: &str, value: &str) -> (u64, u64) {
    assert_eq!(
        text.matches(marker).count(),
        1,
        "marker `{marker}` must occur exactly once"
    );
    let start = text.find(marker).expect("marker");
    // Prefer the value after a `key: ` (so `a` in `name: a` is not the `a` of `name`).
    let within = marker
        .find(&format!(": {value}"))
        .map(|i| i + 2)
        .or_else(|| marker.find(value))
        .unwrap_or_else(|| panic!("`{value}` not in `{marker}`"));
    let offset = start + within;
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u64 + 1;
    (line, column)
}

/// A run that must succeed (exit 0); its stderr says why not.
#[track_caller]
fn assert_success(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What one bad-input run must print.
struct Expect<'a> {
    /// The file the message must name.
    file: &'a Path,
    position: Option<(u64, u64)>,
    field: Option<&'a str>,
    /// Substrings of the reason.
    reason: &'a [&'a str],
}

#[track_caller]
fn check(what: &str, out: &Output, e: &Expect) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ctx = format!("{what}\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "panic: {ctx}");
    assert_eq!(out.status.code(), Some(2), "exit code: {ctx}");
    assert!(stdout.is_empty(), "stdout must be empty: {ctx}");
    let message = stderr.trim_end();
    assert_eq!(message.lines().count(), 1, "one line on stderr: {ctx}");
    let file = e.file.display().to_string();
    let located = match e.position {
        Some((l, c)) => format!("error: {file}:{l}:{c}: "),
        None => format!("error: {file}: "),
    };
    assert!(
        message.starts_with(&located),
        "expected the message to start with `{located}`: {ctx}"
    );
    if let Some(field) = e.field {
        assert!(
            message.contains(&format!("field `{field}`: ")),
            "expected field `{field}`: {ctx}"
        );
    }
    for r in e.reason {
        assert!(message.contains(r), "expected reason `{r}`: {ctx}");
    }
}

/// Checks `fixture validate FILE` and `replay FILE`.
#[track_caller]
fn both(file: &Path, e: &Expect) {
    check(
        &format!("fixture validate {}", file.display()),
        &validate(file),
        e,
    );
    check(&format!("replay {}", file.display()), &replay(file), e);
}

/// A scenario edit: validates and replays `scen.yaml` after replacing
/// `old` with `new`; the error is expected at `value` on the line holding
/// `marker` (in the edited text).
#[track_caller]
fn scenario_case(
    name: &str,
    old: &str,
    new: &str,
    at: Option<(&str, &str)>,
    field: &str,
    reason: &[&str],
) {
    let text = edit(SCENARIO, old, new);
    let (_dir, _p, s) = Dir::with(name, PROFILE, &text);
    let position = at.map(|(marker, value)| pos(&text, marker, value));
    both(
        &s,
        &Expect {
            file: &s,
            position,
            field: Some(field),
            reason,
        },
    );
}

/// A profile edit: validates `prof.yaml` directly, and replays the
/// (valid) scenario that references it; both must name the profile.
#[track_caller]
fn profile_case(name: &str, profile: &str, at: Option<(&str, &str)>, field: &str, reason: &[&str]) {
    let (_dir, p, s) = Dir::with(name, profile, SCENARIO);
    let e = Expect {
        file: &p,
        position: at.map(|(marker, value)| pos(profile, marker, value)),
        field: Some(field),
        reason,
    };
    check("fixture validate prof.yaml", &validate(&p), &e);
    check("fixture validate scen.yaml", &validate(&s), &e);
    check("replay scen.yaml", &replay(&s), &e);
}

// ------------------------------------------------------------ good input

#[test]
fn the_templates_are_valid() {
    let (_dir, p, s) = Dir::with("templates", PROFILE, SCENARIO);
    for out in [validate(&p), validate(&s), replay(&s)] {
        assert_success(&out);
        assert!(out.stderr.is_empty());
    }
    let out = validate(&s);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 nodes, 7 jobs"), "{stdout}");
}

#[test]
fn shipped_fixtures_validate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut seen = 0;
    for sub in ["scenarios", "profiles"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
            .expect("fixtures dir")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no fixtures in {sub}");
        for f in files {
            let out = validate(&f);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}: {}",
                f.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(stdout.contains(": ok ("), "{}: {stdout}", f.display());
            seen += 1;
        }
    }
    assert!(seen >= 2);
}

// ------------------------------------------------------------ syntax and types

#[test]
fn yaml_syntax_error() {
    scenario_case(
        "syntax",
        "      tier: edge",
        "      tier: edge: yes",
        Some(("tier: edge: yes", ": yes")),
        "spec.nodes[1].tier",
        &["mapping values are not allowed"],
    );
}

#[test]
fn unclosed_quote() {
    scenario_case(
        "quote",
        "    - name: b\n",
        "    - name: \"b\n",
        Some(("name: \"b", "\"b")),
        "spec.nodes[1].name",
        &["unclosed quote"],
    );
}

#[test]
fn unknown_field() {
    scenario_case(
        "colour",
        "      tier: edge\n",
        "      tier: edge\n      colour: red\n",
        Some(("colour: red", "colour")),
        "spec.nodes[1].colour",
        &["unknown field `colour`", "expected one of"],
    );
}

#[test]
fn wrong_unit_network() {
    scenario_case(
        "network-kg",
        "network: 5ms",
        "network: 5kg",
        Some(("network: 5kg", "5kg")),
        "spec.nodes[0].network",
        &["unknown unit `kg`", "5kg"],
    );
}

#[test]
fn wrong_unit_qos() {
    scenario_case(
        "qos-parsecs",
        "qos: 30s",
        "qos: 3 parsecs",
        Some(("qos: 3 parsecs", "3 parsecs")),
        "spec.workload.jobs[1].qos",
        &["unknown unit `parsecs`"],
    );
}

#[test]
fn wrong_unit_memory() {
    scenario_case(
        "memory-gb",
        "memory: 8Gi",
        "memory: 8Gb",
        Some(("memory: 8Gb", "8Gb")),
        "spec.nodes[0].memory",
        &["unknown unit `Gb`", "Gi"],
    );
}

#[test]
fn wrong_type_cores() {
    scenario_case(
        "cores-many",
        "cores: 8",
        "cores: many",
        Some(("cores: many", "many")),
        "spec.nodes[1].cores",
        &["expected a whole number", "`many`"],
    );
}

#[test]
fn negative_cores() {
    scenario_case(
        "cores-negative",
        "cores: 8",
        "cores: -3",
        Some(("cores: -3", "-3")),
        "spec.nodes[1].cores",
        &["whole number (0 or more)", "`-3`"],
    );
}

#[test]
fn zero_cores() {
    scenario_case(
        "cores-zero",
        "cores: 8",
        "cores: 0",
        Some(("cores: 0", "0")),
        "spec.nodes[1].cores",
        &["cores must be at least 1"],
    );
}

// ------------------------------------------------------------ profile values

#[test]
fn zero_qps() {
    let profile = edit(PROFILE, "qps: 10", "qps: 0");
    profile_case(
        "qps-zero",
        &profile,
        Some(("qps: 0", "0")),
        "spec.rows[0].qps",
        &["qps must be a positive number", "got 0"],
    );
}

#[test]
fn negative_qps() {
    let profile = edit(PROFILE, "qps: 50", "qps: -5");
    profile_case(
        "qps-negative",
        &profile,
        Some(("qps: -5", "-5")),
        "spec.rows[1].qps",
        &["qps must be a positive number", "got -5"],
    );
}

// ------------------------------------------------------------ profile provenance

/// [`PROFILE`] with one `spec.provenance` entry; `old` → `new` edits it.
fn with_provenance(old: &str, new: &str) -> String {
    let entry = "\
spec:
  provenance:
    - arch: cpu
      date: \"2026-11-30T05:40:00Z\"
      tool: \"synergai 0.1.0 (commit abc)\"
      host:
        cpu: \"Some CPU\"
        cores: 2
        memoryMib: 7940
        os: \"Linux\"
        kernel: \"6.12\"
      engines:
        onnxruntime: \"1.20.1\"
      settings:
        threads: [1, 2]
        duration: 5s
  architectures:";
    let profile = edit(PROFILE, "spec:\n  architectures:", entry);
    if old.is_empty() {
        profile
    } else {
        edit(&profile, old, new)
    }
}

#[test]
fn provenance_is_valid() {
    let (_dir, p, s) = Dir::with("provenance-ok", &with_provenance("", ""), SCENARIO);
    for out in [validate(&p), replay(&s)] {
        assert_success(&out);
    }
}

#[test]
fn provenance_of_an_unknown_arch() {
    let profile = with_provenance(
        "    - arch: cpu\n      date",
        "    - arch: gpu9\n      date",
    );
    profile_case(
        "provenance-arch",
        &profile,
        Some(("- arch: gpu9", "gpu9")),
        "spec.provenance[0].arch",
        &["unknown architecture `gpu9`", "cpu, bare"],
    );
}

#[test]
fn provenance_date_not_rfc3339() {
    let profile = with_provenance("\"2026-11-30T05:40:00Z\"", "\"yesterday\"");
    profile_case(
        "provenance-date",
        &profile,
        Some(("date: \"yesterday\"", "\"yesterday\"")),
        "spec.provenance[0].date",
        &["`yesterday` is not an RFC 3339 time"],
    );
}

#[test]
fn provenance_without_duration_or_queries() {
    let profile = with_provenance("        duration: 5s\n", "        warmup: 1s\n");
    profile_case(
        "provenance-settings",
        &profile,
        Some(("threads: [1, 2]", "threads")),
        "spec.provenance[0].settings",
        &["`duration`, `queries` or both"],
    );
}

#[test]
fn provenance_zero_threads() {
    let profile = with_provenance("threads: [1, 2]", "threads: [0, 2]");
    profile_case(
        "provenance-threads",
        &profile,
        Some(("threads: [0, 2]", "[0, 2]")),
        "spec.provenance[0].settings.threads",
        &["each at least 1"],
    );
}

#[test]
fn provenance_zero_cores() {
    let profile = with_provenance("cores: 2", "cores: 0");
    profile_case(
        "provenance-cores",
        &profile,
        Some(("cores: 0", "0")),
        "spec.provenance[0].host.cores",
        &["cores must be at least 1"],
    );
}

#[test]
fn calibrated_rows_are_valid_and_unknown_sources_are_not() {
    let profile = edit(
        PROFILE,
        "      memoryMib: 100\n      source: estimate",
        "      memoryMib: 100\n      source: calibrated",
    );
    let (_dir, p, _s) = Dir::with("calibrated", &profile, SCENARIO);
    assert_eq!(validate(&p).status.code(), Some(0));
    let profile = edit(
        PROFILE,
        "      memoryMib: 100\n      source: estimate",
        "      memoryMib: 100\n      source: guessed",
    );
    let (_dir, p, _s) = Dir::with("source-unknown", &profile, SCENARIO);
    let out = validate(&p);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("calibrated"), "{stderr}");
}

// ------------------------------------------------------------ engines

/// [`PROFILE`] with `mnn` (a CPU engine synergai does not know by name)
/// declared, given a start-up on `cpu` and used by the first row.
fn with_mnn(declare: &str) -> String {
    let p = edit(
        PROFILE,
        "  architectures:\n",
        &format!("{declare}  architectures:\n"),
    );
    let p = edit(
        &p,
        "        onnxruntime: 100ms\n",
        "        onnxruntime: 100ms\n        mnn: 80ms\n",
    );
    edit(
        &p,
        "      engine: onnxruntime\n      threads: 2",
        "      engine: mnn\n      threads: 2",
    )
}

#[test]
fn a_declared_engine_is_valid() {
    let (_dir, p, s) = Dir::with(
        "engine-declared",
        &with_mnn("  engines:\n    - {name: mnn, device: cpu, description: Alibaba MNN}\n"),
        SCENARIO,
    );
    for out in [validate(&p), validate(&s), replay(&s)] {
        assert_success(&out);
    }
}

#[test]
fn an_undeclared_engine_in_a_startup() {
    let profile = with_mnn("");
    profile_case(
        "engine-undeclared-startup",
        &profile,
        Some(("mnn: 80ms", "mnn")),
        "spec.architectures[0].startup.mnn",
        &[
            "unknown engine `mnn`",
            "onnxruntime, tensorrt, pytorch, tflite, openvino, tract",
            "spec.engines",
            "{name: mnn, device: cpu}",
        ],
    );
}

#[test]
fn an_undeclared_engine_in_a_row() {
    let profile = edit(
        PROFILE,
        "      engine: onnxruntime\n      threads: 4",
        "      engine: ncnn\n      threads: 4",
    );
    profile_case(
        "engine-undeclared-row",
        &profile,
        Some(("engine: ncnn", "ncnn")),
        "spec.rows[1].engine",
        &["unknown engine `ncnn`", "spec.engines"],
    );
}

#[test]
fn a_declared_engine_needs_a_startup_where_it_has_rows() {
    let profile = edit(
        PROFILE,
        "  architectures:\n",
        "  engines:\n    - {name: ncnn, device: cpu}\n  architectures:\n",
    );
    let profile = edit(
        &profile,
        "      engine: onnxruntime\n      threads: 4",
        "      engine: ncnn\n      threads: 4",
    );
    profile_case(
        "engine-no-startup",
        &profile,
        Some(("engine: ncnn", "ncnn")),
        "spec.rows[1].engine",
        &["architecture `cpu` has no startup time for engine `ncnn`"],
    );
}

#[test]
fn a_declared_gpu_engine_on_an_architecture_without_one() {
    let profile = with_mnn("  engines:\n    - {name: mnn, device: gpu}\n");
    profile_case(
        "engine-gpu-on-cpu",
        &profile,
        Some(("engine: mnn", "mnn")),
        "spec.rows[0].engine",
        &["engine `mnn` needs a GPU", "`cpu` has `accelerator: none`"],
    );
}

#[test]
fn a_builtin_engine_cannot_be_redeclared() {
    let profile = with_mnn(
        "  engines:\n    - {name: mnn, device: cpu}\n    - {name: tensorrt, device: cpu}\n",
    );
    profile_case(
        "engine-builtin",
        &profile,
        Some(("name: tensorrt", "tensorrt")),
        "spec.engines[1]",
        &["`tensorrt` is built in", "declare only other engines"],
    );
}

#[test]
fn an_engine_declared_twice() {
    let profile =
        with_mnn("  engines:\n    - {name: mnn, device: cpu}\n    - {name: mnn, device: gpu}\n");
    profile_case(
        "engine-twice",
        &profile,
        Some(("name: mnn, device: gpu", "mnn")),
        "spec.engines[1]",
        &["engine `mnn` is declared twice"],
    );
}

#[test]
fn an_engine_name_that_is_not_one() {
    let profile = edit(
        PROFILE,
        "      engine: onnxruntime\n      threads: 4",
        "      engine: ONNX Runtime\n      threads: 4",
    );
    profile_case(
        "engine-bad-name",
        &profile,
        Some(("engine: ONNX Runtime", "ONNX")),
        "spec.rows[1].engine",
        &["`ONNX Runtime` is not an engine name", "lower-case letters"],
    );
}

// ------------------------------------------------------------ references

#[test]
fn unknown_arch() {
    scenario_case(
        "arch-unknown",
        "      arch: cpu\n      tier: edge",
        "      arch: sparc\n      tier: edge",
        Some(("arch: sparc", "sparc")),
        "spec.nodes[1].arch",
        &["unknown architecture `sparc`", "cpu, bare"],
    );
}

#[test]
fn arch_without_rows() {
    scenario_case(
        "arch-bare",
        "      arch: cpu\n      tier: edge",
        "      arch: bare\n      tier: edge",
        Some(("arch: bare", "bare")),
        "spec.nodes[1].arch",
        &["architecture `bare` has no rows in profile `tiny`"],
    );
}

#[test]
fn unknown_model_in_job() {
    scenario_case(
        "model-unknown",
        "model: m2",
        "model: gpt-5",
        Some(("model: gpt-5", "gpt-5")),
        "spec.workload.jobs[1].model",
        &["unknown model `gpt-5`", "m1, m2"],
    );
}

#[test]
fn pin_unknown_node() {
    scenario_case(
        "pin-unknown",
        "        qos: 20s\n",
        "        qos: 20s\n        pin:\n          node: nowhere\n",
        Some(("node: nowhere", "node")),
        "spec.workload.jobs[0].pin.node",
        &["pin names unknown node `nowhere`"],
    );
}

#[test]
fn missing_profile_file() {
    let text = edit(SCENARIO, "profile: prof.yaml", "profile: nothere.yaml");
    let dir = Dir::new("profile-missing");
    let s = dir.write("scen.yaml", &text);
    let missing = dir.0.join("nothere.yaml").display().to_string();
    both(
        &s,
        &Expect {
            file: &s,
            position: Some(pos(&text, "profile: nothere.yaml", "nothere.yaml")),
            field: Some("spec.profile"),
            reason: &["cannot read profile", &missing],
        },
    );
}

#[test]
fn profile_reference_to_a_scenario() {
    // `profile:` names a Scenario: the error names that file and its kind.
    let text = edit(SCENARIO, "profile: prof.yaml", "profile: other.yaml");
    let dir = Dir::new("profile-is-scenario");
    let s = dir.write("scen.yaml", &text);
    let other = dir.write("other.yaml", SCENARIO);
    both(
        &s,
        &Expect {
            file: &other,
            position: Some(pos(SCENARIO, "kind: Scenario", "Scenario")),
            field: Some("kind"),
            reason: &["this is a `Scenario`, expected a `Profile`"],
        },
    );
}

// ------------------------------------------------------------ duplicates

#[test]
fn duplicate_node_names() {
    scenario_case(
        "dup-node",
        "    - name: b\n",
        "    - name: a\n",
        Some(("- name: a\n      arch: cpu\n      tier: edge", "a")),
        "spec.nodes[1].name",
        &["duplicate node `a`", "first defined at line 9"],
    );
}

#[test]
fn duplicate_node_names_via_replicas() {
    // `b` with 2 replicas makes `b-1` and `b-2`; `b-2` is also declared.
    let text = edit(SCENARIO, "    - name: a\n", "    - name: b-2\n");
    let text = edit(
        &text,
        "    - name: b\n",
        "    - name: b\n      replicas: 2\n",
    );
    let (_dir, _p, s) = Dir::with("dup-replicas", PROFILE, &text);
    both(
        &s,
        &Expect {
            file: &s,
            position: Some(pos(&text, "- name: b\n      replicas", "b")),
            field: Some("spec.nodes[1].name"),
            reason: &["duplicate node `b-2`", "first defined at line 9"],
        },
    );
}

#[test]
fn duplicate_job_names() {
    scenario_case(
        "dup-job",
        "      - name: j2",
        "      - name: j1",
        Some(("name: j1\n        arrival: 1s", "j1")),
        "spec.workload.jobs[1].name",
        &["duplicate job `j1`"],
    );
}

#[test]
fn duplicate_generated_job_names() {
    // An explicit job named like a generated one: reported at the generator,
    // pointing back at the explicit job.
    let text = edit(SCENARIO, "      - name: j2", "      - name: g-00003");
    let first = pos(&text, "name: g-00003", "g-00003").0;
    let (_dir, _p, s) = Dir::with("dup-generated", PROFILE, &text);
    both(
        &s,
        &Expect {
            file: &s,
            position: Some(pos(&text, "namePrefix: g", "g")),
            field: Some("spec.workload.generators[0].namePrefix"),
            reason: &[
                "duplicate job `g-00003`",
                &format!("first defined at line {first}"),
            ],
        },
    );
}

#[test]
fn duplicate_architecture_names() {
    let profile = edit(PROFILE, "name: bare", "name: cpu");
    profile_case(
        "dup-arch",
        &profile,
        Some(("- name: cpu\n      isa: arm64", "cpu")),
        "spec.architectures[1].name",
        &["duplicate architecture `cpu`"],
    );
}

#[test]
fn duplicate_model_names() {
    let profile = edit(PROFILE, "    - name: m2\n", "    - name: m1\n");
    profile_case(
        "dup-model",
        &profile,
        Some(("- name: m1\n  rows", "m1")),
        "spec.models[1].name",
        &["duplicate model `m1`", "first defined at line"],
    );
}

#[test]
fn duplicate_profile_rows() {
    let row = "    - model: m1\n      arch: cpu\n      engine: onnxruntime\n      threads: 2\n      qps: 12\n      p99Ms: 20\n      watts: 5\n      memoryMib: 100\n      source: estimate\n";
    let profile = format!("{PROFILE}{row}");
    profile_case(
        "dup-row",
        &profile,
        Some((
            "- model: m1\n      arch: cpu\n      engine: onnxruntime\n      threads: 2\n      qps: 12",
            "m1",
        )),
        "spec.rows[2].model",
        &["duplicate row (m1, cpu, onnxruntime, 2 threads)"],
    );
}

// ------------------------------------------------------------ header

#[test]
fn missing_api_version() {
    scenario_case(
        "api-missing",
        "apiVersion: synergai.io/v1alpha1\n",
        "",
        None,
        "apiVersion",
        &["missing", "synergai.io/v1alpha1"],
    );
}

#[test]
fn wrong_api_version() {
    scenario_case(
        "api-wrong",
        "apiVersion: synergai.io/v1alpha1",
        "apiVersion: synergai.io/v2",
        Some(("apiVersion: synergai.io/v2", "synergai.io/v2")),
        "apiVersion",
        &["unsupported version `synergai.io/v2`"],
    );
}

#[test]
fn profile_where_a_scenario_is_expected() {
    let (_dir, p, _s) = Dir::with("wrong-kind", PROFILE, SCENARIO);
    check(
        "replay prof.yaml",
        &replay(&p),
        &Expect {
            file: &p,
            position: Some(pos(PROFILE, "kind: Profile", "Profile")),
            field: Some("kind"),
            reason: &["this is a `Profile`, expected a `Scenario`"],
        },
    );
}

#[test]
fn unknown_kind() {
    scenario_case(
        "kind-unknown",
        "kind: Scenario",
        "kind: Widget",
        Some(("kind: Widget", "Widget")),
        "kind",
        &["unknown kind `Widget`"],
    );
}

// ------------------------------------------------------------ not fixtures at all

#[test]
fn empty_file() {
    let dir = Dir::new("empty");
    for (name, text) in [("empty.yaml", ""), ("blank.yaml", "\n  \n# nothing\n")] {
        let f = dir.write(name, text);
        both(
            &f,
            &Expect {
                file: &f,
                position: None,
                field: None,
                reason: &["empty"],
            },
        );
    }
}

#[test]
fn huge_file_is_rejected_by_size() {
    let dir = Dir::new("huge");
    let path = dir.0.join("huge.yaml");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(2 << 30).expect("sparse 2 GiB file");
    drop(f);
    let started = std::time::Instant::now();
    both(
        &path,
        &Expect {
            file: &path,
            position: None,
            field: None,
            reason: &["2048.0 MiB", "limited to 64 MiB"],
        },
    );
    // Reading 2 GiB of zeros would take far longer than this.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}: was the file read?",
        started.elapsed()
    );
}

#[test]
fn binary_garbage() {
    // Deterministic pseudo-random bytes (xorshift) with NULs.
    let mut bytes = Vec::with_capacity(4096);
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.push((x >> 24) as u8);
    }
    bytes[100] = 0;
    let nul = bytes.iter().position(|&b| b == 0).expect("a NUL");
    let line = bytes[..nul].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = bytes[..nul]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let dir = Dir::new("binary");
    let f = dir.write("garbage.yaml", &bytes);
    both(
        &f,
        &Expect {
            file: &f,
            position: Some((line, (nul - line_start) as u64 + 1)),
            field: None,
            reason: &["binary data (NUL byte)"],
        },
    );
}

#[test]
fn binary_garbage_after_a_valid_header() {
    let mut bytes =
        b"apiVersion: synergai.io/v1alpha1\nkind: Scenario\nmetadata:\n  name: \x01\x00\x7f"
            .to_vec();
    bytes.extend((0u8..=255).rev());
    let dir = Dir::new("binary-tail");
    let f = dir.write("garbage.yaml", &bytes);
    both(
        &f,
        &Expect {
            file: &f,
            position: Some((4, 10)),
            field: None,
            reason: &["binary data (NUL byte)"],
        },
    );
}

#[test]
fn invalid_utf8() {
    let mut bytes = Vec::new();
    let (head, tail) = SCENARIO.split_once("name: t\n").expect("metadata name");
    bytes.extend_from_slice(head.as_bytes());
    bytes.extend_from_slice(b"name: t\xff\xfe\n");
    bytes.extend_from_slice(tail.as_bytes());
    let (line, column) = pos(SCENARIO, "  name: t\n", "t\n");
    let dir = Dir::new("utf8");
    dir.write("prof.yaml", PROFILE);
    let f = dir.write("scen.yaml", &bytes);
    both(
        &f,
        &Expect {
            file: &f,
            position: Some((line, column + 1)),
            field: None,
            reason: &["not UTF-8"],
        },
    );
}

// ------------------------------------------------------------ generators

#[test]
fn generator_without_duration_or_count() {
    scenario_case(
        "gen-unbounded",
        "        count: 5\n",
        "",
        Some(("namePrefix: g", "g")),
        "spec.workload.generators[0].namePrefix",
        &["needs `duration`, `count` or both"],
    );
}

#[test]
fn generator_negative_rate() {
    scenario_case(
        "gen-negative-rate",
        "ratePerSec: 1",
        "ratePerSec: -2",
        Some(("ratePerSec: -2", "-2")),
        "spec.workload.generators[0].arrivals.ratePerSec",
        &["ratePerSec must be a positive number", "-2"],
    );
}

#[test]
fn generator_amplitude_out_of_range() {
    scenario_case(
        "gen-amplitude",
        "          process: poisson\n          ratePerSec: 1\n",
        "          process: diurnal\n          ratePerSec: 1\n          period: 1m\n          amplitude: 2\n",
        Some(("amplitude: 2", "2")),
        "spec.workload.generators[0].arrivals.amplitude",
        &["amplitude must be in [0, 1], got 2"],
    );
}

#[test]
fn generator_parameter_of_another_process() {
    scenario_case(
        "gen-foreign-param",
        "          ratePerSec: 1\n",
        "          ratePerSec: 1\n          amplitude: 0.5\n",
        Some(("process: poisson", "process")),
        "spec.workload.generators[0].arrivals.process",
        &["`amplitude` does not apply to process `poisson`"],
    );
}

#[test]
fn generator_wrong_unit_in_arrivals() {
    scenario_case(
        "gen-unit",
        "          process: poisson\n          ratePerSec: 1\n",
        "          process: bursty\n          ratePerSec: 1\n          burstRatePerSec: 5\n          burstEvery: 1kg\n          burstLength: 1s\n",
        Some(("burstEvery: 1kg", "1kg")),
        "spec.workload.generators[0].arrivals.burstEvery",
        &["unknown unit `kg`"],
    );
}

// ------------------------------------------------------------ trace references

/// A scenario whose jobs come from a trace file (`t.csv` next to it), on
/// the built-in profile (the trace mapping's four models).
const TRACE_SCENARIO: &str = "\
apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata:
  name: tr
spec:
  profile: builtin:edge-cloud
  seed: 3
  nodes:
    - name: x
      arch: xeon-vm
      tier: cloud
      cores: 16
      memory: 32Gi
  workload:
    trace:
      file: t.csv
      format: azure-code-2023
      duration: 1m
";

const TRACE: &str = "\
TIMESTAMP,ContextTokens,GeneratedTokens
2023-11-16 18:15:46.1,10,20
2023-11-16 18:15:47.1,2000,20
2023-11-16 18:15:48.1,300,40
";

/// `scen.yaml` (the scenario text) and `t.csv` (the trace text).
fn trace_dir(name: &str, scenario: &str, trace: &str) -> (Dir, PathBuf, PathBuf) {
    let dir = Dir::new(name);
    let s = dir.write("scen.yaml", scenario);
    let t = dir.write("t.csv", trace);
    (dir, s, t)
}

/// A trace scenario edit, the error expected at `value` on the line of
/// `marker` in the scenario.
#[track_caller]
fn trace_case(name: &str, old: &str, new: &str, at: (&str, &str), field: &str, reason: &[&str]) {
    let text = edit(TRACE_SCENARIO, old, new);
    let (_dir, s, _t) = trace_dir(name, &text, TRACE);
    both(
        &s,
        &Expect {
            file: &s,
            position: Some(pos(&text, at.0, at.1)),
            field: Some(field),
            reason,
        },
    );
}

#[test]
fn a_trace_reference_is_valid() {
    let (_dir, s, _t) = trace_dir("trace-ok", TRACE_SCENARIO, TRACE);
    let out = validate(&s);
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 nodes, 3 jobs"), "{stdout}");
    let out = replay(&s);
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 nodes, 3 jobs"), "{stdout}");
}

#[test]
fn a_trace_file_that_is_missing() {
    let text = edit(TRACE_SCENARIO, "file: t.csv", "file: nothere.csv");
    let (dir, s, _t) = trace_dir("trace-missing", &text, TRACE);
    let missing = dir.0.join("nothere.csv").display().to_string();
    both(
        &s,
        &Expect {
            file: &s,
            position: Some(pos(&text, "file: nothere.csv", "nothere.csv")),
            field: Some("spec.workload.trace.file"),
            reason: &["cannot read trace", &missing, "No such file"],
        },
    );
}

#[test]
fn a_trace_file_that_is_a_directory() {
    trace_case(
        "trace-dir",
        "file: t.csv",
        "file: .",
        ("file: .", "."),
        "spec.workload.trace.file",
        &["cannot read trace", "not a regular file"],
    );
}

#[test]
fn a_trace_row_that_is_malformed() {
    // The error names the CSV, the row's line and the column.
    for (trace, at, field, reason) in [
        (
            TRACE.replace(",2000,", ",ten,"),
            (3, 23),
            Some("ContextTokens"),
            "`ten` is not a token count",
        ),
        (
            TRACE.replace("18:15:48.1", "25:15:48.1"),
            (4, 1),
            Some("TIMESTAMP"),
            "time of day out of range",
        ),
        (
            TRACE.replace(",300,40", ",300,40,7"),
            (4, 30),
            None,
            "expected 3 comma-separated fields",
        ),
    ] {
        let (_dir, s, t) = trace_dir("trace-row", TRACE_SCENARIO, &trace);
        both(
            &s,
            &Expect {
                file: &t,
                position: Some(at),
                field,
                reason: &[reason],
            },
        );
    }
}

#[test]
fn a_trace_column_that_is_not_in_the_header() {
    // Named in `columns`: the error is there.
    trace_case(
        "trace-column",
        "      duration: 1m\n",
        "      duration: 1m\n      columns:\n        contextTokens: Prompt\n",
        ("contextTokens: Prompt", "Prompt"),
        "spec.workload.trace.columns.contextTokens",
        &[
            "no column `Prompt` for the context tokens in the header of",
            "t.csv",
            "(it has: TIMESTAMP, ContextTokens, GeneratedTokens)",
        ],
    );
    // The format's default columns: at `format`.
    let (_dir, s, _t) = trace_dir(
        "trace-header",
        TRACE_SCENARIO,
        &TRACE.replace("TIMESTAMP,", "time,"),
    );
    both(
        &s,
        &Expect {
            file: &s,
            position: Some(pos(
                TRACE_SCENARIO,
                "format: azure-code-2023",
                "azure-code-2023",
            )),
            field: Some("spec.workload.trace.format"),
            reason: &["no column `TIMESTAMP` for the timestamps"],
        },
    );
}

#[test]
fn a_trace_format_that_does_not_exist() {
    trace_case(
        "trace-format",
        "format: azure-code-2023",
        "format: azure",
        ("format: azure", "azure"),
        "spec.workload.trace.format",
        &["azure-conv-2023", "csv"],
    );
}

#[test]
fn trace_settings_out_of_range() {
    trace_case(
        "trace-scale",
        "      duration: 1m\n",
        "      duration: 1m\n      timeScale: 0\n",
        ("timeScale: 0", "0"),
        "spec.workload.trace.timeScale",
        &["timeScale must be in (0, 1000], got 0"],
    );
    trace_case(
        "trace-limit",
        "      duration: 1m\n",
        "      duration: 1m\n      limit: 0\n",
        ("limit: 0", "0"),
        "spec.workload.trace.limit",
        &["limit must be at least 1"],
    );
    trace_case(
        "trace-duration",
        "duration: 1m",
        "duration: 0s",
        ("duration: 0s", "0s"),
        "spec.workload.trace.duration",
        &["duration must be more than 0"],
    );
    trace_case(
        "trace-window",
        "      duration: 1m\n",
        "      duration: 1m\n      start: 1h\n",
        ("file: t.csv", "t.csv"),
        "spec.workload.trace.file",
        &["no requests in the window [60m, 61m)", "the trace spans 2s"],
    );
    trace_case(
        "trace-unknown-field",
        "      duration: 1m\n",
        "      duration: 1m\n      speed: 2\n",
        ("speed: 2", "speed"),
        "spec.workload.trace.speed",
        &["unknown field `speed`"],
    );
}
