//! `exactflow compare`: a candidate table against a reference (for users' CI).

use crate::error::CliError;
use exactflow_tables::{compare, read_path, Dec, Options, Report, Value};
use std::path::PathBuf;

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The reference table (CSV or JSON from `exactflow solve`, or NPY).
    #[arg(long)]
    pub reference: PathBuf,
    /// The table to check (CSV, JSON or NPY; an NPY takes the other table's column names).
    #[arg(long)]
    pub candidate: PathBuf,
    /// Relative tolerance.
    #[arg(long, default_value = "1e-9", allow_hyphen_values = true)]
    pub rtol: String,
    /// Absolute tolerance.
    #[arg(long, default_value = "0", allow_hyphen_values = true)]
    pub atol: String,
    /// Columns to compare (comma-separated; default: every value column both tables have,
    /// except t and the <name>_err bounds).
    #[arg(long)]
    pub columns: Option<String>,
}

fn tolerance(flag: &str, text: &str) -> Result<Dec, CliError> {
    match Value::parse(text) {
        Some(Value::Finite(d)) if d.mantissa.sign() != num_bigint::Sign::Minus => Ok(d),
        _ => Err(CliError::usage(
            flag,
            format!("{text:?} is not a finite number ≥ 0"),
        )),
    }
}

/// Runs `compare`: prints the report on stdout; exit 1 (naming the columns) when a cell
/// is out of tolerance or a reference row has no candidate row.
pub fn run(args: &CompareArgs) -> Result<(), CliError> {
    let opts = Options {
        rtol: tolerance("--rtol", &args.rtol)?,
        atol: tolerance("--atol", &args.atol)?,
        columns: args.columns.as_ref().map(|l| {
            l.split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        }),
    };
    let reference = read_path(&args.reference, "--reference")?;
    let candidate = read_path(&args.candidate, "--candidate")?;
    let report = compare(&reference, &candidate, &opts)?;
    print!("{}", render(&report, args));
    if report.passed() {
        return Ok(());
    }
    let mut what: Vec<String> = report
        .columns
        .iter()
        .filter(|c| c.failed > 0)
        .map(|c| {
            let w = c.worst.as_ref().map_or(String::new(), |w| {
                format!(
                    "; worst at t = {}: {} vs reference {}, |error| {:.3e} > allowed {:.3e}",
                    w.t, w.value, w.reference, w.error, w.allowed
                )
            });
            format!(
                "column {} ({} of {} cells{w})",
                c.column, c.failed, c.compared
            )
        })
        .collect();
    if !report.missing_rows.is_empty() {
        what.push(format!(
            "{} reference rows missing from the candidate (first t = {})",
            report.missing_rows.len(),
            report.missing_rows.first().map_or("", String::as_str)
        ));
    }
    Err(CliError::Failed {
        what: "compare".into(),
        details: what.join("; "),
    })
}

fn render(r: &Report, args: &CompareArgs) -> String {
    let mut out = format!(
        "compare: candidate {} against reference {}; |candidate - reference| <= {} + {}*|reference|\n",
        args.candidate.display(),
        args.reference.display(),
        args.atol,
        args.rtol
    );
    out.push_str(&format!("rows compared: {}\n", r.rows));
    out.push_str(
        "column,compared,failed,worst_t,worst_value,worst_reference,worst_error,allowed\n",
    );
    for c in &r.columns {
        match &c.worst {
            Some(w) => out.push_str(&format!(
                "{},{},{},{},{},{},{:.3e},{:.3e}\n",
                c.column, c.compared, c.failed, w.t, w.value, w.reference, w.error, w.allowed
            )),
            None => out.push_str(&format!("{},{},{},,,,,\n", c.column, c.compared, c.failed)),
        }
    }
    if !r.not_compared.is_empty() {
        out.push_str(&format!(
            "not in the candidate (not compared): {}\n",
            r.not_compared.join(", ")
        ));
    }
    if !r.missing_rows.is_empty() {
        out.push_str(&format!(
            "reference rows without a candidate row: {} (t = {})\n",
            r.missing_rows.len(),
            r.missing_rows.join(", ")
        ));
    }
    out.push_str(if r.passed() {
        "result: PASS\n"
    } else {
        "result: FAIL\n"
    });
    out
}
