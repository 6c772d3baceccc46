//! The dashboard without a terminal: screens rendered with ratatui's
//! `TestBackend` from replay views (insta snapshots at 80×24 and 160×48),
//! and the key and mouse flows driving the app state and the replay
//! source (sorting, the regex filter, clicks where the frame drew).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use synergai::fixture::load_default;
use synergai::model::{JobState, PinRef};
use synergai::policy::PolicyKind;
use synergai::source::{Command, Driver, ReplayDriver};
use synergai::tui::app::{App, ChartKind, Input, Pane, Popup};
use synergai::tui::keymap::Keymap;
use synergai::tui::mouse::HitMap;
use synergai::tui::theme::Theme;
use synergai::tui::ui;

fn driver(manual: bool, at_ms: f64) -> ReplayDriver {
    let mut d = ReplayDriver::new(load_default().unwrap(), PolicyKind::Synergai, 10.0, manual);
    d.apply(Command::JumpTo(at_ms));
    d
}

fn app(d: &mut ReplayDriver, read_only: bool) -> App {
    App::new(
        Arc::new(d.view()),
        Theme::default(),
        Keymap::defaults(),
        read_only,
        None,
        false,
    )
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn chr(c: char) -> KeyEvent {
    let m = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), m)
}

fn type_str(app: &mut App, s: &str) -> Vec<Command> {
    s.chars().flat_map(|c| app.on_key(chr(c))).collect()
}

/// Sends an app's commands to the driver and hands the new view back.
fn pump(app: &mut App, d: &mut ReplayDriver, commands: Vec<Command>) {
    for c in commands {
        d.apply(c);
    }
    app.set_view(Arc::new(d.view()));
}

fn render(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, app)).unwrap();
    terminal.backend().to_string()
}

fn snapshot_both(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_80x24"), render(app, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), render(app, 160, 48));
}

#[test]
fn screen_jobs() {
    let mut d = driver(false, 120_000.0);
    snapshot_both("jobs", &app(&mut d, false));
}

#[test]
fn screen_nodes_archs_log() {
    let mut d = driver(false, 120_000.0);
    let mut a = app(&mut d, false);
    for (pane, name) in [
        (Pane::Nodes, "nodes"),
        (Pane::Archs, "archs"),
        (Pane::Log, "log"),
    ] {
        a.pane = pane;
        snapshot_both(name, &a);
    }
}

#[test]
fn nodes_show_measured_usage_only_when_the_cluster_has_metrics() {
    let mut d = driver(false, 120_000.0);
    let mut view = d.view();
    let mut a = app(&mut d, false);
    a.pane = Pane::Nodes;
    assert!(!render(&a, 160, 48).contains("USED (METRICS)"));
    view.snapshot.nodes[0].measured = Some(synergai::model::Measured {
        cpu_millis: 2350,
        memory_mib: 3072,
    });
    let first = view.snapshot.nodes[0].name.clone();
    a.set_view(Arc::new(view));
    let screen = render(&a, 160, 48);
    assert!(screen.contains("USED (METRICS)"), "{screen}");
    let row = screen.lines().find(|l| l.contains(&first)).unwrap();
    assert!(row.contains("2.35 cores 3072Mi"), "{row}");
}

#[test]
fn screen_help_popup() {
    let mut d = driver(false, 60_000.0);
    let mut a = app(&mut d, false);
    a.on_key(chr('?'));
    assert_eq!(a.popup, Some(Popup::Help));
    snapshot_both("help", &a);
}

#[test]
fn screen_job_detail_popup_shows_the_explain_table() {
    let mut d = driver(false, 120_000.0);
    let mut a = app(&mut d, false);
    let commands = a.on_key(key(KeyCode::Enter));
    let job = a.selected_job().unwrap().name.clone();
    assert_eq!(commands, vec![Command::Explain(Some(job.clone()))]);
    pump(&mut a, &mut d, commands);
    let e = a.view.explain.as_ref().expect("explanation in the view");
    assert_eq!(e.job, job);
    assert!(e.candidates.iter().any(|c| c.chosen));
    snapshot_both("detail", &a);
    let commands = a.on_key(key(KeyCode::Esc));
    assert_eq!(commands, vec![Command::Explain(None)]);
    assert!(a.popup.is_none());
}

