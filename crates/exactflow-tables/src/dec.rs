//! Exact decimal numbers `m·10^e` as printed in tables, and the exact tolerance test.
//!
//! A table cell such as `1.2345678901234567890e-3` is the exact rational
//! `12345678901234567890·10^-22`; comparisons are exact integer arithmetic. The cost
//! of a decision is bounded by the number of digits written, never by the exponents:
//! [`sign_of_sum`] decides the sign of `Σ ±xᵢ` from the terms' magnitudes (their
//! exponents and mantissa lengths) and aligns two terms exactly only where their
//! magnitudes are within a few decades of each other — so `1e999999` against `1`, or
//! `--rtol 1e999999`, is decided at once (issue 11 item 7).

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// Longest accepted number text (a 100,000-digit table cell fits).
pub const MAX_LEN: usize = 200_000;
/// Largest accepted decimal exponent magnitude (of the value's leading digit, and of
/// its last digit).
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

/// `mantissa · 10^exp`, normalized: the mantissa has no trailing decimal zero, and zero
/// has exponent 0 — so two `Dec`s are equal numbers exactly when they are equal structs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dec {
    /// Signed integer mantissa.
    pub mantissa: BigInt,
    /// Decimal exponent.
    pub exp: i64,
}

/// log10(2), for magnitude bounds from a mantissa's bit length.
const LOG10_2: f64 = std::f64::consts::LOG10_2;

enum Scan<'a> {
    Nan,
    Inf(bool),
    /// Significant digits (no leading or trailing zeros; empty for zero) and exponent.
    Finite {
        neg: bool,
        digits: std::borrow::Cow<'a, str>,
        exp: i64,
    },
}

fn scan(text: &str) -> Option<Scan<'_>> {
    let s = text.trim();
    if s.is_empty() || s.len() > MAX_LEN {
        return None;
    }
    let (neg, body) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.eq_ignore_ascii_case("nan") {
        return Some(Scan::Nan);
    }
    if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        return Some(Scan::Inf(!neg));
    }
    let (mant, exp_part) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let exp10: i64 = match exp_part {
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // Leading zeros are harmless; more than 12 significant exponent digits is
            // out of range either way.
            let sig = digits.trim_start_matches('0');
            if sig.len() > 12 {
                return None;
            }
            let v: i64 = if sig.is_empty() { 0 } else { sig.parse().ok()? };
            if e.starts_with('-') {
                -v
            } else {
                v
            }
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
    // Significant digits only: leading zeros dropped, trailing zeros moved into the
    // exponent (so the mantissa is normalized without any big division).
    let int_t = int.trim_start_matches('0');
    let digits: std::borrow::Cow<'_, str> = if int_t.is_empty() {
        std::borrow::Cow::Borrowed(frac.trim_start_matches('0'))
    } else if frac.is_empty() {
        std::borrow::Cow::Borrowed(int_t)
    } else {
        std::borrow::Cow::Owned(format!("{int_t}{frac}"))
    };
    let trimmed_len = digits.trim_end_matches('0').len();
    if trimmed_len == 0 {
        return Some(Scan::Finite {
            neg: false,
            digits: std::borrow::Cow::Borrowed(""),
            exp: 0,
        });
    }
    let tz = (digits.len() - trimmed_len) as i64;
    let exp = exp10.checked_sub(frac.len() as i64)?.checked_add(tz)?;
    let top = exp.checked_add(trimmed_len as i64)?;
    if exp.abs() > MAX_EXP || top.abs() > MAX_EXP {
        return None;
    }
    let digits = match digits {
        std::borrow::Cow::Borrowed(d) => std::borrow::Cow::Borrowed(&d[..trimmed_len]),
        std::borrow::Cow::Owned(mut d) => {
            d.truncate(trimmed_len);
            std::borrow::Cow::Owned(d)
        }
    };
    Some(Scan::Finite { neg, digits, exp })
}

impl Value {
    /// Parses `[+-]digits[.digits][e[+-]digits]`, `nan`, `inf`, `infinity` (any case,
    /// surrounding whitespace ignored). `None` for anything else, for text longer than
    /// [`MAX_LEN`], and for exponents beyond [`MAX_EXP`].
    pub fn parse(text: &str) -> Option<Value> {
        Some(match scan(text)? {
            Scan::Nan => Value::Nan,
            Scan::Inf(p) => Value::Inf(p),
            Scan::Finite { neg, digits, exp } => {
                if digits.is_empty() {
                    return Some(Value::Finite(Dec::zero()));
                }
                let m = BigInt::parse_bytes(digits.as_bytes(), 10)?;
                Value::Finite(Dec {
                    mantissa: if neg { -m } else { m },
                    exp,
                })
            }
        })
    }

