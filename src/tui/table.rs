//! The dashboard's tables without drawing: their columns, sort orders
//! (`s`, `S`, `:sort COLUMN`, a click on a header), the `/` row filter (a
//! case-insensitive regular expression, `!` for the inverse, as in k9s)
//! and column widths fitted to the rows on screen.

use crate::model::{JobSnapshot, JobState, NodeSnapshot, PlacedBy};
use crate::source::LogLine;
use regex::{Regex, RegexBuilder};
use std::cmp::Ordering;

/// A sortable column of one of the tables.
pub trait Column: Copy + Eq + std::fmt::Debug + 'static {
    /// Every column, in the table's order (narrow terminals hide some).
    const ALL: &'static [Self];
    /// The order a table starts with, and `:sort` alone restores.
    const DEFAULT: Option<Sort<Self>>;
    /// The `:sort` name: the header in lowercase (`slack`, `placed-by`).
    fn name(self) -> &'static str;
    /// Other names `:sort` accepts.
    fn aliases(self) -> &'static [&'static str] {
        &[]
    }
    /// The column's place in [`Column::ALL`].
    fn index(self) -> usize {
        Self::ALL.iter().position(|&c| c == self).unwrap_or(0)
    }
}

/// A table's order: by a column, ascending (`↑`, smallest first) or
/// descending (`↓`). Rows without a value (`-`) come last either way; ties
/// keep the table's default order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort<C> {
    pub column: C,
    pub descending: bool,
}

impl<C: Column> Sort<C> {
    pub fn ascending(column: C) -> Sort<C> {
        Sort {
            column,
            descending: false,
        }
    }

    /// `↑` or `↓`, appended to the sorted column's header.
    pub fn arrow(self) -> &'static str {
        if self.descending { "↓" } else { "↑" }
    }

    /// `slack↑`, for titles and notes.
    pub fn label(self) -> String {
        format!("{}{}", self.column.name(), self.arrow())
    }
}

/// The order after `s`: the next column (ascending) among those on
/// screen (`shown`; every column when empty), wrapping after the last.
pub fn next_column<C: Column>(current: Option<Sort<C>>, shown: &[C]) -> Option<Sort<C>> {
    let columns = if shown.is_empty() { C::ALL } else { shown };
    let next = match current.and_then(|s| columns.iter().position(|&c| c == s.column)) {
        Some(i) => columns[(i + 1) % columns.len()],
        None => *columns.first()?,
    };
    Some(Sort::ascending(next))
}

/// The order after `S`: the same column the other way (a table in its
/// source order sorts by its first column, descending).
pub fn reversed<C: Column>(current: Option<Sort<C>>) -> Option<Sort<C>> {
    match current {
        Some(s) => Some(Sort {
            descending: !s.descending,
            ..s
        }),
        None => C::ALL.first().map(|&column| Sort {
            column,
            descending: true,
        }),
    }
}

/// The order after a click on a column's header: that column ascending,
/// or the other way if it is already the sort column.
pub fn clicked<C: Column>(current: Option<Sort<C>>, column: C) -> Option<Sort<C>> {
    match current {
        Some(s) if s.column == column => reversed(current),
        _ => Some(Sort::ascending(column)),
    }
}

/// Parses the argument of `:sort`: `COLUMN`, `COLUMN asc|desc` or
/// `-COLUMN` (descending); nothing restores the default order.
pub fn parse_sort<C: Column>(arg: &str) -> Result<Option<Sort<C>>, String> {
    let words: Vec<&str> = arg.split_whitespace().collect();
    let (name, direction) = match words.as_slice() {
        [] => return Ok(C::DEFAULT),
        [name] => (*name, None),
        [name, direction] => (*name, Some(*direction)),
        _ => return Err(format!("sort: too many words in `{arg}`; {}", usage::<C>())),
    };
    let (name, minus) = match name.strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (name, false),
    };
    let name = name.to_ascii_lowercase();
    let Some(column) = C::ALL
        .iter()
        .copied()
        .find(|c| c.name() == name || c.aliases().contains(&name.as_str()))
    else {
        return Err(format!("sort: no column `{name}`; {}", usage::<C>()));
    };
    let descending = match direction.map(str::to_ascii_lowercase).as_deref() {
        None => minus,
        Some("asc" | "ascending") if !minus => false,
        Some("desc" | "descending") if !minus => true,
        Some(other) => {
            return Err(format!(
                "sort: `{other}` after `{}`; {}",
                words[0],
                usage::<C>()
            ));
        }
    };
    Ok(Some(Sort { column, descending }))
}

