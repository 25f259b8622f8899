//! Comparing a candidate table with a reference: columns matched by name, rows by equal
//! `t`, each cell held to `|candidate − reference| ≤ atol + rtol·|reference|`, decided
//! exactly on the decimal (or binary, for NPY floats) values written in the tables.
//!
//! Nothing passes by accident: times must strictly increase in both tables (a duplicate
//! or a step back is an error naming the row); rows are matched by *equal* times (see
//! [`times_match`]) unless a relative time tolerance is given; a reference row without a
//! candidate row fails, and so does a candidate row without a reference row (unless
//! allowed); a NaN cell fails unless NaN is declared equal to NaN; an empty comparison
//! fails; with `strict`, a column only one table has fails.

use crate::dec::{approx_abs_diff, approx_sum, within, Approx, Dec, Value};
use crate::read::{Cell, Kind, Table};
use crate::{CompareError, Side, TimeFault, Tolerance};
use std::cmp::Ordering;

mod report;
pub use report::{ratio_text, ColumnReport, Deviation, Failure, Options, Report};

fn check_tolerance(d: &Dec, which: Tolerance) -> Result<(), CompareError> {
    if d.is_negative() {
        return Err(CompareError::Tolerance(which));
    }
    Ok(())
}

/// The column names of `table` (`given` names an unnamed one).
fn names(
    table: &Table,
    side: Side,
    given: Option<&Vec<String>>,
) -> Result<Vec<String>, CompareError> {
    match (&table.columns, given) {
        (Some(c), _) => Ok(c.clone()),
        (None, Some(g)) if g.len() == table.width => Ok(g.clone()),
        (None, Some(g)) => Err(CompareError::NamesCount {
            side,
            width: table.width,
            given: g.len(),
        }),
        (None, None) => Err(CompareError::Unnamed {
            side,
            width: table.width,
        }),
    }
}

fn is_value_column(c: &str) -> bool {
    c != "t" && !c.ends_with("_err")
}

/// Exact comparison of two cells' values (both finite: checked before).
fn cmp_cells(a: &Cell, b: &Cell) -> Ordering {
    if a.f != b.f {
        // Both are correctly rounded (or exact): distinct doubles order their values.
        return a.f.total_cmp(&b.f);
    }
    match (a.value(), b.value()) {
        (Some(Value::Finite(x)), Some(Value::Finite(y))) => Dec::compare_exact(&x, &y),
        _ => Ordering::Equal,
    }
}

/// Whether two times are the same: equal exact values, or values that round to the
/// same normal double — so a float64 trainer's times meet the reference's exact decimals
/// however they are printed (`np.float64(0.1)`, `"0.1"`, `"1.00000000000000006e-01"` all
/// meet `1e-1`), while `0.30000000000000004` (another double) does not meet `0.3`. Where one
/// side is a float32 of an NPY, both are rounded to float32 instead; float16 times must be
/// equal exactly. (Two reference times rounding to one double make a match ambiguous: an
/// error.)
pub fn times_match(a: &Cell, b: &Cell) -> bool {
    if cmp_cells(a, b) == Ordering::Equal {
        return true;
    }
    let narrow = |k: Kind| match k {
        Kind::F16 => 0,
        Kind::F32 => 1,
        Kind::F64 | Kind::Decimal => 2,
    };
    match narrow(a.kind).min(narrow(b.kind)) {
        2 => {
            let (x, y) = (a.f, b.f);
            x == y && x.is_normal()
        }
        1 => {
            let r = |c: &Cell| match c.kind {
                Kind::Decimal => c.text().parse::<f32>().ok(),
                _ => Some(c.f as f32),
            };
            matches!((r(a), r(b)), (Some(x), Some(y)) if x == y && x.is_normal())
        }
        _ => false,
    }
}

fn finite(c: &Cell) -> bool {
    if c.f.is_finite() {
        return true;
    }
    matches!(c.value(), Some(Value::Finite(_)))
}

/// Checks that `t` strictly increases and is finite.
fn check_times(rows: &[Vec<Cell>], t: usize, side: Side) -> Result<(), CompareError> {
    let mut prev: Option<&Cell> = None;
    for (i, row) in rows.iter().enumerate() {
        let c = &row[t];
        let fault = if !finite(c) {
            Some(TimeFault::NotFinite)
        } else {
            match prev.map(|p| cmp_cells(p, c)) {
                Some(Ordering::Equal) => Some(TimeFault::Duplicate),
                Some(Ordering::Greater) => Some(TimeFault::Decreasing),
                _ => None,
            }
        };
        if let Some(fault) = fault {
            return Err(CompareError::Times {
                side,
                row: i + 1,
                t: c.text().into_owned(),
                fault,
            });
        }
        prev = Some(c);
    }
    Ok(())
}

