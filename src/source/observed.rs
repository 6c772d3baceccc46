//! A cluster as observed — watched live or played back from a recording —
//! and the dashboard [`View`] built from it. Pure: the live source maps
//! Kubernetes objects to an [`Observed`], the recording player rebuilds one
//! from its event log, and both publish what [`Viewer::view`] makes of it,
//! so a recording looks exactly as the session did.

use super::{ArchHistory, Clock, LogLine, Note, View};
use crate::k8s::mapping::{self, PodJob};
use crate::k8s::world::Holding;
use crate::model::{
    ArchSummary, ClusterSnapshot, JobSnapshot, JobState, Measured, NodeSnapshot, NodeSpec,
    PlacedBy, Profile,
};
use crate::policy::DecisionView;
use crate::policy::{OfflinePlan, fmt_ms};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// Samples of utilization kept per architecture.
const HISTORY: usize = 120;
/// Finished jobs shown (the most recent).
const DONE_SHOWN: usize = 500;
/// Log lines (bindings, most recent last).
const LOG: usize = 200;

/// Resources a pod holds on a node.
#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    pub node: String,
    pub cores: u32,
    pub memory_mib: u64,
    pub gpus: u32,
}

/// A cluster at one moment, in synergai's terms.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    /// The nodes that map to the profile, by name.
    pub nodes: Vec<NodeSpec>,
    /// The synergai job pods (all of them, finished included).
    pub jobs: Vec<PodJob>,
    /// What every non-terminal bound pod holds (synergai's and others').
    pub held: Vec<Held>,
    /// Measured usage by node name, when the cluster serves `metrics.k8s.io`.
    pub measured: Option<HashMap<String, Measured>>,
}

impl Held {
    /// What the dashboard shows of a pod's [`Holding`] on `node`.
    pub fn of(node: &str, holding: &Holding) -> Held {
        Held {
            node: node.to_string(),
            cores: holding.placement.threads,
            memory_mib: holding.placement.memory_mib,
            gpus: holding.placement.gpus(),
        }
    }
}

/// Turns observations into views, keeping the utilization history.
pub struct Viewer {
    pub label: String,
    pub profile: Arc<Profile>,
    pub plan: OfflinePlan,
    /// What the header calls the policy (`live`, `recorded`).
    pub policy: String,
    history: HashMap<String, (VecDeque<u64>, VecDeque<u64>)>,
    version: u64,
}

impl Viewer {
    pub fn new(label: String, profile: Arc<Profile>) -> Viewer {
        let plan = OfflinePlan::new(&profile, profile.knee_threshold);
        Viewer {
            label,
            profile,
            plan,
            policy: "live".into(),
            history: HashMap::new(),
            version: 0,
        }
    }

