//! The pure, synchronous mapping between Kubernetes objects and synergai's
//! model: no I/O, no async. Everything the live source, the emulator and the
//! scheduler agree on lives here — the labels and annotations of the
//! Kubernetes contract (`product.md`), quantity parsing, node and pod
//! mapping, resource accounting and the filters kube-scheduler's default
//! plugins apply (which a custom scheduler must apply itself).
//!
//! Conventions:
//! - every error names the object (`pod default/job-1`, `node agx-1`), the
//!   field (`metadata.annotations[synergai.io/qos-ms]`) and what was wrong,
//!   quoting the offending value;
//! - problems that do not stop a mapping (a GPU advertised on a CPU-only
//!   architecture, a malformed decision annotation, a node that has not
//!   reported its resources yet) are returned as warnings in [`Mapped`];
//! - quantities are parsed exactly (integer arithmetic, no floats), rounded
//!   the way Kubernetes rounds (`MilliValue`/`Value` round up), and no input
//!   makes them panic.

use crate::error::{Error, Position};
use crate::fixture::raw::{API_VERSION, Metadata};
use crate::model::{
    Engine, Isa, ModelId, NodeId, NodeSpec, Pin, Profile, Taint, TaintEffect, Tier,
};
use k8s_openapi::api::core::v1::{
    Container, Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, ResourceRequirements,
    Toleration,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};
use std::collections::BTreeMap;
use std::fmt;

// ------------------------------------------------------------- the contract

/// The `spec.schedulerName` of synergai's jobs.
pub const SCHEDULER_NAME: &str = "synergai";

/// Node label: the node's architecture (a name of the profile).
pub const LABEL_ARCH: &str = "synergai.io/arch";
/// Node label: `edge` or `cloud`.
pub const LABEL_TIER: &str = "synergai.io/tier";

/// Pod annotation: the model the job serves (a name of the profile).
pub const ANN_MODEL: &str = "synergai.io/model";
/// Pod annotation: how many queries the job runs (a whole number ≥ 1).
pub const ANN_QUERIES: &str = "synergai.io/queries";
/// Pod annotation: the job's QoS deadline after creation, in milliseconds.
pub const ANN_QOS_MS: &str = "synergai.io/qos-ms";

/// Decision annotation: the engine synergai chose.
pub const ANN_ENGINE: &str = "synergai.io/engine";
/// Decision annotation: the thread count synergai chose.
pub const ANN_THREADS: &str = "synergai.io/threads";
/// Decision annotation: the predicted run time (ms) of the chosen configuration.
pub const ANN_PREDICTED_MS: &str = "synergai.io/predicted-ms";
/// Decision annotation: who placed the pod (`policy`, `operator`, …).
pub const ANN_PLACED_BY: &str = "synergai.io/placed-by";

/// Operator pin: the pod may only run on this node.
pub const ANN_PIN_NODE: &str = "synergai.io/pin-node";
/// Operator pin: the pod may only run on this architecture.
pub const ANN_PIN_ARCH: &str = "synergai.io/pin-arch";
/// Why the operator pinned the pod (free text, shown in the dashboard).
pub const ANN_PIN_REASON: &str = "synergai.io/pin-reason";

/// Node annotation: one-way cost (ms) of shipping a job's input to the node (default 0).
pub const ANN_NETWORK_MS: &str = "synergai.io/network-ms";
/// Node annotation: the node's idle power in watts (default 0: not metered).
pub const ANN_IDLE_WATTS: &str = "synergai.io/idle-watts";
/// Node annotation: the node's busy power in watts (default 0: not metered).
pub const ANN_BUSY_WATTS: &str = "synergai.io/busy-watts";

/// The extended resource of NVIDIA GPUs (the device plugin's name).
pub const RESOURCE_GPU: &str = "nvidia.com/gpu";
/// Well-known label identical to the node name; not copied into
/// [`NodeSpec::labels`] (it would make every node a class of its own).
pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
/// The taint `kubectl cordon` implies (`node.spec.unschedulable`).
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// The largest count or CPU quantity (in its unit) accepted as sane.
pub const MAX_SANE: u64 = 1_000_000_000_000_000;
/// The largest number of queries a job may declare (as in fixtures).
pub const MAX_QUERIES: u64 = 1_000_000_000_000;

// ------------------------------------------------------------------ errors

/// A Kubernetes object that cannot be mapped, with the field at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{object}: {}: {message}", describe_field(field))]
pub struct MappingError {
    /// `pod NAMESPACE/NAME` or `node NAME`.
    pub object: String,
    /// The field path, e.g. `metadata.annotations[synergai.io/qos-ms]`.
    pub field: String,
    pub message: String,
}

impl MappingError {
    fn new(object: &str, field: impl Into<String>, message: impl Into<String>) -> MappingError {
        MappingError {
            object: object.to_string(),
            field: field.into(),
            message: message.into(),
        }
    }
}

/// `metadata.annotations[K]` reads `annotation K`, `metadata.labels[K]`
/// reads `label K`; other paths read as they are.
fn describe_field(field: &str) -> String {
    let inner = |prefix: &str| {
        field
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(']'))
            .map(str::to_string)
    };
    if let Some(key) = inner("metadata.annotations[") {
        format!("annotation {key}")
    } else if let Some(key) = inner("metadata.labels[") {
        format!("label {key}")
    } else {
        field.to_string()
    }
}

fn annotation_field(key: &str) -> String {
    format!("metadata.annotations[{key}]")
}

fn label_field(key: &str) -> String {
    format!("metadata.labels[{key}]")
}

/// A mapped value with the problems that did not stop the mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Mapped<T> {
    pub value: T,
    pub warnings: Vec<String>,
}

/// A value quoted for a message: JSON-style escapes, at most 60 characters.
fn quote(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("{:?}… ({} characters)", cut, text.chars().count())
    } else {
        format!("{text:?}")
    }
}

// -------------------------------------------------------------- quantities

/// A parsed, non-negative Kubernetes quantity: `digits × 10^exp10 × 2^exp2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decimal {
    digits: u128,
    exp10: i64,
    exp2: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Round {
    Up,
    Down,
}

/// Most significant digits accepted; with a `2^60` suffix the product
/// still fits a `u128`.
const MAX_SIGNIFICANT_DIGITS: usize = 20;
/// Longest quantity text accepted.
const MAX_QUANTITY_LEN: usize = 64;

