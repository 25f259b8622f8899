//! Rendering rows into [`Chunk`]s detached from the output, so that blocks of rows can be
//! rendered on several threads and appended in order by
//! [`TableWriter::append`](super::TableWriter::append).

use super::decimal::{self, Digits, Scratch};
use super::{csv_field, json_string, Cell, Format, WriteError};
use exactflow_core::number::q_to_f64_nearest;
use rug::Float;

/// Rows rendered by a [`Renderer`] (on any thread), to be appended in order by
/// [`TableWriter::append`](super::TableWriter::append).
#[derive(Debug, Default)]
pub struct Chunk {
    /// Text rows (CSV, JSON: each JSON row with a leading comma) or NPY bytes.
    pub(super) bytes: Vec<u8>,
    /// NPZ: the rows' values, row-major.
    pub(super) vals: Vec<f64>,
    pub(super) rows: u64,
}

impl Chunk {
    /// An empty chunk.
    pub fn new() -> Chunk {
        Chunk::default()
    }

    /// Rows it holds.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub(super) fn clear(&mut self) {
        self.bytes.clear();
        self.vals.clear();
        self.rows = 0;
    }
}

/// Renders rows of one table into [`Chunk`]s — what [`TableWriter::row`](super::TableWriter::row) does, detached
/// from the output so that several threads can render blocks of rows at once (each with
/// its own renderer, a cheap clone of
/// [`TableWriter::renderer`](super::TableWriter::renderer)).
#[derive(Debug, Clone)]
pub struct Renderer {
    pub(super) format: Format,
    pub(super) digits: Digits,
    pub(super) columns: std::sync::Arc<Vec<String>>,
    pub(super) vals: Vec<f64>,
    pub(super) scratch: Scratch,
}

impl Renderer {
    /// Renders one row into `chunk`.
    ///
    /// # Errors
    /// [`WriteError::Width`] (its row counted within the chunk),
    /// [`WriteError::NotNumeric`].
    pub fn row(&mut self, cells: &[Cell<'_>], chunk: &mut Chunk) -> Result<(), WriteError> {
        let width: usize = cells.iter().map(Cell::width).sum();
        if width != self.columns.len() {
            return Err(WriteError::Width {
                row: chunk.rows + 1,
                found: width,
                expected: self.columns.len(),
            });
        }
        let (digits, s, buf) = (self.digits, &mut self.scratch, &mut chunk.bytes);
        match self.format {
            Format::Csv => {
                for (i, c) in cells.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    text_cell(c, digits, s, buf, Mode::Csv);
                }
                buf.push(b'\n');
            }
            Format::Json => {
                buf.extend_from_slice(b",\n[");
                for (i, c) in cells.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    buf.push(b'"');
                    text_cell(c, digits, s, buf, Mode::Json);
                    buf.push(b'"');
                }
                buf.push(b']');
            }
            Format::Npy | Format::Npz => {
                self.vals.clear();
                for c in cells {
                    match *c {
                        Cell::Label(l) => {
                            return Err(WriteError::NotNumeric {
                                column: self.columns[self.vals.len()].clone(),
                                format: self.format.name(),
                                label: l.to_string(),
                            })
                        }
                        Cell::Ball { mid, rad } => {
                            let (m, e) = ball_values(mid, rad, digits, s);
                            self.vals.push(m);
                            self.vals.push(e);
                        }
                        ref c => self.vals.push(binary_value(c)),
                    }
                }
                if self.format == Format::Npz {
                    chunk.vals.extend_from_slice(&self.vals);
                } else {
                    for v in &self.vals {
                        buf.extend_from_slice(&v.to_le_bytes());
                    }
                }
            }
        }
        chunk.rows += 1;
        Ok(())
    }
}

/// The nearest double of a one-column cell (labels excepted).
fn binary_value(c: &Cell<'_>) -> f64 {
    match *c {
        Cell::F64(x) => x,
        Cell::Ratio { num, den } => decimal::ratio_to_f64(num, den),
        Cell::Exact(q) => q_to_f64_nearest(q),
        Cell::Mpfr(x) => x.to_f64(),
        Cell::Text { value, .. } => value,
        Cell::Ball { mid, .. } => mid.to_f64(),
        Cell::Label(_) => f64::NAN,
    }
}

/// Whether a ball carries no information.
fn ball_is_nan(mid: &Float, rad: &Float) -> bool {
    mid.is_nan() || !rad.is_finite()
}

/// The two binary values of a ball: its midpoint's nearest double, and its printed
/// bound read back.
fn ball_values(mid: &Float, rad: &Float, digits: Digits, s: &mut Scratch) -> (f64, f64) {
    if ball_is_nan(mid, rad) {
        return (f64::NAN, f64::NAN);
    }
    let mut text = Vec::new();
    let e = ball_texts(mid, rad, digits, s, &mut text, b"");
    let err = std::str::from_utf8(&text[e..])
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(f64::NAN);
    (mid.to_f64(), err)
}

/// Appends a ball's two texts separated by `sep`; returns where the bound starts.
fn ball_texts(
    mid: &Float,
    rad: &Float,
    digits: Digits,
    s: &mut Scratch,
    out: &mut Vec<u8>,
    sep: &[u8],
) -> usize {
    if ball_is_nan(mid, rad) {
        out.extend_from_slice(b"nan");
        out.extend_from_slice(sep);
        let e = out.len();
        out.extend_from_slice(b"nan");
        return e;
    }
    let exp = decimal::mpfr_text(mid, digits, s, out);
    out.extend_from_slice(sep);
    let e = out.len();
    let n = match digits {
        Digits::Fixed(k) => k.max(1),
        Digits::Shortest => 1 + (mid.prec() as f64 * std::f64::consts::LOG10_2).ceil() as usize,
    };
    let bound = decimal::ball_error_cached(exp, n, rad, s);
    decimal::bound_up(&bound, s, out);
    e
}

/// Where a cell's text goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Csv,
    /// Inside a JSON string.
    Json,
}

/// Appends a cell's text (a ball's two texts as two fields).
fn text_cell(c: &Cell<'_>, digits: Digits, s: &mut Scratch, out: &mut Vec<u8>, mode: Mode) {
    match *c {
        Cell::F64(x) => decimal::f64_text(x, digits, out),
        Cell::Ratio { num, den } => decimal::ratio_text(num, den, digits, s, out),
        Cell::Exact(q) => decimal::exact_text(q, digits, s, out),
        Cell::Mpfr(x) => {
            decimal::mpfr_text(x, digits, s, out);
        }
        Cell::Ball { mid, rad } => {
            let sep: &[u8] = if mode == Mode::Csv { b"," } else { b"\",\"" };
            ball_texts(mid, rad, digits, s, out, sep);
        }
        Cell::Text { text, .. } => out.extend_from_slice(text.as_bytes()),
        Cell::Label(l) => match mode {
            Mode::Csv => csv_field(l, out),
            Mode::Json => {
                let mut q = Vec::new();
                json_string(l, &mut q);
                out.extend_from_slice(&q[1..q.len() - 1]);
            }
        },
    }
}
