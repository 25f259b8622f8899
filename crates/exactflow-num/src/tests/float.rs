//! Unit tests of `float.rs`.
use super::*;
use num_traits::{One, Signed, Zero};

fn q(n: i64, d: i64) -> Q {
    Q::new(BigInt::from(n), BigInt::from(d))
}

#[test]
fn q_to_f64_is_correctly_rounded_on_boundary_table() {
    // Values whose correct rounding is known by construction.
    assert_eq!(q_to_f64_nearest(&q(1, 10)), 0.1);
    assert_eq!(q_to_f64_nearest(&q(1, 3)), 1.0 / 3.0);
    assert_eq!(q_to_f64_nearest(&q(-7, 2)), -3.5);
    // Halfway between 1 and 1+2^-52 rounds to even (1).
    let half_ulp = Q::new(BigInt::from((1u64 << 53) + 1), BigInt::from(1u64 << 53));
    assert_eq!(q_to_f64_nearest(&half_ulp), 1.0);
    // Just above halfway rounds up.
    let above = half_ulp + Q::new(BigInt::one(), BigInt::one() << 200u32);
    assert_eq!(q_to_f64_nearest(&above), 1.0 + f64::EPSILON);
    // Subnormals and underflow.
    assert_eq!(
        q_to_f64_nearest(&f64_to_q_exact(f64::from_bits(3)).unwrap()),
        f64::from_bits(3)
    );
    assert_eq!(
        q_to_f64_nearest(&Q::new(BigInt::one(), BigInt::one() << 1076u32)),
        0.0
    );
    assert_eq!(
        q_to_f64_nearest(&Q::new(BigInt::from(3), BigInt::one() << 1076u32)),
        f64::from_bits(1)
    );
    assert_eq!(
        q_to_f64_nearest(&Q::from_integer(BigInt::one() << 1024u32)),
        f64::INFINITY
    );
}

#[test]
fn f64_round_trips_exactly() {
    for x in [0.1, -1e-300, 5e-324, 1.7976931348623157e308, 123.456, -0.0] {
        assert_eq!(q_to_f64_nearest(&f64_to_q_exact(x).unwrap()), x);
    }
}

#[test]
fn sqrt_is_correctly_rounded() {
    assert_eq!(sqrt_q_to_f64_nearest(&q(4, 9)), 2.0 / 3.0);
    assert_eq!(sqrt_q_to_f64_nearest(&q(2, 1)), std::f64::consts::SQRT_2);
    assert_eq!(
        sqrt_q_to_f64_nearest(&q(1, 2)),
        std::f64::consts::FRAC_1_SQRT_2
    );
    assert_eq!(sqrt_q_to_f64_nearest(&q(0, 1)), 0.0);
    assert!(sqrt_q_to_f64_nearest(&q(-1, 2)).is_nan());
    // Hardware sqrt is correctly rounded: compare on exact f64 inputs.
    for x in [3.0, 0.7, 1e-300, 5e-324, 1e300, 12345.678] {
        assert_eq!(
            sqrt_q_to_f64_nearest(&f64_to_q_exact(x).unwrap()),
            x.sqrt(),
            "sqrt({x})"
        );
    }
}

#[test]
fn decompose_is_the_exact_bit_split() {
    let p = f64_decompose(-1.5).unwrap();
    assert_eq!((p.negative, p.mantissa, p.exp2), (true, 3 << 51, -52));
    let p = f64_decompose(5e-324).unwrap();
    assert_eq!((p.negative, p.mantissa, p.exp2), (false, 1, -1074));
    assert!(f64_decompose(-0.0).unwrap().negative);
    assert!(f64_decompose(f64::NAN).is_none());
    assert!(f64_decompose(f64::NEG_INFINITY).is_none());
}

#[test]
fn scaled_conversion_is_f64_with_an_unbounded_exponent() {
    // Inside f64's normal range the scaled form is exactly the f64 rounding.
    for x in [
        0.1,
        -1e-300,
        1.7976931348623157e308,
        123.456,
        2.2250738585072014e-308,
    ] {
        let qx = f64_to_q_exact(x).unwrap() * q(7, 3);
        let (m, e) = q_to_f64_scaled_nearest(&qx);
        assert!((0.5..1.0).contains(&m.abs()), "{m}");
        let direct = q_to_f64_nearest(&qx);
        if direct.is_finite() && direct.abs() >= f64::MIN_POSITIVE {
            assert_eq!(ldexp(m, e), direct, "{x}");
        }
    }
    // Far outside: 10^-400 and 10^400 keep 53 correct bits. Check m·2^e against q by
    // exact comparison within half an ulp of m.
    for (n, d) in [(1i64, 400i32), (3, -400), (-7, 5000)] {
        let ten = Q::from_integer(BigInt::from(10));
        let x = Q::from_integer(BigInt::from(n)) * num_traits::pow(ten, d.unsigned_abs() as usize);
        let x = if d < 0 {
            Q::from_integer(BigInt::from(n)) / (x / Q::from_integer(BigInt::from(n)))
        } else {
            x
        };
        let (m, e) = q_to_f64_scaled_nearest(&x);
        let approx = f64_to_q_exact(m).unwrap() * pow2(e);
        let err = (&approx - &x).abs();
        let half_ulp = f64_to_q_exact(m.abs()).unwrap()
            * pow2(e)
            * Q::new(BigInt::one(), BigInt::one() << 53u32);
        assert!(err <= half_ulp, "{n}e{d}");
    }
    // Square roots: √(10^-700) = 10^-350 exactly representable? No: compare squares.
    let tiny = Q::new(BigInt::one(), num_traits::pow(BigInt::from(10), 700));
    let (m, e) = sqrt_q_to_f64_scaled_nearest(&tiny);
    let r = f64_to_q_exact(m).unwrap() * pow2(e);
    let rel = ((&r * &r - &tiny) / &tiny).abs();
    assert!(rel < Q::new(BigInt::one(), BigInt::one() << 51u32));
    assert_eq!(q_to_f64_scaled_nearest(&Q::zero()), (0.0, 0));
    assert!(sqrt_q_to_f64_scaled_nearest(&q(-1, 2)).0.is_nan());
}

fn pow2(e: i64) -> Q {
    if e >= 0 {
        Q::from_integer(BigInt::one() << e as u64)
    } else {
        Q::new(BigInt::one(), BigInt::one() << (-e) as u64)
    }
}
