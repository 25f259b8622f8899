//! Unit tests of the ball arithmetic: containment on exact inputs.
use crate::ball::Ball;
use exactflow_core::Real;
use exactflow_core::Scalar;
use rug::Float;

fn ball(x: f64, r: f64) -> Ball {
    Ball::new(Float::with_val(100, x), &Float::with_val(64, r))
}

#[test]
fn operations_contain_the_exact_results_of_their_endpoints() {
    let a = ball(1.5, 1e-10);
    let b = ball(-0.25, 1e-12);
    for (x, y) in [
        (1.5 - 5e-11, -0.25 + 5e-13),
        (1.5 + 5e-11, -0.25 - 5e-13),
        (1.5, -0.25),
    ] {
        let (fx, fy) = (Float::with_val(400, x), Float::with_val(400, y));
        assert!((a.clone() + b.clone()).contains(&Float::with_val(400, &fx + &fy)));
        assert!((a.clone() - b.clone()).contains(&Float::with_val(400, &fx - &fy)));
        assert!((a.clone() * b.clone()).contains(&Float::with_val(400, &fx * &fy)));
        assert!((a.clone() / b.clone()).contains(&Float::with_val(400, &fx / &fy)));
        assert!(a.sqrt().contains(&Float::with_val(400, fx.sqrt_ref())));
        assert!(b.exp().contains(&Float::with_val(400, fy.exp_ref())));
        assert!(b.exp_m1().contains(&Float::with_val(400, fy.exp_m1_ref())));
    }
}

#[test]
fn division_by_a_ball_around_zero_is_nan() {
    assert!((ball(1.0, 0.0) / ball(0.0, 1e-3)).is_nan());
}

#[test]
fn rationals_are_enclosed() {
    let q = exactflow_core::number::parse_exact("1/3").unwrap_or_default();
    let b = Ball::from_q(&q, &64);
    let third = Float::with_val(1000, 1) / 3u32;
    assert!(b.contains(&third));
    assert!(!b.rad().is_zero());
    assert!(Ball::from_q(
        &exactflow_core::number::parse_exact("0.5").unwrap_or_default(),
        &64
    )
    .rad()
    .is_zero());
}

#[test]
fn clamp_intersects() {
    let one = Ball::from_i32(1, &64);
    let m1 = Ball::from_i32(-1, &64);
    let c = ball(0.99, 0.05).clamp_known(&m1, &one);
    assert!(c.contains(&Float::with_val(64, 1.0)) && c.contains(&Float::with_val(64, 0.95)));
    assert!(!c.contains(&Float::with_val(64, 1.01)));
}

#[test]
fn square_contains_the_squares_of_its_endpoints() {
    for (m, r) in [(1.5, 1e-10), (-0.25, 1e-3), (0.0, 1e-5), (3.0, 0.0)] {
        let b = ball(m, r);
        let s = b.square();
        for x in [m - r / 2.0, m + r / 2.0, m] {
            let fx = Float::with_val(400, x);
            assert!(s.contains(&Float::with_val(400, &fx * &fx)), "{m} ± {r}");
        }
    }
}

#[test]
fn short_exponential_series_contains_mpfr_exp() {
    // e^{-y} for small balls y (exact and with radius), against MPFR's exp at 3x the
    // precision: contained, and the radius within 2^8 ulp.
    for prec in [64u32, 200, 1000, 3392] {
        for (i, y) in [1e-30, -3e-17, 2.5e-9, -1e-4, 0.01, 0.2, -0.25]
            .into_iter()
            .enumerate()
        {
            let mid = Float::with_val(prec, y) * Float::with_val(prec, 3).sqrt() / 2u32;
            let rad = if i % 2 == 0 {
                Float::with_val(64, 0)
            } else {
                Float::with_val(64, mid.clone().abs() >> (prec as i32 + 4))
            };
            let b = Ball::new(mid.clone(), &rad);
            let e = crate::decay::exp_neg_small(&b).expect("|y| <= 1/4");
            let exact = Float::with_val(3 * prec, -&mid).exp();
            assert!(e.contains(&exact), "prec {prec}, y {y}: {e:?}");
            assert!(
                e.rel_rad_at_most(8 - prec as i64),
                "prec {prec}, y {y}: {}",
                e.rel_rad()
            );
        }
        let too_big = Ball::new(Float::with_val(prec, 0.3), &Float::with_val(64, 0));
        assert!(crate::decay::exp_neg_small(&too_big).is_none());
    }
}
