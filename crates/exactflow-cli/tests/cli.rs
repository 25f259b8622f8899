//! Integration tests of the `exactflow` binary: outputs, formats and exit codes.

use std::path::Path;
use std::process::{Command, Output};

fn exactflow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_exactflow"))
        .args(args)
        .output()
        .expect("run exactflow")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write scenario");
    p.display().to_string()
}

const EXAMPLE: &str = r#"
[model]
gamma = "0.9"
eta_u = "0.7"
eta_w = "13/10"
[data]
exx = "1.1"
exy = "-2.5"
[init]
u0 = ["0.1", "-0.2", "0.3"]
w0 = ["0.5", "0.1", "-0.7"]
"#;

/// Asserts exit status 2, exactly one line on stderr containing `field`, and no stdout.
fn assert_input_error(o: &Output, field: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "one line expected: {err}");
    assert!(err.contains(field), "{err:?} should name {field}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty(), "partial output: {}", stdout(o));
}

#[test]
fn solve_without_arguments_prints_the_default_preset_table() {
    let o = exactflow(&["solve"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        lines[0],
        "t,z,slope,residual,loss,ntk,alignment,norm_u,norm_w"
    );
    assert_eq!(lines.len(), 1 + 21);
    assert!(out.contains("# scenario: alignment"));
    // First row: t = 0, z = 1.
    assert!(
        lines[1].starts_with("0.0000000000000000e0,1.0000000000000000e0,"),
        "{}",
        lines[1]
    );
}

#[test]
fn scenario_file_with_zero_learning_rate_exits_2_naming_the_field() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "s.toml",
        &EXAMPLE.replace("eta_u = \"0.7\"", "eta_u = \"0\""),
    );
    assert_input_error(
        &exactflow(&["solve", "--scenario", &f, "--times", "0,1"]),
        "model.eta_u",
    );
}

#[test]
fn scenario_file_with_negative_exx_exits_2() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "s.toml",
        &EXAMPLE.replace("exx = \"1.1\"", "exx = \"-1\""),
    );
    assert_input_error(
        &exactflow(&["solve", "--scenario", &f, "--times", "0,1"]),
        "data.exx",
    );
}

#[test]
fn scenario_file_with_malformed_number_exits_2() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "s.toml",
        &EXAMPLE.replace("\"-0.2\"", "\"-0.2x\""),
    );
    assert_input_error(
        &exactflow(&["solve", "--scenario", &f, "--times", "0,1"]),
        "init.u0[1]",
    );
}

#[test]
fn scenario_file_with_mismatched_lengths_exits_2() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "s.toml",
        &EXAMPLE.replace("\"0.1\", \"-0.7\"]", "\"0.1\"]"),
    );
    assert_input_error(
        &exactflow(&["solve", "--scenario", &f, "--times", "0,1"]),
        "init.w0",
    );
}

