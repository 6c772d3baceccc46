//! Least privilege, proven on a real kube-apiserver with an audit log:
//! - the scheduler, as a user bound only to the `deploy/` ClusterRole, uses
//!   every verb the role grants (binds, events and a repeated event's
//!   series, the Unschedulable condition, the manual-mode trigger, the
//!   leader-election Lease, the profile ConfigMap) and is refused nothing;
//! - with any one of those verbs removed it refuses to start, exit 3,
//!   naming the missing permission;
//! - a user who may only get/list/watch runs `tui --read-only --kube` (and
//!   presses the keys that would change things), `place plan|explain
//!   --kube` and every `place … --dry-run`: the audit log shows no
//!   request of theirs but get, list and watch.

mod common;

use common::{Kube, Pty, bind_role, client, deploy_role, wait_until};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule};
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: rbac}
spec:
  profile: builtin:edge-cloud
  nodes:
    - {name: xeon, replicas: 2, arch: xeon-vm, tier: cloud, cores: 16, memory: 32Gi, network: 40ms}
  workload:
    jobs:
      - {name: r-1, arrival: 0s, model: resnet50, queries: 100, qos: 60s}
      - {name: r-2, arrival: 0s, model: mobilenet-v2, queries: 100, qos: 60s}
";

const POLICY: &str = "apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    users: [rbac-scheduler, rbac-reader]
  - level: None
";

/// (group, resource[/subresource], verb) of one audited request.
type Request = (String, String, String);

