//! End to end: the real `synergai tui` binary in a pseudo-terminal. Keys
//! go in, the screen comes out. However a session ends — `q`, SIGTERM,
//! SIGINT, SIGHUP (also with a popup or the command line open, paused, or
//! with the live source stuck on a cluster that never answers) or a panic —
//! the terminal must be left as the shell had it, checked three ways:
//!
//! - the raw byte stream ends by leaving the alternate screen
//!   (`\x1b[?1049l`) and showing the cursor (`\x1b[?25h`), and a terminal
//!   emulator (vt100) fed that stream ends on the normal screen with the
//!   cursor visible;
//! - raw mode is off: raw mode is a termios setting, not an escape, so the
//!   pty's termios is read (`tcgetattr` on the master) before, during and
//!   after the session: canonical input and echo are on before, off while
//!   the dashboard runs, and every flag is back as before once it exits;
//! - the exit code (0 for keys and signals, 101 for a panic) and the line
//!   `$XDG_STATE_HOME/synergai/tui.log` gives for the end.
//!
//! A SIGKILL control shows that these checks do fail when nothing restores
//! the terminal. Synchronisation waits for screen content, the exit or the
//! end of the output, each with a deadline; no fixed sleep orders events.
//!
//! The mouse is driven as a terminal reports it (SGR escape sequences):
//! a click on a row and on a view tab, the wheel; `--no-mouse` ignores them
//! and never turns mouse reports on.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const ROWS: u16 = 40;
const COLS: u16 = 140;
const LEAVE_ALTERNATE_SCREEN: &str = "\u{1b}[?1049l";
const ENTER_ALTERNATE_SCREEN: &str = "\u{1b}[?1049h";
const SHOW_CURSOR: &str = "\u{1b}[?25h";
/// Mouse button reports on and off (the first of the modes crossterm sets).
const MOUSE_ON: &str = "\u{1b}[?1000h";
const MOUSE_OFF: &str = "\u{1b}[?1000l";
/// A signal must end the process within this, whatever the source does.
const PROMPT: Duration = Duration::from_secs(2);
/// Generous bound for things that happen on their own (drawing, exiting).
const DEADLINE: Duration = Duration::from_secs(30);

/// Held while a pty is opened and its child spawned, and while `kill` is
/// spawned: a fork in another test thread between `openpty` and the
/// close-on-exec flag would leak the slave into that child, and this pty
/// would then never report the end of its output.
static SPAWN: Mutex<()> = Mutex::new(());

/// The pty's termios as this test reads it. portable-pty returns nix's
/// `Termios`, a crate this one does not name, so the flags are kept by
/// their names (bitflags' `Debug`), which are the same on every unix.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Modes {
    /// The local flags set (`ICANON`, `ECHO`, `ISIG`, …).
    local: Vec<String>,
    /// Every flag and control character, to compare before with after.
    all: String,
}

impl Modes {
    fn read(master: &dyn MasterPty) -> Modes {
        let t = master.get_termios().expect("tcgetattr on the pty master");
        let local = format!("{:?}", t.local_flags)
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty() && *w != "LocalFlags")
            .map(str::to_string)
            .collect();
        let all = format!(
            "{:?} {:?} {:?} {:?} {:?}",
            t.input_flags, t.output_flags, t.control_flags, t.local_flags, t.control_chars
        );
        Modes { local, all }
    }

    /// Canonical (line) input and echo: what a shell's prompt needs and
    /// what raw mode turns off.
    fn cooked(&self) -> bool {
        self.has("ICANON") && self.has("ECHO")
    }

    fn has(&self, flag: &str) -> bool {
        self.local.iter().any(|f| f == flag)
    }
}

struct Session {
    output: Arc<Mutex<Vec<u8>>>,
    /// Ends when the pty reports the end of the output (the child exited
    /// and nothing else holds the slave).
    reader: Option<JoinHandle<()>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    /// `XDG_STATE_HOME` and `XDG_CONFIG_HOME` of this session only.
    state: PathBuf,
    /// The termios before the dashboard started.
    before: Modes,
}

