//! Exact numbers → decimal text: deterministic scientific notation of rationals and of
//! the exact binary value of a double, rounded to nearest (ties to even) or upward.

use crate::float::f64_to_q_exact;
use crate::Q;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{Signed, Zero};

/// Formats `q` in scientific notation with `digits` significant digits (≥ 1), rounding
/// to nearest with ties to even, deterministically: `1.2500e-3`, `-7.0e0`, `0.0e0`.
/// The exponent has no padding and no `+`, the same style Rust's `{:e}` uses.
pub fn format_q_sci(q: &Q, digits: usize) -> String {
    format_q_sci_mode(q, digits, false)
}

/// As [`format_q_sci`], but rounding the magnitude up (toward +∞ for `q ≥ 0`): the printed
/// number is never below `|q|`. For error bounds.
pub fn format_q_sci_up(q: &Q, digits: usize) -> String {
    format_q_sci_mode(q, digits, true)
}

fn format_q_sci_mode(q: &Q, digits: usize, up: bool) -> String {
    let digits = digits.max(1);
    if q.is_zero() {
        return if digits > 1 {
            format!("0.{}e0", "0".repeat(digits - 1))
        } else {
            "0e0".to_string()
        };
    }
    // Integer arithmetic only (no gcd): |q| = n/d.
    let negative = q.is_negative();
    let n = q.numer().magnitude().clone();
    let d = q.denom().magnitude().clone();
    let ten = BigUint::from(10u32);
    let pow10 = |k: u64| num_traits::pow(ten.clone(), k as usize);
    // Decimal exponent e with 10^e <= n/d < 10^(e+1), from an estimate fixed up exactly.
    let mut e = ((n.bits() as f64 - d.bits() as f64) * std::f64::consts::LOG10_2).floor() as i64;
    // ge(e): n/d >= 10^e
    let ge = |e: i64| -> bool {
        if e >= 0 {
            n >= &d * pow10(e as u64)
        } else {
            &n * pow10((-e) as u64) >= d
        }
    };
    while !ge(e) {
        e -= 1;
    }
    while ge(e + 1) {
        e += 1;
    }
    // m = n·10^k/d rounded, k = digits − 1 − e.
    let k = digits as i64 - 1 - e;
    let (num, den) = if k >= 0 {
        (&n * pow10(k as u64), d.clone())
    } else {
        (n.clone(), &d * pow10((-k) as u64))
    };
    let (mut m, rem) = num.div_rem(&den);
    if up {
        if !rem.is_zero() {
            m += 1u32;
        }
    } else {
        let twice = &rem << 1u32;
        match twice.cmp(&den) {
            std::cmp::Ordering::Greater => m += 1u32,
            std::cmp::Ordering::Equal if m.is_odd() => m += 1u32,
            _ => {}
        }
    }
    let mut text = m.to_str_radix(10);
    if text.len() > digits {
        // Rounded up to 10^digits.
        text.truncate(digits);
        e += 1;
    }
    let mut out = String::with_capacity(digits + 8);
    if negative {
        out.push('-');
    }
    out.push_str(&text[..1]);
    if digits > 1 {
        out.push('.');
        out.push_str(&text[1..]);
    }
    out.push('e');
    out.push_str(&e.to_string());
    out
}

/// Formats a finite `f64` with `digits` significant digits in the same style as
/// [`format_q_sci`] (the exact binary value, correctly rounded to decimal). NaN prints
/// as `nan`, infinities as `inf` / `-inf`.
pub fn format_f64_sci(x: f64, digits: usize) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let digits = digits.max(1);
    if x == 0.0 {
        // Keep the sign of zero out of tables: -0 and 0 are the same value.
        return format_q_sci(&Q::zero(), digits);
    }
    if digits > 17 {
        // Beyond 17 digits (and beyond the formatter's precision limit of 65535) the
        // exact binary value, through the exact rational.
        let q = f64_to_q_exact(x).expect("x is finite");
        return format_q_sci(&q, digits);
    }
    format!("{:.*e}", digits - 1, x)
}

#[cfg(test)]
#[path = "tests/format.rs"]
mod tests;
