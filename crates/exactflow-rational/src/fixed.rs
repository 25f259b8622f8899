//! Fixed points of the flow (docs/model.md §7): exact stationarity of a rational point and its
//! classification, with the Jacobian's eigen-structure verified by exact Jacobian–vector
//! products (dual numbers over ℚ or `K₁`, no hand-written derivative).
//!
//! * Global minimum (`e = 0`): `J = −aγ² diag(η_u I, η_w I) v vᵀ`, `v = (w, u)`. We verify
//!   `J(Dv) = −a·ntk·(Dv)` (`D = diag(η_u I, η_w I)`) and `J x = 0` for `2d − 1` independent
//!   vectors `x ⊥ v`; since `v·Dv > 0`, these `2d` vectors form a basis, so the spectrum is
//!   `{−a·ntk, 0^(2d−1)}` exactly. One GD step maps the normal direction by `1 − a·ntk`:
//!   linearly stable iff `0 < a·ntk < 2`, decided on rationals.
//! * Origin with `θ* ≠ 0`: `J v±ᵢ = ±a k θ*·v±ᵢ` for `v±ᵢ = (η_u eᵢ, ±√(η_uη_w) eᵢ)`,
//!   `i = 1..d` — `2d` independent eigenvectors in `K₁^{2d}`: eigenvalues `±akθ*`, each of
//!   multiplicity `d`, of opposite signs (strict saddle).
//! * Otherwise the field does not vanish: not stationary, with the exact residual.

use crate::field::{Dual, DualRing, OrderedField, Rationals, Ring};
use crate::model::{gf_field, q, Exact, FlowParams, E1};
use exactflow_core::Q;
use num_traits::{Signed, Zero};
use std::cmp::Ordering;

/// The claimed eigenvalue at a minimum: `−a·ntk` with
/// `ntk = γ²(c_w |w|² + c_u |u|²)` (docs/model.md: `c_w = η_u`, `c_u = η_w`).
#[derive(Debug, Clone, PartialEq)]
pub struct MinimumClaim {
    /// `c_w`.
    pub ww: Q,
    /// `c_u`.
    pub uu: Q,
}

impl MinimumClaim {
    /// docs/model.md §5, §7.
    pub fn model(p: &FlowParams) -> Self {
        MinimumClaim {
            ww: p.eta_u.clone(),
            uu: p.eta_w.clone(),
        }
    }
}

/// The claimed saddle eigenvalues `±f·a k θ*` (docs/model.md: `f = 1`).
#[derive(Debug, Clone, PartialEq)]
pub struct SaddleClaim {
    /// `f`.
    pub factor: Q,
}

/// What a point is.
#[derive(Debug, Clone, PartialEq)]
pub enum PointKind {
    /// `e = 0`.
    Minimum {
        /// `ntk = γ²(η_u|w|² + η_w|u|²)`.
        ntk: Q,
        /// `a·ntk`, the only non-zero eigenvalue of `−J`.
        a_ntk: Q,
        /// `0 < a·ntk < 2`.
        gd_stable: bool,
    },
    /// The origin with `θ* ≠ 0`.
    Saddle {
        /// `a k θ*` (the eigenvalues are `±` this).
        lambda: E1,
    },
    /// The field does not vanish.
    NotStationary {
        /// The residual slope `e = γ u·w − θ*`.
        e: Q,
        /// `max |field component|`.
        field_max: Q,
    },
}

/// Classification and verification of one point.
#[derive(Debug, Clone)]
pub struct PointReport {
    /// The classification.
    pub kind: PointKind,
    /// Whether the claimed eigen-structure was verified exactly (always `true` for
    /// non-stationary points, which have nothing to verify).
    pub verified: bool,
    /// Human-readable account.
    pub detail: String,
}

/// `J_F(u, w)·(xu, xw)` exactly, by dual numbers over `r`.
pub fn jvp<R: Ring>(
    r: &R,
    p: &FlowParams,
    u: &[R::Elem],
    w: &[R::Elem],
    xu: &[R::Elem],
    xw: &[R::Elem],
) -> (Vec<R::Elem>, Vec<R::Elem>) {
    let dr = DualRing { base: r.clone() };
    let mk = |a: &[R::Elem], b: &[R::Elem]| -> Vec<Dual<R::Elem>> {
        a.iter()
            .zip(b)
            .map(|(re, eps)| Dual {
                re: re.clone(),
                eps: eps.clone(),
            })
            .collect()
    };
    let (fu, fw) = gf_field(&dr, p, &mk(u, xu), &mk(w, xw));
    (
        fu.into_iter().map(|d| d.eps).collect(),
        fw.into_iter().map(|d| d.eps).collect(),
    )
}

fn unit<R: Ring>(r: &R, d: usize, i: usize, val: &R::Elem) -> Vec<R::Elem> {
    (0..d)
        .map(|j| if j == i { val.clone() } else { r.zero() })
        .collect()
}

