//! A validated scenario: what a replay, a bound or a live snapshot runs on.

use super::{JobId, JobSpec, NodeId, NodeSpec, Profile};
use std::sync::Arc;

/// A validated scenario: nodes, the profile they are characterized by, and
/// the jobs (sorted by arrival, then name).
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// Where the scenario came from (a path, or `embedded:…`).
    pub source: String,
    pub seed: u64,
    pub profile: Arc<Profile>,
    pub nodes: Arc<Vec<NodeSpec>>,
    pub jobs: Arc<Vec<JobSpec>>,
}

impl Scenario {
    pub fn node_id(&self, name: &str) -> Option<NodeId> {
        self.nodes
            .binary_search_by(|n| n.name.as_str().cmp(name))
            .ok()
            .map(|i| i as NodeId)
    }

    pub fn job_id(&self, name: &str) -> Option<JobId> {
        self.jobs
            .iter()
            .position(|j| j.name == name)
            .map(|i| i as JobId)
    }
}
