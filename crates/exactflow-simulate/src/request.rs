//! A simulation request: the method, its parameters (checked: which apply, which values
//! make sense), the digits of its rows.

use crate::error::{short, Param, SimError};
use crate::gd;
use crate::num::digits_to_bits;
use crate::taylor;
use exactflow_core::number::Q;
use exactflow_core::Scalar;

/// The simulation methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodKind {
    /// Full width-`d` gradient descent.
    Gd,
    /// The exact three-scalar gradient-descent map.
    GdReduced,
    /// Gradient flow by classical RK4 in `f64`.
    Rk4,
    /// Gradient flow by Dormand–Prince 8(5,3) in `f64`.
    Dop853,
    /// Gradient flow by a Taylor-series method in MPFR (the independent oracle).
    Taylor,
}

impl MethodKind {
    /// Every method.
    pub const ALL: [MethodKind; 5] = [
        MethodKind::Gd,
        MethodKind::GdReduced,
        MethodKind::Rk4,
        MethodKind::Dop853,
        MethodKind::Taylor,
    ];

    /// The method's name (`gd`, `gd-reduced`, `rk4`, `dop853`, `taylor`).
    pub fn name(self) -> &'static str {
        match self {
            MethodKind::Gd => "gd",
            MethodKind::GdReduced => "gd-reduced",
            MethodKind::Rk4 => "rk4",
            MethodKind::Dop853 => "dop853",
            MethodKind::Taylor => "taylor",
        }
    }

    /// The method of a name.
    pub fn parse(name: &str) -> Option<MethodKind> {
        MethodKind::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether the method is gradient descent (rows at steps) rather than a flow (rows at
    /// times).
    pub fn is_gd(self) -> bool {
        matches!(self, MethodKind::Gd | MethodKind::GdReduced)
    }
}

impl std::fmt::Display for MethodKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A request as a caller gives it: every parameter optional. [`Request::new`] checks
/// which apply to the method and whether their values make sense.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// GD: number of steps.
    pub steps: Option<u64>,
    /// GD: record every k-th step (and always the last); default 1.
    pub every: Option<u64>,
    /// Flows: output times, non-decreasing, ≥ 0.
    pub times: Option<Vec<Q>>,
    /// RK4: step `h·λ` as a fraction of the field's time scale `1/λ`; default 0.01.
    pub step: Option<f64>,
    /// DOP853: relative tolerance of the local error; default 1e-12.
    pub rtol: Option<f64>,
    /// Significant digits: taylor 10–1000 (default 40); gd, gd-reduced: run in MPFR
    /// balls at that many digits (10–1000) instead of `f64`; rk4, dop853: digits printed
    /// (1–17, default 17).
    pub digits: Option<u32>,
}

/// The number type a run computes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// `f64`.
    F64,
    /// MPFR at enough bits for `digits` significant digits.
    Mpfr {
        /// Significant decimal digits of the rows.
        digits: u32,
    },
}

/// A validated method with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Full width-`d` gradient descent.
    Gd {
        /// Steps.
        steps: u64,
        /// Record every `every`-th step and the last.
        every: u64,
        /// Number type.
        precision: Precision,
    },
    /// The three-scalar GD map.
    GdReduced {
        /// Steps.
        steps: u64,
        /// Record every `every`-th step and the last.
        every: u64,
        /// Number type.
        precision: Precision,
    },
    /// RK4 in `f64`.
    Rk4 {
        /// Output times.
        times: Vec<Q>,
        /// `h·λ`.
        h_rel: f64,
    },
    /// DOP853 in `f64`.
    Dop853 {
        /// Output times.
        times: Vec<Q>,
        /// Local relative tolerance.
        rtol: f64,
    },
    /// Taylor in MPFR.
    Taylor {
        /// Output times.
        times: Vec<Q>,
    },
}

