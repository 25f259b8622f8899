//! The independent oracle: the raw `2d`-dimensional gradient flow of docs/model.md §2,
//!
//! ```text
//! du/dt = −η_u a γ e w,   dw/dt = −η_w a γ e u,   e = γ u·w − θ*,
//! ```
//!
//! integrated by a Taylor-series method in MPFR ([`series`]), in orthonormal coordinates
//! of the invariant plane of `u₀, w₀` (a 4-dimensional state whatever `d`: see
//! `plane_coordinates`). It shares nothing with the closed form — no reduction, no
//! exponential of the solution — but the exact initial sums, the vector field and,
//! for the rows, the observables of a state ([`crate::observe`], which every simulator
//! uses). The residual and `z` are carried as states of their own (`ln|e|` and `ln z`, by
//! the chain rule), because both are differences of nearly equal numbers when recomputed
//! from the weights: recomputing them is how the old integrator printed residuals with 3
//! of 60 digits right.
//!
//! **Every printed digit is vouched for** by a second integration at 24 bits less (its own
//! orders and steps): a row is handed over only when both agree to a quarter unit in the
//! last printed digit in every column, so the main run's own error is some 2^24 times
//! smaller. Where they disagree, or where `|ln e|` or `|ln z|` outgrow the guard bits, both
//! restart from `t = 0` with the precision the disagreement asks for (rows already handed
//! over are not repeated), up to [`max_bits`]; beyond it the run stops with
//! [`SimError::PrecisionExhausted`]. Values MPFR cannot hold (a residual `e^{−10¹²}` below
//! its exponent range) are refused naming the column.

pub mod series;

use crate::budget::{self, Estimate};
use crate::error::{short, SimError, Stop};
use crate::num::{digits_to_bits, Params};
use crate::observe::{observe, Moments};
use crate::represent::ExactFacts;
use exactflow_core::number::Q;
use exactflow_core::{Column, Observables, Scenario};
use exactflow_mp::ball::Ball;
use rug::Float;
use series::{lg, Constants, Flow, State};

/// Guard bits of the main run beyond the printed digits (plus `log₂` of `|ln e|`, `|ln z|`).
pub const GUARD_BITS: u32 = 40;
/// Bits fewer of the vouching run.
pub const SHADOW_BITS: u32 = 24;

/// The largest working precision a run may raise itself to: `4·digits·log₂10 + 1024` bits.
pub fn max_bits(digits: u32) -> u32 {
    4 * digits_to_bits(digits) + 1024
}

/// An exact rational rounded to nearest at `prec` bits.
pub fn float_of(q: &Q, prec: u32) -> Float {
    exactflow_num::mpfr::q_to_float_nearest(q, prec)
}

/// One integration from `t = 0`.
struct Run {
    flow: Flow,
    x: State,
    t: Float,
    h_prev: Option<Float>,
    steps: u64,
}

impl Run {
    fn new(scenario: &Scenario, prec: u32) -> Run {
        let red = scenario.reduction();
        let f = |q: &Q| float_of(q, prec);
        let mut k = Float::with_val(prec, float_of(&red.k2, prec + 16).sqrt_ref());
        if red.k_sign() < 0 {
            k = -k;
        }
        let c = Constants {
            eta_u: f(&red.eta_u),
            eta_w: f(&red.eta_w),
            a: f(&red.a),
            gamma: f(&red.gamma),
            k,
        };
        let sigma = exactflow_core::reduction::sign(&red.e0);
        let e0 = f(&red.e0);
        let ell = if sigma == 0 {
            Float::with_val(prec, 0)
        } else {
            Float::with_val(prec, e0.abs_ref()).ln()
        };
        let (u0, w0) = plane_coordinates(scenario, prec);
        Run {
            flow: Flow::new(&c, sigma, prec),
            x: State {
                u: u0,
                w: w0,
                ell,
                phi: Float::with_val(prec, 0),
            },
            t: Float::with_val(prec, 0),
            h_prev: None,
            steps: 0,
        }
    }

