//! `exactflow`: exact training dynamics of a one-hidden-layer linear network.
//!
//! The binary only parses, dispatches and formats; the mathematics is in the library
//! crates. Exit status: 0 success, 1 a check/comparison failed, 2 usage or input error
//! (one message on stderr naming the field; never a partial output file).
//!
//! Doc comments of the argument structs are clap help text (`E[x²]`, `<column>_err` are
//! prose there, not intra-doc links or HTML), hence the allow below.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

mod certify;
mod chart;
mod check;
mod compare;
mod error;
mod init;
mod mechanism;
mod output;
mod phase;
mod plot;
mod scenario_args;
mod simulate;
mod solve;
mod times_arg;

use clap::{CommandFactory, FromArgMatches, Subcommand};
use error::CliError;

/// Exact, certified training dynamics of a one-hidden-layer linear network on 1-D data
/// (Xu & Ziyin, "Three Mechanisms of Feature Learning in a Linear Network", ICLR 2025).
#[derive(Debug, clap::Parser)]
#[command(name = "exactflow", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the scenario's initial weights u0, w0 (a Gaussian scenario's pinned draw) as
    /// float64 arrays, with their exact values where they are not doubles: the file
    /// your own trainer starts from, and `--init-file` reads.
    Init(init::InitArgs),
    /// Evaluate the closed-form trajectory (t, z, slope, residual, loss, ntk, alignment,
    /// norm_u, norm_w) at given times. With no arguments: the `alignment` preset on a
    /// default grid.
    Solve(solve::SolveArgs),
    /// Simulate the dynamics by another method than the closed form: gradient descent
    /// (`gd` full width, `gd-reduced` the exact three-scalar map; t = step number) or the
    /// flow by integration (`rk4`, `dop853` in f64, `taylor` in MPFR).
    Simulate(simulate::SimulateArgs),
    /// The regime of the trajectory (kernel | alignment | disalignment | rescaling-u |
    /// rescaling-w | saddle) and the quantities it is decided from: NTK change, alignment
    /// at 0 and at infinity, each layer's rotation angle and norm ratio, time scale 1/omega.
    Mechanism(mechanism::MechanismArgs),
    /// Sweep two scenario parameters (width, sigma_u, sigma_w, eta_u, eta_w, gamma, exx,
    /// exy) over a grid and label each cell: DIR/phase.csv and a heatmap DIR/phase.svg.
    Phase(phase::PhaseArgs),
    /// Figure: alignment(t), loss(t) (log scale) and ntk(t) — the closed form as curves,
    /// simulated gradient descent as points — written as an SVG.
    Plot(plot::PlotArgs),
    /// Check docs/model.md's claims in exact rational arithmetic: conservation, GD drift, fixed
    /// points (--point-u/--point-w), the Riccati identity, the observables, and the exact
    /// limits with rigorous decimals. Exit 0: all hold; 1: a check failed (named).
    Check(check::CheckArgs),
    /// Compare a candidate table (CSV, JSON or NPY) with a reference: columns by name,
    /// rows by t, |candidate − reference| ≤ atol + rtol·|reference| decided exactly on the
    /// printed decimals; reports the worst deviation per column. Exit 0: within tolerance;
    /// 1: a cell out of tolerance or a reference row missing (named); 2: unreadable input.
    Compare(compare::CompareArgs),
    /// Run every engine on the scenario and hold them against each other: fast vs mp
    /// (the fast path's documented bound), mp's certification and p vs 2p, the exact
    /// checker and its limits against mp, an invariant along the trajectory, the Taylor
    /// oracle against the closed form. Exit 0: all agree; 1: a disagreement (named).
    Certify(certify::CertifyArgs),
}

/// The command line, every subcommand taking values that start with `-` followed by a
/// digit (`--times -1`, `--digits -1`, `--width -5`) as values, so that the flag's own
/// validation names the flag and says why the value is refused (clap alone reports
/// "unexpected argument '-1'").
fn command() -> clap::Command {
    let mut cmd = Cli::command();
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |s| s.allow_negative_numbers(true));
    }
    cmd
}

/// A clap error about a value, rewritten as one line naming the flag and the reason,
/// the value quoted short (`None`: clap's own message stands: help, version, unknown
/// flags, missing arguments).
fn value_error(e: &clap::Error) -> Option<CliError> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !matches!(
        e.kind(),
        ErrorKind::ValueValidation | ErrorKind::InvalidValue
    ) {
        return None;
    }
    let text = |k| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let arg = text(ContextKind::InvalidArg)?;
    let flag = arg.split_whitespace().next().unwrap_or(&arg).to_string();
    let value = text(ContextKind::InvalidValue)?;
    if value.is_empty() && e.kind() == ErrorKind::InvalidValue {
        // A flag given no value: clap's message says so.
        return None;
    }
    let q = exactflow_tables::quote(&value);
    let why = match e.kind() {
        ErrorKind::InvalidValue => {
            let valid = match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(v)) => v.join(", "),
                _ => String::new(),
            };
            format!("{q} is not one of: {valid}")
        }
        _ => {
            let source = std::error::Error::source(e)
                .map(ToString::to_string)
                .unwrap_or_default();
            if let Some(range) = source.split(" is not in ").nth(1) {
                format!("{q} is out of range (must be in {range})")
            } else if source.contains("too large") {
                format!("{q} is too large")
            } else if source.contains("too small") {
                format!("{q} is too small")
            } else if source.contains("invalid digit") {
                let sign = if value.trim_start().starts_with('-') {
                    " ≥ 0"
                } else {
                    ""
                };
                format!("{q} is not a whole number{sign}")
            } else if source.contains("float") {
                format!("{q} is not a number")
            } else if source.contains("empty") {
                "an empty value".to_string()
            } else {
                format!("{q}: {source}")
            }
        }
    };
    Some(CliError::usage(&flag, why))
}

fn run() -> Result<(), CliError> {
    let parsed = command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => match value_error(&e) {
            Some(err) => return Err(err),
            None => e.exit(),
        },
    };
    match &cli.command {
        Command::Init(args) => init::run(args),
        Command::Solve(args) => solve::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Mechanism(args) => mechanism::run(args),
        Command::Phase(args) => phase::run(args),
        Command::Plot(args) => plot::run(args),
        Command::Check(args) => check::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Certify(args) => certify::run(args),
    }
}

fn main() {
    output::install_signal_cleanup();
    // MPFR's widest exponent range on this thread too (the writer formats balls here whose
    // exponents are beyond the default range; the engine's threads set it themselves).
    exactflow_mp::exponent::ensure_wide_exponents();
    if let Err(e) = run() {
        eprintln!("exactflow: error: {e}");
        std::process::exit(e.exit_code());
    }
}
