//! kubectl's output templates, `-o jsonpath=TEMPLATE` and `-o
//! custom-columns=HEADER:PATH,...`, evaluated on the document a command
//! prints with `-o json`. The paths are RFC 9535 JSONPath
//! (`serde_json_path`) written as kubectl writes them: `.a.b`, `[*]`,
//! `[0]`, `[1:3]`, `..name`, `['key']`, `[?(@.x == "y")]`, with `$` or `@`
//! optional at the start.
//!
//! A JSONPath template is literal text with `{...}` parts: `{PATH}`
//! prints every value the path finds, separated by spaces (strings as
//! they are, anything else as compact JSON); `{"TEXT"}` prints a quoted
//! string with `\n`, `\t`, `\"` and `\\` escapes; `{range PATH}...{end}`
//! prints what lies between once for each value found, with paths inside
//! relative to that value. A path that finds nothing prints nothing, as
//! kubectl with `--allow-missing-template-keys` (its default).

use serde_json::Value;
use serde_json_path::JsonPath;

/// A parsed `-o jsonpath=` template.
#[derive(Debug, Clone)]
pub struct JsonPathTemplate {
    source: String,
    nodes: Vec<Node>,
}

impl PartialEq for JsonPathTemplate {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Path(JsonPath),
    /// `{range PATH}`, its body, `{end}`.
    Range(JsonPath, Vec<Node>),
}

impl JsonPathTemplate {
    /// Parses a template; the error says what is wrong and where.
    pub fn parse(source: &str) -> Result<JsonPathTemplate, String> {
        // Open ranges: their path and the nodes before them.
        let mut open: Vec<(JsonPath, Vec<Node>)> = Vec::new();
        let mut nodes: Vec<Node> = Vec::new();
        let mut rest = source;
        while !rest.is_empty() {
            let Some(start) = rest.find('{') else {
                nodes.push(Node::Text(rest.to_string()));
                break;
            };
            if start > 0 {
                nodes.push(Node::Text(rest[..start].to_string()));
            }
            let inner_start = start + 1;
            let close = closing_brace(&rest[inner_start..]).ok_or_else(|| {
                format!(
                    "unclosed `{{` at character {} of the template",
                    source.len() - rest.len() + start + 1
                )
            })?;
            let inner = rest[inner_start..inner_start + close].trim();
            rest = &rest[inner_start + close + 1..];
            if inner == "end" {
                let (path, before) = open
                    .pop()
                    .ok_or("`{end}` without a `{range ...}` before it")?;
                let body = std::mem::replace(&mut nodes, before);
                nodes.push(Node::Range(path, body));
            } else if let Some(path) = inner.strip_prefix("range ") {
                open.push((path_of(path)?, std::mem::take(&mut nodes)));
            } else if inner.starts_with('"') {
                nodes.push(Node::Text(string_literal(inner)?));
            } else {
                nodes.push(Node::Path(path_of(inner)?));
            }
        }
        if !open.is_empty() {
            return Err("`{range ...}` without its `{end}`".into());
        }
        Ok(JsonPathTemplate {
            source: source.to_string(),
            nodes,
        })
    }

    /// The template applied to `document`.
    pub fn render(&self, document: &Value) -> String {
        let mut out = String::new();
        render(&self.nodes, document, &mut out);
        out
    }
}

fn render(nodes: &[Node], current: &Value, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Path(path) => {
                let values: Vec<String> =
                    path.query(current).all().into_iter().map(text_of).collect();
                out.push_str(&values.join(" "));
            }
            Node::Range(path, body) => {
                for value in path.query(current).all() {
                    render(body, value, out);
                }
            }
        }
    }
}

/// A value as a template prints it: a string as it is, anything else as
/// compact JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Where the `}` that closes a `{` is in `text` (which follows the `{`),
/// skipping quoted strings (a filter's `"}"`).
fn closing_brace(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '}' => return Some(i),
            None => {}
        }
    }
    None
}

