//! NumPy `.npy` (format versions 1.0, 2.0, 3.0) and `.npz` archives.
//!
//! Read: 1-D and 2-D arrays in C or Fortran order; dtypes `f2`, `f4`, `f8` (each value's
//! exact binary value is kept) and `i1`..`i8`, `u1`..`u8` (exact integers), little- or
//! big-endian; 1-D structured arrays of such fields (the field names name the columns;
//! padding fields are skipped). Refused with a reason: `f16`/`f12` (`np.longdouble`,
//! whose layout depends on the machine that wrote it: x87 80-bit on x86-64, IEEE quad on
//! aarch64), complex, object, string and datetime dtypes, and arrays of 3 or more
//! dimensions.

use super::{count_cells, Cell, Format, Kind, Table, MAX_CELLS};
use crate::ReadError;
use std::io::Read;

fn bad(m: impl Into<String>) -> ReadError {
    ReadError::Npy(m.into())
}

/// A Python literal as NumPy writes in a header.
#[derive(Debug, Clone, PartialEq)]
enum Py {
    Str(String),
    Int(u64),
    Bool(bool),
    Tuple(Vec<Py>),
    List(Vec<Py>),
    Dict(Vec<(Py, Py)>),
}

/// A recursive-descent reader of the literal subset NumPy's headers use (nesting
/// bounded).
struct Lit<'a> {
    s: &'a [u8],
    i: usize,
}

impl Lit<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<Py> {
        if depth > 16 {
            return None;
        }
        self.ws();
        let c = *self.s.get(self.i)?;
        match c {
            b'\'' | b'"' => {
                self.i += 1;
                let start = self.i;
                while *self.s.get(self.i)? != c {
                    if self.s[self.i] == b'\\' {
                        return None;
                    }
                    self.i += 1;
                }
                let v = std::str::from_utf8(&self.s[start..self.i])
                    .ok()?
                    .to_string();
                self.i += 1;
                Some(Py::Str(v))
            }
            b'0'..=b'9' => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                    self.i += 1;
                }
                // `L` suffix of Python 2 headers.
                if self.s.get(self.i) == Some(&b'L') {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.i]).ok()?;
                Some(Py::Int(t.trim_end_matches('L').parse().ok()?))
            }
            b'T' if self.s[self.i..].starts_with(b"True") => {
                self.i += 4;
                Some(Py::Bool(true))
            }
            b'F' if self.s[self.i..].starts_with(b"False") => {
                self.i += 5;
                Some(Py::Bool(false))
            }
            b'(' | b'[' => {
                let close = if c == b'(' { b')' } else { b']' };
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    if self.eat(close) {
                        break;
                    }
                    items.push(self.value(depth + 1)?);
                    if !self.eat(b',') {
                        if self.eat(close) {
                            break;
                        }
                        return None;
                    }
                }
                Some(if c == b'(' {
                    Py::Tuple(items)
                } else {
                    Py::List(items)
                })
            }
            b'{' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    if self.eat(b'}') {
                        break;
                    }
                    let k = self.value(depth + 1)?;
                    if !self.eat(b':') {
                        return None;
                    }
                    let v = self.value(depth + 1)?;
                    items.push((k, v));
                    if !self.eat(b',') {
                        if self.eat(b'}') {
                            break;
                        }
                        return None;
                    }
                }
                Some(Py::Dict(items))
            }
            _ => None,
        }
    }
}

/// A scalar dtype.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scalar {
    Float {
        size: usize,
        big: bool,
    },
    Int {
        size: usize,
        big: bool,
        signed: bool,
    },
    /// Padding bytes of a structured dtype (`|V4`).
    Void(usize),
}

impl Scalar {
    fn size(self) -> usize {
        match self {
            Scalar::Float { size, .. } | Scalar::Int { size, .. } | Scalar::Void(size) => size,
        }
    }

