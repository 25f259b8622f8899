//! Polynomials and rational functions, exactly:
//!
//! * [`PolyRing`] — univariate polynomials over any [`Ring`] (dense, lowest degree first);
//! * [`MPolyRing`] — sparse multivariate polynomials over ℚ (a small, obviously correct
//!   implementation: a sorted map from exponent vectors to non-zero coefficients);
//! * [`FracRing`] — fractions `n/d` over a ring with a [`Derivation`], without gcds
//!   (identities are decided by cross-multiplication: `n₁d₂ − n₂d₁ = 0`).
//!
//! A polynomial is zero iff all its coefficients are zero; so an identity between rational
//! functions checked here is a proof for every value of the variables at which the
//! denominators do not vanish (and they are checked to be non-zero polynomials).

use crate::field::{FieldError, Ring};
use exactflow_core::Q;
use num_traits::Zero;
use std::collections::BTreeMap;

/// A derivation `∂` on a ring (additive, Leibniz rule).
pub trait Derivation: Ring {
    /// `∂x`.
    fn derive(&self, x: &Self::Elem) -> Self::Elem;
}

/// Univariate polynomials over `R`; an element is its coefficient vector, lowest degree
/// first, without trailing zeros (the zero polynomial is empty).
#[derive(Debug, Clone)]
pub struct PolyRing<R: Ring> {
    /// The coefficient ring.
    pub base: R,
}

impl<R: Ring> PolyRing<R> {
    /// The polynomial with these coefficients (lowest degree first), normalized.
    pub fn from_coeffs(&self, mut c: Vec<R::Elem>) -> Vec<R::Elem> {
        while c.last().is_some_and(|x| self.base.is_zero(x)) {
            c.pop();
        }
        c
    }

    /// The variable `X`.
    pub fn x(&self) -> Vec<R::Elem> {
        vec![self.base.zero(), self.base.one()]
    }

    /// The constant polynomial `c`.
    pub fn constant(&self, c: &R::Elem) -> Vec<R::Elem> {
        self.from_coeffs(vec![c.clone()])
    }

    /// `c·p` for a coefficient `c`.
    pub fn scale_by(&self, p: &[R::Elem], c: &R::Elem) -> Vec<R::Elem> {
        self.from_coeffs(p.iter().map(|x| self.base.mul(x, c)).collect())
    }

    /// `p(x)` by Horner's rule.
    pub fn eval(&self, p: &[R::Elem], x: &R::Elem) -> R::Elem {
        let mut acc = self.base.zero();
        for c in p.iter().rev() {
            acc = self.base.add(&self.base.mul(&acc, x), c);
        }
        acc
    }

    /// Degree (`None` for the zero polynomial).
    pub fn degree(&self, p: &[R::Elem]) -> Option<usize> {
        p.len().checked_sub(1)
    }
}

