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
}

impl JobSpec {
    pub fn deadline_ms(&self) -> f64 {
        self.arrival_ms + self.qos_ms
    }
}
