//! Holding a job for capacity: the earliest completion reachable by
//! waiting for running jobs to free a node.

use super::{Candidate, Context, ModelArchPlan, PlanConfig};
use crate::model::{JobSpec, NodeId, Pin};

/// The earliest completion reachable by waiting for running jobs to free
/// capacity on one node: (node, when it frees, predicted completion).
/// Nodes of each class are visited by earliest release; a class is left as
/// soon as its next release plus the fastest possible run cannot beat the
/// best found.
pub(super) fn earliest_wait<'p>(
    job: &JobSpec,
    ctx: &Context<'p>,
    configs: impl Fn(&'p ModelArchPlan) -> &'p [PlanConfig],
    weighed: &mut Vec<Candidate>,
) -> Option<(NodeId, f64, f64)> {
    let cluster = ctx.cluster;
    let mut best: Option<(NodeId, f64, f64)> = None;
    let mut consider = |node: NodeId, best: &mut Option<(NodeId, f64, f64)>| {
        let spec = cluster.spec(node);
        let Some(plan) = ctx.plan.get(job.model, spec.arch) else {
            return;
        };
        let alpha = cluster.alpha(node);
        for config in configs(plan) {
            let Some((at, others)) =
                cluster.fits_at(node, config.threads, config.memory_mib, config.gpus)
            else {
                continue;
            };
            let start = at.max(ctx.now_ms);
            let completion =
                start + config.service_ms(job.queries, alpha, others) + spec.network_ms;
            if best.is_none_or(|b| (completion, node) < (b.2, b.0)) {
                *best = Some((node, start, completion));
            }
            if ctx.explain {
                weighed.push(Candidate {
                    node,
                    identical: 1,
                    config: *config,
                    start_ms: start,
                    predicted_completion_ms: completion,
                    slack_ms: job.deadline_ms() - completion,
                    score: None,
                    chosen: false,
                    rejected: None,
                });
            }
        }
    };
    match job.pin {
        Some(Pin::Node(node)) => {
            if cluster.is_schedulable(node) && job.allows(node) {
                consider(node, &mut best);
            }
        }
        _ => {
            for class in 0..cluster.class_count() as u32 {
                let (arch, _, _) = cluster.class_info(class);
                if matches!(job.pin, Some(Pin::Arch(a)) if a != arch) {
                    continue;
                }
                let Some(plan) = ctx.plan.get(job.model, arch) else {
                    continue;
                };
                let fastest = configs(plan)
                    .iter()
                    .map(|c| c.service_ms(job.queries, 0.0, 0))
                    .fold(f64::INFINITY, f64::min);
                for (release, node) in cluster.release_order(class) {
                    if !cluster.is_schedulable(node) {
                        break;
                    }
                    if best.is_some_and(|b| release.max(ctx.now_ms) + fastest >= b.2) {
                        break;
                    }
                    if job.allows(node) {
                        consider(node, &mut best);
                    }
                }
            }
        }
    }
    best
}
