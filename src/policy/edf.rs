//! The strong SLO-aware competitors: one earliest-deadline-first skeleton
//! with two objectives, fixed as written in `scheduling.md` (do not tune
//! them: they are what `synergai` is measured against).
//!
//! - `slo-energy` (after Seo et al., "SLO-Aware Inference Scheduler for
//!   Heterogeneous Processors in Edge Platforms", ACM TACO 18(4), 2021:
//!   route each request, from pre-profiled behaviour, to a processor that
//!   meets its SLO at the least energy), made competent: EDF order (least
//!   laxity among equal deadlines); candidates are every (node state,
//!   profiled configuration) that fits now; a candidate is feasible when it
//!   completes by the deadline even with one more co-located job; the
//!   choice is the least incremental energy — the configuration's power
//!   above idle × its run time, plus the energy of the slowdown it imposes
//!   on the jobs already on the node — ties to the earliest completion.
//! - `edf-rightsize`: the same skeleton choosing the least core-seconds
//!   (a GPU-second counts as the core-seconds of what the GPU serves on
//!   that architecture).
//!
//! When nothing is feasible both hold if waiting for a running job to free
//! capacity meets the deadline or completes earlier than every placement
//! now, else take the earliest completion now.

use super::wait::earliest_wait;
use super::{
    Candidate, Context, Decision, ModelArchPlan, PlanConfig, Policy, QueueOrder, Reason, Standing,
    predict,
};
use crate::model::{Cluster, JobId, NodeGroup, NodeId};

/// What the EDF skeleton minimises among the feasible candidates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Objective {
    /// `slo-energy`: incremental energy (J).
    Energy,
    /// `edf-rightsize`: core-seconds, GPU-seconds weighted by what a GPU serves.
    CoreSeconds,
}

/// Earliest deadline first with right-sizing by `objective`.
#[derive(Clone, Copy, Debug)]
pub struct Edf {
    objective: Objective,
}

impl Edf {
    pub fn new(objective: Objective) -> Edf {
        Edf { objective }
    }

    /// The objective of running `config` for `run_ms` on a node where one
    /// more job costs the others `imposed_j`.
    fn cost(&self, plan: &ModelArchPlan, config: &PlanConfig, run_ms: f64, imposed_j: f64) -> f64 {
        match self.objective {
            Objective::Energy => config.watts * run_ms / 1000.0 + imposed_j,
            Objective::CoreSeconds => {
                let gpu_weight = if plan.core_price > 0.0 {
                    plan.gpu_price / plan.core_price
                } else {
                    0.0
                };
                (f64::from(config.threads) + f64::from(config.gpus) * gpu_weight) * run_ms / 1000.0
            }
        }
    }
}

/// Energy (J) the jobs on `node` spend longer running if one more job
/// joins them: each one's remaining processing stretches by
/// `α / (1 + α·k)` at its own power.
pub(super) fn imposed_energy_j(
    cluster: &Cluster,
    node: NodeId,
    group: &NodeGroup,
    now_ms: f64,
) -> f64 {
    if group.alpha == 0.0 || group.running == 0 {
        return 0.0;
    }
    let others = f64::from(group.running - 1);
    let stretch = group.alpha / (1.0 + group.alpha * others);
    cluster
        .runs_on(node)
        .map(|r| {
            let remaining = (r.predicted_finish_ms - now_ms.max(r.processing_start_ms)).max(0.0);
            r.watts * remaining * stretch / 1000.0
        })
        .sum()
}

