//! Python values to the library's types: exact rationals from `str` / `int` /
//! `fractions.Fraction` / `float` / `decimal.Decimal` / numpy scalars and arrays, time
//! points, column lists. Every refusal names the field.

use crate::input_error;
use exactflow_core::number::{f64_to_q_exact, parse_exact, Q};
use exactflow_core::{Column, ScenarioError};
use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use numpy::{PyReadonlyArray1, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

/// Largest numerator or denominator accepted from an `int` or a ratio, in bits: the
/// envelope of what number text may spell (`MAX_NUMBER_LEN` digits, exponents to ±9999).
pub const MAX_BITS: u64 = 34_000;

/// What the numbers may be, for messages.
pub const NUMBER_KINDS: &str =
    "a number: str (exact decimal or p/q), int, fractions.Fraction, float (its exact binary value) or decimal.Decimal";

/// A scenario error as a Python exception: the library's message (`model.eta_u: must be
/// > 0, got -1`, as the CLI prints it for a scenario file), its field path in `field`.
pub fn scenario_err(e: ScenarioError) -> PyErr {
    match (e.field(), &e) {
        (Some(path), _) => input_error(&path.to_string(), e.detail()),
        (None, ScenarioError::Toml { origin, .. }) => {
            let text = e.to_string();
            let detail = text.strip_prefix(&format!("{origin}: ")).unwrap_or(&text);
            input_error(origin, detail)
        }
        (None, ScenarioError::Io { path, source }) => {
            input_error(path, format!("cannot read the scenario file: {source}"))
        }
        (None, _) => input_error("scenario", e),
    }
}

/// A number-text error naming `field` (the library's `NumberError` message).
fn number_err(field: &str, source: exactflow_core::number::NumberError) -> PyErr {
    input_error(field, source)
}

fn ratio(field: &str, p: BigInt, q: BigInt) -> PyResult<Q> {
    if q.is_zero() {
        return Err(input_error(field, "zero denominator"));
    }
    if p.bits() > MAX_BITS || q.bits() > MAX_BITS {
        return Err(input_error(
            field,
            format!("number too large (numerator or denominator above {MAX_BITS} bits)"),
        ));
    }
    Ok(Q::new(p, q))
}

/// An exact rational from a Python number (see [`NUMBER_KINDS`]); `field` names it in
/// errors. A `float` is its exact binary value (`0.1` is 3602879701896397/2^55); a `str`
/// is read exactly as scenario files are (`"0.1"` is 1/10).
pub fn to_q(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Q> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_str()?;
        return parse_exact(text).map_err(|source| number_err(field, source));
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(input_error(
            field,
            format!("expected {NUMBER_KINDS}, got bool"),
        ));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let x = f.value();
        return f64_to_q_exact(x)
            .ok_or_else(|| input_error(field, format!("must be finite, got {x}")));
    }
    if obj.is_instance_of::<PyInt>() {
        let n: BigInt = obj.extract()?;
        return ratio(field, n, BigInt::from(1));
    }
    // numpy integers, Fraction, Decimal, numpy floats: their exact (p, q).
    let type_name = || {
        obj.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "?".into())
    };
    if obj.hasattr("__index__").unwrap_or(false)
        && !obj.hasattr("as_integer_ratio").unwrap_or(false)
    {
        let n: BigInt = obj.call_method0("__index__")?.extract()?;
        return ratio(field, n, BigInt::from(1));
    }
    if !obj.hasattr("as_integer_ratio").unwrap_or(false) {
        return Err(input_error(
            field,
            format!("expected {NUMBER_KINDS}, got {}", type_name()),
        ));
    }
    let pair = obj.call_method0("as_integer_ratio").map_err(|_| {
        let shown = obj
            .repr()
            .map(|r| r.to_string())
            .unwrap_or_else(|_| type_name());
        input_error(field, format!("must be finite, got {shown}"))
    })?;
    let (p, q): (BigInt, BigInt) = pair.extract().map_err(|_| {
        input_error(
            field,
            format!("expected {NUMBER_KINDS}, got {}", type_name()),
        )
    })?;
    ratio(field, p, q)
}

/// The shape of a numpy array, if `obj` is one.
fn ndarray_shape(obj: &Bound<'_, PyAny>) -> Option<Vec<usize>> {
    obj.cast::<PyUntypedArray>()
        .ok()
        .map(|a| a.shape().to_vec())
}

/// A 1-D sequence of exact numbers (a list, a tuple, a 1-D numpy array, or a
/// comma-separated string as on the command line); entries named `field[i]`.
pub fn to_q_list(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<Q>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_str()?
            .split(',')
            .enumerate()
            .map(|(i, x)| {
                parse_exact(x).map_err(|source| number_err(&format!("{field}[{i}]"), source))
            })
            .collect();
    }
    if let Some(shape) = ndarray_shape(obj) {
        if shape.len() != 1 {
            return Err(input_error(
                field,
                format!("expected a 1-D sequence of numbers, got an array of shape {shape:?}"),
            ));
        }
        if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, f64>>() {
            return a
                .as_array()
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    f64_to_q_exact(x).ok_or_else(|| {
                        input_error(&format!("{field}[{i}]"), format!("must be finite, got {x}"))
                    })
                })
                .collect();
        }
    }
    let iter = obj.try_iter().map_err(|_| {
        input_error(
            field,
            "expected a 1-D sequence of numbers (list, tuple or numpy array)",
        )
    })?;
    let mut out = Vec::new();
    for (i, item) in iter.enumerate() {
        out.push(to_q(&item?, &format!("{field}[{i}]"))?);
    }
    Ok(out)
}

