//! Unit tests of `mechanism.rs`: the limits against the closed form at late times and
//! against vectors built from docs/model.md §3, the labels of the acceptance scenarios
//! (several seeds) and of the presets, and the degenerate cases.

use super::*;
use exactflow_core::number::{parse_exact, q_to_f64_nearest};
use exactflow_core::presets::{preset, PRESETS};
use exactflow_core::scenario::{InitKind, InitSpec, ScenarioSpec, Tie};
use exactflow_core::Scenario;
use exactflow_fast::FastSolution;

fn q(s: &str) -> exactflow_core::Q {
    parse_exact(s).unwrap()
}

fn gaussian(width: u64, su: &str, sw: &str, gamma: &str, exy: &str, seed: u64) -> Scenario {
    ScenarioSpec {
        name: None,
        gamma: Some(q(gamma)),
        eta_u: Some(q("1")),
        eta_w: Some(q("1")),
        exx: Some(q("1")),
        exy: Some(q(exy)),
        eyy: None,
        init: InitSpec {
            kind: Some(InitKind::Gaussian),
            width: Some(width),
            sigma_u: Some(q(su)),
            sigma_w: Some(q(sw)),
            seed: Some(seed),
            tie: Some(Tie::None),
            ..InitSpec::default()
        },
    }
    .validate()
    .unwrap()
}

fn explicit(
    gamma: &str,
    eta_u: &str,
    eta_w: &str,
    exx: &str,
    exy: &str,
    u0: &[&str],
    w0: &[&str],
) -> Scenario {
    ScenarioSpec {
        name: None,
        gamma: Some(q(gamma)),
        eta_u: Some(q(eta_u)),
        eta_w: Some(q(eta_w)),
        exx: Some(q(exx)),
        exy: Some(q(exy)),
        eyy: None,
        init: InitSpec {
            kind: Some(InitKind::Explicit),
            u0: Some(u0.iter().map(|s| q(s)).collect()),
            w0: Some(w0.iter().map(|s| q(s)).collect()),
            ..InitSpec::default()
        },
    }
    .validate()
    .unwrap()
}

fn label_of(s: &Scenario) -> Label {
    analyse_exact(&s.reduction()).label
}

// --- the acceptance scenarios: width 2000, η_u = η_w = 1, E[x²] = 1 -------------

const SEEDS: [u64; 4] = [0, 1, 7, 2025];

#[test]
fn acceptance_kernel_sigma_one_gamma_inverse_sqrt_width() {
    // γ = 1/√2000 is irrational; the exact γ is its nearest f64, read exactly.
    let gamma = format!("{:e}", 1.0 / 2000f64.sqrt());
    for seed in SEEDS {
        for exy in ["1", "-1"] {
            let s = gaussian(2000, "1", "1", &gamma, exy, seed);
            let m = analyse_exact(&s.reduction());
            assert_eq!(
                m.label,
                Label::Kernel,
                "seed {seed} exy {exy}: {:?}",
                m.quantities
            );
        }
    }
}

#[test]
fn acceptance_alignment_and_disalignment_small_init_gamma_inverse_width() {
    for seed in SEEDS {
        let s = gaussian(2000, "1e-3", "1e-3", "1/2000", "1", seed);
        let m = analyse_exact(&s.reduction());
        assert_eq!(m.label, Label::Alignment, "seed {seed}: {:?}", m.quantities);
        assert!(m.quantities.alignment_inf > 0.99, "{:?}", m.quantities);
        let s = gaussian(2000, "1e-3", "1e-3", "1/2000", "-1", seed);
        let m = analyse_exact(&s.reduction());
        assert_eq!(
            m.label,
            Label::Disalignment,
            "seed {seed}: {:?}",
            m.quantities
        );
        assert!(m.quantities.alignment_inf < -0.99, "{:?}", m.quantities);
    }
}

