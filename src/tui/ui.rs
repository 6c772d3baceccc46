//! Drawing: header, architectures panel, the main table (jobs, nodes,
//! architectures or decisions), the decisions log, the status line, and
//! the popups. Every colour comes from the theme; a monochrome theme marks
//! emphasis with modifiers instead.

use super::app::{App, Input, Pane, Popup};
use super::keymap::Action;
use super::mouse::{HitMap, TableHit};
use super::table::{self, Column, Fit, JobColumn, Leftover, LogColumn, NodeColumn, Sort};
use super::theme::Palette;
use crate::model::{JobSnapshot, JobState, PlacedBy};
use crate::policy::fmt_ms;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

mod charts;

/// Below this the layout cannot show its panels.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Slack band of a job: comfortable, tight (< 20% of its QoS) or negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    Ok,
    Tight,
    Negative,
}

pub fn band(slack_ms: f64, qos_ms: f64) -> Band {
    if slack_ms < 0.0 {
        Band::Negative
    } else if slack_ms < 0.2 * qos_ms {
        Band::Tight
    } else {
        Band::Ok
    }
}

struct Styles<'a> {
    p: &'a Palette,
    mono: bool,
}

impl Styles<'_> {
    fn of(app: &App) -> Styles<'_> {
        Styles {
            p: &app.theme.palette,
            mono: app.theme.is_monochrome(),
        }
    }
    fn fg(&self, c: ratatui::style::Color) -> Style {
        Style::new().fg(c)
    }
    fn base(&self) -> Style {
        Style::new().fg(self.p.fg).bg(self.p.bg)
    }
    fn muted(&self) -> Style {
        if self.mono {
            Style::new().add_modifier(Modifier::DIM)
        } else {
            self.fg(self.p.muted)
        }
    }
    fn header(&self) -> Style {
        let s = Style::new()
            .fg(self.p.header_fg)
            .bg(self.p.header_bg)
            .add_modifier(Modifier::BOLD);
        if self.mono {
            s.add_modifier(Modifier::UNDERLINED)
        } else {
            s
        }
    }
    fn selected(&self) -> Style {
        let s = Style::new().fg(self.p.selected_fg).bg(self.p.selected_bg);
        if self.mono {
            s.add_modifier(Modifier::REVERSED)
        } else {
            s
        }
    }
    fn accent(&self) -> Style {
        self.fg(self.p.accent).add_modifier(Modifier::BOLD)
    }
    fn badge(&self) -> Style {
        let s = Style::new()
            .fg(self.p.badge_fg)
            .bg(self.p.badge_bg)
            .add_modifier(Modifier::BOLD);
        if self.mono {
            s.add_modifier(Modifier::REVERSED)
        } else {
            s
        }
    }
    fn slack(&self, b: Band) -> Style {
        match b {
            Band::Ok => self.fg(self.p.slack_ok),
            Band::Tight => {
                let s = self.fg(self.p.slack_tight);
                if self.mono {
                    s.add_modifier(Modifier::BOLD)
                } else {
                    s
                }
            }
            Band::Negative => {
                let s = self.fg(self.p.slack_negative).add_modifier(Modifier::BOLD);
                if self.mono {
                    s.add_modifier(Modifier::REVERSED)
                } else {
                    s
                }
            }
        }
    }
    fn block(&self, title: &str, focused: bool) -> Block<'static> {
        let border = if focused {
            self.p.border_focused
        } else {
            self.p.border
        };
        Block::bordered()
            .border_style(self.fg(border))
            .title(Span::styled(
                format!(" {title} "),
                self.fg(self.p.title).add_modifier(Modifier::BOLD),
            ))
    }
}

/// Draws one chart of the architectures view over the whole frame.
pub fn draw_chart(frame: &mut Frame, app: &App, kind: super::app::ChartKind) {
    let st = Styles::of(app);
    frame.render_widget(Block::new().style(st.base()), frame.area());
    charts::draw_one(frame, app, &st, frame.area(), kind);
}

/// Draws the whole dashboard.
pub fn draw(frame: &mut Frame, app: &App) {
    draw_with_hits(frame, app);
}

/// Draws the whole dashboard; returns where the view tabs and the table
/// went, for the mouse.
pub fn draw_with_hits(frame: &mut Frame, app: &App) -> HitMap<Pane> {
    let area = frame.area();
    let st = Styles::of(app);
    frame.render_widget(Block::new().style(st.base()), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = vec![
            Line::from(Span::styled("terminal too small", st.accent())),
            Line::from(format!(
                "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
                area.width, area.height
            )),
            Line::from(Span::styled(
                "enlarge the window or press q to quit",
                st.muted(),
            )),
        ];
        let y = area.height.saturating_sub(3) / 2;
        let rect = Rect::new(area.x, area.y + y, area.width, area.height.min(3));
        frame.render_widget(
            Paragraph::new(text).centered().wrap(Wrap { trim: true }),
            rect,
        );
        return HitMap::default();
    }
    let archs = app.view.snapshot.archs.len() as u16;
    let arch_height = (archs + 3).min(area.height / 3).max(4);
    let log_height = if area.height >= 36 { 9 } else { 0 };
    let [header, arch_area, main, log_area, status] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(arch_height),
        Constraint::Min(5),
        Constraint::Length(log_height),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, app, &st, header);
    draw_archs(frame, app, &st, arch_area);
    let table = match app.pane {
        Pane::Jobs => Some(draw_jobs(frame, app, &st, main)),
        Pane::Nodes => Some(draw_nodes(frame, app, &st, main)),
        Pane::Archs => {
            charts::draw(frame, app, &st, main);
            None
        }
        Pane::Log => Some(draw_log(frame, app, &st, main, true)),
    };
    let tabs = draw_tabs(frame, app, &st, main);
    if log_height > 0 {
        draw_log(frame, app, &st, log_area, false);
    }
    draw_status(frame, app, &st, status);
    match &app.popup {
        Some(Popup::Help) => draw_help(frame, app, &st, area),
        Some(Popup::Detail { job }) => draw_detail(frame, app, &st, area, job),
        Some(Popup::Override(_)) => draw_picker(frame, app, &st, area),
        Some(Popup::Chart(kind)) => {
            let [chart, status] =
                Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
            frame.render_widget(Clear, chart);
            charts::draw_one(frame, app, &st, chart, *kind);
            draw_status(frame, app, &st, status);
        }
        None => {}
    }
    HitMap { tabs, table }
}

