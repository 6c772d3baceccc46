//! `replay --report DIR`: what each plot shows, computed from the runs'
//! job outcomes, and the files written — `DIR/index.html` and one folder
//! of SVG plots per scenario.

use super::html::{self, Figure, Section};
use super::plots::{self, Legend, LinePlot, Series};
use super::{ReplayReport, ScenarioReport};
use crate::error::{Error, Result};
use crate::model::Scenario;
use crate::sim::JobOutcome;
use std::path::{Path, PathBuf};

/// Points per plotted line at most (longer lines are thinned evenly).
const MAX_POINTS: usize = 2000;

/// Time bins of the utilization plots, over the longest run.
const BINS: f64 = 60.0;

/// Shares of QoS below this much late are drawn at the slack plot's edge.
const SLACK_FLOOR: f64 = -2.0;

/// Refuses an existing non-directory, makes DIR if missing (before the
/// replay runs).
pub fn prepare_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "--report {}: exists and is not a directory (give a directory to write the report into)",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// Writes the plots and `DIR/index.html`; returns the page's path.
/// `outcomes`: per scenario, per policy, per job.
pub fn write(
    dir: &Path,
    scenarios: &[Scenario],
    report: &ReplayReport,
    outcomes: &[Vec<Vec<JobOutcome>>],
) -> Result<PathBuf> {
    let document = serde_json::to_value(report)
        .map_err(|e| Error::Internal(format!("cannot serialize the report: {e}")))?;
    let folders = folder_names(report);
    let mut sections = Vec::with_capacity(report.scenarios.len());
    for (((scenario, summary), runs), folder) in scenarios
        .iter()
        .zip(&report.scenarios)
        .zip(outcomes)
        .zip(folders)
    {
        let mut figures = Vec::new();
        for (name, figure) in scenario_plots(scenario, summary, runs)? {
            let file = format!("{folder}/{name}");
            crate::fixture::write_atomic(&dir.join(&file), &figure.svg)?;
            figures.push(Figure {
                file,
                title: figure.title,
                caption: figure.caption,
            });
        }
        sections.push(Section {
            id: folder,
            figures,
        });
    }
    let index = dir.join("index.html");
    crate::fixture::write_atomic(&index, &html::page(report, &document, &sections))?;
    Ok(index)
}

/// A plot drawn, before it is written.
struct Drawn {
    title: String,
    caption: String,
    svg: String,
}

/// Each scenario's folder: its name made safe for a path, unique.
fn folder_names(report: &ReplayReport) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, s) in report.scenarios.iter().enumerate() {
        let mut name = slug(&s.scenario);
        if names.contains(&name) {
            name = format!("{name}-{}", i + 1);
        }
        names.push(name);
    }
    names
}

/// Lower-case letters, digits, `-`, `_` and `.`; anything else becomes `-`.
pub fn slug(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '-' | '_' | '.') => c,
            _ => '-',
        })
        .collect();
    let s = s.trim_start_matches('.');
    if s.is_empty() {
        "scenario".into()
    } else {
        s.into()
    }
}

fn plot_error(what: &str) -> impl Fn(Box<dyn std::error::Error>) -> Error + '_ {
    move |e| Error::Internal(format!("cannot draw the {what} plot: {e}"))
}

