//! `synergai bound`: on random small scenarios the bound sits between the
//! trivial bound and every policy's violations; the command's outputs.
//! Without the `bound` feature the command exits 2 and says how to build it.

#[cfg(not(feature = "bound"))]
#[test]
fn bound_without_a_solver_exits_2_and_says_how_to_build_it() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_synergai"))
        .arg("bound")
        .output()
        .expect("run synergai");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--features bound"));
}

#[cfg(feature = "bound")]
mod with_solver {

    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::process::Command;
    use std::sync::{Arc, OnceLock};
    use synergai::bound::{BoundOptions, lower_bound};
    use synergai::fixture::{Origin, load_profile};
    use synergai::model::Scenario;
    use synergai::model::{JobSpec, NodeSpec, Pin, Profile, Taint, TaintEffect, Tier};
    use synergai::policy::{OfflinePlan, PolicyKind};
    use synergai::sim::{SimOptions, Simulator};

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

    #[derive(Clone, Debug)]
    struct NodeParams {
        arch: usize,
        cores: u32,
        memory_mib: u64,
        gpus: u32,
        network_ms: f64,
        /// 0..8: none; 8: NoSchedule; 9: PreferNoSchedule.
        taint: u8,
    }

    #[derive(Clone, Debug)]
    struct JobParams {
        arrival_ms: f64,
        model: usize,
        queries: u64,
        /// QoS as a multiple of the fastest run on the cluster's architectures.
        qos_factor: f64,
        /// 0..6: none; 6: a node; 7: an architecture; 8: allowed nodes.
        restriction: u8,
        target: usize,
    }

    fn node_params() -> impl Strategy<Value = NodeParams> {
        (
            0usize..16,
            1u32..=16,
            512u64..=32_768,
            0u32..=2,
            0.0f64..50.0,
            0u8..10,
        )
            .prop_map(
                |(arch, cores, memory_mib, gpus, network_ms, taint)| NodeParams {
                    arch,
                    cores,
                    memory_mib,
                    gpus,
                    network_ms,
                    taint,
                },
            )
    }

    fn job_params() -> impl Strategy<Value = JobParams> {
        (
            0.0f64..20_000.0,
            0usize..8,
            1u64..3_000,
            0.7f64..6.0,
            0u8..9,
            0usize..64,
        )
            .prop_map(
                |(arrival_ms, model, queries, qos_factor, restriction, target)| JobParams {
                    arrival_ms,
                    model,
                    queries,
                    qos_factor,
                    restriction,
                    target,
                },
            )
    }