    fn parse(descr: &str) -> Result<Scalar, ReadError> {
        let b = descr.as_bytes();
        let (big, rest) = match b.first() {
            Some(b'<') | Some(b'=') => (false, &descr[1..]),
            Some(b'>') | Some(b'!') => (true, &descr[1..]),
            Some(b'|') => (false, &descr[1..]),
            _ => (false, descr),
        };
        let kind = rest.chars().next().ok_or_else(|| bad("empty dtype"))?;
        let size: usize = rest[kind.len_utf8()..]
            .parse()
            .map_err(|_| bad(format!("dtype {} is not read", crate::quote(descr))))?;
        match (kind, size) {
            ('f', 2 | 4 | 8) => Ok(Scalar::Float { size, big }),
            ('f', 12 | 16) => Err(bad(format!(
                "dtype {} (np.longdouble) is not read: its layout depends on the machine that wrote it (x87 80-bit on x86-64, IEEE quad on aarch64); save as float64, or write the values as decimal text (CSV/JSON)",
                crate::quote(descr)
            ))),
            ('i', 1 | 2 | 4 | 8) => Ok(Scalar::Int { size, big, signed: true }),
            ('u', 1 | 2 | 4 | 8) => Ok(Scalar::Int { size, big, signed: false }),
            ('V', n) if n > 0 && n <= 1 << 20 => Ok(Scalar::Void(n)),
            ('c', _) => Err(bad(format!("complex dtype {} is not read", crate::quote(descr)))),
            _ => Err(bad(format!(
                "dtype {} is not read (floats f2/f4/f8 and integers are)",
                crate::quote(descr)
            ))),
        }
    }

    /// The cell of the `size` bytes at `b`.
    fn cell(self, b: &[u8]) -> Cell {
        let mut a = [0u8; 8];
        let n = self.size().min(8);
        a[..n].copy_from_slice(&b[..n]);
        let big = matches!(
            self,
            Scalar::Float { big: true, .. } | Scalar::Int { big: true, .. }
        );
        if big {
            a[..n].reverse();
        }
        match self {
            Scalar::Float { size: 8, .. } => Cell::binary(f64::from_le_bytes(a), Kind::F64),
            Scalar::Float { size: 4, .. } => {
                let f = f32::from_le_bytes([a[0], a[1], a[2], a[3]]);
                Cell::binary(f64::from(f), Kind::F32)
            }
            Scalar::Float { .. } => {
                Cell::binary(f16_to_f64(u16::from_le_bytes([a[0], a[1]])), Kind::F16)
            }
            Scalar::Int { size, signed, .. } => {
                let u = u64::from_le_bytes(a);
                let text = if signed {
                    let shift = 64 - 8 * size as u32;
                    (((u << shift) as i64) >> shift).to_string()
                } else {
                    u.to_string()
                };
                Cell::decimal(&text).expect("an integer is a decimal")
            }
            Scalar::Void(_) => Cell::binary(f64::NAN, Kind::F64),
        }
    }
}

/// IEEE binary16 to f64, exactly.
fn f16_to_f64(h: u16) -> f64 {
    let sign = if h >> 15 == 1 { -1.0 } else { 1.0 };
    let e = i32::from((h >> 10) & 0x1f);
    let m = f64::from(h & 0x3ff);
    sign * match e {
        0 => m * 2f64.powi(-24),
        31 if m == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1024.0 + m) * 2f64.powi(e - 25),
    }
}

/// The dtype: one scalar, or named fields (with their byte offsets).
enum Dtype {
    Plain(Scalar),
    Fields(Vec<(String, Scalar, usize)>, usize),
}

