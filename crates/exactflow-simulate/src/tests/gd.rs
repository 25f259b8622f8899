//! Unit tests of `gd.rs`: f64 against MPFR balls, the reduced map against the full
//! iteration, GD with small rates against the flow, the edge of stability, divergence.

use super::*;
use exactflow_core::number::parse_exact;
use exactflow_core::presets::preset;
use exactflow_core::scenario::{InitKind, InitSpec, ScenarioSpec};
use exactflow_core::Q;
use exactflow_fast::FastSolution;
use exactflow_mp::ball::Ball;
use rug::Float;

fn q(s: &str) -> Q {
    parse_exact(s).unwrap()
}

pub(crate) fn explicit(gamma: &str, eta: &str, exy: &str, u0: &[&str], w0: &[&str]) -> Scenario {
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

/// The rows of a run with their step numbers, its stability record, how it ended.
type Collected<R> = (Vec<(u64, Observables<R>)>, Stability, Stop<()>);

/// Every emitted row of a run, and how it ended.
fn collect<R: Clone>(
    run: impl FnOnce(&mut dyn FnMut(u64, &Observables<R>) -> Result<(), ()>) -> (Stability, Stop<()>),
) -> Collected<R> {
    let mut rows = Vec::new();
    let (st, stop) = run(&mut |n, o| {
        rows.push((n, o.clone()));
        Ok(())
    });
    (rows, st, stop)
}

fn full64(s: &Scenario, steps: u64, every: u64) -> Collected<f64> {
    collect(|emit| full::<f64, ()>(s, &(), steps, every, emit))
}

fn rel(a: f64, b: &Ball) -> f64 {
    let bf = b.mid().to_f64();
    ((a - bf) / bf).abs()
}

#[test]
fn f64_gd_and_reduced_map_agree_with_mpfr_gd() {
    let s = stable();
    let red = s.reduction();
    let (mp, st, _) = collect(|e| full::<Ball, ()>(&s, &300, 80, 1, e));
    let (f, _, _) = full64(&s, 80, 1);
    let (r, _, _) = collect(|e| reduced::<f64, ()>(&red, &(), 80, 1, e));
    let (rmp, _, _) = collect(|e| reduced::<Ball, ()>(&red, &300, 80, 1, e));
    assert_eq!(mp.len(), 81);
    assert!(st.first_unstable_step.is_none());
    let last = mp[80].1.residual.mid().to_f64().abs();
    assert!(last < 1e-8, "converging: {last}");
    for i in 0..=80 {
        let (m, a, b) = (&mp[i].1, &f[i].1, &r[i].1);
        for (x, name) in [(a, "full f64"), (b, "reduced f64")] {
            assert!(
                rel(x.residual, &m.residual) < 1e-12,
                "{name} step {i}: residual {} vs {}",
                x.residual,
                m.residual.mid()
            );
            assert!(rel(x.z, &m.z) < 1e-12, "{name} step {i}: z");
            assert!(rel(x.ntk, &m.ntk) < 1e-12, "{name} step {i}: ntk");
            assert!(
                rel(x.norm_u, &m.norm_u) < 1e-12 && rel(x.norm_w, &m.norm_w) < 1e-12,
                "{name} {i}"
            );
            assert!(
                (x.alignment - m.alignment.mid().to_f64()).abs() < 1e-12,
                "{name} {i}"
            );
        }
        // The reduced map in MPFR is the same trajectory to ~90 digits, and the balls of
        // both overlap (each encloses the exact iterate of its own map).
        let d = Float::with_val(300, rmp[i].1.residual.mid() - m.residual.mid()).abs()
            / m.residual.mid().clone().abs();
        assert!(d.to_f64() < 1e-80, "reduced mp step {i}: {}", d.to_f64());
        assert!(rmp[i].1.residual.overlaps(&m.residual), "step {i}");
        assert!(
            m.residual.rel_rad() < 1e-80,
            "step {i}: {}",
            m.residual.rel_rad()
        );
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
    let (rows, _, _) = full64(&s, 20_000, 5_000);
    assert_eq!(rows.len(), 5);
    let sol = FastSolution::new(&s);
    for (n, o) in &rows {
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
    let (_, st, _) = full64(&s, 50, 1);
    assert_eq!(st.first_unstable_step, Some(0));
    assert!(st.max_a_ntk >= 2.0);
    let (_, ok, _) = full64(&stable(), 50, 1);
    assert!(ok.first_unstable_step.is_none());
    assert!(ok.max_a_ntk < 2.0);
}

#[test]
fn divergence_stops_the_iteration_before_a_non_finite_row() {
    let s = explicit("1000", "0.7", "1", &["1", "1"], &["1", "-0.5"]);
    let (rows, st, stop) = full64(&s, 10_000, 1);
    assert!(
        matches!(stop, Stop::Failed(SimError::Diverged { .. })),
        "{stop:?}"
    );
    assert!(rows.len() < 10_001);
    assert_eq!(rows.len() as u64, st.last_step + 1);
    for (n, o) in &rows {
        assert!(
            o.to_array().iter().all(|v| !v.is_infinite()),
            "step {n}: {o:?}"
        );
    }
}

#[test]
fn row_count_matches_the_recorded_steps() {
    for (steps, every) in [(0, 1), (10, 1), (10, 3), (10, 5), (10, 20), (7, 7)] {
        let n = (0..=steps).filter(|&n| recorded(n, steps, every)).count() as u64;
        assert_eq!(row_count(steps, every), n, "{steps} {every}");
    }
}
