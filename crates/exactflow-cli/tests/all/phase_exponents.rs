//! `exactflow phase` in exponent space: the asymptotic diagram of docs/model.md §9 on exact
//! rational exponents — checked against the defining inequalities recomputed here.

use crate::support::exactflow;

/// `p/q` or integer text as (numerator, denominator).
fn rat(s: &str) -> (i64, i64) {
    match s.split_once('/') {
        Some((p, q)) => (p.parse().expect("p"), q.parse().expect("q")),
        None => (s.parse().expect("int"), 1),
    }
}

#[test]
fn exponent_diagram_follows_the_inequalities() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().display().to_string();
    let o = exactflow(&[
        "phase",
        "--x",
        "alpha_u=-1/2..2:11",
        "--y",
        "beta=0..2:9",
        "--exponent",
        "c_w=1/2",
        "--out",
        &out,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = std::fs::read_to_string(dir.path().join("phase.csv")).expect("csv");
    let svg = std::fs::read_to_string(dir.path().join("phase.svg")).expect("svg");
    assert!(svg.contains("<svg"));
    // The legend lists each category once, in a fixed order: divergent, kernel, then the
    // critical and strong phases.
    let at = |name: &str| {
        let n = svg.matches(&format!("\n{name}\n")).count();
        assert!(n <= 1, "{name} listed {n} times");
        svg.find(&format!("\n{name}\n"))
    };
    let kernel = at("kernel").expect("the kernel phase is in the legend");
    assert!(at("output diverges").is_some_and(|d| d < kernel));
    for p in ["critical", "strong"] {
        for l in ["alignment", "rescaling-u", "rescaling-w"] {
            assert!(at(&format!("{p}: {l}")).is_none_or(|i| i > kernel));
        }
    }
    let rows: Vec<&str> = csv
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .collect();
    assert_eq!(rows.len(), 99);
    let mut seen = std::collections::BTreeSet::new();
    for r in rows {
        let f: Vec<&str> = r.split(',').collect();
        // Fixed: alpha_w = 0, c_u = 0, c_w = 1/2; axes alpha_u, beta. In 24ths:
        let (au, b) = (rat(f[0]), rat(f[1]));
        let n24 = |(p, q): (i64, i64)| p * 24 / q;
        let (au, b) = (n24(au), n24(b));
        let xu = 24 - au; // 1 − α_u − c_u
        let xw = 24 - 12; // 1 − α_w − c_w
        let m = xu.max(xw);
        let kappa = -b + 6; // −β + (c_u + c_w)/2
        let output0_2 = 2 * kappa + xu + xw - 24; // 2·output0
        let rho = -kappa - m;
        let phase = if output0_2 > 0 {
            "divergent"
        } else if rho < 0 {
            "kernel"
        } else if rho == 0 {
            "critical"
        } else {
            "strong"
        };
        assert_eq!(f[2], phase, "{r}");
        let label = match phase {
            "divergent" => "none",
            "kernel" => "kernel",
            _ if xu > xw => "rescaling-u",
            _ if xu < xw => "rescaling-w",
            _ => "alignment",
        };
        assert_eq!(f[3], label, "{r}");
        seen.insert(phase);
    }
    assert_eq!(seen.len(), 4, "every phase appears: {seen:?}");
}

#[test]
fn exponent_axes_are_validated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().display().to_string();
    for (args, flag) in [
        (
            vec!["--x", "alpha_u=0..1:3", "--y", "gamma=0.1..1:3"],
            "--y",
        ),
        (
            vec!["--x", "alpha_u=0..1:3", "--y", "alpha_u=0..1:3"],
            "--y",
        ),
        (vec!["--x", "alpha_u=0..x:3", "--y", "beta=0..1:3"], "--x"),
        (
            vec![
                "--x",
                "alpha_u=0..1:3",
                "--y",
                "beta=0..1:3",
                "--exponent",
                "beta=1",
            ],
            "--exponent[0]",
        ),
        (
            vec![
                "--x",
                "alpha_u=0..1:3",
                "--y",
                "beta=0..1:3",
                "--exponent",
                "delta=1",
            ],
            "--exponent[0]",
        ),
    ] {
        let mut a = vec!["phase"];
        a.extend(args);
        a.extend(["--out", &out]);
        let o = exactflow(&a);
        assert_eq!(o.status.code(), Some(2), "{a:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(flag) && err.lines().count() == 1,
            "{a:?}: {err}"
        );
    }
    assert!(!dir.path().join("phase.csv").exists());
}
