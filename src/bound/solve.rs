//! Solving a window's LP and certifying an upper bound on its maximum.
//!
//! The solver's answer is never trusted as such: its row duals `y` are
//! turned into a bound that holds for any `y ≥ 0` (weak duality with the
//! column bounds, as in Neumaier and Shcherbina, "Safe bounds in linear
//! and mixed-integer linear programming", 2004): for the packing LP
//! `max w·z, A z ≤ b, 0 ≤ z ≤ u`,
//!
//! `w·z = Σ_c (w − Aᵀy)_c z_c + yᵀ A z ≤ Σ_c u_c·max(0, (w − Aᵀy)_c) + yᵀ b`.
//!
//! An inaccurate or early-stopped solve only weakens the bound; solver
//! tolerances cannot make it wrong. The sum is evaluated in floating point
//! and raised by a margin far above its rounding error.

use super::model::Lp;
#[cfg(any(feature = "bound", feature = "highs"))]
use std::time::Duration;

/// How a window's LP was solved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SolveStatus {
    /// No job of the window can run on time: nothing to solve.
    Trivial,
    /// A greedy fill of the relaxation puts every other job on time: the
    /// LP's value is the trivial bound, no need to solve it.
    Greedy,
    /// Solved to optimality.
    Optimal,
    /// Stopped by the time limit (the bound is still sound, maybe weaker).
    TimeLimit,
    /// The solver failed; the window counts its trivial bound only.
    Failed,
}

/// A solver's answer: its status, its primal objective, its row duals.
pub(crate) struct Answer {
    pub status: SolveStatus,
    pub primal: Option<f64>,
    pub duals: Option<Vec<f64>>,
}

/// The certified upper bound of `lp`'s maximum for multipliers `y`
/// (entries below zero, or not finite, count as zero).
pub(crate) fn dual_bound(lp: &Lp, y: &[f64]) -> f64 {
    let mut reduced = lp.weight.clone();
    let mut total = 0.0;
    let mut scale = 0.0;
    // Σ_r y_r·|A_r|·u: what the reduced costs were computed from.
    let mut used = vec![0.0; lp.upper.len()];
    for (r, row) in lp.rows.iter().enumerate() {
        let yr = y.get(r).copied().filter(|v| v.is_finite() && *v > 0.0);
        let Some(yr) = yr else { continue };
        total += yr * lp.rhs[r];
        scale += (yr * lp.rhs[r]).abs();
        for &(c, a) in row {
            reduced[c as usize] -= yr * a;
            used[c as usize] += (yr * a).abs();
        }
    }
    for (c, &d) in reduced.iter().enumerate() {
        let u = lp.upper[c];
        if d > 0.0 {
            total += u * d;
        }
        scale += u * (lp.weight[c].abs() + used[c]);
    }
    total + 1e-9 * (scale + 1.0)
}

/// The best certified bound from a solver's duals, whatever its sign
/// convention for them (each sign is tried; both are sound).
pub(crate) fn certified_upper(lp: &Lp, duals: &[f64]) -> f64 {
    let negated: Vec<f64> = duals.iter().map(|d| -d).collect();
    dual_bound(lp, duals).min(dual_bound(lp, &negated))
}

/// The solver compiled in, if any.
pub const SOLVER: Option<&str> = if cfg!(feature = "highs") {
    Some("highs")
} else if cfg!(feature = "bound") {
    Some("clarabel")
} else {
    None
};

/// Solves `lp` with HiGHS's interior-point method, without crossover: the
/// bound comes from the duals, so a vertex solution would buy nothing.
#[cfg(feature = "highs")]
pub(crate) fn solve(lp: &Lp, time_limit: Option<Duration>) -> Answer {
    use good_lp::solvers::highs::highs;
    let (problem, cols) = problem(lp);
    let mut model = highs(problem)
        .set_option("solver", "ipm")
        .set_option("run_crossover", "off")
        .set_option("parallel", "off")
        .set_option("threads", 1);
    if let Some(limit) = time_limit {
        model = model.set_time_limit(limit.as_secs_f64());
    }
    finish(lp, model, &cols)
}

