//! exactflow-fast: the closed form of docs/model.md §4–§5 in `f64`.
//!
//! The mathematics lives in [`exactflow_core::closed_form`], written once for every
//! engine; this crate instantiates it at `f64`, evaluates it over many time points, and
//! documents what `f64` can promise.
//!
//! # Precision
//!
//! The scenario is exact (rationals). Every constant of the closed form is rounded from
//! its exact value once, correctly (irrational ones through a correctly rounded square
//! root of an exact rational), and every observable is then evaluated in a form free of
//! cancellation (`docs/derivation.md`). The resulting guarantee, checked by the test
//! suite against a 4096-bit MPFR evaluation of docs/model.md's own formulas:
//!
//! * `z`, `residual`, `loss`, `ntk`: relative error ≤ [`REL_TOL`]` + ωt·`[`OMEGA_T_TOL`],
//!   down to the bottom of `f64`'s normal range (a residual of 1e-300 keeps its digits);
//! * `slope`: the same, relative to `|slope| + min(|θ*| + |e|, |slope₀| + |slope − slope₀|)`
//!   — only a slope that crosses zero loses relative accuracy, and only near the crossing;
//! * `norm_u`, `norm_w`: relative to the larger of the two norms (in normalized units;
//!   a norm may cross zero in one dimension);
//! * `alignment`: absolute, the same bound.
//!
//! Measured worst cases over 400 scenarios × 40 times (test
//! `acceptance_metric_worst_case_over_a_sweep`): about 5e-14 relative.
//!
//! # Determinism
//!
//! The same scenario and times give the same bits on every machine: the exponential is
//! our own ([`exactflow_core::elementary`]), never the platform's, no operation is
//! fused, and batch evaluation ([`FastSolution::for_each_chunk`], eight lanes, compiled
//! for the best instruction set the CPU has) gives exactly the scalar
//! [`FastSolution::eval`] bits.
//!
//! `ωt·u` is the conditioning of `e^{−ωt}` with respect to `ω` and `t`, which are
//! rounded to `f64` (a time given as `0.1` is not a double).

pub mod lanes;
pub mod wide;

use exactflow_core::closed_form::{Decay, EXPM1_BELOW, SPLIT_ABOVE};
use exactflow_core::elementary::exp_core;
use exactflow_core::{Constants, Need, Observables, Scenario};
use lanes::{F64x8, LANES};
use wide::{all_accepted, settle, WideForm};
pub use wide::{Unrepresentable, Why};

/// Relative error bound (in units of the result) of the observables, excluding the
/// `ωt` term; a generous multiple of the ~30 roundings along the longest path.
pub const REL_TOL: f64 = 256.0 * f64::EPSILON;

/// Coefficient of `ωt` in the error bound of decaying quantities (the rounding of `ω`
/// and `t` propagated through `e^{−ωt}`).
pub const OMEGA_T_TOL: f64 = 4.0 * f64::EPSILON;

/// A scenario's closed form, ready to evaluate in `f64`.
#[derive(Debug, Clone)]
pub struct FastSolution {
    consts: Constants<f64>,
    /// The same constants splatted over the lanes, for batch evaluation.
    consts4: Constants<F64x8>,
    /// What [`FastSolution::error_bounds`] needs.
    model: ErrorModel,
    /// The closed form beyond `f64`'s exponent range, and the representability checks.
    wide: Box<WideForm>,
}

/// The scenario's numbers the documented error bounds refer to.
#[derive(Debug, Clone)]
struct ErrorModel {
    theta: f64,
    slope0: f64,
    sqrt_eta_u: f64,
    sqrt_eta_w: f64,
    abs_k: f64,
}

/// Values below this (in magnitude) are not compared relatively: they are not normal
/// `f64`s after the closed form's scalings.
pub const TINY: f64 = 1e-290;

