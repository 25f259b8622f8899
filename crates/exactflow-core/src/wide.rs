//! [`Wide`]: an `f64` significand with an unbounded (`i64`) binary exponent — `f64`'s
//! precision without its exponent range.
//!
//! The closed form's constants of a scenario with extreme magnitudes (an initialization
//! of 1e-170 squares to 1e-340; weights of 1e77 and a learning rate of 1e200 multiply to
//! far beyond 1e308) leave `f64`'s range although the observables themselves are
//! ordinary numbers. Evaluating the same generic closed form ([`crate::closed_form`]) in
//! `Wide` keeps every intermediate value normal, so each operation is rounded exactly as
//! `f64` rounds it inside its range; only the final conversion back to `f64`
//! ([`Wide::to_f64_normal`]) can fail, and it says so instead of returning 0 or ∞.
//!
//! Precision: `+ − × ÷ √` are correctly rounded (round to nearest, ties to even) for every
//! exponent: the significands are combined in `f64` within `[¼, 4)`, where no under- or
//! overflow occurs, and the exponents are added exactly. A sum whose operands differ by
//! more than 2^1100 returns the larger (the smaller is below half an ulp of it). `exp`
//! is [`crate::elementary::exp_parts`] (within 1 ulp, as the `f64` path), `exp_m1` the
//! `libm` crate's where its argument is a normal `f64`, else its Taylor series.
//!
//! Inside `f64`'s normal range a `Wide` computation gives the same bits as the same
//! computation in `f64` (both are correctly rounded); that is what lets the fast engine
//! use it only where `f64` would fail, without changing any ordinary value.

use crate::number::{q_to_f64_scaled_nearest, sqrt_q_to_f64_scaled_nearest, Q};
use crate::real::{Real, Scalar};
use std::cmp::Ordering;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// `m · 2^e` with `m = 0`, `½ ≤ |m| < 1`, or `m` non-finite (then `e = 0`).
#[derive(Debug, Clone, Copy)]
pub struct Wide {
    m: f64,
    e: i64,
}

/// Exponents are kept within this bound (far beyond any value a scenario can produce), so
/// that sums of exponents never overflow an `i64`.
const EXP_LIMIT: i64 = 1 << 60;

impl Wide {
    /// Zero.
    pub const ZERO: Wide = Wide { m: 0.0, e: 0 };

    /// `m · 2^e`, normalized (exact).
    #[inline]
    pub fn new(m: f64, e: i64) -> Wide {
        if m == 0.0 || !m.is_finite() {
            return Wide { m, e: 0 };
        }
        let (fm, fe) = libm::frexp(m);
        let e = e.saturating_add(i64::from(fe));
        if e > EXP_LIMIT {
            Wide {
                m: f64::INFINITY.copysign(m),
                e: 0,
            }
        } else if e < -EXP_LIMIT {
            Wide { m: 0.0, e: 0 }
        } else {
            Wide { m: fm, e }
        }
    }

    /// The significand `m` (`½ ≤ |m| < 1`, 0, or non-finite) and the exponent `e`.
    pub fn parts(self) -> (f64, i64) {
        (self.m, self.e)
    }

    /// Whether the value is finite (not NaN or ±∞).
    pub fn is_finite(self) -> bool {
        self.m.is_finite()
    }

    /// Whether the value is NaN.
    pub fn is_nan(self) -> bool {
        self.m.is_nan()
    }

    /// The nearest `f64` (gradual underflow, overflow to ±∞).
    pub fn to_f64(self) -> f64 {
        crate::number::ldexp(self.m, self.e)
    }

    /// The value as an `f64` when it is zero or a normal `f64` (then exactly: the
    /// significand already has 53 bits); `None` when it is subnormal, beyond `f64::MAX`
    /// or NaN — a value `f64` cannot carry with its precision.
    pub fn to_f64_normal(self) -> Option<f64> {
        if self.m == 0.0 {
            return Some(0.0);
        }
        // Normal f64s are m·2^e with ½ ≤ |m| < 1 and −1021 ≤ e ≤ 1024.
        if self.m.is_finite() && (-1021..=1024).contains(&self.e) {
            Some(crate::number::ldexp(self.m, self.e))
        } else {
            None
        }
    }

