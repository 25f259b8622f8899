//! `exactflow simulate`: gradient descent against an independent 50-digit GD reference
//! (the acceptance: `--method gd --steps 60` within 1e-9 relative in the residual,
//! in a stable regime), the reduced map and MPFR GD likewise, the flow integrators against
//! the closed form, the edge-of-stability report, and usage errors.

use crate::support::exactflow;
use rug::Float;
use std::process::{Command, Output};

/// A stable scenario: a·ntk stays well below 2 along the run and at the limit.
const STABLE: [&str; 14] = [
    "--gamma",
    "0.9",
    "--eta-u",
    "0.07",
    "--eta-w",
    "13/100",
    "--exx",
    "1.1",
    "--exy",
    "-2.5",
    "--u0",
    "0.1,-0.2,0.3",
    "--w0",
    "0.5,0.1,-0.7",
];

/// Rows of a CSV table: (metadata lines, data rows as text cells).
fn table(o: &Output) -> (Vec<String>, Vec<Vec<String>>) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s = String::from_utf8(o.stdout.clone()).unwrap();
    let meta = s
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(String::from)
        .collect();
    let mut lines = s.lines().filter(|l| !l.starts_with('#'));
    assert_eq!(
        lines.next(),
        Some("t,z,slope,residual,loss,ntk,alignment,norm_u,norm_w")
    );
    (
        meta,
        lines
            .map(|l| l.split(',').map(String::from).collect())
            .collect(),
    )
}

/// Independent reference: GD of docs/model.md §2 on the vectors, literally, in MPFR at 50
/// decimal digits (167 bits) — `e = γ u·w − θ*` recomputed from the vectors every step.
fn reference_residuals(steps: usize) -> Vec<Float> {
    let p = 167;
    let q = |s: &str| Float::with_val(p, Float::parse(s).unwrap());
    let rat = |n: i32, d: i32| Float::with_val(p, n) / d;
    let (gamma, eta_u, eta_w, a) = (q("0.9"), rat(7, 100), rat(13, 100), q("1.1"));
    let theta = q("-2.5") / a.clone();
    let mut u: Vec<Float> = ["0.1", "-0.2", "0.3"].iter().map(|s| q(s)).collect();
    let mut w: Vec<Float> = ["0.5", "0.1", "-0.7"].iter().map(|s| q(s)).collect();
    let mut out = Vec::new();
    for n in 0..=steps {
        let uw = u
            .iter()
            .zip(&w)
            .fold(Float::with_val(p, 0), |acc, (x, y)| acc + x.clone() * y);
        let e = gamma.clone() * uw - theta.clone();
        out.push(e.clone());
        if n == steps {
            break;
        }
        let g = a.clone() * gamma.clone() * e;
        let (u0, w0) = (u.clone(), w.clone());
        for i in 0..u.len() {
            u[i] = u0[i].clone() - eta_u.clone() * g.clone() * w0[i].clone();
            w[i] = w0[i].clone() - eta_w.clone() * g.clone() * u0[i].clone();
        }
    }
    out
}

fn worst_rel(rows: &[Vec<String>], reference: &[Float]) -> f64 {
    assert_eq!(rows.len(), reference.len());
    rows.iter()
        .zip(reference)
        .map(|(r, e)| {
            let got = Float::with_val(400, Float::parse(&r[3]).unwrap());
            ((got - e) / e.clone()).abs().to_f64()
        })
        .fold(0.0, f64::max)
}

