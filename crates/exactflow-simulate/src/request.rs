//! The entry point: a validated request, the sink the rows flow into, the report.

use crate::budget;
use crate::error::{short, Param, RunError, SimError, Stop};
use crate::gd::{self, Stability};
use crate::num::digits_to_bits;
use crate::ode::{self, Counts, Field, Flow};
use crate::represent::{self, ExactFacts};
use crate::taylor;
use exactflow_core::number::Q;
use exactflow_core::{Observables, Scalar, Scenario};
use exactflow_mp::ball::Ball;
use num_traits::Zero;
use rug::Float;

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
                if !(h_rel > 0.0 && h_rel <= 1.0) {
                    return Err(out_of_range(Param::Step, h_rel, "in (0, 1]"));
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

/// One row's values.
#[derive(Debug, Clone, Copy)]
pub enum Values<'a> {
    /// Computed in `f64`.
    F64(&'a Observables<f64>),
    /// Computed in MPFR, good to the request's digits.
    Mp(&'a Observables<Float>),
}

/// Where rows go, one at a time, in order (GD: `t` is the step number).
pub trait Sink {
    /// The sink's own error (a failed write).
    type Error;
    /// Takes one row.
    ///
    /// # Errors
    /// The sink's own; the run stops there.
    fn row(&mut self, t: &Q, values: Values<'_>) -> Result<(), Self::Error>;
}

impl<E, F: FnMut(&Q, Values<'_>) -> Result<(), E>> Sink for F {
    type Error = E;
    fn row(&mut self, t: &Q, values: Values<'_>) -> Result<(), E> {
        self(t, values)
    }
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The method.
    pub kind: MethodKind,
    /// Rows handed to the sink.
    pub rows: u64,
    /// RK4/DOP853: accepted and rejected steps.
    pub counts: Option<Counts>,
    /// GD: the edge of stability.
    pub stability: Option<Stability>,
    /// MPFR methods: the working precision in bits.
    pub working_bits: Option<u32>,
    /// Why the run stopped before its last row, if it did ([`SimError::status`] says
    /// whose fault); the rows before it were handed to the sink.
    pub failure: Option<SimError>,
}

fn int(n: u64) -> Q {
    Q::from_integer(n.into())
}

fn mids(o: &Observables<Ball>) -> Observables<Float> {
    Observables::from_fn(|c| o.get(c).expect("a value column").mid().clone())
}

/// Why a row did not reach the sink: the simulator refused it, or the sink failed.
enum Halt<E> {
    Sim(SimError),
    Sink(E),
}

/// What the `f64` rows' refusals point to instead.
fn instead(kind: MethodKind) -> &'static str {
    if kind.is_gd() {
        "gradient descent in MPFR (with digits) carries it"
    } else {
        "the Taylor method (MPFR) or the closed form carries it"
    }
}

/// Hands an `f64` row to the sink after [`represent::first_bad`]. A gradient-descent row
/// past step 0 whose values overflowed is a divergence (a method failure); any other bad
/// value is a refusal naming the column.
fn pass_f64<S: Sink>(
    sink: &mut S,
    facts: &ExactFacts,
    kind: MethodKind,
    rows: &mut u64,
    t: &Q,
    o: &Observables<f64>,
) -> Result<(), Halt<S::Error>> {
    if let Some((col, v, problem)) = represent::first_bad(facts, t, o) {
        let e = if kind.is_gd() && problem == represent::Problem::NotFinite && !t.is_zero() {
            SimError::Diverged {
                at: format!("step {t}"),
                why: format!(
                    "{} is {v:e}: gradient descent left the f64 range",
                    col.name()
                ),
            }
        } else {
            represent::refusal(col, t, v, problem, instead(kind))
        };
        return Err(Halt::Sim(e));
    }
    *rows += 1;
    sink.row(t, Values::F64(o)).map_err(Halt::Sink)
}

/// Runs `req` on `scenario`, handing each row to `sink` as soon as it is computed.
///
/// # Errors
/// [`SimError::OverBudget`] (as [`RunError::Sim`]) when the up-front estimate
/// ([`crate::budget`]) exceeds the budget; [`RunError::Sink`] when the sink refuses a row.
/// A method's failure after some rows, or a row it cannot represent, is not an error of
/// this function: it is [`Report::failure`] (the rows before it reached the sink).
pub fn simulate<S: Sink>(
    scenario: &Scenario,
    req: &Request,
    sink: &mut S,
) -> Result<Report, RunError<S::Error>> {
    let est = budget::estimate(scenario, req);
    budget::check(req, &est)?;
    let mut report = Report {
        kind: req.kind(),
        rows: 0,
        counts: None,
        stability: None,
        working_bits: req.working_bits(),
        failure: None,
    };
    let stop = match &req.method {
        Method::Gd { .. } | Method::GdReduced { .. } => run_gd(scenario, req, sink, &mut report),
        Method::Rk4 { .. } | Method::Dop853 { .. } => {
            run_flow(scenario, req, est.step_cap(), sink, &mut report)
        }
        Method::Taylor { times } => {
            let mut stop = Stop::Done;
            for run in runs(times) {
                stop = taylor::trajectory(scenario, &times[run.clone()], req.digits, |i, o| {
                    report.rows += 1;
                    sink.row(&times[run.start + i], Values::Mp(o))
                        .map_err(Halt::Sink)
                });
                if !matches!(stop, Stop::Done) {
                    break;
                }
            }
            stop
        }
    };
    match stop {
        Stop::Done => Ok(report),
        Stop::Failed(e) | Stop::Sink(Halt::Sim(e)) => {
            report.failure = Some(e);
            Ok(report)
        }
        Stop::Sink(Halt::Sink(e)) => Err(RunError::Sink(e)),
    }
}

/// Gradient descent, full or reduced, in `f64` or MPFR balls.
fn run_gd<S: Sink>(
    scenario: &Scenario,
    req: &Request,
    sink: &mut S,
    report: &mut Report,
) -> Stop<Halt<S::Error>> {
    let (Method::Gd {
        steps,
        every,
        precision,
    }
    | Method::GdReduced {
        steps,
        every,
        precision,
    }) = req.method.clone()
    else {
        unreachable!("a GD request")
    };
    let reduced = matches!(req.method, Method::GdReduced { .. });
    let red = scenario.reduction();
    let facts = ExactFacts::of(&red);
    let kind = req.kind();
    let rows = &mut report.rows;
    let (stability, stop) = match (precision, report.working_bits) {
        (Precision::Mpfr { .. }, Some(prec)) => {
            let emit = |n: u64, o: &Observables<Ball>| {
                *rows += 1;
                sink.row(&int(n), Values::Mp(&mids(o))).map_err(Halt::Sink)
            };
            if reduced {
                gd::reduced::<Ball, _>(&red, &prec, steps, every, emit)
            } else {
                gd::full::<Ball, _>(scenario, &prec, steps, every, emit)
            }
        }
        _ => {
            let emit =
                |n: u64, o: &Observables<f64>| pass_f64(sink, &facts, kind, rows, &int(n), o);
            if reduced {
                gd::reduced::<f64, _>(&red, &(), steps, every, emit)
            } else {
                gd::full::<f64, _>(scenario, &(), steps, every, emit)
            }
        }
    };
    report.stability = Some(stability);
    stop
}

/// RK4 or DOP853 through each non-decreasing run of the times, at most `cap` steps in all.
fn run_flow<S: Sink>(
    scenario: &Scenario,
    req: &Request,
    cap: u64,
    sink: &mut S,
    report: &mut Report,
) -> Stop<Halt<S::Error>> {
    let (times, flow) = match &req.method {
        Method::Rk4 { times, h_rel } => (times, Flow::Rk4 { h_rel: *h_rel }),
        Method::Dop853 { times, rtol } => (times, Flow::Dop853 { rtol: *rtol }),
        _ => unreachable!("a flow request"),
    };
    let field = Field::of(scenario);
    let facts = ExactFacts::of(&scenario.reduction());
    let kind = req.kind();
    let mut total = Counts::default();
    let mut stop = Stop::Done;
    for run in runs(times) {
        let tf: Vec<f64> = times[run.clone()]
            .iter()
            .map(|t| f64::from_q(t, &()))
            .collect();
        let budget = cap.saturating_sub(total.accepted + total.rejected);
        let y0 = Field::initial_state(scenario);
        let rows = &mut report.rows;
        let (counts, s) = ode::integrate(&field, y0, &tf, flow, budget, |i, o| {
            pass_f64(sink, &facts, kind, rows, &times[run.start + i], o)
        });
        total.accepted += counts.accepted;
        total.rejected += counts.rejected;
        stop = s;
        if !matches!(stop, Stop::Done) {
            break;
        }
    }
    report.counts = Some(total);
    stop
}

#[cfg(test)]
#[path = "tests/request.rs"]
mod tests;
