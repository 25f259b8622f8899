//! The small real-number interface the closed form is written against.
//!
//! The closed form ([`crate::closed_form`]) is written once, generically over [`Real`];
//! each engine supplies an implementation (`f64` here, MPFR floats and balls in the
//! arbitrary-precision engine). Every operation is expected to be correctly rounded or
//! faithfully rounded in its type; the error analysis in `docs/derivation.md` counts
//! roundings under that assumption.

use crate::number::{ldexp, q_to_f64_nearest, sqrt_q_to_f64_nearest, Q};
use std::ops::{Add, Div, Mul, Neg, Sub};

/// The arithmetic the closed form's evaluation needs: field operations, `√`, `|·|`,
/// exact scaling by powers of two, and data-dependent *choices* written as selects, so
/// that a type holding several lanes (one time point per lane) can implement it too.
///
/// The operators also take their right operand by reference (`x * &c`), so that types
/// with heap storage (MPFR balls) can reuse the left operand's storage instead of
/// cloning constants.
pub trait Real:
    Clone
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + for<'a> Add<&'a Self, Output = Self>
    + for<'a> Sub<&'a Self, Output = Self>
    + for<'a> Mul<&'a Self, Output = Self>
    + for<'a> Div<&'a Self, Output = Self>
{
    /// Square root of a non-negative value.
    fn sqrt(&self) -> Self;
    /// `x²` (the same rounding as `x·x`; a type may use a cheaper squaring).
    fn square(&self) -> Self {
        self.clone() * self
    }
    /// `|x|`.
    fn abs(&self) -> Self;
    /// `x · 2^k`, exact (up to over/underflow).
    fn ldexp(&self, k: i64) -> Self;
    /// `if a < b { if_lt } else { otherwise }`, per lane (NaN compares false).
    fn select_lt(a: &Self, b: &Self, if_lt: Self, otherwise: Self) -> Self;
    /// Whether every lane lies strictly between `lo` and `hi`.
    fn all_in_range(&self, lo: f64, hi: f64) -> bool;
    /// Per lane: `inside` where the lane lies strictly between `lo` and `hi`, else
    /// `outside`.
    fn select_in_range(&self, lo: f64, hi: f64, inside: Self, outside: Self) -> Self;
    /// The exact value is known to lie in `[lo, hi]`: the value (or enclosure) tightened
    /// to that range — a clamp for floats, an intersection for balls. NaN stays NaN.
    fn clamp_known(&self, lo: &Self, hi: &Self) -> Self;
}

/// A scalar real type: everything [`Real`] has, plus exact construction from rationals,
/// the exponential, and decisions on single values.
pub trait Scalar: Real + PartialOrd {
    /// What a constructor needs besides the value (the working precision for MPFR).
    type Ctx;

    /// `q` rounded to nearest in this type.
    fn from_q(q: &Q, ctx: &Self::Ctx) -> Self;
    /// `√q` for `q ≥ 0`, rounded to nearest (or faithfully) in this type.
    fn sqrt_q(q: &Q, ctx: &Self::Ctx) -> Self;
    /// A small integer, exactly.
    fn from_i32(v: i32, ctx: &Self::Ctx) -> Self;
    /// `e^x`.
    fn exp(&self) -> Self;
    /// `e^x − 1`, accurate near `x = 0`.
    fn exp_m1(&self) -> Self;
    /// Whether the value is exactly zero.
    fn is_zero(&self) -> bool;
    /// A value close to this one as `f64` (for decisions that only need magnitude).
    fn to_f64(&self) -> f64;
    /// `e^{−x}` for `x ≥ 0` as `(m, k)` with `e^{−x} = m · 2^k` and `m` comfortably in
    /// range, for types whose exponent range is too small for `e^{−x}` itself.
    /// Types with an unbounded exponent return `(e^{−x}, 0)`.
    fn exp_neg_split(x: &Self) -> (Self, i64);
    /// Not-a-number, used for undefined observables (the alignment of a zero vector).
    fn nan(ctx: &Self::Ctx) -> Self;
    /// `+∞` (an upper bound that bounds nothing).
    fn infinity(ctx: &Self::Ctx) -> Self;
}

/// `f64` with [`crate::elementary::exp`] and the `libm` crate's `expm1`: the same bits on
/// every machine (the platform's libm is not used).
impl Real for f64 {
    #[inline(always)]
    fn sqrt(&self) -> Self {
        f64::sqrt(*self)
    }
    #[inline(always)]
    fn abs(&self) -> Self {
        f64::abs(*self)
    }
    #[inline(always)]
    fn ldexp(&self, k: i64) -> Self {
        if k == 0 {
            *self
        } else {
            ldexp(*self, k)
        }
    }
    #[inline(always)]
    fn select_lt(a: &Self, b: &Self, if_lt: Self, otherwise: Self) -> Self {
        if *a < *b {
            if_lt
        } else {
            otherwise
        }
    }
    #[inline(always)]
    fn all_in_range(&self, lo: f64, hi: f64) -> bool {
        *self > lo && *self < hi
    }
    #[inline(always)]
    fn select_in_range(&self, lo: f64, hi: f64, inside: Self, outside: Self) -> Self {
        if self.all_in_range(lo, hi) {
            inside
        } else {
            outside
        }
    }
    #[inline(always)]
    fn clamp_known(&self, lo: &Self, hi: &Self) -> Self {
        let x = Self::select_lt(self, lo, *lo, *self);
        Self::select_lt(hi, &x, *hi, x)
    }
}

impl Scalar for f64 {
    type Ctx = ();

    #[inline]
    fn from_q(q: &Q, _: &()) -> Self {
        q_to_f64_nearest(q)
    }
    #[inline]
    fn sqrt_q(q: &Q, _: &()) -> Self {
        sqrt_q_to_f64_nearest(q)
    }
    #[inline]
    fn from_i32(v: i32, _: &()) -> Self {
        v as f64
    }
    #[inline]
    fn exp(&self) -> Self {
        crate::elementary::exp(*self)
    }
    #[inline]
    fn exp_m1(&self) -> Self {
        libm::expm1(*self)
    }
    #[inline]
    fn is_zero(&self) -> bool {
        *self == 0.0
    }
    #[inline]
    fn to_f64(&self) -> f64 {
        *self
    }
    fn exp_neg_split(x: &Self) -> (Self, i64) {
        if *x < 600.0 {
            (crate::elementary::exp(-x), 0)
        } else if *x > 1.0e6 {
            // e^{-x} < 2^-1.4e6: far below anything a scaled result can bring back.
            (0.0, 0)
        } else {
            crate::elementary::exp_parts(-x)
        }
    }
    fn nan(_: &()) -> Self {
        f64::NAN
    }
    fn infinity(_: &()) -> Self {
        f64::INFINITY
    }
}