/// Parses the Kubernetes quantity grammar: `<sign><number><suffix>` with
/// suffixes `m k M G T P E`, `Ki Mi Gi Ti Pi Ei` or an exponent `e3`/`E-2`.
fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let bad = || {
        format!(
            "not a quantity (expected e.g. 4, 500m, 2.5, 16Gi or 1e3), got {}",
            quote(text)
        )
    };
    if t.is_empty() {
        return Err("empty; expected a quantity such as 4, 500m or 16Gi".into());
    }
    if t.len() > MAX_QUANTITY_LEN {
        return Err(format!(
            "too long to be a quantity ({} bytes), got {}",
            t.len(),
            quote(text)
        ));
    }
    let (negative, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    // Only ASCII digits and one dot before the suffix, so the split index is
    // a character boundary.
    let int_len = body.bytes().take_while(u8::is_ascii_digit).count();
    let (int_part, rest) = body.split_at(int_len);
    let (frac_part, suffix) = match rest.strip_prefix('.') {
        Some(after) => {
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            after.split_at(n)
        }
        None => ("", rest),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(bad());
    }
    let (suffix_exp10, exp2): (i64, u32) = match suffix {
        "" => (0, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        s if s.starts_with(['e', 'E']) => (parse_exponent(&s[1..]).ok_or_else(bad)?, 0),
        other => {
            return Err(format!(
                "unknown suffix {} in {} (expected m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as e3)",
                quote(other),
                quote(text)
            ));
        }
    };
    let all: String = [int_part, frac_part].concat();
    let significant = all.trim_start_matches('0');
    let trailing_zeros = significant.len() - significant.trim_end_matches('0').len();
    let significant = &significant[..significant.len() - trailing_zeros];
    if significant.len() > MAX_SIGNIFICANT_DIGITS {
        return Err(format!(
            "more than {MAX_SIGNIFICANT_DIGITS} significant digits in {}",
            quote(text)
        ));
    }
    let digits: u128 = if significant.is_empty() {
        0
    } else {
        significant.parse().map_err(|_| bad())?
    };
    if negative && digits != 0 {
        return Err(format!("must not be negative, got {}", quote(text)));
    }
    let exp10 = suffix_exp10 + trailing_zeros as i64 - frac_part.len() as i64;
    Ok(Decimal {
        digits,
        exp10,
        exp2,
    })
}

/// A signed decimal exponent; huge exponents are clamped (they are absurd
/// either way, and clamping keeps the arithmetic in range).
fn parse_exponent(text: &str) -> Option<i64> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'-' => (-1, &text[1..]),
        b'+' => (1, &text[1..]),
        _ => (1, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = digits.trim_start_matches('0');
    let magnitude: i64 = if digits.len() > 6 {
        1_000_000
    } else if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    Some(sign * magnitude)
}

impl Decimal {
    /// The value × 10^`scale`, as an integer rounded as asked; `None` if it
    /// does not fit a `u128`.
    fn scaled(self, scale: i64, round: Round) -> Option<u128> {
        if self.digits == 0 {
            return Some(0);
        }
        // digits < 10^20 < 2^67, so × 2^60 < 2^127.
        let x = self.digits.checked_mul(1u128.checked_shl(self.exp2)?)?;
        let e = self.exp10 + scale;
        if e >= 0 {
            let p = 10u128.checked_pow(u32::try_from(e).ok()?)?;
            x.checked_mul(p)
        } else {
            let k = e.unsigned_abs();
            if k > 38 {
                // x < 2^127 < 10^39 <= 10^k: the quotient is in (0, 1).
                return Some(match round {
                    Round::Up => 1,
                    Round::Down => 0,
                });
            }
            let d = 10u128.pow(k as u32);
            Some(match round {
                Round::Up => x.div_ceil(d),
                Round::Down => x / d,
            })
        }
    }
}

fn sane(value: Option<u128>, text: &str, unit: &str) -> Result<u64, String> {
    match value {
        Some(v) if v <= u128::from(MAX_SANE) => Ok(v as u64),
        _ => Err(format!(
            "absurdly large (over 10^15 {unit}), got {}",
            quote(text)
        )),
    }
}

/// CPU in millicores: `"4"` → 4000, `"500m"` → 500, `"2.5"` → 2500,
/// `"1e3"` → 1,000,000. Rounds up like Kubernetes (`0.1m` → 1).
pub fn parse_cpu_millis(text: &str) -> Result<u64, String> {
    let d = parse_decimal(text)?;
    sane(d.scaled(3, Round::Up), text, "millicores")
}

/// Memory in bytes (rounded up like Kubernetes' `Value()`); at most
/// 2^63-1, the largest quantity Kubernetes represents.
pub fn parse_memory_bytes(text: &str) -> Result<u64, String> {
    let d = parse_decimal(text)?;
    match d.scaled(0, Round::Up) {
        Some(v) if v <= i64::MAX as u128 => Ok(v as u64),
        _ => Err(format!(
            "larger than Kubernetes allows (2^63-1 bytes), got {}",
            quote(text)
        )),
    }
}

/// Memory in MiB, rounded down: `"16Gi"` → 16384, `"1G"` → 953,
/// `"16323756Ki"` → 15941.
pub fn parse_memory_mib(text: &str) -> Result<u64, String> {
    parse_memory_bytes(text).map(|b| b / MIB)
}

/// A whole count (`"2"`, `"1k"`, `"1e3"`); fractions such as `"1.5"` or
/// `"500m"` are errors.
pub fn parse_count(text: &str) -> Result<u64, String> {
    let d = parse_decimal(text)?;
    let down = d.scaled(0, Round::Down);
    let up = d.scaled(0, Round::Up);
    if down != up {
        return Err(format!("must be a whole number, got {}", quote(text)));
    }
    sane(down, text, "").map_err(|_| format!("absurdly large (over 10^15), got {}", quote(text)))
}

const MIB: u64 = 1 << 20;

// ----------------------------------------------------- architecture mapping

/// How a rule compares a label's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LabelMatch {
    /// Exactly this value.
    Equals(String),
    /// Contains this text, ignoring case and treating space, `-` and `_`
    /// alike (label values cannot hold spaces: GPU feature discovery writes
    /// `NVIDIA-Jetson-Orin-NX` for "Orin NX").
    Contains(String),
}

impl LabelMatch {
    pub fn matches(&self, value: &str) -> bool {
        match self {
            LabelMatch::Equals(v) => value == v,
            LabelMatch::Contains(v) => normalize(value).contains(&normalize(v)),
        }
    }
}

fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' ' | '-' | '_' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// One fallback rule: a node whose label `label` matches gets `arch`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArchRule {
    pub label: String,
    #[serde(flatten)]
    pub matcher: LabelMatch,
    pub arch: String,
}

impl ArchRule {
    pub fn contains(label: &str, text: &str, arch: &str) -> ArchRule {
        ArchRule {
            label: label.into(),
            matcher: LabelMatch::Contains(text.into()),
            arch: arch.into(),
        }
    }

    pub fn equals(label: &str, value: &str, arch: &str) -> ArchRule {
        ArchRule {
            label: label.into(),
            matcher: LabelMatch::Equals(value.into()),
            arch: arch.into(),
        }
    }
}

/// How to find a node's architecture when the `synergai.io/arch` label is
/// missing: ordered rules, the first that matches wins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArchMapping {
    pub rules: Vec<ArchRule>,
}

impl Default for ArchMapping {
    /// Jetson boards by their GPU product (most specific first), Raspberry Pi
    /// 5 by instance type, and any other amd64 node as `xeon-vm`.
    fn default() -> ArchMapping {
        const GPU: &str = "nvidia.com/gpu.product";
        const INSTANCE: &str = "node.kubernetes.io/instance-type";
        ArchMapping {
            rules: vec![
                ArchRule::contains(GPU, "Orin NX", "orin-nx"),
                ArchRule::contains(GPU, "AGX Orin", "agx-orin"),
                ArchRule::contains(GPU, "Orin", "agx-orin"),
                ArchRule::contains(INSTANCE, "rpi5", "rpi5"),
                ArchRule::contains(INSTANCE, "raspberry", "rpi5"),
                ArchRule::equals("kubernetes.io/arch", "amd64", "xeon-vm"),
            ],
        }
    }
}

/// The document kind of an architecture mapping.
pub const ARCH_MAPPING_KIND: &str = "ArchMapping";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawArchMapping {
    api_version: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    #[allow(dead_code)]
    metadata: Option<Metadata>,
    spec: RawArchMappingSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArchMappingSpec {
    #[serde(default)]
    rules: Vec<RawArchRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArchRule {
    label: Spanned<String>,
    #[serde(default)]
    contains: Option<Spanned<String>>,
    #[serde(default)]
    equals: Option<Spanned<String>>,
    arch: Spanned<String>,
}

fn position(loc: &Location) -> Option<Position> {
    (*loc != Location::UNKNOWN).then(|| Position {
        line: loc.line(),
        column: loc.column(),
    })
}

impl ArchMapping {
    /// The first rule matching these labels, with its index.
    pub fn resolve(&self, labels: &BTreeMap<String, String>) -> Option<(usize, &ArchRule)> {
        self.rules.iter().enumerate().find(|(_, r)| {
            labels
                .get(&r.label)
                .is_some_and(|value| r.matcher.matches(value))
        })
    }

    /// Parses a document
    ///
    /// ```yaml
    /// apiVersion: synergai.io/v1alpha1
    /// kind: ArchMapping
    /// metadata: {name: my-cluster}        # optional
    /// spec:
    ///   rules:
    ///     - {label: nvidia.com/gpu.product, contains: Orin NX, arch: orin-nx}
    ///     - {label: kubernetes.io/arch, equals: amd64, arch: xeon-vm}
    /// ```
    ///
    /// Errors name file, line, column and field. Architecture names are
    /// checked against the profile when a node is mapped.
    pub fn from_yaml(file: &str, text: &str) -> crate::error::Result<ArchMapping> {
        let doc: RawArchMapping = crate::fixture::parse(file, text)?;
        if doc.api_version.value != API_VERSION {
            return Err(Error::invalid(
                file,
                position(&doc.api_version.referenced),
                Some("apiVersion".into()),
                format!(
                    "unsupported version `{}`; expected `{API_VERSION}`",
                    doc.api_version.value
                ),
            ));
        }
        if doc.kind.value != ARCH_MAPPING_KIND {
            return Err(Error::invalid(
                file,
                position(&doc.kind.referenced),
                Some("kind".into()),
                format!(
                    "this is a `{}`, expected a `{ARCH_MAPPING_KIND}`",
                    doc.kind.value
                ),
            ));
        }
        let mut rules = Vec::with_capacity(doc.spec.rules.len());
        for (i, r) in doc.spec.rules.into_iter().enumerate() {
            let err = |loc: &Location, field: &str, message: String| {
                Error::invalid(
                    file,
                    position(loc),
                    Some(format!("spec.rules[{i}]{field}")),
                    message,
                )
            };
            for (name, v) in [("label", &r.label), ("arch", &r.arch)] {
                if v.value.trim().is_empty() {
                    return Err(err(&v.referenced, &format!(".{name}"), "is empty".into()));
                }
            }
            let matcher = match (r.contains, r.equals) {
                (Some(c), None) if c.value.trim().is_empty() => {
                    return Err(err(&c.referenced, ".contains", "is empty".into()));
                }
                (Some(c), None) => LabelMatch::Contains(c.value),
                (None, Some(e)) => LabelMatch::Equals(e.value),
                _ => {
                    return Err(err(
                        &r.label.referenced,
                        "",
                        "a rule needs exactly one of `contains` or `equals`".into(),
                    ));
                }
            };
            rules.push(ArchRule {
                label: r.label.value,
                matcher,
                arch: r.arch.value,
            });
        }
        Ok(ArchMapping { rules })
    }
}

// ------------------------------------------------------------------- nodes

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

// -------------------------------------------------------------------- pods

/// An operator pin as written on a pod, before node names are resolved.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PinRef {
    Node(String),
    Arch(String),
}

impl PinRef {
    /// The model's pin; `node_id` resolves node names.
    pub fn resolve(
        &self,
        profile: &Profile,
        node_id: impl Fn(&str) -> Option<NodeId>,
    ) -> Result<Pin, String> {
        match self {
            PinRef::Node(n) => node_id(n)
                .map(Pin::Node)
                .ok_or_else(|| format!("pin names unknown node {}", quote(n))),
            PinRef::Arch(a) => profile
                .arch_id(a)
                .map(Pin::Arch)
                .ok_or_else(|| format!("pin names unknown architecture {}", quote(a))),
        }
    }
}

impl fmt::Display for PinRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PinRef::Node(n) => write!(f, "node {n}"),
            PinRef::Arch(a) => write!(f, "arch {a}"),
        }
    }
}

