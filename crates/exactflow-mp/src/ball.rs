//! Midpoint–radius balls over MPFR, as Arb does them.
//!
//! **The enclosure contract**: every operation returns a ball that contains the exact
//! result for every point of its input balls. The midpoint has the working precision
//! (the larger of the operands'); the radius is a 64-bit MPFR float, every radius
//! computation rounded toward `+∞`. Each function below states the inequality its
//! radius comes from. A midpoint rounded to nearest is charged one ulp of itself (at
//! least the ½ ulp it can be off), nothing when MPFR reports it exact.

use crate::exponent::{ensure_wide_exponents, exp_range, mul_2exp};
use crate::mag::Mag;
use exactflow_core::number::Q;
use exactflow_core::{Real, Scalar};
use exactflow_num::mpfr::q_to_float_round;
use rug::float::Round;
use rug::ops::{AddAssignRound, DivAssignRound, MulAssignRound, SubAssignRound};
use rug::{Float, Rational};
use std::cmp::Ordering;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// Precision of radii when converted to MPFR floats, in bits (a [`Mag`] mantissa fits).
pub const RAD_PREC: u32 = 64;

/// A ball `[mid − rad, mid + rad]`; a NaN midpoint means "no information".
#[derive(Debug, Clone)]
pub struct Ball {
    mid: Float,
    rad: Mag,
}

/// The error bound of a midpoint rounded to nearest: one ulp of it (at least the ½ ulp
/// it can be off), nothing when MPFR reports it exact. A result that underflowed to zero
/// is within `2^emin` of it (the smallest positive float), never exact.
fn rounding_err(m: &Float, o: Ordering) -> Mag {
    if o == Ordering::Equal {
        Mag::ZERO
    } else if m.is_zero() {
        Mag::pow2(exp_range().0)
    } else {
        Mag::ulp(m)
    }
}

impl Ball {
    /// The exact value `x` (radius 0) at precision `prec` — exact when `x` fits.
    pub fn from_float(x: Float) -> Ball {
        ensure_wide_exponents();
        Ball {
            mid: x,
            rad: Mag::ZERO,
        }
    }

    /// A ball from a midpoint and a radius (the radius is rounded up).
    pub fn new(mid: Float, rad: &Float) -> Ball {
        ensure_wide_exponents();
        Ball {
            mid,
            rad: Mag::from_float_up(rad),
        }
    }

    /// The midpoint.
    pub fn mid(&self) -> &Float {
        &self.mid
    }

    /// The radius (an upper bound on |exact − midpoint|), exactly, as a 64-bit float.
    pub fn rad(&self) -> Float {
        self.rad.to_float()
    }

    /// The radius as a magnitude bound.
    pub fn rad_mag(&self) -> Mag {
        self.rad
    }

    /// Working precision of the midpoint.
    pub fn prec(&self) -> u32 {
        self.mid.prec()
    }

    /// Whether the ball carries no information (NaN midpoint or infinite radius).
    pub fn is_nan(&self) -> bool {
        self.mid.is_nan() || self.rad.is_infinite()
    }

    fn nan_like(prec: u32) -> Ball {
        Ball {
            mid: Float::with_val(prec, rug::float::Special::Nan),
            rad: Mag::INF,
        }
    }

    /// A rounded midpoint with its rounding error added to `rad`. A midpoint that
    /// overflowed (or NaN) carries no information.
    fn rounded(mid_o: (Float, Ordering), rad: Mag) -> Ball {
        let (mid, o) = mid_o;
        if !mid.is_finite() {
            return Ball::nan_like(mid.prec());
        }
        Ball {
            rad: Mag::add_up(rad, rounding_err(&mid, o)),
            mid,
        }
    }

    /// `self.mid ∘ b.mid` rounded to nearest at the larger precision, in place when
    /// `self` has it (no allocation).
    fn mid_op(
        self,
        b: &Ball,
        in_place: impl FnOnce(&mut Float, &Float) -> Ordering,
        fresh: impl FnOnce(u32, &Float, &Float) -> (Float, Ordering),
    ) -> (Float, Ordering) {
        if self.prec() >= b.prec() {
            let mut m = self.mid;
            let o = in_place(&mut m, &b.mid);
            (m, o)
        } else {
            fresh(b.prec(), &self.mid, &b.mid)
        }
    }

