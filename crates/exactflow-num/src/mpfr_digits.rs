//! MPFR → decimal digits rounded to nearest (ties to even): exactly the digits and the
//! exponent of MPFR's `mpfr_get_str(…, 10, n, x, MPFR_RNDN)`, several times faster for
//! long mantissas.
//!
//! Why hand-written: `mpfr_get_str` spends most of its time in GMP's integer-to-text
//! (a division by `10^19` per 19 digits, and its power table rebuilt on every call) and
//! in a power of ten it recomputes for every value; a table prints thousands of values
//! of one precision and nearly one decimal exponent. Here the value `x = ±m·2^e` is
//! scaled **exactly** by `10^j` (`j ≥ 0`, so that `y = |x|·10^j < 2^64`): `y = m·5^j·2^(e+j)`
//! is a binary fixed-point number with an integer part below `2^64` and a fraction of
//! `s` bits. The fraction's digits come 19 at a time from one multiplication of its
//! limbs by `10^19` (the carry out is the next 19 digits, and the fraction stays exact);
//! `5^j` is kept between calls. Everything is exact, so the rounding (to nearest, ties
//! to even, a carry out of `9.99…` raising the exponent) decides on the true value.
//!
//! Values beyond the fast path (`|x| ≥ 2^64`, or so small that `5^j` would be long
//! against the digits asked for; zero, NaN, infinities) go to `mpfr_get_str` itself.

use gmp_mpfr_sys::gmp;
use gmp_mpfr_sys::mpfr;
use rug::{Assign, Float, Integer};

/// `10^19`, the largest power of ten below `2^64`.
const CHUNK: u64 = 10_000_000_000_000_000_000;

/// Powers of five kept by a [`DigitScratch`].
const POW5_CACHE: usize = 8;

/// Reusable buffers of [`nearest_digits`], and the last few powers `5^j` it used (a
/// table column keeps its decimal exponent from row to row).
#[derive(Debug, Default, Clone)]
pub struct DigitScratch {
    pow5: Vec<(u64, Integer)>,
    product: Integer,
    frac: Vec<gmp::limb_t>,
}

impl DigitScratch {
    /// Where `5^j` is in the cache (computed once per `j` among the last
    /// [`POW5_CACHE`]).
    fn pow5_index(&mut self, j: u64) -> usize {
        let pos = match self.pow5.iter().position(|(k, _)| *k == j) {
            Some(p) => p,
            None => {
                if self.pow5.len() >= POW5_CACHE {
                    self.pow5.remove(0);
                }
                let e = u32::try_from(j).expect("j is bounded by the fast path");
                self.pow5.push((j, Integer::from(Integer::u_pow_u(5, e))));
                self.pow5.len() - 1
            }
        };
        pos
    }
}

/// The decimal digits of `x` rounded to nearest, ties to even, to `n ≥ 1` significant
/// digits, exactly as `mpfr_get_str(buf, &e, 10, n, x, MPFR_RNDN)` writes them: `out`
/// receives a `-` for a negative `x` and then the digits (ASCII), and the return value
/// is MPFR's exponent minus one — the decimal exponent of the first digit, so that
/// `x ≈ d₁.d₂…dₙ·10^ret`. For zero, NaN and infinities, whatever `mpfr_get_str`
/// writes (callers print those themselves).
pub fn nearest_digits(x: &Float, n: usize, s: &mut DigitScratch, out: &mut Vec<u8>) -> i64 {
    let n = n.max(1);
    match fast_digits(x, n, s, out) {
        Some(e) => e,
        None => get_str(x, n, out),
    }
}

/// `mpfr_get_str` rounding to nearest, into `out`; its exponent minus one.
fn get_str(x: &Float, n: usize, out: &mut Vec<u8>) -> i64 {
    // MPFR writes at most max(n + 2, 7) bytes including the sign and the NUL.
    let size = (n + 2).max(7);
    out.clear();
    out.resize(size, 0);
    let mut exp: mpfr::exp_t = 0;
    // SAFETY: `out` has the room MPFR documents for `n` digits; `x` is a valid MPFR
    // number borrowed for the call; MPFR writes a NUL-terminated string into `out`.
    unsafe {
        mpfr::get_str(
            out.as_mut_ptr().cast(),
            &mut exp,
            10,
            n,
            x.as_raw(),
            mpfr::rnd_t::RNDN,
        );
    }
    let len = out.iter().position(|&b| b == 0).unwrap_or(out.len());
    out.truncate(len);
    exp as i64 - 1
}

