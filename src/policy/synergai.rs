//! `synergai`: architecture-aware placement that prices fast, scarce
//! capacity by how likely it is to be needed.
//!
//! Every parameter lives in [`Params`]. A pass:
//!
//! 1. **Triage.** Jobs that can still meet their deadline come first, least
//!    slack first; jobs that cannot (even alone on the fastest idle node)
//!    go last, so a lost cause never takes capacity from a job that can
//!    still make it.
//! 2. **Pressure.** One number θ ∈ [0, 1] per pass: the share of the
//!    cluster's compute in use plus the pending jobs that can still make it
//!    per node; a tight job (fastest run near its QoS) raises its own θ.
//!    At θ = 0 nothing is scarce and a job gets its fastest configuration;
//!    as θ grows, the resource-seconds a placement takes are priced in
//!    (in what the resources could have served, each weighted by
//!    `1 + its architecture's utilization`, and — for a job whose deadline
//!    leaves room — by how much more energy per query the configuration
//!    takes than the job's fastest one).
//! 3. **Feasible candidates** are every (node state, profiled
//!    configuration) that fits now, completes by the deadline even with one
//!    more co-located job, and does not make a co-located job that would
//!    meet its deadline miss it. The choice: least
//!    `(1 − θ)·run time + θ·priced resource-seconds`.
//! 4. **Otherwise**: hold if waiting for a running job to free capacity
//!    meets the deadline; else place where it meets the deadline without
//!    margin; else the job is lost: scored with the pass's θ alone (not its
//!    own tightness), it takes the least capacity under pressure and
//!    finishes soon when nothing is scarce.

use super::wait::earliest_wait;
use super::{
    Candidate, Context, Decision, ModelArchPlan, PlanConfig, Policy, QueueOrder, Reason, Rejection,
    Standing, predict,
};
use crate::model::{Cluster, JobId, JobSpec, NodeGroup, NodeId, Pin};

/// Every tunable of the policy, in one place. The values were chosen on
/// the shipped scenarios and the generated suite as a whole, never on one
/// scenario (`tests/quality.rs`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Weight of the pending jobs that can still meet their deadline, per
    /// node, in the pressure θ.
    pub queue_weight: f64,
    /// A job's own θ is at least this × (its fastest run / its QoS).
    pub tightness_weight: f64,
    /// A placement's priced resources are multiplied by (its energy per
    /// query / that of the job's fastest configuration) to the power
    /// `energy_weight × (1 − tightness)`: a job whose deadline leaves room
    /// pays for energy, a tight one for capacity alone.
    pub energy_weight: f64,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            queue_weight: 1.0,
            tightness_weight: 4.0,
            energy_weight: 0.5,
        }
    }
}

/// The synergai policy.
#[derive(Clone, Debug, Default)]
pub struct Synergai {
    params: Params,
    /// θ of the current pass (set by [`Policy::prepare`]).
    pressure: Option<f64>,
    /// Per architecture, the energy factor of each of its configurations
    /// for the job being decided (reused: no allocation per decision).
    energy_factors: Vec<Vec<f64>>,
    energy_filled: Vec<bool>,
}

impl Synergai {
    pub fn new(params: Params) -> Synergai {
        Synergai {
            params,
            pressure: None,
            energy_factors: Vec::new(),
            energy_filled: Vec::new(),
        }
    }

    /// Share of the cluster's compute in use (a GPU weighs as much as the
    /// cores of its board).
    fn utilization(cluster: &Cluster, n_arch: usize) -> f64 {
        let (mut used, mut total) = (0.0, 0.0);
        for a in 0..n_arch as u16 {
            let u = cluster.arch_usage(a);
            if u.nodes == 0 {
                continue;
            }
            let per_gpu = if u.gpus > 0 {
                u.cores as f64 / u.gpus as f64
            } else {
                0.0
            };
            used += u.cores_used as f64 + u.gpus_used as f64 * per_gpu;
            total += u.cores as f64 + u.gpus as f64 * per_gpu;
        }
        if total > 0.0 { used / total } else { 0.0 }
    }

    fn pressure(&self, ctx: &Context<'_>) -> f64 {
        self.pressure
            .unwrap_or_else(|| Self::utilization(ctx.cluster, ctx.profile.archs.len()).min(1.0))
    }
}

