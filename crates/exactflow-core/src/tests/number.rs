//! Unit tests of `number.rs`.
use super::*;

fn q(n: i64, d: i64) -> Q {
    Q::new(BigInt::from(n), BigInt::from(d))
}

#[test]
fn parses_exact_decimals_and_ratios() {
    assert_eq!(parse_exact("0.1").unwrap(), q(1, 10));
    assert_eq!(parse_exact("-2.5e-3").unwrap(), q(-1, 400));
    assert_eq!(parse_exact("3/7").unwrap(), q(3, 7));
    assert_eq!(parse_exact(" 1_000 ").unwrap(), q(1000, 1));
    assert_eq!(parse_exact(".5").unwrap(), q(1, 2));
    assert_eq!(parse_exact("3.").unwrap(), q(3, 1));
    assert_eq!(parse_exact("1E+2").unwrap(), q(100, 1));
    assert_eq!(parse_exact("0.5/3").unwrap(), q(1, 6));
}

#[test]
fn refuses_bad_text() {
    for bad in [
        "", "abc", "1.2.3", "1e", "--1", "1/", "/2", "1_", "_1", "1__0", "0x10", "1e1.5",
    ] {
        assert!(parse_exact(bad).is_err(), "{bad:?} accepted");
    }
    assert!(matches!(parse_exact("inf"), Err(NumberError::NonFinite(_))));
    assert!(matches!(
        parse_exact("-NaN"),
        Err(NumberError::NonFinite(_))
    ));
    assert!(matches!(
        parse_exact("1e10000"),
        Err(NumberError::ExponentTooLarge(_))
    ));
    assert!(matches!(
        parse_exact("1e99999999999"),
        Err(NumberError::ExponentTooLarge(_))
    ));
    assert!(matches!(
        parse_exact("1/0"),
        Err(NumberError::ZeroDenominator(_))
    ));
}

#[test]
fn q_to_f64_is_correctly_rounded_on_boundary_table() {
    // Values whose correct rounding is known by construction.
    assert_eq!(q_to_f64(&q(1, 10)), 0.1);
    assert_eq!(q_to_f64(&q(1, 3)), 1.0 / 3.0);
    assert_eq!(q_to_f64(&q(-7, 2)), -3.5);
    // Halfway between 1 and 1+2^-52 rounds to even (1).
    let half_ulp = Q::new(BigInt::from((1u64 << 53) + 1), BigInt::from(1u64 << 53));
    assert_eq!(q_to_f64(&half_ulp), 1.0);
    // Just above halfway rounds up.
    let above = half_ulp + Q::new(BigInt::one(), BigInt::one() << 200u32);
    assert_eq!(q_to_f64(&above), 1.0 + f64::EPSILON);
    // Subnormals and underflow.
    assert_eq!(
        q_to_f64(&f64_to_q(f64::from_bits(3)).unwrap()),
        f64::from_bits(3)
    );
    assert_eq!(
        q_to_f64(&Q::new(BigInt::one(), BigInt::one() << 1076u32)),
        0.0
    );
    assert_eq!(
        q_to_f64(&Q::new(BigInt::from(3), BigInt::one() << 1076u32)),
        f64::from_bits(1)
    );
    assert_eq!(
        q_to_f64(&Q::from_integer(BigInt::one() << 1024u32)),
        f64::INFINITY
    );
}

#[test]
fn f64_round_trips_exactly() {
    for x in [0.1, -1e-300, 5e-324, 1.7976931348623157e308, 123.456, -0.0] {
        assert_eq!(q_to_f64(&f64_to_q(x).unwrap()), x);
    }
}

#[test]
fn sqrt_is_correctly_rounded() {
    assert_eq!(sqrt_q_to_f64(&q(4, 9)), 2.0 / 3.0);
    assert_eq!(sqrt_q_to_f64(&q(2, 1)), std::f64::consts::SQRT_2);
    assert_eq!(sqrt_q_to_f64(&q(1, 2)), std::f64::consts::FRAC_1_SQRT_2);
    assert_eq!(sqrt_q_to_f64(&q(0, 1)), 0.0);
    assert!(sqrt_q_to_f64(&q(-1, 2)).is_nan());
    // Hardware sqrt is correctly rounded: compare on exact f64 inputs.
    for x in [3.0, 0.7, 1e-300, 5e-324, 1e300, 12345.678] {
        assert_eq!(sqrt_q_to_f64(&f64_to_q(x).unwrap()), x.sqrt(), "sqrt({x})");
    }
}

#[test]
fn formats_rationals() {
    assert_eq!(format_q_sci(&q(1, 8), 3), "1.25e-1");
    assert_eq!(format_q_sci(&q(1, 3), 5), "3.3333e-1");
    assert_eq!(format_q_sci(&q(-2, 3), 3), "-6.67e-1");
    assert_eq!(format_q_sci(&q(999_999, 1), 3), "1.00e6");
    assert_eq!(format_q_sci(&q(125, 1000), 2), "1.2e-1"); // tie to even
    assert_eq!(format_q_sci(&q(135, 1000), 2), "1.4e-1"); // tie to even
    assert_eq!(format_q_sci(&q(0, 1), 3), "0.00e0");
    assert_eq!(format_q_sci(&q(7, 1), 1), "7e0");
    assert_eq!(format_q_sci_up(&q(1, 3), 2), "3.4e-1");
    assert_eq!(format_q_sci_up(&q(999, 1), 2), "1.0e3");
    assert_eq!(format_q_sci_up(&q(25, 100), 2), "2.5e-1");
    // Same text as Rust's exact {:e} formatting of a dyadic value.
    for x in [0.1, 1e-200, 6.02214076e23, -3.25] {
        assert_eq!(format_q_sci(&f64_to_q(x).unwrap(), 17), format!("{x:.16e}"));
    }
}
