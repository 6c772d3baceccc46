//! Measured node usage from the resource metrics API (`metrics.k8s.io`,
//! served by metrics-server), when the cluster has it. Without it the
//! dashboard shows what pods request; with it, also what nodes use.

use super::mapping;
use ::kube::api::{Api, ApiResource, DynamicObject};
use std::collections::HashMap;

/// What a node uses, as measured over the metrics window.
pub use crate::model::Measured as Usage;

fn node_metrics() -> ApiResource {
    ApiResource {
        group: "metrics.k8s.io".into(),
        version: "v1beta1".into(),
        api_version: "metrics.k8s.io/v1beta1".into(),
        kind: "NodeMetrics".into(),
        plural: "nodes".into(),
    }
}

/// One `NodeMetrics` object: its node and usage, or why it is unusable.
pub fn node_usage(object: &DynamicObject) -> Result<(String, Usage), String> {
    let name = object
        .metadata
        .name
        .clone()
        .ok_or("NodeMetrics without a name")?;
    let usage = object
        .data
        .get("usage")
        .ok_or_else(|| format!("NodeMetrics {name}: no `usage`"))?;
    let field = |key: &str| {
        usage
            .get(key)
            .and_then(|v| v.as_str())
            .ok_or_else(|| format!("NodeMetrics {name}: no `usage.{key}`"))
    };
    let cpu_millis = mapping::parse_cpu_millis(field("cpu")?)
        .map_err(|e| format!("NodeMetrics {name}: usage.cpu: {e}"))?;
    let memory_mib = mapping::parse_memory_mib(field("memory")?)
        .map_err(|e| format!("NodeMetrics {name}: usage.memory: {e}"))?;
    Ok((
        name,
        Usage {
            cpu_millis,
            memory_mib,
        },
    ))
}

/// The usage of every node, or `None` when the cluster does not serve the
/// metrics API (not installed, or not allowed for this user). Objects that
/// do not parse are left out.
pub async fn fetch(client: &::kube::Client) -> Option<HashMap<String, Usage>> {
    let api: Api<DynamicObject> = Api::all_with(client.clone(), &node_metrics());
    let list = api.list(&Default::default()).await.ok()?;
    Some(
        list.items
            .iter()
            .filter_map(|o| node_usage(o).ok())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(v: serde_json::Value) -> DynamicObject {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn node_metrics_parse_with_kubernetes_quantities() {
        let o = object(serde_json::json!({
            "apiVersion": "metrics.k8s.io/v1beta1", "kind": "NodeMetrics",
            "metadata": {"name": "agx-1"},
            "timestamp": "2026-11-28T14:00:00Z", "window": "10s",
            "usage": {"cpu": "2350m", "memory": "3145728Ki"}
        }));
        assert_eq!(
            node_usage(&o).unwrap(),
            (
                "agx-1".to_string(),
                Usage {
                    cpu_millis: 2350,
                    memory_mib: 3072
                }
            )
        );
        let bad = object(serde_json::json!({
            "metadata": {"name": "pi-1"}, "usage": {"cpu": "lots", "memory": "1Gi"}
        }));
        let e = node_usage(&bad).unwrap_err();
        assert!(e.contains("pi-1") && e.contains("usage.cpu"), "{e}");
        let missing = object(serde_json::json!({"metadata": {"name": "pi-2"}}));
        assert!(node_usage(&missing).unwrap_err().contains("no `usage`"));
    }
}
