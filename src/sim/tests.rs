//! The replay engine's tests. Above all, incremental passes decide exactly
//! what the full re-plan decides: every policy, every shipped scenario and
//! generated ones (small, overloaded and
//! GPU-scarce, where long queues wait). The whole evaluation suite is
//! compared by `tests/quality.rs` in the optimized build.

use super::*;
use crate::fixture::generate::{GenerateParams, QosLevel, Shape, generate_scenario};
use crate::fixture::{Origin, load_scenario, scenario_from_text};
use crate::model::Scenario;
use crate::policy::PolicyKind;

/// Where every job ran, how and from when; the metrics but the overhead.
pub(crate) fn placements(scenario: &Scenario, kind: PolicyKind, incremental: bool) -> String {
    let options = SimOptions {
        incremental,
        ..SimOptions::new(kind)
    };
    let mut sim = Simulator::new(scenario, options);
    while sim.step() {}
    let mut out = String::new();
    for o in sim.job_outcomes() {
        out.push_str(&format!(
            "{} {:?} {:?} {:?} {:?} {:?} {:?}\n",
            o.job, o.start_ms, o.node, o.engine, o.threads, o.gpus, o.finish_ms
        ));
    }
    let m = sim.metrics();
    out.push_str(&format!(
        "violations {} decisions {} events {} makespan {}\n",
        m.violations, m.decisions, m.events, m.makespan_ms
    ));
    out
}

pub(crate) fn assert_same(scenario: &Scenario) {
    for kind in PolicyKind::ALL {
        let full = placements(scenario, kind, false);
        let incremental = placements(scenario, kind, true);
        if full != incremental {
            // The earliest placement that differs (a later finish follows
            // from a different neighbour placed after it).
            let start = |line: &str| -> f64 {
                let field = line.split(' ').nth(1).unwrap_or("");
                let inner = field.trim_start_matches("Some(").trim_end_matches(')');
                inner.parse().unwrap_or(f64::INFINITY)
            };
            let first = full
                .lines()
                .zip(incremental.lines())
                .filter(|(a, b)| a != b)
                .min_by(|(a, b), (c, d)| start(a).min(start(b)).total_cmp(&start(c).min(start(d))))
                .map(|(a, b)| format!("full:        {a}\nincremental: {b}"))
                .unwrap_or_default();
            panic!(
                "{} under {}: incremental passes differ from the full re-plan\n{first}",
                scenario.name,
                kind.name()
            );
        }
    }
}

#[test]
fn shipped_scenarios_decide_the_same_incrementally() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        assert_same(&load_scenario(&Origin::File(file)).unwrap());
    }
}

#[test]
fn generated_scenarios_decide_the_same_incrementally() {
    let shapes = [
        (11, 40, 0.7, Shape::Balanced, QosLevel::Normal),
        (12, 30, 1.4, Shape::CloudHeavy, QosLevel::Tight),
        (13, 60, 1.2, Shape::GpuScarce, QosLevel::Normal),
        (14, 25, 2.0, Shape::PiHeavy, QosLevel::Loose),
        // Found a representative change (a node leaving its group makes
        // another member the one weighed) that a first version missed.
        (3, 30, 1.6, Shape::GpuScarce, QosLevel::Normal),
    ];
    for (seed, nodes, load, shape, qos) in shapes {
        let params = GenerateParams {
            shape,
            qos,
            ..GenerateParams::new(nodes, 800, seed, load)
        };
        let text = generate_scenario(&params, "test").unwrap();
        let scenario =
            scenario_from_text(&Origin::Embedded(format!("test/{seed}")), &text).unwrap();
        assert_same(&scenario);
    }
}

#[test]
fn a_long_queue_is_not_decided_again_on_every_event() {
    let params = GenerateParams {
        shape: Shape::GpuScarce,
        ..GenerateParams::new(30, 800, 3, 1.6)
    };
    let text = generate_scenario(&params, "test").unwrap();
    let scenario = scenario_from_text(&Origin::Embedded("test/queue".into()), &text).unwrap();
    for kind in [
        PolicyKind::Synergai,
        PolicyKind::SloEnergy,
        PolicyKind::K8sDefault,
    ] {
        let calls = |incremental| {
            let mut sim = Simulator::new(
                &scenario,
                SimOptions {
                    incremental,
                    ..SimOptions::new(kind)
                },
            );
            while sim.step() {}
            (sim.policy_calls(), sim.metrics().decisions)
        };
        let (full_calls, full_decisions) = calls(false);
        let (calls, decisions) = calls(true);
        assert_eq!(decisions, full_decisions, "{kind}");
        assert!(
            calls * 3 < full_calls,
            "{kind}: {calls} policy calls incrementally, {full_calls} in full"
        );
    }
}

#[test]
fn live_snapshot_is_the_snapshot_without_future_jobs() {
    let scenario = crate::fixture::load_default().unwrap();
    let mut sim = Simulator::new(&scenario, SimOptions::new(PolicyKind::Synergai));
    sim.run_until(150_000.0);
    let mut full = sim.snapshot();
    full.jobs.retain(|j| j.state != JobState::Future);
    assert_eq!(sim.live_snapshot(usize::MAX), full);
    let recent = sim.live_snapshot(3);
    assert_eq!(
        recent
            .jobs
            .iter()
            .filter(|j| j.state == JobState::Done)
            .count(),
        3
    );
    assert_eq!(recent.done, full.done);
}

#[test]
fn ord_bits_orders_like_f64() {
    let xs = [-1e9, -3.5, -0.0, 0.0, 1e-9, 2.0, 1e12];
    for w in xs.windows(2) {
        assert!(ord_bits(w[0]) <= ord_bits(w[1]), "{} {}", w[0], w[1]);
        assert_eq!(from_ord_bits(ord_bits(w[0])), w[0]);
    }
}
