//! The report's page (maud): per scenario the summary table — every number
//! with the JSON pointer of its source in `replay -o json`'s document
//! (`data-pointer`) and that value as JSON (`data-value`) — and its plots.
//! Inline CSS, no scripts: it opens without a network.

use super::ReplayReport;
use super::plots;
use crate::policy::fmt_ms;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

/// One plot of a scenario, as the page shows it.
pub struct Figure {
    /// Relative to the page.
    pub file: String,
    pub title: String,
    pub caption: String,
}

/// One scenario's part of the page.
pub struct Section {
    /// The element id (also its plots' folder).
    pub id: String,
    pub figures: Vec<Figure>,
}

const CSS: &str = "
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1500px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 1em 0; font-variant-numeric: tabular-nums; }
th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #eee; }
td.num { text-align: right; } td.none { text-align: center; color: #999; }
thead th { text-align: right; border-bottom: 2px solid #999; }
thead th:first-child, tbody th { text-align: left; font-weight: normal; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.3em; vertical-align: baseline; }
.plots { display: flex; flex-wrap: wrap; gap: 1.5em; }
figure { margin: 0; max-width: 720px; }
figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #555; }
code { background: #f4f4f4; padding: 0 0.2em; }
";

/// How a number reads in a cell.
#[derive(Clone, Copy)]
enum Unit {
    Count,
    /// A fraction, shown as a percentage with this many decimals.
    Percent(usize),
    Ms,
    /// Joules, shown in kJ.
    Joules,
    Micros,
    Ratio,
}

impl Unit {
    fn show(self, x: f64) -> String {
        match self {
            Unit::Count => format!("{x}"),
            Unit::Percent(d) => format!("{:.*}%", d, x * 100.0),
            Unit::Ms => fmt_ms(x),
            Unit::Joules => format!("{:.1} kJ", x / 1000.0),
            Unit::Micros => format!("{x:.1}µs"),
            Unit::Ratio => format!("{x:.2}×"),
        }
    }
}

/// The number at `pointer` in `document`: as JSON, and as it reads.
fn lookup(document: &Value, pointer: &str, unit: Unit) -> Option<(String, String)> {
    let v = document.pointer(pointer).filter(|v| v.is_number())?;
    Some((
        v.to_string(),
        v.as_f64().map_or_else(|| v.to_string(), |x| unit.show(x)),
    ))
}

/// A table cell with the number at `pointer` and its source; `-` when
/// there is none.
fn td(document: &Value, pointer: Option<&str>, unit: Unit) -> Markup {
    match pointer.and_then(|p| Some((p, lookup(document, p, unit)?))) {
        Some((p, (json, text))) => {
            html! { td.num data-pointer=(p) data-value=(json) title=(p) { (text) } }
        }
        None => html! { td.none { "-" } },
    }
}

/// The number at `pointer` in running text, with its source.
fn span(document: &Value, pointer: &str, unit: Unit) -> Markup {
    match lookup(document, pointer, unit) {
        Some((json, text)) => {
            html! { span data-pointer=(pointer) data-value=(json) title=(pointer) { (text) } }
        }
        None => html! { "-" },
    }
}

fn swatch(i: usize) -> Markup {
    let style = format!("background: {}", plots::hex(plots::colour(i)));
    html! { span.swatch style=(style) {} }
}

/// The whole page.
pub fn page(report: &ReplayReport, document: &Value, sections: &[Section]) -> String {
    let policies: Vec<&str> = report
        .scenarios
        .first()
        .map(|s| s.policies.iter().map(|m| m.policy.as_str()).collect())
        .unwrap_or_default();
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "synergai replay report" }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { "synergai replay report" }
                p {
                    "synergai " (super::super::VERSION) ": "
                    (report.scenarios.len()) " scenario" @if report.scenarios.len() != 1 { "s" }
                    " replayed under " (policies.join(", ")) ". "
                    "Every number in the tables is the one " code { "synergai replay -o json" }
                    " prints with the same arguments: each cell names its JSON pointer "
                    "(hover it). Overhead is wall-clock time and varies from run to run."
                }
                @if report.scenarios.len() > 1 {
                    (overview(report, document, sections))
                }
                @for (i, (s, section)) in report.scenarios.iter().zip(sections).enumerate() {
                    section id=(section.id) {
                        h2 { "scenario " (s.scenario) }
                        p {
                            code { (s.source) } ": "
                            (span(document, &format!("/scenarios/{i}/nodes"), Unit::Count))
                            " nodes, "
                            (span(document, &format!("/scenarios/{i}/jobs"), Unit::Count))
                            " jobs"
                        }
                        (scenario_table(document, i))
                        @if s.bracket.is_some() {
                            (bracket(document, i))
                        }
                        div.plots {
                            @for f in &section.figures {
                                figure {
                                    img src=(f.file) alt=(f.title) width=(plots::SIZE.0) height=(plots::SIZE.1);
                                    figcaption { (f.caption) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    markup.into_string()
}

/// A row of a scenario's table: per policy, where its number is.
struct Row {
    label: String,
    unit: Unit,
    pointers: Vec<Option<String>>,
}

/// One scenario's metrics, a column per policy (the rows of `replay -o
/// wide`, utilization split into cores and GPUs).
fn scenario_table(document: &Value, i: usize) -> Markup {
    let base = &format!("/scenarios/{i}");
    let policies = document
        .pointer(&format!("{base}/policies"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let name = |p: &Value| p["policy"].as_str().unwrap_or("?").to_string();
    let mut rows: Vec<Row> = Vec::new();
    let mut row = |label: &str, field: &dyn Fn(usize, &Value) -> Option<String>, unit: Unit| {
        rows.push(Row {
            label: label.to_string(),
            unit,
            pointers: policies
                .iter()
                .enumerate()
                .map(|(j, p)| field(j, p))
                .collect(),
        });
    };
    let plain =
        |key: &'static str| move |j: usize, _: &Value| Some(format!("{base}/policies/{j}/{key}"));
    for (label, key, unit) in [
        ("violations", "violations", Unit::Count),
        ("violation rate", "violationRate", Unit::Percent(1)),
        ("excess total", "excessTotalMs", Unit::Ms),
        ("excess mean", "excessMeanMs", Unit::Ms),
        ("latency p50", "latencyP50Ms", Unit::Ms),
        ("latency p95", "latencyP95Ms", Unit::Ms),
        ("latency p99", "latencyP99Ms", Unit::Ms),
        ("queue wait mean", "queueWaitMeanMs", Unit::Ms),
        ("queue wait p99", "queueWaitP99Ms", Unit::Ms),
        ("completed", "completed", Unit::Count),
        ("unfinished", "unfinished", Unit::Count),
    ] {
        row(label, &plain(key), unit);
    }
    let archs: Vec<String> = policies
        .first()
        .and_then(|p| p["utilization"].as_array())
        .map(|u| {
            u.iter()
                .filter_map(|a| a["arch"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    for arch in &archs {
        let at = |key: &'static str| {
            move |j: usize, p: &Value| {
                let k = p["utilization"]
                    .as_array()?
                    .iter()
                    .position(|u| u["arch"].as_str() == Some(arch))?;
                Some(format!("{base}/policies/{j}/utilization/{k}/{key}"))
            }
        };
        row(
            &format!("util {arch} cores"),
            &at("cores"),
            Unit::Percent(0),
        );
        let has_gpus = policies.iter().any(|p| {
            p["utilization"].as_array().is_some_and(|u| {
                u.iter()
                    .any(|x| x["arch"].as_str() == Some(arch) && x.get("gpus").is_some())
            })
        });
        if has_gpus {
            row(&format!("util {arch} GPUs"), &at("gpus"), Unit::Percent(0));
        }
        row(&format!("jobs on {arch}"), &at("jobs"), Unit::Count);
    }
    for (label, key, unit) in [
        ("energy", "energyJ", Unit::Joules),
        ("makespan", "makespanMs", Unit::Ms),
        ("decisions", "decisions", Unit::Count),
        ("overhead/decision mean", "overheadMeanUs", Unit::Micros),
        ("overhead/decision p99", "overheadP99Us", Unit::Micros),
        ("events", "events", Unit::Count),
    ] {
        row(label, &plain(key), unit);
    }
    let ratios = document
        .pointer(&format!("{base}/violationRatios"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !ratios.is_empty() {
        row(
            "(violations + 1) / (synergai's + 1)",
            &|_, p: &Value| {
                let k = ratios.iter().position(|r| r["policy"] == p["policy"])?;
                Some(format!("{base}/violationRatios/{k}/ratio"))
            },
            Unit::Ratio,
        );
    }
    html! {
        table.summary {
            thead {
                tr {
                    th { "metric" }
                    @for (j, p) in policies.iter().enumerate() {
                        th { (swatch(j)) (name(p)) }
                    }
                }
            }
            tbody {
                @for r in &rows {
                    tr {
                        th scope="row" { (r.label) }
                        @for pointer in &r.pointers {
                            (td(document, pointer.as_deref(), r.unit))
                        }
                    }
                }
            }
        }
    }
}

/// `lower bound B ≤ optimum ≤ K best known (…); synergai S`.
fn bracket(document: &Value, i: usize) -> Markup {
    let base = format!("/scenarios/{i}/bracket");
    let best: Vec<&str> = document
        .pointer(&format!("{base}/bestPolicies"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let synergai = format!("{base}/synergai");
    html! {
        p.bracket {
            "lower bound " (span(document, &format!("{base}/bound"), Unit::Count))
            " ≤ optimum ≤ " (span(document, &format!("{base}/bestKnown"), Unit::Count))
            " best known (" (best.join(", ")) ")"
            @if document.pointer(&synergai).is_some() {
                "; synergai " (span(document, &synergai, Unit::Count))
            }
        }
    }
}

/// Several scenarios: violations per scenario and policy, the geometric
/// means of the ratios, where synergai is fewest and at the bound.
fn overview(report: &ReplayReport, document: &Value, sections: &[Section]) -> Markup {
    let bounded = report.scenarios.iter().all(|s| s.bracket.is_some());
    let policies: Vec<&str> = report
        .scenarios
        .first()
        .map(|s| s.policies.iter().map(|m| m.policy.as_str()).collect())
        .unwrap_or_default();
    html! {
        h2 { "all scenarios: violations" }
        table.overview {
            thead {
                tr {
                    th { "scenario" } th { "nodes" } th { "jobs" }
                    @if bounded { th { "bound" } }
                    @for (j, p) in policies.iter().enumerate() { th { (swatch(j)) (p) } }
                }
            }
            tbody {
                @for (i, (s, section)) in report.scenarios.iter().zip(sections).enumerate() {
                    tr {
                        th scope="row" { a href=(format!("#{}", section.id)) { (s.scenario) } }
                        (td(document, Some(&format!("/scenarios/{i}/nodes")), Unit::Count))
                        (td(document, Some(&format!("/scenarios/{i}/jobs")), Unit::Count))
                        @if bounded {
                            (td(document, Some(&format!("/scenarios/{i}/bracket/bound")), Unit::Count))
                        }
                        @for j in 0..s.policies.len() {
                            (td(document, Some(&format!("/scenarios/{i}/policies/{j}/violations")), Unit::Count))
                        }
                    }
                }
            }
        }
        @if !report.mean_violation_ratios.is_empty() {
            p {
                "Geometric mean over the scenarios of (violations + 1) / (synergai's + 1): "
                @for (k, r) in report.mean_violation_ratios.iter().enumerate() {
                    @if k > 0 { ", " }
                    (r.policy) " "
                    (span(document, &format!("/meanViolationRatios/{k}/ratio"), Unit::Ratio))
                }
            }
        }
        @if let Some(summary) = &report.summary {
            p {
                "synergai has no more violations than any other policy on "
                (span(document, "/summary/synergaiFewest", Unit::Count))
                " of " (span(document, "/summary/scenarios", Unit::Count)) " scenarios"
                @if !summary.synergai_not_fewest.is_empty() {
                    " (not on: " (summary.synergai_not_fewest.join(", ")) ")"
                }
                "."
                @if summary.synergai_at_bound.is_some() {
                    " It reaches the lower bound (a provably optimal schedule) on "
                    (span(document, "/summary/synergaiAtBound", Unit::Count)) "."
                }
            }
        }
    }
}
