//! Gradient descent (docs/model.md §2 and §6): one step per unit of time, the learning rates
//! `η_u, η_w` as step sizes,
//!
//! ```text
//! u_{n+1} = u_n − η_u a γ e_n w_n ,     w_{n+1} = w_n − η_w a γ e_n u_n .
//! ```
//!
//! * [`full_f64`] / [`full_mp`] iterate the width-`d` vectors (the real thing);
//! * [`reduced_f64`] / [`reduced_mp`] iterate the exact three-scalar map of docs/model.md §6,
//!   `P' = (1−c)²P`, `R' = (1+c)²R`, `M' = (1−c²)M`, `c = ake` — the same trajectory at
//!   any width, in O(1) per step.
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
//! `0 < a·ntk < 2`; [`Stability`] records the first step with `a·ntk_n ≥ 2`, the largest
//! `a·ntk_n` seen, and the step at which the iteration left the `f64` range, if it did.

use exactflow_core::number::{q_to_f64, sqrt_q_to_f64};
use exactflow_core::{ExactReduction, Observables, Scenario, Q};
use rug::Float;

/// What the run says about the edge of stability.
#[derive(Debug, Clone, PartialEq)]
pub struct Stability {
    /// First step `n` with `a·ntk_n ≥ 2` (GD then oscillates or diverges near a minimum).
    pub first_unstable_step: Option<u64>,
    /// Largest `a·ntk_n` over the run.
    pub max_a_ntk: f64,
    /// `a·ntk` at the last step.
    pub final_a_ntk: f64,
    /// First step whose state is not finite (the iteration stopped there).
    pub diverged_at: Option<u64>,
}

/// A GD run: rows at the requested steps and the stability record.
#[derive(Debug, Clone)]
pub struct Run<R> {
    /// Step numbers of the rows.
    pub steps: Vec<u64>,
    /// Observables at those steps.
    pub rows: Vec<Observables<R>>,
    /// Edge of stability.
    pub stability: Stability,
}

/// Which steps to record: `0, every, 2·every, …` and always the last one.
fn recorded(n: u64, steps: u64, every: u64) -> bool {
    n == steps || n.is_multiple_of(every.max(1))
}

struct Track {
    first: Option<u64>,
    max: f64,
    last: f64,
}

