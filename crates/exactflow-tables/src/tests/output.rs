//! Unit tests of `write/output.rs`: what writing to each kind of path does (issue 11,
//! items 1–3). Special files are made in temporary directories, never the real
//! `/dev/null`.
use super::*;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The process's umask, read without changing it (Linux ≥ 4.7).
fn umask() -> u32 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = s.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line.split_whitespace().nth(1).unwrap(), 8).unwrap()
}

#[test]
fn a_new_file_appears_only_on_commit_with_the_umask_mode() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.csv");
    let mut o = Output::create(&p).unwrap();
    o.write_all(b"a,b\n").unwrap();
    assert!(entries(dir.path()).is_empty(), "visible before commit");
    o.commit().unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"a,b\n");
    assert_eq!(entries(dir.path()), ["t.csv"]);
    let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o666 & !umask());
}

#[test]
fn a_dropped_output_leaves_the_old_file_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.csv");
    std::fs::write(&p, b"old").unwrap();
    let mut o = Output::create(&p).unwrap();
    o.write_all(b"new, half written").unwrap();
    drop(o);
    assert_eq!(std::fs::read(&p).unwrap(), b"old");
    assert_eq!(entries(dir.path()), ["t.csv"]);
}

#[test]
fn a_replaced_file_keeps_its_permission_bits() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.csv");
    std::fs::write(&p, b"old").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    let mut o = Output::create(&p).unwrap();
    o.write_all(b"new").unwrap();
    o.commit().unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"new");
    assert_eq!(
        std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777,
        0o640
    );
    assert_eq!(entries(dir.path()), ["t.csv"]);
}

#[test]
fn a_directory_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let e = Output::create(dir.path()).unwrap_err();
    assert!(matches!(e, OutputError::IsDirectory(_)), "{e}");
    assert!(e.to_string().contains("is a directory"));
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn a_symlink_is_followed_and_stays_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.csv");
    let link = dir.path().join("link.csv");
    std::fs::write(&real, b"old").unwrap();
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    let mut o = Output::create(&link).unwrap();
    o.write_all(b"new").unwrap();
    o.commit().unwrap();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&real).unwrap(), b"new");
    // A dangling link: its target is created.
    let dangling = dir.path().join("dangling.csv");
    std::os::unix::fs::symlink("made.csv", &dangling).unwrap();
    let mut o = Output::create(&dangling).unwrap();
    o.write_all(b"made").unwrap();
    o.commit().unwrap();
    assert_eq!(std::fs::read(dir.path().join("made.csv")).unwrap(), b"made");
    assert!(std::fs::symlink_metadata(&dangling)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        entries(dir.path()),
        ["dangling.csv", "link.csv", "made.csv", "real.csv"]
    );
}

#[test]
fn a_fifo_is_written_in_place_for_its_reader() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let f2 = fifo.clone();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::fs::File::open(&f2)
            .unwrap()
            .read_to_end(&mut s)
            .unwrap();
        s
    });
    let mut o = Output::create(&fifo).unwrap();
    assert!(!o.is_seekable());
    o.write_all(b"t,z\n0,1\n").unwrap();
    o.commit().unwrap();
    assert_eq!(reader.join().unwrap(), b"t,z\n0,1\n");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(entries(dir.path()), ["pipe"]);
}

#[test]
fn a_device_node_is_written_in_place_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null");
    let c = std::ffi::CString::new(null.to_str().unwrap()).unwrap();
    // SAFETY: a valid path; the device numbers of /dev/null (1, 3).
    let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
    if made != 0 {
        eprintln!("skipped: mknod needs privileges here");
        return;
    }
    let mut o = Output::create(&null).unwrap();
    o.write_all(&[b'x'; 100_000]).unwrap();
    o.commit().unwrap();
    let m = std::fs::metadata(&null).unwrap();
    assert!(m.file_type().is_char_device(), "the device was replaced");
    assert_eq!(entries(dir.path()), ["null"]);
}

#[test]
fn a_socket_is_written_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("sock");
    let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let reader = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut v = Vec::new();
        s.read_to_end(&mut v).unwrap();
        v
    });
    let mut o = Output::create(&sock).unwrap();
    o.write_all(b"table").unwrap();
    o.commit().unwrap();
    assert_eq!(reader.join().unwrap(), b"table");
    assert!(std::fs::metadata(&sock).unwrap().file_type().is_socket());
}

#[test]
fn named_temporaries_are_removed_on_request_and_on_drop() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.csv");
    let named = OutputOptions {
        unnamed_temporary: false,
    };
    let mut o = Output::create_with(&p, named).unwrap();
    o.write_all(b"x").unwrap();
    let before = entries(dir.path());
    assert_eq!(before.len(), 1);
    assert!(before[0].starts_with(".t.csv.") && before[0].ends_with(".tmp"));
    let mode = std::fs::metadata(dir.path().join(&before[0]))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o666 & !umask());
    // What the CLI's SIGINT/SIGTERM handler does.
    remove_pending_temporaries();
    assert!(entries(dir.path()).is_empty());
    drop(o);
    // Commit through the named path.
    let mut o = Output::create_with(&p, named).unwrap();
    o.write_all(b"y").unwrap();
    o.commit().unwrap();
    assert_eq!(entries(dir.path()), ["t.csv"]);
    assert_eq!(std::fs::read(&p).unwrap(), b"y");
}

#[test]
fn memory_outputs_seek_and_return_their_bytes() {
    let mut o = Output::memory();
    o.write_all(b"abcdef").unwrap();
    o.seek(SeekFrom::Start(1)).unwrap();
    o.write_all(b"X").unwrap();
    assert_eq!(o.into_bytes(), b"aXcdef");
}
