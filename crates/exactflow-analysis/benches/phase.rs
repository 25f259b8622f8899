//! A 1000×1000 phase sweep (the target: at most 2 s on 2 cores), over σ_u × σ_w
//! and over width × γ (the width axis costs one O(d) pass over the pinned normals per
//! distinct width).

use criterion::{criterion_group, criterion_main, Criterion};
use exactflow_analysis::sweep::{Axis, AxisId, Sweep};
use exactflow_core::presets::preset;

fn bench(c: &mut Criterion) {
    let s = preset("alignment")
        .expect("preset")
        .validate()
        .expect("valid");
    let mut g = c.benchmark_group("phase-1000x1000");
    g.sample_size(10);
    g.bench_function("sigma_u x sigma_w", |b| {
        b.iter(|| {
            let x = Axis::parse(AxisId::X, "sigma_u=1e-4..1:log:1000").expect("axis");
            let y = Axis::parse(AxisId::Y, "sigma_w=1e-4..1:log:1000").expect("axis");
            let sw = Sweep::new(&s, x, y).expect("sweep");
            sw.run(&|_| {}).len()
        })
    });
    g.bench_function("width x gamma", |b| {
        b.iter(|| {
            let x = Axis::parse(AxisId::X, "width=1..100000:log:1000").expect("axis");
            let y = Axis::parse(AxisId::Y, "gamma=1e-5..1:log:1000").expect("axis");
            let sw = Sweep::new(&s, x, y).expect("sweep");
            sw.run(&|_| {}).len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
