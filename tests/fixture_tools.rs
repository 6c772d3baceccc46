//! `synergai fixture generate` and `synergai fixture import-trace`, run as
//! the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

fn synergai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run synergai")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

fn assert_ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

/// A fresh temporary directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "synergai-fixture-tools-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn validate(path: &Path) -> String {
    let o = synergai(&["fixture", "validate", s(path)]);
    assert_ok(&o);
    stdout(&o)
}

#[test]
fn generate_is_deterministic_in_the_seed() {
    let args = ["fixture", "generate", "--nodes", "30", "--jobs", "500"];
    let a = synergai(&[&args[..], &["--seed", "7"]].concat());
    let b = synergai(&[&args[..], &["--seed", "7"]].concat());
    let c = synergai(&[&args[..], &["--seed", "8"]].concat());
    for o in [&a, &b, &c] {
        assert_ok(o);
    }
    assert_eq!(a.stdout, b.stdout, "same seed, same bytes");
    assert_ne!(a.stdout, c.stdout, "another seed, another scenario");
    let text = stdout(&a);
    assert!(
        text.contains("#   synergai fixture generate --nodes 30 --jobs 500 --seed 7 --load 0.85\n")
    );
    assert!(text.contains("kind: Scenario\n"));
    assert!(text.contains("profile: builtin:edge-cloud\n"));
    assert!(text.contains("count: 500\n"));
}

