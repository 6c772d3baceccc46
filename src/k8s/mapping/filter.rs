//! The filters of kube-scheduler's default plugins, which a custom
//! scheduler must apply itself: cordon, node name, taints and tolerations,
//! node selector and required node affinity.

use super::TAINT_UNSCHEDULABLE;
use k8s_openapi::api::core::v1::{
    Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, Toleration,
};
use std::collections::BTreeMap;

fn tolerations(pod: &Pod) -> &[Toleration] {
    pod.spec
        .as_ref()
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or(&[])
}

/// Whether a toleration tolerates a taint (kube's `ToleratesTaint`): the
/// effect matches or is empty; the key matches or is empty (an empty key
/// with `Exists` tolerates everything); `Exists` ignores the value, `Equal`
/// (the default) compares it.
fn tolerates(t: &Toleration, key: &str, value: &str, effect: &str) -> bool {
    if let Some(e) = t.effect.as_deref().filter(|e| !e.is_empty())
        && e != effect
    {
        return false;
    }
    if let Some(k) = t.key.as_deref().filter(|k| !k.is_empty())
        && k != key
    {
        return false;
    }
    match t.operator.as_deref().unwrap_or("Equal") {
        "Exists" => true,
        "Equal" | "" => t.value.as_deref().unwrap_or("") == value,
        _ => false,
    }
}

/// The first `NoSchedule`/`NoExecute` taint of the node the pod does not
/// tolerate, as `(key, value)`.
fn untolerated_taint<'n>(pod: &Pod, node: &'n Node) -> Option<(&'n str, &'n str)> {
    let tolerations = tolerations(pod);
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .filter(|t| matches!(t.effect.as_str(), "NoSchedule" | "NoExecute"))
        .find(|t| {
            let value = t.value.as_deref().unwrap_or("");
            !tolerations
                .iter()
                .any(|tol| tolerates(tol, &t.key, value, &t.effect))
        })
        .map(|t| (t.key.as_str(), t.value.as_deref().unwrap_or("")))
}

/// Whether the pod tolerates every `NoSchedule` and `NoExecute` taint of
/// the node (`PreferNoSchedule` only lowers a score).
pub fn tolerates_taints(pod: &Pod, node: &Node) -> bool {
    untolerated_taint(pod, node).is_none()
}

fn node_labels(node: &Node) -> &BTreeMap<String, String> {
    static EMPTY: BTreeMap<String, String> = BTreeMap::new();
    node.metadata.labels.as_ref().unwrap_or(&EMPTY)
}

/// Whether every `spec.nodeSelector` entry equals the node's label.
pub fn matches_node_selector(pod: &Pod, node: &Node) -> bool {
    let labels = node_labels(node);
    pod.spec
        .as_ref()
        .and_then(|s| s.node_selector.as_ref())
        .is_none_or(|sel| sel.iter().all(|(k, v)| labels.get(k) == Some(v)))
}

fn requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = r.values.as_deref().unwrap_or(&[]);
    let integer = |v: &str| v.trim().parse::<i64>().ok();
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => !value.is_some_and(|v| values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(have), [bound]) = (value.and_then(integer), values) else {
                return false;
            };
            let Some(bound) = integer(bound) else {
                return false;
            };
            if r.operator == "Gt" {
                have > bound
            } else {
                have < bound
            }
        }
        _ => false,
    }
}

/// A term matches when all its expressions (on labels) and fields (only
/// `metadata.name`, with `In`/`NotIn`) match; an empty term matches nothing.
fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    let expressions = term.match_expressions.as_deref().unwrap_or(&[]);
    let fields = term.match_fields.as_deref().unwrap_or(&[]);
    if expressions.is_empty() && fields.is_empty() {
        return false;
    }
    let labels = node_labels(node);
    let name = node.metadata.name.as_deref();
    expressions
        .iter()
        .all(|r| requirement_matches(r, labels.get(&r.key).map(String::as_str)))
        && fields.iter().all(|r| {
            r.key == "metadata.name"
                && matches!(r.operator.as_str(), "In" | "NotIn")
                && requirement_matches(r, name)
        })
}

/// Whether the node satisfies the pod's
/// `requiredDuringSchedulingIgnoredDuringExecution` node affinity (any
/// term); true when there is none.
pub fn matches_required_affinity(pod: &Pod, node: &Node) -> bool {
    let required = pod
        .spec
        .as_ref()
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        });
    match required {
        None => true,
        Some(sel) => sel
            .node_selector_terms
            .iter()
            .any(|t| term_matches(t, node)),
    }
}

