//! Whole-binary fuzzing: the `exactflow` binary run on mutated command lines and mutated
//! input files (scenario TOML, tables for `compare`), every run under a time and memory
//! cap. A panic, a signal, an exit status other than 0/1/2, an exit 2 without a message,
//! a run past the time cap (a hang) or past the memory cap (a blow-up: the allocator's
//! abort), or a hidden temporary left behind is a failure.
//!
//! Structured mutation (there is no coverage feedback across a process boundary): every
//! flag each subcommand's `--help` lists (so flags added later are fuzzed too) gets values
//! from a dictionary of hostile numbers, lists, grids and names, or byte-level mutations of
//! valid ones; files are mutated line- and byte-wise. Deterministic for a seed.
//!
//! `cargo test` runs a short budget (CI). The long campaign: `scripts/fuzz.sh cli N`
//! (release binary; `EXACTFLOW_FUZZ_EXECS`, `EXACTFLOW_FUZZ_SEED`, `EXACTFLOW_FUZZ_BIN`,
//! `EXACTFLOW_FUZZ_TIMEOUT` seconds, `EXACTFLOW_FUZZ_MEMORY` KiB).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Values hostile to number, list, grid and name parsers.
fn dictionary() -> Vec<String> {
    let mut v: Vec<String> = [
        "-1",
        "0",
        "1",
        "2",
        "3",
        "-0",
        "0.5",
        "1/3",
        "-1/3",
        "1/0",
        "0/0",
        "-2147483648",
        "2147483648",
        "4294967296",
        "18446744073709551615",
        "18446744073709551616",
        "9223372036854775808",
        "1e999999",
        "-1e999999",
        "1e-999999",
        "1e1000001",
        "1e-400",
        "1e400",
        "1e300",
        "1e-300",
        "4.9e-324",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "infinity",
        "",
        " ",
        "1e",
        "e5",
        "0x10",
        "1_000",
        "١",
        "0:10:3",
        "0:1:log:5",
        "1e-9:1e9:log:7",
        "0:1:log:5",
        "1:0:3",
        "0:1:0",
        "0:1:1",
        "0:1:10000001",
        "0:1e300:3",
        "-1:1:3",
        "nan:1:3",
        "0:1:-3",
        "0:1",
        "::",
        "1,2,3",
        "3,2,1",
        "1,1",
        "0,,1",
        ",",
        "1,nan",
        "a",
        "..",
        "=",
        "t,z",
        "z,z",
        "z,,slope",
        "t,z,slope,loss,ntk",
        "bogus",
        "alignment",
        "kernel",
        "saddle",
        "rescaling-u",
        "disalignment",
        "fast",
        "mp",
        "csv",
        "json",
        "npy",
        "npz",
        "text",
        "gd",
        "gd-reduced",
        "rk4",
        "dop853",
        "taylor",
        "gaussian",
        "sigma_u=0..1:3",
        "sigma_u=1e-400..1:log:3",
        "width=1..100000:3",
        "width=1..2:2",
        "gamma=-1..1:3",
        "eta_u=0..1:2",
        "alpha_u=-1..1:2",
        "beta=0..2:3",
        "c_w=1/2",
        "c_u=nan",
        "exy=1e999..1e1000:log:3",
        "20",
        "40",
        "1000",
        "100000",
        "1000000",
        "12",
        "13",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("1".repeat(351));
    v.push(format!("0.{}1", "0".repeat(400)));
    v.push("9".repeat(5000));
    v.push(format!("1e{}", "9".repeat(30)));
    v
}

/// Flags whose value is a path: never byte-mutated (a mutation could name a file outside
/// the scratch directory); they get one of the scratch directory's files instead.
const PATH_FLAGS: &[&str] = &[
    "--out",
    "--scenario",
    "--reference",
    "--candidate",
    "--init-file",
    "--times-file",
    "--overlay",
    "--scenario-from",
];

/// The long flags of a subcommand, from its `--help` (name, takes a value).
fn flags_of(bin: &Path, sub: &str) -> Vec<(String, bool)> {
    let o = Command::new(bin)
        .args([sub, "--help"])
        .output()
        .expect("help");
    let text = String::from_utf8_lossy(&o.stdout);
    let mut flags = Vec::new();
    for line in text.lines() {
        let l = line.trim_start();
        let l = l.strip_prefix("-h, ").unwrap_or(l);
        let l = if l.len() > 4 && l.as_bytes()[0] == b'-' && l.as_bytes()[2] == b',' {
            &l[4..]
        } else {
            l
        };
        if let Some(rest) = l.strip_prefix("--") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if name == "help" || name == "version" || name.is_empty() {
                continue;
            }
            let after = &rest[name.len()..];
            let takes =
                after.starts_with(" <") || after.starts_with("=<") || after.starts_with(" [");
            flags.push((format!("--{name}"), takes));
        }
    }
    flags
}

