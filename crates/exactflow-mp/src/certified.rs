//! Evaluation at a given precision (careful or lean forms), and the certified evaluation
//! that raises the precision until every requested digit is proven.

use crate::ball::Ball;
use crate::MpSolution;
use exactflow_core::number::Q;
use exactflow_core::{Column, Constants, Need, Observables};

/// Why a requested cell is not certified (see [`MpSolution::eval_certified`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uncertain {
    /// Its magnitude is below [`MIN_EXP2`]: not representable by this engine (a residual
    /// late in training, `e^{−ωt}` with `ωt` beyond about `8·10^17`).
    BelowRange,
    /// Its radius did not reach the requested digits at the highest working precision
    /// tried ([`MAX_GUARD_BITS`] guard bits).
    Precision,
}

/// A requested cell that did not certify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UncertifiedCell {
    /// Index of the time point.
    pub index: usize,
    /// The column.
    pub column: Column,
    /// Why.
    pub reason: Uncertain,
}

/// Magnitudes below `2^MIN_EXP2` are beyond the engine: a radius bound ([`crate::mag::Mag`])
/// saturates at `2^-(2^61)`, so nothing smaller can be certified. About `10^(-3.47·10^17)`.
pub const MIN_EXP2: i64 = -(1 << 60);

/// The certified evaluation stops raising the precision at `digits·log2 10` plus this
/// many guard bits (32, 128, 512, 2048, 8192 are tried).
pub const MAX_GUARD_BITS: u32 = 32 << 8;

/// The result of a certified evaluation.
#[derive(Debug, Clone)]
pub struct Certified {
    /// Observables per time point (those not asked for are NaN; so is an alignment that
    /// is undefined: a layer exactly zero).
    pub values: Vec<Observables<Ball>>,
    /// Highest working precision used, in bits.
    pub prec: u32,
    /// Number of requested cells that did not certify (`cells.len()`).
    pub uncertified: usize,
    /// The requested cells that did not certify, in time then column order. Exact zeros
    /// certify (their ball is exact); an undefined alignment is not a cell that fails.
    pub cells: Vec<UncertifiedCell>,
}

impl MpSolution {
    /// Every observable at each exact time, with midpoints of `prec` bits, by
    /// [`Constants::eval_at`] (the forms with the smallest rounding-error bounds). Each
    /// ball contains the exact value of the closed form at that exact time. Decay
    /// factors as in `MpSolution::decays` (grids and common denominators are cheap).
    pub fn eval_at_prec(&self, times: &[Q], prec: u32) -> Vec<Observables<Ball>> {
        let c = Constants::<Ball>::new(&self.red, &prec);
        self.decays(&c, times, prec)
            .into_iter()
            .zip(times)
            .map(|(d, t)| d.eval_at(&c, t))
            .collect()
    }

    /// The observables in `need` at each exact time by [`Constants::eval_lean`] (the
    /// fewest operations; still rigorous enclosures, possibly wider where the slope is
    /// small against `k(S z + D/z)/4`); the others are NaN.
    pub fn eval_lean_at_prec(&self, times: &[Q], prec: u32, need: Need) -> Vec<Observables<Ball>> {
        let c = Constants::<Ball>::new(&self.red, &prec);
        self.decays(&c, times, prec)
            .into_iter()
            .zip(times)
            .map(|(d, t)| d.eval_lean(&c, t, need, false))
            .collect()
    }

