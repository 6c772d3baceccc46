//! `synergai tui`: the dashboard. [`app`] holds the state and turns keys
//! into source commands, [`ui`] draws, [`theme`] and [`keymap`] load the
//! user's overlays; [`run`] wires them to a source and a terminal.

pub mod app;
pub mod keymap;
pub mod theme;
pub mod ui;

use crate::error::{Error, Result};
use crate::policy::PolicyKind;
use crate::source::{self, Command, ReplayDriver};
use app::App;
use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What `synergai tui` was asked for.
#[derive(Clone, Debug)]
pub struct TuiOptions {
    pub fixture: Option<PathBuf>,
    pub policy: PolicyKind,
    pub speed: f64,
    pub theme: Option<String>,
    pub read_only: bool,
    pub manual: bool,
    /// Watch a live cluster instead of replaying a fixture.
    pub kube: Option<crate::kube::client::Target>,
    /// Record the live session to this file (`kind: Recording`).
    pub record: Option<PathBuf>,
}

/// Appends a line to `$XDG_STATE_HOME/synergai/tui.log` (never the screen).
fn log(line: &str) {
    let dir = crate::fixture::state_dir();
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("tui.log"))
    {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let _ = writeln!(f, "{secs} {line}");
    }
}

/// Builds the app for a first view: theme (mono under NO_COLOR) and the
/// keymap with the user's overlay. Fails before touching the terminal.
pub fn build_app(view: Arc<source::View>, theme: Option<&str>, read_only: bool) -> Result<App> {
    let config_dir = theme::config_dir();
    let no_color = theme::no_color();
    let theme = if no_color {
        theme::mono()
    } else {
        match theme {
            Some(t) => theme::load(t, config_dir.as_deref())?,
            None => theme::Theme::default(),
        }
    };
    let keymap = keymap::Keymap::with_user_overlay(config_dir.as_deref())?;
    Ok(App::new(
        view, theme, keymap, read_only, config_dir, no_color,
    ))
}

/// Runs the dashboard until the operator quits or a signal arrives.
pub fn run(options: TuiOptions) -> Result<()> {
    if !(options.speed > 0.0 && options.speed.is_finite()) {
        return Err(Error::Usage(format!(
            "--speed must be positive, got {}",
            options.speed
        )));
    }
    if options.record.is_some() && options.kube.is_none() {
        return Err(Error::Usage(
            "--record records a live session: it needs --kube".into(),
        ));
    }
    let (commands, mut views, live_thread) = match &options.kube {
        Some(target) => {
            let profile_ref = "builtin:edge-cloud";
            let profile = crate::fixture::load_profile(&crate::fixture::Origin::Embedded(
                "profiles/edge-cloud.yaml".into(),
            ))?;
            let live = source::kube::spawn(
                target.clone(),
                Arc::new(profile),
                profile_ref,
                Duration::from_millis(250),
                options.record.clone(),
            )?;
            (live.commands, live.views, Some(live.thread))
        }
        None => {
            let (commands, views) = spawn_fixture(&options)?;
            (commands, views, None)
        }
    };
    let first = views.borrow_and_update().clone();
    let mut app = build_app(first, options.theme.as_deref(), options.read_only)?;
    log(&format!("start: {}", app.view.source));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the event loop: {e}")))?;
    let result = runtime.block_on(async {
        let mut terminal = ratatui::init();
        let outcome = event_loop(&mut terminal, &mut app, &commands, &mut views).await;
        ratatui::restore();
        outcome
    });
    log(&format!("stop: {result:?}"));
    // The live source writes the end of its recording once it sees the
    // command channel close.
    drop(commands);
    if let Some(thread) = live_thread {
        match thread.join() {
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err(Error::Usage("the live source thread panicked".into())),
            Ok(Ok(())) => {}
        }
    }
    result
}

type Channels = (
    std::sync::mpsc::Sender<Command>,
    tokio::sync::watch::Receiver<Arc<source::View>>,
);

/// The replay of a scenario, or the playback of a recording.
fn spawn_fixture(options: &TuiOptions) -> Result<Channels> {
    let frame = Duration::from_millis(50);
    if let Some(path) = &options.fixture {
        let origin = crate::fixture::Origin::File(path.clone());
        let text = origin.read()?;
        if crate::fixture::kind_of(&origin.display(), &text)? == "Recording" {
            let recording = crate::fixture::recording::load(&origin)?;
            let player =
                source::recording::Player::new(recording, &origin.display(), options.speed);
            return Ok(source::spawn(player, frame));
        }
    }
    let scenario = crate::fixture::load_scenario_or_default(options.fixture.as_deref())?;
    let driver = ReplayDriver::new(scenario, options.policy, options.speed, options.manual);
    Ok(source::spawn(driver, frame))
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    commands: &std::sync::mpsc::Sender<Command>,
    views: &mut tokio::sync::watch::Receiver<Arc<source::View>>,
) -> Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let io = |e: std::io::Error| Error::Io {
        path: "<terminal>".into(),
        source: e,
    };
    let mut term = signal(SignalKind::terminate()).map_err(io)?;
    let mut hup = signal(SignalKind::hangup()).map_err(io)?;
    let mut int = signal(SignalKind::interrupt()).map_err(io)?;
    let mut events = EventStream::new();
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| ui::draw(f, app)).map_err(io)?;
            dirty = false;
        }
        if app.quit {
            return Ok(());
        }
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => {
                    for command in app.on_key(key) {
                        // The app refuses these already; never send one anyway.
                        if command.mutates() && app.read_only {
                            continue;
                        }
                        log(&format!("command: {command:?}"));
                        let _ = commands.send(command);
                    }
                    dirty = true;
                }
                Some(Ok(Event::Resize(_, _))) => dirty = true,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(io(e)),
                None => return Ok(()),
            },
            changed = views.changed() => {
                if changed.is_err() {
                    return Ok(());
                }
                let view = views.borrow_and_update().clone();
                if let Some(note) = &view.note {
                    log(&format!("note: {}", note.text));
                }
                app.set_view(view);
                dirty = true;
            }
            _ = term.recv() => { log("SIGTERM"); return Ok(()); }
            _ = hup.recv() => { log("SIGHUP"); return Ok(()); }
            _ = int.recv() => { log("SIGINT"); return Ok(()); }
        }
    }
}
