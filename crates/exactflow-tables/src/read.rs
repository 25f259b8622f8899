//! Reading trajectory tables, the format told by the content (never by the file name):
//!
//! * NPY (`\x93NUMPY`): C or Fortran order; `f2`/`f4`/`f8` and integer
//!   dtypes of either byte order; a structured array names its columns;
//! * NPZ (a zip archive, `PK\x03\x04`): one `.npy` entry per column, named by the entry
//!   (as `np.savez(f, t=..., z=...)` writes), and optional metadata: a `.json` entry
//!   holding an object, or a 0-d unicode array (`np.savez(f, metadata=json.dumps(m))`);
//! * JSON (first non-blank byte `{` or `[`): exactflow's `{"metadata", "columns",
//!   "rows"}`; pandas' `orient="split"` (`columns`, `data`), `orient="columns"` (its
//!   default: `{col: {index: value}}`) and `orient="records"`/polars' `write_json`
//!   (`[{col: value}, ...]`); a dict of lists (`{col: [values]}`). Numbers as JSON numbers
//!   (their text is kept exactly) or as strings; `null` is NaN;
//! * CSV otherwise: `#` metadata lines (`# key: value`), a header, one row per line,
//!   then possibly more `# key: value` lines (the writer's trailer, read as metadata);
//!   a first header field that is empty is pandas' index column (`df.to_csv(path)`) and
//!   is dropped; an empty field is NaN (pandas' `na_rep`).
//!
//! Every table is held in memory (at most [`MAX_CELLS`] cells).

mod npy;

use crate::dec::Value;
use crate::ReadError;
use std::borrow::Cow;
use std::path::Path;

/// The most cells a table may have (≈ 32 bytes each in memory).
pub const MAX_CELLS: usize = 50_000_000;

/// How a cell's exact value is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Decimal text (CSV, JSON, NPY integers): the exact value is the text's.
    Decimal,
    /// An IEEE binary16 stored in an NPY: the exact value is the double `f`.
    F16,
    /// An IEEE binary32 stored in an NPY: the exact value is the double `f`.
    F32,
    /// An IEEE binary64 stored in an NPY: the exact value is `f`.
    F64,
}

/// One cell: its nearest `f64`, how its exact value is known, and (decimal cells) its
/// text as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The nearest double (the exact value for binary cells).
    pub f: f64,
    /// Decimal or binary.
    pub kind: Kind,
    text: Option<Box<str>>,
}

impl Cell {
    /// A decimal cell from its text; `None` if [`Value::parse`] rejects it. An empty
    /// text is NaN (pandas writes NaN so).
    pub fn decimal(text: &str) -> Option<Cell> {
        let t = text.trim();
        if t.is_empty() {
            return Some(Cell {
                f: f64::NAN,
                kind: Kind::Decimal,
                text: Some("nan".into()),
            });
        }
        if !Value::is_valid(t) {
            return None;
        }
        // Rust's parse is correctly rounded for any length, and agrees with
        // `Value::parse` on the accepted syntax.
        let f: f64 = t.parse().ok()?;
        Some(Cell {
            f,
            kind: Kind::Decimal,
            text: Some(t.into()),
        })
    }

    /// A binary cell (its exact value is `f`).
    pub fn binary(f: f64, kind: Kind) -> Cell {
        Cell {
            f,
            kind,
            text: None,
        }
    }

    /// The text as written (decimal cells), or the shortest text that reads back as the
    /// stored float (binary cells).
    pub fn text(&self) -> Cow<'_, str> {
        match (&self.text, self.kind) {
            (Some(t), _) => Cow::Borrowed(t),
            (None, Kind::F32) => Cow::Owned(format!("{:e}", self.f as f32)),
            (None, _) => Cow::Owned(format!("{:e}", self.f)),
        }
    }

    /// The exact value (`None` only for decimal text beyond [`Value::parse`]'s range,
    /// which [`Cell::decimal`] already refuses).
    pub fn value(&self) -> Option<Value> {
        match &self.text {
            None => Some(Value::from_f64(self.f)),
            Some(_) if self.f.is_nan() => Some(Value::Nan),
            Some(t) => Value::parse(t),
        }
    }
}

/// The format a table was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Comma-separated text.
    #[default]
    Csv,
    /// JSON.
    Json,
    /// A NumPy `.npy` array.
    Npy,
    /// A NumPy `.npz` archive.
    Npz,
}

