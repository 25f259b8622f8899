//! exactflow-tables: reading trajectory tables and comparing them, for users who
//! regression-test their own training code against exactflow's reference tables
//! (`exactflow compare`, `docs/regression-testing.md`).
//!
//! * [`read`] — exactflow's CSV and JSON tables (and user-written ones in the same
//!   shape), NumPy `.npy` arrays;
//! * [`dec`] — the exact decimal value of every printed number;
//! * [`compare()`] — columns by name, rows by `t`, `|c − r| ≤ atol + rtol·|r|` decided
//!   exactly, the worst deviation per column.

#![warn(missing_docs)]

pub mod compare;
pub mod dec;
pub mod read;

pub use compare::{compare, ColumnReport, Deviation, Options, Report};
pub use dec::{Dec, Value};
pub use read::{read_bytes, read_path, Cell, Table};

use thiserror::Error;

/// Why a table could not be read or compared.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TableError {
    /// The file could not be read.
    #[error("{what}: {message}")]
    Io {
        /// The table (flag and path).
        what: String,
        /// The system's message.
        message: String,
    },
    /// The content is not a table of numbers.
    #[error("{what}: {message}")]
    Malformed {
        /// The table.
        what: String,
        /// What is wrong, and where.
        message: String,
    },
    /// The request does not fit the tables (a missing column, bad tolerances).
    #[error("{flag}: {message}")]
    Usage {
        /// The flag concerned.
        flag: String,
        /// What is wrong.
        message: String,
    },
}

#[cfg(test)]
#[path = "tests/tables.rs"]
mod tests;
