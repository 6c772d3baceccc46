//! What the emulator sends the API server: requests retried through
//! outages, failures as errors naming the verb and object, and the
//! emulator's writes — the namespace, the job pods at their arrival, the
//! status patches of its kubelets, the completion of bound pods' deletion.

use super::emulator::{Emulator, StatusPatch};
use super::objects::{job_pod, namespace_object, terminated_patch};
use super::summary::{CreatedPod, Seen};
use super::{LABEL_MANAGED_BY, MANAGER};
use crate::error::{Error, Result};
use crate::k8s::mapping::{ANN_MODEL, ANN_QOS_MS, ANN_QUERIES};
use ::kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use futures_util::{StreamExt, stream};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use k8s_openapi::jiff::Timestamp;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Requests in flight at once when many objects change in one tick.
pub(super) const CONCURRENCY: usize = 32;

/// A request that failed, as an [`Error::Cluster`] naming the verb and object.
pub(super) fn api_error(verb: &str, object: &str, e: ::kube::Error) -> Error {
    match e {
        ::kube::Error::Api(s) => {
            let hint = if s.is_forbidden() {
                " — the kubeconfig's user lacks the RBAC permission"
            } else if s.is_already_exists() && object.starts_with("pod ") {
                " — left by an earlier emulation? Delete those pods (label app.kubernetes.io/managed-by=synergai-emulate) or use another namespace (-n)"
            } else {
                ""
            };
            Error::Cluster(format!(
                "cannot {verb} {object}: {} (HTTP {} {}){hint}",
                s.message.trim(),
                s.code,
                s.reason
            ))
        }
        other => Error::Cluster(format!("cannot {verb} {object}: {other}")),
    }
}

fn is_not_found(e: &::kube::Error) -> bool {
    matches!(e, ::kube::Error::Api(s) if s.is_not_found())
}

/// Worth retrying: the server was not reached or is overloaded.
fn transient(e: &::kube::Error) -> bool {
    match e {
        ::kube::Error::Api(s) => matches!(s.code, 429 | 500 | 502 | 503 | 504),
        ::kube::Error::HyperError(_) | ::kube::Error::Service(_) => true,
        _ => false,
    }
}

/// How long a request keeps being retried through an outage.
const RETRY_FOR: Duration = Duration::from_secs(60);

/// Runs an idempotent request, retrying transient failures (server
/// unreachable, overloaded, 5xx) with exponential backoff (0.1 s doubling
/// to 5 s) for up to [`RETRY_FOR`], so an API-server restart is ridden out.
pub(super) async fn retrying<T>(
    mut request: impl AsyncFnMut() -> ::kube::Result<T>,
) -> ::kube::Result<T> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        match request().await {
            Err(e) if transient(&e) && start.elapsed() + delay < RETRY_FOR => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            other => return other,
        }
    }
}

/// Creates a pod, retrying like [`retrying`]; a retry that finds the pod
/// already there (the first attempt landed but its answer was lost) reads
/// it instead of failing.
async fn create_pod(api: &Api<Pod>, pod: &Pod) -> ::kube::Result<Pod> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let mut attempted = false;
    retrying(async || {
        let result = api.create(&post_params(), pod).await;
        match result {
            Err(::kube::Error::Api(s)) if s.is_already_exists() && attempted => {
                api.get(&name).await
            }
            other => {
                attempted = true;
                other
            }
        }
    })
    .await
}

pub(super) fn post_params() -> PostParams {
    PostParams {
        field_manager: Some(MANAGER.into()),
        ..PostParams::default()
    }
}

pub(super) fn patch_params() -> PatchParams {
    PatchParams {
        field_manager: Some(MANAGER.into()),
        ..PatchParams::default()
    }
}

fn annotation<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .map(String::as_str)
}

