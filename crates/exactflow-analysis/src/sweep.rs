//! 2-D sweeps of the mechanism over two scenario parameters (`exactflow phase`).
//!
//! Each cell is analysed by [`crate::mechanism`] on `f64` moments, never through rational
//! arithmetic: a cell costs O(1). A seeded Gaussian initialization enters through the
//! sufficient statistics of its normals `g` (for `u₀`) and `h` (for `w₀`):
//! `|u₀|² = σ_u²|g|²`, `|w₀|² = σ_w²|h|²`, `u₀·w₀ = σ_uσ_w g·h` and the Gram determinant
//! `σ_u²σ_w²(|g|²|h|² − (g·h)²)`. They depend on the width only, so a sweep draws the pinned
//! stream once (for the largest width) and sums it once per distinct width (O(d) each, in
//! parallel) — σ axes cost nothing extra.
//!
//! Determinism: cells are computed in parallel (rayon) but collected in their fixed order
//! (rows of `y`, then `x` within a row), and each cell's arithmetic does not depend on
//! which thread runs it, so the output is the same bytes for any thread count.

use crate::mechanism::{analyse, Mechanism, Moments, Reduced, THRESHOLDS};
use exactflow_core::gaussian::standard_normals;
use exactflow_core::number::q_to_f64_nearest;
use exactflow_core::scenario::{Init, Tie, MAX_WIDTH};
use exactflow_core::Scenario;
use rayon::prelude::*;
use std::fmt;
use thiserror::Error;

/// Largest number of values on one axis.
pub const MAX_AXIS_POINTS: usize = 100_000;
/// Largest number of cells of one sweep.
pub const MAX_CELLS: usize = 10_000_000;

/// A scenario field a sweep can vary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// Width `d` of the Gaussian initialization.
    Width,
    /// σ_u.
    SigmaU,
    /// σ_w.
    SigmaW,
    /// η_u.
    EtaU,
    /// η_w.
    EtaW,
    /// γ.
    Gamma,
    /// `E[x²]`.
    Exx,
    /// `E[xy]`.
    Exy,
}

impl Param {
    /// Every parameter, in docs/cli.md order.
    pub const ALL: [Param; 8] = [
        Param::Width,
        Param::SigmaU,
        Param::SigmaW,
        Param::EtaU,
        Param::EtaW,
        Param::Gamma,
        Param::Exx,
        Param::Exy,
    ];

    /// The name used on the command line and in `phase.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Param::Width => "width",
            Param::SigmaU => "sigma_u",
            Param::SigmaW => "sigma_w",
            Param::EtaU => "eta_u",
            Param::EtaW => "eta_w",
            Param::Gamma => "gamma",
            Param::Exx => "exx",
            Param::Exy => "exy",
        }
    }

    /// Parses a name (`sigma-u` is accepted for `sigma_u`, and so on).
    pub fn parse(s: &str) -> Option<Param> {
        let s = s.trim().replace('-', "_");
        Param::ALL.into_iter().find(|p| p.name() == s)
    }

    fn check(self, v: f64) -> Result<(), String> {
        let ok = match self {
            Param::Width => (1.0..=MAX_WIDTH as f64).contains(&v),
            Param::SigmaU | Param::SigmaW => v >= 0.0,
            Param::EtaU | Param::EtaW | Param::Exx => v > 0.0,
            Param::Gamma => v != 0.0,
            Param::Exy => true,
        } && v.is_finite();
        if ok {
            Ok(())
        } else {
            let domain = match self {
                Param::Width => format!("an integer from 1 to {MAX_WIDTH}"),
                Param::SigmaU | Param::SigmaW => ">= 0".into(),
                Param::EtaU | Param::EtaW | Param::Exx => "> 0".into(),
                Param::Gamma => "nonzero".into(),
                Param::Exy => "finite".into(),
            };
            Err(format!("{} must be {domain}, got {v:e}", self.name()))
        }
    }
}