    /// A valid scenario: nodes sorted by name, GPUs only on GPU architectures,
    /// every job's model runnable on some architecture present.
    fn build(seed: u64, nodes: &[NodeParams], jobs: &[JobParams]) -> Scenario {
        let profile = profile();
        let plan = OfflinePlan::new(&profile, profile.knee_threshold);
        let n_arch = profile.archs.len();
        let nodes: Vec<NodeSpec> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let arch = (n.arch % n_arch) as u16;
                NodeSpec {
                    name: format!("node-{i:02}"),
                    arch,
                    tier: Tier::Edge,
                    cores: n.cores,
                    memory_mib: n.memory_mib,
                    gpus: if profile.arch(arch).gpu { n.gpus } else { 0 },
                    network_ms: (n.network_ms * 1000.0).round() / 1000.0,
                    idle_watts: 5.0,
                    busy_watts: 20.0,
                    labels: BTreeMap::new(),
                    taints: match n.taint {
                        8 => vec![taint(TaintEffect::NoSchedule)],
                        9 => vec![taint(TaintEffect::PreferNoSchedule)],
                        _ => Vec::new(),
                    },
                }
            })
            .collect();
        let mut present: Vec<u16> = nodes.iter().map(|n| n.arch).collect();
        present.sort_unstable();
        present.dedup();
        let models: Vec<u16> = (0..profile.models.len() as u16)
            .filter(|&m| present.iter().any(|&a| plan.get(m, a).is_some()))
            .collect();
        let mut specs: Vec<JobSpec> = jobs
            .iter()
            .enumerate()
            .map(|(i, j)| {
                let model = models[j.model % models.len()];
                let fastest = plan.min_service_ms(model, j.queries, &present);
                let (pin, allowed) = match j.restriction {
                    6 => (Some(Pin::Node((j.target % nodes.len()) as u32)), None),
                    7 => (Some(Pin::Arch(present[j.target % present.len()])), None),
                    8 => {
                        let mut set: Vec<u32> = (0..nodes.len() as u32)
                            .filter(|n| (j.target >> (n % 6)) & 1 == 1)
                            .collect();
                        set.dedup();
                        (None, Some(Arc::from(set)))
                    }
                    _ => (None, None),
                };
                JobSpec {
                    name: format!("j-{i:03}"),
                    arrival_ms: (j.arrival_ms * 1000.0).round() / 1000.0,
                    model,
                    queries: j.queries,
                    qos_ms: (j.qos_factor * fastest * 1000.0).round() / 1000.0,
                    pin,
                    allowed,
                }
            })
            .collect();
        specs.sort_by(|a, b| {
            a.arrival_ms
                .total_cmp(&b.arrival_ms)
                .then_with(|| a.name.cmp(&b.name))
        });
        Scenario {
            name: "prop".into(),
            description: String::new(),
            source: "proptest".into(),
            seed,
            profile,
            nodes: Arc::new(nodes),
            jobs: Arc::new(specs),
        }
    }

    fn taint(effect: TaintEffect) -> Taint {
        Taint {
            key: "dedicated".into(),
            value: None,
            effect,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 32,
            max_shrink_iters: 100,
            ..ProptestConfig::default()
        })]

        #[test]
        fn no_policy_beats_the_bound_and_the_bound_beats_the_trivial_one(
            seed in any::<u64>(),
            nodes in proptest::collection::vec(node_params(), 2..=6),
            jobs in proptest::collection::vec(job_params(), 5..=40),
            window_jobs in prop_oneof![3 => Just(100usize), 1 => 1usize..=12],
            slot_ms in prop_oneof![3 => Just(None), 1 => (500.0f64..5_000.0).prop_map(Some)],
        ) {
            let scenario = build(seed, &nodes, &jobs);
            let options = BoundOptions { window_jobs, slot_ms, greedy: false, ..BoundOptions::default() };
            let b = lower_bound(&scenario, &options).expect("bound");
            // The greedy shortcut only skips LPs whose value it knows.
            let quick = BoundOptions { greedy: true, ..options };
            prop_assert_eq!(lower_bound(&scenario, &quick).expect("bound").bound, b.bound);
            prop_assert!(b.bound >= b.trivial, "{:?}", b);
            prop_assert!(b.bound as usize <= b.jobs);
            for policy in PolicyKind::ALL {
                let v = Simulator::new(&scenario, SimOptions::new(policy)).run().violations;
                prop_assert!(
                    v >= b.bound,
                    "{}: {} violations < bound {} (trivial {}, windows {:?})",
                    policy, v, b.bound, b.trivial, b.windows
                );
            }
        }
    }

    #[test]
    fn bound_prints_json_with_every_field() {
        let fixture = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/scenarios/light-load.yaml"
        );
        let o = Command::new(env!("CARGO_BIN_EXE_synergai"))
            .args(["bound", fixture, "-o", "json"])
            .output()
            .expect("run synergai");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
        assert_eq!(v["kind"], "BoundReport");
        assert!(v["apiVersion"].is_string());
        let s = &v["scenarios"][0];
        assert_eq!(s["scenario"], "light-load");
        let jobs = s["jobs"].as_u64().expect("jobs");
        assert_eq!(jobs, 148);
        let bound = s["bound"].as_u64().expect("bound");
        let trivial = s["trivial"].as_u64().expect("trivial");
        assert!(trivial <= bound && bound <= jobs, "{s}");
        assert!(s["lpValue"].as_f64().expect("lpValue") <= bound as f64 + 1e-9);
        assert!(s["solveMs"].as_f64().expect("solveMs") >= 0.0);
        assert!(s["solver"].is_string());
        assert!(
            s["relaxed"]
                .as_str()
                .expect("relaxed")
                .contains("no interference")
        );
        let windows = s["windows"].as_array().expect("windows");
        assert!(!windows.is_empty());
        let in_windows: u64 = windows.iter().map(|w| w["jobs"].as_u64().unwrap()).sum();
        assert_eq!(in_windows, jobs);
        let bounds: u64 = windows.iter().map(|w| w["bound"].as_u64().unwrap()).sum();
        assert_eq!(bounds, bound);
        for w in windows {
            for field in ["firstJob", "lastJob", "status"] {
                assert!(w[field].is_string(), "{field}: {w}");
            }
            for field in ["slots", "variables", "constraints", "trivial", "solveMs"] {
                assert!(w[field].is_number(), "{field}: {w}");
            }
        }
        // The replay's violations never go below it.
        let o = Command::new(env!("CARGO_BIN_EXE_synergai"))
            .args(["replay", fixture, "-o", "json"])
            .output()
            .expect("run synergai");
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
        for m in r["scenarios"][0]["policies"].as_array().unwrap() {
            assert!(m["violations"].as_u64().unwrap() >= bound, "{m}");
        }
    }

    #[test]
    fn bound_table_has_the_columns() {
        let o = Command::new(env!("CARGO_BIN_EXE_synergai"))
            .args(["bound", "--color", "never"])
            .output()
            .expect("run synergai");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout);
        for column in [
            "SCENARIO",
            "JOBS",
            "TRIVIAL BOUND",
            "LP BOUND",
            "WINDOWS",
            "SOLVE TIME",
        ] {
            assert!(out.contains(column), "{column} missing:\n{out}");
        }
        assert!(out.contains("default"), "{out}");
        let bad = Command::new(env!("CARGO_BIN_EXE_synergai"))
            .args(["bound", "--window-jobs", "0"])
            .output()
            .expect("run synergai");
        assert_eq!(bad.status.code(), Some(2));
    }
}