    /// The view of `obs` at `clock.at_ms` (Unix ms). `source` is shown in
    /// the header; `note` and `explain` pass through.
    pub fn view(
        &mut self,
        obs: &Observed,
        source: String,
        clock: Clock,
        note: Option<Note>,
        explain: Option<DecisionView>,
    ) -> View {
        let now = clock.at_ms;
        let profile = self.profile.clone();
        let mut node_snaps: Vec<NodeSnapshot> = obs
            .nodes
            .iter()
            .map(|spec| NodeSnapshot {
                name: spec.name.clone(),
                arch: profile.arch(spec.arch).name.clone(),
                tier: spec.tier,
                cores: spec.cores,
                cores_used: 0,
                gpus: spec.gpus,
                gpus_used: 0,
                memory_mib: spec.memory_mib,
                memory_used_mib: 0,
                jobs: 0,
                measured: obs
                    .measured
                    .as_ref()
                    .and_then(|m| m.get(&spec.name))
                    .copied(),
            })
            .collect();
        node_snaps.sort_by(|a, b| a.name.cmp(&b.name));
        let index: HashMap<&str, usize> = node_snaps
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.as_str(), i))
            .collect();
        let mut used: Vec<(u32, u64, u32, u32)> = vec![(0, 0, 0, 0); node_snaps.len()];
        for h in &obs.held {
            if let Some(&i) = index.get(h.node.as_str()) {
                let u = &mut used[i];
                u.0 += h.cores;
                u.1 += h.memory_mib;
                u.2 += h.gpus;
                u.3 += 1;
            }
        }
        for (n, (cores, memory, gpus, jobs)) in node_snaps.iter_mut().zip(used) {
            n.cores_used = cores.min(n.cores);
            n.memory_used_mib = memory.min(n.memory_mib);
            n.gpus_used = gpus.min(n.gpus);
            n.jobs = jobs;
        }
        let node_arch: HashMap<&str, (&str, u16)> = obs
            .nodes
            .iter()
            .map(|n| {
                (
                    n.name.as_str(),
                    (profile.arch(n.arch).name.as_str(), n.arch),
                )
            })
            .collect();
        let archs_present: Vec<u16> = {
            let mut v: Vec<u16> = obs.nodes.iter().map(|n| n.arch).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let mut jobs: Vec<JobSnapshot> = Vec::with_capacity(obs.jobs.len());
        let mut log: Vec<(f64, LogLine)> = Vec::new();
        let mut violations = 0;
        let (mut pending, mut running, mut done) = (0, 0, 0);
        for job in &obs.jobs {
            let snap = job_snapshot(job, &profile, &self.plan, &node_arch, &archs_present, now);
            match snap.state {
                JobState::Pending => pending += 1,
                JobState::Running => running += 1,
                _ => {
                    done += 1;
                    if job.qos_violated() == Some(true) {
                        violations += 1;
                    }
                }
            }
            if let (Some(node), Some(engine), Some(threads)) =
                (&job.node_name, job.engine, job.threads)
            {
                let at = job
                    .started
                    .or(job.created)
                    .map(mapping::timestamp_ms)
                    .unwrap_or(0.0);
                log.push((
                    at,
                    LogLine {
                        at_ms: at,
                        job: job.key(),
                        choice: format!("{node} {engine}×{threads}"),
                        placed_by: job.placed_by.clone().unwrap_or_else(|| "?".into()),
                        reason: match job.predicted_ms {
                            Some(p) => format!("bound; predicted {}", fmt_ms(p)),
                            None => "bound".into(),
                        },
                    },
                ));
            }
            jobs.push(snap);
        }
        // Finished jobs: the most recent only.
        let mut done_times: Vec<f64> = jobs
            .iter()
            .filter(|j| j.state == JobState::Done)
            .filter_map(|j| j.completion_ms)
            .collect();
        if done_times.len() > DONE_SHOWN {
            done_times.sort_by(|a, b| b.total_cmp(a));
            let cutoff = done_times[DONE_SHOWN - 1];
            jobs.retain(|j| {
                j.state != JobState::Done || j.completion_ms.is_some_and(|c| c >= cutoff)
            });
        }
        log.sort_by(|a, b| a.0.total_cmp(&b.0));
        let skip = log.len().saturating_sub(LOG);
        let log: Vec<LogLine> = log.into_iter().skip(skip).map(|(_, l)| l).collect();
        let archs = arch_summaries(&node_snaps, &jobs);
        let history = self.sample(&archs);
        self.version += 1;
        let total_jobs = pending + running + done;
        View {
            source,
            clock,
            policy: self.policy.clone(),
            manual: false,
            what_if: None,
            snapshot: ClusterSnapshot {
                at_ms: now,
                policy: self.policy.clone(),
                pending,
                running,
                done,
                violations,
                archs,
                nodes: node_snaps,
                jobs,
            },
            total_jobs,
            history,
            log,
            explain,
            note,
            version: self.version,
        }
    }

    /// Adds a utilization sample per architecture; returns the histories.
    fn sample(&mut self, archs: &[ArchSummary]) -> Vec<ArchHistory> {
        for a in archs {
            let (cores, gpus) = self.history.entry(a.arch.clone()).or_default();
            cores.push_back((a.cores_used * 100).checked_div(a.cores).unwrap_or(0));
            gpus.push_back((a.gpus_used * 100).checked_div(a.gpus).unwrap_or(0));
            while cores.len() > HISTORY {
                cores.pop_front();
            }
            while gpus.len() > HISTORY {
                gpus.pop_front();
            }
        }
        archs
            .iter()
            .map(|a| {
                let (c, g) = &self.history[&a.arch];
                ArchHistory {
                    arch: a.arch.clone(),
                    cores: c.iter().copied().collect(),
                    gpus: g.iter().copied().collect(),
                }
            })
            .collect()
    }
}

