//! The keymap's table, parsing and conflicts.

use super::*;
use crate::error::{Error, Position};

fn ev(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn key(text: &str) -> KeySpec {
    KeySpec::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn invalid(err: Error) -> (Option<Position>, Option<String>, String) {
    match err {
        Error::Invalid {
            position,
            field,
            message,
            ..
        } => (position, field, message),
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

fn pos(line: u64, column: u64) -> Option<Position> {
    Some(Position { line, column })
}

const HEAD: &str = "apiVersion: synergai.io/v1alpha1\nkind: Keymap\nspec:\n  bindings:\n";

fn overlay(body: &str) -> Result<Keymap> {
    Keymap::parse_overlay("keymap.yaml", &format!("{HEAD}{body}"))
}

#[test]
fn actions_have_unique_names_and_descriptions() {
    let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
    assert_eq!(names.len(), 31);
    names.sort();
    names.dedup();
    assert_eq!(names.len(), Action::ALL.len());
    for a in Action::ALL {
        assert_eq!(Action::from_name(a.name()), Some(*a));
        assert!(!a.description().is_empty());
        assert!(a.name().chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        assert!(!a.group().is_empty());
    }
    assert_eq!(Action::SpeedUp.name(), "speed-up");
    assert_eq!(Action::from_name("speed_up"), None);
    // The enum is declared in table order; `def` indexes by it.
    for (i, d) in ACTIONS.iter().enumerate() {
        assert_eq!(d.action as usize, i);
        assert_eq!(Action::ALL[i], d.action);
    }
    assert_eq!(Action::Trigger.group(), "operator");
    assert!(Action::Details.in_help(true) && !Action::Details.in_help(false));
    assert!(Action::Quit.in_help(false));
}

#[test]
fn defaults_bind_every_action_without_conflicts() {
    let keymap = Keymap::defaults();
    let mut seen: HashMap<KeySpec, Action> = HashMap::new();
    for (action, keys) in keymap.bindings() {
        assert!(!keys.is_empty(), "{action} has no default key");
        for k in keys {
            assert_eq!(*k, KeySpec::new(k.code, k.modifiers), "{k} not canonical");
            if let Some(other) = seen.insert(*k, action) {
                panic!("{k} bound to {other} and {action}");
            }
            // Each default round-trips through the file syntax.
            assert_eq!(key(&k.to_string()), *k);
        }
    }
    assert_eq!(keymap.keys_text(Action::Quit), "q, ctrl-c");
    assert_eq!(keymap.keys_text(Action::Bottom), "end, G");
    assert_eq!(keymap.keys_text(Action::TogglePause), "space");
    assert_eq!(keymap.keys_text(Action::JumpTo), "J");
}

#[test]
fn default_keys_of_the_product_description() {
    let k = Keymap::defaults();
    let none = KeyModifiers::NONE;
    let shift = KeyModifiers::SHIFT;
    let ctrl = KeyModifiers::CONTROL;
    let cases = [
        (ev(KeyCode::Char('q'), none), Action::Quit),
        (ev(KeyCode::Char('c'), ctrl), Action::Quit),
        (ev(KeyCode::Char('/'), none), Action::Filter),
        (ev(KeyCode::Char(':'), none), Action::CommandLine),
        (ev(KeyCode::Char('p'), none), Action::Trigger),
        (ev(KeyCode::Char('P'), shift), Action::SwitchPolicy),
        (ev(KeyCode::Char('o'), none), Action::Override),
        (ev(KeyCode::Char('r'), none), Action::Release),
        (ev(KeyCode::Char(' '), none), Action::TogglePause),
        (ev(KeyCode::Char('='), none), Action::SpeedUp),
        (ev(KeyCode::Char('-'), none), Action::SlowDown),
        (ev(KeyCode::Char('.'), none), Action::Step),
        (ev(KeyCode::Char('t'), none), Action::NextTheme),
        (ev(KeyCode::Char('k'), none), Action::Up),
        (ev(KeyCode::Down, none), Action::Down),
        (ev(KeyCode::Char('u'), ctrl), Action::PageUp),
        (ev(KeyCode::PageDown, none), Action::PageDown),
        (ev(KeyCode::Char('g'), none), Action::Top),
        (ev(KeyCode::Enter, none), Action::Details),
        (ev(KeyCode::Esc, none), Action::Back),
        (ev(KeyCode::Tab, none), Action::NextView),
        (ev(KeyCode::Char('3'), none), Action::ViewArchs),
        (ev(KeyCode::Char('j'), none), Action::Down),
        (ev(KeyCode::Char('m'), none), Action::ToggleMode),
        (ev(KeyCode::Char('s'), none), Action::Sort),
        (ev(KeyCode::Char('S'), shift), Action::SortReverse),
    ];
    for (event, action) in cases {
        assert_eq!(k.action_for(&event), Some(action), "{event:?}");
    }
    assert_eq!(k.action_for(&ev(KeyCode::Char('x'), none)), None);
    assert_eq!(k.action_for(&ev(KeyCode::Char('q'), ctrl)), None);
}

#[test]
fn shifted_characters_match_with_or_without_shift() {
    let k = Keymap::defaults();
    let none = KeyModifiers::NONE;
    let shift = KeyModifiers::SHIFT;
    for m in [none, shift] {
        assert_eq!(k.action_for(&ev(KeyCode::Char('?'), m)), Some(Action::Help));
        assert_eq!(
            k.action_for(&ev(KeyCode::Char('+'), m)),
            Some(Action::SpeedUp)
        );
        assert_eq!(
            k.action_for(&ev(KeyCode::Char(':'), m)),
            Some(Action::CommandLine)
        );
        // Uppercase letters are shift-letters whether or not SHIFT is reported.
        assert_eq!(
            k.action_for(&ev(KeyCode::Char('G'), m)),
            Some(Action::Bottom)
        );
        assert_eq!(
            k.action_for(&ev(KeyCode::Char('J'), m)),
            Some(Action::JumpTo)
        );
        assert_eq!(
            k.action_for(&ev(KeyCode::BackTab, m)),
            Some(Action::PrevView)
        );
    }
    // A lowercase letter reported with SHIFT (kitty protocol) is the uppercase one.
    assert_eq!(
        k.action_for(&ev(KeyCode::Char('g'), shift)),
        Some(Action::Bottom)
    );
    assert_eq!(
        k.action_for(&ev(KeyCode::Tab, shift)),
        Some(Action::PrevView)
    );
    assert!(key("?").matches(&ev(KeyCode::Char('?'), shift)));
    assert!(key("shift-g").matches(&ev(KeyCode::Char('G'), shift)));
    assert!(!key("g").matches(&ev(KeyCode::Char('G'), shift)));

    let mut release = ev(KeyCode::Char('q'), none);
    release.kind = KeyEventKind::Release;
    assert_eq!(k.action_for(&release), None);
    assert!(!key("q").matches(&release));
}

#[test]
fn parses_the_key_syntax() {
    let none = KeyModifiers::NONE;
    let spec = |code, modifiers| KeySpec { code, modifiers };
    assert_eq!(key("q"), spec(KeyCode::Char('q'), none));
    assert_eq!(key("G"), spec(KeyCode::Char('G'), KeyModifiers::SHIFT));
    assert_eq!(key("shift-g"), key("G"));
    assert_eq!(key("SHIFT-G"), key("G"));
    assert_eq!(
        key("ctrl-c"),
        spec(KeyCode::Char('c'), KeyModifiers::CONTROL)
    );
    assert_eq!(
        key("Ctrl-C"),
        spec(
            KeyCode::Char('C'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT
        )
    );
    assert_eq!(key("alt-x"), spec(KeyCode::Char('x'), KeyModifiers::ALT));
    assert_eq!(
        key("ctrl-alt-del"),
        spec(KeyCode::Delete, KeyModifiers::CONTROL | KeyModifiers::ALT)
    );
    assert_eq!(key("space"), spec(KeyCode::Char(' '), none));
    assert_eq!(key(" "), key("space"));
    assert_eq!(key("enter"), spec(KeyCode::Enter, none));
    assert_eq!(key("esc"), spec(KeyCode::Esc, none));
    assert_eq!(key("tab"), spec(KeyCode::Tab, none));
    assert_eq!(key("backtab"), spec(KeyCode::BackTab, none));
    assert_eq!(key("shift-tab"), key("backtab"));
    assert_eq!(key("shift-up"), spec(KeyCode::Up, KeyModifiers::SHIFT));
    assert_eq!(key("pgup"), spec(KeyCode::PageUp, none));
    assert_eq!(key("PageDown"), spec(KeyCode::PageDown, none));
    assert_eq!(key("f1"), spec(KeyCode::F(1), none));
    assert_eq!(key("F12"), spec(KeyCode::F(12), none));
    assert_eq!(key("+"), spec(KeyCode::Char('+'), none));
    assert_eq!(key("plus"), key("+"));
    assert_eq!(key("-"), spec(KeyCode::Char('-'), none));
    assert_eq!(
        key("ctrl--"),
        spec(KeyCode::Char('-'), KeyModifiers::CONTROL)
    );
    assert_eq!(key("question"), key("?"));
    assert_eq!(key("1"), spec(KeyCode::Char('1'), none));
    for bad in [
        "",
        "ctrl-",
        "f0",
        "f13",
        "f01",
        "shift-?",
        "shift-1",
        "shift-space",
        "ctrl-ctrl-c",
        "qq",
        "hyper-x",
        "ctl-c",
    ] {
        assert!(KeySpec::parse(bad).is_err(), "`{bad}` should not parse");
    }
    for text in [
        "q", "G", "ctrl-c", "ctrl-G", "alt-x", "space", "shift-up", "f5", "backtab", "ctrl--", "?",
    ] {
        assert_eq!(key(text).to_string(), text);
    }
    assert_eq!(key("shift-g").to_string(), "G");
    assert_eq!(key("PageUp").to_string(), "pgup");
}

#[test]
fn overlay_replaces_listed_actions_only() {
    let k = overlay(
        "    quit: [x, ctrl-q]\n    help: [\"?\", f1]\n    view-jobs: [1, F2]\n    view-log: []\n    step: n\n",
    )
    .unwrap();
    assert_eq!(k.keys_for(Action::Quit), vec![key("x"), key("ctrl-q")]);
    assert_eq!(
        k.action_for(&ev(KeyCode::Char('q'), KeyModifiers::NONE)),
        None
    );
    assert_eq!(
        k.action_for(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        None
    );
    assert_eq!(
        k.action_for(&ev(KeyCode::F(1), KeyModifiers::NONE)),
        Some(Action::Help)
    );
    assert_eq!(k.keys_text(Action::ViewJobs), "1, f2");
    assert!(k.keys_for(Action::ViewLog).is_empty());
    assert_eq!(k.keys_for(Action::Step), vec![key("n")]);
    let k = overlay("    step: [n]\n    top: y\n    view-jobs: 0\n").unwrap();
    assert_eq!(k.keys_for(Action::Step), vec![key("n")]);
    assert_eq!(k.keys_for(Action::Top), vec![key("y")]);
    assert_eq!(k.keys_for(Action::ViewJobs), vec![key("0")]);
    // Untouched actions keep their defaults.
    assert_eq!(k.keys_for(Action::Filter), vec![key("/")]);
    assert_eq!(k.keys_for(Action::Bottom), vec![key("end"), key("G")]);

    // A freed default key can be reused by another action.
    let k = overlay("    quit: [ctrl-q]\n    trigger: [q]\n").unwrap();
    assert_eq!(
        k.action_for(&ev(KeyCode::Char('q'), KeyModifiers::NONE)),
        Some(Action::Trigger)
    );

    // Empty documents and metadata are fine.
    let empty = Keymap::parse_overlay(
        "k.yaml",
        "apiVersion: synergai.io/v1alpha1\nkind: Keymap\nmetadata:\n  name: mine\nspec: {}\n",
    )
    .unwrap();
    assert_eq!(empty, Keymap::defaults());
}

#[test]
fn unknown_action_names_line_column_and_field() {
    let err = overlay("    quit: [q]\n    explode: [x]\n").unwrap_err();
    let rendered = err.to_string();
    let (position, field, message) = invalid(err);
    assert_eq!(position, pos(6, 5));
    assert_eq!(field.as_deref(), Some("spec.bindings.explode"));
    assert!(message.contains("unknown action `explode`"), "{message}");
    assert!(message.contains("speed-up"), "{message}");
    assert!(
        rendered.starts_with("keymap.yaml:6:5: field `spec.bindings.explode`"),
        "{rendered}"
    );
}

#[test]
fn bad_key_names_line_column_and_field() {
    let (position, field, message) = invalid(overlay("    quit: [q, ctrl-qq]\n").unwrap_err());
    assert_eq!(position, pos(5, 15));
    assert_eq!(field.as_deref(), Some("spec.bindings.quit[1]"));
    assert!(message.contains("unknown key `qq`"), "{message}");

    let (position, field, _) =
        invalid(overlay("    help:\n      - f1\n      - shift-?\n").unwrap_err());
    assert_eq!(position, pos(7, 9));
    assert_eq!(field.as_deref(), Some("spec.bindings.help[1]"));

    let (position, field, _) = invalid(overlay("    step: f99\n").unwrap_err());
    assert_eq!(position, pos(5, 11));
    assert_eq!(field.as_deref(), Some("spec.bindings.step"));

    let (position, field, message) = invalid(overlay("    step:\n").unwrap_err());
    assert_eq!(position, pos(5, 5));
    assert_eq!(field.as_deref(), Some("spec.bindings.step"));
    assert!(message.contains("no keys"), "{message}");

    // A YAML 1.1 boolean spelling is read as the text written.
    let (position, field, message) = invalid(overlay("    toggle-mode: yes\n").unwrap_err());
    assert_eq!(position, pos(5, 18));
    assert_eq!(field.as_deref(), Some("spec.bindings.toggle-mode"));
    assert!(message.contains("unknown key `yes`"), "{message}");

    let (_, field, message) = invalid(overlay("    quit: []\n").unwrap_err());
    assert_eq!(field.as_deref(), Some("spec.bindings.quit"));
    assert!(message.contains("at least one key"), "{message}");
}

#[test]
fn conflicts_name_both_actions_and_the_line() {
    // A user key that is another action's default.
    let (position, field, message) =
        invalid(overlay("    step: [n]\n    help: [f1, ctrl-c]\n").unwrap_err());
    assert_eq!(position, pos(6, 16));
    assert_eq!(field.as_deref(), Some("spec.bindings.help[1]"));
    assert!(message.contains("`ctrl-c`"), "{message}");
    assert!(message.contains("`quit`"), "{message}");
    assert!(message.contains("`help`"), "{message}");

    let (position, field, message) = invalid(overlay("    trigger: [t]\n").unwrap_err());
    assert_eq!(position, pos(5, 15));
    assert_eq!(field.as_deref(), Some("spec.bindings.trigger[0]"));
    assert!(
        message.contains("`next-theme` (its default key)"),
        "{message}"
    );

    // Two user bindings: the message gives the other binding's line.
    let (position, field, message) = invalid(
        overlay("    step: [n]\n    top: [g]\n    bottom: [N]\n    release: [n]\n").unwrap_err(),
    );
    assert_eq!(position, pos(8, 15));
    assert_eq!(field.as_deref(), Some("spec.bindings.release[0]"));
    assert!(message.contains("`step` (line 5)"), "{message}");
    assert!(message.contains("`release`"), "{message}");

    // Shifted spellings of the same key conflict too.
    let (_, _, message) = invalid(overlay("    bottom: [G, shift-g]\n").unwrap_err());
    assert!(message.contains("listed twice"), "{message}");
    let (_, _, message) = invalid(overlay("    trigger: [shift-j]\n").unwrap_err());
    assert!(message.contains("`jump-to`"), "{message}");
}

#[test]
fn header_and_file_errors() {
    let (position, field, _) = invalid(
        Keymap::parse_overlay(
            "k.yaml",
            "apiVersion: synergai.io/v1alpha1\nkind: Theme\nspec: {}\n",
        )
        .unwrap_err(),
    );
    assert_eq!(position, pos(2, 7));
    assert_eq!(field.as_deref(), Some("kind"));
    let (position, _, message) = invalid(
        Keymap::parse_overlay(
            "k.yaml",
            "apiVersion: synergai.io/v1alpha1\nkind: Keymap\nspec:\n  binding:\n    quit: [q]\n",
        )
        .unwrap_err(),
    );
    assert_eq!(position.map(|p| p.line), Some(4));
    assert!(message.contains("binding"), "{message}");

    let dir = std::env::temp_dir().join(format!("synergai-keymap-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    assert_eq!(
        Keymap::with_user_overlay(Some(&dir)).unwrap(),
        Keymap::defaults()
    );
    assert_eq!(Keymap::with_user_overlay(None).unwrap(), Keymap::defaults());
    std::fs::write(user_keymap_path(&dir), format!("{HEAD}    quit: [x]\n")).unwrap();
    let k = Keymap::with_user_overlay(Some(&dir)).unwrap();
    assert_eq!(k.keys_text(Action::Quit), "x");
    std::fs::write(
        user_keymap_path(&dir),
        format!("{HEAD}    quit: [x]\n    help: [x]\n"),
    )
    .unwrap();
    let err = Keymap::with_user_overlay(Some(&dir))
        .unwrap_err()
        .to_string();
    assert!(err.contains("keymap.yaml:6:12"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