    /// Whether [`Value::parse`] accepts `text` (without building the number).
    pub fn is_valid(text: &str) -> bool {
        scan(text).is_some()
    }

    /// The exact value of an `f64`.
    pub fn from_f64(x: f64) -> Value {
        if x.is_nan() {
            return Value::Nan;
        }
        if x.is_infinite() {
            return Value::Inf(x > 0.0);
        }
        Value::Finite(Dec::from_f64(x))
    }

    /// Nearest `f64` (for reports and the fast pre-test; not exact).
    pub fn to_f64(&self) -> f64 {
        match self {
            Value::Nan => f64::NAN,
            Value::Inf(true) => f64::INFINITY,
            Value::Inf(false) => f64::NEG_INFINITY,
            Value::Finite(d) => d.to_f64(),
        }
    }
}

impl Dec {
    /// Zero.
    pub fn zero() -> Dec {
        Dec {
            mantissa: BigInt::zero(),
            exp: 0,
        }
    }

    /// The exact value of a finite `f64` (`NaN` and `±∞` give zero; callers check).
    pub fn from_f64(x: f64) -> Dec {
        if !x.is_finite() || x == 0.0 {
            return Dec::zero();
        }
        // x = m·2^k = m·5^(−k)·10^k for k < 0.
        let bits = x.to_bits();
        let sign = if bits >> 63 == 1 {
            Sign::Minus
        } else {
            Sign::Plus
        };
        let e = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mut m, mut k) = if e == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), e - 1075)
        };
        let tz = m.trailing_zeros() as i64;
        m >>= tz;
        k += tz;
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
        d.normalized()
    }

    /// Trailing zeros of the mantissa moved into the exponent (zero has exponent 0).
    /// Only used on values whose mantissa is small or has few trailing zeros.
    fn normalized(mut self) -> Dec {
        if self.mantissa.is_zero() {
            self.exp = 0;
            return self;
        }
        let ten = BigInt::from(10u8);
        loop {
            let (q, r) = num_integer::Integer::div_rem(&self.mantissa, &ten);
            if !r.is_zero() {
                return self;
            }
            self.mantissa = q;
            self.exp += 1;
        }
    }

    /// The value rounded to an `f64` (±∞ or ±0 beyond its range; correctly rounded up to
    /// 40 significant digits, within an ulp beyond).
    pub fn to_f64(&self) -> f64 {
        if self.mantissa.is_zero() {
            return 0.0;
        }
        let (lo, _) = self.log10_bounds();
        if lo > 400.0 {
            return if self.is_negative() {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
        }
        if lo < -400.0 {
            return if self.is_negative() { -0.0 } else { 0.0 };
        }
        let digits = self.mantissa.abs().to_string();
        // Keep 40 digits: enough for a faithful double; the rest only matters at ties.
        let keep = digits.len().min(40);
        let e = self.exp + (digits.len() - keep) as i64;
        let sign = if self.is_negative() { "-" } else { "" };
        format!("{sign}{}e{e}", &digits[..keep])
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// Whether the value is < 0.
    pub fn is_negative(&self) -> bool {
        self.mantissa.is_negative()
    }

    /// `|self|`.
    pub fn abs(&self) -> Dec {
        Dec {
            mantissa: self.mantissa.abs(),
            exp: self.exp,
        }
    }

    /// `−self`.
    pub fn neg(&self) -> Dec {
        Dec {
            mantissa: -&self.mantissa,
            exp: self.exp,
        }
    }

    /// Bounds `lo ≤ log10|x| < hi` from the exponent and the mantissa's bit length (a
    /// nonzero value; within 0.31 of each other, padded by 1e-9 against rounding).
    pub fn log10_bounds(&self) -> (f64, f64) {
        let bits = self.mantissa.bits() as f64;
        let e = self.exp as f64;
        (e + (bits - 1.0) * LOG10_2 - 1e-9, e + bits * LOG10_2 + 1e-9)
    }

    /// `a + b`, exactly (not normalized: compare results with [`Dec::compare_exact`]).
    /// The cost grows with `|a.exp − b.exp|`: callers that may meet
    /// far-apart exponents use [`sign_of_sum`].
    pub fn add(a: &Dec, b: &Dec) -> Dec {
        if a.is_zero() {
            return b.clone();
        }
        if b.is_zero() {
            return a.clone();
        }
        let e = a.exp.min(b.exp);
        let scale = |d: &Dec| {
            let k = (d.exp - e) as u64;
            if k == 0 {
                d.mantissa.clone()
            } else {
                &d.mantissa * BigInt::from(10u8).pow(k as u32)
            }
        };
        Dec {
            mantissa: scale(a) + scale(b),
            exp: e,
        }
    }

    /// `a · b`, exactly (cost: the mantissas' lengths).
    pub fn mul(a: &Dec, b: &Dec) -> Dec {
        if a.is_zero() || b.is_zero() {
            return Dec::zero();
        }
        Dec {
            mantissa: &a.mantissa * &b.mantissa,
            exp: a.exp + b.exp,
        }
    }

    /// Exact comparison (cost bounded by the mantissas' lengths).
    pub fn compare_exact(a: &Dec, b: &Dec) -> Ordering {
        sign_of_sum(&[a.clone(), b.neg()])
    }

    /// Whether the mantissa is zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa.is_zero()
    }

    /// A rough `log10|x|` (for reports; −∞ for zero).
    pub fn log10_abs(&self) -> f64 {
        if self.is_zero() {
            return f64::NEG_INFINITY;
        }
        let bits = self.mantissa.bits();
        // The top 64 bits give 19 significant digits.
        let shift = bits.saturating_sub(64);
        let top = (self.mantissa.abs() >> shift).to_f64().unwrap_or(1.0);
        top.log10() + shift as f64 * LOG10_2 + self.exp as f64
    }

    /// The mantissa as `i128` if it fits (tests).
    pub fn small(&self) -> Option<(i128, i64)> {
        Some((self.mantissa.to_i128()?, self.exp))
    }
}

