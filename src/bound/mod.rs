//! A lower bound on QoS violations that no policy can beat.
//!
//! The bound is the value of a relaxation of the simulator's model, so
//! every schedule the simulator can produce, under any policy, maps to a
//! feasible point of the relaxation with at most as many violations:
//!
//! - no interference (`alpha = 0` only speeds jobs up);
//! - identical nodes are pooled per class: their cores and GPUs form one
//!   capacity per time slot (memory is only checked per configuration,
//!   against one node);
//! - processing is preemptive and fractional: a job may be split across
//!   slots, configurations and classes (one configuration at a time, at most
//!   at full speed, inside its window `[arrival, deadline − network]`);
//! - late jobs are dropped: they consume nothing.
//!
//! Jobs are split by arrival into windows of at most
//! [`BoundOptions::window_jobs`] jobs, and each window's LP covers only its
//! jobs (they may run past the window's end). Summing the windows' bounds is
//! sound: an optimal schedule of all jobs, restricted to one window's jobs,
//! is a schedule of those jobs with no more violations among them.
//!
//! A window where a greedy earliest-deadline fill of the relaxation already
//! puts every job on time needs no LP: its bound is its trivial bound.
//! Each other window's LP maximizes the jobs on time; its maximum is bounded from
//! above with the solver's duals (see [`solve`]), so the bound holds whatever
//! the solver's tolerances. The integer bound of a window is
//! `jobs − ⌊certified maximum⌋`, never below its trivial bound (jobs that miss
//! their deadline even alone on the fastest configuration of any node they
//! may use).

mod model;
mod solve;

pub use solve::{SOLVER, SolveStatus};

use crate::error::{Error, Result};
use crate::model::JobSpec;
use crate::model::Scenario;
use crate::policy::OfflinePlan;
use serde::Serialize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Default number of jobs per window.
pub const DEFAULT_WINDOW_JOBS: usize = 100;
/// Default cap on the slots of one window's adaptive grid.
pub const DEFAULT_MAX_SLOTS: usize = 100;

/// What `synergai bound` says when no LP solver was compiled in.
pub const NO_SOLVER: &str = "this synergai was built without an LP solver \
    (without the default feature `bound`); rebuild with `cargo build --release --features bound` \
    (clarabel, the default) or `--features highs` (HiGHS, faster on large windows)";

/// How the bound is computed.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundOptions {
    /// Jobs per window (by arrival).
    pub window_jobs: usize,
    /// Uniform slots of this length; `None`: an adaptive grid with cuts at
    /// the jobs' window starts and ends, at most `max_slots` per window.
    pub slot_ms: Option<f64>,
    pub max_slots: usize,
    /// Per window. A window stopped early keeps a sound bound: from the
    /// duals so far with HiGHS, its trivial bound with clarabel (which
    /// returns none).
    pub time_limit: Option<Duration>,
    /// Windows solved at once (0: one per available core).
    pub threads: usize,
    /// Skip the LP of a window where a greedy fill of the relaxation
    /// already puts every job on time (the LP would say the same).
    pub greedy: bool,
}

impl Default for BoundOptions {
    fn default() -> BoundOptions {
        BoundOptions {
            window_jobs: DEFAULT_WINDOW_JOBS,
            slot_ms: None,
            max_slots: DEFAULT_MAX_SLOTS,
            time_limit: Some(Duration::from_secs(60)),
            threads: 0,
            greedy: true,
        }
    }
}

/// The bound of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bound {
    pub jobs: usize,
    /// Violations no policy can avoid.
    pub bound: u32,
    /// Jobs late even alone on their fastest allowed configuration.
    pub trivial: u32,
    /// Sum of the windows' certified fractional bounds (`bound` rounds each
    /// window's up).
    pub lp_value: f64,
    pub solver: String,
    pub window_jobs: usize,
    pub windows: Vec<WindowBound>,
    /// Wall-clock time of the whole computation.
    pub solve_ms: f64,
    /// What the relaxation gives up, in one sentence.
    pub relaxed: String,
}

/// The bound of one window of jobs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowBound {
    pub index: usize,
    pub jobs: usize,
    pub first_job: String,
    pub last_job: String,
    /// Arrivals of the first and last job.
    pub from_ms: f64,
    pub to_ms: f64,
    /// End of the slot grid (the latest deadline a job could still meet).
    pub horizon_ms: f64,
    pub slots: usize,
    pub variables: usize,
    pub constraints: usize,
    pub nonzeros: usize,
    pub trivial: u32,
    /// Certified fractional bound: jobs − certified maximum on time.
    pub lp_value: f64,
    /// The solver's own value (jobs − its objective), for comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solver_value: Option<f64>,
    pub bound: u32,
    pub status: SolveStatus,
    pub solve_ms: f64,
}

