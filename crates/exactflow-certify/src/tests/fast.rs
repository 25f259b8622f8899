//! Unit tests of the per-value judgment of the fast engine.
use super::*;
use exactflow_mp::ball::Ball;
use rug::Float;

fn exact(x: f64) -> Ball {
    Ball::from_float(Float::with_val(128, x))
}

/// Issue 10 item 10: `--eta-u 1e-40` once gave a fast `norm_w` of 0.72 against mp's
/// 6.79, within the fast path's bound of 3e6 there — `certify` passed. A value off by
/// ×9 fails however wide its documented bound, and the vacuous bound is counted.
#[test]
fn a_value_within_a_vacuous_bound_is_not_accurate() {
    let mut t = Tally::default();
    t.cell(1.0, 0.72, &exact(6.79), 3e6);
    assert!(t.worst_bound.0 <= 1.0, "within its bound");
    assert!(t.worst_rel.0 > FAST_REL_REQUIRED, "{}", t.worst_rel.0);
    assert_eq!(t.vacuous, 1);
    // An accurate value with a tight bound passes both.
    let mut t = Tally::default();
    t.cell(1.0, 6.79 * (1.0 + 1e-15), &exact(6.79), 1e-12);
    assert!(t.worst_bound.0 <= 1.0 && t.worst_rel.0 <= FAST_REL_REQUIRED);
    assert_eq!(t.vacuous, 0);
    // A value beyond f64 is not compared, a non-finite fast value for a representable
    // one is a mismatch, and so is a fast value where mp has none.
    let mut t = Tally::default();
    let tiny = {
        let mut f = Float::with_val(64, 1);
        exactflow_mp::exponent::mul_2exp(&mut f, -5000);
        Ball::from_float(f)
    };
    t.cell(1.0, 0.0, &tiny, 1.0);
    assert_eq!((t.beyond, t.compared), (1, 0));
    t.cell(1.0, f64::NAN, &exact(2.0), 1.0);
    assert!(t.mismatch.is_some());
}
