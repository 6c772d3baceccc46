//! Kubernetes: mapping objects to the model, connecting, and the scheduler
//! that runs inside a cluster.

pub mod client;
pub mod mapping;
pub mod scheduler;
