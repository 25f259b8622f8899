//! The closed-form solution of docs/model.md §4–§5, written once for every engine.
//!
//! [`Constants::new`] rounds the exact reduction into a [`Real`](crate::Real) type once, after deciding
//! the flow's [`Shape`] exactly; [`Constants::eval`] evaluates every observable at a time
//! `t`. Every formula used here
//! is a sum of non-negative terms or a product/quotient of accurately computed factors,
//! except where a difference is the genuine value (the slope crossing zero, a norm
//! crossing zero in one dimension). The derivation of each form and its rounding-error
//! budget is in `docs/derivation.md`; the short version:
//!
//! * `E = e^{−ωt}`, `τ = (1 − E)/ω` (`τ = t` when `ω = 0`), with `1 − E` from `expm1`
//!   when `ωt < ln 2`;
//! * `z = (E + Nτ)/(E + Qτ)` with `N = C + (B+ω)/2 ≥ 0`, `Q = A + (ω−B)/2 ≥ 0`;
//! * `z − 1 = −(A−B−C) τ/(E + Qτ)`, where `A − B − C = 2 a k e₀` is exact;
//! * `e = e₀ E (A z + W)/(Q (E + Nτ))`, `W = (ω−B)/2` (or `e₀/(E + Nτ)` when `Q = 0`);
//! * `|ũ|², |w̃|²` from the initial norms plus their change, or in an orthonormal frame
//!   of `span{s₀, δ₀}`, whichever has the smaller rounding-error bound;
//! * the slope as `θ* + e` or as `slope₀ + k (z−1)(S + D/z)/4`, likewise;
//! * the alignment as `X/√(X² + gram)`, `X = slope/k`, with the conserved, exact Gram
//!   determinant.
//!
//! The evaluation ([`Constants::eval_at`]) needs only [`Real`](crate::Real) — field operations, `√`
//! and selects — so a lane type can evaluate several time points at once with the same
//! code; the exponential and the constructors need [`Scalar`](crate::Scalar).
//!
//! For `f64`, `E` is carried as `m·2^j` once `ωt > 600`, so the residual keeps its
//! relative accuracy down to the bottom of the subnormal range.

//! Layout, by function family: `constants` (rounding the reduction into `R`, once per
//! scenario), `decay` (`E = e^{−ωt}` and `τ`, the only transcendental part), `eval`
//! (the careful forms of every observable), `lean` (the fewest-operation forms the ball
//! engine tries first).

mod constants;
mod decay;
mod eval;
mod lean;

pub use crate::shape::{Layer, Shape};
pub use constants::Constants;
pub use decay::Decay;

/// Below this `ωt`, `1 − E` comes from `expm1` (it would cancel as `1 − e^{−ωt}`).
pub const EXPM1_BELOW: f64 = std::f64::consts::LN_2;
/// From this `ωt` on, `E` is carried as `m·2^j` (for `f64`: `e^{−600}` is near the
/// bottom of the normal range once multiplied by the other factors).
pub const SPLIT_ABOVE: f64 = 600.0;

/// Every observable of docs/model.md §5 at one time point, in the order of the trajectory
/// schema ([`crate::observables::Column`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Observables<R> {
    /// `z(t) = e^{−2Φ(t)}`.
    pub z: R,
    /// `γ u·w`.
    pub slope: R,
    /// `e = slope − θ*`.
    pub residual: R,
    /// `½ a e² + L*`.
    pub loss: R,
    /// `γ²(η_u|w|² + η_w|u|²)`.
    pub ntk: R,
    /// `cos∠(u, w)` (NaN when `u` or `w` is the zero vector).
    pub alignment: R,
    /// `|u|`.
    pub norm_u: R,
    /// `|w|`.
    pub norm_w: R,
}

/// Which observables an evaluation must produce (see [`Constants::eval_lean`]); the
/// others come back as NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// `z`.
    pub z: bool,
    /// `slope`.
    pub slope: bool,
    /// `residual`.
    pub residual: bool,
    /// `loss`.
    pub loss: bool,
    /// `ntk`.
    pub ntk: bool,
    /// `alignment`.
    pub alignment: bool,
    /// `norm_u` and `norm_w`.
    pub norms: bool,
}

impl Need {
    /// No observable.
    pub const NONE: Need = Need {
        z: false,
        slope: false,
        residual: false,
        loss: false,
        ntk: false,
        alignment: false,
        norms: false,
    };

    /// Every observable.
    pub const ALL: Need = Need {
        z: true,
        slope: true,
        residual: true,
        loss: true,
        ntk: true,
        alignment: true,
        norms: true,
    };

    /// The observables of the given columns (`t` needs none).
    pub fn from_columns(columns: &[crate::observables::Column]) -> Need {
        use crate::observables::Column as C;
        let has = |c: C| columns.contains(&c);
        Need {
            z: has(C::Z),
            slope: has(C::Slope),
            residual: has(C::Residual),
            loss: has(C::Loss),
            ntk: has(C::Ntk),
            alignment: has(C::Alignment),
            norms: has(C::NormU) || has(C::NormW),
        }
    }

    /// Whether the value of column `c` was asked for (`t` never is: it is not an
    /// observable).
    pub fn wants(&self, c: crate::observables::Column) -> bool {
        use crate::observables::Column as C;
        match c {
            C::T => false,
            C::Z => self.z,
            C::Slope => self.slope,
            C::Residual => self.residual,
            C::Loss => self.loss,
            C::Ntk => self.ntk,
            C::Alignment => self.alignment,
            C::NormU | C::NormW => self.norms,
        }
    }
}
