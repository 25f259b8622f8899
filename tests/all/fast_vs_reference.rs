//! The f64 fast path against independent references:
//! (a) docs/model.md's literal formulas in MPFR at 4096 bits (tests/support),
//! (b) an RK4 integration of the raw 2d-dimensional flow,
//! (c) the invariants of docs/model.md §6 along trajectories,
//! plus the hard corners of the issue, each named after the problem it pins.

use exactflow_core::number::q_to_f64_nearest;
use exactflow_core::{ExactReduction, Scenario};
use exactflow_fast::{FastSolution, OMEGA_T_TOL, REL_TOL};
use exactflow_tests::{
    abs_err, reference, rel_err, rk4, scenario_from_f64, weights_f64, FlowParams,
};
use proptest::prelude::*;

const PREC: u32 = 4096;
/// Below this magnitude a reference value is not comparable relatively in f64.
const TINY: f64 = 1e-290;

/// `e > allow`, counting NaN as exceeding.
fn exceeds(e: f64, allow: f64) -> bool {
    e.is_nan() || e > allow
}

/// Checks every column of the fast path at `t` against the MPFR reference, with the
/// error model documented in exactflow-fast: relative for z, residual, loss, ntk;
/// slope relative to the error bound of its better form; norms relative to the larger
/// norm in normalized units; alignment absolute.
fn check_at(sol: &FastSolution, red: &ExactReduction, t: f64) -> Result<(), String> {
    let got = sol.eval(t);
    let r = reference(red, t, PREC);
    let omega = sol.omega();
    let tol = REL_TOL + omega * t * OMEGA_T_TOL;
    let mut fails = Vec::new();
    let mut rel = |name: &str, x: f64, rv: &rug::Float| {
        let mag = rv.clone().abs();
        if !(TINY..=f64::MAX).contains(&mag) {
            return; // not representable as a normal f64
        }
        let e = rel_err(x, rv);
        if exceeds(e, tol) {
            fails.push(format!(
                "{name}: got {x:e}, want {rv:.20e}, rel err {e:e} > {tol:e}"
            ));
        }
    };
    rel("z", got.z, &r.z);
    rel("residual", got.residual, &r.residual);
    rel("loss", got.loss, &r.loss);
    rel("ntk", got.ntk, &r.ntk);
    // slope: relative to min(|θ*| + |e|, |slope₀| + |slope − slope₀|) + |slope|.
    let theta = q_to_f64_nearest(&red.theta);
    let slope0 = q_to_f64_nearest(&red.slope0);
    let sref = r.slope.to_f64();
    let eref = r.residual.to_f64();
    let scale = sref.abs() + (theta.abs() + eref.abs()).min(slope0.abs() + (sref - slope0).abs());
    let e = abs_err(got.slope, &r.slope);
    if exceeds(e, tol * scale) && scale > TINY {
        fails.push(format!(
            "slope: got {:e}, want {:.20e}, abs err {e:e} > {:e}",
            got.slope,
            r.slope,
            tol * scale
        ));
    }
    // norms: relative to the larger normalized norm, in each layer's units.
    let (nu, nw) = (r.norm_u.to_f64(), r.norm_w.to_f64());
    let (eu, ew) = (q_to_f64_nearest(&red.eta_u), q_to_f64_nearest(&red.eta_w));
    let (tu, tw) = (nu / eu.sqrt(), nw / ew.sqrt()); // |ũ|, |w̃|
    let big = tu.max(tw);
    for (name, x, rv, sq) in [
        ("norm_u", got.norm_u, &r.norm_u, eu.sqrt()),
        ("norm_w", got.norm_w, &r.norm_w, ew.sqrt()),
    ] {
        let e = abs_err(x, rv);
        if exceeds(e, tol * big * sq) && big > TINY {
            fails.push(format!(
                "{name}: got {x:e}, want {rv:.20e}, abs err {e:e} > {:e}",
                tol * big * sq
            ));
        }
    }
    // alignment: absolute; the direction of the smaller vector is known to ~u·big/small.
    let small = tu.min(tw);
    if small > TINY && !r.alignment.is_nan() {
        let allow =
            tol * (4.0 * big / small + scale / (small * big * q_to_f64_nearest(&red.k2).sqrt()));
        let e = abs_err(got.alignment, &r.alignment);
        if exceeds(e, allow) {
            fails.push(format!(
                "alignment: got {:e}, want {:.20e}, abs err {e:e} > {allow:e}",
                got.alignment, r.alignment
            ));
        }
    }
    if fails.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "t = {t:e} (ωt = {:e}):\n  {}",
            omega * t,
            fails.join("\n  ")
        ))
    }
}

