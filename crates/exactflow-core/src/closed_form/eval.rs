//! The careful forms of every observable (docs/derivation.md §4): ratios of sums of
//! non-negative terms and products of accurately computed factors, chosen between
//! equivalent forms by their rounding-error bounds.

use super::{Constants, Decay, Observables};
use crate::real::Real;

/// The time-dependent pieces every observable is built from (one time point).
struct Pieces<R> {
    /// Mantissa and binary shift of `E`.
    em: R,
    sh: i64,
    /// `num = E + Nτ` and `den = E + Qτ`, each as mantissa and binary shift.
    num_m: R,
    num_sh: i64,
    den_m: R,
    den_sh: i64,
    /// `1/num_m`, `1/den_m`.
    inv_num: R,
    inv_den: R,
    /// Binary shift of `z` (`num_sh − den_sh`).
    z_sh: i64,
    /// `z`, `1/z`, `z − 1`, `(z − 1)/z`.
    z: R,
    zinv: R,
    zm1: R,
    r: R,
}

impl<R: Real> Constants<R> {
    /// Every observable from the decay factors of one time point (see [`Constants::decay`]).
    #[inline(always)]
    pub fn eval_at(&self, dec: Decay<R>) -> Observables<R> {
        if self.shape.is_origin() {
            return self.at_origin();
        }
        let p = self.pieces(dec);
        let residual = self.residual(&p);
        let (zero, half) = (&self.u.zero, &self.u.half);
        // S z and D/z with exact zeros kept exact (0·∞ never arises).
        let sz = if self.shape.s_is_zero() {
            zero.clone()
        } else {
            self.init.s.clone() * p.z.clone()
        };
        let dz = if self.shape.d_is_zero() {
            zero.clone()
        } else {
            self.init.d.clone() * p.zinv.clone()
        };
        let slope = self.slope(&p, &residual, &dz);
        let m = &self.model;
        let loss =
            m.a.clone() * residual.clone() * residual.clone() * half.clone() + m.lstar.clone();
        let ntk = m.half_k2.clone() * (sz + dz);
        let (ru, rw) = self.root_norms4(&p);
        let norm_u = ru * m.half_sqrt_eta_u.clone();
        let norm_w = rw * m.half_sqrt_eta_w.clone();
        let alignment = self.alignment(&slope);
        Observables {
            z: p.z,
            slope,
            residual,
            loss,
            ntk,
            alignment,
            norm_u,
            norm_w,
        }
    }

    /// The origin stays put: `z = 1`, slope 0, residual `−θ*`, alignment undefined.
    fn at_origin(&self) -> Observables<R> {
        let (zero, one, half) = (&self.u.zero, &self.u.one, &self.u.half);
        let m = &self.model;
        let residual = -m.theta.clone();
        let loss =
            m.a.clone() * residual.clone() * residual.clone() * half.clone() + m.lstar.clone();
        Observables {
            z: one.clone(),
            slope: zero.clone(),
            residual,
            loss,
            ntk: zero.clone(),
            alignment: self.u.nan.clone(),
            norm_u: zero.clone(),
            norm_w: zero.clone(),
        }
    }