/// Every plot of one scenario, by file name. `runs`: per policy, per job.
fn scenario_plots(
    scenario: &Scenario,
    summary: &ScenarioReport,
    runs: &[Vec<JobOutcome>],
) -> Result<Vec<(String, Drawn)>> {
    let name = &summary.scenario;
    let metrics = &summary.policies;
    let end_ms = metrics
        .iter()
        .map(|m| m.makespan_ms)
        .fold(0.0, f64::max)
        .max(1.0);
    let end_min = end_ms / 60_000.0;
    let jobs = scenario.jobs.len();
    let line = |policy: &str, points| Series {
        policy: policy.to_string(),
        label: policy.to_string(),
        points,
    };
    let mut out = Vec::new();

    // Violations over time.
    let series: Vec<Series> = metrics
        .iter()
        .zip(runs)
        .map(|(m, run)| Series {
            label: format!("{} ({})", m.policy, m.violations),
            ..line(&m.policy, violation_steps(run, m.makespan_ms, end_min))
        })
        .collect();
    let top = metrics.iter().map(|m| m.violations).max().unwrap_or(0);
    let title = format!("{name}: QoS violations over time");
    let plot = LinePlot {
        title: &title,
        x_label: "time (min)",
        y_label: "violations (cumulative)",
        x: 0.0..end_min,
        y: 0.0..(f64::from(top) * 1.05).max(1.0),
        y_decimals: 0,
        x_log: false,
        legend: Legend::UpperLeft,
        x_mark: None,
    };
    out.push((
        "violations.svg".to_string(),
        Drawn {
            svg: plots::lines(&plot, &series).map_err(plot_error("violations"))?,
            caption: "Jobs finished after their deadline, counted when they finish; jobs \
                      never finished count at the end of their policy's run. The legend \
                      gives each policy's total."
                .into(),
            title,
        },
    ));

    // Latency CDF.
    let latencies: Vec<Vec<f64>> = runs
        .iter()
        .map(|run| sorted(run.iter().filter_map(|o| o.latency_ms.map(|l| l / 1000.0))))
        .collect();
    let fastest = latencies
        .iter()
        .filter_map(|l| l.first())
        .fold(f64::INFINITY, |a, &b| a.min(b));
    let slowest = latencies
        .iter()
        .filter_map(|l| l.last())
        .fold(0.0, |a: f64, &b| a.max(b));
    let (lo_s, hi_s) = if fastest > 0.0 && slowest > fastest {
        (fastest / 1.2, slowest * 1.2)
    } else {
        (0.1, 1000.0)
    };
    let series: Vec<Series> = metrics
        .iter()
        .zip(&latencies)
        .map(|(m, l)| line(&m.policy, cdf(l.iter().copied(), 0, jobs, lo_s)))
        .collect();
    let title = format!("{name}: latency CDF");
    let plot = LinePlot {
        title: &title,
        x_label: "latency, arrival to result (s, log scale)",
        y_label: "share of jobs",
        x: lo_s..hi_s,
        y: 0.0..1.02,
        y_decimals: 1,
        x_log: true,
        legend: Legend::LowerRight,
        x_mark: None,
    };
    out.push((
        "latency-cdf.svg".to_string(),
        Drawn {
            svg: plots::lines(&plot, &series).map_err(plot_error("latency"))?,
            caption: "Share of all jobs finished within a latency; a line that ends below 1 \
                      has jobs that never finished."
                .into(),
            title,
        },
    ));

    // Utilization over time, per architecture: cores, and GPUs where it has any.
    let bin_ms = end_ms / BINS;
    for (a, arch) in scenario.profile.archs.iter().enumerate() {
        let nodes = scenario.nodes.iter().filter(|n| usize::from(n.arch) == a);
        let (cores, gpus) = nodes.fold((0u64, 0u64), |(c, g), n| {
            (c + u64::from(n.cores), g + u64::from(n.gpus))
        });
        for (kind, total) in [(Held::Cores, cores), (Held::Gpus, gpus)] {
            if total == 0 {
                continue;
            }
            let series: Vec<Series> = metrics
                .iter()
                .zip(runs)
                .map(|(m, run)| {
                    let held = Holding {
                        scenario,
                        arch: &arch.name,
                        kind,
                        total: total as f64,
                    };
                    line(&m.policy, held.steps(run, m.makespan_ms, bin_ms))
                })
                .collect();
            let title = format!("{name}: {} {} in use", arch.name, kind.name());
            let y_label = format!("{} in use (% of {total})", kind.name());
            let plot = LinePlot {
                title: &title,
                x_label: "time (min)",
                y_label: &y_label,
                x: 0.0..end_min,
                y: 0.0..105.0,
                y_decimals: 0,
                x_log: false,
                legend: Legend::UpperLeft,
                x_mark: None,
            };
            out.push((
                format!(
                    "utilization-{}-{}.svg",
                    slug(&arch.name),
                    kind.name().to_lowercase()
                ),
                Drawn {
                    svg: plots::lines(&plot, &series).map_err(plot_error("utilization"))?,
                    caption: format!(
                        "Share of the {} architecture's {total} {} held by running jobs \
                         (from placement to result, start-up included), averaged over {}; \
                         a line ends with its policy's run. Its mean over the run is the \
                         table's utilization.",
                        arch.name,
                        kind.name(),
                        crate::policy::fmt_ms(bin_ms)
                    ),
                    title,
                },
            ));
        }
    }

    // Energy.
    let energy: Vec<(&str, f64)> = metrics
        .iter()
        .map(|m| (m.policy.as_str(), m.energy_j / 1000.0))
        .collect();
    let title = format!("{name}: energy");
    out.push((
        "energy.svg".to_string(),
        Drawn {
            svg: plots::bars(&title, "energy (kJ)", &energy).map_err(plot_error("energy"))?,
            caption: "Energy of the whole cluster over each policy's run: every node's idle \
                      power for the makespan plus the power of the jobs it ran."
                .into(),
            title,
        },
    ));

    // QoS slack as a share of QoS.
    let shares: Vec<Vec<f64>> = runs
        .iter()
        .map(|run| {
            let share = |o: &JobOutcome| o.slack_ms.map(|s| s / o.qos_ms);
            sorted(run.iter().filter_map(share).filter(|x| x.is_finite()))
        })
        .collect();
    let least = shares
        .iter()
        .filter_map(|s| s.first())
        .fold(0.0, |a: f64, &b| a.min(b));
    let floor = ((least * 10.0).floor() / 10.0).clamp(SLACK_FLOOR, -0.2);
    let series: Vec<Series> = metrics
        .iter()
        .zip(&shares)
        .map(|(m, s)| {
            let clamped = s.iter().map(|&x| x.max(floor));
            line(
                &m.policy,
                cdf(clamped, jobs.saturating_sub(s.len()), jobs, floor),
            )
        })
        .collect();
    let title = format!("{name}: QoS slack CDF");
    let plot = LinePlot {
        title: &title,
        x_label: "slack (deadline − finish) as a share of QoS",
        y_label: "share of jobs",
        x: floor..1.0,
        y: 0.0..1.02,
        y_decimals: 1,
        x_log: false,
        legend: Legend::UpperLeft,
        x_mark: Some(0.0),
    };
    out.push((
        "slack-cdf.svg".to_string(),
        Drawn {
            svg: plots::lines(&plot, &series).map_err(plot_error("slack"))?,
            caption: format!(
                "Share of jobs with at most this slack; left of the grey line (0) a job is \
                 late. Jobs never finished count as the latest; slack below {:.0}% of QoS \
                 is drawn at the left edge.",
                floor * 100.0
            ),
            title,
        },
    ));
    Ok(out)
}

