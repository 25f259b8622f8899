//! An independent oracle: the raw `2d`-dimensional gradient flow of docs/model.md §2,
//!
//! ```text
//! du/dt = −η_u a γ e w,   dw/dt = −η_w a γ e u,   e = γ u·w − θ*,
//! ```
//!
//! integrated by a Taylor-series method in MPFR. It shares nothing with the closed form:
//! no reduction, no `z`, no exponential — only the vector field. The Taylor coefficients
//! come from the recurrences of the quadratic field (automatic differentiation):
//!
//! ```text
//! e_k = γ Σ_{i+j=k} u_i·w_j − θ*·[k = 0],
//! u_{k+1} = −η_u a γ/(k+1) Σ_{i+j=k} e_i w_j,   w_{k+1} = −η_w a γ/(k+1) Σ_{i+j=k} e_i u_j.
//! ```
//!
//! Order and step follow Jorba & Zou (2005): for a target relative error `ε = 2^-p`, order
//! `K = ⌈p·ln2/2⌉ + 2` and step `h = ρ/e²`, where `ρ = min(‖x_{K−1}‖^{−1/(K−1)},
//! ‖x_K‖^{−1/K})` estimates the radius of convergence from the last two coefficients
//! (normalized by `‖x_0‖`); the truncation error per step is then about `e^{−2K} ≤ ε`.
//! Steps are shortened to land exactly on each output time. The working precision
//! carries `log2(steps)` guard bits beyond the target.

use crate::error::{SimError, Stop};
use exactflow_core::number::Q;
use exactflow_core::{Observables, Scenario};
use rug::ops::Pow;
use rug::Float;

/// The flow's parameters at working precision.
#[derive(Debug, Clone)]
pub struct RawFlow {
    /// `η_u a γ`.
    cu: Float,
    /// `η_w a γ`.
    cw: Float,
    gamma: Float,
    theta: Float,
    prec: u32,
}

/// A state `(u, w)`.
pub type State = (Vec<Float>, Vec<Float>);

/// An exact rational rounded to nearest at `prec` bits.
pub fn float_of(q: &Q, prec: u32) -> Float {
    exactflow_num::mpfr::q_to_float_nearest(q, prec)
}

impl RawFlow {
    /// `eta_u, eta_w, a, gamma, theta` at `prec` bits.
    pub fn new(
        eta_u: &Float,
        eta_w: &Float,
        a: &Float,
        gamma: &Float,
        theta: &Float,
        prec: u32,
    ) -> Self {
        let agam = Float::with_val(prec, a * gamma);
        RawFlow {
            cu: Float::with_val(prec, eta_u * &agam),
            cw: Float::with_val(prec, eta_w * &agam),
            gamma: Float::with_val(prec, gamma),
            theta: Float::with_val(prec, theta),
            prec,
        }
    }

    /// Taylor order for the working precision.
    pub fn order(&self) -> usize {
        ((self.prec as f64) * std::f64::consts::LN_2 / 2.0).ceil() as usize + 2
    }

    /// Taylor coefficients `(u_k, w_k)`, `k = 0..=K`, at a state.
    fn coefficients(&self, x: &State, k_max: usize) -> Vec<State> {
        let p = self.prec;
        let d = x.0.len();
        let mut us: Vec<Vec<Float>> = vec![x.0.clone()];
        let mut ws: Vec<Vec<Float>> = vec![x.1.clone()];
        let mut es: Vec<Float> = Vec::with_capacity(k_max + 1);
        for k in 0..k_max {
            let mut ek = Float::with_val(p, 0);
            for i in 0..=k {
                for c in 0..d {
                    ek += Float::with_val(p, &us[i][c] * &ws[k - i][c]);
                }
            }
            ek *= &self.gamma;
            if k == 0 {
                ek -= &self.theta;
            }
            es.push(ek);
            let mut uk = vec![Float::with_val(p, 0); d];
            let mut wk = vec![Float::with_val(p, 0); d];
            for i in 0..=k {
                for c in 0..d {
                    uk[c] += Float::with_val(p, &es[i] * &ws[k - i][c]);
                    wk[c] += Float::with_val(p, &es[i] * &us[k - i][c]);
                }
            }
            let kk = (k + 1) as u32;
            for c in 0..d {
                uk[c] *= &self.cu;
                uk[c] /= kk;
                uk[c] = -uk[c].clone();
                wk[c] *= &self.cw;
                wk[c] /= kk;
                wk[c] = -wk[c].clone();
            }
            us.push(uk);
            ws.push(wk);
        }
        us.into_iter().zip(ws).collect()
    }

