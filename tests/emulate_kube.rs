//! `synergai emulate --kube` against a real kube-apiserver (v1.20.2, started
//! by `scripts/kube-up.sh`). No scheduler runs: the test binds the job pods
//! itself (`pods/NAME/binding` with decision annotations), then checks that
//! the emulator created Ready, untainted nodes and the job pods, played the
//! kubelet (Running, then Succeeded with `finishedAt` after `startedAt`),
//! completed the deletion of a running pod, exited 0 with its summary, and
//! exits 1 naming what is still pending when `--timeout` expires. Like
//! every live test, it fails (never skips) when the API server cannot start.

mod common;

use common::{Kube, client};
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use synergai::k8s::mapping::{self, decision_annotations};
use synergai::model::Engine;

/// `synergai emulate --kube ARGS…` against the test server, its output
/// captured.
fn emulate(kube: &Kube, args: &[&str]) -> Emulation {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .arg("emulate")
        .arg("--kube")
        .args(args)
        .env("KUBECONFIG", &kube.kubeconfig)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run synergai emulate");
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = reader(Box::new(child.stdout.take().unwrap()));
    let stderr = reader(Box::new(child.stderr.take().unwrap()));
    Emulation {
        child,
        stdout: Some(stdout),
        stderr: Some(stderr),
    }
}

