//! The scenario in exact arithmetic: the flow's parameters (rational), the tower of
//! fields `K₁ = ℚ(√(η_u η_w))`, `K₂ = K₁(√(B² + 4AC))`, and the constants of docs/model.md §3
//! as elements of `K₁` — computed here from their definitions by field arithmetic, not
//! copied from `ExactReduction` (whose rationals are cross-checked against them).

use crate::field::{FieldError, OrderedField, Rationals, Ring};
use crate::quad::{Quad, QuadElem};
use exactflow_core::{Scenario, Q};
use num_bigint::BigInt;
use num_traits::Zero;

/// `K₁ = ℚ(√(η_u η_w))`.
pub type K1 = Quad<Rationals>;
/// Elements of `K₁`.
pub type E1 = QuadElem<Q>;
/// `K₂ = K₁(√(B² + 4AC))`.
pub type K2 = Quad<K1>;
/// Elements of `K₂`.
pub type E2 = QuadElem<E1>;

/// The rational parameters of the gradient flow (docs/model.md §1–§2).
#[derive(Debug, Clone, PartialEq)]
pub struct FlowParams {
    /// `η_u > 0`.
    pub eta_u: Q,
    /// `η_w > 0`.
    pub eta_w: Q,
    /// `a = E[x²] > 0`.
    pub a: Q,
    /// `γ ≠ 0`.
    pub gamma: Q,
    /// `θ* = E[xy]/E[x²]`.
    pub theta: Q,
    /// `L* = ½(E[y²] − E[xy]²/E[x²])`.
    pub lstar: Q,
    /// `E[xy]`.
    pub exy: Q,
    /// `E[y²]`.
    pub eyy: Q,
}

impl FlowParams {
    /// The parameters of a validated scenario.
    pub fn of(s: &Scenario) -> Self {
        let theta = &s.exy / &s.exx;
        let lstar = (&s.eyy - &s.exy * &s.exy / &s.exx) / q(2);
        FlowParams {
            eta_u: s.eta_u.clone(),
            eta_w: s.eta_w.clone(),
            a: s.exx.clone(),
            gamma: s.gamma.clone(),
            theta,
            lstar,
            exy: s.exy.clone(),
            eyy: s.eyy.clone(),
        }
    }

    /// The residual slope `e = γ u·w − θ*` at rational weights.
    pub fn residual(&self, u: &[Q], w: &[Q]) -> Q {
        &self.gamma * Rationals.dot(u, w) - &self.theta
    }
}

/// A rational from an integer.
pub fn q(n: i64) -> Q {
    Q::from_integer(BigInt::from(n))
}

/// The gradient-flow field of docs/model.md §2 over any ring containing ℚ:
/// `du/dt = −η_u a γ e w`, `dw/dt = −η_w a γ e u`, `e = γ u·w − θ*`.
pub fn gf_field<R: Ring>(
    r: &R,
    p: &FlowParams,
    u: &[R::Elem],
    w: &[R::Elem],
) -> (Vec<R::Elem>, Vec<R::Elem>) {
    let e = r.sub(&r.scale(&r.dot(u, w), &p.gamma), &r.embed_q(&p.theta));
    let cu = r.scale(&e, &(-(&p.eta_u * &p.a * &p.gamma)));
    let cw = r.scale(&e, &(-(&p.eta_w * &p.a * &p.gamma)));
    let du = w.iter().map(|x| r.mul(&cu, x)).collect();
    let dw = u.iter().map(|x| r.mul(&cw, x)).collect();
    (du, dw)
}

