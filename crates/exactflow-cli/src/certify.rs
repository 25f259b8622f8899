//! `exactflow certify`: every engine on one scenario, held against each other
//! (`exactflow-certify`). Exit 0 when every comparison holds, 1 naming the ones that do
//! not, 2 on bad input.

use crate::error::CliError;
use crate::output::{emit, Progress};
use crate::scenario_args::ScenarioArgs;
use clap::{Args, ValueEnum};
use exactflow_certify::{certify, Certification, CertifyError, Options};
use serde_json::json;

/// Report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CertifyFormat {
    /// One CSV-style line per comparison.
    Text,
    /// `{"passed", "digits", "times", "lines": [{"name", "passed", "measured", "bound", "detail"}]}`.
    Json,
}

/// Arguments of `certify`.
#[derive(Debug, Args)]
pub struct CertifyArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Digits of the mp reference and of the exact limits' decimals (20–1000).
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub digits: u32,
    /// Time points on [0, horizon] (2–10000).
    #[arg(long, value_name = "N", default_value_t = 33)]
    pub points: usize,
    /// Report format.
    #[arg(long, value_enum, default_value_t = CertifyFormat::Text)]
    pub format: CertifyFormat,
}

fn render_text(c: &Certification, name: &str) -> String {
    let mut out = format!(
        "certify {name}: {} time points, mp at {} digits\n",
        c.times.len(),
        c.digits
    );
    out.push_str("check,passed,measured,bound,detail\n");
    for l in &c.lines {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            l.name,
            if l.passed { "yes" } else { "NO" },
            l.measured,
            l.bound,
            l.detail.replace(',', ";")
        ));
    }
    out.push_str(if c.passed() {
        "result: every engine agrees\n"
    } else {
        "result: DISAGREEMENT\n"
    });
    out
}

/// Runs `certify`.
///
/// # Errors
/// Usage and scenario errors (exit 2); [`CliError::Failed`] (exit 1, naming the
/// comparisons) after printing the report when one fails.
pub fn run(args: &CertifyArgs) -> Result<(), CliError> {
    let scenario = args.scenario.resolve()?;
    let opts = Options {
        digits: args.digits,
        points: args.points,
        ..Options::default()
    };
    // Seconds of work, even at the defaults (the Taylor oracle, the exact checker).
    let progress = Progress::spinner("certify", true);
    let c = certify(&scenario, &opts).map_err(|e| match e {
        CertifyError::Digits(_) => CliError::usage("--digits", e.to_string()),
        CertifyError::Points(_) => CliError::usage("--points", e.to_string()),
        CertifyError::Rational(m) => CliError::usage("scenario", m),
    })?;
    progress.finish();
    let name = scenario.name.clone().unwrap_or_else(|| "(flags)".into());
    let bytes = match args.format {
        CertifyFormat::Text => render_text(&c, &name).into_bytes(),
        CertifyFormat::Json => {
            let v = json!({
                "exactflow": env!("CARGO_PKG_VERSION"),
                "command": "certify",
                "scenario": name,
                "scenario_sha256": scenario.sha256(),
                "passed": c.passed(),
                "digits": c.digits,
                "times": c.times.len(),
                "lines": c.lines.iter().map(|l| json!({
                    "name": l.name,
                    "passed": l.passed,
                    "measured": l.measured,
                    "bound": l.bound,
                    "detail": l.detail,
                })).collect::<Vec<_>>(),
            });
            let mut s =
                serde_json::to_string_pretty(&v).expect("a serde_json::Value always serializes");
            s.push('\n');
            s.into_bytes()
        }
    };
    emit(&bytes, None)?;
    if c.passed() {
        Ok(())
    } else {
        Err(CliError::Failed {
            what: "certify".into(),
            details: c.failed().join(", "),
        })
    }
}