#[test]
fn unreadable_or_invalid_toml_exits_2() {
    assert_input_error(
        &exactflow(&["solve", "--scenario", "/nonexistent/s.toml"]),
        "/nonexistent/s.toml",
    );
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "s.toml", "[model\n");
    assert_input_error(&exactflow(&["solve", "--scenario", &f]), "not valid TOML");
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    assert_input_error(&exactflow(&["solve", "--preset", "nope"]), "--preset");
    assert_input_error(&exactflow(&["solve", "--gamma", "abc"]), "--gamma");
    assert_input_error(
        &exactflow(&["solve", "--preset", "kernel", "--gamma", "0"]),
        "model.gamma",
    );
    assert_input_error(
        &exactflow(&["solve", "--preset", "kernel", "--eta-w", "-1"]),
        "model.eta_w",
    );
    assert_input_error(
        &exactflow(&["solve", "--preset", "kernel", "--width", "0"]),
        "init.width",
    );
    assert_input_error(
        &exactflow(&["solve", "--preset", "kernel", "--width", "2000000"]),
        "init.width",
    );
    assert_input_error(
        &exactflow(&["solve", "--preset", "kernel", "--exy", "inf"]),
        "--exy",
    );
    assert_input_error(
        &exactflow(&["solve", "--preset", "kernel", "--digits", "18"]),
        "--digits",
    );
    assert_input_error(
        &exactflow(&["solve", "--preset", "kernel", "--columns", "z,bogus"]),
        "--columns",
    );
    assert_input_error(
        &exactflow(&["solve", "--preset", "kernel", "--grid", "0:1"]),
        "--grid",
    );
    assert_input_error(
        &exactflow(&["solve", "--preset", "kernel", "--times", "0,-1"]),
        "--times[1]",
    );
    assert_input_error(
        &exactflow(&["solve", "--preset", "kernel", "--times", "1e400"]),
        "--times",
    );
    assert_input_error(
        &exactflow(&["solve", "--u0", "1,2", "--w0", "1", "--exy", "1"]),
        "init.w0",
    );
    assert_input_error(
        &exactflow(&["solve", "--engine", "mp", "--digits", "5"]),
        "--digits",
    );
    assert_input_error(
        &exactflow(&["solve", "--engine", "mp", "--digits", "100001"]),
        "--digits",
    );
    assert_input_error(&exactflow(&["solve", "--certify"]), "--certify");
    // clap's own usage errors also exit 2.
    assert_eq!(exactflow(&["solve", "--nope"]).status.code(), Some(2));
    assert_eq!(
        exactflow(&["solve", "--times", "1", "--grid", "0:1:2"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn failed_run_leaves_no_output_file() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("t.csv");
    let o = exactflow(&[
        "solve",
        "--preset",
        "kernel",
        "--gamma",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        0,
        "no temporary left behind"
    );
}

#[test]
fn out_file_is_written_whole_in_each_format() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "s.toml", EXAMPLE);
    for (fmt, name) in [("csv", "t.csv"), ("json", "t.json"), ("npy", "t.npy")] {
        let out = d.path().join(name);
        let o = exactflow(&[
            "solve",
            "--scenario",
            &f,
            "--grid",
            "0:2:5",
            "--format",
            fmt,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
        let bytes = std::fs::read(&out).unwrap();
        match fmt {
            "csv" => assert_eq!(
                String::from_utf8(bytes)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.starts_with('#'))
                    .count(),
                6
            ),
            "json" => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(v["rows"].as_array().unwrap().len(), 5);
                assert_eq!(v["columns"].as_array().unwrap().len(), 9);
                assert_eq!(v["metadata"]["engine"], "fast");
                assert_eq!(v["rows"][4][0], "2.0000000000000000e0");
            }
            _ => {
                let hl = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
                assert!(std::str::from_utf8(&bytes[10..10 + hl])
                    .unwrap()
                    .contains("(5, 9)"));
                assert_eq!(bytes.len(), 10 + hl + 5 * 9 * 8);
            }
        }
    }
}

#[test]
fn output_is_deterministic_and_columns_select() {
    let a = exactflow(&[
        "solve",
        "--preset",
        "rescaling",
        "--grid",
        "0:100:7",
        "--columns",
        "residual,z",
    ]);
    let b = exactflow(&[
        "solve",
        "--preset",
        "rescaling",
        "--grid",
        "0:100:7",
        "--columns",
        "residual,z",
    ]);
    assert_eq!(a.stdout, b.stdout);
    let out = stdout(&a);
    assert!(out.lines().any(|l| l == "t,z,residual"), "{out}");
}

#[test]
fn digits_and_exact_times() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "s.toml", EXAMPLE);
    let o = exactflow(&[
        "solve",
        "--scenario",
        &f,
        "--times",
        "1/3,0.1",
        "--digits",
        "5",
        "--columns",
        "z",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows: Vec<String> = stdout(&o)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(String::from)
        .collect();
    assert!(rows[0].starts_with("3.3333e-1,"), "{}", rows[0]);
    assert!(rows[1].starts_with("1.0000e-1,"), "{}", rows[1]);
}

#[test]
fn flags_override_the_file_field_by_field() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "s.toml", EXAMPLE);
    let base = exactflow(&[
        "solve",
        "--scenario",
        &f,
        "--times",
        "1",
        "--columns",
        "residual",
    ]);
    let same = exactflow(&[
        "solve",
        "--scenario",
        &f,
        "--times",
        "1",
        "--columns",
        "residual",
        "--gamma",
        "9/10",
    ]);
    let other = exactflow(&[
        "solve",
        "--scenario",
        &f,
        "--times",
        "1",
        "--columns",
        "residual",
        "--gamma",
        "1",
    ]);
    assert_eq!(base.stdout, same.stdout);
    assert_ne!(base.stdout, other.stdout);
}