/// A synergai job as read from its pod.
#[derive(Clone, Debug, PartialEq)]
pub struct PodJob {
    pub namespace: String,
    pub name: String,
    /// `metadata.uid` (empty if the object has none, e.g. before creation).
    pub uid: String,
    pub model: ModelId,
    pub queries: u64,
    pub qos_ms: f64,
    /// `metadata.creationTimestamp`: the job's arrival.
    pub created: Option<Timestamp>,
    pub pin: Option<PinRef>,
    pub pin_reason: Option<String>,
    /// `spec.nodeName`: set once bound.
    pub node_name: Option<String>,
    /// `status.phase` (`Pending` when absent).
    pub phase: String,
    /// The earliest container start (`running.startedAt` or
    /// `terminated.startedAt`), else `status.startTime`.
    pub started: Option<Timestamp>,
    /// The latest container `terminated.finishedAt`, once every container
    /// has terminated.
    pub finished: Option<Timestamp>,
    /// `metadata.deletionTimestamp` is set: the pod is going away.
    pub deleting: bool,
    /// Decision annotations, if present and well-formed.
    pub engine: Option<Engine>,
    pub threads: Option<u32>,
    pub predicted_ms: Option<f64>,
    pub placed_by: Option<String>,
}

impl PodJob {
    /// `namespace/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Measured latency: last container `finishedAt` minus pod creation.
    pub fn latency_ms(&self) -> Option<f64> {
        Some(timestamp_ms(self.finished?) - timestamp_ms(self.created?))
    }

    /// Whether the measured latency exceeded the QoS target (once finished).
    pub fn qos_violated(&self) -> Option<bool> {
        self.latency_ms().map(|l| l > self.qos_ms)
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self.phase.as_str(), "Succeeded" | "Failed")
    }
}

/// Milliseconds since the Unix epoch.
pub fn time_ms(t: &Time) -> f64 {
    timestamp_ms(t.0)
}

/// Milliseconds since the Unix epoch.
pub fn timestamp_ms(t: Timestamp) -> f64 {
    t.as_nanosecond() as f64 / 1e6
}

/// Whether the pod names synergai in `spec.schedulerName`.
pub fn is_synergai_pod(pod: &Pod) -> bool {
    pod.spec.as_ref().and_then(|s| s.scheduler_name.as_deref()) == Some(SCHEDULER_NAME)
}

/// `Succeeded` or `Failed`: the pod holds no resources any more.
pub fn pod_is_terminal(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// The largest number of milliseconds accepted (over 300 years, as in fixtures).
const MAX_MS: f64 = 1e13;

/// A plain number of milliseconds (`1500`, `2.5`, `1e3`): finite, not
/// above [`MAX_MS`]; no units, so `500m` cannot be misread.
fn milliseconds(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|ms| ms.is_finite() && *ms <= MAX_MS)
}

/// `pod NAMESPACE/NAME` as errors name it.
pub fn pod_object(pod: &Pod) -> String {
    format!(
        "pod {}/{}",
        pod.metadata.namespace.as_deref().unwrap_or("default"),
        pod.metadata.name.as_deref().unwrap_or("")
    )
}

/// Maps a job pod. The job annotations are strict: a missing or malformed
/// `model`, `queries` or `qos-ms`, an unknown model or pinned architecture,
/// or both pins at once are errors. Malformed decision annotations (written
/// by synergai, overwritten at the next bind) are dropped with a warning.
pub fn map_pod(pod: &Pod, profile: &Profile) -> Result<Mapped<PodJob>, MappingError> {
    let object = pod_object(pod);
    let err =
        |key: &str, message: String| MappingError::new(&object, annotation_field(key), message);
    let name = pod.metadata.name.clone().unwrap_or_default();
    if name.is_empty() {
        return Err(MappingError::new(&object, "metadata.name", "missing"));
    }
    let empty = BTreeMap::new();
    let annotations = pod.metadata.annotations.as_ref().unwrap_or(&empty);
    let required = |key: &str, what: &str| {
        annotations.get(key).ok_or_else(|| {
            err(
                key,
                format!("missing; every {SCHEDULER_NAME} job declares {what}"),
            )
        })
    };

    let model_name = required(ANN_MODEL, "its model")?;
    let model = profile.model_id(model_name.trim()).ok_or_else(|| {
        err(
            ANN_MODEL,
            format!(
                "unknown model {} (profile {} knows: {})",
                quote(model_name),
                profile.name,
                profile.model_names()
            ),
        )
    })?;

    let queries_text = required(ANN_QUERIES, "its number of queries")?;
    let queries = parse_count(queries_text)
        .ok()
        .filter(|q| (1..=MAX_QUERIES).contains(q))
        .ok_or_else(|| {
            err(
                ANN_QUERIES,
                format!(
                    "must be a whole number of queries from 1 to 10^12, got {}",
                    quote(queries_text)
                ),
            )
        })?;

    let qos_text = required(ANN_QOS_MS, "its QoS target in milliseconds")?;
    let qos_ms = milliseconds(qos_text)
        .filter(|&ms| ms > 0.0)
        .ok_or_else(|| {
            err(
                ANN_QOS_MS,
                format!(
                    "must be a positive number of milliseconds, got {}",
                    quote(qos_text)
                ),
            )
        })?;

    let pin_value = |key: &str| -> Result<Option<String>, MappingError> {
        match annotations.get(key) {
            None => Ok(None),
            Some(v) if v.trim().is_empty() => Err(err(key, "is empty".into())),
            Some(v) => Ok(Some(v.trim().to_string())),
        }
    };
    let pin = match (pin_value(ANN_PIN_NODE)?, pin_value(ANN_PIN_ARCH)?) {
        (Some(_), Some(_)) => {
            return Err(err(
                ANN_PIN_NODE,
                format!(
                    "both {ANN_PIN_NODE} and {ANN_PIN_ARCH} are set; a pin names a node or an architecture, not both"
                ),
            ));
        }
        (Some(n), None) => Some(PinRef::Node(n)),
        (None, Some(a)) => {
            if profile.arch_id(&a).is_none() {
                return Err(err(
                    ANN_PIN_ARCH,
                    format!(
                        "unknown architecture {} (profile {} knows: {})",
                        quote(&a),
                        profile.name,
                        profile.arch_names()
                    ),
                ));
            }
            Some(PinRef::Arch(a))
        }
        (None, None) => None,
    };

    let mut warnings = Vec::new();
    let mut decision = |key: &str, ok: bool| {
        if !ok {
            warnings.push(format!(
                "{object}: annotation {key}: malformed value {}; ignored",
                quote(&annotations[key])
            ));
        }
    };
    let engine = annotations.get(ANN_ENGINE).and_then(|v| {
        let e = Engine::parse(v.trim());
        decision(ANN_ENGINE, e.is_some());
        e
    });
    let threads = annotations.get(ANN_THREADS).and_then(|v| {
        let t = v.trim().parse::<u32>().ok();
        decision(ANN_THREADS, t.is_some());
        t
    });
    let predicted_ms = annotations.get(ANN_PREDICTED_MS).and_then(|v| {
        let p = v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|p| p.is_finite() && *p >= 0.0);
        decision(ANN_PREDICTED_MS, p.is_some());
        p
    });
    let placed_by = annotations.get(ANN_PLACED_BY).cloned();

    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let statuses = status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or(&[]);
    let state =
        |c: &k8s_openapi::api::core::v1::ContainerStatus| c.state.clone().unwrap_or_default();
    let started = statuses
        .iter()
        .filter_map(|c| {
            let s = state(c);
            s.running
                .and_then(|r| r.started_at)
                .or_else(|| s.terminated.and_then(|t| t.started_at))
        })
        .map(|t| t.0)
        .min()
        .or_else(|| status.and_then(|s| s.start_time.as_ref()).map(|t| t.0));
    let all_terminated =
        !statuses.is_empty() && statuses.iter().all(|c| state(c).terminated.is_some());
    let finished = if all_terminated {
        statuses
            .iter()
            .filter_map(|c| state(c).terminated.and_then(|t| t.finished_at))
            .map(|t| t.0)
            .max()
    } else {
        None
    };

    Ok(Mapped {
        value: PodJob {
            namespace: pod
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| "default".into()),
            name,
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            model,
            queries,
            qos_ms,
            created: pod.metadata.creation_timestamp.as_ref().map(|t| t.0),
            pin,
            pin_reason: annotations.get(ANN_PIN_REASON).cloned(),
            node_name: spec
                .and_then(|s| s.node_name.clone())
                .filter(|n| !n.is_empty()),
            phase: status
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Pending".into()),
            started,
            finished,
            deleting: pod.metadata.deletion_timestamp.is_some(),
            engine,
            threads,
            predicted_ms,
            placed_by,
        },
        warnings,
    })
}