/// The fastest a job can possibly complete from `now_ms` on the
/// architectures it may use (no co-location, network included).
fn best_completion(job: &JobSpec, ctx: &Context<'_>) -> f64 {
    let fastest = |arch| {
        ctx.plan
            .get(job.model, arch)
            .and_then(|plan| plan.by_speed.first())
            .map(|c| c.service_ms(job.queries, 0.0, 0))
    };
    let mut best = f64::INFINITY;
    if job.allowed.is_some() || matches!(job.pin, Some(Pin::Node(_))) {
        for (group, _) in ctx.groups_for(job) {
            if let Some(run) = fastest(group.arch) {
                best = best.min(ctx.now_ms + run + group.network_ms);
            }
        }
        return best;
    }
    // Every node is in one group of its class: the classes give the same
    // minimum as the groups, in far fewer steps (this runs for every queued
    // job on every pass).
    for class in 0..ctx.cluster.class_count() as u32 {
        let (arch, _, _) = ctx.cluster.class_info(class);
        let (network_ms, schedulable) = ctx.cluster.class_route(class);
        if !schedulable || matches!(job.pin, Some(Pin::Arch(a)) if a != arch) {
            continue;
        }
        if let Some(run) = fastest(arch) {
            best = best.min(ctx.now_ms + run + network_ms);
        }
    }
    best
}

/// Whether one more job on `node` keeps every co-located job that meets
/// its deadline meeting it.
fn harmless(ctx: &Context<'_>, node: NodeId, group: &NodeGroup) -> bool {
    if group.alpha == 0.0 || group.running == 0 {
        return true;
    }
    let k = f64::from(group.running - 1);
    let stretch = (1.0 + group.alpha * (k + 1.0)) / (1.0 + group.alpha * k);
    ctx.cluster.runs_on(node).all(|r| {
        let Some(spec) = ctx.jobs.get(r.job as usize) else {
            return true;
        };
        let deadline = spec.deadline_ms();
        let start = ctx.now_ms.max(r.processing_start_ms);
        let now_completion = r.predicted_finish_ms + group.network_ms;
        let later = start + (r.predicted_finish_ms - start) * stretch + group.network_ms;
        now_completion > deadline || later <= deadline
    })
}

/// When a node on which one more job would harm a co-located job stops
/// doing so, if nothing on it changes: the slowdown applies to less and
/// less remaining work. A job processing until `finish` completes, slowed
/// from `t` on, at `t + (finish − t)·stretch + network`, which meets its
/// deadline from `(finish·stretch + network − deadline) / (stretch − 1)`.
/// Taken a little early (rounding must never let a hold outlive the harm;
/// deciding again early only costs a decision).
fn harm_fades_at(ctx: &Context<'_>, node: NodeId, group: &NodeGroup) -> f64 {
    if group.alpha == 0.0 || group.running == 0 {
        return ctx.now_ms;
    }
    let k = f64::from(group.running - 1);
    let stretch = (1.0 + group.alpha * (k + 1.0)) / (1.0 + group.alpha * k);
    let mut fades = ctx.now_ms;
    for r in ctx.cluster.runs_on(node) {
        let Some(spec) = ctx.jobs.get(r.job as usize) else {
            continue;
        };
        let deadline = spec.deadline_ms();
        let start = ctx.now_ms.max(r.processing_start_ms);
        let now_completion = r.predicted_finish_ms + group.network_ms;
        let later = start + (r.predicted_finish_ms - start) * stretch + group.network_ms;
        if now_completion > deadline || later <= deadline {
            continue;
        }
        let t = (r.predicted_finish_ms * stretch + group.network_ms - deadline) / (stretch - 1.0);
        let t = t.max(r.processing_start_ms);
        fades = fades.max(t - 1e-9 * t.abs() - 1e-3);
    }
    fades
}

/// Resource-seconds of a run, in seconds of the job's fastest
/// configuration, each resource weighted by `1 + its architecture's use`.
fn priced_resources(
    ctx: &Context<'_>,
    group: &NodeGroup,
    plan: &ModelArchPlan,
    config: &PlanConfig,
    run_s: f64,
    fastest_qps: f64,
) -> f64 {
    let usage = ctx.cluster.arch_usage(group.arch);
    let core_use = if usage.cores > 0 {
        usage.cores_used as f64 / usage.cores as f64
    } else {
        0.0
    };
    let gpu_use = if usage.gpus > 0 {
        usage.gpus_used as f64 / usage.gpus as f64
    } else {
        0.0
    };
    let served = f64::from(config.threads) * plan.core_price * (1.0 + core_use)
        + f64::from(config.gpus) * plan.gpu_price * (1.0 + gpu_use);
    run_s * served / fastest_qps.max(f64::MIN_POSITIVE)
}

