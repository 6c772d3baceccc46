//! Binding: `pods/binding` with the decision annotations and a
//! `Scheduled` event, `FailedScheduling` reports, the client-side rate
//! limit (kube-scheduler's `--kube-api-qps`/`--kube-api-burst`) and the
//! per-pod backoff after a failed bind.

use crate::k8s::{mapping, now_ms};
use ::kube::api::{Api, Patch, PatchParams, PostParams};
use ::kube::runtime::events::{Event, EventType, Recorder, Reporter};
use ::kube::{Resource, ResourceExt};
use k8s_openapi::api::core::v1::{Binding, ObjectReference, Pod};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// A pod whose bind failed waits this long before it is placed again,
/// doubling per failure up to the maximum (kube-scheduler's pod backoff).
const BACKOFF_INITIAL: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// Bind requests (each with its event) sent at once, whatever the rate
/// limit allows: a slow API server must not make them pile up. Unbounded,
/// 20,000 pods bound with `--kube-api-qps 1000` on a server answering in
/// 30 s held 20,000 connections (one per request) and 1.2 GiB.
pub(super) const BINDS_AT_ONCE: usize = 128;

/// How long a pod waits after its `failures`-th failed bind in a row.
pub(super) fn backoff(failures: u32) -> Duration {
    BACKOFF_INITIAL
        .saturating_mul(1 << failures.saturating_sub(1).min(8))
        .min(BACKOFF_MAX)
}

/// Why a bind did not land, and what to do about it.
#[derive(Debug)]
pub(super) enum BindFailure {
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

    pub(super) fn message(&self) -> &str {
        match self {
            BindFailure::Throttled(_, m) | BindFailure::Transient(m) | BindFailure::Refused(m) => m,
        }
    }
}

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

/// Binds a pod with its decision annotations and reports `Scheduled`.
pub(super) async fn bind(
    client: &::kube::Client,
    reporter: &Reporter,
    pod: &Pod,
    node: &str,
    a: &crate::policy::Assignment,
    placed_by: &str,
) -> std::result::Result<bool, BindFailure> {
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
            tracing::info!(
                "skipping {namespace}/{name}: {} (already bound or deleted)",
                s.message
            );
            return Ok(false);
        }
        Err(e) => {
            return Err(BindFailure::of(
                &format!("bind {namespace}/{name} to {node}"),
                e,
            ));
        }
    }
    tracing::info!(
        "bound {namespace}/{name} to {node} ({}×{}, predicted {})",
        a.config.engine,
        a.config.threads,
        crate::policy::fmt_ms(predicted)
    );
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
        tracing::warn!("event for {namespace}/{name}: {e}");
    }
    Ok(true)
}

/// `FailedScheduling` event and `PodScheduled=False, Unschedulable`, once
/// per distinct message; whether this call reported.
pub(super) async fn report_unschedulable(
    client: &::kube::Client,
    recorder: &Recorder,
    pod: &Pod,
    message: &str,
    reported: &mut HashMap<String, String>,
) -> bool {
    let uid = pod.uid().unwrap_or_default();
    if reported.get(&uid).is_some_and(|m| m == message) {
        return false;
    }
    reported.insert(uid, message.to_string());
    let name = pod.name_any();
    let namespace = pod.namespace().unwrap_or_else(|| "default".into());
    tracing::info!("cannot schedule {namespace}/{name}: {message}");
    let event = Event {
        type_: EventType::Warning,
        reason: "FailedScheduling".into(),
        note: Some(message.chars().take(1000).collect()),
        action: "Scheduling".into(),
        secondary: None,
    };
    if let Err(e) = recorder.publish(&event, &pod.object_ref(&())).await {
        tracing::warn!("event for {namespace}/{name}: {e}");
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
        tracing::warn!("condition for {namespace}/{name}: {e}");
    }
    true
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

    #[test]
    fn the_backoff_doubles_from_one_second_up_to_ten() {
        let waits: Vec<u64> = (1..=6).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 10, 10]);
    }
}
