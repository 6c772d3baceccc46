//! The dynamic cluster state: free resources per node, the jobs running on
//! each node with interference-aware rates and predicted finishes, and an
//! index grouping identical nodes in identical states so a decision costs
//! O(distinct node states), not O(nodes).

use super::{ArchId, Engine, JobId, NodeId, NodeSpec, Profile, TaintEffect, Tier};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Slot of a running job in the cluster.
pub type RunId = u32;
/// Index of a node group.
pub type GroupId = u32;

/// A job placed on a node: in startup, or processing its queries.
#[derive(Clone, Debug, PartialEq)]
pub struct RunningJob {
    pub job: JobId,
    pub node: NodeId,
    pub engine: Engine,
    pub threads: u32,
    pub gpus: u32,
    pub memory_mib: u64,
    /// Rate of this configuration alone on the node.
    pub base_qps: f64,
    pub watts: f64,
    pub placed_at_ms: f64,
    /// `placed_at_ms + startup`.
    pub processing_start_ms: f64,
    pub remaining_queries: f64,
    /// Current rate: `base_qps / (1 + alpha * others)`.
    pub rate_qps: f64,
    pub last_update_ms: f64,
    pub predicted_finish_ms: f64,
    /// Changes whenever `predicted_finish_ms` changes, unique across the
    /// cluster's lifetime (so a stale event never matches a later job that
    /// reuses the slot).
    pub version: u64,
    pub pinned: bool,
}

/// What a placement asks of a node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    pub engine: Engine,
    pub threads: u32,
    /// 1 for a GPU engine (held exclusively), else 0.
    pub gpus: u32,
    pub memory_mib: u64,
    pub base_qps: f64,
    pub watts: f64,
    pub startup_ms: f64,
}

#[derive(Clone, Debug)]
struct NodeState {
    free_cores: u32,
    free_memory_mib: u64,
    free_gpus: u32,
    runs: Vec<RunId>,
    group: GroupId,
    /// Key in the class's release order (bits of the earliest predicted finish).
    release_key: Option<u64>,
}

/// Identical nodes (same spec but name).
#[derive(Clone, Debug)]
struct Class {
    arch: ArchId,
    tier: Tier,
    alpha: f64,
    network_ms: f64,
    schedulable: bool,
    /// Nodes with running jobs, by earliest predicted finish.
    release_order: BTreeSet<(u64, NodeId)>,
    size: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct GroupKey {
    class: u32,
    free_cores: u32,
    free_memory_mib: u64,
    free_gpus: u32,
    running: u32,
}

/// Nodes of one class that are in the same state.
#[derive(Clone, Debug)]
pub struct NodeGroup {
    pub class: u32,
    pub arch: ArchId,
    pub tier: Tier,
    pub alpha: f64,
    pub network_ms: f64,
    pub schedulable: bool,
    pub free_cores: u32,
    pub free_memory_mib: u64,
    pub free_gpus: u32,
    /// Jobs running on each member (the `k` of the interference model).
    pub running: u32,
    members: BTreeSet<NodeId>,
    active_pos: Option<usize>,
}

impl NodeGroup {
    /// Number of nodes in this state.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The member that comes first by name.
    pub fn first(&self) -> NodeId {
        self.members.first().copied().unwrap_or(NodeId::MAX)
    }

    /// The `n`-th member by name.
    pub fn nth(&self, n: usize) -> Option<NodeId> {
        self.members.iter().nth(n).copied()
    }

    pub fn members(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.members.iter().copied()
    }

