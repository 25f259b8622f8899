//! `exactflow._native.Scenario`: a validated, exact scenario (`exactflow_core::Scenario`)
//! and the layer it was built from, so that overrides overlay it field by field as the
//! CLI's flags overlay a preset or a file.

use crate::convert::{scenario_err, to_q, to_q_list};
use crate::{guard, input_error};
use exactflow_core::number::{q_to_f64_nearest, Q};
use exactflow_core::scenario::{parse_toml, read_toml_file, InitKind, InitSpec, Tie};
use exactflow_core::{ExactReduction, ScenarioSpec};
use exactflow_fast::FastSolution;
use num_traits::{Signed, ToPrimitive};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use std::sync::OnceLock;

/// The keyword fields a scenario layer accepts, and the scenario-file field each sets.
pub const FIELDS: [(&str, &str); 15] = [
    ("name", "name"),
    ("gamma", "model.gamma"),
    ("eta_u", "model.eta_u"),
    ("eta_w", "model.eta_w"),
    ("exx", "data.exx"),
    ("exy", "data.exy"),
    ("eyy", "data.eyy"),
    ("u0", "init.u0"),
    ("w0", "init.w0"),
    ("init", "init.kind"),
    ("width", "init.width"),
    ("sigma_u", "init.sigma_u"),
    ("sigma_w", "init.sigma_w"),
    ("seed", "init.seed"),
    ("tie", "init.tie"),
];

/// An exact rational as Python integers `(numerator, denominator)`.
type Ratio = (Py<PyAny>, Py<PyAny>);

/// A validated scenario (every number exact).
#[pyclass(frozen, module = "exactflow._native", name = "Scenario")]
pub struct Scenario {
    /// The scenario.
    pub inner: exactflow_core::Scenario,
    /// The layers it was validated from, overlaid.
    spec: ScenarioSpec,
    /// The exact reduction, computed on first use (one exact pass over the weights).
    reduction: OnceLock<ExactReduction>,
    /// The fast engine's constants, rounded on first use.
    fast: OnceLock<FastSolution>,
}

