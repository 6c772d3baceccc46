//! Kubernetes: the pure mapping between Kubernetes objects (nodes, pods) and synergai's model.

pub mod access;
pub mod client;
pub mod emulate;
pub mod lease;
mod log;
pub mod mapping;
pub mod metrics;
pub mod scheduler;
