//! The architecture mapping: which profile architecture a node is when it
//! lacks the `synergai.io/arch` label (ordered rules on its other labels),
//! and the `ArchMapping` YAML document that declares the rules.

use crate::error::{Error, Position};
use crate::fixture::raw::{API_VERSION, Metadata};
use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};
use std::collections::BTreeMap;

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

/// A rule as written (in an `ArchMapping` or a `SchedulerConfiguration`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawArchRule {
    label: Spanned<String>,
    #[serde(default)]
    contains: Option<Spanned<String>>,
    #[serde(default)]
    equals: Option<Spanned<String>>,
    arch: Spanned<String>,
}

pub(crate) fn position(loc: &Location) -> Option<Position> {
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
        Ok(ArchMapping {
            rules: rules(file, doc.spec.rules, "spec.rules")?,
        })
    }
}

/// Checks written rules; errors name `file`, the position and the field
/// under `path` (e.g. `spec.rules`).
pub(crate) fn rules(
    file: &str,
    raw: Vec<RawArchRule>,
    path: &str,
) -> crate::error::Result<Vec<ArchRule>> {
    let mut rules = Vec::with_capacity(raw.len());
    for (i, r) in raw.into_iter().enumerate() {
        let err = |loc: &Location, field: &str, message: String| {
            Error::invalid(
                file,
                position(loc),
                Some(format!("{path}[{i}]{field}")),
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
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

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
