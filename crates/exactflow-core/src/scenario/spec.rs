//! [`ScenarioSpec`]: a scenario under construction, layer by layer, and its validation
//! into a [`Scenario`].

use super::error::{Field, FieldPath, ScenarioError};
use super::{GaussianInit, Init, InitKind, Scenario, Tie, MAX_WIDTH};
use crate::number::Q;
use num_traits::{One, Signed, Zero};

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
    /// A weights file (`init.file`, `--init-file`) holding `u0` and `w0`; a front end
    /// reads it into [`InitSpec::u0`]/[`InitSpec::w0`] before validation (the core
    /// knows no file format: `exactflow_tables::weights`). A path relative to a scenario
    /// file is resolved against the file's directory when the file is read.
    pub file: Option<std::path::PathBuf>,
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
        match top.init.effective_kind() {
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
        take!(init.file);
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
                Field::Gamma,
                "must be nonzero (γ = 0 has no dynamics)",
            ));
        }
        let positive = |field: Field, v: &Option<Q>| -> Result<Q, ScenarioError> {
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
        let eta_u = positive(Field::EtaU, &self.eta_u)?;
        let eta_w = positive(Field::EtaW, &self.eta_w)?;
        let exx = positive(Field::Exx, &self.exx)?;
        let exy = self.exy.clone().ok_or_else(|| {
            ScenarioError::missing(Field::Exy, "the data moment E[xy] has no default")
        })?;
        let min_eyy = &exy * &exy / &exx;
        let eyy = match &self.eyy {
            Some(v) if *v < min_eyy => {
                return Err(ScenarioError::invalid(
                    Field::Eyy,
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
        if self.u0.is_some() || self.w0.is_some() || self.file.is_some() {
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

    /// The kind asked for, else the kind the fields present imply.
    pub fn effective_kind(&self) -> Option<InitKind> {
        self.kind.or_else(|| self.inferred_kind())
    }

    fn validate(&self) -> Result<Init, ScenarioError> {
        match self.effective_kind() {
            None => Err(ScenarioError::missing(
                Field::Init,
                "give init.u0 and init.w0, or kind = \"gaussian\" with width, sigma_u and sigma_w",
            )),
            Some(InitKind::Explicit) => self.validate_explicit(),
            Some(InitKind::Gaussian) => self.validate_gaussian(),
        }
    }

    fn validate_explicit(&self) -> Result<Init, ScenarioError> {
        if self.width.is_some()
            || self.sigma_u.is_some()
            || self.sigma_w.is_some()
            || self.seed.is_some()
        {
            return Err(ScenarioError::invalid(
                Field::Init,
                "width, sigma_u, sigma_w and seed apply to a gaussian initialization, not to explicit u0/w0",
            ));
        }
        if let Some(path) = &self.file {
            if self.u0.is_none() && self.w0.is_none() {
                return Err(ScenarioError::invalid(
                    Field::InitFile,
                    format!(
                        "{}: the weights file was not read (a front end reads it with exactflow_tables::weights before validation)",
                        path.display()
                    ),
                ));
            }
        }
        let both = "an explicit initialization needs both u0 and w0";
        let u0 = self
            .u0
            .clone()
            .ok_or_else(|| ScenarioError::missing(Field::U0, both))?;
        let w0 = self
            .w0
            .clone()
            .ok_or_else(|| ScenarioError::missing(Field::W0, both))?;
        if u0.len() != w0.len() {
            return Err(ScenarioError::invalid(
                Field::W0,
                format!(
                    "u0 has {} entries but w0 has {}: they must have the same length",
                    u0.len(),
                    w0.len()
                ),
            ));
        }
        check_width(Field::U0, u0.len() as u64)?;
        check_exact_size(&u0, &w0)?;
        Ok(Init::Explicit { u0, w0 })
    }

    fn validate_gaussian(&self) -> Result<Init, ScenarioError> {
        if self.u0.is_some() || self.w0.is_some() || self.file.is_some() {
            return Err(ScenarioError::invalid(
                Field::Init,
                "u0/w0 (or a weights file) cannot be combined with a gaussian initialization",
            ));
        }
        let width = self.width.ok_or_else(|| {
            ScenarioError::missing(Field::Width, "a gaussian initialization needs a width")
        })?;
        check_width(Field::Width, width)?;
        let sigma = |field: Field, v: &Option<Q>| -> Result<Q, ScenarioError> {
            let v = v.clone().ok_or_else(|| {
                ScenarioError::missing(
                    field.clone(),
                    "a gaussian initialization needs sigma_u and sigma_w",
                )
            })?;
            if v.is_negative() {
                Err(ScenarioError::invalid(
                    field,
                    format!("must be >= 0, got {}", show(&v)),
                ))
            } else {
                Ok(v)
            }
        };
        Ok(Init::Gaussian(GaussianInit {
            width: width as usize,
            sigma_u: sigma(Field::SigmaU, &self.sigma_u)?,
            sigma_w: sigma(Field::SigmaW, &self.sigma_w)?,
            seed: self.seed.unwrap_or(0),
            tie: self.tie.unwrap_or_default(),
        }))
    }
}

/// Checks a width against `1..=`[`MAX_WIDTH`].
///
/// # Errors
/// [`ScenarioError::Invalid`] naming `field`.
pub(crate) fn check_width(field: impl Into<FieldPath>, width: u64) -> Result<(), ScenarioError> {
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

/// The cost limits of exact explicit weights ([`crate::sums`]): the entries' total bits,
/// then the size of each exact sum.
fn check_exact_size(u0: &[Q], w0: &[Q]) -> Result<(), ScenarioError> {
    use crate::sums::{bits, exact_sums, MAX_EXACT_BITS, MAX_INPUT_BITS};
    for (field, v) in [(Field::U0, u0), (Field::W0, w0)] {
        let total: u64 = v.iter().map(bits).sum();
        if total > MAX_INPUT_BITS {
            return Err(ScenarioError::invalid(
                field,
                format!(
                    "the exact entries take {total} bits in all, beyond the limit of {MAX_INPUT_BITS} bits (docs/cli.md, \"Limits\"); use shorter numbers (float64 values are 53-bit dyadics) or fewer"
                ),
            ));
        }
    }
    let (uu, ww, uw) = exact_sums(u0, w0);
    for (field, name, s) in [
        (Field::U0, "|u0|^2", &uu),
        (Field::W0, "|w0|^2", &ww),
        (Field::Init, "u0.w0", &uw),
    ] {
        let size = bits(s);
        if size > MAX_EXACT_BITS {
            return Err(ScenarioError::invalid(
                field,
                format!(
                    "the exact {name} is a rational of {size} bits, beyond the limit of {MAX_EXACT_BITS} bits that keeps exact arithmetic on it within seconds (docs/cli.md, \"Limits\"); use numbers with a common denominator (float64 values share a power of two) or fewer entries"
                ),
            ));
        }
    }
    Ok(())
}

/// Short exact text of a rational for messages (at most 60 characters and an ellipsis).
pub(crate) fn show(q: &Q) -> String {
    let s = q.to_string();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}
