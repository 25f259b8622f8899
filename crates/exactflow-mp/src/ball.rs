//! Midpoint–radius balls over MPFR, as Arb does them.
//!
//! **The enclosure contract**: every operation returns a ball that contains the exact
//! result for every point of its input balls. The midpoint has the working precision
//! (the larger of the operands'); the radius is a 64-bit MPFR float, every radius
//! computation rounded toward `+∞`. Each function below states the inequality its
//! radius comes from. A midpoint rounded to nearest is charged one ulp of itself (at
//! least the ½ ulp it can be off), nothing when MPFR reports it exact.

use exactflow_core::number::Q;
use exactflow_core::{Real, Scalar};
use rug::float::Round;
use rug::{Float, Rational};
use std::cmp::Ordering;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// Precision of radii, in bits.
pub const RAD_PREC: u32 = 64;

/// A ball `[mid − rad, mid + rad]`; a NaN midpoint means "no information".
#[derive(Debug, Clone)]
pub struct Ball {
    mid: Float,
    rad: Float,
}

/// `|x|` rounded up / down to the radius precision.
fn abs_up(x: &Float) -> Float {
    Float::with_val_round(RAD_PREC, x.abs_ref(), Round::Up).0
}
fn abs_down(x: &Float) -> Float {
    Float::with_val_round(RAD_PREC, x.abs_ref(), Round::Down).0
}

/// `a + b` rounded up.
fn add_up(a: &Float, b: &Float) -> Float {
    Float::with_val_round(RAD_PREC, a + b, Round::Up).0
}
/// `a · b` rounded up.
fn mul_up(a: &Float, b: &Float) -> Float {
    Float::with_val_round(RAD_PREC, a * b, Round::Up).0
}

/// One ulp of `m` (at `m`'s precision), an upper bound on the error of rounding to
/// nearest into `m`; 0 when `o` says the rounding was exact.
fn rounding_err(m: &Float, o: Ordering) -> Float {
    if o == Ordering::Equal || !m.is_normal() {
        return Float::with_val(RAD_PREC, 0);
    }
    let e = m.get_exp().unwrap_or(0); // ok: m is normal, so it has an exponent
    let mut u = Float::with_val(RAD_PREC, 1);
    u <<= e - m.prec() as i32;
    u
}

impl Ball {
    /// The exact value `x` (radius 0) at precision `prec` — exact when `x` fits.
    pub fn from_float(x: Float) -> Ball {
        Ball {
            mid: x,
            rad: Float::with_val(RAD_PREC, 0),
        }
    }

    /// A ball from a midpoint and a radius (the radius is rounded up).
    pub fn new(mid: Float, rad: &Float) -> Ball {
        Ball {
            mid,
            rad: abs_up(rad),
        }
    }

    /// The midpoint.
    pub fn mid(&self) -> &Float {
        &self.mid
    }

    /// The radius (an upper bound on |exact − midpoint|).
    pub fn rad(&self) -> &Float {
        &self.rad
    }

    /// Working precision of the midpoint.
    pub fn prec(&self) -> u32 {
        self.mid.prec()
    }

    /// Whether the ball carries no information (NaN midpoint or infinite radius).
    pub fn is_nan(&self) -> bool {
        self.mid.is_nan() || self.rad.is_infinite() || self.rad.is_nan()
    }

    fn nan_like(prec: u32) -> Ball {
        Ball {
            mid: Float::with_val(prec, rug::float::Special::Nan),
            rad: Float::with_val(RAD_PREC, rug::float::Special::Infinity),
        }
    }

    /// A rounded midpoint with its rounding error added to `rad`.
    fn rounded(mid_o: (Float, Ordering), rad: Float) -> Ball {
        let (mid, o) = mid_o;
        let err = rounding_err(&mid, o);
        Ball {
            rad: add_up(&rad, &err),
            mid,
        }
    }

    /// Lower and upper endpoints at precision `p` (rounded outward).
    fn endpoints(&self, p: u32) -> (Float, Float) {
        let lo = Float::with_val_round(p, &self.mid - &self.rad, Round::Down).0;
        let hi = Float::with_val_round(p, &self.mid + &self.rad, Round::Up).0;
        (lo, hi)
    }

