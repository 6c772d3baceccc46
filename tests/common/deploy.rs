//! What `deploy/` ships, checked on the files themselves (tests/deploy.rs)
//! and on what `kubectl kustomize deploy/` renders from them and the API
//! server stores (tests/deploy_kube.rs).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub const NAMESPACE: &str = "synergai-system";
pub const NAME: &str = "synergai-scheduler";
pub const IMAGE: &str = "synergai:latest";
pub const PORT_NAME: &str = "http-metrics";
pub const PORT: i32 = 10251;
/// The image's user and group.
pub const UID: i64 = 65532;

pub fn dir() -> PathBuf {
    super::root().join("deploy")
}

/// Every YAML document of `text`; documents holding only comments are
/// dropped.
pub fn documents(text: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(text)
        .expect("YAML documents")
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

/// `deploy/kustomization.yaml`.
pub fn kustomization() -> Value {
    let text = std::fs::read_to_string(dir().join("kustomization.yaml")).unwrap();
    serde_saphyr::from_str(&text).expect("deploy/kustomization.yaml")
}

/// The files the kustomization lists under `resources:`, in its order.
pub fn resources() -> Vec<String> {
    kustomization()["resources"]
        .as_array()
        .expect("resources: in deploy/kustomization.yaml")
        .iter()
        .map(|r| r.as_str().expect("a file name").to_string())
        .collect()
}

/// Every object of the files the kustomization lists, as written.
pub fn sources() -> Vec<Value> {
    resources()
        .iter()
        .flat_map(|file| {
            documents(
                &std::fs::read_to_string(dir().join(file)).unwrap_or_else(|e| {
                    panic!("deploy/{file}, listed in deploy/kustomization.yaml: {e}")
                }),
            )
        })
        .collect()
}

/// `apiVersion`, `kind`, namespace ("" when cluster-scoped) and name.
pub type Key = (String, String, String, String);

pub fn key(o: &Value) -> Key {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    (
        s(&o["apiVersion"]),
        s(&o["kind"]),
        s(&o["metadata"]["namespace"]),
        s(&o["metadata"]["name"]),
    )
}

/// The only object of `kind` among `objects`.
pub fn only<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
    let found: Vec<&Value> = objects.iter().filter(|o| o["kind"] == kind).collect();
    assert_eq!(found.len(), 1, "exactly one {kind} in deploy/");
    found[0]
}

