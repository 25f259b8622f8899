//! The mechanism of one trajectory (docs/model.md §9): the quantities that compare the
//! initialization with the limit `t → ∞`, and the label decided from them.
//!
//! Everything here is a closed-form function of the reduction (docs/model.md §3–§5) at
//! `z(∞)`; no time stepping and no large-`t` evaluation. `u` and `w` move in
//! `span{s₀, δ₀}` with `s = s₀√z`, `δ = δ₀/√z`, so
//!
//! ```text
//! ũ(∞) = (s₀√z∞ + δ₀/√z∞)/2,   w̃(∞) = (s₀√z∞ − δ₀/√z∞)/2     (ũ = u/√η_u, w̃ = w/√η_w)
//! ```
//!
//! and every quantity is a function of `z∞` and the conserved `S, D, M`, Gram determinant.
//! The forms used keep their accuracy (see each function): `z∞ − 1 = −(A−B−C)/Q` with the
//! exact `A − B − C = 2ake₀`; the norms from `|ũ|² − |w̃|² = M`,
//! `|ũ|²|w̃|² = gram + (ũ·w̃)²`; the rotation angles by `atan2(|ũ₀ ∧ ũ∞|, ũ₀·ũ∞)` with
//! `|ũ₀ ∧ ũ∞| = ½√gram·|z∞ − 1|/√z∞` (the same for `w̃`).
//!
//! # Labels and thresholds
//!
//! Decided in this order ([`Thresholds`] holds the numbers):
//!
//! 1. **saddle** — the flow converges to `u = w = 0` although `θ* ≠ 0` (decided exactly:
//!    the origin; `δ₀ = 0` with `kθ* < 0`; `s₀ = 0` with `kθ* > 0`).
//! 2. **kernel** — `|ntk(∞)/ntk(0) − 1| ≤ 0.1`, `|ζ(∞) − ζ(0)| ≤ 0.1` and each layer that
//!    does not start at zero turns by at most 0.1 rad.
//! 3. **rescaling-u** — `u` turns by less than a tenth of the angle `w` turns (a layer
//!    starting at zero counts as turning by π/2): `u` keeps its direction and only
//!    rescales, `w` turns to it. **rescaling-w** the other way round.
//! 4. **alignment** when `z` grows (`k e₀ < 0`: `s` grows, `δ` shrinks, `ζ` rises toward
//!    `sign(kθ*)`), **disalignment** when it shrinks (decided exactly from the sign of
//!    `k e₀`; `ζ` is an increasing function of `z`).

use exactflow_core::number::{q_to_f64_nearest, sqrt_q_to_f64_nearest};
use exactflow_core::reduction::sign;
use exactflow_core::ExactReduction;
use num_traits::Zero;
use std::f64::consts::FRAC_PI_2;
use std::fmt;

/// A trajectory's regime (docs/model.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    /// Lazy: the NTK, the alignment and both layers' directions barely change.
    Kernel,
    /// `z` grows: `u` and `w` turn toward each other.
    Alignment,
    /// `z` shrinks: `u` and `w` turn apart.
    Disalignment,
    /// `u` keeps its direction and rescales; `w` turns to it.
    RescalingU,
    /// `w` keeps its direction and rescales; `u` turns to it.
    RescalingW,
    /// The flow converges to the saddle `u = w = 0`.
    Saddle,
}

impl Label {
    /// Every label, in documentation order.
    pub const ALL: [Label; 6] = [
        Label::Kernel,
        Label::Alignment,
        Label::Disalignment,
        Label::RescalingU,
        Label::RescalingW,
        Label::Saddle,
    ];

    /// The label's name as printed (`kernel`, `rescaling-u`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Label::Kernel => "kernel",
            Label::Alignment => "alignment",
            Label::Disalignment => "disalignment",
            Label::RescalingU => "rescaling-u",
            Label::RescalingW => "rescaling-w",
            Label::Saddle => "saddle",
        }
    }

    /// A small integer code (the index in [`Label::ALL`]).
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The thresholds of the labels (module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Kernel: largest `|ntk(∞)/ntk(0) − 1|`.
    pub ntk_change: f64,
    /// Kernel: largest `|ζ(∞) − ζ(0)|`.
    pub alignment_change: f64,
    /// Kernel: largest rotation angle of a layer (radians).
    pub rotation: f64,
    /// Rescaling: the dominant layer turns by less than this fraction of the other's angle.
    pub rescaling_ratio: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        THRESHOLDS
    }
}

