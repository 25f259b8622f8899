//! exactflow-mp: the closed form of docs/model.md at any precision, with certified bounds.
//!
//! The mathematics is [`exactflow_core::closed_form`], the same code the `f64` engine
//! runs, instantiated at [`ball::Ball`] — MPFR midpoint–radius balls whose every
//! operation encloses the exact result. So each value comes with a bound that proves it:
//! the ball contains the exact value of the closed form at the exact (rational) time.
//! What is certified is the *evaluation* of the closed form; the closed form itself is
//! checked against docs/model.md's literal formulas and an independent integration of the
//! raw flow by the test suite.
//!
//! [`MpSolution::eval_certified`] raises the working precision until every value's
//! radius is below half a unit in the last of the requested decimal digits, so that the
//! printed digits are correct to one unit in the last place.

pub mod ball;
pub mod mag;

use ball::Ball;
use exactflow_core::closed_form::Decay;
use exactflow_core::closed_form::EXPM1_BELOW;
use exactflow_core::number::Q;
use exactflow_core::{Column, Constants, ExactReduction, Need, Observables, Real, Scalar};
use mag::Mag;

/// Smallest and largest `--digits` the engine accepts.
pub const MIN_DIGITS: u32 = 10;
/// See [`MIN_DIGITS`].
pub const MAX_DIGITS: u32 = 100_000;

/// On uniform grids, the decay factor is recomputed directly every this many points.
pub const REANCHOR: usize = 32;

/// The common difference of `times` when it is a uniform grid of at least three points.
fn uniform_step(times: &[Q]) -> Option<Q> {
    if times.len() < 3 {
        return None;
    }
    let step = &times[1] - &times[0];
    let uniform = times.windows(2).all(|w| &w[1] - &w[0] == step);
    (uniform && step > Q::from_integer(0.into())).then_some(step)
}

/// Whether integer times `ks` form a uniform grid of at least three points (their step).
fn uniform_ks(ks: &[u64]) -> Option<u64> {
    let step = ks.get(1)?.checked_sub(*ks.first()?)?;
    (ks.len() >= 3 && step > 0 && ks.windows(2).all(|w| w[1].checked_sub(w[0]) == Some(step)))
        .then_some(step)
}

/// Outside `DYADIC_MIN_PREC..=DYADIC_MAX_PREC` (working precision, bits) times without a
/// common denominator take a ball `exp` each rather than the dyadic table and series
/// (`Dyadic`), which wins only in between.
pub const DYADIC_MIN_PREC: u32 = 1024;
/// See [`DYADIC_MIN_PREC`].
pub const DYADIC_MAX_PREC: u32 = 4096;

/// `log2(10)`.
const LOG2_10: f64 = std::f64::consts::LOG2_10;

/// `e^{−ωk/L}` for integers `0 ≤ k < 16^levels` as a product of at most `levels`
/// table entries `T[i][d] = e^{−ω·d·16^i/L}` (`d = 1..15`), one per non-zero hex digit
/// of `k`.
///
/// Rigour: `T[0][1]` is a ball `exp` of the ball `ω/L`; every other entry is a ball
/// product of two earlier entries (`e^{x}e^{y} = e^{x+y}` exactly), so each entry
/// contains its exact value. Built with 16 guard bits (the longest product chain has
/// `15·levels` links, each adding about one ulp of relative radius) and rounded to the
/// working precision.
struct PowTable {
    entries: Vec<[Ball; 15]>,
}

