//! Gradient descent, exactly (docs/model.md §2 and §6).
//!
//! GD from the initialization in rationals held over a common denominator
//! ([`IntVec`]): `u' = u − κ_u e w`, `w' = w − κ_w e u`, `κ_u = η_u a γ`, `κ_w = η_w a γ`.
//!
//! **Size growth.** Let `h_n` be the height (largest bit length of the numerators and of the
//! common denominator `q_n`) of step `n`. With `γ = g/g'`, `θ* = t/t'`, `κ_{u,w} = p_{u,w}/p'`:
//! `e_n = (g t' U·W − t g' q²)/(g' t' q²)` and
//! `U'_i = U_i p' g' t' q² − p_u N_e W_i` over `q' = p' g' t' q³`, so
//!
//! ```text
//!     h_{n+1} ≤ 3 h_n + C,    C = ⌈log₂(p'g't' + P·(|g| t' d + |t| g'))⌉ + 1,  P = max|p_{u,w}|,
//!     h_n ≤ 3ⁿ h_0 + C (3ⁿ − 1)/2.
//! ```
//!
//! Reducing to lowest common terms only lowers heights, so the bound holds for the stored
//! vectors; [`GdRun::heights`] records them and the checker verifies each against the bound.
//! Four steps from 60-bit weights reach about 5,000 bits; each step costs O(d) big-integer
//! operations plus the O(d²) entrywise drift check.

use crate::field::{OrderedField, Ring};
use crate::intvec::{rank_one_sum_is_zero, IntVec, MatrixZero};
use crate::invariants::MatrixClaim;
use crate::model::{q, Exact, FlowParams, E1};
use exactflow_core::Q;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed};

/// One GD iterate.
#[derive(Debug, Clone)]
pub struct GdState {
    /// `u_n`.
    pub u: IntVec,
    /// `w_n`.
    pub w: IntVec,
    /// `e_n = γ u_n·w_n − θ*`.
    pub e: Q,
}

/// A GD run and the size bound it was checked against.
#[derive(Debug, Clone)]
pub struct GdRun {
    /// States `0..=n`.
    pub states: Vec<GdState>,
    /// Heights `h_n` of the stored (reduced) states.
    pub heights: Vec<u64>,
    /// The constant `C` of `h_{n+1} ≤ 3h_n + C`.
    pub growth_c: u64,
}

impl GdRun {
    /// Whether every height obeys `h_{n+1} ≤ 3 h_n + C`.
    pub fn within_bound(&self) -> bool {
        self.heights
            .windows(2)
            .all(|h| matches!(h, [a, b] if *b <= 3 * a + self.growth_c))
    }

    /// `3ⁿ h_0 + C(3ⁿ − 1)/2`, the a-priori bound after `n` steps.
    pub fn a_priori(&self, n: u32) -> u64 {
        let h0 = *self
            .heights
            .first()
            .expect("a run records the height of its initial state");
        let p = 3u64.saturating_pow(n);
        p.saturating_mul(h0)
            .saturating_add(self.growth_c.saturating_mul(p.saturating_sub(1)) / 2)
    }
}

fn bits_of(x: &BigInt) -> u64 {
    x.bits()
}

/// The constant `C` of the height recursion (see the module documentation).
pub fn growth_constant(p: &FlowParams, d: usize) -> u64 {
    let ku = &p.eta_u * &p.a * &p.gamma;
    let kw = &p.eta_w * &p.a * &p.gamma;
    let pd = ku.denom().lcm(kw.denom());
    let pu = (ku.numer() * (&pd / ku.denom())).abs();
    let pw = (kw.numer() * (&pd / kw.denom())).abs();
    let pmax = if pu > pw { pu } else { pw };
    let (g, gd) = (p.gamma.numer().abs(), p.gamma.denom().clone());
    let (t, td) = (p.theta.numer().abs(), p.theta.denom().clone());
    let bound = &pd * &gd * &td + pmax * (g * &td * BigInt::from(d) + t * &gd);
    bits_of(&bound) + 1
}

