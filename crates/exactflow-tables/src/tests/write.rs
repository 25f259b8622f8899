//! Unit tests of `write.rs`: each format's bytes, read back by this crate's reader (the
//! same convention both ways) or parsed independently (NPY headers, the NPZ archive).
use super::*;
use exactflow_core::number::{format_q_sci, parse_exact};
use num_traits::Signed;
use rug::ops::Pow;
use std::io::Read;

fn header(rows: Option<u64>) -> Header {
    Header {
        metadata: vec![
            ("engine".into(), "fast".into()),
            ("note".into(), "a\nb".into()),
        ],
        columns: vec!["t".into(), "z".into(), "label".into()],
        rows,
    }
}

fn write_all(
    format: Format,
    digits: Digits,
    rows: Option<u64>,
    trailer: &[(String, String)],
) -> Vec<u8> {
    let mut w = TableWriter::new(Output::memory(), format, digits, header(rows)).unwrap();
    let q = parse_exact("1/3").unwrap();
    w.row(&[
        Cell::Ratio { num: 1, den: 2 },
        Cell::F64(0.1),
        Cell::Label("a,b"),
    ])
    .unwrap();
    w.row(&[Cell::Exact(&q), Cell::F64(-2.5e-300), Cell::Label("x")])
        .unwrap();
    w.finish(trailer).unwrap().into_bytes()
}

fn trailer() -> Vec<(String, String)> {
    vec![("working_precision_bits".into(), "256".into())]
}

#[test]
fn csv_is_metadata_header_rows_trailer() {
    let b = write_all(Format::Csv, Digits::Shortest, Some(2), &trailer());
    assert_eq!(
        String::from_utf8(b).unwrap(),
        "# engine: fast\n# note: a b\nt,z,label\n0.5,0.1,\"a,b\"\n0.33333333333333333,-2.5e-300,x\n# working_precision_bits: 256\n"
    );
    let b = write_all(Format::Csv, Digits::Fixed(3), Some(2), &[]);
    assert!(String::from_utf8(b)
        .unwrap()
        .ends_with("t,z,label\n5.00e-1,1.00e-1,\"a,b\"\n3.33e-1,-2.50e-300,x\n"));
}

#[test]
fn json_holds_columns_rows_and_all_metadata() {
    let b = write_all(Format::Json, Digits::Shortest, None, &trailer());
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v["columns"], serde_json::json!(["t", "z", "label"]));
    assert_eq!(v["rows"][0], serde_json::json!(["0.5", "0.1", "a,b"]));
    assert_eq!(v["rows"][1][1], "-2.5e-300");
    let meta = v["metadata"].as_object().unwrap();
    let keys: Vec<&String> = meta.keys().collect();
    assert_eq!(keys.len(), 3);
    assert_eq!(meta["working_precision_bits"], "256");
    assert_eq!(meta["note"], "a\nb");
    // An empty table is valid JSON too.
    let w = TableWriter::new(
        Output::memory(),
        Format::Json,
        Digits::Shortest,
        header(Some(0)),
    )
    .unwrap();
    let b = w.finish(&[]).unwrap().into_bytes();
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v["rows"], serde_json::json!([]));
}

/// (descr, shape, data offset) of an NPY, parsed independently of the writer.
fn npy_header(b: &[u8]) -> (String, String, usize) {
    assert_eq!(&b[..8], b"\x93NUMPY\x01\x00");
    let hl = u16::from_le_bytes([b[8], b[9]]) as usize;
    assert_eq!((10 + hl) % 64, 0, "header not aligned");
    let h = std::str::from_utf8(&b[10..10 + hl]).unwrap();
    assert!(h.ends_with('\n'));
    let field = |k: &str| {
        let i = h.find(k).unwrap() + k.len();
        let rest = &h[i..];
        let end = if rest.starts_with('(') {
            rest.find(')').unwrap() + 1
        } else {
            rest[1..].find('\'').unwrap() + 2
        };
        rest[..end].trim_matches('\'').to_string()
    };
    assert!(h.contains("'fortran_order': False"));
    (field("'descr': "), field("'shape': "), 10 + hl)
}

fn numeric_table(format: Format, rows: Option<u64>, out: Output, n: u64) -> Output {
    let h = Header {
        metadata: vec![("k".into(), "v".into())],
        columns: vec!["t".into(), "residual".into()],
        rows,
    };
    let mut w = TableWriter::new(out, format, Digits::Shortest, h).unwrap();
    for j in 0..n {
        w.row(&[
            Cell::Ratio {
                num: j as u128,
                den: 10,
            },
            Cell::F64(-(j as f64)),
        ])
        .unwrap();
    }
    w.finish(&[("end".into(), "yes".into())]).unwrap()
}

