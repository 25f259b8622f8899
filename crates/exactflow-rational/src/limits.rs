//! Exact limits of the flow (docs/model.md §4–§5) in the tower
//! `K₂ = ℚ(√(η_uη_w))(√(B² + 4AC))`, with their verification:
//!
//! * generic case `A > 0`: `z₊ = (B + ω)/(2A)` is a root of `−Az² + Bz + C` and the stable
//!   one (`B − 2Az₊ = −ω ≤ 0`); if `z₊ > 0` the limit is stationary — `residual(∞) = 0`
//!   exactly — and `ω = a·ntk(∞)`; the closed form's denominator `ω + A y₀(1 − E)` is
//!   positive at `E = 1` and `E = 0`, hence (linear in E) on all of `t ≥ 0`. If `z₊ = 0`
//!   (`C = 0`, `B ≤ 0`) the flow falls into the saddle (`residual(∞) = −θ*`).
//! * `A = 0` (`s₀ = 0`): linear `dz/dt = Bz + C`; `B < 0` gives `z₊ = −C/B` (stationary),
//!   `B ≥ 0` gives `z → ∞` (the saddle).
//! * the origin stays where it is.
//!
//! `ζ(∞)` is `±√(ζ(∞)²)` with `ζ(∞)² ∈ K₂` exact; it is cross-checked against the
//! conserved-Gram form `ζ² = X²/(X² + gram)`, `X = θ*/k` at a minimum.

use crate::field::{FieldError, OrderedField, Ring};
use crate::interval::{decimal, decimal_signed_sqrt, Decimal};
use crate::model::{q, Exact, E2};
use std::cmp::Ordering;

/// An exact limit value and its decimal.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitValue {
    /// Exact form (an element of the tower, `±√(…)` of one, `∞`, or `undefined`).
    pub exact: String,
    /// Decimal (scientific notation; `inf`/`nan` for the non-finite cases).
    pub decimal: String,
    /// Whether the decimal is the correctly rounded one.
    pub correctly_rounded: bool,
}

impl LimitValue {
    fn of(x: &Exact, v: &E2, digits: usize) -> Self {
        let Decimal {
            text,
            correctly_rounded,
        } = decimal(&x.k2, v, digits);
        LimitValue {
            exact: x.k2.render(v),
            decimal: text,
            correctly_rounded,
        }
    }
    fn word(exact: &str, decimal: &str) -> Self {
        LimitValue {
            exact: exact.to_string(),
            decimal: decimal.to_string(),
            correctly_rounded: true,
        }
    }
}

/// Which case of docs/model.md §4 the flow is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowCase {
    /// `u₀ = w₀ = 0`: constant.
    Origin,
    /// `A > 0`, `z₊ > 0`: converges to a global minimum.
    Converges,
    /// `A > 0`, `z₊ = 0` (`C = 0`, `B ≤ 0`): falls into the saddle.
    SaddleZeroLimit,
    /// `A = 0`, `B < 0`: linear equation, converges to a minimum.
    LinearConverges,
    /// `A = 0`, `B ≥ 0`: `z → ∞`, falls into the saddle.
    LinearToSaddle,
}

impl FlowCase {
    /// A short description.
    pub fn describe(self) -> &'static str {
        match self {
            FlowCase::Origin => "origin: u0 = w0 = 0 stays at the saddle forever (A = C = 0)",
            FlowCase::Converges => "A > 0, z+ > 0: converges to a global minimum",
            FlowCase::SaddleZeroLimit => {
                "A > 0, C = 0, B <= 0: z+ = 0, the flow falls into the saddle u = w = 0"
            }
            FlowCase::LinearConverges => {
                "A = 0 (s0 = 0), B < 0: linear Riccati, converges to a global minimum"
            }
            FlowCase::LinearToSaddle => {
                "A = 0 (s0 = 0), B >= 0: z -> infinity, the flow falls into the saddle u = w = 0"
            }
        }
    }
}

