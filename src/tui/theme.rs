//! Colour themes of the dashboard: the [`Palette`] of roles every screen
//! draws with, the YAML theme files (built-in and user overlays) and their
//! loading with file/line/column errors.
//!
//! A theme file:
//!
//! ```yaml
//! apiVersion: synergai.io/v1alpha1
//! kind: Theme
//! metadata:
//!   name: my-dark
//! spec:
//!   inherits: dark          # a built-in; roles not listed below come from it
//!   colors:
//!     slack_ok: "#56B4E9"   # quote hex colours: an unquoted `#` starts a comment
//!     border: dark-gray
//!     popup_bg: indexed:236
//! ```
//!
//! Colours are a name (`black`, `red`, `green`, `yellow`, `blue`, `magenta`,
//! `cyan`, `gray`, `dark-gray`, `light-red`, `light-green`, `light-yellow`,
//! `light-blue`, `light-magenta`, `light-cyan`, `white`, `reset` = the
//! terminal's own colour), `#rrggbb` or `indexed:N` (0–255).
//!
//! Built-in themes live in `themes/*.yaml` and are compiled in ([`BUILTIN`]);
//! each defines every role. User themes live in
//! `$XDG_CONFIG_HOME/synergai/themes/NAME.yaml` (or
//! `~/.config/synergai/themes/`) and overlay a built-in: the one named by
//! `inherits`, else the built-in of the same name, else `dark`.
//!
//! `NO_COLOR` (set and non-empty, see [`no_color`]) forces the [`mono`]
//! theme; the caller applies it, so that `--theme` can be reported as
//! overridden.

use crate::error::{Error, Result};
use crate::fixture::raw::Metadata;
use crate::fixture::{Reporter, parse, read_file_text};
use ratatui::style::Color;
use serde::Deserialize;
use serde_saphyr::{Location, Spanned};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The built-in theme used when none is chosen.
pub const DEFAULT: &str = "dark";

/// Built-in themes compiled into the binary: (name, YAML text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.yaml")),
    ("light", include_str!("../../themes/light.yaml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.yaml"),
    ),
    ("colorblind", include_str!("../../themes/colorblind.yaml")),
    ("mono", include_str!("../../themes/mono.yaml")),
];

macro_rules! palette {
    ($( $(#[doc = $doc:literal])+ $role:ident, )*) => {
        /// The colour of every role the dashboard draws with. Views take all
        /// their colours from here and never hard-code one. Field names are
        /// the role names written under `spec.colors` in theme files.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct Palette {
            $( $(#[doc = $doc])+ pub $role: Color, )*
        }

        impl Palette {
            /// Every role, as written under `spec.colors`.
            pub const ROLES: &'static [&'static str] = &[$(stringify!($role)),*];

            /// A palette with every role set to `color`.
            pub fn uniform(color: Color) -> Palette {
                Palette { $($role: color,)* }
            }

            /// The colour of a role by its name.
            pub fn get(&self, role: &str) -> Option<Color> {
                match role {
                    $(stringify!($role) => Some(self.$role),)*
                    _ => None,
                }
            }

            fn slot(&mut self, role: &str) -> Option<&mut Color> {
                match role {
                    $(stringify!($role) => Some(&mut self.$role),)*
                    _ => None,
                }
            }
        }
    };
}

palette! {
    /// Default text.
    fg,
    /// Background of every screen (`reset` keeps the terminal's).
    bg,
    /// Secondary text: units, hints, future jobs, empty cells.
    muted,
    /// Panel borders.
    border,
    /// Border of the focused panel.
    border_focused,
    /// Panel titles.
    title,
    /// Header bar and table header text.
    header_fg,
    /// Header bar and table header background.
    header_bg,
    /// Selected table row text.
    selected_fg,
    /// Selected table row background.
    selected_bg,
    /// Highlights: the policy name, the simulated clock, key names in help.
    accent,
    /// Badges (`READ-ONLY`, `PAUSED`, `MANUAL`) text.
    badge_fg,
    /// Badges background.
    badge_bg,
    /// Slack comfortably above the QoS target.
    slack_ok,
    /// Slack close to zero: the job is about to miss its QoS.
    slack_tight,
    /// Negative slack: the job misses (or will miss) its QoS.
    slack_negative,
    /// Gauge of cores in use.
    gauge_cpu,
    /// Gauge of GPUs in use.
    gauge_gpu,
    /// Unfilled part of gauges.
    gauge_empty,
    /// Utilization history sparklines.
    sparkline,
    /// First chart line (one architecture or policy per line; in a what-if
    /// comparison, the running policy).
    series_1,
    /// Second chart line (in a what-if comparison, the policy before it).
    series_2,
    /// Third chart line.
    series_3,
    /// Fourth chart line.
    series_4,
    /// Fifth chart line.
    series_5,
    /// Sixth chart line (lines past the sixth reuse the colours in order).
    series_6,
    /// Jobs waiting for a placement.
    state_pending,
    /// Running jobs.
    state_running,
    /// Finished jobs.
    state_done,
    /// The `override` marker in placed-by columns and the decisions log.
    override_fg,
    /// Error messages (status line, refused actions).
    error,
    /// Warnings (QoS violations counter, read-only refusals).
    warning,
    /// Informational messages in the status line.
    info,
    /// Background of popups (help, job detail, pickers).
    popup_bg,
    /// The `:` command line text.
    command_fg,
    /// The `/` filter text.
    filter_fg,
}

/// A named palette.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    pub palette: Palette,
}

impl Theme {
    /// True when every role is `reset` (the [`mono`] theme or one like it):
    /// views then mark emphasis with modifiers (bold, reversed) instead.
    pub fn is_monochrome(&self) -> bool {
        Palette::ROLES
            .iter()
            .all(|r| self.palette.get(r) == Some(Color::Reset))
    }
}

impl Default for Theme {
    /// The default built-in theme ([`DEFAULT`]).
    fn default() -> Theme {
        // The built-ins are checked by tests; fall back to mono rather than
        // panic should one ever fail to load.
        builtin(DEFAULT).unwrap_or_else(|_| mono())
    }
}

/// Names of the built-in themes, in their documented order.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(name, _)| *name).collect()
}

