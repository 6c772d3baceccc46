//! The replay source: a scenario played on a simulated clock that the
//! operator controls (pause, speed, step, jump), with placement triggers,
//! overrides and what-if policy switches.
//!
//! [`ReplayDriver`] is synchronous and deterministic (tests drive it
//! directly); `spawn` runs it (or any [`Driver`]) on a thread that advances the clock in real
//! time and publishes views over a `watch` channel.

use super::{
    ArchHistory, Clock, Command, CommandSender, Commands, LogLine, ModelSummary, Note,
    SourceHandle, Timeline, View, WhatIf,
};
use crate::model::Scenario;
use crate::model::{JobState, Pin, PinRef};
use crate::policy::view;
use crate::policy::{Action, Explain, PolicyKind, fmt_ms};
use crate::sim::{SimOptions, Simulator};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Speeds `+`/`-` step through.
pub const SPEEDS: [f64; 13] = [
    0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 5000.0,
];
/// Simulated time between utilization samples.
const SAMPLE_MS: f64 = 2000.0;
/// Samples kept per architecture.
const HISTORY: usize = 120;
/// Decisions kept for the log.
const LOG: usize = 200;
/// Finished jobs kept in views (the most recent).
const DONE_SHOWN: usize = 500;
/// Above this many jobs, decisions keep no candidates (memory and speed).
const EXPLAIN_ALL_UP_TO: usize = 20_000;

/// A source played on a clock the operator controls; `spawn` runs one.
pub trait Driver: Send + 'static {
    /// Paused or at the end: nothing moves until a command comes.
    fn idle(&self) -> bool;
    /// Advances the clock by `real_ms` of wall time at the current speed.
    fn advance(&mut self, real_ms: f64);
    /// Applies one command; the outcome is in the next view's note.
    fn apply(&mut self, command: Command);
    /// The current view.
    fn view(&mut self) -> View;
}

/// The speed after `+` (`up`) or `-` from `speed`.
pub fn next_speed(speed: f64, up: bool) -> f64 {
    let i = SPEEDS.iter().position(|&s| s >= speed).unwrap_or(0);
    let j = if up {
        (i + 1).min(SPEEDS.len() - 1)
    } else {
        i.saturating_sub(1)
    };
    SPEEDS[j]
}

/// A replay under operator control.
pub struct ReplayDriver {
    scenario: Scenario,
    sim: Simulator,
    /// The policy before a what-if switch, continuing alongside.
    shadow: Option<(Simulator, f64)>,
    speed: f64,
    paused: bool,
    note: Option<Note>,
    explain: Option<String>,
    /// Mutating commands with their simulated time, to rebuild on a jump back.
    journal: Vec<(f64, Command)>,
    initial_policy: PolicyKind,
    initial_manual: bool,
    version: u64,
}

fn options(policy: PolicyKind, manual: bool, jobs: usize) -> SimOptions {
    let mut o = SimOptions::new(policy);
    o.manual = manual;
    o.decision_log = LOG;
    o.timeline_every_ms = Some(SAMPLE_MS);
    o.timeline_cap = HISTORY;
    o.explain = if jobs <= EXPLAIN_ALL_UP_TO {
        Explain::All
    } else {
        Explain::None
    };
    o
}

