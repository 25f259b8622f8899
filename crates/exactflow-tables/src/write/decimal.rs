//! Decimal text of the numbers a table holds, appended to a byte buffer without a
//! per-cell allocation.
//!
//! Two styles ([`Digits`]):
//! * **shortest** (the default of `f64` tables): an `f64` prints as the shortest text
//!   that reads back as the same double (Ryū, through the `ryu` crate — what numpy and
//!   pandas print, in Ryū's layout: `0.5`, `1234.0`, `1e-7`, `2.0449442774391454e-9`);
//!   an exact rational prints exactly when it is a decimal of at most 17 significant
//!   digits, else as the double it is (when it is one), else rounded to 17 significant
//!   digits (ties to even);
//! * **fixed** `N` significant digits in scientific notation, `d.ddd…e<exp>` (no `+`,
//!   no padding), every number correctly rounded from its exact value, ties to even:
//!   `f64` through std's exact formatting, rationals by integer arithmetic, MPFR values
//!   with the digits of MPFR's own conversion (`mpfr_get_str`, by the faster exact route
//!   of `exactflow_num::mpfr_digits`). Zero prints `0.000…e0`.
//!
//! Not-a-number prints `nan`, infinities `inf`/`-inf`; zero has no sign.
//!
//! Certified bounds ([`bound_up`]) print two significant digits rounded up (MPFR's
//! conversion toward +∞), so the printed bound is never below the bound computed.

use exactflow_core::number::{f64_to_q_exact, format_q_sci, q_to_f64_nearest, Q};
use num_traits::{ToPrimitive, Zero};
use rug::Float;
use std::io::Write as _;

/// Significant digits of a table's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digits {
    /// Shortest round-trip text for `f64` values; exact rationals exactly when they are
    /// short decimals (see the module docs). MPFR values: as many digits as their
    /// precision holds (MPFR's own choice).
    Shortest,
    /// This many significant digits (at least 1), correctly rounded.
    Fixed(usize),
}

/// Most significant digits of a shortest-style exact rational.
const SHORTEST_MAX: usize = 17;

/// Appends `x` in the style `digits`.
pub fn f64_text(x: f64, digits: Digits, out: &mut Vec<u8>) {
    if x.is_nan() {
        out.extend_from_slice(b"nan");
        return;
    }
    if x.is_infinite() {
        out.extend_from_slice(if x > 0.0 { b"inf" } else { b"-inf" });
        return;
    }
    match digits {
        Digits::Shortest => {
            if x == 0.0 {
                out.extend_from_slice(b"0.0");
            } else {
                let mut b = ryu::Buffer::new();
                out.extend_from_slice(b.format_finite(x).as_bytes());
            }
        }
        Digits::Fixed(d) => {
            let d = d.max(1);
            if x == 0.0 {
                zero_sci(d, out);
            } else if d <= 800 {
                // std's `{:e}` is exact; a double has at most 767 significant digits.
                let _ = write!(out, "{:.*e}", d - 1, x);
            } else {
                // Beyond std's precision limit: the exact value's digits, then zeros.
                match f64_to_q_exact(x) {
                    Some(q) => out.extend_from_slice(format_q_sci(&q, d).as_bytes()),
                    None => out.extend_from_slice(b"nan"),
                }
            }
        }
    }
}

/// Appends `0.000…e0` with `d` significant digits (`0e0` for one).
fn zero_sci(d: usize, out: &mut Vec<u8>) {
    if d > 1 {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + d - 1, b'0');
        out.extend_from_slice(b"e0");
    } else {
        out.extend_from_slice(b"0e0");
    }
}

/// How the digits after the last kept one compare with half a unit of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// Nothing after: the kept digits are exact.
    Exact,
    Below,
    Half,
    Above,
}

