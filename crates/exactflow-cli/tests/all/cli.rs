//! Integration tests of the `exactflow` binary: outputs, formats and exit codes.

use crate::support::{assert_input_error, exactflow, stderr, stdout};
use std::path::Path;
use std::process::Command;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write scenario");
    p.display().to_string()
}

use exactflow_core::presets::EXAMPLE_TOML as EXAMPLE;

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
    // First row: t = 0, z = 1 (shortest round-trip text by default).
    assert!(lines[1].starts_with("0.0,1.0,"), "{}", lines[1]);
}

#[test]
fn scenario_file_with_a_bad_field_exits_2_naming_the_field() {
    // (what the example's text becomes, the field the message names)
    for (from, to, field) in [
        ("eta_u = \"0.7\"", "eta_u = \"0\"", "model.eta_u"),
        ("exx = \"1.1\"", "exx = \"-1\"", "data.exx"),
        ("\"-0.2\"", "\"-0.2x\"", "init.u0[1]"),
        ("\"0.1\", \"-0.7\"]", "\"0.1\"]", "init.w0"),
    ] {
        let d = tempfile::tempdir().unwrap();
        let mutated = EXAMPLE.replace(from, to);
        assert_ne!(mutated, EXAMPLE, "{from} is in the example");
        let f = write(d.path(), "s.toml", &mutated);
        assert_input_error(
            &exactflow(&["solve", "--scenario", &f, "--times", "0,1"]),
            field,
        );
    }
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
                assert_eq!(v["rows"][4][0], "2.0");
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
    // The order given is kept.
    assert!(out.lines().any(|l| l == "t,residual,z"), "{out}");
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

// ---- Output files (issue 11, items 1–3), formats and streaming (issue 13) ----------

/// Names in a directory, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn out_onto_a_fifo_or_device_is_written_in_place() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let f2 = fifo.clone();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::fs::File::open(&f2)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    });
    let o = exactflow(&["solve", "--times", "0,1", "--out", fifo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let table = reader.join().unwrap();
    assert!(
        table.contains("t,z,slope"),
        "the FIFO's reader got {table:?}"
    );
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // A device node (the numbers of /dev/null) in a temporary directory.
    let null = d.path().join("null");
    let c = std::ffi::CString::new(null.to_str().unwrap()).unwrap();
    // SAFETY: a valid path.
    if unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) } == 0 {
        let o = exactflow(&[
            "solve",
            "--grid",
            "0:1:1000",
            "--out",
            null.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(std::fs::metadata(&null)
            .unwrap()
            .file_type()
            .is_char_device());
    }
    assert_eq!(
        entries(d.path()),
        ["null", "pipe"]
            .iter()
            .filter(|n| d.path().join(n).exists())
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
}

#[test]
fn out_through_a_symlink_writes_its_target_and_a_directory_is_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let real = d.path().join("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = d.path().join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    let o = exactflow(&["solve", "--times", "0", "--out", link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real).unwrap().contains("t,z"));
    let o = exactflow(&["solve", "--times", "0", "--out", d.path().to_str().unwrap()]);
    assert_input_error(&o, "--out");
    assert_eq!(entries(d.path()), ["link.csv", "real.csv"]);
}

#[test]
fn out_files_get_the_mode_the_umask_allows() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    for (umask, mode) in [("022", 0o644), ("027", 0o640), ("002", 0o664)] {
        let out = d.path().join(format!("t{umask}.npy"));
        let cmd = format!(
            "umask {umask} && exec '{}' solve --times 0 --out '{}'",
            env!("CARGO_BIN_EXE_exactflow"),
            out.display()
        );
        let o = Command::new("sh").args(["-c", &cmd]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let m = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(m, mode, "umask {umask}");
    }
}

#[test]
fn signals_during_a_large_out_leave_nothing_behind() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGKILL] {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("big.csv");
        let mut child = Command::new(env!("CARGO_BIN_EXE_exactflow"))
            .args([
                "solve",
                "--grid",
                "0:10:10000000",
                "--out",
                out.to_str().unwrap(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(400));
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as i32, sig) };
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "signal {sig}: finished before the signal"
        );
        assert!(
            entries(d.path()).is_empty(),
            "signal {sig} left {:?}",
            entries(d.path())
        );
    }
}

#[test]
fn phase_outputs_appear_together_or_not_at_all() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("phase.svg")).unwrap();
    let o = exactflow(&[
        "phase",
        "--preset",
        "alignment",
        "--x",
        "sigma_u=1e-3..1:log:3",
        "--y",
        "sigma_w=1e-3..1:log:2",
        "--out",
        d.path().to_str().unwrap(),
    ]);
    assert_input_error(&o, "phase.svg");
    assert_eq!(entries(d.path()), ["phase.svg"], "phase.csv written alone");
}

