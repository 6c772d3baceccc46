//! Pods: synergai's job annotations and operator pins, the pod → [`PodJob`]
//! mapping, and the decision and pin annotations synergai writes.

use super::quantity::milliseconds;
use super::{
    ANN_ENGINE, ANN_MODEL, ANN_PIN_ARCH, ANN_PIN_NODE, ANN_PIN_REASON, ANN_PLACED_BY,
    ANN_PREDICTED_MS, ANN_QOS_MS, ANN_QUERIES, ANN_THREADS, MAX_QUERIES, Mapped, MappingError,
    SCHEDULER_NAME, annotation_field, parse_count, quote,
};
use crate::model::{Engine, ModelId, NodeId, Pin, PinRef, Profile};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use std::collections::BTreeMap;

// The pin type is the model's; resolving one written on a pod quotes its
// (possibly hostile) names as every mapping error does.
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
    /// When it was bound: `PodScheduled=True`'s `lastTransitionTime`.
    pub scheduled: Option<Timestamp>,
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

    /// Measured run time (bound to finished) over the predicted one
    /// (`synergai.io/predicted-ms`, from the bind): how far the profile is
    /// from what ran; `None` until finished, without a prediction, or when
    /// the prediction is shorter than [`RATIO_MIN_PREDICTED_MS`] (the two
    /// timestamps are whole seconds, so a shorter run's ratio would be
    /// mostly rounding: a 0.4 s job reads as 0× or 2.5×).
    pub fn run_time_ratio(&self) -> Option<f64> {
        let measured = timestamp_ms(self.finished?) - timestamp_ms(self.scheduled?);
        let predicted = self.predicted_ms.filter(|p| *p >= RATIO_MIN_PREDICTED_MS)?;
        Some(measured / predicted)
    }

    /// Whether the measured latency exceeded the QoS target (once finished).
    pub fn qos_violated(&self) -> Option<bool> {
        self.latency_ms().map(|l| l > self.qos_ms)
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self.phase.as_str(), "Succeeded" | "Failed")
    }
}

/// The shortest predicted run whose measured-over-predicted ratio is
/// reported: the API server keeps `finishedAt` and the `PodScheduled`
/// transition in whole seconds, so the measured run is known to ±1 s, and
/// at 5 s that is ±20%.
pub const RATIO_MIN_PREDICTED_MS: f64 = 5_000.0;

/// Milliseconds since the Unix epoch.
pub fn time_ms(t: &Time) -> f64 {
    timestamp_ms(t.0)
}

/// Milliseconds since the Unix epoch.
pub fn timestamp_ms(t: Timestamp) -> f64 {
    t.as_nanosecond() as f64 / 1e6
}

/// When the pod was bound: the `PodScheduled=True` condition's
/// `lastTransitionTime` (the API server sets it on the binding; whole
/// seconds).
pub fn scheduled_at(pod: &Pod) -> Option<Timestamp> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "PodScheduled" && c.status == "True")?
        .last_transition_time
        .as_ref()
        .map(|t| t.0)
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
        // An engine the profile does not know is as malformed as a bad name.
        let e = Engine::parse(v.trim()).filter(|&e| profile.device(e).is_some());
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
            scheduled: scheduled_at(pod),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::mapping::tests::{pod, profile};
    use serde_json::{Value, json};

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
            (Some(Engine::TENSORRT), Some(2), Some(812.5))
        );
        assert_eq!(j.placed_by.as_deref(), Some("policy"));
        let created = timestamp_ms(j.created.unwrap());
        assert_eq!(created, 1_714_557_600_000.0);
        assert_eq!(timestamp_ms(j.started.unwrap()) - created, 2000.0);
        assert_eq!(j.latency_ms(), Some(4000.0));
        assert_eq!(j.qos_violated(), Some(true));
        // No PodScheduled condition: no run to measure.
        assert_eq!(j.run_time_ratio(), None);
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
        let a = decision_annotations(Engine::ONNXRUNTIME, 4, 123.45678, "policy");
        assert_eq!(a[ANN_ENGINE], "onnxruntime");
        assert_eq!(a[ANN_THREADS], "4");
        assert_eq!(a[ANN_PREDICTED_MS], "123.457");
        assert_eq!(a[ANN_PLACED_BY], "policy");
        assert_eq!(
            decision_annotations(Engine::TFLITE, 1, 800.0, "operator")[ANN_PREDICTED_MS],
            "800"
        );
        // Round trip through a pod.
        let mut pd = job(json!({}));
        pd.metadata.annotations.as_mut().unwrap().extend(a);
        let j = pod_job(&pd, &profile()).unwrap();
        assert_eq!(
            (j.engine, j.threads, j.predicted_ms),
            (Some(Engine::ONNXRUNTIME), Some(4), Some(123.457))
        );

        let set = pin_annotations(Some(&PinRef::Node("agx-1".into())), Some("hot spare"));
        assert_eq!(set[ANN_PIN_NODE].as_deref(), Some("agx-1"));
        assert_eq!(set[ANN_PIN_ARCH], None);
        assert_eq!(set[ANN_PIN_REASON].as_deref(), Some("hot spare"));
        let clear = pin_annotations(None, Some("ignored"));
        assert!(clear.values().all(Option::is_none));
    }

    #[test]
    fn the_run_time_ratio_needs_a_run_long_enough_for_whole_second_timestamps() {
        let p = profile();
        let ran = |predicted: &str, finished: &str| {
            let mut pd = job(json!({
                "synergai.io/engine": "tensorrt", "synergai.io/threads": "2",
                "synergai.io/predicted-ms": predicted, "synergai.io/placed-by": "policy"
            }));
            pd.spec.as_mut().unwrap().node_name = Some("agx-1".into());
            pd.status = Some(serde_json::from_value(json!({
                "phase": "Succeeded",
                "conditions": [{"type": "PodScheduled", "status": "True",
                    "lastTransitionTime": "2024-05-01T10:00:01Z"}],
                "containerStatuses": [
                    {"name": "main", "image": "", "imageID": "", "ready": false, "restartCount": 0,
                     "state": {"terminated": {"exitCode": 0, "startedAt": "2024-05-01T10:00:01Z",
                        "finishedAt": finished}}}
                ]
            })).unwrap());
            pod_job(&pd, &p).unwrap().run_time_ratio()
        };
        // 12 s measured over 10 s predicted.
        assert_eq!(ran("10000", "2024-05-01T10:00:13Z"), Some(1.2));
        assert_eq!(ran("5000", "2024-05-01T10:00:06Z"), Some(1.0));
        // A 0.4 s prediction bound and finished within one second would
        // read 0×: not reported.
        assert_eq!(ran("400", "2024-05-01T10:00:01Z"), None);
        assert_eq!(ran("4999", "2024-05-01T10:00:06Z"), None);
        // Still running: nothing yet.
        let mut running = job(json!({"synergai.io/predicted-ms": "10000"}));
        running.spec.as_mut().unwrap().node_name = Some("agx-1".into());
        assert_eq!(pod_job(&running, &p).unwrap().run_time_ratio(), None);
    }
}
