//! `exactflow compare`: a candidate table against a reference (for users' CI).
//!
//! The library decides ([`exactflow_tables::compare`]); this module maps its typed
//! errors to the flags that caused them and renders its typed report (text or JSON).

use crate::error::CliError;
use exactflow_tables::compare::Failure;
use exactflow_tables::{
    compare, quote, read_path, CompareError, Dec, Options, ReadError, Report, Side, Table,
    Tolerance, Value,
};
use std::io::Write;
use std::path::PathBuf;

/// Report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A short text report: one line per column.
    Text,
    /// One JSON object: the verdict, per column the worst deviation and where.
    Json,
}

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The reference table (CSV, JSON, NPY or NPZ; format told by the content).
    #[arg(long)]
    pub reference: PathBuf,
    /// The table to check (CSV, JSON, NPY or NPZ).
    #[arg(long)]
    pub candidate: PathBuf,
    /// Relative tolerance (an exact decimal ≥ 0).
    #[arg(long, default_value = "1e-9", allow_hyphen_values = true)]
    pub rtol: String,
    /// Absolute tolerance (an exact decimal ≥ 0).
    #[arg(long, default_value = "0", allow_hyphen_values = true)]
    pub atol: String,
    /// Columns to compare, comma-separated (default: every value column both tables
    /// have, except t and the <name>_err bounds). A table without column names (a plain
    /// NPY array) takes these as its names: then list every column, t included, in order.
    #[arg(long, allow_hyphen_values = true)]
    pub columns: Option<String>,
    /// Report format on standard output.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// A NaN cell passes against a NaN cell (default: every NaN cell fails).
    #[arg(long)]
    pub nan_equal: bool,
    /// Fail when a column is in only one of the tables (default: listed, not failed).
    #[arg(long)]
    pub strict: bool,
    /// Candidate rows at times the reference lacks are listed but do not fail.
    #[arg(long)]
    pub allow_extra_rows: bool,
    /// Match rows whose times differ by at most this relative amount (default: times
    /// must be equal, or round to the same double).
    #[arg(long, allow_hyphen_values = true)]
    pub time_rtol: Option<String>,
}

fn tolerance(flag: &str, text: &str) -> Result<Dec, CliError> {
    match Value::parse(text) {
        Some(Value::Finite(d)) if !d.is_negative() => Ok(d),
        Some(Value::Finite(_)) => Err(CliError::usage(
            flag,
            format!("{} is negative: a tolerance is ≥ 0", quote(text)),
        )),
        Some(_) => Err(CliError::usage(
            flag,
            format!(
                "{} is not finite: a tolerance is a finite number ≥ 0",
                quote(text)
            ),
        )),
        None => Err(CliError::usage(
            flag,
            format!(
                "{} is not a decimal number (digits, '.', an exponent of at most 10^6)",
                quote(text)
            ),
        )),
    }
}

fn flag_of(side: Side) -> &'static str {
    match side {
        Side::Reference => "--reference",
        Side::Candidate => "--candidate",
    }
}

fn read(side: Side, path: &std::path::Path) -> Result<Table, CliError> {
    read_path(path).map_err(|e: ReadError| {
        CliError::usage(
            &format!("{} {}", flag_of(side), path.display()),
            e.to_string(),
        )
    })
}

/// Maps a comparison error to the flag that caused it.
fn usage(e: CompareError, args: &CompareArgs) -> CliError {
    let path = |s: Side| match s {
        Side::Reference => args.reference.display().to_string(),
        Side::Candidate => args.candidate.display().to_string(),
    };
    match e {
        CompareError::Tolerance(t) => CliError::usage(
            match t {
                Tolerance::Relative => "--rtol",
                Tolerance::Absolute => "--atol",
                Tolerance::Time => "--time-rtol",
            },
            "must be a finite number ≥ 0",
        ),
        CompareError::ColumnList(m) => CliError::usage("--columns", m),
        CompareError::Unnamed { side, width } => CliError::usage(
            &format!("{} {}", flag_of(side), path(side)),
            format!(
                "a plain NPY array of {width} columns has no column names: give --columns naming every column in order (for example --columns t,z,loss)"
            ),
        ),
        CompareError::NamesCount { side, width, given } => CliError::usage(
            "--columns",
            format!(
                "names {given} columns, but the {side} {} (a plain NPY array) has {width}: name every column in order",
                path(side)
            ),
        ),
        CompareError::MissingColumn { side, column } => CliError::usage(
            "--columns",
            format!("the {side} {} has no column {}", path(side), quote(&column)),
        ),
        CompareError::NoCommonColumn => CliError::usage(
            "--columns",
            "no value column common to both tables",
        ),
        CompareError::NoTime(side) => CliError::usage(
            &format!("{} {}", flag_of(side), path(side)),
            "no column \"t\"",
        ),
        e @ (CompareError::Times { side, .. }
        | CompareError::NotExact { side, .. }
        | CompareError::AmbiguousTime { side, .. }) => CliError::usage(
            &format!("{} {}", flag_of(side), path(side)),
            e.to_string(),
        ),
    }
}

