//! Unit tests of `observables.rs`.
use super::*;

#[test]
fn names_round_trip_in_schema_order() {
    let names: Vec<_> = Column::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(
        names,
        [
            "t",
            "z",
            "slope",
            "residual",
            "loss",
            "ntk",
            "alignment",
            "norm_u",
            "norm_w"
        ]
    );
    for c in Column::ALL {
        assert_eq!(Column::parse(c.name()), Ok(c));
    }
}

#[test]
fn lists_are_normalized() {
    let l = Column::parse_list("ntk, z,ntk").unwrap();
    assert_eq!(l, vec![Column::T, Column::Z, Column::Ntk]);
    assert!(Column::parse_list("z,bogus").is_err());
}
