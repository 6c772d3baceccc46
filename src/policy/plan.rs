//! The offline phase: from the profile, for every (model, arch), the best
//! engine per thread count, the knee (fewest threads reaching θ of the best
//! rate), efficiency, and the short list of configurations the online
//! policies consider.
//!
//! One extension of `scheduling.md`: on boards with a GPU the plan keeps a
//! second, CPU-only list (best CPU engine per thread count, its own knee),
//! so a board whose GPU is held by one job can still take CPU jobs.

use crate::model::{ArchId, Engine, ModelId, Placement, Profile, ProfileRow};
use serde::Serialize;

/// One configuration the online phase may choose.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanConfig {
    pub engine: Engine,
    pub threads: u32,
    pub gpus: u32,
    pub qps: f64,
    pub p99_ms: f64,
    pub watts: f64,
    pub memory_mib: u64,
    pub startup_ms: f64,
}

impl PlanConfig {
    fn from_row(row: &ProfileRow, startup_ms: f64) -> PlanConfig {
        PlanConfig {
            engine: row.engine,
            threads: row.threads,
            gpus: row.gpus,
            qps: row.qps,
            p99_ms: row.p99_ms,
            watts: row.watts,
            memory_mib: row.memory_mib,
            startup_ms,
        }
    }

    pub fn placement(&self) -> Placement {
        Placement {
            engine: self.engine,
            threads: self.threads,
            gpus: self.gpus,
            memory_mib: self.memory_mib,
            base_qps: self.qps,
            watts: self.watts,
            startup_ms: self.startup_ms,
        }
    }

    /// Run time of `queries` alone on a node with `others` co-located jobs.
    pub fn service_ms(&self, queries: u64, alpha: f64, others: u32) -> f64 {
        self.startup_ms + queries as f64 * 1000.0 * (1.0 + alpha * f64::from(others)) / self.qps
    }
}

/// The offline decisions for one (model, architecture).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelArchPlan {
    pub model: String,
    pub arch: String,
    /// Best engine for each thread count (max qps), threads ascending.
    pub best_per_threads: Vec<PlanConfig>,
    pub max_qps: f64,
    /// Fewest threads reaching θ × `max_qps`.
    pub knee_threads: u32,
    pub knee: PlanConfig,
    /// Knee efficiency: qps per core and per watt.
    pub qps_per_core: f64,
    pub qps_per_watt: f64,
    /// What the online phase considers: the knee first, then larger thread
    /// counts; on GPU boards followed by the CPU-only knee and larger.
    pub candidates: Vec<PlanConfig>,
    /// Every profiled configuration, fastest first (ties: fewer threads).
    #[serde(skip)]
    pub by_speed: Vec<PlanConfig>,
    /// The shortest start-up among `by_speed` (with its first entry's
    /// rate, a lower bound of every configuration's run time).
    #[serde(skip)]
    pub min_startup_ms: f64,
    /// The fixed request of a QoS-blind user: `onnxruntime` × default threads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_request: Option<PlanConfig>,
    /// Price of one core-second and one GPU-second on this arch for this
    /// model, in queries the resource could have served (knee rates).
    #[serde(skip)]
    pub core_price: f64,
    #[serde(skip)]
    pub gpu_price: f64,
}

/// Architectures ranked for one model.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchRank {
    pub arch: String,
    pub max_qps: f64,
    pub knee_threads: u32,
    pub qps_per_core: f64,
    pub qps_per_watt: f64,
}

/// The whole offline plan.
#[derive(Clone, Debug)]
pub struct OfflinePlan {
    pub knee_threshold: f64,
    n_arch: usize,
    entries: Vec<Option<ModelArchPlan>>,
    /// Per model: architectures by max qps, best first.
    pub rankings: Vec<Vec<ArchRank>>,
}

impl OfflinePlan {
    /// Derives the plan from a profile with knee threshold θ.
    pub fn new(profile: &Profile, knee_threshold: f64) -> OfflinePlan {
        let n_arch = profile.archs.len();
        let mut entries = Vec::with_capacity(profile.models.len() * n_arch);
        for model in 0..profile.models.len() as ModelId {
            for arch in 0..n_arch as ArchId {
                entries.push(plan_one(profile, model, arch, knee_threshold));
            }
        }
        let rankings = (0..profile.models.len())
            .map(|m| {
                let mut ranks: Vec<ArchRank> = entries[m * n_arch..(m + 1) * n_arch]
                    .iter()
                    .flatten()
                    .map(|p| ArchRank {
                        arch: p.arch.clone(),
                        max_qps: p.max_qps,
                        knee_threads: p.knee_threads,
                        qps_per_core: p.qps_per_core,
                        qps_per_watt: p.qps_per_watt,
                    })
                    .collect();
                ranks.sort_by(|a, b| b.max_qps.total_cmp(&a.max_qps).then(a.arch.cmp(&b.arch)));
                ranks
            })
            .collect();
        OfflinePlan {
            knee_threshold,
            n_arch,
            entries,
            rankings,
        }
    }

