//! `exactflow solve`: the closed-form trajectory on a set of time points, computed and
//! written block by block (memory bounded whatever the number of points).

use crate::error::CliError;
use crate::output::{self, Format, Progress};
use crate::scenario_args::ScenarioArgs;
use crate::times_arg::{self, TimeSource, TimesFile};
use clap::{Args, ValueEnum};
use exactflow_core::number::{format_f64_sci, format_q_sci, parse_exact, Q};
use exactflow_core::times::{TimePoint, Times};
use exactflow_core::{Column, Observables};
use exactflow_fast::{FastSolution, Unrepresentable, OMEGA_T_TOL, REL_TOL};
use exactflow_tables::write::{Cell, Chunk, Digits, Header, Renderer, TableWriter};
use rayon::prelude::*;
use std::path::PathBuf;

/// Points of the default grid (when neither --times nor --grid is given).
pub const DEFAULT_POINTS: u64 = 21;

/// Time points per block of the fast engine.
const FAST_BLOCK: usize = 4096;

/// Evaluation engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// f64 closed form (relative accuracy ~1e-13 on every column; see docs).
    Fast,
    /// Arbitrary precision with certified bounds (MPFR).
    Mp,
}

/// Arguments of `solve`.
#[derive(Debug, Clone, Args)]
pub struct SolveArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Time points, comma-separated exact numbers ≥ 0 (e.g. 0,0.5,1e3), in the order
    /// given.
    #[arg(long, value_name = "T1,T2,...", conflicts_with_all = ["grid", "times_file"], allow_hyphen_values = true)]
    pub times: Option<String>,
    /// Grid from T0 to T1 with N points: uniform (T0:T1:N, each point exactly
    /// T0 + j(T1 − T0)/(N − 1)) or geometric (T0:T1:log:N, T0 > 0; exactly T0·r^j when
    /// T1/T0 is a rational power r^(N−1), else interior points rounded to 16 significant
    /// digits, each printed time being the exact time evaluated). Default: 0 to a
    /// horizon by which the residual has fallen 12 orders, 21 points.
    #[arg(
        long,
        value_name = "T0:T1:N | T0:T1:log:N",
        conflicts_with = "times_file",
        allow_hyphen_values = true
    )]
    pub grid: Option<String>,
    /// Time points from a file: one exact number per line (blank lines and lines
    /// starting with # skipped), or an NPY vector of float64/float32 (each float read
    /// as its exact binary value).
    #[arg(long, value_name = "FILE")]
    pub times_file: Option<PathBuf>,
    /// Engine: fast (f64, the default) or mp (arbitrary precision).
    #[arg(long, value_enum)]
    pub engine: Option<Engine>,
    /// Significant digits printed. fast: default the shortest text that reads back as
    /// the same double (as numpy and pandas print), or 1–17 fixed digits; mp: 10–100000,
    /// default 40.
    #[arg(long, value_name = "N")]
    pub digits: Option<u32>,
    /// Add a certified bound <column>_err on |printed − exact| after every value column
    /// (needs --engine mp).
    #[arg(long)]
    pub certify: bool,
    /// Output format; default from --out's extension (.csv, .json, .npy, .npz), else csv.
    /// A --format that contradicts the extension is an error.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to FILE instead of standard output: a regular file atomically (whole or
    /// not at all, the mode the umask allows), a device/FIFO/socket in place; a
    /// symlink's target is written; a directory is an error.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Columns after t, in the order given, each once: z, slope, residual, loss, ntk,
    /// alignment, norm_u, norm_w (t may be named, first). Default: all, in that order.
    #[arg(long, value_name = "LIST")]
    pub columns: Option<String>,
}

/// Parses `--columns`: value columns in the order given, `t` first (it may be named
/// first); an empty list, an empty item, a repeat or an unknown name is exit 2.
///
/// # Errors
/// A usage error naming `--columns`.
pub fn parse_columns(list: &str) -> Result<Vec<Column>, CliError> {
    let err = |m: String| CliError::usage("--columns", m);
    if list.trim().is_empty() {
        return Err(err(
            "empty list (name at least one column, or omit --columns for all)".into(),
        ));
    }
    let mut chosen = vec![Column::T];
    for (i, name) in list.split(',').enumerate() {
        let name = name.trim();
        if name.is_empty() {
            return Err(err(format!("item {} is empty in {list:?}", i + 1)));
        }
        let c = Column::parse(name).map_err(|e| err(e.to_string()))?;
        if c == Column::T {
            if i == 0 {
                continue;
            }
            return Err(err(
                "t is always the first column (name it first or not at all)".into(),
            ));
        }
        if chosen.contains(&c) {
            return Err(err(format!("{name} appears twice")));
        }
        chosen.push(c);
    }
    if chosen.len() == 1 {
        return Err(err("no value column (t alone is not a table)".into()));
    }
    Ok(chosen)
}

