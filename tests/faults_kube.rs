//! Faults on the scheduler's requests, injected by `scripts/fault-proxy.py`
//! in front of the real test API server (everything it does not fault goes
//! through to the real server):
//! - a truncated answer to the first pod lists/watches: the reflector
//!   retries and the scheduler still comes up;
//! - 500 on a pod's bind, twice: retried after a growing backoff, bound once;
//! - 429 with Retry-After on a bind: nothing is retried before it expires;
//! - a slow bind (4 s): later pods are decided and bound meanwhile;
//! - real conflicts while a bind is held up: the test binds one pod itself
//!   (the scheduler's bind gets 409) and deletes another (404); both are
//!   skipped with a log line, never retried, and the scheduler lives on.

mod common;

use common::{Kube, client, wait_until};
use k8s_openapi::api::core::v1::{Binding, ObjectReference, Pod};
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::Value;
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: faults}
spec:
  profile: builtin:edge-cloud
  nodes:
    - {name: xeon, replicas: 2, arch: xeon-vm, tier: cloud, cores: 16, memory: 32Gi, network: 40ms}
  workload:
    jobs:
      - {name: f-a, arrival: 0s, model: resnet50, queries: 100, qos: 60s}
      - {name: f-b, arrival: 0s, model: resnet50, queries: 100, qos: 60s}
      - {name: f-c, arrival: 1s, model: resnet50, queries: 100, qos: 60s}
      - {name: f-d, arrival: 2s, model: resnet50, queries: 100, qos: 60s}
      - {name: f-e, arrival: 3s, model: mobilenet-v2, queries: 100, qos: 60s}
      - {name: f-f, arrival: 3s, model: mobilenet-v2, queries: 100, qos: 60s}
";

fn bind_path(pod: &str) -> String {
    format!("/api/v1/namespaces/default/pods/{pod}/binding$")
}

fn rules() -> Value {
    serde_json::json!([
        {"method": "GET", "path": "^/api/v1/namespaces/default/pods$", "action": "truncate", "bytes": 200, "times": 2},
        {"method": "POST", "path": bind_path("f-a"), "action": "status", "code": 500, "times": 2},
        {"method": "POST", "path": bind_path("f-b"), "action": "status", "code": 429, "retryAfter": 2, "times": 1},
        {"method": "POST", "path": bind_path("f-c"), "action": "delay", "ms": 4000},
        {"method": "POST", "path": bind_path("f-e"), "action": "delay", "ms": 3000},
        {"method": "POST", "path": bind_path("f-f"), "action": "delay", "ms": 3000},
    ])
}

struct Proxy {
    child: Child,
    log: std::path::PathBuf,
}

impl Proxy {
    fn start(kube: &Kube) -> (Proxy, u16) {
        let pki = kube.dir.join("pki");
        let env = std::fs::read_to_string(kube.dir.join("env")).unwrap();
        let server = env
            .lines()
            .find_map(|l| l.strip_prefix("SERVER="))
            .unwrap()
            .trim_matches('\'')
            .to_string();
        let rules_file = kube.dir.join("rules.json");
        std::fs::write(&rules_file, rules().to_string()).unwrap();
        let log = kube.dir.join("proxy.jsonl");
        let mut child = Command::new("python3")
            .arg(common::root().join("scripts/fault-proxy.py"))
            .args(["--upstream", &server])
            .arg("--ca")
            .arg(pki.join("ca.crt"))
            .arg("--cert")
            .arg(pki.join("admin.crt"))
            .arg("--key")
            .arg(pki.join("admin.key"))
            .arg("--rules")
            .arg(&rules_file)
            .arg("--log")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the proxy's port");
        (Proxy { child, log }, port)
    }

    /// (time, action, status) of the requests to `path` (a regex of the rules).
    fn requests(&self, method: &str, path: &str) -> Vec<(f64, String, Option<u64>)> {
        let path = path.trim_end_matches('$');
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|r| r["method"] == method && r["path"] == path)
            .map(|r| {
                (
                    r["t"].as_f64().unwrap(),
                    r["action"].as_str().unwrap().to_string(),
                    r["status"].as_u64(),
                )
            })
            .collect()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_kubeconfig(path: &Path, port: u16) {
    std::fs::write(
        path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: proxy\n  cluster:\n    server: http://127.0.0.1:{port}\nusers:\n- name: anon\n  user: {{}}\ncontexts:\n- name: proxy\n  context: {{cluster: proxy, user: anon, namespace: default}}\ncurrent-context: proxy\n"
        ),
    )
    .unwrap();
}

