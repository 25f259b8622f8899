//! Gradient flow (docs/model.md §2) by numerical integration of the raw `2d`-dimensional field
//!
//! ```text
//! du/dt = −η_u a γ e w,   dw/dt = −η_w a γ e u,   e = γ u·w − θ*,
//! ```
//!
//! by classical RK4 ([`Method::Rk4`]) or Dormand–Prince 8(5,3) with adaptive steps
//! ([`Method::Dop853`]; coefficients of Hairer, Nørsett & Wanner, *Solving Ordinary
//! Differential Equations I*, and their `dop853` code; error estimate and step control as
//! there). Nothing of the closed form is used.
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

use exactflow_core::number::{q_to_f64, sqrt_q_to_f64};
use exactflow_core::{Observables, Scenario};

/// Integration method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
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

/// Parameters of the field.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// η_u.
    pub eta_u: f64,
    /// η_w.
    pub eta_w: f64,
    /// `a = E[x²]`.
    pub a: f64,
    /// γ.
    pub gamma: f64,
    /// θ*.
    pub theta: f64,
    /// `k = γ√(η_u η_w)`.
    pub k: f64,
    /// `L*`.
    pub lstar: f64,
}

impl Field {
    /// The field of a scenario (its constants rounded once from the exact values).
    pub fn of(s: &Scenario) -> Field {
        let red = s.reduction();
        Field {
            eta_u: q_to_f64(&red.eta_u),
            eta_w: q_to_f64(&red.eta_w),
            a: q_to_f64(&red.a),
            gamma: q_to_f64(&red.gamma),
            theta: q_to_f64(&red.theta),
            k: f64::from(red.k_sign()) * sqrt_q_to_f64(&red.k2),
            lstar: q_to_f64(&red.lstar),
        }
    }

    /// Derivative of the state `[u (d), w (d), e, φ]` into `out`.
    pub fn eval(&self, d: usize, y: &[f64], out: &mut [f64]) {
        let (u, rest) = y.split_at(d);
        let (w, tail) = rest.split_at(d);
        let e = tail[0];
        let (mut uu, mut ww) = (0.0, 0.0);
        for (x, v) in u.iter().zip(w) {
            uu += x * x;
            ww += v * v;
        }
        let ntk = self.gamma * self.gamma * (self.eta_u * ww + self.eta_w * uu);
        let g = self.a * self.gamma * e;
        let (gu, gw) = (self.eta_u * g, self.eta_w * g);
        let (du, rest) = out.split_at_mut(d);
        let (dw, dtail) = rest.split_at_mut(d);
        for i in 0..d {
            du[i] = -gu * w[i];
            dw[i] = -gw * u[i];
        }
        dtail[0] = -self.a * ntk * e;
        dtail[1] = -2.0 * self.a * self.k * e;
    }

    /// `λ = a(ntk + |k e|)` at a state: the step scale.
    fn rate(&self, d: usize, y: &[f64]) -> f64 {
        let (uu, ww) = y[..d]
            .iter()
            .zip(&y[d..2 * d])
            .fold((0.0, 0.0), |(a, b), (x, v)| (a + x * x, b + v * v));
        let ntk = self.gamma * self.gamma * (self.eta_u * ww + self.eta_w * uu);
        self.a * (ntk + (self.k * y[2 * d]).abs())
    }

    /// The observables of a state.
    pub fn observables(&self, d: usize, y: &[f64]) -> Observables<f64> {
        let (u, rest) = y.split_at(d);
        let (w, tail) = rest.split_at(d);
        let (mut uu, mut ww, mut uw) = (0.0, 0.0, 0.0);
        for (x, v) in u.iter().zip(w) {
            uu += x * x;
            ww += v * v;
            uw += x * v;
        }
        let e = tail[0];
        Observables {
            z: tail[1].exp(),
            slope: self.theta + e,
            residual: e,
            loss: 0.5 * self.a * e * e + self.lstar,
            ntk: self.gamma * self.gamma * (self.eta_u * ww + self.eta_w * uu),
            alignment: uw / (uu.sqrt() * ww.sqrt()),
            norm_u: uu.sqrt(),
            norm_w: ww.sqrt(),
        }
    }
}

/// Result of an integration.
#[derive(Debug, Clone)]
pub struct Solution {
    /// Observables at each requested time.
    pub rows: Vec<Observables<f64>>,
    /// Accepted steps.
    pub steps: u64,
    /// Rejected steps (DOP853).
    pub rejected: u64,
}

/// Largest number of steps of one integration (a safeguard: the run stops and the
/// remaining rows are NaN).
pub const MAX_STEPS: u64 = 50_000_000;

/// Integrates from the scenario's initialization through the (non-decreasing) `times`.
pub fn integrate(s: &Scenario, times: &[f64], method: Method) -> Solution {
    let f = Field::of(s);
    let red = s.reduction();
    let (u0, w0) = s.initial_weights();
    let d = u0.len();
    let mut y: Vec<f64> = u0.iter().chain(&w0).map(q_to_f64).collect();
    y.push(q_to_f64(&red.e0));
    y.push(0.0);
    integrate_state(&f, d, y, times, method)
}