#[test]
fn generated_file_validates_and_is_written_atomically() {
    let dir = temp_dir("generate");
    let out = dir.join("sub").join("gen.yaml");
    for seed in ["1", "2", "3", "4"] {
        let o = synergai(&[
            "fixture",
            "generate",
            "--nodes",
            "12",
            "--jobs",
            "200",
            "--seed",
            seed,
            "--out",
            s(&out),
        ]);
        assert_ok(&o);
        assert!(stdout(&o).is_empty(), "--out writes nothing to stdout");
        let summary = validate(&out);
        assert!(
            summary.contains("12 nodes, 200 jobs"),
            "seed {seed}: {summary}"
        );
        // Every architecture is present from 4 nodes on.
        let text = std::fs::read_to_string(&out).unwrap();
        for arch in ["xeon-vm", "agx-orin", "orin-nx", "rpi5"] {
            assert!(text.contains(&format!("arch: {arch}\n")), "{arch} missing");
        }
        let replay = synergai(&["replay", s(&out), "--policy", "synergai", "-o", "json"]);
        assert_ok(&replay);
    }
    // Only the output is left behind (no temporary files).
    let names: Vec<String> = std::fs::read_dir(dir.join("sub"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["gen.yaml"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn generate_scales_to_5000_nodes_and_100000_jobs() {
    let dir = temp_dir("big");
    let out = dir.join("big.yaml");
    let started = Instant::now();
    let o = synergai(&[
        "fixture",
        "generate",
        "--nodes",
        "5000",
        "--jobs",
        "100000",
        "--seed",
        "5",
        "--out",
        s(&out),
    ]);
    assert_ok(&o);
    let generated = started.elapsed();
    let size = std::fs::metadata(&out).unwrap().len();
    assert!(
        size < 20_000,
        "a generator keeps the file small: {size} bytes"
    );
    let started = Instant::now();
    let summary = validate(&out);
    let validated = started.elapsed();
    assert!(summary.contains("5000 nodes, 100000 jobs"), "{summary}");
    // Generous even for a debug build on a busy machine.
    assert!(
        generated.as_secs_f64() + validated.as_secs_f64() < 30.0,
        "generate {generated:?}, validate {validated:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn generate_rejects_bad_arguments_with_exit_2() {
    for args in [
        &["--load", "0"][..],
        &["--load", "-0.5"],
        &["--load", "10.01"],
        &["--load", "NaN"],
        &["--load", "lots"],
        &["--nodes", "0"],
        &["--jobs", "0"],
    ] {
        let o = synergai(&[&["fixture", "generate"][..], args].concat());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
    let o = synergai(&["fixture", "generate", "--load", "11"]);
    assert!(
        stderr(&o).contains("--load must be in (0, 10]"),
        "{}",
        stderr(&o)
    );
    // The bounds themselves are fine.
    assert_ok(&synergai(&[
        "fixture", "generate", "--load", "10", "--nodes", "1", "--jobs", "1",
    ]));
}

const HEADER: &str = "TIMESTAMP,ContextTokens,GeneratedTokens\n";

/// A small trace: six requests, the last two after midnight.
fn small_trace() -> String {
    format!(
        "{HEADER}\
         2023-11-16 23:59:58.0000000,374,44\n\
         2023-11-16 23:59:58.5000000,2000,109\n\
         2023-11-16 23:59:59.2500000,91,16\n\
         2023-11-16 23:59:59.2500000,5000,600\n\
         2023-11-17 00:00:00.7500000,10,5\n\
         2023-11-17 00:00:03.0000000,1200,300\n"
    )
}

/// (name, arrival) of every job of an imported scenario, in file order.
fn jobs_of(text: &str) -> Vec<(String, String)> {
    let mut jobs = Vec::new();
    let mut name = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(n) = line.strip_prefix("- name: req-") {
            name = Some(format!("req-{n}"));
        } else if let Some(a) = line.strip_prefix("arrival: ") {
            jobs.push((name.take().expect("arrival after name"), a.to_string()));
        }
    }
    jobs
}

#[test]
fn import_trace_maps_arrivals_and_keeps_the_attribution() {
    let dir = temp_dir("trace");
    // The name says which trace it is (the conversation trace).
    let csv = dir.join("small-conv.csv");
    std::fs::write(&csv, small_trace()).unwrap();
    let out = dir.join("small.yaml");
    let o = synergai(&["fixture", "import-trace", s(&csv), "--out", s(&out)]);
    assert_ok(&o);
    let summary = validate(&out);
    assert!(summary.contains("6 jobs"), "{summary}");
    let text = std::fs::read_to_string(&out).unwrap();
    let arrivals: Vec<(String, String)> = jobs_of(&text);
    let want = [
        ("req-000002", "0ms"),
        ("req-000003", "500ms"),
        ("req-000004", "1250ms"),
        ("req-000005", "1250ms"),
        ("req-000006", "2750ms"),
        ("req-000007", "5s"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(n, a)| (n.to_string(), a.to_string()))
        .collect();
    assert_eq!(arrivals, want);
    // Attribution in the metadata and the header; the command in the header.
    assert!(text.contains("  attribution: \"Patel, Choukse, Zhang, Shah, Goiri, Maleki, Bianchini, \\\"Splitwise: Efficient generative LLM inference using phase splitting\\\", ISCA 2024; Azure Public Dataset AzureLLMInferenceTrace_conv (CC-BY 4.0)\"\n"), "{text}");
    assert!(text.starts_with("# GENERATED by `synergai fixture import-trace`"));
    assert!(text.contains(&format!(
        "#   synergai fixture import-trace {} --format azure-conv-2023 --start 0ms --duration 10m --time-scale 1 --seed 1 --profile builtin:edge-cloud --out {}\n",
        s(&csv),
        s(&out)
    )));
    assert!(text.contains("# Derived from the Azure LLM inference trace 2023, conversation (AzureLLMInferenceTrace_conv) under CC-BY 4.0; attribution:\n"));
    // Short prompts map to the light models, long ones to the heavy ones.
    let model_of = |job: &str| {
        let at = text.find(&format!("- name: {job}\n")).unwrap();
        let rest = &text[at..];
        let line = rest
            .lines()
            .find(|l| l.trim().starts_with("model: "))
            .unwrap();
        line.trim().trim_start_matches("model: ").to_string()
    };
    for (job, light) in [
        ("req-000002", true),
        ("req-000003", false),
        ("req-000005", false),
        ("req-000006", true),
    ] {
        let m = model_of(job);
        let is_light = m == "mobilenet-v2" || m == "resnet50";
        assert_eq!(is_light, light, "{job}: {m}");
    }

    // Window, time scale and limit.
    let o = synergai(&[
        "fixture",
        "import-trace",
        s(&csv),
        "--start",
        "500ms",
        "--duration",
        "2s",
        "--time-scale",
        "2",
        "--limit",
        "3",
    ]);
    assert_ok(&o);
    let arrivals: Vec<String> = jobs_of(&stdout(&o)).into_iter().map(|(_, a)| a).collect();
    assert_eq!(arrivals, ["0ms", "1500ms", "1500ms"]);

    // Same input, same bytes; the seed changes the split, not the arrivals.
    let a = synergai(&["fixture", "import-trace", s(&csv)]);
    let b = synergai(&["fixture", "import-trace", s(&csv)]);
    assert_eq!(a.stdout, b.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn import_trace_copies_nodes_from_a_scenario() {
    let dir = temp_dir("nodes-from");
    let scenario = dir.join("cluster.yaml");
    assert_ok(&synergai(&[
        "fixture",
        "generate",
        "--nodes",
        "37",
        "--jobs",
        "10",
        "--seed",
        "3",
        "--out",
        s(&scenario),
    ]));
    let csv = dir.join("t.csv");
    std::fs::write(&csv, small_trace()).unwrap();
    let out = dir.join("t.yaml");
    assert_ok(&synergai(&[
        "fixture",
        "import-trace",
        s(&csv),
        "--format",
        "csv",
        "--nodes-from",
        s(&scenario),
        "--out",
        s(&out),
    ]));
    let summary = validate(&out);
    assert!(summary.contains("37 nodes, 6 jobs"), "{summary}");
    // Replica groups stay groups.
    let text = std::fs::read_to_string(&out).unwrap();
    let source = std::fs::read_to_string(&scenario).unwrap();
    assert_eq!(
        text.matches("replicas:").count(),
        source.matches("replicas:").count()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn import_trace_rejects_bad_rows_with_their_line() {
    let dir = temp_dir("bad-trace");
    let cases = [
        (
            format!("{HEADER}2023-11-16 18:15:46.1,10,20\n2023-11-16 18:15:47.1,ten,20\n"),
            "bad.csv:3:23: field `ContextTokens`",
        ),
        (
            format!("{HEADER}2023-11-16 18:15:46.1,10,20\n\n2023-11-16 25:15:47.1,10,20\n"),
            "bad.csv:4:1: field `TIMESTAMP`",
        ),
        (
            format!("{HEADER}2023-11-16 18:15:46.1,10,20,7\n"),
            "bad.csv:2:29: expected 3 comma-separated fields",
        ),
        (
            "time,a,b\n2023-11-16 18:15:46.1,10,20\n".to_string(),
            "bad.csv:1:1: no column `TIMESTAMP` for the timestamps in the header (it has: time, a, b)",
        ),
    ];
    for (text, want) in cases {
        let csv = dir.join("bad.csv");
        std::fs::write(&csv, &text).unwrap();
        let out = dir.join("never.yaml");
        let o = synergai(&[
            "fixture",
            "import-trace",
            s(&csv),
            "--format",
            "azure-code-2023",
            "--out",
            s(&out),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(want), "want `{want}` in: {err}");
        assert!(!out.exists(), "nothing written on error");
    }
    // An empty window is a usage error too.
    let csv = dir.join("ok-code.csv");
    std::fs::write(&csv, small_trace()).unwrap();
    let o = synergai(&["fixture", "import-trace", s(&csv), "--start", "1h"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no requests in the window"),
        "{}",
        stderr(&o)
    );
    let o = synergai(&["fixture", "import-trace", s(&csv), "--time-scale", "0"]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The shipped trace scenario is what the recorded command produces today
/// (skipped where the trace is not available).
#[test]
fn shipped_trace_scenario_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = root.join("fixtures/scenarios/azure-conv-trace.yaml");
    let text = std::fs::read_to_string(&shipped).unwrap();
    assert!(text.contains("  attribution: \"Patel, Choukse, Zhang, Shah, Goiri"));
    let summary = validate(&shipped);
    assert!(summary.contains("22 nodes"), "{summary}");
    let csv = Path::new("/work/shared/data/azure-llm-inference-2023-conv.csv");
    if !csv.exists() {
        eprintln!(
            "skipped the regeneration check: {} is missing",
            csv.display()
        );
        return;
    }
    let dir = temp_dir("shipped");
    let scenarios = dir.join("scenarios");
    std::fs::create_dir_all(&scenarios).unwrap();
    std::fs::create_dir_all(dir.join("profiles")).unwrap();
    std::fs::copy(
        root.join("fixtures/profiles/edge-cloud.yaml"),
        dir.join("profiles/edge-cloud.yaml"),
    )
    .unwrap();
    let out = scenarios.join("azure-conv-trace.yaml");
    assert_ok(&synergai(&[
        "fixture",
        "import-trace",
        s(csv),
        "--duration",
        "10m",
        "--profile",
        "../profiles/edge-cloud.yaml",
        "--out",
        s(&out),
    ]));
    let fresh = std::fs::read_to_string(&out).unwrap();
    // Only the recorded --out path differs.
    let fresh = fresh.replace(s(&out), "fixtures/scenarios/azure-conv-trace.yaml");
    assert!(
        fresh == text,
        "fixtures/scenarios/azure-conv-trace.yaml is stale; regenerate it with the command in its header"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `synergai fixture validate ARGS` with `input` on standard input, run in
/// `dir`.
fn validate_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["fixture", "validate"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run synergai");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("wait for synergai")
}

#[test]
fn validate_reads_standard_input_for_a_dash() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    // A scenario's `spec.profile` (../profiles/edge-cloud.yaml) is
    // resolved against the current directory.
    let scenario = std::fs::read(fixtures.join("scenarios/default.yaml")).unwrap();
    let o = validate_stdin(&fixtures.join("scenarios"), &["-"], &scenario);
    assert_ok(&o);
    assert_eq!(
        stdout(&o),
        "<stdin>: ok (Scenario `default`: 11 nodes, 475 jobs, profile `edge-cloud`)\n"
    );
    // With files around it, in order.
    let profile = fixtures.join("profiles/edge-cloud.yaml");
    let o = validate_stdin(
        &fixtures.join("scenarios"),
        &[s(&profile), "-"],
        &std::fs::read(&profile).unwrap(),
    );
    assert_ok(&o);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with(s(&profile)), "{out}");
    assert!(
        lines[1].starts_with("<stdin>: ok (Profile `edge-cloud`"),
        "{out}"
    );
    // A bad document names `<stdin>`, its line and field; exit 2.
    let bad = String::from_utf8(scenario)
        .unwrap()
        .replacen("kind: Scenario", "kind: Scenari", 1);
    let o = validate_stdin(&fixtures.join("scenarios"), &["-"], bad.as_bytes());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("<stdin>:") && stderr(&o).contains("kind"),
        "{}",
        stderr(&o)
    );
    // Nothing on standard input: an empty document, exit 2.
    let o = validate_stdin(&fixtures, &["-"], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("the file is empty"), "{}", stderr(&o));
}

/// The attribution is the one of the trace read: by its file name, or
/// `--format`; a name that says no trace is an error, not a guess.
#[test]
fn import_trace_credits_the_trace_it_read() {
    let dir = temp_dir("credit");
    let code = dir.join("AzureLLMInferenceTrace_code.csv");
    std::fs::write(&code, small_trace()).unwrap();
    let attribution = |o: &Output| -> String {
        assert_ok(o);
        stdout(o)
            .lines()
            .find(|l| l.starts_with("  attribution: "))
            .unwrap_or("")
            .to_string()
    };
    let credit = attribution(&synergai(&["fixture", "import-trace", s(&code)]));
    assert!(
        credit.contains("Splitwise") && credit.contains("AzureLLMInferenceTrace_code (CC-BY 4.0)"),
        "{credit}"
    );
    assert!(!credit.contains("_conv"), "{credit}");
    let credit = attribution(&synergai(&[
        "fixture",
        "import-trace",
        s(&code),
        "--format",
        "azure-conv-2024",
    ]));
    assert!(
        credit.contains("DynamoLLM")
            && credit.contains("AzureLLMInferenceTrace_conv_1week (CC-BY 4.0)"),
        "{credit}"
    );
    let o = synergai(&["fixture", "import-trace", s(&code), "--format", "csv"]);
    assert_eq!(attribution(&o), "");
    assert!(!stdout(&o).contains("CC-BY"));
    // A name that says no trace.
    let mine = dir.join("requests.csv");
    std::fs::write(&mine, small_trace()).unwrap();
    let o = synergai(&["fixture", "import-trace", s(&mine)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "pass --format azure-conv-2023|azure-code-2023|azure-conv-2024|azure-code-2024|csv"
        ),
        "{}",
        stderr(&o)
    );
    let o = synergai(&["fixture", "import-trace", s(&mine), "--format", "azure"]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--reference` writes `spec.workload.trace` (the trace's path relative
/// to the scenario) and loading it gives exactly the jobs the inline import
/// writes out, columns of another name and every window setting included.
#[test]
fn a_referenced_trace_loads_the_jobs_of_the_inline_import() {
    let dir = temp_dir("reference");
    std::fs::create_dir_all(dir.join("traces")).unwrap();
    let csv = dir.join("traces/burst.csv");
    // Another trace's columns, in another order, times in seconds.
    let mut text = String::from("Model,Timestamp,Request tokens,Response tokens\n");
    for i in 0..500u64 {
        let seconds = (i * 7919 % 500) as f64 * 0.37;
        text.push_str(&format!(
            "GPT-4,{seconds:.3},{},{}\n",
            i * 37 % 3000,
            i * 11 % 700
        ));
    }
    std::fs::write(&csv, &text).unwrap();
    let import = |out: &Path, reference: bool| {
        let mut args = vec![
            "fixture",
            "import-trace",
            s(&csv),
            "--format",
            "csv",
            "--columns",
            "Timestamp,Request tokens,Response tokens",
            "--start",
            "3s",
            "--duration",
            "10m",
            "--time-scale",
            "1.5",
            "--limit",
            "400",
            "--seed",
            "9",
            "--out",
            s(out),
        ];
        if reference {
            args.push("--reference");
        }
        let o = synergai(&args);
        assert_ok(&o);
        o
    };
    let inline = dir.join("inline.yaml");
    let referenced = dir.join("scenarios/referenced.yaml");
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    import(&inline, false);
    import(&referenced, true);
    let written = std::fs::read_to_string(&referenced).unwrap();
    assert!(
        written.contains("      file: \"../traces/burst.csv\"\n"),
        "{written}"
    );
    assert!(
        written.contains("        contextTokens: \"Request tokens\"\n"),
        "{written}"
    );
    assert!(!written.contains("- name: req-"), "{written}");
    let a =
        synergai::fixture::load_scenario(&synergai::fixture::Origin::File(inline.clone())).unwrap();
    let b = synergai::fixture::load_scenario(&synergai::fixture::Origin::File(referenced.clone()))
        .unwrap();
    assert_eq!(a.jobs.len(), 400);
    assert_eq!(a.jobs, b.jobs);
    assert_eq!(a.nodes, b.nodes);
    assert!(validate(&referenced).contains("22 nodes, 400 jobs"));
    // The reference holds wherever the two directories move together.
    let moved = temp_dir("reference-moved");
    std::fs::rename(dir.join("traces"), moved.join("traces")).unwrap();
    std::fs::rename(dir.join("scenarios"), moved.join("scenarios")).unwrap();
    assert!(validate(&moved.join("scenarios/referenced.yaml")).contains("400 jobs"));
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&moved).unwrap();
}
