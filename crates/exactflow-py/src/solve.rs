//! `solve`: the closed form on time points, by the fast engine (columns of `f64` written
//! by the engine into vectors that become numpy arrays without a copy) or by the certified
//! mp engine (decimal strings of the certified values and their bounds).

use crate::convert::{check_f64_times, to_columns, to_times};
use crate::scenario::Scenario;
use crate::{guard, input_error};
use exactflow_core::number::format_f64_sci;
use exactflow_core::{Column, Need};
use exactflow_fast::lanes::{F64x8, LANES};
use exactflow_fast::{FastSolution, OMEGA_T_TOL, REL_TOL};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use rayon::prelude::*;
use std::mem::MaybeUninit;

/// Every column name, in schema order.
pub fn column_names() -> Vec<&'static str> {
    Column::ALL.iter().map(|c| c.name()).collect()
}

/// Points per parallel block (a multiple of the engine's lane count).
const BLOCK: usize = 1 << 15;

/// The provenance every table carries, in the CLI's keys.
fn provenance(sc: &Scenario, command: &str, digits: usize, omega: f64) -> Vec<(String, String)> {
    vec![
        ("exactflow".into(), env!("CARGO_PKG_VERSION").into()),
        ("command".into(), command.into()),
        ("scenario".into(), sc.report_name()),
        ("scenario_sha256".into(), sc.inner.sha256()),
        ("width".into(), sc.inner.width().to_string()),
        ("omega".into(), format_f64_sci(omega, 17)),
        ("digits".into(), digits.to_string()),
    ]
}

/// Writes lanes `..len` of `v` to `col[start..]`.
#[inline(always)]
fn put(col: &mut [MaybeUninit<f64>], start: usize, len: usize, v: &F64x8) {
    if len == LANES {
        // A fixed-size copy for full chunks: vector stores.
        col[start..start + LANES].write_copy_of_slice(&v.0);
    } else {
        col[start..start + len].write_copy_of_slice(&v.0[..len]);
    }
}

/// Fills `out[j]` with column `cols[j]` at every time of `t` and `t_out` with the times
/// (the engine's batch path: the same bits as one-point evaluation, whatever the blocking
/// or thread count). Every element of every output is written.
fn fill(
    sol: &FastSolution,
    t: &[f64],
    t_out: &mut [MaybeUninit<f64>],
    cols: &[Column],
    out: &mut [&mut [MaybeUninit<f64>]],
) {
    t_out.write_copy_of_slice(t);
    if cols.is_empty() {
        return;
    }
    sol.for_each_chunk(
        t,
        #[inline(always)]
        |start, len, o| {
            for (col, c) in out.iter_mut().zip(cols) {
                put(col, start, len, o.get(*c).expect("value column"));
            }
        },
    );
}

/// Evaluates the columns at the times into fresh vectors (never zeroed: the engine
/// writes every element), in parallel blocks for long inputs.
fn evaluate(sol: &FastSolution, t: &[f64], values: &[Column]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = t.len();
    let mut t_out: Vec<f64> = Vec::with_capacity(n);
    let mut outs: Vec<Vec<f64>> = values.iter().map(|_| Vec::with_capacity(n)).collect();
    {
        let t_spare = &mut t_out.spare_capacity_mut()[..n];
        let mut spare: Vec<&mut [MaybeUninit<f64>]> = outs
            .iter_mut()
            .map(|v| &mut v.spare_capacity_mut()[..n])
            .collect();
        if n < 2 * BLOCK {
            fill(sol, t, t_spare, values, &mut spare);
        } else {
            let mut parts: Vec<_> = spare.into_iter().map(|v| v.chunks_mut(BLOCK)).collect();
            let blocks: Vec<_> = t
                .chunks(BLOCK)
                .zip(t_spare.chunks_mut(BLOCK))
                .map(|(tc, to)| {
                    let cols: Vec<&mut [MaybeUninit<f64>]> = parts
                        .iter_mut()
                        .map(|p| p.next().expect("one block per column"))
                        .collect();
                    (tc, to, cols)
                })
                .collect();
            blocks
                .into_par_iter()
                .for_each(|(tc, to, mut cols)| fill(sol, tc, to, values, &mut cols));
        }
    }
    // SAFETY: `fill` wrote every element of `t_out[..n]` and of each `outs[j][..n]`
    // (`for_each_chunk` calls back for every time point exactly once).
    unsafe {
        t_out.set_len(n);
        for v in &mut outs {
            v.set_len(n);
        }
    }
    (t_out, outs)
}

/// A float64 table: `(names, columns, metadata)`.
pub type FastTable<'py> = (
    Vec<&'static str>,
    Vec<Bound<'py, PyArray1<f64>>>,
    Vec<(String, String)>,
);

