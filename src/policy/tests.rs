//! Unit tests of the policies on a hand-made two-architecture cluster.

use super::*;
use crate::model::{
    Architecture, Cluster, Engine, Isa, JobSpec, ModelSpec, NodeSpec, Pin, Profile, ProfileRow,
    RowSource, Tier,
};
use std::sync::Arc;

fn row(arch: u16, engine: Engine, threads: u32, qps: f64) -> ProfileRow {
    ProfileRow {
        model: 0,
        arch,
        engine,
        threads,
        qps,
        p99_ms: 10.0,
        watts: 5.0,
        memory_mib: 500,
        gpus: u32::from(engine == Engine::TENSORRT),
        source: RowSource::Estimate,
        note: String::new(),
    }
}

/// `gpu-board` (edge, 8 cores, 1 GPU) and `cpu-vm` (cloud, 16 cores).
fn profile() -> Profile {
    profile_with_vm_alpha(0.0)
}

/// [`profile`] with co-located jobs on `cpu-vm` slowing each other by `alpha`.
fn profile_with_vm_alpha(alpha: f64) -> Profile {
    let startup = vec![(Engine::ONNXRUNTIME, 0.0), (Engine::TENSORRT, 0.0)];
    let arch = |name: &str, gpu| Architecture {
        name: name.into(),
        isa: Isa::Arm64,
        gpu,
        interference_alpha: if gpu { 0.0 } else { alpha },
        startup_ms: startup.clone(),
        description: String::new(),
    };
    Profile::new(
        "test".into(),
        String::new(),
        0.9,
        vec![arch("gpu-board", true), arch("cpu-vm", false)],
        vec![ModelSpec {
            name: "net".into(),
            task: String::new(),
            default_threads: 4,
            description: String::new(),
        }],
        vec![
            row(0, Engine::TENSORRT, 1, 1000.0),
            row(0, Engine::ONNXRUNTIME, 4, 100.0),
            row(0, Engine::ONNXRUNTIME, 8, 150.0),
            row(1, Engine::ONNXRUNTIME, 2, 100.0),
            row(1, Engine::ONNXRUNTIME, 4, 180.0),
            row(1, Engine::ONNXRUNTIME, 8, 300.0),
            row(1, Engine::ONNXRUNTIME, 16, 320.0),
        ],
    )
}

fn node(name: &str, arch: u16) -> NodeSpec {
    NodeSpec {
        name: name.into(),
        arch,
        tier: if arch == 0 { Tier::Edge } else { Tier::Cloud },
        cores: if arch == 0 { 8 } else { 16 },
        memory_mib: 16_384,
        gpus: u32::from(arch == 0),
        network_ms: if arch == 0 { 2.0 } else { 50.0 },
        idle_watts: 0.0,
        busy_watts: 0.0,
        labels: Default::default(),
        taints: Vec::new(),
    }
}

fn job(queries: u64, qos_ms: f64) -> JobSpec {
    JobSpec {
        name: "j".into(),
        arrival_ms: 0.0,
        model: 0,
        queries,
        qos_ms,
        pin: None,
        allowed: None,
    }
}

struct World {
    profile: Profile,
    plan: OfflinePlan,
    cluster: Cluster,
}

fn world() -> World {
    let profile = profile();
    let plan = OfflinePlan::new(&profile, 0.9);
    let cluster = Cluster::new(Arc::new(vec![node("board", 0), node("vm", 1)]), &profile);
    World {
        profile,
        plan,
        cluster,
    }
}

/// What a policy sees deciding `jobs[0]` on `w` at 0 ms, explained.
fn context<'a>(w: &'a World, jobs: &'a [JobSpec]) -> Context<'a> {
    Context {
        now_ms: 0.0,
        cluster: &w.cluster,
        plan: &w.plan,
        profile: &w.profile,
        jobs,
        explain: true,
    }
}

fn decide(policy: &mut dyn Policy, w: &World, jobs: &[JobSpec]) -> Decision {
    policy.decide(0, &context(w, jobs))
}

fn assigned(d: &Decision) -> Assignment {
    match d.action {
        Action::Assign(a) => a,
        Action::Hold => panic!("expected an assignment, got {:?}", d.reason),
    }
}

#[test]
fn plan_finds_the_knee_and_keeps_cpu_fallback_on_gpu_boards() {
    let w = world();
    let vm = w.plan.get(0, 1).unwrap();
    assert_eq!(vm.knee_threads, 8, "300 ≥ 0.9 × 320 at 8 threads");
    assert_eq!(
        vm.candidates.iter().map(|c| c.threads).collect::<Vec<_>>(),
        vec![8, 16]
    );
    let board = w.plan.get(0, 0).unwrap();
    assert_eq!(board.knee.engine, Engine::TENSORRT);
    assert!(
        board
            .candidates
            .iter()
            .any(|c| c.engine == Engine::ONNXRUNTIME)
    );
}

