//! exactflow-mp: the closed form of docs/model.md at any precision, with certified bounds.
//!
//! The mathematics is [`exactflow_core::closed_form`], the same code the `f64` engine
//! runs, instantiated at [`ball::Ball`] — MPFR midpoint–radius balls whose every
//! operation encloses the exact result. So each value comes with a bound that proves it:
//! the ball contains the exact value of the closed form at the exact (rational) time.
//! What is certified is the *evaluation* of the closed form; the closed form itself is
//! checked against docs/model.md's literal formulas and an independent integration of the
//! raw flow by the test suite.
//!
//! [`MpSolution::eval_certified`] raises the working precision until every value's
//! radius is below half a unit in the last of the requested decimal digits, so that the
//! printed digits are correct to one unit in the last place.
//!
//! Layout: [`ball`] and [`mag`] (the arithmetic), `decay` (the decay factors
//! `e^{−ωt}` of many time points: grids, power tables, a short series), `certified`
//! (evaluation at a precision and the adaptive certified evaluation), `format` (decimal
//! text of balls and of their error bounds).

pub mod ball;
mod certified;
mod decay;
pub mod exponent;
mod format;
pub mod mag;

use exactflow_core::ExactReduction;

pub use certified::{Certified, Uncertain, UncertifiedCell, MAX_GUARD_BITS, MIN_EXP2};
pub use decay::{DYADIC_MAX_PREC, DYADIC_MIN_PREC, REANCHOR};
pub use format::{error_bound, format_err, format_float, format_mid, format_up};

/// Smallest and largest `--digits` the engine accepts.
pub const MIN_DIGITS: u32 = 10;
/// See [`MIN_DIGITS`].
pub const MAX_DIGITS: u32 = 100_000;

/// A scenario's closed form, ready to evaluate in balls.
#[derive(Debug, Clone)]
pub struct MpSolution {
    red: ExactReduction,
}

impl MpSolution {
    /// From the exact reduction.
    pub fn new(red: ExactReduction) -> Self {
        MpSolution { red }
    }
}

#[cfg(test)]
#[path = "tests/mp.rs"]
mod tests;

#[cfg(test)]
#[path = "tests/containment.rs"]
mod containment;
