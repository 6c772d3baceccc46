//! Sources of cluster state for the dashboard. A source owns the cluster
//! — a replayed scenario, a played-back recording or a live cluster — takes
//! [`Command`]s and publishes immutable [`View`]s; the dashboard renders
//! views and never knows which source produced them. [`open`] starts one
//! from a [`SourceSpec`] (which the command line builds) and returns its
//! [`SourceHandle`].

#[cfg(feature = "cli")]
pub mod live;
pub mod observed;
pub mod recording;
mod replay;

pub use replay::{Driver, ReplayDriver};

use crate::error::{Error, Result};
#[cfg(feature = "cli")]
use crate::k8s::client::Target;
use crate::model::{ClusterSnapshot, JobState, PinRef, Scenario};
use crate::policy::{DecisionView, PolicyKind};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What an operator (or the dashboard) asks of a source.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    TogglePause,
    SpeedUp,
    SlowDown,
    /// Process the next batch of events (while paused).
    Step,
    /// Move the simulated clock (backwards re-runs from the start).
    JumpTo(f64),
    /// Run a placement pass now (what manual mode waits for).
    Trigger,
    SetManual(bool),
    /// What-if: the rest of the replay under another policy.
    SwitchPolicy(PolicyKind),
    Override {
        job: String,
        target: PinRef,
        reason: String,
    },
    Release {
        job: String,
    },
    /// Keep the explanation of this job in the views (None: stop).
    Explain(Option<String>),
}

impl Command {
    /// Whether the command changes what the scheduler does (refused in
    /// read-only mode); clock control and explanations do not.
    pub fn mutates(&self) -> bool {
        matches!(
            self,
            Command::Trigger
                | Command::SetManual(_)
                | Command::SwitchPolicy(_)
                | Command::Override { .. }
                | Command::Release { .. }
        )
    }
}

/// The simulated clock.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Clock {
    pub at_ms: f64,
    pub speed: f64,
    pub paused: bool,
    /// Every job has arrived and finished (or can never run).
    pub finished: bool,
    /// Times are wall-clock (Unix ms, a live cluster), not simulated.
    pub wall: bool,
    /// The present of a live cluster: between views the clock moves on by
    /// itself (see [`View::at`]); a replay's or a recording's only moves
    /// with a new view.
    pub live: bool,
}

impl Clock {
    /// A time of this clock for people: `2m05s` simulated, `13:38:55` wall.
    pub fn show(&self, at_ms: f64) -> String {
        if self.wall {
            let secs = (at_ms / 1000.0).floor() as i64;
            k8s_openapi::jiff::Timestamp::from_second(secs)
                .map(|t| t.strftime("%H:%M:%S").to_string())
                .unwrap_or_else(|_| "-".into())
        } else {
            crate::policy::fmt_ms(at_ms)
        }
    }
}

/// The policy that ran before a what-if switch, still running alongside.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    pub since_ms: f64,
    pub other_policy: String,
    pub other_violations: u32,
}

/// Utilization history of one architecture (percent of cores and GPUs in
/// use, oldest first).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchHistory {
    pub arch: String,
    pub cores: Vec<u64>,
    pub gpus: Vec<u64>,
}

/// Cluster-wide counts over time, at the same instants as the utilization
/// history (oldest first): what the dashboard's charts draw.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// The instants, on the view's clock.
    pub at_ms: Vec<f64>,
    pub pending: Vec<u32>,
    pub running: Vec<u32>,
    /// Violations so far (cumulative).
    pub violations: Vec<u32>,
    /// After a what-if switch: the policy that ran before, going on
    /// alongside, with its violations so far at the same instants (the two
    /// series agree up to the switch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<(String, Vec<u32>)>,
}

impl Timeline {
    /// Appends a sample: pending, running and violations so far at `at_ms`.
    pub(crate) fn push(&mut self, at_ms: f64, [pending, running, violations]: [u32; 3]) {
        self.at_ms.push(at_ms);
        self.pending.push(pending);
        self.running.push(running);
        self.violations.push(violations);
    }

