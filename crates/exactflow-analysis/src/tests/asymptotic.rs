//! Unit tests of `asymptotic.rs`: the exact classification, and exact finite-width
//! solutions converging to it — measured log–log slopes against the predicted exponents.

use super::*;
use crate::mechanism::{analyse_exact, Reduced, ZLimit};
use exactflow_core::number::parse_exact;
use exactflow_core::scenario::{InitKind, InitSpec, ScenarioSpec, Tie};

fn q(s: &str) -> Q {
    parse_exact(s).unwrap()
}

fn ex(au: &str, aw: &str, cu: &str, cw: &str, b: &str) -> Exponents {
    Exponents {
        alpha_u: q(au),
        alpha_w: q(aw),
        c_u: q(cu),
        c_w: q(cw),
        beta: q(b),
    }
}

#[test]
fn classification_of_named_points() {
    let p = predict(&ex("0", "0", "0", "0", "1/2"), 1);
    assert_eq!((p.phase, p.label), (Phase::Kernel, Some(Label::Kernel)));
    assert_eq!(p.rho, q("-1/2"));
    assert_eq!(p.output0, q("0"));
    let p = predict(&ex("0", "0", "0", "0", "1"), 1);
    assert_eq!(
        (p.phase, p.label),
        (Phase::Critical, Some(Label::Alignment))
    );
    let p = predict(&ex("0", "0", "0", "0", "1"), -1);
    assert_eq!(p.label, Some(Label::Disalignment));
    let p = predict(&ex("2", "2", "0", "0", "1"), 1);
    assert_eq!((p.phase, p.rho.clone()), (Phase::Strong, q("2")));
    assert_eq!(p.omega, q("-1"));
    assert_eq!(p.ntk0, q("-3"));
    let p = predict(&ex("0", "0", "0", "0", "0"), 1);
    assert_eq!((p.phase, p.label), (Phase::Divergent, None));
    let p = predict(&ex("0", "2", "0", "0", "1"), 1);
    assert_eq!(
        (p.phase, p.label),
        (Phase::Critical, Some(Label::RescalingU))
    );
    // η_w = d divides |w̃|² by d (u dominates in normalized units) but raises k to
    // d^{-1/2}: the needed change d^{1/2} is then small against S ~ d.
    let p = predict(&ex("0", "0", "0", "1", "1"), 1);
    assert_eq!((p.x_u.clone(), p.x_w.clone()), (q("1"), q("0")));
    assert_eq!(p.kappa, q("-1/2"));
    assert_eq!(p.label, Some(Label::Kernel));
    // ... and with γ = d^{-3/2} it is critical: rescaling of u.
    let p = predict(&ex("0", "0", "0", "1", "3/2"), 1);
    assert_eq!(
        (p.phase, p.label),
        (Phase::Critical, Some(Label::RescalingU))
    );
}

#[test]
fn exact_powers() {
    assert_eq!(exact_pow2(&q("3")), Some(q("8")));
    assert_eq!(exact_pow2(&q("-2")), Some(q("1/4")));
    assert_eq!(exact_pow2(&q("1/2")), None);
}

fn scenario(e: &Exponents, n: u32, seed: u64, exy: &str) -> exactflow_core::Scenario {
    let (su, sw, eu, ew, g) = values_at(e, n).expect("exact powers");
    ScenarioSpec {
        name: None,
        gamma: Some(g),
        eta_u: Some(eu),
        eta_w: Some(ew),
        exx: Some(q("1")),
        exy: Some(q(exy)),
        eyy: None,
        init: InitSpec {
            kind: Some(InitKind::Gaussian),
            width: Some(1u64 << n),
            sigma_u: Some(su),
            sigma_w: Some(sw),
            seed: Some(seed),
            tie: Some(Tie::None),
            ..InitSpec::default()
        },
    }
    .validate()
    .unwrap()
}

/// `(max(z∞, 1/z∞) − 1)·|θ*/e₀|`, `ntk(0)`, `ω` of the exact solution at width `2^n`.
/// The first is normalized by the initial residual: the diagram assumes `e₀` of order
/// one, which it is, but when the initial output is itself of order one (the kernel point
/// below) `e₀` is a fresh random number at each width, and its ratio would swamp the slope.
fn measure(e: &Exponents, n: u32) -> [f64; 3] {
    let s = scenario(e, n, 11, "1");
    let red = s.reduction();
    let m = analyse_exact(&red);
    let g = match Reduced::from_exact(&red).z_limit() {
        ZLimit::Finite { z, y } => {
            if z >= 1.0 {
                y
            } else {
                -y / z
            }
        }
        other => panic!("{other:?}"),
    };
    let theta = exactflow_core::number::q_to_f64_nearest(&red.theta);
    let e0 = exactflow_core::number::q_to_f64_nearest(&red.e0);
    [
        g * (theta / e0).abs(),
        m.quantities.ntk0,
        1.0 / m.quantities.time_scale,
    ]
}

fn slopes_converge(e: &Exponents, label: Label) {
    let p = predict(e, 1);
    assert_eq!(p.label, Some(label));
    let predicted = [&p.rho, &p.ntk0, &p.omega].map(exactflow_core::number::q_to_f64_nearest);
    let ns: Vec<u32> = (3..=8).map(|j| 2 * j).collect(); // d = 64 … 65536
    let ms: Vec<[f64; 3]> = ns.iter().map(|&n| measure(e, n)).collect();
    for (qi, want) in predicted.iter().enumerate() {
        let slope = |a: usize, b: usize| {
            (ms[b][qi].ln() - ms[a][qi].ln()) / ((ns[b] - ns[a]) as f64 * std::f64::consts::LN_2)
        };
        let last = slope(ns.len() - 2, ns.len() - 1);
        let first = slope(0, 1);
        let whole = slope(0, ns.len() - 1);
        assert!(
            (last - want).abs() < 0.05 && (whole - want).abs() < 0.1,
            "quantity {qi}: predicted {want}, measured slopes first {first}, last {last}, overall {whole}"
        );
        // And the exact solution's label at the largest width is the predicted one.
    }
    let s = scenario(e, *ns.last().unwrap(), 11, "1");
    assert_eq!(analyse_exact(&s.reduction()).label, label);
}

#[test]
fn kernel_phase_slopes_converge() {
    slopes_converge(&ex("0", "0", "0", "0", "1/2"), Label::Kernel);
}

#[test]
fn strong_alignment_slopes_converge() {
    slopes_converge(&ex("2", "2", "0", "0", "1"), Label::Alignment);
}

#[test]
fn critical_rescaling_slopes_converge() {
    slopes_converge(&ex("0", "2", "0", "0", "1"), Label::RescalingU);
}

#[test]
fn critical_balanced_slopes_converge() {
    slopes_converge(&ex("0", "0", "0", "0", "1"), Label::Alignment);
}
