//! Kubernetes. The pure half maps objects to synergai's model and builds
//! the world a policy decides on; the shells talk to a cluster.
//!
//! - [`mapping`] (pure): quantities, architectures, nodes, pods, filters;
//! - [`world`] (pure): the scheduler's world from nodes and pods, what a
//!   bound pod holds, queue order, what a policy would decide now;
//! - [`client`]: connecting, listing, snapshots for `place --kube`;
//! - [`control`]: the trigger ConfigMap the scheduler and dashboard share;
//! - [`metrics`]: `metrics.k8s.io` node usage;
//! - [`scheduler`]: `synergai scheduler run` (binding, lease, access check);
//! - [`measure`]: `synergai profile measure --kube`, one measurement pod
//!   per architecture;
//! - [`emulate`]: `synergai emulate`, a rehearsal cluster (whose kubelet
//!   runs the measurement pods for real).
//!
//! `mapping` and `world` use only the core and `fixture`; the shells never
//! import each other.

#[cfg(feature = "cli")]
pub mod client;
#[cfg(feature = "cli")]
pub mod control;
#[cfg(feature = "cli")]
pub mod emulate;
pub mod mapping;
#[cfg(feature = "cli")]
pub mod measure;
#[cfg(feature = "cli")]
pub mod metrics;
#[cfg(feature = "cli")]
pub mod scheduler;
pub mod world;

/// Drops what synergai never reads from a watched object before it is
/// stored: `managedFields` is over a third of a pod's JSON, and the
/// scheduler's and the dashboard's stores hold every pod (see
/// `scripts/bench-memory.sh` for their peak at 20,000 pods).
#[cfg(feature = "cli")]
pub fn lean<K: ::kube::Resource>(object: &mut K) {
    object.meta_mut().managed_fields = None;
}

#[cfg(feature = "cli")]
/// Unix milliseconds now: the clock the live cluster is decided on.
pub(crate) fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}
