//! Exact numbers: parsing decimal and `p/q` text into rationals, correctly rounded
//! conversion of rationals (and of their square roots) to `f64`, and deterministic
//! decimal formatting of rationals.
//!
//! Every function here is exact or correctly rounded; none depends on the platform's
//! floating-point library.

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use thiserror::Error;

/// An exact rational number (arbitrary-size numerator and denominator, always reduced).
pub type Q = BigRational;

/// Largest decimal exponent magnitude accepted in number text (`1e-9999` is accepted,
/// `1e-10000` is refused). Keeps every parsed number below about 33,000 bits.
pub const MAX_DECIMAL_EXPONENT: i64 = 9999;

/// Longest number text accepted, in bytes.
pub const MAX_NUMBER_LEN: usize = 4096;

/// Why a piece of text is not an exact number.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NumberError {
    /// The text is empty.
    #[error("empty number")]
    Empty,
    /// The text is not of the accepted form.
    #[error("malformed number {0:?} (expected a decimal such as 0.1, -2.5e-3, or a ratio p/q such as 3/7)")]
    Malformed(String),
    /// `inf`, `nan` and similar.
    #[error("non-finite number {0:?}: only finite numbers are accepted")]
    NonFinite(String),
    /// The decimal exponent is beyond [`MAX_DECIMAL_EXPONENT`].
    #[error("exponent of {0:?} is beyond the limit of ±{MAX_DECIMAL_EXPONENT}")]
    ExponentTooLarge(String),
    /// The text is longer than [`MAX_NUMBER_LEN`].
    #[error("number text longer than {MAX_NUMBER_LEN} characters")]
    TooLong,
    /// `p/0`.
    #[error("zero denominator in {0:?}")]
    ZeroDenominator(String),
}

/// Parses number text exactly.
///
/// Accepted forms: an optional sign, decimal digits with an optional fraction and an
/// optional exponent (`12`, `-0.25`, `.5`, `3.`, `1e-3`, `2.5E+7`), TOML-style
/// underscores between digits (`1_000`), and ratios `p/q` of two such numbers (`3/7`,
/// `-1/3`, `0.5/3`). The result is the exact value of the text: `0.1` is `1/10`.
///
/// # Errors
/// [`NumberError`] naming the problem; non-finite spellings (`inf`, `nan`) are refused.
pub fn parse_exact(text: &str) -> Result<Q, NumberError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    if s.len() > MAX_NUMBER_LEN {
        return Err(NumberError::TooLong);
    }
    let lower = s.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if body.starts_with("inf") || body.starts_with("nan") {
        return Err(NumberError::NonFinite(s.to_string()));
    }
    if let Some((p, q)) = s.split_once('/') {
        let p = parse_decimal(p.trim(), s)?;
        let q = parse_decimal(q.trim(), s)?;
        if q.is_zero() {
            return Err(NumberError::ZeroDenominator(s.to_string()));
        }
        return Ok(p / q);
    }
    parse_decimal(s, s)
}

fn parse_decimal(s: &str, whole: &str) -> Result<Q, NumberError> {
    let bad = || NumberError::Malformed(whole.to_string());
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut negative = false;
    if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
        negative = bytes[i] == b'-';
        i += 1;
    }
    let mut digits = String::new();
    let mut frac_len: i64 = 0;
    let mut seen_digit = false;
    let mut seen_point = false;
    let mut prev_digit = false;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'0'..=b'9' => {
                digits.push(c as char);
                if seen_point {
                    frac_len += 1;
                }
                seen_digit = true;
                prev_digit = true;
            }
            b'_' => {
                // TOML: an underscore must sit between two digits.
                let next_digit = bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit());
                if !prev_digit || !next_digit {
                    return Err(bad());
                }
                prev_digit = false;
            }
            b'.' if !seen_point => {
                seen_point = true;
                prev_digit = false;
            }
            b'e' | b'E' => break,
            _ => return Err(bad()),
        }
        i += 1;
    }
    if !seen_digit {
        return Err(bad());
    }
    let mut exp: i64 = 0;
    if i < bytes.len() {
        // exponent
        i += 1;
        let mut exp_neg = false;
        if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
            exp_neg = bytes[i] == b'-';
            i += 1;
        }
        let exp_text: String = s[i..].chars().filter(|&c| c != '_').collect();
        if exp_text.is_empty() || !exp_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let trimmed = exp_text.trim_start_matches('0');
        if trimmed.len() > 6 {
            return Err(NumberError::ExponentTooLarge(whole.to_string()));
        }
        exp = trimmed.parse::<i64>().unwrap_or(0);
        if exp_neg {
            exp = -exp;
        }
    }
    let total_exp = exp - frac_len;
    if exp.abs() > MAX_DECIMAL_EXPONENT
        || total_exp.abs() > MAX_DECIMAL_EXPONENT + MAX_NUMBER_LEN as i64
    {
        return Err(NumberError::ExponentTooLarge(whole.to_string()));
    }
    let mantissa: BigInt = digits.parse().map_err(|_| bad())?;
    let mantissa = if negative { -mantissa } else { mantissa };
    let ten = BigInt::from(10u32);
    let pow = num_traits::pow(ten, total_exp.unsigned_abs() as usize);
    Ok(if total_exp >= 0 {
        Q::from_integer(mantissa * pow)
    } else {
        Q::new(mantissa, pow)
    })
}

