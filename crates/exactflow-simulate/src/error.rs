//! What stops a simulation, typed: a request that cannot be served (the caller's input),
//! or a method that fails on valid input — the two outcomes `scipy.integrate.solve_ivp`
//! distinguishes by its `status`. Messages name parameters by their library names
//! ([`Param::name`]); the CLI and the Python binding render those as their flags or
//! keywords.

use crate::MethodKind;
use exactflow_core::Column;
use thiserror::Error;

/// A parameter of a simulation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// The number of gradient-descent steps.
    Steps,
    /// Record every k-th gradient-descent step.
    Every,
    /// The output times of the flow methods.
    Times,
    /// RK4's step as a fraction of the field's time scale.
    Step,
    /// DOP853's relative tolerance.
    Rtol,
    /// Significant decimal digits (MPFR methods).
    Digits,
}

impl Param {
    /// The parameter's name (`steps`, `every`, `times`, `step`, `rtol`, `digits`).
    pub fn name(self) -> &'static str {
        match self {
            Param::Steps => "steps",
            Param::Every => "every",
            Param::Times => "times",
            Param::Step => "step",
            Param::Rtol => "rtol",
            Param::Digits => "digits",
        }
    }
}

impl std::fmt::Display for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a failed simulation should be reported (the CLI's exit status 2 and 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The request cannot be served: a bad or inapplicable parameter, a cost beyond the
    /// documented budget, a value the method's number type cannot represent.
    InputError,
    /// The method failed on valid input (step-size underflow, divergence, an exhausted
    /// budget the up-front estimate did not foresee).
    MethodFailed,
}

/// Why a simulation stopped.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SimError {
    /// A parameter given to a method it does not apply to.
    #[error("{param} does not apply to {method} ({hint})")]
    NotApplicable {
        /// The parameter.
        param: Param,
        /// The method chosen.
        method: MethodKind,
        /// What the method takes instead.
        hint: &'static str,
    },
    /// A parameter the method needs is missing.
    #[error("{method} needs {param} ({hint})")]
    Missing {
        /// The parameter.
        param: Param,
        /// The method chosen.
        method: MethodKind,
        /// What it means.
        hint: &'static str,
    },
    /// A parameter outside its allowed range.
    #[error("{param}: must be {allowed}, got {value}")]
    OutOfRange {
        /// The parameter.
        param: Param,
        /// The value given, as text (shortened when long).
        value: String,
        /// The allowed range, in words.
        allowed: String,
    },
    /// The run would cost more than its documented budget (decided before it starts).
    #[error("{what}: {} {unit}, more than the budget of {limit:.3e} ({hint})", about(*estimate))]
    OverBudget {
        /// What was estimated.
        what: String,
        /// The estimate.
        estimate: f64,
        /// The budget.
        limit: f64,
        /// The unit of both.
        unit: &'static str,
        /// What the caller can change.
        hint: &'static str,
    },
    /// A value the method's number type cannot represent (it over- or underflows), or an
    /// intermediate quantity the method needs that does.
    #[error("{} at t = {t}: {why}", column.name())]
    NotRepresentable {
        /// The column (`t` when the trouble is an intermediate quantity of the state).
        column: Column,
        /// The time (GD: step number), as text.
        t: String,
        /// What happened and what to use instead.
        why: String,
    },
    /// The step size of an adaptive method fell below what its number type resolves.
    #[error("step size underflow at t = {t:e} (h = {h:e}): the flow is too stiff for an explicit method here")]
    StepSizeUnderflow {
        /// Time reached.
        t: f64,
        /// The step size.
        h: f64,
    },
    /// The state left the number range (the iteration or integration diverged).
    #[error("diverged at {at}: {why}")]
    Diverged {
        /// Where (GD: `step n`; flows: `t = …`).
        at: String,
        /// What left the range.
        why: String,
    },
    /// The number type can no longer carry the trajectory to the accuracy promised.
    #[error("accuracy lost at {at}: {why}")]
    AccuracyLost {
        /// Where (GD: `step n`).
        at: String,
        /// What was lost and what carries it instead.
        why: String,
    },
    /// The run used its whole budget before reaching the last output time.
    #[error("budget exhausted at {at}: {used} {unit} used, the budget is {limit}")]
    BudgetExhausted {
        /// Where the run stopped.
        at: String,
        /// Work used.
        used: u64,
        /// The budget.
        limit: u64,
        /// Unit of both.
        unit: &'static str,
    },
    /// The requested digits could not be vouched for within the precision budget.
    #[error("{} at t = {t}: {digits} digits not reached within {max_bits} bits of working precision ({why})", column.name())]
    PrecisionExhausted {
        /// The column that could not be vouched for.
        column: Column,
        /// The time (GD: step number), as text.
        t: String,
        /// Digits requested.
        digits: u32,
        /// The largest working precision tried.
        max_bits: u32,
        /// What limits it.
        why: String,
    },
}

impl SimError {
    /// Whether the caller's request is at fault ([`Status::InputError`]) or the method
    /// failed on valid input ([`Status::MethodFailed`]).
    pub fn status(&self) -> Status {
        match self {
            SimError::NotApplicable { .. }
            | SimError::Missing { .. }
            | SimError::OutOfRange { .. }
            | SimError::OverBudget { .. }
            | SimError::NotRepresentable { .. } => Status::InputError,
            SimError::StepSizeUnderflow { .. }
            | SimError::Diverged { .. }
            | SimError::BudgetExhausted { .. }
            | SimError::AccuracyLost { .. }
            | SimError::PrecisionExhausted { .. } => Status::MethodFailed,
        }
    }

    /// The parameter the error is about, if it is about one.
    pub fn param(&self) -> Option<Param> {
        match self {
            SimError::NotApplicable { param, .. }
            | SimError::Missing { param, .. }
            | SimError::OutOfRange { param, .. } => Some(*param),
            _ => None,
        }
    }
}

/// A simulation stopped by the simulator or by the row sink.
#[derive(Debug, Error)]
pub enum RunError<E> {
    /// The simulator stopped.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// The sink refused a row (its own error, e.g. a write failure).
    #[error("writing a row failed")]
    Sink(E),
}

/// An estimate in words: `about 2.661e11`, or `more than 1.8e308` past `f64`'s range.
pub fn about(x: f64) -> String {
    if x.is_finite() {
        format!("about {x:.3e}")
    } else {
        "more than 1.8e308".into()
    }
}

/// Shortens a number's text for a message (at most 40 characters).
pub fn short(text: &str) -> String {
    if text.chars().count() <= 40 {
        text.to_string()
    } else {
        let head: String = text.chars().take(20).collect();
        let tail: String = text
            .chars()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{head}…{tail} ({} characters)", text.chars().count())
    }
}

/// How a simulator's loop ended.
#[derive(Debug)]
pub enum Stop<E> {
    /// Every row was produced.
    Done,
    /// The method failed (or a value could not be served) after the rows already emitted.
    Failed(SimError),
    /// The row sink refused a row.
    Sink(E),
}