    /// The smallest ball (at precision `p`) containing `[lo, hi]`.
    fn from_interval(lo: &Float, hi: &Float, p: u32) -> Ball {
        let mid = Float::with_val(p, lo + hi) / 2u32;
        let d1 = Float::with_val_round(RAD_PREC, hi - &mid, Round::Up).0;
        let d2 = Float::with_val_round(RAD_PREC, &mid - lo, Round::Up).0;
        let rad = if d1 > d2 { d1 } else { d2 };
        Ball { mid, rad }
    }
}

impl Add for Ball {
    type Output = Ball;
    /// `|(a + b) − (am + bm)| ≤ ar + br`, plus the rounding of the midpoint.
    fn add(self, b: Ball) -> Ball {
        let p = self.prec().max(b.prec());
        Ball::rounded(
            Float::with_val_round(p, &self.mid + &b.mid, Round::Nearest),
            add_up(&self.rad, &b.rad),
        )
    }
}

impl Sub for Ball {
    type Output = Ball;
    /// As addition.
    fn sub(self, b: Ball) -> Ball {
        let p = self.prec().max(b.prec());
        Ball::rounded(
            Float::with_val_round(p, &self.mid - &b.mid, Round::Nearest),
            add_up(&self.rad, &b.rad),
        )
    }
}

impl Mul for Ball {
    type Output = Ball;
    /// `|ab − am·bm| ≤ |am|·br + |bm|·ar + ar·br`, plus the rounding of the midpoint.
    fn mul(self, b: Ball) -> Ball {
        let p = self.prec().max(b.prec());
        let r = add_up(
            &add_up(
                &mul_up(&abs_up(&self.mid), &b.rad),
                &mul_up(&abs_up(&b.mid), &self.rad),
            ),
            &mul_up(&self.rad, &b.rad),
        );
        Ball::rounded(
            Float::with_val_round(p, &self.mid * &b.mid, Round::Nearest),
            r,
        )
    }
}

