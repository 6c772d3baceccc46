//! The event-driven replay engine: arrivals and completions on a simulated
//! clock, interference-aware rates (recomputed whenever a job starts or ends
//! on a node), a placement pass after every batch of events, metrics and a
//! timeline the dashboard plays back.

mod metrics;
mod outcome;
pub mod workload;

pub use metrics::{ArchUtilization, Metrics, NsHistogram, percentile};
pub use outcome::JobOutcome;

use crate::model::{
    ArchSummary, Cluster, ClusterSnapshot, JobId, JobSnapshot, JobState, NodeId, NodeSnapshot, Pin,
    PlacedBy, RunId, Scenario,
};
use crate::policy::{
    Action, Explain, Holds, LoggedDecision, OfflinePlan, PlanConfig, Policy, PolicyKind, run_pass,
};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, VecDeque};
use std::sync::Arc;

/// How a run is driven.
#[derive(Clone, Debug)]
pub struct SimOptions {
    pub policy: PolicyKind,
    /// Knee threshold θ of the offline plan (the profile's when `None`).
    pub knee_threshold: Option<f64>,
    /// In manual mode passes run only on [`Simulator::trigger`].
    pub manual: bool,
    /// Keep the last this many non-hold decisions (and every decision of
    /// the explained job) for logs.
    pub decision_log: usize,
    pub explain: Explain,
    /// Record a timeline point every this many simulated ms.
    pub timeline_every_ms: Option<f64>,
    /// Keep at most this many timeline points (the oldest are dropped).
    pub timeline_cap: usize,
    /// Decide a held job again only when something it could use changed
    /// (`policy::Holds`); off, every pass decides the whole queue — the
    /// reference the incremental passes are tested against.
    pub incremental: bool,
}

impl SimOptions {
    pub fn new(policy: PolicyKind) -> SimOptions {
        SimOptions {
            policy,
            knee_threshold: None,
            manual: false,
            decision_log: 0,
            explain: Explain::None,
            timeline_every_ms: None,
            timeline_cap: usize::MAX,
            incremental: true,
        }
    }
}

/// Cluster-wide counts at one moment of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelinePoint {
    pub at_ms: f64,
    pub pending: u32,
    pub running: u32,
    pub done: u32,
    pub violations: u32,
    /// Per architecture (profile order): cores in use, GPUs in use.
    pub arch_cores_used: Vec<u64>,
    pub arch_gpus_used: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq)]
enum Status {
    Future,
    Pending,
    Running {
        run: RunId,
        placed_by: PlacedBy,
        /// What the decision that placed the job predicted.
        predicted_completion_ms: f64,
    },
    Done {
        node: NodeId,
        config: PlanConfig,
        placed_at_ms: f64,
        completion_ms: f64,
        /// `None` only for a run that was not placed by a pass.
        predicted_completion_ms: Option<f64>,
        placed_by: PlacedBy,
    },
}

