//! Exact decimal numbers `m·10^e` as printed in tables, and the exact tolerance test.
//!
//! A table cell such as `1.2345678901234567890e-3` is the exact rational
//! `12345678901234567890·10^-22`; comparisons below are exact integer arithmetic after
//! aligning exponents, so a 1000-digit reference is compared at 1000 digits. An `f64`
//! pre-test decides the cells that are far from the tolerance boundary (its own
//! rounding error accounted for), so large tables stay fast.

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// Longest accepted number text (a 100,000-digit table cell fits).
pub const MAX_LEN: usize = 200_000;
/// Largest accepted decimal exponent magnitude.
pub const MAX_EXP: i64 = 1_000_000;

/// A table value: an exact decimal, or one of the IEEE specials.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `mantissa · 10^exp`, exactly.
    Finite(Dec),
    /// Not a number.
    Nan,
    /// `+∞` (`true`) or `−∞` (`false`).
    Inf(bool),
}

/// `mantissa · 10^exp`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dec {
    /// Signed integer mantissa.
    pub mantissa: BigInt,
    /// Decimal exponent.
    pub exp: i64,
}

impl Value {
    /// Parses `[+-]digits[.digits][e[+-]digits]`, `nan`, `inf`, `infinity` (any case).
    /// `None` for anything else.
    pub fn parse(text: &str) -> Option<Value> {
        let s = text.trim();
        if s.is_empty() || s.len() > MAX_LEN {
            return None;
        }
        let lower = s.to_ascii_lowercase();
        let (neg, body) = match lower.as_bytes().first() {
            Some(b'-') => (true, &lower[1..]),
            Some(b'+') => (false, &lower[1..]),
            _ => (false, &lower[..]),
        };
        match body {
            "nan" => return Some(Value::Nan),
            "inf" | "infinity" => return Some(Value::Inf(!neg)),
            _ => {}
        }
        let (mant, exp_part) = match body.split_once('e') {
            Some((m, e)) => (m, Some(e)),
            None => (body, None),
        };
        let exp10: i64 = match exp_part {
            Some(e) => {
                let digits = e.trim_start_matches(['+', '-']);
                if digits.is_empty()
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                    || digits.len() > 12
                {
                    return None;
                }
                e.parse().ok()?
            }
            None => 0,
        };
        let (int, frac) = match mant.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mant, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = format!("{int}{frac}");
        let m = BigInt::parse_bytes(digits.as_bytes(), 10)?;
        let exp = exp10.checked_sub(frac.len() as i64)?;
        if exp.abs() > MAX_EXP {
            return None;
        }
        let m = if neg { -m } else { m };
        Some(Value::Finite(Dec { mantissa: m, exp }.normalized()))
    }

    /// The exact value of an `f64`.
    pub fn from_f64(x: f64) -> Value {
        if x.is_nan() {
            return Value::Nan;
        }
        if x.is_infinite() {
            return Value::Inf(x > 0.0);
        }
        // Shortest round-trip text is an exact decimal of the same double; but we want
        // the double's exact value: m·2^k = m·5^(−k)·10^k for k < 0.
        let bits = x.to_bits();
        let sign = if bits >> 63 == 1 {
            Sign::Minus
        } else {
            Sign::Plus
        };
        let e = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (m, k) = if e == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), e - 1075)
        };
        let m = BigInt::from_biguint(sign, m.into());
        let d = if k >= 0 {
            Dec {
                mantissa: m << (k as usize),
                exp: 0,
            }
        } else {
            Dec {
                mantissa: m * BigInt::from(5u8).pow((-k) as u32),
                exp: k,
            }
        };
        Value::Finite(d.normalized())
    }

    /// Nearest `f64` (for reports and the fast pre-test; not exact).
    pub fn to_f64(&self) -> f64 {
        match self {
            Value::Nan => f64::NAN,
            Value::Inf(p) => {
                if *p {
                    f64::INFINITY
                } else {
                    f64::NEG_INFINITY
                }
            }
            Value::Finite(d) => d.to_f64(),
        }
    }
}

