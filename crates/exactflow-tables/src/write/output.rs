//! Where a table goes: standard output, memory, or a path — and what writing to a path
//! means for each kind of file.
//!
//! * A **regular file or a new path** is replaced atomically: the table is written as it
//!   is produced into a temporary in the same directory, which takes the target's name
//!   only when complete ([`Output::commit`]). On Linux the temporary is unnamed
//!   (`O_TMPFILE`): until the commit nothing is visible, and a process killed in the
//!   middle (even by SIGKILL) leaves nothing behind. Where `O_TMPFILE` is not supported
//!   the temporary is a hidden `.NAME.XXXXXX.tmp`, removed if the writing fails, on drop,
//!   and by [`remove_pending_temporaries`] (which the CLI calls on SIGINT/SIGTERM).
//!   A new file gets the mode the umask allows (`0666 & !umask`); a replaced file keeps
//!   its permission bits.
//! * A **symbolic link** is followed: its target is written (replaced atomically if it
//!   is a regular file or does not exist yet); the link stays.
//! * A **device, FIFO or socket** is written in place (opened for writing, never
//!   replaced); `/dev/stdout` and `/dev/stderr` are the process's own streams.
//! * A **directory** is an error ([`OutputError::IsDirectory`]), before anything is
//!   written.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use thiserror::Error;

#[cfg(target_os = "linux")]
mod tmpfile;
#[cfg(target_os = "linux")]
use tmpfile::{link_tmpfile, open_tmpfile};

/// Why an output could not be opened or completed.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The path names a directory.
    #[error("{}: is a directory", .0.display())]
    IsDirectory(PathBuf),
    /// A system call failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The path (or `standard output`).
        path: PathBuf,
        /// The system's error.
        #[source]
        source: io::Error,
    },
}

