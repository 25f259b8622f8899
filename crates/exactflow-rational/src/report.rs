//! All checks of one scenario, in order, with the claims they check as parameters.

use crate::chain::{chain, ChainClaim};
use crate::field::{OrderedField, Ring};
use crate::fixed::{classify, MinimumClaim, PointKind, PointReport, SaddleClaim};
use crate::gd::{self, DriftClaim, ReducedClaim};
use crate::invariants::{conservation_at, line_at, probe_points, LineClaim, MatrixClaim};
use crate::limits::{limits, LimitClaim, Limits};
use crate::model::{q, Exact};
use crate::riccati::{self, ClosedFormClaim, RiccatiClaim};
use crate::CheckError;
use exactflow_core::{Scenario, Q};
use num_traits::Zero;

/// Width at which the origin and the canonical minimum are classified (their Jacobians are
/// verified on `2·width` vectors, O(width²) exact operations); the claims of docs/model.md §7 do not
/// depend on the width, and a point given to classify is classified at its own width.
pub const FIXED_POINT_WIDTH: usize = 256;

/// Most GD steps accepted (heights grow threefold per step).
pub const MAX_GD_STEPS: usize = 12;

/// Options of a check run.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// GD steps for the drift checks (default 4).
    pub gd_steps: usize,
    /// A point `(u, w)` to classify.
    pub point: Option<(Vec<Q>, Vec<Q>)>,
    /// Significant digits of the limits' decimals (default 40).
    pub digits: usize,
    /// Matrix identities are compared entry by entry up to this width (every entry is
    /// always decided through the exact Frobenius norm).
    pub entrywise_max: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            gd_steps: 4,
            point: None,
            digits: 40,
            entrywise_max: 128,
        }
    }
}

/// Every claim the checks test, as data (docs/model.md's by default; tests inject wrong ones).
#[derive(Debug, Clone)]
pub struct Claims {
    /// The conserved matrix.
    pub conserved: MatrixClaim,
    /// The line of `s`.
    pub line_s: LineClaim,
    /// The line of `δ`.
    pub line_d: LineClaim,
    /// The GD drift.
    pub drift: DriftClaim,
    /// `σ` in `M' = (1 + σc²)M`.
    pub trace_drift_sign: i64,
    /// The reduced GD map.
    pub reduced: ReducedClaim,
    /// The eigenvalue at a minimum.
    pub minimum: MinimumClaim,
    /// The eigenvalues at the saddle.
    pub saddle: SaddleClaim,
    /// The Riccati equation.
    pub riccati: RiccatiClaim,
    /// The closed form.
    pub closed_form: ClosedFormClaim,
    /// The observables.
    pub chain: ChainClaim,
    /// The limit.
    pub limit: LimitClaim,
}

impl Claims {
    /// docs/model.md's claims for this scenario.
    pub fn model(x: &Exact) -> Self {
        Claims {
            conserved: MatrixClaim::model(&x.p),
            line_s: LineClaim::model(x, 1),
            line_d: LineClaim::model(x, -1),
            drift: DriftClaim::model(&x.p),
            trace_drift_sign: -1,
            reduced: ReducedClaim::MODEL,
            minimum: MinimumClaim::model(&x.p),
            saddle: SaddleClaim { factor: q(1) },
            riccati: RiccatiClaim::model(),
            closed_form: ClosedFormClaim::MODEL,
            chain: ChainClaim::model(),
            limit: LimitClaim { root_sign: 1 },
        }
    }
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    /// Stable name (`conservation`, `gd_drift`, `riccati_symbolic`, ...).
    pub name: &'static str,
    /// Whether it held.
    pub passed: bool,
    /// What was checked and what was found.
    pub detail: String,
}

/// The full report.
#[derive(Debug, Clone)]
pub struct Report {
    /// Checks in order.
    pub checks: Vec<CheckResult>,
    /// Exact limits.
    pub limits: Limits,
    /// Classification of the requested point.
    pub point: Option<PointReport>,
    /// Width of the scenario.
    pub width: usize,
}

impl Report {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// Names of the failed checks.
    pub fn failed(&self) -> Vec<&'static str> {
        self.checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.name)
            .collect()
    }
}

/// Runs every check of a scenario against docs/model.md's claims.
///
/// # Errors
/// [`CheckError`] for unusable options (a point of mismatched lengths, too many GD steps).
pub fn check_scenario(s: &Scenario, opts: &CheckOptions) -> Result<Report, CheckError> {
    let x = Exact::new(s)?;
    let claims = Claims::model(&x);
    check_with(&x, &claims, opts)
}

