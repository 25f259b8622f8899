//! NPY and NPZ encoding for [`super::TableWriter`].

use super::{io_err, Output, WriteError};
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};

/// An NPY v1.0 header for `descr` and `shape` (`"(3, 9)"`, `"(3,)"`, `"()"`), padded
/// with spaces to a multiple of 64 bytes and to at least `reserve` bytes.
pub(crate) fn header(descr: &str, shape: &str, reserve: usize) -> Vec<u8> {
    let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    let unpadded = 10 + dict.len() + 1;
    let total = unpadded.max(reserve).div_ceil(64) * 64;
    let mut h = Vec::with_capacity(total);
    h.extend_from_slice(b"\x93NUMPY\x01\x00");
    h.extend_from_slice(&((total - 10) as u16).to_le_bytes());
    h.extend_from_slice(dict.as_bytes());
    h.resize(total - 1, b' ');
    h.push(b'\n');
    h
}

/// The header of a (rows, cols) `<f8` table, sized for any row count.
fn table_header(rows: u64, cols: usize) -> Vec<u8> {
    let widest = header("<f8", &format!("({}, {cols})", u64::MAX), 0).len();
    header("<f8", &format!("({rows}, {cols})"), widest)
}

/// An NPY table being written.
pub(super) struct NpyState {
    cols: usize,
    declared: Option<u64>,
    /// The real output while the table is spooled (row count unknown, output cannot
    /// seek).
    real: Option<Output>,
}

impl NpyState {
    pub(super) fn start(
        out: &mut Output,
        rows: Option<u64>,
        cols: usize,
    ) -> Result<NpyState, WriteError> {
        let mut real = None;
        if rows.is_none() && !out.is_seekable() {
            let spool = Output::spool().map_err(|e| io_err(out, e))?;
            real = Some(std::mem::replace(out, spool));
        }
        out.write_all(&table_header(rows.unwrap_or(0), cols))
            .map_err(|e| io_err(out, e))?;
        Ok(NpyState {
            cols,
            declared: rows,
            real,
        })
    }

    pub(super) fn finish(self, out: &mut Output, rows: u64) -> Result<(), WriteError> {
        let err = |o: &Output, e| io_err(o, e);
        if self.declared != Some(rows) {
            let end = out.stream_position().map_err(|e| err(out, e))?;
            out.seek(SeekFrom::Start(0)).map_err(|e| err(out, e))?;
            out.write_all(&table_header(rows, self.cols))
                .map_err(|e| err(out, e))?;
            out.seek(SeekFrom::Start(end)).map_err(|e| err(out, e))?;
        }
        if let Some(mut real) = self.real {
            copy_spool(out, &mut real)?;
            *out = real;
        }
        Ok(())
    }
}

/// Copies a spool [`Output`] from its start into `to`.
fn copy_spool(spool: &mut Output, to: &mut Output) -> Result<(), WriteError> {
    spool.flush().map_err(|e| io_err(spool, e))?;
    let file = spool
        .spool_file()
        .ok_or_else(|| io_err(to, io::Error::other("not a spool")))?;
    file.seek(SeekFrom::Start(0)).map_err(|e| io_err(to, e))?;
    io::copy(file, to).map_err(|e| io_err(to, e))?;
    Ok(())
}

/// An NPZ archive being written: one spool file per column.
pub(super) struct NpzState {
    spools: Vec<BufWriter<File>>,
}

impl NpzState {
    pub(super) fn start(out: &Output, cols: usize) -> Result<NpzState, WriteError> {
        let spools = (0..cols)
            .map(|_| tempfile::tempfile().map(|f| BufWriter::with_capacity(1 << 16, f)))
            .collect::<io::Result<Vec<_>>>()
            .map_err(|e| io_err(out, e))?;
        Ok(NpzState { spools })
    }

    pub(super) fn push_row(&mut self, vals: &[f64]) -> io::Result<()> {
        for (s, v) in self.spools.iter_mut().zip(vals) {
            s.write_all(&v.to_le_bytes())?;
        }
        Ok(())
    }

    /// Assembles the archive into `out` (through a spool when `out` cannot seek).
    pub(super) fn finish(
        self,
        out: &mut Output,
        names: &[String],
        rows: u64,
        metadata: &[(String, String)],
    ) -> Result<(), WriteError> {
        let mut real = None;
        if !out.is_seekable() {
            let spool = Output::spool().map_err(|e| io_err(out, e))?;
            real = Some(std::mem::replace(out, spool));
        }
        let name = real.as_ref().unwrap_or(out).name().to_path_buf();
        let e = |source: io::Error| {
            WriteError::Output(super::OutputError::Io {
                path: name.clone(),
                source,
            })
        };
        let ze = |z: zip::result::ZipError| e(io::Error::other(z));
        {
            let mut zip = zip::ZipWriter::new(&mut *out);
            let opts = |bytes: u64| {
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored)
                    .last_modified_time(zip::DateTime::default())
                    .unix_permissions(0o644)
                    .large_file(bytes >= u32::MAX as u64)
            };
            for (col, spool) in names.iter().zip(self.spools) {
                let h = header("<f8", &format!("({rows},)"), 0);
                let bytes = h.len() as u64 + 8 * rows;
                let mut file = spool
                    .into_inner()
                    .map_err(|x| e(io::Error::other(x.to_string())))?;
                file.seek(SeekFrom::Start(0)).map_err(e)?;
                zip.start_file(format!("{col}.npy"), opts(bytes))
                    .map_err(ze)?;
                zip.write_all(&h).map_err(e)?;
                io::copy(&mut file, &mut zip).map_err(e)?;
            }
            let mut json = Vec::new();
            super::json_metadata(metadata, &mut json);
            let text = String::from_utf8_lossy(&json);
            let chars = text.chars().count().max(1);
            let h = header(&format!("<U{chars}"), "()", 0);
            zip.start_file("metadata.npy", opts(0)).map_err(ze)?;
            zip.write_all(&h).map_err(e)?;
            let mut data: Vec<u8> = text
                .chars()
                .flat_map(|c| (c as u32).to_le_bytes())
                .collect();
            data.resize(4 * chars, 0);
            zip.write_all(&data).map_err(e)?;
            zip.finish().map_err(ze)?;
        }
        if let Some(mut real) = real {
            copy_spool(out, &mut real)?;
            *out = real;
        }
        Ok(())
    }
}
