//! The closed form (MPFR balls) against an independent Taylor-series integration of the
//! raw 2d-dimensional flow in MPFR, at 60+ digits, on a sweep of scenarios.

use exactflow_core::number::{f64_to_q_exact, Q};
use exactflow_mp::MpSolution;
use exactflow_simulate::taylor::RawFlow;
use exactflow_tests::{mpq, scenario_from_f64, weights_f64, Lcg};
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
        let f = |q: &Q| mpq(q, PREC);
        let flow = RawFlow::new(
            &f(&red.eta_u),
            &f(&red.eta_w),
            &f(&red.a),
            &f(&red.gamma),
            &f(&red.theta),
            PREC,
        );
        let (u0, w0) = weights_f64(&s);
        let x0 = (
            u0.iter().map(|x| Float::with_val(PREC, *x)).collect(),
            w0.iter().map(|x| Float::with_val(PREC, *x)).collect(),
        );
        let tf: Vec<Float> = ts.iter().map(|t| Float::with_val(PREC, *t)).collect();
        let mut states = Vec::new();
        let stop = flow.integrate(&x0, &tf, 100_000, |_, x| {
            states.push(x.clone());
            Ok::<(), ()>(())
        });
        assert!(
            matches!(stop, exactflow_simulate::error::Stop::Done),
            "{stop:?}"
        );
        for ((t, (u, w)), c) in ts.iter().zip(&states).zip(&closed) {
            let dot = |a: &[Float], b: &[Float]| {
                a.iter()
                    .zip(b)
                    .fold(Float::with_val(PREC, 0), |acc, (x, y)| {
                        acc + Float::with_val(PREC, x * y)
                    })
            };
            let slope = Float::with_val(PREC, dot(u, w) * f(&red.gamma));
            let nu = dot(u, u).sqrt();
            let nw = dot(w, w).sqrt();
            let scale_s = Float::with_val(PREC, slope.abs_ref())
                .max(&Float::with_val(PREC, f(&red.theta).abs()));
            let rel = |x: &Float, m: &Float, sc: &Float| {
                Float::with_val(64, Float::with_val(PREC, x - m).abs() / sc).to_f64()
            };
            let e1 = rel(&slope, c.slope.mid(), &scale_s);
            let big = Float::with_val(PREC, nu.clone().max(&nw));
            let e2 = rel(&nu, c.norm_u.mid(), &big);
            let e3 = rel(&nw, c.norm_w.mid(), &big);
            for (name, e) in [("slope", e1), ("norm_u", e2), ("norm_w", e3)] {
                assert!(
                    e < 1e-60,
                    "{name} at t = {t:e}: relative difference {e:e}\n{}",
                    s.canonical_toml()
                );
            }
        }
    }
}