/// Times from 0 to deep into the tail (residual ~ e^{-720}), in units of 1/ω, plus the
/// escape from a small initialization (which takes ~ln(z₊)/ω).
fn times(sol: &FastSolution) -> Vec<f64> {
    let om = sol.omega();
    if om == 0.0 {
        return vec![0.0, 1e-9, 0.1, 1.0, 10.0, 1e3, 1e6];
    }
    let units = [
        0.0, 1e-14, 1e-9, 1e-5, 1e-2, 0.3, 0.69, 0.7, 1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0, 150.0,
        300.0, 460.0, 600.0, 650.0, 700.0, 720.0,
    ];
    units.iter().map(|x| x / om).collect()
}

fn check_scenario(s: &Scenario) -> Result<(), String> {
    let red = s.reduction();
    let sol = FastSolution::from_reduction(&red);
    let mut errs = Vec::new();
    for t in times(&sol) {
        if let Err(e) = check_at(&sol, &red, t) {
            errs.push(e);
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{}", s.canonical_toml(), errs.join("\n")))
    }
}

fn f(gamma: f64, eta_u: f64, eta_w: f64, exx: f64, exy: f64, u0: &[f64], w0: &[f64]) -> Scenario {
    scenario_from_f64(gamma, eta_u, eta_w, exx, exy, u0, w0)
}

#[test]
fn late_training_residual_1e_minus_200_keeps_relative_accuracy() {
    let s = f(
        0.9,
        0.7,
        1.3,
        1.1,
        -2.5,
        &[0.1, -0.2, 0.3],
        &[0.5, 0.1, -0.7],
    );
    check_scenario(&s).unwrap();
    // And explicitly: at ωt = 460 the residual is ~1e-200 and still exact to ~1e-13.
    let red = s.reduction();
    let sol = FastSolution::from_reduction(&red);
    let t = 460.0 / sol.omega();
    let got = sol.eval(t).residual;
    assert!(got.abs() < 1e-190 && got.abs() > 1e-210, "{got:e}");
    let e = rel_err(got, &reference(&red, t, PREC).residual);
    assert!(e < 1e-13, "{e:e}");
}

#[test]
fn kernel_regime_tiny_change_of_z_is_resolved() {
    // Wide, large init, tiny needed change: z moves by ~1e-12.
    let d = 8;
    let u: Vec<f64> = (0..d).map(|i| 3.0 + 0.1 * i as f64).collect();
    let w: Vec<f64> = (0..d).map(|i| 2.5 - 0.07 * i as f64).collect();
    let slope0: f64 = u.iter().zip(&w).map(|(a, b)| a * b).sum();
    // θ* differs from the initial slope by a relative 1e-12 (exactly representable shift).
    let exy = slope0 * (1.0 + 1e-12);
    let s = f(1.0, 1.0, 1.0, 1.0, exy, &u, &w);
    let red = s.reduction();
    let sol = FastSolution::from_reduction(&red);
    let z_inf = sol.eval(1e6 / sol.omega()).z;
    assert!(
        (z_inf - 1.0).abs() < 1e-11 && z_inf != 1.0,
        "z(∞) = {z_inf}"
    );
    check_scenario(&s).unwrap();
}

#[test]
fn alignment_near_zero_is_accurate() {
    // u ⟂ w at init: alignment starts at exactly 0 and moves away slowly.
    let s = f(1.0, 1.0, 1.0, 1.0, 1e-6, &[1.0, 0.0], &[0.0, 1.0]);
    check_scenario(&s).unwrap();
    let sol = FastSolution::new(&s);
    assert_eq!(sol.eval(0.0).alignment, 0.0);
}

#[test]
fn tiny_initialization_near_the_saddle() {
    for sign in [1.0, -1.0] {
        let s = f(
            1.0,
            1.0,
            1.0,
            1.0,
            sign,
            &[1e-8, -2e-8, 5e-9],
            &[3e-9, 1e-8, -1e-8],
        );
        check_scenario(&s).unwrap();
    }
}

#[test]
fn unbalanced_layers_rescaling() {
    let s = f(
        0.5,
        1.0,
        1.0,
        1.0,
        1.0,
        &[1.0, -0.5, 0.25],
        &[1e-4, 2e-4, -1e-4],
    );
    check_scenario(&s).unwrap();
    let s = f(
        0.5,
        1.0,
        1.0,
        1.0,
        -1.0,
        &[1e-4, 2e-4, -1e-4],
        &[1.0, -0.5, 0.25],
    );
    check_scenario(&s).unwrap();
}

#[test]
fn degenerate_a_zero_s0_is_zero() {
    // η_u = η_w and w0 = −u0: s₀ = 0, A = 0 (linear ODE). Both target signs.
    for theta in [1.0, -1.0, 0.0] {
        let s = f(1.0, 0.5, 0.5, 2.0, 2.0 * theta, &[0.3, -0.1], &[-0.3, 0.1]);
        let red = s.reduction();
        assert!(red.shape().s_is_zero());
        check_scenario(&s).unwrap();
    }
}

#[test]
fn degenerate_c_zero_delta0_is_zero() {
    // w0 = u0: δ₀ = 0, C = 0 (logistic). Negative target: converges to the saddle.
    for theta in [1.0, -1.0, 0.0] {
        let s = f(1.0, 2.0, 2.0, 1.0, theta, &[0.3, -0.1], &[0.3, -0.1]);
        assert!(s.reduction().shape().d_is_zero());
        check_scenario(&s).unwrap();
    }
}

#[test]
fn degenerate_origin_stays_forever() {
    let s = f(1.0, 1.0, 1.0, 1.0, 1.5, &[0.0, 0.0], &[0.0, 0.0]);
    let sol = FastSolution::new(&s);
    for t in [0.0, 1.0, 1e9] {
        let o = sol.eval(t);
        assert_eq!(
            (o.z, o.slope, o.residual, o.ntk, o.norm_u, o.norm_w),
            (1.0, 0.0, -1.5, 0.0, 0.0, 0.0)
        );
        assert_eq!(o.loss, 0.5 * 1.5 * 1.5);
        assert!(o.alignment.is_nan());
    }
}

#[test]
fn degenerate_omega_zero() {
    // θ* = 0 and δ₀ = 0: B = C = 0, ω = 0, z = 1/(1 + A t).
    let s = f(1.0, 1.0, 1.0, 1.0, 0.0, &[0.5, 0.5], &[0.5, 0.5]);
    let red = s.reduction();
    assert_eq!(red.omega2, exactflow_core::Q::from_integer(0.into()));
    check_scenario(&s).unwrap();
    // θ* = 0, s₀ = 0: A = B = 0, z = 1 + C t.
    let s = f(1.0, 1.0, 1.0, 1.0, 0.0, &[0.5, 0.5], &[-0.5, -0.5]);
    check_scenario(&s).unwrap();
}

fn log_uniform(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo.ln()..hi.ln()).prop_map(f64::exp)
}

