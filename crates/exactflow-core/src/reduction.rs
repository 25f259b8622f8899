//! The reduction of docs/model.md §3, held exactly.
//!
//! Everything the closed form needs is a rational function of the scenario's numbers
//! except for two square roots: `√(η_u η_w)` (inside `k` and `ũ₀·w̃₀`) and `ω`. This
//! module keeps every quantity that *is* rational as an exact [`Q`]; irrational ones are
//! kept as rational squares with a sign (`k = sign(γ)·√k2`), so an engine can round each
//! of them once, correctly, at its own precision. Several quantities that are
//! differences of nearly equal numbers in floating point (`S·D`, the initial residual
//! `e₀`, the Gram determinant, `ω²`) are exact here, which is where the engines'
//! cancellation-free forms get their accuracy from.

use crate::number::Q;
use num_traits::Signed;

/// Exact scalar summary of a scenario (docs/model.md §1–§4, in normalized coordinates).
///
/// Notation: `ũ₀ = u₀/√η_u`, `w̃₀ = w₀/√η_w`, `s₀ = ũ₀ + w̃₀`, `δ₀ = ũ₀ − w̃₀`,
/// `X̃ = ũ₀·w̃₀ = x/√(η_u η_w)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExactReduction {
    /// `a = E[x²] > 0`.
    pub a: Q,
    /// `θ* = b/a`, the target slope.
    pub theta: Q,
    /// `L* = ½(c − b²/a) ≥ 0`, the irreducible loss.
    pub lstar: Q,
    /// Output scale `γ ≠ 0`.
    pub gamma: Q,
    /// Learning rate `η_u > 0` of the output layer.
    pub eta_u: Q,
    /// Learning rate `η_w > 0` of the hidden layer.
    pub eta_w: Q,
    /// `η_u η_w`.
    pub eta_prod: Q,
    /// `k² = γ² η_u η_w`; `k = sign(γ)·√k2`.
    pub k2: Q,
    /// `|ũ₀|² = |u₀|²/η_u`.
    pub pu: Q,
    /// `|w̃₀|² = |w₀|²/η_w`.
    pub pw: Q,
    /// `x = u₀·w₀` (not normalized).
    pub x: Q,
    /// `X̃² = x²/(η_u η_w)`; `X̃ = sign(x)·√xt2`.
    pub xt2: Q,
    /// `P = |ũ₀|² + |w̃₀|² = (S + D)/2`.
    pub p: Q,
    /// `M = s₀·δ₀ = |ũ₀|² − |w̃₀|²` (conserved).
    pub m: Q,
    /// `S·D = P² − 4X̃²`.
    pub sd: Q,
    /// Gram determinant `|ũ₀|²|w̃₀|² − X̃² ≥ 0` (`S·D − M² = 4·gram`).
    pub gram: Q,
    /// Initial slope `γ u₀·w₀`.
    pub slope0: Q,
    /// Initial residual `e₀ = γ u₀·w₀ − θ*`.
    pub e0: Q,
    /// `ω² = B² + 4AC = a² k² (4θ*² + k² S D)`.
    pub omega2: Q,
    /// `A·C = a² k⁴ S D / 4`.
    pub ac: Q,
    /// `a k²/2`, so that `A = (a k²/2)·S` and `C = (a k²/2)·D`.
    pub half_ak2: Q,
    /// `B² = 4 a² k² θ*²`; `B = sign(γ θ*)·√b2`.
    pub b2: Q,
    /// `(2 a k e₀)² = (A − B − C)²`; `A − B − C = sign(γ e₀)·√two_ake0_sq`.
    pub two_ake0_sq: Q,
}

