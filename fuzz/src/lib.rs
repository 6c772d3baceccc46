//! Hostile-input checks of synergai's parsers, shared by the cargo-fuzz
//! targets (`fuzz_targets/`, one per entry of [`TARGETS`]) and the plain
//! regression test `tests/hostile.rs`, which includes this file as a module
//! and runs every file of `corpus/<target>/` through it. So this file uses
//! only `synergai` and `k8s_openapi`, both dependencies of the main crate,
//! and decodes structured input itself (no `arbitrary`).
//!
//! Every check feeds the input through the entry point the binary uses and
//! asserts: no panic, and either `Ok` (with the invariants the loader
//! promises) or an error whose message is non-empty and names the file or
//! the Kubernetes object at fault.

use k8s_openapi::api::core::v1::{
    Affinity, Container, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement,
    NodeSelectorTerm, NodeSpec as K8sNodeSpec, NodeStatus, Pod, PodSpec, ResourceRequirements,
    Taint, Toleration,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};
use synergai::fixture::{self, EMBEDDED, Origin};
use synergai::k8s::mapping::{self as km, ArchMapping, ArchRule};
use synergai::model::Profile;
use synergai::model::Scenario;
use synergai::policy::{OfflinePlan, PolicyKind};
use synergai::sim::{SimOptions, Simulator};
use synergai::tui::keymap::{KeySpec, Keymap};
use synergai::tui::theme;

/// A check: panics when the input breaks a promise of the parser.
pub type Check = fn(&[u8]);

/// Every target with its check; `tests/hostile.rs` runs
/// `fuzz/corpus/<name>/*` through the check of the same name.
pub const TARGETS: &[(&str, Check)] = &[
    ("scenario", scenario),
    ("profile", profile),
    ("theme", theme),
    ("keymap", keymap),
    ("pod", pod),
    ("arch_mapping", arch_mapping),
    ("recording", recording),
];

/// What the fuzzed scenario is called: an embedded path, so the profile it
/// references resolves among the embedded fixtures (`../profiles/…`,
/// `builtin:…`) and fuzzing never reads the disk.
pub const SCENARIO_PATH: &str = "scenarios/fuzz.yaml";
pub const RECORDING_PATH: &str = "scenarios/fuzz-recording.yaml";
pub const PROFILE_FILE: &str = "fuzz/profile.yaml";
pub const THEME_FILE: &str = "fuzz/theme.yaml";
pub const KEYMAP_FILE: &str = "fuzz/keymap.yaml";
pub const ARCH_MAPPING_FILE: &str = "fuzz/arch-mapping.yaml";

/// Scenarios at most this big are also replayed (bounded by
/// [`MAX_SIM_STEPS`]), so hostile numbers reach the simulator too.
const SIM_MAX_NODES: usize = 16;
const SIM_MAX_JOBS: usize = 64;
const MAX_SIM_STEPS: usize = 20_000;

/// Fails unless `message` is non-empty and starts with one of `names` (the
/// file or object at fault, as every error of synergai begins).
fn expect_named(target: &str, message: &str, names: &[&str]) {
    assert!(
        !message.trim().is_empty(),
        "{target}: an error with an empty message"
    );
    assert!(
        names
            .iter()
            .any(|n| !n.is_empty() && message.starts_with(n)),
        "{target}: the error does not name {names:?}: {message:?}"
    );
}

/// Like [`expect_named`] for a fixture that references others: an error
/// inside a referenced embedded fixture (a scenario used as a profile)
/// names that fixture instead of `file`.
fn expect_named_fixture(target: &str, message: &str, file: &str) {
    let embedded: Vec<String> = EMBEDDED
        .iter()
        .map(|(p, _)| format!("embedded:{p}:"))
        .collect();
    let mut names: Vec<&str> = embedded.iter().map(String::as_str).collect();
    names.push(file);
    expect_named(target, message, &names);
}

/// The bytes as fixture text, as every loader reads files; `None` (after
/// checking the error) when they are not text.
fn text(target: &str, file: &str, data: &[u8]) -> Option<String> {
    match fixture::text_from_bytes(file, data.to_vec()) {
        Ok(text) => Some(text),
        Err(e) => {
            expect_named(target, &e.to_string(), &[file]);
            None
        }
    }
}