impl FastSolution {
    /// Reduces the scenario exactly and rounds the closed form's constants to `f64`.
    /// Cost: one pass over the initialization (exact sums), then O(1).
    pub fn new(scenario: &Scenario) -> Self {
        Self::from_reduction(&scenario.reduction())
    }

    /// From an already computed exact reduction.
    pub fn from_reduction(red: &exactflow_core::ExactReduction) -> Self {
        let consts = Constants::new(red, &());
        let consts4 = consts.map(|x| F64x8::splat(*x));
        let q = exactflow_core::number::q_to_f64_nearest;
        let model = ErrorModel {
            theta: q(&red.theta),
            slope0: q(&red.slope0),
            sqrt_eta_u: exactflow_core::number::sqrt_q_to_f64_nearest(&red.eta_u),
            sqrt_eta_w: exactflow_core::number::sqrt_q_to_f64_nearest(&red.eta_w),
            abs_k: exactflow_core::number::sqrt_q_to_f64_nearest(&red.k2),
        };
        FastSolution {
            consts,
            consts4,
            model,
            wide: Box::new(WideForm::new(red)),
        }
    }

    /// The documented error bounds of [`FastSolution::eval`] at time `t`, as absolute
    /// bounds per column, given the exact values `exact` (to a few digits: a reference
    /// from another engine). With `tol = REL_TOL + ωt·OMEGA_T_TOL`:
    /// `z`, `residual`, `loss`, `ntk`: `tol·|x|`; `slope`: `tol·(|slope| + min(|θ*| + |e|,
    /// |slope₀| + |slope − slope₀|))` (the better of its two forms); norms:
    /// `tol·max(|ũ|, |w̃|)·√η` (relative to the larger norm in normalized units);
    /// `alignment`: `tol·(4 big/small + slope-scale/(small·big·|k|))` with `big`, `small`
    /// the larger and smaller normalized norm. `+∞` where the bound does not apply (a
    /// value outside the normal `f64` range, [`TINY`]; an undefined alignment).
    pub fn error_bounds(&self, t: f64, exact: &Observables<f64>) -> Observables<f64> {
        let m = &self.model;
        let tol = REL_TOL + self.omega() * t * OMEGA_T_TOL;
        let rel = |x: f64| {
            if (TINY..=f64::MAX).contains(&x.abs()) {
                tol * x.abs()
            } else {
                f64::INFINITY
            }
        };
        let s = exact.slope;
        let scale = s.abs()
            + (m.theta.abs() + exact.residual.abs()).min(m.slope0.abs() + (s - m.slope0).abs());
        let (tu, tw) = (exact.norm_u / m.sqrt_eta_u, exact.norm_w / m.sqrt_eta_w);
        let (big, small) = (tu.max(tw), tu.min(tw));
        let norm = |sq: f64| {
            if big > TINY {
                tol * big * sq
            } else {
                f64::INFINITY
            }
        };
        let alignment = if small > TINY && !exact.alignment.is_nan() {
            tol * (4.0 * big / small + scale / (small * big * m.abs_k))
        } else {
            f64::INFINITY
        };
        Observables {
            z: rel(exact.z),
            slope: if scale > TINY {
                tol * scale
            } else {
                f64::INFINITY
            },
            residual: rel(exact.residual),
            loss: rel(exact.loss),
            ntk: rel(exact.ntk),
            alignment,
            norm_u: norm(m.sqrt_eta_u),
            norm_w: norm(m.sqrt_eta_w),
        }
    }

    /// `ω` (the residual decays like `e^{−ωt}`), rounded to `f64` (0 or `+∞` where `ω`
    /// is beyond `f64`'s range: see [`FastSolution::omega_wide`]).
    pub fn omega(&self) -> f64 {
        self.wide.omega().to_f64()
    }

    /// `ω` with an unbounded exponent (correctly rounded to 53 bits).
    pub fn omega_wide(&self) -> exactflow_core::wide::Wide {
        self.wide.omega()
    }

