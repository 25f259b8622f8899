//! Reading trajectory tables: exactflow's CSV (`#` metadata lines, a header, rows), its
//! JSON (`{"metadata": {...}, "columns": [...], "rows": [[...], ...]}`, numbers as strings
//! or JSON numbers) and NumPy `.npy` (a 2-D `<f8`/`<f4` array; no column names).

use crate::TableError;
use std::path::Path;

/// One cell: its text as written (exact values are parsed from it on demand) and its
/// nearest `f64`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The text (for NPY: the shortest text that round-trips the stored double).
    pub text: String,
    /// The nearest double.
    pub f: f64,
    /// The cell *is* the double `f` (NPY): its exact value is `f`'s, not the text's.
    pub binary: bool,
}

/// A table as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// `#` metadata (CSV) or the `metadata` object (JSON), in order.
    pub metadata: Vec<(String, String)>,
    /// Column names (`None` for NPY, which stores none).
    pub columns: Option<Vec<String>>,
    /// Rows of cells, all of the same length.
    pub rows: Vec<Vec<Cell>>,
}

fn cell(text: &str) -> Option<Cell> {
    let t = text.trim();
    let f: f64 = t.parse().ok()?;
    Some(Cell {
        text: t.to_string(),
        f,
        binary: false,
    })
}

/// Reads a table, the format told by the content: the NPY magic, a leading `{` (JSON),
/// else CSV. `what` names the table in errors (`--reference`, `--candidate`).
///
/// # Errors
/// [`TableError`] naming the table and, where it applies, the line/row and column.
pub fn read_path(path: &Path, what: &str) -> Result<Table, TableError> {
    let bytes = std::fs::read(path).map_err(|e| TableError::Io {
        what: format!("{what} {}", path.display()),
        message: e.to_string(),
    })?;
    read_bytes(&bytes, what)
}

/// As [`read_path`], from bytes.
///
/// # Errors
/// See [`read_path`].
pub fn read_bytes(bytes: &[u8], what: &str) -> Result<Table, TableError> {
    if bytes.starts_with(b"\x93NUMPY") {
        return read_npy(bytes, what);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| TableError::Malformed {
        what: what.to_string(),
        message: "not UTF-8 text, JSON or NPY".into(),
    })?;
    if text.trim_start().starts_with('{') {
        read_json(text, what)
    } else {
        read_csv(text, what)
    }
}

fn malformed(what: &str, message: impl Into<String>) -> TableError {
    TableError::Malformed {
        what: what.to_string(),
        message: message.into(),
    }
}

fn check_columns(columns: &[String], what: &str) -> Result<(), TableError> {
    for (i, c) in columns.iter().enumerate() {
        if c.is_empty() {
            return Err(malformed(
                what,
                format!("column {} has an empty name", i + 1),
            ));
        }
        if columns[..i].contains(c) {
            return Err(malformed(what, format!("column {c:?} appears twice")));
        }
    }
    Ok(())
}

fn read_csv(text: &str, what: &str) -> Result<Table, TableError> {
    let mut metadata = Vec::new();
    let mut body_start = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim();
        if let Some(m) = l.strip_prefix('#') {
            if let Some((k, v)) = m.split_once(':') {
                metadata.push((k.trim().to_string(), v.trim().to_string()));
            }
            body_start += line.len();
        } else if l.is_empty() {
            body_start += line.len();
        } else {
            break;
        }
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.get(body_start..).unwrap_or("").as_bytes());
    let columns: Vec<String> = rdr
        .headers()
        .map_err(|e| malformed(what, format!("header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if columns.is_empty() || (columns.len() == 1 && columns[0].is_empty()) {
        return Err(malformed(what, "no header line"));
    }
    check_columns(&columns, what)?;
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| malformed(what, format!("row {}: {e}", i + 1)))?;
        if rec.len() != columns.len() {
            return Err(malformed(
                what,
                format!(
                    "row {} has {} fields, the header {}",
                    i + 1,
                    rec.len(),
                    columns.len()
                ),
            ));
        }
        let row = rec
            .iter()
            .zip(&columns)
            .map(|(f, c)| {
                cell(f).ok_or_else(|| {
                    malformed(
                        what,
                        format!("row {}, column {c}: {f:?} is not a number", i + 1),
                    )
                })
            })
            .collect::<Result<Vec<Cell>, TableError>>()?;
        rows.push(row);
    }
    Ok(Table {
        metadata,
        columns: Some(columns),
        rows,
    })
}

