//! exactflow-py: the Python binding of exactflow, built by maturin as `exactflow._native`
//! (the Python package in `python/` wraps it; `docs/python.md` is its guide).
//!
//! A thin shell, like the CLI: it converts Python values to the library's types (exact
//! rationals, `f64` slices borrowed from numpy), dispatches to the library crates, and
//! converts their typed results back (numpy arrays filled by the engine, strings of
//! certified decimals that the Python layer turns into `decimal.Decimal`). It implements
//! no mathematics of its own.
//!
//! * Errors: every input error is a [`ScenarioError`] (a `ValueError`) whose message names
//!   the field the way the CLI's exit-2 messages do (`model.eta_u: must be > 0, got -1`),
//!   with the field also in its `field` attribute.
//! * The GIL is released while an engine runs (`Python::detach`).
//! * No Rust panic reaches the interpreter: each entry point runs under
//!   [`std::panic::catch_unwind`], a panic becoming `exactflow.InternalError` (a bug to
//!   report — every known cause is refused as bad input before it can panic).

#![warn(missing_docs)]

mod convert;
mod reports;
mod scenario;
mod simulate;
mod solve;
mod tables;

use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

pyo3::create_exception!(
    _native,
    ScenarioError,
    pyo3::exceptions::PyValueError,
    "Bad input: a scenario field, a time, a column name or an option out of its domain. The message names the field (as the CLI's exit-2 messages do); so does the `field` attribute."
);

pyo3::create_exception!(
    _native,
    SimulationError,
    pyo3::exceptions::PyRuntimeError,
    "A simulation method failed on valid input (diverged, step-size underflow, budget or precision exhausted); `trajectory` holds the rows computed before the failure."
);

pyo3::create_exception!(
    _native,
    InternalError,
    pyo3::exceptions::PyRuntimeError,
    "A bug in exactflow (a Rust panic caught at the boundary): please report it with the input that caused it."
);

/// An input error naming `field`.
pub(crate) fn input_error(field: &str, message: impl std::fmt::Display) -> PyErr {
    let err = ScenarioError::new_err(format!("{field}: {message}"));
    Python::attach(|py| {
        // Attaching an attribute to a fresh exception instance cannot fail in practice;
        // if it does, the message still names the field.
        let _ = err.value(py).setattr("field", field);
    });
    err
}

/// Runs `f`, turning a panic into [`InternalError`] (the last line of defence: causes are
/// refused as input errors before they can panic).
pub(crate) fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(InternalError::new_err(format!(
                "internal error in exactflow (please report it with the input): {what}"
            )))
        }
    }
}

/// Panics inside [`guard`] (for the test that a panic becomes `InternalError`, never a
/// `PanicException` or an abort).
#[pyfunction]
fn _test_panic() -> PyResult<()> {
    guard(|| -> PyResult<()> { panic!("a deliberate panic (test)") })
}

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ScenarioError", py.get_type::<ScenarioError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add("SimulationError", py.get_type::<SimulationError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("COLUMNS", solve::column_names())?;
    m.add("PRESETS", exactflow_core::presets::PRESETS.to_vec())?;
    m.add("LABELS", reports::label_names())?;
    m.add("MP_MIN_DIGITS", exactflow_mp::MIN_DIGITS)?;
    m.add("MP_MAX_DIGITS", exactflow_mp::MAX_DIGITS)?;
    m.add_class::<scenario::Scenario>()?;
    m.add_function(wrap_pyfunction!(trim, m)?)?;
    m.add_function(wrap_pyfunction!(_test_panic, m)?)?;
    m.add_function(wrap_pyfunction!(solve::solve_fast, m)?)?;
    m.add_function(wrap_pyfunction!(solve::solve_mp, m)?)?;
    m.add_function(wrap_pyfunction!(solve::horizon, m)?)?;
    m.add_function(wrap_pyfunction!(reports::limits, m)?)?;
    m.add_function(wrap_pyfunction!(reports::check, m)?)?;
    m.add_function(wrap_pyfunction!(reports::certify, m)?)?;
    m.add_function(wrap_pyfunction!(reports::mechanism, m)?)?;
    m.add_function(wrap_pyfunction!(reports::phase, m)?)?;
    m.add_function(wrap_pyfunction!(simulate::simulate, m)?)?;
    m.add_function(wrap_pyfunction!(tables::compare, m)?)?;
    m.add_function(wrap_pyfunction!(tables::read_table, m)?)?;
    Ok(())
}

/// The binding's allocator: the system's, with a small cache of large freed blocks.
///
/// Output columns are allocated here and freed here when numpy drops them. A large block
/// (≥ 1 MiB) handed back is kept, up to [`CACHE_BYTES`] in all, and given to the next
/// allocation of exactly its size and alignment: repeated `solve` calls of one size then
/// reuse their memory instead of asking the kernel for fresh pages, whose zeroing was
/// half the time of a 2,000,000-point call (measured with perf). `exactflow._native.trim()`
/// returns the cached blocks to the system. Only the binding's own allocations go through
/// it (the interpreter and numpy keep theirs).
struct CachingAlloc;

/// Blocks at least this large are cached.
const CACHE_MIN: usize = 1 << 20;
/// The most bytes the cache holds.
pub const CACHE_BYTES: usize = 256 << 20;
/// The most blocks the cache holds.
const CACHE_SLOTS: usize = 16;

/// Cached blocks: `(address, size, align)`, oldest first.
static CACHE: std::sync::Mutex<Vec<(usize, usize, usize)>> = std::sync::Mutex::new(Vec::new());

// SAFETY: every block is allocated and freed by `System` with its own layout; a cached
// block is handed out again only for a layout of exactly its size and alignment, and is
// never in the cache and in use at once (it leaves the cache under the lock).
unsafe impl std::alloc::GlobalAlloc for CachingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.size() >= CACHE_MIN {
            if let Ok(mut c) = CACHE.lock() {
                if let Some(i) = c
                    .iter()
                    .position(|&(_, size, align)| size == layout.size() && align == layout.align())
                {
                    return c.remove(i).0 as *mut u8;
                }
            }
        }
        // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if layout.size() >= CACHE_MIN && layout.size() <= CACHE_BYTES {
            if let Ok(mut c) = CACHE.lock() {
                let mut held: usize = c.iter().map(|e| e.1).sum();
                while !c.is_empty()
                    && (c.len() >= CACHE_SLOTS || held + layout.size() > CACHE_BYTES)
                {
                    let (p, size, align) = c.remove(0);
                    held -= size;
                    // SAFETY: a block `System` allocated with this layout.
                    unsafe {
                        std::alloc::System.dealloc(
                            p as *mut u8,
                            std::alloc::Layout::from_size_align_unchecked(size, align),
                        )
                    };
                }
                c.push((ptr as usize, layout.size(), layout.align()));
                return;
            }
        }
        // SAFETY: `ptr` came from `System` with this layout.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CachingAlloc = CachingAlloc;

/// Returns the allocator's cached blocks to the system (see [`CachingAlloc`]); the number
/// of bytes released.
#[pyfunction]
fn trim() -> usize {
    let blocks: Vec<(usize, usize, usize)> = match CACHE.lock() {
        Ok(mut c) => std::mem::take(&mut *c),
        Err(_) => return 0,
    };
    let mut freed = 0;
    for (p, size, align) in blocks {
        freed += size;
        // SAFETY: blocks `System` allocated with these layouts, now out of the cache.
        unsafe {
            std::alloc::GlobalAlloc::dealloc(
                &std::alloc::System,
                p as *mut u8,
                std::alloc::Layout::from_size_align_unchecked(size, align),
            )
        };
    }
    freed
}
