//! The Taylor integrator proper: the raw flow's Taylor coefficients by automatic
//! differentiation, the order and step of each step, and stepping through output times.
//!
//! State `x = (u, w, ℓ, φ)` with `e = σ·exp(ℓ)` (`σ = sign e₀`; `e` keeps its sign along
//! the flow) and `φ = ln z`:
//!
//! ```text
//! u' = −η_u a γ e w,   w' = −η_w a γ e u,   ℓ' = −a·ntk = −a γ²(η_u|w|² + η_w|u|²),   φ' = −2ake.
//! ```
//!
//! The ODEs of `ℓ` and `φ` are the chain rule applied to the field (`de/dt = −a·ntk·e`,
//! docs/model.md §3 for `z`). Carrying `ln|e|` rather than `e` keeps the residual's
//! relative accuracy however small it gets, and lets the step grow once the residual is
//! negligible against the weights: then every coefficient but `ℓ`'s linear one is tiny
//! and the series stops after few terms. Recurrences, with `E_k` the coefficients of `e`:
//!
//! ```text
//! ntk_k = γ²(η_u Σ_i w_i·w_{k−i} + η_w Σ_i u_i·u_{k−i}),   ℓ_{k+1} = −a·ntk_k/(k+1),
//! u_{k+1} = −η_u a γ/(k+1) Σ_i E_i w_{k−i},   w_{k+1} = −η_w a γ/(k+1) Σ_i E_i u_{k−i},
//! E_{k+1} = Σ_{j≤k} (j+1) ℓ_{j+1} E_{k−j}/(k+1),   φ_{k+1} = −2ak E_k/(k+1).
//! ```
//!
//! **Order and step** (Jorba & Zou 2005, with early stopping): at working precision `P`
//! the order is at most `K = ⌈P·ln2/2⌉ + 2` and the step `h = ρ/e²`, `ρ` the radius of
//! convergence estimated from the last two coefficients of each block (the weights
//! relative to their largest entry; `ℓ` and `φ` absolutely); the truncation error per step
//! is then about `e^{−2K} ≤ 2^{−P}`. A step first tries `h_c = min(time left, 10·h_prev)`
//! and stops adding orders as soon as two successive orders contribute less than
//! `2^{−P−4}` at `h_c` while decaying at least as fast as at `ρ/e²`; it then takes `h_c`.
//!
//! **Precision by order**: order `k` contributes about `T_k = ‖c_k‖h^k/‖x‖ ≤ 1` of the state,
//! so its coefficients are computed at `P + log₂T_k + 16` bits (at least 64; `T_k`
//! extrapolated from the two orders before), MPFR's products rounding short.

use rug::{Assign, Float};

/// Bits added to each order's precision beyond `P + log₂T_k`.
const ORDER_GUARD: i64 = 16;

/// `log₂|x|` (`−∞` for zero, `+∞` for non-finite values).
pub(crate) fn lg(x: &Float) -> f64 {
    if x.is_zero() {
        f64::NEG_INFINITY
    } else if !x.is_finite() {
        f64::INFINITY
    } else {
        // MPFR's widest exponent range reaches 2^±(2^62): the exponent is read as an
        // `i64` (rug's `to_f64_exp` panics beyond `i32`).
        let (m, e) = exactflow_mp::exponent::to_f64_exp2(x, rug::float::Round::Nearest);
        e as f64 + m.abs().log2()
    }
}

/// The flow's parameters at working precision `prec`.
#[derive(Debug, Clone)]
pub struct Flow {
    prec: u32,
    /// `η_u a γ`.
    cu: Float,
    /// `η_w a γ`.
    cw: Float,
    /// `γ² η_u`.
    gu2: Float,
    /// `γ² η_w`.
    gw2: Float,
    a: Float,
    /// `2 a k`.
    two_ak: Float,
    /// Sign of `e₀` (0: the state is stationary).
    sigma: i32,
}

/// A state of the flow: the weights, `ℓ = ln|e|` and `φ = ln z`.
#[derive(Debug, Clone)]
pub struct State {
    /// `u`.
    pub u: Vec<Float>,
    /// `w`.
    pub w: Vec<Float>,
    /// `ln|e|` (unused when the state is stationary).
    pub ell: Float,
    /// `ln z`.
    pub phi: Float,
}

