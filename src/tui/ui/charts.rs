//! The architectures view: charts over time (utilization per
//! architecture, pending and running jobs, violations so far — with the
//! policy a what-if switched away from beside the running one) and the
//! distribution of the current jobs' slack, above a per-model table. Every
//! chart falls back to a line of text when its panel is too small to draw
//! it, and every colour comes from the theme (`series_*` for lines).

use super::{Band, Styles, slack_cell};
use crate::source::View;
use crate::tui::app::{App, ChartKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Cell, Chart, Dataset, GraphType, Paragraph, Row, Table,
    TableState,
};

/// Below this inner size a chart is a line of text.
const MIN_CHART_WIDTH: u16 = 24;
const MIN_CHART_HEIGHT: u16 = 5;

/// The colour of the `i`-th line of a chart.
fn series(st: &Styles, i: usize) -> Color {
    let p = st.p;
    [
        p.series_1, p.series_2, p.series_3, p.series_4, p.series_5, p.series_6,
    ][i % 6]
}

/// How the `i`-th line of a chart is drawn, and its sign in the legend:
/// braille everywhere, but a monochrome theme tells lines apart by marker.
fn marker(st: &Styles, i: usize) -> (Marker, &'static str) {
    const MONO: [(Marker, &str); 4] = [
        (Marker::Braille, "⣀"),
        (Marker::Dot, "•"),
        (Marker::Block, "█"),
        (Marker::Bar, "▄"),
    ];
    if st.mono {
        MONO[i % 4]
    } else {
        (Marker::Braille, "━")
    }
}

/// One line of a chart: its legend name, colour and points.
struct Line2 {
    name: String,
    color: Color,
    points: Vec<(f64, f64)>,
}

/// What a chart panel shows.
struct Plot {
    title: String,
    lines: Vec<Line2>,
    /// Upper bound of the y axis (at least 1).
    y_max: f64,
    /// Unit after the top y label (`%`, or nothing for counts).
    unit: &'static str,
    /// The text shown instead when the panel is too small.
    text: String,
}

/// Below this height the architectures view shows its charts as lines of
/// text (two rows of charts and the models table do not fit).
const MIN_CHARTS_VIEW_HEIGHT: u16 = 20;

/// Draws the architectures view into `area`.
pub(super) fn draw(frame: &mut Frame, app: &App, st: &Styles, area: Rect) {
    let v = &app.view;
    // The view tabs go on the first row (other views draw them on their
    // table's top border).
    let area = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    if area.height < MIN_CHARTS_VIEW_HEIGHT {
        let lines = summary_lines(app, st);
        let [text, models] = Layout::vertical([
            Constraint::Length(lines.len() as u16 + 2),
            Constraint::Min(0),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(lines).block(st.block("charts (text: enlarge for plots)", false)),
            text,
        );
        draw_models(frame, app, st, models);
        return;
    }
    let models_height = (v.models.len() as u16 + 3).clamp(4, (area.height / 3).max(4));
    let [charts, models] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(models_height)]).areas(area);
    draw_charts(frame, app, st, charts);
    draw_models(frame, app, st, models);
}

/// Every chart as one line of text: what the view shows when it is too
/// small for plots.
fn summary_lines(app: &App, st: &Styles) -> Vec<Line<'static>> {
    let v = &app.view;
    let mut plots = vec![utilization(v, st, false)];
    if v.snapshot.archs.iter().any(|a| a.gpus > 0) {
        plots.push(utilization(v, st, true));
    }
    plots.push(jobs(v, st));
    plots.push(violations(v, st));
    let mut lines: Vec<Line> = plots
        .into_iter()
        .map(|p| Line::from(Span::styled(p.text, st.fg(st.p.fg))))
        .collect();
    lines.push(Line::from(Span::styled(
        format!("slack: {}", slack_text(&slack_histogram(v))),
        st.fg(st.p.fg),
    )));
    lines
}

