//! `synergai`: least slack first; among the (node state, configuration)
//! candidates that meet the deadline the least cost, preferring edge at
//! near-equal cost; otherwise hold if waiting for capacity is better, else
//! the least excess.

use super::wait::earliest_wait;
use super::{
    Action, Assignment, Candidate, Context, Decision, Policy, QueueOrder, Reason, predict,
};
use crate::model::{JobId, Tier};

/// Costs within this factor of the cheapest count as near-equal.
const NEAR_EQUAL_COST: f64 = 1.10;

/// The synergai policy (stateless: every decision is a function of the
/// cluster, the job and the offline plan).
#[derive(Clone, Copy, Debug, Default)]
pub struct Synergai;

struct Option_ {
    candidate: Candidate,
    tier: Tier,
    cost: f64,
}

impl Policy for Synergai {
    fn name(&self) -> &'static str {
        "synergai"
    }

    fn order(&self) -> QueueOrder {
        QueueOrder::LeastSlack
    }

    fn decide(&mut self, id: JobId, ctx: &Context<'_>) -> Decision {
        let job = &ctx.jobs[id as usize];
        let deadline = job.deadline_ms();
        let mut meeting: Vec<Option_> = Vec::new();
        let mut earliest: Option<Candidate> = None;
        let mut weighed: Vec<Candidate> = Vec::new();
        for (group, node) in ctx.groups_for(job) {
            let Some(plan) = ctx.plan.get(job.model, group.arch) else {
                continue;
            };
            // Scarcity: busy archs cost more, so load spreads before it queues.
            let scarcity = 1.0 + ctx.cluster.arch_usage(group.arch).utilization();
            for config in &plan.candidates {
                if !group.fits(config.threads, config.memory_mib, config.gpus) {
                    continue;
                }
                let completion = predict(job, group, config, ctx.now_ms);
                let busy_s = (completion - group.network_ms - ctx.now_ms) / 1000.0;
                let price = f64::from(config.threads) * plan.core_price
                    + f64::from(config.gpus) * plan.gpu_price;
                let cost = busy_s * price * scarcity;
                let candidate = Candidate {
                    node,
                    identical: group.len() as u32,
                    config: *config,
                    start_ms: ctx.now_ms,
                    predicted_completion_ms: completion,
                    slack_ms: deadline - completion,
                    score: Some(cost),
                    chosen: false,
                };
                if ctx.explain {
                    weighed.push(candidate);
                }
                // Meets the deadline even if one more job lands on the node
                // before it finishes (predictions assume today's co-location).
                let robust = ctx.now_ms
                    + config.service_ms(job.queries, group.alpha, group.running + 1)
                    + group.network_ms;
                if robust <= deadline {
                    meeting.push(Option_ {
                        candidate,
                        tier: group.tier,
                        cost,
                    });
                }
                if earliest.is_none_or(|e| (completion, node) < (e.predicted_completion_ms, e.node))
                {
                    earliest = Some(candidate);
                }
            }
        }
        let pinned = job.pin.is_some();
        let finish = |chosen: Candidate, reason: Reason, mut weighed: Vec<Candidate>| {
            for c in &mut weighed {
                c.chosen = c.node == chosen.node && c.config == chosen.config;
            }
            Decision {
                job: id,
                at_ms: ctx.now_ms,
                action: Action::Assign(Assignment {
                    node: chosen.node,
                    config: chosen.config,
                    predicted_completion_ms: chosen.predicted_completion_ms,
                    slack_ms: chosen.slack_ms,
                    pinned,
                }),
                reason,
                candidates: weighed,
            }
        };
        if !meeting.is_empty() {
            let cheapest = meeting.iter().map(|o| o.cost).fold(f64::INFINITY, f64::min);
            let near = cheapest * NEAR_EQUAL_COST;
            let best = meeting
                .iter()
                .filter(|o| o.cost <= near)
                .min_by(|a, b| {
                    (a.tier != Tier::Edge)
                        .cmp(&(b.tier != Tier::Edge))
                        .then(b.candidate.slack_ms.total_cmp(&a.candidate.slack_ms))
                        .then(a.candidate.node.cmp(&b.candidate.node))
                        .then(a.candidate.config.threads.cmp(&b.candidate.config.threads))
                })
                .map(|o| (o.candidate, o.cost));
            if let Some((chosen, cost)) = best {
                let reason = Reason::LeastCostMeetingDeadline {
                    meeting: meeting.len() as u32,
                    cost,
                };
                return finish(chosen, reason, weighed);
            }
        }
        // Nothing meets the deadline now: would waiting for capacity help?
        let wait = earliest_wait(job, ctx, |p| &p.candidates, &mut weighed);
        match (earliest, wait) {
            (Some(now), Some((node, at, completion)))
                if completion <= deadline || completion < now.predicted_completion_ms =>
            {
                let reason = if completion <= deadline {
                    Reason::WaitMeetsDeadline { node, at_ms: at }
                } else {
                    Reason::WaitIsEarlier { node, at_ms: at }
                };
                Decision {
                    candidates: weighed,
                    ..Decision::hold(id, ctx.now_ms, reason)
                }
            }
            (Some(now), _) => {
                let reason = Reason::LeastExcess {
                    excess_ms: now.predicted_completion_ms - deadline,
                };
                finish(now, reason, weighed)
            }
            (None, Some(_)) => Decision {
                candidates: weighed,
                ..Decision::hold(id, ctx.now_ms, Reason::NoCapacity)
            },
            (None, None) => Decision {
                candidates: weighed,
                ..Decision::hold(id, ctx.now_ms, Reason::Unschedulable)
            },
        }
    }
}
