//! The quadratic extension `F(√r)` of an exactly ordered field `F` by a radicand `r ≥ 0`:
//! elements `a + b√r`, one generic type used at every level of the tower
//! `ℚ ⊂ ℚ(√(η_u η_w)) ⊂ ℚ(√(η_u η_w))(√(B² + 4AC))` (docs/model.md §8).
//!
//! Canonical form: when `r` is itself a square in `F` (`r = s²`, including `r = 0`) the
//! extension is `F` again and every element is stored as `(a + b s, 0)`; otherwise `a + b√r`
//! with `a, b ∈ F` is unique. So equality is componentwise, and `a² − b² r ≠ 0` for every
//! non-zero element (else `r = (a/b)²`), which makes inversion total on non-zero elements.
//!
//! Sign, exactly: for `x = a + b√r`, if `a` and `b√r` have the same sign (or one is 0) that
//! is the sign; otherwise `x` has the sign of the larger magnitude, i.e.
//! `sign(x) = sign(a)·sign(a² − b² r)`.

use crate::field::{FieldError, OrderedField, Ring};
use crate::interval::Interval;
use exactflow_core::Q;
use std::cmp::Ordering;

/// The field `F(√r)`.
#[derive(Debug, Clone)]
pub struct Quad<F: OrderedField> {
    base: F,
    r: F::Elem,
    /// `Some(s)` when `r = s²` in `F` (the extension is trivial).
    root: Option<F::Elem>,
}

/// An element `a + b√r` of a [`Quad`] field.
#[derive(Debug, Clone, PartialEq)]
pub struct QuadElem<E> {
    /// Rational (base-field) part.
    pub a: E,
    /// Coefficient of `√r`.
    pub b: E,
}

impl<F: OrderedField> Quad<F> {
    /// `F(√r)`.
    ///
    /// # Errors
    /// [`FieldError::NegativeRadicand`] when `r < 0`.
    pub fn new(base: F, r: F::Elem) -> Result<Self, FieldError> {
        if base.sign(&r) == Ordering::Less {
            return Err(FieldError::NegativeRadicand(base.render(&r)));
        }
        let root = base.sqrt_exact(&r);
        Ok(Quad { base, r, root })
    }

    /// The base field.
    pub fn base(&self) -> &F {
        &self.base
    }

    /// The radicand `r`.
    pub fn radicand(&self) -> &F::Elem {
        &self.r
    }

    /// Whether `√r ∈ F` (the extension is trivial).
    pub fn is_trivial(&self) -> bool {
        self.root.is_some()
    }

    /// `a + b√r`, canonicalized.
    pub fn make(&self, a: F::Elem, b: F::Elem) -> QuadElem<F::Elem> {
        match &self.root {
            Some(s) => QuadElem {
                a: self.base.add(&a, &self.base.mul(&b, s)),
                b: self.base.zero(),
            },
            None => QuadElem { a, b },
        }
    }

    /// The image of a base-field element.
    pub fn embed(&self, a: &F::Elem) -> QuadElem<F::Elem> {
        QuadElem {
            a: a.clone(),
            b: self.base.zero(),
        }
    }

    /// `√r` itself.
    pub fn sqrt_r(&self) -> QuadElem<F::Elem> {
        self.make(self.base.zero(), self.base.one())
    }

    /// The conjugate `a − b√r`.
    pub fn conj(&self, x: &QuadElem<F::Elem>) -> QuadElem<F::Elem> {
        QuadElem {
            a: x.a.clone(),
            b: self.base.neg(&x.b),
        }
    }

    /// The norm `a² − b² r ∈ F` (= x · conj(x)).
    pub fn norm(&self, x: &QuadElem<F::Elem>) -> F::Elem {
        let f = &self.base;
        f.sub(&f.sq(&x.a), &f.mul(&f.sq(&x.b), &self.r))
    }

    /// The element as a base-field element, when its `√r` part is zero.
    pub fn to_base(&self, x: &QuadElem<F::Elem>) -> Option<F::Elem> {
        if self.base.is_zero(&x.b) {
            Some(x.a.clone())
        } else {
            None
        }
    }
}

impl<F: OrderedField> Ring for Quad<F> {
    type Elem = QuadElem<F::Elem>;
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
        QuadElem {
            a: self.base.add(&x.a, &y.a),
            b: self.base.add(&x.b, &y.b),
        }
    }
    fn sub(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem {
        QuadElem {
            a: self.base.sub(&x.a, &y.a),
            b: self.base.sub(&x.b, &y.b),
        }
    }
    fn neg(&self, x: &Self::Elem) -> Self::Elem {
        QuadElem {
            a: self.base.neg(&x.a),
            b: self.base.neg(&x.b),
        }
    }
    fn mul(&self, x: &Self::Elem, y: &Self::Elem) -> Self::Elem {
        let f = &self.base;
        if self.is_zero(x) || self.is_zero(y) {
            return self.zero();
        }
        let xb0 = f.is_zero(&x.b);
        let yb0 = f.is_zero(&y.b);
        if xb0 && yb0 {
            return self.embed(&f.mul(&x.a, &y.a));
        }
        if xb0 {
            return QuadElem {
                a: f.mul(&x.a, &y.a),
                b: f.mul(&x.a, &y.b),
            };
        }
        if yb0 {
            return QuadElem {
                a: f.mul(&x.a, &y.a),
                b: f.mul(&x.b, &y.a),
            };
        }
        // (a1 + b1√r)(a2 + b2√r) = a1a2 + b1b2 r + (a1b2 + a2b1)√r
        QuadElem {
            a: f.add(&f.mul(&x.a, &y.a), &f.mul(&f.mul(&x.b, &y.b), &self.r)),
            b: f.add(&f.mul(&x.a, &y.b), &f.mul(&x.b, &y.a)),
        }
    }
    fn is_zero(&self, x: &Self::Elem) -> bool {
        self.base.is_zero(&x.a) && self.base.is_zero(&x.b)
    }
    fn scale(&self, x: &Self::Elem, q: &Q) -> Self::Elem {
        QuadElem {
            a: self.base.scale(&x.a, q),
            b: self.base.scale(&x.b, q),
        }
    }
}

