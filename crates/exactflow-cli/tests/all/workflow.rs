//! The researcher's workflow (issue 15 items 1 and 3): `exactflow init` writes the initial
//! weights, `--init-file` / `[init] file` start from them, every table states its scenario
//! and `solve --scenario-from TABLE` regenerates it.

use crate::support::{assert_input_error, exactflow, stderr, stdout};
use exactflow_core::number::{parse_exact, q_to_f64_nearest};
use exactflow_core::presets::preset;
use exactflow_tables::{read_path, Table};
use std::path::{Path, PathBuf};
use std::process::Output;

const PRESETS: [&str; 5] = ["kernel", "alignment", "disalignment", "rescaling", "saddle"];

/// Times spanning each preset's transient (early, knee, late).
// Times at which every column of these scenarios is a normal double (later, residual and loss
// fall below f64's range and the fast engine refuses them).
const TIMES: &str = "0,0.5,3,17,40";

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/weights")
        .join(name)
        .display()
        .to_string()
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    stdout(o)
}

/// The value lines of a CSV table (its `#` metadata dropped).
fn rows(csv: &str) -> Vec<&str> {
    csv.lines().filter(|l| !l.starts_with('#')).collect()
}

fn meta<'a>(t: &'a Table, key: &str) -> Option<&'a str> {
    t.metadata
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// The model and data flags a table's metadata states.
fn model_flags(t: &Table) -> Vec<String> {
    ["gamma", "eta_u", "eta_w"]
        .iter()
        .map(|k| ("model", *k))
        .chain(["exx", "exy", "eyy"].iter().map(|k| ("data", *k)))
        .map(|(s, k)| {
            let v = meta(t, &format!("{s}.{k}")).unwrap_or_else(|| panic!("{s}.{k} stated"));
            format!("--{}={v}", k.replace('_', "-"))
        })
        .collect()
}

#[test]
fn init_then_init_file_reproduces_every_preset() {
    let dir = tempfile::tempdir().expect("tempdir");
    for p in PRESETS {
        let w = path(dir.path(), &format!("{p}.npz"));
        ok(&exactflow(&["init", "--preset", p, "--out", &w]));
        let table = read_path(Path::new(&w)).expect("read weights");
        let reference = ok(&exactflow(&["solve", "--preset", p, "--times", TIMES]));
        // With the same model and data flags (read back from the file's provenance).
        let mut args: Vec<String> = ["solve", "--init-file", &w, "--times", TIMES]
            .map(String::from)
            .to_vec();
        args.extend(model_flags(&table));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let from_file = ok(&exactflow(&args));
        // The exact draw is read back: the same problem, so the same doubles (not only
        // within the fast path's bound).
        assert_eq!(rows(&reference), rows(&from_file), "{p}");
        // Over the preset's own model, the file replaces only the initialization.
        let over = ok(&exactflow(&[
            "solve",
            "--preset",
            p,
            "--init-file",
            &w,
            "--times",
            TIMES,
        ]));
        assert_eq!(rows(&reference), rows(&over), "{p} over the preset");
    }
}

#[test]
fn every_weights_format_reproduces_a_draw_of_doubles() {
    // The kernel preset draws with σ = 1: every weight is a double. CSV and JSON print
    // the shortest text of each, which reads back as a decimal, not the double: their
    // exact values must come along for the run to start from the same weights.
    let dir = tempfile::tempdir().expect("tempdir");
    let reference = ok(&exactflow(&[
        "solve", "--preset", "kernel", "--times", TIMES,
    ]));
    for ext in ["npz", "npy", "csv", "json"] {
        let w = path(dir.path(), &format!("k.{ext}"));
        let o = exactflow(&["init", "--preset", "kernel", "--out", &w]);
        ok(&o);
        assert!(stderr(&o).is_empty(), "{ext}: {}", stderr(&o));
        let t = read_path(Path::new(&w)).expect("read");
        let text = matches!(ext, "csv" | "json");
        assert_eq!(meta(&t, "u0_exact").is_some(), text, "{ext}");
        let o = exactflow(&[
            "solve",
            "--preset",
            "kernel",
            "--init-file",
            &w,
            "--times",
            TIMES,
        ]);
        assert_eq!(rows(&ok(&o)), rows(&reference), "{ext}");
    }
}

