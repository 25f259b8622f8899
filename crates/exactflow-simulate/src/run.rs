//! Running a request: the rows flow into a [`Sink`] one at a time, the [`Report`] says
//! what the run did.

use crate::budget;
use crate::error::{RunError, SimError, Stop};
use crate::gd::{self, Stability};
use crate::ode::{self, Counts, Field, Flow};
use crate::represent::{self, ExactFacts};
use crate::request::{runs, Method, MethodKind, Precision, Request};
use crate::taylor;
use exactflow_core::number::Q;
use exactflow_core::{Observables, Scalar, Scenario};
use exactflow_mp::ball::Ball;
use num_traits::Zero;
use rug::Float;

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
    run_estimated(scenario, req, est, sink)
}

/// [`simulate`] without the up-front refusal (for calibrating the estimates).
#[cfg(test)]
pub(crate) fn simulate_unbudgeted<S: Sink>(
    scenario: &Scenario,
    req: &Request,
    sink: &mut S,
) -> Result<Report, RunError<S::Error>> {
    let est = budget::estimate(scenario, req);
    run_estimated(scenario, req, est, sink)
}

fn run_estimated<S: Sink>(
    scenario: &Scenario,
    req: &Request,
    est: budget::Estimate,
    sink: &mut S,
) -> Result<Report, RunError<S::Error>> {
    // The MPFR methods run in the widest exponent range MPFR allows, whichever thread
    // calls (the range is per thread): a residual late in training stays a number.
    exactflow_mp::exponent::ensure_wide_exponents();
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
                let end = taylor::trajectory(
                    scenario,
                    &times[run.clone()],
                    req.digits,
                    est.step_cap(),
                    |i, o| {
                        report.rows += 1;
                        sink.row(&times[run.start + i], Values::Mp(o))
                            .map_err(Halt::Sink)
                    },
                );
                report.working_bits = report.working_bits.max(Some(end.bits));
                let c = report.counts.get_or_insert_with(Counts::default);
                c.accepted += end.steps;
                stop = end.stop;
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
    let (stability, stop) = match precision {
        Precision::Mpfr { digits } => {
            let start = report
                .working_bits
                .expect("MPFR GD has a working precision");
            let (stability, stop, bits) =
                run_gd_balls(scenario, reduced, (steps, every), digits, start, sink, rows);
            report.working_bits = Some(bits);
            (stability, stop)
        }
        Precision::F64 => {
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

/// Why a ball row was not handed over.
enum BallHalt<E> {
    Halt(Halt<E>),
    /// Start again at this precision.
    Restart(u32),
}

/// The largest working precision MPFR gradient descent raises itself to:
/// `4·digits·log₂10 + 1024` bits.
pub fn gd_max_bits(digits: u32) -> u32 {
    4 * crate::num::digits_to_bits(digits) + 1024
}

/// Gradient descent in MPFR balls, certified: a row is handed over only when every
/// column's ball is within half a unit of its `digits`-th digit (relative radius at most
/// `2^-(bits+2)`), or exactly zero, or (the alignment of a zero vector) undefined. A row
/// that is not restarts the run from step 0 at the precision its widest radius asks for
/// (rows handed over are not repeated), up to [`gd_max_bits`]. Returns the stability
/// record, how it ended and the final precision.
fn run_gd_balls<S: Sink>(
    scenario: &Scenario,
    reduced: bool,
    (steps, every): (u64, u64),
    digits: u32,
    start: u32,
    sink: &mut S,
    rows: &mut u64,
) -> (Stability, Stop<Halt<S::Error>>, u32) {
    let red = scenario.reduction();
    let facts = ExactFacts::of(&red);
    let target = i64::from(crate::num::digits_to_bits(digits)) + 2;
    let mut prec = start;
    let mut handed = 0u64;
    let mut worst = None;
    loop {
        let mut index = 0u64;
        let emit = |n: u64, o: &Observables<Ball>| -> Result<(), BallHalt<S::Error>> {
            index += 1;
            if index <= handed {
                return Ok(());
            }
            if let Some((lost, col)) = uncertified(&facts, n == 0, o, target) {
                worst = Some((col, n));
                return Err(BallHalt::Restart(prec + lost.max(32)));
            }
            handed += 1;
            *rows += 1;
            sink.row(&int(n), Values::Mp(&mids(o)))
                .map_err(|e| BallHalt::Halt(Halt::Sink(e)))
        };
        let (stability, stop) = if reduced {
            gd::reduced::<Ball, _>(&red, &prec, steps, every, emit)
        } else {
            gd::full::<Ball, _>(scenario, &prec, steps, every, emit)
        };
        let stop = match stop {
            Stop::Done => Stop::Done,
            Stop::Failed(e) => Stop::Failed(e),
            Stop::Sink(BallHalt::Halt(h)) => Stop::Sink(h),
            Stop::Sink(BallHalt::Restart(p)) if p <= gd_max_bits(digits) => {
                prec = p;
                continue;
            }
            Stop::Sink(BallHalt::Restart(_)) => Stop::Failed(SimError::PrecisionExhausted {
                column: worst.map_or(exactflow_core::Column::T, |w: (exactflow_core::Column, u64)| w.0),
                t: worst.map_or(String::new(), |w| w.1.to_string()),
                digits,
                max_bits: gd_max_bits(digits),
                why: "gradient descent amplifies its rounding errors faster than the precision can follow (a cancellation in the update of the weights)".into(),
            }),
        };
        return (stability, stop, prec);
    }
}

/// The bits of precision a ball row is short of, and the column shortest of them
/// (`None`: every value has its digits).
fn uncertified(
    facts: &ExactFacts,
    at_start: bool,
    o: &Observables<Ball>,
    target: i64,
) -> Option<(u32, exactflow_core::Column)> {
    let mut worst: Option<(u32, exactflow_core::Column)> = None;
    for col in exactflow_core::Column::VALUES {
        let b = o.get(col).expect("a value column");
        if col == exactflow_core::Column::Alignment && facts.alignment_undefined(at_start) {
            continue;
        }
        if b.is_zero() || b.rel_rad_at_most(-target) {
            continue;
        }
        // Bits short: log₂(rad/|mid|) + target (a zero-containing ball: a guess of 64).
        let lost = if b.is_nan() || b.mid().is_zero() {
            64
        } else {
            let lr = crate::taylor::series::lg(&b.rad()) - crate::taylor::series::lg(b.mid());
            (lr + target as f64).ceil().max(1.0) as u32 + 16
        };
        if worst.is_none_or(|(w, _)| lost > w) {
            worst = Some((lost, col));
        }
    }
    worst
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
pub(crate) mod tests;
