//! Certification of a small scenario: every line holds; options are checked.
use super::*;

fn example() -> Scenario {
    exactflow_core::scenario::parse_toml(exactflow_core::presets::EXAMPLE_TOML, "t")
        .unwrap()
        .validate()
        .unwrap()
}

#[test]
fn every_engine_agrees_on_the_example() {
    let c = certify(&example(), &Options::default()).unwrap();
    assert!(c.passed(), "{:#?}", c.lines);
    let names: Vec<&str> = c.lines.iter().map(|l| l.name.as_str()).collect();
    for needed in [
        "fast-vs-mp:z",
        "fast-vs-mp:alignment",
        "mp-certified",
        "mp-p-vs-2p",
        "rational-checks",
        "limit-vs-mp:z_plus",
        "taylor-vs-closed-form",
    ] {
        assert!(names.contains(&needed), "{needed}");
    }
    // Real comparisons took place.
    let z = c
        .lines
        .iter()
        .find(|l| l.name == "limit-vs-mp:z_plus")
        .unwrap();
    assert!(z.measured.starts_with("relative difference"), "{z:?}");
}

#[test]
fn options_out_of_range_are_errors() {
    let s = example();
    let bad = Options {
        digits: 5,
        ..Options::default()
    };
    assert_eq!(certify(&s, &bad), Err(CertifyError::Digits(5)));
    let bad = Options {
        points: 1,
        ..Options::default()
    };
    assert_eq!(certify(&s, &bad), Err(CertifyError::Points(1)));
}

/// The example with another initialization and rates (exact decimals).
fn with(u0: [&str; 3], w0: [&str; 3], eta_u: &str) -> Scenario {
    let toml = format!(
        r#"
[model]
gamma = "0.9"
eta_u = "{eta_u}"
eta_w = "13/10"
[data]
exx = "1.1"
exy = "-2.5"
[init]
u0 = ["{}", "{}", "{}"]
w0 = ["{}", "{}", "{}"]
"#,
        u0[0], u0[1], u0[2], w0[0], w0[1], w0[2]
    );
    exactflow_core::scenario::parse_toml(&toml, "t")
        .unwrap()
        .validate()
        .unwrap()
}

fn line<'a>(c: &'a Certification, name: &str) -> &'a Line {
    c.lines.iter().find(|l| l.name == name).unwrap()
}

/// Issue 10 item 4: at 400 digits the limits were compared with `f64` tolerances
/// (`10^-399` underflows to 0, so `residual_inf` failed) and figures (`4.941e-324`).
#[test]
fn limits_hold_at_400_digits_with_figures_in_mpfr() {
    let o = Options {
        digits: 400,
        points: 3,
        taylor_digits: 0,
        ..Options::default()
    };
    let c = certify(&example(), &o).unwrap();
    for name in ["z_plus", "ntk_inf", "alignment_inf", "residual_inf"] {
        let l = line(&c, &format!("limit-vs-mp:{name}"));
        assert!(l.passed, "{l:?}");
        assert!(
            !l.measured.contains("e-324") && !l.measured.contains(" 0.0"),
            "{l:?}"
        );
    }
    // The figure is a real relative difference far below f64's range.
    let z = line(&c, "limit-vs-mp:z_plus");
    let exp: i64 = z.measured.rsplit_once('e').unwrap().1.parse().unwrap();
    assert!(exp < -390, "{z:?}");
}

/// Issue 10 item 5: an initialization of 1e-30 escapes the saddle near ωt ≈ 140; the
/// limits were compared at ωt = 155 (a constant) and failed spuriously.
#[test]
fn limits_are_compared_after_the_escape_from_a_small_initialization() {
    let s = with(
        ["1e-30", "-2e-30", "3e-30"],
        ["5e-30", "1e-30", "-7e-30"],
        "0.7",
    );
    let o = Options {
        points: 5,
        taylor_digits: 0,
        ..Options::default()
    };
    let c = certify(&s, &o).unwrap();
    for name in ["z_plus", "ntk_inf", "alignment_inf", "residual_inf"] {
        let l = line(&c, &format!("limit-vs-mp:{name}"));
        assert!(l.passed, "{l:?}");
        assert!(
            l.measured.starts_with("relative") || l.measured.starts_with("difference"),
            "{l:?}"
        );
    }
}

/// The invariant line that could not fail is gone (issue 10 item 9).
#[test]
fn no_line_true_by_construction() {
    let o = Options {
        points: 3,
        taylor_digits: 0,
        ..Options::default()
    };
    let c = certify(&example(), &o).unwrap();
    assert!(c
        .lines
        .iter()
        .all(|l| l.name != "invariant-along-trajectory"));
}