// ------------------------------------------------------------ fixtures

/// `scenario`: scenario fixture text → [`fixture::scenario_from_text`]
/// (which, like `load_scenario`, hands a `kind: Recording` document to the
/// recording loader: its own target is still to come, see
/// `fuzz/Cargo.toml`), then a bounded replay of small scenarios.
pub fn scenario(data: &[u8]) {
    let origin = Origin::Embedded(SCENARIO_PATH.into());
    let file = origin.display();
    let Some(text) = text("scenario", &file, data) else {
        return;
    };
    match fixture::scenario_from_text(&origin, &text) {
        Ok(s) => scenario_invariants(&s),
        Err(e) => expect_named_fixture("scenario", &e.to_string(), &file),
    }
}

fn scenario_invariants(s: &Scenario) {
    profile_invariants(&s.profile);
    assert!(!s.nodes.is_empty(), "a scenario without nodes");
    assert!(
        s.nodes.windows(2).all(|w| w[0].name < w[1].name),
        "nodes not sorted and unique"
    );
    for n in s.nodes.iter() {
        assert!((n.arch as usize) < s.profile.archs.len());
        assert!(n.cores >= 1 && n.memory_mib >= 1);
        assert!(n.network_ms.is_finite() && n.network_ms >= 0.0);
        assert!(n.idle_watts.is_finite() && n.busy_watts.is_finite());
    }
    for j in s.jobs.iter() {
        assert!((j.model as usize) < s.profile.models.len());
        assert!((1..=km::MAX_QUERIES).contains(&j.queries), "{j:?}");
        assert!(j.qos_ms.is_finite() && j.qos_ms > 0.0, "{j:?}");
        assert!(j.arrival_ms.is_finite() && j.arrival_ms >= 0.0, "{j:?}");
    }
    assert!(
        s.jobs
            .windows(2)
            .all(|w| w[0].arrival_ms <= w[1].arrival_ms),
        "jobs not sorted by arrival"
    );
    if s.nodes.len() <= SIM_MAX_NODES && s.jobs.len() <= SIM_MAX_JOBS {
        let mut sim = Simulator::new(s, SimOptions::new(PolicyKind::Synergai));
        for _ in 0..MAX_SIM_STEPS {
            if !sim.step() {
                break;
            }
        }
        let _ = sim.metrics();
    }
}

/// `recording`: `kind: Recording` text → [`fixture::recording::from_text`];
/// a recording that loads is also played back to its end (and back to the
/// start) through the dashboard's player.
pub fn recording(data: &[u8]) {
    use synergai::source::Driver;
    let origin = Origin::Embedded(RECORDING_PATH.into());
    let file = origin.display();
    let Some(text) = text("recording", &file, data) else {
        return;
    };
    match fixture::recording::from_text(&origin, &text) {
        Ok(r) => {
            scenario_invariants(&r.scenario);
            assert!(r.duration_ms.is_finite() && r.duration_ms >= 0.0);
            assert!(
                r.events.windows(2).all(|w| w[0].at_ms <= w[1].at_ms),
                "events not in time order"
            );
            for e in &r.events {
                assert!((e.job as usize) < r.scenario.jobs.len());
                assert!(e.at_ms <= r.duration_ms);
            }
            if r.events.len() <= 10_000 {
                let duration = r.duration_ms;
                let mut player = synergai::source::recording::Player::new(r, &file, 1.0);
                player.apply(synergai::source::Command::JumpTo(duration));
                let _ = player.view();
                player.apply(synergai::source::Command::JumpTo(0.0));
                let _ = player.view();
            }
        }
        Err(e) => expect_named_fixture("recording", &e.to_string(), &file),
    }
}

/// `profile`: profile fixture text → [`fixture::profile_from_text`], then
/// the offline plan every command derives from it.
pub fn profile(data: &[u8]) {
    let Some(text) = text("profile", PROFILE_FILE, data) else {
        return;
    };
    match fixture::profile_from_text(PROFILE_FILE, &text) {
        Ok(p) => profile_invariants(&p),
        Err(e) => expect_named("profile", &e.to_string(), &[PROFILE_FILE]),
    }
}