#[test]
fn acceptance_rescaling_one_layer_dominates() {
    for seed in SEEDS {
        for exy in ["1", "-1"] {
            let s = gaussian(2000, "1", "1e-4", "1/2000", exy, seed);
            let m = analyse_exact(&s.reduction());
            assert_eq!(
                m.label,
                Label::RescalingU,
                "seed {seed}: {:?}",
                m.quantities
            );
            assert!(m.quantities.rotation_u < 1e-3 && m.quantities.rotation_w > 0.5);
            let s = gaussian(2000, "1e-4", "1", "1/2000", exy, seed);
            let m = analyse_exact(&s.reduction());
            assert_eq!(
                m.label,
                Label::RescalingW,
                "seed {seed}: {:?}",
                m.quantities
            );
        }
    }
}

#[test]
fn presets_get_their_own_label() {
    let expected = |name: &str| match name {
        "alignment" => Label::Alignment,
        "disalignment" => Label::Disalignment,
        "rescaling" => Label::RescalingU,
        "kernel" => Label::Kernel,
        "saddle" => Label::Saddle,
        _ => unreachable!(),
    };
    for name in PRESETS {
        let s = preset(name).unwrap().validate().unwrap();
        assert_eq!(label_of(&s), expected(name), "{name}");
    }
}

// --- the quantities against independent computations ------------------------------------

/// ũ(t), w̃(t) as vectors from s₀, δ₀ (docs/model.md §3), at the closed form's z.
fn vectors_at(s: &Scenario, z: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let (u0, w0) = s.initial_weights();
    let (eu, ew) = (
        q_to_f64_nearest(&s.eta_u).sqrt(),
        q_to_f64_nearest(&s.eta_w).sqrt(),
    );
    let ut: Vec<f64> = u0.iter().map(|x| q_to_f64_nearest(x) / eu).collect();
    let wt: Vec<f64> = w0.iter().map(|x| q_to_f64_nearest(x) / ew).collect();
    let rz = z.sqrt();
    let uinf = ut
        .iter()
        .zip(&wt)
        .map(|(a, b)| ((a + b) * rz + (a - b) / rz) / 2.0)
        .collect();
    let winf = ut
        .iter()
        .zip(&wt)
        .map(|(a, b)| ((a + b) * rz - (a - b) / rz) / 2.0)
        .collect();
    (ut, wt, uinf, winf)
}

fn angle(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    (dot / (na * nb)).clamp(-1.0, 1.0).acos()
}

