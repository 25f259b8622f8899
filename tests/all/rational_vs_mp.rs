//! The exact checker's limits against an independent MPFR evaluation: the decimals that
//! `exactflow-rational` derives rigorously from the exact tower elements agree with
//! docs/model.md's limit formulas evaluated in MPFR at 400 bits (and with the literal closed
//! form late in training) to 1e-28 — over scenarios where η_u·η_w is and is not a square.

use exactflow_core::number::parse_exact;
use exactflow_core::scenario::parse_toml;
use exactflow_core::Scenario;
use exactflow_rational::limits::FlowCase;
use exactflow_rational::{check_scenario, CheckOptions};
use exactflow_tests::{mpq, reference, scenario_from_f64, Lcg};
use rug::Float;

const PREC: u32 = 400;

/// docs/model.md §4–§5 limits in MPFR: (z₊, ntk(∞), ζ(∞), residual(∞)).
fn mp_limits(s: &Scenario) -> [Float; 4] {
    let red = s.reduction();
    let f = |q| mpq(q, PREC);
    let sqrt_eta = f(&red.eta_prod).sqrt();
    let k = f(&red.gamma) * sqrt_eta.clone();
    let xt = f(&red.x) / sqrt_eta;
    let p = f(&red.p);
    let (sv, dv) = (p.clone() + xt.clone() * 2u32, p - xt * 2u32);
    let (a, theta, m) = (f(&red.a), f(&red.theta), f(&red.m));
    let k2 = k.clone() * k.clone();
    let ca = a.clone() * k2.clone() * sv.clone() / 2u32;
    let cb = a.clone() * k.clone() * theta.clone() * 2u32;
    let cc = a * k2.clone() * dv.clone() / 2u32;
    let omega = (cb.clone() * cb.clone() + ca.clone() * cc * 4u32).sqrt();
    let zp = (cb + omega) / (ca * 2u32);
    let (sz, dz) = (sv * zp.clone(), dv / zp.clone());
    let ntk = (sz.clone() + dz.clone()) * k2 / 2u32;
    let plus = sz.clone() + dz.clone();
    let al = (sz.clone() - dz.clone()) / (plus.clone() * plus - m.clone() * m * 4u32).sqrt();
    let res = (sz - dz) * k / 4u32 - theta;
    [zp, ntk, al, res]
}

fn close(dec: &str, want: &Float, what: &str) {
    let got = Float::with_val(
        PREC,
        Float::parse(dec).unwrap_or_else(|_| panic!("{what}: {dec}")),
    );
    let err = Float::with_val(PREC, &got - want).abs();
    let scale = Float::with_val(PREC, want.abs_ref()).max(&Float::with_val(PREC, 1));
    let tol = scale * Float::with_val(PREC, Float::parse("1e-28").unwrap());
    assert!(
        err <= tol,
        "{what}: decimal {dec} vs MPFR {want:.40} (error {err:.3e})"
    );
}

fn scenarios() -> Vec<Scenario> {
    let mut out = Vec::new();
    let toml = |t: &str| parse_toml(t, "t").unwrap().validate().unwrap();
    // README example: η_u η_w = 91/100, not a square.
    out.push(toml(
        "[model]\ngamma = \"0.9\"\neta_u = \"0.7\"\neta_w = \"13/10\"\n[data]\nexx = \"1.1\"\nexy = \"-2.5\"\n[init]\nu0 = [\"0.1\", \"-0.2\", \"0.3\"]\nw0 = [\"0.5\", \"0.1\", \"-0.7\"]\n",
    ));
    // η_u η_w = 4 (a square), θ* > 0.
    out.push(toml(
        "[model]\ngamma = \"-3/7\"\neta_u = \"2\"\neta_w = \"2\"\n[data]\nexx = \"0.3\"\nexy = \"0.7\"\n[init]\nu0 = [\"1/3\", \"-2/9\"]\nw0 = [\"0.25\", \"0.125\"]\n",
    ));
    // Random dyadic scenarios, irrational learning-rate products.
    let mut rng = Lcg(42);
    for _ in 0..6 {
        let d = 1 + (rng.next_u53() % 5) as usize;
        let su = rng.pick(&[1e-3, 0.1, 1.0]);
        let sw = rng.pick(&[1e-3, 0.1, 1.0]);
        let u: Vec<f64> = (0..d).map(|_| su * rng.normalish()).collect();
        let w: Vec<f64> = (0..d).map(|_| sw * rng.normalish()).collect();
        let theta = rng.pick(&[1.0, -1.0, 2.5, -0.3]);
        let gamma = rng.pick(&[1.0, -0.5, 0.9, 2.0]);
        let (eu, ew) = (rng.pick(&[1.0, 0.7, 2.0]), rng.pick(&[1.3, 0.5, 3.0]));
        out.push(scenario_from_f64(gamma, eu, ew, 1.1, 1.1 * theta, &u, &w));
    }
    out
}

#[test]
fn exact_limits_agree_with_a_400_bit_mpfr_evaluation_to_1e_minus_28() {
    let opts = CheckOptions {
        gd_steps: 1,
        ..CheckOptions::default()
    };
    for (i, s) in scenarios().iter().enumerate() {
        let r = check_scenario(s, &opts).expect("check runs");
        assert!(r.passed(), "scenario {i}: {:?}", r.failed());
        assert_eq!(r.limits.case, FlowCase::Converges, "scenario {i}");
        let [zp, ntk, al, res] = mp_limits(s);
        let l = &r.limits;
        close(&l.z_plus.decimal, &zp, &format!("{i} z_plus"));
        close(&l.ntk_inf.decimal, &ntk, &format!("{i} ntk_inf"));
        close(&l.alignment_inf.decimal, &al, &format!("{i} alignment_inf"));
        close(&l.residual_inf.decimal, &res, &format!("{i} residual_inf"));
        for v in [&l.z_plus, &l.ntk_inf, &l.alignment_inf] {
            let digits = v.decimal.split('e').next().unwrap().replace(['-', '.'], "");
            assert!(digits.len() >= 30 && v.correctly_rounded, "{i}: {v:?}");
        }
        // The literal closed form late in training converges to the same z₊.
        let red = s.reduction();
        let omega = exactflow_core::number::sqrt_q_to_f64_nearest(&red.omega2);
        let t = 200.0 / omega;
        let late = reference(&red, t, PREC);
        close(&l.z_plus.decimal, &late.z, &format!("{i} z(200/omega)"));
    }
}

#[test]
fn decimals_are_correctly_rounded_against_mpfr() {
    // √2·(1/3) + 1/7 in K₁ = ℚ(√2): the 40-digit decimal is certified correctly rounded and
    // agrees with MPFR.
    use exactflow_rational::field::Rationals;
    use exactflow_rational::interval::decimal;
    use exactflow_rational::quad::Quad;
    let k1 = Quad::new(Rationals, parse_exact("2").unwrap()).unwrap();
    let x = k1.make(parse_exact("1/7").unwrap(), parse_exact("1/3").unwrap());
    let d = decimal(&k1, &x, 40);
    let mp = Float::with_val(PREC, 2).sqrt() / 3u32 + Float::with_val(PREC, 1) / 7u32;
    assert!(d.correctly_rounded);
    close(&d.text, &mp, "sqrt(2)/3 + 1/7");
}