#[test]
fn synergai_right_sizes_a_loose_job_and_uses_the_gpu_for_a_tight_one() {
    let w = world();
    // Loose: both meet the deadline; both cost about the same in served
    // queries, and the edge board wins the near-tie.
    let loose = [job(1000, 60_000.0)];
    let d = decide(&mut Synergai::default(), &w, &loose);
    let a = assigned(&d);
    assert!(matches!(d.reason, Reason::LeastCostMeetingDeadline { .. }));
    assert!(a.slack_ms > 0.0);
    assert_eq!(d.candidates.iter().filter(|c| c.chosen).count(), 1);
    // Tight: only the GPU meets 1.5 s for 1000 queries.
    let tight = [job(1000, 1500.0)];
    let a = assigned(&decide(&mut Synergai::default(), &w, &tight));
    assert_eq!(a.node, 0);
    assert_eq!(a.config.engine, Engine::TENSORRT);
}

#[test]
fn synergai_holds_when_waiting_for_the_gpu_beats_placing_now() {
    let mut w = world();
    // The GPU is busy for 100 ms more; the CPU alternatives take seconds.
    let gpu = w.plan.get(0, 0).unwrap().knee;
    w.cluster.place(0, 99, 100, &gpu.placement(), 0.0, false);
    let jobs = [job(1000, 1200.0)];
    let d = decide(&mut Synergai::default(), &w, &jobs);
    assert_eq!(d.action, Action::Hold, "{:?}", d.reason);
    assert!(matches!(
        d.reason,
        Reason::WaitMeetsDeadline { node: 0, .. }
    ));
}

#[test]
fn slo_aware_takes_the_fastest_fitting_configuration() {
    let w = world();
    let jobs = [job(1000, 60_000.0)];
    let a = assigned(&decide(&mut SloAware, &w, &jobs));
    assert_eq!((a.node, a.config.engine), (0, Engine::TENSORRT));
    // With the GPU taken, the fastest CPU configuration on the earliest node.
    let mut w = w;
    let gpu = w.plan.get(0, 0).unwrap().knee;
    w.cluster
        .place(0, 99, 1_000_000, &gpu.placement(), 0.0, false);
    let a = assigned(&decide(&mut SloAware, &w, &jobs));
    assert_eq!(
        (a.node, a.config.threads),
        (1, 16),
        "all 16 cores of the VM"
    );
}

#[test]
fn k8s_default_asks_for_the_fixed_request_on_the_least_allocated_node() {
    let w = world();
    let jobs = [job(1000, 60_000.0)];
    let a = assigned(&decide(&mut K8sDefault, &w, &jobs));
    assert_eq!(
        (a.config.engine, a.config.threads),
        (Engine::ONNXRUNTIME, 4)
    );
    assert_eq!(a.node, 1, "4 of 16 cores leaves more free than 4 of 8");
}

#[test]
fn pins_restrict_every_policy() {
    let w = world();
    let mut pinned = job(1000, 1500.0);
    pinned.pin = Some(Pin::Node(1));
    let jobs = [pinned];
    for kind in PolicyKind::ALL {
        let d = decide(kind.build(1).as_mut(), &w, &jobs);
        let a = assigned(&d);
        assert_eq!(a.node, 1, "{kind}");
        assert!(a.pinned, "{kind}");
    }
}

#[test]
fn nothing_fits_means_hold_with_a_reason() {
    let mut w = world();
    let huge = PlanConfig {
        engine: Engine::ONNXRUNTIME,
        threads: 16,
        gpus: 0,
        qps: 1.0,
        p99_ms: 1.0,
        watts: 1.0,
        memory_mib: 1,
        startup_ms: 0.0,
    };
    w.cluster
        .place(1, 98, 1_000_000, &huge.placement(), 0.0, false);
    let mut board = huge;
    board.threads = 8;
    w.cluster
        .place(0, 99, 1_000_000, &board.placement(), 0.0, false);
    let jobs = [job(10, 60_000.0)];
    for kind in [
        PolicyKind::K8sDefault,
        PolicyKind::RoundRobin,
        PolicyKind::Random,
        PolicyKind::SloAware,
    ] {
        let d = decide(kind.build(1).as_mut(), &w, &jobs);
        assert_eq!(
            (d.action, d.reason),
            (Action::Hold, Reason::NoCapacity),
            "{kind}"
        );
    }
}

