//! The fast engine beyond `f64`'s exponent range: the same closed form evaluated in
//! [`Wide`] (an `f64` significand with an unbounded exponent), and the decision, per
//! cell, whether `f64` can carry the value at all.
//!
//! A scenario whose closed-form constants all lie well inside `f64`'s range (within
//! `2^±200`, [`COMFORTABLE`]) is evaluated in plain `f64`, and a point is re-evaluated
//! in `Wide` only when one of its values leaves `2^±600` (`Watch`) — the deep tail, a
//! zero crossing — where an `f64` intermediate might have under- or overflowed. Any other
//! scenario is evaluated in `Wide` throughout. Inside the normal range `Wide` rounds every
//! operation exactly as `f64` does, so ordinary values keep their bits.
//!
//! A value is then printed only if it is a normal `f64`, or zero where the exact scenario
//! says it is zero ([`ExactFacts`]); the alignment may be NaN where a layer is the zero
//! vector. Anything else is [`Unrepresentable`]: the evaluation never returns a 0, ±∞ or
//! NaN in place of a value.

use exactflow_core::facts::ExactFacts;
use exactflow_core::wide::Wide;
use exactflow_core::{Column, Constants, ExactReduction, Need, Observables, Real, Scalar};
use std::fmt;

/// Constants within `2^±COMFORTABLE` let the `f64` path run: products of a few of them,
/// and `z` between 1 and `z₊ = N/Q`, stay far inside the exponent range.
pub const COMFORTABLE: i64 = 200;

/// An `f64` value within `2^±WATCH` is accepted from the `f64` path; outside (or zero,
/// NaN, ±∞), the point is re-evaluated in [`Wide`].
const WATCH: i32 = 600;

/// Why a value cannot be printed as an `f64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Its magnitude is above `f64::MAX`.
    Overflow,
    /// It is nonzero and below `f64`'s normal range (`2.2e-308`): as a subnormal it
    /// would lose its digits, as 0 it would be false.
    Underflow,
    /// The evaluation produced no number (a defined value came out as NaN).
    NotANumber,
}

/// A requested value that `f64` cannot carry (typed: the command line turns it into a
/// message naming the column and pointing to the mp engine).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unrepresentable {
    /// The column.
    pub column: Column,
    /// The time point.
    pub t: f64,
    /// The value in the unbounded-exponent type (its magnitude, for the message).
    pub value: Wide,
    /// What is wrong.
    pub why: Why,
}

impl fmt::Display for Unrepresentable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.why {
            Why::Overflow => format!("{} is beyond f64's range", self.value.to_sci()),
            Why::Underflow => format!(
                "{} is below f64's normal range (2.2e-308)",
                self.value.to_sci()
            ),
            Why::NotANumber => "could not be evaluated in f64".into(),
        };
        write!(
            f,
            "{} at t = {:e}: the value {what}",
            self.column.name(),
            self.t
        )
    }
}

impl std::error::Error for Unrepresentable {}

/// Which cells of an `f64` evaluation need no second look: per column, whether the
/// value is zero (or, for the alignment, undefined) at every `t > 0`, so that a 0 or NaN
/// there is the truth and costs no re-evaluation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Watch {
    /// Per column ([`Column::VALUES`] order): skip the check.
    skip: [bool; 8],
}

impl Watch {
    fn new(facts: &ExactFacts) -> Watch {
        let skip = Column::VALUES.map(|c| {
            facts.exactly_zero(c, false)
                || (c == Column::Alignment && facts.alignment_undefined(false))
        });
        Watch { skip }
    }

    /// Whether the `f64` value `v` of column number `i` is accepted as it is.
    #[inline(always)]
    pub(crate) fn accepts(&self, i: usize, v: f64) -> bool {
        let a = v.abs();
        self.skip[i] || (a >= 2f64.powi(-WATCH) && a <= 2f64.powi(WATCH))
    }
}

