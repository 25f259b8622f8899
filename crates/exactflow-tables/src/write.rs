//! Writing tables as they are produced: rows go out in order, in bounded memory,
//! whatever the row count — the other direction of [`crate::read`], with the same
//! conventions.
//!
//! # The table convention (both directions)
//!
//! A table is ordered **metadata** (key/value text), **column names** and **rows** of
//! numbers (a column may hold text labels in CSV and JSON). Metadata known only once
//! the last row is computed (a working precision reached, steps taken) is the
//! **trailer**, given to [`TableWriter::finish`]; a reader sees header and trailer as
//! one list, header first.
//!
//! * **CSV**: `# key: value` lines (newlines in a value become spaces), one header line,
//!   one line per row, then the trailer's `# key: value` lines. Names and labels are
//!   quoted as RFC 4180 says when they need it.
//! * **JSON**: `{"columns": [...], "rows": [[...], ...], "metadata": {...}}` — numbers as
//!   strings (their decimal text, exactly as CSV prints them), labels as strings; the
//!   metadata object (header then trailer) comes last because the trailer is known last.
//! * **NPY**: a C-order `<f8` array of shape (rows, columns), columns in table order; no
//!   names, no metadata (the format has no place for them). The header is sized for any
//!   row count (numpy's own habit), so that a table of unknown length can be patched.
//! * **NPZ**: one 1-D `<f8` array per column, named by the column (`t.npy`, `z.npy`, …;
//!   `np.load(f)["residual"]`), in table order, then `metadata.npy`: a 0-d unicode array
//!   holding the metadata as a JSON object (`json.loads(str(f["metadata"]))`). Stored,
//!   not compressed.
//!
//! Binary cells are the nearest `f64` of each value (an exact time correctly rounded,
//! an MPFR midpoint rounded to nearest, a printed bound parsed back).
//!
//! # Memory
//!
//! Text is rendered into one reused buffer and written in blocks of [`BLOCK_BYTES`]
//! (or by [`Renderer`]s on worker threads into [`Chunk`]s of a block of rows each,
//! appended in order: the same bytes);
//! NPY streams straight through; NPZ spools each column into an unnamed temporary file
//! and assembles the archive at the end. Nothing grows with the row count.

pub mod decimal;
mod npy;
pub mod output;
mod render;

pub use decimal::Digits;
pub use output::{remove_pending_temporaries, Output, OutputError, OutputOptions};
pub use render::{Chunk, Renderer};

use decimal::Scratch;
use exactflow_core::number::Q;
use rug::Float;
use std::io::Write;
use std::path::Path;
use thiserror::Error;

/// Bytes of text gathered before each write to the output.
pub const BLOCK_BYTES: usize = 1 << 18;

/// File format of a written table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated text with `#` metadata lines.
    Csv,
    /// One JSON object.
    Json,
    /// A NumPy `.npy` 2-D array.
    Npy,
    /// A NumPy `.npz` archive of named columns.
    Npz,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::Csv, Format::Json, Format::Npy, Format::Npz];

    /// The format's name, which is also its file extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Npy => "npy",
            Format::Npz => "npz",
        }
    }

    /// The format a file name's extension names (`.csv`, `.json`, `.npy`, `.npz`, any
    /// case); `None` for any other name.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::ALL.into_iter().find(|f| f.name() == ext)
    }

    /// Whether the format holds only numbers (no labels).
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Npy | Format::Npz)
    }
}

/// What a table states before its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// Ordered metadata known before the first row.
    pub metadata: Vec<(String, String)>,
    /// Column names, in order (non-empty, distinct).
    pub columns: Vec<String>,
    /// The number of rows, when known in advance (NPY states it first; an unknown count
    /// costs a seek back, or a spool where the output cannot seek). A declared count
    /// the rows do not meet is an error ([`WriteError::RowCount`]).
    pub rows: Option<u64>,
}

