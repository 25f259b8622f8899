//! Unit tests of `scenario.rs`.
use super::*;
use crate::number::parse_exact;

fn q(s: &str) -> Q {
    parse_exact(s).unwrap()
}

use crate::presets::EXAMPLE_TOML as CLI_EXAMPLE;

#[test]
fn reads_the_cli_example() {
    let s = parse_toml(CLI_EXAMPLE, "t").unwrap().validate().unwrap();
    assert_eq!(s.gamma, q("9/10"));
    assert_eq!(s.eta_w, q("1.3"));
    assert_eq!(s.eyy, q("6.25") / q("1.1"));
    assert_eq!(s.width(), 3);
}

/// The first TOML block of a document, whose commented lines are the other choices.
fn first_toml_block(doc: &str) -> &str {
    let start = doc.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let len = doc[start..].find("```").expect("the block ends");
    &doc[start..start + len]
}

#[test]
fn the_example_constant_is_the_documents_example() {
    let example = parse_toml(CLI_EXAMPLE, "t").unwrap().validate().unwrap();
    for doc in [
        include_str!("../../../../README.md"),
        include_str!("../../../../docs/cli.md"),
    ] {
        let block = first_toml_block(doc);
        let s = parse_toml(block, "doc").unwrap().validate().unwrap();
        assert_eq!(s, example, "{block}");
    }
}

#[test]
fn bare_numbers_are_read_from_their_text() {
    let t = "[model]\ngamma = 0.1\neta_u = 1e-3\neta_w = 2\n[data]\nexx = 1_000.5\nexy = -3\n[init]\nu0 = [0.1, \"1/3\"]\nw0 = [1, 2.5]\n";
    let s = parse_toml(t, "t").unwrap().validate().unwrap();
    assert_eq!(s.gamma, q("1/10"));
    assert_eq!(s.eta_u, q("1/1000"));
    assert_eq!(s.exx, q("1000.5"));
    match &s.init {
        Init::Explicit { u0, .. } => assert_eq!(u0[0], q("1/10")),
        _ => panic!("explicit init expected"),
    }
}