/// Maps an f64 to a u64 with the same order (for ordered sets and heaps).
fn ord_bits(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// The replay engine.
pub struct Simulator {
    scenario: Scenario,
    plan: Arc<OfflinePlan>,
    policy: Box<dyn Policy>,
    policy_name: &'static str,
    options: SimOptions,
    cluster: Cluster,
    now_ms: f64,
    next_arrival: usize,
    pending: BTreeSet<(u64, u64, JobId)>,
    /// Finish events: (time bits, run, version).
    finishes: BinaryHeap<Reverse<(u64, RunId, u64)>>,
    status: Vec<Status>,
    /// Each pending job's key in `pending`.
    keys: Vec<(u64, u64)>,
    /// Finished jobs in completion order.
    done_order: Vec<JobId>,
    /// Decisions that were holds in bulk or standing holds (see
    /// `PassStats::held_in_bulk`, `PassStats::held_standing`).
    bulk_holds: u64,
    /// Holds carried between passes (incremental passes).
    holds: Holds,
    /// Pins set after load (overrides), by job.
    needs_pass: bool,
    events: u64,
    // metrics
    latencies: Vec<f64>,
    waits: Vec<f64>,
    violations: u32,
    excess_total_ms: f64,
    busy_core_ms: Vec<f64>,
    busy_gpu_ms: Vec<f64>,
    arch_jobs: Vec<u32>,
    /// Per model (profile order): jobs finished, and finished late.
    model_done: Vec<(u32, u32)>,
    job_energy_j: f64,
    overhead: NsHistogram,
    log: VecDeque<LoggedDecision>,
    explained: Vec<LoggedDecision>,
    timeline: VecDeque<TimelinePoint>,
    next_sample_ms: f64,
    changed: Vec<RunId>,
    /// Architectures with at least one node.
    present_archs: Vec<u16>,
}

impl Simulator {
    pub fn new(scenario: &Scenario, options: SimOptions) -> Simulator {
        let theta = options
            .knee_threshold
            .unwrap_or(scenario.profile.knee_threshold);
        let plan = Arc::new(OfflinePlan::new(&scenario.profile, theta));
        Simulator::with_plan(scenario, plan, options)
    }

    /// A simulator sharing an already derived plan.
    pub fn with_plan(
        scenario: &Scenario,
        plan: Arc<OfflinePlan>,
        options: SimOptions,
    ) -> Simulator {
        let policy = options.policy.build(scenario.seed);
        let n_arch = scenario.profile.archs.len();
        Simulator {
            cluster: Cluster::new(scenario.nodes.clone(), &scenario.profile),
            policy_name: policy.name(),
            policy,
            plan,
            now_ms: 0.0,
            next_arrival: 0,
            pending: BTreeSet::new(),
            finishes: BinaryHeap::new(),
            status: vec![Status::Future; scenario.jobs.len()],
            keys: vec![(0, 0); scenario.jobs.len()],
            done_order: Vec::new(),
            bulk_holds: 0,
            holds: Holds::new(),
            needs_pass: false,
            events: 0,
            latencies: Vec::with_capacity(scenario.jobs.len()),
            waits: Vec::with_capacity(scenario.jobs.len()),
            violations: 0,
            excess_total_ms: 0.0,
            busy_core_ms: vec![0.0; n_arch],
            busy_gpu_ms: vec![0.0; n_arch],
            arch_jobs: vec![0; n_arch],
            model_done: vec![(0, 0); scenario.profile.models.len()],
            job_energy_j: 0.0,
            overhead: NsHistogram::default(),
            log: VecDeque::new(),
            explained: Vec::new(),
            timeline: VecDeque::new(),
            next_sample_ms: 0.0,
            changed: Vec::new(),
            present_archs: {
                let mut archs: Vec<u16> = scenario.nodes.iter().map(|n| n.arch).collect();
                archs.sort_unstable();
                archs.dedup();
                archs
            },
            options,
            scenario: scenario.clone(),
        }
    }

    pub fn now_ms(&self) -> f64 {
        self.now_ms
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn plan(&self) -> &OfflinePlan {
        &self.plan
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    pub fn policy_name(&self) -> &'static str {
        self.policy_name
    }

    /// The job queue waiting for placement, in the policy's order.
    pub fn pending(&self) -> Vec<JobId> {
        self.pending.iter().map(|&(_, _, j)| j).collect()
    }

    /// Recent decisions (oldest first).
    pub fn decision_log(&self) -> impl Iterator<Item = &LoggedDecision> + '_ {
        self.log.iter()
    }

    /// Every decision about the explained job.
    pub fn explained(&self) -> &[LoggedDecision] {
        &self.explained
    }

    pub fn timeline(&self) -> &VecDeque<TimelinePoint> {
        &self.timeline
    }

    /// A copy of this run that continues from now under another policy
    /// (what-if). Everything placed so far stays where it is.
    pub fn fork_with_policy(&self, kind: PolicyKind) -> Simulator {
        let policy = kind.build(self.scenario.seed);
        let mut fork = Simulator {
            scenario: self.scenario.clone(),
            plan: self.plan.clone(),
            policy_name: policy.name(),
            policy,
            options: SimOptions {
                policy: kind,
                ..self.options.clone()
            },
            cluster: self.cluster.clone(),
            now_ms: self.now_ms,
            next_arrival: self.next_arrival,
            pending: BTreeSet::new(),
            finishes: self.finishes.clone(),
            status: self.status.clone(),
            keys: self.keys.clone(),
            done_order: self.done_order.clone(),
            bulk_holds: self.bulk_holds,
            holds: Holds::new(),
            needs_pass: true,
            events: self.events,
            latencies: self.latencies.clone(),
            waits: self.waits.clone(),
            violations: self.violations,
            excess_total_ms: self.excess_total_ms,
            busy_core_ms: self.busy_core_ms.clone(),
            busy_gpu_ms: self.busy_gpu_ms.clone(),
            arch_jobs: self.arch_jobs.clone(),
            model_done: self.model_done.clone(),
            job_energy_j: self.job_energy_j,
            overhead: self.overhead.clone(),
            log: self.log.clone(),
            explained: Vec::new(),
            timeline: self.timeline.clone(),
            next_sample_ms: self.next_sample_ms,
            changed: Vec::new(),
            present_archs: self.present_archs.clone(),
        };
        for &(_, _, job) in &self.pending {
            fork.enqueue(job);
        }
        fork
    }

    /// Switches between automatic passes and passes on [`Simulator::trigger`] only.
    pub fn set_manual(&mut self, manual: bool) {
        self.options.manual = manual;
        if !manual {
            self.needs_pass = true;
        }
    }

    pub fn is_manual(&self) -> bool {
        self.options.manual
    }

    /// Calls to the policy so far (decisions less the holds made without
    /// one: in bulk, or standing since nothing they depend on changed).
    pub fn policy_calls(&self) -> u64 {
        self.overhead.count()
    }

    /// Violations so far (completed late; unfinished jobs are counted only
    /// by [`Simulator::metrics`]).
    pub fn violations(&self) -> u32 {
        self.violations
    }

    /// Per model, in profile order: jobs finished so far, and how many of
    /// them late.
    pub fn model_totals(&self) -> &[(u32, u32)] {
        &self.model_done
    }

    /// Where a job is in its life cycle.
    pub fn job_state(&self, job: JobId) -> JobState {
        match self.status.get(job as usize) {
            Some(Status::Pending) => JobState::Pending,
            Some(Status::Running { .. }) => JobState::Running,
            Some(Status::Done { .. }) => JobState::Done,
            _ => JobState::Future,
        }
    }

    /// A job's current pin.
    pub fn pin_of(&self, job: JobId) -> Option<&Pin> {
        self.scenario
            .jobs
            .get(job as usize)
            .and_then(|j| j.pin.as_ref())
    }

    /// Sets or clears an operator pin on a job that is not placed yet.
    pub fn set_pin(&mut self, job: JobId, pin: Option<Pin>) {
        let (a, b) = self.keys[job as usize];
        let was_pending = self.pending.remove(&(a, b, job));
        let jobs = Arc::make_mut(&mut self.scenario.jobs);
        jobs[job as usize].pin = pin;
        self.holds.forget(job);
        if was_pending {
            self.enqueue(job);
            self.needs_pass = true;
        }
    }

    fn enqueue(&mut self, job: JobId) {
        let key = self.queue_key(job);
        self.keys[job as usize] = key;
        self.pending.insert((key.0, key.1, job));
    }

    fn queue_key(&self, job: JobId) -> (u64, u64) {
        let (a, b) = self.policy.order().key(
            &self.scenario.jobs[job as usize],
            &self.scenario.nodes,
            &self.plan,
            &self.present_archs,
        );
        (ord_bits(a), ord_bits(b))
    }

    /// Time of the next event, if any.
    pub fn next_event_ms(&self) -> Option<f64> {
        let arrival = self
            .scenario
            .jobs
            .get(self.next_arrival)
            .map(|j| j.arrival_ms);
        let finish = self
            .finishes
            .peek()
            .map(|Reverse((t, _, _))| from_ord_bits(*t));
        match (arrival, finish) {
            (Some(a), Some(f)) => Some(a.min(f)),
            (a, f) => a.or(f),
        }
    }

    /// Whether every job has arrived and nothing is running.
    pub fn finished(&self) -> bool {
        self.next_event_ms().is_none()
    }

    /// Processes the next batch of simultaneous events and runs a pass.
    /// Returns false when there is nothing left to do.
    pub fn step(&mut self) -> bool {
        let Some(t) = self.next_event_ms() else {
            return false;
        };
        self.advance_clock(t);
        while let Some(job) = self.scenario.jobs.get(self.next_arrival) {
            if job.arrival_ms > t {
                break;
            }
            let id = self.next_arrival as JobId;
            self.next_arrival += 1;
            self.status[id as usize] = Status::Pending;
            self.enqueue(id);
            self.events += 1;
            self.needs_pass = true;
        }
        while let Some(&Reverse((bits, run, version))) = self.finishes.peek() {
            if from_ord_bits(bits) > t {
                break;
            }
            self.finishes.pop();
            let current = self.cluster.run(run).is_some_and(|r| r.version == version);
            if current {
                self.complete(run, t);
                self.events += 1;
                self.needs_pass = true;
            }
        }
        if self.needs_pass && !self.options.manual {
            self.pass();
        }
        self.schedule_changed();
        true
    }

    /// Runs events up to and including `t_ms`, then sets the clock to `t_ms`.
    pub fn run_until(&mut self, t_ms: f64) {
        while self.next_event_ms().is_some_and(|n| n <= t_ms) {
            self.step();
        }
        self.advance_clock(t_ms.max(self.now_ms));
    }

    /// Runs to the end and returns the metrics.
    pub fn run(mut self) -> Metrics {
        while self.step() {}
        self.metrics()
    }

    /// Runs one placement pass now (what `p` does in manual mode).
    pub fn trigger(&mut self) -> usize {
        let before = self.pending.len();
        self.pass();
        self.schedule_changed();
        before - self.pending.len()
    }

    /// What the policy would decide now for every pending job, without
    /// applying it (on a copy of the cluster).
    pub fn plan_pass(&mut self, explain: Explain) -> Vec<LoggedDecision> {
        let queue = self.pending();
        let mut cluster = self.cluster.clone();
        let mut out = Vec::new();
        run_pass(
            self.policy.as_mut(),
            &mut cluster,
            &self.plan,
            &self.scenario.profile,
            &self.scenario.jobs,
            &queue,
            self.now_ms,
            explain,
            None,
            |cluster, decision, _, _| {
                let reason = decision.reason.describe(cluster);
                out.push(LoggedDecision { decision, reason });
            },
        );
        out
    }

    fn advance_clock(&mut self, t: f64) {
        if let Some(every) = self.options.timeline_every_ms {
            while self.next_sample_ms <= t {
                let point = self.timeline_point(self.next_sample_ms);
                if self.timeline.len() >= self.options.timeline_cap {
                    self.timeline.pop_front();
                }
                self.timeline.push_back(point);
                self.next_sample_ms += every;
            }
        }
        self.now_ms = t;
    }

    fn timeline_point(&self, at_ms: f64) -> TimelinePoint {
        let n_arch = self.scenario.profile.archs.len() as u16;
        TimelinePoint {
            at_ms,
            pending: self.pending.len() as u32,
            running: self.cluster.running_count() as u32,
            done: self.latencies.len() as u32,
            violations: self.violations,
            arch_cores_used: (0..n_arch)
                .map(|a| self.cluster.arch_usage(a).cores_used)
                .collect(),
            arch_gpus_used: (0..n_arch)
                .map(|a| self.cluster.arch_usage(a).gpus_used)
                .collect(),
        }
    }

    fn pass(&mut self) {
        self.needs_pass = false;
        if self.pending.is_empty() {
            return;
        }
        let queue = self.pending();
        let mut assigned: Vec<(JobId, RunId, PlacedBy, f64)> = Vec::new();
        let policy_name = self.policy_name;
        let log_cap = self.options.decision_log;
        let explain = self.options.explain;
        let (log, explained, overhead) = (&mut self.log, &mut self.explained, &mut self.overhead);
        let holds = self.options.incremental.then_some(&mut self.holds);
        let stats = run_pass(
            self.policy.as_mut(),
            &mut self.cluster,
            &self.plan,
            &self.scenario.profile,
            &self.scenario.jobs,
            &queue,
            self.now_ms,
            explain,
            holds,
            |cluster, decision, ns, run| {
                overhead.record(ns);
                if let (Action::Assign(a), Some(run)) = (decision.action, run) {
                    let placed_by = if a.pinned {
                        PlacedBy::Override
                    } else {
                        PlacedBy::Policy(policy_name.to_string())
                    };
                    assigned.push((decision.job, run, placed_by, a.predicted_completion_ms));
                }
                let explained_job = explain.covers(decision.job);
                let keep_log = log_cap > 0 && matches!(decision.action, Action::Assign(_));
                if explained_job || keep_log {
                    let entry = LoggedDecision {
                        reason: decision.reason.describe(cluster),
                        decision,
                    };
                    if explained_job {
                        explained.push(entry.clone());
                    }
                    if keep_log {
                        if log.len() == log_cap {
                            log.pop_front();
                        }
                        log.push_back(entry);
                    }
                }
            },
        );
        self.bulk_holds += u64::from(stats.held_in_bulk) + u64::from(stats.held_standing);
        for (job, run, placed_by, predicted_completion_ms) in assigned {
            let (a, b) = self.keys[job as usize];
            self.pending.remove(&(a, b, job));
            self.status[job as usize] = Status::Running {
                run,
                placed_by,
                predicted_completion_ms,
            };
        }
    }

    fn schedule_changed(&mut self) {
        self.cluster.take_changed(&mut self.changed);
        for &run in &self.changed {
            if let Some(r) = self.cluster.run(run) {
                self.finishes
                    .push(Reverse((ord_bits(r.predicted_finish_ms), run, r.version)));
            }
        }
    }

    fn complete(&mut self, run: RunId, t: f64) {
        let Some(r) = self.cluster.finish(run, t) else {
            return;
        };
        let job = &self.scenario.jobs[r.job as usize];
        let spec = &self.scenario.nodes[r.node as usize];
        let completion = t + spec.network_ms;
        let latency = completion - job.arrival_ms;
        self.latencies.push(latency);
        self.waits.push(r.placed_at_ms - job.arrival_ms);
        let model = &mut self.model_done[job.model as usize];
        model.0 += 1;
        if latency > job.qos_ms {
            model.1 += 1;
            self.violations += 1;
            self.excess_total_ms += completion - job.deadline_ms();
        }
        let busy = t - r.placed_at_ms;
        self.busy_core_ms[spec.arch as usize] += f64::from(r.threads) * busy;
        self.busy_gpu_ms[spec.arch as usize] += f64::from(r.gpus) * busy;
        self.arch_jobs[spec.arch as usize] += 1;
        self.job_energy_j += r.watts * busy / 1000.0;
        let (placed_by, predicted_completion_ms) =
            match std::mem::replace(&mut self.status[r.job as usize], Status::Future) {
                Status::Running {
                    placed_by,
                    predicted_completion_ms,
                    ..
                } => (placed_by, Some(predicted_completion_ms)),
                _ => (PlacedBy::Policy(self.policy_name.to_string()), None),
            };
        self.done_order.push(r.job);
        self.status[r.job as usize] = Status::Done {
            node: r.node,
            config: PlanConfig {
                engine: r.engine,
                threads: r.threads,
                gpus: r.gpus,
                qps: r.base_qps,
                p99_ms: 0.0,
                watts: r.watts,
                memory_mib: r.memory_mib,
                startup_ms: r.processing_start_ms - r.placed_at_ms,
            },
            placed_at_ms: r.placed_at_ms,
            completion_ms: completion,
            predicted_completion_ms,
            placed_by,
        };
    }

    /// The metrics so far (at the end of a run: the run's metrics).
    pub fn metrics(&self) -> Metrics {
        let profile = &self.scenario.profile;
        let jobs = self.scenario.jobs.len() as u32;
        let completed = self.latencies.len() as u32;
        let unfinished = jobs - completed;
        let violations = self.violations + unfinished;
        let mut latencies = self.latencies.clone();
        latencies.sort_by(f64::total_cmp);
        let mut waits = self.waits.clone();
        waits.sort_by(f64::total_cmp);
        let makespan = self.now_ms;
        let utilization = profile
            .archs
            .iter()
            .enumerate()
            .filter_map(|(a, arch)| {
                let usage = self.cluster.arch_usage(a as u16);
                (usage.nodes > 0).then(|| ArchUtilization {
                    arch: arch.name.clone(),
                    cores: ratio(self.busy_core_ms[a], usage.cores as f64 * makespan),
                    gpus: (usage.gpus > 0)
                        .then(|| ratio(self.busy_gpu_ms[a], usage.gpus as f64 * makespan)),
                    jobs: self.arch_jobs[a],
                })
            })
            .collect();
        let idle_j: f64 = self
            .scenario
            .nodes
            .iter()
            .map(|n| n.idle_watts * makespan / 1000.0)
            .sum();
        Metrics {
            policy: self.policy_name.to_string(),
            jobs,
            completed,
            unfinished,
            violations,
            violation_rate: ratio(f64::from(violations), f64::from(jobs)),
            excess_total_ms: self.excess_total_ms,
            excess_mean_ms: ratio(self.excess_total_ms, f64::from(violations.max(1))),
            latency_p50_ms: percentile(&latencies, 0.50),
            latency_p95_ms: percentile(&latencies, 0.95),
            latency_p99_ms: percentile(&latencies, 0.99),
            queue_wait_mean_ms: ratio(waits.iter().sum(), waits.len() as f64),
            queue_wait_p99_ms: percentile(&waits, 0.99),
            utilization,
            energy_j: idle_j + self.job_energy_j,
            decisions: self.overhead.count() + self.bulk_holds,
            overhead_mean_us: self.overhead.mean() / 1000.0,
            overhead_p99_us: self.overhead.quantile(0.99) / 1000.0,
            makespan_ms: makespan,
            events: self.events,
        }
    }

    /// The whole cluster now, for the dashboard and `-o json`.
    pub fn snapshot(&self) -> ClusterSnapshot {
        self.snapshot_of(0..self.scenario.jobs.len())
    }

    /// The cluster now with only the jobs an operator watches: pending,
    /// running, and the `max_done` most recently finished (the cost does not
    /// grow with the jobs already done or not arrived yet).
    pub fn live_snapshot(&self, max_done: usize) -> ClusterSnapshot {
        let mut ids: Vec<usize> = self.pending.iter().map(|&(_, _, j)| j as usize).collect();
        ids.extend(self.cluster.runs().map(|(_, r)| r.job as usize));
        let recent = self.done_order.len().saturating_sub(max_done);
        ids.extend(self.done_order[recent..].iter().map(|&j| j as usize));
        ids.sort_unstable();
        self.snapshot_of(ids.into_iter())
    }

    fn snapshot_of(&self, ids: impl Iterator<Item = usize>) -> ClusterSnapshot {
        let profile = &self.scenario.profile;
        let now = self.now_ms;
        let mut jobs = Vec::new();
        let n_arch = profile.archs.len();
        let mut slack_sum = vec![0.0; n_arch];
        let mut slack_n = vec![0u32; n_arch];
        let mut slack_min = vec![f64::INFINITY; n_arch];
        let done = self.latencies.len() as u32;
        for id in ids {
            let job = &self.scenario.jobs[id];
            let pin = job.pin.as_ref().map(|p| match p {
                Pin::Node(n) => format!("node={}", self.scenario.nodes[*n as usize].name),
                Pin::Arch(a) => format!("arch={}", profile.arch(*a).name),
            });
            let mut snap = JobSnapshot {
                name: job.name.clone(),
                model: profile.model(job.model).name.clone(),
                state: JobState::Future,
                arrival_ms: job.arrival_ms,
                qos_ms: job.qos_ms,
                queries: job.queries,
                node: None,
                arch: None,
                engine: None,
                threads: None,
                completion_ms: None,
                latency_ms: None,
                slack_ms: None,
                placed_by: None,
                pin,
                run_time_ratio: None,
            };
            let place = |snap: &mut JobSnapshot,
                         node: NodeId,
                         engine: String,
                         threads: u32,
                         completion: f64| {
                let spec = &self.scenario.nodes[node as usize];
                snap.node = Some(spec.name.clone());
                snap.arch = Some(profile.arch(spec.arch).name.clone());
                snap.engine = Some(engine);
                snap.threads = Some(threads);
                snap.completion_ms = Some(completion);
                snap.latency_ms = Some(completion - job.arrival_ms);
                snap.slack_ms = Some(job.deadline_ms() - completion);
            };
            match &self.status[id] {
                Status::Future => {}
                Status::Pending => {
                    snap.state = JobState::Pending;
                    let best = now
                        + self
                            .plan
                            .min_service_ms(job.model, job.queries, &self.present_archs);
                    snap.slack_ms = Some(job.deadline_ms() - best);
                }
                Status::Running { run, placed_by, .. } => {
                    snap.state = JobState::Running;
                    if let Some(r) = self.cluster.run(*run) {
                        let spec = &self.scenario.nodes[r.node as usize];
                        let completion = r.predicted_finish_ms + spec.network_ms;
                        place(
                            &mut snap,
                            r.node,
                            r.engine.to_string(),
                            r.threads,
                            completion,
                        );
                        let slack = job.deadline_ms() - completion;
                        let a = spec.arch as usize;
                        slack_sum[a] += slack;
                        slack_n[a] += 1;
                        slack_min[a] = slack_min[a].min(slack);
                    }
                    snap.placed_by = Some(placed_by.clone());
                }
                Status::Done {
                    node,
                    config,
                    completion_ms,
                    placed_by,
                    ..
                } => {
                    snap.state = JobState::Done;
                    place(
                        &mut snap,
                        *node,
                        config.engine.to_string(),
                        config.threads,
                        *completion_ms,
                    );
                    snap.placed_by = Some(placed_by.clone());
                }
            }
            jobs.push(snap);
        }
        let nodes = self
            .scenario
            .nodes
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let (free_cores, free_mem, free_gpus) = self.cluster.free(i as NodeId);
                NodeSnapshot {
                    name: spec.name.clone(),
                    arch: profile.arch(spec.arch).name.clone(),
                    tier: spec.tier,
                    cores: spec.cores,
                    cores_used: spec.cores - free_cores,
                    gpus: spec.gpus,
                    gpus_used: spec.gpus - free_gpus,
                    memory_mib: spec.memory_mib,
                    memory_used_mib: spec.memory_mib - free_mem,
                    jobs: self.cluster.running_on(i as NodeId),
                    measured: None,
                }
            })
            .collect();
        let archs = (0..n_arch)
            .filter_map(|a| {
                let usage = self.cluster.arch_usage(a as u16);
                (usage.nodes > 0).then(|| ArchSummary {
                    arch: profile.archs[a].name.clone(),
                    nodes: usage.nodes,
                    cores: usage.cores,
                    cores_used: usage.cores_used,
                    gpus: usage.gpus,
                    gpus_used: usage.gpus_used,
                    running_jobs: self
                        .cluster
                        .runs()
                        .filter(|(_, r)| self.scenario.nodes[r.node as usize].arch as usize == a)
                        .count() as u32,
                    mean_slack_ms: (slack_n[a] > 0).then(|| slack_sum[a] / f64::from(slack_n[a])),
                    worst_slack_ms: slack_min[a].is_finite().then_some(slack_min[a]),
                    // The simulator runs the profile itself: no drift.
                    run_time_ratio: None,
                })
            })
            .collect();
        ClusterSnapshot {
            at_ms: now,
            policy: self.policy_name.to_string(),
            pending: self.pending.len() as u32,
            running: self.cluster.running_count() as u32,
            done,
            violations: self.violations,
            archs,
            nodes,
            jobs,
        }
    }
}

fn from_ord_bits(b: u64) -> f64 {
    f64::from_bits(if b >> 63 == 1 { b & !(1 << 63) } else { !b })
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

#[cfg(test)]
mod tests;