/// The scenario's constants in `K₁` (docs/model.md §3) and the tower.
#[derive(Debug, Clone)]
pub struct Exact {
    /// Flow parameters.
    pub p: FlowParams,
    /// Initial weights.
    pub u0: Vec<Q>,
    /// Initial weights.
    pub w0: Vec<Q>,
    /// `K₁ = ℚ(√(η_u η_w))`.
    pub k1: K1,
    /// `K₂ = K₁(√ω²)`.
    pub k2: K2,
    /// `k = γ√(η_u η_w)`.
    pub k: E1,
    /// `S = |s₀|²`.
    pub s: E1,
    /// `D = |δ₀|²`.
    pub d: E1,
    /// `M = s₀·δ₀`.
    pub m: E1,
    /// `A = a k² S/2`.
    pub ca: E1,
    /// `B = 2 a k θ*`.
    pub cb: E1,
    /// `C = a k² D/2`.
    pub cc: E1,
    /// `ω² = B² + 4AC` (an element of `K₁`; in fact rational).
    pub omega2: E1,
    /// `ω = √ω²` in `K₂`.
    pub omega: E2,
    /// `ŝ = √η_u·s₀ = u₀ + (√(η_uη_w)/η_w) w₀ ∈ K₁^d` (`s₀` scaled into `K₁`).
    pub s_hat: Vec<E1>,
    /// `δ̂ = √η_u·δ₀ = u₀ − (√(η_uη_w)/η_w) w₀ ∈ K₁^d`.
    pub d_hat: Vec<E1>,
}

impl Exact {
    /// Builds the exact model of a scenario.
    ///
    /// # Errors
    /// [`FieldError`] only if the scenario violates its validation (`η ≤ 0`).
    pub fn new(s: &Scenario) -> Result<Self, FieldError> {
        let p = FlowParams::of(s);
        let (u0, w0) = s.initial_weights();
        let f = Rationals;
        let r1 = &p.eta_u * &p.eta_w;
        let k1 = Quad::new(f, r1.clone())?;
        let k = k1.make(Q::zero(), p.gamma.clone());
        // ũ₀ = u₀/√η_u, w̃₀ = w₀/√η_w; |ũ₀|², |w̃₀|² rational, ũ₀·w̃₀ = (u₀·w₀)/√r₁.
        let pu = f.dot(&u0, &u0) / &p.eta_u;
        let pw = f.dot(&w0, &w0) / &p.eta_w;
        let x = f.dot(&u0, &w0);
        let xt = k1.div(&k1.embed_q(&x), &k1.sqrt_r())?;
        let two = q(2);
        let pp = k1.embed_q(&(&pu + &pw));
        let s_ = k1.add(&pp, &k1.scale(&xt, &two));
        let d_ = k1.sub(&pp, &k1.scale(&xt, &two));
        let m = k1.embed_q(&(&pu - &pw));
        let k2e = k1.sq(&k);
        let half = Q::new(1.into(), 2.into());
        let ca = k1.scale(&k1.mul(&k2e, &s_), &(&p.a * &half));
        let cb = k1.scale(&k, &(&p.a * &two * &p.theta));
        let cc = k1.scale(&k1.mul(&k2e, &d_), &(&p.a * &half));
        let omega2 = k1.add(&k1.sq(&cb), &k1.scale(&k1.mul(&ca, &cc), &q(4)));
        let k2 = Quad::new(k1.clone(), omega2.clone())?;
        let omega = k2.sqrt_r();
        let c_w = k1.scale(&k1.sqrt_r(), &p.eta_w.recip());
        let s_hat = u0
            .iter()
            .zip(&w0)
            .map(|(a, b)| k1.add(&k1.embed_q(a), &k1.scale(&c_w, b)))
            .collect();
        let d_hat = u0
            .iter()
            .zip(&w0)
            .map(|(a, b)| k1.sub(&k1.embed_q(a), &k1.scale(&c_w, b)))
            .collect();
        Ok(Exact {
            p,
            u0,
            w0,
            k1,
            k2,
            k,
            s: s_,
            d: d_,
            m,
            ca,
            cb,
            cc,
            omega2,
            omega,
            s_hat,
            d_hat,
        })
    }

    /// Width `d`.
    pub fn width(&self) -> usize {
        self.u0.len()
    }

    /// Embeds an element of `K₁` into `K₂`.
    pub fn up(&self, x: &E1) -> E2 {
        self.k2.embed(x)
    }
}
