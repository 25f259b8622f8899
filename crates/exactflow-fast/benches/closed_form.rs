//! Per-time-point cost of the f64 closed form on the scenario of
//! `benches/anchors.py` (width 100, grid on [0, 10]), for the four observables
//! that anchors.py's numpy row computes (z, residual, ntk, alignment) and for all nine
//! columns. Compare with `scripts/bench_fast.sh`, which runs numpy's row beside it.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use exactflow_core::scenario::read_toml_file;
use exactflow_fast::FastSolution;

const POINTS: usize = 100_000;

fn solution() -> FastSolution {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/anchor_scenario.toml");
    let spec = read_toml_file(&path).expect("benches/anchor_scenario.toml");
    FastSolution::new(&spec.validate().expect("valid anchor scenario"))
}

fn bench(c: &mut Criterion) {
    let sol = solution();
    let times: Vec<f64> = (0..POINTS)
        .map(|i| 10.0 * i as f64 / (POINTS - 1) as f64)
        .collect();
    let mut g = c.benchmark_group("fast-closed-form");
    g.throughput(Throughput::Elements(POINTS as u64));
    let (mut z, mut e, mut k, mut a) = (
        vec![0.0; POINTS],
        vec![0.0; POINTS],
        vec![0.0; POINTS],
        vec![0.0; POINTS],
    );
    g.bench_function("4-columns", |b| {
        b.iter(|| {
            sol.eval_four(black_box(&times), &mut z, &mut e, &mut k, &mut a);
            black_box((&z, &e, &k, &a));
        })
    });
    let mut out9 = vec![[0.0f64; 8]; POINTS];
    g.bench_function("all-columns", |b| {
        b.iter(|| {
            sol.for_each(black_box(&times), |i, v| {
                out9[i] = [
                    v.z,
                    v.slope,
                    v.residual,
                    v.loss,
                    v.ntk,
                    v.alignment,
                    v.norm_u,
                    v.norm_w,
                ]
            });
            black_box(&out9);
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
