//! The trajectory figure of `exactflow plot`: alignment, loss (log scale) and NTK against
//! time in three stacked panels sharing the time axis, one column wide; the closed form
//! as a line, simulated gradient descent and users' runs as markers; the legend above
//! the panels.

use super::ticks::{linear_ticks, log_ticks};
use super::{font, mesh, px, Axis, Figure, LABEL_PT, TITLE_PT};
use crate::error::CliError;
use plotters::coord::Shift;
use plotters::prelude::*;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A line through the points.
    Line,
    /// Filled circles.
    Dot,
    /// Hollow triangles.
    Triangle,
    /// Hollow squares.
    Square,
    /// Crosses.
    Cross,
    /// Hollow circles.
    Ring,
}

impl Mark {
    /// The markers of users' runs, in order (simulated gradient descent is drawn with
    /// hollow circles, so that the closed form's line stays visible under its markers).
    pub const OVERLAYS: [Mark; 4] = [Mark::Triangle, Mark::Square, Mark::Cross, Mark::Dot];
}

/// The quantities of the three panels, in order.
pub const PANELS: usize = 3;

/// One series: a label for the legend, a colour and mark, and per time the values of the
/// three panels (alignment, loss, NTK), `None` where the series lacks one.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// Line or marker.
    pub mark: Mark,
    /// `(t, [alignment, loss, ntk])`.
    pub points: Vec<(f64, [Option<f64>; PANELS])>,
}

/// Panel titles: the quantity and its symbol.
const TITLES: [&str; PANELS] = ["alignment ζ", "loss L", "NTK Θ"];

/// Printed width (pt): one column.
const WIDTH_PT: f64 = 234.0;
/// Height of one panel's plotting area (pt).
const PANEL_PT: f64 = 74.0;
/// Gap between panels (pt).
const GAP_PT: f64 = 7.0;
/// Room for the time axis' labels and title (pt).
const BOTTOM_PT: f64 = 26.0;
/// Room for the value axes' labels and titles (pt).
const LEFT_PT: f64 = 46.0;
/// Height of one legend row (pt).
const LEGEND_ROW_PT: f64 = 11.0;

fn panel_axis(k: usize, series: &[Series]) -> Axis {
    let vals = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(move |p| p.1[k]))
        .filter(|v| v.is_finite() && (k != 1 || *v > 0.0));
    let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
    let ticks = match k {
        // Alignment is a cosine: one fixed axis for every figure.
        0 => linear_ticks(-1.0, 1.0, 0.06, 5),
        1 => {
            let (lo, hi) = if lo > 0.0 { (lo, hi) } else { (1e-16, 1.0) };
            log_ticks(lo, hi, 6)
        }
        _ => linear_ticks(lo.min(0.0f64.max(lo)), hi, 0.06, 5),
    };
    Axis {
        ticks,
        log: k == 1,
        title: TITLES[k].to_string(),
    }
}

/// Legend entries laid out left to right, wrapping: `(row, x in pt)` of each.
fn legend_layout(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    series: &[Series],
) -> Vec<(usize, f64)> {
    let style = TextStyle::from(font(LABEL_PT));
    let mut out = Vec::new();
    let (mut row, mut x) = (0usize, LEFT_PT - 30.0);
    for s in series {
        let text_w = area
            .estimate_text_size(&s.label, &style)
            .map(|(w, _)| f64::from(w) / super::SCALE)
            .unwrap_or(5.0 * s.label.chars().count() as f64);
        let w = 14.0 + text_w + 10.0;
        if x + w > WIDTH_PT - 4.0 && x > LEFT_PT - 30.0 {
            row += 1;
            x = LEFT_PT - 30.0;
        }
        out.push((row, x));
        x += w;
    }
    out
}

fn draw_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mark: Mark,
    color: RGBColor,
    (x, y): (i32, i32),
) -> Result<(), CliError> {
    let r = px(1.7);
    let thin = color.stroke_width(px(0.6) as u32);
    let res = match mark {
        Mark::Line => area.draw(&PathElement::new(
            [(x - px(6.0), y), (x + px(6.0), y)],
            color.stroke_width(px(1.1) as u32),
        )),
        Mark::Dot => area.draw(&Circle::new((x, y), r, color.filled())),
        Mark::Ring => area.draw(&Circle::new((x, y), r, thin)),
        Mark::Triangle => {
            let (top, right, left) = (
                (x, y - r - px(0.4)),
                (x + r, y + r - px(0.3)),
                (x - r, y + r - px(0.3)),
            );
            area.draw(&PathElement::new([top, right, left, top], thin))
        }
        Mark::Square => area.draw(&Rectangle::new(
            [
                (x - r + px(0.2), y - r + px(0.2)),
                (x + r - px(0.2), y + r - px(0.2)),
            ],
            thin,
        )),
        Mark::Cross => area
            .draw(&PathElement::new([(x - r, y - r), (x + r, y + r)], thin))
            .and_then(|_| area.draw(&PathElement::new([(x - r, y + r), (x + r, y - r)], thin))),
    };
    res.map_err(super::drawing)
}