    /// Keeps the most recent `cap` samples of every series.
    pub(crate) fn truncate_front(&mut self, cap: usize) {
        let extra = self.at_ms.len().saturating_sub(cap);
        if extra == 0 {
            return;
        }
        self.at_ms.drain(..extra);
        self.pending.drain(..extra);
        self.running.drain(..extra);
        self.violations.drain(..extra);
        if let Some((_, v)) = &mut self.other {
            v.drain(..extra.min(v.len()));
        }
    }
}

/// One model's jobs at one moment: the per-model table of the
/// architectures view.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelSummary {
    pub model: String,
    pub pending: u32,
    pub running: u32,
    /// Finished so far (all of them, not only those the view lists).
    pub done: u32,
    /// Finished past their QoS, so far.
    pub violations: u32,
    /// Mean slack of the pending and running jobs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_slack_ms: Option<f64>,
    /// Configurations of the running jobs (`arch engine×threads`) with how
    /// many run each, most used first.
    pub configs: Vec<(String, u32)>,
}

impl ModelSummary {
    /// Summaries of `jobs` (a view's jobs: pending and running complete),
    /// with the finished and violated totals per model from `totals`
    /// (models in `totals` without current jobs are listed too), by model
    /// name.
    pub fn of(
        jobs: &[crate::model::JobSnapshot],
        totals: impl IntoIterator<Item = (String, u32, u32)>,
    ) -> Vec<ModelSummary> {
        use std::collections::BTreeMap;
        struct Acc {
            pending: u32,
            running: u32,
            done: u32,
            violations: u32,
            slack: (f64, u32),
            configs: BTreeMap<String, u32>,
        }
        let empty = || Acc {
            pending: 0,
            running: 0,
            done: 0,
            violations: 0,
            slack: (0.0, 0),
            configs: BTreeMap::new(),
        };
        let mut by: BTreeMap<&str, Acc> = BTreeMap::new();
        let totals: Vec<(String, u32, u32)> = totals.into_iter().collect();
        for (model, done, violations) in &totals {
            let acc = by.entry(model.as_str()).or_insert_with(empty);
            acc.done = *done;
            acc.violations = *violations;
        }
        for j in jobs {
            let acc = match j.state {
                JobState::Pending | JobState::Running => {
                    by.entry(j.model.as_str()).or_insert_with(empty)
                }
                _ => continue,
            };
            if let Some(s) = j.slack_ms {
                acc.slack.0 += s;
                acc.slack.1 += 1;
            }
            if j.state == JobState::Pending {
                acc.pending += 1;
                continue;
            }
            acc.running += 1;
            if let (Some(arch), Some(engine), Some(threads)) = (&j.arch, &j.engine, j.threads) {
                *acc.configs
                    .entry(format!("{arch} {engine}×{threads}"))
                    .or_default() += 1;
            }
        }
        by.into_iter()
            .map(|(model, a)| {
                let mut configs: Vec<(String, u32)> = a.configs.into_iter().collect();
                configs.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
                ModelSummary {
                    model: model.to_string(),
                    pending: a.pending,
                    running: a.running,
                    done: a.done,
                    violations: a.violations,
                    mean_slack_ms: (a.slack.1 > 0).then(|| a.slack.0 / f64::from(a.slack.1)),
                    configs,
                }
            })
            .collect()
    }
}

/// One line of the decisions log.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogLine {
    pub at_ms: f64,
    pub job: String,
    pub choice: String,
    pub placed_by: String,
    pub reason: String,
}

/// A short note for the operator (result of a command).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Note {
    pub text: String,
    pub error: bool,
}

/// Everything the dashboard shows, at one moment.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View {
    /// `fixture NAME (PATH)` or `context NAME`.
    pub source: String,
    pub clock: Clock,
    pub policy: String,
    pub manual: bool,
    pub what_if: Option<WhatIf>,
    /// Jobs that have arrived (finished ones: the most recent only).
    pub snapshot: ClusterSnapshot,
    /// Total jobs of the workload (including those not arrived yet).
    pub total_jobs: u32,
    pub history: Vec<ArchHistory>,
    /// Counts over time, at the instants of `history`.
    pub timeline: Timeline,
    /// Per model, by name.
    pub models: Vec<ModelSummary>,
    /// Most recent last.
    pub log: Vec<LogLine>,
    pub explain: Option<DecisionView>,
    pub note: Option<Note>,
    /// Bumped on every publish.
    pub version: u64,
}