#[test]
fn a_jobs_own_constraints_restrict_every_policy_without_being_an_override() {
    let w = world();
    let mut constrained = job(1000, 1500.0);
    constrained.allowed = Some(Arc::from(vec![1u32]));
    let jobs = [constrained];
    for kind in PolicyKind::ALL {
        let a = assigned(&decide(kind.build(1).as_mut(), &w, &jobs));
        assert_eq!(a.node, 1, "{kind}");
        assert!(
            !a.pinned,
            "{kind}: a constraint is not an operator override"
        );
    }
    let mut nowhere = job(10, 60_000.0);
    nowhere.allowed = Some(Arc::from(Vec::<u32>::new()));
    let jobs = [nowhere];
    for kind in PolicyKind::ALL {
        let d = decide(kind.build(1).as_mut(), &w, &jobs);
        assert_eq!(d.action, Action::Hold, "{kind}");
    }
}

#[test]
fn synergai_gives_a_loose_job_on_an_idle_cluster_its_fastest_configuration() {
    let w = world();
    // Nothing is scarce (θ = 0, the job is loose): latency decides.
    let jobs = [job(1000, 600_000.0)];
    let a = assigned(&decide(&mut Synergai::default(), &w, &jobs));
    assert_eq!((a.node, a.config.engine), (0, Engine::TENSORRT));
}

#[test]
fn synergai_right_sizes_under_pressure() {
    let mut w = world();
    // The VM is busy with 12 of 16 cores: θ rises, and a job with room
    // takes a small configuration instead of the fastest.
    let busy = w.plan.get(0, 1).unwrap().by_speed[1];
    w.cluster
        .place(1, 97, 1_000_000, &busy.placement(), 0.0, false);
    let gpu = w.plan.get(0, 0).unwrap().knee;
    w.cluster
        .place(0, 98, 1_000_000, &gpu.placement(), 0.0, false);
    // Four jobs wait for two nodes: θ = 1, resources decide.
    let jobs = vec![job(1000, 600_000.0); 4];
    let ctx = Context {
        now_ms: 0.0,
        cluster: &w.cluster,
        plan: &w.plan,
        profile: &w.profile,
        jobs: &jobs,
        explain: false,
    };
    let mut policy = Synergai::default();
    policy.prepare(&[0, 1, 2, 3], &ctx);
    let d = policy.decide(0, &ctx);
    let a = assigned(&d);
    assert!(
        matches!(d.reason, Reason::LeastCostMeetingDeadline { pressure, .. } if pressure == 1.0),
        "{:?}",
        d.reason
    );
    // Not the fastest (8 or 16 VM threads): a small CPU configuration
    // where a core serves the most for what it is worth.
    assert_eq!(a.config.engine, Engine::ONNXRUNTIME);
    assert!(a.config.threads <= 4, "right-sized: {:?}", a.config);
}

#[test]
fn synergai_under_pressure_steers_a_job_with_room_to_the_energy_efficient_configuration() {
    let mut w = world();
    // The VM is busy with 12 of 16 cores; the GPU board is free. Every
    // row draws 5 W, so the GPU's 1000 qps cost a tenth of the energy per
    // query of the VM's 100 qps.
    let busy = w.plan.get(0, 1).unwrap().by_speed[1];
    w.cluster
        .place(1, 97, 1_000_000, &busy.placement(), 0.0, false);
    let jobs = vec![job(1000, 600_000.0); 4];
    let ctx = Context {
        now_ms: 0.0,
        cluster: &w.cluster,
        plan: &w.plan,
        profile: &w.profile,
        jobs: &jobs,
        explain: false,
    };
    let choose = |params: SynergaiParams| {
        let mut policy = Synergai::new(params);
        policy.prepare(&[0, 1, 2, 3], &ctx);
        assigned(&policy.decide(0, &ctx))
    };
    // Priced by capacity alone, a CPU configuration is cheapest.
    let capacity_only = choose(SynergaiParams {
        energy_weight: 0.0,
        ..SynergaiParams::default()
    });
    assert_eq!(
        capacity_only.config.engine,
        Engine::ONNXRUNTIME,
        "{capacity_only:?}"
    );
    // With the energy factor, the job with room takes the efficient GPU.
    let a = choose(SynergaiParams::default());
    assert_eq!((a.node, a.config.engine), (0, Engine::TENSORRT), "{a:?}");
}

