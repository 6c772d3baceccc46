//! The emulated nodes: each scenario node created (or updated), reported
//! ready and untainted, and checked; then kept alive by the kubelets'
//! heartbeat on the node Leases.

use super::TAINT_NOT_READY;
use super::emulator::Emulator;
use super::objects::{
    NODE_LEASE_NAMESPACE, lease_spec, node_annotations, node_labels, node_lease, node_object,
    node_spec_patch, node_status_patch, taint_effect,
};
use super::requests::{CONCURRENCY, api_error, patch_params, post_params, retrying};
use crate::error::{Error, Result};
use crate::k8s::mapping::node_ready;
use crate::model::{NodeSpec, Profile};
use ::kube::api::{Api, Patch};
use futures_util::{StreamExt, stream};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Node;
use k8s_openapi::jiff::Timestamp;
use serde_json::json;
use std::time::Duration;

impl Emulator {
    /// Sets up every scenario node ([`setup_node`]), recording those ready.
    pub(super) async fn setup_nodes(&mut self) -> Result<()> {
        let profile = self.scenario.profile.clone();
        let jobs = self.scenario.nodes.iter().map(|spec| {
            let api = self.nodes.clone();
            let profile = profile.clone();
            let port = self.kubelet_port;
            async move { setup_node(&api, spec, &profile, port).await }
        });
        let mut results = stream::iter(jobs).buffer_unordered(CONCURRENCY);
        while let Some(result) = results.next().await {
            self.nodes_ready.push(result?);
        }
        self.nodes_ready.sort();
        Ok(())
    }
}

/// Creates or updates one node, reports it ready, removes the not-ready
/// taint, and checks what the server left. Returns the node's name.
async fn setup_node(
    api: &Api<Node>,
    spec: &NodeSpec,
    profile: &Profile,
    kubelet_port: u16,
) -> Result<String> {
    let object = format!("node {}", spec.name);
    let node = node_object(spec, profile);
    let mut verb = "created";
    match api.create(&post_params(), &node).await {
        Ok(_) => {}
        Err(::kube::Error::Api(s)) if s.is_already_exists() => {
            verb = "updated";
            let patch = json!({"metadata": {
                "labels": node_labels(spec, profile),
                "annotations": node_annotations(spec),
            }});
            retrying(async || {
                api.patch(&spec.name, &patch_params(), &Patch::Merge(&patch))
                    .await
            })
            .await
            .map_err(|e| api_error("update", &object, e))?;
        }
        Err(e) => return Err(api_error("create", &object, e)),
    }
    let now = Timestamp::now().to_string();
    let status = node_status_patch(spec, &now, kubelet_port);
    retrying(async || {
        api.patch_status(&spec.name, &patch_params(), &Patch::Merge(&status))
            .await
    })
    .await
    .map_err(|e| api_error("patch status of", &object, e))?;
    let taints = node_spec_patch(spec);
    let node = retrying(async || {
        api.patch(&spec.name, &patch_params(), &Patch::Merge(&taints))
            .await
    })
    .await
    .map_err(|e| api_error("set the taints of", &object, e))?;
    check_node(&node, spec)?;
    tracing::info!(
        "{object} {verb} and ready ({}, {}, {}, {} MiB, {}{})",
        profile.arch(spec.arch).name,
        spec.tier,
        plural(spec.cores, "core", "cores"),
        spec.memory_mib,
        plural(spec.gpus, "GPU", "GPUs"),
        if spec.taints.is_empty() {
            String::new()
        } else {
            format!(", {}", plural(spec.taints.len() as u64, "taint", "taints"))
        }
    );
    Ok(spec.name.clone())
}

/// What the server left must be what a scheduler needs: Ready, exactly the
/// scenario's taints (no `not-ready`), schedulable, resources reported.
fn check_node(node: &Node, spec: &NodeSpec) -> Result<()> {
    let object = format!("node {}", spec.name);
    let fail = |what: String| {
        Err(Error::Cluster(format!(
            "{object}: after the emulator's updates {what}"
        )))
    };
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    if taints.iter().any(|t| t.key == TAINT_NOT_READY) {
        return fail(format!(
            "the API server still has the {TAINT_NOT_READY} taint on it (is a node-lifecycle controller re-adding it?)"
        ));
    }
    let mut have: Vec<(String, String, String)> = taints
        .iter()
        .map(|t| {
            (
                t.key.clone(),
                t.value.clone().unwrap_or_default(),
                t.effect.clone(),
            )
        })
        .collect();
    let mut want: Vec<(String, String, String)> = spec
        .taints
        .iter()
        .map(|t| {
            (
                t.key.clone(),
                t.value.clone().unwrap_or_default(),
                taint_effect(t.effect).to_string(),
            )
        })
        .collect();
    have.sort();
    want.sort();
    if have != want {
        return fail(format!("its taints are {have:?}, expected {want:?}"));
    }
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        return fail("it is still unschedulable (cordoned)".into());
    }
    if !node_ready(node) {
        return fail("its Ready condition is not True".into());
    }
    let allocatable = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
    if allocatable.is_none_or(|a| !a.contains_key("cpu") || !a.contains_key("memory")) {
        return fail("it reports no allocatable cpu and memory".into());
    }
    Ok(())
}

fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How often the emulated kubelets renew their node Leases (as kubelets do).
const HEARTBEAT_EVERY: Duration = Duration::from_secs(10);

/// Plays the kubelets' heartbeat: each node's Lease in `kube-node-lease`
/// renewed every [`HEARTBEAT_EVERY`], so a node-lifecycle controller (on a
/// cluster that runs one) keeps the emulated nodes Ready.
pub(super) async fn heartbeat(client: ::kube::Client, nodes: Vec<String>) {
    let api: Api<Lease> = Api::namespaced(client, NODE_LEASE_NAMESPACE);
    let mut last_error: Option<String> = None;
    let mut ticker = tokio::time::interval(HEARTBEAT_EVERY);
    loop {
        ticker.tick().await;
        for node in &nodes {
            let spec = lease_spec(node, Timestamp::now());
            let result = match api.get_opt(node).await {
                Ok(Some(mut lease)) => {
                    lease.spec = Some(spec);
                    api.replace(node, &post_params(), &lease).await.map(|_| ())
                }
                Ok(None) => api
                    .create(&post_params(), &node_lease(node, spec))
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                let message = e.to_string();
                if last_error.as_ref() != Some(&message) {
                    tracing::info!("node heartbeat (kube-node-lease/{node}): {message}; retrying");
                    last_error = Some(message);
                }
            }
        }
    }
}
