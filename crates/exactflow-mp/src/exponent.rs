//! MPFR's exponent range, and the exponent operations `rug` only offers with `i32`
//! exponents.
//!
//! MPFR's default exponent range is about `2^±(2^30)`; a residual late in training
//! (`e^{−ωt}` at `ωt = 4·10⁹`) is far below it and would underflow to a zero. The engine
//! therefore runs with the widest range MPFR allows (`2^±(2^62 − 1)` on 64-bit targets),
//! set per thread by [`ensure_wide_exponents`] (MPFR's range is thread-local), and reads
//! and scales exponents through these functions, which take and return `i64` (rug's own
//! `get_exp`/`to_f64_exp`/`<<=` panic or saturate beyond `i32`).

use gmp_mpfr_sys::mpfr;
use rug::float::Round;
use rug::Float;
use std::cell::Cell;

thread_local! {
    static WIDE: Cell<bool> = const { Cell::new(false) };
}

/// Sets this thread's MPFR exponent range to the widest MPFR allows (once per thread; a
/// thread-local flag makes later calls cost a load). Every entry point of the engine
/// calls it before creating a float, and so does [`crate::ball::Ball`]'s constructors.
#[inline]
pub fn ensure_wide_exponents() {
    WIDE.with(|w| {
        if !w.get() {
            // SAFETY: setting the exponent range of this thread to the limits MPFR itself
            // reports as allowed always succeeds; values created before keep their
            // exponents, which are inside the new (wider) range.
            unsafe {
                mpfr::set_emin(mpfr::get_emin_min());
                mpfr::set_emax(mpfr::get_emax_max());
            }
            w.set(true);
        }
    });
}

/// The smallest and largest binary exponent of a normal float in this thread's range
/// (`x = m·2^e`, `m ∈ [½, 1)`).
pub fn exp_range() -> (i64, i64) {
    // SAFETY: plain reads of this thread's range.
    unsafe { (mpfr::get_emin(), mpfr::get_emax()) }
}

/// The binary exponent `e` of a nonzero finite `x = m·2^e`, `|m| ∈ [½, 1)`; `None` for
/// zero, infinities and NaN.
#[inline]
pub fn exp2(x: &Float) -> Option<i64> {
    if x.is_normal() {
        // SAFETY: `x` is a valid, normal MPFR float.
        Some(unsafe { mpfr::get_exp(x.as_raw()) })
    } else {
        None
    }
}

/// `(d, k)` with `x ≈ d·2^k`, `|d| ∈ [½, 1)` rounded in direction `round` (MPFR's
/// `get_d_2exp`); `(0, 0)` for zero. Only for finite `x`.
#[inline]
pub fn to_f64_exp2(x: &Float, round: Round) -> (f64, i64) {
    let rnd = match round {
        Round::Up => mpfr::rnd_t::RNDU,
        Round::Down => mpfr::rnd_t::RNDD,
        Round::Zero => mpfr::rnd_t::RNDZ,
        Round::AwayZero => mpfr::rnd_t::RNDA,
        _ => mpfr::rnd_t::RNDN,
    };
    let mut k: std::os::raw::c_long = 0;
    // SAFETY: `x` is a valid MPFR float and `k` a valid out-pointer.
    let d = unsafe { mpfr::get_d_2exp(&mut k, x.as_raw(), rnd) };
    // `c_long` is `i64` here but `i32` on some targets.
    #[allow(clippy::useless_conversion)]
    let k = i64::from(k);
    (d, k)
}

/// `x · 2^k` in place, exactly while the result stays in the exponent range (beyond it:
/// MPFR's overflow to `±∞` or underflow to `±0`).
#[inline]
pub fn mul_2exp(x: &mut Float, k: i64) {
    // SAFETY: in-place scaling of a valid MPFR float by a power of two.
    unsafe {
        let p = x.as_raw_mut();
        mpfr::mul_2si(p, p, k as std::os::raw::c_long, mpfr::rnd_t::RNDN);
    }
}

#[cfg(test)]
#[path = "tests/exponent.rs"]
mod tests;
