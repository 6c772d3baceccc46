//! Sources of cluster state for the dashboard. A source owns the cluster
//! (a replay now, a live cluster later), takes [`Command`]s and publishes
//! immutable [`View`]s; the dashboard renders views and never knows which
//! source produced them.

pub mod kube;
pub mod observed;
pub mod recording;
mod replay;

pub use replay::{Driver, ReplayDriver, spawn};

use crate::model::ClusterSnapshot;
use crate::policy::DecisionView;
use crate::policy::PolicyKind;
use serde::Serialize;

/// What an operator (or the dashboard) asks of a source.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    TogglePause,
    SpeedUp,
    SlowDown,
    /// Process the next batch of events (while paused).
    Step,
    /// Move the simulated clock (backwards re-runs from the start).
    JumpTo(f64),
    /// Run a placement pass now (what manual mode waits for).
    Trigger,
    SetManual(bool),
    /// What-if: the rest of the replay under another policy.
    SwitchPolicy(PolicyKind),
    Override {
        job: String,
        target: PinTarget,
        reason: String,
    },
    Release {
        job: String,
    },
    /// Keep the explanation of this job in the views (None: stop).
    Explain(Option<String>),
}

impl Command {
    /// Whether the command changes what the scheduler does (refused in
    /// read-only mode); clock control and explanations do not.
    pub fn mutates(&self) -> bool {
        matches!(
            self,
            Command::Trigger
                | Command::SetManual(_)
                | Command::SwitchPolicy(_)
                | Command::Override { .. }
                | Command::Release { .. }
        )
    }
}

/// Where an override pins a job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PinTarget {
    Node(String),
    Arch(String),
}

/// The simulated clock.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Clock {
    pub at_ms: f64,
    pub speed: f64,
    pub paused: bool,
    /// Every job has arrived and finished (or can never run).
    pub finished: bool,
    /// Times are wall-clock (Unix ms, a live cluster), not simulated.
    pub wall: bool,
}

impl Clock {
    /// A time of this clock for people: `2m05s` simulated, `13:38:55` wall.
    pub fn show(&self, at_ms: f64) -> String {
        if self.wall {
            let secs = (at_ms / 1000.0).floor() as i64;
            k8s_openapi::jiff::Timestamp::from_second(secs)
                .map(|t| t.strftime("%H:%M:%S").to_string())
                .unwrap_or_else(|_| "-".into())
        } else {
            crate::policy::fmt_ms(at_ms)
        }
    }
}

/// The policy that ran before a what-if switch, still running alongside.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    pub since_ms: f64,
    pub other_policy: String,
    pub other_violations: u32,
}

/// Utilization history of one architecture (percent of cores and GPUs in
/// use, oldest first).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchHistory {
    pub arch: String,
    pub cores: Vec<u64>,
    pub gpus: Vec<u64>,
}

/// One line of the decisions log.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogLine {
    pub at_ms: f64,
    pub job: String,
    pub choice: String,
    pub placed_by: String,
    pub reason: String,
}

/// A short note for the operator (result of a command).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Note {
    pub text: String,
    pub error: bool,
}

/// Everything the dashboard shows, at one moment.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View {
    /// `fixture NAME (PATH)` or `context NAME`.
    pub source: String,
    pub clock: Clock,
    pub policy: String,
    pub manual: bool,
    pub what_if: Option<WhatIf>,
    /// Jobs that have arrived (finished ones: the most recent only).
    pub snapshot: ClusterSnapshot,
    /// Total jobs of the workload (including those not arrived yet).
    pub total_jobs: u32,
    pub history: Vec<ArchHistory>,
    /// Most recent last.
    pub log: Vec<LogLine>,
    pub explain: Option<DecisionView>,
    pub note: Option<Note>,
    /// Bumped on every publish.
    pub version: u64,
}
