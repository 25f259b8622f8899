//! What the exact scenario says about zeros along a trajectory: which observables are
//! *exactly* zero (or undefined) at a time, decided on the scenario's rationals — so that
//! an engine never trusts a computed zero (an underflow) and never refuses a true one.

use crate::{Column, ExactReduction};
use num_traits::Zero;

/// What the exact scenario says about zeros along the trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExactFacts {
    /// `u₀ = w₀ = 0`: the state stays at the origin.
    pub origin: bool,
    /// `e₀ = 0`: the state is stationary (a global minimum already).
    pub stationary: bool,
    /// `u₀ = 0`.
    pub u0_zero: bool,
    /// `w₀ = 0`.
    pub w0_zero: bool,
    /// `u₀·w₀ = 0`.
    pub slope0_zero: bool,
    /// `L* = 0` (a realizable target).
    pub lstar_zero: bool,
    /// `θ* = 0`.
    pub theta_zero: bool,
}

impl ExactFacts {
    /// The facts of a reduction.
    pub fn of(red: &ExactReduction) -> Self {
        ExactFacts {
            origin: red.shape().is_origin(),
            stationary: red.e0.is_zero(),
            u0_zero: red.pu.is_zero(),
            w0_zero: red.pw.is_zero(),
            slope0_zero: red.x.is_zero(),
            lstar_zero: red.lstar.is_zero(),
            theta_zero: red.theta.is_zero(),
        }
    }

    /// Whether the true value of `col` is exactly zero at this row (`at_start`: the row is
    /// the initial state, or the state never moves).
    pub fn exactly_zero(&self, col: Column, at_start: bool) -> bool {
        let start = at_start || self.stationary || self.origin;
        match col {
            Column::T | Column::Z => false,
            Column::Residual => self.stationary,
            Column::Loss => self.stationary && self.lstar_zero,
            Column::Slope => {
                (self.stationary && self.theta_zero) || (start && self.slope0_zero) || self.origin
            }
            Column::Ntk => self.origin,
            Column::Alignment => start && self.slope0_zero && !self.u0_zero && !self.w0_zero,
            Column::NormU => self.origin || (start && self.u0_zero),
            Column::NormW => self.origin || (start && self.w0_zero),
        }
    }

    /// Whether the alignment is undefined (a zero vector) at this row.
    pub fn alignment_undefined(&self, at_start: bool) -> bool {
        let start = at_start || self.stationary || self.origin;
        self.origin || (start && (self.u0_zero || self.w0_zero))
    }
}