use exactflow_core::presets::EXAMPLE_TOML as SCENARIO;

const GAUSSIAN: &str = r#"[model]
gamma = 1
eta_u = "1/2"
eta_w = 2
[data]
exx = 1
exy = 0.5
eyy = 3
[init]
kind = "gaussian"
width = 50
sigma_u = "0.01"
sigma_w = 1e-3
seed = 7
"#;

const TOML_KEYS: &[&str] = &[
    "gamma", "eta_u", "eta_w", "exx", "exy", "eyy", "u0", "w0", "kind", "width", "sigma_u",
    "sigma_w", "seed", "file", "name", "[model]", "[data]", "[init]", "[bogus]",
];

fn mutate_bytes(rng: &mut Rng, mut b: Vec<u8>, dict: &[String]) -> Vec<u8> {
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            b.extend_from_slice(rng.pick(dict).as_bytes());
            continue;
        }
        let i = rng.below(b.len());
        match rng.below(7) {
            0 => b[i] ^= 1 << rng.below(8),
            1 => {
                b.truncate(i);
            }
            2 => {
                b.remove(i);
            }
            3 => b.insert(i, *rng.pick(b"-+.e0123456789,:\n\"[]{}#")),
            4 => {
                let d = rng.pick(dict).clone();
                b.splice(i..i, d.into_bytes());
            }
            5 => {
                let j = (i + rng.below(64)).min(b.len());
                let chunk = b[i..j].to_vec();
                b.splice(j..j, chunk);
            }
            _ => b[i] = rng.next() as u8,
        }
    }
    b
}

fn mutate_lines(rng: &mut Rng, text: &str, dict: &[String], keys: &[&str]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..1 + rng.below(3) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = rng.below(lines.len());
        match rng.below(6) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            2 => {
                // Replace a value (after `=`, or a CSV cell) by a dictionary value.
                let v = rng.pick(dict).clone();
                let q = if rng.chance(50) {
                    format!("\"{v}\"")
                } else {
                    v.clone()
                };
                let l = &lines[i];
                lines[i] = if let Some((k, _)) = l.split_once('=') {
                    format!("{k}= {q}")
                } else {
                    let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
                    let c = rng.below(cells.len());
                    cells[c] = v;
                    cells.join(",")
                };
            }
            3 => {
                let k = rng.pick(keys);
                let v = rng.pick(dict).clone();
                lines.insert(i, format!("{k} = \"{v}\""));
            }
            4 => {
                let j = rng.below(lines.len());
                lines.swap(i, j);
            }
            _ => {
                let v = rng.pick(dict).clone();
                lines[i] = format!("{} = [{v}, {v}, \"{v}\"]", rng.pick(keys));
            }
        }
    }
    lines.join("\n") + "\n"
}

/// A small change to a valid value that often keeps it valid: a digit changed, a digit
/// or zero appended, a sign or exponent added.
fn nudge(rng: &mut Rng, v: &str) -> String {
    let mut b: Vec<char> = v.chars().collect();
    let digits: Vec<usize> = (0..b.len()).filter(|&i| b[i].is_ascii_digit()).collect();
    match rng.below(5) {
        0 if !digits.is_empty() => {
            let i = *rng.pick(&digits);
            b[i] = char::from(b'0' + rng.below(10) as u8);
        }
        1 if !digits.is_empty() => {
            let i = *rng.pick(&digits);
            for _ in 0..1 + rng.below(6) {
                b.insert(i, '0');
            }
        }
        2 => return format!("{v}e{}", rng.pick(&["-300", "300", "-20", "20", "5", "-5"])),
        3 => return format!("-{v}"),
        _ => {
            if let Some(&i) = digits.last() {
                b.insert(i + 1, char::from(b'0' + rng.below(10) as u8));
            }
        }
    }
    b.into_iter().collect()
}

struct Case {
    argv: Vec<String>,
    files: Vec<(PathBuf, Vec<u8>)>,
}

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../exactflow-tables/tests/fixtures");
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).expect("fixture"))
        })
        .collect();
    v.sort();
    v
}

