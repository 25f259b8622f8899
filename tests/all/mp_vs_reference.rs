//! The arbitrary-precision engine (the shared closed form in MPFR balls) against the
//! independent 4096-bit literal evaluation of docs/model.md: every ball contains the
//! reference, balls are tight, precisions overlap, and certified evaluation reaches the
//! requested digits — including late in training.

use exactflow_core::number::{f64_to_q_exact, Q};
use exactflow_core::Observables;
use exactflow_core::{Column, Need};
use exactflow_mp::ball::Ball;
use exactflow_mp::MpSolution;
use exactflow_mp::{Uncertain, UncertifiedCell};
use exactflow_tests::{
    base_scenario, example_f64, reference, reference_residual_tail, scenario_from_f64, Lcg, RefObs,
};
use rug::ops::Pow;
use rug::Float;

const REF_PREC: u32 = 4096;

/// Whether the ball contains the reference up to the reference's own error: the literal
/// formulas lose at most ~2000 of their 4096 bits to cancellation here, so the reference
/// is good to 1e-550 relative.
fn holds(b: &Ball, r: &Float) -> bool {
    if b.is_nan() {
        // A ball without information holds only an undefined value.
        return r.is_nan();
    }
    let p = REF_PREC + 256;
    let d = Float::with_val(p, r - b.mid()).abs();
    let tiny = Float::with_val(p, 10u32).pow(-550i32);
    let slack = Float::with_val(p, r.abs_ref()) * tiny;
    d <= Float::with_val(p, b.rad() + &slack) + Float::with_val(p, 10u32).pow(-1000i32)
}

fn cells<'a>(o: &'a Observables<Ball>, r: &'a RefObs) -> [(&'static str, &'a Ball, &'a Float); 8] {
    [
        ("z", &o.z, &r.z),
        ("slope", &o.slope, &r.slope),
        ("residual", &o.residual, &r.residual),
        ("loss", &o.loss, &r.loss),
        ("ntk", &o.ntk, &r.ntk),
        ("alignment", &o.alignment, &r.alignment),
        ("norm_u", &o.norm_u, &r.norm_u),
        ("norm_w", &o.norm_w, &r.norm_w),
    ]
}

/// A deterministic sweep of scenarios: widths 1–8, scales 1e-8..10 per layer, both target
/// signs, random γ and learning rates.
fn sweep(n: usize, seed: u64) -> Vec<exactflow_core::Scenario> {
    let mut rng = Lcg(seed);
    (0..n)
        .map(|_| {
            let d = 1 + (rng.next_u53() % 8) as usize;
            let su = rng.pick(&[1e-8, 1e-3, 1.0, 10.0]);
            let sw = rng.pick(&[1e-8, 1e-3, 1.0, 10.0]);
            let u: Vec<f64> = (0..d).map(|_| su * rng.normalish()).collect();
            let w: Vec<f64> = (0..d).map(|_| sw * rng.normalish()).collect();
            let theta = rng.pick(&[1.0, -1.0, 2.5, -0.3]);
            let gamma = rng.pick(&[1.0, -0.5, 0.9, 2.0]);
            let (eu, ew) = (rng.pick(&[1.0, 0.7, 2.0]), rng.pick(&[1.0, 1.3, 0.5]));
            scenario_from_f64(gamma, eu, ew, 1.1, 1.1 * theta, &u, &w)
        })
        .collect()
}