#[test]
fn init_writes_the_draw_as_float64_with_its_exact_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = path(dir.path(), "w.npz");
    ok(&exactflow(&["init", "--preset", "alignment", "--out", &w]));
    let t = read_path(Path::new(&w)).expect("read");
    assert_eq!(
        t.columns.as_deref(),
        Some(&["u0".to_string(), "w0".to_string()][..])
    );
    let scenario = preset("alignment")
        .and_then(|s| s.validate())
        .expect("preset");
    let (u0, w0) = scenario.initial_weights();
    assert_eq!(t.rows.len(), 1000);
    for (k, (layer, key)) in [(&u0, "u0_exact"), (&w0, "w0_exact")].iter().enumerate() {
        let exact: Vec<_> = meta(&t, key)
            .expect("σ·g with σ = 1/1000 is not dyadic: exact values stated")
            .split(',')
            .map(|s| parse_exact(s).expect("p/q"))
            .collect();
        assert_eq!(&exact, *layer, "{key}");
        for (row, q) in t.rows.iter().zip(layer.iter()) {
            assert_eq!(row[k].f.to_bits(), q_to_f64_nearest(q).to_bits());
        }
    }
    for (key, value) in [
        ("exactflow", env!("CARGO_PKG_VERSION")),
        ("command", "init"),
        ("init.kind", "gaussian"),
        ("init.sigma_u", "1/1000"),
        ("init.sigma_w", "1/1000"),
        ("init.seed", "0"),
        ("init.width", "1000"),
        ("model.gamma", "1/1000"),
    ] {
        assert_eq!(meta(&t, key), Some(value), "{key}");
    }
}

#[test]
fn dyadic_weights_need_no_exact_copy_and_npy_keeps_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = ["--gamma", "1/4", "--exx", "1", "--exy", "2"];
    let flags = [&model[..], &["--u0", "0.5,-0.25,3", "--w0", "1,0.125,-2"]].concat();
    for ext in ["npz", "npy", "csv", "json"] {
        let w = path(dir.path(), &format!("w.{ext}"));
        let o = exactflow(&[&["init"][..], &flags, &["--out", &w]].concat());
        ok(&o);
        assert!(stderr(&o).is_empty(), "{ext}: {}", stderr(&o));
        let t = read_path(Path::new(&w)).expect("read");
        assert!(meta(&t, "u0_exact").is_none() && meta(&t, "w0_exact").is_none());
        let a = ok(&exactflow(
            &[&["solve"][..], &flags, &["--times", TIMES]].concat(),
        ));
        let b = ok(&exactflow(
            &[
                &["solve"][..],
                &model,
                &["--init-file", &w, "--times", TIMES],
            ]
            .concat(),
        ));
        assert_eq!(rows(&a), rows(&b), "{ext}");
    }
    // A Gaussian draw into a plain NPY keeps only the doubles, and says so.
    let w = path(dir.path(), "g.npy");
    let o = exactflow(&["init", "--preset", "saddle", "--out", &w]);
    ok(&o);
    assert!(stderr(&o).contains("nearest doubles"), "{}", stderr(&o));
}

#[test]
fn numpy_weights_are_read_as_their_exact_binary_values() {
    // make.py: u0 = [0.1, -0.2, 0.3], w0 = [0.5, 0.1, -0.7] as numpy stores them; the exact
    // values of those doubles (Python: fractions.Fraction(0.1), ...).
    let model = [
        "--gamma",
        "9/10",
        "--exx",
        "1.1",
        "--exy=-2.5",
        "--times",
        TIMES,
    ];
    let exact = |u0: &str, w0: &str| {
        ok(&exactflow(
            &[&["solve", "--u0", u0, "--w0", w0][..], &model].concat(),
        ))
    };
    let f64s = exact(
        "3602879701896397/36028797018963968,-3602879701896397/18014398509481984,5404319552844595/18014398509481984",
        "1/2,3602879701896397/36028797018963968,-3152519739159347/4503599627370496",
    );
    let decimal = exact("0.1,-0.2,0.3", "0.5,0.1,-0.7");
    assert_ne!(
        rows(&f64s),
        rows(&decimal),
        "the decimals are another problem"
    );
    for f in ["numpy.npz", "fortran.npy"] {
        let o = ok(&exactflow(
            &[&["solve", "--init-file", &fixture(f)][..], &model].concat(),
        ));
        assert_eq!(rows(&o), rows(&f64s), "{f}");
    }
    let f32s = exact(
        "13421773/134217728,-13421773/67108864,5033165/16777216",
        "1/2,13421773/134217728,-11744051/16777216",
    );
    let o = ok(&exactflow(
        &[&["solve", "--init-file", &fixture("f32.npy")][..], &model].concat(),
    ));
    assert_eq!(rows(&o), rows(&f32s), "float32");
}

