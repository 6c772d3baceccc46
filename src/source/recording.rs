//! Recordings of live sessions: [`Recorder`] turns the successive
//! observations of a live cluster into a `kind: Recording` event log, and
//! [`Player`] plays one back through the same view builder the live
//! dashboard uses, on a clock the operator controls (pause, speed, step,
//! jump). Both are synchronous and deterministic.

use super::observed::{Held, Observed, Viewer};
use super::replay::{Driver, SPEEDS};
use super::{Clock, Command, Note, View};
use crate::fixture::raw::PinSpec;
use crate::fixture::recording::{Draft, Happened, Recording, Written};
use crate::k8s::mapping::{self, PodJob};
use crate::k8s::world::decided_holding;
use crate::model::PinRef;
use crate::model::{NodeSpec, Pin, Profile};
use crate::policy::fmt_ms;
use k8s_openapi::jiff::Timestamp;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

fn pin_spec(pin: Option<&PinRef>) -> Option<PinSpec> {
    pin.map(|p| match p {
        PinRef::Node(n) => PinSpec {
            node: Some(n.clone()),
            arch: None,
        },
        PinRef::Arch(a) => PinSpec {
            node: None,
            arch: Some(a.clone()),
        },
    })
}

/// What the recorder last saw of a pod.
struct Seen {
    /// The pod's name in the recording (`NAMESPACE/NAME`, `#2`… if the
    /// name was reused after a deletion).
    name: String,
    /// Unix ms of the pod's latest event (its events never go back).
    last_ms: f64,
    pin: Option<PinSpec>,
    bound: bool,
    started: bool,
    finished: bool,
}

/// Turns observations of a live cluster into a recording.
pub struct Recorder {
    profile: Arc<Profile>,
    /// Unix ms of `at: 0`: the first observation, or the creation of the
    /// oldest pod it saw.
    origin_ms: Option<f64>,
    last_ms: f64,
    nodes: BTreeMap<String, NodeSpec>,
    pods: HashMap<String, Seen>,
    /// How many times each pod name was used.
    generations: HashMap<String, u32>,
    /// (Unix ms, pod, event) in the order observed.
    events: Vec<(f64, String, Written)>,
    changed: bool,
}

impl Recorder {
    pub fn new(profile: Arc<Profile>) -> Recorder {
        Recorder {
            profile,
            origin_ms: None,
            last_ms: 0.0,
            nodes: BTreeMap::new(),
            pods: HashMap::new(),
            generations: HashMap::new(),
            events: Vec::new(),
            changed: false,
        }
    }

    /// Whether anything was recorded since the last [`Recorder::draft`].
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// Records what changed since the previous observation, at `now_ms`
    /// (Unix ms). Times the pods carry (creation, container start and
    /// finish) are used where they exist; the rest (binding, pins,
    /// deletion) take the observation's time.
    pub fn observe(&mut self, obs: &Observed, now_ms: f64) {
        if self.origin_ms.is_none() {
            let oldest = obs
                .jobs
                .iter()
                .filter_map(|j| j.created.map(mapping::timestamp_ms))
                .fold(now_ms, f64::min);
            self.origin_ms = Some(oldest);
        }
        self.last_ms = self.last_ms.max(now_ms);
        // Each node as last seen: a node is often first seen before its
        // status (allocatable, Ready, taints) is set.
        for n in &obs.nodes {
            if self.nodes.get(&n.name) != Some(n) {
                self.nodes.insert(n.name.clone(), n.clone());
                self.changed = true;
            }
        }
        let mut present: HashSet<String> = HashSet::with_capacity(obs.jobs.len());
        for job in &obs.jobs {
            let key = job.key();
            present.insert(key.clone());
            self.job(job, key, now_ms);
        }
        let gone: Vec<String> = self
            .pods
            .keys()
            .filter(|k| !present.contains(*k))
            .cloned()
            .collect();
        for key in gone {
            if let Some(seen) = self.pods.remove(&key) {
                self.push(now_ms.max(seen.last_ms), seen.name, Written::Deleted);
            }
        }
    }

    fn push(&mut self, at_ms: f64, pod: String, event: Written) {
        self.events.push((at_ms, pod, event));
        self.changed = true;
    }

