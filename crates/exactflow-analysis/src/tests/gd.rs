//! Unit tests of `gd.rs`: f64 against MPFR, the reduced map against the full iteration,
//! GD with small rates against the flow, the edge of stability.

use super::*;
use exactflow_core::number::parse_exact;
use exactflow_core::presets::preset;
use exactflow_core::scenario::{InitKind, InitSpec, ScenarioSpec};
use exactflow_fast::FastSolution;

fn q(s: &str) -> Q {
    parse_exact(s).unwrap()
}

fn explicit(gamma: &str, eta: &str, exy: &str, u0: &[&str], w0: &[&str]) -> Scenario {
    ScenarioSpec {
        name: None,
        gamma: Some(q(gamma)),
        eta_u: Some(q(eta)),
        eta_w: Some(q("0.3")),
        exx: Some(q("1.1")),
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

fn stable() -> Scenario {
    explicit(
        "0.9",
        "0.7",
        "-1.5",
        &["0.1", "-0.2", "0.3"],
        &["0.5", "0.1", "-0.7"],
    )
}

fn rel(a: f64, b: &Float) -> f64 {
    let bf = b.to_f64();
    ((a - bf) / bf).abs()
}

#[test]
fn f64_gd_and_reduced_map_agree_with_mpfr_gd() {
    let s = stable();
    let mp = full_mp(&s, 80, 1, 300);
    let f = full_f64(&s, 80, 1);
    let r = reduced_f64(&s.reduction(), 80, 1);
    let rmp = reduced_mp(&s.reduction(), 80, 1, 300);
    assert_eq!(mp.rows.len(), 81);
    assert!(mp.stability.first_unstable_step.is_none());
    let last = mp.rows[80].residual.to_f64().abs();
    assert!(last < 1e-8, "converging: {last}");
    for i in 0..=80 {
        let (m, a, b) = (&mp.rows[i], &f.rows[i], &r.rows[i]);
        for (x, name) in [(a, "full f64"), (b, "reduced f64")] {
            assert!(
                rel(x.residual, &m.residual) < 1e-12,
                "{name} step {i}: residual {} vs {}",
                x.residual,
                m.residual
            );
            assert!(rel(x.z, &m.z) < 1e-12, "{name} step {i}: z");
            assert!(rel(x.ntk, &m.ntk) < 1e-12, "{name} step {i}: ntk");
            assert!(
                rel(x.norm_u, &m.norm_u) < 1e-12 && rel(x.norm_w, &m.norm_w) < 1e-12,
                "{name} {i}"
            );
            assert!(
                (x.alignment - m.alignment.to_f64()).abs() < 1e-12,
                "{name} {i}"
            );
        }
        // The reduced map in MPFR is the same trajectory to ~90 digits.
        let d = Float::with_val(300, &rmp.rows[i].residual - &m.residual).abs()
            / m.residual.clone().abs();
        assert!(d.to_f64() < 1e-80, "reduced mp step {i}: {}", d.to_f64());
    }
}

#[test]
fn gd_with_small_rates_follows_the_flow() {
    // GD step n is Euler's method on the flow with dt = 1 at time n: with a·ntk ≈ 2e-4
    // per step the residual's relative error after n steps is ≈ n(a·ntk)²/2 ≈ 4e-4.
    let mut spec = preset("kernel").unwrap();
    spec.eta_u = Some(q("1/10000"));
    spec.eta_w = Some(q("1/10000"));
    let s = spec.validate().unwrap();
    let run = full_f64(&s, 20_000, 5_000);
    let sol = FastSolution::new(&s);
    for (n, o) in run.steps.iter().zip(&run.rows) {
        let f = sol.eval(*n as f64);
        let r = (o.residual - f.residual).abs() / f.residual.abs();
        assert!(r < 2e-3, "step {n}: GD {} flow {}", o.residual, f.residual);
        assert!((o.z - f.z).abs() < 1e-3 * f.z);
    }
}

#[test]
fn edge_of_stability_is_reported() {
    // a·ntk(0) = 1.1·0.81·(0.7|w|² + 0.3|u|²)·... scaled up by γ = 9: far beyond 2.
    let s = explicit("9", "0.7", "1", &["0.5", "0.5"], &["0.5", "-0.5"]);
    let run = full_f64(&s, 50, 1);
    assert_eq!(run.stability.first_unstable_step, Some(0));
    assert!(run.stability.max_a_ntk >= 2.0);
    let ok = full_f64(&stable(), 50, 1);
    assert!(ok.stability.first_unstable_step.is_none());
    assert!(ok.stability.max_a_ntk < 2.0);
}

#[test]
fn divergence_stops_the_iteration() {
    let s = explicit("1000", "0.7", "1", &["1", "1"], &["1", "-0.5"]);
    let run = full_f64(&s, 10_000, 1);
    assert!(run.stability.diverged_at.is_some(), "{:?}", run.stability);
    assert!(run.rows.len() < 10_001);
}