/// Number of significant bits used before the final rounding to `f64` (53 + guard).
const F64_WORK_BITS: u64 = 64;

/// Rounds `mant · 2^exp2` (+ a strictly positive sticky amount below the last bit of
/// `mant` when `sticky`) to the nearest `f64`, ties to even, with gradual underflow.
fn round_to_f64(negative: bool, mant: &BigUint, exp2: i64, sticky: bool) -> f64 {
    if mant.is_zero() {
        // Only possible when the exact value is zero (callers never pass sticky here).
        return if negative { -0.0 } else { 0.0 };
    }
    let len = mant.bits() as i64; // value in [2^(len-1+exp2), 2^(len+exp2))
    let top = len - 1 + exp2; // binary exponent of the leading bit
                              // Precision available at this exponent: 53 for normal numbers, fewer for subnormals.
    let prec = if top >= -1022 { 53 } else { 53 - (-1022 - top) };
    if prec <= 0 {
        // Below half the smallest subnormal (or at most exactly half: round to even = 0),
        // unless it is above half of 2^-1074.
        let half_min = -1075i64;
        let above_half = top > half_min || (top == half_min && (sticky || mant.count_ones() > 1));
        let v = if prec == 0 && above_half {
            f64::from_bits(1)
        } else {
            0.0
        };
        return if negative { -v } else { v };
    }
    let drop = len - prec;
    let (mut kept, round_up) = if drop > 0 {
        let kept = mant >> (drop as u64);
        let half = BigUint::one() << ((drop - 1) as u64);
        let rest = mant - (&kept << (drop as u64));
        let up = match rest.cmp(&half) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => sticky || kept.is_odd(),
        };
        (kept, up)
    } else {
        (mant.clone(), false)
    };
    if round_up {
        kept += 1u32;
    }
    let shift = exp2 + drop.max(0);
    // kept has at most 54 bits: exact in f64's range after scaling by a power of two.
    let k = kept.to_u64().unwrap_or(u64::MAX) as f64; // ok: kept < 2^54
    let v = ldexp(k, shift);
    if negative {
        -v
    } else {
        v
    }
}

/// `x · 2^e`, exact whenever the result is a normal or subnormal `f64` that `x`'s
/// significand fits in (used on integers below 2^54).
pub fn ldexp(x: f64, e: i64) -> f64 {
    let e = e.clamp(-4000, 4000) as i32;
    libm::scalbn(x, e)
}

/// Correctly rounded (nearest, ties to even) conversion of a rational to `f64`.
/// Values beyond `f64::MAX` round to ±infinity; tiny values underflow gradually.
pub fn q_to_f64(q: &Q) -> f64 {
    let negative = q.is_negative();
    let n = q.numer().magnitude();
    let d = q.denom().magnitude();
    if n.is_zero() {
        return 0.0;
    }
    // Scale so the integer quotient has at least F64_WORK_BITS bits.
    let shift = F64_WORK_BITS as i64 - (n.bits() as i64 - d.bits() as i64);
    let (num, den) = if shift >= 0 {
        (n << (shift as u64), d.clone())
    } else {
        (n.clone(), d << ((-shift) as u64))
    };
    let (quo, rem) = num.div_rem(&den);
    round_to_f64(negative, &quo, -shift, !rem.is_zero())
}

/// Correctly rounded `f64` of `√q` for `q ≥ 0` (negative `q` gives NaN).
pub fn sqrt_q_to_f64(q: &Q) -> f64 {
    if q.is_negative() {
        return f64::NAN;
    }
    let n = q.numer().magnitude();
    let d = q.denom().magnitude();
    if n.is_zero() {
        return 0.0;
    }
    // √(n/d) = √(n·4^m / d) · 2^-m; choose m so the root has ≥ F64_WORK_BITS bits.
    let bitdiff = n.bits() as i64 - d.bits() as i64;
    let m = (F64_WORK_BITS as i64 + 2) - bitdiff.div_euclid(2);
    let (num, den) = if m >= 0 {
        (n << (2 * m as u64), d.clone())
    } else {
        (n.clone(), d << ((-2 * m) as u64))
    };
    let (quo, rem) = num.div_rem(&den);
    let root = quo.sqrt();
    let exact = rem.is_zero() && &root * &root == quo;
    round_to_f64(false, &root, -m, !exact)
}

/// Exact rational value of a finite `f64` (every finite double is a dyadic rational).
/// Returns `None` for NaN and infinities.
pub fn f64_to_q(x: f64) -> Option<Q> {
    if !x.is_finite() {
        return None;
    }
    if x == 0.0 {
        return Some(Q::zero());
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 {
        Sign::Minus
    } else {
        Sign::Plus
    };
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mant, exp) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp_bits - 1075)
    };
    let m = BigInt::from_biguint(sign, BigUint::from(mant));
    Some(if exp >= 0 {
        Q::from_integer(m << (exp as u64))
    } else {
        Q::new(m, BigInt::one() << ((-exp) as u64))
    })
}

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
    format!("{:.*e}", digits - 1, x)
}

#[cfg(test)]
#[path = "tests/number.rs"]
mod tests;
