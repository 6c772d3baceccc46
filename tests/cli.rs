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
}

#[test]
fn override_then_apply_then_release() {
    let dir = scratch("override");
    let scenario = copy_scenario(&dir, "default.yaml");
    let s = scenario.display().to_string();
    let o = synergai(&[
        "place",
        "override",
        "job-000003",
        "--fixture",
        &s,
        "--node",
        "pi-1",
        "--reason",
        "test",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let overrides = dir.join("scenarios/default.overrides.yaml");
    let text = std::fs::read_to_string(&overrides).unwrap();
    assert!(
        text.contains("kind: Overrides") && text.contains("node: pi-1"),
        "{text}"
    );
    // The override is honoured and reported as such.
    let o = synergai(&[
        "place",
        "apply",
        "--fixture",
        &s,
        "--until",
        "5m",
        "-o",
        "json",
    ]);
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
    let o = synergai(&[
        "place",
        "override",
        "job-000003",
        "--fixture",
        &s,
        "--node",
        "nope",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&overrides).unwrap(), text);
    let o = synergai(&["place", "release", "job-000003", "--fixture", &s]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = synergai(&["place", "release", "job-000003", "--fixture", &s]);
    assert_eq!(o.status.code(), Some(1), "nothing left to release");
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
