//! Tables as `compare` reads them (CSV, JSON, NPY, NPZ), then compared with themselves
//! and with a fixed reference under several option sets: no input may panic, hang or
//! blow up memory (libFuzzer's -timeout and -rss_limit_mb make those failures).
#![no_main]

use exactflow_tables::{compare, read_bytes, Dec, Options, Table, Value};
use libfuzzer_sys::fuzz_target;

fn dec(s: &str) -> Dec {
    match Value::parse(s) {
        Some(Value::Finite(d)) => d,
        _ => unreachable!("a literal tolerance"),
    }
}

fn reference() -> Table {
    read_bytes(b"t,z,loss\n0,1,0.5\n0.5,1.001,0.49\n1e-3,2,3\n").expect("reference")
}

fuzz_target!(|data: &[u8]| {
    let Ok(table) = read_bytes(data) else {
        return;
    };
    let r = reference();
    let names: Vec<String> = match &table.columns {
        Some(c) => c.clone(),
        None => (0..table.width)
            .map(|i| {
                if i == 0 {
                    "t".to_string()
                } else {
                    format!("c{i}")
                }
            })
            .collect(),
    };
    for (rtol, atol) in [
        ("0", "0"),
        ("1e-9", "1e-300"),
        ("1e999999", "0"),
        ("0", "1e-999999"),
    ] {
        let mut o = Options::new(dec(rtol), dec(atol));
        o.columns = Some(names.clone());
        if let Ok(rep) = compare(&table, &table, &o) {
            let _ = rep.to_json();
            let _ = rep.passed();
        }
        o.nan_equal = true;
        o.strict = true;
        o.time_rtol = Some(dec("1e-9"));
        let _ = compare(&table, &table, &o);
        let mut o = Options::new(dec(rtol), dec(atol));
        if table.columns.is_none() {
            o.columns = Some(names.clone());
        }
        if let Ok(rep) = compare(&r, &table, &o) {
            let _ = rep.to_json();
        }
        let _ = compare(&table, &r, &o);
    }
});
