//! The scenario: model, data moments and initialization, held exactly.
//!
//! A scenario is assembled in layers — a preset, then a TOML file, then command-line
//! flags, each overriding the one before field by field — as a [`ScenarioSpec`] of
//! optional exact values, and then validated into a [`Scenario`]. Validation errors name
//! the field (`model.eta_u`, `init.u0`, ...) the way the scenario file spells it.

use crate::gaussian::{exact_dot, standard_normals};
use crate::number::{f64_to_q, parse_exact, NumberError, Q};
use crate::reduction::ExactReduction;
use num_traits::{One, Signed, Zero};
use std::fmt;
use thiserror::Error;

/// Largest accepted width (explicit or Gaussian).
pub const MAX_WIDTH: u64 = 1_000_000;

/// Why a scenario is not valid. Every variant names the field.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// A number that does not parse.
    #[error("{field}: {source}")]
    Number {
        /// The field.
        field: String,
        /// The parse error.
        #[source]
        source: NumberError,
    },
    /// A value outside its domain.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: String,
        /// What is wrong, with the offending value.
        message: String,
    },
    /// A required field is absent.
    #[error("{field}: missing ({hint})")]
    Missing {
        /// The field.
        field: String,
        /// How to supply it.
        hint: String,
    },
    /// The TOML text does not parse.
    #[error("{origin}: not valid TOML: {message}")]
    Toml {
        /// The file (or `scenario`).
        origin: String,
        /// The parser's message.
        message: String,
    },
    /// The file cannot be read.
    #[error("{path}: cannot read the scenario file: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An unknown preset name.
    #[error("--preset: unknown preset {0:?} (known: alignment, disalignment, rescaling, kernel, saddle)")]
    UnknownPreset(String),
}

impl ScenarioError {
    fn invalid(field: &str, message: impl Into<String>) -> Self {
        ScenarioError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// How the two layers of a Gaussian initialization are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tie {
    /// Independent draws for `u₀` and `w₀` (the default).
    #[default]
    None,
    /// `w₀ = (σ_w/σ_u)·u₀`... exactly: `w₀ᵢ = σ_w gᵢ` with the *same* normals as `u₀`.
    Equal,
    /// `w₀ᵢ = −σ_w gᵢ` with the same normals as `u₀`.
    Opposite,
}

impl Tie {
    fn parse(s: &str) -> Option<Tie> {
        match s {
            "none" => Some(Tie::None),
            "equal" => Some(Tie::Equal),
            "opposite" => Some(Tie::Opposite),
            _ => None,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Tie::None => "none",
            Tie::Equal => "equal",
            Tie::Opposite => "opposite",
        }
    }
}

/// Kind of initialization requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitKind {
    /// Explicit `u0`, `w0`.
    Explicit,
    /// Seeded Gaussian.
    Gaussian,
}

/// The initialization part of a [`ScenarioSpec`]: every field optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InitSpec {
    /// Requested kind (inferred from the fields present when absent).
    pub kind: Option<InitKind>,
    /// Explicit output-layer weights.
    pub u0: Option<Vec<Q>>,
    /// Explicit hidden-layer weights.
    pub w0: Option<Vec<Q>>,
    /// Gaussian: width `d`.
    pub width: Option<u64>,
    /// Gaussian: standard deviation of `u₀`'s entries.
    pub sigma_u: Option<Q>,
    /// Gaussian: standard deviation of `w₀`'s entries.
    pub sigma_w: Option<Q>,
    /// Gaussian: seed of the pinned stream (default 0).
    pub seed: Option<u64>,
    /// Gaussian: tie between layers (default none).
    pub tie: Option<Tie>,
}

