//! Gradient flow (docs/model.md §2) by numerical integration of the raw `2d`-dimensional field
//!
//! ```text
//! du/dt = −η_u a γ e w,   dw/dt = −η_w a γ e u,   e = γ u·w − θ*,
//! ```
//!
//! in `f64` by classical RK4 ([`Flow::Rk4`]) or Dormand–Prince 8(5,3) with adaptive steps
//! ([`Flow::Dop853`]; the tableau in [`crate::tableau`], error estimate and step control as
//! in Hairer's `dop853`). Nothing of the closed form is used.
//!
//! Two scalars ride along as extra components of the same system, so the table keeps its
//! relative accuracy late in training: the residual, by `de/dt = −a·ntk(u, w)·e` (the chain
//! rule applied to the field; `e` computed as `γ u·w − θ*` would lose every digit once
//! `|e| ≪ |θ*|`), and `φ = ln z` by `dφ/dt = −2ake` (docs/model.md §3: `z = e^{−2Φ}`,
//! `Φ' = ake`).
//!
//! Steps land exactly on the output times. RK4 takes steps `h = h_rel/λ` with
//! `λ = a(ntk + |k e|)`, a bound on the field's Jacobian (docs/model.md §7); DOP853 controls the
//! local error against `rtol` per block (`u`, `w`: relative to the block's largest entry;
//! `e`: relative; `φ`: absolute, i.e. relative in `z`).

use crate::error::{SimError, Stop};
use crate::num::Params;
use crate::observe::{observe, Moments};
use crate::tableau::{DOP_A, DOP_B, DOP_E3, DOP_E5};
use exactflow_core::{Observables, Scalar, Scenario};

/// An integration method of the flow in `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Flow {
    /// Classical RK4 with steps `h_rel/λ`.
    Rk4 {
        /// `h·λ` per step.
        h_rel: f64,
    },
    /// Dormand–Prince 8(5,3), adaptive.
    Dop853 {
        /// Relative tolerance of the local error.
        rtol: f64,
    },
}

/// The field of a scenario in `f64` (its constants rounded once from the exact values),
/// on states `[u (d), w (d), e, φ]`.
#[derive(Debug, Clone)]
pub struct Field {
    p: Params<f64>,
    d: usize,
}

impl Field {
    /// The field of a scenario.
    pub fn of(s: &Scenario) -> Field {
        Field {
            p: Params::new(&s.reduction(), &()),
            d: s.width(),
        }
    }

    /// The initial state `[u₀, w₀, e₀, 0]`, each entry rounded from its exact value.
    pub fn initial_state(s: &Scenario) -> Vec<f64> {
        let (u0, w0) = s.initial_weights();
        let mut y: Vec<f64> = u0.iter().chain(&w0).map(|q| f64::from_q(q, &())).collect();
        y.push(f64::from_q(&s.reduction().e0, &()));
        y.push(0.0);
        y
    }

    /// Derivative of the state `[u (d), w (d), e, φ]` into `out`.
    pub fn eval(&self, y: &[f64], out: &mut [f64]) {
        let (d, p) = (self.d, &self.p);
        let (u, rest) = y.split_at(d);
        let (w, tail) = rest.split_at(d);
        let e = tail[0];
        let (mut uu, mut ww) = (0.0, 0.0);
        for (x, v) in u.iter().zip(w) {
            uu += x * x;
            ww += v * v;
        }
        let ntk = p.ntk(&uu, &ww);
        let g = p.a_gamma * e;
        let (gu, gw) = (p.eta_u * g, p.eta_w * g);
        let (du, rest) = out.split_at_mut(d);
        let (dw, dtail) = rest.split_at_mut(d);
        for i in 0..d {
            du[i] = -gu * w[i];
            dw[i] = -gw * u[i];
        }
        dtail[0] = -p.a * ntk * e;
        dtail[1] = -2.0 * p.a_k * e;
    }

