//! Workload generators: seeded arrival processes (Poisson, bursty,
//! diurnal) and job mixes. Pure functions of their parameters and seed.

use crate::model::Rng;
use crate::model::{ArchId, JobSpec, ModelId, NodeSpec};
use crate::policy::{OfflinePlan, PlanConfig};
use std::collections::BTreeMap;
use std::f64::consts::TAU;

/// An arrival process; rates are jobs per second.
#[derive(Clone, Debug, PartialEq)]
pub enum Arrivals {
    Poisson {
        rate: f64,
    },
    /// Poisson at `rate`, at `burst_rate` during the first `length_ms` of
    /// every `every_ms`.
    Bursty {
        rate: f64,
        burst_rate: f64,
        every_ms: f64,
        length_ms: f64,
    },
    /// Poisson with rate `rate × (1 + amplitude·sin(2πt/period))`.
    Diurnal {
        rate: f64,
        period_ms: f64,
        amplitude: f64,
    },
}

impl Arrivals {
    /// Rate (jobs/s) at `t_ms` after the generator's start.
    pub fn rate_at(&self, t_ms: f64) -> f64 {
        match *self {
            Arrivals::Poisson { rate } => rate,
            Arrivals::Bursty {
                rate,
                burst_rate,
                every_ms,
                length_ms,
            } => {
                if t_ms % every_ms < length_ms {
                    burst_rate
                } else {
                    rate
                }
            }
            Arrivals::Diurnal {
                rate,
                period_ms,
                amplitude,
            } => (rate * (1.0 + amplitude * (TAU * t_ms / period_ms).sin())).max(0.0),
        }
    }

    /// An upper bound of [`Arrivals::rate_at`] (for thinning).
    pub fn max_rate(&self) -> f64 {
        match *self {
            Arrivals::Poisson { rate } => rate,
            Arrivals::Bursty {
                rate, burst_rate, ..
            } => rate.max(burst_rate),
            Arrivals::Diurnal {
                rate, amplitude, ..
            } => rate * (1.0 + amplitude.abs()),
        }
    }

    /// Mean rate over a long window.
    pub fn mean_rate(&self) -> f64 {
        match *self {
            Arrivals::Poisson { rate } | Arrivals::Diurnal { rate, .. } => rate,
            Arrivals::Bursty {
                rate,
                burst_rate,
                every_ms,
                length_ms,
            } => {
                let f = (length_ms / every_ms).min(1.0);
                burst_rate * f + rate * (1.0 - f)
            }
        }
    }
}

/// How a job's QoS target is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum QosRule {
    /// Uniform multiple of the job's shortest possible run time on the
    /// scenario's architectures (fastest configuration, idle node,
    /// excluding network).
    Factor { min: f64, max: f64 },
    /// Uniform in [min, max] ms.
    Absolute { min_ms: f64, max_ms: f64 },
}

/// One model of a mix.
#[derive(Clone, Debug, PartialEq)]
pub struct MixItem {
    pub model: ModelId,
    pub weight: f64,
    /// Queries per job, drawn log-uniformly.
    pub queries: (u64, u64),
    pub qos: QosRule,
}

/// A validated generator.
#[derive(Clone, Debug, PartialEq)]
pub struct Generator {
    pub name_prefix: String,
    pub seed: u64,
    pub start_ms: f64,
    pub duration_ms: Option<f64>,
    pub count: Option<u64>,
    pub arrivals: Arrivals,
    pub mix: Vec<MixItem>,
}

