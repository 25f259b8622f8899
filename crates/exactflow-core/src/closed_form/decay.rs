//! The decay factors of one time point: `E = e^{−ωt}` (carried as a mantissa and a
//! binary exponent where it leaves the type's normal range) and `τ = (1 − E)/ω`, the only
//! transcendental part of the closed form.

use super::{Constants, EXPM1_BELOW, SPLIT_ABOVE};
use crate::real::Scalar;

/// The decay factors at one time point: `E = e^{−ωt} = em·2^sh` (`sh ≠ 0` only where
/// `E` is below the type's normal range), `E` rounded into the type, `τ = (1 − E)/ω`.
#[derive(Debug, Clone, PartialEq)]
pub struct Decay<R> {
    /// Mantissa of `E`.
    pub em: R,
    /// Binary exponent offset of `E`.
    pub sh: i64,
    /// `E` itself (may underflow).
    pub e_full: R,
    /// `τ = (1 − E)/ω`, or `t` when `ω = 0`.
    pub tau: R,
}

impl<R: Scalar> Constants<R> {
    /// Evaluates every observable at time `t ≥ 0`.
    ///
    /// Precision (for `f64`): each returned value is within a small multiple of the unit
    /// roundoff of its exact value, relative to itself — except where the exact value is
    /// a genuine difference: the slope near a sign change (error relative to
    /// `max(|θ*|, |slope₀|)`), a norm near a zero crossing (error relative to the larger
    /// norm in normalized units), the alignment (absolute error). The rounding of `t`
    /// itself and of `ω` contribute a relative `ωt·u` to the decaying quantities.
    #[inline(always)]
    pub fn eval(&self, t: &R) -> super::Observables<R> {
        self.eval_at(self.decay(t))
    }

    /// The transcendental part of [`Constants::eval`]: `E = e^{−ωt}` (as `m·2^j`), `E`
    /// itself and `τ = (1 − E)/ω`. Split out so that batch evaluators can compute it for
    /// many points first and then run the purely arithmetic [`Constants::eval_at`].
    #[inline(always)]
    pub fn decay(&self, t: &R) -> Decay<R> {
        let one = &self.u.one;
        if self.shape.omega_is_zero() {
            return Decay {
                em: one.clone(),
                sh: 0,
                e_full: one.clone(),
                tau: t.clone(),
            };
        }
        let x = self.rates.omega.clone() * t.clone();
        let xf = x.to_f64();
        if xf < EXPM1_BELOW {
            let m1 = (-x).exp_m1();
            let e = one.clone() + m1.clone();
            Decay {
                em: e.clone(),
                sh: 0,
                e_full: e,
                tau: -m1 * self.rates.inv_omega.clone(),
            }
        } else if xf < SPLIT_ABOVE {
            self.decay_from_exp((-x).exp())
        } else {
            let (m, j) = R::exp_neg_split(&x);
            let e = m.ldexp(j);
            let tau = (one.clone() - e.clone()) * self.rates.inv_omega.clone();
            Decay {
                em: m,
                sh: j,
                e_full: e,
                tau,
            }
        }
    }
}

impl<R: crate::real::Real> Constants<R> {
    /// The decay factors from `E = e^{−ωt}` itself, for `EXPM1_BELOW ≤ ωt < SPLIT_ABOVE`
    /// (where `1 − E` does not cancel and `E` is a normal number): `τ = (1 − E)/ω`.
    #[inline(always)]
    pub fn decay_from_exp(&self, e: R) -> Decay<R> {
        let tau = (self.u.one.clone() - e.clone()) * self.rates.inv_omega.clone();
        Decay {
            em: e.clone(),
            sh: 0,
            e_full: e,
            tau,
        }
    }
}
