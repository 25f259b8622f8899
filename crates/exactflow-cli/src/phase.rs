//! `exactflow phase`: a 2-D sweep of the mechanism over two scenario parameters on the
//! fast path (`exactflow_analysis::sweep`), in parallel, written as `DIR/phase.csv` (one
//! row per cell) and `DIR/phase.svg` (a heatmap of the labels).

use crate::error::CliError;
use crate::output::{self, Progress};
use crate::scenario_args::ScenarioArgs;
use clap::Args;
use exactflow_analysis::asymptotic::{diagram, ExponentAxis, ExponentName, Exponents, Phase};
use exactflow_analysis::mechanism::Label;
use exactflow_analysis::sweep::{Axis, AxisId, Cell, Sweep, SweepError, MAX_CELLS};
use exactflow_tables::write::{
    Cell as TCell, Digits, Format as TFormat, Header, Output, TableWriter,
};
use rayon::prelude::*;
use std::path::PathBuf;

/// Arguments of `phase`.
#[derive(Debug, Args)]
pub struct PhaseArgs {
    /// Horizontal axis PARAM=LO..HI[:log]:N; PARAM one of width, sigma_u, sigma_w, eta_u,
    /// eta_w, gamma, exx, exy (e.g. sigma_u=1e-4..1:log:16). Or, for the asymptotic
    /// diagram in exponent space (docs/model.md §9), one of alpha_u, alpha_w, c_u, c_w, beta
    /// with exact values (e.g. alpha_u=0..2:21); both axes then name exponents.
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
    /// Exponent-space diagram: the exponents not on an axis, NAME=VALUE (repeatable;
    /// default the NTK point alpha_u = alpha_w = c_u = c_w = 0, beta = 1/2).
    #[arg(
        long = "exponent",
        value_name = "NAME=VALUE",
        allow_hyphen_values = true
    )]
    pub exponents: Vec<String>,
    /// Exponent-space diagram: the sign of k·θ* (decides alignment against
    /// disalignment for balanced layers).
    #[arg(
        long = "k-theta-sign",
        value_name = "SIGN",
        default_value_t = 1,
        allow_hyphen_values = true
    )]
    pub k_theta_sign: i32,
}

impl From<SweepError> for CliError {
    fn from(e: SweepError) -> Self {
        match e {
            SweepError::Axis { axis, message } => CliError::Usage {
                flag: axis_flag(axis).into(),
                message,
            },
        }
    }
}