fn start(name: &str, args: &[&str], env: &[(&str, &str)]) -> Session {
    let state = std::env::temp_dir().join(format!("synergai-pty-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state).unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_synergai"));
    cmd.arg("tui");
    for a in args {
        cmd.arg(a);
    }
    cmd.env("XDG_STATE_HOME", &state);
    cmd.env("XDG_CONFIG_HOME", &state);
    cmd.env("TERM", "xterm-256color");
    cmd.env("RUST_BACKTRACE", "0");
    cmd.env_remove("NO_COLOR");
    cmd.env_remove("KUBECONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let (pair, child, before) = {
        let _spawning = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        // Before the child exists, so it cannot have changed anything yet.
        let before = Modes::read(&*pair.master);
        let child = pair.slave.spawn_command(cmd).expect("spawn synergai tui");
        (pair, child, before)
    };
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let writer = pair.master.take_writer().unwrap();
    let output = Arc::new(Mutex::new(Vec::new()));
    let sink = output.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        // Linux reports the end of a pty's output as EIO, others as 0.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    Session {
        output,
        reader: Some(reader),
        writer,
        child,
        master: pair.master,
        state,
        before,
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // A failed test must not leave its dashboard running.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        // Kept when the test failed, for its tui.log.
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.state);
        }
    }
}

impl Session {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// The screen as a terminal shows it (the raw stream only carries the
    /// cells that changed).
    fn screen(&self) -> String {
        emulate(&self.output.lock().unwrap()).screen().contents()
    }

    /// Waits until the screen shows `needle`.
    fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + DEADLINE;
        while Instant::now() < deadline {
            if self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("`{needle}` never appeared; screen:\n{}", self.screen());
    }

    /// The screen's rows, each as wide as the terminal.
    fn rows(&self) -> Vec<String> {
        emulate(&self.output.lock().unwrap())
            .screen()
            .rows(0, COLS)
            .collect()
    }

    /// Where `needle` first shows on the screen: 0-based row and column.
    fn locate(&self, needle: &str) -> (u16, u16) {
        self.rows()
            .iter()
            .enumerate()
            .find_map(|(row, line)| {
                let byte = line.find(needle)?;
                Some((row as u16, line[..byte].chars().count() as u16))
            })
            .unwrap_or_else(|| panic!("`{needle}` not on screen:\n{}", self.screen()))
    }

