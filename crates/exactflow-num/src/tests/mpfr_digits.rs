//! Unit tests of `mpfr_digits.rs`: the fast digits against MPFR's own `mpfr_get_str`
//! and against the exact rational value rounded by integer arithmetic
//! (`format_q_sci`), on random values, exact ties, carries and the fallback range.
use super::*;
use crate::format::format_q_sci;
use crate::mpfr::float_to_q_exact;
use rug::ops::Pow;

/// A deterministic pseudo-random stream (splitmix64).
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
}

/// A float of `prec` bits with random significand bits, sign and exponent `exp2`
/// (`|x| ∈ [2^(exp2−1), 2^exp2)`).
fn random_float(r: &mut Rng, prec: u32, exp2: i32) -> Float {
    let limbs = (prec as usize).div_ceil(64);
    let mut digits: Vec<u64> = (0..limbs).map(|_| r.next()).collect();
    *digits.last_mut().expect("one limb") |= 1 << 63;
    let m = Integer::from_digits(&digits, rug::integer::Order::Lsf);
    let mut x = Float::with_val(prec, m);
    // x ∈ [2^(64·limbs−1), 2^(64·limbs)) rounded to prec bits: move it to exp2.
    x >>= 64 * limbs as i32 - exp2;
    if r.below(2) == 0 {
        x = -x;
    }
    x
}

/// The fast path's text, asserting it was taken.
fn fast(x: &Float, n: usize) -> (String, i64) {
    let mut s = DigitScratch::default();
    let mut out = Vec::new();
    let e = fast_digits(x, n, &mut s, &mut out).expect("the fast path applies");
    (String::from_utf8(out).expect("ASCII"), e)
}

/// MPFR's own text.
fn mpfr(x: &Float, n: usize) -> (String, i64) {
    let mut out = Vec::new();
    let e = get_str(x, n, &mut out);
    (String::from_utf8(out).expect("ASCII"), e)
}

/// The exact value rounded to `n` digits by integer arithmetic, as MPFR's layout.
fn exact(x: &Float, n: usize) -> (String, i64) {
    let q = float_to_q_exact(x).expect("finite");
    let text = format_q_sci(&q, n);
    let (mant, e) = text.split_once('e').expect("scientific");
    (mant.replace('.', ""), e.parse().expect("an exponent"))
}

/// `nearest_digits` against `mpfr_get_str`; whether the fast path was taken.
fn check(x: &Float, n: usize) -> bool {
    let want = mpfr(x, n);
    let mut s = DigitScratch::default();
    let mut out = Vec::new();
    let e = nearest_digits(x, n, &mut s, &mut out);
    let got = (String::from_utf8(out).expect("ASCII"), e);
    assert_eq!(got, want, "x = {x:?} (prec {}), n = {n}", x.prec());
    fast_digits(x, n, &mut s, &mut Vec::new()).is_some()
}

#[test]
fn random_values_match_mpfr_get_str() {
    let mut r = Rng(13);
    let precs = [1u32, 2, 10, 53, 63, 64, 65, 127, 128, 129, 200, 1000, 3392];
    let ns = [
        1usize, 2, 3, 5, 10, 16, 17, 18, 19, 20, 21, 37, 38, 39, 40, 50, 309, 1000,
    ];
    let (mut fast_taken, mut total) = (0, 0);
    for &prec in &precs {
        for _ in 0..12 {
            // Exponents from 10^-630 to 2^70 (beyond 2^64, and tiny values at few
            // digits: MPFR's own conversion).
            let exp2 = 70 - r.below(2100) as i32;
            let x = random_float(&mut r, prec, exp2);
            // The digits that round-trip the precision, and one more or less.
            let d = 1 + (f64::from(prec) * std::f64::consts::LOG10_2).ceil() as usize;
            for n in ns.into_iter().chain([d - 1, d, d + 1]).filter(|&n| n >= 1) {
                fast_taken += usize::from(check(&x, n));
                total += 1;
            }
        }
    }
    assert!(
        fast_taken * 2 > total,
        "{fast_taken} of {total} on the fast path"
    );
    // Around 1 and the u64 boundary of the integer part: all on the fast path.
    for exp2 in [-2, -1, 0, 1, 2, 3, 4, 60, 63, 64] {
        for prec in [24u32, 64, 70, 3392] {
            let x = random_float(&mut r, prec, exp2);
            for &n in &ns {
                assert!(check(&x, n), "x = {x:?}, n = {n} takes the fast path");
            }
        }
    }
}

