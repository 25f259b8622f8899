//! Scenario TOML files: parsed, layered over a preset-free default, validated, and the
//! validated scenario's canonical TOML parsed back to the same scenario.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(spec) = exactflow_core::scenario::parse_toml(text, "fuzz") else {
        return;
    };
    let Ok(s) = spec.validate() else {
        return;
    };
    // Keep each input cheap: the exact sums grow with the width.
    if s.width() > 4096 {
        return;
    }
    let canonical = s.canonical_toml();
    let _ = s.sha256();
    let back = exactflow_core::scenario::parse_toml(&canonical, "canonical")
        .and_then(|b| b.validate())
        .expect("canonical TOML reads back");
    assert_eq!(
        back.canonical_toml(),
        canonical,
        "canonical TOML is a fixed point"
    );
});