    fn job(&mut self, job: &PodJob, key: String, now: f64) {
        let pin = pin_spec(job.pin.as_ref());
        let started_ms = job.started.map(mapping::timestamp_ms);
        let finished = job.is_terminal();
        let fresh = !self.pods.contains_key(&key);
        let mut seen = match self.pods.remove(&key) {
            Some(seen) => seen,
            None => {
                let generation = self.generations.entry(key.clone()).or_insert(0);
                *generation += 1;
                let name = match *generation {
                    1 => key.clone(),
                    n => format!("{key}#{n}"),
                };
                let created = job.created.map(mapping::timestamp_ms).unwrap_or(now);
                let created = created.max(self.origin_ms.unwrap_or(created));
                self.push(
                    created,
                    name.clone(),
                    Written::Created {
                        model: self.profile.model(job.model).name.clone(),
                        queries: job.queries,
                        qos_ms: job.qos_ms,
                        pin: pin.clone(),
                    },
                );
                Seen {
                    name,
                    last_ms: created,
                    pin: pin.clone(),
                    bound: false,
                    started: false,
                    finished: false,
                }
            }
        };
        if !seen.bound && job.node_name.is_none() && pin != seen.pin {
            seen.last_ms = seen.last_ms.max(now);
            self.push(
                seen.last_ms,
                seen.name.clone(),
                Written::Pinned(pin.clone()),
            );
            seen.pin = pin;
        }
        if !seen.bound
            && let Some(node) = &job.node_name
        {
            // A pod first seen bound was bound no later than it started.
            let at = if fresh {
                started_ms.unwrap_or(now).min(now)
            } else {
                now
            };
            seen.last_ms = seen.last_ms.max(at);
            seen.bound = true;
            self.push(
                seen.last_ms,
                seen.name.clone(),
                Written::Bound {
                    node: node.clone(),
                    engine: job.engine,
                    threads: job.threads,
                    placed_by: job.placed_by.clone(),
                    predicted_ms: job.predicted_ms,
                },
            );
        }
        if seen.bound && !seen.started && (started_ms.is_some() || finished) {
            seen.last_ms = seen.last_ms.max(started_ms.unwrap_or(now).min(now));
            seen.started = true;
            self.push(seen.last_ms, seen.name.clone(), Written::Started);
        }
        if seen.bound && !seen.finished && finished {
            let at = job.finished.map(mapping::timestamp_ms).unwrap_or(now);
            seen.last_ms = seen.last_ms.max(at.min(now));
            seen.finished = true;
            self.push(
                seen.last_ms,
                seen.name.clone(),
                Written::Finished {
                    failed: job.phase == "Failed",
                },
            );
        }
        self.pods.insert(key, seen);
    }

    /// The recording so far as a fixture document; `profile_ref` names the
    /// profile (`builtin:NAME` or a path) the jobs' models come from.
    pub fn draft(&mut self, name: &str, source: &str, profile_ref: &str) -> String {
        self.changed = false;
        let origin = self.origin_ms.unwrap_or(self.last_ms);
        let mut events: Vec<(f64, String, Written)> = self
            .events
            .iter()
            .map(|(at, pod, e)| ((at - origin).max(0.0), pod.clone(), e.clone()))
            .collect();
        // Stable: a pod's events keep their order at equal times.
        events.sort_by(|a, b| a.0.total_cmp(&b.0));
        let duration = (self.last_ms - origin).max(events.last().map_or(0.0, |e| e.0));
        // Nodes that never had capacity are left out, unless a pod was
        // bound to one (then it is written with at least 1 core and 1 MiB,
        // what a fixture node needs).
        let bound: HashSet<&str> = events
            .iter()
            .filter_map(|(_, _, e)| match e {
                Written::Bound { node, .. } => Some(node.as_str()),
                _ => None,
            })
            .collect();
        let nodes: Vec<NodeSpec> = self
            .nodes
            .values()
            .filter(|n| (n.cores > 0 && n.memory_mib > 0) || bound.contains(n.name.as_str()))
            .map(|n| NodeSpec {
                cores: n.cores.max(1),
                memory_mib: n.memory_mib.max(1),
                ..n.clone()
            })
            .collect();
        crate::fixture::recording::to_yaml(&Draft {
            name,
            description: &format!("recorded from {source}"),
            profile: profile_ref,
            profile_model: &self.profile,
            started_at_ms: origin,
            duration_ms: duration,
            source,
            nodes: &nodes,
            events: &events,
        })
    }
}

