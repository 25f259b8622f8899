//! The rounding contract of `Mag`, checked against exact rational arithmetic on random
//! operands over a wide exponent range (and the alignment corner cases).
use super::*;
use rug::Rational;

/// A deterministic stream of magnitudes: mantissas over [½, 1), exponents in ±3000
/// (far outside the f64 range), plus exact powers of two.
fn mags(seed: u64, n: usize) -> Vec<Mag> {
    let mut x = seed;
    (0..n)
        .map(|i| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let m = 0.5 + ((x >> 11) as f64) * 2f64.powi(-54);
            let e = ((x >> 3) % 6001) as i64 - 3000;
            if i % 7 == 0 {
                Mag::pow2(e)
            } else {
                Mag::norm(m, e, true)
            }
        })
        .collect()
}

fn exact(m: Mag) -> Rational {
    m.to_float().to_rational().unwrap_or_default()
}

/// `|up − exact| ≤ 2^-50 · exact`: the outward step is one ulp of the mantissa.
fn tight(bound: &Rational, exact: &Rational) -> bool {
    let diff = Rational::from(bound - exact).abs();
    diff * Rational::from(1u64 << 50) <= *exact
}

#[test]
fn products_quotients_and_roots_round_outward_by_at_most_an_ulp() {
    let v = mags(3, 400);
    for w in v.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (ea, eb) = (exact(a), exact(b));
        let p = Rational::from(&ea * &eb);
        let up = exact(Mag::mul_up(a, b));
        let down = exact(Mag::mul_down(a, b));
        assert!(up >= p && down <= p, "{a:?}·{b:?}");
        assert!(tight(&up, &p) && tight(&down, &p));
        let q = Rational::from(&ea / &eb);
        let d = exact(Mag::div_up(a, b));
        assert!(d >= q && tight(&d, &q), "{a:?}/{b:?}");
        let r = exact(Mag::sqrt_down(a));
        assert!(Rational::from(&r * &r) <= ea, "√{a:?}");
        let r_up = (&r * Rational::from((1u64 << 50) + 1)) / Rational::from(1u64 << 50);
        assert!(Rational::from(&r_up * &r_up) >= ea, "√{a:?} not tight");
    }
}

#[test]
fn sums_and_differences_round_outward_across_any_exponent_gap() {
    let mut v = mags(5, 400);
    // Gaps of 0, 52, 53, 60, 61 and 1000 bits.
    for gap in [0i64, 1, 52, 53, 54, 60, 61, 62, 1000] {
        v.push(Mag::norm(0.75, 10, true));
        v.push(Mag::norm(0.6, 10 - gap, true));
    }
    for w in v.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (ea, eb) = (exact(a), exact(b));
        let s = Rational::from(&ea + &eb);
        let up = exact(Mag::add_up(a, b));
        let down = exact(Mag::add_down(a, b));
        assert!(up >= s && down <= s, "{a:?}+{b:?}");
        assert!(tight(&up, &s) && tight(&down, &s));
        let d = exact(Mag::sub_down(a, b));
        let true_d = Rational::from(&ea - &eb).max(Rational::new());
        assert!(d <= true_d, "{a:?}−{b:?}");
        if true_d > 0 && true_d.clone() * Rational::from(1u64 << 8) > ea {
            // Without cancellation beyond 8 bits the lower bound is tight too.
            assert!(tight(&d, &true_d), "{a:?}−{b:?} loose");
        }
    }
}

#[test]
fn conversions_bound_the_float_and_compare_exactly() {
    let prec = 300;
    for (i, m) in mags(9, 200).into_iter().enumerate() {
        // A 300-bit float near m·(1 + i·2^-100).
        let mut x = m.to_float();
        x.set_prec(prec);
        x += (Float::with_val(prec, &x) * Float::with_val(prec, i)) >> 100;
        if i % 2 == 1 {
            x = -x;
        }
        let ex = x.to_rational().unwrap_or_default().abs();
        assert!(exact(Mag::from_float_up(&x)) >= ex);
        assert!(exact(Mag::from_float_down(&x)) <= ex);
        let u = exact(Mag::ulp(&x));
        // One ulp of a 300-bit float: 2^(exponent − 300).
        let e = x.get_exp().unwrap_or(0);
        assert_eq!(u, Rational::from(1) << (e - prec as i32));
        let (a, b) = (Mag::from_float_down(&x), Mag::from_float_up(&x));
        assert!(a <= b && b.partial_cmp(&a) != Some(Ordering::Less));
    }
    assert!(Mag::ZERO < Mag::pow2(-5000) && Mag::pow2(5000) < Mag::INF);
    assert!(Mag::pow2(-4000).to_f64_up() > 0.0);
    assert_eq!(Mag::pow2(-3).to_f64_up(), 0.125);
    assert!(Mag::pow2(3000).to_f64_up().is_infinite());
}
