//! A cluster as observed — watched live or played back from a recording —
//! and the dashboard [`View`] built from it. Pure: the live source maps
//! Kubernetes objects to an [`Observed`], the recording player rebuilds one
//! from its event log, and both publish what [`Viewer::view`] makes of it,
//! so a recording looks exactly as the session did.

use super::{ArchHistory, Clock, LogLine, ModelSummary, Note, Timeline, View};
use crate::k8s::mapping::{self, PodJob};
use crate::k8s::world::Holding;
use crate::model::{
    ArchSummary, ClusterSnapshot, JobSnapshot, JobState, Measured, NodeSnapshot, NodeSpec,
    PlacedBy, Profile,
};
use crate::policy::DecisionView;
use crate::policy::{OfflinePlan, fmt_ms};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// Samples of utilization kept per architecture.
const HISTORY: usize = 120;
/// On a live clock, a utilization sample every this many ms, on the grid
/// of Unix time (a live source publishes only when something changed; in
/// between, the utilization is what the last view said).
const LIVE_SAMPLE_MS: f64 = 250.0;

/// How many live sampling instants lie in `(from_ms, to_ms]` (at most a
/// full history's worth).
pub(super) fn samples_between(from_ms: f64, to_ms: f64) -> usize {
    let n = (to_ms / LIVE_SAMPLE_MS).floor() - (from_ms / LIVE_SAMPLE_MS).floor();
    if n >= 1.0 {
        (n as usize).min(HISTORY)
    } else {
        0
    }
}

/// Carries a history on by `n` samples of its last value (nothing changed
/// meanwhile), keeping the most recent [`HISTORY`].
pub(super) fn carry_on(series: &mut Vec<u64>, n: usize) {
    if let Some(&last) = series.last() {
        series.extend(std::iter::repeat_n(last, n));
        let extra = series.len().saturating_sub(HISTORY);
        series.drain(..extra);
    }
}
/// The live sampling instant at or before `at_ms`.
fn live_instant(at_ms: f64) -> f64 {
    (at_ms / LIVE_SAMPLE_MS).floor() * LIVE_SAMPLE_MS
}

/// Carries a timeline on by `n` live sampling instants, the last at or
/// before `to_ms`, with its last counts (nothing changed meanwhile),
/// keeping the most recent [`HISTORY`].
pub(super) fn carry_on_timeline(timeline: &mut Timeline, to_ms: f64, n: usize) {
    let Some(last) = timeline.at_ms.len().checked_sub(1) else {
        return;
    };
    let end = live_instant(to_ms);
    let counts = [
        timeline.pending[last],
        timeline.running[last],
        timeline.violations[last],
    ];
    for k in (0..n).rev() {
        timeline.push(end - k as f64 * LIVE_SAMPLE_MS, counts);
    }
    timeline.truncate_front(HISTORY);
}

/// Finished jobs shown (the most recent).
const DONE_SHOWN: usize = 500;
/// Log lines (bindings, most recent last).
const LOG: usize = 200;

/// Resources a pod holds on a node.
#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    pub node: String,
    pub cores: u32,
    pub memory_mib: u64,
    pub gpus: u32,
}

/// A cluster at one moment, in synergai's terms.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    /// The nodes that map to the profile, by name.
    pub nodes: Vec<NodeSpec>,
    /// The synergai job pods (all of them, finished included).
    pub jobs: Vec<PodJob>,
    /// What every non-terminal bound pod holds (synergai's and others').
    pub held: Vec<Held>,
    /// Measured usage by node name, when the cluster serves `metrics.k8s.io`.
    pub measured: Option<HashMap<String, Measured>>,
}

impl Held {
    /// What the dashboard shows of a pod's [`Holding`] on `node`.
    pub fn of(node: &str, holding: &Holding) -> Held {
        Held {
            node: node.to_string(),
            cores: holding.placement.threads,
            memory_mib: holding.placement.memory_mib,
            gpus: holding.placement.gpus,
        }
    }
}