    /// Evaluates the observables in `need` at rising precision until every value's
    /// radius is at most half a unit in its `digits`-th significant decimal digit
    /// (relative radius ≤ ½·10^-digits): rounding the midpoint to `digits` digits then
    /// gives every printed digit correct to one unit in the last place. Starts at
    /// `digits·log2(10) + 32` bits rounded up to whole 64-bit limbs, with
    /// [`Constants::eval_lean`] (the residual by difference while that certifies, then
    /// by product); points not certified that way are re-evaluated with
    /// [`Constants::eval_at`] at the same precision; the points still not certified are
    /// evaluated again with four times the guard bits, up to [`MAX_GUARD_BITS`].
    ///
    /// A NaN ball is a failure, never "fine": the only cells allowed to be NaN are the
    /// alignments that are undefined, decided exactly (the origin; `t = 0` with a layer
    /// starting at zero). What did not certify is listed in [`Certified::cells`] with the
    /// reason. Deterministic: the same times and digits give the same balls.
    pub fn eval_certified(&self, times: &[Q], digits: u32, need: Need) -> Certified {
        crate::exponent::ensure_wide_exponents();
        let base = exactflow_num::mpfr::digits_to_bits(digits);
        // ½·10^-digits ≥ 2^-(base + 2) (one bit more than needed, against the rounding
        // of digits·log2(10)).
        let target_log2 = -(base as i64) - 2;
        let fails = |b: &Ball| b.is_nan() || !b.rel_rad_at_most(target_log2);
        let failing = |o: &Observables<Ball>, t: &Q| -> Vec<Column> {
            Column::VALUES
                .into_iter()
                .filter(|&col| need.wants(col) && !self.undefined(col, t))
                .filter(|&col| o.get(col).is_some_and(&fails))
                .collect()
        };
        let mut values: Vec<Option<Observables<Ball>>> = vec![None; times.len()];
        let mut todo: Vec<usize> = (0..times.len()).collect();
        let mut guard = 32u32;
        let mut prec_used = 0;
        loop {
            // MPFR works in whole 64-bit limbs: the bits up to the next multiple of 64
            // are free guard bits.
            let prec = (base + guard).div_ceil(64) * 64;
            prec_used = prec_used.max(prec);
            let ts: Vec<Q> = todo.iter().map(|&i| times[i].clone()).collect();
            let c = Constants::<Ball>::new(&self.red, &prec);
            let decays = self.decays(&c, &ts, prec);
            // The residual by difference (`slope − θ*`) while it certifies — early times,
            // where it loses fewer bits than the guard — then by product.
            let mut from_slope = need.residual || need.loss;
            let mut next = Vec::new();
            for ((d, t), &i) in decays.into_iter().zip(&ts).zip(&todo) {
                let mut v = d.eval_lean(&c, t, need, from_slope);
                if from_slope && (fails(&v.residual) || fails(&v.loss)) {
                    from_slope = false;
                    v = d.eval_lean(&c, t, need, false);
                }
                if !failing(&v, t).is_empty() {
                    v = d.eval_at(&c, t);
                    if !failing(&v, t).is_empty() {
                        next.push(i);
                    }
                }
                values[i] = Some(v);
            }
            if next.is_empty() || guard >= MAX_GUARD_BITS {
                let values: Vec<Observables<Ball>> = values
                    .into_iter()
                    .map(|v| v.expect("every time point was evaluated"))
                    .collect();
                let mut cells = Vec::new();
                for &i in &next {
                    for column in failing(&values[i], &times[i]) {
                        let b = values[i].get(column).expect("a value column");
                        let below = !b.is_nan() && b.abs_up() < crate::mag::Mag::pow2(MIN_EXP2);
                        cells.push(UncertifiedCell {
                            index: i,
                            column,
                            reason: if below {
                                Uncertain::BelowRange
                            } else {
                                Uncertain::Precision
                            },
                        });
                    }
                }
                return Certified {
                    values,
                    prec: prec_used,
                    uncertified: cells.len(),
                    cells,
                };
            }
            todo = next;
            guard *= 4;
        }
    }

    /// Whether the value of `col` at time `t` is undefined, decided exactly: the
    /// alignment `cos∠(u, w)` of a zero vector (the origin at every time; a layer that
    /// starts at zero, at `t = 0`).
    pub fn undefined(&self, col: Column, t: &Q) -> bool {
        use num_traits::Zero;
        col == Column::Alignment
            && (self.red.shape().is_origin()
                || (t.is_zero() && (self.red.pu.is_zero() || self.red.pw.is_zero())))
    }
}