impl Emulator {
    /// Creates the namespace when it does not exist, and refuses to start
    /// when a job's pod name is taken.
    pub(super) async fn prepare_namespace(&mut self) -> Result<()> {
        let namespaces: Api<Namespace> = Api::all(self.pods.clone().into_client());
        let object = format!("namespace {}", self.namespace);
        match namespaces.get_opt(&self.namespace).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                let ns = namespace_object(&self.namespace);
                match namespaces.create(&post_params(), &ns).await {
                    Ok(_) => tracing::info!("created {object}"),
                    Err(::kube::Error::Api(s)) if s.is_already_exists() => {}
                    Err(e) => return Err(api_error("create", &object, e)),
                }
            }
            // Not allowed to read namespaces: the pod calls will tell.
            Err(::kube::Error::Api(s)) if s.is_forbidden() => {}
            Err(e) => return Err(api_error("get", &object, e)),
        }
        let existing = self
            .pods
            .list(&ListParams::default())
            .await
            .map_err(|e| api_error("list", &format!("pods in {object}"), e))?;
        let wanted: HashSet<&str> = self.pod_names.iter().map(String::as_str).collect();
        let taken: Vec<String> = existing
            .items
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .filter(|n| wanted.contains(n.as_str()))
            .collect();
        if !taken.is_empty() {
            let shown: Vec<&str> = taken.iter().take(5).map(String::as_str).collect();
            return Err(Error::Cluster(format!(
                "{} of the scenario's pods already exist in {object} ({}{}): left by an earlier emulation? Delete them (label {LABEL_MANAGED_BY}={MANAGER}) or use another namespace (-n)",
                taken.len(),
                shown.join(", "),
                if taken.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            )));
        }
        Ok(())
    }

    /// Creates the pods of the jobs that have arrived.
    pub(super) async fn create_due(&mut self, now: f64) -> Result<()> {
        let mut batch = Vec::new();
        while self.next_job < self.scenario.jobs.len()
            && self.scenario.jobs[self.next_job].arrival_ms <= now
        {
            let j = self.next_job;
            let pod = job_pod(
                &self.scenario,
                &self.scenario.jobs[j],
                &self.pod_names[j],
                &self.namespace,
                self.speed,
            );
            batch.push((j, pod));
            self.next_job += 1;
        }
        if batch.is_empty() {
            return Ok(());
        }
        let requests = batch.into_iter().map(|(j, pod)| {
            let api = self.pods.clone();
            async move { (j, create_pod(&api, &pod).await) }
        });
        let results: Vec<_> = stream::iter(requests)
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut first_error = None;
        for (j, result) in results {
            let name = self.pod_names[j].clone();
            match result {
                Ok(pod) => {
                    let declared = |key: &str| annotation(&pod, key).unwrap_or("?").to_string();
                    tracing::info!(
                        "pod {}/{name} created ({}, {} queries, qos {} ms)",
                        self.namespace,
                        declared(ANN_MODEL),
                        declared(ANN_QUERIES),
                        declared(ANN_QOS_MS),
                    );
                    let mut created = CreatedPod {
                        job: j,
                        uid: pod.metadata.uid.clone().unwrap_or_default(),
                        seen: Seen::Live(Box::default()),
                        gone: false,
                    };
                    created.see(pod, &self.scenario.profile);
                    self.created.insert(name, created);
                }
                Err(e) => {
                    let object = format!("pod {}/{name}", self.namespace);
                    first_error.get_or_insert(api_error("create", &object, e));
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Reports the pods whose completion time has come as `Succeeded`.
    pub(super) async fn report_completions(&mut self, now: f64) -> Result<()> {
        if self.completing.is_empty() {
            return Ok(());
        }
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.completing)
            .into_iter()
            .partition(|(t, _)| *t <= now);
        self.completing = later;
        let now_ts = Timestamp::now().to_string();
        let patches = due
            .into_iter()
            .filter_map(|(_, uid)| {
                let s = self.started.get(&uid)?;
                Some(StatusPatch {
                    body: terminated_patch(&uid, &s.started.to_string(), &now_ts, None),
                    name: s.name.clone(),
                    uid,
                    what: "succeeded",
                })
            })
            .collect();
        self.send_status(patches).await
    }

    pub(super) async fn send_status(&mut self, patches: Vec<StatusPatch>) -> Result<()> {
        if patches.is_empty() {
            return Ok(());
        }
        let requests = patches.into_iter().map(|p| {
            let api = self.pods.clone();
            async move {
                let params = patch_params();
                let result = retrying(async || {
                    api.patch_status(&p.name, &params, &Patch::Strategic(&p.body))
                        .await
                })
                .await;
                (p, result)
            }
        });
        let results: Vec<_> = stream::iter(requests)
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let now = self.now_ms();
        let mut first_error = None;
        for (p, result) in results {
            let object = format!("pod {}/{}", self.namespace, p.name);
            match result {
                Ok(pod) => {
                    if p.what == "succeeded"
                        && let Some(s) = self.started.get(&p.uid)
                    {
                        let secs = Timestamp::now().duration_since(s.started).as_secs_f64();
                        tracing::info!("{object} succeeded after {secs:.1} s");
                    } else if p.what == "failed" {
                        tracing::info!("{object} failed");
                    }
                    if let Some(c) = self.created.get_mut(&p.name)
                        && c.uid == p.uid
                    {
                        c.see(pod, &self.scenario.profile);
                        // Finished for good: nothing to keep of its run.
                        if c.finished() {
                            self.started.remove(&p.uid);
                        }
                    }
                }
                Err(e) if is_not_found(&e) => {
                    tracing::info!("{object} is gone; dropped from the emulation");
                    self.drop_run(&p.uid, now);
                    self.started.remove(&p.uid);
                    if let Some(c) = self.created.get_mut(&p.name)
                        && c.uid == p.uid
                    {
                        c.gone = true;
                    }
                }
                Err(e) => {
                    first_error.get_or_insert(api_error(
                        &format!("mark {} (patch status of)", p.what),
                        &object,
                        e,
                    ));
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Completes the deletion of bound pods being deleted (grace period 0,
    /// only the same pod: uid precondition).
    pub(super) async fn complete_deletions(
        &mut self,
        deletions: Vec<(String, String)>,
    ) -> Result<()> {
        for (name, uid) in deletions {
            let params = DeleteParams {
                grace_period_seconds: Some(0),
                preconditions: Some(::kube::api::Preconditions {
                    uid: Some(uid),
                    resource_version: None,
                }),
                ..DeleteParams::default()
            };
            match self.pods.delete(&name, &params).await {
                Ok(_) => {}
                Err(::kube::Error::Api(s)) if s.is_not_found() || s.is_conflict() => {}
                Err(e) => {
                    return Err(api_error(
                        "delete",
                        &format!("pod {}/{name}", self.namespace),
                        e,
                    ));
                }
            }
        }
        Ok(())
    }
}
