//! The manifests in `deploy/` parse as the Kubernetes objects they claim to
//! be and make a working install (tests/common/deploy.rs), the
//! kustomization lists all of them but the example job, the ClusterRole
//! grants what the scheduler checks for, and the profile ConfigMap is the
//! shipped profile (regenerate with `scripts/gen-deploy-profile.sh`).
//! tests/deploy_kube.rs applies the kustomization to a real API server.

mod common;

use common::deploy;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{ConfigMap, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::ClusterRole;
use std::collections::BTreeSet;
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
    let loaded = synergai::fixture::load_profile(&synergai::fixture::Origin::File(path));
    let _ = std::fs::remove_dir_all(&dir);
    loaded.unwrap();
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
        Some(("synergai-system", "synergai-profile")),
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
    let budget: PodDisruptionBudget =
        serde_saphyr::from_str(&read("disruption-budget.yaml")).unwrap();
    assert!(budget.spec.unwrap().min_available.is_some());
    let service: Service = serde_saphyr::from_str(&read("metrics-service.yaml")).unwrap();
    assert!(!service.spec.unwrap().ports.unwrap().is_empty());
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

/// The manifests an operator applies are complete and consistent: the
/// Deployment's invariants (replicas, probes, security context, leader
/// election, image), and the names each object uses for the others.
#[test]
fn the_manifests_are_a_working_install() {
    deploy::check_install(&deploy::sources());
}

#[test]
fn the_kustomization_lists_every_manifest_but_the_example_job() {
    let listed = deploy::resources();
    let unique: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        listed.len(),
        "a file listed twice: {listed:?}"
    );
    let on_disk: BTreeSet<String> = std::fs::read_dir(deploy::dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f.ends_with(".yaml") || f.ends_with(".yml"))
        .filter(|f| f != "kustomization.yaml" && f != "example-job.yaml")
        .collect();
    assert_eq!(
        unique, on_disk,
        "deploy/kustomization.yaml's resources: must list every manifest in deploy/ but example-job.yaml"
    );

    // Only fields that kustomize v2.0.3 (kubectl 1.20) and v5 both accept;
    // no `namespace:` (see the comment in the file).
    let k = deploy::kustomization();
    let fields: BTreeSet<&str> = k.as_object().unwrap().keys().map(String::as_str).collect();
    let allowed = BTreeSet::from(["apiVersion", "kind", "resources", "images"]);
    assert!(
        fields.is_subset(&allowed),
        "fields {fields:?}: only {allowed:?}"
    );
    assert_eq!(k["kind"], "Kustomization");
    // The image an operator retargets with `kustomize edit set image`.
    let images = k["images"].as_array().expect("images:");
    assert_eq!(images.len(), 1);
    assert_eq!(images[0]["name"], "synergai");
    let image = format!(
        "{}:{}",
        images[0]["newName"].as_str().unwrap(),
        images[0]["newTag"].as_str().unwrap()
    );
    assert_eq!(image, deploy::IMAGE);
}