    /// The plan of one (model, arch), if the profile has rows for it.
    pub fn get(&self, model: ModelId, arch: ArchId) -> Option<&ModelArchPlan> {
        self.entries
            .get(model as usize * self.n_arch + arch as usize)
            .and_then(Option::as_ref)
    }

    pub fn entries(&self) -> impl Iterator<Item = &ModelArchPlan> + '_ {
        self.entries.iter().flatten()
    }

    /// Lower bound of a job's run time over the given architectures: the
    /// quickest configuration for this many queries (startup included), no
    /// co-location, no network.
    pub fn min_service_ms(&self, model: ModelId, queries: u64, archs: &[ArchId]) -> f64 {
        archs
            .iter()
            .filter_map(|&a| self.get(model, a))
            .flat_map(|p| p.by_speed.iter())
            .map(|c| c.service_ms(queries, 0.0, 0))
            .fold(f64::INFINITY, f64::min)
    }
}

/// Best configuration per thread count among `rows`, threads ascending.
fn best_per_threads(rows: &[&ProfileRow], startup: impl Fn(Engine) -> f64) -> Vec<PlanConfig> {
    let mut best: Vec<PlanConfig> = Vec::new();
    for row in rows {
        let config = PlanConfig::from_row(row, startup(row.engine));
        match best.iter_mut().find(|c| c.threads == row.threads) {
            Some(slot) if config.qps > slot.qps => *slot = config,
            Some(_) => {}
            None => best.push(config),
        }
    }
    best.sort_by_key(|c| c.threads);
    best
}

/// The knee of a best-per-threads curve: fewest threads reaching θ·max.
fn knee(curve: &[PlanConfig], theta: f64) -> Option<usize> {
    let max = curve.iter().map(|c| c.qps).fold(0.0, f64::max);
    curve.iter().position(|c| c.qps >= theta * max)
}

fn plan_one(profile: &Profile, model: ModelId, arch: ArchId, theta: f64) -> Option<ModelArchPlan> {
    let rows = profile.rows_for(model, arch);
    if rows.is_empty() {
        return None;
    }
    let a = profile.arch(arch);
    let startup = |e: Engine| a.startup_ms(e);
    let all: Vec<&ProfileRow> = rows.iter().collect();
    let curve = best_per_threads(&all, startup);
    let knee_index = knee(&curve, theta)?;
    let knee_config = curve[knee_index];
    let max_qps = curve.iter().map(|c| c.qps).fold(0.0, f64::max);
    // Larger thread counts are kept only where they are at least as fast
    // as the knee (past a GPU engine's threads the best engine may be a
    // slower CPU one).
    let mut candidates: Vec<PlanConfig> = curve[knee_index..]
        .iter()
        .filter(|c| c.qps >= knee_config.qps)
        .copied()
        .collect();
    let cpu_rows: Vec<&ProfileRow> = rows.iter().filter(|r| r.gpus == 0).collect();
    let cpu_curve = best_per_threads(&cpu_rows, startup);
    let cpu_knee = knee(&cpu_curve, theta);
    if candidates.iter().any(|c| c.gpus > 0)
        && let Some(k) = cpu_knee
    {
        for c in &cpu_curve[k..] {
            let duplicate = candidates
                .iter()
                .any(|x| x.engine == c.engine && x.threads == c.threads);
            if c.qps >= cpu_curve[k].qps && !duplicate {
                candidates.push(*c);
            }
        }
    }
    let mut by_speed: Vec<PlanConfig> = rows
        .iter()
        .map(|r| PlanConfig::from_row(r, startup(r.engine)))
        .collect();
    by_speed.sort_by(|x, y| y.qps.total_cmp(&x.qps).then(x.threads.cmp(&y.threads)));
    let default_threads = profile.model(model).default_threads;
    let fixed_request = rows
        .iter()
        .find(|r| r.engine == Engine::ONNXRUNTIME && r.threads == default_threads)
        .map(|r| PlanConfig::from_row(r, startup(r.engine)));
    // Prices: what a core-second (GPU-second) of this arch serves at the
    // CPU (GPU) knee. A GPU-second is worth the GPU knee's rate beyond what
    // its threads would give on the CPU.
    let core_price = cpu_knee
        .map(|k| cpu_curve[k].qps / f64::from(cpu_curve[k].threads))
        .unwrap_or(knee_config.qps / f64::from(knee_config.threads));
    let gpu_price = if knee_config.gpus > 0 {
        (knee_config.qps - core_price * f64::from(knee_config.threads)).max(core_price)
    } else {
        0.0
    };
    Some(ModelArchPlan {
        model: profile.model(model).name.clone(),
        arch: a.name.clone(),
        max_qps,
        knee_threads: knee_config.threads,
        knee: knee_config,
        qps_per_core: knee_config.qps / f64::from(knee_config.threads),
        qps_per_watt: if knee_config.watts > 0.0 {
            knee_config.qps / knee_config.watts
        } else {
            0.0
        },
        best_per_threads: curve,
        candidates,
        min_startup_ms: by_speed
            .iter()
            .map(|c| c.startup_ms)
            .fold(f64::INFINITY, f64::min),
        by_speed,
        fixed_request,
        core_price,
        gpu_price,
    })
}
