//! exactflow-certify: every engine on one scenario, held against each other
//! (`exactflow certify`).
//!
//! One [`Line`] per comparison, each with what was measured and the bound it is held
//! to:
//!
//! * `fast-vs-mp:<column>` — the `f64` engine against certified `digits`-digit balls,
//!   worst `|error|/bound` over the times, the bound being the fast path's documented
//!   one ([`exactflow_fast::FastSolution::error_bounds`]);
//! * `mp-certified` — every ball certified to `digits` digits;
//! * `mp-p-vs-2p` — the balls at `digits` and at `2·digits` digits overlap;
//! * `rational-checks` — the exact checker's checks (conservation, GD drift, fixed
//!   points, Riccati identity, observables, limits) all hold;
//! * `limit-vs-mp:<name>` — the exact limits' correctly rounded decimals against the mp
//!   balls late in training (`ωT` past `digits·ln 10`);
//! * `invariant-along-trajectory` — `|u|²/η_u − |w|²/η_w`, formed from mp's certified
//!   norms at every time, encloses its exact initial value;
//! * `taylor-vs-closed-form` — the Taylor integration of the raw flow against the mp
//!   closed form on the first times.

#![warn(missing_docs)]

use exactflow_core::number::{f64_to_q_exact, Q};
use exactflow_core::{Column, Need, Observables, Scenario};
use exactflow_fast::FastSolution;
use exactflow_mp::ball::Ball;
use exactflow_mp::MpSolution;
use rug::Float;
use thiserror::Error;

/// Options of a certification run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Digits of the mp reference and of the limits' decimals (default 40).
    pub digits: u32,
    /// Time points on `[0, horizon]` (default 33).
    pub points: usize,
    /// Digits of the Taylor integration (default 30; 0 skips it).
    pub taylor_digits: u32,
    /// Time points compared with the Taylor integration (the first ones; default 6).
    pub taylor_points: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            digits: 40,
            points: 33,
            taylor_digits: 30,
            taylor_points: 6,
        }
    }
}

/// One comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// What was compared (`fast-vs-mp:z`, `limit-vs-mp:z_plus`, ...).
    pub name: String,
    /// Whether it held.
    pub passed: bool,
    /// What was measured (worst case).
    pub measured: String,
    /// What it was held to.
    pub bound: String,
    /// Where the worst case is, or why a comparison does not apply.
    pub detail: String,
}

/// The result of [`certify`].
#[derive(Debug, Clone, PartialEq)]
pub struct Certification {
    /// One line per comparison, in a fixed order.
    pub lines: Vec<Line>,
    /// The time points (exact, dyadic).
    pub times: Vec<Q>,
    /// Digits of the mp reference.
    pub digits: u32,
}

impl Certification {
    /// Whether every comparison held.
    pub fn passed(&self) -> bool {
        self.lines.iter().all(|l| l.passed)
    }

    /// Names of the comparisons that failed.
    pub fn failed(&self) -> Vec<&str> {
        self.lines
            .iter()
            .filter(|l| !l.passed)
            .map(|l| l.name.as_str())
            .collect()
    }
}

/// Why a certification could not run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CertifyError {
    /// Digits outside the mp engine's range.
    #[error("digits must be between 20 and 1000 for certify (got {0})")]
    Digits(u32),
    /// Too few or too many points.
    #[error("points must be between 2 and 10000 (got {0})")]
    Points(usize),
    /// The exact checker could not run.
    #[error("exact checker: {0}")]
    Rational(String),
}

fn sci(x: f64) -> String {
    format!("{x:.3e}")
}

