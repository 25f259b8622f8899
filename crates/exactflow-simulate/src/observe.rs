//! The observables of a simulated state, written once for every simulator.
//!
//! Every simulator carries the residual `e` and the reduced scalar `z` (or `ln z`) as
//! states of their own, by exact identities of its iteration or ODEs of its flow, because
//! both are differences of nearly equal numbers when recomputed from the weights late in
//! training. The rest comes from the three moments `|u|²`, `|w|²`, `u·w`.

use crate::num::{Num, Params};
use exactflow_core::Observables;

/// What the observables are computed from.
#[derive(Debug, Clone)]
pub struct Moments<R> {
    /// `|u|²`.
    pub uu: R,
    /// `|w|²`.
    pub ww: R,
    /// `u·w` computed from the state (the vectors' dot product, or the reduced map's
    /// analogue).
    pub uw: R,
    /// The scale of that computation's rounding error (`Σ|u_i w_i|`, or its analogue):
    /// [`observe`] takes the slope from `γ u·w` or from `θ* + e`, whichever loses less.
    pub uw_scale: R,
    /// The residual `e = γ u·w − θ*`, carried by the simulator.
    pub e: R,
    /// `z`, carried by the simulator.
    pub z: R,
}

impl<R: Num> Moments<R> {
    /// `|u|²`, `|w|²`, `u·w` summed in order from the vectors; `e` and `z` as given.
    pub fn from_vectors(u: &[R], w: &[R], e: R, z: R, ctx: &R::Ctx) -> Self {
        let zero = R::from_i32(0, ctx);
        let (mut uu, mut ww, mut uw, mut uw_scale) =
            (zero.clone(), zero.clone(), zero.clone(), zero);
        for (x, y) in u.iter().zip(w) {
            uu = uu + x.square();
            ww = ww + y.square();
            let xy = x.clone() * y;
            uw_scale = uw_scale + xy.abs();
            uw = uw + xy;
        }
        Moments {
            uu,
            ww,
            uw,
            uw_scale,
            e,
            z,
        }
    }
}

/// The slope and `u·w`, each from whichever of `γ u·w` (rounding error ∝ `|γ|·uw_scale`)
/// and `θ* + e` (∝ `|θ*| + |e|`) loses less to cancellation: the first late in a saddle
/// escape or wherever `|slope| ≪ |θ*|`, the second wherever `u·w` cancels in its sum.
/// Balls take the tighter enclosure.
pub fn slope_and_uw<R: Num>(p: &Params<R>, m: &Moments<R>) -> (R, R) {
    let from_e = p.theta.clone() + &m.e;
    let from_uw = p.gamma.clone() * &m.uw;
    let scale_e = p.theta.abs() + &m.e.abs();
    let scale_uw = p.gamma.abs() * &m.uw_scale;
    if R::prefer_first(&from_uw, &scale_uw, &from_e, &scale_e) {
        (from_uw, m.uw.clone())
    } else {
        let uw = from_e.clone() / &p.gamma;
        (from_e, uw)
    }
}

/// The observables of the schema from the moments: the slope and `u·w` by
/// [`slope_and_uw`], `loss = (a/2)·e·e + L*`, `ntk = γ²(η_u|w|² + η_w|u|²)`,
/// `alignment = u·w/(|u||w|)` (NaN when `u` or `w` is 0), the norms as square roots.
pub fn observe<R: Num>(p: &Params<R>, m: &Moments<R>) -> Observables<R> {
    let norm_u = m.uu.sqrt();
    let norm_w = m.ww.sqrt();
    let (slope, uw) = slope_and_uw(p, m);
    Observables {
        z: m.z.clone(),
        slope,
        residual: m.e.clone(),
        loss: p.half_a.clone() * &m.e * &m.e + &p.lstar,
        ntk: p.ntk(&m.uu, &m.ww),
        alignment: uw / (norm_u.clone() * &norm_w),
        norm_u,
        norm_w,
    }
}
