//! `scheduler run` observed as Prometheus and the kubelet observe it, on
//! the real test API server: `/healthz`, `/readyz` and `/metrics` over
//! HTTP. Two replicas elect a leader; an emulated scenario runs through
//! them; the leader's `/metrics` (scraped as Prometheus does, checked by
//! `promtool check metrics`) counts as many scheduled attempts as there
//! are `Scheduled` events and the same QoS outcomes as `emulate` measured,
//! and the standby is ready while it says it is not leading. Before its
//! caches sync (a server that never answers) a scheduler is live but not
//! ready.

mod common;

use common::{Kube, Running, client, emulate, root, served_address, start_logged, wait_until};
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::{Api, ListParams};
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use synergai::k8s::mapping::RATIO_MIN_PREDICTED_MS;

/// Both architectures of the fleet run jobs; the loose targets are met,
/// the 1 s ones (hundreds of queries) cannot be.
const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: metrics}
spec:
  profile: builtin:edge-cloud
  nodes:
    - {name: xeon, replicas: 1, arch: xeon-vm, tier: cloud, cores: 16, memory: 32Gi, network: 40ms}
    - {name: agx, replicas: 1, arch: agx-orin, tier: edge, cores: 12, memory: 64Gi, gpus: 1, network: 4ms}
  workload:
    jobs:
      - {name: m-1, arrival: 0s, model: resnet50, queries: 100, qos: 60s}
      - {name: m-2, arrival: 0s, model: mobilenet-v2, queries: 200, qos: 60s}
      - {name: m-3, arrival: 0s, model: resnet50, queries: 100, qos: 60s}
      - {name: m-4, arrival: 1s, model: bert-base, queries: 20, qos: 60s}
      - {name: m-5, arrival: 1s, model: retinanet, queries: 20, qos: 60s}
      - {name: m-6, arrival: 1s, model: resnet50, queries: 600, qos: 1s}
      - {name: m-7, arrival: 2s, model: bert-base, queries: 300, qos: 1s}
      - {name: m-8, arrival: 2s, model: mobilenet-v2, queries: 100, qos: 60s}
";

fn get(address: SocketAddr, path: &str, accept: &str) -> (u16, String) {
    common::http_get(address, path, accept)
}

fn start(kubeconfig: &Path, log: &Path, extra: &[&str]) -> Running {
    let mut args = vec![
        "scheduler",
        "run",
        "--bind-address=127.0.0.1:0",
        "--kube",
        "-n",
        "default",
        "--interval",
        "50ms",
        "--leader-elect-lease-duration=4s",
        "--leader-elect-renew-deadline=3s",
        "--leader-elect-retry-period=500ms",
    ];
    args.extend_from_slice(extra);
    start_logged(kubeconfig, &args, log)
}

/// The samples of a Prometheus text exposition.
fn parse(text: &str) -> prometheus_parse::Scrape {
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string())))
        .expect("the exposition parses")
}

/// The sum of `metric`'s samples whose labels include `labels`.
fn sum(scrape: &prometheus_parse::Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == metric)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => *v,
            prometheus_parse::Value::Histogram(buckets) => buckets
                .iter()
                .find(|b| b.less_than.is_infinite())
                .map_or(0.0, |b| b.count),
            prometheus_parse::Value::Summary(_) => 0.0,
        })
        .sum()
}