    /// Whether the scenario's constants fit `f64` comfortably, so that the plain `f64`
    /// path runs (else every point is evaluated in the unbounded-exponent type; the
    /// values are the same where both apply, only slower).
    pub fn is_plain(&self) -> bool {
        self.wide.plain
    }

    /// Every observable at `t ≥ 0` (precision: see the crate docs). A value `f64`
    /// cannot carry (beyond its range, below its normal range) comes back as NaN; use
    /// [`FastSolution::try_eval`] to have it named instead.
    #[inline]
    pub fn eval(&self, t: f64) -> Observables<f64> {
        self.try_eval(t, &Need::NONE)
            .expect("nothing is required, nothing is refused")
    }

    /// Every observable at `t ≥ 0`, or the first column among `need` whose value `f64`
    /// cannot carry (the others of those come back as NaN). The same bits as every other
    /// evaluation path.
    ///
    /// # Errors
    /// [`Unrepresentable`] naming the column, the time and the value's magnitude.
    #[inline]
    pub fn try_eval(&self, t: f64, need: &Need) -> Result<Observables<f64>, Unrepresentable> {
        if self.wide.plain {
            let o = self.consts.eval(&t);
            if all_accepted(&self.wide.watch, &o) {
                return Ok(o);
            }
        }
        settle(&self.wide.eval(t), need)
    }

    /// Checks that every value among `need` at every time point is representable,
    /// without keeping any (a first pass before output is written).
    ///
    /// # Errors
    /// The first [`Unrepresentable`] cell, in time order.
    pub fn check(&self, times: &[f64], need: &Need) -> Result<(), Unrepresentable> {
        self.try_for_each_chunk(times, need, |_, _, _| {})
    }

    /// [`FastSolution::for_each`], stopping at the first value among `need` that `f64`
    /// cannot carry (rows before it have been handed to `f`).
    ///
    /// # Errors
    /// That [`Unrepresentable`] cell.
    pub fn try_for_each(
        &self,
        times: &[f64],
        need: &Need,
        mut f: impl FnMut(usize, Observables<f64>),
    ) -> Result<(), Unrepresentable> {
        self.try_for_each_chunk(
            times,
            need,
            #[inline(always)]
            |start, len, o| {
                for l in 0..len {
                    f(start + l, o.map(|v| v.0[l]));
                }
            },
        )
    }

    /// Every observable at each time point, in order.
    pub fn eval_batch(&self, times: &[f64]) -> Vec<Observables<f64>> {
        let mut out = Vec::with_capacity(times.len());
        self.for_each(times, |_, o| out.push(o));
        out
    }

    /// `z, residual, ntk, alignment` at each time point into four columns (the
    /// columns of anchors.py's numpy row; same values as [`FastSolution::eval`]).
    ///
    /// # Panics
    /// If a column is shorter than `times`.
    pub fn eval_four(
        &self,
        times: &[f64],
        z: &mut [f64],
        residual: &mut [f64],
        ntk: &mut [f64],
        alignment: &mut [f64],
    ) {
        self.for_each_chunk(
            times,
            #[inline(always)]
            |start, len, o| {
                put(z, start, len, &o.z);
                put(residual, start, len, &o.residual);
                put(ntk, start, len, &o.ntk);
                put(alignment, start, len, &o.alignment);
            },
        );
    }

    /// Calls `f(i, observables)` for each time point, in order, with exactly the values
    /// [`FastSolution::eval`] gives (built on [`FastSolution::for_each_chunk`]).
    pub fn for_each(&self, times: &[f64], mut f: impl FnMut(usize, Observables<f64>)) {
        self.for_each_chunk(
            times,
            #[inline(always)]
            |start, len, o| {
                for l in 0..len {
                    f(start + l, o.map(|v| v.0[l]));
                }
            },
        );
    }

