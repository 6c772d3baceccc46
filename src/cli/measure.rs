//! `synergai profile measure`: characterize this machine with real
//! inference engines. Each model × engine × thread count runs in a child
//! process (this binary, `profile measure-one`), so peak memory and engine
//! state are per configuration and a crashing engine cannot end the run;
//! the results become a `kind: Profile` with one architecture and rows
//! `source: measured`.

use super::output::DocumentFormat;
use crate::engine::host::{self, PowerMeter, PowerSource};
use crate::engine::measure::{self as one, Measurement, Stop};
use crate::engine::onnx::{self, ModelFile};
use crate::error::{Error, Result};
use crate::model::{
    Architecture, Engine, Host, MeasureSettings, ModelSpec, Profile, ProfileRow, Provenance,
    RowSource,
};
use clap::Args;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Models the PyPI `onnx` wheel ships (`light_NAME.onnx`: real
/// architectures whose weights are generated at load time).
const SHIPPED_DIR: &str = "py/onnx/backend/test/data/light";

#[derive(Debug, Args)]
pub struct MeasureArgs {
    /// A model: NAME=FILE (an ONNX file), or NAME of a model the onnx
    /// wheel ships (resnet50, squeezenet, densenet121, inception_v1,
    /// inception_v2, shufflenet, vgg19, zfnet512, bvlc_alexnet; installed
    /// by scripts/engines.sh). Repeatable; default resnet50.
    #[arg(long = "model", value_name = "NAME[=FILE]")]
    pub models: Vec<String>,
    /// Pin a dynamic input: INPUT=1x3x224x224 (repeatable).
    #[arg(long = "shape", value_name = "INPUT=DIMS")]
    pub shapes: Vec<String>,
    /// Engines to measure (default: onnxruntime,tract).
    #[arg(long = "engine", value_delimiter = ',', value_parser = engine_parser())]
    pub engines: Vec<Engine>,
    /// An engine's library: onnxruntime=/path/to/libonnxruntime.so
    /// (default: ORT_DYLIB_PATH, then ~/.cache/synergai/engines).
    #[arg(long = "engine-lib", value_name = "ENGINE=PATH")]
    pub engine_libs: Vec<String>,
    /// Thread counts (default: powers of two up to the cores).
    #[arg(long, value_delimiter = ',')]
    pub threads: Vec<u32>,
    /// How long to run each configuration.
    #[arg(long, default_value = "10s", value_parser = super::parse_duration_ms, value_name = "DURATION")]
    pub duration: f64,
    /// Run each configuration for this many queries instead of --duration.
    #[arg(long)]
    pub queries: Option<u64>,
    /// Queries run before measuring.
    #[arg(long, default_value_t = 5)]
    pub warmup: u32,
    /// The architecture's name (default: derived from the machine, e.g. x86_64-intel).
    #[arg(long)]
    pub arch: Option<String>,
    /// A shell command that prints the machine's power in watts (when no
    /// RAPL or INA3221 sensor is readable).
    #[arg(long, value_name = "CMD")]
    pub power_cmd: Option<String>,
    /// Write the profile to FILE (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Profile name (default: measured-ARCH).
    #[arg(long)]
    pub name: Option<String>,
    #[arg(short, long, value_enum, default_value_t = DocumentFormat::Yaml)]
    pub output: DocumentFormat,
    /// Measure on the cluster instead: one pod per value of the
    /// synergai.io/arch node label, on a node of that architecture,
    /// holding all of its free CPU and memory; the results are read from
    /// the pods' logs and merged. --arch then picks architectures.
    #[command(flatten)]
    pub kube: super::KubeArgs,
    /// The image the measurement pods run (the project's, with the engines
    /// and models the run names).
    #[arg(long, requires = "kube", default_value = DEFAULT_IMAGE)]
    pub image: String,
    /// Write the measured rows into the profile ConfigMap the scheduler
    /// reads ([NAMESPACE/]NAME, key profile.yaml; default
    /// synergai-system/synergai-profile), over the profile already there
    /// (measured rows win); the scheduler reloads it without a restart.
    #[arg(long, requires = "kube", value_name = "CONFIGMAP", num_args = 0..=1,
          default_missing_value = DEFAULT_CONFIGMAP)]
    pub apply: Option<String>,
    /// Keep the measurement pods (their logs) instead of deleting them.
    #[arg(long, requires = "kube")]
    pub keep_pods: bool,
    /// Give up on the pods after this long (with --kube).
    #[arg(long, requires = "kube", default_value = "30m", value_parser = super::parse_duration_ms, value_name = "DURATION")]
    pub timeout: f64,
}

