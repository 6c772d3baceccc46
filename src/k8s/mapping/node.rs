//! Nodes: what a node offers, the node → [`NodeSpec`] mapping (architecture,
//! tier, resources, annotations, labels, taints) and readiness.

use super::quantity::{MIB, milliseconds};
use super::{
    ANN_BUSY_WATTS, ANN_IDLE_WATTS, ANN_NETWORK_MS, ArchMapping, LABEL_ARCH, LABEL_HOSTNAME,
    LABEL_TIER, Mapped, MappingError, RESOURCE_GPU, annotation_field, label_field, parse_count,
    parse_cpu_millis, parse_memory_bytes, quote,
};
use crate::model::{Isa, NodeSpec, Profile, Taint, TaintEffect, Tier};
use k8s_openapi::api::core::v1::Node;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// What a node offers: `status.allocatable`, each resource falling back to
/// `status.capacity`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeResources {
    pub cpu_millis: u64,
    pub memory_bytes: u64,
    pub gpus: u64,
    /// How many pods the kubelet accepts (`pods`; 110 when not reported).
    pub pods: u64,
}

/// kubelet's default `--max-pods`.
const DEFAULT_MAX_PODS: u64 = 110;

/// A node's allocatable resources; warnings name resources the node has not
/// reported (a node just created, before its kubelet or the emulator
/// patched its status), which count as 0.
pub fn node_resources(node: &Node) -> Result<Mapped<NodeResources>, MappingError> {
    let object = format!("node {}", node.metadata.name.as_deref().unwrap_or(""));
    let status = node.status.as_ref();
    let lookup = |key: &str| -> Option<(&'static str, &Quantity)> {
        let s = status?;
        s.allocatable
            .as_ref()
            .and_then(|m| m.get(key))
            .map(|q| ("allocatable", q))
            .or_else(|| {
                s.capacity
                    .as_ref()
                    .and_then(|m| m.get(key))
                    .map(|q| ("capacity", q))
            })
    };
    let mut warnings = Vec::new();
    let mut get = |key: &str,
                   parse: fn(&str) -> Result<u64, String>,
                   required: bool|
     -> Result<Option<u64>, MappingError> {
        match lookup(key) {
            Some((source, q)) => parse(&q.0)
                .map(Some)
                .map_err(|e| MappingError::new(&object, format!("status.{source}[{key}]"), e)),
            None => {
                if required {
                    warnings.push(format!(
                        "{object}: no status.allocatable[{key}] reported yet; counted as 0"
                    ));
                }
                Ok(None)
            }
        }
    };
    let cpu_millis = get("cpu", parse_cpu_millis, true)?.unwrap_or(0);
    let memory_bytes = get("memory", parse_memory_bytes, true)?.unwrap_or(0);
    let gpus = get(RESOURCE_GPU, parse_count, false)?.unwrap_or(0);
    let pods = get("pods", parse_count, false)?.unwrap_or(DEFAULT_MAX_PODS);
    Ok(Mapped {
        value: NodeResources {
            cpu_millis,
            memory_bytes,
            gpus,
            pods,
        },
        warnings,
    })
}

