//! The relaxation of one window of jobs as a linear program, in a
//! solver-independent sparse form.
//!
//! Variables `z[j, m, t] ∈ [0, u]`: the fraction of job `j`'s work done in
//! mode `m` (a configuration on a node class) during slot `t`. Rows (all
//! `≤`, all coefficients non-negative: a packing LP):
//!
//! - per job: `Σ z ≤ 1` (a job is done once);
//! - per job and slot: `Σ_m z·service(m) ≤ |slot ∩ window(j)|` (one
//!   configuration at a time, at most at full speed, only inside the
//!   job's window `[arrival, deadline − network]`);
//! - per class and slot: `Σ z·service·threads ≤ cores(class)·|slot|`, and
//!   the same for GPUs.
//!
//! The objective is `max Σ z`: the number of jobs on time.
//!
//! Soundness against floating point: service times are shortened by a
//! relative [`SERVICE_SHRINK`], windows widened by [`TIME_SLACK_MS`] on both
//! sides and capacities raised by a relative [`CAPACITY_SLACK`], so every
//! schedule of the simulator, computed in floating point, maps to a feasible
//! point of the program as built here.

use crate::model::{ArchId, JobSpec, NodeId, NodeSpec, Pin, TaintEffect};
use crate::policy::OfflinePlan;
use std::collections::HashMap;
use std::sync::Arc;

/// Widening of every job window, on both ends (ms).
pub(crate) const TIME_SLACK_MS: f64 = 1e-3;
/// Relative shortening of every service time.
pub(crate) const SERVICE_SHRINK: f64 = 1e-9;
/// Relative loosening of every right-hand side.
pub(crate) const CAPACITY_SLACK: f64 = 1e-9;
/// Adaptive grids never cut slots shorter than this (ms).
const MIN_SLOT_MS: f64 = 1.0;
/// Uniform grids are stretched to at most this many slots per window.
const MAX_UNIFORM_SLOTS: usize = 100_000;

/// Whether the simulator's policies ever place anything on `node`.
pub(crate) fn schedulable(node: &NodeSpec) -> bool {
    !node
        .taints
        .iter()
        .any(|t| matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute))
}

/// What restricts a job's nodes: its pin and its own constraints.
#[derive(Clone, Debug, PartialEq)]
struct Restriction {
    pin: Option<Pin>,
    allowed: Option<Arc<[NodeId]>>,
}

impl Restriction {
    fn of(job: &JobSpec) -> Restriction {
        Restriction {
            pin: job.pin.clone(),
            allowed: job.allowed.clone(),
        }
    }

    fn admits(&self, id: NodeId, node: &NodeSpec) -> bool {
        let allowed = self
            .allowed
            .as_ref()
            .is_none_or(|set| set.binary_search(&id).is_ok());
        let pinned = match self.pin {
            Some(Pin::Node(p)) => p == id,
            Some(Pin::Arch(a)) => node.arch == a,
            None => true,
        };
        schedulable(node) && allowed && pinned
    }
}

/// Nodes that no job of the window can tell apart: same hardware, same
/// network, and admitted by exactly the same jobs. Their cores and GPUs
/// are pooled.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Class {
    pub arch: ArchId,
    /// Of one node.
    pub cores: u32,
    pub memory_mib: u64,
    pub gpus: u32,
    pub network_ms: f64,
    pub nodes: Vec<NodeId>,
    /// Which restrictions (indices into the window's list) admit the class.
    admitted_by: Vec<bool>,
}

/// Arch, cores, memory, GPUs, network (bits) and which restrictions admit.
type ClassKey = (ArchId, u32, u64, u32, u64, Vec<bool>);

/// The classes of the nodes some job of `jobs` may use, and for each job
/// the index of its restriction (what [`Classes::admits`] takes).
pub(crate) struct Classes {
    pub classes: Vec<Class>,
    restriction_of: Vec<usize>,
}

