//! `synergai profile measure --kube`: the measurement run on the cluster's
//! own boards, one pod per architecture.
//!
//! For each value of the `synergai.io/arch` label among the Ready,
//! schedulable nodes, one node is chosen (the one with the most free CPU,
//! then by name) and a pod of the project's image runs `synergai profile
//! measure --arch ARCH …` on it. The pod names its node (`spec.nodeName`,
//! so no scheduler has to agree) and requests, with equal limits, all the
//! CPU and memory that node has free: nothing else is scheduled there
//! while it measures, and the pod is in the Guaranteed QoS class (whole
//! cores under the kubelet's static CPU manager). Its profile is read from
//! its log (`pods/log`, as `kubectl logs`; the pod needs no API access at
//! all), and the pods are deleted once read (`--keep-pods` keeps them).
//!
//! Applying the result (`--apply`) server-side-applies the profile
//! ConfigMap the scheduler reads (`scheduler run --profile
//! configmap:NAMESPACE/NAME`), which reloads it without a restart.

use super::client::Connection;
use super::mapping::{
    LABEL_ARCH, Requests, node_ready, node_resources, pod_is_terminal, pod_requests,
};
use crate::error::{Error, Result};
use ::kube::api::{Api, DeleteParams, ListParams, LogParams, Patch, PatchParams, PostParams};
use k8s_openapi::api::core::v1::{ConfigMap, Node, Pod};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

/// The measurement pods' `app.kubernetes.io/component`.
pub const COMPONENT: &str = "profile-measure";
/// The measurement pods' one container.
pub const CONTAINER: &str = "measure";
/// The field manager of the applied profile ConfigMap.
pub const MANAGER: &str = "synergai-profile-measure";

/// What to measure where.
#[derive(Clone, Debug)]
pub struct Request {
    /// The project's image (its entrypoint is `synergai`).
    pub image: String,
    /// `profile measure` arguments every pod gets (models, engines,
    /// threads, duration…); `--arch` is added per pod.
    pub args: Vec<String>,
    /// Only these architectures (all labelled ones when empty).
    pub arches: Vec<String>,
    pub timeout: Duration,
    pub keep_pods: bool,
}

/// One architecture's result.
#[derive(Clone, Debug)]
pub struct Measured {
    pub arch: String,
    pub node: String,
    pub pod: String,
    /// The profile the pod printed.
    pub text: String,
}

/// Where an architecture is measured: a node and what it has free, or why
/// none of its nodes can take the measurement.
pub type Choice = std::result::Result<(Node, Requests), String>;

