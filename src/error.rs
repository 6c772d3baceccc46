//! The crate's error type and the documented process exit codes.

use std::path::PathBuf;

/// Process exit codes, documented in `synergai --help`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// Success.
    Ok = 0,
    /// The command failed (I/O, a job that does not exist, an internal
    /// error, …).
    Failure = 1,
    /// Usage error or invalid input (flags, fixtures, overrides).
    Usage = 2,
    /// The cluster is unreachable, or refuses our credentials or permissions.
    Unreachable = 3,
}

/// Where in a file a problem was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

/// Everything that can go wrong in synergai's core and CLI.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A fixture (profile, scenario, overrides, trace) is malformed or inconsistent.
    #[error("{}", render_invalid(file, position.as_ref(), field.as_deref(), message))]
    Invalid {
        file: String,
        position: Option<Position>,
        field: Option<String>,
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A flag or argument is invalid in a way clap cannot check.
    #[error("{0}")]
    Usage(String),
    /// A request refers to something that does not exist (an unknown job, …).
    #[error("{0}")]
    NotFound(String),
    /// The cluster cannot be reached (no kubeconfig, unknown context,
    /// connection refused, TLS or authentication failure).
    #[error("cluster unreachable: {0}")]
    Unreachable(String),
    /// The cluster answered but does not let us do what the command needs.
    #[error("permission denied: {0}")]
    Forbidden(String),
    /// The cluster answered but refused or failed a request.
    #[error("cluster: {0}")]
    Cluster(String),
    /// Not a failure: the command's answer is its exit code (`profile
    /// diff`: 1 when the profiles differ), and it has printed everything.
    #[error("")]
    Answer(ExitCode),
    /// The process could not set itself up (an async runtime, a thread, a
    /// signal handler): not the user's input, so not a usage error.
    #[error("internal error: {0}")]
    Internal(String),
}

fn render_invalid(
    file: &str,
    position: Option<&Position>,
    field: Option<&str>,
    message: &str,
) -> String {
    let mut out = String::from(file);
    if let Some(p) = position {
        out.push_str(&format!(":{}:{}", p.line, p.column));
    }
    out.push_str(": ");
    if let Some(f) = field {
        out.push_str(&format!("field `{f}`: "));
    }
    out.push_str(message);
    out
}

impl Error {
    /// The exit code this error maps to.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Invalid { .. } | Error::Usage(_) => ExitCode::Usage,
            Error::Io { .. } | Error::NotFound(_) | Error::Cluster(_) | Error::Internal(_) => {
                ExitCode::Failure
            }
            Error::Unreachable(_) | Error::Forbidden(_) => ExitCode::Unreachable,
            Error::Answer(code) => *code,
        }
    }

    pub(crate) fn invalid(
        file: impl Into<String>,
        position: Option<Position>,
        field: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Invalid {
            file: file.into(),
            position,
            field,
            message: message.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