/// Plays a recording back as it happened.
pub struct Player {
    recording: Recording,
    label: String,
    viewer: Viewer,
    /// Milliseconds since the recording's start.
    at_ms: f64,
    speed: f64,
    paused: bool,
    /// Events up to here are applied.
    cursor: usize,
    /// Each recorded pod's state (`None`: not created yet, or deleted).
    jobs: Vec<Option<PodJob>>,
    note: Option<Note>,
}

fn timestamp(unix_ms: f64) -> Option<Timestamp> {
    Timestamp::from_nanosecond((unix_ms * 1e6) as i128).ok()
}

impl Player {
    pub fn new(recording: Recording, file: &str, speed: f64) -> Player {
        let profile = recording.scenario.profile.clone();
        let mut label = format!("recording {} ({file})", recording.scenario.name);
        if !recording.source.is_empty() {
            label.push_str(&format!(" of {}", recording.source));
        }
        let jobs = vec![None; recording.scenario.jobs.len()];
        let mut viewer = Viewer::new(label.clone(), profile);
        viewer.policy = "recorded".into();
        Player {
            recording,
            label,
            viewer,
            at_ms: 0.0,
            speed: speed.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]),
            paused: false,
            cursor: 0,
            jobs,
            note: None,
        }
    }

    pub fn now_ms(&self) -> f64 {
        self.at_ms
    }

    fn finished(&self) -> bool {
        self.at_ms >= self.recording.duration_ms
    }

    /// Applies every event up to `t` (ms since the start); backwards
    /// starts over.
    fn seek(&mut self, t: f64) {
        let t = t.clamp(0.0, self.recording.duration_ms);
        if t < self.at_ms {
            self.cursor = 0;
            self.jobs.iter_mut().for_each(|j| *j = None);
        }
        let start = self.recording.started_at_ms;
        let scenario = &self.recording.scenario;
        while let Some(e) = self.recording.events.get(self.cursor) {
            if e.at_ms > t {
                break;
            }
            self.cursor += 1;
            let at = timestamp(start + e.at_ms);
            let slot = &mut self.jobs[e.job as usize];
            match &e.what {
                Happened::Created => {
                    let spec = &scenario.jobs[e.job as usize];
                    let (namespace, name) = spec.name.split_once('/').unwrap_or(("", &spec.name));
                    *slot = Some(PodJob {
                        namespace: namespace.to_string(),
                        name: name.to_string(),
                        uid: String::new(),
                        model: spec.model,
                        queries: spec.queries,
                        qos_ms: spec.qos_ms,
                        created: at,
                        pin: pin_ref(spec.pin.as_ref(), scenario),
                        pin_reason: None,
                        node_name: None,
                        phase: "Pending".into(),
                        started: None,
                        finished: None,
                        scheduled: None,
                        deleting: false,
                        engine: None,
                        threads: None,
                        predicted_ms: None,
                        placed_by: None,
                    });
                }
                Happened::Deleted => *slot = None,
                other => {
                    let Some(job) = slot else { continue };
                    match other {
                        Happened::Pinned(pin) => job.pin = pin_ref(pin.as_ref(), scenario),
                        Happened::Bound {
                            node,
                            engine,
                            threads,
                            placed_by,
                            predicted_ms,
                        } => {
                            job.node_name = Some(scenario.nodes[*node as usize].name.clone());
                            job.scheduled = at;
                            job.engine = *engine;
                            job.threads = *threads;
                            job.placed_by = placed_by.clone();
                            job.predicted_ms = *predicted_ms;
                        }
                        Happened::Started => {
                            job.phase = "Running".into();
                            job.started = at;
                        }
                        Happened::Finished { failed } => {
                            job.phase = if *failed { "Failed" } else { "Succeeded" }.into();
                            job.finished = at;
                        }
                        Happened::Created | Happened::Deleted => {}
                    }
                }
            }
        }
        self.at_ms = t;
    }

    /// What the cluster looked like at the current time.
    fn observed(&self) -> Observed {
        let scenario = &self.recording.scenario;
        let nodes: Vec<NodeSpec> = scenario.nodes.as_ref().clone();
        let mut held = Vec::new();
        for job in self.jobs.iter().flatten() {
            if job.is_terminal() {
                continue;
            }
            let Some(node) = job
                .node_name
                .as_deref()
                .and_then(|n| scenario.node_id(n))
                .map(|id| &scenario.nodes[id as usize])
            else {
                continue;
            };
            // A recording keeps decisions, not requests: a job without a
            // decision of the profile holds nothing here.
            let holding = decided_holding(job, node, &scenario.profile, self.at_ms);
            held.push(holding.map_or_else(
                || Held {
                    node: node.name.clone(),
                    cores: 0,
                    memory_mib: 0,
                    gpus: 0,
                },
                |h| Held::of(&node.name, &h),
            ));
        }
        Observed {
            nodes,
            jobs: self.jobs.iter().flatten().cloned().collect(),
            held,
            measured: None,
        }
    }

    fn note(&mut self, text: impl Into<String>, error: bool) {
        self.note = Some(Note {
            text: text.into(),
            error,
        });
    }
}