#[test]
fn npy_is_a_c_order_f8_table_with_its_row_count() {
    for rows in [Some(5), None] {
        let b = numeric_table(Format::Npy, rows, Output::memory(), 5).into_bytes();
        let (descr, shape, off) = npy_header(&b);
        assert_eq!((descr.as_str(), shape.as_str()), ("<f8", "(5, 2)"));
        assert_eq!(b.len(), off + 5 * 2 * 8);
        let vals: Vec<f64> = b[off..]
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(vals[2..4], [0.1, -1.0]);
        assert_eq!(vals[8], 0.4);
    }
}

#[test]
fn npy_of_unknown_length_into_a_fifo_is_spooled_then_copied() {
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
    let out = Output::create(&fifo).unwrap();
    numeric_table(Format::Npy, None, out, 3).commit().unwrap();
    let b = reader.join().unwrap();
    let (_, shape, off) = npy_header(&b);
    assert_eq!(shape, "(3, 2)");
    assert_eq!(b.len(), off + 48);
}

#[test]
fn npz_has_one_named_array_per_column_and_json_metadata() {
    let b = numeric_table(Format::Npz, Some(4), Output::memory(), 4).into_bytes();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(b)).unwrap();
    let names: Vec<String> = (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().to_string())
        .collect();
    assert_eq!(names, ["t.npy", "residual.npy", "metadata.npy"]);
    let mut entry = |name: &str| {
        let mut v = Vec::new();
        z.by_name(name).unwrap().read_to_end(&mut v).unwrap();
        v
    };
    let r = entry("residual.npy");
    let (descr, shape, off) = npy_header(&r);
    assert_eq!((descr.as_str(), shape.as_str()), ("<f8", "(4,)"));
    let vals: Vec<f64> = r[off..]
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(vals, [-0.0, -1.0, -2.0, -3.0]);
    let m = entry("metadata.npy");
    let (descr, shape, off) = npy_header(&m);
    assert_eq!(shape, "()");
    let n: usize = descr.strip_prefix("<U").unwrap().parse().unwrap();
    let text: String = m[off..off + 4 * n]
        .chunks_exact(4)
        .map(|c| char::from_u32(u32::from_le_bytes(c.try_into().unwrap())).unwrap())
        .collect();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v, serde_json::json!({"k": "v", "end": "yes"}));
}

#[test]
fn bad_tables_are_typed_errors() {
    let h = |cols: &[&str]| Header {
        metadata: vec![],
        columns: cols.iter().map(|s| s.to_string()).collect(),
        rows: None,
    };
    for (cols, format) in [
        (&["t", "t"][..], Format::Csv),
        (&["t", ""][..], Format::Json),
        (&["t", "metadata"][..], Format::Npz),
        (&["t", "a/b"][..], Format::Npz),
    ] {
        let e = TableWriter::new(Output::memory(), format, Digits::Shortest, h(cols))
            .err()
            .unwrap();
        assert!(matches!(e, WriteError::ColumnName { .. }), "{e}");
    }
    let mut w = TableWriter::new(
        Output::memory(),
        Format::Npy,
        Digits::Shortest,
        h(&["t", "label"]),
    )
    .unwrap();
    let e = w.row(&[Cell::F64(0.0), Cell::Label("kernel")]).unwrap_err();
    assert!(e.to_string().contains("label"), "{e}");
    let e = w.row(&[Cell::F64(0.0)]).unwrap_err();
    assert!(
        matches!(
            e,
            WriteError::Width {
                found: 1,
                expected: 2,
                ..
            }
        ),
        "{e}"
    );
    let mut w = TableWriter::new(
        Output::memory(),
        Format::Csv,
        Digits::Shortest,
        Header {
            rows: Some(2),
            ..h(&["t"])
        },
    )
    .unwrap();
    w.row(&[Cell::F64(0.0)]).unwrap();
    assert!(matches!(
        w.finish(&[]).err().unwrap(),
        WriteError::RowCount {
            declared: 2,
            written: 1
        }
    ));
}

/// The exact value of an MPFR float.
fn float_q(x: &Float) -> Q {
    let r = x.to_rational().unwrap();
    Q::new(
        r.numer().to_string().parse().unwrap(),
        r.denom().to_string().parse().unwrap(),
    )
}