impl View {
    /// This view of a live cluster as it stands at `now_ms` (Unix ms), with
    /// nothing changed since it was built: the clock at `now_ms`, pending
    /// jobs' slack shrunk by the time gone by (their deadline is fixed and
    /// their earliest completion is `now` plus a fixed service time), and
    /// the utilization history carried on with its last samples. A live
    /// source publishes a view only when something changed, so the
    /// dashboard redraws with this in between. Views of other clocks, and
    /// times before the view's, give the view unchanged. The note is not
    /// repeated, and the explanation is the source's to renew.
    pub fn at(&self, now_ms: f64) -> View {
        let mut view = View {
            note: None,
            ..self.clone()
        };
        let gone = now_ms - self.clock.at_ms;
        if !self.clock.live || gone.is_nan() || gone <= 0.0 {
            return view;
        }
        view.clock.at_ms = now_ms;
        view.snapshot.at_ms = now_ms;
        for job in &mut view.snapshot.jobs {
            if job.state == JobState::Pending
                && let Some(slack) = &mut job.slack_ms
            {
                *slack -= gone;
            }
        }
        let samples = observed::samples_between(self.clock.at_ms, now_ms);
        for h in &mut view.history {
            for series in [&mut h.cores, &mut h.gpus] {
                observed::carry_on(series, samples);
            }
        }
        observed::carry_on_timeline(&mut view.timeline, now_ms, samples);
        // The pending jobs' slack moved: so did their models' mean.
        view.models = ModelSummary::of(
            &view.snapshot.jobs,
            self.models
                .iter()
                .map(|m| (m.model.clone(), m.done, m.violations)),
        );
        view
    }
}

/// What to watch, as the command line asks for it: the dashboard gets the
/// [`SourceHandle`] that [`open`] makes of it and never sees a cluster
/// target, a profile or a file.
#[derive(Clone, Debug)]
pub enum SourceSpec {
    /// A scenario replayed on a simulated clock the operator controls.
    Replay {
        scenario: Scenario,
        policy: PolicyKind,
        /// Simulated seconds per real second.
        speed: f64,
        /// Jobs wait for a triggered placement pass.
        manual: bool,
    },
    /// A recording (`kind: Recording`) played back on a clock the operator
    /// controls.
    Recording {
        recording: crate::fixture::recording::Recording,
        /// The file, as the header names it.
        file: String,
        speed: f64,
    },
    /// A live cluster, watched.
    #[cfg(feature = "cli")]
    Live {
        target: Target,
        /// The profile the pods' models and the nodes' architectures come
        /// from, and how a recording names it (`builtin:NAME` or a path).
        profile: Arc<crate::model::Profile>,
        profile_ref: String,
        /// Record the session to this file (`kind: Recording`).
        record: Option<PathBuf>,
        /// Watch the pods of every namespace (`tui --kube -A`), as the
        /// scheduler does with `-A`; else the target's namespace.
        all_namespaces: bool,
    },
}

impl SourceSpec {
    /// The replay of the scenario at `path` (the embedded default scenario
    /// when `None`), or the playback of the recording there: the file's
    /// `kind` decides.
    pub fn fixture(
        path: Option<&std::path::Path>,
        policy: PolicyKind,
        speed: f64,
        manual: bool,
    ) -> Result<SourceSpec> {
        if let Some(path) = path {
            let origin = crate::fixture::Origin::File(path.to_path_buf());
            let text = origin.read()?;
            if crate::fixture::kind_of(&origin.display(), &text)? == "Recording" {
                return Ok(SourceSpec::Recording {
                    recording: crate::fixture::recording::load(&origin)?,
                    file: origin.display(),
                    speed,
                });
            }
        }
        Ok(SourceSpec::Replay {
            scenario: crate::fixture::load_scenario_or_default(path)?,
            policy,
            speed,
            manual,
        })
    }
}

/// Where a source's commands go.
pub struct Commands(CommandSender);

enum CommandSender {
    /// A replay's or a playback's thread (blocks on it while paused).
    Thread(std::sync::mpsc::Sender<Command>),
    /// The live source's event loop.
    #[cfg(feature = "cli")]
    Live(tokio::sync::mpsc::UnboundedSender<Command>),
}

