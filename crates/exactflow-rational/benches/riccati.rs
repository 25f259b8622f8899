//! The symbolic proof that docs/model.md's closed form solves the Riccati equation (all
//! coefficients at once, `riccati::symbolic`: the general family plus the degenerate
//! ones), against anchors.py's SymPy `simplify` of the same statement; and the full exact
//! check of a width-100 rational scenario.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use exactflow_core::scenario::parse_toml;
use exactflow_rational::riccati::{symbolic, ClosedFormClaim, RiccatiClaim};
use exactflow_rational::{check_scenario, CheckOptions};

fn width_100() -> exactflow_core::Scenario {
    let u: Vec<String> = (0..100)
        .map(|i| format!("\"{}/{}\"", (i * 37 % 19) as i64 - 9, 10 + i % 7))
        .collect();
    let w: Vec<String> = (0..100)
        .map(|i| format!("\"{}/{}\"", (i * 11 % 23) as i64 - 11, 13 + i % 5))
        .collect();
    let t = format!(
        "[model]\ngamma = \"0.01\"\neta_u = \"0.7\"\neta_w = \"1.3\"\n[data]\nexx = \"1.1\"\nexy = \"2.5\"\n[init]\nu0 = [{}]\nw0 = [{}]\n",
        u.join(","),
        w.join(",")
    );
    parse_toml(&t, "bench")
        .and_then(|s| s.validate())
        .expect("valid bench scenario")
}

fn bench(c: &mut Criterion) {
    let claim = RiccatiClaim::model();
    c.bench_function("riccati-symbolic-proof", |b| {
        b.iter(|| {
            let ids = symbolic(black_box(&claim), ClosedFormClaim::MODEL).expect("identities");
            assert!(ids.iter().all(|i| i.holds()));
        })
    });
    let s = width_100();
    let mut g = c.benchmark_group("full-check");
    g.sample_size(10);
    g.bench_function("width-100-rational", |b| {
        b.iter(|| {
            let r = check_scenario(black_box(&s), &CheckOptions::default()).expect("runs");
            assert!(r.passed());
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