/// A scenario under construction: any field may be absent. Layers combine with
/// [`ScenarioSpec::overlay`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScenarioSpec {
    /// A name for reports (the preset's name, or the file's).
    pub name: Option<String>,
    /// Output scale γ (default 1).
    pub gamma: Option<Q>,
    /// Learning rate of the output layer (default 1).
    pub eta_u: Option<Q>,
    /// Learning rate of the hidden layer (default 1).
    pub eta_w: Option<Q>,
    /// `E[x²]` (default 1).
    pub exx: Option<Q>,
    /// `E[xy]` (required).
    pub exy: Option<Q>,
    /// `E[y²]` (default `exy²/exx`).
    pub eyy: Option<Q>,
    /// The initialization.
    pub init: InitSpec,
}

impl ScenarioSpec {
    /// Applies `top` over `self`, field by field. An explicit initialization in `top`
    /// replaces a Gaussian one below it and vice versa.
    pub fn overlay(mut self, top: &ScenarioSpec) -> ScenarioSpec {
        macro_rules! take {
            ($($f:ident).+) => {
                if top.$($f).+.is_some() {
                    self.$($f).+ = top.$($f).+.clone();
                }
            };
        }
        take!(name);
        take!(gamma);
        take!(eta_u);
        take!(eta_w);
        take!(exx);
        take!(exy);
        take!(eyy);
        let top_kind = top.init.kind.or_else(|| top.init.inferred_kind());
        match top_kind {
            Some(InitKind::Explicit) => {
                self.init = InitSpec {
                    kind: Some(InitKind::Explicit),
                    ..InitSpec::default()
                };
            }
            Some(InitKind::Gaussian) if self.init.effective_kind() == Some(InitKind::Explicit) => {
                self.init = InitSpec {
                    kind: Some(InitKind::Gaussian),
                    ..InitSpec::default()
                };
            }
            _ => {}
        }
        take!(init.kind);
        take!(init.u0);
        take!(init.w0);
        take!(init.width);
        take!(init.sigma_u);
        take!(init.sigma_w);
        take!(init.seed);
        take!(init.tie);
        self
    }

    /// Validates into a [`Scenario`].
    ///
    /// # Errors
    /// The first problem found, naming its field: `model.gamma` zero, a learning rate or
    /// `data.exx` not positive, `data.eyy < exy²/exx`, a missing `data.exy` or
    /// initialization, `u0`/`w0` of different lengths, a width of 0 or above
    /// [`MAX_WIDTH`], a negative σ.
    pub fn validate(&self) -> Result<Scenario, ScenarioError> {
        let one = Q::one();
        let gamma = self.gamma.clone().unwrap_or_else(|| one.clone());
        if gamma.is_zero() {
            return Err(ScenarioError::invalid(
                "model.gamma",
                "must be nonzero (γ = 0 has no dynamics)",
            ));
        }
        let positive = |field: &str, v: &Option<Q>| -> Result<Q, ScenarioError> {
            let v = v.clone().unwrap_or_else(|| one.clone());
            if v.is_positive() {
                Ok(v)
            } else {
                Err(ScenarioError::invalid(
                    field,
                    format!("must be > 0, got {}", show(&v)),
                ))
            }
        };
        let eta_u = positive("model.eta_u", &self.eta_u)?;
        let eta_w = positive("model.eta_w", &self.eta_w)?;
        let exx = positive("data.exx", &self.exx)?;
        let exy = self.exy.clone().ok_or_else(|| ScenarioError::Missing {
            field: "data.exy".into(),
            hint: "set data.exy in the scenario file or pass --exy".into(),
        })?;
        let min_eyy = &exy * &exy / &exx;
        let eyy = match &self.eyy {
            Some(v) if *v < min_eyy => {
                return Err(ScenarioError::invalid(
                    "data.eyy",
                    format!("must be >= exy^2/exx = {}, got {}", show(&min_eyy), show(v)),
                ))
            }
            Some(v) => v.clone(),
            None => min_eyy,
        };
        let init = self.init.validate()?;
        Ok(Scenario {
            name: self.name.clone(),
            gamma,
            eta_u,
            eta_w,
            exx,
            exy,
            eyy,
            init,
        })
    }
}

