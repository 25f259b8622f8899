//! exactflow-rational: the exact checker. Every claim of docs/model.md that exact arithmetic
//! can decide is decided here — confirmed, or shown to fail with the exact discrepancy.
//!
//! * [`field`], [`quad`] — exact ordered fields as context objects: ℚ and one generic
//!   quadratic extension [`quad::Quad`], used twice for the tower
//!   `K₁ = ℚ(√(η_uη_w))`, `K₂ = K₁(√(B² + 4AC))` (docs/model.md §8); dual numbers for exact
//!   Jacobian–vector products;
//! * [`interval`] — rigorous rational enclosures and correctly rounded decimals of tower
//!   elements (no floating point anywhere in this crate);
//! * [`poly`] — univariate polynomials over any ring, sparse multivariate polynomials over
//!   ℚ, fractions with a derivation;
//! * [`model`] — the scenario's constants as elements of `K₁`;
//! * [`invariants`] (§3, §6), [`gd`] (§6), [`fixed`] (§7), [`limits`] (§4–§5),
//!   [`riccati`] (§3–§4), [`chain`] (§5) — the checks, each taking the claim it checks as a
//!   parameter, so the test suite can show that each rejects wrong claims;
//! * [`report`] — all checks of a scenario, in order ([`check_scenario`]).
//!
//! Architecture invariant: this crate never touches `f64` (Gaussian initial weights arrive
//! as exact dyadic rationals from `exactflow-core`), knows no command line and no output
//! format; it returns typed results.

#![warn(missing_docs)]

pub mod chain;
pub mod field;
pub mod fixed;
pub mod gd;
pub mod interval;
pub mod intvec;
pub mod invariants;
pub mod limits;
pub mod model;
pub mod poly;
pub mod quad;
pub mod report;
pub mod riccati;

pub use report::{check_scenario, check_with, CheckOptions, CheckResult, Claims, Report};

use thiserror::Error;

/// Why a check run could not be carried out (as opposed to a check that failed, which is
/// a [`CheckResult`] with `passed = false`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckError {
    /// The point's two layers have different lengths (or are empty).
    #[error(
        "the point has {0} entries in u and {1} in w: they must have the same, non-zero length"
    )]
    PointLengths(usize, usize),
    /// More GD steps than [`report::MAX_GD_STEPS`].
    #[error("{0} GD steps requested; at most {max} (rational sizes grow threefold per step)", max = report::MAX_GD_STEPS)]
    TooManyGdSteps(usize),
    /// An exact-arithmetic failure (division by zero, negative radicand): a bug or an
    /// invalid scenario, reported rather than panicking.
    #[error(transparent)]
    Field(#[from] field::FieldError),
}

#[cfg(test)]
#[path = "tests/field.rs"]
mod tests_field;

#[cfg(test)]
#[path = "tests/checks.rs"]
mod tests_checks;
