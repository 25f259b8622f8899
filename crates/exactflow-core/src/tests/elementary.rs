//! Unit tests of `elementary.rs`.
use super::*;

#[test]
fn exp_core_table() {
    assert_eq!(exp(0.0), 1.0);
    assert_eq!(exp(std::f64::consts::LN_2), 2.0);
    assert_eq!(exp(f64::NEG_INFINITY), 0.0);
    assert_eq!(exp(f64::INFINITY), f64::INFINITY);
    assert!(exp(f64::NAN).is_nan());
    assert_eq!(exp(710.0), f64::INFINITY);
    assert!(exp(709.7) > 1e308 && exp(709.7).is_finite());
    assert!(exp(-745.0) > 0.0 && exp(-746.0) == 0.0);
    // Against the platform exp (itself within an ulp): at most 2 ulp apart.
    let mut x = -700.0;
    while x < 700.0 {
        let (a, b) = (exp(x), x.exp());
        let ulps = (a.to_bits() as i64 - b.to_bits() as i64).abs();
        assert!(ulps <= 2, "exp({x}) = {a:e} vs {b:e}");
        x += 0.7310001;
    }
}