impl Policy for Edf {
    fn name(&self) -> &'static str {
        match self.objective {
            Objective::Energy => "slo-energy",
            Objective::CoreSeconds => "edf-rightsize",
        }
    }

    fn order(&self) -> QueueOrder {
        QueueOrder::EarliestDeadline
    }

    fn decide(&mut self, id: JobId, ctx: &Context<'_>) -> Decision {
        let job = &ctx.jobs[id as usize];
        let deadline = job.deadline_ms();
        let mut best: Option<(f64, Candidate)> = None;
        let mut meeting = 0u32;
        let mut earliest: Option<Candidate> = None;
        let mut weighed: Vec<Candidate> = Vec::new();
        for (group, node) in ctx.groups_for(job) {
            let Some(plan) = ctx.plan.get(job.model, group.arch) else {
                continue;
            };
            let imposed_j = match self.objective {
                Objective::Energy => imposed_energy_j(ctx.cluster, node, group, ctx.now_ms),
                Objective::CoreSeconds => 0.0,
            };
            for config in &plan.by_speed {
                if !group.fits(config.threads, config.memory_mib, config.gpus) {
                    continue;
                }
                let completion = predict(job, group, config, ctx.now_ms);
                let run_ms = completion - group.network_ms - ctx.now_ms;
                let cost = self.cost(plan, config, run_ms, imposed_j);
                let candidate = Candidate {
                    node,
                    identical: group.len() as u32,
                    config: *config,
                    start_ms: ctx.now_ms,
                    predicted_completion_ms: completion,
                    slack_ms: deadline - completion,
                    score: Some(cost),
                    chosen: false,
                    rejected: None,
                };
                if ctx.explain {
                    weighed.push(candidate);
                }
                let robust = ctx.now_ms
                    + config.service_ms(job.queries, group.alpha, group.running + 1)
                    + group.network_ms;
                if robust <= deadline {
                    meeting += 1;
                    let better = best.is_none_or(|(c, b)| {
                        (cost, completion, node, config.threads)
                            < (c, b.predicted_completion_ms, b.node, b.config.threads)
                    });
                    if better {
                        best = Some((cost, candidate));
                    }
                }
                if earliest.is_none_or(|e| {
                    (completion, node, config.threads)
                        < (e.predicted_completion_ms, e.node, e.config.threads)
                }) {
                    earliest = Some(candidate);
                }
            }
        }
        let assign = |chosen: Candidate, reason: Reason, weighed: Vec<Candidate>| {
            Decision::assign(id, ctx.now_ms, job, chosen, reason, weighed)
        };
        if let Some((cost, chosen)) = best {
            let reason = match self.objective {
                Objective::Energy => Reason::LeastEnergy {
                    meeting,
                    joules: cost,
                },
                Objective::CoreSeconds => Reason::LeastCoreSeconds {
                    meeting,
                    core_seconds: cost,
                },
            };
            return assign(chosen, reason, weighed);
        }
        let wait = earliest_wait(job, ctx, |p| &p.by_speed, &mut weighed);
        match (earliest, wait) {
            (Some(now), Some((node, at, completion)))
                if completion <= deadline || completion < now.predicted_completion_ms =>
            {
                // The hold stands while the wait meets the deadline (or,
                // waiting past it, until the wait starts) and no new
                // placement now could meet the deadline or beat the wait.
                let (reason, standing) = if completion <= deadline {
                    let until_ms = deadline - (completion - at);
                    let reason = Reason::WaitMeetsDeadline { node, at_ms: at };
                    (
                        reason,
                        Standing {
                            until_ms,
                            watch: Some(node),
                            unless_by_ms: deadline,
                        },
                    )
                } else {
                    let reason = Reason::WaitIsEarlier { node, at_ms: at };
                    (
                        reason,
                        Standing {
                            until_ms: at,
                            watch: Some(node),
                            unless_by_ms: completion,
                        },
                    )
                };
                Decision::hold_weighed(id, ctx.now_ms, reason, weighed).standing(standing)
            }
            (Some(now), _) => {
                let reason = Reason::LeastExcess {
                    excess_ms: now.predicted_completion_ms - deadline,
                };
                assign(now, reason, weighed)
            }
            (None, Some(_)) => Decision::hold_weighed(id, ctx.now_ms, Reason::NoCapacity, weighed)
                .standing(Standing::NOTHING_FITS),
            (None, None) => Decision::hold_weighed(id, ctx.now_ms, Reason::Unschedulable, weighed)
                .standing(Standing::NOTHING_FITS),
        }
    }
}
