//! Jobs: one inference request stream with a QoS deadline.

use super::{ArchId, ModelId, NodeId};
use serde::Serialize;

/// Index of a job in the scenario; jobs are sorted by (arrival, name).
pub type JobId = u32;

/// An operator pin restricting where a job may run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pin {
    Node(NodeId),
    Arch(ArchId),
}

/// An operator pin by name — a node or an architecture — as overrides,
/// pod annotations, recordings and the dashboard write it; [`Pin`] once
/// the names are resolved against a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PinRef {
    Node(String),
    Arch(String),
}

impl std::fmt::Display for PinRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PinRef::Node(n) => write!(f, "node {n}"),
            PinRef::Arch(a) => write!(f, "arch {a}"),
        }
    }
}

/// One inference job.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobSpec {
    pub name: String,
    pub arrival_ms: f64,
    #[serde(skip)]
    pub model: ModelId,
    pub queries: u64,
    pub qos_ms: f64,
    #[serde(skip)]
    pub pin: Option<Pin>,
    /// Nodes the job may run on at all (its node selector, required
    /// affinity and tolerations), sorted; `None`: every node. Unlike a pin
    /// this is the job's own constraint, not an operator override.
    #[serde(skip)]
    pub allowed: Option<std::sync::Arc<[NodeId]>>,
}

impl JobSpec {
    pub fn deadline_ms(&self) -> f64 {
        self.arrival_ms + self.qos_ms
    }

    /// Whether the job's own constraints let it run on `node`.
    pub fn allows(&self, node: NodeId) -> bool {
        self.allowed
            .as_ref()
            .is_none_or(|set| set.binary_search(&node).is_ok())
    }

    /// Whether the job is restricted to some nodes (pinned or constrained).
    pub fn is_restricted(&self) -> bool {
        self.pin.is_some() || self.allowed.is_some()
    }
}
