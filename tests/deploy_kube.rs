//! `kubectl apply -k deploy/`, as an operator runs it, against the real
//! test API server: kubectl v1.20.2 (the server's version, built by
//! `scripts/kubectl.sh`, never one on PATH) renders the kustomization with
//! its built-in kustomize v2.0.3, and server-side apply — which refuses any
//! field the server's schema lacks — accepts every object. Then every
//! object is read back through the API: it exists with its kind, name and
//! namespace, and the server kept every field we sent (the Deployment's
//! invariants hold on the stored object too).
//!
//! kubectl runs only with the test server's kubeconfig and a HOME of its
//! own, so the machine's ~/.kube is neither read nor written.

mod common;

use common::deploy::{self, Key};
use common::{Kube, client};
use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Api, DynamicObject, GroupVersionKind};
use kube::discovery::{self, Scope};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

struct Kubectl {
    bin: PathBuf,
    kubeconfig: PathBuf,
    home: PathBuf,
}

impl Kubectl {
    /// `kubectl ARGS` with `stdin`, against the test server only.
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(&self.bin)
            .args(args)
            .arg(format!("--kubeconfig={}", self.kubeconfig.display()))
            .arg(format!("--cache-dir={}", self.home.join("cache").display()))
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", &self.home)
            .env_remove("KUBERNETES_SERVICE_HOST")
            .env_remove("KUBERNETES_SERVICE_PORT")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kubectl");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// As `run`, and it must succeed; its stdout.
    fn ok(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "kubectl {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// Whether the server serves `kind` in `group`/`version` (discovery).
async fn serves(client: &kube::Client, group: &str, version: &str, kind: &str) -> bool {
    let Ok(apigroup) = discovery::group(client, group).await else {
        return false;
    };
    apigroup
        .versioned_resources(version)
        .iter()
        .any(|(r, _)| r.kind == kind)
}

/// The rendering with the PodDisruptionBudget's `apiVersion: policy/v1`
/// line changed to `policy/v1beta1`, and nothing else.
fn pdb_as_v1beta1(rendered: &str) -> String {
    let docs: Vec<String> = rendered
        .split("\n---\n")
        .map(|doc| {
            let value: Value = serde_saphyr::from_str(doc).unwrap();
            if value["kind"] != "PodDisruptionBudget" {
                return doc.to_string();
            }
            let lines: Vec<&str> = doc.lines().collect();
            assert_eq!(
                lines
                    .iter()
                    .filter(|l| **l == "apiVersion: policy/v1")
                    .count(),
                1,
                "one apiVersion line in the rendered PodDisruptionBudget:\n{doc}"
            );
            doc.replacen("apiVersion: policy/v1\n", "apiVersion: policy/v1beta1\n", 1)
        })
        .collect();
    docs.join("\n---\n")
}

/// `live` holds everything in `sent` (the server may add defaults, but
/// drops and changes nothing); the first difference, by path.
fn kept(sent: &Value, live: &Value, path: &str) -> Result<(), String> {
    match (sent, live) {
        (Value::Object(s), Value::Object(l)) => s.iter().try_for_each(|(k, v)| {
            let p = format!("{path}.{k}");
            l.get(k)
                .ok_or_else(|| format!("{p} missing"))
                .and_then(|lv| kept(v, lv, &p))
        }),
        (Value::Array(s), Value::Array(l)) if s.len() == l.len() => s
            .iter()
            .zip(l)
            .enumerate()
            .try_for_each(|(i, (sv, lv))| kept(sv, lv, &format!("{path}[{i}]"))),
        _ if sent == live => Ok(()),
        _ => Err(format!("{path}: sent {sent}, stored {live}")),
    }
}

/// Every rendered object, read back through the API.
async fn read_back(client: &kube::Client, objects: &[Value]) {
    for sent in objects {
        let (api_version, kind, namespace, name) = deploy::key(sent);
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", &api_version));
        let gvk = GroupVersionKind::gvk(group, version, &kind);
        let (resource, caps) = discovery::pinned_kind(client, &gvk)
            .await
            .unwrap_or_else(|e| panic!("{api_version} {kind} is not served: {e}"));
        let api: Api<DynamicObject> = match caps.scope {
            Scope::Namespaced => Api::namespaced_with(client.clone(), &namespace, &resource),
            Scope::Cluster => {
                assert_eq!(namespace, "", "{kind} {name} is cluster-scoped");
                Api::all_with(client.clone(), &resource)
            }
        };
        let live = api
            .get(&name)
            .await
            .unwrap_or_else(|e| panic!("{kind} {namespace}/{name} was not created: {e}"));
        assert_eq!(live.metadata.name.as_deref(), Some(name.as_str()));
        assert_eq!(
            live.metadata.namespace.clone().unwrap_or_default(),
            namespace,
            "{kind} {name}"
        );
        let mut live = serde_json::to_value(&live).unwrap();
        // DynamicObject leaves apiVersion and kind out when the server
        // sends them; they are what was asked for.
        live["apiVersion"] = Value::String(api_version.clone());
        live["kind"] = Value::String(kind.clone());
        if let Err(e) = kept(sent, &live, "") {
            panic!("{kind} {namespace}/{name} was not stored as sent: {e}");
        }
    }
}

#[test]
fn the_kustomization_applies_to_a_real_api_server() {
    let started = Instant::now();
    let kube = Kube::up("kustomize");
    let t = Instant::now();
    let bin = common::kubectl();
    println!(
        "kubectl: {} ({:.1} s to find or build)",
        bin.display(),
        t.elapsed().as_secs_f64()
    );
    let home = kube.dir.join("kubectl-home");
    std::fs::create_dir_all(&home).unwrap();
    let kubectl = Kubectl {
        bin,
        kubeconfig: kube.kubeconfig.clone(),
        home,
    };
    let version = kubectl.ok(&["version", "--client", "--short"], "");
    assert!(version.contains("v1.20.2"), "{version}");

    // What `kubectl apply -k deploy/` sends: the rendering.
    let dir = deploy::dir();
    let rendered = kubectl.ok(&["kustomize", &dir.display().to_string()], "");
    let objects = deploy::documents(&rendered);

    // kustomize changes nothing but what the kustomization asks (its
    // image is the one the manifest names), so the RBAC objects the other
    // tests read from deploy/rbac.yaml are what gets applied.
    let mut keys: Vec<Key> = objects.iter().map(deploy::key).collect();
    let mut sources: Vec<Key> = deploy::sources().iter().map(deploy::key).collect();
    keys.sort();
    sources.sort();
    assert_eq!(
        keys, sources,
        "the rendering holds the listed manifests' objects"
    );
    for source in deploy::sources() {
        let key = deploy::key(&source);
        let out = objects.iter().find(|o| deploy::key(o) == key).unwrap();
        assert_eq!(*out, source, "kustomize changed {key:?}");
    }
    deploy::check_install(&objects);

    // A 1.20 server serves PodDisruptionBudget only as policy/v1beta1
    // (policy/v1 came in 1.21, and every supported Kubernetes serves it;
    // deploy/ ships policy/v1). Its spec fields (minAvailable, selector)
    // are the same in both, so only that object's apiVersion is changed,
    // and only when discovery says the server lacks policy/v1.
    let runtime = common::runtime();
    let admin = runtime.block_on(client(&kube.kubeconfig));
    let stream = if runtime.block_on(serves(&admin, "policy", "v1", "PodDisruptionBudget")) {
        rendered.clone()
    } else {
        assert!(runtime.block_on(serves(&admin, "policy", "v1beta1", "PodDisruptionBudget")));
        println!(
            "the test API server serves no policy/v1 PodDisruptionBudget: \
             applying deploy/disruption-budget.yaml as policy/v1beta1 (same spec); \
             everything else as rendered"
        );
        pdb_as_v1beta1(&rendered)
    };
    let applied = deploy::documents(&stream);
    assert_eq!(applied.len(), objects.len());
    for (a, o) in applied.iter().zip(&objects) {
        if o["kind"] != "PodDisruptionBudget" {
            assert_eq!(a, o);
        }
    }

    // The non-vacuity of "accepted": this server and kubectl refuse a
    // field the schema lacks (a typo in a security setting).
    assert!(stream.contains("readOnlyRootFilesystem: true"));
    let typo = stream.replace(
        "readOnlyRootFilesystem: true",
        "readOnlyRootFileSystem: true",
    );
    let refused = kubectl.run(
        &[
            "apply",
            "--server-side",
            "--dry-run=server",
            "--field-manager=synergai-deploy-test",
            "-f",
            "-",
        ],
        &typo,
    );
    assert!(!refused.status.success(), "a misspelt field was accepted");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("readOnlyRootFileSystem"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    // Apply: every object accepted.
    let out = kubectl.ok(
        &[
            "apply",
            "--server-side",
            "--field-manager=synergai-deploy-test",
            "-f",
            "-",
        ],
        &stream,
    );
    print!("{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), applied.len(), "one line per object:\n{out}");
    assert!(
        lines.iter().all(|l| l.ends_with(" serverside-applied")),
        "{out}"
    );

    // Through the API: every object there, as sent.
    runtime.block_on(read_back(&admin, &applied));
    let stored = runtime
        .block_on(Api::<Deployment>::namespaced(admin.clone(), deploy::NAMESPACE).get(deploy::NAME))
        .unwrap();
    deploy::check_scheduler(&stored);

    // Applying again (an upgrade with nothing changed) is accepted too.
    kubectl.ok(
        &[
            "apply",
            "--server-side",
            "--dry-run=server",
            "--field-manager=synergai-deploy-test",
            "-f",
            "-",
        ],
        &stream,
    );
    println!(
        "{} objects applied and read back in {:.1} s",
        applied.len(),
        started.elapsed().as_secs_f64()
    );

    // The README's next step: label the nodes with their architecture and
    // tier (`kubectl label node`), and the scheduler's mapping reads them.
    let node: k8s_openapi::api::core::v1::Node = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "jetson-nx-1"},
        "status": {"allocatable": {"cpu": "8", "memory": "16Gi", "nvidia.com/gpu": "1"}}
    }))
    .unwrap();
    let nodes = Api::<k8s_openapi::api::core::v1::Node>::all(admin.clone());
    runtime
        .block_on(nodes.create(&Default::default(), &node))
        .unwrap();
    let out = kubectl.ok(
        &[
            "label",
            "node",
            "jetson-nx-1",
            "synergai.io/arch=orin-nx",
            "synergai.io/tier=edge",
        ],
        "",
    );
    assert_eq!(out.trim(), "node/jetson-nx-1 labeled", "{out}");
    let labeled = runtime.block_on(nodes.get("jetson-nx-1")).unwrap();
    let profile = synergai::fixture::load_profile(&synergai::fixture::Origin::Embedded(
        "profiles/edge-cloud.yaml".into(),
    ))
    .unwrap();
    let mapped = synergai::k8s::mapping::map_node(
        &labeled,
        &profile,
        &synergai::k8s::mapping::ArchMapping::default(),
    )
    .expect("a labeled node maps")
    .value;
    assert_eq!(profile.arch(mapped.arch).name, "orin-nx");
    assert_eq!((mapped.cores, mapped.gpus), (8, 1));
}
