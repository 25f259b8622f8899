//! What a run will cost, estimated before it starts, and the budget it must fit.
//!
//! Every loop whose length the caller's numbers control is bounded twice: an up-front
//! estimate (in *work units*, about a nanosecond of one core of a 2024 x86 machine each;
//! the cost models below were measured on one) refuses a request whose estimate exceeds
//! [`WORK_BUDGET`] with [`SimError::OverBudget`] — an input the tool cannot serve, before
//! any row is written — and a hard cap on the steps actually taken, derived from the same
//! budget with a margin, stops a run the estimate misjudged with
//! [`SimError::BudgetExhausted`] (a method failure on valid input).
//!
//! | method | estimate |
//! |---|---|
//! | gd (f64) | `steps·(6d + 100)` |
//! | gd-reduced (f64) | `steps·250` |
//! | gd, gd-reduced (MPFR balls) | `steps·ops·c(p)`, `ops = 10d + 40` (full) or `60`, `c(p) = 300 + 3.5·(p/64)^1.6` |
//! | rk4 | `steps·(30(2d + 2) + 100)`, `steps = Σ_runs T·Λ/h_rel` |
//! | dop853 | `steps·(80(2d + 2) + 300)`, `steps = Σ_runs T·Λ/(2·(10¹²·rtol)^{1/8})` |
//! | taylor | two integrations of `2.5·min(Λ·T, 0.3P) + 2·log₂(Λ·T)` steps, `0.12·K²·3d·c(P)` each ([`crate::taylor`]) |
//!
//! `Λ = max(λ₀, ω)` estimates the field's rate `λ = a(ntk + |ke|)` along the flow: its value
//! at `t = 0` and its limit `ω = a·ntk_∞` (docs/model.md §4), from the exact reduction —
//! a step-count estimate, never a value of the table. A run restarts at `t = 0` for each
//! decreasing time, so each non-decreasing run of times counts up to its last time.

use crate::error::{about, SimError};
use crate::request::{runs, Method, Precision, Request};
use exactflow_core::number::{q_to_f64_nearest, sqrt_q_to_f64_nearest};
use exactflow_core::{ExactReduction, Scenario, Q};

/// The work budget of one run, in work units (about two minutes on the reference machine).
pub const WORK_BUDGET: f64 = 1.2e11;

/// The hard cap on work actually done, as a multiple of [`WORK_BUDGET`] (the estimate is
/// an estimate).
pub const HARD_CAP_FACTOR: f64 = 4.0;

/// An up-front estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Steps the method is expected to take.
    pub steps: f64,
    /// Work units per step.
    pub per_step: f64,
}

impl Estimate {
    /// Total work units.
    pub fn work(&self) -> f64 {
        self.steps * self.per_step
    }

    /// The largest number of steps a run may take before it is stopped.
    pub fn step_cap(&self) -> u64 {
        let cap = HARD_CAP_FACTOR * WORK_BUDGET / self.per_step.max(1.0);
        cap.min(u64::MAX as f64 / 2.0) as u64
    }
}

/// Work units of one MPFR ball operation at `bits` of precision.
pub fn mpfr_op(bits: u32) -> f64 {
    300.0 + 3.5 * (f64::from(bits) / 64.0).powf(1.6)
}

/// `λ₀ = a(k²P + |k e₀|)` (the rate at `t = 0`) and `ω`, in `f64` (`+∞` past its range).
pub fn rates(red: &ExactReduction) -> (f64, f64) {
    let a = q_to_f64_nearest(&red.a);
    let k = sqrt_q_to_f64_nearest(&red.k2);
    let ntk0 = q_to_f64_nearest(&(&red.k2 * &red.p));
    let lam0 = a * (ntk0 + k * q_to_f64_nearest(&red.e0).abs());
    let omega = sqrt_q_to_f64_nearest(&red.omega2);
    (sanitize(lam0), sanitize(omega))
}

fn sanitize(x: f64) -> f64 {
    if x.is_nan() {
        f64::INFINITY
    } else {
        x
    }
}

/// `Σ_runs T_run`: the flow time integrated (each non-decreasing run from `t = 0`).
pub fn integrated_time(times: &[Q]) -> f64 {
    runs(times)
        .into_iter()
        .map(|r| q_to_f64_nearest(&times[r.end - 1]))
        .sum()
}

/// The estimate of a request on a scenario.
pub fn estimate(scenario: &Scenario, req: &Request) -> Estimate {
    let d = scenario.width() as f64;
    let red = scenario.reduction();
    let (lam0, omega) = rates(&red);
    let lam = lam0.max(omega);
    match &req.method {
        Method::Gd {
            steps, precision, ..
        }
        | Method::GdReduced {
            steps, precision, ..
        } => {
            let full = matches!(req.method, Method::Gd { .. });
            let per_step = match (precision, req.working_bits()) {
                (Precision::Mpfr { .. }, Some(bits)) => {
                    let ops = if full { 10.0 * d + 40.0 } else { 60.0 };
                    ops * mpfr_op(bits)
                }
                _ if full => 6.0 * d + 100.0,
                _ => 250.0,
            };
            Estimate {
                steps: *steps as f64 + 1.0,
                per_step,
            }
        }
        Method::Rk4 { times, h_rel } => Estimate {
            steps: integrated_time(times) * lam / h_rel + times.len() as f64,
            per_step: 30.0 * (2.0 * d + 2.0) + 100.0,
        },
        Method::Dop853 { times, rtol } => {
            let h_lam = 2.0 * (rtol * 1e12).powf(1.0 / 8.0);
            Estimate {
                steps: integrated_time(times) * lam / h_lam + times.len() as f64,
                per_step: 80.0 * (2.0 * d + 2.0) + 300.0,
            }
        }
        Method::Taylor { .. } => crate::taylor::estimate(scenario, req),
    }
}

/// Refuses an estimate over the budget.
///
/// # Errors
/// [`SimError::OverBudget`] naming what dominates and what the caller can change.
pub fn check(req: &Request, est: &Estimate) -> Result<(), SimError> {
    let work = est.work();
    if work.is_finite() && work <= WORK_BUDGET {
        return Ok(());
    }
    let (what, hint) = match &req.method {
        Method::Gd { .. } | Method::GdReduced { .. } => (
            format!("{} gradient-descent steps", est.steps),
            "fewer steps, the reduced map, or f64 instead of MPFR",
        ),
        Method::Rk4 { .. } => (
            format!("{} RK4 steps (λ·T/step)", about(est.steps)),
            "earlier times or a larger step; a stiff flow (large λ) needs dop853 or the closed form",
        ),
        Method::Dop853 { .. } => (
            format!("{} DOP853 steps (λ·T over the stable step)", about(est.steps)),
            "earlier times or a looser rtol; a stiff flow (large λ) cannot be integrated explicitly: use the closed form",
        ),
        Method::Taylor { .. } => (
            format!("{} Taylor steps", about(est.steps)),
            "fewer digits or earlier times",
        ),
    };
    Err(SimError::OverBudget {
        what: format!("the run needs {what}"),
        estimate: work,
        limit: WORK_BUDGET,
        unit: "work units (each about a nanosecond of one core)",
        hint,
    })
}
