//! The emulator's state machine: the pods of the namespace watched and, on
//! each tick, the due job pods created, the local runs finished in time
//! order and their pods' completions reported. A pod bound to a scenario
//! node starts a run on the local [`Cluster`] holding what
//! [`placement_for`] says; its deletion drops the run.

use super::Options;
use super::exec::{self, Exited};
use super::kubelet::Logs;
use super::objects::{
    Exit, container_running_patch, container_terminated_patch, pod_names, running_patch,
    terminated_patch,
};
use super::summary::{CreatedPod, Summary};
use crate::error::{Error, Result};
use crate::k8s::client;
use crate::k8s::mapping::{ANN_ENGINE, ANN_THREADS, PodJob, map_pod, pod_is_terminal};
use crate::k8s::world::decided_placement;
use crate::model::Scenario;
use crate::model::{ArchId, Cluster, Placement, Profile, RunId};
use crate::policy::OfflinePlan;
use ::kube::api::Api;
use ::kube::runtime::{WatchStreamExt, watcher};
use futures_util::StreamExt;
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::jiff::Timestamp;
use serde_json::Value;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How often runs are finished and arrivals created.
const TICK: Duration = Duration::from_millis(20);

/// A pod the emulated kubelet started.
pub(super) struct Started {
    pub(super) name: String,
    /// The local run; `None` once finished (completing) or failed.
    pub(super) run: Option<RunId>,
    pub(super) started: Timestamp,
}

/// A pod of the project's image the kubelet runs for real ([`exec`]).
pub(super) struct Executing {
    name: String,
    run: exec::Run,
    /// Aborting it kills the process.
    task: tokio::task::JoinHandle<()>,
}

/// A status patch to send for a started pod.
pub(super) struct StatusPatch {
    pub(super) name: String,
    pub(super) uid: String,
    pub(super) body: Value,
    pub(super) what: &'static str,
}

pub(super) struct Emulator {
    pub(super) scenario: Scenario,
    plan: OfflinePlan,
    pub(super) nodes: Api<Node>,
    pub(super) pods: Api<Pod>,
    pub(super) namespace: String,
    pub(super) speed: f64,
    nodes_only: bool,
    pub(super) pod_names: Vec<String>,
    pub(super) nodes_ready: Vec<String>,
    /// When the job clock started (after the nodes were set up).
    start: Option<Instant>,
    pub(super) next_job: usize,
    pub(super) created: HashMap<String, CreatedPod>,
    /// Pods the kubelet started, by uid.
    pub(super) started: HashMap<String, Started>,
    run_owner: HashMap<RunId, String>,
    cluster: Cluster,
    finishes: BinaryHeap<Reverse<(u64, RunId, u64)>>,
    changed: Vec<RunId>,
    /// Finished locally, to be reported at (emulated ms, uid).
    pub(super) completing: Vec<(f64, String)>,
    /// Pods on our nodes that are not synergai jobs (warned once), by uid.
    ignored: HashSet<String>,
    last_watch_error: Option<String>,
    keep_running: bool,
    /// What executed containers printed, served as their logs.
    pub(super) logs: Logs,
    /// Where the kubelet API listens (set before the nodes are).
    pub(super) kubelet_port: u16,
    /// Executed pods still running, by uid, and where their ends arrive.
    executing: HashMap<String, Executing>,
    exits: (
        mpsc::UnboundedSender<Exited>,
        mpsc::UnboundedReceiver<Exited>,
    ),
}