/// The view tabs, right-aligned on the top border of the main view's
/// block (`area`): ` 1 jobs `, ` 2 nodes `… with the key that opens each
/// view, or the keys alone when the view is narrow.
fn tab_labels(app: &App, area: Rect) -> Vec<(Pane, String)> {
    let full = area.width >= 72;
    Pane::ALL
        .iter()
        .map(|&pane| {
            let action = match pane {
                Pane::Jobs => Action::ViewJobs,
                Pane::Nodes => Action::ViewNodes,
                Pane::Archs => Action::ViewArchs,
                Pane::Log => Action::ViewLog,
            };
            let key = key_hint(app, action);
            let label = match (key.is_empty(), full) {
                (true, _) => format!(" {} ", pane.name()),
                (false, true) => format!(" {key} {} ", pane.name()),
                (false, false) => format!(" {key} "),
            };
            (pane, label)
        })
        .collect()
}

/// Where each tab goes: right-aligned on `area`'s top line, one cell of
/// border between tabs and before the corner; nothing if they do not fit.
pub fn tab_layout(area: Rect, widths: &[u16]) -> Vec<Rect> {
    let total: u16 = widths.iter().sum::<u16>() + widths.len().saturating_sub(1) as u16;
    if widths.is_empty() || total + 4 > area.width {
        return Vec::new();
    }
    let mut x = area.right() - 2 - total;
    widths
        .iter()
        .map(|&w| {
            let rect = Rect::new(x, area.y, w, 1);
            x += w + 1;
            rect
        })
        .collect()
}

fn draw_tabs(frame: &mut Frame, app: &App, st: &Styles, area: Rect) -> Vec<(Pane, Rect)> {
    let labels = tab_labels(app, area);
    let widths: Vec<u16> = labels.iter().map(|(_, l)| table::width_of(l)).collect();
    let rects = tab_layout(area, &widths);
    for ((pane, label), rect) in labels.iter().zip(&rects) {
        let style = if *pane == app.pane {
            st.selected().add_modifier(Modifier::BOLD)
        } else {
            st.muted()
        };
        frame.render_widget(Paragraph::new(Span::styled(label.clone(), style)), *rect);
    }
    labels.iter().map(|(p, _)| *p).zip(rects).collect()
}

fn draw_header(frame: &mut Frame, app: &App, st: &Styles, area: Rect) {
    let v = &app.view;
    let s = &v.snapshot;
    let mut first = vec![
        Span::styled(" synergai ", st.badge()),
        Span::raw(" "),
        Span::styled(v.source.clone(), st.fg(st.p.fg)),
        Span::raw("  "),
        Span::styled(format!("t={}", v.clock.show(v.clock.at_ms)), st.accent()),
        Span::styled(format!(" ×{}", v.clock.speed), st.muted()),
    ];
    let mut badges = Vec::new();
    if v.clock.paused {
        badges.push("PAUSED");
    }
    if v.clock.finished {
        badges.push("FINISHED");
    }
    if app.read_only {
        badges.push("READ-ONLY");
    }
    for b in badges {
        first.push(Span::raw(" "));
        first.push(Span::styled(format!(" {b} "), st.badge()));
    }
    let compact = area.width < 100;
    let label = |long: &'static str, short: &'static str| {
        Span::styled(if compact { short } else { long }, st.muted())
    };
    let mut second = vec![
        label(" policy ", " "),
        Span::styled(v.policy.clone(), st.accent()),
        label("  mode ", " "),
        Span::styled(if v.manual { "manual" } else { "auto" }, st.accent()),
        label("  nodes ", "  nodes "),
        Span::raw(s.nodes.len().to_string()),
        label("  pending ", "  pend "),
        Span::styled(s.pending.to_string(), st.fg(st.p.state_pending)),
        label("  running ", "  run "),
        Span::styled(s.running.to_string(), st.fg(st.p.state_running)),
        label("  done ", "  done "),
        Span::styled(
            format!("{}/{}", s.done, v.total_jobs),
            st.fg(st.p.state_done),
        ),
        label("  violations ", "  viol "),
        Span::styled(
            s.violations.to_string(),
            st.fg(if s.violations > 0 {
                st.p.warning
            } else {
                st.p.fg
            })
            .add_modifier(Modifier::BOLD),
        ),
    ];
    if let Some(w) = &v.what_if {
        second.push(Span::styled(
            format!(
                "  (what-if since {}: {} has {})",
                fmt_ms(w.since_ms),
                w.other_policy,
                w.other_violations
            ),
            st.fg(st.p.info),
        ));
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

/// `████░░░░ 50%`
fn bar(used: u64, total: u64, width: usize) -> (String, String, String) {
    if total == 0 {
        return (String::new(), "-".repeat(width.min(1)), String::new());
    }
    let filled = ((used as f64 / total as f64) * width as f64).round() as usize;
    let filled = filled.min(width);
    (
        "█".repeat(filled),
        "░".repeat(width - filled),
        format!(" {:>3}%", used * 100 / total),
    )
}

fn sparkline(values: &[u64], width: usize) -> String {
    const TICKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let start = values.len().saturating_sub(width);
    values[start..]
        .iter()
        .map(|&v| TICKS[((v.min(100) as usize) * 7 + 50) / 100])
        .collect()
}

fn gauge_cell<'a>(
    used: u64,
    total: u64,
    width: usize,
    color: Style,
    st: &Styles,
    counts: bool,
) -> Cell<'a> {
    if total == 0 {
        return Cell::from(Span::styled("-", st.muted()));
    }
    let (full, empty, pct) = bar(used, total, width);
    let text = if counts {
        format!("{pct} {used}/{total}")
    } else {
        pct
    };
    Cell::from(Line::from(vec![
        Span::styled(full, color),
        Span::styled(empty, st.fg(st.p.gauge_empty)),
        Span::raw(text),
    ]))
}

