//! Reading every format (fixtures written by numpy, pandas and polars themselves:
//! scripts/compare_fixtures.py), the exact tolerance test and its corners, and the rules
//! that keep a comparison from passing by accident.
use super::*;
use crate::dec::{sign_of_sum, within};
use std::cmp::Ordering;
use std::path::PathBuf;

fn table(text: &str) -> Table {
    read_bytes(text.as_bytes()).unwrap()
}

fn dec(s: &str) -> Dec {
    match Value::parse(s) {
        Some(Value::Finite(d)) => d,
        other => panic!("{s}: {other:?}"),
    }
}

fn opts(rtol: &str, atol: &str) -> Options {
    Options::new(dec(rtol), dec(atol))
}

fn fixture(name: &str) -> Table {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    read_path(&p).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn names(list: &str) -> Option<Vec<String>> {
    Some(list.split(',').map(str::to_string).collect())
}

const REF: &str = "# engine: mp\n# digits: 20\nt,z,residual,residual_err\n0.0e0,1.0000000000000000000e0,-2.0000000000000000000e0,1e-20\n5.0000000000000000000e-1,1.2345678901234567890e0,-1.0000000000000000001e-3,1e-20\n";

#[test]
fn csv_metadata_header_rows() {
    let t = table(REF);
    assert_eq!(t.metadata[0], ("engine".into(), "mp".into()));
    assert_eq!(t.columns.as_ref().unwrap()[3], "residual_err");
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[1][1].text(), "1.2345678901234567890e0");
    // The writer's trailer: metadata after the rows, read after the header's.
    let t = table("# a: 1\nt,z\n0,1\n# b: 2\n");
    assert_eq!(
        t.metadata,
        vec![("a".into(), "1".into()), ("b".into(), "2".into())]
    );
    assert_eq!(t.rows.len(), 1);
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
    // `residual_err` is a bound, not compared.
    assert_eq!(r.columns.len(), 2);
    assert!(compare(&table(REF), &table(&cand), &opts("1e-19", "0"))
        .unwrap()
        .passed());
    // Exactly at the boundary passes: |Δ| = 1e-19 = atol.
    let at = opts("0", "1e-19");
    assert!(compare(&table(REF), &table(&cand), &at).unwrap().passed());
    let below = opts("0", "0.99999999999999999999e-19");
    assert!(!compare(&table(REF), &table(&cand), &below)
        .unwrap()
        .passed());
}

