//! ONNX Runtime through the `ort` crate, its library (`libonnxruntime.so`)
//! loaded at run time: `--engine-lib onnxruntime=PATH`, else
//! `ORT_DYLIB_PATH`, else the copy `scripts/engines.sh` installs from the
//! PyPI `onnxruntime` wheel under `~/.cache/synergai/engines/`, else a
//! system install found by the loader. Nothing is downloaded.

use super::onnx::{ElementType, InputSpec, ModelFile};
use super::{Backend, Session};
use crate::error::{Error, Result};
use crate::model::Engine;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::{DynValue, Tensor};
use std::path::{Path, PathBuf};

/// How to install the library, for the error when it is missing.
pub const INSTALL_HINT: &str = "install it with scripts/engines.sh (pip installs the onnxruntime wheel under ~/.cache/synergai/engines), or pass --engine-lib onnxruntime=/path/to/libonnxruntime.so (or set ORT_DYLIB_PATH)";

/// The library to load: the flag, the environment, the synergai cache, or
/// the bare name for the system loader.
pub fn library(flag: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = flag {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let capi = super::engines_dir().join("py/onnxruntime/capi");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&capi)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("libonnxruntime.so"))
        })
        .collect();
    found.sort();
    found.pop()
}

/// ONNX Runtime, loaded.
pub struct OnnxRuntime {
    environment: ort::environment::Environment,
    version: String,
}

impl OnnxRuntime {
    /// Loads the library once per process (exit 1 with [`INSTALL_HINT`]
    /// when it is missing or too old).
    pub fn load(flag: Option<&Path>) -> Result<OnnxRuntime> {
        let path = library(flag).ok_or_else(|| {
            Error::NotFound(format!(
                "engine onnxruntime is not installed: {INSTALL_HINT}"
            ))
        })?;
        if path.components().count() > 1 && !path.exists() {
            return Err(Error::NotFound(format!(
                "engine onnxruntime: {} does not exist; {INSTALL_HINT}",
                path.display()
            )));
        }
        let builder = ort::init_from(&path).map_err(|e| {
            Error::NotFound(format!(
                "engine onnxruntime could not be loaded: {e}; {INSTALL_HINT}"
            ))
        })?;
        let environment = builder.with_name("synergai").build().map_err(|e| {
            Error::Internal(format!("onnxruntime could not start its environment: {e}"))
        })?;
        let version = version_of(&path);
        Ok(OnnxRuntime {
            environment,
            version,
        })
    }
}

/// `1.32.0` from the library's file name, else what the library says.
fn version_of(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match name.strip_prefix("libonnxruntime.so.") {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => {
            let info = ort::info();
            info.split("git-branch=rel-")
                .nth(1)
                .and_then(|s| s.split(',').next())
                .unwrap_or("unknown")
                .to_string()
        }
    }
}

impl Backend for OnnxRuntime {
    fn engine(&self) -> Engine {
        Engine::ONNXRUNTIME
    }

    fn version(&self) -> String {
        self.version.clone()
    }

    fn load(&self, model: &ModelFile, threads: u32) -> Result<Box<dyn Session>> {
        let fail = |e: ort::Error| {
            Error::invalid(
                model.path.display().to_string(),
                None,
                None,
                format!("onnxruntime cannot load the model: {e}"),
            )
        };
        let session = ort::session::Session::builder(&self.environment)
            .map_err(fail)?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| fail(e.into()))?
            .with_intra_threads(threads as usize)
            .map_err(|e| fail(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| fail(e.into()))?
            .commit_from_file(&model.path)
            .map_err(fail)?;
        let inputs = model
            .inputs
            .iter()
            .map(|spec| Ok((spec.name.clone(), tensor(spec).map_err(fail)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Box::new(OrtSession { session, inputs }))
    }
}

fn tensor(spec: &InputSpec) -> ort::Result<DynValue> {
    let shape: Vec<i64> = spec.shape.iter().map(|&d| d as i64).collect();
    Ok(match spec.element {
        ElementType::F32 => Tensor::from_array((shape, spec.floats()))?.into_dyn(),
        ElementType::F64 => Tensor::from_array((
            shape,
            spec.floats().into_iter().map(f64::from).collect::<Vec<_>>(),
        ))?
        .into_dyn(),
        ElementType::I64 => Tensor::from_array((shape, spec.ints()))?.into_dyn(),
        ElementType::I32 => Tensor::from_array((
            shape,
            spec.ints()
                .into_iter()
                .map(|v| v as i32)
                .collect::<Vec<_>>(),
        ))?
        .into_dyn(),
        ElementType::I8 => Tensor::from_array((
            shape,
            spec.ints().into_iter().map(|v| v as i8).collect::<Vec<_>>(),
        ))?
        .into_dyn(),
        ElementType::U8 => Tensor::from_array((
            shape,
            spec.ints().into_iter().map(|v| v as u8).collect::<Vec<_>>(),
        ))?
        .into_dyn(),
        ElementType::Bool => Tensor::from_array((shape, vec![false; spec.len()]))?.into_dyn(),
    })
}

struct OrtSession {
    session: ort::session::Session,
    inputs: Vec<(String, DynValue)>,
}

impl Session for OrtSession {
    fn infer(&mut self) -> Result<()> {
        let inputs: Vec<(&str, &DynValue)> =
            self.inputs.iter().map(|(n, v)| (n.as_str(), v)).collect();
        self.session
            .run(inputs)
            .map(drop)
            .map_err(|e| Error::Internal(format!("onnxruntime inference failed: {e}")))
    }
}
