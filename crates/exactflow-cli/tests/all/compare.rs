//! `exactflow compare`: the acceptance of the regression-testing issue (a 1e-6 relative
//! change to one cell fails at rtol 1e-9 naming the column, passes at rtol 1e-5; a
//! malformed candidate exits 2) and the formats it reads.

use crate::support::{exactflow, text};
use std::path::Path;
use std::process::{Command, Output};

fn solve(dir: &Path, name: &str, extra: &[&str]) -> String {
    let out = dir.join(name).display().to_string();
    let mut args = vec![
        "solve",
        "--preset",
        "alignment",
        "--grid",
        "0:20:41",
        "--out",
        &out,
    ];
    args.extend_from_slice(extra);
    let o = exactflow(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    out
}

/// Runs `exactflow compare --reference REFERENCE --candidate CANDIDATE EXTRA...`.
fn compare(reference: &str, candidate: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "compare",
        "--reference",
        reference,
        "--candidate",
        candidate,
    ];
    args.extend_from_slice(extra);
    exactflow(&args)
}

/// Multiplies the value in row `row`, column `col` (CSV) by `1 + 1e-6`, written back
/// with as many digits as the table has.
fn perturb_csv(path: &str, row: usize, col: &str) -> String {
    let src = std::fs::read_to_string(path).expect("read");
    let mut lines: Vec<String> = src.lines().map(str::to_string).collect();
    let header_at = lines
        .iter()
        .position(|l| !l.starts_with('#'))
        .expect("header");
    let k = lines[header_at]
        .split(',')
        .position(|c| c == col)
        .expect("column");
    let line = &mut lines[header_at + 1 + row];
    let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
    let v: f64 = cells[k].parse().expect("number");
    cells[k] = format!("{:.16e}", v * (1.0 + 1e-6));
    *line = cells.join(",");
    let out = format!("{path}.perturbed.csv");
    std::fs::write(&out, lines.join("\n") + "\n").expect("write");
    out
}

#[test]
fn one_cell_off_by_1e_6_fails_at_1e_9_and_passes_at_1e_5() {
    let dir = tempfile::tempdir().expect("tempdir");
    let reference = solve(dir.path(), "ref.csv", &[]);
    let candidate = perturb_csv(&reference, 17, "ntk");
    let same = compare(&reference, &reference, &["--rtol", "0"]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));
    let strict = compare(&reference, &candidate, &["--rtol", "1e-9"]);
    assert_eq!(strict.status.code(), Some(1));
    let err = text(&strict.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("column ntk (1 of 41 cells"), "{err}");
    assert!(text(&strict.stdout).contains("result: FAIL"));
    let loose = compare(&reference, &candidate, &["--rtol", "1e-5"]);
    assert_eq!(loose.status.code(), Some(0), "{}", text(&loose.stderr));
    assert!(text(&loose.stdout).contains("result: PASS"));
}

