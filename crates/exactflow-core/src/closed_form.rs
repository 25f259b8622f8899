//! The closed-form solution of docs/model.md §4–§5, written once for every engine.
//!
//! [`Constants::new`] rounds the exact reduction into a [`Real`] type once;
//! [`Constants::eval`] evaluates every observable at a time `t`. Every formula used here
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
//! The evaluation ([`Constants::eval_at`]) needs only [`Real`] — field operations, `√`
//! and selects — so a lane type can evaluate several time points at once with the same
//! code; the exponential and the constructors need [`Scalar`].
//!
//! For `f64`, `E` is carried as `m·2^j` once `ωt > 600`, so the residual keeps its
//! relative accuracy down to the bottom of the subnormal range.

use crate::number::Q;
use crate::real::{Real, Scalar};
use crate::reduction::ExactReduction;
use num_traits::{Signed, Zero};

/// Which frame of `span{s₀, δ₀}` the norms are computed in (the larger of `s₀`, `δ₀`
/// is the first axis; see `docs/derivation.md`).
#[derive(Debug, Clone)]
struct Frame<R> {
    /// `|first axis vector|` (`√S` or `√D`).
    len: R,
    /// Component of the other vector along the first axis (`M/√S` or `M/√D`).
    along: R,
    /// Its component across, squared (`4·gram/S` or `4·gram/D`).
    across2: R,
    /// `true` for the `δ₀` frame (roles of `z` and `1/z` exchanged).
    delta: bool,
    /// `M = 0` exactly.
    along_zero: bool,
    /// `gram = 0` exactly.
    across_zero: bool,
}

/// The closed form's constants, rounded once into `R`.
#[derive(Debug, Clone)]
pub struct Constants<R> {
    origin: bool,
    s_zero: bool,
    d_zero: bool,
    n_zero: bool,
    q_zero: bool,
    omega_zero: bool,
    a: R,
    theta: R,
    lstar: R,
    e0: R,
    slope0: R,
    s: R,
    d: R,
    /// `A = a k² S / 2`.
    a_coef: R,
    /// `ω = √(B² + 4AC)`.
    omega: R,
    /// `W = (ω − B)/2 ≥ 0`.
    w: R,
    /// `N = C + (B + ω)/2 = A z₊ + C ≥ 0`.
    n: R,
    /// `Q = A + (ω − B)/2 = A (1 − z₋) ≥ 0`.
    q: R,
    /// `A − B − C = 2 a k e₀`.
    two_ake0: R,
    /// `k²/2`.
    half_k2: R,
    /// `z₊ = N/Q`.
    z_plus: R,
    /// `Some(true)` when `w̃ → 0` (θ* = 0, rank-one init, M > 0), `Some(false)` when
    /// `ũ → 0` (M < 0), `None` otherwise.
    vanishing_layer: Option<bool>,
    frame: Frame<R>,
    zero: R,
    one: R,
    half: R,
    nan: R,
    inf: R,
    inv_omega: R,
    inv_q: R,
    e0_over_q: R,
    quarter_k: R,
    quarter_ks: R,
    quarter_kd: R,
    inv_k: R,
    /// Gram determinant `|ũ₀|²|w̃₀|² − (ũ₀·w̃₀)²` (conserved).
    gram: R,
    /// `√gram`.
    sqrt_gram: R,
    gram_zero: bool,
    four: R,
    four_xt: R,
    four_pu: R,
    four_pw: R,
    half_sqrt_eta_u: R,
    half_sqrt_eta_w: R,
    /// The lean forms' constants (see [`Constants::eval_lean`]).
    lean: Lean<R>,
}

/// Constants of [`Constants::eval_lean`], folded so that each observable costs the
/// fewest operations.
#[derive(Debug, Clone)]
struct Lean<R> {
    /// `N/ω`, `Q/ω` (0 when `ω = 0`; the lean forms are not used then).
    n_over_omega: R,
    q_over_omega: R,
    /// `e₀A/Q`, `e₀W/Q`: `e = E (e₀A/Q · z + e₀W/Q)/num`.
    lam_a: R,
    lam_w: R,
    /// `k²S/2`, `k²D/2`: `ntk = k²S z/2 + k²D/(2z)`, `2k²·ũ·w̃ = k²S z/2 − k²D/(2z)`.
    hk2_s: R,
    hk2_d: R,
    /// `1/(2k)` and `(2k²)²·gram`.
    inv_2k: R,
    gram_scaled: R,
    /// `−1`.
    minus_one: R,
}

