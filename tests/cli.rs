//! The `synergai` binary from the outside: commands, output formats,
//! exit codes, stdout/stderr and colour rules, the overrides flow.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn synergai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .env_remove("NO_COLOR")
        .env("XDG_STATE_HOME", scratch("state"))
        .output()
        .expect("run synergai")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synergai-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/scenarios")
        .join(name)
        .display()
        .to_string()
}

/// A copy of the shipped profile and a scenario next to it in `dir`.
fn copy_scenario(dir: &Path, name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    std::fs::create_dir_all(dir.join("profiles")).unwrap();
    std::fs::copy(
        root.join("profiles/edge-cloud.yaml"),
        dir.join("profiles/edge-cloud.yaml"),
    )
    .unwrap();
    let target = dir.join("scenarios").join(name);
    std::fs::copy(root.join("scenarios").join(name), &target).unwrap();
    target
}

#[test]
fn replay_on_the_embedded_default_prints_every_policy() {
    let o = synergai(&["replay"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for p in [
        "SYNERGAI",
        "SLO-ENERGY",
        "EDF-RIGHTSIZE",
        "SLO-AWARE",
        "K8S-DEFAULT",
        "ROUND-ROBIN",
        "RANDOM",
    ] {
        assert!(out.contains(p), "missing {p} in\n{out}");
    }
    assert!(out.contains("(violations + 1) relative to synergai's"));
    // Everyone meets every deadline on the default scenario, and no policy
    // can beat the lower bound.
    assert!(
        out.contains("bound 0 ≤ optimum ≤ 0 best known (synergai, slo-energy); synergai 0"),
        "{out}"
    );
    assert!(!out.contains('\u{1b}'), "ANSI escapes when piped");
}

#[test]
fn replay_of_several_scenarios_summarises_them() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let a = format!("{dir}/fixtures/scenarios/light-load.yaml");
    let b = format!("{dir}/fixtures/scenarios/default.yaml");
    let o = synergai(&[
        "replay",
        &a,
        &b,
        "--policy",
        "synergai,slo-energy,k8s-default",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("violations per scenario (2 scenarios"),
        "{out}"
    );
    assert!(
        out.contains("light-load") && out.contains("default"),
        "{out}"
    );
    assert!(
        out.contains(
            "geometric mean over 2 scenarios of (violations + 1) / (synergai's + 1): slo-energy"
        ),
        "{out}"
    );
    assert!(
        out.contains("synergai has no more violations than any other policy on"),
        "{out}"
    );
    assert!(out.contains("BOUND"), "{out}");
    assert!(
        out.contains("synergai reaches the lower bound (a provably optimal schedule) on 2 of 2"),
        "{out}"
    );
    let o = synergai(&[
        "replay",
        &a,
        &b,
        "--policy",
        "synergai,k8s-default",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["summary"]["scenarios"], 2);
    assert_eq!(v["meanViolationRatios"][0]["policy"], "k8s-default");
    let bracket = &v["scenarios"][0]["bracket"];
    assert_eq!(bracket["bound"], 0);
    assert!(bracket["bestKnown"].as_u64().unwrap() >= bracket["bound"].as_u64().unwrap());
    // --no-bound leaves it out.
    let o = synergai(&[
        "replay",
        &a,
        "--policy",
        "synergai",
        "--no-bound",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert!(v["scenarios"][0].get("bracket").is_none(), "{v}");
}

#[test]
fn replay_json_and_yaml_carry_api_version_and_kind() {
    let o = synergai(&["replay", "--policy", "synergai,slo-aware", "-o", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["apiVersion"], "synergai.io/v1alpha1");
    assert_eq!(v["kind"], "ReplayReport");
    let policies = v["scenarios"][0]["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 2);
    assert_eq!(policies[0]["policy"], "synergai");
    assert!(policies[0]["jobs"].as_u64().unwrap() > 0);
    let y = synergai(&["replay", "--policy", "synergai", "-o", "yaml"]);
    assert!(y.status.success());
    assert!(stdout(&y).starts_with("apiVersion: synergai.io/v1alpha1\nkind: ReplayReport\n"));
}

#[test]
fn replay_is_deterministic_apart_from_wall_clock_overhead() {
    let run = || {
        let o = synergai(&["replay", &fixture("bursty-mixed.yaml"), "-o", "json"]);
        assert!(o.status.success());
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for p in v["scenarios"][0]["policies"].as_array_mut().unwrap() {
            p["overheadMeanUs"] = 0.into();
            p["overheadP99Us"] = 0.into();
        }
        v
    };
    assert_eq!(run(), run());
}

#[test]
fn color_only_when_forced_and_never_with_no_color() {
    let o = synergai(&[
        "place", "plan", "--mode", "manual", "--at", "100s", "--color", "always",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains('\u{1b}'),
        "expected ANSI with --color always"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["place", "plan", "--mode", "manual", "--at", "100s"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&o).contains('\u{1b}'));
}

#[test]
fn usage_errors_exit_2_and_missing_files_exit_1() {
    let o = synergai(&["replay", "--policy", "nonsense"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let o = synergai(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = synergai(&["replay", "/nonexistent/scenario.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("/nonexistent/scenario.yaml"));
    let o = synergai(&["replay", "--theta", "1.5"]);
    assert_eq!(o.status.code(), Some(2));
    let o = synergai(&["place", "explain", "no-such-job"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no job `no-such-job`"));
    // Lease timings must nest (checked before connecting anywhere).
    let o = synergai(&[
        "scheduler",
        "run",
        "--kube",
        "--leader-elect-renew-deadline",
        "20s",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--leader-elect-lease-duration"));
}

#[test]
fn cluster_flags_without_kube_are_usage_errors_naming_it() {
    // An override meant for a cluster must not land in a local file.
    for args in [
        &[
            "place",
            "override",
            "edge-00001",
            "--node",
            "xeon-1",
            "-n",
            "jobs",
        ][..],
        &["place", "plan", "--context", "prod"],
        &["place", "release", "edge-00001", "--kubeconfig", "/tmp/kc"],
        &["tui", "-n", "jobs"],
        &["place", "explain", "j", "--profile", "configmap:p"],
        &["profile", "measure", "--apply"],
        &["profile", "measure", "--image", "synergai:x"],
        &["profile", "measure", "--keep-pods"],
    ] {
        let o = synergai(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--kube"), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let o = synergai(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("git");
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    assert_eq!(
        stdout(&o).trim(),
        format!("synergai {} (commit {head})", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_documents_exit_codes() {
    let o = synergai(&["--help"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("Exit codes:"));
    assert!(out.contains("3  cluster unreachable"));
}

#[test]
fn place_plan_in_manual_mode_lists_the_backlog() {
    let o = synergai(&[
        "place", "plan", "--mode", "manual", "--at", "60s", "-o", "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "PlacementPlan");
    let decisions = v["decisions"].as_array().unwrap();
    assert!(!decisions.is_empty());
    for d in decisions {
        let action = d["action"].as_str().unwrap();
        assert!(action == "assign" || action == "hold");
        assert!(!d["reason"].as_str().unwrap().is_empty());
    }
}

#[test]
fn explain_lists_candidates_with_one_chosen() {
    let o = synergai(&["place", "explain", "job-000010", "-o", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "Explanation");
    assert_eq!(v["action"], "assign");
    let candidates = v["candidates"].as_array().unwrap();
    assert!(candidates.len() > 1);
    let chosen: Vec<_> = candidates.iter().filter(|c| c["chosen"] == true).collect();
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0]["node"], v["node"]);
    // Every other candidate says why it lost; the chosen one does not.
    assert!(chosen[0].get("rejected").is_none());
    for c in candidates.iter().filter(|c| c["chosen"] == false) {
        let kind = c["rejected"]["kind"].as_str().unwrap_or_default();
        assert!(!kind.is_empty(), "{c}");
        assert!(!c["rejected"]["why"].as_str().unwrap().is_empty(), "{c}");
    }
    // The table shows the same words in its WHY NOT column.
    let o = synergai(&["place", "explain", "job-000010", "--color", "never"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.lines().any(|l| l.contains("WHY NOT")), "{text}");
    let why = candidates
        .iter()
        .find_map(|c| c["rejected"]["why"].as_str())
        .unwrap();
    assert!(text.contains(why), "{why} not in\n{text}");
}

/// `synergai ARGS` with the state directory (`XDG_STATE_HOME`) `state`.
fn synergai_in(state: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .env_remove("NO_COLOR")
        .env("XDG_STATE_HOME", state)
        .output()
        .expect("run synergai")
}

#[test]
fn override_then_apply_then_release() {
    let dir = scratch("override");
    let state = dir.join("state");
    let scenario = copy_scenario(&dir, "default.yaml");
    let s = scenario.display().to_string();
    let o = synergai_in(
        &state,
        &[
            "place",
            "override",
            "job-000003",
            "--fixture",
            &s,
            "--node",
            "pi-1",
            "--reason",
            "test",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Recorded in the state directory, never next to the fixture (where a
    // glob of scenarios would pick it up).
    let out = stdout(&o);
    let recorded = out
        .trim_end()
        .strip_suffix(')')
        .and_then(|l| l.split_once("(recorded in "))
        .map(|(_, path)| PathBuf::from(path))
        .unwrap_or_else(|| panic!("no path in {out}"));
    assert_eq!(
        recorded.parent(),
        Some(state.join("synergai/overrides").as_path())
    );
    let name = recorded.file_name().unwrap().to_str().unwrap();
    assert!(
        name.len() == "default-01234567.yaml".len() && name.starts_with("default-"),
        "{name}"
    );
    let beside: Vec<_> = std::fs::read_dir(dir.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        beside,
        ["default.yaml"],
        "nothing written next to the fixture"
    );
    let text = std::fs::read_to_string(&recorded).unwrap();
    assert!(
        text.contains("kind: Overrides") && text.contains("node: pi-1"),
        "{text}"
    );
    // It names the fixture it belongs to.
    let canonical = std::fs::canonicalize(&scenario).unwrap();
    assert!(text.contains(&canonical.display().to_string()), "{text}");
    // The same fixture named another way finds the same file.
    let o = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args([
            "place",
            "release",
            "job-000003",
            "--dry-run",
            "-f",
            "default.yaml",
        ])
        .current_dir(dir.join("scenarios"))
        .env("XDG_STATE_HOME", &state)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // Another fixture of the same name has no pins.
    let other = scratch("override-other");
    let other_scenario = copy_scenario(&other, "default.yaml");
    let o = synergai_in(
        &state,
        &[
            "place",
            "release",
            "job-000003",
            "-f",
            other_scenario.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // The override is honoured and reported as such.
    let o = synergai_in(
        &state,
        &[
            "place",
            "apply",
            "--fixture",
            &s,
            "--until",
            "5m",
            "-o",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["job"] == "job-000003")
        .expect("job-000003 bound")
        .clone();
    assert_eq!(d["node"], "pi-1");
    assert_eq!(d["placedBy"], "override");
    // Unknown node: usage error, file untouched.
    let o = synergai_in(
        &state,
        &[
            "place",
            "override",
            "job-000003",
            "--fixture",
            &s,
            "--node",
            "nope",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&recorded).unwrap(), text);
    let o = synergai_in(&state, &["place", "release", "job-000003", "--fixture", &s]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = synergai_in(&state, &["place", "release", "job-000003", "--fixture", &s]);
    assert_eq!(o.status.code(), Some(1), "nothing left to release");
    // --overrides FILE reads and writes that file instead.
    let explicit = dir.join("mine.yaml");
    let e = explicit.display().to_string();
    let o = synergai_in(
        &state,
        &[
            "place",
            "override",
            "job-000004",
            "-f",
            &s,
            "--arch",
            "rpi5",
            "--overrides",
            &e,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&explicit)
            .unwrap()
            .contains("arch: rpi5")
    );
    assert!(
        !std::fs::read_to_string(&recorded)
            .unwrap()
            .contains("job-000004")
    );
}

/// The jobs each architecture ran under synergai in `replay -o json`.
fn jobs_per_arch(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut jobs = serde_json::Map::new();
    for u in v["scenarios"][0]["policies"][0]["utilization"]
        .as_array()
        .unwrap()
    {
        jobs.insert(u["arch"].as_str().unwrap().into(), u["jobs"].clone());
    }
    jobs.into()
}

#[test]
fn replay_ignores_recorded_overrides_unless_asked_and_place_apply_applies_them() {
    let dir = scratch("replay-overrides");
    let state = dir.join("state");
    let scenario = copy_scenario(&dir, "default.yaml");
    let s = scenario.display().to_string();
    let o = synergai_in(
        &state,
        &[
            "place",
            "override",
            "job-000010",
            "-f",
            &s,
            "--node",
            "pi-1",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Thirty pins on one Raspberry Pi, where synergai puts nothing.
    let recorded = std::fs::read_dir(state.join("synergai/overrides"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut text = "apiVersion: synergai.io/v1alpha1\nkind: Overrides\nmetadata:\n  name: default\nspec:\n  overrides:\n".to_string();
    for job in 10..40 {
        text.push_str(&format!("  - job: job-{job:06}\n    node: pi-1\n"));
    }
    std::fs::write(&recorded, text).unwrap();
    let replay = |extra: &[&str]| {
        let mut args = vec![
            "replay",
            &s,
            "--policy",
            "synergai",
            "--no-bound",
            "-o",
            "json",
        ];
        args.extend(extra);
        jobs_per_arch(&synergai_in(&state, &args))
    };
    assert_eq!(replay(&[])["rpi5"], 0, "pins ignored by default");
    assert_eq!(replay(&["--with-overrides"])["rpi5"], 30);
    // place apply applies them.
    let o = synergai_in(&state, &["place", "apply", "-f", &s, "-o", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let on_pi = v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["node"] == "pi-1" && d["placedBy"] == "override")
        .count();
    assert_eq!(on_pi, 30);
    // Each command's help says which.
    let help = |args: &[&str]| {
        let text = stdout(&synergai(args));
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let replay_help = help(&["replay", "--help"]);
    assert!(
        replay_help.contains("--with-overrides")
            && replay_help.contains("recorded overrides are ignored"),
        "{replay_help}"
    );
    let apply_help = help(&["place", "apply", "--help"]);
    assert!(
        apply_help.contains("with the recorded overrides applied"),
        "{apply_help}"
    );
}

#[test]
fn overrides_left_next_to_a_fixture_are_pointed_out_not_read() {
    let dir = scratch("legacy-overrides");
    let scenario = copy_scenario(&dir, "default.yaml");
    let legacy = dir.join("scenarios/default.overrides.yaml");
    std::fs::write(
        &legacy,
        "apiVersion: synergai.io/v1alpha1\nkind: Overrides\nmetadata:\n  name: default\nspec:\n  overrides:\n  - job: job-000003\n    node: pi-1\n",
    )
    .unwrap();
    let o = synergai_in(
        &dir.join("state"),
        &["place", "plan", "-f", scenario.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{} is not read any more", legacy.display()))
            && err.contains("synergai/overrides/default-"),
        "{err}"
    );
}

#[test]
fn profile_show_and_plan() {
    let o = synergai(&["profile", "show", "--model", "resnet50", "--arch", "rpi5"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("estimate"));
    assert!(
        out.lines()
            .skip(1)
            .all(|l| l.contains("resnet50") && l.contains("rpi5"))
    );
    let o = synergai(&["profile", "plan", "-o", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "OfflinePlan");
    let plans = v["plans"].as_array().unwrap();
    assert_eq!(
        plans.len(),
        17,
        "4 models × 4 derived architectures, resnet50 on the measured one"
    );
    for p in plans {
        let knee = p["kneeThreads"].as_u64().unwrap();
        let first = &p["candidates"][0];
        assert_eq!(first["threads"].as_u64().unwrap(), knee, "knee first");
    }
    let o = synergai(&["profile", "show", "--model", "gpt-9"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_bad_scheduler_configuration_is_a_usage_error_naming_line_column_and_field() {
    // Checked before any connection: no cluster is needed to be told.
    let dir = scratch("scheduler-config");
    let file = dir.join("config.yaml");
    let cases = [
        (
            "spec:\n  policy: fastest\n",
            ":4:11: field `spec.policy`: unknown policy `fastest`",
        ),
        (
            "spec:\n  leaderElection: {leaseDuration: forever}\n",
            ":4:35: field `spec.leaderElection.leaseDuration`:",
        ),
        (
            "spec:\n  profileConfigMap: {name: p, keys: x}\n",
            ":4:31: field `spec.profileConfigMap`: unknown field `keys`",
        ),
        ("spec:\n  profile: nowhere.yaml\n", "nowhere.yaml"),
    ];
    for (spec, expected) in cases {
        std::fs::write(
            &file,
            format!("apiVersion: synergai.io/v1alpha1\nkind: SchedulerConfiguration\n{spec}"),
        )
        .unwrap();
        let o = synergai(&[
            "scheduler",
            "run",
            "--kube",
            "--config",
            file.to_str().unwrap(),
        ]);
        let err = stderr(&o);
        assert!(
            o.status.code() == Some(2)
                || (expected == "nowhere.yaml" && o.status.code() == Some(1)),
            "{spec:?}: exit {:?}: {err}",
            o.status.code()
        );
        assert!(err.contains(expected), "{spec:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn lists_print_names_jsonpath_and_custom_columns() {
    let plan = |extra: &[&str]| {
        let mut args = vec!["place", "plan", "--mode", "manual", "--at", "1m30s"];
        args.extend(extra);
        let o = synergai(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let json: serde_json::Value = serde_json::from_str(&plan(&["-o", "json"])).unwrap();
    let jobs: Vec<&str> = json["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["job"].as_str().unwrap())
        .collect();
    assert!(jobs.len() > 1, "{json}");
    // -o name: the jobs, one per line.
    let names = plan(&["-o", "name"]);
    assert_eq!(names, jobs.join("\n") + "\n");
    // --no-headers: the same table without its header row.
    let table = plan(&[]);
    assert!(table.starts_with("JOB "), "{table}");
    // (Columns are as wide as their cells then, as kubectl's.)
    let words = |text: &str| -> Vec<Vec<String>> {
        text.lines()
            .map(|l| l.split_whitespace().map(str::to_string).collect())
            .collect()
    };
    let bare = plan(&["--no-headers"]);
    assert_eq!(words(&bare), words(&table)[1..]);
    // jsonpath: plain paths with text between, and range.
    assert_eq!(
        plan(&["-o", "jsonpath={.kind}: {.decisions[0].job} of {.scenario}"]),
        format!("PlacementPlan: {} of default", jobs[0])
    );
    assert_eq!(
        plan(&["-o", r#"jsonpath={range .decisions[*]}{.job}{"\n"}{end}"#]),
        names
    );
    // custom-columns: one row per item, with and without headers.
    let columns = plan(&["-o", "custom-columns=JOB:.job,NODE:.node,WHY:.nothing"]);
    let lines: Vec<&str> = columns.lines().collect();
    assert_eq!(lines.len(), jobs.len() + 1, "{columns}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["JOB", "NODE", "WHY"]);
    let first: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(first[0], jobs[0]);
    assert_eq!(first[2], "<none>");
    let bare = plan(&["-o", "custom-columns=JOB:.job", "--no-headers"]);
    assert_eq!(bare.split_whitespace().collect::<Vec<_>>(), jobs);
    let file = scratch("columns").join("columns.txt");
    std::fs::write(&file, "JOB    NODE\n.job   {.node}\n").unwrap();
    assert_eq!(
        plan(&["-o", &format!("custom-columns-file={}", file.display())]),
        plan(&["-o", "custom-columns=JOB:.job,NODE:{.node}"])
    );
}

#[test]
fn replay_and_profile_lists_in_kubectl_formats() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let a = format!("{dir}/fixtures/scenarios/light-load.yaml");
    let b = format!("{dir}/fixtures/scenarios/default.yaml");
    let replay = |extra: &[&str]| {
        let mut args = vec![
            "replay",
            &a,
            &b,
            "--policy",
            "synergai,k8s-default",
            "--no-bound",
        ];
        args.extend(extra);
        let o = synergai(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(replay(&["-o", "name"]), "light-load\ndefault\n");
    assert_eq!(
        replay(&["-o", "jsonpath={.scenarios[*].scenario}"]),
        "light-load default"
    );
    let columns = replay(&[
        "-o",
        "custom-columns=SCENARIO:.scenario,JOBS:.jobs,VIOLATIONS:.policies[*].violations",
    ]);
    let lines: Vec<Vec<&str>> = columns
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines[0], ["SCENARIO", "JOBS", "VIOLATIONS"]);
    assert_eq!(lines[2][..2], ["default", "475"]);
    assert!(lines[2][2].starts_with("0,"), "{columns}");
    // --no-headers on the summary table: the rows only.
    let table = replay(&[]);
    let bare = replay(&["--no-headers"]);
    assert!(
        table.contains("SCENARIO") && !bare.contains("SCENARIO"),
        "{bare}"
    );
    assert!(bare.lines().any(|l| l.starts_with("light-load ")), "{bare}");

    let o = synergai(&[
        "profile", "show", "--model", "resnet50", "--arch", "rpi5", "-o", "name",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names = stdout(&o);
    assert!(!names.is_empty());
    assert!(
        names
            .lines()
            .all(|l| l.starts_with("resnet50/rpi5/") && l.split('/').count() == 4),
        "{names}"
    );
    let o = synergai(&[
        "profile",
        "plan",
        "-o",
        "custom-columns=MODEL:.model,ARCH:.arch,KNEE:.knee.threads",
        "--no-headers",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()[..2] == ["resnet50", "rpi5"])
    );
}

#[test]
fn bad_output_formats_are_usage_errors_saying_why() {
    for (format, why) in [
        ("jsonpath={.scenarios[", "unclosed `{`"),
        ("jsonpath={.scenarios[}", "bad JSONPath"),
        (
            "jsonpath={range .scenarios[*]}{.scenario}",
            "without its `{end}`",
        ),
        ("jsonpath=", "jsonpath needs a template"),
        ("custom-columns=SCENARIO", "is not HEADER:PATH"),
        ("custom-columns=A:.x[", "bad JSONPath"),
        ("custom-columns-file=/nonexistent/columns", "cannot read"),
        ("tabel", "unknown output format `tabel`"),
    ] {
        let o = synergai(&["replay", "--no-bound", "-o", format]);
        assert_eq!(o.status.code(), Some(2), "-o {format}: {}", stderr(&o));
        assert!(stderr(&o).contains(why), "-o {format}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "-o {format}");
    }
    // The four formats of old are still offered, with the new ones.
    let help = stdout(&synergai(&["replay", "--help"]));
    for value in [
        "table",
        "wide",
        "json",
        "yaml",
        "name",
        "jsonpath=",
        "custom-columns=",
    ] {
        assert!(help.contains(&format!("- {value}")), "{value} in {help}");
    }
}

#[test]
fn durations_read_as_people_type_them() {
    // --at in compound form means the same moment.
    let at = |t: &str| {
        let o = synergai(&["place", "plan", "--mode", "manual", "--at", t, "-o", "name"]);
        assert!(o.status.success(), "--at {t}: {}", stderr(&o));
        stdout(&o)
    };
    let plain = at("90s");
    for same in ["1m30s", "90000", "1m 30s", "0h1m30s"] {
        assert_eq!(at(same), plain, "--at {same}");
    }
    let o = synergai(&["place", "plan", "--at", "1m30"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("missing unit after `30`"),
        "{}",
        stderr(&o)
    );
}