fn norm(a: &[f64]) -> f64 {
    a.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn check_against_closed_form(s: &Scenario) {
    let red = s.reduction();
    let m = analyse_exact(&red);
    let qn = m.quantities;
    let sol = FastSolution::from_reduction(&red);
    let late = sol.eval(50.0 * sol.horizon());
    let o0 = sol.eval(0.0);
    let rel = |a: f64, b: f64| (a - b).abs() / b.abs().max(1e-300);
    assert!(
        rel(qn.z_inf, late.z) < 1e-10,
        "z {} vs {}",
        qn.z_inf,
        late.z
    );
    assert!(
        rel(qn.ntk_inf, late.ntk) < 1e-10,
        "ntk {} vs {}",
        qn.ntk_inf,
        late.ntk
    );
    assert!(rel(qn.ntk0, o0.ntk) < 1e-13);
    assert!((qn.ntk_change - (late.ntk / o0.ntk - 1.0)).abs() < 1e-9 * (1.0 + qn.ntk_change.abs()));
    assert!((qn.alignment_inf - late.alignment).abs() < 1e-10);
    assert!((qn.alignment0 - o0.alignment).abs() < 1e-13);
    assert!(rel(qn.norm_ratio_u, late.norm_u / o0.norm_u) < 1e-10);
    assert!(rel(qn.norm_ratio_w, late.norm_w / o0.norm_w) < 1e-10);
    assert!(rel(qn.time_scale, 1.0 / sol.omega()) < 1e-14);
    let (ut, wt, ui, wi) = vectors_at(s, qn.z_inf);
    assert!(
        (qn.rotation_u - angle(&ut, &ui)).abs() < 1e-6,
        "{} {}",
        qn.rotation_u,
        angle(&ut, &ui)
    );
    assert!((qn.rotation_w - angle(&wt, &wi)).abs() < 1e-6);
    assert!(rel(qn.norm_ratio_u, norm(&ui) / norm(&ut)) < 1e-10);
    assert!(rel(qn.norm_ratio_w, norm(&wi) / norm(&wt)) < 1e-10);
}

#[test]
fn limits_agree_with_the_closed_form_and_the_vectors() {
    check_against_closed_form(&explicit(
        "0.9",
        "0.7",
        "13/10",
        "1.1",
        "-2.5",
        &["0.1", "-0.2", "0.3"],
        &["0.5", "0.1", "-0.7"],
    ));
    check_against_closed_form(&explicit(
        "-1.3",
        "2",
        "1/3",
        "0.5",
        "0.8",
        &["1", "0.2", "-0.3", "0.05"],
        &["-0.4", "0.9", "0.7", "0.2"],
    ));
    for name in ["alignment", "disalignment", "rescaling", "kernel"] {
        check_against_closed_form(&preset(name).unwrap().validate().unwrap());
    }
    for seed in [3, 4] {
        check_against_closed_form(&gaussian(50, "0.3", "0.5", "0.2", "1.5", seed));
    }
}

#[test]
fn kernel_changes_are_accurate_when_tiny() {
    // A large initialization with u₀ ⟂ w₀ and a tiny needed change: z₊ − 1 ≈ 1e-16. The
    // f64 value keeps its relative accuracy: compared with z₊ − 1 = (B + ω)/(2A) − 1
    // evaluated naively at 2000 bits from the exact reduction.
    let s = explicit("1", "1", "1", "1", "1e-10", &["1000", "0"], &["0", "1000"]);
    let red = s.reduction();
    let m = analyse_exact(&red);
    assert_eq!(m.label, Label::Kernel);
    let y = match Reduced::from_exact(&red).z_limit() {
        ZLimit::Finite { y, .. } => y,
        other => panic!("{other:?}"),
    };
    let p = 2000;
    let f = |x: &exactflow_core::Q| {
        rug::Float::with_val(
            p,
            rug::Rational::from_str_radix(&x.to_string(), 10).unwrap(),
        )
    };
    let k = f(&red.k2).sqrt();
    let xt = f(&red.xt2).sqrt() * exactflow_core::reduction::sign(&red.x);
    let big_s = f(&red.p) + xt.clone() * 2u32;
    let big_d = f(&red.p) - xt * 2u32;
    let a = f(&red.a);
    let ca = a.clone() * k.clone() * k.clone() * big_s / 2u32;
    let cc = a.clone() * k.clone() * k.clone() * big_d / 2u32;
    let cb = a * k * f(&red.theta) * 2u32;
    let omega = (cb.clone() * cb.clone() + ca.clone() * cc * 4u32).sqrt();
    let reference = ((cb + omega) / (ca * 2u32) - 1u32).to_f64();
    assert!(reference.abs() < 1e-15 && reference != 0.0, "{reference}");
    assert!(
        (y - reference).abs() < 1e-13 * reference.abs(),
        "{y} vs {reference}"
    );
    assert!(m.quantities.rotation_u > 0.0 && m.quantities.rotation_u < 1e-15);
    assert!(m.quantities.ntk_change.abs() < 1e-15);
}

// --- degenerate cases -----------------------------------------------------------------

#[test]
fn origin_is_a_saddle_unless_the_target_is_zero() {
    let s = explicit("1", "1", "1", "1", "1", &["0", "0"], &["0", "0"]);
    let m = analyse_exact(&s.reduction());
    assert_eq!(m.label, Label::Saddle);
    assert_eq!(m.quantities.residual_inf, -1.0);
    let s = explicit("1", "1", "1", "1", "0", &["0", "0"], &["0", "0"]);
    assert_eq!(label_of(&s), Label::Kernel);
}

#[test]
fn tied_layers_fall_into_the_saddle_or_rescale_along_s() {
    // δ₀ = 0 (w₀ = u₀, η equal) with kθ* < 0: z → 0, the saddle.
    let s = explicit("1", "1", "1", "1", "-1", &["0.3", "0.1"], &["0.3", "0.1"]);
    let m = analyse_exact(&s.reduction());
    assert_eq!(m.label, Label::Saddle);
    assert_eq!(m.quantities.z_inf, 0.0);
    assert_eq!(m.quantities.ntk_change, -1.0);
    // kθ* > 0: z → B/A, both layers keep their direction; z grows: alignment (ζ stays 1).
    let s = explicit("1", "1", "1", "1", "1", &["0.3", "0.1"], &["0.3", "0.1"]);
    let m = analyse_exact(&s.reduction());
    assert_eq!(m.label, Label::Alignment);
    let r = Reduced::from_exact(&s.reduction());
    let b = 2.0 * r.a * r.k * r.theta;
    let a = 0.5 * r.a * r.k * r.k * r.s;
    assert!((m.quantities.z_inf - b / a).abs() < 1e-14 * (b / a));
    assert_eq!(m.quantities.rotation_u, 0.0);
    // s₀ = 0 (w₀ = −u₀) with kθ* > 0: z → ∞, the saddle.
    let s = explicit("1", "1", "1", "1", "1", &["0.3", "0.1"], &["-0.3", "-0.1"]);
    let m = analyse_exact(&s.reduction());
    assert_eq!(m.label, Label::Saddle);
    assert!(m.quantities.z_inf.is_infinite());
}

#[test]
fn a_layer_starting_at_zero_has_no_rotation_and_rescaling_goes_to_the_other() {
    let s = explicit("1/10", "1", "1", "1", "1", &["3", "4"], &["0", "0"]);
    let m = analyse_exact(&s.reduction());
    assert!(m.quantities.rotation_w.is_nan());
    assert!(m.quantities.norm_ratio_w.is_nan());
    assert_eq!(m.label, Label::RescalingU, "{:?}", m.quantities);
}

#[test]
fn f64_moments_give_the_exact_path_labels() {
    for name in PRESETS {
        let s = preset(name).unwrap().validate().unwrap();
        let (uu, ww, uw) = s.initial_sums();
        let red = s.reduction();
        let mo = Moments {
            gamma: q_to_f64_nearest(&s.gamma),
            eta_u: q_to_f64_nearest(&s.eta_u),
            eta_w: q_to_f64_nearest(&s.eta_w),
            exx: q_to_f64_nearest(&s.exx),
            exy: q_to_f64_nearest(&s.exy),
            uu: q_to_f64_nearest(&uu),
            ww: q_to_f64_nearest(&ww),
            uw: q_to_f64_nearest(&uw),
            gram: q_to_f64_nearest(&(&red.gram * &red.eta_prod)),
        };
        let fast = analyse(&Reduced::from_moments(&mo), &THRESHOLDS);
        let exact = analyse_exact(&red);
        assert_eq!(fast.label, exact.label, "{name}");
        let (a, b) = (fast.quantities, exact.quantities);
        if b.z_inf.is_finite() && b.z_inf > 0.0 {
            assert!(
                (a.z_inf - b.z_inf).abs() <= 1e-9 * b.z_inf,
                "{name}: {} {}",
                a.z_inf,
                b.z_inf
            );
            assert!((a.ntk_change - b.ntk_change).abs() <= 1e-9 * (1.0 + b.ntk_change.abs()));
        }
    }
}