/// How the part after the last kept digit compares with half a unit of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    Zero,
    Below,
    Half,
    Above,
}

/// The fast path of [`nearest_digits`]; `None` where it does not apply.
fn fast_digits(x: &Float, n: usize, s: &mut DigitScratch, out: &mut Vec<u8>) -> Option<i64> {
    let sig = x.get_significand()?; // None: zero, NaN, infinity
                                    // SAFETY: `x` is a valid MPFR number; reading its exponent field (meaningful for a
                                    // regular number, which `get_significand` just checked).
                                    // (`mpfr_exp_t` is a C `long`: `i64` here, `i32` on some platforms.)
    #[allow(clippy::useless_conversion)]
    let exp2 = i64::from(unsafe { (*x.as_raw()).exp });
    // |x| ∈ [2^(exp2−1), 2^exp2): the integer part of |x| fits a u64.
    if exp2 > 64 {
        return None;
    }
    // |x|·10^j < 2^exp2·10^j ≤ 1 for j ≤ −exp2·log10 2 (the margin covers the rounding
    // of the product; a smaller j only adds a leading zero digit).
    let j: u64 = if exp2 < 0 {
        let v = (-exp2) as f64 * std::f64::consts::LOG10_2 - 1e-6;
        if v > (2 * n + 400) as f64 {
            // 5^j would be long against the digits wanted.
            return None;
        }
        v.max(0.0) as u64
    } else {
        0
    };
    let limbs = sig.significant_digits::<gmp::limb_t>() as i64;
    // |x| = sig·2^(exp2 − 64·limbs) exactly (the significand fills whole limbs).
    let e_m = exp2 - 64 * limbs;
    // y = |x|·10^j = sig·5^j·2^(e_m + j): `frac_bits` bits after the binary point.
    let frac_bits = -(e_m + j as i64);
    if j == 0 {
        s.product.assign(&*sig);
    } else {
        let i = s.pow5_index(j);
        s.product.assign(&*sig * &s.pow5[i].1);
    }
    let int_part: u64 = if frac_bits <= 0 {
        // An integer below 2^64 (exp2 ≤ 64).
        s.product <<= u32::try_from(-frac_bits).ok()?;
        let v = s.product.to_u64()?;
        s.product.assign(0);
        v
    } else {
        let fb = u32::try_from(frac_bits).ok()?;
        let v = Integer::from(&s.product >> fb).to_u64()?;
        s.product.keep_bits_mut(fb);
        // Align the fraction to whole limbs: `nf` limbs, value frac/2^(64·nf).
        let pad = (64 - fb % 64) % 64;
        s.product <<= pad;
        v
    };
    let nf = if frac_bits <= 0 {
        0
    } else {
        (frac_bits as usize).div_ceil(64)
    };
    s.frac.clear();
    s.frac.extend_from_slice(s.product.as_limbs());
    s.frac.resize(nf, 0);

    out.clear();
    if x.is_sign_negative() {
        out.push(b'-');
    }
    let start = out.len();
    // Exponent of the first significant digit, and of the next fraction digit.
    let mut first_exp: Option<i64> = None;
    if int_part > 0 {
        let mut b = [0u8; 20];
        let len = u64_digits(int_part, &mut b);
        out.extend_from_slice(&b[20 - len..]);
        first_exp = Some(len as i64 - 1);
    }
    let mut next_exp = -(j as i64) - 1;
    let mut lo = s.frac.iter().position(|&l| l != 0).unwrap_or(nf);
    while out.len() - start < n && lo < nf {
        // SAFETY: `frac[lo..nf]` is a valid limb array; GMP allows the destination to
        // be the source (in place).
        let carry = unsafe {
            let p = s.frac.as_mut_ptr().add(lo);
            gmp::mpn_mul_1(p, p, (nf - lo) as gmp::size_t, CHUNK)
        };
        let mut b = [0u8; 20];
        chunk_digits(carry, &mut b);
        let digits = &b[1..];
        if first_exp.is_none() {
            if let Some(p) = digits.iter().position(|&d| d != b'0') {
                first_exp = Some(next_exp - p as i64);
                out.extend_from_slice(&digits[p..]);
            }
        } else {
            out.extend_from_slice(digits);
        }
        next_exp -= 19;
        while lo < nf && s.frac[lo] == 0 {
            lo += 1;
        }
    }
    let frac_zero = lo >= nf;
    let mut exp = first_exp?; // x ≠ 0 has a significant digit
    let got = out.len() - start;
    let tail = if got > n {
        let extra = &out[start + n..];
        let rest_zero = frac_zero && extra[1..].iter().all(|&d| d == b'0');
        let t = match extra[0] {
            b'0' if rest_zero => Tail::Zero,
            b'0'..=b'4' => Tail::Below,
            b'5' if rest_zero => Tail::Half,
            _ => Tail::Above,
        };
        out.truncate(start + n);
        t
    } else if got == n {
        if frac_zero {
            Tail::Zero
        } else {
            // The fraction left, frac/2^(64·nf), against ½.
            let top = s.frac[nf - 1];
            if top >> 63 == 0 {
                Tail::Below
            } else if top == 1 << 63 && lo == nf - 1 {
                Tail::Half
            } else {
                Tail::Above
            }
        }
    } else {
        // Every digit is out and exact: zeros to n digits.
        out.resize(start + n, b'0');
        Tail::Zero
    };
    let last_odd = out.last().is_some_and(|&d| (d - b'0') % 2 == 1);
    let up = tail == Tail::Above || (tail == Tail::Half && last_odd);
    if up {
        let digits = &mut out[start..];
        let mut carried = true;
        for d in digits.iter_mut().rev() {
            if *d == b'9' {
                *d = b'0';
            } else {
                *d += 1;
                carried = false;
                break;
            }
        }
        if carried {
            // 99…9 + 1 = 100…0 (the same number of digits, one decade up).
            digits[0] = b'1';
            exp += 1;
        }
    }
    Some(exp)
}

