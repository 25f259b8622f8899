//! Checks on scenarios: docs/model.md's claims pass; mutated claims fail.

use crate::field::Ring;
use crate::model::{q, Exact};
use crate::report::{check_scenario, check_with, CheckOptions, Claims};
use exactflow_core::scenario::{parse_toml, Scenario};
use exactflow_core::Q;

pub(crate) fn scenario(toml: &str) -> Scenario {
    parse_toml(toml, "test").unwrap().validate().unwrap()
}

pub(crate) use exactflow_core::presets::EXAMPLE_TOML as EXAMPLE;

fn report(toml: &str, opts: &CheckOptions) -> crate::Report {
    check_scenario(&scenario(toml), opts).unwrap()
}

#[test]
fn example_passes_every_check() {
    let r = report(EXAMPLE, &CheckOptions::default());
    assert!(r.passed(), "{:?}", r.failed());
    assert!(r.checks.len() >= 12);
    assert_eq!(r.limits.residual_inf.exact, "0");
    // ζ(∞) = −√(ζ²) with ζ² rational here (θ*²/(θ*² + k² gram)).
    assert!(
        r.limits.alignment_inf.exact.starts_with("-√("),
        "{}",
        r.limits.alignment_inf.exact
    );
    assert!(r
        .limits
        .z_plus
        .decimal
        .starts_with("1.0856784726418859061974595218377"));
}

/// Runs the checks with one claim mutated and asserts that `name` fails (and that it
/// passes with docs/model.md's claim).
fn rejects(toml: &str, name: &str, mutate: impl Fn(&mut Claims, &Exact)) {
    let s = scenario(toml);
    let x = Exact::new(&s).unwrap();
    let opts = CheckOptions {
        gd_steps: 2,
        ..CheckOptions::default()
    };
    let good = check_with(&x, &Claims::model(&x), &opts).unwrap();
    let c = good.checks.iter().find(|c| c.name == name).unwrap();
    assert!(
        c.passed,
        "{name} should pass with docs/model.md's claim: {}",
        c.detail
    );
    let mut claims = Claims::model(&x);
    mutate(&mut claims, &x);
    let bad = check_with(&x, &claims, &opts).unwrap();
    let c = bad.checks.iter().find(|c| c.name == name).unwrap();
    assert!(!c.passed, "{name} accepted a wrong claim: {}", c.detail);
    assert!(!bad.passed());
}

#[test]
fn conservation_rejects_swapped_learning_rates() {
    // u uᵀ/η_w − w wᵀ/η_u
    rejects(EXAMPLE, "conservation", |c, x| {
        c.conserved.uu = x.p.eta_w.recip();
        c.conserved.ww = -x.p.eta_u.recip();
    });
}

#[test]
fn conservation_rejects_a_plus_sign_and_a_cross_term() {
    rejects(EXAMPLE, "conservation", |c, x| {
        c.conserved.ww = x.p.eta_w.recip()
    });
    rejects(EXAMPLE, "conservation", |c, _| c.conserved.uw = q(1));
}

#[test]
fn directions_reject_wrong_rate_and_wrong_combination() {
    rejects(EXAMPLE, "directions", |c, _| c.line_s.rate = q(1));
    rejects(EXAMPLE, "directions", |c, _| c.line_d.rate = q(-1));
    rejects(EXAMPLE, "directions", |c, x| {
        // √(η_uη_w)/η_u instead of /η_w: the line of u/√η_w + w/√η_u, not kept.
        c.line_s.w_coef = x.k1.scale(&x.k1.sqrt_r(), &x.p.eta_u.recip());
    });
}

