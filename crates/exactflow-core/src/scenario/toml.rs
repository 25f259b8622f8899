//! Scenario TOML input (schema in docs/cli.md, "Scenario input").

use super::error::{Field, FieldPath, ScenarioError};
use super::spec::ScenarioSpec;
use super::{InitKind, Tie, MAX_WIDTH};
use crate::number::{parse_exact, Q};
use toml_edit::{DocumentMut, Item, TableLike, Value};

/// Reads a scenario file.
///
/// # Errors
/// [`ScenarioError::Io`] when unreadable, otherwise as [`parse_toml`].
pub fn read_toml_file(path: &std::path::Path) -> Result<ScenarioSpec, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut spec = parse_toml(&text, &path.display().to_string())?;
    // `[init] file` is relative to the scenario file.
    if let Some(f) = &spec.init.file {
        if f.is_relative() {
            let dir = path.parent().unwrap_or(std::path::Path::new(""));
            spec.init.file = Some(dir.join(f));
        }
    }
    if spec.name.is_none() {
        spec.name = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    }
    Ok(spec)
}

/// 1-based line of byte offset `at` in `text` (any offset: counted on bytes, so an
/// offset inside a multibyte character cannot panic).
pub(crate) fn line_of(text: &str, at: usize) -> usize {
    let end = at.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Parses scenario TOML text (schema in docs/cli.md). Numbers may be quoted strings or bare
/// TOML numbers; both are read exactly from their text. Unknown keys are errors.
///
/// # Errors
/// [`ScenarioError`] naming the field: TOML syntax (with the line), unknown keys, wrong
/// types, malformed or non-finite numbers.
pub fn parse_toml(text: &str, origin: &str) -> Result<ScenarioSpec, ScenarioError> {
    let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        let msg = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
        ScenarioError::Toml {
            origin: origin.to_string(),
            message: match e.span() {
                Some(r) => format!("line {}: {msg}", line_of(text, r.start)),
                None => msg,
            },
        }
    })?;
    let mut spec = ScenarioSpec::default();
    for (key, item) in doc.as_table().iter() {
        let section = match item {
            Item::Table(_) => item.as_table_like(),
            Item::Value(v) => v.as_inline_table().map(|t| t as &dyn TableLike),
            _ => None,
        };
        match key {
            "name" => {
                spec.name = Some(
                    item.as_str()
                        .ok_or_else(|| ScenarioError::invalid(Field::Name, "expected a string"))?
                        .to_string(),
                );
                continue;
            }
            "model" | "data" | "init" => {}
            other => {
                return Err(ScenarioError::invalid(
                    Field::Unknown(other.to_string()),
                    "unknown key (expected [model], [data], [init] or name)",
                ));
            }
        }
        let table = section
            .ok_or_else(|| ScenarioError::invalid(Field::from_path(key), "expected a table"))?;
        for (k, v) in table.iter() {
            read_key(&mut spec, key, k, v)?;
        }
    }
    Ok(spec)
}

/// Reads `section.key = v` into `spec`.
fn read_key(
    spec: &mut ScenarioSpec,
    section: &str,
    key: &str,
    v: &Item,
) -> Result<(), ScenarioError> {
    let field = Field::from_path(&format!("{section}.{key}"));
    match field {
        Field::Gamma => spec.gamma = Some(toml_number(field, v)?),
        Field::EtaU => spec.eta_u = Some(toml_number(field, v)?),
        Field::EtaW => spec.eta_w = Some(toml_number(field, v)?),
        Field::Exx => spec.exx = Some(toml_number(field, v)?),
        Field::Exy => spec.exy = Some(toml_number(field, v)?),
        Field::Eyy => spec.eyy = Some(toml_number(field, v)?),
        Field::U0 => spec.init.u0 = Some(toml_number_list(field, v)?),
        Field::W0 => spec.init.w0 = Some(toml_number_list(field, v)?),
        Field::SigmaU => spec.init.sigma_u = Some(toml_number(field, v)?),
        Field::SigmaW => spec.init.sigma_w = Some(toml_number(field, v)?),
        Field::Width => spec.init.width = Some(toml_u64(field, v)?),
        Field::Seed => spec.init.seed = Some(toml_u64(field, v)?),
        Field::InitFile => {
            let path = v
                .as_str()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| ScenarioError::invalid(field, "expected a path (a string)"))?;
            spec.init.file = Some(std::path::PathBuf::from(path));
        }
        Field::InitKind => {
            spec.init.kind = Some(match v.as_str() {
                Some("gaussian") => InitKind::Gaussian,
                Some("explicit") => InitKind::Explicit,
                _ => {
                    return Err(ScenarioError::invalid(
                        field,
                        "expected \"gaussian\" or \"explicit\"",
                    ))
                }
            })
        }
        Field::Tie => {
            spec.init.tie = Some(v.as_str().and_then(Tie::parse).ok_or_else(|| {
                ScenarioError::invalid(field, "expected \"none\", \"equal\" or \"opposite\"")
            })?)
        }
        // A known field in the wrong section (`data.gamma`) is as unknown as a typo.
        _ => {
            return Err(ScenarioError::invalid(
                Field::Unknown(format!("{section}.{key}")),
                "unknown key",
            ))
        }
    }
    Ok(())
}

const EXPECTED_NUMBER: &str =
    "expected a number (a string such as \"0.1\" or \"3/7\", or a bare number)";

fn toml_number(field: Field, item: &Item) -> Result<Q, ScenarioError> {
    match item.as_value() {
        Some(v) => value_number(field.into(), v),
        None => Err(ScenarioError::invalid(field, EXPECTED_NUMBER)),
    }
}

fn value_number(field: FieldPath, v: &Value) -> Result<Q, ScenarioError> {
    let num = |text: &str| {
        parse_exact(text).map_err(|source| ScenarioError::number(field.clone(), source))
    };
    match v {
        Value::String(s) => num(s.value()),
        Value::Integer(i) => Ok(Q::from_integer((*i.value()).into())),
        Value::Float(f) => {
            let raw = f.display_repr();
            num(raw.trim())
        }
        _ => Err(ScenarioError::invalid(field, EXPECTED_NUMBER)),
    }
}

fn toml_number_list(field: Field, item: &Item) -> Result<Vec<Q>, ScenarioError> {
    let arr = item
        .as_array()
        .ok_or_else(|| ScenarioError::invalid(field.clone(), "expected an array of numbers"))?;
    if arr.len() as u64 > MAX_WIDTH {
        return Err(ScenarioError::invalid(
            field,
            format!("width {} exceeds the limit of {MAX_WIDTH}", arr.len()),
        ));
    }
    arr.iter()
        .enumerate()
        .map(|(i, v)| value_number(FieldPath::entry(field.clone(), i), v))
        .collect()
}

fn toml_u64(field: Field, item: &Item) -> Result<u64, ScenarioError> {
    let bad = || ScenarioError::invalid(field.clone(), "expected a non-negative integer");
    match item.as_value() {
        Some(Value::Integer(i)) => u64::try_from(*i.value()).map_err(|_| bad()),
        Some(Value::String(s)) => s.value().trim().parse::<u64>().map_err(|_| bad()),
        _ => Err(bad()),
    }
}