    /// Lower and upper endpoints at precision `p` (rounded outward).
    fn endpoints(&self, p: u32) -> (Float, Float) {
        let r = self.rad.to_float();
        let lo = Float::with_val_round(p, &self.mid - &r, Round::Down).0;
        let hi = Float::with_val_round(p, &self.mid + &r, Round::Up).0;
        (lo, hi)
    }

    /// The smallest ball (at precision `p`) containing `[lo, hi]`.
    fn from_interval(lo: &Float, hi: &Float, p: u32) -> Ball {
        let mid = Float::with_val(p, lo + hi) / 2u32;
        let d1 = Float::with_val_round(RAD_PREC, hi - &mid, Round::Up).0;
        let d2 = Float::with_val_round(RAD_PREC, &mid - lo, Round::Up).0;
        let rad = if d1 > d2 { d1 } else { d2 };
        Ball {
            mid,
            rad: Mag::from_float_up(&rad),
        }
    }
}

impl Add<&Ball> for Ball {
    type Output = Ball;
    /// `|(a + b) − (am + bm)| ≤ ar + br`, plus the rounding of the midpoint.
    fn add(self, b: &Ball) -> Ball {
        let r = Mag::add_up(self.rad, b.rad);
        let m = self.mid_op(
            b,
            |x, y| x.add_assign_round(y, Round::Nearest),
            |p, x, y| Float::with_val_round(p, x + y, Round::Nearest),
        );
        Ball::rounded(m, r)
    }
}

impl Sub<&Ball> for Ball {
    type Output = Ball;
    /// As addition.
    fn sub(self, b: &Ball) -> Ball {
        let r = Mag::add_up(self.rad, b.rad);
        let m = self.mid_op(
            b,
            |x, y| x.sub_assign_round(y, Round::Nearest),
            |p, x, y| Float::with_val_round(p, x - y, Round::Nearest),
        );
        Ball::rounded(m, r)
    }
}

impl Mul<&Ball> for Ball {
    type Output = Ball;
    /// `|ab − am·bm| ≤ |am|·br + |bm|·ar + ar·br`, plus the rounding of the midpoint.
    fn mul(self, b: &Ball) -> Ball {
        let r = if self.rad.is_zero() && b.rad.is_zero() {
            Mag::ZERO
        } else {
            Mag::add_up(
                Mag::add_up(
                    Mag::mul_up(Mag::from_float_up(&self.mid), b.rad),
                    Mag::mul_up(Mag::from_float_up(&b.mid), self.rad),
                ),
                Mag::mul_up(self.rad, b.rad),
            )
        };
        let m = self.mid_op(
            b,
            |x, y| x.mul_assign_round(y, Round::Nearest),
            |p, x, y| Float::with_val_round(p, x * y, Round::Nearest),
        );
        Ball::rounded(m, r)
    }
}

impl Div<&Ball> for Ball {
    type Output = Ball;
    /// For `|bm| > br`: `|a/b − am/bm| ≤ (|am|·br + |bm|·ar)/(|bm|·(|bm| − br))`, plus the
    /// rounding of the midpoint. A divisor ball containing 0 gives NaN.
    fn div(self, b: &Ball) -> Ball {
        let p = self.prec().max(b.prec());
        let bm_down = Mag::from_float_down(&b.mid);
        if bm_down.partial_cmp(&b.rad) != Some(Ordering::Greater) || self.is_nan() || b.is_nan() {
            return Ball::nan_like(p);
        }
        let r = if self.rad.is_zero() && b.rad.is_zero() {
            Mag::ZERO
        } else {
            let num = Mag::add_up(
                Mag::mul_up(Mag::from_float_up(&self.mid), b.rad),
                Mag::mul_up(Mag::from_float_up(&b.mid), self.rad),
            );
            let den = Mag::mul_down(bm_down, Mag::sub_down(bm_down, b.rad));
            Mag::div_up(num, den)
        };
        let m = self.mid_op(
            b,
            |x, y| x.div_assign_round(y, Round::Nearest),
            |p, x, y| Float::with_val_round(p, x / y, Round::Nearest),
        );
        Ball::rounded(m, r)
    }
}