/// What the operator asked of a table's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortChange<'a> {
    /// `s`: the next column on screen.
    Next,
    /// `S`: the other direction.
    Reverse,
    /// A click on a header: the column by its index in [`Column::ALL`].
    Clicked(usize),
    /// `:sort ARG`.
    Command(&'a str),
}

/// Applies a change to a table's order; `shown` are the indices of the
/// columns on screen (empty: all). An error is for the status line.
pub fn change<C: Column>(
    sort: &mut Option<Sort<C>>,
    change: SortChange,
    shown: &[usize],
) -> Result<(), String> {
    *sort = match change {
        SortChange::Next => {
            let shown: Vec<C> = shown
                .iter()
                .filter_map(|&i| C::ALL.get(i).copied())
                .collect();
            next_column(*sort, &shown)
        }
        SortChange::Reverse => reversed(*sort),
        SortChange::Clicked(i) => match C::ALL.get(i) {
            Some(&column) => clicked(*sort, column),
            None => *sort,
        },
        SortChange::Command(arg) => parse_sort(arg)?,
    };
    Ok(())
}

fn usage<C: Column>() -> String {
    format!(
        "usage: sort COLUMN [asc|desc] or sort -COLUMN, with COLUMN one of {}",
        column_names::<C>().join(", ")
    )
}

/// The `:sort` names of a table's columns, for completion and errors.
pub fn column_names<C: Column>() -> Vec<&'static str> {
    C::ALL.iter().map(|c| c.name()).collect()
}

/// Columns of the jobs table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobColumn {
    Job,
    Model,
    Queries,
    State,
    Node,
    Config,
    Qos,
    Latency,
    Slack,
    PlacedBy,
}

impl Column for JobColumn {
    const ALL: &'static [JobColumn] = &[
        JobColumn::Job,
        JobColumn::Model,
        JobColumn::Queries,
        JobColumn::State,
        JobColumn::Node,
        JobColumn::Config,
        JobColumn::Qos,
        JobColumn::Latency,
        JobColumn::Slack,
        JobColumn::PlacedBy,
    ];
    /// Urgency: pending and running jobs by slack, least first.
    const DEFAULT: Option<Sort<JobColumn>> = Some(Sort {
        column: JobColumn::Slack,
        descending: false,
    });

    fn name(self) -> &'static str {
        match self {
            JobColumn::Job => "job",
            JobColumn::Model => "model",
            JobColumn::Queries => "queries",
            JobColumn::State => "state",
            JobColumn::Node => "node",
            JobColumn::Config => "config",
            JobColumn::Qos => "qos",
            JobColumn::Latency => "latency",
            JobColumn::Slack => "slack",
            JobColumn::PlacedBy => "placed-by",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            JobColumn::Job => &["name"],
            JobColumn::Node => &["arch"],
            JobColumn::PlacedBy => &["by"],
            _ => &[],
        }
    }
}

/// Columns of the nodes table (`used` only when the cluster serves metrics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeColumn {
    Node,
    Arch,
    Tier,
    Cores,
    Gpus,
    Memory,
    Jobs,
    Used,
}

impl Column for NodeColumn {
    const ALL: &'static [NodeColumn] = &[
        NodeColumn::Node,
        NodeColumn::Arch,
        NodeColumn::Tier,
        NodeColumn::Cores,
        NodeColumn::Gpus,
        NodeColumn::Memory,
        NodeColumn::Jobs,
        NodeColumn::Used,
    ];
    /// As the source lists them.
    const DEFAULT: Option<Sort<NodeColumn>> = None;

    fn name(self) -> &'static str {
        match self {
            NodeColumn::Node => "node",
            NodeColumn::Arch => "arch",
            NodeColumn::Tier => "tier",
            NodeColumn::Cores => "cores",
            NodeColumn::Gpus => "gpus",
            NodeColumn::Memory => "memory",
            NodeColumn::Jobs => "jobs",
            NodeColumn::Used => "used",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            NodeColumn::Node => &["name"],
            NodeColumn::Memory => &["mem"],
            _ => &[],
        }
    }
}