/// The limits and the exact verifications made on them.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The case.
    pub case: FlowCase,
    /// `z₊ = lim z(t)`.
    pub z_plus: LimitValue,
    /// `ntk(∞)`.
    pub ntk_inf: LimitValue,
    /// `ζ(∞)`.
    pub alignment_inf: LimitValue,
    /// `residual(∞)`.
    pub residual_inf: LimitValue,
    /// `ω`.
    pub omega: LimitValue,
    /// `(what, held)` for each verification.
    pub verified: Vec<(String, bool)>,
    /// The flow's limit is linearly stable for GD with these rates (`0 < ω < 2`), when it
    /// converges to a minimum.
    pub gd_stable_at_limit: Option<bool>,
}

impl Limits {
    /// Whether every verification held.
    pub fn all_hold(&self) -> bool {
        self.verified.iter().all(|v| v.1)
    }
}

/// A claim about the limit: `z₊ = (B + σω)/(2A)` (docs/model.md: `σ = +1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitClaim {
    /// `σ`.
    pub root_sign: i64,
}

/// Computes and verifies the limits.
///
/// # Errors
/// [`FieldError`] only on an internal division by zero (a bug, reported, not a panic).
pub fn limits(x: &Exact, claim: LimitClaim, digits: usize) -> Result<Limits, FieldError> {
    let l = Lifted::new(x, digits);
    let k2 = &x.k2;
    if k2.is_zero(&l.s) && k2.is_zero(&l.d) {
        Ok(l.origin())
    } else if k2.sign(&l.a) == Ordering::Greater {
        l.riccati(claim)
    } else {
        l.linear()
    }
}

/// The flow's coefficients lifted into `K₂`, and the verifications made so far.
struct Lifted<'a> {
    x: &'a Exact,
    digits: usize,
    a: E2,
    b: E2,
    c: E2,
    s: E2,
    d: E2,
    m: E2,
    k: E2,
    theta: E2,
    verified: Vec<(String, bool)>,
}

impl<'a> Lifted<'a> {
    fn new(x: &'a Exact, digits: usize) -> Self {
        let up = |v| x.up(v);
        Lifted {
            x,
            digits,
            a: up(&x.ca),
            b: up(&x.cb),
            c: up(&x.cc),
            s: up(&x.s),
            d: up(&x.d),
            m: up(&x.m),
            k: up(&x.k),
            theta: x.k2.embed_q(&x.p.theta),
            verified: Vec::new(),
        }
    }

    fn verify(&mut self, what: &str, held: bool) {
        self.verified.push((what.to_string(), held));
    }

    fn value(&self, v: &E2) -> LimitValue {
        LimitValue::of(self.x, v, self.digits)
    }

    /// `ω < 2` (the GD stability of a minimum).
    fn omega_below_two(&self) -> bool {
        let k2 = &self.x.k2;
        k2.cmp(&self.x.omega, &k2.embed_q(&q(2))) == Ordering::Less
    }

    /// The limits of a flow that ends at the saddle or stays at the origin:
    /// `ntk(∞) = 0`, `residual(∞) = −θ*`.
    fn at_saddle(self, case: FlowCase, z_plus: LimitValue, alignment_inf: LimitValue) -> Limits {
        let k2 = &self.x.k2;
        Limits {
            case,
            z_plus,
            ntk_inf: self.value(&k2.zero()),
            alignment_inf,
            residual_inf: self.value(&k2.neg(&self.theta)),
            omega: self.value(&self.x.omega),
            verified: self.verified,
            gd_stable_at_limit: None,
        }
    }

    /// `u₀ = w₀ = 0`: the field vanishes there, nothing moves.
    fn origin(mut self) -> Limits {
        let x = self.x;
        let (du, dw) = crate::model::gf_field(&crate::field::Rationals, &x.p, &x.u0, &x.w0);
        let still = du.iter().chain(&dw).all(num_traits::Zero::is_zero);
        self.verify(
            "the field vanishes at u = w = 0 (the flow stays there)",
            still,
        );
        self.at_saddle(
            FlowCase::Origin,
            LimitValue::word("1", "1.0e0"),
            LimitValue::word("undefined (u = w = 0)", "nan"),
        )
    }

