//! Online placement policies: one trait, `synergai` and the fixed baselines
//! of `scheduling.md`, and the pass that applies a policy to a queue.
//!
//! A policy looks at the cluster and one pending job and returns a
//! [`Decision`]: assign the job to a node and configuration, or hold it,
//! with the reason and (on request) every candidate it weighed. Applying a
//! decision is the caller's business ([`run_pass`] places assignments on the
//! cluster state, so the decisions of one pass account for each other).

mod baselines;
mod edf;
mod explain;
pub mod holds;
mod plan;
mod synergai;
mod views;
mod wait;

pub use baselines::{K8sDefault, Random, RoundRobin, SloAware};
pub use edf::{Edf, Objective};
pub use explain::{FilterReason, Filtered, Rejection};
pub use holds::{Holds, Standing};
pub use plan::{ArchRank, ModelArchPlan, OfflinePlan, PlanConfig};
pub use synergai::{Params as SynergaiParams, Synergai};
pub use views::{CandidateView, DecisionView, FilteredView, LoggedDecision, RejectionView, view};

use crate::model::{
    ArchId, Cluster, JobId, JobSpec, NodeGroup, NodeId, NodeSpec, Pin, Profile, RunId,
};
use std::fmt;
use std::time::Instant;

/// The policies synergai ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyKind {
    Synergai,
    SloEnergy,
    EdfRightsize,
    SloAware,
    K8sDefault,
    RoundRobin,
    Random,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 7] = [
        PolicyKind::Synergai,
        PolicyKind::SloEnergy,
        PolicyKind::EdfRightsize,
        PolicyKind::SloAware,
        PolicyKind::K8sDefault,
        PolicyKind::RoundRobin,
        PolicyKind::Random,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Synergai => "synergai",
            PolicyKind::SloEnergy => "slo-energy",
            PolicyKind::EdfRightsize => "edf-rightsize",
            PolicyKind::SloAware => "slo-aware",
            PolicyKind::K8sDefault => "k8s-default",
            PolicyKind::RoundRobin => "round-robin",
            PolicyKind::Random => "random",
        }
    }

    pub fn parse(name: &str) -> Option<PolicyKind> {
        PolicyKind::ALL.into_iter().find(|p| p.name() == name)
    }

    /// A fresh policy; `seed` drives the random baseline.
    pub fn build(self, seed: u64) -> Box<dyn Policy> {
        match self {
            PolicyKind::Synergai => Box::new(Synergai::default()),
            PolicyKind::SloEnergy => Box::new(Edf::new(Objective::Energy)),
            PolicyKind::EdfRightsize => Box::new(Edf::new(Objective::CoreSeconds)),
            PolicyKind::SloAware => Box::new(SloAware),
            PolicyKind::K8sDefault => Box::new(K8sDefault),
            PolicyKind::RoundRobin => Box::new(RoundRobin::default()),
            PolicyKind::Random => Box::new(Random::new(seed)),
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// In which order a pass considers the pending jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueOrder {
    /// Arrival order.
    Fifo,
    /// Least slack first: deadline minus the job's shortest possible run.
    LeastSlack,
    /// Earliest deadline first, least slack among equal deadlines.
    EarliestDeadline,
}

impl QueueOrder {
    /// The sort key of a pending job (smaller first; callers break ties by
    /// arrival, then name). `present` are the architectures with nodes;
    /// a pinned job's shortest run is taken on what its pin allows.
    pub fn key(
        self,
        job: &JobSpec,
        nodes: &[NodeSpec],
        plan: &OfflinePlan,
        present: &[ArchId],
    ) -> (f64, f64) {
        let slack = || {
            let service = match job.pin {
                Some(Pin::Node(n)) => nodes.get(n as usize).map_or(f64::INFINITY, |spec| {
                    plan.min_service_ms(job.model, job.queries, &[spec.arch])
                }),
                Some(Pin::Arch(a)) => plan.min_service_ms(job.model, job.queries, &[a]),
                None => plan.min_service_ms(job.model, job.queries, present),
            };
            job.deadline_ms() - service
        };
        match self {
            QueueOrder::Fifo => (0.0, 0.0),
            QueueOrder::LeastSlack => (slack(), 0.0),
            QueueOrder::EarliestDeadline => (job.deadline_ms(), slack()),
        }
    }
}

/// What a policy sees when it decides one job.
pub struct Context<'a> {
    pub now_ms: f64,
    pub cluster: &'a Cluster,
    pub plan: &'a OfflinePlan,
    pub profile: &'a Profile,
    pub jobs: &'a [JobSpec],
    /// Fill [`Decision::candidates`].
    pub explain: bool,
}

