//! The exact limits, the rational checks, the certification, the mechanism and the phase
//! sweep: each runs its library entry point (GIL released) and returns its typed result
//! as plain Python data (the Python layer wraps them in report classes).

use crate::convert::to_q_list;
use crate::scenario::Scenario;
use crate::{guard, input_error};
use exactflow_analysis::mechanism::{analyse_exact, Label, THRESHOLDS};
use exactflow_analysis::sweep::{Axis, AxisId, Sweep, SweepError, MAX_CELLS};
use exactflow_core::number::q_to_f64_nearest;
use exactflow_rational::fixed::PointKind;
use exactflow_rational::limits::{LimitClaim, LimitValue};
use exactflow_rational::{check_scenario, CheckError, CheckOptions};
use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Every mechanism label, in code order.
pub fn label_names() -> Vec<&'static str> {
    Label::ALL.iter().map(|l| l.name()).collect()
}

fn limit_rows(l: &exactflow_rational::limits::Limits) -> [(&'static str, &LimitValue); 5] {
    [
        ("z_plus", &l.z_plus),
        ("ntk_inf", &l.ntk_inf),
        ("alignment_inf", &l.alignment_inf),
        ("residual_inf", &l.residual_inf),
        ("omega", &l.omega),
    ]
}

fn limits_dict<'py>(
    py: Python<'py>,
    l: &exactflow_rational::limits::Limits,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("case", l.case.describe())?;
    let values = PyDict::new(py);
    for (name, v) in limit_rows(l) {
        values.set_item(name, (&v.decimal, &v.exact, v.correctly_rounded))?;
    }
    d.set_item("values", values)?;
    d.set_item("verified", l.verified.clone())?;
    d.set_item("gd_stable_at_limit", l.gd_stable_at_limit)?;
    Ok(d)
}

fn check_digits(digits: i64, lo: i64, hi: i64, what: &str) -> PyResult<usize> {
    if (lo..=hi).contains(&digits) {
        Ok(digits as usize)
    } else {
        Err(input_error(
            "digits",
            format!("{what} {lo} to {hi} significant digits, got {digits}"),
        ))
    }
}

/// The exact limits of the flow (the rational checker's tower of quadratic fields), each
/// as `(decimal, exact form, correctly_rounded)` at `digits` significant digits.
#[pyfunction]
#[pyo3(signature = (scenario, digits=40))]
pub fn limits<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    digits: i64,
) -> PyResult<Bound<'py, PyDict>> {
    guard(|| {
        let digits = check_digits(digits, 1, 10_000, "limits are printed with")?;
        let l = py
            .detach(|| {
                let x = exactflow_rational::model::Exact::new(&scenario.inner)?;
                exactflow_rational::limits::limits(&x, LimitClaim { root_sign: 1 }, digits)
            })
            .map_err(|e| input_error("scenario", e))?;
        limits_dict(py, &l)
    })
}

