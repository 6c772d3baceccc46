//! synergai: architecture-aware scheduling of AI inference on heterogeneous
//! edge-to-cloud clusters.
//!
//! The crate is a pure, synchronous core with thin shells:
//!
//! - [`model`]: architectures, nodes, jobs, pins, scenarios, the offline
//!   profile and the live cluster state (free resources, running jobs,
//!   interference-aware rates), the seeded RNG;
//! - [`policy`]: the offline plan derived from a profile, the placement
//!   policies (`synergai`, the EDF competitors and the fixed baselines),
//!   the placement pass and the decision views that explain it;
//! - [`sim`]: the event-driven replay engine, workload generators and metrics;
//! - [`fixture`]: versioned YAML fixtures (profiles, scenarios, overrides,
//!   recordings), their validation with file/line/column errors, the
//!   embedded defaults and the evaluation suite;
//! - [`bound`]: a lower bound on violations no policy can beat (an LP
//!   relaxation of the simulator's model);
//! - [`k8s`]: Kubernetes — the pure mapping of objects to the model and the
//!   world a policy decides on, and the shells that talk to a cluster
//!   (client, trigger ConfigMap, the scheduler, the emulator);
//! - [`runtime`]: the async runtime the shells run on;
//! - [`source`]: what the dashboard watches (a replay under operator
//!   control, a recording, a live cluster), publishing immutable views;
//! - [`tui`]: the dashboard;
//! - [`cli`]: the `synergai` command line.
//!
//! Each module uses only those listed before it (`tests/layers.rs`).

pub mod bound;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "cli")]
pub mod engine;
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