/// Below this `ωt`, `1 − E` comes from `expm1` (it would cancel as `1 − e^{−ωt}`).
pub const EXPM1_BELOW: f64 = std::f64::consts::LN_2;
/// From this `ωt` on, `E` is carried as `m·2^j` (for `f64`: `e^{−600}` is near the
/// bottom of the normal range once multiplied by the other factors).
pub const SPLIT_ABOVE: f64 = 600.0;

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

fn signed_sqrt<R: Scalar>(sign: i32, q: &crate::number::Q, ctx: &R::Ctx) -> R {
    let r = R::sqrt_q(q, ctx);
    if sign < 0 {
        -r
    } else {
        r
    }
}

impl<R: Scalar> Constants<R> {
    /// Rounds the exact reduction into `R`. Each constant is within a few units of
    /// `R`'s last place of its exact value (see `docs/derivation.md`, "Constants").
    pub fn new(red: &ExactReduction, ctx: &R::Ctx) -> Self {
        let zero = R::from_i32(0, ctx);
        let two = R::from_i32(2, ctx);
        let four = R::from_i32(4, ctx);
        let ksign = red.k_sign();
        let k = signed_sqrt::<R>(ksign, &red.k2, ctx);
        let xt = signed_sqrt::<R>(crate::reduction::sign(&red.x), &red.xt2, ctx);
        let p = R::from_q(&red.p, ctx);
        let s_zero = red.s_is_zero();
        let d_zero = red.d_is_zero();
        // S = P + 2X̃, D = P − 2X̃; the cancelling one is S·D divided by the other, formed
        // as (S·D/P)/(1 + 2|X̃|/P) from exact ratios so that neither S·D (the square of
        // the initialization's scale) nor anything else can leave the exponent range.
        let cancelling = || {
            let sd_over_p = R::from_q(&(&red.sd / &red.p), ctx);
            let ratio = R::sqrt_q(
                &(Q::from_integer(4.into()) * &red.xt2 / (&red.p * &red.p)),
                ctx,
            );
            sd_over_p / (R::from_i32(1, ctx) + ratio)
        };
        let (s, d) = if red.x.is_negative() {
            let d = p.clone() - two.clone() * xt.clone();
            let s = if s_zero { zero.clone() } else { cancelling() };
            (s, d)
        } else {
            let s = p.clone() + two.clone() * xt.clone();
            let d = if d_zero || red.p.is_zero() {
                zero.clone()
            } else {
                cancelling()
            };
            (s, d)
        };
        let half_ak2 = R::from_q(&red.half_ak2, ctx);
        let a_coef = half_ak2.clone() * s.clone();
        let b_sign = red.b_sign();
        let b = signed_sqrt::<R>(b_sign, &red.b2, ctx);
        let omega = R::sqrt_q(&red.omega2, ctx);
        let ac = R::from_q(&red.ac, ctx);
        // V = (B+ω)/2, W = (ω−B)/2, V·W = A·C: compute the non-cancelling one directly.
        let (v, w) = if b_sign > 0 {
            let v = (b.clone() + omega.clone()) / two.clone();
            let w = if red.ac.is_zero() {
                zero.clone()
            } else {
                ac / v.clone()
            };
            (v, w)
        } else if b_sign < 0 {
            let w = (omega.clone() - b.clone()) / two.clone();
            let v = if red.ac.is_zero() {
                zero.clone()
            } else {
                ac / w.clone()
            };
            (v, w)
        } else {
            let h = omega.clone() / two.clone();
            (h.clone(), h)
        };
        let c_coef = half_ak2 * d.clone();
        let n = c_coef.clone() + v;
        let q = a_coef.clone() + w.clone();
        let n_zero = n.is_zero();
        let z_plus = if q.is_zero() {
            zero.clone()
        } else {
            n.clone() / q.clone()
        };
        let q_zero = q.is_zero();
        let two_ake0 = signed_sqrt::<R>(red.two_ake0_sign(), &red.two_ake0_sq, ctx);
        // Frame of span{s₀, δ₀}: first axis along the larger of the two (S ≥ D iff x ≥ 0).
        let delta_frame = red.x.is_negative();
        let first = if delta_frame { d.clone() } else { s.clone() };
        let len = first.sqrt();
        let frame = if first.is_zero() {
            Frame {
                len: zero.clone(),
                along: zero.clone(),
                across2: zero.clone(),
                delta: false,
                along_zero: true,
                across_zero: true,
            }
        } else {
            let m = R::from_q(&red.m, ctx);
            // c = 2√gram/ℓ, squared after the division (gram itself may underflow).
            let c = two.clone() * R::sqrt_q(&red.gram, ctx) / len.clone();
            Frame {
                along: m / len.clone(),
                across2: c.clone() * c,
                len,
                delta: delta_frame,
                along_zero: red.m.is_zero(),
                across_zero: red.gram.is_zero(),
            }
        };
        let one = R::from_i32(1, ctx);
        let half = one.clone() / two.clone();
        let quarter = half.clone() * half.clone();
        let inv_q = if q_zero {
            zero.clone()
        } else {
            one.clone() / q.clone()
        };
        let e0 = R::from_q(&red.e0, ctx);
        let vanishing_layer = if red.theta.is_zero()
            && red.gram.is_zero()
            && !red.m.is_zero()
            && !s_zero
            && !d_zero
            && !q_zero
        {
            Some(red.m.is_positive())
        } else {
            None
        };
        let half_k2 = R::from_q(&red.k2, ctx) * half.clone();
        let (n_over_omega, q_over_omega) = if red.omega2.is_zero() {
            (zero.clone(), zero.clone())
        } else {
            (n.clone() / omega.clone(), q.clone() / omega.clone())
        };
        let two_k2 = R::from_q(&(&red.k2 * Q::from_integer(2.into())), ctx);
        let lean = Lean {
            n_over_omega,
            q_over_omega,
            lam_a: e0.clone() * inv_q.clone() * a_coef.clone(),
            lam_w: e0.clone() * inv_q.clone() * w.clone(),
            hk2_s: half_k2.clone() * s.clone(),
            hk2_d: half_k2.clone() * d.clone(),
            inv_2k: one.clone() / (two.clone() * k.clone()),
            gram_scaled: two_k2.clone() * two_k2 * R::from_q(&red.gram, ctx),
            minus_one: -one.clone(),
        };
        Constants {
            lean,
            origin: red.is_origin(),
            s_zero,
            d_zero,
            n_zero,
            q_zero,
            omega_zero: red.omega2.is_zero(),
            a: R::from_q(&red.a, ctx),
            theta: R::from_q(&red.theta, ctx),
            lstar: R::from_q(&red.lstar, ctx),
            e0_over_q: e0.clone() * inv_q.clone(),
            e0,
            slope0: R::from_q(&red.slope0, ctx),
            inv_omega: if red.omega2.is_zero() {
                zero.clone()
            } else {
                one.clone() / omega.clone()
            },
            quarter_k: quarter.clone() * k.clone(),
            quarter_ks: quarter.clone() * k.clone() * s.clone(),
            quarter_kd: quarter * k.clone() * d.clone(),
            inv_k: one.clone() / k.clone(),
            gram: R::from_q(&red.gram, ctx),
            sqrt_gram: R::sqrt_q(&red.gram, ctx),
            gram_zero: red.gram.is_zero(),
            four: four.clone(),
            four_xt: four.clone() * xt,
            four_pu: four.clone() * R::from_q(&red.pu, ctx),
            four_pw: four * R::from_q(&red.pw, ctx),
            half_sqrt_eta_u: R::sqrt_q(&red.eta_u, ctx) * half.clone(),
            half_sqrt_eta_w: R::sqrt_q(&red.eta_w, ctx) * half.clone(),
            half_k2,
            s,
            d,
            a_coef,
            omega,
            w,
            n,
            q,
            inv_q,
            two_ake0,
            z_plus,
            vanishing_layer,
            frame,
            zero,
            one,
            half,
            nan: R::nan(ctx),
            inf: R::infinity(ctx),
        }
    }

