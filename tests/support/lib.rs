//! Independent references the engines are tested against. Nothing here shares code with
//! the engines' closed form:
//!
//! * [`reference()`] evaluates docs/model.md §4–§5 *literally* (the naive formulas, with all
//!   their cancellations) in MPFR at thousands of bits, where cancellation is harmless;
//! * [`rk4`] integrates the raw 2d-dimensional gradient flow of docs/model.md §2 in `f64`
//!   with a fixed-step RK4 and a Richardson error estimate;
//! * [`scenario_from_f64`] builds exact scenarios from sampled `f64` parameters.

use exactflow_core::number::{f64_to_q_exact, Q};
use exactflow_core::scenario::{Init, InitKind, InitSpec, Scenario, ScenarioSpec};
use exactflow_core::ExactReduction;
use rug::Float;

/// Converts an exact rational to an MPFR float at `prec` bits.
pub fn mpq(q: &Q, prec: u32) -> Float {
    let r = rug::Rational::from_str_radix(&q.to_string(), 10).expect("rational text");
    Float::with_val(prec, &r)
}

/// Observables of the reference evaluation, as MPFR floats.
#[derive(Debug, Clone)]
pub struct RefObs {
    /// z
    pub z: Float,
    /// γ u·w
    pub slope: Float,
    /// slope − θ*
    pub residual: Float,
    /// ½ a e² + L*
    pub loss: Float,
    /// ntk
    pub ntk: Float,
    /// cos∠(u, w)
    pub alignment: Float,
    /// |u|
    pub norm_u: Float,
    /// |w|
    pub norm_w: Float,
}