    fn norm(&self, x: &State) -> Float {
        let mut m = Float::with_val(self.prec, 0);
        for v in x.0.iter().chain(&x.1) {
            let a = Float::with_val(self.prec, v.abs_ref());
            if a > m {
                m = a;
            }
        }
        m
    }

    /// One Taylor step of at most `left` from `x`; returns the step taken.
    fn step(&self, x: &mut State, left: &Float) -> Float {
        let p = self.prec;
        let k_max = self.order();
        let c = self.coefficients(x, k_max);
        let scale = self.norm(x).max(&Float::with_val(p, 1e-300));
        let rho = |k: usize| -> Float {
            let nk = self.norm(&c[k]) / &scale;
            if nk.is_zero() {
                Float::with_val(p, rug::float::Special::Infinity)
            } else {
                let inv_k = Float::with_val(p, -1) / (k as u32);
                nk.pow(&inv_k)
            }
        };
        let r = rho(k_max - 1).min(&rho(k_max));
        let mut h = r / Float::with_val(p, 2).exp();
        if h > *left || !h.is_finite() {
            h = left.clone();
        }
        // Horner in h.
        let d = x.0.len();
        let mut u = c[k_max].0.clone();
        let mut w = c[k_max].1.clone();
        for k in (0..k_max).rev() {
            for i in 0..d {
                u[i] *= &h;
                u[i] += &c[k].0[i];
                w[i] *= &h;
                w[i] += &c[k].1[i];
            }
        }
        *x = (u, w);
        h
    }

    /// Integrates from `x0` at time 0 through the non-decreasing `times` (≥ 0), handing
    /// the state at each to `emit(index, state)`. At most `max_steps` steps in all.
    pub fn integrate<E>(
        &self,
        x0: &State,
        times: &[Float],
        max_steps: u64,
        mut emit: impl FnMut(usize, &State) -> Result<(), E>,
    ) -> Stop<E> {
        let mut x = x0.clone();
        let mut t = Float::with_val(self.prec, 0);
        let mut steps = 0u64;
        for (index, target) in times.iter().enumerate() {
            while t < *target {
                if steps >= max_steps {
                    return Stop::Failed(SimError::BudgetExhausted {
                        at: format!("t = {:.6e}", t.to_f64()),
                        used: steps,
                        limit: max_steps,
                        unit: "Taylor steps",
                    });
                }
                let left = Float::with_val(self.prec, target - &t);
                let h = self.step(&mut x, &left);
                if h == left {
                    t = target.clone();
                } else {
                    t += &h;
                }
                steps += 1;
            }
            if let Err(err) = emit(index, &x) {
                return Stop::Sink(err);
            }
        }
        Stop::Done
    }
}

/// Largest number of Taylor steps of one run.
pub const MAX_STEPS: u64 = 1_000_000;

/// The up-front estimate of a Taylor run: `e²·Λ·T` steps (the Jorba–Zou step is about
/// `1/(e²λ)`) of `K²·d` MPFR operations each.
pub(crate) fn estimate(scenario: &Scenario, req: &crate::Request) -> crate::budget::Estimate {
    let crate::Method::Taylor { times } = &req.method else {
        unreachable!("a Taylor request")
    };
    let (lam0, omega) = crate::budget::rates(&scenario.reduction());
    let prec = working_prec(req.digits);
    let k = (f64::from(prec) * std::f64::consts::LN_2 / 2.0).ceil() + 2.0;
    let e2 = std::f64::consts::E * std::f64::consts::E;
    crate::budget::Estimate {
        steps: e2 * lam0.max(omega) * crate::budget::integrated_time(times) + times.len() as f64,
        per_step: 0.7 * k * k * scenario.width() as f64 * crate::budget::mpfr_op(prec),
    }
}