/// The field's constants, rounded to nearest from exact values.
#[derive(Debug, Clone)]
pub struct Constants {
    /// η_u.
    pub eta_u: Float,
    /// η_w.
    pub eta_w: Float,
    /// `a = E[x²]`.
    pub a: Float,
    /// γ.
    pub gamma: Float,
    /// `k = γ√(η_u η_w)`.
    pub k: Float,
}

impl Flow {
    /// The flow at `prec` bits; `sigma` is the sign of `e₀`.
    pub fn new(c: &Constants, sigma: i32, prec: u32) -> Flow {
        let p = prec;
        let agam = Float::with_val(p, &c.a * &c.gamma);
        let g2 = Float::with_val(p, &c.gamma * &c.gamma);
        Flow {
            prec,
            cu: Float::with_val(p, &c.eta_u * &agam),
            cw: Float::with_val(p, &c.eta_w * &agam),
            gu2: Float::with_val(p, &g2 * &c.eta_u),
            gw2: Float::with_val(p, &g2 * &c.eta_w),
            a: Float::with_val(p, &c.a),
            two_ak: Float::with_val(p, &c.a * &c.k) * 2u32,
            sigma,
        }
    }

    /// Whether the state is stationary (`e₀ = 0`).
    pub fn stationary(&self) -> bool {
        self.sigma == 0
    }

    /// The working precision.
    pub fn prec(&self) -> u32 {
        self.prec
    }

    /// The largest order, `⌈P·ln2/2⌉ + 2`.
    pub fn max_order(&self) -> usize {
        (f64::from(self.prec) * std::f64::consts::LN_2 / 2.0).ceil() as usize + 2
    }

    /// `e = σ·exp(ℓ)` at `prec` bits (exactly 0 for a stationary state; 0 also when
    /// `exp` underflows MPFR's range — the weights then no longer move at any precision).
    pub fn residual(&self, x: &State, prec: u32) -> Float {
        let mut e = Float::with_val(prec, x.ell.exp_ref());
        match self.sigma {
            0 => e = Float::with_val(prec, 0),
            s if s < 0 => e = -e,
            _ => {}
        }
        e
    }
}

/// The Taylor coefficients of one step.
pub(crate) struct Series {
    pub(crate) u: Vec<Vec<Float>>,
    w: Vec<Vec<Float>>,
    ell: Vec<Float>,
    phi: Vec<Float>,
    e: Vec<Float>,
    /// `log₂` of the weights' largest entry (`−∞` for the origin).
    lg_norm: f64,
    /// The series stopped before the largest order, negligible at `h_c/2^n` for this `n`.
    pub(crate) early: Option<u32>,
}

impl Series {
    /// `log₂` of order `k`'s largest normalized coefficient, over the blocks.
    pub(crate) fn lg_coef(&self, k: usize) -> f64 {
        let mut m = f64::NEG_INFINITY;
        for v in self.u[k].iter().chain(&self.w[k]) {
            m = m.max(lg(v) - self.lg_norm);
        }
        m.max(lg(&self.ell[k])).max(lg(&self.phi[k]))
    }

    /// Whether the series may stop at order `k` for a step `h = h_c/2^n` (the smallest
    /// such `n`): orders `k−1` and `k` contribute less than `2^tiny` at `h`, the last at
    /// most half the one before, and stay below it even multiplied by `e^{|ℓ₁|h}` — the
    /// growth of the residual's series, which drives every other block's, before its
    /// factorials win — and `h` is at least the Jorba–Zou step `ρ_k/e²` of order `k`'s
    /// coefficients: stopping early may lengthen a step, never shorten it.
    fn early_stop(&self, k: usize, lg_hc: f64, tiny: f64) -> Option<u32> {
        let (c0, c1) = (self.lg_coef(k - 1), self.lg_coef(k));
        let lam = lg(&self.ell[1]).exp2();
        let lg_h_min = -c1 / k as f64 - 2.0 * std::f64::consts::LOG2_E;
        (0..64u32)
            .take_while(|&n| lg_hc - f64::from(n) >= lg_h_min)
            .find(|&n| {
                let lg_h = lg_hc - f64::from(n);
                let t0 = c0 + (k - 1) as f64 * lg_h;
                let t1 = c1 + k as f64 * lg_h;
                let tail = t1 + lam * lg_h.exp2() * std::f64::consts::LOG2_E;
                t0 < tiny && t1 < tiny && t1 <= t0 - 1.0 && tail < tiny
            })
    }
}

