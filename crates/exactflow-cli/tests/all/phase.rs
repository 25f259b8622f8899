//! `exactflow phase`: the acceptance (a 16×12 grid writes a 192-row CSV and a
//! picture), deterministic bytes whatever the thread count, width axes, input errors.

use std::path::Path;
use std::process::{Command, Output};

fn exactflow(args: &[&str], threads: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_exactflow"));
    c.args(args);
    if let Some(t) = threads {
        c.env("RAYON_NUM_THREADS", t);
    }
    c.output().expect("run exactflow")
}

fn data_rows(csv: &str) -> Vec<&str> {
    csv.lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .collect()
}

#[test]
fn grid_16_by_12_writes_192_rows_and_a_picture() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("sweep");
    let o = exactflow(
        &[
            "phase",
            "--preset",
            "alignment",
            "--x",
            "sigma_u=1e-4..1:log:16",
            "--y",
            "sigma_w=1e-4..1:log:12",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.stderr.is_empty(),
        "no progress bar when stderr is not a terminal"
    );
    let csv = std::fs::read_to_string(out.join("phase.csv")).unwrap();
    let header = csv.lines().find(|l| !l.starts_with('#')).unwrap();
    assert!(
        header.starts_with("sigma_u,sigma_w,label,z_inf,ntk_change"),
        "{header}"
    );
    let rows = data_rows(&csv);
    assert_eq!(rows.len(), 192);
    let ncol = header.split(',').count();
    assert!(rows.iter().all(|r| r.split(',').count() == ncol));
    // The corners: both small → alignment; u large, w small → rescaling-u; the reverse.
    let label = |r: &str| r.split(',').nth(2).unwrap().to_string();
    assert_eq!(label(rows[0]), "alignment");
    assert_eq!(label(rows[15]), "rescaling-u");
    assert_eq!(label(rows[176]), "rescaling-w");
    let svg = std::fs::read_to_string(out.join("phase.svg")).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..100.min(svg.len())]);
    for text in [
        "σ_u (std of the entries of u₀)",
        "σ_w (std of the entries of w₀)",
        "10⁻²",
        "alignment",
        "rescaling-u",
        "rescaling-w",
    ] {
        assert!(svg.contains(text), "the picture lacks {text:?}");
    }
}

fn run_to(dir: &Path, threads: &str) -> (Vec<u8>, Vec<u8>) {
    let o = exactflow(
        &[
            "phase",
            "--preset",
            "kernel",
            "--x",
            "width=4..4000:log:25",
            "--y",
            "gamma=1e-3..1:log:20",
            "--out",
            dir.to_str().unwrap(),
        ],
        Some(threads),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (
        std::fs::read(dir.join("phase.csv")).unwrap(),
        std::fs::read(dir.join("phase.svg")).unwrap(),
    )
}

#[test]
fn output_is_the_same_bytes_for_any_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let a = run_to(&d.path().join("a"), "1");
    let b = run_to(&d.path().join("b"), "2");
    let c = run_to(&d.path().join("c"), "3");
    assert!(a == b && b == c);
    let csv = String::from_utf8(a.0).unwrap();
    let rows = data_rows(&csv);
    assert_eq!(rows.len(), 500);
    // Widths are integers.
    assert!(rows
        .iter()
        .all(|r| r.split(',').next().unwrap().parse::<f64>().unwrap().fract() == 0.0));
}

#[test]
fn bad_axes_exit_2_naming_the_axis_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("none");
    for (x, y, flag) in [
        ("sigma_u=1..2:log", "gamma=1..2:3", "--x"),
        ("sigma_u=1..2:3", "nonsense=1..2:3", "--y"),
        ("sigma_u=1..2:3", "sigma_u=1..2:3", "--y"),
        ("eta_u=-1..2:log:3", "gamma=1..2:3", "--x"),
    ] {
        let o = exactflow(
            &[
                "phase",
                "--preset",
                "kernel",
                "--x",
                x,
                "--y",
                y,
                "--out",
                out.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(2), "{x} {y}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(flag), "{err} should name {flag}");
        assert!(!out.exists(), "no output on error");
    }
    // An explicit initialization has no width or σ to sweep.
    let o = exactflow(
        &[
            "phase",
            "--u0",
            "1,2",
            "--w0",
            "3,4",
            "--exy",
            "1",
            "--x",
            "width=1..5:3",
            "--y",
            "gamma=1..2:3",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr).unwrap().contains("--x"));
}