/// The theme without colours: every role `reset`. Used for `NO_COLOR`.
pub fn mono() -> Theme {
    Theme {
        name: "mono".into(),
        palette: Palette::uniform(Color::Reset),
    }
}

/// True when `NO_COLOR` is set to a non-empty value: the caller then uses
/// [`mono`] whatever theme was asked for.
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// synergai's configuration directory: `$XDG_CONFIG_HOME/synergai`, or
/// `~/.config/synergai` when `XDG_CONFIG_HOME` is unset, empty or relative.
pub fn config_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })
        .map(|base| base.join("synergai"))
}

/// Where user themes live: `CONFIG_DIR/themes`.
pub fn user_themes_dir(config_dir: &Path) -> PathBuf {
    config_dir.join("themes")
}

/// Built-in and user theme names, sorted and deduplicated (for `t` cycling
/// and `:theme` completion). Unreadable directories are skipped.
pub fn available(config_dir: Option<&Path>) -> Vec<String> {
    let mut names: Vec<String> = builtin_names().into_iter().map(String::from).collect();
    if let Some(dir) = config_dir
        && let Ok(entries) = std::fs::read_dir(user_themes_dir(dir))
    {
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                continue;
            };
            if let Some(stem) = file_name.strip_suffix(".yaml")
                && !stem.is_empty()
                && !stem.starts_with('.')
                && entry.path().is_file()
            {
                names.push(stem.to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// The name after `current` in `names`, wrapping around (for `t`); the first
/// name when `current` is not listed.
pub fn next_name<'a>(names: &'a [String], current: &str) -> Option<&'a str> {
    let next = match names.iter().position(|n| n == current) {
        Some(i) => (i + 1) % names.len(),
        None => 0,
    };
    names.get(next).map(String::as_str)
}

/// Loads a theme by name or path.
///
/// `name_or_path` is a path when it contains a path separator or ends with
/// `.yaml`/`.yml`; otherwise it is a name looked up first in
/// `config_dir/themes/NAME.yaml`, then among the built-ins. An unknown name
/// is an [`Error::Usage`] listing the available names.
pub fn load(name_or_path: &str, config_dir: Option<&Path>) -> Result<Theme> {
    let is_path = name_or_path.contains('/')
        || name_or_path.contains(std::path::MAIN_SEPARATOR)
        || name_or_path.ends_with(".yaml")
        || name_or_path.ends_with(".yml");
    if is_path {
        let path = Path::new(name_or_path);
        let text = read_file_text(path)?;
        let file = path.display().to_string();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| name_or_path.to_string());
        return from_text(&file, &text, &stem);
    }
    if let Some(dir) = config_dir {
        let path = user_themes_dir(dir).join(format!("{name_or_path}.yaml"));
        if path.is_file() {
            let text = read_file_text(&path)?;
            return user_theme(&path.display().to_string(), &text, name_or_path, false);
        }
    }
    if BUILTIN.iter().any(|(n, _)| *n == name_or_path) {
        return builtin(name_or_path);
    }
    Err(Error::Usage(format!(
        "unknown theme `{name_or_path}`; available: {} (or give the path of a theme file)",
        available(config_dir).join(", ")
    )))
}

