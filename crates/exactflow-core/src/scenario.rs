//! The scenario: model, data moments and initialization, held exactly.
//!
//! A scenario is assembled in layers — a preset, then a TOML file, then command-line
//! flags, each overriding the one before field by field — as a [`ScenarioSpec`] of
//! optional exact values ([`spec`]), read from TOML by [`toml`], and then validated into a
//! [`Scenario`]. Validation errors name the field as a typed [`FieldPath`]
//! (`model.eta_u`, `init.u0[3]`) the way the scenario file spells it ([`error`]);
//! [`canonical`] gives the exact problem one text and one fingerprint.

pub mod canonical;
pub mod error;
pub mod spec;
pub mod toml;

pub use error::{Field, FieldPath, ScenarioError};
pub use spec::{InitSpec, ScenarioSpec};
pub use toml::{parse_toml, read_toml_file};

use crate::gaussian::{exact_dot, standard_normals};
use crate::number::{f64_to_q_exact, Q};
use crate::reduction::ExactReduction;

/// Largest accepted width (explicit or Gaussian).
pub const MAX_WIDTH: u64 = 1_000_000;

/// How the two layers of a Gaussian initialization are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tie {
    /// Independent draws for `u₀` and `w₀` (the default).
    #[default]
    None,
    /// `w₀ = (σ_w/σ_u)·u₀`... exactly: `w₀ᵢ = σ_w gᵢ` with the *same* normals as `u₀`.
    Equal,
    /// `w₀ᵢ = −σ_w gᵢ` with the same normals as `u₀`.
    Opposite,
}

impl Tie {
    /// The tie named `s` (`none`, `equal`, `opposite`).
    pub fn parse(s: &str) -> Option<Tie> {
        match s {
            "none" => Some(Tie::None),
            "equal" => Some(Tie::Equal),
            "opposite" => Some(Tie::Opposite),
            _ => None,
        }
    }
    /// The name of the tie as the scenario file spells it.
    pub fn name(self) -> &'static str {
        match self {
            Tie::None => "none",
            Tie::Equal => "equal",
            Tie::Opposite => "opposite",
        }
    }
}

/// Kind of initialization requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitKind {
    /// Explicit `u0`, `w0`.
    Explicit,
    /// Seeded Gaussian.
    Gaussian,
}

/// A seeded Gaussian initialization (see [`crate::gaussian`] for the pinned stream).
#[derive(Debug, Clone, PartialEq)]
pub struct GaussianInit {
    /// Width `d`.
    pub width: usize,
    /// Standard deviation of the entries of `u₀`.
    pub sigma_u: Q,
    /// Standard deviation of the entries of `w₀`.
    pub sigma_w: Q,
    /// Seed.
    pub seed: u64,
    /// Tie between the layers.
    pub tie: Tie,
}

impl GaussianInit {
    /// The standard normals behind `u₀` and `w₀` (`u₀ = σ_u g`, `w₀ = σ_w h`).
    pub fn normals(&self) -> (Vec<f64>, Vec<f64>) {
        let d = self.width;
        match self.tie {
            Tie::None => {
                let mut g = standard_normals(self.seed, 2 * d);
                let h = g.split_off(d);
                (g, h)
            }
            Tie::Equal => {
                let g = standard_normals(self.seed, d);
                (g.clone(), g)
            }
            Tie::Opposite => {
                let g = standard_normals(self.seed, d);
                let h = g.iter().map(|x| -x).collect();
                (g, h)
            }
        }
    }
}

/// A validated initialization.
#[derive(Debug, Clone, PartialEq)]
pub enum Init {
    /// Explicit weights.
    Explicit {
        /// Output layer.
        u0: Vec<Q>,
        /// Hidden layer.
        w0: Vec<Q>,
    },
    /// Seeded Gaussian.
    Gaussian(GaussianInit),
}

/// A validated scenario; every number exact.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name for reports.
    pub name: Option<String>,
    /// Output scale γ ≠ 0.
    pub gamma: Q,
    /// Learning rate of `u`, > 0.
    pub eta_u: Q,
    /// Learning rate of `w`, > 0.
    pub eta_w: Q,
    /// `E[x²] > 0`.
    pub exx: Q,
    /// `E[xy]`.
    pub exy: Q,
    /// `E[y²] ≥ exy²/exx`.
    pub eyy: Q,
    /// Initialization.
    pub init: Init,
}

impl Scenario {
    /// Width `d`.
    pub fn width(&self) -> usize {
        match &self.init {
            Init::Explicit { u0, .. } => u0.len(),
            Init::Gaussian(g) => g.width,
        }
    }

    /// The initial weights, exactly.
    pub fn initial_weights(&self) -> (Vec<Q>, Vec<Q>) {
        match &self.init {
            Init::Explicit { u0, w0 } => (u0.clone(), w0.clone()),
            Init::Gaussian(g) => {
                let (gu, gw) = g.normals();
                let scale = |v: &[f64], s: &Q| -> Vec<Q> {
                    v.iter()
                        .map(|x| f64_to_q_exact(*x).expect("the pinned normals are finite") * s)
                        .collect()
                };
                (scale(&gu, &g.sigma_u), scale(&gw, &g.sigma_w))
            }
        }
    }

    /// `(|u₀|², |w₀|², u₀·w₀)`, exactly ([`crate::sums`]: binary splitting in GMP for
    /// explicit weights, a shift-and-add of the dyadic normals for a Gaussian draw).
    pub fn initial_sums(&self) -> (Q, Q, Q) {
        match &self.init {
            Init::Explicit { u0, w0 } => crate::sums::exact_sums(u0, w0),
            Init::Gaussian(g) => {
                let (gu, gw) = g.normals();
                let su = &g.sigma_u;
                let sw = &g.sigma_w;
                (
                    exact_dot(&gu, &gu) * su * su,
                    exact_dot(&gw, &gw) * sw * sw,
                    exact_dot(&gu, &gw) * su * sw,
                )
            }
        }
    }

    /// The exact reduction of docs/model.md §3.
    pub fn reduction(&self) -> ExactReduction {
        let (uu, ww, uw) = self.initial_sums();
        ExactReduction::new(
            &self.gamma,
            &self.eta_u,
            &self.eta_w,
            &self.exx,
            &self.exy,
            &self.eyy,
            &uu,
            &ww,
            &uw,
        )
    }
}

#[cfg(test)]
#[path = "tests/scenario.rs"]
mod tests;
