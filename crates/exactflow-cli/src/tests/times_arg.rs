//! Unit tests of `times_arg.rs`.
use super::*;

fn q(s: &str) -> Q {
    parse_exact(s).unwrap()
}

#[test]
fn grids_parse_uniform_and_geometric() {
    let g = TimeSource::Axis(parse_grid("0:1:4").unwrap())
        .to_vec()
        .unwrap();
    assert_eq!(g, [q("0"), q("1/3"), q("2/3"), q("1")]);
    let g = TimeSource::Axis(parse_grid("1e-3:1e3:log:7").unwrap())
        .to_vec()
        .unwrap();
    assert_eq!(g, ["1e-3", "1e-2", "0.1", "1", "10", "100", "1000"].map(q));
    for bad in [
        "0:1",
        "0:1:0",
        "1:0:3",
        "-1:1:3",
        "0:x:3",
        "0:1:-2",
        "0:1:99999999999",
        "0:1:lin:3",
        "0:1:log:3",
        "1:2:log:x",
    ] {
        let e = parse_grid(bad).unwrap_err();
        assert!(e.to_string().starts_with("--grid"), "{bad}: {e}");
    }
}

#[test]
fn lists_name_the_bad_entry() {
    assert_eq!(TimeSource::Axis(parse_list("0,0.5").unwrap()).len(), 2);
    assert!(parse_list("0,-1")
        .unwrap_err()
        .to_string()
        .starts_with("--times[1]"));
    assert!(parse_list("0,,1")
        .unwrap_err()
        .to_string()
        .starts_with("--times[1]"));
}

#[test]
fn times_files_of_text_and_npy_stream_their_exact_points() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.txt");
    std::fs::write(&p, "# times\n0\n0.1\n\n1/3\n  2e3  \n").unwrap();
    let f = TimesFile::open(&p).unwrap();
    assert_eq!(f.len(), 4);
    assert_eq!(f.max_f64(), 2000.0);
    let v = TimeSource::File(f).to_vec().unwrap();
    assert_eq!(v, [q("0"), q("1/10"), q("1/3"), q("2000")]);
    std::fs::write(&p, "0\n-1\n").unwrap();
    let e = TimesFile::open(&p).unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
    std::fs::write(&p, "0\nabc\n").unwrap();
    assert!(TimesFile::open(&p)
        .unwrap_err()
        .to_string()
        .contains("line 2"));
    std::fs::write(&p, "\n# nothing\n").unwrap();
    assert!(TimesFile::open(&p).is_err());
    // An NPY vector as numpy writes it: every double read exactly.
    let n = dir.path().join("t.npy");
    let vals = [0.0f64, 0.1, 2.5, 1e-300];
    let mut b = exactflow_tables_npy_header("<f8", &format!("({},)", vals.len()));
    for v in vals {
        b.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(&n, &b).unwrap();
    let f = TimesFile::open(&n).unwrap();
    assert_eq!(f.len(), 4);
    let v = TimeSource::File(f).to_vec().unwrap();
    let exact: Vec<Q> = vals
        .iter()
        .map(|x| exactflow_core::number::f64_to_q_exact(*x).unwrap())
        .collect();
    assert_eq!(v, exact);
    // A 2-D array that is not a vector, a NaN, an integer dtype: refused.
    for (descr, shape, data) in [
        ("<f8", "(2, 2)", vec![0u8; 32]),
        ("<f8", "(1,)", f64::NAN.to_le_bytes().to_vec()),
        ("<i8", "(1,)", vec![0u8; 8]),
    ] {
        let mut b = exactflow_tables_npy_header(descr, shape);
        b.extend_from_slice(&data);
        std::fs::write(&n, &b).unwrap();
        let e = TimesFile::open(&n).unwrap_err();
        assert!(e.to_string().starts_with("--times-file"), "{e}");
    }
}

/// An NPY v1.0 header (written here independently of the library's writer).
fn exactflow_tables_npy_header(descr: &str, shape: &str) -> Vec<u8> {
    let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    let total = (10 + dict.len() + 1).div_ceil(64) * 64;
    let mut h = b"\x93NUMPY\x01\x00".to_vec();
    h.extend_from_slice(&((total - 10) as u16).to_le_bytes());
    h.extend_from_slice(dict.as_bytes());
    h.resize(total - 1, b' ');
    h.push(b'\n');
    h
}