#[test]
fn screen_read_only_manual_and_too_small() {
    let mut d = driver(true, 45_000.0);
    let a = app(&mut d, true);
    snapshot_both("manual_read_only", &a);
    insta::assert_snapshot!("too_small", render(&a, 50, 12));
}

#[test]
fn override_flow_pins_the_job_and_logs_it_as_override() {
    let mut d = driver(true, 30_000.0);
    let mut a = app(&mut d, false);
    let job = a.selected_job().unwrap().clone();
    assert_eq!(job.state, synergai::model::JobState::Pending);
    assert!(a.on_key(chr('o')).is_empty());
    let Some(Popup::Override(p)) = &a.popup else {
        panic!("picker not open")
    };
    let pi = p
        .targets
        .iter()
        .position(|t| *t == PinRef::Node("pi-2".into()))
        .unwrap();
    snapshot_both("override_picker", &a);
    for _ in 0..pi {
        a.on_key(key(KeyCode::Down));
    }
    assert!(
        a.on_key(key(KeyCode::Enter)).is_empty(),
        "asks for a reason first"
    );
    type_str(&mut a, "edge only");
    let commands = a.on_key(key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![Command::Override {
            job: job.name.clone(),
            target: PinRef::Node("pi-2".into()),
            reason: "edge only".into()
        }]
    );
    pump(&mut a, &mut d, commands);
    assert!(
        a.status
            .as_ref()
            .unwrap()
            .text
            .contains("pinned to node pi-2")
    );
    // Trigger in manual mode places it there, as an override.
    let commands = a.on_key(chr('p'));
    assert_eq!(commands, vec![Command::Trigger]);
    pump(&mut a, &mut d, commands);
    let placed = a
        .view
        .snapshot
        .jobs
        .iter()
        .find(|j| j.name == job.name)
        .unwrap();
    assert_eq!(placed.node.as_deref(), Some("pi-2"));
    assert_eq!(placed.placed_by, Some(synergai::model::PlacedBy::Override));
    assert!(
        a.view
            .log
            .iter()
            .any(|l| l.job == job.name && l.placed_by == "override")
    );
}

#[test]
fn release_removes_a_pin_before_placement() {
    let mut d = driver(true, 30_000.0);
    let mut a = app(&mut d, false);
    let job = a.selected_job().unwrap().name.clone();
    pump(
        &mut a,
        &mut d,
        vec![Command::Override {
            job: job.clone(),
            target: PinRef::Arch("rpi5".into()),
            reason: String::new(),
        }],
    );
    let commands = a.on_key(chr('r'));
    assert_eq!(commands, vec![Command::Release { job: job.clone() }]);
    pump(&mut a, &mut d, commands);
    assert!(a.status.as_ref().unwrap().text.contains("released"));
    assert!(
        a.view
            .snapshot
            .jobs
            .iter()
            .find(|j| j.name == job)
            .unwrap()
            .pin
            .is_none()
    );
}

#[test]
fn manual_mode_places_nothing_until_triggered() {
    let mut d = driver(true, 90_000.0);
    let mut a = app(&mut d, false);
    assert_eq!(a.view.snapshot.running, 0);
    assert!(a.view.snapshot.pending > 0);
    let commands = a.on_key(chr('p'));
    pump(&mut a, &mut d, commands);
    assert!(a.view.snapshot.running > 0);
}

#[test]
fn policy_switch_from_the_command_line_is_a_what_if() {
    let mut d = driver(false, 60_000.0);
    let mut a = app(&mut d, false);
    a.on_key(chr(':'));
    type_str(&mut a, "pol");
    a.on_key(key(KeyCode::Tab));
    assert_eq!(a.input, Input::Command("policy ".into()));
    type_str(&mut a, "k8s");
    a.on_key(key(KeyCode::Tab));
    assert_eq!(a.input, Input::Command("policy k8s-default ".into()));
    let commands = a.on_key(key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![Command::SwitchPolicy(PolicyKind::K8sDefault)]
    );
    pump(&mut a, &mut d, commands);
    pump(&mut a, &mut d, vec![Command::JumpTo(300_000.0)]);
    assert_eq!(a.view.policy, "k8s-default");
    let w = a.view.what_if.as_ref().unwrap();
    assert_eq!(w.other_policy, "synergai");
    let header = render(&a, 160, 48);
    assert!(
        header.contains("what-if since 1.0m") || header.contains("what-if since 1m00s"),
        "{header}"
    );
}

