//! `exactflow solve`: the closed-form trajectory on a set of time points.

use crate::error::CliError;
use crate::output::{emit, Format, Table};
use crate::scenario_args::ScenarioArgs;
use clap::{Args, ValueEnum};
use exactflow_core::number::{format_f64_sci, format_q_sci, parse_exact, q_to_f64_nearest};
use exactflow_core::{Column, Q};
use exactflow_fast::{FastSolution, OMEGA_T_TOL, REL_TOL};
use num_traits::{Signed, Zero};
use std::path::PathBuf;

/// Most time points one table may have.
pub const MAX_POINTS: u64 = 10_000_000;

/// Points of the default grid (when neither --times nor --grid is given).
pub const DEFAULT_POINTS: u64 = 21;

/// Evaluation engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// f64 closed form (relative accuracy ~1e-13 on every column; see docs).
    Fast,
    /// Arbitrary precision with certified bounds (MPFR).
    Mp,
}

/// Arguments of `solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Time points, comma-separated exact numbers ≥ 0 (e.g. 0,0.5,1e3).
    #[arg(long, value_name = "T1,T2,...", conflicts_with = "grid")]
    pub times: Option<String>,
    /// Uniform grid from T0 to T1 with N points (N = 1 gives T0). Default: 0 to a
    /// horizon by which the residual has fallen 12 orders, 21 points.
    #[arg(long, value_name = "T0:T1:N")]
    pub grid: Option<String>,
    /// Engine: fast (f64) or mp (arbitrary precision).
    #[arg(long, value_enum, default_value_t = Engine::Fast)]
    pub engine: Engine,
    /// Significant digits printed (fast: 1–17, default 17; mp: 10–100000, default 40).
    #[arg(long, value_name = "N")]
    pub digits: Option<u32>,
    /// Add a certified bound <column>_err on |printed − exact| after every value column
    /// (needs --engine mp).
    #[arg(long)]
    pub certify: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Write to FILE (atomically: whole or not at all) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Columns to print (t is always first): z, slope, residual, loss, ntk, alignment,
    /// norm_u, norm_w. Default: all.
    #[arg(long, value_name = "LIST")]
    pub columns: Option<String>,
}

/// Parses `--times`.
pub(crate) fn parse_times(text: &str) -> Result<Vec<Q>, CliError> {
    let mut out = Vec::new();
    for (i, part) in text.split(',').enumerate() {
        let t = parse_exact(part)
            .map_err(|e| CliError::usage(&format!("--times[{i}]"), e.to_string()))?;
        if t.is_negative() {
            return Err(CliError::usage(
                &format!("--times[{i}]"),
                format!("time must be >= 0, got {part}"),
            ));
        }
        out.push(t);
    }
    if out.len() as u64 > MAX_POINTS {
        return Err(CliError::usage(
            "--times",
            format!("more than {MAX_POINTS} time points"),
        ));
    }
    Ok(out)
}

/// Parses `--grid T0:T1:N` into exact points `T0 + j (T1 − T0)/(N − 1)`.
pub(crate) fn parse_grid(text: &str) -> Result<Vec<Q>, CliError> {
    let bad = || {
        CliError::usage(
            "--grid",
            format!("expected T0:T1:N (for example 0:10:101), got {text:?}"),
        )
    };
    let parts: Vec<&str> = text.split(':').collect();
    let [t0, t1, n] = parts.as_slice() else {
        return Err(bad());
    };
    let t0 = parse_exact(t0).map_err(|e| CliError::usage("--grid", format!("T0: {e}")))?;
    let t1 = parse_exact(t1).map_err(|e| CliError::usage("--grid", format!("T1: {e}")))?;
    let n: u64 = n.trim().parse().map_err(|_| {
        CliError::usage("--grid", format!("N must be a positive integer, got {n:?}"))
    })?;
    if n == 0 || n > MAX_POINTS {
        return Err(CliError::usage(
            "--grid",
            format!("N must be between 1 and {MAX_POINTS}, got {n}"),
        ));
    }
    if t0.is_negative() {
        return Err(CliError::usage("--grid", "T0 must be >= 0"));
    }
    if t1 < t0 {
        return Err(CliError::usage("--grid", "T1 must be >= T0"));
    }
    Ok(grid(&t0, &t1, n))
}

fn grid(t0: &Q, t1: &Q, n: u64) -> Vec<Q> {
    if n == 1 {
        return vec![t0.clone()];
    }
    let step = (t1 - t0) / Q::from_integer((n - 1).into());
    (0..n)
        .map(|j| t0 + &step * Q::from_integer(j.into()))
        .collect()
}

/// Formats an exact time: through `f64` when it is exactly a double (fast), else from
/// the rational (same text either way).
pub(crate) fn format_time(t: &Q, digits: usize) -> String {
    let d = t.denom();
    let dyadic = d.magnitude().count_ones() == 1 && t.numer().magnitude().bits() <= 53;
    if dyadic {
        format_f64_sci(q_to_f64_nearest(t), digits)
    } else {
        format_q_sci(t, digits)
    }
}

impl Table {
    /// Appends one row: the time (printed exactly), then for each value column the cells
    /// `value(column)` gives (text and `f64`; the value and, with `--certify`, its bound).
    fn push_row(
        &mut self,
        columns: &[Column],
        t: &Q,
        t_f64: f64,
        digits: usize,
        mut value: impl FnMut(Column) -> Vec<(String, f64)>,
    ) {
        let mut text = Vec::with_capacity(self.columns.len());
        let mut vals = Vec::with_capacity(self.columns.len());
        for &c in columns {
            if c == Column::T {
                text.push(format_time(t, digits));
                vals.push(t_f64);
            } else {
                for (s, v) in value(c) {
                    text.push(s);
                    vals.push(v);
                }
            }
        }
        self.text.push(text);
        self.values.push(vals);
    }
}