fn labels(v: &Value) -> BTreeMap<String, String> {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

/// `subset` ⊆ `of`: every label of `subset` has the same value in `of`.
fn selects(subset: &BTreeMap<String, String>, of: &BTreeMap<String, String>) -> bool {
    !subset.is_empty() && subset.iter().all(|(k, v)| of.get(k) == Some(v))
}

/// The objects are a working install of the scheduler: one of each kind,
/// in the right namespace, and each refers to the others by the right
/// name. Panics naming what is wrong.
pub fn check_install(objects: &[Value]) {
    let namespace = only(objects, "Namespace");
    assert_eq!(namespace["metadata"]["name"], NAMESPACE);
    for o in objects {
        let (_, kind, ns, name) = key(o);
        let cluster_scoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"];
        if cluster_scoped.contains(&kind.as_str()) {
            assert_eq!(ns, "", "{kind} {name} is cluster-scoped");
        } else {
            assert_eq!(ns, NAMESPACE, "{kind} {name} is not in {NAMESPACE}");
        }
    }

    let account = only(objects, "ServiceAccount");
    assert_eq!(account["metadata"]["name"], NAME);
    let role = only(objects, "ClusterRole");
    let binding = only(objects, "ClusterRoleBinding");
    assert_eq!(binding["roleRef"]["kind"], "ClusterRole");
    assert_eq!(binding["roleRef"]["name"], role["metadata"]["name"]);
    let subjects = binding["subjects"].as_array().expect("subjects");
    assert_eq!(subjects.len(), 1, "the binding names only the scheduler");
    assert_eq!(subjects[0]["kind"], "ServiceAccount");
    assert_eq!(subjects[0]["name"], NAME);
    assert_eq!(subjects[0]["namespace"], NAMESPACE);

    let value = only(objects, "Deployment");
    let deployment: Deployment =
        serde_json::from_value(value.clone()).expect("the Deployment parses");
    check_scheduler(&deployment);
    let pod = &value["spec"]["template"];
    assert_eq!(pod["spec"]["serviceAccountName"], NAME);
    let profile = only(objects, "ConfigMap");
    let args: Vec<&str> = pod["spec"]["containers"][0]["args"]
        .as_array()
        .expect("args")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let reference = args
        .iter()
        .position(|a| *a == "--profile")
        .and_then(|i| args.get(i + 1))
        .expect("--profile");
    assert_eq!(
        reference.split_whitespace().next(),
        Some(
            format!(
                "configmap:{}",
                profile["metadata"]["name"].as_str().unwrap()
            )
            .as_str()
        ),
        "the scheduler reads the profile ConfigMap of its namespace"
    );
    assert!(profile["data"]["profile.yaml"].is_string());
    let pod_labels = labels(&pod["metadata"]["labels"]);
    let selector = labels(&value["spec"]["selector"]["matchLabels"]);
    let annotations = &pod["metadata"]["annotations"];
    assert_eq!(annotations["prometheus.io/scrape"], "true");
    assert_eq!(annotations["prometheus.io/port"], PORT.to_string());
    assert_eq!(annotations["prometheus.io/path"], "/metrics");

    let budget = only(objects, "PodDisruptionBudget");
    assert_eq!(budget["metadata"]["name"], NAME);
    assert_eq!(budget["spec"]["minAvailable"], 1);
    assert!(budget["spec"]["maxUnavailable"].is_null());
    assert_eq!(
        labels(&budget["spec"]["selector"]["matchLabels"]),
        selector,
        "the PodDisruptionBudget selects the Deployment's pods"
    );

    let service = only(objects, "Service");
    assert_eq!(service["metadata"]["name"], "synergai-scheduler-metrics");
    assert_eq!(service["spec"]["type"], "ClusterIP");
    assert!(
        selects(&labels(&service["spec"]["selector"]), &pod_labels),
        "the metrics Service selects the scheduler's pods"
    );
    let ports = service["spec"]["ports"].as_array().expect("ports");
    assert_eq!(ports.len(), 1);
    assert_eq!(ports[0]["name"], PORT_NAME);
    assert_eq!(ports[0]["port"], PORT);
    assert_eq!(ports[0]["targetPort"], PORT_NAME);
    assert_eq!(ports[0]["protocol"], "TCP");
    assert!(
        service["metadata"]["annotations"]["prometheus.io/scrape"].is_null(),
        "the pods carry the scrape annotations; on the Service too, they would be scraped twice"
    );
}

/// The scheduler's Deployment: two spread replicas, leader election,
/// probes on the metrics port, a restrictive security context, resources.
pub fn check_scheduler(deployment: &Deployment) {
    let spec = deployment.spec.as_ref().expect("spec");
    assert_eq!(spec.replicas, Some(2), "two replicas");
    let selector = spec.selector.match_labels.clone().unwrap_or_default();
    let template = &spec.template;
    let pod_labels = template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    assert!(
        selects(&selector, &pod_labels),
        "the selector selects the pods"
    );
    let pod = template.spec.as_ref().expect("pod spec");
    assert!(
        pod.scheduler_name.is_none() || pod.scheduler_name.as_deref() == Some("default-scheduler"),
        "the scheduler's own pods are placed by kube-scheduler"
    );

    // Spread: preferred anti-affinity on the host name, against itself.
    let terms = pod
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .and_then(|a| {
            a.preferred_during_scheduling_ignored_during_execution
                .clone()
        })
        .unwrap_or_default();
    assert!(
        terms.iter().any(|t| {
            t.pod_affinity_term.topology_key == "kubernetes.io/hostname"
                && t.pod_affinity_term
                    .label_selector
                    .as_ref()
                    .and_then(|s| s.match_labels.as_ref())
                    .is_some_and(|l| selects(l, &pod_labels))
        }),
        "the replicas prefer different nodes"
    );

    let security = pod.security_context.as_ref().expect("pod securityContext");
    assert_eq!(security.run_as_non_root, Some(true));
    assert_eq!(security.run_as_user, Some(UID));
    assert_eq!(security.run_as_group, Some(UID));
    assert_eq!(
        security.seccomp_profile.as_ref().map(|p| p.type_.as_str()),
        Some("RuntimeDefault")
    );

    assert_eq!(pod.containers.len(), 1);
    let c = &pod.containers[0];
    assert_eq!(c.image.as_deref(), Some(IMAGE));
    assert_eq!(c.image_pull_policy.as_deref(), Some("IfNotPresent"));
    let security = c
        .security_context
        .as_ref()
        .expect("container securityContext");
    assert_eq!(security.allow_privilege_escalation, Some(false));
    assert_eq!(security.read_only_root_filesystem, Some(true));
    assert_ne!(security.privileged, Some(true));
    assert_eq!(
        security.capabilities.as_ref().and_then(|c| c.drop.clone()),
        Some(vec!["ALL".to_string()]),
        "every capability dropped"
    );
    assert!(
        security
            .capabilities
            .as_ref()
            .and_then(|c| c.add.as_ref())
            .is_none_or(|a| a.is_empty()),
        "no capability added"
    );

    let ports = c.ports.clone().unwrap_or_default();
    assert!(
        ports.iter().any(|p| p.name.as_deref() == Some(PORT_NAME)
            && p.container_port == PORT
            && p.protocol.as_deref().unwrap_or("TCP") == "TCP"),
        "container port {PORT_NAME} {PORT}/TCP"
    );
    for (probe, path) in [
        (&c.liveness_probe, "/healthz"),
        (&c.readiness_probe, "/readyz"),
    ] {
        let get = probe
            .as_ref()
            .and_then(|p| p.http_get.as_ref())
            .unwrap_or_else(|| panic!("an httpGet probe on {path}"));
        assert_eq!(get.path.as_deref(), Some(path));
        assert_eq!(get.port, IntOrString::String(PORT_NAME.into()), "{path}");
        assert_ne!(get.scheme.as_deref(), Some("HTTPS"), "{path}: plain HTTP");
    }
    // A standby is Ready (readyz answers 200 once its caches synced), and
    // liveness gives a busy scheduler time before a restart.
    let live = c.liveness_probe.as_ref().unwrap();
    let period = live.period_seconds.unwrap_or(10);
    let failures = live.failure_threshold.unwrap_or(3);
    assert!(
        period * failures >= 30,
        "liveness restarts after ≥ 30 s of failures"
    );

    let resources = c.resources.as_ref().expect("resources");
    let requests = resources.requests.clone().unwrap_or_default();
    assert!(requests.contains_key("cpu") && requests.contains_key("memory"));
    let limits = resources.limits.clone().unwrap_or_default();
    assert!(limits.contains_key("memory"), "a memory limit");

    let args = c.args.clone().unwrap_or_default();
    assert_eq!(args[..3], ["scheduler", "run", "--kube"]);
    let value = |flag: &str| -> Option<String> {
        args.iter().enumerate().find_map(|(i, a)| {
            if a == flag {
                args.get(i + 1).cloned()
            } else {
                a.strip_prefix(&format!("{flag}=")).map(str::to_string)
            }
        })
    };
    assert!(
        value("--leader-elect").is_none_or(|v| v == "true"),
        "leader election stays on (two replicas): {args:?}"
    );
    assert!(
        !args
            .iter()
            .any(|a| a == "--leader-elect-resource-namespace"),
        "the Lease lives in the scheduler's namespace"
    );
    let bind = value("--bind-address").expect("--bind-address");
    assert!(
        bind.ends_with(&format!(":{PORT}")) && !bind.starts_with("127."),
        "--bind-address {bind} serves the probes on port {PORT} outside the pod"
    );
    let profile = value("--profile").expect("--profile");
    assert!(
        profile.starts_with("configmap:") && !profile.contains('/'),
        "--profile {profile} is a ConfigMap of the scheduler's namespace (reloaded on change)"
    );
}
