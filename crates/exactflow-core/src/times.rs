//! Time axes: the exact time points a table is evaluated at — a uniform grid, a
//! geometric (log-spaced) grid, or a list — produced point by point, never held whole
//! (a grid of 10^7 points costs nothing until it is walked).
//!
//! Every time point is an exact non-negative rational. Grids keep their points as
//! `(A + jB)/C` with machine integers where they fit ([`TimePoint::Small`]), so that an
//! `f64` table needs no big-rational arithmetic per point: [`TimePoint::to_f64`] is
//! correctly rounded by integer arithmetic.
//!
//! A geometric grid `T0, T0·r, …, T1` with `r = (T1/T0)^(1/(N−1))`:
//! * when `T1/T0` is the `(N−1)`-th power of a rational (`1e-3:1e3:log:7`, `1:1024:log:11`),
//!   `r` is that rational and every point is exactly `T0·r^j`;
//! * otherwise `r` is irrational: the end points are exact and each interior point is
//!   `T0·(T1/T0)^(j/(N−1))` evaluated in `f64` (the `libm` crate's `exp`/`ln`, the same
//!   bits on every machine) and rounded to [`GEOMETRIC_DIGITS`] significant decimal
//!   digits. That decimal *is* the time point (exact, printed as is); it lies within
//!   about 1e-13 (relative) of the geometric value.

use crate::number::{f64_to_q_exact, parse_exact, q_to_f64_nearest, Q};
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use thiserror::Error;

/// Most points of one time axis.
pub const MAX_POINTS: u64 = 10_000_000;

/// Significant digits of the interior points of a geometric grid whose ratio is
/// irrational.
pub const GEOMETRIC_DIGITS: usize = 16;

/// Why a time axis is refused. Positions are 0-based.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TimesError {
    /// A negative time.
    #[error("time point {index} is negative")]
    Negative {
        /// Its position.
        index: u64,
    },
    /// No points.
    #[error("no time points")]
    Empty,
    /// More than [`MAX_POINTS`].
    #[error("{count} time points exceed the limit of {MAX_POINTS}")]
    TooMany {
        /// How many were asked for.
        count: u64,
    },
    /// An end point after the other.
    #[error("the last time is before the first")]
    Reversed,
    /// A geometric grid starting at zero.
    #[error("a geometric grid needs a first time > 0")]
    LogFromZero,
    /// A geometric grid with an irrational ratio whose end points are outside `f64`'s
    /// normal range (the interior points are computed in `f64`).
    #[error("a geometric grid whose ratio is not a rational power needs end points between 1e-300 and 1e300")]
    LogRange,
}

/// One exact time point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimePoint {
    /// `num/den` (not necessarily reduced), `den > 0`.
    Small {
        /// Numerator.
        num: u128,
        /// Denominator.
        den: u64,
    },
    /// Any other non-negative rational.
    Big(Q),
}

impl TimePoint {
    /// From an exact rational (machine integers where they fit).
    pub fn from_q(q: &Q) -> TimePoint {
        match (q.numer().to_u128(), q.denom().to_u64()) {
            (Some(num), Some(den)) if !q.is_negative() => TimePoint::Small { num, den },
            _ => TimePoint::Big(q.clone()),
        }
    }

    /// The exact time a number's text means (as [`parse_exact`] reads it: `0.1` is
    /// 1/10), by machine integers for plain decimals (`12`, `0.25`, `1.5e-3`) and by
    /// [`parse_exact`] otherwise. May be negative (then [`TimePoint::Big`]).
    ///
    /// # Errors
    /// The [`NumberError`](crate::number::NumberError) of [`parse_exact`].
    pub fn parse(text: &str) -> Result<TimePoint, crate::number::NumberError> {
        if let Some(p) = parse_plain_decimal(text.trim()) {
            return Ok(p);
        }
        parse_exact(text).map(|q| TimePoint::from_q(&q))
    }

