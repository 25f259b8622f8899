//! Unit tests of `sweep.rs`.

use super::*;
use exactflow_core::presets::preset;

#[test]
fn axes_parse_linear_log_and_widths() {
    let a = Axis::parse(AxisId::X, "sigma_u=1e-4..1:log:5").unwrap();
    assert_eq!(a.param, Param::SigmaU);
    assert!(a.log);
    assert_eq!(a.values.len(), 5);
    assert_eq!(a.values[0], 1e-4);
    assert_eq!(a.values[4], 1.0);
    assert!((a.values[2] - 1e-2).abs() < 1e-17);
    let b = Axis::parse(AxisId::Y, "gamma=-1..1:3").unwrap_err();
    assert!(
        b.to_string().starts_with("axis y: gamma must be nonzero"),
        "{b}"
    );
    let w = Axis::parse(AxisId::X, "width=10..1000:log:3").unwrap();
    assert_eq!(w.values, vec![10.0, 100.0, 1000.0]);
    let one = Axis::parse(AxisId::X, "exy=2..3:1").unwrap();
    assert_eq!(one.values, vec![2.0]);
    for bad in [
        "sigma_u",
        "sigma_u=1..2",
        "foo=1..2:3",
        "eta_u=0..1:log:3",
        "width=0..5:2",
        "exy=1..2:0",
        "exy=1..2:lin:3",
    ] {
        let e = Axis::parse(AxisId::X, bad).unwrap_err();
        assert!(e.to_string().starts_with("axis x: "), "{bad}: {e}");
    }
}

#[test]
fn normal_stats_match_the_exact_sums_of_the_scenario() {
    let s = preset("alignment").unwrap().validate().unwrap();
    let (uu, ww, uw) = s.initial_sums();
    let exactflow_core::scenario::Init::Gaussian(g) = &s.init else {
        panic!()
    };
    let st = normal_stats(g.seed, g.tie, &[g.width, 10])[0];
    let su2 = q_to_f64_nearest(&g.sigma_u).powi(2);
    let sw2 = q_to_f64_nearest(&g.sigma_w).powi(2);
    let rel = |a: f64, b: f64| (a - b).abs() / b.abs();
    assert!(rel(su2 * st.gg, q_to_f64_nearest(&uu)) < 1e-14);
    assert!(rel(sw2 * st.hh, q_to_f64_nearest(&ww)) < 1e-14);
    assert!(rel((su2 * sw2).sqrt() * st.gh, q_to_f64_nearest(&uw)) < 1e-12);
}

#[test]
fn sweep_is_ordered_deterministic_and_labels_the_corners() {
    let s = preset("alignment").unwrap().validate().unwrap();
    let x = Axis::parse(AxisId::X, "sigma_u=1e-4..1:log:9").unwrap();
    let y = Axis::parse(AxisId::Y, "sigma_w=1e-4..1:log:7").unwrap();
    let sw = Sweep::new(&s, x, y).unwrap();
    let cells = sw.run(&|_| {});
    assert_eq!(cells.len(), 63);
    assert_eq!(cells[1].x, sw.x.values[1]);
    assert_eq!(cells[9].y, sw.y.values[1]);
    // Big σ_u, small σ_w: u dominates.
    assert_eq!(cells[8].mechanism.label, crate::Label::RescalingU);
    // Small σ_u, big σ_w: w dominates.
    assert_eq!(cells[54].mechanism.label, crate::Label::RescalingW);
    // Both small: alignment (θ* = 1).
    assert_eq!(cells[0].mechanism.label, crate::Label::Alignment);
    // Same as one cell at a time, and as another thread count.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let again = pool.install(|| sw.run(&|_| {}));
    assert_eq!(format!("{cells:?}"), format!("{again:?}"));
}

#[test]
fn width_sweep_matches_the_scenario_at_each_width() {
    let s = preset("kernel").unwrap().validate().unwrap();
    let x = Axis::parse(AxisId::X, "width=16..1024:log:4").unwrap();
    let y = Axis::parse(AxisId::Y, "exy=1..2:2").unwrap();
    let sw = Sweep::new(&s, x, y).unwrap();
    for i in 0..4 {
        let c = sw.cell(i, 0);
        let mut spec = preset("kernel").unwrap();
        spec.init.width = Some(c.x as u64);
        let exact = crate::analyse_exact(&spec.validate().unwrap().reduction());
        assert_eq!(c.mechanism.label, exact.label);
        let (a, b) = (c.mechanism.quantities.z_inf, exact.quantities.z_inf);
        assert!((a - b).abs() < 1e-10 * b, "{a} {b}");
    }
}

#[test]
fn explicit_init_rejects_width_and_sigma_axes() {
    let s = exactflow_core::ScenarioSpec {
        exy: Some(exactflow_core::Q::from_integer(1.into())),
        init: exactflow_core::scenario::InitSpec {
            u0: Some(vec![exactflow_core::Q::from_integer(1.into())]),
            w0: Some(vec![exactflow_core::Q::from_integer(2.into())]),
            ..Default::default()
        },
        ..Default::default()
    }
    .validate()
    .unwrap();
    let x = Axis::parse(AxisId::X, "sigma_u=1..2:2").unwrap();
    let y = Axis::parse(AxisId::Y, "gamma=1..2:2").unwrap();
    let e = Sweep::new(&s, x, y.clone()).unwrap_err();
    assert!(e.to_string().starts_with("axis x: "), "{e}");
    let x = Axis::parse(AxisId::X, "eta_u=1..2:2").unwrap();
    assert_eq!(Sweep::new(&s, x, y).unwrap().run(&|_| {}).len(), 4);
}

#[test]
fn axis_values_beyond_f64_are_refused_as_such_not_as_0_or_nan() {
    // Before: "sigma_u must be >= 0, got NaN" for the finite 1e-400.
    for (text, what) in [
        ("sigma_u=1e-400..1:4", "LO = \"1e-400\""),
        ("sigma_u=1e-400..1:log:4", "LO = \"1e-400\""),
        ("gamma=1..1e400:3", "HI = \"1e400\""),
    ] {
        let e = Axis::parse(AxisId::X, text).unwrap_err().to_string();
        assert!(
            e.contains(what) && e.contains("beyond the f64 range"),
            "{text}: {e}"
        );
        assert!(!e.contains("NaN") && !e.contains("0e0"), "{text}: {e}");
    }
    let long = format!("sigma_u=0.{}1..1:3", "0".repeat(400));
    let e = Axis::parse(AxisId::X, &long).unwrap_err().to_string();
    assert!(e.contains("characters)") && e.len() < 140, "{e}");
    assert!(Axis::parse(AxisId::X, "sigma_u=0..1:3").is_ok());
}