/// [`map_pod`] without the warnings.
pub fn pod_job(pod: &Pod, profile: &Profile) -> Result<PodJob, MappingError> {
    map_pod(pod, profile).map(|m| m.value)
}

/// The decision annotations synergai writes when it binds a pod (as the
/// `Binding`'s own annotations, which the apiserver merges into the pod).
pub fn decision_annotations(
    engine: Engine,
    threads: u32,
    predicted_ms: f64,
    placed_by: &str,
) -> BTreeMap<String, String> {
    let predicted = if predicted_ms.is_finite() {
        (predicted_ms.max(0.0) * 1000.0).round() / 1000.0
    } else {
        0.0
    };
    BTreeMap::from([
        (ANN_ENGINE.to_string(), engine.as_str().to_string()),
        (ANN_THREADS.to_string(), threads.to_string()),
        (ANN_PREDICTED_MS.to_string(), predicted.to_string()),
        (ANN_PLACED_BY.to_string(), placed_by.to_string()),
    ])
}

/// The pin annotations for a merge patch: `Some` sets, `None` removes
/// (JSON `null`). Setting one pin removes the other.
pub fn pin_annotations(
    pin: Option<&PinRef>,
    reason: Option<&str>,
) -> BTreeMap<String, Option<String>> {
    let (node, arch) = match pin {
        Some(PinRef::Node(n)) => (Some(n.clone()), None),
        Some(PinRef::Arch(a)) => (None, Some(a.clone())),
        None => (None, None),
    };
    let reason = pin.and(reason).map(str::to_string);
    BTreeMap::from([
        (ANN_PIN_NODE.to_string(), node),
        (ANN_PIN_ARCH.to_string(), arch),
        (ANN_PIN_REASON.to_string(), reason),
    ])
}

// ------------------------------------------------------ resource accounting

/// What a pod asks of its node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Requests {
    pub cpu_millis: u64,
    pub memory_bytes: u64,
    pub gpus: u64,
}

impl Requests {
    /// Memory in MiB, rounded up (a request is never under-counted).
    pub fn memory_mib(&self) -> u64 {
        self.memory_bytes.div_ceil(MIB)
    }

    pub fn add(&mut self, other: &Requests) {
        self.cpu_millis = self.cpu_millis.saturating_add(other.cpu_millis);
        self.memory_bytes = self.memory_bytes.saturating_add(other.memory_bytes);
        self.gpus = self.gpus.saturating_add(other.gpus);
    }

    fn max(&mut self, other: &Requests) {
        self.cpu_millis = self.cpu_millis.max(other.cpu_millis);
        self.memory_bytes = self.memory_bytes.max(other.memory_bytes);
        self.gpus = self.gpus.max(other.gpus);
    }
}

fn resource_list(
    object: &str,
    field: &str,
    requests: Option<&BTreeMap<String, Quantity>>,
    limits: Option<&BTreeMap<String, Quantity>>,
) -> Result<Requests, MappingError> {
    // Like the apiserver's defaulting: a resource with a limit and no
    // request requests its limit.
    let get = |key: &str, parse: fn(&str) -> Result<u64, String>| {
        let (which, q) = match requests.and_then(|r| r.get(key)) {
            Some(q) => ("requests", q),
            None => match limits.and_then(|l| l.get(key)) {
                Some(q) => ("limits", q),
                None => return Ok(0),
            },
        };
        parse(&q.0).map_err(|e| MappingError::new(object, format!("{field}.{which}[{key}]"), e))
    };
    Ok(Requests {
        cpu_millis: get("cpu", parse_cpu_millis)?,
        memory_bytes: get("memory", parse_memory_bytes)?,
        gpus: get(RESOURCE_GPU, parse_count)?,
    })
}

fn container_requests(object: &str, field: &str, c: &Container) -> Result<Requests, MappingError> {
    let r: Option<&ResourceRequirements> = c.resources.as_ref();
    resource_list(
        object,
        &format!("{field}.resources"),
        r.and_then(|r| r.requests.as_ref()),
        r.and_then(|r| r.limits.as_ref()),
    )
}

/// The pod's effective request, as kube-scheduler computes it: the sum of
/// its containers (requests, or limits when a request is absent), raised to
/// the largest init container (plus the restartable "sidecar" init
/// containers started before it, which also run beside the main
/// containers), plus `spec.overhead`. Quantities the apiserver would have
/// rejected are errors.
pub fn pod_requests(pod: &Pod) -> Result<Requests, MappingError> {
    let object = pod_object(pod);
    let Some(spec) = pod.spec.as_ref() else {
        return Ok(Requests::default());
    };
    let mut total = Requests::default();
    for (i, c) in spec.containers.iter().enumerate() {
        total.add(&container_requests(
            &object,
            &format!("spec.containers[{i}]"),
            c,
        )?);
    }
    let mut sidecars = Requests::default();
    let mut init_peak = Requests::default();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let r = container_requests(&object, &format!("spec.initContainers[{i}]"), c)?;
        if c.restart_policy.as_deref() == Some("Always") {
            total.add(&r);
            sidecars.add(&r);
            init_peak.max(&sidecars);
        } else {
            let mut during = r;
            during.add(&sidecars);
            init_peak.max(&during);
        }
    }
    total.max(&init_peak);
    if let Some(overhead) = spec.overhead.as_ref() {
        total.add(
            &resource_list(&object, "spec", Some(overhead), None).map_err(|mut e| {
                e.field = e.field.replace("spec.requests", "spec.overhead");
                e
            })?,
        );
    }
    Ok(total)
}

/// kube-scheduler's words for the resources a node lacks: `Insufficient
/// cpu`, `Insufficient memory`, `Insufficient nvidia.com/gpu`, `Too many
/// pods`. `used` and `pods_on_node` count every non-terminal pod bound to
/// the node, not only synergai's.
pub fn insufficient_resources(
    request: &Requests,
    node: &NodeResources,
    used: &Requests,
    pods_on_node: u64,
) -> Vec<String> {
    let mut out = Vec::new();
    if pods_on_node.saturating_add(1) > node.pods {
        out.push("Too many pods".to_string());
    }
    let short = |req: u64, used: u64, have: u64| req > 0 && used.saturating_add(req) > have;
    if short(request.cpu_millis, used.cpu_millis, node.cpu_millis) {
        out.push("Insufficient cpu".to_string());
    }
    if short(request.memory_bytes, used.memory_bytes, node.memory_bytes) {
        out.push("Insufficient memory".to_string());
    }
    if short(request.gpus, used.gpus, node.gpus) {
        out.push(format!("Insufficient {RESOURCE_GPU}"));
    }
    out
}

// ------------------------------------------------------------------ filters

fn tolerations(pod: &Pod) -> &[Toleration] {
    pod.spec
        .as_ref()
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or(&[])
}

/// Whether a toleration tolerates a taint (kube's `ToleratesTaint`): the
/// effect matches or is empty; the key matches or is empty (an empty key
/// with `Exists` tolerates everything); `Exists` ignores the value, `Equal`
/// (the default) compares it.
fn tolerates(t: &Toleration, key: &str, value: &str, effect: &str) -> bool {
    if let Some(e) = t.effect.as_deref().filter(|e| !e.is_empty())
        && e != effect
    {
        return false;
    }
    if let Some(k) = t.key.as_deref().filter(|k| !k.is_empty())
        && k != key
    {
        return false;
    }
    match t.operator.as_deref().unwrap_or("Equal") {
        "Exists" => true,
        "Equal" | "" => t.value.as_deref().unwrap_or("") == value,
        _ => false,
    }
}