fn profile_invariants(p: &Profile) {
    assert!(!p.archs.is_empty() && !p.models.is_empty());
    assert!(p.knee_threshold > 0.0 && p.knee_threshold <= 1.0);
    for r in &p.rows {
        assert!((r.arch as usize) < p.archs.len() && (r.model as usize) < p.models.len());
        assert!(r.qps.is_finite() && r.qps > 0.0, "{r:?}");
        assert!(r.p99_ms.is_finite() && r.p99_ms > 0.0, "{r:?}");
        assert!(r.threads >= 1 && r.memory_mib >= 1, "{r:?}");
    }
    let _ = OfflinePlan::new(p, p.knee_threshold);
}

/// `theme`: theme file text → [`theme::from_text`] (what `--theme PATH`
/// reads).
pub fn theme(data: &[u8]) {
    let Some(text) = text("theme", THEME_FILE, data) else {
        return;
    };
    match theme::from_text(THEME_FILE, &text, "fuzz") {
        Ok(_) => {}
        Err(e) => expect_named("theme", &e.to_string(), &[THEME_FILE]),
    }
}

/// `keymap`: keymap file text → [`Keymap::parse_overlay`]; a keymap that
/// loads binds `quit`, gives every key to one action only, and its keys
/// read back as written in the help overlay.
pub fn keymap(data: &[u8]) {
    let Some(text) = text("keymap", KEYMAP_FILE, data) else {
        return;
    };
    match Keymap::parse_overlay(KEYMAP_FILE, &text) {
        Ok(keymap) => {
            let mut owner: BTreeMap<String, String> = BTreeMap::new();
            for (action, keys) in keymap.bindings() {
                for key in keys {
                    let shown = key.to_string();
                    if let Some(other) = owner.insert(shown.clone(), action.to_string()) {
                        panic!("keymap: `{shown}` bound to both `{other}` and `{action}`");
                    }
                    assert_eq!(
                        KeySpec::parse(&shown).as_ref(),
                        Ok(key),
                        "keymap: `{shown}` does not read back"
                    );
                }
            }
            assert!(
                !keymap
                    .keys_for(synergai::tui::keymap::Action::Quit)
                    .is_empty(),
                "keymap: quit unbound"
            );
        }
        Err(e) => expect_named("keymap", &e.to_string(), &[KEYMAP_FILE]),
    }
}

/// `arch_mapping`: architecture mapping text → [`ArchMapping::from_yaml`],
/// then the mapping applied to the default profile's nodes.
pub fn arch_mapping(data: &[u8]) {
    let Some(text) = text("arch_mapping", ARCH_MAPPING_FILE, data) else {
        return;
    };
    match ArchMapping::from_yaml(ARCH_MAPPING_FILE, &text) {
        Ok(mapping) => {
            for rule in &mapping.rules {
                assert!(!rule.label.trim().is_empty() && !rule.arch.trim().is_empty());
                let labels = BTreeMap::from([(rule.label.clone(), "Orin NX amd64 rpi5".into())]);
                let _ = mapping.resolve(&labels);
                let node = node_with_labels(labels);
                check_node("arch_mapping", &node, &mapping);
            }
        }
        Err(e) => expect_named("arch_mapping", &e.to_string(), &[ARCH_MAPPING_FILE]),
    }
}

// ----------------------------------------------------------- pods, nodes

/// The profile pods and nodes are mapped against: the embedded default's.
static PROFILE: LazyLock<Arc<Profile>> = LazyLock::new(|| {
    fixture::load_default()
        .expect("the embedded default scenario loads")
        .profile
});

