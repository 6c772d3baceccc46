//! Invariants of the replay engine under every policy, on random valid
//! scenarios over the embedded `edge-cloud` profile:
//!
//! - no node is ever over capacity (checked after every step);
//! - a run is deterministic (metrics minus wall-clock fields, and the final
//!   snapshot, are identical across two runs);
//! - jobs are conserved (each ends completed or unfinished) and no job
//!   completes faster than its fastest possible configuration allows.

use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use synergai::fixture::{Origin, load_profile};
use synergai::model::Scenario;
use synergai::model::{JobSpec, JobState, NodeSpec, Pin, Profile, Tier};
use synergai::policy::{OfflinePlan, PolicyKind};
use synergai::sim::workload::{self, Arrivals, Generator, MixItem, QosRule};
use synergai::sim::{Metrics, SimOptions, Simulator};

fn profile() -> Arc<Profile> {
    static PROFILE: OnceLock<Arc<Profile>> = OnceLock::new();
    PROFILE
        .get_or_init(|| {
            Arc::new(
                load_profile(&Origin::Embedded("profiles/edge-cloud.yaml".into()))
                    .expect("embedded profile"),
            )
        })
        .clone()
}

// ------------------------------------------------------------ parameters

#[derive(Clone, Debug)]
struct NodeParams {
    /// Index into the profile's architectures (mod their count).
    arch: usize,
    cores: u32,
    memory_mib: u64,
    /// Used only on GPU architectures (a GPU board may declare none).
    gpus: u32,
    network_ms: f64,
    cloud: bool,
}

#[derive(Clone, Debug)]
struct GenParams {
    seed: u64,
    process: u8,
    rate: f64,
    burst_factor: f64,
    amplitude: f64,
    period_ms: f64,
    start_ms: f64,
    count: u64,
    duration_ms: Option<f64>,
    /// (model index mod available, weight, queries lo, queries span, qos).
    mix: Vec<(usize, f64, u64, u64, QosChoice)>,
}

#[derive(Clone, Debug)]
enum QosChoice {
    Factor(f64, f64),
    Absolute(f64, f64),
}

#[derive(Clone, Debug)]
struct JobParams {
    arrival_ms: f64,
    model: usize,
    queries: u64,
    qos_ms: f64,
    /// 0: none, 1: a node, 2: an architecture.
    pin: u8,
    pin_target: usize,
}

#[derive(Clone, Debug)]
struct Params {
    seed: u64,
    nodes: Vec<NodeParams>,
    generators: Vec<GenParams>,
    jobs: Vec<JobParams>,
}

fn node_params() -> impl Strategy<Value = NodeParams> {
    (
        0usize..16,
        1u32..=32,
        256u64..=65_536,
        0u32..=2,
        0.0f64..60.0,
        any::<bool>(),
    )
        .prop_map(
            |(arch, cores, memory_mib, gpus, network_ms, cloud)| NodeParams {
                arch,
                cores,
                memory_mib,
                gpus,
                network_ms,
                cloud,
            },
        )
}

fn qos_choice() -> impl Strategy<Value = QosChoice> {
    prop_oneof![
        (1.0f64..4.0, 0.0f64..20.0).prop_map(|(a, d)| QosChoice::Factor(a, a + d)),
        (50.0f64..5_000.0, 0.0f64..120_000.0).prop_map(|(a, d)| QosChoice::Absolute(a, a + d)),
    ]
}

fn gen_params() -> impl Strategy<Value = GenParams> {
    (
        any::<u64>(),
        0u8..3,
        0.05f64..4.0,
        1.0f64..8.0,
        0.0f64..=1.0,
        1_000.0f64..60_000.0,
        0.0f64..5_000.0,
        1u64..=60,
        proptest::option::of(1_000.0f64..60_000.0),
        proptest::collection::vec(
            (
                0usize..8,
                0.1f64..5.0,
                1u64..2_000,
                0u64..5_000,
                qos_choice(),
            ),
            1..=3,
        ),
    )
        .prop_map(
            |(
                seed,
                process,
                rate,
                burst_factor,
                amplitude,
                period_ms,
                start_ms,
                count,
                duration_ms,
                mix,
            )| GenParams {
                seed,
                process,
                rate,
                burst_factor,
                amplitude,
                period_ms,
                start_ms,
                count,
                duration_ms,
                mix,
            },
        )
}

