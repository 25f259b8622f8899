//! Decimal text of balls: the midpoint correctly rounded to the requested digits, and a
//! certified upper bound on the distance from the printed text to the exact value.

use crate::ball::{self, Ball};
use exactflow_core::number::Q;

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
    format!("{:.*e}", digits, x)
}

/// A certified bound on `|printed − exact|` for the text `printed` (from [`format_mid`],
/// `digits` significant digits) of `b`: half a unit in the last printed digit (MPFR's
/// decimal conversion is correctly rounded to nearest) plus the radius, rounded up to
/// two significant digits. `0.0e0` for an exact value printed exactly; `nan` when the
/// ball carries no bound.
pub fn format_err(b: &Ball, printed: &str, digits: usize) -> String {
    use rug::float::Round;
    use rug::ops::Pow;
    use rug::Float;
    if b.is_nan() {
        return "nan".to_string();
    }
    let prec = ball::RAD_PREC;
    let half_unit = if b.mid().is_zero() {
        Float::with_val(prec, 0)
    } else {
        // printed = d.ddd…e<E>: a unit in the last place is 10^(E − digits + 1).
        let exp: i64 = printed
            .rsplit_once('e')
            .and_then(|(_, e)| e.parse().ok())
            .unwrap_or(0);
        let k = (exp - digits as i64 + 1).clamp(i32::MIN as i64, i32::MAX as i64) as i32;
        let ten = Float::with_val(prec, 10);
        let unit = Float::with_val_round(prec, (&ten).pow(k), Round::Up).0;
        unit / 2u32
    };
    let bound = Float::with_val_round(prec, &half_unit + &b.rad(), Round::Up).0;
    match exactflow_num::mpfr::float_to_q_exact(&bound) {
        Some(q) => exactflow_core::number::format_q_sci_up(&q, 2),
        None => "nan".to_string(),
    }
}