/// Integrates the state `[u, w, e, φ]` (see [`Field::eval`]) through `times`.
pub fn integrate_state(
    f: &Field,
    d: usize,
    mut y: Vec<f64>,
    times: &[f64],
    method: Method,
) -> Solution {
    let mut t = 0.0f64;
    let mut sol = Solution {
        rows: Vec::with_capacity(times.len()),
        steps: 0,
        rejected: 0,
    };
    let mut ws = Work::new(y.len());
    let mut h_next = 0.0f64;
    for &target in times {
        while t < target && sol.steps < MAX_STEPS {
            let remaining = target - t;
            let (h, accepted) = match method {
                Method::Rk4 { h_rel } => {
                    let lam = f.rate(d, &y);
                    let h = if lam > 0.0 { h_rel / lam } else { remaining };
                    let h = h.min(remaining);
                    rk4_step(f, d, &mut y, h, &mut ws);
                    (h, true)
                }
                Method::Dop853 { rtol } => {
                    if h_next <= 0.0 {
                        let lam = f.rate(d, &y);
                        h_next = if lam > 0.0 { 0.01 / lam } else { remaining };
                    }
                    let h = h_next.min(remaining);
                    let err = dop853_step(f, d, &y, h, rtol, &mut ws);
                    let factor = if err == 0.0 {
                        10.0
                    } else {
                        (0.9 * err.powf(-1.0 / 8.0)).clamp(0.2, 10.0)
                    };
                    if err <= 1.0 && err.is_finite() {
                        y.copy_from_slice(&ws.y_new);
                        // Keep the proposed step even when this one was cut short to land
                        // on an output time.
                        h_next = if h < h_next {
                            h_next.max(h * factor)
                        } else {
                            h * factor
                        };
                        (h, true)
                    } else {
                        h_next = h * factor.clamp(0.2, 1.0);
                        sol.rejected += 1;
                        (0.0, false)
                    }
                }
            };
            if accepted {
                sol.steps += 1;
                t = if h == remaining { target } else { t + h };
            }
            if !y.iter().all(|v| v.is_finite()) {
                break;
            }
        }
        let o = if t >= target {
            f.observables(d, &y)
        } else {
            Observables {
                z: f64::NAN,
                slope: f64::NAN,
                residual: f64::NAN,
                loss: f64::NAN,
                ntk: f64::NAN,
                alignment: f64::NAN,
                norm_u: f64::NAN,
                norm_w: f64::NAN,
            }
        };
        sol.rows.push(o);
    }
    sol
}

/// Scratch space of the integrators.
struct Work {
    k: Vec<Vec<f64>>,
    tmp: Vec<f64>,
    y_new: Vec<f64>,
}

impl Work {
    fn new(n: usize) -> Work {
        Work {
            k: vec![vec![0.0; n]; 12],
            tmp: vec![0.0; n],
            y_new: vec![0.0; n],
        }
    }
}

fn rk4_step(f: &Field, d: usize, y: &mut [f64], h: f64, ws: &mut Work) {
    let n = y.len();
    let (k, tmp) = (&mut ws.k, &mut ws.tmp);
    f.eval(d, y, &mut k[0]);
    for stage in 1..4 {
        let c = if stage == 3 { h } else { 0.5 * h };
        for i in 0..n {
            tmp[i] = y[i] + c * k[stage - 1][i];
        }
        let (_, rest) = k.split_at_mut(stage);
        f.eval(d, tmp, &mut rest[0]);
    }
    for i in 0..n {
        y[i] += h / 6.0 * (k[0][i] + 2.0 * k[1][i] + 2.0 * k[2][i] + k[3][i]);
    }
}