/// A table as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// The format it was read from.
    pub format: Format,
    /// `#` metadata (CSV), the `metadata` object (JSON, NPZ), in order.
    pub metadata: Vec<(String, String)>,
    /// Column names (`None` for a plain NPY array, which stores none).
    pub columns: Option<Vec<String>>,
    /// Number of columns (also for an unnamed table with no rows).
    pub width: usize,
    /// Rows of cells, each `width` long.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Names the columns of an unnamed table.
    ///
    /// # Errors
    /// `Err(width)` when `names` does not have one name per column.
    pub fn with_names(mut self, names: &[String]) -> Result<Table, usize> {
        if names.len() != self.width {
            return Err(self.width);
        }
        self.columns = Some(names.to_vec());
        Ok(self)
    }
}

/// Reads a table from a file, the format told by its content.
///
/// # Errors
/// [`ReadError`] naming the row and column where it applies.
pub fn read_path(path: &Path) -> Result<Table, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io(e.to_string()))?;
    read_bytes(&bytes)
}

/// As [`read_path`], from bytes.
///
/// # Errors
/// See [`read_path`].
pub fn read_bytes(bytes: &[u8]) -> Result<Table, ReadError> {
    if bytes.starts_with(b"\x93NUMPY") {
        return npy::read_npy(bytes);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return npy::read_npz(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ReadError::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match text.trim_start().as_bytes().first() {
        Some(b'{') | Some(b'[') => read_json(text),
        _ => read_csv(text),
    }
}

fn check_columns(columns: &[String]) -> Result<(), ReadError> {
    let mut seen = std::collections::HashSet::new();
    for (i, c) in columns.iter().enumerate() {
        if c.is_empty() {
            return Err(ReadError::EmptyName(i + 1));
        }
        if !seen.insert(c.as_str()) {
            return Err(ReadError::DuplicateName(c.clone()));
        }
    }
    Ok(())
}

fn count_cells(rows: usize, width: usize) -> Result<(), ReadError> {
    match rows.checked_mul(width.max(1)) {
        Some(n) if n <= MAX_CELLS => Ok(()),
        _ => Err(ReadError::TooLarge),
    }
}

fn read_csv(text: &str) -> Result<Table, ReadError> {
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
    let body = text.get(body_start..).unwrap_or("");
    // Untrimmed: a quoted name keeps its spaces (`" a"`, as the writer quotes it); an
    // unquoted one is trimmed below (`t, z` by hand). Cells are trimmed as they parse.
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::None)
        .comment(Some(b'#'))
        .from_reader(body.as_bytes());
    let header = rdr
        .headers()
        .map_err(|e| ReadError::Csv(format!("header: {e}")))?
        .clone();
    let raw_header = usize::try_from(rdr.position().byte())
        .ok()
        .and_then(|end| body.get(..end))
        .unwrap_or(body);
    let quoted = quoted_fields(raw_header);
    let mut columns: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if quoted.get(i).copied().unwrap_or(false) {
                c.to_string()
            } else {
                c.trim().to_string()
            }
        })
        .collect();
    if columns.is_empty() || (columns.len() == 1 && columns[0].is_empty()) {
        return Err(ReadError::NoHeader);
    }
    // pandas' `to_csv` writes its index as a first column with an empty name.
    let index = columns.len() > 1 && columns[0].is_empty();
    let header_width = columns.len();
    if index {
        columns.remove(0);
    }
    check_columns(&columns)?;
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| ReadError::Csv(format!("row {}: {e}", i + 1)))?;
        if rec.len() != header_width {
            return Err(ReadError::Width {
                row: i + 1,
                found: rec.len(),
                expected: header_width,
            });
        }
        count_cells(i + 1, columns.len())?;
        let row = rec
            .iter()
            .skip(usize::from(index))
            .zip(&columns)
            .map(|(f, c)| {
                Cell::decimal(f).ok_or_else(|| ReadError::NotANumber {
                    row: i + 1,
                    column: c.clone(),
                    text: f.to_string(),
                })
            })
            .collect::<Result<Vec<Cell>, ReadError>>()?;
        rows.push(row);
    }
    // Metadata known only at the end (the writer's trailer): `# key: value` lines after
    // the rows, which the CSV reader skipped as comments.
    for line in text.get(body_start..).unwrap_or("").lines().skip(1) {
        if let Some(m) = line.trim().strip_prefix('#') {
            if let Some((k, v)) = m.split_once(':') {
                metadata.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
    }
    Ok(Table {
        format: Format::Csv,
        metadata,
        width: columns.len(),
        columns: Some(columns),
        rows,
    })
}

/// Which fields of a raw CSV header line (with `"` quoting, `""` an escaped quote) are
/// quoted: their first character is `"` (as the CSV reader tells a quoted field).
fn quoted_fields(raw: &str) -> Vec<bool> {
    let mut out = Vec::new();
    let mut at_start = true;
    let mut in_quotes = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match c {
            '"' if at_start => {
                out.push(true);
                at_start = false;
                in_quotes = true;
            }
            ',' => {
                if at_start {
                    out.push(false);
                }
                at_start = true;
            }
            '\n' | '\r' => break,
            _ => {
                if at_start {
                    out.push(false);
                }
                at_start = false;
            }
        }
    }
    if at_start {
        out.push(false);
    }
    out
}