/// The closed form in [`Wide`], with the exact facts that decide the zeros.
#[derive(Debug, Clone)]
pub(crate) struct WideForm {
    consts: Constants<Wide>,
    facts: ExactFacts,
    pub(crate) watch: Watch,
    /// Whether the `f64` constants may be used ([`COMFORTABLE`]).
    pub(crate) plain: bool,
}

impl WideForm {
    pub(crate) fn new(red: &ExactReduction) -> WideForm {
        let consts = Constants::<Wide>::new(red, &());
        let mut plain = true;
        consts.for_each_constant(|c| {
            let (m, e) = c.parts();
            plain &= m == 0.0 || (m.is_finite() && e.abs() <= COMFORTABLE);
        });
        let facts = ExactFacts::of(red);
        WideForm {
            consts,
            watch: Watch::new(&facts),
            facts,
            plain,
        }
    }

    /// `ω` with its full exponent.
    pub(crate) fn omega(&self) -> Wide {
        *self.consts.omega()
    }

    /// The limit of the residual (`0` or `−θ*`).
    pub(crate) fn residual_limit(&self) -> Wide {
        self.consts.residual_limit()
    }

    /// Every observable at `t`, each as an `f64` or the reason it cannot be one.
    ///
    /// z, the residual, the loss and the NTK are accurate relative to themselves: they
    /// are printed when they are normal `f64`s, or zero where the scenario says so. The
    /// slope, the norms and the alignment are accurate relative to a scale (a zero
    /// crossing; crate docs): they are printed, rounded to `f64` (possibly subnormal or
    /// 0), when that scale is a normal `f64`, since the rounding is then far inside the
    /// documented error.
    pub(crate) fn eval(&self, t: f64) -> Observables<Result<f64, Unrepresentable>> {
        let o = self.consts.eval(&Wide::from(t));
        let at_start = t == 0.0;
        let zero_norm = o.norm_u.is_zero() || o.norm_w.is_zero();
        let slope_scale = self.consts.slope_scale(&o.slope, &o.residual);
        let (su, sw) = self.consts.norm_scales(&o.norm_u, &o.norm_w);
        let one = Wide::from(1.0);
        Observables::from_fn(|c| {
            let v = *o.get(c).expect("a value column");
            let bad = |why| Unrepresentable {
                column: c,
                t,
                value: v,
                why,
            };
            if v.is_nan() {
                let undefined = c == Column::Alignment
                    && (self.facts.alignment_undefined(at_start) || zero_norm);
                return if undefined {
                    Ok(f64::NAN)
                } else {
                    Err(bad(Why::NotANumber))
                };
            }
            if v.is_zero() && self.facts.exactly_zero(c, at_start) {
                return Ok(0.0);
            }
            if let Some(x) = v.to_f64_normal().filter(|_| !v.is_zero()) {
                return Ok(x);
            }
            let scale = match c {
                Column::Slope => Some(slope_scale),
                Column::NormU => Some(su),
                Column::NormW => Some(sw),
                Column::Alignment => Some(one),
                _ => None,
            };
            match scale.and_then(|s| s.to_f64_normal()).filter(|s| *s != 0.0) {
                Some(_) => Ok(v.to_f64()),
                None => Err(bad(if v.abs() > one {
                    Why::Overflow
                } else {
                    Why::Underflow
                })),
            }
        })
    }
}

/// The value of every cell of `w` as an `f64`, NaN where it has none; the first
/// unrepresentable cell among `wanted` columns as the error.
pub(crate) fn settle(
    w: &Observables<Result<f64, Unrepresentable>>,
    wanted: &Need,
) -> Result<Observables<f64>, Unrepresentable> {
    for c in Column::VALUES {
        if let Some(Err(u)) = w.get(c) {
            if wanted.wants(c) {
                return Err(*u);
            }
        }
    }
    Ok(w.map(|r| *r.as_ref().unwrap_or(&f64::NAN)))
}

/// Whether every value of `o` passes the watch.
#[inline(always)]
pub(crate) fn all_accepted(watch: &Watch, o: &Observables<f64>) -> bool {
    o.to_array()
        .iter()
        .enumerate()
        .fold(true, |acc, (i, v)| acc & watch.accepts(i, **v))
}
