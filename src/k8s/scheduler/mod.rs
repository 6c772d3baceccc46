//! `synergai scheduler run --kube`: the scheduler inside a cluster.
//!
//! Nodes and pods are watched through reflector stores (watch with
//! backoff, relist on `410 Gone`). Every tick the scheduler rebuilds the
//! model from the stores — nodes mapped from their labels and allocatable
//! resources, every running pod's resources counted (ours with their
//! configuration and interference, others from their requests) — and runs
//! the policy over the pending pods with `spec.schedulerName: synergai`.
//! An assignment is bound with `pods/binding`, whose annotations carry the
//! decision (the API server merges them into the pod in the same write);
//! binds run concurrently and never block the next decisions. Outcomes are
//! reported as kube-scheduler does: a `Scheduled` event, or a
//! `FailedScheduling` warning plus the `PodScheduled=False`,
//! `Unschedulable` condition.
//!
//! Filtering: nodes that are not Ready or cordoned are left out;
//! `NoSchedule` / `NoExecute` taints (against the pod's tolerations),
//! `nodeSelector` and required node affinity narrow each pod's allowed
//! nodes, computed once per distinct set of constraints.

pub mod access;
mod bind;
pub mod config;
pub mod lease;
pub mod metrics;
pub mod profile;
pub mod serve;

use super::client::{Connection, Target, connect};
use super::control::{mark_handled, trigger_values};
use super::mapping;
use super::now_ms;
use super::world::{InFlight, World, build_world, queue_order};
use crate::error::{Error, Result};
use crate::model::{Cluster, JobId, JobSpec, Profile};
use crate::policy::{Action, Explain, Holds, OfflinePlan, Policy, PolicyKind, Reason, run_pass};
use ::kube::ResourceExt;
use ::kube::api::Api;
use ::kube::runtime::events::{Recorder, Reporter};
use ::kube::runtime::{WatchStreamExt, reflector, watcher};
pub use bind::RateLimiter;
use bind::{BINDS_AT_ONCE, BindFailure, backoff, bind, report_unschedulable};
use futures_util::StreamExt;
use k8s_openapi::api::core::v1::{Node, Pod};
use lease::LeaseConfig;
use metrics::{AttemptResult, Metrics, QosOutcome};
use serve::Health;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How the scheduler runs.
#[derive(Clone, Debug)]
pub struct Options {
    pub target: Target,
    pub policy: PolicyKind,
    /// Watch pods of every namespace (else the target's namespace).
    pub all_namespaces: bool,
    /// Time between placement passes.
    pub interval: Duration,
    /// Plan but bind only when an operator triggers a pass.
    pub manual: bool,
    /// Client-side limit of binds per second (0: none) and its burst, like
    /// kube-scheduler's `--kube-api-qps` / `--kube-api-burst`.
    pub api_qps: f64,
    pub api_burst: u32,
    /// Take part in leader election on this Lease (an empty namespace: the
    /// scheduler's); `None`: bind without one (a single scheduler).
    pub leader_elect: Option<LeaseConfig>,
    /// Serve `/healthz`, `/readyz` and `/metrics` here.
    pub serve: Option<SocketAddr>,
    /// Where the profile comes from, and how often it is checked for
    /// changes.
    pub profile: config::ProfileSource,
    pub profile_reload: Duration,
    /// Knee threshold of the offline plan (default: the profile's).
    pub theta: Option<f64>,
    /// Architectures of nodes without the `synergai.io/arch` label.
    pub arch_mapping: mapping::ArchMapping,
    /// Decide every pending pod on every pass (else a held pod is decided
    /// again only when something it could use changed, and every
    /// [`FLUSH_HOLDS`]).
    pub full_replan: bool,
}

/// Held pods are decided again at least this often even when nothing they
/// depend on changed in the scheduler's model (kube-scheduler moves its
/// unschedulable pods back to the active queue after 60 s likewise): the
/// model is rebuilt from estimates every pass, and a running pod's predicted
/// end may drift without any change of capacity.
const FLUSH_HOLDS: Duration = Duration::from_secs(60);

/// How often counted pods that left the store are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(10);

/// How long a stopping scheduler lets its in-flight binds finish.
const DRAIN: Duration = Duration::from_secs(10);