// ---- JSON ------------------------------------------------------------------------

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// A JSON object with its keys in the order written and its values raw.
struct Obj<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Obj<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Obj<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Obj<'a>, M::Error> {
                let mut v = Vec::new();
                while let Some((k, x)) = m.next_entry::<String, &'de RawValue>()? {
                    v.push((k, x));
                }
                Ok(Obj(v))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A JSON array of raw values.
struct Arr<'a>(Vec<&'a RawValue>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Arr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Arr<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut s: S) -> Result<Arr<'a>, S::Error> {
                let mut v = Vec::new();
                while let Some(x) = s.next_element::<&'de RawValue>()? {
                    v.push(x);
                }
                Ok(Arr(v))
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

fn jerr(m: impl Into<String>) -> ReadError {
    ReadError::Json(m.into())
}

fn obj<'a>(raw: &'a RawValue, what: &str) -> Result<Vec<(String, &'a RawValue)>, ReadError> {
    serde_json::from_str::<Obj<'_>>(raw.get())
        .map(|o| o.0)
        .map_err(|_| jerr(format!("{what} is not an object")))
}

fn arr<'a>(raw: &'a RawValue, what: &str) -> Result<Vec<&'a RawValue>, ReadError> {
    serde_json::from_str::<Arr<'_>>(raw.get())
        .map(|a| a.0)
        .map_err(|_| jerr(format!("{what} is not an array")))
}

fn jstring(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<String>(raw.get()).ok()
}

/// A cell from a JSON value: a number (its text exactly), a string holding a number,
/// or `null` (NaN).
fn jcell(raw: &RawValue, row: usize, column: &str) -> Result<Cell, ReadError> {
    let t = raw.get().trim();
    let bad = || ReadError::NotANumber {
        row,
        column: column.to_string(),
        text: t.to_string(),
    };
    if t == "null" {
        return Ok(Cell {
            f: f64::NAN,
            kind: Kind::Decimal,
            text: Some("nan".into()),
        });
    }
    if t.starts_with('"') {
        let s = jstring(raw).ok_or_else(bad)?;
        if s.trim().is_empty() {
            return Err(bad());
        }
        return Cell::decimal(&s).ok_or_else(bad);
    }
    if t.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) {
        return Cell::decimal(t).ok_or_else(bad);
    }
    Err(bad())
}

fn read_json(text: &str) -> Result<Table, ReadError> {
    let root: &RawValue = serde_json::from_str(text).map_err(|e| jerr(format!("{e}")))?;
    let t = root.get().trim_start();
    let mut table = if t.starts_with('[') {
        records(&arr(root, "the document")?)?
    } else {
        let o = obj(root, "the document")?;
        let get = |k: &str| o.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
        let mut table = match (get("columns"), get("rows"), get("data")) {
            (Some(c), Some(r), _) => column_rows(c, r, "rows")?,
            (Some(c), None, Some(d)) => column_rows(c, d, "data")?,
            _ => by_column(&o)?,
        };
        if let Some(m) = get("metadata").filter(|_| get("columns").is_some()) {
            table.metadata = obj(m, "\"metadata\"")?
                .into_iter()
                .map(|(k, v)| {
                    let s = jstring(v).unwrap_or_else(|| v.get().to_string());
                    (k, s)
                })
                .collect();
        }
        table
    };
    table.format = Format::Json;
    Ok(table)
}

/// `{"columns": [...], "rows"|"data": [[...], ...]}`.
fn column_rows(c: &RawValue, r: &RawValue, key: &str) -> Result<Table, ReadError> {
    let columns: Vec<String> = arr(c, "\"columns\"")?
        .into_iter()
        .map(jstring)
        .collect::<Option<_>>()
        .ok_or_else(|| jerr("a column name is not a string"))?;
    check_columns(&columns)?;
    let rows_json = arr(r, &format!("{key:?}"))?;
    count_cells(rows_json.len(), columns.len())?;
    let mut rows = Vec::with_capacity(rows_json.len());
    for (i, r) in rows_json.iter().enumerate() {
        let r = arr(r, &format!("row {}", i + 1))?;
        if r.len() != columns.len() {
            return Err(ReadError::Width {
                row: i + 1,
                found: r.len(),
                expected: columns.len(),
            });
        }
        let row = r
            .iter()
            .zip(&columns)
            .map(|(x, c)| jcell(x, i + 1, c))
            .collect::<Result<Vec<Cell>, ReadError>>()?;
        rows.push(row);
    }
    Ok(Table {
        width: columns.len(),
        columns: Some(columns),
        rows,
        ..Table::default()
    })
}

