//! Dashboard key bindings: the [`Action`]s a key can trigger (one table,
//! [`ACTIONS`], from which names, defaults and help derive), the key syntax
//! of configuration files ([`KeySpec`]), the default [`Keymap`] and the
//! user overlay file with file/line/column errors.
//!
//! A keymap file (`$XDG_CONFIG_HOME/synergai/keymap.yaml`) lists only the
//! actions it rebinds; each listed action's keys REPLACE its defaults, every
//! other action keeps its default keys:
//!
//! ```yaml
//! apiVersion: synergai.io/v1alpha1
//! kind: Keymap
//! spec:
//!   bindings:
//!     quit: [q, ctrl-q]
//!     help: ["?", f1]      # quote `?`, `:`, `#`, `-` … (or write question, colon, hash, minus)
//!     speed-up: [plus]
//!     view-log: []         # unbind
//! ```
//!
//! Key syntax: a character (`q`, `?`, `+`, `1`; an uppercase letter means
//! shift-letter), a named key (`space`, `enter`, `esc`, `tab`, `backtab`,
//! `backspace`, `delete`, `insert`, `up`, `down`, `left`, `right`, `pgup`,
//! `pgdown`, `home`, `end`, `f1`…`f12`; and for YAML's sake `plus`, `minus`,
//! `colon`, `slash`, `question`, `period`, `comma`, `hash`), with optional
//! `ctrl-`, `alt-` and `shift-` prefixes (`shift-` applies to letters and
//! named keys; write a shifted symbol as itself).
//!
//! Unknown actions, unparsable keys and conflicts (one key bound to two
//! actions once the overlay is applied, including a user key that is another
//! action's default) are errors naming the file, line, column and field;
//! no binding is ever silently ignored.

use super::theme::check_header;
use crate::error::Result;
use crate::fixture::locate::position;
use crate::fixture::raw::Metadata;
use crate::fixture::{Reporter, parse, read_file_text};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The section of the help overlay an action belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    General,
    Replay,
    /// Actions `--read-only` refuses.
    Operator,
    Navigation,
}

impl Group {
    /// `general`, `replay`, `operator` or `navigation`.
    pub fn name(self) -> &'static str {
        match self {
            Group::General => "general",
            Group::Replay => "replay",
            Group::Operator => "operator",
            Group::Navigation => "navigation",
        }
    }
}

/// Where an action is worth listing in the help overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Every view.
    Any,
    /// The jobs view only: the action works on the selected job.
    Jobs,
}

/// Everything the dashboard knows about one action, from [`ACTIONS`].
#[derive(Clone, Copy, Debug)]
pub struct ActionDef {
    pub action: Action,
    /// The kebab-case name used in keymap files (`speed-up`).
    pub name: &'static str,
    /// The default keys (see [`Keymap::defaults`]), in canonical form.
    pub keys: &'static [KeySpec],
    /// One line for the help overlay.
    pub help: &'static str,
    pub group: Group,
    pub context: Context,
}

/// The plain key of a character (an uppercase letter is shift-letter).
const fn ch(c: char) -> KeySpec {
    let modifiers = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeySpec {
        code: KeyCode::Char(c),
        modifiers,
    }
}

/// ctrl- and a lowercase character.
const fn ctrl(c: char) -> KeySpec {
    KeySpec {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

/// A named key without modifiers.
const fn key(code: KeyCode) -> KeySpec {
    KeySpec {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

/// Generates [`Action`] and [`ACTIONS`] from one list: each action once,
/// in the order of the help overlay, as
/// `Variant "name" [default keys] Group Context "help text";`.
macro_rules! actions {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $name:literal [$($key:expr),* $(,)?] $group:ident $context:ident $help:literal;
    )*) => {
        /// Everything a key can do on the dashboard.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $( $(#[doc = $doc])* $variant, )*
        }

        /// Every action with its name, default keys, help text, group and
        /// context, in the order of the help overlay (and of [`Action`]).
        pub const ACTIONS: &[ActionDef] = &[
            $(ActionDef {
                action: Action::$variant,
                name: $name,
                keys: &[$($key),*],
                help: $help,
                group: Group::$group,
                context: Context::$context,
            },)*
        ];

        impl Action {
            /// Every action, in the order of the help overlay.
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];
        }
    };
}

