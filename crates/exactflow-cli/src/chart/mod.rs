//! Figures for papers, drawn once and written as SVG, PNG or PDF.
//!
//! Every figure is laid out at its printed size (a one-column figure is 3.25 in wide) in
//! points, so a font size here is the size on paper (tick labels 7 pt, axis titles 8 pt).
//! plotters draws it as SVG with text in DejaVu Sans; the file name's extension picks the
//! output ([`FigureFormat`]):
//!
//! * `.svg` — the SVG itself: text stays text (searchable, editable), naming DejaVu Sans
//!   with `sans-serif` as the fallback of a viewer that lacks it;
//! * `.png` — rendered by resvg at 300 dpi with the bundled font;
//! * `.pdf` — converted by svg2pdf with the bundled font embedded (subset), so the PDF
//!   looks the same everywhere.
//!
//! The font (DejaVu Sans 2.37, `assets/DejaVuSans.ttf`, Bitstream Vera licence, see
//! `assets/DejaVuSans-LICENSE.txt`) is compiled into the binary: no system font is
//! needed. Colours are the Okabe–Ito palette (distinguishable with every common form of
//! colour blindness); series also differ by marker shape, so a grey-scale print keeps
//! them apart. Legends sit outside the plotting area and cover no data.

pub mod heatmap;
pub mod ticks;
pub mod trajectory;

use crate::error::CliError;
use plotters::style::RGBColor;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The bundled font.
const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// The family name figures use.
pub const FAMILY: &str = "DejaVu Sans";

/// Drawing units per point: figures are drawn this much finer than a point so that
/// plotters' integer pixel coordinates are invisible at print size.
pub const SCALE: f64 = 4.0;

/// Points per inch.
const PT_PER_IN: f64 = 72.0;

/// `pt` points in drawing units.
pub fn px(pt: f64) -> i32 {
    (pt * SCALE).round() as i32
}

/// A font of at least `pt` points (plotters' size is 1.24 times the SVG font size, and
/// some of its paths truncate it to an integer: it is rounded up to one here).
pub fn font(pt: f64) -> (&'static str, f64) {
    register();
    (FAMILY, (pt * SCALE * 1.24).ceil())
}

/// Registers the bundled font with plotters (for text metrics), once.
fn register() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        // The font is compiled in: parsing it cannot fail on a valid build.
        let _ = plotters::style::register_font(FAMILY, plotters::style::FontStyle::Normal, FONT);
    });
}

/// The Okabe–Ito palette (Okabe & Ito 2008), in its usual order; its yellow is left out
/// (too light on white for lines and markers).
pub mod palette {
    use plotters::style::RGBColor;
    /// Black.
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    /// Sky blue.
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    /// Bluish green.
    pub const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    /// Blue.
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    /// Vermillion.
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    /// Reddish purple.
    pub const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// A neutral grey (not in the eight; for "nothing happens").
    pub const GREY: RGBColor = RGBColor(187, 187, 187);
    /// Grid lines.
    pub const GRID: RGBColor = RGBColor(225, 225, 225);
}

/// `c` mixed halfway with white (a lighter shade of the same hue).
pub fn lighter(c: RGBColor) -> RGBColor {
    RGBColor(c.0 / 2 + 128, c.1 / 2 + 128, c.2 / 2 + 128)
}

/// The output a figure's file name asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureFormat {
    /// SVG, text as text.
    Svg,
    /// PNG at 300 dpi.
    Png,
    /// PDF, the font embedded.
    Pdf,
}

impl FigureFormat {
    /// The format of `path` by its extension (case-insensitive).
    ///
    /// # Errors
    /// A usage error naming `flag` for any other extension (exit 2).
    pub fn from_path(path: &Path, flag: &str) -> Result<FigureFormat, CliError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("svg") => Ok(FigureFormat::Svg),
            Some("png") => Ok(FigureFormat::Png),
            Some("pdf") => Ok(FigureFormat::Pdf),
            other => Err(CliError::usage(
                flag,
                format!(
                    "{}: the figure's format follows the file name, which must end in .svg, .png or .pdf{}",
                    path.display(),
                    match other {
                        Some(e) => format!(" (not .{e})"),
                        None => String::new(),
                    }
                ),
            )),
        }
    }
}