/// Draws the generator's jobs (non-homogeneous Poisson by thinning).
pub fn generate(g: &Generator, plan: &OfflinePlan, archs: &[ArchId]) -> Vec<JobSpec> {
    let mut rng = Rng::new(g.seed);
    let weights: Vec<f64> = g.mix.iter().map(|m| m.weight).collect();
    let max_rate = g.arrivals.max_rate();
    let mut jobs = Vec::new();
    if max_rate <= 0.0 || g.mix.is_empty() {
        return jobs;
    }
    let limit = g.count.unwrap_or(u64::MAX);
    let end = g.duration_ms.unwrap_or(f64::INFINITY);
    let mut t = 0.0;
    let width = limit.min(999_999).to_string().len().max(5);
    while (jobs.len() as u64) < limit {
        t += rng.exponential(1000.0 / max_rate);
        if t >= end {
            break;
        }
        if rng.unit() * max_rate > g.arrivals.rate_at(t) {
            continue;
        }
        let item = &g.mix[rng.weighted(&weights)];
        let (lo, hi) = item.queries;
        let queries = (rng.log_uniform(lo as f64, hi.max(lo) as f64).round() as u64).max(1);
        let qos_ms = match item.qos {
            QosRule::Factor { min, max } => {
                rng.range_f64(min, max) * plan.min_service_ms(item.model, queries, archs)
            }
            QosRule::Absolute { min_ms, max_ms } => rng.range_f64(min_ms, max_ms),
        };
        jobs.push(JobSpec {
            name: format!("{}-{:0width$}", g.name_prefix, jobs.len() + 1),
            arrival_ms: ((g.start_ms + t) * 1000.0).round() / 1000.0,
            model: item.model,
            queries,
            qos_ms: (qos_ms * 1000.0).round() / 1000.0,
            pin: None,
            allowed: None,
        });
    }
    jobs
}

/// Mean of a log-uniform draw on `[lo, hi]`: `(hi − lo) / ln(hi / lo)`
/// (`lo` when the range is a point).
pub fn mean_log_uniform(lo: f64, hi: f64) -> f64 {
    if hi <= lo || lo <= 0.0 {
        lo
    } else {
        (hi - lo) / (hi / lo).ln()
    }
}

/// Jobs/s one execution slot running `config` serves when jobs average
/// `mean_queries` queries: `1 / (startup + mean_queries / qps)`.
fn slot_rate(config: &PlanConfig, mean_queries: f64) -> f64 {
    let service_ms = config.startup_ms + mean_queries * 1000.0 / config.qps;
    if service_ms > 0.0 {
        1000.0 / service_ms
    } else {
        0.0
    }
}

/// Jobs/s of `model` (averaging `mean_queries` queries) that `node` serves
/// when it is packed with jobs at their offline-plan knee configurations,
/// ignoring interference.
///
/// Slots: if the plan's knee for (model, arch) holds a GPU, every GPU of
/// the node gives one slot of that knee (its threads and memory come out of
/// the node's); the cores (and memory) left give
/// `min(⌊cores / threads⌋, ⌊memory / memory_mib⌋)` slots of the CPU-only
/// knee (the fewest-threads CPU candidate reaching θ × the best CPU rate).
/// A slot's rate counts the engine's startup: `1 / (startup + q̄ / qps)`.
pub fn node_rate_jobs_per_sec(
    node: &NodeSpec,
    plan: &OfflinePlan,
    model: ModelId,
    mean_queries: f64,
) -> f64 {
    let Some(p) = plan.get(model, node.arch) else {
        return 0.0;
    };
    let mut cores = node.cores;
    let mut memory = node.memory_mib;
    let mut rate = 0.0;
    let cpu_knee = if p.knee.gpus > 0 {
        let mut gpus = node.gpus;
        while gpus >= p.knee.gpus && cores >= p.knee.threads && memory >= p.knee.memory_mib {
            gpus -= p.knee.gpus;
            cores -= p.knee.threads;
            memory -= p.knee.memory_mib;
            rate += slot_rate(&p.knee, mean_queries);
        }
        // The CPU-only knee among the candidates: fewest threads reaching
        // θ × the best CPU-only rate.
        let cpu = p.candidates.iter().filter(|c| c.gpus == 0);
        let best = cpu.clone().map(|c| c.qps).fold(0.0, f64::max);
        cpu.filter(|c| c.qps >= plan.knee_threshold * best)
            .min_by_key(|c| c.threads)
            .copied()
    } else {
        Some(p.knee)
    };
    if let Some(c) = cpu_knee
        && c.threads > 0
    {
        let by_cores = cores / c.threads;
        let by_memory = memory.checked_div(c.memory_mib).unwrap_or(u64::MAX);
        let slots = u64::from(by_cores).min(by_memory);
        rate += slots as f64 * slot_rate(&c, mean_queries);
    }
    rate
}