/// Runs every check with the given claims.
///
/// # Errors
/// As [`check_scenario`].
pub fn check_with(x: &Exact, claims: &Claims, opts: &CheckOptions) -> Result<Report, CheckError> {
    if opts.gd_steps > MAX_GD_STEPS {
        return Err(CheckError::TooManyGdSteps(opts.gd_steps));
    }
    if let Some((u, w)) = &opts.point {
        if u.len() != w.len() {
            return Err(CheckError::PointLengths(u.len(), w.len()));
        }
        if u.is_empty() {
            return Err(CheckError::PointLengths(0, 0));
        }
    }
    let mut checks = Vec::new();
    let d = x.width();
    let p = &x.p;

    // Points for the invariant checks: the initialization, probes, the requested point.
    let mut points: Vec<(String, Vec<Q>, Vec<Q>)> =
        vec![("initialization".into(), x.u0.clone(), x.w0.clone())];
    for (i, (u, w)) in probe_points(p, d).into_iter().enumerate() {
        points.push((format!("probe {}", i + 1), u, w));
    }
    if let Some((u, w)) = &opts.point {
        points.push(("the given point".into(), u.clone(), w.clone()));
    }

    // 1. Conservation of Q.
    {
        let mut ok = true;
        let mut parts = Vec::new();
        let mut moving = 0;
        for (name, u, w) in &points {
            let c = conservation_at(p, &claims.conserved, u, w, opts.entrywise_max);
            if !c.field_is_zero {
                moving += 1;
            }
            let held = c.zero.holds();
            ok &= held;
            let mut part = format!(
                "{name} (d = {}, e = {}): {}",
                u.len(),
                short(&c.e),
                if held { "dQ/dt = 0" } else { "dQ/dt != 0" }
            );
            if c.zero.entries_checked > 0 {
                part.push_str(&format!(", {} entries compared", c.zero.entries_checked));
            }
            if let Some((i, j, v)) = &c.zero.first_nonzero {
                part.push_str(&format!(", entry ({i},{j}) = {}", short(v)));
            }
            if !c.zero.frobenius_zero {
                part.push_str(&format!(
                    ", sum of squared entries = {}",
                    short(&c.zero.frobenius_sq)
                ));
            }
            parts.push(part);
        }
        ok &= moving > 0;
        checks.push(CheckResult {
            name: "conservation",
            passed: ok,
            detail: format!(
                "d/dt (u u^T/eta_u - w w^T/eta_w) along the gradient-flow field is the zero matrix, exactly (every entry: sum of squared entries = 0{}): {}",
                if d <= opts.entrywise_max { ", and entry by entry" } else { "" },
                parts.join("; ")
            ),
        });
    }

    // 2. Directions of s and δ.
    {
        let mut ok = true;
        let mut parts = Vec::new();
        for (name, u, w) in &points {
            let ls = line_at(x, &claims.line_s, u, w);
            let ld = line_at(x, &claims.line_d, u, w);
            ok &= ls.holds && ld.holds;
            parts.push(format!(
                "{name}: ds/dt = -ake s {}, d(delta)/dt = +ake delta {}",
                verdict(ls.holds, ls.first_failure),
                verdict(ld.holds, ld.first_failure)
            ));
        }
        checks.push(CheckResult {
            name: "directions",
            passed: ok,
            detail: format!(
                "s = u~ + w~ and delta = u~ - w~ keep their directions (scaled by sqrt(eta_u) into Q(sqrt(eta_u eta_w))^d, componentwise): {}",
                parts.join("; ")
            ),
        });
    }

    // 3–4. GD drift and the reduced map.
    {
        let run = gd::run(p, &x.u0, &x.w0, opts.gd_steps);
        let mut ok = true;
        let mut parts = Vec::new();
        for (n, pair) in run.states.windows(2).enumerate() {
            let [s0, s1] = pair else { continue };
            let z = gd::drift_step(p, &claims.drift, s0, s1, opts.entrywise_max);
            let tr = gd::trace_drift_holds(p, claims.trace_drift_sign, s0, s1);
            ok &= z.holds() && tr;
            let mut part = format!(
                "step {n}->{}: matrix identity {}, M' = (1 - c^2) M {}",
                n + 1,
                if z.holds() { "holds" } else { "FAILS" },
                if tr { "holds" } else { "FAILS" }
            );
            if z.entries_checked > 0 {
                part.push_str(&format!(" ({} entries)", z.entries_checked));
            }
            if let Some((i, j, v)) = &z.first_nonzero {
                part.push_str(&format!(", entry ({i},{j}) off by {}", short(v)));
            }
            parts.push(part);
        }
        let within = run.within_bound();
        ok &= within;
        let heights: Vec<String> = run.heights.iter().map(|h| h.to_string()).collect();
        checks.push(CheckResult {
            name: "gd_drift",
            passed: ok,
            detail: format!(
                "{} exact GD steps: Q_(n+1) - Q_n = (a gamma e_n)^2 (eta_u w w^T - eta_w u u^T) every entry: {}; heights (bits) {} within h_(n+1) <= 3 h_n + {}: {}",
                opts.gd_steps,
                parts.join("; "),
                heights.join(", "),
                run.growth_c,
                within
            ),
        });
        let mismatch = gd::reduced_map_mismatch(x, claims.reduced, &run);
        checks.push(CheckResult {
            name: "gd_reduced_map",
            passed: mismatch.is_none(),
            detail: match mismatch {
                None => format!(
                    "the map P' = (1-c)^2 P, R' = (1+c)^2 R, M' = (1-c^2) M, c = a k e reproduces the width-{d} GD exactly for {} steps (P, R, M in Q(sqrt(eta_u eta_w)); largest size {} bits)",
                    opts.gd_steps,
                    gd::reduced_bits(x, &run)
                ),
                Some(n) => format!("the reduced map departs from the full GD at step {n}"),
            },
        });
    }

    // 5–7. Fixed points.
    {
        let d = d.min(FIXED_POINT_WIDTH);
        let zero = vec![Q::zero(); d];
        let r = classify(x, &zero, &zero, &claims.minimum, &claims.saddle);
        let expected = if p.theta.is_zero() {
            matches!(r.kind, PointKind::Minimum { .. })
        } else {
            matches!(r.kind, PointKind::Saddle { .. })
        };
        checks.push(CheckResult {
            name: "fixed_point_origin",
            passed: expected && r.verified,
            detail: r.detail.clone(),
        });
        // A rational global minimum: u = e₁, w = (θ*/γ) e₁.
        let mut u = vec![Q::zero(); d];
        let mut w = vec![Q::zero(); d];
        if let (Some(a), Some(b)) = (u.first_mut(), w.first_mut()) {
            *a = q(1);
            *b = &p.theta / &p.gamma;
        }
        let r = classify(x, &u, &w, &claims.minimum, &claims.saddle);
        let ok = matches!(r.kind, PointKind::Minimum { .. }) && r.verified;
        checks.push(CheckResult {
            name: "fixed_point_minimum",
            passed: ok,
            detail: format!("u = e1, w = (theta*/gamma) e1 (width {d}): {}", r.detail),
        });
    }
    let point = opts.point.as_ref().map(|(u, w)| {
        let r = classify(x, u, w, &claims.minimum, &claims.saddle);
        let stationary = !matches!(r.kind, PointKind::NotStationary { .. });
        checks.push(CheckResult {
            name: "fixed_point",
            passed: stationary && r.verified,
            detail: format!("the given point: {}", r.detail),
        });
        r
    });

    // 8–10. The Riccati equation.
    {
        let ids = riccati::symbolic(&claims.riccati, claims.closed_form)?;
        let (general, degenerate): (Vec<_>, Vec<_>) =
            ids.into_iter().partition(|i| i.name.starts_with("general"));
        let describe = |v: &[riccati::Identity]| -> String {
            v.iter()
                .map(|i| {
                    format!(
                        "{}: dz/dt = -A z^2 + B z + C {} ({} terms cancel), z(0) = 1 {}",
                        i.name,
                        if i.ode { "identically" } else { "FAILS" },
                        i.terms,
                        if i.initial { "holds" } else { "FAILS" }
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        checks.push(CheckResult {
            name: "riccati_symbolic",
            passed: general.iter().all(|i| i.holds()),
            detail: format!(
                "docs/model.md's z(E), E = exp(-omega t), solves the Riccati equation for all coefficients, as a polynomial identity in Q[A, B, omega, E]: {}",
                describe(&general)
            ),
        });
        let sc = riccati::scenario(x, &claims.riccati, claims.closed_form)?;
        checks.push(CheckResult {
            name: "riccati_scenario",
            passed: sc.holds(),
            detail: format!(
                "{}: dz/dt + A z^2 - B z - C = 0 {} as a polynomial identity over K2 = Q(sqrt({}))(sqrt({})); z(0) = 1 {}",
                sc.name,
                if sc.ode { "holds" } else { "FAILS" },
                p.eta_u.clone() * &p.eta_w,
                x.k1.render(&x.omega2),
                if sc.initial { "holds" } else { "FAILS" }
            ),
        });
        let der = riccati::derivation(x, &claims.riccati);
        checks.push(CheckResult {
            name: "riccati_derivation",
            passed: der,
            detail: format!(
                "-2 a k z e(z) = -A z^2 + B z + C with e = k(S z - D/z)/4 - theta*, as polynomials in z over Q(sqrt(eta_u eta_w)): {}",
                if der { "holds" } else { "FAILS" }
            ),
        });
        // Degenerate cases: the families, and the scenario's case decided two ways.
        let red = exactflow_core::ExactReduction::new(
            &p.gamma,
            &p.eta_u,
            &p.eta_w,
            &p.a,
            &p.exy,
            &p.eyy,
            &crate::field::Rationals.dot(&x.u0, &x.u0),
            &crate::field::Rationals.dot(&x.w0, &x.w0),
            &crate::field::Rationals.dot(&x.u0, &x.w0),
        );
        let k1 = &x.k1;
        let agree = red.shape().s_is_zero() == k1.is_zero(&x.ca)
            && red.shape().d_is_zero() == k1.is_zero(&x.cc)
            && red.shape().is_origin() == (k1.is_zero(&x.ca) && k1.is_zero(&x.cc))
            && (red.omega2 == Q::zero()) == k1.is_zero(&x.omega2);
        checks.push(CheckResult {
            name: "degenerate_cases",
            passed: degenerate.iter().all(|i| i.holds()) && agree,
            detail: format!(
                "{}; the scenario's case (A = 0: {}, C = 0: {}, origin: {}, omega = 0: {}) decided in K1 agrees with the engines' rational tests: {}",
                describe(&degenerate),
                k1.is_zero(&x.ca),
                k1.is_zero(&x.cc),
                k1.is_zero(&x.ca) && k1.is_zero(&x.cc),
                k1.is_zero(&x.omega2),
                agree
            ),
        });
        // The engines' rational inputs equal the field computation.
        let k2 = k1.sq(&x.k);
        let same = |a: &crate::model::E1, b: &Q| k1.equal(a, &k1.embed_q(b));
        let cons = same(&x.omega2, &red.omega2)
            && same(&k1.mul(&x.s, &x.d), &red.sd)
            && same(&x.m, &red.m)
            && same(&k2, &red.k2)
            && same(&k1.mul(&x.ca, &x.cc), &red.ac)
            && same(&k1.sq(&x.cb), &red.b2);
        checks.push(CheckResult {
            name: "exact_reduction",
            passed: cons,
            detail: format!(
                "the engines' rationals (omega^2, S D, M, k^2, A C, B^2 of ExactReduction) equal S, D, M, A, B, C computed in Q(sqrt(eta_u eta_w)) from the weights: {cons}"
            ),
        });
    }

    // 11. The chain to the observables.
    {
        let ids = chain(x, &claims.chain);
        let ok = ids.iter().all(|i| i.1);
        let failed: Vec<&str> = ids.iter().filter(|i| !i.1).map(|i| i.0).collect();
        checks.push(CheckResult {
            name: "observables_chain",
            passed: ok,
            detail: if ok {
                format!(
                    "u(t) = sqrt(eta_u)(s0 sqrt(z) + delta0/sqrt(z))/2, w likewise: starts at (u0, w0), follows the field when dz/dt = -2akez, and gives every formula of docs/model.md section 5 ({}), as polynomial identities in sqrt(z) over Q(sqrt(eta_u eta_w))",
                    ids.iter().map(|i| i.0).collect::<Vec<_>>().join(", ")
                )
            } else {
                format!("FAILS: {}", failed.join(", "))
            },
        });
    }

    // 12. Limits.
    let lim = limits(x, claims.limit, opts.digits)?;
    checks.push(CheckResult {
        name: "limits",
        passed: lim.all_hold(),
        detail: format!(
            "{}; {}{}",
            lim.case.describe(),
            lim.verified
                .iter()
                .map(|(w, h)| format!("{w}: {}", if *h { "holds" } else { "FAILS" }))
                .collect::<Vec<_>>()
                .join("; "),
            match lim.gd_stable_at_limit {
                Some(true) => "; GD with these rates is linearly stable at the limit (0 < a ntk(inf) = omega < 2)".to_string(),
                Some(false) => "; GD with these rates is NOT linearly stable at the limit (a ntk(inf) = omega >= 2)".to_string(),
                None => String::new(),
            }
        ),
    });
    Ok(Report {
        checks,
        limits: lim,
        point,
        width: d,
    })
}

fn verdict(ok: bool, at: Option<usize>) -> String {
    match (ok, at) {
        (true, _) => "holds".into(),
        (false, Some(i)) => format!("FAILS at component {i}"),
        (false, None) => "FAILS".into(),
    }
}

/// A rational, shortened for reports (exact up to 80 characters).
fn short(v: &Q) -> String {
    let s = v.to_string();
    if s.len() > 80 {
        format!(
            "{} (≈ {})",
            &s[..40],
            exactflow_core::number::format_q_sci(v, 6)
        )
    } else {
        s
    }
}