#[test]
fn filter_narrows_the_jobs_table() {
    let mut d = driver(false, 120_000.0);
    let mut a = app(&mut d, false);
    let all = a.visible_jobs().len();
    a.on_key(chr('/'));
    type_str(&mut a, "bert");
    a.on_key(key(KeyCode::Enter));
    assert_eq!(a.filter.text(), "bert");
    let some = a.visible_jobs();
    assert!(!some.is_empty() && some.len() < all);
    assert!(
        some.iter()
            .all(|j| j.model.contains("bert") || j.name.contains("bert"))
    );
    a.on_key(key(KeyCode::Esc));
    assert_eq!(a.visible_jobs().len(), all);
}

#[test]
fn theme_cycles_through_the_available_themes() {
    let mut d = driver(false, 10_000.0);
    let mut a = app(&mut d, false);
    let first = a.theme.name.clone();
    let mut seen = vec![first.clone()];
    for _ in 0..a.themes.len() {
        a.on_key(chr('t'));
        seen.push(a.theme.name.clone());
    }
    assert_eq!(seen.last(), Some(&first), "cycles back: {seen:?}");
    for t in ["dark", "light", "high-contrast", "colorblind", "mono"] {
        assert!(seen.iter().any(|s| s == t), "{t} not in {seen:?}");
    }
}

#[test]
fn read_only_refuses_every_action_that_changes_placements() {
    let mut d = driver(true, 30_000.0);
    let mut a = app(&mut d, true);
    for c in ['p', 'o', 'r', 'm'] {
        assert!(
            a.on_key(chr(c)).is_empty(),
            "{c} sent a command in read-only mode"
        );
        assert!(
            a.status.as_ref().unwrap().text.starts_with("read-only"),
            "{c}"
        );
        assert!(a.popup.is_none());
    }
    a.on_key(chr(':'));
    type_str(&mut a, "policy random");
    assert!(a.on_key(key(KeyCode::Enter)).is_empty());
    // Clock control still works.
    assert_eq!(a.on_key(chr(' ')), vec![Command::TogglePause]);
}

#[test]
fn clock_keys_map_to_source_commands() {
    let mut d = driver(false, 10_000.0);
    let mut a = app(&mut d, false);
    assert_eq!(a.on_key(chr('+')), vec![Command::SpeedUp]);
    assert_eq!(a.on_key(chr('-')), vec![Command::SlowDown]);
    assert_eq!(a.on_key(chr('.')), vec![Command::Step]);
    a.on_key(chr('J'));
    assert_eq!(a.input, Input::Command("jump ".into()));
    type_str(&mut a, "5m");
    assert_eq!(
        a.on_key(key(KeyCode::Enter)),
        vec![Command::JumpTo(300_000.0)]
    );
    a.on_key(chr('q'));
    assert!(a.quit);
}

#[test]
fn the_cursor_follows_the_selected_job_across_views() {
    let mut d = driver(false, 60_000.0);
    let mut a = app(&mut d, false);
    a.on_key(key(KeyCode::Down));
    a.on_key(key(KeyCode::Down));
    let job = a.selected_job().unwrap().name.clone();
    for _ in 0..5 {
        d.advance(500.0);
        a.set_view(Arc::new(d.view()));
        if let Some(j) = a.selected_job()
            && a.view.snapshot.jobs.iter().any(|x| x.name == job)
        {
            assert_eq!(j.name, job);
        }
    }
}

/// A replay switched to another policy at 1 min (a what-if), at 4 min.
fn what_if_app() -> App {
    let mut d = driver(false, 60_000.0);
    d.apply(Command::SwitchPolicy(PolicyKind::K8sDefault));
    d.apply(Command::JumpTo(240_000.0));
    app(&mut d, false)
}