/// The documented thresholds.
pub const THRESHOLDS: Thresholds = Thresholds {
    ntk_change: 0.1,
    alignment_change: 0.1,
    rotation: 0.1,
    rescaling_ratio: 0.1,
};

/// Where `z(t)` goes as `t → ∞`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ZLimit {
    /// A finite positive limit `z₊` (the flow reaches a global minimum, or stays at the
    /// origin): the value and `z₊ − 1` (accurate on its own).
    Finite {
        /// `z₊`.
        z: f64,
        /// `z₊ − 1`.
        y: f64,
    },
    /// `z → 0` (`δ₀ = 0`: both layers shrink along `s₀` to the origin).
    Zero,
    /// `z → ∞` (`s₀ = 0`: both layers shrink along `δ₀` to the origin).
    Infinity,
}

/// The reduction of docs/model.md §3 rounded to `f64`, with its degenerate cases decided
/// beforehand (exactly, when built by [`Reduced::from_exact`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reduced {
    /// `a = E[x²]`.
    pub a: f64,
    /// `θ* = E[xy]/E[x²]`.
    pub theta: f64,
    /// `k = γ√(η_u η_w)`.
    pub k: f64,
    /// `|ũ₀|²`.
    pub pu: f64,
    /// `|w̃₀|²`.
    pub pw: f64,
    /// `ũ₀·w̃₀`.
    pub xt: f64,
    /// Gram determinant `|ũ₀|²|w̃₀|² − (ũ₀·w̃₀)² ≥ 0` (conserved).
    pub gram: f64,
    /// `S = |s₀|²`.
    pub s: f64,
    /// `D = |δ₀|²`.
    pub d: f64,
    /// `M = |ũ₀|² − |w̃₀|²`.
    pub m: f64,
    /// `e₀ = γ u₀·w₀ − θ*`.
    pub e0: f64,
    /// `ω = √(B² + 4AC)`.
    pub omega: f64,
    /// `u₀ = w₀ = 0`.
    pub origin: bool,
    /// `S = 0`.
    pub s_zero: bool,
    /// `D = 0`.
    pub d_zero: bool,
    /// Sign of `θ*`.
    pub theta_sign: i32,
    /// Sign of `k e₀` (−1: `z` grows; +1: `z` shrinks; 0: at a minimum already).
    pub ke0_sign: i32,
}

/// `f64` moments of a scenario for the fast path ([`Reduced::from_moments`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    /// γ.
    pub gamma: f64,
    /// η_u.
    pub eta_u: f64,
    /// η_w.
    pub eta_w: f64,
    /// `E[x²]`.
    pub exx: f64,
    /// `E[xy]`.
    pub exy: f64,
    /// `|u₀|²`.
    pub uu: f64,
    /// `|w₀|²`.
    pub ww: f64,
    /// `u₀·w₀`.
    pub uw: f64,
    /// `|u₀|²|w₀|² − (u₀·w₀)² ≥ 0`, supplied separately so that a rank-one
    /// initialization gives exactly 0.
    pub gram: f64,
}

fn fsign(x: f64) -> i32 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// `S`, `D` from `P`, `|2X̃|` and `S·D`: the larger as a sum, the other as `S·D/larger`.
fn split_sd(p: f64, two_abs_xt: f64, sd: f64, xt_sign: i32) -> (f64, f64) {
    let big = p + two_abs_xt;
    let small = if big > 0.0 { sd / big } else { 0.0 };
    if xt_sign >= 0 {
        (big, small)
    } else {
        (small, big)
    }
}