/// A finished bind, reported back to the scheduler's loop.
struct BindOutcome {
    uid: String,
    /// `Ok(true)`: bound; `Ok(false)`: bound or deleted by someone else.
    result: std::result::Result<bool, BindFailure>,
    /// When a pass first saw the pod pending.
    seen: Instant,
}

/// The scheduler's state between events. Each event of the loop in [`run`]
/// is one method: a tick ([`Scheduler::on_tick`]: a placement pass), a
/// watch error, a finished bind, a change of leadership, and the stop.
struct Scheduler {
    options: Options,
    profile: Arc<Profile>,
    plan: Arc<OfflinePlan>,
    policy: Box<dyn Policy>,
    arch_mapping: mapping::ArchMapping,
    client: ::kube::Client,
    namespace: String,
    nodes: reflector::Store<Node>,
    pods: reflector::Store<Pod>,
    reporter: Reporter,
    recorder: Recorder,
    limiter: Arc<RateLimiter>,
    bind_slots: Arc<tokio::sync::Semaphore>,
    /// Binds queued or running; each reports to `outcomes`.
    binding: tokio::task::JoinSet<()>,
    outcomes: mpsc::UnboundedSender<BindOutcome>,
    /// Pods whose bind is in flight or done but not yet seen in the store.
    in_flight: HashMap<String, InFlight>,
    /// Pods waiting out a backoff after failed binds: failures so far, and
    /// until when.
    backoffs: HashMap<String, (u32, Instant)>,
    /// The last FailedScheduling message per pod, so it is reported once.
    reported: HashMap<String, String>,
    /// Manual mode: the trigger acted on last (recorded in the cluster, so
    /// a trigger made while no scheduler ran still counts).
    handled: Option<String>,
    waiting_logged: bool,
    /// Whether this scheduler holds the lease (always, without election).
    leading: bool,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    /// When a pass first saw each pending pod (for the end-to-end latency).
    first_seen: HashMap<String, Instant>,
    /// Finished pods already counted (or finished before this scheduler
    /// started), by uid; pruned to the pods still in the store.
    finished: HashSet<String>,
    pruned_at: Instant,
    /// Holds carried from pass to pass (incremental passes).
    holds: Holds,
    /// The previous pass's model after its placements, and its pods' uids
    /// by job id: what the next pass's holds are checked against.
    carried: Option<(Cluster, Vec<String>)>,
    /// When the holds were last all decided again.
    flushed_at: Instant,
}

