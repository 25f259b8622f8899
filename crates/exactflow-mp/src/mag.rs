//! Magnitude bounds for ball radii, as Arb's `mag_t`: a non-negative number `m·2^e`
//! with an `f64` mantissa `m ∈ [½, 1)` (or 0, or +∞) and a wide exponent, so that a
//! radius can be as small or as large as any MPFR midpoint without touching the heap.
//!
//! **Rounding contract**: every `*_up` function returns a value ≥ the exact result of
//! the operation on its arguments, every `*_down` function a value ≤ it (and ≥ 0).
//! Each does its arithmetic on the mantissas in `f64` (round to nearest: within half
//! an ulp) and then steps one ulp outward, which covers that half ulp; exponents are
//! exact integers. Scaling a mantissa by a power of two is exact while the result is
//! normal, which the alignment rule below guarantees (shifts of more than 60 bits are
//! absorbed by the outward step instead).

use crate::exponent::{ensure_wide_exponents, exp2, mul_2exp, to_f64_exp2};
use rug::float::Round;
use rug::Float;
use std::cmp::Ordering;

/// `m·2^e`, `m ∈ [½, 1)`, or zero (`m = 0`), or `+∞` (`m = ∞`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mag {
    m: f64,
    e: i64,
}

/// Exponents beyond `±EXP_LIMIT` saturate (to `+∞`/the smallest positive value for
/// upper bounds, to the largest finite value/zero for lower bounds). `2^61`: inside MPFR's
/// widest exponent range (`2^62 − 1`), and the sum of two such exponents fits an `i64`.
pub const EXP_LIMIT: i64 = 1 << 61;

/// The next `f64` above a non-negative finite `x` (0 stays 0, `∞` stays `∞`).
fn step_up(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        x
    } else {
        f64::from_bits(x.to_bits() + 1)
    }
}