/// Dots per inch of PNG output.
pub const PNG_DPI: f64 = 300.0;

fn draw_err<E: std::fmt::Display>(e: E) -> CliError {
    CliError::usage("figure", format!("drawing the figure failed: {e}"))
}

/// plotters' drawing errors as a [`CliError`].
pub fn drawing<E: std::fmt::Display>(e: E) -> CliError {
    draw_err(e)
}

/// A drawn figure: plotters' SVG and the printed size.
pub struct Figure {
    /// The SVG as plotters wrote it, in drawing units.
    pub svg: String,
    /// Printed width in points.
    pub width_pt: f64,
    /// Printed height in points.
    pub height_pt: f64,
}

impl Figure {
    /// The SVG with its printed size (`width="3.25in"`) and the font fallback.
    pub fn svg_text(&self) -> String {
        let (w, h) = (px(self.width_pt), px(self.height_pt));
        let old = format!("width=\"{w}\" height=\"{h}\"");
        let new = format!(
            "width=\"{}in\" height=\"{}in\"",
            trim(self.width_pt / PT_PER_IN),
            trim(self.height_pt / PT_PER_IN)
        );
        self.svg.replacen(&old, &new, 1).replace(
            "font-family=\"DejaVu Sans\"",
            "font-family=\"DejaVu Sans, sans-serif\"",
        )
    }

    /// The figure in `format`. Deterministic: same figure, same bytes.
    ///
    /// # Errors
    /// A rendering failure (never expected on a figure drawn here).
    pub fn render(&self, format: FigureFormat) -> Result<Vec<u8>, CliError> {
        let svg = self.svg_text();
        match format {
            FigureFormat::Svg => Ok(svg.into_bytes()),
            FigureFormat::Png => {
                let tree = parse(&svg)?;
                let s = tree.size();
                let k = (PNG_DPI / 96.0) as f32;
                let (w, h) = (
                    (s.width() * k).ceil() as u32,
                    (s.height() * k).ceil() as u32,
                );
                let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h)
                    .ok_or_else(|| draw_err(format!("a {w}x{h} image")))?;
                pixmap.fill(resvg::tiny_skia::Color::WHITE);
                resvg::render(
                    &tree,
                    resvg::tiny_skia::Transform::from_scale(k, k),
                    &mut pixmap.as_mut(),
                );
                pixmap.encode_png().map_err(draw_err)
            }
            FigureFormat::Pdf => {
                let tree = parse(&svg)?;
                svg2pdf::to_pdf(
                    &tree,
                    svg2pdf::ConversionOptions::default(),
                    svg2pdf::PageOptions { dpi: 96.0 },
                )
                .map_err(draw_err)
            }
        }
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The font database of the renderers: the bundled font only.
fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family(FAMILY);
        Arc::new(db)
    })
    .clone()
}

fn parse(svg: &str) -> Result<usvg::Tree, CliError> {
    let opt = usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: fontdb(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &opt).map_err(draw_err)
}

/// Writes `fig` to `path` in the format its name asks for (atomically).
///
/// # Errors
/// As [`FigureFormat::from_path`] (exit 2) and output errors.
pub fn write(fig: &Figure, path: &Path, flag: &str) -> Result<(), CliError> {
    let format = FigureFormat::from_path(path, flag)?;
    let bytes = fig.render(format)?;
    crate::output::emit(&bytes, Some(path))
}

/// One axis of a chart: its ticks, its scale and its title. Charts are drawn on the unit
/// square; [`Axis::frac`] maps a value to its place on the axis.
#[derive(Debug, Clone)]
pub struct Axis {
    /// Range and ticks.
    pub ticks: ticks::Ticks,
    /// Logarithmic scale.
    pub log: bool,
    /// The quantity and its symbol (`"loss L"`).
    pub title: String,
}

/// The coordinates charts are drawn in: `[0, 1]` with key points at the ticks (bold:
/// labelled, light: minor), formatted by the chart's own label formatters.
#[derive(Debug, Clone)]
pub struct Unit {
    major: Vec<f64>,
    minor: Vec<f64>,
}