    /// The exact binary value of a finite double (`None` for NaN and infinities).
    pub fn from_f64(x: f64) -> Option<TimePoint> {
        if !x.is_finite() {
            return None;
        }
        if x == 0.0 {
            return Some(TimePoint::Small { num: 0, den: 1 });
        }
        if x > 0.0 {
            let bits = x.to_bits();
            let e = ((bits >> 52) & 0x7ff) as i32;
            let frac = bits & ((1u64 << 52) - 1);
            let (m, e2) = if e == 0 {
                (frac, -1074)
            } else {
                (frac | (1u64 << 52), e - 1075)
            };
            let tz = m.trailing_zeros() as i32;
            let (m, e2) = (m >> tz, e2 + tz);
            if (0..=74).contains(&e2) {
                return Some(TimePoint::Small {
                    num: (m as u128) << e2,
                    den: 1,
                });
            }
            if (-63..0).contains(&e2) {
                return Some(TimePoint::Small {
                    num: m as u128,
                    den: 1u64 << -e2,
                });
            }
        }
        f64_to_q_exact(x).map(TimePoint::Big)
    }

    /// The exact rational.
    pub fn to_q(&self) -> Q {
        match self {
            TimePoint::Small { num, den } => Q::new(BigInt::from(*num), BigInt::from(*den)),
            TimePoint::Big(q) => q.clone(),
        }
    }

    /// The nearest `f64` (ties to even), by integer arithmetic for [`TimePoint::Small`].
    pub fn to_f64(&self) -> f64 {
        match self {
            TimePoint::Small { num, den } => ratio_to_f64(*num, *den),
            TimePoint::Big(q) => q_to_f64_nearest(q),
        }
    }
}

/// `digits[.digits][e[±]digits]` (no sign, no underscores) as machine integers when
/// they fit.
fn parse_plain_decimal(s: &str) -> Option<TimePoint> {
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || int.len() + frac.len() > 38
    {
        return None;
    }
    let mut m: u128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        m = m * 10 + (b - b'0') as u128;
    }
    let e10 = exp as i64 - frac.len() as i64;
    if e10 >= 0 {
        let p = 10u128.checked_pow(u32::try_from(e10).ok()?)?;
        Some(TimePoint::Small {
            num: m.checked_mul(p)?,
            den: 1,
        })
    } else {
        let den = 10u64.checked_pow(u32::try_from(-e10).ok()?)?;
        Some(TimePoint::Small { num: m, den })
    }
}

/// The correctly rounded (nearest, ties to even) `f64` of the non-negative rational
/// `n/d` by integer arithmetic alone (`d > 0`; `d = 0` gives NaN). Never subnormal:
/// `n/d ≥ 1/d > 2^-64`.
pub fn ratio_to_f64(n: u128, d: u64) -> f64 {
    if d == 0 {
        return f64::NAN;
    }
    if n == 0 {
        return 0.0;
    }
    // Shift n up as far as u128 allows: the quotient then has at least 127 − 64 = 63
    // significant bits, more than the 53 + 2 that rounding needs; the remainder is the
    // sticky bit.
    let s = n.leading_zeros() as i32 - 1;
    let x = if s >= 0 { n << s } else { n };
    let s = s.max(0);
    let (q, r) = (x / d as u128, x % d as u128);
    let bits = 128 - q.leading_zeros() as i32;
    let drop = bits - 53;
    let m = q >> drop;
    let rest = q & ((1u128 << drop) - 1);
    let half = 1u128 << (drop - 1);
    let up = rest > half || (rest == half && (r != 0 || m & 1 == 1));
    // m + up ≤ 2^53 is exact in f64; the scaling by a power of two is exact too.
    ((m + up as u128) as f64) * 2f64.powi(drop - s)
}

/// A uniform grid `t_j = (A + jB)/C`, `j = 0..n`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Uniform {
    a: BigInt,
    b: BigInt,
    c: BigInt,
    n: u64,
    /// `(A, B, C)` as machine integers when every point fits.
    small: Option<(u128, u128, u64)>,
}

