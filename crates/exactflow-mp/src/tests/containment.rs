//! Randomized containment suite for [`Ball`], in the manner of Arb's tests: every
//! operation on random balls — zero-containing ones, radii near the midpoint, exponents
//! near `f64`'s limits and far beyond them inside MPFR's widest range — is evaluated at
//! points of its inputs (endpoints, near-endpoints, interior) at 1024 bits and the
//! result must lie in the output ball. A NaN ball claims nothing and is allowed only
//! where the operation is undefined on the input (a divisor or `√` argument reaching 0);
//! conversions are checked exactly, in rationals.
//!
//! `EXACTFLOW_CONTAINMENT_CASES` sets the number of cases (default 3000, under a second
//! in debug); `scripts/containment.sh` runs 200,000.

use crate::ball::Ball;
use crate::exponent::{ensure_wide_exponents, mul_2exp};
use exactflow_core::number::Q;
use exactflow_core::{Real, Scalar};
use num_bigint::BigInt;
use num_traits::Signed;
use rug::{Float, Integer, Rational};

/// Precision of the reference evaluations.
const REF: u32 = 1024;

/// SplitMix64: deterministic, seedable, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn signed(&mut self, n: i64) -> i64 {
        self.below(2 * n as u64 + 1) as i64 - n
    }
}

/// A binary exponent: mostly moderate, sometimes near `f64`'s limits, sometimes far
/// beyond them (MPFR's widest range holds `2^±(2^62)`).
fn exponent(rng: &mut Rng, wide: bool) -> i64 {
    match rng.below(10) {
        0 => 1000 + rng.signed(80),
        1 => -1000 + rng.signed(80),
        2 if wide => rng.signed(1 << 40),
        3 if wide => -(1 << 50) + rng.signed(1000),
        _ => rng.signed(60),
    }
}

/// A random ball at a random precision; `wide` allows huge exponents.
fn random_ball(rng: &mut Rng, wide: bool) -> Ball {
    let prec = [53u32, 64, 113, 200, 256][rng.below(5) as usize];
    let mut mid = Float::with_val(prec, Integer::from(rng.next() | 1));
    mul_2exp(&mut mid, exponent(rng, wide) - 64);
    if rng.below(2) == 0 {
        mid = -mid;
    }
    if rng.below(16) == 0 {
        mid = Float::with_val(prec, 0);
    }
    let mag = |m: &Float| m.clone().abs();
    let rad = match rng.below(6) {
        0 => Float::with_val(64, 0),
        // About an ulp.
        1 => {
            let mut r = Float::with_val(64, rng.below(1 << 20) + 1);
            mul_2exp(&mut r, -(prec as i64) - 20);
            r * mag(&mid)
        }
        // Near the midpoint, below or above: zero-containing or just not.
        2 => {
            let mut f = Float::with_val(64, 1);
            mul_2exp(&mut f, -(rng.below(40) as i64) - 1);
            let s = if rng.below(2) == 0 { 1 - f } else { 1 + f };
            s * mag(&mid)
        }
        // Relative 2^-k.
        3 => {
            let mut r = mag(&mid);
            mul_2exp(&mut r, -(rng.below(100) as i64));
            r
        }
        // Wide: zero-containing.
        4 => mag(&mid) * 3u32 + 1u32,
        _ => {
            let mut r = mag(&mid);
            mul_2exp(&mut r, -(rng.below(60) as i64) - 5);
            r
        }
    };
    Ball::new(mid, &rad)
}

/// Points of the ball (at [`REF`] bits): its midpoint, and `mid ± rad·s` for a few `s`
/// strictly inside (the rounding at 1024 bits cannot push them out: `s ≤ 1 − 2^-20`).
fn points(b: &Ball) -> Vec<Float> {
    let r = b.rad();
    let mut v = vec![Float::with_val(REF, b.mid())];
    if !r.is_zero() {
        let mut near = Float::with_val(REF, 1);
        mul_2exp(&mut near, -20);
        let near = Float::with_val(REF, 1 - near);
        for s in [
            near.clone(),
            -near,
            Float::with_val(REF, 0.3),
            Float::with_val(REF, -0.7),
        ] {
            let d = Float::with_val(REF, &r * &s);
            v.push(Float::with_val(REF, b.mid() + &d));
        }
    }
    v
}

/// Whether `b` reaches 0: where division is undefined.
fn reaches_zero(b: &Ball) -> bool {
    // With a margin of 2^-40: the radius is rounded up to a 53-bit `Mag`.
    let mut r = b.rad();
    let mut m = r.clone();
    mul_2exp(&mut m, -40);
    r += m;
    b.mid().clone().abs() <= r
}

/// One case of each binary operation on `(a, b)`.
fn check_binary(a: &Ball, b: &Ball, failures: &mut Vec<String>) {
    type Op = fn(Ball, &Ball) -> Ball;
    type RefOp = fn(&Float, &Float) -> Float;
    let ops: [(&str, Op, RefOp); 4] = [
        ("add", |x, y| x + y, |x, y| Float::with_val(REF, x + y)),
        ("sub", |x, y| x - y, |x, y| Float::with_val(REF, x - y)),
        ("mul", |x, y| x * y, |x, y| Float::with_val(REF, x * y)),
        ("div", |x, y| x / y, |x, y| Float::with_val(REF, x / y)),
    ];
    for (name, op, reference) in ops {
        let out = op(a.clone(), b);
        if out.is_nan() {
            if name != "div" || !reaches_zero(b) {
                failures.push(format!("{name}: NaN on {a:?}, {b:?}"));
            }
            continue;
        }
        for x in points(a) {
            for y in points(b) {
                let want = reference(&x, &y);
                if !want.is_finite() || !out.contains(&want) {
                    failures.push(format!("{name}: {x} {y} -> {want} not in {out:?}"));
                }
            }
        }
    }
}