impl<F: OrderedField> OrderedField for Quad<F> {
    fn inv(&self, x: &Self::Elem) -> Result<Self::Elem, FieldError> {
        if self.is_zero(x) {
            return Err(FieldError::DivisionByZero("quadratic extension"));
        }
        if self.base.is_zero(&x.b) {
            return Ok(self.embed(&self.base.inv(&x.a)?));
        }
        // 1/(a + b√r) = (a − b√r)/(a² − b² r); the norm is non-zero (canonical form).
        let n = self.base.inv(&self.norm(x))?;
        Ok(QuadElem {
            a: self.base.mul(&x.a, &n),
            b: self.base.neg(&self.base.mul(&x.b, &n)),
        })
    }

    fn sign(&self, x: &Self::Elem) -> Ordering {
        let f = &self.base;
        let sa = f.sign(&x.a);
        let sb = f.sign(&x.b);
        if sb == Ordering::Equal || f.is_zero(&self.r) {
            return sa;
        }
        if sa == Ordering::Equal || sa == sb {
            return sb;
        }
        // Opposite signs: the term of larger magnitude wins; |a| vs |b|√r by squares.
        match f.sign(&self.norm(x)) {
            Ordering::Greater => sa,
            Ordering::Less => sb,
            Ordering::Equal => Ordering::Equal, // only if r is a square (not canonical)
        }
    }

    fn sqrt_exact(&self, x: &Self::Elem) -> Option<Self::Elem> {
        if self.sign(x) == Ordering::Less {
            return None;
        }
        let f = &self.base;
        let candidate = if f.is_zero(&x.b) {
            // x = c ∈ F: √c ∈ F, or c = q² r with the root q√r.
            if let Some(p) = f.sqrt_exact(&x.a) {
                Some(self.embed(&p))
            } else if f.is_zero(&self.r) {
                None
            } else {
                let c_over_r = f.div(&x.a, &self.r).ok()?;
                f.sqrt_exact(&c_over_r).map(|q| self.make(f.zero(), q))
            }
        } else {
            // (p + q√r)² = p² + q² r + 2pq√r = c + d√r  ⇒  p² = (c ± √(c² − d² r))/2.
            let n = f.sqrt_exact(&self.norm(x))?;
            let half = Q::new(1.into(), 2.into());
            let mut found = None;
            for p2 in [f.add(&x.a, &n), f.sub(&x.a, &n)] {
                let p2 = f.scale(&p2, &half);
                if let Some(p) = f.sqrt_exact(&p2) {
                    if f.is_zero(&p) {
                        continue;
                    }
                    let q = f.div(&x.b, &f.scale(&p, &Q::from_integer(2.into()))).ok()?;
                    found = Some(self.make(p, q));
                    break;
                }
            }
            found
        };
        // Return the non-negative root, and only a verified one.
        let root = candidate?;
        let root = if self.sign(&root) == Ordering::Less {
            self.neg(&root)
        } else {
            root
        };
        if self.equal(&self.mul(&root, &root), x) {
            Some(root)
        } else {
            None
        }
    }

    fn enclose(&self, x: &Self::Elem, bits: u32) -> Interval {
        let f = &self.base;
        let ea = f.enclose(&x.a, bits);
        if f.is_zero(&x.b) {
            return ea;
        }
        let eb = f.enclose(&x.b, bits);
        let sr = f.enclose(&self.r, bits).sqrt(bits);
        ea.add(&eb.mul(&sr)).round_out(bits)
    }

    fn as_rational(&self, x: &Self::Elem) -> Option<Q> {
        self.to_base(x).and_then(|a| self.base.as_rational(&a))
    }

    fn render(&self, x: &Self::Elem) -> String {
        let f = &self.base;
        let wrap = |s: String| {
            if s.contains(' ') {
                format!("({s})")
            } else {
                s
            }
        };
        if f.is_zero(&x.b) {
            return f.render(&x.a);
        }
        let r = format!("({})", f.render(&self.r));
        let b = if x.b == f.one() {
            format!("√{r}")
        } else if x.b == f.neg(&f.one()) {
            format!("-√{r}")
        } else {
            format!("{}·√{r}", wrap(f.render(&x.b)))
        };
        if f.is_zero(&x.a) {
            b
        } else if let Some(rest) = b.strip_prefix('-') {
            format!("{} - {rest}", wrap(f.render(&x.a)))
        } else {
            format!("{} + {b}", wrap(f.render(&x.a)))
        }
    }

    fn bits(&self, x: &Self::Elem) -> u64 {
        self.base.bits(&x.a) + self.base.bits(&x.b)
    }
}