/// A validated request: the method and the significant digits its rows carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The method and its parameters.
    pub method: Method,
    /// Significant decimal digits of the rows (for `f64`: the digits printed).
    pub digits: u32,
}

/// The smallest RK4 step `h·λ`: at `10⁻⁴` the method's local error `(hλ)⁵` is far below
/// `f64`'s rounding, so smaller steps buy nothing but rounding and time (`--step 1e-22`
/// once ran 5·10⁷ steps, 7 s, to print worse values).
pub const MIN_RK4_STEP: f64 = 1e-4;

/// Largest number of GD steps of one run.
pub const MAX_GD_STEPS: u64 = 100_000_000;

fn not_applicable(param: Param, method: MethodKind) -> SimError {
    let hint = if method.is_gd() {
        "gradient descent takes steps, every and digits"
    } else {
        match method {
            MethodKind::Rk4 => "rk4 takes times, step and digits",
            MethodKind::Dop853 => "dop853 takes times, rtol and digits",
            _ => "taylor takes times and digits",
        }
    };
    SimError::NotApplicable {
        param,
        method,
        hint,
    }
}

fn out_of_range(param: Param, value: impl std::fmt::Display, allowed: &str) -> SimError {
    SimError::OutOfRange {
        param,
        value: short(&value.to_string()),
        allowed: allowed.to_string(),
    }
}

fn check_digits(digits: Option<u32>, lo: u32, hi: u32, default: u32) -> Result<u32, SimError> {
    let d = digits.unwrap_or(default);
    if (lo..=hi).contains(&d) {
        Ok(d)
    } else {
        Err(out_of_range(
            Param::Digits,
            d,
            &format!("between {lo} and {hi}"),
        ))
    }
}

/// Checks that the times are ≥ 0 (exactly), and, for an `f64` method, that each is finite
/// in `f64`. (Times in any order: each non-decreasing run is integrated from `t = 0`.)
fn check_times(times: &[Q], f64_method: bool) -> Result<(), SimError> {
    if times.is_empty() {
        return Err(out_of_range(Param::Times, "no times", "at least one time"));
    }
    for t in times {
        if *t < Q::from_integer(0.into()) {
            return Err(out_of_range(Param::Times, t, "≥ 0"));
        }
        if f64_method && !f64::from_q(t, &()).is_finite() {
            return Err(out_of_range(
                Param::Times,
                t,
                "finite in f64 (below 1.8e308)",
            ));
        }
    }
    Ok(())
}

/// The maximal non-decreasing runs of `times`, as index ranges.
pub(crate) fn runs(times: &[Q]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=times.len() {
        if i == times.len() || times[i] < times[i - 1] {
            out.push(start..i);
            start = i;
        }
    }
    out
}