actions! {
    Help "help" [ch('?')] General Any "show or hide this help";
    Quit "quit" [ch('q'), ctrl('c')] General Any "quit and restore the terminal";
    CommandLine "command-line" [ch(':')] General Any
        "command line (:jobs :nodes :arch :policy NAME :theme NAME)";
    Filter "filter" [ch('/')] General Any "filter the rows by a regex; !RE keeps the others";
    /// Cycles the sort column of the current table (shown as `SLACK↑`).
    Sort "sort" [ch('s')] General Any "sort by the next column (:sort COLUMN [asc|desc])";
    SortReverse "sort-reverse" [ch('S')] General Any "reverse the sort order";
    /// Esc: close the popup, or clear the filter.
    Back "back" [key(KeyCode::Esc)] General Any "close the popup, or clear the filter";
    NextTheme "next-theme" [ch('t')] General Any "switch to the next theme";

    TogglePause "toggle-pause" [ch(' ')] Replay Any "pause or resume the replay";
    SpeedUp "speed-up" [ch('+'), ch('=')] Replay Any "replay faster";
    SlowDown "slow-down" [ch('-')] Replay Any "replay slower";
    Step "step" [ch('.')] Replay Any "advance the paused replay by one event";
    /// Jump to a simulated time: opens the command line prefilled with `jump `.
    JumpTo "jump-to" [ch('J')] Replay Any "jump to a simulated time (:jump TIME)";
    /// Opens the command line prefilled with `policy `.
    SwitchPolicy "switch-policy" [ch('P')] Replay Any
        "switch the policy from now on (:policy NAME)";

    Trigger "trigger" [ch('p')] Operator Any "trigger a placement pass (manual mode)";
    Override "override" [ch('o')] Operator Jobs
        "override the selected job: pick a node or an architecture";
    Release "release" [ch('r')] Operator Jobs "release the selected job's override";
    /// Automatic or manual placement (manual holds pending jobs until `p`).
    ToggleMode "toggle-mode" [ch('m')] Operator Any
        "switch between automatic and manual placement";

    Up "up" [key(KeyCode::Up), ch('k')] Navigation Any "select the previous row";
    Down "down" [key(KeyCode::Down), ch('j')] Navigation Any "select the next row";
    PageUp "page-up" [key(KeyCode::PageUp), ctrl('u')] Navigation Any "scroll one page up";
    PageDown "page-down" [key(KeyCode::PageDown), ctrl('d')] Navigation Any
        "scroll one page down";
    Top "top" [key(KeyCode::Home), ch('g')] Navigation Any "select the first row";
    Bottom "bottom" [key(KeyCode::End), ch('G')] Navigation Any "select the last row";
    /// Enter: the job detail popup with the `explain` table.
    Details "details" [key(KeyCode::Enter)] Navigation Jobs
        "details of the selected job, with its explain table";
    NextView "next-view" [key(KeyCode::Tab)] Navigation Any "next view";
    PrevView "prev-view" [key(KeyCode::BackTab)] Navigation Any "previous view";
    ViewJobs "view-jobs" [ch('1')] Navigation Any "jobs view";
    ViewNodes "view-nodes" [ch('2')] Navigation Any "nodes view";
    ViewArchs "view-archs" [ch('3')] Navigation Any "architectures view";
    ViewLog "view-log" [ch('4')] Navigation Any "decisions log view";
}

