//! The seeded Gaussian initialization, pinned for reproducibility.
//!
//! **The generator and the algorithm are part of exactflow's output contract**: the same
//! `(seed, width)` gives the same weights, bit for bit, on every machine and in every
//! version. They are:
//!
//! 1. ChaCha20 (`rand_chacha::ChaCha20Rng`, 20 rounds, stream 0), keyed by the 32-byte
//!    seed whose first 8 bytes are `seed` in little-endian order and the rest zero;
//! 2. uniforms `U = (⌊x / 2^11⌋ + ½)·2^-53` from successive 64-bit outputs `x` (never 0
//!    or 1);
//! 3. Box–Muller pairs `√(−2 ln U₁)·cos(2πU₂)`, `√(−2 ln U₁)·sin(2πU₂)`, in that order,
//!    evaluated with the pure-Rust `libm` crate (the same bits on every platform; no
//!    dependence on the system's libm);
//! 4. `2·width` standard normals drawn in that order: the first `width` scale `u₀` by
//!    `σ_u`, the next `width` scale `w₀` by `σ_w`.
//!
//! Each normal is an `f64`, hence an exact dyadic rational; the weight `u₀ᵢ = σ_u·gᵢ` is
//! then the exact product of two rationals, so everything downstream stays exact.
//! A regression test pins the first values of seeds 0 and 7.

use crate::number::Q;
use num_bigint::BigInt;
use num_traits::Zero;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

/// `n` standard normal samples from the pinned stream of `seed` (see the module docs).
pub fn standard_normals(seed: u64, n: usize) -> Vec<f64> {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let mut rng = ChaCha20Rng::from_seed(key);
    let mut out = Vec::with_capacity(n + 1);
    let uniform = |rng: &mut ChaCha20Rng| {
        let x = rng.next_u64() >> 11;
        (x as f64 + 0.5) * (1.0 / 9_007_199_254_740_992.0) // 2^-53
    };
    while out.len() < n {
        let u1 = uniform(&mut rng);
        let u2 = uniform(&mut rng);
        let r = libm::sqrt(-2.0 * libm::log(u1));
        let angle = 2.0 * std::f64::consts::PI * u2;
        out.push(r * libm::cos(angle));
        out.push(r * libm::sin(angle));
    }
    out.truncate(n);
    out
}

/// Splits a finite `f64` into `(m, e)` with `x = m·2^e` exactly, `|m| < 2^53`.
fn split(x: f64) -> (i64, i64) {
    if x == 0.0 {
        return (0, 0);
    }
    let bits = x.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let frac = (bits & ((1u64 << 52) - 1)) as i64;
    let (m, e) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1i64 << 52), exp_bits - 1075)
    };
    (if bits >> 63 == 1 { -m } else { m }, e)
}

/// Exact `Σ aᵢ bᵢ` of finite `f64` values, as a rational (no rounding at all).
pub fn exact_dot(a: &[f64], b: &[f64]) -> Q {
    let terms: Vec<(i128, i64)> = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| {
            let (mx, ex) = split(x);
            let (my, ey) = split(y);
            (mx as i128 * my as i128, ex + ey)
        })
        .filter(|(m, _)| *m != 0)
        .collect();
    let Some(emin) = terms.iter().map(|t| t.1).min() else {
        return Q::zero();
    };
    let mut acc = BigInt::zero();
    for (m, e) in terms {
        acc += BigInt::from(m) << ((e - emin) as u64);
    }
    if emin >= 0 {
        Q::from_integer(acc << (emin as u64))
    } else {
        Q::new(acc, BigInt::from(1) << ((-emin) as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::f64_to_q;

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
            .map(|(x, y)| f64_to_q(*x).unwrap() * f64_to_q(*y).unwrap())
            .sum();
        assert_eq!(exact_dot(&a, &b), want);
        assert_eq!(exact_dot(&[], &[]), Q::zero());
    }
}
