//! `exactflow plot`: alignment, loss and NTK against time — the closed form as curves,
//! simulated gradient descent and users' own runs (`--overlay`) as markers — and the
//! figure helpers `phase` shares. The drawing is in [`crate::chart`]; the format follows
//! the output's file name (`.svg`, `.png`, `.pdf`).

use crate::chart::heatmap::heatmap;
pub use crate::chart::heatmap::HeatAxis;
use crate::chart::palette;
use crate::chart::trajectory::{trajectory, Mark, Series};
use crate::chart::{write, FigureFormat};
use crate::error::CliError;
use crate::scenario_args::ScenarioArgs;
use clap::Args;
use exactflow_analysis::mechanism::Label;
use exactflow_analysis::sweep::Axis;
use exactflow_core::Observables;
use exactflow_fast::FastSolution;
use plotters::style::RGBColor;
use std::path::{Path, PathBuf};

/// Fill colour of each label (Okabe–Ito; kernel, where nothing is learned, grey).
pub fn label_color(l: Label) -> RGBColor {
    match l {
        Label::Kernel => palette::GREY,
        Label::Alignment => palette::BLUE,
        Label::Disalignment => palette::VERMILLION,
        Label::RescalingU => palette::BLUISH_GREEN,
        Label::RescalingW => palette::ORANGE,
        Label::Saddle => palette::BLACK,
    }
}

/// The axis title of a swept parameter or exponent: the quantity and its symbol.
pub fn param_title(name: &str) -> String {
    match name {
        "width" => "width d".into(),
        "sigma_u" => "σ_u (std of the entries of u₀)".into(),
        "sigma_w" => "σ_w (std of the entries of w₀)".into(),
        "eta_u" => "learning rate η_u".into(),
        "eta_w" => "learning rate η_w".into(),
        "gamma" => "output scale γ".into(),
        "exx" => "E[x²]".into(),
        "exy" => "E[xy]".into(),
        "alpha_u" => "α_u (σ_u² = d^(−α_u))".into(),
        "alpha_w" => "α_w (σ_w² = d^(−α_w))".into(),
        "c_u" => "c_u (η_u = d^(c_u))".into(),
        "c_w" => "c_w (η_w = d^(c_w))".into(),
        "beta" => "β (γ = d^(−β))".into(),
        other => other.into(),
    }
}

/// The symbol of a swept parameter or exponent, for figure titles (`σ_u`, `γ`, `d`).
pub fn param_symbol(name: &str) -> String {
    match name {
        "width" => "d".into(),
        "sigma_u" => "σ_u".into(),
        "sigma_w" => "σ_w".into(),
        "eta_u" => "η_u".into(),
        "eta_w" => "η_w".into(),
        "gamma" => "γ".into(),
        "exx" => "E[x²]".into(),
        "exy" => "E[xy]".into(),
        "alpha_u" => "α_u".into(),
        "alpha_w" => "α_w".into(),
        "beta" => "β".into(),
        other => other.into(),
    }
}

/// The SVG of a categorical heatmap (see [`crate::chart::heatmap::heatmap`]).
///
/// # Errors
/// A drawing failure.
pub fn heatmap_svg(
    x: &HeatAxis,
    y: &HeatAxis,
    cats: &[(String, RGBColor)],
    cells: &[usize],
    title: &str,
) -> Result<String, CliError> {
    Ok(heatmap(x, y, cats, cells, title)?.svg_text())
}

/// The phase heatmap of a sweep: one cell per sweep cell, coloured by label; geometric
/// axes on a log scale.
///
/// # Errors
/// A drawing failure.
pub fn phase_svg(x: &Axis, y: &Axis, labels: &[Label], title: &str) -> Result<String, CliError> {
    let axis = |a: &Axis| HeatAxis {
        title: param_title(a.param.name()),
        values: a.values.clone(),
        log: a.log,
    };
    let cats: Vec<(String, RGBColor)> = Label::ALL
        .iter()
        .map(|l| (l.name().to_string(), label_color(*l)))
        .collect();
    let cells: Vec<usize> = labels.iter().map(|l| l.code() as usize).collect();
    heatmap_svg(&axis(x), &axis(y), &cats, &cells, title)
}