/// The sign of `Σ terms`, exactly, at a cost bounded by the terms' digit counts (not by
/// their exponents).
///
/// Terms are taken largest magnitude first into an exact partial sum; as soon as the
/// partial sum's magnitude exceeds what all remaining terms can add up to, its sign is
/// the answer. A term joins the exact sum only when its magnitude is within a few
/// decades of the partial sum's (or the partial sum has cancelled to zero), so the
/// exponent alignment it needs is bounded by the digits written.
pub fn sign_of_sum(terms: &[Dec]) -> Ordering {
    partial_sum(terms, 0.01).mantissa.sign().cmp(&Sign::NoSign)
}

/// The exact sum of the largest terms, stopping when the remaining ones together are
/// below `10^-slack` of it (so its sign is the sum's, and its value the sum's to
/// `10^-slack` relative). Alignment cost bounded by the digits and `slack`.
fn partial_sum(terms: &[Dec], slack: f64) -> Dec {
    let mut ts: Vec<(&Dec, f64)> = terms
        .iter()
        .filter(|d| !d.is_zero())
        .map(|d| (d, d.log10_bounds().1))
        .collect();
    ts.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut sum = Dec::zero();
    for i in 0..ts.len() {
        if !sum.is_zero() {
            let (lo, _) = sum.log10_bounds();
            let rest = (ts.len() - i) as f64;
            // Σ remaining < rest·10^hi_i, below 10^-slack·|sum| when this holds.
            if lo > ts[i].1 + rest.log10() + slack {
                break;
            }
        }
        sum = Dec::add(&sum, ts[i].0);
    }
    sum
}

/// `|candidate − reference| ≤ atol + rtol·|reference|`, decided exactly (`rtol`, `atol`
/// ≥ 0), at a cost bounded by the digits of the four numbers, whatever their exponents.
pub fn within(candidate: &Dec, reference: &Dec, rtol: &Dec, atol: &Dec) -> bool {
    // |c − r| ≤ s  ⇔  c − r − s ≤ 0  and  c − r + s ≥ 0, with s = atol + rtol·|r|.
    let rel = Dec::mul(rtol, &reference.abs());
    let (c, r) = (candidate.clone(), reference.neg());
    let upper = sign_of_sum(&[c.clone(), r.clone(), atol.neg(), rel.neg()]);
    if upper == Ordering::Greater {
        return false;
    }
    sign_of_sum(&[c, r, atol.clone(), rel]) != Ordering::Less
}

