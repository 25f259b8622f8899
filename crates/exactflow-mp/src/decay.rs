//! The decay factors `E = e^{−ωt}` of many exact time points at once: uniform grids by
//! an exact recurrence, common denominators by a power table, other times by a dyadic
//! table and a short Taylor series, and a ball `exp` otherwise.

use crate::ball::Ball;
use crate::mag::Mag;
use crate::MpSolution;
use exactflow_core::closed_form::{Decay, EXPM1_BELOW};
use exactflow_core::number::Q;
use exactflow_core::{Constants, Need, Observables, Real, Scalar};

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
pub(crate) fn exp_neg_small(y: &Ball) -> Option<Ball> {
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
pub(crate) enum Factor {
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
    pub(crate) fn eval_at(self, c: &Constants<Ball>, t: &Q) -> Observables<Ball> {
        match self {
            Factor::Exp { small: true, e } => c.eval_at(c.decay(&Ball::from_q(t, &e.prec()))),
            Factor::Exp { e, .. } => c.eval_at(c.decay_from_exp(e)),
            Factor::Decay(d) => c.eval_at(d),
        }
    }

    /// The observables in `need` by [`Constants::eval_lean`] where it applies, else by
    /// [`Constants::eval_at`].
    pub(crate) fn eval_lean(
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

impl MpSolution {
    /// The decay factors `E = e^{−ωt}`, `τ = (1 − E)/ω` at each exact time, as balls
    /// containing the exact values. Where `ωt ≥ ln 2` (no cancellation in `1 − E`):
    /// on a uniform grid (`t_j = t_0 + jΔ` exactly) `E` is carried from point to point,
    /// `E_{j+1} = E_j · e^{−ωΔ}` — an exact identity, so the ball product is a rigorous
    /// enclosure — and re-anchored every [`REANCHOR`] points; times with a common
    /// denominator `L` (every table of decimal times) take `E` from a [`PowTable`] of
    /// `e^{−ω·d·16^i/L}`, a handful of products instead of an `exp`. Elsewhere, and for
    /// `ωt < ln 2`, [`Constants::decay`] (ball `exp`/`expm1`).
    pub(crate) fn decays(&self, c: &Constants<Ball>, times: &[Q], prec: u32) -> Vec<Factor> {
        let direct = |t: &Q| Factor::Decay(c.decay(&Ball::from_q(t, &prec)));
        if c.omega_is_zero() || times.is_empty() {
            return times.iter().map(direct).collect();
        }
        let omega = c.omega().clone();
        let table = common_denominator(times).and_then(|(l, ks)| {
            let kmax = ks.iter().copied().max()?;
            let l_f = exactflow_core::number::q_to_f64_nearest(&Q::from_integer(l.clone()));
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
                .map(exactflow_core::number::q_to_f64_nearest)
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
                _ => exactflow_core::number::q_to_f64_nearest(t),
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
}
