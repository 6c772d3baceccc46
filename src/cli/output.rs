//! Output formats shared by every command: kubectl-style tables (with
//! colour only on a terminal without NO_COLOR), JSON and YAML of the same
//! structs wrapped with `apiVersion`/`kind`.

use crate::error::{Error, Result};
use clap::ValueEnum;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
use serde::Serialize;
use std::io::{IsTerminal, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    /// A table with more columns.
    Wide,
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour stdout.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// A document with `apiVersion` and `kind`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<'a, T: Serialize> {
    pub api_version: &'static str,
    pub kind: &'a str,
    #[serde(flatten)]
    pub body: &'a T,
}

/// Prints `body` as JSON or YAML with `apiVersion`/`kind`.
pub fn print_document<T: Serialize>(format: OutputFormat, kind: &str, body: &T) -> Result<()> {
    let doc = Envelope {
        api_version: crate::fixture::raw::API_VERSION,
        kind,
        body,
    };
    let text = match format {
        OutputFormat::Json => serde_json::to_string_pretty(&doc)
            .map_err(|e| Error::Usage(format!("cannot serialize output: {e}")))?,
        OutputFormat::Yaml => serde_saphyr::to_string(&doc)
            .map_err(|e| Error::Usage(format!("cannot serialize output: {e}")))?,
        OutputFormat::Table | OutputFormat::Wide => {
            return Err(Error::Usage(
                "internal: table format passed to print_document".into(),
            ));
        }
    };
    write_stdout(text.trim_end())
}

/// Writes a line to stdout; a closed pipe (`| head`) is not an error.
pub fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|source| Error::Io {
            path: "<stdout>".into(),
            source,
        }),
    }
}

/// A kubectl-style table: no borders, upper-case headers.
pub fn table(headers: &[&str], color: bool) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_content_arrangement(ContentArrangement::Disabled);
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_header(headers.iter().map(|h| {
        let cell = Cell::new(h.to_uppercase());
        if color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    t
}

/// Prints a table, trimming the padding at line ends.
pub fn print_table(t: &Table) -> Result<()> {
    let text: Vec<String> = t.lines().map(|l| l.trim_end().to_string()).collect();
    // Tables are padded by one space on each side; drop the leading one.
    let text: Vec<&str> = text
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    write_stdout(&text.join("\n"))
}

/// A cell coloured by slack band: negative (red), tight (yellow), comfortable.
pub fn slack_cell(slack_ms: Option<f64>, qos_ms: f64, color: bool) -> Cell {
    let Some(s) = slack_ms else {
        return Cell::new("-");
    };
    let cell = Cell::new(crate::policy::fmt_ms(s));
    if !color {
        return cell;
    }
    if s < 0.0 {
        cell.fg(Color::Red)
    } else if s < 0.2 * qos_ms {
        cell.fg(Color::Yellow)
    } else {
        cell.fg(Color::Green)
    }
}

/// How a profile document is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocumentFormat {
    Yaml,
    Json,
}

/// A profile as the document a command writes: the emitted YAML with
/// `comments` above it, or the same document as JSON. What is written must
/// load as `profile` (`file` names it if not).
pub fn profile_document(
    profile: &crate::model::Profile,
    comments: &[String],
    file: &str,
    format: DocumentFormat,
) -> Result<String> {
    let yaml = crate::fixture::emit::profile_with_comments(profile, comments);
    if crate::fixture::profile_from_text(file, &yaml)? != *profile {
        return Err(Error::Internal(format!(
            "the profile written to {file} does not read back as it was made"
        )));
    }
    Ok(match format {
        DocumentFormat::Yaml => yaml,
        DocumentFormat::Json => {
            let value: serde_json::Value = serde_saphyr::from_str(&yaml)
                .map_err(|e| Error::Internal(format!("profile as JSON: {e}")))?;
            serde_json::to_string_pretty(&value)
                .map_err(|e| Error::Internal(format!("profile as JSON: {e}")))?
                + "\n"
        }
    })
}
