//! An ONNX model file as the engines see it: its real inputs (graph inputs
//! without an initializer), their element types and their shapes with every
//! dynamic dimension pinned, and the deterministic inputs fed to it.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tract_onnx::pb::tensor_proto::DataType;
use tract_onnx::pb::tensor_shape_proto::dimension::Value as Dim;
use tract_onnx::pb::type_proto::Value as TypeValue;
use tract_onnx::prelude::Framework;

/// Element types an input may have (the others are an error naming the input).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementType {
    F32,
    F64,
    I64,
    I32,
    I8,
    U8,
    Bool,
}

impl ElementType {
    fn from_onnx(code: i32) -> Option<ElementType> {
        Some(match DataType::try_from(code).ok()? {
            DataType::Float => ElementType::F32,
            DataType::Double => ElementType::F64,
            DataType::Int64 => ElementType::I64,
            DataType::Int32 => ElementType::I32,
            DataType::Int8 => ElementType::I8,
            DataType::Uint8 => ElementType::U8,
            DataType::Bool => ElementType::Bool,
            _ => return None,
        })
    }
}

/// One input the engine is fed, with its shape fully known.
#[derive(Clone, Debug, PartialEq)]
pub struct InputSpec {
    pub name: String,
    pub element: ElementType,
    pub shape: Vec<usize>,
}

impl InputSpec {
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `1x3x224x224`.
    pub fn shape_text(&self) -> String {
        shape_text(&self.shape)
    }

    /// Deterministic values in [-0.5, 0.5) (floats) or {0, 1} (integers,
    /// valid as indices into any table), the same on every run.
    pub fn floats(&self) -> Vec<f32> {
        (0..self.len())
            .map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5)
            .collect()
    }

    pub fn ints(&self) -> Vec<i64> {
        (0..self.len()).map(|i| (i % 2) as i64).collect()
    }
}

/// `1x3x224x224`.
pub fn shape_text(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    dims.join("x")
}

/// `INPUT=1x3x224x224` of `--shape`.
pub fn parse_shape(text: &str) -> Result<(String, Vec<usize>)> {
    let bad = || {
        Error::Usage(format!(
            "--shape `{text}`: expected INPUT=DIMxDIM…, e.g. input=1x3x224x224"
        ))
    };
    let (name, dims) = text.rsplit_once('=').ok_or_else(bad)?;
    if name.is_empty() {
        return Err(bad());
    }
    let dims: Vec<usize> = dims
        .split('x')
        .map(|d| d.trim().parse::<usize>().ok().filter(|d| *d > 0))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    Ok((name.to_string(), dims))
}

/// A model file checked to be ONNX, with its inputs resolved.
#[derive(Clone, Debug)]
pub struct ModelFile {
    /// The model's name in the profile.
    pub name: String,
    pub path: PathBuf,
    pub inputs: Vec<InputSpec>,
    /// Operators (node count) and the opset, for the row note.
    pub nodes: usize,
    pub opset: i64,
}

