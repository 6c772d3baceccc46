//! `synergai tui`: the dashboard. [`app`] holds the state and turns keys
//! and mouse events into source commands, [`table`] sorts, filters and
//! sizes the tables, [`ui`] draws (and records in a [`mouse::HitMap`]
//! what went where), [`theme`] and [`keymap`] load the user's overlays;
//! [`run`] wires them to a source and a terminal.
//!
//! **Ending a session.** `q` (or `ctrl-c`, a key in raw mode, not a
//! signal), SIGTERM, SIGINT and SIGHUP all end it the same way: the
//! terminal is restored (raw mode off, alternate screen left, cursor
//! shown), the source is stopped, and the exit code is 0. A signal is an
//! ordinary way to close an interactive viewer, not a failure, so this
//! follows htop (SIGINT, SIGTERM and SIGQUIT restore the screen and
//! `_exit(0)`) and k9s (SIGHUP exits 0) rather than the shell convention
//! of 128 + signal (130 for SIGINT, 129 for SIGHUP), which describes a
//! process *killed* by the signal, not one that handled it. A panic
//! restores the terminal first, then prints its message on the normal
//! screen, and exits 101 (Rust's panic code); see [`install_panic_hook`].

pub mod app;
pub mod keymap;
pub mod mouse;
pub mod table;
pub mod theme;
pub mod ui;

use crate::error::{Error, Result};
use crate::source::{self, SourceHandle};
use app::App;
use crossterm::event::{Event, EventStream, MouseEventKind};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;

/// How the dashboard looks and what it allows (the source is chosen by the
/// command line and handed over open).
#[derive(Clone, Debug, Default)]
pub struct TuiOptions {
    pub theme: Option<String>,
    pub read_only: bool,
    /// Leave the mouse to the terminal (selecting text) instead of
    /// clicks and the wheel.
    pub no_mouse: bool,
}

/// A line of the dashboard's log (`$XDG_STATE_HOME/synergai/tui.log`,
/// where the command line sends every log line of `synergai tui`).
fn log(line: &str) {
    tracing::info!(target: "synergai::tui", "{line}");
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

/// Runs the dashboard on an open source until the operator quits or a
/// signal arrives; then stops the source (see [`SourceHandle::shutdown`]).
pub fn run(mut source: SourceHandle, options: TuiOptions) -> Result<()> {
    let first = source.views.borrow_and_update().clone();
    let mut app = build_app(first, options.theme.as_deref(), options.read_only)?;
    log(&format!("start: {}", app.view.source));
    let runtime = crate::runtime::build(crate::runtime::Workers::Current)?;
    let result = runtime.block_on(async {
        // Listen before touching the terminal: once it is raw, SIGTERM,
        // SIGINT and SIGHUP must end the session through the restore
        // below, never through their default action (which would leave
        // the terminal raw and on the alternate screen).
        let mut signals = Signals::listen()?;
        let use_mouse = !options.no_mouse;
        let mut terminal = init_terminal(use_mouse)?;
        let outcome = event_loop(
            &mut terminal,
            &mut app,
            &mut source,
            &mut signals,
            use_mouse,
        )
        .await;
        // Dropping the terminal shows the cursor if a frame hid it; the
        // restore then leaves the alternate screen and shows it there.
        drop(terminal);
        restore_terminal();
        outcome
    });
    match &result {
        Ok(end) => log(&format!("stop: {end}")),
        Err(e) => log(&format!("stop: error: {e}")),
    }
    // The source ends once it sees its command channel close: the replay
    // thread wakes from its blocking `recv` (paused) and returns (it is not
    // waited for), the live source writes the end of its recording (waited
    // for a bounded time). A source that stopped during the session did by
    // panicking: its message is printed (after the restore) and this exits
    // as that panic would, 101.
    source.shutdown(log)?;
    result.map(|_| ())
}

/// How often a live view is carried on with the clock between the views
/// the source publishes (the header's time, pending jobs' slack, the
/// utilization history).
const LIVE_TICK: Duration = Duration::from_millis(250);

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    source: &mut SourceHandle,
    signals: &mut Signals,
    use_mouse: bool,
) -> Result<End> {
    let mut events = EventStream::new();
    let mut dirty = true;
    let panic_after = test_hook::panic_after_frames();
    let mut frames: u64 = 0;
    // The source's latest view, as published (the app's may be carried on).
    let mut latest = app.view.clone();
    let mut tick = tokio::time::interval(LIVE_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if dirty {
            frames += 1;
            let mut hits = mouse::HitMap::default();
            terminal
                .draw(|f| {
                    hits = ui::draw_with_hits(f, app);
                    if panic_after == Some(frames) {
                        panic!("test hook: panicking while drawing frame {frames}");
                    }
                })
                .map_err(terminal_io)?;
            app.hits = hits;
            dirty = false;
        }
        if app.quit {
            return Ok(End::Quit);
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
                        let _ = source.commands.send(command);
                    }
                    dirty = true;
                }
                // Motion and releases are reported too: ignored, as is
                // everything with the mouse off (a terminal may still send it).
                Some(Ok(Event::Mouse(event)))
                    if use_mouse
                        && !matches!(
                            event.kind,
                            MouseEventKind::Moved | MouseEventKind::Drag(_) | MouseEventKind::Up(_)
                        ) =>
                {
                    for command in app.on_mouse(event) {
                        if command.mutates() && app.read_only {
                            continue;
                        }
                        log(&format!("command: {command:?}"));
                        let _ = source.commands.send(command);
                    }
                    dirty = true;
                }
                Some(Ok(Event::Resize(_, _))) => dirty = true,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(terminal_io(e)),
                None => return Ok(End::InputClosed),
            },
            changed = source.views.changed() => {
                if changed.is_err() {
                    return Ok(End::SourceStopped);
                }
                let view = source.views.borrow_and_update().clone();
                if let Some(note) = &view.note {
                    log(&format!("note: {}", note.text));
                }
                latest = view.clone();
                app.set_view(view);
                dirty = true;
            }
            _ = tick.tick(), if latest.clock.live => {
                app.set_view(Arc::new(latest.at(now_ms())));
                dirty = true;
            }
            name = signals.recv() => return Ok(End::Signal(name)),
        }
    }
}

