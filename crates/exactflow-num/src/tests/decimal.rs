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

/// `m / 10^k` by cancelling 2s and 5s is `Q::new`'s reduced value: mantissas with many,
/// few or no factors 2 and 5, either sign, exponents up to the limit.
#[test]
fn over_power_of_ten_is_reduced_exactly() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..400 {
        let a = (next() % 70) as usize;
        let b = (next() % 70) as usize;
        let core: BigInt = BigInt::from(next() % 1000) * 3 + 1;
        let mut m: BigInt = (core << a) * num_traits::pow(BigInt::from(5u32), b);
        if next().is_multiple_of(2) {
            m = -m;
        }
        let k = (next() % 90) as usize;
        let want = Q::new(m.clone(), num_traits::pow(BigInt::from(10u32), k));
        assert_eq!(over_power_of_ten(m.clone(), k), want, "{m} / 10^{k}");
    }
    assert_eq!(
        over_power_of_ten(BigInt::from(0), 5),
        Q::from_integer(0.into())
    );
    // The limit: 1e-9999 and a 4096-digit mantissa of 5s stay fast and exact.
    let q = parse_exact("1e-9999").unwrap();
    assert_eq!(q.numer(), &BigInt::from(1));
    let fives = "5".repeat(4000);
    let q = parse_exact(&format!("0.{fives}e-5000")).unwrap();
    assert_eq!(
        q,
        Q::new(
            fives.parse().unwrap(),
            num_traits::pow(BigInt::from(10u32), 9000)
        )
    );
}

/// Ratios `p/q` of decimals are reduced exactly (against the general division of
/// rationals): signs, zero, exponents of both signs, common factors of every kind.
#[test]
fn ratios_of_decimals_are_reduced_exactly() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let text = |next: &mut dyn FnMut() -> u64| {
        let m = [0, 1, 2, 5, 10, 12, 125, 640, 3000][(next() % 9) as usize]
            * (next() % 50 + 1)
            * if next().is_multiple_of(4) { 0 } else { 1 };
        let sign = if next().is_multiple_of(3) { "-" } else { "" };
        let e = (next() % 61) as i64 - 30;
        format!("{sign}{m}e{e}")
    };
    for _ in 0..600 {
        let (a, b) = (text(&mut next), text(&mut next));
        let (qa, qb) = (parse_exact(&a).unwrap(), parse_exact(&b).unwrap());
        let got = parse_exact(&format!("{a}/{b}"));
        if qb.is_zero() {
            assert!(
                matches!(got, Err(NumberError::ZeroDenominator(_))),
                "{a}/{b}"
            );
        } else {
            let got = got.unwrap();
            let want = qa / qb;
            assert_eq!(got, want, "{a}/{b}");
            // Reduced: numerator and denominator as the general reduction leaves them.
            assert_eq!(
                (got.numer(), got.denom()),
                (want.numer(), want.denom()),
                "{a}/{b}"
            );
        }
    }
    assert_eq!(parse_exact("1e-5000/1e5000").unwrap().denom().bits(), 33220);
    assert_eq!(
        parse_exact("-0.5/-2.5e-3").unwrap(),
        Q::from_integer(200.into())
    );
}