/// Most markers drawn per series and panel (evenly spaced rows beyond it).
pub const MAX_MARKERS: usize = 240;

/// The figure: `title` on top (none if empty), the legend, then the three panels against
/// `t` with the time axis titled `x_title`.
///
/// # Errors
/// A drawing failure.
pub fn trajectory(title: &str, x_title: &str, series: &[Series]) -> Result<Figure, CliError> {
    let t_max = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .filter(|t| t.is_finite())
        .fold(0.0f64, f64::max);
    let t_max = if t_max > 0.0 { t_max } else { 1.0 };
    let mut xt = linear_ticks(0.0, t_max, 0.0, 6);
    (xt.lo, xt.hi) = (0.0, t_max);
    let xa = Axis {
        ticks: xt,
        log: false,
        title: x_title.to_string(),
    };
    let axes: Vec<Axis> = (0..PANELS).map(|k| panel_axis(k, series)).collect();
    let mut svg = String::new();
    let title_pt = if title.is_empty() { 2.0 } else { 13.0 };
    // Lay the legend out once to know its height.
    let rows = {
        let mut probe = String::new();
        let area = SVGBackend::with_string(&mut probe, (10, 10)).into_drawing_area();
        legend_layout(&area, series).last().map_or(0, |r| r.0 + 1)
    };
    let legend_pt = 3.0 + LEGEND_ROW_PT * rows as f64;
    let height_pt = title_pt + legend_pt + PANELS as f64 * (PANEL_PT + GAP_PT) + BOTTOM_PT;
    {
        let root = SVGBackend::with_string(&mut svg, (px(WIDTH_PT) as u32, px(height_pt) as u32))
            .into_drawing_area();
        root.fill(&WHITE).map_err(super::drawing)?;
        let (top, rest) = root.split_vertically(px(title_pt));
        if !title.is_empty() {
            top.draw_text(
                title,
                &TextStyle::from(font(TITLE_PT)).color(&BLACK),
                (px(4.0), px(2.5)),
            )
            .map_err(super::drawing)?;
        }
        let (legend, mut rest) = rest.split_vertically(px(legend_pt));
        for (s, (row, x)) in series.iter().zip(legend_layout(&legend, series)) {
            let y = 1.0 + LEGEND_ROW_PT * row as f64 + 0.5 * LEGEND_ROW_PT;
            draw_mark(&legend, s.mark, s.color, (px(x + 6.0), px(y)))?;
            legend
                .draw_text(
                    &s.label,
                    &TextStyle::from(font(LABEL_PT)).color(&BLACK).pos(
                        plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Left,
                            plotters::style::text_anchor::VPos::Center,
                        ),
                    ),
                    (px(x + 14.0), px(y)),
                )
                .map_err(super::drawing)?;
        }
        for (k, ya) in axes.iter().enumerate() {
            let last = k + 1 == PANELS;
            let h = PANEL_PT + GAP_PT + if last { BOTTOM_PT } else { 0.0 };
            let (area, below) = rest.split_vertically(px(h));
            rest = below;
            let mut chart = ChartBuilder::on(&area)
                .margin_top(px(GAP_PT))
                .margin_right(px(14.0))
                .x_label_area_size(px(if last { BOTTOM_PT } else { 0.0 }))
                .y_label_area_size(px(LEFT_PT))
                .build_cartesian_2d(xa.range(), ya.range())
                .map_err(super::drawing)?;
            mesh(&mut chart, &xa, ya, last, true)?;
            for s in series {
                let pts: Vec<Option<(f64, f64)>> = s
                    .points
                    .iter()
                    .map(|(t, v)| Some((xa.frac(*t)?, ya.frac(v[k]?)?)))
                    .map(|p| {
                        p.filter(|(x, y)| {
                            (-1e-9..=1.0 + 1e-9).contains(x) && (-1e-9..=1.0 + 1e-9).contains(y)
                        })
                    })
                    .collect();
                if s.mark == Mark::Line {
                    for seg in pts.split(|p| p.is_none()) {
                        let seg: Vec<(f64, f64)> = seg.iter().flatten().copied().collect();
                        if seg.len() > 1 {
                            chart
                                .draw_series(std::iter::once(PathElement::new(
                                    seg,
                                    s.color.stroke_width(px(1.1) as u32),
                                )))
                                .map_err(super::drawing)?;
                        }
                    }
                } else {
                    let kept: Vec<(f64, f64)> = pts.iter().flatten().copied().collect();
                    let every = kept.len().div_ceil(MAX_MARKERS).max(1);
                    let plot = chart.plotting_area();
                    let base = plot.get_base_pixel();
                    let pixels = plot.strip_coord_spec();
                    for p in kept.iter().step_by(every) {
                        let at = plot.map_coordinate(p);
                        draw_mark(&pixels, s.mark, s.color, (at.0 - base.0, at.1 - base.1))?;
                    }
                }
            }
        }
        root.present().map_err(super::drawing)?;
    }
    Ok(Figure {
        svg,
        width_pt: WIDTH_PT,
        height_pt,
    })
}
