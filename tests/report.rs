//! `synergai replay --report DIR --jobs FILE.csv` from the outside: the
//! page and every plot parse, each plot has one series per policy, every
//! number on the page is the one `replay -o json` prints, the CSV has a row
//! per job and policy and agrees on violations; bad paths are refused
//! before anything runs.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const POLICIES: [&str; 3] = ["synergai", "k8s-default", "round-robin"];

fn synergai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .env("XDG_STATE_HOME", scratch("state"))
        .output()
        .expect("run synergai")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synergai-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/scenarios")
        .join(name)
        .display()
        .to_string()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Two shipped scenarios under three policies, with the report, the jobs
/// and `-o json` from the same run (overhead is wall-clock time: another
/// run would differ there).
#[test]
fn the_report_and_the_jobs_agree_with_replay_json() {
    let dir = scratch("agree");
    let report = dir.join("report");
    let jobs = report.join("jobs.csv");
    let policies = POLICIES.join(",");
    let o = synergai(&[
        "replay",
        &fixture("light-load.yaml"),
        &fixture("default.yaml"),
        "--no-bound",
        "--policy",
        &policies,
        "--report",
        report.to_str().unwrap(),
        "--jobs",
        jobs.to_str().unwrap(),
        "-o",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: Value = serde_json::from_slice(&o.stdout).expect("replay -o json");
    let scenarios = json["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 2);

    // The page parses, has a summary table per scenario, and opens offline.
    let html = read(&report.join("index.html"));
    let page = scraper::Html::parse_document(&html);
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    assert_eq!(page.select(&select("table.summary")).count(), 2);
    for header in page.select(&select("table.summary thead tr")) {
        let text: String = header.text().collect();
        for p in POLICIES {
            assert!(text.contains(p), "{p} missing from {text}");
        }
    }
    assert_eq!(page.select(&select("script")).count(), 0);
    for (element, attr) in [("img", "src"), ("link", "href"), ("a", "href")] {
        for e in page.select(&select(element)) {
            let target = e.value().attr(attr).unwrap_or_default();
            assert!(
                !target.contains("//"),
                "{element} {attr}={target} needs a network"
            );
        }
    }

    // Every number with a source is the value at its pointer in the JSON.
    let mut sourced = 0;
    for cell in page.select(&select("[data-pointer]")) {
        let pointer = cell.value().attr("data-pointer").unwrap();
        let value: Value = serde_json::from_str(cell.value().attr("data-value").unwrap())
            .unwrap_or_else(|e| panic!("{pointer}: data-value: {e}"));
        assert_eq!(json.pointer(pointer), Some(&value), "{pointer}");
        assert!(!cell.text().collect::<String>().trim().is_empty());
        sourced += 1;
    }
    // And every cell of the summary tables has a source (or is empty: `-`).
    for td in page.select(&select("table.summary td")) {
        let text: String = td.text().collect();
        assert!(
            td.value().attr("data-pointer").is_some() || text == "-",
            "a number without its source: {}",
            td.html()
        );
    }
    let violations_cells = page
        .select(&select("td[data-pointer$='/violations']"))
        .count();
    assert_eq!(
        violations_cells,
        2 * POLICIES.len() * 2,
        "summary and overview"
    );
    assert!(sourced > 100, "{sourced} numbers with a source");

    // Each plot parses and has exactly one series per policy.
    let plots: Vec<String> = page
        .select(&select("figure img"))
        .map(|img| img.value().attr("src").unwrap().to_string())
        .collect();
    for (i, s) in scenarios.iter().enumerate() {
        let name = s["scenario"].as_str().unwrap();
        let mut expected = vec![
            "violations.svg".to_string(),
            "latency-cdf.svg".into(),
            "energy.svg".into(),
            "slack-cdf.svg".into(),
        ];
        for u in s["policies"][0]["utilization"].as_array().unwrap() {
            let arch = u["arch"].as_str().unwrap();
            expected.push(format!("utilization-{arch}-cores.svg"));
            if u.get("gpus").is_some() {
                expected.push(format!("utilization-{arch}-gpus.svg"));
            }
        }
        for file in &expected {
            let path = format!("{name}/{file}");
            assert!(
                plots.contains(&path),
                "scenario {i}: {path} not on the page"
            );
        }
    }
    assert_eq!(plots.len(), 2 * 4 + 6 + 6, "plots: {plots:?}");
    for src in &plots {
        let svg = read(&report.join(src));
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let mut series: BTreeMap<&str, usize> = BTreeMap::new();
        for n in doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("series"))
        {
            *series
                .entry(n.attribute("data-policy").unwrap())
                .or_default() += 1;
        }
        let want: BTreeMap<&str, usize> = POLICIES.iter().map(|&p| (p, 1)).collect();
        assert_eq!(series, want, "{src}");
        // The legend (or the bars' axis) names each policy.
        let texts: String = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        for p in POLICIES {
            assert!(texts.contains(p), "{src}: no label for {p}");
        }
    }

    // The CSV: a header, then a row per job and policy; its violations are
    // the table's.
    let mut csv = csv::Reader::from_path(&jobs).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "scenario",
            "policy",
            "job",
            "model",
            "arrival_ms",
            "start_ms",
            "finish_ms",
            "node",
            "arch",
            "engine",
            "threads",
            "gpus",
            "predicted_latency_ms",
            "latency_ms",
            "qos_ms",
            "slack_ms",
            "violated"
        ]
    );
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut rows: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for record in csv.records() {
        let record = record.unwrap();
        let key = (
            record[column("scenario")].to_string(),
            record[column("policy")].to_string(),
        );
        let entry = rows.entry(key).or_default();
        entry.0 += 1;
        entry.1 += u64::from(&record[column("violated")] == "true");
    }
    for s in scenarios {
        for m in s["policies"].as_array().unwrap() {
            let key = (
                s["scenario"].as_str().unwrap().to_string(),
                m["policy"].as_str().unwrap().to_string(),
            );
            assert_eq!(
                rows.remove(&key),
                Some((
                    s["jobs"].as_u64().unwrap(),
                    m["violations"].as_u64().unwrap()
                )),
                "{key:?}"
            );
        }
    }
    assert!(rows.is_empty(), "rows of no replayed policy: {rows:?}");
}

#[test]
fn jobs_files_other_than_csv_are_usage_errors() {
    let dir = scratch("not-csv");
    for (name, why) in [
        ("jobs.parquet", "parquet is not supported; use .csv"),
        ("jobs.txt", ".txt is not supported; use .csv"),
        ("jobs", "no extension; use a .csv file name"),
    ] {
        let path = dir.join(name);
        let o = synergai(&["replay", "--no-bound", "--jobs", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("--jobs {}: {why}", path.display())),
            "{err}"
        );
        assert!(o.stdout.is_empty(), "refused before replaying");
        assert!(!path.exists());
    }
}

#[test]
fn a_report_onto_a_regular_file_is_a_usage_error() {
    let dir = scratch("onto-file");
    let file = dir.join("report");
    std::fs::write(&file, "keep me").unwrap();
    let o = synergai(&["replay", "--no-bound", "--report", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "--report {}: exists and is not a directory",
            file.display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty(), "refused before replaying");
    assert_eq!(read(&file), "keep me");
}