/// One case of each unary operation on `a`.
fn check_unary(a: &Ball, failures: &mut Vec<String>) {
    // √ on the part of the ball at or above 0 (the engine takes roots of values known
    // to be non-negative).
    let s = a.sqrt();
    for x in points(a).into_iter().filter(|x| *x >= 0) {
        let want = Float::with_val(REF, x.sqrt_ref());
        if !s.is_nan() && !s.contains(&want) {
            failures.push(format!("sqrt: {x} -> {want} not in {s:?}"));
        }
    }
    if s.is_nan() && *a.mid() > 0 && !reaches_zero(a) {
        failures.push(format!("sqrt: NaN on {a:?}"));
    }
    // exp and expm1 where the result is inside MPFR's range (|x| < 2^40).
    let small = a.mid().clone().abs() < (1u64 << 40) && a.rad() < (1u64 << 40);
    if small {
        let e = a.exp();
        let m = a.exp_m1();
        for x in points(a) {
            let we = Float::with_val(REF, x.exp_ref());
            let wm = Float::with_val(REF, x.exp_m1_ref());
            if e.is_nan() || !e.contains(&we) {
                failures.push(format!("exp: {x} -> {we} not in {e:?}"));
            }
            if m.is_nan() || !m.contains(&wm) {
                failures.push(format!("expm1: {x} -> {wm} not in {m:?}"));
            }
        }
    }
}

/// `from_q` and `sqrt_q` enclose their exact rational inputs (checked exactly).
fn check_conversions(rng: &mut Rng, failures: &mut Vec<String>) {
    let prec = [53u32, 64, 200][rng.below(3) as usize];
    let mut num = BigInt::from(rng.next() >> rng.below(60));
    let mut den = BigInt::from((rng.next() >> rng.below(60)) | 1);
    let e = exponent(rng, false).unsigned_abs() as usize;
    if rng.below(2) == 0 {
        num <<= e;
    } else {
        den <<= e;
    }
    if rng.below(2) == 0 {
        num = -num;
    }
    let qq = Q::new(num, den);
    let q = exactflow_num::mpfr::q_to_rational_exact(&qq);
    let b = Ball::from_q(&qq, &prec);
    let (Some(m), Some(r)) = (b.mid_rational(), b.rad_rational()) else {
        failures.push(format!("from_q: no bound for {q}"));
        return;
    };
    if Rational::from(&q - &m).abs() > r {
        failures.push(format!("from_q: {q} not in {b:?}"));
    }
    // √|q| squared: the ball of √q, squared exactly in rationals, contains q.
    let aq = qq.abs();
    let s = Ball::sqrt_q(&aq, &prec);
    let (Some(m), Some(r)) = (s.mid_rational(), s.rad_rational()) else {
        failures.push(format!("sqrt_q: no bound for {q}"));
        return;
    };
    let lo = Rational::from(&m - &r).max(Rational::new());
    let hi = Rational::from(&m + &r);
    let target = q.clone().abs();
    if Rational::from(&lo * &lo) > target || Rational::from(&hi * &hi) < target {
        failures.push(format!("sqrt_q: sqrt({target}) not in {s:?}"));
    }
}

fn cases() -> usize {
    std::env::var("EXACTFLOW_CONTAINMENT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

#[test]
fn random_balls_contain_every_result() {
    ensure_wide_exponents();
    let mut rng = Rng(0x0ba1_1c0a_7a1e_5eed);
    let mut failures = Vec::new();
    let n = cases();
    for i in 0..n {
        // Far exponents only where the result stays inside the range (add, sub, div
        // of wide balls against moderate ones; mul adds exponents: at most 2^51).
        let wide = i % 4 == 0;
        let a = random_ball(&mut rng, wide);
        let b = random_ball(&mut rng, false);
        check_binary(&a, &b, &mut failures);
        check_binary(&b, &a, &mut failures);
        check_unary(&a, &mut failures);
        check_conversions(&mut rng, &mut failures);
        assert!(
            failures.is_empty(),
            "case {i}: {:#?}",
            &failures[..failures.len().min(5)]
        );
    }
}

#[test]
fn rounding_directions_of_the_reference_are_tight() {
    // The reference's own rounding (1024 bits) is far inside the tightest balls the
    // suite makes (radius ≥ 2^-(256+40)·|mid| or exactly 0 — then the points are
    // the midpoint itself, exact): a sanity check that the suite can fail.
    ensure_wide_exponents();
    let b = Ball::new(Float::with_val(64, 1), &Float::with_val(64, 0));
    let c = b.clone() + &Ball::from_float(Float::with_val(64, 3));
    assert!(c.contains(&Float::with_val(REF, 4)));
    let mut off = Float::with_val(REF, 4);
    let mut tiny = Float::with_val(REF, 1);
    mul_2exp(&mut tiny, -300);
    off += &tiny;
    assert!(
        !c.contains(&off),
        "an exact ball must not contain 4 + 2^-300"
    );
}