impl Add for Ball {
    type Output = Ball;
    fn add(self, b: Ball) -> Ball {
        self.add(&b)
    }
}

impl Sub for Ball {
    type Output = Ball;
    fn sub(self, b: Ball) -> Ball {
        self.sub(&b)
    }
}

impl Mul for Ball {
    type Output = Ball;
    fn mul(self, b: Ball) -> Ball {
        self.mul(&b)
    }
}

impl Div for Ball {
    type Output = Ball;
    fn div(self, b: Ball) -> Ball {
        self.div(&b)
    }
}

impl Neg for Ball {
    type Output = Ball;
    fn neg(self) -> Ball {
        Ball {
            mid: -self.mid,
            rad: self.rad,
        }
    }
}

impl PartialEq for Ball {
    /// Midpoints compared (used only to choose between equally valid forms).
    fn eq(&self, other: &Ball) -> bool {
        self.mid == other.mid
    }
}

impl PartialOrd for Ball {
    /// Midpoints compared (used only to choose between equally valid forms).
    fn partial_cmp(&self, other: &Ball) -> Option<Ordering> {
        self.mid.partial_cmp(&other.mid)
    }
}

impl Real for Ball {
    /// For `m − r > 0`: `|√x − √m| ≤ r/(√(m − r) + √m)`; a ball reaching below 0 (the
    /// exact value being known ≥ 0 where we take roots) becomes `[0, √(m + r)]`.
    fn sqrt(&self) -> Ball {
        let p = self.prec();
        if self.is_nan() {
            return Ball::nan_like(p);
        }
        let lo = if self.mid > 0 {
            Mag::sub_down(Mag::from_float_down(&self.mid), self.rad)
        } else {
            Mag::ZERO
        };
        if !lo.is_zero() {
            // A lower bound on √(m − r) + √m.
            let den_down = Mag::add_down(
                Mag::sqrt_down(lo),
                Mag::sqrt_down(Mag::from_float_down(&self.mid)),
            );
            let r = if self.rad.is_zero() {
                Mag::ZERO
            } else {
                Mag::div_up(self.rad, den_down)
            };
            Ball::rounded(
                Float::with_val_round(p, self.mid.sqrt_ref(), Round::Nearest),
                r,
            )
        } else {
            let hi = Float::with_val_round(p, &self.mid + &self.rad.to_float(), Round::Up).0;
            if hi < 0 {
                return Ball::nan_like(p);
            }
            let top = Float::with_val_round(p, hi.sqrt_ref(), Round::Up).0;
            Ball::from_interval(&Float::with_val(p, 0), &top, p)
        }
    }
    /// `|x² − m²| = |x − m|·|x + m| ≤ r(2|m| + r)`, plus the rounding of the midpoint
    /// (MPFR squaring: about two thirds of a product's cost).
    fn square(&self) -> Ball {
        let r = if self.rad.is_zero() {
            Mag::ZERO
        } else {
            Mag::mul_up(
                self.rad,
                Mag::add_up(Mag::from_float_up(&self.mid).mul_2exp(1), self.rad),
            )
        };
        Ball::rounded(
            Float::with_val_round(self.prec(), self.mid.square_ref(), Round::Nearest),
            r,
        )
    }
    fn abs(&self) -> Ball {
        Ball {
            mid: Float::with_val(self.prec(), self.mid.abs_ref()),
            rad: self.rad,
        }
    }
    fn ldexp(&self, k: i64) -> Ball {
        if k == 0 {
            return self.clone();
        }
        let mut m = self.mid.clone();
        mul_2exp(&mut m, k);
        if !m.is_finite() || (m.is_zero() && !self.mid.is_zero()) {
            // Out of the exponent range: no information (never a false zero).
            return Ball::nan_like(m.prec());
        }
        Ball {
            mid: m,
            rad: self.rad.mul_2exp(k),
        }
    }
    fn select_lt(a: &Ball, b: &Ball, if_lt: Ball, otherwise: Ball) -> Ball {
        if a.mid < b.mid {
            if_lt
        } else {
            otherwise
        }
    }
    fn all_in_range(&self, lo: f64, hi: f64) -> bool {
        self.mid > lo && self.mid < hi
    }
    fn select_in_range(&self, lo: f64, hi: f64, inside: Ball, outside: Ball) -> Ball {
        if self.all_in_range(lo, hi) {
            inside
        } else {
            outside
        }
    }
    /// The intersection of the ball with `[lower end of lo, upper end of hi]`.
    fn clamp_known(&self, lo: &Ball, hi: &Ball) -> Ball {
        if self.is_nan() {
            return self.clone();
        }
        // Quick accept: lo ≤ 0 ≤ hi and |mid| + rad ≤ min(|lo|, |hi|) (bounds rounded the
        // safe way).
        if lo.mid <= 0 && hi.mid >= 0 {
            let reach = Mag::add_up(Mag::from_float_up(&self.mid), self.rad);
            let room_lo = Mag::sub_down(Mag::from_float_down(&lo.mid), lo.rad);
            let room_hi = Mag::sub_down(Mag::from_float_down(&hi.mid), hi.rad);
            if reach <= room_lo && reach <= room_hi {
                return self.clone();
            }
        }
        let p = self.prec();
        let (a, b) = self.endpoints(p);
        let l = lo.endpoints(p).0;
        let h = hi.endpoints(p).1;
        if a >= l && b <= h {
            return self.clone();
        }
        let x = if a > l { a } else { l };
        let y = if b < h { b } else { h };
        if x > y {
            return self.clone();
        }
        Ball::from_interval(&x, &y, p)
    }
}

