//! Unit tests of the entry point: which parameters apply to which method, their ranges,
//! the up-front budget (issue 11 item 4: the inputs that used to hang), refusals of values
//! `f64` cannot carry (issue 10 item 12), and runs against an independent MPFR run.

use super::*;
use crate::error::Param;
use crate::error::Status;
use crate::request::*;
use exactflow_core::number::parse_exact;
use exactflow_core::presets::preset;
use exactflow_core::scenario::{InitKind, InitSpec, ScenarioSpec};
use exactflow_core::Column;

fn q(s: &str) -> Q {
    parse_exact(s).unwrap()
}

/// The README's example scenario (`base.toml`), with its initialization scaled by `scale`.
pub(crate) fn base(scale: &str) -> Scenario {
    let s = q(scale);
    let v = |xs: &[&str]| xs.iter().map(|x| q(x) * &s).collect::<Vec<_>>();
    ScenarioSpec {
        name: None,
        gamma: Some(q("0.9")),
        eta_u: Some(q("0.7")),
        eta_w: Some(q("13/10")),
        exx: Some(q("1.1")),
        exy: Some(q("-2.5")),
        eyy: None,
        init: InitSpec {
            kind: Some(InitKind::Explicit),
            u0: Some(v(&["0.1", "-0.2", "0.3"])),
            w0: Some(v(&["0.5", "0.1", "-0.7"])),
            ..InitSpec::default()
        },
    }
    .validate()
    .unwrap()
}

fn times(ts: &[&str]) -> Option<Vec<Q>> {
    Some(ts.iter().map(|t| q(t)).collect())
}

/// A run's rows (as `f64`) and its report or up-front error.
type Ran = (Vec<(Q, Observables<f64>)>, Result<Report, SimError>);

/// Runs a request, collecting `f64` rows; the report, or the up-front error.
fn run(s: &Scenario, kind: MethodKind, o: Options) -> Ran {
    let req = Request::new(kind, o).expect("a valid request");
    let mut rows = Vec::new();
    let mut sink = |t: &Q, v: Values<'_>| {
        match v {
            Values::F64(o) => rows.push((t.clone(), o.clone())),
            Values::Mp(o) => rows.push((
                t.clone(),
                Observables::from_fn(|c| o.get(c).unwrap().to_f64()),
            )),
        }
        Ok::<(), ()>(())
    };
    let r = match simulate(s, &req, &mut sink) {
        Ok(r) => Ok(r),
        Err(RunError::Sim(e)) => Err(e),
        Err(RunError::Sink(())) => unreachable!(),
    };
    (rows, r)
}

#[test]
fn parameters_that_do_not_apply_are_named() {
    let cases: Vec<(MethodKind, Options, Param)> = vec![
        (
            MethodKind::Gd,
            Options {
                steps: Some(5),
                rtol: Some(-1.0),
                step: Some(-5.0),
                ..Options::default()
            },
            Param::Step,
        ),
        (
            MethodKind::Gd,
            Options {
                steps: Some(5),
                rtol: Some(1e-9),
                ..Options::default()
            },
            Param::Rtol,
        ),
        (
            MethodKind::GdReduced,
            Options {
                steps: Some(5),
                times: times(&["1"]),
                ..Options::default()
            },
            Param::Times,
        ),
        (
            MethodKind::Rk4,
            Options {
                times: times(&["1"]),
                rtol: Some(1e-9),
                ..Options::default()
            },
            Param::Rtol,
        ),
        (
            MethodKind::Rk4,
            Options {
                times: times(&["1"]),
                steps: Some(3),
                ..Options::default()
            },
            Param::Steps,
        ),
        (
            MethodKind::Dop853,
            Options {
                times: times(&["1"]),
                step: Some(0.1),
                ..Options::default()
            },
            Param::Step,
        ),
        (
            MethodKind::Dop853,
            Options {
                times: times(&["1"]),
                every: Some(2),
                ..Options::default()
            },
            Param::Every,
        ),
        (
            MethodKind::Taylor,
            Options {
                times: times(&["1"]),
                step: Some(0.1),
                ..Options::default()
            },
            Param::Step,
        ),
        (
            MethodKind::Taylor,
            Options {
                times: times(&["1"]),
                rtol: Some(1e-9),
                ..Options::default()
            },
            Param::Rtol,
        ),
    ];
    for (kind, o, param) in cases {
        let e = Request::new(kind, o).unwrap_err();
        assert!(matches!(e, SimError::NotApplicable { .. }), "{kind}: {e}");
        assert_eq!(e.param(), Some(param), "{kind}: {e}");
        assert_eq!(e.status(), Status::InputError);
        assert!(
            !e.to_string().contains("--"),
            "no flag names in the library: {e}"
        );
    }
}

