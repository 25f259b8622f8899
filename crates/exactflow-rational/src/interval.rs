//! Rational intervals with outward-rounded dyadic endpoints, and rigorous decimals of
//! exact field elements.
//!
//! Contract (Arb-style, stated once): every operation returns an interval that contains
//! every exact result for every pair of points of its inputs. Square roots and
//! re-roundings move endpoints *outward* to multiples of `2^-bits`, so endpoint sizes stay
//! bounded while the enclosure stays valid. No floating point is used anywhere.

use crate::field::OrderedField;
use exactflow_core::number::format_q_sci;
use exactflow_core::Q;
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

/// A closed interval `[lo, hi]` of rationals (`lo ≤ hi`).
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    /// Lower endpoint.
    pub lo: Q,
    /// Upper endpoint.
    pub hi: Q,
}

fn pow2(bits: u32) -> BigInt {
    BigInt::one() << bits
}

/// `⌊q·2^bits⌋ / 2^bits`.
fn floor_dyadic(q: &Q, bits: u32) -> Q {
    let scaled = q.numer() * pow2(bits);
    Q::new(scaled.div_floor(q.denom()), pow2(bits))
}

/// `⌈q·2^bits⌉ / 2^bits`.
fn ceil_dyadic(q: &Q, bits: u32) -> Q {
    let scaled = q.numer() * pow2(bits);
    let (d, m) = scaled.div_mod_floor(q.denom());
    let d = if m.is_zero() { d } else { d + 1 };
    Q::new(d, pow2(bits))
}

fn min_max(v: [Q; 4]) -> (Q, Q) {
    let [a, b, c, d] = v;
    let mut lo = a.clone();
    let mut hi = a;
    for x in [b, c, d] {
        if x < lo {
            lo = x.clone();
        }
        if x > hi {
            hi = x;
        }
    }
    (lo, hi)
}

impl Interval {
    /// The one-point interval `[q, q]`.
    pub fn point(q: Q) -> Self {
        Interval {
            lo: q.clone(),
            hi: q,
        }
    }

    /// `hi − lo`.
    pub fn width(&self) -> Q {
        &self.hi - &self.lo
    }

    /// Whether `q ∈ [lo, hi]`.
    pub fn contains(&self, q: &Q) -> bool {
        &self.lo <= q && q <= &self.hi
    }

    /// Interval sum.
    pub fn add(&self, o: &Interval) -> Interval {
        Interval {
            lo: &self.lo + &o.lo,
            hi: &self.hi + &o.hi,
        }
    }

    /// Interval product (the hull of the four endpoint products).
    pub fn mul(&self, o: &Interval) -> Interval {
        let (lo, hi) = min_max([
            &self.lo * &o.lo,
            &self.lo * &o.hi,
            &self.hi * &o.lo,
            &self.hi * &o.hi,
        ]);
        Interval { lo, hi }
    }

    /// Endpoints moved outward to multiples of `2^-bits` (a no-op on dyadic endpoints of
    /// that precision). Keeps sizes bounded.
    pub fn round_out(&self, bits: u32) -> Interval {
        Interval {
            lo: floor_dyadic(&self.lo, bits),
            hi: ceil_dyadic(&self.hi, bits),
        }
    }

    /// An enclosure of `√x` for every `x ∈ self ∩ [0, ∞)` (the caller knows the exact
    /// value is ≥ 0, so a negative lower endpoint from rounding is clamped to 0), with
    /// endpoints at multiples of `2^-bits`: `⌊√⌊lo·4^b⌋⌋/2^b ≤ √lo` and
    /// `√hi ≤ ⌈√⌈hi·4^b⌉⌉/2^b`.
    pub fn sqrt(&self, bits: u32) -> Interval {
        let scale = BigInt::one() << (2 * bits);
        let lo = if self.lo.is_positive() {
            let n = (self.lo.numer() * &scale).div_floor(self.lo.denom());
            let r = isqrt_floor(&n);
            Q::new(r, pow2(bits))
        } else {
            Q::zero()
        };
        let hi = if self.hi.is_positive() {
            let n = ceil_div(&(self.hi.numer() * &scale), self.hi.denom());
            let r = isqrt_ceil(&n);
            Q::new(r, pow2(bits))
        } else {
            Q::zero()
        };
        Interval { lo, hi }
    }
}

