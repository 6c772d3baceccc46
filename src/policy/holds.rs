//! Incremental passes: a held job is decided again only when something it
//! could use changed.
//!
//! A policy that holds a job says, in [`Decision::standing`], what the hold
//! depends on: a time by which it must be decided again (a wait that meets
//! the deadline stops meeting it as the clock runs), the node it waits for,
//! and a completion time that a configuration on a changed node would have
//! to beat to change the decision. Every other input of a hold is either
//! fixed (the job, the profile) or only grows worse with time (completions
//! of placements now), so as long as
//!
//! - the clock is before `until_ms`,
//! - the node waited for did not change, and
//! - no node the job may use changed into a state where one of its
//!   configurations fits and completes by `unless_by_ms`,
//!
//! deciding the job again would hold it again; [`run_pass`](super::run_pass)
//! then skips the call. The cluster's change log
//! ([`Cluster::changes_since`]) lists the nodes changed since the hold was
//! last confirmed, including by placements earlier in the same pass. The
//! check is conservative (a configuration that fits and completes in time is
//! enough to decide again, whatever the policy would make of it), so the
//! decisions are those of the full re-plan — `tests/incremental.rs`
//! compares the two on every shipped scenario and generated ones.

use super::{Decision, OfflinePlan, PlanConfig, Reason, predict};
use crate::model::{Change, Cluster, JobId, JobSpec, NodeGroup, NodeId, Pin};
use std::collections::HashMap;

/// What a hold depends on (set by the policy on a hold it can vouch for).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standing {
    /// Decide again once the clock reaches this (ms; `INFINITY`: never for
    /// time alone).
    pub until_ms: f64,
    /// Decide again when this node (the one the job waits for) changes.
    pub watch: Option<NodeId>,
    /// Decide again when a node the job may use changes into a state where
    /// one of its configurations fits and completes by this time
    /// (`INFINITY`: as soon as anything fits).
    pub unless_by_ms: f64,
}

impl Standing {
    /// Nothing fits now: stands until something fits.
    pub const NOTHING_FITS: Standing = Standing {
        until_ms: f64::INFINITY,
        watch: None,
        unless_by_ms: f64::INFINITY,
    };
}

/// A hold carried to the next pass.
#[derive(Clone, Debug)]
struct Held {
    /// The cluster's change sequence number when it was last confirmed.
    seq: u64,
    standing: Standing,
    reason: Reason,
    pin: Option<Pin>,
}

/// The standing holds of a queue, carried from pass to pass.
#[derive(Clone, Debug, Default)]
pub struct Holds {
    held: HashMap<JobId, Held>,
}

impl Holds {
    pub fn new() -> Holds {
        Holds::default()
    }

    /// Number of holds carried.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Forgets every hold (the next pass decides every job).
    pub fn clear(&mut self) {
        self.held.clear();
    }

    /// Forgets a job's hold (it was placed, removed or changed).
    pub fn forget(&mut self, job: JobId) {
        self.held.remove(&job);
    }

    /// Moves the holds to new job ids (`map` returns `None` for a job that
    /// left the queue).
    pub fn remap(&mut self, mut map: impl FnMut(JobId) -> Option<JobId>) {
        self.held = std::mem::take(&mut self.held)
            .into_iter()
            .filter_map(|(job, held)| map(job).map(|j| (j, held)))
            .collect();
    }

    /// The reason of a hold that still stands (and confirms it as of now),
    /// or `None` when the job must be decided again.
    pub(super) fn standing(
        &mut self,
        id: JobId,
        job: &JobSpec,
        cluster: &Cluster,
        plan: &OfflinePlan,
        now_ms: f64,
    ) -> Option<Reason> {
        let held = self.held.get_mut(&id)?;
        let stands = now_ms < held.standing.until_ms
            && held.pin == job.pin
            && cluster.changes_since(held.seq).is_some_and(|changes| {
                changes
                    .iter()
                    .all(|change| unaffected(&held.standing, job, change, cluster, plan, now_ms))
            });
        if stands {
            held.seq = cluster.change_seq();
            Some(held.reason)
        } else {
            self.held.remove(&id);
            None
        }
    }

    /// Records the outcome of a decision.
    pub(super) fn record(&mut self, decision: &Decision, job: &JobSpec, cluster: &Cluster) {
        match decision.standing {
            Some(standing) => {
                self.held.insert(
                    decision.job,
                    Held {
                        seq: cluster.change_seq(),
                        standing,
                        reason: decision.reason,
                        pin: job.pin.clone(),
                    },
                );
            }
            None => {
                self.held.remove(&decision.job);
            }
        }
    }
}

/// Whether a change leaves a standing hold of `job` standing: the node's
/// new group, and the group it left (whose representative — the member a
/// policy weighs, see [`NodeGroup::first`] — may now be another node),
/// offer no configuration of the job that fits and completes in time.
fn unaffected(
    standing: &Standing,
    job: &JobSpec,
    change: &Change,
    cluster: &Cluster,
    plan: &OfflinePlan,
    now_ms: f64,
) -> bool {
    let node = change.node;
    if standing.watch == Some(node) {
        return false;
    }
    let arch = cluster.spec(node).arch;
    let (usable, regrouped) = match job.pin {
        // A pinned job is weighed on its node alone.
        Some(Pin::Node(n)) => (n == node, false),
        Some(Pin::Arch(a)) => (arch == a, arch == a),
        None => (true, true),
    };
    if usable && job.allows(node) && threatens(standing, job, cluster.group_of(node), plan, now_ms)
    {
        return false;
    }
    match change.left {
        Some(left) if regrouped => {
            let group = cluster.group(left);
            group.is_empty() || !threatens(standing, job, group, plan, now_ms)
        }
        _ => true,
    }
}

/// Whether a configuration of `job` fits `group` and completes by the
/// standing's `unless_by_ms` there.
fn threatens(
    standing: &Standing,
    job: &JobSpec,
    group: &NodeGroup,
    plan: &OfflinePlan,
    now_ms: f64,
) -> bool {
    if !group.schedulable {
        return false;
    }
    let Some(configs) = plan.get(job.model, group.arch) else {
        return false;
    };
    // First a lower bound of every configuration's completion (the fastest
    // rate with the shortest start-up), a little low against rounding.
    let Some(fastest) = configs.by_speed.first() else {
        return false;
    };
    let quickest = PlanConfig {
        startup_ms: configs.min_startup_ms,
        ..*fastest
    };
    let bound = predict(job, group, &quickest, now_ms);
    if bound - 1e-9 * bound.abs() - 1e-6 > standing.unless_by_ms {
        return false;
    }
    // `by_speed` holds every profiled configuration, the baselines' fixed
    // request included.
    configs.by_speed.iter().any(|c| {
        group.fits(c.threads, c.memory_mib, c.gpus)
            && predict(job, group, c, now_ms) <= standing.unless_by_ms
    })
}
