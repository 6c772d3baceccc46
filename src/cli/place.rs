//! `synergai place plan|explain|override|release|apply` on a scenario
//! fixture. Overrides are recorded in the fixture's overrides file in the
//! state directory ([`fixture::overrides_path_for`]); the live-cluster
//! version keeps them as pod annotations.

use super::output::{Listing, OutputArgs, print_table, slack_cell, table, write_stdout};
use super::{Mode, PlaceCommand, SourceArgs};
use crate::error::{Error, Result};
use crate::fixture::{self, raw::OverrideEntry};
use crate::model::JobId;
use crate::model::{PinRef, Scenario};
use crate::policy::{Action, Explain, PolicyKind, fmt_ms};
use crate::policy::{CandidateView, DecisionView, view};
use crate::sim::{SimOptions, Simulator};
use comfy_table::Cell;
use serde::Serialize;
use std::path::PathBuf;

/// Loads the scenario and applies the recorded overrides as pins
/// (`--overrides FILE`, else the fixture's file in the state directory).
fn load(source: &SourceArgs) -> Result<(Scenario, PathBuf, Vec<OverrideEntry>)> {
    let mut scenario = fixture::load_scenario_or_default(source.fixture.as_deref())?;
    let path = match &source.overrides {
        Some(path) => path.clone(),
        None => recorded_overrides(source.fixture.as_deref()),
    };
    let overrides = fixture::apply_overrides(&mut scenario, &path)?;
    Ok((scenario, path, overrides))
}

/// The fixture's overrides file in the state directory; a warning on
/// stderr when pins still lie where they were kept before (next to the
/// fixture), which are not read any more.
pub(super) fn recorded_overrides(fixture: Option<&std::path::Path>) -> PathBuf {
    let path = fixture::overrides_path_for(fixture);
    let legacy = fixture::legacy_overrides_path_for(fixture);
    if legacy.exists() && !path.exists() {
        tracing::warn!(
            "{} is not read any more: overrides now live in {} (move the file there to keep its pins)",
            legacy.display(),
            path.display()
        );
    }
    path
}

/// `replay --with-overrides`: pins each named scenario (the fixtures, in
/// order, or the embedded default when neither they nor the suite are) as its recorded
/// overrides say; the suite's scenarios have none.
pub(super) fn apply_recorded_overrides(
    scenarios: &mut [Scenario],
    fixtures: &[PathBuf],
    suite: bool,
) -> Result<()> {
    let named: Vec<Option<&std::path::Path>> = if fixtures.is_empty() && !suite {
        vec![None]
    } else {
        fixtures.iter().map(|p| Some(p.as_path())).collect()
    };
    for (scenario, fixture) in scenarios.iter_mut().zip(named) {
        fixture::apply_overrides(scenario, &recorded_overrides(fixture))?;
    }
    Ok(())
}

/// How an overrides file names its fixture: the canonical path, or the
/// embedded default.
fn fixture_label(source: &SourceArgs) -> String {
    match source.fixture.as_deref() {
        Some(path) => std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string(),
        None => format!("embedded:{}", fixture::DEFAULT_SCENARIO),
    }
}

fn job_id(scenario: &Scenario, name: &str) -> Result<JobId> {
    scenario
        .job_id(name)
        .ok_or_else(|| Error::NotFound(format!("no job `{name}` in scenario `{}`", scenario.name)))
}

/// The list of `place explain`: the candidates weighed, by node.
const EXPLANATION_LIST: Listing = Listing {
    kind: "Explanation",
    items: "/candidates",
    name: &["node"],
};

/// Prints decisions: a table under `header` (on stderr), or the
/// document of `kind` whose items are the decisions, by job.
fn print_decisions(
    scenario: &Scenario,
    views: &[DecisionView],
    header: &str,
    output: &OutputArgs,
    kind: &'static str,
    color: bool,
) -> Result<()> {
    let Some(wide) = output.table() else {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            scenario: &'a str,
            decisions: &'a [DecisionView],
        }
        let listing = Listing {
            kind,
            items: "/decisions",
            name: &["job"],
        };
        return output.print_list(
            &listing,
            &Body {
                scenario: &scenario.name,
                decisions: views,
            },
        );
    };
    eprintln!("{header}");
    let mut headers = vec![
        "job",
        "model",
        "action",
        "node",
        "arch",
        "config",
        "qos",
        "predicted",
        "slack",
        "placed-by",
    ];
    if wide {
        headers.push("reason");
    }
    let mut t = table(&headers, color);
    for v in views {
        let mut cells = vec![
            Cell::new(&v.job),
            Cell::new(&v.model),
            Cell::new(v.action),
            Cell::new(v.node.as_deref().unwrap_or("-")),
            Cell::new(v.arch.as_deref().unwrap_or("-")),
            Cell::new(match (&v.engine, v.threads) {
                (Some(e), Some(t)) => format!("{e}×{t}"),
                _ => "-".into(),
            }),
            Cell::new(fmt_ms(v.qos_ms)),
            Cell::new(
                v.predicted_completion_ms
                    .map_or("-".into(), |c| fmt_ms(c - v.at_ms)),
            ),
            slack_cell(v.slack_ms, v.qos_ms, color),
            Cell::new(&v.placed_by),
        ];
        if wide {
            cells.push(Cell::new(&v.reason));
        }
        t.add_row(cells);
    }
    print_table(&t)
}