fn ceil_div(a: &BigInt, b: &BigInt) -> BigInt {
    let (d, m) = a.div_mod_floor(b);
    if m.is_zero() {
        d
    } else {
        d + 1
    }
}

/// `⌊√n⌋` for `n ≥ 0` (0 for negative input).
fn isqrt_floor(n: &BigInt) -> BigInt {
    match n.to_biguint() {
        Some(u) => BigInt::from(u.sqrt()),
        None => BigInt::zero(),
    }
}

/// `⌈√n⌉` for `n ≥ 0`.
fn isqrt_ceil(n: &BigInt) -> BigInt {
    let u: BigUint = n
        .to_biguint()
        .expect("isqrt_ceil is called on non-negative integers only");
    let r = u.sqrt();
    if &r * &r == u {
        BigInt::from(r)
    } else {
        BigInt::from(r) + 1
    }
}

/// Largest precision tried before falling back to a faithful (not correctly rounded)
/// decimal.
pub const MAX_BITS: u32 = 1 << 17;

/// A decimal of an exact number and what is guaranteed about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    /// Scientific notation, `digits` significant digits (`1.2345e-3`).
    pub text: String,
    /// `true`: the correctly rounded decimal (nearest, ties to even) of the exact value.
    /// `false`: within one unit in the last digit (only for values closer to a rounding
    /// boundary than `2^-MAX_BITS`).
    pub correctly_rounded: bool,
}

/// The decimal of `x ∈ f` with `digits` significant digits, computed rigorously from the
/// exact element: a rational is formatted directly; otherwise the enclosure is refined
/// (precision doubled) until both endpoints round to the same decimal — rounding is
/// monotone, so every point of the interval, `x` included, rounds to it.
pub fn decimal<F: OrderedField>(f: &F, x: &F::Elem, digits: usize) -> Decimal {
    if let Some(q) = f.as_rational(x) {
        return Decimal {
            text: format_q_sci(&q, digits),
            correctly_rounded: true,
        };
    }
    let mut bits = 128u32;
    loop {
        let iv = f.enclose(x, bits);
        let lo = format_q_sci(&iv.lo, digits);
        let hi = format_q_sci(&iv.hi, digits);
        if lo == hi {
            return Decimal {
                text: lo,
                correctly_rounded: true,
            };
        }
        if bits >= MAX_BITS {
            // The interval is narrower than 2^-MAX_BITS: the midpoint's correctly rounded
            // decimal is within half a unit plus that width of x (faithful).
            let mid = (&iv.lo + &iv.hi) / Q::from_integer(BigInt::from(2));
            return Decimal {
                text: format_q_sci(&mid, digits),
                correctly_rounded: false,
            };
        }
        bits *= 2;
    }
}

/// A rational interval of width at most `2^-bits·(1 + |x|)`-ish around `x` (the
/// enclosure of [`OrderedField::enclose`], refined until its width is below `tol`).
pub fn enclose_to<F: OrderedField>(f: &F, x: &F::Elem, tol: &Q) -> Interval {
    let mut bits = 64u32;
    loop {
        let iv = f.enclose(x, bits);
        if &iv.width() <= tol || bits >= MAX_BITS {
            return iv;
        }
        bits *= 2;
    }
}

/// `√v` of an exact non-negative element, as a decimal (for values that are square roots
/// of field elements, such as the limit alignment `ζ(∞) = ±√(ζ(∞)²)`); `negative` gives
/// `−√v`. Same refinement as [`decimal`].
pub fn decimal_signed_sqrt<F: OrderedField>(
    f: &F,
    v: &F::Elem,
    negative: bool,
    digits: usize,
) -> Decimal {
    if let Some(r) = f.sqrt_exact(v) {
        let r = if negative { f.neg(&r) } else { r };
        return decimal(f, &r, digits);
    }
    let mut bits = 128u32;
    loop {
        let iv = f.enclose(v, bits).sqrt(bits);
        let iv = if negative {
            Interval {
                lo: -iv.hi,
                hi: -iv.lo,
            }
        } else {
            iv
        };
        let lo = format_q_sci(&iv.lo, digits);
        let hi = format_q_sci(&iv.hi, digits);
        if lo == hi || bits >= MAX_BITS {
            return Decimal {
                correctly_rounded: lo == hi,
                text: lo,
            };
        }
        bits *= 2;
    }
}