    /// Evaluates every observable at time `t ≥ 0`.
    ///
    /// Precision (for `f64`): each returned value is within a small multiple of the unit
    /// roundoff of its exact value, relative to itself — except where the exact value is
    /// a genuine difference: the slope near a sign change (error relative to
    /// `max(|θ*|, |slope₀|)`), a norm near a zero crossing (error relative to the larger
    /// norm in normalized units), the alignment (absolute error). The rounding of `t`
    /// itself and of `ω` contribute a relative `ωt·u` to the decaying quantities.
    #[inline(always)]
    pub fn eval(&self, t: &R) -> Observables<R> {
        self.eval_at(self.decay(t))
    }

    /// The transcendental part of [`Constants::eval`]: `E = e^{−ωt}` (as `m·2^j`), `E`
    /// itself and `τ = (1 − E)/ω`. Split out so that batch evaluators can compute it for
    /// many points first and then run the purely arithmetic [`Constants::eval_at`].
    #[inline(always)]
    pub fn decay(&self, t: &R) -> Decay<R> {
        let one = &self.one;
        if self.omega_zero {
            return Decay {
                em: one.clone(),
                sh: 0,
                e_full: one.clone(),
                tau: t.clone(),
            };
        }
        let x = self.omega.clone() * t.clone();
        let xf = x.to_f64();
        if xf < EXPM1_BELOW {
            let m1 = (-x).exp_m1();
            let e = one.clone() + m1.clone();
            Decay {
                em: e.clone(),
                sh: 0,
                e_full: e,
                tau: -m1 * self.inv_omega.clone(),
            }
        } else if xf < SPLIT_ABOVE {
            self.decay_from_exp((-x).exp())
        } else {
            let (m, j) = R::exp_neg_split(&x);
            let e = m.ldexp(j);
            let tau = (one.clone() - e.clone()) * self.inv_omega.clone();
            Decay {
                em: m,
                sh: j,
                e_full: e,
                tau,
            }
        }
    }
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

impl<R: Real> Constants<R> {
    /// The same constants in another type, value by value — for a lane type, each
    /// constant splatted across the lanes. Exact as long as `f` is.
    pub fn map<S: Real>(&self, f: impl Fn(&R) -> S) -> Constants<S> {
        let fr = &self.frame;
        Constants {
            origin: self.origin,
            s_zero: self.s_zero,
            d_zero: self.d_zero,
            n_zero: self.n_zero,
            q_zero: self.q_zero,
            omega_zero: self.omega_zero,
            vanishing_layer: self.vanishing_layer,
            gram_zero: self.gram_zero,
            a: f(&self.a),
            theta: f(&self.theta),
            lstar: f(&self.lstar),
            e0: f(&self.e0),
            slope0: f(&self.slope0),
            s: f(&self.s),
            d: f(&self.d),
            a_coef: f(&self.a_coef),
            omega: f(&self.omega),
            w: f(&self.w),
            n: f(&self.n),
            q: f(&self.q),
            two_ake0: f(&self.two_ake0),
            half_k2: f(&self.half_k2),
            z_plus: f(&self.z_plus),
            zero: f(&self.zero),
            one: f(&self.one),
            half: f(&self.half),
            nan: f(&self.nan),
            inf: f(&self.inf),
            inv_omega: f(&self.inv_omega),
            inv_q: f(&self.inv_q),
            e0_over_q: f(&self.e0_over_q),
            quarter_k: f(&self.quarter_k),
            quarter_ks: f(&self.quarter_ks),
            quarter_kd: f(&self.quarter_kd),
            inv_k: f(&self.inv_k),
            gram: f(&self.gram),
            sqrt_gram: f(&self.sqrt_gram),
            four: f(&self.four),
            four_xt: f(&self.four_xt),
            four_pu: f(&self.four_pu),
            four_pw: f(&self.four_pw),
            half_sqrt_eta_u: f(&self.half_sqrt_eta_u),
            half_sqrt_eta_w: f(&self.half_sqrt_eta_w),
            lean: Lean {
                n_over_omega: f(&self.lean.n_over_omega),
                q_over_omega: f(&self.lean.q_over_omega),
                lam_a: f(&self.lean.lam_a),
                lam_w: f(&self.lean.lam_w),
                hk2_s: f(&self.lean.hk2_s),
                hk2_d: f(&self.lean.hk2_d),
                inv_2k: f(&self.lean.inv_2k),
                gram_scaled: f(&self.lean.gram_scaled),
                minus_one: f(&self.lean.minus_one),
            },
            frame: Frame {
                len: f(&fr.len),
                along: f(&fr.along),
                across2: f(&fr.across2),
                delta: fr.delta,
                along_zero: fr.along_zero,
                across_zero: fr.across_zero,
            },
        }
    }