/// An approximation `m·10^e` (`1 ≤ m < 10`, or `m = 0`) of a nonnegative quantity of
/// any magnitude, for reports: the worst deviation and its allowance, where f64 would
/// overflow or underflow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Approx {
    /// Leading digits, in `[1, 10)` (or 0 for zero, ∞ for an infinite quantity).
    pub m: f64,
    /// Decimal exponent.
    pub e: i64,
}

impl Approx {
    /// Zero.
    pub const ZERO: Approx = Approx { m: 0.0, e: 0 };
    /// Infinity (a difference involving ±∞ or NaN).
    pub const INF: Approx = Approx {
        m: f64::INFINITY,
        e: 0,
    };

    /// `|d|`, approximately (16 significant digits).
    pub fn of(d: &Dec) -> Approx {
        if d.is_zero() {
            return Approx::ZERO;
        }
        let l = d.log10_abs();
        let mut e = l.floor() as i64;
        // Leading digits from the top bits, scaled without leaving f64's range.
        let bits = d.mantissa.bits();
        let shift = bits.saturating_sub(64);
        let top = (d.mantissa.abs() >> shift).to_f64().unwrap_or(1.0);
        let exp10 = shift as f64 * LOG10_2 + d.exp as f64 - e as f64;
        let mut m = top * 10f64.powf(exp10);
        if m >= 10.0 {
            m /= 10.0;
            e += 1;
        } else if m < 1.0 {
            m *= 10.0;
            e -= 1;
        }
        Approx { m, e }
    }

    /// A finite nonnegative double (∞ for ±∞ and NaN).
    pub fn from_f64(x: f64) -> Approx {
        let x = x.abs();
        if x == 0.0 {
            return Approx::ZERO;
        }
        if !x.is_finite() {
            return Approx::INF;
        }
        let s = format!("{x:e}");
        let (m, e) = s.split_once('e').expect("{:e} has an exponent");
        Approx {
            m: m.parse().expect("a float's digits"),
            e: e.parse().expect("a float's exponent"),
        }
    }

    /// `log10` of the quantity (−∞ for zero, ∞ for infinity).
    pub fn log10(self) -> f64 {
        if self.m == 0.0 {
            return f64::NEG_INFINITY;
        }
        self.m.log10() + self.e as f64
    }

    /// As an `f64` (∞ or 0 beyond its range).
    pub fn to_f64(self) -> f64 {
        if self.m == 0.0 || self.m.is_infinite() {
            return self.m;
        }
        if self.e > 400 {
            return f64::INFINITY;
        }
        if self.e < -400 {
            return 0.0;
        }
        format!("{}e{}", self.m, self.e).parse().unwrap_or(f64::NAN)
    }

    /// `self / other` as an `f64` (∞ for x/0 with x > 0, 0 for 0/x; saturating).
    pub fn ratio(self, other: Approx) -> f64 {
        if self.m == 0.0 {
            return 0.0;
        }
        if other.m == 0.0 || self.m.is_infinite() {
            return f64::INFINITY;
        }
        if other.m.is_infinite() {
            return 0.0;
        }
        let de = self.e - other.e;
        if de > 400 {
            return f64::INFINITY;
        }
        if de < -400 {
            return 0.0;
        }
        (self.m / other.m) * 10f64.powi(de as i32)
    }
}

impl std::fmt::Display for Approx {
    /// `1.234e-5`; `inf`; `0`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.m == 0.0 {
            return write!(f, "0");
        }
        if self.m.is_infinite() {
            return write!(f, "inf");
        }
        // Round the leading digits to 4 significant, carrying into the exponent.
        let mut m = (self.m * 1000.0).round() / 1000.0;
        let mut e = self.e;
        if m >= 10.0 {
            m /= 10.0;
            e += 1;
        }
        write!(f, "{m:.3}e{e}")
    }
}

/// `|a − b|`, approximately, at a cost bounded by their digits: to 16 digits.
pub fn approx_abs_diff(a: &Dec, b: &Dec) -> Approx {
    approx_sum(&[a.clone(), b.neg()])
}

/// `|Σ terms|`, approximately (see [`approx_abs_diff`]).
pub fn approx_sum(terms: &[Dec]) -> Approx {
    Approx::of(&partial_sum(terms, 17.0))
}