/// Time points: `f64` values for the fast engine, exact values for the others.
pub enum Times {
    /// Doubles (their exact binary values are the times).
    F64(Vec<f64>),
    /// Exact rationals (from `str`, `Fraction`, `int`, ...), with their nearest doubles.
    Exact(Vec<Q>, Vec<f64>),
}

impl Times {
    /// The doubles.
    pub fn f64s(&self) -> &[f64] {
        match self {
            Times::F64(v) | Times::Exact(_, v) => v,
        }
    }

    /// The exact times.
    pub fn exact(&self) -> Vec<Q> {
        match self {
            Times::F64(v) => v
                .iter()
                .map(|&x| f64_to_q_exact(x).expect("checked finite"))
                .collect(),
            Times::Exact(q, _) => q.clone(),
        }
    }
}

/// Most time points one call may evaluate (as `solve --times`).
pub const MAX_POINTS: usize = 10_000_000;

fn check_time(i: usize, x: f64) -> PyResult<()> {
    if !x.is_finite() {
        Err(input_error(
            &format!("times[{i}]"),
            format!("time must be finite, got {x}"),
        ))
    } else if x < 0.0 {
        Err(input_error(
            &format!("times[{i}]"),
            format!("time must be >= 0, got {x}"),
        ))
    } else {
        Ok(())
    }
}

fn check_len(n: usize) -> PyResult<()> {
    if n > MAX_POINTS {
        Err(input_error(
            "times",
            format!("more than {MAX_POINTS} time points"),
        ))
    } else {
        Ok(())
    }
}

/// Validates `f64` time points in place (finite, ≥ 0, not too many).
pub fn check_f64_times(t: &[f64]) -> PyResult<()> {
    check_len(t.len())?;
    // One branch-free pass (NaN fails both comparisons), then find the culprit.
    let ok = t
        .iter()
        .fold(true, |acc, &x| acc & (0.0..=f64::MAX).contains(&x));
    if !ok {
        for (i, &x) in t.iter().enumerate() {
            check_time(i, x)?;
        }
    }
    Ok(())
}

/// Time points from any 1-D array-like (or a single number): floats as their exact binary
/// values, `str`/`Fraction`/`int` exactly (then rounded to the nearest double for the fast
/// engine). Each must be finite and ≥ 0.
pub fn to_times(obj: &Bound<'_, PyAny>) -> PyResult<Times> {
    if let Some(shape) = ndarray_shape(obj) {
        if shape.len() > 1 {
            return Err(input_error(
                "times",
                format!("expected a 1-D array of times, got shape {shape:?}"),
            ));
        }
        if shape.len() == 1 {
            if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, f64>>() {
                let v = a.as_array().to_vec();
                check_f64_times(&v)?;
                return Ok(Times::F64(v));
            }
        }
    }
    let is_scalar = obj.cast::<PyString>().is_ok() || obj.try_iter().is_err();
    let items: Vec<Bound<'_, PyAny>> = if is_scalar {
        vec![obj.clone()]
    } else {
        obj.try_iter()?.collect::<PyResult<_>>()?
    };
    check_len(items.len())?;
    let mut f = Vec::with_capacity(items.len());
    let mut exact: Option<Vec<Q>> = None;
    for (i, item) in items.iter().enumerate() {
        if let Ok(x) = item.cast::<PyFloat>() {
            let x = x.value();
            check_time(i, x)?;
            f.push(x);
            if let Some(e) = &mut exact {
                e.push(f64_to_q_exact(x).expect("checked finite"));
            }
            continue;
        }
        let field = format!("times[{i}]");
        let q = to_q(item, &field)?;
        if q.is_negative() {
            return Err(input_error(&field, format!("time must be >= 0, got {q}")));
        }
        let x = exactflow_core::number::q_to_f64_nearest(&q);
        if !x.is_finite() {
            return Err(input_error(&field, "time is beyond the f64 range"));
        }
        let e = exact.get_or_insert_with(|| {
            f.iter()
                .map(|&x| f64_to_q_exact(x).expect("checked finite"))
                .collect()
        });
        e.push(q);
        f.push(x);
    }
    Ok(match exact {
        Some(e) => Times::Exact(e, f),
        None => Times::F64(f),
    })
}

/// Columns from `None` (all), a list of names or a comma-separated string; `t` first,
/// then schema order (as `solve --columns`).
pub fn to_columns(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Column>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Column::ALL.to_vec());
    };
    let list = if let Ok(s) = obj.cast::<PyString>() {
        s.to_str()?.to_string()
    } else {
        let names: Vec<String> = obj
            .try_iter()
            .map_err(|_| input_error("columns", "expected a list of column names"))?
            .map(|x| {
                x?.extract::<String>()
                    .map_err(|_| input_error("columns", "expected a list of column names"))
            })
            .collect::<PyResult<_>>()?;
        if let Some(bad) = names
            .iter()
            .find(|n| n.contains(',') || n.trim().is_empty())
        {
            return Err(input_error("columns", format!("bad column name {bad:?}")));
        }
        names.join(",")
    };
    Column::parse_list(&list).map_err(|e| input_error("columns", e))
}