/// The trajectory by the fast engine: `(names, arrays, metadata)`; `t` first.
#[pyfunction]
#[pyo3(signature = (scenario, times, columns=None))]
pub fn solve_fast<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    times: &Bound<'py, PyAny>,
    columns: Option<&Bound<'py, PyAny>>,
) -> PyResult<FastTable<'py>> {
    guard(|| {
        let columns = to_columns(columns)?;
        let values: Vec<Column> = columns
            .iter()
            .copied()
            .filter(|c| *c != Column::T)
            .collect();
        // A contiguous float64 array is read in place; anything else is converted.
        let borrowed = times
            .extract::<PyReadonlyArray1<'py, f64>>()
            .ok()
            .filter(|a| a.as_slice().is_ok());
        let converted;
        let t: &[f64] = match &borrowed {
            Some(a) => {
                let s = a.as_slice().expect("checked contiguous");
                check_f64_times(s)?;
                s
            }
            None => {
                converted = to_times(times)?;
                converted.f64s()
            }
        };
        let sol = scenario.fast();
        let (t_out, outs) = py.detach(|| evaluate(sol, t, &values));
        let mut names = vec!["t"];
        let mut arrays = vec![PyArray1::from_vec(py, t_out)];
        for (c, v) in values.iter().zip(outs) {
            names.push(c.name());
            arrays.push(PyArray1::from_vec(py, v));
        }
        let mut metadata = provenance(scenario, "solve", 17, sol.omega());
        metadata.push(("engine".into(), "fast".into()));
        metadata.push((
            "precision".into(),
            format!(
                "f64 closed form; relative error <= {REL_TOL:.1e} + omega*t*{OMEGA_T_TOL:.1e} per column (slope near a sign change, norms and alignment: see docs/derivation.md)"
            ),
        ));
        metadata.push((
            "times".into(),
            "the exact binary values of the float64 times given (or the nearest doubles of exact times)".into(),
        ));
        Ok((names, arrays, metadata))
    })
}

/// A certified table: `(names, t, values, errs, metadata, exact times as p/q)` with `values[j][i]` the
/// certified decimal of column `names[j]` at time `i` and `errs[j][i]` its bound.
pub type MpTable<'py> = (
    Vec<&'static str>,
    Bound<'py, PyArray1<f64>>,
    Vec<Vec<String>>,
    Vec<Vec<String>>,
    Vec<(String, String)>,
    Vec<String>,
);

/// The trajectory by the certified mp engine at `digits` significant digits.
#[pyfunction]
#[pyo3(signature = (scenario, times, digits, columns=None))]
pub fn solve_mp<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    times: &Bound<'py, PyAny>,
    digits: i64,
    columns: Option<&Bound<'py, PyAny>>,
) -> PyResult<MpTable<'py>> {
    guard(|| {
        let (lo, hi) = (exactflow_mp::MIN_DIGITS, exactflow_mp::MAX_DIGITS);
        if !(lo as i64..=hi as i64).contains(&digits) {
            return Err(input_error(
                "digits",
                format!("the mp engine prints {lo} to {hi} significant digits, got {digits}"),
            ));
        }
        let digits = digits as u32;
        let columns = to_columns(columns)?;
        let times = to_times(times)?;
        let exact = times.exact();
        let tf = times.f64s().to_vec();
        let values: Vec<Column> = columns
            .iter()
            .copied()
            .filter(|c| *c != Column::T)
            .collect();
        let (omega, cert, text) = py.detach(|| {
            let omega = scenario.fast().omega();
            let mp = exactflow_mp::MpSolution::new(scenario.reduction().clone());
            let cert = mp.eval_certified(&exact, digits, Need::from_columns(&columns));
            let d = digits as usize;
            let text: Vec<(Vec<String>, Vec<String>)> = values
                .iter()
                .map(|c| {
                    cert.values
                        .iter()
                        .map(|o| {
                            let b = o.get(*c).expect("value column");
                            let printed = exactflow_mp::format_mid(b, d);
                            let err = exactflow_mp::format_err(b, &printed, d);
                            (printed, err)
                        })
                        .unzip()
                })
                .collect();
            (omega, (cert.prec, cert.uncertified), text)
        });
        let mut names = vec!["t"];
        names.extend(values.iter().map(|c| c.name()));
        let (vals, errs): (Vec<_>, Vec<_>) = text.into_iter().unzip();
        let mut metadata = provenance(scenario, "solve", digits as usize, omega);
        metadata.push(("engine".into(), "mp".into()));
        metadata.push(("working_precision_bits".into(), cert.0.to_string()));
        metadata.push(("uncertified_cells".into(), cert.1.to_string()));
        metadata.push((
            "precision".into(),
            "MPFR ball arithmetic: every printed digit correct to one unit in the last place (cells counted in uncertified_cells excepted); err is a certified bound on |value - exact value of the closed form|".into(),
        ));
        let exact_text = exact.iter().map(|q| q.to_string()).collect();
        Ok((
            names,
            PyArray1::from_vec(py, tf),
            vals,
            errs,
            metadata,
            exact_text,
        ))
    })
}

/// A time by which the run has done what it will do (`FastSolution::horizon`: the
/// residual within 1e-12 of its initial distance from its limit; the default grid of
/// `exactflow solve`).
#[pyfunction]
pub fn horizon(scenario: &Scenario) -> PyResult<f64> {
    guard(|| Ok(scenario.fast().horizon()))
}
