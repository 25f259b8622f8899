//! Exact sums of products of rationals, at a predictable cost.
//!
//! `|u₀|²`, `|w₀|²` and `u₀·w₀` of an explicit initialization are exact rationals whose
//! denominators can grow with every term (`u₀ᵢ = 1/i` gives `lcm(1..d)²`, about `2.9·d`
//! bits). Adding the terms one by one in `num-rational` reduces by a gcd of the growing
//! sum at every step, and its gcd is quadratic (binary): `d = 10⁴` took 30 s and
//! `3·10⁴` minutes. Here the terms are summed in a balanced tree (binary splitting) of GMP
//! rationals: every node is canonical (GMP's subquadratic gcd keeps it at the size of the
//! lcm of its denominators), so the cost is `O(M(B) log B)` in the total size `B` of the
//! input bits, and the one result is converted back. The value is exact either way; only
//! the cost changes.
//!
//! [`MAX_INPUT_BITS`] bounds the input of the sums, [`MAX_EXACT_BITS`] the size of each
//! result the rest of exactflow computes with (the reduction, the engines' roundings and
//! the exact checker work on it with `num-rational`); validation refuses beyond either
//! rather than run for minutes (`ScenarioSpec::validate`).

use crate::number::Q;
use num_bigint::{BigInt, Sign};
use rug::integer::Order;
use rug::{Integer, Rational};

/// Largest size, in bits (numerator plus denominator), of an exact sum `|u₀|²`, `|w₀|²`
/// or `u₀·w₀` of an explicit initialization (2¹⁸ bits, about 79,000 decimal digits).
pub const MAX_EXACT_BITS: u64 = 1 << 18;

/// Largest total size, in bits, of the entries of an explicit `u₀` or `w₀` (2²² bits:
/// 512 KB of numerators and denominators; `1/k` for `k` up to about 220,000). It bounds
/// the cost of the sums themselves (a few seconds at most) before they are formed.
pub const MAX_INPUT_BITS: u64 = 1 << 22;

/// A `num` integer as a GMP integer (exact, linear time).
fn to_gmp(n: &BigInt) -> Integer {
    let (sign, digits) = n.to_u64_digits();
    let m = Integer::from_digits(&digits, Order::Lsf);
    if sign == Sign::Minus {
        -m
    } else {
        m
    }
}

/// A GMP integer as a `num` integer (exact, linear time).
fn from_gmp(n: &Integer) -> BigInt {
    let mut digits = vec![0u32; n.significant_digits::<u32>()];
    n.write_digits(&mut digits, Order::Lsf);
    let m = BigInt::from_biguint(Sign::Plus, num_bigint::BigUint::new(digits));
    if n.is_negative() {
        -m
    } else {
        m
    }
}

/// An exact rational as a GMP rational (exact, linear time).
pub fn to_gmp_q(q: &Q) -> Rational {
    // Q is canonical (lowest terms, positive denominator); rug canonicalizes anyway.
    Rational::from((to_gmp(q.numer()), to_gmp(q.denom())))
}

/// A GMP rational as an exact rational (exact, linear time: GMP keeps it canonical, so
/// no gcd is taken again).
pub fn from_gmp_q(r: &Rational) -> Q {
    // GMP rationals are canonical: lowest terms, positive denominator, as Q requires.
    Q::new_raw(from_gmp(r.numer()), from_gmp(r.denom()))
}

/// Sum of `terms`, in a balanced tree.
fn tree_sum(terms: &[Rational]) -> Rational {
    match terms.len() {
        0 => Rational::new(),
        1 => terms[0].clone(),
        n => {
            let (a, b) = terms.split_at(n / 2);
            tree_sum(a) + tree_sum(b)
        }
    }
}

/// The size of a rational in bits: numerator plus denominator.
pub fn bits(q: &Q) -> u64 {
    q.numer().bits() + q.denom().bits()
}

/// The three exact sums `(Σ aᵢ², Σ bᵢ², Σ aᵢbᵢ)` of two vectors of the same length.
///
/// Exact (no rounding); cost `O(M(B) log B)` in the total bits `B` of the entries. No size
/// limit here: validation applies [`MAX_INPUT_BITS`] and [`MAX_EXACT_BITS`].
pub fn exact_sums(a: &[Q], b: &[Q]) -> (Q, Q, Q) {
    let ga: Vec<Rational> = a.iter().map(to_gmp_q).collect();
    let gb: Vec<Rational> = b.iter().map(to_gmp_q).collect();
    let dot = |x: &[Rational], y: &[Rational]| -> Q {
        let prods: Vec<Rational> = x
            .iter()
            .zip(y)
            .map(|(p, q)| Rational::from(p * q))
            .collect();
        from_gmp_q(&tree_sum(&prods))
    };
    (dot(&ga, &ga), dot(&gb, &gb), dot(&ga, &gb))
}

#[cfg(test)]
#[path = "tests/sums.rs"]
mod tests;
