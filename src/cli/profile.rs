//! `synergai profile show|plan|merge|diff`: the offline characterization,
//! the offline decisions derived from it, combining and comparing profiles.

use super::ProfileCommand;
use super::output::{DocumentFormat, Listing, OutputArgs, print_table, profile_document, table};
use crate::error::{Error, Result};
use crate::fixture::diff;
use crate::fixture::merge::{self, Input, Prefer};
use crate::fixture::{self, Origin};
use crate::model::{Profile, Provenance};
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    provenance: Vec<&'a Provenance>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProvenanceView<'a> {
    name: &'a str,
    provenance: Vec<&'a Provenance>,
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

/// `profile show`'s list: the rows, by model, architecture, engine and
/// threads.
const ROWS_LIST: Listing = Listing {
    kind: "ProfileTable",
    items: "/rows",
    name: &["model", "arch", "engine", "threads"],
};

/// `profile show --provenance`'s list: the entries, by architecture.
const PROVENANCE_LIST: Listing = Listing {
    kind: "ProfileProvenance",
    items: "/provenance",
    name: &["arch"],
};

/// `profile diff`'s list: the changes, by what changed and its name.
const DIFF_LIST: Listing = Listing {
    kind: "ProfileDiff",
    items: "/changes",
    name: &["what", "name"],
};

/// `profile plan`'s list: a plan per model and architecture.
const PLAN_LIST: Listing = Listing {
    kind: "OfflinePlan",
    items: "/plans",
    name: &["model", "arch"],
};

/// `profile show --provenance`: how each architecture's rows were measured.
fn show_provenance(
    name: &str,
    entries: Vec<&Provenance>,
    output: &OutputArgs,
    color: bool,
) -> Result<()> {
    let Some(wide) = output.table() else {
        return output.print_list(
            &PROVENANCE_LIST,
            &ProvenanceView {
                name,
                provenance: entries,
            },
        );
    };
    if entries.is_empty() {
        return super::output::write_stdout(&format!(
            "profile {name} has no provenance: none of its rows says how it was measured"
        ));
    }
    let mut headers = vec![
        "arch", "date", "engines", "settings", "cpu", "cores", "memory", "os", "kernel", "tool",
    ];
    if wide {
        headers.push("note");
    }
    let mut t = table(&headers, color);
    for e in entries {
        let engines: Vec<String> = e.engines.iter().map(|(n, v)| format!("{n} {v}")).collect();
        let s = &e.settings;
        let threads: Vec<String> = s.threads.iter().map(u32::to_string).collect();
        let mut settings = vec![format!("threads {}", threads.join(","))];
        if let Some(ms) = s.duration_ms {
            settings.push(format!("{} each", fixture::emit::duration(ms)));
        }
        if let Some(q) = s.queries {
            settings.push(format!("{q} queries each"));
        }
        if let Some(ms) = s.warmup_ms {
            settings.push(format!("warm-up {}", fixture::emit::duration(ms)));
        }
        if let Some(q) = s.warmup_queries {
            settings.push(format!("warm-up {q} queries"));
        }
        let mut cells = vec![
            e.arch.clone(),
            e.date.clone(),
            engines.join(", "),
            settings.join(", "),
            e.host.cpu.clone(),
            e.host.cores.to_string(),
            format!("{}Mi", e.host.memory_mib),
            e.host.os.clone(),
            e.host.kernel.clone(),
            e.tool.clone(),
        ];
        if wide {
            cells.push(e.note.clone());
        }
        t.add_row(cells);
    }
    print_table(&t)
}

/// `profile merge`: the inputs read and validated, merged, written.
fn merge(
    references: &[String],
    prefer: Option<&str>,
    name: Option<&str>,
    out: Option<&std::path::Path>,
    format: DocumentFormat,
) -> Result<()> {
    let mut inputs = Vec::with_capacity(references.len());
    for reference in references {
        let origin = origin(Some(reference));
        let text = origin.read()?;
        inputs.push(Input::from_text(&origin.display(), &text)?);
    }
    let prefer = match prefer {
        None => Prefer::Nothing,
        Some("newer") => Prefer::Newer,
        Some(file) => Prefer::File(preferred(references, file)?),
    };
    let merged = merge::merge(&inputs, prefer, name)?;
    let files: Vec<String> = inputs.iter().map(|i| i.file.clone()).collect();
    let comments = [format!(
        "Merged by `synergai profile merge` from {}.",
        files.join(", ")
    )];
    let file = out.map_or_else(|| "<merged>".to_string(), |p| p.display().to_string());
    let text = profile_document(&merged, &comments, &file, format)?;
    match out {
        Some(path) => fixture::write_atomic(path, &text),
        None => super::output::write_stdout(text.trim_end()),
    }
}

/// The index of `--prefer FILE` among the inputs: the same text, or the
/// same file.
fn preferred(references: &[String], file: &str) -> Result<usize> {
    if let Some(i) = references.iter().position(|r| r == file) {
        return Ok(i);
    }
    let canonical = |r: &str| std::fs::canonicalize(r).ok();
    if let Some(wanted) = canonical(file)
        && let Some(i) = references
            .iter()
            .position(|r| canonical(r).as_ref() == Some(&wanted))
    {
        return Ok(i);
    }
    Err(Error::Usage(format!(
        "--prefer {file}: not one of the profiles merged ({}); use `newer` or one of them",
        references.join(", ")
    )))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiffView<'a> {
    old: &'a str,
    new: &'a str,
    identical: bool,
    summary: String,
    changes: &'a [diff::Change],
}

/// `profile diff A B`: exit 0 when the same, 1 when different, 2 on trouble.
fn diff_profiles(a: &str, b: &str, output: &OutputArgs, color: bool) -> Result<()> {
    // Trouble is exit 2, as diff(1) has it, I/O included.
    let trouble = |e: Error| match e {
        Error::Io { .. } | Error::NotFound(_) | Error::Internal(_) => Error::Usage(e.to_string()),
        other => other,
    };
    let (a_origin, b_origin) = (origin(Some(a)), origin(Some(b)));
    let old = fixture::load_profile(&a_origin).map_err(trouble)?;
    let new = fixture::load_profile(&b_origin).map_err(trouble)?;
    let (a_name, b_name) = (a_origin.display(), b_origin.display());
    let changes = diff::diff(&old, &new);
    let summary = if changes.is_empty() {
        format!("{a_name} and {b_name} are the same profile")
    } else {
        format!("{a_name} → {b_name}: {}", diff::summary(&changes))
    };
    match output.table() {
        None => output
            .print_list(
                &DIFF_LIST,
                &DiffView {
                    old: &a_name,
                    new: &b_name,
                    identical: changes.is_empty(),
                    summary,
                    changes: &changes,
                },
            )
            .map_err(trouble)?,
        Some(wide) => {
            super::output::write_stdout(&summary).map_err(trouble)?;
            if !changes.is_empty() {
                let shorten = |v: &diff::Value| {
                    let t = v.to_string().replace('\n', "\\n");
                    if wide || t.chars().count() <= 40 {
                        t
                    } else {
                        t.chars().take(39).collect::<String>() + "…"
                    }
                };
                let mut t = table(
                    &["change", "what", "name", "field", "old", "new", "delta"],
                    color,
                );
                for c in &changes {
                    let kind = format!("{:?}", c.change).to_lowercase();
                    if c.fields.is_empty() {
                        t.add_row(vec![kind.clone(), c.what.to_string(), c.name.clone()]);
                    }
                    for f in &c.fields {
                        t.add_row(vec![
                            kind.clone(),
                            c.what.to_string(),
                            c.name.clone(),
                            f.field.clone(),
                            shorten(&f.old),
                            shorten(&f.new),
                            f.relative
                                .map(|r| format!("{:+.1}%", r * 100.0))
                                .unwrap_or_default(),
                        ]);
                    }
                }
                print_table(&t).map_err(trouble)?;
            }
        }
    }
    if changes.is_empty() {
        Ok(())
    } else {
        Err(Error::Answer(crate::error::ExitCode::Failure))
    }
}

pub fn run(cmd: ProfileCommand, color: bool) -> Result<()> {
    match cmd {
        ProfileCommand::Diff { a, b, output } => diff_profiles(&a, &b, &output, color),
        ProfileCommand::Measure(args) if args.kube.kube => super::measure_kube::run(*args),
        ProfileCommand::Measure(args) => super::measure::run(*args),
        ProfileCommand::MeasureOne(args) => super::measure::run_one(*args),
        ProfileCommand::Merge {
            profiles,
            prefer,
            name,
            out,
            output,
        } => merge(
            &profiles,
            prefer.as_deref(),
            name.as_deref(),
            out.as_deref(),
            output,
        ),
        ProfileCommand::Show {
            profile,
            model,
            arch,
            provenance,
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
            let measured: Vec<&Provenance> = p
                .provenance
                .iter()
                .filter(|e| arch.as_deref().is_none_or(|a| e.arch == a))
                .collect();
            if provenance {
                return show_provenance(&p.name, measured, &output, color);
            }
            match output.table() {
                None => output.print_list(
                    &ROWS_LIST,
                    &ProfileView {
                        name: &p.name,
                        knee_threshold: p.knee_threshold,
                        rows,
                        provenance: measured,
                    },
                ),
                Some(wide) => {
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
        ProfileCommand::Calibrate(_) => unreachable!("dispatched by cli::run"),
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
            match output.table() {
                None => output.print_list(
                    &PLAN_LIST,
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
                Some(wide) => {
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