fn signed(s: impl Strategy<Value = f64>) -> impl Strategy<Value = f64> {
    (s, any::<bool>()).prop_map(|(x, neg)| if neg { -x } else { x })
}

/// Scale of an initialization: tiny (down to 1e-100, whose squares underflow), small,
/// unit or large.
fn init_scale() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(1e-8),
        Just(1e-3),
        Just(1.0),
        Just(10.0),
        Just(1e-100),
        Just(1e3)
    ]
}

/// Structure of the initialization: generic, or one of the degenerate shapes of
/// docs/model.md §4 (and rank-one / zero-layer corners of the norm formulas).
#[derive(Debug, Clone, Copy)]
enum Shape {
    Generic,
    /// w₀ ∥ u₀ (Gram determinant 0).
    Parallel,
    /// η_u = η_w and w₀ = u₀: δ₀ = 0, C = 0.
    DeltaZero,
    /// η_u = η_w and w₀ = −u₀: s₀ = 0, A = 0.
    SZero,
    /// w₀ = 0.
    WZero,
    /// θ* = 0.
    NoTarget,
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        6 => Just(Shape::Generic),
        1 => Just(Shape::Parallel),
        1 => Just(Shape::DeltaZero),
        1 => Just(Shape::SZero),
        1 => Just(Shape::WZero),
        1 => Just(Shape::NoTarget),
    ]
}