impl Reduced {
    /// Rounds the exact reduction; degenerate cases and signs are decided on the exact
    /// rationals, every constant is rounded once from its exact value (`S` or `D`,
    /// whichever is smaller, through the exact `S·D`).
    pub fn from_exact(red: &ExactReduction) -> Reduced {
        let k = f64::from(red.k_sign()) * sqrt_q_to_f64_nearest(&red.k2);
        let xsign = sign(&red.x);
        let abs_xt = sqrt_q_to_f64_nearest(&red.xt2);
        let (mut s, mut d) = split_sd(
            q_to_f64_nearest(&red.p),
            2.0 * abs_xt,
            q_to_f64_nearest(&red.sd),
            xsign,
        );
        let s_zero = red.shape().s_is_zero();
        let d_zero = red.shape().d_is_zero();
        if s_zero {
            s = 0.0;
        }
        if d_zero {
            d = 0.0;
        }
        Reduced {
            a: q_to_f64_nearest(&red.a),
            theta: q_to_f64_nearest(&red.theta),
            k,
            pu: q_to_f64_nearest(&red.pu),
            pw: q_to_f64_nearest(&red.pw),
            xt: f64::from(xsign) * abs_xt,
            gram: q_to_f64_nearest(&red.gram),
            s,
            d,
            m: q_to_f64_nearest(&red.m),
            e0: q_to_f64_nearest(&red.e0),
            omega: sqrt_q_to_f64_nearest(&red.omega2),
            origin: red.shape().is_origin(),
            s_zero,
            d_zero,
            theta_sign: sign(&red.theta),
            ke0_sign: red.two_ake0_sign() * i32::from(!red.e0.is_zero()),
        }
    }

    /// The same from `f64` moments (the phase sweep's path: no rational arithmetic).
    /// Degenerate cases are decided on the `f64` values, which are exactly zero when the
    /// moments are (a rank-one initialization must pass `gram = 0`).
    pub fn from_moments(mo: &Moments) -> Reduced {
        let eta = mo.eta_u * mo.eta_w;
        let sqrt_eta = eta.sqrt();
        let k = mo.gamma * sqrt_eta;
        let pu = mo.uu / mo.eta_u;
        let pw = mo.ww / mo.eta_w;
        let xt = mo.uw / sqrt_eta;
        let p = pu + pw;
        let m = pu - pw;
        let gram = (mo.gram / eta).max(0.0);
        let sd = m * m + 4.0 * gram;
        let (s, d) = split_sd(p, 2.0 * xt.abs(), sd, fsign(xt));
        let theta = mo.exy / mo.exx;
        let e0 = mo.gamma * mo.uw - theta;
        let a = mo.exx;
        let omega = a * k.abs() * (4.0 * theta * theta + k * k * sd).sqrt();
        let origin = p == 0.0;
        Reduced {
            a,
            theta,
            k,
            pu,
            pw,
            xt,
            gram,
            s,
            d,
            m,
            e0,
            omega,
            origin,
            s_zero: origin || (sd == 0.0 && xt < 0.0),
            d_zero: origin || (sd == 0.0 && xt > 0.0),
            theta_sign: fsign(theta),
            ke0_sign: fsign(k) * fsign(e0),
        }
    }

    /// The limit of `z` (docs/model.md §4, degenerate cases included).
    ///
    /// With `A = ak²S/2`, `B = 2akθ*`, `C = ak²D/2`, `Q = A + (ω − B)/2 > 0`:
    /// `z₊ − 1 = −(A − B − C)/Q` (`A − B − C = 2ake₀`), and `z₊ = (B + ω)/(2A)` when
    /// `B ≥ 0`, `2C/(ω − B)` when `B < 0` — sums of like-signed terms.
    pub fn z_limit(&self) -> ZLimit {
        let half_ak2 = 0.5 * self.a * self.k * self.k;
        let a_ = half_ak2 * self.s;
        let c_ = half_ak2 * self.d;
        let b_ = 2.0 * self.a * self.k * self.theta;
        if self.origin {
            return ZLimit::Finite { z: 1.0, y: 0.0 };
        }
        if self.s_zero && (self.theta_sign * fsign(self.k) > 0 || self.theta_sign == 0) {
            return ZLimit::Infinity;
        }
        if self.d_zero && self.theta_sign * fsign(self.k) <= 0 {
            return ZLimit::Zero;
        }
        let q = a_ + 0.5 * (self.omega - b_);
        let two_ake0 = 2.0 * self.a * self.k * self.e0;
        let y = -two_ake0 / q;
        let z = if b_ >= 0.0 && a_ > 0.0 {
            (b_ + self.omega) / (2.0 * a_)
        } else {
            2.0 * c_ / (self.omega - b_)
        };
        ZLimit::Finite { z, y }
    }
}

