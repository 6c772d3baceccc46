//! `synergai replay`: run scenarios under several policies, print the
//! metrics side by side and how each other policy's violations compare
//! with synergai's: per scenario (v + 1) / (synergai + 1), over several
//! scenarios its geometric mean and where synergai has the fewest; on
//! request also a report with plots (`--report`) and every job's outcome
//! (`--jobs`).

mod html;
mod jobs_csv;
mod plots;
mod report;

use super::ReplayArgs;
use super::output::{Listing, print_table, progress_bar, table};
use crate::error::Result;
use crate::fixture;
use crate::model::Scenario;
use crate::policy::{PolicyKind, fmt_ms};
use crate::sim::{JobOutcome, Metrics, SimOptions, Simulator};
use indicatif::ProgressBar;
use serde::Serialize;

/// Violations of another policy relative to synergai's.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViolationRatio {
    pub policy: String,
    /// (its violations + 1) / (synergai's violations + 1); over several
    /// scenarios, the geometric mean of that.
    pub ratio: f64,
}

/// Where synergai stands over several scenarios.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SuiteSummary {
    pub scenarios: usize,
    /// Scenarios where synergai has no more violations than any other policy.
    pub synergai_fewest: usize,
    /// The others, by name.
    pub synergai_not_fewest: Vec<String>,
    /// Scenarios where synergai's violations equal the lower bound
    /// (provably optimal), when the bound was computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synergai_at_bound: Option<usize>,
}

/// How far from the best possible schedule a scenario's policies are:
/// bound ≤ optimum ≤ best known.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bracket {
    /// Violations no policy can avoid (`synergai bound` with its defaults).
    pub bound: u32,
    /// The fewest violations any policy replayed here reached.
    pub best_known: u32,
    /// The policies that reached it.
    pub best_policies: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synergai: Option<u32>,
}

impl Bracket {
    fn of(bound: u32, policies: &[Metrics]) -> Option<Bracket> {
        let best_known = policies.iter().map(|m| m.violations).min()?;
        Some(Bracket {
            bound,
            best_known,
            best_policies: policies
                .iter()
                .filter(|m| m.violations == best_known)
                .map(|m| m.policy.clone())
                .collect(),
            synergai: policies
                .iter()
                .find(|m| m.policy == "synergai")
                .map(|m| m.violations),
        })
    }