fn job_params() -> impl Strategy<Value = JobParams> {
    (
        0.0f64..60_000.0,
        0usize..8,
        1u64..5_000,
        1.0f64..200_000.0,
        prop_oneof![6 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
        0usize..64,
    )
        .prop_map(
            |(arrival_ms, model, queries, qos_ms, pin, pin_target)| JobParams {
                arrival_ms,
                model,
                queries,
                qos_ms,
                pin,
                pin_target,
            },
        )
}

fn params() -> impl Strategy<Value = Params> {
    (
        any::<u64>(),
        proptest::collection::vec(node_params(), 1..=6),
        proptest::collection::vec(gen_params(), 0..=2),
        proptest::collection::vec(job_params(), 0..=8),
    )
        .prop_map(|(seed, nodes, generators, jobs)| Params {
            seed,
            nodes,
            generators,
            jobs,
        })
}

// ------------------------------------------------------------ scenario

/// A valid scenario: nodes sorted by name, gpus only on GPU architectures,
/// every job's model runnable on some architecture present, unique job
/// names, jobs sorted by (arrival, name).
fn build(p: &Params) -> Scenario {
    let profile = profile();
    let plan = OfflinePlan::new(&profile, profile.knee_threshold);
    let n_arch = profile.archs.len();
    let nodes: Vec<NodeSpec> = p
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let arch = (n.arch % n_arch) as u16;
            NodeSpec {
                name: format!("node-{i:02}"),
                arch,
                tier: if n.cloud { Tier::Cloud } else { Tier::Edge },
                cores: n.cores,
                memory_mib: n.memory_mib,
                gpus: if profile.arch(arch).gpu { n.gpus } else { 0 },
                network_ms: (n.network_ms * 1000.0).round() / 1000.0,
                idle_watts: 5.0,
                busy_watts: 20.0,
                labels: BTreeMap::new(),
                taints: Vec::new(),
            }
        })
        .collect();
    let mut present: Vec<u16> = nodes.iter().map(|n| n.arch).collect();
    present.sort_unstable();
    present.dedup();
    let models: Vec<u16> = (0..profile.models.len() as u16)
        .filter(|&m| present.iter().any(|&a| plan.get(m, a).is_some()))
        .collect();
    assert!(!models.is_empty(), "every architecture has rows");

    let mut jobs: Vec<JobSpec> = Vec::new();
    for (k, g) in p.generators.iter().enumerate() {
        let arrivals = match g.process {
            0 => Arrivals::Poisson { rate: g.rate },
            1 => Arrivals::Bursty {
                rate: g.rate,
                burst_rate: g.rate * g.burst_factor,
                every_ms: g.period_ms,
                length_ms: g.period_ms / 4.0,
            },
            _ => Arrivals::Diurnal {
                rate: g.rate,
                period_ms: g.period_ms,
                amplitude: g.amplitude,
            },
        };
        let mix = g
            .mix
            .iter()
            .map(|(m, weight, lo, span, qos)| MixItem {
                model: models[m % models.len()],
                weight: *weight,
                queries: (*lo, lo + span),
                qos: match *qos {
                    QosChoice::Factor(min, max) => QosRule::Factor { min, max },
                    QosChoice::Absolute(min_ms, max_ms) => QosRule::Absolute { min_ms, max_ms },
                },
            })
            .collect();
        let generator = Generator {
            name_prefix: format!("g{k}"),
            seed: g.seed,
            start_ms: g.start_ms,
            duration_ms: g.duration_ms,
            count: Some(g.count),
            arrivals,
            mix,
        };
        jobs.extend(workload::generate(&generator, &plan, &present));
    }
    for (i, j) in p.jobs.iter().enumerate() {
        let pin = match j.pin {
            1 => Some(Pin::Node((j.pin_target % nodes.len()) as u32)),
            2 => Some(Pin::Arch(present[j.pin_target % present.len()])),
            _ => None,
        };
        jobs.push(JobSpec {
            name: format!("x-{i:03}"),
            arrival_ms: (j.arrival_ms * 1000.0).round() / 1000.0,
            model: models[j.model % models.len()],
            queries: j.queries,
            qos_ms: (j.qos_ms * 1000.0).round() / 1000.0,
            pin,
            allowed: None,
        });
    }
    jobs.sort_by(|a, b| {
        a.arrival_ms
            .total_cmp(&b.arrival_ms)
            .then_with(|| a.name.cmp(&b.name))
    });
    Scenario {
        name: "prop".into(),
        description: String::new(),
        source: "proptest".into(),
        seed: p.seed,
        profile,
        nodes: Arc::new(nodes),
        jobs: Arc::new(jobs),
    }
}

