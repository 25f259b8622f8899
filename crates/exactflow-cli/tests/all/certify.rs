//! `exactflow certify`: every preset certifies (exit 0), the JSON report lists every
//! comparison, bad options exit 2.

use crate::support::exactflow;

#[test]
fn every_preset_certifies() {
    let presets = ["alignment", "disalignment", "rescaling", "kernel", "saddle"];
    // The presets are independent: run them side by side.
    let runs: Vec<_> = presets
        .iter()
        .map(|p| {
            let p = p.to_string();
            std::thread::spawn(move || {
                (
                    p.clone(),
                    exactflow(&[
                        "certify", "--preset", &p, "--format", "json", "--points", "17",
                    ]),
                )
            })
        })
        .collect();
    for r in runs {
        let (p, o) = r.join().expect("thread");
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{p}: {out}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["passed"], true);
        let names: Vec<&str> = v["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .filter_map(|l| l["name"].as_str())
            .collect();
        for needed in [
            "fast-vs-mp:z",
            "mp-certified",
            "rational-checks",
            "taylor-vs-closed-form",
        ] {
            assert!(names.contains(&needed), "{p}: {needed}");
        }
    }
}

#[test]
fn bad_options_exit_2_naming_the_flag() {
    for (flag, value) in [("--digits", "5"), ("--points", "1")] {
        let o = exactflow(&["certify", "--preset", "saddle", flag, value]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(flag) && err.lines().count() == 1, "{err}");
        assert!(o.stdout.is_empty());
    }
}