impl Scalar for Ball {
    /// The working precision of midpoints, in bits.
    type Ctx = u32;

    fn from_q(q: &Q, prec: &u32) -> Ball {
        ensure_wide_exponents();
        Ball::rounded(q_to_float_round(q, *prec, Round::Nearest), Mag::ZERO)
    }
    fn sqrt_q(q: &Q, prec: &u32) -> Ball {
        Ball::from_q(q, &(prec + 8)).sqrt().round_to(*prec)
    }
    fn from_i32(v: i32, prec: &u32) -> Ball {
        ensure_wide_exponents();
        Ball::from_float(Float::with_val(*prec, v))
    }
    /// `|e^x − e^m| ≤ e^m (e^r − 1)` for `|x − m| ≤ r`; for a wide ball (`r > 1/16`),
    /// the interval `[e^(m−r), e^(m+r)]` rounded outward (`e^x` is increasing).
    fn exp(&self) -> Ball {
        self.exp_like(
            Float::with_val_round(self.prec(), self.mid.exp_ref(), Round::Nearest),
            |x, p, r| Float::with_val_round(p, x.exp_ref(), r).0,
        )
    }
    /// As `exp` (the same difference bound; `e^x − 1` is increasing too).
    fn exp_m1(&self) -> Ball {
        self.exp_like(
            Float::with_val_round(self.prec(), self.mid.exp_m1_ref(), Round::Nearest),
            |x, p, r| Float::with_val_round(p, x.exp_m1_ref(), r).0,
        )
    }
    fn is_zero(&self) -> bool {
        self.mid.is_zero() && self.rad.is_zero()
    }
    fn to_f64(&self) -> f64 {
        self.mid.to_f64()
    }
    fn exp_neg_split(x: &Ball) -> (Ball, i64) {
        ((-x.clone()).exp(), 0)
    }
    fn nan(prec: &u32) -> Ball {
        Ball::nan_like(*prec)
    }
    fn infinity(prec: &u32) -> Ball {
        Ball::from_float(Float::with_val(*prec, rug::float::Special::Infinity))
    }
}

impl Ball {
    /// `e^x` or `e^x − 1`, given its rounded value at the midpoint: both differ over the
    /// ball by at most `e^m (e^r − 1)`.
    fn exp_like(
        &self,
        value_at_mid: (Float, Ordering),
        at: impl Fn(&Float, u32, Round) -> Float,
    ) -> Ball {
        let p = self.prec();
        if self.is_nan() {
            return Ball::nan_like(p);
        }
        if self.rad > Mag::pow2(-4) {
            // A wide argument (e^r − 1 would overflow or be loose): the values at the
            // endpoints, rounded outward.
            let (lo, hi) = self.endpoints(p);
            let (a, b) = (at(&lo, p, Round::Down), at(&hi, p, Round::Up));
            if !a.is_finite() || !b.is_finite() {
                return Ball::nan_like(p);
            }
            return Ball::from_interval(&a, &b, p);
        }
        let r = if self.rad.is_zero() {
            Mag::ZERO
        } else {
            let em = Float::with_val_round(RAD_PREC, self.mid.exp_ref(), Round::Up).0;
            let er = Float::with_val_round(RAD_PREC, self.rad.to_float().exp_m1_ref(), Round::Up).0;
            Mag::mul_up(Mag::from_float_up(&em), Mag::from_float_up(&er))
        };
        Ball::rounded(value_at_mid, r)
    }