/// Runs every engine on `s` and holds them against each other.
///
/// # Errors
/// [`CertifyError`] for options out of range or an exact checker that cannot run; a
/// disagreement is not an error but a failed [`Line`].
pub fn certify(s: &Scenario, o: &Options) -> Result<Certification, CertifyError> {
    if !(20..=1000).contains(&o.digits) {
        return Err(CertifyError::Digits(o.digits));
    }
    if !(2..=10_000).contains(&o.points) {
        return Err(CertifyError::Points(o.points));
    }
    let red = s.reduction();
    let fast = FastSolution::from_reduction(&red);
    let mp = MpSolution::new(red.clone());
    // Dyadic times (exact doubles), so that both engines see the same t.
    let h = fast.horizon();
    let tf: Vec<f64> = (0..o.points)
        .map(|j| {
            let x = h * j as f64 / (o.points - 1) as f64;
            // Round to 20 significant bits: short exact dyadics.
            if x == 0.0 {
                0.0
            } else {
                let e = x.log2().floor() as i32 - 20;
                (x / 2f64.powi(e)).round() * 2f64.powi(e)
            }
        })
        .collect();
    let times: Vec<Q> = tf
        .iter()
        .map(|&t| f64_to_q_exact(t).unwrap_or_default())
        .collect();
    let cert = mp.eval_certified(&times, o.digits, Need::ALL);
    let mut lines = Vec::new();

    // fast vs mp, column by column.
    let got: Vec<Observables<f64>> = tf.iter().map(|&t| fast.eval(t)).collect();
    for col in Column::VALUES {
        let mut worst = (0f64, String::new());
        let mut compared = 0usize;
        for ((t, f), b) in tf.iter().zip(&got).zip(&cert.values) {
            let exact = b.map(|x| x.mid().to_f64());
            let bounds = fast.error_bounds(*t, &exact);
            let (Some(x), Some(r), Some(bound)) = (f.get(col), exact.get(col), bounds.get(col))
            else {
                continue;
            };
            if r.is_nan() || !bound.is_finite() {
                if x.is_nan() != r.is_nan() {
                    worst = (f64::INFINITY, format!("t = {t:e}: fast {x:e}, mp {r:e}"));
                }
                continue;
            }
            compared += 1;
            let ratio = (x - r).abs() / bound;
            if ratio > worst.0 || ratio.is_nan() {
                worst = (
                    if ratio.is_nan() { f64::INFINITY } else { ratio },
                    format!("t = {t:e}: fast {x:e}, mp {r:e}, bound {}", sci(*bound)),
                );
            }
        }
        lines.push(Line {
            name: format!("fast-vs-mp:{}", col.name()),
            passed: worst.0 <= 1.0,
            measured: format!("worst |error|/bound {} over {compared} times", sci(worst.0)),
            bound: "<= 1 (fast path's documented bound)".into(),
            detail: worst.1,
        });
    }

    // mp's own certification, and p against 2p.
    lines.push(Line {
        name: "mp-certified".into(),
        passed: cert.uncertified == 0,
        measured: format!(
            "{} uncertified of {} cells at {} bits",
            cert.uncertified,
            cert.values.len() * 8,
            cert.prec
        ),
        bound: format!("every radius <= 1/2 unit in the {}th digit", o.digits),
        detail: String::new(),
    });
    let double = mp.eval_certified(&times, 2 * o.digits, Need::ALL);
    let disjoint: Vec<String> = cert
        .values
        .iter()
        .zip(&double.values)
        .zip(&tf)
        .flat_map(|((a, b), t)| {
            Column::VALUES.into_iter().filter_map(move |c| {
                let (x, y) = (a.get(c)?, b.get(c)?);
                (!x.overlaps(y)).then(|| format!("{} at t = {t:e}", c.name()))
            })
        })
        .collect();
    lines.push(Line {
        name: "mp-p-vs-2p".into(),
        passed: disjoint.is_empty(),
        measured: format!("{} disjoint pairs", disjoint.len()),
        bound: format!("balls at {} and {} digits overlap", o.digits, 2 * o.digits),
        detail: disjoint.join("; "),
    });

    // The exact checker.
    let opts = exactflow_rational::CheckOptions {
        digits: o.digits as usize,
        ..Default::default()
    };
    let report = exactflow_rational::check_scenario(s, &opts)
        .map_err(|e| CertifyError::Rational(e.to_string()))?;
    lines.push(Line {
        name: "rational-checks".into(),
        passed: report.passed(),
        measured: format!(
            "{} of {} checks hold",
            report.checks.iter().filter(|c| c.passed).count(),
            report.checks.len()
        ),
        bound: "all hold, exactly".into(),
        detail: report.failed().join(", "),
    });
    lines.extend(limits_vs_mp(&mp, &fast, &report.limits, o.digits));
    lines.push(invariant_along(&red, &cert.values, &tf));
    if o.taylor_digits > 0 {
        lines.push(taylor_vs_closed_form(s, &mp, &times, o));
    }
    Ok(Certification {
        lines,
        times,
        digits: o.digits,
    })
}

