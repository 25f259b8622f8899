//! [`Constants`]: the exact reduction rounded into `R` once per scenario, with its
//! [`Shape`] decided exactly beforehand (docs/derivation.md §3–§5).

use crate::number::Q;
use crate::real::{Real, Scalar};
use crate::reduction::{sign, ExactReduction};
use crate::shape::{Layer, Shape};

/// A struct of `R` values with a field-by-field `map` (for lane types: each constant
/// splatted across the lanes).
macro_rules! real_struct {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $f:ident,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone)]
        pub(super) struct $name<R> {
            $($(#[$fm])* pub(super) $f: R,)*
        }
        impl<R> $name<R> {
            fn map<S>(&self, g: &impl Fn(&R) -> S) -> $name<S> {
                $name { $($f: g(&self.$f),)* }
            }
            #[allow(dead_code)]
            fn visit(&self, g: &mut impl FnMut(&R)) {
                $(g(&self.$f);)*
            }
        }
    };
}

real_struct! {
    /// Small exact numbers and the two special values.
    Units {
        zero,
        one,
        half,
        /// Not-a-number (undefined observables, unused lean outputs).
        nan,
        /// `+∞` (an upper bound that bounds nothing).
        inf,
    }
}

real_struct! {
    /// The model's scalars and the products the observables are built from.
    Model {
        /// `a = E[x²]`.
        a,
        /// `θ*`.
        theta,
        /// `L*`.
        lstar,
        /// `e₀ = slope₀ − θ*`.
        e0,
        /// `slope₀ = γ u₀·w₀`.
        slope0,
        /// `k²/2`.
        half_k2,
        /// `k/4`.
        quarter_k,
        /// `kS/4`.
        quarter_ks,
        /// `kD/4`.
        quarter_kd,
        /// `1/k`.
        inv_k,
        /// `√η_u/2`.
        half_sqrt_eta_u,
        /// `√η_w/2`.
        half_sqrt_eta_w,
    }
}

real_struct! {
    /// The Riccati equation's rates (docs/derivation.md §4).
    Rates {
        /// `A = a k² S / 2`.
        a_coef,
        /// `ω = √(B² + 4AC)`.
        omega,
        /// `1/ω` (0 when `ω = 0`).
        inv_omega,
        /// `W = (ω − B)/2 ≥ 0`.
        w,
        /// `N = C + (B + ω)/2 = A z₊ + C ≥ 0`.
        n,
        /// `Q = A + (ω − B)/2 = A (1 − z₋) ≥ 0`.
        q,
        /// `1/Q` (0 when `Q = 0`).
        inv_q,
        /// `A − B − C = 2 a k e₀`.
        two_ake0,
        /// `z₊ = N/Q` (0 when `Q = 0`).
        z_plus,
        /// `e₀/Q`.
        e0_over_q,
    }
}

real_struct! {
    /// The initialization's conserved quantities.
    Init {
        /// `S = |s₀|²`.
        s,
        /// `D = |δ₀|²`.
        d,
        /// Gram determinant `|ũ₀|²|w̃₀|² − (ũ₀·w̃₀)²` (conserved).
        gram,
        /// `√gram`.
        sqrt_gram,
        /// `4X̃ = 4ũ₀·w̃₀`.
        four_xt,
        /// `4|ũ₀|²`.
        four_pu,
        /// `4|w̃₀|²`.
        four_pw,
    }
}

real_struct! {
    /// The frame of `span{s₀, δ₀}` the norms are computed in: its first axis along the
    /// larger of `s₀`, `δ₀` (the `δ₀` frame, with `z` and `1/z` exchanged, when `x < 0`).
    FrameValues {
        /// `|first axis vector|` (`√S` or `√D`).
        len,
        /// Component of the other vector along the first axis (`M/√S` or `M/√D`).
        along,
        /// Its component across, squared (`4·gram/S` or `4·gram/D`).
        across2,
        /// `len + along` = `2(|ũ₀|² + |X̃|)/len` (`ũ₀·s₀` or `ũ₀·δ₀` over `len/2`): a sum of
        /// non-negative terms, so accurate however the two nearly cancel in `len − along`.
        plus0,
        /// `len − along` = `2(|w̃₀|² + |X̃|)/len`, likewise.
        minus0,
    }
}