// ------------------------------------------------------------ checks

/// Every node's free resources are within [0, spec], and what runs on it
/// adds up to spec − free, within spec.
fn check_capacity(sim: &Simulator, policy: PolicyKind, step: usize) -> Result<(), TestCaseError> {
    let cluster = sim.cluster();
    let mut running = 0;
    for (id, spec) in sim.scenario().nodes.iter().enumerate() {
        let id = id as u32;
        let (free_cores, free_mem, free_gpus) = cluster.free(id);
        let (mut cores, mut mem, mut gpus) = (0u64, 0u64, 0u64);
        for r in cluster.runs_on(id) {
            prop_assert_eq!(r.node, id);
            cores += u64::from(r.threads);
            mem += r.memory_mib;
            gpus += u64::from(r.gpus);
            running += 1;
        }
        let at = format!(
            "{policy} step {step} t={} node {}: free ({free_cores}, {free_mem}, {free_gpus}), \
             used ({cores}, {mem}, {gpus}), spec ({}, {}, {})",
            sim.now_ms(),
            spec.name,
            spec.cores,
            spec.memory_mib,
            spec.gpus
        );
        prop_assert!(free_cores <= spec.cores, "{}", at);
        prop_assert!(free_mem <= spec.memory_mib, "{}", at);
        prop_assert!(free_gpus <= spec.gpus, "{}", at);
        prop_assert!(
            cores <= u64::from(spec.cores),
            "cores over capacity: {}",
            at
        );
        prop_assert!(mem <= spec.memory_mib, "memory over capacity: {}", at);
        prop_assert!(gpus <= u64::from(spec.gpus), "gpus over capacity: {}", at);
        prop_assert_eq!(cores, u64::from(spec.cores - free_cores), "{}", at);
        prop_assert_eq!(mem, spec.memory_mib - free_mem, "{}", at);
        prop_assert_eq!(gpus, u64::from(spec.gpus - free_gpus), "{}", at);
    }
    prop_assert_eq!(running, cluster.running_count());
    Ok(())
}

/// Metrics without the wall-clock fields.
fn deterministic(mut m: Metrics) -> Metrics {
    m.overhead_mean_us = 0.0;
    m.overhead_p99_us = 0.0;
    m
}

/// The true lower bound of a job's latency: the quickest single
/// configuration (startup + queries at its solo rate) over `archs`, no
/// network, no queueing.
fn fastest_possible_ms(scenario: &Scenario, job: &JobSpec, archs: &[u16]) -> f64 {
    let profile = &scenario.profile;
    archs
        .iter()
        .flat_map(|&a| {
            profile.rows_for(job.model, a).iter().map(move |r| {
                profile.arch(a).startup_ms(r.engine) + job.queries as f64 * 1000.0 / r.qps
            })
        })
        .fold(f64::INFINITY, f64::min)
}

fn present_archs(scenario: &Scenario) -> Vec<u16> {
    let mut archs: Vec<u16> = scenario.nodes.iter().map(|n| n.arch).collect();
    archs.sort_unstable();
    archs.dedup();
    archs
}

/// Runs a policy to the end, checking capacity after every step.
fn run_checked(scenario: &Scenario, policy: PolicyKind) -> Result<Simulator, TestCaseError> {
    let mut sim = Simulator::new(scenario, SimOptions::new(policy));
    check_capacity(&sim, policy, 0)?;
    let mut steps = 0;
    while sim.step() {
        steps += 1;
        check_capacity(&sim, policy, steps)?;
        // A guard against a run that never ends (stale finish events can
        // make steps that change nothing, so this is generous).
        prop_assert!(
            steps <= 1_000 * (scenario.jobs.len() + 1),
            "{policy}: {steps} steps for {} jobs",
            scenario.jobs.len()
        );
    }
    Ok(sim)
}

