//! The profile `scheduler run` decides with, and its reload: a built-in
//! profile never changes; a file (a mounted ConfigMap, say) is read again
//! and a ConfigMap fetched again every reload interval, and a changed text
//! that validates replaces the profile without a restart. A text that does
//! not validate is logged with its file:line:column error and counted, and
//! the scheduler keeps the profile it has.

use super::config::ProfileSource;
use super::metrics::digest;
use crate::error::{Error, Result};
use crate::fixture::{self, Origin};
use crate::model::Profile;
use ::kube::api::Api;
use k8s_openapi::api::core::v1::ConfigMap;
use std::time::Duration;
use tokio::sync::mpsc;

/// A validated profile and the digest of its text.
pub struct Loaded {
    pub profile: Profile,
    pub digest: String,
}

/// A change of the profile's text, validated or not.
pub enum Change {
    Valid(Box<Loaded>),
    /// The new text's error (file:line:column: field: why).
    Invalid(String),
}

/// Where a source's text is read from: a built-in or a file, or a ConfigMap
/// (with its namespace resolved) through the API.
#[derive(Clone)]
pub struct Reader {
    source: ProfileSource,
    /// The ConfigMap's namespace when the source names none.
    namespace: String,
    client: Option<::kube::Client>,
}

impl Reader {
    pub fn new(source: ProfileSource) -> Reader {
        Reader {
            source,
            namespace: String::new(),
            client: None,
        }
    }

    /// A ConfigMap source reads through `client`, in `namespace` unless it
    /// names its own.
    pub fn connect(&mut self, namespace: &str, client: &::kube::Client) {
        self.namespace = namespace.to_string();
        self.client = Some(client.clone());
    }

    /// Whether the source is read through the API.
    pub fn needs_client(&self) -> bool {
        matches!(self.source, ProfileSource::ConfigMap { .. })
    }

    /// The ConfigMap a source reads (namespace, name), if it is one.
    pub fn config_map(&self) -> Option<(String, String)> {
        match &self.source {
            ProfileSource::ConfigMap {
                namespace, name, ..
            } => Some((
                namespace.clone().unwrap_or_else(|| self.namespace.clone()),
                name.clone(),
            )),
            _ => None,
        }
    }

    /// How errors name the text.
    fn file(&self) -> String {
        match (&self.source, self.config_map()) {
            (ProfileSource::ConfigMap { key, .. }, Some((ns, name))) => {
                format!("configmap {ns}/{name} key {key}")
            }
            (source, _) => source.display(),
        }
    }

    /// The current text.
    pub async fn text(&self) -> Result<String> {
        match &self.source {
            ProfileSource::Builtin(name) => Origin::Embedded(String::new())
                .resolve(&format!("builtin:{name}"))
                .read(),
            ProfileSource::File(path) => Origin::File(path.clone()).read(),
            ProfileSource::ConfigMap { key, .. } => {
                let (namespace, name) = self.config_map().unwrap_or_default();
                let client = self
                    .client
                    .clone()
                    .ok_or_else(|| Error::Internal("no client for the profile ConfigMap".into()))?;
                let map = Api::<ConfigMap>::namespaced(client, &namespace)
                    .get(&name)
                    .await
                    .map_err(|e| match e {
                        ::kube::Error::Api(s) if s.code == 404 => {
                            Error::Usage(format!("profile: ConfigMap {namespace}/{name} not found"))
                        }
                        e => Error::Cluster(format!(
                            "profile: reading ConfigMap {namespace}/{name}: {e}"
                        )),
                    })?;
                map.data.and_then(|mut d| d.remove(key)).ok_or_else(|| {
                    Error::Usage(format!(
                        "profile: ConfigMap {namespace}/{name} has no key `{key}`"
                    ))
                })
            }
        }
    }

    /// Validates a text.
    pub fn validate(&self, text: &str) -> Result<Loaded> {
        Ok(Loaded {
            profile: fixture::profile_from_text(&self.file(), text)?,
            digest: digest(text),
        })
    }

    /// Reads and validates the current text (the profile at start-up).
    pub async fn load(&self) -> Result<Loaded> {
        let text = self.text().await?;
        self.validate(&text)
    }

    /// Whether the source can change at all.
    pub fn changes(&self) -> bool {
        !matches!(self.source, ProfileSource::Builtin(_))
    }

    /// Checks the source every `interval` and sends each change of its
    /// text (from `digest`) until the receiver goes.
    pub async fn watch(self, mut digest_now: String, interval: Duration, tx: mpsc::Sender<Change>) {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await;
        let mut failing: Option<String> = None;
        loop {
            ticker.tick().await;
            let text = match self.text().await {
                Ok(t) => {
                    failing = None;
                    t
                }
                Err(e) => {
                    // Said once per distinct failure; the profile stays.
                    let message = e.to_string();
                    if failing.as_ref() != Some(&message) {
                        tracing::warn!("{message} (keeping profile {digest_now})");
                        failing = Some(message);
                    }
                    continue;
                }
            };
            let new = digest(&text);
            if new == digest_now {
                continue;
            }
            digest_now = new;
            let change = match self.validate(&text) {
                Ok(loaded) => Change::Valid(Box::new(loaded)),
                Err(e) => Change::Invalid(e.to_string()),
            };
            if tx.send(change).await.is_err() {
                return;
            }
        }
    }
}