/// The coefficients so far rounded to one precision (a whole number of limbs): products
/// of long operands into a short result still cost the operands' length in MPFR, so each
/// order multiplies copies no longer than its own precision.
struct Tier {
    prec: u32,
    u: Vec<Vec<Float>>,
    w: Vec<Vec<Float>>,
    e: Vec<Float>,
    ell: Vec<Float>,
}

impl Tier {
    fn new() -> Tier {
        Tier {
            prec: u32::MAX,
            u: Vec::new(),
            w: Vec::new(),
            e: Vec::new(),
            ell: Vec::new(),
        }
    }

    /// Rounds every coefficient of `s` to `prec` when the tier's precision changes.
    fn refit(&mut self, s: &Series, prec: u32) {
        if prec == self.prec {
            return;
        }
        let r = |x: &Float| Float::with_val(prec, x);
        self.prec = prec;
        self.u = s.u.iter().map(|v| v.iter().map(r).collect()).collect();
        self.w = s.w.iter().map(|v| v.iter().map(r).collect()).collect();
        self.e = s.e.iter().map(r).collect();
        self.ell = s.ell.iter().map(r).collect();
    }

    /// Takes the newest order of `s` (already at most the tier's precision).
    fn push(&mut self, s: &Series) {
        let last = s.u.len() - 1;
        self.u.push(s.u[last].clone());
        self.w.push(s.w[last].clone());
        self.e.push(s.e[last].clone());
        self.ell.push(s.ell[last].clone());
    }
}

/// `acc += a·b` with the product rounded to the scratch `tmp`'s precision (the order's;
/// a short product when the operands are longer).
fn add_mul(acc: &mut Float, a: &Float, b: &Float, tmp: &mut Float) {
    tmp.assign(a * b);
    *acc += &*tmp;
}

impl Flow {
    /// The coefficients at `x`, orders `0..=k` for the `k` at which they stop (at most
    /// [`Flow::max_order`]), for a step of at most `h_c`.
    pub(crate) fn series(&self, x: &State, lg_hc: f64, lg_hp: f64) -> Series {
        let d = x.u.len();
        let k_max = self.max_order();
        let p_full = i64::from(self.prec);
        let lg_norm =
            x.u.iter()
                .chain(&x.w)
                .map(lg)
                .fold(f64::NEG_INFINITY, f64::max);
        let mut s = Series {
            u: vec![x.u.clone()],
            w: vec![x.w.clone()],
            ell: vec![x.ell.clone()],
            phi: vec![x.phi.clone()],
            e: vec![self.residual(x, self.prec)],
            lg_norm,
            early: None,
        };
        // log₂ T_k at h_p for the last two orders (T_0 = 1).
        let mut lg_t = [f64::NEG_INFINITY, 0.0f64];
        let mut tier = Tier::new();
        for k in 0..k_max {
            let kk = (k + 1) as u32;
            let est = if k >= 1 {
                lg_t[1] + (lg_t[1] - lg_t[0])
            } else {
                0.0
            };
            let extra = if est.is_finite() {
                est.ceil() as i64
            } else {
                0
            };
            let p = (p_full + extra.min(0) + ORDER_GUARD).clamp(64, p_full) as u32;
            let mut tmp = Float::new(p);
            tier.refit(&s, p.div_ceil(64) * 64);
            let t = &tier;
            // ntk_k from the convolutions of u·u and w·w (symmetric halves).
            let (mut uu, mut ww) = (Float::new(p), Float::new(p));
            for i in 0..=k / 2 {
                let j = k - i;
                let (mut su, mut sw) = (Float::new(p), Float::new(p));
                for c in 0..d {
                    add_mul(&mut su, &t.u[i][c], &t.u[j][c], &mut tmp);
                    add_mul(&mut sw, &t.w[i][c], &t.w[j][c], &mut tmp);
                }
                if i != j {
                    su <<= 1;
                    sw <<= 1;
                }
                uu += &su;
                ww += &sw;
            }
            let mut ntk = Float::new(p);
            add_mul(&mut ntk, &self.gu2, &ww, &mut tmp);
            add_mul(&mut ntk, &self.gw2, &uu, &mut tmp);
            let mut ell = Float::new(p);
            add_mul(&mut ell, &self.a, &ntk, &mut tmp);
            let ell = -(ell / kk);
            let mut phi = Float::new(p);
            add_mul(&mut phi, &self.two_ak, &t.e[k], &mut tmp);
            let phi = -(phi / kk);
            let mut un = vec![Float::new(p); d];
            let mut wn = vec![Float::new(p); d];
            for c in 0..d {
                let (mut au, mut aw) = (Float::new(p), Float::new(p));
                for i in 0..=k {
                    add_mul(&mut au, &t.e[i], &t.w[k - i][c], &mut tmp);
                    add_mul(&mut aw, &t.e[i], &t.u[k - i][c], &mut tmp);
                }
                let mut x = Float::new(p);
                add_mul(&mut x, &self.cu, &au, &mut tmp);
                un[c] = -(x / kk);
                let mut y = Float::new(p);
                add_mul(&mut y, &self.cw, &aw, &mut tmp);
                wn[c] = -(y / kk);
            }
            // E_{k+1} = Σ_{j≤k} (j+1) ℓ_{j+1} E_{k−j} / (k+1) (ℓ_{k+1} is the new one).
            let mut en = Float::new(p);
            if self.sigma != 0 {
                for j in 0..=k {
                    let l = if j == k { &ell } else { &tier.ell[j + 1] };
                    let mut t = Float::with_val(p, l * (j as u32 + 1));
                    t *= &tier.e[k - j];
                    en += &t;
                }
            }
            s.ell.push(ell);
            s.phi.push(phi);
            s.u.push(un);
            s.w.push(wn);
            s.e.push(en / kk);
            tier.push(&s);
            let lg_k = s.lg_coef(k + 1) + (k + 1) as f64 * lg_hp;
            lg_t = [lg_t[1], lg_k];
            if k + 1 >= 3 {
                let lg_h = lg_hc.min(lg_hp + ORDER_GUARD as f64 / (k + 1) as f64);
                let skip = (lg_hc - lg_h).ceil().max(0.0) as u32;
                if let Some(n) =
                    s.early_stop(k + 1, lg_hc - f64::from(skip), -(p_full as f64) - 4.0)
                {
                    let halvings = n + skip;
                    s.early = Some(halvings);
                    break;
                }
            }
        }
        s
    }