    /// Evaluates the time points [`LANES`] at a time and calls `f(start, len, lanes)` for
    /// each chunk: lane `l < len` holds the observables of `times[start + l]`, bit for bit
    /// what [`FastSolution::eval`] gives. The decay factors `e^{−ωt}` of a chunk come
    /// first, then the closed form's arithmetic on all lanes at once; chunks with points
    /// deep in the tail (`ωt > 600`, where `E` is carried scaled) go through the scalar
    /// path. On x86-64 with AVX2 the loop is compiled for AVX2 (same results).
    /// Values `f64` cannot carry come back as NaN ([`FastSolution::try_for_each_chunk`]
    /// names them instead).
    pub fn for_each_chunk(&self, times: &[f64], f: impl FnMut(usize, usize, &Observables<F64x8>)) {
        let best = *Isa::available().last().unwrap_or(&Isa::Baseline);
        self.for_each_chunk_isa(best, times, &Need::NONE, f)
            .expect("nothing is required, nothing is refused")
    }

    /// [`FastSolution::for_each_chunk`], stopping at the first value among `need` that
    /// `f64` cannot carry (chunks before it have been handed to `f`).
    ///
    /// # Errors
    /// That [`Unrepresentable`] cell.
    pub fn try_for_each_chunk(
        &self,
        times: &[f64],
        need: &Need,
        f: impl FnMut(usize, usize, &Observables<F64x8>),
    ) -> Result<(), Unrepresentable> {
        let best = *Isa::available().last().unwrap_or(&Isa::Baseline);
        self.for_each_chunk_isa(best, times, need, f)
    }

    /// [`FastSolution::for_each_chunk`] with the instruction set chosen by the caller
    /// (for tests that check every compiled path gives the same bits). An instruction set
    /// the CPU lacks falls back to [`Isa::Baseline`].
    ///
    /// # Errors
    /// The first [`Unrepresentable`] cell among `need`.
    pub fn for_each_chunk_isa(
        &self,
        isa: Isa,
        times: &[f64],
        need: &Need,
        f: impl FnMut(usize, usize, &Observables<F64x8>),
    ) -> Result<(), Unrepresentable> {
        let isa = if Isa::available().contains(&isa) {
            isa
        } else {
            Isa::Baseline
        };
        match isa {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `available()` checked the CPU supports AVX-512F. Only the instruction
            // width changes: without FMA every lane computes the same IEEE operations.
            Isa::Avx512 => unsafe { self.for_each_chunk_avx512(times, need, f) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above, for AVX2.
            Isa::Avx2 => unsafe { self.for_each_chunk_avx2(times, need, f) },
            _ => self.chunks(times, need, f),
        }
    }

    /// [`FastSolution::for_each_chunk`] compiled for AVX-512F.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn for_each_chunk_avx512(
        &self,
        times: &[f64],
        need: &Need,
        f: impl FnMut(usize, usize, &Observables<F64x8>),
    ) -> Result<(), Unrepresentable> {
        self.chunks(times, need, f)
    }