fn render_chart(app: &App, kind: ChartKind, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw_chart(f, app, kind)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn screen_each_chart_at_both_sizes() {
    let a = what_if_app();
    let (other, series) = a.view.timeline.other.clone().expect("a what-if");
    assert_eq!(other, "synergai");
    assert_eq!(series.len(), a.view.timeline.at_ms.len());
    for kind in ChartKind::ALL {
        for (w, h) in [(80, 24), (160, 48)] {
            let screen = render_chart(&a, kind, w, h);
            insta::assert_snapshot!(format!("chart_{}_{w}x{h}", kind.name()), screen);
        }
    }
    // The violations chart has a line per policy, named in its legend.
    let screen = render_chart(&a, ChartKind::Violations, 160, 48);
    assert!(
        screen.contains("k8s-default") && screen.contains("synergai"),
        "{screen}"
    );
}

#[test]
fn screen_archs_view_after_a_what_if() {
    let mut a = what_if_app();
    a.pane = Pane::Archs;
    snapshot_both("archs_what_if", &a);
}

#[test]
fn charts_fall_back_to_text_when_the_panel_is_small() {
    let mut a = what_if_app();
    a.pane = Pane::Archs;
    // At 80×24 the row of plots is too low to draw: each says it in text.
    let small = render(&a, 80, 24);
    assert!(small.contains("cores: "), "{small}");
    let tiny = render_chart(&a, ChartKind::Slack, 20, 6);
    assert!(tiny.contains("<0 "), "{tiny}");
    // At 160×48 they are charts (braille lines, no fallback text).
    let big = render(&a, 160, 48);
    assert!(!big.contains("cores: "), "{big}");
    assert!(
        big.chars().any(|c| ('\u{2801}'..='\u{28FF}').contains(&c)),
        "{big}"
    );
}

#[test]
fn the_archs_view_lists_models_with_their_configurations() {
    let mut d = driver(false, 120_000.0);
    let a = app(&mut d, false);
    let models = &a.view.models;
    assert!(!models.is_empty());
    let done: u32 = models.iter().map(|m| m.done).sum();
    let late: u32 = models.iter().map(|m| m.violations).sum();
    assert_eq!(done, a.view.snapshot.done);
    assert_eq!(late, a.view.snapshot.violations);
    let running: u32 = models.iter().map(|m| m.running).sum();
    assert_eq!(running, a.view.snapshot.running);
    let in_configs: u32 = models.iter().flat_map(|m| &m.configs).map(|(_, n)| n).sum();
    assert_eq!(
        in_configs, running,
        "every running job has its configuration"
    );
}

#[test]
fn screen_recording_playback_archs_view() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/recordings/lab-session.yaml");
    let spec = synergai::source::SourceSpec::fixture(Some(&path), PolicyKind::Synergai, 1.0, false)
        .unwrap();
    let synergai::source::SourceSpec::Recording { recording, .. } = spec else {
        panic!("not a recording");
    };
    let mut player = synergai::source::recording::Player::new(recording, "lab-session.yaml", 1.0);
    // One view per second of the session, as the player publishes them.
    for t in 1..=30 {
        player.apply(Command::JumpTo(f64::from(t) * 1000.0));
        player.view();
    }
    let mut a = App::new(
        Arc::new(player.view()),
        Theme::default(),
        Keymap::defaults(),
        true,
        None,
        false,
    );
    assert!(a.view.timeline.at_ms.len() > 10);
    a.pane = Pane::Archs;
    snapshot_both("recording_archs", &a);
}

#[test]
fn chart_command_zooms_a_chart_and_escape_closes_it() {
    let mut a = what_if_app();
    a.on_key(chr(':'));
    type_str(&mut a, "chart vi");
    a.on_key(key(KeyCode::Tab));
    assert_eq!(a.input, Input::Command("chart violations ".into()));
    a.on_key(key(KeyCode::Enter));
    assert_eq!(a.popup, Some(Popup::Chart(ChartKind::Violations)));
    let screen = render(&a, 160, 48);
    assert!(screen.contains("violations so far"), "{screen}");
    a.on_key(key(KeyCode::Esc));
    assert_eq!(a.popup, None);
    a.run_command("chart nope");
    assert!(a.status.as_ref().unwrap().error);
}

