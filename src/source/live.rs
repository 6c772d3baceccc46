//! The live source: a cluster watched through reflector stores and
//! published as the same [`View`]s the replay produces, so the dashboard
//! renders it with the same screens. Overrides are written to the pod
//! (`synergai.io/pin-node` / `pin-arch` annotations, through
//! [`crate::k8s::control::pin`]), so they live in the cluster and every
//! operator sees them. Clock commands do not apply to a live cluster and
//! say so.
//!
//! A view is published when something changed: a watch event (a pod
//! created, bound — a scheduler's decision —, started, finished, pinned; a
//! node), a command, new node metrics, or the connection lost or back; at
//! most one per [`MIN_GAP`], so a relist or a placement pass that binds
//! many pods is one view. Nothing is published while nothing changes: the
//! dashboard carries the last view on with the clock ([`View::at`]). The
//! one exception is the explanation of a pending job, a decision *now* that
//! time alone changes: while one is shown it is re-made every
//! [`EXPLAIN_EVERY`].

use super::observed::{Held, Observed, Viewer};
use super::recording::RecordTo;
use super::{Clock, Command, CommandSender, Commands, Note, SourceHandle, View};
use crate::k8s::client::{Target, connect};
use crate::k8s::mapping;
use crate::k8s::now_ms;
use crate::k8s::world::holding;
use crate::model::{NodeSpec, Profile};
use ::kube::api::Api;
use ::kube::runtime::reflector::Store;
use ::kube::runtime::{WatchStreamExt, reflector, watcher};
use futures_util::{FutureExt, StreamExt};
use k8s_openapi::api::core::v1::{Node, Pod};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// Maps the stores' contents: nodes that fit the profile, the synergai job
/// pods, and what every non-terminal bound pod holds at `now` (Unix ms;
/// [`holding`], as the scheduler counts it).
pub fn observe(
    nodes: &[Arc<Node>],
    pods: &[Arc<Pod>],
    profile: &Profile,
    arch_mapping: &mapping::ArchMapping,
    now: f64,
) -> Observed {
    let mut specs: Vec<NodeSpec> = nodes
        .iter()
        .filter_map(|n| mapping::node_spec(n, profile, arch_mapping).ok())
        .collect();
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    let by_name: HashMap<&str, &NodeSpec> = specs.iter().map(|n| (n.name.as_str(), n)).collect();
    let mut jobs = Vec::new();
    let mut held = Vec::new();
    for pod in pods {
        let job = mapping::is_synergai_pod(pod)
            .then(|| mapping::pod_job(pod, profile).ok())
            .flatten();
        let node = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .and_then(|n| by_name.get(n));
        if let Some(node) = node
            && let Some(h) = holding(pod, node, profile, now)
        {
            held.push(Held::of(&node.name, &h));
        }
        jobs.extend(job);
    }
    Observed {
        nodes: specs,
        jobs,
        held,
        measured: None,
    }
}

/// What the live view is built from.
struct Live {
    viewer: Viewer,
    mapping: mapping::ArchMapping,
    note: Option<Note>,
    /// The job whose explanation the dashboard asked for.
    explain: Option<String>,
    /// The latest `metrics.k8s.io` node usage, if the cluster serves it.
    measured: Arc<std::sync::Mutex<Option<MeasuredAt>>>,
}

/// Node usage and when it was fetched.
type MeasuredAt = (std::time::Instant, HashMap<String, crate::model::Measured>);

/// How often node metrics are fetched, and how long one answer is shown.
const METRICS_EVERY: Duration = Duration::from_secs(10);
const METRICS_STALE: Duration = Duration::from_secs(60);
/// How long a shutdown waits for the live source: it stops as soon as it
/// sees its command channel close, unless a request to the cluster hangs,
/// which must not keep the process alive.
const LIVE_STOP_GRACE: Duration = Duration::from_secs(1);
/// The same while it records: the last rewrite of the file may be under way.
const RECORDING_STOP_GRACE: Duration = Duration::from_secs(5);

