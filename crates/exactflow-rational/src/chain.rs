//! The chain from the weights to `z` and to every observable of docs/model.md §5, as exact
//! polynomial identities in `ρ = √z` over `K₁` — so they hold at every time, not only at
//! sample points.
//!
//! The trajectory ansatz of docs/model.md §3, scaled into `K₁` (`ŝ = √η_u s₀`, `δ̂ = √η_u δ₀`):
//!
//! ```text
//!     U(ρ) = 2ρ·u = ŝ ρ² + δ̂,     W(ρ) = 2ρ·w = (√(η_uη_w)/η_u)(ŝ ρ² − δ̂)
//! ```
//!
//! Checked: `U(1) = 2u₀`, `W(1) = 2w₀` (the ansatz starts at the initialization); the
//! ansatz follows the gradient-flow field when `dρ/dt = −ake·ρ` (i.e. `dz/dt = −2akez`),
//! as vector identities; and each observable computed from the vectors equals docs/model.md's
//! formula in `S, D, M, z`: slope, ntk, `|ũ|²`, `|w̃|²`, alignment (through
//! `16z²|ũ|²|w̃|² = (Sz² + D)² − 4M²z²` and `4z ũ·w̃ = Sz² − D`), the layer rotations
//! `ũ₀·ũ`, `w̃₀·w̃`, and the loss `L(u, w) = ½ a e² + L*` from the data moments.

use crate::field::{OrderedField, Ring};
use crate::model::{q, Exact, E1, K1};
use crate::poly::PolyRing;
use exactflow_core::Q;

/// The claimed observable formulas (docs/model.md: `slope = 1/4·k(Sz − D/z)`,
/// `ntk = 1/2·k²(Sz + D/z)`, `|ũ|² = (Sz + 2M + D/z)/4`, rate `dρ/dt = −ake·ρ`).
#[derive(Debug, Clone, PartialEq)]
pub struct ChainClaim {
    /// Factor of `k(Sz − D/z)` in the slope (`1/4`).
    pub slope: Q,
    /// Factor of `k²(Sz + D/z)` in the ntk (`1/2`).
    pub ntk: Q,
    /// Coefficient of `M` in `4|ũ|²` (`2`; `−2` in `4|w̃|²`).
    pub norm_m: Q,
    /// Sign in `dρ/dt = σ·ake·ρ` (`−1`).
    pub rate: i64,
}

impl ChainClaim {
    /// docs/model.md §3, §5.
    pub fn model() -> Self {
        ChainClaim {
            slope: q(1) / q(4),
            ntk: q(1) / q(2),
            norm_m: q(2),
            rate: -1,
        }
    }
}

/// Names of the identities, in the order [`chain`] returns them.
pub const IDENTITIES: [&str; 10] = [
    "ansatz starts at (u0, w0)",
    "ansatz follows the field (u)",
    "ansatz follows the field (w)",
    "slope",
    "ntk",
    "|u~|^2 and |w~|^2",
    "alignment",
    "rotation u~0.u~",
    "rotation w~0.w~",
    "loss",
];

/// Each identity of the chain: `(name, held)`.
pub fn chain(x: &Exact, claim: &ChainClaim) -> Vec<(&'static str, bool)> {
    let c = Ansatz::new(x);
    let (flow_u, flow_w) = c.follows_the_field(claim);
    let (slope, ntk) = c.slope_and_ntk(claim);
    let (norms, align) = c.norms_and_alignment(claim);
    let (rot_u, rot_w) = c.rotations();
    IDENTITIES
        .iter()
        .copied()
        .zip([
            c.starts(),
            flow_u,
            flow_w,
            slope,
            ntk,
            norms,
            align,
            rot_u,
            rot_w,
            c.loss(),
        ])
        .collect()
}

/// The ansatz's vector polynomials in `ρ` (coefficients of `ρ⁰, ρ¹, ρ²`) and their dot
/// products.
struct Ansatz<'a> {
    x: &'a Exact,
    pr: PolyRing<K1>,
    /// `√(η_uη_w)/η_u`.
    cwu: E1,
    /// `U(ρ)`, one polynomial a coordinate.
    uvec: Vec<Vec<E1>>,
    /// `W(ρ)`.
    wvec: Vec<Vec<E1>>,
    /// `4ρ² u·w`.
    uw: Vec<E1>,
    /// `4ρ² |u|²`.
    uu: Vec<E1>,
    /// `4ρ² |w|²`.
    ww: Vec<E1>,
}

