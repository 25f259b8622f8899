//! `exactflow mechanism`: the regime of one trajectory (docs/model.md §9) — the quantities
//! comparing initialization and limit, and the label decided from them
//! (`exactflow_analysis::mechanism` documents the forms and the thresholds).

use crate::error::CliError;
use crate::output::emit;
use crate::scenario_args::ScenarioArgs;
use clap::{Args, ValueEnum};
use exactflow_analysis::mechanism::{analyse_exact, Quantities, THRESHOLDS};
use exactflow_core::number::{format_f64_sci, q_to_f64_nearest};
use serde_json::{json, Value};

/// Report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned text for people.
    Text,
    /// One JSON object: `label`, `quantities`, `thresholds`, `scenario`.
    Json,
}

/// Arguments of `mechanism`.
#[derive(Debug, Args)]
pub struct MechanismArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// The rule, as printed beside the label.
pub const RULE: &str = "saddle: the flow converges to u = w = 0 with theta* != 0 (exact); kernel: |ntk change| <= 0.1, |alignment change| <= 0.1 and each layer turns <= 0.1 rad; rescaling-u (-w): u (w) turns by less than 0.1 x the other layer's angle; otherwise alignment if z grows (k e0 < 0, exact), disalignment if it shrinks";

/// The quantities in report order: JSON key, text label, value.
fn rows(q: &Quantities, a_ntk_inf: f64) -> Vec<(&'static str, &'static str, f64)> {
    vec![
        ("z_inf", "z(inf)", q.z_inf),
        ("ntk0", "ntk(0)", q.ntk0),
        ("ntk_inf", "ntk(inf)", q.ntk_inf),
        ("ntk_change", "ntk(inf)/ntk(0) - 1", q.ntk_change),
        ("alignment0", "alignment(0)", q.alignment0),
        ("alignment_inf", "alignment(inf)", q.alignment_inf),
        ("rotation_u", "angle(u0, u(inf)) [rad]", q.rotation_u),
        ("rotation_w", "angle(w0, w(inf)) [rad]", q.rotation_w),
        ("norm_ratio_u", "|u(inf)|/|u0|", q.norm_ratio_u),
        ("norm_ratio_w", "|w(inf)|/|w0|", q.norm_ratio_w),
        ("dominance", "|u0~|^2/|w0~|^2 (normalized)", q.dominance),
        ("time_scale", "time scale 1/omega", q.time_scale),
        ("residual_inf", "residual(inf)", q.residual_inf),
        ("gd_a_ntk_inf", "a*ntk(inf) (GD stable iff < 2)", a_ntk_inf),
    ]
}

/// A finite value as a JSON number, ±∞ as the strings `"inf"`/`"-inf"`, NaN (undefined) as
/// null.
pub fn json_num(x: f64) -> Value {
    if x.is_nan() {
        Value::Null
    } else if x.is_infinite() {
        Value::String(if x > 0.0 { "inf" } else { "-inf" }.into())
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

/// Runs `mechanism`.
///
/// # Errors
/// Scenario errors (exit 2), output errors.
pub fn run(args: &MechanismArgs) -> Result<(), CliError> {
    let scenario = args.scenario.resolve()?;
    let red = scenario.reduction();
    let m = analyse_exact(&red);
    let a = q_to_f64_nearest(&red.a);
    let a_ntk_inf = a * m.quantities.ntk_inf;
    let name = scenario.name.clone().unwrap_or_else(|| "(flags)".into());
    let rows = rows(&m.quantities, a_ntk_inf);
    let th = THRESHOLDS;
    let text = match args.format {
        ReportFormat::Json => {
            let mut qmap = serde_json::Map::new();
            for (k, _, v) in &rows {
                qmap.insert((*k).to_string(), json_num(*v));
            }
            let out = json!({
                "scenario": name,
                "width": scenario.width(),
                "label": m.label.name(),
                "quantities": Value::Object(qmap),
                "thresholds": {
                    "ntk_change": th.ntk_change,
                    "alignment_change": th.alignment_change,
                    "rotation": th.rotation,
                    "rescaling_ratio": th.rescaling_ratio,
                },
                "rule": RULE,
            });
            format!("{out:#}\n")
        }
        ReportFormat::Text => {
            let mut s = format!(
                "scenario: {name} (width {})\nlabel: {}\n\n",
                scenario.width(),
                m.label
            );
            let wide = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
            for (_, label, v) in &rows {
                let shown = if v.is_nan() {
                    "undefined".to_string()
                } else {
                    format_f64_sci(*v, 6)
                };
                s.push_str(&format!("  {label:<wide$}  {shown}\n"));
            }
            for (layer, angle) in [
                ("u", m.quantities.rotation_u),
                ("w", m.quantities.rotation_w),
            ] {
                if angle.is_finite() {
                    s.push_str(&format!(
                        "  {:<wide$}  {:.3}\n",
                        format!("angle({layer}0, {layer}(inf)) [degrees]"),
                        angle.to_degrees()
                    ));
                }
            }
            s.push_str(&format!("\nrule: {RULE}\n"));
            if a_ntk_inf >= 2.0 {
                s.push_str("note: a*ntk(inf) >= 2: gradient descent with these rates cannot settle at the flow's minimum (edge of stability)\n");
            }
            s
        }
    };
    emit(text.as_bytes(), None)
}
