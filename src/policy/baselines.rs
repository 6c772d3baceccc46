//! The fixed baselines of `scheduling.md`. Do not weaken them: they are
//! what `synergai` is measured against.
//!
//! - `k8s-default`: kube-scheduler's default profile, architecture- and
//!   QoS-blind: a fixed request (`onnxruntime` × the model's default
//!   threads), filter nodes that fit, score LeastAllocated +
//!   BalancedAllocation, ties by node name.
//! - `round-robin`: the next node in name order that fits the fixed request.
//! - `random`: a uniformly drawn fitting node (seeded).
//! - `slo-aware`: pre-profiled SLO-aware routing: the (node, configuration)
//!   with the earliest predicted completion now, using on each node the
//!   fastest configuration that fits its free resources.

use super::{
    Action, Assignment, Candidate, Context, Decision, PlanConfig, Policy, Reason, Standing, predict,
};
use crate::model::Rng;
use crate::model::{JobId, JobSpec, NodeGroup, NodeId};

fn assign(
    id: JobId,
    ctx: &Context<'_>,
    node: NodeId,
    group: &NodeGroup,
    config: PlanConfig,
    reason: Reason,
    mut weighed: Vec<Candidate>,
) -> Decision {
    let job = &ctx.jobs[id as usize];
    let completion = predict(job, group, &config, ctx.now_ms);
    for c in &mut weighed {
        c.chosen = c.node == node && c.config == config;
    }
    Decision {
        job: id,
        at_ms: ctx.now_ms,
        action: Action::Assign(Assignment {
            node,
            config,
            predicted_completion_ms: completion,
            slack_ms: job.deadline_ms() - completion,
            pinned: job.pin.is_some(),
        }),
        reason,
        candidates: weighed,
        standing: None,
        filtered: Vec::new(),
    }
}

fn candidate(
    job: &JobSpec,
    ctx: &Context<'_>,
    group: &NodeGroup,
    node: NodeId,
    config: PlanConfig,
    score: Option<f64>,
) -> Candidate {
    let completion = predict(job, group, &config, ctx.now_ms);
    Candidate {
        node,
        identical: group.len() as u32,
        config,
        start_ms: ctx.now_ms,
        predicted_completion_ms: completion,
        slack_ms: job.deadline_ms() - completion,
        score,
        chosen: false,
        rejected: None,
    }
}

/// Nothing fits now: no capacity, or never any (the request exceeds every
/// node the job may use).
fn no_fit(id: JobId, ctx: &Context<'_>, job: &JobSpec, fixed: bool) -> Decision {
    let ever = ctx.groups_for(job).any(|(group, node)| {
        let spec = ctx.cluster.spec(node);
        ctx.plan.get(job.model, group.arch).is_some_and(|plan| {
            let configs: &[PlanConfig] = if fixed {
                plan.fixed_request.as_slice()
            } else {
                &plan.by_speed
            };
            configs.iter().any(|c| {
                c.threads <= spec.cores && c.memory_mib <= spec.memory_mib && c.gpus <= spec.gpus
            })
        })
    });
    let reason = if ever {
        Reason::NoCapacity
    } else {
        Reason::Unschedulable
    };
    Decision::hold(id, ctx.now_ms, reason).standing(Standing::NOTHING_FITS)
}

/// The fixed request of `job` on an architecture, if the profile has it.
fn fixed(ctx: &Context<'_>, job: &JobSpec, group: &NodeGroup) -> Option<PlanConfig> {
    ctx.plan
        .get(job.model, group.arch)
        .and_then(|p| p.fixed_request)
        .filter(|c| group.fits(c.threads, c.memory_mib, c.gpus))
}

/// kube-scheduler's default profile.
#[derive(Clone, Copy, Debug, Default)]
pub struct K8sDefault;

impl K8sDefault {
    /// LeastAllocated + BalancedAllocation (each 0–100) after placing `config`.
    fn score(ctx: &Context<'_>, node: NodeId, group: &NodeGroup, config: &PlanConfig) -> f64 {
        let spec = ctx.cluster.spec(node);
        let cores = f64::from(spec.cores.max(1));
        let memory = spec.memory_mib.max(1) as f64;
        let cpu_used =
            (f64::from(spec.cores - group.free_cores) + f64::from(config.threads)) / cores;
        let mem_used =
            ((spec.memory_mib - group.free_memory_mib) as f64 + config.memory_mib as f64) / memory;
        let least_allocated = ((1.0 - cpu_used) + (1.0 - mem_used)) / 2.0 * 100.0;
        let balanced = (1.0 - (cpu_used - mem_used).abs() / 2.0) * 100.0;
        least_allocated + balanced
    }
}

impl Policy for K8sDefault {
    fn name(&self) -> &'static str {
        "k8s-default"
    }

    fn higher_score_wins(&self) -> bool {
        true
    }

    fn decide(&mut self, id: JobId, ctx: &Context<'_>) -> Decision {
        let job = &ctx.jobs[id as usize];
        let mut best: Option<(f64, NodeId, &NodeGroup, PlanConfig)> = None;
        let mut weighed = Vec::new();
        for (group, node) in ctx.groups_for(job) {
            let Some(config) = fixed(ctx, job, group) else {
                continue;
            };
            let score = Self::score(ctx, node, group, &config);
            if ctx.explain {
                weighed.push(candidate(job, ctx, group, node, config, Some(score)));
            }
            // Higher score wins; ties by node name (node ids are name-ordered).
            if best.is_none_or(|(s, n, _, _)| score > s || (score == s && node < n)) {
                best = Some((score, node, group, config));
            }
        }
        match best {
            Some((score, node, group, config)) => assign(
                id,
                ctx,
                node,
                group,
                config,
                Reason::LeastAllocated { score },
                weighed,
            ),
            None => no_fit(id, ctx, job, true),
        }
    }
}

