//! `limit-vs-mp:<name>`: the exact limits' correctly rounded decimals against the mp balls
//! late in training, every tolerance and figure in MPFR (valid at every digits value: an
//! earlier version computed them in `f64`, which underflows above ~308 digits).

use crate::Line;
use exactflow_core::number::Q;
use exactflow_core::{Column, Constants, ExactReduction, Need};
use exactflow_mp::ball::Ball;
use exactflow_mp::MpSolution;
use exactflow_rational::limits::{FlowCase, Limits};
use rug::float::Round;
use rug::ops::Pow;
use rug::Float;

/// Working precision (bits) of the search for the settling time.
const SEARCH_PREC: u32 = 128;

/// Doublings of the search (`ωt` up to `2^62`, where `e^{−ωt}` leaves MPFR's widest
/// exponent range).
const MAX_DOUBLINGS: u32 = 62;

/// `|e(t) − e(∞)| ≤ 2^-SETTLED_LOG2 · |e(0) − e(∞)|` marks the end of the transient.
const SETTLED_LOG2: i64 = 40;

/// The first of the times `0, 1/ω, 2/ω, 4/ω, …` at which the residual is within
/// `2^-40` of its initial distance from its limit: past the escape from the saddle,
/// however small the initialization (`ωt ≈ 2 ln(1/scale)` there). From the mp balls'
/// midpoints at 128 bits — a choice of time, not a claim: a time chosen too early makes
/// the comparison fail, never pass. `None` when not settled by `ωt = 2^62`.
fn settled_time(mp: &MpSolution, omega: &Q, limit: &Float) -> Option<Q> {
    let dist = |t: &Q| -> Float {
        let o = mp.eval_at_prec(std::slice::from_ref(t), SEARCH_PREC);
        Float::with_val(SEARCH_PREC, o[0].residual.mid() - limit).abs()
    };
    let zero = Q::from_integer(0.into());
    let d0 = dist(&zero);
    if d0.is_zero() {
        return Some(zero);
    }
    let mut target = d0;
    exactflow_mp::exponent::mul_2exp(&mut target, -SETTLED_LOG2);
    let mut t = Q::from_integer(1.into()) / omega;
    for _ in 0..MAX_DOUBLINGS {
        let d = dist(&t);
        if d.is_finite() && d <= target {
            return Some(t);
        }
        t *= Q::from_integer(2.into());
    }
    None
}

/// `⌈(digits + 10)·ln 10⌉ + 40`: `e^{−c}` is below `10^-(digits+10)·e^{-40}`.
fn decay_count(digits: u32) -> u64 {
    // ln 10 < 2.302586.
    (u64::from(digits) + 10) * 2_302_586 / 1_000_000 + 41
}

/// `10^k` rounded in direction `round` at `prec` bits (any `i64` exponent MPFR's range
/// holds).
fn pow10(k: i64, prec: u32, round: Round) -> Float {
    let ten = Float::with_val(prec, 10);
    Float::with_val_round(prec, (&ten).pow(k), round).0
}

/// A line that does not apply (every name marked `not compared`, passing).
fn not_compared(named: &[(&str, Column)], why: &str) -> Vec<Line> {
    named
        .iter()
        .map(|(name, _)| Line {
            name: format!("limit-vs-mp:{name}"),
            passed: true,
            measured: "not compared".into(),
            bound: String::new(),
            detail: why.into(),
        })
        .collect()
}

