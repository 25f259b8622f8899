//! Axis ticks a reader can read: decades on log axes, round steps on linear ones, and tick
//! labels that tell the ticks apart.

/// An axis: its range and its labelled (major) and unlabelled (minor) ticks.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// Lower end of the axis.
    pub lo: f64,
    /// Upper end of the axis.
    pub hi: f64,
    /// Labelled ticks, increasing.
    pub major: Vec<f64>,
    /// Unlabelled ticks (log axes: the decades or the 2…9 multiples between labels).
    pub minor: Vec<f64>,
    /// The label of each major tick.
    pub labels: Vec<String>,
    /// A common factor `10^k` taken out of linear tick labels, for the axis title
    /// ("×10⁻³"); `None` when the labels are the values.
    pub multiplier: Option<i32>,
}

/// `n` in Unicode superscript digits (`-3` → `⁻³`).
pub fn superscript(n: i64) -> String {
    n.to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect()
}

/// `10^e` as a label: `10⁻³`.
pub fn decade_label(e: i32) -> String {
    format!("10{}", superscript(i64::from(e)))
}

/// The smallest and largest decade exponents a log axis may reach (`10^e` a normal
/// double).
const MIN_DECADE: i32 = -307;
const MAX_DECADE: i32 = 308;

/// A log axis covering `[lo, hi]` (`0 < lo ≤ hi`), widened to whole decades, with at most
/// `max_labels` labelled decades (every `k`-th, `k` in 1, 2, 3, 5, 10, 20, …), the other
/// decades as minor ticks — or, over at most two decades, the multiples 2…9 as minor
/// ticks (over one decade 2 and 5 labelled: `2×10⁻¹`). Majors come in increasing order.
pub fn log_ticks(lo: f64, hi: f64, max_labels: usize) -> Ticks {
    let max_labels = max_labels.max(2);
    let clamp = |e: f64| (e as i32).clamp(MIN_DECADE, MAX_DECADE);
    let mut elo = clamp(lo.log10().floor());
    let mut ehi = clamp(hi.log10().ceil());
    if ehi <= elo {
        if ehi < MAX_DECADE {
            ehi = elo + 1;
        } else {
            elo = ehi - 1;
        }
    }
    let span = (ehi - elo) as usize;
    let step = [1, 2, 3, 5, 10, 20, 25, 50, 100, 200, 500]
        .into_iter()
        .find(|k| span / k < max_labels)
        .unwrap_or(500);
    let mut major = Vec::new();
    let mut labels = Vec::new();
    let mut minor = Vec::new();
    for e in elo..=ehi {
        let v = 10f64.powi(e);
        if e.rem_euclid(step as i32) == 0 {
            major.push(v);
            labels.push(decade_label(e));
        } else {
            minor.push(v);
        }
        if span <= 2 && e < ehi {
            for m in 2..10 {
                // Over one decade, 2 and 5 are labelled too: two labels alone say little.
                if span == 1 && (m == 2 || m == 5) {
                    major.push(f64::from(m) * v);
                    labels.push(format!("{m}×{}", decade_label(e)));
                } else {
                    minor.push(f64::from(m) * v);
                }
            }
        }
    }
    let mut pairs: Vec<(f64, String)> = major.into_iter().zip(labels).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (major, labels) = pairs.into_iter().unzip();
    Ticks {
        lo: 10f64.powi(elo),
        hi: 10f64.powi(ehi),
        major,
        minor,
        labels,
        multiplier: None,
    }
}