#[test]
fn synergai_puts_jobs_that_cannot_meet_their_deadline_last() {
    let w = world();
    // Job 0 cannot finish 1000 queries in 100 ms anywhere; job 1 can.
    let jobs = [job(1000, 100.0), job(100, 60_000.0)];
    let ctx = Context {
        now_ms: 0.0,
        cluster: &w.cluster,
        plan: &w.plan,
        profile: &w.profile,
        jobs: &jobs,
        explain: false,
    };
    let mut policy = Synergai::default();
    assert_eq!(policy.prepare(&[0, 1], &ctx), Some(vec![1, 0]));
    let d = policy.decide(0, &ctx);
    assert!(
        matches!(d.reason, Reason::LostCheapest { .. }),
        "{:?}",
        d.reason
    );
}

#[test]
fn slo_energy_takes_the_least_energy_and_edf_rightsize_the_least_core_seconds() {
    let w = world();
    let jobs = [job(1000, 600_000.0)];
    let d = decide(PolicyKind::SloEnergy.build(1).as_mut(), &w, &jobs);
    let chosen = assigned(&d);
    let energy = |c: &Candidate| c.config.watts * (c.predicted_completion_ms - c.start_ms);
    let least = d
        .candidates
        .iter()
        .map(energy)
        .fold(f64::INFINITY, f64::min);
    let picked = d.candidates.iter().find(|c| c.chosen).unwrap();
    assert!(matches!(d.reason, Reason::LeastEnergy { .. }));
    assert!(energy(picked) <= least * 1.05, "{chosen:?}");
    let d = decide(PolicyKind::EdfRightsize.build(1).as_mut(), &w, &jobs);
    assert!(matches!(d.reason, Reason::LeastCoreSeconds { .. }));
    let picked = d.candidates.iter().find(|c| c.chosen).unwrap();
    assert!(
        d.candidates
            .iter()
            .all(|c| picked.score.unwrap() <= c.score.unwrap()),
        "least core-seconds"
    );
}

#[test]
fn the_edf_competitors_order_by_deadline_then_laxity() {
    let w = world();
    let early = JobSpec {
        arrival_ms: 10.0,
        ..job(100, 1_000.0)
    };
    let late = job(100, 5_000.0);
    let order = QueueOrder::EarliestDeadline;
    let nodes = w.cluster.specs().clone();
    let k = |j: &JobSpec| order.key(j, &nodes, &w.plan, &[0, 1]);
    assert!(k(&early) < k(&late));
    // Equal deadlines: the longer job (less laxity) first.
    let long = job(5_000, 5_000.0);
    assert!(k(&long) < k(&late));
    assert_eq!(PolicyKind::SloEnergy.build(1).order(), order);
    assert_eq!(PolicyKind::EdfRightsize.build(1).order(), order);
}

/// [`decide`], completed as an explained pass completes it.
fn explain(policy: &mut dyn Policy, w: &World, jobs: &[JobSpec]) -> Decision {
    let ctx = context(w, jobs);
    let mut d = policy.decide(0, &ctx);
    explain::finish(&mut d, &jobs[0], &ctx, policy.higher_score_wins());
    d
}

/// Every candidate but the chosen one says why it lost.
fn every_loser_says_why(d: &Decision) {
    for c in &d.candidates {
        assert_eq!(c.rejected.is_none(), c.chosen, "{c:?}");
    }
}

#[test]
fn every_policy_says_why_each_candidate_lost() {
    let w = world();
    let jobs = [job(1000, 60_000.0)];
    for kind in PolicyKind::ALL {
        let mut policy = kind.build(1);
        let d = explain(policy.as_mut(), &w, &jobs);
        // Round-robin stops at the first node in turn that fits.
        assert!(
            d.candidates.len() > 1 || kind == PolicyKind::RoundRobin,
            "{kind}"
        );
        every_loser_says_why(&d);
        assert!(d.filtered.is_empty(), "{kind}: nothing filtered");
    }
}

#[test]
fn a_cheaper_candidate_with_slack_says_it_costs_more() {
    let w = world();
    let d = explain(&mut Synergai::default(), &w, &[job(1000, 60_000.0)]);
    let chosen = d.candidates.iter().find(|c| c.chosen).unwrap();
    let outscored: Vec<_> = d
        .candidates
        .iter()
        .filter_map(|c| match c.rejected {
            Some(Rejection::Outscored {
                score,
                chosen: best,
                higher_wins: false,
            }) => Some((c, score, best)),
            _ => None,
        })
        .collect();
    assert!(!outscored.is_empty(), "{:#?}", d.candidates);
    for (c, score, best) in outscored {
        assert!(c.slack_ms >= 0.0);
        assert_eq!(Some(best), chosen.score);
        assert!(score >= best, "{score} < {best}");
        assert!(c.rejected.unwrap().describe().starts_with("costs more"));
    }
}