/// The exact tolerances and their doubles (for the fast pre-test).
struct Tol<'a> {
    rtol: &'a Dec,
    atol: &'a Dec,
    rtol_f: f64,
    atol_f: f64,
    nan_equal: bool,
}

/// The verdict on one cell, and its error and allowance as doubles where the fast
/// pre-test decided it (`None`: compute them exactly).
struct Verdict {
    passed: bool,
    approx: Option<(f64, f64)>,
}

fn cell_verdict(
    c: &Cell,
    r: &Cell,
    tol: &Tol<'_>,
    side_rows: (usize, usize),
    column: &str,
) -> Result<Verdict, CompareError> {
    let (cf, rf) = (c.f, r.f);
    if cf.is_nan() || rf.is_nan() {
        return Ok(Verdict {
            passed: tol.nan_equal && cf.is_nan() && rf.is_nan(),
            approx: None,
        });
    }
    // Equal values pass whatever the tolerance: the same text (decimal cells), or the
    // same double (binary cells; ±0 alike).
    let same = match (c.kind, r.kind) {
        (Kind::Decimal, Kind::Decimal) => c.text() == r.text(),
        (Kind::Decimal, _) | (_, Kind::Decimal) => false,
        _ => cf == rf,
    };
    if same {
        return Ok(Verdict {
            passed: true,
            approx: Some((0.0, tol.atol_f + tol.rtol_f * rf.abs())),
        });
    }
    // Fast pre-test where every double is normal (or zero) and the verdict is far from
    // the boundary: their rounding (half an ulp each, so ≤ 2^-53·(|c| + |r|) for the
    // difference, a few ulps relative for the allowance) cannot change it.
    let normal = |x: f64| x == 0.0 || (x.abs() >= 1e-290 && x.is_finite());
    let rel_f = tol.rtol_f * rf.abs();
    let allowed_f = tol.atol_f + rel_f;
    if normal(cf)
        && normal(rf)
        && normal(tol.rtol_f)
        && normal(tol.atol_f)
        && normal(rel_f)
        && allowed_f.is_finite()
        && allowed_f >= 1e-290
    {
        let err_f = (cf - rf).abs();
        let slack = 2.3e-16 * (cf.abs() + rf.abs());
        if err_f + slack <= allowed_f * (1.0 - 1e-12) {
            return Ok(Verdict {
                passed: true,
                approx: Some((err_f, allowed_f)),
            });
        }
        if err_f - slack > allowed_f * (1.0 + 1e-12) {
            return Ok(Verdict {
                passed: false,
                approx: Some((err_f, allowed_f)),
            });
        }
    }
    let exact = |cell: &Cell, side: Side, row: usize| {
        cell.value().ok_or_else(|| CompareError::NotExact {
            side,
            row,
            column: column.to_string(),
            text: cell.text().into_owned(),
        })
    };
    let passed = match (
        exact(c, Side::Candidate, side_rows.1)?,
        exact(r, Side::Reference, side_rows.0)?,
    ) {
        (Value::Finite(a), Value::Finite(b)) => within(&a, &b, tol.rtol, tol.atol),
        (Value::Inf(a), Value::Inf(b)) => a == b,
        (Value::Nan, Value::Nan) => tol.nan_equal,
        _ => false,
    };
    Ok(Verdict {
        passed,
        approx: None,
    })
}

/// A column's running tally.
struct Work {
    compared: usize,
    failed: usize,
    worst: Option<((f64, f64), Deviation)>,
}

/// Error and allowance of a cell, to 16 digits, of any magnitude.
fn exact_deviation(c: &Cell, r: &Cell, tol: &Tol<'_>) -> (Approx, Approx) {
    let rv = r.value();
    let allowed = match &rv {
        Some(Value::Finite(b)) => approx_sum(&[tol.atol.clone(), Dec::mul(tol.rtol, &b.abs())]),
        _ => Approx::INF,
    };
    let error = match (c.value(), rv) {
        (Some(Value::Finite(a)), Some(Value::Finite(b))) => approx_abs_diff(&a, &b),
        (Some(Value::Inf(a)), Some(Value::Inf(b))) if a == b => Approx::ZERO,
        (Some(Value::Nan), Some(Value::Nan)) if tol.nan_equal => Approx::ZERO,
        _ => Approx::INF,
    };
    (error, allowed)
}

