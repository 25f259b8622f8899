//! Decimal text → exact numbers: the one grammar of numbers exactflow reads.
//!
//! [`scan_decimal`] splits `[+-]digits[.digits][(e|E)[+-]digits]` (TOML-style underscores
//! between digits allowed) into a sign, an integer mantissa and a decimal exponent without
//! forming any power of ten, so a caller can bound the size of a number *before* doing
//! exact arithmetic on it. [`parse_exact`] builds the exact rational of a decimal or of a
//! ratio `p/q` of two decimals (the scenario and command-line grammar); the table reader
//! (`exactflow-tables`) keeps the parts as `m·10^e` and adds the IEEE specials.

use crate::Q;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};
use thiserror::Error;

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

/// A decimal number as written: `(−1)^negative · mantissa · 10^exp10`, exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalParts {
    /// The sign as written (`-0` is negative zero).
    pub negative: bool,
    /// The digits before and after the point, as one non-negative integer.
    pub mantissa: BigInt,
    /// The decimal exponent: the written exponent minus the number of fraction digits.
    pub exp10: i64,
    /// The written exponent alone (what [`MAX_DECIMAL_EXPONENT`] limits).
    pub written_exp: i64,
}

/// Why [`scan_decimal`] refused a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanError {
    /// Not of the form `[+-]digits[.digits][e[+-]digits]`.
    Malformed,
    /// The written exponent has more than `max_exp_digits` significant digits.
    ExponentTooLong,
}

/// Splits decimal text (already trimmed) into its parts: an optional sign, digits with an
/// optional point (at least one digit), an optional exponent `e`/`E` with optional sign;
/// underscores only between two digits (TOML). Exponents with more than `max_exp_digits`
/// significant digits are refused before being parsed (no overflow, no huge powers).
///
/// # Errors
/// [`ScanError`].
pub fn scan_decimal(s: &str, max_exp_digits: usize) -> Result<DecimalParts, ScanError> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut negative = false;
    if let Some(&c) = bytes.first() {
        if c == b'+' || c == b'-' {
            negative = c == b'-';
            i = 1;
        }
    }
    let mut digits = String::new();
    let mut frac_len: i64 = 0;
    let (mut seen_digit, mut seen_point, mut prev_digit) = (false, false, false);
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
                    return Err(ScanError::Malformed);
                }
                prev_digit = false;
            }
            b'.' if !seen_point => {
                seen_point = true;
                prev_digit = false;
            }
            b'e' | b'E' => break,
            _ => return Err(ScanError::Malformed),
        }
        i += 1;
    }
    if !seen_digit {
        return Err(ScanError::Malformed);
    }
    let mut written_exp: i64 = 0;
    if i < bytes.len() {
        i += 1;
        let mut exp_neg = false;
        if let Some(&c) = bytes.get(i) {
            if c == b'+' || c == b'-' {
                exp_neg = c == b'-';
                i += 1;
            }
        }
        let rest = s.get(i..).ok_or(ScanError::Malformed)?;
        if rest.is_empty() || rest.starts_with('_') || rest.ends_with('_') || rest.contains("__") {
            return Err(ScanError::Malformed);
        }
        let exp_text: String = rest.chars().filter(|&c| c != '_').collect();
        if !exp_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScanError::Malformed);
        }
        let trimmed = exp_text.trim_start_matches('0');
        if trimmed.len() > max_exp_digits.min(18) {
            return Err(ScanError::ExponentTooLong);
        }
        // At most 18 decimal digits: fits an i64.
        written_exp = if trimmed.is_empty() {
            0
        } else {
            trimmed.parse::<i64>().map_err(|_| ScanError::Malformed)?
        };
        if exp_neg {
            written_exp = -written_exp;
        }
    }
    let mantissa: BigInt = digits.parse().map_err(|_| ScanError::Malformed)?;
    Ok(DecimalParts {
        negative,
        mantissa,
        exp10: written_exp - frac_len,
        written_exp,
    })
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
        let (pm, pe) = decimal_parts(p.trim(), s)?;
        let (qm, qe) = decimal_parts(q.trim(), s)?;
        if qm.is_zero() {
            return Err(NumberError::ZeroDenominator(s.to_string()));
        }
        // (pm/qm)·10^(pe − qe): the mantissas' gcd is the only general one (their size
        // is bounded by the text); the power of ten shares only 2s and 5s with the
        // reduced mantissas, cancelled directly.
        if pm.is_zero() {
            return Ok(Q::zero());
        }
        let g = pm.gcd(&qm);
        let (mut a, mut b) = (pm / &g, qm / &g);
        if b.is_negative() {
            a = -a;
            b = -b;
        }
        let e = pe - qe;
        let k = e.unsigned_abs() as usize;
        return Ok(if e >= 0 {
            let (b, twos, fives) = cancel_twos_fives(b, k);
            let a = (a * num_traits::pow(BigInt::from(5u32), k - fives)) << (k - twos);
            Q::new_raw(a, b)
        } else {
            let (a, twos, fives) = cancel_twos_fives(a, k);
            Q::new_raw(
                a,
                (b * num_traits::pow(BigInt::from(5u32), k - fives)) << (k - twos),
            )
        });
    }
    let (m, e) = decimal_parts(s, s)?;
    let k = e.unsigned_abs() as usize;
    Ok(if e >= 0 {
        Q::from_integer(m * num_traits::pow(BigInt::from(10u32), k))
    } else {
        over_power_of_ten(m, k)
    })
}