/// `--kube`'s measurement pods' image: the release this binary is.
pub const DEFAULT_IMAGE: &str = concat!("synergai:", env!("CARGO_PKG_VERSION"));
/// `--apply`'s ConfigMap: the one `deploy/` has the scheduler read.
pub const DEFAULT_CONFIGMAP: &str = "synergai-system/synergai-profile";

/// The child's arguments: one configuration, the answer as JSON on stdout.
#[derive(Debug, Args)]
pub struct MeasureOneArgs {
    #[arg(long)]
    pub model: String,
    #[arg(long)]
    pub file: PathBuf,
    #[arg(long = "shape")]
    pub shapes: Vec<String>,
    #[arg(long, value_parser = engine_parser())]
    pub engine: Engine,
    #[arg(long)]
    pub engine_lib: Option<PathBuf>,
    #[arg(long)]
    pub threads: u32,
    #[arg(long)]
    pub duration_ms: Option<f64>,
    #[arg(long)]
    pub queries: Option<u64>,
    #[arg(long)]
    pub warmup: u32,
    #[arg(long)]
    pub power_cmd: Option<String>,
    #[arg(long)]
    pub power: bool,
}

/// The engines this binary can measure, as clap's possible values.
fn engine_parser() -> impl clap::builder::TypedValueParser<Value = Engine> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(crate::engine::MEASURABLE.iter().map(Engine::as_str))
        .try_map(|s: String| Engine::parse(&s).ok_or_else(|| format!("unknown engine `{s}`")))
}

fn pins(shapes: &[String]) -> Result<BTreeMap<String, Vec<usize>>> {
    shapes.iter().map(|s| onnx::parse_shape(s)).collect()
}

/// `measure-one`: the child.
pub fn run_one(args: MeasureOneArgs) -> Result<()> {
    let model = onnx::inspect(&args.model, &args.file, &pins(&args.shapes)?)?;
    let backend = crate::engine::open(args.engine, args.engine_lib.as_deref())?;
    let stop = match (args.queries, args.duration_ms) {
        (Some(n), _) => Stop::Queries(n.max(1)),
        (None, Some(ms)) => Stop::After(Duration::from_secs_f64(ms / 1000.0)),
        (None, None) => Stop::After(Duration::from_secs(10)),
    };
    let power = if args.power {
        PowerSource::detect(args.power_cmd.as_deref())
    } else {
        None
    };
    let m = one::run(
        backend.as_ref(),
        &model,
        args.threads,
        args.warmup,
        stop,
        power,
    )?;
    super::output::write_stdout(&serde_json::to_string(&m).unwrap_or_default())
}

/// A model flag resolved to a file.
fn model_file(flag: &str) -> Result<(String, PathBuf)> {
    if let Some((name, file)) = flag.split_once('=') {
        if name.is_empty() || file.is_empty() {
            return Err(Error::Usage(format!(
                "--model `{flag}`: expected NAME=FILE or the NAME of a shipped model"
            )));
        }
        return Ok((name.to_string(), PathBuf::from(file)));
    }
    let path = crate::engine::engines_dir()
        .join(SHIPPED_DIR)
        .join(format!("light_{flag}.onnx"));
    if path.exists() {
        Ok((flag.to_string(), path))
    } else {
        Err(Error::Usage(format!(
            "--model {flag}: no file given and {} does not exist; install the onnx wheel's models with scripts/engines.sh, or pass --model {flag}=FILE",
            path.display()
        )))
    }
}

/// The default thread counts: powers of two up to the cores, and the
/// cores themselves.
fn default_threads(cores: u32) -> Vec<u32> {
    let mut t: Vec<u32> = (0..)
        .map(|i| 1u32 << i)
        .take_while(|&n| n <= cores)
        .collect();
    if t.last() != Some(&cores) {
        t.push(cores);
    }
    t
}