    /// `A > 0`: the Riccati equation's stable root `z₊ = (B + σω)/(2A)`.
    fn riccati(mut self, claim: LimitClaim) -> Result<Limits, FieldError> {
        let x = self.x;
        let (k2, omega) = (&x.k2, &x.omega);
        let (a, b, c) = (&self.a, &self.b, &self.c);
        let two_a = k2.scale(a, &q(2));
        let zp = k2.div(&k2.add(b, &k2.scale(omega, &q(claim.root_sign))), &two_a)?;
        // −A z₊² + B z₊ + C
        let poly = k2.add(
            &k2.add(&k2.neg(&k2.mul(a, &k2.sq(&zp))), &k2.mul(b, &zp)),
            c,
        );
        // Stability of the root: d/dz(−Az² + Bz + C) at z₊ = B − 2Az₊ = −ω ≤ 0.
        let slope = k2.sub(b, &k2.mul(&two_a, &zp));
        let y0 = k2.sub(&k2.one(), &zp);
        let at0 = k2.add(omega, &k2.mul(a, &y0));
        let omega_sign = k2.sign(omega);
        self.verify("z+ is a root of -A z^2 + B z + C", k2.is_zero(&poly));
        self.verify("z+ >= 0", k2.sign(&zp) != Ordering::Less);
        self.verify(
            "z+ is the stable root: B - 2A z+ = -omega <= 0",
            k2.equal(&slope, &k2.neg(omega)) && omega_sign != Ordering::Less,
        );
        if omega_sign == Ordering::Greater {
            self.verify(
                "closed-form denominator omega + A y0 (1 - E) > 0 at E = 1 and E = 0 (so for all t >= 0)",
                k2.sign(&at0) == Ordering::Greater,
            );
        }
        if k2.sign(&zp) == Ordering::Greater {
            return self.minimum(&zp);
        }
        // z₊ = 0: C = 0 (δ₀ = 0) and B ≤ 0 — the saddle case of docs/model.md §4.
        let zero_c = k2.is_zero(&self.c) && k2.sign(&self.b) != Ordering::Greater;
        let tied = k2.is_zero(&self.d) && k2.is_zero(&self.m);
        self.verify("z+ = 0 only with C = 0 and B <= 0", zero_c);
        self.verify("delta0 = 0 so M = 0 and alignment = 1 for all t", tied);
        let (z_plus, one) = (self.value(&zp), self.value(&k2.one()));
        Ok(self.at_saddle(FlowCase::SaddleZeroLimit, z_plus, one))
    }

    /// `A > 0`, `z₊ > 0`: a global minimum, stationary, with its alignment cross-checked
    /// against the conserved-Gram form.
    fn minimum(mut self, zp: &E2) -> Result<Limits, FieldError> {
        let x = self.x;
        let k2 = &x.k2;
        let (s, d, m, k, theta) = (&self.s, &self.d, &self.m, &self.k, &self.theta);
        let (quarter, half) = (q(1) / q(4), q(1) / q(2));
        let sz = k2.mul(s, zp);
        let dz = k2.div(d, zp)?;
        let plus = k2.add(&sz, &dz);
        let minus = k2.sub(&sz, &dz);
        let ntk = k2.scale(&k2.mul(&k2.sq(k), &plus), &half);
        let res = k2.sub(&k2.scale(&k2.mul(k, &minus), &quarter), theta);
        let a_ntk = k2.scale(&ntk, &x.p.a);
        let den = k2.sub(&k2.sq(&plus), &k2.scale(&k2.sq(m), &q(4)));
        let zeta2 = k2.div(&k2.sq(&minus), &den)?;
        // Gram form: X = θ*/k at the minimum, gram = (SD − M²)/4.
        let xx = k2.div(theta, k)?;
        let gram = k2.scale(&k2.sub(&k2.mul(s, d), &k2.sq(m)), &quarter);
        let xx2 = k2.sq(&xx);
        let zeta2_gram = k2.div(&xx2, &k2.add(&xx2, &gram))?;
        let negative = k2.sign(&minus) == Ordering::Less;
        self.verify(
            "residual(inf) = k(S z+ - D/z+)/4 - theta* = 0 exactly (the limit is stationary)",
            k2.is_zero(&res),
        );
        self.verify("omega = a * ntk(inf)", k2.equal(&a_ntk, &x.omega));
        self.verify(
            "alignment(inf)^2 from docs/model.md's formula equals X^2/(X^2 + gram), X = theta*/k",
            k2.equal(&zeta2, &zeta2_gram),
        );
        let gd_stable = k2.sign(&x.omega) == Ordering::Greater && self.omega_below_two();
        Ok(Limits {
            case: FlowCase::Converges,
            z_plus: self.value(zp),
            ntk_inf: self.value(&ntk),
            alignment_inf: alignment_value(x, &zeta2, negative, self.digits),
            residual_inf: self.value(&res),
            omega: self.value(&self.x.omega),
            verified: self.verified,
            gd_stable_at_limit: Some(gd_stable),
        })
    }

