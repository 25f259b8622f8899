//! `exactflow simulate`: the trajectory by a method other than the closed form.
//!
//! * `taylor` integrates the raw 2d-dimensional flow by a Taylor-series method in MPFR
//!   (the independent oracle of the closed form);
//! * `rk4`, `dop853` integrate the same flow in `f64` (`exactflow_analysis::ode`);
//! * `gd` iterates full width-`d` gradient descent (`f64`, or MPFR with `--digits`), and
//!   `gd-reduced` the exact three-scalar map of docs/model.md §6 (`exactflow_analysis::gd`).
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
use exactflow_analysis::{gd, ode};
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
    /// dop853: relative tolerance of the local error (default 1e-12).
    #[arg(long, value_name = "X")]
    pub rtol: Option<f64>,
    /// rk4: step h as a fraction of 1/λ, λ = a(ntk + |k e|) the field's stiffness (default 0.01).
    #[arg(long = "step", value_name = "X")]
    pub step: Option<f64>,
    /// Time points, comma-separated exact numbers ≥ 0.
    #[arg(long, value_name = "T1,T2,...", conflicts_with = "grid")]
    pub times: Option<String>,
    /// Uniform grid from T0 to T1 with N points.
    #[arg(long, value_name = "T0:T1:N")]
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

/// Largest number of GD steps.
pub const MAX_STEPS: u64 = 100_000_000;

fn times_of(args: &SimulateArgs) -> Result<Vec<exactflow_core::Q>, CliError> {
    if args.steps.is_some() || args.every.is_some() {
        return Err(CliError::usage(
            if args.steps.is_some() {
                "--steps"
            } else {
                "--every"
            },
            "applies to the GD methods (gd, gd-reduced); the flow methods take --times or --grid",
        ));
    }
    match (&args.times, &args.grid) {
        (Some(t), _) => parse_times(t),
        (None, Some(g)) => parse_grid(g),
        (None, None) => Err(CliError::usage(
            "--grid",
            "simulate needs --times or --grid",
        )),
    }
}

fn header(scenario: &exactflow_core::Scenario, method: &str, digits: usize) -> Table {
    Table {
        metadata: vec![
            ("exactflow".into(), env!("CARGO_PKG_VERSION").into()),
            ("command".into(), "simulate".into()),
            ("method".into(), method.into()),
            (
                "scenario".into(),
                scenario.name.clone().unwrap_or_else(|| "(flags)".into()),
            ),
            ("width".into(), scenario.width().to_string()),
            ("digits".into(), digits.to_string()),
        ],
        columns: Column::ALL.iter().map(|c| c.name().to_string()).collect(),
        text: Vec::new(),
        values: Vec::new(),
    }
}

fn push_f64(
    table: &mut Table,
    t: &exactflow_core::Q,
    o: &exactflow_core::Observables<f64>,
    digits: usize,
) {
    let mut text = vec![format_time(t, digits)];
    let mut vals = vec![exactflow_core::number::q_to_f64(t)];
    for v in o.to_array() {
        text.push(exactflow_core::number::format_f64_sci(*v, digits));
        vals.push(*v);
    }
    table.text.push(text);
    table.values.push(vals);
}

