//! Tiny hand-made scenarios whose bound is known exactly, each checked
//! against every policy of the simulator too.

use super::*;
use crate::model::{
    Architecture, Engine, Isa, ModelSpec, NodeSpec, Pin, Profile, ProfileRow, RowSource, Taint,
    TaintEffect, Tier,
};
use crate::policy::PolicyKind;
use crate::sim::{SimOptions, Simulator};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One model; arch 0 `cpu` (1 thread: 10 qps, 2 threads: 16 qps), arch 1
/// `gpu` (CPU 1 thread: 2 qps; TensorRT 1 thread: 100 qps), no startup.
fn profile() -> Profile {
    let arch = |name: &str, gpu: bool| Architecture {
        name: name.into(),
        isa: Isa::X86_64,
        gpu,
        interference_alpha: 0.5,
        startup_ms: Engine::BUILTIN.iter().map(|&e| (e, 0.0)).collect(),
        description: String::new(),
    };
    let row = |arch: u16, engine: Engine, threads: u32, qps: f64| ProfileRow {
        model: 0,
        arch,
        engine,
        threads,
        qps,
        p99_ms: 1.0,
        watts: 1.0,
        memory_mib: 1000,
        gpus: u32::from(engine == Engine::TENSORRT),
        source: RowSource::Measured,
        note: String::new(),
    };
    Profile::new(
        "tiny".into(),
        String::new(),
        0.9,
        vec![arch("cpu", false), arch("gpu", true)],
        vec![ModelSpec {
            name: "m".into(),
            task: "t".into(),
            default_threads: 1,
            description: String::new(),
        }],
        vec![
            row(0, Engine::ONNXRUNTIME, 1, 10.0),
            row(0, Engine::ONNXRUNTIME, 2, 16.0),
            row(1, Engine::ONNXRUNTIME, 1, 2.0),
            row(1, Engine::TENSORRT, 1, 100.0),
        ],
    )
}

fn node(name: &str, arch: u16, cores: u32, gpus: u32) -> NodeSpec {
    NodeSpec {
        name: name.into(),
        arch,
        tier: Tier::Edge,
        cores,
        memory_mib: 4096,
        gpus,
        network_ms: 0.0,
        idle_watts: 1.0,
        busy_watts: 2.0,
        labels: BTreeMap::new(),
        taints: Vec::new(),
    }
}

/// A job of `queries` arriving at `arrival_ms` with `qos_ms`.
fn job(i: usize, arrival_ms: f64, queries: u64, qos_ms: f64) -> JobSpec {
    JobSpec {
        name: format!("j{i:02}"),
        arrival_ms,
        model: 0,
        queries,
        qos_ms,
        pin: None,
        allowed: None,
    }
}

fn scenario(nodes: Vec<NodeSpec>, jobs: Vec<JobSpec>) -> Scenario {
    Scenario {
        name: "tiny".into(),
        description: String::new(),
        source: "test".into(),
        seed: 1,
        profile: Arc::new(profile()),
        nodes: Arc::new(nodes),
        jobs: Arc::new(jobs),
    }
}

/// The bound with the default options, checked against every policy.
fn checked(s: &Scenario) -> Bound {
    checked_with(s, &BoundOptions::default())
}

fn checked_with(s: &Scenario, options: &BoundOptions) -> Bound {
    let b = lower_bound(s, options).expect("bound");
    // The greedy shortcut never changes the bound.
    let solved = BoundOptions {
        greedy: !options.greedy,
        ..options.clone()
    };
    assert_eq!(lower_bound(s, &solved).expect("bound").bound, b.bound);
    assert!(b.bound >= b.trivial, "{b:?}");
    for policy in PolicyKind::ALL {
        let v = Simulator::new(s, SimOptions::new(policy)).run().violations;
        assert!(v >= b.bound, "{policy}: {v} violations < bound {}", b.bound);
    }
    b
}

#[test]
fn two_jobs_that_fit_only_in_parallel_on_one_core_lose_one() {
    // Each needs the only core for the whole of [0, 1 s].
    let s = scenario(
        vec![node("a", 0, 1, 0)],
        vec![job(0, 0.0, 10, 1000.0), job(1, 0.0, 10, 1000.0)],
    );
    let b = checked(&s);
    assert_eq!((b.trivial, b.bound), (0, 1), "{b:?}");
    // Coarse uniform slots still see it.
    let coarse = BoundOptions {
        slot_ms: Some(300.0),
        ..BoundOptions::default()
    };
    assert_eq!(checked_with(&s, &coarse).bound, 1);
}

#[test]
fn two_jobs_that_fit_one_after_the_other_lose_none() {
    let s = scenario(
        vec![node("a", 0, 1, 0)],
        vec![job(0, 0.0, 10, 2000.0), job(1, 0.0, 10, 2000.0)],
    );
    let b = checked(&s);
    assert_eq!((b.trivial, b.bound), (0, 0), "{b:?}");
}

#[test]
fn a_second_core_or_node_saves_both() {
    let two_cores = scenario(
        vec![node("a", 0, 2, 0)],
        vec![job(0, 0.0, 10, 1000.0), job(1, 0.0, 10, 1000.0)],
    );
    assert_eq!(checked(&two_cores).bound, 0);
    let two_nodes = scenario(
        vec![node("a", 0, 1, 0), node("b", 0, 1, 0)],
        vec![job(0, 0.0, 10, 1000.0), job(1, 0.0, 10, 1000.0)],
    );
    assert_eq!(checked(&two_nodes).bound, 0);
}

