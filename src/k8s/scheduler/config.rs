//! `scheduler run --config FILE`: a `kind: SchedulerConfiguration`
//! document, versioned like every other synergai file, holding what the
//! flags say (flags given on the command line win over the file):
//!
//! ```yaml
//! apiVersion: synergai.io/v1alpha1
//! kind: SchedulerConfiguration
//! metadata: {name: production}
//! spec:
//!   policy: synergai                 # --policy
//!   theta: 0.9                       # --theta (knee threshold of the offline plan)
//!   interval: 100ms                  # --interval
//!   mode: auto                       # --mode auto|manual
//!   namespace: inference             # -n (pods of one namespace) ...
//!   allNamespaces: false             # ... or -A
//!   bindAddress: 0.0.0.0:10251       # --bind-address
//!   clientConnection: {qps: 100, burst: 200}      # --kube-api-qps/--kube-api-burst
//!   leaderElection:                  # --leader-elect*
//!     leaderElect: true
//!     leaseDuration: 15s
//!     renewDeadline: 10s
//!     retryPeriod: 2s
//!     resourceName: synergai-scheduler
//!     resourceNamespace: synergai-system
//!   archMapping:                     # replaces the built-in fallback rules
//!     - {label: nvidia.com/gpu.product, contains: Orin NX, arch: orin-nx}
//!   profile: /etc/synergai/profile.yaml          # --profile: a file or builtin:NAME ...
//!   profileConfigMap: {namespace: synergai-system, name: synergai-profile, key: profile.yaml}
//!   profileReloadInterval: 5s        # how often the profile is checked for changes
//! ```
//!
//! Errors name the file, line, column and field, as fixture errors do.

use crate::error::{Error, Result};
use crate::fixture::raw::{API_VERSION, Metadata};
use crate::fixture::units::Duration as Length;
use crate::k8s::mapping::arch::{RawArchRule, position, rules};
use crate::k8s::mapping::{ArchMapping, ArchRule};
use crate::policy::PolicyKind;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::net::SocketAddr;

/// The document's `kind`.
pub const KIND: &str = "SchedulerConfiguration";

/// The ConfigMap key of a profile unless the configuration names another
/// (`deploy/profile-configmap.yaml` uses it).
pub const DEFAULT_KEY: &str = "profile.yaml";

/// Where the profile comes from, and so how its changes are noticed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileSource {
    /// `builtin:NAME`: never changes.
    Builtin(String),
    /// A file (e.g. a mounted ConfigMap), read again when its text changes.
    File(std::path::PathBuf),
    /// A key of a ConfigMap, read through the API when its
    /// `resourceVersion` changes (needs `get` on it).
    ConfigMap {
        namespace: Option<String>,
        name: String,
        key: String,
    },
}

impl ProfileSource {
    /// `builtin:NAME`, `configmap:[NAMESPACE/]NAME` (key `profile.yaml`)
    /// or a path, as `--profile` takes it.
    pub fn reference(text: &str) -> ProfileSource {
        if let Some(name) = text.strip_prefix("builtin:") {
            return ProfileSource::Builtin(name.to_string());
        }
        if let Some(object) = text.strip_prefix("configmap:") {
            let (namespace, name) = match object.split_once('/') {
                Some((ns, name)) => (Some(ns.to_string()), name.to_string()),
                None => (None, object.to_string()),
            };
            return ProfileSource::ConfigMap {
                namespace,
                name,
                key: DEFAULT_KEY.into(),
            };
        }
        ProfileSource::File(text.into())
    }

    /// How logs and errors name it.
    pub fn display(&self) -> String {
        match self {
            ProfileSource::Builtin(name) => format!("builtin:{name}"),
            ProfileSource::File(path) => path.display().to_string(),
            ProfileSource::ConfigMap {
                namespace,
                name,
                key,
            } => format!(
                "configmap:{}{name} (key {key})",
                namespace
                    .as_deref()
                    .map(|n| format!("{n}/"))
                    .unwrap_or_default()
            ),
        }
    }
}

/// Leader election as the file sets it (each field optional).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LeaderElection {
    pub leader_elect: Option<bool>,
    pub lease_duration_ms: Option<f64>,
    pub renew_deadline_ms: Option<f64>,
    pub retry_period_ms: Option<f64>,
    pub resource_name: Option<String>,
    pub resource_namespace: Option<String>,
}

