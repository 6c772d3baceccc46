//! Run metrics of `scheduling.md`: violations, excess time, latency
//! percentiles, queue wait, per-architecture utilization, energy,
//! scheduling overhead and makespan.

use serde::Serialize;

/// A log-bucketed histogram of nanoseconds (±3% resolution), for
/// per-decision overhead over millions of decisions in O(1) memory.
#[derive(Clone, Debug)]
pub struct NsHistogram {
    buckets: Vec<u64>,
    count: u64,
    sum: u128,
}

const SUB: f64 = 32.0;

impl Default for NsHistogram {
    fn default() -> Self {
        NsHistogram {
            buckets: vec![0; 64 * SUB as usize],
            count: 0,
            sum: 0,
        }
    }
}

impl NsHistogram {
    pub fn record(&mut self, ns: u64) {
        let i = ((ns.max(1) as f64).log2() * SUB) as usize;
        let last = self.buckets.len() - 1;
        self.buckets[i.min(last)] += 1;
        self.count += 1;
        self.sum += u128::from(ns);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum as f64 / self.count as f64
        }
    }

    /// The value below which a fraction `q` of the records fall.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let target = (q * self.count as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, &n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= target {
                return ((i + 1) as f64 / SUB).exp2();
            }
        }
        0.0
    }
}

/// Utilization of one architecture over the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchUtilization {
    pub arch: String,
    /// Busy core-seconds / (cores × makespan).
    pub cores: f64,
    /// Busy GPU-seconds / (GPUs × makespan), if the arch has GPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpus: Option<f64>,
    pub jobs: u32,
}

/// Everything measured in one run of one policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub policy: String,
    pub jobs: u32,
    pub completed: u32,
    /// Jobs never completed (never placed, or still running at the end).
    pub unfinished: u32,
    /// Completed late, plus unfinished.
    pub violations: u32,
    pub violation_rate: f64,
    pub excess_total_ms: f64,
    pub excess_mean_ms: f64,
    pub latency_p50_ms: f64,
    pub latency_p95_ms: f64,
    pub latency_p99_ms: f64,
    pub queue_wait_mean_ms: f64,
    pub queue_wait_p99_ms: f64,
    pub utilization: Vec<ArchUtilization>,
    pub energy_j: f64,
    pub decisions: u64,
    /// Wall-clock cost of one decision (not deterministic).
    pub overhead_mean_us: f64,
    pub overhead_p99_us: f64,
    pub makespan_ms: f64,
    /// Simulated events processed (arrivals and completions).
    pub events: u64,
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&v, 0.5), 5.0);
        assert_eq!(percentile(&v, 0.99), 10.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }

    #[test]
    fn histogram_quantiles_within_resolution() {
        let mut h = NsHistogram::default();
        for ns in 1..=1000u64 {
            h.record(ns * 100);
        }
        let p50 = h.quantile(0.5);
        assert!((p50 / 50_000.0 - 1.0).abs() < 0.05, "p50 {p50}");
        assert!((h.mean() - 50_050.0).abs() < 1.0);
    }
}
