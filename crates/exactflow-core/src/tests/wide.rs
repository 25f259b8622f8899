//! Unit tests of `wide.rs`: every operation correctly rounded at every exponent, checked
//! against MPFR at 53 bits (MPFR's exponent range is far wider than the tested one), and
//! the same bits as `f64` inside its normal range.
use super::*;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use rug::float::Round;
use rug::Float;

/// A random `Wide` with a random sign, significand and exponent in `±emax`.
fn random(rng: &mut ChaCha8Rng, emax: i64) -> Wide {
    let bits = rng.next_u64();
    let m = 0.5 + (bits >> 11) as f64 / (1u64 << 54) as f64;
    let m = if bits & 1 == 1 { -m } else { m };
    let e = (rng.next_u64() % (2 * emax as u64 + 1)) as i64 - emax;
    Wide::new(m, e)
}

fn to_float(x: Wide) -> Float {
    let (m, e) = x.parts();
    let mut f = Float::with_val(53, m);
    f <<= e as i32;
    f
}

fn same(w: Wide, f: &Float) -> bool {
    if f.is_zero() {
        return w.is_zero();
    }
    let (m, e) = w.parts();
    let mut back = Float::with_val(53, m);
    back <<= e as i32;
    &back == f
}

#[test]
fn arithmetic_is_correctly_rounded_at_every_exponent() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for i in 0..4000 {
        // Mostly close exponents (cancellation, carries), sometimes far apart.
        let a = random(&mut rng, 5000);
        let b = if i % 3 == 0 {
            let (m, e) = random(&mut rng, 60).parts();
            Wide::new(m, a.parts().1 + e)
        } else {
            random(&mut rng, 5000)
        };
        let (fa, fb) = (to_float(a), to_float(b));
        let exact = |op: fn(&Float, &Float) -> Float| op(&fa, &fb);
        let add = exact(|x, y| Float::with_val_round(53, x + y, Round::Nearest).0);
        let sub = exact(|x, y| Float::with_val_round(53, x - y, Round::Nearest).0);
        let mul = exact(|x, y| Float::with_val_round(53, x * y, Round::Nearest).0);
        let div = exact(|x, y| Float::with_val_round(53, x / y, Round::Nearest).0);
        assert!(same(a + b, &add), "{a:?} + {b:?}");
        assert!(same(a - b, &sub), "{a:?} - {b:?}");
        assert!(same(a * b, &mul), "{a:?} * {b:?}");
        assert!(same(a / b, &div), "{a:?} / {b:?}");
        let sq = Float::with_val_round(53, fa.clone().abs().sqrt_ref(), Round::Nearest).0;
        assert!(same(a.abs().sqrt(), &sq), "sqrt {a:?}");
        assert_eq!(a < b, fa < fb, "{a:?} < {b:?}");
        assert_eq!(a > b, fa > fb, "{a:?} > {b:?}");
    }
}

#[test]
fn inside_the_normal_range_it_gives_the_f64_bits() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for _ in 0..4000 {
        let (a, b) = (random(&mut rng, 400), random(&mut rng, 400));
        let (x, y) = (a.to_f64(), b.to_f64());
        let bits = |w: Wide| w.to_f64().to_bits();
        assert_eq!(bits(a + b), (x + y).to_bits());
        assert_eq!(bits(a * b), (x * y).to_bits());
        assert_eq!(bits(a / b), (x / y).to_bits());
        assert_eq!(bits(a.abs().sqrt()), x.abs().sqrt().to_bits());
        let t = Wide::from(x.abs() * 1e-120);
        assert_eq!(bits(t.exp_m1()), libm::expm1(t.to_f64()).to_bits());
        let s = Wide::from(-(x.abs() % 700.0));
        assert_eq!(bits(s.exp()), crate::elementary::exp(s.to_f64()).to_bits());
    }
}

#[test]
fn conversions_keep_the_exponent_and_refuse_what_f64_cannot_carry() {
    let q = |s: &str| crate::number::parse_exact(s).expect("number");
    let tiny = Wide::from_q(&q("1e-400"), &());
    assert!((tiny.log10_abs() + 400.0).abs() < 1e-12);
    assert_eq!(tiny.to_f64_normal(), None);
    let big = Wide::from_q(&q("4.5e599"), &());
    assert_eq!(big.to_sci(), "4.500e599");
    assert_eq!(big.to_f64_normal(), None);
    // (1e-400)·(4.5e599) = 4.5e199 within the three roundings.
    let p = (tiny * big).to_f64_normal().expect("normal");
    assert!((p / 4.5e199 - 1.0).abs() < 2.0 * f64::EPSILON, "{p:e}");
    assert_eq!(
        Wide::sqrt_q(&q("1e-600"), &()).to_f64_normal(),
        Some(1e-300)
    );
    // Subnormal and zero.
    assert_eq!(Wide::from(1e-310).to_f64_normal(), None);
    assert_eq!(Wide::ZERO.to_f64_normal(), Some(0.0));
    assert_eq!(
        Wide::from(f64::MIN_POSITIVE).to_f64_normal(),
        Some(f64::MIN_POSITIVE)
    );
    assert_eq!(Wide::from(f64::MAX).to_f64_normal(), Some(f64::MAX));
    // e^{-1000} = 5.075958897549457e-435 (mpmath), and e^x − 1 of a tiny x is x.
    let e = Wide::from(-1000.0).exp();
    assert!((e.log10_abs() - (-435.0 + 5.075958897549457f64.log10())).abs() < 1e-13);
    let x = Wide::from_q(&q("3e-1000"), &());
    assert_eq!(x.exp_m1(), x);
}
