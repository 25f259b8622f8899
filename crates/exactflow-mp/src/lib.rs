//! exactflow-mp: the closed form of MODEL.md at any precision, with certified bounds.
//!
//! The mathematics is [`exactflow_core::closed_form`], the same code the `f64` engine
//! runs, instantiated at [`ball::Ball`] — MPFR midpoint–radius balls whose every
//! operation encloses the exact result. So each value comes with a bound that proves it:
//! the ball contains the exact value of the closed form at the exact (rational) time.
//! What is certified is the *evaluation* of the closed form; the closed form itself is
//! checked against MODEL.md's literal formulas and an independent integration of the
//! raw flow by the test suite.
//!
//! [`MpSolution::eval_certified`] raises the working precision until every value's
//! radius is below half a unit in the last of the requested decimal digits, so that the
//! printed digits are correct to one unit in the last place.

pub mod ball;
pub mod taylor;

use ball::Ball;
use exactflow_core::closed_form::EXPM1_BELOW;
use exactflow_core::number::Q;
use exactflow_core::{Constants, ExactReduction, Observables, Scalar};

/// Smallest and largest `--digits` the engine accepts.
pub const MIN_DIGITS: u32 = 10;
/// See [`MIN_DIGITS`].
pub const MAX_DIGITS: u32 = 100_000;

/// On uniform grids, the decay factor is recomputed directly every this many points.
pub const REANCHOR: usize = 32;

/// The common difference of `times` when it is a uniform grid of at least three points.
fn uniform_step(times: &[Q]) -> Option<Q> {
    if times.len() < 3 {
        return None;
    }
    let step = &times[1] - &times[0];
    let uniform = times.windows(2).all(|w| &w[1] - &w[0] == step);
    (uniform && step > Q::from_integer(0.into())).then_some(step)
}

/// `log2(10)`.
const LOG2_10: f64 = std::f64::consts::LOG2_10;

/// A scenario's closed form, ready to evaluate in balls.
#[derive(Debug, Clone)]
pub struct MpSolution {
    red: ExactReduction,
}

/// The result of a certified evaluation.
#[derive(Debug, Clone)]
pub struct Certified {
    /// Observables per time point.
    pub values: Vec<Observables<Ball>>,
    /// Working precision of the last evaluation, in bits.
    pub prec: u32,
    /// Cells whose radius did not reach the requested digits (values exactly zero or
    /// undefined are not counted).
    pub uncertified: usize,
}

impl MpSolution {
    /// From the exact reduction.
    pub fn new(red: ExactReduction) -> Self {
        MpSolution { red }
    }

    /// Every observable at each exact time, with midpoints of `prec` bits. Each ball
    /// contains the exact value of the closed form at that exact time.
    ///
    /// On a uniform grid (`t_j = t_0 + jΔ` exactly) the decay factor is carried from point
    /// to point, `E_{j+1} = E_j · e^{−ωΔ}` — an exact identity, so the ball product is a
    /// rigorous enclosure — and re-anchored by a direct `exp` every [`REANCHOR`] points
    /// (the radius grows by about one ulp per step in between).
    pub fn eval_at_prec(&self, times: &[Q], prec: u32) -> Vec<Observables<Ball>> {
        let c = Constants::<Ball>::new(&self.red, &prec);
        let Some(step) = uniform_step(times).filter(|_| !c.omega_is_zero()) else {
            return times
                .iter()
                .map(|t| c.eval(&Ball::from_q(t, &prec)))
                .collect();
        };
        let omega = c.omega().clone();
        let e_step = (-(omega.clone() * Ball::from_q(&step, &prec))).exp();
        let mut carried: Option<Ball> = None;
        let mut out = Vec::with_capacity(times.len());
        for (j, t) in times.iter().enumerate() {
            let tb = Ball::from_q(t, &prec);
            let x = (omega.clone() * tb.clone()).to_f64();
            let dec = match carried.take() {
                Some(e) if j % REANCHOR != 0 && x >= EXPM1_BELOW => {
                    c.decay_from_exp(e * e_step.clone())
                }
                _ => c.decay(&tb),
            };
            carried = Some(dec.e_full.clone());
            out.push(c.eval_at(dec));
        }
        out
    }

