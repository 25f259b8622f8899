//! SVG figures (plotters, SVG backend; no system fonts needed): the phase heatmap of
//! `exactflow phase`, and `exactflow plot` — alignment(t), loss(t) on a log scale and
//! ntk(t), closed-form theory curves with simulated GD points overlaid.

use crate::error::CliError;
use crate::output::emit;
use crate::scenario_args::ScenarioArgs;
use clap::Args;
use exactflow_analysis::mechanism::Label;
use exactflow_analysis::sweep::Axis;
use exactflow_core::Observables;
use exactflow_fast::FastSolution;
use plotters::prelude::*;
use std::path::PathBuf;

/// Fill colour of each label in the heatmap.
pub fn label_color(l: Label) -> RGBColor {
    match l {
        Label::Kernel => RGBColor(160, 160, 160),
        Label::Alignment => RGBColor(31, 119, 180),
        Label::Disalignment => RGBColor(214, 39, 40),
        Label::RescalingU => RGBColor(44, 160, 44),
        Label::RescalingW => RGBColor(255, 127, 14),
        Label::Saddle => RGBColor(40, 40, 40),
    }
}

fn draw_err<E: std::fmt::Display>(e: E) -> CliError {
    CliError::usage("plot", format!("drawing the figure failed: {e}"))
}

/// Short text of an axis value.
fn tick(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if v != 0.0 && (v.abs() < 1e-2 || v.abs() >= 1e4) {
        let s = format!("{v:.2e}");
        match s.split_once('e') {
            Some((m, e)) => {
                let m = if m.contains('.') {
                    m.trim_end_matches('0').trim_end_matches('.')
                } else {
                    m
                };
                format!("{m}e{e}")
            }
            None => s,
        }
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The phase heatmap of a sweep: one coloured cell per sweep cell, coloured by label
/// (see [`heatmap_svg`]); geometric axes are drawn on a log scale.
///
/// # Errors
/// A drawing failure.
pub fn phase_svg(x: &Axis, y: &Axis, labels: &[Label], title: &str) -> Result<String, CliError> {
    let axis = |a: &Axis| HeatAxis {
        desc: format!(
            "{}{}",
            a.param.name(),
            if a.log { " (log scale)" } else { "" }
        ),
        ticks: a.values.iter().map(|v| tick(*v)).collect(),
    };
    let cats: Vec<(String, RGBColor)> = Label::ALL
        .iter()
        .map(|l| (l.name().to_string(), label_color(*l)))
        .collect();
    let cells: Vec<usize> = labels.iter().map(|l| l.code() as usize).collect();
    heatmap_svg(&axis(x), &axis(y), &cats, &cells, title)
}

/// A heatmap axis: its description and the tick text of each cell index.
pub struct HeatAxis {
    /// Axis title.
    pub desc: String,
    /// Text of each value, in order.
    pub ticks: Vec<String>,
}

/// A categorical heatmap: `cells[j·nx + i]` is the category (index into `cats`, each a
/// name and a colour) of column `i`, row `j`. Runs of equal categories in a row are merged
/// into one rectangle (large grids stay small); axes are in cell-index space labelled with
/// the values; a legend lists the categories present.
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
    let (nx, ny) = (x.ticks.len(), y.ticks.len());
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 700)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let xs = |v: &f64| {
            let i = (*v as usize).min(nx.saturating_sub(1));
            x.ticks.get(i).cloned().unwrap_or_default()
        };
        let ys = |v: &f64| {
            let i = (*v as usize).min(ny.saturating_sub(1));
            y.ticks.get(i).cloned().unwrap_or_default()
        };
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..nx as f64, 0f64..ny as f64)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(x.desc.as_str())
            .y_desc(y.desc.as_str())
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&xs)
            .y_label_formatter(&ys)
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 16))
            .draw()
            .map_err(draw_err)?;
        for (k, (name, color)) in cats.iter().enumerate() {
            let mut rects = Vec::new();
            for j in 0..ny {
                let mut i = 0;
                while i < nx {
                    if cells.get(j * nx + i) != Some(&k) {
                        i += 1;
                        continue;
                    }
                    let start = i;
                    while i < nx && cells.get(j * nx + i) == Some(&k) {
                        i += 1;
                    }
                    rects.push(Rectangle::new(
                        [(start as f64, j as f64), (i as f64, (j + 1) as f64)],
                        color.filled(),
                    ));
                }
            }
            if rects.is_empty() {
                continue;
            }
            let color = *color;
            chart
                .draw_series(rects)
                .map_err(draw_err)?
                .label(name.as_str())
                .legend(move |(px, py)| {
                    Rectangle::new([(px, py - 6), (px + 14, py + 6)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 14))
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// One panel of the trajectory figure.
struct Panel<'a> {
    title: &'a str,
    log: bool,
    get: fn(&Observables<f64>) -> f64,
}

/// Three panels (alignment, loss on a log scale, ntk) against `t`: theory as a line, GD
/// as points.
///
/// # Errors
/// A drawing failure.
pub fn trajectory_svg(
    title: &str,
    theory: &[(f64, Observables<f64>)],
    points: &[(f64, Observables<f64>)],
) -> Result<String, CliError> {
    let panels = [
        Panel {
            title: "alignment cos(u, w)",
            log: false,
            get: |o| o.alignment,
        },
        Panel {
            title: "loss (log scale)",
            log: true,
            get: |o| o.loss,
        },
        Panel {
            title: "ntk",
            log: false,
            get: |o| o.ntk,
        },
    ];
    let t_max = theory
        .iter()
        .chain(points)
        .map(|p| p.0)
        .fold(0.0f64, f64::max)
        .max(1e-300);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1500, 480)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let root = root.titled(title, ("sans-serif", 22)).map_err(draw_err)?;
        let areas = root.split_evenly((1, 3));
        for (area, p) in areas.iter().zip(&panels) {
            let vals: Vec<f64> = theory
                .iter()
                .chain(points)
                .map(|(_, o)| (p.get)(o))
                .filter(|v| v.is_finite() && (!p.log || *v > 0.0))
                .collect();
            let (mut lo, mut hi) = vals
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(*v), b.max(*v))
                });
            if !(lo.is_finite() && hi.is_finite()) {
                (lo, hi) = (if p.log { 1e-300 } else { 0.0 }, 1.0);
            }
            let theory_pts = theory
                .iter()
                .map(|(t, o)| (*t, (p.get)(o)))
                .filter(|(_, v)| v.is_finite() && (!p.log || *v > 0.0));
            let gd_pts = points
                .iter()
                .map(|(t, o)| (*t, (p.get)(o)))
                .filter(|(_, v)| v.is_finite() && (!p.log || *v > 0.0));
            macro_rules! draw {
                ($chart:expr) => {{
                    let mut chart = $chart;
                    chart
                        .configure_mesh()
                        .x_desc("t (GD: step number)")
                        .x_labels(6)
                        .x_label_formatter(&|v| tick(*v))
                        .y_label_formatter(&|v| {
                            if !p.log && v.abs() < 1e-9 * (hi - lo).abs() {
                                "0".to_string()
                            } else {
                                tick(*v)
                            }
                        })
                        .y_labels(8)
                        .label_style(("sans-serif", 13))
                        .axis_desc_style(("sans-serif", 14))
                        .draw()
                        .map_err(draw_err)?;
                    chart
                        .draw_series(LineSeries::new(theory_pts, BLUE.stroke_width(2)))
                        .map_err(draw_err)?
                        .label("gradient flow (closed form)")
                        .legend(|(x, y)| {
                            PathElement::new([(x, y), (x + 18, y)], BLUE.stroke_width(2))
                        });
                    chart
                        .draw_series(gd_pts.map(|(t, v)| Circle::new((t, v), 3, RED.filled())))
                        .map_err(draw_err)?
                        .label("gradient descent (simulated)")
                        .legend(|(x, y)| Circle::new((x + 9, y), 3, RED.filled()));
                    if p.log {
                        chart
                            .configure_series_labels()
                            .background_style(WHITE.mix(0.85))
                            .border_style(BLACK)
                            .label_font(("sans-serif", 12))
                            .position(SeriesLabelPosition::UpperRight)
                            .draw()
                            .map_err(draw_err)?;
                    }
                }};
            }
            macro_rules! builder {
                ($a:expr) => {
                    ChartBuilder::on($a)
                        .caption(p.title, ("sans-serif", 17))
                        .margin(12)
                        .x_label_area_size(40)
                        .y_label_area_size(70)
                };
            }
            if p.log {
                let (lo, hi) = (lo.max(1e-300), hi.max(lo * 10.0));
                draw!(builder!(area)
                    .build_cartesian_2d(0f64..t_max, (lo..hi).log_scale())
                    .map_err(draw_err)?);
            } else {
                let pad = 0.05 * (hi - lo).max(1e-12 * hi.abs().max(1e-300));
                draw!(builder!(area)
                    .build_cartesian_2d(0f64..t_max, (lo - pad)..(hi + pad))
                    .map_err(draw_err)?);
            }
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
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
    /// GD points drawn (evenly spaced over the steps).
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub points: u64,
    /// Output SVG file (written atomically).
    #[arg(long, value_name = "FILE.svg")]
    pub out: PathBuf,
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