/// docs/model.md §4–§5 evaluated literally in MPFR at `prec` bits at time `t` (an exact
/// `f64`). The naive formulas lose up to `log2(1/|residual|)` bits and more in
/// degenerate corners, so callers use a precision far above what they compare to.
/// Degenerate cases follow docs/model.md §4 case by case (solving the linear or logistic
/// equation directly).
pub fn reference(red: &ExactReduction, t: f64, prec: u32) -> RefObs {
    let f = |q: &Q| mpq(q, prec);
    let fl = |x: f64| Float::with_val(prec, x);
    let t = fl(t);
    let a = f(&red.a);
    let theta = f(&red.theta);
    let sqrt_eta = f(&red.eta_prod).sqrt();
    let k = f(&red.gamma) * sqrt_eta.clone();
    let xt = f(&red.x) / sqrt_eta;
    let p = f(&red.p);
    let s = p.clone() + xt.clone() * 2u32;
    let d = p - xt * 2u32;
    let m = f(&red.m);
    let k2 = k.clone() * k.clone();
    let ca = a.clone() * k2.clone() * s.clone() / 2u32;
    let cb = a.clone() * k.clone() * theta.clone() * 2u32;
    let cc = a.clone() * k2.clone() * d.clone() / 2u32;
    let one = fl(1.0);
    let z: Float = if red.shape().is_origin() {
        one.clone()
    } else if red.shape().s_is_zero() {
        // A = 0: dz/dt = Bz + C.
        if red.theta == Q::from_integer(0.into()) {
            cc.clone() * t.clone() + 1u32
        } else {
            let ebt = (cb.clone() * t.clone()).exp();
            ebt.clone() + cc.clone() / cb.clone() * (ebt - 1u32)
        }
    } else if red.omega2 == Q::from_integer(0.into()) {
        // B = 0 and C = 0, A > 0: dz/dt = −A z².
        one.clone() / (ca.clone() * t.clone() + 1u32)
    } else {
        let omega = (cb.clone() * cb.clone() + ca.clone() * cc.clone() * 4u32).sqrt();
        let zp = (cb.clone() + omega.clone()) / (ca.clone() * 2u32);
        let y0 = one.clone() - zp.clone();
        let e = (-(omega.clone() * t.clone())).exp();
        let num = y0.clone() * omega.clone() * e.clone();
        let den = omega + ca.clone() * y0 * (one.clone() - e);
        zp + num / den
    };
    let sz = s * z.clone();
    let dz = d / z.clone();
    let slope = (sz.clone() - dz.clone()) * k / 4u32;
    let residual = slope.clone() - theta;
    let loss = residual.clone() * residual.clone() * a / 2u32 + f(&red.lstar);
    let ntk = (sz.clone() + dz.clone()) * k2 / 2u32;
    let plus = sz.clone() + dz.clone();
    let den = (plus.clone() * plus.clone() - m.clone() * m.clone() * 4u32).sqrt();
    let alignment = (sz - dz) / den;
    let uu = (plus.clone() + m.clone() * 2u32) / 4u32;
    let ww = (plus - m * 2u32) / 4u32;
    let norm_u = (uu * f(&red.eta_u)).sqrt();
    let norm_w = (ww * f(&red.eta_w)).sqrt();
    RefObs {
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

/// `|x − r|` as `f64` (computed in MPFR, then rounded).
pub fn abs_err(x: f64, r: &Float) -> f64 {
    if x.is_nan() || r.is_nan() {
        return if x.is_nan() && r.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let diff = r.clone() - x;
    diff.abs().to_f64()
}

/// `|x − r|/|r|` as `f64` (0 when both are 0).
pub fn rel_err(x: f64, r: &Float) -> f64 {
    let e = abs_err(x, r);
    if r.is_zero() {
        return if x == 0.0 { 0.0 } else { f64::INFINITY };
    }
    // e / |r| computed in MPFR to avoid underflow of |r| in f64.
    (Float::with_val(r.prec(), e) / r.clone().abs()).to_f64()
}

/// Parameters of the raw flow (docs/model.md §2) in `f64`.
#[derive(Debug, Clone, Copy)]
pub struct FlowParams {
    /// η_u
    pub eta_u: f64,
    /// η_w
    pub eta_w: f64,
    /// `a = E[x²]`
    pub a: f64,
    /// γ
    pub gamma: f64,
    /// θ* = b/a
    pub theta: f64,
}

fn field(p: &FlowParams, u: &[f64], w: &[f64], du: &mut [f64], dw: &mut [f64]) {
    let e = p.gamma * u.iter().zip(w).map(|(x, y)| x * y).sum::<f64>() - p.theta;
    let c = p.a * p.gamma * e;
    for i in 0..u.len() {
        du[i] = -p.eta_u * c * w[i];
        dw[i] = -p.eta_w * c * u[i];
    }
}

/// Integrates du/dt = −η_u a γ e w, dw/dt = −η_w a γ e u from `(u, w)` over `[0, t]`
/// with `n` classical RK4 steps, in `f64`. Returns the final `(u, w)`.
pub fn rk4(p: &FlowParams, u0: &[f64], w0: &[f64], t: f64, n: usize) -> (Vec<f64>, Vec<f64>) {
    let d = u0.len();
    let h = t / n as f64;
    let (mut u, mut w) = (u0.to_vec(), w0.to_vec());
    let mut k = vec![vec![0.0; 2 * d]; 4];
    let mut tu = vec![0.0; d];
    let mut tw = vec![0.0; d];
    for _ in 0..n {
        for stage in 0..4 {
            let c = match stage {
                0 => 0.0,
                1 | 2 => h / 2.0,
                _ => h,
            };
            for i in 0..d {
                let (ku, kw) = if stage == 0 {
                    (0.0, 0.0)
                } else {
                    (k[stage - 1][i], k[stage - 1][d + i])
                };
                tu[i] = u[i] + c * ku;
                tw[i] = w[i] + c * kw;
            }
            let (a, b) = k[stage].split_at_mut(d);
            field(p, &tu, &tw, a, b);
        }
        for i in 0..2 * d {
            let incr = h / 6.0 * (k[0][i] + 2.0 * k[1][i] + 2.0 * k[2][i] + k[3][i]);
            if i < d {
                u[i] += incr;
            } else {
                w[i - d] += incr;
            }
        }
    }
    (u, w)
}

/// An exact scenario with explicit weights from `f64` values (each read exactly).
pub fn scenario_from_f64(
    gamma: f64,
    eta_u: f64,
    eta_w: f64,
    exx: f64,
    exy: f64,
    u0: &[f64],
    w0: &[f64],
) -> Scenario {
    let q = |x: f64| f64_to_q_exact(x).expect("finite");
    ScenarioSpec {
        name: None,
        gamma: Some(q(gamma)),
        eta_u: Some(q(eta_u)),
        eta_w: Some(q(eta_w)),
        exx: Some(q(exx)),
        exy: Some(q(exy)),
        eyy: None,
        init: InitSpec {
            kind: Some(InitKind::Explicit),
            u0: Some(u0.iter().map(|&x| q(x)).collect()),
            w0: Some(w0.iter().map(|&x| q(x)).collect()),
            ..InitSpec::default()
        },
    }
    .validate()
    .expect("valid scenario")
}

/// The example scenario of the README and docs/cli.md with its numbers read as `f64`
/// (`0.1` is the double nearest 1/10), and `E[xy] = exy`.
pub fn example_f64(exy: f64) -> Scenario {
    scenario_from_f64(
        0.9,
        0.7,
        1.3,
        1.1,
        exy,
        &[0.1, -0.2, 0.3],
        &[0.5, 0.1, -0.7],
    )
}

/// An exact scenario from number text (decimals or ratios, read exactly).
pub fn scenario_from_text(
    [gamma, eta_u, eta_w, exx, exy]: [&str; 5],
    u0: &[&str],
    w0: &[&str],
) -> Scenario {
    let q = |x: &str| exactflow_core::number::parse_exact(x).expect("number text");
    ScenarioSpec {
        name: None,
        gamma: Some(q(gamma)),
        eta_u: Some(q(eta_u)),
        eta_w: Some(q(eta_w)),
        exx: Some(q(exx)),
        exy: Some(q(exy)),
        eyy: None,
        init: InitSpec {
            kind: Some(InitKind::Explicit),
            u0: Some(u0.iter().map(|x| q(x)).collect()),
            w0: Some(w0.iter().map(|x| q(x)).collect()),
            ..InitSpec::default()
        },
    }
    .validate()
    .expect("valid scenario")
}

/// The README's example scenario (`base.toml`), with its weights replaced when given.
pub fn base_scenario(u0: Option<&[&str]>, w0: Option<&[&str]>) -> Scenario {
    scenario_from_text(
        ["0.9", "0.7", "13/10", "1.1", "-2.5"],
        u0.unwrap_or(&["0.1", "-0.2", "0.3"]),
        w0.unwrap_or(&["0.5", "0.1", "-0.7"]),
    )
}

/// The residual late in training, where model.md's literal `k(Sz − D/z)/4 − θ*` cancels
/// to nothing: linearized at the limit, `e = k(S + D/z₊²)/4 · (z − z₊)(1 + O(z − z₊))`
/// with `z − z₊ = y₀ωE/(ω + Ay₀(1 − E))` (model.md §4), evaluated literally in MPFR at
/// `prec` bits with `E = e^{−ωt}` itself (MPFR's exponent range must be the widest: see
/// `exactflow_mp::exponent`). Relative error `O(E) + ωt·2^-prec`: for times with
/// `E < 2^-prec`, as good as the precision. General shape only.
pub fn reference_residual_tail(red: &ExactReduction, t: &Q, prec: u32) -> Float {
    let f = |q: &Q| mpq(q, prec);
    let a = f(&red.a);
    let theta = f(&red.theta);
    let sqrt_eta = f(&red.eta_prod).sqrt();
    let k = f(&red.gamma) * sqrt_eta.clone();
    let xt = f(&red.x) / sqrt_eta;
    let p = f(&red.p);
    let s = p.clone() + xt.clone() * 2u32;
    let d = p - xt * 2u32;
    let k2 = k.clone() * k.clone();
    let ca = a.clone() * k2.clone() * s.clone() / 2u32;
    let cb = a.clone() * k.clone() * theta * 2u32;
    let cc = a * k2 * d.clone() / 2u32;
    let omega = (cb.clone() * cb.clone() + ca.clone() * cc * 4u32).sqrt();
    let zp = (cb + omega.clone()) / (ca.clone() * 2u32);
    let y0 = Float::with_val(prec, 1) - zp.clone();
    let e = (-(omega.clone() * mpq(t, prec))).exp();
    let y =
        y0.clone() * omega.clone() * e.clone() / (omega + ca * y0 * (Float::with_val(prec, 1) - e));
    k * (s + d / (zp.clone() * zp)) / 4u32 * y
}

/// The initial weights of a scenario as `f64` (exact for scenarios built from `f64`).
pub fn weights_f64(s: &Scenario) -> (Vec<f64>, Vec<f64>) {
    let (u, w) = match &s.init {
        Init::Explicit { u0, w0 } => (u0.clone(), w0.clone()),
        Init::Gaussian(_) => s.initial_weights(),
    };
    let conv = |v: &[Q]| {
        v.iter()
            .map(exactflow_core::number::q_to_f64_nearest)
            .collect()
    };
    (conv(&u), conv(&w))
}

/// A 64-bit LCG (Knuth's MMIX constants) for deterministic sweeps (not statistics).
pub struct Lcg(pub u64);

impl Lcg {
    /// The next 53-bit value.
    pub fn next_u53(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 11
    }
    /// Sum of three uniforms on [−1, 1]: bell-shaped, bounded.
    pub fn normalish(&mut self) -> f64 {
        (0..3)
            .map(|_| (self.next_u53() as f64 / (1u64 << 53) as f64) * 2.0 - 1.0)
            .sum()
    }
    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_u53() % items.len() as u64) as usize]
    }
}