impl Context<'_> {
    /// Active node groups a job may use (its pin applied), each with the
    /// node a placement there would take.
    pub fn groups_for<'c>(
        &'c self,
        job: &'c JobSpec,
    ) -> impl Iterator<Item = (&'c NodeGroup, NodeId)> + 'c {
        let pinned_node = match job.pin {
            Some(Pin::Node(n)) => Some(n),
            _ => None,
        };
        let pinned_arch = match job.pin {
            Some(Pin::Arch(a)) => Some(a),
            _ => None,
        };
        let single = pinned_node.map(|n| (self.cluster.group_of(n), n));
        let all = pinned_node.is_none().then(|| {
            self.cluster
                .active_groups()
                .filter(move |g| g.schedulable && pinned_arch.is_none_or(|a| g.arch == a))
                .map(|g| (g, g.first()))
        });
        // A job's own constraints (selector, affinity, tolerations) narrow
        // each group to its first allowed member.
        single
            .into_iter()
            .filter(|(g, _)| g.schedulable)
            .chain(all.into_iter().flatten())
            .filter_map(move |(g, n)| match &job.allowed {
                None => Some((g, n)),
                Some(_) if pinned_node.is_some() => job.allows(n).then_some((g, n)),
                Some(_) => g.members().find(|&m| job.allows(m)).map(|m| (g, m)),
            })
    }
}

/// A configuration on a node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Assignment {
    pub node: NodeId,
    pub config: PlanConfig,
    pub predicted_completion_ms: f64,
    /// Deadline − predicted completion.
    pub slack_ms: f64,
    /// Placed under an operator pin.
    pub pinned: bool,
}

/// Assign or hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    Assign(Assignment),
    Hold,
}

/// Why a decision was made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reason {
    /// synergai: the least-cost candidate among those meeting the deadline
    /// (with one more co-located job, harming no co-located job) at
    /// pressure θ.
    LeastCostMeetingDeadline {
        meeting: u32,
        cost: f64,
        pressure: f64,
    },
    /// synergai: only candidates without that margin meet the deadline and
    /// waiting does not: the one with the most slack.
    MeetsWithoutMargin { slack_ms: f64 },
    /// synergai: no placement, now or by waiting, meets the deadline: the
    /// least cost at the pass's pressure (the least capacity when it is
    /// scarce).
    LostCheapest { excess_ms: f64 },

    /// Nothing meets the deadline and waiting is no better: the earliest
    /// completion now.
    LeastExcess { excess_ms: f64 },
    /// Hold: waiting for `node` (free at `at_ms`) meets the deadline.
    WaitMeetsDeadline { node: NodeId, at_ms: f64 },
    /// Hold: waiting for `node` completes earlier than any placement now.
    WaitIsEarlier { node: NodeId, at_ms: f64 },
    /// slo-energy: the least incremental energy among candidates meeting the deadline.
    LeastEnergy { meeting: u32, joules: f64 },
    /// edf-rightsize: the least core-seconds among candidates meeting the deadline.
    LeastCoreSeconds { meeting: u32, core_seconds: f64 },
    /// Nothing fits now.
    NoCapacity,
    /// Nothing fits now and nothing running will free enough.
    Unschedulable,
    /// slo-aware: earliest predicted completion with the fastest fitting configuration.
    EarliestCompletion,
    /// k8s-default: best LeastAllocated + BalancedAllocation score.
    LeastAllocated { score: f64 },
    /// round-robin: next fitting node in name order.
    NextInTurn,
    /// random: uniformly drawn among `fitting` nodes.
    Drawn { fitting: u32 },
}