/// Polls `metrics.k8s.io` for node usage (every [`METRICS_EVERY`]; a
/// cluster without it answers 404 and the dashboard shows requests only).
/// Says `changed` when the usage differs from the last, or when the last
/// is too old to show ([`METRICS_STALE`]).
async fn poll_metrics(
    client: ::kube::Client,
    slot: Arc<std::sync::Mutex<Option<MeasuredAt>>>,
    changed: Arc<Notify>,
) {
    let mut ticker = tokio::time::interval(METRICS_EVERY);
    loop {
        ticker.tick().await;
        let fetched = crate::k8s::metrics::fetch(&client).await;
        let Ok(mut slot) = slot.lock() else {
            continue;
        };
        match fetched {
            Some(usage) => {
                let same = slot.as_ref().is_some_and(|(_, last)| *last == usage);
                *slot = Some((std::time::Instant::now(), usage));
                if !same {
                    changed.notify_one();
                }
            }
            None => {
                if slot
                    .as_ref()
                    .is_some_and(|(at, _)| at.elapsed() >= METRICS_STALE)
                {
                    *slot = None;
                    changed.notify_one();
                }
            }
        }
    }
}

impl Live {
    /// Builds a view from the stores' current contents (and returns what
    /// it was built from, for the recorder).
    fn view(
        &mut self,
        nodes: &[Arc<Node>],
        pods: &[Arc<Pod>],
        connected: bool,
    ) -> (View, Observed) {
        let mut observed = observe(nodes, pods, &self.viewer.profile, &self.mapping, now_ms());
        observed.measured = self.measured.lock().ok().and_then(|m| {
            m.as_ref()
                .filter(|(at, _)| at.elapsed() < METRICS_STALE)
                .map(|(_, usage)| usage.clone())
        });
        let source = if connected {
            self.viewer.label.clone()
        } else {
            format!(
                "{} — reconnecting, showing the last state",
                self.viewer.label
            )
        };
        let clock = Clock {
            at_ms: now_ms(),
            speed: 1.0,
            paused: false,
            finished: false,
            wall: true,
            live: true,
        };
        let explain = self.explanation(nodes, pods);
        let view = self
            .viewer
            .view(&observed, source, clock, self.note.take(), explain);
        (view, observed)
    }

    /// What the synergai policy would decide now for the explained job, if
    /// it is pending (placed jobs show their decision annotations instead).
    fn explanation(
        &self,
        nodes: &[Arc<Node>],
        pods: &[Arc<Pod>],
    ) -> Option<crate::policy::DecisionView> {
        let key = self.explain.as_ref()?;
        let (scenario, cluster, _skipped) = crate::k8s::world::scenario_of(
            nodes,
            pods,
            self.viewer.profile.clone(),
            &self.viewer.label,
            crate::k8s::now_ms(),
        );
        let id = scenario.job_id(key)?;
        let policy = crate::policy::PolicyKind::Synergai;
        crate::k8s::world::plan_now(
            &scenario,
            &cluster,
            &self.viewer.plan,
            policy,
            crate::policy::Explain::Job(id),
            crate::k8s::now_ms(),
        )
        .iter()
        .find(|d| d.decision.job == id)
        .map(|d| crate::policy::view(&scenario, policy.name(), d))
    }

    /// Carries out a command; its outcome is the next view's note.
    async fn apply(
        &mut self,
        command: Command,
        client: &::kube::Client,
        namespace: &str,
        pods: &Store<Pod>,
    ) {
        let outcome = match &command {
            Command::Override {
                job,
                target,
                reason,
            } => crate::k8s::control::pin(client, &pods.state(), job, Some(target), reason).await,
            Command::Release { job } => {
                crate::k8s::control::pin(client, &pods.state(), job, None, "").await
            }
            Command::Trigger => crate::k8s::control::trigger(client, namespace)
                .await
                .map(|_| "triggered a placement pass (manual-mode scheduler)".to_string())
                .map_err(|e| e.to_string()),
            Command::Explain(job) => {
                self.explain = job.clone();
                return;
            }
            other => Err(format!("{other:?}: not available on a live cluster")),
        };
        self.note = Some(match outcome {
            Ok(text) => Note { text, error: false },
            Err(text) => Note { text, error: true },
        });
    }
}

