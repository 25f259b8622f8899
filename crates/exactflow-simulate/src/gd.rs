//! Gradient descent (docs/model.md §2 and §6): one step per unit of time, the learning rates
//! `η_u, η_w` as step sizes,
//!
//! ```text
//! u_{n+1} = u_n − η_u a γ e_n w_n ,     w_{n+1} = w_n − η_w a γ e_n u_n .
//! ```
//!
//! Written once, generic over the number type ([`Num`]: `f64`, or MPFR balls that enclose
//! every rounding):
//!
//! * [`full`] iterates the width-`d` vectors (the real thing);
//! * [`reduced`] iterates the exact three-scalar map of docs/model.md §6 in the
//!   normalized coordinates `s = ũ + w̃`, `δ = ũ − w̃`: `|s|² ← (1−c)²|s|²`,
//!   `|δ|² ← (1+c)²|δ|²`, `M ← (1−c²)M`, `c = ake` — the same trajectory at any width, in
//!   O(1) per step.
//!
//! Rows use the trajectory schema with `t` = the step number. Two quantities are carried
//! by exact identities of the GD step rather than recomputed from the vectors, so they keep
//! their relative accuracy however small they get:
//!
//! * the residual: `e_{n+1} = e_n·(1 − a·ntk_n + a²k² e_n (θ* + e_n))` (expand
//!   `γ u_{n+1}·w_{n+1} − θ*`); `e₀` is rounded from its exact value;
//! * `z_n = |s_n|²/|s₀|² = Π (1 − c_i)²` (`s_{n+1} = (1 − c_n) s_n`: GD keeps the direction
//!   of `s`, as the flow does; this is the GD analogue of the flow's `z`).
//!
//! Edge of stability (docs/model.md §7): a minimum is linearly stable for GD iff
//! `0 < a·ntk < 2`; [`Stability`] records the first step with `a·ntk_n ≥ 2` and the
//! largest `a·ntk_n` seen.

use crate::error::{SimError, Stop};
use crate::num::{Num, Params};
use crate::observe::{observe, slope_and_uw, Moments};
use exactflow_core::{ExactReduction, Observables, Scenario, Q};
use num_traits::Zero;

/// What the run says about the edge of stability.
#[derive(Debug, Clone, PartialEq)]
pub struct Stability {
    /// First step `n` with `a·ntk_n ≥ 2` (GD then oscillates or diverges near a minimum).
    pub first_unstable_step: Option<u64>,
    /// Largest `a·ntk_n` over the run (as `f64`, for the report).
    pub max_a_ntk: f64,
    /// `a·ntk` at the last step reached.
    pub final_a_ntk: f64,
    /// The last step whose state was computed (`steps` unless the run stopped early).
    pub last_step: u64,
}

/// Which steps to record: `0, every, 2·every, …` and always the last one.
pub(crate) fn recorded(n: u64, steps: u64, every: u64) -> bool {
    n == steps || n.is_multiple_of(every.max(1))
}

/// Number of rows a GD run of `steps` steps recording every `every`-th produces.
pub fn row_count(steps: u64, every: u64) -> u64 {
    let every = every.max(1);
    steps / every + 1 + u64::from(!steps.is_multiple_of(every))
}

/// Edge-of-stability bookkeeping.
struct Track {
    first: Option<u64>,
    max: f64,
    last: f64,
    last_step: u64,
}

impl Track {
    fn new() -> Self {
        Track {
            first: None,
            max: 0.0,
            last: 0.0,
            last_step: 0,
        }
    }
    fn see(&mut self, n: u64, a_ntk: f64) {
        if a_ntk >= 2.0 && self.first.is_none() {
            self.first = Some(n);
        }
        if a_ntk > self.max || self.max.is_nan() {
            self.max = a_ntk;
        }
        self.last = a_ntk;
        self.last_step = n;
    }
    fn done(self) -> Stability {
        Stability {
            first_unstable_step: self.first,
            max_a_ntk: self.max,
            final_a_ntk: self.last,
            last_step: self.last_step,
        }
    }
}