    /// [`FastSolution::for_each_chunk`] compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn for_each_chunk_avx2(
        &self,
        times: &[f64],
        need: &Need,
        f: impl FnMut(usize, usize, &Observables<F64x8>),
    ) -> Result<(), Unrepresentable> {
        self.chunks(times, need, f)
    }

    #[inline(always)]
    fn chunks(
        &self,
        times: &[f64],
        need: &Need,
        mut f: impl FnMut(usize, usize, &Observables<F64x8>),
    ) -> Result<(), Unrepresentable> {
        if !self.wide.plain {
            return self.chunks_wide(times, need, f);
        }
        let omega = *self.consts.omega();
        let common = !self.consts.omega_is_zero();
        for (k, c) in times.chunks(LANES).enumerate() {
            // A short last chunk is padded with its last time (lanes are independent).
            let t: [f64; LANES] = std::array::from_fn(|l| c[l.min(c.len() - 1)]);
            let x: [f64; LANES] = std::array::from_fn(|l| omega * t[l]);
            let mid = common
                & x.iter().fold(true, |acc, x| {
                    acc & (*x >= EXPM1_BELOW) & (*x < SPLIT_ABOVE)
                });
            let mut o = if mid {
                // The common case: E = e^{−ωt} on the lanes (the same exp as the scalar
                // path), then τ from it.
                let e = F64x8(x).map_lanes(|x| exp_core(-x));
                self.consts4.eval_at(self.consts4.decay_from_exp(e))
            } else {
                match self.decay_lanes_slow(&t) {
                    SlowDecay::Lanes(dec) => self.consts4.eval_at(dec),
                    SlowDecay::Scaled(d) => self.eval_scalar(d),
                }
            };
            if !self.lanes_accepted(&o) {
                self.fix_lanes(&t, c.len(), &mut o, need)?;
            }
            f(k * LANES, c.len(), &o);
        }
        Ok(())
    }

    /// Whether every value of every lane passes the watch ([`wide`] module docs).
    #[inline(always)]
    fn lanes_accepted(&self, o: &Observables<F64x8>) -> bool {
        let watch = &self.wide.watch;
        o.to_array().iter().enumerate().fold(true, |acc, (i, v)| {
            acc & v.0.iter().fold(true, |a, x| a & watch.accepts(i, *x))
        })
    }

    /// Re-evaluates the lanes the watch flagged in the unbounded-exponent type.
    #[cold]
    #[inline(never)]
    fn fix_lanes(
        &self,
        t: &[f64; LANES],
        len: usize,
        o: &mut Observables<F64x8>,
        need: &Need,
    ) -> Result<(), Unrepresentable> {
        for (l, &tl) in t.iter().enumerate().take(len) {
            if all_accepted(&self.wide.watch, &o.map(|v| v.0[l])) {
                continue;
            }
            let w = settle(&self.wide.eval(tl), need)?;
            for c in exactflow_core::Column::VALUES {
                if let (Some(dst), Some(v)) = (o.get_mut(c), w.get(c)) {
                    dst.0[l] = *v;
                }
            }
        }
        Ok(())
    }

    /// Every point in the unbounded-exponent type (a scenario beyond `f64`'s range).
    #[cold]
    #[inline(never)]
    fn chunks_wide(
        &self,
        times: &[f64],
        need: &Need,
        mut f: impl FnMut(usize, usize, &Observables<F64x8>),
    ) -> Result<(), Unrepresentable> {
        for (k, c) in times.chunks(LANES).enumerate() {
            let rows = c
                .iter()
                .map(|&t| settle(&self.wide.eval(t), need))
                .collect::<Result<Vec<_>, _>>()?;
            let o = Observables::from_fn(|col| {
                F64x8(std::array::from_fn(|l| {
                    *rows[l.min(c.len() - 1)].get(col).expect("a value column")
                }))
            });
            f(k * LANES, c.len(), &o);
        }
        Ok(())
    }

    /// Per point, packed into lanes (chunks with a scaled `E`).
    #[cold]
    #[inline(never)]
    fn eval_scalar(&self, d: [Decay<f64>; LANES]) -> Observables<F64x8> {
        let o = d.map(|x| self.consts.eval_at(x));
        Observables::from_fn(|c| {
            F64x8(std::array::from_fn(|l| {
                o[l].get(c).copied().unwrap_or(f64::NAN)
            }))
        })
    }

    /// Decay factors of a chunk of points outside the common range (early times, the deep
    /// tail, ω = 0): on the lanes when none needs E's scaling, else per point.
    #[cold]
    #[inline(never)]
    fn decay_lanes_slow(&self, c: &[f64]) -> SlowDecay {
        let d: [Decay<f64>; LANES] = std::array::from_fn(|l| self.consts.decay(&c[l]));
        if d.iter().all(|x| x.sh == 0) {
            let lanes = |g: fn(&Decay<f64>) -> f64| F64x8(std::array::from_fn(|l| g(&d[l])));
            SlowDecay::Lanes(Decay {
                em: lanes(|x| x.em),
                sh: 0,
                e_full: lanes(|x| x.e_full),
                tau: lanes(|x| x.tau),
            })
        } else {
            SlowDecay::Scaled(d)
        }
    }

    /// A time by which the run has done what it will do: the residual is within 1e-12 of
    /// its initial distance from its limit (0 at a minimum, −θ* when the flow falls into
    /// the saddle) — after the escape from a small initialization, however long —
    /// rounded up to 1, 2, 3 or 5 × 10^k. Used for the default grid of `solve`. Always
    /// finite and positive.
    pub fn horizon(&self) -> f64 {
        let om = self.omega();
        let limit = self.wide.residual_limit().to_f64();
        let scale = (self.eval(0.0).residual - limit)
            .abs()
            .max(f64::MIN_POSITIVE);
        // Settled: the residual is within 1e-12 of its initial distance from its limit.
        let settled = |t: f64| {
            let e = self.eval(t).residual;
            (e - limit).abs() <= 1e-12 * scale || !e.is_finite()
        };
        let mut hi = if om > 0.0 && om.is_finite() {
            1.0 / om
        } else if om > 0.0 {
            f64::MIN_POSITIVE
        } else if exactflow_core::Scalar::is_zero(&self.wide.omega()) {
            1.0
        } else {
            // ω below f64's range: 1/ω beyond it (capped; the doubling goes no further).
            f64::MAX / 4.0
        };
        let mut steps = 0;
        while !settled(hi) && steps < 200 {
            hi *= 2.0;
            steps += 1;
        }
        // Bisect down to the first settled time (within 1%), then round up.
        let mut lo = hi / 2.0;
        if !settled(lo) {
            while hi - lo > 0.01 * hi {
                let mid = 0.5 * (lo + hi);
                if settled(mid) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
        }
        nice_ceil(hi)
    }
}