impl Reason {
    /// One line for logs and tables.
    pub fn describe(&self, cluster: &Cluster) -> String {
        let name = |n: NodeId| cluster.spec(n).name.as_str();
        match *self {
            Reason::LeastCostMeetingDeadline {
                meeting,
                cost,
                pressure,
            } => format!(
                "least cost ({cost:.1}) of {meeting} candidate(s) meeting the deadline with margin, at pressure {pressure:.2}"
            ),
            Reason::MeetsWithoutMargin { slack_ms } => format!(
                "meets the deadline only without one more co-located job (slack {}); waiting would not",
                fmt_ms(slack_ms)
            ),
            Reason::LostCheapest { excess_ms } => format!(
                "cannot meet the deadline now or by waiting: least cost at the pass's pressure (excess {})",
                fmt_ms(excess_ms)
            ),
            Reason::LeastExcess { excess_ms } => format!(
                "no candidate meets the deadline; earliest completion now (excess {})",
                fmt_ms(excess_ms)
            ),
            Reason::WaitMeetsDeadline { node, at_ms } => format!(
                "hold: nothing meets the deadline now; {} frees at {} and meets it",
                name(node),
                fmt_ms(at_ms)
            ),
            Reason::WaitIsEarlier { node, at_ms } => format!(
                "hold: waiting for {} (frees at {}) completes earlier than placing now",
                name(node),
                fmt_ms(at_ms)
            ),
            Reason::LeastEnergy { meeting, joules } => format!(
                "least energy ({joules:.0} J) of {meeting} candidate(s) meeting the deadline"
            ),
            Reason::LeastCoreSeconds {
                meeting,
                core_seconds,
            } => format!(
                "least core-seconds ({core_seconds:.1}) of {meeting} candidate(s) meeting the deadline"
            ),
            Reason::NoCapacity => "hold: no node has room now".to_string(),
            Reason::Unschedulable => "hold: no node can ever fit this job".to_string(),
            Reason::EarliestCompletion => {
                "earliest predicted completion, fastest fitting configuration".to_string()
            }
            Reason::LeastAllocated { score } => {
                format!("best LeastAllocated+BalancedAllocation score ({score:.1})")
            }
            Reason::NextInTurn => "next fitting node in name order".to_string(),
            Reason::Drawn { fitting } => format!("drawn among {fitting} fitting node(s)"),
        }
    }
}

/// Formats milliseconds for people: `850ms`, `12.3s`, `4m05s`.
pub fn fmt_ms(ms: f64) -> String {
    if !ms.is_finite() {
        return "∞".to_string();
    }
    let sign = if ms < 0.0 { "-" } else { "" };
    let a = ms.abs();
    if a < 1000.0 {
        format!("{sign}{a:.0}ms")
    } else if a < 60_000.0 {
        format!("{sign}{:.1}s", a / 1000.0)
    } else {
        let s = (a / 1000.0).round() as u64;
        format!("{sign}{}m{:02}s", s / 60, s % 60)
    }
}

/// One option a policy weighed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// The node a placement would take (first by name of its group).
    pub node: NodeId,
    /// How many nodes are in the same state.
    pub identical: u32,
    pub config: PlanConfig,
    /// Start time (now, or when capacity frees for a wait candidate).
    pub start_ms: f64,
    pub predicted_completion_ms: f64,
    pub slack_ms: f64,
    /// synergai's cost, or k8s-default's score.
    pub score: Option<f64>,
    pub chosen: bool,
    /// Why it lost (explained decisions; `None` on the chosen one).
    pub rejected: Option<Rejection>,
}

/// A policy's verdict on one job.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub job: JobId,
    pub at_ms: f64,
    pub action: Action,
    pub reason: Reason,
    /// Every candidate weighed (only with [`Context::explain`]).
    pub candidates: Vec<Candidate>,
    /// Nodes left out before weighing (only with [`Context::explain`]).
    pub filtered: Vec<Filtered>,
    /// On a hold: what it depends on, so an incremental pass need not
    /// decide the job again until that changes (`None`: decide it again
    /// every pass).
    pub standing: Option<Standing>,
}