/// `1 − c` and `1 + c` for `c = ake` (the exact factors of `s` and `δ` per step), each from
/// whichever form cancels less: `1 ∓ ake` directly, or `(1 ± akθ*) ∓ ak·slope` with
/// `1 ± akθ*` from exact values (`1 − √Q = (1 − Q)/(1 + √Q)`, `Q = (akθ*)²`). Near a
/// saddle with `akθ* ≈ −1`, `1 − c` is tiny and the direct form would keep none of its
/// digits.
struct Factors<R> {
    one: R,
    /// `1 + akθ*`.
    c_minus: R,
    /// `1 − akθ*`.
    c_plus: R,
}

impl<R: Num> Factors<R> {
    fn new(red: &ExactReduction, ctx: &R::Ctx) -> Self {
        let one = R::from_i32(1, ctx);
        let q = &red.a * &red.a * &red.k2 * &red.theta * &red.theta;
        let r = R::sqrt_q(&q, ctx);
        let big = one.clone() + &r;
        let small = R::from_q(&(Q::from_integer(1.into()) - &q), ctx) / &big;
        let s = red.k_sign() * exactflow_core::reduction::sign(&red.theta);
        let (c_minus, c_plus) = if s >= 0 { (big, small) } else { (small, big) };
        Factors {
            one,
            c_minus,
            c_plus,
        }
    }

    /// `(1 − c, 1 + c)` at residual `e` and slope `slope`.
    fn at(&self, p: &Params<R>, e: &R, slope: &R) -> (R, R) {
        let c = p.a_k.clone() * e;
        let ks = p.a_k.clone() * slope;
        let pick = |direct: R, shifted: R, base: &R| {
            let scale_direct = self.one.clone() + &c.abs();
            let scale_shifted = base.abs() + &ks.abs();
            if R::prefer_first(&shifted, &scale_shifted, &direct, &scale_direct) {
                shifted
            } else {
                direct
            }
        };
        let minus = pick(
            self.one.clone() - &c,
            self.c_minus.clone() - &ks,
            &self.c_minus,
        );
        let plus = pick(
            self.one.clone() + &c,
            self.c_plus.clone() + &ks,
            &self.c_plus,
        );
        (minus, plus)
    }
}

/// A running estimate of the relative error of the `f64` vectors of full GD, in units of
/// the unit roundoff: each step's update `u − g_u w` multiplies the error by its
/// cancellation `(|u| + |g_u||w|)/|u'|` and adds two roundings. Balls need no estimate
/// (their radii are the bound).
struct Drift {
    bound: f64,
    last: Option<(f64, f64, f64, f64)>,
}

/// The relative error (about `2^-26`: half of `f64`'s digits) past which full `f64`
/// gradient descent stops instead of printing digits it no longer has.
pub const F64_DRIFT_LIMIT: f64 = 1.0 / (1u64 << 26) as f64;

impl Drift {
    /// Takes the new squared norms; `Err(bound)` once the estimate passes the limit.
    fn see(&mut self, uu: f64, ww: f64) -> Result<(), f64> {
        if let Some((nu, nw, gu, gw)) = self.last {
            let amp = |n: f64, g: f64, other: f64, new: f64| (n + g.abs() * other) / new.sqrt();
            let a = amp(nu, gu, nw, uu).max(amp(nw, gw, nu, ww));
            let a = if a.is_nan() { 1.0 } else { a };
            self.bound = a.max(1.0) * (self.bound + 2.0);
        }
        if self.bound * f64::EPSILON > F64_DRIFT_LIMIT {
            Err(self.bound * f64::EPSILON)
        } else {
            Ok(())
        }
    }
}