/// A theme file's text, as [`load`] reads a file named by path: a user
/// theme over the built-in it inherits (else `dark`), named by its
/// `metadata.name`, else `stem`; `file` names it in errors.
pub fn from_text(file: &str, text: &str, stem: &str) -> Result<Theme> {
    user_theme(file, text, stem, true)
}

/// Loads a built-in theme, checking it defines every role.
pub fn builtin(name: &str) -> Result<Theme> {
    let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) else {
        return Err(Error::Usage(format!(
            "unknown built-in theme `{name}`; built-ins: {}",
            builtin_names().join(", ")
        )));
    };
    let file = format!("embedded:themes/{name}.yaml");
    let r = Reporter { file: &file, text };
    let doc = read_doc(&file, text)?;
    if let Some(inherits) = &doc.inherits {
        return Err(r.field_at(
            &inherits.referenced,
            "spec.inherits",
            "a built-in theme defines every role and inherits nothing",
        ));
    }
    let mut palette = Palette::uniform(Color::Reset);
    let defined = overlay(&r, &doc, &mut palette)?;
    let missing: Vec<&str> = Palette::ROLES
        .iter()
        .copied()
        .filter(|r| !defined.contains(r))
        .collect();
    if !missing.is_empty() {
        return Err(r.field(
            "spec.colors",
            format!(
                "a built-in theme must define every role; missing: {}",
                missing.join(", ")
            ),
        ));
    }
    Ok(Theme {
        name: name.to_string(),
        palette,
    })
}

/// A user theme: its colours over the built-in it inherits. `by_path` says
/// the file was named by path, so its `metadata.name` names the theme;
/// themes found by name keep that name (so cycling finds them again).
fn user_theme(file: &str, text: &str, name: &str, by_path: bool) -> Result<Theme> {
    let r = Reporter { file, text };
    let doc = read_doc(file, text)?;
    let base_name = match &doc.inherits {
        Some(inherits) => {
            if !BUILTIN.iter().any(|(n, _)| *n == inherits.value) {
                return Err(r.field_at(
                    &inherits.referenced,
                    "spec.inherits",
                    format!(
                        "unknown built-in theme `{}`; built-ins: {}",
                        inherits.value,
                        builtin_names().join(", ")
                    ),
                ));
            }
            inherits.value.clone()
        }
        None if BUILTIN.iter().any(|(n, _)| *n == name) && !by_path => name.to_string(),
        None => DEFAULT.to_string(),
    };
    let mut palette = builtin(&base_name)?.palette;
    overlay(&r, &doc, &mut palette)?;
    let name = match (&doc.name, by_path) {
        (Some(meta_name), true) => meta_name.clone(),
        _ => name.to_string(),
    };
    Ok(Theme { name, palette })
}

