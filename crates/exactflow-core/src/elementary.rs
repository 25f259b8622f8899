//! Elementary functions in `f64` that are the same on every machine.
//!
//! The system `libm` differs between platforms and versions by an ulp here and there; our
//! tables must not. `exp` is implemented here (branch-free in its main range, so it
//! inlines and vectorizes); `expm1` comes from the pure-Rust `libm` crate, pinned in
//! `Cargo.lock`.
//!
//! Accuracy of [`exp`]: within 1 ulp (test `exp_is_within_one_ulp` checks it against MPFR
//! at 2·10^5 points in the workspace tests).

/// `1/ln 2`.
const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// `ln 2` split: `LN2_HI` has its low 21 bits zero, so `k·LN2_HI` is exact for `|k| < 2^21`.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// `1.5·2^52`: adding it rounds to an integer and leaves that integer in the low bits.
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;

/// Taylor coefficients `1/n!` for `n = 2..=13` (the remainder on `|r| ≤ ln2/2` is below
/// `0.35^14/14! < 2^-70`).
const INV_FACT: [f64; 12] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];

/// `(e^r, k)` with `e^x = e^r·2^k`, `x = k ln2 + r`, `k` the nearest integer to `x/ln2`,
/// `|r| ≤ ln2/2` reduced with a two-part `ln 2` (exact for `|x| < 1.4e6`); `e^r` by its
/// Taylor series to degree 13 (Estrin's scheme). Branch-free.
#[inline(always)]
pub fn exp_parts(x: f64) -> (f64, i64) {
    let t = x * INV_LN2 + ROUND_MAGIC;
    let kf = t - ROUND_MAGIC;
    let k = (t.to_bits() as i64).wrapping_sub(ROUND_MAGIC.to_bits() as i64);
    let r = (x - kf * LN2_HI) - kf * LN2_LO;
    // p(r) = Σ INV_FACT[i] rⁱ by Estrin's scheme (short dependency chains).
    let c = &INV_FACT;
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let q0 = c[0] + c[1] * r;
    let q1 = c[2] + c[3] * r;
    let q2 = c[4] + c[5] * r;
    let q3 = c[6] + c[7] * r;
    let q4 = c[8] + c[9] * r;
    let q5 = c[10] + c[11] * r;
    let s0 = q0 + q1 * r2;
    let s1 = q2 + q3 * r2;
    let s2 = q4 + q5 * r2;
    let p = (s0 + s1 * r4) + s2 * r8;
    // e^r = 1 + r + r²·p(r); adding the small part last keeps the rounding error low.
    (1.0 + (r + r2 * p), k)
}

/// `e^x` for `|x| ≤ 708` (the result is then a normal number), branch-free.
#[inline(always)]
pub fn exp_core(x: f64) -> f64 {
    let (er, k) = exp_parts(x);
    er * f64::from_bits(((k + 1023) as u64) << 52)
}

/// `e^x` for every `f64`: overflow to `+∞` above `ln(MAX)`, gradual underflow below
/// `−708` (one rounding), NaN in, NaN out. Within 1 ulp (see the module docs).
#[inline]
pub fn exp(x: f64) -> f64 {
    if x.abs() <= 708.0 {
        exp_core(x)
    } else if x.is_nan() {
        x
    } else if x > 709.8 {
        f64::INFINITY
    } else if x < -745.2 {
        0.0
    } else {
        let (er, k) = exp_parts(x);
        crate::number::ldexp(er, k)
    }
}

#[cfg(test)]
#[path = "tests/elementary.rs"]
mod tests;