impl Dec {
    /// Trailing zeros of the mantissa moved into the exponent (zero has exponent 0).
    fn normalized(mut self) -> Dec {
        if self.mantissa.is_zero() {
            self.exp = 0;
            return self;
        }
        let ten = BigInt::from(10u8);
        // Strip in chunks of 10^16 first (fast for long zero tails), then single digits.
        let chunk = BigInt::from(10_000_000_000_000_000u64);
        while (&self.mantissa % &chunk).is_zero() {
            self.mantissa /= &chunk;
            self.exp += 16;
        }
        while (&self.mantissa % &ten).is_zero() {
            self.mantissa /= &ten;
            self.exp += 1;
        }
        self
    }

    /// The value rounded to an `f64` (approximately: through text for simplicity).
    pub fn to_f64(&self) -> f64 {
        let digits = self.mantissa.to_string();
        format!("{digits}e{}", self.exp).parse().unwrap_or(f64::NAN)
    }

    /// `|self|`.
    pub fn abs(&self) -> Dec {
        Dec {
            mantissa: self.mantissa.abs(),
            exp: self.exp,
        }
    }

    /// Both mantissas scaled to the smaller exponent.
    fn aligned(a: &Dec, b: &Dec) -> (BigInt, BigInt, i64) {
        let e = a.exp.min(b.exp);
        let scale = |d: &Dec| {
            let k = (d.exp - e) as u32;
            if k == 0 {
                d.mantissa.clone()
            } else {
                &d.mantissa * BigInt::from(10u8).pow(k)
            }
        };
        (scale(a), scale(b), e)
    }

    /// `a + b`, exactly.
    pub fn add(a: &Dec, b: &Dec) -> Dec {
        let (x, y, e) = Dec::aligned(a, b);
        Dec {
            mantissa: x + y,
            exp: e,
        }
    }

    /// `a − b`, exactly.
    pub fn sub(a: &Dec, b: &Dec) -> Dec {
        let (x, y, e) = Dec::aligned(a, b);
        Dec {
            mantissa: x - y,
            exp: e,
        }
    }

    /// `a · b`, exactly.
    pub fn mul(a: &Dec, b: &Dec) -> Dec {
        Dec {
            mantissa: &a.mantissa * &b.mantissa,
            exp: a.exp + b.exp,
        }
    }

    /// Exact comparison.
    pub fn compare_exact(a: &Dec, b: &Dec) -> Ordering {
        if a.mantissa.is_zero() || b.mantissa.is_zero() || a.mantissa.sign() != b.mantissa.sign() {
            return a.mantissa.sign().cmp(&b.mantissa.sign());
        }
        // Same sign, both nonzero: compare magnitudes by decimal length first.
        let mag = |d: &Dec| d.mantissa.abs().to_string().len() as i64 + d.exp;
        let (ma, mb) = (mag(a), mag(b));
        let by_mag = if ma != mb {
            ma.cmp(&mb)
        } else {
            let (x, y, _) = Dec::aligned(&a.abs(), &b.abs());
            x.cmp(&y)
        };
        if a.mantissa.is_negative() {
            by_mag.reverse()
        } else {
            by_mag
        }
    }

    /// Whether the mantissa is zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa.is_zero()
    }

    /// A rough `log10|x|` (for reports).
    pub fn log10_abs(&self) -> f64 {
        let s = self.mantissa.abs().to_string();
        let lead: f64 = s.get(..17).unwrap_or(&s).parse().unwrap_or(0.0);
        lead.log10() + (s.len() as f64 - s.len().min(17) as f64) + self.exp as f64
    }

    /// The mantissa as `i128` if it fits (tests).
    pub fn small(&self) -> Option<(i128, i64)> {
        Some((self.mantissa.to_i128()?, self.exp))
    }
}

/// `|candidate − reference| ≤ atol + rtol·|reference|`, decided exactly.
pub fn within(candidate: &Dec, reference: &Dec, rtol: &Dec, atol: &Dec) -> bool {
    let err = Dec::sub(candidate, reference).abs();
    let allowed = Dec::add(atol, &Dec::mul(rtol, &reference.abs()));
    Dec::compare_exact(&err, &allowed) != Ordering::Greater
}