/// Turns observations into views, keeping the utilization history.
pub struct Viewer {
    pub label: String,
    pub profile: Arc<Profile>,
    pub plan: OfflinePlan,
    /// What the header calls the policy (`live`, `recorded`).
    pub policy: String,
    history: HashMap<String, (VecDeque<u64>, VecDeque<u64>)>,
    timeline: Timeline,
    /// When the last sample was taken (live clocks).
    sampled_ms: Option<f64>,
    version: u64,
}

impl Viewer {
    pub fn new(label: String, profile: Arc<Profile>) -> Viewer {
        let plan = OfflinePlan::new(&profile, profile.knee_threshold);
        Viewer {
            label,
            profile,
            plan,
            policy: "live".into(),
            history: HashMap::new(),
            timeline: Timeline::default(),
            sampled_ms: None,
            version: 0,
        }
    }

    /// The view of `obs` at `clock.at_ms` (Unix ms). `source` is shown in
    /// the header; `note` and `explain` pass through.
    pub fn view(
        &mut self,
        obs: &Observed,
        source: String,
        clock: Clock,
        note: Option<Note>,
        explain: Option<DecisionView>,
    ) -> View {
        let now = clock.at_ms;
        let profile = self.profile.clone();
        let mut node_snaps: Vec<NodeSnapshot> = obs
            .nodes
            .iter()
            .map(|spec| NodeSnapshot {
                name: spec.name.clone(),
                arch: profile.arch(spec.arch).name.clone(),
                tier: spec.tier,
                cores: spec.cores,
                cores_used: 0,
                gpus: spec.gpus,
                gpus_used: 0,
                memory_mib: spec.memory_mib,
                memory_used_mib: 0,
                jobs: 0,
                measured: obs
                    .measured
                    .as_ref()
                    .and_then(|m| m.get(&spec.name))
                    .copied(),
            })
            .collect();
        node_snaps.sort_by(|a, b| a.name.cmp(&b.name));
        let index: HashMap<&str, usize> = node_snaps
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.as_str(), i))
            .collect();
        let mut used: Vec<(u32, u64, u32, u32)> = vec![(0, 0, 0, 0); node_snaps.len()];
        for h in &obs.held {
            if let Some(&i) = index.get(h.node.as_str()) {
                let u = &mut used[i];
                u.0 += h.cores;
                u.1 += h.memory_mib;
                u.2 += h.gpus;
                u.3 += 1;
            }
        }
        for (n, (cores, memory, gpus, jobs)) in node_snaps.iter_mut().zip(used) {
            n.cores_used = cores.min(n.cores);
            n.memory_used_mib = memory.min(n.memory_mib);
            n.gpus_used = gpus.min(n.gpus);
            n.jobs = jobs;
        }
        let node_arch: HashMap<&str, (&str, u16)> = obs
            .nodes
            .iter()
            .map(|n| {
                (
                    n.name.as_str(),
                    (profile.arch(n.arch).name.as_str(), n.arch),
                )
            })
            .collect();
        let archs_present: Vec<u16> = {
            let mut v: Vec<u16> = obs.nodes.iter().map(|n| n.arch).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let mut jobs: Vec<JobSnapshot> = Vec::with_capacity(obs.jobs.len());
        let mut log: Vec<(f64, LogLine)> = Vec::new();
        let mut violations = 0;
        let (mut pending, mut running, mut done) = (0, 0, 0);
        // Finished and violated per model (all finished jobs, before the
        // list is cut to the most recent).
        let mut model_totals: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
        for job in &obs.jobs {
            let snap = job_snapshot(job, &profile, &self.plan, &node_arch, &archs_present, now);
            match snap.state {
                JobState::Pending => pending += 1,
                JobState::Running => running += 1,
                _ => {
                    done += 1;
                    let totals = model_totals.entry(snap.model.clone()).or_default();
                    totals.0 += 1;
                    if job.qos_violated() == Some(true) {
                        violations += 1;
                        totals.1 += 1;
                    }
                }
            }
            if let (Some(node), Some(engine), Some(threads)) =
                (&job.node_name, job.engine, job.threads)
            {
                let at = job
                    .started
                    .or(job.created)
                    .map(mapping::timestamp_ms)
                    .unwrap_or(0.0);
                log.push((
                    at,
                    LogLine {
                        at_ms: at,
                        job: job.key(),
                        choice: format!("{node} {engine}×{threads}"),
                        placed_by: job.placed_by.clone().unwrap_or_else(|| "?".into()),
                        reason: match job.predicted_ms {
                            Some(p) => format!("bound; predicted {}", fmt_ms(p)),
                            None => "bound".into(),
                        },
                    },
                ));
            }
            jobs.push(snap);
        }
        // Finished jobs: the most recent only.
        let mut done_times: Vec<f64> = jobs
            .iter()
            .filter(|j| j.state == JobState::Done)
            .filter_map(|j| j.completion_ms)
            .collect();
        if done_times.len() > DONE_SHOWN {
            done_times.sort_by(|a, b| b.total_cmp(a));
            let cutoff = done_times[DONE_SHOWN - 1];
            jobs.retain(|j| {
                j.state != JobState::Done || j.completion_ms.is_some_and(|c| c >= cutoff)
            });
        }
        log.sort_by(|a, b| a.0.total_cmp(&b.0));
        let skip = log.len().saturating_sub(LOG);
        let log: Vec<LogLine> = log.into_iter().skip(skip).map(|(_, l)| l).collect();
        let archs = arch_summaries(&node_snaps, &jobs);
        let history = self.sample(&archs, &clock, [pending, running, violations]);
        let models = ModelSummary::of(&jobs, model_totals.into_iter().map(|(m, (d, v))| (m, d, v)));
        self.version += 1;
        let total_jobs = pending + running + done;
        View {
            source,
            clock,
            policy: self.policy.clone(),
            manual: false,
            what_if: None,
            snapshot: ClusterSnapshot {
                at_ms: now,
                policy: self.policy.clone(),
                pending,
                running,
                done,
                violations,
                archs,
                nodes: node_snaps,
                jobs,
            },
            total_jobs,
            history,
            timeline: self.timeline.clone(),
            models,
            log,
            explain,
            note,
            version: self.version,
        }
    }

    /// Adds a utilization sample per architecture; returns the histories.
    /// A view of a replayed clock is one sample; on a live clock, views
    /// come when something changed, so samples follow the wall clock
    /// instead (every [`LIVE_SAMPLE_MS`]): the instants since the previous
    /// view get its utilization, and the last sample is the new one.
    fn sample(
        &mut self,
        archs: &[ArchSummary],
        clock: &Clock,
        counts: [u32; 3],
    ) -> Vec<ArchHistory> {
        let before = self.sampled_ms;
        let steps = match before {
            Some(before) if clock.live => Some(samples_between(before, clock.at_ms)),
            _ => None,
        };
        self.sampled_ms = Some(clock.at_ms);
        let t = &mut self.timeline;
        match (steps, before) {
            (Some(0), Some(_)) if !t.at_ms.is_empty() => {
                let last = t.at_ms.len() - 1;
                [t.pending[last], t.running[last], t.violations[last]] = counts;
            }
            (Some(n), Some(_)) if !t.at_ms.is_empty() => {
                carry_on_timeline(t, clock.at_ms - LIVE_SAMPLE_MS, n - 1);
                t.push(live_instant(clock.at_ms), counts);
            }
            _ => {
                let at = if clock.live {
                    live_instant(clock.at_ms)
                } else {
                    clock.at_ms
                };
                t.push(at, counts);
            }
        }
        t.truncate_front(HISTORY);
        for a in archs {
            let (cores, gpus) = self.history.entry(a.arch.clone()).or_default();
            let now = [
                (a.cores_used * 100).checked_div(a.cores).unwrap_or(0),
                (a.gpus_used * 100).checked_div(a.gpus).unwrap_or(0),
            ];
            for (series, value) in [cores, gpus].into_iter().zip(now) {
                match (steps, series.back_mut()) {
                    // Still the same sampling instant: the newest state.
                    (Some(0), Some(last)) => *last = value,
                    (Some(n), Some(&mut last)) => {
                        series.extend(std::iter::repeat_n(last, n - 1));
                        series.push_back(value);
                    }
                    _ => series.push_back(value),
                }
                while series.len() > HISTORY {
                    series.pop_front();
                }
            }
        }
        archs
            .iter()
            .map(|a| {
                let (c, g) = &self.history[&a.arch];
                ArchHistory {
                    arch: a.arch.clone(),
                    cores: c.iter().copied().collect(),
                    gpus: g.iter().copied().collect(),
                }
            })
            .collect()
    }
}