/// A theme document, checked for its header and shape.
struct ThemeDoc {
    name: Option<String>,
    inherits: Option<Spanned<String>>,
    /// (role, colour), in file order.
    colors: Vec<(Spanned<String>, Spanned<Option<String>>)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawTheme {
    #[allow(dead_code)]
    api_version: String,
    #[allow(dead_code)]
    kind: String,
    #[serde(default)]
    metadata: Option<Metadata>,
    spec: RawThemeSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThemeSpec {
    #[serde(default)]
    inherits: Option<Spanned<String>>,
    #[serde(default)]
    colors: Option<HashMap<Spanned<String>, Spanned<Option<String>>>>,
}

fn read_doc(file: &str, text: &str) -> Result<ThemeDoc> {
    check_header(file, text, "Theme")?;
    let raw: RawTheme = parse(file, text)?;
    let mut colors: Vec<_> = raw.spec.colors.unwrap_or_default().into_iter().collect();
    colors.sort_by_key(|(role, _)| (role.referenced.line(), role.referenced.column()));
    Ok(ThemeDoc {
        name: raw.metadata.map(|m| m.name),
        inherits: raw.spec.inherits,
        colors,
    })
}

/// Writes the document's colours into `palette`; returns the roles set.
fn overlay(r: &Reporter, doc: &ThemeDoc, palette: &mut Palette) -> Result<Vec<&'static str>> {
    let mut defined = Vec::new();
    for (role, color) in &doc.colors {
        let field = format!("spec.colors.{}", role.value);
        let Some(known) = Palette::ROLES.iter().copied().find(|r| *r == role.value) else {
            return Err(r.field_at(
                &role.referenced,
                &field,
                format!(
                    "unknown role `{}`; roles: {}",
                    role.value,
                    Palette::ROLES.join(", ")
                ),
            ));
        };
        let parsed = match &color.value {
            None => Err(
                "no colour given (an unquoted `#rrggbb` starts a YAML comment: write \"#rrggbb\")"
                    .to_string(),
            ),
            Some(s) => parse_color(s),
        };
        let parsed = parsed.map_err(|message| {
            // A missing value has no location of its own: point at the key.
            let loc = if color.referenced == Location::UNKNOWN || color.value.is_none() {
                &role.referenced
            } else {
                &color.referenced
            };
            r.field_at(loc, &field, message)
        })?;
        if let Some(slot) = palette.slot(known) {
            *slot = parsed;
        }
        defined.push(known);
    }
    Ok(defined)
}

/// Checks the `apiVersion` and `kind` of a dashboard configuration document
/// (`Theme`, `Keymap`), with the file, line and column of a bad value.
pub(crate) fn check_header(file: &str, text: &str, kind: &str) -> Result<()> {
    crate::fixture::header(file, text, &[kind], Some(kind)).map(|_| ())
}

/// Named colours, by their name with `-`, `_` and spaces removed.
const NAMED: &[(&str, Color)] = &[
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("grey", Color::Gray),
    ("darkgray", Color::DarkGray),
    ("darkgrey", Color::DarkGray),
    ("lightred", Color::LightRed),
    ("lightgreen", Color::LightGreen),
    ("lightyellow", Color::LightYellow),
    ("lightblue", Color::LightBlue),
    ("lightmagenta", Color::LightMagenta),
    ("lightcyan", Color::LightCyan),
    ("white", Color::White),
    ("reset", Color::Reset),
];

/// Parses a colour: a name (`dark-gray`, `darkgray`, `light-red`, `reset`,
/// …; case-insensitive), `#rrggbb` or `indexed:N` (0–255). The error says
/// what was expected.
pub fn parse_color(text: &str) -> std::result::Result<Color, String> {
    let s = text.trim();
    if let Some(hex) = s.strip_prefix('#') {
        let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        if hex.len() == 6
            && hex.chars().all(|c| c.is_ascii_hexdigit())
            && let (Some(r), Some(g), Some(b)) = (channel(0), channel(2), channel(4))
        {
            return Ok(Color::Rgb(r, g, b));
        }
        return Err(format!(
            "bad hex colour `{s}`; expected `#rrggbb` with six hex digits"
        ));
    }
    if let Some(index) = s.strip_prefix("indexed:") {
        return index.trim().parse::<u8>().map(Color::Indexed).map_err(|_| {
            format!("bad indexed colour `{s}`; expected `indexed:N` with N in 0–255")
        });
    }
    let key: String = s
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    NAMED
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, color)| *color)
        .ok_or_else(|| {
            format!(
                "unknown colour `{s}`; expected a name ({}), `#rrggbb` or `indexed:N` (0–255)",
                COLOR_NAMES.join(", ")
            )
        })
}

/// The names [`parse_color`] accepts, as written in the built-in themes.
const COLOR_NAMES: &[&str] = &[
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "dark-gray",
    "light-red",
    "light-green",
    "light-yellow",
    "light-blue",
    "light-magenta",
    "light-cyan",
    "white",
    "reset",
];

