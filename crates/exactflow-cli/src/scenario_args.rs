//! The scenario flags shared by every command that evaluates a trajectory (docs/cli.md,
//! "Scenario input"), and their layering: preset, then file, then flags.

use crate::error::CliError;
use clap::Args;
use exactflow_core::number::parse_exact;
use exactflow_core::presets::{preset, DEFAULT_PRESET};
use exactflow_core::scenario::{read_toml_file, Field, InitKind, InitSpec, Tie};
use exactflow_core::{Scenario, ScenarioError, ScenarioSpec, Q};
use std::path::PathBuf;

/// Scenario input. Flags override the file or preset field by field.
#[derive(Debug, Clone, Default, Args)]
pub struct ScenarioArgs {
    /// Scenario file (TOML; schema in docs/cli.md).
    #[arg(long, value_name = "FILE.toml", help_heading = "Scenario")]
    pub scenario: Option<PathBuf>,
    /// Built-in scenario: alignment | disalignment | rescaling | kernel | saddle.
    #[arg(long, value_name = "NAME", help_heading = "Scenario")]
    pub preset: Option<String>,
    /// Width d of a Gaussian initialization.
    #[arg(long, value_name = "N", help_heading = "Scenario")]
    pub width: Option<u64>,
    /// Output scale γ ≠ 0 (exact: 0.1 means 1/10; 3/7 is a rational).
    #[arg(
        long,
        value_name = "X",
        allow_hyphen_values = true,
        help_heading = "Scenario"
    )]
    pub gamma: Option<String>,
    /// Learning rate η_u > 0 of the output layer u.
    #[arg(
        long = "eta-u",
        value_name = "X",
        allow_hyphen_values = true,
        help_heading = "Scenario"
    )]
    pub eta_u: Option<String>,
    /// Learning rate η_w > 0 of the hidden layer w.
    #[arg(
        long = "eta-w",
        value_name = "X",
        allow_hyphen_values = true,
        help_heading = "Scenario"
    )]
    pub eta_w: Option<String>,
    /// E[x²] > 0.
    #[arg(
        long,
        value_name = "X",
        allow_hyphen_values = true,
        help_heading = "Scenario"
    )]
    pub exx: Option<String>,
    /// E[xy] (the target slope is θ* = E[xy]/E[x²]).
    #[arg(
        long,
        value_name = "X",
        allow_hyphen_values = true,
        help_heading = "Scenario"
    )]
    pub exy: Option<String>,
    /// E[y²] ≥ E[xy]²/E[x²] (default: equality, a realizable target).
    #[arg(
        long,
        value_name = "X",
        allow_hyphen_values = true,
        help_heading = "Scenario"
    )]
    pub eyy: Option<String>,
    /// Initialization kind: gaussian (seeded, reproducible) or explicit (--u0/--w0).
    #[arg(long, value_name = "KIND", value_parser = ["gaussian", "explicit"], help_heading = "Scenario")]
    pub init: Option<String>,
    /// Standard deviation of u₀'s entries (Gaussian init).
    #[arg(
        long = "sigma-u",
        value_name = "X",
        allow_hyphen_values = true,
        help_heading = "Scenario"
    )]
    pub sigma_u: Option<String>,
    /// Standard deviation of w₀'s entries (Gaussian init).
    #[arg(
        long = "sigma-w",
        value_name = "X",
        allow_hyphen_values = true,
        help_heading = "Scenario"
    )]
    pub sigma_w: Option<String>,
    /// Seed of the pinned Gaussian stream (ChaCha20 + Box–Muller; see docs).
    #[arg(long, value_name = "N", help_heading = "Scenario")]
    pub seed: Option<u64>,
    /// Gaussian init: tie w₀ to u₀ (none | equal | opposite).
    #[arg(long, value_name = "TIE", value_parser = ["none", "equal", "opposite"], help_heading = "Scenario")]
    pub tie: Option<String>,
    /// Explicit u₀ as a comma-separated list of exact numbers.
    #[arg(
        long,
        value_name = "LIST",
        allow_hyphen_values = true,
        help_heading = "Scenario"
    )]
    pub u0: Option<String>,
    /// Explicit w₀ as a comma-separated list of exact numbers.
    #[arg(
        long,
        value_name = "LIST",
        allow_hyphen_values = true,
        help_heading = "Scenario"
    )]
    pub w0: Option<String>,
    /// Initial weights from a file: an .npz with arrays u0 and w0 (as `exactflow init`
    /// writes), an NPY of shape (d, 2), or any table with columns u0, w0; every float
    /// read as its exact binary value (the file's exact values when it has them).
    #[arg(
        long = "init-file",
        value_name = "FILE",
        help_heading = "Scenario",
        conflicts_with_all = ["u0", "w0", "width", "sigma_u", "sigma_w", "seed", "tie", "init"]
    )]
    pub init_file: Option<PathBuf>,
    /// The scenario a table states in its metadata (any table exactflow wrote: CSV,
    /// JSON, NPZ); flags override it field by field.
    #[arg(
        long = "scenario-from",
        value_name = "TABLE",
        help_heading = "Scenario",
        conflicts_with_all = ["preset", "scenario"]
    )]
    pub scenario_from: Option<PathBuf>,
}