#[test]
fn balls_contain_the_reference_and_are_tight() {
    let mut worst = 0f64;
    for s in sweep(60, 11) {
        let red = s.reduction();
        let sol = MpSolution::new(red.clone());
        let omega = exactflow_fast::FastSolution::from_reduction(&red).omega();
        let ts: Vec<f64> = [0.0, 1e-9, 0.3, 1.0, 5.0, 40.0, 150.0]
            .iter()
            .map(|x| x / omega)
            .collect();
        let tq: Vec<Q> = ts
            .iter()
            .map(|t| f64_to_q_exact(*t).unwrap_or_default())
            .collect();
        let got = sol.eval_at_prec(&tq, 256);
        for (t, o) in ts.iter().zip(&got) {
            let r = reference(&red, *t, REF_PREC);
            for (name, b, rv) in cells(o, &r) {
                if rv.is_nan() {
                    continue;
                }
                assert!(
                    holds(b, rv),
                    "{name} at t = {t:e}: ball {:?} misses {rv:.30e}\n{}",
                    b,
                    s.canonical_toml()
                );
                // Tight: 256 bits, so the radius is far below 1e-60 relative (or absolute
                // for values at zero).
                // Tight: the radius is within 2^16 ulp at 256 bits, relative to the value:
                // the closed form is some sixty operations in cancellation-free forms, so
                // the radius grows by a few ulp per operation (measured worst: ~2^11 ulp).
                let scale = Float::with_val(64, rv.abs_ref()).max(&Float::with_val(64, 1e-300));
                let rel = Float::with_val(64, b.rad() / &scale).to_f64();
                worst = worst.max(rel);
                assert!(
                    rel < 2f64.powi(16 - 256) || rv.is_zero(),
                    "{name} at t = {t:e}: radius {rel:e} relative"
                );
            }
        }
    }
    println!(
        "worst relative radius at 256 bits: {worst:e} (one ulp: {:e})",
        2f64.powi(-256)
    );
}

#[test]
fn precision_p_overlaps_precision_2p() {
    for s in sweep(20, 5) {
        let sol = MpSolution::new(s.reduction());
        let tq: Vec<Q> = ["0", "1/3", "2.5", "17"]
            .iter()
            .map(|x| exactflow_core::number::parse_exact(x).unwrap_or_default())
            .collect();
        let lo = sol.eval_at_prec(&tq, 128);
        let hi = sol.eval_at_prec(&tq, 256);
        for (a, b) in lo.iter().zip(&hi) {
            for (x, y) in a.to_array().iter().zip(b.to_array()) {
                assert!(x.overlaps(y), "{x:?} vs {y:?}");
            }
        }
    }
}

#[test]
fn certified_40_digits_late_in_training() {
    // The CLI example scenario, at ωt = 150 (residual ≈ e^-150): 36+ correct digits.
    let s = example_f64(-2.5);
    let red = s.reduction();
    let omega = exactflow_fast::FastSolution::from_reduction(&red).omega();
    let t = 150.0 / omega;
    let sol = MpSolution::new(red.clone());
    let c = sol.eval_certified(
        &[f64_to_q_exact(t).unwrap_or_default()],
        40,
        exactflow_core::Need::ALL,
    );
    assert_eq!(c.uncertified, 0);
    let r = reference(&red, t, REF_PREC);
    let o = &c.values[0];
    for (name, b, rv) in cells(o, &r) {
        assert!(holds(b, rv), "{name}");
        assert!(b.rel_rad() < 0.5e-40, "{name}: {}", b.rel_rad());
    }
    assert!(r.residual.to_f64().abs() < 1e-60);
}

#[test]
fn fast_agrees_with_mp_within_its_documented_error() {
    use exactflow_fast::{FastSolution, OMEGA_T_TOL, REL_TOL};
    for s in sweep(40, 23) {
        let red = s.reduction();
        let fast = FastSolution::from_reduction(&red);
        let om = fast.omega();
        let ts: Vec<f64> = [0.0, 0.2, 1.0, 7.0, 60.0, 300.0]
            .iter()
            .map(|x| x / om)
            .collect();
        let tq: Vec<Q> = ts
            .iter()
            .map(|t| f64_to_q_exact(*t).unwrap_or_default())
            .collect();
        let mp = MpSolution::new(red).eval_at_prec(&tq, 200);
        for (t, m) in ts.iter().zip(&mp) {
            let o = fast.eval(*t);
            let tol = REL_TOL + om * t * OMEGA_T_TOL;
            for (name, x, b) in [
                ("z", o.z, &m.z),
                ("residual", o.residual, &m.residual),
                ("loss", o.loss, &m.loss),
                ("ntk", o.ntk, &m.ntk),
            ] {
                let mid = b.mid().to_f64();
                if mid.abs() < 1e-290 {
                    continue;
                }
                let e = ((x - mid) / mid).abs();
                assert!(
                    e <= tol,
                    "{name} at t = {t:e}: fast {x:e} vs mp {mid:e} ({e:e} > {tol:e})"
                );
            }
        }
    }
}