/// The first `NoSchedule`/`NoExecute` taint of the node the pod does not
/// tolerate, as `(key, value)`.
fn untolerated_taint<'n>(pod: &Pod, node: &'n Node) -> Option<(&'n str, &'n str)> {
    let tolerations = tolerations(pod);
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .filter(|t| matches!(t.effect.as_str(), "NoSchedule" | "NoExecute"))
        .find(|t| {
            let value = t.value.as_deref().unwrap_or("");
            !tolerations
                .iter()
                .any(|tol| tolerates(tol, &t.key, value, &t.effect))
        })
        .map(|t| (t.key.as_str(), t.value.as_deref().unwrap_or("")))
}

/// Whether the pod tolerates every `NoSchedule` and `NoExecute` taint of
/// the node (`PreferNoSchedule` only lowers a score).
pub fn tolerates_taints(pod: &Pod, node: &Node) -> bool {
    untolerated_taint(pod, node).is_none()
}

fn node_labels(node: &Node) -> &BTreeMap<String, String> {
    static EMPTY: BTreeMap<String, String> = BTreeMap::new();
    node.metadata.labels.as_ref().unwrap_or(&EMPTY)
}

/// Whether every `spec.nodeSelector` entry equals the node's label.
pub fn matches_node_selector(pod: &Pod, node: &Node) -> bool {
    let labels = node_labels(node);
    pod.spec
        .as_ref()
        .and_then(|s| s.node_selector.as_ref())
        .is_none_or(|sel| sel.iter().all(|(k, v)| labels.get(k) == Some(v)))
}

fn requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = r.values.as_deref().unwrap_or(&[]);
    let integer = |v: &str| v.trim().parse::<i64>().ok();
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => !value.is_some_and(|v| values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(have), [bound]) = (value.and_then(integer), values) else {
                return false;
            };
            let Some(bound) = integer(bound) else {
                return false;
            };
            if r.operator == "Gt" {
                have > bound
            } else {
                have < bound
            }
        }
        _ => false,
    }
}

/// A term matches when all its expressions (on labels) and fields (only
/// `metadata.name`, with `In`/`NotIn`) match; an empty term matches nothing.
fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    let expressions = term.match_expressions.as_deref().unwrap_or(&[]);
    let fields = term.match_fields.as_deref().unwrap_or(&[]);
    if expressions.is_empty() && fields.is_empty() {
        return false;
    }
    let labels = node_labels(node);
    let name = node.metadata.name.as_deref();
    expressions
        .iter()
        .all(|r| requirement_matches(r, labels.get(&r.key).map(String::as_str)))
        && fields.iter().all(|r| {
            r.key == "metadata.name"
                && matches!(r.operator.as_str(), "In" | "NotIn")
                && requirement_matches(r, name)
        })
}

/// Whether the node satisfies the pod's
/// `requiredDuringSchedulingIgnoredDuringExecution` node affinity (any
/// term); true when there is none.
pub fn matches_required_affinity(pod: &Pod, node: &Node) -> bool {
    let required = pod
        .spec
        .as_ref()
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        });
    match required {
        None => true,
        Some(sel) => sel
            .node_selector_terms
            .iter()
            .any(|t| term_matches(t, node)),
    }
}

