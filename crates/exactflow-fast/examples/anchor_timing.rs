//! Times the fast engine the way `benches/anchors.py` times numpy: the same
//! scenario (benches/anchor_scenario.toml), 10^6 time points on [0, 10], best of 5,
//! nanoseconds per point. Prints one line per variant; `scripts/bench_fast.sh` puts them
//! beside numpy's row measured in the same run.

use exactflow_core::scenario::read_toml_file;
use exactflow_fast::FastSolution;
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
    let sol = FastSolution::new(&read_toml_file(&path)?.validate()?);
    let n = 1_000_000;
    let times: Vec<f64> = (0..n).map(|i| 10.0 * i as f64 / (n - 1) as f64).collect();
    let mut cols = vec![vec![0.0f64; n]; 8];
    let four = best_of(5, || {
        let (z, rest) = cols.split_at_mut(1);
        let (e, rest) = rest.split_at_mut(1);
        let (k, rest) = rest.split_at_mut(1);
        sol.eval_four(&times, &mut z[0], &mut e[0], &mut k[0], &mut rest[0]);
        std::hint::black_box(&cols);
    });
    let all = best_of(5, || {
        sol.for_each_chunk(
            &times,
            #[inline(always)]
            |s, len, o| {
                for (col, v) in cols.iter_mut().zip([
                    &o.z,
                    &o.slope,
                    &o.residual,
                    &o.loss,
                    &o.ntk,
                    &o.alignment,
                    &o.norm_u,
                    &o.norm_w,
                ]) {
                    exactflow_fast::put(col, s, len, v);
                }
            },
        );
        std::hint::black_box(&cols);
    });
    println!(
        "exactflow-fast-4-columns {:10.3} ns/point",
        four / n as f64 * 1e9
    );
    println!(
        "exactflow-fast-9-columns {:10.3} ns/point",
        all / n as f64 * 1e9
    );
    Ok(())
}