    /// Integrates to `target` (≥ the current time), at most `cap` steps in all.
    fn advance(&mut self, target: &Float, cap: u64) -> Result<(), SimError> {
        let p = self.flow.prec();
        while self.t < *target {
            if self.steps >= cap {
                return Err(SimError::BudgetExhausted {
                    at: format!("t = {:.6e}", self.t.to_f64()),
                    used: self.steps,
                    limit: cap,
                    unit: "Taylor steps",
                });
            }
            let left = Float::with_val(p, target - &self.t);
            let h_c = match &self.h_prev {
                Some(h) => {
                    let ten = Float::with_val(p, h * 10u32);
                    if ten < left {
                        ten
                    } else {
                        left.clone()
                    }
                }
                None => left.clone(),
            };
            // The orders' precisions assume at most √2 times the last step.
            let lg_hp = self
                .h_prev
                .as_ref()
                .map_or(lg(&h_c), |h| lg(h) + 0.5)
                .min(lg(&h_c));
            let h = self.flow.step(&mut self.x, &h_c, lg_hp);
            self.steps += 1;
            if h == left {
                self.t = target.clone();
            } else {
                self.t += &h;
            }
            if h.cmp0() != Some(std::cmp::Ordering::Greater)
                || !self.x.u.iter().chain(&self.x.w).all(Float::is_finite)
            {
                return Err(SimError::Diverged {
                    at: format!("t = {:.6e}", self.t.to_f64()),
                    why: "the Taylor integration's state left MPFR's range".into(),
                });
            }
            self.h_prev = Some(h);
            self.check_range()?;
        }
        Ok(())
    }

    /// `e = σ·e^ℓ` only falls and `z = e^φ` is monotone along the flow: once either
    /// leaves MPFR's exponent range it never returns, so the run stops at once rather
    /// than integrating on to an output time it cannot print.
    fn check_range(&self) -> Result<(), SimError> {
        // The range is read as `i64` (MPFR's widest reaches 2^±(2^62); rug's `exp_min`
        // saturates at `i32::MIN`) and the arithmetic done in f64, where it cannot overflow.
        let (emin, emax) = exactflow_mp::exponent::exp_range();
        let lo = (emin as f64 - 1.0) * std::f64::consts::LN_2;
        let hi = emax as f64 * std::f64::consts::LN_2;
        let at = || format!("{:.6e}", self.t.to_f64());
        let out = |col: Column, why: &str| SimError::NotRepresentable {
            column: col,
            t: at(),
            why: why.into(),
        };
        if self.flow.stationary() {
            return Ok(());
        }
        if self.x.ell.to_f64() < lo {
            return Err(out(Column::Residual, "its magnitude e^ℓ fell below MPFR's exponent range and only falls further (the true value is not zero)"));
        }
        let phi = self.x.phi.to_f64();
        if phi < lo || phi > hi {
            return Err(out(
                Column::Z,
                "z = e^φ left MPFR's exponent range for good",
            ));
        }
        Ok(())
    }

    /// `log₂` of the largest of `|ln e|`, `|ln z|` (what the guard bits must cover).
    fn lg_logs(&self) -> f64 {
        lg(&self.x.ell).max(lg(&self.x.phi)).max(0.0)
    }

    /// The observables of the current state at `prec` bits (the shared
    /// observables-from-state, in balls from exact inputs).
    fn observe(&self, params: &Params<Ball>) -> Observables<Ball> {
        let p = self.flow.prec();
        let b = |x: &Float| Ball::from_float(x.clone());
        let u: Vec<Ball> = self.x.u.iter().map(b).collect();
        let w: Vec<Ball> = self.x.w.iter().map(b).collect();
        let e = b(&self.flow.residual(&self.x, p));
        let z = b(&Float::with_val(p, self.x.phi.exp_ref()));
        observe(params, &Moments::from_vectors(&u, &w, e, z, &p))
    }
}

/// `u₀` and `w₀` in orthonormal coordinates of a plane containing both, rounded to nearest
/// at `prec` bits: `u₀ = (|u₀|, 0)`, `w₀ = (u₀·w₀/|u₀|, √(|w₀|² − (u₀·w₀)²/|u₀|²))`
/// (`w₀ = (|w₀|, 0)` when `u₀ = 0`).
///
/// The field `(−η_u aγ e w, −η_w aγ e u)` at `(u, w)` lies in `span{u, w}`, so the plane
/// of `u₀, w₀` is invariant, and the field commutes with every isometry: the raw flow
/// from this 4-dimensional state is the `2d`-dimensional one in other coordinates, with
/// the same `|u|², |w|², u·w`, `e` and `z` at every time. It costs nothing in `d`.
///
/// Each coordinate is correctly rounded from exact values (the three exact sums
/// `|u₀|², |w₀|², u₀·w₀` of [`Scenario::initial_sums`], the one piece of the scenario's
/// arithmetic the oracle shares with the closed form — plain exact sums, checked against a
/// naive accumulation by core's tests), so the state is the rounding of the initial
/// weights to `prec` bits as before; the second coordinate of `w₀` comes from the exact
/// Gram determinant, so parallel weights give an exact 0 there.
fn plane_coordinates(scenario: &Scenario, prec: u32) -> (Vec<Float>, Vec<Float>) {
    let (uu, ww, uw) = scenario.initial_sums();
    let zero = || Float::with_val(prec, 0);
    let root = |q: &Q| Float::with_val(prec, float_of(q, prec + 2).sqrt_ref());
    if uu == Q::from_integer(0.into()) {
        return (vec![zero(), zero()], vec![root(&ww), zero()]);
    }
    let nu = float_of(&uu, prec + 64).sqrt();
    let w1 = Float::with_val(prec, float_of(&uw, prec + 64) / &nu);
    let gram = (&uu * &ww - &uw * &uw) / &uu;
    (
        vec![Float::with_val(prec, &nu), zero()],
        vec![w1, root(&gram)],
    )
}