#[test]
fn gd_60_steps_agrees_with_a_50_digit_reference() {
    let reference = reference_residuals(60);
    // The regime: stable, and the residual falls by many orders in 60 steps.
    assert!(reference[60].to_f64().abs() < 1e-6 * reference[0].to_f64().abs());
    let mut args = vec!["simulate", "--method", "gd", "--steps", "60"];
    args.extend_from_slice(&STABLE);
    let o = exactflow(&args);
    assert!(
        o.stderr.is_empty(),
        "no edge-of-stability warning: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let (meta, rows) = table(&o);
    assert!(
        meta.iter()
            .any(|m| m.contains("first step with a*ntk >= 2: none")),
        "{meta:?}"
    );
    assert_eq!(rows.len(), 61);
    assert_eq!(rows[60][0], "6.0000000000000000e1");
    let worst = worst_rel(&rows, &reference);
    assert!(worst < 1e-9, "worst relative residual error {worst:e}");
    // The reduced map and MPFR GD give the same trajectory.
    let mut args = vec!["simulate", "--method", "gd-reduced", "--steps", "60"];
    args.extend_from_slice(&STABLE);
    let worst = worst_rel(&table(&exactflow(&args)).1, &reference);
    assert!(worst < 1e-9, "gd-reduced: {worst:e}");
    let mut args = vec![
        "simulate", "--method", "gd", "--steps", "60", "--digits", "40",
    ];
    args.extend_from_slice(&STABLE);
    // The reference recomputes e = γu·w − θ* from 50-digit vectors, so it keeps about
    // 50 − log10(|θ*/e|) ≈ 37 digits at step 60: that, not MPFR GD, bounds the agreement.
    let worst = worst_rel(&table(&exactflow(&args)).1, &reference);
    assert!(worst < 1e-33, "gd --digits 40: {worst:e}");
}

#[test]
fn flow_integrators_agree_with_the_closed_form() {
    let mut solve = vec!["solve", "--grid", "0:4:9"];
    solve.extend_from_slice(&STABLE);
    let (_, exact) = table(&exactflow(&solve));
    for (method, tol) in [("dop853", 1e-9), ("rk4", 1e-6)] {
        let mut args = vec!["simulate", "--method", method, "--grid", "0:4:9"];
        args.extend_from_slice(&STABLE);
        let (_, rows) = table(&exactflow(&args));
        for (r, x) in rows.iter().zip(&exact) {
            // The same time (solve prints shortest round-trip text, simulate 17 digits).
            assert_eq!(r[0].parse::<f64>().unwrap(), x[0].parse::<f64>().unwrap());
            for c in 1..9 {
                let (a, b): (f64, f64) = (r[c].parse().unwrap(), x[c].parse().unwrap());
                assert!(
                    (a - b).abs() <= tol * b.abs().max(1e-300),
                    "{method} t = {} column {c}: {a} vs {b}",
                    r[0]
                );
            }
        }
    }
}

#[test]
fn edge_of_stability_is_reported_on_stderr_and_in_the_metadata() {
    // The kernel preset at η = 1 sits just past the edge: a·ntk ≈ 2.03.
    let o = exactflow(&[
        "simulate", "--preset", "kernel", "--method", "gd", "--steps", "20",
    ]);
    let (meta, _) = table(&o);
    assert!(
        meta.iter()
            .any(|m| m.contains("first step with a*ntk >= 2: 0")),
        "{meta:?}"
    );
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("edge of stability"), "{err}");
}