/// Energy per query of a configuration at its profiled rate.
fn joules_per_query(config: &PlanConfig) -> f64 {
    if config.qps > 0.0 {
        config.watts / config.qps
    } else {
        0.0
    }
}

impl Policy for Synergai {
    fn name(&self) -> &'static str {
        "synergai"
    }

    fn order(&self) -> QueueOrder {
        QueueOrder::LeastSlack
    }

    fn prepare(&mut self, queue: &[JobId], ctx: &Context<'_>) -> Option<Vec<JobId>> {
        let (mut live, mut lost) = (Vec::with_capacity(queue.len()), Vec::new());
        for &id in queue {
            let job = &ctx.jobs[id as usize];
            if best_completion(job, ctx) <= job.deadline_ms() {
                live.push(id);
            } else {
                lost.push(id);
            }
        }
        let nodes = ctx.cluster.len().max(1) as f64;
        let utilization = Self::utilization(ctx.cluster, ctx.profile.archs.len());
        let queued = self.params.queue_weight * live.len() as f64 / nodes;
        self.pressure = Some((utilization + queued).clamp(0.0, 1.0));
        if lost.is_empty() {
            return None;
        }
        live.extend(lost);
        Some(live)
    }

    fn decide(&mut self, id: JobId, ctx: &Context<'_>) -> Decision {
        let job = &ctx.jobs[id as usize];
        let deadline = job.deadline_ms();
        let theta = self.pressure(ctx);
        let mut best: Option<(f64, Candidate)> = None;
        let mut meeting = 0u32;
        let mut unmargined: Option<Candidate> = None;
        let mut cheapest: Option<(f64, Candidate)> = None;
        let mut weighed: Vec<Candidate> = Vec::new();
        // The earliest a candidate turned down only for the harm it would
        // do could stop doing harm (a hold cannot stand past it).
        let mut harm_fades = f64::INFINITY;
        let fastest = ctx
            .groups_for(job)
            .filter_map(|(g, _)| ctx.plan.get(job.model, g.arch))
            .filter_map(|p| p.by_speed.first())
            .fold(None::<&PlanConfig>, |best, c| match best {
                Some(b) if b.qps >= c.qps => Some(b),
                _ => Some(c),
            });
        let fastest_qps = fastest.map_or(0.0, |c| c.qps);
        let fastest_joules_per_query = fastest.map_or(0.0, joules_per_query);
        // A tight job (its fastest run near its QoS) is right-sized however
        // idle the cluster is: its latency is worth nothing beyond the
        // deadline, and the capacity it leaves serves the next tight job.
        let fastest_run = best_completion(job, ctx) - ctx.now_ms;
        let tightness = (fastest_run / job.qos_ms).clamp(0.0, 1.0);
        let pass_theta = theta;
        let theta = theta.max((self.params.tightness_weight * tightness).min(1.0));
        let energy_exponent = self.params.energy_weight * (1.0 - tightness);
        // The energy factor depends on the configuration only: computed once
        // per architecture, not per node state (a `powf` per candidate would
        // double the cost of a decision at 5,000 nodes).
        let archs = ctx.profile.archs.len();
        self.energy_factors.resize_with(archs, Vec::new);
        self.energy_filled.clear();
        self.energy_filled.resize(archs, false);
        for (group, node) in ctx.groups_for(job) {
            let Some(plan) = ctx.plan.get(job.model, group.arch) else {
                continue;
            };
            let arch = group.arch as usize;
            if !self.energy_filled[arch] {
                self.energy_filled[arch] = true;
                let factors = &mut self.energy_factors[arch];
                factors.clear();
                factors.extend(plan.by_speed.iter().map(|c| {
                    if fastest_joules_per_query > 0.0 && energy_exponent != 0.0 {
                        (joules_per_query(c) / fastest_joules_per_query).powf(energy_exponent)
                    } else {
                        1.0
                    }
                }));
            }
            let factors = &self.energy_factors[arch];
            let mut safe: Option<bool> = None;
            for (config, &energy_factor) in plan.by_speed.iter().zip(factors.iter()) {
                if !group.fits(config.threads, config.memory_mib, config.gpus) {
                    continue;
                }
                let completion = predict(job, group, config, ctx.now_ms);
                let run_s = (completion - group.network_ms - ctx.now_ms) / 1000.0;
                let resources =
                    energy_factor * priced_resources(ctx, group, plan, config, run_s, fastest_qps);
                let latency_s = (completion - ctx.now_ms) / 1000.0;
                let score = (1.0 - theta) * latency_s + theta * resources;
                let candidate = Candidate {
                    node,
                    identical: group.len() as u32,
                    config: *config,
                    start_ms: ctx.now_ms,
                    predicted_completion_ms: completion,
                    slack_ms: deadline - completion,
                    score: Some(score),
                    chosen: false,
                    rejected: None,
                };
                if ctx.explain {
                    weighed.push(candidate);
                }
                let key = |c: &Candidate| (c.predicted_completion_ms, c.node, c.config.threads);
                // A lost job is scored without its own tightness: under
                // pressure it takes the least, otherwise it finishes soon.
                let lost_cost = (1.0 - pass_theta) * latency_s + pass_theta * resources;
                if cheapest.is_none_or(|(c, b)| (lost_cost, key(&candidate)) < (c, key(&b))) {
                    cheapest = Some((lost_cost, candidate));
                }
                if completion > deadline {
                    continue;
                }
                let robust = ctx.now_ms
                    + config.service_ms(job.queries, group.alpha, group.running + 1)
                    + group.network_ms;
                let margin = robust <= deadline;
                let ok = margin && *safe.get_or_insert_with(|| harmless(ctx, node, group));
                if margin && !ok {
                    harm_fades = harm_fades.min(harm_fades_at(ctx, node, group));
                }
                if !ok && ctx.explain {
                    let last = weighed.len() - 1;
                    weighed[last].rejected = Some(if margin {
                        Rejection::HarmsCoLocated
                    } else {
                        Rejection::NoCoLocationMargin {
                            late_ms: robust - deadline,
                        }
                    });
                }
                if ok {
                    meeting += 1;
                    if best.is_none_or(|(s, b)| (score, key(&candidate)) < (s, key(&b))) {
                        best = Some((score, candidate));
                    }
                } else if unmargined.is_none_or(|u| candidate.slack_ms > u.slack_ms) {
                    unmargined = Some(candidate);
                }
            }
        }
        let assign = |chosen: Candidate, reason: Reason, weighed: Vec<Candidate>| {
            Decision::assign(id, ctx.now_ms, job, chosen, reason, weighed)
        };
        if let Some((cost, chosen)) = best {
            return assign(
                chosen,
                Reason::LeastCostMeetingDeadline {
                    meeting,
                    cost,
                    pressure: theta,
                },
                weighed,
            );
        }
        let wait = earliest_wait(job, ctx, |p| &p.by_speed, &mut weighed);
        if let Some((node, at, completion)) = wait
            && completion <= deadline
        {
            // Stands while the wait meets the deadline and no placement
            // now could (see `Holds`).
            let standing = Standing {
                until_ms: harm_fades.min(deadline - (completion - at)),
                watch: Some(node),
                unless_by_ms: deadline,
            };
            return Decision::hold_weighed(
                id,
                ctx.now_ms,
                Reason::WaitMeetsDeadline { node, at_ms: at },
                weighed,
            )
            .standing(standing);
        }
        if let Some(chosen) = unmargined {
            let reason = Reason::MeetsWithoutMargin {
                slack_ms: chosen.slack_ms,
            };
            return assign(chosen, reason, weighed);
        }
        match (cheapest, wait) {
            (Some((_, chosen)), _) => {
                let reason = Reason::LostCheapest {
                    excess_ms: chosen.predicted_completion_ms - deadline,
                };
                assign(chosen, reason, weighed)
            }
            (None, Some(_)) => Decision::hold_weighed(id, ctx.now_ms, Reason::NoCapacity, weighed)
                .standing(Standing::NOTHING_FITS),
            (None, None) => Decision::hold_weighed(id, ctx.now_ms, Reason::Unschedulable, weighed)
                .standing(Standing::NOTHING_FITS),
        }
    }
}