/// The lower bound of `scenario`'s violations.
pub fn lower_bound(scenario: &Scenario, options: &BoundOptions) -> Result<Bound> {
    let Some(solver) = SOLVER else {
        return Err(Error::Usage(NO_SOLVER.into()));
    };
    if options.window_jobs == 0 {
        return Err(Error::Usage("--window-jobs must be at least 1".into()));
    }
    if options.max_slots == 0 {
        return Err(Error::Usage("--max-slots must be at least 1".into()));
    }
    if let Some(slot) = options.slot_ms
        && !(slot.is_finite() && slot > 0.0)
    {
        return Err(Error::Usage(format!(
            "--slot must be positive, got {slot}ms"
        )));
    }
    let started = Instant::now();
    let plan = OfflinePlan::new(&scenario.profile, scenario.profile.knee_threshold);
    let chunks: Vec<&[JobSpec]> = scenario.jobs.chunks(options.window_jobs).collect();
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(chunks.len())
    .max(1);
    let results: Mutex<Vec<Option<WindowBound>>> = Mutex::new(vec![None; chunks.len()]);
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(chunk) = chunks.get(i) else { break };
                    let w = window(scenario, &plan, options, i, chunk);
                    results.lock().expect("no panics while locked")[i] = Some(w);
                }
            });
        }
    });
    let windows: Vec<WindowBound> = results
        .into_inner()
        .expect("no panics while locked")
        .into_iter()
        .map(|w| w.expect("every window solved"))
        .collect();
    let slots = match options.slot_ms {
        Some(ms) => format!("uniform slots of {}", crate::policy::fmt_ms(ms)),
        None => format!(
            "slots cut at job arrivals and deadlines, at most {} per window",
            options.max_slots
        ),
    };
    Ok(Bound {
        jobs: scenario.jobs.len(),
        bound: windows.iter().map(|w| w.bound).sum(),
        trivial: windows.iter().map(|w| w.trivial).sum(),
        lp_value: windows.iter().map(|w| w.lp_value).sum(),
        solver: solver.to_string(),
        window_jobs: options.window_jobs,
        relaxed: format!(
            "no interference; identical nodes pooled per class (cores and GPUs per slot, \
             memory per configuration only); preemptive, fractional processing; late jobs \
             dropped; windows of at most {} jobs by arrival, each solved alone; {slots}",
            options.window_jobs
        ),
        windows,
        solve_ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// Bounds one window.
fn window(
    scenario: &Scenario,
    plan: &OfflinePlan,
    options: &BoundOptions,
    index: usize,
    chunk: &[JobSpec],
) -> WindowBound {
    let started = Instant::now();
    let jobs: Vec<&JobSpec> = chunk.iter().collect();
    let classes = model::Classes::new(&scenario.nodes, &jobs);
    let modes: Vec<Vec<model::Mode>> = jobs
        .iter()
        .enumerate()
        .map(|(i, job)| model::modes(job, i, &classes, plan))
        .collect();
    let runnable = modes.iter().filter(|m| !m.is_empty()).count();
    let n = jobs.len();
    let trivial = (n - runnable) as u32;
    let points = model::window_grid(&jobs, &modes, options.slot_ms, options.max_slots);
    let greedy = options.greedy
        && runnable > 0
        && model::greedy_fits(&jobs, &modes, &classes.classes, &points);
    let lp = if greedy {
        model::Lp::default()
    } else {
        model::build(&jobs, &modes, &classes.classes, &points)
    };
    let (status, upper, solver_value) = if greedy {
        (SolveStatus::Greedy, runnable as f64, None)
    } else if lp.upper.is_empty() {
        (SolveStatus::Trivial, 0.0, None)
    } else {
        let answer = solve::solve(&lp, options.time_limit);
        let upper = answer
            .duals
            .as_deref()
            .map_or(f64::INFINITY, |y| solve::certified_upper(&lp, y));
        (
            answer.status,
            upper.min(runnable as f64),
            answer.primal.map(|p| n as f64 - p),
        )
    };
    // Violations are whole: at least ⌈n − upper⌉ = n − ⌊upper⌋.
    let bound = (n - (upper.floor() as usize).min(runnable)) as u32;
    WindowBound {
        index,
        jobs: n,
        first_job: chunk.first().map(|j| j.name.clone()).unwrap_or_default(),
        last_job: chunk.last().map(|j| j.name.clone()).unwrap_or_default(),
        from_ms: chunk.first().map_or(0.0, |j| j.arrival_ms),
        to_ms: chunk.last().map_or(0.0, |j| j.arrival_ms),
        horizon_ms: points.last().copied().unwrap_or(0.0),
        slots: points.len().saturating_sub(1),
        variables: lp.upper.len(),
        constraints: lp.rows.len(),
        nonzeros: lp.nonzeros(),
        trivial,
        lp_value: n as f64 - upper,
        solver_value,
        bound: bound.max(trivial),
        status,
        solve_ms: started.elapsed().as_secs_f64() * 1000.0,
    }
}

#[cfg(all(test, any(feature = "bound", feature = "highs")))]
mod tests;
