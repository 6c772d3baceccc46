//! The scheduling model of `scheduling.md`: architectures, engines, nodes,
//! jobs, the offline profile, and the cluster state policies decide on.

mod cluster;
mod job;
mod node;
mod profile;
mod rng;
mod scenario;
mod snapshot;

pub use cluster::{ArchUsage, Change, Cluster, GroupId, NodeGroup, Placement, RunId, RunningJob};
pub use job::{JobId, JobSpec, Pin, PinRef};
pub use node::{NodeId, NodeSpec, Taint, TaintEffect, Tier};
pub use profile::{
    ArchId, Architecture, Device, Engine, EngineSpec, Host, Isa, MeasureSettings, ModelId,
    ModelSpec, Profile, ProfileRow, Provenance, RowSource,
};
pub use rng::Rng;
pub use scenario::Scenario;
pub use snapshot::{
    ArchSummary, ClusterSnapshot, JobSnapshot, JobState, Measured, NodeSnapshot, PlacedBy,
};