/// `"TEXT"` with its escapes undone.
fn string_literal(quoted: &str) -> Result<String, String> {
    let body = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .filter(|_| quoted.len() >= 2)
        .ok_or_else(|| format!("unterminated string `{quoted}` in the template"))?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(c @ ('"' | '\\')) => out.push(c),
            Some(other) => {
                return Err(format!(
                    "unknown escape `\\{other}` in `{quoted}` (known: \\n, \\t, \\r, \\\", \\\\)"
                ));
            }
            None => return Err(format!("`{quoted}` ends with a lone `\\`")),
        }
    }
    Ok(out)
}

/// A path as kubectl writes it (`.a.b`, `$.a`, `@.a`, `{.a}` in custom
/// columns, `a.b`), as an RFC 9535 JSONPath.
pub fn path_of(written: &str) -> Result<JsonPath, String> {
    let trimmed = written.trim();
    let inner = trimmed
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(trimmed)
        .trim();
    if inner.is_empty() {
        return Err("empty JSONPath expression (expected e.g. .scenarios[*].scenario)".into());
    }
    let rfc = if let Some(rest) = inner.strip_prefix('@') {
        format!("${rest}")
    } else if inner.starts_with('$') {
        inner.to_string()
    } else if inner.starts_with('.') || inner.starts_with('[') {
        format!("${inner}")
    } else {
        format!("$.{inner}")
    };
    JsonPath::parse(&rfc).map_err(|e| format!("bad JSONPath `{inner}`: {e}"))
}

/// One column of `-o custom-columns`.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    source: String,
    path: JsonPath,
}

impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        self.header == other.header && self.source == other.source
    }
}

impl Column {
    /// The cell of an item: every value the path finds, joined with
    /// commas; `<none>` when it finds nothing (as kubectl).
    pub fn cell(&self, item: &Value) -> String {
        let values: Vec<String> = self
            .path
            .query(item)
            .all()
            .into_iter()
            .map(text_of)
            .collect();
        if values.is_empty() {
            "<none>".into()
        } else {
            values.join(",")
        }
    }
}

/// Parses `HEADER:PATH,HEADER:PATH,...` (kubectl's `custom-columns=`).
pub fn columns(spec: &str) -> Result<Vec<Column>, String> {
    if spec.trim().is_empty() {
        return Err(
            "custom-columns needs HEADER:PATH,... (e.g. custom-columns=JOB:.job,NODE:.node)".into(),
        );
    }
    spec.split(',')
        .map(|part| {
            let (header, path) = part.split_once(':').ok_or_else(|| {
                format!("custom-columns: `{part}` is not HEADER:PATH (e.g. JOB:.job)")
            })?;
            column(header, path)
        })
        .collect()
}

/// Parses a `custom-columns-file=`: headers on its first line, the paths
/// on its second, separated by whitespace (kubectl's format).
pub fn columns_file(text: &str) -> Result<Vec<Column>, String> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let (Some(headers), Some(paths)) = (lines.next(), lines.next()) else {
        return Err("a custom-columns file has two lines: the headers, then their paths".into());
    };
    if let Some(extra) = lines.next() {
        return Err(format!(
            "a custom-columns file has two lines (headers, paths); found a third: `{extra}`"
        ));
    }
    let headers: Vec<&str> = headers.split_whitespace().collect();
    let paths: Vec<&str> = paths.split_whitespace().collect();
    if headers.len() != paths.len() {
        return Err(format!(
            "a custom-columns file names {} header(s) and {} path(s)",
            headers.len(),
            paths.len()
        ));
    }
    headers
        .iter()
        .zip(&paths)
        .map(|(header, path)| column(header, path))
        .collect()
}