impl<'a> Ansatz<'a> {
    fn new(x: &'a Exact) -> Self {
        let k1 = &x.k1;
        let pr = PolyRing { base: k1.clone() };
        let cwu = k1.scale(&k1.sqrt_r(), &x.p.eta_u.recip());
        let uvec: Vec<Vec<E1>> = x
            .s_hat
            .iter()
            .zip(&x.d_hat)
            .map(|(s, d)| Self::quadratic(&pr, s, d, true))
            .collect();
        let wvec: Vec<Vec<E1>> = x
            .s_hat
            .iter()
            .zip(&x.d_hat)
            .map(|(s, d)| pr.scale_by(&Self::quadratic(&pr, s, d, false), &cwu))
            .collect();
        let (uw, uu, ww) = (
            Self::dot(&pr, &uvec, &wvec),
            Self::dot(&pr, &uvec, &uvec),
            Self::dot(&pr, &wvec, &wvec),
        );
        Ansatz {
            x,
            pr,
            cwu,
            uvec,
            wvec,
            uw,
            uu,
            ww,
        }
    }

    /// `ŝ ρ² + δ̂` (`plus`) or `ŝ ρ² − δ̂`.
    fn quadratic(pr: &PolyRing<K1>, s: &E1, d: &E1, plus: bool) -> Vec<E1> {
        let k1 = &pr.base;
        let d = if plus { d.clone() } else { k1.neg(d) };
        pr.from_coeffs(vec![d, k1.zero(), s.clone()])
    }

    /// `Σ aᵢ bᵢ` of two vector polynomials.
    fn dot(pr: &PolyRing<K1>, a: &[Vec<E1>], b: &[Vec<E1>]) -> Vec<E1> {
        a.iter()
            .zip(b)
            .fold(pr.zero(), |acc, (x, y)| pr.add(&acc, &pr.mul(x, y)))
    }

    /// `S ρ⁴ + sign·D`.
    fn sz2(&self, sign: i64) -> Vec<E1> {
        let (k1, x) = (&self.x.k1, self.x);
        let z = k1.zero();
        self.pr.from_coeffs(vec![
            k1.scale(&x.d, &q(sign)),
            z.clone(),
            z.clone(),
            z,
            x.s.clone(),
        ])
    }

    /// `M ρ²`.
    fn mz(&self) -> Vec<E1> {
        let k1 = &self.x.k1;
        self.pr
            .from_coeffs(vec![k1.zero(), k1.zero(), self.x.m.clone()])
    }

    /// `U(1) = 2u₀`, `W(1) = 2w₀`.
    fn starts(&self) -> bool {
        let (k1, pr, x) = (&self.x.k1, &self.pr, self.x);
        let one = k1.one();
        let two = k1.embed_q(&q(2));
        let at = |vs: &[Vec<E1>], x0: &[Q]| {
            vs.iter()
                .zip(x0)
                .all(|(v, x0)| k1.equal(&pr.eval(v, &one), &k1.scale(&two, x0)))
        };
        at(&self.uvec, &x.u0) && at(&self.wvec, &x.w0)
    }

    /// Flow: with dρ/dt = σ·ake·ρ, d/dt of u = U/(2ρ) is σ·ak·e·(ŝρ² − δ̂)/(2ρ) and the
    /// field is −η_u aγ e·W/(2ρ): compare σ·ak·(ŝρ² − δ̂) with −η_u aγ·W (e and 2ρ
    /// cancel); likewise σ·ak·(√r/η_u)(ŝρ² + δ̂) with −η_w aγ·U. Returns (u, w).
    fn follows_the_field(&self, claim: &ChainClaim) -> (bool, bool) {
        let (k1, pr, x, p) = (&self.x.k1, &self.pr, self.x, &self.x.p);
        let ak = k1.scale(&x.k, &(&p.a * q(claim.rate)));
        let rate_u = k1.embed_q(&-(&p.eta_u * &p.a * &p.gamma));
        let rate_w = k1.embed_q(&-(&p.eta_w * &p.a * &p.gamma));
        let akw = k1.mul(&ak, &self.cwu);
        let pairs = || x.s_hat.iter().zip(&x.d_hat);
        let flow_u = pairs().zip(&self.wvec).all(|((s, d), wv)| {
            let lhs = pr.scale_by(&Self::quadratic(pr, s, d, false), &ak);
            pr.equal(&lhs, &pr.scale_by(wv, &rate_u))
        });
        let flow_w = pairs().zip(&self.uvec).all(|((s, d), uv)| {
            let lhs = pr.scale_by(&Self::quadratic(pr, s, d, true), &akw);
            pr.equal(&lhs, &pr.scale_by(uv, &rate_w))
        });
        (flow_u, flow_w)
    }

    /// slope: γ·(4ρ² u·w) = 4·slope_factor·k(Sρ⁴ − D);
    /// ntk: γ²(η_u|W|² + η_w|U|²) = 4ρ²·ntk = 4·ntk_factor·k²(Sρ⁴ + D).
    fn slope_and_ntk(&self, claim: &ChainClaim) -> (bool, bool) {
        let (k1, pr, p, k) = (&self.x.k1, &self.pr, &self.x.p, &self.x.k);
        let slope = pr.equal(
            &pr.scale_by(&self.uw, &k1.embed_q(&p.gamma)),
            &pr.scale_by(&self.sz2(-1), &k1.scale(k, &(q(4) * &claim.slope))),
        );
        let ntk_vec = pr.scale_by(
            &pr.add(
                &pr.scale_by(&self.ww, &k1.embed_q(&p.eta_u)),
                &pr.scale_by(&self.uu, &k1.embed_q(&p.eta_w)),
            ),
            &k1.embed_q(&(&p.gamma * &p.gamma)),
        );
        let ntk = pr.equal(
            &ntk_vec,
            &pr.scale_by(&self.sz2(1), &k1.scale(&k1.sq(k), &(q(4) * &claim.ntk))),
        );
        (slope, ntk)
    }

