//! ℚ ↔ MPFR (`rug`): exact conversions between num-bigint/num-rational and GMP integers
//! and rationals (through their binary limbs, no decimal text), rationals rounded into
//! MPFR floats in a stated direction, the exact rational value of an MPFR float, and the
//! one formula from decimal digits to bits.

use crate::Q;
use num_bigint::{BigInt, BigUint, Sign};
use rug::float::Round;
use rug::integer::Order;
use rug::{Float, Integer, Rational};
use std::cmp::Ordering;

/// A num-bigint integer as a GMP integer, exactly.
pub fn bigint_to_integer_exact(n: &BigInt) -> Integer {
    let digits = n.magnitude().to_u32_digits();
    let m = Integer::from_digits(&digits, Order::Lsf);
    if n.sign() == Sign::Minus {
        -m
    } else {
        m
    }
}

/// A GMP integer as a num-bigint integer, exactly.
pub fn integer_to_bigint_exact(n: &Integer) -> BigInt {
    // `write_digits` writes the magnitude (`to_digits` needs rug's `std` feature).
    let mut digits = vec![0u32; n.significant_digits::<u32>()];
    n.write_digits(&mut digits, Order::Lsf);
    let m = BigUint::new(digits);
    let sign = match n.cmp0() {
        Ordering::Less => Sign::Minus,
        Ordering::Equal => Sign::NoSign,
        Ordering::Greater => Sign::Plus,
    };
    BigInt::from_biguint(sign, m)
}

/// An exact rational as a GMP rational, exactly.
pub fn q_to_rational_exact(q: &Q) -> Rational {
    // Both are kept in lowest terms with a positive denominator: no canonicalization.
    Rational::from((
        bigint_to_integer_exact(q.numer()),
        bigint_to_integer_exact(q.denom()),
    ))
}

/// A GMP rational as an exact rational, exactly.
pub fn rational_to_q_exact(r: &Rational) -> Q {
    Q::new(
        integer_to_bigint_exact(r.numer()),
        integer_to_bigint_exact(r.denom()),
    )
}

/// `q` rounded to `prec` bits in direction `round`, with MPFR's ternary value
/// (`Equal` when exact, `Less`/`Greater` when the float is below/above `q`). Within
/// MPFR's current exponent range (see `exactflow_mp::ensure_wide_exponents`).
pub fn q_to_float_round(q: &Q, prec: u32, round: Round) -> (Float, Ordering) {
    Float::with_val_round(prec, &q_to_rational_exact(q), round)
}

/// `q` rounded to nearest (ties to even) at `prec` bits.
pub fn q_to_float_nearest(q: &Q, prec: u32) -> Float {
    q_to_float_round(q, prec, Round::Nearest).0
}

/// The exact rational value of a finite MPFR float; `None` for NaN and infinities.
pub fn float_to_q_exact(x: &Float) -> Option<Q> {
    x.to_rational().map(|r| rational_to_q_exact(&r))
}

/// An MPFR float rounded to the nearest `f64` (ties to even; beyond `f64`'s range: ±∞ or
/// a signed zero, as IEEE rounding gives).
pub fn float_to_f64_nearest(x: &Float) -> f64 {
    x.to_f64()
}

/// Bits needed to hold `digits` significant decimal digits: `⌈digits·log2 10⌉`, the one
/// digits → bits formula. Exact for every `digits < 10^7`: `digits·log2 10` is irrational
/// (never an integer) and its distance to the nearest integer, at least about
/// `10^-7`, is far above the `f64` rounding error of the product (`< 10^-9`).
pub fn digits_to_bits(digits: u32) -> u32 {
    (f64::from(digits) * std::f64::consts::LOG2_10).ceil() as u32
}

#[cfg(test)]
#[path = "tests/mpfr.rs"]
mod tests;