fn simulator(scenario: &Scenario, policy: PolicyKind, manual: bool, explain: Explain) -> Simulator {
    let mut options = SimOptions::new(policy);
    options.manual = manual;
    options.explain = explain;
    Simulator::new(scenario, options)
}

/// `place … --kube`: the same decisions on a live cluster. Plans and
/// explanations are computed on the cluster as it is now (pending pods,
/// running pods placed); overrides are pod annotations; apply triggers a
/// manual-mode scheduler.
fn run_kube(cmd: PlaceCommand, color: bool) -> Result<()> {
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let conn = crate::k8s::client::connect(&cmd.source().kube.target()).await?;
        let profile = std::sync::Arc::new(match &cmd.source().profile {
            None => super::profile::load(None)?,
            Some(reference) => {
                use crate::k8s::scheduler::{config::ProfileSource, profile::Reader};
                let mut reader = Reader::new(ProfileSource::reference(reference));
                reader.connect(&conn.namespace, &conn.client);
                reader.load().await?.profile
            }
        });
        let (scenario, cluster, pods) = crate::k8s::client::snapshot(
            &conn.client,
            Some(&conn.namespace),
            profile,
            &conn.label,
        )
        .await?;
        let plan = crate::policy::OfflinePlan::new(&scenario.profile, scenario.profile.knee_threshold);
        let decide = |policy: PolicyKind, explain: Explain| {
            crate::k8s::world::plan_now(&scenario, &cluster, &plan, policy, explain, crate::k8s::now_ms())
        };
        match cmd {
            PlaceCommand::Plan { moment, output, .. } => {
                let views: Vec<DecisionView> = decide(moment.policy, Explain::None)
                    .iter()
                    .map(|d| view(&scenario, moment.policy.name(), d))
                    .collect();
                let header = format!(
                    "{} pending pod(s) in {} namespace {} (policy {})",
                    views.len(),
                    conn.label,
                    conn.namespace,
                    moment.policy
                );
                print_decisions(&scenario, &views, &header, &output, "PlacementPlan", color)
            }
            PlaceCommand::Explain { job, policy, output, .. } => {
                let key = if job.contains('/') { job.clone() } else { format!("{}/{job}", conn.namespace) };
                let id = scenario.job_id(&key).ok_or_else(|| {
                    Error::NotFound(format!("no pending synergai pod `{key}` (explain --kube covers pods waiting for placement)"))
                })?;
                let decision = decide(policy, Explain::Job(id))
                    .into_iter()
                    .find(|d| d.decision.job == id)
                    .ok_or_else(|| Error::NotFound(format!("no decision for `{key}`")))?;
                let v = view(&scenario, policy.name(), &decision);
                match output.table() {
                    None => output.print_list(&EXPLANATION_LIST, &v),
                    Some(_) => print_decisions(&scenario, &[v], &format!("{key} now"), &output, "Explanation", color),
                }
            }
            PlaceCommand::Override { job, node, arch, reason, dry_run, .. } => {
                let target = match (node, arch) {
                    (Some(n), _) => PinRef::Node(n),
                    (None, Some(a)) => PinRef::Arch(a),
                    (None, None) => return Err(Error::Usage("override needs --node or --arch".into())),
                };
                if dry_run {
                    let key = pending_pod(&pods, &job, &conn.namespace)?;
                    return write_stdout(&format!("dry run: would pin {key} to {} (nothing written)", match &target {
                        PinRef::Node(n) => format!("node {n}"),
                        PinRef::Arch(a) => a.clone(),
                    }));
                }
                let text = crate::k8s::control::pin(&conn.client, &pods, &job, Some(&target), reason.as_deref().unwrap_or(""))
                    .await
                    .map_err(Error::NotFound)?;
                write_stdout(&text)
            }
            PlaceCommand::Release { job, dry_run, .. } => {
                if dry_run {
                    let key = pending_pod(&pods, &job, &conn.namespace)?;
                    return write_stdout(&format!("dry run: would release {key} (nothing written)"));
                }
                let text = crate::k8s::control::pin(&conn.client, &pods, &job, None, "")
                    .await
                    .map_err(Error::NotFound)?;
                write_stdout(&text)
            }
            PlaceCommand::Apply { dry_run, .. } => {
                if dry_run {
                    return write_stdout("dry run: would trigger one placement pass of a manual-mode scheduler");
                }
                let value = crate::k8s::control::trigger(&conn.client, &conn.namespace).await?;
                write_stdout(&format!("triggered a placement pass ({value})"))
            }
        }
    })
}

