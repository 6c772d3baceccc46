//! Resource accounting: what a pod asks of its node, as kube-scheduler
//! computes it, and what a node lacks for it.

use super::quantity::MIB;
use super::{
    MappingError, NodeResources, RESOURCE_GPU, parse_count, parse_cpu_millis, parse_memory_bytes,
    pod_object,
};
use k8s_openapi::api::core::v1::{Container, Pod, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::mapping::tests::pod;
    use serde_json::{Value, json};

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
}
