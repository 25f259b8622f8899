//! Unit tests of `exponent.rs`: the widest range is set, and exponents beyond `i32` are
//! read and applied exactly.
use super::*;

#[test]
fn wide_range_holds_exponents_far_beyond_i32() {
    ensure_wide_exponents();
    let (lo, hi) = exp_range();
    assert!(lo <= -(1i64 << 61) && hi >= 1i64 << 61, "{lo} {hi}");
    let mut x = Float::with_val(64, 0.75);
    mul_2exp(&mut x, -6_000_000_000);
    assert!(!x.is_zero());
    assert_eq!(exp2(&x), Some(-6_000_000_000));
    assert_eq!(to_f64_exp2(&x, Round::Nearest), (0.75, -6_000_000_000));
    mul_2exp(&mut x, 6_000_000_000);
    assert_eq!(x, 0.75);
    // e^{−4.3·10⁹}: below the default range, inside the wide one.
    let y = Float::with_val(64, -4.3e9).exp();
    assert!(!y.is_zero() && y.is_normal());
    assert!(exp2(&y).unwrap() < -(1i64 << 32));
    assert_eq!(exp2(&Float::with_val(10, 0)), None);
}

#[test]
fn every_thread_gets_the_wide_range() {
    let h = std::thread::spawn(|| {
        ensure_wide_exponents();
        exp_range()
    });
    let (lo, _) = h.join().expect("thread");
    assert!(lo <= -(1i64 << 61));
}
