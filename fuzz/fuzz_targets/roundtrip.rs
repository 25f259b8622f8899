//! Tables written by exactflow's writer and read back by `compare`'s reader, in every
//! format and digits setting, with hostile column names, metadata and cell values:
//!
//! * what the writer writes, the reader reads (no error, same width, rows, names, and —
//!   in JSON and NPZ, or CSV for plain text — the same metadata);
//! * binary formats hold each cell's nearest double; text cells read back within half a
//!   unit of their last printed digit (shortest `f64` text reads back as the same double);
//! * a certified cell's printed bound covers the whole ball: `|printed − mid| + rad ≤ err`,
//!   decided exactly;
//! * the table compares equal to itself at tolerance 0, and the text table to the NPY
//!   table of the same cells within the rounding bound.
#![no_main]

use exactflow_core::number::{q_to_f64_nearest, Q};
use exactflow_num::mpfr::q_to_rational_exact;
use exactflow_tables::write::{Cell as W, Format};
use exactflow_tables::{compare, read_bytes, Dec, Digits, Header, Options, Output, TableWriter};
use exactflow_tables::{CompareError, Table, Value};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use num_bigint::BigInt;
use rug::{Float, Integer, Rational};

/// A column's cells, owned.
#[derive(Debug)]
enum Col {
    F64(Vec<f64>),
    Ratio(Vec<(u128, u64)>),
    Exact(Vec<Q>),
    Mpfr(Vec<Float>),
    /// Two columns: `name`, `name_err`.
    Ball(Vec<(Float, Float)>),
}

fn float(u: &mut Unstructured<'_>) -> Result<f64> {
    Ok(match u.int_in_range(0..=3)? {
        // Any bits: NaN, infinities, subnormals.
        0 => f64::from_bits(u.arbitrary()?),
        1 => u.int_in_range(-1000..=1000)? as f64 / 8.0,
        2 => f64::from(u.arbitrary::<f32>()?),
        _ => u.arbitrary::<f64>()?,
    })
}

fn mpfr(u: &mut Unstructured<'_>) -> Result<Float> {
    let prec = u.int_in_range(2..=300)?;
    let x = Float::with_val(prec, float(u)?);
    // Beyond f64's exponent range sometimes.
    let shift: i32 = u.int_in_range(-1200..=1200)?;
    Ok(if u.ratio(1, 8)? { x << shift } else { x })
}

fn column(u: &mut Unstructured<'_>, rows: usize) -> Result<Col> {
    Ok(match u.int_in_range(0..=4)? {
        0 => Col::F64((0..rows).map(|_| float(u)).collect::<Result<_>>()?),
        1 => Col::Ratio(
            (0..rows)
                .map(|_| Ok((u.arbitrary()?, u.int_in_range(1..=u64::MAX)?)))
                .collect::<Result<_>>()?,
        ),
        2 => Col::Exact(
            (0..rows)
                .map(|_| {
                    let n: i64 = u.arbitrary()?;
                    let d: u64 = u.int_in_range(1..=u64::MAX)?;
                    Ok(Q::new(BigInt::from(n), BigInt::from(d)))
                })
                .collect::<Result<_>>()?,
        ),
        3 => Col::Mpfr((0..rows).map(|_| mpfr(u)).collect::<Result<_>>()?),
        _ => Col::Ball(
            (0..rows)
                .map(|_| {
                    let mid = mpfr(u)?;
                    let rad = Float::with_val(u.int_in_range(2..=64)?, float(u)?).abs();
                    Ok((mid, rad))
                })
                .collect::<Result<_>>()?,
        ),
    })
}

fn name(u: &mut Unstructured<'_>) -> Result<String> {
    const PLAIN: [&str; 8] = ["z", "slope", "loss", "ntk", "a b", "x_err", "é", "n2"];
    Ok(if u.ratio(1, 2)? {
        PLAIN[u.choose_index(PLAIN.len())?].to_string()
    } else {
        let s: String = u.arbitrary()?;
        s.chars().take(12).collect()
    })
}