    /// `self / n` for an integer `n > 0`: `|a/n − am/n| ≤ ar/n`, plus the rounding of the
    /// midpoint (MPFR's division by a machine integer: linear time). NaN for `n = 0`.
    pub fn div_u64(self, n: u64) -> Ball {
        if n == 0 || self.is_nan() {
            return Ball::nan_like(self.prec());
        }
        let r = Mag::div_up(self.rad, Mag::from_u64_down(n));
        let mut m = self.mid;
        let o = m.div_assign_round(n, Round::Nearest);
        Ball::rounded((m, o), r)
    }

    /// The same midpoint with `e` added to the radius (a truncation error bound).
    pub fn add_error(self, e: Mag) -> Ball {
        Ball {
            rad: Mag::add_up(self.rad, e),
            mid: self.mid,
        }
    }

    /// An upper bound on `|x|` over the ball.
    pub fn abs_up(&self) -> Mag {
        Mag::add_up(Mag::from_float_up(&self.mid), self.rad)
    }

    /// The same enclosure with its midpoint rounded to `prec` bits.
    pub fn round_to(self, prec: u32) -> Ball {
        if self.prec() == prec {
            return self;
        }
        Ball::rounded(
            Float::with_val_round(prec, &self.mid, Round::Nearest),
            self.rad,
        )
    }

    /// The exact midpoint as a rational (`None` for NaN or infinities).
    pub fn mid_rational(&self) -> Option<Rational> {
        self.mid.to_rational()
    }

    /// The radius as an exact rational (`None` when infinite).
    pub fn rad_rational(&self) -> Option<Rational> {
        self.rad.to_float().to_rational()
    }

    /// The radius relative to `|mid|`, rounded up to an `f64` (`+∞` for a zero midpoint
    /// with a nonzero radius, 0 for an exact zero; the smallest subnormal where the
    /// quotient is positive but below the `f64` range — use [`Ball::rel_rad_at_most`] to
    /// compare with smaller bounds).
    pub fn rel_rad(&self) -> f64 {
        self.rel_rad_mag().to_f64_up()
    }

    fn rel_rad_mag(&self) -> Mag {
        if self.rad.is_zero() {
            return Mag::ZERO;
        }
        if self.mid.is_zero() || self.is_nan() {
            return Mag::INF;
        }
        Mag::div_up(self.rad, Mag::from_float_down(&self.mid))
    }

    /// Whether `rad ≤ 2^k·|mid|` is proven (any `k`, far beyond the `f64` range).
    pub fn rel_rad_at_most(&self, k: i64) -> bool {
        self.rel_rad_mag() <= Mag::pow2(k)
    }

    /// Whether the exact value `x` lies in the ball.
    pub fn contains(&self, x: &Float) -> bool {
        if self.is_nan() {
            return true;
        }
        // |x − mid| rounded up (both roundings of the difference bound it).
        let p = x.prec() + self.prec() + 64;
        let a = Float::with_val_round(p, x - &self.mid, Round::Up).0.abs();
        let b = Float::with_val_round(p, x - &self.mid, Round::Down).0.abs();
        (if a > b { a } else { b }) <= self.rad.to_float()
    }

    /// Whether two balls intersect.
    pub fn overlaps(&self, other: &Ball) -> bool {
        if self.is_nan() || other.is_nan() {
            return true;
        }
        let p = self.prec().max(other.prec()) + 64;
        let d = Float::with_val(p, &self.mid - &other.mid).abs();
        d <= Mag::add_up(self.rad, other.rad).to_float()
    }
}