/// Reads a weights file into `init` (which then is explicit), the error named `label`.
fn load_init_file(init: &mut InitSpec, label: &str) -> Result<(), CliError> {
    let Some(path) = init.file.clone() else {
        return Ok(());
    };
    if init.u0.is_some() || init.w0.is_some() {
        return Err(CliError::usage(
            label,
            "a weights file and explicit u0/w0 exclude each other",
        ));
    }
    let w = exactflow_tables::weights::read_weights(&path)
        .map_err(|e| CliError::usage(label, format!("{}: {e}", path.display())))?;
    init.u0 = Some(w.u0);
    init.w0 = Some(w.w0);
    init.kind = Some(InitKind::Explicit);
    Ok(())
}

/// The scenario a table's metadata states (checked against its fingerprint).
///
/// # Errors
/// A usage error naming `--scenario-from`.
pub fn scenario_from_table(path: &std::path::Path) -> Result<ScenarioSpec, CliError> {
    use exactflow_tables::provenance::{check_fingerprint, scenario_from_metadata};
    let err = |m: String| CliError::usage("--scenario-from", format!("{}: {m}", path.display()));
    let table = exactflow_tables::read_path(path).map_err(|e| err(e.to_string()))?;
    let spec = scenario_from_metadata(&table.metadata).map_err(|e| err(e.to_string()))?;
    let scenario = spec.validate().map_err(|e| err(e.to_string()))?;
    check_fingerprint(&table.metadata, &scenario).map_err(|e| err(e.to_string()))?;
    Ok(spec)
}

fn num(flag: &str, text: &Option<String>) -> Result<Option<Q>, CliError> {
    text.as_deref()
        .map(|t| parse_exact(t).map_err(|e| CliError::usage(flag, e.to_string())))
        .transpose()
}

fn list(flag: &str, text: &Option<String>) -> Result<Option<Vec<Q>>, CliError> {
    text.as_deref()
        .map(|t| {
            t.split(',')
                .enumerate()
                .map(|(i, x)| {
                    parse_exact(x)
                        .map_err(|e| CliError::usage(&format!("{flag}[{i}]"), e.to_string()))
                })
                .collect()
        })
        .transpose()
}

/// The flag that sets a scenario field, if there is one.
pub fn flag_of(field: &Field) -> Option<&'static str> {
    Some(match field {
        Field::Gamma => "--gamma",
        Field::EtaU => "--eta-u",
        Field::EtaW => "--eta-w",
        Field::Exx => "--exx",
        Field::Exy => "--exy",
        Field::Eyy => "--eyy",
        Field::InitKind => "--init",
        Field::U0 => "--u0",
        Field::W0 => "--w0",
        Field::Width => "--width",
        Field::SigmaU => "--sigma-u",
        Field::SigmaW => "--sigma-w",
        Field::Seed => "--seed",
        Field::Tie => "--tie",
        Field::Preset => "--preset",
        Field::Name | Field::Init | Field::InitFile | Field::Unknown(_) => return None,
    })
}