    /// `log10 |x|` (approximately; for messages): `−∞` for zero.
    pub fn log10_abs(self) -> f64 {
        if self.m == 0.0 {
            f64::NEG_INFINITY
        } else {
            self.m.abs().log10() + self.e as f64 * std::f64::consts::LOG10_2
        }
    }

    /// The value in scientific notation with 4 significant digits (for messages), also
    /// outside `f64`'s range: `4.500e599`.
    pub fn to_sci(self) -> String {
        if !self.m.is_finite() {
            return format!("{}", self.m);
        }
        if self.m == 0.0 {
            return "0".into();
        }
        let l = self.log10_abs();
        let k = l.floor();
        let mut mant = 10f64.powf(l - k);
        let mut k = k as i64;
        if mant >= 9.9995 {
            mant /= 10.0;
            k += 1;
        }
        let sign = if self.m < 0.0 { "-" } else { "" };
        format!("{sign}{mant:.3}e{k}")
    }
}

impl From<f64> for Wide {
    #[inline]
    fn from(x: f64) -> Wide {
        Wide::new(x, 0)
    }
}

impl PartialEq for Wide {
    fn eq(&self, other: &Wide) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Wide {
    fn partial_cmp(&self, o: &Wide) -> Option<Ordering> {
        let (a, b) = (self.m, o.m);
        if a.is_nan() || b.is_nan() {
            return None;
        }
        // Different signs, a zero or an infinity: the significands decide (finite ones
        // are below 1 in magnitude).
        if !a.is_finite() || !b.is_finite() || a == 0.0 || b == 0.0 || (a > 0.0) != (b > 0.0) {
            return a.partial_cmp(&b);
        }
        let mag = self.e.cmp(&o.e).then(a.abs().total_cmp(&b.abs()));
        Some(if a > 0.0 { mag } else { mag.reverse() })
    }
}

impl Add for Wide {
    type Output = Wide;
    #[inline]
    fn add(self, o: Wide) -> Wide {
        if self.m == 0.0 {
            return o;
        }
        if o.m == 0.0 {
            return self;
        }
        if !self.m.is_finite() || !o.m.is_finite() {
            return Wide::new(self.m + o.m, 0);
        }
        let (big, small) = if self.e >= o.e { (self, o) } else { (o, self) };
        let d = big.e - small.e;
        if d > 1100 {
            return big;
        }
        Wide::new(big.m + crate::number::ldexp(small.m, -d), big.e)
    }
}

impl Neg for Wide {
    type Output = Wide;
    #[inline]
    fn neg(self) -> Wide {
        Wide {
            m: -self.m,
            e: self.e,
        }
    }
}

impl Sub for Wide {
    type Output = Wide;
    #[inline]
    fn sub(self, o: Wide) -> Wide {
        self + (-o)
    }
}

impl Mul for Wide {
    type Output = Wide;
    #[inline]
    fn mul(self, o: Wide) -> Wide {
        // The significands' product lies in [¼, 1): no under- or overflow.
        Wide::new(self.m * o.m, self.e.saturating_add(o.e))
    }
}

impl Div for Wide {
    type Output = Wide;
    #[inline]
    fn div(self, o: Wide) -> Wide {
        // The quotient of significands lies in (½, 2) (or is 0, ±∞, NaN).
        Wide::new(self.m / o.m, self.e.saturating_sub(o.e))
    }
}

macro_rules! by_ref {
    ($($tr:ident $f:ident),*) => {$(
        impl<'a> $tr<&'a Wide> for Wide {
            type Output = Wide;
            #[inline]
            fn $f(self, o: &'a Wide) -> Wide {
                $tr::$f(self, *o)
            }
        }
    )*};
}
by_ref!(Add add, Sub sub, Mul mul, Div div);

impl Real for Wide {
    fn sqrt(&self) -> Wide {
        if self.m <= 0.0 || !self.m.is_finite() {
            return Wide::new(self.m.sqrt(), 0);
        }
        // m·2^e with e even: √m·2^(e/2); √ of [½, 2) is in [0.7, 1.5): no range issue.
        let (m, e) = if self.e % 2 == 0 {
            (self.m, self.e)
        } else {
            (2.0 * self.m, self.e - 1)
        };
        Wide::new(m.sqrt(), e / 2)
    }
    fn abs(&self) -> Wide {
        Wide {
            m: self.m.abs(),
            e: self.e,
        }
    }
    fn ldexp(&self, k: i64) -> Wide {
        if self.m == 0.0 || !self.m.is_finite() {
            *self
        } else {
            Wide::new(self.m, self.e.saturating_add(k))
        }
    }
    fn select_lt(a: &Wide, b: &Wide, if_lt: Wide, otherwise: Wide) -> Wide {
        if a < b {
            if_lt
        } else {
            otherwise
        }
    }
    fn all_in_range(&self, lo: f64, hi: f64) -> bool {
        *self > Wide::from(lo) && *self < Wide::from(hi)
    }
    fn select_in_range(&self, lo: f64, hi: f64, inside: Wide, outside: Wide) -> Wide {
        if self.all_in_range(lo, hi) {
            inside
        } else {
            outside
        }
    }
    fn clamp_known(&self, lo: &Wide, hi: &Wide) -> Wide {
        let x = Wide::select_lt(self, lo, *lo, *self);
        Wide::select_lt(hi, &x, *hi, x)
    }
}

/// Beyond this `|x|`, `e^x` is not reduced by [`crate::elementary::exp_parts`]
/// (its two-part `ln 2` is exact below 1.4e6); `e^{−x}` is then below 2^-2,000,000,
/// far below anything a scenario's constants can bring back, and is returned as 0.
const EXP_ARG_LIMIT: f64 = 1.4e6;

impl Scalar for Wide {
    type Ctx = ();