/// Columns of the decisions log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogColumn {
    Time,
    Job,
    Choice,
    By,
    Reason,
}

impl Column for LogColumn {
    const ALL: &'static [LogColumn] = &[
        LogColumn::Time,
        LogColumn::Job,
        LogColumn::Choice,
        LogColumn::By,
        LogColumn::Reason,
    ];
    /// Newest first.
    const DEFAULT: Option<Sort<LogColumn>> = Some(Sort {
        column: LogColumn::Time,
        descending: true,
    });

    fn name(self) -> &'static str {
        match self {
            LogColumn::Time => "time",
            LogColumn::Job => "job",
            LogColumn::Choice => "choice",
            LogColumn::By => "by",
            LogColumn::Reason => "reason",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            LogColumn::By => &["placed-by"],
            _ => &[],
        }
    }
}

/// What a row holds in a column, compared within that column.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Key<'a> {
    Text(&'a str),
    Number(f64),
    /// Engine and threads.
    Config(&'a str, u32),
}

impl Key<'_> {
    fn cmp(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            (Key::Number(a), Key::Number(b)) => a.total_cmp(b),
            (Key::Config(a, x), Key::Config(b, y)) => a.cmp(b).then(x.cmp(y)),
            // One column never mixes kinds.
            _ => Ordering::Equal,
        }
    }
}

/// Values first (in the given direction), rows without one last.
fn by_key(a: Option<Key>, b: Option<Key>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => {
            let o = a.cmp(&b);
            if descending { o.reverse() } else { o }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn placed_by_name(p: &PlacedBy) -> &str {
    match p {
        PlacedBy::Policy(name) => name,
        PlacedBy::Override => "override",
    }
}

fn state_name(s: JobState) -> &'static str {
    match s {
        JobState::Future => "future",
        JobState::Pending => "pending",
        JobState::Running => "running",
        JobState::Done => "done",
    }
}

fn job_key(j: &JobSnapshot, c: JobColumn) -> Option<Key<'_>> {
    Some(match c {
        JobColumn::Job => Key::Text(&j.name),
        JobColumn::Model => Key::Text(&j.model),
        JobColumn::Queries => Key::Number(j.queries as f64),
        JobColumn::State => Key::Number(f64::from(j.state as u8)),
        JobColumn::Node => Key::Text(j.node.as_deref()?),
        JobColumn::Config => Key::Config(j.engine.as_deref()?, j.threads?),
        JobColumn::Qos => Key::Number(j.qos_ms),
        JobColumn::Latency => Key::Number(j.latency_ms?),
        JobColumn::Slack => Key::Number(j.slack_ms?),
        JobColumn::PlacedBy => Key::Text(placed_by_name(j.placed_by.as_ref()?)),
    })
}

/// The jobs' default order: pending and running jobs by slack (least
/// first; `descending` flips only this), then finished ones, newest first.
fn by_urgency(a: &JobSnapshot, b: &JobSnapshot, descending: bool) -> Ordering {
    let done = |j: &JobSnapshot| j.state == JobState::Done;
    done(a).cmp(&done(b)).then_with(|| {
        if done(a) {
            b.completion_ms
                .unwrap_or(0.0)
                .total_cmp(&a.completion_ms.unwrap_or(0.0))
        } else {
            by_key(
                job_key(a, JobColumn::Slack),
                job_key(b, JobColumn::Slack),
                descending,
            )
        }
        .then_with(|| a.name.cmp(&b.name))
    })
}

/// Sorts jobs. By slack, finished jobs follow the others in either
/// direction (their slack is settled); by any other column all rows mix,
/// ties in the default order.
pub fn sort_jobs(jobs: &mut [&JobSnapshot], sort: Option<Sort<JobColumn>>) {
    match sort {
        None => jobs.sort_by(|a, b| by_urgency(a, b, false)),
        Some(Sort {
            column: JobColumn::Slack,
            descending,
        }) => jobs.sort_by(|a, b| by_urgency(a, b, descending)),
        Some(Sort { column, descending }) => jobs.sort_by(|a, b| {
            by_key(job_key(a, column), job_key(b, column), descending)
                .then_with(|| by_urgency(a, b, false))
        }),
    }
}

