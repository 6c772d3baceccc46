//! Real inference engines for `synergai profile measure`, loaded at run
//! time, behind one small trait: load a model file for a thread count,
//! run one batch-1 inference on generated inputs, name the engine and its
//! version. A shell beside `k8s`: it uses only `model` and `error`.

pub mod host;
pub mod measure;
pub mod onnx;
pub mod ort;
pub mod tract;

use crate::error::{Error, Result};
use crate::model::Engine;
use onnx::ModelFile;
use std::path::{Path, PathBuf};

/// An inference engine, ready to load models.
pub trait Backend {
    fn engine(&self) -> Engine;
    fn version(&self) -> String;
    /// Loads `model` (inputs pinned) to run on `threads` threads.
    fn load(&self, model: &ModelFile, threads: u32) -> Result<Box<dyn Session>>;
}

/// A loaded model: one batch-1 inference on the generated inputs per call.
pub trait Session {
    fn infer(&mut self) -> Result<()>;
}

/// The engines `profile measure` can run.
pub static MEASURABLE: [Engine; 2] = [Engine::ONNXRUNTIME, Engine::TRACT];

/// `${XDG_CACHE_HOME:-~/.cache}/synergai/engines`, where
/// `scripts/engines.sh` installs the engines' wheels (`py/`).
pub fn engines_dir() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("synergai").join("engines")
}

/// The engine, loaded (`library`: `--engine-lib` for it). An engine that
/// is not installed is an [`Error::NotFound`] saying how to install it
/// (exit 1); one `measure` cannot run, a usage error (exit 2).
pub fn open(engine: Engine, library: Option<&Path>) -> Result<Box<dyn Backend>> {
    match engine {
        Engine::ONNXRUNTIME => Ok(Box::new(ort::OnnxRuntime::load(library)?)),
        Engine::TRACT => Ok(Box::new(tract::Tract)),
        other => Err(Error::Usage(format!(
            "engine `{other}` cannot be measured by this binary (measurable: {})",
            MEASURABLE
                .iter()
                .map(Engine::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}
