//! What the scheduler needs of the API server, checked before it starts:
//! one `SelfSubjectAccessReview` per permission (any authenticated user may
//! ask), so a missing RBAC rule is a clear error naming every missing verb
//! and resource (exit 3) instead of a reflector retrying a 403 forever or
//! binds failing one by one. `deploy/rbac.yaml` grants exactly
//! [`scheduler_needs`] with every option on (the profile read from the
//! ConfigMap `synergai-profile`) (a test keeps them equal, and
//! another proves, from the API server's audit log, that each is used).

use crate::error::{Error, Result};
use ::kube::api::{Api, PostParams};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};

/// One permission: `verb` on `group/resource[/subresource]`, in a
/// namespace (`None`: every namespace, or cluster-scoped), on one named
/// object if `name` is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    pub group: &'static str,
    pub resource: &'static str,
    pub subresource: Option<&'static str>,
    pub verb: &'static str,
    pub namespace: Option<String>,
    pub name: Option<String>,
    /// What the scheduler uses it for.
    pub why: &'static str,
}

impl std::fmt::Display for Need {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ", self.verb)?;
        if !self.group.is_empty() {
            write!(f, "{}.", self.group)?;
        }
        write!(f, "{}", self.resource)?;
        if let Some(s) = self.subresource {
            write!(f, "/{s}")?;
        }
        if let Some(n) = &self.name {
            write!(f, " {n}")?;
        }
        match &self.namespace {
            Some(ns) => write!(f, " in namespace {ns}"),
            None => Ok(()),
        }?;
        write!(f, " ({})", self.why)
    }
}

/// The permissions `scheduler run` uses: pods in `pods_namespace` (`None`:
/// all namespaces), the control ConfigMap (manual mode) and the Lease
/// (leader election) in `own_namespace`.
pub fn scheduler_needs(
    pods_namespace: Option<&str>,
    own_namespace: &str,
    manual: bool,
    lease: Option<(&str, &str)>,
    profile_map: Option<(&str, &str)>,
) -> Vec<Need> {
    let need = |group, resource, subresource, verb, namespace: Option<&str>, why| Need {
        group,
        resource,
        subresource,
        verb,
        namespace: namespace.map(str::to_string),
        name: None,
        why,
    };
    let pods = pods_namespace;
    let mut needs = vec![
        need("", "nodes", None, "list", None, "the node reflector"),
        need("", "nodes", None, "watch", None, "the node reflector"),
        need("", "pods", None, "list", pods, "the pod reflector"),
        need("", "pods", None, "watch", pods, "the pod reflector"),
        need("", "pods", Some("binding"), "create", pods, "binding pods"),
        need(
            "",
            "pods",
            Some("status"),
            "patch",
            pods,
            "PodScheduled=False",
        ),
        need(
            "events.k8s.io",
            "events",
            None,
            "create",
            pods,
            "Scheduled/FailedScheduling events",
        ),
        need(
            "events.k8s.io",
            "events",
            None,
            "patch",
            pods,
            "repeated events (series)",
        ),
    ];
    if manual {
        for verb in ["get", "patch"] {
            needs.push(Need {
                name: Some(crate::k8s::control::CONTROL_CONFIGMAP.to_string()),
                ..need(
                    "",
                    "configmaps",
                    None,
                    verb,
                    Some(own_namespace),
                    "manual-mode triggers",
                )
            });
        }
    }
    if let Some((namespace, name)) = profile_map {
        needs.push(Need {
            name: Some(name.to_string()),
            ..need(
                "",
                "configmaps",
                None,
                "get",
                Some(namespace),
                "the profile (read again when it changes)",
            )
        });
    }
    if let Some((namespace, name)) = lease {
        needs.push(need(
            "coordination.k8s.io",
            "leases",
            None,
            "create",
            Some(namespace),
            "leader election",
        ));
        for verb in ["get", "update"] {
            needs.push(Need {
                name: Some(name.to_string()),
                ..need(
                    "coordination.k8s.io",
                    "leases",
                    None,
                    verb,
                    Some(namespace),
                    "leader election",
                )
            });
        }
    }
    needs
}

/// Asks the API server about each permission; the ones it denies.
pub async fn missing(client: &::kube::Client, needs: &[Need]) -> Result<Vec<Need>> {
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let mut out = Vec::new();
    for need in needs {
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    group: Some(need.group.to_string()),
                    resource: Some(need.resource.to_string()),
                    subresource: need.subresource.map(str::to_string),
                    verb: Some(need.verb.to_string()),
                    namespace: need.namespace.clone(),
                    name: need.name.clone(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let answer = api
            .create(&PostParams::default(), &review)
            .await
            .map_err(|e| Error::Cluster(format!("cannot check permissions: {e}")))?;
        if !answer.status.is_some_and(|s| s.allowed) {
            out.push(need.clone());
        }
    }
    Ok(out)
}

/// Fails (exit 3) naming every missing permission.
pub async fn require(client: &::kube::Client, needs: &[Need]) -> Result<()> {
    let missing = missing(client, needs).await?;
    if missing.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = missing.iter().map(|n| format!("  - {n}")).collect();
    Err(Error::Forbidden(format!(
        "the scheduler's user lacks {} permission(s) it needs (deploy/rbac.yaml grants them):\n{}",
        missing.len(),
        list.join("\n")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_follow_the_options_and_read_well() {
        let base = scheduler_needs(Some("default"), "default", false, None, None);
        assert_eq!(base.len(), 8);
        let all = scheduler_needs(
            None,
            "synergai-system",
            true,
            Some(("synergai-system", "synergai-scheduler")),
            Some(("synergai-system", "synergai-profile")),
        );
        assert_eq!(all.len(), 14);
        let texts: Vec<String> = all.iter().map(Need::to_string).collect();
        assert!(
            texts.contains(&"create pods/binding (binding pods)".to_string()),
            "{texts:?}"
        );
        assert!(
            texts.contains(
                &"update coordination.k8s.io.leases synergai-scheduler in namespace synergai-system (leader election)"
                    .to_string()
            ),
            "{texts:?}"
        );
    }
}