impl plotters::coord::ranged1d::Ranged for Unit {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        limit.0 + (f64::from(limit.1 - limit.0) * v).round() as i32
    }

    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.major.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        0.0..1.0
    }
}

impl Axis {
    /// Where `v` falls on the axis (0 at `lo`, 1 at `hi`); `None` for a value a log axis
    /// cannot show (≤ 0) or a non-finite one.
    pub fn frac(&self, v: f64) -> Option<f64> {
        let (lo, hi) = (self.ticks.lo, self.ticks.hi);
        if !v.is_finite() {
            return None;
        }
        if self.log {
            if v <= 0.0 {
                return None;
            }
            Some((v.log10() - lo.log10()) / (hi.log10() - lo.log10()))
        } else {
            Some((v - lo) / (hi - lo))
        }
    }

    /// The title, with the factor taken out of the tick labels (`"NTK Θ (×10⁻³)"`).
    pub fn full_title(&self) -> String {
        match self.ticks.multiplier {
            Some(k) => format!("{} (×{})", self.title, ticks::decade_label(k)),
            None => self.title.clone(),
        }
    }

    /// The unit range with this axis' ticks as key points (major) and light points
    /// (minor).
    pub fn range(&self) -> Unit {
        let inside = |f: &f64| (-1e-9..=1.0 + 1e-9).contains(f);
        Unit {
            major: self
                .ticks
                .major
                .iter()
                .filter_map(|v| self.frac(*v))
                .filter(inside)
                .collect(),
            minor: self
                .ticks
                .minor
                .iter()
                .filter_map(|v| self.frac(*v))
                .filter(inside)
                .collect(),
        }
    }

    /// The label of the major tick at `f` (the nearest one).
    pub fn label_at(&self, f: f64) -> String {
        self.ticks
            .major
            .iter()
            .zip(&self.ticks.labels)
            .filter_map(|(v, l)| self.frac(*v).map(|g| ((g - f).abs(), l)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    }
}

/// Tick label size (pt).
pub const TICK_PT: f64 = 7.0;
/// Axis title and legend size (pt).
pub const LABEL_PT: f64 = 8.0;
/// Figure title size (pt).
pub const TITLE_PT: f64 = 8.0;

/// Draws the frame, ticks, titles and (if `grid`) grid lines of a chart on the unit
/// square; `x_labels` false leaves the time axis of an upper panel unlabelled.
///
/// # Errors
/// A drawing failure.
pub fn mesh<DB: plotters::prelude::DrawingBackend>(
    chart: &mut plotters::prelude::ChartContext<'_, DB, plotters::prelude::Cartesian2d<Unit, Unit>>,
    x: &Axis,
    y: &Axis,
    x_labels: bool,
    grid: bool,
) -> Result<(), CliError> {
    use plotters::prelude::*;
    let (bold, light) = if grid {
        (palette::GRID, RGBColor(240, 240, 240))
    } else {
        (WHITE, WHITE)
    };
    let xl = |f: &f64| {
        if x_labels {
            x.label_at(*f)
        } else {
            String::new()
        }
    };
    let yl = |f: &f64| y.label_at(*f);
    let x_title = if x_labels {
        x.full_title()
    } else {
        String::new()
    };
    chart
        .configure_mesh()
        .bold_line_style(
            bold.mix(if grid { 1.0 } else { 0.0 })
                .stroke_width(px(0.5) as u32),
        )
        .light_line_style(
            light
                .mix(if grid { 1.0 } else { 0.0 })
                .stroke_width(px(0.4) as u32),
        )
        .axis_style(BLACK.stroke_width(px(0.6) as u32))
        .set_all_tick_mark_size(px(2.5))
        .x_label_formatter(&xl)
        .y_label_formatter(&yl)
        .x_desc(x_title)
        .y_desc(y.full_title())
        .label_style(font(TICK_PT))
        .axis_desc_style(font(LABEL_PT))
        .draw()
        .map_err(draw_err)?;
    Ok(())
}
