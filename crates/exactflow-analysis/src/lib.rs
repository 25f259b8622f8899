//! exactflow-analysis: what the exact solution says about feature learning (docs/model.md §9).
//! (The simulators to hold it against live in `exactflow-simulate`.)
//!
//! * [`mechanism`] — the quantities comparing initialization and limit (NTK change,
//!   alignment, each layer's rotation and norm ratio, time scale) and the label kernel |
//!   alignment | disalignment | rescaling-u | rescaling-w | saddle, with documented
//!   thresholds;
//! * [`sweep`] — 2-D parameter sweeps of the labels on `f64` sufficient statistics, in
//!   parallel, deterministic whatever the thread count;
//! * [`asymptotic`] — the width-scaling phase diagram in exponent space, decided with
//!   exact rational exponents, and the exponents it predicts for measurable quantities;
//!
//! Architecture invariant: this crate knows no command line and no output format; the
//! closed form is used only through `exactflow-core`/`exactflow-fast`, never copied (the
//! mechanism quantities are limits `t → ∞`, written from docs/model.md §4–§5 in their own
//! stable forms, and tested against the closed form and the exact checker).

#![warn(missing_docs)]

pub mod asymptotic;
pub mod mechanism;
pub mod sweep;

pub use mechanism::{analyse, analyse_exact, Label, Mechanism, Quantities, Reduced, THRESHOLDS};
