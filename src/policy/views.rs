//! Decisions as people and `-o json` see them: names instead of ids.

use super::{Action, Decision, Rejection};
use crate::model::Scenario;
use serde::Serialize;

/// A decision kept for the log, with its one-line reason.
#[derive(Clone, Debug)]
pub struct LoggedDecision {
    pub decision: Decision,
    pub reason: String,
}

/// A decision with names instead of ids.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionView {
    pub job: String,
    pub model: String,
    pub at_ms: f64,
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicted_completion_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slack_ms: Option<f64>,
    pub qos_ms: f64,
    pub placed_by: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<CandidateView>,
    /// Nodes left out before weighing, by architecture and reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filtered: Vec<FilteredView>,
}

/// Nodes of one architecture the job could not use, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilteredView {
    pub arch: String,
    pub nodes: u32,
    /// One of them (the first by name).
    pub example: String,
    pub kind: &'static str,
    pub why: &'static str,
}

/// Why a candidate lost: a stable `kind`, the words shown in tables, and
/// the figures behind them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectionView {
    pub kind: &'static str,
    pub why: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub later_by_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chosen_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_cores: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_memory_mib: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_gpus: Option<u32>,
}

impl RejectionView {
    pub fn of(r: &Rejection) -> RejectionView {
        let mut v = RejectionView {
            kind: r.kind(),
            why: r.describe(),
            late_ms: None,
            until_ms: None,
            later_by_ms: None,
            chosen_score: None,
            short_cores: None,
            short_memory_mib: None,
            short_gpus: None,
        };
        match *r {
            Rejection::DoesNotFit {
                cores,
                memory_mib,
                gpus,
            } => {
                v.short_cores = Some(cores);
                v.short_memory_mib = Some(memory_mib);
                v.short_gpus = Some(gpus);
            }
            Rejection::MissesDeadline { late_ms } | Rejection::NoCoLocationMargin { late_ms } => {
                v.late_ms = Some(late_ms)
            }
            Rejection::MustWait { until_ms } => v.until_ms = Some(until_ms),
            Rejection::Outscored { chosen, .. } => v.chosen_score = Some(chosen),
            Rejection::CompletesLater { by_ms } => v.later_by_ms = Some(by_ms),
            Rejection::HarmsCoLocated | Rejection::NotPicked => {}
        }
        v
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateView {
    pub node: String,
    pub identical_nodes: u32,
    pub arch: String,
    pub tier: String,
    pub engine: String,
    pub threads: u32,
    pub gpus: u32,
    pub start_ms: f64,
    pub predicted_completion_ms: f64,
    pub slack_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    pub chosen: bool,
    /// Why it lost (absent on the chosen candidate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<RejectionView>,
}

pub fn view(scenario: &Scenario, policy: &str, d: &LoggedDecision) -> DecisionView {
    let job = &scenario.jobs[d.decision.job as usize];
    let profile = &scenario.profile;
    let node_name = |n: u32| scenario.nodes[n as usize].name.clone();
    let arch_name = |n: u32| profile.arch(scenario.nodes[n as usize].arch).name.clone();
    let mut v = DecisionView {
        job: job.name.clone(),
        model: profile.model(job.model).name.clone(),
        at_ms: d.decision.at_ms,
        action: "hold",
        node: None,
        arch: None,
        engine: None,
        threads: None,
        predicted_completion_ms: None,
        slack_ms: None,
        qos_ms: job.qos_ms,
        placed_by: policy.to_string(),
        reason: d.reason.clone(),
        candidates: d
            .decision
            .candidates
            .iter()
            .map(|c| CandidateView {
                node: node_name(c.node),
                identical_nodes: c.identical,
                arch: arch_name(c.node),
                tier: scenario.nodes[c.node as usize].tier.to_string(),
                engine: c.config.engine.to_string(),
                threads: c.config.threads,
                gpus: c.config.gpus,
                start_ms: c.start_ms,
                predicted_completion_ms: c.predicted_completion_ms,
                slack_ms: c.slack_ms,
                score: c.score,
                chosen: c.chosen,
                rejected: c.rejected.as_ref().map(RejectionView::of),
            })
            .collect(),
        filtered: d
            .decision
            .filtered
            .iter()
            .map(|f| FilteredView {
                arch: profile.arch(f.arch).name.clone(),
                nodes: f.nodes,
                example: node_name(f.example),
                kind: f.why.kind(),
                why: f.why.describe(),
            })
            .collect(),
    };
    if let Action::Assign(a) = d.decision.action {
        v.action = "assign";
        v.node = Some(node_name(a.node));
        v.arch = Some(arch_name(a.node));
        v.engine = Some(a.config.engine.to_string());
        v.threads = Some(a.config.threads);
        v.predicted_completion_ms = Some(a.predicted_completion_ms);
        v.slack_ms = Some(a.slack_ms);
        if a.pinned {
            v.placed_by = "override".into();
        }
    }
    v
}
