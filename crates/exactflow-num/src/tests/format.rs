//! Unit tests of `format.rs`.
use super::*;
use num_bigint::BigInt;

fn q(n: i64, d: i64) -> Q {
    Q::new(BigInt::from(n), BigInt::from(d))
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
        assert_eq!(
            format_q_sci(&f64_to_q_exact(x).unwrap(), 17),
            format!("{x:.16e}")
        );
    }
}

#[test]
fn formats_doubles_at_any_digit_count() {
    // Beyond 17 digits: the exact binary value (Rust's formatter panics above 65535).
    assert_eq!(format_f64_sci(0.5, 20), "5.0000000000000000000e-1");
    assert_eq!(format_f64_sci(0.1, 20), "1.0000000000000000555e-1");
    let long = format_f64_sci(1e-300, 100_000);
    assert_eq!(long.len(), 100_000 + 1 + "e-300".len());
    assert!(long.starts_with("1.00000000000000002") && long.ends_with("e-300"));
    assert_eq!(format_f64_sci(3.0, 70_000).len(), 70_000 + 1 + 2);
    // Same text as Rust's exact formatting where both apply.
    for x in [0.1, 1e-200, 6.02214076e23, -3.25, 2f64.powi(-60)] {
        for d in [18usize, 25, 41, 60] {
            assert_eq!(format_f64_sci(x, d), format!("{:.*e}", d - 1, x), "{x} {d}");
        }
    }
}
