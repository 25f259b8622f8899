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
        "invariant-along-trajectory",
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