fn job_snapshot(
    job: &PodJob,
    profile: &Profile,
    plan: &OfflinePlan,
    node_arch: &HashMap<&str, (&str, u16)>,
    archs: &[u16],
    now: f64,
) -> JobSnapshot {
    let created = job.created.map(mapping::timestamp_ms).unwrap_or(now);
    let deadline = created + job.qos_ms;
    let state = if job.is_terminal() {
        JobState::Done
    } else if job.node_name.is_some() {
        JobState::Running
    } else {
        JobState::Pending
    };
    let completion = match state {
        JobState::Done => job.finished.map(mapping::timestamp_ms),
        JobState::Running => {
            let start = job.started.map(mapping::timestamp_ms).unwrap_or(created);
            job.predicted_ms.map(|p| start + p)
        }
        _ => None,
    };
    let slack = match state {
        JobState::Pending => {
            Some(deadline - (now + plan.min_service_ms(job.model, job.queries, archs)))
        }
        _ => completion.map(|c| deadline - c),
    };
    JobSnapshot {
        name: job.key(),
        model: profile.model(job.model).name.clone(),
        state,
        arrival_ms: created,
        qos_ms: job.qos_ms,
        queries: job.queries,
        node: job.node_name.clone(),
        arch: job
            .node_name
            .as_deref()
            .and_then(|n| node_arch.get(n))
            .map(|(a, _)| a.to_string()),
        engine: job.engine.map(|e| e.to_string()),
        threads: job.threads,
        completion_ms: completion,
        latency_ms: completion.map(|c| c - created),
        slack_ms: slack,
        placed_by: job.placed_by.as_ref().map(|p| {
            if p == "override" {
                PlacedBy::Override
            } else {
                PlacedBy::Policy(p.clone())
            }
        }),
        pin: job.pin.as_ref().map(|p| p.to_string()),
    }
}

fn arch_summaries(nodes: &[NodeSnapshot], jobs: &[JobSnapshot]) -> Vec<ArchSummary> {
    let mut out: Vec<ArchSummary> = Vec::new();
    for n in nodes {
        let i = match out.iter().position(|a| a.arch == n.arch) {
            Some(i) => i,
            None => {
                out.push(ArchSummary {
                    arch: n.arch.clone(),
                    nodes: 0,
                    cores: 0,
                    cores_used: 0,
                    gpus: 0,
                    gpus_used: 0,
                    running_jobs: 0,
                    mean_slack_ms: None,
                    worst_slack_ms: None,
                });
                out.len() - 1
            }
        };
        let a = &mut out[i];
        a.nodes += 1;
        a.cores += u64::from(n.cores);
        a.cores_used += u64::from(n.cores_used);
        a.gpus += u64::from(n.gpus);
        a.gpus_used += u64::from(n.gpus_used);
    }
    for a in &mut out {
        let slacks: Vec<f64> = jobs
            .iter()
            .filter(|j| j.state == JobState::Running && j.arch.as_deref() == Some(a.arch.as_str()))
            .filter_map(|j| j.slack_ms)
            .collect();
        a.running_jobs = jobs
            .iter()
            .filter(|j| j.state == JobState::Running && j.arch.as_deref() == Some(a.arch.as_str()))
            .count() as u32;
        if !slacks.is_empty() {
            a.mean_slack_ms = Some(slacks.iter().sum::<f64>() / slacks.len() as f64);
            a.worst_slack_ms = slacks.iter().copied().reduce(f64::min);
        }
    }
    out.sort_by(|a, b| a.arch.cmp(&b.arch));
    out
}
