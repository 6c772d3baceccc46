//! The scheduler's Prometheus metrics, named after kube-scheduler's where
//! there is one to follow (`schedule_attempts_total`, `pending_pods`, the
//! latency histograms) with the `synergai_` prefix, plus what only an
//! architecture-aware scheduler knows: QoS outcomes and how far measured
//! run times fall from the profile's predictions, by architecture.
//!
//! Served by [`super::serve`] at `/metrics` in the Prometheus text format
//! (OpenMetrics when the scraper asks for it).

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use std::sync::atomic::AtomicU64;

/// How a scheduling attempt ended (kube-scheduler's `result` label).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum AttemptResult {
    /// Bound (a `Scheduled` event went with it).
    Scheduled,
    /// Reported `FailedScheduling` (once per distinct reason per pod).
    Unschedulable,
    /// The bind failed (retried after a backoff).
    Error,
}

/// The label values are kube-scheduler's lower-case words.
macro_rules! label_values {
    ($($ty:ident { $($variant:ident => $text:literal),* })*) => {$(
        impl EncodeLabelValue for $ty {
            fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
                use std::fmt::Write;
                encoder.write_str(match self { $($ty::$variant => $text),* })
            }
        }
    )*};
}

label_values! {
    AttemptResult { Scheduled => "scheduled", Unschedulable => "unschedulable", Error => "error" }
    QosOutcome { Met => "met", Violated => "violated" }
    ReloadResult { Success => "success", Error => "error" }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AttemptLabels {
    result: AttemptResult,
    profile: String,
}

/// Whether a finished pod met its QoS target.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum QosOutcome {
    Met,
    Violated,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QosLabels {
    arch: String,
    outcome: QosOutcome,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ArchLabels {
    arch: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PassPodLabels {
    how: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    queue: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProfileLabels {
    name: String,
    digest: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
    commit: String,
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum ReloadResult {
    Success,
    Error,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReloadLabels {
    result: ReloadResult,
}

fn ratio_histogram() -> Histogram {
    Histogram::new([
        0.25, 0.5, 0.75, 0.9, 0.95, 1.0, 1.05, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0,
    ])
}

/// Every metric of `scheduler run`, shared by its loop, its bind tasks and
/// the HTTP server (each metric is atomic; no lock is held across awaits).
pub struct Metrics {
    registry: Registry,
    profile_name: String,
    attempts: Family<AttemptLabels, Counter>,
    decision_seconds: Histogram,
    pass_seconds: Histogram,
    e2e_seconds: Histogram,
    bind_seconds: Histogram,
    pending: Family<QueueLabels, Gauge>,
    pass_pods: Family<PassPodLabels, Counter>,
    binds_in_flight: Gauge,
    qos: Family<QosLabels, Counter>,
    run_time_ratio: Family<ArchLabels, Histogram, fn() -> Histogram>,
    leading: Gauge,
    profile: Family<ProfileLabels, Gauge>,
    profile_reloads: Family<ReloadLabels, Counter>,
    last_pass: Gauge<f64, AtomicU64>,
}

impl Metrics {
    /// The metrics of a scheduler whose scheduler profile (kube-scheduler's
    /// `profile` label: the `schedulerName` it serves) is `scheduler_name`.
    pub fn new(scheduler_name: &str) -> Metrics {
        let mut m = Metrics {
            registry: Registry::with_prefix("synergai"),
            profile_name: scheduler_name.to_string(),
            attempts: Family::default(),
            decision_seconds: Histogram::new(exponential_buckets(1e-5, 2.0, 16)),
            pass_seconds: Histogram::new(exponential_buckets(1e-4, 2.0, 16)),
            e2e_seconds: Histogram::new(exponential_buckets(0.005, 2.0, 16)),
            bind_seconds: Histogram::new(exponential_buckets(0.001, 2.0, 15)),
            pending: Family::default(),
            pass_pods: Family::default(),
            binds_in_flight: Gauge::default(),
            qos: Family::default(),
            run_time_ratio: Family::new_with_constructor(ratio_histogram),
            leading: Gauge::default(),
            profile: Family::default(),
            profile_reloads: Family::default(),
            last_pass: Gauge::default(),
        };
        m.registry.register(
            "schedule_attempts",
            "Pods tried by result: scheduled (bound), unschedulable (FailedScheduling reported), error (bind failed)",
            m.attempts.clone(),
        );
        m.registry.register_with_unit(
            "decision_duration",
            "Time the policy took to decide one pending pod",
            Unit::Seconds,
            m.decision_seconds.clone(),
        );
        m.registry.register_with_unit(
            "scheduling_pass_duration",
            "Time of one placement pass over every pending pod (model rebuilt from the caches, policy run)",
            Unit::Seconds,
            m.pass_seconds.clone(),
        );
        m.registry.register_with_unit(
            "pod_scheduling_duration",
            "From the first pass that saw a pod pending to its bind landing (kube-scheduler's pod_scheduling_sli_duration_seconds)",
            Unit::Seconds,
            m.e2e_seconds.clone(),
        );
        m.registry.register_with_unit(
            "binding_duration",
            "Time of one bind request (pods/binding with the decision annotations) and its Scheduled event",
            Unit::Seconds,
            m.bind_seconds.clone(),
        );
        m.registry.register(
            "pending_pods",
            "Pending pods of this scheduler after the last pass: active (tried every pass) or backoff (after a failed bind)",
            m.pending.clone(),
        );
        m.registry.register(
            "pass_pods",
            "Pending pods the passes went through, by how: decided (by the policy), standing (held without deciding again: nothing the hold depends on changed), bulk (held without deciding: no room for any model left)",
            m.pass_pods.clone(),
        );
        m.registry.register(
            "binds_in_flight",
            "Binds queued or running",
            m.binds_in_flight.clone(),
        );
        m.registry.register(
            "pod_qos",
            "Finished pods by architecture and whether they met their QoS target (container finishedAt - creationTimestamp <= synergai.io/qos-ms)",
            m.qos.clone(),
        );
        m.registry.register(
            "run_time_ratio",
            "Measured run time (bind to container finishedAt) over the predicted one (synergai.io/predicted-ms), by architecture; runs predicted under 5 s are left out (the timestamps are whole seconds)",
            m.run_time_ratio.clone(),
        );
        m.registry.register(
            "leader",
            "1 while this replica holds the leader lease (always 1 without leader election)",
            m.leading.clone(),
        );
        m.registry.register(
            "profile_info",
            "The characterization profile in use: its name and the sha256 of its text (value 1)",
            m.profile.clone(),
        );
        m.registry.register(
            "profile_reloads",
            "Reloads of the profile after it changed, by result (an invalid profile keeps the previous one)",
            m.profile_reloads.clone(),
        );
        m.registry.register_with_unit(
            "last_pass_timestamp",
            "Unix time of the last placement pass",
            Unit::Seconds,
            m.last_pass.clone(),
        );
        let build: Family<BuildLabels, Gauge> = Family::default();
        build
            .get_or_create(&BuildLabels {
                version: env!("CARGO_PKG_VERSION").into(),
                commit: option_env!("SYNERGAI_GIT_COMMIT")
                    .unwrap_or("unknown")
                    .into(),
            })
            .set(1);
        m.registry
            .register("build_info", "The running build (value 1)", build);
        // The attempt series exist from the start, at 0, so that a rate
        // over them is defined before the first failure.
        for result in [
            AttemptResult::Scheduled,
            AttemptResult::Unschedulable,
            AttemptResult::Error,
        ] {
            m.attempts
                .get_or_create(&AttemptLabels {
                    result,
                    profile: m.profile_name.clone(),
                })
                .inc_by(0);
        }
        for how in ["decided", "standing", "bulk"] {
            m.pass_pods.get_or_create(&PassPodLabels { how }).inc_by(0);
        }
        for queue in ["active", "backoff"] {
            m.pending.get_or_create(&QueueLabels { queue }).set(0);
        }
        m
    }

    pub fn attempt(&self, result: AttemptResult) {
        self.attempts
            .get_or_create(&AttemptLabels {
                result,
                profile: self.profile_name.clone(),
            })
            .inc();
    }

    pub fn decision(&self, seconds: f64) {
        self.decision_seconds.observe(seconds);
    }

    /// What a pass did with the pending pods it went through.
    pub fn pass_pods(&self, stats: &crate::policy::PassStats) {
        let standing = u64::from(stats.held_standing);
        let bulk = u64::from(stats.held_in_bulk);
        let decided = u64::from(stats.decisions) - standing - bulk;
        for (how, n) in [("decided", decided), ("standing", standing), ("bulk", bulk)] {
            self.pass_pods
                .get_or_create(&PassPodLabels { how })
                .inc_by(n);
        }
    }

    /// A pass finished at `unix_seconds` after `seconds`.
    pub fn pass(&self, seconds: f64, unix_seconds: f64) {
        self.pass_seconds.observe(seconds);
        self.last_pass.set(unix_seconds);
    }

    pub fn scheduled_after(&self, seconds: f64) {
        self.e2e_seconds.observe(seconds);
    }

    pub fn bind(&self, seconds: f64) {
        self.bind_seconds.observe(seconds);
    }

    pub fn pending(&self, active: usize, backoff: usize) {
        for (queue, n) in [("active", active), ("backoff", backoff)] {
            self.pending
                .get_or_create(&QueueLabels { queue })
                .set(n as i64);
        }
    }

    pub fn binds_in_flight(&self, n: usize) {
        self.binds_in_flight.set(n as i64);
    }

    pub fn qos(&self, arch: &str, outcome: QosOutcome) {
        self.qos
            .get_or_create(&QosLabels {
                arch: arch.into(),
                outcome,
            })
            .inc();
    }

    pub fn run_time_ratio(&self, arch: &str, ratio: f64) {
        self.run_time_ratio
            .get_or_create(&ArchLabels { arch: arch.into() })
            .observe(ratio);
    }

    pub fn leading(&self, leading: bool) {
        self.leading.set(i64::from(leading));
    }

    /// The profile in use is now `name` with text digest `digest` (the
    /// previous one's series goes).
    pub fn profile(&self, name: &str, digest: &str) {
        self.profile.clear();
        self.profile
            .get_or_create(&ProfileLabels {
                name: name.into(),
                digest: digest.into(),
            })
            .set(1);
    }

    pub fn profile_reload(&self, result: ReloadResult) {
        self.profile_reloads
            .get_or_create(&ReloadLabels { result })
            .inc();
    }

    /// The exposition in the Prometheus text format (0.0.4).
    pub fn prometheus_text(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }

    /// The exposition in the OpenMetrics text format (1.0.0).
    pub fn openmetrics_text(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The digest that names a profile's version: sha256 of its text, the
/// first 12 hex digits (as a short git commit).
pub fn digest(text: &str) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(text.as_bytes());
    hash.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_names_every_metric_once_with_help_and_type() {
        let m = Metrics::new("synergai");
        m.attempt(AttemptResult::Scheduled);
        m.qos("agx-orin", QosOutcome::Met);
        m.run_time_ratio("agx-orin", 1.02);
        m.profile("edge-cloud", &digest("x"));
        m.profile_reload(ReloadResult::Success);
        m.leading(true);
        let text = m.prometheus_text();
        for name in [
            "synergai_schedule_attempts_total",
            "synergai_decision_duration_seconds",
            "synergai_scheduling_pass_duration_seconds",
            "synergai_pod_scheduling_duration_seconds",
            "synergai_binding_duration_seconds",
            "synergai_pending_pods",
            "synergai_binds_in_flight",
            "synergai_pod_qos_total",
            "synergai_run_time_ratio",
            "synergai_leader",
            "synergai_profile_info",
            "synergai_profile_reloads_total",
            "synergai_last_pass_timestamp_seconds",
            "synergai_build_info",
        ] {
            assert_eq!(
                text.matches(&format!("# TYPE {name} ")).count(),
                1,
                "{name} in:\n{text}"
            );
        }
        assert!(text.contains(
            "synergai_schedule_attempts_total{result=\"scheduled\",profile=\"synergai\"} 1\n"
        ));
        assert!(text.contains(
            "synergai_schedule_attempts_total{result=\"error\",profile=\"synergai\"} 0\n"
        ));
        assert!(text.contains("synergai_pod_qos_total{arch=\"agx-orin\",outcome=\"met\"} 1\n"));
        assert!(text.contains("synergai_run_time_ratio_bucket{arch=\"agx-orin\",le=\"1.05\"} 1\n"));
        assert!(text.contains("synergai_leader 1\n"));
        assert!(
            text.contains("synergai_profile_info{name=\"edge-cloud\",digest=\"2d711642b726\"} 1\n")
        );
        assert!(m.openmetrics_text().ends_with("# EOF\n"));
    }

    #[test]
    fn a_new_profile_replaces_the_old_series() {
        let m = Metrics::new("synergai");
        m.profile("a", "1");
        m.profile("b", "2");
        let text = m.prometheus_text();
        assert!(!text.contains("name=\"a\""), "{text}");
        assert!(text.contains("synergai_profile_info{name=\"b\",digest=\"2\"} 1"));
    }
}