/// The next node in name order that fits the fixed request.
#[derive(Clone, Copy, Debug, Default)]
pub struct RoundRobin {
    /// The node after which the search starts.
    last: Option<NodeId>,
}

impl Policy for RoundRobin {
    fn name(&self) -> &'static str {
        "round-robin"
    }

    fn decide(&mut self, id: JobId, ctx: &Context<'_>) -> Decision {
        let job = &ctx.jobs[id as usize];
        let n = ctx.cluster.len() as NodeId;
        if n == 0 {
            return no_fit(id, ctx, job, true);
        }
        let start = self.last.map_or(0, |l| (l + 1) % n);
        let allowed = |node: NodeId| {
            job.allows(node)
                && match job.pin {
                    Some(crate::model::Pin::Node(p)) => p == node,
                    Some(crate::model::Pin::Arch(a)) => ctx.cluster.spec(node).arch == a,
                    None => true,
                }
        };
        for step in 0..n {
            let node = (start + step) % n;
            if !allowed(node) {
                continue;
            }
            let group = ctx.cluster.group_of(node);
            if let Some(config) = fixed(ctx, job, group) {
                self.last = Some(node);
                let weighed = if ctx.explain {
                    vec![candidate(job, ctx, group, node, config, None)]
                } else {
                    Vec::new()
                };
                return assign(id, ctx, node, group, config, Reason::NextInTurn, weighed);
            }
        }
        no_fit(id, ctx, job, true)
    }
}

/// Members of a group the job's own constraints allow.
fn eligible<'a>(group: &'a NodeGroup, job: &'a JobSpec) -> impl Iterator<Item = NodeId> + 'a {
    group.members().filter(move |&m| job.allows(m))
}

/// A uniformly drawn node among those that fit the fixed request.
#[derive(Clone, Debug)]
pub struct Random {
    rng: Rng,
}

impl Random {
    pub fn new(seed: u64) -> Random {
        Random {
            rng: Rng::new(seed ^ 0x5eed_5eed_5eed_5eed),
        }
    }
}

impl Policy for Random {
    fn name(&self) -> &'static str {
        "random"
    }

    fn decide(&mut self, id: JobId, ctx: &Context<'_>) -> Decision {
        let job = &ctx.jobs[id as usize];
        let fitting: Vec<(&NodeGroup, NodeId, PlanConfig)> = ctx
            .groups_for(job)
            .filter_map(|(g, n)| fixed(ctx, job, g).map(|c| (g, n, c)))
            .collect();
        let pinned_node = matches!(job.pin, Some(crate::model::Pin::Node(_)));
        // Nodes of a group the job may take (a pinned node is alone).
        let count = |g: &NodeGroup| {
            if pinned_node {
                1
            } else if job.allowed.is_some() {
                eligible(g, job).count() as u64
            } else {
                g.len() as u64
            }
        };
        let total: u64 = fitting.iter().map(|(g, _, _)| count(g)).sum();
        if total == 0 {
            return no_fit(id, ctx, job, true);
        }
        let mut draw = self.rng.below(total);
        for (group, first, config) in &fitting {
            let size = count(group);
            if draw < size {
                let node = if pinned_node {
                    *first
                } else if job.allowed.is_some() {
                    eligible(group, job).nth(draw as usize).unwrap_or(*first)
                } else {
                    group.nth(draw as usize).unwrap_or(*first)
                };
                let weighed = if ctx.explain {
                    fitting
                        .iter()
                        .map(|(g, n, c)| candidate(job, ctx, g, *n, *c, None))
                        .collect()
                } else {
                    Vec::new()
                };
                return assign(
                    id,
                    ctx,
                    node,
                    group,
                    *config,
                    Reason::Drawn {
                        fitting: total as u32,
                    },
                    weighed,
                );
            }
            draw -= size;
        }
        no_fit(id, ctx, job, true)
    }
}

/// The state-of-the-art stand-in: earliest predicted completion now with
/// the fastest configuration that fits.
#[derive(Clone, Copy, Debug, Default)]
pub struct SloAware;

impl Policy for SloAware {
    fn name(&self) -> &'static str {
        "slo-aware"
    }

    fn decide(&mut self, id: JobId, ctx: &Context<'_>) -> Decision {
        let job = &ctx.jobs[id as usize];
        let mut best: Option<(f64, NodeId, &NodeGroup, PlanConfig)> = None;
        let mut weighed = Vec::new();
        for (group, node) in ctx.groups_for(job) {
            let Some(plan) = ctx.plan.get(job.model, group.arch) else {
                continue;
            };
            let Some(config) = plan
                .by_speed
                .iter()
                .find(|c| group.fits(c.threads, c.memory_mib, c.gpus))
            else {
                continue;
            };
            let completion = predict(job, group, config, ctx.now_ms);
            if ctx.explain {
                weighed.push(candidate(job, ctx, group, node, *config, None));
            }
            if best.is_none_or(|(c, n, _, _)| completion < c || (completion == c && node < n)) {
                best = Some((completion, node, group, *config));
            }
        }
        match best {
            Some((_, node, group, config)) => assign(
                id,
                ctx,
                node,
                group,
                config,
                Reason::EarliestCompletion,
                weighed,
            ),
            None => no_fit(id, ctx, job, false),
        }
    }
}