#[test]
fn parameter_values_are_checked() {
    let flow = |kind, o: Options| {
        Request::new(
            kind,
            Options {
                times: times(&["1"]),
                ..o
            },
        )
    };
    for step in [
        -5.0,
        0.0,
        f64::NAN,
        2.0,
        f64::INFINITY,
        1e-22,
        1e-300,
        9.99e-5,
    ] {
        let e = flow(
            MethodKind::Rk4,
            Options {
                step: Some(step),
                ..Options::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.param(), Some(Param::Step), "{step}: {e}");
    }
    for rtol in [-1.0, 0.0, f64::NAN, 1.0, 1e-16] {
        let e = flow(
            MethodKind::Dop853,
            Options {
                rtol: Some(rtol),
                ..Options::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.param(), Some(Param::Rtol), "{rtol}: {e}");
    }
    for (kind, digits) in [
        (MethodKind::Taylor, 9),
        (MethodKind::Taylor, 1001),
        (MethodKind::Rk4, 0),
        (MethodKind::Rk4, 18),
    ] {
        let e = flow(
            kind,
            Options {
                digits: Some(digits),
                ..Options::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.param(), Some(Param::Digits), "{kind} {digits}: {e}");
    }
    let gd = |o: Options| Request::new(MethodKind::Gd, o);
    assert_eq!(
        gd(Options::default()).unwrap_err().param(),
        Some(Param::Steps)
    );
    assert_eq!(
        gd(Options {
            steps: Some(5),
            every: Some(0),
            ..Options::default()
        })
        .unwrap_err()
        .param(),
        Some(Param::Every)
    );
    assert_eq!(
        gd(Options {
            steps: Some(MAX_GD_STEPS + 1),
            ..Options::default()
        })
        .unwrap_err()
        .param(),
        Some(Param::Steps)
    );
    assert_eq!(
        gd(Options {
            steps: Some(5),
            digits: Some(9),
            ..Options::default()
        })
        .unwrap_err()
        .param(),
        Some(Param::Digits)
    );
    for ts in [&["-1"][..], &["1e400"][..], &[][..]] {
        let e = Request::new(
            MethodKind::Rk4,
            Options {
                times: times(ts),
                ..Options::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.param(), Some(Param::Times), "{ts:?}: {e}");
    }
    // Exact times beyond f64 are fine for the MPFR method (its budget decides).
    assert!(Request::new(
        MethodKind::Taylor,
        Options {
            times: times(&["1e400"]),
            ..Options::default()
        }
    )
    .is_ok());
}

#[test]
fn inputs_that_used_to_hang_are_refused_up_front() {
    let s = base("1");
    let big = base("1e60");
    for (scenario, kind, o) in [
        (
            &s,
            MethodKind::Rk4,
            Options {
                times: times(&["1e7"]),
                step: Some(1e-4),
                ..Options::default()
            },
        ),
        (
            &s,
            MethodKind::Rk4,
            Options {
                times: times(&["1e300"]),
                ..Options::default()
            },
        ),
        (
            &s,
            MethodKind::Dop853,
            Options {
                times: times(&["1e300"]),
                ..Options::default()
            },
        ),
        (
            &big,
            MethodKind::Dop853,
            Options {
                times: times(&["1"]),
                ..Options::default()
            },
        ),
        (
            &big,
            MethodKind::Rk4,
            Options {
                times: times(&["1"]),
                ..Options::default()
            },
        ),
    ] {
        let (rows, r) = run(scenario, kind, o);
        let e = r.unwrap_err();
        assert!(matches!(e, SimError::OverBudget { .. }), "{kind}: {e}");
        assert_eq!(e.status(), Status::InputError);
        assert!(rows.is_empty());
    }
    // Taylor at t = 1e300: the integration knows within a few dozen steps that the
    // residual e^{−4·10^300} is beyond MPFR's range, and says so before any row.
    let (rows, r) = run(
        &s,
        MethodKind::Taylor,
        Options {
            times: times(&["1e300"]),
            ..Options::default()
        },
    );
    assert!(rows.is_empty());
    let e = r.unwrap().failure.expect("a refusal");
    assert!(
        matches!(
            e,
            SimError::NotRepresentable {
                column: Column::Residual,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(e.status(), Status::InputError);
    // Full-width GD whose work exceeds the budget: refused before the first step.
    let wide = {
        let mut spec = preset("kernel").unwrap();
        spec.init.width = Some(100_000);
        spec.validate().unwrap()
    };
    let (_, r) = run(
        &wide,
        MethodKind::Gd,
        Options {
            steps: Some(MAX_GD_STEPS),
            ..Options::default()
        },
    );
    assert!(matches!(r, Err(SimError::OverBudget { .. })), "{r:?}");
}

#[test]
fn diverging_gd_stops_with_a_method_failure_after_its_finite_rows() {
    // base.toml at 40 steps: a·ntk explodes from step 1 on (the plot that used to spin).
    let (rows, r) = run(
        &base("1"),
        MethodKind::Gd,
        Options {
            steps: Some(40),
            ..Options::default()
        },
    );
    let r = r.unwrap();
    let e = r.failure.clone().expect("a failure");
    assert!(matches!(e, SimError::Diverged { .. }), "{e}");
    assert_eq!(e.status(), Status::MethodFailed);
    assert_eq!(r.rows, rows.len() as u64);
    assert!(rows.len() < 41 && rows.len() > 1);
    for (t, o) in &rows {
        assert!(
            o.to_array().iter().all(|v| v.is_finite()),
            "step {t}: {o:?}"
        );
    }
}

#[test]
fn values_f64_cannot_carry_are_refused_naming_the_column() {
    // The residual of base.toml at t = 1000 is about 1e-1700: not an f64.
    let (rows, r) = run(
        &base("1"),
        MethodKind::Rk4,
        Options {
            times: times(&["1", "1000"]),
            ..Options::default()
        },
    );
    assert_eq!(rows.len(), 1);
    let e = r.unwrap().failure.expect("a refusal");
    assert!(
        matches!(
            e,
            SimError::NotRepresentable {
                column: Column::Residual,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(e.status(), Status::InputError);
    // Init 1e100: the loss (~1e400) is not an f64 at step 0 — refused, never printed as inf.
    let (rows, r) = run(
        &base("1e100"),
        MethodKind::Gd,
        Options {
            steps: Some(3),
            ..Options::default()
        },
    );
    assert!(rows.is_empty());
    let e = r.unwrap().failure.expect("a refusal");
    assert!(
        matches!(
            e,
            SimError::NotRepresentable {
                column: Column::Loss,
                ..
            }
        ),
        "{e}"
    );
}

/// MPFR-ball GD at 400 bits as the reference of `f64` GD rows (every column within
/// `tol` relative, the alignment absolute).
fn assert_rows_match_mpfr(
    s: &Scenario,
    kind: MethodKind,
    rows: &[(Q, Observables<f64>)],
    tol: f64,
) {
    let steps = rows.len() as u64 - 1;
    let (mp, r) = run(
        s,
        kind,
        Options {
            steps: Some(steps),
            digits: Some(100),
            ..Options::default()
        },
    );
    assert!(r.unwrap().failure.is_none());
    for ((t, a), (_, b)) in rows.iter().zip(&mp) {
        for col in Column::VALUES {
            let (x, y) = (*a.get(col).unwrap(), *b.get(col).unwrap());
            let err = if col == Column::Alignment {
                (x - y).abs()
            } else {
                ((x - y) / y).abs()
            };
            assert!(err < tol, "{kind} step {t} {}: {x:e} vs {y:e}", col.name());
        }
    }
}

#[test]
fn saddle_gd_in_f64_prints_only_rows_it_can_vouch_for() {
    // The saddle preset: 1 − ake ≈ 1e-15 per step, so literal f64 GD loses every digit by
    // step 4 (it used to print z = 9.4e-50 there; the truth is 4.26e-57).
    let s = preset("saddle").unwrap().validate().unwrap();
    let (rows, r) = run(
        &s,
        MethodKind::Gd,
        Options {
            steps: Some(50),
            ..Options::default()
        },
    );
    let e = r.unwrap().failure.expect("stops");
    assert!(matches!(e, SimError::AccuracyLost { .. }), "{e}");
    assert!(rows.len() >= 3, "{}", rows.len());
    assert_rows_match_mpfr(&s, MethodKind::Gd, &rows, 1e-9);
    // The reduced map carries 1 − ake cancellation-free: accurate until z leaves f64.
    let (rows, r) = run(
        &s,
        MethodKind::GdReduced,
        Options {
            steps: Some(50),
            ..Options::default()
        },
    );
    let e = r.unwrap().failure.expect("stops");
    assert_eq!(e.status(), Status::InputError, "{e}");
    assert!(rows.len() >= 5, "{}", rows.len());
    assert_rows_match_mpfr(&s, MethodKind::GdReduced, &rows, 1e-12);
}

#[test]
fn gd_on_the_presets_matches_mpfr_gd() {
    for name in ["alignment", "disalignment", "kernel", "rescaling"] {
        let s = preset(name).unwrap().validate().unwrap();
        for kind in [MethodKind::Gd, MethodKind::GdReduced] {
            let (rows, r) = run(
                &s,
                kind,
                Options {
                    steps: Some(30),
                    ..Options::default()
                },
            );
            assert!(r.unwrap().failure.is_none(), "{name}");
            assert_rows_match_mpfr(&s, kind, &rows, 1e-11);
        }
    }
}

/// The MPFR rows of a GD run at `digits`, and its failure.
fn run_mp(
    s: &Scenario,
    kind: MethodKind,
    steps: u64,
    digits: u32,
) -> (Vec<Observables<Float>>, Option<SimError>) {
    let o = Options {
        steps: Some(steps),
        digits: Some(digits),
        ..Options::default()
    };
    let req = Request::new(kind, o).expect("valid");
    let mut rows = Vec::new();
    let mut sink = |_: &Q, v: Values<'_>| {
        if let Values::Mp(o) = v {
            rows.push(o.clone());
        }
        Ok::<(), ()>(())
    };
    let r = simulate(s, &req, &mut sink)
        .map_err(|_| ())
        .expect("no up-front error");
    (rows, r.failure)
}

/// Asserts `a` agrees with the reference `b` to `2^-bits` relative in every column.
fn assert_agree(a: &[Observables<Float>], b: &[Observables<Float>], bits: i32, what: &str) {
    for (n, (x, y)) in a.iter().zip(b).enumerate() {
        for col in Column::VALUES {
            let (x, y) = (x.get(col).unwrap(), y.get(col).unwrap());
            let d = Float::with_val(64, x - y).abs();
            let tol = Float::with_val(64, y.abs_ref()) >> bits;
            assert!(
                d <= tol,
                "{what} step {n} {}: {x:.45e} vs {y:.45e}",
                col.name()
            );
        }
    }
}

#[test]
fn mpfr_gd_hands_over_only_certified_digits() {
    // Issue 10 item 11 for GD: on the saddle preset MPFR GD printed z = 2.998e-171 at
    // step 5 with 40 digits (truth 3.0156e-171) and 3.34e-3579 at step 8 with 1000 (truth
    // 4.196e-4623). Balls now certify each row, raising the precision as needed.
    let s = preset("saddle").unwrap().validate().unwrap();
    let (reference, failure) = run_mp(&s, MethodKind::GdReduced, 8, 300);
    assert!(failure.is_none(), "{failure:?}");
    let z5 = reference[5].z.to_f64();
    assert!((z5 / 3.0156332482293395e-171 - 1.0).abs() < 1e-15, "{z5:e}");
    let z8 = Float::with_val(64, Float::parse("4.195877199361253853899e-4623").unwrap());
    let d = Float::with_val(64, &reference[8].z - &z8).abs() / &z8;
    assert!(d < 1e-18, "z at step 8: {:.20e}", reference[8].z);
    let bits = crate::num::digits_to_bits(40) as i32 + 1;
    let (reduced, failure) = run_mp(&s, MethodKind::GdReduced, 8, 40);
    assert!(failure.is_none(), "{failure:?}");
    assert_agree(&reduced, &reference, bits, "gd-reduced at 40 digits");
    // Full-width GD cancels in its update (1 − ake ≈ 1e-15, then ≈ 1e-171, …): its
    // precision must triple every step, and the run stops where the budget ends — after
    // rows that are right.
    let (full, failure) = run_mp(&s, MethodKind::Gd, 8, 40);
    let e = failure.expect("the precision budget ends");
    assert!(matches!(e, SimError::PrecisionExhausted { .. }), "{e}");
    assert_eq!(e.status(), crate::error::Status::MethodFailed);
    assert!(full.len() >= 6, "{}", full.len());
    assert_agree(&full, &reference, bits, "gd at 40 digits");
}

#[test]
fn reduced_gd_in_f64_keeps_its_digits_at_extreme_scales() {
    // Issue 10 item 12 for gd-reduced: the degree-4 quantities of the three-scalar map
    // (S·D, the Gram determinant, |ũ|²|w̃|²) under- or overflowed f64 where every printed
    // value is an ordinary double. Init × 1e-100 printed slope −2.4776e-201 (truth
    // −1.62e-201) and norm_u 3.3067e-101 (truth 3.7417e-101); a dominant normalized layer
    // (|w̃|²/|ũ|² ~ 1e400) printed alignment −inf. The reference: full-width GD (the
    // vectors, not the map) in MPFR.
    let spec = |eta: &str, u0: &[&str], w0: &[&str]| {
        ScenarioSpec {
            name: None,
            gamma: Some(q("0.9")),
            eta_u: Some(q(eta)),
            eta_w: Some(q(eta)),
            exx: Some(q("1.1")),
            exy: Some(q("-2.5")),
            eyy: None,
            init: InitSpec {
                kind: Some(InitKind::Explicit),
                u0: Some(u0.iter().map(|x| q(x)).collect()),
                w0: Some(w0.iter().map(|x| q(x)).collect()),
                ..InitSpec::default()
            },
        }
        .validate()
        .unwrap()
    };
    let cases = [
        base("1e-100"),
        base("1e-150"),
        // |ũ| ~ 1e-2, |w̃| ~ 1e6: |s|² − |δ|² cancels 8 digits (slope printed as
        // −1.6200000000003989e-3 at step 0, truth −1.62e-3).
        spec("1e-6", &["1e-6", "-2e-6", "3e-6"], &["5e2", "1e2", "-7e2"]),
        spec(
            "1e-100",
            &["1e-151", "-2e-151", "3e-151"],
            &["5e49", "1e49", "-7e49"],
        ),
    ];
    for s in &cases {
        let (rows, r) = run(
            s,
            MethodKind::GdReduced,
            Options {
                steps: Some(6),
                ..Options::default()
            },
        );
        let failure = r.unwrap().failure;
        assert!(failure.is_none(), "{failure:?}");
        assert_eq!(rows.len(), 7);
        assert_rows_match_mpfr(s, MethodKind::Gd, &rows, 1e-12);
    }
}
