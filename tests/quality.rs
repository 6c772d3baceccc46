//! The placement-quality targets of `scheduling.md`, on every shipped
//! scenario and on the generated evaluation suite (`synergai replay
//! --suite`), against the strong competitors `slo-energy` and
//! `edf-rightsize`:
//!
//! - the geometric mean of (competitor's violations + 1) / (synergai's + 1)
//!   is at least 1.5 for each;
//! - synergai has no more violations than any other policy on at least 90%
//!   of the scenarios;
//! - where synergai and another policy both meet every deadline, synergai
//!   is not needlessly slow or costly: p95 latency ≤ 1.25× and energy
//!   ≤ 1.10× of the best such policy's.
//!
//! Replaying 30 scenarios under seven policies takes minutes without
//! optimisation, so this runs in release builds only (`scripts/test.sh`
//! runs `cargo test --profile ci --test quality`; `--release` works too).

use std::path::Path;
use synergai::fixture::{Origin, load_scenario, suite};
use synergai::model::Scenario;
use synergai::policy::PolicyKind;
use synergai::sim::{Metrics, SimOptions, Simulator};

fn shipped() -> Vec<Scenario> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yaml")
                && !p.to_string_lossy().contains(".overrides.")
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| load_scenario(&Origin::File(f)).unwrap())
        .collect()
}

/// Every policy's metrics on `scenario` (policies in parallel).
fn replay(scenario: &Scenario) -> Vec<Metrics> {
    std::thread::scope(|s| {
        let handles: Vec<_> = PolicyKind::ALL
            .iter()
            .map(|&p| s.spawn(move || Simulator::new(scenario, SimOptions::new(p)).run()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "minutes without optimisation: scripts/test.sh runs it with --profile ci"
)]
fn synergai_beats_the_strong_competitors_on_shipped_and_generated_scenarios() {
    let mut scenarios = shipped();
    assert!(scenarios.len() >= 6, "shipped scenarios missing");
    scenarios.extend(suite::load_suite().unwrap());
    assert!(scenarios.len() >= 30);
    let mut log_ratio = [0.0f64; 2];
    let mut fewest = 0;
    let mut report = Vec::new();
    for scenario in &scenarios {
        let metrics = replay(scenario);
        let of = |k: PolicyKind| metrics.iter().find(|m| m.policy == k.name()).unwrap();
        let ours = of(PolicyKind::Synergai);
        for (i, k) in [PolicyKind::SloEnergy, PolicyKind::EdfRightsize]
            .into_iter()
            .enumerate()
        {
            log_ratio[i] += (f64::from(of(k).violations + 1) / f64::from(ours.violations + 1)).ln();
        }
        if metrics.iter().all(|m| ours.violations <= m.violations) {
            fewest += 1;
        }
        let clean: Vec<&Metrics> = metrics
            .iter()
            .filter(|m| m.policy != "synergai" && m.violations == 0)
            .collect();
        if ours.violations == 0 && !clean.is_empty() {
            let p95 = clean
                .iter()
                .map(|m| m.latency_p95_ms)
                .fold(f64::INFINITY, f64::min);
            let energy = clean
                .iter()
                .map(|m| m.energy_j)
                .fold(f64::INFINITY, f64::min);
            assert!(
                ours.latency_p95_ms <= 1.25 * p95,
                "{}: synergai p95 {} vs best {p95}",
                scenario.name,
                ours.latency_p95_ms
            );
            assert!(
                ours.energy_j <= 1.10 * energy,
                "{}: synergai energy {} vs best {energy}",
                scenario.name,
                ours.energy_j
            );
        }
        report.push(format!(
            "{}: {}",
            scenario.name,
            metrics
                .iter()
                .map(|m| format!("{} {}", m.policy, m.violations))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let n = scenarios.len() as f64;
    let report = report.join("\n");
    for (i, name) in ["slo-energy", "edf-rightsize"].iter().enumerate() {
        let geomean = (log_ratio[i] / n).exp();
        assert!(
            geomean >= 1.5,
            "{name}: geometric mean {geomean:.2}\n{report}"
        );
    }
    assert!(
        f64::from(fewest) >= 0.9 * n,
        "synergai has the fewest violations on only {fewest} of {n}\n{report}"
    );
}

/// The simulator's violations and the model's lower bound on them agree
/// in direction: no policy beats a lost cause (a job whose QoS is shorter
/// than its fastest possible run).
#[test]
fn every_policy_misses_the_jobs_that_cannot_be_met() {
    let scenario = synergai::fixture::load_default().unwrap();
    let plan = synergai::policy::OfflinePlan::new(&scenario.profile, 0.9);
    let archs: Vec<u16> = (0..scenario.profile.archs.len() as u16).collect();
    let hopeless = scenario
        .jobs
        .iter()
        .filter(|j| plan.min_service_ms(j.model, j.queries, &archs) > j.qos_ms)
        .count() as u32;
    for p in PolicyKind::ALL {
        let m = Simulator::new(&scenario, SimOptions::new(p)).run();
        assert!(
            m.violations >= hopeless,
            "{p}: {} < {hopeless}",
            m.violations
        );
    }
}

/// Incremental passes (a held job decided again only when something it
/// could use changed) place every job of the suite where, how and when the
/// full re-plan does, under every policy (the shipped scenarios and small
/// generated ones are compared by the library's unit tests).
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "minutes without optimisation: scripts/test.sh runs it with --profile ci"
)]
fn incremental_passes_place_as_the_full_replan_does_on_the_suite() {
    let scenarios = suite::load_suite().unwrap();
    std::thread::scope(|s| {
        for scenario in &scenarios {
            s.spawn(move || {
                for kind in PolicyKind::ALL {
                    let run = |incremental| {
                        let options = SimOptions {
                            incremental,
                            ..SimOptions::new(kind)
                        };
                        let mut sim = Simulator::new(scenario, options);
                        while sim.step() {}
                        let m = sim.metrics();
                        (sim.job_outcomes(), m.violations, m.decisions, m.makespan_ms)
                    };
                    let (full, incremental) = (run(false), run(true));
                    assert!(
                        full == incremental,
                        "{} under {}: incremental passes differ from the full re-plan",
                        scenario.name,
                        kind.name()
                    );
                }
            });
        }
    });
}
