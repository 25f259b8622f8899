//! Provenance: the metadata every table states so that it alone regenerates it — the
//! keys, in one place, for every writer (the CLI, the Python binding) and for
//! [`scenario_from_metadata`], which reads them back.
//!
//! Besides the tool's version ([`VERSION`]), the command, the scenario's name and its
//! fingerprint, a table states every number of the scenario exactly, under the dotted
//! path the scenario file gives it (`model.gamma = 1/1000`, `data.exy`, `init.sigma_u`,
//! …; docs/cli.md, "Scenario input"): `p/q` text for numbers, comma-separated lists for
//! explicit `init.u0` / `init.w0`. Reading them back is parsing a scenario file made of
//! them, so the same validation and the same field names apply.

use exactflow_core::scenario::{parse_toml, Init, ScenarioError, ScenarioSpec};
use exactflow_core::Scenario;
use thiserror::Error;

/// The exactflow version that wrote the table.
pub const VERSION: &str = "exactflow";
/// The command that wrote it (`solve`, `simulate`, `init`, …).
pub const COMMAND: &str = "command";
/// The scenario's name (a preset's, a file's) or `(flags)`.
pub const SCENARIO: &str = "scenario";
/// SHA-256 of the scenario's canonical text ([`Scenario::sha256`]).
pub const SHA256: &str = "scenario_sha256";
/// The width `d`.
pub const WIDTH: &str = "width";
/// The time points, as the flag that gave them (`--grid 0:10:101`, `--times 0,1`,
/// `--times-file PATH`).
pub const TIMES: &str = "times";
/// The engine (`fast`, `mp`).
pub const ENGINE: &str = "engine";
/// The digits printed (`shortest round-trip` or a count).
pub const DIGITS: &str = "digits";
/// [`DIGITS`] of the shortest round-trip text.
pub const SHORTEST: &str = "shortest round-trip";
/// The name of a scenario given by flags only.
pub const UNNAMED: &str = "(flags)";

/// The version of exactflow (the workspace's).
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The provenance of a table `command` writes for `scenario`: version, command, name,
/// fingerprint, width, then every number of the scenario ([`scenario_entries`]).
pub fn provenance(scenario: &Scenario, command: &str) -> Vec<(String, String)> {
    let mut m: Vec<(String, String)> = vec![
        (VERSION.into(), version().into()),
        (COMMAND.into(), command.into()),
        (
            SCENARIO.into(),
            scenario.name.clone().unwrap_or_else(|| UNNAMED.into()),
        ),
        (SHA256.into(), scenario.sha256()),
        (WIDTH.into(), scenario.width().to_string()),
    ];
    m.extend(scenario_entries(scenario));
    m
}

/// Every number of `scenario`, exactly, keyed by its field's dotted path.
pub fn scenario_entries(s: &Scenario) -> Vec<(String, String)> {
    let mut m: Vec<(String, String)> = [
        ("model.gamma", &s.gamma),
        ("model.eta_u", &s.eta_u),
        ("model.eta_w", &s.eta_w),
        ("data.exx", &s.exx),
        ("data.exy", &s.exy),
        ("data.eyy", &s.eyy),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut put = |k: &str, v: String| m.push((k.to_string(), v));
    match &s.init {
        Init::Explicit { u0, w0 } => {
            let list = |v: &[exactflow_core::Q]| {
                v.iter()
                    .map(|q| q.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            put("init.kind", "explicit".into());
            put("init.u0", list(u0));
            put("init.w0", list(w0));
        }
        Init::Gaussian(g) => {
            put("init.kind", "gaussian".into());
            put("init.width", g.width.to_string());
            put("init.sigma_u", g.sigma_u.to_string());
            put("init.sigma_w", g.sigma_w.to_string());
            put("init.seed", g.seed.to_string());
            put("init.tie", g.tie.name().into());
        }
    }
    m
}

/// Why a table's metadata does not give its scenario.
#[derive(Debug, Error)]
pub enum ProvenanceError {
    /// No scenario entries (a plain NPY, a table from elsewhere or from an older
    /// exactflow).
    #[error("states no scenario (no model.*, data.* or init.* metadata: a plain NPY has no metadata, and tables written before exactflow 0.1.0 state only the scenario's name)")]
    NoScenario,
    /// The entries do not make a valid scenario (names the field).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The scenario's fingerprint differs from the one stated: the metadata was edited.
    #[error("the scenario its metadata states has SHA-256 {computed}, but the table states {stated}: the metadata was changed")]
    Fingerprint {
        /// The fingerprint the table states.
        stated: String,
        /// The fingerprint of the scenario its entries give.
        computed: String,
    },
}

/// A TOML basic string of `s`.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The scenario a table's metadata states, as a scenario layer (its name included).
///
/// # Errors
/// [`ProvenanceError::NoScenario`] without scenario entries; otherwise the scenario
/// file's errors, naming the field.
pub fn scenario_from_metadata(meta: &[(String, String)]) -> Result<ScenarioSpec, ProvenanceError> {
    let mut sections: Vec<(&str, Vec<String>)> = vec![
        ("model", Vec::new()),
        ("data", Vec::new()),
        ("init", Vec::new()),
    ];
    for (k, v) in meta {
        let Some((section, key)) = k.split_once('.') else {
            continue;
        };
        let Some((_, lines)) = sections.iter_mut().find(|(s, _)| *s == section) else {
            continue;
        };
        let value = if section == "init" && (key == "u0" || key == "w0") {
            let items: Vec<String> = v.split(',').map(|x| toml_string(x.trim())).collect();
            format!("[{}]", items.join(", "))
        } else {
            toml_string(v)
        };
        lines.push(format!("{} = {value}", toml_string(key)));
    }
    if sections.iter().all(|(_, l)| l.is_empty()) {
        return Err(ProvenanceError::NoScenario);
    }
    let mut text = String::new();
    for (s, lines) in &sections {
        text.push_str(&format!("[{s}]\n"));
        for l in lines {
            text.push_str(l);
            text.push('\n');
        }
    }
    let mut spec = parse_toml(&text, "the table's metadata")?;
    spec.name = meta
        .iter()
        .find(|(k, _)| k == SCENARIO)
        .map(|(_, v)| v.clone())
        .filter(|v| v != UNNAMED);
    Ok(spec)
}

/// Checks `scenario` (rebuilt from `meta`) against the fingerprint `meta` states, if it
/// states one.
///
/// # Errors
/// [`ProvenanceError::Fingerprint`].
pub fn check_fingerprint(
    meta: &[(String, String)],
    scenario: &Scenario,
) -> Result<(), ProvenanceError> {
    match meta.iter().find(|(k, _)| k == SHA256) {
        Some((_, stated)) if *stated != scenario.sha256() => Err(ProvenanceError::Fingerprint {
            stated: stated.clone(),
            computed: scenario.sha256(),
        }),
        _ => Ok(()),
    }
}