fn dec(s: &str) -> Dec {
    match Value::parse(s) {
        Some(Value::Finite(d)) => d,
        _ => unreachable!("a literal tolerance"),
    }
}

/// Writes the table (t column, then `cols`) in `format`.
fn write(
    format: Format,
    digits: Digits,
    names: &[String],
    meta: &[(String, String)],
    trailer: &[(String, String)],
    times: &[u64],
    cols: &[Col],
) -> Option<Vec<u8>> {
    let header = Header {
        metadata: meta.to_vec(),
        columns: names.to_vec(),
        rows: Some(times.len() as u64),
    };
    let mut w = match TableWriter::new(Output::memory(), format, digits, header) {
        Ok(w) => w,
        Err(_) => return None,
    };
    for (i, &t) in times.iter().enumerate() {
        let mut cells = vec![W::Ratio {
            num: u128::from(t),
            den: 1,
        }];
        for c in cols {
            cells.push(match c {
                Col::F64(v) => W::F64(v[i]),
                Col::Ratio(v) => W::Ratio {
                    num: v[i].0,
                    den: v[i].1,
                },
                Col::Exact(v) => W::Exact(&v[i]),
                Col::Mpfr(v) => W::Mpfr(&v[i]),
                Col::Ball(v) => W::Ball {
                    mid: &v[i].0,
                    rad: &v[i].1,
                },
            });
        }
        w.row(&cells).expect("a row that fills the columns");
    }
    Some(w.finish(trailer).expect("finish").into_bytes())
}

/// The nearest double of each cell of a column (the binary formats' values), and the
/// exact value where there is one (in GMP: uninstrumented, so checks stay cheap).
fn expected(c: &Col, i: usize) -> (f64, Option<Rational>) {
    match c {
        Col::F64(v) => (v[i], Rational::from_f64(v[i])),
        Col::Ratio(v) => {
            let q = Q::new(BigInt::from(v[i].0), BigInt::from(v[i].1));
            let r = Rational::from((Integer::from(v[i].0), Integer::from(v[i].1)));
            (q_to_f64_nearest(&q), Some(r))
        }
        Col::Exact(v) => (q_to_f64_nearest(&v[i]), Some(q_to_rational_exact(&v[i]))),
        Col::Mpfr(v) => (v[i].to_f64(), v[i].to_rational()),
        // A ball of infinite radius carries no value: NaN.
        Col::Ball(v) if !v[i].1.is_finite() => (f64::NAN, None),
        Col::Ball(v) => (v[i].0.to_f64(), v[i].0.to_rational()),
    }
}

