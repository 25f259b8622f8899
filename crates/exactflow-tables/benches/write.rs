//! The table writer alone, per row: 9 columns of f64 (an exact grid time and eight
//! values) as CSV in shortest round-trip text and with 17 fixed digits, as NPY; and
//! certified 1000-digit balls (4 columns with their bounds) as CSV. End-to-end figures
//! beside numpy/pandas/python-flint: scripts/bench_tables.sh.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use exactflow_tables::write::{Cell, Digits, Format, Header, Output, TableWriter};
use rug::Float;

const ROWS: u64 = 100_000;

fn header(cols: usize, rows: u64) -> Header {
    Header {
        metadata: vec![("bench".into(), "write".into())],
        columns: (0..cols).map(|i| format!("c{i}")).collect(),
        rows: Some(rows),
    }
}

fn f64_table(format: Format, digits: Digits) -> usize {
    let mut w = TableWriter::new(Output::memory(), format, digits, header(9, ROWS)).unwrap();
    let mut cells = Vec::with_capacity(9);
    for j in 0..ROWS {
        cells.clear();
        cells.push(Cell::Ratio {
            num: 10 * j as u128,
            den: ROWS - 1,
        });
        let x = (j as f64 + 0.5) / 7.0;
        for k in 0..8 {
            cells.push(Cell::F64(x * (k as f64 + 1.3).powi(k - 4)));
        }
        w.row(&cells).unwrap();
    }
    w.finish(&[]).unwrap().into_bytes().len()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("table-writer");
    g.throughput(Throughput::Elements(ROWS));
    g.sample_size(10);
    g.bench_function("csv-shortest-9col", |b| {
        b.iter(|| black_box(f64_table(Format::Csv, Digits::Shortest)))
    });
    g.bench_function("csv-17digits-9col", |b| {
        b.iter(|| black_box(f64_table(Format::Csv, Digits::Fixed(17))))
    });
    g.bench_function("npy-9col", |b| {
        b.iter(|| black_box(f64_table(Format::Npy, Digits::Shortest)))
    });
    g.finish();
    let prec = 3354;
    let mids: Vec<Float> = (1..=4)
        .map(|i| Float::with_val(prec, i).sqrt() / Float::with_val(prec, 7))
        .collect();
    let rad = Float::with_val(64, Float::i_exp(1, -3340));
    let mut g = c.benchmark_group("table-writer-mp");
    g.throughput(Throughput::Elements(100));
    g.sample_size(10);
    g.bench_function("csv-1000digits-4balls", |b| {
        b.iter(|| {
            let mut w = TableWriter::new(
                Output::memory(),
                Format::Csv,
                Digits::Fixed(1000),
                header(9, 100),
            )
            .unwrap();
            for j in 0..100u64 {
                let mut cells = vec![Cell::Ratio {
                    num: j as u128,
                    den: 10,
                }];
                cells.extend(mids.iter().map(|m| Cell::Ball { mid: m, rad: &rad }));
                w.row(&cells).unwrap();
            }
            black_box(w.finish(&[]).unwrap().into_bytes().len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