    /// `bound 0 ≤ optimum ≤ 6 (slo-energy); synergai 9`.
    fn line(&self) -> String {
        let mut line = format!(
            "bound {} ≤ optimum ≤ {} best known ({})",
            self.bound,
            self.best_known,
            self.best_policies.join(", ")
        );
        if let Some(ours) = self.synergai {
            line.push_str(&format!("; synergai {ours}"));
        }
        line
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioReport {
    pub scenario: String,
    pub source: String,
    pub nodes: usize,
    pub jobs: usize,
    pub policies: Vec<Metrics>,
    pub violation_ratios: Vec<ViolationRatio>,
    /// With a lower bound (builds with an LP solver, unless --no-bound).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bracket: Option<Bracket>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayReport {
    pub scenarios: Vec<ScenarioReport>,
    /// Geometric mean over scenarios of each policy's ratio (with several
    /// scenarios).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mean_violation_ratios: Vec<ViolationRatio>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<SuiteSummary>,
}

/// Runs `scenario` under each policy in parallel threads (results do not
/// depend on it): the metrics of each run and, if asked, every job's
/// outcome (in job order; else none). Counts finished jobs on `progress` as
/// they go.
fn run_policies(
    scenario: &Scenario,
    policies: &[PolicyKind],
    theta: Option<f64>,
    full_replan: bool,
    outcomes: bool,
    progress: &ProgressBar,
) -> Vec<(Metrics, Vec<JobOutcome>)> {
    std::thread::scope(|s| {
        let handles: Vec<_> = policies
            .iter()
            .map(|&p| {
                s.spawn(move || {
                    let mut options = SimOptions::new(p);
                    options.knee_threshold = theta;
                    options.incremental = !full_replan;
                    let mut sim = Simulator::new(scenario, options);
                    let mut counted = 0;
                    let mut steps = 0u32;
                    while sim.step() {
                        steps = steps.wrapping_add(1);
                        if steps.is_multiple_of(256) {
                            let done: u32 = sim.model_totals().iter().map(|m| m.0).sum();
                            progress.inc(u64::from(done - counted));
                            counted = done;
                        }
                    }
                    // Unfinished jobs are done with too.
                    progress.inc((scenario.jobs.len() as u64).saturating_sub(counted.into()));
                    let jobs = if outcomes {
                        sim.job_outcomes()
                    } else {
                        Vec::new()
                    };
                    (sim.metrics(), jobs)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("replay thread panicked"))
            .collect()
    })
}

/// A scenario's metrics under each policy, and how the others' violations
/// compare with synergai's.
fn scenario_report(scenario: &Scenario, metrics: Vec<Metrics>) -> ScenarioReport {
    let ours = metrics
        .iter()
        .find(|m| m.policy == "synergai")
        .map(|m| m.violations);
    let violation_ratios = match ours {
        Some(ours) => metrics
            .iter()
            .filter(|m| m.policy != "synergai")
            .map(|m| ViolationRatio {
                policy: m.policy.clone(),
                ratio: f64::from(m.violations + 1) / f64::from(ours + 1),
            })
            .collect(),
        None => Vec::new(),
    };
    ScenarioReport {
        scenario: scenario.name.clone(),
        source: scenario.source.clone(),
        nodes: scenario.nodes.len(),
        jobs: scenario.jobs.len(),
        policies: metrics,
        violation_ratios,
        bracket: None,
    }
}

pub fn run(args: ReplayArgs, color: bool) -> Result<()> {
    let mut scenarios = fixture::suite::load_named(&args.fixtures, args.suite)?;
    if args.with_overrides {
        super::place::apply_recorded_overrides(&mut scenarios, &args.fixtures, args.suite)?;
    }
    let mut policies = args.policies.policy.clone();
    policies.dedup();
    if let Some(theta) = args.theta
        && !(theta > 0.0 && theta <= 1.0)
    {
        return Err(crate::Error::Usage(format!(
            "--theta must be in (0, 1], got {theta}"
        )));
    }
    // Refuse bad output paths before a long replay, not after it.
    if let Some(path) = &args.jobs {
        jobs_csv::check_path(path)?;
    }
    if let Some(dir) = &args.report {
        report::prepare_dir(dir)?;
    }
    let with_bound = !args.no_bound && crate::bound::SOLVER.is_some();
    let total_jobs: usize = scenarios.iter().map(|s| s.jobs.len()).sum();
    // Each policy's run counts every job.
    let progress = progress_bar((total_jobs * policies.len()) as u64, "jobs replayed");
    let mut reports = Vec::with_capacity(scenarios.len());
    // Per scenario, per policy: every job's outcome (for --report, --jobs).
    let mut outcomes = Vec::with_capacity(scenarios.len());
    let keep_outcomes = args.report.is_some() || args.jobs.is_some();
    for s in &scenarios {
        progress.set_message(s.name.clone());
        let (metrics, jobs): (Vec<_>, Vec<_>) = run_policies(
            s,
            &policies,
            args.theta,
            args.full_replan,
            keep_outcomes,
            &progress,
        )
        .into_iter()
        .unzip();
        let mut report = scenario_report(s, metrics);
        if with_bound {
            progress.set_message(format!("{}: lower bound", s.name));
            let b = crate::bound::lower_bound(s, &crate::bound::BoundOptions::default())?;
            report.bracket = Bracket::of(b.bound, &report.policies);
        }
        reports.push(report);
        outcomes.push(jobs);
    }
    progress.finish_and_clear();
    let (mean_violation_ratios, summary) = if reports.len() > 1 {
        (mean_ratios(&reports), summarize(&reports))
    } else {
        (Vec::new(), None)
    };
    let report = ReplayReport {
        scenarios: reports,
        mean_violation_ratios,
        summary,
    };
    if let Some(dir) = &args.report {
        let index = report::write(dir, &scenarios, &report, &outcomes)?;
        eprintln!("report: {}", index.display());
    }
    if let Some(path) = &args.jobs {
        let rows = jobs_csv::write(path, &report, &outcomes)?;
        eprintln!("jobs: {} ({rows} rows)", path.display());
    }
    match args.output.table() {
        Some(wide) => print_tables(&report, wide, color),
        None => args.output.print_list(&REPLAY_LIST, &report),
    }
}

/// `replay`'s list: the scenarios, by name.
const REPLAY_LIST: Listing = Listing {
    kind: "ReplayReport",
    items: "/scenarios",
    name: &["scenario"],
};

fn mean_ratios(reports: &[ScenarioReport]) -> Vec<ViolationRatio> {
    let Some(first) = reports.first() else {
        return Vec::new();
    };
    first
        .violation_ratios
        .iter()
        .map(|r| {
            let values: Vec<f64> = reports
                .iter()
                .filter_map(|s| s.violation_ratios.iter().find(|x| x.policy == r.policy))
                .map(|x| x.ratio)
                .collect();
            let log_mean = values.iter().map(|v| v.ln()).sum::<f64>() / values.len().max(1) as f64;
            ViolationRatio {
                policy: r.policy.clone(),
                ratio: log_mean.exp(),
            }
        })
        .collect()
}

/// Where synergai has no more violations than any other policy (`None`
/// when synergai was not run).
fn summarize(reports: &[ScenarioReport]) -> Option<SuiteSummary> {
    let mut fewest = 0;
    let mut others = Vec::new();
    for s in reports {
        let ours = s
            .policies
            .iter()
            .find(|m| m.policy == "synergai")?
            .violations;
        if s.policies.iter().all(|m| ours <= m.violations) {
            fewest += 1;
        } else {
            others.push(s.scenario.clone());
        }
    }
    let at_bound = reports
        .iter()
        .map(|s| s.bracket.as_ref().map(|b| b.synergai == Some(b.bound)))
        .collect::<Option<Vec<bool>>>()
        .map(|v| v.into_iter().filter(|&at| at).count());
    Some(SuiteSummary {
        scenarios: reports.len(),
        synergai_fewest: fewest,
        synergai_not_fewest: others,
        synergai_at_bound: at_bound,
    })
}

fn print_tables(report: &ReplayReport, wide: bool, color: bool) -> Result<()> {
    if report.scenarios.len() > 1 && !wide {
        return print_summary(report, color);
    }
    let mut first = true;
    for s in &report.scenarios {
        if !first {
            super::output::write_stdout("")?;
        }
        first = false;
        super::output::write_stdout(&format!(
            "scenario {} ({}): {} nodes, {} jobs",
            s.scenario, s.source, s.nodes, s.jobs
        ))?;
        let mut headers = vec!["metric"];
        headers.extend(s.policies.iter().map(|m| m.policy.as_str()));
        let mut t = table(&headers, color);
        let row = |name: &str, f: &dyn Fn(&Metrics) -> String| {
            let mut r = vec![name.to_string()];
            r.extend(s.policies.iter().map(f));
            r
        };
        t.add_row(row("violations", &|m| m.violations.to_string()));
        t.add_row(row("violation rate", &|m| {
            format!("{:.1}%", m.violation_rate * 100.0)
        }));
        t.add_row(row("excess total", &|m| fmt_ms(m.excess_total_ms)));
        t.add_row(row("excess mean", &|m| fmt_ms(m.excess_mean_ms)));
        t.add_row(row("latency p50", &|m| fmt_ms(m.latency_p50_ms)));
        t.add_row(row("latency p95", &|m| fmt_ms(m.latency_p95_ms)));
        t.add_row(row("latency p99", &|m| fmt_ms(m.latency_p99_ms)));
        t.add_row(row("queue wait mean", &|m| fmt_ms(m.queue_wait_mean_ms)));
        if wide {
            t.add_row(row("queue wait p99", &|m| fmt_ms(m.queue_wait_p99_ms)));
            t.add_row(row("completed", &|m| m.completed.to_string()));
            t.add_row(row("unfinished", &|m| m.unfinished.to_string()));
        }
        if let Some(m0) = s.policies.first() {
            for (i, u) in m0.utilization.iter().enumerate() {
                t.add_row(row(&format!("util {}", u.arch), &|m| {
                    m.utilization.get(i).map_or("-".into(), |u| match u.gpus {
                        Some(g) => format!("{:.0}% cpu {:.0}% gpu", u.cores * 100.0, g * 100.0),
                        None => format!("{:.0}% cpu", u.cores * 100.0),
                    })
                }));
                if wide {
                    t.add_row(row(&format!("jobs on {}", u.arch), &|m| {
                        m.utilization
                            .get(i)
                            .map_or("-".into(), |u| u.jobs.to_string())
                    }));
                }
            }
        }
        t.add_row(row("energy", &|m| format!("{:.1} kJ", m.energy_j / 1000.0)));
        t.add_row(row("makespan", &|m| fmt_ms(m.makespan_ms)));
        t.add_row(row("decisions", &|m| m.decisions.to_string()));
        t.add_row(row("overhead/decision", &|m| {
            format!(
                "{:.1}µs (p99 {:.1}µs)",
                m.overhead_mean_us, m.overhead_p99_us
            )
        }));
        if wide {
            t.add_row(row("events", &|m| m.events.to_string()));
        }
        print_table(&t)?;
        if !s.violation_ratios.is_empty() {
            let parts: Vec<String> = s
                .violation_ratios
                .iter()
                .map(|r| format!("{} {:.2}×", r.policy, r.ratio))
                .collect();
            super::output::write_stdout(&format!(
                "(violations + 1) relative to synergai's: {}",
                parts.join(", ")
            ))?;
        }
        if let Some(b) = &s.bracket {
            super::output::write_stdout(&b.line())?;
        }
    }
    if !report.mean_violation_ratios.is_empty() {
        super::output::write_stdout("")?;
        print_closing_lines(report)?;
    }
    Ok(())
}

/// Several scenarios: one row each (violations per policy, synergai's p95
/// latency and energy), then the geometric means.
fn print_summary(report: &ReplayReport, color: bool) -> Result<()> {
    let Some(first) = report.scenarios.first() else {
        return Ok(());
    };
    let names: Vec<&str> = first.policies.iter().map(|m| m.policy.as_str()).collect();
    let bounded = report.scenarios.iter().all(|s| s.bracket.is_some());
    let mut headers = vec!["scenario", "nodes", "jobs"];
    if bounded {
        headers.push("bound");
    }
    headers.extend(names.iter().copied());
    let mut t = table(&headers, color);
    for s in &report.scenarios {
        let mut row = vec![s.scenario.clone(), s.nodes.to_string(), s.jobs.to_string()];
        if let Some(b) = s.bracket.as_ref().filter(|_| bounded) {
            row.push(b.bound.to_string());
        }
        row.extend(s.policies.iter().map(|m| m.violations.to_string()));
        t.add_row(row);
    }
    super::output::write_stdout(&format!(
        "violations per scenario ({} scenarios; -o wide for every metric, -o json for all data)",
        report.scenarios.len()
    ))?;
    print_table(&t)?;
    print_closing_lines(report)
}

fn print_closing_lines(report: &ReplayReport) -> Result<()> {
    if !report.mean_violation_ratios.is_empty() {
        let parts: Vec<String> = report
            .mean_violation_ratios
            .iter()
            .map(|r| format!("{} {:.2}×", r.policy, r.ratio))
            .collect();
        super::output::write_stdout(&format!(
            "geometric mean over {} scenarios of (violations + 1) / (synergai's + 1): {}",
            report.scenarios.len(),
            parts.join(", ")
        ))?;
    }
    if let Some(s) = &report.summary {
        let mut line = format!(
            "synergai has no more violations than any other policy on {} of {} scenarios",
            s.synergai_fewest, s.scenarios
        );
        if !s.synergai_not_fewest.is_empty() {
            line.push_str(&format!(" (not on: {})", s.synergai_not_fewest.join(", ")));
        }
        super::output::write_stdout(&line)?;
        if let Some(n) = s.synergai_at_bound {
            super::output::write_stdout(&format!(
                "synergai reaches the lower bound (a provably optimal schedule) on {n} of {}",
                s.scenarios
            ))?;
        }
    }
    Ok(())
}