#[allow(clippy::needless_range_loop)] // stage s reads rows of A and the stages before it
/// One DOP853 step from `y` into `ws.y_new`; returns the scaled error norm (≤ 1: accept).
fn dop853_step(f: &Field, d: usize, y: &[f64], h: f64, rtol: f64, ws: &mut Work) -> f64 {
    let n = y.len();
    let (k, tmp) = (&mut ws.k, &mut ws.tmp);
    f.eval(d, y, &mut k[0]);
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
        f.eval(d, tmp, &mut rest[0]);
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
    let su = block(0, d);
    let sw = block(d, 2 * d);
    let se = rtol * y[2 * d].abs().max(ws.y_new[2 * d].abs());
    let sp = rtol;
    let (mut e5, mut e3) = (0.0f64, 0.0f64);
    for i in 0..n {
        let sc = if i < d {
            su
        } else if i < 2 * d {
            sw
        } else if i == 2 * d {
            se
        } else {
            sp
        };
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

/// Nodes `c_i` are implied by the rows of `A` (row sums); only `A`, `B` and the error
/// weights are needed for an autonomous field.
#[allow(clippy::excessive_precision)] // the published 30-digit values, as printed
const DOP_A: [[f64; 12]; 12] = [
    [0.0; 12],
    [
        5.26001519587677318785587544488e-2,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ],
    [
        1.97250569845378994544595329183e-2,
        5.91751709536136983633785987549e-2,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ],
    [
        2.95875854768068491816892993775e-2,
        0.0,
        8.87627564304205475450678981324e-2,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ],
    [
        2.41365134159266685502369798665e-1,
        0.0,
        -8.84549479328286085344864962717e-1,
        9.24834003261792003115737966543e-1,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ],
    [
        3.7037037037037037037037037037e-2,
        0.0,
        0.0,
        1.70828608729473871279604482173e-1,
        1.25467687566822425016691814123e-1,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ],
    [
        3.7109375e-2,
        0.0,
        0.0,
        1.70252211019544039314978060272e-1,
        6.02165389804559606850219397283e-2,
        -1.7578125e-2,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ],
    [
        3.70920001185047927108779319836e-2,
        0.0,
        0.0,
        1.70383925712239993810214054705e-1,
        1.07262030446373284651809199168e-1,
        -1.53194377486244017527936158236e-2,
        8.27378916381402288758473766002e-3,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ],
    [
        6.24110958716075717114429577812e-1,
        0.0,
        0.0,
        -3.36089262944694129406857109825,
        -8.68219346841726006818189891453e-1,
        2.75920996994467083049415600797e1,
        2.01540675504778934086186788979e1,
        -4.34898841810699588477366255144e1,
        0.0,
        0.0,
        0.0,
        0.0,
    ],
    [
        4.77662536438264365890433908527e-1,
        0.0,
        0.0,
        -2.48811461997166764192642586468,
        -5.90290826836842996371446475743e-1,
        2.12300514481811942347288949897e1,
        1.52792336328824235832596922938e1,
        -3.32882109689848629194453265587e1,
        -2.03312017085086261358222928593e-2,
        0.0,
        0.0,
        0.0,
    ],
    [
        -9.3714243008598732571704021658e-1,
        0.0,
        0.0,
        5.18637242884406370830023853209,
        1.09143734899672957818500254654,
        -8.14978701074692612513997267357,
        -1.85200656599969598641566180701e1,
        2.27394870993505042818970056734e1,
        2.49360555267965238987089396762,
        -3.0467644718982195003823669022,
        0.0,
        0.0,
    ],
    [
        2.27331014751653820792359768449,
        0.0,
        0.0,
        -1.05344954667372501984066689879e1,
        -2.00087205822486249909675718444,
        -1.79589318631187989172765950534e1,
        2.79488845294199600508499808837e1,
        -2.85899827713502369474065508674,
        -8.87285693353062954433549289258,
        1.23605671757943030647266201528e1,
        6.43392746015763530355970484046e-1,
        0.0,
    ],
];

/// Weights of the 8th-order solution.
#[allow(clippy::excessive_precision)] // the published 30-digit values, as printed
const DOP_B: [f64; 12] = [
    5.42937341165687622380535766363e-2,
    0.0,
    0.0,
    0.0,
    0.0,
    4.45031289275240888144113950566,
    1.89151789931450038304281599044,
    -5.8012039600105847814672114227,
    3.1116436695781989440891606237e-1,
    -1.52160949662516078556178806805e-1,
    2.01365400804030348374776537501e-1,
    4.47106157277725905176885569043e-2,
];

/// 5th-order error weights.
#[allow(clippy::excessive_precision)] // the published 30-digit values, as printed
const DOP_E5: [f64; 12] = [
    0.1312004499419488073250102996e-1,
    0.0,
    0.0,
    0.0,
    0.0,
    -0.1225156446376204440720569753e1,
    -0.4957589496572501915214079952,
    0.1664377182454986536961530415e1,
    -0.3503288487499736816886487290,
    0.3341791187130174790297318841,
    0.8192320648511571246570742613e-1,
    -0.2235530786388629525884427845e-1,
];

/// 3rd-order error weights: `B` minus the embedded weights `bhh`.
#[allow(clippy::excessive_precision)] // the published 30-digit values, as printed
const DOP_E3: [f64; 12] = [
    5.42937341165687622380535766363e-2 - 0.244094488188976377952755905512,
    0.0,
    0.0,
    0.0,
    0.0,
    4.45031289275240888144113950566,
    1.89151789931450038304281599044,
    -5.8012039600105847814672114227,
    3.1116436695781989440891606237e-1 - 0.733846688281611857341361741547,
    -1.52160949662516078556178806805e-1,
    2.01365400804030348374776537501e-1,
    4.47106157277725905176885569043e-2 - 0.220588235294117647058823529412e-1,
];

/// The stage nodes `c_i` (row sums of `A`), for tests.
pub fn dop853_nodes() -> [f64; 12] {
    std::array::from_fn(|i| DOP_A[i].iter().sum())
}

#[cfg(test)]
#[path = "tests/ode.rs"]
mod tests;