fn dtype(descr: &Py) -> Result<Dtype, ReadError> {
    match descr {
        Py::Str(s) => Ok(Dtype::Plain(Scalar::parse(s)?)),
        Py::List(fields) => {
            let mut out = Vec::new();
            let mut offset = 0usize;
            for f in fields {
                let Py::Tuple(parts) = f else {
                    return Err(bad("a structured dtype field is not a tuple"));
                };
                let (name, ty) = match parts.as_slice() {
                    [Py::Str(n), Py::Str(t)] => (n, t),
                    [Py::Str(n), _, _] => {
                        return Err(bad(format!(
                            "field {} is a sub-array: only scalar fields are read",
                            crate::quote(n)
                        )))
                    }
                    [Py::Tuple(_), _] | [Py::Str(_), Py::List(_)] => {
                        return Err(bad("nested or titled structured fields are not read"))
                    }
                    _ => return Err(bad("bad structured dtype field")),
                };
                let s = Scalar::parse(ty)?;
                if !name.is_empty() || !matches!(s, Scalar::Void(_)) {
                    if matches!(s, Scalar::Void(_)) {
                        return Err(bad(format!("field {} is raw bytes", crate::quote(name))));
                    }
                    out.push((name.clone(), s, offset));
                }
                offset = offset
                    .checked_add(s.size())
                    .ok_or_else(|| bad("record too large"))?;
            }
            Ok(Dtype::Fields(out, offset))
        }
        _ => Err(bad("descr is neither a dtype string nor a list of fields")),
    }
}

/// The parsed header and where the data starts.
struct Header {
    dtype: Dtype,
    fortran: bool,
    shape: Vec<usize>,
    data: usize,
}

/// The header dictionary and where the data starts.
fn raw_header(bytes: &[u8]) -> Result<(Vec<(Py, Py)>, usize), ReadError> {
    let major = *bytes.get(6).ok_or_else(|| bad("truncated"))?;
    let (hlen, start): (usize, usize) = match major {
        1 => {
            let b = bytes.get(8..10).ok_or_else(|| bad("truncated"))?;
            (usize::from(u16::from_le_bytes([b[0], b[1]])), 10)
        }
        2 | 3 => {
            let b = bytes.get(8..12).ok_or_else(|| bad("truncated"))?;
            (u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize, 12)
        }
        v => return Err(bad(format!("unknown format version {v}"))),
    };
    let end = start
        .checked_add(hlen)
        .filter(|&e| e <= bytes.len())
        .ok_or_else(|| bad("truncated header"))?;
    let mut lit = Lit {
        s: &bytes[start..end],
        i: 0,
    };
    match lit.value(0) {
        Some(Py::Dict(items)) => Ok((items, end)),
        _ => Err(bad("the header is not a dictionary")),
    }
}

fn lookup<'a>(items: &'a [(Py, Py)], key: &str) -> Option<&'a Py> {
    items
        .iter()
        .find(|(k, _)| matches!(k, Py::Str(s) if s == key))
        .map(|(_, v)| v)
}

fn header(bytes: &[u8]) -> Result<Header, ReadError> {
    let (items, end) = raw_header(bytes)?;
    let get = |k: &str| lookup(&items, k);
    let descr = get("descr").ok_or_else(|| bad("no descr"))?;
    let fortran = match get("fortran_order") {
        Some(Py::Bool(b)) => *b,
        _ => return Err(bad("no fortran_order")),
    };
    let shape = match get("shape") {
        Some(Py::Tuple(d)) => d
            .iter()
            .map(|x| match x {
                Py::Int(n) => usize::try_from(*n).map_err(|_| bad("shape too large")),
                _ => Err(bad("bad shape")),
            })
            .collect::<Result<Vec<usize>, _>>()?,
        _ => return Err(bad("no shape")),
    };
    Ok(Header {
        dtype: dtype(descr)?,
        fortran,
        shape,
        data: end,
    })
}

/// One array: 2-D plain (unnamed columns), 1-D plain (one unnamed column), or 1-D
/// structured (named columns).
struct Array {
    names: Option<Vec<String>>,
    rows: Vec<Vec<Cell>>,
    width: usize,
    one_d: bool,
}