/// The exact value of a decimal as the writer prints it (`-1.25e-7`, `123.0`).
fn decimal(t: &str) -> Option<Rational> {
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let (mant, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i64>().ok()?),
        None => (t, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let digits = format!("{int}{frac}");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || exp.abs() > 1 << 20 {
        return None;
    }
    let m = Integer::from_str_radix(&digits, 10).ok()?;
    let e = exp - frac.len() as i64;
    let p = Integer::from(Integer::u_pow_u(10, e.unsigned_abs() as u32));
    let r = if e >= 0 {
        Rational::from(m * p)
    } else {
        Rational::from((m, p))
    };
    Some(if neg { -r } else { r })
}

/// Half a unit in the last of `d` significant digits, relative: a value printed to `d`
/// digits is within `half_unit(d)·|value|` of it.
fn half_unit(d: usize) -> Rational {
    Rational::from((1, Integer::from(Integer::u_pow_u(10, d as u32 - 1)) * 2))
}

fn plain(s: &str) -> bool {
    !s.is_empty()
        && s.trim() == s
        && !s.contains([':', '\n', '\r', '#'])
        && !s.chars().any(char::is_control)
}

fn check(
    table: &Table,
    format: Format,
    digits: Digits,
    names: &[String],
    times: &[u64],
    cols: &[Col],
) {
    let text = matches!(format, Format::Csv | Format::Json);
    assert_eq!(table.width, names.len(), "width");
    assert_eq!(table.rows.len(), times.len(), "rows");
    if format != Format::Npy {
        assert_eq!(table.columns.as_deref(), Some(names), "column names");
    }
    for (i, row) in table.rows.iter().enumerate() {
        assert_eq!(row[0].f, times[i] as f64, "t of row {i}");
        let mut k = 1;
        for c in cols {
            let cell = &row[k];
            let (f, exact) = expected(c, i);
            if !text {
                assert!(
                    cell.f.to_bits() == f.to_bits() || (cell.f.is_nan() && f.is_nan()),
                    "binary cell ({i}, {k}): {} vs {f:e}",
                    cell.f
                );
            } else if f.is_nan() {
                assert!(cell.f.is_nan(), "NaN cell ({i}, {k}) reads {}", cell.text());
            } else if let (Some(q), Some(Value::Finite(_))) = (&exact, cell.value()) {
                let printed = decimal(&cell.text()).expect("a written decimal parses");
                let err = Rational::from(&printed - q).abs();
                let qa = Rational::from(q.abs_ref());
                match (c, digits) {
                    (Col::F64(_), Digits::Shortest) => {
                        assert_eq!(cell.f, f, "shortest text {} reads back", cell.text())
                    }
                    // A rational that is a double prints as that double (shortest).
                    (Col::Ratio(_) | Col::Exact(_), Digits::Shortest)
                        if Rational::from_f64(f).as_ref() == Some(q) =>
                    {
                        assert_eq!(cell.f, f, "shortest text {} reads back", cell.text())
                    }
                    (Col::Ratio(_) | Col::Exact(_), Digits::Shortest) => assert!(
                        err <= half_unit(17) * qa,
                        "cell ({i}, {k}) {} is not {q} to 17 digits",
                        cell.text()
                    ),
                    (_, Digits::Fixed(d)) => assert!(
                        err <= half_unit(d) * qa,
                        "cell ({i}, {k}) {} is not {q} to {d} digits",
                        cell.text()
                    ),
                    _ => {}
                }
                if let Col::Ball(v) = c {
                    let rad = v[i].1.to_rational().expect("finite radius");
                    let bound = decimal(&row[k + 1].text()).expect("a written bound parses");
                    assert!(
                        err + rad <= bound,
                        "ball ({i}, {k}): printed {} mid {} rad {} bound {}",
                        cell.text(),
                        v[i].0,
                        v[i].1,
                        row[k + 1].text()
                    );
                }
            } else if exact.is_some() {
                // Written as something the reader does not take as finite (a value
                // beyond f64's range prints as a decimal, so this must be an infinity).
                assert!(
                    cell.f.is_infinite() || f.is_infinite(),
                    "cell ({i}, {k}) {} for {f:e}",
                    cell.text()
                );
            }
            k += if matches!(c, Col::Ball(_)) { 2 } else { 1 };
        }
    }
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let format = [Format::Csv, Format::Json, Format::Npy, Format::Npz][u.choose_index(4)?];
    let digits = if u.ratio(1, 3)? {
        Digits::Shortest
    } else {
        Digits::Fixed(u.int_in_range(1..=60)?)
    };
    let rows = u.int_in_range(0..=12)?;
    let ncols = u.int_in_range(0..=4)?;
    let mut names = vec!["t".to_string()];
    let mut cols = Vec::new();
    for _ in 0..ncols {
        let n = name(u)?;
        let c = column(u, rows)?;
        if matches!(c, Col::Ball(_)) {
            names.push(format!("{n}_err"));
            names.insert(names.len() - 1, n);
        } else {
            names.push(n);
        }
        cols.push(c);
    }
    let mut meta = Vec::new();
    for _ in 0..u.int_in_range(0..=2)? {
        meta.push((name(u)?, u.arbitrary::<String>()?));
    }
    let trailer = vec![("rows".to_string(), rows.to_string())];
    // Times of one significant digit, so that every digits setting prints them exactly
    // (a time rounded to fewer digits than it has repeats its neighbour: a writer
    // matter, fuzzed separately by the whole-binary harness).
    let scale = 10u64.pow(u.int_in_range(0..=15)?);
    let times: Vec<u64> = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30][..rows]
        .iter()
        .map(|j| j * scale)
        .collect();

    let Some(bytes) = write(format, digits, &names, &meta, &trailer, &times, &cols) else {
        // The writer refused the names (empty, repeated, not an NPZ entry name).
        return Ok(());
    };
    let table = read_bytes(&bytes).unwrap_or_else(|e| {
        panic!(
            "the reader refuses what the writer wrote ({e}):\n{}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(2000)])
        )
    });
    check(&table, format, digits, &names, &times, &cols);
    if matches!(format, Format::Json | Format::Npz) {
        let all: Vec<_> = meta.iter().chain(&trailer).cloned().collect();
        assert_eq!(table.metadata, all, "metadata");
    } else if format == Format::Csv && meta.iter().all(|(k, v)| plain(k) && plain(v)) {
        let all: Vec<_> = meta.iter().chain(&trailer).cloned().collect();
        assert_eq!(table.metadata, all, "metadata");
    }
    let table = if table.columns.is_none() {
        table.with_names(&names).expect("one name per column")
    } else {
        table
    };
    if rows == 0 {
        // Nothing to compare: a comparison of no rows fails by design.
        return Ok(());
    }
    // Itself, at tolerance 0.
    let mut o = Options::new(dec("0"), dec("0"));
    o.nan_equal = true;
    match compare(&table, &table, &o) {
        Ok(rep) => assert!(
            rep.passed(),
            "a table differs from itself: {:?}",
            rep.to_json()
        ),
        // Only t and bound columns: nothing to compare.
        Err(CompareError::NoCommonColumn) => return Ok(()),
        Err(e) => panic!("a table does not compare with itself: {e}"),
    }
    // Text against the NPY of the same cells, within the rounding of the text.
    if matches!(format, Format::Csv | Format::Json) {
        let npy = write(Format::Npy, digits, &names, &[], &[], &times, &cols)
            .expect("NPY takes any names");
        let npy = read_bytes(&npy)
            .expect("NPY reads back")
            .with_names(&names)
            .expect("names");
        let rtol = match digits {
            Digits::Shortest => "2.3e-16".to_string(),
            Digits::Fixed(d) => format!("{}", 0.5 * 10f64.powi(1 - d as i32) + 2.3e-16),
        };
        let mut o = Options::new(dec(&rtol), dec("1e-290"));
        o.nan_equal = true;
        // Only columns every cell of which is within f64's range on both sides.
        let finite = |c: &Col| {
            (0..rows).all(|i| {
                expected(c, i).0.is_finite() && expected(c, i).0.abs() > 1e-290
                    || expected(c, i).0 == 0.0
                    || expected(c, i).0.is_nan()
            })
        };
        let mut keep = Vec::new();
        let mut k = 1;
        for c in &cols {
            // MPFR values in the shortest style print as many digits as their
            // precision holds, which may be fewer than a double's.
            let short_mpfr = matches!(c, Col::Mpfr(_)) && digits == Digits::Shortest;
            if finite(c) && !matches!(c, Col::Ball(_)) && !short_mpfr {
                keep.push(names[k].clone());
            }
            k += if matches!(c, Col::Ball(_)) { 2 } else { 1 };
        }
        if !keep.is_empty() {
            o.columns = Some(keep);
            let rep = compare(&table, &npy, &o).expect("text vs NPY compares");
            assert!(
                rep.passed(),
                "text vs NPY at rtol {rtol}: {:?}",
                rep.to_json()
            );
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
});