fn slack_text(counts: &[u64; 5]) -> String {
    SLACK_BINS
        .iter()
        .zip(counts)
        .map(|((label, _), n)| format!("{label} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The chart panels, two rows of them: utilization (cores; GPUs when an
/// architecture has some) and jobs over time above, violations over time
/// and the slack distribution below.
fn draw_charts(frame: &mut Frame, app: &App, st: &Styles, area: Rect) {
    if area.height < 3 {
        return;
    }
    let v = &app.view;
    let mut top = vec![utilization(v, st, false)];
    if v.snapshot.archs.iter().any(|a| a.gpus > 0) {
        top.push(utilization(v, st, true));
    }
    top.push(jobs(v, st));
    let violations = violations(v, st);
    // Too low for two rows: one row of the plots, then the slack.
    let two_rows = area.height >= 2 * (MIN_CHART_HEIGHT + 2);
    let rows: Vec<Rect> = if two_rows {
        Layout::vertical([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)])
            .split(area)
            .to_vec()
    } else {
        vec![area]
    };
    let mut panels: Vec<Panel> = top.into_iter().map(Panel::Plot).collect();
    let mut second = vec![Panel::Plot(violations), Panel::Slack];
    if !two_rows {
        panels.append(&mut second);
    }
    draw_row(frame, app, st, rows[0], panels);
    if two_rows {
        draw_row(frame, app, st, rows[1], second);
    }
}

enum Panel {
    Plot(Plot),
    Slack,
}

/// Draws one chart into `area` (`:chart NAME`).
pub(super) fn draw_one(frame: &mut Frame, app: &App, st: &Styles, area: Rect, kind: ChartKind) {
    let v = &app.view;
    let plot = match kind {
        ChartKind::Cores => utilization(v, st, false),
        ChartKind::Gpus => utilization(v, st, true),
        ChartKind::Jobs => jobs(v, st),
        ChartKind::Violations => violations(v, st),
        ChartKind::Slack => return draw_slack(frame, app, st, area),
    };
    draw_plot(frame, app, st, area, plot);
}

fn draw_row(frame: &mut Frame, app: &App, st: &Styles, area: Rect, panels: Vec<Panel>) {
    let n = panels.len() as u32;
    let cells = Layout::horizontal((0..n).map(|_| Constraint::Ratio(1, n))).split(area);
    for (panel, &cell) in panels.into_iter().zip(cells.iter()) {
        match panel {
            Panel::Plot(plot) => draw_plot(frame, app, st, cell, plot),
            Panel::Slack => draw_slack(frame, app, st, cell),
        }
    }
}

fn too_small(area: Rect) -> bool {
    area.width < MIN_CHART_WIDTH + 2 || area.height < MIN_CHART_HEIGHT + 2
}

fn draw_text(frame: &mut Frame, st: &Styles, area: Rect, title: &str, text: String) {
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(text, st.fg(st.p.fg))))
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(st.block(title, false)),
        area,
    );
}

fn draw_plot(frame: &mut Frame, app: &App, st: &Styles, area: Rect, plot: Plot) {
    let empty = plot.lines.iter().all(|l| l.points.is_empty());
    if too_small(area) || empty {
        let text = if empty && !plot.lines.is_empty() {
            "no samples yet".to_string()
        } else {
            plot.text
        };
        draw_text(frame, st, area, &plot.title, text);
        return;
    }
    let clock = &app.view.clock;
    let (x0, x1) = x_bounds(&app.view);
    let datasets: Vec<Dataset> = plot
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Dataset::default()
                .marker(marker(st, i).0)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(l.color))
                .data(&l.points)
        })
        .collect();
    // The legend is in the title, where it hides no data.
    let mut title = vec![Span::styled(
        format!(" {} ", plot.title),
        st.fg(st.p.title).add_modifier(Modifier::BOLD),
    )];
    for (i, l) in plot.lines.iter().enumerate() {
        title.push(Span::styled(
            format!("{} {}", marker(st, i).1, l.name),
            Style::new().fg(l.color),
        ));
        title.push(Span::raw(" "));
    }
    let block = ratatui::widgets::Block::bordered()
        .border_style(st.fg(st.p.border))
        .title(Line::from(title));
    let axis = st.muted();
    let y_top = format!("{}{}", fmt_count(plot.y_max), plot.unit);
    let chart = Chart::new(datasets)
        .block(block)
        .style(st.base())
        .x_axis(
            Axis::default()
                .style(axis)
                .bounds([x0, x1])
                .labels([clock.show(x0), clock.show(x1)]),
        )
        .y_axis(
            Axis::default()
                .style(axis)
                .bounds([0.0, plot.y_max])
                .labels(["0".to_string(), y_top]),
        )
        .legend_position(None);
    frame.render_widget(chart, area);
}

/// The time span of the samples (one second wide at least).
fn x_bounds(v: &View) -> (f64, f64) {
    let t = &v.timeline.at_ms;
    let x0 = t.first().copied().unwrap_or(0.0);
    let x1 = t.last().copied().unwrap_or(x0).max(x0 + 1000.0);
    (x0, x1)
}

/// `1234` → `1234`, `12345` → `12k`.
fn fmt_count(x: f64) -> String {
    if x >= 10_000.0 {
        format!("{:.0}k", x / 1000.0)
    } else {
        format!("{x:.0}")
    }
}

