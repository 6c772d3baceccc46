//! The manifests in `deploy/` parse as the Kubernetes objects they claim to
//! be, and the profile ConfigMap is the shipped profile (regenerate with
//! `scripts/gen-deploy-profile.sh`).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::api::rbac::v1::ClusterRole;
use std::path::PathBuf;

fn read(name: &str) -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("deploy")
            .join(name),
    )
    .unwrap()
}

#[test]
fn profile_configmap_is_the_shipped_profile() {
    let cm: ConfigMap = serde_saphyr::from_str(&read("profile-configmap.yaml")).unwrap();
    let embedded = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/profiles/edge-cloud.yaml"),
    )
    .unwrap();
    let data = cm.data.unwrap();
    assert_eq!(
        data["profile.yaml"].trim_end(),
        embedded.trim_end(),
        "deploy/profile-configmap.yaml is stale: run scripts/gen-deploy-profile.sh"
    );
    // And the scheduler can load it.
    let dir = std::env::temp_dir().join(format!("synergai-deploy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("profile.yaml");
    std::fs::write(&path, &data["profile.yaml"]).unwrap();
    synergai::fixture::load_profile(&synergai::fixture::Origin::File(path)).unwrap();
}

/// (group, resource[/subresource], verb, name) of every permission.
type Grant = (String, String, String, Option<String>);

#[test]
fn the_cluster_role_grants_exactly_what_the_scheduler_checks_for() {
    let role: ClusterRole =
        serde_saphyr::from_str(read("rbac.yaml").split("\n---\n").next().unwrap()).unwrap();
    let mut granted: Vec<Grant> = Vec::new();
    for rule in role.rules.unwrap() {
        for group in rule.api_groups.unwrap_or_default() {
            for resource in rule.resources.clone().unwrap_or_default() {
                for verb in &rule.verbs {
                    let names = rule.resource_names.clone().unwrap_or_default();
                    if names.is_empty() {
                        granted.push((group.clone(), resource.clone(), verb.clone(), None));
                    }
                    for name in names {
                        granted.push((group.clone(), resource.clone(), verb.clone(), Some(name)));
                    }
                }
            }
        }
    }
    let mut needed: Vec<Grant> = synergai::k8s::scheduler::access::scheduler_needs(
        None,
        "synergai-system",
        true,
        Some(("synergai-system", "synergai-scheduler")),
    )
    .into_iter()
    .map(|n| {
        let resource = match n.subresource {
            Some(s) => format!("{}/{s}", n.resource),
            None => n.resource.to_string(),
        };
        (n.group.to_string(), resource, n.verb.to_string(), n.name)
    })
    .collect();
    granted.sort();
    needed.sort();
    assert_eq!(granted, needed);
}

#[test]
fn manifests_parse() {
    let role: ClusterRole =
        serde_saphyr::from_str(read("rbac.yaml").split("\n---\n").next().unwrap()).unwrap();
    assert!(!role.rules.unwrap().is_empty());
    let deployment: Deployment = serde_saphyr::from_str(&read("scheduler.yaml")).unwrap();
    let args = deployment.spec.unwrap().template.spec.unwrap().containers[0]
        .args
        .clone()
        .unwrap();
    assert!(args.contains(&"--profile".to_string()));
    let job: Job = serde_saphyr::from_str(&read("example-job.yaml")).unwrap();
    let annotations = job
        .spec
        .unwrap()
        .template
        .metadata
        .unwrap()
        .annotations
        .unwrap();
    for key in [
        "synergai.io/model",
        "synergai.io/queries",
        "synergai.io/qos-ms",
    ] {
        assert!(annotations.contains_key(key), "{key}");
    }
}