/// The significant decimal digits of `n/d` (`n > 0`, `d > 0`): at most `max` of them
/// (ASCII) in `digits`, the decimal exponent of the first, and how the rest compares
/// with half a unit of the last. Integer arithmetic only: 19 digits per `u128`
/// division.
fn ratio_digits(n: u128, d: u64, max: usize, digits: &mut Vec<u8>) -> (i64, Tail) {
    digits.clear();
    let d128 = d as u128;
    let q = n / d128;
    let mut r = (n % d128) as u64;
    let mut exp: i64;
    // Digits generated beyond `max` (for the tail), and whether anything non-zero was
    // dropped before them.
    let mut extra: Vec<u8> = Vec::new();
    if q > 0 {
        let text = q.to_string();
        exp = text.len() as i64 - 1;
        for &b in text.as_bytes() {
            if digits.len() < max {
                digits.push(b);
            } else {
                extra.push(b);
            }
        }
    } else {
        exp = -1;
    }
    const CHUNK: u128 = 10_000_000_000_000_000_000; // 10^19
    let mut leading = q == 0;
    while digits.len() < max && r != 0 && extra.is_empty() {
        let x = r as u128 * CHUNK;
        let c = (x / d128) as u64;
        r = (x % d128) as u64;
        let mut buf = [b'0'; 19];
        let mut v = c;
        for i in (0..19).rev() {
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        for &b in &buf {
            if leading {
                if b == b'0' {
                    exp -= 1;
                    continue;
                }
                leading = false;
            }
            if digits.len() < max {
                digits.push(b);
            } else {
                extra.push(b);
            }
        }
    }
    let tail = match extra.first() {
        None if r == 0 => Tail::Exact,
        None => {
            // Exactly `max` digits and a remainder: compare r/d with 1/2.
            match (2 * r as u128).cmp(&d128) {
                std::cmp::Ordering::Less => Tail::Below,
                std::cmp::Ordering::Equal => Tail::Half,
                std::cmp::Ordering::Greater => Tail::Above,
            }
        }
        Some(&first) => {
            let rest_zero = extra[1..].iter().all(|&b| b == b'0') && r == 0;
            match first {
                b'0' if rest_zero => Tail::Exact,
                b'0'..=b'4' => Tail::Below,
                b'5' if rest_zero => Tail::Half,
                _ => Tail::Above,
            }
        }
    };
    (exp, tail)
}

/// Rounds the digits to nearest, ties to even, given the tail; a carry out of the
/// first digit raises the exponent.
fn round_digits(digits: &mut Vec<u8>, exp: &mut i64, tail: Tail) {
    let odd = digits.last().is_some_and(|&b| (b - b'0') % 2 == 1);
    let up = match tail {
        Tail::Exact | Tail::Below => false,
        Tail::Half => odd,
        Tail::Above => true,
    };
    if !up {
        return;
    }
    for i in (0..digits.len()).rev() {
        if digits[i] == b'9' {
            digits[i] = b'0';
        } else {
            digits[i] += 1;
            return;
        }
    }
    // 99…9 + 1 = 100…0: one more digit than kept; drop the last zero.
    digits.insert(0, b'1');
    digits.pop();
    *exp += 1;
}

/// Appends `d₁.d₂…dₙe<exp>` padded with zeros to `n` digits.
fn sci(digits: &[u8], exp: i64, n: usize, out: &mut Vec<u8>) {
    let Some((&first, rest)) = digits.split_first() else {
        zero_sci(n, out);
        return;
    };
    out.push(first);
    if n > 1 {
        out.push(b'.');
        let rest = &rest[..rest.len().min(n - 1)];
        out.extend_from_slice(rest);
        out.resize(out.len() + (n - 1 - rest.len()), b'0');
    }
    out.push(b'e');
    let _ = write!(out, "{exp}");
}

/// Appends digits `d₁…dₙ` (no trailing zeros) times `10^exp` (`exp` the exponent of
/// `d₁`) in Ryū's layout, so that exact rationals and `f64`s look alike in shortest
/// tables.
fn ryu_layout(digits: &[u8], exp: i64, out: &mut Vec<u8>) {
    let len = digits.len() as i64;
    let kk = exp + 1; // 10^(kk-1) <= v < 10^kk
    let k = kk - len;
    if 0 <= k && kk <= 16 {
        out.extend_from_slice(digits);
        out.resize(out.len() + k as usize, b'0');
        out.extend_from_slice(b".0");
    } else if 0 < kk && kk <= 16 {
        out.extend_from_slice(&digits[..kk as usize]);
        out.push(b'.');
        out.extend_from_slice(&digits[kk as usize..]);
    } else if -5 < kk && kk <= 0 {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (-kk) as usize, b'0');
        out.extend_from_slice(digits);
    } else {
        out.push(digits[0]);
        if len > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        let _ = write!(out, "e{}", kk - 1);
    }
}

/// Scratch space reused across cells (digit strings).
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    digits: Vec<u8>,
    mpfr: Vec<u8>,
    /// Powers of five and limbs of the fast MPFR conversion.
    mpfr_fast: exactflow_num::mpfr_digits::DigitScratch,
    /// Recent half units `½·10^k` of [`ball_error_cached`], by `k`.
    half_units: Vec<(i64, Float)>,
}