/// The node each architecture is measured on: Ready, schedulable, labelled
/// `synergai.io/arch`; the most free CPU wins, then the name. An
/// architecture whose best node has less than one core or 256 MiB free is
/// not measured (its `Err` says why); no labelled node at all, or none for
/// an architecture asked for by name, is an error.
pub fn choose_nodes(
    nodes: &[Node],
    pods: &[Pod],
    only: &[String],
) -> Result<Vec<(String, Choice)>> {
    let mut held: BTreeMap<String, Requests> = BTreeMap::new();
    for pod in pods.iter().filter(|p| !pod_is_terminal(p)) {
        let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
            continue;
        };
        if let Ok(r) = pod_requests(pod) {
            held.entry(node).or_default().add(&r);
        }
    }
    let mut best: BTreeMap<String, (Node, Requests)> = BTreeMap::new();
    for node in nodes {
        let name = node.metadata.name.clone().unwrap_or_default();
        let Some(arch) = node
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(LABEL_ARCH))
            .cloned()
        else {
            continue;
        };
        if !only.is_empty() && !only.contains(&arch) {
            continue;
        }
        let cordoned = node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true);
        if cordoned || !node_ready(node) {
            continue;
        }
        let Ok(total) = node_resources(node) else {
            continue;
        };
        let used = held.get(&name).cloned().unwrap_or_default();
        let free = Requests {
            cpu_millis: total.value.cpu_millis.saturating_sub(used.cpu_millis),
            memory_bytes: total.value.memory_bytes.saturating_sub(used.memory_bytes),
            gpus: total.value.gpus.saturating_sub(used.gpus),
        };
        let better = best.get(&arch).is_none_or(|(n, f)| {
            let other = n.metadata.name.clone().unwrap_or_default();
            (free.cpu_millis, std::cmp::Reverse(&name)) > (f.cpu_millis, std::cmp::Reverse(&other))
        });
        if better {
            best.insert(arch, (node.clone(), free));
        }
    }
    for arch in only {
        if !best.contains_key(arch) {
            return Err(Error::Cluster(format!(
                "no Ready, schedulable node is labelled {LABEL_ARCH}={arch}"
            )));
        }
    }
    if best.is_empty() {
        return Err(Error::Cluster(format!(
            "no Ready, schedulable node carries the {LABEL_ARCH} label: label one node per architecture (kubectl label node NODE {LABEL_ARCH}=NAME)"
        )));
    }
    Ok(best
        .into_iter()
        .map(|(arch, (node, free))| {
            let choice = if free.cpu_millis < 1000 || free.memory_bytes < 256 << 20 {
                Err(format!(
                    "its freest node, {}, has {}m CPU and {} MiB free: too little to measure on (free one core and 256 MiB there, e.g. kubectl drain)",
                    node.metadata.name.as_deref().unwrap_or(""),
                    free.cpu_millis,
                    free.memory_mib()
                ))
            } else {
                Ok((node, free))
            };
            (arch, choice)
        })
        .collect())
}

/// The measurement pod of `arch` on `node`, holding `free`.
pub fn measure_pod(arch: &str, node: &str, free: &Requests, request: &Request, run: &str) -> Pod {
    let mut args = vec!["profile".to_string(), "measure".to_string()];
    args.extend(request.args.iter().cloned());
    args.extend(["--arch".to_string(), arch.to_string()]);
    let resources = json!({
        "cpu": format!("{}m", free.cpu_millis),
        "memory": format!("{}Mi", free.memory_mib().max(1)),
    });
    let base: String = format!("synergai-measure-{arch}-")
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(52)
        .collect();
    serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "generateName": base,
            "labels": {
                "app.kubernetes.io/name": "synergai",
                "app.kubernetes.io/component": COMPONENT,
                "app.kubernetes.io/managed-by": MANAGER,
                "synergai.io/measure-run": run,
                LABEL_ARCH: arch,
            },
        },
        "spec": {
            "nodeName": node,
            "restartPolicy": "Never",
            "automountServiceAccountToken": false,
            "containers": [{
                "name": CONTAINER,
                "image": request.image,
                "args": args,
                "env": [{"name": "RUST_LOG", "value": "error"}],
                "resources": {"requests": resources, "limits": resources},
                "terminationMessagePolicy": "FallbackToLogsOnError",
                "securityContext": {
                    "allowPrivilegeEscalation": false,
                    "capabilities": {"drop": ["ALL"]},
                    "runAsNonRoot": true,
                },
            }],
        },
    }))
    .expect("a well-formed Pod")
}

/// An architecture that was not measured, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Missing {
    pub arch: String,
    pub why: String,
}

/// What a run gave: the architectures measured and those that were not.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub measured: Vec<Measured>,
    pub missing: Vec<Missing>,
}

/// A measurement pod created for an architecture.
struct Created {
    arch: String,
    node: String,
    pod: String,
}