/// Used over total, none without a total.
fn share(used: f64, total: f64) -> Option<Key<'static>> {
    (total > 0.0).then(|| Key::Number(used / total))
}

fn node_key(n: &NodeSnapshot, c: NodeColumn) -> Option<Key<'_>> {
    match c {
        NodeColumn::Node => Some(Key::Text(&n.name)),
        NodeColumn::Arch => Some(Key::Text(&n.arch)),
        NodeColumn::Tier => Some(Key::Number(f64::from(n.tier as u8))),
        NodeColumn::Cores => share(f64::from(n.cores_used), f64::from(n.cores)),
        NodeColumn::Gpus => share(f64::from(n.gpus_used), f64::from(n.gpus)),
        NodeColumn::Memory => share(n.memory_used_mib as f64, n.memory_mib as f64),
        NodeColumn::Jobs => Some(Key::Number(f64::from(n.jobs))),
        NodeColumn::Used => n.measured.map(|m| Key::Number(m.cpu_millis as f64)),
    }
}

/// Sorts nodes (stable: ties keep the source's order). Cores, GPUs and
/// memory sort by the share in use.
pub fn sort_nodes(nodes: &mut [&NodeSnapshot], sort: Option<Sort<NodeColumn>>) {
    if let Some(Sort { column, descending }) = sort {
        nodes.sort_by(|a, b| by_key(node_key(a, column), node_key(b, column), descending));
    }
}

fn log_key(l: &LogLine, c: LogColumn) -> Key<'_> {
    match c {
        LogColumn::Time => Key::Number(l.at_ms),
        LogColumn::Job => Key::Text(&l.job),
        LogColumn::Choice => Key::Text(&l.choice),
        LogColumn::By => Key::Text(&l.placed_by),
        LogColumn::Reason => Key::Text(&l.reason),
    }
}

/// Sorts decisions given newest first (stable: ties stay newest first).
pub fn sort_log(lines: &mut [&LogLine], sort: Option<Sort<LogColumn>>) {
    if let Some(Sort { column, descending }) = sort {
        lines.sort_by(|a, b| {
            by_key(
                Some(log_key(a, column)),
                Some(log_key(b, column)),
                descending,
            )
        });
    }
}

/// The `/` filter: a regular expression, case-insensitive (write `(?-i)`
/// for case), matched anywhere in any of a row's fields; a leading `!`
/// keeps the rows it does not match. Text that is not a valid regular
/// expression is matched literally, and [`Filter::error`] says why.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    text: String,
    regex: Option<Regex>,
    invert: bool,
    error: Option<String>,
}

impl Filter {
    /// Compiles the filter as typed (empty, or `!` alone, keeps every row).
    pub fn new(text: &str) -> Filter {
        let (invert, pattern) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let build = |p: &str| RegexBuilder::new(p).case_insensitive(true).build();
        let (regex, error) = if pattern.is_empty() {
            (None, None)
        } else {
            match build(pattern) {
                Ok(re) => (Some(re), None),
                Err(e) => (
                    // An escaped pattern always compiles.
                    build(&regex::escape(pattern)).ok(),
                    Some(regex_error(&e)),
                ),
            }
        };
        Filter {
            text: text.to_string(),
            regex,
            invert,
            error,
        }
    }

    /// The filter as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the filter keeps every row.
    pub fn is_empty(&self) -> bool {
        self.regex.is_none()
    }

    /// Why the text is matched literally (not a valid regular expression).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether a row with these fields is shown.
    pub fn keeps(&self, fields: &[&str]) -> bool {
        match &self.regex {
            None => true,
            Some(re) => fields.iter().any(|f| re.is_match(f)) != self.invert,
        }
    }

    /// Whether a job is shown: name, model, state, node, architecture,
    /// engine or who placed it.
    pub fn keeps_job(&self, j: &JobSnapshot) -> bool {
        self.is_empty()
            || self.keeps(&[
                &j.name,
                &j.model,
                state_name(j.state),
                j.node.as_deref().unwrap_or(""),
                j.arch.as_deref().unwrap_or(""),
                j.engine.as_deref().unwrap_or(""),
                j.placed_by.as_ref().map_or("", placed_by_name),
            ])
    }