#[test]
fn scheduler_rides_out_injected_faults_and_real_conflicts() {
    let kube = Kube::up("faults");
    let scenario = kube.dir.join("faults.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let (proxy, port) = Proxy::start(&kube);
    let proxied = kube.dir.join("proxied.kubeconfig");
    write_kubeconfig(&proxied, port);

    let log = kube.dir.join("scheduler.log");
    let mut scheduler = common::start_logged(
        &proxied,
        &[
            "scheduler",
            "run",
            "--bind-address=127.0.0.1:0",
            "--kube",
            "-n",
            "default",
            "--interval",
            "50ms",
            "--leader-elect=false",
        ],
        &log,
    );
    let scheduler_log = || std::fs::read_to_string(&log).unwrap_or_default();
    let emulate = common::emulate(&kube.kubeconfig, &scenario, "2m");
    let runtime = common::runtime();
    let pods: Api<Pod> = Api::namespaced(runtime.block_on(client(&kube.kubeconfig)), "default");

    // Real conflicts: while the scheduler's binds of f-e and f-f are held
    // up, f-e gets bound by someone else and f-f is deleted.
    wait_until(
        "f-e's and f-f's binds to be held",
        Duration::from_secs(60),
        || {
            let held = |p: &str| {
                proxy
                    .requests("POST", &bind_path(p))
                    .iter()
                    .any(|r| r.1 == "delaying")
            };
            (held("f-e") && held("f-f")).then_some(())
        },
    );
    runtime.block_on(async {
        let binding = Binding {
            metadata: kube::api::ObjectMeta {
                name: Some("f-e".into()),
                ..Default::default()
            },
            target: ObjectReference {
                kind: Some("Node".into()),
                name: Some("xeon-2".into()),
                ..Default::default()
            },
        };
        pods.create_subresource::<Binding, Value>(
            "binding",
            "f-e",
            &PostParams::default(),
            &binding,
        )
        .await
        .unwrap();
        pods.delete("f-f", &DeleteParams::default().grace_period(0))
            .await
            .unwrap();
    });

    let out = emulate.wait_with_output().unwrap();
    let summary = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{summary}{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        scheduler_log()
    );
    // f-e and f-f's held binds have come back by now (3 s).
    wait_until(
        "the conflicts to be logged",
        Duration::from_secs(10),
        || {
            let text = scheduler_log();
            (text.contains("skipping default/f-e") && text.contains("skipping default/f-f"))
                .then_some(())
        },
    );
    let text = scheduler_log();
    assert!(
        scheduler.0.try_wait().unwrap().is_none(),
        "the scheduler died:\n{text}"
    );

    // The truncated lists were retried.
    let lists = proxy.requests("GET", "/api/v1/namespaces/default/pods");
    assert!(
        lists.iter().filter(|r| r.1 == "truncate").count() == 2 && lists.len() > 2,
        "{lists:?}"
    );
    // 500 twice, then bound, with a growing backoff between the attempts.
    let a = proxy.requests("POST", &bind_path("f-a"));
    let codes: Vec<Option<u64>> = a.iter().map(|r| r.2).collect();
    assert_eq!(codes, [Some(500), Some(500), Some(201)], "{a:?}\n{text}");
    assert!(
        a[1].0 - a[0].0 >= 0.9,
        "first backoff {:.2} s",
        a[1].0 - a[0].0
    );
    assert!(
        a[2].0 - a[1].0 >= 1.9,
        "second backoff {:.2} s",
        a[2].0 - a[1].0
    );
    // 429 with Retry-After: 2 — the retry waits for it.
    let b = proxy.requests("POST", &bind_path("f-b"));
    let codes: Vec<Option<u64>> = b.iter().map(|r| r.2).collect();
    assert_eq!(codes, [Some(429), Some(201)], "{b:?}\n{text}");
    assert!(
        b[1].0 - b[0].0 >= 1.9,
        "retried after {:.2} s",
        b[1].0 - b[0].0
    );
    // The slow bind of f-c did not hold up f-d (it arrived a second later).
    let c = proxy.requests("POST", &bind_path("f-c"));
    let d = proxy.requests("POST", &bind_path("f-d"));
    let c_done = c.iter().find(|r| r.2 == Some(201)).unwrap().0;
    let d_done = d.iter().find(|r| r.2 == Some(201)).unwrap().0;
    assert!(
        d_done < c_done,
        "f-d bound at {d_done}, after the slow f-c at {c_done}"
    );
    // Conflicts: one attempt each, answered 409 and 404, never retried.
    for (pod, code) in [("f-e", 409), ("f-f", 404)] {
        let r = proxy.requests("POST", &bind_path(pod));
        let statuses: Vec<Option<u64>> = r
            .iter()
            .filter(|r| r.1 != "delaying")
            .map(|r| r.2)
            .collect();
        assert_eq!(statuses, [Some(code)], "{pod}: {r:?}");
    }
    // Every bind that landed landed once.
    for pod in ["f-a", "f-b", "f-c", "f-d"] {
        let ok = proxy
            .requests("POST", &bind_path(pod))
            .iter()
            .filter(|r| r.2 == Some(201))
            .count();
        assert_eq!(ok, 1, "{pod}");
    }
}