#[test]
fn the_format_follows_the_file_name() {
    let d = tempfile::tempdir().unwrap();
    let npz = d.path().join("t.npz");
    let o = exactflow(&["solve", "--times", "0,1,2", "--out", npz.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let b = std::fs::read(&npz).unwrap();
    assert!(b.starts_with(b"PK\x03\x04"), "not a zip archive");
    for name in ["t.npy", "residual.npy", "metadata.npy"] {
        assert!(
            b.windows(name.len()).any(|w| w == name.as_bytes()),
            "{name}"
        );
    }
    let npy = d.path().join("t.npy");
    let o = exactflow(&["solve", "--times", "0,1,2", "--out", npy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(std::fs::read(&npy).unwrap().starts_with(b"\x93NUMPY"));
    let bad = d.path().join("t.csv");
    let o = exactflow(&[
        "solve",
        "--times",
        "0",
        "--format",
        "npy",
        "--out",
        bad.to_str().unwrap(),
    ]);
    assert_input_error(&o, "--format");
    assert!(!bad.exists());
}

#[test]
fn columns_refuse_empty_items_and_repeats() {
    for bad in ["", "z,z", "z,,slope", "z,t"] {
        let o = exactflow(&["solve", "--times", "0", "--columns", bad]);
        assert_input_error(&o, "--columns");
    }
    let o = exactflow(&["solve", "--times", "0", "--digits", "-1"]);
    assert_input_error(&o, "--digits");
}

#[test]
fn log_grids_and_times_files() {
    let d = tempfile::tempdir().unwrap();
    let t = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["solve", "--columns", "z"];
        a.extend_from_slice(args);
        let o = exactflow(&a);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        t(&["--grid", "1e-3:1e3:log:7"]),
        ["0.001", "0.01", "0.1", "1.0", "10.0", "100.0", "1000.0"]
    );
    assert_eq!(t(&["--grid", "1:10:log:3"]).len(), 3);
    let f = write(d.path(), "times.txt", "0\n0.5\n# comment\n\n3/7\n");
    assert_eq!(
        t(&["--times-file", &f]),
        ["0.0", "0.5", "0.42857142857142857"]
    );
    let f = write(d.path(), "bad.txt", "0\nx\n");
    let o = exactflow(&["solve", "--times-file", &f]);
    assert_input_error(&o, "--times-file");
    let o = exactflow(&["solve", "--grid", "0:1:log:3"]);
    assert_input_error(&o, "--grid");
}

#[test]
fn digits_up_to_100000_print_every_column_including_t() {
    // Rust's formatting machinery stops at 65535 digits: every column, t included, is
    // rendered without it (issue 10, item 7).
    for digits in ["65535", "65536", "100000"] {
        let o = exactflow(&[
            "solve",
            "--preset",
            "alignment",
            "--engine",
            "mp",
            "--digits",
            digits,
            "--times",
            "1/3",
            "--certify",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        let row: Vec<&str> = out
            .lines()
            .filter(|l| !l.starts_with('#'))
            .nth(1)
            .unwrap()
            .split(',')
            .collect();
        assert_eq!(row.len(), 17);
        let n: usize = digits.parse().unwrap();
        for (i, cell) in row.iter().enumerate() {
            if i == 0 || i % 2 == 1 {
                let mant = cell.split_once('e').unwrap().0.trim_start_matches('-');
                assert_eq!(mant.len(), n + 1, "column {i}: {} digits", mant.len());
            }
        }
        assert!(
            row[0].starts_with("3.3333333333"),
            "t = 1/3: {}",
            &row[0][..20]
        );
    }
}

#[test]
fn a_long_table_streams_in_bounded_memory() {
    // Two million rows (before streaming: about 2 GB held before writing); the peak
    // resident size of the child is read from /proc while it runs.
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("t.npy");
    let mut child = Command::new(env!("CARGO_BIN_EXE_exactflow"))
        .args([
            "solve",
            "--grid",
            "0:10:2000000",
            "--out",
            out.to_str().unwrap(),
        ])
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path) {
            if let Some(l) = s.lines().find(|l| l.starts_with("VmHWM:")) {
                peak_kb = peak_kb.max(l.split_whitespace().nth(1).unwrap().parse().unwrap());
            }
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(
        std::fs::metadata(&out).unwrap().len(),
        128 + 2_000_000 * 9 * 8
    );
    assert!(peak_kb < 64 * 1024, "peak RSS {peak_kb} kB");
}

#[test]
fn the_example_flags_are_the_example_file() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "s.toml", EXAMPLE);
    let rows = |o: std::process::Output| -> Vec<String> {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        out.lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    };
    let from_file = rows(exactflow(&["solve", "--scenario", &f, "--times", "0,1,7"]));
    let mut args = vec!["solve"];
    args.extend_from_slice(&crate::support::EXAMPLE_FLAGS);
    args.extend_from_slice(&["--times", "0,1,7"]);
    assert_eq!(rows(exactflow(&args)), from_file);
    assert_eq!(from_file.len(), 4);
}
