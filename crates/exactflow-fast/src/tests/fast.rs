//! Unit tests of `lib.rs`.
use super::*;

#[test]
fn nice_ceil_rounds_up_to_1235() {
    assert_eq!(nice_ceil(0.3), 0.3);
    assert_eq!(nice_ceil(0.31), 0.5);
    assert_eq!(nice_ceil(1.0), 1.0);
    assert_eq!(nice_ceil(1.01), 2.0);
    assert_eq!(nice_ceil(2.5), 3.0);
    assert_eq!(nice_ceil(7000.0), 10000.0);
    assert_eq!(nice_ceil(f64::INFINITY), 1.0);
}
