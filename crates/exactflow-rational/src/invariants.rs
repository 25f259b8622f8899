//! Invariants of the gradient flow (docs/model.md §3, §6), exactly, at rational points.
//!
//! * Conservation: for a claimed quadratic matrix function
//!   `Q(u, w) = α u uᵀ + β w wᵀ + χ (u wᵀ + w uᵀ)` the time derivative along the field,
//!   `dQ/dt = α(u̇ uᵀ + u u̇ᵀ) + β(ẇ wᵀ + w ẇᵀ) + χ(u̇ wᵀ + u ẇᵀ + ẇ uᵀ + w u̇ᵀ)`, is a sum of
//!   rank-one matrices decided to be zero entry by entry and by its Frobenius norm. docs/model.md's
//!   claim is `α = 1/η_u`, `β = −1/η_w`, `χ = 0`.
//! * Directions: `√η_u·s = u + (√(η_uη_w)/η_w) w ∈ K₁^d` must satisfy
//!   `d(√η_u s)/dt = −a k e·(√η_u s)` componentwise (and `δ` with `+a k e`) — the direction
//!   is kept and the rate is the claimed one.

use crate::field::{Rationals, Ring};
use crate::intvec::{rank_one_sum_is_zero, IntVec, MatrixZero};
use crate::model::{gf_field, q, Exact, FlowParams, E1};
use exactflow_core::Q;
use num_traits::Zero;

/// A claimed conserved matrix `α u uᵀ + β w wᵀ + χ (u wᵀ + w uᵀ)`.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixClaim {
    /// `α`, coefficient of `u uᵀ`.
    pub uu: Q,
    /// `β`, coefficient of `w wᵀ`.
    pub ww: Q,
    /// `χ`, coefficient of `u wᵀ + w uᵀ`.
    pub uw: Q,
}

impl MatrixClaim {
    /// docs/model.md §6: `Q = u uᵀ/η_u − w wᵀ/η_w`.
    pub fn model(p: &FlowParams) -> Self {
        MatrixClaim {
            uu: p.eta_u.recip(),
            ww: -p.eta_w.recip(),
            uw: Q::zero(),
        }
    }

    /// The scalar `tr Q(u, w)`.
    pub fn trace(&self, u: &IntVec, w: &IntVec) -> Q {
        &self.uu * u.dot(u) + &self.ww * w.dot(w) + &self.uw * u.dot(w) * q(2)
    }
}

/// Result of the conservation check at one point.
#[derive(Debug, Clone)]
pub struct Conservation {
    /// Residual slope at the point.
    pub e: Q,
    /// Whether the field vanishes at the point (the check is then vacuous there).
    pub field_is_zero: bool,
    /// The decision on `dQ/dt = 0`.
    pub zero: MatrixZero,
}

/// `dQ/dt` along the gradient-flow field at `(u, w)`, decided exactly.
pub fn conservation_at(
    p: &FlowParams,
    claim: &MatrixClaim,
    u: &[Q],
    w: &[Q],
    entrywise_max: usize,
) -> Conservation {
    let (du, dw) = gf_field(&Rationals, p, u, w);
    let (u, w, du, dw) = (
        IntVec::from_q(u),
        IntVec::from_q(w),
        IntVec::from_q(&du),
        IntVec::from_q(&dw),
    );
    let terms = [
        (claim.uu.clone(), &du, &u),
        (claim.uu.clone(), &u, &du),
        (claim.ww.clone(), &dw, &w),
        (claim.ww.clone(), &w, &dw),
        (claim.uw.clone(), &du, &w),
        (claim.uw.clone(), &u, &dw),
        (claim.uw.clone(), &dw, &u),
        (claim.uw.clone(), &w, &du),
    ];
    let terms: Vec<(Q, &IntVec, &IntVec)> = terms.into_iter().filter(|t| !t.0.is_zero()).collect();
    let zero = rank_one_sum_is_zero(&terms, entrywise_max);
    Conservation {
        e: &p.gamma * u.dot(&w) - &p.theta,
        field_is_zero: du.is_zero() && dw.is_zero(),
        zero,
    }
}

