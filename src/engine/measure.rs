//! Measuring one configuration (model × engine × threads) in this process:
//! load and first inference (the start-up), warm-up, then single-stream
//! batch-1 inference for a time or a query count, with latency percentiles,
//! peak memory and power.

use super::Backend;
use super::host::{self, PowerMeter, PowerSource};
use super::onnx::ModelFile;
use crate::error::Result;
use crate::model::Engine;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// How long to measure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stop {
    After(Duration),
    Queries(u64),
}

/// What one configuration measured (the child's answer to its parent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Measurement {
    pub model: String,
    pub engine: Engine,
    pub engine_version: String,
    pub threads: u32,
    /// Load plus first inference.
    pub startup_ms: f64,
    pub load_ms: f64,
    pub warmup: u32,
    pub queries: u64,
    pub seconds: f64,
    pub qps: f64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Peak resident memory above the process's before loading.
    pub memory_mib: u64,
    /// Average power while running, when a sensor was read.
    pub watts: Option<f64>,
}

/// The nearest-rank percentile of sorted samples.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Loads and runs `model` on `backend` as the flags say.
pub fn run(
    backend: &dyn Backend,
    model: &ModelFile,
    threads: u32,
    warmup: u32,
    stop: Stop,
    power: Option<PowerSource>,
) -> Result<Measurement> {
    let rss_before = host::memory_kib("VmRSS").unwrap_or(0);
    let start = Instant::now();
    let mut session = backend.load(model, threads)?;
    let load = start.elapsed();
    session.infer()?;
    let startup = start.elapsed();
    for _ in 0..warmup {
        session.infer()?;
    }
    let meter = power.map(PowerMeter::start);
    let mut samples: Vec<f64> = Vec::new();
    let began = Instant::now();
    loop {
        let t = Instant::now();
        session.infer()?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
        let done = match stop {
            Stop::After(d) => began.elapsed() >= d,
            Stop::Queries(n) => samples.len() as u64 >= n,
        };
        if done {
            break;
        }
    }
    let seconds = began.elapsed().as_secs_f64();
    let watts = meter.and_then(PowerMeter::finish);
    let peak = host::memory_kib("VmHWM").unwrap_or(0);
    let mean_ms = samples.iter().sum::<f64>() / samples.len() as f64;
    samples.sort_by(f64::total_cmp);
    Ok(Measurement {
        model: model.name.clone(),
        engine: backend.engine(),
        engine_version: backend.version(),
        threads,
        startup_ms: startup.as_secs_f64() * 1000.0,
        load_ms: load.as_secs_f64() * 1000.0,
        warmup,
        queries: samples.len() as u64,
        seconds,
        qps: samples.len() as f64 / seconds,
        mean_ms,
        p50_ms: percentile(&samples, 50.0),
        p99_ms: percentile(&samples, 99.0),
        memory_mib: peak.saturating_sub(rss_before).div_ceil(1024),
        watts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let s: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&s, 50.0), 50.0);
        assert_eq!(percentile(&s, 99.0), 99.0);
        assert_eq!(percentile(&s, 100.0), 100.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}