/// Runs `n` exact GD steps from `(u₀, w₀)`.
pub fn run(p: &FlowParams, u0: &[Q], w0: &[Q], n: usize) -> GdRun {
    let ku = &p.eta_u * &p.a * &p.gamma;
    let kw = &p.eta_w * &p.a * &p.gamma;
    let mut u = IntVec::from_q(u0);
    let mut w = IntVec::from_q(w0);
    // One common denominator for both layers.
    let qd = u.den.lcm(&w.den);
    u = rescale(&u, &qd);
    w = rescale(&w, &qd);
    let mut states = Vec::with_capacity(n + 1);
    let mut heights = Vec::with_capacity(n + 1);
    for step in 0..=n {
        let e = &p.gamma * u.dot(&w) - &p.theta;
        heights.push(u.height().max(w.height()));
        states.push(GdState {
            u: u.clone(),
            w: w.clone(),
            e: e.clone(),
        });
        if step == n {
            break;
        }
        let one = Q::one();
        let mut un = u.combine(&one, &w, &(-(&ku * &e)));
        let mut wn = w.combine(&one, &u, &(-(&kw * &e)));
        // Common reduced denominator for both layers.
        let g = un.den.lcm(&wn.den);
        un = rescale(&un, &g);
        wn = rescale(&wn, &g);
        let (ru, rw) = joint_reduce(un, wn);
        u = ru;
        w = rw;
    }
    GdRun {
        states,
        heights,
        growth_c: growth_constant(p, u0.len()),
    }
}

/// The same vector over the denominator `den` (a multiple of its own).
fn rescale(v: &IntVec, den: &BigInt) -> IntVec {
    let f = den / &v.den;
    IntVec {
        num: v.num.iter().map(|x| x * &f).collect(),
        den: den.clone(),
    }
}

/// Divides both vectors (sharing a denominator) by the common content.
fn joint_reduce(mut u: IntVec, mut w: IntVec) -> (IntVec, IntVec) {
    let mut g = u.den.clone();
    for x in u.num.iter().chain(&w.num) {
        if g.is_one() {
            break;
        }
        g = g.gcd(x);
    }
    if !g.is_one() && g.is_positive() {
        for x in u.num.iter_mut().chain(w.num.iter_mut()) {
            *x = &*x / &g;
        }
        u.den = &u.den / &g;
        w.den = u.den.clone();
    }
    (u, w)
}

/// A claimed GD drift: `Q_{n+1} − Q_n = c_nᵖ (ω_w w wᵀ − ω_u u uᵀ)` with `c_n = a γ e_n`
/// (docs/model.md §6: `p = 2`, `ω_w = η_u`, `ω_u = η_w`), for the claimed `Q`.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftClaim {
    /// The claimed conserved-by-GF matrix.
    pub q: MatrixClaim,
    /// `ω_w`.
    pub ww: Q,
    /// `ω_u`.
    pub uu: Q,
    /// `p`.
    pub power: u32,
}

impl DriftClaim {
    /// docs/model.md §6.
    pub fn model(p: &FlowParams) -> Self {
        DriftClaim {
            q: MatrixClaim::model(p),
            ww: p.eta_u.clone(),
            uu: p.eta_w.clone(),
            power: 2,
        }
    }
}

/// Decides the drift identity for the step `n → n+1` of a run.
pub fn drift_step(
    p: &FlowParams,
    claim: &DriftClaim,
    s0: &GdState,
    s1: &GdState,
    entrywise_max: usize,
) -> MatrixZero {
    let c = &p.a * &p.gamma * &s0.e;
    let cp = num_traits::pow(c, claim.power as usize);
    let mq = &claim.q;
    let mut terms: Vec<(Q, &IntVec, &IntVec)> = vec![
        (mq.uu.clone(), &s1.u, &s1.u),
        (-&mq.uu, &s0.u, &s0.u),
        (mq.ww.clone(), &s1.w, &s1.w),
        (-&mq.ww, &s0.w, &s0.w),
        (-(&cp * &claim.ww), &s0.w, &s0.w),
        (&cp * &claim.uu, &s0.u, &s0.u),
    ];
    if !num_traits::Zero::is_zero(&mq.uw) {
        terms.push((mq.uw.clone(), &s1.u, &s1.w));
        terms.push((mq.uw.clone(), &s1.w, &s1.u));
        terms.push((-&mq.uw, &s0.u, &s0.w));
        terms.push((-&mq.uw, &s0.w, &s0.u));
    }
    // Merge terms on the same pair of vectors (fewer products per entry).
    let mut merged: Vec<(Q, &IntVec, &IntVec)> = Vec::new();
    for (c, x, y) in terms {
        match merged
            .iter_mut()
            .find(|(_, a, b)| std::ptr::eq(*a, x) && std::ptr::eq(*b, y))
        {
            Some(slot) => slot.0 += c,
            None => merged.push((c, x, y)),
        }
    }
    merged.retain(|t| !num_traits::Zero::is_zero(&t.0));
    rank_one_sum_is_zero(&merged, entrywise_max)
}

