//! The emulated kubelet's own API, the part an API server calls: a pod's
//! log (`GET /containerLogs/NAMESPACE/POD/CONTAINER`), which is how
//! `kubectl logs` and `synergai profile measure --kube` read what a
//! container printed. The API server finds a node's kubelet at the node's
//! address and `status.daemonEndpoints.kubeletEndpoint.Port`; every
//! emulated node points at this one server (127.0.0.1, a port of its
//! own). It speaks HTTPS with a self-signed certificate made at start:
//! an API server without `--kubelet-certificate-authority` (the default,
//! and the test server's) does not verify kubelets.
//!
//! Only the containers the emulator executes ([`super::exec`]) have logs;
//! a job pod's run is modelled, not executed, and its log is empty.

use crate::error::{Error, Result};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// What each executed container printed (stdout and stderr interleaved as
/// they came, as a kubelet's log file holds them), by
/// `namespace/pod/container`.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<HashMap<String, Vec<u8>>>>);

impl Logs {
    fn key(namespace: &str, pod: &str, container: &str) -> String {
        format!("{namespace}/{pod}/{container}")
    }

    /// Appends to a container's log (creating it).
    pub fn append(&self, namespace: &str, pod: &str, container: &str, bytes: &[u8]) {
        let mut logs = self.0.lock().unwrap_or_else(|p| p.into_inner());
        logs.entry(Self::key(namespace, pod, container))
            .or_default()
            .extend_from_slice(bytes);
    }

    /// A container's log, if it ran here.
    pub fn get(&self, namespace: &str, pod: &str, container: &str) -> Option<Vec<u8>> {
        let logs = self.0.lock().unwrap_or_else(|p| p.into_inner());
        logs.get(&Self::key(namespace, pod, container)).cloned()
    }

    /// The last `max` bytes of a container's log, as text (a failed
    /// container's termination message, as `FallbackToLogsOnError` takes it).
    pub fn tail(&self, namespace: &str, pod: &str, container: &str, max: usize) -> String {
        let log = self.get(namespace, pod, container).unwrap_or_default();
        let from = log.len().saturating_sub(max);
        String::from_utf8_lossy(&log[from..]).trim().to_string()
    }
}

/// The kubelet's answer to one request.
fn respond(logs: &Logs, path: &str, query: Option<&str>) -> (StatusCode, Vec<u8>) {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let ["containerLogs", namespace, pod, container] = parts.as_slice() else {
        return (StatusCode::NOT_FOUND, b"not found\n".to_vec());
    };
    let Some(mut log) = logs.get(namespace, pod, container) else {
        return (
            StatusCode::NOT_FOUND,
            format!("container {container} of pod {namespace}/{pod} has no log on this (emulated) kubelet: only executed containers have one\n").into_bytes(),
        );
    };
    // `kubectl logs --tail N` and `--limit-bytes N`, as the kubelet reads them.
    for (key, value) in query
        .unwrap_or_default()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
    {
        let Ok(n) = value.parse::<usize>() else {
            continue;
        };
        match key {
            "tailLines" => {
                let text = String::from_utf8_lossy(&log).to_string();
                let lines: Vec<&str> = text.lines().collect();
                let from = lines.len().saturating_sub(n);
                log = lines[from..]
                    .iter()
                    .flat_map(|l| format!("{l}\n").into_bytes())
                    .collect();
            }
            "limitBytes" => log.truncate(n),
            _ => {}
        }
    }
    (StatusCode::OK, log)
}

/// The running server: its port, and the task serving it (aborted on drop).
pub struct Server {
    pub port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the kubelet API on 127.0.0.1 (a free port) over TLS.
pub async fn serve(logs: Logs) -> Result<Server> {
    let internal = |what: &str, e: &dyn std::fmt::Display| {
        Error::Internal(format!("emulated kubelet API: {what}: {e}"))
    };
    let key = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
        .map_err(|e| internal("cannot make its certificate", &e))?;
    let cert = key.cert.der().clone();
    let private = rustls::pki_types::PrivateKeyDer::Pkcs8(key.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| internal("TLS versions", &e))?
    .with_no_client_auth()
    .with_single_cert(vec![cert], private)
    .map_err(|e| internal("TLS certificate", &e))?;
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| internal("cannot listen on 127.0.0.1", &e))?;
    let port = listener
        .local_addr()
        .map_err(|e| internal("its address", &e))?
        .port();
    let task = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let acceptor = acceptor.clone();
            let logs = logs.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let (status, body) = respond(&logs, req.uri().path(), req.uri().query());
                    let response = Response::builder()
                        .status(status)
                        .header("content-type", "text/plain")
                        .body(Full::new(Bytes::from(body)))
                        .expect("a well-formed response");
                    async move { Ok::<_, std::convert::Infallible>(response) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    tracing::info!("emulated kubelet API (container logs) on https://127.0.0.1:{port}");
    Ok(Server { port, task })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_by_container_with_tail_and_limit() {
        let logs = Logs::default();
        logs.append("ns", "p", "c", b"one\ntwo\n");
        logs.append("ns", "p", "c", b"three\n");
        assert_eq!(
            respond(&logs, "/containerLogs/ns/p/c", None),
            (StatusCode::OK, b"one\ntwo\nthree\n".to_vec())
        );
        assert_eq!(
            respond(&logs, "/containerLogs/ns/p/c", Some("tailLines=2")),
            (StatusCode::OK, b"two\nthree\n".to_vec())
        );
        assert_eq!(
            respond(
                &logs,
                "/containerLogs/ns/p/c",
                Some("limitBytes=3&follow=false")
            ),
            (StatusCode::OK, b"one".to_vec())
        );
        assert_eq!(
            respond(&logs, "/containerLogs/ns/p/other", None).0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(respond(&logs, "/pods", None).0, StatusCode::NOT_FOUND);
        assert_eq!(logs.tail("ns", "p", "c", 6), "three");
    }
}