/// Full width-`d` GD in `R` for `steps` steps; `emit(n, row)` receives every
/// `every`-th step and the last one. Stops at the first step whose state is not finite
/// in `R` (that step is not emitted), and — in `f64` — at the first whose estimated
/// relative error passes [`F64_DRIFT_LIMIT`].
pub fn full<R: Num, E>(
    scenario: &Scenario,
    ctx: &R::Ctx,
    steps: u64,
    every: u64,
    mut emit: impl FnMut(u64, &Observables<R>) -> Result<(), E>,
) -> (Stability, Stop<E>) {
    let red = scenario.reduction();
    let p = Params::<R>::new(&red, ctx);
    let f = Factors::<R>::new(&red, ctx);
    let (u0, w0) = scenario.initial_weights();
    let mut u: Vec<R> = u0.iter().map(|q| R::from_q(q, ctx)).collect();
    let mut w: Vec<R> = w0.iter().map(|q| R::from_q(q, ctx)).collect();
    let mut e = R::from_q(&red.e0, ctx);
    let mut z = R::from_i32(1, ctx);
    let mut track = Track::new();
    let mut drift = Drift {
        bound: 1.0,
        last: None,
    };
    for n in 0..=steps {
        let m = Moments::from_vectors(&u, &w, e.clone(), z.clone(), ctx);
        let a_ntk = p.a.clone() * &p.ntk(&m.uu, &m.ww);
        if !(a_ntk.is_finite_num()
            && m.uw.is_finite_num()
            && e.is_finite_num()
            && z.is_finite_num())
        {
            return (track.done(), Stop::Failed(diverged::<R>(n)));
        }
        if R::NEEDS_DRIFT {
            if let Err(bound) = drift.see(m.uu.to_f64(), m.ww.to_f64()) {
                return (track.done(), Stop::Failed(drifted(n, bound)));
            }
        }
        track.see(n, a_ntk.to_f64());
        let (slope, _) = slope_and_uw(&p, &m);
        if recorded(n, steps, every) {
            if let Err(err) = emit(n, &observe(&p, &m)) {
                return (track.done(), Stop::Sink(err));
            }
        }
        if n == steps {
            break;
        }
        let g = p.a_gamma.clone() * &e;
        let (gu, gw) = (p.eta_u.clone() * &g, p.eta_w.clone() * &g);
        if R::NEEDS_DRIFT {
            let (nu, nw) = (m.uu.to_f64().sqrt(), m.ww.to_f64().sqrt());
            drift.last = Some((nu, nw, gu.to_f64(), gw.to_f64()));
        }
        for (x, y) in u.iter_mut().zip(w.iter_mut()) {
            let x0 = x.clone();
            *x = x0.clone() - gu.clone() * &*y;
            *y = y.clone() - gw.clone() * &x0;
        }
        let (minus, _) = f.at(&p, &e, &slope);
        z = z * (minus.clone() * &minus);
        e = next_residual(&p, &f.one, &a_ntk, slope, e);
    }
    (track.done(), Stop::Done)
}

/// The error of full `f64` GD whose estimated error passed the limit at step `n`.
fn drifted(n: u64, bound: f64) -> SimError {
    SimError::AccuracyLost {
        at: format!("step {n}"),
        why: format!(
            "the f64 weights' estimated relative error is {bound:.1e} (cancellation in the update u - eta_u a gamma e w): gradient descent in MPFR (with digits) follows it"
        ),
    }
}

/// The error of a GD run whose state left `R`'s range at step `n`.
fn diverged<R: Num>(n: u64) -> SimError {
    SimError::Diverged {
        at: format!("step {n}"),
        why: format!(
            "gradient descent left the {} number range (the weights, the residual or z overflowed)",
            R::NAME
        ),
    }
}

/// `e·((1 − a·ntk) + a²k²·e·slope)`: the exact residual identity of the GD step
/// (`slope = θ* + e`, from [`slope_and_uw`]).
fn next_residual<R: Num>(p: &Params<R>, one: &R, a_ntk: &R, slope: R, e: R) -> R {
    let bracket = (one.clone() - a_ntk) + p.a2k2.clone() * &e * &slope;
    e * &bracket
}

/// The three-scalar state of [`reduced`], in normalized coordinates.
struct ReducedState<R> {
    /// `|s|²`.
    s: R,
    /// `|δ|²`.
    d: R,
    /// `M = s·δ = |ũ|² − |w̃|²`.
    m: R,
    /// `gram·2^(−kg)`, `gram = |ũ|²|w̃|² − (ũ·w̃)²` (multiplied by `(1 − c²)²` per
    /// step): the degree-4 Gram determinant as a significand near 1 and its own binary
    /// exponent `kg` (renormalized exactly after each step) — stored plainly, `f64`
    /// loses it at weights ~1e-77 or when `η_u/η_w` is extreme.
    gram: R,
    /// The exponent of `gram`.
    kg: i64,
    /// `X̃ = ũ·w̃ = (|s|² − |δ|²)/4` carried by its own recurrence `X̃ ← (1 + c²)X̃ −
    /// c(|s|² + |δ|²)/2`, with its rounding-error scale: when one normalized layer
    /// dominates, `|s|² − |δ|²` cancels (at step 0 of `ũ ~ 10⁻², w̃ ~ 10⁶` it lost 4 of
    /// 17 digits of the slope), while `X̃` from the exact `u₀·w₀` keeps them.
    xt: R,
    /// The error scale of `xt`.
    xt_scale: R,
}