impl InitSpec {
    fn inferred_kind(&self) -> Option<InitKind> {
        if self.u0.is_some() || self.w0.is_some() {
            Some(InitKind::Explicit)
        } else if self.width.is_some()
            || self.sigma_u.is_some()
            || self.sigma_w.is_some()
            || self.seed.is_some()
            || self.tie.is_some()
        {
            Some(InitKind::Gaussian)
        } else {
            None
        }
    }

    fn effective_kind(&self) -> Option<InitKind> {
        self.kind.or_else(|| self.inferred_kind())
    }

    fn validate(&self) -> Result<Init, ScenarioError> {
        match self.effective_kind() {
            None => Err(ScenarioError::Missing {
                field: "init".into(),
                hint: "give init.u0 and init.w0, or kind = \"gaussian\" with width, sigma_u, sigma_w (flags --init gaussian --width ...)".into(),
            }),
            Some(InitKind::Explicit) => {
                if self.width.is_some() || self.sigma_u.is_some() || self.sigma_w.is_some() || self.seed.is_some() {
                    return Err(ScenarioError::invalid(
                        "init",
                        "width, sigma_u, sigma_w and seed apply to a gaussian initialization, not to explicit u0/w0",
                    ));
                }
                let u0 = self.u0.clone().ok_or_else(|| ScenarioError::Missing {
                    field: "init.u0".into(),
                    hint: "an explicit initialization needs both u0 and w0".into(),
                })?;
                let w0 = self.w0.clone().ok_or_else(|| ScenarioError::Missing {
                    field: "init.w0".into(),
                    hint: "an explicit initialization needs both u0 and w0".into(),
                })?;
                if u0.len() != w0.len() {
                    return Err(ScenarioError::invalid(
                        "init.w0",
                        format!("u0 has {} entries but w0 has {}: they must have the same length", u0.len(), w0.len()),
                    ));
                }
                check_width("init.u0", u0.len() as u64)?;
                Ok(Init::Explicit { u0, w0 })
            }
            Some(InitKind::Gaussian) => {
                if self.u0.is_some() || self.w0.is_some() {
                    return Err(ScenarioError::invalid(
                        "init",
                        "u0/w0 cannot be combined with a gaussian initialization",
                    ));
                }
                let width = self.width.ok_or_else(|| ScenarioError::Missing {
                    field: "init.width".into(),
                    hint: "a gaussian initialization needs a width (--width N)".into(),
                })?;
                check_width("init.width", width)?;
                let sigma = |field: &str, v: &Option<Q>| -> Result<Q, ScenarioError> {
                    let v = v.clone().ok_or_else(|| ScenarioError::Missing {
                        field: field.into(),
                        hint: "a gaussian initialization needs sigma_u and sigma_w".into(),
                    })?;
                    if v.is_negative() {
                        Err(ScenarioError::invalid(field, format!("must be >= 0, got {}", show(&v))))
                    } else {
                        Ok(v)
                    }
                };
                Ok(Init::Gaussian(GaussianInit {
                    width: width as usize,
                    sigma_u: sigma("init.sigma_u", &self.sigma_u)?,
                    sigma_w: sigma("init.sigma_w", &self.sigma_w)?,
                    seed: self.seed.unwrap_or(0),
                    tie: self.tie.unwrap_or_default(),
                }))
            }
        }
    }
}

fn check_width(field: &str, width: u64) -> Result<(), ScenarioError> {
    if width == 0 {
        Err(ScenarioError::invalid(field, "width must be at least 1"))
    } else if width > MAX_WIDTH {
        Err(ScenarioError::invalid(
            field,
            format!("width {width} exceeds the limit of {MAX_WIDTH}"),
        ))
    } else {
        Ok(())
    }
}

/// Short exact text of a rational for messages.
fn show(q: &Q) -> String {
    let s = q.to_string();
    if s.len() > 60 {
        format!("{}…", &s[..60])
    } else {
        s
    }
}