/// Everything the run was asked for, checked before anything runs.
struct Plan {
    models: Vec<ModelFile>,
    engines: Vec<(Engine, Option<PathBuf>, String)>,
    threads: Vec<u32>,
    arch: String,
}

fn plan(args: &MeasureArgs, facts: &Host) -> Result<Plan> {
    let pins = pins(&args.shapes)?;
    let flags = if args.models.is_empty() {
        vec!["resnet50".to_string()]
    } else {
        args.models.clone()
    };
    let mut models: Vec<ModelFile> = Vec::new();
    for flag in &flags {
        let (name, path) = model_file(flag)?;
        if models.iter().any(|m| m.name == name) {
            return Err(Error::Usage(format!("--model {name} is given twice")));
        }
        models.push(onnx::inspect(&name, &path, &pins)?);
    }
    for input in pins.keys() {
        if !models
            .iter()
            .any(|m| m.inputs.iter().any(|i| &i.name == input))
        {
            return Err(Error::Usage(format!(
                "--shape {input}=…: no model has an input `{input}`"
            )));
        }
    }
    let mut libs: BTreeMap<Engine, PathBuf> = BTreeMap::new();
    for flag in &args.engine_libs {
        let (engine, path) = flag
            .split_once('=')
            .and_then(|(e, p)| Some((Engine::parse(e)?, PathBuf::from(p))))
            .filter(|(e, _)| *e == Engine::ONNXRUNTIME)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "--engine-lib `{flag}`: expected onnxruntime=PATH (tract is compiled in)"
                ))
            })?;
        libs.insert(engine, path);
    }
    let wanted = if args.engines.is_empty() {
        crate::engine::MEASURABLE.to_vec()
    } else {
        args.engines.clone()
    };
    let mut engines = Vec::new();
    for engine in wanted {
        if engines.iter().any(|(e, _, _)| *e == engine) {
            continue;
        }
        let lib = libs.get(&engine).cloned();
        let backend = crate::engine::open(engine, lib.as_deref())?;
        engines.push((engine, lib, backend.version()));
    }
    let threads = if args.threads.is_empty() {
        default_threads(facts.cores)
    } else {
        let mut t = args.threads.clone();
        t.sort_unstable();
        t.dedup();
        t
    };
    if let Some(&bad) = threads.iter().find(|&&t| t == 0 || t > facts.cores) {
        return Err(Error::Usage(format!(
            "--threads {bad}: this machine has {} cores (1 to {} threads)",
            facts.cores, facts.cores
        )));
    }
    check_amounts(args)?;
    let arch = args.arch.clone().unwrap_or_else(host::default_arch_name);
    if arch.is_empty() || arch.chars().any(|c| c.is_whitespace()) {
        return Err(Error::Usage(format!(
            "--arch `{arch}`: a name without spaces"
        )));
    }
    Ok(Plan {
        models,
        engines,
        threads,
        arch,
    })
}

/// `--duration` and `--queries` (here and in every pod of `--kube`).
pub(super) fn check_amounts(args: &MeasureArgs) -> Result<()> {
    if args.duration.is_nan() || args.duration <= 0.0 || args.queries == Some(0) {
        return Err(Error::Usage(
            "--duration and --queries must be positive".into(),
        ));
    }
    Ok(())
}