impl<R: Ring> Ring for PolyRing<R> {
    type Elem = Vec<R::Elem>;
    fn zero(&self) -> Self::Elem {
        Vec::new()
    }
    fn one(&self) -> Self::Elem {
        vec![self.base.one()]
    }
    fn embed_q(&self, q: &Q) -> Self::Elem {
        self.from_coeffs(vec![self.base.embed_q(q)])
    }
    fn add(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem {
        let n = x.len().max(y.len());
        let z = self.base.zero();
        self.from_coeffs(
            (0..n)
                .map(|i| {
                    self.base
                        .add(x.get(i).unwrap_or(&z), y.get(i).unwrap_or(&z))
                })
                .collect(),
        )
    }
    fn sub(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem {
        let n = x.len().max(y.len());
        let z = self.base.zero();
        self.from_coeffs(
            (0..n)
                .map(|i| {
                    self.base
                        .sub(x.get(i).unwrap_or(&z), y.get(i).unwrap_or(&z))
                })
                .collect(),
        )
    }
    fn neg(&self, x: &Self::Elem) -> Self::Elem {
        x.iter().map(|c| self.base.neg(c)).collect()
    }
    fn mul(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem {
        if x.is_empty() || y.is_empty() {
            return Vec::new();
        }
        let mut out = vec![self.base.zero(); x.len() + y.len() - 1];
        for (i, a) in x.iter().enumerate() {
            if self.base.is_zero(a) {
                continue;
            }
            for (j, b) in y.iter().enumerate() {
                if self.base.is_zero(b) {
                    continue;
                }
                if let Some(slot) = out.get_mut(i + j) {
                    *slot = self.base.add(slot, &self.base.mul(a, b));
                }
            }
        }
        self.from_coeffs(out)
    }
    fn is_zero(&self, x: &Self::Elem) -> bool {
        x.iter().all(|c| self.base.is_zero(c))
    }
}

impl<R: Ring> Derivation for PolyRing<R> {
    /// `d/dX`.
    fn derive(&self, x: &Self::Elem) -> Self::Elem {
        self.from_coeffs(
            x.iter()
                .enumerate()
                .skip(1)
                .map(|(i, c)| self.base.mul(c, &self.base.int(i as i64)))
                .collect(),
        )
    }
}

/// Sparse multivariate polynomials over ℚ in `nvars` variables; an element maps exponent
/// vectors to non-zero coefficients.
#[derive(Debug, Clone)]
pub struct MPolyRing {
    /// Number of variables.
    pub nvars: usize,
    /// Variable `∂` differentiates by (for [`Derivation`]).
    pub wrt: usize,
}

/// A multivariate polynomial over ℚ.
pub type MPoly = BTreeMap<Vec<u32>, Q>;

impl MPolyRing {
    /// The ring ℚ[x₀, …, x_{n−1}], differentiating by `x_wrt`.
    pub fn new(nvars: usize, wrt: usize) -> Self {
        MPolyRing { nvars, wrt }
    }

    /// The variable `x_i` (the zero polynomial if `i` is out of range).
    pub fn var(&self, i: usize) -> MPoly {
        let mut m = MPoly::new();
        if i < self.nvars {
            let mut e = vec![0; self.nvars];
            if let Some(slot) = e.get_mut(i) {
                *slot = 1;
            }
            m.insert(e, Q::from_integer(1.into()));
        }
        m
    }

    /// Number of terms.
    pub fn terms(&self, p: &MPoly) -> usize {
        p.len()
    }

    /// `p` with `x_i` replaced by the rational `v`.
    pub fn substitute(&self, p: &MPoly, i: usize, v: &Q) -> MPoly {
        let mut out = MPoly::new();
        for (e, c) in p {
            let k = e.get(i).copied().unwrap_or(0);
            let mut e2 = e.clone();
            if let Some(slot) = e2.get_mut(i) {
                *slot = 0;
            }
            let term = c * num_traits::pow(v.clone(), k as usize);
            add_term(&mut out, e2, term);
        }
        out
    }
}

fn add_term(p: &mut MPoly, e: Vec<u32>, c: Q) {
    use std::collections::btree_map::Entry;
    if c.is_zero() {
        return;
    }
    match p.entry(e) {
        Entry::Occupied(mut o) => {
            *o.get_mut() += &c;
            if o.get().is_zero() {
                o.remove();
            }
        }
        Entry::Vacant(v) => {
            v.insert(c);
        }
    }
}

impl Ring for MPolyRing {
    type Elem = MPoly;
    fn zero(&self) -> MPoly {
        MPoly::new()
    }
    fn one(&self) -> MPoly {
        self.embed_q(&Q::from_integer(1.into()))
    }
    fn embed_q(&self, q: &Q) -> MPoly {
        let mut m = MPoly::new();
        add_term(&mut m, vec![0; self.nvars], q.clone());
        m
    }
    fn add(&self, x: &MPoly, y: &MPoly) -> MPoly {
        let mut out = x.clone();
        for (e, c) in y {
            add_term(&mut out, e.clone(), c.clone());
        }
        out
    }
    fn sub(&self, x: &MPoly, y: &MPoly) -> MPoly {
        let mut out = x.clone();
        for (e, c) in y {
            add_term(&mut out, e.clone(), -c);
        }
        out
    }
    fn neg(&self, x: &MPoly) -> MPoly {
        x.iter().map(|(e, c)| (e.clone(), -c)).collect()
    }
    fn mul(&self, x: &MPoly, y: &MPoly) -> MPoly {
        let mut out = MPoly::new();
        for (ex, cx) in x {
            for (ey, cy) in y {
                let e: Vec<u32> = ex.iter().zip(ey).map(|(a, b)| a + b).collect();
                add_term(&mut out, e, cx * cy);
            }
        }
        out
    }
    fn is_zero(&self, x: &MPoly) -> bool {
        x.values().all(|c| c.is_zero())
    }
    fn scale(&self, x: &MPoly, q: &Q) -> MPoly {
        if q.is_zero() {
            return MPoly::new();
        }
        x.iter().map(|(e, c)| (e.clone(), c * q)).collect()
    }
}

impl Derivation for MPolyRing {
    /// `∂/∂x_wrt`.
    fn derive(&self, x: &MPoly) -> MPoly {
        let mut out = MPoly::new();
        for (e, c) in x {
            let k = e.get(self.wrt).copied().unwrap_or(0);
            if k == 0 {
                continue;
            }
            let mut e2 = e.clone();
            if let Some(slot) = e2.get_mut(self.wrt) {
                *slot = k - 1;
            }
            add_term(&mut out, e2, c * Q::from_integer(k.into()));
        }
        out
    }
}

/// Fractions `n/d` over a ring with a derivation (`d ≠ 0` is maintained: division by a
/// zero element is refused).
#[derive(Debug, Clone)]
pub struct FracRing<R: Derivation> {
    /// The ring of numerators and denominators.
    pub base: R,
}

/// A fraction `num/den`.
#[derive(Debug, Clone, PartialEq)]
pub struct Frac<E> {
    /// Numerator.
    pub num: E,
    /// Denominator (never the zero element).
    pub den: E,
}

impl<R: Derivation> FracRing<R> {
    /// The fraction `x/1`.
    pub fn embed(&self, x: &R::Elem) -> Frac<R::Elem> {
        Frac {
            num: x.clone(),
            den: self.base.one(),
        }
    }

    /// `x / y`.
    ///
    /// # Errors
    /// [`FieldError::DivisionByZero`] when `y` is the zero fraction.
    pub fn div(&self, x: &Frac<R::Elem>, y: &Frac<R::Elem>) -> Result<Frac<R::Elem>, FieldError> {
        if self.base.is_zero(&y.num) {
            return Err(FieldError::DivisionByZero("rational function"));
        }
        Ok(Frac {
            num: self.base.mul(&x.num, &y.den),
            den: self.base.mul(&x.den, &y.num),
        })
    }

    /// `∂(n/d) = (∂n·d − n·∂d)/d²`.
    pub fn derive(&self, x: &Frac<R::Elem>) -> Frac<R::Elem> {
        let b = &self.base;
        Frac {
            num: b.sub(
                &b.mul(&b.derive(&x.num), &x.den),
                &b.mul(&x.num, &b.derive(&x.den)),
            ),
            den: b.mul(&x.den, &x.den),
        }
    }
}

impl<R: Derivation> Ring for FracRing<R> {
    type Elem = Frac<R::Elem>;
    fn zero(&self) -> Self::Elem {
        self.embed(&self.base.zero())
    }
    fn one(&self) -> Self::Elem {
        self.embed(&self.base.one())
    }
    fn embed_q(&self, q: &Q) -> Self::Elem {
        self.embed(&self.base.embed_q(q))
    }
    fn add(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem {
        let b = &self.base;
        if x.den == y.den {
            return Frac {
                num: b.add(&x.num, &y.num),
                den: x.den.clone(),
            };
        }
        Frac {
            num: b.add(&b.mul(&x.num, &y.den), &b.mul(&y.num, &x.den)),
            den: b.mul(&x.den, &y.den),
        }
    }
    fn sub(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem {
        self.add(x, &self.neg(y))
    }
    fn neg(&self, x: &Self::Elem) -> Self::Elem {
        Frac {
            num: self.base.neg(&x.num),
            den: x.den.clone(),
        }
    }
    fn mul(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem {
        Frac {
            num: self.base.mul(&x.num, &y.num),
            den: self.base.mul(&x.den, &y.den),
        }
    }
    fn is_zero(&self, x: &Self::Elem) -> bool {
        self.base.is_zero(&x.num)
    }
    fn scale(&self, x: &Self::Elem, q: &Q) -> Self::Elem {
        Frac {
            num: self.base.scale(&x.num, q),
            den: x.den.clone(),
        }
    }
}