#[test]
fn bad_weights_files_exit_2_naming_the_flag_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = path(dir.path(), "o.csv");
    let missing = path(dir.path(), "missing.npz");
    let text = path(dir.path(), "no_weights.csv");
    std::fs::write(&text, "a,b\n1,2\n").expect("write");
    for (file, says) in [
        (missing.as_str(), "No such file"),
        (&fixture("lengths.npz"), "4 values"),
        (&fixture("nan.npz"), "u0[1] is NaN"),
        (&fixture("inf.npz"), "w0[1] is -inf"),
        (&fixture("no_u0.npz"), "no column u0"),
        (&fixture("empty.npz"), "empty"),
        (&fixture("three.npy"), "3 column"),
        (text.as_str(), "no column u0"),
    ] {
        for cmd in ["solve", "simulate", "mechanism", "init"] {
            let mut args = vec![cmd, "--gamma", "1", "--exx", "1", "--exy", "1"];
            args.extend(["--init-file", file]);
            if cmd == "simulate" {
                args.extend(["--method", "rk4", "--times", "0,1"]);
            }
            if cmd != "mechanism" {
                args.extend(["--out", &out]);
            }
            let o = exactflow(&args);
            assert_input_error(&o, "--init-file");
            assert!(stderr(&o).contains(says), "{file}: {}", stderr(&o));
            assert!(!Path::new(&out).exists(), "{cmd} {file}: partial output");
        }
    }
    // A weights file and explicit weights exclude each other.
    let o = exactflow(&["solve", "--init-file", &fixture("numpy.npz"), "--u0", "1"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn init_file_in_a_scenario_is_relative_to_the_scenario_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    std::fs::copy(fixture("numpy.npz"), sub.join("w.npz")).expect("copy");
    let toml = |file: &str| {
        format!("[model]\ngamma = \"9/10\"\n[data]\nexx = \"1.1\"\nexy = \"-2.5\"\n[init]\nfile = \"{file}\"\n")
    };
    let s = sub.join("s.toml");
    std::fs::write(&s, toml("w.npz")).expect("write");
    let s = s.display().to_string();
    // Run from elsewhere: the path is the scenario file's, not the working directory's.
    let a = exactflow(&["solve", "--scenario", &s, "--times", TIMES]);
    let b = exactflow(&[
        "solve",
        "--init-file",
        &fixture("numpy.npz"),
        "--gamma",
        "9/10",
        "--exx",
        "1.1",
        "--exy=-2.5",
        "--times",
        TIMES,
    ]);
    assert_eq!(rows(&ok(&a)), rows(&ok(&b)));
    // A bad file named in a scenario names the field.
    let bad = sub.join("bad.toml");
    std::fs::write(&bad, toml("nan.npz")).expect("write");
    let o = exactflow(&["solve", "--scenario", &bad.display().to_string()]);
    assert_input_error(&o, "init.file");
    std::fs::write(&bad, toml("w.npz") + "u0 = [\"1\", \"2\", \"3\"]\n").expect("write");
    let o = exactflow(&["solve", "--scenario", &bad.display().to_string()]);
    assert_input_error(&o, "init.file");
}

/// `solve --scenario-from` of a table regenerates its values.
fn regenerates(dir: &Path, args: &[&str], ext: &str) {
    let a = path(dir, &format!("a.{ext}"));
    let b = path(dir, &format!("b.{ext}"));
    ok(&exactflow(&[args, &["--out", &a]].concat()));
    ok(&exactflow(&["solve", "--scenario-from", &a, "--out", &b]));
    let (ta, tb) = (
        read_path(Path::new(&a)).expect("a"),
        read_path(Path::new(&b)).expect("b"),
    );
    assert!(!ta.rows.is_empty());
    assert_eq!(ta.columns, tb.columns, "{args:?} {ext}");
    assert_eq!(ta.rows, tb.rows, "{args:?} {ext}");
    assert_eq!(ta.metadata, tb.metadata, "{args:?} {ext}");
}

#[test]
fn scenario_from_regenerates_a_table_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    for ext in ["csv", "json", "npz"] {
        for p in PRESETS {
            regenerates(dir.path(), &["solve", "--preset", p], ext);
        }
        let flags = [
            "solve",
            "--gamma",
            "0.9",
            "--eta-u",
            "0.7",
            "--exx",
            "1.1",
            "--exy=-2.5",
            "--u0",
            "0.1,-0.2",
            "--w0",
            "0.5,0.1",
            "--grid",
            "0:3:7",
        ];
        regenerates(dir.path(), &flags, ext);
        let mp = [
            "solve",
            "--preset",
            "saddle",
            "--engine",
            "mp",
            "--digits",
            "30",
            "--times",
            "0,1/3,2",
            "--columns",
            "loss,ntk",
        ];
        regenerates(dir.path(), &mp, ext);
        let w = path(dir.path(), "w.npz");
        ok(&exactflow(&["init", "--preset", "rescaling", "--out", &w]));
        regenerates(
            dir.path(),
            &["solve", "--preset", "rescaling", "--init-file", &w],
            ext,
        );
    }
}

