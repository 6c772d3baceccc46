//! The machine being characterized: CPU, cores, memory, OS and kernel, the
//! process's peak memory, and power sensors (Linux powercap/RAPL, Jetson
//! INA3221 hwmon rails, or a user's command printing watts).

use crate::model::{Host, Isa};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn read(path: impl AsRef<Path>) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// The cores this process may use.
pub fn cores() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u32)
}

pub fn isa() -> Option<Isa> {
    match std::env::consts::ARCH {
        "x86_64" => Some(Isa::X86_64),
        "aarch64" => Some(Isa::Arm64),
        _ => None,
    }
}

fn cpuinfo_field(key: &str) -> Option<String> {
    read("/proc/cpuinfo")?.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// The default architecture name: `x86_64-intel`, `x86_64-amd`,
/// `arm64-<device tree model>` (a Jetson or a Raspberry Pi names itself),
/// else the ISA.
pub fn default_arch_name() -> String {
    let isa = match std::env::consts::ARCH {
        "aarch64" => "arm64",
        other => other,
    };
    let vendor = match cpuinfo_field("vendor_id").as_deref() {
        Some("GenuineIntel") => Some("intel".to_string()),
        Some("AuthenticAMD") => Some("amd".to_string()),
        _ => read("/proc/device-tree/model").map(|m| {
            m.trim_end_matches('\0')
                .to_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .take(4)
                .collect::<Vec<_>>()
                .join("-")
        }),
    };
    match vendor {
        Some(v) if !v.is_empty() => format!("{isa}-{v}"),
        _ => isa.to_string(),
    }
}

/// What the provenance records about the host.
pub fn facts() -> Host {
    let cpu = cpuinfo_field("model name")
        .or_else(|| read("/proc/device-tree/model").map(|m| m.trim_end_matches('\0').to_string()))
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let memory_mib = read("/proc/meminfo")
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / 1024);
    let os = read("/etc/os-release")
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .unwrap_or_else(|| std::env::consts::OS.to_string());
    let kernel = read("/proc/sys/kernel/osrelease")
        .map(|k| k.trim().to_string())
        .unwrap_or_default();
    Host {
        cpu,
        cores: cores(),
        memory_mib,
        os,
        kernel,
    }
}

/// `VmHWM` (peak resident memory) or `VmRSS` of this process, in KiB.
pub fn memory_kib(field: &str) -> Option<u64> {
    read("/proc/self/status")?.lines().find_map(|l| {
        let rest = l.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// Where watts come from.
#[derive(Clone, Debug, PartialEq)]
pub enum PowerSource {
    /// Package energy counters (`/sys/class/powercap/intel-rapl:N/energy_uj`).
    Rapl(Vec<PathBuf>),
    /// INA3221 rails of a Jetson: (voltage mV, current mA) file pairs.
    Ina(Vec<(PathBuf, PathBuf)>),
    /// `--power-cmd`: a shell command that prints watts.
    Command(String),
}

impl PowerSource {
    /// The first readable sensor, or the command when given.
    pub fn detect(command: Option<&str>) -> Option<PowerSource> {
        if let Some(c) = command {
            return Some(PowerSource::Command(c.to_string()));
        }
        let mut rapl: Vec<PathBuf> = std::fs::read_dir("/sys/class/powercap")
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                let n = e.file_name().to_string_lossy().to_string();
                n.starts_with("intel-rapl:") && n.matches(':').count() == 1
            })
            .map(|e| e.path().join("energy_uj"))
            .filter(|p| read(p).is_some_and(|t| t.trim().parse::<u64>().is_ok()))
            .collect();
        rapl.sort();
        if !rapl.is_empty() {
            return Some(PowerSource::Rapl(rapl));
        }
        let mut rails = Vec::new();
        for hwmon in std::fs::read_dir("/sys/class/hwmon")
            .into_iter()
            .flatten()
            .flatten()
        {
            let dir = hwmon.path();
            if !read(dir.join("name")).is_some_and(|n| n.trim().starts_with("ina3221")) {
                continue;
            }
            for ch in 1..=3 {
                let (v, c) = (
                    dir.join(format!("in{ch}_input")),
                    dir.join(format!("curr{ch}_input")),
                );
                if read(&v).is_some() && read(&c).is_some() {
                    rails.push((v, c));
                }
            }
        }
        (!rails.is_empty()).then_some(PowerSource::Ina(rails))
    }

    pub fn describe(&self) -> String {
        match self {
            PowerSource::Rapl(p) => format!("RAPL ({} package counters)", p.len()),
            PowerSource::Ina(r) => format!("INA3221 hwmon ({} rails)", r.len()),
            PowerSource::Command(c) => format!("--power-cmd `{c}`"),
        }
    }

    /// Energy in microjoules (RAPL) or instant watts (the others).
    fn sample(&self) -> Option<f64> {
        match self {
            PowerSource::Rapl(paths) => paths
                .iter()
                .map(|p| read(p)?.trim().parse::<f64>().ok())
                .sum(),
            PowerSource::Ina(rails) => rails
                .iter()
                .map(|(v, c)| {
                    let mv: f64 = read(v)?.trim().parse().ok()?;
                    let ma: f64 = read(c)?.trim().parse().ok()?;
                    Some(mv * ma / 1e6)
                })
                .sum(),
            PowerSource::Command(c) => {
                let out = std::process::Command::new("sh")
                    .arg("-c")
                    .arg(c)
                    .output()
                    .ok()?;
                String::from_utf8_lossy(&out.stdout)
                    .split_whitespace()
                    .next()?
                    .parse()
                    .ok()
                    .filter(|w: &f64| w.is_finite() && *w >= 0.0)
            }
        }
    }
}

/// Samples a power source on a thread until stopped; the average watts.
pub struct PowerMeter {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<Option<f64>>,
}

impl PowerMeter {
    pub fn start(source: PowerSource) -> PowerMeter {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let start = Instant::now();
            let first = source.sample()?;
            let (mut sum, mut n, mut last) = (first, 1.0, first);
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(250));
                // A sensor that disappears mid-run: no reading for this row.
                last = source.sample()?;
                sum += last;
                n += 1.0;
            }
            match source {
                PowerSource::Rapl(_) => {
                    let seconds = start.elapsed().as_secs_f64();
                    (last >= first && seconds > 0.0).then(|| (last - first) / 1e6 / seconds)
                }
                _ => Some(sum / n),
            }
        });
        PowerMeter { stop, handle }
    }

    /// The average watts since `start`, or `None` when the sensor failed.
    pub fn finish(self) -> Option<f64> {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().ok().flatten()
    }
}

/// Watts of one busy core, for the estimate when no sensor is readable.
pub fn estimated_watts_per_core(isa: Isa) -> f64 {
    match isa {
        Isa::X86_64 => 6.5,
        Isa::Arm64 => 1.5,
    }
}
