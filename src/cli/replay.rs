//! `synergai replay`: run scenarios under several policies, print the
//! metrics side by side and each baseline's violations relative to synergai.

use super::ReplayArgs;
use super::output::{OutputFormat, print_document, print_table, table};
use crate::error::Result;
use crate::fixture;
use crate::policy::{PolicyKind, fmt_ms};
use crate::sim::{Metrics, Scenario, SimOptions, Simulator};
use serde::Serialize;

/// Violations of a baseline relative to synergai's.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViolationRatio {
    pub policy: String,
    /// baseline violations / max(synergai violations, 1).
    pub ratio: f64,
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
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayReport {
    pub scenarios: Vec<ScenarioReport>,
    /// Mean over scenarios of each baseline's ratio (with several scenarios).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mean_violation_ratios: Vec<ViolationRatio>,
}

/// Runs `scenario` under each policy (in parallel threads; results do not
/// depend on it).
pub fn replay_scenario(
    scenario: &Scenario,
    policies: &[PolicyKind],
    theta: Option<f64>,
) -> ScenarioReport {
    let metrics: Vec<Metrics> = std::thread::scope(|s| {
        let handles: Vec<_> = policies
            .iter()
            .map(|&p| {
                s.spawn(move || {
                    let mut options = SimOptions::new(p);
                    options.knee_threshold = theta;
                    Simulator::new(scenario, options).run()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("replay thread panicked"))
            .collect()
    });
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
                ratio: f64::from(m.violations) / f64::from(ours.max(1)),
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
    }
}

pub fn run(args: ReplayArgs, color: bool) -> Result<()> {
    let scenarios: Vec<Scenario> = if args.fixtures.is_empty() {
        vec![fixture::load_default()?]
    } else {
        args.fixtures
            .iter()
            .map(|p| fixture::load_scenario_or_default(Some(p)))
            .collect::<Result<_>>()?
    };
    let mut policies = args.policies.policy.clone();
    policies.dedup();
    if let Some(theta) = args.theta
        && !(theta > 0.0 && theta <= 1.0)
    {
        return Err(crate::Error::Usage(format!(
            "--theta must be in (0, 1], got {theta}"
        )));
    }
    let reports: Vec<ScenarioReport> = scenarios
        .iter()
        .map(|s| replay_scenario(s, &policies, args.theta))
        .collect();
    let mean_violation_ratios = if reports.len() > 1 {
        mean_ratios(&reports)
    } else {
        Vec::new()
    };
    let report = ReplayReport {
        scenarios: reports,
        mean_violation_ratios,
    };
    match args.output {
        OutputFormat::Json | OutputFormat::Yaml => {
            print_document(args.output, "ReplayReport", &report)
        }
        f => print_tables(&report, f == OutputFormat::Wide, color),
    }
}

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
            ViolationRatio {
                policy: r.policy.clone(),
                ratio: values.iter().sum::<f64>() / values.len().max(1) as f64,
            }
        })
        .collect()
}

fn print_tables(report: &ReplayReport, wide: bool, color: bool) -> Result<()> {
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
                .map(|r| format!("{} {:.1}×", r.policy, r.ratio))
                .collect();
            super::output::write_stdout(&format!(
                "violations relative to synergai: {}",
                parts.join(", ")
            ))?;
        }
    }
    if !report.mean_violation_ratios.is_empty() {
        let parts: Vec<String> = report
            .mean_violation_ratios
            .iter()
            .map(|r| format!("{} {:.2}×", r.policy, r.ratio))
            .collect();
        super::output::write_stdout(&format!(
            "\nmean over {} scenarios of violations relative to synergai: {}",
            report.scenarios.len(),
            parts.join(", ")
        ))?;
    }
    Ok(())
}
