//! `synergai profile measure --kube`: the same measurement as on one board,
//! run by [`crate::k8s::measure`] as one pod per architecture; the
//! profiles the pods print are merged here, written like `profile merge`
//! writes, and with `--apply` put into the scheduler's profile ConfigMap.

use super::measure::MeasureArgs;
use super::output::{DocumentFormat, profile_document};
use crate::error::{Error, Result};
use crate::fixture::merge::{self, Input, Prefer};
use crate::k8s::measure::{self as kube_measure, Request};
use crate::k8s::scheduler::config::DEFAULT_KEY;
use std::time::Duration;

/// The `profile measure` arguments every pod gets: what was asked, as it
/// was asked (model names and files are the image's).
fn forwarded(args: &MeasureArgs) -> Vec<String> {
    let mut out = Vec::new();
    let mut flag = |name: &str, value: String| {
        out.push(format!("--{name}"));
        out.push(value);
    };
    for m in &args.models {
        flag("model", m.clone());
    }
    for s in &args.shapes {
        flag("shape", s.clone());
    }
    if !args.engines.is_empty() {
        let engines: Vec<&str> = args.engines.iter().map(|e| e.as_str()).collect();
        flag("engine", engines.join(","));
    }
    for l in &args.engine_libs {
        flag("engine-lib", l.clone());
    }
    if !args.threads.is_empty() {
        let threads: Vec<String> = args.threads.iter().map(u32::to_string).collect();
        flag("threads", threads.join(","));
    }
    match args.queries {
        Some(q) => flag("queries", q.to_string()),
        None => flag("duration", crate::fixture::emit::duration(args.duration)),
    }
    flag("warmup", args.warmup.to_string());
    if let Some(c) = &args.power_cmd {
        flag("power-cmd", c.clone());
    }
    out
}

/// `[NAMESPACE/]NAME` of `--apply` (the namespace defaults to `-n`'s).
fn configmap(reference: &str, namespace: &str) -> Result<(String, String)> {
    let (ns, name) = match reference.split_once('/') {
        Some((ns, name)) => (ns.to_string(), name.to_string()),
        None => (namespace.to_string(), reference.to_string()),
    };
    let dns = |s: &str| {
        !s.is_empty()
            && s.len() <= 253
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
    };
    if !dns(&ns) || !dns(&name) {
        return Err(Error::Usage(format!(
            "--apply `{reference}`: expected [NAMESPACE/]NAME of a ConfigMap"
        )));
    }
    Ok((ns, name))
}

pub fn run(args: MeasureArgs) -> Result<()> {
    super::measure::check_amounts(&args)?;
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(Error::Usage("--timeout must be positive".into()));
    }
    let request = Request {
        image: args.image.clone(),
        args: forwarded(&args),
        arches: args.arch.iter().cloned().collect(),
        timeout: Duration::from_secs_f64(args.timeout / 1000.0),
        keep_pods: args.keep_pods,
    };
    let runtime = crate::runtime::build(crate::runtime::Workers::Current)?;
    runtime.block_on(async {
        let conn = crate::k8s::client::connect(&args.kube.target()).await?;
        let target = args
            .apply
            .as_deref()
            .map(|r| configmap(r, &conn.namespace))
            .transpose()?;
        let report = kube_measure::measure(&conn, &request).await?;
        let mut missing = report.missing.clone();
        let mut inputs = Vec::new();
        let mut measured = Vec::new();
        for m in &report.measured {
            let label = format!(
                "pod {}/{} ({} on node {})",
                conn.namespace, m.pod, m.arch, m.node
            );
            // A truncated or garbled log is that architecture's failure.
            match Input::from_text(&label, &m.text) {
                Ok(input) => {
                    inputs.push(input);
                    measured.push(m);
                }
                Err(e) => missing.push(kube_measure::Missing {
                    arch: m.arch.clone(),
                    why: format!("its log is not a profile: {e}"),
                }),
            }
        }
        let why_missing = |missing: &[kube_measure::Missing]| {
            missing
                .iter()
                .map(|m| format!("{}: {}", m.arch, m.why))
                .collect::<Vec<_>>()
                .join("\n  ")
        };
        if inputs.is_empty() {
            return Err(Error::Cluster(format!(
                "no architecture was measured; nothing written:\n  {}",
                why_missing(&missing)
            )));
        }
        let name = args.name.as_deref().unwrap_or("measured");
        let profile = merge::merge(&inputs, Prefer::Nothing, Some(name))?;
        let arches: Vec<&str> = measured.iter().map(|m| m.arch.as_str()).collect();
        let finish = |missing: &[kube_measure::Missing]| {
            if missing.is_empty() {
                return Ok(());
            }
            Err(Error::NotFound(format!(
                "{} of {} architectures not measured (the profile has the others):\n  {}",
                missing.len(),
                missing.len() + arches.len(),
                why_missing(missing)
            )))
        };
        let comments = [format!(
            "Measured by `synergai profile measure --kube` on {} ({}).",
            conn.label,
            arches.join(", ")
        )];
        let file = args.out.as_ref().map_or_else(
            || "<measured>".to_string(),
            |p| p.display().to_string(),
        );
        let text = profile_document(&profile, &comments, &file, args.output)?;
        match (&args.out, &target) {
            (Some(path), _) => crate::fixture::write_atomic(path, &text)?,
            (None, None) => super::output::write_stdout(text.trim_end())?,
            (None, Some(_)) => {}
        }
        let Some((namespace, cm)) = target else {
            return finish(&missing);
        };
        let reference = format!("configmap {namespace}/{cm}");
        let applied = match kube_measure::read_configmap(&conn, &namespace, &cm, DEFAULT_KEY).await? {
            Some(existing) => {
                let before = Input::from_text(&reference, &existing)?;
                let keep = args.name.clone().unwrap_or_else(|| before.profile.name.clone());
                let measured = Input::from_profile("<measured>", profile.clone());
                merge::merge(&[before, measured], Prefer::File(1), Some(&keep))?
            }
            None => profile.clone(),
        };
        let text = profile_document(
            &applied,
            &[format!(
                "Written by `synergai profile measure --kube --apply`: rows of {} measured on the cluster.",
                arches.join(", ")
            )],
            &reference,
            DocumentFormat::Yaml,
        )?;
        kube_measure::apply_configmap(&conn, &namespace, &cm, DEFAULT_KEY, &text).await?;
        super::output::write_stdout(&format!(
            "configmap/{cm} configured in namespace {namespace}: {} rows measured on {}",
            profile.rows.len(),
            arches.join(", ")
        ))?;
        finish(&missing)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configmap_references() {
        assert_eq!(
            configmap("synergai-system/synergai-profile", "default").unwrap(),
            ("synergai-system".into(), "synergai-profile".into())
        );
        assert_eq!(configmap("p", "lab").unwrap(), ("lab".into(), "p".into()));
        assert!(configmap("Bad/Name", "x").is_err());
        assert!(configmap("/x", "x").is_err());
    }
}
