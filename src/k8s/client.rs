//! Connecting to a cluster as kubectl and kube-scheduler do: a kubeconfig
//! given with `--kubeconfig`, else `$KUBECONFIG`, else `~/.kube/config`,
//! else the pod's service account (in-cluster); an optional context and
//! namespace; and a first request that proves the server answers. Every
//! failure is [`Error::Unreachable`] (exit code 3).

use crate::error::{Error, Result};
use crate::model::{Cluster, Profile};
use ::kube::api::Api;
use k8s_openapi::api::core::v1::{Node, Pod};
use std::sync::Arc;

/// Which cluster and namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
    /// A kubeconfig file (else found as kubectl finds one, else in-cluster).
    pub kubeconfig: Option<std::path::PathBuf>,
    /// A kubeconfig context (the current one when `None`).
    pub context: Option<String>,
    /// The namespace of jobs (the context's when `None`).
    pub namespace: Option<String>,
}

/// A client that has answered once.
#[derive(Clone)]
pub struct Connection {
    pub client: kube::Client,
    /// `context NAME` or the server URL, for headers and logs.
    pub label: String,
    pub namespace: String,
    pub server: String,
}

/// Connects and checks that the API server answers (`GET /version`).
pub async fn connect(target: &Target) -> Result<Connection> {
    let config = config(target).await?;
    let namespace = target
        .namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    let server = config.cluster_url.to_string();
    let client =
        kube::Client::try_from(config).map_err(|e| Error::Unreachable(format!("{server}: {e}")))?;
    client
        .apiserver_version()
        .await
        .map_err(|e| Error::Unreachable(format!("{server}: {e}")))?;
    let label = match &target.context {
        Some(c) => format!("context {c}"),
        None => server.clone(),
    };
    Ok(Connection {
        client,
        label,
        namespace,
        server,
    })
}

/// The client configuration `target` names: a kubeconfig file given, or a
/// context (of the kubeconfig found as kubectl finds it), or else
/// whatever kubectl would use, the in-cluster service account last.
async fn config(target: &Target) -> Result<kube::Config> {
    let options = kube::config::KubeConfigOptions {
        context: target.context.clone(),
        ..Default::default()
    };
    if let Some(path) = &target.kubeconfig {
        let file = kube::config::Kubeconfig::read_from(path).map_err(|e| {
            Error::Unreachable(format!(
                "cannot load the kubeconfig {}: {e}",
                path.display()
            ))
        })?;
        return kube::Config::from_custom_kubeconfig(file, &options)
            .await
            .map_err(|e| {
                Error::Unreachable(format!(
                    "cannot load the kubeconfig {}: {e}",
                    path.display()
                ))
            });
    }
    if target.context.is_some() {
        // A context names an entry of a kubeconfig: no in-cluster fallback.
        return kube::Config::from_kubeconfig(&options)
            .await
            .map_err(|e| Error::Unreachable(format!("cannot load the kubeconfig: {e}")));
    }
    kube::Config::infer().await.map_err(|e| {
        Error::Unreachable(format!(
            "no cluster configured: {e} (give --kubeconfig, set KUBECONFIG, or run in a pod with a service account)"
        ))
    })
}

/// A client error as synergai reports it: permission problems apart.
pub(crate) fn cluster_error(what: &str, e: ::kube::Error) -> Error {
    match &e {
        ::kube::Error::Api(s) if s.code == 401 || s.code == 403 => {
            Error::Cluster(format!("{what}: permission denied ({})", s.message))
        }
        _ => Error::Cluster(format!("{what}: {e}")),
    }
}

/// The cluster now, as a scenario (its schedulable nodes, its pending
/// synergai pods as jobs named `NAMESPACE/NAME`) and the model state with
/// every running pod placed: what `place plan|explain --kube` decide on.
pub async fn snapshot(
    client: &::kube::Client,
    namespace: Option<&str>,
    profile: Arc<Profile>,
    label: &str,
) -> Result<(crate::model::Scenario, Cluster, Vec<Arc<Pod>>)> {
    let (nodes, pods) = list(client, namespace).await?;
    let (scenario, cluster, skipped) =
        super::world::scenario_of(&nodes, &pods, profile, label, super::now_ms());
    for line in skipped {
        tracing::warn!("{line}");
    }
    Ok((scenario, cluster, pods))
}

async fn list(
    client: &::kube::Client,
    namespace: Option<&str>,
) -> Result<(Vec<Arc<Node>>, Vec<Arc<Pod>>)> {
    let nodes: Vec<Arc<Node>> = Api::<Node>::all(client.clone())
        .list(&Default::default())
        .await
        .map_err(|e| cluster_error("list nodes", e))?
        .items
        .into_iter()
        .map(Arc::new)
        .collect();
    let pods_api: Api<Pod> = match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let pods: Vec<Arc<Pod>> = pods_api
        .list(&Default::default())
        .await
        .map_err(|e| cluster_error("list pods", e))?
        .items
        .into_iter()
        .map(Arc::new)
        .collect();
    Ok((nodes, pods))
}