/// `[{"t": 0, "z": 1}, ...]`: the first record's keys name the columns; every record has
/// the same keys.
fn records(recs: &[&RawValue]) -> Result<Table, ReadError> {
    let mut columns: Option<Vec<String>> = None;
    let mut rows = Vec::with_capacity(recs.len());
    for (i, r) in recs.iter().enumerate() {
        let o = obj(r, &format!("record {}", i + 1))?;
        let cols = match &columns {
            Some(c) => c,
            None => {
                let c: Vec<String> = o.iter().map(|(k, _)| k.clone()).collect();
                check_columns(&c)?;
                count_cells(recs.len(), c.len())?;
                columns.insert(c)
            }
        };
        if o.len() != cols.len() {
            return Err(ReadError::Width {
                row: i + 1,
                found: o.len(),
                expected: cols.len(),
            });
        }
        let row = cols
            .iter()
            .map(|c| {
                let v = o
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| *v)
                    .ok_or_else(|| {
                        jerr(format!("record {} has no key {}", i + 1, crate::quote(c)))
                    })?;
                jcell(v, i + 1, c)
            })
            .collect::<Result<Vec<Cell>, ReadError>>()?;
        rows.push(row);
    }
    let columns = columns.unwrap_or_default();
    Ok(Table {
        width: columns.len(),
        columns: Some(columns),
        rows,
        ..Table::default()
    })
}

/// `{"t": [..], "z": [..]}` (a dict of lists) or pandas' `{"t": {"0": .., "1": ..}, ...}`
/// (rows in the first column's index order; every column has the same index).
fn by_column(o: &[(String, &RawValue)]) -> Result<Table, ReadError> {
    let columns: Vec<String> = o.iter().map(|(k, _)| k.clone()).collect();
    check_columns(&columns)?;
    if columns.is_empty() {
        return Err(jerr("an empty object: no columns"));
    }
    let mut cols: Vec<Vec<Cell>> = Vec::with_capacity(columns.len());
    let mut index: Option<Vec<String>> = None;
    for (name, v) in o {
        let t = v.get().trim_start();
        let cells: Vec<Cell> = if t.starts_with('[') {
            let a = arr(v, &format!("column {}", crate::quote(name)))?;
            count_cells(a.len(), columns.len())?;
            a.iter()
                .enumerate()
                .map(|(i, x)| jcell(x, i + 1, name))
                .collect::<Result<_, _>>()?
        } else if t.starts_with('{') {
            let m = obj(v, &format!("column {}", crate::quote(name)))?;
            count_cells(m.len(), columns.len())?;
            let keys: Vec<String> = m.iter().map(|(k, _)| k.clone()).collect();
            let order = index.get_or_insert_with(|| keys.clone());
            if order.len() != m.len() {
                return Err(jerr(format!(
                    "column {} has {} entries, the first column {}",
                    crate::quote(name),
                    m.len(),
                    order.len()
                )));
            }
            order
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    let x = m
                        .iter()
                        .find(|(kk, _)| kk == k)
                        .map(|(_, x)| *x)
                        .ok_or_else(|| {
                            jerr(format!(
                                "column {} has no index {}",
                                crate::quote(name),
                                crate::quote(k)
                            ))
                        })?;
                    jcell(x, i + 1, name)
                })
                .collect::<Result<_, _>>()?
        } else {
            return Err(jerr(format!(
                "expected {{\"columns\", \"rows\"}}, records, or columns as lists; column {} is neither a list nor an object",
                crate::quote(name)
            )));
        };
        if let Some(first) = cols.first() {
            if first.len() != cells.len() {
                return Err(jerr(format!(
                    "column {} has {} values, the first column {}",
                    crate::quote(name),
                    cells.len(),
                    first.len()
                )));
            }
        }
        cols.push(cells);
    }
    let n = cols.first().map_or(0, Vec::len);
    let mut iters: Vec<_> = cols.into_iter().map(Vec::into_iter).collect();
    let rows = (0..n)
        .map(|_| {
            iters
                .iter_mut()
                .map(|it| it.next().expect("columns of equal length"))
                .collect()
        })
        .collect();
    Ok(Table {
        width: columns.len(),
        columns: Some(columns),
        rows,
        ..Table::default()
    })
}
