//! `exactflow simulate`: the trajectory by a method other than the closed form
//! (`exactflow_simulate`): gradient descent (`gd` full width, `gd-reduced` the exact
//! three-scalar map; `f64`, or MPFR balls with `--digits`), the flow by RK4 or DOP853 in
//! `f64`, or by the Taylor-series oracle in MPFR.
//!
//! This module parses the flags into the library's [`Options`], renders the library's
//! typed errors with flag names, and formats the rows the library hands over.
//!
//! GD rows have `t` = the step number: docs/model.md §2 takes the learning rates as step sizes,
//! one step per unit of time, so step `n` is comparable with the flow at time `n` (GD is
//! Euler's method on the flow with `dt = 1`). The edge of stability (`a·ntk ≥ 2`) is
//! reported in the metadata and warned about on stderr.

use crate::error::CliError;
use crate::output::{emit, Format, Table};
use crate::scenario_args::ScenarioArgs;
use crate::solve::{format_time, parse_grid, parse_times};
use clap::{Args, ValueEnum};
use exactflow_core::number::{format_f64_sci, q_to_f64_nearest};
use exactflow_core::{Column, Scenario, Q};
use exactflow_simulate::{
    simulate, MethodKind, Options, Param, Report, Request, RunError, SimError, Status, Values,
};
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

impl Method {
    fn kind(self) -> MethodKind {
        match self {
            Method::Gd => MethodKind::Gd,
            Method::GdReduced => MethodKind::GdReduced,
            Method::Rk4 => MethodKind::Rk4,
            Method::Dop853 => MethodKind::Dop853,
            Method::Taylor => MethodKind::Taylor,
        }
    }
}

/// Arguments of `simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Method: gd | gd-reduced (gradient descent; rows at steps 0..N, t = step) | rk4 |
    /// dop853 (gradient flow in f64) | taylor (gradient flow in MPFR).
    #[arg(long, value_enum)]
    pub method: Method,
    /// Number of GD steps (gd, gd-reduced).
    #[arg(long, value_name = "N")]
    pub steps: Option<u64>,
    /// GD: print every K-th step (and always the last).
    #[arg(long, value_name = "K")]
    pub every: Option<u64>,
    /// dop853: relative tolerance of the local error, in [1e-15, 1e-2] (default 1e-12).
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub rtol: Option<f64>,
    /// rk4: step h as a fraction of 1/λ, λ = a(ntk + |k e|) the field's stiffness, in
    /// (0, 1] (default 0.01).
    #[arg(long = "step", value_name = "X", allow_hyphen_values = true)]
    pub step: Option<f64>,
    /// Time points, comma-separated exact numbers ≥ 0 (rk4, dop853, taylor; each
    /// increasing run is integrated from t = 0).
    #[arg(
        long,
        value_name = "T1,T2,...",
        conflicts_with = "grid",
        allow_hyphen_values = true
    )]
    pub times: Option<String>,
    /// Uniform grid from T0 to T1 with N points (rk4, dop853, taylor).
    #[arg(long, value_name = "T0:T1:N", allow_hyphen_values = true)]
    pub grid: Option<String>,
    /// Significant digits (taylor: 10–1000, default 40; gd, gd-reduced: with --digits the
    /// iteration runs in MPFR at that precision (10–1000), without it in f64 (17 digits);
    /// rk4, dop853: 1–17, default 17).
    #[arg(long, value_name = "N")]
    pub digits: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The flag a library parameter came from.
fn flag(param: Param, args: &SimulateArgs) -> String {
    match param {
        Param::Times if args.grid.is_some() => "--grid".into(),
        p => format!("--{}", p.name()),
    }
}

/// A library error as the CLI reports it: input errors name the flag (exit 2), method
/// failures exit 1.
fn cli_error(e: SimError, args: &SimulateArgs) -> CliError {
    match (e.param(), e.status()) {
        (Some(p), _) => {
            let message = match &e {
                SimError::NotApplicable { method, hint, .. } => {
                    format!("does not apply to --method {method} ({hint})")
                }
                SimError::Missing {
                    param: Param::Times,
                    method,
                    ..
                } => format!("--method {method} needs --times T1,T2,... or --grid T0:T1:N"),
                SimError::Missing { method, hint, .. } => {
                    format!("--method {method} needs it ({hint})")
                }
                SimError::OutOfRange { value, allowed, .. } => {
                    format!("must be {allowed}, got {value}")
                }
                other => other.to_string(),
            };
            CliError::usage(&flag(p, args), message)
        }
        (None, Status::InputError) => CliError::usage("simulate", e.to_string()),
        (None, Status::MethodFailed) => CliError::Failed {
            what: "simulate".into(),
            details: e.to_string(),
        },
    }
}

/// The times of `--times`/`--grid`, if given.
fn times_of(args: &SimulateArgs) -> Result<Option<Vec<Q>>, CliError> {
    match (&args.times, &args.grid) {
        (Some(t), _) => parse_times(t).map(Some),
        (None, Some(g)) => parse_grid(g).map(Some),
        (None, None) => Ok(None),
    }
}

