//! Integration tests of `exactflow check`: reports, exit codes, points, input errors.

use crate::support::{assert_input_error, exactflow, stderr, stdout};
use std::process::Output;

/// The README example as flags: η_u η_w = 0.91 is not a square.
use crate::support::EXAMPLE_FLAGS as EXAMPLE;

fn check(extra: &[&str]) -> Output {
    let mut args = vec!["check"];
    args.extend_from_slice(&EXAMPLE);
    args.extend_from_slice(extra);
    exactflow(&args)
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).expect("json report")
}

#[test]
fn json_report_passes_with_named_checks_and_limits() {
    let o = check(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    let checks = v["checks"].as_array().expect("checks");
    assert!(checks.len() >= 5);
    let names: Vec<&str> = checks.iter().map(|c| c["name"].as_str().unwrap()).collect();
    for want in [
        "conservation",
        "gd_drift",
        "fixed_point_origin",
        "riccati_symbolic",
        "riccati_scenario",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
    assert!(checks
        .iter()
        .all(|c| c["passed"] == true && c["detail"].is_string()));
    for l in ["z_plus", "ntk_inf", "alignment_inf", "residual_inf"] {
        let dec = v["limits"][l]["decimal"].as_str().unwrap();
        let mantissa = dec.split('e').next().unwrap().replace(['-', '.'], "");
        assert!(mantissa.len() >= 30, "{l}: {dec}");
        assert!(v["limits"][l]["exact"].is_string());
    }
    assert_eq!(v["limits"]["residual_inf"]["exact"], "0");
    assert!(v["limits"]["z_plus"]["decimal"]
        .as_str()
        .unwrap()
        .starts_with("1.08567847264188590619745952183774574780"));
}

#[test]
fn text_report_lists_every_check_and_the_limits() {
    let o = check(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("PASS conservation:"));
    assert!(out.contains("PASS riccati_scenario:"));
    assert!(out.contains("z_plus"));
    assert!(out.lines().last().unwrap().starts_with("result: all"));
}

#[test]
fn global_minimum_is_reported_as_a_minimum() {
    // θ* = −25/11, γ = 9/10: u·w = θ*/γ = −250/99 at u = (1, 0), w = (−250/99, 0).
    let o = check(&[
        "--point-u",
        "1,0",
        "--point-w",
        "-250/99,0",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["point"]["kind"], "minimum");
    assert_eq!(v["point"]["verified"], true);
    assert!(v["point"]["a_ntk"].is_string());
}

#[test]
fn origin_is_reported_as_a_saddle() {
    let o = check(&[
        "--point-u",
        "0,0,0,0",
        "--point-w",
        "0,0,0,0",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["point"]["kind"], "saddle");
}

#[test]
fn non_stationary_point_exits_1_with_the_exact_residual() {
    let o = check(&["--point-u", "1", "--point-w", "1", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["point"]["kind"], "not_stationary");
    assert_eq!(v["point"]["residual"], "349/110");
    assert_eq!(v["failed"], serde_json::json!(["fixed_point"]));
    assert!(stderr(&o).contains("fixed_point"));
    let o = check(&["--point-u", "1", "--point-w", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("FAIL fixed_point: the given point: not stationary"));
}

#[test]
fn square_product_of_learning_rates_and_presets_pass() {
    let o = exactflow(&[
        "check",
        "--eta-u",
        "2",
        "--eta-w",
        "8",
        "--exy",
        "1",
        "--u0",
        "0.1,0.2",
        "--w0",
        "-0.3,0.05",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = exactflow(&["check", "--preset", "saddle", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["limits"]["z_plus"]["exact"], "0");
}

#[test]
fn bad_input_exits_2_naming_the_field() {
    assert_input_error(
        &check(&["--point-u", "1,x", "--point-w", "1,2"]),
        "--point-u[1]",
    );
    assert_input_error(&check(&["--point-u", "1,2", "--point-w", "1"]), "--point-w");
    assert_input_error(&check(&["--gd-steps", "50"]), "--gd-steps");
    assert_input_error(&check(&["--digits", "5"]), "--digits");
    assert_input_error(
        &exactflow(&[
            "check", "--eta-u", "0", "--exy", "1", "--u0", "1", "--w0", "1",
        ]),
        "model.eta_u",
    );
    let o = check(&["--point-u", "1"]);
    assert_eq!(o.status.code(), Some(2));
}