/// The exact limits against mp at `T = t_s + c/ω`: `t_s` the settling time of the
/// solution ([`settled_time`]), `c` from [`decay_count`], so that the remaining transient
/// is below `10^-(digits+10)` relative to the initial one. A nonzero limit `l` holds when
/// `|mid − l| + rad ≤ 10^-(digits−1)·|l|` (the decimal is correctly rounded to `digits`
/// digits); a zero limit (`residual_inf` at a minimum) when `|e(T)| + rad ≤
/// 10^-digits·|e(0)|`, relative to the initial residual. All in MPFR.
pub(crate) fn limits_vs_mp(
    mp: &MpSolution,
    red: &ExactReduction,
    limits: &Limits,
    digits: u32,
) -> Vec<Line> {
    let named = [
        ("z_plus", Column::Z),
        ("ntk_inf", Column::Ntk),
        ("alignment_inf", Column::Alignment),
        ("residual_inf", Column::Residual),
    ];
    let c = Constants::<Ball>::new(red, &SEARCH_PREC);
    let omega = c.omega();
    let converges = matches!(limits.case, FlowCase::Converges | FlowCase::LinearConverges);
    let omega_q = exactflow_num::mpfr::float_to_q_exact(omega.mid());
    let omega_q = match omega_q {
        Some(w) if converges && !c.omega_is_zero() && w > Q::from_integer(0.into()) => w,
        _ => {
            let why = format!(
                "{}: the flow does not converge to a minimum at rate omega",
                limits.case.describe()
            );
            return not_compared(&named, &why);
        }
    };
    let lim_res = c.residual_limit().mid().clone();
    let Some(ts) = settled_time(mp, &omega_q, &lim_res) else {
        return not_compared(
            &named,
            "the residual has not settled by omega t = 2^62 (beyond the mp engine's range)",
        );
    };
    let count = decay_count(digits);
    let big_t = &ts + Q::from_integer(count.into()) / &omega_q;
    let late = mp.eval_certified(std::slice::from_ref(&big_t), digits + 10, Need::ALL);
    let at_zero = mp.eval_at_prec(&[Q::from_integer(0.into())], SEARCH_PREC);
    let prec = exactflow_num::mpfr::digits_to_bits(digits + 20);
    let omega_t = {
        let ts_f = exactflow_num::mpfr::q_to_float_nearest(&ts, 64);
        Float::with_val(64, &ts_f * omega.mid()) + count
    };
    let lim_of = |name: &str| match name {
        "z_plus" => &limits.z_plus,
        "ntk_inf" => &limits.ntk_inf,
        "alignment_inf" => &limits.alignment_inf,
        _ => &limits.residual_inf,
    };
    named
        .iter()
        .map(|&(name, col)| {
            let lim = lim_of(name);
            let b = late.values[0].get(col).expect("a value column");
            let scale = match col {
                Column::Residual => at_zero[0].residual.mid().clone().abs(),
                _ => Float::with_val(prec, 1),
            };
            let (passed, measured) = compare(b, &lim.decimal, digits, prec, &scale);
            Line {
                name: format!("limit-vs-mp:{name}"),
                passed: passed && late.cells.is_empty(),
                measured,
                bound: format!(
                    "<= 1e-{} relative (a zero limit: 1e-{digits} of the {})",
                    digits - 1,
                    if col == Column::Residual {
                        "initial residual"
                    } else {
                        "unit"
                    }
                ),
                detail: format!(
                    "mp at omega t = {} (settled at t = {}): {}; exact limit {}",
                    exactflow_mp::format_float(&omega_t, 6),
                    exactflow_core::number::format_q_sci(&ts, 4),
                    exactflow_mp::format_mid(b, 12),
                    lim.decimal
                ),
            }
        })
        .collect()
}

/// `(held, measured)` for the ball `b` against the decimal `decimal`: relative to `|l|`,
/// or for a zero limit relative to `scale`. Rounded up throughout.
fn compare(b: &Ball, decimal: &str, digits: u32, prec: u32, scale: &Float) -> (bool, String) {
    let Ok(parsed) = Float::parse(decimal) else {
        return (false, format!("unreadable limit {decimal}"));
    };
    let l = Float::with_val(prec, parsed);
    if b.is_nan() || !l.is_finite() {
        return (false, "mp gave no value".into());
    }
    let diff = Float::with_val_round(prec, b.mid() - &l, Round::Up).0.abs();
    let diff_lo = Float::with_val_round(prec, b.mid() - &l, Round::Down)
        .0
        .abs();
    let d = Float::with_val_round(prec, diff.max(&diff_lo) + b.rad(), Round::Up).0;
    let (den, k, what) = if l.is_zero() {
        (
            scale.clone(),
            -i64::from(digits),
            "difference relative to the scale",
        )
    } else {
        (
            l.clone().abs(),
            1 - i64::from(digits),
            "relative difference",
        )
    };
    if den.is_zero() {
        return (d.is_zero(), format!("absolute difference {}", up(&d)));
    }
    let allowed = Float::with_val_round(prec, &den * pow10(k, prec, Round::Down), Round::Down).0;
    let rel = Float::with_val_round(prec, &d / &den, Round::Up).0;
    (d <= allowed, format!("{what} {}", up(&rel)))
}

/// A non-negative float rounded up to 4 significant digits.
fn up(x: &Float) -> String {
    exactflow_mp::format_up(x, 4)
}