/// Values worth trying in annotations, labels and quantities: valid ones
/// (so mapping gets past the first check) and hostile ones.
const VALUES: &[&str] = &[
    "1",
    "4",
    "100",
    "2500",
    "500m",
    "2.5",
    "16Gi",
    "8G",
    "1k",
    "1e3",
    "0",
    "-0",
    "-5",
    "-1e3",
    "1e99",
    "1e-99",
    "1e30",
    "1e308",
    "1e309",
    "1e9999999999",
    "1e-9999999999",
    "9999999Ei",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "0.000000000000000000001",
    "99999999999999999999",
    "1.5",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "",
    " ",
    "\t4\t",
    "\u{feff}4",
    "4\u{0}",
    "٣",
    "1_000",
    "0x10",
    "1e",
    "e3",
    ".",
    ".5",
    "5.",
    "+7",
    "--1",
    "1Ki",
    "1Ei",
    "8Ei",
    "1m",
    "1E",
    "1P",
    "mobilenet-v2",
    "resnet50",
    "bert-base",
    "retinanet",
    "unknown-model",
    "agx-orin",
    "orin-nx",
    "rpi5",
    "xeon-vm",
    "unknown-arch",
    "edge",
    "cloud",
    "fog",
    "tensorrt",
    "onnxruntime",
    "policy",
    "node-1",
    "NVIDIA-Jetson-Orin-NX",
    "amd64",
];

/// Annotation keys: synergai's own first, then some others.
const ANNOTATION_KEYS: &[&str] = &[
    km::ANN_MODEL,
    km::ANN_QUERIES,
    km::ANN_QOS_MS,
    km::ANN_ENGINE,
    km::ANN_THREADS,
    km::ANN_PREDICTED_MS,
    km::ANN_PLACED_BY,
    km::ANN_PIN_NODE,
    km::ANN_PIN_ARCH,
    km::ANN_PIN_REASON,
    km::ANN_NETWORK_MS,
    km::ANN_IDLE_WATTS,
    km::ANN_BUSY_WATTS,
    "synergai.io/unknown",
    "example.com/other",
];

/// Node label keys: the ones mapping reads first.
const LABEL_KEYS: &[&str] = &[
    km::LABEL_ARCH,
    km::LABEL_TIER,
    km::LABEL_HOSTNAME,
    "nvidia.com/gpu.product",
    "node.kubernetes.io/instance-type",
    "kubernetes.io/arch",
    "synergai.io/other",
    "zone",
];

const RESOURCE_KEYS: &[&str] = &[
    "cpu",
    "memory",
    km::RESOURCE_GPU,
    "pods",
    "ephemeral-storage",
];
const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute", "", "Bogus"];
const OPERATORS: &[&str] = &[
    "In",
    "NotIn",
    "Exists",
    "DoesNotExist",
    "Gt",
    "Lt",
    "Equal",
    "",
];

