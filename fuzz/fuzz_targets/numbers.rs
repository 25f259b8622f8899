//! Numbers as users write them: the exact decimal parser of tables (and the tolerance
//! test on three of them), and the scenario's exact number parser (decimals, ratios).
#![no_main]

use exactflow_tables::dec::{approx_abs_diff, within, Approx};
use exactflow_tables::{Dec, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = exactflow_core::number::parse_exact(text);
    let parts: Vec<&str> = text.splitn(4, ',').collect();
    let vals: Vec<Dec> = parts
        .iter()
        .filter_map(|p| match Value::parse(p) {
            Some(Value::Finite(d)) => Some(d),
            _ => None,
        })
        .collect();
    if let [c, r, rest @ ..] = vals.as_slice() {
        let tol = rest.first().map(Dec::abs).unwrap_or_else(Dec::zero);
        let atol = rest.get(1).map(Dec::abs).unwrap_or_else(Dec::zero);
        let a = within(c, r, &tol, &atol);
        // The test is symmetric in the sense |c - r| = |r - c| when rtol = 0.
        if tol.is_zero() {
            assert_eq!(a, within(r, c, &tol, &atol));
        }
        let d = approx_abs_diff(c, r);
        let _ = d.to_string();
        let _ = d.ratio(Approx::of(&atol));
        let _ = c.to_f64();
        assert_eq!(Dec::compare_exact(c, r), Dec::compare_exact(r, c).reverse());
    }
});