/// Appends the non-negative rational `n/d` (`d > 0`) in the style `digits`, exactly
/// as described in the module docs. Integer arithmetic only.
pub fn ratio_text(n: u128, d: u64, digits: Digits, s: &mut Scratch, out: &mut Vec<u8>) {
    if d == 0 {
        out.extend_from_slice(b"nan");
        return;
    }
    if n == 0 {
        match digits {
            Digits::Shortest => out.extend_from_slice(b"0.0"),
            Digits::Fixed(k) => zero_sci(k.max(1), out),
        }
        return;
    }
    match digits {
        Digits::Fixed(k) => {
            let k = k.max(1);
            let (mut exp, tail) = ratio_digits(n, d, k, &mut s.digits);
            round_digits(&mut s.digits, &mut exp, tail);
            sci(&s.digits, exp, k, out);
        }
        Digits::Shortest => {
            let (mut exp, tail) = ratio_digits(n, d, SHORTEST_MAX, &mut s.digits);
            if tail != Tail::Exact {
                if let Some(x) = ratio_as_double(n, d) {
                    f64_text(x, Digits::Shortest, out);
                    return;
                }
                round_digits(&mut s.digits, &mut exp, tail);
            }
            while s.digits.len() > 1 && s.digits.last() == Some(&b'0') {
                s.digits.pop();
            }
            ryu_layout(&s.digits, exp, out);
        }
    }
}

/// `n/d` as an `f64` when it is exactly one (a dyadic rational of at most 53
/// significant bits).
fn ratio_as_double(n: u128, d: u64) -> Option<f64> {
    if !d.is_power_of_two() {
        return None;
    }
    let tz = n.trailing_zeros();
    let m = n >> tz;
    if 128 - m.leading_zeros() > 53 {
        return None;
    }
    // m · 2^(tz − log2 d): exact (m < 2^53, the exponent within f64's range here).
    let e = tz as i32 - d.trailing_zeros() as i32;
    Some(m as f64 * 2f64.powi(e))
}

pub use exactflow_core::times::ratio_to_f64;

/// Appends an exact rational in the style `digits` (see [`ratio_text`]; rationals that
/// do not fit `u128/u64` take the general big-integer path).
pub fn exact_text(q: &Q, digits: Digits, s: &mut Scratch, out: &mut Vec<u8>) {
    if q.is_zero() {
        ratio_text(0, 1, digits, s, out);
        return;
    }
    let neg = q < &Q::zero();
    let small = q
        .numer()
        .magnitude()
        .to_u128()
        .zip(q.denom().magnitude().to_u64());
    if let Some((n, d)) = small {
        if neg {
            out.push(b'-');
        }
        ratio_text(n, d, digits, s, out);
        return;
    }
    match digits {
        Digits::Fixed(k) => out.extend_from_slice(format_q_sci(q, k.max(1)).as_bytes()),
        Digits::Shortest => {
            let x = q_to_f64_nearest(q);
            if x.is_finite() && f64_to_q_exact(x).as_ref() == Some(q) {
                f64_text(x, Digits::Shortest, out);
                return;
            }
            // Rounded to 17 digits, then in Ryū's layout without trailing zeros.
            let text = format_q_sci(q, SHORTEST_MAX);
            let (mant, exp) = text.split_once('e').unwrap_or((&text, "0"));
            let exp: i64 = exp.parse().unwrap_or(0);
            let (sign, mant) = match mant.strip_prefix('-') {
                Some(m) => (true, m),
                None => (false, mant),
            };
            s.digits.clear();
            s.digits.extend(mant.bytes().filter(u8::is_ascii_digit));
            while s.digits.len() > 1 && s.digits.last() == Some(&b'0') {
                s.digits.pop();
            }
            if sign {
                out.push(b'-');
            }
            ryu_layout(&s.digits, exp, out);
        }
    }
}

/// Converts `x ≠ 0` (finite) to `n` significant decimal digits by MPFR's `mpfr_get_str`,
/// rounding `round`; the digits (ASCII, with a leading `-` for a negative `x`) go to
/// `buf` and the return value is the decimal exponent of the first digit. 64-bit
/// exponents throughout (rug's own conversion returns an `i32`).
fn mpfr_digits(x: &Float, n: usize, round: rug::float::Round, buf: &mut Vec<u8>) -> i64 {
    use gmp_mpfr_sys::mpfr;
    let rnd = match round {
        rug::float::Round::Up => mpfr::rnd_t::RNDU,
        rug::float::Round::Down => mpfr::rnd_t::RNDD,
        rug::float::Round::Zero => mpfr::rnd_t::RNDZ,
        _ => mpfr::rnd_t::RNDN,
    };
    // MPFR writes at most max(n + 2, 7) bytes including the sign and the NUL.
    let size = (n + 2).max(7);
    buf.clear();
    buf.resize(size, 0);
    let mut exp: mpfr::exp_t = 0;
    // SAFETY: `buf` has the room MPFR documents for `n` digits; `x` is a valid MPFR
    // number borrowed for the call; MPFR writes a NUL-terminated string into `buf`.
    unsafe {
        mpfr::get_str(buf.as_mut_ptr().cast(), &mut exp, 10, n, x.as_raw(), rnd);
    }
    let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    buf.truncate(len);
    exp as i64 - 1
}

