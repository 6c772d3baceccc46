//! `/healthz`, `/readyz` and `/metrics` over HTTP, as kube-scheduler serves
//! them (its old insecure port, 10251, is the default here).
//!
//! - `/healthz` (and `/livez`): 200 while the process serves at all.
//! - `/readyz`: 200 once the node and pod caches have synced, 503 before.
//!   A standby is ready (it takes over without a restart) and says that it
//!   is not leading; `?verbose` lists each check as the API server does.
//! - `/metrics`: [`super::metrics::Metrics`] in the Prometheus text format,
//!   or OpenMetrics when the `Accept` header asks for it.

use super::metrics::Metrics;
use crate::error::{Error, Result};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode, header};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What the probes report; set by the scheduler's loop.
#[derive(Default)]
pub struct Health {
    /// The node and pod caches have synced.
    pub synced: AtomicBool,
    /// This replica holds the lease (or runs without election).
    pub leading: AtomicBool,
    /// Leader election is on.
    pub electing: AtomicBool,
}

/// Binds `address` (so that a busy port is a start-up error) and serves on
/// a task of its own until the process ends. Returns the bound address
/// (port 0 picks a free one).
pub async fn start(
    address: SocketAddr,
    health: Arc<Health>,
    metrics: Arc<Metrics>,
) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| Error::Usage(format!("--bind-address {address}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::Internal(format!("serving address: {e}")))?;
    tokio::spawn(async move {
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: try again soon.
                    tracing::warn!("http: accept: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            };
            let health = health.clone();
            let metrics = metrics.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let response = respond(&request, &health, &metrics);
                    async move { Ok::<_, std::convert::Infallible>(response) }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                if let Err(e) = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(std::time::Duration::from_secs(10))
                    .serve_connection(io, service)
                    .await
                {
                    tracing::debug!("http: {e}");
                }
            });
        }
    });
    Ok(bound)
}

fn text(status: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(v) = header::HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response
}

const PLAIN: &str = "text/plain; charset=utf-8";

/// The answer to one request (pure but for reading the shared state).
fn respond(
    request: &Request<Incoming>,
    health: &Health,
    metrics: &Metrics,
) -> Response<Full<Bytes>> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut r = text(
            StatusCode::METHOD_NOT_ALLOWED,
            PLAIN,
            "only GET and HEAD\n".into(),
        );
        r.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let verbose = request.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|kv| kv == "verbose" || kv.starts_with("verbose="))
    });
    match request.uri().path() {
        "/healthz" | "/livez" => {
            let body = if verbose {
                "[+]ping ok\nhealthz check passed\n"
            } else {
                "ok"
            };
            text(StatusCode::OK, PLAIN, body.into())
        }
        "/readyz" => readyz(health, verbose),
        "/metrics" => {
            let accept = request
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if accept.contains("application/openmetrics-text") {
                text(
                    StatusCode::OK,
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    metrics.openmetrics_text(),
                )
            } else {
                text(
                    StatusCode::OK,
                    prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
                    metrics.prometheus_text(),
                )
            }
        }
        _ => text(
            StatusCode::NOT_FOUND,
            PLAIN,
            "not found: this server has /healthz, /readyz and /metrics\n".into(),
        ),
    }
}

/// `/readyz`: ready once synced, leading or not.
fn readyz(health: &Health, verbose: bool) -> Response<Full<Bytes>> {
    let synced = health.synced.load(Ordering::Relaxed);
    let leading = health.leading.load(Ordering::Relaxed);
    let role = match (health.electing.load(Ordering::Relaxed), leading) {
        (false, _) => "leading (no leader election)",
        (true, true) => "leading",
        (true, false) => "not leading (standby)",
    };
    let status = if synced {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = if verbose {
        format!(
            "[+]ping ok\n[{}]informer-sync {}\n[+]leader-election {role}\nreadyz check {}\n",
            if synced { '+' } else { '-' },
            if synced {
                "ok"
            } else {
                "failed: caches not synced yet"
            },
            if synced { "passed" } else { "failed" },
        )
    } else if synced {
        format!("ok: {role}\n")
    } else {
        "not ready: caches not synced yet\n".into()
    };
    text(status, PLAIN, body)
}