fn slack_cell<'a>(slack: Option<f64>, qos: f64, st: &Styles) -> Cell<'a> {
    match slack {
        Some(s) => Cell::from(Span::styled(fmt_ms(s), st.slack(band(s, qos)))),
        None => Cell::from(Span::styled("-", st.muted())),
    }
}

/// How far measured run times drift from the profile before the ratio is
/// flagged: within 10 % is fine, within 25 % tight, beyond that the profile
/// misleads the scheduler (recalibrate it).
pub fn drift_band(ratio: f64) -> Band {
    let off = (ratio - 1.0).abs();
    if off <= 0.10 {
        Band::Ok
    } else if off <= 0.25 {
        Band::Tight
    } else {
        Band::Negative
    }
}

fn drift_cell<'a>(ratio: Option<f64>, st: &Styles) -> Cell<'a> {
    match ratio {
        Some(r) => Cell::from(Span::styled(format!("{r:.2}×"), st.slack(drift_band(r)))),
        None => Cell::from(Span::styled("-", st.muted())),
    }
}

/// The architectures panel above every view: gauges, utilization history,
/// jobs and slack per architecture.
fn draw_archs(frame: &mut Frame, app: &App, st: &Styles, area: Rect) {
    let v = &app.view;
    // A live cluster's drift of the profile, once a job has finished there.
    let drift = v.snapshot.archs.iter().any(|a| a.run_time_ratio.is_some());
    let wide = area.width >= 120;
    let gauge_w = if wide { 12 } else { 6 };
    let spark_w = if wide { 30 } else { 10 };
    let rows: Vec<Row> = v
        .snapshot
        .archs
        .iter()
        .map(|a| {
            let hist = v.history.iter().find(|h| h.arch == a.arch);
            let mut cells = vec![
                Cell::from(Span::styled(
                    a.arch.clone(),
                    st.fg(st.p.fg).add_modifier(Modifier::BOLD),
                )),
                Cell::from(a.nodes.to_string()),
                gauge_cell(
                    a.cores_used,
                    a.cores,
                    gauge_w,
                    st.fg(st.p.gauge_cpu),
                    st,
                    wide,
                ),
                gauge_cell(
                    a.gpus_used,
                    a.gpus,
                    gauge_w.min(6),
                    st.fg(st.p.gauge_gpu),
                    st,
                    wide,
                ),
                Cell::from(Span::styled(
                    hist.map(|h| sparkline(&h.cores, spark_w))
                        .unwrap_or_default(),
                    st.fg(st.p.sparkline),
                )),
                Cell::from(a.running_jobs.to_string()),
            ];
            let qos_guess = 1.0; // bands of a mean/worst slack: sign only
            cells.push(slack_cell(a.mean_slack_ms, qos_guess, st));
            cells.push(slack_cell(a.worst_slack_ms, qos_guess, st));
            if drift {
                cells.push(drift_cell(a.run_time_ratio, st));
            }
            Row::new(cells)
        })
        .collect();
    let counts = if wide { 9 } else { 0 };
    let mut widths = vec![
        Constraint::Length(9),
        Constraint::Length(5),
        Constraint::Length(gauge_w as u16 + 5 + counts),
        Constraint::Length(6 + 5 + counts),
        Constraint::Length(spark_w as u16),
        Constraint::Length(4),
        Constraint::Length(8),
        Constraint::Length(8),
    ];
    let mut titles = vec![
        "ARCH",
        "NODES",
        "CORES",
        "GPUS",
        "UTIL HISTORY",
        "JOBS",
        "MEAN SLK",
        "WORST",
    ];
    if drift {
        // Median measured ÷ predicted run time of the last finished jobs.
        widths.push(Constraint::Length(8));
        titles.push("RUN/PRED");
    }
    let header = Row::new(titles).style(st.header());
    let table = Table::new(rows, widths)
        .header(header)
        .block(st.block("architectures", false))
        .column_spacing(1);
    frame.render_widget(table, area);
}

fn state_style(st: &Styles, s: JobState) -> Style {
    match s {
        JobState::Pending => st.fg(st.p.state_pending),
        JobState::Running => st.fg(st.p.state_running),
        JobState::Done | JobState::Future => st.fg(st.p.state_done),
    }
}

/// A header cell: the column's header, with `↑` or `↓` on the sort column.
fn header_text<C: Column>(header: &str, column: C, sort: Option<Sort<C>>) -> String {
    match sort.filter(|s| s.column == column) {
        Some(s) => format!("{header}{}", s.arrow()),
        None => header.to_string(),
    }
}