fn column(header: &str, path: &str) -> Result<Column, String> {
    if header.trim().is_empty() {
        return Err(format!(
            "custom-columns: the column of `{path}` has no header"
        ));
    }
    Ok(Column {
        header: header.trim().to_string(),
        source: path.trim().to_string(),
        path: path_of(path).map_err(|e| format!("custom-columns {header}: {e}"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "kind": "PlacementPlan",
            "decisions": [
                {"job": "job-1", "node": "pi-1", "slackMs": 12.5, "tags": ["a", "b"]},
                {"job": "job-2", "node": null, "slackMs": -3},
            ]
        })
    }

    fn render(template: &str) -> String {
        JsonPathTemplate::parse(template).unwrap().render(&doc())
    }

    #[test]
    fn templates_as_kubectl_writes_them() {
        assert_eq!(render("{.kind}"), "PlacementPlan");
        assert_eq!(render("{.decisions[*].job}"), "job-1 job-2");
        assert_eq!(render("{$.decisions[0].job}"), "job-1");
        assert_eq!(render("{.decisions[-1].slackMs}"), "-3");
        assert_eq!(
            render("jobs: {.decisions[*].job} ({.kind})"),
            "jobs: job-1 job-2 (PlacementPlan)"
        );
        assert_eq!(
            render(r#"{range .decisions[*]}{.job}{"\t"}{.slackMs}{"\n"}{end}"#),
            "job-1\t12.5\njob-2\t-3\n"
        );
        assert_eq!(render(r#"{.decisions[?(@.node == "pi-1")].job}"#), "job-1");
        assert_eq!(render("{.decisions[0].tags}"), r#"["a","b"]"#);
        assert_eq!(render("{.decisions[1].node}"), "null");
        assert_eq!(render("{..job}"), "job-1 job-2");
        assert_eq!(render("{.missing}"), "");
        assert_eq!(render("no braces"), "no braces");
        assert_eq!(
            render("{range .decisions[*]}[{range .tags[*]}{@}{end}]{end}"),
            "[ab][]"
        );
    }

    #[test]
    fn bad_templates_say_why() {
        let err = |t: &str| JsonPathTemplate::parse(t).unwrap_err();
        assert!(err("{.kind").contains("unclosed `{`"), "{}", err("{.kind"));
        assert!(err("{.a[}").contains("bad JSONPath"), "{}", err("{.a[}"));
        assert!(err("{end}").contains("without a `{range"));
        assert!(err("{range .a[*]}{.b}").contains("without its `{end}`"));
        assert!(err("{}").contains("empty JSONPath"));
        assert!(err(r#"{"\q"}"#).contains("unknown escape"));
    }

    #[test]
    fn custom_columns() {
        let d = doc();
        let items = d["decisions"].as_array().unwrap();
        let cols = columns("JOB:.job,NODE:{.node},TAGS:.tags[*],X:.nothing").unwrap();
        let cells: Vec<Vec<String>> = items
            .iter()
            .map(|i| cols.iter().map(|c| c.cell(i)).collect())
            .collect();
        assert_eq!(cells[0], ["job-1", "pi-1", "a,b", "<none>"]);
        assert_eq!(cells[1], ["job-2", "null", "<none>", "<none>"]);
        assert_eq!(cols[1].header, "NODE");
        assert!(columns("JOB").unwrap_err().contains("not HEADER:PATH"));
        assert!(columns("").unwrap_err().contains("HEADER:PATH"));
        assert!(
            columns("JOB:.a[")
                .unwrap_err()
                .contains("custom-columns JOB: bad JSONPath")
        );
        assert!(columns(":.job").unwrap_err().contains("no header"));
        let cols = columns_file("JOB   NODE\n.job  .node\n").unwrap();
        assert_eq!(cols.len(), 2);
        assert!(
            columns_file("JOB NODE\n.job\n")
                .unwrap_err()
                .contains("1 path")
        );
        assert!(columns_file("JOB\n").unwrap_err().contains("two lines"));
    }
}
