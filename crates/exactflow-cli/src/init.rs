//! `exactflow init`: the scenario's initial weights `u0`, `w0` as a table of float64
//! columns (NPZ by default), with the exact values of a layer whose entries are not
//! all doubles and the scenario's provenance in the metadata — the file a user's own
//! trainer starts from, and `--init-file` reads back (`exactflow_tables::weights`).

use crate::error::CliError;
use crate::output::{self, Format};
use crate::scenario_args::ScenarioArgs;
use clap::Args;
use exactflow_tables::weights::{write_weights, Weights};
use std::path::PathBuf;

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output file, written atomically: .npz (arrays u0, w0 and the metadata; the
    /// default format), .npy (shape (d, 2), no metadata: exact values that are not
    /// doubles are lost), .csv or .json.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Output format; default from --out's extension, else npz.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

/// Runs `init`.
///
/// # Errors
/// Usage and scenario errors (exit 2, nothing written), output errors.
pub fn run(args: &InitArgs) -> Result<(), CliError> {
    let format = match (
        args.format,
        exactflow_tables::write::Format::from_path(&args.out),
    ) {
        (None, None) => exactflow_tables::write::Format::Npz,
        _ => output::resolve_format(args.format, Some(&args.out))?,
    };
    let scenario = args.scenario.resolve()?;
    let (u0, w0) = scenario.initial_weights();
    let meta = exactflow_tables::provenance::provenance(&scenario, "init");
    let out = output::open(Some(&args.out))?;
    let (out, lossy) = write_weights(out, format, meta, &Weights { u0, w0 })?;
    out.commit()?;
    if lossy {
        eprintln!(
            "exactflow: warning: {} holds the nearest doubles of weights that are not doubles (a plain NPY has no room for their exact values: write .npz to keep them)",
            args.out.display()
        );
    }
    Ok(())
}