/// The next `f64` below a positive `x` (0 stays 0).
fn step_down(x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else if x.is_infinite() {
        f64::MAX
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

impl Mag {
    /// Zero.
    pub const ZERO: Mag = Mag { m: 0.0, e: 0 };
    /// `+∞`.
    pub const INF: Mag = Mag {
        m: f64::INFINITY,
        e: 0,
    };

    /// `x·2^e` for `x ≥ 0` exactly representable as given; `up` says which way to
    /// saturate out-of-range exponents.
    fn norm(x: f64, e: i64, up: bool) -> Mag {
        if x.is_nan() {
            return Mag::INF;
        }
        if x == 0.0 {
            return Mag::ZERO;
        }
        if x.is_infinite() {
            return Mag::INF;
        }
        let (f, k) = libm::frexp(x);
        let e = e.saturating_add(k as i64);
        if e > EXP_LIMIT {
            if up {
                Mag::INF
            } else {
                Mag {
                    m: step_down(1.0),
                    e: EXP_LIMIT,
                }
            }
        } else if e < -EXP_LIMIT {
            if up {
                Mag {
                    m: 0.5,
                    e: -EXP_LIMIT,
                }
            } else {
                Mag::ZERO
            }
        } else {
            Mag { m: f, e }
        }
    }

    /// `2^e`, exactly.
    pub fn pow2(e: i64) -> Mag {
        Mag::norm(0.5, e.saturating_add(1), true)
    }

    /// A lower bound on the integer `n` (exact below `2^53`).
    pub fn from_u64_down(n: u64) -> Mag {
        let f = n as f64;
        // Rounded to nearest: exact below 2^53; one step down covers the rounding.
        let f = if (f as u64) <= n { f } else { step_down(f) };
        Mag::norm(f, 0, false)
    }

    /// `log2` of the value, approximately (for choosing series lengths; not a bound).
    pub fn log2_approx(&self) -> f64 {
        if self.is_zero() {
            f64::NEG_INFINITY
        } else if self.is_infinite() {
            f64::INFINITY
        } else {
            self.e as f64 + self.m.log2()
        }
    }

    /// Whether the bound is zero.
    pub fn is_zero(&self) -> bool {
        self.m == 0.0
    }

    /// Whether the bound is `+∞`.
    pub fn is_infinite(&self) -> bool {
        self.m.is_infinite()
    }

    /// An upper bound on `|x|` (`+∞` for NaN or infinite `x`).
    pub fn from_float_up(x: &Float) -> Mag {
        if x.is_zero() {
            return Mag::ZERO;
        }
        if !x.is_finite() {
            return Mag::INF;
        }
        // d·2^k = x rounded to nearest, ½ ≤ |d| < 1 (mpfr_get_d_2exp).
        let (d, k) = to_f64_exp2(x, Round::Nearest);
        Mag::norm(step_up(d.abs()), k, true)
    }

    /// A lower bound on `|x|` (0 for NaN).
    pub fn from_float_down(x: &Float) -> Mag {
        if x.is_zero() || x.is_nan() {
            return Mag::ZERO;
        }
        if x.is_infinite() {
            return Mag::norm(f64::MAX, 0, false);
        }
        let (d, k) = to_f64_exp2(x, Round::Nearest);
        Mag::norm(step_down(d.abs()), k, false)
    }

    /// One unit in the last place of a normal `x` at its precision (an upper bound on
    /// the error of rounding to nearest into `x`); 0 for zero and `+∞` otherwise.
    pub fn ulp(x: &Float) -> Mag {
        match exp2(x) {
            Some(e) => Mag::pow2(e - i64::from(x.prec())),
            None if x.is_zero() => Mag::ZERO,
            None => Mag::INF,
        }
    }

    /// The exact value as a 64-bit MPFR float (in MPFR's widest exponent range, which
    /// holds every finite `Mag`).
    pub fn to_float(&self) -> Float {
        ensure_wide_exponents();
        if self.is_infinite() {
            return Float::with_val(64, rug::float::Special::Infinity);
        }
        let mut f = Float::with_val(64, self.m);
        mul_2exp(&mut f, self.e);
        f
    }

    /// An upper bound as an `f64` (`+∞` on overflow; the smallest positive subnormal
    /// where a positive value underflows).
    pub fn to_f64_up(&self) -> f64 {
        if self.is_zero() || self.is_infinite() {
            return self.m;
        }
        let e = self.e.clamp(-2000, 2000) as i32;
        let v = libm::ldexp(self.m, e);
        if v < f64::MIN_POSITIVE {
            // Subnormal: the scaling may have rounded down.
            step_up(v).max(f64::from_bits(1))
        } else {
            v
        }
    }

    /// `self · 2^k`, exactly (saturating).
    pub fn mul_2exp(&self, k: i64) -> Mag {
        if self.is_zero() || self.is_infinite() {
            return *self;
        }
        Mag::norm(self.m, self.e.saturating_add(k), true)
    }

    /// `(larger, smaller, exponent gap)` of two finite nonzero magnitudes.
    fn ordered(a: Mag, b: Mag) -> (Mag, Mag, i64) {
        if a.e >= b.e {
            (a, b, a.e - b.e)
        } else {
            (b, a, b.e - a.e)
        }
    }

    /// `a + b`, rounded up (`up`) or down. The mantissas are aligned and summed in `f64`
    /// (round to nearest), then stepped one ulp outward. A term more than 60 bits below
    /// the other is dropped: it is under an ulp of the larger mantissa (`2^(hi.e − 53)`),
    /// so the outward step still covers it.
    fn add_rounded(a: Mag, b: Mag, up: bool) -> Mag {
        if a.is_zero() {
            return b;
        }
        if b.is_zero() {
            return a;
        }
        if a.is_infinite() || b.is_infinite() {
            return Mag::INF;
        }
        let (hi, lo, gap) = Mag::ordered(a, b);
        let s = if gap > 60 {
            hi.m
        } else {
            hi.m + libm::ldexp(lo.m, -(gap as i32))
        };
        let stepped = if up { step_up(s) } else { step_down(s) };
        Mag::norm(stepped, hi.e, up)
    }

    /// `a + b`, rounded up.
    pub fn add_up(a: Mag, b: Mag) -> Mag {
        Mag::add_rounded(a, b, true)
    }

    /// `a + b`, rounded down.
    pub fn add_down(a: Mag, b: Mag) -> Mag {
        Mag::add_rounded(a, b, false)
    }

    /// `max(a − b, 0)`, rounded down.
    pub fn sub_down(a: Mag, b: Mag) -> Mag {
        if b.is_zero() {
            return a;
        }
        if a.is_infinite() && !b.is_infinite() {
            return a;
        }
        if a.is_zero() || b.is_infinite() || b.e > a.e {
            return Mag::ZERO;
        }
        let gap = a.e - b.e;
        // b < 2^(a.e − 60): dropping it and stepping down covers the difference.
        let s = if gap > 60 {
            a.m
        } else {
            a.m - libm::ldexp(b.m, -(gap as i32))
        };
        if s <= 0.0 {
            return Mag::ZERO;
        }
        Mag::norm(step_down(s), a.e, false)
    }

    /// `a · b`, rounded up.
    pub fn mul_up(a: Mag, b: Mag) -> Mag {
        if a.is_zero() || b.is_zero() {
            return Mag::ZERO;
        }
        Mag::norm(step_up(a.m * b.m), a.e.saturating_add(b.e), true)
    }

    /// `a · b`, rounded down.
    pub fn mul_down(a: Mag, b: Mag) -> Mag {
        if a.is_zero() || b.is_zero() {
            return Mag::ZERO;
        }
        Mag::norm(step_down(a.m * b.m), a.e.saturating_add(b.e), false)
    }

    /// `a / b`, rounded up (`+∞` for `b = 0`, unless `a = 0`).
    pub fn div_up(a: Mag, b: Mag) -> Mag {
        if a.is_zero() {
            return Mag::ZERO;
        }
        if b.is_zero() || a.is_infinite() {
            return Mag::INF;
        }
        if b.is_infinite() {
            return Mag::pow2(-EXP_LIMIT);
        }
        Mag::norm(step_up(a.m / b.m), a.e.saturating_sub(b.e), true)
    }

    /// `√a`, rounded down.
    pub fn sqrt_down(a: Mag) -> Mag {
        if a.is_zero() || a.is_infinite() {
            return a;
        }
        // a = m·2^e with e made even: √a = √(m·2^(e mod 2))·2^(e div 2).
        let odd = a.e.rem_euclid(2);
        let r = (libm::ldexp(a.m, odd as i32)).sqrt();
        Mag::norm(step_down(r), a.e.div_euclid(2), false)
    }
}

impl PartialOrd for Mag {
    fn partial_cmp(&self, other: &Mag) -> Option<Ordering> {
        Some(match (self.is_zero(), other.is_zero()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => match (self.is_infinite(), other.is_infinite()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ => self.e.cmp(&other.e).then(self.m.total_cmp(&other.m)),
            },
        })
    }
}

#[cfg(test)]
#[path = "tests/mag.rs"]
mod tests;