impl Emulator {
    pub(super) fn new(
        scenario: Scenario,
        connection: &client::Connection,
        options: &Options,
    ) -> Emulator {
        let plan = OfflinePlan::new(&scenario.profile, scenario.profile.knee_threshold);
        let cluster = Cluster::new(scenario.nodes.clone(), &scenario.profile);
        Emulator {
            plan,
            cluster,
            nodes: Api::all(connection.client.clone()),
            pods: Api::namespaced(connection.client.clone(), &connection.namespace),
            namespace: connection.namespace.clone(),
            speed: options.speed,
            nodes_only: options.nodes_only,
            pod_names: pod_names(&scenario.jobs),
            nodes_ready: Vec::new(),
            start: None,
            next_job: 0,
            created: HashMap::new(),
            started: HashMap::new(),
            run_owner: HashMap::new(),
            finishes: BinaryHeap::new(),
            changed: Vec::new(),
            completing: Vec::new(),
            ignored: HashSet::new(),
            last_watch_error: None,
            keep_running: options.keep_running,
            logs: Logs::default(),
            kubelet_port: 0,
            executing: HashMap::new(),
            exits: mpsc::unbounded_channel(),
            scenario,
        }
    }

    /// Emulated milliseconds since the job clock started.
    pub(super) fn now_ms(&self) -> f64 {
        self.start
            .map(|s| s.elapsed().as_secs_f64() * 1000.0 * self.speed)
            .unwrap_or(0.0)
    }

    pub(super) async fn run(&mut self) -> Result<()> {
        // Served until `run` returns.
        let kubelet = super::kubelet::serve(self.logs.clone()).await?;
        self.kubelet_port = kubelet.port;
        self.setup_nodes().await?;
        if self.nodes_only {
            return Ok(());
        }
        self.prepare_namespace().await?;
        for (job, name) in self.scenario.jobs.iter().zip(&self.pod_names) {
            if *name != job.name {
                tracing::info!("job {:?} becomes pod {name}", job.name);
            }
        }
        let events = watcher(self.pods.clone(), watcher::Config::default())
            .default_backoff()
            .ready_chunks(256);
        tokio::pin!(events);
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        self.start = Some(Instant::now());
        loop {
            if self.done() {
                return Ok(());
            }
            tokio::select! {
                batch = events.next() => match batch {
                    Some(batch) => self.on_events(batch).await?,
                    None => return Err(Error::Cluster(format!(
                        "the watch of pods in namespace {} ended", self.namespace
                    ))),
                },
                _ = tick.tick() => self.on_tick().await?,
                Some(exited) = self.exits.1.recv() => self.on_exit(exited).await?,
            }
        }
    }

    fn done(&self) -> bool {
        !self.keep_running
            && self.next_job == self.scenario.jobs.len()
            && self.created.values().all(|c| c.gone || c.finished())
    }

    async fn on_tick(&mut self) -> Result<()> {
        let now = self.now_ms();
        self.create_due(now).await?;
        self.advance(now);
        self.report_completions(now).await
    }

    // ----------------------------------------------------------- kubelet

    fn collect_changed(&mut self) {
        self.cluster.take_changed(&mut self.changed);
        for &run in &self.changed {
            if let Some(r) = self.cluster.run(run) {
                self.finishes.push(Reverse((
                    r.predicted_finish_ms.max(0.0).to_bits(),
                    run,
                    r.version,
                )));
            }
        }
    }

    /// Finishes, in time order, every local run predicted to end by `now`;
    /// their pods complete after the node's network cost.
    fn advance(&mut self, now: f64) {
        self.collect_changed();
        while let Some(&Reverse((bits, run, version))) = self.finishes.peek() {
            let t = f64::from_bits(bits);
            if t > now {
                break;
            }
            self.finishes.pop();
            let Some(r) = self.cluster.run(run) else {
                continue;
            };
            if r.version != version {
                continue;
            }
            let node = r.node;
            self.cluster.finish(run, t);
            self.collect_changed();
            if let Some(uid) = self.run_owner.remove(&run) {
                if let Some(s) = self.started.get_mut(&uid) {
                    s.run = None;
                }
                let network = self.scenario.nodes[node as usize].network_ms;
                self.completing.push((t + network, uid));
            }
        }
    }

