//! Why the options a policy weighed lost: a [`Rejection`] on every
//! candidate that was not chosen, and the nodes left out before weighing
//! ([`Filtered`]). Policies set the rejections only they can know
//! (synergai's co-location margin and harm); [`finish`] fills in the rest
//! the same way for every policy, after its decision.

use super::{Action, Candidate, Context, Decision, Reason};
use crate::model::{ArchId, JobSpec, NodeId, Pin};

/// Why a weighed candidate was not chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rejection {
    /// Needs more than the node has free now (by how much it is short).
    DoesNotFit {
        cores: u32,
        memory_mib: u64,
        gpus: u32,
    },
    /// Completes after the deadline.
    MissesDeadline { late_ms: f64 },
    /// Meets the deadline alone, but not with one more job co-located on
    /// the node (synergai's margin).
    NoCoLocationMargin { late_ms: f64 },
    /// Would make a job running on the node that meets its deadline miss it.
    HarmsCoLocated,
    /// Starts only when running jobs free the node.
    MustWait { until_ms: f64 },
    /// Meets the deadline, but the policy's score preferred the chosen
    /// candidate (`higher_wins`: k8s-default's score; otherwise a cost).
    Outscored {
        score: f64,
        chosen: f64,
        higher_wins: bool,
    },
    /// Completes later than the chosen candidate (slo-aware's rule).
    CompletesLater { by_ms: f64 },
    /// Feasible; the policy's rule (turn, draw) picked another.
    NotPicked,
}

impl Rejection {
    /// A short kebab-case name (`-o json`'s `kind`, stable).
    pub fn kind(&self) -> &'static str {
        match self {
            Rejection::DoesNotFit { .. } => "does-not-fit",
            Rejection::MissesDeadline { .. } => "misses-deadline",
            Rejection::NoCoLocationMargin { .. } => "no-co-location-margin",
            Rejection::HarmsCoLocated => "harms-co-located",
            Rejection::MustWait { .. } => "must-wait",
            Rejection::Outscored { .. } => "outscored",
            Rejection::CompletesLater { .. } => "completes-later",
            Rejection::NotPicked => "not-picked",
        }
    }

    /// A few words for tables: why this candidate lost.
    pub fn describe(&self) -> String {
        use super::fmt_ms;
        match *self {
            Rejection::DoesNotFit {
                cores,
                memory_mib,
                gpus,
            } => {
                let plural = |n: u32| if n == 1 { "" } else { "s" };
                let mut short = Vec::new();
                if cores > 0 {
                    short.push(format!("{cores} core{}", plural(cores)));
                }
                if memory_mib > 0 {
                    short.push(format!("{memory_mib} MiB"));
                }
                if gpus > 0 {
                    short.push(format!("{gpus} GPU{}", plural(gpus)));
                }
                if short.is_empty() {
                    "does not fit".to_string()
                } else {
                    format!("does not fit: {} short", short.join(", "))
                }
            }
            Rejection::MissesDeadline { late_ms } => {
                format!("misses the deadline by {}", fmt_ms(late_ms))
            }
            Rejection::NoCoLocationMargin { late_ms } => format!(
                "meets it only alone: {} late with one more co-located job",
                fmt_ms(late_ms)
            ),
            Rejection::HarmsCoLocated => "would make a co-located job miss its deadline".into(),
            Rejection::MustWait { until_ms } => format!("must wait until {}", fmt_ms(until_ms)),
            Rejection::Outscored {
                score,
                chosen,
                higher_wins: false,
            } => format!("costs more ({score:.1} vs {chosen:.1})"),
            Rejection::Outscored { score, chosen, .. } => {
                format!("scores lower ({score:.1} vs {chosen:.1})")
            }
            Rejection::CompletesLater { by_ms } => {
                format!("completes {} later", fmt_ms(by_ms))
            }
            Rejection::NotPicked => "feasible; not picked by the policy's rule".into(),
        }
    }
}

/// Why nodes were left out before any configuration was weighed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FilterReason {
    /// The job is pinned to another node or architecture.
    PinnedElsewhere,
    /// The job's own node selector, affinity or tolerations exclude them.
    Constraints,
    /// Cordoned, tainted NoSchedule or not Ready.
    Unschedulable,
    /// The model was never measured on their architecture.
    NotProfiled,
}

impl FilterReason {
    pub fn kind(self) -> &'static str {
        match self {
            FilterReason::PinnedElsewhere => "pinned-elsewhere",
            FilterReason::Constraints => "constraints",
            FilterReason::Unschedulable => "unschedulable",
            FilterReason::NotProfiled => "not-profiled",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            FilterReason::PinnedElsewhere => "the job is pinned elsewhere",
            FilterReason::Constraints => "the job's selector, affinity or tolerations exclude them",
            FilterReason::Unschedulable => "not schedulable (cordoned or not Ready)",
            FilterReason::NotProfiled => "the model is not profiled on this architecture",
        }
    }
}

/// Nodes of one architecture left out for one reason.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Filtered {
    pub arch: ArchId,
    pub why: FilterReason,
    /// How many nodes.
    pub nodes: u32,
    /// One of them (the first by name).
    pub example: NodeId,
}