/// On a uniform grid the decay factor is carried by multiplication (re-anchored every
/// 32 points): still every ball contains the reference and overlaps the point-by-point
/// evaluation, and radii stay tight.
#[test]
fn grid_recurrence_is_rigorous_and_tight() {
    for s in sweep(8, 31) {
        let red = s.reduction();
        let om = exactflow_fast::FastSolution::from_reduction(&red).omega();
        // 100 points on [0, 20/ω], the step an exact dyadic.
        let step = f64_to_q_exact((20.0 / om / 99.0 * 1024.0).round() / 1024.0).unwrap_or_default();
        let grid: Vec<Q> = (0..100)
            .map(|j| &step * Q::from_integer(j.into()))
            .collect();
        let sol = MpSolution::new(red.clone());
        let carried = sol.eval_at_prec(&grid, 256);
        let single: Vec<_> = grid
            .iter()
            .flat_map(|t| sol.eval_at_prec(std::slice::from_ref(t), 256))
            .collect();
        for (j, (a, b)) in carried.iter().zip(&single).enumerate() {
            let t = exactflow_core::number::q_to_f64_nearest(&grid[j]);
            let r = reference(&red, t, REF_PREC);
            for ((name, x, rv), y) in cells(a, &r).into_iter().zip(b.to_array()) {
                assert!(x.overlaps(y), "{name} at point {j}");
                assert!(
                    rv.is_nan() || holds(x, rv),
                    "{name} at point {j} misses the reference"
                );
                assert!(
                    x.rel_rad() < 2f64.powi(16 - 256) || rv.is_zero() || x.is_nan(),
                    "{name} at point {j}: {}",
                    x.rel_rad()
                );
            }
        }
    }
}

/// Times as an exact dyadic multiple of a step near `scale/ω`: `j·step` (a uniform grid:
/// carried decay factor, re-anchored from the power table) or scattered multiples
/// `(7919 j mod 1009)·step/16` (power table only).
fn dyadic_times(omega: f64, scale: f64, n: usize, scattered: bool) -> Vec<Q> {
    let step = 2f64.powi((scale / omega).log2().floor() as i32);
    (0..n)
        .map(|j| {
            let k = if scattered {
                ((7919 * j) % 1009) as f64 / 16.0
            } else {
                j as f64
            };
            f64_to_q_exact(k * step).unwrap_or_default()
        })
        .collect()
}

/// The lean forms (the fewest operations, requested columns only) and the certified
/// evaluation built on them: every requested ball contains the reference, on grids and
/// at scattered times (decay factors from the power table), for several column sets;
/// certified cells reach their digits; unrequested cells are NaN.
#[test]
fn lean_and_certified_evaluations_contain_the_reference() {
    use exactflow_core::{Column as C, Need};
    let needs = [
        Need::from_columns(&[C::Z, C::Residual, C::Ntk, C::Alignment]),
        Need::from_columns(&[C::Residual]),
        Need::from_columns(&[C::Slope, C::Loss]),
        Need::ALL,
    ];
    for (i, s) in sweep(24, 17).into_iter().enumerate() {
        let red = s.reduction();
        let sol = MpSolution::new(red.clone());
        let om = exactflow_fast::FastSolution::from_reduction(&red).omega();
        let times = dyadic_times(om, 1.5, 40, i % 2 == 1);
        let need = needs[i % needs.len()];
        let lean = sol.eval_lean_at_prec(&times, 200, need);
        let cert = sol.eval_certified(&times, 30, need);
        assert_eq!(cert.uncertified, 0, "{}", s.canonical_toml());
        for (j, t) in times.iter().enumerate() {
            let tf = exactflow_core::number::q_to_f64_nearest(t);
            let r = reference(&red, tf, REF_PREC);
            for (o, label) in [(&lean[j], "lean"), (&cert.values[j], "certified")] {
                for (col, (name, b, rv)) in
                    exactflow_core::Column::VALUES.into_iter().zip(cells(o, &r))
                {
                    if !need.wants(col) || rv.is_nan() {
                        continue;
                    }
                    assert!(
                        holds(b, rv),
                        "{label} {name} at t = {tf:e}: {b:?} misses {rv:.30e}\n{}",
                        s.canonical_toml()
                    );
                    if label == "certified" {
                        // ½·10^-30 ≥ 2^-102.
                        assert!(b.rel_rad_at_most(-102) || rv.is_zero(), "{name}");
                    }
                }
            }
        }
    }
}