/// A checked `SchedulerConfiguration`: every field optional, so that what
/// the file leaves out falls to the flag defaults.
#[derive(Clone, Debug, Default)]
pub struct FileConfig {
    pub policy: Option<PolicyKind>,
    pub theta: Option<f64>,
    pub interval_ms: Option<f64>,
    pub manual: Option<bool>,
    pub namespace: Option<String>,
    pub all_namespaces: Option<bool>,
    pub bind_address: Option<SocketAddr>,
    pub qps: Option<f64>,
    pub burst: Option<u32>,
    pub leader_election: LeaderElection,
    pub arch_mapping: Option<ArchMapping>,
    pub profile: Option<ProfileSource>,
    pub profile_reload_ms: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawDocument {
    api_version: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    #[allow(dead_code)]
    metadata: Option<Metadata>,
    #[serde(default)]
    spec: RawSpec,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawSpec {
    policy: Option<Spanned<String>>,
    theta: Option<Spanned<f64>>,
    interval: Option<Spanned<String>>,
    mode: Option<Spanned<String>>,
    namespace: Option<Spanned<String>>,
    all_namespaces: Option<bool>,
    bind_address: Option<Spanned<String>>,
    client_connection: Option<RawClient>,
    leader_election: Option<RawLeader>,
    arch_mapping: Option<Vec<RawArchRule>>,
    profile: Option<Spanned<String>>,
    profile_config_map: Option<RawConfigMap>,
    profile_reload_interval: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawClient {
    qps: Option<Spanned<f64>>,
    burst: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawLeader {
    leader_elect: Option<bool>,
    lease_duration: Option<Spanned<String>>,
    renew_deadline: Option<Spanned<String>>,
    retry_period: Option<Spanned<String>>,
    resource_name: Option<Spanned<String>>,
    resource_namespace: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawConfigMap {
    namespace: Option<Spanned<String>>,
    name: Spanned<String>,
    #[serde(default)]
    key: Option<Spanned<String>>,
}

/// Reads and checks a configuration file.
pub fn load(path: &std::path::Path) -> Result<FileConfig> {
    let text = crate::fixture::read_file_text(path)?;
    parse(&path.display().to_string(), &text)
}

/// Checks a configuration's text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<FileConfig> {
    let doc: RawDocument = crate::fixture::parse(file, text)?;
    let invalid = |at: &serde_saphyr::Location, field: &str, message: String| {
        Error::invalid(file, position(at), Some(field.to_string()), message)
    };
    if doc.api_version.value != API_VERSION {
        return Err(invalid(
            &doc.api_version.referenced,
            "apiVersion",
            format!(
                "unsupported version `{}`; expected `{API_VERSION}`",
                doc.api_version.value
            ),
        ));
    }
    if doc.kind.value != KIND {
        return Err(invalid(
            &doc.kind.referenced,
            "kind",
            format!("this is a `{}`, expected a `{KIND}`", doc.kind.value),
        ));
    }
    let spec = doc.spec;
    let duration = |v: &Spanned<String>, field: &str, at_least_ms: f64| -> Result<f64> {
        let ms = Length::parse(&v.value)
            .map_err(|e| invalid(&v.referenced, field, e))?
            .ms();
        if ms < at_least_ms {
            return Err(invalid(
                &v.referenced,
                field,
                format!("must be at least {at_least_ms} ms, got `{}`", v.value),
            ));
        }
        Ok(ms)
    };
    let name = |v: &Spanned<String>, field: &str| -> Result<String> {
        let t = v.value.trim();
        if t.is_empty() {
            return Err(invalid(&v.referenced, field, "is empty".into()));
        }
        Ok(t.to_string())
    };
    let mut config = FileConfig::default();
    if let Some(p) = &spec.policy {
        config.policy = Some(PolicyKind::parse(&p.value).ok_or_else(|| {
            invalid(
                &p.referenced,
                "spec.policy",
                format!(
                    "unknown policy `{}`; one of: {}",
                    p.value,
                    PolicyKind::ALL.map(PolicyKind::name).join(", ")
                ),
            )
        })?);
    }
    if let Some(t) = &spec.theta {
        if !(t.value > 0.0 && t.value <= 1.0) {
            return Err(invalid(
                &t.referenced,
                "spec.theta",
                format!("must be in (0, 1], got {}", t.value),
            ));
        }
        config.theta = Some(t.value);
    }
    if let Some(v) = &spec.interval {
        config.interval_ms = Some(duration(v, "spec.interval", 1.0)?);
    }
    if let Some(m) = &spec.mode {
        config.manual = Some(match m.value.as_str() {
            "auto" => false,
            "manual" => true,
            other => {
                return Err(invalid(
                    &m.referenced,
                    "spec.mode",
                    format!("unknown mode `{other}`; auto or manual"),
                ));
            }
        });
    }
    if let Some(ns) = &spec.namespace {
        config.namespace = Some(name(ns, "spec.namespace")?);
    }
    config.all_namespaces = spec.all_namespaces;
    if let (Some(ns), Some(true)) = (&spec.namespace, spec.all_namespaces) {
        return Err(invalid(
            &ns.referenced,
            "spec.namespace",
            "give `namespace` or `allNamespaces: true`, not both".into(),
        ));
    }
    if let Some(a) = &spec.bind_address {
        config.bind_address = Some(a.value.parse().map_err(|e| {
            invalid(
                &a.referenced,
                "spec.bindAddress",
                format!("`{}` is not ADDRESS:PORT ({e})", a.value),
            )
        })?);
    }
    if let Some(c) = &spec.client_connection {
        if let Some(q) = &c.qps {
            if !(q.value.is_finite() && q.value >= 0.0) {
                return Err(invalid(
                    &q.referenced,
                    "spec.clientConnection.qps",
                    format!("must be 0 (no limit) or more, got {}", q.value),
                ));
            }
            config.qps = Some(q.value);
        }
        config.burst = c.burst;
    }
    if let Some(l) = &spec.leader_election {
        let field = |f: &str| format!("spec.leaderElection.{f}");
        config.leader_election = LeaderElection {
            leader_elect: l.leader_elect,
            lease_duration_ms: l
                .lease_duration
                .as_ref()
                .map(|v| duration(v, &field("leaseDuration"), 1.0))
                .transpose()?,
            renew_deadline_ms: l
                .renew_deadline
                .as_ref()
                .map(|v| duration(v, &field("renewDeadline"), 1.0))
                .transpose()?,
            retry_period_ms: l
                .retry_period
                .as_ref()
                .map(|v| duration(v, &field("retryPeriod"), 1.0))
                .transpose()?,
            resource_name: l
                .resource_name
                .as_ref()
                .map(|v| name(v, &field("resourceName")))
                .transpose()?,
            resource_namespace: l
                .resource_namespace
                .as_ref()
                .map(|v| name(v, &field("resourceNamespace")))
                .transpose()?,
        };
    }
    if let Some(raw) = spec.arch_mapping {
        let checked: Vec<ArchRule> = rules(file, raw, "spec.archMapping")?;
        config.arch_mapping = Some(ArchMapping { rules: checked });
    }
    match (&spec.profile, &spec.profile_config_map) {
        (Some(p), Some(_)) => {
            return Err(invalid(
                &p.referenced,
                "spec.profile",
                "give `profile` or `profileConfigMap`, not both".into(),
            ));
        }
        (Some(p), None) => {
            let reference = name(p, "spec.profile")?;
            // A relative path is relative to the configuration file.
            config.profile = Some(match ProfileSource::reference(&reference) {
                ProfileSource::File(path) if path.is_relative() => ProfileSource::File(
                    std::path::Path::new(file)
                        .parent()
                        .unwrap_or(std::path::Path::new(""))
                        .join(path),
                ),
                other => other,
            });
        }
        (None, Some(cm)) => {
            config.profile = Some(ProfileSource::ConfigMap {
                namespace: cm
                    .namespace
                    .as_ref()
                    .map(|v| name(v, "spec.profileConfigMap.namespace"))
                    .transpose()?,
                name: name(&cm.name, "spec.profileConfigMap.name")?,
                key: cm
                    .key
                    .as_ref()
                    .map(|v| name(v, "spec.profileConfigMap.key"))
                    .transpose()?
                    .unwrap_or_else(|| DEFAULT_KEY.into()),
            });
        }
        (None, None) => {}
    }
    if let Some(v) = &spec.profile_reload_interval {
        config.profile_reload_ms = Some(duration(v, "spec.profileReloadInterval", 100.0)?);
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = "apiVersion: synergai.io/v1alpha1
kind: SchedulerConfiguration
metadata: {name: production}
spec:
  policy: slo-energy
  theta: 0.8
  interval: 250ms
  mode: manual
  namespace: inference
  bindAddress: 127.0.0.1:9000
  clientConnection: {qps: 50, burst: 80}
  leaderElection:
    leaderElect: true
    leaseDuration: 20s
    renewDeadline: 12s
    retryPeriod: 3s
    resourceName: my-lease
    resourceNamespace: kube-system
  archMapping:
    - {label: nvidia.com/gpu.product, contains: Orin NX, arch: orin-nx}
  profileConfigMap: {name: synergai-profile}
  profileReloadInterval: 2s
";

    #[test]
    fn a_full_configuration_parses() {
        let c = parse("c.yaml", FULL).unwrap();
        assert_eq!(c.policy, Some(PolicyKind::parse("slo-energy").unwrap()));
        assert_eq!(c.theta, Some(0.8));
        assert_eq!(c.interval_ms, Some(250.0));
        assert_eq!(c.manual, Some(true));
        assert_eq!(c.namespace.as_deref(), Some("inference"));
        assert_eq!(c.bind_address, Some("127.0.0.1:9000".parse().unwrap()));
        assert_eq!((c.qps, c.burst), (Some(50.0), Some(80)));
        assert_eq!(c.leader_election.lease_duration_ms, Some(20_000.0));
        assert_eq!(c.leader_election.resource_name.as_deref(), Some("my-lease"));
        assert_eq!(c.arch_mapping.unwrap().rules.len(), 1);
        assert_eq!(
            c.profile,
            Some(ProfileSource::ConfigMap {
                namespace: None,
                name: "synergai-profile".into(),
                key: "profile.yaml".into()
            })
        );
        assert_eq!(c.profile_reload_ms, Some(2000.0));
    }

    #[test]
    fn the_shipped_example_parses_and_names_the_built_in_rules() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/config/scheduler.yaml"
        );
        let c = load(std::path::Path::new(path)).unwrap();
        assert_eq!(c.arch_mapping, Some(ArchMapping::default()));
        assert_eq!(c.policy, Some(PolicyKind::Synergai));
        assert_eq!(c.profile_reload_ms, Some(5000.0));
    }

    #[test]
    fn an_empty_spec_sets_nothing() {
        let c = parse(
            "c.yaml",
            "apiVersion: synergai.io/v1alpha1\nkind: SchedulerConfiguration\n",
        )
        .unwrap();
        assert!(c.policy.is_none() && c.profile.is_none() && c.arch_mapping.is_none());
    }

    #[test]
    fn errors_name_file_line_column_and_field() {
        let cases = [
            (
                "  policy: best\n",
                "c.yaml:4:11: field `spec.policy`: unknown policy `best`",
            ),
            (
                "  theta: 1.5\n",
                "c.yaml:4:10: field `spec.theta`: must be in (0, 1]",
            ),
            ("  interval: soon\n", "c.yaml:4:13: field `spec.interval`:"),
            (
                "  mode: sometimes\n",
                "c.yaml:4:9: field `spec.mode`: unknown mode",
            ),
            (
                "  bindAddress: everywhere\n",
                "c.yaml:4:16: field `spec.bindAddress`: `everywhere` is not ADDRESS:PORT",
            ),
            (
                "  clientConnection: {qps: -1}\n",
                "field `spec.clientConnection.qps`: must be 0",
            ),
            (
                "  leaderElection: {retryPeriod: 0s}\n",
                "field `spec.leaderElection.retryPeriod`: must be at least",
            ),
            (
                "  archMapping: [{label: a, arch: b}]\n",
                "field `spec.archMapping[0]`: a rule needs exactly one of",
            ),
            (
                "  profile: a.yaml\n  profileConfigMap: {name: p}\n",
                "c.yaml:4:12: field `spec.profile`: give `profile` or `profileConfigMap`",
            ),
            (
                "  polcy: synergai\n",
                "c.yaml:4:3: field `spec.polcy`: unknown field `polcy`",
            ),
        ];
        for (spec, expected) in cases {
            let text = format!(
                "apiVersion: synergai.io/v1alpha1\nkind: SchedulerConfiguration\nspec:\n{spec}"
            );
            let e = parse("c.yaml", &text).unwrap_err().to_string();
            assert!(e.contains(expected), "{spec:?}: {e}");
        }
        let e = parse(
            "c.yaml",
            "apiVersion: synergai.io/v1alpha1\nkind: Profile\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("c.yaml:2:7: field `kind`: this is a `Profile`"),
            "{e}"
        );
    }

    #[test]
    fn a_relative_profile_path_is_relative_to_the_file() {
        let text = "apiVersion: synergai.io/v1alpha1\nkind: SchedulerConfiguration\nspec: {profile: p.yaml}\n";
        let c = parse("/etc/synergai/config.yaml", text).unwrap();
        assert_eq!(
            c.profile,
            Some(ProfileSource::File("/etc/synergai/p.yaml".into()))
        );
        let c = parse("/etc/synergai/config.yaml", "apiVersion: synergai.io/v1alpha1\nkind: SchedulerConfiguration\nspec: {profile: 'builtin:edge-cloud'}\n").unwrap();
        assert_eq!(c.profile, Some(ProfileSource::Builtin("edge-cloud".into())));
    }
}