fn job_snapshot(
    job: &PodJob,
    profile: &Profile,
    plan: &OfflinePlan,
    node_arch: &HashMap<&str, (&str, u16)>,
    archs: &[u16],
    now: f64,
) -> JobSnapshot {
    let created = job.created.map(mapping::timestamp_ms).unwrap_or(now);
    let deadline = created + job.qos_ms;
    let state = if job.is_terminal() {
        JobState::Done
    } else if job.node_name.is_some() {
        JobState::Running
    } else {
        JobState::Pending
    };
    let completion = match state {
        JobState::Done => job.finished.map(mapping::timestamp_ms),
        JobState::Running => {
            let start = job.started.map(mapping::timestamp_ms).unwrap_or(created);
            job.predicted_ms.map(|p| start + p)
        }
        _ => None,
    };
    let slack = match state {
        JobState::Pending => {
            Some(deadline - (now + plan.min_service_ms(job.model, job.queries, archs)))
        }
        _ => completion.map(|c| deadline - c),
    };
    JobSnapshot {
        name: job.key(),
        model: profile.model(job.model).name.clone(),
        state,
        arrival_ms: created,
        qos_ms: job.qos_ms,
        queries: job.queries,
        node: job.node_name.clone(),
        arch: job
            .node_name
            .as_deref()
            .and_then(|n| node_arch.get(n))
            .map(|(a, _)| a.to_string()),
        engine: job.engine.map(|e| e.to_string()),
        threads: job.threads,
        completion_ms: completion,
        latency_ms: completion.map(|c| c - created),
        slack_ms: slack,
        placed_by: job.placed_by.as_ref().map(|p| {
            if p == "override" {
                PlacedBy::Override
            } else {
                PlacedBy::Policy(p.clone())
            }
        }),
        pin: job.pin.as_ref().map(|p| p.to_string()),
        run_time_ratio: (state == JobState::Done)
            .then(|| job.run_time_ratio())
            .flatten(),
    }
}

