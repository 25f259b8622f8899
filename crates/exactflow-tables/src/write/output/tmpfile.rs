//! Linux's unnamed temporaries (`O_TMPFILE`): opened in the target's directory, linked
//! under the target's name only when complete.

use super::{named_temp, pending_add, pending_remove, permission_bits, set_mode, Atomic};
use std::fs::File;
use std::io::{self, Seek, SeekFrom};
use std::path::Path;

/// An unnamed temporary in `dir` (`O_TMPFILE`, mode `0666 & !umask`); `None` where the
/// kernel or the file system does not support it.
pub(super) fn open_tmpfile(dir: &Path) -> io::Result<Option<File>> {
    use std::ffi::CString;
    use std::os::fd::FromRawFd;
    use std::os::unix::ffi::OsStrExt;
    let c = CString::new(dir.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains NUL"))?;
    // SAFETY: `c` is a valid NUL-terminated path; the returned descriptor is owned by
    // the File below.
    let fd = unsafe {
        libc::open(
            c.as_ptr(),
            libc::O_TMPFILE | libc::O_WRONLY | libc::O_CLOEXEC,
            0o666 as libc::c_uint,
        )
    };
    if fd < 0 {
        let e = io::Error::last_os_error();
        return match e.raw_os_error() {
            Some(libc::EOPNOTSUPP) | Some(libc::EISDIR) | Some(libc::EINVAL) => Ok(None),
            _ => Err(e),
        };
    }
    // SAFETY: `fd` is a fresh descriptor we own.
    Ok(Some(unsafe { File::from_raw_fd(fd) }))
}

/// Gives an `O_TMPFILE` temporary its final name: linked directly when the target does
/// not exist, else linked under a hidden name (registered for cleanup) and renamed over
/// the target.
pub(super) fn link_tmpfile(a: &mut Atomic) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    let cstr = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains NUL"))
    };
    let fd = a.file.as_raw_fd();
    let link = |dest: &Path| -> io::Result<()> {
        let d = cstr(dest)?;
        let proc_path = CString::new(format!("/proc/self/fd/{fd}")).map_err(io::Error::other)?;
        // SAFETY: valid NUL-terminated paths; `fd` is open.
        let r = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                proc_path.as_ptr(),
                libc::AT_FDCWD,
                d.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if r == 0 {
            return Ok(());
        }
        let first = io::Error::last_os_error();
        if first.raw_os_error() == Some(libc::EEXIST) {
            return Err(first);
        }
        // Without /proc: AT_EMPTY_PATH (needs CAP_DAC_READ_SEARCH).
        let empty = CString::default();
        // SAFETY: as above.
        let r = unsafe {
            libc::linkat(
                fd,
                empty.as_ptr(),
                libc::AT_FDCWD,
                d.as_ptr(),
                libc::AT_EMPTY_PATH,
            )
        };
        if r == 0 {
            Ok(())
        } else {
            Err(first)
        }
    };
    if !a.replaces {
        match link(&a.target) {
            Ok(()) => return Ok(()),
            Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {}
            Err(e) => return copy_into_named(a, e),
        }
    }
    // Replace: a hidden name, then one rename over the target.
    for attempt in 0..16u32 {
        let stem = a
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let hidden = a
            .dir
            .join(format!(".{stem}.{}.{attempt}.tmp", std::process::id()));
        pending_add(&hidden);
        match link(&hidden) {
            Ok(()) => {
                let r = std::fs::rename(&hidden, &a.target);
                if r.is_err() {
                    let _ = std::fs::remove_file(&hidden);
                }
                pending_remove(&hidden);
                return r;
            }
            Err(e) if e.raw_os_error() == Some(libc::EEXIST) => pending_remove(&hidden),
            Err(e) => {
                pending_remove(&hidden);
                return copy_into_named(a, e);
            }
        }
    }
    Err(io::Error::other("could not name the temporary"))
}

/// Last resort when an unnamed temporary cannot be linked: its bytes copied into a
/// named temporary, renamed over the target.
fn copy_into_named(a: &mut Atomic, why: io::Error) -> io::Result<()> {
    let (mut named, path) = named_temp(&a.dir, &a.target)?;
    let mut src = File::open(format!("/proc/self/fd/{}", {
        use std::os::fd::AsRawFd;
        a.file.as_raw_fd()
    }))
    .map_err(|_| why)?;
    src.seek(SeekFrom::Start(0))?;
    io::copy(&mut src, &mut named)?;
    if let Ok(m) = a.file.metadata() {
        let _ = set_mode(&named, permission_bits(&m));
    }
    let raw = path.to_path_buf();
    path.persist(&a.target).map_err(|e| e.error)?;
    pending_remove(&raw);
    Ok(())
}