/// A running `synergai emulate`; killed on drop.
struct Emulation {
    child: Child,
    stdout: Option<std::thread::JoinHandle<String>>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Emulation {
    fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits for the exit (at most `limit`, then kills it and panics).
    fn wait(mut self, limit: Duration) -> Finished {
        let end = Instant::now() + limit;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > end {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "synergai emulate did not exit within {limit:?}; stderr:\n{}",
                    self.stderr.take().unwrap().join().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        Finished {
            status,
            stdout: self.stdout.take().unwrap().join().unwrap(),
            stderr: self.stderr.take().unwrap().join().unwrap(),
        }
    }
}

impl Drop for Emulation {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// 4 nodes of 3 architectures (one with a GPU, one with a taint), 6 short
/// jobs: job-2's QoS target (500 ms) cannot be met; `Burst_4` needs a
/// DNS-safe pod name; job-5 is pinned to an architecture; long-6 runs for
/// minutes and gets deleted.
const SCENARIO: &str = "\
apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata:
  name: emulate-test
spec:
  profile: builtin:edge-cloud
  nodes:
    - name: xeon
      replicas: 2
      arch: xeon-vm
      tier: cloud
      cores: 16
      memory: 32Gi
      network: 40ms
      idleWatts: 60
      busyWatts: 140
    - name: agx-1
      arch: agx-orin
      tier: edge
      cores: 12
      memory: 64Gi
      gpus: 1
      network: 4ms
      labels:
        zone: lab
      taints:
        - key: dedicated
          value: gpu
          effect: PreferNoSchedule
    - name: pi-1
      arch: rpi5
      tier: edge
      cores: 4
      memory: 8Gi
      network: 2ms
  workload:
    jobs:
      - {name: job-1, arrival: 0ms, model: resnet50, queries: 200, qos: 60s}
      - {name: job-2, arrival: 200ms, model: mobilenet-v2, queries: 1000, qos: 500ms}
      - {name: job-3, arrival: 400ms, model: resnet50, queries: 400, qos: 60s}
      - {name: Burst_4, arrival: 600ms, model: mobilenet-v2, queries: 90, qos: 60s}
      - {name: job-5, arrival: 800ms, model: bert-base, queries: 40, qos: 60s, pin: {arch: xeon-vm}}
      - {name: long-6, arrival: 900ms, model: retinanet, queries: 100, qos: 600s}
";

/// The engine and thread count a binding writes.
type Decision = (Engine, u32);

/// Where the test binds each pod, and the decision it writes (`None`: no
/// decision annotations, so the emulator runs the plan's knee).
fn bindings() -> BTreeMap<&'static str, (&'static str, Option<Decision>)> {
    BTreeMap::from([
        ("job-1", ("xeon-1", Some((Engine::OPENVINO, 8)))),
        ("job-2", ("xeon-1", Some((Engine::OPENVINO, 4)))),
        ("job-3", ("agx-1", None)),
        ("burst-4", ("pi-1", Some((Engine::TFLITE, 2)))),
        ("job-5", ("xeon-2", Some((Engine::OPENVINO, 8)))),
        ("long-6", ("pi-1", Some((Engine::ONNXRUNTIME, 4)))),
    ])
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "synergai-emulate-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_scenario(dir: &Path) -> String {
    let path = dir.join("scenario.yaml");
    std::fs::write(&path, SCENARIO).unwrap();
    path.display().to_string()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn annotation<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .map(String::as_str)
}

fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

async fn bind(pods: &Api<Pod>, name: &str, node: &str, decision: Option<Decision>) {
    let annotations = decision
        .map(|(engine, threads)| decision_annotations(engine, threads, 1000.0, "test"))
        .unwrap_or_default();
    let binding = json!({
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": name, "annotations": annotations},
        "target": {"apiVersion": "v1", "kind": "Node", "name": node},
    });
    pods.create_subresource::<_, serde_json::Value>(
        "binding",
        name,
        &PostParams::default(),
        &binding,
    )
    .await
    .unwrap_or_else(|e| panic!("bind {name} to {node}: {e}"));
}

async fn check_nodes(nodes: &Api<Node>) {
    let expected = [
        ("agx-1", "agx-orin", "12", Some("1")),
        ("pi-1", "rpi5", "4", None),
        ("xeon-1", "xeon-vm", "16", None),
        ("xeon-2", "xeon-vm", "16", None),
    ];
    for (name, arch, cpu, gpus) in expected {
        let node = nodes.get(name).await.unwrap();
        let labels = node.metadata.labels.clone().unwrap_or_default();
        assert_eq!(
            labels.get(mapping::LABEL_ARCH).map(String::as_str),
            Some(arch)
        );
        assert_eq!(
            labels.get(mapping::LABEL_HOSTNAME).map(String::as_str),
            Some(name)
        );
        assert!(labels.contains_key(mapping::LABEL_TIER), "{labels:?}");
        let status = node.status.clone().unwrap();
        let allocatable = status.allocatable.clone().unwrap();
        assert_eq!(allocatable["cpu"].0, cpu, "{name}");
        assert!(allocatable["memory"].0.ends_with("i"), "{allocatable:?}");
        assert_eq!(
            allocatable.get(mapping::RESOURCE_GPU).map(|q| q.0.as_str()),
            gpus,
            "{name}"
        );
        assert!(mapping::node_ready(&node), "{name} is not Ready");
        let spec = node.spec.clone().unwrap_or_default();
        assert_ne!(spec.unschedulable, Some(true), "{name} is unschedulable");
        let taints: Vec<(String, String)> = spec
            .taints
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.key, t.effect))
            .collect();
        if name == "agx-1" {
            assert_eq!(
                taints,
                [("dedicated".to_string(), "PreferNoSchedule".to_string())]
            );
            assert_eq!(labels.get("zone").map(String::as_str), Some("lab"));
            assert_eq!(
                node.metadata.annotations.clone().unwrap_or_default()[mapping::ANN_NETWORK_MS],
                "4"
            );
        } else {
            assert!(taints.is_empty(), "{name}: {taints:?}");
        }
        // The node maps back to the model with the scenario's resources.
        let spec = mapping::node_spec(&node, &load_profile(), &mapping::ArchMapping::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.cores.to_string(), cpu);
    }
}