    /// Drops a started pod's local run (its pod went away).
    pub(super) fn drop_run(&mut self, uid: &str, now: f64) {
        if let Some(s) = self.started.get_mut(uid)
            && let Some(run) = s.run.take()
        {
            self.cluster.finish(run, now);
            self.run_owner.remove(&run);
            self.collect_changed();
        }
        self.completing.retain(|(_, u)| u != uid);
    }

    async fn on_events(
        &mut self,
        batch: Vec<std::result::Result<watcher::Event<Pod>, watcher::Error>>,
    ) -> Result<()> {
        let now = self.now_ms();
        self.advance(now);
        let mut patches = Vec::new();
        let mut deletions = Vec::new();
        for event in batch {
            match event {
                Ok(watcher::Event::Apply(pod) | watcher::Event::InitApply(pod)) => {
                    self.last_watch_error = None;
                    self.observe(pod, now, &mut patches, &mut deletions);
                }
                Ok(watcher::Event::Delete(pod)) => {
                    let uid = pod.metadata.uid.clone().unwrap_or_default();
                    let name = pod.metadata.name.clone().unwrap_or_default();
                    self.kill(&uid);
                    self.drop_run(&uid, now);
                    if self.started.remove(&uid).is_some() {
                        tracing::info!(
                            "pod {}/{name} deleted; dropped from the emulation",
                            self.namespace
                        );
                    }
                    if let Some(c) = self.created.get_mut(&name)
                        && c.uid == uid
                    {
                        c.see(pod, &self.scenario.profile);
                        c.gone = !c.finished();
                    }
                }
                Ok(watcher::Event::Init | watcher::Event::InitDone) => {}
                Err(e) => self.watch_error(e)?,
            }
        }
        self.send_status(patches).await?;
        self.complete_deletions(deletions).await
    }

    fn watch_error(&mut self, e: watcher::Error) -> Result<()> {
        let forbidden = match &e {
            watcher::Error::InitialListFailed(::kube::Error::Api(s))
            | watcher::Error::WatchStartFailed(::kube::Error::Api(s))
            | watcher::Error::WatchFailed(::kube::Error::Api(s)) => s.is_forbidden(),
            watcher::Error::WatchError(s) => s.is_forbidden(),
            _ => false,
        };
        if forbidden {
            return Err(Error::Cluster(format!(
                "cannot watch pods in namespace {}: {e} — the kubeconfig's user lacks the RBAC permission",
                self.namespace
            )));
        }
        let message = e.to_string();
        if self.last_watch_error.as_ref() != Some(&message) {
            tracing::info!(
                "watching pods in namespace {}: {message}; retrying",
                self.namespace
            );
            self.last_watch_error = Some(message);
        }
        Ok(())
    }

