//! The headline targets of `scheduling.md`, checked on every shipped
//! scenario: synergai has no more violations than any baseline, and on
//! average ≥ 2.4× fewer than `slo-aware` and ≥ 5× fewer than `k8s-default`
//! (ratios use max(synergai's violations, 1) as the denominator).

use std::path::Path;
use synergai::fixture::{Origin, load_scenario};
use synergai::policy::PolicyKind;
use synergai::sim::{SimOptions, Simulator};

fn shipped() -> Vec<std::path::PathBuf> {
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
}

#[test]
fn synergai_beats_every_baseline_on_every_shipped_scenario() {
    let files = shipped();
    assert!(
        files.len() >= 5,
        "expected at least 5 shipped scenarios, found {files:?}"
    );
    let mut ratios_slo = Vec::new();
    let mut ratios_k8s = Vec::new();
    for file in &files {
        let scenario = load_scenario(&Origin::File(file.clone())).unwrap();
        let violations: Vec<(PolicyKind, u32)> = PolicyKind::ALL
            .iter()
            .map(|&p| {
                (
                    p,
                    Simulator::new(&scenario, SimOptions::new(p))
                        .run()
                        .violations,
                )
            })
            .collect();
        let ours = violations[0].1;
        for &(p, v) in &violations[1..] {
            assert!(ours <= v, "{}: synergai {ours} > {p} {v}", file.display());
        }
        let of = |k: PolicyKind| violations.iter().find(|(p, _)| *p == k).unwrap().1;
        ratios_slo.push(f64::from(of(PolicyKind::SloAware)) / f64::from(ours.max(1)));
        ratios_k8s.push(f64::from(of(PolicyKind::K8sDefault)) / f64::from(ours.max(1)));
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(mean(&ratios_slo) >= 2.4, "slo-aware ratios {ratios_slo:?}");
    assert!(
        mean(&ratios_k8s) >= 5.0,
        "k8s-default ratios {ratios_k8s:?}"
    );
}