#[test]
fn a_failing_run_reports_an_error_first_never_a_warning() {
    // Issue 11: base.toml's GD diverges past the edge of stability (a·ntk ≈ 4.3); stderr
    // said "warning: …" and then the error, exit 1. The warning is now part of the error.
    let mut args = vec!["simulate", "--method", "gd", "--steps", "2000"];
    args.extend(crate::support::EXAMPLE_FLAGS);
    let o = exactflow(&args);
    assert_eq!(o.status.code(), Some(1));
    let err = crate::support::stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("exactflow: error: simulate failed: diverged"),
        "{err}"
    );
    assert!(
        lines[0].contains("note: gradient descent is past the edge of stability from step 1"),
        "{err}"
    );
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn usage_errors_exit_2_naming_the_flag() {
    for (args, flag) in [
        (
            vec!["simulate", "--preset", "kernel", "--method", "gd"],
            "--steps",
        ),
        (
            vec![
                "simulate", "--preset", "kernel", "--method", "gd", "--steps", "5", "--grid",
                "0:1:2",
            ],
            "--grid",
        ),
        (
            vec![
                "simulate", "--preset", "kernel", "--method", "rk4", "--steps", "5",
            ],
            "--steps",
        ),
        (
            vec![
                "simulate", "--preset", "kernel", "--method", "dop853", "--grid", "0:1:2",
                "--rtol", "0",
            ],
            "--rtol",
        ),
        (
            vec![
                "simulate", "--preset", "kernel", "--method", "gd", "--steps", "5", "--digits", "5",
            ],
            "--digits",
        ),
    ] {
        let o = exactflow(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(flag), "{err} should name {flag}");
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn plot_writes_a_figure_with_theory_and_gd() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("fig.svg");
    let o = exactflow(&[
        "plot",
        "--preset",
        "disalignment",
        "--steps",
        "3000",
        "--out",
        f.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let svg = std::fs::read_to_string(&f).unwrap();
    for text in [
        "alignment ζ",
        "loss L",
        "NTK Θ",
        "time t",
        "gradient flow (closed form)",
        "gradient descent (simulated)",
        "disalignment",
    ] {
        assert!(svg.contains(text), "figure lacks {text:?}");
    }
    assert!(
        svg.matches("<circle").count() >= 3 * 40,
        "GD points in each panel"
    );
}

/// Runs exactflow, killing it after `secs` seconds (a hang is a test failure, not a stuck
/// CI job).
fn exactflow_within(args: &[&str], secs: u64) -> Output {
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_exactflow"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run exactflow");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            panic!("exactflow {args:?} did not finish within {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// The README's example scenario (base.toml) as flags.
use crate::support::EXAMPLE_FLAGS as BASE;

#[test]
fn plot_of_a_diverging_gd_finishes_and_says_so() {
    // Issue 11 item 4: `plot --scenario base.toml --steps 40` used to spin forever.
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("fig.svg");
    let mut args = vec!["plot", "--steps", "40", "--out", f.to_str().unwrap()];
    args.extend_from_slice(&BASE);
    let o = exactflow_within(&args, 60);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("GD points"), "{err}");
    assert!(std::fs::read_to_string(&f)
        .unwrap()
        .contains("gradient flow"));
}

#[test]
fn inputs_that_used_to_hang_exit_2_at_once() {
    // Issue 11 item 4: each ran until killed.
    for extra in [
        &["--method", "rk4", "--step", "1e-4", "--times", "1e9"][..],
        &["--method", "rk4", "--times", "1e300"][..],
        &["--method", "dop853", "--times", "1e300"][..],
        &[
            "--method",
            "dop853",
            "--times",
            "1",
            "--u0",
            "1e60,1e60,1e60",
            "--w0",
            "1e60,-1e60,1e60",
        ][..],
    ] {
        let mut args = vec!["simulate"];
        let own_init = extra.contains(&"--u0");
        args.extend_from_slice(if own_init { &BASE[..10] } else { &BASE[..] });
        args.extend_from_slice(extra);
        let o = exactflow_within(&args, 60);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains("budget"), "{extra:?}: {err}");
        assert!(o.stdout.is_empty());
    }
    // Taylor at t = 1e300 integrates until it knows the residual (e^{-4e300}) is beyond
    // MPFR's range: exit 2 naming it, within seconds.
    let mut args = vec!["simulate", "--method", "taylor", "--times", "1e300"];
    args.extend_from_slice(&BASE);
    let o = exactflow_within(&args, 60);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("residual"), "{err}");
}

#[test]
fn flags_that_do_not_apply_or_make_no_sense_exit_2_naming_the_flag() {
    // Issue 11 item 9: `--method gd --rtol=-1 --step=-5` was silently ignored.
    for (extra, flag) in [
        (
            &["--method", "gd", "--steps", "3", "--rtol=-1", "--step=-5"][..],
            "--step",
        ),
        (
            &["--method", "gd", "--steps", "3", "--rtol", "1e-9"][..],
            "--rtol",
        ),
        (
            &["--method", "rk4", "--times", "1", "--rtol", "1e-9"][..],
            "--rtol",
        ),
        (
            &["--method", "dop853", "--times", "1", "--step", "0.1"][..],
            "--step",
        ),
        (
            &["--method", "taylor", "--times", "1", "--every", "2"][..],
            "--every",
        ),
        (
            &["--method", "rk4", "--times", "1", "--step=-5"][..],
            "--step",
        ),
        (
            &["--method", "rk4", "--times", "1", "--step", "0"][..],
            "--step",
        ),
        (
            &["--method", "dop853", "--times", "1", "--rtol", "nan"][..],
            "--rtol",
        ),
        (
            &["--method", "gd", "--steps", "3", "--every", "0"][..],
            "--every",
        ),
        (&["--method", "rk4", "--times=-1"][..], "--times"),
        // Fuzzing: `--step 1e-22` ran 5e7 steps (7 s); `--step 1e-400` said "got 0".
        (
            &["--method", "rk4", "--times", "1e-15", "--step", "1e-22"][..],
            "--step",
        ),
        (
            &["--method", "rk4", "--times", "1", "--step", "1e-400"][..],
            "1e-400 is below f64's normal range",
        ),
        (
            &["--method", "dop853", "--times", "1", "--rtol", "1e999"][..],
            "1e999 is beyond f64's range",
        ),
        (
            &["--method", "taylor", "--times", "1", "--step", "0.1"][..],
            "--step",
        ),
        (
            &["--method", "gd-reduced", "--steps", "3", "--times", "1"][..],
            "--times",
        ),
        (
            &["--method", "dop853", "--steps", "3", "--times", "1"][..],
            "--steps",
        ),
    ] {
        let mut args = vec!["simulate"];
        args.extend_from_slice(&BASE);
        args.extend_from_slice(extra);
        let o = exactflow(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(flag), "{extra:?}: {err} should name {flag}");
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn init_1e100_is_refused_naming_the_column_never_printed_as_nan() {
    // Issue 10 item 12: gd and rk4 at init 1e100 printed NaN/inf with exit 0.
    let mut args = vec!["simulate"];
    args.extend_from_slice(&BASE[..10]);
    args.extend_from_slice(&["--u0", "1e100,-2e100,3e100", "--w0", "5e100,1e100,-7e100"]);
    for (extra, what) in [
        (&["--method", "gd", "--steps", "3"][..], "loss"),
        (&["--method", "rk4", "--times", "1"][..], "budget"),
    ] {
        let mut a = args.clone();
        a.extend_from_slice(extra);
        let o = exactflow(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(what), "{extra:?}: {err}");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(!out.contains("nan") && !out.contains("inf"), "{out}");
    }
}

/// Rows stream as the method hands them over; a failure on valid input (exit 1) keeps the
/// rows before it on standard output, ended by a `failure` trailer, and `--out` writes
/// nothing. The saddle preset's f64 GD loses its accuracy at step 3 (`1 − ake ≈ 1e-15`).
#[test]
fn a_failure_keeps_the_rows_before_it_on_stdout_and_out_writes_nothing() {
    let args = [
        "simulate", "--preset", "saddle", "--method", "gd", "--steps", "50",
    ];
    let o = exactflow(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error") && err.contains("step 3"), "{err}");
    let out = String::from_utf8_lossy(&o.stdout);
    let data: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
    // The header and steps 0, 1, 2: step 3's row is the one that lost its accuracy.
    assert_eq!(data.len(), 1 + 3, "{out}");
    assert!(data[3].starts_with("2.0"), "{out}");
    let last = out.lines().last().unwrap_or("");
    assert!(
        last.starts_with("# failure: ") && last.contains("step 3"),
        "{out}"
    );
    let dir = std::env::temp_dir().join(format!("ef-sim-fail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("t.csv");
    let mut with_out = args.to_vec();
    let name = file.to_string_lossy().to_string();
    with_out.extend_from_slice(&["--out", &name]);
    let o = exactflow(&with_out);
    assert_eq!(o.status.code(), Some(1));
    assert!(!file.exists(), "--out wrote a partial table");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A JSON table streamed row by row is one valid document, with the run's facts (steps,
/// edge of stability) in its metadata.
#[test]
fn streamed_json_is_one_document_with_the_trailer() {
    let mut args = vec![
        "simulate",
        "--method",
        "gd-reduced",
        "--steps",
        "300",
        "--every",
        "7",
    ];
    args.extend_from_slice(&STABLE);
    args.extend_from_slice(&["--format", "json"]);
    let o = exactflow(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    // Steps 0, 7, ..., 294 and the last, 300.
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(43 + 1));
    assert!(v["metadata"]["edge_of_stability"].is_string(), "{v}");
}
