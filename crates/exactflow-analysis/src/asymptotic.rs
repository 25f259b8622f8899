//! The width-scaling phase diagram of docs/model.md §9, in exponent space, with exact rational
//! exponents.
//!
//! Width `d → ∞` with `σ_u² = d^{−α_u}`, `σ_w² = d^{−α_w}`, `η_u = d^{c_u}`, `η_w = d^{c_w}`,
//! `γ = d^{−β}`, and `a, θ*` of order one. Then (typical sizes of a Gaussian draw)
//!
//! ```text
//! |ũ₀|² ~ d^{x_u},  x_u = 1 − α_u − c_u        |w̃₀|² ~ d^{x_w},  x_w = 1 − α_w − c_w
//! S, D ~ d^{m},      m = max(x_u, x_w)          (the cross term ũ₀·w̃₀ ~ d^{(x_u+x_w−1)/2} is smaller)
//! k ~ d^{κ},         κ = −β + (c_u + c_w)/2     initial output ~ d^{κ + (x_u + x_w − 1)/2}
//! ```
//!
//! The needed change `θ*/k ~ d^{−κ}` against `S ~ d^m` separates the phases: the output
//! diverges at initialization (its exponent `> 0`); **kernel** (`−κ < m`); **critical**
//! feature learning (`−κ = m`); **strong** feature learning (`−κ > m`). In the latter two,
//! balanced layers (`x_u = x_w`) learn by alignment or disalignment (the sign of `kθ*`),
//! unbalanced ones by rescaling of the dominant layer.
//!
//! Predicted exponents of measurable quantities (`f ~ d^{exponent}`), used to check that
//! exact finite-width solutions converge to the diagram:
//!
//! * `max(z∞, 1/z∞) − 1 ~ d^{ρ}`, `ρ = −κ − m` — the distance of `z∞` from 1 shrinks in
//!   the kernel phase (`ρ < 0`), stays of order one at criticality, grows in the strong
//!   phase (`z∞ ≈ 4θ*/(kS)` or `|k|D/(4|θ*|)`);
//! * `ntk(0) = k²(S + D)/2 ~ d^{2κ + m}`;
//! * `ω = a|k|√(4θ*² + k²SD) ~ d^{κ + max(0, κ + m)}`.

use crate::mechanism::Label;
use exactflow_core::Q;
use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};
use std::cmp::Ordering;
use std::fmt;

/// The five exponents of the width scaling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exponents {
    /// `σ_u² = d^{−α_u}`.
    pub alpha_u: Q,
    /// `σ_w² = d^{−α_w}`.
    pub alpha_w: Q,
    /// `η_u = d^{c_u}`.
    pub c_u: Q,
    /// `η_w = d^{c_w}`.
    pub c_w: Q,
    /// `γ = d^{−β}`.
    pub beta: Q,
}

/// A phase of the diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The initial output diverges with the width.
    Divergent,
    /// Lazy training: the needed change is small against the initialization.
    Kernel,
    /// The needed change and the initialization are of the same order.
    Critical,
    /// The needed change dominates: `z∞ → ∞` or `0`.
    Strong,
}

