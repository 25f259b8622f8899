//! The shape of a flow: which case of docs/model.md §4 a scenario is in, decided once,
//! exactly, on the rationals of [`ExactReduction`] — never by comparing a rounded float
//! with zero (a constant that underflows in `f64` is small, not zero).
//!
//! With `A = ak²S/2`, `B = 2akθ*`, `C = ak²D/2`, `ω² = B² + 4AC`, `N = C + (B + ω)/2` and
//! `Q = A + (ω − B)/2` (docs/derivation.md §4):
//!
//! | shape | exact test | consequences |
//! |---|---|---|
//! | [`Shape::Origin`] | `P = 0` | `z ≡ 1`, nothing moves (`ω = 0` iff `θ* = 0`) |
//! | [`Shape::DeltaZero`] | `S·D = 0`, `u₀·w₀ > 0` | `C = 0`, `M = gram = 0`; `N = 0` iff `B ≤ 0` (then `z → 0`) |
//! | [`Shape::SZero`] | `S·D = 0`, `u₀·w₀ < 0` | `A = 0`, `M = gram = 0`; `Q = 0` iff `B ≥ 0` (then `z → ∞`) |
//! | [`Shape::General`] | `S·D > 0` | `A, C, ω, N, Q > 0`; `z → z₊ ∈ (0, ∞)` |
//!
//! `ω = 0` exactly when `B = 0` and `AC = 0`: only in the two degenerate shapes with
//! `θ* = 0`.

use crate::reduction::ExactReduction;
use num_traits::{Signed, Zero};

/// One layer of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// The output layer `u`.
    U,
    /// The hidden layer `w`.
    W,
}

/// The case of the closed form a scenario is in (module docs), decided exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// `u₀ = w₀ = 0`: the flow stays at the origin forever.
    Origin {
        /// `ω = 0` (`θ* = 0`; the origin's closed form does not use `ω`).
        omega_zero: bool,
    },
    /// `δ₀ = 0` (`ũ₀ = w̃₀ ≠ 0`): `C = 0`, the logistic equation `dz/dt = −Az² + Bz`.
    DeltaZero {
        /// `N = 0` (`B ≤ 0`): `z → 0`, the flow falls into the origin.
        falls: bool,
        /// `ω = 0` (`θ* = 0`): `z = 1/(1 + At)`, algebraic decay.
        omega_zero: bool,
    },
    /// `s₀ = 0` (`ũ₀ = −w̃₀ ≠ 0`): `A = 0`, the linear equation `dz/dt = Bz + C`.
    SZero {
        /// `Q = 0` (`B ≥ 0`): `z → ∞`, the flow falls into the origin.
        falls: bool,
        /// `ω = 0` (`θ* = 0`): `z = 1 + Ct`.
        omega_zero: bool,
    },
    /// `S, D > 0`: the general Riccati case, converging to a global minimum.
    General {
        /// `gram = 0`: `ũ₀ ∥ w̃₀` (rank-one initialization, `ζ = ±1` throughout).
        rank_one: bool,
        /// `M = |ũ₀|² − |w̃₀|² = 0`.
        balanced: bool,
        /// `θ* = 0` and rank one with `M ≠ 0`: this layer decays to zero (the one with
        /// the smaller normalized norm).
        vanishing: Option<Layer>,
    },
}

impl Shape {
    /// The shape of a scenario, from its exact reduction.
    pub fn of(red: &ExactReduction) -> Shape {
        let b_sign = red.b_sign();
        let theta_zero = red.theta.is_zero();
        if red.p.is_zero() {
            Shape::Origin {
                omega_zero: theta_zero,
            }
        } else if red.sd.is_zero() && red.x.is_positive() {
            Shape::DeltaZero {
                falls: b_sign <= 0,
                omega_zero: theta_zero,
            }
        } else if red.sd.is_zero() {
            // S·D = 0 with P > 0 and x ≤ 0: x = 0 would give S = D = P > 0, so x < 0.
            Shape::SZero {
                falls: b_sign >= 0,
                omega_zero: theta_zero,
            }
        } else {
            let rank_one = red.gram.is_zero();
            let balanced = red.m.is_zero();
            let vanishing = (theta_zero && rank_one && !balanced).then(|| {
                if red.m.is_positive() {
                    Layer::W
                } else {
                    Layer::U
                }
            });
            Shape::General {
                rank_one,
                balanced,
                vanishing,
            }
        }
    }

    /// `S = |s₀|² = 0` (the origin, or `s₀ = 0`).
    pub fn s_is_zero(self) -> bool {
        matches!(self, Shape::Origin { .. } | Shape::SZero { .. })
    }

    /// `D = |δ₀|² = 0` (the origin, or `δ₀ = 0`).
    pub fn d_is_zero(self) -> bool {
        matches!(self, Shape::Origin { .. } | Shape::DeltaZero { .. })
    }

    /// `N = Az₊ + C = 0` (`δ₀ = 0` with `B ≤ 0`): `z → 0`.
    pub fn n_is_zero(self) -> bool {
        matches!(self, Shape::DeltaZero { falls: true, .. })
    }

    /// `Q = A(1 − z₋) = 0` (`s₀ = 0` with `B ≥ 0`): `z → ∞`.
    pub fn q_is_zero(self) -> bool {
        matches!(self, Shape::SZero { falls: true, .. })
    }

    /// `ω = 0` (then `E = 1` and `τ = t` at every time): `θ* = 0` in a degenerate shape.
    pub fn omega_is_zero(self) -> bool {
        matches!(
            self,
            Shape::Origin { omega_zero: true }
                | Shape::DeltaZero {
                    omega_zero: true,
                    ..
                }
                | Shape::SZero {
                    omega_zero: true,
                    ..
                }
        )
    }

    /// `gram = 0`: `ũ₀ ∥ w̃₀` (true in every degenerate shape).
    pub fn rank_one(self) -> bool {
        match self {
            Shape::General { rank_one, .. } => rank_one,
            _ => true,
        }
    }

    /// `M = 0` (true in every degenerate shape).
    pub fn balanced(self) -> bool {
        match self {
            Shape::General { balanced, .. } => balanced,
            _ => true,
        }
    }

    /// The layer that decays to zero in the general case with `θ* = 0` and a rank-one
    /// initialization, if any.
    pub fn vanishing(self) -> Option<Layer> {
        match self {
            Shape::General { vanishing, .. } => vanishing,
            _ => None,
        }
    }

    /// Whether the flow ends at the origin `u = w = 0` (stays there, or falls into it):
    /// then `residual(∞) = −θ*`, else `0` (a global minimum).
    pub fn ends_at_origin(self) -> bool {
        matches!(self, Shape::Origin { .. }) || self.n_is_zero() || self.q_is_zero()
    }

    /// Whether the initialization is the origin.
    pub fn is_origin(self) -> bool {
        matches!(self, Shape::Origin { .. })
    }

    /// Whether this is one of the degenerate shapes (not [`Shape::General`]).
    pub fn is_degenerate(self) -> bool {
        !matches!(self, Shape::General { .. })
    }
}

#[cfg(test)]
#[path = "tests/shape.rs"]
mod tests;
