//! `exactflow mechanism`: the acceptance scenarios (width 2000, seeded Gaussian
//! initializations, η_u = η_w = 1, E[x²] = 1) get the right label for several seeds; the
//! presets get theirs; text and JSON reports; input errors exit 2.

use crate::support::exactflow;

fn label(args: &[&str]) -> (String, serde_json::Value) {
    let mut all = vec!["mechanism", "--format", "json"];
    all.extend_from_slice(args);
    let o = exactflow(&all);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    (v["label"].as_str().expect("label").to_string(), v)
}

fn gaussian(
    width: &str,
    su: &str,
    sw: &str,
    gamma: &str,
    exy: &str,
    seed: &str,
) -> (String, serde_json::Value) {
    label(&[
        "--init",
        "gaussian",
        "--width",
        width,
        "--sigma-u",
        su,
        "--sigma-w",
        sw,
        "--gamma",
        gamma,
        "--exy",
        exy,
        "--eta-u",
        "1",
        "--eta-w",
        "1",
        "--exx",
        "1",
        "--seed",
        seed,
    ])
}

const SEEDS: [&str; 3] = ["0", "5", "123"];

#[test]
fn acceptance_kernel() {
    let gamma = format!("{:e}", 1.0 / 2000f64.sqrt());
    for seed in SEEDS {
        let (l, v) = gaussian("2000", "1", "1", &gamma, "1", seed);
        assert_eq!(l, "kernel", "seed {seed}: {v}");
        assert!(v["quantities"]["ntk_change"].as_f64().unwrap().abs() < 0.1);
    }
}

#[test]
fn acceptance_alignment_and_disalignment() {
    for seed in SEEDS {
        let (l, v) = gaussian("2000", "1e-3", "1e-3", "1/2000", "1", seed);
        assert_eq!(l, "alignment", "seed {seed}: {v}");
        assert!(v["quantities"]["alignment_inf"].as_f64().unwrap() > 0.99);
        let (l, v) = gaussian("2000", "1e-3", "1e-3", "1/2000", "-1", seed);
        assert_eq!(l, "disalignment", "seed {seed}: {v}");
        assert!(v["quantities"]["alignment_inf"].as_f64().unwrap() < -0.99);
    }
}

#[test]
fn acceptance_rescaling() {
    for seed in SEEDS {
        let (l, v) = gaussian("2000", "1", "1e-4", "1/2000", "1", seed);
        assert_eq!(l, "rescaling-u", "seed {seed}: {v}");
        let (l, v) = gaussian("2000", "1e-4", "1", "1/2000", "1", seed);
        assert_eq!(l, "rescaling-w", "seed {seed}: {v}");
    }
}

#[test]
fn presets_and_the_report_formats() {
    for (p, want) in [
        ("kernel", "kernel"),
        ("alignment", "alignment"),
        ("disalignment", "disalignment"),
        ("rescaling", "rescaling-u"),
        ("saddle", "saddle"),
    ] {
        let (l, v) = label(&["--preset", p]);
        assert_eq!(l, want, "{v}");
        for key in [
            "ntk_change",
            "alignment0",
            "alignment_inf",
            "rotation_u",
            "rotation_w",
            "norm_ratio_u",
            "norm_ratio_w",
            "time_scale",
        ] {
            assert!(v["quantities"].get(key).is_some(), "{p}: {key} missing");
        }
        assert_eq!(v["thresholds"]["ntk_change"].as_f64(), Some(0.1));
    }
    // The saddle: z → 0, the NTK collapses.
    let (_, v) = label(&["--preset", "saddle"]);
    assert_eq!(v["quantities"]["z_inf"].as_f64(), Some(0.0));
    assert_eq!(v["quantities"]["ntk_change"].as_f64(), Some(-1.0));
    let o = exactflow(&["mechanism", "--preset", "rescaling"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("label: rescaling-u"), "{text}");
    assert!(text.contains("angle(u0, u(inf)) [rad]"), "{text}");
    assert!(text.contains("rule: "), "{text}");
}

#[test]
fn bad_input_exits_2_naming_the_field() {
    let o = exactflow(&["mechanism", "--preset", "kernel", "--eta-u", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("model.eta_u"), "{err}");
    assert!(o.stdout.is_empty());
}