/// A seeded Gaussian initialization (see [`crate::gaussian`] for the pinned stream).
#[derive(Debug, Clone, PartialEq)]
pub struct GaussianInit {
    /// Width `d`.
    pub width: usize,
    /// Standard deviation of the entries of `u₀`.
    pub sigma_u: Q,
    /// Standard deviation of the entries of `w₀`.
    pub sigma_w: Q,
    /// Seed.
    pub seed: u64,
    /// Tie between the layers.
    pub tie: Tie,
}

impl GaussianInit {
    /// The standard normals behind `u₀` and `w₀` (`u₀ = σ_u g`, `w₀ = σ_w h`).
    pub fn normals(&self) -> (Vec<f64>, Vec<f64>) {
        let d = self.width;
        match self.tie {
            Tie::None => {
                let mut g = standard_normals(self.seed, 2 * d);
                let h = g.split_off(d);
                (g, h)
            }
            Tie::Equal => {
                let g = standard_normals(self.seed, d);
                (g.clone(), g)
            }
            Tie::Opposite => {
                let g = standard_normals(self.seed, d);
                let h = g.iter().map(|x| -x).collect();
                (g, h)
            }
        }
    }
}

/// A validated initialization.
#[derive(Debug, Clone, PartialEq)]
pub enum Init {
    /// Explicit weights.
    Explicit {
        /// Output layer.
        u0: Vec<Q>,
        /// Hidden layer.
        w0: Vec<Q>,
    },
    /// Seeded Gaussian.
    Gaussian(GaussianInit),
}

/// A validated scenario; every number exact.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name for reports.
    pub name: Option<String>,
    /// Output scale γ ≠ 0.
    pub gamma: Q,
    /// Learning rate of `u`, > 0.
    pub eta_u: Q,
    /// Learning rate of `w`, > 0.
    pub eta_w: Q,
    /// `E[x²] > 0`.
    pub exx: Q,
    /// `E[xy]`.
    pub exy: Q,
    /// `E[y²] ≥ exy²/exx`.
    pub eyy: Q,
    /// Initialization.
    pub init: Init,
}

impl Scenario {
    /// Width `d`.
    pub fn width(&self) -> usize {
        match &self.init {
            Init::Explicit { u0, .. } => u0.len(),
            Init::Gaussian(g) => g.width,
        }
    }

    /// The initial weights, exactly.
    pub fn initial_weights(&self) -> (Vec<Q>, Vec<Q>) {
        match &self.init {
            Init::Explicit { u0, w0 } => (u0.clone(), w0.clone()),
            Init::Gaussian(g) => {
                let (gu, gw) = g.normals();
                let scale = |v: &[f64], s: &Q| -> Vec<Q> {
                    v.iter()
                        .map(|x| f64_to_q(*x).unwrap_or_default() * s)
                        .collect()
                };
                (scale(&gu, &g.sigma_u), scale(&gw, &g.sigma_w))
            }
        }
    }

    /// `(|u₀|², |w₀|², u₀·w₀)`, exactly.
    pub fn initial_sums(&self) -> (Q, Q, Q) {
        match &self.init {
            Init::Explicit { u0, w0 } => {
                let dot = |a: &[Q], b: &[Q]| -> Q { a.iter().zip(b).map(|(x, y)| x * y).sum() };
                (dot(u0, u0), dot(w0, w0), dot(u0, w0))
            }
            Init::Gaussian(g) => {
                let (gu, gw) = g.normals();
                let su = &g.sigma_u;
                let sw = &g.sigma_w;
                (
                    exact_dot(&gu, &gu) * su * su,
                    exact_dot(&gw, &gw) * sw * sw,
                    exact_dot(&gu, &gw) * su * sw,
                )
            }
        }
    }

    /// The exact reduction of docs/model.md §3.
    pub fn reduction(&self) -> ExactReduction {
        let (uu, ww, uw) = self.initial_sums();
        ExactReduction::new(
            &self.gamma,
            &self.eta_u,
            &self.eta_w,
            &self.exx,
            &self.exy,
            &self.eyy,
            &uu,
            &ww,
            &uw,
        )
    }

