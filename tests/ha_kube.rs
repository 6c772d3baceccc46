//! High availability on a real kube-apiserver: schedulers elect a leader on
//! a `coordination.k8s.io/v1` Lease and only the leader binds. During an
//! emulated scenario the leader is killed with SIGKILL (a standby takes
//! over once the lease expires), then the new leader is stopped with
//! SIGTERM (it lets its binds land, releases the lease, exits 0, and the
//! next standby takes over at once instead of waiting for expiry). At the
//! end every job pod ran, each bound once by one scheduler.

mod common;

use common::{Kube, client, wait_until};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::Api;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SCENARIO: &str = "apiVersion: synergai.io/v1alpha1
kind: Scenario
metadata: {name: ha}
spec:
  profile: builtin:edge-cloud
  seed: 11
  nodes:
    - {name: xeon, replicas: 2, arch: xeon-vm, tier: cloud, cores: 16, memory: 32Gi, network: 40ms}
    - {name: agx, replicas: 2, arch: agx-orin, tier: edge, cores: 12, memory: 64Gi, gpus: 1, network: 4ms}
  workload:
    generators:
      - namePrefix: ha
        count: 40
        arrivals: {process: poisson, ratePerSec: 1.5}
        mix:
          - {model: resnet50, queries: [50, 300], qos: [20s, 60s]}
          - {model: mobilenet-v2, queries: [100, 800], qos: [20s, 60s]}
";

/// Lease timings of this test: long enough that an expiry takeover and a
/// release takeover are told apart by their times.
const LEASE: Duration = Duration::from_secs(8);
const RETRY: Duration = Duration::from_millis(500);
/// Slack for API round trips and process start-up.
const SLACK: Duration = Duration::from_millis(1500);

/// A scheduler process with its log file; killed on drop.
struct Scheduler {
    child: Child,
    log: PathBuf,
}

impl Scheduler {
    fn start(kube: &Kube, name: &str) -> Scheduler {
        let log = kube.dir.join(format!("{name}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_synergai"))
            .args([
                "scheduler",
                "run",
                "--bind-address=127.0.0.1:0",
                "--kube",
                "-n",
                "default",
            ])
            .args(["--interval", "50ms"])
            .args(["--leader-elect-lease-duration", "8s"])
            .args(["--leader-elect-renew-deadline", "5s"])
            .args(["--leader-elect-retry-period", "500ms"])
            .env("KUBECONFIG", &kube.kubeconfig)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Scheduler { child, log }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Pods this scheduler logged as bound, and whether any came before it
    /// became the leader.
    fn bound(&self) -> (Vec<String>, bool) {
        let mut leader = false;
        let mut early = false;
        let mut pods = Vec::new();
        for line in self.log().lines() {
            if line.contains("became the leader") {
                leader = true;
            }
            if let Some(rest) = line.split(": bound ").nth(1) {
                early |= !leader;
                pods.push(rest.split(' ').next().unwrap().to_string());
            }
        }
        (pods, early)
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The PID in a holder identity (`HOST_PID_NONCE`).
fn holder_pid(lease: &Lease) -> Option<u32> {
    let holder = lease.spec.as_ref()?.holder_identity.as_ref()?;
    holder.rsplit('_').nth(1)?.parse().ok()
}

struct Cluster {
    runtime: tokio::runtime::Runtime,
    client: kube::Client,
}

impl Cluster {
    fn new(kubeconfig: &Path) -> Cluster {
        let runtime = common::runtime();
        let client = runtime.block_on(client(kubeconfig));
        Cluster { runtime, client }
    }

    fn lease(&self) -> Option<Lease> {
        let api: Api<Lease> = Api::namespaced(self.client.clone(), "default");
        self.runtime
            .block_on(api.get_opt("synergai-scheduler"))
            .ok()
            .flatten()
    }

    fn pods(&self) -> Vec<Pod> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), "default");
        self.runtime
            .block_on(api.list(&Default::default()))
            .unwrap()
            .items
    }

    fn bound(&self) -> usize {
        self.pods()
            .iter()
            .filter(|p| p.spec.as_ref().is_some_and(|s| s.node_name.is_some()))
            .count()
    }

    fn scheduled_events(&self) -> BTreeMap<String, usize> {
        let api: Api<Event> = Api::namespaced(self.client.clone(), "default");
        let mut out = BTreeMap::new();
        for e in self
            .runtime
            .block_on(api.list(&Default::default()))
            .unwrap()
            .items
        {
            if e.reason.as_deref() == Some("Scheduled") {
                let pod = e.involved_object.name.unwrap_or_default();
                *out.entry(pod).or_insert(0) += e.count.unwrap_or(1).max(1) as usize;
            }
        }
        out
    }
}

