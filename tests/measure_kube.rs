//! `synergai profile measure --kube --apply` on the real test API server:
//! an emulated cluster of two labelled architectures, whose kubelet runs
//! the measurement pods (the project's image) for real with this binary,
//! and a scheduler reading its profile from the ConfigMap. One pod per
//! architecture measures, each on its node and holding all of it; the
//! profiles come back through the pods' logs (the API server's `pods/log`,
//! proxied to the emulated kubelet as to a real one); the merged rows land
//! in the ConfigMap over the profile there; the scheduler reloads it
//! without a restart and `place explain --kube --profile configmap:…`
//! decides a pending job of the new model with the measured rows.

mod common;

use common::{Kube, Running, client, engines, start_logged, wait_until};
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use kube::api::{Api, ListParams, LogParams, PostParams};
use serde_json::json;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use synergai::model::RowSource;

/// Two x86 architectures (so that this machine's measurements agree with
/// the profile's `isa`), resnet50 rows only.
const PROFILE: &str = "apiVersion: synergai.io/v1alpha1
kind: Profile
metadata: {name: lab}
spec:
  kneeThreshold: 0.9
  architectures:
    - {name: xeon-vm, isa: x86_64, accelerator: none, interferenceAlpha: 0.05, startup: {onnxruntime: 400ms}}
    - {name: epyc-vm, isa: x86_64, accelerator: none, interferenceAlpha: 0.05, startup: {onnxruntime: 400ms}}
  models:
    - {name: resnet50, task: image-classification, defaultThreads: 2}
  rows:
    - {model: resnet50, arch: xeon-vm, engine: onnxruntime, threads: 1, qps: 40, p99Ms: 30, watts: 7, memoryMib: 400, source: estimate}
    - {model: resnet50, arch: epyc-vm, engine: onnxruntime, threads: 1, qps: 50, p99Ms: 25, watts: 8, memoryMib: 400, source: estimate}
";

fn scenario(profile: &Path) -> String {
    format!(
        "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {{name: measure-lab}}
spec:
  profile: {}
  nodes:
    - {{name: xeon, replicas: 1, arch: xeon-vm, tier: cloud, cores: 2, memory: 8Gi, network: 1ms}}
    - {{name: epyc, replicas: 1, arch: epyc-vm, tier: cloud, cores: 2, memory: 8Gi, network: 1ms}}
  workload:
    jobs: []
",
        profile.display()
    )
}

fn synergai(kubeconfig: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .stdin(Stdio::null())
        .output()
        .expect("run synergai")
}

