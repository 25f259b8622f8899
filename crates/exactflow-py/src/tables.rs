//! Tables for `compare`: Python columns (float64 arrays: binary cells, their exact value
//! the double's; lists of decimal strings: the exact value of the text) or files in the
//! CLI's formats, compared by `exactflow_tables::compare` (rows by `t`, columns by name,
//! decided exactly).

use crate::{guard, input_error};
use exactflow_tables::{
    compare as compare_tables, read_path, Cell, CompareError, Dec, Format, Kind, Options,
    ReadError, Table, Tolerance, Value,
};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

fn read_err(what: &str, e: ReadError) -> PyErr {
    input_error(what, e)
}

fn compare_err(e: CompareError) -> PyErr {
    let field = match &e {
        CompareError::Tolerance(Tolerance::Relative) => "rtol".to_string(),
        CompareError::Tolerance(Tolerance::Absolute) => "atol".to_string(),
        CompareError::Tolerance(Tolerance::Time) => "time_rtol".to_string(),
        CompareError::ColumnList(_) => "columns".to_string(),
        CompareError::NoTime(side)
        | CompareError::Times { side, .. }
        | CompareError::AmbiguousTime { side, .. }
        | CompareError::Unnamed { side, .. }
        | CompareError::NamesCount { side, .. }
        | CompareError::MissingColumn { side, .. }
        | CompareError::NotExact { side, .. } => side.to_string(),
        CompareError::NoCommonColumn => "candidate".to_string(),
    };
    input_error(&field, e)
}

fn cells_f64(x: &[f64]) -> Vec<Cell> {
    x.iter().map(|&f| Cell::binary(f, Kind::F64)).collect()
}

/// A table from `(names, columns)`: each column a float64 array or a sequence of
/// decimal strings; or from a path (CSV, JSON, NPY as the CLI writes them).
fn to_table(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Table> {
    if let Ok((names, cols)) = obj.extract::<(Vec<String>, Bound<'_, PyList>)>() {
        if names.len() != cols.len() {
            return Err(input_error(what, "as many column names as columns"));
        }
        let mut columns: Vec<Vec<Cell>> = Vec::with_capacity(cols.len());
        for (name, col) in names.iter().zip(cols.iter()) {
            let cells = if let Ok(a) = col.extract::<PyReadonlyArray1<'_, f64>>() {
                cells_f64(&a.as_array().to_vec())
            } else {
                let texts: Vec<Bound<'_, PyAny>> = col
                    .try_iter()
                    .map_err(|_| input_error(what, format!("column {name}: not a sequence")))?
                    .collect::<PyResult<_>>()?;
                texts
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let text = t.cast::<PyString>().map_err(|_| {
                            input_error(
                                what,
                                format!("column {name}, row {i}: expected a decimal string"),
                            )
                        })?;
                        let text = text.to_str()?;
                        Cell::decimal(text).ok_or_else(|| {
                            input_error(
                                what,
                                format!(
                                    "column {name}, row {}: {} is not a number",
                                    i + 1,
                                    exactflow_tables::quote(text)
                                ),
                            )
                        })
                    })
                    .collect::<PyResult<_>>()?
            };
            if let Some(first) = columns.first() {
                if first.len() != cells.len() {
                    return Err(input_error(
                        what,
                        format!(
                            "column {name} has {} rows, column {} has {}",
                            cells.len(),
                            names[0],
                            first.len()
                        ),
                    ));
                }
            }
            columns.push(cells);
        }
        let n = columns.first().map_or(0, Vec::len);
        let mut iters: Vec<_> = columns.into_iter().map(Vec::into_iter).collect();
        let rows = (0..n)
            .map(|_| {
                iters
                    .iter_mut()
                    .map(|it| it.next().expect("equal lengths checked"))
                    .collect()
            })
            .collect();
        return Ok(Table {
            format: Format::Npy,
            metadata: Vec::new(),
            width: names.len(),
            columns: Some(names),
            rows,
        });
    }
    let path: std::path::PathBuf = obj
        .extract()
        .map_err(|_| input_error(what, "expected a path or a table (names and columns)"))?;
    read_path(&path).map_err(|e| read_err(&format!("{what} {}", path.display()), e))
}

fn tolerance(field: &str, text: &str) -> PyResult<Dec> {
    match Value::parse(text) {
        Some(Value::Finite(d)) if !d.is_negative() => Ok(d),
        _ => Err(input_error(
            field,
            format!("{text:?} is not a finite number >= 0"),
        )),
    }
}

