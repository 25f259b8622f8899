//! The number types the simulators run in, and the model's constants rounded into them.
//!
//! A simulator is written once against [`Num`]: `f64` (as accurate as `f64` allows, the
//! same bits on every machine) and MPFR balls ([`Ball`]: every operation encloses the exact
//! result, so a gradient-descent run in balls knows how many of its digits are right).

use exactflow_core::{ExactReduction, Scalar};
use exactflow_mp::ball::Ball;

/// What a simulator needs of its number type beyond [`Scalar`].
pub trait Num: Scalar {
    /// The type's name in messages (`f64`, `MPFR`).
    const NAME: &'static str;
    /// Whether a simulator must estimate its own rounding drift (floats); balls carry
    /// theirs.
    const NEEDS_DRIFT: bool;
    /// Whether the value is a finite number (a ball: a finite midpoint and radius).
    fn is_finite_num(&self) -> bool;
    /// Whether the value is certainly known to `2^-bits` relative (a float: always —
    /// floats carry no error information).
    fn rel_accurate(&self, bits: i64) -> bool;
    /// Of two computations of one quantity, whether to take the first: a float compares
    /// the scales of their rounding errors (`scale_a < scale_b`), a ball the radii.
    fn prefer_first(a: &Self, scale_a: &Self, b: &Self, scale_b: &Self) -> bool;
}

impl Num for f64 {
    const NAME: &'static str = "f64";
    const NEEDS_DRIFT: bool = true;
    #[inline]
    fn is_finite_num(&self) -> bool {
        self.is_finite()
    }
    #[inline]
    fn rel_accurate(&self, _bits: i64) -> bool {
        true
    }
    #[inline]
    fn prefer_first(_a: &f64, scale_a: &f64, _b: &f64, scale_b: &f64) -> bool {
        scale_a < scale_b
    }
}

impl Num for Ball {
    const NAME: &'static str = "MPFR";
    const NEEDS_DRIFT: bool = false;
    fn is_finite_num(&self) -> bool {
        !self.is_nan() && self.mid().is_finite()
    }
    fn rel_accurate(&self, bits: i64) -> bool {
        !self.is_nan() && self.rel_rad_at_most(-bits)
    }
    fn prefer_first(a: &Ball, _: &Ball, b: &Ball, _: &Ball) -> bool {
        !a.is_nan() && (b.is_nan() || a.rad_mag() < b.rad_mag())
    }
}

/// The model's constants in a number type, each rounded once from its exact value, and
/// the products the simulators use, rounded in the order the `f64` simulators have always
/// used (so their tables keep their bits).
#[derive(Debug, Clone)]
pub struct Params<R> {
    /// `a = E[x²]`.
    pub a: R,
    /// `a/2` (exact).
    pub half_a: R,
    /// γ.
    pub gamma: R,
    /// `γ·γ` (rounded product).
    pub g2: R,
    /// η_u.
    pub eta_u: R,
    /// η_w.
    pub eta_w: R,
    /// θ*.
    pub theta: R,
    /// `L*`.
    pub lstar: R,
    /// `k = γ√(η_u η_w)`.
    pub k: R,
    /// `a·γ` (rounded product).
    pub a_gamma: R,
    /// `a·k` (rounded product).
    pub a_k: R,
    /// `((a·k)·k)·a` (rounded products).
    pub a2k2: R,
}

impl<R: Num> Params<R> {
    /// The constants of `red` in `R`.
    pub fn new(red: &ExactReduction, ctx: &R::Ctx) -> Self {
        let q = |x| R::from_q(x, ctx);
        let a = q(&red.a);
        let gamma = q(&red.gamma);
        let mut k = R::sqrt_q(&red.k2, ctx);
        if red.k_sign() < 0 {
            k = -k;
        }
        let a_k = a.clone() * &k;
        let a2k2 = a_k.clone() * &k * &a;
        Params {
            half_a: a.ldexp(-1),
            g2: gamma.clone() * &gamma,
            a_gamma: a.clone() * &gamma,
            eta_u: q(&red.eta_u),
            eta_w: q(&red.eta_w),
            theta: q(&red.theta),
            lstar: q(&red.lstar),
            a,
            gamma,
            k,
            a_k,
            a2k2,
        }
    }

    /// `γ²(η_u|w|² + η_w|u|²)` from the squared norms.
    pub fn ntk(&self, uu: &R, ww: &R) -> R {
        self.g2.clone() * (self.eta_u.clone() * ww + self.eta_w.clone() * uu)
    }
}

/// Bits of working precision for `digits` significant decimal digits (`⌈digits·log₂10⌉`).
pub fn digits_to_bits(digits: u32) -> u32 {
    (f64::from(digits) * std::f64::consts::LOG2_10).ceil() as u32
}