#[test]
fn every_preset_solves() {
    for p in ["alignment", "disalignment", "rescaling", "kernel", "saddle"] {
        let o = exactflow(&["solve", "--preset", p]);
        assert_eq!(o.status.code(), Some(0), "{p}: {}", stderr(&o));
        assert!(!stdout(&o).contains("nan,nan"), "{p}");
    }
}

#[test]
fn help_documents_every_flag() {
    let o = exactflow(&["solve", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let h = stdout(&o);
    for flag in [
        "--scenario",
        "--preset",
        "--width",
        "--gamma",
        "--eta-u",
        "--eta-w",
        "--exx",
        "--exy",
        "--eyy",
        "--init",
        "--sigma-u",
        "--sigma-w",
        "--seed",
        "--times",
        "--grid",
        "--engine",
        "--digits",
        "--certify",
        "--format",
        "--out",
        "--columns",
    ] {
        assert!(h.contains(flag), "--help lacks {flag}");
    }
}

#[test]
fn mp_engine_certifies_and_agrees_with_fast() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "s.toml", EXAMPLE);
    let mp = exactflow(&[
        "solve",
        "--scenario",
        &f,
        "--times",
        "0,0.5,3",
        "--engine",
        "mp",
        "--digits",
        "30",
        "--certify",
        "--format",
        "json",
    ]);
    assert_eq!(mp.status.code(), Some(0), "{}", stderr(&mp));
    let v: serde_json::Value = serde_json::from_slice(&mp.stdout).unwrap();
    let cols: Vec<&str> = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(cols[..4], ["t", "z", "z_err", "slope"]);
    assert_eq!(v["metadata"]["engine"], "mp");
    assert_eq!(v["metadata"]["uncertified_cells"], "0");
    let fast = exactflow(&[
        "solve",
        "--scenario",
        &f,
        "--times",
        "0,0.5,3",
        "--format",
        "json",
    ]);
    let w: serde_json::Value = serde_json::from_slice(&fast.stdout).unwrap();
    for row in 0..3 {
        for (ci, name) in cols.iter().enumerate() {
            if name.ends_with("_err") || *name == "t" {
                continue;
            }
            let m: f64 = v["rows"][row][ci].as_str().unwrap().parse().unwrap();
            let err: f64 = v["rows"][row][ci + 1].as_str().unwrap().parse().unwrap();
            let fi = [
                "t",
                "z",
                "slope",
                "residual",
                "loss",
                "ntk",
                "alignment",
                "norm_u",
                "norm_w",
            ]
            .iter()
            .position(|c| c == name)
            .unwrap();
            let x: f64 = w["rows"][row][fi].as_str().unwrap().parse().unwrap();
            assert!(
                (m - x).abs() <= 1e-13 * m.abs().max(1e-300),
                "{name}: mp {m} vs fast {x}"
            );
            // 30 digits: the bound is at most ~1 unit in the 30th digit.
            assert!(
                err <= 1e-29 * m.abs().max(1e-300) || m == 0.0,
                "{name}: bound {err} for {m}"
            );
        }
    }
}