/// Appends an MPFR value rounded to nearest (ties to even, by MPFR) in the style
/// `digits`; returns the decimal exponent of its first printed digit (`None` for zero,
/// NaN and infinities). `Digits::Shortest` prints as many digits as MPFR needs to
/// round-trip the value at its precision.
pub fn mpfr_text(x: &Float, digits: Digits, s: &mut Scratch, out: &mut Vec<u8>) -> Option<i64> {
    if x.is_nan() {
        out.extend_from_slice(b"nan");
        return None;
    }
    if x.is_infinite() {
        out.extend_from_slice(if x.is_sign_positive() {
            b"inf"
        } else {
            b"-inf"
        });
        return None;
    }
    let n = match digits {
        Digits::Fixed(k) => k.max(1),
        Digits::Shortest => {
            // mpfr_get_str_ndigits: 1 + ceil(p·log10 2).
            1 + (x.prec() as f64 * std::f64::consts::LOG10_2).ceil() as usize
        }
    };
    if x.is_zero() {
        zero_sci(n, out);
        return None;
    }
    // MPFR's digits (`mpfr_get_str`, to nearest), by the faster exact route.
    let exp = exactflow_num::mpfr_digits::nearest_digits(x, n, &mut s.mpfr_fast, &mut s.mpfr);
    let (sign, body) = match s.mpfr.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, &s.mpfr[..]),
    };
    if sign {
        out.push(b'-');
    }
    sci(body, exp, n, out);
    Some(exp)
}

/// Appends a non-negative bound `b` rounded **up** to two significant digits
/// (`1.3e-41`); `0.0e0` for zero, `nan` for NaN, `inf` for an infinite bound.
pub fn bound_up(b: &Float, s: &mut Scratch, out: &mut Vec<u8>) {
    if b.is_nan() {
        out.extend_from_slice(b"nan");
    } else if b.is_infinite() {
        out.extend_from_slice(b"inf");
    } else if b.is_zero() {
        out.extend_from_slice(b"0.0e0");
    } else {
        let exp = mpfr_digits(b, 2, rug::float::Round::Up, &mut s.mpfr);
        let digits = s.mpfr.clone();
        sci(&digits, exp, 2, out);
    }
}

/// `½·10^k` rounded up at 64 bits (an underflow gives MPFR's least positive number,
/// still an upper bound).
fn half_unit(k: i64) -> Float {
    use rug::float::Round;
    use rug::ops::Pow;
    // ½·10^k = 5·10^(k−1), both steps rounded up.
    let ten = Float::with_val(BOUND_PREC, 10);
    let p = Float::with_val_round(BOUND_PREC, (&ten).pow(k - 1), Round::Up).0;
    Float::with_val_round(BOUND_PREC, &p * 5u32, Round::Up).0
}

/// Precision of bound arithmetic.
const BOUND_PREC: u32 = 64;

/// [`ball_error`], the half units of the last few exponents kept in `s` (a table's
/// column keeps its exponent from row to row).
pub fn ball_error_cached(exp: Option<i64>, n: usize, rad: &Float, s: &mut Scratch) -> Float {
    use rug::float::Round;
    let Some(e) = exp else {
        return ball_error(None, n, rad);
    };
    let k = e - n as i64 + 1;
    let pos = s.half_units.iter().position(|(kk, _)| *kk == k);
    let idx = match pos {
        Some(i) => i,
        None => {
            if s.half_units.len() >= 16 {
                s.half_units.remove(0);
            }
            s.half_units.push((k, half_unit(k)));
            s.half_units.len() - 1
        }
    };
    Float::with_val_round(BOUND_PREC, &s.half_units[idx].1 + rad, Round::Up).0
}

/// A certified bound on `|printed − exact|` for a ball `mid ± rad` whose midpoint was
/// printed with `n` significant digits and first-digit exponent `exp` (`None`: printed
/// exactly, a zero): half a unit in the last printed place (the conversion rounds to
/// nearest) plus the radius, every operation rounded up at 64 bits.
pub fn ball_error(exp: Option<i64>, n: usize, rad: &Float) -> Float {
    use rug::float::Round;
    let half = match exp {
        None => Float::with_val(BOUND_PREC, 0),
        Some(e) => half_unit(e - n as i64 + 1),
    };
    Float::with_val_round(BOUND_PREC, &half + rad, Round::Up).0
}

#[cfg(test)]
#[path = "../tests/decimal.rs"]
mod tests;