/// Reads `path` as an ONNX model. Not ONNX (or truncated), no graph, an
/// input of an unsupported type, a dynamic dimension without a `--shape`
/// pin, a pin that contradicts the model: an [`Error::Invalid`] naming the
/// file (exit 2).
pub fn inspect(name: &str, path: &Path, pins: &BTreeMap<String, Vec<usize>>) -> Result<ModelFile> {
    let file = path.display().to_string();
    let invalid = |message: String| Error::invalid(file.clone(), None, None, message);
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let proto = tract_onnx::onnx()
        .proto_model_for_read(&mut bytes.as_slice())
        .map_err(|e| invalid(format!("not an ONNX model (or truncated): {e}")))?;
    let graph = match proto.graph.as_ref() {
        Some(g) if !g.node.is_empty() && proto.ir_version > 0 => g,
        _ => {
            return Err(invalid(
                "not an ONNX model: no graph, or a graph without operators".into(),
            ));
        }
    };
    let opset = proto
        .opset_import
        .iter()
        .find(|o| o.domain.is_empty() || o.domain == "ai.onnx")
        .map(|o| o.version)
        .unwrap_or(0);
    let initialized: std::collections::HashSet<&str> =
        graph.initializer.iter().map(|t| t.name.as_str()).collect();
    let mut inputs = Vec::new();
    for input in graph
        .input
        .iter()
        .filter(|i| !initialized.contains(i.name.as_str()))
    {
        let Some(TypeValue::TensorType(tensor)) =
            input.r#type.as_ref().and_then(|t| t.value.as_ref())
        else {
            return Err(invalid(format!(
                "input `{}` is not a tensor (only tensor inputs can be generated)",
                input.name
            )));
        };
        let element = ElementType::from_onnx(tensor.elem_type).ok_or_else(|| {
            invalid(format!(
                "input `{}` has element type {:?}, which measure cannot generate (float, double, int64, int32, int8, uint8, bool)",
                input.name,
                DataType::try_from(tensor.elem_type).map(|t| t.as_str_name()).unwrap_or("unknown")
            ))
        })?;
        let declared: Vec<Option<usize>> = tensor
            .shape
            .as_ref()
            .map(|s| {
                s.dim
                    .iter()
                    .map(|d| match d.value {
                        Some(Dim::DimValue(v)) if v > 0 => Some(v as usize),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let shape = match pins.get(&input.name) {
            Some(pin) => {
                if tensor.shape.is_some() && pin.len() != declared.len() {
                    return Err(invalid(format!(
                        "--shape {}={}: the input has {} dimensions, not {}",
                        input.name,
                        shape_text(pin),
                        declared.len(),
                        pin.len()
                    )));
                }
                for (i, (p, d)) in pin.iter().zip(&declared).enumerate() {
                    if let Some(d) = d
                        && d != p
                    {
                        return Err(invalid(format!(
                            "--shape {}={}: dimension {i} of the input is fixed at {d}",
                            input.name,
                            shape_text(pin)
                        )));
                    }
                }
                pin.clone()
            }
            None => {
                if tensor.shape.is_none() || declared.iter().any(Option::is_none) {
                    let text: Vec<String> = declared
                        .iter()
                        .map(|d| d.map_or("?".into(), |d| d.to_string()))
                        .collect();
                    return Err(invalid(format!(
                        "input `{}` has dynamic dimensions ({}): pin them with --shape {}=DIMxDIM…",
                        input.name,
                        if text.is_empty() {
                            "unknown rank".into()
                        } else {
                            text.join("x")
                        },
                        input.name
                    )));
                }
                declared.into_iter().flatten().collect()
            }
        };
        inputs.push(InputSpec {
            name: input.name.clone(),
            element,
            shape,
        });
    }
    if inputs.is_empty() {
        return Err(invalid("the model has no inputs to feed".into()));
    }
    Ok(ModelFile {
        name: name.to_string(),
        path: path.to_path_buf(),
        inputs,
        nodes: graph.node.len(),
        opset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_parse_and_bad_ones_are_usage_errors() {
        assert_eq!(
            parse_shape("data=1x3x224x224").unwrap(),
            ("data".into(), vec![1, 3, 224, 224])
        );
        for bad in ["data", "=1x2", "data=1x0", "data=1xx2", "data=a"] {
            assert!(matches!(parse_shape(bad), Err(Error::Usage(_))), "{bad}");
        }
    }

    #[test]
    fn garbage_and_empty_files_are_not_onnx() {
        let dir = std::env::temp_dir().join(format!("synergai-onnx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in [
            ("empty", &b""[..]),
            ("text", b"hello, world\n"),
            ("bin", &[0xff; 64]),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            let err = inspect("m", &path, &BTreeMap::new()).unwrap_err();
            assert!(matches!(err, Error::Invalid { .. }), "{name}: {err}");
            assert!(
                err.to_string().contains("not an ONNX model"),
                "{name}: {err}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A one-node graph (Relu) whose input `x` is `batch`x3.
    fn dynamic_model(path: &Path) {
        use prost::Message;
        use tract_onnx::pb;
        let dim = |v: Dim| pb::tensor_shape_proto::Dimension {
            denotation: String::new(),
            value: Some(v),
        };
        let value = |name: &str, dims: Vec<pb::tensor_shape_proto::Dimension>| pb::ValueInfoProto {
            name: name.into(),
            r#type: Some(pb::TypeProto {
                denotation: String::new(),
                value: Some(TypeValue::TensorType(pb::type_proto::Tensor {
                    elem_type: DataType::Float as i32,
                    shape: Some(pb::TensorShapeProto { dim: dims }),
                })),
            }),
            ..Default::default()
        };
        let model = pb::ModelProto {
            ir_version: 7,
            opset_import: vec![pb::OperatorSetIdProto {
                domain: String::new(),
                version: 13,
            }],
            graph: Some(pb::GraphProto {
                name: "g".into(),
                node: vec![pb::NodeProto {
                    input: vec!["x".into()],
                    output: vec!["y".into()],
                    op_type: "Relu".into(),
                    ..Default::default()
                }],
                input: vec![value(
                    "x",
                    vec![dim(Dim::DimParam("batch".into())), dim(Dim::DimValue(3))],
                )],
                output: vec![value(
                    "y",
                    vec![dim(Dim::DimParam("batch".into())), dim(Dim::DimValue(3))],
                )],
                ..Default::default()
            }),
            ..Default::default()
        };
        std::fs::write(path, model.encode_to_vec()).unwrap();
    }

    #[test]
    fn dynamic_dimensions_must_be_pinned_and_pins_must_fit() {
        let dir = std::env::temp_dir().join(format!("synergai-dyn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("dynamic.onnx");
        dynamic_model(&path);
        let err = inspect("m", &path, &BTreeMap::new()).unwrap_err();
        assert!(matches!(err, Error::Invalid { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("input `x` has dynamic dimensions (?x3): pin them with --shape x="),
            "{err}"
        );
        let pin = |dims: Vec<usize>| BTreeMap::from([("x".to_string(), dims)]);
        let m = inspect("m", &path, &pin(vec![4, 3])).unwrap();
        assert_eq!(m.inputs[0].shape, vec![4, 3]);
        assert!(
            inspect("m", &path, &pin(vec![4, 5]))
                .unwrap_err()
                .to_string()
                .contains("fixed at 3")
        );
        assert!(
            inspect("m", &path, &pin(vec![4]))
                .unwrap_err()
                .to_string()
                .contains("2 dimensions")
        );
        // Both engines run it once pinned.
        let tract = crate::engine::tract::Tract;
        use crate::engine::Backend;
        tract.load(&m, 1).unwrap().infer().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn generated_inputs_are_deterministic() {
        let spec = InputSpec {
            name: "x".into(),
            element: ElementType::F32,
            shape: vec![1, 3, 2],
        };
        assert_eq!(spec.floats(), spec.floats());
        assert_eq!(spec.floats().len(), 6);
        assert!(spec.floats().iter().all(|v| (-0.5..0.5).contains(v)));
        assert_eq!(spec.ints(), vec![0, 1, 0, 1, 0, 1]);
    }
}
