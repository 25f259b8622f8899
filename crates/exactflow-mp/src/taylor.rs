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
            // e_k
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

    /// Integrates from `x0` at time 0 through the increasing `times` (≥ 0), returning
    /// the state at each. At most `max_steps` steps in all (then the remaining times get
    /// NaN states).
    pub fn integrate(&self, x0: &State, times: &[Float], max_steps: usize) -> Vec<State> {
        let p = self.prec;
        let k_max = self.order();
        let mut x = x0.clone();
        let mut t = Float::with_val(p, 0);
        let mut out = Vec::with_capacity(times.len());
        let mut steps = 0usize;
        let e2 = Float::with_val(p, 2).exp();
        for target in times {
            while t < *target {
                if steps >= max_steps {
                    break;
                }
                let c = self.coefficients(&x, k_max);
                let scale = self.norm(&x).max(&Float::with_val(p, 1e-300));
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
                let mut h = r / &e2;
                let left = Float::with_val(p, target - &t);
                if h > left || !h.is_finite() {
                    h = left;
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
                x = (u, w);
                t += &h;
                steps += 1;
            }
            if t < *target {
                let nan = Float::with_val(p, rug::float::Special::Nan);
                out.push((vec![nan.clone(); x.0.len()], vec![nan; x.1.len()]));
            } else {
                out.push(x.clone());
            }
        }
        out
    }
}

/// Rounds an exact rational to `prec` bits (nearest).
fn float_of(q: &exactflow_core::number::Q, prec: u32) -> Float {
    Float::with_val(prec, &crate::ball::to_rug(q))
}

/// The trajectory of a scenario by Taylor integration of the raw flow, for
/// `simulate --method taylor`: every observable of the schema at each exact time, from
/// the state `(u, w)` alone (`z = |s|²/|s₀|²`, or `|δ₀|²/|δ|²` when `s₀ = 0`). Working
/// precision: `digits·log2(10) + 64` bits plus `log2` of the step budget; the values are
/// not certified — this is the oracle the closed form is checked against.
pub fn trajectory(
    scenario: &exactflow_core::Scenario,
    times: &[exactflow_core::number::Q],
    digits: u32,
) -> Vec<exactflow_core::Observables<Float>> {
    let max_steps = 1_000_000usize;
    let prec = (digits as f64 * std::f64::consts::LOG2_10).ceil() as u32 + 64 + 20;
    let red = scenario.reduction();
    let f = |q: &exactflow_core::number::Q| float_of(q, prec);
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
    // Integrate through the times in increasing order, then restore the caller's order.
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by(|&i, &j| times[i].cmp(&times[j]));
    let tf: Vec<Float> = order.iter().map(|&i| f(&times[i])).collect();
    let sorted = flow.integrate(&x0, &tf, max_steps);
    let mut states = vec![x0.clone(); times.len()];
    for (k, &i) in order.iter().enumerate() {
        states[i] = sorted[k].clone();
    }
    let (su, sw) = (f(&red.eta_u).sqrt(), f(&red.eta_w).sqrt());
    let dot = |a: &[Float], b: &[Float]| {
        a.iter()
            .zip(b)
            .fold(Float::with_val(prec, 0), |acc, (x, y)| {
                acc + Float::with_val(prec, x * y)
            })
    };
    // s = ũ + w̃ and δ = ũ − w̃ as vectors.
    let sd = |x: &State| -> (Vec<Float>, Vec<Float>) {
        let ut: Vec<Float> = x.0.iter().map(|v| Float::with_val(prec, v / &su)).collect();
        let wt: Vec<Float> = x.1.iter().map(|v| Float::with_val(prec, v / &sw)).collect();
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
    };
    let (s0, d0) = sd(&x0);
    let (s0n, d0n) = (dot(&s0, &s0), dot(&d0, &d0));
    let gamma = f(&red.gamma);
    let theta = f(&red.theta);
    let a = f(&red.a);
    let lstar = f(&red.lstar);
    states
        .iter()
        .map(|x| {
            let (s, d) = sd(x);
            let z = if !s0n.is_zero() {
                Float::with_val(prec, dot(&s, &s) / &s0n)
            } else if !d0n.is_zero() {
                Float::with_val(prec, &d0n / dot(&d, &d))
            } else {
                Float::with_val(prec, 1)
            };
            let uw = dot(&x.0, &x.1);
            let uu = dot(&x.0, &x.0);
            let ww = dot(&x.1, &x.1);
            let slope = Float::with_val(prec, &gamma * &uw);
            let residual = Float::with_val(prec, &slope - &theta);
            let loss = Float::with_val(prec, &residual * &residual) * &a / 2u32 + &lstar;
            let g2 = Float::with_val(prec, &gamma * &gamma);
            let ntk = (Float::with_val(prec, f(&red.eta_u) * &ww)
                + Float::with_val(prec, f(&red.eta_w) * &uu))
                * g2;
            let alignment = Float::with_val(prec, &uw / Float::with_val(prec, &uu * &ww).sqrt());
            exactflow_core::Observables {
                z,
                slope,
                residual,
                loss,
                ntk,
                alignment,
                norm_u: uu.sqrt(),
                norm_w: ww.sqrt(),
            }
        })
        .collect()
}