fn pin_ref(pin: Option<&Pin>, scenario: &crate::model::Scenario) -> Option<PinRef> {
    pin.map(|p| match p {
        Pin::Node(n) => PinRef::Node(scenario.nodes[*n as usize].name.clone()),
        Pin::Arch(a) => PinRef::Arch(scenario.profile.arch(*a).name.clone()),
    })
}

impl Driver for Player {
    fn idle(&self) -> bool {
        self.paused || self.finished()
    }

    fn advance(&mut self, real_ms: f64) {
        if !self.idle() {
            self.seek(self.at_ms + real_ms * self.speed);
        }
    }

    fn apply(&mut self, command: Command) {
        match command {
            Command::TogglePause => {
                self.paused = !self.paused;
                self.note(if self.paused { "paused" } else { "resumed" }, false);
            }
            Command::SpeedUp | Command::SlowDown => {
                self.speed = super::replay::next_speed(self.speed, command == Command::SpeedUp);
                self.note(format!("speed {}×", self.speed), false);
            }
            Command::Step => match self.recording.events.get(self.cursor) {
                Some(e) => {
                    let t = e.at_ms;
                    self.seek(t);
                    self.note(format!("stepped to {}", fmt_ms(t)), false);
                }
                None => self.note("nothing left to happen", false),
            },
            Command::JumpTo(t) => {
                self.seek(t);
                self.note(format!("jumped to {}", fmt_ms(self.at_ms)), false);
            }
            Command::Explain(_) => {}
            other => self.note(
                format!(
                    "{other:?}: a recording is history and cannot be changed; \
                     `synergai replay FILE --policy …` replays its workload under another policy"
                ),
                true,
            ),
        }
    }

    fn view(&mut self) -> View {
        let observed = self.observed();
        let clock = Clock {
            at_ms: self.recording.started_at_ms + self.at_ms,
            speed: self.speed,
            paused: self.paused,
            finished: self.finished(),
            wall: true,
            live: false,
        };
        let note = self.note.take();
        let mut view = self
            .viewer
            .view(&observed, self.label.clone(), clock, note, None);
        view.total_jobs = self.recording.scenario.jobs.len() as u32;
        view
    }
}

/// How often a recording in progress is rewritten.
const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// A recording in progress to a file: rewritten atomically every few
/// seconds while something changes and once more at the end, so a crash
/// loses at most the last seconds and the file is always a valid fixture.
pub struct RecordTo {
    path: std::path::PathBuf,
    name: String,
    source: String,
    profile_ref: String,
    recorder: Recorder,
    written: std::time::Instant,
}

