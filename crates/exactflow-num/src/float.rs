//! ℚ ↔ `f64`: correctly rounded conversions of rationals (and of their square roots) to
//! `f64`, with the `f64` exponent range or with an unbounded exponent, and the exact value
//! of a double.
//!
//! Names say which conversions are exact (`_exact`) and which round (`_nearest`: to
//! nearest, ties to even). None depends on the platform's floating-point library.

use crate::Q;
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Number of significant bits used before the final rounding to `f64` (53 + guard).
const F64_WORK_BITS: u64 = 64;

/// A finite double split exactly: `(−1)^negative · mantissa · 2^exp2`, `mantissa < 2^53`
/// (zero has `mantissa = 0`). [`f64_decompose`] is the one place that reads IEEE bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct F64Parts {
    /// The sign bit (`-0.0` is negative).
    pub negative: bool,
    /// The integer significand (with the implicit bit for normal numbers).
    pub mantissa: u64,
    /// The binary exponent of the last significand bit (−1074 for subnormals).
    pub exp2: i64,
}

/// The exact parts of a finite `f64`; `None` for NaN and infinities.
pub fn f64_decompose(x: f64) -> Option<F64Parts> {
    if !x.is_finite() {
        return None;
    }
    let bits = x.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mantissa, exp2) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp_bits - 1075)
    };
    Some(F64Parts {
        negative: bits >> 63 == 1,
        mantissa,
        exp2,
    })
}

/// Exact rational value of a finite `f64` (every finite double is a dyadic rational).
/// `None` for NaN and infinities.
pub fn f64_to_q_exact(x: f64) -> Option<Q> {
    let p = f64_decompose(x)?;
    if p.mantissa == 0 {
        return Some(Q::zero());
    }
    let sign = if p.negative { Sign::Minus } else { Sign::Plus };
    let m = BigInt::from_biguint(sign, BigUint::from(p.mantissa));
    Some(if p.exp2 >= 0 {
        Q::from_integer(m << (p.exp2 as u64))
    } else {
        Q::new(m, BigInt::one() << ((-p.exp2) as u64))
    })
}

/// `mant·2^exp2` (plus a positive amount below its last bit when `sticky`) rounded to
/// nearest-even with `prec ≥ 1` significant bits: `(kept, shift)` with the rounded value
/// `kept·2^shift`, `kept < 2^prec` or `kept = 2^prec` after a carry.
fn round_bits(mant: &BigUint, exp2: i64, sticky: bool, prec: i64) -> (u64, i64) {
    let len = mant.bits() as i64;
    let drop = len - prec;
    if drop <= 0 {
        return (mant.to_u64().expect("at most 64 bits"), exp2);
    }
    let kept = mant >> (drop as u64);
    let half = BigUint::one() << ((drop - 1) as u64);
    let rest = mant - (&kept << (drop as u64));
    let up = match rest.cmp(&half) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => sticky || kept.is_odd(),
    };
    let kept = kept.to_u64().expect("kept < 2^prec ≤ 2^53") + u64::from(up);
    (kept, exp2 + drop)
}

/// Rounds `mant · 2^exp2` (+ a strictly positive sticky amount below the last bit of
/// `mant` when `sticky`) to the nearest `f64`, ties to even, with gradual underflow.
fn round_to_f64(negative: bool, mant: &BigUint, exp2: i64, sticky: bool) -> f64 {
    if mant.is_zero() {
        // Only possible when the exact value is zero (callers never pass sticky here).
        return if negative { -0.0 } else { 0.0 };
    }
    let len = mant.bits() as i64; // value in [2^(len-1+exp2), 2^(len+exp2))
    let top = len - 1 + exp2; // binary exponent of the leading bit
                              // Precision available at this exponent: 53 for normal numbers, fewer for subnormals.
    let prec = if top >= -1022 { 53 } else { 53 - (-1022 - top) };
    if prec <= 0 {
        // Below half the smallest subnormal (or at most exactly half: round to even = 0),
        // unless it is above half of 2^-1074.
        let half_min = -1075i64;
        let above_half = top > half_min || (top == half_min && (sticky || mant.count_ones() > 1));
        let v = if prec == 0 && above_half {
            f64::from_bits(1)
        } else {
            0.0
        };
        return if negative { -v } else { v };
    }
    let (kept, shift) = round_bits(mant, exp2, sticky, prec);
    // kept has at most 54 bits: exact in f64's range after scaling by a power of two.
    let v = ldexp(kept as f64, shift);
    if negative {
        -v
    } else {
        v
    }
}

