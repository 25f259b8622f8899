//! exactflow-simulate: the model's training dynamics by methods other than the closed form,
//! to hold it against.
//!
//! * [`gd`] — gradient descent, written once over the number type ([`num::Num`]: `f64` or
//!   MPFR balls): the full width-`d` iteration and the exact three-scalar map of
//!   docs/model.md §6, with the edge of stability;
//! * [`ode`] — gradient flow of the raw `2d`-dimensional field in `f64` by classical RK4 and
//!   Dormand–Prince 8(5,3);
//! * [`taylor`] — the independent oracle: a Taylor-series integration of the raw flow in
//!   MPFR, sharing only the vector field with the closed form;
//! * [`observe`] — the observables of a simulated state (one function for every method);
//! * [`budget`] — the up-front cost estimate every run must fit, and the hard caps.
//!
//! The entry point is [`simulate`]: a scenario, a validated [`Request`] (built from loose
//! [`Options`] by [`Request::new`], which names what is wrong with them) and a [`Sink`] that
//! receives the rows one at a time, so memory stays bounded whatever the number of rows.
//! It returns a [`Report`] (work done, edge of stability) or a typed [`SimError`] whose
//! [`SimError::status`] tells a caller's input error from a method's failure.
//!
//! Architecture invariant: this crate knows no command line and no output format; its
//! messages name parameters by [`Param::name`]. It depends on the core and the mp engine
//! (for its balls), never on the closed form's evaluation.

#![warn(missing_docs)]

pub mod budget;
pub mod error;
pub mod gd;
pub mod num;
pub mod observe;
pub mod ode;
pub mod represent;
pub mod request;
mod run;
pub mod tableau;
pub mod taylor;

pub use error::{Param, RunError, SimError, Status};
pub use gd::Stability;
pub use request::{Method, MethodKind, Options, Precision, Request};
pub use run::{simulate, Report, Sink, Values};