fn run_gd(args: &SimulateArgs) -> Result<(), CliError> {
    if args.times.is_some() || args.grid.is_some() {
        return Err(CliError::usage(
            if args.times.is_some() {
                "--times"
            } else {
                "--grid"
            },
            "the GD methods take --steps N (rows at steps 0..N, t = step number)",
        ));
    }
    let steps = args
        .steps
        .ok_or_else(|| CliError::usage("--steps", "gd and gd-reduced need --steps N"))?;
    if steps > MAX_STEPS {
        return Err(CliError::usage(
            "--steps",
            format!("at most {MAX_STEPS} steps, got {steps}"),
        ));
    }
    let every = args.every.unwrap_or(1);
    if every == 0 {
        return Err(CliError::usage("--every", "must be at least 1"));
    }
    if let Some(d) = args.digits {
        if !(10..=1000).contains(&d) {
            return Err(CliError::usage(
                "--digits",
                format!("MPFR gradient descent prints 10 to 1000 significant digits, got {d}"),
            ));
        }
    }
    let scenario = args.scenario.resolve()?;
    let red = scenario.reduction();
    let reduced = args.method == Method::GdReduced;
    let name = if reduced { "gd-reduced" } else { "gd" };
    let (digits, stability, mut table) = match args.digits {
        None => {
            let run = if reduced {
                gd::reduced_f64(&red, steps, every)
            } else {
                gd::full_f64(&scenario, steps, every)
            };
            let mut table = header(&scenario, name, 17);
            for (n, o) in run.steps.iter().zip(&run.rows) {
                push_f64(
                    &mut table,
                    &exactflow_core::Q::from_integer((*n).into()),
                    o,
                    17,
                );
            }
            (17, run.stability, table)
        }
        Some(d) => {
            let prec = gd::working_prec(d, steps);
            let run = if reduced {
                gd::reduced_mp(&red, steps, every, prec)
            } else {
                gd::full_mp(&scenario, steps, every, prec)
            };
            let digits = d as usize;
            let mut table = header(&scenario, name, digits);
            for (n, o) in run.steps.iter().zip(&run.rows) {
                let t = exactflow_core::Q::from_integer((*n).into());
                let mut text = vec![format_time(&t, digits)];
                let mut vals = vec![*n as f64];
                for v in o.to_array() {
                    text.push(exactflow_mp::format_float(v, digits));
                    vals.push(v.to_f64());
                }
                table.text.push(text);
                table.values.push(vals);
            }
            table
                .metadata
                .push(("working_precision_bits".into(), prec.to_string()));
            (digits, run.stability, table)
        }
    };
    let _ = digits;
    table.metadata.push((
        "time".into(),
        "t = GD step number (learning rates are step sizes, one step per unit of time: docs/model.md section 2)".into(),
    ));
    table.metadata.push((
        "precision".into(),
        if reduced {
            "the exact three-scalar GD map of docs/model.md section 6 (P, R, M), residual and z carried by exact multiplicative identities".into()
        } else {
            "full width-d gradient descent; residual and z carried by exact multiplicative identities of the GD step (relative accuracy kept as they shrink)".into()
        },
    ));
    let a_ntk_inf = {
        let m = exactflow_analysis::analyse_exact(&red);
        exactflow_core::number::q_to_f64(&red.a) * m.quantities.ntk_inf
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
    if let Some(n) = stability.diverged_at {
        table
            .metadata
            .push(("diverged_at_step".into(), n.to_string()));
    }
    emit(&table.render(args.format), args.out.as_deref())?;
    if let Some(n) = stability.first_unstable_step {
        eprintln!(
            "exactflow: warning: gradient descent is past the edge of stability at step {n} (a*ntk = {:e} >= 2): it oscillates or diverges{}",
            stability.max_a_ntk,
            stability.diverged_at.map_or(String::new(), |d| format!(" (left the number range at step {d})"))
        );
    } else if a_ntk_inf >= 2.0 {
        eprintln!("exactflow: warning: a*ntk at the flow's limit is {a_ntk_inf:e} >= 2: gradient descent cannot settle at that minimum (edge of stability)");
    }
    Ok(())
}

fn run_ode(args: &SimulateArgs) -> Result<(), CliError> {
    let times = times_of(args)?;
    let digits = args.digits.unwrap_or(17);
    if !(1..=17).contains(&digits) {
        return Err(CliError::usage(
            "--digits",
            format!("rk4 and dop853 run in f64: 1 to 17 significant digits, got {digits}"),
        ));
    }
    let method = match args.method {
        Method::Rk4 => {
            if args.rtol.is_some() {
                return Err(CliError::usage(
                    "--rtol",
                    "applies to dop853; rk4 takes --step",
                ));
            }
            let h = args.step.unwrap_or(0.01);
            if !(h > 0.0 && h <= 1.0) {
                return Err(CliError::usage(
                    "--step",
                    format!("must be in (0, 1], got {h}"),
                ));
            }
            ode::Method::Rk4 { h_rel: h }
        }
        _ => {
            if args.step.is_some() {
                return Err(CliError::usage(
                    "--step",
                    "applies to rk4; dop853 takes --rtol",
                ));
            }
            let rtol = args.rtol.unwrap_or(1e-12);
            if !(1e-15..=1e-2).contains(&rtol) {
                return Err(CliError::usage(
                    "--rtol",
                    format!("must be in [1e-15, 1e-2], got {rtol}"),
                ));
            }
            ode::Method::Dop853 { rtol }
        }
    };
    let scenario = args.scenario.resolve()?;
    let tf: Vec<f64> = times.iter().map(exactflow_core::number::q_to_f64).collect();
    if tf.windows(2).any(|w| w[1] < w[0]) || tf.iter().any(|t| !t.is_finite()) {
        return Err(CliError::usage(
            "--times",
            "the flow methods need finite, non-decreasing times",
        ));
    }
    let sol = ode::integrate(&scenario, &tf, method);
    let digits = digits as usize;
    let name = if matches!(method, ode::Method::Rk4 { .. }) {
        "rk4"
    } else {
        "dop853"
    };
    let mut table = header(&scenario, name, digits);
    table.metadata.push((
        "precision".into(),
        match method {
            ode::Method::Rk4 { h_rel } => format!("classical RK4 of the raw 2d-dimensional flow in f64, steps h = {h_rel}/(a(ntk + |k e|)); residual and ln z integrated alongside (de/dt = -a ntk e, d ln z/dt = -2ake)"),
            ode::Method::Dop853 { rtol } => format!("Dormand-Prince 8(5,3) of the raw 2d-dimensional flow in f64, local relative error <= {rtol:e}; residual and ln z integrated alongside"),
        },
    ));
    table.metadata.push((
        "steps".into(),
        format!("{} accepted, {} rejected", sol.steps, sol.rejected),
    ));
    for (t, o) in times.iter().zip(&sol.rows) {
        push_f64(&mut table, t, o, digits);
    }
    emit(&table.render(args.format), args.out.as_deref())
}

/// Runs `simulate`.
///
/// # Errors
/// Usage and scenario errors (exit 2), output errors.
pub fn run(args: &SimulateArgs) -> Result<(), CliError> {
    match args.method {
        Method::Gd | Method::GdReduced => return run_gd(args),
        Method::Rk4 | Method::Dop853 => return run_ode(args),
        Method::Taylor => {}
    }
    if args.rtol.is_some() || args.step.is_some() {
        return Err(CliError::usage(
            if args.rtol.is_some() {
                "--rtol"
            } else {
                "--step"
            },
            "applies to dop853 (--rtol) or rk4 (--step), not to taylor",
        ));
    }
    let digits = args.digits.unwrap_or(40);
    if !(10..=1000).contains(&digits) {
        return Err(CliError::usage(
            "--digits",
            format!("taylor prints 10 to 1000 significant digits, got {digits}"),
        ));
    }
    let times = times_of(args)?;
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