fn make_case(
    rng: &mut Rng,
    dir: &Path,
    dict: &[String],
    flags: &[(String, Vec<(String, bool)>)],
    tables: &[(String, Vec<u8>)],
) -> Case {
    let d = |n: &str| dir.join(n).display().to_string();
    let seeds: Vec<Vec<String>> = vec![
        vec!["solve".into()],
        vec![
            "solve".into(),
            "--preset".into(),
            "alignment".into(),
            "--grid".into(),
            "0:10:5".into(),
        ],
        vec![
            "solve".into(),
            "--scenario".into(),
            d("s.toml"),
            "--times".into(),
            "0,1,2.5".into(),
        ],
        vec![
            "solve".into(),
            "--preset".into(),
            "kernel".into(),
            "--engine".into(),
            "mp".into(),
            "--digits".into(),
            "25".into(),
            "--certify".into(),
            "--times".into(),
            "1".into(),
        ],
        vec![
            "solve".into(),
            "--scenario".into(),
            d("g.toml"),
            "--format".into(),
            "json".into(),
            "--out".into(),
            d("o.json"),
            "--columns".into(),
            "t,z,loss".into(),
            "--grid".into(),
            "0:2:3".into(),
        ],
        vec![
            "simulate".into(),
            "--preset".into(),
            "alignment".into(),
            "--method".into(),
            "gd".into(),
            "--steps".into(),
            "20".into(),
        ],
        vec![
            "simulate".into(),
            "--scenario".into(),
            d("s.toml"),
            "--method".into(),
            "gd-reduced".into(),
            "--steps".into(),
            "30".into(),
            "--every".into(),
            "10".into(),
        ],
        vec![
            "simulate".into(),
            "--scenario".into(),
            d("s.toml"),
            "--method".into(),
            "rk4".into(),
            "--times".into(),
            "1".into(),
            "--step".into(),
            "0.01".into(),
        ],
        vec![
            "simulate".into(),
            "--scenario".into(),
            d("s.toml"),
            "--method".into(),
            "dop853".into(),
            "--times".into(),
            "0,1".into(),
            "--rtol".into(),
            "1e-8".into(),
        ],
        vec![
            "simulate".into(),
            "--scenario".into(),
            d("s.toml"),
            "--method".into(),
            "taylor".into(),
            "--times".into(),
            "0.5".into(),
            "--digits".into(),
            "20".into(),
        ],
        vec![
            "check".into(),
            "--scenario".into(),
            d("s.toml"),
            "--gd-steps".into(),
            "2".into(),
        ],
        vec![
            "check".into(),
            "--scenario".into(),
            d("s.toml"),
            "--format".into(),
            "json".into(),
            "--digits".into(),
            "30".into(),
        ],
        vec![
            "certify".into(),
            "--scenario".into(),
            d("s.toml"),
            "--digits".into(),
            "20".into(),
            "--points".into(),
            "3".into(),
        ],
        vec![
            "mechanism".into(),
            "--scenario".into(),
            d("g.toml"),
            "--format".into(),
            "json".into(),
        ],
        vec![
            "phase".into(),
            "--x".into(),
            "sigma_u=0.01..1:log:3".into(),
            "--y".into(),
            "sigma_w=0.01..1:3".into(),
            "--scenario".into(),
            d("g.toml"),
            "--out".into(),
            d("p"),
        ],
        vec![
            "phase".into(),
            "--x".into(),
            "alpha_u=0..1:3".into(),
            "--y".into(),
            "beta=0..1:3".into(),
            "--out".into(),
            d("pe"),
        ],
        vec![
            "plot".into(),
            "--scenario".into(),
            d("s.toml"),
            "--out".into(),
            d("f.svg"),
            "--points".into(),
            "20".into(),
        ],
        vec![
            "compare".into(),
            "--reference".into(),
            d("ref.csv"),
            "--candidate".into(),
            d("cand"),
        ],
        vec![
            "compare".into(),
            "--reference".into(),
            d("ref.csv"),
            "--candidate".into(),
            d("cand"),
            "--columns".into(),
            "t,z,slope,loss,ntk".into(),
            "--format".into(),
            "json".into(),
        ],
        vec![
            "compare".into(),
            "--reference".into(),
            d("cand"),
            "--candidate".into(),
            d("ref.csv"),
            "--strict".into(),
            "--rtol".into(),
            "1e-15".into(),
            "--atol".into(),
            "1e-300".into(),
        ],
        vec![
            "init".into(),
            "--scenario".into(),
            d("g.toml"),
            "--out".into(),
            d("w.npz"),
        ],
    ];
    let mut argv = rng.pick(&seeds).clone();
    let sub = argv[0].clone();
    let sub_flags: Vec<(String, bool)> = flags
        .iter()
        .find(|(s, _)| *s == sub)
        .map(|(_, f)| f.clone())
        .unwrap_or_default();
    let paths = [
        d("s.toml"),
        d("g.toml"),
        d("ref.csv"),
        d("cand"),
        d("missing.csv"),
        d("sub"),
        d("o.csv"),
        d("o.npy"),
        d("p"),
        d("sub/x.csv"),
    ];
    let rounds = if rng.chance(35) { 0 } else { 1 + rng.below(2) };
    for _ in 0..rounds {
        let value_positions: Vec<usize> = (1..argv.len())
            .filter(|&i| !argv[i].starts_with("--"))
            .collect();
        match rng.below(6) {
            // A value replaced from the dictionary (or byte-mutated).
            0 | 1 if !value_positions.is_empty() => {
                let i = *rng.pick(&value_positions);
                let is_path = PATH_FLAGS.contains(&argv[i - 1].as_str());
                argv[i] = if is_path {
                    rng.pick(&paths).clone()
                } else if rng.chance(50) {
                    rng.pick(dict).clone()
                } else if rng.chance(60) {
                    nudge(rng, &argv[i])
                } else {
                    String::from_utf8_lossy(&mutate_bytes(rng, argv[i].clone().into_bytes(), dict))
                        .into_owned()
                };
            }
            // A flag of this subcommand added, with a value.
            2 | 3 if !sub_flags.is_empty() => {
                let (f, takes) = rng.pick(&sub_flags).clone();
                argv.push(f.clone());
                if takes {
                    argv.push(if PATH_FLAGS.contains(&f.as_str()) {
                        rng.pick(&paths).clone()
                    } else {
                        rng.pick(dict).clone()
                    });
                }
            }
            // An argument removed.
            4 if argv.len() > 1 => {
                let i = 1 + rng.below(argv.len() - 1);
                argv.remove(i);
            }
            // A flag of another subcommand (or a bare value) inserted.
            _ => {
                let (_, other) = rng.pick(flags);
                if let Some((f, _)) = other.get(rng.below(other.len().max(1))) {
                    argv.push(f.clone());
                }
                argv.push(rng.pick(dict).clone());
            }
        }
    }
    let scen = |rng: &mut Rng, base: &str| -> Vec<u8> {
        if rng.chance(60) {
            base.as_bytes().to_vec()
        } else if rng.chance(75) {
            mutate_lines(rng, base, dict, TOML_KEYS).into_bytes()
        } else {
            mutate_bytes(rng, base.as_bytes().to_vec(), dict)
        }
    };
    let reference = tables
        .iter()
        .find(|(n, _)| n == "ref.csv")
        .expect("ref.csv")
        .1
        .clone();
    let (_, cand) = rng.pick(tables).clone();
    let cand = if rng.chance(30) {
        cand
    } else if rng.chance(50) && std::str::from_utf8(&cand).is_ok() {
        mutate_lines(
            rng,
            std::str::from_utf8(&cand).expect("utf-8"),
            dict,
            &["t", "z"],
        )
        .into_bytes()
    } else {
        mutate_bytes(rng, cand, dict)
    };
    let reference = if rng.chance(80) {
        reference
    } else {
        mutate_bytes(rng, reference, dict)
    };
    Case {
        argv,
        files: vec![
            (dir.join("s.toml"), scen(rng, SCENARIO)),
            (dir.join("g.toml"), scen(rng, GAUSSIAN)),
            (dir.join("ref.csv"), reference),
            (dir.join("cand"), cand),
        ],
    }
}