fn array(bytes: &[u8]) -> Result<Array, ReadError> {
    let h = header(bytes)?;
    let data = &bytes[h.data..];
    match h.dtype {
        Dtype::Plain(s) => {
            if matches!(s, Scalar::Void(_)) {
                return Err(bad("raw-bytes dtype is not read"));
            }
            let (nrows, ncols, one_d) = match h.shape.as_slice() {
                [r, c] => (*r, *c, false),
                [r] => (*r, 1, true),
                [] => return Err(bad("a 0-d array (a scalar) is not a table")),
                d => {
                    return Err(bad(format!(
                        "a {}-d array is not a table (1-D or 2-D)",
                        d.len()
                    )))
                }
            };
            let n = nrows
                .checked_mul(ncols)
                .filter(|&n| n <= MAX_CELLS)
                .ok_or(ReadError::TooLarge)?;
            let need = n * s.size();
            if data.len() < need {
                return Err(bad(format!(
                    "{} data bytes for shape ({nrows}, {ncols}) of {}-byte values",
                    data.len(),
                    s.size()
                )));
            }
            let at = |i: usize, j: usize| {
                let k = if h.fortran {
                    j * nrows + i
                } else {
                    i * ncols + j
                };
                s.cell(&data[k * s.size()..])
            };
            let rows = (0..nrows)
                .map(|i| (0..ncols).map(|j| at(i, j)).collect())
                .collect();
            Ok(Array {
                names: None,
                rows,
                width: ncols,
                one_d,
            })
        }
        Dtype::Fields(fields, stride) => {
            let nrows = match h.shape.as_slice() {
                [r] => *r,
                _ => return Err(bad("a structured array must be 1-D")),
            };
            if fields.is_empty() {
                return Err(bad("a structured dtype with no fields"));
            }
            count_cells(nrows, fields.len())?;
            let need = nrows.checked_mul(stride).ok_or(ReadError::TooLarge)?;
            if data.len() < need {
                return Err(bad(format!(
                    "{} data bytes for {nrows} records of {stride} bytes",
                    data.len()
                )));
            }
            let rows = (0..nrows)
                .map(|i| {
                    fields
                        .iter()
                        .map(|(_, s, off)| s.cell(&data[i * stride + off..]))
                        .collect()
                })
                .collect();
            let names: Vec<String> = fields.into_iter().map(|(n, _, _)| n).collect();
            super::check_columns(&names)?;
            Ok(Array {
                width: names.len(),
                names: Some(names),
                rows,
                one_d: false,
            })
        }
    }
}

/// A `.npy` file: a plain array has no column names (see [`Table::with_names`]).
pub(super) fn read_npy(bytes: &[u8]) -> Result<Table, ReadError> {
    let a = array(bytes)?;
    Ok(Table {
        format: Format::Npy,
        metadata: Vec::new(),
        columns: a.names,
        width: a.width,
        rows: a.rows,
    })
}

/// The most bytes an archive may inflate to (zip bombs stop here).
const MAX_INFLATED: u64 = 4 << 30;

