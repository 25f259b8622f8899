//! The trajectory schema: column names, their order and their definitions (docs/cli.md).
//!
//! Every engine and every output format takes its column names from here.

use crate::closed_form::Observables;
use thiserror::Error;

/// One column of a trajectory table, in schema order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// Time `t` (for GD simulations: the step number).
    T,
    /// `z(t) = e^{−2Φ(t)}`, the scalar the dynamics reduces to (docs/model.md §3).
    Z,
    /// `γ u·w`, the network's slope.
    Slope,
    /// `slope − θ*`.
    Residual,
    /// `½ a e² + L*`.
    Loss,
    /// `γ²(η_u|w|² + η_w|u|²)`, the neural tangent kernel.
    Ntk,
    /// `cos∠(u, w)`.
    Alignment,
    /// `|u|`.
    NormU,
    /// `|w|`.
    NormW,
}

/// An unknown column name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "unknown column {name:?} (known: t, z, slope, residual, loss, ntk, alignment, norm_u, norm_w)"
)]
pub struct UnknownColumn {
    /// The name given.
    pub name: String,
}

impl Column {
    /// Every column, in schema order.
    pub const ALL: [Column; 9] = [
        Column::T,
        Column::Z,
        Column::Slope,
        Column::Residual,
        Column::Loss,
        Column::Ntk,
        Column::Alignment,
        Column::NormU,
        Column::NormW,
    ];

    /// The value columns (every column but `t`).
    pub const VALUES: [Column; 8] = [
        Column::Z,
        Column::Slope,
        Column::Residual,
        Column::Loss,
        Column::Ntk,
        Column::Alignment,
        Column::NormU,
        Column::NormW,
    ];

    /// The column's name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Column::T => "t",
            Column::Z => "z",
            Column::Slope => "slope",
            Column::Residual => "residual",
            Column::Loss => "loss",
            Column::Ntk => "ntk",
            Column::Alignment => "alignment",
            Column::NormU => "norm_u",
            Column::NormW => "norm_w",
        }
    }

    /// One-line definition (for `--help` and metadata).
    pub fn definition(self) -> &'static str {
        match self {
            Column::T => "time (GD: step number)",
            Column::Z => "z = exp(-2 a k ∫e dt), the reduced scalar",
            Column::Slope => "gamma u.w",
            Column::Residual => "slope - theta*, theta* = E[xy]/E[x^2]",
            Column::Loss => "a e^2/2 + L*",
            Column::Ntk => "gamma^2 (eta_u |w|^2 + eta_w |u|^2)",
            Column::Alignment => "cos angle(u, w); nan when u or w is zero",
            Column::NormU => "|u|",
            Column::NormW => "|w|",
        }
    }

    /// Looks a column up by name.
    ///
    /// # Errors
    /// [`UnknownColumn`] when the name is not in the schema.
    pub fn parse(name: &str) -> Result<Column, UnknownColumn> {
        Column::ALL
            .into_iter()
            .find(|c| c.name() == name.trim())
            .ok_or_else(|| UnknownColumn {
                name: name.to_string(),
            })
    }

    /// Parses a comma-separated list; `t` is always first in the result, and the rest
    /// keep schema order without repeats.
    ///
    /// # Errors
    /// [`UnknownColumn`] for the first unknown name.
    pub fn parse_list(list: &str) -> Result<Vec<Column>, UnknownColumn> {
        let mut chosen = vec![Column::T];
        for name in list.split(',').filter(|s| !s.trim().is_empty()) {
            let c = Column::parse(name)?;
            if !chosen.contains(&c) {
                chosen.push(c);
            }
        }
        chosen.sort();
        Ok(chosen)
    }
}

impl<R> Observables<R> {
    /// Builds the observables column by column ([`Column::VALUES`] order).
    pub fn from_fn(mut f: impl FnMut(Column) -> R) -> Self {
        Observables {
            z: f(Column::Z),
            slope: f(Column::Slope),
            residual: f(Column::Residual),
            loss: f(Column::Loss),
            ntk: f(Column::Ntk),
            alignment: f(Column::Alignment),
            norm_u: f(Column::NormU),
            norm_w: f(Column::NormW),
        }
    }

    /// Applies `f` to every value.
    pub fn map<S>(&self, f: impl Fn(&R) -> S) -> Observables<S> {
        Observables {
            z: f(&self.z),
            slope: f(&self.slope),
            residual: f(&self.residual),
            loss: f(&self.loss),
            ntk: f(&self.ntk),
            alignment: f(&self.alignment),
            norm_u: f(&self.norm_u),
            norm_w: f(&self.norm_w),
        }
    }

    /// The values in [`Column::VALUES`] order.
    pub fn to_array(&self) -> [&R; 8] {
        [
            &self.z,
            &self.slope,
            &self.residual,
            &self.loss,
            &self.ntk,
            &self.alignment,
            &self.norm_u,
            &self.norm_w,
        ]
    }
}

impl<R: Clone> Observables<R> {
    /// The value of a value column (`None` for [`Column::T`]).
    pub fn get(&self, c: Column) -> Option<&R> {
        Some(match c {
            Column::T => return None,
            Column::Z => &self.z,
            Column::Slope => &self.slope,
            Column::Residual => &self.residual,
            Column::Loss => &self.loss,
            Column::Ntk => &self.ntk,
            Column::Alignment => &self.alignment,
            Column::NormU => &self.norm_u,
            Column::NormW => &self.norm_w,
        })
    }

    /// The value of a value column, mutably (`None` for [`Column::T`]).
    pub fn get_mut(&mut self, c: Column) -> Option<&mut R> {
        Some(match c {
            Column::T => return None,
            Column::Z => &mut self.z,
            Column::Slope => &mut self.slope,
            Column::Residual => &mut self.residual,
            Column::Loss => &mut self.loss,
            Column::Ntk => &mut self.ntk,
            Column::Alignment => &mut self.alignment,
            Column::NormU => &mut self.norm_u,
            Column::NormW => &mut self.norm_w,
        })
    }
}

#[cfg(test)]
#[path = "tests/observables.rs"]
mod tests;
