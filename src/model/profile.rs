//! The offline characterization: architectures, models, engines and the
//! `(model, arch, engine, threads) -> qps, p99, watts, memory` table.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Index of an architecture in [`Profile::archs`].
pub type ArchId = u16;
/// Index of a model in [`Profile::models`].
pub type ModelId = u16;

/// An inference engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Onnxruntime,
    Tensorrt,
    Pytorch,
    Tflite,
    Openvino,
    /// tract, Sonos's pure-Rust ONNX engine (what `profile measure` runs
    /// compiled in).
    Tract,
}

impl Engine {
    /// How many engines there are (the enum is closed: a profile cannot
    /// name an engine the binary does not know).
    pub const COUNT: usize = 6;

    pub const ALL: [Engine; Engine::COUNT] = [
        Engine::Onnxruntime,
        Engine::Tensorrt,
        Engine::Pytorch,
        Engine::Tflite,
        Engine::Openvino,
        Engine::Tract,
    ];

    /// GPU engines hold one GPU of the node exclusively (plus `threads` cores).
    pub fn uses_gpu(self) -> bool {
        matches!(self, Engine::Tensorrt)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Onnxruntime => "onnxruntime",
            Engine::Tensorrt => "tensorrt",
            Engine::Pytorch => "pytorch",
            Engine::Tflite => "tflite",
            Engine::Openvino => "openvino",
            Engine::Tract => "tract",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn parse(s: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Instruction set of an architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Isa {
    X86_64,
    Arm64,
}

/// A named hardware class (`xeon-vm`, `agx-orin`, …).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Architecture {
    pub name: String,
    pub isa: Isa,
    /// Whether boards of this class carry a GPU usable by GPU engines.
    pub gpu: bool,
    /// Co-location slowdown per other running job on the same node.
    pub interference_alpha: f64,
    /// Startup time per engine, indexed by [`Engine::index`]; `None` if the
    /// engine has no rows on this architecture.
    #[serde(skip)]
    pub startup_ms: [Option<f64>; Engine::COUNT],
    pub description: String,
}

impl Architecture {
    /// Startup of `engine` on this architecture (0 if unknown).
    pub fn startup_ms(&self, engine: Engine) -> f64 {
        self.startup_ms[engine.index()].unwrap_or(0.0)
    }
}

/// An inference model.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelSpec {
    pub name: String,
    pub task: String,
    /// The fixed thread request a QoS-blind user gives (the `k8s-default` request).
    pub default_threads: u32,
    pub description: String,
}

/// Where a profile number comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RowSource {
    /// Measured on the hardware (`synergai profile measure`, or a figure
    /// published as measured).
    Measured,
    /// A public anchor times documented scale factors.
    Derived,
    /// No anchor for that hardware; the note gives the reasoning.
    Estimate,
    /// Corrected from the run times of jobs that actually ran.
    Calibrated,
}

impl RowSource {
    pub const ALL: [RowSource; 4] = [
        RowSource::Measured,
        RowSource::Derived,
        RowSource::Estimate,
        RowSource::Calibrated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RowSource::Measured => "measured",
            RowSource::Derived => "derived",
            RowSource::Estimate => "estimate",
            RowSource::Calibrated => "calibrated",
        }
    }
}

impl fmt::Display for RowSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where and how the rows of one architecture were measured (`spec.provenance`
/// of a profile): the machine, the engines and their versions, the tool,
/// when, and with which settings.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Provenance {
    /// The architecture (of [`Profile::archs`]) the measurement characterizes.
    pub arch: String,
    pub host: Host,
    /// Engine name → version, for every engine measured.
    pub engines: BTreeMap<String, String>,
    /// The program that measured (`synergai 0.1.0 (commit …)`).
    pub tool: String,
    /// When, RFC 3339 (`2026-11-30T05:40:00Z`).
    pub date: String,
    pub settings: MeasureSettings,
    /// Anything else worth knowing (power sensor, pinned shapes, …).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The machine a measurement ran on.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Host {
    /// CPU model (`Intel(R) Xeon(R) Platinum 8480+`).
    pub cpu: String,
    pub cores: u32,
    pub memory_mib: u64,
    /// Operating system (`Debian GNU/Linux 13 (trixie)`).
    pub os: String,
    pub kernel: String,
}

/// How a measurement ran: the thread counts, and how long each
/// configuration was measured (a time, a query count, or both: whichever
/// ends first) after its warm-up.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MeasureSettings {
    pub threads: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queries: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warmup_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warmup_queries: Option<u64>,
}

/// One characterization row.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileRow {
    pub model: ModelId,
    pub arch: ArchId,
    pub engine: Engine,
    pub threads: u32,
    /// Sustained queries per second of one job in this configuration.
    pub qps: f64,
    pub p99_ms: f64,
    /// Power above the node's idle power while this configuration runs.
    pub watts: f64,
    pub memory_mib: u64,
    pub source: RowSource,
    pub note: String,
}

