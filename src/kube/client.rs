//! Connecting to a cluster: the kubeconfig (`$KUBECONFIG`, else
//! `~/.kube/config`), an optional context and namespace, and a first
//! request that proves the server answers. Every failure is
//! [`Error::Unreachable`] (exit code 3).

use crate::error::{Error, Result};

/// Which cluster and namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
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
    let options = kube::config::KubeConfigOptions {
        context: target.context.clone(),
        ..Default::default()
    };
    let config = kube::Config::from_kubeconfig(&options)
        .await
        .map_err(|e| Error::Unreachable(format!("cannot load the kubeconfig: {e}")))?;
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
