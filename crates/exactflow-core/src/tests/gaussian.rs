//! Unit tests of `gaussian.rs`.
use super::*;
use crate::number::f64_to_q_exact;

/// Regression pin: these bits are the reproducibility contract of the module docs; a
/// change here means every seeded scenario of every user changes. They were derived
/// independently by `scripts/gaussian_reference.py` (ChaCha20 written from the
/// specification in Python, Box–Muller with the system libm): all seven values agree
/// bit for bit except the third of seed 0, one ulp apart — the system libm's `sin`/`cos`
/// rounding differs from the `libm` crate's there, which is why the crate is pinned.
#[test]
fn stream_is_pinned() {
    let g0 = standard_normals(0, 4);
    let g7 = standard_normals(7, 3);
    let bits0: Vec<u64> = g0.iter().map(|x| x.to_bits()).collect();
    let bits7: Vec<u64> = g7.iter().map(|x| x.to_bits()).collect();
    assert_eq!(bits0, PIN_SEED0, "seed 0: {g0:?}");
    assert_eq!(bits7, PIN_SEED7, "seed 7: {g7:?}");
    // A prefix of a longer draw is the shorter draw.
    assert_eq!(&standard_normals(7, 10)[..3], &g7[..]);
}

const PIN_SEED0: [u64; 4] = [
    4603388772269543310,
    4606293385408350508,
    4600256361860779274,
    13835261964854962219,
];
const PIN_SEED7: [u64; 3] = [
    4609572845622036389,
    4603031017890550622,
    4606935422234231064,
];

#[test]
fn moments_are_standard_normal() {
    // 200k samples: mean within 5 standard errors of 0, variance of 1, and a
    // fourth moment of 3 (checks the shape, not only the scale).
    let n = 200_000;
    let g = standard_normals(11, n);
    let nf = n as f64;
    let mean = g.iter().sum::<f64>() / nf;
    let var = g.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / nf;
    let m4 = g.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / nf;
    assert!(mean.abs() < 5.0 / nf.sqrt(), "mean {mean}");
    assert!((var - 1.0).abs() < 5.0 * (2.0 / nf).sqrt(), "var {var}");
    assert!((m4 - 3.0).abs() < 5.0 * (96.0 / nf).sqrt(), "m4 {m4}");
}

#[test]
fn exact_dot_is_exact() {
    let a = [0.1, -3.0, 1e-300, 5e-324];
    let b = [0.3, 2.5, 1e300, 1.0];
    let want: Q = a
        .iter()
        .zip(&b)
        .map(|(x, y)| f64_to_q_exact(*x).unwrap() * f64_to_q_exact(*y).unwrap())
        .sum();
    assert_eq!(exact_dot(&a, &b), want);
    assert_eq!(exact_dot(&[], &[]), Q::zero());
}