/// A geometric grid.
#[derive(Debug, Clone, PartialEq)]
enum Geometric {
    /// `t0·r^j` exactly.
    Exact { t0: Q, r: Q, n: u64 },
    /// Interior points rounded to [`GEOMETRIC_DIGITS`] digits.
    Rounded {
        t0: Q,
        t1: Q,
        n: u64,
        ln_t0: f64,
        ln_ratio: f64,
    },
}

/// The time points of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Times {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Uniform(Uniform),
    Geometric(Geometric),
    List(Vec<Q>),
}

fn check_count(n: u64) -> Result<(), TimesError> {
    if n == 0 {
        return Err(TimesError::Empty);
    }
    if n > MAX_POINTS {
        return Err(TimesError::TooMany { count: n });
    }
    Ok(())
}

fn check_ends(t0: &Q, t1: &Q) -> Result<(), TimesError> {
    if t0.is_negative() {
        return Err(TimesError::Negative { index: 0 });
    }
    if t1 < t0 {
        return Err(TimesError::Reversed);
    }
    Ok(())
}

/// The exact `k`-th root of `x ≥ 0` when it is an integer.
fn exact_root(x: &BigUint, k: u64) -> Option<BigUint> {
    if x.is_zero() || x.is_one() {
        return Some(x.clone());
    }
    if k > x.bits() {
        return None;
    }
    let r = x.nth_root(u32::try_from(k).ok()?);
    (num_traits::pow(r.clone(), usize::try_from(k).ok()?) == *x).then_some(r)
}

impl Times {
    /// `n` equally spaced points from `t0` to `t1` (`n = 1`: `t0` alone), each exactly
    /// `t0 + j(t1 − t0)/(n − 1)`.
    ///
    /// # Errors
    /// A negative or reversed end, no points or more than [`MAX_POINTS`].
    pub fn uniform(t0: &Q, t1: &Q, n: u64) -> Result<Times, TimesError> {
        check_count(n)?;
        check_ends(t0, t1)?;
        let steps = BigInt::from(n.saturating_sub(1).max(1));
        let delta = t1 - t0;
        // t_j = (t0·C + j·Δ·C/(n−1)) / C with C = lcm(den t0, den Δ · (n − 1)).
        let c = t0.denom().lcm(&(delta.denom() * &steps));
        let a = t0.numer() * (&c / t0.denom());
        let b = if n == 1 {
            BigInt::zero()
        } else {
            delta.numer() * (&c / (delta.denom() * &steps))
        };
        let last = &a + &b * BigInt::from(n - 1);
        let small = match (a.to_u128(), b.to_u128(), c.to_u64(), last.to_u128()) {
            (Some(a), Some(b), Some(c), Some(_)) => Some((a, b, c)),
            _ => None,
        };
        Ok(Times {
            kind: Kind::Uniform(Uniform { a, b, c, n, small }),
        })
    }

    /// `n` geometrically spaced points from `t0 > 0` to `t1` (see the module docs for
    /// which are exact).
    ///
    /// # Errors
    /// As [`Times::uniform`], and [`TimesError::LogFromZero`], [`TimesError::LogRange`].
    pub fn geometric(t0: &Q, t1: &Q, n: u64) -> Result<Times, TimesError> {
        check_count(n)?;
        check_ends(t0, t1)?;
        if t0.is_zero() {
            return Err(TimesError::LogFromZero);
        }
        if n == 1 {
            return Ok(Times {
                kind: Kind::List(vec![t0.clone()]),
            });
        }
        let ratio = t1 / t0;
        let k = n - 1;
        let root =
            exact_root(ratio.numer().magnitude(), k).zip(exact_root(ratio.denom().magnitude(), k));
        if let Some((p, q)) = root {
            let r = Q::new(BigInt::from(p), BigInt::from(q));
            return Ok(Times {
                kind: Kind::Geometric(Geometric::Exact {
                    t0: t0.clone(),
                    r,
                    n,
                }),
            });
        }
        let (f0, f1) = (q_to_f64_nearest(t0), q_to_f64_nearest(t1));
        let normal = |x: f64| (1e-300..=1e300).contains(&x);
        if !normal(f0) || !normal(f1) {
            return Err(TimesError::LogRange);
        }
        Ok(Times {
            kind: Kind::Geometric(Geometric::Rounded {
                t0: t0.clone(),
                t1: t1.clone(),
                n,
                ln_t0: libm::log(f0),
                ln_ratio: libm::log(f1) - libm::log(f0),
            }),
        })
    }