/// A decimal's signed mantissa and exponent: its value is `m·10^e`.
fn decimal_parts(s: &str, whole: &str) -> Result<(BigInt, i64), NumberError> {
    let parts = scan_decimal(s, 6).map_err(|e| match e {
        ScanError::Malformed => NumberError::Malformed(whole.to_string()),
        ScanError::ExponentTooLong => NumberError::ExponentTooLarge(whole.to_string()),
    })?;
    if parts.written_exp.abs() > MAX_DECIMAL_EXPONENT
        || parts.exp10.abs() > MAX_DECIMAL_EXPONENT + MAX_NUMBER_LEN as i64
    {
        return Err(NumberError::ExponentTooLarge(whole.to_string()));
    }
    let mantissa = if parts.negative {
        -parts.mantissa
    } else {
        parts.mantissa
    };
    Ok((mantissa, parts.exp10))
}

/// `m / 10^k` in lowest terms. The only common factors are 2s and 5s, so they are
/// counted and divided out directly: a general gcd (what `Q::new` would run) costs
/// quadratic time in the size of `10^k`, tens of milliseconds for `1e-9999`.
fn over_power_of_ten(m: BigInt, k: usize) -> Q {
    if m.is_zero() {
        return Q::zero();
    }
    let (m, twos, fives) = cancel_twos_fives(m, k);
    let den = num_traits::pow(BigInt::from(5u32), k - fives) << (k - twos);
    Q::new_raw(m, den)
}

/// `m` divided by `2^twos·5^fives`, as many of each as divide it, at most `k` each.
fn cancel_twos_fives(m: BigInt, k: usize) -> (BigInt, usize, usize) {
    if m.is_zero() {
        return (m, 0, 0);
    }
    let twos = m.trailing_zeros().map_or(0, |t| (t as usize).min(k));
    let mut m = m >> twos;
    let mut fives = 0usize;
    // Divide by 5^j, j ≤ 27 (5^27 < 2^63), while it divides and 5s remain to cancel.
    while fives < k {
        let j = (k - fives).min(27);
        let p = BigInt::from(5u64.pow(j as u32));
        let (q, r) = m.div_rem(&p);
        if r.is_zero() {
            m = q;
            fives += j;
        } else if j == 1 {
            break;
        } else {
            // Fewer than j fives left: find them one at a time.
            let five = BigInt::from(5u32);
            let mut left = j - 1;
            loop {
                let (q, r) = m.div_rem(&five);
                if !r.is_zero() || left == 0 {
                    break;
                }
                m = q;
                fives += 1;
                left -= 1;
            }
            break;
        }
    }
    (m, twos, fives)
}

#[cfg(test)]
#[path = "tests/decimal.rs"]
mod tests;
