//! `exactflow phase`: a 2-D sweep of the mechanism over two scenario parameters on the
//! fast path (`exactflow_analysis::sweep`), in parallel, written as `DIR/phase.csv` (one
//! row per cell) and `DIR/phase.svg` (a heatmap of the labels).

use crate::error::CliError;
use crate::output::emit;
use crate::scenario_args::ScenarioArgs;
use clap::Args;
use exactflow_analysis::sweep::{Axis, Cell, Sweep, SweepError, MAX_CELLS};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Arguments of `phase`.
#[derive(Debug, Args)]
pub struct PhaseArgs {
    /// Horizontal axis PARAM=LO..HI[:log]:N; PARAM one of width, sigma_u, sigma_w, eta_u,
    /// eta_w, gamma, exx, exy (e.g. sigma_u=1e-4..1:log:16).
    #[arg(long, value_name = "PARAM=LO..HI[:log]:N", allow_hyphen_values = true)]
    pub x: String,
    /// Vertical axis, same syntax.
    #[arg(long, value_name = "PARAM=LO..HI[:log]:N", allow_hyphen_values = true)]
    pub y: String,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output directory (created if missing): phase.csv and phase.svg, each written whole
    /// or not at all.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

impl From<SweepError> for CliError {
    fn from(e: SweepError) -> Self {
        match e {
            SweepError::Axis { axis, message } => CliError::Usage {
                flag: axis,
                message,
            },
        }
    }
}

/// Shortest round-trip text of an `f64` (`nan`, `inf`, `-inf` for the others).
pub fn num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.into()
    } else if x == 0.0 {
        "0e0".into()
    } else {
        format!("{x:e}")
    }
}

/// Columns of `phase.csv` after the two parameters.
pub const COLUMNS: [&str; 13] = [
    "label",
    "z_inf",
    "ntk_change",
    "alignment0",
    "alignment_inf",
    "rotation_u",
    "rotation_w",
    "norm_ratio_u",
    "norm_ratio_w",
    "dominance",
    "time_scale",
    "residual_inf",
    "ntk0",
];

fn row(c: &Cell) -> String {
    let q = &c.mechanism.quantities;
    let vals = [
        q.z_inf,
        q.ntk_change,
        q.alignment0,
        q.alignment_inf,
        q.rotation_u,
        q.rotation_w,
        q.norm_ratio_u,
        q.norm_ratio_w,
        q.dominance,
        q.time_scale,
        q.residual_inf,
        q.ntk0,
    ];
    let mut s = format!("{},{},{}", num(c.x), num(c.y), c.mechanism.label.name());
    for v in vals {
        s.push(',');
        s.push_str(&num(v));
    }
    s.push('\n');
    s
}

/// Runs `phase`.
///
/// # Errors
/// Usage and scenario errors (exit 2, nothing written), output errors.
pub fn run(args: &PhaseArgs) -> Result<(), CliError> {
    let x = Axis::parse("--x", &args.x)?;
    let y = Axis::parse("--y", &args.y)?;
    if x.values.len().saturating_mul(y.values.len()) > MAX_CELLS {
        return Err(CliError::usage(
            "--y",
            format!(
                "{} x {} cells exceed the limit of {MAX_CELLS}",
                x.values.len(),
                y.values.len()
            ),
        ));
    }
    let scenario = args.scenario.resolve()?;
    let sweep = Sweep::new(&scenario, x, y)?;
    let rows = sweep.y.values.len() as u64;
    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(rows);
        b.set_style(
            indicatif::ProgressStyle::with_template("phase {bar:40} {pos}/{len} rows {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let cells = sweep.run(&|n| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let name = scenario.name.clone().unwrap_or_else(|| "(flags)".into());
    let mut csv = String::new();
    csv.push_str(&format!("# exactflow: {}\n", env!("CARGO_PKG_VERSION")));
    csv.push_str("# command: phase\n");
    csv.push_str(&format!("# scenario: {name}\n"));
    csv.push_str(&format!("# x: {}\n# y: {}\n", args.x, args.y));
    csv.push_str("# engine: fast (f64 moments of the initialization; mechanism quantities at t = infinity)\n");
    csv.push_str(&format!("# rule: {}\n", crate::mechanism::RULE));
    csv.push_str(&format!(
        "{},{},{}\n",
        sweep.x.param.name(),
        sweep.y.param.name(),
        COLUMNS.join(",")
    ));
    let body: Vec<String> = cells.par_iter().map(row).collect();
    for r in &body {
        csv.push_str(r);
    }
    let labels: Vec<_> = cells.iter().map(|c| c.mechanism.label).collect();
    let title = format!(
        "mechanism of {name}: {} x {}",
        sweep.x.param.name(),
        sweep.y.param.name()
    );
    let svg = crate::plot::phase_svg(&sweep.x, &sweep.y, &labels, &title)?;
    std::fs::create_dir_all(&args.out).map_err(|source| CliError::Io {
        what: format!("--out {}", args.out.display()),
        source,
    })?;
    emit(csv.as_bytes(), Some(&args.out.join("phase.csv")))?;
    emit(svg.as_bytes(), Some(&args.out.join("phase.svg")))
}
