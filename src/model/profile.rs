//! The offline characterization: architectures, models, engines and the
//! `(model, arch, engine, threads) -> qps, p99, watts, memory` table.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Index of an architecture in [`Profile::archs`].
pub type ArchId = u16;
/// Index of a model in [`Profile::models`].
pub type ModelId = u16;

/// An inference engine, by name: the six synergai knows
/// ([`Engine::BUILTIN`]) or any other a profile declares under
/// `spec.engines` ([`EngineSpec`]). A small `Copy` value (the name inline,
/// at most [`Engine::MAX_LEN`] bytes), so the placement code passes it
/// around like an id.
///
/// Engines order the built-ins first, in [`Engine::BUILTIN`]'s order, then
/// by name: the order of a profile's rows, and so of a policy's ties.
///
/// Hand-written rather than `arrayvec::ArrayString`: the built-ins are
/// constants, which needs a `const` constructor, and the name's syntax is
/// checked on the way in.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Engine {
    /// Position in [`Engine::BUILTIN`], or `BUILTIN.len()` for any other
    /// (a function of the name, so the derived order and equality agree).
    rank: u8,
    /// The name's bytes, zero-padded (so a prefix sorts first).
    name: [u8; Engine::MAX_LEN],
}

impl Engine {
    /// The longest engine name, in bytes.
    pub const MAX_LEN: usize = 23;

    pub const ONNXRUNTIME: Engine = Engine::builtin(0, "onnxruntime");
    pub const TENSORRT: Engine = Engine::builtin(1, "tensorrt");
    pub const PYTORCH: Engine = Engine::builtin(2, "pytorch");
    pub const TFLITE: Engine = Engine::builtin(3, "tflite");
    pub const OPENVINO: Engine = Engine::builtin(4, "openvino");
    /// tract, Sonos's pure-Rust ONNX engine (what `profile measure` runs
    /// compiled in).
    pub const TRACT: Engine = Engine::builtin(5, "tract");

    /// The engines every profile may name without declaring them.
    pub const BUILTIN: [Engine; 6] = [
        Engine::ONNXRUNTIME,
        Engine::TENSORRT,
        Engine::PYTORCH,
        Engine::TFLITE,
        Engine::OPENVINO,
        Engine::TRACT,
    ];

    const fn builtin(rank: u8, name: &str) -> Engine {
        let bytes = name.as_bytes();
        let mut out = [0u8; Engine::MAX_LEN];
        let mut i = 0;
        while i < bytes.len() {
            out[i] = bytes[i];
            i += 1;
        }
        Engine { rank, name: out }
    }

    /// The engine called `name`, if the name is one: 1 to
    /// [`Engine::MAX_LEN`] bytes of lower-case ASCII letters and digits,
    /// `-`, `_` or `.`, starting with a letter or digit (it is written into
    /// pod annotations and YAML keys as it is). Whether a profile knows it
    /// is the profile's business ([`Profile::engine_spec`]).
    pub fn parse(name: &str) -> Option<Engine> {
        let bytes = name.as_bytes();
        let valid = !bytes.is_empty()
            && bytes.len() <= Engine::MAX_LEN
            && bytes[0].is_ascii_alphanumeric()
            && bytes.iter().all(|&b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
            });
        if !valid {
            return None;
        }
        if let Some(e) = Engine::BUILTIN.into_iter().find(|e| e.as_str() == name) {
            return Some(e);
        }
        let mut out = [0u8; Engine::MAX_LEN];
        out[..bytes.len()].copy_from_slice(bytes);
        Some(Engine {
            rank: Engine::BUILTIN.len() as u8,
            name: out,
        })
    }

    /// What [`Engine::parse`] accepts, for error messages.
    pub const SYNTAX: &'static str = "1 to 23 lower-case letters, digits, `-`, `_` or `.`, \
        starting with a letter or digit";

    pub fn as_str(&self) -> &str {
        let len = self
            .name
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(Engine::MAX_LEN);
        // Only ASCII ever gets in (`parse`, `builtin`).
        std::str::from_utf8(&self.name[..len]).unwrap_or_default()
    }

    /// Whether synergai knows this engine without a declaration.
    pub fn is_builtin(&self) -> bool {
        usize::from(self.rank) < Engine::BUILTIN.len()
    }

    /// The device a built-in engine runs on (`None` for any other: the
    /// profile that names it says).
    pub fn builtin_device(&self) -> Option<Device> {
        self.is_builtin().then(|| {
            if *self == Engine::TENSORRT {
                Device::Gpu
            } else {
                Device::Cpu
            }
        })
    }

    /// What this engine runs on: a built-in's device, else the one
    /// `declared` gives it (`None`: unknown there).
    pub fn device_in(&self, declared: &[EngineSpec]) -> Option<Device> {
        self.builtin_device().or_else(|| {
            declared
                .iter()
                .find(|e| e.engine == *self)
                .map(|e| e.device)
        })
    }

    /// The built-ins' names, `a, b, c`, for error messages.
    pub fn builtin_names() -> String {
        let names: Vec<&str> = Engine::BUILTIN.iter().map(|e| e.as_str()).collect();
        names.join(", ")
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Engine({})", self.as_str())
    }
}

impl Serialize for Engine {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Engine {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Engine, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Engine::parse(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{name}` is not an engine name ({})",
                Engine::SYNTAX
            ))
        })
    }
}

/// What an engine runs on. A GPU engine holds one GPU of the node
/// exclusively (plus `threads` cores); a CPU engine `threads` cores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Device {
    Cpu,
    Gpu,
}

impl Device {
    pub fn as_str(self) -> &'static str {
        match self {
            Device::Cpu => "cpu",
            Device::Gpu => "gpu",
        }
    }
}

/// An engine a profile declares (`spec.engines`): one synergai does not
/// know by name, so its rows and start-up times can be used.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineSpec {
    pub engine: Engine,
    pub device: Device,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
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
    /// Startup time per engine with rows on this architecture, sorted by
    /// engine.
    #[serde(skip)]
    pub startup_ms: Vec<(Engine, f64)>,
    pub description: String,
}

impl Architecture {
    /// Startup of `engine` on this architecture (0 if unknown).
    pub fn startup_ms(&self, engine: Engine) -> f64 {
        self.startup_of(engine).unwrap_or(0.0)
    }

    /// Startup of `engine` on this architecture, if it has one.
    pub fn startup_of(&self, engine: Engine) -> Option<f64> {
        self.startup_ms
            .iter()
            .find(|(e, _)| *e == engine)
            .map(|&(_, ms)| ms)
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
    /// GPUs the configuration holds: 1 for a GPU engine, else 0.
    pub gpus: u32,
    pub source: RowSource,
    pub note: String,
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
    /// The engines it declares (`spec.engines`): those not built in that
    /// its rows name (see [`Profile::with_engines`]).
    pub engines: Vec<EngineSpec>,
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
            && self.engines == other.engines
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
            engines: Vec::new(),
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

    /// The profile with these declared engines (sorted here; the loader
    /// checks they are not built-ins and that every engine its rows name
    /// is known).
    pub fn with_engines(mut self, mut engines: Vec<EngineSpec>) -> Profile {
        engines.sort_by_key(|e| e.engine);
        self.engines = engines;
        self
    }

    /// What `engine` runs on: a built-in's device or the declared one
    /// (`None`: this profile does not know the engine).
    pub fn device(&self, engine: Engine) -> Option<Device> {
        engine.device_in(&self.engines)
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