impl PowTable {
    /// The table for `k ≤ kmax`; `None` if `ω/L` is so large that entries would leave
    /// MPFR's exponent range (then direct `exp` is used).
    fn new(omega: &Ball, l: &num_bigint::BigInt, kmax: u64, prec: u32) -> Option<PowTable> {
        let levels = ((64 - kmax.leading_zeros()) as usize).div_ceil(4).max(1);
        let wide = prec + 16;
        let inv_l = Q::new(1.into(), l.clone());
        let x = omega.clone() * Ball::from_q(&inv_l, &wide);
        // ωk/L ≤ 16^levels·ω/L must stay far inside the exponent range.
        if x.to_f64() * 16f64.powi(levels as i32) > 1e8 {
            return None;
        }
        let one_step = (-x).exp();
        let mut entries: Vec<[Ball; 15]> = Vec::with_capacity(levels);
        let mut base = one_step;
        for _ in 0..levels {
            let mut row: Vec<Ball> = Vec::with_capacity(15);
            let mut acc = base.clone();
            row.push(acc.clone());
            for _ in 1..15 {
                acc = acc * base.clone();
                row.push(acc.clone());
            }
            // 16·16^i = 15·16^i + 16^i.
            base = acc * base;
            let row: [Ball; 15] = row.try_into().ok()?;
            entries.push(row);
        }
        let entries = entries
            .into_iter()
            .map(|row| row.map(|b| b.round_to(prec)))
            .collect();
        Some(PowTable { entries })
    }

    /// `e^{−ωk/L}` as a ball at the working precision (`None` if `k` is beyond the
    /// table).
    fn get(&self, mut k: u64) -> Option<Ball> {
        let mut out: Option<Ball> = None;
        for row in &self.entries {
            let d = (k & 15) as usize;
            k >>= 4;
            if d > 0 {
                let f = row.get(d - 1)?.clone();
                out = Some(match out {
                    Some(o) => o * f,
                    None => f,
                });
            }
        }
        if k != 0 {
            return None;
        }
        out.or_else(|| {
            let p = self.entries.first()?[0].prec();
            Some(Ball::from_i32(1, &p))
        })
    }
}

/// `e^{−y}` for a ball `y` with `|y| ≤ 1/4`, by its Taylor series evaluated with
/// Paterson–Stockmeyer blocking: the powers `z, …, z^s` of `z = −y` (`s − 1` products),
/// each block `Σ_i z^i/((bs+1)⋯(bs+i))` by divisions by machine integers (linear time),
/// and the blocks joined by Horner's rule in `z^s` (one product and one integer division
/// each). `N` terms with `2ρ^N/N! ≤ 2^-(prec+10)`, `ρ ≥ |y|`; that bound on the tail
/// (`Σ_{j≥N} ρ^j/j! ≤ ρ^N/N!·1/(1 − ρ/(N+1))`) is added to the radius. `None` when
/// `|y| > 1/4`.
fn exp_neg_small(y: &Ball) -> Option<Ball> {
    let prec = y.prec();
    let rho = y.abs_up();
    if rho > Mag::pow2(-2) {
        return None;
    }
    let one = Ball::from_i32(1, &prec);
    if rho.is_zero() {
        return Some(one);
    }
    // Terms: N·log2(1/ρ) + log2(N!) ≥ prec + 11.
    let l = -rho.log2_approx();
    let (mut n, mut log_fact) = (1usize, 0f64);
    while (n as f64) * l + log_fact < prec as f64 + 11.0 && n < 100_000 {
        n += 1;
        log_fact += (n as f64).log2();
    }
    // Block size: products of `s` factors ≤ N stay below 2^63.
    let bits = usize::BITS - n.leading_zeros();
    let s = (63 / bits.max(1)).max(1) as usize;
    let z = -y.clone();
    let mut pw: Vec<Ball> = Vec::with_capacity(s + 1);
    pw.push(one.clone());
    for i in 1..=s {
        let next = if i % 2 == 0 {
            pw.get(i / 2)?.square()
        } else {
            pw.get(i - 1)?.clone() * &z
        };
        pw.push(next);
    }
    let blocks = n.div_ceil(s);
    let block = |b: usize| -> Option<Ball> {
        let mut sum = one.clone();
        let mut d: u64 = 1;
        for i in 1..s.min(n - b * s) {
            d = d.checked_mul((b * s + i) as u64)?;
            sum = sum + pw.get(i)?.clone().div_u64(d);
        }
        Some(sum)
    };
    let mut acc = block(blocks - 1)?;
    for b in (0..blocks - 1).rev() {
        let mut p: u64 = 1;
        for l in 1..=s {
            p = p.checked_mul((b * s + l) as u64)?;
        }
        acc = block(b)? + (acc * pw.get(s)?).div_u64(p);
    }
    // Tail bound 2ρ^N/N!.
    let mut tail = Mag::pow2(1);
    for i in 1..=n {
        tail = Mag::div_up(Mag::mul_up(tail, rho), Mag::from_u64_down(i as u64));
    }
    Some(acc.add_error(tail))
}

