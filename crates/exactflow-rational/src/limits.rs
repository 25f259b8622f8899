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
    let k2 = &x.k2;
    let up = |v| x.up(v);
    let (a, b, c, s, d, m, k) = (
        up(&x.ca),
        up(&x.cb),
        up(&x.cc),
        up(&x.s),
        up(&x.d),
        up(&x.m),
        up(&x.k),
    );
    let theta = k2.embed_q(&x.p.theta);
    let omega = x.omega.clone();
    let mut verified: Vec<(String, bool)> = Vec::new();
    let quarter = q(1) / q(4);
    let half = q(1) / q(2);
    let origin = k2.is_zero(&s) && k2.is_zero(&d);
    let omega_v = LimitValue::of(x, &omega, digits);
    if origin {
        // The field vanishes at the origin: nothing moves.
        let (du, dw) = crate::model::gf_field(&crate::field::Rationals, &x.p, &x.u0, &x.w0);
        let still = du.iter().chain(&dw).all(num_traits::Zero::is_zero);
        verified.push((
            "the field vanishes at u = w = 0 (the flow stays there)".into(),
            still,
        ));
        return Ok(Limits {
            case: FlowCase::Origin,
            z_plus: LimitValue::word("1", "1.0e0"),
            ntk_inf: LimitValue::of(x, &k2.zero(), digits),
            alignment_inf: LimitValue::word("undefined (u = w = 0)", "nan"),
            residual_inf: LimitValue::of(x, &k2.neg(&theta), digits),
            omega: omega_v,
            verified,
            gd_stable_at_limit: None,
        });
    }
    let poly = |z: &E2| -> E2 {
        // −A z² + B z + C
        k2.add(&k2.add(&k2.neg(&k2.mul(&a, &k2.sq(z))), &k2.mul(&b, z)), &c)
    };
    let sgn = |v: &E2| k2.sign(v);
    if sgn(&a) == Ordering::Greater {
        let two_a = k2.scale(&a, &q(2));
        let zp = k2.div(&k2.add(&b, &k2.scale(&omega, &q(claim.root_sign))), &two_a)?;
        verified.push((
            "z+ is a root of -A z^2 + B z + C".into(),
            k2.is_zero(&poly(&zp)),
        ));
        verified.push(("z+ >= 0".into(), sgn(&zp) != Ordering::Less));
        // Stability of the root: d/dz(−Az² + Bz + C) at z₊ = B − 2Az₊ = −ω ≤ 0.
        let slope = k2.sub(&b, &k2.mul(&two_a, &zp));
        verified.push((
            "z+ is the stable root: B - 2A z+ = -omega <= 0".into(),
            k2.equal(&slope, &k2.neg(&omega)) && sgn(&omega) != Ordering::Less,
        ));
        let y0 = k2.sub(&k2.one(), &zp);
        if sgn(&omega) == Ordering::Greater {
            let at0 = k2.add(&omega, &k2.mul(&a, &y0));
            verified.push((
                "closed-form denominator omega + A y0 (1 - E) > 0 at E = 1 and E = 0 (so for all t >= 0)".into(),
                sgn(&at0) == Ordering::Greater,
            ));
        }
        if sgn(&zp) == Ordering::Greater {
            let sz = k2.mul(&s, &zp);
            let dz = k2.div(&d, &zp)?;
            let plus = k2.add(&sz, &dz);
            let minus = k2.sub(&sz, &dz);
            let ntk = k2.scale(&k2.mul(&k2.sq(&k), &plus), &half);
            let res = k2.sub(&k2.scale(&k2.mul(&k, &minus), &quarter), &theta);
            verified.push((
                "residual(inf) = k(S z+ - D/z+)/4 - theta* = 0 exactly (the limit is stationary)"
                    .into(),
                k2.is_zero(&res),
            ));
            let a_ntk = k2.scale(&ntk, &x.p.a);
            verified.push(("omega = a * ntk(inf)".into(), k2.equal(&a_ntk, &omega)));
            let den = k2.sub(&k2.sq(&plus), &k2.scale(&k2.sq(&m), &q(4)));
            let zeta2 = k2.div(&k2.sq(&minus), &den)?;
            // Gram form: X = θ*/k at the minimum, gram = (SD − M²)/4.
            let xx = k2.div(&theta, &k)?;
            let gram = k2.scale(&k2.sub(&k2.mul(&s, &d), &k2.sq(&m)), &quarter);
            let xx2 = k2.sq(&xx);
            let zeta2_gram = k2.div(&xx2, &k2.add(&xx2, &gram))?;
            verified.push((
                "alignment(inf)^2 from docs/model.md's formula equals X^2/(X^2 + gram), X = theta*/k"
                    .into(),
                k2.equal(&zeta2, &zeta2_gram),
            ));
            let negative = sgn(&minus) == Ordering::Less;
            let al = alignment_value(x, &zeta2, negative, digits);
            let two = k2.embed_q(&q(2));
            return Ok(Limits {
                case: FlowCase::Converges,
                z_plus: LimitValue::of(x, &zp, digits),
                ntk_inf: LimitValue::of(x, &ntk, digits),
                alignment_inf: al,
                residual_inf: LimitValue::of(x, &res, digits),
                omega: omega_v,
                verified,
                gd_stable_at_limit: Some(
                    sgn(&omega) == Ordering::Greater && k2.cmp(&omega, &two) == Ordering::Less,
                ),
            });
        }
        // z₊ = 0: C = 0 (δ₀ = 0) and B ≤ 0 — the saddle case of docs/model.md §4.
        verified.push((
            "z+ = 0 only with C = 0 and B <= 0".into(),
            k2.is_zero(&c) && sgn(&b) != Ordering::Greater,
        ));
        verified.push((
            "delta0 = 0 so M = 0 and alignment = 1 for all t".into(),
            k2.is_zero(&d) && k2.is_zero(&m),
        ));
        return Ok(Limits {
            case: FlowCase::SaddleZeroLimit,
            z_plus: LimitValue::of(x, &zp, digits),
            ntk_inf: LimitValue::of(x, &k2.zero(), digits),
            alignment_inf: LimitValue::of(x, &k2.one(), digits),
            residual_inf: LimitValue::of(x, &k2.neg(&theta), digits),
            omega: omega_v,
            verified,
            gd_stable_at_limit: None,
        });
    }
    // A = 0 (S = 0, s₀ = 0), not the origin: dz/dt = Bz + C with C > 0.
    verified.push((
        "A = 0 exactly when S = 0, and then C > 0, M = 0".into(),
        k2.is_zero(&a) && k2.is_zero(&s) && sgn(&c) == Ordering::Greater && k2.is_zero(&m),
    ));
    if sgn(&b) == Ordering::Less {
        let zp = k2.neg(&k2.div(&c, &b)?);
        verified.push((
            "z+ = -C/B is the root of B z + C, stable (B < 0)".into(),
            k2.is_zero(&k2.add(&k2.mul(&b, &zp), &c)) && sgn(&zp) == Ordering::Greater,
        ));
        let dz = k2.div(&d, &zp)?;
        let ntk = k2.scale(&k2.mul(&k2.sq(&k), &dz), &half);
        let res = k2.sub(&k2.scale(&k2.mul(&k, &k2.neg(&dz)), &quarter), &theta);
        verified.push((
            "residual(inf) = -k D/(4 z+) - theta* = 0 exactly".into(),
            k2.is_zero(&res),
        ));
        verified.push((
            "omega = |B| = a * ntk(inf)".into(),
            k2.equal(&k2.scale(&ntk, &x.p.a), &omega) && k2.equal(&omega, &k2.neg(&b)),
        ));
        let two = k2.embed_q(&q(2));
        return Ok(Limits {
            case: FlowCase::LinearConverges,
            z_plus: LimitValue::of(x, &zp, digits),
            ntk_inf: LimitValue::of(x, &ntk, digits),
            alignment_inf: LimitValue::of(x, &k2.neg(&k2.one()), digits),
            residual_inf: LimitValue::of(x, &res, digits),
            omega: omega_v,
            verified,
            gd_stable_at_limit: Some(k2.cmp(&omega, &two) == Ordering::Less),
        });
    }
    Ok(Limits {
        case: FlowCase::LinearToSaddle,
        z_plus: LimitValue::word("∞", "inf"),
        ntk_inf: LimitValue::of(x, &k2.zero(), digits),
        alignment_inf: LimitValue::of(x, &k2.neg(&k2.one()), digits),
        residual_inf: LimitValue::of(x, &k2.neg(&theta), digits),
        omega: omega_v,
        verified,
        gd_stable_at_limit: None,
    })
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
