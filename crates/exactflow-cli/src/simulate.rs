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
use crate::output::{self, Format};
use crate::scenario_args::ScenarioArgs;
use crate::solve::{parse_grid, parse_times};
use clap::{Args, ValueEnum};
use exactflow_core::number::{q_to_f64_nearest, sqrt_q_to_f64_nearest};
use exactflow_core::{Column, Scenario, Q};
use exactflow_simulate::{
    simulate, MethodKind, Options, Param, Report, Request, RunError, SimError, Status, Values,
};
use exactflow_tables::write::{Cell, Digits, Header, TableWriter};
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
    #[arg(long, value_name = "X", allow_hyphen_values = true, value_parser = f64_flag)]
    pub rtol: Option<f64>,
    /// rk4: step h as a fraction of 1/λ, λ = a(ntk + |k e|) the field's stiffness, in
    /// [1e-4, 1] (default 0.01).
    #[arg(long = "step", value_name = "X", allow_hyphen_values = true, value_parser = f64_flag)]
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
    /// Output format (default: from --out's extension, else csv).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// A real flag value read from its exact decimal and rounded to the nearest `f64`: a value
/// `f64` cannot hold (nonzero below its normal range, or beyond it) is refused quoting the
/// text as given — never silently 0 or ∞ (`--step 1e-400` once said "got 0").
fn f64_flag(text: &str) -> Result<f64, String> {
    let shown = exactflow_simulate::error::short(text);
    let q = exactflow_core::number::parse_exact(text.trim())
        .map_err(|e| format!("{shown} is not a number ({e})"))?;
    let x = q_to_f64_nearest(&q);
    if x.is_infinite() {
        return Err(format!("{shown} is beyond f64's range (about 1.8e308)"));
    }
    if x.abs() < f64::MIN_POSITIVE && q != Q::from_integer(0.into()) {
        return Err(format!(
            "{shown} is below f64's normal range (about 2.2e-308)"
        ));
    }
    Ok(x)
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

/// The metadata known before the first row: the provenance (scenario, version, run),
/// the method and the digits.
fn header(scenario: &Scenario, method: MethodKind, digits: u32) -> Vec<(String, String)> {
    let mut m = exactflow_tables::provenance::provenance(scenario, "simulate");
    m.push(("method".into(), method.name().into()));
    m.push((
        exactflow_tables::provenance::DIGITS.into(),
        digits.to_string(),
    ));
    m
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

/// Writes one row: the exact time, then the values (`f64` or MPFR, each correctly rounded
/// to the table's digits by the writer).
fn write_row(w: &mut TableWriter, t: &Q, values: Values<'_>) -> Result<(), CliError> {
    let mut cells = Vec::with_capacity(Column::ALL.len());
    cells.push(Cell::Exact(t));
    match values {
        Values::F64(o) => cells.extend(o.to_array().into_iter().map(|v| Cell::F64(*v))),
        Values::Mp(o) => cells.extend(o.to_array().into_iter().map(Cell::Mpfr)),
    }
    Ok(w.row(&cells)?)
}

/// The metadata of a GD run's edge of stability, and the warning it calls for (printed
/// on success; folded into the error of a failed run, whose message must read as one).
fn gd_report(
    trailer: &mut Vec<(String, String)>,
    scenario: &Scenario,
    report: &Report,
) -> Option<String> {
    let stability = report.stability.as_ref()?;
    trailer.push((
        "time".into(),
        "t = GD step number (learning rates are step sizes, one step per unit of time: docs/model.md section 2)".into(),
    ));
    let red = scenario.reduction();
    // ω = a·ntk(∞) whenever A > 0 (docs/model.md §4), correctly rounded from the exact
    // ω²; the f64 analysis's ntk_inf overflows for tiny initializations.
    let a_ntk_inf = if red.shape().s_is_zero() {
        let m = exactflow_analysis::analyse_exact(&red);
        q_to_f64_nearest(&red.a) * m.quantities.ntk_inf
    } else {
        sqrt_q_to_f64_nearest(&red.omega2)
    };
    trailer.push((
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
        Some(format!(
            "gradient descent is past the edge of stability from step {n} (a*ntk >= 2; largest a*ntk seen {:e}): it oscillates or diverges",
            stability.max_a_ntk,
        ))
    } else if a_ntk_inf >= 2.0 {
        Some(format!("a*ntk at the flow's limit is {a_ntk_inf:e} >= 2: gradient descent cannot settle at that minimum (edge of stability)"))
    } else {
        None
    }
}

/// The metadata known only after the run, and the edge-of-stability warning if any.
fn trailer(scenario: &Scenario, report: &Report) -> (Vec<(String, String)>, Option<String>) {
    let mut trailer = Vec::new();
    if let Some(bits) = report.working_bits {
        trailer.push(("working_precision_bits".into(), bits.to_string()));
    }
    if let Some(c) = report.counts {
        trailer.push((
            "steps".into(),
            format!("{} accepted, {} rejected", c.accepted, c.rejected),
        ));
    }
    let warning = gd_report(&mut trailer, scenario, report);
    (trailer, warning)
}

/// A method failure with `note` appended to its details (a failed run's warning becomes
/// part of the error: stderr's first line of a failing run is an error, never a warning;
/// a refusal keeps its own message).
fn with_note(err: CliError, note: Option<&str>) -> CliError {
    match (err, note) {
        (CliError::Failed { what, details }, Some(note)) => CliError::Failed {
            what,
            details: format!("{details}; note: {note}"),
        },
        (err, _) => err,
    }
}

/// Runs `simulate`: rows are written as the method hands them over (bounded memory
/// whatever `--steps`), the output opened at the first row — a request refused before
/// it (bad input, over budget: exit 2) writes nothing.
///
/// A method that fails on valid input (exit 1: divergence, budget or precision
/// exhausted, a value leaving the number range) keeps on standard output the rows
/// handed over before it, ended by a `failure` trailer; `--out` then writes nothing
/// (its file appears complete or not at all).
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
    let format = output::resolve_format(args.format, args.out.as_deref())?;
    let digits = req.digits as usize;
    let mut metadata = header(&scenario, kind, req.digits);
    metadata.push(("precision".into(), precision_note(&req)));
    let columns: Vec<String> = Column::ALL.iter().map(|c| c.name().to_string()).collect();
    let declared = format.is_binary().then(|| req.rows());
    let mut writer: Option<TableWriter> = None;
    let open = |writer: &mut Option<TableWriter>| -> Result<(), CliError> {
        if writer.is_none() {
            let head = Header {
                metadata: metadata.clone(),
                columns: columns.clone(),
                rows: declared,
            };
            let out = output::open(args.out.as_deref())?;
            *writer = Some(TableWriter::new(out, format, Digits::Fixed(digits), head)?);
        }
        Ok(())
    };
    let mut sink = |t: &Q, v: Values<'_>| -> Result<(), CliError> {
        open(&mut writer)?;
        let w = writer.as_mut().expect("opened above");
        write_row(w, t, v)
    };
    let report = match simulate(&scenario, &req, &mut sink) {
        Ok(r) => r,
        Err(RunError::Sink(e)) => return output::finish(Err(e)),
        Err(RunError::Sim(e)) => return Err(cli_error(e, args)),
    };
    let (trailer, warning) = trailer(&scenario, &report);
    match report.failure {
        None => {
            open(&mut writer)?;
            let w = writer.take().expect("opened above");
            let done = output::finish(w.finish_and_commit(&trailer).map_err(CliError::from));
            if let (Ok(()), Some(warning)) = (&done, &warning) {
                eprintln!("exactflow: warning: {warning}");
            }
            done
        }
        Some(e) => {
            let err = with_note(cli_error(e, args), warning.as_deref());
            if let (Some(w), None) = (writer.take(), &args.out) {
                let mut trailer = trailer;
                trailer.push(("failure".into(), err.to_string()));
                // The rows so far stay on standard output; the declared count of a
                // binary format no longer holds, which the error below says anyway.
                let _ = w.finish(&trailer).map(|o| o.commit());
            }
            Err(err)
        }
    }
}