    /// Evaluates at rising precision until every value's radius is at most half a unit
    /// in its `digits`-th significant decimal digit (relative radius ≤ ½·10^-digits):
    /// rounding the midpoint to `digits` digits then gives every printed digit correct
    /// to one unit in the last place. Starts at `digits·log2(10) + 32` bits and doubles
    /// the guard bits up to four times.
    pub fn eval_certified(&self, times: &[Q], digits: u32) -> Certified {
        let target = 0.5 * 10f64.powi(-(digits as i32));
        let base = (digits as f64 * LOG2_10).ceil() as u32;
        let mut guard = 32u32;
        loop {
            let prec = base + guard;
            let values = self.eval_at_prec(times, prec);
            let uncertified = values
                .iter()
                .flat_map(|o| o.to_array().map(|b| b.clone()))
                .filter(|b| {
                    let reached = b.rel_rad() <= target;
                    !b.is_nan() && !reached
                })
                .count();
            if uncertified == 0 || guard >= 32 << 4 {
                return Certified {
                    values,
                    prec,
                    uncertified,
                };
            }
            guard *= 4;
        }
    }
}

/// The midpoint of `b` rounded to `digits` significant decimal digits (MPFR's correctly
/// rounded conversion, ties to even), in the style of the `f64` tables (`1.2500e-1`);
/// `nan` for a ball without information.
pub fn format_mid(b: &Ball, digits: usize) -> String {
    if b.is_nan() {
        return "nan".to_string();
    }
    format_float(b.mid(), digits)
}

/// An MPFR float rounded to `digits` significant decimal digits (correctly rounded, ties
/// to even) in the style of the `f64` tables; `nan` for NaN, `0.00…e0` for either zero.
pub fn format_float(x: &rug::Float, digits: usize) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_zero() {
        return exactflow_core::number::format_q_sci(&Q::from_integer(0.into()), digits);
    }
    format!("{:.*e}", digits, x)
}

/// A certified bound on `|printed − exact|` for the text `printed` (from [`format_mid`],
/// `digits` significant digits) of `b`: half a unit in the last printed digit (MPFR's
/// decimal conversion is correctly rounded to nearest) plus the radius, rounded up to
/// two significant digits. `0.0e0` for an exact value printed exactly; `nan` when the
/// ball carries no bound.
pub fn format_err(b: &Ball, printed: &str, digits: usize) -> String {
    use rug::float::Round;
    use rug::ops::Pow;
    use rug::Float;
    if b.is_nan() {
        return "nan".to_string();
    }
    let prec = ball::RAD_PREC;
    let half_unit = if b.mid().is_zero() {
        Float::with_val(prec, 0)
    } else {
        // printed = d.ddd…e<E>: a unit in the last place is 10^(E − digits + 1).
        let exp: i64 = printed
            .rsplit_once('e')
            .and_then(|(_, e)| e.parse().ok())
            .unwrap_or(0);
        let k = (exp - digits as i64 + 1).clamp(i32::MIN as i64, i32::MAX as i64) as i32;
        let ten = Float::with_val(prec, 10);
        let unit = Float::with_val_round(prec, (&ten).pow(k), Round::Up).0;
        unit / 2u32
    };
    let bound = Float::with_val_round(prec, &half_unit + b.rad(), Round::Up).0;
    match bound.to_rational().and_then(|r| rug_to_q(&r)) {
        Some(q) => exactflow_core::number::format_q_sci_up(&q, 2),
        None => "nan".to_string(),
    }
}

/// An exact rug rational as an exact `num` rational (through decimal text; used on
/// radii, whose mantissas have 64 bits).
fn rug_to_q(r: &rug::Rational) -> Option<Q> {
    let n: num_bigint::BigInt = r.numer().to_string().parse().ok()?;
    let d: num_bigint::BigInt = r.denom().to_string().parse().ok()?;
    Some(Q::new(n, d))
}

#[cfg(test)]
#[path = "tests/mp.rs"]
mod tests;