/// Every completed request of `user`: what, and the answer's code.
fn audited(log: &Path, user: &str) -> Vec<(Request, u64)> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["user"]["username"] == user)
        .filter(|e| e["stage"] == "ResponseComplete" || e["stage"] == "ResponseStarted")
        .map(|e| {
            let o = &e["objectRef"];
            let mut resource = o["resource"].as_str().unwrap_or("").to_string();
            if let Some(sub) = o["subresource"].as_str() {
                resource = format!("{resource}/{sub}");
            }
            (
                (
                    o["apiGroup"].as_str().unwrap_or("").to_string(),
                    resource,
                    e["verb"].as_str().unwrap_or("").to_string(),
                ),
                e["responseStatus"]["code"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn granted(role: &ClusterRole) -> BTreeSet<Request> {
    let mut out = BTreeSet::new();
    for rule in role.rules.clone().unwrap_or_default() {
        for group in rule.api_groups.clone().unwrap_or_default() {
            for resource in rule.resources.clone().unwrap_or_default() {
                for verb in &rule.verbs {
                    out.insert((group.clone(), resource.clone(), verb.clone()));
                }
            }
        }
    }
    out
}

fn synergai(kubeconfig: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

const SCHEDULER: [&str; 12] = [
    "scheduler",
    "run",
    "--bind-address=127.0.0.1:0",
    "--kube",
    "-n",
    "default",
    "--mode",
    "manual",
    "--interval",
    "50ms",
    "--leader-elect-retry-period=500ms",
    "--profile=configmap:synergai-profile",
];

#[test]
fn the_scheduler_role_is_the_minimum_and_read_only_never_writes() {
    let audit_dir =
        std::env::temp_dir().join(format!("synergai-rbac-audit-{}", std::process::id()));
    std::fs::create_dir_all(&audit_dir).unwrap();
    let policy = audit_dir.join("policy.yaml");
    std::fs::write(&policy, POLICY).unwrap();
    let audit = audit_dir.join("audit.log");
    let kube = Kube::up_with(
        "rbac",
        &format!(
            "--audit-policy-file={} --audit-log-path={}",
            policy.display(),
            audit.display()
        ),
    );
    let runtime = common::runtime();
    let admin = runtime.block_on(client(&kube.kubeconfig));
    let pods: Api<Pod> = Api::namespaced(admin.clone(), "default");
    let scheduler_config = kube.user("rbac-scheduler");
    let reader_config = kube.user("rbac-reader");
    let role = deploy_role();
    runtime.block_on(bind_role(&admin, &role, "rbac-scheduler", "rbac-scheduler"));
    let reader: ClusterRole = serde_json::from_value(json!({
        "metadata": {"name": "rbac-reader"},
        "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch"]}]
    }))
    .unwrap();
    runtime.block_on(bind_role(&admin, &reader, "rbac-reader", "rbac-reader"));

    // Two job pods (the emulator plays their kubelet) and one whose QoS
    // annotation is invalid.
    let scenario = kube.dir.join("rbac.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let _emulate = common::start(
        &kube.kubeconfig,
        &[
            "emulate",
            "--kube",
            "-n",
            "default",
            "-f",
            scenario.to_str().unwrap(),
        ],
        false,
    );
    let bad: Pod = serde_json::from_value(json!({
        "metadata": {"name": "r-bad", "annotations": {
            "synergai.io/model": "resnet50", "synergai.io/queries": "100", "synergai.io/qos-ms": "-5"}},
        "spec": {"schedulerName": "synergai", "containers": [{"name": "c", "image": "busybox"}]}
    }))
    .unwrap();
    runtime
        .block_on(pods.create(&PostParams::default(), &bad))
        .unwrap();

    // The profile in the ConfigMap the deploy role lets it read.
    let profile_map: k8s_openapi::api::core::v1::ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "synergai-profile"},
        "data": {"profile.yaml": std::fs::read_to_string(
            common::root().join("fixtures/profiles/edge-cloud.yaml")).unwrap()}
    }))
    .unwrap();
    runtime
        .block_on(
            Api::namespaced(admin.clone(), "default").create(&PostParams::default(), &profile_map),
        )
        .unwrap();

    // The scheduler as the deploy role's user: manual mode, leader election,
    // the profile from its ConfigMap.
    let log = kube.dir.join("scheduler.log");
    let mut scheduler = common::start_logged(&scheduler_config, &SCHEDULER, &log);
    let text = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_until(
        "the scheduler to lead and wait",
        Duration::from_secs(30),
        || {
            let t = text();
            (t.contains("became the leader") && t.contains("waiting for a trigger")).then_some(())
        },
    );
    // The invalid pod's FailedScheduling message changes and comes back:
    // the second time, the event's series is patched.
    let set_qos = |value: &str| {
        let patch = json!({"metadata": {"annotations": {"synergai.io/qos-ms": value}}});
        runtime
            .block_on(pods.patch("r-bad", &PatchParams::default(), &Patch::Merge(patch)))
            .unwrap();
    };
    for value in ["-6", "-5"] {
        let before = text().matches("cannot schedule default/r-bad").count();
        set_qos(value);
        wait_until("a new FailedScheduling", Duration::from_secs(20), || {
            (text().matches("cannot schedule default/r-bad").count() > before).then_some(())
        });
    }
    // A trigger binds the two jobs.
    let t = synergai(
        &kube.kubeconfig,
        &["scheduler", "trigger", "--kube", "-n", "default"],
    );
    assert!(t.status.success());
    wait_until("both jobs bound", Duration::from_secs(30), || {
        let list = runtime.block_on(pods.list(&Default::default())).ok()?;
        let bound = list
            .items
            .iter()
            .filter(|p| p.spec.as_ref().is_some_and(|s| s.node_name.is_some()))
            .count();
        (bound == 2).then_some(())
    });
    // Renewals (update), then a graceful stop (release: update again).
    std::thread::sleep(Duration::from_millis(1500));
    Command::new("kill")
        .args(["-TERM", &scheduler.0.id().to_string()])
        .status()
        .unwrap();
    let status = wait_until("the scheduler to stop", Duration::from_secs(20), || {
        scheduler.0.try_wait().unwrap()
    });
    assert!(status.success(), "{}", text());

    // Every granted verb was used, and nothing was refused.
    let requests = audited(&audit, "rbac-scheduler");
    let refused: Vec<_> = requests
        .iter()
        .filter(|(_, code)| matches!(code, 401 | 403))
        .collect();
    assert!(refused.is_empty(), "refused: {refused:?}");
    let used: BTreeSet<Request> = requests
        .into_iter()
        .map(|(r, _)| r)
        // Not the role's: the permission self-checks (any user may) and
        // GET /version (a non-resource URL every user may read).
        .filter(|r| r.0 != "authorization.k8s.io" && !r.1.is_empty())
        .collect();
    assert_eq!(used, granted(&role), "used (left) vs granted (right)");

    // Without any one verb, the scheduler refuses to start and says which.
    for rule in role.rules.clone().unwrap() {
        for verb in &rule.verbs {
            let mut reduced = role.clone();
            reduced.metadata.name = Some("rbac-reduced".into());
            reduced.rules = Some(
                role.rules
                    .clone()
                    .unwrap()
                    .into_iter()
                    .filter_map(|r| {
                        if r != rule {
                            return Some(r);
                        }
                        let verbs: Vec<String> =
                            r.verbs.iter().filter(|v| *v != verb).cloned().collect();
                        (!verbs.is_empty()).then_some(PolicyRule { verbs, ..r })
                    })
                    .collect(),
            );
            runtime.block_on(bind_role(
                &admin,
                &reduced,
                "rbac-scheduler",
                "rbac-scheduler",
            ));
            let resource = rule.resources.clone().unwrap().join(",");
            let wanted = format!("{verb} ");
            // RBAC changes reach the authorizer within moments; retry once.
            let mut last = String::new();
            let ok = (0..20).any(|_| {
                let out = synergai(&scheduler_config, &SCHEDULER);
                last = String::from_utf8_lossy(&out.stderr).into_owned();
                let named = last
                    .lines()
                    .any(|l| l.contains(&wanted) && l.contains(&resource));
                if out.status.code() == Some(3) && named && last.contains("permission denied") {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(250));
                false
            });
            assert!(ok, "without `{verb}` on {resource}: {last}");
        }
    }

    // The read-only user: the dashboard in read-only mode, with the keys
    // that would trigger, override and release; plans and dry runs.
    let env = [
        ("KUBECONFIG", reader_config.as_path()),
        ("XDG_STATE_HOME", kube.dir.as_path()),
        ("XDG_CONFIG_HOME", kube.dir.as_path()),
    ];
    let mut tui = Pty::spawn(
        &["tui", "--kube", "-n", "default", "--read-only"],
        &env,
        40,
        140,
    );
    tui.wait_for("default/r-1");
    for keys in ["p", "o", "r", "m"] {
        tui.send(keys);
        std::thread::sleep(Duration::from_millis(300));
        tui.send("\u{1b}");
        // (an escape followed at once by a key would read as Alt+key)
        std::thread::sleep(Duration::from_millis(300));
    }
    tui.wait_for("READ-ONLY");
    tui.send("q");
    assert_eq!(tui.wait_exit(Duration::from_secs(10)), 0);
    for args in [
        &["place", "plan", "--kube", "-n", "default", "-o", "json"][..],
        &["place", "apply", "--kube", "-n", "default", "--dry-run"],
        &[
            "place",
            "override",
            "r-bad",
            "--kube",
            "-n",
            "default",
            "--node",
            "xeon-1",
            "--dry-run",
        ],
        &[
            "place",
            "release",
            "r-bad",
            "--kube",
            "-n",
            "default",
            "--dry-run",
        ],
    ] {
        let out = synergai(&reader_config, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
    let requests = audited(&audit, "rbac-reader");
    assert!(
        !requests.is_empty(),
        "the reader's requests were not audited"
    );
    let writes: Vec<_> = requests
        .iter()
        .filter(|((_, _, verb), _)| !matches!(verb.as_str(), "get" | "list" | "watch"))
        .collect();
    assert!(writes.is_empty(), "read-only sent: {writes:?}");
    let _ = std::fs::remove_dir_all(&audit_dir);
}
