//! exactflow-core: the scenario, its exact reduction, the observable schema and the
//! closed-form solution shared by every engine.
//!
//! The exact solution of a one-hidden-layer linear network on one-dimensional data,
//! trained by gradient flow with layer-wise learning rates (Xu & Ziyin, ICLR 2025), as
//! specified in `spec/docs/model.md`:
//!
//! * [`scenario`] — the problem, held exactly (rationals), parsed and validated;
//! * [`reduction`] — the exact scalars the dynamics reduces to (docs/model.md §3);
//! * [`shape`] — which case of the closed form a scenario is in, decided exactly;
//! * [`facts`] — which observables are exactly zero or undefined, decided exactly;
//! * [`closed_form`] — the closed form, written once over the [`real::Real`] trait;
//! * [`observables`] — the trajectory schema (column names and order);
//! * [`number`] — exact parsing, correctly rounded conversions, decimal formatting;
//! * [`gaussian`] — the pinned, reproducible Gaussian initialization;
//! * [`presets`] — one built-in scenario per regime;
//! * [`times`] — time axes (uniform, geometric, lists), point by point.
//! * [`wide`] — `f64` precision with an unbounded exponent, for scenarios beyond its range.
//!
//! Architecture invariant: this crate knows no output format, no command line and no
//! particular engine; engines depend on it, never the reverse.

#![warn(missing_docs)]

pub mod closed_form;
pub mod elementary;
pub mod facts;
pub mod gaussian;
pub mod number;
pub mod observables;
pub mod presets;
pub mod real;
pub mod reduction;
pub mod scenario;
pub mod shape;
pub mod sums;
pub mod times;
pub mod wide;

pub use closed_form::{Constants, Need, Observables};
pub use number::Q;
pub use observables::Column;
pub use real::{Real, Scalar};
pub use reduction::ExactReduction;
pub use scenario::{Scenario, ScenarioError, ScenarioSpec};
pub use shape::{Layer, Shape};