#[test]
fn gd_drift_rejects_wrong_coefficients() {
    rejects(EXAMPLE, "gd_drift", |c, x| {
        c.drift.ww = x.p.eta_w.clone();
        c.drift.uu = x.p.eta_u.clone();
    });
    rejects(EXAMPLE, "gd_drift", |c, _| c.drift.power = 1);
    rejects(EXAMPLE, "gd_drift", |c, _| {
        c.drift.ww = c.drift.ww.clone() * q(2)
    });
    rejects(EXAMPLE, "gd_drift", |c, _| c.trace_drift_sign = 1);
    rejects(EXAMPLE, "gd_drift", |c, x| {
        c.drift.q.uu = x.p.eta_w.recip();
        c.drift.q.ww = -x.p.eta_u.recip();
    });
}

#[test]
fn reduced_map_rejects_wrong_signs() {
    rejects(EXAMPLE, "gd_reduced_map", |c, _| c.reduced.p_sign = 1);
    rejects(EXAMPLE, "gd_reduced_map", |c, _| c.reduced.r_sign = -1);
    rejects(EXAMPLE, "gd_reduced_map", |c, _| c.reduced.m_sign = 1);
}

#[test]
fn fixed_points_reject_wrong_eigenvalues() {
    rejects(EXAMPLE, "fixed_point_origin", |c, _| c.saddle.factor = q(2));
    rejects(EXAMPLE, "fixed_point_minimum", |c, x| {
        // ntk with the learning rates swapped.
        c.minimum.ww = x.p.eta_w.clone();
        c.minimum.uu = x.p.eta_u.clone();
    });
}

#[test]
fn riccati_checks_reject_a_wrong_sign() {
    for name in [
        "riccati_symbolic",
        "riccati_scenario",
        "riccati_derivation",
        "degenerate_cases",
    ] {
        rejects(EXAMPLE, name, |c, _| c.riccati.quad = q(1));
    }
    for name in [
        "riccati_symbolic",
        "riccati_scenario",
        "riccati_derivation",
        "degenerate_cases",
    ] {
        rejects(EXAMPLE, name, |c, _| c.riccati.lin = q(-1));
    }
    for name in [
        "riccati_symbolic",
        "riccati_scenario",
        "riccati_derivation",
        "degenerate_cases",
    ] {
        rejects(EXAMPLE, name, |c, _| c.riccati.cst = q(2));
    }
}

#[test]
fn closed_form_checks_reject_the_other_root_and_a_growing_exponential() {
    for name in ["riccati_symbolic", "riccati_scenario", "degenerate_cases"] {
        rejects(EXAMPLE, name, |c, _| c.closed_form.decay_sign = 1);
    }
    for name in ["riccati_symbolic", "riccati_scenario"] {
        rejects(EXAMPLE, name, |c, _| c.closed_form.root_sign = -1);
    }
    rejects(EXAMPLE, "limits", |c, _| c.limit.root_sign = -1);
}

#[test]
fn observables_chain_rejects_wrong_formulas() {
    rejects(EXAMPLE, "observables_chain", |c, _| {
        c.chain.slope = q(1) / q(2)
    });
    rejects(EXAMPLE, "observables_chain", |c, _| c.chain.ntk = q(1));
    rejects(EXAMPLE, "observables_chain", |c, _| c.chain.norm_m = q(-2));
    rejects(EXAMPLE, "observables_chain", |c, _| c.chain.rate = 1);
}

const ORIGIN: &str = r#"
[model]
gamma = "2"
eta_u = "1/2"
eta_w = "3"
[data]
exx = "1"
exy = "0.5"
[init]
u0 = ["0", "0"]
w0 = ["0", "0"]
"#;

/// s₀ = 0: ũ₀ = −w̃₀ (η_u = η_w = 1, w₀ = −u₀): A = 0.
const A_ZERO: &str = r#"
[model]
gamma = "1"
[data]
exx = "1"
exy = "-1"
[init]
u0 = ["0.3", "-0.1"]
w0 = ["-0.3", "0.1"]
"#;