#[test]
fn every_table_states_every_number_of_its_scenario() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = path(dir.path(), "sim.csv");
    let solve = path(dir.path(), "solve.json");
    ok(&exactflow(&[
        "simulate", "--preset", "saddle", "--method", "rk4", "--times", "0,1", "--out", &sim,
    ]));
    ok(&exactflow(&[
        "solve", "--preset", "saddle", "--out", &solve,
    ]));
    for f in [&sim, &solve] {
        let t = read_path(Path::new(f)).expect("read");
        for (key, value) in [
            ("exactflow", env!("CARGO_PKG_VERSION")),
            ("scenario", "saddle"),
            ("model.gamma", "1"),
            ("model.eta_u", "1"),
            ("model.eta_w", "1"),
            ("data.exx", "1"),
            ("data.exy", "-1"),
            ("data.eyy", "1"),
            ("init.kind", "gaussian"),
            ("init.width", "16"),
            ("init.sigma_u", "1/10"),
            ("init.sigma_w", "1/10"),
            ("init.seed", "0"),
            ("init.tie", "equal"),
        ] {
            assert_eq!(meta(&t, key), Some(value), "{f}: {key}");
        }
    }
    // The simulation's scenario is read back by any command.
    let a = ok(&exactflow(&["mechanism", "--preset", "saddle"]));
    let b = ok(&exactflow(&["mechanism", "--scenario-from", &sim]));
    assert_eq!(a, b);
}

#[test]
fn scenario_from_refuses_a_table_without_or_with_edited_provenance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let npy = path(dir.path(), "a.npy");
    let out = path(dir.path(), "b.csv");
    ok(&exactflow(&["solve", "--preset", "saddle", "--out", &npy]));
    let o = exactflow(&["solve", "--scenario-from", &npy, "--out", &out]);
    assert_input_error(&o, "--scenario-from");
    assert!(stderr(&o).contains("no scenario"), "{}", stderr(&o));
    assert!(!Path::new(&out).exists());
    let csv = path(dir.path(), "a.csv");
    ok(&exactflow(&["solve", "--preset", "saddle", "--out", &csv]));
    let text = std::fs::read_to_string(&csv).expect("read");
    let edited = text.replace("# model.gamma: 1\n", "# model.gamma: 2\n");
    assert_ne!(text, edited);
    std::fs::write(&csv, edited).expect("write");
    let o = exactflow(&["solve", "--scenario-from", &csv, "--out", &out]);
    assert_input_error(&o, "--scenario-from");
    assert!(stderr(&o).contains("SHA-256"), "{}", stderr(&o));
    assert!(!Path::new(&out).exists());
}