/// Runs until SIGTERM/SIGINT.
pub async fn run(options: Options) -> Result<()> {
    // A profile that does not validate stops the start, before any
    // connection when it is a file.
    let mut reader = profile::Reader::new(options.profile.clone());
    let mut loaded = if reader.needs_client() {
        None
    } else {
        Some(reader.load().await?)
    };
    let metrics = Arc::new(Metrics::new(mapping::SCHEDULER_NAME));
    let health = Arc::new(Health::default());
    health
        .electing
        .store(options.leader_elect.is_some(), Ordering::Relaxed);
    // Probes answer from the start: live at once, ready after the sync.
    if let Some(address) = options.serve {
        let bound = serve::start(address, health.clone(), metrics.clone()).await?;
        tracing::info!("serving /healthz, /readyz and /metrics on http://{bound}");
    }
    let conn = connect(&options.target).await?;
    let Connection {
        client,
        namespace,
        label,
        ..
    } = conn;
    reader.connect(&namespace, &client);
    // Every permission up front: a missing RBAC rule is one clear error.
    let lease_namespace = options.leader_elect.as_ref().map(|c| {
        if c.namespace.is_empty() {
            namespace.clone()
        } else {
            c.namespace.clone()
        }
    });
    let lease_name = options.leader_elect.as_ref().map(|c| c.name.as_str());
    let profile_map = reader.config_map();
    let needs = access::scheduler_needs(
        (!options.all_namespaces).then_some(namespace.as_str()),
        &namespace,
        options.manual,
        lease_namespace.as_deref().zip(lease_name),
        profile_map
            .as_ref()
            .map(|(ns, name)| (ns.as_str(), name.as_str())),
    );
    access::require(&client, &needs).await?;
    let loaded = match loaded.take() {
        Some(l) => l,
        None => reader.load().await?,
    };
    metrics.profile(&loaded.profile.name, &loaded.digest);
    tracing::info!(
        "profile {} ({}) from {}",
        loaded.profile.name,
        loaded.digest,
        options.profile.display()
    );
    let (profile_tx, mut profile_changes) = mpsc::channel::<profile::Change>(1);
    if reader.changes() {
        tokio::spawn(reader.watch(loaded.digest.clone(), options.profile_reload, profile_tx));
    }
    let profile = Arc::new(loaded.profile);
    let nodes_api: Api<Node> = Api::all(client.clone());
    let pods_api: Api<Pod> = if options.all_namespaces {
        Api::all(client.clone())
    } else {
        Api::namespaced(client.clone(), &namespace)
    };
    let (nodes, node_writer) = reflector::store::<Node>();
    let (pods, pod_writer) = reflector::store::<Pod>();
    // The watches run on their own; their errors come to the loop.
    let (watch_tx, mut watch_errors) = mpsc::unbounded_channel::<(&'static str, String)>();
    let node_stream = reflector(
        node_writer,
        watcher(nodes_api, watcher::Config::default()).modify(crate::k8s::lean),
    )
    .default_backoff()
    .touched_objects();
    // Pods that finished come to the loop to be counted; the store alone
    // could miss a pod deleted between two passes.
    let (finished_tx, mut finished_pods) = mpsc::unbounded_channel::<Pod>();
    let pod_stream = reflector(
        pod_writer,
        watcher(pods_api, watcher::Config::default()).modify(crate::k8s::lean),
    )
    .default_backoff();
    let tx = watch_tx.clone();
    tokio::spawn(node_stream.for_each(move |r| {
        if let Err(e) = r {
            let _ = tx.send(("node", e.to_string()));
        }
        futures_util::future::ready(())
    }));
    tokio::spawn(pod_stream.for_each(move |r| {
        match r {
            Ok(watcher::Event::Apply(pod) | watcher::Event::InitApply(pod))
                if mapping::pod_is_terminal(&pod) && mapping::is_synergai_pod(&pod) =>
            {
                let _ = finished_tx.send(pod);
            }
            Ok(_) => {}
            Err(e) => {
                let _ = watch_tx.send(("pod", e.to_string()));
            }
        }
        futures_util::future::ready(())
    }));
    nodes
        .wait_until_ready()
        .await
        .map_err(|e| Error::Cluster(format!("node watch ended: {e}")))?;
    pods.wait_until_ready()
        .await
        .map_err(|e| Error::Cluster(format!("pod watch ended: {e}")))?;
    health.synced.store(true, Ordering::Relaxed);
    tracing::info!(
        "watching {label} ({} namespaces), policy {}, {} mode",
        if options.all_namespaces {
            "all".to_string()
        } else {
            namespace.clone()
        },
        options.policy,
        if options.manual { "manual" } else { "auto" }
    );
    let handled = if options.manual {
        trigger_values(&client, &namespace).await.1
    } else {
        None
    };
    // Leader election: only the holder of the lease binds.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (leading_tx, mut leading) = tokio::sync::watch::channel(options.leader_elect.is_none());
    let elector = options.leader_elect.clone().map(|mut config| {
        if config.namespace.is_empty() {
            config.namespace = namespace.clone();
        }
        tracing::info!(
            "leader election on lease {}/{} as {}",
            config.namespace,
            config.name,
            config.identity
        );
        tokio::spawn(lease::run(
            lease::Elector::new(client.clone(), config),
            leading_tx,
            stop_rx,
        ))
    });
    let (outcomes, mut finished_binds) = mpsc::unbounded_channel();
    let mut ticker = tokio::time::interval(options.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    use tokio::signal::unix::{SignalKind, signal};
    let io = |e: std::io::Error| Error::Internal(format!("cannot install signal handlers: {e}"));
    let mut term = signal(SignalKind::terminate()).map_err(io)?;
    let mut int = signal(SignalKind::interrupt()).map_err(io)?;
    let reporter = Reporter {
        controller: "synergai".into(),
        instance: std::env::var("HOSTNAME").ok(),
    };
    // Pods that finished before this scheduler started are not its to count.
    let finished: HashSet<String> = pods
        .state()
        .iter()
        .filter(|p| mapping::pod_is_terminal(p) && mapping::is_synergai_pod(p))
        .filter_map(|p| p.uid())
        .collect();
    metrics.leading(*leading.borrow());
    health.leading.store(*leading.borrow(), Ordering::Relaxed);
    let mut scheduler = Scheduler {
        plan: Arc::new(OfflinePlan::new(
            &profile,
            options.theta.unwrap_or(profile.knee_threshold),
        )),
        policy: options.policy.build(0),
        arch_mapping: options.arch_mapping.clone(),
        recorder: Recorder::new(client.clone(), reporter.clone()),
        reporter,
        limiter: Arc::new(RateLimiter::new(options.api_qps, options.api_burst)),
        bind_slots: Arc::new(tokio::sync::Semaphore::new(BINDS_AT_ONCE)),
        binding: tokio::task::JoinSet::new(),
        outcomes,
        in_flight: HashMap::new(),
        backoffs: HashMap::new(),
        reported: HashMap::new(),
        handled,
        waiting_logged: false,
        leading: *leading.borrow(),
        metrics,
        health,
        first_seen: HashMap::new(),
        finished,
        pruned_at: Instant::now(),
        holds: Holds::new(),
        carried: None,
        flushed_at: Instant::now(),
        options,
        profile,
        client,
        namespace,
        nodes,
        pods,
    };
    loop {
        tokio::select! {
            _ = ticker.tick() => scheduler.on_tick().await,
            Some(outcome) = finished_binds.recv() => scheduler.on_bind_result(outcome),
            Some(pod) = finished_pods.recv() => scheduler.on_pod_finished(&pod),
            Some(change) = profile_changes.recv() => scheduler.on_profile_change(change),
            Ok(()) = leading.changed() => {
                let now = *leading.borrow_and_update();
                scheduler.on_lease_change(now);
            }
            Some((kind, error)) = watch_errors.recv() => scheduler.on_watch_error(kind, &error),
            _ = term.recv() => { tracing::info!("SIGTERM: stopping"); break; }
            _ = int.recv() => { tracing::info!("SIGINT: stopping"); break; }
        }
    }
    scheduler.drain().await;
    // Release the lease so a standby takes over at once.
    let _ = stop_tx.send(true);
    if let Some(elector) = elector {
        let _ = elector.await;
    }
    tracing::info!("stopped");
    Ok(())
}

impl Scheduler {
    /// A watch failed (it retries with backoff on its own).
    fn on_watch_error(&mut self, kind: &str, error: &str) {
        tracing::warn!("{kind} watch: {error} (retrying)");
    }

    /// Leadership changed: a scheduler that lost it abandons its queued
    /// binds, whose pods are pending again for whoever leads next.
    fn on_lease_change(&mut self, leading: bool) {
        self.metrics.leading(leading);
        self.health.leading.store(leading, Ordering::Relaxed);
        let was_leading = std::mem::replace(&mut self.leading, leading);
        if !was_leading || leading {
            return;
        }
        while self.binding.try_join_next().is_some() {}
        if self.binding.is_empty() {
            return;
        }
        tracing::warn!(
            "not the leader any more: abandoning {} queued bind(s)",
            self.binding.len()
        );
        self.binding.abort_all();
        // Forget them (this scheduler may lead again), or they would be
        // left out of every later pass, holding their resources, forever.
        self.in_flight.retain(|_, flight| flight.bound_at.is_some());
    }

    /// A bind finished: on success its pod stays counted until the store
    /// shows it bound; on failure the pod backs off (and a 429 pauses
    /// every bind for as long as the server asked).
    fn on_bind_result(&mut self, outcome: BindOutcome) {
        let BindOutcome { uid, result, seen } = outcome;
        match result {
            Ok(bound) => {
                if let Some(f) = self.in_flight.get_mut(&uid) {
                    f.bound_at = Some(Instant::now());
                }
                self.backoffs.remove(&uid);
                if bound {
                    self.metrics.attempt(AttemptResult::Scheduled);
                    self.metrics.scheduled_after(seen.elapsed().as_secs_f64());
                }
            }
            Err(failure) => {
                self.metrics.attempt(AttemptResult::Error);
                // Pending again: its wait goes on from when it began.
                self.first_seen.insert(uid.clone(), seen);
                self.in_flight.remove(&uid);
                let failures = self.backoffs.get(&uid).map_or(0, |(n, _)| *n) + 1;
                let mut wait = backoff(failures);
                if let BindFailure::Throttled(after, _) = &failure {
                    self.limiter.pause(*after);
                    wait = wait.max(*after);
                }
                self.backoffs.insert(uid, (failures, Instant::now() + wait));
                tracing::warn!(
                    "{} (attempt {failures}; next in {:.1} s)",
                    failure.message(),
                    wait.as_secs_f64()
                );
            }
        }
    }

    /// A placement pass over the pending pods (the leader only; in manual
    /// mode only when an operator triggered one).
    async fn on_tick(&mut self) {
        while self.binding.try_join_next().is_some() {}
        self.metrics.binds_in_flight(self.binding.len());
        if self.pruned_at.elapsed() >= PRUNE_EVERY {
            self.prune();
        }
        if !self.leading {
            return;
        }
        let started = Instant::now();
        let pod_state = self.pods.state();
        // Forget binds the store has caught up with, or long done.
        let bound: HashSet<String> = pod_state
            .iter()
            .filter(|p| p.spec.as_ref().is_some_and(|s| s.node_name.is_some()))
            .filter_map(|p| p.uid())
            .collect();
        self.in_flight.retain(|uid, flight| {
            !bound.contains(uid)
                && flight
                    .bound_at
                    .is_none_or(|t| t.elapsed() < Duration::from_secs(30))
        });
        let now = now_ms();
        let mut world = build_world(
            &self.nodes.state(),
            &pod_state,
            &self.profile,
            &self.arch_mapping,
            &self.in_flight,
            now,
        );
        for line in std::mem::take(&mut world.skipped) {
            tracing::warn!("{line}");
        }
        // Reports follow the pending pods: forget those bound elsewhere or
        // deleted, so the map does not grow with every pod ever reported.
        if !self.reported.is_empty() {
            let pending: HashSet<String> = (world.pending.iter().map(|p| &p.pod))
                .chain(world.invalid.iter().map(|(pod, _)| pod))
                .filter_map(|pod| pod.uid())
                .collect();
            self.reported.retain(|uid, _| pending.contains(uid));
        }
        for (pod, message) in std::mem::take(&mut world.invalid) {
            self.report(&pod, &message).await;
        }
        let seen_now = Instant::now();
        for p in &world.pending {
            if let Some(uid) = p.pod.uid() {
                self.first_seen.entry(uid).or_insert(seen_now);
            }
        }
        if self.options.manual && !self.triggered(world.pending.len()).await {
            self.metrics.pending(world.pending.len(), 0);
            return;
        }
        if world.pending.is_empty() {
            self.metrics.pending(0, 0);
            self.first_seen.clear();
            return;
        }
        let jobs: Vec<JobSpec> = world.pending.iter().map(|p| p.job.clone()).collect();
        let mut queue = queue_order(self.policy.order(), &jobs, &world.nodes, &self.plan);
        let pending: HashSet<String> = world.pending.iter().filter_map(|p| p.pod.uid()).collect();
        self.backoffs.retain(|uid, _| pending.contains(uid));
        // Pods leave `first_seen` when their bind starts; these went
        // another way (deleted, bound by someone else).
        self.first_seen.retain(|uid, _| pending.contains(uid));
        let at = Instant::now();
        queue.retain(|&j| {
            let uid = world.pending[j as usize].pod.uid().unwrap_or_default();
            self.backoffs
                .get(&uid)
                .is_none_or(|(_, until)| *until <= at)
        });
        let incremental = !self.options.full_replan;
        if incremental {
            self.carry_holds(&mut world);
        }
        let mut binds = Vec::new();
        let mut failures = Vec::new();
        let node_count = world.nodes.len();
        let policy_name = self.options.policy.name();
        let metrics = &self.metrics;
        let mut decided_at = Instant::now();
        let active = queue.len();
        let backing_off = world.pending.len() - active;
        let stats = run_pass(
            self.policy.as_mut(),
            &mut world.cluster,
            &self.plan,
            &self.profile,
            &jobs,
            &queue,
            now,
            Explain::None,
            incremental.then_some(&mut self.holds),
            |cluster, decision, _, _| {
                let now = Instant::now();
                metrics.decision(now.duration_since(decided_at).as_secs_f64());
                decided_at = now;
                let pending = &world.pending[decision.job as usize];
                match decision.action {
                    Action::Assign(a) => {
                        let node = cluster.spec(a.node).name.clone();
                        let placed_by = if a.pinned { "override" } else { policy_name };
                        binds.push((pending.pod.clone(), node, a, placed_by, pending.job.queries));
                    }
                    Action::Hold => {
                        if matches!(decision.reason, Reason::NoCapacity | Reason::Unschedulable) {
                            let why = if decision.reason == Reason::Unschedulable {
                                "no node can ever fit this job"
                            } else {
                                "no node has room for any configuration of this model"
                            };
                            failures.push((
                                pending.pod.clone(),
                                format!("0/{node_count} nodes are available: {why}."),
                            ));
                        }
                    }
                }
            },
        );
        self.metrics.pass_pods(&stats);
        if incremental {
            let uids = (world.pending.iter())
                .map(|p| p.pod.uid().unwrap_or_default())
                .collect();
            self.carried = Some((world.cluster, uids));
        }
        self.metrics
            .pass(started.elapsed().as_secs_f64(), now_ms() / 1000.0);
        self.metrics.pending(active, backing_off);
        for (pod, message) in failures {
            self.report(&pod, &message).await;
        }
        // Binds run concurrently; the next pass does not wait for them.
        for (pod, node, assignment, placed_by, queries) in binds {
            let uid = pod.uid().unwrap_or_default();
            self.in_flight.insert(
                uid.clone(),
                InFlight {
                    node: node.clone(),
                    placement: assignment.config.placement(),
                    queries,
                    bound_at: None,
                },
            );
            self.reported.remove(&uid);
            let client = self.client.clone();
            let reporter = self.reporter.clone();
            let limiter = self.limiter.clone();
            let bind_slots = self.bind_slots.clone();
            let outcomes = self.outcomes.clone();
            let metrics = self.metrics.clone();
            let seen = self.first_seen.remove(&uid).unwrap_or_else(Instant::now);
            self.binding.spawn(async move {
                let _slot = bind_slots.acquire().await;
                limiter.acquire().await;
                let sent = Instant::now();
                let result = bind(&client, &reporter, &pod, &node, &assignment, placed_by).await;
                metrics.bind(sent.elapsed().as_secs_f64());
                let _ = outcomes.send(BindOutcome { uid, result, seen });
            });
        }
    }

    /// Moves the holds of the previous pass onto this pass's world: its
    /// model continues the previous one's change log (the nodes whose
    /// capacity or number of pods changed since are logged as changed), and
    /// holds follow their pods' new job ids. Everything is decided again
    /// when the nodes changed, and every [`FLUSH_HOLDS`].
    fn carry_holds(&mut self, world: &mut World) {
        let carried = self.carried.take();
        let flush = self.flushed_at.elapsed() >= FLUSH_HOLDS;
        match carried {
            Some((previous, uids)) if !flush && world.cluster.carry_changes(&previous) => {
                let ids: HashMap<String, JobId> = (world.pending.iter().enumerate())
                    .filter_map(|(i, p)| p.pod.uid().map(|uid| (uid, i as JobId)))
                    .collect();
                self.holds
                    .remap(|old| uids.get(old as usize).and_then(|uid| ids.get(uid)).copied());
            }
            _ => {
                self.holds.clear();
                self.flushed_at = Instant::now();
            }
        }
    }

    /// Manual mode: whether an operator triggered a pass not acted on yet
    /// (then it is recorded as handled).
    async fn triggered(&mut self, pending: usize) -> bool {
        let (current, _) = trigger_values(&self.client, &self.namespace).await;
        let Some(value) = current.filter(|c| Some(c) != self.handled.as_ref()) else {
            if pending > 0 && !self.waiting_logged {
                tracing::info!(
                    "manual mode: {pending} pod(s) pending, waiting for a trigger (synergai scheduler trigger, or p in the dashboard)"
                );
                self.waiting_logged = true;
            }
            return false;
        };
        tracing::info!("triggered ({value}): placing {pending} pending pod(s)");
        mark_handled(&self.client, &self.namespace, &value).await;
        self.handled = Some(value);
        self.waiting_logged = false;
        true
    }

    /// The profile's text changed: a valid one replaces the profile (and
    /// the offline plan) from the next pass on; an invalid one is logged
    /// and counted, and the profile stays.
    fn on_profile_change(&mut self, change: profile::Change) {
        match change {
            profile::Change::Valid(loaded) => {
                let profile::Loaded { profile, digest } = *loaded;
                let theta = self.options.theta.unwrap_or(profile.knee_threshold);
                self.plan = Arc::new(OfflinePlan::new(&profile, theta));
                self.holds.clear();
                self.carried = None;
                tracing::info!(
                    "profile reloaded: {} ({}, was {}) from {}",
                    profile.name,
                    digest,
                    self.profile.name,
                    self.options.profile.display()
                );
                self.metrics.profile(&profile.name, &digest);
                self.metrics.profile_reload(metrics::ReloadResult::Success);
                self.profile = Arc::new(profile);
            }
            profile::Change::Invalid(error) => {
                tracing::error!(
                    "profile not reloaded, keeping {}: {error}",
                    self.profile.name
                );
                self.metrics.profile_reload(metrics::ReloadResult::Error);
            }
        }
    }

    /// Reports a pod unschedulable (once per distinct message) and counts
    /// the attempt.
    async fn report(&mut self, pod: &Pod, message: &str) {
        if report_unschedulable(
            &self.client,
            &self.recorder,
            pod,
            message,
            &mut self.reported,
        )
        .await
        {
            self.metrics.attempt(AttemptResult::Unschedulable);
        }
    }

    /// A pod of ours finished: the leader counts its QoS outcome and how
    /// its measured run time compares with the prediction, once.
    fn on_pod_finished(&mut self, pod: &Pod) {
        let Some(uid) = pod.uid() else { return };
        if !self.finished.insert(uid) || !self.leading {
            return;
        }
        let Ok(job) = mapping::map_pod(pod, &self.profile).map(|m| m.value) else {
            return;
        };
        let arch = job
            .node_name
            .as_deref()
            .and_then(|n| self.nodes.get(&reflector::ObjectRef::new(n)))
            .and_then(|node| mapping::map_node(&node, &self.profile, &self.arch_mapping).ok())
            .map_or_else(
                || "unknown".to_string(),
                |m| self.profile.arch(m.value.arch).name.clone(),
            );
        if let Some(violated) = job.qos_violated() {
            let outcome = if violated {
                QosOutcome::Violated
            } else {
                QosOutcome::Met
            };
            self.metrics.qos(&arch, outcome);
        }
        if let Some(ratio) = job.run_time_ratio() {
            self.metrics.run_time_ratio(&arch, ratio);
        }
    }

    /// Forgets counted pods that left the store, and start times of pods
    /// no longer pending.
    fn prune(&mut self) {
        self.pruned_at = Instant::now();
        let present: HashSet<String> = self.pods.state().iter().filter_map(|p| p.uid()).collect();
        self.finished.retain(|uid| present.contains(uid));
        self.first_seen.retain(|uid, _| present.contains(uid));
    }

    /// Graceful stop: lets the binds in flight land, or abandons them after
    /// [`DRAIN`] (an abandoned pod stays pending for the next leader).
    async fn drain(&mut self) {
        if self.binding.is_empty() {
            return;
        }
        tracing::info!("waiting for {} bind(s) in flight", self.binding.len());
        let binding = &mut self.binding;
        if tokio::time::timeout(DRAIN, async {
            while binding.join_next().await.is_some() {}
        })
        .await
        .is_err()
        {
            tracing::warn!("abandoning {} bind(s) after {DRAIN:?}", self.binding.len());
            self.binding.abort_all();
        }
    }
}