/// What a utilization plot counts.
#[derive(Clone, Copy)]
enum Held {
    Cores,
    Gpus,
}

impl Held {
    fn name(self) -> &'static str {
        match self {
            Held::Cores => "cores",
            Held::Gpus => "GPUs",
        }
    }
}

/// One architecture's cores or GPUs held by a run's jobs.
struct Holding<'a> {
    scenario: &'a Scenario,
    arch: &'a str,
    kind: Held,
    total: f64,
}

impl Holding<'_> {
    /// The share held (%) averaged over bins of `bin_ms`, as a step line
    /// in minutes up to the run's end. A job holds its units from its
    /// placement until its node is done with it (its result then travels
    /// the node's network time).
    fn steps(&self, run: &[JobOutcome], makespan_ms: f64, bin_ms: f64) -> Vec<(f64, f64)> {
        let bins = ((makespan_ms / bin_ms).ceil() as usize).max(1);
        let mut held_ms = vec![0.0; bins];
        for o in run.iter().filter(|o| o.arch.as_deref() == Some(self.arch)) {
            let (Some(start), Some(finish), Some(node)) = (o.start_ms, o.finish_ms, &o.node) else {
                continue;
            };
            let network = self
                .scenario
                .node_id(node)
                .and_then(|id| self.scenario.nodes.get(id as usize))
                .map_or(0.0, |n| n.network_ms);
            let end = finish - network;
            let units = match self.kind {
                Held::Cores => o.threads,
                Held::Gpus => o.gpus,
            };
            let units = f64::from(units.unwrap_or(0));
            let first = (start / bin_ms) as usize;
            let last = ((end / bin_ms) as usize).min(bins - 1);
            for (b, held) in held_ms.iter_mut().enumerate().take(last + 1).skip(first) {
                let lo = b as f64 * bin_ms;
                let overlap = end.min(lo + bin_ms) - start.max(lo);
                if overlap > 0.0 {
                    *held += units * overlap;
                }
            }
        }
        let mut points = Vec::with_capacity(2 * bins);
        for (b, held) in held_ms.iter().enumerate() {
            let lo = b as f64 * bin_ms;
            let hi = (lo + bin_ms).min(makespan_ms);
            if hi <= lo {
                break;
            }
            let share = 100.0 * held / (self.total * (hi - lo));
            points.push((lo / 60_000.0, share));
            points.push((hi / 60_000.0, share));
        }
        points
    }
}