#[test]
fn degenerate_scenarios_pass_in_their_own_case() {
    use crate::limits::FlowCase;
    for (toml, case, z) in [
        (ORIGIN, FlowCase::Origin, "1"),
        (A_ZERO, FlowCase::LinearConverges, ""),
        // δ₀ = 0 (w₀ = u₀) and kθ* < 0: z₊ = 0, the saddle.
        (
            &A_ZERO.replace("w0 = [\"-0.3\", \"0.1\"]", "w0 = [\"0.3\", \"-0.1\"]"),
            FlowCase::SaddleZeroLimit,
            "0",
        ),
        (
            &A_ZERO.replace("exy = \"-1\"", "exy = \"1\""),
            FlowCase::LinearToSaddle,
            "∞",
        ),
        (
            &A_ZERO.replace("exy = \"-1\"", "exy = \"0\""),
            FlowCase::LinearToSaddle,
            "∞",
        ),
    ] {
        let r = report(toml, &CheckOptions::default());
        assert!(
            r.passed(),
            "{case:?}: {:?}",
            r.checks.iter().filter(|c| !c.passed).collect::<Vec<_>>()
        );
        assert_eq!(r.limits.case, case);
        if !z.is_empty() {
            assert_eq!(r.limits.z_plus.exact, z);
        }
    }
}

#[test]
fn a_zero_limit_is_minus_c_over_b() {
    // A = 0, B = 2akθ* = −2, C = a k² D/2 = D/2 with D = |δ₀|² = 4·0.1 = 0.4: z₊ = 0.1.
    let r = report(A_ZERO, &CheckOptions::default());
    assert_eq!(r.limits.z_plus.exact, "1/10");
    assert_eq!(r.limits.alignment_inf.exact, "-1");
    assert_eq!(r.limits.residual_inf.exact, "0");
}

#[test]
fn theta_zero_origin_is_a_degenerate_minimum() {
    let r = report(
        &ORIGIN.replace("exy = \"0.5\"", "exy = \"0\""),
        &CheckOptions::default(),
    );
    assert!(r.passed(), "{:?}", r.failed());
}

#[test]
fn points_are_classified() {
    use crate::fixed::PointKind;
    let s = scenario(EXAMPLE);
    // θ* = −2.5/1.1 = −25/11, γ = 9/10: u = (1, 0, 0), w = (θ*/γ, 0, 0) = (−250/99, 0, 0).
    let min = (
        vec![q(1), q(0), q(0)],
        vec![Q::new((-250).into(), 99.into()), q(0), q(0)],
    );
    let opts = CheckOptions {
        point: Some(min),
        ..CheckOptions::default()
    };
    let r = check_scenario(&s, &opts).unwrap();
    assert!(r.passed(), "{:?}", r.failed());
    assert!(matches!(r.point.unwrap().kind, PointKind::Minimum { .. }));
    let opts = CheckOptions {
        point: Some((vec![q(0); 2], vec![q(0); 2])),
        ..CheckOptions::default()
    };
    let r = check_scenario(&s, &opts).unwrap();
    assert!(r.passed());
    assert!(matches!(r.point.unwrap().kind, PointKind::Saddle { .. }));
    let opts = CheckOptions {
        point: Some((vec![q(1)], vec![q(1)])),
        ..CheckOptions::default()
    };
    let r = check_scenario(&s, &opts).unwrap();
    assert_eq!(r.failed(), vec!["fixed_point"]);
    match r.point.unwrap().kind {
        // e = γ·1 − θ* = 9/10 + 25/11 = 349/110
        PointKind::NotStationary { e, .. } => assert_eq!(e, Q::new(349.into(), 110.into())),
        k => panic!("{k:?}"),
    }
}