/// Runs `compare`: prints the report on stdout; exit 1 (naming what failed) when a
/// cell is out of tolerance, a row is unmatched, nothing was compared, or (`--strict`)
/// a column is in one table only.
pub fn run(args: &CompareArgs) -> Result<(), CliError> {
    let mut opts = Options::new(
        tolerance("--rtol", &args.rtol)?,
        tolerance("--atol", &args.atol)?,
    );
    opts.time_rtol = args
        .time_rtol
        .as_deref()
        .map(|t| tolerance("--time-rtol", t))
        .transpose()?;
    opts.nan_equal = args.nan_equal;
    opts.strict = args.strict;
    opts.allow_extra_rows = args.allow_extra_rows;
    opts.columns = args
        .columns
        .as_ref()
        .map(|l| l.split(',').map(|c| c.trim().to_string()).collect());
    let reference = read(Side::Reference, &args.reference)?;
    let candidate = read(Side::Candidate, &args.candidate)?;
    let report = compare(&reference, &candidate, &opts).map_err(|e| usage(e, args))?;
    let out = match args.format {
        ReportFormat::Text => render(&report, args),
        ReportFormat::Json => {
            let mut j = report.to_json();
            j["reference"] = args.reference.display().to_string().into();
            j["candidate"] = args.candidate.display().to_string().into();
            j["rtol"] = args.rtol.clone().into();
            j["atol"] = args.atol.clone().into();
            format!("{j:#}\n")
        }
    };
    // A closed standard output (`| head`) stops the report, not the verdict.
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match lock.write_all(out.as_bytes()).and_then(|()| lock.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(CliError::Io {
                what: "standard output".into(),
                source: e,
            })
        }
        _ => {}
    }
    let failures = report.failures();
    if failures.is_empty() {
        return Ok(());
    }
    let list = |v: &[String]| {
        let head: Vec<String> = v.iter().take(3).map(|s| quote(s)).collect();
        let more = if v.len() > 3 { ", …" } else { "" };
        format!("{}{more}", head.join(", "))
    };
    let what: Vec<String> = failures
        .iter()
        .map(|f| match f {
            Failure::Column(c) => {
                let w = c.worst.as_ref().map_or(String::new(), |w| {
                    format!(
                        "; worst at t = {}: {} vs reference {}, |error| {} > allowed {}",
                        w.t,
                        short(&w.value),
                        short(&w.reference),
                        w.error,
                        w.allowed
                    )
                });
                format!("column {} ({} of {} cells{w})", c.column, c.failed, c.compared)
            }
            Failure::MissingRows(v) => format!(
                "{} reference rows missing from the candidate (t = {})",
                v.len(),
                list(v)
            ),
            Failure::ExtraRows(v) => format!(
                "{} candidate rows at times the reference lacks (t = {}; --allow-extra-rows to accept)",
                v.len(),
                list(v)
            ),
            Failure::ExtraColumns(v) => format!(
                "--strict: candidate columns the reference lacks: {}",
                list(v)
            ),
            Failure::NotCompared(v) => format!(
                "--strict: reference columns the candidate lacks: {}",
                list(v)
            ),
            Failure::Empty => "no row compared".to_string(),
        })
        .collect();
    Err(CliError::Failed {
        what: "compare".into(),
        details: what.join("; "),
    })
}

/// A value for a one-line message (long numbers shortened).
fn short(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        quote(s)
    }
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
                "{},{},{},{},{},{},{},{}\n",
                c.column, c.compared, c.failed, w.t, w.value, w.reference, w.error, w.allowed
            )),
            None => out.push_str(&format!("{},{},{},,,,,\n", c.column, c.compared, c.failed)),
        }
    }
    let strict = |b: bool| if b { " (fails: --strict)" } else { "" };
    if !r.not_compared.is_empty() {
        out.push_str(&format!(
            "reference columns not in the candidate (not compared){}: {}\n",
            strict(r.strict),
            r.not_compared.join(", ")
        ));
    }
    if !r.extra_columns.is_empty() {
        out.push_str(&format!(
            "candidate columns not in the reference (not compared){}: {}\n",
            strict(r.strict),
            r.extra_columns.join(", ")
        ));
    }
    if !r.missing_rows.is_empty() {
        out.push_str(&format!(
            "reference rows without a candidate row: {} (t = {})\n",
            r.missing_rows.len(),
            r.missing_rows.join(", ")
        ));
    }
    if !r.extra_rows.is_empty() {
        out.push_str(&format!(
            "candidate rows without a reference row{}: {} (t = {})\n",
            if r.allow_extra_rows { " (allowed)" } else { "" },
            r.extra_rows.len(),
            r.extra_rows.join(", ")
        ));
    }
    out.push_str(if r.passed() {
        "result: PASS\n"
    } else {
        "result: FAIL\n"
    });
    out
}
