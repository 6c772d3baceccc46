//! Dashboard state and input handling: which pane is shown, selections,
//! filter, sort orders and command line, popups, theme and keymap. Pure:
//! keys and mouse events go in, [`Command`]s for the source come out, so
//! every flow is testable without a terminal.

use super::keymap::{Action, Keymap};
use super::mouse::{HitMap, Target};
use super::table::{self, Column, Filter, JobColumn, LogColumn, NodeColumn, Sort, SortChange};
use super::theme::{self, Theme};
use crate::model::{JobSnapshot, JobState, NodeSnapshot, PinRef};
use crate::policy::PolicyKind;
use crate::source::{Command, LogLine, Note, View};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use std::path::PathBuf;
use std::sync::Arc;

/// The main table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Jobs,
    Nodes,
    Archs,
    Log,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Jobs, Pane::Nodes, Pane::Archs, Pane::Log];

    pub fn name(self) -> &'static str {
        match self {
            Pane::Jobs => "jobs",
            Pane::Nodes => "nodes",
            Pane::Archs => "arch",
            Pane::Log => "log",
        }
    }

    fn index(self) -> usize {
        Pane::ALL.iter().position(|&p| p == self).unwrap_or(0)
    }
}

/// A line being typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    None,
    Filter(String),
    Command(String),
}

/// Choosing where to pin a job, then why.
#[derive(Clone, Debug, PartialEq)]
pub struct OverridePicker {
    pub job: String,
    pub targets: Vec<PinRef>,
    pub labels: Vec<String>,
    pub selected: usize,
    /// `Some` once a target is chosen and the reason is being typed.
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Popup {
    Help,
    Detail {
        job: String,
    },
    Override(OverridePicker),
    /// One chart of the architectures view over the whole screen.
    Chart(ChartKind),
}

/// The charts of the architectures view (`:chart NAME` shows one over
/// the whole screen).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Percent of cores in use per architecture, over time.
    Cores,
    /// Percent of GPUs in use per architecture with GPUs, over time.
    Gpus,
    /// Pending and running jobs over time.
    Jobs,
    /// Violations so far, over time (both policies after a what-if).
    Violations,
    /// The distribution of the current jobs' slack.
    Slack,
}

