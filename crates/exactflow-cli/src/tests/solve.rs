//! Unit tests of `solve.rs`.
use super::*;

#[test]
fn grid_points_are_exact() {
    let g = parse_grid("0:1:4").unwrap();
    assert_eq!(g[1], parse_exact("1/3").unwrap());
    assert_eq!(g[3], parse_exact("1").unwrap());
    assert_eq!(
        parse_grid("2:2:1").unwrap(),
        vec![parse_exact("2").unwrap()]
    );
    for bad in [
        "0:1",
        "0:1:0",
        "1:0:3",
        "-1:1:3",
        "0:x:3",
        "0:1:-2",
        "0:1:99999999999",
    ] {
        assert!(parse_grid(bad).is_err(), "{bad}");
    }
}

#[test]
fn times_are_checked() {
    assert_eq!(parse_times("0,0.5").unwrap().len(), 2);
    assert!(parse_times("0,-1").is_err());
    assert!(parse_times("0,,1").is_err());
}

#[test]
fn times_format_the_same_either_way() {
    for s in ["0", "0.5", "1/3", "10", "0.1", "1e-300"] {
        let t = parse_exact(s).unwrap();
        assert_eq!(format_time(&t, 17), format_q_sci(&t, 17), "{s}");
    }
}
