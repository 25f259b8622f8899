//! Reference snapshots (insta; files in the top-level `snapshots/`): for every preset, a
//! certified 50-digit table from the mp engine and the exact limits from the rational
//! checker. Each snapshot is *reviewed by the test itself* before it is compared: every
//! printed digit is checked against docs/model.md's literal formulas evaluated independently
//! at 4096 bits (`tests/support`), and the limits against that reference late in training;
//! the fast path is then held to its documented bound against the snapshot's values.
//! Values are formatted deterministically (MPFR rounds correctly), so the files are the
//! same on every platform.

use exactflow_core::number::{f64_to_q_exact, Q};
use exactflow_core::presets::{preset, PRESETS};
use exactflow_core::{Column, Need, Observables};
use exactflow_fast::FastSolution;
use exactflow_mp::MpSolution;
use exactflow_tests::reference;
use rug::ops::Pow;
use rug::Float;

const DIGITS: u32 = 50;
const REF_PREC: u32 = 4096;

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

fn ref_value(r: &exactflow_tests::RefObs, c: Column) -> &Float {
    match c {
        Column::Z => &r.z,
        Column::Slope => &r.slope,
        Column::Residual => &r.residual,
        Column::Loss => &r.loss,
        Column::Ntk => &r.ntk,
        Column::Alignment => &r.alignment,
        Column::NormU => &r.norm_u,
        Column::NormW => &r.norm_w,
        Column::T => &r.z,
    }
}

/// `printed` agrees with the reference to one unit in its 50th significant digit.
fn digits_hold(printed: &str, r: &Float) -> bool {
    if printed == "nan" {
        return r.is_nan();
    }
    let Ok(p) = Float::parse(printed) else {
        return false;
    };
    let p = Float::with_val(REF_PREC, p);
    if r.is_zero() {
        return p.is_zero();
    }
    let d = Float::with_val(REF_PREC, &p - r).abs();
    let unit = Float::with_val(REF_PREC, r.abs_ref())
        * Float::with_val(REF_PREC, 10f64).pow(1 - DIGITS as i32);
    d <= unit
}

#[test]
fn preset_tables_at_50_digits() {
    for name in PRESETS {
        let s = preset(name).and_then(|p| p.validate()).expect("preset");
        let red = s.reduction();
        let fast = FastSolution::from_reduction(&red);
        // Nine dyadic times on [0, 2^k], 2^k the first power of two past the horizon.
        let top = 2f64.powi(fast.horizon().log2().ceil() as i32);
        let tf: Vec<f64> = (0..9).map(|j| top * j as f64 / 8.0).collect();
        let times: Vec<Q> = tf
            .iter()
            .map(|&t| f64_to_q_exact(t).expect("finite"))
            .collect();
        let cert = MpSolution::new(red.clone()).eval_certified(&times, DIGITS, Need::ALL);
        assert_eq!(cert.uncertified, 0, "{name}");
        let mut text = format!(
            "# preset {name}, scenario_sha256 {}\n# mp engine, certified to {DIGITS} significant digits (one unit in the last place)\n",
            s.sha256()
        );
        text.push_str("t,z,slope,residual,loss,ntk,alignment,norm_u,norm_w\n");
        for ((t, tq), o) in tf.iter().zip(&times).zip(&cert.values) {
            let r = reference(&red, *t, REF_PREC);
            let printed: Vec<String> = Column::VALUES
                .into_iter()
                .map(|c| exactflow_mp::format_mid(o.get(c).expect("value column"), DIGITS as usize))
                .collect();
            // Review: every digit against the independent literal reference.
            for (c, p) in Column::VALUES.into_iter().zip(&printed) {
                assert!(
                    digits_hold(p, ref_value(&r, c)),
                    "{name} {} at t = {t}: {p} vs {:.60e}",
                    c.name(),
                    ref_value(&r, c)
                );
            }
            // The fast path against the snapshot's values, within its documented bound.
            let snap = Observables::from_fn(|c| {
                let i = Column::VALUES.iter().position(|x| *x == c).unwrap_or(0);
                printed[i].parse::<f64>().unwrap_or(f64::NAN)
            });
            let got = fast.eval(*t);
            let bounds = fast.error_bounds(*t, &snap);
            for c in Column::VALUES {
                let (x, y, b) = (got.get(c), snap.get(c), bounds.get(c));
                if let (Some(x), Some(y), Some(b)) = (x, y, b) {
                    if y.is_nan() || !b.is_finite() {
                        continue;
                    }
                    assert!(
                        (x - y).abs() <= *b,
                        "{name} fast {} at t = {t}: {x:e} vs {y:e} (bound {b:e})",
                        c.name()
                    );
                }
            }
            text.push_str(&exactflow_core::number::format_q_sci(tq, 6));
            for p in &printed {
                text.push(',');
                text.push_str(p);
            }
            text.push('\n');
        }
        settings().bind(|| insta::assert_snapshot!(format!("preset_{name}_mp50"), text));
    }
}