/// Maps a node to synergai's model.
///
/// - architecture: the `synergai.io/arch` label, else the first matching
///   rule of `mapping`; an architecture the profile does not know, or one
///   without profile rows, is an error;
/// - tier: the `synergai.io/tier` label (`edge`|`cloud`), else `cloud` for
///   x86_64 and `edge` for arm64 architectures;
/// - cores: whole cores of allocatable CPU (rounded down); memory: MiB of
///   allocatable memory (rounded down); GPUs: allocatable `nvidia.com/gpu`
///   (0 if absent; forced to 0 with a warning on an architecture the
///   profile says has no GPU; a warning if a GPU architecture advertises
///   none, since GPU engines then cannot be placed there);
/// - network cost and power from the node annotations (default 0);
/// - labels copied except `kubernetes.io/hostname`; taints converted
///   (unknown effects are skipped with a warning).
pub fn map_node(
    node: &Node,
    profile: &Profile,
    mapping: &ArchMapping,
) -> Result<Mapped<NodeSpec>, MappingError> {
    let name = node.metadata.name.clone().unwrap_or_default();
    let object = format!("node {name}");
    if name.is_empty() {
        return Err(MappingError::new(&object, "metadata.name", "missing"));
    }
    let err = |field: String, message: String| MappingError::new(&object, field, message);
    let empty = BTreeMap::new();
    let labels = node.metadata.labels.as_ref().unwrap_or(&empty);
    let annotations = node.metadata.annotations.as_ref().unwrap_or(&empty);

    let arch = match labels.get(LABEL_ARCH) {
        Some(v) => profile.arch_id(v).ok_or_else(|| {
            err(
                label_field(LABEL_ARCH),
                format!(
                    "unknown architecture {} (profile {} knows: {})",
                    quote(v),
                    profile.name,
                    profile.arch_names()
                ),
            )
        })?,
        None => match mapping.resolve(labels) {
            Some((i, rule)) => profile.arch_id(&rule.arch).ok_or_else(|| {
                err(
                    label_field(&rule.label),
                    format!(
                        "value {} maps to architecture {} (arch mapping rule {i}), which profile {} does not know (known: {})",
                        quote(&labels[&rule.label]),
                        quote(&rule.arch),
                        profile.name,
                        profile.arch_names()
                    ),
                )
            })?,
            None => {
                return Err(err(
                    label_field(LABEL_ARCH),
                    format!(
                        "missing, and no architecture mapping rule matches the node's labels; label the node with one of: {}",
                        profile.arch_names()
                    ),
                ));
            }
        },
    };
    let architecture = profile.arch(arch);
    if !profile.rows.iter().any(|r| r.arch == arch) {
        return Err(err(
            label_field(LABEL_ARCH),
            format!(
                "architecture {} has no rows in profile {}: synergai cannot place jobs there",
                architecture.name, profile.name
            ),
        ));
    }

    let tier = match labels.get(LABEL_TIER).map(String::as_str) {
        Some("edge") => Tier::Edge,
        Some("cloud") => Tier::Cloud,
        Some(other) => {
            return Err(err(
                label_field(LABEL_TIER),
                format!("must be `edge` or `cloud`, got {}", quote(other)),
            ));
        }
        None => match architecture.isa {
            Isa::X86_64 => Tier::Cloud,
            Isa::Arm64 => Tier::Edge,
        },
    };

    let Mapped {
        value: resources,
        mut warnings,
    } = node_resources(node)?;
    let cores = u32::try_from(resources.cpu_millis / 1000).map_err(|_| {
        err(
            "status.allocatable[cpu]".into(),
            format!("absurdly many cores ({})", resources.cpu_millis / 1000),
        )
    })?;
    let mut gpus = u32::try_from(resources.gpus).map_err(|_| {
        err(
            format!("status.allocatable[{RESOURCE_GPU}]"),
            format!("absurdly many GPUs ({})", resources.gpus),
        )
    })?;
    if gpus > 0 && !architecture.gpu {
        warnings.push(format!(
            "{object}: advertises {gpus} {RESOURCE_GPU} but architecture {} has no GPU in profile {}; counted as 0",
            architecture.name, profile.name
        ));
        gpus = 0;
    } else if gpus == 0 && architecture.gpu {
        warnings.push(format!(
            "{object}: architecture {} has a GPU but the node advertises no {RESOURCE_GPU} (is the device plugin running?); GPU engines will not be placed there",
            architecture.name
        ));
    }

    let network_ms = match annotations.get(ANN_NETWORK_MS) {
        Some(v) => milliseconds(v).filter(|&ms| ms >= 0.0).ok_or_else(|| {
            err(
                annotation_field(ANN_NETWORK_MS),
                format!(
                    "must be a non-negative number of milliseconds, got {}",
                    quote(v)
                ),
            )
        })?,
        None => 0.0,
    };
    let watts = |key: &str| -> Result<f64, MappingError> {
        match annotations.get(key) {
            Some(v) => match v.trim().parse::<f64>() {
                Ok(w) if w.is_finite() && (0.0..=1e6).contains(&w) => Ok(w),
                _ => Err(err(
                    annotation_field(key),
                    format!("must be a number of watts from 0 to 10^6, got {}", quote(v)),
                )),
            },
            None => Ok(0.0),
        }
    };
    let idle_watts = watts(ANN_IDLE_WATTS)?;
    let busy_watts = watts(ANN_BUSY_WATTS)?;

    let mut taints = Vec::new();
    for t in node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
    {
        let effect = match t.effect.as_str() {
            "NoSchedule" => TaintEffect::NoSchedule,
            "PreferNoSchedule" => TaintEffect::PreferNoSchedule,
            "NoExecute" => TaintEffect::NoExecute,
            other => {
                warnings.push(format!(
                    "{object}: taint {} has unknown effect {}; ignored",
                    t.key,
                    quote(other)
                ));
                continue;
            }
        };
        taints.push(Taint {
            key: t.key.clone(),
            value: t.value.clone().filter(|v| !v.is_empty()),
            effect,
        });
    }

    // The hostname would make every node its own class, and the
    // synergai.io/ labels are already the arch and tier fields.
    let labels = labels
        .iter()
        .filter(|(k, _)| k.as_str() != LABEL_HOSTNAME && !k.starts_with("synergai.io/"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();

    Ok(Mapped {
        value: NodeSpec {
            name,
            arch,
            tier,
            cores,
            memory_mib: resources.memory_bytes / MIB,
            gpus,
            network_ms,
            idle_watts,
            busy_watts,
            labels,
            taints,
        },
        warnings,
    })
}

/// [`map_node`] without the warnings.
pub fn node_spec(
    node: &Node,
    profile: &Profile,
    mapping: &ArchMapping,
) -> Result<NodeSpec, MappingError> {
    map_node(node, profile, mapping).map(|m| m.value)
}

/// Whether the node's `Ready` condition is `True`.
pub fn node_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::mapping::ArchRule;
    use crate::k8s::mapping::tests::{agx, node, profile};
    use crate::model::Architecture;
    use serde_json::{Value, json};

    #[test]
    fn node_from_labels_and_status() {
        let p = profile();
        let n = agx(
            json!({}),
            json!([
                {"key": "gpu", "value": "true", "effect": "NoSchedule"},
                {"key": "dedicated", "effect": "PreferNoSchedule"},
                {"key": "maintenance", "value": "", "effect": "NoExecute"}
            ]),
        );
        let m = map_node(&n, &p, &ArchMapping::default()).unwrap();
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);
        let s = m.value;
        assert_eq!(s.name, "agx-1");
        assert_eq!(p.arch(s.arch).name, "agx-orin");
        assert_eq!(s.tier, Tier::Edge);
        assert_eq!((s.cores, s.memory_mib, s.gpus), (7, 30 * 1024, 1));
        assert_eq!(
            (s.network_ms, s.idle_watts, s.busy_watts),
            (20.0, 15.0, 60.5)
        );
        assert_eq!(
            s.labels.keys().collect::<Vec<_>>(),
            ["zone"],
            "neither the hostname nor the synergai.io/ labels are copied"
        );
        assert_eq!(
            s.taints,
            vec![
                Taint {
                    key: "gpu".into(),
                    value: Some("true".into()),
                    effect: TaintEffect::NoSchedule
                },
                Taint {
                    key: "dedicated".into(),
                    value: None,
                    effect: TaintEffect::PreferNoSchedule
                },
                Taint {
                    key: "maintenance".into(),
                    value: None,
                    effect: TaintEffect::NoExecute
                },
            ]
        );
        assert!(node_ready(&n));
        let tiered = agx(json!({"synergai.io/tier": "cloud"}), json!([]));
        assert_eq!(
            node_spec(&tiered, &p, &ArchMapping::default())
                .unwrap()
                .tier,
            Tier::Cloud
        );
    }

    fn bare(name: &str, labels: Value, allocatable: Value) -> Node {
        node(
            json!({"metadata": {"name": name, "labels": labels}, "status": {"allocatable": allocatable}}),
        )
    }

    #[test]
    fn node_arch_fallback_rules() {
        let p = profile();
        let m = ArchMapping::default();
        let arch_of = |labels: Value| {
            let n = bare(
                "n",
                labels,
                json!({"cpu": "4", "memory": "8Gi", "nvidia.com/gpu": "1"}),
            );
            let s = node_spec(&n, &p, &m).unwrap();
            (p.arch(s.arch).name.clone(), s.tier)
        };
        let gpu = "nvidia.com/gpu.product";
        assert_eq!(arch_of(json!({gpu: "NVIDIA-Jetson-Orin-NX"})).0, "orin-nx");
        assert_eq!(arch_of(json!({gpu: "Orin NX 16GB"})).0, "orin-nx");
        assert_eq!(
            arch_of(json!({gpu: "NVIDIA-Jetson-AGX-Orin-Developer-Kit"})).0,
            "agx-orin"
        );
        assert_eq!(arch_of(json!({gpu: "orin"})).0, "agx-orin");
        assert_eq!(
            arch_of(json!({"node.kubernetes.io/instance-type": "rpi5-8gb"})),
            ("rpi5".to_string(), Tier::Edge)
        );
        assert_eq!(
            arch_of(json!({"node.kubernetes.io/instance-type": "Raspberry-Pi-5"})).0,
            "rpi5"
        );
        assert_eq!(
            arch_of(json!({"kubernetes.io/arch": "amd64"})),
            ("xeon-vm".to_string(), Tier::Cloud)
        );
        // The label wins over the rules.
        assert_eq!(
            arch_of(json!({"synergai.io/arch": "rpi5", "kubernetes.io/arch": "amd64"})).0,
            "rpi5"
        );
        // No label, no rule: an error that says what to do.
        let n = bare("odd", json!({"kubernetes.io/arch": "riscv64"}), json!({}));
        let e = node_spec(&n, &p, &m).unwrap_err();
        assert_eq!(e.field, "metadata.labels[synergai.io/arch]");
        assert!(
            e.to_string()
                .starts_with("node odd: label synergai.io/arch: missing"),
            "{e}"
        );
        assert!(e.message.contains("agx-orin"), "{e}");
        // A rule naming an architecture the profile lacks.
        let custom = ArchMapping {
            rules: vec![ArchRule::equals("kubernetes.io/arch", "riscv64", "sifive")],
        };
        let e = node_spec(&n, &p, &custom).unwrap_err();
        assert_eq!(e.field, "metadata.labels[kubernetes.io/arch]");
        assert!(e.message.contains("\"sifive\""), "{e}");
    }

    #[test]
    fn node_errors() {
        let p = profile();
        let m = ArchMapping::default();
        let e = node_spec(
            &bare("x", json!({"synergai.io/arch": "vax"}), json!({})),
            &p,
            &m,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("node x: label synergai.io/arch: unknown architecture \"vax\""),
            "{e}"
        );
        let e = node_spec(&agx(json!({"synergai.io/tier": "fog"}), json!([])), &p, &m).unwrap_err();
        assert_eq!(
            e.to_string(),
            "node agx-1: label synergai.io/tier: must be `edge` or `cloud`, got \"fog\""
        );
        let e = node_spec(
            &bare(
                "x",
                json!({"synergai.io/arch": "rpi5"}),
                json!({"cpu": "lots"}),
            ),
            &p,
            &m,
        )
        .unwrap_err();
        assert_eq!(e.field, "status.allocatable[cpu]");
        let mut n = agx(json!({}), json!([]));
        n.metadata
            .annotations
            .as_mut()
            .unwrap()
            .insert(ANN_IDLE_WATTS.into(), "-3".into());
        let e = node_spec(&n, &p, &m).unwrap_err();
        assert_eq!(
            e.to_string(),
            "node agx-1: annotation synergai.io/idle-watts: must be a number of watts from 0 to 10^6, got \"-3\""
        );
        let mut n = agx(json!({}), json!([]));
        n.metadata
            .annotations
            .as_mut()
            .unwrap()
            .insert(ANN_NETWORK_MS.into(), "soon".into());
        assert!(
            node_spec(&n, &p, &m)
                .unwrap_err()
                .to_string()
                .contains("network-ms: must be a non-negative number of milliseconds")
        );
        let e = node_spec(&node(json!({"metadata": {}})), &p, &m).unwrap_err();
        assert_eq!(e.field, "metadata.name");

        // An architecture without profile rows.
        let mut archs = p.archs.clone();
        let mut riscv: Architecture = archs[0].clone();
        riscv.name = "riscv".into();
        archs.push(riscv);
        let p2 = Profile::new(
            p.name.clone(),
            String::new(),
            p.knee_threshold,
            archs,
            p.models.clone(),
            p.rows.clone(),
        );
        let e = node_spec(
            &bare("r", json!({"synergai.io/arch": "riscv"}), json!({})),
            &p2,
            &m,
        )
        .unwrap_err();
        assert!(e.message.contains("has no rows"), "{e}");
    }

    #[test]
    fn node_resources_gpus_and_fallbacks() {
        let p = profile();
        let m = ArchMapping::default();
        // A GPU on a CPU-only architecture is not counted.
        let n = bare(
            "x",
            json!({"synergai.io/arch": "xeon-vm"}),
            json!({"cpu": "16", "memory": "64Gi", "nvidia.com/gpu": "2"}),
        );
        let r = map_node(&n, &p, &m).unwrap();
        assert_eq!(r.value.gpus, 0);
        assert!(r.warnings[0].contains("has no GPU"), "{:?}", r.warnings);
        // A GPU architecture without the device plugin: 0 and a warning.
        let n = bare(
            "o",
            json!({"synergai.io/arch": "orin-nx"}),
            json!({"cpu": "8", "memory": "16Gi"}),
        );
        let r = map_node(&n, &p, &m).unwrap();
        assert_eq!(r.value.gpus, 0);
        assert!(r.warnings[0].contains("device plugin"), "{:?}", r.warnings);
        // Capacity stands in for a missing allocatable entry.
        let n = node(
            json!({"metadata": {"name": "c", "labels": {"synergai.io/arch": "rpi5"}},
            "status": {"allocatable": {"cpu": "3500m"}, "capacity": {"cpu": "4", "memory": "8Gi"}}}),
        );
        let s = node_spec(&n, &p, &m).unwrap();
        assert_eq!((s.cores, s.memory_mib), (3, 8192));
        // No status yet: zeros and warnings, not an error.
        let n = node(json!({"metadata": {"name": "new", "labels": {"synergai.io/arch": "rpi5"}}}));
        let r = map_node(&n, &p, &m).unwrap();
        assert_eq!((r.value.cores, r.value.memory_mib), (0, 0));
        assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
        assert!(!node_ready(&n));
        let res = node_resources(&agx(json!({}), json!([]))).unwrap().value;
        assert_eq!(
            res,
            NodeResources {
                cpu_millis: 7900,
                memory_bytes: 30 << 30,
                gpus: 1,
                pods: 110
            }
        );
    }
}
