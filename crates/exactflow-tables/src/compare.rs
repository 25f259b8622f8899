//! Comparing a candidate table with a reference: columns matched by name, rows by `t`,
//! each cell held to `|candidate − reference| ≤ atol + rtol·|reference|`, decided
//! exactly on the decimal (or binary, for NPY) values written in the tables.

use crate::dec::{within, Dec, Value};
use crate::read::{Cell, Table};
use crate::TableError;

/// Rows are matched by exactly equal `t`, or else by the nearest `t` within this
/// relative distance (a candidate written as `0.1·i` in floating point still meets the
/// reference's exact `t`).
pub const T_MATCH_RTOL: f64 = 1e-9;

/// What to compare and how strictly.
#[derive(Debug, Clone)]
pub struct Options {
    /// Relative tolerance (exact decimal, ≥ 0).
    pub rtol: Dec,
    /// Absolute tolerance (exact decimal, ≥ 0).
    pub atol: Dec,
    /// Columns to compare (default: every value column both tables have, except `t` and
    /// the `<name>_err` bound columns).
    pub columns: Option<Vec<String>>,
}

/// One compared cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Deviation {
    /// Column name.
    pub column: String,
    /// Row of the reference (1-based, data rows only).
    pub row: usize,
    /// `t` of that row, as the reference writes it.
    pub t: String,
    /// Candidate's text.
    pub value: String,
    /// Reference's text.
    pub reference: String,
    /// `|value − reference|` (nearest double; NaN for mismatched specials).
    pub error: f64,
    /// `atol + rtol·|reference|` (nearest double).
    pub allowed: f64,
    /// Whether the cell is within tolerance (decided exactly).
    pub passed: bool,
}

impl Deviation {
    /// `error / allowed` (∞ where nothing is allowed and something differs).
    pub fn ratio(&self) -> f64 {
        if self.error == 0.0 {
            0.0
        } else if self.error.is_nan() {
            f64::INFINITY
        } else {
            self.error / self.allowed
        }
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
    /// The cell with the largest `error/allowed` (a failing one if any fails).
    pub worst: Option<Deviation>,
}

/// The comparison's result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// One entry per compared column, in the reference's order.
    pub columns: Vec<ColumnReport>,
    /// Reference rows (their `t`) with no candidate row.
    pub missing_rows: Vec<String>,
    /// Reference value columns not compared (absent from the candidate).
    pub not_compared: Vec<String>,
    /// Rows compared.
    pub rows: usize,
}

impl Report {
    /// Whether every compared cell is within tolerance and every reference row matched.
    pub fn passed(&self) -> bool {
        self.missing_rows.is_empty() && self.columns.iter().all(|c| c.failed == 0)
    }
}

fn exact(c: &Cell) -> Option<Value> {
    if c.binary {
        Some(Value::from_f64(c.f))
    } else {
        Value::parse(&c.text)
    }
}

/// Compares one cell; `None` when a cell's text is not an exact number.
fn cell_within(c: &Cell, r: &Cell, opts: &Options, tol_f: (f64, f64)) -> Option<(bool, f64, f64)> {
    let (rtol_f, atol_f) = tol_f;
    let (cf, rf) = (c.f, r.f);
    let allowed_f = atol_f + rtol_f * rf.abs();
    if cf.is_nan() || rf.is_nan() {
        return Some((cf.is_nan() && rf.is_nan(), f64::NAN, allowed_f));
    }
    let err_f = (cf - rf).abs();
    // Fast pre-test where both doubles are normal and far from the boundary: their
    // rounding (half an ulp each, so ≤ 2^-53·(|c| + |r|)) and that of the test itself
    // cannot change the verdict.
    let normal = |x: f64| x == 0.0 || (x.abs() >= 1e-290 && x.is_finite());
    if normal(cf) && normal(rf) && allowed_f.is_finite() && allowed_f >= 1e-290 {
        let slack = 2.3e-16 * (cf.abs() + rf.abs());
        if err_f + slack <= allowed_f * (1.0 - 1e-12) {
            return Some((true, err_f, allowed_f));
        }
        if err_f - slack > allowed_f * (1.0 + 1e-12) {
            return Some((false, err_f, allowed_f));
        }
    }
    let verdict = match (exact(c)?, exact(r)?) {
        (Value::Finite(a), Value::Finite(b)) => within(&a, &b, &opts.rtol, &opts.atol),
        (Value::Inf(a), Value::Inf(b)) => a == b,
        _ => false,
    };
    Some((verdict, err_f, allowed_f))
}

/// Column names of `table`, or (NPY) those of `other` when the widths agree — `other`'s
/// columns, or those without the `<name>_err` bounds (an NPY of `solve --certify`'s
/// values, or a plain table beside a certified one).
fn names(table: &Table, other: &Table, what: &str) -> Result<Vec<String>, TableError> {
    if let Some(c) = &table.columns {
        return Ok(c.clone());
    }
    let width = table.rows.first().map_or(0, Vec::len);
    match &other.columns {
        Some(c) => {
            let values: Vec<String> = c.iter().filter(|n| !n.ends_with("_err")).cloned().collect();
            if c.len() == width || table.rows.is_empty() {
                Ok(c.clone())
            } else if values.len() == width {
                Ok(values)
            } else {
                Err(TableError::Malformed {
                    what: what.to_string(),
                    message: format!(
                        "NPY has {width} columns and no names; the other table has {} ({} without the _err bounds)",
                        c.len(),
                        values.len()
                    ),
                })
            }
        }
        None => Err(TableError::Usage {
            flag: what.to_string(),
            message: "both tables are NPY (no column names): give one as CSV or JSON".into(),
        }),
    }
}