/// The quantities of docs/model.md §9 for one trajectory. Undefined values (a layer that
/// starts at zero has no initial direction) are NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantities {
    /// `z(∞)` (0 or +∞ when the flow falls into the origin).
    pub z_inf: f64,
    /// `ntk(0) = γ²(η_u|w₀|² + η_w|u₀|²)`.
    pub ntk0: f64,
    /// `ntk(∞)`.
    pub ntk_inf: f64,
    /// `ntk(∞)/ntk(0) − 1` (accurate to ~1e-15 absolute, even when tiny).
    pub ntk_change: f64,
    /// `ζ(0) = cos∠(u₀, w₀)`.
    pub alignment0: f64,
    /// `ζ(∞)`.
    pub alignment_inf: f64,
    /// `∠(u₀, u(∞))` in radians, in `[0, π]`.
    pub rotation_u: f64,
    /// `∠(w₀, w(∞))` in radians.
    pub rotation_w: f64,
    /// `|u(∞)|/|u₀|`.
    pub norm_ratio_u: f64,
    /// `|w(∞)|/|w₀|`.
    pub norm_ratio_w: f64,
    /// `|ũ₀|²/|w̃₀|²`: which layer dominates in normalized units.
    pub dominance: f64,
    /// `1/ω`, the time scale of convergence (+∞ when `ω = 0`: algebraic convergence).
    pub time_scale: f64,
    /// `e(∞)`: 0 at a minimum, `−θ*` at the origin.
    pub residual_inf: f64,
}

/// A trajectory's quantities and label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mechanism {
    /// The quantities the label is decided from.
    pub quantities: Quantities,
    /// The label.
    pub label: Label,
}

/// Analyses an exact scenario reduction (the `mechanism` command's path).
pub fn analyse_exact(red: &ExactReduction) -> Mechanism {
    analyse(&Reduced::from_exact(red), &THRESHOLDS)
}

/// Quantities and label of a reduced scenario.
pub fn analyse(r: &Reduced, th: &Thresholds) -> Mechanism {
    let quantities = quantities(r);
    let label = classify(r, &quantities, th);
    Mechanism { quantities, label }
}