#[test]
fn a_note_stays_until_the_next_key_and_the_hints_name_place_and_policy() {
    let mut d = driver(false, 120_000.0);
    let mut a = app(&mut d, false);
    a.run_command("nonsense");
    assert!(render(&a, 160, 48).contains("unknown command `nonsense`"));
    a.on_key(chr('j'));
    assert_eq!(a.status, None);
    let screen = render(&a, 160, 48);
    assert!(!screen.contains("unknown command"), "{screen}");
    let status = screen.lines().last().unwrap();
    assert!(
        status.contains("p place") && status.contains("P policy"),
        "{status}"
    );
}

/// Renders and keeps where the tabs and the table went, as the event loop
/// does after each frame.
fn render_recording(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut hits = HitMap::default();
    terminal
        .draw(|f| hits = ui::draw_with_hits(f, app))
        .unwrap();
    app.hits = hits;
    terminal.backend().to_string()
}

/// The header line of the main table (the line under its title).
fn table_header(screen: &str, title: &str) -> String {
    let mut lines = screen.lines();
    lines.find(|l| l.contains(&format!("┌ {title}")));
    lines.next().unwrap_or_default().to_string()
}

fn run(app: &mut App, line: &str) -> Vec<Command> {
    app.on_key(chr(':'));
    type_str(app, line);
    app.on_key(key(KeyCode::Enter))
}

#[test]
fn s_cycles_the_sort_column_shown_capital_s_flips_and_the_cursor_stays() {
    let mut d = driver(false, 120_000.0);
    let mut a = app(&mut d, false);
    let screen = render_recording(&mut a, 80, 24);
    // The default order is by slack, least first.
    assert!(table_header(&screen, "jobs").contains("SLACK↑"), "{screen}");
    a.on_key(key(KeyCode::Down));
    a.on_key(key(KeyCode::Down));
    let followed = a.selected_job().unwrap().name.clone();
    let mut headers = Vec::new();
    for _ in 0..4 {
        a.on_key(chr('s'));
        let screen = render_recording(&mut a, 80, 24);
        let header = table_header(&screen, "jobs");
        headers.push(
            header
                .split(|c: char| c == '│' || c.is_whitespace())
                .find(|w| w.ends_with('↑') || w.ends_with('↓'))
                .unwrap_or("none")
                .to_string(),
        );
        assert_eq!(a.selected_job().unwrap().name, followed, "{screen}");
    }
    // At 80 columns QUERIES, QOS and LATENCY are not on screen: skipped.
    assert_eq!(headers, ["PLACED-BY↑", "JOB↑", "MODEL↑", "STATE↑"]);
    let states: Vec<_> = a.visible_jobs().iter().map(|j| j.state).collect();
    assert!(states.is_sorted(), "{states:?}");
    a.on_key(chr('S'));
    let screen = render_recording(&mut a, 80, 24);
    assert!(table_header(&screen, "jobs").contains("STATE↓"), "{screen}");
    let states: Vec<_> = a.visible_jobs().iter().map(|j| j.state).collect();
    assert!(states.iter().rev().is_sorted(), "{states:?}");
    assert_eq!(a.selected_job().unwrap().name, followed);
    // The nodes table has its own order, from the source's.
    a.on_key(chr('2'));
    let screen = render_recording(&mut a, 80, 24);
    assert!(!table_header(&screen, "nodes").contains('↑'), "{screen}");
    a.on_key(chr('s'));
    let screen = render_recording(&mut a, 80, 24);
    assert!(table_header(&screen, "nodes").contains("NODE↑"), "{screen}");
}

