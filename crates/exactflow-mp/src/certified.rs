//! Evaluation at a given precision (careful or lean forms), and the certified evaluation
//! that raises the precision until every requested digit is proven.

use crate::ball::Ball;
use crate::MpSolution;
use exactflow_core::number::Q;
use exactflow_core::{Column, Constants, Need, Observables};

/// The result of a certified evaluation.
#[derive(Debug, Clone)]
pub struct Certified {
    /// Observables per time point (those not asked for are NaN).
    pub values: Vec<Observables<Ball>>,
    /// Working precision of the last evaluation, in bits.
    pub prec: u32,
    /// Requested cells whose radius did not reach the requested digits (values exactly
    /// zero or undefined are not counted).
    pub uncertified: usize,
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
    /// [`Constants::eval_at`] at the same precision; then the guard bits are multiplied
    /// by four, up to four times. Deterministic: the same times and digits give the same
    /// balls.
    pub fn eval_certified(&self, times: &[Q], digits: u32, need: Need) -> Certified {
        let base = exactflow_num::mpfr::digits_to_bits(digits);
        // ½·10^-digits ≥ 2^-(base + 2) (one bit more than needed, against the rounding
        // of digits·log2(10)).
        let target_log2 = -(base as i64) - 2;
        let fails = |b: &Ball| !b.is_nan() && !b.rel_rad_at_most(target_log2);
        let uncertified_in = |o: &Observables<Ball>| {
            Column::VALUES
                .into_iter()
                .filter(|&col| need.wants(col))
                .filter_map(|col| o.get(col))
                .filter(|b| fails(b))
                .count()
        };
        let mut guard = 32u32;
        loop {
            // MPFR works in whole 64-bit limbs: the bits up to the next multiple of 64
            // are free guard bits.
            let prec = (base + guard).div_ceil(64) * 64;
            let c = Constants::<Ball>::new(&self.red, &prec);
            let decays = self.decays(&c, times, prec);
            // The residual by difference (`slope − θ*`) while it certifies — early times,
            // where it loses fewer bits than the guard — then by product.
            let mut from_slope = need.residual || need.loss;
            let mut values = Vec::with_capacity(times.len());
            let mut uncertified = 0;
            for (d, t) in decays.into_iter().zip(times) {
                let mut v = d.eval_lean(&c, t, need, from_slope);
                if from_slope && (fails(&v.residual) || fails(&v.loss)) {
                    from_slope = false;
                    v = d.eval_lean(&c, t, need, false);
                }
                if uncertified_in(&v) > 0 {
                    v = d.eval_at(&c, t);
                    uncertified += uncertified_in(&v);
                }
                values.push(v);
            }
            if uncertified == 0 || guard >= 32 << 4 {
                return Certified {
                    values,
                    prec,
                    uncertified,
                };
            }
            guard *= 4;
        }
    }
}