    /// `num`, `den`, their reciprocals, `z`, `1/z`, `z − 1` and `(z − 1)/z`.
    #[inline(always)]
    fn pieces(&self, dec: Decay<R>) -> Pieces<R> {
        let one = &self.u.one;
        let rt = &self.rates;
        let Decay {
            em,
            sh,
            e_full,
            tau,
        } = dec;
        // num = E + Nτ and den = E + Qτ, each as (mantissa, binary shift): when N = 0
        // (or Q = 0) the sum is E itself and keeps E's scaling.
        let (num_m, num_sh) = if self.shape.n_is_zero() {
            (em.clone(), sh)
        } else {
            (e_full.clone() + rt.n.clone() * tau.clone(), 0)
        };
        let (den_m, den_sh) = if self.shape.q_is_zero() {
            (em.clone(), sh)
        } else {
            (e_full + rt.q.clone() * tau.clone(), 0)
        };
        // One division for both reciprocals (each then carries two more roundings), where
        // the product num·den is safely inside the exponent range.
        let nd = num_m.clone() * den_m.clone();
        let (inv_num, inv_den) = if nd.all_in_range(1e-300, 1e300) {
            let inv_nd = one.clone() / nd;
            (den_m.clone() * inv_nd.clone(), num_m.clone() * inv_nd)
        } else {
            // Per lane, the same choice a scalar evaluation makes.
            let inv_nd = one.clone() / nd.clone();
            let (a, b) = (den_m.clone() * inv_nd.clone(), num_m.clone() * inv_nd);
            (
                nd.select_in_range(1e-300, 1e300, a, one.clone() / num_m.clone()),
                nd.select_in_range(1e-300, 1e300, b, one.clone() / den_m.clone()),
            )
        };
        let z_sh = num_sh - den_sh;
        // z = num/den, 1/z = den/num.
        let z = (num_m.clone() * inv_den.clone()).ldexp(z_sh);
        let zinv = (den_m.clone() * inv_num.clone()).ldexp(-z_sh);
        // z − 1 = −(A − B − C)τ/(E + Qτ) and (z − 1)/z = −(A − B − C)τ/(E + Nτ).
        let a_tau = rt.two_ake0.clone() * tau;
        let zm1 = (-(a_tau.clone() * inv_den.clone())).ldexp(-den_sh);
        let r = (-(a_tau * inv_num.clone())).ldexp(-num_sh);
        Pieces {
            em,
            sh,
            num_m,
            num_sh,
            den_m,
            den_sh,
            inv_num,
            inv_den,
            z_sh,
            z,
            zinv,
            zm1,
            r,
        }
    }

    /// `e = e₀ E (A z + W)/(Q (E + Nτ))`, or `e₀/(E + Nτ)` when `Q = 0`: a product of
    /// positive factors and `e₀`, accurate however small.
    #[inline(always)]
    fn residual(&self, p: &Pieces<R>) -> R {
        let rt = &self.rates;
        if self.shape.q_is_zero() {
            (self.model.e0.clone() * p.inv_num.clone()).ldexp(-p.num_sh)
        } else {
            let lam = rt.a_coef.clone() * p.z.clone() + rt.w.clone();
            if self.shape.n_is_zero() {
                rt.e0_over_q.clone() * lam
            } else {
                (rt.e0_over_q.clone() * p.em.clone() * lam * p.inv_num.clone()).ldexp(p.sh)
            }
        }
    }

    /// The slope: exact product forms when `δ₀ = 0` or `s₀ = 0`, else `θ* + e` or
    /// `slope₀ + k (z−1)(S + D/z)/4`, whichever has the smaller rounding-error bound.
    #[inline(always)]
    fn slope(&self, p: &Pieces<R>, residual: &R, dz: &R) -> R {
        let m = &self.model;
        if self.shape.d_is_zero() {
            // δ₀ = 0: slope = k S z/4, a product (exact form, even where z underflows).
            (m.quarter_ks.clone() * p.num_m.clone() * p.inv_den.clone()).ldexp(p.z_sh)
        } else if self.shape.s_is_zero() {
            // s₀ = 0: slope = −k D/(4z).
            -(m.quarter_kd.clone() * p.den_m.clone() * p.inv_num.clone()).ldexp(-p.z_sh)
        } else {
            let change = m.quarter_k.clone() * p.zm1.clone() * (self.init.s.clone() + dz.clone());
            let bound_residual = m.theta.abs() + residual.abs();
            let bound_change = m.slope0.abs() + change.abs();
            R::select_lt(
                &bound_change,
                &bound_residual,
                m.slope0.clone() + change,
                m.theta.clone() + residual.clone(),
            )
        }
    }

    /// `√(4|ũ|²)` and `√(4|w̃|²)`.
    #[inline(always)]
    fn root_norms4(&self, p: &Pieces<R>) -> (R, R) {
        if self.shape.n_is_zero() || self.shape.q_is_zero() {
            // z₊ ∈ {0, ∞}: δ₀ = 0 or s₀ = 0, so |ũ| = |w̃| = ℓ·√z'/2 (z' = z, or 1/z in the
            // δ₀ frame). Take the root of the scaled z' so that norms near 1e-160 stay
            // exact even when z' itself is below the normal range.
            let (m, j) = if self.delta_frame {
                (p.den_m.clone() * p.inv_num.clone(), -p.z_sh)
            } else {
                (p.num_m.clone() * p.inv_den.clone(), p.z_sh)
            };
            let h = j.div_euclid(2);
            let root = (m.ldexp(j - 2 * h)).sqrt().ldexp(h);
            let r = self.frame.len.clone() * root;
            (r.clone(), r)
        } else {
            let (pu4, pw4) = self.norms4(p);
            (pu4.sqrt(), pw4.sqrt())
        }
    }