/// Why the pod cannot go to this node, in kube-scheduler's words, checking
/// what its default filter plugins check before resources:
/// `NodeUnschedulable` (a cordoned node, unless the pod tolerates
/// `node.kubernetes.io/unschedulable:NoSchedule`), `NodeName`,
/// `TaintToleration` and `NodeAffinity` (node selector and required
/// affinity). Resources: [`insufficient_resources`](super::insufficient_resources).
pub fn filter_reason(pod: &Pod, node: &Node) -> Option<String> {
    let cordoned = node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false);
    if cordoned
        && !tolerations(pod)
            .iter()
            .any(|t| tolerates(t, TAINT_UNSCHEDULABLE, "", "NoSchedule"))
    {
        return Some("node(s) were unschedulable".into());
    }
    if let Some(wanted) = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .filter(|n| !n.is_empty())
        && Some(wanted) != node.metadata.name.as_deref()
    {
        return Some("node(s) didn't match the requested node name".into());
    }
    if let Some((key, value)) = untolerated_taint(pod, node) {
        return Some(format!("node(s) had untolerated taint {{{key}: {value}}}"));
    }
    if !matches_node_selector(pod, node) || !matches_required_affinity(pod, node) {
        return Some("node(s) didn't match Pod's node affinity/selector".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::mapping::is_synergai_pod;
    use crate::k8s::mapping::tests::{agx, pod};
    use serde_json::{Value, json};

    fn tolerating(tolerations: Value) -> Pod {
        pod(
            json!({"metadata": {"name": "p"}, "spec": {"containers": [], "tolerations": tolerations}}),
        )
    }

    #[test]
    fn taints_and_tolerations() {
        let n = agx(
            json!({}),
            json!([
                {"key": "gpu", "value": "true", "effect": "NoSchedule"},
                {"key": "dedicated", "value": "x", "effect": "PreferNoSchedule"},
                {"key": "maintenance", "effect": "NoExecute"}
            ]),
        );
        let none = tolerating(json!([]));
        assert!(!tolerates_taints(&none, &n));
        assert_eq!(
            filter_reason(&none, &n).as_deref(),
            Some("node(s) had untolerated taint {gpu: true}")
        );
        let both = tolerating(json!([
            {"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"},
            {"key": "maintenance", "operator": "Exists"}
        ]));
        assert!(tolerates_taints(&both, &n));
        assert_eq!(filter_reason(&both, &n), None);
        // Default operator is Equal; an empty effect matches any.
        assert!(tolerates_taints(
            &tolerating(
                json!([{"key": "gpu", "value": "true"}, {"key": "maintenance", "operator": "Exists", "effect": "NoExecute"}])
            ),
            &n
        ));
        // Wrong value, wrong effect.
        let wrong_value = tolerating(
            json!([{"key": "gpu", "value": "false"}, {"key": "maintenance", "operator": "Exists"}]),
        );
        assert!(!tolerates_taints(&wrong_value, &n));
        let wrong_effect = tolerating(
            json!([{"key": "gpu", "operator": "Exists", "effect": "NoExecute"}, {"key": "maintenance", "operator": "Exists"}]),
        );
        assert!(!tolerates_taints(&wrong_effect, &n));
        let e = filter_reason(
            &tolerating(json!([{"key": "gpu", "operator": "Exists"}])),
            &n,
        );
        assert_eq!(
            e.as_deref(),
            Some("node(s) had untolerated taint {maintenance: }")
        );
        // Empty key with Exists tolerates everything; an unknown operator nothing.
        assert!(tolerates_taints(
            &tolerating(json!([{"operator": "Exists"}])),
            &n
        ));
        assert!(!tolerates_taints(
            &tolerating(json!([{"operator": "Sometimes"}])),
            &n
        ));
        // PreferNoSchedule alone never blocks.
        let soft = agx(
            json!({}),
            json!([{"key": "dedicated", "effect": "PreferNoSchedule"}]),
        );
        assert!(tolerates_taints(&none, &soft));
    }

    fn selecting(spec: Value) -> Pod {
        let mut s = json!({"containers": []});
        s.as_object_mut()
            .unwrap()
            .extend(spec.as_object().unwrap().clone());
        pod(json!({"metadata": {"name": "p"}, "spec": s}))
    }

    #[test]
    fn node_selector() {
        let n = agx(json!({"disk": "ssd"}), json!([]));
        assert!(matches_node_selector(&selecting(json!({})), &n));
        assert!(matches_node_selector(
            &selecting(json!({"nodeSelector": {"disk": "ssd", "zone": "lab"}})),
            &n
        ));
        assert!(!matches_node_selector(
            &selecting(json!({"nodeSelector": {"disk": "hdd"}})),
            &n
        ));
        let missing = selecting(json!({"nodeSelector": {"rack": "1"}}));
        assert!(!matches_node_selector(&missing, &n));
        assert_eq!(
            filter_reason(&missing, &n).as_deref(),
            Some("node(s) didn't match Pod's node affinity/selector")
        );
    }

    fn affinity(terms: Value) -> Pod {
        selecting(json!({"affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}}))
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> Value {
        json!({"matchExpressions": [{"key": key, "operator": op, "values": values}]})
    }

    #[test]
    fn required_node_affinity() {
        let n = agx(json!({"cores": "8", "disk": "ssd"}), json!([]));
        let ok = |terms: Value| matches_required_affinity(&affinity(terms), &n);
        assert!(matches_required_affinity(&selecting(json!({})), &n));
        assert!(ok(json!([expr("disk", "In", &["hdd", "ssd"])])));
        assert!(!ok(json!([expr("disk", "In", &["hdd"])])));
        assert!(!ok(json!([expr("rack", "In", &["1"])])));
        assert!(ok(json!([expr("disk", "NotIn", &["hdd"])])));
        assert!(
            ok(json!([expr("rack", "NotIn", &["1"])])),
            "NotIn holds for an absent label"
        );
        assert!(!ok(json!([expr("disk", "NotIn", &["ssd"])])));
        assert!(ok(json!([expr("disk", "Exists", &[])])));
        assert!(!ok(json!([expr("rack", "Exists", &[])])));
        assert!(ok(json!([expr("rack", "DoesNotExist", &[])])));
        assert!(!ok(json!([expr("disk", "DoesNotExist", &[])])));
        assert!(ok(json!([expr("cores", "Gt", &["4"])])));
        assert!(!ok(json!([expr("cores", "Gt", &["8"])])));
        assert!(ok(json!([expr("cores", "Lt", &["16"])])));
        assert!(!ok(json!([expr("cores", "Lt", &["2"])])));
        assert!(
            !ok(json!([expr("disk", "Gt", &["1"])])),
            "non-integer label"
        );
        assert!(
            !ok(json!([expr("cores", "Gt", &["x"])])),
            "non-integer bound"
        );
        assert!(
            !ok(json!([expr("cores", "Gt", &["1", "2"])])),
            "Gt takes one value"
        );
        assert!(
            !ok(json!([expr("disk", "Like", &["ssd"])])),
            "unknown operator"
        );
        // Expressions of a term are ANDed, terms are ORed.
        let and = json!([{"matchExpressions": [
            {"key": "disk", "operator": "In", "values": ["ssd"]},
            {"key": "rack", "operator": "Exists"}]}]);
        assert!(!ok(and));
        assert!(ok(json!([
            expr("rack", "Exists", &[]),
            expr("disk", "In", &["ssd"])
        ])));
        // matchFields on the node name.
        let field = |op: &str, name: &str| json!([{"matchFields": [{"key": "metadata.name", "operator": op, "values": [name]}]}]);
        assert!(ok(field("In", "agx-1")));
        assert!(!ok(field("In", "agx-2")));
        assert!(ok(field("NotIn", "agx-2")));
        assert!(
            !ok(field("Exists", "agx-1")),
            "matchFields allows only In/NotIn"
        );
        assert!(!ok(
            json!([{"matchFields": [{"key": "metadata.uid", "operator": "In", "values": ["agx-1"]}]}])
        ));
        // Empty terms match nothing.
        assert!(!ok(json!([{}])));
        assert!(!ok(json!([])));
        assert_eq!(
            filter_reason(&affinity(json!([expr("disk", "In", &["hdd"])])), &n).as_deref(),
            Some("node(s) didn't match Pod's node affinity/selector")
        );
    }

    #[test]
    fn cordon_and_node_name() {
        let mut n = agx(json!({}), json!([]));
        n.spec.as_mut().unwrap().unschedulable = Some(true);
        let p = selecting(json!({}));
        assert_eq!(
            filter_reason(&p, &n).as_deref(),
            Some("node(s) were unschedulable")
        );
        let tolerant = tolerating(
            json!([{"key": TAINT_UNSCHEDULABLE, "operator": "Exists", "effect": "NoSchedule"}]),
        );
        assert_eq!(filter_reason(&tolerant, &n), None);
        let n = agx(json!({}), json!([]));
        let elsewhere = selecting(json!({"nodeName": "other"}));
        assert_eq!(
            filter_reason(&elsewhere, &n).as_deref(),
            Some("node(s) didn't match the requested node name")
        );
        assert!(!is_synergai_pod(&p));
    }
}