    /// `λ = a(ntk + |k e|)` at a state: the step scale.
    pub fn rate(&self, y: &[f64]) -> f64 {
        let d = self.d;
        let (uu, ww) = y[..d]
            .iter()
            .zip(&y[d..2 * d])
            .fold((0.0, 0.0), |(a, b), (x, v)| (a + x * x, b + v * v));
        self.p.a * (self.p.ntk(&uu, &ww) + (self.p.k * y[2 * d]).abs())
    }

    /// The observables of a state.
    pub fn observables(&self, y: &[f64]) -> Observables<f64> {
        let d = self.d;
        let z = Scalar::exp(&y[2 * d + 1]);
        let m = Moments::from_vectors(&y[..d], &y[d..2 * d], y[2 * d], z, &());
        observe(&self.p, &m)
    }
}

/// Work done by an integration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Accepted steps.
    pub accepted: u64,
    /// Rejected steps (DOP853).
    pub rejected: u64,
}

/// Integrates the state `y` (see [`Field::eval`]) from time 0 through the non-decreasing
/// `times`, handing the observables at each to `emit(index, row)`. At most `max_steps`
/// steps (accepted and rejected) in all; a run that needs more stops with
/// [`SimError::BudgetExhausted`], one whose step size underflows with
/// [`SimError::StepSizeUnderflow`], one whose state overflows with [`SimError::Diverged`].
pub fn integrate<E>(
    f: &Field,
    mut y: Vec<f64>,
    times: &[f64],
    method: Flow,
    max_steps: u64,
    mut emit: impl FnMut(usize, &Observables<f64>) -> Result<(), E>,
) -> (Counts, Stop<E>) {
    let mut t = 0.0f64;
    let mut counts = Counts::default();
    let mut ws = Work::new(y.len());
    let mut h_next = 0.0f64;
    for (index, &target) in times.iter().enumerate() {
        while t < target {
            if counts.accepted + counts.rejected >= max_steps {
                let stop = SimError::BudgetExhausted {
                    at: format!("t = {t:e}"),
                    used: counts.accepted + counts.rejected,
                    limit: max_steps,
                    unit: "steps",
                };
                return (counts, Stop::Failed(stop));
            }
            let remaining = target - t;
            let h = match method {
                Flow::Rk4 { h_rel } => {
                    let lam = f.rate(&y);
                    let h = if lam > 0.0 { h_rel / lam } else { remaining };
                    let h = h.min(remaining);
                    rk4_step(f, &mut y, h, &mut ws);
                    Some(h)
                }
                Flow::Dop853 { rtol } => {
                    dop853_attempt(f, &mut y, remaining, rtol, &mut h_next, &mut ws)
                }
            };
            match h {
                Some(h) => {
                    counts.accepted += 1;
                    let next = if h == remaining { target } else { t + h };
                    if next == t {
                        return (counts, Stop::Failed(SimError::StepSizeUnderflow { t, h }));
                    }
                    t = next;
                }
                None => counts.rejected += 1,
            }
            if !y.iter().all(|v| v.is_finite()) {
                let stop = SimError::Diverged {
                    at: format!("t = {t:e}"),
                    why: "the state left the f64 range".into(),
                };
                return (counts, Stop::Failed(stop));
            }
        }
        if let Err(err) = emit(index, &f.observables(&y)) {
            return (counts, Stop::Sink(err));
        }
    }
    (counts, Stop::Done)
}

/// One attempted DOP853 step of at most `remaining`; `Some(h)` when accepted (the state
/// advanced by `h`), `None` when rejected. `h_next` carries the proposed step.
fn dop853_attempt(
    f: &Field,
    y: &mut [f64],
    remaining: f64,
    rtol: f64,
    h_next: &mut f64,
    ws: &mut Work,
) -> Option<f64> {
    if *h_next <= 0.0 {
        let lam = f.rate(y);
        *h_next = if lam > 0.0 { 0.01 / lam } else { remaining };
    }
    let h = h_next.min(remaining);
    let err = dop853_step(f, y, h, rtol, ws);
    let factor = if err == 0.0 {
        10.0
    } else {
        (0.9 * err.powf(-1.0 / 8.0)).clamp(0.2, 10.0)
    };
    if err <= 1.0 && err.is_finite() {
        y.copy_from_slice(&ws.y_new);
        // Keep the proposed step even when this one was cut short to land on an output
        // time.
        *h_next = if h < *h_next {
            h_next.max(h * factor)
        } else {
            h * factor
        };
        Some(h)
    } else {
        *h_next = h * factor.clamp(0.2, 1.0);
        None
    }
}