/// Completes an explained decision: the candidates the policy left without
/// a rejection get one, the faster configurations that do not fit each
/// node state are added, a hold marks the wait it holds for as chosen, and
/// the nodes filtered out are counted.
pub(super) fn finish(
    decision: &mut Decision,
    job: &JobSpec,
    ctx: &Context<'_>,
    higher_score_wins: bool,
) {
    for c in decision.candidates.iter_mut().filter(|c| c.chosen) {
        // synergai's unmargined fallback is chosen despite its margin.
        c.rejected = None;
    }
    add_unfit(decision, job, ctx);
    if let (Action::Hold, Reason::WaitMeetsDeadline { node, at_ms })
    | (Action::Hold, Reason::WaitIsEarlier { node, at_ms }) = (decision.action, decision.reason)
        && !decision.candidates.iter().any(|c| c.chosen)
    {
        let waited = decision
            .candidates
            .iter_mut()
            .filter(|c| c.node == node && c.start_ms == at_ms && c.rejected.is_none())
            .min_by(|a, b| {
                a.predicted_completion_ms
                    .total_cmp(&b.predicted_completion_ms)
            });
        if let Some(c) = waited {
            c.chosen = true;
        }
    }
    let chosen = decision.candidates.iter().find(|c| c.chosen).copied();
    let now = decision.at_ms;
    for c in decision.candidates.iter_mut() {
        if c.chosen || c.rejected.is_some() {
            continue;
        }
        c.rejected = if c.slack_ms < 0.0 {
            Some(Rejection::MissesDeadline {
                late_ms: -c.slack_ms,
            })
        } else if c.start_ms > now && chosen.is_none_or(|ch| ch.start_ms <= now) {
            Some(Rejection::MustWait {
                until_ms: c.start_ms,
            })
        } else {
            chosen.map(|ch| match (c.score, ch.score) {
                (Some(score), Some(chosen)) => Rejection::Outscored {
                    score,
                    chosen,
                    higher_wins: higher_score_wins,
                },
                _ if c.predicted_completion_ms > ch.predicted_completion_ms => {
                    Rejection::CompletesLater {
                        by_ms: c.predicted_completion_ms - ch.predicted_completion_ms,
                    }
                }
                _ => Rejection::NotPicked,
            })
        };
    }
    decision.filtered = filtered(job, ctx);
}

/// For every node state the job may use: per engine, the fastest
/// configuration that does not fit, when it is faster than everything
/// weighed there (why not a faster configuration here? it does not fit).
fn add_unfit(decision: &mut Decision, job: &JobSpec, ctx: &Context<'_>) {
    let mut added = Vec::new();
    for (group, node) in ctx.groups_for(job) {
        let Some(plan) = ctx.plan.get(job.model, group.arch) else {
            continue;
        };
        let fastest_weighed = decision
            .candidates
            .iter()
            .filter(|c| c.node == node)
            .map(|c| c.config.service_ms(job.queries, 0.0, 0))
            .fold(f64::INFINITY, f64::min);
        let mut engines_seen = Vec::new();
        for config in &plan.by_speed {
            if engines_seen.contains(&config.engine) {
                continue;
            }
            if config.service_ms(job.queries, 0.0, 0) >= fastest_weighed {
                continue;
            }
            if group.fits(config.threads, config.memory_mib, config.gpus) {
                continue;
            }
            engines_seen.push(config.engine);
            let completion = super::predict(job, group, config, ctx.now_ms);
            added.push(Candidate {
                node,
                identical: group.len() as u32,
                config: *config,
                start_ms: ctx.now_ms,
                predicted_completion_ms: completion,
                slack_ms: job.deadline_ms() - completion,
                score: None,
                chosen: false,
                rejected: Some(Rejection::DoesNotFit {
                    cores: config.threads.saturating_sub(group.free_cores),
                    memory_mib: config.memory_mib.saturating_sub(group.free_memory_mib),
                    gpus: config.gpus.saturating_sub(group.free_gpus),
                }),
            });
        }
    }
    decision.candidates.extend(added);
}

/// The nodes the job could not use at all, counted by architecture and
/// reason.
fn filtered(job: &JobSpec, ctx: &Context<'_>) -> Vec<Filtered> {
    let mut out: Vec<Filtered> = Vec::new();
    let mut note = |arch: ArchId, why: FilterReason, node: NodeId| match out
        .iter_mut()
        .find(|f| f.arch == arch && f.why == why)
    {
        Some(f) => {
            f.nodes += 1;
            f.example = f.example.min(node);
        }
        None => out.push(Filtered {
            arch,
            why,
            nodes: 1,
            example: node,
        }),
    };
    for group in ctx.cluster.active_groups() {
        for node in group.members() {
            let why = match job.pin {
                Some(Pin::Node(n)) if n != node => Some(FilterReason::PinnedElsewhere),
                Some(Pin::Arch(a)) if a != group.arch => Some(FilterReason::PinnedElsewhere),
                _ if !group.schedulable => Some(FilterReason::Unschedulable),
                _ if !job.allows(node) => Some(FilterReason::Constraints),
                _ if ctx.plan.get(job.model, group.arch).is_none() => {
                    Some(FilterReason::NotProfiled)
                }
                _ => None,
            };
            if let Some(why) = why {
                note(group.arch, why, node);
            }
        }
    }
    out.sort_by_key(|f| (f.why, f.arch));
    out
}
