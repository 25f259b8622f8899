//! Unit tests of `solve.rs`.
use super::*;

#[test]
fn columns_keep_the_order_given_and_refuse_empty_items_and_repeats() {
    let names =
        |l: &str| -> Vec<&str> { parse_columns(l).unwrap().iter().map(|c| c.name()).collect() };
    assert_eq!(names("residual,z"), ["t", "residual", "z"]);
    assert_eq!(names("t,z"), ["t", "z"]);
    assert_eq!(names(" z , slope "), ["t", "z", "slope"]);
    for bad in ["", " ", "z,z", "z,,slope", "z,", ",z", "z,t", "t", "zz"] {
        let e = parse_columns(bad).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{bad:?}");
        assert!(e.to_string().starts_with("--columns"), "{bad:?}: {e}");
    }
}

#[test]
fn times_format_the_same_either_way() {
    use exactflow_core::number::format_q_sci;
    // The writer's exact time text (what every table prints) against core's formatter.
    let format_time = |t: &Q, digits: usize| {
        let mut out = Vec::new();
        let mut s = exactflow_tables::write::decimal::Scratch::default();
        exactflow_tables::write::decimal::exact_text(t, Digits::Fixed(digits), &mut s, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    };
    for s in ["0", "0.5", "1/3", "10", "0.1", "1e-300", "123456789/7"] {
        let t = parse_exact(s).unwrap();
        for d in [1, 17, 40, 100_000] {
            assert_eq!(format_time(&t, d), format_q_sci(&t, d), "{s} at {d}");
        }
    }
}

#[test]
fn mp_blocks_stay_small_at_every_digit_count() {
    assert_eq!(mp_block(40, 1_000_000), 1024);
    assert_eq!(mp_block(40, 2001), 501);
    assert_eq!(mp_block(40, 3), 8);
    let b = mp_block(100_000, 1_000_000);
    assert!(b >= 8 && b * 8 * 42_000 <= 40_000_000);
}
