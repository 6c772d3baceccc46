//! `scheduler run --config FILE` on the real test API server: the
//! SchedulerConfiguration sets what it names, flags win over it, and the
//! profile — read from a ConfigMap, or from a file — is reloaded when it
//! changes, without a restart: a valid change replaces it (logged, counted
//! in `synergai_profile_reloads_total`, `synergai_profile_info` names the
//! new digest), an invalid one is logged with its line and column and
//! counted, and the scheduler keeps the profile it had and goes on binding.

mod common;

use common::{Kube, client, emulate, root, served_address, start_logged, wait_until};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;
use synergai::k8s::scheduler::metrics::digest;

const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: config}
spec:
  profile: builtin:edge-cloud
  nodes:
    - {name: xeon, replicas: 1, arch: xeon-vm, tier: cloud, cores: 16, memory: 32Gi, network: 40ms}
  workload:
    jobs:
      - {name: c-1, arrival: 0s, model: resnet50, queries: 50, qos: 60s}
      - {name: c-2, arrival: 0s, model: mobilenet-v2, queries: 50, qos: 60s}
";

fn metrics(address: SocketAddr) -> String {
    common::http_get(address, "/metrics", "text/plain").1
}

/// A profile text that differs from the shipped one only in its
/// description (so it validates and has another digest).
fn edited(profile: &str, description: &str) -> String {
    let marker = "  description: \"Edge-to-cloud cluster";
    let start = profile
        .find(marker)
        .expect("the shipped profile's description");
    let end = start + profile[start..].find('\n').unwrap();
    format!(
        "{}  description: \"{description}\"{}",
        &profile[..start],
        &profile[end..]
    )
}

/// Waits until the scheduler's metrics contain every line of `wanted`.
fn wait_for_metrics(address: SocketAddr, what: &str, wanted: &[String]) -> String {
    wait_until(what, Duration::from_secs(20), || {
        let text = metrics(address);
        wanted
            .iter()
            .all(|w| text.lines().any(|l| l == w))
            .then_some(text)
    })
}

