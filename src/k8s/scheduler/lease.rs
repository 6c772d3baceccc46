//! Leader election on a `coordination.k8s.io/v1` Lease, as kube-scheduler
//! and client-go do it: only the holder binds; the holder renews every
//! retry period and steps down if it cannot renew within the renew
//! deadline; a standby takes the lease once it has seen the same record
//! unchanged for a whole lease duration (its own clock, so clock skew
//! between machines does not matter); a holder that stops gracefully
//! releases the lease so a standby takes over at its next retry.
//! Every write carries the `resourceVersion` it read, so two candidates
//! never both win: the API server rejects the slower one with a conflict.

use ::kube::api::{Api, PostParams};
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How a candidate takes part in the election.
#[derive(Clone, Debug)]
pub struct LeaseConfig {
    pub name: String,
    pub namespace: String,
    /// This candidate's unique name (`HOST_PID_RANDOM`).
    pub identity: String,
    /// How long a standby waits after the last renewal it saw.
    pub lease_duration: Duration,
    /// How long the holder keeps trying to renew before it steps down.
    pub renew_deadline: Duration,
    /// Time between attempts (acquire and renew).
    pub retry_period: Duration,
}

impl LeaseConfig {
    /// kube-scheduler's rule: lease duration > renew deadline > retry
    /// period × 1.2 (the jitter), all positive.
    pub fn check(&self) -> Result<(), String> {
        if self.retry_period.is_zero() {
            return Err("--leader-elect-retry-period must be positive".into());
        }
        if self.renew_deadline.as_secs_f64() <= self.retry_period.as_secs_f64() * 1.2 {
            return Err(format!(
                "--leader-elect-renew-deadline ({:?}) must be more than 1.2 × --leader-elect-retry-period ({:?})",
                self.renew_deadline, self.retry_period
            ));
        }
        if self.lease_duration <= self.renew_deadline {
            return Err(format!(
                "--leader-elect-lease-duration ({:?}) must be more than --leader-elect-renew-deadline ({:?})",
                self.lease_duration, self.renew_deadline
            ));
        }
        Ok(())
    }
}

/// A unique identity for this process.
pub fn identity() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "synergai".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{host}_{}_{nanos:08x}", std::process::id())
}

/// The part of a lease record whose change proves its holder is alive.
#[derive(Clone, Debug, PartialEq)]
struct Record {
    holder: Option<String>,
    renew: Option<MicroTime>,
    transitions: Option<i32>,
    duration_s: Option<i32>,
}

impl Record {
    fn of(spec: &LeaseSpec) -> Record {
        Record {
            holder: spec.holder_identity.clone().filter(|h| !h.is_empty()),
            renew: spec.renew_time.clone(),
            transitions: spec.lease_transitions,
            duration_s: spec.lease_duration_seconds,
        }
    }
}

/// What an attempt found.
#[derive(Debug, PartialEq)]
pub enum Attempt {
    /// We hold the lease (taken or renewed).
    Held,
    /// Someone else holds it (their identity).
    Other(String),
}

/// One candidate.
pub struct Elector {
    api: Api<Lease>,
    config: LeaseConfig,
    /// The last record seen and when it was first seen in this form.
    observed: Option<(Record, Instant)>,
}

fn now() -> MicroTime {
    MicroTime(k8s_openapi::jiff::Timestamp::now())
}

fn seconds(d: Duration) -> i32 {
    d.as_secs_f64().ceil().clamp(1.0, f64::from(i32::MAX)) as i32
}

impl Elector {
    pub fn new(client: ::kube::Client, config: LeaseConfig) -> Elector {
        Elector {
            api: Api::namespaced(client, &config.namespace),
            config,
            observed: None,
        }
    }

    pub fn config(&self) -> &LeaseConfig {
        &self.config
    }

    /// Takes the lease if it is free or expired, or renews it if ours.
    pub async fn try_acquire_or_renew(&mut self) -> Result<Attempt, ::kube::Error> {
        let me = self.config.identity.clone();
        let existing = match self.api.get_opt(&self.config.name).await? {
            Some(lease) => lease,
            None => {
                let lease = Lease {
                    metadata: ObjectMeta {
                        name: Some(self.config.name.clone()),
                        namespace: Some(self.config.namespace.clone()),
                        ..Default::default()
                    },
                    spec: Some(LeaseSpec {
                        holder_identity: Some(me),
                        lease_duration_seconds: Some(seconds(self.config.lease_duration)),
                        acquire_time: Some(now()),
                        renew_time: Some(now()),
                        lease_transitions: Some(0),
                        ..Default::default()
                    }),
                };
                return match self.api.create(&PostParams::default(), &lease).await {
                    Ok(created) => {
                        self.observe(created.spec.as_ref());
                        Ok(Attempt::Held)
                    }
                    Err(::kube::Error::Api(s)) if s.code == 409 => Ok(Attempt::Other(
                        "another candidate (created it first)".into(),
                    )),
                    Err(e) => Err(e),
                };
            }
        };
        let spec = existing.spec.clone().unwrap_or_default();
        let record = Record::of(&spec);
        if self.observed.as_ref().is_none_or(|(r, _)| *r != record) {
            self.observed = Some((record.clone(), Instant::now()));
        }
        let ours = record.holder.as_deref() == Some(me.as_str());
        if let Some(holder) = &record.holder
            && !ours
        {
            let duration = record
                .duration_s
                .filter(|s| *s > 0)
                .map_or(self.config.lease_duration, |s| {
                    Duration::from_secs(s as u64)
                });
            let seen = self
                .observed
                .as_ref()
                .map_or_else(Instant::now, |(_, t)| *t);
            if seen.elapsed() < duration {
                return Ok(Attempt::Other(holder.clone()));
            }
        }
        let mut lease = existing;
        lease.spec = Some(LeaseSpec {
            holder_identity: Some(me),
            lease_duration_seconds: Some(seconds(self.config.lease_duration)),
            acquire_time: if ours {
                spec.acquire_time.clone()
            } else {
                Some(now())
            },
            renew_time: Some(now()),
            lease_transitions: Some(
                spec.lease_transitions.unwrap_or(0) + i32::from(!ours && record.holder.is_some()),
            ),
            ..spec
        });
        match self
            .api
            .replace(&self.config.name, &PostParams::default(), &lease)
            .await
        {
            Ok(updated) => {
                self.observe(updated.spec.as_ref());
                Ok(Attempt::Held)
            }
            // Someone wrote first (renewed, or took it): theirs.
            Err(::kube::Error::Api(s)) if s.code == 409 => Ok(Attempt::Other(
                record.holder.unwrap_or_else(|| "another candidate".into()),
            )),
            Err(e) => Err(e),
        }
    }