/// Scratch space of the integrators.
pub(crate) struct Work {
    k: Vec<Vec<f64>>,
    tmp: Vec<f64>,
    pub(crate) y_new: Vec<f64>,
}

impl Work {
    pub(crate) fn new(n: usize) -> Work {
        Work {
            k: vec![vec![0.0; n]; 12],
            tmp: vec![0.0; n],
            y_new: vec![0.0; n],
        }
    }
}

/// One classical RK4 step of size `h`, in place.
pub(crate) fn rk4_step(f: &Field, y: &mut [f64], h: f64, ws: &mut Work) {
    let n = y.len();
    let (k, tmp) = (&mut ws.k, &mut ws.tmp);
    f.eval(y, &mut k[0]);
    for stage in 1..4 {
        let c = if stage == 3 { h } else { 0.5 * h };
        for i in 0..n {
            tmp[i] = y[i] + c * k[stage - 1][i];
        }
        let (_, rest) = k.split_at_mut(stage);
        f.eval(tmp, &mut rest[0]);
    }
    for i in 0..n {
        y[i] += h / 6.0 * (k[0][i] + 2.0 * k[1][i] + 2.0 * k[2][i] + k[3][i]);
    }
}

/// One DOP853 step from `y` into `ws.y_new`; returns the scaled error norm (≤ 1: accept).
#[allow(clippy::needless_range_loop)] // stage s reads rows of A and the stages before it
pub(crate) fn dop853_step(f: &Field, y: &[f64], h: f64, rtol: f64, ws: &mut Work) -> f64 {
    let n = y.len();
    let d = f.d;
    let (k, tmp) = (&mut ws.k, &mut ws.tmp);
    f.eval(y, &mut k[0]);
    for s in 1..12 {
        for i in 0..n {
            let mut acc = 0.0;
            for (j, kj) in k.iter().enumerate().take(s) {
                let a = DOP_A[s][j];
                if a != 0.0 {
                    acc += a * kj[i];
                }
            }
            tmp[i] = y[i] + h * acc;
        }
        let (_, rest) = k.split_at_mut(s);
        f.eval(tmp, &mut rest[0]);
    }
    for i in 0..n {
        let mut acc = 0.0;
        for (j, kj) in k.iter().enumerate() {
            acc += DOP_B[j] * kj[i];
        }
        ws.y_new[i] = y[i] + h * acc;
    }
    // Scales: per block for u and w, relative for e, absolute for φ = ln z.
    let block = |a: usize, b: usize| -> f64 {
        let m1 = y[a..b].iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let m2 = ws.y_new[a..b].iter().fold(0.0f64, |m, v| m.max(v.abs()));
        rtol * m1.max(m2)
    };
    let scales = [
        block(0, d),
        block(d, 2 * d),
        rtol * y[2 * d].abs().max(ws.y_new[2 * d].abs()),
        rtol,
    ];
    let (mut e5, mut e3) = (0.0f64, 0.0f64);
    for i in 0..n {
        let sc = scales[if i < d {
            0
        } else if i < 2 * d {
            1
        } else {
            i - 2 * d + 2
        }];
        if sc == 0.0 {
            continue;
        }
        let (mut a5, mut a3) = (0.0, 0.0);
        for (j, kj) in k.iter().enumerate() {
            a5 += DOP_E5[j] * kj[i];
            a3 += DOP_E3[j] * kj[i];
        }
        e5 += (a5 / sc) * (a5 / sc);
        e3 += (a3 / sc) * (a3 / sc);
    }
    if e5 == 0.0 && e3 == 0.0 {
        return 0.0;
    }
    let denom = e5 + 0.01 * e3;
    h.abs() * e5 / (denom * n as f64).sqrt()
}

#[cfg(test)]
#[path = "tests/ode.rs"]
mod tests;
