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
use num_traits::Zero;
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
        let p = decimal_to_q(p.trim(), s)?;
        let q = decimal_to_q(q.trim(), s)?;
        if q.is_zero() {
            return Err(NumberError::ZeroDenominator(s.to_string()));
        }
        return Ok(p / q);
    }
    decimal_to_q(s, s)
}

fn decimal_to_q(s: &str, whole: &str) -> Result<Q, NumberError> {
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
    let pow = num_traits::pow(BigInt::from(10u32), parts.exp10.unsigned_abs() as usize);
    Ok(if parts.exp10 >= 0 {
        Q::from_integer(mantissa * pow)
    } else {
        Q::new(mantissa, pow)
    })
}

#[cfg(test)]
#[path = "tests/decimal.rs"]
mod tests;