/// `promtool check metrics`: Prometheus's own parser and lint.
fn promtool_check(text: &str) {
    let out = std::process::Command::new(root().join("scripts/promtool.sh"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run scripts/promtool.sh");
    assert!(
        out.status.success(),
        "scripts/promtool.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let promtool = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let mut child = std::process::Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics:\n{}{}\n---\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The emulator's `QoS violations: V of M measured`.
fn measured_qos(summary: &str) -> (f64, f64) {
    let tail = summary
        .split("QoS violations: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no QoS line in {summary}"));
    let mut words = tail.split_whitespace();
    let violated: f64 = words.next().unwrap().parse().unwrap();
    assert_eq!(words.next(), Some("of"));
    let measured: f64 = words.next().unwrap().parse().unwrap();
    (violated, measured)
}

#[test]
fn metrics_count_what_the_cluster_saw_and_probes_tell_leader_from_standby() {
    let kube = Kube::up("metrics");
    let rt = common::runtime();

    // A standby-to-be and a leader: the first to start takes the lease.
    let leader_log = kube.dir.join("leader.log");
    let _leader = start(&kube.kubeconfig, &leader_log, &[]);
    let leader = served_address(&leader_log);
    // Ready at once (synced), leading once it takes the lease.
    wait_until("the leader to lead", Duration::from_secs(30), || {
        let (status, body) = get(leader, "/readyz", "*/*");
        (status == 200 && body.trim() == "ok: leading").then_some(())
    });
    let standby_log = kube.dir.join("standby.log");
    let _standby = start(&kube.kubeconfig, &standby_log, &[]);
    let standby = served_address(&standby_log);
    let body = wait_until("the standby to be ready", Duration::from_secs(30), || {
        let (status, body) = get(standby, "/readyz", "*/*");
        (status == 200).then_some(body)
    });
    assert_eq!(body.trim(), "ok: not leading (standby)");
    let (_, verbose) = get(standby, "/readyz?verbose", "*/*");
    assert!(verbose.contains("[+]informer-sync ok"), "{verbose}");
    assert!(
        verbose.contains("[+]leader-election not leading (standby)"),
        "{verbose}"
    );
    assert_eq!(get(standby, "/healthz", "*/*"), (200, "ok".to_string()));
    assert_eq!(get(standby, "/nothing", "*/*").0, 404);
    let standby_metrics = parse(&get(standby, "/metrics", "text/plain").1);
    assert_eq!(sum(&standby_metrics, "synergai_leader", &[]), 0.0);

    // The scenario, run to the end.
    let scenario = kube.dir.join("metrics.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let out = emulate(&kube.kubeconfig, &scenario, "5m")
        .wait_with_output()
        .unwrap();
    let summary =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "emulate failed:\n{summary}");
    assert!(
        summary.contains("summary: 8 jobs, 8 created, 8 completed"),
        "{summary}"
    );
    let (violated, measured) = measured_qos(&summary);
    assert_eq!(measured, 8.0, "{summary}");
    assert!(
        (1.0..8.0).contains(&violated),
        "both outcomes occur: {summary}"
    );

    let admin = rt.block_on(client(&kube.kubeconfig));
    let scheduled_events = rt.block_on(async {
        Api::<Event>::namespaced(admin.clone(), "default")
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .iter()
            .filter(|e| e.reason.as_deref() == Some("Scheduled"))
            .count() as f64
    });
    assert_eq!(scheduled_events, 8.0);

    // The leader's counters settle on what the cluster and emulate saw
    // (the last pods' endings reach it through its watch).
    let text = wait_until("the leader's QoS counts", Duration::from_secs(30), || {
        let text = get(leader, "/metrics", "text/plain").1;
        let scrape = parse(&text);
        let counted = sum(&scrape, "synergai_pod_qos_total", &[]);
        (counted == measured).then_some(text)
    });
    let scrape = parse(&text);
    let attempts = |result| {
        sum(
            &scrape,
            "synergai_schedule_attempts_total",
            &[("result", result), ("profile", "synergai")],
        )
    };
    assert_eq!(attempts("scheduled"), scheduled_events, "{text}");
    assert_eq!(attempts("error"), 0.0, "{text}");
    assert_eq!(
        sum(
            &scrape,
            "synergai_pod_qos_total",
            &[("outcome", "violated")]
        ),
        violated,
        "{text}"
    );
    assert_eq!(
        sum(&scrape, "synergai_pod_qos_total", &[("outcome", "met")]),
        measured - violated,
        "{text}"
    );
    // Every architecture that ran a job has its outcomes, and a ratio for
    // each of its pods predicted long enough for whole-second timestamps.
    let pods = rt.block_on(async {
        Api::<Pod>::namespaced(admin.clone(), "default")
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
    });
    let long_enough = |prefix: &str| {
        pods.iter()
            .filter(|p| {
                let node = p.spec.as_ref().and_then(|s| s.node_name.as_deref());
                node.is_some_and(|n| n.starts_with(prefix))
            })
            .filter(|p| {
                let predicted = p
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get("synergai.io/predicted-ms"))
                    .and_then(|v| v.parse::<f64>().ok())
                    .expect("every bound pod carries its prediction");
                predicted >= RATIO_MIN_PREDICTED_MS
            })
            .count() as f64
    };
    for (arch, prefix) in [("xeon-vm", "xeon"), ("agx-orin", "agx")] {
        let ran = sum(&scrape, "synergai_pod_qos_total", &[("arch", arch)]);
        assert!(ran >= 1.0, "{arch} ran nothing\n{text}");
        let ratios = sum(&scrape, "synergai_run_time_ratio", &[("arch", arch)]);
        assert_eq!(
            ratios,
            long_enough(prefix),
            "{arch}: one ratio per pod predicted >= 5 s\n{text}"
        );
    }
    assert!(
        sum(&scrape, "synergai_run_time_ratio", &[]) >= 1.0,
        "some run is long enough to be measured\n{text}"
    );
    assert_eq!(
        sum(&scrape, "synergai_pod_qos_total", &[("arch", "unknown")]),
        0.0
    );
    // One bind, one end-to-end latency per scheduled pod; a decision each.
    assert_eq!(sum(&scrape, "synergai_binding_duration_seconds", &[]), 8.0);
    assert_eq!(
        sum(&scrape, "synergai_pod_scheduling_duration_seconds", &[]),
        8.0
    );
    assert!(sum(&scrape, "synergai_decision_duration_seconds", &[]) >= 8.0);
    assert!(sum(&scrape, "synergai_scheduling_pass_duration_seconds", &[]) >= 1.0);
    assert_eq!(sum(&scrape, "synergai_pending_pods", &[]), 0.0);
    assert_eq!(sum(&scrape, "synergai_binds_in_flight", &[]), 0.0);
    assert_eq!(sum(&scrape, "synergai_leader", &[]), 1.0);
    assert_eq!(
        sum(&scrape, "synergai_profile_info", &[("name", "edge-cloud")]),
        1.0
    );
    assert_eq!(
        sum(
            &scrape,
            "synergai_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        1.0
    );
    promtool_check(&text);
    // OpenMetrics for a scraper that asks for it.
    let (status, open) = get(leader, "/metrics", "application/openmetrics-text");
    assert_eq!(status, 200);
    assert!(open.ends_with("# EOF\n"), "{open}");
    // The standby counted nothing: it did not lead.
    let standby_metrics = parse(&get(standby, "/metrics", "text/plain").1);
    assert_eq!(sum(&standby_metrics, "synergai_pod_qos_total", &[]), 0.0);
    assert_eq!(
        sum(
            &standby_metrics,
            "synergai_schedule_attempts_total",
            &[("result", "scheduled")]
        ),
        0.0
    );
}

#[test]
fn a_scheduler_whose_caches_have_not_synced_is_live_but_not_ready() {
    // An API server that accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in silent.incoming().take(16) {
            open.push(stream);
        }
    });
    let dir = std::env::temp_dir().join(format!("synergai-unsynced-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1
kind: Config
clusters: [{{name: silent, cluster: {{server: 'http://127.0.0.1:{port}'}}}}]
users: [{{name: nobody, user: {{token: x}}}}]
contexts: [{{name: silent, context: {{cluster: silent, user: nobody, namespace: default}}}}]
current-context: silent
"
        ),
    )
    .unwrap();
    let log = dir.join("scheduler.log");
    let _scheduler = start(&kubeconfig, &log, &[]);
    let address = served_address(&log);
    assert_eq!(get(address, "/healthz", "*/*"), (200, "ok".to_string()));
    let (status, body) = get(address, "/readyz", "*/*");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("not synced"), "{body}");
    let (_, verbose) = get(address, "/readyz?verbose", "*/*");
    assert!(verbose.contains("[-]informer-sync failed"), "{verbose}");
    drop(held);
    let _ = std::fs::remove_dir_all(&dir);
}