impl<R: Num> ReducedState<R> {
    /// `S = P + 2X̃`, `D = P − 2X̃`, the smaller through the exact `S·D`; `M` and
    /// `gram/(S·D)` rounded from their exact values.
    fn new(red: &ExactReduction, ctx: &R::Ctx) -> Self {
        let p = R::from_q(&red.p, ctx);
        let two_xt = R::sqrt_q(&red.xt2, ctx).ldexp(1);
        let big = p + &two_xt;
        // The smaller as (S·D/P)/((P ± 2X̃)/P): both factors of order |s|², 1 (the
        // degree-4 S·D itself underflows f64 at weights ~1e-77).
        let small = if red.sd.is_zero() || big.is_zero() {
            R::from_i32(0, ctx)
        } else {
            R::from_q(&(&red.sd / &red.p), ctx) / &(big.clone() / &R::from_q(&red.p, ctx))
        };
        let (mut s, mut d) = if exactflow_core::reduction::sign(&red.x) >= 0 {
            (big, small)
        } else {
            (small, big)
        };
        if red.shape().s_is_zero() {
            s = R::from_i32(0, ctx);
        }
        if red.shape().d_is_zero() {
            d = R::from_i32(0, ctx);
        }
        let kg = if red.gram.is_zero() {
            0
        } else {
            red.gram.numer().bits() as i64 - red.gram.denom().bits() as i64
        };
        let mut xt = R::sqrt_q(&red.xt2, ctx);
        if exactflow_core::reduction::sign(&red.x) < 0 {
            xt = R::from_i32(0, ctx) - &xt;
        }
        ReducedState {
            xt_scale: xt.abs(),
            xt,
            s,
            d,
            m: R::from_q(&red.m, ctx),
            gram: R::from_q(&(&red.gram * pow2_q(-kg)), ctx),
            kg,
        }
    }

    /// `X̃` and its error scale from whichever of `(|s|² − |δ|²)/4` and the carried `X̃`
    /// loses less (balls: the tighter).
    fn xt_best(&self) -> (R, R) {
        let from_sd = (self.s.clone() - &self.d).ldexp(-2);
        let scale_sd = (self.s.clone() + &self.d).ldexp(-2);
        if R::prefer_first(&self.xt, &self.xt_scale, &from_sd, &scale_sd) {
            (self.xt.clone(), self.xt_scale.clone())
        } else {
            (from_sd, scale_sd)
        }
    }

    /// One step of the map with `c = ake` and the factors `1 ∓ c`.
    fn step(&mut self, c: &R, minus: &R, plus: &R) {
        let (xt, xt_scale) = self.xt_best();
        let half_sum = (self.s.clone() + &self.d).ldexp(-1);
        let one_c2 = minus.clone() * plus + &(c.clone() * c).ldexp(1);
        self.xt = one_c2.clone() * &xt - &(c.clone() * &half_sum);
        self.xt_scale = one_c2 * &xt_scale + &(c.abs() * &half_sum);
        let mp = minus.clone() * plus;
        self.s = self.s.clone() * &minus.square();
        self.d = self.d.clone() * &plus.square();
        self.m = self.m.clone() * &mp;
        self.gram = self.gram.clone() * &mp.square();
        self.rescale();
    }

    /// Renormalizes `gram`'s significand to about 1 (exactly: a power of two).
    fn rescale(&mut self) {
        let k = scale_exp(&self.gram);
        self.gram = self.gram.ldexp(-k);
        self.kg += k;
    }