    /// The first word of a table row (its first column), on screen row `row`.
    fn first_cell(&self, row: u16) -> String {
        self.rows()[usize::from(row)]
            .trim_start_matches(['│', ' '])
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits until `check` holds for the screen.
    fn wait_until(&self, what: &str, check: impl Fn(&Session) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while Instant::now() < deadline {
            if check(self) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("{what} never happened; screen:\n{}", self.screen());
    }

    /// A left click (press and release) at a 0-based row and column, as an
    /// xterm reports it in SGR mode (1-based).
    fn click(&mut self, (row, column): (u16, u16)) {
        let (x, y) = (column + 1, row + 1);
        self.send(&format!("\u{1b}[<0;{x};{y}M\u{1b}[<0;{x};{y}m"));
    }

    /// One step of the wheel, down or up, at a 0-based row and column.
    fn wheel(&mut self, down: bool, (row, column): (u16, u16)) {
        let button = if down { 65 } else { 64 };
        self.send(&format!("\u{1b}[<{button};{};{}M", column + 1, row + 1));
    }

    /// Waits until the screen no longer shows `needle`.
    fn wait_gone(&self, needle: &str) {
        let deadline = Instant::now() + DEADLINE;
        while Instant::now() < deadline {
            if !self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("`{needle}` never went away; screen:\n{}", self.screen());
    }

    /// The dashboard is drawn and owns the terminal: raw mode is on.
    fn wait_until_drawn(&self) {
        self.wait_for("architectures");
        self.wait_for("jobs (");
        assert!(
            self.before.cooked(),
            "the pty starts cooked: {:?}",
            self.before
        );
        let during = Modes::read(&*self.master);
        assert!(
            !during.has("ICANON") && !during.has("ECHO"),
            "the dashboard runs in raw mode: {during:?}"
        );
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    /// Sends `signal` (`TERM`, `INT`, `HUP`, `KILL`) to the dashboard.
    fn signal(&self, signal: &str) {
        let pid = self.pid().to_string();
        let _spawning = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
        let status = std::process::Command::new("kill")
            .args(["-s", signal, &pid])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s {signal} {pid}");
    }

    /// Waits for the exit; returns the status and how long it took.
    fn wait_exit(&mut self) -> (portable_pty::ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, started.elapsed());
            }
            assert!(
                started.elapsed() < DEADLINE,
                "the dashboard did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends `signal` and checks the process ends promptly with code 0.
    fn end_with(&mut self, signal: &str) {
        self.signal(signal);
        let (status, took) = self.wait_exit();
        assert_eq!(status.exit_code(), 0, "{status:?} after SIG{signal}");
        assert!(status.signal().is_none(), "{status:?}: killed, not handled");
        assert!(
            took < PROMPT,
            "SIG{signal} took {took:?} to end the process"
        );
    }

    /// All the output, once the pty reports its end (the child exited).
    fn final_text(&mut self) -> String {
        let reader = self.reader.take().expect("final_text once");
        let deadline = Instant::now() + DEADLINE;
        while !reader.is_finished() {
            assert!(Instant::now() < deadline, "the pty output never ended");
            std::thread::sleep(Duration::from_millis(10));
        }
        reader.join().unwrap();
        self.text()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.state.join("synergai/tui.log")).unwrap_or_default()
    }

    /// The terminal after the exit: raw mode off with every termios flag
    /// as before, the normal screen, the cursor shown.
    fn assert_terminal_restored(&self, text: &str) {
        let after = Modes::read(&*self.master);
        assert!(
            after.cooked(),
            "raw mode still on after the exit: {after:?}"
        );
        assert_eq!(
            after, self.before,
            "termios differs from before the session"
        );
        let last_enter = text
            .rfind(ENTER_ALTERNATE_SCREEN)
            .expect("the dashboard entered the alternate screen");
        let last_leave = text
            .rfind(LEAVE_ALTERNATE_SCREEN)
            .expect("the alternate screen is left");
        assert!(last_leave > last_enter, "left the alternate screen last");
        assert!(
            text[last_leave..].contains(SHOW_CURSOR),
            "the cursor is shown after leaving the alternate screen"
        );
        let screen = emulate(text.as_bytes());
        assert!(
            !screen.screen().alternate_screen(),
            "ends on the normal screen"
        );
        assert!(
            !screen.screen().hide_cursor(),
            "ends with the cursor visible"
        );
        if let Some(on) = text.rfind(MOUSE_ON) {
            let off = text.rfind(MOUSE_OFF).expect("mouse reports are turned off");
            assert!(off > on, "mouse reports are off at the end");
        }
        assert_eq!(
            screen.screen().mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "the terminal reports no mouse events after the exit"
        );
    }
}

fn emulate(bytes: &[u8]) -> vt100::Parser {
    let mut parser = vt100::Parser::new(ROWS, COLS, 0);
    parser.process(bytes);
    parser
}

/// A clean end: nothing after the restore, the stream's last bytes leave
/// the alternate screen and show the cursor.
fn assert_ends_with_the_restore(text: &str) {
    let tail = format!("{LEAVE_ALTERNATE_SCREEN}{SHOW_CURSOR}");
    let last_80 = text.char_indices().rev().nth(79).map_or(0, |(i, _)| i);
    assert!(
        text.ends_with(&tail),
        "the output ends with {tail:?}; it ends with {:?}",
        &text[last_80..]
    );
}

/// Starts the embedded default scenario, waits for the dashboard, sends
/// `signal`, and checks the whole contract.
fn signal_ends_the_session_cleanly(
    name: &str,
    signal: &str,
    before_signal: impl FnOnce(&mut Session),
) {
    let mut s = start(name, &[], &[]);
    s.wait_until_drawn();
    before_signal(&mut s);
    s.end_with(signal);
    let text = s.final_text();
    s.assert_terminal_restored(&text);
    assert_ends_with_the_restore(&text);
    let log = s.log();
    assert!(
        log.contains(&format!("stop: ended by SIG{signal}")),
        "the log names SIG{signal}:\n{log}"
    );
}

#[test]
fn keys_work_and_q_exits_zero_with_the_terminal_restored() {
    let mut s = start("q", &["--speed", "20"], &[]);
    s.wait_until_drawn();
    s.send("?");
    s.wait_for("keys (jobs view)");
    s.send("\u{1b}");
    // Only then `2`: sent together, Esc and `2` would read as alt-2.
    s.wait_gone("keys (jobs view)");
    s.send("2");
    s.wait_for("nodes (11)");
    s.send(" ");
    s.wait_for("PAUSED");
    s.send("q");
    let (status, _) = s.wait_exit();
    assert_eq!(status.exit_code(), 0);
    let text = s.final_text();
    s.assert_terminal_restored(&text);
    assert_ends_with_the_restore(&text);
    assert!(s.log().contains("stop: quit"), "{}", s.log());
}

/// A paused replay at two minutes: the rows stay where they are.
fn paused_at_two_minutes(name: &str, args: &[&str]) -> Session {
    let mut s = start(name, args, &[]);
    s.wait_until_drawn();
    s.send(" ");
    s.wait_for("PAUSED");
    s.send(":jump 2m\r");
    s.wait_for("t=2m00s");
    s
}

#[test]
fn the_mouse_selects_a_row_switches_a_tab_and_the_wheel_scrolls() {
    let mut s = paused_at_two_minutes("mouse", &[]);
    assert!(s.text().contains(MOUSE_ON), "mouse reports are turned on");
    let (header, _) = s.locate("│JOB ");
    let first_row = header + 1;
    // A click on the third row selects its job: enter opens that job.
    let third = s.first_cell(first_row + 2);
    assert!(third.starts_with("job-"), "{third}");
    s.click((first_row + 2, 4));
    s.send("\r");
    s.wait_for(&format!("job {third} — esc closes"));
    s.send("\u{1b}");
    s.wait_gone("esc closes");
    // The wheel moves the selection, and the table scrolls with it.
    let top = s.first_cell(first_row);
    for _ in 0..10 {
        s.wheel(true, (first_row + 4, 20));
    }
    s.wait_until("scrolling down", |s| s.first_cell(first_row) != top);
    for _ in 0..10 {
        s.wheel(false, (first_row + 4, 20));
    }
    s.wait_until("scrolling back up", |s| s.first_cell(first_row) == top);
    // A click on a tab switches the view.
    let tab = s.locate(" 2 nodes ");
    s.click((tab.0, tab.1 + 3));
    s.wait_for("nodes (11)");
    s.send("q");
    let (status, _) = s.wait_exit();
    assert_eq!(status.exit_code(), 0);
    let text = s.final_text();
    s.assert_terminal_restored(&text);
    assert_ends_with_the_restore(&text);
}

#[test]
fn no_mouse_ignores_clicks_and_the_wheel_and_leaves_the_mouse_to_the_terminal() {
    let mut s = paused_at_two_minutes("no-mouse", &["--no-mouse"]);
    let (header, _) = s.locate("│JOB ");
    let top = s.first_cell(header + 1);
    let tab = s.locate(" 2 nodes ");
    s.click((tab.0, tab.1 + 3));
    for _ in 0..10 {
        s.wheel(true, (header + 4, 20));
    }
    // Keys are read in order: once help shows, the mouse events were read.
    s.send("?");
    s.wait_for("keys (jobs view)");
    s.send("\u{1b}");
    s.wait_gone("keys (jobs view)");
    assert_eq!(s.first_cell(header + 1), top, "the wheel scrolled nothing");
    s.send("q");
    let (status, _) = s.wait_exit();
    assert_eq!(status.exit_code(), 0);
    let text = s.final_text();
    assert!(!text.contains(MOUSE_ON), "mouse reports were turned on");
    s.assert_terminal_restored(&text);
    assert_ends_with_the_restore(&text);
}

#[test]
fn sigterm_exits_zero_with_the_terminal_restored() {
    signal_ends_the_session_cleanly("term", "TERM", |_| {});
}

#[test]
fn sigint_exits_zero_with_the_terminal_restored() {
    signal_ends_the_session_cleanly("int", "INT", |_| {});
}

#[test]
fn sighup_exits_zero_with_the_terminal_restored() {
    signal_ends_the_session_cleanly("hup", "HUP", |_| {});
}

#[test]
fn a_signal_with_the_help_popup_open_still_restores_the_terminal() {
    signal_ends_the_session_cleanly("help-popup", "INT", |s| {
        s.send("?");
        s.wait_for("keys (jobs view)");
    });
}

#[test]
fn a_signal_with_the_command_line_open_still_restores_the_terminal() {
    signal_ends_the_session_cleanly("command-line", "HUP", |s| {
        s.send(":jum");
        s.wait_for("tab completes, enter runs");
        s.wait_for(":jum");
    });
}

/// Paused, the replay thread blocks in `recv` on its command channel; the
/// end of the session drops the sender, which wakes it, and the process
/// never waits for it anyway.
#[test]
fn a_signal_while_paused_ends_the_process_promptly() {
    signal_ends_the_session_cleanly("paused", "TERM", |s| {
        s.send(" ");
        s.wait_for("PAUSED");
    });
}

#[test]
fn sigkill_leaves_the_terminal_raw_so_these_checks_can_fail() {
    let mut s = start("kill", &[], &[]);
    s.wait_until_drawn();
    s.signal("KILL");
    let (status, _) = s.wait_exit();
    assert!(!status.success());
    let text = s.final_text();
    let after = Modes::read(&*s.master);
    assert!(!after.cooked(), "nothing restored raw mode: {after:?}");
    assert!(emulate(text.as_bytes()).screen().alternate_screen());
    assert!(!text.contains(LEAVE_ALTERNATE_SCREEN));
}

/// The panic test hook (`SYNERGAI_TEST_PANIC_AFTER_FRAMES`, debug builds
/// only): the terminal is restored before the message is printed, so the
/// message is on the normal screen, in cooked mode (each line starts at
/// the left margin), and nothing of it was written to the alternate
/// screen; the exit code is Rust's 101.
#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the panic hook exists in debug builds only"
)]
fn a_panic_restores_the_terminal_before_its_message_and_exits_101() {
    const MESSAGE: &str = "test hook: panicking while drawing frame 5";
    let mut s = start(
        "panic",
        &["--speed", "20"],
        &[("SYNERGAI_TEST_PANIC_AFTER_FRAMES", "5")],
    );
    let (status, _) = s.wait_exit();
    assert_eq!(status.exit_code(), 101, "{status:?}");
    let text = s.final_text();
    s.assert_terminal_restored(&text);
    let restored = text
        .find(&format!("{LEAVE_ALTERNATE_SCREEN}{SHOW_CURSOR}"))
        .expect("the panic hook restored the terminal");
    let message = text.find(MESSAGE).expect("the panic message is printed");
    assert!(message > restored, "the message comes after the restore");
    assert!(
        !text[..restored].contains("panicked"),
        "nothing of the panic was written before the restore"
    );
    // The alternate screen as it was when it was left: the dashboard, no
    // trace of the panic.
    let inside = emulate(&text.as_bytes()[..restored]);
    assert!(inside.screen().alternate_screen());
    let dashboard = inside.screen().contents();
    assert!(dashboard.contains("architectures"), "{dashboard}");
    assert!(!dashboard.contains("panicked"), "{dashboard}");
    // The normal screen shows the message, each line at the left margin.
    let normal = emulate(text.as_bytes()).screen().contents();
    assert!(
        normal
            .lines()
            .any(|l| l.starts_with("thread 'main'") && l.contains(" panicked at ")),
        "{normal}"
    );
    assert!(normal.lines().any(|l| l.starts_with(MESSAGE)), "{normal}");
    assert!(s.log().contains(MESSAGE), "{}", s.log());
}

#[test]
fn a_bad_theme_fails_before_touching_the_terminal() {
    let mut s = start("bad-theme", &["--theme", "no-such-theme"], &[]);
    let (status, _) = s.wait_exit();
    assert_eq!(status.exit_code(), 2);
    let text = s.final_text();
    assert!(text.contains("no-such-theme"), "{text}");
    assert!(!text.contains(ENTER_ALTERNATE_SCREEN));
    assert_eq!(Modes::read(&*s.master), s.before);
}

/// A kube-apiserver that answers `/version` and then never answers
/// anything else: watches, metrics and the trigger's patch hang, as on a
/// cluster that stopped responding. Reports each hanging request's first
/// line on the returned channel.
fn unresponsive_apiserver() -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (hanging_tx, hanging_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let hanging = hanging_tx.clone();
            std::thread::spawn(move || serve_until_hung(stream, hanging));
        }
    });
    (port, hanging_rx)
}