#[test]
fn gd_stability_at_a_minimum_is_decided_exactly() {
    use crate::fixed::{classify, MinimumClaim, PointKind, SaddleClaim};
    // γ = 1, a = 1, η = 1, θ* = 1: u = w = (1): ntk = 2, a·ntk = 2 — the boundary, unstable.
    let s = scenario("[data]\nexy = \"1\"\n[init]\nu0 = [\"1\"]\nw0 = [\"1\"]\n");
    let x = Exact::new(&s).unwrap();
    let mc = MinimumClaim::model(&x.p);
    let sc = SaddleClaim { factor: q(1) };
    let r = classify(&x, &[q(1)], &[q(1)], &mc, &sc);
    assert_eq!(
        r.kind,
        PointKind::Minimum {
            ntk: q(2),
            a_ntk: q(2),
            gd_stable: false
        }
    );
    // u = 2, w = 1/2: ntk = 1/4 + 4 = 17/4 → unstable; u = w = 1/2 with θ* = 1/4 → ntk = 1/2, stable.
    let s = scenario("[data]\nexy = \"0.25\"\n[init]\nu0 = [\"1\"]\nw0 = [\"1\"]\n");
    let x = Exact::new(&s).unwrap();
    let half = q(1) / q(2);
    let h = std::slice::from_ref(&half);
    let r = classify(&x, h, h, &mc, &sc);
    assert!(
        matches!(
            r.kind,
            PointKind::Minimum {
                gd_stable: true,
                ..
            }
        ),
        "{r:?}"
    );
    assert!(r.verified);
}

#[test]
fn non_square_and_square_learning_rate_products() {
    // η_u η_w = 2 (not a square) and = 4 (a square: K₁ is ℚ itself).
    for (eu, ew) in [("1", "2"), ("1", "4"), ("2", "8")] {
        let t = EXAMPLE
            .replace("eta_u = \"0.7\"", &format!("eta_u = \"{eu}\""))
            .replace("eta_w = \"13/10\"", &format!("eta_w = \"{ew}\""));
        let r = report(&t, &CheckOptions::default());
        assert!(r.passed(), "{eu} {ew}: {:?}", r.failed());
    }
}

#[test]
fn gd_heights_obey_the_threefold_bound() {
    let s = scenario(EXAMPLE);
    let x = Exact::new(&s).unwrap();
    let run = crate::gd::run(&x.p, &x.u0, &x.w0, 6);
    assert!(run.within_bound(), "{:?} C = {}", run.heights, run.growth_c);
    for (n, h) in run.heights.iter().enumerate() {
        assert!(
            *h <= run.a_priori(n as u32),
            "step {n}: {h} > {}",
            run.a_priori(n as u32)
        );
    }
    // Roughly threefold growth.
    let h = &run.heights;
    assert!(h[6] > 2 * h[5] && h[6] <= 3 * h[5] + run.growth_c);
}

#[test]
fn bad_options_are_typed_errors() {
    let s = scenario(EXAMPLE);
    let opts = CheckOptions {
        gd_steps: 99,
        ..CheckOptions::default()
    };
    assert!(matches!(
        check_scenario(&s, &opts),
        Err(crate::CheckError::TooManyGdSteps(99))
    ));
    let opts = CheckOptions {
        point: Some((vec![q(1)], vec![])),
        ..CheckOptions::default()
    };
    assert!(matches!(
        check_scenario(&s, &opts),
        Err(crate::CheckError::PointLengths(1, 0))
    ));
}

#[test]
fn width_100_rational_scenario_checks_quickly() {
    let u: Vec<String> = (0..100)
        .map(|i| format!("\"{}/{}\"", (i * 37 % 19) as i64 - 9, 10 + i % 7))
        .collect();
    let w: Vec<String> = (0..100)
        .map(|i| format!("\"{}/{}\"", (i * 11 % 23) as i64 - 11, 13 + i % 5))
        .collect();
    let t = format!(
        "[model]\ngamma = \"0.01\"\neta_u = \"0.7\"\neta_w = \"1.3\"\n[data]\nexx = \"1.1\"\nexy = \"2.5\"\n[init]\nu0 = [{}]\nw0 = [{}]\n",
        u.join(","),
        w.join(",")
    );
    let s = scenario(&t);
    let start = std::time::Instant::now();
    let r = check_scenario(&s, &CheckOptions::default()).unwrap();
    let el = start.elapsed();
    assert!(r.passed(), "{:?}", r.failed());
    eprintln!("width-100 check: {el:?}");
}