/// A `.npz` archive: each `NAME.npy` entry a 1-D array (one column, named NAME), in the
/// archive's order; or a single 2-D or structured array; metadata from `.json` entries
/// or 0-d unicode arrays.
pub(super) fn read_npz(bytes: &[u8]) -> Result<Table, ReadError> {
    let zerr = |m: String| ReadError::Npz(m);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| zerr(format!("not a readable zip archive: {e}")))?;
    let mut columns: Vec<(String, Vec<Cell>)> = Vec::new();
    let mut whole: Option<(String, Array)> = None;
    let mut metadata = Vec::new();
    let mut budget = MAX_INFLATED;
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| zerr(format!("entry {}: {e}", i + 1)))?;
        if f.is_dir() {
            continue;
        }
        let name = f.name().to_string();
        let mut buf = Vec::new();
        (&mut f)
            .take(budget + 1)
            .read_to_end(&mut buf)
            .map_err(|e| zerr(format!("entry {}: {e}", crate::quote(&name))))?;
        if buf.len() as u64 > budget {
            return Err(zerr(format!("inflates to more than {MAX_INFLATED} bytes")));
        }
        budget -= buf.len() as u64;
        if let Some(stem) = name.strip_suffix(".json") {
            let text = std::str::from_utf8(&buf)
                .map_err(|_| zerr(format!("entry {} is not UTF-8", crate::quote(&name))))?;
            metadata.extend(json_metadata(stem, text));
            continue;
        }
        let Some(stem) = name.strip_suffix(".npy") else {
            return Err(zerr(format!(
                "entry {} is neither .npy nor .json",
                crate::quote(&name)
            )));
        };
        if !buf.starts_with(b"\x93NUMPY") {
            return Err(zerr(format!("entry {} is not an NPY", crate::quote(&name))));
        }
        if let Some(text) = unicode_scalar(&buf) {
            metadata.extend(json_metadata(stem, &text));
            continue;
        }
        let a = array(&buf).map_err(|e| zerr(format!("entry {}: {e}", crate::quote(&name))))?;
        if a.one_d {
            columns.push((stem.to_string(), a.rows.into_iter().flatten().collect()));
        } else if whole.is_none() {
            whole = Some((stem.to_string(), a));
        } else {
            return Err(zerr(
                "more than one 2-D or structured array: save one 1-D array per column".into(),
            ));
        }
    }
    let (names, rows, width) = match (whole, columns.is_empty()) {
        (Some((_, a)), true) => (a.names, a.rows, a.width),
        (Some((n, _)), false) => {
            return Err(zerr(format!(
                "entry {} is 2-D beside 1-D columns: save one 1-D array per column",
                crate::quote(&n)
            )))
        }
        (None, true) => return Err(zerr("no arrays".into())),
        (None, false) => {
            let n = columns[0].1.len();
            if let Some((name, c)) = columns.iter().find(|(_, c)| c.len() != n) {
                return Err(zerr(format!(
                    "column {} has {} values, column {} has {n}",
                    crate::quote(name),
                    c.len(),
                    crate::quote(&columns[0].0)
                )));
            }
            let names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
            super::check_columns(&names)?;
            count_cells(n, names.len())?;
            let width = names.len();
            let mut iters: Vec<_> = columns.into_iter().map(|(_, c)| c.into_iter()).collect();
            let rows = (0..n)
                .map(|_| {
                    iters
                        .iter_mut()
                        .map(|it| it.next().expect("columns of equal length"))
                        .collect()
                })
                .collect();
            (Some(names), rows, width)
        }
    };
    Ok(Table {
        format: Format::Npz,
        metadata,
        columns: names,
        width,
        rows,
    })
}

/// The text of a 0-d (or one-element) unicode array (`np.savez(f, metadata="...")`).
fn unicode_scalar(bytes: &[u8]) -> Option<String> {
    let (items, data) = raw_header(bytes).ok()?;
    let get = |k: &str| lookup(&items, k);
    let Some(Py::Str(descr)) = get("descr") else {
        return None;
    };
    let (big, rest) = match descr.as_bytes().first()? {
        b'<' | b'=' | b'|' => (false, &descr[1..]),
        b'>' => (true, &descr[1..]),
        _ => (false, &descr[..]),
    };
    let n: usize = rest.strip_prefix('U')?.parse().ok()?;
    match get("shape") {
        Some(Py::Tuple(d)) if d.is_empty() || d == &[Py::Int(1)] => {}
        _ => return None,
    }
    let data = bytes.get(data..)?.get(..n.checked_mul(4)?)?;
    let s: String = data
        .chunks_exact(4)
        .map(|c| {
            let u = if big {
                u32::from_be_bytes([c[0], c[1], c[2], c[3]])
            } else {
                u32::from_le_bytes([c[0], c[1], c[2], c[3]])
            };
            char::from_u32(u).unwrap_or('\u{fffd}')
        })
        .collect();
    Some(s.trim_end_matches('\0').to_string())
}

/// Metadata from a JSON text: an object's entries (values as text), else the whole
/// text under `name`.
fn json_metadata(name: &str, text: &str) -> Vec<(String, String)> {
    if let Ok(super::Obj(items)) = serde_json::from_str::<super::Obj<'_>>(text) {
        return items
            .into_iter()
            .map(|(k, v)| {
                let s = super::jstring(v).unwrap_or_else(|| v.get().to_string());
                (k, s)
            })
            .collect();
    }
    vec![(name.to_string(), text.trim().to_string())]
}