#[test]
fn rows_match_by_equal_times_only_unless_a_time_tolerance_is_given() {
    // 0.5000000000000002 (the next double but one) is not 0.5: before, any time within
    // 1e-9 relative matched.
    let cand = "t,z\n0,1\n0.5000000000000002,1.234567890123456789\n";
    let r = compare(&table(REF), &table(cand), &opts("1e-15", "0")).unwrap();
    assert!(!r.passed(), "{r:?}");
    assert_eq!(r.missing_rows, vec!["5.0000000000000000000e-1".to_string()]);
    assert_eq!(r.extra_rows, vec!["0.5000000000000002".to_string()]);
    // A time printed with 17 digits from the same double (`%.17e` of 0.5 + 2^-54 is not
    // it, but 0.50000000000000004 rounds to 0.5) meets the reference; 0.3 + 0.2's does not.
    let printed = "t,z\n0,1\n0.50000000000000004,1.234567890123456789\n";
    assert!(compare(&table(REF), &table(printed), &opts("1e-15", "0"))
        .unwrap()
        .passed());
    let r3 = table("t,z\n0.3,1\n");
    let c3 = table("t,z\n0.30000000000000004,1\n");
    assert!(!compare(&r3, &c3, &opts("0", "0")).unwrap().passed());
    let c3 = table("t,z\n2.99999999999999988898e-1,1\n");
    assert!(compare(&r3, &c3, &opts("0", "0")).unwrap().passed());
    // Two reference times that round to one double: a candidate time equal to neither
    // cannot tell them apart (one equal to either is matched to it).
    let twins = table("t,z\n0.1,1\n0.10000000000000000001,1\n");
    assert!(matches!(
        compare(
            &twins,
            &table("t,z\n0.100000000000000000005,1\n"),
            &opts("0", "0")
        ),
        Err(CompareError::AmbiguousTime { .. })
    ));
    let near = "t,z\n0,1\n0.5000000001,1.234567890123456789\n";
    assert!(!compare(&table(REF), &table(near), &opts("1e-15", "0"))
        .unwrap()
        .passed());
    // Equal times in another spelling match.
    let spelled = "t,z\n0,1\n0.500,1.234567890123456789\n";
    let r = compare(&table(REF), &table(spelled), &opts("1e-15", "0")).unwrap();
    assert!(r.passed(), "{r:?}");
    assert_eq!(r.not_compared, vec!["residual".to_string()]);
    // A user-set relative time tolerance, decided exactly.
    let mut o = opts("1e-15", "0");
    o.time_rtol = Some(dec("4e-16"));
    assert!(compare(&table(REF), &table(cand), &o).unwrap().passed());
    o.time_rtol = Some(dec("3.9e-16"));
    assert!(!compare(&table(REF), &table(cand), &o).unwrap().passed());
    // A tolerance that makes one time match two rows is an error naming the row.
    let two = "t,z\n0,1\n0.4999,1.2345678901234567890\n0.5001,1.2345678901234567890\n";
    o.time_rtol = Some(dec("1e-3"));
    let e = compare(&table(REF), &table(two), &o).unwrap_err();
    assert!(
        matches!(
            e,
            CompareError::AmbiguousTime {
                side: Side::Reference,
                row: 2,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn missing_and_extra_rows_fail_extra_ones_unless_allowed() {
    let short = "t,z\n0,1\n";
    let r = compare(&table(REF), &table(short), &opts("1e-15", "0")).unwrap();
    assert_eq!(r.missing_rows, vec!["5.0000000000000000000e-1".to_string()]);
    assert!(!r.passed());
    // Before, candidate rows the reference lacks were ignored.
    let long = "t,z\n0,1\n0.5,1.2345678901234567890\n1,7\n";
    let r = compare(&table(REF), &table(long), &opts("0", "0")).unwrap();
    assert_eq!(r.extra_rows, vec!["1".to_string()]);
    assert!(!r.passed());
    assert!(matches!(r.failures()[0], Failure::ExtraRows(_)));
    let mut o = opts("0", "0");
    o.allow_extra_rows = true;
    assert!(compare(&table(REF), &table(long), &o).unwrap().passed());
    // Nothing compared is no pass.
    let none = "t,z\n";
    let r = compare(&table(none), &table(none), &opts("0", "0")).unwrap();
    assert_eq!(r.failures(), vec![Failure::Empty]);
}

#[test]
fn duplicate_or_unsorted_times_are_errors_naming_the_row() {
    // A duplicated t whose second copy is garbage used to pass.
    let dup = "t,z\n0,1\n0.5,1.2345678901234567890\n0.5,999\n";
    let e = compare(&table(REF), &table(dup), &opts("1e-15", "0")).unwrap_err();
    assert_eq!(
        e,
        CompareError::Times {
            side: Side::Candidate,
            row: 3,
            t: "0.5".into(),
            fault: TimeFault::Duplicate
        }
    );
    assert!(e.to_string().contains("row 3"), "{e}");
    // Equal in value, different in spelling: still a duplicate.
    let dup2 = "t,z\n0,1\n5e-1,2\n0.50,3\n";
    assert!(matches!(
        compare(&table(REF), &table(dup2), &opts("1", "0")),
        Err(CompareError::Times {
            row: 3,
            fault: TimeFault::Duplicate,
            ..
        })
    ));
    let back = "t,z\n0,1\n0.5,1.2345678901234567890\n0.25,1\n";
    assert!(matches!(
        compare(&table(REF), &table(back), &opts("1", "0")),
        Err(CompareError::Times {
            side: Side::Candidate,
            row: 3,
            fault: TimeFault::Decreasing,
            ..
        })
    ));
    // Times apart only beyond f64 are still ordered exactly.
    let fine = "t,z\n1.00000000000000000001,1\n1.00000000000000000002,1\n";
    assert!(compare(&table(fine), &table(fine), &opts("0", "0"))
        .unwrap()
        .passed());
    let fine_back = "t,z\n1.00000000000000000002,1\n1.00000000000000000001,1\n";
    assert!(matches!(
        compare(&table(REF), &table(fine_back), &opts("0", "0")),
        Err(CompareError::Times {
            row: 2,
            fault: TimeFault::Decreasing,
            ..
        })
    ));
    // The reference is held to the same rule, and a NaN time is no time.
    let e = compare(&table(dup), &table(REF), &opts("1", "0")).unwrap_err();
    assert!(matches!(
        e,
        CompareError::Times {
            side: Side::Reference,
            row: 3,
            ..
        }
    ));
    let nan_t = "t,z\n0,1\nnan,2\n";
    assert!(matches!(
        compare(&table(REF), &table(nan_t), &opts("1", "0")),
        Err(CompareError::Times {
            row: 2,
            fault: TimeFault::NotFinite,
            ..
        })
    ));
    // numpy's own file: duplicate_t.npy repeats row 3's time with garbage values.
    let mut o = opts("1e-15", "0");
    o.columns = names("t,z,slope,loss,ntk");
    let e = compare(&fixture("ref.csv"), &fixture("duplicate_t.npy"), &o).unwrap_err();
    assert!(
        matches!(
            e,
            CompareError::Times {
                side: Side::Candidate,
                row: 4,
                fault: TimeFault::Duplicate,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn nan_cells_fail_unless_nan_equal() {
    let a = "t,x\n0,nan\n1,inf\n2,-inf\n";
    // Before, NaN against NaN passed.
    let r = compare(&table(a), &table(a), &opts("0", "0")).unwrap();
    assert_eq!(r.columns[0].failed, 1);
    assert_eq!(r.columns[0].worst.as_ref().unwrap().row, 1);
    let mut o = opts("0", "0");
    o.nan_equal = true;
    assert!(compare(&table(a), &table(a), &o).unwrap().passed());
    // NaN against a number fails either way; infinities must agree in sign.
    let b = "t,x\n0,1\n1,inf\n2,inf\n";
    let r = compare(&table(a), &table(b), &o).unwrap();
    assert_eq!(r.columns[0].failed, 2);
    let r = compare(&table(b), &table(a), &opts("1", "1")).unwrap();
    assert_eq!(r.columns[0].failed, 2);
    // pandas writes NaN as an empty field, JSON as null.
    let p = table("t,x\n0,\n1,inf\n2,-inf\n");
    assert!(p.rows[0][1].f.is_nan());
    assert!(compare(&table(a), &p, &o).unwrap().passed());
    let j = table(r#"[{"t":0,"x":null},{"t":1,"x":"inf"},{"t":2,"x":"-inf"}]"#);
    assert!(compare(&table(a), &j, &o).unwrap().passed());
}

#[test]
fn huge_exponents_are_decided_from_the_exponents() {
    // Before, each such cell cost 0.2 s of exact arithmetic (2000 cells > 60 s).
    let mut cand = String::from("t,z\n");
    let mut reference = String::from("t,z\n");
    for i in 0..2000 {
        cand.push_str(&format!("{i},1e999999\n"));
        reference.push_str(&format!("{i},1.5\n"));
    }
    let (r, c) = (table(&reference), table(&cand));
    let rep = compare(&r, &c, &opts("1e-9", "0")).unwrap();
    assert_eq!(rep.columns[0].failed, 2000);
    let w = rep.columns[0].worst.as_ref().unwrap();
    assert_eq!((w.error.e, w.error.m.round()), (999999, 1.0));
    // A relative tolerance of 1e999999 allows it; 1e999998 does not.
    assert!(compare(&r, &c, &opts("1e999999", "0")).unwrap().passed());
    assert_eq!(
        compare(&r, &c, &opts("1e999998", "0")).unwrap().columns[0].failed,
        2000
    );
    // A tiny absolute tolerance with rtol 0: equality, decided at once.
    assert!(compare(&r, &r, &opts("0", "1e-999999")).unwrap().passed());
    assert_eq!(
        compare(&r, &c, &opts("0", "1e-999999")).unwrap().columns[0].failed,
        2000
    );
    // Exact at the boundary, where the difference is 150000 decades below the values.
    let one_plus = format!("1.{}1", "0".repeat(149_999));
    let tiny = "1e-150000";
    assert!(within(&dec(&one_plus), &dec("1"), &dec("0"), &dec(tiny)));
    let below = format!("0.{}e-150000", "9".repeat(30));
    assert!(!within(&dec(&one_plus), &dec("1"), &dec("0"), &dec(&below)));
    assert!(within(&dec(&one_plus), &dec("1"), &dec(tiny), &dec("0")));
    assert!(!within(&dec(&one_plus), &dec("1"), &dec(&below), &dec("0")));
    // Beyond ±10^6 decades is not a number we accept.
    assert!(Value::parse("1e1000001").is_none());
    assert!(Value::parse("1e-999999").is_some());
}

/// A tiny deterministic generator (xorshift) for the exhaustive-by-sampling tests.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn sign_of_sum_agrees_with_plain_aligned_integer_arithmetic() {
    // Independent route: align every term to the smallest exponent with BigInt and add.
    use num_bigint::BigInt;
    let mut s = 0x9e3779b97f4a7c15u64;
    for _ in 0..20_000 {
        let n = 1 + (xorshift(&mut s) % 4) as usize;
        let terms: Vec<Dec> = (0..n)
            .map(|_| {
                let m = (xorshift(&mut s) % 2001) as i64 - 1000;
                // Exponents clustered so that cancellations and near-ties happen.
                let e = (xorshift(&mut s) % 9) as i64 - 4;
                let m = m * 10i64.pow((xorshift(&mut s) % 3) as u32);
                match Value::parse(&format!("{m}e{e}")) {
                    Some(Value::Finite(d)) => d,
                    _ => unreachable!(),
                }
            })
            .collect();
        let lo = terms.iter().map(|d| d.exp).min().unwrap_or(0);
        let plain: BigInt = terms
            .iter()
            .map(|d| &d.mantissa * BigInt::from(10u8).pow((d.exp - lo) as u32))
            .sum();
        let expected = plain.sign().cmp(&num_bigint::Sign::NoSign);
        assert_eq!(sign_of_sum(&terms), expected, "{terms:?}");
    }
    assert_eq!(sign_of_sum(&[]), Ordering::Equal);
}

#[test]
fn approximate_deviations_of_any_magnitude() {
    let a = Approx::of(&dec("-2.54321e-999990"));
    assert_eq!(a.e, -999990);
    assert!((a.m - 2.54321).abs() < 1e-12);
    assert_eq!(a.to_string(), "2.543e-999990");
    assert_eq!(Approx::of(&dec("9.9999e5")).to_string(), "1.000e6");
    assert_eq!(Approx::from_f64(2.5e-300).e, -300);
    assert_eq!(Approx::ZERO.ratio(Approx::ZERO), 0.0);
    assert_eq!(a.ratio(Approx::ZERO), f64::INFINITY);
    assert!((Approx::from_f64(6.0).ratio(Approx::from_f64(3.0)) - 2.0).abs() < 1e-15);
}

#[test]
fn json_arrays_are_json_not_csv() {
    // Before, a document starting with `[` was read as a one-column CSV.
    let j = table(r#"[{"t": 0, "z": 1.5}, {"t": 0.5, "z": "2.25"}]"#);
    assert_eq!(j.format, Format::Json);
    assert_eq!(j.columns, names("t,z"));
    assert_eq!(j.rows[1][1].f, 2.25);
    for bad in [
        r#"[1, 2]"#,
        r#"[{"t": 0}, {"z": 1}]"#,
        "[{\"t\": 0",
        r#"[{"t": true}]"#,
    ] {
        let e = read_bytes(bad.as_bytes()).unwrap_err();
        assert!(
            matches!(e, ReadError::Json(_) | ReadError::NotANumber { .. }),
            "{bad}: {e}"
        );
    }
    // Numbers keep their text exactly, beyond f64.
    let long = table(r#"{"columns":["t","z"],"rows":[[0, 1.00000000000000000000000001]]}"#);
    assert_eq!(long.rows[0][1].text(), "1.00000000000000000000000001");
}

#[test]
fn json_and_npy_read_the_same_values() {
    let j =
        r#"{"metadata":{"engine":"fast"},"columns":["t","z"],"rows":[["0","1.5"],[0.5, 2.25]]}"#;
    let t = table(j);
    assert_eq!(t.rows[1][1].f, 2.25);
    assert_eq!(t.metadata, vec![("engine".to_string(), "fast".to_string())]);
    // An NPY of the same numbers, named by the caller.
    let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
    let pad = 64 - (10 + header.len() + 1) % 64;
    let h = format!("{header}{}\n", " ".repeat(pad));
    npy.extend_from_slice(&(h.len() as u16).to_le_bytes());
    npy.extend_from_slice(h.as_bytes());
    for v in [0.0f64, 1.5, 0.5, 2.25] {
        npy.extend_from_slice(&v.to_le_bytes());
    }
    let n = read_bytes(&npy).unwrap();
    assert!(n.columns.is_none() && n.rows[1][1].kind == Kind::F64);
    // Unnamed columns get no names by default (before: silently the reference's).
    assert_eq!(
        compare(&t, &n, &opts("0", "0")).unwrap_err(),
        CompareError::Unnamed {
            side: Side::Candidate,
            width: 2
        }
    );
    let mut o = opts("0", "0");
    o.columns = names("t,z");
    assert!(compare(&t, &n, &o).unwrap().passed());
    o.columns = names("t");
    assert_eq!(
        compare(&t, &n, &o).unwrap_err(),
        CompareError::NamesCount {
            side: Side::Candidate,
            width: 2,
            given: 1
        }
    );
    // Names in the wrong order: the candidate's "t" is the z column, no time matches.
    o.columns = names("z,t");
    let r = compare(&t, &n, &o).unwrap();
    assert!(!r.passed());
    assert_eq!(
        (r.rows, r.missing_rows.len(), r.extra_rows.len()),
        (0, 2, 2)
    );
}

#[test]
fn numpy_arrays_in_every_order_and_float_dtype() {
    let reference = fixture("ref.csv");
    let mut o = opts("1e-15", "0");
    o.columns = names("t,z,slope,loss,ntk");
    for name in [
        "c_order.npy",
        "fortran.npy",
        "transposed.npy",
        "structured.npy",
    ] {
        let t = fixture(name);
        let r = compare(&reference, &t, &o).unwrap();
        assert!(r.passed(), "{name}: {r:?}");
        assert_eq!((r.rows, r.columns.len()), (9, 4), "{name}");
        // The f64 values are the roundings of 30 digits, not the digits themselves.
        let r = compare(
            &reference,
            &t,
            &Options {
                columns: o.columns.clone(),
                ..opts("1e-20", "0")
            },
        )
        .unwrap();
        assert!(!r.passed(), "{name}");
    }
    // The same cell in C and Fortran order.
    let (c, f) = (fixture("c_order.npy"), fixture("fortran.npy"));
    assert_eq!(c.rows, f.rows);
    assert_eq!(c.rows[1][0].f, 0.5);
    assert_eq!(c.rows[0][2].text(), "-2.9095409671003544e-8");
    // float32 big-endian: float32's accuracy; float16: its own (slope and ntk lie below
    // float16's smallest normal, so they get an absolute allowance).
    let mut o4 = opts("1e-7", "0");
    o4.columns = o.columns.clone();
    assert!(compare(&reference, &fixture("f4_big.npy"), &o4)
        .unwrap()
        .passed());
    o4.rtol = dec("1e-9");
    assert!(!compare(&reference, &fixture("f4_big.npy"), &o4)
        .unwrap()
        .passed());
    let mut o2 = opts("1e-3", "6e-8");
    o2.columns = o.columns.clone();
    assert!(compare(&reference, &fixture("f2.npy"), &o2)
        .unwrap()
        .passed());
    assert_eq!(fixture("f2.npy").rows[0][0].kind, Kind::F16);
    // np.longdouble is refused with the reason.
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/longdouble.npy");
    let e = read_path(&p).unwrap_err();
    assert!(e.to_string().contains("longdouble"), "{e}");
}

#[test]
fn npz_archives_name_their_columns() {
    let reference = fixture("ref.csv");
    for name in ["savez.npz", "savez_compressed.npz"] {
        let t = fixture(name);
        assert_eq!(t.columns, names("t,z,slope,loss,ntk"), "{name}");
        assert!(
            compare(&reference, &t, &opts("1e-15", "0"))
                .unwrap()
                .passed(),
            "{name}"
        );
    }
    // A subset of columns is compared by name.
    let r = compare(&reference, &fixture("subset.npz"), &opts("1e-15", "0")).unwrap();
    assert!(r.passed());
    assert_eq!(
        r.columns
            .iter()
            .map(|c| c.column.as_str())
            .collect::<Vec<_>>(),
        ["loss"]
    );
    assert_eq!(r.not_compared, ["z", "slope", "ntk"]);
    let mut strict = opts("1e-15", "0");
    strict.strict = true;
    assert!(!compare(&reference, &fixture("subset.npz"), &strict)
        .unwrap()
        .passed());
    // Swapped columns fail, each of them.
    let r = compare(&reference, &fixture("swapped.npz"), &opts("1e-9", "0")).unwrap();
    let failed: Vec<&str> = r
        .columns
        .iter()
        .filter(|c| c.failed > 0)
        .map(|c| c.column.as_str())
        .collect();
    assert_eq!(failed, ["z", "slope"]);
    // A candidate column the reference lacks is listed; --strict fails on it.
    let r = compare(&reference, &fixture("extra.npz"), &opts("1e-15", "0")).unwrap();
    assert_eq!(r.extra_columns, ["accuracy"]);
    assert!(r.passed());
    let r = compare(&reference, &fixture("extra.npz"), &strict).unwrap();
    assert!(r
        .failures()
        .contains(&Failure::ExtraColumns(&["accuracy".to_string()])));
    // Metadata stored as a JSON string array.
    let m = fixture("with_metadata.npz");
    assert_eq!(m.columns, names("t,z"));
    assert!(
        m.metadata
            .contains(&("trainer".to_string(), "sgd".to_string())),
        "{:?}",
        m.metadata
    );
}

#[test]
fn pandas_and_polars_tables() {
    let reference = fixture("ref.csv");
    // pandas' default to_csv writes the index as a first, unnamed column.
    let p = fixture("pandas_index.csv");
    assert_eq!(p.columns, names("t,z,slope,loss,ntk"));
    for name in ["pandas_index.csv", "polars.csv", "polars.json"] {
        let r = compare(&reference, &fixture(name), &opts("1e-15", "0")).unwrap();
        assert!(r.passed(), "{name}: {r:?}");
        assert_eq!(r.rows, 9, "{name}");
    }
    // pandas' JSON orients: written to 15 decimal places (not significant digits), so
    // held to 1e-15 absolute.
    for name in [
        "pandas_columns.json",
        "pandas_records.json",
        "pandas_split.json",
    ] {
        let r = compare(&reference, &fixture(name), &opts("1e-15", "1e-15")).unwrap();
        assert!(r.passed(), "{name}: {r:?}");
        assert_eq!((r.rows, r.columns.len()), (9, 4), "{name}");
        let r = compare(&reference, &fixture(name), &opts("1e-15", "0")).unwrap();
        assert!(!r.passed(), "{name}");
    }
}

#[test]
fn malformed_tables_are_errors_naming_the_place() {
    for (bad, needle) in [
        ("t,z\n0,abc\n", "row 1, column z"),
        ("t,z\n0\n", "row 1 has 1 fields"),
        ("t,t\n0,1\n", "appears twice"),
        (
            "{\"columns\":[\"t\"],\"rows\":[[\"x\"]]}",
            "row 1, column t",
        ),
        ("{not json", "JSON"),
        ("t,z\n0,1e99999999\n", "not a number"),
    ] {
        let e = read_bytes(bad.as_bytes()).unwrap_err();
        assert!(e.to_string().contains(needle), "{bad}: {e}");
    }
    let npy = b"\x93NUMPY\x01\x00\x10\x00{'descr': '<i8'}";
    let e = read_bytes(npy).unwrap_err();
    assert!(e.to_string().starts_with("NPY"), "{e}");
    let e = compare(&table(REF), &table("x,z\n0,1\n"), &opts("0", "0")).unwrap_err();
    assert_eq!(e, CompareError::NoTime(Side::Candidate));
    // A long cell is quoted shortened.
    let long = format!("t,z\n0,{}x\n", "1".repeat(351));
    let e = read_bytes(long.as_bytes()).unwrap_err().to_string();
    assert!(e.contains("(352 characters)") && e.len() < 120, "{e}");
    // Column lists: empty, empty names and repeats are refused.
    for list in ["", "z,,loss", "z,z"] {
        let mut o = opts("0", "0");
        o.columns = names(list);
        assert!(
            matches!(
                compare(&table(REF), &table(REF), &o),
                Err(CompareError::ColumnList(_))
            ),
            "{list:?}"
        );
    }
}

#[test]
fn decimals_parse_exactly() {
    let v = |s: &str| dec(s).small().unwrap();
    assert_eq!(v("1.2500e-1"), (125, -3));
    assert_eq!(v("-0.0"), (0, 0));
    assert_eq!(v("100"), (1, 2));
    assert_eq!(v(".5"), (5, -1));
    assert_eq!(v("0001.50E+0002"), (15, 1));
    for bad in ["", "1e", "e5", "1.2.3", "0x10", "1e+", "--1", "1e5.5", "١"] {
        assert!(Value::parse(bad).is_none(), "{bad}");
    }
    // The exact value of a double.
    match Value::from_f64(0.1) {
        Value::Finite(d) => assert_eq!(d.exp, -55),
        other => panic!("{other:?}"),
    }
    assert_eq!(Dec::from_f64(0.5), dec("0.5"));
    assert_eq!(Dec::from_f64(3.0), dec("3"));
    assert_eq!(dec("2.5").to_f64(), 2.5);
    assert_eq!(dec("1e400").to_f64(), f64::INFINITY);
}

#[test]
fn mutated_tables_are_read_or_refused_never_a_panic() {
    // The short, deterministic cousin of fuzz/fuzz_targets/tables.rs (scripts/fuzz.sh):
    // byte mutations of every fixture, read and compared under several option sets.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    let reference = fixture("ref.csv");
    let mut s = 0x2545f4914f6cdd1du64;
    let (mut read, mut compared) = (0, 0);
    for n in 0..3000 {
        let mut b = seeds[n % seeds.len()].clone();
        for _ in 0..1 + xorshift(&mut s) % 4 {
            if b.is_empty() {
                break;
            }
            let i = (xorshift(&mut s) as usize) % b.len();
            match xorshift(&mut s) % 5 {
                0 => b[i] ^= 1 << (xorshift(&mut s) % 8),
                1 => b.truncate(i),
                2 => {
                    b.remove(i);
                }
                3 => {
                    let ins: [&[u8]; 5] = [b"1e999999", b"nan", b",", b"\n", b"-"];
                    let k = (xorshift(&mut s) % 5) as usize;
                    b.splice(i..i, ins[k].iter().copied());
                }
                _ => b[i] = xorshift(&mut s) as u8,
            }
        }
        let Ok(t) = read_bytes(&b) else { continue };
        read += 1;
        let names: Vec<String> = (0..t.width)
            .map(|i| {
                if i == 0 {
                    "t".to_string()
                } else {
                    format!("c{i}")
                }
            })
            .collect();
        for (rtol, atol) in [("0", "0"), ("1e-9", "1e-300"), ("1e999999", "0")] {
            let mut o = opts(rtol, atol);
            if t.columns.is_none() {
                o.columns = Some(names.clone());
            }
            if let Ok(r) = compare(&reference, &t, &o) {
                compared += 1;
                let _ = r.to_json();
            }
            let _ = compare(&t, &t, &o);
        }
    }
    // The mutations keep some tables readable and comparable (the test exercises both).
    assert!(
        read > 300 && compared > 30,
        "{read} read, {compared} compared"
    );
}

/// Found by fuzzing (fuzz/fuzz_targets/roundtrip.rs): a CSV column name with blanks at
/// an end (` `, a form feed) came back trimmed — empty, so the table was refused — and a
/// first name starting with `#` made the header a comment line. The writer quotes such
/// names; the reader keeps a quoted name as written and trims only unquoted ones.
#[test]
fn csv_names_with_blanks_or_a_hash_read_back_as_written() {
    use crate::write::{Cell as W, Format as F};
    let cols = ["#t", " ", "a ", "\u{c}", "\u{a0}b", "c,\"d\"", "# e: f"];
    let header = Header {
        metadata: vec![("k".into(), "v".into())],
        columns: cols.iter().map(|s| s.to_string()).collect(),
        rows: Some(1),
    };
    let mut w = TableWriter::new(Output::memory(), F::Csv, Digits::Shortest, header).unwrap();
    w.row(&[W::F64(0.5); 7]).unwrap();
    let bytes = w.finish(&[]).unwrap().into_bytes();
    let t =
        read_bytes(&bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)));
    assert_eq!(t.columns.unwrap(), cols);
    assert_eq!(t.metadata, vec![("k".into(), "v".into())]);
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0][6].f, 0.5);
    // Unquoted names are still trimmed (hand-written `t, z`), quoted ones kept.
    let t = table("t , z,\" w \"\n0, 1, 2\n");
    assert_eq!(t.columns, names("t,z, w "));
    assert_eq!(t.rows[0][2].f, 2.0);
}