#[test]
fn sort_command_takes_a_column_and_a_direction() {
    let mut d = driver(false, 120_000.0);
    let mut a = app(&mut d, false);
    a.on_key(chr(':'));
    type_str(&mut a, "so");
    a.on_key(key(KeyCode::Tab));
    type_str(&mut a, "sl");
    a.on_key(key(KeyCode::Tab));
    assert_eq!(a.input, Input::Command("sort slack ".into()));
    type_str(&mut a, "d");
    a.on_key(key(KeyCode::Tab));
    assert_eq!(a.input, Input::Command("sort slack desc ".into()));
    a.on_key(key(KeyCode::Enter));
    let screen = render(&a, 160, 48);
    assert!(table_header(&screen, "jobs").contains("SLACK↓"), "{screen}");
    // Finished jobs stay after the others; the others by slack, most first.
    let jobs = a.visible_jobs();
    let open: Vec<f64> = jobs
        .iter()
        .take_while(|j| j.state != JobState::Done)
        .filter_map(|j| j.slack_ms)
        .collect();
    assert!(
        open.len() > 1 && open.windows(2).all(|w| w[0] >= w[1]),
        "{open:?}"
    );
    assert!(
        jobs.iter()
            .skip(open.len())
            .all(|j| j.state == JobState::Done)
    );

    // Not on screen at 80 columns: the title says it.
    run(&mut a, "sort -latency");
    let screen = render(&a, 80, 24);
    assert!(screen.contains("jobs (87) by latency↓"), "{screen}");
    assert!(table_header(&render(&a, 160, 48), "jobs").contains("LATENCY↓"));
    let latencies: Vec<f64> = a
        .visible_jobs()
        .iter()
        .filter_map(|j| j.latency_ms)
        .collect();
    assert!(latencies.windows(2).all(|w| w[0] >= w[1]), "{latencies:?}");

    run(&mut a, "sort model asc");
    let models: Vec<String> = a.visible_jobs().iter().map(|j| j.model.clone()).collect();
    assert!(models.is_sorted(), "{models:?}");

    run(&mut a, "sort colour");
    let note = a.status.clone().unwrap();
    assert!(
        note.error && note.text.contains("no column `colour`"),
        "{note:?}"
    );
    assert!(note.text.contains("slack"), "{note:?}");
    // `:sort` alone: the default order again.
    run(&mut a, "sort");
    assert!(table_header(&render(&a, 80, 24), "jobs").contains("SLACK↑"));
    // The decisions view sorts too.
    a.on_key(chr('4'));
    run(&mut a, "sort job");
    let jobs: Vec<String> = a.visible_log().iter().map(|l| l.job.clone()).collect();
    assert!(jobs.is_sorted(), "{jobs:?}");
    assert!(table_header(&render(&a, 80, 24), "decisions").contains("JOB↑"));
}

#[test]
fn filter_is_a_regular_expression_bang_inverts_and_bad_ones_match_as_text() {
    let mut d = driver(false, 120_000.0);
    let mut a = app(&mut d, false);
    let all = a.visible_jobs().len();
    a.on_key(chr('/'));
    type_str(&mut a, "^JOB-00006[0-4]$");
    a.on_key(key(KeyCode::Enter));
    let names: Vec<String> = a.visible_jobs().iter().map(|j| j.name.clone()).collect();
    assert!(!names.is_empty(), "case-insensitive");
    assert!(
        names
            .iter()
            .all(|n| ("job-000060"..="job-000064").contains(&n.as_str())),
        "{names:?}"
    );
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains(&format!(
            "jobs ({} matching /^JOB-00006[0-4]$)",
            names.len()
        )),
        "{screen}"
    );

    a.on_key(chr('/'));
    for _ in 0..20 {
        a.on_key(key(KeyCode::Backspace));
    }
    type_str(&mut a, "!done|bert");
    a.on_key(key(KeyCode::Enter));
    let kept = a.visible_jobs();
    assert!(!kept.is_empty() && kept.len() < all);
    assert!(
        kept.iter()
            .all(|j| j.state != JobState::Done && !j.model.contains("bert")),
        "the inverse keeps what does not match"
    );

    // Not a regular expression: an error on the status line, the text
    // matched as typed, no panic.
    a.on_key(key(KeyCode::Esc));
    assert_eq!(a.visible_jobs().len(), all);
    a.on_key(chr('/'));
    type_str(&mut a, "job-(");
    a.on_key(key(KeyCode::Enter));
    let note = a.status.clone().unwrap();
    assert!(note.error, "{note:?}");
    assert!(
        note.text.contains("not a regular expression") && note.text.contains("unclosed group"),
        "{note:?}"
    );
    assert!(a.visible_jobs().is_empty(), "no job name contains `job-(`");
    assert!(render(&a, 80, 24).contains("jobs (0 matching /job-( as text)"));
    // The nodes and decisions views filter with the same expression.
    a.on_key(chr('/'));
    for _ in 0..5 {
        a.on_key(key(KeyCode::Backspace));
    }
    type_str(&mut a, "^(pi|nx)-[12]$");
    a.on_key(key(KeyCode::Enter));
    let nodes: Vec<String> = a.visible_nodes().iter().map(|n| n.name.clone()).collect();
    assert_eq!(nodes, ["nx-1", "nx-2", "pi-1", "pi-2"]);
    a.on_key(chr('4'));
    a.on_key(chr('/'));
    for _ in 0..15 {
        a.on_key(key(KeyCode::Backspace));
    }
    type_str(&mut a, "^nx-");
    a.on_key(key(KeyCode::Enter));
    let log = a.visible_log();
    assert!(!log.is_empty() && log.len() < a.view.log.len());
    assert!(log.iter().all(|l| l.choice.starts_with("nx-")));
    let title = format!("decisions ({} matching /^nx-)", log.len());
    assert!(render(&a, 80, 24).contains(&title));
}