/// The flag that sets `axis`.
fn axis_flag(axis: AxisId) -> &'static str {
    match axis {
        AxisId::X => "--x",
        AxisId::Y => "--y",
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

/// The cells of one row of `phase.csv`.
fn row(c: &Cell) -> [TCell<'_>; 15] {
    let q = &c.mechanism.quantities;
    [
        TCell::F64(c.x),
        TCell::F64(c.y),
        TCell::Label(c.mechanism.label.name()),
        TCell::F64(q.z_inf),
        TCell::F64(q.ntk_change),
        TCell::F64(q.alignment0),
        TCell::F64(q.alignment_inf),
        TCell::F64(q.rotation_u),
        TCell::F64(q.rotation_w),
        TCell::F64(q.norm_ratio_u),
        TCell::F64(q.norm_ratio_w),
        TCell::F64(q.dominance),
        TCell::F64(q.time_scale),
        TCell::F64(q.residual_inf),
        TCell::F64(q.ntk0),
    ]
}

/// `DIR/phase.csv` and `DIR/phase.svg`, opened before any work: a command's outputs
/// appear together or not at all (a directory in the way is exit 2 with nothing
/// written).
fn open_outputs(dir: &std::path::Path) -> Result<(Output, Output), CliError> {
    std::fs::create_dir_all(dir).map_err(|source| CliError::Io {
        what: format!("--out {}", dir.display()),
        source,
    })?;
    let csv = output::open(Some(&dir.join("phase.csv")))?;
    let svg = output::open(Some(&dir.join("phase.svg")))?;
    Ok((csv, svg))
}

/// Rows of the sweep computed in parallel per this many rows, written in order.
const ROWS_PER_BATCH: usize = 16;

/// Runs `phase`.
///
/// # Errors
/// Usage and scenario errors (exit 2, nothing written), output errors.
pub fn run(args: &PhaseArgs) -> Result<(), CliError> {
    let is_exponent = |a: &str| {
        a.split_once('=')
            .is_some_and(|(n, _)| ExponentName::parse(n).is_some())
    };
    match (is_exponent(&args.x), is_exponent(&args.y)) {
        (true, true) => return run_exponents(args),
        (true, false) => {
            return Err(CliError::usage(
                "--y",
                "the x axis is an exponent: the y axis must be one too (alpha_u, alpha_w, c_u, c_w, beta)",
            ))
        }
        (false, true) => {
            return Err(CliError::usage(
                "--x",
                "the y axis is an exponent: the x axis must be one too (alpha_u, alpha_w, c_u, c_w, beta)",
            ))
        }
        (false, false) => {}
    }
    let x = Axis::parse(AxisId::X, &args.x)?;
    let y = Axis::parse(AxisId::Y, &args.y)?;
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
    let (nx, ny) = (sweep.x.values.len(), sweep.y.values.len());
    let (csv_out, mut svg_out) = open_outputs(&args.out)?;
    let mut columns = vec![
        sweep.x.param.name().to_string(),
        sweep.y.param.name().to_string(),
    ];
    columns.extend(COLUMNS.iter().map(|c| c.to_string()));
    let header = Header {
        metadata: [
            // The base scenario (the swept fields are the columns x and y).
            exactflow_tables::provenance::provenance(&scenario, "phase"),
            vec![
            ("x".into(), args.x.clone()),
            ("y".into(), args.y.clone()),
            (
                "engine".into(),
                "fast (f64 moments of the initialization; mechanism quantities at t = infinity)"
                    .into(),
            ),
            ("rule".into(), crate::mechanism::RULE.into()),
        ],
        ]
        .concat(),
        columns,
        rows: Some((nx * ny) as u64),
    };
    let mut w = TableWriter::new(csv_out, TFormat::Csv, Digits::Shortest, header)?;
    let progress = Progress::new("phase", ny as u64, "rows", true);
    let mut labels: Vec<Label> = Vec::with_capacity(nx * ny);
    for first in (0..ny).step_by(ROWS_PER_BATCH) {
        let last = (first + ROWS_PER_BATCH).min(ny);
        let batch: Vec<Vec<Cell>> = (first..last)
            .into_par_iter()
            .map(|j| (0..nx).map(|i| sweep.cell(i, j)).collect())
            .collect();
        for r in &batch {
            for c in r {
                w.row(&row(c))?;
                labels.push(c.mechanism.label);
            }
        }
        progress.inc((last - first) as u64);
    }
    progress.finish();
    let csv_out = w.finish(&[])?;
    let title = format!(
        "mechanism over {} × {} ({})",
        crate::plot::param_symbol(sweep.x.param.name()),
        crate::plot::param_symbol(sweep.y.param.name()),
        match &scenario.name {
            Some(n) => format!("preset {n}"),
            None => "the given scenario".to_string(),
        }
    );
    let svg = crate::plot::phase_svg(&sweep.x, &sweep.y, &labels, &title)?;
    write_svg(&mut svg_out, &svg, &args.out)?;
    csv_out.commit()?;
    Ok(svg_out.commit()?)
}

fn write_svg(out: &mut Output, svg: &str, dir: &std::path::Path) -> Result<(), CliError> {
    use std::io::Write;
    out.write_all(svg.as_bytes())
        .map_err(|source| CliError::Io {
            what: format!("--out {}", dir.join("phase.svg").display()),
            source,
        })
}

/// The categories of the exponent-space heatmap: phase and expected label.
fn exponent_category(phase: Phase, label: Option<Label>) -> (String, plotters::style::RGBColor) {
    use crate::chart::{lighter, palette};
    match (phase, label) {
        (Phase::Divergent, _) | (_, None) => ("output diverges".into(), palette::BLACK),
        (Phase::Kernel, _) => ("kernel".into(), palette::GREY),
        (p, Some(l)) => {
            let c = crate::plot::label_color(l);
            let name = format!("{}: {}", p.name(), l.name());
            (name, if p == Phase::Critical { lighter(c) } else { c })
        }
    }
}

/// `phase` in exponent space: the asymptotic diagram of docs/model.md §9, decided exactly.
fn run_exponents(args: &PhaseArgs) -> Result<(), CliError> {
    let x = ExponentAxis::parse(&args.x).map_err(|m| CliError::usage("--x", m))?;
    let y = ExponentAxis::parse(&args.y).map_err(|m| CliError::usage("--y", m))?;
    if x.name == y.name {
        return Err(CliError::usage(
            "--y",
            "the two axes name the same exponent",
        ));
    }
    let mut base = Exponents::ntk();
    for (i, e) in args.exponents.iter().enumerate() {
        let flag = format!("--exponent[{i}]");
        let (n, v) = e
            .split_once('=')
            .ok_or_else(|| CliError::usage(&flag, format!("{e:?}: expected NAME=VALUE")))?;
        let name = ExponentName::parse(n).ok_or_else(|| {
            CliError::usage(
                &flag,
                format!("{n:?} is not an exponent (alpha_u, alpha_w, c_u, c_w, beta)"),
            )
        })?;
        if name == x.name || name == y.name {
            return Err(CliError::usage(&flag, format!("{n} is already an axis")));
        }
        let v = exactflow_core::number::parse_exact(v)
            .map_err(|err| CliError::usage(&flag, err.to_string()))?;
        base.set(name, v);
    }
    if !matches!(args.k_theta_sign, 1 | -1) {
        return Err(CliError::usage("--k-theta-sign", "must be 1 or -1"));
    }
    let preds = diagram(&base, &x, &y, args.k_theta_sign);
    let (csv_out, svg_out) = open_outputs(&args.out)?;
    let mut csv = String::new();
    csv.push_str(&format!("# exactflow: {}\n", env!("CARGO_PKG_VERSION")));
    csv.push_str("# command: phase (exponent space)\n");
    csv.push_str(&format!(
        "# x: {}
# y: {}\n",
        args.x, args.y
    ));
    let fixed: Vec<String> = ExponentName::ALL
        .into_iter()
        .filter(|n| *n != x.name && *n != y.name)
        .map(|n| {
            let v = match n {
                ExponentName::AlphaU => &base.alpha_u,
                ExponentName::AlphaW => &base.alpha_w,
                ExponentName::CU => &base.c_u,
                ExponentName::CW => &base.c_w,
                ExponentName::Beta => &base.beta,
            };
            format!("{}={v}", n.name())
        })
        .collect();
    csv.push_str(&format!(
        "# fixed: {}; sign(k theta*)={}\n",
        fixed.join(" "),
        args.k_theta_sign
    ));
    csv.push_str("# exact: sigma^2 = d^-alpha, eta = d^c, gamma = d^-beta; x_u = 1 - alpha_u - c_u, kappa = -beta + (c_u + c_w)/2, rho = -kappa - max(x_u, x_w): kernel rho < 0, critical rho = 0, strong rho > 0; divergent when the initial output's exponent kappa + (x_u + x_w - 1)/2 > 0\n");
    csv.push_str(&format!(
        "{},{},phase,label,x_u,x_w,m,kappa,output0,rho,ntk0_exponent,omega_exponent\n",
        x.name.name(),
        y.name.name()
    ));
    // Every category in a fixed order — divergent, kernel, then per label its critical and
    // strong shade side by side — so the legend's two columns read critical | strong.
    let mut cats: Vec<(String, plotters::style::RGBColor)> = vec![
        exponent_category(Phase::Divergent, None),
        exponent_category(Phase::Kernel, Some(Label::Kernel)),
    ];
    for l in [
        Label::Alignment,
        Label::Disalignment,
        Label::RescalingU,
        Label::RescalingW,
    ] {
        for p in [Phase::Critical, Phase::Strong] {
            cats.push(exponent_category(p, Some(l)));
        }
    }
    let mut cells = Vec::with_capacity(preds.len());
    let mut k = 0;
    for yv in &y.values {
        for xv in &x.values {
            let Some(p) = preds.get(k) else { break };
            k += 1;
            csv.push_str(&format!(
                "{xv},{yv},{},{},{},{},{},{},{},{},{},{}\n",
                p.phase.name(),
                p.label.map_or("none", |l| l.name()),
                p.x_u,
                p.x_w,
                p.m,
                p.kappa,
                p.output0,
                p.rho,
                p.ntk0,
                p.omega
            ));
            let cat = exponent_category(p.phase, p.label);
            let idx = match cats.iter().position(|c| c.0 == cat.0) {
                Some(i) => i,
                None => {
                    cats.push(cat);
                    cats.len() - 1
                }
            };
            cells.push(idx);
        }
    }
    let axis = |a: &ExponentAxis| crate::plot::HeatAxis {
        title: crate::plot::param_title(a.name.name()),
        values: a
            .values
            .iter()
            .map(exactflow_core::number::q_to_f64_nearest)
            .collect(),
        log: false,
    };
    let svg = crate::plot::heatmap_svg(
        &axis(&x),
        &axis(&y),
        &cats,
        &cells,
        &format!(
            "width-scaling phases over {} × {}",
            crate::plot::param_symbol(x.name.name()),
            crate::plot::param_symbol(y.name.name())
        ),
    )?;
    let (mut csv_out, mut svg_out) = (csv_out, svg_out);
    {
        use std::io::Write;
        csv_out
            .write_all(csv.as_bytes())
            .map_err(|source| CliError::Io {
                what: format!("--out {}", args.out.join("phase.csv").display()),
                source,
            })?;
    }
    write_svg(&mut svg_out, &svg, &args.out)?;
    csv_out.commit()?;
    Ok(svg_out.commit()?)
}
