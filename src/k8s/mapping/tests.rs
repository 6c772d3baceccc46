//! Kubernetes objects shared by the mapping's unit tests (each subject's
//! tests live at the end of its file).

use crate::fixture::{Origin, load_profile};
use crate::model::Profile;
use k8s_openapi::api::core::v1::{Node, Pod};
use serde_json::{Value, json};

pub(super) fn profile() -> Profile {
    load_profile(&Origin::Embedded("profiles/edge-cloud.yaml".into())).unwrap()
}

pub(super) fn node(v: Value) -> Node {
    serde_json::from_value(v).unwrap()
}

pub(super) fn pod(v: Value) -> Pod {
    serde_json::from_value(v).unwrap()
}

pub(super) fn agx(extra_labels: Value, taints: Value) -> Node {
    let mut labels =
        json!({"synergai.io/arch": "agx-orin", "kubernetes.io/hostname": "agx-1", "zone": "lab"});
    if let (Some(l), Some(e)) = (labels.as_object_mut(), extra_labels.as_object()) {
        l.extend(e.clone());
    }
    node(json!({
        "metadata": {"name": "agx-1", "labels": labels,
            "annotations": {"synergai.io/network-ms": "20", "synergai.io/idle-watts": "15", "synergai.io/busy-watts": "60.5"}},
        "spec": {"taints": taints},
        "status": {
            "allocatable": {"cpu": "7900m", "memory": "30Gi", "nvidia.com/gpu": "1", "pods": "110"},
            "capacity": {"cpu": "8", "memory": "32Gi"},
            "conditions": [{"type": "Ready", "status": "True"}]
        }
    }))
}