/// The time points `solve` evaluates at.
pub(crate) fn time_source(
    times: Option<&str>,
    grid: Option<&str>,
    file: Option<&std::path::Path>,
    default: impl FnOnce() -> Result<Times, CliError>,
) -> Result<TimeSource, CliError> {
    Ok(match (times, grid, file) {
        (Some(t), _, _) => TimeSource::Axis(times_arg::parse_list(t)?),
        (None, Some(g), _) => TimeSource::Axis(times_arg::parse_grid(g)?),
        (None, None, Some(f)) => TimeSource::File(TimesFile::open(f)?),
        (None, None, None) => TimeSource::Axis(default()?),
    })
}

/// Parses `--times` into exact points (for `simulate`).
pub(crate) fn parse_times(text: &str) -> Result<Vec<Q>, CliError> {
    TimeSource::Axis(times_arg::parse_list(text)?).to_vec()
}

/// Parses `--grid` into exact points (for `simulate`).
pub(crate) fn parse_grid(text: &str) -> Result<Vec<Q>, CliError> {
    TimeSource::Axis(times_arg::parse_grid(text)?).to_vec()
}

/// The cell of an exact time.
fn time_cell(p: &TimePoint) -> Cell<'_> {
    match p {
        TimePoint::Small { num, den } => Cell::Ratio {
            num: *num,
            den: *den,
        },
        TimePoint::Big(q) => Cell::Exact(q),
    }
}

/// The checked `--digits` of an engine.
fn digits_of(args: &SolveArgs) -> Result<Digits, CliError> {
    let bad = |why: &str, d: u32| CliError::usage("--digits", format!("{why}, got {d}"));
    match (args.engine(), args.digits) {
        (Engine::Fast, None) => Ok(Digits::Shortest),
        (Engine::Fast, Some(d)) if (1..=17).contains(&d) => Ok(Digits::Fixed(d as usize)),
        (Engine::Fast, Some(d)) => Err(bad(
            "the fast engine prints 1 to 17 significant digits (f64 carries no more; use --engine mp)",
            d,
        )),
        (Engine::Mp, None) => Ok(Digits::Fixed(40)),
        (Engine::Mp, Some(d)) if (exactflow_mp::MIN_DIGITS..=exactflow_mp::MAX_DIGITS).contains(&d) =>
        {
            Ok(Digits::Fixed(d as usize))
        }
        (Engine::Mp, Some(d)) => Err(bad("the mp engine prints 10 to 100000 significant digits", d)),
    }
}

impl SolveArgs {
    /// The engine (fast unless --engine says otherwise).
    fn engine(&self) -> Engine {
        self.engine.unwrap_or(Engine::Fast)
    }
}

/// `args` completed from the table of `--scenario-from` (the scenario itself is read by
/// [`ScenarioArgs::resolve`]): the time points, the engine, the digits and the columns
/// it states, each where the command line gives none.
fn restore(args: &SolveArgs, path: &std::path::Path) -> Result<SolveArgs, CliError> {
    use exactflow_tables::provenance as key;
    let err = |m: String| CliError::usage("--scenario-from", format!("{}: {m}", path.display()));
    let table = exactflow_tables::read_path(path).map_err(|e| err(e.to_string()))?;
    // A table that states no scenario is refused for that, before its times are looked at.
    key::scenario_from_metadata(&table.metadata).map_err(|e| err(e.to_string()))?;
    let meta = |k: &str| {
        table
            .metadata
            .iter()
            .find(|(m, _)| m == k)
            .map(|(_, v)| v.as_str())
    };
    let mut a = args.clone();
    if a.times.is_none() && a.grid.is_none() && a.times_file.is_none() {
        match meta(key::TIMES).and_then(|t| t.split_once(' ')) {
            Some(("--grid", g)) => a.grid = Some(g.to_string()),
            Some(("--times", t)) => a.times = Some(t.to_string()),
            // A times file (perhaps gone) or no statement: the table's own t column.
            _ => {
                let cols = table.columns.as_deref().unwrap_or_default();
                let t = cols
                    .iter()
                    .position(|c| c == "t")
                    .ok_or_else(|| err("has no column t to take the times from: give --times, --grid or --times-file".into()))?;
                let texts: Vec<String> = table
                    .rows
                    .iter()
                    .map(|r| r[t].text().into_owned())
                    .collect();
                a.times = Some(texts.join(","));
            }
        }
    }
    if a.engine.is_none() {
        a.engine = match meta(key::ENGINE) {
            Some("mp") => Some(Engine::Mp),
            _ => Some(Engine::Fast),
        };
    }
    if a.digits.is_none() {
        a.digits = meta(key::DIGITS).and_then(|d| d.parse().ok());
    }
    if a.columns.is_none() {
        if let Some(cols) = &table.columns {
            let value: Vec<&str> = cols
                .iter()
                .map(String::as_str)
                .filter(|c| *c != "t" && !c.ends_with("_err"))
                .collect();
            if !value.is_empty() && value.iter().all(|c| Column::parse(c).is_ok()) {
                a.columns = Some(value.join(","));
            }
            a.certify |= cols.iter().any(|c| c.ends_with("_err"));
        }
    }
    Ok(a)
}