/// Compares `candidate` with `reference`.
///
/// # Errors
/// [`TableError::Usage`] for a requested column one table lacks, no `t` column, no
/// common value column, or bad tolerances; [`TableError::Malformed`] for a cell whose
/// text is not an exact number.
pub fn compare(reference: &Table, candidate: &Table, opts: &Options) -> Result<Report, TableError> {
    if opts.rtol.mantissa.sign() == num_bigint::Sign::Minus {
        return Err(TableError::Usage {
            flag: "--rtol".into(),
            message: "must be ≥ 0".into(),
        });
    }
    if opts.atol.mantissa.sign() == num_bigint::Sign::Minus {
        return Err(TableError::Usage {
            flag: "--atol".into(),
            message: "must be ≥ 0".into(),
        });
    }
    let rnames = &names(reference, candidate, "--reference")?;
    let cnames = &names(candidate, reference, "--candidate")?;
    let find = |names: &[String], c: &str| names.iter().position(|n| n == c);
    let (rt, ct) = match (find(rnames, "t"), find(cnames, "t")) {
        (Some(a), Some(b)) => (a, b),
        (None, _) => {
            return Err(TableError::Usage {
                flag: "--reference".into(),
                message: "no column \"t\"".into(),
            })
        }
        (_, None) => {
            return Err(TableError::Usage {
                flag: "--candidate".into(),
                message: "no column \"t\"".into(),
            })
        }
    };
    let mut not_compared = Vec::new();
    let cols: Vec<(String, usize, usize)> = match &opts.columns {
        Some(list) => list
            .iter()
            .filter(|c| c.as_str() != "t")
            .map(|c| {
                let r = find(rnames, c).ok_or_else(|| TableError::Usage {
                    flag: "--columns".into(),
                    message: format!("the reference has no column {c:?}"),
                })?;
                let k = find(cnames, c).ok_or_else(|| TableError::Usage {
                    flag: "--columns".into(),
                    message: format!("the candidate has no column {c:?}"),
                })?;
                Ok((c.clone(), r, k))
            })
            .collect::<Result<_, TableError>>()?,
        None => {
            let mut v = Vec::new();
            for (r, c) in rnames.iter().enumerate() {
                if c == "t" || c.ends_with("_err") {
                    continue;
                }
                match find(cnames, c) {
                    Some(k) => v.push((c.clone(), r, k)),
                    None => not_compared.push(c.clone()),
                }
            }
            v
        }
    };
    if cols.is_empty() {
        return Err(TableError::Usage {
            flag: "--columns".into(),
            message: "no value column common to both tables".into(),
        });
    }
    // Candidate rows by t: exact text-equal first, else nearest double within T_MATCH_RTOL.
    let mut by_t: Vec<(f64, usize)> = candidate
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, row)| row.get(ct).map(|c| (c.f, i)))
        .collect();
    by_t.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let tol_f = (opts.rtol.to_f64(), opts.atol.to_f64());
    let mut report = Report {
        columns: cols
            .iter()
            .map(|(name, _, _)| ColumnReport {
                column: name.clone(),
                compared: 0,
                failed: 0,
                worst: None,
            })
            .collect(),
        not_compared,
        ..Report::default()
    };
    for (ri, rrow) in reference.rows.iter().enumerate() {
        let Some(tcell) = rrow.get(rt) else { continue };
        let t = tcell.f;
        let pos = by_t.partition_point(|(x, _)| *x < t);
        let near = [pos.checked_sub(1), Some(pos)]
            .into_iter()
            .flatten()
            .filter_map(|p| by_t.get(p))
            .filter(|(x, _)| (x - t).abs() <= T_MATCH_RTOL * t.abs().max(f64::MIN_POSITIVE))
            .min_by(|a, b| (a.0 - t).abs().total_cmp(&(b.0 - t).abs()));
        let Some(&(_, ci)) = near else {
            report.missing_rows.push(tcell.text.clone());
            continue;
        };
        let Some(crow) = candidate.rows.get(ci) else {
            continue;
        };
        report.rows += 1;
        for ((name, r, k), col) in cols.iter().zip(report.columns.iter_mut()) {
            let (Some(rc), Some(cc)) = (rrow.get(*r), crow.get(*k)) else {
                continue;
            };
            let (passed, error, allowed) =
                cell_within(cc, rc, opts, tol_f).ok_or_else(|| TableError::Malformed {
                    what: "table".into(),
                    message: format!("row {}, column {name}: not an exact number", ri + 1),
                })?;
            col.compared += 1;
            let d = Deviation {
                column: name.clone(),
                row: ri + 1,
                t: tcell.text.clone(),
                value: cc.text.clone(),
                reference: rc.text.clone(),
                error,
                allowed,
                passed,
            };
            if !passed {
                col.failed += 1;
            }
            let replace = match &col.worst {
                None => true,
                Some(w) => (w.passed && !passed) || (w.passed == passed && d.ratio() > w.ratio()),
            };
            if replace {
                col.worst = Some(d);
            }
        }
    }
    Ok(report)
}