/// Runs the measurement pods and reads their profiles. An architecture
/// that cannot be measured (no room on its nodes, a pod that cannot be
/// created, fails, never finishes within the timeout, or is deleted) is in
/// the report's `missing` with the reason; the others still report. The
/// pods are deleted at the end (also on failure, timeout or Ctrl-C)
/// unless `keep_pods`.
pub async fn measure(conn: &Connection, request: &Request) -> Result<Report> {
    let api = |e: ::kube::Error, what: &str| Error::Cluster(format!("{what}: {e}"));
    let nodes: Api<Node> = Api::all(conn.client.clone());
    let all_pods: Api<Pod> = Api::all(conn.client.clone());
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let node_list = nodes
        .list(&ListParams::default())
        .await
        .map_err(|e| api(e, "list nodes"))?
        .items;
    let pod_list = all_pods
        .list(&ListParams::default())
        .await
        .map_err(|e| api(e, "list pods"))?
        .items;
    let chosen = choose_nodes(&node_list, &pod_list, &request.arches)?;
    let run = format!("{:x}", super::now_ms() as u64);
    let mut report = Report::default();
    let mut created: Vec<Created> = Vec::new();
    for (arch, choice) in chosen {
        let (node, free) = match choice {
            Ok(c) => c,
            Err(why) => {
                tracing::warn!("{arch}: not measured: {why}");
                report.missing.push(Missing { arch, why });
                continue;
            }
        };
        let node_name = node.metadata.name.clone().unwrap_or_default();
        let pod = measure_pod(&arch, &node_name, &free, request, &run);
        match pods.create(&PostParams::default(), &pod).await {
            Ok(p) => {
                let name = p.metadata.name.unwrap_or_default();
                tracing::info!(
                    "{arch}: pod {}/{name} measures on node {node_name} ({}m CPU, {} MiB)",
                    conn.namespace,
                    free.cpu_millis,
                    free.memory_mib()
                );
                created.push(Created {
                    arch,
                    node: node_name,
                    pod: name,
                });
            }
            Err(e) => {
                let why = format!("cannot create its pod in namespace {}: {e}", conn.namespace);
                tracing::warn!("{arch}: not measured: {why}");
                report.missing.push(Missing { arch, why });
            }
        }
    }
    let waited = tokio::select! {
        r = wait_and_read(&pods, &conn.namespace, &created, request.timeout, &mut report) => r,
        _ = tokio::signal::ctrl_c() => Err(Error::Cluster(format!(
            "interrupted: nothing written{}",
            if request.keep_pods { "" } else { "; the measurement pods are deleted" }
        ))),
    };
    if request.keep_pods {
        tracing::info!("measurement pods kept (--keep-pods)");
    } else {
        for c in &created {
            if let Err(e) = pods.delete(&c.pod, &DeleteParams::default()).await {
                tracing::warn!("cannot delete pod {}/{}: {e}", conn.namespace, c.pod);
            }
        }
    }
    waited?;
    report.measured.sort_by(|a, b| a.arch.cmp(&b.arch));
    report.missing.sort_by(|a, b| a.arch.cmp(&b.arch));
    Ok(report)
}

/// Why a pod has not started: its container's waiting reason and message
/// (an image that cannot be pulled) or a condition that is not true (not
/// schedulable).
fn not_started(pod: &Pod) -> String {
    let status = pod.status.as_ref();
    let with = |reason: Option<&str>, message: Option<&str>| {
        format!(
            "{}{}",
            reason.unwrap_or("waiting"),
            message.map(|m| format!(" ({m})")).unwrap_or_default()
        )
    };
    let waiting = status
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|c| c.first())
        .and_then(|c| c.state.as_ref()?.waiting.as_ref());
    if let Some(w) = waiting {
        return format!(": {}", with(w.reason.as_deref(), w.message.as_deref()));
    }
    status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.status == "False"))
        .map(|c| {
            format!(
                ": {} {}",
                c.type_,
                with(c.reason.as_deref(), c.message.as_deref())
            )
        })
        .unwrap_or_default()
}