/// One cell of a row, as the source has it; the writer renders it.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// A double: shortest round-trip or fixed digits ([`Digits`]).
    F64(f64),
    /// The exact non-negative rational `num/den` (`den > 0`): times of grids, rendered
    /// exactly or correctly rounded by integer arithmetic.
    Ratio {
        /// Numerator.
        num: u128,
        /// Denominator.
        den: u64,
    },
    /// An exact rational of any size.
    Exact(&'a Q),
    /// An MPFR value, rounded to nearest by MPFR's own conversion.
    Mpfr(&'a Float),
    /// A certified value `mid ± rad` — **two** columns: the midpoint rounded to the
    /// table's digits, then a bound on `|printed − exact|` (half a unit in the last
    /// printed place plus `rad`, rounded up to two digits). `rad` infinite or `mid`
    /// NaN prints `nan` in both.
    Ball {
        /// Midpoint.
        mid: &'a Float,
        /// Radius (an upper bound on `|exact − mid|`).
        rad: &'a Float,
    },
    /// Text already rendered, and its value for binary formats.
    Text {
        /// The text.
        text: &'a str,
        /// Its nearest double.
        value: f64,
    },
    /// A label (CSV and JSON only).
    Label(&'a str),
}

impl Cell<'_> {
    /// Columns the cell fills.
    pub fn width(&self) -> usize {
        match self {
            Cell::Ball { .. } => 2,
            _ => 1,
        }
    }
}

/// Why a table could not be written.
#[derive(Debug, Error)]
pub enum WriteError {
    /// The output failed (opening, writing, committing).
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A column name the format cannot hold (empty, repeated, or not a file name in
    /// NPZ).
    #[error("column name {name:?}: {why}")]
    ColumnName {
        /// The name.
        name: String,
        /// Why not.
        why: &'static str,
    },
    /// A row whose cells do not fill the columns.
    #[error("row {row} fills {found} columns, the table has {expected}")]
    Width {
        /// Row (1-based).
        row: u64,
        /// Columns filled.
        found: usize,
        /// Columns of the table.
        expected: usize,
    },
    /// A label in a binary format.
    #[error("column {column:?}: {format} holds numbers only, not the label {label:?}")]
    NotNumeric {
        /// The column.
        column: String,
        /// The format's name.
        format: &'static str,
        /// The label.
        label: String,
    },
    /// Fewer or more rows than the header declared.
    #[error("{declared} rows declared, {written} written")]
    RowCount {
        /// Declared.
        declared: u64,
        /// Written.
        written: u64,
    },
}

fn io_err(out: &Output, e: std::io::Error) -> WriteError {
    WriteError::Output(OutputError::Io {
        path: out.name().to_path_buf(),
        source: e,
    })
}

enum State {
    Csv,
    Json,
    Npy(npy::NpyState),
    Npz(npy::NpzState),
}

/// A table being written, row by row, to an [`Output`].
pub struct TableWriter {
    out: Output,
    format: Format,
    header: Header,
    state: State,
    /// Rows rendered so far (appended or in `pending`).
    rows: u64,
    /// Whether any row has reached the output (JSON: the first row has no comma).
    started: bool,
    pending: Chunk,
    renderer: Renderer,
}

/// Appends `s` as a CSV field, quoted when it needs to be: a separator, quote or line
/// break inside, blanks at either end (a reader trims unquoted fields), or a leading `#`
/// (a comment line to a CSV reader).
pub(crate) fn csv_field(s: &str, out: &mut Vec<u8>) {
    if s.contains([',', '"', '\n', '\r'])
        || s.starts_with(char::is_whitespace)
        || s.ends_with(char::is_whitespace)
        || s.starts_with('#')
    {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// Appends `# key: value` lines.
fn csv_metadata(meta: &[(String, String)], out: &mut Vec<u8>) {
    for (k, v) in meta {
        out.extend_from_slice(b"# ");
        out.extend_from_slice(k.replace(['\n', '\r'], " ").as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.replace(['\n', '\r'], " ").as_bytes());
        out.push(b'\n');
    }
}

/// Appends `s` as a JSON string.
pub(crate) fn json_string(s: &str, out: &mut Vec<u8>) {
    // serde_json's escaping of a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// The metadata as one JSON object (header, then trailer).
pub(crate) fn json_metadata(meta: &[(String, String)], out: &mut Vec<u8>) {
    out.push(b'{');
    for (i, (k, v)) in meta.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_string(k, out);
        out.push(b':');
        json_string(v, out);
    }
    out.push(b'}');
}

impl TableWriter {
    /// Starts a table: checks the column names and writes what comes before the rows.
    ///
    /// # Errors
    /// [`WriteError::ColumnName`], output errors.
    pub fn new(
        out: Output,
        format: Format,
        digits: Digits,
        header: Header,
    ) -> Result<TableWriter, WriteError> {
        for (i, c) in header.columns.iter().enumerate() {
            let bad = |why| {
                Err(WriteError::ColumnName {
                    name: c.clone(),
                    why,
                })
            };
            if c.is_empty() {
                return bad("empty");
            }
            if header.columns[..i].contains(c) {
                return bad("appears twice");
            }
            if format == Format::Npz
                && (c == "metadata" || c.contains(['/', '\\', '\0']) || c == "." || c == "..")
            {
                return bad("not a name an NPZ entry can have (`metadata` is the metadata's)");
            }
        }
        let renderer = Renderer {
            format,
            digits,
            columns: std::sync::Arc::new(header.columns.clone()),
            vals: Vec::new(),
            scratch: Scratch::default(),
        };
        let mut w = TableWriter {
            out,
            format,
            state: State::Csv,
            rows: 0,
            started: false,
            pending: Chunk {
                bytes: Vec::with_capacity(BLOCK_BYTES + 4096),
                ..Chunk::default()
            },
            renderer,
            header,
        };
        let mut head = Vec::new();
        w.state = match format {
            Format::Csv => {
                csv_metadata(&w.header.metadata, &mut head);
                for (i, c) in w.header.columns.iter().enumerate() {
                    if i > 0 {
                        head.push(b',');
                    }
                    csv_field(c, &mut head);
                }
                head.push(b'\n');
                State::Csv
            }
            Format::Json => {
                head.extend_from_slice(b"{\"columns\":[");
                for (i, c) in w.header.columns.iter().enumerate() {
                    if i > 0 {
                        head.push(b',');
                    }
                    json_string(c, &mut head);
                }
                head.extend_from_slice(b"],\"rows\":[");
                State::Json
            }
            Format::Npy => State::Npy(npy::NpyState::start(
                &mut w.out,
                w.header.rows,
                w.header.columns.len(),
            )?),
            Format::Npz => State::Npz(npy::NpzState::start(&w.out, w.header.columns.len())?),
        };
        w.out.write_all(&head).map_err(|e| io_err(&w.out, e))?;
        Ok(w)
    }

    /// A renderer of this table's rows, for [`TableWriter::append`].
    pub fn renderer(&self) -> Renderer {
        Renderer {
            scratch: Scratch::default(),
            vals: Vec::new(),
            ..self.renderer.clone()
        }
    }

    /// Appends rows rendered by a [`Renderer`] of this table, in order.
    ///
    /// # Errors
    /// Output errors.
    pub fn append(&mut self, chunk: &Chunk) -> Result<(), WriteError> {
        self.flush_pending()?;
        self.rows += chunk.rows;
        self.write_chunk(chunk)
    }

    /// The table's format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The table's column names.
    pub fn columns(&self) -> &[String] {
        &self.header.columns
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes one row.
    ///
    /// # Errors
    /// [`WriteError::Width`] when the cells do not fill the columns,
    /// [`WriteError::NotNumeric`] for a label in NPY/NPZ, output errors.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> Result<(), WriteError> {
        self.rows += 1;
        let r = self.renderer.row(cells, &mut self.pending);
        if let Err(WriteError::Width {
            found, expected, ..
        }) = r
        {
            return Err(WriteError::Width {
                row: self.rows,
                found,
                expected,
            });
        }
        r?;
        if self.pending.bytes.len() >= BLOCK_BYTES || self.pending.vals.len() >= BLOCK_BYTES / 8 {
            self.flush_pending()?;
        }
        Ok(())
    }

    fn flush_pending(&mut self) -> Result<(), WriteError> {
        if self.pending.rows == 0 && self.pending.bytes.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::take(&mut self.pending);
        let r = self.write_chunk(&chunk);
        self.pending = chunk;
        self.pending.clear();
        r
    }

    /// Writes a chunk's rows to the output.
    fn write_chunk(&mut self, chunk: &Chunk) -> Result<(), WriteError> {
        let mut bytes = &chunk.bytes[..];
        if matches!(self.state, State::Json) && !self.started && bytes.first() == Some(&b',') {
            bytes = &bytes[1..];
        }
        if chunk.rows > 0 {
            self.started = true;
        }
        if let State::Npz(z) = &mut self.state {
            let width = self.header.columns.len().max(1);
            for row in chunk.vals.chunks(width) {
                z.push_row(row).map_err(|e| io_err(&self.out, e))?;
            }
            return Ok(());
        }
        self.out.write_all(bytes).map_err(|e| io_err(&self.out, e))
    }

    /// Ends the table with the `trailer` metadata (facts known only now) and returns the
    /// output, still to be [`Output::commit`]ted — so that a command with several
    /// outputs commits them together, after all of them are complete.
    ///
    /// # Errors
    /// [`WriteError::RowCount`] when the rows written are not the count declared;
    /// output errors.
    pub fn finish(mut self, trailer: &[(String, String)]) -> Result<Output, WriteError> {
        self.flush_pending()?;
        if let Some(declared) = self.header.rows {
            if declared != self.rows {
                return Err(WriteError::RowCount {
                    declared,
                    written: self.rows,
                });
            }
        }
        let all: Vec<(String, String)> = self
            .header
            .metadata
            .iter()
            .chain(trailer)
            .cloned()
            .collect();
        let mut tail = Vec::new();
        match std::mem::replace(&mut self.state, State::Csv) {
            State::Csv => {
                csv_metadata(trailer, &mut tail);
                self.out
                    .write_all(&tail)
                    .map_err(|e| io_err(&self.out, e))?;
            }
            State::Json => {
                if self.rows > 0 {
                    tail.push(b'\n');
                }
                tail.extend_from_slice(b"],\"metadata\":");
                json_metadata(&all, &mut tail);
                tail.extend_from_slice(b"}\n");
                self.out
                    .write_all(&tail)
                    .map_err(|e| io_err(&self.out, e))?;
            }
            State::Npy(s) => s.finish(&mut self.out, self.rows)?,
            State::Npz(z) => z.finish(&mut self.out, &self.header.columns, self.rows, &all)?,
        }
        Ok(self.out)
    }

    /// [`TableWriter::finish`] then [`Output::commit`].
    ///
    /// # Errors
    /// See both.
    pub fn finish_and_commit(self, trailer: &[(String, String)]) -> Result<(), WriteError> {
        Ok(self.finish(trailer)?.commit()?)
    }
}

#[cfg(test)]
#[path = "tests/write.rs"]
mod tests;
