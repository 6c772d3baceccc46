//! What became of each job in a run: where and how it ran, when, what the
//! decision that placed it predicted, and whether it met its QoS (the
//! per-job data behind `replay --jobs` and the report's distributions).

use super::{Simulator, Status};
use crate::model::{JobId, NodeId};

/// One job's fate in a run.
#[derive(Clone, Debug, PartialEq)]
pub struct JobOutcome {
    pub job: String,
    pub model: String,
    pub arrival_ms: f64,
    pub qos_ms: f64,
    /// When it was placed on its node; `None` if it never was.
    pub start_ms: Option<f64>,
    /// When its result was back (processing done plus the node's network
    /// time); `None` if it has not finished.
    pub finish_ms: Option<f64>,
    pub node: Option<String>,
    pub arch: Option<String>,
    pub engine: Option<String>,
    pub threads: Option<u32>,
    pub gpus: Option<u32>,
    /// The completion the placing decision predicted, minus arrival.
    pub predicted_latency_ms: Option<f64>,
    /// `finish_ms - arrival_ms`.
    pub latency_ms: Option<f64>,
    /// Deadline minus finish (negative: late).
    pub slack_ms: Option<f64>,
    /// Finished late, or not finished: what [`Simulator::metrics`] counts
    /// as a violation.
    pub violated: bool,
}

/// Where a placed job runs and how.
struct Placement {
    node: NodeId,
    engine: String,
    threads: u32,
    gpus: u32,
    start_ms: f64,
    predicted_completion_ms: Option<f64>,
    finish_ms: Option<f64>,
}

impl Simulator {
    /// Every job of the scenario in job order, as it stands now (at the
    /// end of a run: the run's outcome).
    pub fn job_outcomes(&self) -> Vec<JobOutcome> {
        (0..self.scenario.jobs.len())
            .map(|id| self.job_outcome(id as JobId))
            .collect()
    }

    fn job_outcome(&self, id: JobId) -> JobOutcome {
        let profile = &self.scenario.profile;
        let job = &self.scenario.jobs[id as usize];
        let placement = match &self.status[id as usize] {
            Status::Future | Status::Pending => None,
            Status::Running {
                run,
                predicted_completion_ms,
                ..
            } => self.cluster.run(*run).map(|r| Placement {
                node: r.node,
                engine: r.engine.to_string(),
                threads: r.threads,
                gpus: r.gpus,
                start_ms: r.placed_at_ms,
                predicted_completion_ms: Some(*predicted_completion_ms),
                finish_ms: None,
            }),
            Status::Done {
                node,
                config,
                placed_at_ms,
                completion_ms,
                predicted_completion_ms,
                ..
            } => Some(Placement {
                node: *node,
                engine: config.engine.to_string(),
                threads: config.threads,
                gpus: config.gpus,
                start_ms: *placed_at_ms,
                predicted_completion_ms: *predicted_completion_ms,
                finish_ms: Some(*completion_ms),
            }),
        };
        let finish_ms = placement.as_ref().and_then(|p| p.finish_ms);
        let latency_ms = finish_ms.map(|f| f - job.arrival_ms);
        let spec = placement
            .as_ref()
            .and_then(|p| self.scenario.nodes.get(p.node as usize));
        JobOutcome {
            job: job.name.clone(),
            model: profile.model(job.model).name.clone(),
            arrival_ms: job.arrival_ms,
            qos_ms: job.qos_ms,
            start_ms: placement.as_ref().map(|p| p.start_ms),
            finish_ms,
            node: spec.map(|s| s.name.clone()),
            arch: spec.map(|s| profile.arch(s.arch).name.clone()),
            threads: placement.as_ref().map(|p| p.threads),
            gpus: placement.as_ref().map(|p| p.gpus),
            predicted_latency_ms: placement
                .as_ref()
                .and_then(|p| p.predicted_completion_ms)
                .map(|c| c - job.arrival_ms),
            engine: placement.map(|p| p.engine),
            latency_ms,
            slack_ms: finish_ms.map(|f| job.deadline_ms() - f),
            // The same comparison as the metrics' (latency > QoS).
            violated: latency_ms.is_none_or(|l| l > job.qos_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Scenario;
    use crate::policy::PolicyKind;
    use crate::sim::{SimOptions, Simulator};
    use std::sync::Arc;

    /// The default scenario cut to its first `n` jobs.
    fn tiny(n: usize) -> Scenario {
        let mut scenario = crate::fixture::load_default().unwrap();
        Arc::make_mut(&mut scenario.jobs).truncate(n);
        scenario
    }

    #[test]
    fn outcomes_agree_with_the_metrics() {
        let scenario = tiny(30);
        for policy in [PolicyKind::Synergai, PolicyKind::K8sDefault] {
            let mut sim = Simulator::new(&scenario, SimOptions::new(policy));
            while sim.step() {}
            let metrics = sim.metrics();
            let outcomes = sim.job_outcomes();
            assert_eq!(outcomes.len(), 30);
            let violated = outcomes.iter().filter(|o| o.violated).count();
            assert_eq!(violated as u32, metrics.violations, "{policy:?}");
            let mut latencies: Vec<f64> = outcomes.iter().filter_map(|o| o.latency_ms).collect();
            latencies.sort_by(f64::total_cmp);
            assert_eq!(
                crate::sim::percentile(&latencies, 0.95),
                metrics.latency_p95_ms
            );
            for (o, job) in outcomes.iter().zip(scenario.jobs.iter()) {
                assert_eq!(o.job, job.name);
                let (start, finish) = (o.start_ms.unwrap(), o.finish_ms.unwrap());
                assert!(o.arrival_ms <= start && start < finish, "{o:?}");
                assert!(o.predicted_latency_ms.is_some_and(|p| p > 0.0), "{o:?}");
                assert_eq!(o.slack_ms, Some(job.deadline_ms() - finish));
                assert_eq!(o.violated, o.slack_ms.unwrap() < 0.0);
                assert!(o.node.is_some() && o.arch.is_some() && o.engine.is_some());
            }
        }
    }

    #[test]
    fn a_job_no_node_may_run_is_unfinished_and_violated() {
        let mut scenario = tiny(3);
        Arc::make_mut(&mut scenario.jobs)[1].allowed = Some(Arc::from(Vec::new()));
        let mut sim = Simulator::new(&scenario, SimOptions::new(PolicyKind::Synergai));
        while sim.step() {}
        let outcomes = sim.job_outcomes();
        let stuck = &outcomes[1];
        assert!(stuck.violated);
        assert_eq!(
            (stuck.start_ms, stuck.finish_ms, stuck.node.as_deref()),
            (None, None, None)
        );
        assert_eq!(sim.metrics().violations as usize, {
            outcomes.iter().filter(|o| o.violated).count()
        });
    }

    #[test]
    fn a_running_job_has_a_start_and_no_finish() {
        let scenario = tiny(10);
        let mut sim = Simulator::new(&scenario, SimOptions::new(PolicyKind::Synergai));
        let first = scenario.jobs[0].arrival_ms;
        sim.run_until(first);
        let o = &sim.job_outcomes()[0];
        assert_eq!(o.start_ms, Some(first));
        assert!(o.finish_ms.is_none() && o.node.is_some() && o.violated);
    }
}