/// A table's title: `jobs (87)`, `jobs (3 matching /bert)` (`as text`
/// when the filter is not a regular expression), and the order when its
/// column is not on screen (`by qos↑`).
fn table_title<C: Column>(
    name: &str,
    rows: usize,
    app: &App,
    sort: Option<Sort<C>>,
    shown: &[C],
) -> String {
    let mut title = if app.filter.is_empty() {
        format!("{name} ({rows})")
    } else {
        let literal = if app.filter.error().is_some() {
            " as text"
        } else {
            ""
        };
        format!("{name} ({rows} matching /{}{literal})", app.filter.text())
    };
    if let Some(s) = sort.filter(|s| !shown.contains(&s.column)) {
        title.push_str(&format!(" by {}", s.label()));
    }
    title
}

/// The widest of a column's header and texts.
fn content_width(header: &str, texts: &[Vec<String>], column: usize) -> u16 {
    texts
        .iter()
        .filter_map(|row| row.get(column))
        .map(|t| table::width_of(t))
        .chain([table::width_of(header)])
        .max()
        .unwrap_or(0)
}

/// Where a table drawn in the bordered `area` put its header cells and
/// rows (its columns `widths` wide, one cell apart).
fn table_hit(
    pane: Pane,
    area: Rect,
    widths: &[u16],
    columns: &[usize],
    offset: usize,
    shown: usize,
) -> TableHit<Pane> {
    let inner = Block::bordered().inner(area);
    let mut x = inner.x;
    let header = columns
        .iter()
        .zip(widths)
        .map(|(&column, &w)| {
            let cell = Rect::new(x, inner.y, w, inner.height.min(1)).intersection(inner);
            x = x.saturating_add(w).saturating_add(1);
            (column, cell)
        })
        .collect();
    TableHit {
        pane,
        header,
        rows: Rect::new(
            inner.x,
            inner.y.saturating_add(1),
            inner.width,
            inner.height.saturating_sub(1),
        ),
        offset,
        shown,
    }
}

/// Columns of the jobs table: narrow terminals drop queries, QoS and latency.
fn job_columns(wide: bool, narrow: bool) -> Vec<JobColumn> {
    JobColumn::ALL
        .iter()
        .copied()
        .filter(|c| match c {
            JobColumn::Queries => wide,
            JobColumn::Qos | JobColumn::Latency => !narrow,
            _ => true,
        })
        .collect()
}

fn job_header(c: JobColumn, wide: bool) -> &'static str {
    match c {
        JobColumn::Job => "JOB",
        JobColumn::Model => "MODEL",
        JobColumn::Queries => "QUERIES",
        JobColumn::State => "STATE",
        JobColumn::Node if wide => "NODE (ARCH)",
        JobColumn::Node => "NODE",
        JobColumn::Config => "CONFIG",
        JobColumn::Qos => "QOS",
        JobColumn::Latency => "LATENCY",
        JobColumn::Slack => "SLACK",
        JobColumn::PlacedBy => "PLACED-BY",
    }
}

/// A job's text in a column (styled by [`job_cell`]).
fn job_text(j: &JobSnapshot, c: JobColumn, wide: bool) -> String {
    let or_dash = |ms: Option<f64>| ms.map(fmt_ms).unwrap_or_else(|| "-".into());
    match c {
        JobColumn::Job => j.name.clone(),
        JobColumn::Model => j.model.clone(),
        JobColumn::Queries => j.queries.to_string(),
        JobColumn::State => j.state.to_string(),
        JobColumn::Node => match (&j.node, &j.arch) {
            (Some(n), Some(a)) if wide => format!("{n} ({a})"),
            (Some(n), _) => n.clone(),
            _ => j
                .pin
                .clone()
                .map(|p| format!("pin {p}"))
                .unwrap_or_else(|| "-".into()),
        },
        JobColumn::Config => match (&j.engine, j.threads) {
            (Some(e), Some(t)) => format!("{e}×{t}"),
            _ => "-".into(),
        },
        JobColumn::Qos => fmt_ms(j.qos_ms),
        JobColumn::Latency => or_dash(j.latency_ms),
        JobColumn::Slack => or_dash(j.slack_ms),
        JobColumn::PlacedBy => j
            .placed_by
            .as_ref()
            .map_or_else(|| "-".into(), |p| p.to_string()),
    }
}

fn job_cell<'a>(j: &JobSnapshot, c: JobColumn, text: String, st: &Styles) -> Cell<'a> {
    match c {
        JobColumn::State => Cell::from(Span::styled(text, state_style(st, j.state))),
        JobColumn::Slack => slack_cell(j.slack_ms, j.qos_ms, st),
        JobColumn::PlacedBy => match &j.placed_by {
            Some(PlacedBy::Override) => Cell::from(Span::styled(
                text,
                st.fg(st.p.override_fg).add_modifier(Modifier::BOLD),
            )),
            Some(_) => Cell::from(text),
            None => Cell::from(Span::styled(text, st.muted())),
        },
        _ => Cell::from(text),
    }
}

/// How a jobs column is sized from its content: names, nodes and
/// configurations are capped while room is short.
fn job_fit(c: JobColumn, content: u16) -> Fit {
    match c {
        JobColumn::Job => Fit::text(content, 32, 10),
        JobColumn::Model => Fit::text(content, 24, 8),
        JobColumn::Node => Fit::text(content, 32, 6),
        JobColumn::Config => Fit::text(content, 20, 8),
        JobColumn::PlacedBy => Fit::text(content, 16, 8),
        _ => Fit::exact(content),
    }
}

