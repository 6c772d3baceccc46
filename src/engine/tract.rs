//! tract (Sonos's ONNX engine, pure Rust, compiled in): the model
//! optimized for the pinned input shapes, matrix products on a pool of
//! `threads` threads.

use super::onnx::{ElementType, InputSpec, ModelFile};
use super::{Backend, Session};
use crate::error::{Error, Result};
use crate::model::Engine;
use tract_onnx::prelude::*;
use tract_onnx::tract_core::tract_linalg::multithread::{Executor, set_default_executor};

/// The tract crate this binary was built with.
pub const VERSION: &str = "0.23.9";

pub struct Tract;

impl Backend for Tract {
    fn engine(&self) -> Engine {
        Engine::TRACT
    }

    fn version(&self) -> String {
        VERSION.to_string()
    }

    fn load(&self, model: &ModelFile, threads: u32) -> Result<Box<dyn Session>> {
        let fail = |e: TractError| {
            Error::invalid(
                model.path.display().to_string(),
                None,
                None,
                format!("tract cannot load the model: {e:#}"),
            )
        };
        set_default_executor(if threads > 1 {
            Executor::multithread(threads as usize)
        } else {
            Executor::SingleThread
        });
        let mut graph = tract_onnx::onnx()
            .model_for_path(&model.path)
            .map_err(fail)?;
        let outlets = graph.input_outlets().map_err(fail)?.to_vec();
        // The optimized model keeps the inputs in this order (not their names).
        let mut inputs = TVec::new();
        for (i, outlet) in outlets.iter().enumerate() {
            let name = graph.node(outlet.node).name.clone();
            let spec = model
                .inputs
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(|| {
                    fail(anyhow::anyhow!(
                        "tract sees an input `{name}` the file does not declare"
                    ))
                })?;
            graph
                .set_input_fact(
                    i,
                    InferenceFact::dt_shape(datum(spec.element), spec.shape.clone()),
                )
                .map_err(fail)?;
            inputs.push(tensor(spec).map_err(fail)?.into());
        }
        let plan = graph
            .into_optimized()
            .and_then(|m| m.into_runnable())
            .map_err(fail)?;
        let state = plan.spawn().map_err(fail)?;
        Ok(Box::new(TractSession { state, inputs }))
    }
}

fn datum(element: ElementType) -> DatumType {
    match element {
        ElementType::F32 => f32::datum_type(),
        ElementType::F64 => f64::datum_type(),
        ElementType::I64 => i64::datum_type(),
        ElementType::I32 => i32::datum_type(),
        ElementType::I8 => i8::datum_type(),
        ElementType::U8 => u8::datum_type(),
        ElementType::Bool => bool::datum_type(),
    }
}

fn tensor(spec: &InputSpec) -> TractResult<Tensor> {
    let shape = &spec.shape;
    Ok(match spec.element {
        ElementType::F32 => Tensor::from_shape(shape, &spec.floats())?,
        ElementType::F64 => {
            let v: Vec<f64> = spec.floats().into_iter().map(f64::from).collect();
            Tensor::from_shape(shape, &v)?
        }
        ElementType::I64 => Tensor::from_shape(shape, &spec.ints())?,
        ElementType::I32 => {
            let v: Vec<i32> = spec.ints().into_iter().map(|v| v as i32).collect();
            Tensor::from_shape(shape, &v)?
        }
        ElementType::I8 => {
            let v: Vec<i8> = spec.ints().into_iter().map(|v| v as i8).collect();
            Tensor::from_shape(shape, &v)?
        }
        ElementType::U8 => {
            let v: Vec<u8> = spec.ints().into_iter().map(|v| v as u8).collect();
            Tensor::from_shape(shape, &v)?
        }
        ElementType::Bool => Tensor::from_shape(shape, &vec![false; spec.len()])?,
    })
}

struct TractSession {
    state: TypedSimpleState,
    inputs: TVec<TValue>,
}

impl Session for TractSession {
    fn infer(&mut self) -> Result<()> {
        self.state
            .run(self.inputs.clone())
            .map(drop)
            .map_err(|e| Error::Internal(format!("tract inference failed: {e:#}")))
    }
}