/// Reads structured input from fuzzer bytes; past the end every read
/// yields zeros, so every input decodes to something.
struct Bytes<'a> {
    data: &'a [u8],
}

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    fn bool(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    /// A count below `max`.
    fn count(&mut self, max: u8) -> usize {
        usize::from(self.byte() % max)
    }

    /// Free text: a length byte, then that many bytes (lossy UTF-8).
    fn raw(&mut self) -> String {
        let len = usize::from(self.byte()).min(self.data.len());
        let (head, rest) = self.data.split_at(len);
        self.data = rest;
        String::from_utf8_lossy(head).into_owned()
    }

    /// Mostly one of `list`, sometimes free text.
    fn pick(&mut self, list: &[&str]) -> String {
        let b = usize::from(self.byte());
        match list.get(b) {
            Some(s) => (*s).to_string(),
            None if b % 2 == 0 => self.raw(),
            None => list[b % list.len()].to_string(),
        }
    }

    fn value(&mut self) -> String {
        self.pick(VALUES)
    }

    fn maybe(&mut self, list: &[&str]) -> Option<String> {
        self.bool().then(|| self.pick(list))
    }

    fn map(&mut self, keys: &[&str], max: u8) -> BTreeMap<String, String> {
        (0..self.count(max))
            .map(|_| (self.pick(keys), self.value()))
            .collect()
    }

    fn quantities(&mut self) -> Option<BTreeMap<String, Quantity>> {
        self.bool().then(|| {
            (0..self.count(5))
                .map(|_| (self.pick(RESOURCE_KEYS), Quantity(self.value())))
                .collect()
        })
    }

    fn container(&mut self, i: usize) -> Container {
        Container {
            name: format!("c{i}"),
            resources: self.bool().then(|| ResourceRequirements {
                requests: self.quantities(),
                limits: self.quantities(),
                ..Default::default()
            }),
            restart_policy: self.maybe(&["Always", "Never", ""]),
            ..Default::default()
        }
    }

    fn requirement(&mut self) -> NodeSelectorRequirement {
        NodeSelectorRequirement {
            key: self.pick(LABEL_KEYS),
            operator: self.pick(OPERATORS),
            values: self
                .bool()
                .then(|| (0..self.count(3)).map(|_| self.value()).collect()),
        }
    }

    fn node(&mut self) -> Node {
        Node {
            metadata: ObjectMeta {
                name: self.maybe(&["node-1", "", "n"]),
                labels: self.bool().then(|| self.map(LABEL_KEYS, 6)),
                annotations: self.bool().then(|| self.map(ANNOTATION_KEYS, 4)),
                ..Default::default()
            },
            spec: self.bool().then(|| K8sNodeSpec {
                unschedulable: self.bool().then(|| self.bool()),
                taints: self.bool().then(|| {
                    (0..self.count(3))
                        .map(|_| Taint {
                            key: self.pick(LABEL_KEYS),
                            value: self.maybe(VALUES),
                            effect: self.pick(EFFECTS),
                            ..Default::default()
                        })
                        .collect()
                }),
                ..Default::default()
            }),
            status: self.bool().then(|| NodeStatus {
                allocatable: self.quantities(),
                capacity: self.quantities(),
                ..Default::default()
            }),
        }
    }

    fn pod(&mut self) -> Pod {
        let containers = (0..self.count(4)).map(|i| self.container(i)).collect();
        Pod {
            metadata: ObjectMeta {
                name: self.maybe(&["job-1", ""]),
                namespace: self.maybe(&["default", "ns"]),
                annotations: self.bool().then(|| self.map(ANNOTATION_KEYS, 12)),
                ..Default::default()
            },
            spec: self.bool().then(|| PodSpec {
                containers,
                init_containers: self
                    .bool()
                    .then(|| (0..self.count(3)).map(|i| self.container(i)).collect()),
                overhead: self.quantities(),
                node_name: self.maybe(&["node-1", ""]),
                scheduler_name: self.maybe(&[km::SCHEDULER_NAME]),
                node_selector: self.bool().then(|| self.map(LABEL_KEYS, 3)),
                tolerations: self.bool().then(|| {
                    (0..self.count(3))
                        .map(|_| Toleration {
                            key: self.maybe(LABEL_KEYS),
                            operator: self.maybe(OPERATORS),
                            value: self.maybe(VALUES),
                            effect: self.maybe(EFFECTS),
                            ..Default::default()
                        })
                        .collect()
                }),
                affinity: self.bool().then(|| Affinity {
                    node_affinity: Some(NodeAffinity {
                        required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                            node_selector_terms: (0..self.count(3))
                                .map(|_| NodeSelectorTerm {
                                    match_expressions: self.bool().then(|| {
                                        (0..self.count(3)).map(|_| self.requirement()).collect()
                                    }),
                                    match_fields: self.bool().then(|| {
                                        (0..self.count(2))
                                            .map(|_| {
                                                let mut r = self.requirement();
                                                r.key = "metadata.name".into();
                                                r
                                            })
                                            .collect()
                                    }),
                                })
                                .collect(),
                        }),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            status: None,
        }
    }

    fn arch_mapping(&mut self) -> ArchMapping {
        if !self.bool() {
            return ArchMapping::default();
        }
        let rules = (0..self.count(4))
            .map(|_| {
                let label = self.pick(LABEL_KEYS);
                let text = self.value();
                let arch = self.value();
                if self.bool() {
                    ArchRule::contains(&label, &text, &arch)
                } else {
                    ArchRule::equals(&label, &text, &arch)
                }
            })
            .collect();
        ArchMapping { rules }
    }
}

fn node_with_labels(labels: BTreeMap<String, String>) -> Node {
    Node {
        metadata: ObjectMeta {
            name: Some("node-1".into()),
            labels: Some(labels),
            ..Default::default()
        },
        status: Some(NodeStatus {
            allocatable: Some(BTreeMap::from([
                ("cpu".into(), Quantity("8".into())),
                ("memory".into(), Quantity("16Gi".into())),
            ])),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// `node_resources`, `map_node` and `node_spec` on one node.
fn check_node(target: &str, node: &Node, mapping: &ArchMapping) {
    let object = format!("node {}", node.metadata.name.as_deref().unwrap_or(""));
    match km::node_resources(node) {
        Ok(r) => {
            let r = r.value;
            assert!(r.cpu_millis <= km::MAX_SANE && r.gpus <= km::MAX_SANE);
            assert!(r.pods <= km::MAX_SANE && r.memory_bytes <= i64::MAX as u64);
        }
        Err(e) => expect_named(target, &e.to_string(), &[&object]),
    }
    match km::map_node(node, &PROFILE, mapping) {
        Ok(n) => {
            let n = n.value;
            assert!((n.arch as usize) < PROFILE.archs.len());
            assert!(n.network_ms.is_finite() && n.network_ms >= 0.0);
            assert!(n.idle_watts.is_finite() && n.busy_watts.is_finite());
            assert!(!n.labels.keys().any(|k| k.starts_with("synergai.io/")));
        }
        Err(e) => expect_named(target, &e.to_string(), &[&object]),
    }
    let _ = km::node_spec(node, &PROFILE, mapping);
}

/// `pod`: a pod and a node decoded from the bytes → `map_pod`,
/// `pod_requests`, `filter_reason`, `insufficient_resources`, `map_node`,
/// `node_spec`, `node_resources`; then the rest of the bytes, split at
/// newlines, as raw quantities → `parse_cpu_millis`, `parse_memory_mib`,
/// `parse_count`.
pub fn pod(data: &[u8]) {
    let mut bytes = Bytes { data };
    let pod = bytes.pod();
    let node = bytes.node();
    let mapping = bytes.arch_mapping();
    let object = km::pod_object(&pod);

    match km::map_pod(&pod, &PROFILE) {
        Ok(job) => {
            let job = job.value;
            assert!((job.model as usize) < PROFILE.models.len());
            assert!((1..=km::MAX_QUERIES).contains(&job.queries), "{job:?}");
            assert!(job.qos_ms.is_finite() && job.qos_ms > 0.0, "{job:?}");
            if let Some(p) = job.predicted_ms {
                assert!(p.is_finite() && p >= 0.0);
            }
        }
        Err(e) => expect_named("pod", &e.to_string(), &[&object]),
    }
    let request = match km::pod_requests(&pod) {
        Ok(r) => Some(r),
        Err(e) => {
            expect_named("pod", &e.to_string(), &[&object]);
            None
        }
    };
    if let Some(reason) = km::filter_reason(&pod, &node) {
        assert!(!reason.is_empty());
    }
    if let (Some(request), Ok(resources)) = (request, km::node_resources(&node)) {
        let _ = request.memory_mib();
        let used = request;
        let _ = km::insufficient_resources(&request, &resources.value, &used, u64::MAX);
    }
    check_node("pod", &node, &mapping);

    for line in bytes.data.split(|&b| b == b'\n') {
        quantities(&String::from_utf8_lossy(line));
    }
}

/// The quantity parsers on one raw string: no panic, bounded results, a
/// non-empty reason otherwise.
fn quantities(text: &str) {
    match km::parse_cpu_millis(text) {
        Ok(v) => assert!(v <= km::MAX_SANE, "cpu {text:?} -> {v}"),
        Err(e) => assert!(!e.is_empty()),
    }
    match km::parse_memory_mib(text) {
        Ok(v) => assert!(v <= (i64::MAX as u64) >> 20, "memory {text:?} -> {v}"),
        Err(e) => assert!(!e.is_empty()),
    }
    match km::parse_count(text) {
        Ok(v) => {
            assert!(v <= km::MAX_SANE, "count {text:?} -> {v}");
            // A whole count is also a whole number of cores.
            if v <= km::MAX_SANE / 1000 {
                assert_eq!(km::parse_cpu_millis(text), Ok(v * 1000), "count {text:?}");
            }
        }
        Err(e) => assert!(!e.is_empty()),
    }
}