impl Phase {
    /// Name as printed.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Divergent => "divergent",
            Phase::Kernel => "kernel",
            Phase::Critical => "critical",
            Phase::Strong => "strong",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the diagram predicts for one point of exponent space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prediction {
    /// The phase.
    pub phase: Phase,
    /// The mechanism label expected at large width (`None` when the output diverges).
    pub label: Option<Label>,
    /// `x_u = 1 − α_u − c_u`.
    pub x_u: Q,
    /// `x_w = 1 − α_w − c_w`.
    pub x_w: Q,
    /// `m = max(x_u, x_w)`.
    pub m: Q,
    /// `κ = −β + (c_u + c_w)/2`.
    pub kappa: Q,
    /// Exponent of the initial output.
    pub output0: Q,
    /// `ρ = −κ − m`: exponent of `max(z∞, 1/z∞) − 1`.
    pub rho: Q,
    /// Exponent of `ntk(0)`: `2κ + m`.
    pub ntk0: Q,
    /// Exponent of `ω`: `κ + max(0, κ + m)`.
    pub omega: Q,
}

/// Classifies a point of exponent space; `k_theta_sign` is the sign of `γθ*` (it decides
/// alignment against disalignment for balanced layers).
pub fn predict(e: &Exponents, k_theta_sign: i32) -> Prediction {
    let one = Q::one();
    let two = Q::from_integer(BigInt::from(2));
    let x_u = &one - &e.alpha_u - &e.c_u;
    let x_w = &one - &e.alpha_w - &e.c_w;
    let m = if x_u >= x_w { x_u.clone() } else { x_w.clone() };
    let kappa = -&e.beta + (&e.c_u + &e.c_w) / &two;
    let output0 = &kappa + (&x_u + &x_w - &one) / &two;
    let rho = -&kappa - &m;
    let ntk0 = &two * &kappa + &m;
    let km = &kappa + &m;
    let omega = &kappa + if km.is_positive() { km } else { Q::zero() };
    let phase = if output0.is_positive() {
        Phase::Divergent
    } else {
        match rho.cmp(&Q::zero()) {
            Ordering::Less => Phase::Kernel,
            Ordering::Equal => Phase::Critical,
            Ordering::Greater => Phase::Strong,
        }
    };
    let label = match phase {
        Phase::Divergent => None,
        Phase::Kernel => Some(Label::Kernel),
        Phase::Critical | Phase::Strong => Some(match x_u.cmp(&x_w) {
            Ordering::Greater => Label::RescalingU,
            Ordering::Less => Label::RescalingW,
            Ordering::Equal if k_theta_sign >= 0 => Label::Alignment,
            Ordering::Equal => Label::Disalignment,
        }),
    };
    Prediction {
        phase,
        label,
        x_u,
        x_w,
        m,
        kappa,
        output0,
        rho,
        ntk0,
        omega,
    }
}

/// One of the five exponents (an axis of the diagram).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExponentName {
    /// `α_u`.
    AlphaU,
    /// `α_w`.
    AlphaW,
    /// `c_u`.
    CU,
    /// `c_w`.
    CW,
    /// `β`.
    Beta,
}

impl ExponentName {
    /// Every exponent, in documentation order.
    pub const ALL: [ExponentName; 5] = [
        ExponentName::AlphaU,
        ExponentName::AlphaW,
        ExponentName::CU,
        ExponentName::CW,
        ExponentName::Beta,
    ];

    /// The name as written on the command line (`alpha_u`, `c_w`, `beta`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ExponentName::AlphaU => "alpha_u",
            ExponentName::AlphaW => "alpha_w",
            ExponentName::CU => "c_u",
            ExponentName::CW => "c_w",
            ExponentName::Beta => "beta",
        }
    }

    /// Looks a name up.
    pub fn parse(name: &str) -> Option<ExponentName> {
        ExponentName::ALL
            .into_iter()
            .find(|e| e.name() == name.trim())
    }
}

impl Exponents {
    /// The standard (NTK) parametrization: `σ = 1` (`α = 0`), `η = 1` (`c = 0`),
    /// `γ = 1/√d` (`β = ½`) — the kernel phase.
    pub fn ntk() -> Exponents {
        Exponents {
            alpha_u: Q::zero(),
            alpha_w: Q::zero(),
            c_u: Q::zero(),
            c_w: Q::zero(),
            beta: Q::new(BigInt::one(), BigInt::from(2)),
        }
    }

    /// Sets one exponent.
    pub fn set(&mut self, name: ExponentName, v: Q) {
        match name {
            ExponentName::AlphaU => self.alpha_u = v,
            ExponentName::AlphaW => self.alpha_w = v,
            ExponentName::CU => self.c_u = v,
            ExponentName::CW => self.c_w = v,
            ExponentName::Beta => self.beta = v,
        }
    }
}