/// Arguments of `plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// GD steps to simulate (and the time range of the theory curves). Default: half the
    /// closed form's horizon (by then the residual has fallen about six orders), at most
    /// 1,000,000.
    #[arg(long, value_name = "N")]
    pub steps: Option<u64>,
    /// GD points drawn (evenly spaced over the steps); 0 draws no gradient descent.
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub points: u64,
    /// Output figure, written atomically; the format follows the name: .svg, .png
    /// (300 dpi) or .pdf (fonts embedded).
    #[arg(long, value_name = "FILE.svg|.png|.pdf")]
    pub out: PathBuf,
    /// A trajectory of your own drawn over the closed form (repeatable): any table
    /// `compare` reads (CSV, JSON, NPY, NPZ) with a column t and any of alignment, loss,
    /// ntk.
    #[arg(long, value_name = "TABLE")]
    pub overlay: Vec<PathBuf>,
    /// Column names of an overlay without names (a plain NPY array), every column in
    /// order (e.g. t,z,slope,residual,loss,ntk,alignment,norm_u,norm_w).
    #[arg(long, value_name = "LIST")]
    pub overlay_columns: Option<String>,
    /// Title above the figure (default: the scenario, its width and mechanism; '' for
    /// none, as a paper's caption usually replaces it).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

/// Points of a figure: `(t, observables)`.
type Points = Vec<(f64, Observables<f64>)>;

/// The GD points of the figure: full width-`d` GD in `f64` through the simulate crate (its
/// budget applies); a divergence ends the points early (the report says where).
fn gd_points(
    scenario: &exactflow_core::Scenario,
    steps: u64,
    every: u64,
) -> Result<(Points, exactflow_simulate::Report), CliError> {
    use exactflow_simulate::{simulate, MethodKind, Options, Request, RunError, Values};
    let options = Options {
        steps: Some(steps),
        every: Some(every),
        ..Options::default()
    };
    let req = Request::new(MethodKind::Gd, options)
        .map_err(|e| CliError::usage("--steps", e.to_string()))?;
    let mut points = Vec::new();
    let mut sink = |t: &exactflow_core::Q, v: Values<'_>| {
        if let Values::F64(o) = v {
            points.push((exactflow_core::number::q_to_f64_nearest(t), o.clone()));
        }
        Ok::<(), ()>(())
    };
    match simulate(scenario, &req, &mut sink) {
        Ok(report) => Ok((points, report)),
        Err(RunError::Sim(e)) => Err(CliError::usage("--steps", e.to_string())),
        Err(RunError::Sink(())) => unreachable!("the sink never fails"),
    }
}

/// The GD points up to the first one far outside the theory curves' range (loss or ntk
/// more than 10^6 times the flow's largest, or not finite): a diverging GD would
/// otherwise stretch the axes over hundreds of orders of magnitude. Returns the kept
/// points and the step of the first dropped one.
fn within_figure(points: Points, theory: &[(f64, Observables<f64>)]) -> (Points, Option<u64>) {
    let top = |get: fn(&Observables<f64>) -> f64| {
        theory
            .iter()
            .map(|(_, o)| get(o).abs())
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max)
    };
    let (loss, ntk) = (top(|o| o.loss), top(|o| o.ntk));
    let ok = |o: &Observables<f64>| {
        o.to_array().iter().all(|v| !v.is_infinite())
            && o.loss.abs() <= 1e6 * loss.max(f64::MIN_POSITIVE)
            && o.ntk.abs() <= 1e6 * ntk.max(f64::MIN_POSITIVE)
    };
    match points.iter().position(|(_, o)| !ok(o)) {
        Some(i) => {
            let n = points[i].0 as u64;
            (points.into_iter().take(i).collect(), Some(n))
        }
        None => (points, None),
    }
}

/// Largest number of GD steps `plot` simulates.
pub const MAX_PLOT_STEPS: u64 = 1_000_000;

/// The panels' values of an observables row.
fn panel_values(o: &Observables<f64>) -> [Option<f64>; 3] {
    [Some(o.alignment), Some(o.loss), Some(o.ntk)]
}