impl Classes {
    pub fn new(nodes: &[NodeSpec], jobs: &[&JobSpec]) -> Classes {
        let mut restrictions: Vec<Restriction> = Vec::new();
        let restriction_of = jobs
            .iter()
            .map(|job| {
                let r = Restriction::of(job);
                match restrictions.iter().position(|x| *x == r) {
                    Some(i) => i,
                    None => {
                        restrictions.push(r);
                        restrictions.len() - 1
                    }
                }
            })
            .collect();
        let mut classes: Vec<Class> = Vec::new();
        let mut lookup: HashMap<ClassKey, usize> = HashMap::new();
        for (id, node) in nodes.iter().enumerate() {
            let id = id as NodeId;
            let admitted_by: Vec<bool> = restrictions.iter().map(|r| r.admits(id, node)).collect();
            if !admitted_by.iter().any(|&a| a) {
                continue;
            }
            let key = (
                node.arch,
                node.cores,
                node.memory_mib,
                node.gpus,
                node.network_ms.to_bits(),
                admitted_by.clone(),
            );
            let index = *lookup.entry(key).or_insert_with(|| {
                classes.push(Class {
                    arch: node.arch,
                    cores: node.cores,
                    memory_mib: node.memory_mib,
                    gpus: node.gpus,
                    network_ms: node.network_ms,
                    nodes: Vec::new(),
                    admitted_by,
                });
                classes.len() - 1
            });
            classes[index].nodes.push(id);
        }
        Classes {
            classes,
            restriction_of,
        }
    }

    /// Whether the `i`-th job given to [`Classes::new`] may use class `k`.
    pub fn admits(&self, i: usize, k: usize) -> bool {
        self.classes[k].admitted_by[self.restriction_of[i]]
    }
}

/// One way to run a job: a configuration on a class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Mode {
    pub class: usize,
    /// The fastest run of the job in this configuration (shortened by
    /// [`SERVICE_SHRINK`]).
    pub service_ms: f64,
    pub threads: u32,
    pub gpus: u32,
    /// Latest finish that still meets the deadline on this class (widened
    /// by [`TIME_SLACK_MS`]).
    pub end_ms: f64,
}

/// Start of a job's window (widened).
pub(crate) fn window_start(job: &JobSpec) -> f64 {
    job.arrival_ms - TIME_SLACK_MS
}

/// The modes in which the `i`-th job can meet its deadline when started at
/// arrival, without the ones another mode of the same class dominates
/// (no slower, no more core-time, no more GPU-time). Empty: the job is late
/// whatever happens.
pub(crate) fn modes(job: &JobSpec, i: usize, classes: &Classes, plan: &OfflinePlan) -> Vec<Mode> {
    let start = window_start(job);
    let mut out = Vec::new();
    for (k, class) in classes.classes.iter().enumerate() {
        if !classes.admits(i, k) {
            continue;
        }
        let Some(arch_plan) = plan.get(job.model, class.arch) else {
            continue;
        };
        let end = job.deadline_ms() - class.network_ms + TIME_SLACK_MS;
        let mut fitting: Vec<Mode> = arch_plan
            .by_speed
            .iter()
            .filter(|c| {
                c.threads <= class.cores && c.gpus <= class.gpus && c.memory_mib <= class.memory_mib
            })
            .map(|c| Mode {
                class: k,
                service_ms: c.service_ms(job.queries, 0.0, 0) * (1.0 - SERVICE_SHRINK),
                threads: c.threads,
                gpus: c.gpus,
                end_ms: end,
            })
            .filter(|m| m.service_ms <= end - start)
            .collect();
        fitting.sort_by(|a, b| {
            a.service_ms
                .total_cmp(&b.service_ms)
                .then(core_time(a).total_cmp(&core_time(b)))
                .then(gpu_time(a).total_cmp(&gpu_time(b)))
        });
        let mut kept: Vec<Mode> = Vec::new();
        for m in fitting {
            let dominated = kept
                .iter()
                .any(|o| core_time(o) <= core_time(&m) && gpu_time(o) <= gpu_time(&m));
            if !dominated {
                kept.push(m);
            }
        }
        // Then those a mix of two others dominates.
        let mut i = 0;
        while i < kept.len() {
            let m = kept[i];
            let others: Vec<&Mode> = kept
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, o)| o)
                .collect();
            let mixed = others.iter().enumerate().any(|(a, o1)| {
                others[a + 1..].iter().any(|o2| {
                    mix_dominates(
                        &costs(o1),
                        &costs(o2),
                        &costs(&m).map(|c| c * (1.0 - 1e-12)),
                    )
                })
            });
            if mixed {
                kept.remove(i);
            } else {
                i += 1;
            }
        }
        out.extend(kept);
    }
    out
}

