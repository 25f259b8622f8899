//! Per-time-point cost of the arbitrary-precision engine on the scenario of
//! `benches/anchors.py` (width 100, times on [0, 10]) at 50, 1000 and 10,000
//! digits: the plain ball evaluation of all eight observables at a fixed precision, and
//! the certified (adaptive) evaluation of anchors.py's four observables (z, residual,
//! ntk, alignment), on a uniform grid and at scattered times. Criterion reports the time
//! per element (one element = one time point). `scripts/bench_mp.sh` runs anchors.py's
//! mpmath, gmpy2 and python-flint rows beside the same figures.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use exactflow_core::number::Q;
use exactflow_core::scenario::read_toml_file;
use exactflow_core::{Column, Need};
use exactflow_mp::MpSolution;

fn solution() -> MpSolution {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/anchor_scenario.toml");
    let spec = read_toml_file(&path).expect("benches/anchor_scenario.toml");
    MpSolution::new(spec.validate().expect("valid anchor scenario").reduction())
}

/// `n` points of a uniform grid on [0, 10], and `n` scattered times `(7919 i mod 10007)/1000`.
fn times(n: usize) -> [(&'static str, Vec<Q>); 2] {
    let grid = (0..n)
        .map(|i| Q::new((10 * i as i64).into(), ((n - 1) as i64).into()))
        .collect();
    let scattered = (0..n)
        .map(|i| Q::new(((i as i64 * 7919) % 10007).into(), 1000.into()))
        .collect();
    [("grid", grid), ("scattered", scattered)]
}

fn bench(c: &mut Criterion) {
    let sol = solution();
    let four = Need::from_columns(&[Column::Z, Column::Residual, Column::Ntk, Column::Alignment]);
    for (digits, n, samples) in [
        (50u32, 200usize, 20usize),
        (1000, 200, 10),
        (10_000, 20, 10),
    ] {
        let mut g = c.benchmark_group(format!("mp-{digits}-digits"));
        g.sample_size(samples);
        g.throughput(Throughput::Elements(n as u64));
        let prec = (digits as f64 * std::f64::consts::LOG2_10).ceil() as u32 + 32;
        for (label, ts) in times(n) {
            g.bench_with_input(
                BenchmarkId::new("certified-4-columns", label),
                &ts,
                |b, ts| b.iter(|| black_box(sol.eval_certified(black_box(ts), digits, four))),
            );
            g.bench_with_input(
                BenchmarkId::new("plain-all-columns", label),
                &ts,
                |b, ts| b.iter(|| black_box(sol.eval_at_prec(black_box(ts), prec))),
            );
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
