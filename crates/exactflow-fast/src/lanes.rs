//! Eight time points at once: `F64x8`, a [`Real`] whose every operation is the `f64`
//! operation applied lane by lane. The compiler turns the lane loops into SIMD
//! instructions; each lane's result is bit-for-bit what the scalar `f64` evaluation
//! gives (same IEEE operations in the same order, selects with the same semantics — no
//! fused multiply-add is ever formed), which the tests check.

use exactflow_core::Real;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// Number of lanes.
pub const LANES: usize = 8;

/// Eight `f64` lanes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct F64x8(pub [f64; LANES]);

impl F64x8 {
    /// The same value in every lane.
    #[inline(always)]
    pub fn splat(x: f64) -> Self {
        F64x8([x; LANES])
    }

    /// `f` applied to every lane.
    #[inline(always)]
    pub fn map_lanes(self, f: impl Fn(f64) -> f64) -> Self {
        self.map(f)
    }

    #[inline(always)]
    fn map(self, f: impl Fn(f64) -> f64) -> Self {
        let mut o = self.0;
        for v in &mut o {
            *v = f(*v);
        }
        F64x8(o)
    }

    #[inline(always)]
    fn zip(self, other: Self, f: impl Fn(f64, f64) -> f64) -> Self {
        let mut o = self.0;
        for (v, w) in o.iter_mut().zip(other.0) {
            *v = f(*v, w);
        }
        F64x8(o)
    }
}

macro_rules! binop {
    ($tr:ident, $m:ident, $op:tt) => {
        impl $tr for F64x8 {
            type Output = F64x8;
            #[inline(always)]
            fn $m(self, rhs: F64x8) -> F64x8 {
                self.zip(rhs, |a, b| a $op b)
            }
        }
        impl<'a> $tr<&'a F64x8> for F64x8 {
            type Output = F64x8;
            #[inline(always)]
            fn $m(self, rhs: &'a F64x8) -> F64x8 {
                self.zip(*rhs, |a, b| a $op b)
            }
        }
    };
}
binop!(Add, add, +);
binop!(Sub, sub, -);
binop!(Mul, mul, *);
binop!(Div, div, /);

impl Neg for F64x8 {
    type Output = F64x8;
    #[inline(always)]
    fn neg(self) -> F64x8 {
        self.map(|a| -a)
    }
}

impl Real for F64x8 {
    #[inline(always)]
    fn sqrt(&self) -> Self {
        self.map(f64::sqrt)
    }
    #[inline(always)]
    fn abs(&self) -> Self {
        self.map(f64::abs)
    }
    #[inline(always)]
    fn ldexp(&self, k: i64) -> Self {
        if k == 0 {
            *self
        } else {
            self.map(|a| a.ldexp(k))
        }
    }
    #[inline(always)]
    fn select_lt(a: &Self, b: &Self, if_lt: Self, otherwise: Self) -> Self {
        let mut o = otherwise.0;
        for (((o, a), b), x) in o.iter_mut().zip(a.0).zip(b.0).zip(if_lt.0) {
            if a < b {
                *o = x;
            }
        }
        F64x8(o)
    }
    #[inline(always)]
    fn all_in_range(&self, lo: f64, hi: f64) -> bool {
        // Non-short-circuit, so it compiles to one vector compare.
        self.0
            .iter()
            .fold(true, |acc, v| acc & (*v > lo) & (*v < hi))
    }
    #[inline(always)]
    fn clamp_known(&self, lo: &Self, hi: &Self) -> Self {
        let x = Self::select_lt(self, lo, *lo, *self);
        Self::select_lt(hi, &x, *hi, x)
    }
    #[inline(always)]
    fn select_in_range(&self, lo: f64, hi: f64, inside: Self, outside: Self) -> Self {
        let mut o = outside.0;
        for ((o, v), x) in o.iter_mut().zip(self.0).zip(inside.0) {
            if v > lo && v < hi {
                *o = x;
            }
        }
        F64x8(o)
    }
}
