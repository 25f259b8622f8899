//! exactflow-tables: reading trajectory tables and comparing them, for users who
//! regression-test their own training code against exactflow's reference tables
//! (`exactflow compare`, `docs/regression-testing.md`).
//!
//! * [`read`] — CSV (exactflow's, pandas', polars'), JSON (exactflow's object, records,
//!   pandas' `split`/`columns` orients, a dict of lists), NumPy `.npy` (C or Fortran
//!   order, float16/32/64 and integers of either byte order, structured arrays with
//!   named fields) and `.npz` (one named 1-D array per column, as `np.savez` and
//!   `np.savez_compressed` write them);
//! * [`dec`] — the exact decimal value of every printed number, and exact decisions
//!   whose cost is bounded by the digits written, never by the exponents;
//! * [`weights`] — initial weights in and out (`exactflow init`, `--init-file`);
//! * [`provenance`] — the metadata keys that state a table's scenario, and reading the
//!   scenario back from them (`--scenario-from`);
//! * [`compare()`] — columns by name, rows by exactly equal `t`, `|c − r| ≤ atol +
//!   rtol·|r|` decided exactly, the worst deviation per column, a typed [`Report`].
//!
//! Errors are typed ([`ReadError`], [`CompareError`]) and name the table [`Side`], the
//! row and the column — never a command-line flag: the CLI and the Python binding map
//! them to their own words.

#![warn(missing_docs)]

pub mod compare;
pub mod dec;
pub mod provenance;
pub mod read;
pub mod weights;
pub mod write;

pub use compare::{compare, ColumnReport, Deviation, Failure, Options, Report};
pub use dec::{Approx, Dec, Value};
pub use read::{read_bytes, read_path, Cell, Format, Kind, Table};
pub use write::{Digits, Header, Output, TableWriter, WriteError};

use thiserror::Error;

/// Which of the two compared tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The trusted table (exactflow's).
    Reference,
    /// The table under test (the user's).
    Candidate,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Reference => "reference",
            Side::Candidate => "candidate",
        })
    }
}

/// `text` for a message: as is up to 40 characters, else its first 32 and its length
/// (a 351-digit number is not worth quoting whole).
pub fn quote(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(32).collect();
    format!("{head:?}… ({} characters)", text.chars().count())
}

/// Why a table could not be read. Rows are 1-based data rows (the header and metadata
/// lines not counted); columns are named where the table names them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReadError {
    /// The file could not be read.
    #[error("{0}")]
    Io(String),
    /// Neither UTF-8 text (CSV, JSON) nor NPY/NPZ.
    #[error("not a table: neither UTF-8 text (CSV, JSON) nor NPY/NPZ")]
    NotText,
    /// CSV structure (header, quoting).
    #[error("CSV: {0}")]
    Csv(String),
    /// JSON structure.
    #[error("JSON: {0}")]
    Json(String),
    /// NPY structure or dtype.
    #[error("NPY: {0}")]
    Npy(String),
    /// NPZ (zip) structure.
    #[error("NPZ: {0}")]
    Npz(String),
    /// A row with the wrong number of fields.
    #[error("row {row} has {found} fields, the header {expected}")]
    Width {
        /// Row (1-based).
        row: usize,
        /// Fields found.
        found: usize,
        /// Fields the header has.
        expected: usize,
    },
    /// A cell that is not a number.
    #[error("row {row}, column {column}: {} is not a number", quote(.text))]
    NotANumber {
        /// Row (1-based).
        row: usize,
        /// Column name.
        column: String,
        /// The cell's text.
        text: String,
    },
    /// A column without a name (other than a leading pandas index column).
    #[error("column {0} has an empty name")]
    EmptyName(usize),
    /// Two columns of one name.
    #[error("column {} appears twice", quote(.0))]
    DuplicateName(String),
    /// No header line (an empty CSV).
    #[error("no header line")]
    NoHeader,
    /// More cells than [`read::MAX_CELLS`].
    #[error("more than {max} cells (the most a table may have)", max = read::MAX_CELLS)]
    TooLarge,
}

/// Which tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerance {
    /// Relative (`rtol`).
    Relative,
    /// Absolute (`atol`).
    Absolute,
    /// Relative tolerance on `t` when matching rows (`time_rtol`).
    Time,
}

/// How a table's `t` column breaks the rule that times strictly increase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFault {
    /// The same time as the previous row.
    Duplicate,
    /// Smaller than the previous row's.
    Decreasing,
    /// NaN or ±∞.
    NotFinite,
}

/// Why two tables could not be compared (usage or input errors: the CLI exits 2).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CompareError {
    /// A tolerance below zero (or not finite).
    #[error("{0:?} tolerance must be a finite number ≥ 0")]
    Tolerance(Tolerance),
    /// The requested column list is empty, or has an empty or repeated name.
    #[error("column list: {0}")]
    ColumnList(String),
    /// A table has no column `t`.
    #[error("the {0} has no column \"t\"")]
    NoTime(Side),
    /// Times do not strictly increase (or are not finite).
    #[error("the {side}'s t at row {row} ({}): {}", quote(.t), match .fault {
        TimeFault::Duplicate => "the same time as the row before (times must strictly increase)",
        TimeFault::Decreasing => "smaller than the row before (times must strictly increase)",
        TimeFault::NotFinite => "not a finite time",
    })]
    Times {
        /// The table.
        side: Side,
        /// Row (1-based).
        row: usize,
        /// Its `t` as written.
        t: String,
        /// What is wrong.
        fault: TimeFault,
    },
    /// One row's `t` matches two rows of the other table (rounding to one double, or
    /// within the time tolerance).
    #[error("the {side}'s t at row {row} ({}) matches two rows of the other table (times that round to one double, or within the time tolerance)", quote(.t))]
    AmbiguousTime {
        /// The table whose row matches twice.
        side: Side,
        /// Row (1-based).
        row: usize,
        /// Its `t`.
        t: String,
    },
    /// A table without column names (a plain NPY) and no names given for it.
    #[error(
        "the {side} has {width} unnamed columns (a plain NPY array): name every column, in order"
    )]
    Unnamed {
        /// The table.
        side: Side,
        /// Its number of columns.
        width: usize,
    },
    /// The names given for an unnamed table do not match its width.
    #[error("the {side} has {width} unnamed columns, but {given} names were given")]
    NamesCount {
        /// The table.
        side: Side,
        /// Its number of columns.
        width: usize,
        /// Names given.
        given: usize,
    },
    /// A requested column one table lacks.
    #[error("the {side} has no column {}", quote(.column))]
    MissingColumn {
        /// The table.
        side: Side,
        /// The column.
        column: String,
    },
    /// No value column in common.
    #[error("no value column common to both tables")]
    NoCommonColumn,
    /// A cell that is not an exact number.
    #[error("the {side}'s row {row}, column {column}: {} is not an exact number", quote(.text))]
    NotExact {
        /// The table.
        side: Side,
        /// Row (1-based).
        row: usize,
        /// Column.
        column: String,
        /// Its text.
        text: String,
    },
}

#[cfg(test)]
#[path = "tests/tables.rs"]
mod tests;
