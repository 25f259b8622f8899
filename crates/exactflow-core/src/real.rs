//! The small real-number interface the closed form is written against.
//!
//! The closed form ([`crate::closed_form`]) is written once, generically over [`Real`];
//! each engine supplies an implementation (`f64` here, MPFR floats and balls in the
//! arbitrary-precision engine). Every operation is expected to be correctly rounded or
//! faithfully rounded in its type; the error analysis in `docs/derivation.md` counts
//! roundings under that assumption.

use crate::number::{ldexp, q_to_f64, sqrt_q_to_f64, Q};
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A real-number type the closed form can be evaluated in.
pub trait Real:
    Clone
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// What a constructor needs besides the value (the working precision for MPFR).
    type Ctx;

    /// `q` rounded to nearest in this type.
    fn from_q(q: &Q, ctx: &Self::Ctx) -> Self;
    /// `√q` for `q ≥ 0`, rounded to nearest (or faithfully) in this type.
    fn sqrt_q(q: &Q, ctx: &Self::Ctx) -> Self;
    /// A small integer, exactly.
    fn from_i32(v: i32, ctx: &Self::Ctx) -> Self;
    /// Square root of a non-negative value.
    fn sqrt(&self) -> Self;
    /// `e^x`.
    fn exp(&self) -> Self;
    /// `e^x − 1`, accurate near `x = 0`.
    fn exp_m1(&self) -> Self;
    /// `|x|`.
    fn abs(&self) -> Self;
    /// `x · 2^k`, exact.
    fn ldexp(&self, k: i64) -> Self;
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
}

/// `f64` with the platform's `exp`/`exp_m1` (within 1 ulp on every supported target).
impl Real for f64 {
    type Ctx = ();

    #[inline]
    fn from_q(q: &Q, _: &()) -> Self {
        q_to_f64(q)
    }
    #[inline]
    fn sqrt_q(q: &Q, _: &()) -> Self {
        sqrt_q_to_f64(q)
    }
    #[inline]
    fn from_i32(v: i32, _: &()) -> Self {
        v as f64
    }
    #[inline]
    fn sqrt(&self) -> Self {
        f64::sqrt(*self)
    }
    #[inline]
    fn exp(&self) -> Self {
        f64::exp(*self)
    }
    #[inline]
    fn exp_m1(&self) -> Self {
        f64::exp_m1(*self)
    }
    #[inline]
    fn abs(&self) -> Self {
        f64::abs(*self)
    }
    #[inline]
    fn ldexp(&self, k: i64) -> Self {
        if k == 0 {
            *self
        } else {
            ldexp(*self, k)
        }
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
        // Below this, e^{-x} is near the bottom of the normal range; split off a power
        // of two with Cody–Waite so the argument reduction itself adds no error worth
        // counting: x = j·ln2 + r, ln2 = LN2_HI + LN2_LO with LN2_HI·j exact.
        const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // low 21 bits zero
        const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
        if *x < 600.0 {
            return ((-x).exp(), 0);
        }
        if *x > 1.0e6 {
            // e^{-x} < 2^-1.4e6: far below anything a scaled result can bring back.
            return (0.0, 0);
        }
        let j = ((*x - 300.0) / std::f64::consts::LN_2).floor();
        let r = (*x - j * LN2_HI) - j * LN2_LO; // ≈ 300, exact first product
        ((-r).exp(), -(j as i64))
    }
    fn nan(_: &()) -> Self {
        f64::NAN
    }
}
