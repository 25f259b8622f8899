//! exactflow-num: the one home of exactflow's number conversions.
//!
//! Every crate that turns text into exact numbers, exact numbers into floating point (of
//! any precision) or back, or exact numbers into decimal text does it here, once:
//!
//! * [`decimal`] — decimal text → exact: the one grammar ([`decimal::scan_decimal`]) and
//!   [`decimal::parse_exact`] (decimals and ratios `p/q`, exactly: `0.1` is 1/10);
//! * [`float`] — ℚ ↔ `f64`: correctly rounded `Q → f64` and `√Q → f64` (with the `f64`
//!   exponent range, or unbounded as mantissa and exponent), the exact `f64 → Q`, and the
//!   one decomposition of a double into its bits;
//! * [`format`](mod@format) — exact → decimal text (rationals and the exact value of a double, rounded
//!   to nearest or upward);
//! * `mpfr` (feature `mpfr`) — ℚ ↔ MPFR (`rug`): exact `Q → rug::Rational`, `Q → Float`
//!   rounded in a stated direction, the exact `Float → Q`, and the one decimal-digits →
//!   bits formula;
//! * `mpfr_digits` (feature `mpfr`) — MPFR → decimal digits rounded to nearest, the
//!   digits of `mpfr_get_str` by a faster exact route for long mantissas.
//!
//! Names say what is exact: `*_exact` conversions lose nothing, `*_nearest` round to
//! nearest (ties to even), `*_round` round in the direction given (as num-rational's
//! `from_float`, exact, and `approximate_float`, not).
//!
//! Dependency order: this crate depends on no other exactflow crate; `exactflow-core`
//! re-exports it as `exactflow_core::number`, and `exactflow-tables` (which does not
//! depend on core) reads table cells with [`decimal::scan_decimal`]. `rug` is behind the
//! `mpfr` feature so that core and the table reader do not link GMP/MPFR.

#![warn(missing_docs)]

pub mod decimal;
pub mod float;
pub mod format;
#[cfg(feature = "mpfr")]
pub mod mpfr;
#[cfg(feature = "mpfr")]
pub mod mpfr_digits;

/// An exact rational number (arbitrary-size numerator and denominator, always reduced).
pub type Q = num_rational::BigRational;

pub use decimal::{parse_exact, NumberError, MAX_DECIMAL_EXPONENT, MAX_NUMBER_LEN};
pub use float::{
    f64_decompose, f64_to_q_exact, ldexp, q_to_f64_nearest, q_to_f64_scaled_nearest,
    sqrt_q_to_f64_nearest, sqrt_q_to_f64_scaled_nearest, F64Parts,
};
pub use format::{format_f64_sci, format_q_sci, format_q_sci_up};