    /// Handles the latest version of a pod: remembers it, drops it when it
    /// is being deleted, starts it when it was bound to one of our nodes.
    fn observe(
        &mut self,
        pod: Pod,
        now: f64,
        patches: &mut Vec<StatusPatch>,
        deletions: &mut Vec<(String, String)>,
    ) {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let node_name = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .filter(|n| !n.is_empty());
        let ours = node_name.as_deref().and_then(|n| self.scenario.node_id(n));
        let mut terminal = pod_is_terminal(&pod);
        let deleting = pod.metadata.deletion_timestamp.is_some();
        if let Some(c) = self.created.get_mut(&name)
            && c.uid == uid
        {
            c.see(pod.clone(), &self.scenario.profile);
            // An older version seen after the pod finished.
            terminal |= c.finished();
            if deleting && !terminal {
                c.gone = true;
            }
        }
        if deleting {
            self.kill(&uid);
            if self.started.contains_key(&uid) {
                self.drop_run(&uid, now);
                self.started.remove(&uid);
                tracing::info!(
                    "pod {}/{name} is being deleted; dropped from the emulation",
                    self.namespace
                );
            }
            // Without a kubelet, a bound pod's graceful deletion never
            // completes: finish it as the kubelet would.
            if ours.is_some() && !terminal {
                deletions.push((name, uid));
            }
            return;
        }
        let Some(node) = ours else { return };
        if terminal || self.started.contains_key(&uid) || self.ignored.contains(&uid) {
            return;
        }
        let phase = pod
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_else(|| "Pending".into());
        let object = format!("pod {}/{name}", self.namespace);
        if let Some(run) = exec::run_of(&pod) {
            let node_name = self.scenario.nodes[node as usize].name.clone();
            self.execute(&pod, run, &node_name, patches);
            return;
        }
        let mapped = match map_pod(&pod, &self.scenario.profile) {
            Ok(m) => m,
            Err(e) => {
                tracing::info!(
                    "{object} is bound to node {} but is not a synergai job ({e}); left alone",
                    self.scenario.nodes[node as usize].name
                );
                self.ignored.insert(uid);
                return;
            }
        };
        for w in &mapped.warnings {
            tracing::info!("{w}");
        }
        let job = mapped.value;
        let nodes = self.scenario.nodes.clone();
        let spec = &nodes[node as usize];
        let (placement, note) =
            match placement_for(&self.scenario.profile, &self.plan, &job, spec.arch) {
                Ok(p) => p,
                Err(why) => {
                    tracing::info!("{object} cannot run on node {}: {why}", spec.name);
                    let now_ts = Timestamp::now().to_string();
                    self.started.insert(
                        uid.clone(),
                        Started {
                            name: name.clone(),
                            run: None,
                            started: Timestamp::now(),
                        },
                    );
                    patches.push(StatusPatch {
                        body: terminated_patch(
                            &uid,
                            &now_ts,
                            &now_ts,
                            Some(("UnsupportedConfiguration", &why)),
                        ),
                        name,
                        uid,
                        what: "failed",
                    });
                    return;
                }
            };
        if let Some(note) = note {
            tracing::info!("{object}: {note}");
        }
        // The emulated work: the scenario's queries for our own pods, the
        // declared queries scaled back to emulated time for others.
        let queries = match self.created.get(&name) {
            Some(c) if c.uid == uid => self.scenario.jobs[c.job].queries,
            _ => ((job.queries as f64 * self.speed).round() as u64).max(1),
        };
        let job_id = self.created.get(&name).map_or(u32::MAX, |c| c.job as u32);
        let (free_cores, free_mem, free_gpus) = self.cluster.free(node);
        if placement.threads > free_cores
            || placement.memory_mib > free_mem
            || placement.gpus > free_gpus
        {
            tracing::info!(
                "{object}: {}×{} ({} MiB, {} GPU) does not fit what is free on node {} ({free_cores} cores, {free_mem} MiB, {free_gpus} GPUs); running it anyway",
                placement.engine,
                placement.threads,
                placement.memory_mib,
                placement.gpus,
                spec.name
            );
        }
        let run = self
            .cluster
            .place(node, job_id, queries, &placement, now, false);
        self.run_owner.insert(run, uid.clone());
        self.collect_changed();
        let predicted = self.cluster.run(run).map_or(0.0, |r| r.predicted_finish_ms);
        let adopted = phase == "Running";
        let started_at = if adopted {
            job.started.unwrap_or_else(Timestamp::now)
        } else {
            Timestamp::now()
        };
        self.started.insert(
            uid.clone(),
            Started {
                name: name.clone(),
                run: Some(run),
                started: started_at,
            },
        );
        tracing::info!(
            "{object} {} on node {} ({}×{}, {} queries, predicted to finish in {:.1} s)",
            if adopted {
                "already running; its run restarts now"
            } else {
                "running"
            },
            spec.name,
            placement.engine,
            placement.threads,
            queries,
            (predicted + spec.network_ms - now) / self.speed / 1000.0
        );
        if !adopted {
            patches.push(StatusPatch {
                body: running_patch(&uid, &started_at.to_string()),
                name,
                uid,
                what: "running",
            });
        }
    }

    // ------------------------------------------------------ executed pods

