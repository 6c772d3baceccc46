//! Output formats shared by every command: kubectl-style tables (with
//! colour only on a terminal without NO_COLOR), JSON and YAML of the same
//! structs wrapped with `apiVersion`/`kind`, and for lists kubectl's other
//! habits: `-o name`, `-o jsonpath=`, `-o custom-columns=` (see
//! [`super::template`]) and `--no-headers`.

use super::template::{self, Column, JsonPathTemplate};
use crate::error::{Error, Result};
use clap::ValueEnum;
use clap::builder::{PossibleValue, TypedValueParser};
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// What `-o` asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputFormat {
    Table,
    /// A table with more columns.
    Wide,
    Json,
    Yaml,
    /// The name of each item, one per line.
    Name,
    /// A kubectl JSONPath template on the `-o json` document.
    JsonPath(JsonPathTemplate),
    /// A table of these columns, one row per item.
    CustomColumns(Vec<Column>),
}

impl OutputFormat {
    /// Parses what `-o` was given: a format's name, or kubectl's
    /// `jsonpath=TEMPLATE`, `jsonpath-file=FILE`, `custom-columns=SPEC`,
    /// `custom-columns-file=FILE`.
    pub fn parse(text: &str) -> std::result::Result<OutputFormat, String> {
        let read = |path: &str| {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))
        };
        Ok(match text {
            "table" => OutputFormat::Table,
            "wide" => OutputFormat::Wide,
            "json" => OutputFormat::Json,
            "yaml" => OutputFormat::Yaml,
            "name" => OutputFormat::Name,
            "jsonpath" | "jsonpath=" | "jsonpath-file" | "jsonpath-file=" => {
                return Err(
                    "jsonpath needs a template, e.g. -o jsonpath='{.scenarios[*].scenario}'".into(),
                );
            }
            "custom-columns"
            | "custom-columns="
            | "custom-columns-file"
            | "custom-columns-file=" => {
                return Err(
                    "custom-columns needs HEADER:PATH,..., e.g. -o custom-columns=JOB:.job,NODE:.node"
                        .into(),
                );
            }
            _ => {
                if let Some(t) = text.strip_prefix("jsonpath=") {
                    OutputFormat::JsonPath(JsonPathTemplate::parse(t)?)
                } else if let Some(path) = text.strip_prefix("jsonpath-file=") {
                    OutputFormat::JsonPath(JsonPathTemplate::parse(read(path)?.trim_end())?)
                } else if let Some(spec) = text.strip_prefix("custom-columns=") {
                    OutputFormat::CustomColumns(template::columns(spec)?)
                } else if let Some(path) = text.strip_prefix("custom-columns-file=") {
                    OutputFormat::CustomColumns(
                        template::columns_file(&read(path)?).map_err(|e| format!("{path}: {e}"))?,
                    )
                } else {
                    return Err(format!(
                        "unknown output format `{text}` (expected table, wide, json, yaml, name, \
                         jsonpath=TEMPLATE, jsonpath-file=FILE, custom-columns=SPEC or \
                         custom-columns-file=FILE)"
                    ));
                }
            }
        })
    }
}

/// `-o`'s values for clap: [`OutputFormat::parse`], with the names that
/// help and shell completions offer.
#[derive(Clone, Copy, Debug)]
pub struct OutputFormatParser;

impl TypedValueParser for OutputFormatParser {
    type Value = OutputFormat;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<OutputFormat, clap::Error> {
        let arg = arg.map_or_else(|| "--output <FORMAT>".to_string(), ToString::to_string);
        let invalid = |message: String| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!(
                    "invalid value '{}' for '{arg}': {message}\n",
                    value.to_string_lossy()
                ),
            )
            .with_cmd(cmd)
        };
        let text = value.to_str().ok_or_else(|| invalid("not UTF-8".into()))?;
        OutputFormat::parse(text).map_err(invalid)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            [
                PossibleValue::new("table"),
                PossibleValue::new("wide").help("A table with more columns"),
                PossibleValue::new("json"),
                PossibleValue::new("yaml"),
                PossibleValue::new("name").help("The name of each item, one per line"),
                PossibleValue::new("jsonpath=")
                    .help("jsonpath=TEMPLATE: kubectl's JSONPath template on the JSON document"),
                PossibleValue::new("jsonpath-file=")
                    .help("jsonpath-file=FILE: the template in a file"),
                PossibleValue::new("custom-columns=")
                    .help("custom-columns=HEADER:PATH,...: one row per item"),
                PossibleValue::new("custom-columns-file=")
                    .help("custom-columns-file=FILE: headers on a first line, paths on a second"),
            ]
            .into_iter(),
        ))
    }
}

/// `-o FORMAT` and `--no-headers`, on every command that prints a list.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Output format; a list's items are what `name` and `custom-columns`
    /// print one line for (see the README, "Output formats").
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT",
        value_parser = OutputFormatParser,
        default_value = "table"
    )]
    pub format: OutputFormat,
    /// Print tables (and custom columns) without their header row.
    #[arg(long)]
    pub no_headers: bool,
}