impl ReplayDriver {
    pub fn new(scenario: Scenario, policy: PolicyKind, speed: f64, manual: bool) -> ReplayDriver {
        let sim = Simulator::new(&scenario, options(policy, manual, scenario.jobs.len()));
        ReplayDriver {
            sim,
            shadow: None,
            speed: speed.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]),
            paused: false,
            note: None,
            explain: None,
            journal: Vec::new(),
            initial_policy: policy,
            initial_manual: manual,
            version: 0,
            scenario,
        }
    }

    pub fn now_ms(&self) -> f64 {
        self.sim.now_ms()
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    pub fn finished(&self) -> bool {
        self.sim.finished()
    }

    pub fn simulator(&self) -> &Simulator {
        &self.sim
    }

    fn note(&mut self, text: impl Into<String>, error: bool) {
        self.note = Some(Note {
            text: text.into(),
            error,
        });
    }

    /// Advances the clock by `real_ms` of wall time at the current speed.
    pub fn advance(&mut self, real_ms: f64) {
        if self.paused || self.finished() {
            return;
        }
        let target = self.sim.now_ms() + real_ms * self.speed;
        self.run_until(target);
    }

    fn run_until(&mut self, t: f64) {
        self.sim.run_until(t);
        if let Some((shadow, _)) = &mut self.shadow {
            shadow.run_until(t);
        }
    }

    /// Applies one command; the outcome is in the next view's note.
    pub fn apply(&mut self, command: Command) {
        let at = self.sim.now_ms();
        match &command {
            Command::TogglePause => {
                self.paused = !self.paused;
                self.note(if self.paused { "paused" } else { "resumed" }, false);
            }
            Command::SpeedUp | Command::SlowDown => {
                self.speed = next_speed(self.speed, command == Command::SpeedUp);
                self.note(format!("speed {}×", self.speed), false);
            }
            Command::Step => {
                let before = self.sim.now_ms();
                match self.sim.next_event_ms() {
                    Some(t) => {
                        self.run_until(t);
                        self.note(
                            format!("stepped {} to {}", fmt_ms(t - before), fmt_ms(t)),
                            false,
                        );
                    }
                    None => self.note("nothing left to happen", false),
                }
            }
            Command::JumpTo(t) => {
                let t = t.max(0.0);
                if t < at {
                    self.rebuild_until(t);
                } else {
                    self.run_until(t);
                }
                self.note(format!("jumped to {}", fmt_ms(t)), false);
            }
            Command::Explain(job) => {
                self.explain = job.clone();
            }
            _ => {
                if self.apply_mutation(&command, true) {
                    self.journal.push((at, command));
                }
            }
        }
    }

    /// Applies a mutating command; returns whether it took effect.
    fn apply_mutation(&mut self, command: &Command, report: bool) -> bool {
        let outcome: Result<String, String> = match command {
            Command::Trigger => {
                let placed = self.sim.trigger();
                Ok(format!("placement pass: {placed} job(s) placed"))
            }
            Command::SetManual(manual) => {
                self.sim.set_manual(*manual);
                if !manual {
                    self.sim.trigger();
                }
                Ok(format!("mode {}", if *manual { "manual" } else { "auto" }))
            }
            Command::SwitchPolicy(kind) => {
                if kind.name() == self.sim.policy_name() {
                    Err(format!("already running {kind}"))
                } else {
                    let fork = self.sim.fork_with_policy(*kind);
                    let old = std::mem::replace(&mut self.sim, fork);
                    let since = old.now_ms();
                    // Keep the first policy as the comparison.
                    if self.shadow.is_none() {
                        self.shadow = Some((old, since));
                    }
                    Ok(format!("what-if: {kind} from {} on", fmt_ms(since)))
                }
            }
            Command::Override {
                job,
                target,
                reason,
            } => self.pin(job, Some(target), reason),
            Command::Release { job } => self.pin(job, None, ""),
            _ => Ok(String::new()),
        };
        match outcome {
            Ok(text) => {
                if report {
                    self.note(text, false);
                }
                true
            }
            Err(text) => {
                if report {
                    self.note(text, true);
                }
                false
            }
        }
    }

    fn pin(&mut self, job: &str, target: Option<&PinRef>, reason: &str) -> Result<String, String> {
        let id = self
            .scenario
            .job_id(job)
            .ok_or_else(|| format!("no job `{job}`"))?;
        let pin = match target {
            None => None,
            Some(PinRef::Node(n)) => Some(Pin::Node(
                self.scenario
                    .node_id(n)
                    .ok_or_else(|| format!("no node `{n}`"))?,
            )),
            Some(PinRef::Arch(a)) => Some(Pin::Arch(
                self.scenario
                    .profile
                    .arch_id(a)
                    .ok_or_else(|| format!("no architecture `{a}`"))?,
            )),
        };
        let state = self.sim.job_state(id);
        if matches!(state, JobState::Running | JobState::Done) {
            return Err(format!(
                "job {job} is {state}: overrides apply to jobs not placed yet"
            ));
        }
        if pin.is_none() && self.sim.pin_of(id).is_none() {
            return Err(format!("job {job} has no override"));
        }
        self.sim.set_pin(id, pin.clone());
        if let Some((shadow, _)) = &mut self.shadow {
            shadow.set_pin(id, pin);
        }
        Ok(match target {
            Some(PinRef::Node(n)) => {
                format!("{job} pinned to node {n}{}", reason_suffix(reason))
            }
            Some(PinRef::Arch(a)) => format!("{job} pinned to {a}{}", reason_suffix(reason)),
            None => format!("{job} released"),
        })
    }

    /// Re-runs from the start to `t`, replaying the journal up to it.
    fn rebuild_until(&mut self, t: f64) {
        let jobs = self.scenario.jobs.len();
        self.sim = Simulator::new(
            &self.scenario,
            options(self.initial_policy, self.initial_manual, jobs),
        );
        self.shadow = None;
        let journal: Vec<(f64, Command)> = self
            .journal
            .iter()
            .filter(|(at, _)| *at <= t)
            .cloned()
            .collect();
        for (at, command) in &journal {
            self.run_until(*at);
            self.apply_mutation(command, false);
        }
        self.journal = journal;
        self.run_until(t);
    }

    /// The current view.
    pub fn view(&mut self) -> View {
        self.version += 1;
        let snapshot = self.sim.live_snapshot(DONE_SHOWN);
        let total_jobs = self.scenario.jobs.len() as u32;
        let profile = &self.scenario.profile;
        let history = snapshot
            .archs
            .iter()
            .map(|a| {
                let id = profile.arch_id(&a.arch).unwrap_or(0) as usize;
                let pct = |used: u64, total: u64| (used * 100).checked_div(total).unwrap_or(0);
                ArchHistory {
                    arch: a.arch.clone(),
                    cores: self
                        .sim
                        .timeline()
                        .iter()
                        .map(|p| pct(p.arch_cores_used[id], a.cores))
                        .collect(),
                    gpus: self
                        .sim
                        .timeline()
                        .iter()
                        .map(|p| pct(p.arch_gpus_used[id], a.gpus))
                        .collect(),
                }
            })
            .collect();
        let points = self.sim.timeline();
        let timeline = Timeline {
            at_ms: points.iter().map(|p| p.at_ms).collect(),
            pending: points.iter().map(|p| p.pending).collect(),
            running: points.iter().map(|p| p.running).collect(),
            violations: points.iter().map(|p| p.violations).collect(),
            // Both simulators sample on the same grid and share the points
            // before the switch: the other's at the same instants.
            other: self.shadow.as_ref().map(|(shadow, _)| {
                let theirs = shadow.timeline();
                let mut at = 0;
                let series = points
                    .iter()
                    .map(|p| {
                        while at + 1 < theirs.len() && theirs[at].at_ms < p.at_ms {
                            at += 1;
                        }
                        theirs.get(at).map_or(0, |q| q.violations)
                    })
                    .collect();
                (shadow.policy_name().to_string(), series)
            }),
        };
        let models = ModelSummary::of(
            &snapshot.jobs,
            profile
                .models
                .iter()
                .zip(self.sim.model_totals())
                .filter(|(_, (done, _))| *done > 0)
                .map(|(m, &(done, late))| (m.name.clone(), done, late)),
        );
        let log = self
            .sim
            .decision_log()
            .map(|d| {
                let v = view(&self.scenario, self.sim.policy_name(), d);
                LogLine {
                    at_ms: v.at_ms,
                    job: v.job,
                    choice: match (&v.node, &v.engine, v.threads) {
                        (Some(n), Some(e), Some(t)) => format!("{n} {e}×{t}"),
                        _ => "hold".into(),
                    },
                    placed_by: v.placed_by,
                    reason: v.reason,
                }
            })
            .collect();
        let explain = self
            .explain
            .clone()
            .and_then(|name| self.explanation(&name));
        View {
            source: format!("fixture {} ({})", self.scenario.name, self.scenario.source),
            clock: Clock {
                at_ms: self.sim.now_ms(),
                speed: self.speed,
                paused: self.paused,
                finished: self.sim.finished(),
                wall: false,
                live: false,
            },
            policy: self.sim.policy_name().to_string(),
            manual: self.sim.is_manual(),
            what_if: self.shadow.as_ref().map(|(s, since)| WhatIf {
                since_ms: *since,
                other_policy: s.policy_name().to_string(),
                other_violations: s.violations(),
            }),
            snapshot,
            total_jobs,
            history,
            timeline,
            models,
            log,
            explain,
            note: self.note.take(),
            version: self.version,
        }
    }

    /// The decision for a job: for a pending job what the policy would do
    /// now; for a placed one the logged decision that placed it.
    fn explanation(&mut self, job: &str) -> Option<crate::policy::DecisionView> {
        let id = self.scenario.job_id(job)?;
        let policy = self.sim.policy_name();
        match self.sim.job_state(id) {
            JobState::Pending => self
                .sim
                .plan_pass(Explain::Job(id))
                .into_iter()
                .find(|d| d.decision.job == id)
                .map(|d| view(&self.scenario, policy, &d)),
            _ => self
                .sim
                .decision_log()
                .filter(|d| d.decision.job == id && matches!(d.decision.action, Action::Assign(_)))
                .last()
                .map(|d| view(&self.scenario, policy, d)),
        }
    }
}