fn err(t: &str) -> String {
    match parse_toml(t, "t").and_then(|s| s.validate()) {
        Ok(_) => panic!("accepted: {t}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_validation_error_names_its_field() {
    let base = "[data]\nexy = 1\n[init]\nu0 = [1]\nw0 = [1]\n";
    assert!(err(&format!("[model]\neta_u = 0\n{base}")).starts_with("model.eta_u: must be > 0"));
    assert!(
        err(&format!("[model]\neta_w = \"-1/2\"\n{base}")).starts_with("model.eta_w: must be > 0")
    );
    assert!(err(&format!("[model]\ngamma = 0\n{base}")).starts_with("model.gamma: must be nonzero"));
    assert!(
        err("[data]\nexx = -1\nexy = 1\n[init]\nu0 = [1]\nw0 = [1]\n")
            .starts_with("data.exx: must be > 0")
    );
    assert!(
        err("[data]\nexx = 2\nexy = 2\neyy = 1.9\n[init]\nu0 = [1]\nw0 = [1]\n")
            .starts_with("data.eyy: must be >= exy^2/exx = 2")
    );
    assert!(err("[data]\nexy = \"1.2.3\"\n[init]\nu0 = [1]\nw0 = [1]\n")
        .starts_with("data.exy: malformed number"));
    assert!(
        err("[data]\nexy = inf\n[init]\nu0 = [1]\nw0 = [1]\n").starts_with("data.exy: non-finite")
    );
    assert!(
        err("[data]\nexy = nan\n[init]\nu0 = [1]\nw0 = [1]\n").starts_with("data.exy: non-finite")
    );
    assert!(
        err("[data]\nexy = \"1e100000\"\n[init]\nu0 = [1]\nw0 = [1]\n")
            .starts_with("data.exy: exponent")
    );
    assert!(err("[data]\nexy = 1\n[init]\nu0 = [1, 2]\nw0 = [1]\n")
        .starts_with("init.w0: u0 has 2 entries but w0 has 1"));
    assert!(err("[data]\nexy = 1\n[init]\nu0 = []\nw0 = []\n")
        .starts_with("init.u0: width must be at least 1"));
    assert!(
        err("[data]\nexy = 1\n[init]\nu0 = [1, \"x\"]\nw0 = [1, 2]\n")
            .starts_with("init.u0[1]: malformed")
    );
    assert!(err(
        "[data]\nexy = 1\n[init]\nkind = \"gaussian\"\nwidth = 0\nsigma_u = 1\nsigma_w = 1\n"
    )
    .starts_with("init.width: width must be at least 1"));
    assert!(err(
        "[data]\nexy = 1\n[init]\nkind = \"gaussian\"\nwidth = 1000001\nsigma_u = 1\nsigma_w = 1\n"
    )
    .starts_with("init.width: width 1000001 exceeds"));
    assert!(
        err("[data]\nexy = 1\n[init]\nwidth = 3\nsigma_u = -1\nsigma_w = 1\n")
            .starts_with("init.sigma_u: must be >= 0")
    );
    assert!(err("[data]\nexy = 1\n[init]\nwidth = 3\nsigma_u = 1\n")
        .starts_with("init.sigma_w: missing"));
    assert!(err("[data]\nexy = 1\n").starts_with("init: missing"));
    assert!(err("[init]\nu0 = [1]\nw0 = [1]\n").starts_with("data.exy: missing"));
    assert!(err("[model]\nbogus = 1\n").starts_with("model.bogus: unknown key"));
    assert!(err("[modle]\ngamma = 1\n").starts_with("modle: unknown key"));
    assert!(err("[model\n").starts_with("t: not valid TOML"));
    assert!(
        err("[data]\nexy = 1\n[init]\nwidth = -3\nsigma_u = 1\nsigma_w = 1\n")
            .starts_with("init.width: expected a non-negative integer")
    );
    assert!(
        err("[data]\nexy = 1\n[init]\nu0 = [1]\nw0 = [1]\nwidth = 1\n")
            .starts_with("init: width, sigma_u")
    );
}

#[test]
fn layers_override_field_by_field() {
    let file = parse_toml(CLI_EXAMPLE, "t").unwrap();
    let flags = ScenarioSpec {
        gamma: Some(q("2")),
        ..Default::default()
    };
    let s = file.clone().overlay(&flags).validate().unwrap();
    assert_eq!(s.gamma, q("2"));
    assert_eq!(s.eta_u, q("0.7"));
    // A gaussian flag layer replaces the explicit init below it.
    let g = ScenarioSpec {
        init: InitSpec {
            kind: Some(InitKind::Gaussian),
            width: Some(5),
            sigma_u: Some(q("1")),
            sigma_w: Some(q("1")),
            ..Default::default()
        },
        ..Default::default()
    };
    let s = file.overlay(&g).validate().unwrap();
    assert_eq!(s.width(), 5);
}

#[test]
fn gaussian_sums_match_the_weights() {
    let spec = ScenarioSpec {
        exy: Some(q("1")),
        init: InitSpec {
            width: Some(7),
            sigma_u: Some(q("0.3")),
            sigma_w: Some(q("1/7")),
            seed: Some(3),
            ..Default::default()
        },
        ..Default::default()
    };
    let s = spec.validate().unwrap();
    let (u, w) = s.initial_weights();
    let dot = |a: &[Q], b: &[Q]| -> Q { a.iter().zip(b).map(|(x, y)| x * y).sum() };
    assert_eq!(s.initial_sums(), (dot(&u, &u), dot(&w, &w), dot(&u, &w)));
}

#[test]
fn sha256_fingerprints_the_exact_problem() {
    let a = parse_toml(CLI_EXAMPLE, "t").unwrap().validate().unwrap();
    let respelled = CLI_EXAMPLE
        .replace("\"0.9\"", "\"9/10\"")
        .replace("\"0.7\"", "\"7e-1\"");
    let b = parse_toml(&respelled, "t").unwrap().validate().unwrap();
    assert_eq!(a.sha256(), b.sha256());
    assert_eq!(a.sha256().len(), 64);
    let changed = CLI_EXAMPLE.replace("\"0.3\"", "\"0.30000001\"");
    let c = parse_toml(&changed, "t").unwrap().validate().unwrap();
    assert_ne!(a.sha256(), c.sha256());
}

#[test]
fn errors_carry_a_typed_field_path() {
    let e = parse_toml("[init]\nu0 = [1, \"x\"]\n", "t").unwrap_err();
    assert_eq!(e.field(), Some(FieldPath::entry(Field::U0, 1)));
    assert_eq!(e.field().unwrap().to_string(), "init.u0[1]");
    assert!(e.detail().starts_with("malformed"), "{}", e.detail());
    let e = ScenarioSpec::default().validate().unwrap_err();
    assert_eq!(e.field(), Some(Field::Exy.into()));
    let e = crate::presets::preset("nope").unwrap_err();
    assert_eq!(e.field(), Some(Field::Preset.into()));
    let e = parse_toml("[model]\nbogus = 1\n", "t").unwrap_err();
    assert_eq!(e.field(), Some(Field::Unknown("model.bogus".into()).into()));
    // A known key in the wrong section is unknown there.
    let e = parse_toml("[data]\ngamma = 1\n", "t").unwrap_err();
    assert_eq!(e.field().unwrap().to_string(), "data.gamma");
    for f in Field::KNOWN {
        assert_eq!(Field::from_path(f.path()), f);
    }
}

#[test]
fn library_messages_name_no_command_line_flag() {
    let cases = [
        "",
        "[data]\nexy = 1\n",
        "[data]\nexy = 1\n[init]\nkind = \"gaussian\"\n",
        "[data]\nexy = 1\n[init]\nwidth = 3\n",
        "[data]\nexy = 1\n[init]\nu0 = [1]\n",
    ];
    for t in cases {
        let e = err(t);
        assert!(!e.contains("--"), "{e}");
    }
    let e = crate::presets::preset("nope").unwrap_err().to_string();
    assert!(e.starts_with("preset: unknown preset \"nope\""), "{e}");
    assert!(!e.contains("--"), "{e}");
}

#[test]
fn toml_errors_on_non_ascii_text_give_the_line_and_never_panic() {
    // The line is counted on bytes: any offset, even inside a character, is safe.
    let text = "a\n€é\n😀";
    for at in 0..=text.len() + 3 {
        let _ = toml::line_of(text, at);
    }
    assert_eq!(toml::line_of(text, 3), 2); // inside '€'
    assert_eq!(toml::line_of(text, 9), 3); // inside '😀'
    let cases = [
        ("[modél\n", 1),
        ("[model]\ngamma = é\n", 2),
        ("\u{feff}[model]\ngamma = 1\n[data]\nexy = \"€\n", 4),
        ("[data]\n# commentaire: é€😀\nexy = 1\n[init\n", 4),
        ("名前 = 1\n", 1),
    ];
    for (t, line) in cases {
        let e = err(t);
        assert!(e.starts_with("t: not valid TOML: line "), "{e}");
        assert!(e.contains(&format!("line {line}:")), "{t:?}: {e}");
    }
    // Non-ASCII inside a value is a field error, not a panic.
    assert!(err("[data]\nexy = \"1é\"\n").starts_with("data.exy: malformed"));
    assert!(err("[data]\nexy = \"−1\"\n").starts_with("data.exy: malformed")); // U+2212
    assert!(err("[\"modèle\"]\ngamma = 1\n").starts_with("modèle: unknown key"));
    assert!(err("name = \"é\"\n[data]\nexy = \"0.5€\"\n").starts_with("data.exy"));
}

#[test]
fn explicit_weights_beyond_the_exact_size_limits_are_refused_naming_the_field() {
    use crate::sums::{MAX_EXACT_BITS, MAX_INPUT_BITS};
    let spec = |u0: Vec<Q>, w0: Vec<Q>| ScenarioSpec {
        exy: Some(q("1")),
        init: InitSpec {
            u0: Some(u0),
            w0: Some(w0),
            ..Default::default()
        },
        ..Default::default()
    };
    // 3^-90000 has 142,647 bits: its square is beyond MAX_EXACT_BITS.
    let big = Q::new(
        1.into(),
        num_traits::pow(num_bigint::BigInt::from(3), 90_000),
    );
    let e = spec(vec![big.clone(), q("1")], vec![q("0"), q("1")])
        .validate()
        .unwrap_err();
    assert_eq!(e.field(), Some(Field::U0.into()));
    assert!(e.to_string().contains("|u0|^2 is a rational of"), "{e}");
    assert!(e.to_string().contains(&MAX_EXACT_BITS.to_string()), "{e}");
    let e = spec(vec![q("1"), q("0")], vec![q("1"), big.clone()])
        .validate()
        .unwrap_err();
    assert_eq!(e.field(), Some(Field::W0.into()));
    // The entries' total size is refused before any sum is formed.
    let many = vec![big; 30];
    let e = spec(many.clone(), many).validate().unwrap_err();
    assert_eq!(e.field(), Some(Field::U0.into()));
    assert!(e.to_string().contains(&MAX_INPUT_BITS.to_string()), "{e}");
    // Within the limits: harmonic weights of width 10^4 (|u0|^2 of 57,753 bits).
    let h: Vec<Q> = (1..=10_000u32)
        .map(|k| Q::new(1.into(), k.into()))
        .collect();
    assert!(spec(h.clone(), h).validate().is_ok());
}
