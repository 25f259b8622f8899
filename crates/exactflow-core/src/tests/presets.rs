//! Unit tests of `presets.rs`.
use super::*;

#[test]
fn every_preset_validates() {
    for name in PRESETS {
        let s = preset(name).unwrap().validate().unwrap();
        assert!(s.width() >= 1, "{name}");
    }
    assert!(preset("nope").is_err());
}