/// Per unit of work: (time, core-time, GPU-time).
fn costs(m: &Mode) -> [f64; 3] {
    [m.service_ms, core_time(m), gpu_time(m)]
}

/// Whether some `λ·a + (1 − λ)·b` with `λ ∈ [0, 1]` costs no more than `m`
/// in every dimension (`m` is shrunk by 1e-12 first, so rounding never
/// decides). Then any work done in mode `m` can be done by that
/// mix instead (in the same slots, same class, within the same bounds:
/// `λ·z·service(a) ≤ z·service(m)`), so dropping `m` leaves the LP's
/// optimum unchanged.
fn mix_dominates(a: &[f64; 3], b: &[f64; 3], m: &[f64; 3]) -> bool {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for d in 0..3 {
        // λ·(a − b) ≤ m − b
        let (slope, room) = (a[d] - b[d], m[d] - b[d]);
        if slope > 0.0 {
            hi = hi.min(room / slope);
        } else if slope < 0.0 {
            lo = lo.max(room / slope);
        } else if room < 0.0 {
            return false;
        }
    }
    lo <= hi
}

fn core_time(m: &Mode) -> f64 {
    m.service_ms * f64::from(m.threads)
}

fn gpu_time(m: &Mode) -> f64 {
    m.service_ms * f64::from(m.gpus)
}

/// Slot boundaries from `start` to at least `end`.
///
/// With `slot_ms`, uniform slots of that length (longer if a window would
/// need more than 100,000 of them). Otherwise the boundaries
/// are the `events` (window starts and ends) themselves, merged when closer
/// than a millisecond (or a millionth of the span), and thinned to at most
/// `max_slots` slots by keeping every n-th one: where events are dense, so
/// are the slots.
pub(crate) fn grid(
    start: f64,
    end: f64,
    mut events: Vec<f64>,
    slot_ms: Option<f64>,
    max_slots: usize,
) -> Vec<f64> {
    let end = end.max(start);
    if let Some(len) = slot_ms {
        // At most MAX_UNIFORM_SLOTS: a longer slot is only a coarser grid.
        let len = len.max((end - start) / MAX_UNIFORM_SLOTS as f64);
        let n = (((end - start) / len).ceil() as usize).max(1);
        let mut points: Vec<f64> = (0..=n).map(|i| start + i as f64 * len).collect();
        let last = points.last_mut().expect("n ≥ 1");
        *last = last.max(end);
        return points;
    }
    let min_gap = MIN_SLOT_MS.max((end - start) * 1e-6);
    events.retain(|t| t.is_finite() && *t > start && *t < end);
    events.sort_by(f64::total_cmp);
    let mut points = vec![start];
    for t in events {
        if t - points[points.len() - 1] >= min_gap {
            points.push(t);
        }
    }
    if end - points[points.len() - 1] >= min_gap || points.len() == 1 {
        points.push(end);
    } else {
        let last = points.len() - 1;
        points[last] = end;
    }
    let slots = points.len() - 1;
    let max_slots = max_slots.max(1);
    if slots <= max_slots {
        return points;
    }
    // Strictly increasing: consecutive indices differ by at least
    // slots / max_slots > 1; the last one is `slots` (the end).
    (0..=max_slots)
        .map(|i| points[i * slots / max_slots])
        .collect()
}