prop_compose! {
    fn random_scenario()(
        d in 1usize..=8,
        su in init_scale(), sw in init_scale(),
        gamma in signed(log_uniform(0.05, 5.0)),
        eta_u in log_uniform(0.1, 10.0), eta_w in log_uniform(0.1, 10.0),
        exx in log_uniform(0.2, 5.0),
        theta in signed(log_uniform(0.1, 5.0)),
        raw in proptest::collection::vec((-1.0f64..1.0, -1.0f64..1.0), 8),
        shape in shape(),
    ) -> Scenario {
        let u: Vec<f64> = raw[..d].iter().map(|p| p.0 * su).collect();
        let mut w: Vec<f64> = raw[..d].iter().map(|p| p.1 * sw).collect();
        let (mut eta_w, mut theta) = (eta_w, theta);
        match shape {
            Shape::Generic => {}
            Shape::Parallel => w = u.iter().map(|x| x * raw[0].1 * 3.0).collect(),
            Shape::DeltaZero => { w = u.clone(); eta_w = eta_u; }
            Shape::SZero => { w = u.iter().map(|x| -x).collect(); eta_w = eta_u; }
            Shape::WZero => w = vec![0.0; d],
            Shape::NoTarget => theta = 0.0,
        }
        f(gamma, eta_u, eta_w, exx, theta * exx, &u, &w)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// (a) + (c): on random scenarios (widths 1–8, balanced and unbalanced, tiny to large
    /// initializations, both target signs) every column matches the 4096-bit literal
    /// evaluation of docs/model.md within the documented error model, from t = 0 to ωt = 720.
    #[test]
    fn fast_matches_mpfr_reference(s in random_scenario()) {
        if let Err(e) = check_scenario(&s) {
            prop_assert!(false, "{}", e);
        }
    }

    /// (b): the closed form matches an RK4 integration of the raw 2d-dimensional flow.
    /// Tolerance derived from the integrator: with step h and h/2, the h/2 result's
    /// error is ≈ |y_h − y_{h/2}|/15 (Richardson, order 4); we allow 4× that estimate
    /// plus 1e3·u·(1 + |y|)·n_steps of rounding, nothing tuned.
    #[test]
    fn fast_matches_rk4_of_the_raw_flow(s in random_scenario(), units in 0.1f64..6.0) {
        let red = s.reduction();
        let sol = FastSolution::from_reduction(&red);
        let om = sol.omega();
        prop_assume!(om > 0.0);
        // Keep the integration short enough for a fixed step: ωt ≤ 6 and t·a·ntk bounded.
        let t = units / om;
        let (u0, w0) = weights_f64(&s);
        let p = FlowParams {
            eta_u: q_to_f64_nearest(&red.eta_u), eta_w: q_to_f64_nearest(&red.eta_w), a: q_to_f64_nearest(&red.a),
            gamma: q_to_f64_nearest(&red.gamma), theta: q_to_f64_nearest(&red.theta),
        };
        // Step count from the fastest rate along the path: a·ntk ≤ a·max(ntk(0), ntk(t), ω/a).
        let rate = p.a * sol.eval(0.0).ntk.max(sol.eval(t).ntk) + om;
        let n_needed = (rate * t * 40.0).ceil();
        // A fixed-step RK4 needs h·rate small; skip the (large-init) cases too stiff for it.
        prop_assume!(n_needed <= 200_000.0);
        let n = (n_needed as usize).max(50);
        let slope = |u: &[f64], w: &[f64]| p.gamma * u.iter().zip(w).map(|(a, b)| a * b).sum::<f64>();
        let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
        let (u1, w1) = rk4(&p, &u0, &w0, t, n);
        let (u2, w2) = rk4(&p, &u0, &w0, t, 2 * n);
        let got = sol.eval(t);
        let round = 1e3 * f64::EPSILON * (2 * n) as f64;
        for (name, y1, y2, c) in [
            ("slope", slope(&u1, &w1), slope(&u2, &w2), got.slope),
            ("norm_u", norm(&u1), norm(&u2), got.norm_u),
            ("norm_w", norm(&w1), norm(&w2), got.norm_w),
        ] {
            let scale = y2.abs().max(norm(&u2) * norm(&w2) * p.gamma.abs()).max(p.theta.abs()).max(norm(&u2)).max(norm(&w2));
            let allow = 4.0 * (y1 - y2).abs() / 15.0 + round * scale;
            prop_assert!((c - y2).abs() <= allow,
                "{name}: closed form {c:e}, rk4 {y2:e} (h: {y1:e}), allow {allow:e}, t = {t}, n = {n}");
        }
    }

    /// Invariants of docs/model.md §6 along the closed-form trajectory:
    /// |u|²/η_u − |w|²/η_w = M for all t; slope = θ* + residual; loss = ½ae² + L*;
    /// ntk = γ²(η_u|w|² + η_w|u|²); |alignment| ≤ 1; z monotone; and the residual
    /// decays at the rate ω = a·ntk(∞).
    #[test]
    fn invariants_hold_along_trajectories(s in random_scenario()) {
        let red = s.reduction();
        let sol = FastSolution::from_reduction(&red);
        let om = sol.omega();
        prop_assume!(om > 0.0);
        let m = q_to_f64_nearest(&red.m);
        let (eu, ew, a, g) = (q_to_f64_nearest(&red.eta_u), q_to_f64_nearest(&red.eta_w), q_to_f64_nearest(&red.a), q_to_f64_nearest(&red.gamma));
        let theta = q_to_f64_nearest(&red.theta);
        let mut prev_z = sol.eval(0.0).z;
        // (z at ωt = 1e3 may be beyond f64, NaN: the direction from the last point checked.)
        let dir = (sol.eval(30.0 / om).z - prev_z).signum();
        for x in [0.0, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0] {
            let o = sol.eval(x / om);
            let (nu2, nw2) = (o.norm_u * o.norm_u / eu, o.norm_w * o.norm_w / ew);
            let tol = 64.0 * f64::EPSILON;
            prop_assert!((nu2 - nw2 - m).abs() <= tol * (nu2 + nw2), "M drift at {x}: {} vs {m}", nu2 - nw2);
            let ntk = g * g * (eu * o.norm_w * o.norm_w + ew * o.norm_u * o.norm_u);
            prop_assert!((ntk - o.ntk).abs() <= tol * o.ntk, "ntk {ntk} vs {}", o.ntk);
            prop_assert!((o.slope - (theta + o.residual)).abs() <= tol * (theta.abs() + o.residual.abs()));
            let loss = 0.5 * a * o.residual * o.residual + q_to_f64_nearest(&red.lstar);
            // (NaN: a loss below f64's normal range, refused; fast_extremes checks refusals.)
            prop_assert!(o.loss.is_nan() || (loss - o.loss).abs() <= tol * o.loss);
            prop_assert!(o.alignment.abs() <= 1.0 || o.alignment.is_nan());
            prop_assert!((o.z - prev_z) * dir >= -tol * o.z, "z not monotone");
            prev_z = o.z;
        }
        // ω = a·ntk(∞) when the flow converges to a minimum (not to the saddle).
        let late = sol.eval(200.0 / om);
        prop_assume!(late.residual.abs() < 1e-6 * theta.abs().max(1.0));
        prop_assert!((a * late.ntk - om).abs() <= 1e-12 * om, "a·ntk(∞) = {} vs ω = {om}", a * late.ntk);
    }
}

/// The acceptance metric, measured over a deterministic sweep of the acceptance
/// domain (widths 1–8; balanced and unbalanced layers; tiny, small, unit and large
/// initializations; both target signs), at 40 times from 0 until the residual is about
/// 1e-35: relative error per column, alignment absolute, norms relative to the larger
/// norm. The issue asks for 1e-11; we hold the fast path to 1e-12 and print the worst.
#[test]
fn acceptance_metric_worst_case_over_a_sweep() {
    use exactflow_tests::Lcg;
    let mut rng = Lcg(0x2545F4914F6CDD1D);
    let names = [
        "z",
        "slope",
        "residual",
        "loss",
        "ntk",
        "alignment",
        "norm_u",
        "norm_w",
    ];
    let mut worst = [0.0f64; 8];
    let scales = [1e-8, 1e-3, 1.0, 10.0, 1e-30, 1e-100, 1e3];
    for case in 0..400 {
        let d = 1 + (rng.next_u53() % 8) as usize;
        let su = scales[(rng.next_u53() % 7) as usize];
        let sw = if case % 2 == 0 {
            su
        } else {
            scales[(rng.next_u53() % 7) as usize]
        };
        let u: Vec<f64> = (0..d).map(|_| su * rng.normalish()).collect();
        let w: Vec<f64> = (0..d).map(|_| sw * rng.normalish()).collect();
        let sign = if rng.next_u53().is_multiple_of(2) {
            1.0
        } else {
            -1.0
        };
        let gamma = [1.0, 0.5, 1.0 / d as f64, 2.0][(rng.next_u53() % 4) as usize];
        let eta_u = [1.0, 0.7, 2.0][(rng.next_u53() % 3) as usize];
        let eta_w = [1.0, 1.3, 0.5][(rng.next_u53() % 3) as usize];
        let s = f(gamma, eta_u, eta_w, 1.1, sign * 2.5, &u, &w);
        let red = s.reduction();
        let sol = FastSolution::from_reduction(&red);
        let om = sol.omega();
        // Until the residual is ~1e-35 (escape from a small init included).
        let horizon = {
            let mut t = 1.0 / om;
            while sol.eval(t).residual.abs() > 1e-35 && t < 1e9 / om {
                t *= 1.25;
            }
            t
        };
        for j in 0..40 {
            let t = horizon * j as f64 / 39.0;
            let o = sol.eval(t);
            let r = reference(&red, t, PREC);
            let vals = [
                o.z,
                o.slope,
                o.residual,
                o.loss,
                o.ntk,
                o.alignment,
                o.norm_u,
                o.norm_w,
            ];
            let refs = [
                &r.z,
                &r.slope,
                &r.residual,
                &r.loss,
                &r.ntk,
                &r.alignment,
                &r.norm_u,
                &r.norm_w,
            ];
            let bigger = r.norm_u.to_f64().max(r.norm_w.to_f64());
            for c in 0..8 {
                let e = match c {
                    5 => abs_err(vals[c], refs[c]),
                    6 | 7 => abs_err(vals[c], refs[c]) / bigger,
                    _ => rel_err(vals[c], refs[c]),
                };
                if e > worst[c] {
                    worst[c] = e;
                }
                assert!(
                    e <= 1e-12,
                    "{}: error {e:e} at t = {t:e} in\n{}",
                    names[c],
                    s.canonical_toml()
                );
            }
        }
    }
    for c in 0..8 {
        println!("worst {:9}: {:.2e}", names[c], worst[c]);
    }
}

/// Our `exp` (the same bits on every machine) is within one ulp of the exact value from
/// the bottom of the subnormals to overflow, checked against MPFR on a deterministic sweep.
#[test]
fn exp_is_within_one_ulp() {
    use exactflow_core::elementary::exp;
    let mut rng = exactflow_tests::Lcg(7);
    for i in 0..200_000 {
        let u = rng.next_u53() as f64 / (1u64 << 53) as f64;
        let x = if i % 2 == 0 {
            -745.0 + 1454.7 * u
        } else {
            -1.0 + 2.0 * u
        };
        let got = exp(x);
        let want = rug::Float::with_val(200, x).exp();
        let ulp = ulp_of(got);
        let err = abs_err(got, &want) / ulp;
        assert!(err <= 1.0, "exp({x:e}) = {got:e}: {err} ulp");
    }
}

fn ulp_of(x: f64) -> f64 {
    let a = x.abs();
    f64::from_bits(a.to_bits() + 1) - a
}

/// Batch evaluation (eight lanes, compiled for every instruction set this CPU has) gives
/// exactly the bits of the scalar `eval`, on every path: early times (expm1), the common range, the deep tail
/// (scaled E), ω = 0, and the degenerate shapes.
#[test]
fn batch_equals_scalar_bit_for_bit() {
    let cases = [
        f(
            0.9,
            0.7,
            1.3,
            1.1,
            -2.5,
            &[0.1, -0.2, 0.3],
            &[0.5, 0.1, -0.7],
        ),
        f(1.0, 0.5, 0.5, 2.0, 2.0, &[0.3, -0.1], &[-0.3, 0.1]),
        f(1.0, 2.0, 2.0, 1.0, -1.0, &[0.3, -0.1], &[0.3, -0.1]),
        f(1.0, 1.0, 1.0, 1.0, 0.0, &[0.5, 0.5], &[0.5, 0.5]),
        f(1.0, 1.0, 1.0, 1.0, 0.0, &[-0.8], &[-1.8e-9]),
        f(
            0.5,
            1.0,
            1.0,
            1.0,
            1.0,
            &[1.0, -0.5, 0.25],
            &[1e-4, 2e-4, -1e-4],
        ),
    ];
    for s in &cases {
        let sol = FastSolution::new(s);
        let om = if sol.omega() > 0.0 { sol.omega() } else { 1.0 };
        let mut times: Vec<f64> = (0..203).map(|i| (i as f64 * 0.37).powi(2) / om).collect();
        times.extend([
            0.0,
            1e-12,
            650.0 / om,
            800.0 / om,
            0.5 / om,
            0.7 / om,
            1e7 / om,
        ]);
        for isa in exactflow_fast::Isa::available() {
            let mut batch = Vec::new();
            sol.for_each_chunk_isa(isa, &times, &exactflow_core::Need::NONE, |_, n, o| {
                for l in 0..n {
                    batch.push(o.map(|v| v.0[l]));
                }
            })
            .expect("nothing required");
            assert_eq!(batch.len(), times.len());
            for (t, b) in times.iter().zip(&batch) {
                let one = sol.eval(*t);
                let bits = |o: &exactflow_core::Observables<f64>| o.to_array().map(|v| v.to_bits());
                assert_eq!(
                    bits(b),
                    bits(&one),
                    "{isa:?}, t = {t:e}\nbatch {b:?}\nscalar {one:?}\n{}",
                    s.canonical_toml()
                );
            }
        }
    }
}

/// The default horizon of `solve` covers the whole run: after the escape from a tiny
/// initialization (long), and for the flow into the saddle (residual → −θ*).
#[test]
fn horizon_covers_the_escape_and_the_saddle() {
    let tiny = f(
        1.0,
        1.0,
        1.0,
        1.0,
        1.0,
        &[1e-100, -2e-100],
        &[3e-100, 1e-100],
    );
    let sol = FastSolution::new(&tiny);
    let h = sol.horizon();
    let e0 = sol.eval(0.0).residual.abs();
    assert!(
        sol.eval(h).residual.abs() <= 1e-12 * e0,
        "settled by the horizon {h}"
    );
    assert!(
        sol.eval(h / 3.0).residual.abs() > 1e-6 * e0,
        "not long before: {h}"
    );
    let saddle = f(1.0, 2.0, 2.0, 1.0, -1.0, &[0.3, -0.1], &[0.3, -0.1]);
    let sol = FastSolution::new(&saddle);
    let h = sol.horizon();
    assert!(
        (sol.eval(h).residual - 1.0).abs() <= 1e-11,
        "residual → −θ* = 1 by {h}"
    );
    assert!(h < 100.0, "{h}");
}
