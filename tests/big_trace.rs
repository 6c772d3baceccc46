//! A 1,000,000-request trace, replayed from a scenario that references it
//! (`spec.workload.trace`): the real binary's peak resident memory stays
//! under 1 GiB, and the inline scenario `fixture import-trace` would write
//! instead is over the 64 MiB fixture limit, which it warns about.
//!
//! The trace is made here (a temporary directory, nothing committed):
//! 1,000,000 requests at a mean 2 per second — about a third of the
//! default import cluster's capacity, so the replay is the trace's size
//! and not a backlog's — with timestamps as the 2024 Azure traces write
//! them (`2024-05-10 00:00:00.123456+00:00`) and seeded token counts.
//! Peak memory is the child's `VmHWM` (`/proc/PID/status`), polled until
//! it exits. Seconds without optimisation, so this runs in optimized builds
//! only (`scripts/test.sh` runs `cargo test --profile ci --test big_trace`;
//! `-- --show-output` prints the figures the README quotes).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const REQUESTS: u64 = 1_000_000;
/// Mean requests per second.
const RATE: f64 = 2.0;
const GIB: u64 = 1 << 30;

/// splitmix64: the same trace on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Log-uniform whole number in [lo, hi].
    fn log_uniform(&mut self, lo: f64, hi: f64) -> u64 {
        (lo * (hi / lo).powf(self.unit())).round() as u64
    }
}

/// Writes the trace: Poisson arrivals from 2024-05-10 00:00:00 UTC.
fn write_trace(path: &Path) {
    let file = std::fs::File::create(path).unwrap();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "TIMESTAMP,ContextTokens,GeneratedTokens").unwrap();
    let mut rng = Rng(14);
    let mut t_us: u64 = 0;
    for _ in 0..REQUESTS {
        t_us += (-(1.0 - rng.unit()).ln() / RATE * 1e6) as u64;
        let (s, us) = (t_us / 1_000_000, t_us % 1_000_000);
        let (day, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
        let context = rng.log_uniform(20.0, 8000.0);
        let generated = rng.log_uniform(5.0, 800.0);
        writeln!(
            out,
            "2024-05-{:02} {h:02}:{m:02}:{sec:02}.{us:06}+00:00,{context},{generated}",
            10 + day
        )
        .unwrap();
    }
    out.flush().unwrap();
}

/// What a run of the binary took.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// Peak resident set (bytes).
    peak_rss: u64,
}

/// The high-water mark of a process's resident set (`VmHWM`), in bytes.
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Runs the binary in `dir`, polling its peak memory until it exits.
fn run(dir: &Path, args: &[&str]) -> Run {
    let out = dir.join(".stdout");
    let err = dir.join(".stderr");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let mut peak_rss = 0;
    let status = loop {
        if let Some(hwm) = vm_hwm(child.id()) {
            peak_rss = peak_rss.max(hwm);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: std::fs::read_to_string(&out).unwrap(),
        stderr: std::fs::read_to_string(&err).unwrap(),
        elapsed: started.elapsed(),
        peak_rss,
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1048576.0
}

#[track_caller]
fn assert_ok(what: &str, r: &Run) {
    assert_eq!(
        r.code,
        Some(0),
        "{what}\nstdout:\n{}\nstderr:\n{}",
        r.stdout,
        r.stderr
    );
}

fn report(what: &str, r: &Run) {
    println!(
        "{what}: {:.1} s, peak RSS {:.0} MiB",
        r.elapsed.as_secs_f64(),
        mib(r.peak_rss)
    );
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "minutes without optimisation: scripts/test.sh runs it with --profile ci"
)]
fn a_million_request_trace_replays_in_under_a_gibibyte() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("synergai-big-trace-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let started = Instant::now();
    write_trace(&dir.join("trace.csv"));
    println!(
        "wrote {REQUESTS} requests ({:.0} MiB of CSV) in {:.1} s",
        mib(std::fs::metadata(dir.join("trace.csv")).unwrap().len()),
        started.elapsed().as_secs_f64()
    );
    // The whole trace (it spans under six days).
    let import = [
        "fixture",
        "import-trace",
        "trace.csv",
        "--format",
        "csv",
        "--duration",
        "200h",
    ];

    // Inline: over the limit, which import-trace says, and which the loader
    // then refuses.
    let inline = run(&dir, &[&import[..], &["--out", "inline.yaml"]].concat());
    assert_ok("import-trace (inline)", &inline);
    report("fixture import-trace (inline)", &inline);
    let size = std::fs::metadata(dir.join("inline.yaml")).unwrap().len();
    println!("  the inline scenario: {:.0} MiB", mib(size));
    assert!(size > 64 << 20, "{size} bytes");
    assert!(
        inline.stderr.contains(&format!(
            "warning: the scenario is {:.1} MiB, over the 64 MiB limit on fixtures",
            mib(size)
        )),
        "{}",
        inline.stderr
    );
    assert!(inline.stderr.contains("--reference"), "{}", inline.stderr);
    let refused = run(&dir, &["fixture", "validate", "inline.yaml"]);
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("limited to 64 MiB"),
        "{}",
        refused.stderr
    );
    std::fs::remove_file(dir.join("inline.yaml")).unwrap();

    // The reference form: a few kilobytes naming the trace.
    let reference = run(
        &dir,
        &[&import[..], &["--reference", "--out", "big.yaml"]].concat(),
    );
    assert_ok("import-trace --reference", &reference);
    assert!(reference.stderr.is_empty(), "{}", reference.stderr);
    report("fixture import-trace --reference", &reference);
    let text = std::fs::read_to_string(dir.join("big.yaml")).unwrap();
    assert!(text.len() < 8192, "{text}");
    assert!(text.contains("      file: trace.csv\n"), "{text}");
    assert!(
        text.contains(&format!("{REQUESTS} requests of the trace.csv trace")),
        "{text}"
    );

    let validated = run(&dir, &["fixture", "validate", "big.yaml"]);
    assert_ok("fixture validate", &validated);
    assert!(
        validated
            .stdout
            .contains(&format!("22 nodes, {REQUESTS} jobs")),
        "{}",
        validated.stdout
    );
    report("fixture validate", &validated);

    // The replay, and its peak memory.
    let replay = run(
        &dir,
        &["replay", "big.yaml", "--policy", "synergai", "-o", "json"],
    );
    assert_ok("replay", &replay);
    report("replay --policy synergai", &replay);
    let json: serde_json::Value = serde_json::from_str(&replay.stdout).unwrap();
    let scenario = &json["scenarios"][0];
    assert_eq!(scenario["jobs"], REQUESTS, "{scenario}");
    let metrics = &scenario["policies"][0];
    assert_eq!(metrics["completed"], REQUESTS, "{metrics}");
    println!(
        "  violations {}, bound {}, decisions {}",
        metrics["violations"], scenario["bracket"]["bound"], metrics["decisions"]
    );
    assert!(
        replay.peak_rss < GIB,
        "peak RSS {:.0} MiB, over 1 GiB",
        mib(replay.peak_rss)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
