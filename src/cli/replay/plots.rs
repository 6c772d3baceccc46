//! The report's plots as SVG text, drawn by plotters' SVG backend (text is
//! left to the browser's fonts): line plots with one series per policy and
//! a bar chart with one bar per policy, each policy in its colour of the
//! Okabe–Ito palette (safe for colour-blind readers). Every series element
//! is tagged `class="series" data-policy="NAME"` so the page, and its
//! tests, can tell the series apart.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, SegmentValue, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

/// Okabe & Ito's colours without black (kept for axes and text), the most
/// distinct first; policies take them in order.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// Size of every plot, in pixels.
pub const SIZE: (u32, u32) = (720, 400);

/// The colour of the `i`-th policy (cycling past seven).
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// `#RRGGBB`, as plotters writes colours.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

type PlotResult<T> = Result<T, Box<dyn std::error::Error>>;

/// One policy's line.
pub struct Series {
    pub policy: String,
    /// Its name in the legend.
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// Where a line plot's legend goes.
#[derive(Clone, Copy)]
pub enum Legend {
    UpperLeft,
    LowerRight,
}

/// A line plot's frame.
pub struct LinePlot<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub x: Range<f64>,
    pub y: Range<f64>,
    /// Decimals of the y axis' labels.
    pub y_decimals: usize,
    /// Logarithmic x axis (`x.start` must be positive).
    pub x_log: bool,
    pub legend: Legend,
    /// A thin grey vertical reference line at this x.
    pub x_mark: Option<f64>,
}

/// A line plot, one series per policy (in order).
pub fn lines(plot: &LinePlot<'_>, series: &[Series]) -> PlotResult<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        if plot.x_log {
            draw_lines(&root, plot, plot.x.clone().log_scale(), series)?;
        } else {
            draw_lines(&root, plot, plot.x.clone(), series)?;
        }
        root.present()?;
    }
    let policies: Vec<&str> = series.iter().map(|s| s.policy.as_str()).collect();
    Ok(tag_series(&svg, "polyline", "stroke", &policies))
}

fn draw_lines<X>(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    plot: &LinePlot<'_>,
    x: X,
    series: &[Series],
) -> PlotResult<()>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(root)
        .caption(plot.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(42)
        .y_label_area_size(56)
        .build_cartesian_2d(x, plot.y.clone())?;
    chart
        .configure_mesh()
        .x_desc(plot.x_label)
        .y_desc(plot.y_label)
        .y_label_formatter(&|y| format!("{y:.*}", plot.y_decimals))
        .light_line_style(BLACK.mix(0.04))
        .bold_line_style(BLACK.mix(0.12))
        .draw()?;
    if let Some(at) = plot.x_mark {
        let grey = RGBColor(0x99, 0x99, 0x99);
        chart.draw_series(LineSeries::new(
            [(at, plot.y.start), (at, plot.y.end)],
            grey.stroke_width(1),
        ))?;
    }
    for (i, s) in series.iter().enumerate() {
        let c = colour(i);
        chart
            .draw_series(LineSeries::new(s.points.iter().copied(), c.stroke_width(2)))?
            .label(s.label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled()));
    }
    chart
        .configure_series_labels()
        .position(match plot.legend {
            Legend::UpperLeft => SeriesLabelPosition::UpperLeft,
            Legend::LowerRight => SeriesLabelPosition::LowerRight,
        })
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 13))
        .draw()?;
    Ok(())
}

/// A bar per policy (in order) with its value above it.
pub fn bars(title: &str, y_label: &str, bars: &[(&str, f64)]) -> PlotResult<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let top = bars.iter().map(|b| b.1).fold(0.0, f64::max);
        let top = if top > 0.0 { top * 1.15 } else { 1.0 };
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(42)
            .y_label_area_size(56)
            // An integer range holds both its ends: n bars are 0..n - 1.
            .build_cartesian_2d((0..bars.len().max(1) - 1).into_segmented(), 0.0..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(bars.len())
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => bars.get(*i).map_or("", |b| b.0).to_string(),
                _ => String::new(),
            })
            .y_desc(y_label)
            .light_line_style(BLACK.mix(0.04))
            .bold_line_style(BLACK.mix(0.12))
            .draw()?;
        for (i, &(_, value)) in bars.iter().enumerate() {
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0.0),
                    (SegmentValue::Exact(i + 1), value),
                ],
                colour(i).filled(),
            );
            bar.set_margin(0, 0, 10, 10);
            chart.draw_series(std::iter::once(bar))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("{value:.1}"),
                (SegmentValue::CenterOf(i), value),
                ("sans-serif", 13)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            )))?;
        }
        root.present()?;
    }
    let policies: Vec<&str> = bars.iter().map(|b| b.0).collect();
    Ok(tag_series(&svg, "rect", "fill", &policies))
}

/// Adds `class="series" data-policy="NAME"` to each `<element>` whose
/// `attr` is the colour of a policy. plotters writes one element per line,
/// attributes in a fixed order.
fn tag_series(svg: &str, element: &str, attr: &str, policies: &[&str]) -> String {
    let open = format!("<{element} ");
    let marks: Vec<String> = (0..policies.len())
        .map(|i| format!(" {attr}=\"{}\"", hex(colour(i))))
        .collect();
    let mut out = String::with_capacity(svg.len() + 64 * policies.len());
    for line in svg.lines() {
        let policy = line
            .strip_prefix(&open)
            .and_then(|_| marks.iter().position(|m| line.contains(m.as_str())));
        match policy {
            Some(i) => {
                out.push_str(&open);
                out.push_str(&format!(
                    "class=\"series\" data-policy=\"{}\" ",
                    escape_attr(policies[i])
                ));
                out.push_str(&line[open.len()..]);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn escape_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(svg: &str, needle: &str) -> usize {
        svg.matches(needle).count()
    }

    #[test]
    fn each_line_is_tagged_with_its_policy_and_the_legend_is_not() {
        let plot = LinePlot {
            title: "t",
            x_label: "x",
            y_label: "y",
            x: 0.0..10.0,
            y: 0.0..5.0,
            y_decimals: 0,
            x_log: false,
            legend: Legend::UpperLeft,
            x_mark: Some(1.0),
        };
        let line = |policy: &str, points| Series {
            policy: policy.into(),
            label: format!("{policy} (1)"),
            points,
        };
        let series = [
            line("synergai", vec![(0.0, 0.0), (5.0, 2.0), (10.0, 3.0)]),
            line("k8s-default", vec![(0.0, 1.0), (10.0, 4.0)]),
        ];
        let svg = lines(&plot, &series).unwrap();
        assert_eq!(count(&svg, "class=\"series\""), 2, "{svg}");
        assert_eq!(count(&svg, "data-policy=\"synergai\""), 1);
        assert_eq!(count(&svg, "data-policy=\"k8s-default\""), 1);
        assert_eq!(count(&svg, "synergai (1)\n</text>"), 1, "{svg}");
        // The log axis draws too.
        let log = LinePlot {
            x: 0.1..100.0,
            x_log: true,
            ..plot
        };
        let svg = lines(&log, &series).unwrap();
        assert_eq!(count(&svg, "class=\"series\""), 2, "{svg}");
    }

    #[test]
    fn each_bar_is_tagged_with_its_policy() {
        let svg = bars("energy", "kJ", &[("a", 3.0), ("b", 0.0), ("c", 7.5)]).unwrap();
        assert_eq!(count(&svg, "class=\"series\""), 3, "{svg}");
        assert!(svg.contains("data-policy=\"c\""));
    }
}