/// Why the pod cannot go to this node, in kube-scheduler's words, checking
/// what its default filter plugins check before resources:
/// `NodeUnschedulable` (a cordoned node, unless the pod tolerates
/// `node.kubernetes.io/unschedulable:NoSchedule`), `NodeName`,
/// `TaintToleration` and `NodeAffinity` (node selector and required
/// affinity). Resources: [`insufficient_resources`].
pub fn filter_reason(pod: &Pod, node: &Node) -> Option<String> {
    let cordoned = node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false);
    if cordoned
        && !tolerations(pod)
            .iter()
            .any(|t| tolerates(t, TAINT_UNSCHEDULABLE, "", "NoSchedule"))
    {
        return Some("node(s) were unschedulable".into());
    }
    if let Some(wanted) = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .filter(|n| !n.is_empty())
        && Some(wanted) != node.metadata.name.as_deref()
    {
        return Some("node(s) didn't match the requested node name".into());
    }
    if let Some((key, value)) = untolerated_taint(pod, node) {
        return Some(format!("node(s) had untolerated taint {{{key}: {value}}}"));
    }
    if !matches_node_selector(pod, node) || !matches_required_affinity(pod, node) {
        return Some("node(s) didn't match Pod's node affinity/selector".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{Origin, load_profile};
    use crate::model::Architecture;
    use serde_json::{Value, json};

    fn profile() -> Profile {
        load_profile(&Origin::Embedded("profiles/edge-cloud.yaml".into())).unwrap()
    }

    fn node(v: Value) -> Node {
        serde_json::from_value(v).unwrap()
    }

    fn pod(v: Value) -> Pod {
        serde_json::from_value(v).unwrap()
    }

    fn agx(extra_labels: Value, taints: Value) -> Node {
        let mut labels = json!({"synergai.io/arch": "agx-orin", "kubernetes.io/hostname": "agx-1", "zone": "lab"});
        if let (Some(l), Some(e)) = (labels.as_object_mut(), extra_labels.as_object()) {
            l.extend(e.clone());
        }
        node(json!({
            "metadata": {"name": "agx-1", "labels": labels,
                "annotations": {"synergai.io/network-ms": "20", "synergai.io/idle-watts": "15", "synergai.io/busy-watts": "60.5"}},
            "spec": {"taints": taints},
            "status": {
                "allocatable": {"cpu": "7900m", "memory": "30Gi", "nvidia.com/gpu": "1", "pods": "110"},
                "capacity": {"cpu": "8", "memory": "32Gi"},
                "conditions": [{"type": "Ready", "status": "True"}]
            }
        }))
    }

    fn job(annotations: Value) -> Pod {
        let mut a = json!({"synergai.io/model": "resnet50", "synergai.io/queries": "200", "synergai.io/qos-ms": "1500"});
        if let (Some(m), Some(e)) = (a.as_object_mut(), annotations.as_object()) {
            for (k, v) in e {
                if v.is_null() {
                    m.remove(k);
                } else {
                    m.insert(k.clone(), v.clone());
                }
            }
        }
        pod(json!({
            "metadata": {"name": "job-1", "namespace": "default", "uid": "u-1",
                "creationTimestamp": "2024-05-01T10:00:00Z", "annotations": a},
            "spec": {"schedulerName": "synergai", "containers": [{"name": "main"}]}
        }))
    }

    fn pod_err(annotations: Value) -> String {
        pod_job(&job(annotations), &profile())
            .unwrap_err()
            .to_string()
    }

    // ------------------------------------------------------------ quantities

    #[test]
    fn cpu_quantities() {
        for (text, millis) in [
            ("4", 4000),
            ("500m", 500),
            ("2.5", 2500),
            ("1e3", 1_000_000),
            ("1E3", 1_000_000),
            ("0.1", 100),
            ("0.1m", 1),
            ("0.0001", 1),
            (".5", 500),
            ("5.", 5000),
            ("+1", 1000),
            ("-0", 0),
            ("0", 0),
            ("1k", 1_000_000),
            (" 7900m ", 7900),
            ("1e-3", 1),
            ("0.000000000000000000000000000000000000000001", 1),
        ] {
            assert_eq!(parse_cpu_millis(text), Ok(millis), "{text}");
        }
        let neg = parse_cpu_millis("-5").unwrap_err();
        assert!(
            neg.contains("must not be negative") && neg.contains("\"-5\""),
            "{neg}"
        );
        assert!(
            parse_cpu_millis("1e99")
                .unwrap_err()
                .contains("absurdly large")
        );
        assert!(
            parse_cpu_millis("4Xi")
                .unwrap_err()
                .contains("unknown suffix \"Xi\"")
        );
        assert!(
            parse_cpu_millis("NaN")
                .unwrap_err()
                .contains("not a quantity")
        );
        assert!(parse_cpu_millis("").unwrap_err().contains("empty"));
        assert!(parse_cpu_millis("inf").is_err());
        assert!(parse_cpu_millis("1.2.3").is_err());
        assert!(parse_cpu_millis("1e").is_err());
        assert!(parse_cpu_millis("e3").is_err());
        assert!(parse_cpu_millis("1 m").is_err());
    }

    #[test]
    fn memory_quantities() {
        for (text, mib) in [
            ("16Gi", 16384),
            ("512Mi", 512),
            ("1G", 953),
            ("16323756Ki", 15941),
            ("128974848", 123),
            ("129e6", 123),
            ("129M", 123),
            ("1.5Gi", 1536),
            ("1Ti", 1 << 20),
            ("500m", 0),
            ("1Ei", 1 << 40),
        ] {
            assert_eq!(parse_memory_mib(text), Ok(mib), "{text}");
        }
        assert_eq!(parse_memory_bytes("500m"), Ok(1));
        assert_eq!(parse_memory_bytes("1Ki"), Ok(1024));
        assert!(parse_memory_mib("8Ei").unwrap_err().contains("2^63-1"));
        assert!(parse_memory_mib("-1Gi").unwrap_err().contains("negative"));
        assert!(parse_memory_mib("3 parsecs").is_err());
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("2"), Ok(2));
        assert_eq!(parse_count("1k"), Ok(1000));
        assert_eq!(parse_count("1e3"), Ok(1000));
        assert_eq!(parse_count("2000m"), Ok(2));
        assert_eq!(parse_count("1e15"), Ok(MAX_SANE));
        assert!(parse_count("1.5").unwrap_err().contains("whole number"));
        assert!(parse_count("500m").unwrap_err().contains("whole number"));
        assert!(parse_count("1e16").unwrap_err().contains("absurdly large"));
        assert!(parse_count("1e99").unwrap_err().contains("absurdly large"));
        assert!(parse_count("-1").unwrap_err().contains("negative"));
    }

    #[test]
    fn hostile_quantities_never_panic() {
        let long = "9".repeat(64);
        let longer = "9".repeat(65);
        let many = format!("0.{}1", "0".repeat(50));
        let weird = [
            "",
            " ",
            "-",
            "+",
            ".",
            "..",
            "-.",
            "+.e",
            "e",
            "E",
            "1e",
            "1e+",
            "1e-",
            "1ee3",
            "1e1.5",
            "1e99999999999999999999",
            "1e-99999999999999999999",
            "1E18",
            "1E-18",
            "99999999999999999999",
            "999999999999999999999",
            "0000000000000000000000000001",
            "１",
            "٣",
            "1µ",
            "1\u{0}",
            "\u{0}",
            "1\n",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "Infinity",
            "0x10",
            "1_000",
            "1,5",
            "1Ki1",
            "Ki",
            "1Kii",
            "1iK",
            "--1",
            "+-1",
            "1-",
            "1+",
            "-0.0",
            "-0m",
            "9Ei",
            "7Ei",
            "1Pi",
            "1P",
            "1E",
            "18446744073709551616",
            "340282366920938463463374607431768211456",
            "1e38",
            "1e39",
            "1e-38",
            "1e-39",
            "0e999999",
            "0.0e-999999",
            "🦀",
            "1🦀",
            "1m🦀",
            &long,
            &longer,
            &many,
        ];
        for text in weird {
            let _ = parse_cpu_millis(text);
            let _ = parse_memory_mib(text);
            let _ = parse_memory_bytes(text);
            let _ = parse_count(text);
        }
        // And a sweep of combinations of the grammar's pieces.
        let signs = ["", "-", "+"];
        let numbers = [
            "0",
            "1",
            ".5",
            "5.",
            "123456789.123456789",
            "99999999999999999999",
        ];
        let suffixes = ["", "m", "k", "Ei", "e18", "e-40", "E+3", "e999999999", "x"];
        for s in signs {
            for n in numbers {
                for x in suffixes {
                    let text = format!("{s}{n}{x}");
                    let _ = parse_cpu_millis(&text);
                    let _ = parse_memory_mib(&text);
                    let _ = parse_count(&text);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_quantities_never_panic(text in "\\PC{0,40}", q in "[-+]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][-+]?[0-9]{0,12}|[mkMGTPE]i?)?") {
            let _ = parse_cpu_millis(&text);
            let _ = parse_memory_mib(&text);
            let _ = parse_count(&text);
            let _ = parse_cpu_millis(&q);
            let _ = parse_memory_mib(&q);
            let _ = parse_count(&q);
        }
    }

    // ----------------------------------------------------------------- nodes

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

    // ------------------------------------------------------------------ pods

    #[test]
    fn pod_maps() {
        let p = profile();
        let mut pd = job(json!({
            "synergai.io/engine": "tensorrt", "synergai.io/threads": "2",
            "synergai.io/predicted-ms": "812.5", "synergai.io/placed-by": "policy",
            "synergai.io/pin-arch": "agx-orin", "synergai.io/pin-reason": "demo"
        }));
        pd.spec.as_mut().unwrap().node_name = Some("agx-1".into());
        pd.status = Some(serde_json::from_value(json!({
            "phase": "Succeeded",
            "startTime": "2024-05-01T10:00:01Z",
            "containerStatuses": [
                {"name": "main", "image": "", "imageID": "", "ready": false, "restartCount": 0,
                 "state": {"terminated": {"exitCode": 0, "startedAt": "2024-05-01T10:00:02Z", "finishedAt": "2024-05-01T10:00:03Z"}}},
                {"name": "side", "image": "", "imageID": "", "ready": false, "restartCount": 0,
                 "state": {"terminated": {"exitCode": 0, "startedAt": "2024-05-01T10:00:02Z", "finishedAt": "2024-05-01T10:00:04Z"}}}
            ]
        })).unwrap());
        assert!(is_synergai_pod(&pd));
        assert!(pod_is_terminal(&pd));
        let m = map_pod(&pd, &p).unwrap();
        assert!(m.warnings.is_empty());
        let j = m.value;
        assert_eq!(
            (j.namespace.as_str(), j.name.as_str(), j.uid.as_str()),
            ("default", "job-1", "u-1")
        );
        assert_eq!(j.key(), "default/job-1");
        assert_eq!(p.model(j.model).name, "resnet50");
        assert_eq!((j.queries, j.qos_ms), (200, 1500.0));
        assert_eq!(j.pin, Some(PinRef::Arch("agx-orin".into())));
        assert_eq!(j.pin_reason.as_deref(), Some("demo"));
        assert_eq!(j.node_name.as_deref(), Some("agx-1"));
        assert_eq!(j.phase, "Succeeded");
        assert!(j.is_terminal() && !j.deleting);
        assert_eq!(
            (j.engine, j.threads, j.predicted_ms),
            (Some(Engine::Tensorrt), Some(2), Some(812.5))
        );
        assert_eq!(j.placed_by.as_deref(), Some("policy"));
        let created = timestamp_ms(j.created.unwrap());
        assert_eq!(created, 1_714_557_600_000.0);
        assert_eq!(timestamp_ms(j.started.unwrap()) - created, 2000.0);
        assert_eq!(j.latency_ms(), Some(4000.0));
        assert_eq!(j.qos_violated(), Some(true));
        assert_eq!(
            time_ms(pd.metadata.creation_timestamp.as_ref().unwrap()),
            created
        );
        assert_eq!(
            j.pin.as_ref().unwrap().resolve(&p, |_| None),
            Ok(Pin::Arch(p.arch_id("agx-orin").unwrap()))
        );
        assert_eq!(
            PinRef::Node("n-3".into()).resolve(&p, |n| (n == "n-3").then_some(3)),
            Ok(Pin::Node(3))
        );

        // A pending pod: no node, no times beyond creation.
        let j = pod_job(&job(json!({"synergai.io/pin-node": "agx-1"})), &p).unwrap();
        assert_eq!(
            (
                j.phase.as_str(),
                j.node_name.as_deref(),
                j.finished,
                j.latency_ms()
            ),
            ("Pending", None, None, None)
        );
        assert_eq!(j.pin, Some(PinRef::Node("agx-1".into())));
        assert_eq!(j.engine, None);
        // qos-ms is a plain number (exponents allowed); queries may use a quantity suffix.
        let j = pod_job(
            &job(json!({"synergai.io/qos-ms": "2e3", "synergai.io/queries": "1e3"})),
            &p,
        )
        .unwrap();
        assert_eq!((j.qos_ms, j.queries), (2000.0, 1000));
        // A running container has not finished.
        let mut running = job(json!({}));
        running.status = Some(
            serde_json::from_value(json!({"phase": "Running", "containerStatuses": [
            {"name": "main", "image": "", "imageID": "", "ready": true, "restartCount": 0,
             "state": {"running": {"startedAt": "2024-05-01T10:00:05Z"}}}]}))
            .unwrap(),
        );
        let j = pod_job(&running, &p).unwrap();
        assert_eq!(j.finished, None);
        assert_eq!(timestamp_ms(j.started.unwrap()) - created, 5000.0);
        assert!(!pod_is_terminal(&running));
    }

    #[test]
    fn pod_annotation_errors() {
        assert_eq!(
            pod_err(json!({"synergai.io/qos-ms": "-5"})),
            "pod default/job-1: annotation synergai.io/qos-ms: must be a positive number of milliseconds, got \"-5\""
        );
        for bad in ["0", "abc", "NaN", "inf", "", "1e99", "2s", "500m", "-0"] {
            assert!(
                pod_err(json!({"synergai.io/qos-ms": bad}))
                    .contains("qos-ms: must be a positive number"),
                "{bad}"
            );
        }
        for bad in ["1e99", "1.5", "0", "-3", "abc", "500m", "2e12", ""] {
            let e = pod_err(json!({"synergai.io/queries": bad}));
            assert!(e.contains("annotation synergai.io/queries: must be a whole number of queries from 1 to 10^12"), "{bad}: {e}");
        }
        let e = pod_err(json!({"synergai.io/model": "gpt-9"}));
        assert!(
            e.starts_with(
                "pod default/job-1: annotation synergai.io/model: unknown model \"gpt-9\""
            ),
            "{e}"
        );
        assert!(e.contains("resnet50") && e.contains("bert-base"), "{e}");
        for key in [ANN_MODEL, ANN_QUERIES, ANN_QOS_MS] {
            let e = pod_err(json!({key: null}));
            assert!(e.contains(&format!("annotation {key}: missing")), "{e}");
        }
        let e = pod_err(json!({"synergai.io/pin-node": "agx-1", "synergai.io/pin-arch": "rpi5"}));
        assert!(
            e.contains("a pin names a node or an architecture, not both"),
            "{e}"
        );
        let e = pod_err(json!({"synergai.io/pin-arch": "vax"}));
        assert!(e.contains("pin-arch: unknown architecture \"vax\""), "{e}");
        assert!(pod_err(json!({"synergai.io/pin-node": " "})).contains("pin-node: is empty"));
        // A missing object name.
        let e = pod_job(&pod(json!({"metadata": {"annotations": {}}})), &profile()).unwrap_err();
        assert_eq!(e.field, "metadata.name");
        // Malformed decision annotations are dropped with a warning.
        let m = map_pod(&job(json!({"synergai.io/engine": "cuda", "synergai.io/threads": "-1", "synergai.io/predicted-ms": "NaN"})), &profile()).unwrap();
        assert_eq!(
            (m.value.engine, m.value.threads, m.value.predicted_ms),
            (None, None, None)
        );
        assert_eq!(m.warnings.len(), 3, "{:?}", m.warnings);
        assert!(m.warnings[0].contains("synergai.io/engine"));
    }

    #[test]
    fn decision_and_pin_annotations() {
        let a = decision_annotations(Engine::Onnxruntime, 4, 123.45678, "policy");
        assert_eq!(a[ANN_ENGINE], "onnxruntime");
        assert_eq!(a[ANN_THREADS], "4");
        assert_eq!(a[ANN_PREDICTED_MS], "123.457");
        assert_eq!(a[ANN_PLACED_BY], "policy");
        assert_eq!(
            decision_annotations(Engine::Tflite, 1, 800.0, "operator")[ANN_PREDICTED_MS],
            "800"
        );
        // Round trip through a pod.
        let mut pd = job(json!({}));
        pd.metadata.annotations.as_mut().unwrap().extend(a);
        let j = pod_job(&pd, &profile()).unwrap();
        assert_eq!(
            (j.engine, j.threads, j.predicted_ms),
            (Some(Engine::Onnxruntime), Some(4), Some(123.457))
        );

        let set = pin_annotations(Some(&PinRef::Node("agx-1".into())), Some("hot spare"));
        assert_eq!(set[ANN_PIN_NODE].as_deref(), Some("agx-1"));
        assert_eq!(set[ANN_PIN_ARCH], None);
        assert_eq!(set[ANN_PIN_REASON].as_deref(), Some("hot spare"));
        let clear = pin_annotations(None, Some("ignored"));
        assert!(clear.values().all(Option::is_none));
    }

    // ------------------------------------------------------------- requests

    fn with_containers(containers: Value, init: Value) -> Pod {
        pod(json!({"metadata": {"name": "p", "namespace": "ns"},
            "spec": {"containers": containers, "initContainers": init}}))
    }

    #[test]
    fn requests_sum_containers_and_take_init_peak() {
        const MI: u64 = 1 << 20;
        let containers = json!([
            {"name": "a", "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}}},
            {"name": "b", "resources": {"limits": {"cpu": "1", "memory": "1Gi", "nvidia.com/gpu": "1"}}},
            {"name": "c"}
        ]);
        let r = pod_requests(&with_containers(containers.clone(), json!([]))).unwrap();
        assert_eq!(
            r,
            Requests {
                cpu_millis: 1500,
                memory_bytes: 1280 * MI,
                gpus: 1
            }
        );
        assert_eq!(r.memory_mib(), 1280);
        // A plain init container raises the request to its own.
        let r = pod_requests(&with_containers(
            containers.clone(),
            json!([
                {"name": "i", "resources": {"requests": {"cpu": "2", "memory": "64Mi"}}}
            ]),
        ))
        .unwrap();
        assert_eq!(
            r,
            Requests {
                cpu_millis: 2000,
                memory_bytes: 1280 * MI,
                gpus: 1
            }
        );
        // A sidecar adds to the containers and to later init containers.
        let r = pod_requests(&with_containers(containers, json!([
            {"name": "s", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}},
            {"name": "i", "resources": {"requests": {"cpu": "1800m", "memory": "2Gi"}}}
        ]))).unwrap();
        assert_eq!(
            r,
            Requests {
                cpu_millis: 1900,
                memory_bytes: 2112 * MI,
                gpus: 1
            }
        );
        // Pod overhead is added.
        let mut pd = with_containers(
            json!([{"name": "a", "resources": {"requests": {"cpu": "1"}}}]),
            json!([]),
        );
        pd.spec.as_mut().unwrap().overhead =
            Some(BTreeMap::from([("cpu".into(), Quantity("250m".into()))]));
        assert_eq!(pod_requests(&pd).unwrap().cpu_millis, 1250);
        // A bad quantity names its field.
        let e = pod_requests(&with_containers(
            json!([{"name": "a", "resources": {"requests": {"memory": "-1Gi"}}}]),
            json!([]),
        ))
        .unwrap_err();
        assert_eq!(e.object, "pod ns/p");
        assert_eq!(e.field, "spec.containers[0].resources.requests[memory]");
        // Sub-MiB requests round up.
        assert_eq!(
            Requests {
                memory_bytes: 1,
                ..Default::default()
            }
            .memory_mib(),
            1
        );
    }

    #[test]
    fn insufficient_resources_in_kube_words() {
        let node = NodeResources {
            cpu_millis: 4000,
            memory_bytes: 8 << 30,
            gpus: 1,
            pods: 3,
        };
        let used = Requests {
            cpu_millis: 3000,
            memory_bytes: 4 << 30,
            gpus: 1,
        };
        let req = Requests {
            cpu_millis: 1000,
            memory_bytes: 5 << 30,
            gpus: 1,
        };
        assert_eq!(
            insufficient_resources(&req, &node, &used, 3),
            [
                "Too many pods",
                "Insufficient memory",
                "Insufficient nvidia.com/gpu"
            ]
        );
        let small = Requests {
            cpu_millis: 1000,
            memory_bytes: 1 << 30,
            gpus: 0,
        };
        assert!(insufficient_resources(&small, &node, &used, 2).is_empty());
    }

    // --------------------------------------------------------------- filters

    fn tolerating(tolerations: Value) -> Pod {
        pod(
            json!({"metadata": {"name": "p"}, "spec": {"containers": [], "tolerations": tolerations}}),
        )
    }

    #[test]
    fn taints_and_tolerations() {
        let n = agx(
            json!({}),
            json!([
                {"key": "gpu", "value": "true", "effect": "NoSchedule"},
                {"key": "dedicated", "value": "x", "effect": "PreferNoSchedule"},
                {"key": "maintenance", "effect": "NoExecute"}
            ]),
        );
        let none = tolerating(json!([]));
        assert!(!tolerates_taints(&none, &n));
        assert_eq!(
            filter_reason(&none, &n).as_deref(),
            Some("node(s) had untolerated taint {gpu: true}")
        );
        let both = tolerating(json!([
            {"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"},
            {"key": "maintenance", "operator": "Exists"}
        ]));
        assert!(tolerates_taints(&both, &n));
        assert_eq!(filter_reason(&both, &n), None);
        // Default operator is Equal; an empty effect matches any.
        assert!(tolerates_taints(
            &tolerating(
                json!([{"key": "gpu", "value": "true"}, {"key": "maintenance", "operator": "Exists", "effect": "NoExecute"}])
            ),
            &n
        ));
        // Wrong value, wrong effect.
        let wrong_value = tolerating(
            json!([{"key": "gpu", "value": "false"}, {"key": "maintenance", "operator": "Exists"}]),
        );
        assert!(!tolerates_taints(&wrong_value, &n));
        let wrong_effect = tolerating(
            json!([{"key": "gpu", "operator": "Exists", "effect": "NoExecute"}, {"key": "maintenance", "operator": "Exists"}]),
        );
        assert!(!tolerates_taints(&wrong_effect, &n));
        let e = filter_reason(
            &tolerating(json!([{"key": "gpu", "operator": "Exists"}])),
            &n,
        );
        assert_eq!(
            e.as_deref(),
            Some("node(s) had untolerated taint {maintenance: }")
        );
        // Empty key with Exists tolerates everything; an unknown operator nothing.
        assert!(tolerates_taints(
            &tolerating(json!([{"operator": "Exists"}])),
            &n
        ));
        assert!(!tolerates_taints(
            &tolerating(json!([{"operator": "Sometimes"}])),
            &n
        ));
        // PreferNoSchedule alone never blocks.
        let soft = agx(
            json!({}),
            json!([{"key": "dedicated", "effect": "PreferNoSchedule"}]),
        );
        assert!(tolerates_taints(&none, &soft));
    }

    fn selecting(spec: Value) -> Pod {
        let mut s = json!({"containers": []});
        s.as_object_mut()
            .unwrap()
            .extend(spec.as_object().unwrap().clone());
        pod(json!({"metadata": {"name": "p"}, "spec": s}))
    }

    #[test]
    fn node_selector() {
        let n = agx(json!({"disk": "ssd"}), json!([]));
        assert!(matches_node_selector(&selecting(json!({})), &n));
        assert!(matches_node_selector(
            &selecting(json!({"nodeSelector": {"disk": "ssd", "zone": "lab"}})),
            &n
        ));
        assert!(!matches_node_selector(
            &selecting(json!({"nodeSelector": {"disk": "hdd"}})),
            &n
        ));
        let missing = selecting(json!({"nodeSelector": {"rack": "1"}}));
        assert!(!matches_node_selector(&missing, &n));
        assert_eq!(
            filter_reason(&missing, &n).as_deref(),
            Some("node(s) didn't match Pod's node affinity/selector")
        );
    }

    fn affinity(terms: Value) -> Pod {
        selecting(json!({"affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}}))
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> Value {
        json!({"matchExpressions": [{"key": key, "operator": op, "values": values}]})
    }

    #[test]
    fn required_node_affinity() {
        let n = agx(json!({"cores": "8", "disk": "ssd"}), json!([]));
        let ok = |terms: Value| matches_required_affinity(&affinity(terms), &n);
        assert!(matches_required_affinity(&selecting(json!({})), &n));
        assert!(ok(json!([expr("disk", "In", &["hdd", "ssd"])])));
        assert!(!ok(json!([expr("disk", "In", &["hdd"])])));
        assert!(!ok(json!([expr("rack", "In", &["1"])])));
        assert!(ok(json!([expr("disk", "NotIn", &["hdd"])])));
        assert!(
            ok(json!([expr("rack", "NotIn", &["1"])])),
            "NotIn holds for an absent label"
        );
        assert!(!ok(json!([expr("disk", "NotIn", &["ssd"])])));
        assert!(ok(json!([expr("disk", "Exists", &[])])));
        assert!(!ok(json!([expr("rack", "Exists", &[])])));
        assert!(ok(json!([expr("rack", "DoesNotExist", &[])])));
        assert!(!ok(json!([expr("disk", "DoesNotExist", &[])])));
        assert!(ok(json!([expr("cores", "Gt", &["4"])])));
        assert!(!ok(json!([expr("cores", "Gt", &["8"])])));
        assert!(ok(json!([expr("cores", "Lt", &["16"])])));
        assert!(!ok(json!([expr("cores", "Lt", &["2"])])));
        assert!(
            !ok(json!([expr("disk", "Gt", &["1"])])),
            "non-integer label"
        );
        assert!(
            !ok(json!([expr("cores", "Gt", &["x"])])),
            "non-integer bound"
        );
        assert!(
            !ok(json!([expr("cores", "Gt", &["1", "2"])])),
            "Gt takes one value"
        );
        assert!(
            !ok(json!([expr("disk", "Like", &["ssd"])])),
            "unknown operator"
        );
        // Expressions of a term are ANDed, terms are ORed.
        let and = json!([{"matchExpressions": [
            {"key": "disk", "operator": "In", "values": ["ssd"]},
            {"key": "rack", "operator": "Exists"}]}]);
        assert!(!ok(and));
        assert!(ok(json!([
            expr("rack", "Exists", &[]),
            expr("disk", "In", &["ssd"])
        ])));
        // matchFields on the node name.
        let field = |op: &str, name: &str| json!([{"matchFields": [{"key": "metadata.name", "operator": op, "values": [name]}]}]);
        assert!(ok(field("In", "agx-1")));
        assert!(!ok(field("In", "agx-2")));
        assert!(ok(field("NotIn", "agx-2")));
        assert!(
            !ok(field("Exists", "agx-1")),
            "matchFields allows only In/NotIn"
        );
        assert!(!ok(
            json!([{"matchFields": [{"key": "metadata.uid", "operator": "In", "values": ["agx-1"]}]}])
        ));
        // Empty terms match nothing.
        assert!(!ok(json!([{}])));
        assert!(!ok(json!([])));
        assert_eq!(
            filter_reason(&affinity(json!([expr("disk", "In", &["hdd"])])), &n).as_deref(),
            Some("node(s) didn't match Pod's node affinity/selector")
        );
    }

    #[test]
    fn cordon_and_node_name() {
        let mut n = agx(json!({}), json!([]));
        n.spec.as_mut().unwrap().unschedulable = Some(true);
        let p = selecting(json!({}));
        assert_eq!(
            filter_reason(&p, &n).as_deref(),
            Some("node(s) were unschedulable")
        );
        let tolerant = tolerating(
            json!([{"key": TAINT_UNSCHEDULABLE, "operator": "Exists", "effect": "NoSchedule"}]),
        );
        assert_eq!(filter_reason(&tolerant, &n), None);
        let n = agx(json!({}), json!([]));
        let elsewhere = selecting(json!({"nodeName": "other"}));
        assert_eq!(
            filter_reason(&elsewhere, &n).as_deref(),
            Some("node(s) didn't match the requested node name")
        );
        assert!(!is_synergai_pod(&p));
    }

    // ---------------------------------------------------------- arch mapping

    #[test]
    fn arch_mapping_yaml() {
        let text = "apiVersion: synergai.io/v1alpha1\nkind: ArchMapping\nmetadata:\n  name: lab\nspec:\n  rules:\n    - label: nvidia.com/gpu.product\n      contains: Orin NX\n      arch: orin-nx\n    - {label: kubernetes.io/arch, equals: amd64, arch: xeon-vm}\n";
        let m = ArchMapping::from_yaml("map.yaml", text).unwrap();
        assert_eq!(
            m.rules,
            vec![
                ArchRule::contains("nvidia.com/gpu.product", "Orin NX", "orin-nx"),
                ArchRule::equals("kubernetes.io/arch", "amd64", "xeon-vm"),
            ]
        );
        let labels = BTreeMap::from([("kubernetes.io/arch".to_string(), "amd64".to_string())]);
        assert_eq!(
            m.resolve(&labels).map(|(i, r)| (i, r.arch.as_str())),
            Some((1, "xeon-vm"))
        );

        let both = text.replace(
            "      arch: orin-nx",
            "      equals: x\n      arch: orin-nx",
        );
        let e = ArchMapping::from_yaml("map.yaml", &both)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("map.yaml:7:")
                && e.contains("field `spec.rules[0]`")
                && e.contains("exactly one of `contains` or `equals`"),
            "{e}"
        );
        let typo = text.replace("contains:", "contain:");
        let e = ArchMapping::from_yaml("map.yaml", &typo)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("map.yaml:8:") && e.contains("contain"), "{e}");
        let kind = text.replace("kind: ArchMapping", "kind: Profile");
        let e = ArchMapping::from_yaml("map.yaml", &kind)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "map.yaml:2:7: field `kind`: this is a `Profile`, expected a `ArchMapping`"
        );
        let version = text.replace("v1alpha1", "v2");
        assert!(
            ArchMapping::from_yaml("map.yaml", &version)
                .unwrap_err()
                .to_string()
                .contains("unsupported version")
        );
        let no_arch = text.replace("      arch: orin-nx\n", "");
        let e = ArchMapping::from_yaml("map.yaml", &no_arch)
            .unwrap_err()
            .to_string();
        assert!(e.contains("arch"), "{e}");
        let empty = text.replace("arch: xeon-vm", "arch: ''");
        let e = ArchMapping::from_yaml("map.yaml", &empty)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("spec.rules[1].arch") && e.contains("is empty"),
            "{e}"
        );
        assert!(
            ArchMapping::from_yaml(
                "map.yaml",
                "apiVersion: synergai.io/v1alpha1\nkind: ArchMapping\nspec: {}\n"
            )
            .unwrap()
            .rules
            .is_empty()
        );
    }
}