/// `text` quoted, shortened past 40 characters (its first 32 and its length).
fn short(text: &str) -> String {
    if text.chars().count() <= 40 {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(32).collect();
        format!("{head:?}… ({} characters)", text.chars().count())
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which axis of a sweep (the shells name it: the CLI `--x`/`--y`, Python `x=`/`y=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AxisId {
    /// The first (horizontal) axis.
    X,
    /// The second (vertical) axis.
    Y,
}

impl fmt::Display for AxisId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AxisId::X => "x",
            AxisId::Y => "y",
        })
    }
}

/// Why a sweep cannot run, naming the axis it is about.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SweepError {
    /// A malformed or out-of-domain axis.
    #[error("axis {axis}: {message}")]
    Axis {
        /// The axis.
        axis: AxisId,
        /// What is wrong.
        message: String,
    },
}

fn axis_err(axis: AxisId, message: impl Into<String>) -> SweepError {
    SweepError::Axis {
        axis,
        message: message.into(),
    }
}

/// One axis of a sweep. Its text form `PARAM=LO..HI[:log]:N` is the axis grammar both shells
/// accept (the CLI's `--x`/`--y`, Python's `phase(x=..., y=...)`), documented in docs/cli.md.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The parameter.
    pub param: Param,
    /// Geometric spacing.
    pub log: bool,
    /// The values, in order (widths rounded to integers).
    pub values: Vec<f64>,
}

impl Axis {
    /// Parses `PARAM=LO..HI[:log]:N` for `axis` (named in errors). `N = 1` gives `LO`.
    /// Linear values are `LO + j(HI − LO)/(N − 1)`, geometric ones
    /// `LO·(HI/LO)^(j/(N − 1))` (with the pure-Rust `libm`, the same bits everywhere);
    /// widths are rounded to the nearest integer.
    ///
    /// # Errors
    /// [`SweepError::Axis`] naming the axis: syntax, unknown parameter, `N` outside
    /// `1..=`[`MAX_AXIS_POINTS`], a log axis not strictly positive, a value outside the
    /// parameter's domain.
    pub fn parse(axis: AxisId, text: &str) -> Result<Axis, SweepError> {
        let syntax = || {
            axis_err(
                axis,
                format!("expected PARAM=LO..HI[:log]:N (for example sigma_u=1e-4..1:log:16), got {text:?}"),
            )
        };
        let (name, range) = text.split_once('=').ok_or_else(syntax)?;
        let param = Param::parse(name).ok_or_else(|| {
            axis_err(
                axis,
                format!(
                    "unknown parameter {name:?} (known: width, sigma_u, sigma_w, eta_u, eta_w, gamma, exx, exy)"
                ),
            )
        })?;
        let parts: Vec<&str> = range.split(':').collect();
        let (span, log, n) = match parts.as_slice() {
            [span, n] => (*span, false, *n),
            [span, "log", n] => (*span, true, *n),
            _ => return Err(syntax()),
        };
        let (lo, hi) = span.split_once("..").ok_or_else(syntax)?;
        let num = |s: &str, what: &str| -> Result<f64, SweepError> {
            let q = exactflow_core::number::parse_exact(s)
                .map_err(|e| axis_err(axis, format!("{what}: {e}")))?;
            let x = q_to_f64_nearest(&q);
            // The sweep runs in f64: a finite value it cannot hold is refused as such,
            // not reported as the 0, inf or NaN it would become.
            if !x.is_finite() || (x == 0.0 && !num_traits::Zero::is_zero(&q)) {
                return Err(axis_err(
                    axis,
                    format!(
                        "{what} = {} is beyond the f64 range the sweep runs in",
                        short(s.trim())
                    ),
                ));
            }
            Ok(x)
        };
        let lo = num(lo, "LO")?;
        let hi = num(hi, "HI")?;
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| axis_err(axis, format!("N must be a positive integer, got {n:?}")))?;
        if n == 0 || n > MAX_AXIS_POINTS {
            return Err(axis_err(
                axis,
                format!("N must be between 1 and {MAX_AXIS_POINTS}, got {n}"),
            ));
        }
        if log && !(lo > 0.0 && hi > 0.0) {
            return Err(axis_err(
                axis,
                format!("a log axis needs LO > 0 and HI > 0, got {lo:e}..{hi:e}"),
            ));
        }
        let values: Vec<f64> = (0..n)
            .map(|j| {
                let f = if n == 1 {
                    0.0
                } else {
                    j as f64 / (n - 1) as f64
                };
                let v = if j + 1 == n && n > 1 {
                    hi
                } else if log {
                    lo * libm::pow(hi / lo, f)
                } else {
                    lo + f * (hi - lo)
                };
                if param == Param::Width {
                    v.round()
                } else {
                    v
                }
            })
            .collect();
        for v in &values {
            param.check(*v).map_err(|m| axis_err(axis, m))?;
        }
        Ok(Axis { param, log, values })
    }
}

/// The scenario's values as `f64`, and its initialization's sufficient statistics.
#[derive(Debug, Clone)]
struct Base {
    gamma: f64,
    eta_u: f64,
    eta_w: f64,
    exx: f64,
    exy: f64,
    init: BaseInit,
}

#[derive(Debug, Clone)]
enum BaseInit {
    /// Explicit weights: the exact sums, rounded once.
    Explicit {
        uu: f64,
        ww: f64,
        uw: f64,
        gram: f64,
    },
    Gaussian {
        width: usize,
        sigma_u: f64,
        sigma_w: f64,
        seed: u64,
        tie: Tie,
    },
}

/// Sufficient statistics of the normals at one width: `|g|², |h|², g·h` and
/// `|g|²|h|² − (g·h)²` (exactly 0 for tied layers).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormalStats {
    /// `|g|²`.
    pub gg: f64,
    /// `|h|²`.
    pub hh: f64,
    /// `g·h`.
    pub gh: f64,
    /// `|g|²|h|² − (g·h)²`.
    pub gram: f64,
}

/// Compensated (Neumaier) sum of `f(i)` for `i < n`.
fn sum(n: usize, f: impl Fn(usize) -> f64) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for i in 0..n {
        let x = f(i);
        let t = s + x;
        if s.abs() >= x.abs() {
            c += (s - t) + x;
        } else {
            c += (x - t) + s;
        }
        s = t;
    }
    s + c
}

/// The statistics of the pinned stream `z` (drawn for the largest width) at width `d`.
fn stats_at(z: &[f64], d: usize, tie: Tie) -> NormalStats {
    match tie {
        Tie::None => {
            let (g, h) = (&z[..d], &z[d..2 * d]);
            let gg = sum(d, |i| g[i] * g[i]);
            let hh = sum(d, |i| h[i] * h[i]);
            let gh = sum(d, |i| g[i] * h[i]);
            NormalStats {
                gg,
                hh,
                gh,
                gram: (gg * hh - gh * gh).max(0.0),
            }
        }
        Tie::Equal | Tie::Opposite => {
            let gg = sum(d, |i| z[i] * z[i]);
            let gh = if tie == Tie::Equal { gg } else { -gg };
            NormalStats {
                gg,
                hh: gg,
                gh,
                gram: 0.0,
            }
        }
    }
}

/// Sufficient statistics of a seeded Gaussian initialization at each width (in the given
/// order; parallel over widths).
pub fn normal_stats(seed: u64, tie: Tie, widths: &[usize]) -> Vec<NormalStats> {
    let dmax = widths.iter().copied().max().unwrap_or(0);
    let n = if tie == Tie::None { 2 * dmax } else { dmax };
    let z = standard_normals(seed, n);
    widths.par_iter().map(|&d| stats_at(&z, d, tie)).collect()
}

/// One cell of a sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// The `x` parameter's value.
    pub x: f64,
    /// The `y` parameter's value.
    pub y: f64,
    /// Quantities and label.
    pub mechanism: Mechanism,
}

/// A prepared sweep: axes, base scenario and the initialization's statistics.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The horizontal axis.
    pub x: Axis,
    /// The vertical axis.
    pub y: Axis,
    base: Base,
    /// Statistics per width index (`x` values if `x` is the width, `y` values if `y` is,
    /// else the single base width).
    stats: Vec<NormalStats>,
}

impl Sweep {
    /// Prepares a sweep of `scenario` over the two axes (the statistics of a Gaussian
    /// initialization are computed here).
    ///
    /// # Errors
    /// [`SweepError::Axis`]: both axes name the same parameter; a width or σ axis with an
    /// explicit initialization.
    pub fn new(scenario: &Scenario, x: Axis, y: Axis) -> Result<Sweep, SweepError> {
        if x.param == y.param {
            return Err(axis_err(
                AxisId::Y,
                format!(
                    "both axes sweep {}; choose two different parameters",
                    x.param
                ),
            ));
        }
        let init = match &scenario.init {
            Init::Explicit { .. } => {
                for (id, a) in [(AxisId::X, &x), (AxisId::Y, &y)] {
                    if matches!(a.param, Param::Width | Param::SigmaU | Param::SigmaW) {
                        return Err(axis_err(
                            id,
                            format!("a {} sweep needs a gaussian initialization, the scenario has explicit u0/w0", a.param),
                        ));
                    }
                }
                let red = scenario.reduction();
                let (uu, ww, uw) = scenario.initial_sums();
                BaseInit::Explicit {
                    uu: q_to_f64_nearest(&uu),
                    ww: q_to_f64_nearest(&ww),
                    uw: q_to_f64_nearest(&uw),
                    gram: q_to_f64_nearest(&(&red.gram * &red.eta_prod)),
                }
            }
            Init::Gaussian(g) => BaseInit::Gaussian {
                width: g.width,
                sigma_u: q_to_f64_nearest(&g.sigma_u),
                sigma_w: q_to_f64_nearest(&g.sigma_w),
                seed: g.seed,
                tie: g.tie,
            },
        };
        let base = Base {
            gamma: q_to_f64_nearest(&scenario.gamma),
            eta_u: q_to_f64_nearest(&scenario.eta_u),
            eta_w: q_to_f64_nearest(&scenario.eta_w),
            exx: q_to_f64_nearest(&scenario.exx),
            exy: q_to_f64_nearest(&scenario.exy),
            init,
        };
        let stats = match &base.init {
            BaseInit::Explicit { .. } => Vec::new(),
            BaseInit::Gaussian {
                width, seed, tie, ..
            } => {
                let widths: Vec<usize> = if x.param == Param::Width {
                    x.values.iter().map(|v| *v as usize).collect()
                } else if y.param == Param::Width {
                    y.values.iter().map(|v| *v as usize).collect()
                } else {
                    vec![*width]
                };
                normal_stats(*seed, *tie, &widths)
            }
        };
        Ok(Sweep { x, y, base, stats })
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.x.values.len() * self.y.values.len()
    }

    /// Whether the sweep has no cells (never: axes have at least one value).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell at column `i` (x), row `j` (y).
    pub fn cell(&self, i: usize, j: usize) -> Cell {
        let (xv, yv) = (self.x.values[i], self.y.values[j]);
        let b = &self.base;
        let (mut gamma, mut eta_u, mut eta_w, mut exx, mut exy) =
            (b.gamma, b.eta_u, b.eta_w, b.exx, b.exy);
        let (mut su, mut sw) = match b.init {
            BaseInit::Gaussian {
                sigma_u, sigma_w, ..
            } => (sigma_u, sigma_w),
            BaseInit::Explicit { .. } => (1.0, 1.0),
        };
        let mut width_index = 0;
        for (p, v, idx) in [(self.x.param, xv, i), (self.y.param, yv, j)] {
            match p {
                Param::Width => width_index = idx,
                Param::SigmaU => su = v,
                Param::SigmaW => sw = v,
                Param::EtaU => eta_u = v,
                Param::EtaW => eta_w = v,
                Param::Gamma => gamma = v,
                Param::Exx => exx = v,
                Param::Exy => exy = v,
            }
        }
        let (uu, ww, uw, gram) = match b.init {
            BaseInit::Explicit { uu, ww, uw, gram } => (uu, ww, uw, gram),
            BaseInit::Gaussian { .. } => {
                let st = self.stats[width_index.min(self.stats.len().saturating_sub(1))];
                (
                    su * su * st.gg,
                    sw * sw * st.hh,
                    su * sw * st.gh,
                    (su * su) * (sw * sw) * st.gram,
                )
            }
        };
        let mo = Moments {
            gamma,
            eta_u,
            eta_w,
            exx,
            exy,
            uu,
            ww,
            uw,
            gram,
        };
        Cell {
            x: xv,
            y: yv,
            mechanism: analyse(&Reduced::from_moments(&mo), &THRESHOLDS),
        }
    }

    /// Every cell, row by row (`y` outer, `x` inner), computed in parallel;
    /// `progress(rows_done)` is called after each row (from any thread).
    pub fn run(&self, progress: &(dyn Fn(u64) + Sync)) -> Vec<Cell> {
        let nx = self.x.values.len();
        let rows: Vec<Vec<Cell>> = (0..self.y.values.len())
            .into_par_iter()
            .map(|j| {
                let row: Vec<Cell> = (0..nx).map(|i| self.cell(i, j)).collect();
                progress(1);
                row
            })
            .collect();
        rows.into_iter().flatten().collect()
    }
}

#[cfg(test)]
#[path = "tests/sweep.rs"]
mod tests;
