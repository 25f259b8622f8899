//! The numeric surface of the binary at its edges (issue 10): what cannot be certified is
//! never printed as if it were — a refusal (exit 2) for values beyond an engine's range, a
//! failure naming the cells (exit 1) for values that did not reach the requested digits.

use crate::support::{exactflow, text};
use rug::float::Round;
use rug::Float;
use std::process::Output;

/// The README's example scenario as flags.
const BASE: [&str; 14] = [
    "--gamma",
    "0.9",
    "--eta-u",
    "0.7",
    "--eta-w",
    "13/10",
    "--exx",
    "1.1",
    "--exy",
    "-2.5",
    "--u0",
    "0.1,-0.2,0.3",
    "--w0",
    "0.5,0.1,-0.7",
];

/// The base flags with `extra` appended; a flag of `extra` that the base has replaces
/// the base's value (`--certify` and other switches stand alone).
fn base_with(extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = BASE.iter().map(|s| s.to_string()).collect();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < extra.len() {
        if let Some(j) = v.iter().position(|x| x == extra[i]) {
            v[j + 1] = extra[i + 1].to_string();
            i += 2;
        } else {
            rest.push(extra[i].to_string());
            i += 1;
        }
    }
    v.extend(rest);
    v
}

/// Nothing but the header reached standard output (written in place as the table
/// streams; a regular `--out` file is not created at all).
fn assert_no_rows(o: &Output) {
    let out = text(&o.stdout);
    assert!(
        out.lines()
            .all(|l| l.starts_with('#') || l.starts_with("t,")),
        "{out}"
    );
}

fn run(args: &[String]) -> Output {
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    exactflow(&a)
}

/// Issue 10 item 1: at init 1e100 the residual at t = 1 is about 10^-(2.4·10^201), beyond
/// any exponent range. Once printed as a certified row of `nan` (exit 0); now a refusal
/// naming the column, with nothing on standard output.
#[test]
fn mp_refuses_a_value_beyond_its_range_naming_the_column() {
    let mut args = vec!["solve".to_string()];
    args.extend(base_with(&[
        "--u0",
        "1e100,-2e100,3e100",
        "--w0",
        "5e100,1e100,-7e100",
        "--times",
        "0,1",
        "--engine",
        "mp",
        "--digits",
        "30",
        "--certify",
    ]));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert_no_rows(&o);
    let err = text(&o.stderr);
    assert!(err.contains("residual at t = 1"), "{err}");
    // The representable columns are served.
    let mut args = vec!["solve".to_string()];
    args.extend(base_with(&[
        "--u0",
        "1e100,-2e100,3e100",
        "--w0",
        "5e100,1e100,-7e100",
        "--times",
        "0,1",
        "--engine",
        "mp",
        "--digits",
        "30",
        "--certify",
        "--columns",
        "z,slope,ntk,alignment,norm_u,norm_w",
    ]));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(!out.contains("nan"), "{out}");
    assert!(out.contains("# uncertified_cells: 0"));
}

/// Issue 10 item 2: t = 1e9 gives the residual 1.406e-1879581836 with a bound that holds,
/// not `0.0e0` with bound `0.0e0`.
#[test]
fn mp_deep_tail_residual_is_not_a_false_zero() {
    let mut args = vec!["solve".to_string()];
    args.extend(base_with(&[
        "--times",
        "1e9",
        "--engine",
        "mp",
        "--digits",
        "20",
        "--certify",
        "--columns",
        "residual",
    ]));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let row = out
        .lines()
        .find(|l| l.starts_with("1.0"))
        .expect("a data row");
    assert_eq!(
        row,
        "1.0000000000000000000e9,1.4061213146687112355e-1879581836,5.1e-1879581856"
    );
}

/// The time at which the slope of base.toml with `θ* > 0` crosses zero, to `digits`
/// significant digits, from model.md's closed form evaluated literally at 14000 bits:
/// `z_c = √(D/S)` and `E_c = (N − z_c Q)/((z_c − 1)ω + N − z_c Q)`, `t_c = −ln(E_c)/ω`.
fn crossing_time(digits: usize) -> String {
    let p = 14000;
    let q = |n: i64, d: i64| Float::with_val(p, n) / Float::with_val(p, d);
    let (gamma, eta_u, eta_w, a, b) = (q(9, 10), q(7, 10), q(13, 10), q(11, 10), q(5, 2));
    let u = [q(1, 10), q(-2, 10), q(3, 10)];
    let w = [q(5, 10), q(1, 10), q(-7, 10)];
    let dot = |x: &[Float], y: &[Float]| {
        x.iter().zip(y).fold(Float::with_val(p, 0), |acc, (x, y)| {
            acc + Float::with_val(p, x * y)
        })
    };
    let (uu, ww, uw) = (dot(&u, &u), dot(&w, &w), dot(&u, &w));
    let se = Float::with_val(p, &eta_u * &eta_w).sqrt();
    let k = Float::with_val(p, &gamma * &se);
    let theta = Float::with_val(p, &b / &a);
    let pu = Float::with_val(p, &uu / &eta_u);
    let pw = Float::with_val(p, &ww / &eta_w);
    let xt = Float::with_val(p, &uw / &se);
    let s = Float::with_val(p, &pu + &pw) + Float::with_val(p, &xt * 2u32);
    let d = Float::with_val(p, &pu + &pw) - Float::with_val(p, &xt * 2u32);
    let k2 = Float::with_val(p, &k * &k);
    let ca = Float::with_val(p, &a * &k2) * &s / 2u32;
    let cb = Float::with_val(p, &a * &k) * &theta * 2u32;
    let cc = Float::with_val(p, &a * &k2) * &d / 2u32;
    let omega = (Float::with_val(p, &cb * &cb) + Float::with_val(p, &ca * &cc) * 4u32).sqrt();
    let n = Float::with_val(p, &cc + Float::with_val(p, &cb + &omega) / 2u32);
    let qq = Float::with_val(p, &ca + Float::with_val(p, &omega - &cb) / 2u32);
    let zc = Float::with_val(p, &d / &s).sqrt();
    let top = n.clone() - Float::with_val(p, &zc * &qq);
    let bottom = Float::with_val(p, &zc - 1u32) * &omega + &top;
    let tc = -(top / bottom).ln() / omega;
    tc.to_string_radix_round(10, Some(digits), Round::Nearest)
}

/// Issue 10 item 6: at a time within 10^-3500 of the slope's zero crossing, no working
/// precision the engine tries certifies the slope's 10 digits (its relative size is
/// 10^-3500, about 11,600 bits of cancellation). Once exit 0 with `uncertified_cells: 1`;
/// now exit 1 naming the cell, and no table.
#[test]
fn mp_fails_naming_cells_that_do_not_certify() {
    let tc = crossing_time(3500);
    let mut args = vec!["solve".to_string()];
    args.extend(base_with(&[
        "--exy",
        "2.5",
        "--times",
        &format!("0.5,{tc}"),
        "--engine",
        "mp",
        "--digits",
        "10",
        "--certify",
        "--columns",
        "slope,z",
    ]));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_no_rows(&o);
    let err = text(&o.stderr);
    assert!(
        err.contains("1 cell(s) did not certify") && err.contains("slope at t = "),
        "{err}"
    );
    // A time 10^-30 from the crossing certifies (about 100 bits of cancellation).
    let tc = crossing_time(40);
    let mut args = vec!["solve".to_string()];
    args.extend(base_with(&[
        "--exy",
        "2.5",
        "--times",
        &tc,
        "--engine",
        "mp",
        "--digits",
        "10",
        "--certify",
        "--columns",
        "slope",
    ]));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}