    /// Whether a node is shown: name, architecture or tier.
    pub fn keeps_node(&self, n: &NodeSnapshot) -> bool {
        let tier = match n.tier {
            crate::model::Tier::Edge => "edge",
            crate::model::Tier::Cloud => "cloud",
        };
        self.is_empty() || self.keeps(&[&n.name, &n.arch, tier])
    }

    /// Whether a decision is shown: job, choice, who decided, or reason.
    pub fn keeps_log(&self, l: &LogLine) -> bool {
        self.is_empty() || self.keeps(&[&l.job, &l.choice, &l.placed_by, &l.reason])
    }
}

/// The one-line cause of a regex error (its `Display` draws the pattern
/// with a caret over several lines).
fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .unwrap_or_else(|| text.lines().last().unwrap_or("invalid"))
        .trim()
        .to_string()
}

/// How a column is sized: at least `min`, `want` when every column gets
/// what it wants (its content up to a cap), up to `max` when there is room
/// (all its content, or a longer gauge).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fit {
    pub min: u16,
    pub want: u16,
    pub max: u16,
}

impl Fit {
    /// A column that is as wide as its content, never more or less.
    pub fn exact(width: u16) -> Fit {
        Fit {
            min: width,
            want: width,
            max: width,
        }
    }

    /// A text column: its content, capped at `cap` while other columns
    /// need the room, never under `min` (nor its content, if shorter).
    pub fn text(content: u16, cap: u16, min: u16) -> Fit {
        Fit {
            min: min.min(content),
            want: content.min(cap),
            max: content,
        }
    }
}

/// What happens to room left once every column has its `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leftover {
    /// Spread evenly between the columns, so the table spans the width.
    Spread,
    /// Given to the last column (a free-text column such as a reason).
    Last,
}