/// Compares `candidate` with `reference` (`exactflow compare`): tolerances as exact
/// decimal text, the CLI's options (`time_rtol`, `nan_equal`, `strict`,
/// `allow_extra_rows`). Returns the report as a dict.
#[pyfunction]
#[pyo3(signature = (reference, candidate, rtol, atol, columns=None, time_rtol=None, nan_equal=false, strict=false, allow_extra_rows=false))]
#[allow(clippy::too_many_arguments)]
pub fn compare<'py>(
    py: Python<'py>,
    reference: &Bound<'py, PyAny>,
    candidate: &Bound<'py, PyAny>,
    rtol: &str,
    atol: &str,
    columns: Option<Vec<String>>,
    time_rtol: Option<&str>,
    nan_equal: bool,
    strict: bool,
    allow_extra_rows: bool,
) -> PyResult<Bound<'py, PyDict>> {
    guard(|| {
        let mut opts = Options::new(tolerance("rtol", rtol)?, tolerance("atol", atol)?);
        opts.columns = columns;
        opts.time_rtol = time_rtol.map(|t| tolerance("time_rtol", t)).transpose()?;
        opts.nan_equal = nan_equal;
        opts.strict = strict;
        opts.allow_extra_rows = allow_extra_rows;
        let r = to_table(reference, "reference")?;
        let c = to_table(candidate, "candidate")?;
        let report = py
            .detach(|| compare_tables(&r, &c, &opts))
            .map_err(compare_err)?;
        let d = PyDict::new(py);
        d.set_item("passed", report.failures().is_empty())?;
        d.set_item("rows", report.rows)?;
        d.set_item("missing_rows", report.missing_rows.clone())?;
        d.set_item("extra_rows", report.extra_rows.clone())?;
        d.set_item("not_compared", report.not_compared.clone())?;
        d.set_item("extra_columns", report.extra_columns.clone())?;
        let cols = PyList::empty(py);
        for col in &report.columns {
            let cd = PyDict::new(py);
            cd.set_item("column", &col.column)?;
            cd.set_item("compared", col.compared)?;
            cd.set_item("failed", col.failed)?;
            match &col.worst {
                Some(w) => {
                    let wd = PyDict::new(py);
                    wd.set_item("column", &col.column)?;
                    wd.set_item("row", w.row)?;
                    wd.set_item("candidate_row", w.candidate_row)?;
                    wd.set_item("t", &w.t)?;
                    wd.set_item("value", &w.value)?;
                    wd.set_item("reference", &w.reference)?;
                    wd.set_item("error", w.error.to_f64())?;
                    wd.set_item("allowed", w.allowed.to_f64())?;
                    wd.set_item("error_text", w.error.to_string())?;
                    wd.set_item("allowed_text", w.allowed.to_string())?;
                    wd.set_item("ratio", w.ratio())?;
                    wd.set_item("passed", w.passed)?;
                    cd.set_item("worst", wd)?;
                }
                None => cd.set_item("worst", py.None())?,
            }
            cols.append(cd)?;
        }
        d.set_item("columns", cols)?;
        Ok(d)
    })
}

/// A table as read: `(metadata, names, float64 columns, cell texts per column)`.
pub type ReadTable<'py> = (
    Vec<(String, String)>,
    Option<Vec<String>>,
    Vec<Bound<'py, PyArray1<f64>>>,
    Vec<Vec<String>>,
);

/// Reads a table file (CSV, JSON or NPY as the CLI writes them): `(metadata, names,
/// columns)` with each column a float64 array of the cells' nearest doubles and, for
/// text formats, the cells' exact decimal text.
#[pyfunction]
pub fn read_table<'py>(py: Python<'py>, path: std::path::PathBuf) -> PyResult<ReadTable<'py>> {
    guard(|| {
        let t = read_path(&path).map_err(|e| read_err(&path.display().to_string(), e))?;
        let ncols = t.width;
        let arrays = (0..ncols)
            .map(|j| PyArray1::from_vec(py, t.rows.iter().map(|r| r[j].f).collect()))
            .collect();
        let texts = (0..ncols)
            .map(|j| t.rows.iter().map(|r| r[j].text().into_owned()).collect())
            .collect();
        Ok((t.metadata, t.columns, arrays, texts))
    })
}