/// Times with no small common denominator: `t = k/2^m + r`, `0 ≤ r < 2^-m`, so that
/// `e^{−ωt} = e^{−ωk/2^m}·e^{−ωr}` — the first factor from a [`PowTable`] with
/// `L = 2^m`, the second by [`exp_neg_small`] (`ωr < 2^-3`).
struct Dyadic {
    table: PowTable,
    m: u32,
}

impl Dyadic {
    /// For times up to `tmax`: `m` as large as `k < 2^62` allows, and `ω·2^-m ≤ 1/8`.
    fn new(omega: &Ball, tmax: f64, prec: u32) -> Option<Dyadic> {
        if !tmax.is_finite() || tmax < 0.0 {
            return None;
        }
        let int_bits = (tmax + 1.0).log2().ceil() as i64;
        let m = (62 - int_bits).min(56);
        if m < 8 || omega.to_f64() * 2f64.powi(-(m as i32)) > 0.125 {
            return None;
        }
        let m = m as u32;
        let l = num_bigint::BigInt::from(1u8) << m;
        let kmax = ((tmax + 1.0) * 2f64.powi(m as i32)) as u64;
        Some(Dyadic {
            table: PowTable::new(omega, &l, kmax, prec)?,
            m,
        })
    }

    /// `e^{−ωt}` as a ball.
    fn exp_neg(&self, omega: &Ball, t: &Q, prec: u32) -> Option<Ball> {
        use num_traits::ToPrimitive;
        let l = Q::from_integer(num_bigint::BigInt::from(1u8) << self.m);
        let k = (t * &l).floor().to_integer();
        let r = t - Q::from_integer(k.clone()) / &l;
        let head = self.table.get(k.to_u64()?)?;
        let y = omega.clone() * Ball::from_q(&r, &prec);
        Some(head * &exp_neg_small(&y)?)
    }
}

/// The times as `k/L` with a common denominator `L < 2^64` and every `k < 2^64`, if
/// they are so (`(L, ks)`). Machine-integer arithmetic throughout (the times of a table
/// are typically decimals).
fn common_denominator(times: &[Q]) -> Option<(num_bigint::BigInt, Vec<u64>)> {
    use num_integer::Integer;
    use num_traits::ToPrimitive;
    let parts = times
        .iter()
        .map(|t| Some((t.numer().to_u64()?, t.denom().to_u64()?)))
        .collect::<Option<Vec<(u64, u64)>>>()?;
    let mut l: u64 = 1;
    for &(_, d) in &parts {
        let g = l.gcd(&d);
        l = l.checked_mul(d / g)?;
    }
    let ks = parts
        .iter()
        .map(|&(n, d)| n.checked_mul(l / d))
        .collect::<Option<Vec<u64>>>()?;
    Some((l.into(), ks))
}

/// The decay factor of one time point: `E = e^{−ωt}` alone (from a table or a grid
/// recurrence; `small` when `ωt < ln 2`, where `1 − E` formed from `E` loses
/// `log2(1/ωt)` bits), or the full [`Decay`] from [`Constants::decay`].
enum Factor {
    Exp { e: Ball, small: bool },
    Decay(Decay<Ball>),
}

impl Factor {
    fn e(&self) -> &Ball {
        match self {
            Factor::Exp { e, .. } => e,
            Factor::Decay(d) => &d.e_full,
        }
    }

    /// Every observable at time `t`, by [`Constants::eval_at`] (whose `τ` must not
    /// cancel: recomputed by `expm1` where `ωt < ln 2`).
    fn eval_at(self, c: &Constants<Ball>, t: &Q) -> Observables<Ball> {
        match self {
            Factor::Exp { small: true, e } => c.eval_at(c.decay(&Ball::from_q(t, &e.prec()))),
            Factor::Exp { e, .. } => c.eval_at(c.decay_from_exp(e)),
            Factor::Decay(d) => c.eval_at(d),
        }
    }

