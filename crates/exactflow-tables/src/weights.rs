//! Initial weights in and out: the file `exactflow init` writes and `--init-file` /
//! `[init] file = "..."` read.
//!
//! A weights file is a table ([`crate::write`]'s convention) with the two columns
//! [`U0`] and [`W0`], one row per hidden unit, as float64. NPZ (`np.load(f)["u0"]`) is the
//! format of choice; CSV, JSON and a structured NPY work the same way, and a plain NPY
//! array of shape `(d, 2)` (`np.column_stack([u0, w0])`) is read as the columns `u0, w0`.
//!
//! **Exactness.** Every float is read as its exact binary value (a decimal cell as its
//! exact decimal value). A weight that is not a float64 (a Gaussian draw `σ·g` with
//! `σ = 10⁻³`, say) is written as its nearest double *and*, in the metadata entries
//! [`U0_EXACT`] / [`W0_EXACT`], as the exact rational of every entry (`p/q` text,
//! comma-separated: `[fractions.Fraction(s) for s in meta["u0_exact"].split(",")]`); in
//! CSV and JSON, whose cells read back as the decimal printed, also for a double whose
//! shortest text is another number (`0.1`'s prints as `0.1`, which reads as 1/10). A
//! reader uses the exact values when they are there and each rounds to the stored
//! double; an array changed after export (its exact entry no longer rounding to it) is
//! an error, so that a stale exact copy is never used silently.

use crate::read::{read_path, Kind, Table};
use crate::write::{Cell, Digits, Format, Header, Output, TableWriter, WriteError};
use crate::ReadError;
use exactflow_core::number::{f64_to_q_exact, parse_exact, q_to_f64_nearest, Q};
use std::path::Path;
use thiserror::Error;

/// The column of the output-layer weights.
pub const U0: &str = "u0";
/// The column of the hidden-layer weights.
pub const W0: &str = "w0";
/// Metadata entry with the exact values of `u0` (when some entry is not a double).
pub const U0_EXACT: &str = "u0_exact";
/// Metadata entry with the exact values of `w0` (when some entry is not a double).
pub const W0_EXACT: &str = "w0_exact";

/// Initial weights, exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// Output layer `u₀`.
    pub u0: Vec<Q>,
    /// Hidden layer `w₀`.
    pub w0: Vec<Q>,
}

/// Why a weights file could not be read. Entries are 0-based, as numpy indexes them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WeightsError {
    /// Not a readable table.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A plain NPY array of a shape other than `(d, 2)`.
    #[error("a plain NPY array of {width} column(s): save np.column_stack([u0, w0]) (shape (d, 2)), or an .npz with arrays u0 and w0")]
    Shape {
        /// Its number of columns.
        width: usize,
    },
    /// A required column is absent.
    #[error("has no column {column} (columns: {found}); save the arrays as u0 and w0 (np.savez(f, u0=u0, w0=w0))")]
    NoColumn {
        /// The column.
        column: &'static str,
        /// The columns it has.
        found: String,
    },
    /// No rows.
    #[error("u0 and w0 are empty (the width must be at least 1)")]
    Empty,
    /// An entry that is NaN or infinite.
    #[error("{column}[{index}] is {text}, not a finite number")]
    NotFinite {
        /// The column.
        column: &'static str,
        /// The entry.
        index: usize,
        /// Its text.
        text: String,
    },
    /// The metadata's exact values are malformed or of the wrong length.
    #[error("metadata {key}: {message}")]
    Exact {
        /// The entry.
        key: &'static str,
        /// What is wrong.
        message: String,
    },
    /// An exact value that does not round to the stored double: the array was changed
    /// after export.
    #[error("{column}[{index}] is {stored}, but the metadata's {key} gives {exact}, which does not round to it: the array was changed after export (remove {key} from the file to start from the floats)")]
    Stale {
        /// The column.
        column: &'static str,
        /// Its exact-values entry.
        key: &'static str,
        /// The entry.
        index: usize,
        /// The stored value.
        stored: String,
        /// The exact value the metadata gives.
        exact: String,
    },
}

/// Whether `q` is a double exactly (so its float64 needs no exact copy).
pub fn is_double(q: &Q) -> bool {
    f64_to_q_exact(q_to_f64_nearest(q)).is_some_and(|f| &f == q)
}

/// Whether `q`, written in `format` as its nearest double, reads back as `q` itself: in a
/// binary format when `q` is a double; in CSV and JSON, whose cells are read as the exact
/// decimal printed (the shortest text of the double), when that decimal is `q`.
fn reads_back(q: &Q, format: Format) -> bool {
    let f = q_to_f64_nearest(q);
    match format {
        Format::Csv | Format::Json => parse_exact(&format!("{f:e}")).is_ok_and(|p| &p == q),
        Format::Npy | Format::Npz => is_double(q),
    }
}