/// `x · 2^e`, exact whenever the result is a normal or subnormal `f64` that `x`'s
/// significand fits in (used on integers below 2^54).
pub fn ldexp(x: f64, e: i64) -> f64 {
    let e = e.clamp(-4000, 4000) as i32;
    libm::scalbn(x, e)
}

/// `|q| = n/d` scaled so the integer quotient has at least [`F64_WORK_BITS`] bits:
/// `(quotient, binary exponent, inexact)`.
fn scaled_quotient(q: &Q) -> (BigUint, i64, bool) {
    let n = q.numer().magnitude();
    let d = q.denom().magnitude();
    let shift = F64_WORK_BITS as i64 - (n.bits() as i64 - d.bits() as i64);
    let (num, den) = if shift >= 0 {
        (n << (shift as u64), d.clone())
    } else {
        (n.clone(), d << ((-shift) as u64))
    };
    let (quo, rem) = num.div_rem(&den);
    (quo, -shift, !rem.is_zero())
}

/// `√q` scaled so the integer root has at least [`F64_WORK_BITS`] bits:
/// `(root, binary exponent, inexact)`.
fn scaled_root(q: &Q) -> (BigUint, i64, bool) {
    let n = q.numer().magnitude();
    let d = q.denom().magnitude();
    // √(n/d) = √(n·4^m / d) · 2^-m; choose m so the root has ≥ F64_WORK_BITS bits.
    let bitdiff = n.bits() as i64 - d.bits() as i64;
    let m = (F64_WORK_BITS as i64 + 2) - bitdiff.div_euclid(2);
    let (num, den) = if m >= 0 {
        (n << (2 * m as u64), d.clone())
    } else {
        (n.clone(), d << ((-2 * m) as u64))
    };
    let (quo, rem) = num.div_rem(&den);
    let root = quo.sqrt();
    let exact = rem.is_zero() && &root * &root == quo;
    (root, -m, !exact)
}

/// Correctly rounded (nearest, ties to even) conversion of a rational to `f64`.
/// Values beyond `f64::MAX` round to ±infinity; tiny values underflow gradually.
pub fn q_to_f64_nearest(q: &Q) -> f64 {
    if q.is_zero() {
        return 0.0;
    }
    let (quo, e, sticky) = scaled_quotient(q);
    round_to_f64(q.is_negative(), &quo, e, sticky)
}

/// Correctly rounded `f64` of `√q` for `q ≥ 0` (negative `q` gives NaN).
pub fn sqrt_q_to_f64_nearest(q: &Q) -> f64 {
    if q.is_negative() {
        return f64::NAN;
    }
    if q.is_zero() {
        return 0.0;
    }
    let (root, e, sticky) = scaled_root(q);
    round_to_f64(false, &root, e, sticky)
}

/// `q` rounded to 53 significant bits (nearest, ties to even) with an unbounded
/// exponent: `(m, e)` with `m = ±[½, 1)` and `q ≈ m·2^e` within half an ulp of `m`
/// relative — what `f64` would give if its exponent never ran out. `(0, 0)` for zero.
pub fn q_to_f64_scaled_nearest(q: &Q) -> (f64, i64) {
    if q.is_zero() {
        return (0.0, 0);
    }
    let (quo, e, sticky) = scaled_quotient(q);
    let (m, e) = unit_mantissa(&quo, e, sticky);
    (if q.is_negative() { -m } else { m }, e)
}

/// `√q` for `q ≥ 0` as [`q_to_f64_scaled_nearest`] does it (`(NaN, 0)` for `q < 0`).
pub fn sqrt_q_to_f64_scaled_nearest(q: &Q) -> (f64, i64) {
    if q.is_negative() {
        return (f64::NAN, 0);
    }
    if q.is_zero() {
        return (0.0, 0);
    }
    let (root, e, sticky) = scaled_root(q);
    unit_mantissa(&root, e, sticky)
}

/// `mant·2^exp2` (+ sticky) rounded to 53 bits as `(m ∈ [½, 1), e)`.
fn unit_mantissa(mant: &BigUint, exp2: i64, sticky: bool) -> (f64, i64) {
    let (kept, shift) = round_bits(mant, exp2, sticky, 53);
    // kept ≤ 2^53: exact as a double; its frexp is exact.
    let (m, k) = libm::frexp(kept as f64);
    (m, shift + i64::from(k))
}

#[cfg(test)]
#[path = "tests/float.rs"]
mod tests;
