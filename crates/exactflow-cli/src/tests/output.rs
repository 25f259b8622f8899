//! Unit tests of `output.rs`.
use super::*;

#[test]
fn the_format_follows_the_file_name_and_a_contradiction_is_refused() {
    let p = |s: &str| Some(std::path::PathBuf::from(s));
    let f = |flag, out: Option<std::path::PathBuf>| resolve_format(flag, out.as_deref());
    assert_eq!(f(None, p("a.npz")).unwrap(), write::Format::Npz);
    assert_eq!(f(None, p("a.NPY")).unwrap(), write::Format::Npy);
    assert_eq!(f(None, p("a.json")).unwrap(), write::Format::Json);
    assert_eq!(f(None, p("a.txt")).unwrap(), write::Format::Csv);
    assert_eq!(f(None, None).unwrap(), write::Format::Csv);
    assert_eq!(
        f(Some(Format::Npy), p("a.dat")).unwrap(),
        write::Format::Npy
    );
    assert_eq!(
        f(Some(Format::Csv), p("a.csv")).unwrap(),
        write::Format::Csv
    );
    let e = f(Some(Format::Npy), p("a.csv")).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().starts_with("--format"), "{e}");
}