/// The quantities of docs/model.md §9 (module docs for the forms).
pub fn quantities(r: &Reduced) -> Quantities {
    let k2 = r.k * r.k;
    let ntk0 = k2 * (r.pu + r.pw);
    let alignment0 = r.xt / (r.xt * r.xt + r.gram).sqrt();
    let dominance = r.pu / r.pw;
    let time_scale = 1.0 / r.omega;
    let nan = f64::NAN;
    if r.origin {
        return Quantities {
            z_inf: 1.0,
            ntk0,
            ntk_inf: 0.0,
            ntk_change: nan,
            alignment0: nan,
            alignment_inf: nan,
            rotation_u: nan,
            rotation_w: nan,
            norm_ratio_u: nan,
            norm_ratio_w: nan,
            dominance,
            time_scale,
            residual_inf: r.e0,
        };
    }
    let collapse = |z_inf: f64, alignment: f64| Quantities {
        z_inf,
        ntk0,
        ntk_inf: 0.0,
        ntk_change: -1.0,
        alignment0,
        alignment_inf: alignment,
        rotation_u: if r.pu > 0.0 { 0.0 } else { nan },
        rotation_w: if r.pw > 0.0 { 0.0 } else { nan },
        norm_ratio_u: if r.pu > 0.0 { 0.0 } else { nan },
        norm_ratio_w: if r.pw > 0.0 { 0.0 } else { nan },
        dominance,
        time_scale,
        residual_inf: -r.theta,
    };
    let (z, y) = match r.z_limit() {
        // δ ≡ 0: ũ = w̃ → 0 along s₀; u ∥ w throughout.
        ZLimit::Zero => return collapse(0.0, 1.0),
        // s ≡ 0: ũ = −w̃ → 0 along δ₀.
        ZLimit::Infinity => return collapse(f64::INFINITY, -1.0),
        ZLimit::Finite { z, y } => (z, y),
    };
    let (s, d, m) = (r.s, r.d, r.m);
    let inv_z = 1.0 / z;
    let ntk_inf = 0.5 * k2 * (s * z + d * inv_z);
    // ntk∞/ntk0 − 1 = (S(z−1) + D(1/z − 1))/(S + D) = (z − 1)(S − D/z)/(S + D).
    let ntk_change = y * (s - d * inv_z) / (s + d);
    // At the limit (a minimum) ũ·w̃ = θ*/k, so ζ∞ = sign(k)·θ*/√(θ*² + k²·gram).
    let xt_inf = r.theta / r.k;
    let alignment_inf = xt_inf / (xt_inf * xt_inf + r.gram).sqrt();
    // |ũ|² − |w̃|² = M and |ũ|²|w̃|² = gram + (ũ·w̃)²: the larger root as a sum.
    let prod = r.gram + xt_inf * xt_inf;
    let root = (m * m + 4.0 * prod).sqrt();
    let (pu_inf, pw_inf) = if m >= 0.0 {
        let big = 0.5 * (m + root);
        (big, if big > 0.0 { prod / big } else { 0.0 })
    } else {
        let big = 0.5 * (root - m);
        (if big > 0.0 { prod / big } else { 0.0 }, big)
    };
    let rz = z.sqrt();
    // |ũ₀ ∧ ũ∞| = |w̃₀ ∧ w̃∞| = ½√gram·|√z − 1/√z|, and √z − 1/√z = (z − 1)/√z.
    let wedge = 0.5 * r.gram.sqrt() * (y / rz).abs();
    let dot_u = ((s + m) * rz + (m + d) / rz) / 4.0;
    let dot_w = ((s - m) * rz + (d - m) / rz) / 4.0;
    let angle = |p0: f64, dot: f64| if p0 > 0.0 { wedge.atan2(dot) } else { nan };
    let ratio = |p0: f64, p: f64| if p0 > 0.0 { (p / p0).sqrt() } else { nan };
    Quantities {
        z_inf: z,
        ntk0,
        ntk_inf,
        ntk_change,
        alignment0,
        alignment_inf,
        rotation_u: angle(r.pu, dot_u),
        rotation_w: angle(r.pw, dot_w),
        norm_ratio_u: ratio(r.pu, pu_inf),
        norm_ratio_w: ratio(r.pw, pw_inf),
        dominance,
        time_scale,
        residual_inf: 0.0,
    }
}

/// The label of docs/model.md §9 from the quantities (rules and thresholds: module docs).
pub fn classify(r: &Reduced, q: &Quantities, th: &Thresholds) -> Label {
    let to_origin = r.origin || matches!(r.z_limit(), ZLimit::Zero | ZLimit::Infinity);
    if to_origin && r.theta_sign != 0 {
        return Label::Saddle;
    }
    if r.origin || r.ke0_sign == 0 {
        // Nothing moves.
        return Label::Kernel;
    }
    let small = |x: f64, tol: f64| x.is_nan() || x.abs() <= tol;
    if small(q.ntk_change, th.ntk_change)
        && small(q.alignment_inf - q.alignment0, th.alignment_change)
        && small(q.rotation_u, th.rotation)
        && small(q.rotation_w, th.rotation)
    {
        return Label::Kernel;
    }
    // A layer that starts at zero has no direction to keep: it turns "fully".
    let turn = |x: f64| if x.is_nan() { FRAC_PI_2 } else { x };
    let (tu, tw) = (turn(q.rotation_u), turn(q.rotation_w));
    if tu < th.rescaling_ratio * tw {
        return Label::RescalingU;
    }
    if tw < th.rescaling_ratio * tu {
        return Label::RescalingW;
    }
    if r.ke0_sign < 0 {
        Label::Alignment
    } else {
        Label::Disalignment
    }
}

#[cfg(test)]
#[path = "tests/mechanism.rs"]
mod tests;