/// The instruction sets the lane loop is compiled for; all give the same results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    /// The target's baseline (SSE2 on x86-64).
    Baseline,
    /// x86-64 AVX2.
    Avx2,
    /// x86-64 AVX-512F.
    Avx512,
}

impl Isa {
    /// The instruction sets this CPU supports, from the baseline up (cached by std).
    pub fn available() -> Vec<Isa> {
        #[allow(unused_mut)]
        let mut v = vec![Isa::Baseline];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                v.push(Isa::Avx2);
            }
            if std::arch::is_x86_feature_detected!("avx512f") {
                v.push(Isa::Avx512);
            }
        }
        v
    }
}

/// Copies the first `len` lanes of `v` to `col[start..]` (a fixed-size copy for full
/// chunks, so it compiles to vector stores).
///
/// # Panics
/// If `col` is shorter than `start + len`.
#[inline(always)]
pub fn put(col: &mut [f64], start: usize, len: usize, v: &F64x8) {
    if len == LANES {
        col[start..start + LANES].copy_from_slice(&v.0);
    } else {
        col[start..start + len].copy_from_slice(&v.0[..len]);
    }
}

/// Decay factors of a chunk of points off the common path.
enum SlowDecay {
    /// On the lanes (no scaled E).
    Lanes(Decay<F64x8>),
    /// Per point (some E carried as m·2^j).
    Scaled([Decay<f64>; LANES]),
}

/// Rounds up to 1, 2, 3 or 5 × 10^k, returned as the `f64` nearest that decimal (so its
/// shortest decimal form is exactly `m e k`).
fn nice_ceil(t: f64) -> f64 {
    if !(t.is_finite() && t > 0.0) {
        return 1.0;
    }
    let k = t.log10().floor() as i32;
    for (m, kk) in [(1, k), (2, k), (3, k), (5, k), (1, k + 1), (2, k + 1)] {
        let v: f64 = format!("{m}e{kk}").parse().unwrap_or(f64::MAX);
        if v >= t {
            return v;
        }
    }
    f64::MAX
}

#[cfg(test)]
#[path = "tests/fast.rs"]
mod tests;