    /// `ω`, the rate at which the residual decays (`e ~ e^{−ωt}`).
    pub fn omega(&self) -> &R {
        &self.omega
    }

    /// The limit of the residual as `t → ∞`: `−θ*` when the flow stays at or falls into
    /// the saddle `u = w = 0` (the origin; `δ₀ = 0` with `B ≤ 0`; `s₀ = 0` with `B ≥ 0`),
    /// else `0` (a global minimum). Decided on exact flags.
    pub fn residual_limit(&self) -> R {
        if self.origin || self.n_zero || self.q_zero {
            -self.theta.clone()
        } else {
            self.zero.clone()
        }
    }

    /// Whether `ω = 0` exactly (then `E = 1` and `τ = t` for every `t`).
    pub fn omega_is_zero(&self) -> bool {
        self.omega_zero
    }

    /// The decay factors from `E = e^{−ωt}` itself, for `EXPM1_BELOW ≤ ωt < SPLIT_ABOVE`
    /// (where `1 − E` does not cancel and `E` is a normal number): `τ = (1 − E)/ω`.
    #[inline(always)]
    pub fn decay_from_exp(&self, e: R) -> Decay<R> {
        let tau = (self.one.clone() - e.clone()) * self.inv_omega.clone();
        Decay {
            em: e.clone(),
            sh: 0,
            e_full: e,
            tau,
        }
    }