    /// `A = 0` (`S = 0`, `s₀ = 0`), not the origin: `dz/dt = Bz + C` with `C > 0`.
    fn linear(mut self) -> Result<Limits, FieldError> {
        let x = self.x;
        let k2 = &x.k2;
        let linear = k2.is_zero(&self.a)
            && k2.is_zero(&self.s)
            && k2.sign(&self.c) == Ordering::Greater
            && k2.is_zero(&self.m);
        self.verify("A = 0 exactly when S = 0, and then C > 0, M = 0", linear);
        if k2.sign(&self.b) != Ordering::Less {
            let minus_one = self.value(&k2.neg(&k2.one()));
            return Ok(self.at_saddle(
                FlowCase::LinearToSaddle,
                LimitValue::word("∞", "inf"),
                minus_one,
            ));
        }
        let (b, c, k, omega) = (&self.b, &self.c, &self.k, &x.omega);
        let zp = k2.neg(&k2.div(c, b)?);
        let root = k2.is_zero(&k2.add(&k2.mul(b, &zp), c)) && k2.sign(&zp) == Ordering::Greater;
        let dz = k2.div(&self.d, &zp)?;
        let ntk = k2.scale(&k2.mul(&k2.sq(k), &dz), &(q(1) / q(2)));
        let res = k2.sub(
            &k2.scale(&k2.mul(k, &k2.neg(&dz)), &(q(1) / q(4))),
            &self.theta,
        );
        let rate = k2.equal(&k2.scale(&ntk, &x.p.a), omega) && k2.equal(omega, &k2.neg(b));
        self.verify("z+ = -C/B is the root of B z + C, stable (B < 0)", root);
        self.verify(
            "residual(inf) = -k D/(4 z+) - theta* = 0 exactly",
            k2.is_zero(&res),
        );
        self.verify("omega = |B| = a * ntk(inf)", rate);
        let gd_stable = self.omega_below_two();
        Ok(Limits {
            case: FlowCase::LinearConverges,
            z_plus: self.value(&zp),
            ntk_inf: self.value(&ntk),
            alignment_inf: self.value(&k2.neg(&k2.one())),
            residual_inf: self.value(&res),
            omega: self.value(&self.x.omega),
            verified: self.verified,
            gd_stable_at_limit: Some(gd_stable),
        })
    }
}

fn alignment_value(x: &Exact, zeta2: &E2, negative: bool, digits: usize) -> LimitValue {
    let k2 = &x.k2;
    let dec = decimal_signed_sqrt(k2, zeta2, negative, digits);
    let exact = match k2.sqrt_exact(zeta2) {
        Some(r) => k2.render(&if negative { k2.neg(&r) } else { r }),
        None => format!("{}√({})", if negative { "-" } else { "" }, k2.render(zeta2)),
    };
    LimitValue {
        exact,
        decimal: dec.text,
        correctly_rounded: dec.correctly_rounded,
    }
}