fn run_plain(scenario: &Scenario, policy: PolicyKind) -> Simulator {
    let mut sim = Simulator::new(scenario, SimOptions::new(policy));
    while sim.step() {}
    sim
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_node_is_ever_over_capacity(p in params()) {
        let scenario = build(&p);
        for policy in PolicyKind::ALL {
            run_checked(&scenario, policy)?;
        }
    }

    #[test]
    fn runs_are_deterministic(p in params()) {
        let scenario = build(&p);
        for policy in PolicyKind::ALL {
            let a = run_plain(&scenario, policy);
            let b = run_plain(&scenario, policy);
            prop_assert_eq!(
                deterministic(a.metrics()),
                deterministic(b.metrics()),
                "{} metrics differ", policy
            );
            prop_assert_eq!(a.snapshot(), b.snapshot(), "{} snapshots differ", policy);
        }
        // The same scenario built twice from the same parameters is the same.
        let again = build(&p);
        prop_assert_eq!(&*scenario.jobs, &*again.jobs);
        prop_assert_eq!(&*scenario.nodes, &*again.nodes);
    }

    #[test]
    fn jobs_are_conserved(p in params()) {
        let scenario = build(&p);
        let present = present_archs(&scenario);
        let n = scenario.jobs.len() as u32;
        for policy in PolicyKind::ALL {
            let sim = run_plain(&scenario, policy);
            let m = sim.metrics();
            let snap = sim.snapshot();
            prop_assert_eq!(m.jobs, n);
            prop_assert_eq!(m.completed + m.unfinished, m.jobs, "{}", policy);
            prop_assert!(m.violations <= m.jobs, "{}: {} violations of {} jobs", policy, m.violations, m.jobs);
            prop_assert!(m.unfinished <= m.violations, "{}: unfinished jobs are violations", policy);
            prop_assert_eq!(snap.jobs.len(), scenario.jobs.len());
            prop_assert_eq!(snap.running, 0, "{}: jobs still running at the end", policy);
            let done = snap.jobs.iter().filter(|j| j.state == JobState::Done).count() as u32;
            let waiting = snap.jobs.iter().filter(|j| j.state == JobState::Pending).count() as u32;
            prop_assert_eq!(done, m.completed, "{}: done jobs vs completed", policy);
            prop_assert_eq!(waiting, m.unfinished, "{}: pending jobs vs unfinished", policy);
            prop_assert_eq!(snap.pending, m.unfinished, "{}", policy);
            for (job, s) in scenario.jobs.iter().zip(&snap.jobs) {
                prop_assert_eq!(&job.name, &s.name);
                if s.state != JobState::Done {
                    continue;
                }
                let archs: Vec<u16> = match job.pin {
                    Some(Pin::Node(node)) => vec![scenario.nodes[node as usize].arch],
                    Some(Pin::Arch(a)) => vec![a],
                    None => present.clone(),
                };
                let bound = fastest_possible_ms(&scenario, job, &archs);
                let latency = s.latency_ms.expect("a done job has a latency");
                prop_assert!(
                    latency >= bound * (1.0 - 1e-9) - 1e-6,
                    "{}: job {} ({} queries of {}) took {latency} ms, faster than the fastest configuration ({bound} ms)",
                    policy, job.name, job.queries, s.model
                );
                let node = s.node.as_deref().expect("a done job has a node");
                let node_id = scenario.node_id(node).expect("known node");
                if let Some(Pin::Node(pinned)) = job.pin {
                    prop_assert_eq!(node_id, pinned, "{}: job {} ignored its node pin", policy, job.name);
                }
                if let Some(Pin::Arch(a)) = job.pin {
                    prop_assert_eq!(scenario.nodes[node_id as usize].arch, a, "{}: job {} ignored its arch pin", policy, job.name);
                }
            }
        }
    }
}