fn to_u64(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<u64> {
    let q = to_q(obj, field)?;
    if !q.is_integer() || q.is_negative() {
        return Err(input_error(
            field,
            format!("expected a non-negative integer, got {q}"),
        ));
    }
    q.to_integer()
        .to_u64()
        .ok_or_else(|| input_error(field, format!("{q} is too large")))
}

fn choice<'a>(obj: &Bound<'_, PyAny>, field: &str, known: &[&'a str]) -> PyResult<&'a str> {
    let s = obj
        .cast::<PyString>()
        .ok()
        .and_then(|s| s.to_str().ok().map(str::to_string));
    match s.as_deref().and_then(|s| known.iter().find(|k| **k == s)) {
        Some(k) => Ok(k),
        None => Err(input_error(
            field,
            format!(
                "expected one of {}, got {}",
                known
                    .iter()
                    .map(|k| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                obj.repr().map(|r| r.to_string()).unwrap_or_default()
            ),
        )),
    }
}

/// A scenario layer from keyword fields (`None` values are absent).
fn layer(fields: &Bound<'_, PyDict>) -> PyResult<ScenarioSpec> {
    let mut spec = ScenarioSpec::default();
    let mut init = InitSpec::default();
    for (key, value) in fields.iter() {
        let key: String = key
            .extract()
            .map_err(|_| input_error("scenario", "field names must be strings"))?;
        if value.is_none() {
            continue;
        }
        let Some(&(_, field)) = FIELDS.iter().find(|(k, _)| *k == key) else {
            return Err(input_error(
                &key,
                format!(
                    "unknown scenario field (known: {})",
                    FIELDS.map(|f| f.0).join(", ")
                ),
            ));
        };
        let q = |v: &Bound<'_, PyAny>| -> PyResult<Option<Q>> { to_q(v, field).map(Some) };
        match key.as_str() {
            "name" => {
                spec.name = Some(
                    value
                        .extract::<String>()
                        .map_err(|_| input_error("name", "expected a string"))?,
                )
            }
            "gamma" => spec.gamma = q(&value)?,
            "eta_u" => spec.eta_u = q(&value)?,
            "eta_w" => spec.eta_w = q(&value)?,
            "exx" => spec.exx = q(&value)?,
            "exy" => spec.exy = q(&value)?,
            "eyy" => spec.eyy = q(&value)?,
            "u0" => init.u0 = Some(to_q_list(&value, field)?),
            "w0" => init.w0 = Some(to_q_list(&value, field)?),
            "init" => {
                init.kind = Some(match choice(&value, field, &["gaussian", "explicit"])? {
                    "gaussian" => InitKind::Gaussian,
                    _ => InitKind::Explicit,
                })
            }
            "width" => init.width = Some(to_u64(&value, field)?),
            "sigma_u" => init.sigma_u = q(&value)?,
            "sigma_w" => init.sigma_w = q(&value)?,
            "seed" => init.seed = Some(to_u64(&value, field)?),
            "tie" => {
                init.tie = Some(
                    match choice(&value, field, &["none", "equal", "opposite"])? {
                        "equal" => Tie::Equal,
                        "opposite" => Tie::Opposite,
                        _ => Tie::None,
                    },
                )
            }
            _ => unreachable!("every key of FIELDS is handled"),
        }
    }
    spec.init = init;
    Ok(spec)
}

impl Scenario {
    fn validated(spec: ScenarioSpec) -> PyResult<Scenario> {
        let inner = spec.validate().map_err(scenario_err)?;
        Ok(Scenario {
            inner,
            spec,
            reduction: OnceLock::new(),
            fast: OnceLock::new(),
        })
    }

    /// The exact reduction (cached).
    pub fn reduction(&self) -> &ExactReduction {
        self.reduction.get_or_init(|| self.inner.reduction())
    }

    /// The fast engine (cached).
    pub fn fast(&self) -> &FastSolution {
        self.fast
            .get_or_init(|| FastSolution::from_reduction(self.reduction()))
    }

    /// The scenario's name for reports (as the CLI's `scenario` metadata).
    pub fn report_name(&self) -> String {
        self.inner.name.clone().unwrap_or_else(|| "(python)".into())
    }
}

fn f64_array<'py>(py: Python<'py>, v: &[Q]) -> Bound<'py, PyArray1<f64>> {
    PyArray1::from_vec(py, v.iter().map(q_to_f64_nearest).collect())
}

#[pymethods]
impl Scenario {
    /// Builds a scenario from keyword fields (see `FIELDS`), overlaid on `base` if given
    /// (the overlay rules of scenario layers: an explicit initialization replaces a
    /// Gaussian one and vice versa).
    #[staticmethod]
    #[pyo3(signature = (fields, base=None))]
    fn build(fields: &Bound<'_, PyDict>, base: Option<&Scenario>) -> PyResult<Scenario> {
        guard(|| {
            let top = layer(fields)?;
            let spec = match base {
                Some(b) => b.spec.clone().overlay(&top),
                None => top,
            };
            Scenario::validated(spec)
        })
    }

    /// A built-in scenario.
    #[staticmethod]
    fn preset(name: &str) -> PyResult<Scenario> {
        guard(|| {
            let spec = exactflow_core::presets::preset(name).map_err(scenario_err)?;
            Scenario::validated(spec)
        })
    }

    /// A scenario file.
    #[staticmethod]
    fn from_toml(path: std::path::PathBuf) -> PyResult<Scenario> {
        guard(|| Scenario::validated(read_toml_file(&path).map_err(scenario_err)?))
    }

    /// Scenario TOML text (`origin` names it in errors).
    #[staticmethod]
    #[pyo3(signature = (text, origin="scenario"))]
    fn from_toml_str(text: &str, origin: &str) -> PyResult<Scenario> {
        guard(|| Scenario::validated(parse_toml(text, origin).map_err(scenario_err)?))
    }

    /// The scenario's name (preset, file stem or `name=`), if any.
    #[getter]
    fn name(&self) -> Option<String> {
        self.inner.name.clone()
    }

    /// Width `d`.
    #[getter]
    fn width(&self) -> usize {
        self.inner.width()
    }

    /// `u₀` rounded to `f64` (a Gaussian initialization's pinned draw, `σ_u·g` rounded
    /// once from its exact value).
    #[getter]
    fn u0<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        guard(|| Ok(f64_array(py, &self.inner.initial_weights().0)))
    }

    /// `w₀` rounded to `f64`.
    #[getter]
    fn w0<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        guard(|| Ok(f64_array(py, &self.inner.initial_weights().1)))
    }

    /// The exact initial weights as `(numerator, denominator)` integer pairs.
    fn initial_weights_exact(&self) -> PyResult<(Vec<Ratio>, Vec<Ratio>)> {
        guard(|| {
            Python::attach(|py| {
                let (u, w) = self.inner.initial_weights();
                let pairs = |v: &[Q]| -> PyResult<Vec<Ratio>> {
                    v.iter()
                        .map(|q| {
                            Ok((
                                q.numer().clone().into_pyobject(py)?.into_any().unbind(),
                                q.denom().clone().into_pyobject(py)?.into_any().unbind(),
                            ))
                        })
                        .collect()
                };
                Ok((pairs(&u)?, pairs(&w)?))
            })
        })
    }

    /// The exact model and data fields as `p/q` strings (`gamma`, `eta_u`, `eta_w`, `exx`,
    /// `exy`, `eyy`), and the initialization's (`init`, and `width`, `sigma_u`, `sigma_w`,
    /// `seed`, `tie` for a Gaussian one).
    fn fields(&self) -> Vec<(&'static str, String)> {
        let s = &self.inner;
        let mut out = vec![
            ("gamma", s.gamma.to_string()),
            ("eta_u", s.eta_u.to_string()),
            ("eta_w", s.eta_w.to_string()),
            ("exx", s.exx.to_string()),
            ("exy", s.exy.to_string()),
            ("eyy", s.eyy.to_string()),
        ];
        match &s.init {
            exactflow_core::scenario::Init::Explicit { .. } => {
                out.push(("init", "explicit".into()));
            }
            exactflow_core::scenario::Init::Gaussian(g) => {
                out.push(("init", "gaussian".into()));
                out.push(("width", g.width.to_string()));
                out.push(("sigma_u", g.sigma_u.to_string()));
                out.push(("sigma_w", g.sigma_w.to_string()));
                out.push(("seed", g.seed.to_string()));
                out.push((
                    "tie",
                    match g.tie {
                        Tie::None => "none",
                        Tie::Equal => "equal",
                        Tie::Opposite => "opposite",
                    }
                    .into(),
                ));
            }
        }
        out
    }

    /// The canonical TOML text (exact `p/q` numbers; a scenario file).
    fn canonical_toml(&self) -> String {
        self.inner.canonical_toml()
    }

    /// SHA-256 of the canonical text (the `scenario_sha256` of tables' metadata).
    fn sha256(&self) -> String {
        self.inner.sha256()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Scenario>()
            .is_ok_and(|o| o.get().inner.canonical_toml() == self.inner.canonical_toml())
    }

    fn __hash__(&self) -> u64 {
        let h = self.inner.sha256();
        u64::from_str_radix(&h[..16], 16).unwrap_or(0)
    }
}