/// Percent of cores (or GPUs) in use per architecture, over time.
fn utilization(v: &View, st: &Styles, gpus: bool) -> Plot {
    let times = &v.timeline.at_ms;
    let mut lines = Vec::new();
    let mut now = Vec::new();
    for (i, a) in v.snapshot.archs.iter().enumerate() {
        if gpus && a.gpus == 0 {
            continue;
        }
        let Some(h) = v.history.iter().find(|h| h.arch == a.arch) else {
            continue;
        };
        let values = if gpus { &h.gpus } else { &h.cores };
        // Both series end at the newest sample.
        let skip = times.len().saturating_sub(values.len());
        let points: Vec<(f64, f64)> = times[skip..]
            .iter()
            .zip(values)
            .map(|(&t, &pct)| (t, pct as f64))
            .collect();
        if let Some(&(_, last)) = points.last() {
            now.push(format!("{} {last:.0}%", a.arch));
        }
        lines.push(Line2 {
            name: a.arch.clone(),
            color: series(st, i),
            points,
        });
    }
    let what = if gpus { "GPUs" } else { "cores" };
    let text = if lines.is_empty() {
        format!("no architecture here has {what}")
    } else {
        format!("{what}: {}", now.join(", "))
    };
    Plot {
        title: format!("{what} in use"),
        lines,
        y_max: 100.0,
        unit: "%",
        text,
    }
}

/// A count series against its sampling instants, as chart points.
fn counts_over_time(at_ms: &[f64], values: &[u32]) -> Vec<(f64, f64)> {
    at_ms
        .iter()
        .zip(values)
        .map(|(&at, &n)| (at, f64::from(n)))
        .collect()
}

/// Pending and running jobs over time.
fn jobs(v: &View, st: &Styles) -> Plot {
    let t = &v.timeline;
    let max = t
        .pending
        .iter()
        .chain(&t.running)
        .copied()
        .max()
        .unwrap_or(0);
    Plot {
        title: "jobs".into(),
        lines: vec![
            Line2 {
                name: "pending".into(),
                color: st.p.state_pending,
                points: counts_over_time(&t.at_ms, &t.pending),
            },
            Line2 {
                name: "running".into(),
                color: st.p.state_running,
                points: counts_over_time(&t.at_ms, &t.running),
            },
        ],
        y_max: nice_max(max),
        unit: "",
        text: format!(
            "jobs: pending {}, running {}",
            v.snapshot.pending, v.snapshot.running
        ),
    }
}

/// Violations so far, over time; after a what-if switch, the policy it
/// switched away from beside the running one.
fn violations(v: &View, st: &Styles) -> Plot {
    let t = &v.timeline;
    let mut lines = vec![Line2 {
        name: v.policy.clone(),
        color: series(st, 0),
        points: counts_over_time(&t.at_ms, &t.violations),
    }];
    let mut text = format!("violations: {} {}", v.policy, v.snapshot.violations);
    let mut max = t.violations.iter().copied().max().unwrap_or(0);
    if let Some((other, values)) = &t.other {
        lines.push(Line2 {
            name: other.clone(),
            color: series(st, 1),
            points: counts_over_time(&t.at_ms, values),
        });
        max = max.max(values.iter().copied().max().unwrap_or(0));
        if let Some(w) = &v.what_if {
            text.push_str(&format!(", {} {}", w.other_policy, w.other_violations));
        }
    }
    Plot {
        title: "violations so far".into(),
        lines,
        y_max: nice_max(max),
        unit: "",
        text,
    }
}

/// A round upper bound for counts (at least 1).
fn nice_max(max: u32) -> f64 {
    let max = f64::from(max.max(1));
    let step = 10f64.powf(max.log10().floor());
    (max / step).ceil() * step
}

/// Bins of the slack histogram, as shares of each job's QoS.
const SLACK_BINS: [(&str, f64); 5] = [
    ("<0", 0.0),
    ("0-10%", 0.1),
    ("10-20%", 0.2),
    ("20-50%", 0.5),
    ("≥50%", f64::INFINITY),
];

/// How many pending and running jobs fall in each slack bin.
pub(super) fn slack_histogram(v: &View) -> [u64; 5] {
    let mut counts = [0u64; 5];
    for j in &v.snapshot.jobs {
        if !matches!(
            j.state,
            crate::model::JobState::Pending | crate::model::JobState::Running
        ) {
            continue;
        }
        let Some(slack) = j.slack_ms else { continue };
        let share = slack / j.qos_ms.max(f64::MIN_POSITIVE);
        let bin = if share < 0.0 {
            0
        } else {
            1 + SLACK_BINS[1..]
                .iter()
                .position(|&(_, upper)| share < upper)
                .unwrap_or(3)
        };
        counts[bin] += 1;
    }
    counts
}