fn draw_jobs(frame: &mut Frame, app: &App, st: &Styles, area: Rect) -> TableHit<Pane> {
    let jobs = app.visible_jobs();
    let wide = area.width >= 120;
    let narrow = area.width < 100;
    // Only the rows that fit are built: the table is O(visible), not O(jobs).
    let height = area.height.saturating_sub(3) as usize;
    let selected = app.selected().min(jobs.len().saturating_sub(1));
    let offset = selected.saturating_sub(height.saturating_sub(1));
    let shown = &jobs[offset.min(jobs.len())..(offset + height).min(jobs.len())];
    let columns = job_columns(wide, narrow);
    let texts: Vec<Vec<String>> = shown
        .iter()
        .map(|j| columns.iter().map(|&c| job_text(j, c, wide)).collect())
        .collect();
    let headers: Vec<String> = columns
        .iter()
        .map(|&c| header_text(job_header(c, wide), c, app.job_sort))
        .collect();
    let fits: Vec<Fit> = columns
        .iter()
        .enumerate()
        .map(|(i, &c)| job_fit(c, content_width(&headers[i], &texts, i)))
        .collect();
    let widths = table::fit_widths(&fits, area.width.saturating_sub(2), 1, Leftover::Spread);
    let rows: Vec<Row> = shown
        .iter()
        .zip(texts)
        .map(|(j, texts)| {
            let cells: Vec<Cell> = columns
                .iter()
                .zip(texts)
                .map(|(&c, text)| job_cell(j, c, text, st))
                .collect();
            Row::new(cells)
        })
        .collect();
    let title = table_title("jobs", jobs.len(), app, app.job_sort, &columns);
    let table = Table::new(rows, widths.iter().map(|&w| Constraint::Length(w)))
        .header(Row::new(headers).style(st.header()))
        .block(st.block(&title, true))
        .row_highlight_style(st.selected())
        .column_spacing(1);
    let mut state =
        TableState::default().with_selected((!jobs.is_empty()).then_some(selected - offset));
    frame.render_stateful_widget(table, area, &mut state);
    let indices: Vec<usize> = columns.iter().map(|c| c.index()).collect();
    table_hit(Pane::Jobs, area, &widths, &indices, offset, shown.len())
}

fn node_header(c: NodeColumn) -> &'static str {
    match c {
        NodeColumn::Node => "NODE",
        NodeColumn::Arch => "ARCH",
        NodeColumn::Tier => "TIER",
        NodeColumn::Cores => "CORES",
        NodeColumn::Gpus => "GPUS",
        NodeColumn::Memory => "MEMORY",
        NodeColumn::Jobs => "JOBS",
        NodeColumn::Used => "USED (METRICS)",
    }
}

/// Mebibytes as the nodes table shows them: `512Mi`, or in gibibytes
/// with one decimal from 1 GiB (`0.4/64Gi` for a pair).
fn memory_pair(used_mib: u64, total_mib: u64) -> String {
    if total_mib < 1024 {
        return format!("{used_mib}/{total_mib}Mi");
    }
    let gib = |mib: u64| {
        let g = mib as f64 / 1024.0;
        if (g - g.round()).abs() < 0.05 {
            format!("{g:.0}")
        } else {
            format!("{g:.1}")
        }
    };
    format!("{}/{}Gi", gib(used_mib), gib(total_mib))
}

/// What a gauge shows after its bar: ` 33% 4/12`; `-` without a total.
fn gauge_label(used: u64, total: u64, amount: String) -> String {
    match (used * 100).checked_div(total) {
        Some(percent) => format!(" {percent:>3}% {amount}"),
        None => "-".into(),
    }
}

/// A gauge `bar` cells wide followed by its label.
fn labelled_gauge<'a>(
    used: u64,
    total: u64,
    bar_width: usize,
    label: String,
    color: Style,
    st: &Styles,
) -> Cell<'a> {
    if total == 0 {
        return Cell::from(Span::styled(label, st.muted()));
    }
    let (full, empty, _) = bar(used, total, bar_width);
    Cell::from(Line::from(vec![
        Span::styled(full, color),
        Span::styled(empty, st.fg(st.p.gauge_empty)),
        Span::raw(label),
    ]))
}

