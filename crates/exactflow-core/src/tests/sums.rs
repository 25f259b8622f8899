//! Unit tests of `sums.rs`.
use super::*;
use crate::number::parse_exact;
use num_traits::Zero;

fn q(s: &str) -> Q {
    parse_exact(s).unwrap()
}

/// The sums term by term in num-rational: slow, but an independent route.
fn naive(a: &[Q], b: &[Q]) -> (Q, Q, Q) {
    let dot = |x: &[Q], y: &[Q]| -> Q { x.iter().zip(y).map(|(p, r)| p * r).sum() };
    (dot(a, a), dot(b, b), dot(a, b))
}

#[test]
fn agrees_with_term_by_term_summation() {
    let a: Vec<Q> = (1..=300)
        .map(|k| q(&format!("{}/{}", (k * 7919) % 113 - 50, k)))
        .collect();
    let b: Vec<Q> = (1..=300)
        .map(|k| q(&format!("{}e-{}", k % 17 - 8, k % 40)))
        .collect();
    assert_eq!(exact_sums(&a, &b), naive(&a, &b));
    assert_eq!(exact_sums(&[], &[]), (Q::zero(), Q::zero(), Q::zero()));
    let neg = vec![q("-3/7"), q("0"), q("5")];
    assert_eq!(exact_sums(&neg, &neg), naive(&neg, &neg));
}

#[test]
fn the_results_are_canonical() {
    // 1/2·1/2 + 1/4·... sums whose reduced form differs from the naive denominator.
    let a = vec![q("1/6"), q("1/3"), q("1/2")];
    let (s, _, _) = exact_sums(&a, &a);
    assert_eq!(s, q("7/18"));
    assert_eq!(s.denom(), &18.into());
}

#[test]
fn conversions_are_exact_on_large_and_negative_integers() {
    for text in [
        "0",
        "-1",
        "18446744073709551616",
        "-340282366920938463463374607431768211457",
    ] {
        let n: BigInt = text.parse().unwrap();
        assert_eq!(from_gmp(&to_gmp(&n)), n, "{text}");
    }
}

#[test]
fn harmonic_weights_of_width_10000_are_summed_exactly() {
    // u0 = w0 = (1/k): |u0|² = Σ 1/k², whose denominator is lcm(1..n)²; checked against
    // the partial sums' recurrence on a prefix and against its known size.
    let n = 10_000;
    let a: Vec<Q> = (1..=n).map(|k| Q::new(1.into(), k.into())).collect();
    let (uu, ww, uw) = exact_sums(&a, &a);
    assert_eq!(uu, ww);
    assert_eq!(uu, uw);
    let prefix = &a[..200];
    assert_eq!(exact_sums(prefix, prefix).0, naive(prefix, prefix).0);
    // Sizes from an independent computation (gmpy2, term by term): the denominator of
    // Σ_{k ≤ 10⁴} 1/k² has 28,876 bits (it divides lcm(1..10⁴)², of 28,893), the numerator
    // 28,877.
    assert_eq!(uu.denom().bits(), 28_876);
    assert_eq!(uu.numer().bits(), 28_877);
}

/// The reduction term by term in num-rational (the formulas of docs/model.md §3 as they
/// were computed before GMP), against `ExactReduction::new`.
#[test]
fn the_reduction_in_gmp_equals_the_reduction_in_num_rational() {
    use crate::reduction::ExactReduction;
    let cases = [
        [
            "9/10", "7/10", "13/10", "11/10", "-5/2", "6", "1/7", "3/11", "-2/13",
        ],
        ["-1/1000", "1", "1", "1", "1", "1", "2", "5", "0"],
        ["3", "1/3", "7", "2", "0", "1/2", "0", "0", "0"],
    ];
    for c in cases {
        let v: Vec<Q> = c.iter().map(|s| q(s)).collect();
        let r = ExactReduction::new(
            &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
        );
        let (gamma, eta_u, eta_w, exx, exy, eyy, uu, ww, uw) = (
            &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
        );
        let two = q("2");
        let four = q("4");
        let theta = exy / exx;
        let eta_prod = eta_u * eta_w;
        let k2 = gamma * gamma * &eta_prod;
        let pu = uu / eta_u;
        let pw = ww / eta_w;
        let xt2 = uw * uw / &eta_prod;
        let p = &pu + &pw;
        let sd = &p * &p - &four * &xt2;
        let e0 = gamma * uw - &theta;
        let a2k2 = exx * exx * &k2;
        assert_eq!(r.theta, theta);
        assert_eq!(r.lstar, (eyy - exy * exy / exx) / &two);
        assert_eq!(r.k2, k2);
        assert_eq!(r.pu, pu);
        assert_eq!(r.pw, pw);
        assert_eq!(r.xt2, xt2);
        assert_eq!(r.m, &pu - &pw);
        assert_eq!(r.gram, &pu * &pw - &xt2);
        assert_eq!(r.sd, sd);
        assert_eq!(r.slope0, gamma * uw);
        assert_eq!(r.e0, e0);
        assert_eq!(r.omega2, &a2k2 * (&four * &theta * &theta + &k2 * &sd));
        assert_eq!(r.ac, &a2k2 * &k2 * &sd / &four);
        assert_eq!(r.half_ak2, exx * &k2 / &two);
        assert_eq!(r.b2, &four * &a2k2 * &theta * &theta);
        assert_eq!(r.two_ake0_sq, &four * &a2k2 * &e0 * &e0);
        assert_eq!(
            (&r.a, &r.gamma, &r.eta_u, &r.eta_w, &r.x),
            (exx, gamma, eta_u, eta_w, uw)
        );
        assert_eq!(r.eta_prod, eta_prod);
        assert_eq!(r.p, p);
    }
}
