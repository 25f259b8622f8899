//! Unit tests of `chart/ticks.rs`.
use super::*;

#[test]
fn log_axes_are_labelled_at_decades_only() {
    // The loss range of the alignment preset: labels at decades, none at 4.64e-4.
    let t = log_ticks(4.64e-13, 0.5, 6);
    assert_eq!((t.lo, t.hi), (1e-13, 1.0));
    for v in &t.major {
        let e = v.log10();
        assert!((e - e.round()).abs() < 1e-12, "{v} is not a decade");
    }
    assert!(t.major.len() <= 6 && t.major.len() >= 2, "{:?}", t.major);
    assert_eq!(t.labels.last().map(String::as_str), Some("10⁰"));
    assert!(t.labels.contains(&"10⁻¹²".to_string()), "{:?}", t.labels);
    // Every decade of the axis is a tick, labelled or not.
    assert_eq!(t.major.len() + t.minor.len(), 14);
    // Within one decade: widened to it, minors at 2..9.
    let t = log_ticks(0.3, 0.7, 6);
    assert_eq!((t.lo, t.hi), (0.1, 1.0));
    assert_eq!(t.labels, ["10⁻¹", "2×10⁻¹", "5×10⁻¹", "10⁰"]);
    assert_eq!(t.minor.len(), 6);
    // Extremes of the double range.
    let t = log_ticks(5e-324, 1e308, 6);
    assert!(t.lo > 0.0 && t.hi.is_finite());
    assert!(t.major.len() <= 6);
}

#[test]
fn linear_labels_are_round_distinct_and_never_repeat() {
    let t = linear_ticks(-1.0, 1.0, 0.0, 5);
    assert_eq!(t.labels, ["−1.0", "−0.5", "0.0", "0.5", "1.0"]);
    // The saddle: alignment constant at 1 — the labels must differ.
    let t = linear_ticks(1.0, 1.0, 0.05, 5);
    let mut l = t.labels.clone();
    l.dedup();
    assert_eq!(l.len(), t.labels.len(), "{:?}", t.labels);
    assert!(t.labels.len() >= 3, "{:?}", t.labels);
    assert!(t.lo < 1.0 && t.hi > 1.0);
    // Small values take out a power of ten.
    let t = linear_ticks(0.0, 2.1e-3, 0.0, 5);
    assert_eq!(t.multiplier, Some(-3));
    assert_eq!(t.labels, ["0.0", "0.5", "1.0", "1.5", "2.0"]);
    let t = linear_ticks(0.0, 520_000.0, 0.0, 6);
    assert_eq!(t.multiplier, Some(5));
    assert_eq!(t.labels, ["0", "1", "2", "3", "4", "5"]);
    // Integers below 10^5 print as they are.
    let t = linear_ticks(0.0, 15_000.0, 0.0, 6);
    assert_eq!(t.multiplier, None);
    assert_eq!(t.labels, ["0", "5000", "10000", "15000"]);
    // A zero crossing prints 0, not -0.
    let t = linear_ticks(-0.3, 0.3, 0.0, 7);
    assert!(t.labels.contains(&"0.0".to_string()), "{:?}", t.labels);
}

#[test]
fn superscripts() {
    assert_eq!(superscript(-12), "⁻¹²");
    assert_eq!(decade_label(0), "10⁰");
    assert_eq!(decade_label(5), "10⁵");
}
