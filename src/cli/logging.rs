//! Logging for every command, through `tracing`: levels set by `-v`/`-vv`
//! or `RUST_LOG` (which wins), text or JSON lines (`--log-format`), to
//! stderr — except the dashboard's, which go to
//! `$XDG_STATE_HOME/synergai/tui.log` (never the screen), kept under
//! [`TUI_LOG_MAX`] by moving a full file to `tui.log.1` at start.

use clap::ValueEnum;
use std::path::Path;
use tracing_subscriber::EnvFilter;

/// The dashboard's log is rotated when it has grown past this at start.
pub const TUI_LOG_MAX: u64 = 8 * 1024 * 1024;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `2026-11-30T03:20:00.123Z  INFO synergai::k8s::scheduler: bound …`
    #[default]
    Text,
    /// One JSON object per line (timestamp, level, target, fields).
    Json,
}

/// Where log lines go.
pub enum Sink<'a> {
    Stderr,
    /// Appended to this file (created with its directory).
    File(&'a Path),
}

/// What is logged at each `-v` count when `RUST_LOG` is not set: synergai's
/// own lines at info; with `-v` its debug lines and kube-rs's diagnostics;
/// with `-vv` everything at debug and synergai's at trace.
fn default_filter(verbose: u8) -> &'static str {
    match verbose {
        0 => "warn,synergai=info",
        1 => "info,synergai=debug,kube_client=debug,kube_runtime=debug",
        _ => "debug,synergai=trace",
    }
}

/// Installs the process's log subscriber (once; later calls do nothing, so
/// tests and embedders may call it freely).
pub fn init(verbose: u8, format: LogFormat, sink: Sink<'_>) {
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => EnvFilter::new(spec),
        _ => EnvFilter::new(default_filter(verbose)),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let result = match sink {
        Sink::Stderr => {
            let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none();
            let builder = builder.with_writer(std::io::stderr).with_ansi(ansi);
            match format {
                LogFormat::Text => builder.try_init(),
                LogFormat::Json => builder.json().try_init(),
            }
        }
        Sink::File(path) => {
            let Some(file) = open_bounded(path) else {
                return; // no log rather than a dashboard that cannot start
            };
            let builder = builder
                .with_writer(std::sync::Mutex::new(file))
                .with_ansi(false);
            match format {
                LogFormat::Text => builder.try_init(),
                LogFormat::Json => builder.json().try_init(),
            }
        }
    };
    let _ = result; // already installed: keep the first
}

/// `path` opened for appending, after moving it to `PATH.1` if it has
/// outgrown [`TUI_LOG_MAX`].
fn open_bounded(path: &Path) -> Option<std::fs::File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).ok()?;
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() > TUI_LOG_MAX) {
        let mut old = path.as_os_str().to_owned();
        old.push(".1");
        let _ = std::fs::rename(path, old);
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_dashboard_log_is_moved_aside_at_start() {
        let dir = std::env::temp_dir().join(format!("synergai-log-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("tui.log");
        drop(open_bounded(&path).expect("created with its directory"));
        std::fs::write(&path, vec![b'x'; TUI_LOG_MAX as usize + 1]).unwrap();
        let file = open_bounded(&path).expect("reopened");
        assert_eq!(file.metadata().unwrap().len(), 0, "a fresh file");
        let old = std::fs::metadata(dir.join("tui.log.1")).unwrap();
        assert_eq!(old.len(), TUI_LOG_MAX + 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn verbosity_widens_the_default_filter() {
        assert_eq!(default_filter(0), "warn,synergai=info");
        assert!(default_filter(1).contains("kube_runtime=debug"));
        assert!(default_filter(5).contains("synergai=trace"));
    }
}