    /// Starts a pod of the project's image as a local process, or fails it
    /// with the reason it cannot run here.
    fn execute(
        &mut self,
        pod: &Pod,
        run: std::result::Result<exec::Run, String>,
        node: &str,
        patches: &mut Vec<StatusPatch>,
    ) {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let object = format!("pod {}/{name}", self.namespace);
        let now = Timestamp::now();
        self.started.insert(
            uid.clone(),
            Started {
                name: name.clone(),
                run: None,
                started: now,
            },
        );
        let fail = |why: &str, patches: &mut Vec<StatusPatch>, container: &str, image: &str| {
            tracing::info!("{object} cannot run on node {node}: {why}");
            patches.push(StatusPatch {
                body: container_terminated_patch(
                    &uid,
                    container,
                    image,
                    &now.to_string(),
                    &now.to_string(),
                    Exit::Failed {
                        code: 128,
                        reason: "ContainerCannotRun",
                        message: why,
                    },
                ),
                name: name.clone(),
                uid: uid.clone(),
                what: "failed",
            });
        };
        let run = match run {
            Ok(run) => run,
            Err(why) => return fail(&why, patches, "main", exec::IMAGE_NAME),
        };
        let exe = match crate::runtime::this_binary() {
            Ok(exe) => exe,
            Err(e) => {
                return fail(
                    &format!("the emulator cannot find its own binary: {e}"),
                    patches,
                    &run.container,
                    &run.image,
                );
            }
        };
        let spawned = exec::spawn(
            &run,
            &exe,
            self.logs.clone(),
            (&self.namespace, &name, &uid),
            self.exits.0.clone(),
        );
        match spawned {
            Ok(task) => {
                tracing::info!(
                    "{object} running on node {node}: synergai {}",
                    run.args.join(" ")
                );
                patches.push(StatusPatch {
                    body: container_running_patch(
                        &uid,
                        &run.container,
                        &run.image,
                        &now.to_string(),
                    ),
                    name: name.clone(),
                    uid: uid.clone(),
                    what: "running",
                });
                self.executing
                    .insert(uid.clone(), Executing { name, run, task });
            }
            Err(e) => fail(
                &format!("cannot start {}: {e}", exe.display()),
                patches,
                &run.container,
                &run.image,
            ),
        }
    }

    /// Kills an executed pod's process (its pod is going away).
    fn kill(&mut self, uid: &str) {
        if let Some(e) = self.executing.remove(uid) {
            e.task.abort();
            tracing::info!(
                "pod {}/{}: process killed (pod deleted)",
                self.namespace,
                e.name
            );
        }
    }

    /// Reports an executed pod's end as the kubelet does.
    async fn on_exit(&mut self, exited: Exited) -> Result<()> {
        let Some(e) = self.executing.remove(&exited.uid) else {
            return Ok(()); // killed meanwhile
        };
        let message = if exited.code != 0 && e.run.fallback_to_logs {
            self.logs
                .tail(&self.namespace, &e.name, &e.run.container, 2048)
        } else {
            String::new()
        };
        let exit = if exited.code == 0 {
            Exit::Completed
        } else {
            Exit::Failed {
                code: exited.code,
                reason: "Error",
                message: &message,
            }
        };
        tracing::info!(
            "pod {}/{} exited with code {}",
            self.namespace,
            e.name,
            exited.code
        );
        let body = container_terminated_patch(
            &exited.uid,
            &e.run.container,
            &e.run.image,
            &exited.started.to_string(),
            &exited.finished.to_string(),
            exit,
        );
        self.send_status(vec![StatusPatch {
            body,
            name: e.name,
            uid: exited.uid,
            what: if exited.code == 0 {
                "succeeded"
            } else {
                "failed"
            },
        }])
        .await
    }

    // ------------------------------------------------------------ summary

    pub(super) fn summary(&self) -> Summary {
        Summary::count(self.scenario.jobs.len(), &self.created)
    }
}

// ------------------------------------------------- what a bound pod holds

