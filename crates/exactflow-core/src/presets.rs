//! Built-in scenarios, one per regime of docs/model.md §9.
//!
//! All use `E[x²] = 1`, `η_u = η_w = 1` and a seeded Gaussian initialization (so width
//! and σ sweeps apply to them). The regime each is in is checked against the exact
//! solution by `tests/presets.rs`.
//!
//! | preset | width | σ_u | σ_w | γ | θ* | why it is in its regime |
//! |---|---|---|---|---|---|---|
//! | `kernel` | 1024 | 1 | 1 | 1/32 = 1/√d | 1 | needed change θ*/k = 32 ≪ S ≈ 2d: z stays near 1 |
//! | `alignment` | 1000 | 1e-3 | 1e-3 | 1/d | 1 | θ*/k = 1000 ≫ S ≈ 2e-3 and kθ* > 0: z grows, ζ → +1 |
//! | `disalignment` | 1000 | 1e-3 | 1e-3 | 1/d | −1 | as alignment with kθ* < 0: z shrinks, ζ → −1 |
//! | `rescaling` | 1000 | 1 | 1e-4 | 1/d | 1 | ũ₀ dominates: u keeps its direction, w turns to it |
//! | `saddle` | 16 | 0.1 | 0.1 (tied, w₀ = u₀) | 1 | −1 | δ₀ = 0 and kθ* < 0: z₊ = 0, the flow falls into the saddle u = w = 0 |

use crate::number::{parse_exact, Q};
use crate::scenario::{InitKind, InitSpec, ScenarioError, ScenarioSpec, Tie};

/// Names of the presets, in documentation order.
pub const PRESETS: [&str; 5] = ["alignment", "disalignment", "rescaling", "kernel", "saddle"];

/// The preset `solve` runs when given no scenario at all.
pub const DEFAULT_PRESET: &str = "alignment";

/// The example scenario of `README.md` and `docs/cli.md` (their TOML block without the
/// comments): width 3 with explicit weights, `η_u ≠ η_w`, `E[xy] < 0`. Tests across the
/// workspace start from it and mutate it; `tests/scenario.rs` checks it is the documents'
/// example.
pub const EXAMPLE_TOML: &str = r#"[model]
gamma = "0.9"
eta_u = "0.7"
eta_w = "13/10"
[data]
exx = "1.1"
exy = "-2.5"
[init]
u0 = ["0.1", "-0.2", "0.3"]
w0 = ["0.5", "0.1", "-0.7"]
"#;

fn q(s: &str) -> Q {
    // ok: preset literals below are valid number text (covered by the presets test).
    parse_exact(s).unwrap_or_default()
}

fn gaussian(width: u64, su: &str, sw: &str, tie: Tie) -> InitSpec {
    InitSpec {
        kind: Some(InitKind::Gaussian),
        width: Some(width),
        sigma_u: Some(q(su)),
        sigma_w: Some(q(sw)),
        seed: Some(0),
        tie: Some(tie),
        ..InitSpec::default()
    }
}

/// The preset called `name` as a scenario layer.
///
/// # Errors
/// [`ScenarioError::UnknownPreset`].
pub fn preset(name: &str) -> Result<ScenarioSpec, ScenarioError> {
    let (gamma, exy, init) = match name {
        "kernel" => ("1/32", "1", gaussian(1024, "1", "1", Tie::None)),
        "alignment" => ("1/1000", "1", gaussian(1000, "1e-3", "1e-3", Tie::None)),
        "disalignment" => ("1/1000", "-1", gaussian(1000, "1e-3", "1e-3", Tie::None)),
        "rescaling" => ("1/1000", "1", gaussian(1000, "1", "1e-4", Tie::None)),
        "saddle" => ("1", "-1", gaussian(16, "0.1", "0.1", Tie::Equal)),
        other => return Err(ScenarioError::UnknownPreset(other.to_string())),
    };
    Ok(ScenarioSpec {
        name: Some(name.to_string()),
        gamma: Some(q(gamma)),
        eta_u: Some(q("1")),
        eta_w: Some(q("1")),
        exx: Some(q("1")),
        exy: Some(q(exy)),
        eyy: None,
        init,
    })
}

#[cfg(test)]
#[path = "tests/presets.rs"]
mod tests;
