//! `exactflow plot`: figures for papers — the format by the file name, decade ticks,
//! labelled axes, legible fonts, users' runs drawn over the closed form.

use std::path::Path;
use std::process::Output;

use crate::support::{exactflow, stderr};

fn plot(extra: &[&str], out: &Path) -> Output {
    let mut args = vec!["plot", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    exactflow(&args)
}

/// The text content of every `<text>` element.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|s| {
            let body = &s[s.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

#[test]
fn the_format_follows_the_file_name() {
    let d = tempfile::tempdir().unwrap();
    let args = ["--preset", "alignment", "--steps", "2000", "--points", "10"];
    let svg = d.path().join("fig.svg");
    let o = plot(&args, &svg);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"), "{}", &text[..80]);
    assert!(text.contains("width=\"3.25in\""), "one column wide");
    let png = d.path().join("fig.PNG");
    assert_eq!(plot(&args, &png).status.code(), Some(0));
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    // IHDR: 3.25 in at 300 dpi.
    let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    assert_eq!(width, 975);
    let pdf = d.path().join("fig.pdf");
    assert_eq!(plot(&args, &pdf).status.code(), Some(0));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let s = String::from_utf8_lossy(&bytes);
    assert!(s.contains("/FontFile2"), "the font is embedded");
    assert!(s.contains("DejaVuSans"));
    assert!(s.contains("/MediaBox [0 0 234 "), "3.25 in = 234 pt wide");
    // Same input, same bytes.
    for (p, name) in [(&png, "again.png"), (&pdf, "again.pdf")] {
        let q = d.path().join(name);
        assert_eq!(plot(&args, &q).status.code(), Some(0));
        assert_eq!(
            std::fs::read(p).unwrap(),
            std::fs::read(&q).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn other_extensions_exit_2_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    for name in ["fig.jpg", "fig", "fig.svgz", "fig.eps"] {
        let f = d.path().join(name);
        let o = plot(&["--preset", "saddle"], &f);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains("--out") && e.contains(".svg, .png or .pdf"),
            "{e}"
        );
        assert!(!f.exists(), "{name} written");
    }
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0, "debris");
}

#[test]
fn axes_are_labelled_with_decades_and_legible_fonts() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("fig.svg");
    assert_eq!(plot(&["--preset", "alignment"], &f).status.code(), Some(0));
    let svg = std::fs::read_to_string(&f).unwrap();
    let t = texts(&svg);
    for label in ["alignment ζ", "loss L", "time t"] {
        assert!(
            t.iter().any(|s| s.starts_with(label)),
            "no axis {label:?}: {t:?}"
        );
    }
    assert!(t.iter().any(|s| s.starts_with("NTK Θ")), "{t:?}");
    // The loss axis: decades only (10⁰, 10⁻³, ...), never 4.64e-4 or 3420.
    let sup = |c: char| "⁻⁰¹²³⁴⁵⁶⁷⁸⁹".contains(c);
    let decades: Vec<&String> = t
        .iter()
        .filter(|s| s.starts_with("10") && s.chars().nth(2).is_some_and(sup))
        .collect();
    assert!(decades.len() >= 3, "{t:?}");
    assert!(
        decades.iter().all(|s| s.chars().skip(2).all(sup)),
        "{decades:?}"
    );
    // No tick label is a non-round number.
    assert!(
        !t.iter().any(|s| s.contains("4.64") || s.contains("3420")),
        "{t:?}"
    );
    assert!(
        !t.iter().any(|s| s.contains("e-") || s.contains("e+")),
        "{t:?}"
    );
    // Every font at least 7 pt at the printed size (4 drawing units per point).
    for part in svg.split("font-size=\"").skip(1) {
        let size: f64 = part[..part.find('"').unwrap()].parse().unwrap();
        assert!(size / 4.0 >= 7.0 - 1e-9, "a {} pt font", size / 4.0);
    }
}

#[test]
fn a_constant_observable_gets_distinct_tick_labels() {
    // The saddle: w0 = u0, so the alignment is 1 throughout ("1 1 1 1 1" before).
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("fig.svg");
    assert_eq!(plot(&["--preset", "saddle"], &f).status.code(), Some(0));
    let t = texts(&std::fs::read_to_string(&f).unwrap());
    let ones = t
        .iter()
        .filter(|s| s.as_str() == "1" || s.as_str() == "1.0")
        .count();
    assert!(ones <= 1, "{t:?}");
    for v in ["−1.0", "−0.5", "0.5", "1.0"] {
        assert!(t.iter().any(|s| s == v), "alignment axis lacks {v}: {t:?}");
    }
}

#[test]
fn overlay_draws_a_users_trajectory_from_any_table_compare_reads() {
    let d = tempfile::tempdir().unwrap();
    let run = d.path().join("run.csv");
    let o = exactflow(&[
        "solve",
        "--preset",
        "alignment",
        "--grid",
        "0:8000:17",
        "--columns",
        "loss,alignment",
        "--out",
        run.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let f = d.path().join("fig.svg");
    let o = plot(
        &[
            "--preset",
            "alignment",
            "--overlay",
            run.to_str().unwrap(),
            "--points",
            "0",
        ],
        &f,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&f).unwrap();
    assert!(
        texts(&svg).iter().any(|s| s == "run.csv"),
        "legend names the run"
    );
    assert!(
        !texts(&svg).iter().any(|s| s.contains("gradient descent")),
        "--points 0: no GD"
    );
    // 17 rows, in two panels (the table has no ntk): triangles in the overlay's colour.
    assert!(svg.matches("#009E73").count() >= 2 * 17, "markers");
    // A plain NPY (t, loss) needs its column names.
    let npy = d.path().join("run.npy");
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    let mut h = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }".to_string();
    while !(10 + h.len() + 1).is_multiple_of(64) {
        h.push(' ');
    }
    h.push('\n');
    bytes.extend_from_slice(&(h.len() as u16).to_le_bytes());
    bytes.extend_from_slice(h.as_bytes());
    for v in [0.0f64, 0.5, 100.0, 0.4, 200.0, 0.3] {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(&npy, bytes).unwrap();
    let o = plot(
        &["--preset", "alignment", "--overlay", npy.to_str().unwrap()],
        &f,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--overlay-columns"), "{}", stderr(&o));
    let o = plot(
        &[
            "--preset",
            "alignment",
            "--overlay",
            npy.to_str().unwrap(),
            "--overlay-columns",
            "t,loss",
        ],
        &f,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A table without t, or without any plotted column, is refused naming the overlay.
    let bad = d.path().join("bad.csv");
    std::fs::write(&bad, "step,loss\n0,1\n").unwrap();
    let o = plot(
        &["--preset", "alignment", "--overlay", bad.to_str().unwrap()],
        &f,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--overlay") && stderr(&o).contains("no column t"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&bad, "t,z\n0,1\n").unwrap();
    let o = plot(
        &["--preset", "alignment", "--overlay", bad.to_str().unwrap()],
        &f,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("alignment, loss, ntk"),
        "{}",
        stderr(&o)
    );
}