    /// The moments: `u·w = √(η_uη_w)·(|s|² − |δ|²)/4` (error scale `√(η_uη_w)(|s|² + |δ|²)/4`)
    /// and `|ũ|², |w̃|²` from `M = |ũ|² − |w̃|²` and `|ũ|²|w̃|² = gram + X̃²` (the larger root
    /// as a sum, the smaller as a quotient: no cancellation), scaled by `η_u`, `η_w`; `X̃`
    /// from the better slope ([`slope_and_uw`]).
    fn moments(&self, p: &Params<R>, sqrt_eta: &R, e: &R, z: &R, ctx: &R::Ctx) -> Moments<R> {
        let (xt, xt_scale) = self.xt_best();
        let mut m = Moments {
            uu: R::from_i32(0, ctx),
            ww: R::from_i32(0, ctx),
            uw: sqrt_eta.clone() * &xt,
            uw_scale: sqrt_eta.clone() * &xt_scale,
            e: e.clone(),
            z: z.clone(),
        };
        let (slope, _) = slope_and_uw(p, &m);
        // |ũ|² + |w̃|² = (|s|² + |δ|²)/2 ≈ 2^k sets the scale of M and the larger root;
        // the product |ũ|²|w̃|² = gram + X̃² ≈ 2^(2h) its own (it ranges from 2^(2k) down
        // to far below when one layer dominates). Exact power-of-two rescalings, so that
        // f64 holds every intermediate wherever it holds |ũ|² and |w̃|².
        let k = scale_exp(&(self.s.clone() + &self.d));
        let xt = slope / &p.k;
        let h = ((self.kg + 1).div_euclid(2)).max(scale_exp(&xt));
        let prod = self.gram.ldexp(self.kg - 2 * h) + xt.ldexp(-h).square();
        let mm = self.m.ldexp(-k);
        let root = (mm.square() + prod.ldexp(2 * (h - k) + 2)).sqrt();
        let big = (mm.abs() + &root).ldexp(-1);
        let small = if big.is_zero() {
            R::from_i32(0, ctx)
        } else {
            (prod / &big).ldexp(2 * h - k)
        };
        let big = big.ldexp(k);
        let (nu2, nw2) = if self.m >= R::from_i32(0, ctx) {
            (big, small)
        } else {
            (small, big)
        };
        m.uu = p.eta_u.clone() * &nu2;
        m.ww = p.eta_w.clone() * &nw2;
        m
    }
}

/// The exponent `k` of a positive `x ≈ 2^k` read through `f64` (0 where `f64` cannot
/// say: zero, subnormal or beyond its range — MPFR balls need no rescaling there, and an
/// `f64` so far out is refused downstream).
fn scale_exp<R: Num>(x: &R) -> i64 {
    let v = x.to_f64().abs();
    if v.is_normal() {
        v.log2().round() as i64
    } else {
        0
    }
}

/// `2^e`, exactly (`|e|` is at most a few thousand: an `f64` exponent, doubled).
fn pow2_q(e: i64) -> Q {
    let e = i32::try_from(e).expect("an f64 exponent, doubled");
    Q::from_integer(2.into()).pow(e)
}

/// The three-scalar map of docs/model.md §6 in `R`, with the same rows and stopping rule
/// as [`full`].
pub fn reduced<R: Num, E>(
    red: &ExactReduction,
    ctx: &R::Ctx,
    steps: u64,
    every: u64,
    mut emit: impl FnMut(u64, &Observables<R>) -> Result<(), E>,
) -> (Stability, Stop<E>) {
    let p = Params::<R>::new(red, ctx);
    let f = Factors::<R>::new(red, ctx);
    let mut st = ReducedState::<R>::new(red, ctx);
    let mut e = R::from_q(&red.e0, ctx);
    let mut z = R::from_i32(1, ctx);
    let half_k2 = (p.k.clone() * &p.k).ldexp(-1);
    let sqrt_eta = R::sqrt_q(&red.eta_prod, ctx);
    let mut track = Track::new();
    for n in 0..=steps {
        let ntk = half_k2.clone() * &(st.s.clone() + &st.d);
        let a_ntk = p.a.clone() * &ntk;
        if !(a_ntk.is_finite_num() && e.is_finite_num() && z.is_finite_num()) {
            return (track.done(), Stop::Failed(diverged::<R>(n)));
        }
        track.see(n, a_ntk.to_f64());
        let m = st.moments(&p, &sqrt_eta, &e, &z, ctx);
        let (slope, _) = slope_and_uw(&p, &m);
        if recorded(n, steps, every) {
            let row = observe(&p, &m);
            if let Err(err) = emit(n, &row) {
                return (track.done(), Stop::Sink(err));
            }
        }
        if n == steps {
            break;
        }
        let (minus, plus) = f.at(&p, &e, &slope);
        st.step(&(p.a_k.clone() * &e), &minus, &plus);
        z = z * &minus.square();
        e = next_residual(&p, &f.one, &a_ntk, slope, e);
    }
    (track.done(), Stop::Done)
}

#[cfg(test)]
#[path = "tests/gd.rs"]
mod tests;