    /// SHA-256 of [`Scenario::canonical_toml`], in lowercase hex: a fingerprint of the
    /// exact problem for the provenance of tables (the same for every spelling of the
    /// same numbers, preset or file).
    pub fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.canonical_toml().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A canonical TOML text of the scenario: exact numbers as `p/q` strings, one key
    /// order. Two scenarios with the same canonical text are the same problem.
    pub fn canonical_toml(&self) -> String {
        let q = |v: &Q| format!("\"{v}\"");
        let mut s = String::new();
        s.push_str("[model]\n");
        s.push_str(&format!(
            "gamma = {}\neta_u = {}\neta_w = {}\n",
            q(&self.gamma),
            q(&self.eta_u),
            q(&self.eta_w)
        ));
        s.push_str("[data]\n");
        s.push_str(&format!(
            "exx = {}\nexy = {}\neyy = {}\n",
            q(&self.exx),
            q(&self.exy),
            q(&self.eyy)
        ));
        s.push_str("[init]\n");
        match &self.init {
            Init::Explicit { u0, w0 } => {
                let list = |v: &[Q]| v.iter().map(q).collect::<Vec<_>>().join(", ");
                s.push_str(&format!("u0 = [{}]\nw0 = [{}]\n", list(u0), list(w0)));
            }
            Init::Gaussian(g) => {
                s.push_str(&format!(
                    "kind = \"gaussian\"\nwidth = {}\nsigma_u = {}\nsigma_w = {}\nseed = {}\ntie = \"{}\"\n",
                    g.width,
                    q(&g.sigma_u),
                    q(&g.sigma_w),
                    g.seed,
                    g.tie.name()
                ));
            }
        }
        s
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical_toml())
    }
}

// ---------------------------------------------------------------------------------------
// TOML input
// ---------------------------------------------------------------------------------------

/// Reads a scenario file.
///
/// # Errors
/// [`ScenarioError::Io`] when unreadable, otherwise as [`parse_toml`].
pub fn read_toml_file(path: &std::path::Path) -> Result<ScenarioSpec, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut spec = parse_toml(&text, &path.display().to_string())?;
    if spec.name.is_none() {
        spec.name = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    }
    Ok(spec)
}