/// Runs one case; `Err(reason)` when it fails, else its exit status.
fn run(
    bin: &Path,
    dir: &Path,
    case: &Case,
    timeout: Duration,
    memory_kib: u64,
) -> Result<i32, String> {
    for (p, b) in &case.files {
        std::fs::write(p, b).expect("write input");
    }
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {memory_kib} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args(&case.argv)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    // Drain the pipes on threads so a large output cannot block the child.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out, &mut v);
        v.len()
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let stdout_len = t_out.join().unwrap_or(0);
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned();
    if std::env::var_os("EXACTFLOW_FUZZ_VERBOSE").is_some() {
        eprintln!(
            "{:?} {}: {}",
            status.map(|s| s.code()),
            shell(&case.argv),
            stderr.lines().next().unwrap_or("")
        );
    }
    let Some(status) = status else {
        return Err(format!("hang: no exit within {} s", timeout.as_secs()));
    };
    if stderr.contains("panicked") {
        return Err(format!(
            "panic: {}",
            stderr.lines().take(3).collect::<Vec<_>>().join(" | ")
        ));
    }
    if stderr.contains("memory allocation of") {
        return Err(format!(
            "memory blow-up (cap {memory_kib} KiB): {}",
            stderr.trim()
        ));
    }
    let Some(code) = status.code() else {
        return Err(format!(
            "killed by a signal ({status}); stderr: {}",
            stderr.trim()
        ));
    };
    if !(0..=2).contains(&code) {
        return Err(format!("exit status {code}: {}", stderr.trim()));
    }
    if code == 2 && stderr.trim().is_empty() {
        return Err("exit 2 without a message".into());
    }
    let _ = stdout_len;
    // Debris: a hidden temporary beside an output.
    for d in [
        dir.to_path_buf(),
        dir.join("sub"),
        dir.join("p"),
        dir.join("pe"),
    ] {
        if let Ok(rd) = std::fs::read_dir(&d) {
            for e in rd.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if n.starts_with(".tmp") {
                    let _ = std::fs::remove_file(e.path());
                    return Err(format!("left a temporary {}", e.path().display()));
                }
            }
        }
    }
    Ok(code)
}

