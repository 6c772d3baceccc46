//! What operators write to the cluster: pins on pending pods (overrides
//! and releases, from `place override|release --kube` and the live
//! dashboard alike), and the control ConfigMap — triggers of a placement
//! pass in manual mode, and the trigger the scheduler handled last.

use super::client::cluster_error;
use super::mapping;
use crate::error::Result;
use crate::model::PinRef;
use ::kube::api::{Api, Patch, PatchParams};
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use std::sync::Arc;

/// The ConfigMap (in the scheduler's namespace) through which operators
/// trigger placement passes in manual mode; it lives in the cluster, so
/// every operator's trigger reaches the scheduler and survives restarts.
pub const CONTROL_CONFIGMAP: &str = "synergai-control";
/// Its annotation: any new value is one trigger.
pub const ANN_TRIGGER: &str = "synergai.io/trigger";
/// The trigger value the scheduler acted on last (written by it), so a
/// trigger made while no scheduler ran is acted on when one starts, and
/// none is acted on twice.
pub const ANN_HANDLED: &str = "synergai.io/handled-trigger";

/// Asks a manual-mode scheduler for one placement pass (creates the
/// control ConfigMap if needed).
pub async fn trigger(client: &::kube::Client, namespace: &str) -> Result<String> {
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), namespace);
    let value = format!("{}", super::now_ms() as u64);
    let patch = serde_json::json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": CONTROL_CONFIGMAP, "annotations": {ANN_TRIGGER: value}},
    });
    api.patch(
        CONTROL_CONFIGMAP,
        &PatchParams::apply("synergai").force(),
        &Patch::Apply(patch),
    )
    .await
    .map_err(|e| {
        cluster_error(
            &format!("trigger (configmap {namespace}/{CONTROL_CONFIGMAP})"),
            e,
        )
    })?;
    Ok(value)
}

/// The current trigger value and the one handled last, if the control
/// ConfigMap exists.
pub(crate) async fn trigger_values(
    client: &::kube::Client,
    namespace: &str,
) -> (Option<String>, Option<String>) {
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), namespace);
    match api.get_opt(CONTROL_CONFIGMAP).await {
        Ok(cm) => {
            let annotations = cm.and_then(|c| c.metadata.annotations).unwrap_or_default();
            (
                annotations.get(ANN_TRIGGER).cloned(),
                annotations.get(ANN_HANDLED).cloned(),
            )
        }
        Err(e) => {
            tracing::warn!("reading {namespace}/{CONTROL_CONFIGMAP}: {e}");
            (None, None)
        }
    }
}

/// Records that the scheduler acted on trigger `value`.
pub(crate) async fn mark_handled(client: &::kube::Client, namespace: &str, value: &str) {
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), namespace);
    let patch = serde_json::json!({"metadata": {"annotations": {ANN_HANDLED: value}}});
    if let Err(e) = api
        .patch(
            CONTROL_CONFIGMAP,
            &PatchParams::default(),
            &Patch::Merge(patch),
        )
        .await
    {
        tracing::warn!(
            "cannot record the trigger as handled on {namespace}/{CONTROL_CONFIGMAP}: {e} (a restart would act on it again)"
        );
    }
}

/// Writes or removes a pending pod's pin annotations (`synergai.io/pin-node`
/// or `pin-arch`, and `pin-reason`); `job` is `NAMESPACE/NAME` or `NAME`,
/// looked up in `pods`. Shared by `place override|release --kube` and the
/// live dashboard. The error is the operator's message.
pub async fn pin(
    client: &::kube::Client,
    pods: &[Arc<Pod>],
    job: &str,
    target: Option<&PinRef>,
    reason: &str,
) -> std::result::Result<String, String> {
    let (namespace, name) = job.split_once('/').unwrap_or(("", job));
    let pod = pods
        .iter()
        .find(|p| {
            p.metadata.name.as_deref() == Some(name)
                && (namespace.is_empty() || p.metadata.namespace.as_deref() == Some(namespace))
        })
        .ok_or_else(|| format!("no pod {job}"))?;
    if pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_ref())
        .is_some()
    {
        return Err(format!(
            "{job} is already bound: overrides apply to pending pods"
        ));
    }
    let reason = (!reason.trim().is_empty()).then_some(reason.trim());
    let annotations = mapping::pin_annotations(target, reason);
    let api: Api<Pod> = Api::namespaced(
        client.clone(),
        pod.metadata.namespace.as_deref().unwrap_or("default"),
    );
    // Optimistic concurrency: the write names the version it was decided
    // on; if another operator (or the scheduler's bind) got there first,
    // re-read and decide again, so a pin never lands on a pod that was
    // bound meanwhile and concurrent overrides end in the last one whole.
    let mut version = pod.metadata.resource_version.clone();
    for _ in 0..5 {
        let patch = serde_json::json!({"metadata": {
            "resourceVersion": version,
            "annotations": annotations,
        }});
        match api
            .patch(name, &PatchParams::default(), &Patch::Merge(patch))
            .await
        {
            Ok(_) => {
                version = None;
                break;
            }
            Err(::kube::Error::Api(s)) if s.code == 409 => {
                let fresh = api
                    .get(name)
                    .await
                    .map_err(|e| format!("cannot read {job}: {e}"))?;
                if fresh
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_ref())
                    .is_some()
                {
                    return Err(format!(
                        "{job} was bound meanwhile: overrides apply to pending pods"
                    ));
                }
                version = fresh.metadata.resource_version;
            }
            Err(e) => return Err(format!("cannot annotate {job}: {e}")),
        }
    }
    if version.is_some() {
        return Err(format!("{job} keeps changing; try again"));
    }
    Ok(match target {
        Some(t) => format!(
            "{job} pinned to {} (annotation on the pod)",
            match t {
                PinRef::Node(n) => format!("node {n}"),
                PinRef::Arch(a) => a.clone(),
            }
        ),
        None => format!("{job} released"),
    })
}