/// Runs `plot`.
///
/// # Errors
/// Usage and scenario errors (exit 2), output errors.
pub fn run(args: &PlotArgs) -> Result<(), CliError> {
    if args.points == 0 || args.points > 100_000 {
        return Err(CliError::usage(
            "--points",
            format!("must be between 1 and 100000, got {}", args.points),
        ));
    }
    let scenario = args.scenario.resolve()?;
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
    let every = (steps / args.points).max(1);
    let (points, report) = gd_points(&scenario, steps, every)?;
    let times: Vec<f64> = (0..=600).map(|j| steps as f64 * j as f64 / 600.0).collect();
    let theory: Vec<(f64, Observables<f64>)> =
        times.iter().copied().zip(sol.eval_batch(&times)).collect();
    let (points, dropped) = within_figure(points, &theory);
    let name = scenario.name.clone().unwrap_or_else(|| "(flags)".into());
    let label = exactflow_analysis::analyse_exact(&scenario.reduction()).label;
    let title = format!(
        "{name}: width {}, mechanism {label} — gradient flow (line) and GD (points)",
        scenario.width()
    );
    let svg = trajectory_svg(&title, &theory, &points)?;
    if let Some(e) = &report.failure {
        eprintln!("exactflow: warning: the GD points end early: {e}");
    }
    if let Some(n) = dropped {
        eprintln!("exactflow: warning: GD points from step {n} on are not drawn: gradient descent left the flow's range by orders of magnitude (it diverges)");
    }
    if let Some(n) = report.stability.and_then(|s| s.first_unstable_step) {
        eprintln!("exactflow: warning: GD reaches a*ntk >= 2 at step {n} (edge of stability): it oscillates or diverges instead of following the flow");
    }
    emit(svg.as_bytes(), Some(&args.out))
}