fn reason_suffix(reason: &str) -> String {
    if reason.trim().is_empty() {
        String::new()
    } else {
        format!(" ({})", reason.trim())
    }
}

impl Driver for ReplayDriver {
    fn idle(&self) -> bool {
        self.paused() || self.finished()
    }

    fn advance(&mut self, real_ms: f64) {
        ReplayDriver::advance(self, real_ms);
    }

    fn apply(&mut self, command: Command) {
        ReplayDriver::apply(self, command);
    }

    fn view(&mut self) -> View {
        ReplayDriver::view(self)
    }
}

/// Runs a driver on its own thread: advances the clock in real time,
/// applies commands as they come and publishes a view after every change
/// (at most every `frame` when running). Ends when the command sender is
/// dropped; the handle does not wait for it.
pub(super) fn spawn<D: Driver>(
    mut driver: D,
    frame: Duration,
) -> crate::error::Result<SourceHandle> {
    let (tx, rx) = mpsc::channel::<Command>();
    let (view_tx, view_rx) = tokio::sync::watch::channel(Arc::new(driver.view()));
    let thread = std::thread::Builder::new()
        .name("synergai-replay".into())
        .spawn(move || {
            let mut last = Instant::now();
            loop {
                let idle = driver.idle();
                // Block while idle (no busy loop); wake every frame when running.
                let first = if idle {
                    match rx.recv() {
                        Ok(c) => Some(c),
                        Err(_) => return Ok(()),
                    }
                } else {
                    match rx.recv_timeout(frame) {
                        Ok(c) => Some(c),
                        Err(mpsc::RecvTimeoutError::Timeout) => None,
                        Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
                    }
                };
                let mut changed = false;
                for command in first.into_iter().chain(rx.try_iter()) {
                    driver.apply(command);
                    changed = true;
                }
                let now = Instant::now();
                let elapsed = now.duration_since(last);
                last = now;
                if !driver.idle() {
                    driver.advance(elapsed.as_secs_f64() * 1000.0);
                    changed = true;
                }
                if changed && view_tx.send(Arc::new(driver.view())).is_err() {
                    return Ok(());
                }
            }
        })
        .map_err(|e| crate::Error::Internal(format!("cannot start the replay: {e}")))?;
    Ok(SourceHandle {
        commands: Commands(CommandSender::Thread(tx)),
        views: view_rx,
        thread,
        grace: None,
        record: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::load_default;

    fn driver(manual: bool) -> ReplayDriver {
        ReplayDriver::new(load_default().unwrap(), PolicyKind::Synergai, 10.0, manual)
    }

    #[test]
    fn advancing_moves_the_clock_by_speed() {
        let mut d = driver(false);
        d.advance(1000.0);
        assert_eq!(d.now_ms(), 10_000.0);
        d.apply(Command::TogglePause);
        d.advance(1000.0);
        assert_eq!(d.now_ms(), 10_000.0, "paused");
        d.apply(Command::SpeedUp);
        assert_eq!(d.view().clock.speed, 20.0);
    }

    #[test]
    fn manual_mode_holds_until_triggered() {
        let mut d = driver(true);
        d.apply(Command::JumpTo(60_000.0));
        let v = d.view();
        assert_eq!(v.snapshot.running, 0);
        assert!(v.snapshot.pending > 0);
        d.apply(Command::Trigger);
        let v = d.view();
        assert!(v.snapshot.running > 0);
        assert!(v.note.unwrap().text.starts_with("placement pass"));
    }

    #[test]
    fn jumping_back_replays_the_journal() {
        let mut d = driver(false);
        d.apply(Command::JumpTo(30_000.0));
        let at_30 = d.view().snapshot;
        d.apply(Command::JumpTo(120_000.0));
        d.apply(Command::JumpTo(30_000.0));
        assert_eq!(d.view().snapshot, at_30);
    }

    #[test]
    fn override_pins_a_pending_job_and_refuses_a_running_one() {
        let mut d = driver(true);
        d.apply(Command::JumpTo(20_000.0));
        let pending = d
            .view()
            .snapshot
            .jobs
            .iter()
            .find(|j| j.state == JobState::Pending)
            .unwrap()
            .name
            .clone();
        d.apply(Command::Override {
            job: pending.clone(),
            target: PinRef::Node("pi-1".into()),
            reason: "test".into(),
        });
        assert!(!d.view().note.unwrap().error);
        d.apply(Command::Trigger);
        let v = d.view();
        let job = v.snapshot.jobs.iter().find(|j| j.name == pending).unwrap();
        assert_eq!(job.node.as_deref(), Some("pi-1"));
        assert_eq!(job.placed_by, Some(crate::model::PlacedBy::Override));
        d.apply(Command::Release { job: pending });
        assert!(
            d.view().note.unwrap().error,
            "running jobs cannot be released"
        );
    }

    #[test]
    fn switching_policy_keeps_the_old_one_as_comparison() {
        let mut d = driver(false);
        d.apply(Command::JumpTo(60_000.0));
        d.apply(Command::SwitchPolicy(PolicyKind::K8sDefault));
        d.apply(Command::JumpTo(400_000.0));
        let v = d.view();
        assert_eq!(v.policy, "k8s-default");
        let w = v.what_if.unwrap();
        assert_eq!(w.other_policy, "synergai");
        assert_eq!(w.since_ms, 60_000.0);
        assert!(v.snapshot.violations >= w.other_violations);
    }

    #[test]
    fn explanations_follow_the_job() {
        let mut d = driver(false);
        d.apply(Command::JumpTo(60_000.0));
        let job = d.view().snapshot.jobs[0].name.clone();
        d.apply(Command::Explain(Some(job.clone())));
        let e = d.view().explain.expect("explained");
        assert_eq!(e.job, job);
        assert!(!e.candidates.is_empty());
    }
}

#[cfg(test)]
mod bounds {
    use super::*;
    use crate::fixture::generate::{GenerateParams, generate_scenario};
    use crate::fixture::{Origin, load_scenario};

    /// Memory stays flat over a long replay: every history the views carry
    /// is bounded, however long the clock runs.
    #[test]
    fn views_stay_bounded_over_a_long_replay() {
        let dir = std::env::temp_dir().join(format!("synergai-bounds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("long.yaml");
        let params = GenerateParams::new(30, 3000, 5, 0.9);
        std::fs::write(&path, generate_scenario(&params, "bounds test").unwrap()).unwrap();
        let scenario = load_scenario(&Origin::File(path)).unwrap();
        let mut d = ReplayDriver::new(scenario, PolicyKind::Synergai, 10.0, false);
        let mut sizes = Vec::new();
        while !d.finished() {
            d.apply(Command::JumpTo(d.now_ms() + 120_000.0));
            let v = d.view();
            assert!(v.log.len() <= LOG);
            assert!(
                v.history
                    .iter()
                    .all(|h| h.cores.len() <= HISTORY && h.gpus.len() <= HISTORY)
            );
            let done = v
                .snapshot
                .jobs
                .iter()
                .filter(|j| j.state == JobState::Done)
                .count();
            assert!(done <= DONE_SHOWN, "{done} finished jobs in a view");
            assert!(d.simulator().timeline().len() <= HISTORY);
            sizes.push(v.snapshot.jobs.len());
        }
        assert!(sizes.len() > 5, "the replay ran long enough to matter");
        assert_eq!(d.view().snapshot.done, 3000);
    }
}
