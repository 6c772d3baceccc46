//! Scheduling benchmarks (criterion).
//!
//! - `decide/<policy>/<nodes>`: one `Policy::decide` on a partially loaded
//!   cluster of 50, 500 or 5,000 nodes (elem/s = decisions/s). A decision
//!   does not mutate the cluster, so the state is fixed across iterations;
//!   the pending jobs (mixed models) are cycled through. At 60–70 % load
//!   nearly every decision is an assignment.
//! - `decide-full/<policy>/5000`: the same on the 5,000-node state filled
//!   up, where decisions mostly hold (synergai then searches for the
//!   earliest capacity to free up).
//! - `pass/<policy>/<nodes>`: `run_pass` over a queue of 100 jobs on a
//!   clone of the loaded cluster (clone excluded), so placement and node
//!   regrouping are included (elem/s = decisions/s).
//! - `replay/<policy>/<nodes>n-<jobs>j`: a whole `Simulator` run
//!   (elem/s = simulated events/s: arrivals + completions).
//!
//! Targets (`scheduling.md`): ≥ 20,000 synergai decisions/s at 5,000 nodes
//! on one core; replay ≥ 500,000 simulated events/s.
//!
//! Quick run: `cargo bench --bench scheduling -- --quick`.

use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput};
use criterion::{criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use synergai::fixture::{Origin, load_profile};
use synergai::model::Scenario;
use synergai::model::{ArchId, Cluster, JobId, JobSpec, NodeSpec, Profile, Tier};
use synergai::policy::{Action, Context, Explain, OfflinePlan, Policy, PolicyKind, run_pass};
use synergai::sim::workload::{Arrivals, Generator, MixItem, QosRule, generate};
use synergai::sim::{SimOptions, Simulator};

/// Cluster sizes of the decision benchmarks.
const SIZES: [usize; 3] = [50, 500, 5_000];
/// Pending jobs the decision benchmarks cycle through.
const PENDING: usize = 256;
/// Queue length of one `pass` iteration.
const PASS_QUEUE: usize = 100;
/// Fraction of all cores in use in the loaded state.
const TARGET_CORE_USE: std::ops::RangeInclusive<f64> = 0.62..=0.70;
const SEED: u64 = 42;
/// Poisson arrivals per node and second tried, in order, to reach the
/// loaded state (the steady-state load depends on the policy's choices, so
/// the first rate whose replay enters `TARGET_CORE_USE` is taken).
const LOAD_RATES_PER_NODE: [f64; 15] = [
    0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25,
];
/// Simulated time of arrivals generated for the loaded state.
const LOAD_ARRIVALS_MS: f64 = 900_000.0;
/// Simulated time before the loaded state is taken.
const WARM_UP_MS: f64 = 240_000.0;

fn profile() -> Arc<Profile> {
    let origin = Origin::Embedded("profiles/edge-cloud.yaml".into());
    Arc::new(load_profile(&origin).expect("embedded profile loads"))
}

/// One kind of node of the mix, as in the default scenario.
struct NodeKind {
    prefix: &'static str,
    arch: &'static str,
    /// Share of the cluster's nodes, in percent.
    share: usize,
    tier: Tier,
    cores: u32,
    memory_gib: u64,
    gpus: u32,
    network_ms: f64,
    idle_watts: f64,
    busy_watts: f64,
}

const MIX: [NodeKind; 4] = [
    NodeKind {
        prefix: "xeon",
        arch: "xeon-vm",
        share: 25,
        tier: Tier::Cloud,
        cores: 16,
        memory_gib: 32,
        gpus: 0,
        network_ms: 40.0,
        idle_watts: 60.0,
        busy_watts: 140.0,
    },
    NodeKind {
        prefix: "agx",
        arch: "agx-orin",
        share: 15,
        tier: Tier::Edge,
        cores: 12,
        memory_gib: 64,
        gpus: 1,
        network_ms: 4.0,
        idle_watts: 15.0,
        busy_watts: 60.0,
    },
    NodeKind {
        prefix: "nx",
        arch: "orin-nx",
        share: 25,
        tier: Tier::Edge,
        cores: 8,
        memory_gib: 16,
        gpus: 1,
        network_ms: 4.0,
        idle_watts: 7.0,
        busy_watts: 25.0,
    },
    NodeKind {
        prefix: "pi",
        arch: "rpi5",
        share: 35,
        tier: Tier::Edge,
        cores: 4,
        memory_gib: 8,
        gpus: 0,
        network_ms: 2.0,
        idle_watts: 3.0,
        busy_watts: 10.0,
    },
];

/// `n` nodes of the mix, sorted by name.
fn nodes(profile: &Profile, n: usize) -> Vec<NodeSpec> {
    let mut out = Vec::with_capacity(n);
    for (i, kind) in MIX.iter().enumerate() {
        // The last kind takes the rounding remainder.
        let count = if i + 1 == MIX.len() {
            n - out.len()
        } else {
            n * kind.share / 100
        };
        let arch = profile.arch_id(kind.arch).expect("profile has the arch");
        for k in 1..=count {
            out.push(NodeSpec {
                name: format!("{}-{k:05}", kind.prefix),
                arch,
                tier: kind.tier,
                cores: kind.cores,
                memory_mib: kind.memory_gib * 1024,
                gpus: kind.gpus,
                network_ms: kind.network_ms,
                idle_watts: kind.idle_watts,
                busy_watts: kind.busy_watts,
                labels: Default::default(),
                taints: Vec::new(),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The default scenario's four-model mix.
fn mix(profile: &Profile) -> Vec<MixItem> {
    let item = |name: &str, weight: f64, queries: (u64, u64)| MixItem {
        model: profile.model_id(name).expect("profile has the model"),
        weight,
        queries,
        qos: QosRule::Factor {
            min: 2.0,
            max: 30.0,
        },
    };
    vec![
        item("resnet50", 3.0, (500, 5_000)),
        item("mobilenet-v2", 3.0, (1_000, 20_000)),
        item("retinanet", 1.0, (20, 200)),
        item("bert-base", 2.0, (100, 2_000)),
    ]
}

/// A scenario of `n` nodes and `count` Poisson jobs at `rate_per_node`
/// jobs/s per node.
fn scenario(profile: &Arc<Profile>, n: usize, count: u64, rate_per_node: f64) -> Scenario {
    let nodes = nodes(profile, n);
    let mut archs: Vec<ArchId> = nodes.iter().map(|s| s.arch).collect();
    archs.sort_unstable();
    archs.dedup();
    let plan = OfflinePlan::new(profile, profile.knee_threshold);
    let generator = Generator {
        name_prefix: "job".into(),
        seed: SEED,
        start_ms: 0.0,
        duration_ms: None,
        count: Some(count),
        arrivals: Arrivals::Poisson {
            rate: rate_per_node * n as f64,
        },
        mix: mix(profile),
    };
    let jobs = generate(&generator, &plan, &archs);
    Scenario {
        name: format!("bench-{n}n-{count}j"),
        description: "benchmark cluster".into(),
        source: "bench".into(),
        seed: SEED,
        profile: profile.clone(),
        nodes: Arc::new(nodes),
        jobs: Arc::new(jobs),
    }
}

fn core_use(cluster: &Cluster, profile: &Profile) -> f64 {
    let (used, total) = (0..profile.archs.len() as ArchId)
        .map(|a| cluster.arch_usage(a))
        .fold((0, 0), |(u, t), a| (u + a.cores_used, t + a.cores));
    used as f64 / total.max(1) as f64
}

/// A cluster in a partially loaded state and jobs to decide on it.
struct Loaded {
    nodes: usize,
    now_ms: f64,
    cluster: Cluster,
    plan: OfflinePlan,
    jobs: Arc<Vec<JobSpec>>,
    /// Jobs pending or about to arrive, mixed models.
    pending: Vec<JobId>,
}

impl Loaded {
    /// The context of a decision on this state (the pending jobs are those
    /// waiting or about to arrive).
    fn context<'a>(&'a self, profile: &'a Profile) -> Context<'a> {
        Context {
            now_ms: self.now_ms,
            cluster: &self.cluster,
            plan: &self.plan,
            profile,
            jobs: &self.jobs,
            explain: false,
        }
    }
}

/// Replays synergai on `n` nodes until the fraction of busy cores is in
/// `TARGET_CORE_USE`, after a warm-up long enough for completions to have
/// mixed the node states (a steady state, not the initial ramp), with at
/// least `PENDING` jobs still to arrive.
fn loaded(profile: &Arc<Profile>, n: usize) -> Loaded {
    let (rate, scenario, sim) = LOAD_RATES_PER_NODE
        .iter()
        .find_map(|&rate| {
            let count = (rate * n as f64 * LOAD_ARRIVALS_MS / 1000.0) as u64 + PENDING as u64;
            let scenario = scenario(profile, n, count, rate);
            let mut sim = Simulator::new(&scenario, SimOptions::new(PolicyKind::Synergai));
            while sim.step() {
                let now = sim.now_ms();
                let to_come =
                    scenario.jobs.len() - scenario.jobs.partition_point(|j| j.arrival_ms <= now);
                if to_come < PENDING {
                    return None;
                }
                if now >= WARM_UP_MS && TARGET_CORE_USE.contains(&core_use(sim.cluster(), profile))
                {
                    return Some((rate, scenario, sim));
                }
            }
            None
        })
        .unwrap_or_else(|| panic!("{n} nodes never reached the target load"));
    let cluster = sim.cluster().clone();
    let now_ms = sim.now_ms();
    let jobs = scenario.jobs.clone();
    let mut pending = sim.pending();
    let next = jobs.partition_point(|j| j.arrival_ms <= now_ms);
    pending.extend((next..jobs.len()).map(|j| j as JobId));
    pending.truncate(PENDING);
    let state = Loaded {
        nodes: n,
        now_ms,
        cluster,
        plan: sim.plan().clone(),
        jobs,
        pending,
    };
    describe(
        &state,
        profile,
        &format!("{rate} jobs/s per node"),
        sim.pending().len(),
    );
    state
}

/// Prints a state and which way synergai's decisions on its pending jobs go.
fn describe(state: &Loaded, profile: &Profile, how: &str, waiting: usize) {
    let ctx = state.context(profile);
    let mut synergai = PolicyKind::Synergai.build(SEED);
    let assigned = state
        .pending
        .iter()
        .filter(|&&id| matches!(synergai.decide(id, &ctx).action, Action::Assign(_)))
        .count();
    eprintln!(
        "state {:>5} nodes ({how}): t={:.0}s, cores {:.0}% busy, {} running, {} active groups, \
         {waiting} waiting; synergai assigns {assigned} of the {} jobs decided",
        state.nodes,
        state.now_ms / 1000.0,
        core_use(&state.cluster, profile) * 100.0,
        state.cluster.running_count(),
        state.cluster.active_group_count(),
        state.pending.len(),
    );
}

/// Jobs placed on a copy of `state` to fill it up.
const FILL: usize = 20_000;

/// `state` filled up: synergai places the next `FILL` jobs to arrive in one
/// pass at the state's time; the jobs it had to hold are the pending ones.
/// Decisions here mostly take the hold path (looking for the earliest
/// capacity to free up).
fn full(state: &Loaded, profile: &Profile) -> Loaded {
    let mut cluster = state.cluster.clone();
    let next = state.jobs.partition_point(|j| j.arrival_ms <= state.now_ms);
    let ids: Vec<JobId> = (next..state.jobs.len().min(next + FILL))
        .map(|j| j as JobId)
        .collect();
    let mut synergai = PolicyKind::Synergai.build(SEED);
    let queue = queue_for(synergai.as_ref(), state, &ids);
    let mut held = Vec::new();
    run_pass(
        synergai.as_mut(),
        &mut cluster,
        &state.plan,
        profile,
        &state.jobs,
        &queue,
        state.now_ms,
        Explain::None,
        None,
        |_, decision, _, _| {
            if decision.action == Action::Hold {
                held.push(decision.job);
            }
        },
    );
    held.sort_unstable();
    held.truncate(PENDING);
    let full = Loaded {
        nodes: state.nodes,
        now_ms: state.now_ms,
        cluster,
        plan: state.plan.clone(),
        jobs: state.jobs.clone(),
        pending: held,
    };
    describe(&full, profile, "filled up", full.pending.len());
    full
}

/// `ids` in the order a pass of `policy` considers them.
fn queue_for(policy: &dyn Policy, state: &Loaded, ids: &[JobId]) -> Vec<JobId> {
    let mut queue = ids.to_vec();
    let mut archs: Vec<ArchId> = state.cluster.specs().iter().map(|s| s.arch).collect();
    archs.sort_unstable();
    archs.dedup();
    let order = policy.order();
    let nodes = state.cluster.specs();
    let key = |id: &JobId| order.key(&state.jobs[*id as usize], nodes, &state.plan, &archs);
    queue.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.total_cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(a.cmp(b))
    });
    queue
}

fn bench_decide(c: &mut Criterion, name: &str, states: &[Loaded], profile: &Profile) {
    let mut group = c.benchmark_group(name);
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1_500))
        .sample_size(50)
        .throughput(Throughput::Elements(1));
    for state in states {
        let ctx = state.context(profile);
        for kind in PolicyKind::ALL {
            let mut policy = kind.build(SEED);
            let pending = &state.pending;
            let mut next = 0;
            group.bench_function(BenchmarkId::new(kind.name(), state.nodes), |b| {
                b.iter(|| {
                    let id = pending[next % pending.len()];
                    next += 1;
                    black_box(policy.decide(black_box(id), &ctx))
                })
            });
        }
    }
    group.finish();
}

fn bench_pass(c: &mut Criterion, states: &[Loaded], profile: &Profile) {
    let mut group = c.benchmark_group("pass");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1_500))
        .sample_size(20)
        .throughput(Throughput::Elements(PASS_QUEUE as u64));
    for state in states {
        for kind in PolicyKind::ALL {
            let mut policy = kind.build(SEED);
            let ids = &state.pending[..PASS_QUEUE.min(state.pending.len())];
            let queue = queue_for(policy.as_ref(), state, ids);
            group.bench_function(BenchmarkId::new(kind.name(), state.nodes), |b| {
                b.iter_batched(
                    || state.cluster.clone(),
                    |mut cluster| {
                        let stats = run_pass(
                            policy.as_mut(),
                            &mut cluster,
                            &state.plan,
                            profile,
                            &state.jobs,
                            &queue,
                            state.now_ms,
                            Explain::None,
                            None,
                            |_, _, _, _| {},
                        );
                        black_box(stats);
                        cluster
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    group.finish();
}

/// Replays for synergai and slo-aware: (nodes, jobs, Poisson arrivals per
/// node and second, name suffix). At 0.06 the cluster is busy but jobs
/// hardly wait; at 0.12 it is overloaded and a queue builds up, so every
/// event's pass walks a long queue (the setup line prints the mean wait).
const REPLAYS: [(usize, u64, f64, &str); 3] = [
    (50, 3_000, 0.06, ""),
    (500, 10_000, 0.06, ""),
    (50, 3_000, 0.12, "-overload"),
];

fn bench_replay(c: &mut Criterion, profile: &Arc<Profile>) {
    let mut group = c.benchmark_group("replay");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat);
    for (n, count, rate, suffix) in REPLAYS {
        let scenario = scenario(profile, n, count, rate);
        let name = format!("{n}n-{count}j{suffix}");
        for kind in [PolicyKind::Synergai, PolicyKind::SloAware] {
            let metrics = Simulator::new(&scenario, SimOptions::new(kind)).run();
            eprintln!(
                "replay {} {name}: {} events, {} decisions, {} violations, mean queue wait {:.1}s, makespan {:.0}s",
                kind.name(),
                metrics.events,
                metrics.decisions,
                metrics.violations,
                metrics.queue_wait_mean_ms / 1000.0,
                metrics.makespan_ms / 1000.0,
            );
            group.throughput(Throughput::Elements(metrics.events));
            group.bench_function(BenchmarkId::new(kind.name(), &name), |b| {
                b.iter(|| black_box(Simulator::new(&scenario, SimOptions::new(kind)).run()))
            });
        }
    }
    group.finish();
}

fn scheduling(c: &mut Criterion) {
    let profile = profile();
    let states: Vec<Loaded> = SIZES.iter().map(|&n| loaded(&profile, n)).collect();
    let largest = states.last().expect("sizes");
    let full = [full(largest, &profile)];
    bench_decide(c, "decide", &states, &profile);
    bench_decide(c, "decide-full", &full, &profile);
    bench_pass(c, &states, &profile);
    drop(states);
    bench_replay(c, &profile);
}

criterion_group!(benches, scheduling);
criterion_main!(benches);
