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

use super::client::{Connection, Target, connect};
use super::control::{mark_handled, trigger_values};
use super::lease::{self, LeaseConfig};
use super::log;
use super::mapping;
use super::now_ms;
use super::world::{InFlight, build_world, queue_order};
use crate::error::{Error, Result};
use crate::model::{JobSpec, Profile};
use crate::policy::{Action, Explain, OfflinePlan, PolicyKind, Reason, run_pass};
use ::kube::api::{Api, Patch, PatchParams, PostParams};
use ::kube::runtime::events::{Event, EventType, Recorder, Reporter};
use ::kube::runtime::{WatchStreamExt, reflector, watcher};
use ::kube::{Resource, ResourceExt};
use futures_util::StreamExt;
use k8s_openapi::api::core::v1::{Binding, Node, ObjectReference, Pod};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

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
}

/// How long a stopping scheduler lets its in-flight binds finish.
const DRAIN: Duration = Duration::from_secs(10);
/// A pod whose bind failed waits this long before it is placed again,
/// doubling per failure up to the maximum (kube-scheduler's pod backoff).
const BACKOFF_INITIAL: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// Bind requests (each with its event) sent at once, whatever the rate
/// limit allows: a slow API server must not make them pile up. Unbounded,
/// 20,000 pods bound with `--kube-api-qps 1000` on a server answering in
/// 30 s held 20,000 connections (one per request) and 1.2 GiB.
const BINDS_AT_ONCE: usize = 128;

/// Why a bind did not land, and what to do about it.
#[derive(Debug)]
enum BindFailure {
    /// 429: the server asks every client to wait this long.
    Throttled(Duration, String),
    /// A server error or no answer: worth trying again after a backoff.
    Transient(String),
    /// Refused for good reasons of its own (forbidden, invalid): said
    /// loudly, retried after a backoff in case an operator fixes it.
    Refused(String),
}

impl BindFailure {
    fn of(what: &str, e: ::kube::Error) -> BindFailure {
        match &e {
            ::kube::Error::Api(s) if s.code == 429 => {
                let after = s
                    .details
                    .as_ref()
                    .map(|d| d.retry_after_seconds)
                    .filter(|&s| s > 0)
                    .unwrap_or(1);
                BindFailure::Throttled(
                    Duration::from_secs(u64::from(after)),
                    format!("{what}: server busy (429), retrying after {after} s"),
                )
            }
            ::kube::Error::Api(s) if s.code >= 500 => {
                BindFailure::Transient(format!("{what}: {} (HTTP {})", s.message, s.code))
            }
            ::kube::Error::Api(s) if s.code == 401 || s.code == 403 => {
                BindFailure::Refused(format!(
                    "{what}: permission denied ({}) — the scheduler's RBAC needs `create` on pods/binding (deploy/rbac.yaml)",
                    s.message
                ))
            }
            ::kube::Error::Api(s) => {
                BindFailure::Refused(format!("{what}: {} (HTTP {})", s.message, s.code))
            }
            _ => BindFailure::Transient(format!("{what}: {e}")),
        }
    }

    fn message(&self) -> &str {
        match self {
            BindFailure::Throttled(_, m) | BindFailure::Transient(m) | BindFailure::Refused(m) => m,
        }
    }
}

/// Pods waiting out a backoff after a failed bind: failures so far, and
/// until when.
type Backoffs = HashMap<String, (u32, Instant)>;

/// A token bucket: `qps` tokens a second, at most `burst` saved up; the
/// server can also ask for a pause (429 with Retry-After).
pub struct RateLimiter {
    qps: f64,
    burst: f64,
    state: tokio::sync::Mutex<(f64, tokio::time::Instant)>,
    paused_until: std::sync::Mutex<Option<tokio::time::Instant>>,
}

impl RateLimiter {
    pub fn new(qps: f64, burst: u32) -> RateLimiter {
        let burst = f64::from(burst.max(1));
        RateLimiter {
            qps,
            burst,
            state: tokio::sync::Mutex::new((burst, tokio::time::Instant::now())),
            paused_until: std::sync::Mutex::new(None),
        }
    }

    /// No token is handed out for `pause` (the server said Retry-After).
    pub fn pause(&self, pause: Duration) {
        let until = tokio::time::Instant::now() + pause;
        let mut p = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        *p = Some(p.map_or(until, |t| t.max(until)));
    }