/// The exact limits against mp late in training.
fn limits_vs_mp(
    mp: &MpSolution,
    fast: &FastSolution,
    limits: &exactflow_rational::limits::Limits,
    digits: u32,
) -> Vec<Line> {
    use exactflow_rational::limits::FlowCase;
    let omega = fast.omega();
    let named = [
        ("z_plus", Column::Z, &limits.z_plus),
        ("ntk_inf", Column::Ntk, &limits.ntk_inf),
        ("alignment_inf", Column::Alignment, &limits.alignment_inf),
        ("residual_inf", Column::Residual, &limits.residual_inf),
    ];
    let converges = matches!(limits.case, FlowCase::Converges | FlowCase::LinearConverges);
    if !converges || omega <= 0.0 {
        return named
            .iter()
            .map(|(name, _, _)| Line {
                name: format!("limit-vs-mp:{name}"),
                passed: true,
                measured: "not compared".into(),
                bound: String::new(),
                detail: format!(
                    "{}: the flow does not converge to a minimum at rate omega",
                    limits.case.describe()
                ),
            })
            .collect();
    }
    // ωT = (digits + 10)·ln 10 + 40: the decaying parts are below 10^-(digits+10)
    // relative to the initial transient.
    let big_t = ((digits as f64 + 10.0) * std::f64::consts::LN_10 + 40.0) / omega;
    let t = f64_to_q_exact(big_t).unwrap_or_default();
    let late = mp.eval_certified(&[t], digits + 10, Need::ALL);
    let prec = (digits + 20) * 4;
    named
        .iter()
        .map(|(name, col, lim)| {
            let b = late.values.first().and_then(|o| o.get(*col));
            let parsed = Float::parse(&lim.decimal).map(|p| Float::with_val(prec, p));
            let (passed, measured, detail) = match (b, parsed) {
                (Some(b), Ok(l)) => {
                    let d = Float::with_val(prec, b.mid() - &l).abs();
                    // The decimal is correctly rounded to `digits` digits: half a unit
                    // in its last place, plus the late-time remainder and the radius.
                    let scale =
                        Float::with_val(prec, l.abs_ref()).max(&Float::with_val(prec, 1e-300));
                    let rel = Float::with_val(64, &d / &scale).to_f64();
                    let allowed = 10f64.powi(-(digits as i32 - 1));
                    let ok = if l.is_zero() {
                        b.mid().clone().abs() <= Float::with_val(prec, 10f64.powi(-(digits as i32)))
                    } else {
                        rel <= allowed
                    };
                    let what = if l.is_zero() {
                        format!(
                            "absolute difference {}",
                            sci(Float::with_val(64, &d).to_f64())
                        )
                    } else {
                        format!("relative difference {}", sci(rel))
                    };
                    (
                        ok,
                        what,
                        format!(
                            "mp at omega t = {:.1}: {}; exact limit {}",
                            omega * big_t,
                            exactflow_mp::format_mid(b, 12),
                            lim.decimal
                        ),
                    )
                }
                _ => (false, "unreadable".into(), lim.decimal.clone()),
            };
            Line {
                name: format!("limit-vs-mp:{name}"),
                passed,
                measured,
                bound: format!(
                    "<= 1e-{} relative (10^-{digits} absolute for a zero limit)",
                    digits - 1
                ),
                detail,
            }
        })
        .collect()
}