/// Whether tables print their header row: `--no-headers` is set once per
/// process, from the command line, as the colour choice is.
static HEADERS: AtomicBool = AtomicBool::new(true);

/// Tables print their header row, or not (`--no-headers`).
pub fn set_headers(headers: bool) {
    HEADERS.store(headers, Ordering::Relaxed);
}

/// A list a command prints: its document's kind, where the items are in
/// the document, and what names an item.
pub struct Listing {
    /// The document's `kind` (as `-o json` prints it).
    pub kind: &'static str,
    /// A JSON pointer to the array of items (`/decisions`): one line of
    /// `-o name` and one row of `-o custom-columns` each.
    pub items: &'static str,
    /// The fields of an item that make its name, joined with `/`
    /// (`["model", "arch"]` → `resnet50/rpi5`).
    pub name: &'static [&'static str],
}

impl OutputArgs {
    /// `Some(wide)` when the command prints its own table; `None` when
    /// [`OutputArgs::print_list`] prints the document.
    pub fn table(&self) -> Option<bool> {
        match self.format {
            OutputFormat::Table => Some(false),
            OutputFormat::Wide => Some(true),
            _ => None,
        }
    }

    /// Prints `body` as `listing` in any format but the tables.
    pub fn print_list<T: Serialize>(&self, listing: &Listing, body: &T) -> Result<()> {
        let document = || {
            serde_json::to_value(Envelope {
                api_version: crate::fixture::raw::API_VERSION,
                kind: listing.kind,
                body,
            })
            .map_err(|e| Error::Internal(format!("cannot serialize output: {e}")))
        };
        let items = |document: &serde_json::Value| -> Result<Vec<serde_json::Value>> {
            match document.pointer(listing.items) {
                Some(serde_json::Value::Array(items)) => Ok(items.clone()),
                _ => Err(Error::Internal(format!(
                    "no list at {} in the {} document",
                    listing.items, listing.kind
                ))),
            }
        };
        match &self.format {
            OutputFormat::Table | OutputFormat::Wide => {
                Err(Error::Internal("table format passed to print_list".into()))
            }
            OutputFormat::Json | OutputFormat::Yaml => {
                print_document(&self.format, listing.kind, body)
            }
            OutputFormat::Name => {
                let names: Vec<String> = items(&document()?)?
                    .iter()
                    .map(|item| name_of(item, listing.name))
                    .collect();
                if names.is_empty() {
                    return Ok(());
                }
                write_stdout(&names.join("\n"))
            }
            OutputFormat::JsonPath(template) => write_raw(&template.render(&document()?)),
            OutputFormat::CustomColumns(columns) => {
                let mut t = Table::new();
                t.load_style(presets::NOTHING);
                t.set_content_arrangement(ContentArrangement::Disabled);
                t.force_no_tty();
                if !self.no_headers {
                    t.set_header(columns.iter().map(|c| c.header.as_str()));
                }
                for item in items(&document()?)? {
                    t.add_row(columns.iter().map(|c| c.cell(&item)));
                }
                print_table(&t)
            }
        }
    }
}

/// An item's name: its `fields`, joined with `/`.
fn name_of(item: &serde_json::Value, fields: &[&str]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|f| match &item[*f] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "-".into(),
            other => other.to_string(),
        })
        .collect();
    parts.join("/")
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
pub fn print_document<T: Serialize>(format: &OutputFormat, kind: &str, body: &T) -> Result<()> {
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
        _ => {
            return Err(Error::Internal(format!(
                "{format:?} passed to print_document"
            )));
        }
    };
    write_stdout(text.trim_end())
}

/// A progress bar on stderr for long commands: `{pos}/{len} {what}`, the
/// rate, the message (what runs now), elapsed time and ETA. Drawn only when stderr
/// is a terminal (hidden otherwise, lines printed through it included).
pub fn progress_bar(total: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(&format!(
        "{{spinner}} [{{elapsed_precise}}] {{bar:30}} {{human_pos}}/{{human_len}} {what} ({{per_sec}}), ETA {{eta}}  {{wide_msg}}"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Writes a line to stdout; a closed pipe (`| head`) is not an error.
pub fn write_stdout(text: &str) -> Result<()> {
    write_raw(&format!("{text}\n"))
}

/// Writes `text` to stdout as it is (a JSONPath template's output ends
/// where the template does, as kubectl's); a closed pipe is not an error.
pub fn write_raw(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|source| Error::Io {
            path: "<stdout>".into(),
            source,
        }),
    }
}

/// A kubectl-style table: no borders, upper-case headers (none with
/// `--no-headers`).
pub fn table(headers: &[&str], color: bool) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_content_arrangement(ContentArrangement::Disabled);
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    if HEADERS.load(Ordering::Relaxed) {
        t.set_header(headers.iter().map(|h| {
            let cell = Cell::new(h.to_uppercase());
            if color {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }));
    }
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
    if text.is_empty() {
        // No rows, and no header row to show it (`--no-headers`).
        return Ok(());
    }
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
