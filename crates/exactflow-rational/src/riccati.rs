//! The proof that the closed form solves the Riccati equation (docs/model.md §3–§4), as exact
//! polynomial identities.
//!
//! With `E = e^{−ωt}` (so `dE/dt = −ωE`), `z(t)` of docs/model.md §4 is a rational function of
//! `E`, and `dz/dt = (dz/dE)(−ωE)`. "z solves `dz/dt = −Az² + Bz + C`, `z(0) = 1`" becomes: the
//! numerator of `(dz/dE)(−ωE) − (−Az² + Bz + C)` is the zero polynomial and `z(E=1) = 1`.
//!
//! * [`symbolic`]: for all coefficients at once — the families of docs/model.md §4 as
//!   multivariate polynomial identities over ℚ (general: `A, B, ω, E` free and
//!   `C = (ω² − B²)/(4A)`, a rational parametrization of every `(A ≠ 0, B, C)`; logistic
//!   `C = 0` with `ω = ±B`; linear `A = 0` with `F = e^{Bt}`; `A = B = 0`; `ω = 0`).
//! * [`scenario`]: for the scenario's exact coefficients in `K₂` (univariate in `E`).
//! * [`derivation`]: `−2akz·e(z) = −Az² + Bz + C` with `e = k(Sz − D/z)/4 − θ*`, as
//!   polynomials in `z` over `K₁` — the step from the scaling of `s, δ` to the equation.
//!
//! Every check takes the claimed equation ([`RiccatiClaim`]) and the claimed closed form
//! ([`ClosedFormClaim`]) as parameters so that wrong claims can be shown to fail.

use crate::field::{FieldError, OrderedField, Ring};
use crate::model::{q, Exact, E2};
use crate::poly::{Derivation, Frac, FracRing, MPoly, MPolyRing, PolyRing};
use exactflow_core::Q;
use std::cmp::Ordering;

/// A claimed equation `dz/dt = α A z² + β B z + κ C` (docs/model.md: `α = −1, β = κ = 1`).
#[derive(Debug, Clone, PartialEq)]
pub struct RiccatiClaim {
    /// `α`.
    pub quad: Q,
    /// `β`.
    pub lin: Q,
    /// `κ`.
    pub cst: Q,
}

impl RiccatiClaim {
    /// docs/model.md §3.
    pub fn model() -> Self {
        RiccatiClaim {
            quad: q(-1),
            lin: q(1),
            cst: q(1),
        }
    }
}

/// A claimed closed form: `z = z₊ + y₀ωE/(ω + A y₀(1 − E))`, `z₊ = (B + σω)/(2A)`,
/// `y₀ = 1 − z₊`, `dE/dt = τωE` (docs/model.md: `σ = +1`, `τ = −1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosedFormClaim {
    /// `σ`.
    pub root_sign: i64,
    /// `τ`.
    pub decay_sign: i64,
}

impl ClosedFormClaim {
    /// docs/model.md §4.
    pub const MODEL: ClosedFormClaim = ClosedFormClaim {
        root_sign: 1,
        decay_sign: -1,
    };
}

/// Outcome of one identity.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    /// Which identity.
    pub name: String,
    /// `dz/dt − rhs ≡ 0`.
    pub ode: bool,
    /// `z(0) = 1`.
    pub initial: bool,
    /// Terms of `dz/dt`'s cross-multiplied numerator, all cancelled by the right-hand
    /// side's (a size measure of the identity).
    pub terms: usize,
}

impl Identity {
    /// Both parts hold.
    pub fn holds(&self) -> bool {
        self.ode && self.initial
    }
}

/// docs/model.md's closed form as a fraction in a ring with the time-like variable `e_var`:
/// `z₊ + y₀ωE/(ω + A y₀(1 − E))`.
fn model_z<R: Derivation>(
    fr: &FracRing<R>,
    a: &Frac<R::Elem>,
    b: &Frac<R::Elem>,
    om: &Frac<R::Elem>,
    e_var: &Frac<R::Elem>,
    root_sign: i64,
) -> Result<Frac<R::Elem>, FieldError> {
    let one = fr.one();
    let two_a = fr.scale(a, &q(2));
    let zp = fr.div(&fr.add(b, &fr.scale(om, &q(root_sign))), &two_a)?;
    let y0 = fr.sub(&one, &zp);
    let num = fr.mul(&fr.mul(&y0, om), e_var);
    let den = fr.add(om, &fr.mul(&fr.mul(a, &y0), &fr.sub(&one, e_var)));
    Ok(fr.add(&zp, &fr.div(&num, &den)?))
}

/// The three coefficients `(A, B, C)` as fractions.
type Coeffs<'a, E> = (&'a Frac<E>, &'a Frac<E>, &'a Frac<E>);