/// Runs `solve`.
///
/// # Errors
/// Usage and scenario errors (exit 2), output errors.
pub fn run(args: &SolveArgs) -> Result<(), CliError> {
    let (default_digits, range) = match args.engine {
        Engine::Fast => (17, 1..=17),
        Engine::Mp => (40, exactflow_mp::MIN_DIGITS..=exactflow_mp::MAX_DIGITS),
    };
    let digits = args.digits.unwrap_or(default_digits);
    if !range.contains(&digits) {
        let why = match args.engine {
            Engine::Fast => "the fast engine prints 1 to 17 significant digits (f64 carries no more; use --engine mp)",
            Engine::Mp => "the mp engine prints 10 to 100000 significant digits",
        };
        return Err(CliError::usage("--digits", format!("{why}, got {digits}")));
    }
    if args.certify && args.engine == Engine::Fast {
        return Err(CliError::usage(
            "--certify",
            "certified bounds come from the mp engine: add --engine mp",
        ));
    }
    let digits = digits as usize;
    let columns = match &args.columns {
        Some(list) => {
            Column::parse_list(list).map_err(|e| CliError::usage("--columns", e.to_string()))?
        }
        None => Column::ALL.to_vec(),
    };
    let scenario = args.scenario.resolve()?;
    let red = scenario.reduction();
    let sol = FastSolution::from_reduction(&red);
    let times = match (&args.times, &args.grid) {
        (Some(t), _) => parse_times(t)?,
        (None, Some(g)) => parse_grid(g)?,
        (None, None) => {
            let h = parse_exact(&format!("{:e}", sol.horizon()))
                .unwrap_or_else(|_| Q::from_integer(1.into()));
            grid(&Q::zero(), &h, DEFAULT_POINTS)
        }
    };
    let mut tf = Vec::with_capacity(times.len());
    for (i, t) in times.iter().enumerate() {
        let x = q_to_f64_nearest(t);
        if !x.is_finite() {
            return Err(CliError::usage(
                "--times",
                format!("time point {i} is beyond the f64 range"),
            ));
        }
        tf.push(x);
    }
    let mut metadata: Vec<(String, String)> = vec![
        ("exactflow".into(), env!("CARGO_PKG_VERSION").into()),
        ("command".into(), "solve".into()),
        (
            "scenario".into(),
            scenario.name.clone().unwrap_or_else(|| "(flags)".into()),
        ),
        ("scenario_sha256".into(), scenario.sha256()),
        ("width".into(), scenario.width().to_string()),
        ("omega".into(), format_f64_sci(sol.omega(), 17)),
        ("digits".into(), digits.to_string()),
    ];
    let mut names: Vec<String> = Vec::new();
    for c in &columns {
        names.push(c.name().to_string());
        if args.certify && *c != Column::T {
            names.push(format!("{}_err", c.name()));
        }
    }
    let mut table = Table {
        metadata: Vec::new(),
        columns: names,
        text: Vec::new(),
        values: Vec::new(),
    };
    match args.engine {
        Engine::Fast => {
            metadata.push(("engine".into(), "fast".into()));
            metadata.push((
                "precision".into(),
                format!(
                    "f64 closed form; relative error <= {:.1e} + omega*t*{:.1e} per column (slope near a sign change, norms and alignment: see docs/derivation.md)",
                    REL_TOL, OMEGA_T_TOL
                ),
            ));
            let obs = sol.eval_batch(&tf);
            for ((t, &x), o) in times.iter().zip(&tf).zip(&obs) {
                table.push_row(&columns, t, x, digits, |c| {
                    o.get(c)
                        .map(|v| vec![(format_f64_sci(*v, digits), *v)])
                        .unwrap_or_default()
                });
            }
        }
        Engine::Mp => {
            let mp = exactflow_mp::MpSolution::new(red);
            let cert = mp.eval_certified(
                &times,
                digits as u32,
                exactflow_core::Need::from_columns(&columns),
            );
            metadata.push(("engine".into(), "mp".into()));
            metadata.push(("working_precision_bits".into(), cert.prec.to_string()));
            metadata.push(("uncertified_cells".into(), cert.uncertified.to_string()));
            metadata.push((
                "precision".into(),
                "MPFR ball arithmetic: every printed digit correct to one unit in the last place (cells counted in uncertified_cells excepted); <column>_err is a certified bound on |printed - exact value of the closed form|".into(),
            ));
            for ((t, &x), o) in times.iter().zip(&tf).zip(&cert.values) {
                table.push_row(&columns, t, x, digits, |c| {
                    let Some(b) = o.get(c) else { return Vec::new() };
                    let printed = exactflow_mp::format_mid(b, digits);
                    let mut cells = vec![(printed.clone(), b.mid().to_f64())];
                    if args.certify {
                        let err = exactflow_mp::format_err(b, &printed, digits);
                        let v = parse_exact(&err)
                            .map(|q| q_to_f64_nearest(&q))
                            .unwrap_or(f64::NAN);
                        cells.push((err, v));
                    }
                    cells
                });
            }
        }
    }
    table.metadata = metadata;
    emit(&table.render(args.format), args.out.as_deref())
}

#[cfg(test)]
#[path = "tests/solve.rs"]
mod tests;