/// Why a session ended (logged). All but [`End::SourceStopped`] exit 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    /// `q`, `ctrl-c` or `:quit`.
    Quit,
    /// SIGTERM, SIGINT or SIGHUP, by name.
    Signal(&'static str),
    /// The terminal's input closed.
    InputClosed,
    /// The source's thread ended, which only its panic does (the message
    /// is already printed): exits 101 like that panic.
    SourceStopped,
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            End::Quit => f.write_str("quit"),
            End::Signal(name) => write!(f, "ended by {name}"),
            End::InputClosed => f.write_str("terminal input closed"),
            End::SourceStopped => f.write_str("the source stopped"),
        }
    }
}

fn terminal_io(e: std::io::Error) -> Error {
    Error::Io {
        path: "<terminal>".into(),
        source: e,
    }
}

/// SIGTERM, SIGINT and SIGHUP, listened to for the whole session. Tokio's
/// handlers stay installed for the life of the process, so after the
/// session a further signal is ignored: everything after it (the restore,
/// the bounded wait for the live source) is bounded.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    /// Installs the handlers; needs the tokio runtime.
    fn listen() -> Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            term: signal(SignalKind::terminate()).map_err(terminal_io)?,
            int: signal(SignalKind::interrupt()).map_err(terminal_io)?,
            hup: signal(SignalKind::hangup()).map_err(terminal_io)?,
        })
    }

    /// The name of the next signal to arrive (cancel-safe).
    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
            _ = self.hup.recv() => "SIGHUP",
        }
    }
}

/// Whether the terminal is raw and on the alternate screen, so that
/// [`restore_terminal`] runs once and writes nothing to a terminal that
/// was never set up (or was already restored).
static TERMINAL_ACTIVE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether the terminal reports the mouse, so that [`restore_terminal`]
/// turns that off (only then).
static MOUSE_CAPTURED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Raw mode, alternate screen, mouse reports (unless `use_mouse` is off), and
/// the panic hook (installed first, so that a panic from here on restores
/// the terminal).
fn init_terminal(use_mouse: bool) -> Result<ratatui::DefaultTerminal> {
    install_panic_hook();
    crossterm::terminal::enable_raw_mode().map_err(terminal_io)?;
    TERMINAL_ACTIVE.store(true, std::sync::atomic::Ordering::SeqCst);
    crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)
        .and_then(|()| {
            if use_mouse {
                MOUSE_CAPTURED.store(true, std::sync::atomic::Ordering::SeqCst);
                crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)?;
            }
            Ok(())
        })
        .and_then(|()| {
            ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))
        })
        .map_err(|e| {
            restore_terminal();
            terminal_io(e)
        })
}

/// Puts the terminal back as the shell had it: mouse reports off, raw
/// mode off (crossterm restores the termios it saved, so canonical input
/// and echo are back), the alternate screen left, the cursor shown. Errors
/// are ignored (after SIGHUP there may be no terminal left to write to).
/// Idempotent.
fn restore_terminal() {
    if !TERMINAL_ACTIVE.swap(false, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    if MOUSE_CAPTURED.swap(false, std::sync::atomic::Ordering::SeqCst) {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    }
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Installs (once) a panic hook that restores the terminal and then calls
/// the previous hook, so the panic message lands on the normal screen, in
/// cooked mode, after the dashboard is gone; the process then exits 101.
/// (ratatui's own `init` hook leaves the cursor hidden, hence this one.)
fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            log(&format!("panic: {info}"));
            previous(info);
        }));
    });
}

/// Test hooks, compiled into debug builds only (`tests/` run the debug
/// binary); release builds have none, so no user can trigger them.
mod test_hook {
    /// `SYNERGAI_TEST_PANIC_AFTER_FRAMES=N`: the dashboard panics while
    /// drawing its Nth frame, so `tests/tui_pty.rs` can prove that a panic
    /// restores the terminal before its message is printed.
    #[cfg(debug_assertions)]
    pub fn panic_after_frames() -> Option<u64> {
        std::env::var("SYNERGAI_TEST_PANIC_AFTER_FRAMES")
            .ok()?
            .parse()
            .ok()
    }

    #[cfg(not(debug_assertions))]
    pub fn panic_after_frames() -> Option<u64> {
        None
    }
}