/// Parses scenario TOML text (schema in docs/cli.md). Numbers may be quoted strings or bare
/// TOML numbers; both are read exactly from their text. Unknown keys are errors.
///
/// # Errors
/// [`ScenarioError`] naming the field: TOML syntax, unknown keys, wrong types,
/// malformed or non-finite numbers.
pub fn parse_toml(text: &str, origin: &str) -> Result<ScenarioSpec, ScenarioError> {
    use toml_edit::{DocumentMut, Item};
    let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        let line = e
            .span()
            .map(|r| text[..r.start.min(text.len())].matches('\n').count() + 1);
        let msg = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
        ScenarioError::Toml {
            origin: origin.to_string(),
            message: match line {
                Some(l) => format!("line {l}: {msg}"),
                None => msg,
            },
        }
    })?;
    let mut spec = ScenarioSpec::default();
    for (key, item) in doc.as_table().iter() {
        let section = match item {
            Item::Table(_) => item.as_table_like(),
            Item::Value(v) => v.as_inline_table().map(|t| t as &dyn toml_edit::TableLike),
            _ => None,
        };
        match key {
            "name" => {
                spec.name = Some(
                    item.as_str()
                        .ok_or_else(|| ScenarioError::invalid("name", "expected a string"))?
                        .to_string(),
                );
                continue;
            }
            "model" | "data" | "init" => {}
            other => {
                return Err(ScenarioError::invalid(
                    other,
                    "unknown key (expected [model], [data], [init] or name)",
                ));
            }
        }
        let table = section.ok_or_else(|| ScenarioError::invalid(key, "expected a table"))?;
        for (k, v) in table.iter() {
            let field = format!("{key}.{k}");
            match (key, k) {
                ("model", "gamma") => spec.gamma = Some(toml_number(&field, v)?),
                ("model", "eta_u") => spec.eta_u = Some(toml_number(&field, v)?),
                ("model", "eta_w") => spec.eta_w = Some(toml_number(&field, v)?),
                ("data", "exx") => spec.exx = Some(toml_number(&field, v)?),
                ("data", "exy") => spec.exy = Some(toml_number(&field, v)?),
                ("data", "eyy") => spec.eyy = Some(toml_number(&field, v)?),
                ("init", "u0") => spec.init.u0 = Some(toml_number_list(&field, v)?),
                ("init", "w0") => spec.init.w0 = Some(toml_number_list(&field, v)?),
                ("init", "sigma_u") => spec.init.sigma_u = Some(toml_number(&field, v)?),
                ("init", "sigma_w") => spec.init.sigma_w = Some(toml_number(&field, v)?),
                ("init", "width") => spec.init.width = Some(toml_u64(&field, v)?),
                ("init", "seed") => spec.init.seed = Some(toml_u64(&field, v)?),
                ("init", "kind") => {
                    spec.init.kind = Some(match v.as_str() {
                        Some("gaussian") => InitKind::Gaussian,
                        Some("explicit") => InitKind::Explicit,
                        _ => {
                            return Err(ScenarioError::invalid(
                                &field,
                                "expected \"gaussian\" or \"explicit\"",
                            ))
                        }
                    })
                }
                ("init", "tie") => {
                    spec.init.tie = Some(v.as_str().and_then(Tie::parse).ok_or_else(|| {
                        ScenarioError::invalid(
                            &field,
                            "expected \"none\", \"equal\" or \"opposite\"",
                        )
                    })?)
                }
                _ => return Err(ScenarioError::invalid(&field, "unknown key")),
            }
        }
    }
    Ok(spec)
}

fn toml_number(field: &str, item: &toml_edit::Item) -> Result<Q, ScenarioError> {
    match item.as_value() {
        Some(v) => value_number(field, v),
        None => Err(ScenarioError::invalid(
            field,
            "expected a number (a string such as \"0.1\" or \"3/7\", or a bare number)",
        )),
    }
}

fn value_number(field: &str, v: &toml_edit::Value) -> Result<Q, ScenarioError> {
    use toml_edit::Value;
    let num = |text: &str| {
        parse_exact(text).map_err(|source| ScenarioError::Number {
            field: field.to_string(),
            source,
        })
    };
    match v {
        Value::String(s) => num(s.value()),
        Value::Integer(i) => Ok(Q::from_integer((*i.value()).into())),
        Value::Float(f) => {
            let raw = f.display_repr();
            num(raw.trim())
        }
        _ => Err(ScenarioError::invalid(
            field,
            "expected a number (a string such as \"0.1\" or \"3/7\", or a bare number)",
        )),
    }
}

fn toml_number_list(field: &str, item: &toml_edit::Item) -> Result<Vec<Q>, ScenarioError> {
    let arr = item
        .as_array()
        .ok_or_else(|| ScenarioError::invalid(field, "expected an array of numbers"))?;
    if arr.len() as u64 > MAX_WIDTH {
        return Err(ScenarioError::invalid(
            field,
            format!("width {} exceeds the limit of {MAX_WIDTH}", arr.len()),
        ));
    }
    arr.iter()
        .enumerate()
        .map(|(i, v)| value_number(&format!("{field}[{i}]"), v))
        .collect()
}

fn toml_u64(field: &str, item: &toml_edit::Item) -> Result<u64, ScenarioError> {
    let bad = || ScenarioError::invalid(field, "expected a non-negative integer");
    match item.as_value() {
        Some(toml_edit::Value::Integer(i)) => u64::try_from(*i.value()).map_err(|_| bad()),
        Some(toml_edit::Value::String(s)) => s.value().trim().parse::<u64>().map_err(|_| bad()),
        _ => Err(bad()),
    }
}

#[cfg(test)]
#[path = "tests/scenario.rs"]
mod tests;