/// `|[a, b] ∩ [lo, hi]|`.
fn overlap(a: f64, b: f64, lo: f64, hi: f64) -> f64 {
    (b.min(hi) - a.max(lo)).max(0.0)
}

/// A packing LP: `max Σ_c weight_c·z_c` s.t. `rows·z ≤ rhs`, `0 ≤ z ≤ upper`,
/// every coefficient non-negative.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lp {
    pub upper: Vec<f64>,
    pub weight: Vec<f64>,
    pub rows: Vec<Vec<(u32, f64)>>,
    pub rhs: Vec<f64>,
}

impl Lp {
    fn column(&mut self, upper: f64, weight: f64) -> u32 {
        self.upper.push(upper);
        self.weight.push(weight);
        (self.upper.len() - 1) as u32
    }

    fn row(&mut self, entries: Vec<(u32, f64)>, rhs: f64) {
        self.rows.push(entries);
        self.rhs.push(rhs);
    }

    /// Whether a row is implied by the column bounds alone.
    fn implied(&self, entries: &[(u32, f64)], rhs: f64) -> bool {
        entries
            .iter()
            .map(|&(c, a)| a * self.upper[c as usize])
            .sum::<f64>()
            <= rhs
    }

    pub fn nonzeros(&self) -> usize {
        self.rows.iter().map(Vec::len).sum()
    }
}

/// The slot boundaries of a window: from the earliest window start of a
/// job with a mode to the latest end of one (empty: no such job).
pub(crate) fn window_grid(
    jobs: &[&JobSpec],
    modes: &[Vec<Mode>],
    slot_ms: Option<f64>,
    max_slots: usize,
) -> Vec<f64> {
    let runnable: Vec<usize> = (0..jobs.len()).filter(|&i| !modes[i].is_empty()).collect();
    if runnable.is_empty() {
        return Vec::new();
    }
    let start = runnable
        .iter()
        .map(|&i| window_start(jobs[i]))
        .fold(f64::INFINITY, f64::min);
    let end = runnable
        .iter()
        .flat_map(|&i| modes[i].iter().map(|m| m.end_ms))
        .fold(f64::NEG_INFINITY, f64::max);
    let mut events = Vec::new();
    for &i in &runnable {
        events.push(window_start(jobs[i]));
        events.extend(modes[i].iter().map(|m| m.end_ms));
    }
    grid(start, end, events, slot_ms, max_slots)
}

/// Slots of `points` that may overlap `[start, …)`: from the one holding `start`.
fn first_slot(points: &[f64], start: f64) -> usize {
    points.partition_point(|&p| p <= start).saturating_sub(1)
}