fn sorted(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The cumulative violations of one run as a step line in minutes: each
/// late job at its finish, the never finished ones at the run's end; flat
/// on to `end_min`.
fn violation_steps(run: &[JobOutcome], makespan_ms: f64, end_min: f64) -> Vec<(f64, f64)> {
    let times = sorted(
        run.iter()
            .filter(|o| o.violated)
            .map(|o| o.finish_ms.unwrap_or(makespan_ms) / 60_000.0),
    );
    let mut points = vec![(0.0, 0.0)];
    for (i, &t) in times.iter().enumerate() {
        points.push((t, i as f64));
        points.push((t, (i + 1) as f64));
    }
    points.push((end_min, times.len() as f64));
    thin(points)
}

/// An empirical CDF over `total` items of which `below` lie left of the
/// plot (at `start`) and `values` (sorted) are the rest that are known.
fn cdf(
    values: impl Iterator<Item = f64>,
    below: usize,
    total: usize,
    start: f64,
) -> Vec<(f64, f64)> {
    let total = total.max(1) as f64;
    let mut points = vec![(start, below as f64 / total)];
    points.extend(
        values
            .enumerate()
            .map(|(i, x)| (x, (below + i + 1) as f64 / total)),
    );
    thin(points)
}

/// At most [`MAX_POINTS`] points, evenly spaced in the original, the first
/// and last kept.
fn thin(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    if points.len() <= MAX_POINTS {
        return points;
    }
    let step = points.len().div_ceil(MAX_POINTS - 1);
    let last = points[points.len() - 1];
    let mut kept: Vec<(f64, f64)> = points.into_iter().step_by(step).collect();
    kept.push(last);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utilization_over_time_averages_to_the_metrics_utilization() {
        use crate::policy::PolicyKind;
        use crate::sim::{SimOptions, Simulator};
        let mut scenario = crate::fixture::load_default().unwrap();
        std::sync::Arc::make_mut(&mut scenario.jobs).truncate(80);
        for policy in [PolicyKind::Synergai, PolicyKind::RoundRobin] {
            let mut sim = Simulator::new(&scenario, SimOptions::new(policy));
            while sim.step() {}
            let (metrics, run) = (sim.metrics(), sim.job_outcomes());
            let minutes = metrics.makespan_ms / 60_000.0;
            for u in &metrics.utilization {
                let arch = scenario.profile.archs.iter().position(|a| a.name == u.arch);
                let nodes = scenario
                    .nodes
                    .iter()
                    .filter(|n| Some(usize::from(n.arch)) == arch);
                let (cores, gpus) = nodes.fold((0, 0), |(c, g), n| (c + n.cores, g + n.gpus));
                for (kind, total, expected) in [
                    (Held::Cores, cores, Some(u.cores)),
                    (Held::Gpus, gpus, u.gpus),
                ] {
                    let Some(expected) = expected else { continue };
                    let held = Holding {
                        scenario: &scenario,
                        arch: &u.arch,
                        kind,
                        total: f64::from(total),
                    };
                    let steps = held.steps(&run, metrics.makespan_ms, metrics.makespan_ms / 7.3);
                    let mean = steps
                        .chunks(2)
                        .map(|bin| (bin[1].0 - bin[0].0) * bin[0].1)
                        .sum::<f64>()
                        / minutes
                        / 100.0;
                    assert!(
                        (mean - expected).abs() < 1e-9,
                        "{} {mean} {expected}",
                        u.arch
                    );
                }
            }
        }
    }

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(slug("light-load"), "light-load");
        assert_eq!(slug("A b/../c"), "a-b-..-c");
        assert_eq!(slug("..."), "scenario");
        assert_eq!(slug(""), "scenario");
    }

    #[test]
    fn a_cdf_starts_with_what_lies_left_and_ends_at_its_share() {
        let points = cdf([1.0, 2.0].into_iter(), 1, 4, 0.0);
        assert_eq!(points, vec![(0.0, 0.25), (1.0, 0.5), (2.0, 0.75)]);
    }

    #[test]
    fn thinning_keeps_the_ends_and_at_most_the_cap() {
        let points: Vec<(f64, f64)> = (0..10_000).map(|i| (i as f64, 0.0)).collect();
        let thinned = thin(points);
        assert!(thinned.len() <= MAX_POINTS + 1, "{}", thinned.len());
        assert_eq!(thinned.first().unwrap().0, 0.0);
        assert_eq!(thinned.last().unwrap().0, 9_999.0);
    }
}