/// Widths of columns sharing `available` cells with `spacing` between
/// them: each gets `want`; short of room, the widest shrink first (down
/// to `min`); with room to spare, columns grow in turn toward `max`, then
/// the rest is `leftover`. The result fills `available` unless even the
/// minimums do not fit.
pub fn fit_widths(columns: &[Fit], available: u16, spacing: u16, leftover: Leftover) -> Vec<u16> {
    let mut widths: Vec<u16> = columns.iter().map(|c| c.want.max(c.min)).collect();
    if widths.is_empty() {
        return widths;
    }
    let gaps = spacing.saturating_mul(widths.len() as u16 - 1);
    let total = |w: &[u16]| w.iter().map(|&x| u32::from(x)).sum::<u32>() + u32::from(gaps);
    let available32 = u32::from(available);
    let mut used = total(&widths);
    while used > available32 {
        // The widest column that may still shrink (the last of equals, so
        // the leftmost columns, the names, keep their room longest).
        let Some(i) = (0..widths.len())
            .filter(|&i| widths[i] > columns[i].min)
            .max_by_key(|&i| (widths[i], i))
        else {
            return widths;
        };
        widths[i] -= 1;
        used -= 1;
    }
    let mut extra = available32 - used;
    while extra > 0 {
        let mut grew = false;
        for (w, c) in widths.iter_mut().zip(columns) {
            if extra > 0 && *w < c.max {
                *w += 1;
                extra -= 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let n = widths.len();
    let extra = extra as u16;
    match leftover {
        Leftover::Last => widths[n - 1] += extra,
        Leftover::Spread if n == 1 => widths[0] += extra,
        Leftover::Spread => {
            // Into every column but the last, as room after its content.
            let each = extra / (n as u16 - 1);
            let rest = extra % (n as u16 - 1);
            for (i, w) in widths[..n - 1].iter_mut().enumerate() {
                *w += each + u16::from((i as u16) < rest);
            }
        }
    }
    widths
}

/// Display width of a cell's text (every character of the tables is one
/// cell wide).
pub fn width_of(text: &str) -> u16 {
    text.chars().count().min(u16::MAX as usize) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &str, state: JobState, slack: Option<f64>, done_at: Option<f64>) -> JobSnapshot {
        JobSnapshot {
            name: name.into(),
            model: format!("model-{name}"),
            state,
            arrival_ms: 0.0,
            qos_ms: 1000.0,
            queries: 1,
            node: None,
            arch: None,
            engine: None,
            threads: None,
            completion_ms: done_at,
            latency_ms: None,
            slack_ms: slack,
            placed_by: None,
            pin: None,
            run_time_ratio: None,
        }
    }

    fn names(jobs: &[&JobSnapshot]) -> Vec<String> {
        jobs.iter().map(|j| j.name.clone()).collect()
    }

    #[test]
    fn jobs_default_to_urgency_and_slack_keeps_finished_jobs_last() {
        let all = [
            job("old", JobState::Done, Some(5.0), Some(10.0)),
            job("loose", JobState::Running, Some(900.0), None),
            job("new", JobState::Done, Some(-1.0), Some(20.0)),
            job("tight", JobState::Pending, Some(-50.0), None),
            job("unknown", JobState::Pending, None, None),
        ];
        let mut jobs: Vec<&JobSnapshot> = all.iter().collect();
        sort_jobs(&mut jobs, JobColumn::DEFAULT);
        assert_eq!(names(&jobs), ["tight", "loose", "unknown", "new", "old"]);
        sort_jobs(&mut jobs, reversed(JobColumn::DEFAULT));
        assert_eq!(names(&jobs), ["loose", "tight", "unknown", "new", "old"]);
        // By state: future < pending < running < done; ties by urgency.
        sort_jobs(&mut jobs, Some(Sort::ascending(JobColumn::State)));
        assert_eq!(names(&jobs), ["tight", "unknown", "loose", "new", "old"]);
        // Missing values last in both directions.
        let by_latency_desc = Some(Sort {
            column: JobColumn::Latency,
            descending: true,
        });
        sort_jobs(&mut jobs, by_latency_desc);
        assert_eq!(names(&jobs), ["tight", "loose", "unknown", "new", "old"]);
        sort_jobs(&mut jobs, Some(Sort::ascending(JobColumn::Job)));
        assert_eq!(names(&jobs), ["loose", "new", "old", "tight", "unknown"]);
    }

    #[test]
    fn s_cycles_the_columns_on_screen_and_capital_s_flips() {
        let shown = [JobColumn::Job, JobColumn::State, JobColumn::Slack];
        let s = next_column(JobColumn::DEFAULT, &shown);
        assert_eq!(s, Some(Sort::ascending(JobColumn::Job)));
        let s = next_column(s, &shown);
        assert_eq!(s, Some(Sort::ascending(JobColumn::State)));
        let flipped = reversed(s).unwrap();
        assert_eq!(flipped.label(), "state↓");
        // A column no longer on screen starts over at the first.
        let s = next_column(Some(Sort::ascending(JobColumn::Qos)), &shown);
        assert_eq!(s, Some(Sort::ascending(JobColumn::Job)));
        // Nodes start in the source's order.
        assert_eq!(
            next_column::<NodeColumn>(None, &[]),
            Some(Sort::ascending(NodeColumn::Node))
        );
        assert_eq!(reversed::<NodeColumn>(None).unwrap().label(), "node↓");
        let c = clicked(JobColumn::DEFAULT, JobColumn::Slack).unwrap();
        assert_eq!(c.label(), "slack↓");
        let c = clicked(Some(c), JobColumn::Model).unwrap();
        assert_eq!(c.label(), "model↑");
    }

    #[test]
    fn sort_command_arguments() {
        let ok = |arg: &str| parse_sort::<JobColumn>(arg).map(|s| s.map(Sort::label));
        assert_eq!(ok("slack"), Ok(Some("slack↑".into())));
        assert_eq!(ok("SLACK desc"), Ok(Some("slack↓".into())));
        assert_eq!(ok("-latency"), Ok(Some("latency↓".into())));
        assert_eq!(ok("by asc"), Ok(Some("placed-by↑".into())));
        assert_eq!(ok(""), Ok(Some("slack↑".into())));
        assert_eq!(parse_sort::<NodeColumn>(""), Ok(None));
        let err = ok("colour").unwrap_err();
        assert!(err.contains("no column `colour`"), "{err}");
        assert!(err.contains("job, model, queries"), "{err}");
        assert!(ok("slack sideways").unwrap_err().contains("`sideways`"));
        assert!(ok("-slack asc").is_err());
        assert!(ok("slack asc now").is_err());
    }

    #[test]
    fn nodes_sort_by_share_in_use_and_log_keeps_newest_first_on_ties() {
        let node = |name: &str, used: u32, gpus: u32| NodeSnapshot {
            name: name.into(),
            arch: "a".into(),
            tier: crate::model::Tier::Edge,
            cores: 8,
            cores_used: used,
            gpus,
            gpus_used: 0,
            memory_mib: 1024,
            memory_used_mib: 0,
            jobs: 0,
            measured: None,
        };
        let all = [node("a", 2, 0), node("b", 8, 1), node("c", 4, 1)];
        let mut nodes: Vec<&NodeSnapshot> = all.iter().collect();
        let desc = |column| {
            Some(Sort {
                column,
                descending: true,
            })
        };
        sort_nodes(&mut nodes, desc(NodeColumn::Cores));
        let order: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(order, ["b", "c", "a"]);
        // No GPUs: last, both ways; equal shares keep the source's order.
        sort_nodes(&mut nodes, desc(NodeColumn::Gpus));
        let order: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(order, ["b", "c", "a"]);
        let line = |at_ms: f64, job: &str| LogLine {
            at_ms,
            job: job.into(),
            choice: String::new(),
            placed_by: String::new(),
            reason: String::new(),
        };
        let log = [line(3.0, "x"), line(2.0, "y"), line(1.0, "x")];
        let mut lines: Vec<&LogLine> = log.iter().collect();
        sort_log(&mut lines, Some(Sort::ascending(LogColumn::Job)));
        let order: Vec<f64> = lines.iter().map(|l| l.at_ms).collect();
        assert_eq!(order, [3.0, 1.0, 2.0]);
    }

    #[test]
    fn filter_is_a_case_insensitive_regex_with_inverse_and_literal_fallback() {
        let f = Filter::new("^JOB-0+6[0-4]$");
        assert!(f.keeps(&["job-000064"]) && !f.keeps(&["job-000065"]));
        assert!(f.error().is_none());
        let f = Filter::new("!done|pending");
        assert!(!f.keeps(&["job-1", "done"]) && f.keeps(&["job-1", "running"]));
        let f = Filter::new("job-(");
        let error = f.error().expect("invalid regex");
        assert!(error.contains("unclosed group"), "{error}");
        assert!(f.keeps(&["a job-(1)"]) && !f.keeps(&["job-1"]));
        for empty in ["", "!"] {
            let f = Filter::new(empty);
            assert!(f.is_empty() && f.keeps(&["anything"]), "{empty:?}");
        }
        assert!(!Filter::new("(?-i)Job").keeps(&["job"]));
    }

    #[test]
    fn widths_shrink_the_widest_grow_in_turn_and_fill_the_width() {
        let cols = [
            Fit::text(30, 20, 8),
            Fit::exact(5),
            Fit {
                min: 10,
                want: 12,
                max: 30,
            },
        ];
        // Wants: 20 + 5 + 12 + 2 gaps = 39.
        assert_eq!(fit_widths(&cols, 39, 1, Leftover::Spread), [20, 5, 12]);
        // Short of room: the widest shrinks first, never under min.
        assert_eq!(fit_widths(&cols, 33, 1, Leftover::Spread), [14, 5, 12]);
        assert_eq!(fit_widths(&cols, 20, 1, Leftover::Spread), [8, 5, 10]);
        // Room: growth in turn, up to max.
        assert_eq!(fit_widths(&cols, 45, 1, Leftover::Spread), [23, 5, 15]);
        // Beyond every max: spread after the columns, or to the last.
        let w = fit_widths(&cols, 80, 1, Leftover::Spread);
        assert_eq!(w, [37, 11, 30]);
        assert_eq!(w.iter().sum::<u16>() + 2, 80);
        assert_eq!(fit_widths(&cols, 80, 1, Leftover::Last), [30, 5, 43]);
        assert!(fit_widths(&[], 10, 1, Leftover::Spread).is_empty());
    }
}