/// `(dz/dX)·(dX/dt) − (αAz² + βBz + κC)`, and whether its numerator vanishes.
fn ode_residual_zero<R: Derivation>(
    fr: &FracRing<R>,
    claim: &RiccatiClaim,
    (a, b, c): Coeffs<'_, R::Elem>,
    z: &Frac<R::Elem>,
    dx_dt: &Frac<R::Elem>,
) -> (bool, R::Elem) {
    let dz = fr.mul(&fr.derive(z), dx_dt);
    let rhs = fr.add(
        &fr.add(
            &fr.scale(&fr.mul(a, &fr.mul(z, z)), &claim.quad),
            &fr.scale(&fr.mul(b, z), &claim.lin),
        ),
        &fr.scale(c, &claim.cst),
    );
    // dz − rhs = (dz.num·rhs.den − rhs.num·dz.den)/(dz.den·rhs.den): compare the two
    // cross products (their size is what had to cancel).
    let left = fr.base.mul(&dz.num, &rhs.den);
    let right = fr.base.mul(&rhs.num, &dz.den);
    let diff = fr.base.sub(&left, &right);
    (fr.base.is_zero(&diff), left)
}

/// The identities for every coefficient at once (families of docs/model.md §4).
///
/// # Errors
/// [`FieldError`] on a division by a zero polynomial (a malformed claim).
pub fn symbolic(claim: &RiccatiClaim, cf: ClosedFormClaim) -> Result<Vec<Identity>, FieldError> {
    let mut out = Vec::new();
    // General: variables A, B, ω, E; C = (ω² − B²)/(4A).
    {
        let (fr, [a, b, om, e]) = fractions(3);
        let c = fr.div(
            &fr.sub(&fr.mul(&om, &om), &fr.mul(&b, &b)),
            &fr.scale(&a, &q(4)),
        )?;
        let z = model_z(&fr, &a, &b, &om, &e, cf.root_sign)?;
        let dedt = fr.scale(&fr.mul(&om, &e), &q(cf.decay_sign));
        out.push(family(
            &fr,
            "general: A, B, omega, E free, C = (omega^2 - B^2)/(4A)",
            claim,
            (&a, &b, &c),
            &z,
            &dedt,
            (3, 1),
        )?);
    }
    // Logistic C = 0: ω = B (B > 0, z₊ = B/A) and ω = −B (B < 0, z₊ = 0: the saddle).
    for (name, sign) in [
        ("logistic C = 0, omega = B (z+ = B/A)", 1i64),
        ("logistic C = 0, omega = -B (z+ = 0, the saddle)", -1),
    ] {
        let (fr, [a, b, e]) = fractions(2);
        let om = fr.scale(&b, &q(sign));
        let c = fr.zero();
        let z = model_z(&fr, &a, &b, &om, &e, cf.root_sign)?;
        let dedt = fr.scale(&fr.mul(&om, &e), &q(cf.decay_sign));
        out.push(family(&fr, name, claim, (&a, &b, &c), &z, &dedt, (2, 1))?);
    }
    // Linear A = 0, B ≠ 0: F = e^{Bt}, z = (1 + C/B)F − C/B.
    {
        let (fr, [b, c, f]) = fractions(2);
        let a = fr.zero();
        let cb = fr.div(&c, &b)?;
        let z = fr.sub(&fr.mul(&fr.add(&fr.one(), &cb), &f), &cb);
        let dfdt = fr.mul(&b, &f);
        out.push(family(
            &fr,
            "linear A = 0, B != 0: z = (1 + C/B) e^{Bt} - C/B",
            claim,
            (&a, &b, &c),
            &z,
            &dfdt,
            (2, 1),
        )?);
    }
    // A = B = 0: z = 1 + Ct.
    {
        let (fr, [c, t]) = fractions(1);
        let z = fr.add(&fr.one(), &fr.mul(&c, &t));
        out.push(family(
            &fr,
            "A = B = 0: z = 1 + C t",
            claim,
            (&fr.zero(), &fr.zero(), &c),
            &z,
            &fr.one(),
            (1, 0),
        )?);
    }
    // ω = 0 with A > 0 (B = C = 0): z = 1/(1 + At).
    {
        let (fr, [a, t]) = fractions(1);
        let z = fr.div(&fr.one(), &fr.add(&fr.one(), &fr.mul(&a, &t)))?;
        out.push(family(
            &fr,
            "omega = 0 (B = C = 0): z = 1/(1 + A t)",
            claim,
            (&a, &fr.zero(), &fr.zero()),
            &z,
            &fr.one(),
            (1, 0),
        )?);
    }
    Ok(out)
}

/// Fractions of polynomials in `N` variables, differentiating by the variable `wrt`, and
/// the variables themselves.
fn fractions<const N: usize>(wrt: usize) -> (FracRing<MPolyRing>, [Frac<MPoly>; N]) {
    let ring = MPolyRing::new(N, wrt);
    let fr = FracRing { base: ring.clone() };
    let vars = std::array::from_fn(|i| fr.embed(&ring.var(i)));
    (fr, vars)
}

