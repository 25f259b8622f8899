//! The binary's errors and their exit codes (docs/cli.md, "Exit status").

use exactflow_core::ScenarioError;
use thiserror::Error;

/// Everything that stops a command. [`CliError::CheckFailed`] maps to exit status 1; every
/// other variant to 2 (usage or input error; an output error leaves nothing partial behind).
#[derive(Debug, Error)]
pub enum CliError {
    /// Invalid scenario input (names the field).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A flag with a bad value (names the flag).
    #[error("{flag}: {message}")]
    Usage {
        /// The flag.
        flag: String,
        /// What is wrong.
        message: String,
    },
    /// Writing the output failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being written.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// `check` ran and at least one check failed (the report is already printed).
    #[error("check failed: {}", .0.join(", "))]
    CheckFailed(Vec<String>),
    /// A requested cell the engine cannot represent (exit 2, nothing written): names the
    /// column, the time and what would serve it.
    #[error("{column} at t = {time}: {message}")]
    Unrepresentable {
        /// The column.
        column: String,
        /// The time point, as given.
        time: String,
        /// Why, and what to do instead.
        message: String,
    },
    /// `compare` or `certify` ran and found a disagreement (the report is already
    /// printed; this names it).
    #[error("{what} failed: {details}")]
    Failed {
        /// The command.
        what: String,
        /// What disagreed, and by how much.
        details: String,
    },
}

impl CliError {
    /// Shorthand for a usage error.
    pub fn usage(flag: &str, message: impl Into<String>) -> Self {
        CliError::Usage {
            flag: flag.to_string(),
            message: message.into(),
        }
    }

    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::CheckFailed(_) | CliError::Failed { .. } => 1,
            _ => 2,
        }
    }
}
