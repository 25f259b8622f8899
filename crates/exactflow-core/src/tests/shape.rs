//! Unit tests of `shape.rs`: each shape from scenarios built to be in it, and the shape
//! decided on exact rationals where the floats underflow.
use super::*;
use crate::number::parse_exact;
use crate::Q;

fn red(u: &[&str], w: &[&str], exy: &str) -> ExactReduction {
    let q = |s: &str| parse_exact(s).expect("number");
    let dot = |a: &[&str], b: &[&str]| {
        a.iter()
            .zip(b)
            .fold(Q::from_integer(0.into()), |acc, (x, y)| acc + q(x) * q(y))
    };
    ExactReduction::new(
        &q("0.9"),
        &q("0.7"),
        &q("1.3"),
        &q("1.1"),
        &q(exy),
        &(q(exy) * q(exy) / q("1.1")),
        &dot(u, u),
        &dot(w, w),
        &dot(u, w),
    )
}

#[test]
fn each_shape_from_its_exact_test() {
    assert_eq!(
        red(&["0", "0"], &["0", "0"], "1").shape(),
        Shape::Origin { omega_zero: false }
    );
    assert!(red(&["0"], &["0"], "0").shape().omega_is_zero());
    // δ₀ = 0: ũ₀ = w̃₀, i.e. u₀/√0.7 = w₀/√1.3 — u₀ = 7, w₀ = 13 scaled: u = √0.7 c.
    // With rational weights take η_u = η_w: use u₀ = w₀ and equal rates below.
    let eq = |u: &[&str], w: &[&str], exy: &str| {
        let q = |s: &str| parse_exact(s).expect("number");
        let dot = |a: &[&str], b: &[&str]| {
            a.iter()
                .zip(b)
                .fold(Q::from_integer(0.into()), |acc, (x, y)| acc + q(x) * q(y))
        };
        ExactReduction::new(
            &q("1"),
            &q("1"),
            &q("1"),
            &q("1"),
            &q(exy),
            &(q(exy) * q(exy)),
            &dot(u, u),
            &dot(w, w),
            &dot(u, w),
        )
        .shape()
    };
    assert_eq!(
        eq(&["1e-200", "2e-200"], &["1e-200", "2e-200"], "-1"),
        Shape::DeltaZero {
            falls: true,
            omega_zero: false
        }
    );
    assert_eq!(
        eq(&["1", "2"], &["1", "2"], "3"),
        Shape::DeltaZero {
            falls: false,
            omega_zero: false
        }
    );
    assert_eq!(
        eq(&["1e-200"], &["-1e-200"], "3"),
        Shape::SZero {
            falls: true,
            omega_zero: false
        }
    );
    assert_eq!(
        eq(&["1", "2"], &["-1", "-2"], "-3"),
        Shape::SZero {
            falls: false,
            omega_zero: false
        }
    );
    assert!(eq(&["1"], &["-1"], "0").omega_is_zero());
    // Rank one with θ* = 0 and M ≠ 0: the smaller layer vanishes.
    assert_eq!(
        eq(&["2", "4"], &["1", "2"], "0"),
        Shape::General {
            rank_one: true,
            balanced: false,
            vanishing: Some(Layer::W)
        }
    );
    assert_eq!(
        eq(&["1", "2"], &["2", "4"], "0").vanishing(),
        Some(Layer::U)
    );
    // Tiny but general: decided on rationals (S·D ~ 1e-680 underflows in f64).
    let g = red(
        &["1e-170", "-2e-170", "3e-170"],
        &["5e-170", "1e-170", "-7e-170"],
        "-2.5",
    )
    .shape();
    assert_eq!(
        g,
        Shape::General {
            rank_one: false,
            balanced: false,
            vanishing: None
        }
    );
    assert!(!g.is_degenerate() && !g.ends_at_origin());
}