#[test]
fn a_ball_prints_its_rounded_midpoint_and_a_bound_that_holds() {
    let h = Header {
        metadata: vec![],
        columns: vec!["z".into(), "z_err".into()],
        rows: None,
    };
    let mut w = TableWriter::new(Output::memory(), Format::Csv, Digits::Fixed(30), h).unwrap();
    let mids: Vec<Float> = (1..40)
        .map(|i| {
            Float::with_val(200, i) / Float::with_val(200, 7) * Float::with_val(200, 10).pow(i - 20)
        })
        .collect();
    let rad = Float::with_val(64, Float::i_exp(1, -150));
    for m in &mids {
        w.row(&[Cell::Ball { mid: m, rad: &rad }]).unwrap();
    }
    let nan = Float::with_val(64, f64::NAN);
    w.row(&[Cell::Ball {
        mid: &nan,
        rad: &rad,
    }])
    .unwrap();
    let text = String::from_utf8(w.finish(&[]).unwrap().into_bytes()).unwrap();
    let lines: Vec<&str> = text.lines().skip(1).collect();
    for (m, line) in mids.iter().zip(&lines) {
        let (v, e) = line.split_once(',').unwrap();
        assert_eq!(v, format_q_sci(&float_q(m), 30));
        // |printed − mid| + rad ≤ printed bound ≤ 1.1 · (half unit + rad).
        let (printed, bound) = (parse_exact(v).unwrap(), parse_exact(e).unwrap());
        let need = (&printed - float_q(m)).abs() + float_q(&rad);
        assert!(bound >= need, "{line}");
        let exp: i64 = v.rsplit_once('e').unwrap().1.parse().unwrap();
        let half = parse_exact(&format!("5e{}", exp - 30)).unwrap();
        assert!(
            bound <= (half + float_q(&rad)) * parse_exact("1.1").unwrap(),
            "{line}"
        );
        assert_eq!(&e[1..2], ".");
        assert_eq!(e.split_once('e').unwrap().0.len(), 3, "two digits: {e}");
    }
    assert_eq!(lines.last(), Some(&"nan,nan"));
}

#[test]
fn format_follows_the_extension() {
    assert_eq!(Format::from_path(Path::new("a/b.CSV")), Some(Format::Csv));
    assert_eq!(Format::from_path(Path::new("x.npz")), Some(Format::Npz));
    assert_eq!(Format::from_path(Path::new("x.npy")), Some(Format::Npy));
    assert_eq!(Format::from_path(Path::new("x.json")), Some(Format::Json));
    assert_eq!(Format::from_path(Path::new("x.txt")), None);
    assert_eq!(Format::from_path(Path::new("x")), None);
}

/// Rows rendered by detached renderers into chunks (as threads do) and appended in order
/// give the same bytes as the same rows written one by one, in every format, however
/// the rows are split into chunks and mixed with direct rows.
#[test]
fn chunks_appended_in_order_are_the_rows_written_directly() {
    let mid = Float::with_val(200, 1) / 3u32;
    let rad = Float::with_val(64, 1e-40);
    let h = || Header {
        metadata: vec![("k".into(), "v".into())],
        columns: vec!["t".into(), "z".into(), "z_err".into()],
        rows: Some(7),
    };
    let cells = |j: u64| -> [Cell<'_>; 2] {
        [
            Cell::Ratio {
                num: j as u128,
                den: 7,
            },
            Cell::Ball {
                mid: &mid,
                rad: &rad,
            },
        ]
    };
    for format in [Format::Csv, Format::Json, Format::Npy, Format::Npz] {
        let mut w = TableWriter::new(Output::memory(), format, Digits::Fixed(30), h()).unwrap();
        for j in 0..7 {
            w.row(&cells(j)).unwrap();
        }
        let direct = w.finish(&trailer()).unwrap().into_bytes();
        // Splits: all in chunks; a direct row first; chunks of 3, 0 and 4 rows.
        for split in [
            &[7usize][..],
            &[0, 1, 6],
            &[3, 0, 4],
            &[1, 1, 1, 1, 1, 1, 1],
        ] {
            let mut w = TableWriter::new(Output::memory(), format, Digits::Fixed(30), h()).unwrap();
            let mut j = 0;
            for (i, &n) in split.iter().enumerate() {
                if i % 2 == 1 {
                    // Odd positions: direct rows.
                    for _ in 0..n {
                        w.row(&cells(j)).unwrap();
                        j += 1;
                    }
                    continue;
                }
                let mut r = w.renderer();
                let mut c = Chunk::new();
                for _ in 0..n {
                    r.row(&cells(j), &mut c).unwrap();
                    j += 1;
                }
                assert_eq!(c.rows(), n as u64);
                w.append(&c).unwrap();
            }
            assert_eq!(j, 7);
            let b = w.finish(&trailer()).unwrap().into_bytes();
            assert!(b == direct, "{format:?} split {split:?}");
        }
    }
}