/// Checks the tolerances and the column list of `opts`.
fn check_options(opts: &Options) -> Result<(), CompareError> {
    check_tolerance(&opts.rtol, Tolerance::Relative)?;
    check_tolerance(&opts.atol, Tolerance::Absolute)?;
    if let Some(t) = &opts.time_rtol {
        check_tolerance(t, Tolerance::Time)?;
    }
    let Some(list) = &opts.columns else {
        return Ok(());
    };
    if list.is_empty() {
        return Err(CompareError::ColumnList("empty".into()));
    }
    for (i, c) in list.iter().enumerate() {
        if c.is_empty() {
            return Err(CompareError::ColumnList(format!("name {} is empty", i + 1)));
        }
        if list[..i].contains(c) {
            return Err(CompareError::ColumnList(format!(
                "{} appears twice",
                crate::quote(c)
            )));
        }
    }
    Ok(())
}

/// Which columns are compared: the time columns of both tables, each compared column
/// with its index in the reference and in the candidate, and the value columns only one
/// table has.
struct Plan {
    rt: usize,
    ct: usize,
    cols: Vec<(String, usize, usize)>,
    not_compared: Vec<String>,
    extra_columns: Vec<String>,
}

fn plan(reference: &Table, candidate: &Table, opts: &Options) -> Result<Plan, CompareError> {
    let given = opts.columns.as_ref();
    let rnames = names(reference, Side::Reference, given)?;
    let cnames = names(candidate, Side::Candidate, given)?;
    let find = |names: &[String], c: &str| names.iter().position(|n| n == c);
    let rt = find(&rnames, "t").ok_or(CompareError::NoTime(Side::Reference))?;
    let ct = find(&cnames, "t").ok_or(CompareError::NoTime(Side::Candidate))?;
    let only_in = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter()
            .filter(|c| is_value_column(c) && find(b, c).is_none())
            .cloned()
            .collect()
    };
    let not_compared = only_in(&rnames, &cnames);
    let extra_columns = only_in(&cnames, &rnames);
    let cols: Vec<(String, usize, usize)> = match given {
        Some(list) => list
            .iter()
            .filter(|c| c.as_str() != "t")
            .map(|c| {
                let missing = |side| CompareError::MissingColumn {
                    side,
                    column: c.clone(),
                };
                let r = find(&rnames, c).ok_or_else(|| missing(Side::Reference))?;
                let k = find(&cnames, c).ok_or_else(|| missing(Side::Candidate))?;
                Ok((c.clone(), r, k))
            })
            .collect::<Result<_, CompareError>>()?,
        None => rnames
            .iter()
            .enumerate()
            .filter(|(_, c)| is_value_column(c))
            .filter_map(|(r, c)| find(&cnames, c).map(|k| (c.clone(), r, k)))
            .collect(),
    };
    if cols.is_empty() {
        return Err(CompareError::NoCommonColumn);
    }
    Ok(Plan {
        rt,
        ct,
        cols,
        not_compared,
        extra_columns,
    })
}

impl Work {
    /// Counts one cell's verdict and keeps it if it is the column's worst so far: failing
    /// before passing, then the larger error/allowed, then (where nothing is allowed) the
    /// larger error.
    fn record(
        &mut self,
        v: &Verdict,
        cells: (&Cell, &Cell, &Cell),
        rows: (usize, usize),
        tol: &Tol<'_>,
    ) {
        let (tr, rc, cc) = cells;
        self.compared += 1;
        if !v.passed {
            self.failed += 1;
        }
        let (key, exact) = match v.approx {
            Some((e, a)) => ((e / a, e.log10()), None),
            None => {
                let (e, a) = exact_deviation(cc, rc, tol);
                ((e.ratio(a), e.log10()), Some((e, a)))
            }
        };
        let replace = match &self.worst {
            None => true,
            Some((wkey, w)) => (w.passed && !v.passed) || (w.passed == v.passed && key > *wkey),
        };
        if !replace {
            return;
        }
        let (error, allowed) = exact.unwrap_or_else(|| {
            let (e, a) = v
                .approx
                .expect("a verdict without an exact deviation has the f64 one");
            (Approx::from_f64(e), Approx::from_f64(a))
        });
        self.worst = Some((
            key,
            Deviation {
                row: rows.0,
                candidate_row: rows.1,
                t: tr.text().into_owned(),
                value: cc.text().into_owned(),
                reference: rc.text().into_owned(),
                error,
                allowed,
                passed: v.passed,
            },
        ));
    }
}