/// An axis of exponent space: exact values `LO + j(HI − LO)/(N − 1)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExponentAxis {
    /// The exponent varied.
    pub name: ExponentName,
    /// Its exact values.
    pub values: Vec<Q>,
}

/// Most points per exponent axis.
pub const MAX_EXPONENT_POINTS: usize = 2000;

impl ExponentAxis {
    /// Parses `NAME=LO..HI:N` (exact numbers: `1/3`, `0.5`); `N = 1` gives `LO`.
    ///
    /// # Errors
    /// A message naming what is wrong (the caller names the flag).
    pub fn parse(text: &str) -> Result<ExponentAxis, String> {
        let (name, range) = text
            .split_once('=')
            .ok_or_else(|| format!("{text:?}: expected NAME=LO..HI:N"))?;
        let name = ExponentName::parse(name).ok_or_else(|| {
            format!("{name:?} is not an exponent (alpha_u, alpha_w, c_u, c_w, beta)")
        })?;
        let (span, n) = range
            .rsplit_once(':')
            .ok_or_else(|| format!("{range:?}: expected LO..HI:N"))?;
        let (lo, hi) = span
            .split_once("..")
            .ok_or_else(|| format!("{span:?}: expected LO..HI"))?;
        let exact =
            |s: &str| exactflow_core::number::parse_exact(s).map_err(|e| format!("{s:?}: {e}"));
        let (lo, hi) = (exact(lo)?, exact(hi)?);
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("{n:?}: the number of points must be a positive integer"))?;
        if n == 0 || n > MAX_EXPONENT_POINTS {
            return Err(format!("{n} points: between 1 and {MAX_EXPONENT_POINTS}"));
        }
        let values = (0..n)
            .map(|j| {
                if n == 1 {
                    lo.clone()
                } else {
                    &lo + (&hi - &lo) * Q::new(BigInt::from(j), BigInt::from(n - 1))
                }
            })
            .collect();
        Ok(ExponentAxis { name, values })
    }
}

/// The diagram over two exponent axes (row-major, `y` outer), the other exponents taken
/// from `base`; exact at every point.
pub fn diagram(
    base: &Exponents,
    x: &ExponentAxis,
    y: &ExponentAxis,
    k_theta_sign: i32,
) -> Vec<Prediction> {
    let mut out = Vec::with_capacity(x.values.len() * y.values.len());
    for yv in &y.values {
        for xv in &x.values {
            let mut e = base.clone();
            e.set(y.name, yv.clone());
            e.set(x.name, xv.clone());
            out.push(predict(&e, k_theta_sign));
        }
    }
    out
}

/// `2^e` exactly, when `e` is an integer.
pub fn exact_pow2(e: &Q) -> Option<Q> {
    if !e.is_integer() {
        return None;
    }
    let n: i64 = e.to_integer().try_into().ok()?;
    if n.unsigned_abs() > 100_000 {
        return None;
    }
    let p = Q::from_integer(BigInt::one() << n.unsigned_abs());
    Some(if n >= 0 { p } else { p.recip() })
}

/// The scenario values at width `d = 2^n` for exponents `e`, exactly:
/// `(σ_u, σ_w, η_u, η_w, γ)`. `None` when a power is not an exact rational (`n·α/2`,
/// `n·c`, `n·β` must be integers).
pub fn values_at(e: &Exponents, n: u32) -> Option<(Q, Q, Q, Q, Q)> {
    let n = Q::from_integer(BigInt::from(n));
    let two = Q::from_integer(BigInt::from(2));
    Some((
        exact_pow2(&(-&n * &e.alpha_u / &two))?,
        exact_pow2(&(-&n * &e.alpha_w / &two))?,
        exact_pow2(&(&n * &e.c_u))?,
        exact_pow2(&(&n * &e.c_w))?,
        exact_pow2(&(-&n * &e.beta))?,
    ))
}

#[cfg(test)]
#[path = "tests/asymptotic.rs"]
mod tests;