/// The exact rational checks of docs/model.md (and, with `point_u`/`point_w`, the
/// classification of that point).
#[pyfunction]
#[pyo3(signature = (scenario, gd_steps=4, digits=40, point_u=None, point_w=None))]
pub fn check<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    gd_steps: i64,
    digits: i64,
    point_u: Option<&Bound<'py, PyAny>>,
    point_w: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    guard(|| {
        let max = exactflow_rational::report::MAX_GD_STEPS as i64;
        if !(0..=max).contains(&gd_steps) {
            return Err(input_error(
                "gd_steps",
                format!(
                    "0 to {max} steps (rational sizes grow threefold per step), got {gd_steps}"
                ),
            ));
        }
        let digits = check_digits(digits, 30, 10_000, "check prints")?;
        let point = match (point_u, point_w) {
            (None, None) => None,
            (Some(u), Some(w)) => {
                let u = to_q_list(u, "point_u")?;
                let w = to_q_list(w, "point_w")?;
                if u.len() != w.len() || u.is_empty() {
                    return Err(input_error(
                        "point_w",
                        format!(
                            "point_u has {} entries but point_w has {}: they must have the same, nonzero length",
                            u.len(),
                            w.len()
                        ),
                    ));
                }
                Some((u, w))
            }
            (Some(_), None) => return Err(input_error("point_w", "point_u needs point_w")),
            (None, Some(_)) => return Err(input_error("point_u", "point_w needs point_u")),
        };
        let opts = CheckOptions {
            gd_steps: gd_steps as usize,
            point,
            digits,
            ..CheckOptions::default()
        };
        let report = py
            .detach(|| check_scenario(&scenario.inner, &opts))
            .map_err(|e| match e {
                CheckError::PointLengths(..) => input_error("point_w", e),
                CheckError::TooManyGdSteps(_) => input_error("gd_steps", e),
                CheckError::Field(_) => input_error("scenario", e),
            })?;
        let d = PyDict::new(py);
        let checks: Vec<(&str, bool, &str)> = report
            .checks
            .iter()
            .map(|c| (c.name, c.passed, c.detail.as_str()))
            .collect();
        d.set_item("checks", checks)?;
        d.set_item("limits", limits_dict(py, &report.limits)?)?;
        d.set_item("width", report.width)?;
        if let Some(p) = &report.point {
            let pd = PyDict::new(py);
            pd.set_item("verified", p.verified)?;
            pd.set_item("detail", &p.detail)?;
            match &p.kind {
                PointKind::Minimum {
                    ntk,
                    a_ntk,
                    gd_stable,
                } => {
                    pd.set_item("kind", "minimum")?;
                    pd.set_item("ntk", ntk.to_string())?;
                    pd.set_item("a_ntk", a_ntk.to_string())?;
                    pd.set_item("gd_stable", *gd_stable)?;
                }
                PointKind::Saddle { .. } => pd.set_item("kind", "saddle")?,
                PointKind::NotStationary { e, field_max } => {
                    pd.set_item("kind", "not_stationary")?;
                    pd.set_item("residual", e.to_string())?;
                    pd.set_item("field_max", field_max.to_string())?;
                }
            }
            d.set_item("point", pd)?;
        }
        Ok(d)
    })
}

/// One certification line: `(name, passed, measured, bound, detail)`.
pub type CertifyLine = (String, bool, String, String, String);

/// Every engine held against the others (`exactflow certify`): one line per comparison,
/// `(name, passed, measured, bound, detail)`.
#[pyfunction]
#[pyo3(signature = (scenario, digits=40, points=33, taylor_digits=30, taylor_points=6))]
pub fn certify(
    py: Python<'_>,
    scenario: &Scenario,
    digits: i64,
    points: i64,
    taylor_digits: i64,
    taylor_points: i64,
) -> PyResult<Vec<CertifyLine>> {
    guard(|| {
        let digits = check_digits(digits, 20, 1000, "certify compares at")?;
        if !(2..=10_000).contains(&points) {
            return Err(input_error(
                "points",
                format!("must be between 2 and 10000, got {points}"),
            ));
        }
        if !(taylor_digits == 0 || (10..=1000).contains(&taylor_digits)) {
            return Err(input_error(
                "taylor_digits",
                format!("must be 0 (skip) or between 10 and 1000, got {taylor_digits}"),
            ));
        }
        if !(0..=points).contains(&taylor_points) {
            return Err(input_error(
                "taylor_points",
                format!("must be between 0 and points = {points}, got {taylor_points}"),
            ));
        }
        let o = exactflow_certify::Options {
            digits: digits as u32,
            points: points as usize,
            taylor_digits: taylor_digits as u32,
            taylor_points: taylor_points as usize,
        };
        let c = py
            .detach(|| exactflow_certify::certify(&scenario.inner, &o))
            .map_err(|e| input_error("digits", e))?;
        Ok(c.lines
            .into_iter()
            .map(|l| (l.name, l.passed, l.measured, l.bound, l.detail))
            .collect())
    })
}