#[test]
fn k8s_default_candidates_lose_on_a_lower_score() {
    let w = world();
    let d = explain(&mut K8sDefault, &w, &[job(1000, 60_000.0)]);
    let lost = d
        .candidates
        .iter()
        .find(|c| !c.chosen)
        .and_then(|c| c.rejected)
        .unwrap();
    assert!(matches!(
        lost,
        Rejection::Outscored {
            higher_wins: true,
            ..
        }
    ));
    assert!(lost.describe().starts_with("scores lower"), "{lost:?}");
}

#[test]
fn a_faster_configuration_that_does_not_fit_says_what_is_short() {
    let mut w = world();
    // The GPU is taken for a long time: the board's TensorRT configuration
    // (the fastest anywhere) no longer fits.
    let gpu = w.plan.get(0, 0).unwrap().knee;
    w.cluster
        .place(0, 99, 1_000_000, &gpu.placement(), 0.0, false);
    let d = explain(&mut Synergai::default(), &w, &[job(1000, 60_000.0)]);
    every_loser_says_why(&d);
    let unfit = d
        .candidates
        .iter()
        .find(|c| c.config.engine == Engine::TENSORRT && c.start_ms == 0.0)
        .expect("the TensorRT configuration is listed");
    assert_eq!(
        unfit.rejected,
        Some(Rejection::DoesNotFit {
            cores: 0,
            memory_mib: 0,
            gpus: 1
        })
    );
    assert_eq!(
        unfit.rejected.unwrap().describe(),
        "does not fit: 1 GPU short"
    );
}

#[test]
fn a_pin_filters_the_other_architecture_and_says_so() {
    let w = world();
    let mut pinned = job(1000, 60_000.0);
    pinned.pin = Some(Pin::Node(1));
    let d = explain(&mut Synergai::default(), &w, &[pinned]);
    assert_eq!(
        d.filtered,
        vec![Filtered {
            arch: 0,
            why: FilterReason::PinnedElsewhere,
            nodes: 1,
            example: 0,
        }]
    );
    assert!(d.candidates.iter().all(|c| c.node == 1));
}

#[test]
fn a_candidate_without_co_location_margin_says_so() {
    // One job already runs on the VM, where a co-located job slows each
    // other by α = 1: 8 threads meet 8 s with today's two jobs (6.7 s) but
    // not with one more (10 s).
    let profile = profile_with_vm_alpha(1.0);
    let plan = OfflinePlan::new(&profile, 0.9);
    let mut cluster = Cluster::new(Arc::new(vec![node("board", 0), node("vm", 1)]), &profile);
    let busy = plan.get(0, 1).unwrap().by_speed[2];
    assert_eq!(busy.threads, 4);
    cluster.place(1, 99, 1_000_000, &busy.placement(), 0.0, false);
    let w = World {
        profile,
        plan,
        cluster,
    };
    let d = explain(&mut Synergai::default(), &w, &[job(1000, 8000.0)]);
    every_loser_says_why(&d);
    let eight = d
        .candidates
        .iter()
        .find(|c| c.node == 1 && c.config.threads == 8 && c.start_ms == 0.0)
        .unwrap();
    // The board's GPU meets it with margin and is chosen.
    assert!(matches!(
        eight.rejected,
        Some(Rejection::NoCoLocationMargin { late_ms }) if (late_ms - 2050.0).abs() < 1.0
    ));
    // Sixteen threads would need the four cores the running job holds.
    assert!(d.candidates.iter().any(|c| c.config.threads == 16
        && c.rejected
            == Some(Rejection::DoesNotFit {
                cores: 4,
                memory_mib: 0,
                gpus: 0
            })));
}

#[test]
fn a_hold_marks_the_wait_it_holds_for() {
    let mut w = world();
    let gpu = w.plan.get(0, 0).unwrap().knee;
    w.cluster.place(0, 99, 100, &gpu.placement(), 0.0, false);
    let d = explain(&mut Synergai::default(), &w, &[job(1000, 1200.0)]);
    let Reason::WaitMeetsDeadline { node, at_ms } = d.reason else {
        panic!("{:?}", d.reason);
    };
    let held_for: Vec<_> = d.candidates.iter().filter(|c| c.chosen).collect();
    assert_eq!(held_for.len(), 1);
    assert_eq!((held_for[0].node, held_for[0].start_ms), (node, at_ms));
    every_loser_says_why(&d);
}