/// Reads a user's trajectory for `--overlay`.
fn overlay_series(path: &Path, names: Option<&str>, k: usize) -> Result<Series, CliError> {
    let flag = format!("--overlay {}", path.display());
    let table =
        exactflow_tables::read_path(path).map_err(|e| CliError::usage(&flag, e.to_string()))?;
    let table = match (&table.columns, names) {
        (None, Some(list)) => {
            let names: Vec<String> = list.split(',').map(|s| s.trim().to_string()).collect();
            let width = table.width;
            table.with_names(&names).map_err(|_| {
                CliError::usage(
                    "--overlay-columns",
                    format!("names {} columns, but {} has {width}: name every column in order", names.len(), path.display()),
                )
            })?
        }
        (None, None) => {
            return Err(CliError::usage(
                &flag,
                format!("a plain NPY array of {} columns has no column names: give --overlay-columns naming every column in order (for example t,loss)", table.width),
            ))
        }
        (Some(_), _) => table,
    };
    let cols = table.columns.clone().unwrap_or_default();
    let find = |name: &str| cols.iter().position(|c| c == name);
    let t = find("t").ok_or_else(|| {
        CliError::usage(
            &flag,
            format!("has no column t (columns: {})", cols.join(", ")),
        )
    })?;
    let wanted = [find("alignment"), find("loss"), find("ntk")];
    if wanted.iter().all(Option::is_none) {
        return Err(CliError::usage(
            &flag,
            format!(
                "has none of the plotted columns alignment, loss, ntk (columns: {})",
                cols.join(", ")
            ),
        ));
    }
    let points = table
        .rows
        .iter()
        .map(|r| {
            let v = |c: Option<usize>| {
                c.and_then(|c| r.get(c))
                    .map(|x| x.f)
                    .filter(|x| x.is_finite())
            };
            (r[t].f, [v(wanted[0]), v(wanted[1]), v(wanted[2])])
        })
        .filter(|p| p.0.is_finite())
        .collect();
    let colors = [
        palette::BLUISH_GREEN,
        palette::REDDISH_PURPLE,
        palette::ORANGE,
        palette::SKY_BLUE,
    ];
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok(Series {
        label,
        color: colors[k % colors.len()],
        mark: Mark::OVERLAYS[k % Mark::OVERLAYS.len()],
        points,
    })
}

/// Runs `plot`.
///
/// # Errors
/// Usage and scenario errors (exit 2), output errors.
pub fn run(args: &PlotArgs) -> Result<(), CliError> {
    if args.points > 100_000 {
        return Err(CliError::usage(
            "--points",
            format!("must be between 0 and 100000, got {}", args.points),
        ));
    }
    FigureFormat::from_path(&args.out, "--out")?;
    let scenario = args.scenario.resolve()?;
    let overlays: Vec<Series> = args
        .overlay
        .iter()
        .enumerate()
        .map(|(k, p)| overlay_series(p, args.overlay_columns.as_deref(), k))
        .collect::<Result<_, _>>()?;
    let sol = FastSolution::new(&scenario);
    let steps = match args.steps {
        Some(n) if n == 0 || n > MAX_PLOT_STEPS => {
            return Err(CliError::usage(
                "--steps",
                format!("must be between 1 and {MAX_PLOT_STEPS}, got {n}"),
            ))
        }
        Some(n) => n,
        None => ((0.5 * sol.horizon()).ceil() as u64).clamp(1, MAX_PLOT_STEPS),
    };
    let t_end = overlays
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .fold(steps as f64, f64::max);
    let times: Vec<f64> = (0..=600).map(|j| t_end * j as f64 / 600.0).collect();
    let theory: Points = times.iter().copied().zip(sol.eval_batch(&times)).collect();
    let mut warnings = Vec::new();
    let mut gd: Vec<(f64, [Option<f64>; 3])> = Vec::new();
    if let Some(every) = steps.checked_div(args.points) {
        let (points, report) = gd_points(&scenario, steps, every.max(1))?;
        let (points, dropped) = within_figure(points, &theory);
        gd = points.iter().map(|(t, o)| (*t, panel_values(o))).collect();
        if let Some(e) = &report.failure {
            warnings.push(format!("the GD points end early: {e}"));
        }
        if let Some(n) = dropped {
            warnings.push(format!("GD points from step {n} on are not drawn: gradient descent left the flow's range by orders of magnitude (it diverges)"));
        }
        if let Some(n) = report.stability.and_then(|s| s.first_unstable_step) {
            warnings.push(format!("GD reaches a*ntk >= 2 at step {n} (edge of stability): it oscillates or diverges instead of following the flow"));
        }
    }
    let mut series = vec![Series {
        label: "gradient flow (closed form)".into(),
        color: palette::BLUE,
        mark: Mark::Line,
        points: theory.iter().map(|(t, o)| (*t, panel_values(o))).collect(),
    }];
    if args.points > 0 {
        series.push(Series {
            label: "gradient descent (simulated)".into(),
            color: palette::VERMILLION,
            mark: Mark::Ring,
            points: gd,
        });
    }
    series.extend(overlays);
    let title = match &args.title {
        Some(t) => t.clone(),
        None => {
            let name = scenario.name.clone().unwrap_or_else(|| "(flags)".into());
            let label = exactflow_analysis::analyse_exact(&scenario.reduction()).label;
            format!("{name} (d = {}): mechanism {label}", scenario.width())
        }
    };
    let x_title = if args.points > 0 {
        "time t (gradient descent: t = step n)"
    } else {
        "time t"
    };
    let fig = trajectory(&title, x_title, &series)?;
    write(&fig, &args.out, "--out")?;
    for w in warnings {
        eprintln!("exactflow: warning: {w}");
    }
    Ok(())
}