/// Classifies the rational point `(u, w)` and verifies the claimed eigen-structure.
pub fn classify(
    x: &Exact,
    u: &[Q],
    w: &[Q],
    min_claim: &MinimumClaim,
    saddle_claim: &SaddleClaim,
) -> PointReport {
    let p = &x.p;
    let f = Rationals;
    let d = u.len();
    let (du, dw) = gf_field(&f, p, u, w);
    let e = p.residual(u, w);
    let field_max = du
        .iter()
        .chain(&dw)
        .map(|v| v.abs())
        .fold(Q::zero(), |a, b| if b > a { b } else { a });
    if !field_max.is_zero() {
        return PointReport {
            detail: format!(
                "not stationary: residual e = γ u·w − θ* = {e} ≠ 0 and (u, w) ≠ 0; largest field component {field_max}"
            ),
            kind: PointKind::NotStationary { e, field_max },
            verified: true,
        };
    }
    if e.is_zero() {
        // Global minimum. v = (w, u), Dv = (η_u w, η_w u).
        let ntk = &p.gamma * &p.gamma * (&min_claim.ww * f.dot(w, w) + &min_claim.uu * f.dot(u, u));
        let a_ntk = &p.a * &ntk;
        let lambda = -&a_ntk;
        let dvu: Vec<Q> = w.iter().map(|v| v * &p.eta_u).collect();
        let dvw: Vec<Q> = u.iter().map(|v| v * &p.eta_w).collect();
        let (ju, jw) = jvp(&f, p, u, w, &dvu, &dvw);
        let mut ok = ju.iter().zip(&dvu).all(|(a, b)| *a == &lambda * b)
            && jw.iter().zip(&dvw).all(|(a, b)| *a == &lambda * b);
        // Kernel: x_j = v_piv e_j − v_j e_piv for j ≠ piv (all of ℝ^{2d} when v = 0).
        let v: Vec<Q> = w.iter().chain(u).cloned().collect();
        let piv = v.iter().position(|c| !c.is_zero());
        let mut kernel_checked = 0usize;
        for j in 0..2 * d {
            if Some(j) == piv {
                continue;
            }
            let mut xv = vec![Q::zero(); 2 * d];
            match piv {
                Some(pi) => {
                    if let (Some(slot), Some(vp)) = (xv.get_mut(j), v.get(pi)) {
                        *slot = vp.clone();
                    }
                    if let (Some(slot), Some(vj)) = (xv.get_mut(pi), v.get(j)) {
                        *slot = -vj;
                    }
                }
                None => {
                    if let Some(slot) = xv.get_mut(j) {
                        *slot = Q::from_integer(1.into());
                    }
                }
            }
            // State coordinates (u-slot, w-slot); v = (w, u) there, so vᵀx = w·x_u + u·x_w.
            let (xu, xw) = xv.split_at(d);
            let (ju, jw) = jvp(&f, p, u, w, xu, xw);
            kernel_checked += 1;
            if !(ju.iter().all(|c| c.is_zero()) && jw.iter().all(|c| c.is_zero())) {
                ok = false;
                break;
            }
        }
        let gd_stable = a_ntk.is_positive() && a_ntk < q(2);
        let detail = format!(
            "global minimum (e = 0): ntk = {ntk}, a·ntk = {a_ntk}; Jacobian eigenvalues −a·ntk (×1) and 0 (×{}) {} ({} kernel vectors); GD step factor 1 − a·ntk = {}: {}",
            2 * d - 1,
            if ok { "verified exactly" } else { "NOT confirmed" },
            kernel_checked,
            Q::from_integer(1.into()) - &a_ntk,
            if gd_stable {
                "linearly stable for GD (0 < a·ntk < 2)"
            } else {
                "not linearly stable for GD (a·ntk ∉ (0, 2))"
            }
        );
        return PointReport {
            kind: PointKind::Minimum {
                ntk,
                a_ntk,
                gd_stable,
            },
            verified: ok,
            detail,
        };
    }
    // Field zero with e ≠ 0: u = w = 0 and θ* ≠ 0. Eigenvectors in K₁^{2d}.
    let k1 = &x.k1;
    let lam = k1.scale(&x.k, &(&saddle_claim.factor * &p.a * &p.theta));
    let uk: Vec<E1> = u.iter().map(|c| k1.embed_q(c)).collect();
    let wk: Vec<E1> = w.iter().map(|c| k1.embed_q(c)).collect();
    let eta_u = k1.embed_q(&p.eta_u);
    let mut ok = true;
    'outer: for i in 0..d {
        for sign in [1i64, -1] {
            let xu = unit(k1, d, i, &eta_u);
            let xw = unit(k1, d, i, &k1.scale(&k1.sqrt_r(), &q(sign)));
            let (ju, jw) = jvp(k1, p, &uk, &wk, &xu, &xw);
            let l = k1.scale(&lam, &q(sign));
            let good = ju.iter().zip(&xu).all(|(a, b)| k1.equal(a, &k1.mul(&l, b)))
                && jw.iter().zip(&xw).all(|(a, b)| k1.equal(a, &k1.mul(&l, b)));
            if !good {
                ok = false;
                break 'outer;
            }
        }
    }
    let strict = k1.sign(&lam) != Ordering::Equal;
    PointReport {
        detail: format!(
            "strict saddle at the origin: Jacobian eigenvalues ±a k θ* = ±({}) in Q(√(η_u η_w)), each of multiplicity {d}, {} on {} eigenvectors; ≈ ±{}",
            k1.render(&lam),
            if ok { "verified exactly" } else { "NOT confirmed" },
            2 * d,
            crate::interval::decimal(k1, &k1.abs(&lam), 20).text
        ),
        kind: PointKind::Saddle { lambda: lam },
        verified: ok && strict,
    }
}
