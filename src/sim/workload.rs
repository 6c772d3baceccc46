//! Workload generators: seeded arrival processes (Poisson, bursty,
//! diurnal) and job mixes. Pure functions of their parameters and seed.

use super::Rng;
use crate::model::{ArchId, JobSpec, ModelId};
use crate::policy::OfflinePlan;
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
        });
    }
    jobs
}