impl RecordTo {
    /// Starts a recording; writes the (empty) file at once so an unwritable
    /// path fails before the session starts.
    pub fn start(
        path: std::path::PathBuf,
        source: &str,
        profile: Arc<Profile>,
        profile_ref: &str,
        now_ms: f64,
    ) -> crate::error::Result<RecordTo> {
        let stamp = timestamp(now_ms)
            .map(|t| t.strftime("%Y%m%d-%H%M%S").to_string())
            .unwrap_or_else(|| "session".into());
        let mut r = RecordTo {
            path,
            name: format!("live-{stamp}"),
            source: source.to_string(),
            profile_ref: profile_ref.to_string(),
            recorder: Recorder::new(profile),
            written: std::time::Instant::now(),
        };
        r.recorder.origin_ms = Some(now_ms);
        r.recorder.last_ms = now_ms;
        r.write()?;
        Ok(r)
    }

    pub fn observe(&mut self, obs: &Observed, now_ms: f64) {
        self.recorder.observe(obs, now_ms);
    }

    /// Nothing changed up to `now_ms` (Unix ms): the session, and so the
    /// recording, lasts at least until then (what observing the same
    /// cluster again would record).
    pub fn unchanged_until(&mut self, now_ms: f64) {
        self.recorder.last_ms = self.recorder.last_ms.max(now_ms);
    }

    /// When [`RecordTo::flush`] will next rewrite the file, if something
    /// changed since the last write.
    pub fn due(&self) -> Option<std::time::Instant> {
        self.recorder.changed().then(|| self.written + FLUSH_EVERY)
    }

    /// Rewrites the file if something changed and the last write is a few
    /// seconds old (or `now`).
    pub fn flush(&mut self, now: bool) -> crate::error::Result<()> {
        if self.recorder.changed() && (now || self.written.elapsed() >= FLUSH_EVERY) {
            self.write()?;
        }
        Ok(())
    }

