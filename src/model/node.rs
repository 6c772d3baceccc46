//! Nodes: the static description of one machine of the cluster.

use super::ArchId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Index of a node in the cluster; nodes are sorted by name, so the
/// index order is the name order (used for deterministic tie-breaks).
pub type NodeId = u32;

/// Where a node sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Edge,
    Cloud,
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tier::Edge => "edge",
            Tier::Cloud => "cloud",
        })
    }
}

/// Effect of a taint, as in Kubernetes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

/// A node taint; jobs must tolerate `NoSchedule`/`NoExecute` taints to land.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Taint {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub effect: TaintEffect,
}

/// One machine.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSpec {
    pub name: String,
    #[serde(skip)]
    pub arch: ArchId,
    pub tier: Tier,
    pub cores: u32,
    pub memory_mib: u64,
    pub gpus: u32,
    /// One-way cost of shipping a job's input to this node.
    pub network_ms: f64,
    pub idle_watts: f64,
    pub busy_watts: f64,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
}

impl NodeSpec {
    /// The key under which identical nodes are grouped: every field that
    /// changes a placement decision except the name.
    pub(crate) fn class_key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}|{}|{}|{}|{:?}|{:?}",
            self.arch,
            self.tier,
            self.cores,
            self.memory_mib,
            self.gpus,
            self.network_ms.to_bits(),
            self.idle_watts.to_bits(),
            self.busy_watts.to_bits(),
            self.labels,
            self.taints
        )
    }
}