/// `|u|²/η_u − |w|²/η_w` along the trajectory, from mp's certified norms, against its
/// exact initial value `|ũ₀|² − |w̃₀|²`.
fn invariant_along(
    red: &exactflow_core::ExactReduction,
    values: &[Observables<Ball>],
    tf: &[f64],
) -> Line {
    use exactflow_core::Scalar;
    let prec = values.first().map_or(128, |o| o.z.prec());
    let (eu, ew) = (
        Ball::from_q(&red.eta_u, &prec),
        Ball::from_q(&red.eta_w, &prec),
    );
    let exact = Float::with_val(
        prec * 2,
        &exactflow_num::mpfr::q_to_rational_exact(&(&red.pu - &red.pw)),
    );
    let mut misses = Vec::new();
    let mut worst_rel = 0f64;
    for (o, t) in values.iter().zip(tf) {
        let nu = o.norm_u.clone();
        let nw = o.norm_w.clone();
        let inv = nu.clone() * &nu / &eu - nw.clone() * &nw / &ew;
        if !inv.contains(&exact) {
            misses.push(format!("t = {t:e}"));
        }
        worst_rel = worst_rel.max(inv.rel_rad());
    }
    Line {
        name: "invariant-along-trajectory".into(),
        passed: misses.is_empty(),
        measured: format!(
            "{} of {} enclosures miss; widest relative radius {}",
            misses.len(),
            values.len(),
            sci(worst_rel)
        ),
        bound: "the ball of |u|^2/eta_u - |w|^2/eta_w contains its exact initial value".into(),
        detail: misses.join("; "),
    }
}

/// The Taylor integration of the raw flow against the mp closed form.
fn taylor_vs_closed_form(s: &Scenario, mp: &MpSolution, times: &[Q], o: &Options) -> Line {
    let n = o.taylor_points.min(times.len());
    let ts = times.get(..n).unwrap_or(times);
    let digits = o.taylor_digits.min(o.digits);
    let mut taylor = Vec::with_capacity(ts.len());
    let stop = exactflow_simulate::taylor::trajectory(s, ts, digits, |_, row| {
        taylor.push(row.clone());
        Ok::<(), ()>(())
    });
    if let exactflow_simulate::error::Stop::Failed(e) = stop {
        return Line {
            name: "taylor-vs-closed-form".into(),
            passed: false,
            measured: format!(
                "the Taylor integration stopped after {} of {n} times",
                taylor.len()
            ),
            bound: format!("all {n} times (Taylor at {digits} digits)"),
            detail: e.to_string(),
        };
    }
    let closed = mp.eval_at_prec(ts, (digits as f64 * 3.33) as u32 + 64);
    let tol = 10f64.powi(-(digits as i32 - 6));
    let mut worst = (0f64, String::new());
    for ((tq, a), b) in ts.iter().zip(&taylor).zip(&closed) {
        let t = exactflow_core::number::q_to_f64_nearest(tq);
        // z and ntk relative; slope relative to |θ*| + |slope|; alignment absolute.
        let theta = b.slope.mid().to_f64() - b.residual.mid().to_f64();
        for (name, x, y, scale) in [
            ("z", &a.z, &b.z, b.z.mid().to_f64().abs()),
            ("ntk", &a.ntk, &b.ntk, b.ntk.mid().to_f64().abs()),
            (
                "slope",
                &a.slope,
                &b.slope,
                theta.abs() + b.slope.mid().to_f64().abs(),
            ),
            ("alignment", &a.alignment, &b.alignment, 1.0),
        ] {
            if x.is_nan() || y.is_nan() || scale == 0.0 {
                continue;
            }
            let d = Float::with_val(64, x - y.mid()).abs().to_f64() / scale;
            if d > worst.0 || d.is_nan() {
                worst = (d, format!("{name} at t = {t:e}"));
            }
        }
    }
    Line {
        name: "taylor-vs-closed-form".into(),
        passed: worst.0 <= tol,
        measured: format!("worst relative difference {} over {n} times", sci(worst.0)),
        bound: format!("<= {} (Taylor at {digits} digits)", sci(tol)),
        detail: worst.1,
    }
}

#[cfg(test)]
#[path = "tests/certify.rs"]
mod tests;