/// Two-digit groups `00`–`99`.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// The decimal digits of `v` right-aligned in `b`; how many there are (no leading zeros;
/// one for zero).
fn u64_digits(mut v: u64, b: &mut [u8; 20]) -> usize {
    let mut i = 20;
    while v >= 100 {
        let r = (v % 100) as usize;
        v /= 100;
        i -= 2;
        b[i..i + 2].copy_from_slice(&PAIRS[2 * r..2 * r + 2]);
    }
    if v >= 10 {
        i -= 2;
        b[i..i + 2].copy_from_slice(&PAIRS[2 * v as usize..2 * v as usize + 2]);
    } else {
        i -= 1;
        b[i] = b'0' + v as u8;
    }
    20 - i
}

/// `v < 10^19` as exactly 19 digits (leading zeros kept) in `b[1..]`.
fn chunk_digits(v: u64, b: &mut [u8; 20]) {
    // Two halves that fit 32-bit arithmetic after one 64-bit division.
    let hi = (v / 10_000_000_000) as u32; // 9 digits
    let lo = v % 10_000_000_000; // 10 digits
    let lo_hi = (lo / 100_000) as u32; // 5 digits
    let lo_lo = (lo % 100_000) as u32; // 5 digits
    fixed_digits(hi, &mut b[1..10]);
    fixed_digits(lo_hi, &mut b[10..15]);
    fixed_digits(lo_lo, &mut b[15..20]);
}

/// `v` as exactly `b.len()` digits, leading zeros kept.
fn fixed_digits(mut v: u32, b: &mut [u8]) {
    let mut i = b.len();
    while i >= 2 {
        let r = (v % 100) as usize;
        v /= 100;
        i -= 2;
        b[i..i + 2].copy_from_slice(&PAIRS[2 * r..2 * r + 2]);
    }
    if i == 1 {
        b[0] = b'0' + (v % 10) as u8;
    }
}

#[cfg(test)]
#[path = "tests/mpfr_digits.rs"]
mod tests;
