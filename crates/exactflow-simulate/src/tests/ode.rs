//! Unit tests of `ode.rs`: the DOP853 tableau's consistency, the orders of RK4 (4) and
//! DOP853 (8) measured on the flow, and both integrators against the closed form.

use super::*;
use crate::tableau::{dop853_nodes, DOP_B, DOP_E3, DOP_E5};
use exactflow_core::number::parse_exact;
use exactflow_core::presets::preset;
use exactflow_core::scenario::{InitKind, InitSpec, ScenarioSpec};
use exactflow_core::Scenario;
use exactflow_fast::FastSolution;

#[test]
#[allow(clippy::excessive_precision)]
fn dop853_tableau_is_consistent() {
    // Published nodes (Hairer's dop853: c2 … c12).
    let c = [
        0.0,
        0.526001519587677318785587544488e-01,
        0.789002279381515978178381316732e-01,
        0.118350341907227396726757197510,
        0.281649658092772603273242802490,
        0.333333333333333333333333333333,
        0.25,
        0.307692307692307692307692307692,
        0.651282051282051282051282051282,
        0.6,
        0.857142857142857142857142857142,
        1.0,
    ];
    let nodes = dop853_nodes();
    for i in 0..12 {
        assert!(
            (nodes[i] - c[i]).abs() < 1e-14,
            "row {i}: {} vs {}",
            nodes[i],
            c[i]
        );
    }
    let sb: f64 = DOP_B.iter().sum();
    assert!((sb - 1.0).abs() < 1e-14);
    // Order conditions Σ b c^{q−1} = 1/q for q ≤ 8 (bushy trees).
    for q in 1..=8 {
        let s: f64 = (0..12).map(|i| DOP_B[i] * c[i].powi(q - 1)).sum();
        assert!((s - 1.0 / q as f64).abs() < 1e-13, "q = {q}: {s}");
    }
    assert!(DOP_E5.iter().sum::<f64>().abs() < 1e-14);
    assert!(DOP_E3.iter().sum::<f64>().abs() < 1e-14);
}

fn scenario() -> Scenario {
    let q = |s: &str| parse_exact(s).unwrap();
    ScenarioSpec {
        name: None,
        gamma: Some(q("0.9")),
        eta_u: Some(q("0.7")),
        eta_w: Some(q("13/10")),
        exx: Some(q("1.1")),
        exy: Some(q("-2.5")),
        eyy: None,
        init: InitSpec {
            kind: Some(InitKind::Explicit),
            u0: Some(["0.1", "-0.2", "0.3"].iter().map(|s| q(s)).collect()),
            w0: Some(["0.5", "0.1", "-0.7"].iter().map(|s| q(s)).collect()),
            ..InitSpec::default()
        },
    }
    .validate()
    .unwrap()
}

/// Largest relative error of z, e, |u|, |w| at `T_ORDER` after `n` fixed steps.
fn fixed_step_error(n: usize, dop: bool) -> f64 {
    let s = scenario();
    let f = Field::of(&s);
    let mut y = Field::initial_state(&s);
    let mut ws = Work::new(y.len());
    let h = T_ORDER / n as f64;
    for _ in 0..n {
        if dop {
            dop853_step(&f, &y, h, 1e-12, &mut ws);
            y.copy_from_slice(&ws.y_new);
        } else {
            rk4_step(&f, &mut y, h, &mut ws);
        }
    }
    let exact = FastSolution::new(&s).eval(T_ORDER);
    let got = f.observables(&y);
    [
        (got.z, exact.z),
        (got.residual, exact.residual),
        (got.norm_u, exact.norm_u),
        (got.norm_w, exact.norm_w),
    ]
    .iter()
    .map(|(a, b)| ((a - b) / b).abs())
    .fold(0.0, f64::max)
}

/// The order tests integrate over [0, T_ORDER].
const T_ORDER: f64 = 2.0;

#[test]
fn rk4_is_fourth_order() {
    let (e1, e2) = (fixed_step_error(64, false), fixed_step_error(128, false));
    let order = (e1 / e2).log2();
    assert!(
        (order - 4.0).abs() < 0.3,
        "measured order {order} ({e1:e}, {e2:e})"
    );
}

#[test]
fn dop853_is_eighth_order() {
    let (e1, e2) = (fixed_step_error(16, true), fixed_step_error(32, true));
    let order = (e1 / e2).log2();
    assert!(
        (order - 8.0).abs() < 0.5,
        "measured order {order} ({e1:e}, {e2:e})"
    );
}

#[test]
fn integrators_agree_with_the_closed_form() {
    for s in [scenario(), preset("alignment").unwrap().validate().unwrap()] {
        let sol = FastSolution::new(&s);
        let h = sol.horizon();
        let times: Vec<f64> = (0..=8).map(|j| h * j as f64 / 16.0).collect();
        for (method, tol) in [
            (Flow::Dop853 { rtol: 1e-12 }, 1e-9),
            (Flow::Rk4 { h_rel: 0.01 }, 1e-6),
        ] {
            let mut rows = Vec::new();
            let (_, stop) = integrate(
                &Field::of(&s),
                Field::initial_state(&s),
                &times,
                method,
                1_000_000,
                |_, o| {
                    rows.push(o.clone());
                    Ok::<(), ()>(())
                },
            );
            assert!(matches!(stop, Stop::Done), "{stop:?}");
            for (t, o) in times.iter().zip(&rows) {
                let f = sol.eval(*t);
                for (a, b, what) in [
                    (o.residual, f.residual, "residual"),
                    (o.z, f.z, "z"),
                    (o.ntk, f.ntk, "ntk"),
                    (o.norm_u, f.norm_u, "norm_u"),
                ] {
                    let r = (a - b).abs() / b.abs();
                    assert!(r < tol, "{method:?} t = {t}: {what} {a} vs {b} (rel {r:e})");
                }
            }
        }
    }
}