#[test]
fn the_binary_survives_mutated_command_lines_and_files() {
    let bin = std::env::var("EXACTFLOW_FUZZ_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_BIN_EXE_exactflow")));
    let execs: usize = env_or("EXACTFLOW_FUZZ_EXECS", 80);
    let seed: u64 = env_or("EXACTFLOW_FUZZ_SEED", 0x5eed_cafe_f00d_u64);
    let timeout = Duration::from_secs(env_or("EXACTFLOW_FUZZ_TIMEOUT", 30));
    let memory: u64 = env_or("EXACTFLOW_FUZZ_MEMORY", 4 << 20);
    let dict = dictionary();
    let subs = [
        "solve",
        "simulate",
        "check",
        "certify",
        "mechanism",
        "phase",
        "plot",
        "compare",
        "init",
    ];
    let flags: Vec<(String, Vec<(String, bool)>)> = subs
        .iter()
        .map(|s| (s.to_string(), flags_of(&bin, s)))
        .collect();
    assert!(
        flags
            .iter()
            .any(|(_, f)| f.iter().any(|(n, _)| n == "--rtol")),
        "flags read from --help"
    );
    let tables = fixtures();
    let scratch = tempfile::tempdir().expect("tempdir");
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-cli-failures");
    let mut rng = Rng(seed | 1);
    let mut failures = Vec::new();
    let mut codes = [0usize; 3];
    let started = Instant::now();
    for n in 0..execs {
        let dir = scratch.path().join(format!("{}", n % 8));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).expect("scratch");
        let case = make_case(&mut rng, &dir, &dict, &flags, &tables);
        let result = run(&bin, &dir, &case, timeout, memory);
        if let Ok(code) = result {
            codes[code as usize] += 1;
        }
        if let Err(why) = result {
            // Keep the failing case: its files and command line.
            let k = keep.join(format!("{seed:x}-{n}"));
            let _ = std::fs::create_dir_all(&k);
            for (p, b) in &case.files {
                let _ = std::fs::write(k.join(p.file_name().expect("name")), b);
            }
            let line = format!(
                "{why}\n  exactflow {}\n  (files in {})",
                shell(&case.argv),
                k.display()
            );
            let _ = std::fs::write(k.join("argv.txt"), &line);
            let _ = std::fs::write(
                k.join("argv.json"),
                serde_json::Value::from(case.argv.clone()).to_string(),
            );
            eprintln!("FAILURE {n}: {line}");
            failures.push(line);
        }
        if (n + 1) % 1000 == 0 {
            eprintln!(
                "fuzz_cli: {} executions, {} failures, {:.0} s",
                n + 1,
                failures.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!(
        "fuzz_cli: {execs} executions in {:.1} s, {} failures (seed {seed:#x}); exit 0/1/2: {codes:?}",
        started.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn shell(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if a.is_empty()
                || a.contains(|c: char| !c.is_ascii_alphanumeric() && !"-_.,:/=+".contains(c))
            {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else if a.len() > 60 {
                format!("'{}…({} chars)'", &a[..40.min(a.len())], a.len())
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