    /// `ζ = X/√(X² + gram)` with `X = ũ·w̃ = slope/k`: the Gram determinant
    /// `|ũ|²|w̃|² − (ũ·w̃)²` is conserved (ũ, w̃ move by a matrix of determinant
    /// `ch² − sh² = 1`) and exact, so the denominator is a sum of non-negative terms.
    /// Rank-one initializations (gram = 0) give `ζ = sign(X)` exactly.
    #[inline(always)]
    fn alignment(&self, slope: &R) -> R {
        let init = &self.init;
        let x = self.model.inv_k.clone() * slope.clone();
        let alignment = if self.shape.rank_one() {
            x.clone() / x.abs()
        } else {
            let den2 = x.clone() * x.clone() + init.gram.clone();
            if den2.all_in_range(1e-300, 1e300) {
                x / den2.sqrt()
            } else {
                // Out of the exponent range of X²: divide X and √gram by the larger of
                // the two first.
                let inside = x.clone() / den2.sqrt();
                let ax = x.abs();
                let m = R::select_lt(&ax, &init.sqrt_gram, init.sqrt_gram.clone(), ax.clone());
                let (xs, gs) = (x / m.clone(), init.sqrt_gram.clone() / m);
                let outside = xs.clone() / (xs.clone() * xs + gs.clone() * gs).sqrt();
                den2.select_in_range(1e-300, 1e300, inside, outside)
            }
        };
        // |ζ| ≤ 1 exactly: drop what rounding put outside.
        alignment.clamp_known(&-self.u.one.clone(), &self.u.one)
    }