    /// The observables in `need` by [`Constants::eval_lean`] where it applies, else by
    /// [`Constants::eval_at`].
    fn eval_lean(
        &self,
        c: &Constants<Ball>,
        t: &Q,
        need: Need,
        from_slope: bool,
    ) -> Observables<Ball> {
        let lean = match self {
            Factor::Exp { e, .. } => c.eval_lean(e, None, need, from_slope),
            // 1 − E = ωτ (for ωt < ln 2, τ comes from expm1).
            Factor::Decay(d) if d.sh == 0 => c.eval_lean(
                &d.e_full,
                Some(c.omega().clone() * &d.tau),
                need,
                from_slope,
            ),
            Factor::Decay(_) => None,
        };
        match lean {
            Some(o) => o,
            None => match self {
                Factor::Exp { e, small } => Factor::Exp {
                    e: e.clone(),
                    small: *small,
                }
                .eval_at(c, t),
                Factor::Decay(d) => c.eval_at(d.clone()),
            },
        }
    }
}

/// A scenario's closed form, ready to evaluate in balls.
#[derive(Debug, Clone)]
pub struct MpSolution {
    red: ExactReduction,
}

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
    /// From the exact reduction.
    pub fn new(red: ExactReduction) -> Self {
        MpSolution { red }
    }

    /// The decay factors `E = e^{−ωt}`, `τ = (1 − E)/ω` at each exact time, as balls
    /// containing the exact values. Where `ωt ≥ ln 2` (no cancellation in `1 − E`):
    /// on a uniform grid (`t_j = t_0 + jΔ` exactly) `E` is carried from point to point,
    /// `E_{j+1} = E_j · e^{−ωΔ}` — an exact identity, so the ball product is a rigorous
    /// enclosure — and re-anchored every [`REANCHOR`] points; times with a common
    /// denominator `L` (every table of decimal times) take `E` from a [`PowTable`] of
    /// `e^{−ω·d·16^i/L}`, a handful of products instead of an `exp`. Elsewhere, and for
    /// `ωt < ln 2`, [`Constants::decay`] (ball `exp`/`expm1`).
    fn decays(&self, c: &Constants<Ball>, times: &[Q], prec: u32) -> Vec<Factor> {
        let direct = |t: &Q| Factor::Decay(c.decay(&Ball::from_q(t, &prec)));
        if c.omega_is_zero() || times.is_empty() {
            return times.iter().map(direct).collect();
        }
        let omega = c.omega().clone();
        let table = common_denominator(times).and_then(|(l, ks)| {
            let kmax = ks.iter().copied().max()?;
            let l_f = exactflow_core::number::q_to_f64(&Q::from_integer(l.clone()));
            Some((PowTable::new(&omega, &l, kmax, prec)?, ks, l_f))
        });
        let uniform = match &table {
            Some((_, ks, _)) => uniform_ks(ks).and_then(|_| Some(times.get(1)? - times.first()?)),
            None => uniform_step(times),
        };
        let step_factor = uniform.map(|step| {
            // On a uniform grid k_{j+1} − k_j is the step in units of 1/L.
            table
                .as_ref()
                .and_then(|(tab, ks, _)| tab.get(ks.get(1)?.checked_sub(*ks.first()?)?))
                .unwrap_or_else(|| (-(omega.clone() * Ball::from_q(&step, &prec))).exp())
        });
        // No common denominator: a dyadic table and a short series, where enough points
        // share the table's cost (about 240 products).
        let omega_f = omega.to_f64();
        // Below ~1000 bits MPFR's exp costs a few products; above ~4000 bits the series
        // needs hundreds of terms: there MPFR's exp is faster (measured at 50, 1000 and
        // 10000 digits).
        let dyadic = if table.is_none()
            && step_factor.is_none()
            && times.len() >= 8
            && (DYADIC_MIN_PREC..=DYADIC_MAX_PREC).contains(&prec)
        {
            let tmax = times
                .iter()
                .map(exactflow_core::number::q_to_f64)
                .fold(0f64, f64::max);
            Dyadic::new(&omega, tmax, prec)
        } else {
            None
        };
        let mut carried: Option<Ball> = None;
        let mut out = Vec::with_capacity(times.len());
        let l_f = table.as_ref().map(|(_, _, l)| *l);
        for (j, t) in times.iter().enumerate() {
            let tf = match (&table, l_f) {
                (Some((_, ks, _)), Some(l)) => ks.get(j).map_or(f64::NAN, |&k| k as f64 / l),
                _ => exactflow_core::number::q_to_f64(t),
            };
            let x = omega_f * tf;
            let small = x.is_nan() || x < EXPM1_BELOW;
            let from_prev = match (&step_factor, carried.take()) {
                (Some(f), Some(e)) if j % REANCHOR != 0 => Some(e * f),
                _ => None,
            };
            let from_table = || table.as_ref().and_then(|(tab, ks, _)| tab.get(*ks.get(j)?));
            let from_dyadic = || match &dyadic {
                Some(dy) if !small => dy.exp_neg(&omega, t, prec),
                _ => None,
            };
            let dec = match from_prev.or_else(from_table).or_else(from_dyadic) {
                Some(e) => Factor::Exp { e, small },
                None => direct(t),
            };
            carried = Some(dec.e().clone());
            out.push(dec);
        }
        out
    }

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
        let base = (digits as f64 * LOG2_10).ceil() as u32;
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