/// Certification far beyond the `f64` exponent range: at 1000 digits every radius is
/// proven ≤ 2^-3324·|value| (below ½·10^-1000), and the balls overlap an evaluation at
/// 4000 bits.
#[test]
fn certified_1000_digits_are_proven() {
    use exactflow_core::{Column as C, Need};
    let s = example_f64(2.5);
    let sol = MpSolution::new(s.reduction());
    let times: Vec<Q> = (0..12).map(|j| Q::new((j * j).into(), 7.into())).collect();
    let need = Need::from_columns(&[C::Z, C::Residual, C::Ntk, C::Alignment, C::Loss]);
    let cert = sol.eval_certified(&times, 1000, need);
    assert_eq!(cert.uncertified, 0);
    let hi = sol.eval_at_prec(&times, 4000);
    for (a, b) in cert.values.iter().zip(&hi) {
        for (col, (x, y)) in C::VALUES
            .into_iter()
            .zip(a.to_array().into_iter().zip(b.to_array()))
        {
            if need.wants(col) {
                assert!(x.rel_rad_at_most(-3324), "{col:?}");
                assert!(x.overlaps(y), "{col:?}");
            }
        }
    }
}

/// The top of the documented range: 100,000 digits at one time point, certified, and
/// its leading digits those of a 60-digit evaluation.
#[test]
fn hundred_thousand_digits_smoke() {
    use exactflow_core::{Column as C, Need};
    let s = example_f64(2.5);
    let sol = MpSolution::new(s.reduction());
    let t = [Q::new(3.into(), 2.into())];
    let need = Need::from_columns(&[C::Z, C::Residual, C::Ntk, C::Alignment]);
    let big = sol.eval_certified(&t, exactflow_mp::MAX_DIGITS, need);
    assert_eq!(big.uncertified, 0);
    assert!(big.prec >= 332_193);
    let small = sol.eval_certified(&t, 60, need);
    for (col, (x, y)) in C::VALUES.into_iter().zip(
        big.values[0]
            .to_array()
            .into_iter()
            .zip(small.values[0].to_array()),
    ) {
        if need.wants(col) {
            assert!(x.rel_rad_at_most(-332_193), "{col:?}");
            assert_eq!(
                exactflow_mp::format_mid(x, 50),
                exactflow_mp::format_mid(y, 50),
                "{col:?}"
            );
        }
    }
}

/// The certified path (lean forms first, the careful ones where they do not apply or do
/// not certify) on the degenerate shapes of docs/model.md §4 and the corners of the lean forms:
/// `s₀ = 0`, `δ₀ = 0`, the origin, `ω = 0`, a rank-one start with `θ* = 0` (a vanishing
/// layer), a slope through zero, tiny initializations — every requested ball contains
/// the reference and reaches its digits.
#[test]
fn certified_path_on_degenerate_shapes() {
    use exactflow_core::{Column as C, Need};
    let f = scenario_from_f64;
    let cases = [
        (
            "s0 = 0",
            f(1.0, 0.5, 0.5, 2.0, 2.0, &[0.3, -0.1], &[-0.3, 0.1]),
        ),
        (
            "s0 = 0, theta = -1",
            f(1.0, 0.5, 0.5, 2.0, -2.0, &[0.3, -0.1], &[-0.3, 0.1]),
        ),
        (
            "delta0 = 0",
            f(1.0, 2.0, 2.0, 1.0, 1.0, &[0.3, -0.1], &[0.3, -0.1]),
        ),
        (
            "delta0 = 0, saddle",
            f(1.0, 2.0, 2.0, 1.0, -1.0, &[0.3, -0.1], &[0.3, -0.1]),
        ),
        (
            "origin",
            f(1.0, 1.0, 1.0, 1.0, 1.5, &[0.0, 0.0], &[0.0, 0.0]),
        ),
        (
            "omega = 0",
            f(1.0, 1.0, 1.0, 1.0, 0.0, &[0.5, 0.5], &[0.5, 0.5]),
        ),
        (
            "rank one, theta = 0",
            f(0.7, 1.0, 2.0, 1.0, 0.0, &[0.5, 0.25], &[1.0, 0.5]),
        ),
        (
            "slope through zero",
            f(1.0, 1.0, 1.0, 1.0, 2.0, &[0.5, 0.1], &[-0.4, 0.3]),
        ),
        (
            "tiny init",
            f(1.0, 1.0, 1.0, 1.0, 1.0, &[1e-30, 2e-30], &[-1e-30, 3e-30]),
        ),
    ];
    let needs = [
        Need::ALL,
        Need::from_columns(&[C::Z, C::Residual, C::Ntk, C::Alignment]),
        Need::from_columns(&[C::Slope, C::Loss]),
    ];
    for (name, s) in cases {
        let red = s.reduction();
        let om = exactflow_fast::FastSolution::from_reduction(&red).omega();
        let scale = if om > 0.0 { 1.0 / om } else { 1.0 };
        let tf: Vec<f64> = [0.0, 0.25, 1.0, 3.0, 40.0, 200.0]
            .iter()
            .map(|k| {
                let t: f64 = k * scale;
                // Dyadic times (exact doubles): 2^-10 resolution.
                (t * 1024.0).round() / 1024.0
            })
            .collect();
        let tq: Vec<Q> = tf
            .iter()
            .map(|&t| f64_to_q_exact(t).unwrap_or_default())
            .collect();
        for need in needs {
            let cert = MpSolution::new(red.clone()).eval_certified(&tq, 30, need);
            for (t, o) in tf.iter().zip(&cert.values) {
                let r = reference(&red, *t, REF_PREC);
                for (col, (cname, b, rv)) in C::VALUES.into_iter().zip(cells(o, &r)) {
                    if !need.wants(col) || rv.is_nan() {
                        continue;
                    }
                    assert!(
                        holds(b, rv),
                        "{name}: {cname} at t = {t}: {b:?} vs {rv:.40e}"
                    );
                    if !b.is_nan() && !rv.is_zero() {
                        assert!(
                            b.rel_rad_at_most(-102),
                            "{name}: {cname} at t = {t} not certified: {}",
                            b.rel_rad()
                        );
                    }
                }
            }
        }
    }
}