impl ProfileRow {
    pub fn gpus(&self) -> u32 {
        u32::from(self.engine.uses_gpu())
    }
}

/// A validated profile. Rows are sorted by (model, arch, engine, threads).
#[derive(Clone, Debug)]
pub struct Profile {
    pub name: String,
    pub description: String,
    pub knee_threshold: f64,
    pub archs: Vec<Architecture>,
    pub models: Vec<ModelSpec>,
    pub rows: Vec<ProfileRow>,
    /// How measured rows were measured, per architecture (empty for a
    /// profile nobody measured; see [`Profile::with_provenance`]).
    pub provenance: Vec<Provenance>,
    arch_index: HashMap<String, ArchId>,
    model_index: HashMap<String, ModelId>,
    /// Row ranges per (model, arch), `model * archs.len() + arch`.
    ranges: Vec<std::ops::Range<usize>>,
}

/// Profiles are equal when what they say is: the indexes follow from it.
impl PartialEq for Profile {
    fn eq(&self, other: &Profile) -> bool {
        self.name == other.name
            && self.description == other.description
            && self.knee_threshold == other.knee_threshold
            && self.archs == other.archs
            && self.models == other.models
            && self.rows == other.rows
            && self.provenance == other.provenance
    }
}

impl Profile {
    /// Builds the indexes; `rows` are sorted here. Names must be unique
    /// (the fixture loader checks that with positions before calling this).
    pub fn new(
        name: String,
        description: String,
        knee_threshold: f64,
        archs: Vec<Architecture>,
        models: Vec<ModelSpec>,
        mut rows: Vec<ProfileRow>,
    ) -> Profile {
        rows.sort_by(|a, b| {
            (a.model, a.arch, a.engine, a.threads).cmp(&(b.model, b.arch, b.engine, b.threads))
        });
        let arch_index = archs
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.clone(), i as ArchId))
            .collect();
        let model_index = models
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name.clone(), i as ModelId))
            .collect();
        let n_arch = archs.len();
        let mut ranges = vec![0..0; models.len() * n_arch];
        let mut start = 0;
        while start < rows.len() {
            let key = (rows[start].model, rows[start].arch);
            let mut end = start;
            while end < rows.len() && (rows[end].model, rows[end].arch) == key {
                end += 1;
            }
            ranges[key.0 as usize * n_arch + key.1 as usize] = start..end;
            start = end;
        }
        Profile {
            name,
            description,
            knee_threshold,
            archs,
            models,
            rows,
            provenance: Vec::new(),
            arch_index,
            model_index,
            ranges,
        }
    }

    /// The profile with these provenance entries (their architectures
    /// are checked by the loader).
    pub fn with_provenance(mut self, provenance: Vec<Provenance>) -> Profile {
        self.provenance = provenance;
        self
    }

    /// The profile under another name.
    pub fn renamed(mut self, name: impl Into<String>) -> Profile {
        self.name = name.into();
        self
    }

    /// The provenance entries of one architecture.
    pub fn provenance_of<'a>(&'a self, arch: &'a str) -> impl Iterator<Item = &'a Provenance> {
        self.provenance.iter().filter(move |p| p.arch == arch)
    }

    pub fn arch_id(&self, name: &str) -> Option<ArchId> {
        self.arch_index.get(name).copied()
    }

    pub fn model_id(&self, name: &str) -> Option<ModelId> {
        self.model_index.get(name).copied()
    }

    /// `a, b, c`: the architectures, for error messages.
    pub fn arch_names(&self) -> String {
        let names: Vec<&str> = self.archs.iter().map(|a| a.name.as_str()).collect();
        names.join(", ")
    }

    /// `a, b, c`: the models, for error messages.
    pub fn model_names(&self) -> String {
        let names: Vec<&str> = self.models.iter().map(|m| m.name.as_str()).collect();
        names.join(", ")
    }

    pub fn arch(&self, id: ArchId) -> &Architecture {
        &self.archs[id as usize]
    }

    pub fn model(&self, id: ModelId) -> &ModelSpec {
        &self.models[id as usize]
    }

    /// The rows of one (model, arch), sorted by engine then threads.
    pub fn rows_for(&self, model: ModelId, arch: ArchId) -> &[ProfileRow] {
        let range = self.ranges[model as usize * self.archs.len() + arch as usize].clone();
        &self.rows[range]
    }

    /// The row of an exact configuration, if profiled.
    pub fn row(
        &self,
        model: ModelId,
        arch: ArchId,
        engine: Engine,
        threads: u32,
    ) -> Option<&ProfileRow> {
        self.rows_for(model, arch)
            .iter()
            .find(|r| r.engine == engine && r.threads == threads)
    }
}
