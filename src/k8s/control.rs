//! The control ConfigMap: operators' triggers of a placement pass in
//! manual mode, and the trigger the scheduler handled last.

use super::client::cluster_error;
use super::log;
use crate::error::Result;
use ::kube::api::{Api, Patch, PatchParams};
use k8s_openapi::api::core::v1::ConfigMap;

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
            log::warn(&format!("reading {namespace}/{CONTROL_CONFIGMAP}: {e}"));
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
        log::warn(&format!(
            "cannot record the trigger as handled on {namespace}/{CONTROL_CONFIGMAP}: {e} (a restart would act on it again)"
        ));
    }
}