/// Whether an earliest-deadline-first fill of the relaxation (each job in
/// one mode, in the earliest slots with room) puts every job that has a
/// mode on time. Then the LP's maximum is the number of those jobs and the
/// window's bound is its trivial bound, so the LP need not be solved. (A
/// failed fill proves nothing.)
pub(crate) fn greedy_fits(
    jobs: &[&JobSpec],
    modes: &[Vec<Mode>],
    classes: &[Class],
    points: &[f64],
) -> bool {
    let slots = points.len().saturating_sub(1);
    let capacity = |per_node: u32, class: &Class| -> Vec<f64> {
        (0..slots)
            .map(|t| f64::from(per_node) * class.nodes.len() as f64 * (points[t + 1] - points[t]))
            .collect()
    };
    let mut cores: Vec<Vec<f64>> = classes.iter().map(|c| capacity(c.cores, c)).collect();
    let mut gpus: Vec<Vec<f64>> = classes.iter().map(|c| capacity(c.gpus, c)).collect();
    let total = |per_node: u32, class: &Class| f64::from(per_node) * class.nodes.len() as f64;
    let mut order: Vec<usize> = (0..jobs.len()).filter(|&i| !modes[i].is_empty()).collect();
    let latest = |i: usize| modes[i].iter().map(|m| m.end_ms).fold(f64::MIN, f64::max);
    order.sort_by(|&a, &b| {
        latest(a)
            .total_cmp(&latest(b))
            .then(jobs[a].arrival_ms.total_cmp(&jobs[b].arrival_ms))
    });
    for i in order {
        let start = window_start(jobs[i]);
        // Cheapest first: the share of its class's cores and GPUs a unit of
        // work takes.
        let mut candidates = modes[i].clone();
        let share = |m: &Mode| {
            let class = &classes[m.class];
            let g = if m.gpus > 0 {
                gpu_time(m) / total(class.gpus, class)
            } else {
                0.0
            };
            core_time(m) / total(class.cores, class).max(1.0) + g
        };
        candidates.sort_by(|a, b| share(a).total_cmp(&share(b)));
        let placed = candidates.iter().any(|m| {
            let mut work = 0.0;
            let mut used: Vec<(usize, f64)> = Vec::new();
            for t in first_slot(points, start)..slots {
                let (a, b) = (points[t], points[t + 1]);
                if a >= m.end_ms || work >= 1.0 {
                    break;
                }
                let mut room = overlap(a, b, start, m.end_ms);
                if m.threads > 0 {
                    room = room.min(cores[m.class][t] / f64::from(m.threads));
                }
                if m.gpus > 0 {
                    room = room.min(gpus[m.class][t] / f64::from(m.gpus));
                }
                let time = room.min((1.0 - work) * m.service_ms);
                if time > 0.0 {
                    used.push((t, time));
                    work += time / m.service_ms;
                }
            }
            if work < 1.0 - 1e-9 {
                return false;
            }
            for (t, time) in used {
                cores[m.class][t] -= time * f64::from(m.threads);
                gpus[m.class][t] -= time * f64::from(m.gpus);
            }
            true
        });
        if !placed {
            return false;
        }
    }
    true
}

/// Builds the LP of one window on the slots `points`: `jobs[i]` may run in
/// `modes[i]` (jobs with no mode get no column).
pub(crate) fn build(
    jobs: &[&JobSpec],
    modes: &[Vec<Mode>],
    classes: &[Class],
    points: &[f64],
) -> Lp {
    let runnable: Vec<usize> = (0..jobs.len()).filter(|&i| !modes[i].is_empty()).collect();
    let mut lp = Lp::default();
    if runnable.is_empty() || points.len() < 2 {
        return lp;
    }
    let slots = points.len() - 1;
    // Per (class, slot): the core and GPU entries.
    let mut cores: Vec<Vec<(u32, f64)>> = vec![Vec::new(); classes.len() * slots];
    let mut gpus: Vec<Vec<(u32, f64)>> = vec![Vec::new(); classes.len() * slots];
    for &i in &runnable {
        let job_start = window_start(jobs[i]);
        let job_end = modes[i].iter().map(|m| m.end_ms).fold(f64::MIN, f64::max);
        // Slots overlapping [job_start, job_end]: from the one holding the start.
        let first = first_slot(points, job_start);
        let mut all = Vec::new();
        for t in first..slots {
            let (a, b) = (points[t], points[t + 1]);
            if a >= job_end {
                break;
            }
            let len = b - a;
            let cap = overlap(a, b, job_start, job_end);
            if cap <= 0.0 {
                continue;
            }
            let mut time_row = Vec::new();
            for m in &modes[i] {
                let o = overlap(a, b, job_start, m.end_ms);
                if o <= 0.0 {
                    continue;
                }
                let col = lp.column((o * (1.0 + CAPACITY_SLACK) / m.service_ms).min(1.0), 1.0);
                all.push((col, 1.0));
                time_row.push((col, m.service_ms / len));
                let k = m.class * slots + t;
                cores[k].push((col, m.service_ms * f64::from(m.threads) / len));
                if m.gpus > 0 {
                    gpus[k].push((col, m.service_ms * f64::from(m.gpus) / len));
                }
            }
            let rhs = cap / len * (1.0 + CAPACITY_SLACK);
            if time_row.len() > 1 && !lp.implied(&time_row, rhs) {
                lp.row(time_row, rhs);
            }
        }
        if !lp.implied(&all, 1.0) {
            lp.row(all, 1.0);
        }
    }
    for (k, class) in classes.iter().enumerate() {
        let n = class.nodes.len() as f64;
        for t in 0..slots {
            for (entries, total) in [
                (&mut cores[k * slots + t], f64::from(class.cores) * n),
                (&mut gpus[k * slots + t], f64::from(class.gpus) * n),
            ] {
                if entries.is_empty() {
                    continue;
                }
                let rhs = total * (1.0 + CAPACITY_SLACK);
                let row = std::mem::take(entries);
                if !lp.implied(&row, rhs) {
                    lp.row(row, rhs);
                }
            }
        }
    }
    lp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_grid_covers_the_span() {
        let g = grid(0.0, 95.0, Vec::new(), Some(10.0), 200);
        assert_eq!(g.len(), 11);
        assert_eq!(g[0], 0.0);
        assert_eq!(*g.last().unwrap(), 100.0);
    }

    #[test]
    fn adaptive_grid_cuts_at_events_and_thins_to_the_cap() {
        let g = grid(0.0, 100.0, vec![50.0, 20.0, 20.5, 100.0, 7.0], None, 200);
        assert_eq!(g, vec![0.0, 7.0, 20.0, 50.0, 100.0]);
        let events: Vec<f64> = (1..1000).map(f64::from).collect();
        let g = grid(0.0, 1000.0, events, None, 10);
        assert_eq!(g.len(), 11);
        assert_eq!((g[0], g[10]), (0.0, 1000.0));
        assert!(g.windows(2).all(|w| w[0] < w[1]), "{g:?}");
    }
}

