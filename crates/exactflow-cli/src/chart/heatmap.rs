//! The categorical heatmap of `exactflow phase`: one coloured cell per sweep cell, the
//! categories listed in a legend below the map.

use super::ticks::{linear_ticks, log_ticks_inside};
use super::{font, mesh, palette, px, Axis, Figure, LABEL_PT, TITLE_PT};
use crate::error::CliError;
use plotters::prelude::*;

/// One axis of a heatmap: the swept values (cell centres, increasing) and their scale.
#[derive(Debug, Clone)]
pub struct HeatAxis {
    /// The quantity and its symbol.
    pub title: String,
    /// The values of the cells, in order.
    pub values: Vec<f64>,
    /// Geometric spacing (drawn on a log scale).
    pub log: bool,
}

impl HeatAxis {
    /// The cell boundaries: midpoints between values (geometric on a log axis), the
    /// outer ones half a step beyond the ends.
    fn edges(&self) -> Vec<f64> {
        let v = &self.values;
        let log = self.log && v.iter().all(|x| *x > 0.0);
        type Map = fn(f64) -> f64;
        let (fwd, back): (Map, Map) = if log {
            (f64::ln, f64::exp)
        } else {
            (|x| x, |x| x)
        };
        let t: Vec<f64> = v.iter().map(|x| fwd(*x)).collect();
        let mut e = Vec::with_capacity(t.len() + 1);
        match t.len() {
            0 => return vec![0.0, 1.0],
            1 => {
                let h = if log {
                    0.5 * std::f64::consts::LN_10
                } else {
                    0.5f64.max(0.1 * t[0].abs())
                };
                return vec![back(t[0] - h), back(t[0] + h)];
            }
            n => {
                e.push(t[0] - 0.5 * (t[1] - t[0]));
                for k in 1..n {
                    e.push(0.5 * (t[k - 1] + t[k]));
                }
                e.push(t[n - 1] + 0.5 * (t[n - 1] - t[n - 2]));
            }
        }
        e.into_iter().map(back).collect()
    }

    fn axis(&self, edges: &[f64]) -> Axis {
        let (lo, hi) = (edges[0], edges[edges.len() - 1]);
        let log = self.log && lo > 0.0;
        Axis {
            ticks: if log {
                log_ticks_inside(lo, hi, 6)
            } else {
                // Edges of distinct cells differ: the range is used as it is.
                linear_ticks(lo, hi, 0.0, 6)
            },
            log,
            title: self.title.clone(),
        }
    }
}

/// Printed width (pt): one column.
const WIDTH_PT: f64 = 234.0;

/// Width (pt) of `text` in the legend's font.
fn text_width(text: &str) -> f64 {
    let mut probe = String::new();
    let area = SVGBackend::with_string(&mut probe, (10, 10)).into_drawing_area();
    area.estimate_text_size(text, &TextStyle::from(font(LABEL_PT)))
        .map(|(w, _)| f64::from(w) / super::SCALE)
        .unwrap_or(5.0 * text.chars().count() as f64)
}

/// A categorical heatmap: `cells[j·nx + i]` is the category (index into `cats`, each a
/// name and a colour) of column `i`, row `j`. Runs of equal categories in a row are one
/// rectangle (large grids stay small); the legend below lists the categories present.
///
/// # Errors
/// A drawing failure.
pub fn heatmap(
    x: &HeatAxis,
    y: &HeatAxis,
    cats: &[(String, RGBColor)],
    cells: &[usize],
    title: &str,
) -> Result<Figure, CliError> {
    let (nx, ny) = (x.values.len(), y.values.len());
    let (xe, ye) = (x.edges(), y.edges());
    let (xa, ya) = (x.axis(&xe), y.axis(&ye));
    let present: Vec<usize> = (0..cats.len()).filter(|k| cells.contains(k)).collect();
    let title_pt = if title.is_empty() { 6.0 } else { 18.0 };
    // One row when every entry fits on it, else two columns filled row by row.
    let entry_w = |name: &str| 11.0 + text_width(name) + 10.0;
    let one_row = 6.0 + present.iter().map(|k| entry_w(&cats[*k].0)).sum::<f64>() <= WIDTH_PT;
    let legend_rows = if one_row {
        1
    } else {
        present.len().div_ceil(2)
    };
    let legend_pt = 6.0 + 11.0 * legend_rows as f64;
    let plot_pt = 165.0;
    let bottom_pt = 27.0;
    let height_pt = title_pt + plot_pt + bottom_pt + legend_pt;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (px(WIDTH_PT) as u32, px(height_pt) as u32))
            .into_drawing_area();
        root.fill(&WHITE).map_err(super::drawing)?;
        let (top, rest) = root.split_vertically(px(title_pt));
        if !title.is_empty() {
            top.draw_text(
                title,
                &TextStyle::from(font(TITLE_PT)).color(&BLACK),
                (px(4.0), px(3.0)),
            )
            .map_err(super::drawing)?;
        }
        let (plot, legend) = rest.split_vertically(px(plot_pt + bottom_pt));
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(px(12.0))
            .x_label_area_size(px(bottom_pt))
            .y_label_area_size(px(42.0))
            .build_cartesian_2d(xa.range(), ya.range())
            .map_err(super::drawing)?;
        let fx: Vec<f64> = xe.iter().map(|v| xa.frac(*v).unwrap_or(0.0)).collect();
        let fy: Vec<f64> = ye.iter().map(|v| ya.frac(*v).unwrap_or(0.0)).collect();
        // Neighbouring cells overlap by one drawing unit (a quarter point), so that no
        // renderer's anti-aliasing shows a seam between them.
        let (pw, ph) = chart.plotting_area().dim_in_pixel();
        let (ex, ey) = (1.0 / f64::from(pw.max(1)), 1.0 / f64::from(ph.max(1)));
        for (k, (_, color)) in cats.iter().enumerate() {
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
                        [
                            (fx[start], fy[j]),
                            ((fx[i] + ex).min(1.0), (fy[j + 1] + ey).min(1.0)),
                        ],
                        color.filled(),
                    ));
                }
            }
            chart.draw_series(rects).map_err(super::drawing)?;
        }
        mesh(&mut chart, &xa, &ya, true, false)?;
        // The legend: two columns of swatches below the map.
        let col_w = (WIDTH_PT - 8.0) / 2.0;
        let mut x_row = 6.0;
        for (n, k) in present.iter().enumerate() {
            let (name, color) = &cats[*k];
            let (x0, y0) = if one_row {
                let x0 = x_row;
                x_row += entry_w(name);
                (x0, 3.0)
            } else {
                (6.0 + col_w * (n % 2) as f64, 3.0 + 11.0 * (n / 2) as f64)
            };
            legend
                .draw(&Rectangle::new(
                    [(px(x0), px(y0)), (px(x0 + 8.0), px(y0 + 7.0))],
                    color.filled(),
                ))
                .map_err(super::drawing)?;
            legend
                .draw(&Rectangle::new(
                    [(px(x0), px(y0)), (px(x0 + 8.0), px(y0 + 7.0))],
                    palette::BLACK.stroke_width(px(0.3).max(1) as u32),
                ))
                .map_err(super::drawing)?;
            legend
                .draw_text(
                    name,
                    &TextStyle::from(font(LABEL_PT)).color(&BLACK),
                    (px(x0 + 11.0), px(y0 - 0.5)),
                )
                .map_err(super::drawing)?;
        }
        root.present().map_err(super::drawing)?;
    }
    Ok(Figure {
        svg,
        width_pt: WIDTH_PT,
        height_pt,
    })
}
