//! The closed form (MPFR balls) against the independent Taylor-series integration of the
//! raw 2d-dimensional flow in MPFR (`simulate --method taylor`), every column at 60 digits,
//! on a sweep of scenarios.

use exactflow_core::number::{f64_to_q_exact, Q};
use exactflow_core::Column;
use exactflow_mp::MpSolution;
use exactflow_simulate::{simulate, MethodKind, Options, Request, Values};
use exactflow_tests::{scenario_from_f64, Lcg};
use rug::Float;

const PREC: u32 = 300;

#[test]
fn taylor_integration_confirms_the_closed_form_to_60_digits() {
    let mut rng = Lcg(99);
    for _ in 0..12 {
        let d = 1 + (rng.next_u53() % 6) as usize;
        let su = rng.pick(&[1e-3, 0.3, 1.0]);
        let sw = rng.pick(&[1e-3, 0.3, 1.0]);
        let u: Vec<f64> = (0..d).map(|_| su * rng.normalish()).collect();
        let w: Vec<f64> = (0..d).map(|_| sw * rng.normalish()).collect();
        let theta = rng.pick(&[1.0, -1.0, 2.5]);
        let s = scenario_from_f64(
            rng.pick(&[1.0, -0.7, 0.9]),
            rng.pick(&[1.0, 0.7]),
            rng.pick(&[1.0, 1.3]),
            1.1,
            1.1 * theta,
            &u,
            &w,
        );
        let red = s.reduction();
        let omega = exactflow_fast::FastSolution::from_reduction(&red).omega();
        let ts: Vec<f64> = [0.25, 1.0, 4.0].iter().map(|x| x / omega).collect();
        let tq: Vec<Q> = ts
            .iter()
            .map(|t| f64_to_q_exact(*t).unwrap_or_default())
            .collect();
        let closed = MpSolution::new(red.clone()).eval_at_prec(&tq, PREC);
        let req = Request::new(
            MethodKind::Taylor,
            Options {
                times: Some(tq.clone()),
                digits: Some(62),
                ..Options::default()
            },
        )
        .expect("valid");
        let mut rows = Vec::new();
        let mut sink = |_: &Q, v: Values<'_>| {
            if let Values::Mp(o) = v {
                rows.push(o.clone());
            }
            Ok::<(), ()>(())
        };
        let report = simulate(&s, &req, &mut sink).expect("within budget");
        assert!(report.failure.is_none(), "{:?}", report.failure);
        assert_eq!(rows.len(), tq.len());
        // Every column, relative to its own value (the Taylor rows carry the residual and
        // z as states: no cancellation), within the closed form's own radius.
        for ((t, a), c) in ts.iter().zip(&rows).zip(&closed) {
            for col in Column::VALUES {
                let (x, b) = (a.get(col).unwrap(), c.get(col).unwrap());
                let d = Float::with_val(PREC, x - b.mid()).abs();
                let tol = (Float::with_val(PREC, b.mid().abs_ref()) >> 200) + b.rad();
                assert!(
                    d <= tol,
                    "{} at t = {t:e}: {x:.65e} vs {:.65e}\n{}",
                    col.name(),
                    b.mid(),
                    s.canonical_toml()
                );
            }
        }
    }
}