/// `NAMESPACE/NAME` of a pending pod of the listing, or why not.
fn pending_pod(
    pods: &[std::sync::Arc<k8s_openapi::api::core::v1::Pod>],
    job: &str,
    namespace: &str,
) -> Result<String> {
    let (ns, name) = job.split_once('/').unwrap_or((namespace, job));
    let pod = pods
        .iter()
        .find(|p| {
            p.metadata.name.as_deref() == Some(name) && p.metadata.namespace.as_deref() == Some(ns)
        })
        .ok_or_else(|| Error::NotFound(format!("no pod {ns}/{name}")))?;
    if pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_ref())
        .is_some()
    {
        return Err(Error::NotFound(format!(
            "{ns}/{name} is already bound: overrides apply to pending pods"
        )));
    }
    Ok(format!("{ns}/{name}"))
}

pub fn run(cmd: PlaceCommand, color: bool) -> Result<()> {
    if cmd.source().kube.kube {
        return run_kube(cmd, color);
    }
    match cmd {
        PlaceCommand::Plan {
            source,
            moment,
            output,
        } => {
            let (scenario, _, _) = load(&source)?;
            let mut sim = simulator(
                &scenario,
                moment.policy,
                moment.mode == Mode::Manual,
                Explain::None,
            );
            sim.run_until(moment.at);
            let decisions = sim.plan_pass(Explain::None);
            let views: Vec<DecisionView> = decisions
                .iter()
                .map(|d| view(&scenario, sim.policy_name(), d))
                .collect();
            let header = format!(
                "{} pending job(s) at {} in scenario {} (policy {}, {} mode)",
                views.len(),
                fmt_ms(moment.at),
                scenario.name,
                sim.policy_name(),
                if moment.mode == Mode::Manual {
                    "manual"
                } else {
                    "auto"
                }
            );
            print_decisions(&scenario, &views, &header, &output, "PlacementPlan", color)
        }
        PlaceCommand::Explain {
            job,
            source,
            at,
            policy,
            output,
        } => {
            let (scenario, _, _) = load(&source)?;
            let id = job_id(&scenario, &job)?;
            let mut sim = simulator(&scenario, policy, false, Explain::Job(id));
            let decision = match at {
                Some(t) => {
                    sim.run_until(t);
                    let pending = sim.pending().contains(&id);
                    if !pending {
                        let state = sim.snapshot().jobs[id as usize].state;
                        return Err(Error::NotFound(format!(
                            "job `{job}` is {state} at {}, not pending: nothing to decide (omit --at to explain the decision that placed it)",
                            fmt_ms(t)
                        )));
                    }
                    sim.plan_pass(Explain::Job(id))
                        .into_iter()
                        .find(|d| d.decision.job == id)
                }
                None => {
                    while sim.step() {
                        if sim
                            .explained()
                            .iter()
                            .any(|d| matches!(d.decision.action, Action::Assign(_)))
                        {
                            break;
                        }
                    }
                    sim.explained().last().cloned()
                }
            };
            let Some(decision) = decision else {
                return Err(Error::NotFound(format!(
                    "job `{job}` was never decided on (it never became pending)"
                )));
            };
            let v = view(&scenario, sim.policy_name(), &decision);
            if output.table().is_none() {
                return output.print_list(&EXPLANATION_LIST, &v);
            }
            let held = sim
                .explained()
                .iter()
                .filter(|d| matches!(d.decision.action, Action::Hold))
                .count();
            write_stdout(&format!(
                "job {} ({}, {} queries, qos {}, arrived {}) decided at {} by {}:",
                v.job,
                v.model,
                scenario.jobs[id as usize].queries,
                fmt_ms(v.qos_ms),
                fmt_ms(scenario.jobs[id as usize].arrival_ms),
                fmt_ms(v.at_ms),
                v.placed_by
            ))?;
            write_stdout(&format!("  {} — {}", v.action, v.reason))?;
            if held > 0 && at.is_none() {
                write_stdout(&format!("  (held {held} time(s) before)"))?;
            }
            let mut t = table(
                &[
                    "",
                    "node",
                    "same-state",
                    "arch",
                    "tier",
                    "config",
                    "start",
                    "completion",
                    "slack",
                    "cost/score",
                    "why not",
                ],
                color,
            );
            let mut candidates: Vec<&CandidateView> = v.candidates.iter().collect();
            candidates.sort_by(|a, b| {
                b.chosen.cmp(&a.chosen).then(
                    a.predicted_completion_ms
                        .total_cmp(&b.predicted_completion_ms),
                )
            });
            for c in candidates {
                t.add_row(vec![
                    Cell::new(if c.chosen { "→" } else { "" }),
                    Cell::new(&c.node),
                    Cell::new(c.identical_nodes),
                    Cell::new(&c.arch),
                    Cell::new(&c.tier),
                    Cell::new(format!(
                        "{}×{}{}",
                        c.engine,
                        c.threads,
                        if c.gpus > 0 { "+gpu" } else { "" }
                    )),
                    Cell::new(format!("+{}", fmt_ms(c.start_ms - v.at_ms))),
                    Cell::new(format!("+{}", fmt_ms(c.predicted_completion_ms - v.at_ms))),
                    slack_cell(Some(c.slack_ms), v.qos_ms, color),
                    Cell::new(c.score.map_or("-".into(), |s| format!("{s:.1}"))),
                    Cell::new(c.rejected.as_ref().map_or("", |r| r.why.as_str())),
                ]);
            }
            print_table(&t)?;
            for f in &v.filtered {
                write_stdout(&format!(
                    "  not weighed: {} {} node(s) (e.g. {}): {}",
                    f.nodes, f.arch, f.example, f.why
                ))?;
            }
            Ok(())
        }
        PlaceCommand::Override {
            job,
            source,
            node,
            arch,
            reason,
            dry_run,
        } => {
            let (scenario, path, mut overrides) = load(&source)?;
            job_id(&scenario, &job)?;
            if let Some(n) = &node
                && scenario.node_id(n).is_none()
            {
                return Err(Error::Usage(format!(
                    "no node `{n}` in scenario `{}`",
                    scenario.name
                )));
            }
            if let Some(a) = &arch
                && scenario.profile.arch_id(a).is_none()
            {
                return Err(Error::Usage(format!(
                    "no architecture `{a}` in profile `{}`",
                    scenario.profile.name
                )));
            }
            overrides.retain(|o| o.job != job);
            let target = node
                .as_ref()
                .map(|n| format!("node {n}"))
                .or(arch.as_ref().map(|a| format!("arch {a}")));
            if dry_run {
                return write_stdout(&format!(
                    "dry run: would pin job {job} to {} (nothing written)",
                    target.unwrap_or_default()
                ));
            }
            overrides.push(OverrideEntry {
                job: job.clone(),
                node,
                arch,
                reason,
            });
            fixture::save_overrides(&path, &scenario.name, &fixture_label(&source), &overrides)?;
            write_stdout(&format!(
                "job {job} pinned to {} (recorded in {})",
                target.unwrap_or_default(),
                path.display()
            ))
        }
        PlaceCommand::Release {
            job,
            source,
            dry_run,
        } => {
            let (scenario, path, mut overrides) = load(&source)?;
            job_id(&scenario, &job)?;
            let before = overrides.len();
            overrides.retain(|o| o.job != job);
            if overrides.len() == before {
                return Err(Error::NotFound(format!(
                    "job `{job}` has no override in {}",
                    path.display()
                )));
            }
            if dry_run {
                return write_stdout(&format!(
                    "dry run: would release job {job} (nothing written)"
                ));
            }
            fixture::save_overrides(&path, &scenario.name, &fixture_label(&source), &overrides)?;
            write_stdout(&format!(
                "job {job} released (override removed from {})",
                path.display()
            ))
        }
        PlaceCommand::Apply {
            source,
            until,
            policy,
            dry_run,
            output,
        } => {
            let (scenario, _, _) = load(&source)?;
            let mut options = SimOptions::new(policy);
            options.decision_log = usize::MAX;
            let mut sim = Simulator::new(&scenario, options);
            match until {
                Some(t) => sim.run_until(t),
                None => while sim.step() {},
            }
            let views: Vec<DecisionView> = sim
                .decision_log()
                .map(|d| view(&scenario, sim.policy_name(), d))
                .collect();
            let m = sim.metrics();
            let header = format!(
                "{}{} binding(s) up to {} in scenario {} (policy {}): {} completed, {} violation(s) so far",
                if dry_run { "dry run: " } else { "" },
                views.len(),
                fmt_ms(sim.now_ms()),
                scenario.name,
                sim.policy_name(),
                m.completed,
                m.violations - m.unfinished
            );
            print_decisions(&scenario, &views, &header, &output, "Bindings", color)
        }
    }
}