#[cfg(test)]
mod pruning_tests {
    use super::*;

    #[test]
    fn a_mix_of_two_modes_can_dominate_a_third() {
        // (time, core-time, GPU-time) per unit of work.
        let fast = [1.0, 8.0, 0.0];
        let lean = [4.0, 4.0, 0.0];
        // Halfway: (2.5, 6): beaten by the mix at λ = 0.5.
        assert!(mix_dominates(&fast, &lean, &[2.6, 6.5, 0.0]));
        // (2, 7) is below the segment: no mix costs no more in both.
        assert!(!mix_dominates(&fast, &lean, &[2.0, 5.0, 0.0]));
        // Exactly on the segment counts, but the 1e-12 shrink applied by
        // the caller keeps such ties.
        assert!(mix_dominates(&fast, &lean, &[2.5, 6.0, 0.0]));
        // A GPU mode never stands in for a CPU one.
        assert!(!mix_dominates(&[1.0, 1.0, 1.0], &lean, &[2.6, 6.5, 0.0]));
    }

    #[test]
    fn a_greedy_fill_respects_capacity() {
        let job = JobSpec {
            name: "j".into(),
            arrival_ms: 0.0,
            model: 0,
            queries: 1,
            qos_ms: 1000.0,
            pin: None,
            allowed: None,
        };
        let class = Class {
            arch: 0,
            cores: 1,
            memory_mib: 1,
            gpus: 0,
            network_ms: 0.0,
            nodes: vec![0],
            admitted_by: vec![true],
        };
        let mode = Mode {
            class: 0,
            service_ms: 600.0,
            threads: 1,
            gpus: 0,
            end_ms: 1000.0 + TIME_SLACK_MS,
        };
        let jobs = [&job, &job];
        let one = [vec![mode]];
        let two = [vec![mode], vec![mode]];
        let points = window_grid(&jobs[..1], &one, None, 200);
        assert!(greedy_fits(
            &jobs[..1],
            &one,
            std::slice::from_ref(&class),
            &points
        ));
        let points = window_grid(&jobs, &two, None, 200);
        assert!(!greedy_fits(
            &jobs,
            &two,
            std::slice::from_ref(&class),
            &points
        ));
        let mut twice = class;
        twice.nodes.push(1);
        assert!(greedy_fits(&jobs, &two, &[twice], &points));
    }
}
