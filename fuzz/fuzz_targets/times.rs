//! Time axes as the CLI reads them: `--times T1,T2,...`, `--grid T0:T1:N`,
//! `--grid T0:T1:log:N` and `--times-file` (text or NPY) through the CLI's own parsers
//! (crates/exactflow-cli/src/times_arg.rs, compiled in here), and the core's time points
//! walked and checked against independent routes:
//!
//! * every point's `f64` (integer arithmetic for machine-sized points) is the correctly
//!   rounded value of its exact rational (`q_to_f64_nearest`);
//! * a uniform grid's point `j` is exactly `t0 + j(t1 − t0)/(n − 1)`; a geometric grid's
//!   end points are exactly `t0`, `t1`, its points never decrease, and `block` agrees with
//!   `point`;
//! * a time point's own parser (`TimePoint::parse`, used for `--times-file` lines)
//!   accepts exactly what `parse_exact` (the `--times`/`--grid` parser) accepts, with the
//!   same value; `TimePoint::from_f64` is the double's exact value;
//! * a `--times-file` is counted once and streamed again to the same points.
//!
//! The first input byte chooses list, grid or file; the rest is the flag's text (or the
//! file's bytes).
#![no_main]

#[allow(dead_code)]
#[path = "../../crates/exactflow-cli/src/error.rs"]
mod error;
#[allow(dead_code)]
#[path = "../../crates/exactflow-cli/src/times_arg.rs"]
mod times_arg;

use exactflow_core::number::{f64_to_q_exact, parse_exact, q_to_f64_nearest, Q};
use exactflow_core::times::{TimePoint, Times};
use libfuzzer_sys::fuzz_target;
use num_bigint::BigInt;
use std::path::PathBuf;
use times_arg::{TimeSource, TimesFile};

fn same_f64(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

fn check_point(p: &TimePoint) -> Q {
    let q = p.to_q();
    assert!(
        same_f64(p.to_f64(), q_to_f64_nearest(&q)),
        "to_f64 of {p:?} is {} but the exact value rounds to {}",
        p.to_f64(),
        q_to_f64_nearest(&q)
    );
    q
}

/// Walks a few points of `t` (both ends, the middle, neighbours) and checks them.
fn walk(t: &Times, grid: Option<(&Q, &Q, bool)>) {
    let n = t.len();
    assert!(n >= 1, "a constructed axis has points");
    let mut idx = vec![0, 1, n / 2, n.saturating_sub(2), n - 1];
    idx.retain(|&j| j < n);
    idx.sort_unstable();
    idx.dedup();
    let mut prev: Option<Q> = None;
    for &j in &idx {
        let q = check_point(&t.point(j));
        if let Some((t0, t1, log)) = grid {
            if !log && n > 1 {
                let want = t0
                    + (t1 - t0) * Q::from_integer(BigInt::from(j))
                        / Q::from_integer(BigInt::from(n - 1));
                assert_eq!(q, want, "uniform point {j} of {n}");
            }
            if j == 0 {
                assert_eq!(&q, t0, "first point is T0");
            }
            if j == n - 1 && n > 1 {
                assert_eq!(&q, t1, "last point is T1");
            }
            if let Some(p) = &prev {
                assert!(p <= &q, "grid points never decrease (point {j})");
            }
        }
        prev = Some(q);
    }
    // A block agrees with the points one by one.
    let start = n / 2;
    let mut block = Vec::new();
    t.block(start, 8, &mut block);
    assert_eq!(block.len() as u64, (n - start).min(8));
    for (k, p) in block.iter().enumerate() {
        assert_eq!(p.to_q(), t.point(start + k as u64).to_q(), "block vs point");
    }
    let _ = t.max();
}

fn scratch_file() -> PathBuf {
    std::env::temp_dir().join(format!("exactflow-fuzz-times-{}", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 4 == 3 {
        // --times-file: any bytes (text lines or an NPY vector).
        let path = scratch_file();
        std::fs::write(&path, rest).expect("scratch file");
        if let Ok(tf) = TimesFile::open(&path) {
            let n = tf.len();
            let max = tf.max_f64();
            let src = TimeSource::File(tf);
            let mut count = 0u64;
            let mut seen_max = 0f64;
            src.for_each_block(3, |b| {
                for p in &b {
                    check_point(p);
                    let x = p.to_f64();
                    if x.is_nan() || x > seen_max {
                        seen_max = x;
                    }
                }
                count += b.len() as u64;
                Ok(())
            })
            .expect("a validated file streams again");
            assert_eq!(count, n, "points counted = points streamed");
            assert!(same_f64(max, seen_max), "largest point");
        }
        let _ = std::fs::remove_file(&path);
        return;
    }
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    // One number: both parsers agree; a double's exact value.
    if text.len() <= 64 {
        let a = TimePoint::parse(text);
        let b = parse_exact(text);
        match (&a, &b) {
            (Ok(p), Ok(q)) => assert_eq!(&check_point(p), q, "TimePoint::parse vs parse_exact"),
            (Err(_), Err(_)) => {}
            _ => panic!("TimePoint::parse and parse_exact disagree on {text:?}: {a:?} vs {b:?}"),
        }
    }
    if rest.len() >= 8 {
        let x = f64::from_le_bytes(rest[..8].try_into().expect("8 bytes"));
        match TimePoint::from_f64(x) {
            Some(p) => {
                assert_eq!(Some(check_point(&p)), f64_to_q_exact(x), "from_f64({x:e})");
                assert!(same_f64(p.to_f64(), x), "from_f64({x:e}) rounds back");
            }
            None => assert!(!x.is_finite(), "from_f64 of a finite {x:e}"),
        }
    }
    match mode % 4 {
        0 => {
            if let Ok(t) = times_arg::parse_list(text) {
                walk(&t, None);
            }
        }
        _ => {
            if let Ok(t) = times_arg::parse_grid(text) {
                let parts: Vec<&str> = text.split(':').collect();
                let t0 = parse_exact(parts[0]).expect("accepted T0");
                let t1 = parse_exact(parts[1]).expect("accepted T1");
                walk(&t, Some((&t0, &t1, parts.len() == 4)));
            }
        }
    }
});
