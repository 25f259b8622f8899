//! Unit tests of the fields, intervals and polynomials.

use crate::field::{OrderedField, Rationals, Ring};
use crate::interval::decimal;
use crate::poly::{Derivation, MPolyRing, PolyRing};
use crate::quad::Quad;
use exactflow_core::Q;
use std::cmp::Ordering;

fn q(n: i64, d: i64) -> Q {
    Q::new(n.into(), d.into())
}

#[test]
fn quad_sign_decides_opposite_signs_by_squares() {
    let k = Quad::new(Rationals, q(2, 1)).unwrap();
    // 1.414 − √2 < 0 < 1.415 − √2; 3 − 2√2 > 0 (tiny); 99/70 − √2 > 0, 140/99 − √2 < 0
    assert_eq!(k.sign(&k.make(q(1414, 1000), q(-1, 1))), Ordering::Less);
    assert_eq!(k.sign(&k.make(q(1415, 1000), q(-1, 1))), Ordering::Greater);
    assert_eq!(k.sign(&k.make(q(3, 1), q(-2, 1))), Ordering::Greater);
    assert_eq!(k.sign(&k.make(q(99, 70), q(-1, 1))), Ordering::Greater);
    assert_eq!(k.sign(&k.make(q(140, 99), q(-1, 1))), Ordering::Less);
    assert_eq!(k.sign(&k.make(q(-3, 1), q(2, 1))), Ordering::Less);
    assert_eq!(k.sign(&k.zero()), Ordering::Equal);
}

#[test]
fn quad_inverse_and_trivial_extensions() {
    let k = Quad::new(Rationals, q(3, 1)).unwrap();
    let x = k.make(q(1, 2), q(-5, 7));
    let y = k.inv(&x).unwrap();
    assert_eq!(k.mul(&x, &y), k.one());
    assert!(k.inv(&k.zero()).is_err());
    // √(9/4) is rational: the extension is trivial and canonical form has b = 0.
    let t = Quad::new(Rationals, q(9, 4)).unwrap();
    assert!(t.is_trivial());
    assert_eq!(t.sqrt_r(), t.embed_q(&q(3, 2)));
    assert!(Quad::new(Rationals, q(-1, 1)).is_err());
}

#[test]
fn sqrt_exact_finds_roots_in_the_tower() {
    let k1 = Quad::new(Rationals, q(2, 1)).unwrap();
    // (1 + √2)² = 3 + 2√2
    let x = k1.make(q(3, 1), q(2, 1));
    assert_eq!(k1.sqrt_exact(&x), Some(k1.make(q(1, 1), q(1, 1))));
    // 8 = (2√2)²
    assert_eq!(
        k1.sqrt_exact(&k1.embed_q(&q(8, 1))),
        Some(k1.make(q(0, 1), q(2, 1)))
    );
    assert_eq!(k1.sqrt_exact(&k1.embed_q(&q(3, 1))), None);
    // In K₂ = K₁(√3): √3 ∈ K₂, √6 = √2·√3 ∈ K₂.
    let k2 = Quad::new(k1.clone(), k1.embed_q(&q(3, 1))).unwrap();
    let six = k2.embed_q(&q(6, 1));
    let r = k2.sqrt_exact(&six).unwrap();
    assert_eq!(k2.mul(&r, &r), six);
    assert_eq!(k2.sign(&r), Ordering::Greater);
}

#[test]
fn decimals_are_correctly_rounded() {
    let k1 = Quad::new(Rationals, q(2, 1)).unwrap();
    let d = decimal(&k1, &k1.sqrt_r(), 40);
    assert_eq!(d.text, "1.414213562373095048801688724209698078570e0");
    assert!(d.correctly_rounded);
    // √2 − 1.4142135623730950488 is tiny: relative digits survive the cancellation.
    let c = exactflow_core::number::parse_exact("-1.4142135623730950488").unwrap();
    let x = k1.make(c, q(1, 1));
    assert_eq!(decimal(&k1, &x, 10).text, "1.688724210e-21");
    // A nested element: √2 + √3 = 3.146264369941972342329135065715...
    let k2 = Quad::new(k1.clone(), k1.embed_q(&q(3, 1))).unwrap();
    let y = k2.add(&k2.embed(&k1.sqrt_r()), &k2.sqrt_r());
    assert_eq!(
        decimal(&k2, &y, 30).text,
        "3.14626436994197234232913506572e0"
    );
    assert_eq!(decimal(&Rationals, &q(1, 3), 5).text, "3.3333e-1");
}

#[test]
fn polynomials_multiply_and_differentiate() {
    let pr = PolyRing { base: Rationals };
    let x = pr.x();
    let p = pr.add(&pr.mul(&x, &x), &pr.one()); // x² + 1
    assert_eq!(pr.derive(&p), pr.scale_by(&x, &q(2, 1)));
    assert_eq!(pr.eval(&p, &q(3, 1)), q(10, 1));
    let m = MPolyRing::new(2, 0);
    let (a, b) = (m.var(0), m.var(1));
    let s = m.add(&a, &b);
    let lhs = m.mul(&s, &s);
    let rhs = m.add(
        &m.add(&m.mul(&a, &a), &m.scale(&m.mul(&a, &b), &q(2, 1))),
        &m.mul(&b, &b),
    );
    assert!(m.is_zero(&m.sub(&lhs, &rhs)));
    assert_eq!(m.derive(&lhs), m.scale(&s, &q(2, 1)));
    assert!(!m.is_zero(&m.sub(&lhs, &m.mul(&a, &a))));
}
