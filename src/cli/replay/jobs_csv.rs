//! `replay --jobs FILE.csv`: one row per job and policy — where and how
//! each job ran, when, what its placement predicted, and whether it met
//! its QoS.

use super::ReplayReport;
use crate::error::{Error, Result};
use crate::sim::JobOutcome;
use serde::Serialize;
use std::path::Path;

/// One job under one policy. Times in ms from the scenario's start; the
/// fields of a job never placed (or never finished) are empty.
#[derive(Debug, Serialize)]
struct Row<'a> {
    scenario: &'a str,
    policy: &'a str,
    job: &'a str,
    model: &'a str,
    arrival_ms: f64,
    start_ms: Option<f64>,
    finish_ms: Option<f64>,
    node: Option<&'a str>,
    arch: Option<&'a str>,
    engine: Option<&'a str>,
    threads: Option<u32>,
    gpus: Option<u32>,
    predicted_latency_ms: Option<f64>,
    latency_ms: Option<f64>,
    qos_ms: f64,
    slack_ms: Option<f64>,
    violated: bool,
}

impl<'a> Row<'a> {
    fn new(scenario: &'a str, policy: &'a str, o: &'a JobOutcome) -> Row<'a> {
        Row {
            scenario,
            policy,
            job: &o.job,
            model: &o.model,
            arrival_ms: o.arrival_ms,
            start_ms: o.start_ms,
            finish_ms: o.finish_ms,
            node: o.node.as_deref(),
            arch: o.arch.as_deref(),
            engine: o.engine.as_deref(),
            threads: o.threads,
            gpus: o.gpus,
            predicted_latency_ms: o.predicted_latency_ms,
            latency_ms: o.latency_ms,
            qos_ms: o.qos_ms,
            slack_ms: o.slack_ms,
            violated: o.violated,
        }
    }
}

/// Refuses anything but a `.csv` file name (before the replay runs).
pub fn check_path(path: &Path) -> Result<()> {
    let refuse = |why: String| Err(Error::Usage(format!("--jobs {}: {why}", path.display())));
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("csv") => {}
        Some(e) if e.eq_ignore_ascii_case("parquet") => {
            return refuse("parquet is not supported; use .csv".into());
        }
        Some(e) => return refuse(format!(".{e} is not supported; use .csv")),
        None => return refuse("no extension; use a .csv file name".into()),
    }
    if path.is_dir() {
        return refuse("is a directory; give a .csv file name".into());
    }
    Ok(())
}

/// Writes every scenario's jobs under every policy to `path` (atomically);
/// returns the number of rows.
/// `outcomes`: per scenario, per policy, per job.
pub fn write(
    path: &Path,
    report: &ReplayReport,
    outcomes: &[Vec<Vec<JobOutcome>>],
) -> Result<usize> {
    let mut rows = Vec::new();
    for (scenario, runs) in report.scenarios.iter().zip(outcomes) {
        for (metrics, jobs) in scenario.policies.iter().zip(runs) {
            rows.extend(
                jobs.iter()
                    .map(|o| Row::new(&scenario.scenario, &metrics.policy, o)),
            );
        }
    }
    let text = to_csv(&rows).map_err(|e| Error::Internal(format!("cannot write CSV: {e}")))?;
    crate::fixture::write_atomic(path, &text)?;
    Ok(rows.len())
}

/// The rows as CSV text with a header row.
fn to_csv(rows: &[Row<'_>]) -> std::result::Result<String, Box<dyn std::error::Error>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        out.serialize(row)?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(job: &str) -> JobOutcome {
        JobOutcome {
            job: job.into(),
            model: "resnet50".into(),
            arrival_ms: 1000.0,
            qos_ms: 2000.0,
            start_ms: None,
            finish_ms: None,
            node: None,
            arch: None,
            engine: None,
            threads: None,
            gpus: None,
            predicted_latency_ms: None,
            latency_ms: None,
            slack_ms: None,
            violated: true,
        }
    }

    #[test]
    fn rows_have_a_header_and_empty_fields_for_what_never_happened() {
        let done = JobOutcome {
            start_ms: Some(1000.0),
            finish_ms: Some(2500.25),
            node: Some("xeon-1".into()),
            arch: Some("xeon-vm".into()),
            engine: Some("onnxruntime".into()),
            threads: Some(4),
            gpus: Some(0),
            predicted_latency_ms: Some(1400.0),
            latency_ms: Some(1500.25),
            slack_ms: Some(499.75),
            violated: false,
            ..outcome("job-1")
        };
        let never = outcome("job, \"2\"");
        let rows = [
            Row::new("light-load", "synergai", &done),
            Row::new("light-load", "synergai", &never),
        ];
        assert_eq!(
            to_csv(&rows).unwrap(),
            "scenario,policy,job,model,arrival_ms,start_ms,finish_ms,node,arch,engine,threads,\
             gpus,predicted_latency_ms,latency_ms,qos_ms,slack_ms,violated\n\
             light-load,synergai,job-1,resnet50,1000.0,1000.0,2500.25,xeon-1,xeon-vm,\
             onnxruntime,4,0,1400.0,1500.25,2000.0,499.75,false\n\
             light-load,synergai,\"job, \"\"2\"\"\",resnet50,1000.0,,,,,,,,,,2000.0,,true\n"
        );
    }

    #[test]
    fn only_csv_file_names_are_accepted() {
        assert!(check_path(Path::new("out/jobs.csv")).is_ok());
        assert!(check_path(Path::new("JOBS.CSV")).is_ok());
        for (path, why) in [
            ("jobs.parquet", "parquet is not supported; use .csv"),
            ("jobs.tsv", ".tsv is not supported; use .csv"),
            ("jobs", "no extension"),
        ] {
            let err = check_path(Path::new(path)).unwrap_err();
            assert!(matches!(err, Error::Usage(_)), "{err:?}");
            assert!(err.to_string().contains(why), "{err}");
            assert!(
                err.to_string().starts_with(&format!("--jobs {path}: ")),
                "{err}"
            );
        }
    }
}
