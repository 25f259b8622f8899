//! Unit tests of `decimal.rs`.
use super::*;
use num_bigint::BigInt;

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
