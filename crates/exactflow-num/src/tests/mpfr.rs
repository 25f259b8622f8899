//! Unit tests of `mpfr.rs`.
use super::*;
use crate::float::f64_to_q_exact;
use num_traits::One;

#[test]
fn rationals_round_trip_exactly_through_gmp() {
    let big = BigInt::from(3).pow(500) * BigInt::from(-1);
    for q in [
        Q::new(BigInt::from(-7), BigInt::from(3)),
        Q::new(big.clone(), BigInt::from(2).pow(700) + BigInt::one()),
        Q::from_integer(BigInt::from(0)),
        Q::from_integer(BigInt::from(u64::MAX) * BigInt::from(u64::MAX)),
    ] {
        let r = q_to_rational_exact(&q);
        assert_eq!(r.to_string(), q.to_string().replace(' ', ""));
        assert_eq!(rational_to_q_exact(&r), q);
    }
    assert_eq!(integer_to_bigint_exact(&bigint_to_integer_exact(&big)), big);
}

#[test]
fn rounding_direction_and_ternary_are_mpfr_s() {
    let third = Q::new(BigInt::one(), BigInt::from(3));
    let (down, o) = q_to_float_round(&third, 64, Round::Down);
    let (up, o2) = q_to_float_round(&third, 64, Round::Up);
    assert_eq!((o, o2), (Ordering::Less, Ordering::Greater));
    assert!(down < up);
    let qd = float_to_q_exact(&down).unwrap();
    let qu = float_to_q_exact(&up).unwrap();
    assert!(qd < third && third < qu);
    assert_eq!(
        q_to_float_round(
            &Q::new(BigInt::from(3), BigInt::from(8)),
            10,
            Round::Nearest
        )
        .1,
        Ordering::Equal
    );
    assert_eq!(
        float_to_q_exact(&q_to_float_nearest(&f64_to_q_exact(0.1).unwrap(), 53)),
        f64_to_q_exact(0.1)
    );
    assert!(float_to_q_exact(&Float::with_val(53, rug::float::Special::Nan)).is_none());
    assert_eq!(
        float_to_f64_nearest(&q_to_float_nearest(&third, 200)),
        1.0 / 3.0
    );
}

#[test]
fn digits_to_bits_is_the_exact_ceiling() {
    // ⌈d·log2 10⌉ is the smallest b with 2^b ≥ 10^d; check with a 256-bit log2 10
    // (error below 10^-70 per unit of d) for every d the engines accept and beyond.
    let l = Float::with_val(256, 10).log2();
    for d in 1u32..=200_000 {
        let exact = Float::with_val(256, &l * d)
            .ceil()
            .to_u32_saturating()
            .unwrap();
        assert_eq!(digits_to_bits(d), exact, "{d}");
    }
    assert_eq!(digits_to_bits(0), 0);
}
