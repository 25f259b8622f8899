//! `simulate`: the trajectory by gradient descent or by integrating the raw flow
//! (`exactflow_simulate::simulate`, the CLI's entry point), rows collected in columns.

use crate::convert::{to_times, Times};
use crate::scenario::Scenario;
use crate::{guard, input_error, SimulationError};
use exactflow_core::number::q_to_f64_nearest;
use exactflow_core::{Column, Q};
use exactflow_simulate::{
    simulate as run, MethodKind, Options, Request, RunError, SimError, Status, Values,
};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::convert::Infallible;

/// A library error as Python says it: input errors are `ScenarioError`s naming the
/// keyword, a method's failure a `SimulationError`.
fn sim_err(e: &SimError) -> PyErr {
    match (e.param(), e.status()) {
        (Some(p), _) => {
            let message = match e {
                SimError::NotApplicable { method, hint, .. } => {
                    format!("does not apply to method=\"{method}\" ({hint})")
                }
                SimError::Missing { method, hint, .. } => {
                    format!("method=\"{method}\" needs it ({hint})")
                }
                SimError::OutOfRange { value, allowed, .. } => {
                    format!("must be {allowed}, got {value}")
                }
                other => other.to_string(),
            };
            input_error(p.name(), message)
        }
        (None, Status::InputError) => input_error("simulate", e),
        (None, Status::MethodFailed) => SimulationError::new_err(e.to_string()),
    }
}

fn non_negative(field: &str, v: Option<i64>) -> PyResult<Option<u64>> {
    v.map(|x| u64::try_from(x).map_err(|_| input_error(field, format!("must be >= 0, got {x}"))))
        .transpose()
}

/// Rows collected from the simulator: `f64` columns, or decimal strings for MPFR runs.
enum Rows {
    F64(Vec<Vec<f64>>),
    Mp(Vec<Vec<String>>),
}

/// Runs a simulation: returns a dict with `names`, `t` (float64), `values` (float64
/// arrays, or lists of decimal strings for the MPFR methods), `mp`, `metadata`, and
/// `failure` (the method's failure after the rows returned, if any).
#[pyfunction]
#[pyo3(signature = (scenario, method, steps=None, every=None, times=None, digits=None, rtol=None, step=None))]
#[allow(clippy::too_many_arguments)]
pub fn simulate<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    method: &str,
    steps: Option<i64>,
    every: Option<i64>,
    times: Option<&Bound<'py, PyAny>>,
    digits: Option<i64>,
    rtol: Option<f64>,
    step: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    guard(|| {
        let kind = MethodKind::parse(method).ok_or_else(|| {
            input_error(
                "method",
                format!(
                    "unknown method {method:?} (known: {})",
                    MethodKind::ALL.map(|m| m.name()).join(", ")
                ),
            )
        })?;
        let times: Option<Vec<Q>> = match times {
            None => None,
            Some(t) if t.is_none() => None,
            Some(t) => Some(match to_times(t)? {
                Times::Exact(q, _) => q,
                f => f.exact(),
            }),
        };
        let digits = match digits {
            None => None,
            Some(d) => Some(
                u32::try_from(d)
                    .map_err(|_| input_error("digits", format!("must be >= 0, got {d}")))?,
            ),
        };
        let options = Options {
            steps: non_negative("steps", steps)?,
            every: non_negative("every", every)?,
            times,
            step,
            rtol,
            digits,
        };
        let req = Request::new(kind, options).map_err(|e| sim_err(&e))?;
        let d = req.digits as usize;
        let (t, rows, report) = py.detach(|| {
            let mut t: Vec<f64> = Vec::new();
            let mut rows: Option<Rows> = None;
            let mut sink = |time: &Q, v: Values<'_>| -> Result<(), Infallible> {
                t.push(q_to_f64_nearest(time));
                match v {
                    Values::F64(o) => {
                        let r = rows.get_or_insert_with(|| Rows::F64(vec![Vec::new(); 8]));
                        if let Rows::F64(cols) = r {
                            for (c, x) in cols.iter_mut().zip(o.to_array()) {
                                c.push(*x);
                            }
                        }
                    }
                    Values::Mp(o) => {
                        let r = rows.get_or_insert_with(|| Rows::Mp(vec![Vec::new(); 8]));
                        if let Rows::Mp(cols) = r {
                            for (c, x) in cols.iter_mut().zip(o.to_array()) {
                                c.push(exactflow_mp::format_float(x, d));
                            }
                        }
                    }
                }
                Ok(())
            };
            let report = run(&scenario.inner, &req, &mut sink);
            (t, rows, report)
        });
        let report = match report {
            Ok(r) => r,
            Err(RunError::Sim(e)) => return Err(sim_err(&e)),
            Err(RunError::Sink(never)) => match never {},
        };
        let out = PyDict::new(py);
        let names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
        out.set_item("names", names)?;
        out.set_item("t", PyArray1::from_vec(py, t))?;
        match rows {
            Some(Rows::Mp(cols)) => {
                out.set_item("mp", true)?;
                out.set_item("values", cols)?;
            }
            Some(Rows::F64(cols)) => {
                out.set_item("mp", false)?;
                let arrays: Vec<_> = cols
                    .into_iter()
                    .map(|c| PyArray1::from_vec(py, c))
                    .collect();
                out.set_item("values", arrays)?;
            }
            None => {
                let mp = req.working_bits().is_some();
                out.set_item("mp", mp)?;
                if mp {
                    out.set_item("values", vec![Vec::<String>::new(); 8])?;
                } else {
                    let arrays: Vec<_> = (0..8)
                        .map(|_| PyArray1::from_vec(py, Vec::<f64>::new()))
                        .collect();
                    out.set_item("values", arrays)?;
                }
            }
        }
        let mut metadata: Vec<(String, String)> = vec![
            ("exactflow".into(), env!("CARGO_PKG_VERSION").into()),
            ("command".into(), "simulate".into()),
            ("method".into(), kind.name().into()),
            ("scenario".into(), scenario.report_name()),
            ("scenario_sha256".into(), scenario.inner.sha256()),
            ("width".into(), scenario.inner.width().to_string()),
            ("digits".into(), req.digits.to_string()),
        ];
        if let Some(bits) = report.working_bits {
            metadata.push(("working_precision_bits".into(), bits.to_string()));
        }
        if let Some(c) = report.counts {
            metadata.push((
                "steps".into(),
                format!("{} accepted, {} rejected", c.accepted, c.rejected),
            ));
        }
        if let Some(s) = &report.stability {
            metadata.push((
                "time".into(),
                "t = GD step number (learning rates are step sizes, one step per unit of time: docs/model.md section 2)".into(),
            ));
            let st = PyDict::new(py);
            st.set_item("first_unstable_step", s.first_unstable_step)?;
            st.set_item("max_a_ntk", s.max_a_ntk)?;
            st.set_item("final_a_ntk", s.final_a_ntk)?;
            st.set_item("last_step", s.last_step)?;
            out.set_item("stability", st)?;
        }
        out.set_item("metadata", metadata)?;
        out.set_item("failure", report.failure.as_ref().map(|e| e.to_string()))?;
        Ok(out)
    })
}
