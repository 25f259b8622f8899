//! `exactflow compare`: the acceptance of the regression-testing issue (a 1e-6 relative
//! change to one cell fails at rtol 1e-9 naming the column, passes at rtol 1e-5; a
//! malformed candidate exits 2) and the formats it reads.

use std::path::Path;
use std::process::{Command, Output};

fn exactflow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_exactflow"))
        .args(args)
        .output()
        .expect("run exactflow")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("utf-8")
}

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
    let same = exactflow(&[
        "compare",
        "--reference",
        &reference,
        "--candidate",
        &reference,
        "--rtol",
        "0",
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));
    let strict = exactflow(&[
        "compare",
        "--reference",
        &reference,
        "--candidate",
        &candidate,
        "--rtol",
        "1e-9",
    ]);
    assert_eq!(strict.status.code(), Some(1));
    let err = text(&strict.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("column ntk (1 of 41 cells"), "{err}");
    assert!(text(&strict.stdout).contains("result: FAIL"));
    let loose = exactflow(&[
        "compare",
        "--reference",
        &reference,
        "--candidate",
        &candidate,
        "--rtol",
        "1e-5",
    ]);
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
        let o = exactflow(&[
            "compare",
            "--reference",
            &reference,
            "--candidate",
            &p.display().to_string(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = text(&o.stderr);
        assert!(
            err.contains(needle) && err.contains("--candidate"),
            "{name}: {err}"
        );
        assert_eq!(err.lines().count(), 1);
        assert!(o.stdout.is_empty());
    }
    let o = exactflow(&[
        "compare",
        "--reference",
        &reference,
        "--candidate",
        &reference,
        "--rtol",
        "-1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--rtol"));
    let missing = dir.path().join("nope.csv").display().to_string();
    let o = exactflow(&[
        "compare",
        "--reference",
        &reference,
        "--candidate",
        &missing,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = exactflow(&[
        "compare",
        "--reference",
        &reference,
        "--candidate",
        &reference,
        "--columns",
        "z,bogus",
    ]);
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
    for fmt in ["json", "npy", "csv"] {
        let cand = solve(dir.path(), &format!("fast.{fmt}"), &["--format", fmt]);
        let o = exactflow(&[
            "compare",
            "--reference",
            &reference,
            "--candidate",
            &cand,
            "--rtol",
            "1e-12",
            "--atol",
            "1e-300",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{fmt}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        // ... and not to 30 digits.
        let o = exactflow(&[
            "compare",
            "--reference",
            &reference,
            "--candidate",
            &cand,
            "--rtol",
            "1e-25",
        ]);
        assert_eq!(o.status.code(), Some(1), "{fmt}");
    }
}