/// Whether two computations of a row agree to `2^-bits` relative in every column; if not,
/// the bits of agreement of the worst column and the column.
fn agreement(a: &Observables<Ball>, b: &Observables<Ball>, bits: i64) -> Result<(), (f64, Column)> {
    let mut worst: Option<(f64, Column)> = None;
    for col in Column::VALUES {
        let (x, y) = (
            a.get(col).expect("value").mid(),
            b.get(col).expect("value").mid(),
        );
        if (x.is_nan() && y.is_nan()) || x == y {
            continue;
        }
        let d = Float::with_val(64, x - y);
        let r = lg(x) - lg(&d);
        if (r.is_nan() || r < bits as f64) && worst.is_none_or(|(w, _)| r < w) {
            worst = Some((if r.is_nan() { 0.0 } else { r }, col));
        }
    }
    worst.map_or(Ok(()), Err)
}

/// The first value of an MPFR row that may not be printed: not finite, or zero where the
/// exact scenario says it is not (the alignment may be NaN for a zero vector).
fn unrepresentable(facts: &ExactFacts, at_start: bool, o: &Observables<Ball>) -> Option<Column> {
    Column::VALUES.into_iter().find(|&col| {
        let v = o.get(col).expect("value").mid();
        if col == Column::Alignment && facts.alignment_undefined(at_start) {
            return false;
        }
        !v.is_finite() || (v.is_zero() && !facts.exactly_zero(col, at_start))
    })
}

fn mids(o: &Observables<Ball>) -> Observables<Float> {
    Observables::from_fn(|c| o.get(c).expect("a value column").mid().clone())
}

/// Why the vouching loop left a row without handing it over.
enum Halt {
    /// Start again from `t = 0` at this precision.
    Restart(u32),
    /// Stop the run.
    Stop(SimError),
}

/// Both integrations advanced to `t`; the row to hand over (`None` for a row already
/// handed over before a restart), or why not.
#[allow(clippy::too_many_arguments)]
fn vouch(
    main: &mut Run,
    shadow: &mut Run,
    params: (&Params<Ball>, &Params<Ball>),
    facts: &ExactFacts,
    t: &Q,
    handed: bool,
    digits: u32,
    cap: u64,
) -> Result<Option<Observables<Float>>, Halt> {
    let prec = main.flow.prec();
    main.advance(&float_of(t, prec), cap).map_err(Halt::Stop)?;
    let ps = shadow.flow.prec();
    shadow.advance(&float_of(t, ps), cap).map_err(Halt::Stop)?;
    let need = main.lg_logs().ceil() as u32 + digits_to_bits(digits) + GUARD_BITS;
    if need > prec {
        return Err(Halt::Restart(need + 16));
    }
    if handed {
        return Ok(None);
    }
    let (a, b) = (main.observe(params.0), shadow.observe(params.1));
    if let Some(col) = unrepresentable(facts, *t == Q::from_integer(0.into()), &a) {
        return Err(Halt::Stop(not_representable(col, t)));
    }
    let target = i64::from(digits_to_bits(digits)) + 2;
    match agreement(&a, &b, target) {
        Ok(()) => Ok(Some(mids(&a))),
        Err((r, _)) => {
            let more = (target as f64 - r).ceil().max(0.0) as u32 + 8;
            Err(Halt::Restart(prec + more.max(32)))
        }
    }
}

/// How a Taylor run ended.
#[derive(Debug)]
pub struct End<E> {
    /// Done, failed, or stopped by the sink.
    pub stop: Stop<E>,
    /// The final working precision in bits.
    pub bits: u32,
    /// Steps taken by every integration (both runs, every restart).
    pub steps: u64,
}