    fn observe(&mut self, spec: Option<&LeaseSpec>) {
        if let Some(spec) = spec {
            self.observed = Some((Record::of(spec), Instant::now()));
        }
    }

    /// Gives the lease up if we hold it: no holder, a one-second duration,
    /// so a standby takes it at its next attempt.
    pub async fn release(&mut self) -> Result<bool, ::kube::Error> {
        let Some(mut lease) = self.api.get_opt(&self.config.name).await? else {
            return Ok(false);
        };
        let spec = lease.spec.clone().unwrap_or_default();
        if spec.holder_identity.as_deref() != Some(self.config.identity.as_str()) {
            return Ok(false);
        }
        lease.spec = Some(LeaseSpec {
            holder_identity: None,
            lease_duration_seconds: Some(1),
            renew_time: Some(now()),
            acquire_time: Some(now()),
            ..spec
        });
        match self
            .api
            .replace(&self.config.name, &PostParams::default(), &lease)
            .await
        {
            Ok(_) => Ok(true),
            Err(::kube::Error::Api(s)) if s.code == 409 => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// Takes part in the election until `stop` turns true, publishing whether
/// we lead on `leading`; releases the lease on the way out if held.
pub async fn run(
    mut elector: Elector,
    leading: watch::Sender<bool>,
    mut stop: watch::Receiver<bool>,
) {
    let config = elector.config().clone();
    let lease = format!("{}/{}", config.namespace, config.name);
    let mut last_renew: Option<Instant> = None;
    let mut reported: Option<String> = None;
    loop {
        let is_leader = *leading.borrow();
        match elector.try_acquire_or_renew().await {
            Ok(Attempt::Held) => {
                last_renew = Some(Instant::now());
                if !is_leader {
                    tracing::info!(
                        "became the leader: lease {lease} held by {}",
                        config.identity
                    );
                    let _ = leading.send(true);
                    reported = None;
                }
            }
            Ok(Attempt::Other(holder)) => {
                if is_leader {
                    tracing::warn!("lost the lease {lease} to {holder}: standing by");
                    let _ = leading.send(false);
                    last_renew = None;
                }
                if reported.as_deref() != Some(holder.as_str()) {
                    tracing::info!("standing by: lease {lease} is held by {holder}");
                    reported = Some(holder);
                }
            }
            Err(e) => {
                tracing::warn!("lease {lease}: {e} (retrying)");
                if is_leader && last_renew.is_none_or(|t| t.elapsed() >= config.renew_deadline) {
                    tracing::warn!(
                        "could not renew the lease {lease} within {:?}: standing by",
                        config.renew_deadline
                    );
                    let _ = leading.send(false);
                    last_renew = None;
                }
            }
        }
        // Candidates wait a little longer than the holder renews (jitter),
        // so a holder renews before a standby looks again.
        let wait = if *leading.borrow() {
            config.retry_period
        } else {
            config.retry_period.mul_f64(1.0 + jitter() * 0.2)
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
    if *leading.borrow() {
        let _ = leading.send(false);
        match elector.release().await {
            Ok(true) => tracing::info!("released the lease {lease}"),
            Ok(false) => {}
            Err(e) => tracing::warn!(
                "could not release the lease {lease}: {e} (a standby takes it once it expires)"
            ),
        }
    }
}

/// A number in [0, 1) that differs between processes and calls.
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let x = u64::from(nanos) ^ (u64::from(std::process::id()) << 20);
    (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(lease: u64, renew: u64, retry: u64) -> LeaseConfig {
        LeaseConfig {
            name: "synergai-scheduler".into(),
            namespace: "default".into(),
            identity: identity(),
            lease_duration: Duration::from_millis(lease),
            renew_deadline: Duration::from_millis(renew),
            retry_period: Duration::from_millis(retry),
        }
    }

    #[test]
    fn durations_must_nest_like_kube_schedulers() {
        assert!(config(15_000, 10_000, 2_000).check().is_ok());
        assert!(
            config(10_000, 10_000, 2_000)
                .check()
                .unwrap_err()
                .contains("lease-duration")
        );
        assert!(
            config(15_000, 2_000, 2_000)
                .check()
                .unwrap_err()
                .contains("renew-deadline")
        );
        assert!(
            config(15_000, 10_000, 0)
                .check()
                .unwrap_err()
                .contains("retry-period")
        );
    }

    #[test]
    fn identities_are_unique_per_process_and_jitter_stays_in_range() {
        let id = identity();
        assert!(id.contains(&format!("_{}_", std::process::id())), "{id}");
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }

    #[test]
    fn a_record_ignores_an_empty_holder() {
        let spec = LeaseSpec {
            holder_identity: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(Record::of(&spec).holder, None);
    }
}
