//! Tables from outside: progress only on a terminal, and the same bytes whatever the
//! thread count (the mp blocks are evaluated and rendered on worker threads).

use crate::support::{exactflow, stderr};
use std::process::Command;

fn with_threads(args: &[&str], threads: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_exactflow"))
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("run exactflow")
}

/// Long work shows a progress bar or spinner on a terminal only: with standard error a
/// pipe (as here, and in CI), nothing but errors reaches it.
#[test]
fn no_progress_is_printed_when_stderr_is_not_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    let out = |name: &str| d.path().join(name).to_str().unwrap().to_string();
    let (mp, ph) = (out("mp.csv"), out("ph"));
    let runs: [Vec<&str>; 3] = [
        // 200 rows of mp: over the bar's threshold (64 rows).
        vec![
            "solve",
            "--preset",
            "alignment",
            "--engine",
            "mp",
            "--digits",
            "60",
            "--certify",
            "--grid",
            "0:10:200",
            "--out",
            &mp,
        ],
        // certify shows a spinner on a terminal whatever its size.
        vec![
            "certify", "--preset", "saddle", "--digits", "20", "--points", "2",
        ],
        vec![
            "phase",
            "--preset",
            "alignment",
            "--x",
            "sigma_u=1e-4..1:log:6",
            "--y",
            "sigma_w=1e-4..1:log:5",
            "--out",
            &ph,
        ],
    ];
    for args in &runs {
        let o = exactflow(args);
        assert!(o.status.code().is_some(), "{args:?}");
        let err = stderr(&o);
        assert!(
            o.status.success() || err.starts_with("exactflow: error"),
            "{args:?}: {err}"
        );
        // On success nothing at all; on a failure only the error line(s).
        if o.status.success() {
            assert_eq!(err, "", "{args:?}");
        } else {
            assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
        }
    }
}

/// The same command gives the same bytes on one thread and on two, in text and binary,
/// for the mp engine (blocks certified and rendered in parallel) and the fast one.
#[test]
fn tables_are_the_same_bytes_on_any_thread_count() {
    let d = tempfile::tempdir().unwrap();
    for (engine, file) in [
        ("mp", "t.csv"),
        ("mp", "t.npz"),
        ("fast", "t.csv"),
        ("fast", "t.npy"),
    ] {
        let mut bytes = Vec::new();
        for threads in ["1", "2"] {
            let p = d.path().join(format!("{threads}-{file}"));
            let mut args = vec![
                "solve",
                "--preset",
                "rescaling",
                "--grid",
                "0:40:301",
                "--engine",
                engine,
                "--out",
            ];
            let ps = p.to_str().unwrap().to_string();
            args.push(&ps);
            if engine == "mp" {
                args.extend(["--digits", "80", "--certify"]);
            }
            let o = with_threads(&args, threads);
            assert!(o.status.success(), "{}", stderr(&o));
            bytes.push(std::fs::read(&p).unwrap());
        }
        assert!(bytes[0].len() > 1000);
        assert!(
            bytes[0] == bytes[1],
            "{engine} {file}: bytes differ by thread count"
        );
    }
}
