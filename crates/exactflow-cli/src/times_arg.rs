//! The time points of `solve` (and, as lists, `simulate`): `--times T1,T2,...`,
//! `--grid T0:T1:N` (uniform), `--grid T0:T1:log:N` (geometric) and `--times-file F`
//! (one time per line, or an NPY vector of floats) — parsed into
//! `exactflow_core::times` axes, or streamed from the file in two passes (the first
//! validates and counts, the second feeds the rows), so that no axis is held whole.

use crate::error::CliError;
use exactflow_core::number::{parse_exact, Q};
use exactflow_core::times::{TimePoint, Times, TimesError, MAX_POINTS};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

fn times_error(flag: &str, e: TimesError) -> CliError {
    CliError::usage(flag, e.to_string())
}

/// Parses `--times T1,T2,...` (exact numbers ≥ 0).
///
/// # Errors
/// The first bad entry, named `--times[i]` (exit 2).
pub fn parse_list(text: &str) -> Result<Times, CliError> {
    let mut out = Vec::new();
    for (i, part) in text.split(',').enumerate() {
        let t = parse_exact(part)
            .map_err(|e| CliError::usage(&format!("--times[{i}]"), e.to_string()))?;
        if t < Q::from_integer(0.into()) {
            return Err(CliError::usage(
                &format!("--times[{i}]"),
                format!("time must be >= 0, got {}", part.trim()),
            ));
        }
        out.push(t);
        if out.len() as u64 > MAX_POINTS {
            return Err(CliError::usage(
                "--times",
                format!("more than {MAX_POINTS} time points"),
            ));
        }
    }
    Times::list(out).map_err(|e| times_error("--times", e))
}

/// Parses `--grid T0:T1:N` (uniform) or `--grid T0:T1:log:N` (geometric).
///
/// # Errors
/// A malformed grid, named `--grid` (exit 2).
pub fn parse_grid(text: &str) -> Result<Times, CliError> {
    let bad = || {
        CliError::usage(
            "--grid",
            format!("expected T0:T1:N or T0:T1:log:N (for example 0:10:101, 1e-3:1e3:log:61), got {text:?}"),
        )
    };
    let parts: Vec<&str> = text.split(':').collect();
    let (t0, t1, log, n) = match parts.as_slice() {
        [a, b, n] => (a, b, false, n),
        [a, b, l, n] if l.trim() == "log" => (a, b, true, n),
        _ => return Err(bad()),
    };
    let t0 = parse_exact(t0).map_err(|e| CliError::usage("--grid", format!("T0: {e}")))?;
    let t1 = parse_exact(t1).map_err(|e| CliError::usage("--grid", format!("T1: {e}")))?;
    let n: u64 = n.trim().parse().map_err(|_| {
        CliError::usage(
            "--grid",
            format!("N must be a positive integer, got {:?}", n.trim()),
        )
    })?;
    if n == 0 || n > MAX_POINTS {
        return Err(CliError::usage(
            "--grid",
            format!("N must be between 1 and {MAX_POINTS}, got {n}"),
        ));
    }
    let zero = Q::from_integer(0.into());
    if t0 < zero {
        return Err(CliError::usage("--grid", "T0 must be >= 0"));
    }
    if t1 < t0 {
        return Err(CliError::usage("--grid", "T1 must be >= T0"));
    }
    if log {
        Times::geometric(&t0, &t1, n)
    } else {
        Times::uniform(&t0, &t1, n)
    }
    .map_err(|e| times_error("--grid", e))
}

/// The element type of an NPY times vector.
#[derive(Debug, Clone, Copy)]
enum Dtype {
    F8 { big: bool },
    F4 { big: bool },
}

impl Dtype {
    fn size(self) -> usize {
        match self {
            Dtype::F8 { .. } => 8,
            Dtype::F4 { .. } => 4,
        }
    }