/// At most one view per this: a burst of watch events (a relist, a pass
/// binding many pods) is one view, and a busy cluster costs no more than
/// a view four times a second.
const MIN_GAP: Duration = Duration::from_millis(250);
/// While the explanation of a pending job is shown, it is re-made this
/// often (it is what would be decided now).
const EXPLAIN_EVERY: Duration = Duration::from_millis(250);

/// What becomes of every event (or error) of a watch: the store or the
/// connection changed.
fn watched<T, E>(
    up: Arc<AtomicBool>,
    changed: Arc<Notify>,
) -> impl FnMut(Result<T, E>) -> futures_util::future::Ready<()> {
    move |r| {
        up.store(r.is_ok(), Ordering::Relaxed);
        changed.notify_one();
        futures_util::future::ready(())
    }
}

/// What woke the live source.
enum Wake {
    Command(Command),
    /// The dashboard let go of the command channel: the session is over.
    Closed,
    /// The stores, the connection or the metrics changed, or a view is
    /// due (a note to show, an explanation to renew).
    Changed,
    /// The recording has changes to write.
    Flush,
}

/// Connects and runs the live source on its own thread and runtime,
/// recording the session to `record` if given (see [`RecordTo`]).
/// Fails (exit 3) before returning if the cluster cannot be reached, and
/// (exit 1) if the recording cannot be written.
pub(super) fn open(
    target: Target,
    profile: Arc<Profile>,
    profile_ref: &str,
    record: Option<std::path::PathBuf>,
    all_namespaces: bool,
) -> crate::error::Result<SourceHandle> {
    let runtime = crate::runtime::build(crate::runtime::Workers::Pool(1))?;
    let conn = runtime.block_on(connect(&target))?;
    let watched_namespaces = if all_namespaces {
        "all namespaces".to_string()
    } else {
        format!("namespace {}", conn.namespace)
    };
    let mut recording = match &record {
        Some(path) => Some(RecordTo::start(
            path.clone(),
            &format!("{} {watched_namespaces}", conn.server),
            profile.clone(),
            profile_ref,
            now_ms(),
        )?),
        None => None,
    };
    let mut live = Live {
        viewer: Viewer::new(conn.label.clone(), profile),
        mapping: mapping::ArchMapping::default(),
        note: None,
        explain: None,
        measured: Arc::default(),
    };
    let nodes_api: Api<Node> = Api::all(conn.client.clone());
    let pods_api: Api<Pod> = if all_namespaces {
        Api::all(conn.client.clone())
    } else {
        Api::namespaced(conn.client.clone(), &conn.namespace)
    };
    let (nodes, node_writer) = reflector::store::<Node>();
    let (pods, pod_writer) = reflector::store::<Pod>();
    let connected = Arc::new(AtomicBool::new(true));
    let changed = Arc::new(Notify::new());
    let client = conn.client.clone();
    let namespace = conn.namespace.clone();
    let (first, _) = live.view(&[], &[], true);
    let (view_tx, view_rx) = tokio::sync::watch::channel(Arc::new(first));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Command>();
    let thread = std::thread::Builder::new()
        .name("synergai-live".into())
        .spawn(move || {
            runtime.block_on(async move {
                tokio::spawn(poll_metrics(
                    client.clone(),
                    live.measured.clone(),
                    changed.clone(),
                ));
                let synced = Arc::new(AtomicBool::new(false));
                {
                    let (nodes, pods) = (nodes.clone(), pods.clone());
                    let (synced, changed) = (synced.clone(), changed.clone());
                    tokio::spawn(async move {
                        if nodes.wait_until_ready().await.is_ok()
                            && pods.wait_until_ready().await.is_ok()
                        {
                            synced.store(true, Ordering::Relaxed);
                            changed.notify_one();
                        }
                    });
                }
                let node_stream = reflector(
                    node_writer,
                    watcher(nodes_api, watcher::Config::default()).modify(crate::k8s::lean),
                )
                .default_backoff();
                tokio::spawn(node_stream.for_each(watched(connected.clone(), changed.clone())));
                let pod_stream = reflector(
                    pod_writer,
                    watcher(pods_api, watcher::Config::default()).modify(crate::k8s::lean),
                )
                .default_backoff();
                tokio::spawn(pod_stream.for_each(watched(connected.clone(), changed.clone())));
                let finish = |recording: &mut Option<RecordTo>, synced: bool| match recording {
                    Some(r) => {
                        if synced {
                            r.unchanged_until(now_ms());
                        }
                        r.flush(true)
                    }
                    None => Ok(()),
                };
                let mut published = tokio::time::Instant::now();
                // A view is due without a new event (a note to show).
                let mut due = false;
                // The last view explained a pending job.
                let mut explaining = false;
                loop {
                    let flush_at = recording.as_ref().and_then(RecordTo::due);
                    let renew_at = (due || explaining)
                        .then(|| published + if due { Duration::ZERO } else { EXPLAIN_EVERY });
                    let later = tokio::time::Instant::now() + Duration::from_secs(3600);
                    let wake = tokio::select! {
                        command = rx.recv() => match command {
                            Some(c) => Wake::Command(c),
                            None => Wake::Closed,
                        },
                        () = changed.notified() => Wake::Changed,
                        () = tokio::time::sleep_until(
                            flush_at.map_or(later, tokio::time::Instant::from_std)
                        ), if flush_at.is_some() => Wake::Flush,
                        () = tokio::time::sleep_until(renew_at.unwrap_or(later)),
                            if renew_at.is_some() => Wake::Changed,
                    };
                    match wake {
                        Wake::Closed => {
                            return finish(&mut recording, synced.load(Ordering::Relaxed));
                        }
                        Wake::Command(command) => {
                            live.apply(command, &client, &namespace, &pods).await;
                            // The rest of what came meanwhile.
                            loop {
                                match rx.try_recv() {
                                    Ok(command) => {
                                        live.apply(command, &client, &namespace, &pods).await
                                    }
                                    Err(tokio::sync::mpsc::error::TryRecvError::Empty) => break,
                                    Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => {
                                        return finish(
                                            &mut recording,
                                            synced.load(Ordering::Relaxed),
                                        );
                                    }
                                }
                            }
                        }
                        Wake::Changed => {}
                        Wake::Flush => {
                            // Rewritten as due; the cluster is as last seen.
                            if let Some(r) = &mut recording {
                                r.unchanged_until(now_ms());
                                if let Err(e) = r.flush(true) {
                                    live.note = Some(Note {
                                        text: format!("recording: {e}"),
                                        error: true,
                                    });
                                    due = true;
                                }
                            }
                            continue;
                        }
                    }
                    tokio::time::sleep_until(published + MIN_GAP).await;
                    // Whatever the stores saw meanwhile is in this view.
                    let _ = changed.notified().now_or_never();
                    let (view, observed) = live.view(
                        &nodes.state(),
                        &pods.state(),
                        connected.load(Ordering::Relaxed),
                    );
                    explaining = view.explain.is_some();
                    if let Some(r) = &mut recording
                        && synced.load(Ordering::Relaxed)
                    {
                        r.observe(&observed, view.clock.at_ms);
                        if let Err(e) = r.flush(false) {
                            live.note = Some(Note {
                                text: format!("recording: {e}"),
                                error: true,
                            });
                        }
                    }
                    due = live.note.is_some();
                    published = tokio::time::Instant::now();
                    if view_tx.send(Arc::new(view)).is_err() {
                        return finish(&mut recording, synced.load(Ordering::Relaxed));
                    }
                }
            })
        })
        .map_err(|e| crate::Error::Internal(format!("cannot start the live source: {e}")))?;
    let grace = if record.is_some() {
        RECORDING_STOP_GRACE
    } else {
        LIVE_STOP_GRACE
    };
    Ok(SourceHandle {
        commands: Commands(CommandSender::Live(tx)),
        views: view_rx,
        thread,
        grace: Some(grace),
        record,
    })
}