fn draw_nodes(frame: &mut Frame, app: &App, st: &Styles, area: Rect) -> TableHit<Pane> {
    let nodes = app.visible_nodes();
    let height = area.height.saturating_sub(3) as usize;
    let selected = app.selected().min(nodes.len().saturating_sub(1));
    let offset = selected.saturating_sub(height.saturating_sub(1));
    let shown = &nodes[offset.min(nodes.len())..(offset + height).min(nodes.len())];
    // Measured usage (metrics.k8s.io) gets a column when the cluster has it.
    let measured = nodes.iter().any(|n| n.measured.is_some());
    let columns: Vec<NodeColumn> = NodeColumn::ALL
        .iter()
        .copied()
        .filter(|&c| c != NodeColumn::Used || measured)
        .collect();
    let texts: Vec<Vec<String>> = shown
        .iter()
        .map(|n| {
            columns
                .iter()
                .map(|c| match c {
                    NodeColumn::Node => n.name.clone(),
                    NodeColumn::Arch => n.arch.clone(),
                    NodeColumn::Tier => n.tier.to_string(),
                    NodeColumn::Cores => gauge_label(
                        u64::from(n.cores_used),
                        u64::from(n.cores),
                        format!("{}/{}", n.cores_used, n.cores),
                    ),
                    NodeColumn::Gpus => gauge_label(
                        u64::from(n.gpus_used),
                        u64::from(n.gpus),
                        format!("{}/{}", n.gpus_used, n.gpus),
                    ),
                    NodeColumn::Memory => gauge_label(
                        n.memory_used_mib,
                        n.memory_mib,
                        memory_pair(n.memory_used_mib, n.memory_mib),
                    ),
                    NodeColumn::Jobs => n.jobs.to_string(),
                    NodeColumn::Used => match n.measured {
                        Some(m) => format!(
                            "{:.2} cores {}Mi",
                            m.cpu_millis as f64 / 1000.0,
                            m.memory_mib
                        ),
                        None => "-".into(),
                    },
                })
                .collect()
        })
        .collect();
    let headers: Vec<String> = columns
        .iter()
        .map(|&c| header_text(node_header(c), c, app.node_sort))
        .collect();
    // Gauges: their labels, plus a bar of 6 cells that grows with room.
    let label_widths: Vec<u16> = (0..columns.len())
        .map(|i| content_width("", &texts, i))
        .collect();
    let fits: Vec<Fit> = columns
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let header = table::width_of(&headers[i]);
            let gauge = |bar_cap: u16| {
                let label = label_widths[i];
                Fit {
                    min: label + 2,
                    want: (label + 6).max(header),
                    max: (label + bar_cap).max(header),
                }
            };
            let content = content_width(&headers[i], &texts, i);
            match c {
                NodeColumn::Node => Fit::text(content, 32, 6),
                NodeColumn::Arch => Fit::text(content, 16, 6),
                NodeColumn::Cores | NodeColumn::Memory => gauge(30),
                NodeColumn::Gpus => gauge(12),
                NodeColumn::Used => Fit::text(content, 24, 10),
                NodeColumn::Tier | NodeColumn::Jobs => Fit::exact(content),
            }
        })
        .collect();
    let widths = table::fit_widths(&fits, area.width.saturating_sub(2), 1, Leftover::Spread);
    // Room spread between the columns stays after the gauge's label.
    let bar_width =
        |i: usize| usize::from(widths[i].min(fits[i].max).saturating_sub(label_widths[i]));
    let rows: Vec<Row> = shown
        .iter()
        .zip(texts)
        .map(|(n, texts)| {
            let cells: Vec<Cell> = columns
                .iter()
                .zip(texts)
                .enumerate()
                .map(|(i, (&c, text))| match c {
                    NodeColumn::Cores => labelled_gauge(
                        u64::from(n.cores_used),
                        u64::from(n.cores),
                        bar_width(i),
                        text,
                        st.fg(st.p.gauge_cpu),
                        st,
                    ),
                    NodeColumn::Gpus => labelled_gauge(
                        u64::from(n.gpus_used),
                        u64::from(n.gpus),
                        bar_width(i),
                        text,
                        st.fg(st.p.gauge_gpu),
                        st,
                    ),
                    NodeColumn::Memory => labelled_gauge(
                        n.memory_used_mib,
                        n.memory_mib,
                        bar_width(i),
                        text,
                        st.fg(st.p.gauge_cpu),
                        st,
                    ),
                    _ => Cell::from(text),
                })
                .collect();
            Row::new(cells)
        })
        .collect();
    let title = table_title("nodes", nodes.len(), app, app.node_sort, &columns);
    let table = Table::new(rows, widths.iter().map(|&w| Constraint::Length(w)))
        .header(Row::new(headers).style(st.header()))
        .block(st.block(&title, true))
        .row_highlight_style(st.selected())
        .column_spacing(1);
    let mut state =
        TableState::default().with_selected((!nodes.is_empty()).then_some(selected - offset));
    frame.render_stateful_widget(table, area, &mut state);
    let indices: Vec<usize> = columns.iter().map(|c| c.index()).collect();
    table_hit(Pane::Nodes, area, &widths, &indices, offset, shown.len())
}

/// The decisions: focused, the view (filtered, in its order); otherwise
/// the panel under the jobs, newest first.
fn draw_log(
    frame: &mut Frame,
    app: &App,
    st: &Styles,
    area: Rect,
    focused: bool,
) -> TableHit<Pane> {
    let height = area.height.saturating_sub(3) as usize;
    let (entries, sort) = if focused {
        (app.visible_log(), app.log_sort)
    } else {
        (app.view.log.iter().rev().collect(), LogColumn::DEFAULT)
    };
    let selected = if focused {
        app.selected().min(entries.len().saturating_sub(1))
    } else {
        0
    };
    let offset = selected.saturating_sub(height.saturating_sub(1));
    let shown = &entries[offset.min(entries.len())..(offset + height).min(entries.len())];
    let columns = LogColumn::ALL;
    let texts: Vec<Vec<String>> = shown
        .iter()
        .map(|l| {
            vec![
                app.view.clock.show(l.at_ms),
                l.job.clone(),
                l.choice.clone(),
                l.placed_by.clone(),
                l.reason.clone(),
            ]
        })
        .collect();
    let headers: Vec<String> = ["TIME", "JOB", "CHOICE", "BY", "REASON"]
        .iter()
        .zip(columns)
        .map(|(h, &c)| header_text(h, c, sort))
        .collect();
    let fits: Vec<Fit> = columns
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let content = content_width(&headers[i], &texts, i);
            match c {
                LogColumn::Time => Fit::exact(content),
                LogColumn::Job => Fit::text(content, 24, 8),
                LogColumn::Choice => Fit::text(content, 32, 10),
                LogColumn::By => Fit::text(content, 12, 6),
                LogColumn::Reason => Fit::text(content, 40, 10),
            }
        })
        .collect();
    let widths = table::fit_widths(&fits, area.width.saturating_sub(2), 1, Leftover::Last);
    let rows: Vec<Row> = shown
        .iter()
        .zip(texts)
        .map(|(l, texts)| {
            let cells: Vec<Cell> = columns
                .iter()
                .zip(texts)
                .map(|(&c, text)| match c {
                    LogColumn::Time => Cell::from(Span::styled(text, st.muted())),
                    LogColumn::By if l.placed_by == "override" => {
                        Cell::from(Span::styled(text, st.fg(st.p.override_fg)))
                    }
                    LogColumn::By => Cell::from(Span::styled(text, st.muted())),
                    _ => Cell::from(text),
                })
                .collect();
            Row::new(cells)
        })
        .collect();
    let title = if focused {
        table_title("decisions", entries.len(), app, sort, columns)
    } else {
        "decisions".to_string()
    };
    let mut table = Table::new(rows, widths.iter().map(|&w| Constraint::Length(w)))
        .header(Row::new(headers).style(st.header()))
        .block(st.block(&title, focused))
        .column_spacing(1);
    if focused {
        table = table.row_highlight_style(st.selected());
        let mut state =
            TableState::default().with_selected((!entries.is_empty()).then_some(selected - offset));
        frame.render_stateful_widget(table, area, &mut state);
    } else {
        frame.render_widget(table, area);
    }
    let indices: Vec<usize> = columns.iter().map(|c| c.index()).collect();
    table_hit(Pane::Log, area, &widths, &indices, offset, shown.len())
}