    /// `4|ũ|²` and `4|w̃|²`, each by two forms, keeping the one with the smaller
    /// rounding-error bound; clamped at 0 (a rounded difference may dip below).
    #[inline(always)]
    fn norms4(&self, p: &Pieces<R>) -> (R, R) {
        let zero = &self.u.zero;
        let init = &self.init;
        let (z, zinv, zm1, r) = (&p.z, &p.zinv, &p.zm1, &p.r);
        // (i) From the initial norms: |ũ|² = |ũ₀|² + Δ, |w̃|² = |w̃₀|² + Δ with
        //     Δ = ((z−1)/z)·(S(z−1) + 4X̃)/4 — exact at t = 0, good while the change is
        //     small or adds to the initial norm.
        let s_zm1 = if self.shape.s_is_zero() {
            zero.clone()
        } else {
            init.s.clone() * zm1.clone()
        };
        let delta4 = r.clone() * (s_zm1.clone() + init.four_xt.clone());
        let bound_i = r.abs() * (s_zm1.abs() + init.four_xt.abs());
        let pu4_i = init.four_pu.clone() + delta4.clone();
        let pw4_i = init.four_pw.clone() + delta4;
        let bu_i = init.four_pu.clone() + bound_i.clone();
        let bw_i = init.four_pw.clone() + bound_i;
        // (ii) In the frame of span{s₀, δ₀} (z and 1/z exchanged in the δ₀ frame):
        //     (ℓz + a)(ℓ + a/z) + c²/z and (ℓz − a)(ℓ − a/z) + c²/z — good when z has
        //     moved far from 1 and one of s, δ dominates.
        let f = &self.frame;
        let (zz, zi) = if self.delta_frame {
            (zinv, z)
        } else {
            (z, zinv)
        };
        // Each of the four factors by two forms, keeping the one with the smaller bound:
        // directly, ℓz ± a and ℓ ± a/z (s₀ frame; ℓ/z ± a and ℓ ± az in the δ₀ frame) —
        // good when z has moved far; or as ℓ ± a (exact-form constants) plus the change
        // since t = 0 — good when one layer dominates (ℓ ≈ a cancels):
        // s₀ frame: ℓz ± a = (ℓ ± a) + ℓ(z−1), ℓ ± a/z = (ℓ ± a) ∓ a(z−1)/z;
        // δ₀ frame: ℓ/z ± a = (ℓ ± a) − ℓ(z−1)/z, ℓ ± az = (ℓ ± a) ± a(z−1).
        let lz = f.len.clone() * zz.clone();
        let (dl, da) = if self.delta_frame {
            (-(f.len.clone() * r.clone()), zm1)
        } else {
            (f.len.clone() * zm1.clone(), r)
        };
        // z or 1/z overflows only when z₊ ∈ {0, ∞}, i.e. δ₀ = 0 or s₀ = 0, and then
        // M = 0 and gram = 0 exactly: keep those products exactly zero (no 0·∞).
        let (az, ad) = if self.shape.balanced() {
            (zero.clone(), zero.clone())
        } else {
            let ad = f.along.clone() * da.clone();
            (
                f.along.clone() * zi.clone(),
                if self.delta_frame { ad } else { -ad },
            )
        };
        let cross = if self.shape.rank_one() {
            zero.clone()
        } else {
            f.across2.clone() * zi.clone()
        };
        let pick = |old: R, old_b: R, base: &R, d: &R, plus: bool| -> (R, R) {
            let (new, new_b) = if plus {
                (base.clone() + d.clone(), base.clone() + d.abs())
            } else {
                (base.clone() - d.clone(), base.clone() + d.abs())
            };
            let v = R::select_lt(&new_b, &old_b, new, old);
            let b = R::select_lt(&new_b, &old_b, new_b.clone(), old_b.clone());
            (v, b)
        };
        let (lab, rab) = (lz.clone() + f.along.abs(), f.len.clone() + az.abs());
        let (mut lp, lpa) = pick(
            lz.clone() + f.along.clone(),
            lab.clone(),
            &f.plus0,
            &dl,
            true,
        );
        let (mut lm, lma) = pick(lz - f.along.clone(), lab, &f.minus0, &dl, true);
        let (mut rp, rpa) = pick(f.len.clone() + az.clone(), rab.clone(), &f.plus0, &ad, true);
        let (mut rm, rma) = pick(f.len.clone() - az, rab, &f.minus0, &ad, false);
        if let Some(w_vanishes) = self.w_vanishes() {
            let (l, rr) = self.vanishing_factors(p);
            // In either frame the vanishing vector is w̃ (the "−" pair) when M > 0, ũ when
            // M < 0.
            if w_vanishes {
                lm = l;
                rm = rr;
            } else {
                lp = l;
                rp = rr;
            }
        }
        let pu4_ii = lp.clone() * rp.clone() + cross.clone();
        let pw4_ii = lm.clone() * rm.clone() + cross.clone();
        // Rounding bounds of the two products: |x̂ŷ − xy| ≲ u(|x|_abs|ŷ| + |x̂||y|_abs),
        // where |x|_abs bounds the terms x was summed from.
        let bu_ii = lpa * rp.abs() + lp.abs() * rpa + cross.clone();
        let bw_ii = lma * rm.abs() + lm.abs() * rma + cross;
        let pu4 = R::select_lt(&bu_ii, &bu_i, pu4_ii, pu4_i);
        let pw4 = R::select_lt(&bw_ii, &bw_i, pw4_ii, pw4_i);
        let clamp = |x: R| x.clamp_known(zero, &self.u.inf);
        (clamp(pu4), clamp(pw4))
    }

    /// θ* = 0 and a rank-one initialization: one layer decays to 0 and the frame
    /// factors vanish at z = z₊. They are rewritten through
    /// `y = z − z₊ = (A−B−C)E/(Q(E+Qτ))`: `ℓz − a = ℓy`, `ℓ − a/z = ℓy/z` in the `s₀`
    /// frame; `ℓ/z − a = −ℓy/(z z₊)`, `ℓ − az = −ℓy/z₊` in the `δ₀` frame.
    #[inline(always)]
    fn vanishing_factors(&self, p: &Pieces<R>) -> (R, R) {
        let f = &self.frame;
        let rt = &self.rates;
        let y = (rt.two_ake0.clone() * p.em.clone() * rt.inv_q.clone() / p.den_m.clone())
            .ldexp(p.sh - p.den_sh);
        if self.delta_frame {
            let t = -(f.len.clone() * y) / rt.z_plus.clone();
            (t.clone() * p.zinv.clone(), t)
        } else {
            let t = f.len.clone() * y;
            (t.clone(), t * p.zinv.clone())
        }
    }
}