/// A log axis on exactly `[lo, hi]` (`0 < lo < hi`, not widened: a heatmap's cells fill
/// it): the decades inside it labelled (every `k`-th as in [`log_ticks`]); with fewer than
/// two decades inside, the 1–2–5 multiples inside (`2×10⁻³`).
pub fn log_ticks_inside(lo: f64, hi: f64, max_labels: usize) -> Ticks {
    let max_labels = max_labels.max(2);
    let elo = (lo.log10().floor() as i32).clamp(MIN_DECADE, MAX_DECADE);
    let ehi = (hi.log10().ceil() as i32).clamp(MIN_DECADE, MAX_DECADE);
    let inside = |v: f64| v >= lo * (1.0 - 1e-12) && v <= hi * (1.0 + 1e-12);
    let decades: Vec<i32> = (elo..=ehi).filter(|e| inside(10f64.powi(*e))).collect();
    let mut t = Ticks {
        lo,
        hi,
        major: Vec::new(),
        minor: Vec::new(),
        labels: Vec::new(),
        multiplier: None,
    };
    if decades.len() >= 2 {
        let span = decades.len();
        let step: i32 = [1, 2, 3, 5, 10, 20, 25, 50, 100, 200, 500]
            .into_iter()
            .find(|k| span.div_ceil(*k as usize) <= max_labels)
            .unwrap_or(500);
        for e in decades {
            let v = 10f64.powi(e);
            if e.rem_euclid(step) == 0 {
                t.major.push(v);
                t.labels.push(decade_label(e));
            } else {
                t.minor.push(v);
            }
        }
    } else {
        for e in elo..=ehi {
            for m in [1.0, 2.0, 5.0] {
                let v = m * 10f64.powi(e);
                if inside(v) {
                    t.major.push(v);
                    t.labels.push(if m == 1.0 {
                        decade_label(e)
                    } else if e == 0 {
                        format!("{m}")
                    } else {
                        format!("{m}×{}", decade_label(e))
                    });
                }
            }
        }
    }
    t
}

/// The smallest round step (1, 2, 2.5 or 5 times a power of ten) that puts at most
/// `max_labels` ticks in `[lo, hi]`, and the decimals that tell its ticks apart (negative:
/// none needed, with room to spare).
fn nice_step(lo: f64, hi: f64, max_labels: usize) -> (f64, i32) {
    let e0 = ((hi - lo) / max_labels as f64).log10().floor() as i32 - 1;
    for e in e0..e0 + 4 {
        for (mant, extra) in [(1.0, 0), (2.0, 0), (2.5, 1), (5.0, 0)] {
            let step = mant * 10f64.powi(e);
            let count = (hi / step).floor() - (lo / step).ceil() + 1.0;
            if count <= max_labels as f64 {
                return (step, -e + extra);
            }
        }
    }
    let step = 10f64.powi(e0 + 4);
    (step, -(e0 + 4))
}

/// A linear axis covering `[lo, hi]` padded by `pad` of its span on each side, with
/// round ticks (at most `max_labels`). A range too narrow to tell its ends apart in a
/// label (a constant, or a relative spread below 10⁻⁹) is widened to ±5 % of the value
/// (±1 around 0), so the labels never repeat. Labels of values of magnitude ≥ 10⁵ or
/// < 10⁻² take out a common `10^k` ([`Ticks::multiplier`]).
pub fn linear_ticks(lo: f64, hi: f64, pad: f64, max_labels: usize) -> Ticks {
    let max_labels = max_labels.max(2);
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    let scale = lo.abs().max(hi.abs());
    // (`hi - lo` NaN counts as too narrow.)
    if (hi - lo).partial_cmp(&(1e-9 * scale)) != Some(std::cmp::Ordering::Greater) {
        let c = 0.5 * (lo + hi);
        let half = if c == 0.0 { 1.0 } else { 0.05 * c.abs() };
        (lo, hi) = (c - half, c + half);
    } else {
        let p = pad * (hi - lo);
        (lo, hi) = (lo - p, hi + p);
    }
    let (step, decimals) = nice_step(lo, hi, max_labels);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let major: Vec<f64> = (first..=last).map(|k| k as f64 * step).collect();
    let biggest = major.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let multiplier = if biggest >= 1e5 || (biggest > 0.0 && biggest < 1e-2) {
        Some(biggest.log10().floor() as i32)
    } else {
        None
    };
    let (div, decimals) = match multiplier {
        Some(k) => (10f64.powi(k), (decimals + k).max(0)),
        None => (1.0, decimals.max(0)),
    };
    let labels = major
        .iter()
        .map(|v| {
            let x = v / div;
            let s = format!("{:.*}", decimals as usize, x);
            // "-0" and "-0.0" are zero.
            if s.trim_start_matches('-')
                .chars()
                .all(|c| c == '0' || c == '.')
            {
                s.trim_start_matches('-').to_string()
            } else {
                s.replace('-', "−")
            }
        })
        .collect();
    Ticks {
        lo,
        hi,
        major,
        minor: Vec::new(),
        labels,
        multiplier,
    }
}

#[cfg(test)]
#[path = "../tests/ticks.rs"]
mod tests;
