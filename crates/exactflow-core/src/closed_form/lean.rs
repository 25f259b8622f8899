//! The requested observables by the forms with the fewest operations, for types that
//! carry their own rigorous error bound (balls): the certified engine's first attempt.

use super::{Constants, Need, Observables};
use crate::real::Real;

impl<R: Real> Constants<R> {
    /// The requested observables by the forms with the fewest operations, for types
    /// that carry their own rigorous error bound (balls), from `E = e^{−ωt}` and
    /// `1 − E` (computed as such when not given); the observables not in `need` are NaN. `None` where these forms do not
    /// apply — the degenerate shapes (origin, `s₀ = 0`, `δ₀ = 0`, `N = 0`, `Q = 0`, a
    /// vanishing layer), `ω = 0`, or the norms asked for: use [`Constants::eval_at`].
    ///
    /// The forms (docs/model.md §4–§5 with `num = E + N(1−E)/ω`, `den = E + Q(1−E)/ω`):
    /// `z = num/den`, `1/z = den/num`, `e = E (e₀A/Q·z + e₀W/Q)/num` (a product: no
    /// cancellation however small `e`) or, with `residual_from_slope`, `e = slope − θ*`
    /// (two operations fewer, but it loses `log2(|θ*|/|e|)` bits: for early times, when
    /// the type has guard bits to spare), `ntk = k²S z/2 + k²D/(2z)`,
    /// `Y = k²S z/2 − k²D/(2z) = 2k²·ũ·w̃`, `slope = Y/(2k)`,
    /// `alignment = Y/√(Y² + (2k²)²·gram)`, `loss = a e²/2 + L*`.
    ///
    /// Precision: every step is a product, a quotient or a sum of like-signed terms,
    /// except `Y`, a difference that loses relative accuracy where the slope is small
    /// against `k(S z + D/z)/4`, `e` by difference (above), and `1 − E` where `E` is
    /// near 1; a ball shows either in
    /// its radius (a caller that needs more re-evaluates such points with
    /// [`Constants::eval_at`]). For `f64` use [`Constants::eval_at`].
    #[inline(always)]
    pub fn eval_lean(
        &self,
        e: &R,
        one_minus_e: Option<R>,
        need: Need,
        residual_from_slope: bool,
    ) -> Option<Observables<R>> {
        if need.norms || self.shape.is_degenerate() || self.shape.vanishing().is_some() {
            return None;
        }
        let l = &self.lean;
        let nan = || self.u.nan.clone();
        // Right operands by reference: a ball type reuses the left operand's storage.
        let omt = one_minus_e.unwrap_or_else(|| -(e.clone() - &self.u.one));
        let num = l.n_over_omega.clone() * &omt + e;
        let den = l.q_over_omega.clone() * &omt + e;
        let want_e = need.residual || need.loss;
        let e_by_difference = want_e && residual_from_slope;
        let want_slope = need.slope || e_by_difference;
        let want_y = want_slope || need.alignment;
        let want_zinv = want_y || need.ntk;
        let z = num.clone() / &den;
        let zinv = if want_zinv { den / &num } else { nan() };
        let (sz, dz) = if want_zinv {
            (l.hk2_s.clone() * &z, l.hk2_d.clone() * &zinv)
        } else {
            (nan(), nan())
        };
        let y = if want_y { sz.clone() - &dz } else { nan() };
        let ntk = if need.ntk { sz + &dz } else { nan() };
        let slope = if want_slope {
            y.clone() * &l.inv_2k
        } else {
            nan()
        };
        let residual = if e_by_difference {
            slope.clone() - &self.model.theta
        } else if want_e {
            (l.lam_a.clone() * &z + &l.lam_w) * e / &num
        } else {
            nan()
        };
        let alignment = if !need.alignment {
            nan()
        } else if self.shape.rank_one() {
            y.clone() / &y.abs()
        } else {
            let den2 = y.square() + &l.gram_scaled;
            (y / &den2.sqrt()).clamp_known(&l.minus_one, &self.u.one)
        };
        let loss = if need.loss {
            (self.model.a.clone() * &residual.square() * &self.u.half) + &self.model.lstar
        } else {
            nan()
        };
        Some(Observables {
            z: if need.z { z } else { nan() },
            slope: if need.slope { slope } else { nan() },
            residual: if need.residual { residual } else { nan() },
            loss,
            ntk,
            alignment,
            norm_u: nan(),
            norm_w: nan(),
        })
    }
}