    /// Whether a request fits each member of this group now.
    pub fn fits(&self, threads: u32, memory_mib: u64, gpus: u32) -> bool {
        self.schedulable
            && self.free_cores >= threads
            && self.free_memory_mib >= memory_mib
            && self.free_gpus >= gpus
    }
}

/// The cluster: node specs (shared, immutable) and their dynamic state.
#[derive(Clone, Debug)]
pub struct Cluster {
    specs: Arc<Vec<NodeSpec>>,
    nodes: Vec<NodeState>,
    node_class: Vec<u32>,
    classes: Vec<Class>,
    groups: Vec<NodeGroup>,
    group_lookup: HashMap<GroupKey, GroupId>,
    active: Vec<GroupId>,
    runs: Vec<Option<RunningJob>>,
    free_runs: Vec<RunId>,
    running: usize,
    /// Runs whose predicted finish changed since the last `take_changed`.
    changed: Vec<RunId>,
    /// Per architecture: cores and GPUs in use and in total.
    arch_usage: Vec<ArchUsage>,
    /// The next value of [`RunningJob::version`].
    next_version: u64,
    /// Nodes whose state changed (a job placed or finished), each with the
    /// value of `change_seq` it took: what an incremental pass checks a
    /// standing hold against (see `policy::Holds`).
    change_log: Vec<Change>,
    /// Number of changes so far.
    change_seq: u64,
    /// Changes up to this sequence number were dropped from the log.
    change_floor: u64,
}

/// A node whose state changed: it moved to another group (the one it
/// left may now be represented by another member, see
/// [`NodeGroup::first`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub seq: u64,
    pub node: NodeId,
    /// The group the node left (`None`: it stayed in its group).
    pub left: Option<GroupId>,
}

/// Changes kept in the log at most (the older half is dropped beyond it:
/// a hold last checked before then is decided again).
const CHANGE_LOG_CAP: usize = 1 << 16;

/// Cores and GPUs of one architecture, in use and in total.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ArchUsage {
    pub nodes: u32,
    pub cores: u64,
    pub cores_used: u64,
    pub gpus: u64,
    pub gpus_used: u64,
}

impl ArchUsage {
    /// Busy fraction of the architecture's compute (cores and GPUs, a GPU
    /// counting as much as all cores of the architecture).
    pub fn utilization(&self) -> f64 {
        let core = if self.cores > 0 {
            self.cores_used as f64 / self.cores as f64
        } else {
            0.0
        };
        if self.gpus > 0 {
            (core + self.gpus_used as f64 / self.gpus as f64) / 2.0
        } else {
            core
        }
    }
}