/// Times without a small common denominator (each its own prime denominator) take the
/// dyadic table and a short series: every ball overlaps, and contains the midpoint of, an
/// evaluation at 4000 bits point by point (direct `exp`).
#[test]
fn scattered_times_without_common_denominator() {
    use exactflow_core::Need;
    for s in sweep(6, 41) {
        let red = s.reduction();
        let om = exactflow_fast::FastSolution::from_reduction(&red).omega();
        let primes = [10007i64, 10009, 10037, 10039, 10061, 10067, 10069, 10079];
        let times: Vec<Q> = (0..16)
            .map(|i| {
                let t = (0.4 + 3.0 * i as f64) / om;
                let p = primes[i % 8];
                Q::new(((t * p as f64).round() as i64).into(), p.into())
            })
            .collect();
        let sol = MpSolution::new(red.clone());
        // 400 digits: a working precision inside the dyadic path's range.
        let got = sol.eval_certified(&times, 400, Need::ALL);
        assert!(
            (exactflow_mp::DYADIC_MIN_PREC..=exactflow_mp::DYADIC_MAX_PREC).contains(&got.prec)
        );
        assert_eq!(got.uncertified, 0);
        for (t, o) in times.iter().zip(&got.values) {
            let hi = sol.eval_at_prec(std::slice::from_ref(t), 4000);
            for (x, y) in o.to_array().into_iter().zip(hi[0].to_array()) {
                assert!(x.overlaps(y), "{x:?} vs {y:?}");
                if !y.is_nan() {
                    assert!(x.contains(y.mid()), "{x:?} misses {}", y.mid());
                }
            }
        }
    }
}