    fn value(self, b: &[u8]) -> f64 {
        match self {
            Dtype::F8 { big } => {
                let a: [u8; 8] = b.try_into().unwrap_or([0; 8]);
                if big {
                    f64::from_be_bytes(a)
                } else {
                    f64::from_le_bytes(a)
                }
            }
            Dtype::F4 { big } => {
                let a: [u8; 4] = b.try_into().unwrap_or([0; 4]);
                (if big {
                    f32::from_be_bytes(a)
                } else {
                    f32::from_le_bytes(a)
                }) as f64
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum FileKind {
    Text,
    Npy { offset: u64, dtype: Dtype, n: u64 },
}

/// A `--times-file`: validated and counted once, streamed again for the rows.
#[derive(Debug, Clone)]
pub struct TimesFile {
    path: PathBuf,
    kind: FileKind,
    count: u64,
    max: f64,
}

fn file_err(path: &Path, e: std::io::Error) -> CliError {
    CliError::usage("--times-file", format!("{}: {e}", path.display()))
}

/// The NPY header of a 1-D float vector: data offset, dtype and length. Accepts shapes
/// `(n,)`, `(n, 1)`, `(1, n)` (either order: one column or row is the same vector).
fn npy_vector(path: &Path, head: &[u8]) -> Result<(u64, Dtype, u64), CliError> {
    let bad = |m: &str| CliError::usage("--times-file", format!("{}: {m}", path.display()));
    if head.len() < 10 {
        return Err(bad("truncated NPY header"));
    }
    let (hlen, start) = match head[6] {
        1 => (u16::from_le_bytes([head[8], head[9]]) as usize, 10),
        2 | 3 if head.len() >= 12 => (
            u32::from_le_bytes([head[8], head[9], head[10], head[11]]) as usize,
            12,
        ),
        _ => return Err(bad("unsupported NPY version")),
    };
    let text = head
        .get(start..start + hlen)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| bad("truncated NPY header"))?;
    let get = |key: &str| -> Option<&str> {
        let i = text.find(&format!("'{key}'"))? + key.len() + 2;
        let rest = text[i..].trim_start().strip_prefix(':')?.trim_start();
        Some(rest)
    };
    let descr = get("descr")
        .and_then(|r| r.strip_prefix('\''))
        .and_then(|r| r.split('\'').next())
        .ok_or_else(|| bad("no descr in the NPY header"))?;
    let dtype = match descr {
        "<f8" | "=f8" | "f8" => Dtype::F8 { big: false },
        ">f8" => Dtype::F8 { big: true },
        "<f4" | "=f4" | "f4" => Dtype::F4 { big: false },
        ">f4" => Dtype::F4 { big: true },
        d => {
            return Err(bad(&format!(
                "times must be float32 or float64, got dtype {d:?}"
            )))
        }
    };
    let shape = get("shape")
        .and_then(|r| r.strip_prefix('('))
        .and_then(|r| r.split(')').next())
        .ok_or_else(|| bad("no shape in the NPY header"))?;
    let dims: Vec<u64> = shape
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| bad("malformed shape")))
        .collect::<Result<_, _>>()?;
    let n = match dims.as_slice() {
        [n] => *n,
        [n, 1] | [1, n] => *n,
        _ => return Err(bad(&format!("times must be a vector, got shape ({shape})"))),
    };
    Ok(((start + hlen) as u64, dtype, n))
}

impl TimesFile {
    /// Reads `path` once: its kind (NPY by the magic, else text), every time validated
    /// (exact, ≥ 0), the count and the largest time (as `f64`).
    ///
    /// # Errors
    /// An unreadable file, a malformed line (named by number), a negative time, more
    /// than [`MAX_POINTS`] or none (exit 2, `--times-file`).
    pub fn open(path: &Path) -> Result<TimesFile, CliError> {
        let mut f = std::fs::File::open(path).map_err(|e| file_err(path, e))?;
        let mut head = vec![0u8; 4096];
        let got = read_up_to(&mut f, &mut head).map_err(|e| file_err(path, e))?;
        head.truncate(got);
        let kind = if head.starts_with(b"\x93NUMPY") {
            let (offset, dtype, n) = npy_vector(path, &head)?;
            FileKind::Npy { offset, dtype, n }
        } else {
            FileKind::Text
        };
        let mut tf = TimesFile {
            path: path.to_path_buf(),
            kind,
            count: 0,
            max: 0.0,
        };
        if let FileKind::Npy { offset, dtype, n } = kind {
            let len = f.metadata().map_err(|e| file_err(path, e))?.len();
            if len < offset + n * dtype.size() as u64 {
                return Err(CliError::usage(
                    "--times-file",
                    format!(
                        "{}: the NPY data is shorter than its shape says",
                        path.display()
                    ),
                ));
            }
        }
        let mut count = 0u64;
        let mut max = 0f64;
        for p in tf.points()? {
            let p = p?;
            let x = p.to_f64();
            count += 1;
            if count > MAX_POINTS {
                return Err(CliError::usage(
                    "--times-file",
                    format!("more than {MAX_POINTS} time points"),
                ));
            }
            if x.is_nan() || x > max {
                max = x;
            }
        }
        if count == 0 {
            return Err(CliError::usage(
                "--times-file",
                format!("{}: no time points", path.display()),
            ));
        }
        tf.count = count;
        tf.max = max;
        Ok(tf)
    }

    /// The number of points.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// The largest point as an `f64` (for the fast engine's range check).
    pub fn max_f64(&self) -> f64 {
        self.max
    }

