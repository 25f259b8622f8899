//! Whether a computed row may be printed: a value that over- or underflowed its number
//! type (infinite, NaN, subnormal, or zero where the true value is not) is refused,
//! naming the column, instead of being printed as if it were the value.
//!
//! Which values are *exactly* zero (or NaN, for the alignment of a zero vector) is decided
//! on the scenario's exact rationals ([`ExactFacts`]), never by trusting a computed zero.

use crate::error::SimError;
use exactflow_core::number::Q;
use exactflow_core::{Column, Observables};
use num_traits::Zero;

pub use exactflow_core::facts::ExactFacts;

/// What is wrong with a computed `f64` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Infinite or NaN: an intermediate quantity overflowed.
    NotFinite,
    /// Zero where the true value is not: it underflowed.
    Underflow,
    /// Below the normal range: its digits are gone.
    Subnormal,
}

impl Problem {
    fn words(self) -> &'static str {
        match self {
            Problem::NotFinite => "is not finite (an intermediate quantity left the f64 range)",
            Problem::Underflow => "is zero, the true value is not (it underflowed)",
            Problem::Subnormal => "is below f64's normal range (it lost its digits)",
        }
    }
}

/// The first value of an `f64` row that may not be printed: not finite, subnormal, or
/// zero where [`ExactFacts::exactly_zero`] does not say so (the alignment may be NaN for
/// a zero vector).
pub fn first_bad(
    facts: &ExactFacts,
    t: &Q,
    o: &Observables<f64>,
) -> Option<(Column, f64, Problem)> {
    let at_start = t.is_zero();
    for col in Column::VALUES {
        let v = *o.get(col).expect("a value column");
        if col == Column::Alignment && facts.alignment_undefined(at_start) {
            continue;
        }
        let problem = if !v.is_finite() {
            Problem::NotFinite
        } else if v == 0.0 {
            if facts.exactly_zero(col, at_start) {
                continue;
            }
            Problem::Underflow
        } else if v.abs() < f64::MIN_POSITIVE {
            Problem::Subnormal
        } else {
            continue;
        };
        return Some((col, v, problem));
    }
    None
}

/// The refusal of a value `f64` cannot carry; `instead` says what can.
pub fn refusal(col: Column, t: &Q, v: f64, problem: Problem, instead: &str) -> SimError {
    SimError::NotRepresentable {
        column: col,
        t: crate::error::short(&t.to_string()),
        why: format!("the f64 value {v:e} {}; {instead}", problem.words()),
    }
}