impl Request {
    /// Validates `options` for `kind`: a parameter that does not apply is
    /// [`SimError::NotApplicable`], a missing one [`SimError::Missing`], a value out of its
    /// range [`SimError::OutOfRange`] (each naming the parameter).
    ///
    /// # Errors
    /// As above.
    pub fn new(kind: MethodKind, o: Options) -> Result<Request, SimError> {
        let reject = |given: bool, p: Param| {
            if given {
                Err(not_applicable(p, kind))
            } else {
                Ok(())
            }
        };
        if kind.is_gd() {
            reject(o.times.is_some(), Param::Times)?;
            reject(o.step.is_some(), Param::Step)?;
            reject(o.rtol.is_some(), Param::Rtol)?;
            let steps = o.steps.ok_or(SimError::Missing {
                param: Param::Steps,
                method: kind,
                hint: "rows at steps 0..N, t = step number",
            })?;
            if steps > MAX_GD_STEPS {
                return Err(out_of_range(
                    Param::Steps,
                    steps,
                    &format!("at most {MAX_GD_STEPS}"),
                ));
            }
            let every = o.every.unwrap_or(1);
            if every == 0 {
                return Err(out_of_range(Param::Every, every, "at least 1"));
            }
            let (precision, digits) = match o.digits {
                None => (Precision::F64, 17),
                Some(_) => {
                    let digits = check_digits(o.digits, 10, 1000, 40)?;
                    (Precision::Mpfr { digits }, digits)
                }
            };
            let method = if kind == MethodKind::Gd {
                Method::Gd {
                    steps,
                    every,
                    precision,
                }
            } else {
                Method::GdReduced {
                    steps,
                    every,
                    precision,
                }
            };
            return Ok(Request { method, digits });
        }
        reject(o.steps.is_some(), Param::Steps)?;
        reject(o.every.is_some(), Param::Every)?;
        if kind != MethodKind::Rk4 {
            reject(o.step.is_some(), Param::Step)?;
        }
        if kind != MethodKind::Dop853 {
            reject(o.rtol.is_some(), Param::Rtol)?;
        }
        let times = o.times.ok_or(SimError::Missing {
            param: Param::Times,
            method: kind,
            hint: "the output times of the flow",
        })?;
        check_times(&times, kind != MethodKind::Taylor)?;
        let (method, digits) = match kind {
            MethodKind::Rk4 => {
                let h_rel = o.step.unwrap_or(0.01);
                if !(MIN_RK4_STEP..=1.0).contains(&h_rel) {
                    return Err(out_of_range(
                        Param::Step,
                        h_rel,
                        "in [1e-4, 1] (below 1e-4 RK4's truncation error, about (hλ)^4 ≤ 1e-16, is under f64's rounding: a smaller step only adds rounding and time)",
                    ));
                }
                (
                    Method::Rk4 { times, h_rel },
                    check_digits(o.digits, 1, 17, 17)?,
                )
            }
            MethodKind::Dop853 => {
                let rtol = o.rtol.unwrap_or(1e-12);
                if !(1e-15..=1e-2).contains(&rtol) {
                    return Err(out_of_range(Param::Rtol, rtol, "in [1e-15, 1e-2]"));
                }
                (
                    Method::Dop853 { times, rtol },
                    check_digits(o.digits, 1, 17, 17)?,
                )
            }
            _ => (
                Method::Taylor { times },
                check_digits(o.digits, 10, 1000, 40)?,
            ),
        };
        Ok(Request { method, digits })
    }

    /// The method's kind.
    pub fn kind(&self) -> MethodKind {
        match &self.method {
            Method::Gd { .. } => MethodKind::Gd,
            Method::GdReduced { .. } => MethodKind::GdReduced,
            Method::Rk4 { .. } => MethodKind::Rk4,
            Method::Dop853 { .. } => MethodKind::Dop853,
            Method::Taylor { .. } => MethodKind::Taylor,
        }
    }

    /// The number of rows a complete run produces.
    pub fn rows(&self) -> u64 {
        match &self.method {
            Method::Gd { steps, every, .. } | Method::GdReduced { steps, every, .. } => {
                gd::row_count(*steps, *every)
            }
            Method::Rk4 { times, .. } | Method::Dop853 { times, .. } | Method::Taylor { times } => {
                times.len() as u64
            }
        }
    }

    /// The MPFR working precision in bits, for the MPFR methods.
    pub fn working_bits(&self) -> Option<u32> {
        match &self.method {
            Method::Gd {
                steps,
                precision: Precision::Mpfr { digits },
                ..
            }
            | Method::GdReduced {
                steps,
                precision: Precision::Mpfr { digits },
                ..
            } => Some(gd_working_bits(*digits, *steps)),
            Method::Taylor { .. } => Some(taylor::working_prec(self.digits)),
            _ => None,
        }
    }
}

/// Working precision of MPFR gradient descent: the digits' bits, plus `log2(steps)` for
/// accumulation, plus 64 guard bits.
pub fn gd_working_bits(digits: u32, steps: u64) -> u32 {
    digits_to_bits(digits) + 64 + (64 - steps.max(1).leading_zeros())
}