fn read_json(text: &str, what: &str) -> Result<Table, TableError> {
    use serde_json::Value as J;
    let v: J = serde_json::from_str(text).map_err(|e| malformed(what, format!("JSON: {e}")))?;
    let obj = v
        .as_object()
        .ok_or_else(|| malformed(what, "JSON: not an object"))?;
    let metadata = match obj.get("metadata") {
        Some(J::Object(m)) => m
            .iter()
            .map(|(k, v)| {
                let s = match v {
                    J::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), s)
            })
            .collect(),
        Some(_) => return Err(malformed(what, "JSON: \"metadata\" is not an object")),
        None => Vec::new(),
    };
    let columns: Vec<String> = obj
        .get("columns")
        .and_then(J::as_array)
        .ok_or_else(|| malformed(what, "JSON: no \"columns\" array"))?
        .iter()
        .map(|c| c.as_str().map(str::to_string))
        .collect::<Option<Vec<String>>>()
        .ok_or_else(|| malformed(what, "JSON: a column name is not a string"))?;
    check_columns(&columns, what)?;
    let rows_json = obj
        .get("rows")
        .and_then(J::as_array)
        .ok_or_else(|| malformed(what, "JSON: no \"rows\" array"))?;
    let mut rows = Vec::with_capacity(rows_json.len());
    for (i, r) in rows_json.iter().enumerate() {
        let r = r
            .as_array()
            .ok_or_else(|| malformed(what, format!("JSON: row {} is not an array", i + 1)))?;
        if r.len() != columns.len() {
            return Err(malformed(
                what,
                format!(
                    "row {} has {} fields, columns {}",
                    i + 1,
                    r.len(),
                    columns.len()
                ),
            ));
        }
        let row = r
            .iter()
            .zip(&columns)
            .map(|(x, c)| {
                let text = match x {
                    J::String(s) => s.clone(),
                    J::Number(n) => n.to_string(),
                    _ => String::new(),
                };
                cell(&text).ok_or_else(|| {
                    malformed(
                        what,
                        format!("row {}, column {c}: {x} is not a number", i + 1),
                    )
                })
            })
            .collect::<Result<Vec<Cell>, TableError>>()?;
        rows.push(row);
    }
    Ok(Table {
        metadata,
        columns: Some(columns),
        rows,
    })
}

fn read_npy(bytes: &[u8], what: &str) -> Result<Table, TableError> {
    let bad = |m: &str| malformed(what, format!("NPY: {m}"));
    let major = *bytes.get(6).ok_or_else(|| bad("truncated"))?;
    let (hlen, start) = match major {
        1 => {
            let b = bytes.get(8..10).ok_or_else(|| bad("truncated"))?;
            (u16::from_le_bytes([b[0], b[1]]) as usize, 10)
        }
        2 | 3 => {
            let b = bytes.get(8..12).ok_or_else(|| bad("truncated"))?;
            (u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize, 12)
        }
        _ => return Err(bad("unknown version")),
    };
    let header = bytes
        .get(start..start + hlen)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| bad("truncated header"))?;
    let field = |key: &str| -> Option<&str> {
        let i = header.find(&format!("'{key}'"))?;
        let rest = header.get(i + key.len() + 2..)?;
        let rest = rest.trim_start().strip_prefix(':')?.trim_start();
        Some(rest)
    };
    let descr = field("descr").ok_or_else(|| bad("no descr"))?;
    let width = if descr.starts_with("'<f8'") {
        8
    } else if descr.starts_with("'<f4'") {
        4
    } else {
        return Err(bad("only little-endian float64/float32 arrays are read"));
    };
    if field("fortran_order").is_some_and(|f| f.starts_with("True")) {
        return Err(bad("Fortran-order arrays are not read"));
    }
    let shape = field("shape").ok_or_else(|| bad("no shape"))?;
    let inner = shape
        .strip_prefix('(')
        .and_then(|s| s.split_once(')'))
        .map(|(s, _)| s)
        .ok_or_else(|| bad("bad shape"))?;
    let dims: Vec<usize> = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("bad shape"))?;
    let (nrows, ncols) = match dims.as_slice() {
        [r, c] => (*r, *c),
        [r] => (*r, 1),
        _ => return Err(bad("only 1-D or 2-D arrays are read")),
    };
    let data = bytes.get(start + hlen..).unwrap_or(&[]);
    let need = nrows
        .checked_mul(ncols)
        .and_then(|n| n.checked_mul(width))
        .ok_or_else(|| bad("shape too large"))?;
    if data.len() != need {
        return Err(bad(&format!(
            "{} data bytes for shape ({nrows}, {ncols}) of {width}-byte floats",
            data.len()
        )));
    }
    let rows = data
        .chunks_exact(width * ncols.max(1))
        .map(|row| {
            row.chunks_exact(width)
                .map(|c| {
                    let f = if width == 8 {
                        f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
                    } else {
                        f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64
                    };
                    Cell {
                        text: format!("{f:e}"),
                        f,
                        binary: true,
                    }
                })
                .collect()
        })
        .collect();
    Ok(Table {
        metadata: Vec::new(),
        columns: None,
        rows,
    })
}