/// `profile measure` on this machine (`--kube` is `measure_kube`'s).
pub fn run(args: MeasureArgs) -> Result<()> {
    let facts = host::facts();
    let isa = host::isa().ok_or_else(|| {
        Error::Usage(format!(
            "profile measure runs on x86_64 or arm64, not {}",
            std::env::consts::ARCH
        ))
    })?;
    let plan = plan(&args, &facts)?;
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, interrupted.clone())
            .map_err(|e| Error::Internal(format!("cannot handle signals: {e}")))?;
    }
    let power = PowerSource::detect(args.power_cmd.as_deref());
    let total = plan.models.len() * plan.engines.len() * plan.threads.len();
    let bar = super::output::progress_bar(total as u64, "configurations");
    let idle_watts = power.clone().map(|source| {
        bar.set_message(format!(
            "measuring idle power ({}) for 2s",
            source.describe()
        ));
        let meter = PowerMeter::start(source);
        std::thread::sleep(Duration::from_secs(2));
        meter.finish()
    });
    let exe = crate::runtime::this_binary().map_err(|e| {
        Error::Internal(format!("cannot find this binary to run measurements: {e}"))
    })?;
    let mut done: Vec<Measurement> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    'all: for model in &plan.models {
        for (engine, lib, _) in &plan.engines {
            for &threads in &plan.threads {
                if interrupted.load(Ordering::Relaxed) {
                    break 'all;
                }
                let what = format!("{} × {engine} × {threads}", model.name);
                bar.set_message(format!(
                    "{what} thread{}",
                    if threads == 1 { "" } else { "s" }
                ));
                let mut cmd = std::process::Command::new(&exe);
                cmd.args(["profile", "measure-one", "--model", &model.name])
                    .arg("--file")
                    .arg(&model.path)
                    .args(["--engine", engine.as_str()])
                    .args(["--threads", &threads.to_string()])
                    .args(["--warmup", &args.warmup.to_string()]);
                match args.queries {
                    Some(q) => cmd.args(["--queries", &q.to_string()]),
                    None => cmd.args(["--duration-ms", &args.duration.to_string()]),
                };
                for s in &args.shapes {
                    cmd.args(["--shape", s]);
                }
                if let Some(lib) = lib {
                    cmd.arg("--engine-lib").arg(lib);
                }
                if power.is_some() {
                    cmd.arg("--power");
                }
                if let Some(c) = &args.power_cmd {
                    cmd.args(["--power-cmd", c]);
                }
                let out = cmd
                    .stdin(std::process::Stdio::null())
                    .output()
                    .map_err(|e| Error::Internal(format!("cannot run {}: {e}", exe.display())))?;
                bar.inc(1);
                if interrupted.load(Ordering::Relaxed) {
                    break 'all;
                }
                if !out.status.success() {
                    let err = String::from_utf8_lossy(&out.stderr);
                    let err = err.trim().trim_start_matches("error: ");
                    let status = match out.status.code() {
                        Some(c) => format!("exit {c}"),
                        None => "killed by a signal".into(),
                    };
                    bar.suspend(|| eprintln!("{what}: failed ({status}): {err}"));
                    failures.push(format!("{what} ({status})"));
                    continue;
                }
                match serde_json::from_slice::<Measurement>(&out.stdout) {
                    Ok(m) => {
                        bar.println(format!(
                            "{what}: {:.1} qps, p50 {:.2} ms, p99 {:.2} ms, start-up {:.0} ms, {} MiB",
                            m.qps, m.p50_ms, m.p99_ms, m.startup_ms, m.memory_mib
                        ));
                        done.push(m);
                    }
                    Err(e) => {
                        bar.suspend(|| eprintln!("{what}: unreadable result: {e}"));
                        failures.push(format!("{what} (unreadable result)"));
                    }
                }
            }
        }
    }
    bar.finish_and_clear();
    let stopped = interrupted.load(Ordering::Relaxed);
    if done.is_empty() {
        return Err(if stopped {
            Error::Usage(
                "interrupted before any configuration was measured; nothing written".into(),
            )
        } else {
            Error::NotFound(format!(
                "no configuration could be measured ({}); nothing written",
                failures.join(", ")
            ))
        });
    }
    let idle_watts = idle_watts.flatten();
    let power_text = match (&power, idle_watts) {
        (Some(source), Some(idle)) => {
            format!("power from {} minus {idle:.1} W idle", source.describe())
        }
        (Some(source), None) => format!(
            "{} gave no idle reading: watts estimated per busy core",
            source.describe()
        ),
        (None, _) => format!(
            "no power sensor (RAPL, INA3221) and no --power-cmd: watts estimated at {} W per busy core",
            host::estimated_watts_per_core(isa)
        ),
    };
    let mut note = format!(
        "synergai profile measure: single-stream batch-1 inference on generated inputs; {power_text}"
    );
    if !args.shapes.is_empty() {
        note.push_str(&format!("; shapes {}", args.shapes.join(", ")));
    }
    if stopped {
        note.push_str(&format!(
            "; interrupted after {} of {total} configurations",
            done.len()
        ));
    }
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("measured-{}", plan.arch));
    let provenance = Provenance {
        arch: plan.arch.clone(),
        host: facts,
        engines: plan
            .engines
            .iter()
            .map(|(e, _, v)| (e.as_str().to_string(), v.clone()))
            .collect(),
        tool: format!("synergai {}", super::VERSION),
        date: now_utc(),
        settings: MeasureSettings {
            threads: plan.threads.clone(),
            duration_ms: args.queries.is_none().then_some(args.duration),
            queries: args.queries,
            warmup_ms: None,
            warmup_queries: Some(u64::from(args.warmup)),
        },
        note,
    };
    let profile = build_profile(&name, &plan, isa, &done, idle_watts, power.as_ref())
        .with_provenance(vec![provenance]);
    let text = match args.output {
        DocumentFormat::Yaml => crate::fixture::emit::profile_with_comments(
            &profile,
            &[format!(
                "Measured by `synergai profile measure` on {} ({}).",
                plan.arch, profile.provenance[0].host.cpu
            )],
        ),
        DocumentFormat::Json => json(&profile),
    };
    match &args.out {
        Some(path) => crate::fixture::write_atomic(path, &text)?,
        None => super::output::write_stdout(text.trim_end())?,
    }
    if stopped {
        eprintln!(
            "interrupted: wrote the {} of {total} configurations measured so far",
            done.len()
        );
    }
    if !failures.is_empty() {
        return Err(Error::NotFound(format!(
            "{} of {total} configurations failed (the profile has the others): {}",
            failures.len(),
            failures.join(", ")
        )));
    }
    Ok(())
}