fn key_hint(app: &App, action: Action) -> String {
    app.keymap
        .keys_for(action)
        .first()
        .map(|k| k.to_string())
        .unwrap_or_default()
}

fn draw_status(frame: &mut Frame, app: &App, st: &Styles, area: Rect) {
    let line = match &app.input {
        Input::Filter(text) => Line::from(vec![
            Span::styled("/", st.accent()),
            Span::styled(format!("{text}█"), st.fg(st.p.filter_fg)),
        ]),
        Input::Command(text) => Line::from(vec![
            Span::styled(":", st.accent()),
            Span::styled(format!("{text}█"), st.fg(st.p.command_fg)),
            Span::styled("   tab completes, enter runs, esc cancels", st.muted()),
        ]),
        Input::None => match &app.status {
            Some(note) => Line::from(Span::styled(
                note.text.clone(),
                st.fg(if note.error { st.p.error } else { st.p.info }),
            )),
            None => {
                let hints = [
                    (Action::Help, "help"),
                    (Action::Filter, "filter"),
                    (Action::CommandLine, "command"),
                    (Action::Details, "details"),
                    (Action::Trigger, "place"),
                    (Action::SwitchPolicy, "policy"),
                    (Action::Override, "override"),
                    (Action::TogglePause, "pause"),
                    (Action::NextView, "view"),
                    (Action::Quit, "quit"),
                ];
                let hints: Vec<(String, &str)> = hints
                    .into_iter()
                    .map(|(action, label)| (format!(" {} ", key_hint(app, action)), label))
                    .collect();
                // What fits, the most needed first: help and quit, then
                // in the bar's order.
                let width = |(key, label): &(String, &str)| key.chars().count() + label.len();
                let mut room = area.width as usize;
                let mut shown = vec![false; hints.len()];
                let last = hints.len() - 1;
                for i in std::iter::once(0)
                    .chain(std::iter::once(last))
                    .chain(1..last)
                {
                    if width(&hints[i]) <= room {
                        room -= width(&hints[i]);
                        shown[i] = true;
                    }
                }
                let mut spans = Vec::new();
                for ((key, label), shown) in hints.into_iter().zip(shown) {
                    if shown {
                        spans.push(Span::styled(key, st.accent()));
                        spans.push(Span::styled(label.to_string(), st.muted()));
                    }
                }
                Line::from(spans)
            }
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// A centered rectangle of at most `w`×`h`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width.saturating_sub(2));
    let h = h.min(area.height.saturating_sub(2));
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn popup_block(st: &Styles, title: &str) -> Block<'static> {
    st.block(title, true)
        .style(Style::new().bg(st.p.popup_bg).fg(st.p.fg))
}

fn draw_help(frame: &mut Frame, app: &App, st: &Styles, area: Rect) {
    let rect = centered(area, 72, 40);
    frame.render_widget(Clear, rect);
    let rows: Vec<Row> = Action::ALL
        .iter()
        .filter(|a| a.in_help(app.pane == Pane::Jobs))
        .map(|a| {
            let keys: Vec<String> = app
                .keymap
                .keys_for(*a)
                .iter()
                .map(|k| k.to_string())
                .collect();
            Row::new(vec![
                Cell::from(Span::styled(keys.join(" "), st.accent())),
                Cell::from(a.description()),
            ])
        })
        .collect();
    let table = Table::new(rows, [Constraint::Length(16), Constraint::Min(20)])
        .block(popup_block(
            st,
            &format!("keys ({} view) — esc closes", app.pane.name()),
        ))
        .column_spacing(2);
    frame.render_widget(table, rect);
}

fn draw_detail(frame: &mut Frame, app: &App, st: &Styles, area: Rect, job: &str) {
    let rect = centered(area, 120, 30);
    frame.render_widget(Clear, rect);
    let block = popup_block(st, &format!("job {job} — esc closes"));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let Some(e) = app.view.explain.as_ref().filter(|e| e.job == job) else {
        frame.render_widget(
            Paragraph::new(Span::styled("computing the explanation…", st.muted())),
            inner,
        );
        return;
    };
    let [head, table_area] =
        Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(inner);
    let chosen = match (&e.node, &e.engine, e.threads) {
        (Some(n), Some(en), Some(t)) => format!("{} {n} {en}×{t}", e.action),
        _ => e.action.to_string(),
    };
    let lines = vec![
        Line::from(vec![
            Span::styled(format!("{} ", e.model), st.accent()),
            Span::raw(format!(
                "qos {}  decided at {} by ",
                fmt_ms(e.qos_ms),
                fmt_ms(e.at_ms)
            )),
            Span::styled(e.placed_by.clone(), st.accent()),
        ]),
        Line::from(vec![Span::styled(
            chosen,
            st.fg(st.p.fg).add_modifier(Modifier::BOLD),
        )]),
        Line::from(Span::styled(e.reason.clone(), st.muted())),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), head);
    let mut candidates: Vec<_> = e.candidates.iter().collect();
    candidates.sort_by(|a, b| {
        b.chosen.cmp(&a.chosen).then(
            a.predicted_completion_ms
                .total_cmp(&b.predicted_completion_ms),
        )
    });
    // Nodes never weighed (pinned elsewhere, constraints, cordoned, not
    // profiled): one line per architecture and reason under the table.
    let filtered: Vec<Line> = e
        .filtered
        .iter()
        .map(|f| {
            Line::from(Span::styled(
                format!(
                    "not weighed: {} {} node(s) (e.g. {}): {}",
                    f.nodes, f.arch, f.example, f.why
                ),
                st.muted(),
            ))
        })
        .collect();
    let filtered_rows = (filtered.len() as u16).min(table_area.height.saturating_sub(3) / 2);
    let [table_area, filtered_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(filtered_rows)]).areas(table_area);
    frame.render_widget(Paragraph::new(filtered), filtered_area);
    // Narrow popups keep the columns that say why: the node (which names
    // its architecture), what it would run, when it completes, its slack
    // and why it lost.
    let narrow = inner.width < 100;
    let keep = |i: usize| !narrow || !matches!(i, 2 | 3 | 5 | 8);
    let rows: Vec<Row> = candidates
        .iter()
        .map(|c| {
            let config = format!(
                "{}×{}{}",
                c.engine,
                c.threads,
                if c.gpus > 0 { "+gpu" } else { "" }
            );
            let score = c.score.map(|s| format!("{s:.1}"));
            let why = c.rejected.as_ref().map_or(String::new(), |r| r.why.clone());
            let cells = vec![
                Cell::from(if c.chosen { "→" } else { "" }),
                Cell::from(c.node.clone()),
                Cell::from(c.identical_nodes.to_string()),
                Cell::from(c.arch.clone()),
                Cell::from(config),
                Cell::from(format!("+{}", fmt_ms(c.start_ms - e.at_ms))),
                Cell::from(format!("+{}", fmt_ms(c.predicted_completion_ms - e.at_ms))),
                slack_cell(Some(c.slack_ms), e.qos_ms, st),
                Cell::from(score.unwrap_or_else(|| "-".into())),
                Cell::from(Span::styled(why, st.muted())),
            ];
            let row = Row::new(
                cells
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| keep(*i))
                    .map(|(_, c)| c),
            );
            if c.chosen {
                row.style(st.selected())
            } else {
                row
            }
        })
        .collect();
    let widths = [
        Constraint::Length(1),
        Constraint::Length(10),
        Constraint::Length(4),
        Constraint::Length(9),
        Constraint::Length(if narrow { 15 } else { 19 }),
        Constraint::Length(8),
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Min(12),
    ];
    let headers = [
        "",
        "NODE",
        "SAME",
        "ARCH",
        "CONFIG",
        "START",
        "COMPLETES",
        "SLACK",
        "COST",
        "WHY NOT",
    ];
    let widths: Vec<Constraint> = (0..widths.len())
        .filter(|&i| keep(i))
        .map(|i| widths[i])
        .collect();
    let headers: Vec<&str> = (0..headers.len())
        .filter(|&i| keep(i))
        .map(|i| headers[i])
        .collect();
    let table = Table::new(rows, widths)
        .header(Row::new(headers).style(st.header()))
        .column_spacing(1);
    frame.render_widget(table, table_area);
}