/// One family: `z` solves the claimed Riccati equation in a variable `X` with
/// `dX/dt = dxdt`, and starts at `z = 1` where `X = x₀` — `start = (X's index, x₀)`:
/// a decay-like `X = E` starts at `E = 1`, the time itself (`dxdt = 1`) at `t = 0`.
fn family(
    fr: &FracRing<MPolyRing>,
    name: &str,
    claim: &RiccatiClaim,
    abc: Coeffs<'_, MPoly>,
    z: &Frac<MPoly>,
    dxdt: &Frac<MPoly>,
    (var, x0): (usize, i64),
) -> Result<Identity, FieldError> {
    let (ode, num) = ode_residual_zero(fr, claim, abc, z, dxdt);
    let r = &fr.base;
    let n1 = r.substitute(&z.num, var, &q(x0));
    let d1 = r.substitute(&z.den, var, &q(x0));
    Ok(Identity {
        name: name.to_string(),
        ode,
        initial: !r.is_zero(&d1) && r.is_zero(&r.sub(&n1, &d1)),
        terms: num.len(),
    })
}

/// The identity for the scenario's exact coefficients, univariate over `K₂`, in the
/// form that applies to its case of docs/model.md §4.
///
/// # Errors
/// [`FieldError`] on a division by zero (a malformed claim).
pub fn scenario(
    x: &Exact,
    claim: &RiccatiClaim,
    cf: ClosedFormClaim,
) -> Result<Identity, FieldError> {
    let k2 = &x.k2;
    let pr = PolyRing { base: k2.clone() };
    let fr = FracRing { base: pr.clone() };
    let c = |v: &E2| fr.embed(&pr.constant(v));
    let (a, b, cc) = (c(&x.up(&x.ca)), c(&x.up(&x.cb)), c(&x.up(&x.cc)));
    let om = c(&x.omega);
    let var = fr.embed(&pr.x());
    let a_pos = k2.sign(&x.up(&x.ca)) == Ordering::Greater;
    let b_zero = k2.is_zero(&x.up(&x.cb));
    let om_zero = k2.is_zero(&x.omega);
    let (name, z, dxdt, at): (&str, Frac<Vec<E2>>, Frac<Vec<E2>>, Q) = if a_pos && !om_zero {
        (
            "docs/model.md closed form in E = exp(-omega t), coefficients in K2",
            model_z(&fr, &a, &b, &om, &var, cf.root_sign)?,
            fr.scale(&fr.mul(&om, &var), &q(cf.decay_sign)),
            q(1),
        )
    } else if a_pos {
        (
            "omega = 0: z = 1/(1 + A t)",
            fr.div(&fr.one(), &fr.add(&fr.one(), &fr.mul(&a, &var)))?,
            fr.one(),
            q(0),
        )
    } else if !b_zero {
        let cb = fr.div(&cc, &b)?;
        (
            "A = 0: z = (1 + C/B) F - C/B, F = exp(B t)",
            fr.sub(&fr.mul(&fr.add(&fr.one(), &cb), &var), &cb),
            fr.mul(&b, &var),
            q(1),
        )
    } else {
        (
            "A = B = 0: z = 1 + C t",
            fr.add(&fr.one(), &fr.mul(&cc, &var)),
            fr.one(),
            q(0),
        )
    };
    let (ode, num) = ode_residual_zero(&fr, claim, (&a, &b, &cc), &z, &dxdt);
    let at = k2.embed_q(&at);
    let n = pr.eval(&z.num, &at);
    let d = pr.eval(&z.den, &at);
    Ok(Identity {
        name: name.to_string(),
        ode,
        initial: !k2.is_zero(&d) && k2.equal(&n, &d),
        terms: num.len(),
    })
}

/// `−2ak·(z·e(z)) ≡ α A z² + β B z + κ C` as polynomials in `z` over `K₁`, with
/// `4 z e(z) = k(S z² − D) − 4θ* z` (docs/model.md §3: `dz/dt = −2ake z` from `z = e^{−2Φ}`).
pub fn derivation(x: &Exact, claim: &RiccatiClaim) -> bool {
    let k1 = &x.k1;
    let pr = PolyRing { base: k1.clone() };
    let theta = k1.embed_q(&x.p.theta);
    // 4 z e(z) = k S z² − 4θ z − k D
    let four_ze = pr.from_coeffs(vec![
        k1.neg(&k1.mul(&x.k, &x.d)),
        k1.scale(&theta, &q(-4)),
        k1.mul(&x.k, &x.s),
    ]);
    // −2ak·z e = −(ak/2)·(4 z e)
    let lhs = pr.scale_by(&four_ze, &k1.scale(&x.k, &(-&x.p.a / q(2))));
    let rhs = pr.from_coeffs(vec![
        k1.scale(&x.cc, &claim.cst),
        k1.scale(&x.cb, &claim.lin),
        k1.scale(&x.ca, &claim.quad),
    ]);
    pr.is_zero(&pr.sub(&lhs, &rhs))
}
