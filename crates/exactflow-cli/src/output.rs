//! Output files and formats: `--format` against `--out`'s extension, opening `--out`
//! (through `exactflow_tables::write::Output`, which knows what each kind of file
//! needs), progress bars on a terminal, and the signal handler that removes named
//! temporaries on SIGINT/SIGTERM. Tables themselves are written by
//! `exactflow_tables::TableWriter`.

use crate::error::CliError;
use exactflow_tables::write::{self, Output, OutputError, WriteError};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Output format of a trajectory table (`--format`; by default the `--out` file's
/// extension, else CSV).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `#` metadata lines, a header line, one row per time point, `#` trailer lines.
    Csv,
    /// `{"columns": [...], "rows": [[...], ...], "metadata": {...}}`, numbers as strings.
    Json,
    /// NumPy `.npy`: a C-order `<f8` array (rows, columns), columns in table order (no
    /// names or metadata: use NPZ, CSV or JSON for those).
    Npy,
    /// NumPy `.npz`: one named `<f8` array per column (`np.load(f)["residual"]`) and the
    /// metadata as a JSON string (`metadata`).
    Npz,
}

impl Format {
    /// The library's format.
    pub fn table_format(self) -> write::Format {
        match self {
            Format::Csv => write::Format::Csv,
            Format::Json => write::Format::Json,
            Format::Npy => write::Format::Npy,
            Format::Npz => write::Format::Npz,
        }
    }
}

/// The format of a table: `--format` if given, else the one `--out`'s extension names
/// (`.csv`, `.json`, `.npy`, `.npz`), else CSV.
///
/// # Errors
/// `--format` contradicting the extension (exit 2).
pub fn resolve_format(flag: Option<Format>, out: Option<&Path>) -> Result<write::Format, CliError> {
    let by_name = out.and_then(write::Format::from_path);
    match (flag.map(Format::table_format), by_name) {
        (Some(f), Some(n)) if f != n => Err(CliError::usage(
            "--format",
            format!(
                "{} contradicts --out {} (a .{} file); drop one of them",
                f.name(),
                out.map(|p| p.display().to_string()).unwrap_or_default(),
                n.name()
            ),
        )),
        (Some(f), _) => Ok(f),
        (None, Some(n)) => Ok(n),
        (None, None) => Ok(write::Format::Csv),
    }
}

impl From<OutputError> for CliError {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::IsDirectory(p) => CliError::usage(
                "--out",
                format!("{} is a directory (give a file name)", p.display()),
            ),
            OutputError::Io { path, source } => CliError::Io {
                what: format!("--out {}", path.display()),
                source,
            },
        }
    }
}

impl From<WriteError> for CliError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Output(o) => o.into(),
            other => CliError::usage("--out", other.to_string()),
        }
    }
}

/// Opens `--out` (standard output when absent).
///
/// # Errors
/// A directory (exit 2), a path that cannot be created.
pub fn open(path: Option<&Path>) -> Result<Output, CliError> {
    match path {
        None => Ok(Output::stdout()),
        Some(p) => Ok(Output::create(p)?),
    }
}

/// Finishes a command's outputs: a closed standard output (broken pipe) is a clean
/// stop, not an error.
///
/// # Errors
/// Any other output error.
pub fn finish(r: Result<(), CliError>) -> Result<(), CliError> {
    match r {
        Err(CliError::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(())
        }
        r => r,
    }
}

/// Writes `bytes` to `--out` (atomically for a regular file, in place for a device or
/// FIFO; see `exactflow_tables::write::output`) or to standard output.
///
/// # Errors
/// [`CliError::Io`] naming the file; a directory is exit 2.
pub fn emit(bytes: &[u8], path: Option<&Path>) -> Result<(), CliError> {
    let mut out = open(path)?;
    let name = out.name().display().to_string();
    let r = out
        .write_all(bytes)
        .map_err(|source| CliError::Io {
            what: format!("--out {name}"),
            source,
        })
        .and_then(|()| Ok(out.commit()?));
    finish(r)
}

/// A progress bar on standard error — only when it is a terminal, and the work is
/// long enough to want one.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// A bar over `total` units of `what` (e.g. "rows"), shown only on a terminal and
    /// only when `worth` says the work is long.
    pub fn new(label: &str, total: u64, what: &str, worth: bool) -> Progress {
        if !worth || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let b = indicatif::ProgressBar::new(total);
        let template =
            format!("{label} {{bar:40}} {{pos}}/{{len}} {what} {{elapsed}} (eta {{eta}})");
        b.set_style(
            indicatif::ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Progress(Some(b))
    }

    /// A spinner with the elapsed time, for work whose steps the library does not report
    /// (shown only on a terminal and only when `worth` says the work is long).
    pub fn spinner(label: &str, worth: bool) -> Progress {
        if !worth || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template(&format!("{label} {{spinner}} {{elapsed}}"))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(std::time::Duration::from_millis(200));
        Progress(Some(b))
    }

    /// Advances by `n`.
    pub fn inc(&self, n: u64) {
        if let Some(b) = &self.0 {
            b.inc(n);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// On SIGINT, SIGTERM and SIGHUP: remove the named temporaries of unfinished outputs
/// (unnamed `O_TMPFILE` ones vanish by themselves), then die of the signal as usual.
pub fn install_signal_cleanup() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    write::remove_pending_temporaries();
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                    std::process::exit(128 + sig);
                }
            });
        }
    }
}

#[cfg(test)]
#[path = "tests/output.rs"]
mod tests;
