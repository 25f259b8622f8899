//! Unit tests of `times.rs`, each point held against its definition in exact arithmetic.
use super::*;

fn q(s: &str) -> Q {
    parse_exact(s).unwrap()
}

fn all(t: &Times) -> Vec<Q> {
    let mut v = Vec::new();
    t.block(0, t.len() as usize, &mut v);
    v.iter().map(TimePoint::to_q).collect()
}

#[test]
fn uniform_points_are_exact_and_small() {
    let t = Times::uniform(&q("0"), &q("1"), 4).unwrap();
    assert_eq!(all(&t), [q("0"), q("1/3"), q("2/3"), q("1")]);
    assert!(matches!(t.point(2), TimePoint::Small { .. }));
    let t = Times::uniform(&q("0.5"), &q("10"), 20).unwrap();
    for (j, p) in all(&t).iter().enumerate() {
        let want = q("0.5")
            + (q("10") - q("0.5")) * Q::from_integer(j.into()) / Q::from_integer(19.into());
        assert_eq!(p, &want);
    }
    assert_eq!(all(&Times::uniform(&q("2"), &q("2"), 1).unwrap()), [q("2")]);
    // Beyond machine integers: the big path, still exact.
    let t = Times::uniform(&q("1e-300"), &q("1e300"), 3).unwrap();
    assert_eq!(all(&t)[2], q("1e300"));
    assert!(matches!(t.point(1), TimePoint::Big(_)));
    for (a, b, n) in [
        ("1", "0", 3),
        ("-1", "1", 3),
        ("0", "1", 0),
        ("0", "1", MAX_POINTS + 1),
    ] {
        assert!(Times::uniform(&q(a), &q(b), n).is_err(), "{a}:{b}:{n}");
    }
}

#[test]
fn f64_of_points_is_correctly_rounded() {
    let t = Times::uniform(&q("0"), &q("10"), 1_000_001).unwrap();
    for j in (0..1_000_001).step_by(9973) {
        let p = t.point(j);
        assert_eq!(
            p.to_f64().to_bits(),
            q_to_f64_nearest(&p.to_q()).to_bits(),
            "{j}"
        );
    }
    let mut seed = 1u64;
    for _ in 0..3000 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let n = (seed as u128) << (seed % 61) | (seed >> 7) as u128;
        let d = (seed.rotate_left(17) >> (seed % 63)).max(1);
        let want = q_to_f64_nearest(&Q::new(BigInt::from(n), BigInt::from(d)));
        assert_eq!(ratio_to_f64(n, d).to_bits(), want.to_bits(), "{n}/{d}");
    }
    assert_eq!(ratio_to_f64((1 << 53) + 1, 1), 9007199254740992.0);
    assert_eq!(ratio_to_f64((1 << 53) + 3, 1), 9007199254740996.0);
}

#[test]
fn geometric_grids_are_exact_where_the_ratio_allows() {
    let t = Times::geometric(&q("1e-3"), &q("1e3"), 7).unwrap();
    assert!(t.is_exact_grid());
    assert_eq!(
        all(&t),
        ["1e-3", "1e-2", "0.1", "1", "10", "100", "1000"].map(q)
    );
    let t = Times::geometric(&q("1"), &q("1024"), 11).unwrap();
    assert_eq!(all(&t)[10], q("1024"));
    assert_eq!(all(&t)[3], q("8"));
    // Ratio 81/16 = (9/4)^2: r = 9/4, points 4/9, 1, 9/4.
    let t = Times::geometric(&q("4/9"), &q("9/4"), 3).unwrap();
    assert!(t.is_exact_grid());
    assert_eq!(all(&t), [q("4/9"), q("1"), q("9/4")]);
}

#[test]
fn irrational_geometric_grids_round_interior_points_to_16_digits() {
    let t = Times::geometric(&q("1"), &q("10"), 3).unwrap();
    assert!(!t.is_exact_grid());
    let p = all(&t);
    assert_eq!(p[0], q("1"));
    assert_eq!(p[2], q("10"));
    // √10 = 3.16227766016837933…: within 1e-13 and exactly a 16-digit decimal.
    let err = (q_to_f64_nearest(&p[1]) - 10f64.sqrt()).abs();
    assert!(err < 1e-13, "{err}");
    let scaled = &p[1] * q("1e15");
    assert!(scaled.is_integer(), "not a 16-digit decimal: {}", p[1]);
    // Increasing over a long grid.
    let t = Times::geometric(&q("1e-6"), &q("1e6"), 1001).unwrap();
    assert!(t.is_exact_grid() || all(&t).windows(2).all(|w| w[0] < w[1]));
    let t = Times::geometric(&q("1e-6"), &q("3e6"), 1001).unwrap();
    assert!(all(&t).windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        Times::geometric(&q("0"), &q("1"), 3),
        Err(TimesError::LogFromZero)
    );
    assert_eq!(
        Times::geometric(&q("1e-400"), &q("3"), 3),
        Err(TimesError::LogRange)
    );
    // A rational ratio needs no f64: 1e-400, 1e-200, 1.
    assert!(Times::geometric(&q("1e-400"), &q("1"), 3)
        .unwrap()
        .is_exact_grid());
    assert_eq!(
        all(&Times::geometric(&q("5"), &q("7"), 1).unwrap()),
        [q("5")]
    );
}

#[test]
fn lists_keep_their_order_and_refuse_negatives() {
    let t = Times::list(vec![q("3"), q("1")]).unwrap();
    assert_eq!(all(&t), [q("3"), q("1")]);
    assert_eq!(t.max(), q("3"));
    assert_eq!(
        Times::list(vec![q("1"), q("-1")]),
        Err(TimesError::Negative { index: 1 })
    );
    assert_eq!(Times::list(vec![]), Err(TimesError::Empty));
}

#[test]
fn points_parse_exactly_and_from_doubles_exactly() {
    for text in [
        "0",
        "12",
        "0.25",
        "1.5e-3",
        "3e5",
        ".5",
        "7.",
        "1e-19",
        "123456789012345678901234567890",
        "1e-40",
        "3/7",
        "1_000",
        "-2",
        "2E3",
    ] {
        let p = TimePoint::parse(text).unwrap();
        assert_eq!(p.to_q(), q(text), "{text}");
    }
    assert!(TimePoint::parse("x").is_err());
    assert!(TimePoint::parse("").is_err());
    for x in [
        0.0, 0.1, 1.0, 1e-300, 5e-324, 1e300, 2.5, 1e20, 1e23, 123.456,
    ] {
        let p = TimePoint::from_f64(x).unwrap();
        assert_eq!(p.to_q(), f64_to_q_exact(x).unwrap(), "{x}");
        assert_eq!(p.to_f64(), x);
    }
    assert_eq!(TimePoint::from_f64(f64::NAN), None);
    assert!(TimePoint::from_f64(-1.0).unwrap().to_q() < Q::zero());
}