/// Runs `solve`.
///
/// # Errors
/// Usage and scenario errors (exit 2, nothing written), output errors.
pub fn run(args: &SolveArgs) -> Result<(), CliError> {
    let restored;
    let args = match &args.scenario.scenario_from {
        Some(path) => {
            restored = restore(args, path)?;
            &restored
        }
        None => args,
    };
    let digits = digits_of(args)?;
    if args.certify && args.engine() == Engine::Fast {
        return Err(CliError::usage(
            "--certify",
            "certified bounds come from the mp engine: add --engine mp",
        ));
    }
    let format = output::resolve_format(args.format, args.out.as_deref())?;
    let columns = match &args.columns {
        Some(list) => parse_columns(list)?,
        None => Column::ALL.to_vec(),
    };
    let scenario = args.scenario.resolve()?;
    let red = scenario.reduction();
    let sol = FastSolution::from_reduction(&red);
    let mut times_text = match (&args.times, &args.grid, &args.times_file) {
        (Some(t), _, _) => format!("--times {t}"),
        (None, Some(g), _) => format!("--grid {g}"),
        (None, None, Some(f)) => format!("--times-file {}", f.display()),
        (None, None, None) => String::new(),
    };
    let source = time_source(
        args.times.as_deref(),
        args.grid.as_deref(),
        args.times_file.as_deref(),
        || {
            let h = parse_exact(&format!("{:e}", sol.horizon()))
                .unwrap_or_else(|_| Q::from_integer(1.into()));
            times_text = format!("--grid 0:{h}:{DEFAULT_POINTS}");
            Times::uniform(&Q::from_integer(0.into()), &h, DEFAULT_POINTS)
                .map_err(|e| CliError::usage("--grid", e.to_string()))
        },
    )?;
    if !source.max_f64().is_finite() {
        let flag = if args.times_file.is_some() {
            "--times-file"
        } else if args.grid.is_some() {
            "--grid"
        } else {
            "--times"
        };
        return Err(CliError::usage(
            flag,
            "a time point is beyond the f64 range",
        ));
    }
    use exactflow_tables::provenance as key;
    let mut metadata = key::provenance(&scenario, "solve");
    metadata.extend([
        (
            "omega".into(),
            match sol.omega_wide().to_f64_normal() {
                Some(om) => format_f64_sci(om, 17),
                None => sol.omega_wide().to_sci(),
            },
        ),
        (
            key::DIGITS.into(),
            match digits {
                Digits::Shortest => key::SHORTEST.into(),
                Digits::Fixed(d) => d.to_string(),
            },
        ),
        (key::TIMES.into(), times_text),
    ]);
    let mut names: Vec<String> = Vec::new();
    for c in &columns {
        names.push(c.name().to_string());
        if args.certify && *c != Column::T {
            names.push(format!("{}_err", c.name()));
        }
    }
    if args.engine() == Engine::Fast {
        check_fast(&sol, &source, &columns)?;
    }
    // Everything is checked: open the output only now (nothing is written on bad input).
    let out = output::open(args.out.as_deref())?;
    let rows = source.len();
    let r = match args.engine() {
        Engine::Fast => {
            metadata.push(("engine".into(), "fast".into()));
            metadata.push((
                "precision".into(),
                format!(
                    "f64 closed form; relative error <= {:.1e} + omega*t*{:.1e} per column (slope near a sign change, norms and alignment: see docs/derivation.md)",
                    REL_TOL, OMEGA_T_TOL
                ),
            ));
            let header = Header {
                metadata,
                columns: names,
                rows: Some(rows),
            };
            let w = TableWriter::new(out, format, digits, header)?;
            run_fast(&sol, &source, &columns, w)
        }
        Engine::Mp => {
            metadata.push(("engine".into(), "mp".into()));
            metadata.push((
                "precision".into(),
                "MPFR ball arithmetic: every printed digit correct to one unit in the last place (cells counted in uncertified_cells excepted); <column>_err is a certified bound on |printed - exact value of the closed form|".into(),
            ));
            let header = Header {
                metadata,
                columns: names,
                rows: Some(rows),
            };
            let w = TableWriter::new(out, format, digits, header)?;
            let mp = exactflow_mp::MpSolution::new(red);
            run_mp(&mp, &source, &columns, digits, args.certify, w)
        }
    };
    output::finish(r)
}