/// The configuration a bound pod runs: its decision annotations when the
/// profile has that configuration for the pod's model on the node's
/// architecture ([`decided_placement`], as the scheduler and the dashboard
/// count it), else the plan's knee (with a note saying why): an emulated
/// kubelet must run something for a pod bound without a usable decision.
///
/// This is what a bound pod holds in the emulation: the run started for
/// it (`Emulator::observe`) takes `threads` cores, `memory_mib` and
/// [`Placement::gpus`] of its node. `Err` (the pod is then marked `Failed`,
/// `UnsupportedConfiguration`) when the plan has no knee either.
pub fn placement_for(
    profile: &Profile,
    plan: &OfflinePlan,
    job: &PodJob,
    arch: ArchId,
) -> std::result::Result<(Placement, Option<String>), String> {
    let model = &profile.model(job.model).name;
    let arch_name = &profile.arch(arch).name;
    let knee = |why: String| match plan.get(job.model, arch) {
        Some(p) => Ok((
            p.knee.placement(),
            Some(format!(
                "{why}; running the plan's knee for {model} on {arch_name} ({}×{})",
                p.knee.engine, p.knee.threads
            )),
        )),
        None => Err(format!(
            "profile {} has no configuration of {model} on {arch_name}",
            profile.name
        )),
    };
    if let Some(placement) = decided_placement(job, arch, profile) {
        return Ok((placement, None));
    }
    match (job.engine, job.threads) {
        (Some(engine), Some(threads)) => knee(format!(
            "decision {engine}×{threads} is not in profile {} for {model} on {arch_name}",
            profile.name
        )),
        _ => knee(format!(
            "no decision annotations ({ANN_ENGINE}, {ANN_THREADS})"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::objects::job_pod;
    use super::*;
    use crate::k8s::mapping::{ANN_MODEL, decision_annotations};
    use crate::model::Engine;

    #[test]
    fn placement_from_decisions_or_the_knee() {
        let scenario = crate::fixture::load_default().unwrap();
        let profile = &scenario.profile;
        let plan = OfflinePlan::new(profile, profile.knee_threshold);
        let xeon = profile.arch_id("xeon-vm").unwrap();
        let resnet = profile.model_id("resnet50").unwrap();
        let mut pod = job_pod(&scenario, &scenario.jobs[0], "p", "ns", 1.0);
        pod.metadata
            .annotations
            .as_mut()
            .unwrap()
            .insert(ANN_MODEL.into(), "resnet50".into());
        let knee = plan.get(resnet, xeon).unwrap().knee;
        let job = map_pod(&pod, profile).unwrap().value;
        let (p, note) = placement_for(profile, &plan, &job, xeon).unwrap();
        assert_eq!((p.engine, p.threads), (knee.engine, knee.threads));
        assert!(note.unwrap().contains("no decision annotations"));

        pod.metadata
            .annotations
            .as_mut()
            .unwrap()
            .extend(decision_annotations(Engine::ONNXRUNTIME, 2, 10.0, "test"));
        let job = map_pod(&pod, profile).unwrap().value;
        let (p, note) = placement_for(profile, &plan, &job, xeon).unwrap();
        assert_eq!((p.engine, p.threads, note), (Engine::ONNXRUNTIME, 2, None));
        let row = profile.row(resnet, xeon, Engine::ONNXRUNTIME, 2).unwrap();
        assert_eq!(p.base_qps, row.qps);
        assert_eq!(
            p.startup_ms,
            profile.arch(xeon).startup_ms(Engine::ONNXRUNTIME)
        );

        // TensorRT has no rows on a CPU-only architecture: the knee runs.
        pod.metadata
            .annotations
            .as_mut()
            .unwrap()
            .extend(decision_annotations(Engine::TENSORRT, 2, 10.0, "test"));
        let job = map_pod(&pod, profile).unwrap().value;
        let (p, note) = placement_for(profile, &plan, &job, xeon).unwrap();
        assert_eq!((p.engine, p.threads), (knee.engine, knee.threads));
        assert!(note.unwrap().contains("not in profile"));
    }
}