#[test]
fn preset_exact_limits() {
    use exactflow_rational::limits::FlowCase;
    for name in PRESETS {
        let s = preset(name).and_then(|p| p.validate()).expect("preset");
        let red = s.reduction();
        let opts = exactflow_rational::CheckOptions {
            digits: DIGITS as usize,
            gd_steps: 1,
            ..Default::default()
        };
        let report = exactflow_rational::check_scenario(&s, &opts).expect("check runs");
        let l = &report.limits;
        // Review: against the literal reference late in training (ωT = 300: the
        // transient is below 1e-120 relative).
        if matches!(l.case, FlowCase::Converges) {
            let om = FastSolution::from_reduction(&red).omega();
            let r = reference(&red, 300.0 / om, REF_PREC);
            for (what, lim, rv) in [
                ("z_plus", &l.z_plus, &r.z),
                ("ntk_inf", &l.ntk_inf, &r.ntk),
                ("alignment_inf", &l.alignment_inf, &r.alignment),
            ] {
                assert!(
                    digits_hold(&lim.decimal, rv),
                    "{name} {what}: {} vs {rv:.60e}",
                    lim.decimal
                );
            }
            assert!(r.residual.to_f64().abs() < 1e-100);
        }
        let mut text = format!(
            "# preset {name}: exact limits of the flow (exactflow-rational)\ncase: {}\n",
            l.case.describe()
        );
        for (what, lim) in [
            ("omega", &l.omega),
            ("z_plus", &l.z_plus),
            ("ntk_inf", &l.ntk_inf),
            ("alignment_inf", &l.alignment_inf),
            ("residual_inf", &l.residual_inf),
        ] {
            text.push_str(&format!(
                "{what}:\n  exact: {}\n  decimal: {}\n",
                lim.exact, lim.decimal
            ));
        }
        settings().bind(|| insta::assert_snapshot!(format!("preset_{name}_limits"), text));
    }
}

/// The mechanism summary of every preset (label and the quantities it is decided from),
/// reviewed before the snapshot comparison: the label is the one the preset was built to
/// show, the limits agree with the exact checker's, and the norm ratios with mp's
/// certified norms late in training.
#[test]
fn preset_mechanism_summaries() {
    use exactflow_analysis::mechanism::analyse_exact;
    use exactflow_rational::limits::FlowCase;
    for name in PRESETS {
        let s = preset(name).and_then(|p| p.validate()).expect("preset");
        let red = s.reduction();
        let m = analyse_exact(&red);
        let q = &m.quantities;
        let expected = match name {
            "rescaling" => vec!["rescaling-u", "rescaling-w"],
            other => vec![other],
        };
        assert!(
            expected.contains(&m.label.name()),
            "{name}: labelled {}",
            m.label
        );
        let opts = exactflow_rational::CheckOptions {
            digits: 30,
            gd_steps: 1,
            ..Default::default()
        };
        let l = exactflow_rational::check_scenario(&s, &opts)
            .expect("check")
            .limits;
        let close = |x: f64, decimal: &str, what: &str| {
            let y: f64 = decimal.parse().expect("decimal");
            assert!(
                (x - y).abs() <= 1e-12 * y.abs().max(1e-300) || x == y,
                "{name} {what}: analysis {x:e} vs exact {y:e}"
            );
        };
        close(q.ntk_inf, &l.ntk_inf.decimal, "ntk_inf");
        close(q.residual_inf, &l.residual_inf.decimal, "residual_inf");
        if matches!(l.case, FlowCase::Converges) {
            close(q.z_inf, &l.z_plus.decimal, "z_inf");
            close(q.alignment_inf, &l.alignment_inf.decimal, "alignment_inf");
            // Norm ratios against mp's certified norms at ωT = 200.
            let om = FastSolution::from_reduction(&red).omega();
            let t = f64_to_q_exact(200.0 / om).expect("finite");
            let late = MpSolution::new(red.clone()).eval_certified(&[t], 20, Need::ALL);
            let late0 = MpSolution::new(red.clone()).eval_certified(
                &[Q::from_integer(0.into())],
                20,
                Need::ALL,
            );
            let ratio = |a: &exactflow_mp::ball::Ball, b: &exactflow_mp::ball::Ball| {
                a.mid().to_f64() / b.mid().to_f64()
            };
            let ru = ratio(&late.values[0].norm_u, &late0.values[0].norm_u);
            let rw = ratio(&late.values[0].norm_w, &late0.values[0].norm_w);
            assert!(
                (q.norm_ratio_u - ru).abs() <= 1e-12 * ru,
                "{name} norm ratio u: {} vs {ru}",
                q.norm_ratio_u
            );
            assert!(
                (q.norm_ratio_w - rw).abs() <= 1e-12 * rw,
                "{name} norm ratio w: {} vs {rw}",
                q.norm_ratio_w
            );
        }
        let f = |x: f64| format!("{x:.6e}");
        let text = format!(
            "# preset {name}: mechanism summary (exactflow-analysis; 7 significant digits)\nlabel: {}\nntk(0): {}\nntk(inf): {}\nntk relative change: {}\nalignment(0): {}\nalignment(inf): {}\nz(inf): {}\nrotation u (rad): {}\nrotation w (rad): {}\nnorm ratio u: {}\nnorm ratio w: {}\n|u~0|^2/|w~0|^2: {}\ntime scale 1/omega: {}\nresidual(inf): {}\n",
            m.label,
            f(q.ntk0),
            f(q.ntk_inf),
            f(q.ntk_change),
            f(q.alignment0),
            f(q.alignment_inf),
            f(q.z_inf),
            f(q.rotation_u),
            f(q.rotation_w),
            f(q.norm_ratio_u),
            f(q.norm_ratio_w),
            f(q.dominance),
            f(q.time_scale),
            f(q.residual_inf),
        );
        settings().bind(|| insta::assert_snapshot!(format!("preset_{name}_mechanism"), text));
    }
}