/// The trajectory by Taylor integration of the raw flow at the non-decreasing exact
/// `times`, every value vouched for to `digits` digits, handed to `emit(index, row)`; at
/// most `cap` steps per integration.
pub fn trajectory<E>(
    scenario: &Scenario,
    times: &[Q],
    digits: u32,
    cap: u64,
    mut emit: impl FnMut(usize, &Observables<Float>) -> Result<(), E>,
) -> End<E> {
    let red = scenario.reduction();
    let facts = ExactFacts::of(&red);
    let mut prec = working_prec(digits);
    let mut handed = 0usize;
    let mut steps = 0u64;
    loop {
        if prec > max_bits(digits) {
            let stop = Stop::Failed(exhausted(digits, times.get(handed)));
            return End {
                stop,
                bits: prec,
                steps,
            };
        }
        let mut main = Run::new(scenario, prec);
        let mut shadow = Run::new(scenario, prec - SHADOW_BITS);
        let pm = Params::<Ball>::new(&red, &prec);
        let ps = Params::<Ball>::new(&red, &(prec - SHADOW_BITS));
        let mut outcome = None;
        for (i, t) in times.iter().enumerate() {
            let params = (&pm, &ps);
            match vouch(
                &mut main,
                &mut shadow,
                params,
                &facts,
                t,
                i < handed,
                digits,
                cap,
            ) {
                Ok(None) => {}
                Ok(Some(row)) => {
                    if let Err(e) = emit(i, &row) {
                        outcome = Some(Err(Stop::Sink(e)));
                        break;
                    }
                    handed += 1;
                }
                Err(Halt::Restart(p)) => {
                    outcome = Some(Ok(p));
                    break;
                }
                Err(Halt::Stop(e)) => {
                    outcome = Some(Err(Stop::Failed(e)));
                    break;
                }
            }
        }
        steps += main.steps + shadow.steps;
        match outcome {
            None => {
                return End {
                    stop: Stop::Done,
                    bits: prec,
                    steps,
                }
            }
            Some(Err(stop)) => {
                return End {
                    stop,
                    bits: prec,
                    steps,
                }
            }
            Some(Ok(p)) => prec = p,
        }
    }
}

fn exhausted(digits: u32, t: Option<&Q>) -> SimError {
    SimError::PrecisionExhausted {
        column: Column::T,
        t: t.map_or("?".into(), |t| short(&t.to_string())),
        digits,
        max_bits: max_bits(digits),
        why: "the Taylor integration and its vouching run kept disagreeing".into(),
    }
}

fn not_representable(col: Column, t: &Q) -> SimError {
    SimError::NotRepresentable {
        column: col,
        t: short(&t.to_string()),
        why: "beyond MPFR's exponent range (the true value is not zero)".into(),
    }
}

/// Initial working precision for `digits` digits: their bits plus [`GUARD_BITS`] (at
/// least 64 bits for the vouching run).
pub fn working_prec(digits: u32) -> u32 {
    (digits_to_bits(digits) + GUARD_BITS).max(64 + SHADOW_BITS)
}

/// The up-front estimate of a Taylor run (two integrations, the vouching one 24 bits
/// shorter), calibrated on the README's scenario at 50–1000 digits (measured within a
/// factor 1.5, pessimistic): per integration about `2.5` steps per unit of `∫λ dt ≤ Λ·T`
/// while the residual still moves the weights — at most `0.3·P` units, after which the
/// weights no longer move at the working precision — then `2·log₂(Λ·T)` growing steps;
/// each of about `0.12·K²·3d` MPFR operations at `P` bits (orders at falling precision).
pub(crate) fn estimate(scenario: &Scenario, req: &crate::Request) -> Estimate {
    let crate::Method::Taylor { times } = &req.method else {
        unreachable!("a Taylor request")
    };
    let (lam0, omega) = budget::rates(&scenario.reduction());
    let lt = lam0.max(omega) * budget::integrated_time(times);
    let p = f64::from(working_prec(req.digits));
    let k = (p * std::f64::consts::LN_2 / 2.0).ceil() + 2.0;
    let runs = crate::request::runs(times).len() as f64;
    let per_run =
        2.5 * lt.min(0.3 * p) + 4.0 * runs + 2.0 * lt.max(1.0).log2() + times.len() as f64;
    // The state is 4-dimensional whatever the width (`plane_coordinates`).
    let d = 2.0;
    Estimate {
        steps: 2.0 * per_run,
        per_step: 0.12 * k * k * 3.0 * d * budget::mpfr_op(working_prec(req.digits)),
    }
}

#[cfg(test)]
#[path = "../tests/taylor.rs"]
mod tests;
