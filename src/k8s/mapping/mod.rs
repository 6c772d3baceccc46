//! The pure, synchronous mapping between Kubernetes objects and synergai's
//! model: no I/O, no async. Everything the live source, the emulator and the
//! scheduler agree on lives here — the labels and annotations of the
//! Kubernetes contract (`product.md`), quantity parsing, node and pod
//! mapping, resource accounting and the filters kube-scheduler's default
//! plugins apply (which a custom scheduler must apply itself).
//!
//! Conventions:
//! - every error names the object (`pod default/job-1`, `node agx-1`), the
//!   field (`metadata.annotations[synergai.io/qos-ms]`) and what was wrong,
//!   quoting the offending value;
//! - problems that do not stop a mapping (a GPU advertised on a CPU-only
//!   architecture, a malformed decision annotation, a node that has not
//!   reported its resources yet) are returned as warnings in [`Mapped`];
//! - quantities are parsed exactly (integer arithmetic, no floats), rounded
//!   the way Kubernetes rounds (`MilliValue`/`Value` round up), and no input
//!   makes them panic.
//!
//! Layout: the contract (labels, annotations, limits) and the error type
//! live here; `quantity` parses quantities, `arch` finds a node's
//! architecture from its labels, `node` and `pod` map the objects,
//! `requests` accounts for resources and `filter` applies kube-scheduler's
//! filters. Their public items are re-exported from this module.

pub(crate) mod arch;
mod filter;
mod node;
mod pod;
mod quantity;
mod requests;

pub use arch::{ARCH_MAPPING_KIND, ArchMapping, ArchRule, LabelMatch};
pub use filter::{
    filter_reason, matches_node_selector, matches_required_affinity, tolerates_taints,
};
pub use node::{NodeResources, map_node, node_ready, node_resources, node_spec};
pub use pod::{
    PodJob, RATIO_MIN_PREDICTED_MS, decision_annotations, is_synergai_pod, map_pod,
    pin_annotations, pod_is_terminal, pod_job, pod_object, scheduled_at, time_ms, timestamp_ms,
};
pub use quantity::{parse_count, parse_cpu_millis, parse_memory_bytes, parse_memory_mib};
pub use requests::{Requests, insufficient_resources, pod_requests};

// ------------------------------------------------------------- the contract

/// The `spec.schedulerName` of synergai's jobs.
pub const SCHEDULER_NAME: &str = "synergai";

/// Node label: the node's architecture (a name of the profile).
pub const LABEL_ARCH: &str = "synergai.io/arch";
/// Node label: `edge` or `cloud`.
pub const LABEL_TIER: &str = "synergai.io/tier";

/// Pod annotation: the model the job serves (a name of the profile).
pub const ANN_MODEL: &str = "synergai.io/model";
/// Pod annotation: how many queries the job runs (a whole number ≥ 1).
pub const ANN_QUERIES: &str = "synergai.io/queries";
/// Pod annotation: the job's QoS deadline after creation, in milliseconds.
pub const ANN_QOS_MS: &str = "synergai.io/qos-ms";

/// Decision annotation: the engine synergai chose.
pub const ANN_ENGINE: &str = "synergai.io/engine";
/// Decision annotation: the thread count synergai chose.
pub const ANN_THREADS: &str = "synergai.io/threads";
/// Decision annotation: the predicted run time (ms) of the chosen configuration.
pub const ANN_PREDICTED_MS: &str = "synergai.io/predicted-ms";
/// Decision annotation: who placed the pod (`policy`, `operator`, …).
pub const ANN_PLACED_BY: &str = "synergai.io/placed-by";

/// Operator pin: the pod may only run on this node.
pub const ANN_PIN_NODE: &str = "synergai.io/pin-node";
/// Operator pin: the pod may only run on this architecture.
pub const ANN_PIN_ARCH: &str = "synergai.io/pin-arch";
/// Why the operator pinned the pod (free text, shown in the dashboard).
pub const ANN_PIN_REASON: &str = "synergai.io/pin-reason";

/// Node annotation: one-way cost (ms) of shipping a job's input to the node (default 0).
pub const ANN_NETWORK_MS: &str = "synergai.io/network-ms";
/// Node annotation: the node's idle power in watts (default 0: not metered).
pub const ANN_IDLE_WATTS: &str = "synergai.io/idle-watts";
/// Node annotation: the node's busy power in watts (default 0: not metered).
pub const ANN_BUSY_WATTS: &str = "synergai.io/busy-watts";

/// The extended resource of NVIDIA GPUs (the device plugin's name).
pub const RESOURCE_GPU: &str = "nvidia.com/gpu";
/// Well-known label identical to the node name; not copied into
/// [`NodeSpec::labels`](crate::model::NodeSpec::labels) (it would make
/// every node a class of its own).
pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
/// The taint `kubectl cordon` implies (`node.spec.unschedulable`).
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// The largest count or CPU quantity (in its unit) accepted as sane.
pub const MAX_SANE: u64 = 1_000_000_000_000_000;
/// The largest number of queries a job may declare (as in fixtures).
pub const MAX_QUERIES: u64 = 1_000_000_000_000;

// ------------------------------------------------------------------ errors

/// A Kubernetes object that cannot be mapped, with the field at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{object}: {}: {message}", describe_field(field))]
pub struct MappingError {
    /// `pod NAMESPACE/NAME` or `node NAME`.
    pub object: String,
    /// The field path, e.g. `metadata.annotations[synergai.io/qos-ms]`.
    pub field: String,
    pub message: String,
}

impl MappingError {
    fn new(object: &str, field: impl Into<String>, message: impl Into<String>) -> MappingError {
        MappingError {
            object: object.to_string(),
            field: field.into(),
            message: message.into(),
        }
    }
}

/// `metadata.annotations[K]` reads `annotation K`, `metadata.labels[K]`
/// reads `label K`; other paths read as they are.
fn describe_field(field: &str) -> String {
    let inner = |prefix: &str| {
        field
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(']'))
            .map(str::to_string)
    };
    if let Some(key) = inner("metadata.annotations[") {
        format!("annotation {key}")
    } else if let Some(key) = inner("metadata.labels[") {
        format!("label {key}")
    } else {
        field.to_string()
    }
}

fn annotation_field(key: &str) -> String {
    format!("metadata.annotations[{key}]")
}

fn label_field(key: &str) -> String {
    format!("metadata.labels[{key}]")
}

/// A mapped value with the problems that did not stop the mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Mapped<T> {
    pub value: T,
    pub warnings: Vec<String>,
}

/// A value quoted for a message: JSON-style escapes, at most 60 characters.
fn quote(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("{:?}… ({} characters)", cut, text.chars().count())
    } else {
        format!("{text:?}")
    }
}

#[cfg(test)]
mod tests;