impl ExactReduction {
    /// Builds the reduction from the model, the data moments and the three exact sums
    /// `|u₀|²`, `|w₀|²`, `u₀·w₀`. The caller guarantees the scenario is valid
    /// (`a, η_u, η_w > 0`, `γ ≠ 0`, `c ≥ b²/a`).
    ///
    /// Exact. Computed in GMP rationals ([`crate::sums`]): the sums of an explicit
    /// initialization can have 10⁵ bits, where num-rational's quadratic gcd made this
    /// take seconds; the values are the same.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        gamma: &Q,
        eta_u: &Q,
        eta_w: &Q,
        exx: &Q,
        exy: &Q,
        eyy: &Q,
        uu: &Q,
        ww: &Q,
        uw: &Q,
    ) -> Self {
        use crate::sums::{from_gmp_q as q, to_gmp_q as g};
        use rug::Rational as R;
        let (gamma_g, eta_u, eta_w) = (g(gamma), g(eta_u), g(eta_w));
        let (a, exy, eyy) = (g(exx), g(exy), g(eyy));
        let (uu, ww, uw) = (g(uu), g(ww), g(uw));
        let theta = R::from(&exy / &a);
        let lstar = (&eyy - R::from(&exy * &exy) / &a) / 2u32;
        let eta_prod = R::from(&eta_u * &eta_w);
        let k2 = R::from(&gamma_g * &gamma_g) * &eta_prod;
        let pu = R::from(&uu / &eta_u);
        let pw = R::from(&ww / &eta_w);
        let xt2 = R::from(&uw * &uw) / &eta_prod;
        let p = R::from(&pu + &pw);
        let m = R::from(&pu - &pw);
        let sd = R::from(&p * &p) - R::from(&xt2 * 4u32);
        let gram = R::from(&pu * &pw) - &xt2;
        let slope0 = R::from(&gamma_g * &uw);
        let e0 = R::from(&slope0 - &theta);
        let a2k2 = R::from(&a * &a) * &k2;
        let theta2 = R::from(&theta * &theta);
        let omega2 = &a2k2 * (R::from(&theta2 * 4u32) + R::from(&k2 * &sd));
        let ac = R::from(&a2k2 * &k2) * &sd / 4u32;
        let half_ak2 = R::from(&a * &k2) / 2u32;
        let b2 = R::from(&a2k2 * &theta2) * 4u32;
        let two_ake0_sq = (&a2k2 * R::from(&e0 * &e0)) * 4u32;
        ExactReduction {
            a: q(&a),
            theta: q(&theta),
            lstar: q(&lstar),
            gamma: gamma.clone(),
            eta_u: q(&eta_u),
            eta_w: q(&eta_w),
            eta_prod: q(&eta_prod),
            k2: q(&k2),
            pu: q(&pu),
            pw: q(&pw),
            x: q(&uw),
            xt2: q(&xt2),
            p: q(&p),
            m: q(&m),
            sd: q(&sd),
            gram: q(&gram),
            slope0: q(&slope0),
            e0: q(&e0),
            omega2: q(&omega2),
            ac: q(&ac),
            half_ak2: q(&half_ak2),
            b2: q(&b2),
            two_ake0_sq: q(&two_ake0_sq),
        }
    }

    /// Sign of `k = γ√(η_u η_w)`: `+1` or `−1`.
    pub fn k_sign(&self) -> i32 {
        if self.gamma.is_negative() {
            -1
        } else {
            1
        }
    }

    /// Sign of `B = 2 a k θ*`: −1, 0 or +1.
    pub fn b_sign(&self) -> i32 {
        sign(&self.theta) * self.k_sign()
    }

    /// Sign of `A − B − C = 2 a k e₀`.
    pub fn two_ake0_sign(&self) -> i32 {
        sign(&self.e0) * self.k_sign()
    }

    /// The flow's shape (docs/model.md §4's cases), decided exactly.
    pub fn shape(&self) -> crate::shape::Shape {
        crate::shape::Shape::of(self)
    }
}

/// Sign of a rational: −1, 0 or +1.
pub fn sign(q: &Q) -> i32 {
    if q.is_positive() {
        1
    } else if q.is_negative() {
        -1
    } else {
        0
    }
}
