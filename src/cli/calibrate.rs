//! `synergai profile calibrate`: a profile corrected from the run times a
//! recording holds (src/fixture/calibrate.rs has the model), the
//! prediction error before and after, and the corrected profile written
//! atomically.

use super::output::{Listing, OutputArgs, print_table, table};
use crate::error::{Error, Result};
use crate::fixture::calibrate::{self, Run};
use crate::fixture::{self, Origin};
use crate::model::Profile;
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// A recording (`synergai tui --kube --record FILE`) whose finished
    /// jobs give the measured run times.
    #[arg(long, value_name = "RECORDING")]
    pub from: PathBuf,
    /// The profile to correct, a file or builtin:NAME [default: the one the
    /// recording names].
    #[arg(long)]
    pub profile: Option<String>,
    /// Also report the prediction error on these recordings (e.g. one not
    /// calibrated from), before and after.
    #[arg(long, value_name = "RECORDING")]
    pub check: Vec<PathBuf>,
    /// Write the calibrated profile here (atomically); without it only the
    /// report is printed.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RowReport {
    model: String,
    arch: String,
    engine: String,
    threads: u32,
    runs: usize,
    qps_before: f64,
    qps_after: f64,
    error_before: f64,
    error_after: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AlphaReport {
    arch: String,
    runs: usize,
    alpha_before: f64,
    alpha_after: f64,
    error_before: f64,
    error_after: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorReport {
    recording: String,
    jobs: usize,
    /// Mean absolute relative error of the predicted run time.
    error_before: f64,
    error_after: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    profile: String,
    rows: Vec<RowReport>,
    alphas: Vec<AlphaReport>,
    errors: Vec<ErrorReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<String>,
}

fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

pub fn run(args: CalibrateArgs, color: bool) -> Result<()> {
    let recording = fixture::recording::load(&Origin::File(args.from.clone()))?;
    let profile: Profile = match &args.profile {
        Some(reference) => super::profile::load(Some(reference))?,
        None => (*recording.scenario.profile).clone(),
    };
    let runs = calibrate::runs(&recording, &profile);
    if runs.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no finished job with its engine and threads (bound events) to calibrate from",
            args.from.display()
        )));
    }
    let source = args
        .from
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.from.display().to_string());
    let calibrate::Calibration {
        profile: calibrated,
        rows: changes,
        alphas,
    } = calibrate::calibrate(&profile, &runs, &source);
    let mut errors = vec![error_report(&args.from, &profile, &calibrated, &runs)];
    for check in &args.check {
        let other = fixture::recording::load(&Origin::File(check.clone()))?;
        let other_runs = calibrate::runs(&other, &profile);
        errors.push(error_report(check, &profile, &calibrated, &other_runs));
    }
    let written = match &args.out {
        Some(path) => {
            fixture::write_atomic(path, &fixture::emit::profile(&calibrated))?;
            Some(path.display().to_string())
        }
        None => None,
    };
    let report = Report {
        profile: profile.name.clone(),
        rows: changes
            .iter()
            .map(|c| {
                let (model, arch, engine, threads) = c.key;
                RowReport {
                    model: profile.model(model).name.clone(),
                    arch: profile.arch(arch).name.clone(),
                    engine: engine.to_string(),
                    threads,
                    runs: c.runs,
                    qps_before: c.qps_before,
                    qps_after: c.qps_after,
                    error_before: c.error_before,
                    error_after: c.error_after,
                }
            })
            .collect(),
        alphas: alphas
            .iter()
            .map(|a| AlphaReport {
                arch: profile.arch(a.arch).name.clone(),
                runs: a.runs,
                alpha_before: a.before,
                alpha_after: a.after,
                error_before: a.error_before,
                error_after: a.error_after,
            })
            .collect(),
        errors,
        written,
    };
    match args.output.table() {
        None => args.output.print_list(&CALIBRATION_LIST, &report),
        Some(_) => {
            let mut t = table(
                &["model", "arch", "engine", "threads", "runs", "qps", "error"],
                color,
            );
            for r in &report.rows {
                t.add_row(vec![
                    r.model.clone(),
                    r.arch.clone(),
                    r.engine.clone(),
                    r.threads.to_string(),
                    r.runs.to_string(),
                    format!(
                        "{} -> {} ({:+.1}%)",
                        calibrate::short(r.qps_before),
                        calibrate::short(r.qps_after),
                        (r.qps_after / r.qps_before - 1.0) * 100.0
                    ),
                    format!("{} -> {}", percent(r.error_before), percent(r.error_after)),
                ]);
            }
            print_table(&t)?;
            if !report.alphas.is_empty() {
                let mut t = table(&["arch", "runs", "interference alpha", "error"], color);
                for a in &report.alphas {
                    t.add_row(vec![
                        a.arch.clone(),
                        a.runs.to_string(),
                        format!("{} -> {}", a.alpha_before, a.alpha_after),
                        format!("{} -> {}", percent(a.error_before), percent(a.error_after)),
                    ]);
                }
                print_table(&t)?;
            }
            let mut t = table(&["recording", "jobs", "prediction error"], color);
            for e in &report.errors {
                t.add_row(vec![
                    e.recording.clone(),
                    e.jobs.to_string(),
                    format!("{} -> {}", percent(e.error_before), percent(e.error_after)),
                ]);
            }
            print_table(&t)?;
            if let Some(path) = &report.written {
                super::output::write_stdout(&format!("calibrated profile written to {path}"))?;
            }
            Ok(())
        }
    }
}

/// `profile calibrate`'s list: the corrected rows, by model, architecture,
/// engine and threads.
const CALIBRATION_LIST: Listing = Listing {
    kind: "CalibrationReport",
    items: "/rows",
    name: &["model", "arch", "engine", "threads"],
};

fn error_report(
    path: &std::path::Path,
    before: &Profile,
    after: &Profile,
    runs: &[Run],
) -> ErrorReport {
    let (error_before, jobs) = calibrate::error(before, runs);
    ErrorReport {
        recording: path.display().to_string(),
        jobs,
        error_before,
        error_after: calibrate::error(after, runs).0,
    }
}