/// The mechanism (`exactflow mechanism`): the label, the quantities it is decided from
/// (the CLI JSON's keys, `f64`; NaN where undefined), the thresholds.
#[pyfunction]
pub fn mechanism<'py>(py: Python<'py>, scenario: &Scenario) -> PyResult<Bound<'py, PyDict>> {
    guard(|| {
        let (m, a) = py.detach(|| {
            let red = scenario.reduction();
            (analyse_exact(red), q_to_f64_nearest(&red.a))
        });
        let q = &m.quantities;
        let d = PyDict::new(py);
        d.set_item("label", m.label.name())?;
        let qd = PyDict::new(py);
        for (k, v) in [
            ("z_inf", q.z_inf),
            ("ntk0", q.ntk0),
            ("ntk_inf", q.ntk_inf),
            ("ntk_change", q.ntk_change),
            ("alignment0", q.alignment0),
            ("alignment_inf", q.alignment_inf),
            ("rotation_u", q.rotation_u),
            ("rotation_w", q.rotation_w),
            ("norm_ratio_u", q.norm_ratio_u),
            ("norm_ratio_w", q.norm_ratio_w),
            ("dominance", q.dominance),
            ("time_scale", q.time_scale),
            ("residual_inf", q.residual_inf),
            ("gd_a_ntk_inf", a * q.ntk_inf),
        ] {
            qd.set_item(k, v)?;
        }
        d.set_item("quantities", qd)?;
        let th = THRESHOLDS;
        let td = PyDict::new(py);
        td.set_item("ntk_change", th.ntk_change)?;
        td.set_item("alignment_change", th.alignment_change)?;
        td.set_item("rotation", th.rotation)?;
        td.set_item("rescaling_ratio", th.rescaling_ratio)?;
        d.set_item("thresholds", td)?;
        Ok(d)
    })
}

fn sweep_err(e: SweepError) -> PyErr {
    match e {
        SweepError::Axis { axis, message } => input_error(&axis.to_string(), message),
    }
}

/// Names of the quantity arrays of [`phase`], in order.
pub const PHASE_QUANTITIES: [&str; 12] = [
    "z_inf",
    "ntk_change",
    "alignment0",
    "alignment_inf",
    "rotation_u",
    "rotation_w",
    "norm_ratio_u",
    "norm_ratio_w",
    "dominance",
    "time_scale",
    "residual_inf",
    "ntk0",
];

/// A 2-D sweep of the mechanism (`exactflow phase`): axes in the CLI's syntax
/// `PARAM=LO..HI[:log]:N`. Returns `(x_name, y_name, x, y, codes, quantities)` with
/// `codes[j, i]` the label code of the cell at `(x[i], y[j])`.
#[pyfunction]
pub fn phase<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    x: &str,
    y: &str,
) -> PyResult<Bound<'py, PyDict>> {
    guard(|| {
        let xa = Axis::parse(AxisId::X, x).map_err(sweep_err)?;
        let ya = Axis::parse(AxisId::Y, y).map_err(sweep_err)?;
        let (nx, ny) = (xa.values.len(), ya.values.len());
        if nx.saturating_mul(ny) > MAX_CELLS {
            return Err(input_error(
                "y",
                format!("{nx} x {ny} cells exceed the limit of {MAX_CELLS}"),
            ));
        }
        let sweep = Sweep::new(&scenario.inner, xa, ya).map_err(sweep_err)?;
        let cells = py.detach(|| sweep.run(&|_| {}));
        let d = PyDict::new(py);
        d.set_item("x_name", sweep.x.param.name())?;
        d.set_item("y_name", sweep.y.param.name())?;
        d.set_item("x", PyArray1::from_vec(py, sweep.x.values.clone()))?;
        d.set_item("y", PyArray1::from_vec(py, sweep.y.values.clone()))?;
        let grid = |f: &dyn Fn(&exactflow_analysis::sweep::Cell) -> f64| -> PyResult<Bound<'py, PyArray2<f64>>> {
            let v: Vec<f64> = cells.iter().map(f).collect();
            PyArray1::from_vec(py, v).reshape([ny, nx])
        };
        let codes: Vec<u8> = cells.iter().map(|c| c.mechanism.label.code()).collect();
        d.set_item("codes", PyArray1::from_vec(py, codes).reshape([ny, nx])?)?;
        let qd = PyDict::new(py);
        for name in PHASE_QUANTITIES {
            let arr = grid(&|c| {
                let q = &c.mechanism.quantities;
                match name {
                    "z_inf" => q.z_inf,
                    "ntk_change" => q.ntk_change,
                    "alignment0" => q.alignment0,
                    "alignment_inf" => q.alignment_inf,
                    "rotation_u" => q.rotation_u,
                    "rotation_w" => q.rotation_w,
                    "norm_ratio_u" => q.norm_ratio_u,
                    "norm_ratio_w" => q.norm_ratio_w,
                    "dominance" => q.dominance,
                    "time_scale" => q.time_scale,
                    "residual_inf" => q.residual_inf,
                    _ => q.ntk0,
                }
            })?;
            qd.set_item(name, arr)?;
        }
        d.set_item("quantities", qd)?;
        Ok(d)
    })
}
