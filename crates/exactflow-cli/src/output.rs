//! Tables and their formats (CSV, JSON, NPY), and writing them whole or not at all.

use crate::error::CliError;
use std::io::Write;
use std::path::Path;

/// Output format of a trajectory table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `#` metadata lines, a header line, one row per time point.
    Csv,
    /// `{"metadata": {...}, "columns": [...], "rows": [[...], ...]}`, numbers as strings.
    Json,
    /// NumPy `.npy` v1.0: a C-order `<f8` array of shape (rows, columns), columns in
    /// table order (metadata and names are not stored; use CSV or JSON for those).
    Npy,
}

/// A rendered table: metadata, column names, and each cell as text and as `f64`.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Ordered key/value metadata.
    pub metadata: Vec<(String, String)>,
    /// Column names.
    pub columns: Vec<String>,
    /// Cells as printed.
    pub text: Vec<Vec<String>>,
    /// Cells as `f64` (for NPY).
    pub values: Vec<Vec<f64>>,
}

impl Table {
    /// Renders in `format`. Deterministic: same table, same bytes.
    pub fn render(&self, format: Format) -> Vec<u8> {
        match format {
            Format::Csv => self.csv(),
            Format::Json => self.json(),
            Format::Npy => self.npy(),
        }
    }

    fn csv(&self) -> Vec<u8> {
        let mut out = String::new();
        for (k, v) in &self.metadata {
            out.push_str(&format!("# {k}: {}\n", v.replace('\n', " ")));
        }
        out.push_str(&self.columns.join(","));
        out.push('\n');
        for row in &self.text {
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out.into_bytes()
    }

    fn json(&self) -> Vec<u8> {
        let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
        let mut out = String::from("{\"metadata\":{");
        let meta: Vec<String> = self
            .metadata
            .iter()
            .map(|(k, v)| format!("{}:{}", q(k), q(v)))
            .collect();
        out.push_str(&meta.join(","));
        out.push_str("},\"columns\":[");
        out.push_str(
            &self
                .columns
                .iter()
                .map(|c| q(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("],\"rows\":[");
        for (i, row) in self.text.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("\n[");
            out.push_str(&row.iter().map(|c| q(c)).collect::<Vec<_>>().join(","));
            out.push(']');
        }
        out.push_str("\n]}\n");
        out.into_bytes()
    }

    fn npy(&self) -> Vec<u8> {
        let header = format!(
            "{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}",
            self.values.len(),
            self.columns.len()
        );
        // Magic (6) + version (2) + length (2) + header, padded with spaces and a final
        // newline to a multiple of 64 bytes.
        let unpadded = 10 + header.len() + 1;
        let pad = (64 - unpadded % 64) % 64;
        let mut h = header.into_bytes();
        h.extend(std::iter::repeat_n(b' ', pad));
        h.push(b'\n');
        let mut out = Vec::with_capacity(10 + h.len() + 8 * self.values.len() * self.columns.len());
        out.extend_from_slice(b"\x93NUMPY\x01\x00");
        out.extend_from_slice(&(h.len() as u16).to_le_bytes());
        out.extend_from_slice(&h);
        for row in &self.values {
            for v in row {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out
    }
}

/// Writes `bytes` to `path` atomically (a temporary file in the same directory, renamed
/// over the target only once complete), or to standard output when `path` is `None`.
/// A closed standard output (broken pipe) is a clean stop, not an error.
///
/// # Errors
/// [`CliError::Io`] naming the file.
pub fn emit(bytes: &[u8], path: Option<&Path>) -> Result<(), CliError> {
    match path {
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match lock.write_all(bytes).and_then(|_| lock.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(source) => Err(CliError::Io {
                    what: "standard output".into(),
                    source,
                }),
                Ok(()) => Ok(()),
            }
        }
        Some(path) => {
            let what = format!("--out {}", path.display());
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => std::path::PathBuf::from("."),
            };
            let io = |source| CliError::Io {
                what: what.clone(),
                source,
            };
            let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(io)?;
            tmp.write_all(bytes).map_err(io)?;
            tmp.as_file().sync_all().map_err(io)?;
            tmp.persist(path).map_err(|e| io(e.error))?;
            Ok(())
        }
    }
}

#[cfg(test)]
#[path = "tests/output.rs"]
mod tests;