    fn from_q(q: &Q, _: &()) -> Wide {
        let (m, e) = q_to_f64_scaled_nearest(q);
        Wide::new(m, e)
    }
    fn sqrt_q(q: &Q, _: &()) -> Wide {
        let (m, e) = sqrt_q_to_f64_scaled_nearest(q);
        Wide::new(m, e)
    }
    fn from_i32(v: i32, _: &()) -> Wide {
        Wide::from(f64::from(v))
    }
    fn exp(&self) -> Wide {
        let x = self.to_f64();
        if x.is_nan() {
            Wide::new(f64::NAN, 0)
        } else if x.abs() < EXP_ARG_LIMIT {
            let (er, k) = crate::elementary::exp_parts(x);
            Wide::new(er, k)
        } else if x > 0.0 {
            Wide::new(f64::INFINITY, 0)
        } else {
            Wide::ZERO
        }
    }
    fn exp_m1(&self) -> Wide {
        if self.m != 0.0 && self.e < -1000 {
            // |x| < 2^-1000: e^x − 1 = x(1 + x/2 + …), and x/2 is far below an ulp.
            return *self;
        }
        Wide::from(libm::expm1(self.to_f64()))
    }
    fn is_zero(&self) -> bool {
        self.m == 0.0
    }
    fn to_f64(&self) -> f64 {
        Wide::to_f64(*self)
    }
    fn exp_neg_split(x: &Wide) -> (Wide, i64) {
        ((-*x).exp(), 0)
    }
    fn nan(_: &()) -> Wide {
        Wide::new(f64::NAN, 0)
    }
    fn infinity(_: &()) -> Wide {
        Wide::new(f64::INFINITY, 0)
    }
}

#[cfg(test)]
#[path = "tests/wide.rs"]
mod tests;