async fn wait_and_read(
    pods: &Api<Pod>,
    namespace: &str,
    created: &[Created],
    timeout: Duration,
    report: &mut Report,
) -> Result<()> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut phases: BTreeMap<String, String> = BTreeMap::new();
    // The latest version of each pod; `None` once it is gone.
    let mut latest: BTreeMap<String, Option<Pod>> = BTreeMap::new();
    loop {
        for c in created {
            if matches!(latest.get(&c.pod), Some(None)) {
                continue;
            }
            match pods.get_opt(&c.pod).await {
                Ok(found) => {
                    latest.insert(c.pod.clone(), found);
                }
                Err(e) => tracing::info!("get pod {namespace}/{}: {e}; retrying", c.pod),
            }
        }
        for p in latest.values().flatten() {
            let name = p.metadata.name.clone().unwrap_or_default();
            let phase = p
                .status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Pending".into());
            if phases.get(&name) != Some(&phase) {
                tracing::info!("pod {namespace}/{name}: {phase}");
                phases.insert(name, phase);
            }
        }
        let settled = created.iter().all(|c| match latest.get(&c.pod) {
            Some(Some(p)) => pod_is_terminal(p),
            Some(None) => true,
            None => false,
        });
        if settled || tokio::time::Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    for c in created {
        let arch = c.arch.clone();
        let object = format!("pod {namespace}/{} on node {}", c.pod, c.node);
        let missing = |why: String| Missing {
            arch: c.arch.clone(),
            why,
        };
        let pod = match latest.get(&c.pod) {
            Some(Some(p)) => p,
            Some(None) => {
                report
                    .missing
                    .push(missing(format!("{object} was deleted before it finished")));
                continue;
            }
            None => {
                report
                    .missing
                    .push(missing(format!("{object} could not be read")));
                continue;
            }
        };
        match pod.status.as_ref().and_then(|s| s.phase.as_deref()) {
            Some("Succeeded") => {}
            Some("Failed") => {
                let message = pod
                    .status
                    .as_ref()
                    .and_then(|s| s.container_statuses.as_ref())
                    .and_then(|c| c.first())
                    .and_then(|c| c.state.as_ref()?.terminated.as_ref()?.message.clone())
                    .unwrap_or_default();
                report.missing.push(missing(format!(
                    "{object} failed: {}",
                    tail(message.trim(), 5)
                )));
                continue;
            }
            other => {
                report.missing.push(missing(format!(
                    "{object} still {} after {} (--timeout){}",
                    other.unwrap_or("Pending"),
                    crate::fixture::emit::duration(timeout.as_secs_f64() * 1000.0),
                    not_started(pod)
                )));
                continue;
            }
        }
        let log = pods
            .logs(
                &c.pod,
                &LogParams {
                    container: Some(CONTAINER.into()),
                    ..LogParams::default()
                },
            )
            .await;
        match log {
            Ok(text) => report.measured.push(Measured {
                arch,
                node: c.node.clone(),
                pod: c.pod.clone(),
                text,
            }),
            Err(e) => report
                .missing
                .push(missing(format!("cannot read the log of {object}: {e}"))),
        }
    }
    Ok(())
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The profile text in a ConfigMap (`None` when the ConfigMap or the key
/// does not exist).
pub async fn read_configmap(
    conn: &Connection,
    namespace: &str,
    name: &str,
    key: &str,
) -> Result<Option<String>> {
    let api: Api<ConfigMap> = Api::namespaced(conn.client.clone(), namespace);
    let cm = api
        .get_opt(name)
        .await
        .map_err(|e| Error::Cluster(format!("get configmap {namespace}/{name}: {e}")))?;
    Ok(cm.and_then(|c| c.data?.get(key).cloned()))
}

/// Server-side applies `text` as `key` of the ConfigMap.
pub async fn apply_configmap(
    conn: &Connection,
    namespace: &str,
    name: &str,
    key: &str,
    text: &str,
) -> Result<()> {
    let api: Api<ConfigMap> = Api::namespaced(conn.client.clone(), namespace);
    let object = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {"app.kubernetes.io/name": "synergai"},
        },
        "data": {key: text},
    });
    api.patch(
        name,
        &PatchParams::apply(MANAGER).force(),
        &Patch::Apply(&object),
    )
    .await
    .map_err(|e| Error::Cluster(format!("apply configmap {namespace}/{name}: {e}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, arch: Option<&str>, cpu: &str, ready: bool) -> Node {
        let labels = arch.map_or(json!({}), |a| json!({LABEL_ARCH: a}));
        serde_json::from_value(json!({
            "metadata": {"name": name, "labels": labels},
            "status": {
                "allocatable": {"cpu": cpu, "memory": "8Gi"},
                "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}],
            },
        }))
        .unwrap()
    }

    fn pod_on(node: &str, cpu: &str) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "p"},
            "spec": {"nodeName": node, "containers": [{"name": "c",
                "resources": {"requests": {"cpu": cpu}}}]},
            "status": {"phase": "Running"},
        }))
        .unwrap()
    }

    #[test]
    fn one_node_per_label_the_freest() {
        let nodes = [
            node("a-1", Some("xeon"), "4", true),
            node("a-2", Some("xeon"), "4", true),
            node("b-1", Some("rpi5"), "4", false),
            node("b-2", Some("rpi5"), "4", true),
            node("c-1", None, "64", true),
        ];
        let pods = [pod_on("a-1", "500m")];
        let chosen = choose_nodes(&nodes, &pods, &[]).unwrap();
        let names: Vec<(&str, &str, u64)> = chosen
            .iter()
            .map(|(a, c)| {
                let (n, f) = c.as_ref().unwrap();
                (
                    a.as_str(),
                    n.metadata.name.as_deref().unwrap(),
                    f.cpu_millis,
                )
            })
            .collect();
        assert_eq!(names, [("rpi5", "b-2", 4000), ("xeon", "a-2", 4000)]);
        let only = choose_nodes(&nodes, &pods, &["xeon".into()]).unwrap();
        assert_eq!(only.len(), 1);
        let missing = choose_nodes(&nodes, &pods, &["orin".into()]).unwrap_err();
        assert!(
            missing.to_string().contains("synergai.io/arch=orin"),
            "{missing}"
        );
        let none = choose_nodes(&nodes[4..], &[], &[]).unwrap_err();
        assert!(none.to_string().contains("kubectl label node"), "{none}");
        // Too little room on one architecture: that one is not measured.
        let full = choose_nodes(&nodes[..1], &[pod_on("a-1", "3500m")], &[]).unwrap();
        let why = full[0].1.as_ref().unwrap_err();
        assert!(why.contains("a-1, has 500m CPU"), "{why}");
    }

    #[test]
    fn the_pod_holds_the_free_node_and_runs_measure_for_its_arch() {
        let request = Request {
            image: "synergai:0.1.0".into(),
            args: vec!["--model".into(), "resnet50".into()],
            arches: vec![],
            timeout: Duration::from_secs(60),
            keep_pods: false,
        };
        let free = Requests {
            cpu_millis: 3500,
            memory_bytes: 4 << 30,
            gpus: 0,
        };
        let pod = measure_pod("Xeon_VM", "n-1", &free, &request, "r1");
        let v = serde_json::to_value(&pod).unwrap();
        assert_eq!(v["metadata"]["generateName"], "synergai-measure-xeon-vm-");
        assert_eq!(v["spec"]["nodeName"], "n-1");
        let c = &v["spec"]["containers"][0];
        assert_eq!(
            c["args"],
            json!([
                "profile", "measure", "--model", "resnet50", "--arch", "Xeon_VM"
            ])
        );
        assert_eq!(
            c["resources"]["requests"],
            json!({"cpu": "3500m", "memory": "4096Mi"})
        );
        assert_eq!(c["resources"]["limits"], c["resources"]["requests"]);
        assert_eq!(v["metadata"]["labels"]["synergai.io/measure-run"], "r1");
    }
}
