//! Unit tests of `write/decimal.rs`: every text held against an independent exact
//! route (core's big-integer `format_q_sci`, `q_to_f64_nearest`, the exact value of the MPFR
//! float), never against the code under test.
use super::*;
use exactflow_core::number::{format_q_sci_up, parse_exact};
use num_bigint::BigInt;
use rug::float::Round;
use rug::ops::Pow;

fn text(f: impl FnOnce(&mut Scratch, &mut Vec<u8>)) -> String {
    let mut s = Scratch::default();
    let mut out = Vec::new();
    f(&mut s, &mut out);
    String::from_utf8(out).unwrap()
}

/// A deterministic stream of u64s (xorshift).
fn lcg(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

fn q(n: u128, d: u64) -> Q {
    Q::new(BigInt::from(n), BigInt::from(d))
}

#[test]
fn ratio_fixed_digits_equal_the_big_integer_formatting() {
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    let mut cases: Vec<(u128, u64)> = vec![
        (1, 3),
        (2, 3),
        (1, 2),
        (5, 2),
        (15, 2),
        (25, 2),
        (999_999, 1),
        (9_999_995, 1_000_000),
        (1, 1 << 63),
        (u64::MAX as u128 * 1_000_000, 7),
        (u128::MAX, 1),
        (u128::MAX, u64::MAX),
        (1, u64::MAX),
        (123_456_789, 1000),
        (10, 1),
        (1, 10_000_000_000_000_000_000),
    ];
    for _ in 0..400 {
        let n = (lcg(&mut seed) as u128) << (lcg(&mut seed) % 64) | lcg(&mut seed) as u128;
        let d = (lcg(&mut seed) >> (lcg(&mut seed) % 64)).max(1);
        cases.push((n, d));
    }
    for (n, d) in cases {
        for digits in [1, 2, 3, 10, 16, 17, 18, 25, 40, 64, 100] {
            let got = text(|s, o| ratio_text(n, d, Digits::Fixed(digits), s, o));
            assert_eq!(got, format_q_sci(&q(n, d), digits), "{n}/{d} at {digits}");
        }
    }
}

#[test]
fn ratio_to_f64_is_correctly_rounded() {
    let mut seed = 12345u64;
    for _ in 0..2000 {
        let n = ((lcg(&mut seed) as u128) << 64 | lcg(&mut seed) as u128) >> (lcg(&mut seed) % 128);
        let d = (lcg(&mut seed) >> (lcg(&mut seed) % 64)).max(1);
        assert_eq!(
            ratio_to_f64(n, d).to_bits(),
            q_to_f64_nearest(&q(n, d)).to_bits(),
            "{n}/{d}"
        );
    }
    // Ties to even: 2^53 + 1 and 2^53 + 3 over 1.
    assert_eq!(ratio_to_f64((1 << 53) + 1, 1), 9007199254740992.0);
    assert_eq!(ratio_to_f64((1 << 53) + 3, 1), 9007199254740996.0);
    assert_eq!(ratio_to_f64(1, 10), 0.1);
}

#[test]
fn shortest_ratio_is_exact_when_short_else_the_double_else_17_digits() {
    let cases = [
        ((1, 2), "0.5"),
        ((1, 10), "0.1"),
        ((100, 1), "100.0"),
        ((1, 1000), "0.001"),
        ((1, 1_000_000), "1e-6"),
        ((12345, 10), "1234.5"),
        (
            (123_456_789_012_345_678, 1_000_000_000),
            "123456789.01234568",
        ),
        ((123_456_789_012_345, 1000), "123456789012.345"),
        ((1, 3), "0.33333333333333333"),
        ((2, 3), "0.66666666666666667"),
        // 2^-60 is a double whose exact decimal is long: its shortest round trip.
        ((1, 1 << 60), "8.673617379884035e-19"),
        ((10_000_000_000_000_000, 1), "1e16"),
        ((0, 1), "0.0"),
    ];
    for ((n, d), want) in cases {
        assert_eq!(
            text(|s, o| ratio_text(n, d, Digits::Shortest, s, o)),
            want,
            "{n}/{d}"
        );
        // Exact texts (and a double's own) read back as the correctly rounded double;
        // a 17-digit rounding of a longer rational may be one double away.
        let back: f64 = want.parse().unwrap();
        let exact = parse_exact(want).unwrap() == q(n, d) || d.is_power_of_two();
        if exact {
            assert_eq!(back, ratio_to_f64(n, d), "{n}/{d}");
        }
    }
}

#[test]
fn f64_text_shortest_round_trips_and_fixed_is_std() {
    let mut seed = 777u64;
    for _ in 0..5000 {
        let x = f64::from_bits(lcg(&mut seed));
        if !x.is_finite() {
            continue;
        }
        let t = text(|_, o| f64_text(x, Digits::Shortest, o));
        assert_eq!(t.parse::<f64>().unwrap(), if x == 0.0 { 0.0 } else { x });
        let f = text(|_, o| f64_text(x, Digits::Fixed(17), o));
        if x != 0.0 {
            assert_eq!(f, format!("{:.16e}", x));
            // Fixed digits are the exact binary value correctly rounded.
            assert_eq!(f, format_q_sci(&f64_to_q_exact(x).unwrap(), 17));
        }
    }
    assert_eq!(text(|_, o| f64_text(-0.0, Digits::Shortest, o)), "0.0");
    assert_eq!(text(|_, o| f64_text(-0.0, Digits::Fixed(3), o)), "0.00e0");
    assert_eq!(text(|_, o| f64_text(f64::NAN, Digits::Fixed(3), o)), "nan");
    assert_eq!(
        text(|_, o| f64_text(f64::NEG_INFINITY, Digits::Shortest, o)),
        "-inf"
    );
    // Beyond std's precision limit: the exact digits then zeros.
    let x = 0.1f64;
    let t = text(|_, o| f64_text(x, Digits::Fixed(70_000), o));
    assert_eq!(t, format_q_sci(&f64_to_q_exact(x).unwrap(), 70_000));
}

#[test]
fn exact_big_rationals_take_the_general_path() {
    for s in [
        "1e-300",
        "-1/3",
        "123456789012345678901234567890/7",
        "1e40",
        "-2.5",
    ] {
        let v = parse_exact(s).unwrap();
        for d in [1, 17, 50] {
            assert_eq!(
                text(|sc, o| exact_text(&v, Digits::Fixed(d), sc, o)),
                format_q_sci(&v, d),
                "{s}"
            );
        }
    }
    let v = parse_exact("1e-300").unwrap();
    assert_eq!(
        text(|sc, o| exact_text(&v, Digits::Shortest, sc, o)),
        "1e-300"
    );
    let v = f64_to_q_exact(1e-300).unwrap(); // the double: its shortest text
    assert_eq!(
        text(|sc, o| exact_text(&v, Digits::Shortest, sc, o)),
        "1e-300"
    );
    let v = parse_exact("-1/3").unwrap();
    assert_eq!(
        text(|sc, o| exact_text(&v, Digits::Shortest, sc, o)),
        "-0.33333333333333333"
    );
}

/// The exact value of an MPFR float as a rational.
fn float_q(x: &Float) -> Q {
    let r = x.to_rational().unwrap();
    Q::new(
        r.numer().to_string().parse().unwrap(),
        r.denom().to_string().parse().unwrap(),
    )
}

#[test]
fn mpfr_text_is_the_correctly_rounded_exact_value() {
    let mut seed = 99u64;
    for prec in [64u32, 200, 1000] {
        for _ in 0..50 {
            let m = lcg(&mut seed) as i64;
            let e = (lcg(&mut seed) % 400) as i32 - 200;
            let x = Float::with_val(prec, m) * Float::with_val(prec, 2).pow(e)
                / Float::with_val(prec, 3);
            for d in [1, 2, 10, 40, 120] {
                let got = text(|s, o| {
                    mpfr_text(&x, Digits::Fixed(d), s, o);
                });
                assert_eq!(got, format_q_sci(&float_q(&x), d), "prec {prec} d {d}");
            }
        }
    }
    let z = Float::with_val(64, 0);
    assert_eq!(
        text(|s, o| assert!(mpfr_text(&z, Digits::Fixed(4), s, o).is_none())),
        "0.000e0"
    );
}

#[test]
fn bounds_round_up_to_two_digits() {
    let mut seed = 5u64;
    for _ in 0..500 {
        let m = (lcg(&mut seed) >> 1) as i64 + 1;
        let e = (lcg(&mut seed) % 2000) as i32 - 1000;
        let b = Float::with_val(64, m) * Float::with_val(64, 2).pow(e);
        let got = text(|s, o| bound_up(&b, s, o));
        assert_eq!(got, format_q_sci_up(&float_q(&b), 2));
    }
    assert_eq!(
        text(|s, o| bound_up(&Float::with_val(64, 0), s, o)),
        "0.0e0"
    );
}

#[test]
fn ball_error_is_half_a_unit_plus_the_radius_rounded_up() {
    // Printed 1.234e-5 (4 digits): half a unit = 5e-9; radius 2^-40.
    let rad = Float::with_val(64, Float::i_exp(1, -40));
    let e = ball_error(Some(-5), 4, &rad);
    let want = parse_exact("5e-9").unwrap() + float_q(&rad);
    assert!(float_q(&e) >= want);
    assert!(float_q(&e) <= &want * parse_exact("1.0000000000000001").unwrap());
    // The cached form gives the same bound.
    let mut s = Scratch::default();
    for _ in 0..3 {
        assert_eq!(ball_error_cached(Some(-5), 4, &rad, &mut s), e);
    }
    // A zero printed exactly: the radius alone.
    assert_eq!(float_q(&ball_error(None, 4, &rad)), float_q(&rad));
    // Exponents beyond i32 (MPFR's wide range): no panic, a finite bound.
    let tiny = Float::with_val(64, Float::i_exp(1, -2_000_000_000));
    let _ = Round::Up;
    let b = ball_error(Some(-3_000_000_000), 40, &tiny);
    assert!(b.is_finite() && b > 0);
}

/// Every accepted `--digits` of the mp engine renders every kind of cell (issue 10, item
/// 7: 65536 and more digits used to panic in std's formatting): the digit counts of the
/// range's edges and a stride through it, against the big-integer formatting.
#[test]
fn every_digit_count_up_to_100000_renders_times_values_and_bounds() {
    let mut counts: Vec<usize> = (10..=100_000).step_by(14_999).collect();
    counts.extend([
        17, 18, 308, 309, 767, 768, 800, 801, 65_535, 65_536, 65_537, 99_999, 100_000,
    ]);
    let third = q(1, 3);
    let x = Float::with_val(128, 1) / Float::with_val(128, 3);
    let xq = float_q(&x);
    let rad = Float::with_val(64, Float::i_exp(1, -100));
    for d in counts {
        let t = text(|s, o| ratio_text(1, 3, Digits::Fixed(d), s, o));
        assert_eq!(t, format_q_sci(&third, d), "t at {d}");
        let t = text(|s, o| ratio_text(5, 2, Digits::Fixed(d), s, o));
        assert_eq!(t.len(), d + 3, "2.5 at {d}");
        let v = text(|s, o| {
            mpfr_text(&x, Digits::Fixed(d), s, o);
        });
        assert_eq!(v, format_q_sci(&xq, d), "value at {d}");
        let f = text(|_, o| f64_text(0.1, Digits::Fixed(d), o));
        assert_eq!(
            f,
            format_q_sci(&f64_to_q_exact(0.1).unwrap(), d),
            "f64 at {d}"
        );
        let b = text(|s, o| bound_up(&ball_error(Some(-1), d, &rad), s, o));
        assert!(
            b.starts_with(|c: char| c.is_ascii_digit()) && b.len() <= 12,
            "bound at {d}: {b}"
        );
    }
}