    /// norms: |U|²/η_u = 4ρ²|ũ|² = Sρ⁴ + c·Mρ² + D, |W|²/η_w = Sρ⁴ − c·Mρ² + D;
    /// alignment: 16ρ⁴|ũ|²|w̃|² = (Sρ⁴ + D)² − 4M²ρ⁴ and 4ρ² ũ·w̃ = U·W/√r = Sρ⁴ − D.
    fn norms_and_alignment(&self, claim: &ChainClaim) -> (bool, bool) {
        let (k1, pr, p) = (&self.x.k1, &self.pr, &self.x.p);
        let mz = self.mz();
        let nu = pr.scale_by(&self.uu, &k1.embed_q(&p.eta_u.recip()));
        let nw = pr.scale_by(&self.ww, &k1.embed_q(&p.eta_w.recip()));
        let mterm = pr.scale_by(&mz, &k1.embed_q(&claim.norm_m));
        let sp = self.sz2(1);
        let norms = pr.equal(&nu, &pr.add(&sp, &mterm)) && pr.equal(&nw, &pr.sub(&sp, &mterm));
        let align = pr.equal(
            &pr.mul(&nu, &nw),
            &pr.sub(
                &pr.mul(&sp, &sp),
                &pr.scale_by(&pr.mul(&mz, &mz), &k1.embed_q(&q(4))),
            ),
        ) && k1
            .inv(&k1.sqrt_r())
            .map(|ir| pr.equal(&pr.scale_by(&self.uw, &ir), &self.sz2(-1)))
            .unwrap_or(false);
        (norms, align)
    }

    /// rotations: 2 u₀·U/η_u = 4ρ ũ₀·ũ = (S+M)ρ² + (M+D); 2 w₀·W/η_w = (S−M)ρ² + (D−M).
    fn rotations(&self) -> (bool, bool) {
        let (k1, pr, x, p) = (&self.x.k1, &self.pr, self.x, &self.x.p);
        let (s, d, m) = (&x.s, &x.d, &x.m);
        let constants =
            |v: &[Q]| -> Vec<Vec<E1>> { v.iter().map(|v| pr.constant(&k1.embed_q(v))).collect() };
        let rot_u = pr.equal(
            &pr.scale_by(
                &Self::dot(pr, &constants(&x.u0), &self.uvec),
                &k1.embed_q(&(q(2) / &p.eta_u)),
            ),
            &pr.from_coeffs(vec![k1.add(m, d), k1.zero(), k1.add(s, m)]),
        );
        let rot_w = pr.equal(
            &pr.scale_by(
                &Self::dot(pr, &constants(&x.w0), &self.wvec),
                &k1.embed_q(&(q(2) / &p.eta_w)),
            ),
            &pr.from_coeffs(vec![k1.sub(d, m), k1.zero(), k1.sub(s, m)]),
        );
        (rot_u, rot_w)
    }

    /// loss: with Σ = γ U·W = 4ρ²·slope,
    /// 16ρ⁴·2L = aΣ² − 8bρ²Σ + 16cρ⁴  ≡  a(Σ − 4θρ²)² + 32 L* ρ⁴.
    fn loss(&self) -> bool {
        let (k1, pr, p) = (&self.x.k1, &self.pr, &self.x.p);
        let sig = pr.scale_by(&self.uw, &k1.embed_q(&p.gamma));
        let rho2 = pr.from_coeffs(vec![k1.zero(), k1.zero(), k1.one()]);
        let rho4 = pr.mul(&rho2, &rho2);
        let lhs = pr.add(
            &pr.sub(
                &pr.scale_by(&pr.mul(&sig, &sig), &k1.embed_q(&p.a)),
                &pr.scale_by(&pr.mul(&rho2, &sig), &k1.embed_q(&(q(8) * &p.exy))),
            ),
            &pr.scale_by(&rho4, &k1.embed_q(&(q(16) * &p.eyy))),
        );
        let e4 = pr.sub(&sig, &pr.scale_by(&rho2, &k1.embed_q(&(q(4) * &p.theta))));
        let rhs = pr.add(
            &pr.scale_by(&pr.mul(&e4, &e4), &k1.embed_q(&p.a)),
            &pr.scale_by(&rho4, &k1.embed_q(&(q(32) * &p.lstar))),
        );
        pr.equal(&lhs, &rhs)
    }
}
