//! Reading the three formats and the exact tolerance test, including its corners.
use super::*;

fn table(text: &str) -> Table {
    read_bytes(text.as_bytes(), "test").unwrap()
}

fn opts(rtol: &str, atol: &str) -> Options {
    let d = |s: &str| match Value::parse(s) {
        Some(Value::Finite(d)) => d,
        _ => panic!("{s}"),
    };
    Options {
        rtol: d(rtol),
        atol: d(atol),
        columns: None,
    }
}

const REF: &str = "# engine: mp\n# digits: 20\nt,z,residual,residual_err\n0.0e0,1.0000000000000000000e0,-2.0000000000000000000e0,1e-20\n5.0000000000000000000e-1,1.2345678901234567890e0,-1.0000000000000000001e-3,1e-20\n";

#[test]
fn csv_metadata_header_rows() {
    let t = table(REF);
    assert_eq!(t.metadata[0], ("engine".into(), "mp".into()));
    assert_eq!(t.columns.as_ref().unwrap()[3], "residual_err");
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[1][1].text, "1.2345678901234567890e0");
}

#[test]
fn exact_decimals_decide_beyond_double_precision() {
    // Differs from the reference in the 20th digit only: invisible to f64.
    let cand = REF.replace("1.2345678901234567890e0", "1.2345678901234567891e0");
    let r = compare(&table(REF), &table(&cand), &opts("1e-25", "0")).unwrap();
    assert!(!r.passed());
    let z = &r.columns[0];
    assert_eq!((z.column.as_str(), z.failed), ("z", 1));
    assert_eq!(z.worst.as_ref().unwrap().t, "5.0000000000000000000e-1");
    // `residual_err` is a bound, not compared; `t` matched across spellings.
    assert_eq!(r.columns.len(), 2);
    assert!(compare(&table(REF), &table(&cand), &opts("1e-19", "0"))
        .unwrap()
        .passed());
    // Exactly at the boundary passes: |Δ| = 1e-19 = rtol·|r| would need rtol = 1e-19/1.23…
    let at = opts("0", "1e-19");
    assert!(compare(&table(REF), &table(&cand), &at).unwrap().passed());
    let below = opts("0", "0.99999999999999999999e-19");
    assert!(!compare(&table(REF), &table(&cand), &below)
        .unwrap()
        .passed());
}

#[test]
fn rows_match_by_t_and_missing_rows_fail() {
    let cand = "t,z\n0,1\n0.50000000000000004,1.234567890123456789\n";
    let r = compare(&table(REF), &table(cand), &opts("1e-15", "0")).unwrap();
    assert!(r.passed(), "{r:?}");
    assert_eq!(r.not_compared, vec!["residual".to_string()]);
    let short = "t,z\n0,1\n";
    let r = compare(&table(REF), &table(short), &opts("1e-15", "0")).unwrap();
    assert_eq!(r.missing_rows, vec!["5.0000000000000000000e-1".to_string()]);
    assert!(!r.passed());
}

#[test]
fn nan_and_infinities() {
    let a = "t,x\n0,nan\n1,inf\n2,-inf\n";
    assert!(compare(&table(a), &table(a), &opts("0", "0"))
        .unwrap()
        .passed());
    let b = "t,x\n0,1\n1,inf\n2,inf\n";
    let r = compare(&table(a), &table(b), &opts("1", "1")).unwrap();
    assert_eq!(r.columns[0].failed, 2);
}

#[test]
fn json_and_npy_read_the_same_values() {
    let j =
        r#"{"metadata":{"engine":"fast"},"columns":["t","z"],"rows":[["0","1.5"],[0.5, 2.25]]}"#;
    let t = table(j);
    assert_eq!(t.rows[1][1].f, 2.25);
    // An NPY of the same numbers, named after the JSON's columns.
    let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
    let pad = 64 - (10 + header.len() + 1) % 64;
    let h = format!("{header}{}\n", " ".repeat(pad));
    npy.extend_from_slice(&(h.len() as u16).to_le_bytes());
    npy.extend_from_slice(h.as_bytes());
    for v in [0.0f64, 1.5, 0.5, 2.25] {
        npy.extend_from_slice(&v.to_le_bytes());
    }
    let n = read_bytes(&npy, "npy").unwrap();
    assert!(n.columns.is_none() && n.rows[1][1].binary);
    assert!(compare(&t, &n, &opts("0", "0")).unwrap().passed());
    // Two NPYs have no names to match.
    assert!(matches!(
        compare(&n, &n, &opts("0", "0")),
        Err(TableError::Usage { .. })
    ));
}

#[test]
fn malformed_tables_are_errors_naming_the_place() {
    for bad in [
        "t,z\n0,abc\n",
        "t,z\n0\n",
        "t,t\n0,1\n",
        "{\"columns\":[\"t\"],\"rows\":[[\"x\"]]}",
        "{not json",
    ] {
        let e = read_bytes(bad.as_bytes(), "--candidate").unwrap_err();
        assert!(e.to_string().starts_with("--candidate"), "{e}");
    }
    let npy = b"\x93NUMPY\x01\x00\x10\x00{'descr': '<i8'}";
    let e = read_bytes(npy, "--candidate").unwrap_err();
    assert!(e.to_string().starts_with("--candidate: NPY"), "{e}");
    let e = compare(&table(REF), &table("x,z\n0,1\n"), &opts("0", "0")).unwrap_err();
    assert!(e.to_string().contains("no column \"t\""), "{e}");
}

#[test]
fn decimals_parse_exactly() {
    let v = |s: &str| match Value::parse(s) {
        Some(Value::Finite(d)) => d.small().unwrap(),
        other => panic!("{s}: {other:?}"),
    };
    assert_eq!(v("1.2500e-1"), (125, -3));
    assert_eq!(v("-0.0"), (0, 0));
    assert_eq!(v("100"), (1, 2));
    assert_eq!(v(".5"), (5, -1));
    for bad in ["", "1e", "e5", "1.2.3", "0x10", "1e+", "--1"] {
        assert!(Value::parse(bad).is_none(), "{bad}");
    }
    // The exact value of a double.
    match Value::from_f64(0.1) {
        Value::Finite(d) => assert_eq!(d.exp, -55),
        other => panic!("{other:?}"),
    }
}