#[test]
fn simulate_taylor_agrees_with_the_closed_form() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "s.toml", EXAMPLE);
    let args = [
        "--scenario",
        &f,
        "--times",
        "0.7,0,2",
        "--digits",
        "30",
        "--format",
        "json",
    ];
    let sim = exactflow(&[&["simulate", "--method", "taylor"][..], &args[..]].concat());
    assert_eq!(sim.status.code(), Some(0), "{}", stderr(&sim));
    let sol = exactflow(&[&["solve", "--engine", "mp"][..], &args[..]].concat());
    assert_eq!(sol.status.code(), Some(0), "{}", stderr(&sol));
    let a: serde_json::Value = serde_json::from_slice(&sim.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&sol.stdout).unwrap();
    assert_eq!(a["columns"], b["columns"]);
    for row in 0..3 {
        for col in 0..9 {
            let (x, y) = (
                a["rows"][row][col].as_str().unwrap(),
                b["rows"][row][col].as_str().unwrap(),
            );
            // Same 30-digit text, or one unit apart in the last digit.
            let (px, py) = (
                &x[..x.find('e').unwrap() - 1],
                &y[..y.find('e').unwrap() - 1],
            );
            assert_eq!(px, py, "row {row} col {col}: {x} vs {y}");
        }
    }
}

#[test]
fn simulate_refuses_what_it_cannot_do() {
    // GD needs a number of steps (times belong to the flow methods).
    assert_input_error(&exactflow(&["simulate", "--method", "gd"]), "--steps");
    assert_input_error(&exactflow(&["simulate", "--method", "taylor"]), "--grid");
    assert_input_error(
        &exactflow(&[
            "simulate", "--method", "taylor", "--times", "1", "--digits", "5",
        ]),
        "--digits",
    );
    assert_input_error(
        &exactflow(&[
            "simulate", "--method", "taylor", "--times", "1", "--steps", "3",
        ]),
        "--steps",
    );
}

#[test]
fn scenario_errors_name_the_flag_that_set_the_value_else_the_field() {
    let d = tempfile::tempdir().unwrap();
    let bad_gamma = EXAMPLE.replace("\"0.9\"", "\"0\"");
    let f = write(d.path(), "s.toml", &bad_gamma);
    // From the file: the field only.
    let o = exactflow(&["solve", "--scenario", &f]);
    assert_input_error(&o, "model.gamma: must be nonzero");
    assert!(!stderr(&o).contains("--gamma"), "{}", stderr(&o));
    // From a flag: the flag and the field.
    let o = exactflow(&["solve", "--preset", "kernel", "--gamma", "0"]);
    assert_input_error(&o, "--gamma (model.gamma): must be nonzero");
    let o = exactflow(&["solve", "--preset", "kernel", "--sigma-u", "-1"]);
    assert_input_error(&o, "--sigma-u (init.sigma_u): must be >= 0");
    // A missing field names the flag that supplies it.
    let o = exactflow(&[
        "solve",
        "--init",
        "gaussian",
        "--exy",
        "1",
        "--sigma-u",
        "1",
    ]);
    assert_input_error(&o, "init.width: missing");
    assert!(stderr(&o).contains("flag --width"), "{}", stderr(&o));
}

#[test]
fn negative_and_oversized_numbers_are_refused_naming_the_flag_and_why() {
    // Before: clap's "unexpected argument '-1' found", naming no flag.
    let long = "1".repeat(351);
    for (args, flag, why) in [
        (vec!["solve", "--times", "-1"], "--times", ">= 0"),
        (vec!["solve", "--digits", "-1"], "--digits", "out of range"),
        (
            vec!["solve", "--width", "-5"],
            "--width",
            "whole number ≥ 0",
        ),
        (
            vec!["simulate", "--steps", "-3"],
            "--steps",
            "whole number ≥ 0",
        ),
        (vec!["solve", "--digits", &long], "--digits", "too large"),
        (
            vec!["solve", "--width", "1.5"],
            "--width",
            "not a whole number",
        ),
        (vec!["solve", "--engine", "bogus"], "--engine", "not one of"),
    ] {
        let o = exactflow(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains(flag) && err.contains(why), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        // A 351-digit value is quoted shortened.
        assert!(err.len() < 160, "{args:?}: {err}");
    }
    // i32::MIN used to overflow `abs()` (a panic in debug builds).
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("p").display().to_string();
    let o = exactflow(&[
        "phase",
        "--x",
        "alpha_u=0..1:2",
        "--y",
        "beta=0..1:2",
        "--k-theta-sign",
        "-2147483648",
        "--out",
        &out,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--k-theta-sign"), "{}", stderr(&o));
}
