//! `synergai scheduler run --kube` as it runs in a pod: no kubeconfig
//! anywhere, the service account's token, CA and namespace under
//! `/var/run/secrets/kubernetes.io/serviceaccount`, and
//! `KUBERNETES_SERVICE_HOST/PORT` — against the real test API server, as
//! the service account `deploy/` creates and binds. The secrets directory
//! exists only in a private mount namespace (`unshare --mount`), so the
//! test never sees (or uses) a token the machine may have.

use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding};
use kube::api::{Api, PostParams};
use std::path::Path;
use std::process::{Command, Stdio};

mod common;

use common::{Kube, Running, client, root};

const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: in-cluster}
spec:
  profile: builtin:edge-cloud
  nodes:
    - {name: xeon, replicas: 2, arch: xeon-vm, tier: cloud, cores: 16, memory: 32Gi, network: 40ms}
  workload:
    jobs:
      - {name: ic-1, arrival: 0s, model: resnet50, queries: 100, qos: 60s}
      - {name: ic-2, arrival: 0s, model: mobilenet-v2, queries: 100, qos: 60s}
      - {name: ic-3, arrival: 1s, model: resnet50, queries: 50, qos: 60s}
      - {name: ic-4, arrival: 2s, model: bert-base, queries: 20, qos: 60s}
";

/// The documents of a `deploy/` manifest.
fn documents(file: &str) -> Vec<String> {
    std::fs::read_to_string(root().join("deploy").join(file))
        .unwrap()
        .split("\n---\n")
        .map(str::to_string)
        .filter(|d| d.contains("kind:"))
        .collect()
}

/// `deploy/namespace.yaml` (namespace, service account) and
/// `deploy/rbac.yaml` (role, binding) applied as an operator would; a
/// token for the service account (TokenRequest, as the kubelet gets one).
async fn service_account_token(kubeconfig: &Path) -> String {
    let admin = client(kubeconfig).await;
    let create = PostParams::default();
    for doc in documents("namespace.yaml") {
        if doc.contains("kind: Namespace") {
            let ns: Namespace = serde_saphyr::from_str(&doc).unwrap();
            Api::<Namespace>::all(admin.clone())
                .create(&create, &ns)
                .await
                .unwrap();
        } else {
            let sa: ServiceAccount = serde_saphyr::from_str(&doc).unwrap();
            let ns = sa.metadata.namespace.clone().unwrap();
            Api::<ServiceAccount>::namespaced(admin.clone(), &ns)
                .create(&create, &sa)
                .await
                .unwrap();
        }
    }
    for doc in documents("rbac.yaml") {
        if doc.contains("kind: ClusterRoleBinding") {
            let binding: ClusterRoleBinding = serde_saphyr::from_str(&doc).unwrap();
            Api::<ClusterRoleBinding>::all(admin.clone())
                .create(&create, &binding)
                .await
                .unwrap();
        } else {
            let role: ClusterRole = serde_saphyr::from_str(&doc).unwrap();
            Api::<ClusterRole>::all(admin.clone())
                .create(&create, &role)
                .await
                .unwrap();
        }
    }
    let request: TokenRequest = serde_json::from_value(serde_json::json!({
        "spec": {"audiences": [], "expirationSeconds": 3600}
    }))
    .unwrap();
    let answer: TokenRequest = Api::<ServiceAccount>::namespaced(admin, "synergai-system")
        .create_subresource("token", "synergai-scheduler", &create, &request)
        .await
        .unwrap();
    answer.status.expect("a token").token
}

#[test]
fn the_scheduler_runs_in_cluster_as_the_deploy_service_account() {
    let probe = Command::new("unshare")
        .args(["--mount", "true"])
        .status()
        .expect("run unshare (util-linux)");
    assert!(
        probe.success(),
        "this test needs a private mount namespace (`unshare --mount`, root or user namespaces)"
    );
    let kube = Kube::up("incluster");
    let runtime = common::runtime();
    let token = runtime.block_on(service_account_token(&kube.kubeconfig));

    // What the kubelet projects into the pod.
    let secrets = kube.dir.join("serviceaccount");
    std::fs::create_dir_all(&secrets).unwrap();
    std::fs::write(secrets.join("token"), token).unwrap();
    std::fs::copy(kube.dir.join("pki/ca.crt"), secrets.join("ca.crt")).unwrap();
    std::fs::write(secrets.join("namespace"), "synergai-system").unwrap();
    let env = std::fs::read_to_string(kube.dir.join("env")).unwrap();
    let port = env
        .lines()
        .find_map(|l| l.strip_prefix("API_PORT="))
        .expect("API_PORT in the test cluster's env file")
        .to_string();
    let home = kube.dir.join("empty-home");
    std::fs::create_dir_all(&home).unwrap();

    // The pod: /run (= /var/run) is a fresh tmpfs in a private mount
    // namespace, with only the service account's files in it.
    let log = kube.dir.join("scheduler.log");
    let scheduler = Running(
        Command::new("unshare")
            .args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg(
                "set -e; mount -t tmpfs tmpfs /run; \
                 mkdir -p /run/secrets/kubernetes.io/serviceaccount; \
                 mount --bind \"$1\" /run/secrets/kubernetes.io/serviceaccount; \
                 shift; exec \"$@\"",
            )
            .arg("sh")
            .arg(&secrets)
            .arg(env!("CARGO_BIN_EXE_synergai"))
            .args([
                "scheduler",
                "run",
                "--bind-address=127.0.0.1:0",
                "--kube",
                "--all-namespaces",
                "--interval",
                "50ms",
            ])
            .env_remove("KUBECONFIG")
            .env("HOME", &home)
            .env("KUBERNETES_SERVICE_HOST", "127.0.0.1")
            .env("KUBERNETES_SERVICE_PORT", &port)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start the scheduler in a private mount namespace"),
    );
    let scheduler_log = || std::fs::read_to_string(&log).unwrap_or_default();
    common::wait_until(
        "the in-cluster scheduler to watch",
        std::time::Duration::from_secs(30),
        || scheduler_log().contains("watching").then_some(()),
    );
    let watching = scheduler_log();
    assert!(
        watching.contains(&format!("watching https://127.0.0.1:{port}")),
        "{watching}"
    );

    let scenario = kube.dir.join("in-cluster.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let out = common::emulate(&kube.kubeconfig, &scenario, "2m")
        .wait_with_output()
        .unwrap();
    let summary = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{summary}{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        scheduler_log()
    );
    assert!(
        summary.contains("summary: 4 jobs, 4 created, 4 completed, 0 failed, 0 running, 0 pending"),
        "{summary}\n{}",
        scheduler_log()
    );
    let bound = scheduler_log().matches("bound default/ic-").count();
    assert_eq!(bound, 4, "{}", scheduler_log());
    drop(scheduler);
}