#[test]
fn the_configuration_file_sets_and_flags_override_and_the_profile_reloads() {
    let kube = Kube::up("config");
    let rt = common::runtime();
    let admin = rt.block_on(client(&kube.kubeconfig));
    let shipped =
        std::fs::read_to_string(root().join("fixtures/profiles/edge-cloud.yaml")).unwrap();
    let maps: Api<ConfigMap> = Api::namespaced(admin.clone(), "default");
    let map: ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "synergai-profile"},
        "data": {"profile.yaml": shipped}
    }))
    .unwrap();
    rt.block_on(maps.create(&PostParams::default(), &map))
        .unwrap();

    let config = kube.dir.join("scheduler-config.yaml");
    std::fs::write(
        &config,
        "apiVersion: synergai.io/v1alpha1
kind: SchedulerConfiguration
metadata: {name: config-test}
spec:
  policy: slo-energy
  interval: 50ms
  namespace: default
  bindAddress: 127.0.0.1:0
  leaderElection: {leaderElect: false}
  profileConfigMap: {name: synergai-profile}
  profileReloadInterval: 200ms
",
    )
    .unwrap();
    let log = kube.dir.join("scheduler.log");
    // The flag wins over the file's policy.
    let _scheduler = start_logged(
        &kube.kubeconfig,
        &[
            "scheduler",
            "run",
            "--kube",
            "--config",
            config.to_str().unwrap(),
            "--policy",
            "synergai",
        ],
        &log,
    );
    let address = served_address(&log);
    let log_text = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_until("the scheduler to watch", Duration::from_secs(30), || {
        log_text().contains("watching").then_some(())
    });
    let text = log_text();
    assert!(text.contains("policy synergai"), "{text}");
    assert!(text.contains("(default namespaces)"), "{text}");
    assert!(!text.contains("leader election on"), "{text}");
    assert!(
        text.contains("from configmap:synergai-profile (key profile.yaml)"),
        "{text}"
    );
    wait_for_metrics(
        address,
        "the shipped profile",
        &[format!(
            "synergai_profile_info{{name=\"edge-cloud\",digest=\"{}\"}} 1",
            digest(&shipped)
        )],
    );

    // A valid change: reloaded, counted, named by its new digest.
    let changed = edited(&shipped, "edited in place");
    let set = |text: &str| {
        rt.block_on(maps.patch(
            "synergai-profile",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"profile.yaml": text}})),
        ))
        .unwrap();
    };
    set(&changed);
    wait_for_metrics(
        address,
        "the reload",
        &[
            format!(
                "synergai_profile_info{{name=\"edge-cloud\",digest=\"{}\"}} 1",
                digest(&changed)
            ),
            "synergai_profile_reloads_total{result=\"success\"} 1".into(),
        ],
    );
    assert!(
        log_text().contains("profile reloaded: edge-cloud"),
        "{}",
        log_text()
    );

    // An invalid change: logged with where and why, counted, not used.
    let broken = changed.replace("kneeThreshold: 0.9", "kneeThreshold: 7");
    assert_ne!(broken, changed);
    set(&broken);
    let text = wait_for_metrics(
        address,
        "the refused reload",
        &["synergai_profile_reloads_total{result=\"error\"} 1".into()],
    );
    assert!(
        text.contains(&format!("digest=\"{}\"", digest(&changed))),
        "the last valid profile stays: {text}"
    );
    let line = wait_until("the refusal in the log", Duration::from_secs(10), || {
        log_text()
            .lines()
            .find(|l| l.contains("profile not reloaded"))
            .map(str::to_string)
    });
    assert!(
        line.contains("configmap default/synergai-profile key profile.yaml:")
            && line.contains("kneeThreshold"),
        "{line}"
    );

    // And it goes on scheduling with the profile it kept.
    let scenario = kube.dir.join("config.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let out = emulate(&kube.kubeconfig, &scenario, "3m")
        .wait_with_output()
        .unwrap();
    let summary =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{summary}");
    assert!(
        summary.contains("2 jobs, 2 created, 2 completed"),
        "{summary}"
    );
}

#[test]
fn a_profile_file_is_reloaded_when_it_changes() {
    let kube = Kube::up("config-file");
    let shipped =
        std::fs::read_to_string(root().join("fixtures/profiles/edge-cloud.yaml")).unwrap();
    let profile = kube.dir.join("profile.yaml");
    std::fs::write(&profile, &shipped).unwrap();
    let log = kube.dir.join("scheduler.log");
    let _scheduler = start_logged(
        &kube.kubeconfig,
        &[
            "scheduler",
            "run",
            "--bind-address=127.0.0.1:0",
            "--kube",
            "-n",
            "default",
            "--leader-elect=false",
            "--profile",
            profile.to_str().unwrap(),
            "--profile-reload-interval",
            "200ms",
        ],
        &log,
    );
    let address = served_address(&log);
    wait_for_metrics(
        address,
        "the file's profile",
        &[format!(
            "synergai_profile_info{{name=\"edge-cloud\",digest=\"{}\"}} 1",
            digest(&shipped)
        )],
    );
    // Replaced as the kubelet updates a mounted ConfigMap: a new file
    // renamed over the old one.
    let changed = edited(&shipped, "a new file");
    let staged = kube.dir.join("profile.yaml.new");
    std::fs::write(&staged, &changed).unwrap();
    std::fs::rename(&staged, &profile).unwrap();
    wait_for_metrics(
        address,
        "the file reload",
        &[
            format!(
                "synergai_profile_info{{name=\"edge-cloud\",digest=\"{}\"}} 1",
                digest(&changed)
            ),
            "synergai_profile_reloads_total{result=\"success\"} 1".into(),
        ],
    );
}
