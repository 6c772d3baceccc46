//! One dashboard frame at 160×48 — the jobs view with the architectures
//! panel and the decisions log, and the architectures view with its charts
//! (after a what-if switch, so the violations chart has both policies) —
//! at 50 nodes / 200 jobs and at 5,000 nodes / 100,000 jobs. Target:
//! ≤ 16 ms per frame at the large size.

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::sync::Arc;
use synergai::fixture::generate::{GenerateParams, generate_scenario};
use synergai::fixture::{Origin, load_scenario};
use synergai::policy::PolicyKind;
use synergai::source::{Command, ReplayDriver};
use synergai::tui::app::{App, Pane};
use synergai::tui::keymap::Keymap;
use synergai::tui::theme::Theme;
use synergai::tui::ui;

/// A replay of a generated scenario, busy: the clock is a third of the way in.
fn driver(nodes: u32, jobs: u64) -> ReplayDriver {
    let dir = std::env::temp_dir().join(format!("synergai-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{nodes}-{jobs}.yaml"));
    let params = GenerateParams::new(nodes, jobs, 9, 0.9);
    std::fs::write(&path, generate_scenario(&params, "render bench").unwrap()).unwrap();
    let scenario = load_scenario(&Origin::File(path)).unwrap();
    let last = scenario.jobs.last().map_or(0.0, |j| j.arrival_ms);
    let mut driver = ReplayDriver::new(scenario, PolicyKind::Synergai, 10.0, false);
    driver.apply(Command::JumpTo(last / 6.0));
    driver.apply(Command::SwitchPolicy(PolicyKind::SloAware));
    driver.apply(Command::JumpTo(last / 3.0));
    driver
}

fn app(driver: &mut ReplayDriver) -> App {
    App::new(
        Arc::new(driver.view()),
        Theme::default(),
        Keymap::defaults(),
        false,
        None,
        false,
    )
}

fn frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    group.sample_size(30);
    for (nodes, jobs) in [(50, 200), (5_000, 100_000)] {
        let mut driver = driver(nodes, jobs);
        let mut app = app(&mut driver);
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
        group.bench_function(format!("draw/{nodes}n-{jobs}j"), |b| {
            b.iter(|| {
                terminal.draw(|f| ui::draw(f, black_box(&app))).unwrap();
            })
        });
        app.pane = Pane::Archs;
        group.bench_function(format!("draw-charts/{nodes}n-{jobs}j"), |b| {
            b.iter(|| {
                terminal.draw(|f| ui::draw(f, black_box(&app))).unwrap();
            })
        });
        // What the source does per published view (on its own thread).
        group.bench_function(format!("view/{nodes}n-{jobs}j"), |b| {
            b.iter(|| black_box(driver.view()))
        });
    }
    group.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