impl Commands {
    /// Sends a command; false if the source has stopped.
    pub fn send(&self, command: Command) -> bool {
        match &self.0 {
            CommandSender::Thread(tx) => tx.send(command).is_ok(),
            #[cfg(feature = "cli")]
            CommandSender::Live(tx) => tx.send(command).is_ok(),
        }
    }
}

/// A running source, whichever it is: its commands, its views (the latest
/// one always readable; `changed` wakes on the next), and its thread, which
/// ends once the handle is shut down (or dropped).
pub struct SourceHandle {
    pub commands: Commands,
    pub views: tokio::sync::watch::Receiver<Arc<View>>,
    thread: std::thread::JoinHandle<Result<()>>,
    /// How long [`SourceHandle::shutdown`] waits for the thread (`None`:
    /// not at all; it ends by itself and holds nothing to finish).
    grace: Option<Duration>,
    /// The recording the thread finishes on its way out.
    record: Option<PathBuf>,
}

/// Starts the source `spec` describes, on its own thread. Fails before
/// returning if the fixture cannot be used, the cluster cannot be reached
/// (exit 3) or the recording cannot be written (exit 1).
pub fn open(spec: SourceSpec) -> Result<SourceHandle> {
    let frame = Duration::from_millis(50);
    match spec {
        SourceSpec::Replay {
            scenario,
            policy,
            speed,
            manual,
        } => replay::spawn(ReplayDriver::new(scenario, policy, speed, manual), frame),
        SourceSpec::Recording {
            recording,
            file,
            speed,
        } => replay::spawn(recording::Player::new(recording, &file, speed), frame),
        #[cfg(feature = "cli")]
        SourceSpec::Live {
            target,
            profile,
            profile_ref,
            record,
            all_namespaces,
        } => live::open(target, profile, &profile_ref, record, all_namespaces),
    }
}

impl SourceHandle {
    /// Whether the source's thread ended by itself, which only its panic
    /// does while the handle lives (its views stop).
    pub fn stopped(&self) -> bool {
        self.views.has_changed().is_err()
    }

    /// Stops the source: closes its command channel and waits for its
    /// thread as long as the source needs to finish (a live source: at most
    /// a second, five while it records; past that the process goes on
    /// without it, failing with exit 1 if that leaves the recording
    /// unfinished). A panic of the thread (its message already printed) is
    /// resumed here, so the process exits 101 as for any panic.
    pub fn shutdown(self, log: impl Fn(&str)) -> Result<()> {
        let SourceHandle {
            commands,
            views,
            thread,
            grace,
            record,
        } = self;
        let stopped = views.has_changed().is_err();
        drop(commands);
        drop(views);
        let Some(grace) = grace else {
            // A replay or playback thread ends when the command channel
            // closes, or by panicking: before that, only by panicking.
            if stopped {
                return match thread.join() {
                    Ok(outcome) => outcome,
                    Err(panic) => std::panic::resume_unwind(panic),
                };
            }
            return Ok(());
        };
        let (joined_tx, joined_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = joined_tx.send(thread.join());
        });
        match joined_rx.recv_timeout(grace) {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => {
                log(&format!(
                    "the live source did not stop within {grace:?}; exiting without it"
                ));
                match record {
                    Some(path) => Err(Error::Io {
                        path,
                        source: std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            format!(
                                "the live source did not stop within {grace:?}: \
                                 the recording may lack its last samples"
                            ),
                        ),
                    }),
                    None => Ok(()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A replay opens, takes commands, publishes their effect and stops.
    #[test]
    fn a_replay_opens_takes_commands_and_shuts_down() {
        let spec = SourceSpec::fixture(None, PolicyKind::Synergai, 10.0, true).unwrap();
        let source = open(spec).unwrap();
        assert!(!source.views.borrow().clock.live);
        assert!(source.commands.send(Command::TogglePause));
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !source.views.borrow().clock.paused {
            assert!(std::time::Instant::now() < deadline, "never paused");
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!source.stopped());
        source.shutdown(|line| panic!("{line}")).unwrap();
    }
}
