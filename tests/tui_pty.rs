//! End to end: the real `synergai tui` binary in a pseudo-terminal. Keys
//! go in, the screen comes out; `q` and SIGTERM must exit 0 and leave the
//! terminal restored (alternate screen left, cursor shown).

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Session {
    output: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

fn start(args: &[&str]) -> Session {
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 40,
            cols: 140,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_synergai"));
    cmd.arg("tui");
    for a in args {
        cmd.arg(a);
    }
    let state = std::env::temp_dir().join(format!("synergai-pty-{}", std::process::id()));
    cmd.env("XDG_STATE_HOME", &state);
    cmd.env("XDG_CONFIG_HOME", &state);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    let child = pair.slave.spawn_command(cmd).expect("spawn synergai tui");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let writer = pair.master.take_writer().unwrap();
    let output = Arc::new(Mutex::new(Vec::new()));
    let sink = output.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    Session {
        output,
        writer,
        child,
        _master: pair.master,
    }
}

impl Session {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// The screen as a terminal shows it (the raw stream only carries the
    /// cells that changed).
    fn screen(&self) -> String {
        let mut parser = vt100::Parser::new(40, 140, 0);
        parser.process(&self.output.lock().unwrap());
        parser.screen().contents()
    }

    /// Waits until the screen shows `needle`.
    fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("`{needle}` never appeared; screen:\n{}", self.screen());
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            assert!(Instant::now() < deadline, "the dashboard did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The output after the child exited (the reader drains the pty).
    fn final_text(&self) -> String {
        std::thread::sleep(Duration::from_millis(300));
        self.text()
    }
}

const LEAVE_ALTERNATE_SCREEN: &str = "\u{1b}[?1049l";
const ENTER_ALTERNATE_SCREEN: &str = "\u{1b}[?1049h";
const SHOW_CURSOR: &str = "\u{1b}[?25h";

fn assert_restored(text: &str) {
    assert!(text.contains(ENTER_ALTERNATE_SCREEN));
    let left = text
        .rfind(LEAVE_ALTERNATE_SCREEN)
        .expect("alternate screen left");
    assert!(left > text.rfind(ENTER_ALTERNATE_SCREEN).unwrap());
    assert!(
        text[left..].contains(SHOW_CURSOR)
            || text.rfind(SHOW_CURSOR).unwrap() > text.rfind("architectures").unwrap()
    );
}

#[test]
fn keys_work_and_q_exits_zero_with_the_terminal_restored() {
    let mut s = start(&["--speed", "20"]);
    s.wait_for("architectures");
    s.wait_for("jobs (");
    s.send("?");
    s.wait_for("keys (jobs view)");
    s.send("\u{1b}");
    // Let crossterm tell a lone Esc from an escape sequence.
    std::thread::sleep(Duration::from_millis(200));
    s.send("2");
    s.wait_for("nodes (11)");
    assert!(!s.screen().contains("keys (jobs view)"), "help closed");
    s.send(" ");
    s.wait_for("PAUSED");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s.final_text());
}

#[test]
fn sigterm_exits_zero_with_the_terminal_restored() {
    let mut s = start(&["--read-only"]);
    s.wait_for("READ-ONLY");
    let pid = s.child.process_id().expect("child pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s.final_text());
}

#[test]
fn a_bad_theme_fails_before_touching_the_terminal() {
    let mut s = start(&["--theme", "no-such-theme"]);
    assert_eq!(s.wait_exit(), 2);
    let text = s.final_text();
    assert!(text.contains("no-such-theme"), "{text}");
    assert!(!text.contains(ENTER_ALTERNATE_SCREEN));
}