/// The refusal of a cell `f64` cannot carry (exit 2).
fn refusal(u: Unrepresentable) -> CliError {
    CliError::usage(
        "--engine fast",
        format!(
            "{u}; f64 cannot carry it: use --engine mp (or leave the column out with --columns)"
        ),
    )
}

/// A first pass of the fast engine over every time point, keeping nothing: refuses
/// (exit 2, before any output) a requested cell whose value `f64` cannot carry.
fn check_fast(sol: &FastSolution, source: &TimeSource, columns: &[Column]) -> Result<(), CliError> {
    let need = exactflow_core::Need::from_columns(columns);
    let mut tf: Vec<f64> = Vec::with_capacity(FAST_BLOCK);
    source.for_each_block(FAST_BLOCK, |block| {
        tf.clear();
        tf.extend(block.iter().map(TimePoint::to_f64));
        sol.check(&tf, &need).map_err(refusal)
    })
}

/// The fast engine, block by block: times correctly rounded to `f64` by integer
/// arithmetic, the lane loop, each row written as it comes.
fn run_fast(
    sol: &FastSolution,
    source: &TimeSource,
    columns: &[Column],
    mut w: TableWriter,
) -> Result<(), CliError> {
    let progress = Progress::new("solve", source.len(), "rows", source.len() >= 2_000_000);
    let mut tf: Vec<f64> = Vec::with_capacity(FAST_BLOCK);
    source.for_each_block(FAST_BLOCK, |block| {
        let mut cells: Vec<Cell<'_>> = Vec::with_capacity(columns.len());
        tf.clear();
        tf.extend(block.iter().map(TimePoint::to_f64));
        let mut err = None;
        let need = exactflow_core::Need::from_columns(columns);
        sol.try_for_each(&tf, &need, |i, o| {
            if err.is_some() {
                return;
            }
            cells.clear();
            for &c in columns {
                cells.push(match o.get(c) {
                    Some(v) => Cell::F64(*v),
                    None => time_cell(&block[i]),
                });
            }
            if let Err(e) = w.row(&cells) {
                err = Some(e);
            }
        })
        .map_err(refusal)?;
        progress.inc(block.len() as u64);
        match err {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    })?;
    progress.finish();
    w.finish_and_commit(&[])?;
    Ok(())
}

/// Points per block of the mp engine: a quarter of the table (so that two or more
/// threads share even a short one), at least 8, at most about 16 MB of balls. A
/// function of the digits and the point count alone, never of the thread count.
fn mp_block(digits: usize, points: u64) -> usize {
    let bytes_per_point = 8 * (digits * 42 / 100 + 64);
    let cap = (16_000_000 / bytes_per_point).clamp(8, 1024);
    (points.div_ceil(4) as usize).clamp(8, cap)
}

/// The mp engine: blocks of points certified in parallel (a window of them at a
/// time), written in order. The blocks do not depend on the thread count, so neither
/// do the bytes.
fn run_mp(
    mp: &exactflow_mp::MpSolution,
    source: &TimeSource,
    columns: &[Column],
    digits: Digits,
    certify: bool,
    mut w: TableWriter,
) -> Result<(), CliError> {
    let Digits::Fixed(nd) = digits else {
        return Err(CliError::usage(
            "--digits",
            "the mp engine needs a digit count",
        ));
    };
    let need = exactflow_core::Need::from_columns(columns);
    let progress = Progress::new(
        "solve",
        source.len(),
        "rows",
        source.len() >= 64 || nd >= 5000,
    );
    let window = rayon::current_num_threads().max(1) * 2;
    let mut pending: Vec<Vec<TimePoint>> = Vec::with_capacity(window);
    let mut prec = 0u32;
    let mut uncertified = 0usize;
    let renderer = w.renderer();
    // Each block is evaluated and rendered on a worker; the main thread appends the
    // rendered chunks in order.
    let mut flush =
        |pending: &mut Vec<Vec<TimePoint>>, w: &mut TableWriter| -> Result<(), CliError> {
            let results: Vec<Result<(Chunk, u32, usize), CliError>> = pending
                .par_iter()
                .map(|b| {
                    let qs: Vec<Q> = b.iter().map(TimePoint::to_q).collect();
                    let cert = mp.eval_certified(&qs, nd as u32, need);
                    mp_refusal(&cert, b)?;
                    let mut r = renderer.clone();
                    let mut chunk = Chunk::new();
                    for (t, o) in b.iter().zip(&cert.values) {
                        render_mp_row(&mut r, &mut chunk, columns, t, o, certify)?;
                    }
                    Ok((chunk, cert.prec, cert.uncertified))
                })
                .collect();
            for (block, res) in pending.iter().zip(results) {
                let (chunk, p, u) = res?;
                prec = prec.max(p);
                uncertified += u;
                w.append(&chunk)?;
                progress.inc(block.len() as u64);
            }
            pending.clear();
            Ok(())
        };
    source.for_each_block(mp_block(nd, source.len()), |block| {
        pending.push(block);
        if pending.len() == window {
            flush(&mut pending, &mut w)?;
        }
        Ok(())
    })?;
    flush(&mut pending, &mut w)?;
    progress.finish();
    w.finish_and_commit(&[
        ("working_precision_bits".into(), prec.to_string()),
        ("uncertified_cells".into(), uncertified.to_string()),
    ])?;
    Ok(())
}

/// One row of certified values: the time, then each value (and its bound).
fn render_mp_row(
    r: &mut Renderer,
    chunk: &mut Chunk,
    columns: &[Column],
    t: &TimePoint,
    o: &Observables<exactflow_mp::ball::Ball>,
    certify: bool,
) -> Result<(), CliError> {
    let rads: Vec<rug::Float> = columns
        .iter()
        .filter_map(|&c| o.get(c))
        .map(|b| b.rad())
        .collect();
    let mut cells = Vec::with_capacity(columns.len());
    let mut k = 0;
    for &c in columns {
        let Some(b) = o.get(c) else {
            cells.push(time_cell(t));
            continue;
        };
        let rad = &rads[k];
        k += 1;
        cells.push(if certify {
            Cell::Ball { mid: b.mid(), rad }
        } else if b.is_nan() {
            Cell::F64(f64::NAN)
        } else {
            Cell::Mpfr(b.mid())
        });
    }
    r.row(&cells, chunk)?;
    Ok(())
}

/// A certified table with cells that did not certify is not written (the rows before
/// them never reach a regular file: the output is committed only at the end): a cell
/// beyond the engine's range is refused (exit 2), one that did not reach the requested
/// digits at the highest working precision fails (exit 1), each naming the cells.
fn mp_refusal(cert: &exactflow_mp::Certified, block: &[TimePoint]) -> Result<(), CliError> {
    use exactflow_mp::Uncertain;
    let time = |c: &exactflow_mp::UncertifiedCell| format_q_sci(&block[c.index].to_q(), 6);
    if let Some(c) = cert
        .cells
        .iter()
        .find(|c| c.reason == Uncertain::BelowRange)
    {
        return Err(CliError::Unrepresentable {
            column: c.column.name().into(),
            time: time(c),
            message: "its magnitude is below 2^-(2^60) (about 10^-(3.47e17)), beyond the range of the mp engine (a residual decays like exp(-omega t)); request earlier times or other columns".into(),
        });
    }
    if cert.cells.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = cert
        .cells
        .iter()
        .take(8)
        .map(|c| format!("{} at t = {}", c.column.name(), time(c)))
        .collect();
    let more = cert.cells.len().saturating_sub(shown.len());
    Err(CliError::Failed {
        what: "solve".into(),
        details: format!(
            "{} cell(s) did not certify at up to {} bits: {}{}",
            cert.cells.len(),
            cert.prec,
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    })
}

#[cfg(test)]
#[path = "tests/solve.rs"]
mod tests;