impl Decision {
    /// Assigns `job` to a weighed candidate, marking it chosen among `weighed`.
    pub fn assign(
        id: JobId,
        at_ms: f64,
        job: &JobSpec,
        chosen: Candidate,
        reason: Reason,
        mut weighed: Vec<Candidate>,
    ) -> Decision {
        for c in &mut weighed {
            c.chosen = c.node == chosen.node && c.config == chosen.config;
        }
        Decision {
            job: id,
            at_ms,
            action: Action::Assign(Assignment {
                node: chosen.node,
                config: chosen.config,
                predicted_completion_ms: chosen.predicted_completion_ms,
                slack_ms: chosen.slack_ms,
                pinned: job.pin.is_some(),
            }),
            reason,
            candidates: weighed,
            filtered: Vec::new(),
            standing: None,
        }
    }

    /// Holds `job`, keeping the candidates weighed on the way.
    pub fn hold_weighed(
        job: JobId,
        at_ms: f64,
        reason: Reason,
        weighed: Vec<Candidate>,
    ) -> Decision {
        Decision {
            candidates: weighed,
            ..Decision::hold(job, at_ms, reason)
        }
    }

    pub fn hold(job: JobId, at_ms: f64, reason: Reason) -> Decision {
        Decision {
            job,
            at_ms,
            action: Action::Hold,
            reason,
            candidates: Vec::new(),
            filtered: Vec::new(),
            standing: None,
        }
    }

    /// Marks a hold as standing until `standing` says otherwise.
    pub fn standing(mut self, standing: Standing) -> Decision {
        self.standing = Some(standing);
        self
    }
}

/// An online placement policy.
pub trait Policy: Send {
    fn name(&self) -> &'static str;

    /// The order in which a pass considers the queue.
    fn order(&self) -> QueueOrder {
        QueueOrder::Fifo
    }

    /// Called once at the start of a pass with the queue (in [`Policy::order`]):
    /// the policy may look at the whole queue and return another order for
    /// this pass.
    fn prepare(&mut self, _queue: &[JobId], _ctx: &Context<'_>) -> Option<Vec<JobId>> {
        None
    }

    /// Decides one job. Must not assign a node the job does not fit.
    fn decide(&mut self, job: JobId, ctx: &Context<'_>) -> Decision;

    /// Whether a higher [`Candidate::score`] wins (k8s-default's score);
    /// otherwise the score is a cost.
    fn higher_score_wins(&self) -> bool {
        false
    }
}

/// Which decisions of a pass carry their candidates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Explain {
    None,
    All,
    Job(JobId),
}

impl Explain {
    pub fn covers(self, job: JobId) -> bool {
        match self {
            Explain::None => false,
            Explain::All => true,
            Explain::Job(j) => j == job,
        }
    }
}

/// Counters of one pass.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PassStats {
    pub decisions: u32,
    pub assigned: u32,
    pub held: u32,
    /// Of `held`: jobs held without a call to the policy because every
    /// model left in the queue had already found no room (not passed to
    /// the sink).
    pub held_in_bulk: u32,
    /// Of `held`: jobs whose hold still stands (nothing it depends on
    /// changed, see [`Holds`]), held without a call to the policy (not
    /// passed to the sink).
    pub held_standing: u32,
}

/// Capacity only shrinks during a pass: once an unpinned job of a model
/// found no room, later unpinned jobs of that model find none either. When
/// that holds for every model left in the queue (and no pinned or explained
/// job is left), the rest of the queue is held in bulk: a long backlog then
/// costs nothing per event.
struct NoRoom {
    closed: Vec<bool>,
    remaining: Vec<u32>,
    special_left: u32,
    open_models: usize,
}

impl NoRoom {
    fn new(
        queue: &[JobId],
        jobs: &[JobSpec],
        models: usize,
        special: impl Fn(JobId) -> bool,
    ) -> NoRoom {
        let mut remaining = vec![0u32; models];
        let mut special_left = 0u32;
        for &id in queue {
            if special(id) {
                special_left += 1;
            } else {
                remaining[jobs[id as usize].model as usize] += 1;
            }
        }
        NoRoom {
            closed: vec![false; models],
            open_models: remaining.iter().filter(|&&r| r > 0).count(),
            remaining,
            special_left,
        }
    }