fn header(scenario: &Scenario, method: MethodKind, digits: u32) -> Table {
    Table {
        metadata: {
            let mut m = exactflow_tables::provenance::provenance(scenario, "simulate");
            m.push(("method".into(), method.name().into()));
            m.push((
                exactflow_tables::provenance::DIGITS.into(),
                digits.to_string(),
            ));
            m
        },
        columns: Column::ALL.iter().map(|c| c.name().to_string()).collect(),
        text: Vec::new(),
        values: Vec::new(),
    }
}

/// What the method computes, for the metadata.
fn precision_note(req: &Request) -> String {
    use exactflow_simulate::Method as M;
    match &req.method {
        M::Gd { .. } => "full width-d gradient descent; residual and z carried by exact multiplicative identities of the GD step (relative accuracy kept as they shrink)".into(),
        M::GdReduced { .. } => "the exact three-scalar GD map of docs/model.md section 6 (P, R, M), residual and z carried by exact multiplicative identities".into(),
        M::Rk4 { h_rel, .. } => format!("classical RK4 of the raw 2d-dimensional flow in f64, steps h = {h_rel}/(a(ntk + |k e|)); residual and ln z integrated alongside (de/dt = -a ntk e, d ln z/dt = -2ake)"),
        M::Dop853 { rtol, .. } => format!("Dormand-Prince 8(5,3) of the raw 2d-dimensional flow in f64, local relative error <= {rtol:e}; residual and ln z integrated alongside"),
        M::Taylor { .. } => "Taylor-series integration of the raw flow in MPFR, in orthonormal coordinates of the invariant plane of u0, w0 (Jorba-Zou order and step) targeting 10^-digits; not certified".into(),
    }
}

/// Appends one row to the table.
fn push_row(table: &mut Table, t: &Q, values: Values<'_>, digits: usize) {
    let mut text = vec![format_time(t, digits)];
    let mut vals = vec![q_to_f64_nearest(t)];
    match values {
        Values::F64(o) => {
            for v in o.to_array() {
                text.push(format_f64_sci(*v, digits));
                vals.push(*v);
            }
        }
        Values::Mp(o) => {
            for v in o.to_array() {
                text.push(exactflow_mp::format_float(v, digits));
                vals.push(v.to_f64());
            }
        }
    }
    table.text.push(text);
    table.values.push(vals);
}

/// The metadata and warnings of a GD run's edge of stability.
fn gd_report(table: &mut Table, scenario: &Scenario, report: &Report) {
    let Some(stability) = &report.stability else {
        return;
    };
    table.metadata.push((
        "time".into(),
        "t = GD step number (learning rates are step sizes, one step per unit of time: docs/model.md section 2)".into(),
    ));
    let red = scenario.reduction();
    let a_ntk_inf = {
        let m = exactflow_analysis::analyse_exact(&red);
        q_to_f64_nearest(&red.a) * m.quantities.ntk_inf
    };
    table.metadata.push((
        "edge_of_stability".into(),
        format!(
            "first step with a*ntk >= 2: {}; max a*ntk {:e}; final a*ntk {:e}; a*ntk at the flow's limit {:e} (GD stable near a minimum iff a*ntk < 2)",
            stability.first_unstable_step.map_or("none".to_string(), |n| n.to_string()),
            stability.max_a_ntk,
            stability.final_a_ntk,
            a_ntk_inf
        ),
    ));
    if let Some(n) = stability.first_unstable_step {
        eprintln!(
            "exactflow: warning: gradient descent is past the edge of stability at step {n} (a*ntk = {:e} >= 2): it oscillates or diverges",
            stability.max_a_ntk,
        );
    } else if a_ntk_inf >= 2.0 {
        eprintln!("exactflow: warning: a*ntk at the flow's limit is {a_ntk_inf:e} >= 2: gradient descent cannot settle at that minimum (edge of stability)");
    }
}

/// Runs `simulate`.
///
/// # Errors
/// Usage and scenario errors (exit 2), a method's failure (exit 1), output errors.
pub fn run(args: &SimulateArgs) -> Result<(), CliError> {
    let kind = args.method.kind();
    let options = Options {
        steps: args.steps,
        every: args.every,
        times: times_of(args)?,
        step: args.step,
        rtol: args.rtol,
        digits: args.digits,
    };
    let req = Request::new(kind, options).map_err(|e| cli_error(e, args))?;
    let scenario = args.scenario.resolve()?;
    let digits = req.digits as usize;
    let mut table = header(&scenario, kind, req.digits);
    table
        .metadata
        .push(("precision".into(), precision_note(&req)));
    let mut rows = Table::default();
    let mut sink = |t: &Q, v: Values<'_>| -> Result<(), CliError> {
        push_row(&mut rows, t, v, digits);
        Ok(())
    };
    let report = match simulate(&scenario, &req, &mut sink) {
        Ok(r) => r,
        Err(RunError::Sink(e)) => return Err(e),
        Err(RunError::Sim(e)) => return Err(cli_error(e, args)),
    };
    if let Some(bits) = report.working_bits {
        table
            .metadata
            .push(("working_precision_bits".into(), bits.to_string()));
    }
    if let Some(c) = report.counts {
        table.metadata.push((
            "steps".into(),
            format!("{} accepted, {} rejected", c.accepted, c.rejected),
        ));
    }
    gd_report(&mut table, &scenario, &report);
    if let Some(e) = report.failure {
        return Err(cli_error(e, args));
    }
    table.text = rows.text;
    table.values = rows.values;
    emit(&table.render(args.format), args.out.as_deref())
}