/// `2026-11-30T06:30:00Z`: now, to the second, UTC.
fn now_utc() -> String {
    let now = k8s_openapi::jiff::Timestamp::now();
    k8s_openapi::jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

fn build_profile(
    name: &str,
    plan: &Plan,
    isa: crate::model::Isa,
    done: &[Measurement],
    idle_watts: Option<f64>,
    power: Option<&PowerSource>,
) -> Profile {
    let mut startup = Vec::new();
    for (engine, _, _) in &plan.engines {
        let mut s: Vec<f64> = done
            .iter()
            .filter(|m| m.engine == *engine)
            .map(|m| m.startup_ms)
            .collect();
        s.sort_by(f64::total_cmp);
        if !s.is_empty() {
            startup.push((*engine, one::percentile(&s, 50.0).round().max(1.0)));
        }
    }
    startup.sort_by_key(|&(e, _)| e);
    let arch = Architecture {
        name: plan.arch.clone(),
        isa,
        gpu: false,
        interference_alpha: 0.05,
        startup_ms: startup,
        description: {
            let f = host::facts();
            format!(
                "{}, {} cores, {} MiB (measured by synergai profile measure)",
                f.cpu, f.cores, f.memory_mib
            )
        },
    };
    let models: Vec<ModelSpec> = plan
        .models
        .iter()
        .filter(|m| done.iter().any(|d| d.model == m.name))
        .map(|m| ModelSpec {
            name: m.name.clone(),
            task: "inference".into(),
            default_threads: 4.min(host::cores()),
            description: format!(
                "{} ({} operators, opset {}; inputs {})",
                m.path.display(),
                m.nodes,
                m.opset,
                m.inputs
                    .iter()
                    .map(|i| format!("{} {}", i.name, i.shape_text()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect();
    let per_core = host::estimated_watts_per_core(isa);
    let rows = done
        .iter()
        .filter_map(|m| {
            let model = models.iter().position(|s| s.name == m.model)? as u16;
            let (watts, how) = match (m.watts, idle_watts) {
                (Some(w), Some(idle)) => (
                    (w - idle).max(0.0),
                    format!("watts {w:.1} measured ({}) minus {idle:.1} idle", power.map_or("sensor".into(), PowerSource::describe)),
                ),
                _ => (
                    per_core * f64::from(m.threads),
                    format!(
                        "watts estimated: {} thread{} x {per_core} W per busy core (no RAPL, INA3221 or --power-cmd reading)",
                        m.threads,
                        if m.threads == 1 { "" } else { "s" }
                    ),
                ),
            };
            Some(ProfileRow {
                model,
                arch: 0,
                engine: m.engine,
                threads: m.threads,
                qps: m.qps,
                p99_ms: m.p99_ms,
                watts,
                memory_mib: m.memory_mib.max(1),
                gpus: 0,
                source: RowSource::Measured,
                note: format!(
                    "{} {}: {} queries in {:.1}s after {} warm-up, mean {:.2} ms, p50 {:.2} ms, start-up {:.0} ms (load {:.0} ms); {how}",
                    m.engine,
                    m.engine_version,
                    m.queries,
                    m.seconds,
                    m.warmup,
                    m.mean_ms,
                    m.p50_ms,
                    m.startup_ms,
                    m.load_ms
                ),
            })
        })
        .collect();
    Profile::new(
        name.to_string(),
        format!("measured on {} by synergai profile measure", plan.arch),
        0.9,
        vec![arch],
        models,
        rows,
    )
}

/// The profile as JSON, the same fields as the YAML (YAML's superset
/// reads it back).
fn json(p: &Profile) -> String {
    use serde_json::json;
    let archs: Vec<_> = p
        .archs
        .iter()
        .map(|a| {
            let startup: BTreeMap<&str, String> = a
                .startup_ms
                .iter()
                .map(|(e, ms)| (e.as_str(), format!("{ms:?}ms")))
                .collect();
            json!({"name": a.name, "isa": a.isa, "accelerator": if a.gpu {"gpu"} else {"none"},
                   "interferenceAlpha": a.interference_alpha, "startup": startup, "description": a.description})
        })
        .collect();
    let models: Vec<_> = p
        .models
        .iter()
        .map(|m| json!({"name": m.name, "task": m.task, "defaultThreads": m.default_threads, "description": m.description}))
        .collect();
    let rows: Vec<_> = p
        .rows
        .iter()
        .map(|r| {
            json!({"model": p.model(r.model).name, "arch": p.arch(r.arch).name, "engine": r.engine,
                        "threads": r.threads, "qps": r.qps, "p99Ms": r.p99_ms, "watts": r.watts,
                        "memoryMib": r.memory_mib, "source": r.source, "note": r.note})
        })
        .collect();
    let provenance: Vec<_> = p
        .provenance
        .iter()
        .map(|v| {
            let mut settings = json!({"threads": v.settings.threads});
            if let Some(ms) = v.settings.duration_ms {
                settings["duration"] = json!(format!("{ms:?}ms"));
            }
            if let Some(q) = v.settings.queries {
                settings["queries"] = json!(q);
            }
            if let Some(q) = v.settings.warmup_queries {
                settings["warmupQueries"] = json!(q);
            }
            json!({"arch": v.arch, "host": v.host, "engines": v.engines, "tool": v.tool,
                   "date": v.date, "settings": settings, "note": v.note})
        })
        .collect();
    let doc = json!({
        "apiVersion": "synergai.io/v1alpha1",
        "kind": "Profile",
        "metadata": {"name": p.name, "description": p.description},
        "spec": {"kneeThreshold": p.knee_threshold, "provenance": provenance,
                 "architectures": archs, "models": models, "rows": rows},
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_threads_are_powers_of_two_and_the_cores() {
        assert_eq!(default_threads(1), vec![1]);
        assert_eq!(default_threads(2), vec![1, 2]);
        assert_eq!(default_threads(6), vec![1, 2, 4, 6]);
        assert_eq!(default_threads(8), vec![1, 2, 4, 8]);
    }

    #[test]
    fn dates_are_utc_iso() {
        let d = now_utc();
        assert_eq!(d.len(), 20, "{d}");
        assert!(d.ends_with('Z') && d.starts_with("20"), "{d}");
    }

    #[test]
    fn model_flags() {
        assert_eq!(
            model_file("m=/x.onnx").unwrap(),
            ("m".into(), PathBuf::from("/x.onnx"))
        );
        assert!(matches!(model_file("=x"), Err(Error::Usage(_))));
        assert!(matches!(
            model_file("no-such-shipped-model"),
            Err(Error::Usage(_))
        ));
    }
}