/// Where a tab was drawn, from the hit map.
fn tab_at(app: &App, pane: Pane) -> (u16, u16) {
    let (_, rect) = app.hits.tabs.iter().find(|(p, _)| *p == pane).unwrap();
    (rect.x + 1, rect.y)
}

fn mouse(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
    MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }
}

fn click(app: &mut App, (column, row): (u16, u16)) {
    app.on_mouse(mouse(MouseEventKind::Down(MouseButton::Left), column, row));
}

fn click_tab(app: &mut App, pane: Pane) {
    let at = tab_at(app, pane);
    click(app, at);
}

#[test]
fn mouse_clicks_tabs_headers_and_rows_and_the_wheel_scrolls() {
    let mut d = driver(false, 120_000.0);
    let mut a = app(&mut d, false);
    let screen = render_recording(&mut a, 160, 48);
    let table = a.hits.table.clone().unwrap();
    // The third row on screen.
    click(&mut a, (table.rows.x + 2, table.rows.y + 2));
    assert_eq!(a.selected(), 2);
    let third = a.selected_job().unwrap().name.clone();
    let line = screen.lines().nth(usize::from(table.rows.y) + 2).unwrap();
    assert!(line.contains(&third), "{line}");
    // Below the last row: nothing.
    click(&mut a, (table.rows.x + 2, table.rows.bottom() + 1));
    assert_eq!(a.selected(), 2);
    // The wheel moves the selection, three rows a step.
    a.on_mouse(mouse(MouseEventKind::ScrollDown, 0, 0));
    a.on_mouse(mouse(MouseEventKind::ScrollDown, 0, 0));
    assert_eq!(a.selected(), 8);
    a.on_mouse(mouse(MouseEventKind::ScrollUp, 0, 0));
    assert_eq!(a.selected(), 5);
    // A click on a header sorts by it; again, the other way.
    let (_, model) = table.header[1];
    click(&mut a, (model.x, model.y));
    let screen = render_recording(&mut a, 160, 48);
    assert!(table_header(&screen, "jobs").contains("MODEL↑"), "{screen}");
    click(&mut a, (model.x, model.y));
    let screen = render_recording(&mut a, 160, 48);
    assert!(table_header(&screen, "jobs").contains("MODEL↓"), "{screen}");
    // A tab switches the view.
    click_tab(&mut a, Pane::Nodes);
    assert_eq!(a.pane, Pane::Nodes);
    let screen = render_recording(&mut a, 160, 48);
    assert!(screen.contains("nodes (11)"), "{screen}");
    click_tab(&mut a, Pane::Log);
    assert_eq!(a.pane, Pane::Log);
    // Popups take no clicks; the wheel moves the override picker.
    let mut d = driver(true, 30_000.0);
    let mut a = app(&mut d, false);
    render_recording(&mut a, 160, 48);
    a.on_key(chr('o'));
    a.on_mouse(mouse(MouseEventKind::ScrollDown, 0, 0));
    let Some(Popup::Override(p)) = &a.popup else {
        panic!("picker not open")
    };
    assert_eq!(p.selected, 3);
    click_tab(&mut a, Pane::Nodes);
    assert_eq!(a.pane, Pane::Jobs);
}