#[test]
fn random_values_match_the_exact_rational_rounding() {
    let mut r = Rng(7);
    for &prec in &[53u32, 200, 3392] {
        for _ in 0..6 {
            let exp2 = 64 - r.below(1200) as i32;
            let x = random_float(&mut r, prec, exp2);
            for n in [1usize, 7, 19, 20, 100, 1000] {
                assert_eq!(fast(&x, n), exact(&x, n), "x = {x:?}, n = {n}");
            }
        }
    }
}

#[test]
fn ten_thousand_digits_match_mpfr_get_str() {
    let mut r = Rng(10_000);
    for exp2 in [-3000, -40, -1, 0, 1, 9] {
        let x = random_float(&mut r, 33_280, exp2);
        for n in [10_000usize, 10_017, 3] {
            // A short conversion of a tiny value goes to MPFR (5^j too long).
            assert_eq!(check(&x, n), n > 3 || exp2 > -3000);
        }
    }
}

#[test]
fn exact_ties_round_to_even() {
    // odd/2^t has exactly t digits after the point, the last one a 5: at one digit
    // fewer than its length it is an exact tie (either parity of the digit before).
    let mut r = Rng(5);
    for t in 1..=70u32 {
        for bits in [1u32, 2, 3, 8, 30, 52] {
            let odd = (r.next() >> (64 - bits)) | 1;
            for shift in [0i32, 3, 40] {
                let mut x = Float::with_val(64, odd);
                x >>= t as i32;
                x <<= shift;
                let len = mpfr(&x, 200).0.trim_end_matches('0').len();
                for n in 1..=len + 2 {
                    if check(&x, n) {
                        assert_eq!(fast(&x, n), exact(&x, n), "x = {x:?}, n = {n}");
                    }
                }
            }
        }
    }
    // Named ties: 0.125 → 1.2e-1 (even below), 0.375 → 3.8e-1 (even above), 2.5 → 2,
    // 3.5 → 4, 9.5 → 1e1 (a carry).
    let tie = |v: f64, n: usize| fast(&Float::with_val(53, v), n);
    assert_eq!(tie(0.125, 2), ("12".into(), -1));
    assert_eq!(tie(0.375, 2), ("38".into(), -1));
    assert_eq!(tie(2.5, 1), ("2".into(), 0));
    assert_eq!(tie(3.5, 1), ("4".into(), 0));
    assert_eq!(tie(9.5, 1), ("1".into(), 1));
    assert_eq!(tie(-0.125, 2), ("-12".into(), -1));
}

#[test]
fn nines_carry_into_the_next_decade() {
    for t in [1u32, 10, 53, 64, 200, 3000] {
        // 1 − 2^-t: 9.99…9 at fewer digits than its expansion rounds up to 1.0…0e0.
        let one = Float::with_val(t + 1, 1);
        let x = Float::with_val(
            t + 1,
            &one - Float::with_val(t + 1, 1) / Float::with_val(2, 2).pow(t),
        );
        for n in [1usize, 2, 5, 19, 20, 21, 40, 309, 1000] {
            check(&x, n);
        }
        let n = 5.min(t as usize);
        if t >= 20 {
            assert_eq!(fast(&x, n), ("1".to_string() + &"0".repeat(n - 1), 0));
        }
    }
    // 2^64 − 1 (the largest integer part) and 99…9·10^k-like integers.
    let x = Float::with_val(64, u64::MAX);
    for n in [1usize, 2, 19, 20, 21, 30] {
        check(&x, n);
    }
    assert_eq!(fast(&x, 2), ("18".into(), 19));
    let x = Float::with_val(64, 9_999_999_999_999_999_999u64);
    for n in [1usize, 5, 19, 20, 21] {
        check(&x, n);
    }
}

#[test]
fn values_beyond_the_fast_path_are_mpfr_get_str() {
    let mut s = DigitScratch::default();
    let mut out = Vec::new();
    let two = Float::with_val(3392, 2);
    for x in [
        Float::with_val(3392, (&two).pow(64)),
        Float::with_val(3392, (&two).pow(64)) * 3u32,
        Float::with_val(3392, Float::with_val(3392, 10).pow(300)) / 7u32,
        Float::with_val(3392, Float::with_val(3392, 10).pow(-5000)) / 7u32,
        Float::with_val(3392, 0),
        -Float::with_val(3392, 0),
    ] {
        for n in [1usize, 17, 1000] {
            let want = mpfr(&x, n);
            let e = nearest_digits(&x, n, &mut s, &mut out);
            assert_eq!((String::from_utf8(out.clone()).expect("ASCII"), e), want);
        }
    }
    // Tiny values take the fast path while 5^j stays short against the digits.
    let x = Float::with_val(200, Float::with_val(200, 10).pow(-300)) / 7u32;
    assert!(check(&x, 200));
}
