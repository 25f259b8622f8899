//! `fast-vs-mp:<column>`: the `f64` engine against the certified balls, judged per value.
//!
//! A bound larger than the value it bounds says nothing (`--eta-u 1e-40` once gave a fast
//! `norm_w` of 0.72 against 6.79, "within" a bound of 3e6), so each value is held to two
//! things: the fast path's documented bound, and a relative accuracy of
//! [`FAST_REL_REQUIRED`] of the value itself. Cells where the documented bound exceeds
//! the value are counted (`vacuous bounds`) in the line; a value beyond the normal `f64`
//! range is not compared (counted too): the fast engine cannot represent it.

use crate::Line;
use exactflow_core::{Column, Observables};
use exactflow_fast::FastSolution;
use exactflow_mp::ball::Ball;
use rug::Float;

/// The relative accuracy every representable value of the fast engine is held to: 9
/// significant digits (an `f64` carries 15.9; the fast engine documents about `1e-13`
/// on every column away from a zero of the slope).
pub const FAST_REL_REQUIRED: f64 = 1e-9;

fn sci(x: f64) -> String {
    format!("{x:.3e}")
}

/// What one column's comparison found.
#[derive(Default)]
struct Tally {
    /// Worst `|error|/bound` and `|error|/|value|`, with where.
    worst_bound: (f64, String),
    worst_rel: (f64, String),
    compared: usize,
    vacuous: usize,
    beyond: usize,
    /// A value where mp has none, or none where mp has one.
    mismatch: Option<String>,
}

impl Tally {
    fn cell(&mut self, t: f64, x: f64, b: &Ball, bound: f64) {
        let r = b.mid();
        if b.is_nan() {
            if !x.is_nan() {
                self.mismatch = Some(format!("t = {t:e}: fast {x:e}, mp undefined"));
            }
            return;
        }
        let mag = r.clone().abs();
        let normal = (f64::MIN_POSITIVE..=f64::MAX).contains(&mag);
        if !r.is_zero() && !normal {
            self.beyond += 1;
            return;
        }
        if !x.is_finite() {
            self.mismatch = Some(format!("t = {t:e}: fast {x:e}, mp {}", mid12(b)));
            return;
        }
        self.compared += 1;
        // |x − r| in MPFR (x is exact in 53 bits), then as f64 (both in f64's range).
        let err = Float::with_val(r.prec() + 64, x - r).abs().to_f64();
        let at = || {
            format!(
                "t = {t:e}: fast {x:e}, mp {}, bound {}",
                mid12(b),
                sci(bound)
            )
        };
        if r.is_zero() {
            // An exact zero: only an absolute bound applies, and none when it is not finite.
            if err > 0.0 {
                let by_bound = if bound.is_finite() {
                    err / bound
                } else {
                    f64::INFINITY
                };
                if by_bound > self.worst_bound.0 {
                    self.worst_bound = (by_bound, at());
                }
            }
            return;
        }
        // No documented bound (a value below the fast path's TINY): judged relatively only.
        let by_bound = if bound.is_finite() { err / bound } else { 0.0 };
        let v = mag.to_f64();
        if bound >= v || bound.is_nan() {
            self.vacuous += 1;
        }
        if by_bound > self.worst_bound.0 {
            self.worst_bound = (by_bound, at());
        }
        let rel = err / v;
        if rel > self.worst_rel.0 || rel.is_nan() {
            self.worst_rel = (if rel.is_nan() { f64::INFINITY } else { rel }, at());
        }
    }
}

fn mid12(b: &Ball) -> String {
    exactflow_mp::format_mid(b, 12)
}

/// One line per value column: passes when every compared value is within its
/// documented bound and within [`FAST_REL_REQUIRED`] of itself, and the fast engine
/// gives a value exactly where mp does.
pub(crate) fn fast_vs_mp(
    fast: &FastSolution,
    tf: &[f64],
    values: &[Observables<Ball>],
) -> Vec<Line> {
    let got: Vec<Observables<f64>> = tf.iter().map(|&t| fast.eval(t)).collect();
    let bounds: Vec<Observables<f64>> = tf
        .iter()
        .zip(values)
        .map(|(&t, b)| fast.error_bounds(t, &b.map(|x| x.mid().to_f64())))
        .collect();
    Column::VALUES
        .into_iter()
        .map(|col| {
            let mut tally = Tally::default();
            for (((t, f), b), bd) in tf.iter().zip(&got).zip(values).zip(&bounds) {
                let (Some(x), Some(ball), Some(bound)) = (f.get(col), b.get(col), bd.get(col))
                else {
                    continue;
                };
                tally.cell(*t, *x, ball, *bound);
            }
            let within_bounds = tally.worst_bound.0 <= 1.0;
            let accurate = tally.worst_rel.0 <= FAST_REL_REQUIRED;
            let passed = tally.mismatch.is_none() && within_bounds && accurate;
            let detail = if let Some(m) = &tally.mismatch {
                m.clone()
            } else if !accurate || within_bounds {
                tally.worst_rel.1.clone()
            } else {
                tally.worst_bound.1.clone()
            };
            Line {
                name: format!("fast-vs-mp:{}", col.name()),
                passed,
                measured: format!(
                    "worst |error|/bound {}, worst relative error {} over {} times ({} vacuous bounds, {} beyond f64)",
                    sci(tally.worst_bound.0),
                    sci(tally.worst_rel.0),
                    tally.compared,
                    tally.vacuous,
                    tally.beyond
                ),
                bound: format!(
                    "<= 1 (fast path's documented bound) and <= {} relative to each value",
                    sci(FAST_REL_REQUIRED)
                ),
                detail,
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "tests/fast.rs"]
mod tests;