/// Writer → reader, every format: the reader sees the writer's columns, metadata (header
/// then trailer, in order, keys and values — newlines in CSV become spaces, as
/// documented) and values: decimal cells with the text written, binary cells the
/// nearest double of each value.
#[test]
fn what_the_writer_writes_the_reader_reads_back() {
    use crate::read::{read_bytes, Format as RFormat, Kind};
    let mid = Float::with_val(200, 2).sqrt();
    let rad = Float::with_val(64, 1e-50);
    let third = parse_exact("1/3").unwrap();
    let h = || Header {
        metadata: vec![
            ("engine".into(), "mp".into()),
            ("note".into(), "two\nlines, \"quoted\": yes".into()),
            ("empty".into(), String::new()),
        ],
        columns: vec!["t".into(), "z".into(), "z_err".into(), "x".into()],
        rows: None,
    };
    let trailer = vec![
        ("working_precision_bits".into(), "256".into()),
        ("uncertified_cells".into(), "0".into()),
    ];
    let rows = |j: u64| {
        [
            Cell::Ratio {
                num: j as u128,
                den: 3,
            },
            Cell::Ball {
                mid: &mid,
                rad: &rad,
            },
            if j == 0 {
                Cell::Exact(&third)
            } else {
                Cell::F64(-1.5e-300 * j as f64)
            },
        ]
    };
    for (format, rformat) in [
        (Format::Csv, RFormat::Csv),
        (Format::Json, RFormat::Json),
        (Format::Npy, RFormat::Npy),
        (Format::Npz, RFormat::Npz),
    ] {
        let mut w = TableWriter::new(Output::memory(), format, Digits::Fixed(40), h()).unwrap();
        for j in 0..3 {
            w.row(&rows(j)).unwrap();
        }
        let bytes = w.finish(&trailer).unwrap().into_bytes();
        let t = read_bytes(&bytes).unwrap();
        assert_eq!(t.format, rformat);
        assert_eq!(t.width, 4);
        assert_eq!(t.rows.len(), 3, "{format:?}");
        let all: Vec<(String, String)> = h().metadata.into_iter().chain(trailer.clone()).collect();
        match format {
            Format::Npy => {
                assert_eq!(t.columns, None);
                assert!(t.metadata.is_empty());
            }
            _ => {
                assert_eq!(t.columns.as_deref(), Some(&h().columns[..]), "{format:?}");
                let want: Vec<(String, String)> = if format == Format::Csv {
                    all.iter()
                        .map(|(k, v)| (k.clone(), v.replace('\n', " ")))
                        .collect()
                } else {
                    all.clone()
                };
                assert_eq!(t.metadata, want, "{format:?}");
            }
        }
        // Values: the exact time j/3, the ball's midpoint and bound, the third column.
        let sqrt2 = "1.414213562373095048801688724209698078570e0";
        for (j, row) in t.rows.iter().enumerate() {
            let x_q = if j == 0 {
                third.clone()
            } else {
                exactflow_core::number::f64_to_q_exact(-1.5e-300 * j as f64).unwrap()
            };
            let t_q = Q::new((j as i64).into(), 3.into());
            let z_err = "5.1e-40";
            if matches!(format, Format::Npy | Format::Npz) {
                assert!(row.iter().all(|c| c.kind == Kind::F64));
                assert_eq!(row[0].f, q_to_f64(&t_q));
                assert_eq!(row[1].f, mid.to_f64());
                assert_eq!(row[2].f, z_err.parse::<f64>().unwrap());
                assert_eq!(row[3].f, q_to_f64(&x_q));
            } else {
                assert_eq!(row[0].text(), format_q_sci(&t_q, 40));
                assert_eq!(row[1].text(), sqrt2);
                assert_eq!(row[2].text(), z_err);
                assert_eq!(row[3].text(), format_q_sci(&x_q, 40));
            }
        }
    }
}

fn q_to_f64(q: &Q) -> f64 {
    exactflow_core::number::q_to_f64_nearest(q)
}