fn serve_until_hung(mut stream: TcpStream, hanging: mpsc::Sender<String>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut content_length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        if request_line.starts_with("GET /version") {
            let version = r#"{"major":"1","minor":"30","gitVersion":"v1.30.0","gitCommit":"0","gitTreeState":"clean","buildDate":"2024-01-01T00:00:00Z","goVersion":"go1.22","compiler":"gc","platform":"linux/amd64"}"#;
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{version}",
                version.len()
            );
            if stream.write_all(response.as_bytes()).is_err() {
                return;
            }
            continue;
        }
        let _ = hanging.send(request_line.trim_end().to_string());
        // Never answer; hold the connection until the client goes away.
        let mut sink = [0u8; 1024];
        while matches!(reader.read(&mut sink), Ok(n) if n > 0) {}
        return;
    }
}

/// With the live source stuck in a request the cluster never answers (a
/// placement trigger, `p`), the live thread cannot see its command channel
/// close; a signal must still restore the terminal and end the process
/// within two seconds (the session waits for the live source at most one).
#[test]
fn a_signal_ends_the_process_promptly_while_the_live_source_is_blocked() {
    let (port, hanging) = unresponsive_apiserver();
    let dir = std::env::temp_dir().join(format!("synergai-pty-{}-kube", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1
kind: Config
clusters:
- name: stuck
  cluster: {{server: \"http://127.0.0.1:{port}\"}}
users:
- name: stuck
  user: {{token: not-checked}}
contexts:
- name: stuck
  context: {{cluster: stuck, user: stuck, namespace: default}}
current-context: stuck
"
        ),
    )
    .unwrap();
    let mut s = start(
        "live",
        &["--kube"],
        &[("KUBECONFIG", kubeconfig.to_str().unwrap())],
    );
    s.wait_for(&format!("127.0.0.1:{port}"));
    s.wait_for("policy live");
    assert!(s.before.cooked());
    s.send("p");
    let deadline = Instant::now() + DEADLINE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let request = hanging
            .recv_timeout(left)
            .expect("the trigger reached the apiserver");
        if request.starts_with("PATCH ") && request.contains("configmaps") {
            break;
        }
    }
    s.end_with("TERM");
    let text = s.final_text();
    s.assert_terminal_restored(&text);
    assert_ends_with_the_restore(&text);
    let log = s.log();
    assert!(log.contains("stop: ended by SIGTERM"), "{log}");
    assert!(log.contains("the live source did not stop"), "{log}");
    let _ = std::fs::remove_dir_all(&dir);
}
