//! What the emulator keeps of the pods it created, and the [`Summary`] it
//! counts from them.

use crate::k8s::mapping::{map_pod, pod_is_terminal};
use crate::model::Profile;
use k8s_openapi::api::core::v1::Pod;
use std::collections::HashMap;

/// A pod the emulator created for a job.
pub(super) struct CreatedPod {
    pub(super) job: usize,
    pub(super) uid: String,
    /// What the emulator last saw of it.
    pub(super) seen: Seen,
    /// Deleted (or being deleted) before it finished.
    pub(super) gone: bool,
}

/// A created pod as last seen.
pub(super) enum Seen {
    /// Not terminal yet: the latest version (create reply, watch, patch
    /// reply).
    Live(Box<Pod>),
    /// Succeeded or Failed, for good (a terminal pod never changes phase
    /// again, so an older version arriving later is ignored), reduced to
    /// what the summary counts: the emulator's memory does not grow with
    /// the pods it has finished (a whole `Pod` is tens of KiB).
    Finished {
        succeeded: bool,
        /// Measured latency and the declared QoS target, when known.
        latency_ms: Option<(f64, f64)>,
    },
}

impl CreatedPod {
    /// Records a newer version of the pod.
    pub(super) fn see(&mut self, pod: Pod, profile: &Profile) {
        if self.finished() {
            return;
        }
        self.seen = if pod_is_terminal(&pod) {
            Seen::Finished {
                succeeded: pod.status.as_ref().and_then(|s| s.phase.as_deref())
                    == Some("Succeeded"),
                latency_ms: map_pod(&pod, profile)
                    .ok()
                    .and_then(|m| Some((m.value.latency_ms()?, m.value.qos_ms))),
            }
        } else {
            Seen::Live(Box::new(pod))
        };
    }

    pub(super) fn finished(&self) -> bool {
        matches!(self.seen, Seen::Finished { .. })
    }
}

/// What the emulation counted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub jobs: usize,
    pub created: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub running: usize,
    pub pending: usize,
    pub deleted: usize,
    /// Finished pods whose measured latency was known.
    pub measured: usize,
    pub violations: usize,
    pub mean_latency_ms: Option<f64>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "summary: {} jobs, {} created, {} completed, {} failed, {} running, {} pending, {} deleted; QoS violations: {} of {} measured",
            self.jobs,
            self.created,
            self.succeeded,
            self.failed,
            self.running,
            self.pending,
            self.deleted,
            self.violations,
            self.measured
        )?;
        if let Some(mean) = self.mean_latency_ms {
            write!(f, ", mean latency {:.0} ms", mean)?;
        }
        write!(
            f,
            " (latency = container finishedAt − pod creationTimestamp, whole seconds as the API server stores them)"
        )
    }
}

impl Summary {
    /// The summary of an emulation of `jobs` jobs that created `created`
    /// (by pod name).
    pub(super) fn count(jobs: usize, created: &HashMap<String, CreatedPod>) -> Summary {
        let mut s = Summary {
            jobs,
            created: created.len(),
            ..Summary::default()
        };
        let mut latency_sum = 0.0;
        for c in created.values() {
            match &c.seen {
                Seen::Finished {
                    succeeded,
                    latency_ms,
                } => {
                    if *succeeded {
                        s.succeeded += 1;
                    } else {
                        s.failed += 1;
                    }
                    if let Some((latency, qos_ms)) = *latency_ms {
                        s.measured += 1;
                        latency_sum += latency;
                        if latency > qos_ms {
                            s.violations += 1;
                        }
                    }
                }
                _ if c.gone => s.deleted += 1,
                Seen::Live(pod)
                    if pod
                        .spec
                        .as_ref()
                        .and_then(|sp| sp.node_name.as_deref())
                        .is_some_and(|n| !n.is_empty()) =>
                {
                    s.running += 1
                }
                Seen::Live(_) => s.pending += 1,
            }
        }
        if s.measured > 0 {
            s.mean_latency_ms = Some(latency_sum / s.measured as f64);
        }
        s
    }
}