    fn write(&mut self) -> crate::error::Result<()> {
        let text = self
            .recorder
            .draft(&self.name, &self.source, &self.profile_ref);
        self.written = std::time::Instant::now();
        crate::fixture::write_atomic(&self.path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{Origin, load_default};
    use crate::source::Driver;

    const T0: f64 = 1_780_000_000_000.0;

    fn ts(ms: f64) -> Option<Timestamp> {
        timestamp(ms)
    }

    fn job(name: &str, created: f64) -> PodJob {
        PodJob {
            namespace: "default".into(),
            name: name.into(),
            uid: String::new(),
            model: 0,
            queries: 100,
            qos_ms: 5000.0,
            created: ts(created),
            pin: None,
            pin_reason: None,
            node_name: None,
            phase: "Pending".into(),
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

    /// Three observations: a job arrives and is pinned, then bound and
    /// started, then finished while another is deleted.
    fn recorded() -> (String, crate::model::Scenario) {
        let scenario = load_default().unwrap();
        let nodes: Vec<NodeSpec> = scenario.nodes.iter().take(3).cloned().collect();
        let profile = scenario.profile.clone();
        let mut rec = Recorder::new(profile.clone());
        let mut a = job("a", T0);
        let b = job("b", T0 + 200.0);
        let obs = |jobs: Vec<PodJob>| Observed {
            nodes: nodes.clone(),
            jobs,
            held: Vec::new(),
            measured: None,
        };
        rec.observe(&obs(vec![a.clone(), b.clone()]), T0 + 500.0);
        a.pin = Some(PinRef::Node(nodes[1].name.clone()));
        rec.observe(&obs(vec![a.clone(), b.clone()]), T0 + 700.0);
        a.node_name = Some(nodes[1].name.clone());
        a.engine = Some(crate::model::Engine::ONNXRUNTIME);
        a.threads = Some(2);
        a.placed_by = Some("override".into());
        a.predicted_ms = Some(1500.0);
        a.phase = "Running".into();
        a.started = ts(T0 + 1000.0);
        rec.observe(&obs(vec![a.clone(), b.clone()]), T0 + 1200.0);
        a.phase = "Succeeded".into();
        a.finished = ts(T0 + 2600.0);
        rec.observe(&obs(vec![a.clone()]), T0 + 3000.0);
        assert!(rec.changed());
        let text = rec.draft(
            "test",
            "https://example:6443 namespace default",
            "builtin:edge-cloud",
        );
        assert!(!rec.changed());
        (text, scenario)
    }

    #[test]
    fn recorder_writes_events_in_order_with_the_pods_own_times() {
        let (text, _) = recorded();
        let events: Vec<&str> = text
            .lines()
            .filter(|l| l.trim_start().starts_with("- {at:"))
            .collect();
        // Binding is seen at 1200 ms, the container started at 1000 ms:
        // a pod's events keep their order (bound, then started at 1200 ms).
        let order: Vec<String> = events
            .iter()
            .map(|l| {
                let pod = l.split("pod: ").nth(1).unwrap().split(',').next().unwrap();
                let event = l.split("event: ").nth(1).unwrap();
                let event = event.split([',', '}']).next().unwrap();
                format!("{pod} {event}")
            })
            .collect();
        assert_eq!(
            order,
            [
                "\"default/a\" created",
                "\"default/b\" created",
                "\"default/a\" pinned",
                "\"default/a\" bound",
                "\"default/a\" started",
                "\"default/a\" finished",
                "\"default/b\" deleted",
            ],
            "{text}"
        );
        assert!(
            text.contains("startedAt: \"2026-05-28T20:26:40Z\""),
            "{text}"
        );
        assert!(text.contains("duration: 3s"), "{text}");
    }

    #[test]
    fn a_recording_round_trips_and_plays_back() {
        let (text, scenario) = recorded();
        let origin = Origin::File("/tmp/session.yaml".into());
        let recording = crate::fixture::recording::from_text(&origin, &text)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(recording.events.len(), 7);
        assert_eq!(recording.scenario.jobs.len(), 2);
        assert_eq!(recording.scenario.nodes.len(), 3);
        assert_eq!(recording.started_at_ms, T0);
        let mut player = Player::new(recording, "session.yaml", 1.0);
        let v = player.view();
        assert_eq!(v.policy, "recorded");
        assert_eq!(v.total_jobs, 2);
        assert_eq!(v.snapshot.pending + v.snapshot.running + v.snapshot.done, 0);
        player.apply(Command::JumpTo(1500.0));
        let v = player.view();
        assert_eq!((v.snapshot.pending, v.snapshot.running), (1, 1));
        let a = v
            .snapshot
            .jobs
            .iter()
            .find(|j| j.name == "default/a")
            .unwrap();
        assert_eq!(a.node.as_deref(), Some(scenario.nodes[1].name.as_str()));
        assert_eq!(a.threads, Some(2));
        let node = v
            .snapshot
            .nodes
            .iter()
            .find(|n| Some(&n.name) == a.node.as_ref())
            .unwrap();
        assert_eq!(node.cores_used, 2, "the running job holds its threads");
        // To the end, then back again (replays from the start).
        player.advance(10_000.0);
        let v = player.view();
        assert!(v.clock.finished);
        assert_eq!(
            (v.snapshot.pending, v.snapshot.running, v.snapshot.done),
            (0, 0, 1)
        );
        player.apply(Command::JumpTo(300.0));
        let v = player.view();
        assert_eq!(v.snapshot.pending, 2);
        // History cannot be changed.
        player.apply(Command::Trigger);
        assert!(player.view().note.unwrap().error);
        // Step goes to the next event.
        player.apply(Command::Step);
        assert_eq!(player.now_ms(), 700.0);
    }

    #[test]
    fn bad_recordings_say_where_and_why() {
        let (text, _) = recorded();
        let origin = Origin::File("rec.yaml".into());
        let cases = [
            (
                text.replace("event: bound, node: ", "event: bound, node: \"nope\", x: "),
                "unknown field",
            ),
            (
                text.replace(
                    "\"default/b\", event: deleted",
                    "\"default/c\", event: deleted",
                ),
                "has no `created` event",
            ),
            (text.replace("at: 2600ms", "at: 900ms"), "time order"),
            (
                text.replace("duration: 3s", "duration: 1s"),
                "after the recording's end",
            ),
            (
                text.replace("event: finished", "event: finished, node: \"x\""),
                "does not apply",
            ),
            (
                text.replace("startedAt: \"", "startedAt: \"yesterday "),
                "RFC 3339",
            ),
        ];
        for (bad, why) in cases {
            let e = crate::fixture::recording::from_text(&origin, &bad)
                .expect_err(why)
                .to_string();
            assert!(e.starts_with("rec.yaml:"), "{e}");
            assert!(e.contains(why), "{why}: {e}");
        }
    }
}