#[test]
fn emulate_cluster_on_a_real_api_server() {
    let kube = Kube::up("emulate");
    let dir = scratch("main");
    let scenario = write_scenario(&dir);
    let rt = runtime();
    let client = rt.block_on(client(&kube.kubeconfig));
    let nodes: Api<Node> = Api::all(client.clone());
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");

    // --nodes-only: the nodes, then exit.
    let out = emulate(
        &kube,
        &["--fixture", &scenario, "--nodes-only", "--timeout", "30s"],
    )
    .wait(Duration::from_secs(40));
    assert!(out.status.success(), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("4 nodes ready: agx-1, pi-1, xeon-1, xeon-2"),
        "{}",
        out.stdout
    );
    rt.block_on(check_nodes(&nodes));
    let none = rt.block_on(pods.list(&ListParams::default())).unwrap();
    assert!(none.items.is_empty(), "--nodes-only created pods");

    // The whole scenario (the nodes exist now: they are updated).
    let mut emulation = emulate(&kube, &["--fixture", &scenario, "--timeout", "50s"]);
    let plan = bindings();
    let start = Instant::now();
    let mut bound = BTreeSet::new();
    let mut seen_running = BTreeSet::new();
    let mut deleted = false;
    let mut finished = BTreeMap::new();
    let selector = ListParams::default().labels("app.kubernetes.io/managed-by=synergai-emulate");
    while finished.len() < 5 || !deleted {
        assert!(
            start.elapsed() < Duration::from_secs(45),
            "timed out: bound {bound:?}, running {seen_running:?}, finished {:?}, long-6 deleted: {deleted}",
            finished.keys().collect::<Vec<_>>()
        );
        if !emulation.running() {
            break;
        }
        let list = rt.block_on(pods.list(&selector)).unwrap();
        for pod in &list.items {
            let name = pod.metadata.name.clone().unwrap();
            let spec = pod.spec.as_ref().unwrap();
            let (node, decision) = *plan
                .get(name.as_str())
                .unwrap_or_else(|| panic!("unexpected pod {name}"));
            if !bound.contains(&name) {
                assert_eq!(spec.scheduler_name.as_deref(), Some("synergai"));
                assert_eq!(spec.restart_policy.as_deref(), Some("Never"));
                assert_eq!(spec.containers[0].name, "inference");
                let env: Vec<&str> = spec.containers[0]
                    .env
                    .iter()
                    .flatten()
                    .map(|e| e.name.as_str())
                    .collect();
                assert_eq!(env, ["SYNERGAI_ENGINE", "SYNERGAI_THREADS"]);
                for key in [
                    mapping::ANN_MODEL,
                    mapping::ANN_QUERIES,
                    mapping::ANN_QOS_MS,
                ] {
                    assert!(annotation(pod, key).is_some(), "{name}: no {key}");
                }
                if name == "job-2" {
                    assert_eq!(annotation(pod, mapping::ANN_QOS_MS), Some("500"));
                    assert_eq!(annotation(pod, mapping::ANN_QUERIES), Some("1000"));
                }
                if name == "job-5" {
                    assert_eq!(annotation(pod, mapping::ANN_PIN_ARCH), Some("xeon-vm"));
                }
                assert_eq!(
                    spec.node_name, None,
                    "{name} bound before the test bound it"
                );
                rt.block_on(bind(&pods, &name, node, decision));
                bound.insert(name.clone());
                continue;
            }
            match phase(pod) {
                "Running" => {
                    seen_running.insert(name.clone());
                    if name == "long-6" && !deleted {
                        rt.block_on(pods.delete(&name, &DeleteParams::default()))
                            .unwrap();
                        deleted = true;
                    }
                }
                "Succeeded" => {
                    finished.insert(name.clone(), pod.clone());
                }
                "Pending" => {}
                other => panic!("{name} is {other}"),
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // The emulated kubelets' heartbeat: a fresh Lease per node.
    let leases: Api<k8s_openapi::api::coordination::v1::Lease> =
        Api::namespaced(client.clone(), "kube-node-lease");
    let now = k8s_openapi::jiff::Timestamp::now();
    for node in ["agx-1", "pi-1", "xeon-1", "xeon-2"] {
        let lease = rt.block_on(leases.get(node)).unwrap();
        let spec = lease.spec.unwrap();
        assert_eq!(spec.holder_identity.as_deref(), Some(node));
        let renewed = spec.renew_time.unwrap().0;
        assert!(
            now.duration_since(renewed).as_secs() <= 20,
            "{node}'s lease was renewed at {renewed}, now {now}"
        );
    }
    let out = emulation.wait(Duration::from_secs(20));
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        out.stdout,
        out.stderr
    );
    assert_eq!(bound.len(), 6, "bound {bound:?}\nstderr:\n{}", out.stderr);
    assert!(
        out.stdout
            .contains("summary: 6 jobs, 6 created, 5 completed, 0 failed, 0 running, 0 pending, 1 deleted; QoS violations: 1 of 5 measured"),
        "stdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stderr.contains("job-3: no decision annotations"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("becomes pod burst-4"), "{}", out.stderr);

    // Every completed pod: Running was seen, then Succeeded with a
    // terminated container that finished after it started.
    let final_pods = rt.block_on(pods.list(&selector)).unwrap();
    let by_name: BTreeMap<String, Pod> = final_pods
        .items
        .into_iter()
        .map(|p| (p.metadata.name.clone().unwrap(), p))
        .collect();
    assert!(
        !by_name.contains_key("long-6"),
        "the deletion of the running pod long-6 was not completed"
    );
    for (name, (node, decision)) in plan.iter().filter(|(n, _)| **n != "long-6") {
        let pod = &by_name[*name];
        assert!(
            seen_running.contains(*name),
            "{name} was never seen Running"
        );
        assert_eq!(phase(pod), "Succeeded", "{name}");
        assert_eq!(pod.spec.as_ref().unwrap().node_name.as_deref(), Some(*node));
        if let Some((engine, threads)) = decision {
            assert_eq!(annotation(pod, mapping::ANN_ENGINE), Some(engine.as_str()));
            assert_eq!(
                annotation(pod, mapping::ANN_THREADS),
                Some(threads.to_string().as_str())
            );
        }
        let status = pod.status.as_ref().unwrap();
        let container = &status.container_statuses.as_ref().unwrap()[0];
        let terminated = container
            .state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .unwrap_or_else(|| panic!("{name}: container not terminated: {container:?}"));
        assert_eq!(terminated.exit_code, 0);
        assert_eq!(terminated.reason.as_deref(), Some("Completed"));
        let started = mapping::time_ms(terminated.started_at.as_ref().unwrap());
        let finished_at = mapping::time_ms(terminated.finished_at.as_ref().unwrap());
        // Every run takes over a second, and the server keeps whole seconds.
        assert!(finished_at > started, "{name}: {terminated:?}");
        let job = mapping::pod_job(pod, &load_profile()).unwrap();
        assert!(job.latency_ms().unwrap() >= 1000.0, "{name}");
        assert_eq!(job.qos_violated(), Some(*name == "job-2"), "{name}");
    }
    assert!(seen_running.contains("long-6"));

    // --timeout: in a new namespace (created by the emulator) nobody binds
    // the pods, so it gives up, naming what is pending.
    let out = emulate(
        &kube,
        &["--fixture", &scenario, "-n", "unbound", "--timeout", "3s"],
    )
    .wait(Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("timed out after") && out.stderr.contains("6 pods still pending"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("6 pending"), "{}", out.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The builtin edge-cloud profile (the embedded default scenario's).
fn load_profile() -> synergai::model::Profile {
    let scenario = synergai::fixture::load_scenario_or_default(None).unwrap();
    assert_eq!(scenario.profile.name, "edge-cloud");
    (*scenario.profile).clone()
}

#[test]
fn unreachable_cluster_exits_3() {
    let dir = scratch("unreachable");
    let scenario = write_scenario(&dir);
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: x\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["emulate", "--kube", "--fixture", &scenario])
        .env("KUBECONFIG", &kubeconfig)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cluster unreachable"),
        "{out:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