#[test]
fn malformed_candidates_and_bad_flags_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let reference = solve(dir.path(), "ref.csv", &[]);
    let cases = [
        ("cand1.csv", "t,z\n0,1.0\n1,oops\n", "row 2, column z"),
        ("cand2.csv", "t,z\n0\n", "row 1 has 1 fields"),
        ("cand3.json", "{\"columns\": [\"t\"], \"rows\": 3}", "rows"),
        ("cand4.csv", "x,z\n0,1\n", "no column \"t\""),
    ];
    for (name, body, needle) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, body).expect("write");
        let o = compare(&reference, &p.display().to_string(), &[]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = text(&o.stderr);
        assert!(
            err.contains(needle) && err.contains("--candidate"),
            "{name}: {err}"
        );
        assert_eq!(err.lines().count(), 1);
        assert!(o.stdout.is_empty());
    }
    let o = compare(&reference, &reference, &["--rtol", "-1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--rtol"));
    let missing = dir.path().join("nope.csv").display().to_string();
    let o = compare(&reference, &missing, &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = compare(&reference, &reference, &["--columns", "z,bogus"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("bogus"));
}

#[test]
fn json_and_npy_candidates_against_a_certified_mp_reference() {
    let dir = tempfile::tempdir().expect("tempdir");
    let reference = solve(
        dir.path(),
        "ref.csv",
        &["--engine", "mp", "--digits", "30", "--certify"],
    );
    // The fast engine's tables agree with the 30-digit reference to its documented error.
    // A plain NPY has no column names: --columns names every one of them.
    let all = "t,z,slope,residual,loss,ntk,alignment,norm_u,norm_w";
    for fmt in ["json", "npy", "csv"] {
        let cand = solve(dir.path(), &format!("fast.{fmt}"), &["--format", fmt]);
        let names: &[&str] = if fmt == "npy" {
            &["--columns", all]
        } else {
            &[]
        };
        let o = compare(
            &reference,
            &cand,
            &[&["--rtol", "1e-12", "--atol", "1e-300"][..], names].concat(),
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{fmt}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        // ... and not to 30 digits.
        let o = compare(
            &reference,
            &cand,
            &[&["--rtol", "1e-25"][..], names].concat(),
        );
        assert_eq!(o.status.code(), Some(1), "{fmt}");
    }
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../exactflow-tables/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn compare_fixture(candidate: &str, extra: &[&str]) -> Output {
    let reference = fixture("ref.csv");
    let cand = fixture(candidate);
    let mut args = vec![];
    if !extra.contains(&"--rtol") {
        args.extend_from_slice(&["--rtol", "1e-15"]);
    }
    args.extend_from_slice(extra);
    compare(&reference, &cand, &args)
}

const ALL: &str = "t,z,slope,loss,ntk";

#[test]
fn what_numpy_pandas_and_polars_write_is_read_and_held_to_the_reference() {
    // Files written by numpy, pandas and polars themselves (scripts/compare_fixtures.py).
    for (file, extra) in [
        ("c_order.npy", &["--columns", ALL][..]),
        ("fortran.npy", &["--columns", ALL][..]),
        ("transposed.npy", &["--columns", ALL][..]),
        ("structured.npy", &[][..]),
        ("savez.npz", &[][..]),
        ("savez_compressed.npz", &[][..]),
        ("subset.npz", &[][..]),
        ("pandas_index.csv", &[][..]),
        ("polars.csv", &[][..]),
        ("polars.json", &[][..]),
    ] {
        let o = compare_fixture(file, extra);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{file}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
    }
    // float32 to its accuracy, not beyond.
    let f4 = ["--columns", ALL, "--rtol", "1e-7"];
    assert_eq!(compare_fixture("f4_big.npy", &f4).status.code(), Some(0));
    let o = compare_fixture("f4_big.npy", &["--columns", ALL, "--rtol", "1e-9"]);
    assert_eq!(o.status.code(), Some(1));
    // np.longdouble: refused with the reason.
    let o = compare_fixture("longdouble.npy", &["--columns", ALL]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("longdouble"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn columns_by_name_only_swapped_fail_unnamed_need_names_strict_fails_on_extras() {
    // Swapped columns fail (exit 1), naming both.
    let o = compare_fixture("swapped.npz", &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("column z (") && err.contains("column slope ("),
        "{err}"
    );
    // The same NPY, its columns named in the wrong order: fails.
    let o = compare_fixture("c_order.npy", &["--columns", "t,slope,z,loss,ntk"]);
    assert_eq!(o.status.code(), Some(1));
    // An unnamed NPY without --columns: exit 2 naming --columns (before: it silently
    // took the reference's names).
    let o = compare_fixture("c_order.npy", &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("--columns") && err.contains("5 columns"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
    let o = compare_fixture("c_order.npy", &["--columns", "t,z"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("names 2 columns"),
        "{}",
        text(&o.stderr)
    );
    // A candidate column the reference lacks: listed; --strict fails naming it.
    let o = compare_fixture("extra.npz", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("candidate columns not in the reference (not compared): accuracy")
    );
    let o = compare_fixture("extra.npz", &["--strict"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("\"accuracy\""),
        "{}",
        text(&o.stderr)
    );
    // Bad column lists.
    for list in ["", "z,,loss", "z,z"] {
        let o = compare_fixture("savez.npz", &["--columns", list]);
        assert_eq!(o.status.code(), Some(2), "{list:?}");
        assert!(text(&o.stderr).contains("--columns"), "{list:?}");
    }
}

#[test]
fn json_report_gives_each_columns_worst_deviation_where_and_the_verdict() {
    let o = compare_fixture("swapped.npz", &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    assert_eq!(j["passed"], false);
    assert_eq!(j["rows_compared"], 9);
    let cols = j["columns"].as_array().expect("columns");
    let z = cols.iter().find(|c| c["column"] == "z").expect("z");
    assert_eq!(z["passed"], false);
    assert_eq!(z["failed"], 9);
    let w = &z["worst"];
    for key in [
        "row",
        "t",
        "value",
        "reference",
        "error",
        "allowed",
        "ratio",
    ] {
        assert!(!w[key].is_null(), "{key}: {w}");
    }
    // The worst is where |z - slope| is largest: the first row (z = 1, slope ≈ -2.9e-8).
    assert_eq!(w["row"], 1);
    let err: f64 = w["error"].as_str().expect("text").parse().expect("number");
    assert!((err - 1.0000000291).abs() < 1e-3, "{err}");
    let o = compare_fixture("savez.npz", &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    assert_eq!(j["passed"], true);
    assert_eq!(j["columns"].as_array().map(Vec::len), Some(4));
}

#[test]
fn compare_cannot_pass_by_accident() {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).expect("write");
        p.display().to_string()
    };
    let reference = w("ref.csv", "t,z\n0,1\n0.5,2\n");
    let run = |cand: &str, extra: &[&str]| compare(&reference, cand, extra);
    // A duplicated t whose second copy is garbage: exit 2 naming the row.
    let o = run(&w("dup.csv", "t,z\n0,1\n0.5,2\n0.5,999\n"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("row 3"), "{}", text(&o.stderr));
    let o = run(&w("back.csv", "t,z\n0.5,2\n0,1\n"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("row 2"), "{}", text(&o.stderr));
    // Extra candidate rows fail unless allowed.
    let extra = w("extra.csv", "t,z\n0,1\n0.5,2\n1,3\n");
    assert_eq!(run(&extra, &[]).status.code(), Some(1));
    assert_eq!(run(&extra, &["--allow-extra-rows"]).status.code(), Some(0));
    // NaN against NaN fails unless --nan-equal.
    let nan = w("nan.csv", "t,z\n0,nan\n0.5,2\n");
    let nan_ref = w("nanref.csv", "t,z\n0,NaN\n0.5,2\n");
    let o = compare(&nan_ref, &nan, &[]);
    assert_eq!(o.status.code(), Some(1));
    let o = compare(&nan_ref, &nan, &["--nan-equal"]);
    assert_eq!(o.status.code(), Some(0));
    // A time 1e-10 relative off is another time (before: matched within 1e-9).
    let off = w("off.csv", "t,z\n0,1\n0.50000000005,2\n");
    assert_eq!(run(&off, &[]).status.code(), Some(1));
    assert_eq!(run(&off, &["--time-rtol", "1e-9"]).status.code(), Some(0));
    // JSON that starts with `[` is JSON (records), not a one-column CSV.
    let rec = w("rec.json", r#"[{"t": 0, "z": 1}, {"t": 0.5, "z": 2}]"#);
    assert_eq!(run(&rec, &["--rtol", "0"]).status.code(), Some(0));
    let rec_bad = w("recbad.json", r#"[{"t": 0, "z": 1}, {"t": 0.5, "z": 2.5}]"#);
    assert_eq!(run(&rec_bad, &[]).status.code(), Some(1));
}

#[test]
fn huge_exponents_and_tolerances_finish_at_once() {
    // Before: 2000 cells of 1e999999, or --rtol 1e999999, or --atol 1e-999999 --rtol 0,
    // each ran for more than a minute.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cand = String::from("t,z\n");
    let mut reference = String::from("t,z\n");
    for i in 0..2000 {
        cand.push_str(&format!("{i},1e999999\n"));
        reference.push_str(&format!("{i},0.5\n"));
    }
    let c = dir.path().join("c.csv");
    let r = dir.path().join("r.csv");
    std::fs::write(&c, cand).expect("write");
    std::fs::write(&r, reference).expect("write");
    let (c, r) = (c.display().to_string(), r.display().to_string());
    let run = |extra: &[&str]| compare(&r, &c, extra);
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("|error| 1.000e999999"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(run(&["--rtol", "2e999999"]).status.code(), Some(0));
    assert_eq!(run(&["--rtol", "1.9e999999"]).status.code(), Some(1));
    assert_eq!(
        run(&["--atol", "1e-999999", "--rtol", "0"]).status.code(),
        Some(1)
    );
    assert_eq!(run(&["--rtol", "1e1000001"]).status.code(), Some(2));
}

#[test]
#[allow(clippy::incompatible_msrv)]
fn a_closed_pipe_stops_the_report_not_the_verdict() {
    // Before: `print!` panicked on a closed standard output (exit 101).
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let reference = fixture("ref.csv");
    let cand = fixture("swapped.npz");
    let o = Command::new(env!("CARGO_BIN_EXE_exactflow"))
        .args(["compare", "--reference", &reference, "--candidate", &cand])
        .stdout(writer)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("panicked"), "{}", text(&o.stderr));
}