/// The trajectory of a scenario by Taylor integration of the raw flow: every observable
/// of the schema at each of the non-decreasing exact `times`, from the state `(u, w)`
/// alone (`z = |s|²/|s₀|²`, or `|δ₀|²/|δ|²` when `s₀ = 0`), handed to `emit(index, row)`.
/// Working precision: `digits·log2(10) + 64` bits plus `log2` of the step budget; the
/// values are not certified — this is the oracle the closed form is checked against.
pub fn trajectory<E>(
    scenario: &Scenario,
    times: &[Q],
    digits: u32,
    mut emit: impl FnMut(usize, &Observables<Float>) -> Result<(), E>,
) -> Stop<E> {
    let prec = working_prec(digits);
    let red = scenario.reduction();
    let f = |q: &Q| float_of(q, prec);
    let flow = RawFlow::new(
        &f(&red.eta_u),
        &f(&red.eta_w),
        &f(&red.a),
        &f(&red.gamma),
        &f(&red.theta),
        prec,
    );
    let (u0, w0) = scenario.initial_weights();
    let x0: State = (u0.iter().map(f).collect(), w0.iter().map(f).collect());
    let tf: Vec<Float> = times.iter().map(f).collect();
    let obs = Observer::new(scenario, &x0, prec);
    flow.integrate(&x0, &tf, MAX_STEPS, |i, x| emit(i, &obs.observe(x)))
}

/// Working precision of [`trajectory`] for `digits` digits.
pub fn working_prec(digits: u32) -> u32 {
    crate::num::digits_to_bits(digits) + 64 + 20
}

/// The observables of a Taylor state.
struct Observer {
    prec: u32,
    su: Float,
    sw: Float,
    s0n: Float,
    d0n: Float,
    gamma: Float,
    theta: Float,
    a: Float,
    lstar: Float,
    eta_u: Float,
    eta_w: Float,
}

fn dot(a: &[Float], b: &[Float], prec: u32) -> Float {
    a.iter()
        .zip(b)
        .fold(Float::with_val(prec, 0), |acc, (x, y)| {
            acc + Float::with_val(prec, x * y)
        })
}

impl Observer {
    fn new(scenario: &Scenario, x0: &State, prec: u32) -> Self {
        let red = scenario.reduction();
        let f = |q: &Q| float_of(q, prec);
        let mut o = Observer {
            prec,
            su: f(&red.eta_u).sqrt(),
            sw: f(&red.eta_w).sqrt(),
            s0n: Float::new(prec),
            d0n: Float::new(prec),
            gamma: f(&red.gamma),
            theta: f(&red.theta),
            a: f(&red.a),
            lstar: f(&red.lstar),
            eta_u: f(&red.eta_u),
            eta_w: f(&red.eta_w),
        };
        let (s0, d0) = o.sd(x0);
        o.s0n = dot(&s0, &s0, prec);
        o.d0n = dot(&d0, &d0, prec);
        o
    }

    /// `s = ũ + w̃` and `δ = ũ − w̃` as vectors.
    fn sd(&self, x: &State) -> (Vec<Float>, Vec<Float>) {
        let prec = self.prec;
        let ut: Vec<Float> =
            x.0.iter()
                .map(|v| Float::with_val(prec, v / &self.su))
                .collect();
        let wt: Vec<Float> =
            x.1.iter()
                .map(|v| Float::with_val(prec, v / &self.sw))
                .collect();
        let s = ut
            .iter()
            .zip(&wt)
            .map(|(a, b)| Float::with_val(prec, a + b))
            .collect();
        let d = ut
            .iter()
            .zip(&wt)
            .map(|(a, b)| Float::with_val(prec, a - b))
            .collect();
        (s, d)
    }

    fn observe(&self, x: &State) -> Observables<Float> {
        let prec = self.prec;
        let (s, d) = self.sd(x);
        let z = if !self.s0n.is_zero() {
            Float::with_val(prec, dot(&s, &s, prec) / &self.s0n)
        } else if !self.d0n.is_zero() {
            Float::with_val(prec, &self.d0n / dot(&d, &d, prec))
        } else {
            Float::with_val(prec, 1)
        };
        let uw = dot(&x.0, &x.1, prec);
        let uu = dot(&x.0, &x.0, prec);
        let ww = dot(&x.1, &x.1, prec);
        let slope = Float::with_val(prec, &self.gamma * &uw);
        let residual = Float::with_val(prec, &slope - &self.theta);
        let loss = Float::with_val(prec, &residual * &residual) * &self.a / 2u32 + &self.lstar;
        let g2 = Float::with_val(prec, &self.gamma * &self.gamma);
        let ntk = (Float::with_val(prec, &self.eta_u * &ww)
            + Float::with_val(prec, &self.eta_w * &uu))
            * g2;
        let alignment = Float::with_val(prec, &uw / Float::with_val(prec, &uu * &ww).sqrt());
        Observables {
            z,
            slope,
            residual,
            loss,
            ntk,
            alignment,
            norm_u: uu.sqrt(),
            norm_w: ww.sqrt(),
        }
    }
}
