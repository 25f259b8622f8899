//! What a comparison is asked ([`Options`]) and what it found ([`Report`]): typed data
//! that the CLI and the Python binding render.

use crate::dec::{Approx, Dec};

/// What to compare and how strictly.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Relative tolerance (exact decimal, ≥ 0).
    pub rtol: Dec,
    /// Absolute tolerance (exact decimal, ≥ 0).
    pub atol: Dec,
    /// The columns to compare (besides `t`). Default: every value column both tables
    /// have, except `t` and the `<name>_err` bound columns. A table without names (a
    /// plain NPY array) takes this list as its column names, which must then name every
    /// one of its columns in order.
    pub columns: Option<Vec<String>>,
    /// A NaN cell passes against a NaN cell (default: every NaN cell fails).
    pub nan_equal: bool,
    /// A column only one of the tables has fails the comparison (default: listed only).
    pub strict: bool,
    /// A candidate row whose `t` the reference lacks is listed but does not fail.
    pub allow_extra_rows: bool,
    /// Rows match when `|t_c − t_r| ≤ time_rtol·|t_r|` (decided exactly), instead of
    /// by equal times; a time matching two rows is an error.
    pub time_rtol: Option<Dec>,
}

impl Options {
    /// The given tolerances; everything else strict by default (exact times, NaN fails,
    /// extra rows fail, extra columns listed).
    pub fn new(rtol: Dec, atol: Dec) -> Options {
        Options {
            rtol,
            atol,
            columns: None,
            nan_equal: false,
            strict: false,
            allow_extra_rows: false,
            time_rtol: None,
        }
    }
}

/// One compared cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Deviation {
    /// Row of the reference (1-based, data rows only).
    pub row: usize,
    /// Row of the candidate (1-based).
    pub candidate_row: usize,
    /// `t` of that row, as the reference writes it.
    pub t: String,
    /// The candidate's value (its text, or the shortest text of its binary value).
    pub value: String,
    /// The reference's value.
    pub reference: String,
    /// `|value − reference|`, to 16 digits, of any magnitude (∞ for a NaN or infinity
    /// that does not match).
    pub error: Approx,
    /// `atol + rtol·|reference|`, to 16 digits.
    pub allowed: Approx,
    /// Whether the cell is within tolerance (decided exactly).
    pub passed: bool,
}

impl Deviation {
    /// `error / allowed` (∞ where something differs and nothing is allowed).
    pub fn ratio(&self) -> f64 {
        self.error.ratio(self.allowed)
    }
}

/// Per-column summary.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnReport {
    /// Column name.
    pub column: String,
    /// Cells compared.
    pub compared: usize,
    /// Cells out of tolerance.
    pub failed: usize,
    /// The cell with the largest `error/allowed` (a failing one if any fails; ties keep
    /// the first).
    pub worst: Option<Deviation>,
}

/// The comparison's result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// One entry per compared column, in the reference's order (or the requested one).
    pub columns: Vec<ColumnReport>,
    /// Rows compared (pairs of rows with matching `t`).
    pub rows: usize,
    /// Reference rows (their `t`) with no candidate row: each fails.
    pub missing_rows: Vec<String>,
    /// Candidate rows (their `t`) with no reference row: each fails unless allowed.
    pub extra_rows: Vec<String>,
    /// Reference value columns the candidate lacks (not compared).
    pub not_compared: Vec<String>,
    /// Candidate value columns the reference lacks (not compared).
    pub extra_columns: Vec<String>,
    /// Whether extra candidate rows were allowed.
    pub allow_extra_rows: bool,
    /// Whether a column only one table has fails.
    pub strict: bool,
}

/// Why a comparison failed (in the report's order).
#[derive(Debug, Clone, PartialEq)]
pub enum Failure<'a> {
    /// A column with cells out of tolerance.
    Column(&'a ColumnReport),
    /// Reference rows without a candidate row.
    MissingRows(&'a [String]),
    /// Candidate rows without a reference row.
    ExtraRows(&'a [String]),
    /// (strict) Candidate columns the reference lacks.
    ExtraColumns(&'a [String]),
    /// (strict) Reference columns the candidate lacks.
    NotCompared(&'a [String]),
    /// No row was compared.
    Empty,
}

impl Report {
    /// Everything that makes the comparison fail (empty: it passed).
    pub fn failures(&self) -> Vec<Failure<'_>> {
        let mut f: Vec<Failure<'_>> = self
            .columns
            .iter()
            .filter(|c| c.failed > 0)
            .map(Failure::Column)
            .collect();
        if !self.missing_rows.is_empty() {
            f.push(Failure::MissingRows(&self.missing_rows));
        }
        if !self.extra_rows.is_empty() && !self.allow_extra_rows {
            f.push(Failure::ExtraRows(&self.extra_rows));
        }
        if self.strict && !self.extra_columns.is_empty() {
            f.push(Failure::ExtraColumns(&self.extra_columns));
        }
        if self.strict && !self.not_compared.is_empty() {
            f.push(Failure::NotCompared(&self.not_compared));
        }
        if self.rows == 0 {
            f.push(Failure::Empty);
        }
        f
    }

    /// Whether the comparison passed: every compared cell within tolerance, every row
    /// matched (extra candidate rows only if allowed), at least one row compared, and
    /// (strict) both tables with the same value columns.
    pub fn passed(&self) -> bool {
        self.failures().is_empty()
    }

    /// The report as JSON (`exactflow compare --format json`; the Python binding's
    /// dict): `passed`, `rows_compared`, `columns` (each `column`, `compared`, `failed`,
    /// `passed`, `worst` = {`row`, `candidate_row`, `t`, `value`, `reference`, `error`,
    /// `allowed`, `ratio`, `passed`}, with `error`, `allowed` and `ratio` as decimal
    /// strings since they may lie beyond a double's range), `missing_rows`,
    /// `extra_rows`, `not_compared`, `extra_columns`, `strict`, `allow_extra_rows`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let cols: Vec<serde_json::Value> = self
            .columns
            .iter()
            .map(|c| {
                let worst = c.worst.as_ref().map(|w| {
                    json!({
                        "row": w.row,
                        "candidate_row": w.candidate_row,
                        "t": w.t,
                        "value": w.value,
                        "reference": w.reference,
                        "error": w.error.to_string(),
                        "allowed": w.allowed.to_string(),
                        "ratio": ratio_text(w.ratio()),
                        "passed": w.passed,
                    })
                });
                json!({
                    "column": c.column,
                    "compared": c.compared,
                    "failed": c.failed,
                    "passed": c.failed == 0,
                    "worst": worst,
                })
            })
            .collect();
        json!({
            "passed": self.passed(),
            "rows_compared": self.rows,
            "columns": cols,
            "missing_rows": self.missing_rows,
            "extra_rows": self.extra_rows,
            "not_compared": self.not_compared,
            "extra_columns": self.extra_columns,
            "strict": self.strict,
            "allow_extra_rows": self.allow_extra_rows,
        })
    }
}

/// `error/allowed` as text: 4 significant digits, `inf` where nothing was allowed.
pub fn ratio_text(r: f64) -> String {
    if r.is_infinite() {
        "inf".into()
    } else if r == 0.0 {
        "0".into()
    } else {
        format!("{r:.3e}")
    }
}
