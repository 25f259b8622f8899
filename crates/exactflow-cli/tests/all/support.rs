//! Helpers shared by the CLI's integration tests: running the built binary and reading
//! what it printed.

use std::process::{Command, Output};

/// The example scenario of the README and docs/cli.md
/// ([`exactflow_core::presets::EXAMPLE_TOML`]) as command-line flags.
pub const EXAMPLE_FLAGS: [&str; 14] = [
    "--gamma",
    "0.9",
    "--eta-u",
    "0.7",
    "--eta-w",
    "13/10",
    "--exx",
    "1.1",
    "--exy",
    "-2.5",
    "--u0",
    "0.1,-0.2,0.3",
    "--w0",
    "0.5,0.1,-0.7",
];

/// Runs the `exactflow` binary built for these tests with `args`.
pub fn exactflow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_exactflow"))
        .args(args)
        .output()
        .expect("run exactflow")
}

/// The standard output, which must be UTF-8.
pub fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

/// The standard error, which must be UTF-8.
pub fn stderr(o: &Output) -> String {
    text(&o.stderr)
}

/// Bytes that must be UTF-8, as a string.
pub fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("utf-8")
}

/// A usage error as the CLI contract wants it: exit 2, one line naming `field`, no panic
/// and nothing on standard output.
pub fn assert_input_error(o: &Output, field: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "one line expected: {err}");
    assert!(err.contains(field), "{err:?} should name {field}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty(), "partial output: {}", stdout(o));
}