impl Div for Ball {
    type Output = Ball;
    /// For `|bm| > br`: `|a/b − am/bm| ≤ (|am|·br + |bm|·ar)/(|bm|·(|bm| − br))`, plus the
    /// rounding of the midpoint. A divisor ball containing 0 gives NaN.
    fn div(self, b: Ball) -> Ball {
        let p = self.prec().max(b.prec());
        let bm_down = abs_down(&b.mid);
        if bm_down.partial_cmp(&b.rad) != Some(Ordering::Greater) || self.is_nan() || b.is_nan() {
            return Ball::nan_like(p);
        }
        let num = add_up(
            &mul_up(&abs_up(&self.mid), &b.rad),
            &mul_up(&abs_up(&b.mid), &self.rad),
        );
        let gap = Float::with_val_round(RAD_PREC, &bm_down - &b.rad, Round::Down).0;
        let den = Float::with_val_round(RAD_PREC, &bm_down * &gap, Round::Down).0;
        let r = Float::with_val_round(RAD_PREC, &num / &den, Round::Up).0;
        Ball::rounded(
            Float::with_val_round(p, &self.mid / &b.mid, Round::Nearest),
            r,
        )
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
        let lo = Float::with_val_round(RAD_PREC, &self.mid - &self.rad, Round::Down).0;
        if lo > 0 {
            // A lower bound on √(m − r) + √m: each root and the sum rounded down.
            let den_down = Float::with_val_round(
                RAD_PREC,
                Float::with_val_round(RAD_PREC, lo.sqrt_ref(), Round::Down).0
                    + Float::with_val_round(RAD_PREC, self.mid.sqrt_ref(), Round::Down).0,
                Round::Down,
            )
            .0;
            let r = Float::with_val_round(RAD_PREC, &self.rad / &den_down, Round::Up).0;
            Ball::rounded(
                Float::with_val_round(p, self.mid.sqrt_ref(), Round::Nearest),
                r,
            )
        } else {
            let hi = Float::with_val_round(p, &self.mid + &self.rad, Round::Up).0;
            if hi < 0 {
                return Ball::nan_like(p);
            }
            let top = Float::with_val_round(p, hi.sqrt_ref(), Round::Up).0;
            Ball::from_interval(&Float::with_val(p, 0), &top, p)
        }
    }
    fn abs(&self) -> Ball {
        Ball {
            mid: Float::with_val(self.prec(), self.mid.abs_ref()),
            rad: self.rad.clone(),
        }
    }
    fn ldexp(&self, k: i64) -> Ball {
        if k == 0 {
            return self.clone();
        }
        let k = k.clamp(i32::MIN as i64, i32::MAX as i64) as i32;
        let (mut m, mut r) = (self.mid.clone(), self.rad.clone());
        m <<= k;
        r <<= k;
        Ball { mid: m, rad: r }
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

/// An exact rational as a rug rational.
pub(crate) fn to_rug(q: &Q) -> Rational {
    // Exact: numerator and denominator go through their decimal strings.
    let n = rug::Integer::from_str_radix(&q.numer().to_str_radix(10), 10).unwrap_or_default();
    let d = rug::Integer::from_str_radix(&q.denom().to_str_radix(10), 10)
        .unwrap_or(rug::Integer::from(1));
    Rational::from((n, d))
}

impl Scalar for Ball {
    /// The working precision of midpoints, in bits.
    type Ctx = u32;

    fn from_q(q: &Q, prec: &u32) -> Ball {
        let r = to_rug(q);
        Ball::rounded(
            Float::with_val_round(*prec, &r, Round::Nearest),
            Float::with_val(RAD_PREC, 0),
        )
    }
    fn sqrt_q(q: &Q, prec: &u32) -> Ball {
        Ball::from_q(q, &(prec + 8)).sqrt().round_to(*prec)
    }
    fn from_i32(v: i32, prec: &u32) -> Ball {
        Ball::from_float(Float::with_val(*prec, v))
    }
    /// `|e^x − e^m| ≤ e^m (e^r − 1)` for `|x − m| ≤ r`.
    fn exp(&self) -> Ball {
        self.exp_like(Float::with_val_round(
            self.prec(),
            self.mid.exp_ref(),
            Round::Nearest,
        ))
    }
    /// As `exp` (the same difference bound).
    fn exp_m1(&self) -> Ball {
        self.exp_like(Float::with_val_round(
            self.prec(),
            self.mid.exp_m1_ref(),
            Round::Nearest,
        ))
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
    fn exp_like(&self, value_at_mid: (Float, Ordering)) -> Ball {
        let p = self.prec();
        if self.is_nan() {
            return Ball::nan_like(p);
        }
        let r = if self.rad.is_zero() {
            Float::with_val(RAD_PREC, 0)
        } else {
            let em = Float::with_val_round(RAD_PREC, self.mid.exp_ref(), Round::Up).0;
            let er = Float::with_val_round(RAD_PREC, self.rad.exp_m1_ref(), Round::Up).0;
            mul_up(&em, &er)
        };
        Ball::rounded(value_at_mid, r)
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

    /// The radius as an exact rational (`None` when infinite or NaN).
    pub fn rad_rational(&self) -> Option<Rational> {
        self.rad.to_rational()
    }

    /// An upper bound on the radius relative to `|mid|` (`+∞` for a zero midpoint with a
    /// nonzero radius, 0 for an exact zero).
    pub fn rel_rad(&self) -> f64 {
        if self.rad.is_zero() {
            return 0.0;
        }
        if self.mid.is_zero() || self.is_nan() {
            return f64::INFINITY;
        }
        Float::with_val_round(RAD_PREC, &self.rad / abs_down(&self.mid), Round::Up)
            .0
            .to_f64()
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
        (if a > b { a } else { b }) <= self.rad
    }

    /// Whether two balls intersect.
    pub fn overlaps(&self, other: &Ball) -> bool {
        if self.is_nan() || other.is_nan() {
            return true;
        }
        let p = self.prec().max(other.prec()) + 64;
        let d = Float::with_val(p, &self.mid - &other.mid).abs();
        let r = add_up(&self.rad, &other.rad);
        d <= r
    }
}