#[test]
fn a_standby_takes_over_after_sigkill_and_at_once_after_sigterm() {
    let kube = Kube::up("ha");
    let scenario = kube.dir.join("ha.yaml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let cluster = Cluster::new(&kube.kubeconfig);

    let mut schedulers = vec![
        Some(Scheduler::start(&kube, "a")),
        Some(Scheduler::start(&kube, "b")),
    ];
    let emulate = common::emulate(&kube.kubeconfig, &scenario, "4m");

    let index_of = |schedulers: &[Option<Scheduler>], pid: u32| {
        schedulers
            .iter()
            .position(|s| s.as_ref().is_some_and(|s| s.pid() == pid))
    };

    // One leader; the standby binds nothing.
    let first = wait_until("a leader", Duration::from_secs(30), || {
        let pid = holder_pid(&cluster.lease()?)?;
        index_of(&schedulers, pid)
    });
    wait_until("5 bound pods", Duration::from_secs(60), || {
        (cluster.bound() >= 5).then_some(())
    });
    let standby = 1 - first;
    assert!(
        schedulers[standby].as_ref().unwrap().bound().0.is_empty(),
        "the standby bound pods while the other led:\n{}",
        schedulers[standby].as_ref().unwrap().log()
    );

    // SIGKILL the leader mid-scenario: the standby takes over once the
    // lease it last saw renewed is a lease duration old.
    let mut killed = schedulers[first].take().unwrap();
    killed.child.kill().unwrap();
    let _ = killed.child.wait();
    let at = Instant::now();
    let standby_pid = schedulers[standby].as_ref().unwrap().pid();
    wait_until("the standby to take the lease", LEASE * 3, || {
        (holder_pid(&cluster.lease()?)? == standby_pid).then_some(())
    });
    let took = at.elapsed();
    assert!(
        took <= LEASE + RETRY.mul_f64(1.2) + SLACK,
        "takeover after SIGKILL took {took:?} (lease {LEASE:?})"
    );
    let transitions = cluster
        .lease()
        .and_then(|l| l.spec?.lease_transitions)
        .unwrap();
    assert_eq!(transitions, 1);

    // A third candidate stands by; SIGTERM the new leader.
    schedulers.push(Some(Scheduler::start(&kube, "c")));
    wait_until(
        "the third scheduler to stand by",
        Duration::from_secs(20),
        || {
            schedulers[2]
                .as_ref()
                .unwrap()
                .log()
                .contains("standing by")
                .then_some(())
        },
    );
    let bound_before = cluster.bound();
    assert!(bound_before < 40, "the scenario ended before SIGTERM");
    let term = Command::new("kill")
        .args(["-TERM", &standby_pid.to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let at = Instant::now();
    let leader = schedulers[standby].as_mut().unwrap();
    let status = wait_until(
        "the leader to exit on SIGTERM",
        Duration::from_secs(20),
        || leader.child.try_wait().unwrap(),
    );
    assert!(status.success(), "exit {status:?}:\n{}", leader.log());
    assert!(
        leader.log().contains("released the lease"),
        "{}",
        leader.log()
    );
    let third_pid = schedulers[2].as_ref().unwrap().pid();
    wait_until("the third scheduler to take the lease", LEASE, || {
        (holder_pid(&cluster.lease()?)? == third_pid).then_some(())
    });
    let took = at.elapsed();
    assert!(
        took < RETRY.mul_f64(1.2) + SLACK + Duration::from_secs(1),
        "takeover after a release took {took:?}: it should not wait for expiry ({LEASE:?})"
    );

    // The scenario completes: every pod ran, bound once.
    let out = emulate.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let pods = cluster.pods();
    assert_eq!(pods.len(), 40);
    for p in &pods {
        let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
        assert_eq!(phase, Some("Succeeded"), "{:?}", p.metadata.name);
    }
    let mut logged: BTreeMap<String, usize> = BTreeMap::new();
    let logs: Vec<String> = [&killed]
        .into_iter()
        .chain(schedulers.iter().flatten())
        .map(|s| {
            let (pods, early) = s.bound();
            assert!(!early, "a scheduler bound before it led:\n{}", s.log());
            for p in pods {
                *logged.entry(p).or_insert(0) += 1;
            }
            s.log()
        })
        .collect();
    let twice: Vec<_> = logged.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "bound twice: {twice:?}\n{}",
        logs.join("\n")
    );
    // One Scheduled event per pod (a pod whose bind the killed leader
    // sent just before dying may have none: the event follows the bind).
    let events = cluster.scheduled_events();
    assert!(events.len() >= 35, "{events:?}");
    for (pod, n) in events {
        assert_eq!(n, 1, "{pod} has {n} Scheduled events");
    }
}
