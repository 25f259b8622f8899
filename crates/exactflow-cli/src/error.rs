//! The binary's errors and their exit codes (CLI.md, "Exit status").

use exactflow_core::ScenarioError;
use thiserror::Error;

/// Everything that stops a command. Every variant maps to exit status 2 (usage or input
/// error; an output error leaves nothing partial behind).
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
        // Every error so far is a usage or input error; check/certify/compare failures
        // (exit 1) arrive with those commands.
        2
    }
}