/// How many of an architecture's most recently finished jobs its drift
/// (measured over predicted run time) is the median of.
pub const DRIFT_WINDOW: usize = 20;

/// The median run-time ratio of the architecture's most recently finished
/// jobs that have one.
fn recent_ratio(jobs: &[JobSnapshot], arch: &str) -> Option<f64> {
    let mut done: Vec<(f64, f64)> = jobs
        .iter()
        .filter(|j| j.state == JobState::Done && j.arch.as_deref() == Some(arch))
        .filter_map(|j| Some((j.completion_ms?, j.run_time_ratio?)))
        .collect();
    done.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut ratios: Vec<f64> = done.iter().take(DRIFT_WINDOW).map(|d| d.1).collect();
    if ratios.is_empty() {
        return None;
    }
    ratios.sort_by(f64::total_cmp);
    let mid = ratios.len() / 2;
    Some(if ratios.len() % 2 == 1 {
        ratios[mid]
    } else {
        (ratios[mid - 1] + ratios[mid]) / 2.0
    })
}

fn arch_summaries(nodes: &[NodeSnapshot], jobs: &[JobSnapshot]) -> Vec<ArchSummary> {
    let mut out: Vec<ArchSummary> = Vec::new();
    for n in nodes {
        let i = match out.iter().position(|a| a.arch == n.arch) {
            Some(i) => i,
            None => {
                out.push(ArchSummary {
                    arch: n.arch.clone(),
                    nodes: 0,
                    cores: 0,
                    cores_used: 0,
                    gpus: 0,
                    gpus_used: 0,
                    running_jobs: 0,
                    mean_slack_ms: None,
                    worst_slack_ms: None,
                    run_time_ratio: None,
                });
                out.len() - 1
            }
        };
        let a = &mut out[i];
        a.nodes += 1;
        a.cores += u64::from(n.cores);
        a.cores_used += u64::from(n.cores_used);
        a.gpus += u64::from(n.gpus);
        a.gpus_used += u64::from(n.gpus_used);
    }
    for a in &mut out {
        let slacks: Vec<f64> = jobs
            .iter()
            .filter(|j| j.state == JobState::Running && j.arch.as_deref() == Some(a.arch.as_str()))
            .filter_map(|j| j.slack_ms)
            .collect();
        a.running_jobs = jobs
            .iter()
            .filter(|j| j.state == JobState::Running && j.arch.as_deref() == Some(a.arch.as_str()))
            .count() as u32;
        if !slacks.is_empty() {
            a.mean_slack_ms = Some(slacks.iter().sum::<f64>() / slacks.len() as f64);
            a.worst_slack_ms = slacks.iter().copied().reduce(f64::min);
        }
        a.run_time_ratio = recent_ratio(jobs, &a.arch);
    }
    out.sort_by(|a, b| a.arch.cmp(&b.arch));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::load_default;
    use k8s_openapi::jiff::Timestamp;

    #[test]
    fn the_drift_is_the_median_of_the_most_recent_finished_jobs() {
        let done = |i: usize, ratio: f64, arch: &str| JobSnapshot {
            name: format!("j{i}"),
            model: "m".into(),
            state: JobState::Done,
            arrival_ms: 0.0,
            qos_ms: 1.0,
            queries: 1,
            node: None,
            arch: Some(arch.into()),
            engine: None,
            threads: None,
            completion_ms: Some(i as f64),
            latency_ms: None,
            slack_ms: None,
            placed_by: None,
            pin: None,
            run_time_ratio: Some(ratio),
        };
        // 30 old jobs at 3.0, then the 20 most recent: 10 at 1.0, 10 at 1.2.
        let mut jobs: Vec<JobSnapshot> = (0..30).map(|i| done(i, 3.0, "a")).collect();
        jobs.extend((30..40).map(|i| done(i, 1.0, "a")));
        jobs.extend((40..50).map(|i| done(i, 1.2, "a")));
        jobs.push(done(50, 9.0, "b"));
        let r = recent_ratio(&jobs, "a").unwrap();
        assert!((r - 1.1).abs() < 1e-9, "{r}");
        assert_eq!(recent_ratio(&jobs, "b"), Some(9.0));
        assert_eq!(recent_ratio(&jobs, "c"), None);
    }

    /// A Unix time on the live sampling grid.
    const T0: f64 = 1_780_000_000_000.0;

    fn clock(at_ms: f64, live: bool) -> Clock {
        Clock {
            at_ms,
            speed: 1.0,
            paused: false,
            finished: false,
            wall: true,
            live,
        }
    }

    fn job(name: &str, node: Option<&str>) -> PodJob {
        PodJob {
            namespace: "default".into(),
            name: name.into(),
            uid: String::new(),
            model: 0,
            queries: 100,
            qos_ms: 30_000.0,
            created: Timestamp::from_millisecond(T0 as i64 - 2_000).ok(),
            pin: None,
            pin_reason: None,
            node_name: node.map(str::to_string),
            phase: if node.is_some() { "Running" } else { "Pending" }.into(),
            started: None,
            finished: None,
            scheduled: None,
            deleting: false,
            engine: None,
            threads: None,
            predicted_ms: None,
            placed_by: None,
        }
    }

    /// Three nodes of the default scenario, two pending jobs and, when
    /// `busy`, a running one holding two cores.
    fn observed(busy: bool) -> (Observed, Arc<Profile>) {
        let scenario = load_default().unwrap();
        let nodes: Vec<NodeSpec> = scenario.nodes.iter().take(3).cloned().collect();
        let mut jobs = vec![job("a", None), job("b", None)];
        let mut held = Vec::new();
        if busy {
            jobs.push(job("c", Some(&nodes[0].name)));
            held.push(Held {
                node: nodes[0].name.clone(),
                cores: 2,
                memory_mib: 512,
                gpus: 0,
            });
        }
        let obs = Observed {
            nodes,
            jobs,
            held,
            measured: None,
        };
        (obs, scenario.profile.clone())
    }

    /// The snapshot with the pending jobs' slack compared to within
    /// rounding, then left out.
    fn same_but_slack(a: &ClusterSnapshot, b: &ClusterSnapshot) {
        assert_eq!(a.jobs.len(), b.jobs.len());
        for (x, y) in a.jobs.iter().zip(&b.jobs) {
            match (x.slack_ms, y.slack_ms) {
                (Some(s), Some(t)) => assert!((s - t).abs() < 1e-6, "{s} vs {t}"),
                (s, t) => assert_eq!(s, t),
            }
        }
        let strip = |s: &ClusterSnapshot| {
            let mut s = s.clone();
            s.jobs.iter_mut().for_each(|j| j.slack_ms = None);
            s
        };
        assert_eq!(strip(a), strip(b));
    }

    /// Nothing changed: a live view carried on to a later time is the view
    /// the source would build then (clock, slack, utilization history).
    #[test]
    fn a_live_view_carried_on_is_the_view_rebuilt_later() {
        let (obs, profile) = observed(true);
        for later in [T0 + 200.0, T0 + 1_100.0, T0 + 61_000.0, T0 + 3_600_000.0] {
            let mut viewer = Viewer::new("test".into(), profile.clone());
            viewer.view(
                &observed(false).0,
                "test".into(),
                clock(T0, true),
                None,
                None,
            );
            let first = viewer.view(&obs, "test".into(), clock(T0 + 100.0, true), None, None);
            let carried = first.at(later);
            let rebuilt = viewer.view(&obs, "test".into(), clock(later, true), None, None);
            assert_eq!(carried.clock, rebuilt.clock);
            assert_eq!(carried.history, rebuilt.history, "at +{}", later - T0);
            assert_eq!(carried.timeline, rebuilt.timeline, "at +{}", later - T0);
            assert_eq!(
                carried.timeline.at_ms.len(),
                carried.history[0].cores.len(),
                "one instant per utilization sample"
            );
            assert_eq!(carried.models.len(), rebuilt.models.len());
            for (c, r) in carried.models.iter().zip(&rebuilt.models) {
                let (cs, rs) = (c.mean_slack_ms.unwrap(), r.mean_slack_ms.unwrap());
                assert!((cs - rs).abs() < 1e-6, "{cs} vs {rs}");
                let strip = |m: &ModelSummary| ModelSummary {
                    mean_slack_ms: None,
                    ..m.clone()
                };
                assert_eq!(strip(c), strip(r));
            }
            same_but_slack(&carried.snapshot, &rebuilt.snapshot);
            let pending = |v: &View| {
                v.snapshot
                    .jobs
                    .iter()
                    .find(|j| j.name == "default/a")
                    .and_then(|j| j.slack_ms)
                    .unwrap()
            };
            assert!(
                (pending(&first) - pending(&carried) - (later - T0 - 100.0)).abs() < 1e-6,
                "pending slack shrinks with the clock"
            );
        }
    }

    /// On a live clock the history has a sample per 250 ms of wall time
    /// (the same instant keeps the newest state); on others, one per view.
    #[test]
    fn live_history_follows_the_wall_clock() {
        let (busy, profile) = observed(true);
        let (idle, _) = observed(false);
        let cores = |v: &View| v.history[0].cores.clone();
        let mut viewer = Viewer::new("test".into(), profile.clone());
        let v = viewer.view(&busy, "t".into(), clock(T0 + 100.0, true), None, None);
        let used = cores(&v)[0];
        assert!(used > 0);
        let v = viewer.view(&idle, "t".into(), clock(T0 + 200.0, true), None, None);
        assert_eq!(cores(&v), [0]);
        let v = viewer.view(&busy, "t".into(), clock(T0 + 1_100.0, true), None, None);
        assert_eq!(cores(&v), [0, 0, 0, 0, used]);
        let v = viewer.view(&busy, "t".into(), clock(T0 + 3_600_000.0, true), None, None);
        assert_eq!(cores(&v).len(), HISTORY);

        let mut viewer = Viewer::new("test".into(), profile);
        for at in [T0, T0 + 10.0, T0 + 100_000.0] {
            viewer.view(&busy, "t".into(), clock(at, false), None, None);
        }
        let v = viewer.view(&idle, "t".into(), clock(T0 + 100_001.0, false), None, None);
        assert_eq!(cores(&v), [used, used, used, 0]);
        assert_eq!(
            v.at(T0 + 200_000.0).clock,
            v.clock,
            "only live clocks move on"
        );
    }
}
