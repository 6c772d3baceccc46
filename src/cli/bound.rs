//! `synergai bound`: the lower bound on violations no policy can beat, per
//! scenario (see [`crate::bound`]).

use super::output::{Listing, OutputArgs, print_table, table, write_stdout};
use super::parse_duration_ms;
use crate::bound::{self, Bound, BoundOptions, SolveStatus};
use crate::error::{Error, Result};
use crate::fixture;
use crate::model::Scenario;
use crate::policy::fmt_ms;
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct BoundArgs {
    /// Scenario fixtures (default: the embedded default scenario).
    pub fixtures: Vec<PathBuf>,
    /// Also bound the fixed generated evaluation suite (see `replay --suite`).
    #[arg(long)]
    pub suite: bool,
    /// Jobs per window: jobs are split by arrival and each window's LP is
    /// solved alone (larger: tighter and slower).
    #[arg(long, default_value_t = bound::DEFAULT_WINDOW_JOBS, value_name = "N")]
    pub window_jobs: usize,
    /// Uniform time slots of this length (e.g. 500ms, 2s) instead of slots
    /// cut at the jobs' arrivals and deadlines.
    #[arg(long, value_parser = parse_duration_ms, value_name = "DURATION")]
    pub slot: Option<f64>,
    /// At most this many slots per window with the adaptive grid.
    #[arg(long, default_value_t = bound::DEFAULT_MAX_SLOTS, value_name = "N")]
    pub max_slots: usize,
    /// Stop the solver on one window after this long. The bound stays
    /// sound: with HiGHS that window's may be weaker, with clarabel it falls
    /// back to the window's trivial bound.
    #[arg(long, default_value = "60s", value_parser = parse_duration_ms, value_name = "DURATION")]
    pub window_timeout: f64,
    /// Solve every window's LP, also where a greedy fill of the relaxation
    /// already puts every job on time (same bound, slower).
    #[arg(long)]
    pub always_solve: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioBound {
    pub scenario: String,
    pub source: String,
    pub nodes: usize,
    #[serde(flatten)]
    pub bound: Bound,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BoundReport {
    pub scenarios: Vec<ScenarioBound>,
}

pub fn run(args: BoundArgs, color: bool) -> Result<()> {
    if bound::SOLVER.is_none() {
        return Err(Error::Usage(bound::NO_SOLVER.into()));
    }
    if !(args.window_timeout.is_finite() && args.window_timeout > 0.0) {
        return Err(Error::Usage("--window-timeout must be positive".into()));
    }
    let options = BoundOptions {
        window_jobs: args.window_jobs,
        slot_ms: args.slot,
        max_slots: args.max_slots,
        time_limit: Some(Duration::from_secs_f64(args.window_timeout / 1000.0)),
        threads: 0,
        greedy: !args.always_solve,
    };
    let scenarios: Vec<Scenario> = fixture::suite::load_named(&args.fixtures, args.suite)?;
    let mut report = BoundReport {
        scenarios: Vec::new(),
    };
    for s in &scenarios {
        report.scenarios.push(ScenarioBound {
            scenario: s.name.clone(),
            source: s.source.clone(),
            nodes: s.nodes.len(),
            bound: bound::lower_bound(s, &options)?,
        });
    }
    match args.output.table() {
        Some(wide) => print_bounds(&report, wide, color),
        None => args.output.print_list(&BOUND_LIST, &report),
    }
}

/// `bound`'s list: the scenarios, by name.
const BOUND_LIST: Listing = Listing {
    kind: "BoundReport",
    items: "/scenarios",
    name: &["scenario"],
};

fn print_bounds(report: &BoundReport, wide: bool, color: bool) -> Result<()> {
    let mut headers = vec![
        "scenario",
        "jobs",
        "trivial bound",
        "lp bound",
        "windows",
        "solve time",
    ];
    if wide {
        headers.extend([
            "lp value",
            "greedy",
            "slots",
            "variables",
            "constraints",
            "not optimal",
        ]);
    }
    let mut t = table(&headers, color);
    for s in &report.scenarios {
        let b = &s.bound;
        let mut row = vec![
            s.scenario.clone(),
            b.jobs.to_string(),
            b.trivial.to_string(),
            b.bound.to_string(),
            b.windows.len().to_string(),
            fmt_ms(b.solve_ms),
        ];
        if wide {
            let sum =
                |f: fn(&bound::WindowBound) -> usize| -> usize { b.windows.iter().map(f).sum() };
            let not_optimal = b
                .windows
                .iter()
                .filter(|w| matches!(w.status, SolveStatus::TimeLimit | SolveStatus::Failed))
                .count();
            let greedy = b
                .windows
                .iter()
                .filter(|w| w.status == SolveStatus::Greedy)
                .count();
            row.extend([
                format!("{:.2}", b.lp_value),
                greedy.to_string(),
                sum(|w| w.slots).to_string(),
                sum(|w| w.variables).to_string(),
                sum(|w| w.constraints).to_string(),
                not_optimal.to_string(),
            ]);
        }
        t.add_row(row);
    }
    print_table(&t)?;
    if let Some(first) = report.scenarios.first() {
        write_stdout(&format!(
            "solver {}; relaxed: {}",
            first.bound.solver, first.bound.relaxed
        ))?;
    }
    Ok(())
}