    /// The points, read again from the file, in order.
    ///
    /// # Errors
    /// The file cannot be opened again.
    pub fn points(
        &self,
    ) -> Result<Box<dyn Iterator<Item = Result<TimePoint, CliError>>>, CliError> {
        let path = self.path.clone();
        let mut f = std::fs::File::open(&path).map_err(|e| file_err(&path, e))?;
        match self.kind {
            FileKind::Text => {
                let lines = BufReader::with_capacity(1 << 16, f).lines();
                let mut lineno = 0usize;
                Ok(Box::new(lines.filter_map(move |l| {
                    lineno += 1;
                    let l = match l {
                        Ok(l) => l,
                        Err(e) => return Some(Err(file_err(&path, e))),
                    };
                    let s = l.trim();
                    if s.is_empty() || s.starts_with('#') {
                        return None;
                    }
                    let at = |m: String| {
                        CliError::usage(
                            "--times-file",
                            format!("{} line {lineno}: {m}", path.display()),
                        )
                    };
                    Some(match TimePoint::parse(s) {
                        Ok(p) if p.to_q() < Q::from_integer(0.into()) => {
                            Err(at(format!("time must be >= 0, got {s}")))
                        }
                        Ok(p) => Ok(p),
                        Err(e) => Err(at(e.to_string())),
                    })
                })))
            }
            FileKind::Npy { offset, dtype, n } => {
                f.seek(SeekFrom::Start(offset))
                    .map_err(|e| file_err(&path, e))?;
                let mut r = BufReader::with_capacity(1 << 16, f);
                let size = dtype.size();
                let mut i = 0u64;
                Ok(Box::new(std::iter::from_fn(move || {
                    if i >= n {
                        return None;
                    }
                    let mut b = [0u8; 8];
                    if let Err(e) = r.read_exact(&mut b[..size]) {
                        return Some(Err(file_err(&path, e)));
                    }
                    let x = dtype.value(&b[..size]);
                    i += 1;
                    Some(match TimePoint::from_f64(x) {
                        Some(_) if x < 0.0 => Err(CliError::usage(
                            "--times-file",
                            format!(
                                "{} element {}: time must be >= 0, got {x:e}",
                                path.display(),
                                i - 1
                            ),
                        )),
                        Some(p) => Ok(p),
                        None => Err(CliError::usage(
                            "--times-file",
                            format!(
                                "{} element {}: not a finite number ({x})",
                                path.display(),
                                i - 1
                            ),
                        )),
                    })
                })))
            }
        }
    }
}

fn read_up_to(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match f.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// Where the time points come from.
#[derive(Debug, Clone)]
pub enum TimeSource {
    /// A grid or list.
    Axis(Times),
    /// A file.
    File(TimesFile),
}

impl TimeSource {
    /// Number of points.
    pub fn len(&self) -> u64 {
        match self {
            TimeSource::Axis(t) => t.len(),
            TimeSource::File(f) => f.len(),
        }
    }

    /// The largest point as `f64`.
    pub fn max_f64(&self) -> f64 {
        match self {
            TimeSource::Axis(t) => exactflow_core::number::q_to_f64_nearest(&t.max()),
            TimeSource::File(f) => f.max_f64(),
        }
    }

    /// Calls `f` on consecutive blocks of at most `size` points, in order.
    ///
    /// # Errors
    /// A file that changed or failed since it was validated, or `f`'s error.
    pub fn for_each_block(
        &self,
        size: usize,
        mut f: impl FnMut(Vec<TimePoint>) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        let size = size.max(1);
        match self {
            TimeSource::Axis(t) => {
                let mut start = 0;
                while start < t.len() {
                    let mut block = Vec::with_capacity(size);
                    t.block(start, size, &mut block);
                    start += block.len() as u64;
                    f(block)?;
                }
                Ok(())
            }
            TimeSource::File(file) => {
                let mut block = Vec::with_capacity(size);
                for p in file.points()? {
                    block.push(p?);
                    if block.len() == size {
                        f(std::mem::replace(&mut block, Vec::with_capacity(size)))?;
                    }
                }
                if !block.is_empty() {
                    f(block)?;
                }
                Ok(())
            }
        }
    }

    /// Every point as an exact rational (for the simulators, which take lists).
    ///
    /// # Errors
    /// As [`TimeSource::for_each_block`].
    pub fn to_vec(&self) -> Result<Vec<Q>, CliError> {
        let mut v = Vec::new();
        self.for_each_block(4096, |b| {
            v.extend(b.iter().map(TimePoint::to_q));
            Ok(())
        })?;
        Ok(v)
    }
}

#[cfg(test)]
#[path = "tests/times_arg.rs"]
mod tests;