/// A claimed scalar drift `M_{n+1} = (1 + σ c_n²) M_n`, `c_n = a k e_n` (docs/model.md: `σ = −1`).
pub fn trace_drift_holds(p: &FlowParams, sigma: i64, s0: &GdState, s1: &GdState) -> bool {
    let m = MatrixClaim::model(p);
    let m0 = m.trace(&s0.u, &s0.w);
    let m1 = m.trace(&s1.u, &s1.w);
    // c² = a² k² e² = a² γ² η_u η_w e² (rational).
    let c2 = &p.a * &p.a * &p.gamma * &p.gamma * &p.eta_u * &p.eta_w * &s0.e * &s0.e;
    m1 == (Q::one() + q(sigma) * c2) * m0
}

/// A claimed reduced GD map: `P' = (1 + σ_P c)² P`, `R' = (1 + σ_R c)² R`,
/// `M' = (1 + σ_M c²) M`, `e = k(P − R)/4 − θ*`, `c = a k e` (docs/model.md: `σ_P = −1`,
/// `σ_R = +1`, `σ_M = −1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReducedClaim {
    /// `σ_P`.
    pub p_sign: i64,
    /// `σ_R`.
    pub r_sign: i64,
    /// `σ_M`.
    pub m_sign: i64,
}

impl ReducedClaim {
    /// docs/model.md §6.
    pub const MODEL: ReducedClaim = ReducedClaim {
        p_sign: -1,
        r_sign: 1,
        m_sign: -1,
    };
}

/// `(P, R, M) = (|s|², |δ|², s·δ)` of rational weights, in `K₁`.
pub fn prm_of(x: &Exact, u: &IntVec, w: &IntVec) -> (E1, E1, E1) {
    let k1 = &x.k1;
    let p = &x.p;
    let uu = u.dot(u) / &p.eta_u;
    let ww = w.dot(w) / &p.eta_w;
    // ũ·w̃ = u·w/√(η_uη_w) = (u·w/(η_uη_w))·√(η_uη_w)
    let uw = k1.scale(&k1.sqrt_r(), &(u.dot(w) / (&p.eta_u * &p.eta_w)));
    let base = k1.embed_q(&(&uu + &ww));
    (
        k1.add(&base, &k1.scale(&uw, &q(2))),
        k1.sub(&base, &k1.scale(&uw, &q(2))),
        k1.embed_q(&(uu - ww)),
    )
}

/// Runs the claimed reduced map from the run's initial `(P, R, M)` and compares every
/// step with the full GD's; returns the first step that differs.
pub fn reduced_map_mismatch(x: &Exact, claim: ReducedClaim, run: &GdRun) -> Option<usize> {
    let k1 = &x.k1;
    let p = &x.p;
    let first = run.states.first()?;
    let (mut pp, mut rr, mut mm) = prm_of(x, &first.u, &first.w);
    for (n, st) in run.states.iter().enumerate() {
        let (fp, fr, fm) = prm_of(x, &st.u, &st.w);
        // The reduced map's own residual must be the full GD's (rational) e_n.
        let e = k1.sub(
            &k1.scale(
                &k1.mul(&x.k, &k1.sub(&pp, &rr)),
                &Q::new(1.into(), 4.into()),
            ),
            &k1.embed_q(&p.theta),
        );
        let same = k1.equal(&pp, &fp)
            && k1.equal(&rr, &fr)
            && k1.equal(&mm, &fm)
            && k1.equal(&e, &k1.embed_q(&st.e));
        if !same {
            return Some(n);
        }
        let c = k1.scale(&k1.mul(&x.k, &e), &p.a);
        let one = k1.one();
        let fac = |s: i64| k1.sq(&k1.add(&one, &k1.scale(&c, &q(s))));
        pp = k1.mul(&fac(claim.p_sign), &pp);
        rr = k1.mul(&fac(claim.r_sign), &rr);
        mm = k1.mul(&k1.add(&one, &k1.scale(&k1.sq(&c), &q(claim.m_sign))), &mm);
    }
    None
}

/// Largest total size in bits of `(P, R, M)` along the reduced map (for reports).
pub fn reduced_bits(x: &Exact, run: &GdRun) -> u64 {
    run.states
        .iter()
        .map(|s| {
            let (a, b, c) = prm_of(x, &s.u, &s.w);
            x.k1.bits(&a) + x.k1.bits(&b) + x.k1.bits(&c)
        })
        .max()
        .expect("a run holds its initial state")
}