/// Issue 10 item 1: an initialization of 1e100 makes `ωt = 5.5e201` at `t = 1`, far below
/// any exponent range. The residual (and the loss, `L* = 0`) there are not representable;
/// they must be reported as such — never printed as certified NaNs — and every other cell
/// certifies.
#[test]
fn nan_is_never_certified() {
    let s = base_scenario(
        Some(&["1e100", "-2e100", "3e100"]),
        Some(&["5e100", "1e100", "-7e100"]),
    );
    let mp = MpSolution::new(s.reduction());
    let times = [Q::from_integer(0.into()), Q::from_integer(1.into())];
    let cert = mp.eval_certified(&times, 30, Need::ALL);
    let expect = |column| UncertifiedCell {
        index: 1,
        column,
        reason: Uncertain::BelowRange,
    };
    assert_eq!(
        cert.cells,
        vec![expect(Column::Residual), expect(Column::Loss)]
    );
    for (i, o) in cert.values.iter().enumerate() {
        for c in Column::VALUES {
            let b = o.get(c).expect("value column");
            if cert.cells.iter().any(|x| x.index == i && x.column == c) {
                continue;
            }
            assert!(
                !b.is_nan() && b.rel_rad_at_most(-100),
                "{} at {i}",
                c.name()
            );
        }
    }
    // The certified cells hold the literal reference (z at t = 1 is z₊ to all digits).
    let r = reference(&s.reduction(), 1.0, REF_PREC);
    assert!(holds(&cert.values[1].z, &r.z));
    assert!(holds(&cert.values[1].ntk, &r.ntk));
}

/// Issue 10 items 2 and 3: the residual at `t = 1e9` is about 10^-1879581836 — beyond
/// MPFR's default exponent range (2^±(2^30)), once printed as an exact `0` with bound `0`.
/// Now it is certified, holds the independent linearized tail reference to every one of
/// its 20 digits, and the precision is not raised for it (the decay factor comes from
/// MPFR's exp in the widest exponent range).
#[test]
fn deep_tail_residual_beyond_the_default_exponent_range() {
    exactflow_mp::exponent::ensure_wide_exponents();
    let s = base_scenario(None, None);
    let red = s.reduction();
    let mp = MpSolution::new(red.clone());
    for t in ["3e6", "1e8", "1e9", "1e12"] {
        let tq = exactflow_core::number::parse_exact(t).expect("time");
        let cert = mp.eval_certified(
            std::slice::from_ref(&tq),
            20,
            Need::from_columns(&[Column::Residual]),
        );
        assert!(cert.cells.is_empty(), "{t}: {:?}", cert.cells);
        let b = &cert.values[0].residual;
        assert!(!b.mid().is_zero() && b.rel_rad_at_most(-70), "{t}");
        // No precision raise: the first working precision (20 digits + 32 guard bits,
        // whole limbs) certified it.
        assert_eq!(cert.prec, 128, "{t}");
        let r = reference_residual_tail(&red, &tq, 256);
        assert!(holds_rel(b, &r, -60), "{t}: {} vs {}", b.mid(), r);
        // The printed bound holds: |printed − reference| ≤ bound.
        let printed = exactflow_mp::format_mid(b, 20);
        let bound = exactflow_mp::error_bound(b, &printed, 20).expect("a bound");
        let pv = Float::with_val(256, Float::parse(&printed).expect("decimal"));
        let gap = Float::with_val(256, &pv - &r).abs();
        assert!(gap <= Float::with_val(256, &bound * 1.001f64), "{t}");
    }
}

/// Whether the ball holds `r` up to `2^k` relative slack for the reference's own error.
fn holds_rel(b: &Ball, r: &Float, k: i32) -> bool {
    let p = r.prec() + 64;
    let d = Float::with_val(p, r - b.mid()).abs();
    let slack = Float::with_val(p, r.abs_ref()) * Float::with_val(p, 2u32).pow(k);
    d <= Float::with_val(p, b.rad() + &slack)
}

/// Issue 10 item 3: the bound of a value 2^-(6·10⁹) is formatted from its exponent
/// (the old path converted it to an exact rational with a 1.8-billion-digit denominator).
#[test]
fn deep_tail_bounds_format_from_their_exponent() {
    exactflow_mp::exponent::ensure_wide_exponents();
    let mut x = Float::with_val(128, 0.75);
    exactflow_mp::exponent::mul_2exp(&mut x, -6_000_000_000);
    let b = Ball::new(x, &Float::with_val(64, 0));
    let printed = exactflow_mp::format_mid(&b, 20);
    // log10(0.75·2^-6e9) = log10(0.75) − 6e9·log10(2) = −1806179974.109 (mpmath):
    // 7.7834849876630532271e-1806179975.
    assert_eq!(printed, "7.7834849876630532271e-1806179975");
    // Half a unit in the 20th digit, rounded up to two digits.
    let err = exactflow_mp::format_err(&b, &printed, 20);
    assert!(
        err.starts_with("5.") && err.ends_with("e-1806179995"),
        "{err}"
    );
}
