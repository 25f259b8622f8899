//! `exactflow simulate`: the trajectory by a method other than the closed form.
//!
//! `taylor` integrates the raw 2d-dimensional flow by a Taylor-series method in MPFR
//! (the independent oracle of the closed form). The GD and Runge–Kutta methods of CLI.md
//! arrive with the feature-learning analyses.

use crate::error::CliError;
use crate::output::{emit, Format, Table};
use crate::scenario_args::ScenarioArgs;
use crate::solve::{format_time, parse_grid, parse_times};
use clap::{Args, ValueEnum};
use exactflow_core::Column;
use std::path::PathBuf;

/// Simulation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Full width-d gradient descent.
    Gd,
    /// The exact three-scalar GD map.
    GdReduced,
    /// Gradient flow by classical Runge–Kutta.
    Rk4,
    /// Gradient flow by Dormand–Prince 8(5,3).
    Dop853,
    /// Gradient flow by an arbitrary-precision Taylor-series method.
    Taylor,
}

/// Arguments of `simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Method: gd | gd-reduced | rk4 | dop853 | taylor (this version: taylor).
    #[arg(long, value_enum)]
    pub method: Method,
    /// Number of GD steps (GD methods).
    #[arg(long, value_name = "N")]
    pub steps: Option<u64>,
    /// Time points, comma-separated exact numbers ≥ 0.
    #[arg(long, value_name = "T1,T2,...", conflicts_with = "grid")]
    pub times: Option<String>,
    /// Uniform grid from T0 to T1 with N points.
    #[arg(long, value_name = "T0:T1:N")]
    pub grid: Option<String>,
    /// Significant digits (taylor: 10–1000, default 40).
    #[arg(long, value_name = "N")]
    pub digits: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs `simulate`.
///
/// # Errors
/// Usage and scenario errors (exit 2), output errors.
pub fn run(args: &SimulateArgs) -> Result<(), CliError> {
    if args.method != Method::Taylor {
        return Err(CliError::usage(
            "--method",
            "this version simulates with --method taylor; gd, gd-reduced, rk4 and dop853 are not implemented yet",
        ));
    }
    if args.steps.is_some() {
        return Err(CliError::usage(
            "--steps",
            "applies to the GD methods; taylor takes --times or --grid",
        ));
    }
    let digits = args.digits.unwrap_or(40);
    if !(10..=1000).contains(&digits) {
        return Err(CliError::usage(
            "--digits",
            format!("taylor prints 10 to 1000 significant digits, got {digits}"),
        ));
    }
    let times = match (&args.times, &args.grid) {
        (Some(t), _) => parse_times(t)?,
        (None, Some(g)) => parse_grid(g)?,
        (None, None) => {
            return Err(CliError::usage(
                "--grid",
                "simulate needs --times or --grid",
            ))
        }
    };
    let scenario = args.scenario.resolve()?;
    let obs = exactflow_mp::taylor::trajectory(&scenario, &times, digits);
    let digits = digits as usize;
    let mut table = Table {
        metadata: vec![
            ("exactflow".into(), env!("CARGO_PKG_VERSION").into()),
            ("command".into(), "simulate".into()),
            ("method".into(), "taylor".into()),
            ("scenario".into(), scenario.name.clone().unwrap_or_else(|| "(flags)".into())),
            ("width".into(), scenario.width().to_string()),
            ("digits".into(), digits.to_string()),
            (
                "precision".into(),
                "Taylor-series integration of the raw 2d-dimensional flow in MPFR (Jorba-Zou order and step) targeting 10^-digits; not certified".into(),
            ),
        ],
        columns: Column::ALL.iter().map(|c| c.name().to_string()).collect(),
        text: Vec::new(),
        values: Vec::new(),
    };
    for (t, o) in times.iter().zip(&obs) {
        let mut text = vec![format_time(t, digits)];
        let mut vals = vec![exactflow_core::number::q_to_f64(t)];
        for v in o.to_array() {
            text.push(exactflow_mp::format_float(v, digits));
            vals.push(v.to_f64());
        }
        table.text.push(text);
        table.values.push(vals);
    }
    emit(&table.render(args.format), args.out.as_deref())
}