impl Action {
    /// The action's entry in [`ACTIONS`].
    pub fn def(self) -> &'static ActionDef {
        // The enum is declared in table order.
        &ACTIONS[self as usize]
    }

    /// The kebab-case name used in keymap files (`speed-up`).
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// One line for the help overlay.
    pub fn description(self) -> &'static str {
        self.def().help
    }

    /// The section of the help overlay the action belongs to: `general`,
    /// `replay`, `operator` (actions `--read-only` refuses) or `navigation`.
    pub fn group(self) -> &'static str {
        self.def().group.name()
    }

    /// Whether the help overlay of a view lists the action: actions on the
    /// selected job only in the jobs view.
    pub fn in_help(self, jobs_view: bool) -> bool {
        match self.def().context {
            Context::Any => true,
            Context::Jobs => jobs_view,
        }
    }

    /// The action of a kebab-case name.
    pub fn from_name(name: &str) -> Option<Action> {
        ACTIONS.iter().find(|d| d.name == name).map(|d| d.action)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One key with its modifiers, in canonical form: an ASCII letter with
/// SHIFT is the uppercase letter with SHIFT; other characters carry no
/// SHIFT (terminals disagree on reporting it for `?`, `+`, …); shift-tab is
/// `BackTab` without SHIFT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// Named keys of the file syntax, by lowercase name.
const NAMED_KEYS: &[(&str, KeyCode)] = &[
    ("space", KeyCode::Char(' ')),
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("ins", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdown", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("plus", KeyCode::Char('+')),
    ("minus", KeyCode::Char('-')),
    ("colon", KeyCode::Char(':')),
    ("slash", KeyCode::Char('/')),
    ("question", KeyCode::Char('?')),
    ("period", KeyCode::Char('.')),
    ("dot", KeyCode::Char('.')),
    ("comma", KeyCode::Char(',')),
    ("hash", KeyCode::Char('#')),
];

const MODIFIER_PREFIXES: &[(&str, KeyModifiers)] = &[
    ("ctrl-", KeyModifiers::CONTROL),
    ("control-", KeyModifiers::CONTROL),
    ("alt-", KeyModifiers::ALT),
    ("shift-", KeyModifiers::SHIFT),
];

impl KeySpec {
    /// A key in canonical form (see [`KeySpec`]).
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> KeySpec {
        let mut modifiers = modifiers;
        let code = match code {
            KeyCode::Char(c) if c.is_ascii_alphabetic() => {
                if c.is_ascii_uppercase() || modifiers.contains(KeyModifiers::SHIFT) {
                    modifiers.insert(KeyModifiers::SHIFT);
                    KeyCode::Char(c.to_ascii_uppercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::BackTab => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        KeySpec { code, modifiers }
    }

    /// The key of a terminal event, in canonical form.
    pub fn from_event(event: &KeyEvent) -> KeySpec {
        KeySpec::new(event.code, event.modifiers)
    }

    /// Parses the file syntax (`q`, `G`, `ctrl-c`, `shift-up`, `f5`, `space`,
    /// …); the error says what was expected.
    pub fn parse(text: &str) -> std::result::Result<KeySpec, String> {
        let mut rest = text.trim();
        if rest.is_empty() {
            // A lone space in quotes (" ") is the space bar.
            return if text == " " {
                Ok(KeySpec::new(KeyCode::Char(' '), KeyModifiers::NONE))
            } else {
                Err("empty key; expected a key such as `q`, `ctrl-c` or `space`".into())
            };
        }
        let mut modifiers = KeyModifiers::NONE;
        'prefixes: loop {
            for (prefix, modifier) in MODIFIER_PREFIXES {
                let Some(head) = rest.get(..prefix.len()) else {
                    continue;
                };
                if head.eq_ignore_ascii_case(prefix) && rest.len() > prefix.len() {
                    if modifiers.contains(*modifier) {
                        return Err(format!("`{text}` repeats the modifier `{prefix}`"));
                    }
                    modifiers.insert(*modifier);
                    rest = &rest[prefix.len()..];
                    continue 'prefixes;
                }
            }
            break;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => {
                let lower = rest.to_ascii_lowercase();
                let function = lower
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=12).contains(n) && !lower.starts_with("f0"));
                match (function, NAMED_KEYS.iter().find(|(name, _)| *name == lower)) {
                    (Some(n), _) => KeyCode::F(n),
                    (None, Some((_, code))) => *code,
                    (None, None) => {
                        return Err(format!(
                            "unknown key `{rest}`; expected one character, f1–f12 or a named key ({}), \
                             with optional ctrl-, alt-, shift- prefixes",
                            NAMED_KEYS
                                .iter()
                                .map(|(name, _)| *name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
            }
        };
        if modifiers.contains(KeyModifiers::SHIFT)
            && let KeyCode::Char(c) = code
            && !c.is_ascii_alphabetic()
        {
            let shown = if c == ' ' {
                "space".to_string()
            } else {
                c.to_string()
            };
            return Err(format!(
                "`{text}`: shift- applies to letters and named keys; terminals cannot tell \
                 shift-{shown} from `{shown}`, so write the shifted character itself (`?`, `+`, `!`)"
            ));
        }
        Ok(KeySpec::new(code, modifiers))
    }

    /// Whether a terminal key event is this key. Release events never match.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        event.kind != KeyEventKind::Release
            && KeySpec::from_event(event) == KeySpec::new(self.code, self.modifiers)
    }
}

impl std::str::FromStr for KeySpec {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<KeySpec, String> {
        KeySpec::parse(s)
    }
}

impl fmt::Display for KeySpec {
    /// The file syntax, also shown by the help overlay: `q`, `G`, `ctrl-c`,
    /// `space`, `pgup`, `shift-up`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let KeySpec { code, modifiers } = KeySpec::new(self.code, self.modifiers);
        for (flag, prefix) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SUPER, "super-"),
            (KeyModifiers::HYPER, "hyper-"),
            (KeyModifiers::META, "meta-"),
        ] {
            if modifiers.contains(flag) {
                f.write_str(prefix)?;
            }
        }
        // An uppercase letter already says shift.
        if modifiers.contains(KeyModifiers::SHIFT) && !matches!(code, KeyCode::Char(_)) {
            f.write_str("shift-")?;
        }
        match code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("backtab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdown"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{}", format!("{other:?}").to_ascii_lowercase()),
        }
    }
}

/// Which keys trigger which action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    /// One entry per action, in [`ACTIONS`] order.
    bindings: Vec<(Action, Vec<KeySpec>)>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap::defaults()
    }
}

impl Keymap {
    /// The default bindings of the product description.
    pub fn defaults() -> Keymap {
        Keymap {
            bindings: ACTIONS
                .iter()
                .map(|d| (d.action, d.keys.to_vec()))
                .collect(),
        }
    }

    /// The action a key event triggers, if any (release events trigger none).
    pub fn action_for(&self, event: &KeyEvent) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let key = KeySpec::from_event(event);
        self.bindings
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(action, _)| *action)
    }

    /// The keys of an action (empty when unbound), for the help overlay.
    pub fn keys_for(&self, action: Action) -> Vec<KeySpec> {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, keys)| keys.clone())
            .unwrap_or_default()
    }

    /// The keys of an action joined for display (`q, ctrl-c`).
    pub fn keys_text(&self, action: Action) -> String {
        keys_text(&self.keys_for(action))
    }

    /// Every action with its keys, in [`ACTIONS`] order.
    pub fn bindings(&self) -> impl Iterator<Item = (Action, &[KeySpec])> + '_ {
        self.bindings
            .iter()
            .map(|(action, keys)| (*action, keys.as_slice()))
    }

    /// The defaults overlaid with a keymap file.
    pub fn load_overlay(path: &Path) -> Result<Keymap> {
        let text = read_file_text(path)?;
        Keymap::parse_overlay(&path.display().to_string(), &text)
    }

    /// The defaults overlaid with `CONFIG_DIR/keymap.yaml` when it exists;
    /// the defaults alone when there is no config dir or no such file.
    pub fn with_user_overlay(config_dir: Option<&Path>) -> Result<Keymap> {
        match config_dir.map(user_keymap_path) {
            Some(path) if path.exists() => Keymap::load_overlay(&path),
            _ => Ok(Keymap::defaults()),
        }
    }

    /// The defaults overlaid with a keymap document; `file` names it in errors.
    pub fn parse_overlay(file: &str, text: &str) -> Result<Keymap> {
        check_header(file, text, "Keymap")?;
        let raw: RawKeymap = parse(file, text)?;
        let r = Reporter { file, text };
        let mut entries: Vec<_> = raw.spec.bindings.unwrap_or_default().into_iter().collect();
        entries.sort_by_key(|(action, _)| (action.referenced.line(), action.referenced.column()));

        // Resolve names and parse keys, in file order.
        let mut user: Vec<(Action, Vec<UserKey>)> = Vec::new();
        for (name, keys) in &entries {
            let field = format!("spec.bindings.{}", name.value);
            let Some(action) = Action::from_name(&name.value) else {
                return Err(r.field_at(
                    &name.referenced,
                    &field,
                    format!(
                        "unknown action `{}`; actions: {}",
                        name.value,
                        ACTIONS
                            .iter()
                            .map(|d| d.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            };
            // (location, key as written, field)
            let written: Vec<(Location, String, String)> = match &keys.value {
                Keys::Missing => {
                    return Err(r.field_at(
                        &name.referenced,
                        &field,
                        format!(
                            "no keys given; write a list such as `{}: [{}]`, or `[]` to unbind \
                             (quote `?`, `:`, `#` and `-`)",
                            action,
                            keys_text(action.def().keys)
                        ),
                    ));
                }
                Keys::One(written) => vec![(keys.referenced, written.clone(), field.clone())],
                Keys::OtherScalar => {
                    let written = r.written(&keys.referenced).unwrap_or_default();
                    vec![(keys.referenced, written, field.clone())]
                }
                Keys::Many(list) => list
                    .iter()
                    .enumerate()
                    .map(|(i, k)| (k.referenced, k.value.0.clone(), format!("{field}[{i}]")))
                    .collect(),
            };
            if action == Action::Quit && written.is_empty() {
                return Err(r.field_at(
                    &name.referenced,
                    &field,
                    "`quit` needs at least one key, or the dashboard could not be left",
                ));
            }
            let mut parsed = Vec::new();
            for (at, written, field) in written {
                let key =
                    KeySpec::parse(&written).map_err(|message| r.field_at(&at, &field, message))?;
                parsed.push(UserKey { key, at, field });
            }
            user.push((action, parsed));
        }

        // Apply: listed actions replace their defaults; then every key must
        // belong to one action only.
        let mut keymap = Keymap::defaults();
        let mut owner: HashMap<KeySpec, (Action, Option<u64>)> = HashMap::new();
        for (action, keys) in &keymap.bindings {
            if user.iter().all(|(a, _)| a != action) {
                for key in keys {
                    owner.insert(*key, (*action, None));
                }
            }
        }
        for (action, keys) in &user {
            for UserKey { key, at, field } in keys {
                if let Some((other, other_line)) = owner.get(key) {
                    let message = if other == action {
                        format!("`{key}` is listed twice for `{action}`")
                    } else {
                        match other_line {
                            Some(line) => format!(
                                "`{key}` is bound to both `{other}` (line {line}) and `{action}`; \
                                 remove it from one of them"
                            ),
                            None => format!(
                                "`{key}` is bound to both `{other}` (its default key) and \
                                 `{action}`; pick another key for `{action}`, or rebind \
                                 `{other}` in this file too"
                            ),
                        }
                    };
                    return Err(r.field_at(at, field, message));
                }
                owner.insert(*key, (*action, position(at).map(|p| p.line)));
            }
            if let Some((_, slot)) = keymap.bindings.iter_mut().find(|(a, _)| a == action) {
                *slot = keys.iter().map(|k| k.key).collect();
            }
        }
        Ok(keymap)
    }
}

/// Keys joined for display (`q, ctrl-c`).
fn keys_text(keys: &[KeySpec]) -> String {
    keys.iter()
        .map(KeySpec::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One key of the overlay file, with where it was written.
struct UserKey {
    key: KeySpec,
    at: Location,
    field: String,
}

/// Where the user keymap lives: `CONFIG_DIR/keymap.yaml`.
pub fn user_keymap_path(config_dir: &Path) -> PathBuf {
    config_dir.join("keymap.yaml")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawKeymap {
    #[allow(dead_code)]
    api_version: String,
    #[allow(dead_code)]
    kind: String,
    #[serde(default)]
    #[allow(dead_code)]
    metadata: Option<Metadata>,
    spec: RawKeymapSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeymapSpec {
    #[serde(default)]
    bindings: Option<HashMap<Spanned<String>, Spanned<Keys>>>,
}

/// The keys of one action as written: a list, a single key, or nothing.
enum Keys {
    Missing,
    One(String),
    /// A plain scalar YAML reads as a boolean or number (`n`, `0x1`): its
    /// text is taken from the source.
    OtherScalar,
    Many(Vec<Spanned<KeyText>>),
}

/// One key as written.
struct KeyText(String);

struct KeysVisitor;

impl<'de> Visitor<'de> for KeysVisitor {
    type Value = Keys;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of keys such as [q, ctrl-c]")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Keys, E> {
        Ok(Keys::One(v.to_string()))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Keys, E> {
        Ok(Keys::OtherScalar)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Keys, E> {
        Ok(Keys::OtherScalar)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Keys, E> {
        Ok(Keys::OtherScalar)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Keys, E> {
        Ok(Keys::OtherScalar)
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Keys, E> {
        Ok(Keys::Missing)
    }

    fn visit_none<E: de::Error>(self) -> std::result::Result<Keys, E> {
        Ok(Keys::Missing)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Keys, A::Error> {
        let mut keys = Vec::new();
        while let Some(key) = seq.next_element::<Spanned<KeyText>>()? {
            keys.push(key);
        }
        Ok(Keys::Many(keys))
    }
}

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Keys, D::Error> {
        d.deserialize_any(KeysVisitor)
    }
}

struct KeyTextVisitor;

impl Visitor<'_> for KeyTextVisitor {
    type Value = KeyText;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key such as `q`, `ctrl-c` or `space`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<KeyText, E> {
        Ok(KeyText(v.to_string()))
    }
}

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<KeyText, D::Error> {
        // As a string: plain `n` or `1` is then the text written, not a
        // YAML 1.1 boolean or a number.
        d.deserialize_str(KeyTextVisitor)
    }
}

#[cfg(test)]
mod tests;