    /// One step of at most `h_c` (and at most what the series allows) from `x`, in place;
    /// returns the step taken. The orders' precisions are chosen for a step `2^lg_hp`,
    /// and the step is at most `2^(lg_hp + 16/K)` for the `K` orders used (so the guard
    /// bits cover it).
    pub fn step(&self, x: &mut State, h_c: &Float, lg_hp: f64) -> Float {
        let p = self.prec;
        let s = self.series(x, lg(h_c), lg_hp);
        let k = s.u.len() - 1;
        let h = match s.early {
            Some(0) => h_c.clone(),
            Some(n) => Float::with_val(p, h_c >> n),
            None => {
                // ρ from the last two orders: log₂ρ_j = −log₂(‖c_j‖/‖x‖)/j.
                let lg_rho = [k - 1, k]
                    .iter()
                    .map(|&j| -s.lg_coef(j) / j as f64)
                    .fold(f64::INFINITY, f64::min);
                let lg_h = (lg_rho - 2.0 * std::f64::consts::LOG2_E)
                    .min(lg_hp + ORDER_GUARD as f64 / k as f64);
                if lg_h.is_finite() && lg_h < lg(h_c) {
                    Float::with_val(p, Float::with_val(53, lg_h).exp2_ref())
                } else {
                    h_c.clone()
                }
            }
        };
        // Horner in h, each block.
        let horner = |cs: &mut dyn Iterator<Item = &Float>| {
            let cs: Vec<&Float> = cs.collect();
            let mut acc = Float::with_val(p, cs[k]);
            for c in cs[..k].iter().rev() {
                acc *= &h;
                acc += *c;
            }
            acc
        };
        for c in 0..x.u.len() {
            x.u[c] = horner(&mut s.u.iter().map(|v| &v[c]));
            x.w[c] = horner(&mut s.w.iter().map(|v| &v[c]));
        }
        if self.sigma != 0 {
            x.ell = horner(&mut s.ell.iter());
        }
        x.phi = horner(&mut s.phi.iter());
        h
    }
}