real_struct! {
    /// Constants of [`Constants::eval_lean`], folded so that each observable costs the
    /// fewest operations.
    Lean {
        /// `N/ω` (0 when `ω = 0`; the lean forms are not used then).
        n_over_omega,
        /// `Q/ω`.
        q_over_omega,
        /// `e₀A/Q`: `e = E (e₀A/Q · z + e₀W/Q)/num`.
        lam_a,
        /// `e₀W/Q`.
        lam_w,
        /// `k²S/2`: `ntk = k²S z/2 + k²D/(2z)`, `2k²·ũ·w̃ = k²S z/2 − k²D/(2z)`.
        hk2_s,
        /// `k²D/2`.
        hk2_d,
        /// `1/(2k)`.
        inv_2k,
        /// `(2k²)²·gram`.
        gram_scaled,
        /// `−1`.
        minus_one,
    }
}

/// The closed form's constants, rounded once into `R`, and the exact [`Shape`].
#[derive(Debug, Clone)]
pub struct Constants<R> {
    pub(super) shape: Shape,
    /// The norms are computed in the `δ₀` frame (`x < 0`: `D > S`).
    pub(super) delta_frame: bool,
    pub(super) u: Units<R>,
    pub(super) model: Model<R>,
    pub(super) rates: Rates<R>,
    pub(super) init: Init<R>,
    pub(super) frame: FrameValues<R>,
    pub(super) lean: Lean<R>,
}

fn signed_sqrt<R: Scalar>(sign: i32, q: &Q, ctx: &R::Ctx) -> R {
    let r = R::sqrt_q(q, ctx);
    if sign < 0 {
        -r
    } else {
        r
    }
}

/// `S = P + 2X̃` and `D = P − 2X̃`; the cancelling one is `S·D` divided by the other,
/// formed as `(S·D/P)/(1 + 2|X̃|/P)` from exact ratios so that neither `S·D` (the square
/// of the initialization's scale) nor anything else can leave the exponent range. Exact
/// zeros by the shape.
fn split_sd<R: Scalar>(red: &ExactReduction, shape: Shape, xt: &R, ctx: &R::Ctx) -> (R, R) {
    let zero = R::from_i32(0, ctx);
    let two = R::from_i32(2, ctx);
    let p = R::from_q(&red.p, ctx);
    let cancelling = || {
        let sd_over_p = R::from_q(&(&red.sd / &red.p), ctx);
        let ratio = R::sqrt_q(
            &(Q::from_integer(4.into()) * &red.xt2 / (&red.p * &red.p)),
            ctx,
        );
        sd_over_p / (R::from_i32(1, ctx) + ratio)
    };
    if red.x < Q::from_integer(0.into()) {
        let d = p - two * xt.clone();
        let s = if shape.s_is_zero() {
            zero
        } else {
            cancelling()
        };
        (s, d)
    } else {
        let s = p + two * xt.clone();
        let d = if shape.d_is_zero() {
            zero
        } else {
            cancelling()
        };
        (s, d)
    }
}