    /// Waits out a pause, then for a token (none needed when `qps` is 0 or
    /// less: unlimited).
    pub async fn acquire(&self) {
        loop {
            let until = *self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
            match until {
                Some(t) if t > tokio::time::Instant::now() => tokio::time::sleep_until(t).await,
                _ => break,
            }
        }
        if self.qps <= 0.0 {
            return;
        }
        loop {
            let wait = {
                let mut state = self.state.lock().await;
                let (tokens, last) = *state;
                let now = tokio::time::Instant::now();
                let tokens =
                    (tokens + now.duration_since(last).as_secs_f64() * self.qps).min(self.burst);
                if tokens >= 1.0 {
                    *state = (tokens - 1.0, now);
                    return;
                }
                *state = (tokens, now);
                Duration::from_secs_f64((1.0 - tokens) / self.qps)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// Runs until SIGTERM/SIGINT.
pub async fn run(options: Options, profile: Arc<Profile>) -> Result<()> {
    let conn = connect(&options.target).await?;
    let plan = Arc::new(OfflinePlan::new(&profile, profile.knee_threshold));
    let arch_mapping = mapping::ArchMapping::default();
    let Connection {
        client,
        namespace,
        label,
        ..
    } = conn;
    // Every permission up front: a missing RBAC rule is one clear error.
    let lease_namespace = options.leader_elect.as_ref().map(|c| {
        if c.namespace.is_empty() {
            namespace.clone()
        } else {
            c.namespace.clone()
        }
    });
    let lease_name = options.leader_elect.as_ref().map(|c| c.name.as_str());
    let needs = super::access::scheduler_needs(
        (!options.all_namespaces).then_some(namespace.as_str()),
        &namespace,
        options.manual,
        lease_namespace.as_deref().zip(lease_name),
    );
    super::access::require(&client, &needs).await?;
    let nodes_api: Api<Node> = Api::all(client.clone());
    let pods_api: Api<Pod> = if options.all_namespaces {
        Api::all(client.clone())
    } else {
        Api::namespaced(client.clone(), &namespace)
    };
    let (nodes, node_writer) = reflector::store::<Node>();
    let (pods, pod_writer) = reflector::store::<Pod>();
    let node_stream = reflector(
        node_writer,
        watcher(nodes_api, watcher::Config::default()).modify(crate::k8s::lean),
    )
    .default_backoff()
    .touched_objects();
    let pod_stream = reflector(
        pod_writer,
        watcher(pods_api, watcher::Config::default()).modify(crate::k8s::lean),
    )
    .default_backoff()
    .touched_objects();
    tokio::spawn(node_stream.for_each(|r| {
        if let Err(e) = r {
            log::warn(&format!("node watch: {e} (retrying)"));
        }
        futures_util::future::ready(())
    }));
    tokio::spawn(pod_stream.for_each(|r| {
        if let Err(e) = r {
            log::warn(&format!("pod watch: {e} (retrying)"));
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
    log::info(&format!(
        "watching {label} ({} namespaces), policy {}, {} mode",
        if options.all_namespaces {
            "all".to_string()
        } else {
            namespace.clone()
        },
        options.policy,
        if options.manual { "manual" } else { "auto" }
    ));
    let reporter = Reporter {
        controller: "synergai".into(),
        instance: std::env::var("HOSTNAME").ok(),
    };
    let recorder = Recorder::new(client.clone(), reporter.clone());
    let mut policy = options.policy.build(0);
    let limiter = Arc::new(RateLimiter::new(options.api_qps, options.api_burst));
    let bind_slots = Arc::new(tokio::sync::Semaphore::new(BINDS_AT_ONCE));
    // Pods whose bind is in flight or done but not yet seen in the store.
    let in_flight: Arc<std::sync::Mutex<HashMap<String, InFlight>>> = Arc::default();
    // Pods whose last bind failed wait out a backoff before the next try.
    let backoffs: Arc<std::sync::Mutex<Backoffs>> = Arc::default();
    // The last FailedScheduling message per pod, so it is reported once.
    let mut reported: HashMap<String, String> = HashMap::new();
    // Manual mode: the trigger acted on last (recorded in the cluster, so a
    // trigger made while no scheduler ran still counts).
    let mut handled = if options.manual {
        trigger_values(&client, &namespace).await.1
    } else {
        None
    };
    let mut waiting_logged = false;
    // Leader election: only the holder of the lease binds.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (leading_tx, leading) = tokio::sync::watch::channel(options.leader_elect.is_none());
    let elector = options.leader_elect.clone().map(|mut config| {
        if config.namespace.is_empty() {
            config.namespace = namespace.clone();
        }
        log::info(&format!(
            "leader election on lease {}/{} as {}",
            config.namespace, config.name, config.identity
        ));
        tokio::spawn(lease::run(
            lease::Elector::new(client.clone(), config),
            leading_tx,
            stop_rx,
        ))
    });
    let mut binding = tokio::task::JoinSet::new();
    let mut ticker = tokio::time::interval(options.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    use tokio::signal::unix::{SignalKind, signal};
    let io = |e: std::io::Error| Error::Usage(format!("cannot install signal handlers: {e}"));
    let mut term = signal(SignalKind::terminate()).map_err(io)?;
    let mut int = signal(SignalKind::interrupt()).map_err(io)?;
    let mut was_leading = *leading.borrow();
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = term.recv() => { log::info("SIGTERM: stopping"); break; }
            _ = int.recv() => { log::info("SIGINT: stopping"); break; }
        }
        while binding.try_join_next().is_some() {}
        let is_leading = *leading.borrow();
        if was_leading && !is_leading && !binding.is_empty() {
            log::warn(&format!(
                "not the leader any more: abandoning {} queued bind(s)",
                binding.len()
            ));
            binding.abort_all();
            // Their pods are pending again for whoever leads next (this
            // scheduler too): forget them, or they would be left out of
            // every later pass, holding their resources, forever.
            in_flight
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|_, flight| flight.bound_at.is_some());
        }
        was_leading = is_leading;
        if !is_leading {
            continue;
        }
        let pod_state = pods.state();
        let flying: HashMap<String, InFlight> = {
            let mut f = in_flight.lock().unwrap_or_else(|e| e.into_inner());
            // Forget binds the store has caught up with, or long done.
            let bound: HashSet<String> = pod_state
                .iter()
                .filter(|p| p.spec.as_ref().is_some_and(|s| s.node_name.is_some()))
                .filter_map(|p| p.uid())
                .collect();
            f.retain(|uid, flight| {
                !bound.contains(uid)
                    && flight
                        .bound_at
                        .is_none_or(|t| t.elapsed() < Duration::from_secs(30))
            });
            f.clone()
        };
        let now = now_ms();
        let mut world = build_world(
            &nodes.state(),
            &pod_state,
            &profile,
            &arch_mapping,
            &flying,
            now,
        );
        for line in std::mem::take(&mut world.skipped) {
            log::warn(&line);
        }
        // Reports follow the pending pods: forget those bound elsewhere or
        // deleted, so the map does not grow with every pod ever reported.
        if !reported.is_empty() {
            let pending: HashSet<String> = (world.pending.iter().map(|p| &p.pod))
                .chain(world.invalid.iter().map(|(pod, _)| pod))
                .filter_map(|pod| pod.uid())
                .collect();
            reported.retain(|uid, _| pending.contains(uid));
        }
        for (pod, message) in std::mem::take(&mut world.invalid) {
            report_unschedulable(&client, &recorder, &pod, &message, &mut reported).await;
        }
        if options.manual {
            let (current, _) = trigger_values(&client, &namespace).await;
            let Some(value) = current.filter(|c| Some(c) != handled.as_ref()) else {
                if !world.pending.is_empty() && !waiting_logged {
                    log::info(&format!(
                        "manual mode: {} pod(s) pending, waiting for a trigger (synergai scheduler trigger, or p in the dashboard)",
                        world.pending.len()
                    ));
                    waiting_logged = true;
                }
                continue;
            };
            log::info(&format!(
                "triggered ({value}): placing {} pending pod(s)",
                world.pending.len()
            ));
            mark_handled(&client, &namespace, &value).await;
            handled = Some(value);
            waiting_logged = false;
        }
        if world.pending.is_empty() {
            continue;
        }
        let jobs: Vec<JobSpec> = world.pending.iter().map(|p| p.job.clone()).collect();
        let mut queue = queue_order(policy.order(), &jobs, &world.nodes, &plan);
        {
            let mut b = backoffs.lock().unwrap_or_else(|e| e.into_inner());
            let pending: HashSet<String> =
                world.pending.iter().filter_map(|p| p.pod.uid()).collect();
            b.retain(|uid, _| pending.contains(uid));
            let now = Instant::now();
            queue.retain(|&j| {
                let uid = world.pending[j as usize].pod.uid().unwrap_or_default();
                b.get(&uid).is_none_or(|(_, until)| *until <= now)
            });
        }
        let mut binds = Vec::new();
        let mut failures = Vec::new();
        let node_count = world.nodes.len();
        run_pass(
            policy.as_mut(),
            &mut world.cluster,
            &plan,
            &profile,
            &jobs,
            &queue,
            now,
            Explain::None,
            |cluster, decision, _, _| {
                let pending = &world.pending[decision.job as usize];
                match decision.action {
                    Action::Assign(a) => {
                        let node = cluster.spec(a.node).name.clone();
                        let placed_by = if a.pinned {
                            "override"
                        } else {
                            options.policy.name()
                        };
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
        for (pod, message) in failures {
            report_unschedulable(&client, &recorder, &pod, &message, &mut reported).await;
        }
        // Binds run concurrently; the next pass does not wait for them.
        for (pod, node, assignment, placed_by, queries) in binds {
            let uid = pod.uid().unwrap_or_default();
            in_flight.lock().unwrap_or_else(|e| e.into_inner()).insert(
                uid.clone(),
                InFlight {
                    node: node.clone(),
                    placement: assignment.config.placement(),
                    queries,
                    bound_at: None,
                },
            );
            reported.remove(&uid);
            let client = client.clone();
            let reporter = reporter.clone();
            let in_flight = in_flight.clone();
            let limiter = limiter.clone();
            let bind_slots = bind_slots.clone();
            let backoffs = backoffs.clone();
            binding.spawn(async move {
                let _slot = bind_slots.acquire().await;
                limiter.acquire().await;
                let result = bind(&client, &reporter, &pod, &node, &assignment, placed_by).await;
                let mut flights = in_flight.lock().unwrap_or_else(|e| e.into_inner());
                match result {
                    Ok(()) => {
                        if let Some(f) = flights.get_mut(&uid) {
                            f.bound_at = Some(Instant::now());
                        }
                        backoffs
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .remove(&uid);
                    }
                    Err(failure) => {
                        flights.remove(&uid);
                        let mut b = backoffs.lock().unwrap_or_else(|e| e.into_inner());
                        let failures = b.get(&uid).map_or(0, |(n, _)| *n) + 1;
                        let mut wait = BACKOFF_INITIAL
                            .saturating_mul(1 << (failures - 1).min(8))
                            .min(BACKOFF_MAX);
                        if let BindFailure::Throttled(after, _) = &failure {
                            limiter.pause(*after);
                            wait = wait.max(*after);
                        }
                        b.insert(uid, (failures, Instant::now() + wait));
                        log::warn(&format!(
                            "{} (attempt {failures}; next in {:.1} s)",
                            failure.message(),
                            wait.as_secs_f64()
                        ));
                    }
                }
            });
        }
    }
    // Graceful stop: let the binds in flight land (or abandon them after
    // DRAIN; an abandoned pod stays pending for the next leader), then
    // release the lease so a standby takes over at once.
    if !binding.is_empty() {
        log::info(&format!("waiting for {} bind(s) in flight", binding.len()));
        if tokio::time::timeout(DRAIN, async {
            while binding.join_next().await.is_some() {}
        })
        .await
        .is_err()
        {
            log::warn(&format!(
                "abandoning {} bind(s) after {DRAIN:?}",
                binding.len()
            ));
            binding.abort_all();
        }
    }
    let _ = stop_tx.send(true);
    if let Some(elector) = elector {
        let _ = elector.await;
    }
    log::info("stopped");
    Ok(())
}

/// Binds a pod with its decision annotations and reports `Scheduled`.
async fn bind(
    client: &::kube::Client,
    reporter: &Reporter,
    pod: &Pod,
    node: &str,
    a: &crate::policy::Assignment,
    placed_by: &str,
) -> std::result::Result<(), BindFailure> {
    let name = pod.name_any();
    let namespace = pod.namespace().unwrap_or_else(|| "default".into());
    let predicted = a.predicted_completion_ms - now_ms();
    let annotations: BTreeMap<String, String> = mapping::decision_annotations(
        a.config.engine,
        a.config.threads,
        predicted.max(0.0),
        placed_by,
    );
    let binding = Binding {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some(name.clone()),
            annotations: Some(annotations),
            ..Default::default()
        },
        target: ObjectReference {
            api_version: Some("v1".into()),
            kind: Some("Node".into()),
            name: Some(node.into()),
            ..Default::default()
        },
    };
    let api: Api<Pod> = Api::namespaced(client.clone(), &namespace);
    match api
        .create_subresource::<Binding, serde_json::Value>(
            "binding",
            &name,
            &PostParams::default(),
            &binding,
        )
        .await
    {
        Ok(_) => {}
        Err(::kube::Error::Api(s)) if s.code == 409 || s.code == 404 => {
            log::info(&format!(
                "skipping {namespace}/{name}: {} (already bound or deleted)",
                s.message
            ));
            return Ok(());
        }
        Err(e) => {
            return Err(BindFailure::of(
                &format!("bind {namespace}/{name} to {node}"),
                e,
            ));
        }
    }
    log::info(&format!(
        "bound {namespace}/{name} to {node} ({}×{}, predicted {})",
        a.config.engine,
        a.config.threads,
        crate::policy::fmt_ms(predicted)
    ));
    let event = Event {
        type_: EventType::Normal,
        reason: "Scheduled".into(),
        note: Some(format!(
            "Successfully assigned {namespace}/{name} to {node} ({}×{}, predicted {}, placed by {placed_by})",
            a.config.engine,
            a.config.threads,
            crate::policy::fmt_ms(predicted)
        )),
        action: "Binding".into(),
        secondary: None,
    };
    // A fresh recorder: a shared one keeps every event it publishes for 6
    // minutes (to patch repeats into a series), 3.5–5 KiB each (measured),
    // so the scheduler's memory would follow its bind rate (300–400 MiB at
    // 250 binds/s); and a pod's `Scheduled` never repeats.
    let recorder = Recorder::new(client.clone(), reporter.clone());
    if let Err(e) = recorder.publish(&event, &pod.object_ref(&())).await {
        log::warn(&format!("event for {namespace}/{name}: {e}"));
    }
    Ok(())
}

/// `FailedScheduling` event and `PodScheduled=False, Unschedulable`, once
/// per distinct message.
async fn report_unschedulable(
    client: &::kube::Client,
    recorder: &Recorder,
    pod: &Pod,
    message: &str,
    reported: &mut HashMap<String, String>,
) {
    let uid = pod.uid().unwrap_or_default();
    if reported.get(&uid).is_some_and(|m| m == message) {
        return;
    }
    reported.insert(uid, message.to_string());
    let name = pod.name_any();
    let namespace = pod.namespace().unwrap_or_else(|| "default".into());
    log::info(&format!("cannot schedule {namespace}/{name}: {message}"));
    let event = Event {
        type_: EventType::Warning,
        reason: "FailedScheduling".into(),
        note: Some(message.chars().take(1000).collect()),
        action: "Scheduling".into(),
        secondary: None,
    };
    if let Err(e) = recorder.publish(&event, &pod.object_ref(&())).await {
        log::warn(&format!("event for {namespace}/{name}: {e}"));
    }
    let api: Api<Pod> = Api::namespaced(client.clone(), &namespace);
    let now = k8s_openapi::jiff::Timestamp::now().to_string();
    let patch = serde_json::json!({
        "status": {"conditions": [{
            "type": "PodScheduled",
            "status": "False",
            "reason": "Unschedulable",
            "message": message,
            "lastProbeTime": null,
            "lastTransitionTime": now,
        }]}
    });
    if let Err(e) = api
        .patch_status(&name, &PatchParams::default(), &Patch::Strategic(patch))
        .await
    {
        log::warn(&format!("condition for {namespace}/{name}: {e}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_limiter_spends_the_burst_then_keeps_the_rate() {
        let limiter = RateLimiter::new(10.0, 5);
        let start = tokio::time::Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert!(
            start.elapsed() < Duration::from_millis(1),
            "the burst is immediate"
        );
        for _ in 0..10 {
            limiter.acquire().await;
        }
        let elapsed = start.elapsed().as_secs_f64();
        assert!(
            (0.95..1.1).contains(&elapsed),
            "10 more at 10/s took {elapsed}s"
        );
        RateLimiter::new(0.0, 1).acquire().await;
    }
}
