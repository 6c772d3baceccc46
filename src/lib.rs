//! synergai: architecture-aware scheduling of AI inference on heterogeneous
//! edge-to-cloud clusters.
//!
//! The crate is a pure, synchronous core with thin shells:
//!
//! - [`model`]: architectures, nodes, jobs, the offline profile and the live
//!   cluster state (free resources, running jobs, interference-aware rates);
//! - [`policy`]: the offline plan derived from a profile, the placement
//!   policies (`synergai` and the fixed baselines) and their explanations;
//! - [`sim`]: the event-driven replay engine, workload generators and metrics;
//! - [`fixture`]: versioned YAML fixtures (profiles, scenarios, overrides),
//!   their validation with file/line/column errors, and the embedded default;
//! - [`source`]: what the dashboard watches (a replay under operator
//!   control; a live cluster later), publishing immutable views;
//! - [`k8s`]: the live cluster: mapping Kubernetes objects to the model,
//!   connecting (later: emulation, the scheduler, the live source);
//! - [`runtime`]: the async runtime the shells run on;
//! - [`tui`]: the dashboard;
//! - [`bound`]: a lower bound on violations no policy can beat (an LP
//!   relaxation of the simulator's model);
//! - [`cli`]: the `synergai` command line.

pub mod bound;
pub mod cli;
pub mod error;
pub mod fixture;
pub mod k8s;
pub mod model;
pub mod policy;
pub mod runtime;
pub mod sim;
pub mod source;
pub mod tui;

pub use error::{Error, ExitCode};
