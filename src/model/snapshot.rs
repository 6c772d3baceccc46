//! Immutable, serializable views of the cluster at one moment: what the
//! dashboard renders and what `-o json|yaml` prints.

use serde::Serialize;
use std::fmt;

/// Who decided a placement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlacedBy {
    /// A policy, by name.
    Policy(String),
    /// An operator pin.
    Override,
}

impl fmt::Display for PlacedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlacedBy::Policy(name) => f.write_str(name),
            PlacedBy::Override => f.write_str("override"),
        }
    }
}

/// Life cycle of a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Not arrived yet.
    Future,
    Pending,
    Running,
    Done,
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JobState::Future => "future",
            JobState::Pending => "pending",
            JobState::Running => "running",
            JobState::Done => "done",
        })
    }
}

/// One job as seen at the snapshot's time.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobSnapshot {
    pub name: String,
    pub model: String,
    pub state: JobState,
    pub arrival_ms: f64,
    pub qos_ms: f64,
    pub queries: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<u32>,
    /// Predicted (running) or actual (done) completion time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_ms: Option<f64>,
    /// Completion − arrival (predicted while running).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// Deadline − (predicted) completion; negative misses the QoS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slack_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placed_by: Option<PlacedBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    /// Done on a live cluster: measured run time (bound to finished) over
    /// the one predicted at the bind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_time_ratio: Option<f64>,
}

/// One node at the snapshot's time.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSnapshot {
    pub name: String,
    pub arch: String,
    pub tier: super::Tier,
    pub cores: u32,
    pub cores_used: u32,
    pub gpus: u32,
    pub gpus_used: u32,
    pub memory_mib: u64,
    pub memory_used_mib: u64,
    pub jobs: u32,
    /// What the node uses, measured (live clusters serving `metrics.k8s.io`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<Measured>,
}

/// A node's measured usage (`metrics.k8s.io`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Measured {
    pub cpu_millis: u64,
    pub memory_mib: u64,
}

/// Per-architecture totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchSummary {
    pub arch: String,
    pub nodes: u32,
    pub cores: u64,
    pub cores_used: u64,
    pub gpus: u64,
    pub gpus_used: u64,
    pub running_jobs: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_slack_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worst_slack_ms: Option<f64>,
    /// Live clusters: the median measured ÷ predicted run time of the
    /// architecture's most recently finished jobs (drift of the profile).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_time_ratio: Option<f64>,
}

/// The whole cluster at one moment.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSnapshot {
    pub at_ms: f64,
    pub policy: String,
    pub pending: u32,
    pub running: u32,
    pub done: u32,
    pub violations: u32,
    pub archs: Vec<ArchSummary>,
    pub nodes: Vec<NodeSnapshot>,
    pub jobs: Vec<JobSnapshot>,
}