/// Solves `lp` with clarabel (interior point, pure Rust).
#[cfg(all(feature = "bound", not(feature = "highs")))]
pub(crate) fn solve(lp: &Lp, time_limit: Option<Duration>) -> Answer {
    use good_lp::solvers::clarabel::clarabel;
    let (problem, cols) = problem(lp);
    let mut model = clarabel(problem);
    if let Some(limit) = time_limit {
        model.settings().time_limit(limit.as_secs_f64());
    }
    finish(lp, model, &cols)
}

/// Without a solver every window keeps its trivial bound (unused:
/// [`super::lower_bound`] refuses to run without one).
#[cfg(not(any(feature = "bound", feature = "highs")))]
pub(crate) fn solve(_lp: &Lp, _time_limit: Option<std::time::Duration>) -> Answer {
    Answer {
        status: SolveStatus::Failed,
        primal: None,
        duals: None,
    }
}

#[cfg(any(feature = "bound", feature = "highs"))]
fn problem(lp: &Lp) -> (good_lp::variable::UnsolvedProblem, Vec<good_lp::Variable>) {
    use good_lp::{Expression, ProblemVariables, variable};
    let mut vars = ProblemVariables::new();
    let cols: Vec<good_lp::Variable> = lp
        .upper
        .iter()
        .map(|&u| vars.add(variable().min(0.0).max(u)))
        .collect();
    let mut objective = Expression::with_capacity(cols.len());
    for (&c, &w) in cols.iter().zip(&lp.weight) {
        objective.add_mul(w, c);
    }
    (vars.maximise(objective), cols)
}

#[cfg(any(feature = "bound", feature = "highs"))]
fn finish<M>(lp: &Lp, mut model: M, cols: &[good_lp::Variable]) -> Answer
where
    M: good_lp::SolverModel,
    M::Solution: for<'a> good_lp::SolutionWithDual<'a>,
{
    use good_lp::{DualValues, Expression, Solution, SolutionStatus, SolutionWithDual};
    let refs: Vec<_> = lp
        .rows
        .iter()
        .zip(&lp.rhs)
        .map(|(row, &rhs)| {
            let mut e = Expression::with_capacity(row.len());
            for &(c, a) in row {
                e.add_mul(a, cols[c as usize]);
            }
            model.add_constraint(e.leq(rhs))
        })
        .collect();
    let Ok(mut solution) = model.solve() else {
        return Answer {
            status: SolveStatus::Failed,
            primal: None,
            duals: None,
        };
    };
    let status = match solution.status() {
        SolutionStatus::Optimal => SolveStatus::Optimal,
        _ => SolveStatus::TimeLimit,
    };
    let primal = cols
        .iter()
        .zip(&lp.weight)
        .map(|(&c, &w)| w * solution.value(c))
        .sum();
    let dual = solution.compute_dual();
    let duals = refs.into_iter().map(|r| dual.dual(r)).collect();
    Answer {
        status,
        primal: Some(primal),
        duals: Some(duals),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// max z0 + z1, z0 + z1 ≤ 1.5, z ≤ 1: the maximum is 1.5.
    fn small() -> Lp {
        Lp {
            upper: vec![1.0, 1.0],
            weight: vec![1.0, 1.0],
            rows: vec![vec![(0, 1.0), (1, 1.0)]],
            rhs: vec![1.5],
        }
    }

    #[test]
    fn any_multiplier_gives_an_upper_bound_and_the_optimal_one_is_tight() {
        let lp = small();
        for y in [0.0, 0.3, 1.0, 2.0, -1.0, f64::NAN] {
            assert!(dual_bound(&lp, &[y]) >= 1.5 - 1e-12, "y = {y}");
        }
        assert!((dual_bound(&lp, &[1.0]) - 1.5).abs() < 1e-6);
        assert!((certified_upper(&lp, &[-1.0]) - 1.5).abs() < 1e-6);
        // No multiplier: the column bounds alone.
        assert!((dual_bound(&lp, &[]) - 2.0).abs() < 1e-6);
    }

    #[cfg(any(feature = "bound", feature = "highs"))]
    #[test]
    fn the_solver_s_duals_certify_its_optimum() {
        let lp = small();
        let answer = solve(&lp, None);
        assert_eq!(answer.status, SolveStatus::Optimal);
        assert!((answer.primal.unwrap() - 1.5).abs() < 1e-6);
        let upper = certified_upper(&lp, answer.duals.as_deref().unwrap());
        assert!((upper - 1.5).abs() < 1e-5, "{upper}");
    }
}
