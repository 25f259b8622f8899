//! Scenario errors, each naming the field it is about as a typed [`FieldPath`].
//!
//! The library names fields the way the scenario file spells them (`model.eta_u`,
//! `init.u0[3]`); it knows no command-line flag. A front end maps a [`Field`] to its own
//! spelling (the CLI to `--eta-u`, the Python binding to a keyword argument).

use crate::number::NumberError;
use std::fmt;
use thiserror::Error;

/// A field of the scenario schema (docs/cli.md, "Scenario input").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// `name`.
    Name,
    /// `model.gamma`.
    Gamma,
    /// `model.eta_u`.
    EtaU,
    /// `model.eta_w`.
    EtaW,
    /// `data.exx`.
    Exx,
    /// `data.exy`.
    Exy,
    /// `data.eyy`.
    Eyy,
    /// The `init` table as a whole (a missing or inconsistent initialization).
    Init,
    /// `init.kind`.
    InitKind,
    /// `init.u0`.
    U0,
    /// `init.w0`.
    W0,
    /// `init.width`.
    Width,
    /// `init.sigma_u`.
    SigmaU,
    /// `init.sigma_w`.
    SigmaW,
    /// `init.seed`.
    Seed,
    /// `init.tie`.
    Tie,
    /// `init.file`: a weights file (NPY/NPZ) holding `u0` and `w0`.
    InitFile,
    /// The name of a built-in scenario (a layer below the file, not a file key).
    Preset,
    /// A key the schema does not know, as written (`model.bogus`, `modle`).
    Unknown(String),
}

impl Field {
    /// Every known field (not [`Field::Unknown`]), in schema order.
    pub const KNOWN: [Field; 18] = [
        Field::Name,
        Field::Gamma,
        Field::EtaU,
        Field::EtaW,
        Field::Exx,
        Field::Exy,
        Field::Eyy,
        Field::Init,
        Field::InitKind,
        Field::U0,
        Field::W0,
        Field::Width,
        Field::SigmaU,
        Field::SigmaW,
        Field::Seed,
        Field::Tie,
        Field::InitFile,
        Field::Preset,
    ];

    /// The dotted path of the field as the scenario file spells it.
    pub fn path(&self) -> &str {
        match self {
            Field::Name => "name",
            Field::Gamma => "model.gamma",
            Field::EtaU => "model.eta_u",
            Field::EtaW => "model.eta_w",
            Field::Exx => "data.exx",
            Field::Exy => "data.exy",
            Field::Eyy => "data.eyy",
            Field::Init => "init",
            Field::InitKind => "init.kind",
            Field::U0 => "init.u0",
            Field::W0 => "init.w0",
            Field::Width => "init.width",
            Field::SigmaU => "init.sigma_u",
            Field::SigmaW => "init.sigma_w",
            Field::Seed => "init.seed",
            Field::Tie => "init.tie",
            Field::InitFile => "init.file",
            Field::Preset => "preset",
            Field::Unknown(s) => s,
        }
    }

    /// The field at this dotted path (a known one, else [`Field::Unknown`]).
    pub fn from_path(path: &str) -> Field {
        Field::KNOWN
            .iter()
            .find(|f| f.path() == path)
            .cloned()
            .unwrap_or_else(|| Field::Unknown(path.to_string()))
    }
}

/// A field, and for a list field the index of the offending entry: `init.u0[3]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    /// The field.
    pub field: Field,
    /// The entry of a list field (`u0`, `w0`), if the error is about one entry.
    pub index: Option<usize>,
}

impl From<Field> for FieldPath {
    fn from(field: Field) -> Self {
        FieldPath { field, index: None }
    }
}

impl FieldPath {
    /// Entry `index` of a list field.
    pub fn entry(field: Field, index: usize) -> Self {
        FieldPath {
            field,
            index: Some(index),
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field.path())?;
        if let Some(i) = self.index {
            write!(f, "[{i}]")?;
        }
        Ok(())
    }
}

/// Why a scenario is not valid. Every variant about a value names its field
/// ([`ScenarioError::field`]); `Display` is `"<field>: <detail>"`.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// A number that does not parse.
    #[error("{field}: {source}")]
    Number {
        /// The field.
        field: FieldPath,
        /// The parse error.
        #[source]
        source: NumberError,
    },
    /// A value outside its domain, or of the wrong type.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: FieldPath,
        /// What is wrong, with the offending value.
        message: String,
    },
    /// A required field is absent.
    #[error("{field}: missing ({hint})")]
    Missing {
        /// The field.
        field: FieldPath,
        /// What supplies it, in the scenario's terms.
        hint: String,
    },
    /// The TOML text does not parse.
    #[error("{origin}: not valid TOML: {message}")]
    Toml {
        /// The file (or another name for the text).
        origin: String,
        /// The parser's message, with the line.
        message: String,
    },
    /// The scenario file cannot be read.
    #[error("{path}: cannot read the scenario file: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An unknown preset name.
    #[error("preset: {}", unknown_preset(.0))]
    UnknownPreset(String),
}

impl ScenarioError {
    pub(crate) fn invalid(field: impl Into<FieldPath>, message: impl Into<String>) -> Self {
        ScenarioError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn missing(field: impl Into<FieldPath>, hint: impl Into<String>) -> Self {
        ScenarioError::Missing {
            field: field.into(),
            hint: hint.into(),
        }
    }

    pub(crate) fn number(field: impl Into<FieldPath>, source: NumberError) -> Self {
        ScenarioError::Number {
            field: field.into(),
            source,
        }
    }

    /// The field the error is about (`None` for a file that cannot be read or is not TOML).
    pub fn field(&self) -> Option<FieldPath> {
        match self {
            ScenarioError::Number { field, .. }
            | ScenarioError::Invalid { field, .. }
            | ScenarioError::Missing { field, .. } => Some(field.clone()),
            ScenarioError::UnknownPreset(_) => Some(Field::Preset.into()),
            ScenarioError::Toml { .. } | ScenarioError::Io { .. } => None,
        }
    }

    /// The message without the field: what `Display` prints after `"<field>: "` (the
    /// whole message for errors without a field).
    pub fn detail(&self) -> String {
        match self {
            ScenarioError::Number { source, .. } => source.to_string(),
            ScenarioError::Invalid { message, .. } => message.clone(),
            ScenarioError::Missing { hint, .. } => format!("missing ({hint})"),
            ScenarioError::UnknownPreset(name) => unknown_preset(name),
            ScenarioError::Toml { .. } | ScenarioError::Io { .. } => self.to_string(),
        }
    }
}

fn unknown_preset(name: &str) -> String {
    format!(
        "unknown preset {name:?} (known: {})",
        crate::presets::PRESETS.join(", ")
    )
}