/// The rate (jobs/s) at which the cluster can serve the mix if every job
/// runs at its offline-plan knee configuration, ignoring interference and
/// network time (see [`node_rate_jobs_per_sec`] for the slots of a node).
///
/// Per model *m* (mean queries q̄ₘ of its log-uniform range), the cluster
/// rate is `rₘ = Σ_nodes node_rate(m)`; the mix, with weight shares
/// `wₘ / W`, is served at `1 / Σₘ (wₘ / W) / rₘ` (each model takes the
/// cluster for its share of the time). 0 if a weighted model cannot run
/// anywhere.
pub fn capacity_jobs_per_sec(nodes: &[NodeSpec], plan: &OfflinePlan, mix: &[MixItem]) -> f64 {
    let total: f64 = mix.iter().map(|m| m.weight.max(0.0)).sum();
    if total <= 0.0 || !total.is_finite() {
        return 0.0;
    }
    // Identical nodes (same arch, cores, memory, GPUs) have the same rate;
    // an ordered map keeps the float sums deterministic.
    let mut classes: BTreeMap<(ArchId, u32, u64, u32), (&NodeSpec, u64)> = BTreeMap::new();
    for n in nodes {
        classes
            .entry((n.arch, n.cores, n.memory_mib, n.gpus))
            .or_insert((n, 0))
            .1 += 1;
    }
    let mut seconds_per_job = 0.0;
    for item in mix.iter().filter(|m| m.weight > 0.0) {
        let (lo, hi) = item.queries;
        let mean_queries = mean_log_uniform(lo as f64, hi as f64);
        let rate: f64 = classes
            .values()
            .map(|(n, count)| {
                *count as f64 * node_rate_jobs_per_sec(n, plan, item.model, mean_queries)
            })
            .sum();
        if rate <= 0.0 {
            return 0.0;
        }
        seconds_per_job += item.weight / total / rate;
    }
    if seconds_per_job > 0.0 {
        1.0 / seconds_per_job
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{Origin, load_profile};
    use crate::model::{Profile, Tier};

    fn profile() -> Profile {
        load_profile(&Origin::Embedded("profiles/edge-cloud.yaml".into())).unwrap()
    }

    fn node(p: &Profile, arch: &str, cores: u32, memory_mib: u64, gpus: u32) -> NodeSpec {
        NodeSpec {
            name: arch.into(),
            arch: p.arch_id(arch).unwrap(),
            tier: Tier::Edge,
            cores,
            memory_mib,
            gpus,
            network_ms: 0.0,
            idle_watts: 0.0,
            busy_watts: 0.0,
            labels: Default::default(),
            taints: Vec::new(),
        }
    }

    fn item(p: &Profile, model: &str, weight: f64, queries: (u64, u64)) -> MixItem {
        MixItem {
            model: p.model_id(model).unwrap(),
            weight,
            queries,
            qos: QosRule::Factor {
                min: 2.0,
                max: 30.0,
            },
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn log_uniform_mean() {
        assert!(close(
            mean_log_uniform(1.0, std::f64::consts::E),
            std::f64::consts::E - 1.0
        ));
        assert_eq!(mean_log_uniform(7.0, 7.0), 7.0);
        let m = mean_log_uniform(500.0, 5000.0);
        assert!(m > 500.0 && m < 2750.0, "{m}");
        // Monte Carlo agrees.
        let mut rng = Rng::new(3);
        let n = 200_000;
        let mc: f64 = (0..n).map(|_| rng.log_uniform(500.0, 5000.0)).sum::<f64>() / n as f64;
        assert!((mc - m).abs() / m < 0.01, "{mc} vs {m}");
    }

    #[test]
    fn cpu_node_is_packed_with_knee_slots() {
        let p = profile();
        let plan = OfflinePlan::new(&p, p.knee_threshold);
        let xeon = node(&p, "xeon-vm", 16, 32 * 1024, 0);
        let resnet = p.model_id("resnet50").unwrap();
        let knee = plan.get(resnet, xeon.arch).unwrap().knee;
        assert_eq!(knee.gpus, 0);
        let q = mean_log_uniform(500.0, 5000.0);
        let per_slot = 1000.0 / (knee.startup_ms + q * 1000.0 / knee.qps);
        let slots = f64::from(16 / knee.threads);
        let rate = node_rate_jobs_per_sec(&xeon, &plan, resnet, q);
        assert!(
            close(rate, slots * per_slot),
            "{rate} vs {}",
            slots * per_slot
        );
        let mix = [item(&p, "resnet50", 1.0, (500, 5000))];
        assert!(close(
            capacity_jobs_per_sec(std::slice::from_ref(&xeon), &plan, &mix),
            rate
        ));
        // Memory can bound the slots: room for exactly one job.
        let tight = node(&p, "xeon-vm", 16, knee.memory_mib, 0);
        assert!(close(
            node_rate_jobs_per_sec(&tight, &plan, resnet, q),
            per_slot
        ));
    }

    #[test]
    fn gpu_node_has_a_gpu_slot_and_cpu_slots() {
        let p = profile();
        let plan = OfflinePlan::new(&p, p.knee_threshold);
        let agx = node(&p, "agx-orin", 12, 64 * 1024, 1);
        let resnet = p.model_id("resnet50").unwrap();
        let mp = plan.get(resnet, agx.arch).unwrap();
        assert!(
            mp.knee.gpus > 0,
            "resnet50 on agx-orin should knee on the GPU"
        );
        let q = 2000.0;
        let with_gpu = node_rate_jobs_per_sec(&agx, &plan, resnet, q);
        let without =
            node_rate_jobs_per_sec(&node(&p, "agx-orin", 12, 64 * 1024, 0), &plan, resnet, q);
        let slot = |c: &PlanConfig| 1000.0 / (c.startup_ms + q * 1000.0 / c.qps);
        // The CPU-only knee, straight from the profile's CPU rows.
        let cpu_rows: Vec<&crate::model::ProfileRow> = p
            .rows_for(resnet, agx.arch)
            .iter()
            .filter(|r| r.gpus == 0)
            .collect();
        let best_cpu = cpu_rows.iter().map(|r| r.qps).fold(0.0, f64::max);
        let cpu_threads = cpu_rows
            .iter()
            .filter(|r| r.qps >= p.knee_threshold * best_cpu)
            .map(|r| r.threads)
            .min()
            .unwrap();
        let cpu = *mp
            .candidates
            .iter()
            .filter(|c| c.gpus == 0 && c.threads == cpu_threads)
            .max_by(|a, b| a.qps.total_cmp(&b.qps))
            .unwrap();
        let expected_without = f64::from(12 / cpu.threads) * slot(&cpu);
        assert!(
            close(without, expected_without),
            "{without} vs {expected_without}"
        );
        let expected =
            slot(&mp.knee) + f64::from((12 - mp.knee.threads) / cpu.threads) * slot(&cpu);
        assert!(close(with_gpu, expected), "{with_gpu} vs {expected}");
        assert!(with_gpu > without);
    }

    #[test]
    fn mix_combines_harmonically_and_scales_with_nodes() {
        let p = profile();
        let plan = OfflinePlan::new(&p, p.knee_threshold);
        let nodes = vec![
            node(&p, "xeon-vm", 16, 32 * 1024, 0),
            node(&p, "orin-nx", 8, 16 * 1024, 1),
            node(&p, "rpi5", 4, 8 * 1024, 0),
        ];
        let a = item(&p, "mobilenet-v2", 3.0, (1000, 20000));
        let b = item(&p, "bert-base", 1.0, (100, 2000));
        let ra = capacity_jobs_per_sec(&nodes, &plan, std::slice::from_ref(&a));
        let rb = capacity_jobs_per_sec(&nodes, &plan, std::slice::from_ref(&b));
        let mixed = capacity_jobs_per_sec(&nodes, &plan, &[a.clone(), b.clone()]);
        assert!(close(mixed, 1.0 / (0.75 / ra + 0.25 / rb)), "{mixed}");
        assert!(mixed > ra.min(rb) && mixed < ra.max(rb));
        // Per-model rates add over nodes.
        let sum: f64 = nodes
            .iter()
            .map(|n| {
                capacity_jobs_per_sec(std::slice::from_ref(n), &plan, std::slice::from_ref(&a))
            })
            .sum();
        assert!(close(ra, sum));
        // Twice the cluster, twice the capacity.
        let doubled: Vec<NodeSpec> = nodes.iter().chain(nodes.iter()).cloned().collect();
        assert!(close(
            capacity_jobs_per_sec(&doubled, &plan, &[a.clone(), b.clone()]),
            2.0 * mixed
        ));
        // Zero weights are ignored; no weight at all means no capacity.
        let mut zero = b.clone();
        zero.weight = 0.0;
        assert!(close(
            capacity_jobs_per_sec(&nodes, &plan, &[a.clone(), zero.clone()]),
            ra
        ));
        assert_eq!(capacity_jobs_per_sec(&nodes, &plan, &[zero]), 0.0);
        assert_eq!(capacity_jobs_per_sec(&[], &plan, &[a]), 0.0);
    }
}