#[test]
fn three_jobs_on_two_cores_lose_one() {
    let s = scenario(
        vec![node("a", 0, 2, 0)],
        (0..3).map(|i| job(i, 0.0, 10, 1000.0)).collect(),
    );
    assert_eq!(checked(&s).bound, 1);
}

#[test]
fn a_job_too_short_for_its_fastest_run_is_trivially_late() {
    // 10 queries take 625 ms at best (2 threads, 16 qps).
    let s = scenario(
        vec![node("a", 0, 2, 0)],
        vec![job(0, 0.0, 10, 600.0), job(1, 0.0, 10, 700.0)],
    );
    let b = checked(&s);
    assert_eq!((b.trivial, b.bound), (1, 1), "{b:?}");
    // Behind a slow link it cannot make it either.
    let mut far = node("a", 0, 2, 0);
    far.network_ms = 100.0;
    let s = scenario(vec![far], vec![job(0, 0.0, 10, 700.0)]);
    assert_eq!(checked(&s).trivial, 1);
}

#[test]
fn memory_and_cores_of_one_node_limit_the_configurations() {
    // The 2-thread configuration does not fit a 1-core node: 1000 ms at best.
    let s = scenario(vec![node("a", 0, 1, 0)], vec![job(0, 0.0, 10, 700.0)]);
    assert_eq!(checked(&s).trivial, 1);
    let mut small = node("a", 0, 2, 0);
    small.memory_mib = 500;
    let s = scenario(vec![small], vec![job(0, 0.0, 10, 5000.0)]);
    assert_eq!(checked(&s).trivial, 1);
}

#[test]
fn one_gpu_serves_one_job_at_a_time() {
    // 100 queries: 1 s on the GPU, 50 s on the CPU; two jobs due in 1.5 s.
    let s = scenario(
        vec![node("g", 1, 8, 1)],
        vec![job(0, 0.0, 100, 1500.0), job(1, 0.0, 100, 1500.0)],
    );
    let b = checked(&s);
    assert_eq!((b.trivial, b.bound), (0, 1), "{b:?}");
    // A GPU board that declares no GPU only has its CPU.
    let s = scenario(vec![node("g", 1, 8, 0)], vec![job(0, 0.0, 100, 1500.0)]);
    assert_eq!(checked(&s).trivial, 1);
}

#[test]
fn pins_constraints_and_taints_restrict_the_nodes() {
    let nodes = || vec![node("a", 0, 1, 0), node("b", 0, 1, 0)];
    let both = || vec![job(0, 0.0, 10, 1000.0), job(1, 0.0, 10, 1000.0)];
    assert_eq!(checked(&scenario(nodes(), both())).bound, 0);
    let mut pinned = both();
    for j in &mut pinned {
        j.pin = Some(Pin::Node(1));
    }
    assert_eq!(checked(&scenario(nodes(), pinned)).bound, 1);
    let mut constrained = both();
    for j in &mut constrained {
        j.allowed = Some(Arc::from(vec![0]));
    }
    assert_eq!(checked(&scenario(nodes(), constrained)).bound, 1);
    let mut tainted = nodes();
    tainted[0].taints.push(Taint {
        key: "k".into(),
        value: None,
        effect: TaintEffect::NoSchedule,
    });
    assert_eq!(checked(&scenario(tainted, both())).bound, 1);
    // A job pinned to another architecture than the only node's.
    let mut wrong_arch = both();
    wrong_arch[0].pin = Some(Pin::Arch(1));
    let b = checked(&scenario(vec![node("a", 0, 1, 0)], wrong_arch));
    assert_eq!((b.trivial, b.bound), (1, 1), "{b:?}");
}

#[test]
fn later_arrivals_and_windows() {
    // Job 1 arrives when job 0 is half done: 1.5 s of work in [0, 1.5 s]
    // for both on one core is too much; two windows of one job each cannot
    // see it (sound, weaker).
    let s = scenario(
        vec![node("a", 0, 1, 0)],
        vec![job(0, 0.0, 10, 1000.0), job(1, 500.0, 10, 1000.0)],
    );
    let b = checked(&s);
    assert_eq!(b.bound, 1);
    assert_eq!(b.windows.len(), 1);
    let split = BoundOptions {
        window_jobs: 1,
        ..BoundOptions::default()
    };
    let b = checked_with(&s, &split);
    assert_eq!((b.bound, b.windows.len()), (0, 2));
}

#[test]
fn many_equal_jobs_count_exactly() {
    // 10 jobs of 1 s each due in 3 s on 2 single-core nodes: 6 make it.
    let s = scenario(
        vec![node("a", 0, 1, 0), node("b", 0, 1, 0)],
        (0..10).map(|i| job(i, 0.0, 10, 3000.0)).collect(),
    );
    let b = checked(&s);
    assert_eq!(b.bound, 4, "{b:?}");
    // Unless split into windows of 3 jobs (each alone fits): 0 + 0 + 0 + 0.
    let split = BoundOptions {
        window_jobs: 3,
        ..BoundOptions::default()
    };
    assert_eq!(checked_with(&s, &split).bound, 0);
}

#[test]
fn an_empty_scenario_and_bad_options() {
    let s = scenario(vec![node("a", 0, 1, 0)], Vec::new());
    let b = lower_bound(&s, &BoundOptions::default()).unwrap();
    assert_eq!((b.jobs, b.bound, b.windows.len()), (0, 0, 0));
    for bad in [
        BoundOptions {
            window_jobs: 0,
            ..BoundOptions::default()
        },
        BoundOptions {
            slot_ms: Some(0.0),
            ..BoundOptions::default()
        },
    ] {
        assert!(matches!(lower_bound(&s, &bad), Err(Error::Usage(_))));
    }
}