/// A claimed line kept by the flow: `v = u + c·w ∈ K₁^d` with `dv/dt = λ·v`.
#[derive(Debug, Clone, PartialEq)]
pub struct LineClaim {
    /// `c` (docs/model.md: `+√(η_uη_w)/η_w` for `s`, `−√(η_uη_w)/η_w` for `δ`).
    pub w_coef: E1,
    /// `λ` as a multiple of `a k e`: the rate is `rate·a·k·e` (`−1` for `s`, `+1` for `δ`).
    pub rate: Q,
}

impl LineClaim {
    /// docs/model.md §3 for `s` (`sign = +1`) or `δ` (`sign = −1`).
    pub fn model(x: &Exact, sign: i64) -> Self {
        let k1 = &x.k1;
        LineClaim {
            w_coef: k1.scale(&k1.sqrt_r(), &(q(sign) / &x.p.eta_w)),
            rate: q(-sign),
        }
    }
}

/// Outcome of the direction check at one point.
#[derive(Debug, Clone)]
pub struct LineCheck {
    /// Whether `dv/dt = λ v` in every component.
    pub holds: bool,
    /// First failing component.
    pub first_failure: Option<usize>,
    /// Whether `v = 0` at the point (direction undefined; the check is `dv/dt = 0`).
    pub v_is_zero: bool,
}

/// Checks `dv/dt = λ v` at rational `(u, w)` in `K₁`.
pub fn line_at(x: &Exact, claim: &LineClaim, u: &[Q], w: &[Q]) -> LineCheck {
    let k1 = &x.k1;
    let p = &x.p;
    let (du, dw) = gf_field(&Rationals, p, u, w);
    let e = p.residual(u, w);
    let lambda = k1.scale(&x.k, &(&claim.rate * &p.a * &e));
    let mut first_failure = None;
    let mut v_is_zero = true;
    for (i, (((ui, wi), dui), dwi)) in u.iter().zip(w).zip(&du).zip(&dw).enumerate() {
        let v = k1.add(&k1.embed_q(ui), &k1.scale(&claim.w_coef, wi));
        let dv = k1.add(&k1.embed_q(dui), &k1.scale(&claim.w_coef, dwi));
        if !k1.is_zero(&v) {
            v_is_zero = false;
        }
        if !k1.equal(&dv, &k1.mul(&lambda, &v)) {
            first_failure = Some(i);
            break;
        }
    }
    LineCheck {
        holds: first_failure.is_none(),
        first_failure,
        v_is_zero,
    }
}

/// Deterministic rational probe points of width `d` (small, generic: several
/// denominators with a small lcm, mixed signs), with a non-zero residual so the field does not vanish.
pub fn probe_points(p: &FlowParams, d: usize) -> Vec<(Vec<Q>, Vec<Q>)> {
    let mut out = Vec::new();
    for (a, b, c) in [(7i64, 3i64, 11i64), (5, 1, 13)] {
        let u: Vec<Q> = (0..d as i64)
            .map(|i| Q::new(((i * a + b) % c - c / 2).into(), (i % 7 + 2).into()))
            .collect();
        let w: Vec<Q> = (0..d as i64)
            .map(|i| {
                Q::new(
                    ((i * b + a) % c - c / 2 + 1).into(),
                    (2 * (i % 5) + 3).into(),
                )
            })
            .collect();
        let mut u = u;
        // Make sure neither layer is zero and e ≠ 0 (double u until it is).
        if u.iter().all(|x| x.is_zero()) {
            u = vec![q(1); d];
        }
        let mut tries = 0;
        while p.residual(&u, &w).is_zero() && tries < 4 {
            u = u.iter().map(|x| x * q(2)).collect();
            tries += 1;
        }
        out.push((u, w));
    }
    out
}