    /// The given points, in the given order.
    ///
    /// # Errors
    /// A negative point, none, or more than [`MAX_POINTS`].
    pub fn list(points: Vec<Q>) -> Result<Times, TimesError> {
        check_count(points.len() as u64)?;
        if let Some(i) = points.iter().position(Signed::is_negative) {
            return Err(TimesError::Negative { index: i as u64 });
        }
        Ok(Times {
            kind: Kind::List(points),
        })
    }

    /// Number of points.
    pub fn len(&self) -> u64 {
        match &self.kind {
            Kind::Uniform(u) => u.n,
            Kind::Geometric(Geometric::Exact { n, .. } | Geometric::Rounded { n, .. }) => *n,
            Kind::List(v) => v.len() as u64,
        }
    }

    /// Whether there are no points (never, for a constructed axis).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The largest point (for range checks before any evaluation).
    pub fn max(&self) -> Q {
        match &self.kind {
            Kind::List(v) => v.iter().max().cloned().unwrap_or_else(Q::zero),
            _ => self.point(self.len() - 1).to_q(),
        }
    }

    /// Whether every point is exactly on the grid it names (false only for a geometric
    /// grid with an irrational ratio, whose interior points are rounded).
    pub fn is_exact_grid(&self) -> bool {
        !matches!(self.kind, Kind::Geometric(Geometric::Rounded { .. }))
    }

    /// Point `j` (`j < len`; later indices repeat the last point).
    pub fn point(&self, j: u64) -> TimePoint {
        let j = j.min(self.len().saturating_sub(1));
        match &self.kind {
            Kind::Uniform(u) => match u.small {
                Some((a, b, c)) => TimePoint::Small {
                    num: a + b * j as u128,
                    den: c,
                },
                None => TimePoint::from_q(&Q::new(&u.a + &u.b * BigInt::from(j), u.c.clone())),
            },
            Kind::Geometric(Geometric::Exact { t0, r, .. }) => {
                let p = num_traits::pow(r.clone(), j as usize);
                TimePoint::from_q(&(t0 * p))
            }
            Kind::Geometric(Geometric::Rounded {
                t0,
                t1,
                n,
                ln_t0,
                ln_ratio,
            }) => {
                if j == 0 {
                    return TimePoint::from_q(t0);
                }
                if j == n - 1 {
                    return TimePoint::from_q(t1);
                }
                let x = libm::exp(ln_t0 + ln_ratio * (j as f64 / (n - 1) as f64));
                let text = format!("{:.*e}", GEOMETRIC_DIGITS - 1, x);
                let q = parse_exact(&text)
                    .ok()
                    .or_else(|| f64_to_q_exact(x))
                    .unwrap_or_else(|| t0.clone());
                TimePoint::from_q(&q)
            }
            Kind::List(v) => TimePoint::from_q(&v[j as usize]),
        }
    }

    /// Points `start..start + len` (clipped to the axis) appended to `out`.
    pub fn block(&self, start: u64, len: usize, out: &mut Vec<TimePoint>) {
        let end = (start + len as u64).min(self.len());
        match &self.kind {
            // Exact geometric points by one multiplication each.
            Kind::Geometric(Geometric::Exact { t0, r, .. }) if start < end => {
                let mut t = t0 * num_traits::pow(r.clone(), start as usize);
                for _ in start..end {
                    out.push(TimePoint::from_q(&t));
                    t *= r;
                }
            }
            _ => out.extend((start..end).map(|j| self.point(j))),
        }
    }
}

#[cfg(test)]
#[path = "tests/times.rs"]
mod tests;
