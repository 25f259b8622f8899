//! Times the arbitrary-precision engine the way `benches/anchors.py` times mpmath,
//! gmpy2 and python-flint: the anchors scenario (benches/anchor_scenario.toml), a grid
//! on [0, 10], microseconds per time point (the cost of one point subtracted as setup),
//! best of 3; at 50, 1000 and 10000 digits, for the plain ball evaluation of all eight observables at fixed
//! precision and for the certified (adaptive) evaluation of anchors.py's four observables
//! (z, residual, ntk, alignment) and of all eight, on a uniform grid and at
//! scattered times.

use exactflow_core::number::Q;
use exactflow_core::scenario::read_toml_file;
use exactflow_core::{Column, Need};
use exactflow_mp::MpSolution;
use std::time::Instant;

fn best_of(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/anchor_scenario.toml");
    let sol = MpSolution::new(read_toml_file(&path)?.validate()?.reduction());
    // anchors.py's four observables.
    let four = Need::from_columns(&[Column::Z, Column::Residual, Column::Ntk, Column::Alignment]);
    for (dps, n) in [(50u32, 201usize), (1000, 201), (10000, 21)] {
        let grid: Vec<Q> = (0..n)
            .map(|i| Q::new((10 * i as i64).into(), ((n - 1) as i64).into()))
            .collect();
        // Scattered: the same count of unrelated times (a pseudo-random walk).
        let scattered: Vec<Q> = (0..n)
            .map(|i| Q::new(((i as i64 * 7919) % 10007).into(), 1000.into()))
            .collect();
        let prec = (dps as f64 * std::f64::consts::LOG2_10).ceil() as u32 + 16;
        // Scattered times without a small common denominator (each its own prime
        // denominator): no power table applies, every point takes a ball `exp`.
        let generic: Vec<Q> = (0..n)
            .map(|i| {
                let p = [10007i64, 10009, 10037, 10039, 10061, 10067, 10069, 10079][i % 8];
                Q::new(((i as i64 * 7919) % 10007 * 10 + 1).into(), p.into())
            })
            .collect();
        for (label, ts) in [
            ("grid", &grid),
            ("scattered", &scattered),
            ("scattered-generic", &generic),
        ] {
            let full = best_of(3, || {
                std::hint::black_box(sol.eval_at_prec(ts, prec));
            });
            let one = best_of(3, || {
                std::hint::black_box(sol.eval_at_prec(&ts[..1], prec));
            });
            let per = |a: f64, b: f64| (a - b) / (n - 1) as f64 * 1e6;
            let certified = |need: Need| {
                let full = best_of(3, || {
                    std::hint::black_box(sol.eval_certified(ts, dps, need));
                });
                let one = best_of(3, || {
                    std::hint::black_box(sol.eval_certified(&ts[..1], dps, need));
                });
                per(full, one)
            };
            let (c4, c8) = (certified(four), certified(Need::ALL));
            println!("exactflow-mp-{dps}dps-{label:9} plain {:10.3} us/point   certified {c4:10.3} us/point   certified-all-8 {c8:10.3} us/point", per(full, one));
        }
    }
    Ok(())
}