/// The distribution of the current jobs' slack, in shares of their QoS,
/// coloured by slack band.
fn draw_slack(frame: &mut Frame, app: &App, st: &Styles, area: Rect) {
    let counts = slack_histogram(&app.view);
    let title = "slack of current jobs (share of QoS)";
    if too_small(area) {
        draw_text(frame, st, area, "slack", slack_text(&counts));
        return;
    }
    let bands = [Band::Negative, Band::Tight, Band::Tight, Band::Ok, Band::Ok];
    let bars: Vec<Bar> = SLACK_BINS
        .iter()
        .zip(counts)
        .zip(bands)
        .map(|(((label, _), n), b)| {
            Bar::default()
                .value(n)
                .label(Line::from(*label))
                .style(st.slack(b))
                .value_style(st.slack(b).add_modifier(Modifier::REVERSED))
        })
        .collect();
    let inner = area.width.saturating_sub(2);
    let width = (inner / 5).saturating_sub(1).clamp(1, 12);
    frame.render_widget(
        BarChart::default()
            .block(st.block(title, false))
            .style(st.base())
            .data(BarGroup::default().bars(&bars))
            .bar_width(width)
            .bar_gap(1)
            .label_style(st.muted()),
        area,
    );
}

/// Per model: jobs pending, running and done, violations, the mean slack
/// of its current jobs and the configurations they run in.
fn draw_models(frame: &mut Frame, app: &App, st: &Styles, area: Rect) {
    let v = &app.view;
    let wide = area.width >= 100;
    let rows: Vec<Row> = v
        .models
        .iter()
        .map(|m| {
            let configs = m
                .configs
                .iter()
                .map(|(c, n)| format!("{c} ({n})"))
                .collect::<Vec<_>>()
                .join(", ");
            let violations = if m.violations > 0 {
                Span::styled(m.violations.to_string(), st.fg(st.p.warning))
            } else {
                Span::raw("0")
            };
            let mut cells = vec![
                Cell::from(Span::styled(
                    m.model.clone(),
                    st.fg(st.p.fg).add_modifier(Modifier::BOLD),
                )),
                Cell::from(m.pending.to_string()),
                Cell::from(m.running.to_string()),
                Cell::from(m.done.to_string()),
                Cell::from(violations),
            ];
            // Bands of a mean: sign only.
            cells.push(slack_cell(m.mean_slack_ms, 1.0, st));
            cells.push(Cell::from(Span::styled(configs, st.muted())));
            Row::new(cells)
        })
        .collect();
    let name_w = v
        .models
        .iter()
        .map(|m| m.model.chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 24) as u16;
    let count_w = if wide { 7 } else { 5 };
    let widths = [
        Constraint::Length(name_w),
        Constraint::Length(count_w),
        Constraint::Length(count_w),
        Constraint::Length(count_w),
        Constraint::Length(count_w),
        Constraint::Length(9),
        Constraint::Min(10),
    ];
    let titles = if wide {
        [
            "MODEL",
            "PENDING",
            "RUNNING",
            "DONE",
            "VIOL",
            "MEAN SLK",
            "CONFIGURATIONS IN USE (JOBS)",
        ]
    } else {
        ["MODEL", "PEND", "RUN", "DONE", "VIOL", "MEAN SLK", "IN USE"]
    };
    let table = Table::new(rows, widths)
        .header(Row::new(titles).style(st.header()))
        .block(st.block("models", true))
        .column_spacing(1)
        .row_highlight_style(st.selected());
    let mut state = TableState::default()
        .with_selected((!v.models.is_empty()).then_some(app.selected().min(v.models.len() - 1)));
    frame.render_stateful_widget(table, area, &mut state);
}

#[cfg(test)]
mod tests {
    use super::super::band;
    use super::*;

    #[test]
    fn nice_max_rounds_up_to_a_leading_digit() {
        assert_eq!(nice_max(0), 1.0);
        assert_eq!(nice_max(7), 7.0);
        assert_eq!(nice_max(12), 20.0);
        assert_eq!(nice_max(230), 300.0);
    }

    #[test]
    fn slack_bins_follow_the_bands() {
        // The bins' edges are the bands' (tight below 20 % of the QoS).
        assert_eq!(band(-1.0, 100.0), Band::Negative);
        assert_eq!(band(19.0, 100.0), Band::Tight);
        assert_eq!(band(20.0, 100.0), Band::Ok);
        assert_eq!(SLACK_BINS[2].1, 0.2);
    }
}