/// Reads the weights of `path` (any table [`read_path`] reads; see the module docs).
///
/// # Errors
/// [`WeightsError`], naming the column and entry.
pub fn read_weights(path: &Path) -> Result<Weights, WeightsError> {
    weights_of(read_path(path)?)
}

/// The weights of a table already read.
///
/// # Errors
/// As [`read_weights`].
pub fn weights_of(table: Table) -> Result<Weights, WeightsError> {
    let (iu, iw) = match &table.columns {
        None if table.width == 2 => (0, 1),
        None => return Err(WeightsError::Shape { width: table.width }),
        Some(cols) => {
            let find = |column: &'static str| {
                cols.iter()
                    .position(|c| c == column)
                    .ok_or_else(|| WeightsError::NoColumn {
                        column,
                        found: cols.join(", "),
                    })
            };
            (find(U0)?, find(W0)?)
        }
    };
    if table.rows.is_empty() {
        return Err(WeightsError::Empty);
    }
    let column = |k: usize, name: &'static str, key: &'static str| {
        let stored: Vec<(f64, Q)> = table
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let c = &r[k];
                let bad = || WeightsError::NotFinite {
                    column: name,
                    index: i,
                    text: c.text().into_owned(),
                };
                let q = match c.kind {
                    Kind::Decimal => parse_exact(&c.text()).map_err(|_| bad())?,
                    _ => f64_to_q_exact(c.f).ok_or_else(bad)?,
                };
                Ok((c.f, q))
            })
            .collect::<Result<_, WeightsError>>()?;
        match table.metadata.iter().find(|(k, _)| k == key) {
            None => Ok(stored.into_iter().map(|(_, q)| q).collect()),
            Some((_, text)) => exact_entries(key, name, text, &stored),
        }
    };
    Ok(Weights {
        u0: column(iu, U0, U0_EXACT)?,
        w0: column(iw, W0, W0_EXACT)?,
    })
}

/// The exact values of metadata `key`, checked against the stored doubles.
fn exact_entries(
    key: &'static str,
    column: &'static str,
    text: &str,
    stored: &[(f64, Q)],
) -> Result<Vec<Q>, WeightsError> {
    let parts: Vec<&str> = text.split(',').collect();
    if parts.len() != stored.len() {
        return Err(WeightsError::Exact {
            key,
            message: format!(
                "{} values for the {} entries of {column}",
                parts.len(),
                stored.len()
            ),
        });
    }
    parts
        .iter()
        .zip(stored)
        .enumerate()
        .map(|(i, (p, (f, _)))| {
            let q = parse_exact(p).map_err(|e| WeightsError::Exact {
                key,
                message: format!("entry {i}: {e}"),
            })?;
            if q_to_f64_nearest(&q) != *f {
                return Err(WeightsError::Stale {
                    column,
                    key,
                    index: i,
                    stored: format!("{f:e}"),
                    exact: crate::quote(p.trim()),
                });
            }
            Ok(q)
        })
        .collect()
}

/// Writes `u0`, `w0` as a weights table to `out` in `format`: the nearest double of each
/// entry, `metadata` first, then (formats with metadata) [`U0_EXACT`] / [`W0_EXACT`] for
/// a layer with an entry that would not read back exactly — not a double (NPZ), or not
/// the decimal printed for its double (CSV, JSON: a double such as `0.1`'s prints as
/// `0.1`, which reads back as 1/10). Returns the output, to be committed,
/// and whether exact values were lost (a plain NPY has no metadata).
///
/// # Errors
/// Output errors.
pub fn write_weights(
    out: Output,
    format: Format,
    mut metadata: Vec<(String, String)>,
    weights: &Weights,
) -> Result<(Output, bool), WriteError> {
    let mut lossy = false;
    for (key, v) in [(U0_EXACT, &weights.u0), (W0_EXACT, &weights.w0)] {
        if v.iter().all(|q| reads_back(q, format)) {
            continue;
        }
        if format == Format::Npy {
            lossy = true;
        } else {
            let text: Vec<String> = v.iter().map(|q| q.to_string()).collect();
            metadata.push((key.to_string(), text.join(",")));
        }
    }
    let header = Header {
        metadata,
        columns: vec![U0.to_string(), W0.to_string()],
        rows: Some(weights.u0.len() as u64),
    };
    let mut w = TableWriter::new(out, format, Digits::Shortest, header)?;
    for (u, v) in weights.u0.iter().zip(&weights.w0) {
        w.row(&[
            Cell::F64(q_to_f64_nearest(u)),
            Cell::F64(q_to_f64_nearest(v)),
        ])?;
    }
    Ok((w.finish(&[])?, lossy))
}