    /// Whether every job left may be held in bulk.
    fn all_closed(&self) -> bool {
        self.special_left == 0 && self.open_models == 0
    }

    /// Accounts for a job decided (or held) with `reason`.
    fn after(&mut self, special: bool, model: usize, reason: &Reason) {
        if special {
            self.special_left -= 1;
            return;
        }
        let was_open = !self.closed[model];
        self.remaining[model] -= 1;
        if *reason == Reason::NoCapacity {
            self.closed[model] = true;
        }
        if was_open && (self.remaining[model] == 0 || self.closed[model]) {
            self.open_models -= 1;
        }
    }
}

/// Runs one placement pass over `queue` (already in the policy's order):
/// decides every job, places assignments on `cluster` as it goes, and hands
/// each decision, its wall-clock cost (ns) and the run slot of an
/// assignment to `sink`. With `holds`, a job whose hold still stands is not
/// decided again (see [`Holds`]; the placements are the same).
#[allow(clippy::too_many_arguments)]
pub fn run_pass(
    policy: &mut dyn Policy,
    cluster: &mut Cluster,
    plan: &OfflinePlan,
    profile: &Profile,
    jobs: &[JobSpec],
    queue: &[JobId],
    now_ms: f64,
    explain: Explain,
    mut holds: Option<&mut Holds>,
    mut sink: impl FnMut(&Cluster, Decision, u64, Option<RunId>),
) -> PassStats {
    let mut stats = PassStats::default();
    let arranged = {
        let ctx = Context {
            now_ms,
            cluster,
            plan,
            profile,
            jobs,
            explain: false,
        };
        policy.prepare(queue, &ctx)
    };
    let queue = arranged.as_deref().unwrap_or(queue);
    let special = |id: JobId| jobs[id as usize].is_restricted() || explain.covers(id);
    let mut no_room = NoRoom::new(queue, jobs, profile.models.len(), special);
    for (index, &id) in queue.iter().enumerate() {
        if no_room.all_closed() {
            let rest = (queue.len() - index) as u32;
            stats.decisions += rest;
            stats.held += rest;
            stats.held_in_bulk = rest;
            break;
        }
        let job = &jobs[id as usize];
        let model = job.model as usize;
        let is_special = special(id);
        let explained = explain.covers(id);
        if !explained
            && let Some(holds) = holds.as_deref_mut()
            && let Some(reason) = holds.standing(id, job, cluster, plan, now_ms)
        {
            stats.decisions += 1;
            stats.held += 1;
            stats.held_standing += 1;
            no_room.after(is_special, model, &reason);
            continue;
        }
        let started = Instant::now();
        let decision = if !is_special && no_room.closed[model] {
            Decision::hold(id, now_ms, Reason::NoCapacity).standing(Standing::NOTHING_FITS)
        } else {
            let ctx = Context {
                now_ms,
                cluster,
                plan,
                profile,
                jobs,
                explain: explained,
            };
            let mut decision = policy.decide(id, &ctx);
            if explained {
                let higher_wins = policy.higher_score_wins();
                explain::finish(&mut decision, job, &ctx, higher_wins);
            }
            decision
        };
        let cost_ns = started.elapsed().as_nanos() as u64;
        stats.decisions += 1;
        let mut run = None;
        match decision.action {
            Action::Assign(a) => {
                stats.assigned += 1;
                run = Some(cluster.place(
                    a.node,
                    id,
                    job.queries,
                    &a.config.placement(),
                    now_ms,
                    a.pinned,
                ));
            }
            Action::Hold => stats.held += 1,
        }
        if let Some(holds) = holds.as_deref_mut() {
            holds.record(&decision, job, cluster);
        }
        no_room.after(is_special, model, &decision.reason);
        sink(cluster, decision, cost_ns, run);
    }
    stats
}

/// Predicted completion of `job` started at `start_ms` on a member of
/// `group` with `config`.
pub(crate) fn predict(job: &JobSpec, group: &NodeGroup, config: &PlanConfig, start_ms: f64) -> f64 {
    start_ms + config.service_ms(job.queries, group.alpha, group.running) + group.network_ms
}

#[cfg(test)]
mod tests;
