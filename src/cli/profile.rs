//! `synergai profile show|plan`: the offline characterization and the
//! offline decisions derived from it.

use super::ProfileCommand;
use super::output::{OutputFormat, print_document, print_table, table};
use crate::error::{Error, Result};
use crate::fixture::{self, Origin};
use crate::model::Profile;
use crate::policy::{ArchRank, ModelArchPlan, OfflinePlan};
use serde::Serialize;
use std::path::PathBuf;

/// A profile by file path or `builtin:NAME` (default: the embedded edge-cloud).
pub fn load(reference: Option<&str>) -> Result<Profile> {
    fixture::load_profile(&origin(reference))
}

fn origin(reference: Option<&str>) -> Origin {
    match reference {
        None => Origin::Embedded("profiles/edge-cloud.yaml".into()),
        Some(r) if r.starts_with("builtin:") => Origin::Embedded(String::new()).resolve(r),
        Some(path) => Origin::File(PathBuf::from(path)),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RowView<'a> {
    model: &'a str,
    arch: &'a str,
    engine: String,
    threads: u32,
    qps: f64,
    p99_ms: f64,
    watts: f64,
    memory_mib: u64,
    source: String,
    note: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileView<'a> {
    name: &'a str,
    knee_threshold: f64,
    rows: Vec<RowView<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RankingView<'a> {
    model: &'a str,
    archs: &'a [ArchRank],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanView<'a> {
    profile: &'a str,
    knee_threshold: f64,
    plans: Vec<&'a ModelArchPlan>,
    rankings: Vec<RankingView<'a>>,
}

pub fn run(cmd: ProfileCommand, color: bool) -> Result<()> {
    match cmd {
        ProfileCommand::Measure(args) => super::measure::run(*args),
        ProfileCommand::MeasureOne(args) => super::measure::run_one(*args),
        ProfileCommand::Show {
            profile,
            model,
            arch,
            output,
        } => {
            let p = load(profile.as_deref())?;
            if let Some(m) = &model
                && p.model_id(m).is_none()
            {
                return Err(Error::Usage(format!(
                    "unknown model `{m}` in profile `{}`",
                    p.name
                )));
            }
            if let Some(a) = &arch
                && p.arch_id(a).is_none()
            {
                return Err(Error::Usage(format!(
                    "unknown architecture `{a}` in profile `{}`",
                    p.name
                )));
            }
            let rows: Vec<RowView> = p
                .rows
                .iter()
                .filter(|r| model.as_deref().is_none_or(|m| p.model(r.model).name == m))
                .filter(|r| arch.as_deref().is_none_or(|a| p.arch(r.arch).name == a))
                .map(|r| RowView {
                    model: &p.model(r.model).name,
                    arch: &p.arch(r.arch).name,
                    engine: r.engine.to_string(),
                    threads: r.threads,
                    qps: r.qps,
                    p99_ms: r.p99_ms,
                    watts: r.watts,
                    memory_mib: r.memory_mib,
                    source: r.source.to_string(),
                    note: &r.note,
                })
                .collect();
            match output {
                OutputFormat::Json | OutputFormat::Yaml => print_document(
                    output,
                    "ProfileTable",
                    &ProfileView {
                        name: &p.name,
                        knee_threshold: p.knee_threshold,
                        rows,
                    },
                ),
                f => {
                    let wide = f == OutputFormat::Wide;
                    let mut headers = vec![
                        "model", "arch", "engine", "threads", "qps", "p99", "watts", "memory",
                        "source",
                    ];
                    if wide {
                        headers.push("note");
                    }
                    let mut t = table(&headers, color);
                    for r in rows {
                        let mut cells = vec![
                            r.model.to_string(),
                            r.arch.to_string(),
                            r.engine,
                            r.threads.to_string(),
                            format!("{:.3}", r.qps)
                                .trim_end_matches('0')
                                .trim_end_matches('.')
                                .to_string(),
                            format!("{:.2}ms", r.p99_ms),
                            format!("{:.1}W", r.watts),
                            format!("{}Mi", r.memory_mib),
                            r.source,
                        ];
                        if wide {
                            cells.push(r.note.to_string());
                        }
                        t.add_row(cells);
                    }
                    print_table(&t)
                }
            }
        }
        ProfileCommand::Plan {
            profile,
            theta,
            output,
        } => {
            let p = load(profile.as_deref())?;
            let theta = theta.unwrap_or(p.knee_threshold);
            if !(theta > 0.0 && theta <= 1.0) {
                return Err(Error::Usage(format!(
                    "--theta must be in (0, 1], got {theta}"
                )));
            }
            let plan = OfflinePlan::new(&p, theta);
            match output {
                OutputFormat::Json | OutputFormat::Yaml => print_document(
                    output,
                    "OfflinePlan",
                    &PlanView {
                        profile: &p.name,
                        knee_threshold: theta,
                        plans: plan.entries().collect(),
                        rankings: p
                            .models
                            .iter()
                            .zip(&plan.rankings)
                            .map(|(m, r)| RankingView {
                                model: &m.name,
                                archs: r,
                            })
                            .collect(),
                    },
                ),
                f => {
                    let wide = f == OutputFormat::Wide;
                    super::output::write_stdout(&format!(
                        "offline plan of profile {} (knee threshold θ = {theta})",
                        p.name
                    ))?;
                    let mut headers = vec![
                        "model",
                        "arch",
                        "knee",
                        "max qps",
                        "knee qps",
                        "qps/core",
                        "qps/W",
                        "candidates",
                    ];
                    if wide {
                        headers.push("best engine per threads");
                    }
                    let mut t = table(&headers, color);
                    for e in plan.entries() {
                        let config =
                            |c: &crate::policy::PlanConfig| format!("{}×{}", c.engine, c.threads);
                        let mut cells = vec![
                            e.model.clone(),
                            e.arch.clone(),
                            config(&e.knee),
                            format!("{:.1}", e.max_qps),
                            format!("{:.1}", e.knee.qps),
                            format!("{:.2}", e.qps_per_core),
                            format!("{:.2}", e.qps_per_watt),
                            e.candidates
                                .iter()
                                .map(config)
                                .collect::<Vec<_>>()
                                .join(" "),
                        ];
                        if wide {
                            cells.push(
                                e.best_per_threads
                                    .iter()
                                    .map(|c| format!("{}:{}={:.1}", c.threads, c.engine, c.qps))
                                    .collect::<Vec<_>>()
                                    .join(" "),
                            );
                        }
                        t.add_row(cells);
                    }
                    print_table(&t)?;
                    super::output::write_stdout("\narchitecture ranking per model (by max qps):")?;
                    let mut t = table(&["model", "ranking"], color);
                    for (m, ranks) in p.models.iter().zip(&plan.rankings) {
                        t.add_row(vec![
                            m.name.clone(),
                            ranks
                                .iter()
                                .map(|r| {
                                    format!(
                                        "{} ({:.1} qps, {:.2} qps/W)",
                                        r.arch, r.max_qps, r.qps_per_watt
                                    )
                                })
                                .collect::<Vec<_>>()
                                .join(" > "),
                        ]);
                    }
                    print_table(&t)
                }
            }
        }
    }
}