/// A colour as a theme file writes it (the inverse of [`parse_color`]).
pub fn color_name(color: Color) -> String {
    match color {
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => format!("indexed:{i}"),
        named => {
            let key = format!("{named:?}").to_ascii_lowercase();
            COLOR_NAMES
                .iter()
                .find(|n| n.replace('-', "") == key)
                .map(|n| n.to_string())
                .unwrap_or(key)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Position;

    fn invalid(err: Error) -> (String, Option<Position>, Option<String>, String) {
        match err {
            Error::Invalid {
                file,
                position,
                field,
                message,
            } => (file, position, field, message),
            other => panic!("expected Error::Invalid, got {other:?}"),
        }
    }

    fn pos(line: u64, column: u64) -> Option<Position> {
        Some(Position { line, column })
    }

    fn user(text: &str) -> Result<Theme> {
        user_theme("user.yaml", text, "user", true)
    }

    const HEAD: &str = "apiVersion: synergai.io/v1alpha1\nkind: Theme\nmetadata:\n  name: mine\n";

    #[test]
    fn every_builtin_parses_and_defines_every_role() {
        assert_eq!(
            builtin_names(),
            ["dark", "light", "high-contrast", "colorblind", "mono"]
        );
        for (name, text) in BUILTIN {
            let theme = builtin(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(theme.name, *name);
            let doc = read_doc(name, text).unwrap();
            let mut roles: Vec<&str> = doc.colors.iter().map(|(r, _)| r.value.as_str()).collect();
            roles.sort();
            let mut all = Palette::ROLES.to_vec();
            all.sort();
            assert_eq!(roles, all, "{name} must define every role exactly once");
            let meta_name = doc.name.unwrap_or_default();
            assert_eq!(meta_name, *name, "metadata.name of {name}");
        }
    }

    #[test]
    fn mono_builtin_is_all_reset_and_equals_mono() {
        let theme = builtin("mono").unwrap();
        assert_eq!(theme, mono());
        assert!(theme.is_monochrome());
        assert!(!builtin("dark").unwrap().is_monochrome());
        assert_eq!(Theme::default().name, "dark");
    }

    #[test]
    fn colorblind_slack_bands_avoid_red_and_green() {
        let p = builtin("colorblind").unwrap().palette;
        let bands = [p.slack_ok, p.slack_tight, p.slack_negative];
        let okabe_ito = [
            Color::Rgb(0xE6, 0x9F, 0x00),
            Color::Rgb(0x56, 0xB4, 0xE9),
            Color::Rgb(0x00, 0x9E, 0x73),
            Color::Rgb(0xF0, 0xE4, 0x42),
            Color::Rgb(0x00, 0x72, 0xB2),
            Color::Rgb(0xD5, 0x5E, 0x00),
            Color::Rgb(0xCC, 0x79, 0xA7),
        ];
        for c in bands {
            assert!(okabe_ito.contains(&c), "{c:?} is not an Okabe–Ito colour");
        }
        assert_ne!(bands[0], bands[1]);
        assert_ne!(bands[1], bands[2]);
        assert_ne!(bands[0], bands[2]);
        // Not a red/green pair: the comfortable band is not the bluish green
        // and the negative band is told apart by lightness and hue from both.
        assert_ne!(p.slack_ok, Color::Rgb(0x00, 0x9E, 0x73));
    }

    #[test]
    fn parses_names_hex_and_indexed() {
        assert_eq!(parse_color("dark-gray"), Ok(Color::DarkGray));
        assert_eq!(parse_color("darkgray"), Ok(Color::DarkGray));
        assert_eq!(parse_color("Light_Red"), Ok(Color::LightRed));
        assert_eq!(parse_color("reset"), Ok(Color::Reset));
        assert_eq!(parse_color("grey"), Ok(Color::Gray));
        assert_eq!(parse_color("#E69F00"), Ok(Color::Rgb(0xE6, 0x9F, 0x00)));
        assert_eq!(parse_color("#0072b2"), Ok(Color::Rgb(0x00, 0x72, 0xB2)));
        assert_eq!(parse_color("indexed:0"), Ok(Color::Indexed(0)));
        assert_eq!(parse_color("indexed:255"), Ok(Color::Indexed(255)));
        for bad in [
            "#fff",
            "#12345g",
            "#1234567",
            "#",
            "indexed:256",
            "indexed:-1",
            "indexed:",
            "purple",
            "",
        ] {
            assert!(parse_color(bad).is_err(), "{bad} should not parse");
        }
        for c in [
            Color::Reset,
            Color::DarkGray,
            Color::LightMagenta,
            Color::White,
            Color::Rgb(1, 2, 255),
            Color::Indexed(17),
        ] {
            assert_eq!(parse_color(&color_name(c)), Ok(c));
        }
        assert_eq!(color_name(Color::DarkGray), "dark-gray");
    }

    #[test]
    fn user_theme_overlays_its_inherited_builtin() {
        let text = format!(
            "{HEAD}spec:\n  inherits: light\n  colors:\n    slack_ok: \"#56B4E9\"\n    border: indexed:17\n"
        );
        let theme = user(&text).unwrap();
        let light = builtin("light").unwrap().palette;
        assert_eq!(theme.name, "mine");
        assert_eq!(theme.palette.slack_ok, Color::Rgb(0x56, 0xB4, 0xE9));
        assert_eq!(theme.palette.border, Color::Indexed(17));
        assert_eq!(theme.palette.fg, light.fg);
        assert_eq!(theme.palette.popup_bg, light.popup_bg);
    }

    #[test]
    fn user_theme_defaults_to_dark_or_its_namesake() {
        let text = format!("{HEAD}spec:\n  colors:\n    fg: red\n");
        let dark = builtin("dark").unwrap().palette;
        let theme = user(&text).unwrap();
        assert_eq!(theme.palette.fg, Color::Red);
        assert_eq!(theme.palette.bg, dark.bg);
        assert_eq!(theme.palette.title, dark.title);

        let light = builtin("light").unwrap().palette;
        let same_name = user_theme("light.yaml", &text, "light", false).unwrap();
        assert_eq!(same_name.name, "light");
        assert_eq!(same_name.palette.fg, Color::Red);
        assert_eq!(same_name.palette.bg, light.bg);

        // No colours at all: the inherited palette unchanged.
        let empty = user(&format!("{HEAD}spec:\n  inherits: mono\n")).unwrap();
        assert_eq!(empty.palette, mono().palette);
    }

    #[test]
    fn bad_colour_names_line_column_and_field() {
        let text = format!("{HEAD}spec:\n  colors:\n    fg: red\n    slack_ok: purple\n");
        let (file, position, field, message) = invalid(user(&text).unwrap_err());
        assert_eq!(file, "user.yaml");
        assert_eq!(position, pos(8, 15));
        assert_eq!(field.as_deref(), Some("spec.colors.slack_ok"));
        assert!(message.contains("unknown colour `purple`"), "{message}");

        let text = format!("{HEAD}spec:\n  colors:\n    border: indexed:300\n");
        let (_, position, field, message) = invalid(user(&text).unwrap_err());
        assert_eq!(position, pos(7, 13));
        assert_eq!(field.as_deref(), Some("spec.colors.border"));
        assert!(message.contains("indexed:N"), "{message}");

        let text = format!("{HEAD}spec:\n  colors:\n    title: \"#12345\"\n");
        let (_, position, field, _) = invalid(user(&text).unwrap_err());
        assert_eq!(position, pos(7, 12));
        assert_eq!(field.as_deref(), Some("spec.colors.title"));
    }

    #[test]
    fn unquoted_hex_is_explained() {
        let text = format!("{HEAD}spec:\n  colors:\n    title: #E69F00\n");
        let (_, position, field, message) = invalid(user(&text).unwrap_err());
        assert_eq!(position.map(|p| p.line), Some(7));
        assert_eq!(field.as_deref(), Some("spec.colors.title"));
        assert!(message.contains("quote"), "{message}");
    }

    #[test]
    fn unknown_role_names_line_column_and_field() {
        let text = format!("{HEAD}spec:\n  colors:\n    fg: red\n    slack_good: green\n");
        let err = user(&text).unwrap_err();
        let rendered = err.to_string();
        let (_, position, field, message) = invalid(err);
        assert_eq!(position, pos(8, 5));
        assert_eq!(field.as_deref(), Some("spec.colors.slack_good"));
        assert!(message.contains("unknown role `slack_good`"), "{message}");
        assert!(message.contains("slack_ok"), "{message}");
        assert!(
            rendered.starts_with("user.yaml:8:5: field `spec.colors.slack_good`"),
            "{rendered}"
        );
    }

    #[test]
    fn unknown_inherits_names_line_column_and_field() {
        let text = format!("{HEAD}spec:\n  inherits: solarized\n  colors:\n    fg: red\n");
        let (_, position, field, message) = invalid(user(&text).unwrap_err());
        assert_eq!(position, pos(6, 13));
        assert_eq!(field.as_deref(), Some("spec.inherits"));
        assert!(message.contains("`solarized`"), "{message}");
        assert!(message.contains("high-contrast"), "{message}");
    }

    #[test]
    fn header_and_shape_errors() {
        let (_, _, field, message) = invalid(user("").unwrap_err());
        assert_eq!(field, None);
        assert!(message.contains("empty"), "{message}");

        let text = "apiVersion: synergai.io/v1alpha1\nkind: Keymap\nspec: {}\n";
        let (_, position, field, _) = invalid(user(text).unwrap_err());
        assert_eq!(position, pos(2, 7));
        assert_eq!(field.as_deref(), Some("kind"));

        let text = "apiVersion: synergai.io/v2\nkind: Theme\nspec: {}\n";
        let (_, position, field, _) = invalid(user(text).unwrap_err());
        assert_eq!(position, pos(1, 13));
        assert_eq!(field.as_deref(), Some("apiVersion"));

        let text = format!("{HEAD}spec:\n  colours:\n    fg: red\n");
        let (_, position, _, message) = invalid(user(&text).unwrap_err());
        assert_eq!(position.map(|p| p.line), Some(6));
        assert!(message.contains("colours"), "{message}");

        let text = format!("{HEAD}spec:\n  colors:\n    fg: red\n    fg: blue\n");
        let (_, position, _, _) = invalid(user(&text).unwrap_err());
        assert_eq!(position.map(|p| p.line), Some(8));
    }

    #[test]
    fn load_by_name_path_and_config_dir() {
        let dir = std::env::temp_dir().join(format!("synergai-theme-test-{}", std::process::id()));
        let themes = user_themes_dir(&dir);
        std::fs::create_dir_all(&themes).unwrap();
        std::fs::write(
            themes.join("ocean.yaml"),
            format!("{HEAD}spec:\n  inherits: high-contrast\n  colors:\n    fg: blue\n"),
        )
        .unwrap();
        std::fs::write(
            themes.join("light.yaml"),
            format!("{HEAD}spec:\n  colors:\n    accent: red\n"),
        )
        .unwrap();
        std::fs::write(themes.join("notes.txt"), "not a theme").unwrap();

        let ocean = load("ocean", Some(&dir)).unwrap();
        assert_eq!(ocean.name, "ocean");
        assert_eq!(ocean.palette.fg, Color::Blue);
        assert_eq!(
            ocean.palette.bg,
            builtin("high-contrast").unwrap().palette.bg
        );

        let light = load("light", Some(&dir)).unwrap();
        assert_eq!(light.palette.accent, Color::Red);
        assert_eq!(light.palette.bg, builtin("light").unwrap().palette.bg);
        assert_eq!(load("light", None).unwrap(), builtin("light").unwrap());

        let by_path = themes.join("ocean.yaml");
        let by_path = load(by_path.to_str().unwrap(), None).unwrap();
        assert_eq!(by_path.name, "mine");
        assert_eq!(by_path.palette.fg, Color::Blue);

        assert_eq!(
            available(Some(&dir)),
            [
                "colorblind",
                "dark",
                "high-contrast",
                "light",
                "mono",
                "ocean"
            ]
        );
        assert_eq!(available(None).len(), BUILTIN.len());

        match load("nope", Some(&dir)) {
            Err(Error::Usage(message)) => {
                assert!(message.contains("`nope`"), "{message}");
                assert!(message.contains("ocean"), "{message}");
                assert!(message.contains("colorblind"), "{message}");
            }
            other => panic!("expected a usage error, got {other:?}"),
        }
        assert!(matches!(
            load("missing/theme.yaml", None),
            Err(Error::Io { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn next_name_cycles() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(next_name(&names, "a"), Some("b"));
        assert_eq!(next_name(&names, "c"), Some("a"));
        assert_eq!(next_name(&names, "zzz"), Some("a"));
        assert_eq!(next_name(&[], "a"), None);
    }
}