impl Track {
    fn new() -> Self {
        Track {
            first: None,
            max: 0.0,
            last: 0.0,
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
    }
    fn done(self, diverged_at: Option<u64>) -> Stability {
        Stability {
            first_unstable_step: self.first,
            max_a_ntk: self.max,
            final_a_ntk: self.last,
            diverged_at,
        }
    }
}

/// Scalar parameters in `f64`.
#[derive(Debug, Clone, Copy)]
struct P64 {
    a: f64,
    gamma: f64,
    eta_u: f64,
    eta_w: f64,
    theta: f64,
    lstar: f64,
    k: f64,
}

fn p64(red: &ExactReduction) -> P64 {
    P64 {
        a: q_to_f64(&red.a),
        gamma: q_to_f64(&red.gamma),
        eta_u: q_to_f64(&red.eta_u),
        eta_w: q_to_f64(&red.eta_w),
        theta: q_to_f64(&red.theta),
        lstar: q_to_f64(&red.lstar),
        k: f64::from(red.k_sign()) * sqrt_q_to_f64(&red.k2),
    }
}

/// Full width-`d` GD in `f64` for `steps` steps, recording every `every`-th step.
pub fn full_f64(scenario: &Scenario, steps: u64, every: u64) -> Run<f64> {
    let red = scenario.reduction();
    let p = p64(&red);
    let (u0, w0) = scenario.initial_weights();
    let mut u: Vec<f64> = u0.iter().map(q_to_f64).collect();
    let mut w: Vec<f64> = w0.iter().map(q_to_f64).collect();
    let mut e = q_to_f64(&red.e0);
    let mut z = 1.0f64;
    let mut run = Run {
        steps: Vec::new(),
        rows: Vec::new(),
        stability: Stability {
            first_unstable_step: None,
            max_a_ntk: 0.0,
            final_a_ntk: 0.0,
            diverged_at: None,
        },
    };
    let mut track = Track::new();
    let mut diverged = None;
    for n in 0..=steps {
        let (mut uu, mut ww, mut uw) = (0.0, 0.0, 0.0);
        for (x, y) in u.iter().zip(&w) {
            uu += x * x;
            ww += y * y;
            uw += x * y;
        }
        let ntk = p.gamma * p.gamma * (p.eta_u * ww + p.eta_w * uu);
        let a_ntk = p.a * ntk;
        track.see(n, a_ntk);
        if recorded(n, steps, every) {
            run.steps.push(n);
            run.rows.push(Observables {
                z,
                slope: p.theta + e,
                residual: e,
                loss: 0.5 * p.a * e * e + p.lstar,
                ntk,
                alignment: uw / (uu.sqrt() * ww.sqrt()),
                norm_u: uu.sqrt(),
                norm_w: ww.sqrt(),
            });
        }
        if !(a_ntk.is_finite() && e.is_finite() && z.is_finite()) {
            diverged = Some(n);
            break;
        }
        if n == steps {
            break;
        }
        let g = p.a * p.gamma * e;
        let (gu, gw) = (p.eta_u * g, p.eta_w * g);
        for (x, y) in u.iter_mut().zip(w.iter_mut()) {
            let (x0, y0) = (*x, *y);
            *x = x0 - gu * y0;
            *y = y0 - gw * x0;
        }
        let c = p.a * p.k * e;
        z *= (1.0 - c) * (1.0 - c);
        e *= 1.0 - a_ntk + p.a * p.k * p.k * p.a * e * (p.theta + e);
    }
    run.stability = track.done(diverged);
    run
}

/// MPFR value of an exact rational.
fn fq(q: &Q, prec: u32) -> Float {
    let r = rug::Rational::from((
        rug::Integer::from_str_radix(&q.numer().to_str_radix(16), 16).unwrap_or_default(),
        rug::Integer::from_str_radix(&q.denom().to_str_radix(16), 16)
            .unwrap_or_else(|_| rug::Integer::from(1)),
    ));
    Float::with_val(prec, &r)
}

/// Parameters at working precision.
struct Pmp {
    a: Float,
    gamma: Float,
    eta_u: Float,
    eta_w: Float,
    theta: Float,
    lstar: Float,
    k: Float,
}

fn pmp(red: &ExactReduction, prec: u32) -> Pmp {
    let mut k = fq(&red.k2, prec).sqrt();
    if red.k_sign() < 0 {
        k = -k;
    }
    Pmp {
        a: fq(&red.a, prec),
        gamma: fq(&red.gamma, prec),
        eta_u: fq(&red.eta_u, prec),
        eta_w: fq(&red.eta_w, prec),
        theta: fq(&red.theta, prec),
        lstar: fq(&red.lstar, prec),
        k,
    }
}

/// Working precision for `digits` decimal digits over `steps` steps: the digits' bits,
/// plus `log2(steps)` for accumulation, plus 64 guard bits.
pub fn working_prec(digits: u32, steps: u64) -> u32 {
    let bits = (f64::from(digits) * std::f64::consts::LOG2_10).ceil() as u32;
    bits + 64 + (64 - steps.max(1).leading_zeros())
}

/// Full width-`d` GD in MPFR at `prec` bits.
pub fn full_mp(scenario: &Scenario, steps: u64, every: u64, prec: u32) -> Run<Float> {
    let red = scenario.reduction();
    let p = pmp(&red, prec);
    let (u0, w0) = scenario.initial_weights();
    let mut u: Vec<Float> = u0.iter().map(|q| fq(q, prec)).collect();
    let mut w: Vec<Float> = w0.iter().map(|q| fq(q, prec)).collect();
    let mut e = fq(&red.e0, prec);
    let mut z = Float::with_val(prec, 1);
    let mut rows = Vec::new();
    let mut recorded_steps = Vec::new();
    let mut track = Track::new();
    let mut diverged = None;
    let g2 = Float::with_val(prec, &p.gamma * &p.gamma);
    let ak2 = Float::with_val(prec, &p.a * &p.k) * &p.k * &p.a;
    for n in 0..=steps {
        let mut uu = Float::with_val(prec, 0);
        let mut ww = Float::with_val(prec, 0);
        let mut uw = Float::with_val(prec, 0);
        for (x, y) in u.iter().zip(&w) {
            uu += Float::with_val(prec, x * x);
            ww += Float::with_val(prec, y * y);
            uw += Float::with_val(prec, x * y);
        }
        let ntk = Float::with_val(prec, &p.eta_u * &ww) + Float::with_val(prec, &p.eta_w * &uu);
        let ntk = ntk * &g2;
        let a_ntk = Float::with_val(prec, &p.a * &ntk);
        track.see(n, a_ntk.to_f64());
        if recorded(n, steps, every) {
            let nu = Float::with_val(prec, uu.sqrt_ref());
            let nw = Float::with_val(prec, ww.sqrt_ref());
            let half_ae2 = Float::with_val(prec, &e * &e) * &p.a / 2u32;
            recorded_steps.push(n);
            rows.push(Observables {
                z: z.clone(),
                slope: Float::with_val(prec, &p.theta + &e),
                residual: e.clone(),
                loss: half_ae2 + &p.lstar,
                ntk: ntk.clone(),
                alignment: Float::with_val(prec, &uw / Float::with_val(prec, &nu * &nw)),
                norm_u: nu,
                norm_w: nw,
            });
        }
        if !(a_ntk.is_finite() && e.is_finite() && z.is_finite()) {
            diverged = Some(n);
            break;
        }
        if n == steps {
            break;
        }
        let g = Float::with_val(prec, &p.a * &p.gamma) * &e;
        let gu = Float::with_val(prec, &p.eta_u * &g);
        let gw = Float::with_val(prec, &p.eta_w * &g);
        for (x, y) in u.iter_mut().zip(w.iter_mut()) {
            let x0 = x.clone();
            *x -= Float::with_val(prec, &gu * &*y);
            *y -= Float::with_val(prec, &gw * &x0);
        }
        let c = Float::with_val(prec, &p.a * &p.k) * &e;
        let one_c = Float::with_val(prec, 1 - &c);
        z *= Float::with_val(prec, &one_c * &one_c);
        let slope = Float::with_val(prec, &p.theta + &e);
        let bracket = Float::with_val(prec, 1 - &a_ntk) + Float::with_val(prec, &ak2 * &e) * slope;
        e *= bracket;
    }
    Run {
        steps: recorded_steps,
        rows,
        stability: track.done(diverged),
    }
}

/// The three-scalar map of docs/model.md §6 in `f64` (`P, R, M` rounded from their exact
/// initial values).
pub fn reduced_f64(red: &ExactReduction, steps: u64, every: u64) -> Run<f64> {
    let p = p64(red);
    let r0 = crate::mechanism::Reduced::from_exact(red);
    let (mut pp, mut rr, mut mm) = (r0.s, r0.d, r0.m);
    let mut e = r0.e0;
    let mut z = 1.0f64;
    // gram_n = (P R − M²)/4 = |ũ|²|w̃|² − (ũ·w̃)², multiplied by (1 − c²)² per step.
    let mut gram = r0.gram;
    let (su, sw) = (p.eta_u.sqrt(), p.eta_w.sqrt());
    let mut run_steps = Vec::new();
    let mut rows = Vec::new();
    let mut track = Track::new();
    let mut diverged = None;
    for n in 0..=steps {
        let ntk = 0.5 * p.k * p.k * (pp + rr);
        let a_ntk = p.a * ntk;
        track.see(n, a_ntk);
        if recorded(n, steps, every) {
            let xt = (p.theta + e) / p.k;
            let (nu2, nw2) = norms2(mm, gram + xt * xt);
            run_steps.push(n);
            rows.push(Observables {
                z,
                slope: p.theta + e,
                residual: e,
                loss: 0.5 * p.a * e * e + p.lstar,
                ntk,
                alignment: xt / (xt * xt + gram).sqrt(),
                norm_u: su * nu2.sqrt(),
                norm_w: sw * nw2.sqrt(),
            });
        }
        if !(a_ntk.is_finite() && e.is_finite() && z.is_finite()) {
            diverged = Some(n);
            break;
        }
        if n == steps {
            break;
        }
        let c = p.a * p.k * e;
        pp *= (1.0 - c) * (1.0 - c);
        rr *= (1.0 + c) * (1.0 + c);
        mm *= (1.0 - c) * (1.0 + c);
        gram *= ((1.0 - c) * (1.0 + c)) * ((1.0 - c) * (1.0 + c));
        z *= (1.0 - c) * (1.0 - c);
        e *= 1.0 - a_ntk + p.a * p.a * p.k * p.k * e * (p.theta + e);
    }
    Run {
        steps: run_steps,
        rows,
        stability: track.done(diverged),
    }
}

/// `|ũ|², |w̃|²` from `M = |ũ|² − |w̃|²` and `|ũ|²|w̃|² = prod`: the larger root as a sum,
/// the smaller as `prod/larger` (no cancellation).
fn norms2(m: f64, prod: f64) -> (f64, f64) {
    let root = (m * m + 4.0 * prod).sqrt();
    let big = 0.5 * (m.abs() + root);
    let small = if big > 0.0 { prod / big } else { 0.0 };
    if m >= 0.0 {
        (big, small)
    } else {
        (small, big)
    }
}

/// The three-scalar map in MPFR at `prec` bits.
pub fn reduced_mp(red: &ExactReduction, steps: u64, every: u64, prec: u32) -> Run<Float> {
    let p = pmp(red, prec);
    let xt = {
        let mut x = fq(&red.xt2, prec).sqrt();
        if exactflow_core::reduction::sign(&red.x) < 0 {
            x = -x;
        }
        x
    };
    let pq = fq(&red.p, prec);
    let mut pp = Float::with_val(prec, &xt * 2u32) + &pq;
    let mut rr = pq - Float::with_val(prec, &xt * 2u32);
    let mut mm = fq(&red.m, prec);
    let mut e = fq(&red.e0, prec);
    let mut z = Float::with_val(prec, 1);
    let su = Float::with_val(prec, p.eta_u.sqrt_ref());
    let sw = Float::with_val(prec, p.eta_w.sqrt_ref());
    let k2 = Float::with_val(prec, &p.k * &p.k);
    let mut run_steps = Vec::new();
    let mut rows = Vec::new();
    let mut track = Track::new();
    let mut diverged = None;
    for n in 0..=steps {
        let ntk = Float::with_val(prec, &pp + &rr) * &k2 / 2u32;
        let a_ntk = Float::with_val(prec, &p.a * &ntk);
        track.see(n, a_ntk.to_f64());
        if recorded(n, steps, every) {
            let nu2 = (Float::with_val(prec, &pp + &rr) + Float::with_val(prec, &mm * 2u32)) / 4u32;
            let nw2 = (Float::with_val(prec, &pp + &rr) - Float::with_val(prec, &mm * 2u32)) / 4u32;
            let nu = Float::with_val(prec, nu2.sqrt_ref());
            let nw = Float::with_val(prec, nw2.sqrt_ref());
            let slope = Float::with_val(prec, &p.theta + &e);
            let xt_n = Float::with_val(prec, &slope / &p.k);
            run_steps.push(n);
            rows.push(Observables {
                z: z.clone(),
                slope,
                residual: e.clone(),
                loss: Float::with_val(prec, &e * &e) * &p.a / 2u32 + &p.lstar,
                ntk,
                alignment: xt_n / Float::with_val(prec, &nu * &nw),
                norm_u: Float::with_val(prec, &su * &nu),
                norm_w: Float::with_val(prec, &sw * &nw),
            });
        }
        if !(a_ntk.is_finite() && e.is_finite() && z.is_finite()) {
            diverged = Some(n);
            break;
        }
        if n == steps {
            break;
        }
        let c = Float::with_val(prec, &p.a * &p.k) * &e;
        let minus = Float::with_val(prec, 1 - &c);
        let plus = Float::with_val(prec, 1 + &c);
        pp *= Float::with_val(prec, &minus * &minus);
        rr *= Float::with_val(prec, &plus * &plus);
        mm *= Float::with_val(prec, &minus * &plus);
        z *= Float::with_val(prec, &minus * &minus);
        let slope = Float::with_val(prec, &p.theta + &e);
        let bracket = Float::with_val(prec, 1 - &a_ntk)
            + Float::with_val(prec, &p.a * &p.a) * &k2 * &e * slope;
        e *= bracket;
    }
    Run {
        steps: run_steps,
        rows,
        stability: track.done(diverged),
    }
}

#[cfg(test)]
#[path = "tests/gd.rs"]
mod tests;