/// Compares `candidate` with `reference` (see the module's rules).
///
/// # Errors
/// [`CompareError`]: a negative tolerance, a bad column list, no `t`, times that do
/// not strictly increase, unnamed columns without names, a requested column one table
/// lacks, no common value column, a time matching two rows under a time tolerance.
pub fn compare(
    reference: &Table,
    candidate: &Table,
    opts: &Options,
) -> Result<Report, CompareError> {
    check_options(opts)?;
    let Plan {
        rt,
        ct,
        cols,
        not_compared,
        extra_columns,
    } = plan(reference, candidate, opts)?;
    check_times(&reference.rows, rt, Side::Reference)?;
    check_times(&candidate.rows, ct, Side::Candidate)?;

    let tol = Tol {
        rtol: &opts.rtol,
        atol: &opts.atol,
        rtol_f: opts.rtol.to_f64(),
        atol_f: opts.atol.to_f64(),
        nan_equal: opts.nan_equal,
    };
    let matches = |r: &Cell, c: &Cell| match &opts.time_rtol {
        None => times_match(r, c),
        Some(tr) => match (r.value(), c.value()) {
            (Some(Value::Finite(a)), Some(Value::Finite(b))) => within(&b, &a, tr, &Dec::zero()),
            _ => false,
        },
    };
    let mut work: Vec<Work> = cols
        .iter()
        .map(|_| Work {
            compared: 0,
            failed: 0,
            worst: None,
        })
        .collect();
    let mut report = Report {
        not_compared,
        extra_columns,
        strict: opts.strict,
        allow_extra_rows: opts.allow_extra_rows,
        ..Report::default()
    };
    let (rrows, crows) = (&reference.rows, &candidate.rows);
    let (mut i, mut j) = (0, 0);
    while i < rrows.len() || j < crows.len() {
        let (Some(rrow), Some(crow)) = (rrows.get(i), crows.get(j)) else {
            if let Some(rrow) = rrows.get(i) {
                report.missing_rows.push(rrow[rt].text().into_owned());
                i += 1;
            } else {
                report.extra_rows.push(crows[j][ct].text().into_owned());
                j += 1;
            }
            continue;
        };
        let (tr, tc) = (&rrow[rt], &crow[ct]);
        if !matches(tr, tc) {
            if cmp_cells(tr, tc) == Ordering::Less {
                report.missing_rows.push(tr.text().into_owned());
                i += 1;
            } else {
                report.extra_rows.push(tc.text().into_owned());
                j += 1;
            }
            continue;
        }
        // A match other than exact equality must be the only one either way.
        if cmp_cells(tr, tc) != Ordering::Equal {
            if rrows.get(i + 1).is_some_and(|next| matches(&next[rt], tc)) {
                return Err(CompareError::AmbiguousTime {
                    side: Side::Candidate,
                    row: j + 1,
                    t: tc.text().into_owned(),
                });
            }
            if crows.get(j + 1).is_some_and(|next| matches(tr, &next[ct])) {
                return Err(CompareError::AmbiguousTime {
                    side: Side::Reference,
                    row: i + 1,
                    t: tr.text().into_owned(),
                });
            }
        }
        report.rows += 1;
        for ((name, r, k), col) in cols.iter().zip(work.iter_mut()) {
            let (rc, cc) = (&rrow[*r], &crow[*k]);
            let v = cell_verdict(cc, rc, &tol, (i + 1, j + 1), name)?;
            col.record(&v, (tr, rc, cc), (i + 1, j + 1), &tol);
        }
        i += 1;
        j += 1;
    }
    report.columns = cols
        .into_iter()
        .zip(work)
        .map(|((column, _, _), w)| ColumnReport {
            column,
            compared: w.compared,
            failed: w.failed,
            worst: w.worst.map(|(_, d)| d),
        })
        .collect();
    Ok(report)
}