impl OutputError {
    fn io(path: &Path, source: io::Error) -> Self {
        OutputError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Whether the reader at the other end went away (a closed pipe): a clean stop for
    /// a command writing to standard output.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, OutputError::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Named temporaries not yet renamed into place: removed by
/// [`remove_pending_temporaries`].
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending_add(p: &Path) {
    if let Ok(mut v) = PENDING.lock() {
        v.push(p.to_path_buf());
    }
}

fn pending_remove(p: &Path) {
    if let Ok(mut v) = PENDING.lock() {
        v.retain(|x| x != p);
    }
}

/// Removes every named temporary an [`Output`] has created and not yet renamed into
/// place. For a signal handler's thread (the CLI calls it on SIGINT and SIGTERM before
/// the process dies); unnamed (`O_TMPFILE`) temporaries need nothing.
pub fn remove_pending_temporaries() {
    if let Ok(mut v) = PENDING.lock() {
        for p in v.drain(..) {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// How the temporary of an atomic replacement is held.
#[derive(Debug)]
enum Temp {
    /// `O_TMPFILE`: no name until the commit links it.
    #[cfg(target_os = "linux")]
    Unnamed,
    /// A hidden name in the target's directory, removed on drop.
    Named(Option<tempfile::TempPath>),
}

#[derive(Debug)]
struct Atomic {
    file: File,
    temp: Temp,
    target: PathBuf,
    dir: PathBuf,
    /// Whether the target existed (a regular file) when the output was opened.
    replaces: bool,
}

#[derive(Debug)]
enum Inner {
    Stdout(io::Stdout),
    Stderr(io::Stderr),
    Memory(io::Cursor<Vec<u8>>),
    /// A device, FIFO or `/dev/fd/N`-style path: written in place.
    InPlace(File),
    /// An unnamed temporary file holding a table until it can be copied out.
    Spool(File),
    #[cfg(unix)]
    Socket(std::os::unix::net::UnixStream),
    Atomic(Atomic),
}

/// A destination for a table (or any output file): see the module docs for what each
/// kind of path means. Implements [`Write`] (and [`Seek`] where the destination
/// allows, [`Output::is_seekable`]). Dropping an output without [`Output::commit`]
/// discards an atomic replacement: the target is left as it was.
#[derive(Debug)]
pub struct Output {
    inner: Inner,
    /// What errors name.
    name: PathBuf,
}

/// Options of [`Output::create_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputOptions {
    /// Use an unnamed `O_TMPFILE` temporary where the system supports it (default
    /// `true`; `false` exercises the named fallback).
    pub unnamed_temporary: bool,
}

impl Default for OutputOptions {
    fn default() -> Self {
        OutputOptions {
            unnamed_temporary: true,
        }
    }
}

/// Most symbolic links followed when resolving a path whose target does not exist.
const MAX_LINKS: usize = 40;

/// Follows symbolic links from `path` as long as they resolve, returning the final path
/// (which need not exist).
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let t = std::fs::read_link(&p)?;
                p = if t.is_absolute() {
                    t
                } else {
                    p.parent().unwrap_or(Path::new(".")).join(t)
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

impl Output {
    /// The process's standard output (written in place, not seekable).
    pub fn stdout() -> Output {
        Output {
            inner: Inner::Stdout(io::stdout()),
            name: PathBuf::from("standard output"),
        }
    }

    /// An in-memory buffer (seekable); [`Output::into_bytes`] returns it.
    pub fn memory() -> Output {
        Output {
            inner: Inner::Memory(io::Cursor::new(Vec::new())),
            name: PathBuf::from("memory"),
        }
    }

    /// Opens `path` for writing with the default options (see the module docs).
    ///
    /// # Errors
    /// [`OutputError::IsDirectory`], or the system's error opening the path or creating
    /// the temporary (a missing directory, permissions).
    pub fn create(path: &Path) -> Result<Output, OutputError> {
        Self::create_with(path, OutputOptions::default())
    }

    /// [`Output::create`] with options.
    ///
    /// # Errors
    /// See [`Output::create`].
    pub fn create_with(path: &Path, opts: OutputOptions) -> Result<Output, OutputError> {
        let name = path.to_path_buf();
        let err = |e| OutputError::io(path, e);
        if path == Path::new("/dev/stdout") {
            return Ok(Output::stdout());
        }
        if path == Path::new("/dev/stderr") {
            return Ok(Output {
                inner: Inner::Stderr(io::stderr()),
                name,
            });
        }
        // `/dev/fd/N` and `/proc/.../fd/N` name an open file of this process: written in
        // place whatever it is (a shell redirection's file keeps its offset and mode).
        let fd_link = path.starts_with("/dev/fd") || path.starts_with("/proc");
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Err(OutputError::IsDirectory(name)),
            Ok(m) if m.is_file() && !fd_link => {
                let target = std::fs::canonicalize(path).map_err(err)?;
                let mode = permission_bits(&m);
                Self::atomic(&target, name, Some(mode), opts)
            }
            Ok(m) => Self::in_place(path, name, &m),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // A new path, or a symbolic link to one: create the link's target.
                let target = follow_links(path).map_err(err)?;
                Self::atomic(&target, name, None, opts)
            }
            Err(e) => Err(err(e)),
        }
    }

    fn in_place(path: &Path, name: PathBuf, m: &std::fs::Metadata) -> Result<Output, OutputError> {
        let err = |e| OutputError::io(path, e);
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if m.file_type().is_socket() {
                let s = std::os::unix::net::UnixStream::connect(path).map_err(err)?;
                return Ok(Output {
                    inner: Inner::Socket(s),
                    name,
                });
            }
        }
        // A regular file reached through /dev/fd or /proc: truncated like a shell `>`.
        let file = OpenOptions::new()
            .write(true)
            .truncate(m.is_file())
            .open(path)
            .map_err(err)?;
        Ok(Output {
            inner: Inner::InPlace(file),
            name,
        })
    }

    fn atomic(
        target: &Path,
        name: PathBuf,
        mode: Option<u32>,
        opts: OutputOptions,
    ) -> Result<Output, OutputError> {
        let err = |e| OutputError::io(&name, e);
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if target.file_name().is_none() {
            return Err(OutputError::IsDirectory(name));
        }
        #[cfg(target_os = "linux")]
        if opts.unnamed_temporary {
            if let Some(file) = open_tmpfile(&dir).map_err(err)? {
                if let Some(mode) = mode {
                    set_mode(&file, mode).map_err(err)?;
                }
                return Ok(Output {
                    inner: Inner::Atomic(Atomic {
                        file,
                        temp: Temp::Unnamed,
                        target: target.to_path_buf(),
                        dir,
                        replaces: mode.is_some(),
                    }),
                    name,
                });
            }
        }
        let _ = opts;
        let (file, path) = named_temp(&dir, target).map_err(err)?;
        if let Some(mode) = mode {
            set_mode(&file, mode).map_err(err)?;
        }
        Ok(Output {
            inner: Inner::Atomic(Atomic {
                file,
                temp: Temp::Named(Some(path)),
                target: target.to_path_buf(),
                dir,
                replaces: mode.is_some(),
            }),
            name,
        })
    }

    /// An unnamed temporary file (seekable), for a format that must be assembled before
    /// it reaches an output that cannot seek.
    pub(crate) fn spool() -> io::Result<Output> {
        Ok(Output {
            inner: Inner::Spool(tempfile::tempfile()?),
            name: PathBuf::from("temporary file"),
        })
    }

    /// The file of a [`Output::spool`].
    pub(crate) fn spool_file(&mut self) -> Option<&mut File> {
        match &mut self.inner {
            Inner::Spool(f) => Some(f),
            _ => None,
        }
    }

    /// What errors call this output (the path as given, or `standard output`).
    pub fn name(&self) -> &Path {
        &self.name
    }

    /// Whether [`Seek`] works (memory and atomic replacements; not streams, devices,
    /// FIFOs or sockets).
    pub fn is_seekable(&self) -> bool {
        matches!(
            self.inner,
            Inner::Memory(_) | Inner::Atomic(_) | Inner::Spool(_)
        )
    }

    /// Whether this output goes to the process's standard output.
    pub fn is_stdout(&self) -> bool {
        matches!(self.inner, Inner::Stdout(_))
    }

    /// The bytes of a [`Output::memory`] output (empty for any other).
    pub fn into_bytes(self) -> Vec<u8> {
        match self.inner {
            Inner::Memory(c) => c.into_inner(),
            _ => Vec::new(),
        }
    }

    /// Completes the output: flushes it and, for an atomic replacement, gives the
    /// temporary the target's name (replacing the old file in one rename).
    ///
    /// # Errors
    /// The system's error; a failed commit leaves the target as it was and no temporary.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let name = self.name.clone();
        let err = |e| OutputError::io(&name, e);
        self.flush().map_err(err)?;
        let Inner::Atomic(a) = &mut self.inner else {
            return Ok(());
        };
        match &mut a.temp {
            #[cfg(target_os = "linux")]
            Temp::Unnamed => link_tmpfile(a).map_err(err),
            Temp::Named(p) => {
                let Some(path) = p.take() else {
                    return Ok(());
                };
                let raw = path.to_path_buf();
                path.persist(&a.target).map_err(|e| err(e.error))?;
                pending_remove(&raw);
                Ok(())
            }
        }
    }
}

impl Drop for Atomic {
    fn drop(&mut self) {
        if let Temp::Named(Some(p)) = &self.temp {
            pending_remove(p);
        }
    }
}

#[cfg(unix)]
fn permission_bits(m: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn permission_bits(_: &std::fs::Metadata) -> u32 {
    0
}

#[cfg(unix)]
fn set_mode(f: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &File, _: u32) -> io::Result<()> {
    Ok(())
}

/// A named temporary `.NAME.XXXXXX.tmp` beside `target`, mode `0666 & !umask`,
/// registered for [`remove_pending_temporaries`].
fn named_temp(dir: &Path, target: &Path) -> io::Result<(File, tempfile::TempPath)> {
    let stem = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{stem}.");
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let t = b.tempfile_in(dir)?;
    let (file, path) = t.into_parts();
    pending_add(&path);
    Ok((file, path))
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Stdout(s) => s.write(buf),
            Inner::Stderr(s) => s.write(buf),
            Inner::Memory(c) => c.write(buf),
            Inner::InPlace(f) | Inner::Spool(f) => f.write(buf),
            #[cfg(unix)]
            Inner::Socket(s) => s.write(buf),
            Inner::Atomic(a) => a.file.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.inner {
            Inner::Stdout(s) => s.lock().write_all(buf),
            Inner::Stderr(s) => s.write_all(buf),
            Inner::Memory(c) => c.write_all(buf),
            Inner::InPlace(f) | Inner::Spool(f) => f.write_all(buf),
            #[cfg(unix)]
            Inner::Socket(s) => s.write_all(buf),
            Inner::Atomic(a) => a.file.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Stdout(s) => s.flush(),
            Inner::Stderr(s) => s.flush(),
            Inner::Memory(c) => c.flush(),
            Inner::InPlace(f) | Inner::Spool(f) => f.flush(),
            #[cfg(unix)]
            Inner::Socket(s) => s.flush(),
            Inner::Atomic(a) => a.file.flush(),
        }
    }
}

impl Seek for Output {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match &mut self.inner {
            Inner::Memory(c) => c.seek(pos),
            Inner::Atomic(a) => a.file.seek(pos),
            Inner::Spool(f) => f.seek(pos),
            _ => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "this output cannot seek",
            )),
        }
    }
}

#[cfg(test)]
#[path = "../tests/output.rs"]
mod tests;