/// `profile measure --kube` of squeezenet on tract, 1 thread, 20 queries,
/// and `extra`.
fn measure(kubeconfig: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "profile",
        "measure",
        "--kube",
        "-n",
        "default",
        "--model",
        "squeezenet",
        "--engine",
        "tract",
        "--threads",
        "1",
        "--queries",
        "20",
        "--warmup",
        "1",
    ];
    args.extend_from_slice(extra);
    synergai(kubeconfig, &args)
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn measure_on_the_cluster_applies_the_profile_the_scheduler_reloads() {
    // The shipped models the pods measure.
    engines();
    let kube = Kube::up("measure");
    let rt = common::runtime();
    let admin = rt.block_on(client(&kube.kubeconfig));
    let profile = kube.dir.join("lab.yaml");
    std::fs::write(&profile, PROFILE).unwrap();
    let scenario_file = kube.dir.join("scenario.yaml");
    std::fs::write(&scenario_file, scenario(&profile)).unwrap();
    let maps: Api<ConfigMap> = Api::namespaced(admin.clone(), "default");
    let map: ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "synergai-profile"},
        "data": {"profile.yaml": PROFILE}
    }))
    .unwrap();
    rt.block_on(maps.create(&PostParams::default(), &map))
        .unwrap();

    let emulate_log = kube.dir.join("emulate.log");
    let _emulate = start_logged(
        &kube.kubeconfig,
        &[
            "emulate",
            "--kube",
            "-n",
            "default",
            "--keep-running",
            "-f",
            scenario_file.to_str().unwrap(),
        ],
        &emulate_log,
    );
    let scheduler_log = kube.dir.join("scheduler.log");
    let _scheduler: Running = start_logged(
        &kube.kubeconfig,
        &[
            "scheduler",
            "run",
            "--kube",
            "-n",
            "default",
            "--bind-address=127.0.0.1:0",
            "--leader-elect=false",
            "--profile",
            "configmap:synergai-profile",
            "--profile-reload-interval",
            "200ms",
        ],
        &scheduler_log,
    );
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !read(&emulate_log).contains("node epyc") {
        assert!(
            std::time::Instant::now() < deadline,
            "the nodes were not set up:\n{}",
            read(&emulate_log)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    wait_until("the scheduler to watch", Duration::from_secs(30), || {
        read(&scheduler_log).contains("watching").then_some(())
    });

    // Before: the profile has no squeezenet; a pod of it cannot be decided.
    // Measured with --keep-pods, to read the logs back afterwards.
    let out = measure(
        &kube.kubeconfig,
        &["--keep-pods", "--apply", "synergai-profile"],
    );
    let said = text(&out);
    assert!(
        out.status.success(),
        "measure --kube failed:\n{said}\nemulate:\n{}",
        read(&emulate_log)
    );
    assert!(
        said.contains("configmap/synergai-profile configured in namespace default: 2 rows measured on epyc-vm, xeon-vm"),
        "{said}"
    );

    // One pod per architecture, each on its node, holding all of it.
    let pods: Api<Pod> = Api::namespaced(admin.clone(), "default");
    let measured: Vec<Pod> = rt
        .block_on(
            pods.list(&ListParams::default().labels("app.kubernetes.io/component=profile-measure")),
        )
        .unwrap()
        .items;
    let mut placed: Vec<(String, String, String)> = measured
        .iter()
        .map(|p| {
            let spec = p.spec.as_ref().unwrap();
            let c = &spec.containers[0];
            let requests = c.resources.as_ref().unwrap().requests.as_ref().unwrap();
            (
                p.metadata.labels.as_ref().unwrap()["synergai.io/arch"].clone(),
                spec.node_name.clone().unwrap(),
                requests["cpu"].0.clone(),
            )
        })
        .collect();
    placed.sort();
    assert_eq!(
        placed,
        [
            ("epyc-vm".to_string(), "epyc-1".to_string(), "2".to_string()),
            ("xeon-vm".to_string(), "xeon-1".to_string(), "2".to_string()),
        ]
    );
    for p in &measured {
        let status = p.status.as_ref().unwrap();
        assert_eq!(status.phase.as_deref(), Some("Succeeded"));
        // The log, read through the API server from the emulated kubelet,
        // is the pod's profile.
        let log = rt
            .block_on(pods.logs(p.metadata.name.as_deref().unwrap(), &LogParams::default()))
            .unwrap();
        let one = synergai::fixture::profile_from_text("log", &log).unwrap();
        assert_eq!(one.rows.len(), 1);
    }

    // The ConfigMap: the profile there, plus the measured rows.
    let applied = rt.block_on(maps.get("synergai-profile")).unwrap();
    let yaml = &applied.data.unwrap()["profile.yaml"];
    let merged = synergai::fixture::profile_from_text("configmap", yaml).unwrap();
    assert_eq!(merged.name, "lab");
    let squeezenet = merged.model_id("squeezenet").expect("the measured model");
    let rows: Vec<_> = merged
        .rows
        .iter()
        .filter(|r| r.model == squeezenet)
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|r| r.source == RowSource::Measured && r.qps > 0.0)
    );
    assert_eq!(merged.rows.len(), 4, "the resnet50 rows stay");
    assert_eq!(merged.provenance.len(), 2);

    // The scheduler reloads it.
    wait_until("the scheduler to reload", Duration::from_secs(30), || {
        read(&scheduler_log)
            .contains("profile reloaded")
            .then_some(())
    });

    // place explain --kube with the scheduler's profile decides a pending
    // squeezenet job on the measured rows (the scheduler stopped first, so
    // that the job stays pending).
    let job: Pod = serde_json::from_value(json!({
        "metadata": {"name": "sq-1", "annotations": {
            "synergai.io/model": "squeezenet",
            "synergai.io/queries": "100",
            "synergai.io/qos-ms": "600000"
        }},
        "spec": {"schedulerName": "synergai", "containers": [{"name": "inference", "image": "x"}]}
    }))
    .unwrap();
    drop(_scheduler);
    rt.block_on(pods.create(&PostParams::default(), &job))
        .unwrap();
    let out = synergai(
        &kube.kubeconfig,
        &[
            "place",
            "explain",
            "sq-1",
            "--kube",
            "-n",
            "default",
            "--profile",
            "configmap:synergai-profile",
            "-o",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let candidates = v["candidates"].as_array().unwrap();
    assert!(!candidates.is_empty(), "{v}");
    assert!(
        candidates.iter().all(|c| c.to_string().contains("tract")),
        "{v}"
    );
    // Without it, the embedded profile knows no squeezenet.
    let out = synergai(
        &kube.kubeconfig,
        &["place", "explain", "sq-1", "--kube", "-n", "default"],
    );
    assert!(!out.status.success(), "{}", text(&out));

    // One architecture without room (another pod holds 1.5 of epyc-1's
    // 2 cores): the other is still measured and written, the missing one
    // named with the reason, exit 1.
    let hog: Pod = serde_json::from_value(json!({
        "metadata": {"name": "hog"},
        "spec": {"nodeName": "epyc-1", "containers": [{"name": "c", "image": "busybox",
            "resources": {"requests": {"cpu": "1500m"}}}]}
    }))
    .unwrap();
    rt.block_on(pods.create(&PostParams::default(), &hog))
        .unwrap();
    let partial = kube.dir.join("partial.yaml");
    let out = measure(&kube.kubeconfig, &["--out", partial.to_str().unwrap()]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("1 of 2 architectures not measured (the profile has the others):\n  epyc-vm: its freest node, epyc-1, has 500m CPU"),
        "{said}"
    );
    let written = synergai::fixture::profile_from_text(
        "partial",
        &std::fs::read_to_string(&partial).unwrap(),
    )
    .unwrap();
    let arches: Vec<&str> = written.archs.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(arches, ["xeon-vm"]);
    assert_eq!(written.rows.len(), 1);
}

#[test]
fn measure_on_a_cluster_without_labelled_nodes_says_how_to_label_them() {
    let kube = Kube::up("measure-none");
    let out = synergai(
        &kube.kubeconfig,
        &[
            "profile", "measure", "--kube", "-n", "default", "--engine", "tract",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("kubectl label node"), "{}", text(&out));
}
