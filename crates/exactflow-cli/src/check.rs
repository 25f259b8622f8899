//! `exactflow check`: the exact rational checker (`exactflow-rational`) on a scenario —
//! invariants, GD drift, fixed points, the Riccati identity, the observables, and the exact
//! limits with rigorous decimals. Exit 0 when every check holds, 1 when one fails (the
//! report names it), 2 on bad input.

use crate::error::CliError;
use crate::output::emit;
use crate::scenario_args::ScenarioArgs;
use clap::{Args, ValueEnum};
use exactflow_core::number::parse_exact;
use exactflow_core::Q;
use exactflow_rational::fixed::PointKind;
use exactflow_rational::limits::LimitValue;
use exactflow_rational::report::MAX_GD_STEPS;
use exactflow_rational::{check_scenario, CheckError, CheckOptions, Report};
use serde_json::{json, Value};

/// Report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// One line per check, then the limits.
    Text,
    /// `{"checks": [{"name", "passed", "detail"}], "limits": {...}, ...}`.
    Json,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// A point's output layer u (comma-separated exact numbers) to classify as a fixed
    /// point: global minimum (with GD stability), strict saddle, or not stationary (exit 1).
    #[arg(
        long = "point-u",
        value_name = "LIST",
        allow_hyphen_values = true,
        requires = "point_w"
    )]
    pub point_u: Option<String>,
    /// The point's hidden layer w (same length as --point-u).
    #[arg(
        long = "point-w",
        value_name = "LIST",
        allow_hyphen_values = true,
        requires = "point_u"
    )]
    pub point_w: Option<String>,
    /// Exact GD steps from the initialization for the drift checks (0–12; rational sizes
    /// grow about threefold per step).
    #[arg(long = "gd-steps", value_name = "N", default_value_t = 4)]
    pub gd_steps: usize,
    /// Significant digits of the limits' decimals (30–10000).
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub digits: usize,
    /// Report format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

fn parse_list(flag: &str, text: &str) -> Result<Vec<Q>, CliError> {
    text.split(',')
        .enumerate()
        .map(|(i, x)| {
            parse_exact(x).map_err(|e| CliError::usage(&format!("{flag}[{i}]"), e.to_string()))
        })
        .collect()
}

/// Runs `check`.
///
/// # Errors
/// Usage and scenario errors (exit 2); [`CliError::CheckFailed`] (exit 1) after printing
/// the report when a check fails.
pub fn run(args: &CheckArgs) -> Result<(), CliError> {
    if args.gd_steps > MAX_GD_STEPS {
        return Err(CliError::usage(
            "--gd-steps",
            format!(
                "at most {MAX_GD_STEPS} steps (rational sizes grow threefold per step), got {}",
                args.gd_steps
            ),
        ));
    }
    if !(30..=10_000).contains(&args.digits) {
        return Err(CliError::usage(
            "--digits",
            format!(
                "check prints 30 to 10000 significant digits, got {}",
                args.digits
            ),
        ));
    }
    let point = match (&args.point_u, &args.point_w) {
        (Some(u), Some(w)) => {
            let u = parse_list("--point-u", u)?;
            let w = parse_list("--point-w", w)?;
            if u.len() != w.len() {
                return Err(CliError::usage(
                    "--point-w",
                    format!("--point-u has {} entries but --point-w has {}: they must have the same length", u.len(), w.len()),
                ));
            }
            Some((u, w))
        }
        _ => None,
    };
    let scenario = args.scenario.resolve()?;
    let opts = CheckOptions {
        gd_steps: args.gd_steps,
        point,
        digits: args.digits,
        ..CheckOptions::default()
    };
    let report = check_scenario(&scenario, &opts).map_err(|e| match e {
        CheckError::PointLengths(..) => CliError::usage("--point-w", e.to_string()),
        CheckError::TooManyGdSteps(_) => CliError::usage("--gd-steps", e.to_string()),
        CheckError::Field(_) => CliError::usage("scenario", e.to_string()),
    })?;
    let name = scenario.name.clone().unwrap_or_else(|| "(flags)".into());
    let text = match args.format {
        CheckFormat::Text => render_text(&report, &name),
        CheckFormat::Json => render_json(&report, &name, args.gd_steps),
    };
    emit(text.as_bytes(), None)?;
    if report.passed() {
        Ok(())
    } else {
        Err(CliError::CheckFailed(
            report.failed().iter().map(|s| s.to_string()).collect(),
        ))
    }
}

fn limit_rows(r: &Report) -> [(&'static str, &LimitValue); 5] {
    let l = &r.limits;
    [
        ("z_plus", &l.z_plus),
        ("ntk_inf", &l.ntk_inf),
        ("alignment_inf", &l.alignment_inf),
        ("residual_inf", &l.residual_inf),
        ("omega", &l.omega),
    ]
}

fn render_text(r: &Report, name: &str) -> String {
    let mut out = format!("exactflow check: scenario {name}, width {}\n", r.width);
    for c in &r.checks {
        out.push_str(&format!(
            "{} {}: {}\n",
            if c.passed { "PASS" } else { "FAIL" },
            c.name,
            c.detail
        ));
    }
    out.push_str(&format!("limits ({}):\n", r.limits.case.describe()));
    for (n, v) in limit_rows(r) {
        out.push_str(&format!(
            "  {n:<14} {}\n  {:<14} exact: {}\n",
            v.decimal, "", v.exact
        ));
    }
    if let Some(p) = &r.point {
        out.push_str(&format!("point: {}\n", p.detail));
    }
    if r.passed() {
        out.push_str(&format!("result: all {} checks passed\n", r.checks.len()));
    } else {
        out.push_str(&format!("result: FAILED: {}\n", r.failed().join(", ")));
    }
    out
}

fn render_json(r: &Report, name: &str, gd_steps: usize) -> String {
    let checks: Vec<Value> = r
        .checks
        .iter()
        .map(|c| json!({"name": c.name, "passed": c.passed, "detail": c.detail}))
        .collect();
    let mut limits = serde_json::Map::new();
    limits.insert("case".into(), json!(r.limits.case.describe()));
    for (n, v) in limit_rows(r) {
        limits.insert(
            n.into(),
            json!({"exact": v.exact, "decimal": v.decimal, "correctly_rounded": v.correctly_rounded}),
        );
    }
    limits.insert(
        "gd_stable_at_limit".into(),
        json!(r.limits.gd_stable_at_limit),
    );
    let point = r.point.as_ref().map(|p| match &p.kind {
        PointKind::Minimum {
            ntk,
            a_ntk,
            gd_stable,
        } => json!({
            "kind": "minimum", "ntk": ntk.to_string(), "a_ntk": a_ntk.to_string(),
            "gd_stable": gd_stable, "verified": p.verified, "detail": p.detail,
        }),
        PointKind::Saddle { .. } => json!({
            "kind": "saddle", "verified": p.verified, "detail": p.detail,
        }),
        PointKind::NotStationary { e, field_max } => json!({
            "kind": "not_stationary", "residual": e.to_string(),
            "field_max": field_max.to_string(), "detail": p.detail,
        }),
    });
    let v = json!({
        "exactflow": env!("CARGO_PKG_VERSION"),
        "command": "check",
        "scenario": name,
        "width": r.width,
        "gd_steps": gd_steps,
        "passed": r.passed(),
        "failed": r.failed(),
        "checks": checks,
        "limits": Value::Object(limits),
        "point": point,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("a serde_json::Value always serializes");
    s.push('\n');
    s
}
