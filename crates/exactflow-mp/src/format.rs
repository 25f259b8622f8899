//! Decimal text of balls: the midpoint correctly rounded to the requested digits, and a
//! certified upper bound on the distance from the printed text to the exact value.

use crate::ball::{self, Ball};
use exactflow_core::number::Q;
use rug::float::Round;
use rug::ops::Pow;
use rug::Float;

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
    sci(x, digits, Round::Nearest)
}

/// `x` (finite, nonzero) rounded in direction `round` to `digits ≥ 2` significant decimal
/// digits by MPFR's `get_str` (to nearest: its digits by the faster exact route of
/// `exactflow_num::mpfr_digits`), as `d.ddd…e<E>` with an `i64` exponent. (rug's `Display`
/// reserves memory in proportion to the decimal exponent itself — half a gigabyte at
/// `10^-1.9·10⁹`, an allocation failure beyond — so it is not used.)
fn sci(x: &Float, digits: usize, round: Round) -> String {
    use gmp_mpfr_sys::mpfr;
    let digits = digits.max(2);
    let mut buf: Vec<u8>;
    let exp: i64;
    if round == Round::Nearest {
        // MPFR's digits (`mpfr_get_str` to nearest), by the faster exact route.
        let mut s = exactflow_num::mpfr_digits::DigitScratch::default();
        buf = Vec::with_capacity(digits + 2);
        exp = exactflow_num::mpfr_digits::nearest_digits(x, digits, &mut s, &mut buf) + 1;
    } else {
        let rnd = match round {
            Round::Up => mpfr::rnd_t::RNDU,
            Round::Down => mpfr::rnd_t::RNDD,
            Round::Zero => mpfr::rnd_t::RNDZ,
            _ => mpfr::rnd_t::RNDN,
        };
        // Sign, digits and the terminating NUL.
        buf = vec![0u8; digits + 2];
        let mut e: mpfr::exp_t = 0;
        // SAFETY: `buf` holds `digits + 2` bytes, the size mpfr_get_str needs for
        // `digits` digits of a finite number; `x` is a valid float; MPFR writes a
        // NUL-terminated string of ASCII digits, with a leading '-' for negative numbers.
        let ret =
            unsafe { mpfr::get_str(buf.as_mut_ptr().cast(), &mut e, 10, digits, x.as_raw(), rnd) };
        assert!(!ret.is_null(), "mpfr_get_str writes into the buffer given");
        let len = buf.iter().position(|&c| c == 0).expect("NUL-terminated");
        buf.truncate(len);
        exp = e as i64;
    }
    let text = std::str::from_utf8(&buf).expect("ASCII digits");
    let (sign, ds) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    // 0.d₁d₂… × 10^exp = d₁.d₂… × 10^(exp − 1).
    format!("{sign}{}.{}e{}", &ds[..1], &ds[1..], exp - 1)
}

/// The decimal exponent `E` of text `d.ddd…e<E>` written by [`format_float`] (MPFR
/// writes the exponent as an integer of its exponent type).
fn printed_exponent(printed: &str) -> i64 {
    printed
        .rsplit_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .expect("format_float writes d.ddd...e<integer>")
}

/// A certified upper bound on `|printed − exact|` for the text `printed` that
/// [`format_mid`] gave for `b` at `digits` significant digits: half a unit in its last
/// digit (MPFR's decimal conversion is correctly rounded to nearest) plus the radius, as a
/// 64-bit float rounded up; `0` for an exact zero; `None` when the ball carries no bound.
pub fn error_bound(b: &Ball, printed: &str, digits: usize) -> Option<Float> {
    if b.is_nan() {
        return None;
    }
    crate::exponent::ensure_wide_exponents();
    let prec = ball::RAD_PREC;
    let half_unit = if b.mid().is_zero() {
        Float::with_val(prec, 0)
    } else {
        // printed = d.ddd…e<E>: a unit in the last place is 10^(E − digits + 1), computed
        // upward for any i64 exponent (MPFR's widest range holds it).
        let exp = printed_exponent(printed);
        let k = Float::with_val(64, exp - digits as i64 + 1);
        let ten = Float::with_val(prec, 10);
        let unit = Float::with_val_round(prec, (&ten).pow(&k), Round::Up).0;
        unit / 2u32
    };
    Some(Float::with_val_round(prec, &half_unit + &b.rad(), Round::Up).0)
}

/// [`error_bound`] as text, rounded up to two significant digits (`5.1e-41`); `0.0e0`
/// for an exact value printed exactly; `nan` when the ball carries no bound. `printed`
/// is the text [`format_mid`] gave for `b` (its exponent fixes the unit in the last
/// place).
pub fn format_err(b: &Ball, printed: &str, digits: usize) -> String {
    match error_bound(b, printed, digits) {
        Some(x) => format_up(&x, 2),
        None => "nan".to_string(),
    }
}

/// A non-negative float rounded up to `sig ≥ 2` significant digits (MPFR's directed
/// decimal conversion), in the tables' style `d.de<E>`; `0.0e0` for zero.
pub fn format_up(x: &Float, sig: usize) -> String {
    if x.is_zero() {
        return exactflow_core::number::format_q_sci(&Q::from_integer(0.into()), sig);
    }
    sci(x, sig, Round::Up)
}
