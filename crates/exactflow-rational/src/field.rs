//! Exact arithmetic structures as *context objects*: a [`Ring`] or [`OrderedField`] value
//! knows how to combine its elements (`f.mul(&x, &y)`). A context holds what the elements
//! share — for a quadratic extension the radicand — so elements of different fields can
//! never be mixed by accident and no operation needs to panic.
//!
//! Implementations here: [`Rationals`] (ℚ), [`DualRing`] (first-order dual numbers
//! `x + ε·x'`, ε² = 0, for exact Jacobian–vector products). The quadratic extension is
//! [`crate::quad::Quad`], the polynomial rings are in [`crate::poly`].

use crate::interval::Interval;
use exactflow_core::Q;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use std::cmp::Ordering;
use std::fmt::Debug;
use thiserror::Error;

/// Why a field operation has no result.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FieldError {
    /// Division by the zero element.
    #[error("division by zero in {0}")]
    DivisionByZero(&'static str),
    /// A quadratic extension by a negative radicand is not an ordered real field.
    #[error("negative radicand {0}: the extension would not be real")]
    NegativeRadicand(String),
}

/// A commutative ring with unit whose elements are compared exactly.
pub trait Ring: Clone + Debug {
    /// Element type.
    type Elem: Clone + PartialEq + Debug;
    /// 0.
    fn zero(&self) -> Self::Elem;
    /// 1.
    fn one(&self) -> Self::Elem;
    /// The image of a rational (every ring here contains ℚ).
    fn embed_q(&self, q: &Q) -> Self::Elem;
    /// `x + y`.
    fn add(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem;
    /// `x − y`.
    fn sub(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem;
    /// `−x`.
    fn neg(&self, x: &Self::Elem) -> Self::Elem;
    /// `x · y`.
    fn mul(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem;
    /// Whether `x` is the zero element (decided exactly).
    fn is_zero(&self, x: &Self::Elem) -> bool;

    /// The image of an integer.
    fn int(&self, n: i64) -> Self::Elem {
        self.embed_q(&Q::from_integer(BigInt::from(n)))
    }
    /// `q · x` for a rational `q`.
    fn scale(&self, x: &Self::Elem, q: &Q) -> Self::Elem {
        self.mul(x, &self.embed_q(q))
    }
    /// `x²`.
    fn sq(&self, x: &Self::Elem) -> Self::Elem {
        self.mul(x, x)
    }
    /// `Σ xᵢ yᵢ`, skipping zero factors.
    fn dot(&self, x: &[Self::Elem], y: &[Self::Elem]) -> Self::Elem {
        let mut acc = self.zero();
        for (a, b) in x.iter().zip(y) {
            if !self.is_zero(a) && !self.is_zero(b) {
                acc = self.add(&acc, &self.mul(a, b));
            }
        }
        acc
    }
    /// Whether `x = y` (decided exactly).
    fn equal(&self, x: &Self::Elem, y: &Self::Elem) -> bool {
        self.is_zero(&self.sub(x, y))
    }
}

/// An ordered field in which the order is decidable exactly: sign, comparison, exact
/// square roots when they exist, rigorous rational enclosures, exact text.
pub trait OrderedField: Ring {
    /// `1/x`.
    ///
    /// # Errors
    /// [`FieldError::DivisionByZero`] when `x = 0`.
    fn inv(&self, x: &Self::Elem) -> Result<Self::Elem, FieldError>;
    /// Sign of `x`, exactly.
    fn sign(&self, x: &Self::Elem) -> Ordering;
    /// `√x` when `x ≥ 0` is the square of an element of this field (the non-negative
    /// root), `None` otherwise.
    fn sqrt_exact(&self, x: &Self::Elem) -> Option<Self::Elem>;
    /// A rational interval containing `x`, each irrational step rounded outward at
    /// absolute precision `2^-bits` (so tighter as `bits` grows).
    fn enclose(&self, x: &Self::Elem, bits: u32) -> Interval;
    /// `x` as a rational, when it is one.
    fn as_rational(&self, x: &Self::Elem) -> Option<Q>;
    /// Exact text of `x`.
    fn render(&self, x: &Self::Elem) -> String;
    /// Total bits of the rationals that make up `x` (its size).
    fn bits(&self, x: &Self::Elem) -> u64;

    /// `x / y`.
    ///
    /// # Errors
    /// [`FieldError::DivisionByZero`] when `y = 0`.
    fn div(&self, x: &Self::Elem, y: &Self::Elem) -> Result<Self::Elem, FieldError> {
        Ok(self.mul(x, &self.inv(y)?))
    }
    /// Exact comparison of `x` and `y`.
    fn cmp(&self, x: &Self::Elem, y: &Self::Elem) -> Ordering {
        self.sign(&self.sub(x, y))
    }
    /// `|x|`.
    fn abs(&self, x: &Self::Elem) -> Self::Elem {
        if self.sign(x) == Ordering::Less {
            self.neg(x)
        } else {
            x.clone()
        }
    }
}

/// The field ℚ of rationals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rationals;

impl Ring for Rationals {
    type Elem = Q;
    fn zero(&self) -> Q {
        Q::zero()
    }
    fn one(&self) -> Q {
        Q::from_integer(BigInt::from(1))
    }
    fn embed_q(&self, q: &Q) -> Q {
        q.clone()
    }
    fn add(&self, x: &Q, y: &Q) -> Q {
        x + y
    }
    fn sub(&self, x: &Q, y: &Q) -> Q {
        x - y
    }
    fn neg(&self, x: &Q) -> Q {
        -x
    }
    fn mul(&self, x: &Q, y: &Q) -> Q {
        if x.is_zero() || y.is_zero() {
            return Q::zero();
        }
        x * y
    }
    fn is_zero(&self, x: &Q) -> bool {
        x.is_zero()
    }
    fn scale(&self, x: &Q, q: &Q) -> Q {
        self.mul(x, q)
    }
}

impl OrderedField for Rationals {
    fn inv(&self, x: &Q) -> Result<Q, FieldError> {
        if x.is_zero() {
            Err(FieldError::DivisionByZero("Q"))
        } else {
            Ok(x.recip())
        }
    }
    fn sign(&self, x: &Q) -> Ordering {
        if x.is_positive() {
            Ordering::Greater
        } else if x.is_negative() {
            Ordering::Less
        } else {
            Ordering::Equal
        }
    }
    fn sqrt_exact(&self, x: &Q) -> Option<Q> {
        sqrt_q_exact(x)
    }
    fn enclose(&self, x: &Q, _bits: u32) -> Interval {
        Interval::point(x.clone())
    }
    fn as_rational(&self, x: &Q) -> Option<Q> {
        Some(x.clone())
    }
    fn render(&self, x: &Q) -> String {
        x.to_string()
    }
    fn bits(&self, x: &Q) -> u64 {
        x.numer().bits() + x.denom().bits()
    }
}

/// `√q` when `q ≥ 0` is the square of a rational (its numerator and denominator, in
/// lowest terms, are perfect squares).
pub fn sqrt_q_exact(q: &Q) -> Option<Q> {
    if q.is_negative() {
        return None;
    }
    let n = q.numer().magnitude();
    let d = q.denom().magnitude();
    let rn = n.sqrt();
    let rd = d.sqrt();
    if &(&rn * &rn) == n && &(&rd * &rd) == d {
        Some(Q::new(BigInt::from(rn), BigInt::from(rd)))
    } else {
        None
    }
}

/// Dual numbers over a ring: `x + ε·x'` with `ε² = 0`. Evaluating a polynomial map `F` at
/// `x + ε·v` gives `F(x) + ε·J_F(x)·v` exactly: Jacobian–vector products without
/// differentiating by hand.
#[derive(Debug, Clone)]
pub struct DualRing<R: Ring> {
    /// The base ring.
    pub base: R,
}

/// An element `re + ε·eps` of a [`DualRing`].
#[derive(Debug, Clone, PartialEq)]
pub struct Dual<E> {
    /// Primal part.
    pub re: E,
    /// Tangent part (coefficient of ε).
    pub eps: E,
}

impl<R: Ring> Ring for DualRing<R> {
    type Elem = Dual<R::Elem>;
    fn zero(&self) -> Self::Elem {
        Dual {
            re: self.base.zero(),
            eps: self.base.zero(),
        }
    }
    fn one(&self) -> Self::Elem {
        Dual {
            re: self.base.one(),
            eps: self.base.zero(),
        }
    }
    fn embed_q(&self, q: &Q) -> Self::Elem {
        Dual {
            re: self.base.embed_q(q),
            eps: self.base.zero(),
        }
    }
    fn add(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem {
        Dual {
            re: self.base.add(&x.re, &y.re),
            eps: self.base.add(&x.eps, &y.eps),
        }
    }
    fn sub(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem {
        Dual {
            re: self.base.sub(&x.re, &y.re),
            eps: self.base.sub(&x.eps, &y.eps),
        }
    }
    fn neg(&self, x: &Self::Elem) -> Self::Elem {
        Dual {
            re: self.base.neg(&x.re),
            eps: self.base.neg(&x.eps),
        }
    }
    fn mul(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem {
        let b = &self.base;
        let re = if b.is_zero(&x.re) || b.is_zero(&y.re) {
            b.zero()
        } else {
            b.mul(&x.re, &y.re)
        };
        let mut eps = b.zero();
        if !b.is_zero(&x.re) && !b.is_zero(&y.eps) {
            eps = b.mul(&x.re, &y.eps);
        }
        if !b.is_zero(&x.eps) && !b.is_zero(&y.re) {
            eps = b.add(&eps, &b.mul(&x.eps, &y.re));
        }
        Dual { re, eps }
    }
    fn is_zero(&self, x: &Self::Elem) -> bool {
        self.base.is_zero(&x.re) && self.base.is_zero(&x.eps)
    }
}