impl Cluster {
    /// A cluster with every node idle. `specs` must be sorted by name.
    pub fn new(specs: Arc<Vec<NodeSpec>>, profile: &Profile) -> Cluster {
        let mut class_lookup: HashMap<String, u32> = HashMap::new();
        let mut classes: Vec<Class> = Vec::new();
        let mut node_class = Vec::with_capacity(specs.len());
        for spec in specs.iter() {
            let key = spec.class_key();
            let id = *class_lookup.entry(key).or_insert_with(|| {
                classes.push(Class {
                    arch: spec.arch,
                    tier: spec.tier,
                    alpha: profile.arch(spec.arch).interference_alpha,
                    network_ms: spec.network_ms,
                    schedulable: !spec.taints.iter().any(|t| {
                        matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute)
                    }),
                    release_order: BTreeSet::new(),
                    size: 0,
                });
                (classes.len() - 1) as u32
            });
            classes[id as usize].size += 1;
            node_class.push(id);
        }
        let mut cluster = Cluster {
            nodes: Vec::with_capacity(specs.len()),
            node_class,
            classes,
            groups: Vec::new(),
            group_lookup: HashMap::new(),
            active: Vec::new(),
            runs: Vec::new(),
            free_runs: Vec::new(),
            running: 0,
            changed: Vec::new(),
            arch_usage: vec![ArchUsage::default(); profile.archs.len()],
            next_version: 0,
            change_log: Vec::new(),
            change_seq: 0,
            change_floor: 0,
            specs,
        };
        for id in 0..cluster.specs.len() {
            let spec = &cluster.specs[id];
            let usage = &mut cluster.arch_usage[spec.arch as usize];
            usage.nodes += 1;
            usage.cores += u64::from(spec.cores);
            usage.gpus += u64::from(spec.gpus);
            cluster.nodes.push(NodeState {
                free_cores: spec.cores,
                free_memory_mib: spec.memory_mib,
                free_gpus: spec.gpus,
                runs: Vec::new(),
                group: GroupId::MAX,
                release_key: None,
            });
            cluster.regroup(id as NodeId);
        }
        cluster
    }

    pub fn specs(&self) -> &Arc<Vec<NodeSpec>> {
        &self.specs
    }

    pub fn spec(&self, node: NodeId) -> &NodeSpec {
        &self.specs[node as usize]
    }

    pub fn len(&self) -> usize {
        self.specs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// Free (cores, memory MiB, GPUs) of a node.
    pub fn free(&self, node: NodeId) -> (u32, u64, u32) {
        let n = &self.nodes[node as usize];
        (n.free_cores, n.free_memory_mib, n.free_gpus)
    }

    /// The group a node is in now.
    pub fn group_of(&self, node: NodeId) -> &NodeGroup {
        &self.groups[self.nodes[node as usize].group as usize]
    }

    /// Non-empty groups, in a deterministic order.
    pub fn active_groups(&self) -> impl Iterator<Item = &NodeGroup> + '_ {
        self.active.iter().map(|&g| &self.groups[g as usize])
    }

    /// Number of distinct node states.
    pub fn active_group_count(&self) -> usize {
        self.active.len()
    }

    /// Usage of an architecture.
    pub fn arch_usage(&self, arch: ArchId) -> &ArchUsage {
        &self.arch_usage[arch as usize]
    }

    /// Interference coefficient of a node.
    pub fn alpha(&self, node: NodeId) -> f64 {
        self.classes[self.node_class[node as usize] as usize].alpha
    }

    pub fn is_schedulable(&self, node: NodeId) -> bool {
        self.classes[self.node_class[node as usize] as usize].schedulable
    }

    /// Jobs running on a node.
    pub fn runs_on(&self, node: NodeId) -> impl Iterator<Item = &RunningJob> + '_ {
        self.nodes[node as usize]
            .runs
            .iter()
            .filter_map(|&r| self.runs[r as usize].as_ref())
    }

    pub fn running_on(&self, node: NodeId) -> u32 {
        self.nodes[node as usize].runs.len() as u32
    }

    pub fn run(&self, id: RunId) -> Option<&RunningJob> {
        self.runs.get(id as usize).and_then(Option::as_ref)
    }

    /// Every running job.
    pub fn runs(&self) -> impl Iterator<Item = (RunId, &RunningJob)> + '_ {
        self.runs
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (i as RunId, r)))
    }

    pub fn running_count(&self) -> usize {
        self.running
    }

    /// Number of distinct node classes (identical specs).
    pub fn class_count(&self) -> usize {
        self.classes.len()
    }

    /// Network time and schedulability of a class's nodes.
    pub fn class_route(&self, class: u32) -> (f64, bool) {
        let c = &self.classes[class as usize];
        (c.network_ms, c.schedulable)
    }

    /// Architecture, tier and size of a class.
    pub fn class_info(&self, class: u32) -> (ArchId, Tier, u32) {
        let c = &self.classes[class as usize];
        (c.arch, c.tier, c.size)
    }

    /// Nodes of a class that run jobs, by earliest predicted finish
    /// (`f64::to_bits` of a non-negative time, which orders like the time).
    pub fn release_order(&self, class: u32) -> impl Iterator<Item = (f64, NodeId)> + '_ {
        self.classes[class as usize]
            .release_order
            .iter()
            .map(|&(bits, node)| (f64::from_bits(bits), node))
    }

    /// Places a job; returns its run slot. The caller checked that it fits.
    pub fn place(
        &mut self,
        node: NodeId,
        job: JobId,
        queries: u64,
        placement: &Placement,
        now_ms: f64,
        pinned: bool,
    ) -> RunId {
        let run = RunningJob {
            job,
            node,
            engine: placement.engine,
            threads: placement.threads,
            gpus: placement.gpus,
            memory_mib: placement.memory_mib,
            base_qps: placement.base_qps,
            watts: placement.watts,
            placed_at_ms: now_ms,
            processing_start_ms: now_ms + placement.startup_ms,
            remaining_queries: queries as f64,
            rate_qps: placement.base_qps,
            last_update_ms: now_ms,
            predicted_finish_ms: f64::INFINITY,
            version: 0,
            pinned,
        };
        let id = match self.free_runs.pop() {
            Some(id) => {
                self.runs[id as usize] = Some(run);
                id
            }
            None => {
                self.runs.push(Some(run));
                (self.runs.len() - 1) as RunId
            }
        };
        let state = &mut self.nodes[node as usize];
        state.free_cores = state.free_cores.saturating_sub(placement.threads);
        state.free_memory_mib = state.free_memory_mib.saturating_sub(placement.memory_mib);
        state.free_gpus = state.free_gpus.saturating_sub(placement.gpus);
        state.runs.push(id);
        let usage = &mut self.arch_usage[self.specs[node as usize].arch as usize];
        usage.cores_used += u64::from(placement.threads);
        usage.gpus_used += u64::from(placement.gpus);
        self.running += 1;
        self.reflow(node, now_ms);
        let before = self.nodes[node as usize].group;
        self.regroup(node);
        self.note_change(node, before);
        id
    }

    /// Removes a finished (or evicted) job and frees its resources.
    pub fn finish(&mut self, id: RunId, now_ms: f64) -> Option<RunningJob> {
        let run = self.runs.get_mut(id as usize)?.take()?;
        self.free_runs.push(id);
        self.running -= 1;
        let node = run.node;
        let spec = &self.specs[node as usize];
        let state = &mut self.nodes[node as usize];
        state.free_cores = (state.free_cores + run.threads).min(spec.cores);
        state.free_memory_mib = (state.free_memory_mib + run.memory_mib).min(spec.memory_mib);
        state.free_gpus = (state.free_gpus + run.gpus).min(spec.gpus);
        state.runs.retain(|&r| r != id);
        let usage = &mut self.arch_usage[spec.arch as usize];
        usage.cores_used = usage.cores_used.saturating_sub(u64::from(run.threads));
        usage.gpus_used = usage.gpus_used.saturating_sub(u64::from(run.gpus));
        self.reflow(node, now_ms);
        let before = self.nodes[node as usize].group;
        self.regroup(node);
        self.note_change(node, before);
        Some(run)
    }

    /// The sequence number of the latest change (0 before any).
    pub fn change_seq(&self) -> u64 {
        self.change_seq
    }

    /// Changes after change `seq` (a node may repeat), or `None` when the
    /// log no longer reaches back that far.
    pub fn changes_since(&self, seq: u64) -> Option<&[Change]> {
        if seq < self.change_floor {
            return None;
        }
        let from = self.change_log.partition_point(|c| c.seq <= seq);
        Some(&self.change_log[from..])
    }

    /// A group by id (it may have no members now).
    pub fn group(&self, id: GroupId) -> &NodeGroup {
        &self.groups[id as usize]
    }

    /// Logs a change of `node`, which was in group `before`.
    fn note_change(&mut self, node: NodeId, before: GroupId) {
        let now = self.nodes[node as usize].group;
        let left = (before != now && before != GroupId::MAX).then_some(before);
        self.log_change(node, left);
    }

    fn log_change(&mut self, node: NodeId, left: Option<GroupId>) {
        self.change_seq += 1;
        if self.change_log.len() >= CHANGE_LOG_CAP {
            let drop = CHANGE_LOG_CAP / 2;
            self.change_floor = self.change_log[drop - 1].seq;
            self.change_log.drain(..drop);
        }
        self.change_log.push(Change {
            seq: self.change_seq,
            node,
            left,
        });
    }

    /// Continues the change log of `prev`, an earlier state of the same
    /// nodes, on this cluster (rebuilt from scratch, as the live scheduler
    /// rebuilds its world from the API server's objects every pass): every
    /// node whose free capacity or number of jobs differs from `prev`'s is
    /// logged as changed, after `prev`'s own log. Holds confirmed on `prev`
    /// can then be checked here (`policy::Holds`). Returns false, carrying
    /// nothing, when the nodes are not the same.
    pub fn carry_changes(&mut self, prev: &Cluster) -> bool {
        if !Arc::ptr_eq(&self.specs, &prev.specs) && *self.specs != *prev.specs {
            return false;
        }
        // Group ids are this cluster's own: `prev`'s map by state.
        let same_state = |id: GroupId| -> Option<GroupId> {
            let g = prev.groups.get(id as usize)?;
            let key = GroupKey {
                class: g.class,
                free_cores: g.free_cores,
                free_memory_mib: g.free_memory_mib,
                free_gpus: g.free_gpus,
                running: g.running,
            };
            self.group_lookup.get(&key).copied()
        };
        let carried: Vec<Change> = prev
            .change_log
            .iter()
            .map(|c| Change {
                left: c.left.and_then(same_state),
                ..*c
            })
            .collect();
        let changed: Vec<(NodeId, Option<GroupId>)> = (0..self.nodes.len())
            .filter(|&n| {
                let (a, b) = (&self.nodes[n], &prev.nodes[n]);
                (a.free_cores, a.free_memory_mib, a.free_gpus, a.runs.len())
                    != (b.free_cores, b.free_memory_mib, b.free_gpus, b.runs.len())
            })
            .map(|n| (n as NodeId, same_state(prev.nodes[n].group)))
            .collect();
        self.change_log = carried;
        self.change_seq = prev.change_seq;
        self.change_floor = prev.change_floor;
        for (node, left) in changed {
            let left = left.filter(|&g| g != self.nodes[node as usize].group);
            self.log_change(node, left);
        }
        true
    }

    /// Run slots whose predicted finish changed since the last call.
    pub fn take_changed(&mut self, out: &mut Vec<RunId>) {
        out.clear();
        std::mem::swap(out, &mut self.changed);
    }

    /// Advances every job on `node` to `now_ms` at its old rate, then sets
    /// the new rates for the current co-location and re-predicts finishes.
    fn reflow(&mut self, node: NodeId, now_ms: f64) {
        let alpha = self.alpha(node);
        let state = &self.nodes[node as usize];
        let others = state.runs.len().saturating_sub(1) as f64;
        let mut earliest = f64::INFINITY;
        for &id in &state.runs {
            let Some(run) = self.runs[id as usize].as_mut() else {
                continue;
            };
            let from = run.last_update_ms.max(run.processing_start_ms);
            if now_ms > from {
                let done = run.rate_qps * (now_ms - from) / 1000.0;
                run.remaining_queries = (run.remaining_queries - done).max(0.0);
            }
            run.last_update_ms = now_ms;
            run.rate_qps = run.base_qps / (1.0 + alpha * others);
            let finish =
                now_ms.max(run.processing_start_ms) + run.remaining_queries / run.rate_qps * 1000.0;
            if finish != run.predicted_finish_ms {
                run.predicted_finish_ms = finish;
                run.version = self.next_version;
                self.next_version += 1;
                self.changed.push(id);
            }
            earliest = earliest.min(finish);
        }
        let class = self.node_class[node as usize] as usize;
        let state = &mut self.nodes[node as usize];
        if let Some(old) = state.release_key.take() {
            self.classes[class].release_order.remove(&(old, node));
        }
        if earliest.is_finite() {
            let key = earliest.max(0.0).to_bits();
            state.release_key = Some(key);
            self.classes[class].release_order.insert((key, node));
        }
    }

    /// Moves a node to the group of its current state.
    fn regroup(&mut self, node: NodeId) {
        let class = self.node_class[node as usize];
        let state = &self.nodes[node as usize];
        let key = GroupKey {
            class,
            free_cores: state.free_cores,
            free_memory_mib: state.free_memory_mib,
            free_gpus: state.free_gpus,
            running: state.runs.len() as u32,
        };
        let old = state.group;
        let new = match self.group_lookup.get(&key) {
            Some(&g) => g,
            None => {
                let c = &self.classes[class as usize];
                self.groups.push(NodeGroup {
                    class,
                    arch: c.arch,
                    tier: c.tier,
                    alpha: c.alpha,
                    network_ms: c.network_ms,
                    schedulable: c.schedulable,
                    free_cores: key.free_cores,
                    free_memory_mib: key.free_memory_mib,
                    free_gpus: key.free_gpus,
                    running: key.running,
                    members: BTreeSet::new(),
                    active_pos: None,
                });
                let g = (self.groups.len() - 1) as GroupId;
                self.group_lookup.insert(key, g);
                g
            }
        };
        if old == new {
            return;
        }
        if old != GroupId::MAX {
            let group = &mut self.groups[old as usize];
            group.members.remove(&node);
            if group.members.is_empty()
                && let Some(pos) = group.active_pos.take()
            {
                self.active.swap_remove(pos);
                if let Some(&moved) = self.active.get(pos) {
                    self.groups[moved as usize].active_pos = Some(pos);
                }
            }
        }
        let group = &mut self.groups[new as usize];
        group.members.insert(node);
        if group.active_pos.is_none() {
            group.active_pos = Some(self.active.len());
            self.active.push(new);
        }
        self.nodes[node as usize].group = new;
    }

    /// When a request of (cores, memory, gpus) would fit `node` if nobody
    /// else took the capacity: now if it fits, else the predicted finish of
    /// the running job whose end frees enough. Returns that time and the
    /// number of jobs still running on the node then.
    pub fn fits_at(
        &self,
        node: NodeId,
        threads: u32,
        memory_mib: u64,
        gpus: u32,
    ) -> Option<(f64, u32)> {
        let spec = self.spec(node);
        if threads > spec.cores || memory_mib > spec.memory_mib || gpus > spec.gpus {
            return None;
        }
        let state = &self.nodes[node as usize];
        let (mut cores, mut mem, mut gpu) =
            (state.free_cores, state.free_memory_mib, state.free_gpus);
        let mut remaining = state.runs.len() as u32;
        if cores >= threads && mem >= memory_mib && gpu >= gpus {
            return Some((f64::NEG_INFINITY, remaining));
        }
        let mut ends: Vec<&RunningJob> = self.runs_on(node).collect();
        ends.sort_by(|a, b| a.predicted_finish_ms.total_cmp(&b.predicted_finish_ms));
        for run in ends {
            cores += run.threads;
            mem += run.memory_mib;
            gpu += run.gpus;
            remaining -= 1;
            if cores >= threads && mem >= memory_mib && gpu >= gpus {
                return Some((run.predicted_finish_ms, remaining));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Engine;

    fn placement(threads: u32) -> Placement {
        Placement {
            engine: Engine::ONNXRUNTIME,
            threads,
            gpus: 0,
            memory_mib: 512,
            base_qps: 10.0,
            watts: 20.0,
            startup_ms: 100.0,
        }
    }

    /// A cluster of the default scenario's nodes with one job of
    /// `threads` on each of `nodes`.
    fn with_jobs(nodes: &[NodeId], threads: u32) -> Cluster {
        let scenario = crate::fixture::load_default().unwrap();
        let mut cluster = Cluster::new(scenario.nodes.clone(), &scenario.profile);
        for (job, &node) in nodes.iter().enumerate() {
            cluster.place(node, job as JobId, 1000, &placement(threads), 0.0, false);
        }
        cluster
    }

    #[test]
    fn the_change_log_lists_each_placement_and_finish_with_the_group_left() {
        let mut cluster = with_jobs(&[], 1);
        assert_eq!(cluster.change_seq(), 0);
        let before = cluster.group_of(0).class;
        let run = cluster.place(0, 7, 1000, &placement(2), 0.0, false);
        cluster.finish(run, 50.0);
        let changes = cluster.changes_since(0).unwrap();
        assert_eq!(changes.len(), 2);
        assert!(changes.iter().all(|c| c.node == 0 && c.left.is_some()));
        assert_eq!(cluster.group(changes[0].left.unwrap()).class, before);
        assert!(cluster.changes_since(2).unwrap().is_empty());
    }

    #[test]
    fn a_rebuilt_cluster_carries_the_log_and_logs_only_what_differs() {
        let previous = with_jobs(&[0, 3], 2);
        // Rebuilt in the same state: nothing new to check.
        let mut same = with_jobs(&[0, 3], 2);
        assert!(same.carry_changes(&previous));
        assert_eq!(same.change_seq(), previous.change_seq());
        assert!(
            same.changes_since(previous.change_seq())
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            same.changes_since(0).unwrap().len(),
            previous.changes_since(0).unwrap().len()
        );
        // Node 3's job ended and node 5 got one: those two are logged.
        let mut moved = with_jobs(&[0, 5], 2);
        assert!(moved.carry_changes(&previous));
        let mut nodes: Vec<NodeId> = (moved.changes_since(previous.change_seq()).unwrap())
            .iter()
            .map(|c| c.node)
            .collect();
        nodes.sort_unstable();
        assert_eq!(nodes, [3, 5]);
        // Other nodes: nothing carried.
        let scenario = crate::fixture::load_default().unwrap();
        let mut fewer = scenario.nodes.as_ref().clone();
        fewer.pop();
        let mut other = Cluster::new(Arc::new(fewer), &scenario.profile);
        assert!(!other.carry_changes(&previous));
    }
}