    /// Every observable from the decay factors of one time point (see [`Constants::decay`]).
    #[inline(always)]
    pub fn eval_at(&self, dec: Decay<R>) -> Observables<R> {
        let (zero, one, half) = (&self.zero, &self.one, &self.half);
        if self.origin {
            let residual = -self.theta.clone();
            let loss = self.a.clone() * residual.clone() * residual.clone() * half.clone()
                + self.lstar.clone();
            return Observables {
                z: one.clone(),
                slope: zero.clone(),
                residual,
                loss,
                ntk: zero.clone(),
                alignment: self.nan.clone(),
                norm_u: zero.clone(),
                norm_w: zero.clone(),
            };
        }
        let Decay {
            em,
            sh,
            e_full,
            tau,
        } = dec;
        // num = E + Nτ and den = E + Qτ, each as (mantissa, binary shift): when N = 0
        // (or Q = 0) the sum is E itself and keeps E's scaling.
        let (num_m, num_sh) = if self.n_zero {
            (em.clone(), sh)
        } else {
            (e_full.clone() + self.n.clone() * tau.clone(), 0)
        };
        let (den_m, den_sh) = if self.q_zero {
            (em.clone(), sh)
        } else {
            (e_full + self.q.clone() * tau.clone(), 0)
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
        let a_tau = self.two_ake0.clone() * tau;
        let zm1 = (-(a_tau.clone() * inv_den.clone())).ldexp(-den_sh);
        let r = (-(a_tau * inv_num.clone())).ldexp(-num_sh);
        // e = e₀ E (A z + W)/(Q (E + Nτ)), or e₀/(E + Nτ) when Q = 0.
        let residual = if self.q_zero {
            (self.e0.clone() * inv_num.clone()).ldexp(-num_sh)
        } else {
            let lam = self.a_coef.clone() * z.clone() + self.w.clone();
            if self.n_zero {
                self.e0_over_q.clone() * lam
            } else {
                (self.e0_over_q.clone() * em.clone() * lam * inv_num.clone()).ldexp(sh)
            }
        };
        // S z and D/z with exact zeros kept exact (0·∞ never arises).
        let sz = if self.s_zero {
            zero.clone()
        } else {
            self.s.clone() * z.clone()
        };
        let dz = if self.d_zero {
            zero.clone()
        } else {
            self.d.clone() * zinv.clone()
        };
        let slope = if self.d_zero {
            // δ₀ = 0: slope = k S z/4, a product (exact form, even where z underflows).
            (self.quarter_ks.clone() * num_m.clone() * inv_den.clone()).ldexp(z_sh)
        } else if self.s_zero {
            // s₀ = 0: slope = −k D/(4z).
            -(self.quarter_kd.clone() * den_m.clone() * inv_num.clone()).ldexp(-z_sh)
        } else {
            // θ* + e, or slope₀ + k (z−1)(S + D/z)/4: keep the smaller error bound.
            let change = self.quarter_k.clone() * zm1.clone() * (self.s.clone() + dz.clone());
            let bound_residual = self.theta.abs() + residual.abs();
            let bound_change = self.slope0.abs() + change.abs();
            R::select_lt(
                &bound_change,
                &bound_residual,
                self.slope0.clone() + change,
                self.theta.clone() + residual.clone(),
            )
        };
        let loss = self.a.clone() * residual.clone() * residual.clone() * half.clone()
            + self.lstar.clone();
        let ntk = self.half_k2.clone() * (sz + dz);
        // Norms: √(4|ũ|²), √(4|w̃|²).
        let (ru, rw) = if self.n_zero || self.q_zero {
            // z₊ ∈ {0, ∞}: δ₀ = 0 or s₀ = 0, so |ũ| = |w̃| = ℓ·√z'/2 (z' = z, or 1/z in the
            // δ₀ frame). Take the root of the scaled z' so that norms near 1e-160 stay
            // exact even when z' itself is below the normal range.
            let f = &self.frame;
            let (m, j) = if f.delta {
                (den_m.clone() * inv_num.clone(), -z_sh)
            } else {
                (num_m.clone() * inv_den.clone(), z_sh)
            };
            let h = j.div_euclid(2);
            let root = (m.ldexp(j - 2 * h)).sqrt().ldexp(h);
            let r = f.len.clone() * root;
            (r.clone(), r)
        } else {
            let (pu4, pw4) = self.norms4(&z, &zinv, &zm1, &r, (&em, sh), (&den_m, den_sh));
            (pu4.sqrt(), pw4.sqrt())
        };
        let norm_u = ru.clone() * self.half_sqrt_eta_u.clone();
        let norm_w = rw.clone() * self.half_sqrt_eta_w.clone();
        // ζ = X/√(X² + gram) with X = ũ·w̃ = slope/k: the Gram determinant
        // |ũ|²|w̃|² − (ũ·w̃)² is conserved (ũ, w̃ move by a matrix of determinant
        // ch² − sh² = 1) and exact, so the denominator is a sum of non-negative terms.
        // Rank-one initializations (gram = 0) give ζ = sign(X) exactly.
        let x = self.inv_k.clone() * slope.clone();
        let alignment = if self.gram_zero {
            x.clone() / x.abs()
        } else {
            let den2 = x.clone() * x.clone() + self.gram.clone();
            if den2.all_in_range(1e-300, 1e300) {
                x / den2.sqrt()
            } else {
                // Out of the exponent range of X²: divide X and √gram by the larger of
                // the two first.
                let inside = x.clone() / den2.sqrt();
                let ax = x.abs();
                let m = R::select_lt(&ax, &self.sqrt_gram, self.sqrt_gram.clone(), ax.clone());
                let (xs, gs) = (x / m.clone(), self.sqrt_gram.clone() / m);
                let outside = xs.clone() / (xs.clone() * xs + gs.clone() * gs).sqrt();
                den2.select_in_range(1e-300, 1e300, inside, outside)
            }
        };
        // |ζ| ≤ 1 exactly: drop what rounding put outside.
        let alignment = alignment.clamp_known(&-one.clone(), one);
        Observables {
            z,
            slope,
            residual,
            loss,
            ntk,
            alignment,
            norm_u,
            norm_w,
        }
    }

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
        if need.norms
            || self.origin
            || self.omega_zero
            || self.s_zero
            || self.d_zero
            || self.n_zero
            || self.q_zero
            || self.vanishing_layer.is_some()
        {
            return None;
        }
        let l = &self.lean;
        let nan = || self.nan.clone();
        // Right operands by reference: a ball type reuses the left operand's storage.
        let omt = one_minus_e.unwrap_or_else(|| -(e.clone() - &self.one));
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
            slope.clone() - &self.theta
        } else if want_e {
            (l.lam_a.clone() * &z + &l.lam_w) * e / &num
        } else {
            nan()
        };
        let alignment = if !need.alignment {
            nan()
        } else if self.gram_zero {
            y.clone() / &y.abs()
        } else {
            let den2 = y.square() + &l.gram_scaled;
            (y / &den2.sqrt()).clamp_known(&l.minus_one, &self.one)
        };
        let loss = if need.loss {
            (self.a.clone() * &residual.square() * &self.half) + &self.lstar
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

    /// `4|ũ|²` and `4|w̃|²`, each by two forms, keeping the one with the smaller
    /// rounding-error bound; clamped at 0 (a rounded difference may dip below).
    #[inline(always)]
    fn norms4(&self, z: &R, zinv: &R, zm1: &R, r: &R, e: (&R, i64), den: (&R, i64)) -> (R, R) {
        let zero = &self.zero;
        // (i) From the initial norms: |ũ|² = |ũ₀|² + Δ, |w̃|² = |w̃₀|² + Δ with
        //     Δ = ((z−1)/z)·(S(z−1) + 4X̃)/4 — exact at t = 0, good while the change is
        //     small or adds to the initial norm.
        let s_zm1 = if self.s_zero {
            zero.clone()
        } else {
            self.s.clone() * zm1.clone()
        };
        let delta4 = r.clone() * (s_zm1.clone() + self.four_xt.clone());
        let bound_i = r.abs() * (s_zm1.abs() + self.four_xt.abs());
        let pu4_i = self.four_pu.clone() + delta4.clone();
        let pw4_i = self.four_pw.clone() + delta4;
        let bu_i = self.four_pu.clone() + bound_i.clone();
        let bw_i = self.four_pw.clone() + bound_i;
        // (ii) In the frame of span{s₀, δ₀} (z and 1/z exchanged in the δ₀ frame):
        //     (ℓz + a)(ℓ + a/z) + c²/z and (ℓz − a)(ℓ − a/z) + c²/z — good when z has
        //     moved far from 1 and one of s, δ dominates.
        let f = &self.frame;
        let (zz, zi) = if f.delta { (zinv, z) } else { (z, zinv) };
        let lz = f.len.clone() * zz.clone();
        // z or 1/z overflows only when z₊ ∈ {0, ∞}, i.e. δ₀ = 0 or s₀ = 0, and then
        // M = 0 and gram = 0 exactly: keep those products exactly zero (no 0·∞).
        let az = if f.along_zero {
            zero.clone()
        } else {
            f.along.clone() * zi.clone()
        };
        let cross = if f.across_zero {
            zero.clone()
        } else {
            f.across2.clone() * zi.clone()
        };
        let (mut lp, mut lm) = (lz.clone() + f.along.clone(), lz.clone() - f.along.clone());
        let (mut rp, mut rm) = (f.len.clone() + az.clone(), f.len.clone() - az.clone());
        if let Some(w_vanishes) = self.vanishing_layer {
            // θ* = 0 and a rank-one initialization: one layer decays to 0 and the factors
            // above vanish at z = z₊. Rewrite them through y = z − z₊ = (A−B−C)E/(Q(E+Qτ)).
            let y = (self.two_ake0.clone() * e.0.clone() * self.inv_q.clone() / den.0.clone())
                .ldexp(e.1 - den.1);
            let (l, rr) = if f.delta {
                // ℓ/z − a = −ℓ y/(z z₊), ℓ − a z = −ℓ y/z₊.
                let t = -(f.len.clone() * y) / self.z_plus.clone();
                (t.clone() * zinv.clone(), t)
            } else {
                // ℓz − a = ℓ y, ℓ − a/z = ℓ y/z.
                let t = f.len.clone() * y;
                (t.clone(), t * zinv.clone())
            };
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
        // where |x|_abs = ℓz + |a| bounds the terms x was summed from.
        let lab = lz + f.along.abs();
        let rab = f.len.clone() + az.abs();
        let bu_ii = lab.clone() * rp.abs() + lp.abs() * rab.clone() + cross.clone();
        let bw_ii = lab * rm.abs() + lm.abs() * rab + cross;
        let pu4 = R::select_lt(&bu_ii, &bu_i, pu4_ii, pu4_i);
        let pw4 = R::select_lt(&bw_ii, &bw_i, pw4_ii, pw4_i);
        let clamp = |x: R| x.clamp_known(zero, &self.inf);
        (clamp(pu4), clamp(pw4))
    }
}