impl ScenarioArgs {
    fn flags_layer(&self) -> Result<ScenarioSpec, CliError> {
        let kind = match self.init.as_deref() {
            Some("gaussian") => Some(InitKind::Gaussian),
            Some("explicit") => Some(InitKind::Explicit),
            _ => None,
        };
        Ok(ScenarioSpec {
            name: None,
            gamma: num("--gamma", &self.gamma)?,
            eta_u: num("--eta-u", &self.eta_u)?,
            eta_w: num("--eta-w", &self.eta_w)?,
            exx: num("--exx", &self.exx)?,
            exy: num("--exy", &self.exy)?,
            eyy: num("--eyy", &self.eyy)?,
            init: InitSpec {
                kind,
                u0: list("--u0", &self.u0)?,
                w0: list("--w0", &self.w0)?,
                width: self.width,
                sigma_u: num("--sigma-u", &self.sigma_u)?,
                sigma_w: num("--sigma-w", &self.sigma_w)?,
                seed: self.seed,
                tie: self.tie.as_deref().map(|t| match t {
                    "equal" => Tie::Equal,
                    "opposite" => Tie::Opposite,
                    _ => Tie::None,
                }),
                file: self.init_file.clone(),
            },
        })
    }

    /// Builds the scenario: preset (or the default preset when nothing at all is given),
    /// then the file, then the flags.
    ///
    /// # Errors
    /// [`CliError::Scenario`] naming the field or flag.
    pub fn resolve(&self) -> Result<Scenario, CliError> {
        let mut flags = self.flags_layer()?;
        load_init_file(&mut flags.init, "--init-file")?;
        let mut spec = ScenarioSpec::default();
        let nothing = self.scenario.is_none()
            && self.preset.is_none()
            && self.scenario_from.is_none()
            && flags == ScenarioSpec::default();
        if let Some(path) = &self.scenario_from {
            spec = scenario_from_table(path)?;
        } else if let Some(name) =
            self.preset
                .as_deref()
                .or(if nothing { Some(DEFAULT_PRESET) } else { None })
        {
            spec = preset(name).map_err(|e| self.name_the_flag(e))?;
        }
        if let Some(path) = &self.scenario {
            let mut file = read_toml_file(path)?;
            load_init_file(
                &mut file.init,
                &format!("init.file (in {})", path.display()),
            )?;
            spec = spec.overlay(&file);
        }
        spec = spec.overlay(&flags);
        spec.validate().map_err(|e| self.name_the_flag(e))
    }

    /// Whether the flag setting `field` was given.
    fn gave(&self, field: &Field) -> bool {
        match field {
            Field::Gamma => self.gamma.is_some(),
            Field::EtaU => self.eta_u.is_some(),
            Field::EtaW => self.eta_w.is_some(),
            Field::Exx => self.exx.is_some(),
            Field::Exy => self.exy.is_some(),
            Field::Eyy => self.eyy.is_some(),
            Field::InitKind => self.init.is_some(),
            Field::U0 => self.u0.is_some(),
            Field::W0 => self.w0.is_some(),
            Field::Width => self.width.is_some(),
            Field::SigmaU => self.sigma_u.is_some(),
            Field::SigmaW => self.sigma_w.is_some(),
            Field::Seed => self.seed.is_some(),
            Field::Tie => self.tie.is_some(),
            Field::Preset => self.preset.is_some(),
            Field::Name | Field::Init | Field::InitFile | Field::Unknown(_) => false,
        }
    }

    /// A scenario error as the command line says it: a value given by a flag names the
    /// flag (and the field); a missing field names the flag that supplies it.
    fn name_the_flag(&self, e: ScenarioError) -> CliError {
        let Some(path) = e.field() else {
            return CliError::Scenario(e);
        };
        let Some(flag) = flag_of(&path.field) else {
            return CliError::Scenario(e);
        };
        match &e {
            ScenarioError::Missing { hint, .. } => {
                CliError::usage(&path.to_string(), format!("missing ({hint}; flag {flag})"))
            }
            _ if self.gave(&path.field) => {
                let flag = match path.index {
                    Some(i) => format!("{flag}[{i}]"),
                    None => flag.to_string(),
                };
                if path.field == Field::Preset {
                    CliError::usage(&flag, e.detail())
                } else {
                    CliError::usage(&format!("{flag} ({path})"), e.detail())
                }
            }
            _ => CliError::Scenario(e),
        }
    }
}