impl ChartKind {
    pub const ALL: [ChartKind; 5] = [
        ChartKind::Cores,
        ChartKind::Gpus,
        ChartKind::Jobs,
        ChartKind::Violations,
        ChartKind::Slack,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Cores => "cores",
            ChartKind::Gpus => "gpus",
            ChartKind::Jobs => "jobs",
            ChartKind::Violations => "violations",
            ChartKind::Slack => "slack",
        }
    }

    pub fn parse(name: &str) -> Option<ChartKind> {
        ChartKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// Commands of the `:` line, for completion and help.
pub const COMMANDS: [&str; 14] = [
    "jobs", "nodes", "arch", "chart", "log", "sort", "policy", "theme", "jump", "mode", "trigger",
    "pause", "help", "quit",
];

/// Rows the selection moves per step of the mouse wheel.
pub const WHEEL_ROWS: isize = 3;

/// The dashboard's state.
pub struct App {
    pub view: Arc<View>,
    pub pane: Pane,
    selected: [usize; 4],
    /// The `/` filter of the jobs, nodes and decisions tables.
    pub filter: Filter,
    /// Orders of the jobs, nodes and decisions tables (`None`: as the
    /// source lists them).
    pub job_sort: Option<Sort<JobColumn>>,
    pub node_sort: Option<Sort<NodeColumn>>,
    pub log_sort: Option<Sort<LogColumn>>,
    /// Where the last frame drew the tabs and the table, for the mouse.
    pub hits: HitMap<Pane>,
    pub input: Input,
    pub popup: Option<Popup>,
    pub theme: Theme,
    pub themes: Vec<String>,
    pub keymap: Keymap,
    pub read_only: bool,
    pub quit: bool,
    /// Local notes (refusals, errors of the command line).
    pub status: Option<Note>,
    config_dir: Option<PathBuf>,
    no_color: bool,
    /// The job under the cursor, followed across views (rows re-sort as
    /// slack changes; the cursor stays on the same job, as in k9s).
    followed_job: Option<String>,
}

impl App {
    pub fn new(
        view: Arc<View>,
        theme: Theme,
        keymap: Keymap,
        read_only: bool,
        config_dir: Option<PathBuf>,
        no_color: bool,
    ) -> App {
        let themes = theme::available(config_dir.as_deref());
        App {
            view,
            pane: Pane::Jobs,
            selected: [0; 4],
            filter: Filter::default(),
            job_sort: JobColumn::DEFAULT,
            node_sort: NodeColumn::DEFAULT,
            log_sort: LogColumn::DEFAULT,
            hits: HitMap::default(),
            input: Input::None,
            popup: None,
            theme,
            themes,
            keymap,
            read_only,
            quit: false,
            status: None,
            config_dir,
            no_color,
            followed_job: None,
        }
    }

    /// Takes a new view from the source.
    pub fn set_view(&mut self, view: Arc<View>) {
        if let Some(note) = &view.note {
            self.status = Some(note.clone());
        }
        self.view = view;
        self.follow_job();
    }

    /// Puts the cursor back on the followed job after the rows moved
    /// (a new view, another order or filter), and inside the table.
    fn follow_job(&mut self) {
        if let Some(name) = &self.followed_job
            && let Some(i) = self.visible_jobs().iter().position(|j| &j.name == name)
        {
            self.selected[Pane::Jobs.index()] = i;
        }
        let len = self.rows(self.pane);
        let s = &mut self.selected[self.pane.index()];
        *s = (*s).min(len.saturating_sub(1));
    }

    pub fn selected(&self) -> usize {
        self.selected[self.pane.index()]
    }

    /// Jobs as the table shows them: filtered, in the chosen order (by
    /// default pending and running by slack, least first, then finished
    /// ones, newest first).
    pub fn visible_jobs(&self) -> Vec<&JobSnapshot> {
        let mut jobs: Vec<&JobSnapshot> = self
            .view
            .snapshot
            .jobs
            .iter()
            .filter(|j| self.filter.keeps_job(j))
            .collect();
        table::sort_jobs(&mut jobs, self.job_sort);
        jobs
    }

    /// Nodes as the table shows them: filtered, in the chosen order.
    pub fn visible_nodes(&self) -> Vec<&NodeSnapshot> {
        let mut nodes: Vec<&NodeSnapshot> = self
            .view
            .snapshot
            .nodes
            .iter()
            .filter(|n| self.filter.keeps_node(n))
            .collect();
        table::sort_nodes(&mut nodes, self.node_sort);
        nodes
    }

    /// Decisions as the decisions view shows them: filtered, in the
    /// chosen order (by default newest first).
    pub fn visible_log(&self) -> Vec<&LogLine> {
        let mut lines: Vec<&LogLine> = self
            .view
            .log
            .iter()
            .rev()
            .filter(|l| self.filter.keeps_log(l))
            .collect();
        table::sort_log(&mut lines, self.log_sort);
        lines
    }

    fn rows(&self, pane: Pane) -> usize {
        match pane {
            Pane::Jobs => self.visible_jobs().len(),
            Pane::Nodes => self.visible_nodes().len(),
            Pane::Archs => self.view.models.len(),
            Pane::Log => self.visible_log().len(),
        }
    }

    /// The job under the cursor (jobs pane).
    pub fn selected_job(&self) -> Option<&JobSnapshot> {
        (self.pane == Pane::Jobs)
            .then(|| self.visible_jobs().get(self.selected()).copied())
            .flatten()
    }

    fn note(&mut self, text: impl Into<String>, error: bool) {
        self.status = Some(Note {
            text: text.into(),
            error,
        });
    }

    fn refuse_if_read_only(&mut self, what: &str) -> bool {
        if self.read_only {
            self.note(format!("read-only: {what} is disabled"), true);
        }
        self.read_only
    }

    fn move_selection(&mut self, delta: isize) {
        let to = self.selected() as isize + delta;
        self.select(to);
    }

    /// Selects a row of the current table (clamped to the table).
    fn select(&mut self, row: isize) {
        let len = self.rows(self.pane);
        let s = &mut self.selected[self.pane.index()];
        *s = if len == 0 {
            0
        } else {
            row.clamp(0, len as isize - 1) as usize
        };
        if self.pane == Pane::Jobs {
            self.followed_job = self.selected_job().map(|j| j.name.clone());
        }
    }

    /// Changes the order of the current table (`s`, `S`, `:sort`, a click
    /// on a header); the cursor stays on its job or node.
    fn change_sort(&mut self, change: SortChange) {
        let shown = self.hits.columns_of(self.pane);
        let node = (self.pane == Pane::Nodes)
            .then(|| {
                self.visible_nodes()
                    .get(self.selected())
                    .map(|n| n.name.clone())
            })
            .flatten();
        let result = match self.pane {
            Pane::Jobs => table::change(&mut self.job_sort, change, &shown),
            Pane::Nodes => table::change(&mut self.node_sort, change, &shown),
            Pane::Log => table::change(&mut self.log_sort, change, &shown),
            Pane::Archs => {
                Err("sort: the jobs, nodes and decisions views sort; this one does not".into())
            }
        };
        if let Err(e) = result {
            self.note(e, true);
        }
        if let Some(i) =
            node.and_then(|name| self.visible_nodes().iter().position(|n| n.name == name))
        {
            self.selected[Pane::Nodes.index()] = i;
        }
        self.follow_job();
    }

    /// The `:sort` names of the current table's columns (completion).
    fn sort_columns(&self) -> Vec<&'static str> {
        match self.pane {
            Pane::Jobs => table::column_names::<JobColumn>(),
            Pane::Nodes => table::column_names::<NodeColumn>(),
            Pane::Log => table::column_names::<LogColumn>(),
            Pane::Archs => Vec::new(),
        }
    }

    /// Sets the `/` filter; the cursor stays on its job if still shown.
    fn set_filter(&mut self, text: &str) {
        self.filter = Filter::new(text);
        self.follow_job();
    }

    /// Handles a mouse event (when the mouse is on): a click on a tab
    /// switches the view, on a header sorts by that column (again: the
    /// other way), on a row selects it; the wheel moves the selection
    /// (also in the override picker). Returns the commands for the source.
    pub fn on_mouse(&mut self, event: MouseEvent) -> Vec<Command> {
        let typing = self.input != Input::None;
        let step = match event.kind {
            MouseEventKind::ScrollDown => WHEEL_ROWS,
            MouseEventKind::ScrollUp => -WHEEL_ROWS,
            MouseEventKind::Down(MouseButton::Left) if !typing && self.popup.is_none() => {
                match self.hits.target(event.column, event.row) {
                    Some(Target::Tab(pane)) => self.pane = pane,
                    Some(Target::Header(pane, column)) if pane == self.pane => {
                        self.change_sort(SortChange::Clicked(column))
                    }
                    Some(Target::Row(pane, row)) if pane == self.pane => self.select(row as isize),
                    _ => {}
                }
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        match &mut self.popup {
            Some(Popup::Override(p)) if p.reason.is_none() => {
                let last = p.targets.len().saturating_sub(1) as isize;
                p.selected = (p.selected as isize + step).clamp(0, last.max(0)) as usize;
            }
            None if !typing => self.move_selection(step),
            _ => {}
        }
        Vec::new()
    }

    /// Handles a key; returns the commands for the source.
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.kind != crossterm::event::KeyEventKind::Press {
            return Vec::new();
        }
        // A note (an error above all) stays until the next key.
        self.status = None;
        if self.input != Input::None {
            return self.on_input_key(key);
        }
        if let Some(Popup::Override(_)) = &self.popup {
            return self.on_picker_key(key);
        }
        let Some(action) = self.keymap.action_for(&key) else {
            return Vec::new();
        };
        if self.popup.is_some() {
            return match action {
                Action::Back | Action::Help | Action::Details => self.close_popup(),
                Action::Quit => {
                    self.quit = true;
                    Vec::new()
                }
                _ => Vec::new(),
            };
        }
        self.on_action(action)
    }

    fn close_popup(&mut self) -> Vec<Command> {
        match self.popup.take() {
            Some(Popup::Detail { .. }) => vec![Command::Explain(None)],
            _ => Vec::new(),
        }
    }

    /// Performs an action (from a key or the command line).
    pub fn on_action(&mut self, action: Action) -> Vec<Command> {
        let page = 10;
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.popup = Some(Popup::Help),
            Action::Filter => self.input = Input::Filter(self.filter.text().to_string()),
            Action::CommandLine => self.input = Input::Command(String::new()),
            Action::JumpTo => self.input = Input::Command("jump ".into()),
            Action::SwitchPolicy => self.input = Input::Command("policy ".into()),
            Action::Back => {
                if !self.filter.text().is_empty() {
                    self.set_filter("");
                    self.note("filter cleared", false);
                }
            }
            Action::Sort => self.change_sort(SortChange::Next),
            Action::SortReverse => self.change_sort(SortChange::Reverse),
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-page),
            Action::PageDown => self.move_selection(page),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            Action::NextView | Action::PrevView => {
                let i =
                    self.pane.index() as isize + if action == Action::NextView { 1 } else { -1 };
                self.pane = Pane::ALL[i.rem_euclid(Pane::ALL.len() as isize) as usize];
            }
            Action::ViewJobs => self.pane = Pane::Jobs,
            Action::ViewNodes => self.pane = Pane::Nodes,
            Action::ViewArchs => self.pane = Pane::Archs,
            Action::ViewLog => self.pane = Pane::Log,
            Action::NextTheme => self.next_theme(),
            Action::TogglePause => return vec![Command::TogglePause],
            Action::SpeedUp => return vec![Command::SpeedUp],
            Action::SlowDown => return vec![Command::SlowDown],
            Action::Step => return vec![Command::Step],
            Action::Trigger => {
                if !self.refuse_if_read_only("triggering a placement pass") {
                    return vec![Command::Trigger];
                }
            }
            Action::ToggleMode => {
                if !self.refuse_if_read_only("changing the mode") {
                    return vec![Command::SetManual(!self.view.manual)];
                }
            }
            Action::Details => {
                if let Some(job) = self.selected_job().map(|j| j.name.clone()) {
                    self.popup = Some(Popup::Detail { job: job.clone() });
                    return vec![Command::Explain(Some(job))];
                }
            }
            Action::Override => {
                if self.refuse_if_read_only("overriding a placement") {
                    return Vec::new();
                }
                match self.selected_job() {
                    Some(job) if job.state == JobState::Pending => {
                        let picker = self.picker(job.name.clone());
                        self.popup = Some(Popup::Override(picker));
                    }
                    Some(job) => {
                        let text = format!(
                            "{} is {}: only pending jobs can be overridden",
                            job.name, job.state
                        );
                        self.note(text, true);
                    }
                    None => self.note("select a job in the jobs view to override it", true),
                }
            }
            Action::Release => {
                if self.refuse_if_read_only("releasing an override") {
                    return Vec::new();
                }
                match self.selected_job() {
                    Some(job) => {
                        return vec![Command::Release {
                            job: job.name.clone(),
                        }];
                    }
                    None => self.note("select a job in the jobs view to release it", true),
                }
            }
        }
        Vec::new()
    }

    fn picker(&self, job: String) -> OverridePicker {
        let mut targets = Vec::new();
        let mut labels = Vec::new();
        for a in &self.view.snapshot.archs {
            targets.push(PinRef::Arch(a.arch.clone()));
            labels.push(format!(
                "arch {:<10} {} node(s), {}/{} cores free",
                a.arch,
                a.nodes,
                a.cores - a.cores_used,
                a.cores
            ));
        }
        for n in &self.view.snapshot.nodes {
            targets.push(PinRef::Node(n.name.clone()));
            labels.push(format!(
                "node {:<10} {:<9} {}/{} cores{} free",
                n.name,
                n.arch,
                n.cores - n.cores_used,
                n.cores,
                if n.gpus > 0 {
                    format!(", {}/{} GPUs", n.gpus - n.gpus_used, n.gpus)
                } else {
                    String::new()
                }
            ));
        }
        OverridePicker {
            job,
            targets,
            labels,
            selected: 0,
            reason: None,
        }
    }

    fn on_picker_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let Some(Popup::Override(picker)) = &mut self.popup else {
            return Vec::new();
        };
        if let Some(reason) = &mut picker.reason {
            match key.code {
                KeyCode::Esc => picker.reason = None,
                KeyCode::Enter => {
                    let command = Command::Override {
                        job: picker.job.clone(),
                        target: picker.targets[picker.selected].clone(),
                        reason: reason.trim().to_string(),
                    };
                    self.popup = None;
                    return vec![command];
                }
                KeyCode::Backspace => {
                    reason.pop();
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    reason.push(c)
                }
                _ => {}
            }
            return Vec::new();
        }
        let last = picker.targets.len().saturating_sub(1);
        match self.keymap.action_for(&key) {
            Some(Action::Back) | Some(Action::Quit) => self.popup = None,
            Some(Action::Up) => picker.selected = picker.selected.saturating_sub(1),
            Some(Action::Down) => picker.selected = (picker.selected + 1).min(last),
            Some(Action::PageUp) => picker.selected = picker.selected.saturating_sub(10),
            Some(Action::PageDown) => picker.selected = (picker.selected + 10).min(last),
            Some(Action::Top) => picker.selected = 0,
            Some(Action::Bottom) => picker.selected = last,
            Some(Action::Details) if !picker.targets.is_empty() => {
                picker.reason = Some(String::new());
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_input_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match (&mut self.input, key.code) {
            (_, KeyCode::Esc) => {
                let filtering = matches!(self.input, Input::Filter(_));
                self.input = Input::None;
                if filtering {
                    self.set_filter("");
                }
            }
            (_, KeyCode::Char('c')) if ctrl => self.input = Input::None,
            (Input::Filter(text), KeyCode::Enter) => {
                let text = text.clone();
                self.input = Input::None;
                self.set_filter(&text);
                if let Some(e) = self.filter.error() {
                    let e = format!(
                        "filter /{text}: not a regular expression ({e}); matching it as text"
                    );
                    self.note(e, true);
                }
            }
            (Input::Command(text), KeyCode::Enter) => {
                let line = text.clone();
                self.input = Input::None;
                return self.run_command(&line);
            }
            (Input::Command(_), KeyCode::Tab) => {
                let columns = self.sort_columns();
                if let Input::Command(text) = &mut self.input {
                    *text = complete(text, &self.themes, &columns);
                }
            }
            (Input::Filter(text) | Input::Command(text), KeyCode::Backspace) => {
                text.pop();
                if let Input::Filter(t) = &self.input {
                    let t = t.clone();
                    self.set_filter(&t);
                }
            }
            (Input::Filter(text) | Input::Command(text), KeyCode::Char(c)) if !ctrl => {
                text.push(c);
                if let Input::Filter(t) = &self.input {
                    // Filter as you type.
                    let t = t.clone();
                    self.set_filter(&t);
                    self.selected[self.pane.index()] = 0;
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// Runs a `:` command line.
    pub fn run_command(&mut self, line: &str) -> Vec<Command> {
        let mut words = line.split_whitespace();
        let Some(cmd) = words.next() else {
            return Vec::new();
        };
        let arg = words.collect::<Vec<_>>().join(" ");
        match cmd {
            "jobs" | "job" => self.pane = Pane::Jobs,
            "nodes" | "node" => self.pane = Pane::Nodes,
            "arch" | "archs" => self.pane = Pane::Archs,
            "log" | "decisions" => self.pane = Pane::Log,
            "sort" => self.change_sort(SortChange::Command(&arg)),
            "help" => self.popup = Some(Popup::Help),
            "q" | "quit" => self.quit = true,
            "pause" => return vec![Command::TogglePause],
            "trigger" => return self.on_action(Action::Trigger),
            "policy" => match PolicyKind::parse(&arg) {
                Some(kind) if !self.refuse_if_read_only("switching the policy") => {
                    return vec![Command::SwitchPolicy(kind)];
                }
                Some(_) => {}
                None => {
                    let names: Vec<&str> = PolicyKind::ALL.iter().map(|p| p.name()).collect();
                    self.note(
                        format!("unknown policy `{arg}` (policies: {})", names.join(", ")),
                        true,
                    );
                }
            },
            "theme" => self.set_theme(&arg),
            "chart" => match ChartKind::parse(&arg) {
                Some(kind) => self.popup = Some(Popup::Chart(kind)),
                None => {
                    let names: Vec<&str> = ChartKind::ALL.iter().map(|k| k.name()).collect();
                    self.note(format!("usage: chart {}", names.join("|")), true);
                }
            },
            "mode" => match arg.as_str() {
                "auto" | "manual" => {
                    if !self.refuse_if_read_only("changing the mode") {
                        return vec![Command::SetManual(arg == "manual")];
                    }
                }
                _ => self.note("usage: mode auto|manual", true),
            },
            "jump" => match crate::fixture::units::Duration::parse(&arg).map(|d| d.ms()) {
                Ok(t) => return vec![Command::JumpTo(t)],
                Err(e) => self.note(format!("jump: {e}"), true),
            },
            other => self.note(
                format!(
                    "unknown command `{other}` (commands: {})",
                    COMMANDS.join(", ")
                ),
                true,
            ),
        }
        Vec::new()
    }

    fn set_theme(&mut self, name: &str) {
        if self.no_color {
            self.note("NO_COLOR is set: the mono theme stays", false);
            return;
        }
        match theme::load(name, self.config_dir.as_deref()) {
            Ok(t) => {
                self.note(format!("theme {}", t.name), false);
                self.theme = t;
            }
            Err(e) => self.note(e.to_string(), true),
        }
    }

    fn next_theme(&mut self) {
        if self.themes.is_empty() {
            return;
        }
        let i = self
            .themes
            .iter()
            .position(|t| *t == self.theme.name)
            .map_or(0, |i| i + 1);
        let name = self.themes[i % self.themes.len()].clone();
        self.set_theme(&name);
    }
}

/// Completes the last word of a command line (`columns`: those `sort`
/// offers in the current view).
fn complete(text: &str, themes: &[String], columns: &[&str]) -> String {
    let ends_with_space = text.ends_with(' ');
    let words: Vec<&str> = text.split_whitespace().collect();
    let (done, partial) = match (words.as_slice(), ends_with_space) {
        ([], _) => (Vec::new(), ""),
        (w, true) => (w.to_vec(), ""),
        (w, false) => (w[..w.len() - 1].to_vec(), w[w.len() - 1]),
    };
    let candidates: Vec<String> = match done.as_slice() {
        [] => COMMANDS.iter().map(|s| s.to_string()).collect(),
        ["policy"] => PolicyKind::ALL
            .iter()
            .map(|p| p.name().to_string())
            .collect(),
        ["theme"] => themes.to_vec(),
        ["mode"] => vec!["auto".into(), "manual".into()],
        ["chart"] => ChartKind::ALL
            .iter()
            .map(|k| k.name().to_string())
            .collect(),
        ["sort"] => columns.iter().map(|c| c.to_string()).collect(),
        ["sort", _] => vec!["asc".into(), "desc".into()],
        _ => Vec::new(),
    };
    let matching: Vec<&String> = candidates
        .iter()
        .filter(|c| c.starts_with(partial))
        .collect();
    let completed = match matching.as_slice() {
        [one] => format!("{one} "),
        [] => return text.to_string(),
        many => common_prefix(many),
    };
    let mut out = done.join(" ");
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(&completed);
    out
}

fn common_prefix(words: &[&String]) -> String {
    let first = words[0];
    let mut len = first.len();
    for w in &words[1..] {
        len = len.min(
            first
                .chars()
                .zip(w.chars())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    first.chars().take(len).collect()
}
