//! Unit tests of `output.rs`.
use super::*;

fn table() -> Table {
    Table {
        metadata: vec![("engine".into(), "fast".into())],
        columns: vec!["t".into(), "z".into()],
        text: vec![
            vec!["0e0".into(), "1e0".into()],
            vec!["1e0".into(), "2.5e0".into()],
        ],
        values: vec![vec![0.0, 1.0], vec![1.0, 2.5]],
    }
}

#[test]
fn csv_has_metadata_header_rows() {
    let s = String::from_utf8(table().render(Format::Csv)).unwrap();
    assert_eq!(s, "# engine: fast\nt,z\n0e0,1e0\n1e0,2.5e0\n");
}

#[test]
fn json_parses_with_strings() {
    let v: serde_json::Value = serde_json::from_slice(&table().render(Format::Json)).unwrap();
    assert_eq!(v["metadata"]["engine"], "fast");
    assert_eq!(v["columns"][1], "z");
    assert_eq!(v["rows"][1][1], "2.5e0");
}

#[test]
fn npy_header_is_aligned_and_data_follows() {
    let b = table().render(Format::Npy);
    assert_eq!(&b[..8], b"\x93NUMPY\x01\x00");
    let hl = u16::from_le_bytes([b[8], b[9]]) as usize;
    assert_eq!((10 + hl) % 64, 0);
    let header = std::str::from_utf8(&b[10..10 + hl]).unwrap();
    assert!(header.contains("'shape': (2, 2)"), "{header}");
    assert_eq!(b.len(), 10 + hl + 4 * 8);
    let last = f64::from_le_bytes(b[b.len() - 8..].try_into().unwrap());
    assert_eq!(last, 2.5);
}

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