impl<R: Scalar> Rates<R> {
    /// The rates from the exact reduction and the rounded `S`, `D`.
    fn new(red: &ExactReduction, shape: Shape, s: &R, d: &R, ctx: &R::Ctx) -> Rates<R> {
        let zero = R::from_i32(0, ctx);
        let one = R::from_i32(1, ctx);
        let two = R::from_i32(2, ctx);
        let half_ak2 = R::from_q(&red.half_ak2, ctx);
        let a_coef = half_ak2.clone() * s.clone();
        let b_sign = red.b_sign();
        let b = signed_sqrt::<R>(b_sign, &red.b2, ctx);
        let omega = R::sqrt_q(&red.omega2, ctx);
        let ac = R::from_q(&red.ac, ctx);
        let ac_zero = red.ac == Q::from_integer(0.into());
        // V = (B+ω)/2, W = (ω−B)/2, V·W = A·C: compute the non-cancelling one directly.
        let (v, w) = if b_sign > 0 {
            let v = (b.clone() + omega.clone()) / two.clone();
            let w = if ac_zero {
                zero.clone()
            } else {
                ac / v.clone()
            };
            (v, w)
        } else if b_sign < 0 {
            let w = (omega.clone() - b.clone()) / two.clone();
            let v = if ac_zero {
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
        let n = c_coef + v;
        let q = a_coef.clone() + w.clone();
        let q_zero = shape.q_is_zero();
        let z_plus = if q_zero {
            zero.clone()
        } else {
            n.clone() / q.clone()
        };
        let inv_q = if q_zero {
            zero.clone()
        } else {
            one.clone() / q.clone()
        };
        let e0 = R::from_q(&red.e0, ctx);
        Rates {
            two_ake0: signed_sqrt::<R>(red.two_ake0_sign(), &red.two_ake0_sq, ctx),
            inv_omega: if shape.omega_is_zero() {
                zero
            } else {
                one / omega.clone()
            },
            e0_over_q: e0 * inv_q.clone(),
            a_coef,
            omega,
            w,
            n,
            q,
            inv_q,
            z_plus,
        }
    }
}

impl<R: Scalar> FrameValues<R> {
    /// The frame of `span{s₀, δ₀}` (first axis along the larger of the two: `S ≥ D` iff
    /// `x ≥ 0`); all zero at the origin.
    fn new(red: &ExactReduction, shape: Shape, first: &R, ctx: &R::Ctx) -> FrameValues<R> {
        let zero = R::from_i32(0, ctx);
        if shape.is_origin() {
            return FrameValues {
                len: zero.clone(),
                along: zero.clone(),
                across2: zero.clone(),
                plus0: zero.clone(),
                minus0: zero,
            };
        }
        let two = R::from_i32(2, ctx);
        let len = first.sqrt();
        let m = R::from_q(&red.m, ctx);
        // c = 2√gram/ℓ, squared after the division (gram itself may underflow).
        let c = two.clone() * R::sqrt_q(&red.gram, ctx) / len.clone();
        // ℓ ± a = (ℓ² ± M)/ℓ with ℓ² = S = P + 2|X̃| (or D): ℓ² + M = 2(|ũ₀|² + |X̃|),
        // ℓ² − M = 2(|w̃₀|² + |X̃|).
        let axt = R::sqrt_q(&red.xt2, ctx);
        let pu = R::from_q(&red.pu, ctx);
        let pw = R::from_q(&red.pw, ctx);
        FrameValues {
            along: m / len.clone(),
            across2: c.clone() * c,
            plus0: two.clone() * (pu + axt.clone()) / len.clone(),
            minus0: two * (pw + axt) / len.clone(),
            len,
        }
    }
}

impl<R: Scalar> Constants<R> {
    /// Rounds the exact reduction into `R`, after deciding its [`Shape`] exactly. Each
    /// constant is within a few units of `R`'s last place of its exact value (see
    /// `docs/derivation.md`, "What is exact") as long as `R`'s exponent range holds it.
    pub fn new(red: &ExactReduction, ctx: &R::Ctx) -> Self {
        let shape = Shape::of(red);
        let zero = R::from_i32(0, ctx);
        let one = R::from_i32(1, ctx);
        let two = R::from_i32(2, ctx);
        let four = R::from_i32(4, ctx);
        let k = signed_sqrt::<R>(red.k_sign(), &red.k2, ctx);
        let xt = signed_sqrt::<R>(sign(&red.x), &red.xt2, ctx);
        let (s, d) = split_sd(red, shape, &xt, ctx);
        let rates = Rates::new(red, shape, &s, &d, ctx);
        let delta_frame = red.x < Q::from_integer(0.into());
        let frame = FrameValues::new(red, shape, if delta_frame { &d } else { &s }, ctx);
        let half = one.clone() / two.clone();
        let quarter = half.clone() * half.clone();
        let e0 = R::from_q(&red.e0, ctx);
        let half_k2 = R::from_q(&red.k2, ctx) * half.clone();
        let (n_over_omega, q_over_omega) = if shape.omega_is_zero() {
            (zero.clone(), zero.clone())
        } else {
            (
                rates.n.clone() / rates.omega.clone(),
                rates.q.clone() / rates.omega.clone(),
            )
        };
        let two_k2 = R::from_q(&(&red.k2 * Q::from_integer(2.into())), ctx);
        let lean = Lean {
            n_over_omega,
            q_over_omega,
            lam_a: e0.clone() * rates.inv_q.clone() * rates.a_coef.clone(),
            lam_w: e0.clone() * rates.inv_q.clone() * rates.w.clone(),
            hk2_s: half_k2.clone() * s.clone(),
            hk2_d: half_k2.clone() * d.clone(),
            inv_2k: one.clone() / (two * k.clone()),
            gram_scaled: two_k2.clone() * two_k2 * R::from_q(&red.gram, ctx),
            minus_one: -one.clone(),
        };
        let model = Model {
            a: R::from_q(&red.a, ctx),
            theta: R::from_q(&red.theta, ctx),
            lstar: R::from_q(&red.lstar, ctx),
            e0,
            slope0: R::from_q(&red.slope0, ctx),
            half_k2,
            quarter_k: quarter.clone() * k.clone(),
            quarter_ks: quarter.clone() * k.clone() * s.clone(),
            quarter_kd: quarter * k.clone() * d.clone(),
            inv_k: one.clone() / k,
            half_sqrt_eta_u: R::sqrt_q(&red.eta_u, ctx) * half.clone(),
            half_sqrt_eta_w: R::sqrt_q(&red.eta_w, ctx) * half.clone(),
        };
        let init = Init {
            gram: R::from_q(&red.gram, ctx),
            sqrt_gram: R::sqrt_q(&red.gram, ctx),
            four_xt: four.clone() * xt,
            four_pu: four.clone() * R::from_q(&red.pu, ctx),
            four_pw: four * R::from_q(&red.pw, ctx),
            s,
            d,
        };
        Constants {
            shape,
            delta_frame,
            u: Units {
                zero,
                one,
                half,
                nan: R::nan(ctx),
                inf: R::infinity(ctx),
            },
            model,
            rates,
            init,
            frame,
            lean,
        }
    }
}

impl<R: Real> Constants<R> {
    /// The same constants in another type, value by value — for a lane type, each
    /// constant splatted across the lanes. Exact as long as `f` is.
    pub fn map<S: Real>(&self, f: impl Fn(&R) -> S) -> Constants<S> {
        Constants {
            shape: self.shape,
            delta_frame: self.delta_frame,
            u: self.u.map(&f),
            model: self.model.map(&f),
            rates: self.rates.map(&f),
            init: self.init.map(&f),
            frame: self.frame.map(&f),
            lean: self.lean.map(&f),
        }
    }

    /// Calls `f` on every constant the evaluation uses (not the special values `0`, `1`,
    /// `½`, NaN, `+∞`): for a check that all of them lie in a type's comfortable range.
    pub fn for_each_constant(&self, mut f: impl FnMut(&R)) {
        self.model.visit(&mut f);
        self.rates.visit(&mut f);
        self.init.visit(&mut f);
        self.frame.visit(&mut f);
        self.lean.visit(&mut f);
    }

    /// The flow's shape, decided exactly.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// `ω`, the rate at which the residual decays (`e ~ e^{−ωt}`).
    pub fn omega(&self) -> &R {
        &self.rates.omega
    }

    /// Whether `ω = 0` exactly (then `E = 1` and `τ = t` for every `t`).
    pub fn omega_is_zero(&self) -> bool {
        self.shape.omega_is_zero()
    }

    /// The scale the slope's accuracy is relative to (docs: the slope near a sign
    /// change): `|slope| + min(|θ*| + |e|, |slope₀| + |slope − slope₀|)`.
    pub fn slope_scale(&self, slope: &R, residual: &R) -> R {
        let m = &self.model;
        let a = m.theta.abs() + residual.abs();
        let b = m.slope0.abs() + (slope.clone() - m.slope0.clone()).abs();
        slope.abs() + R::select_lt(&a, &b, a.clone(), b.clone())
    }

    /// The scales the norms' accuracy is relative to: the larger normalized norm
    /// `max(|ũ|, |w̃|)` in each layer's units, `(·√η_u, ·√η_w)`.
    pub fn norm_scales(&self, norm_u: &R, norm_w: &R) -> (R, R) {
        let m = &self.model;
        let (hu, hw) = (&m.half_sqrt_eta_u, &m.half_sqrt_eta_w);
        let (tu, tw) = (norm_u.clone() / hu.clone(), norm_w.clone() / hw.clone());
        let big = R::select_lt(&tu, &tw, tw.clone(), tu.clone());
        (big.clone() * hu.clone(), big * hw.clone())
    }

    /// The limit of the residual as `t → ∞`: `−θ*` when the flow stays at or falls into
    /// the saddle `u = w = 0` (the origin; `δ₀ = 0` with `B ≤ 0`; `s₀ = 0` with `B ≥ 0`),
    /// else `0` (a global minimum). Decided by the exact shape.
    pub fn residual_limit(&self) -> R {
        if self.shape.ends_at_origin() {
            -self.model.theta.clone()
        } else {
            self.u.zero.clone()
        }
    }

    /// `Some(true)` when `w̃ → 0` (θ* = 0, rank-one init, M > 0), `Some(false)` when
    /// `ũ → 0` (M < 0), `None` otherwise.
    pub(super) fn w_vanishes(&self) -> Option<bool> {
        self.shape.vanishing().map(|l| l == Layer::W)
    }
}