fn draw_picker(frame: &mut Frame, app: &App, st: &Styles, area: Rect) {
    let Some(Popup::Override(p)) = &app.popup else {
        return;
    };
    let rect = centered(area, 76, 24);
    frame.render_widget(Clear, rect);
    let title = match &p.reason {
        None => format!("override {}: pick a node or architecture (enter)", p.job),
        Some(_) => format!("override {}: why? (enter confirms, esc goes back)", p.job),
    };
    let block = popup_block(st, &title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [list, reason] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(inner);
    let height = list.height as usize;
    let offset = p.selected.saturating_sub(height.saturating_sub(1));
    let rows: Vec<Row> = p
        .labels
        .iter()
        .skip(offset)
        .take(height)
        .map(|l| Row::new(vec![Cell::from(l.clone())]))
        .collect();
    let table = Table::new(rows, [Constraint::Min(10)]).row_highlight_style(st.selected());
    let mut state = TableState::default().with_selected(Some(p.selected - offset));
    frame.render_stateful_widget(table, list, &mut state);
    if let Some(r) = &p.reason {
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("reason: ", st.accent()),
                Span::styled(format!("{r}█"), st.fg(st.p.command_fg)),
            ])),
            reason,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_bands() {
        assert_eq!(drift_band(1.05), Band::Ok);
        assert_eq!(drift_band(0.85), Band::Tight);
        assert_eq!(drift_band(1.4), Band::Negative);
    }

    #[test]
    fn bands() {
        assert_eq!(band(-1.0, 100.0), Band::Negative);
        assert_eq!(band(10.0, 100.0), Band::Tight);
        assert_eq!(band(50.0, 100.0), Band::Ok);
    }

    #[test]
    fn sparkline_maps_percent_to_ticks() {
        assert_eq!(sparkline(&[0, 50, 100], 10), "▁▅█");
        assert_eq!(sparkline(&[0, 0, 0, 100], 2), "▁█");
    }
}