/// The midpoint of `b` rounded to `digits` significant decimal digits (MPFR's correctly
/// rounded conversion, ties to even), in the style of the `f64` tables (`1.2500e-1`);
/// `nan` for a ball without information.
pub fn format_mid(b: &Ball, digits: usize) -> String {
    if b.is_nan() {
        return "nan".to_string();
    }
    format_float(b.mid(), digits)
}

/// An MPFR float rounded to `digits` significant decimal digits (correctly rounded, ties
/// to even) in the style of the `f64` tables; `nan` for NaN, `0.00…e0` for either zero.
pub fn format_float(x: &rug::Float, digits: usize) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_zero() {
        return exactflow_core::number::format_q_sci(&Q::from_integer(0.into()), digits);
    }
    format!("{:.*e}", digits, x)
}

/// A certified bound on `|printed − exact|` for the text `printed` (from [`format_mid`],
/// `digits` significant digits) of `b`: half a unit in the last printed digit (MPFR's
/// decimal conversion is correctly rounded to nearest) plus the radius, rounded up to
/// two significant digits. `0.0e0` for an exact value printed exactly; `nan` when the
/// ball carries no bound.
pub fn format_err(b: &Ball, printed: &str, digits: usize) -> String {
    use rug::float::Round;
    use rug::ops::Pow;
    use rug::Float;
    if b.is_nan() {
        return "nan".to_string();
    }
    let prec = ball::RAD_PREC;
    let half_unit = if b.mid().is_zero() {
        Float::with_val(prec, 0)
    } else {
        // printed = d.ddd…e<E>: a unit in the last place is 10^(E − digits + 1).
        let exp: i64 = printed
            .rsplit_once('e')
            .and_then(|(_, e)| e.parse().ok())
            .unwrap_or(0);
        let k = (exp - digits as i64 + 1).clamp(i32::MIN as i64, i32::MAX as i64) as i32;
        let ten = Float::with_val(prec, 10);
        let unit = Float::with_val_round(prec, (&ten).pow(k), Round::Up).0;
        unit / 2u32
    };
    let bound = Float::with_val_round(prec, &half_unit + &b.rad(), Round::Up).0;
    match bound.to_rational().and_then(|r| rug_to_q(&r)) {
        Some(q) => exactflow_core::number::format_q_sci_up(&q, 2),
        None => "nan".to_string(),
    }
}

/// An exact rug rational as an exact `num` rational (through decimal text; used on
/// radii, whose mantissas have 64 bits).
fn rug_to_q(r: &rug::Rational) -> Option<Q> {
    let n: num_bigint::BigInt = r.numer().to_string().parse().ok()?;
    let d: num_bigint::BigInt = r.denom().to_string().parse().ok()?;
    Some(Q::new(n, d))
}

#[cfg(test)]
#[path = "tests/mp.rs"]
mod tests;
