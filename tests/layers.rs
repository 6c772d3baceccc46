//! The dependency rule of `src/`, checked on the source text (as
//! kube-scheduler's `.import-restrictions` files do):
//!
//! - modules are layered `model` (with `error`) → `policy` → `sim` →
//!   `fixture` → `bound` → `k8s` → `source` → `tui` → `cli`, and a module
//!   uses only its own layer and the ones before it (tests excepted);
//! - the core (`model`, `policy`, `sim`, `bound`) is pure and synchronous:
//!   no async runtime, no Kubernetes client, no terminal, no command line,
//!   no file system, network or processes;
//! - the dashboard's sources use the pure `k8s::world` and
//!   `k8s::control`, never the scheduler shell;
//! - the pure half of `k8s` (`mapping`, `world`) uses only the core and
//!   `fixture` — no client, no runtime — and the two cluster shells
//!   (`scheduler`, `emulate`) never import each other;
//! - no two files of one directory import each other (no loops).

use std::path::{Path, PathBuf};

/// Layers, lowest first.
const LAYERS: [&[&str]; 9] = [
    &["error", "model"],
    &["policy"],
    &["sim"],
    &["fixture"],
    &["bound"],
    &["k8s", "runtime", "engine"],
    &["source"],
    &["tui"],
    &["cli"],
];

const CORE: [&str; 4] = ["model", "policy", "sim", "bound"];

/// What the core never names.
const FORBIDDEN_IN_CORE: [&str; 10] = [
    "tokio::",
    "::kube::",
    "use kube",
    "k8s_openapi::",
    "ratatui::",
    "crossterm::",
    "clap::",
    "std::fs",
    "std::net",
    "std::process",
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's text without its test code: files named `tests.rs` are all
/// test code; elsewhere everything from the first `#[cfg(test)]` on (test
/// modules close the files here).
fn production_text(path: &Path) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).expect("read source");
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// `src/<module>/…` or `src/<module>.rs` → `<module>`.
fn module_of(src: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("non-empty path");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

#[test]
fn no_module_imports_from_a_layer_above_it_and_the_core_stays_pure() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for path in &files {
        let module = module_of(&src, path);
        let Some(own) = layer(&module) else {
            continue; // lib.rs, main.rs
        };
        let text = production_text(path);
        let shown = path.strip_prefix(&src).unwrap().display();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for (at, _) in code.match_indices("crate::") {
                let used: String = code[at + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if let Some(theirs) = layer(&used)
                    && theirs > own
                {
                    problems.push(format!(
                        "src/{shown}:{}: `{module}` uses `{used}`, a layer above it",
                        n + 1
                    ));
                }
            }
            if module == "source" && code.contains("k8s::scheduler") {
                problems.push(format!(
                    "src/{shown}:{}: the dashboard's source uses the scheduler (use k8s::world or k8s::control)",
                    n + 1
                ));
            }
            if CORE.contains(&module.as_str()) {
                for word in FORBIDDEN_IN_CORE {
                    if code.contains(word) {
                        problems.push(format!(
                            "src/{shown}:{}: the core module `{module}` uses `{word}`",
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the dependency rule (see the README's Layout) is broken:\n{}",
        problems.join("\n")
    );
}

/// Crate modules the pure half of `k8s` may use.
const K8S_PURE_USES: [&str; 5] = ["error", "model", "policy", "fixture", "k8s::mapping"];

fn k8s_part(src: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src.join("k8s")).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    Some(first.trim_end_matches(".rs").to_string())
}

#[test]
fn the_pure_half_of_k8s_stays_pure_and_its_shells_stay_apart() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join("k8s"), &mut files);
    files.sort();
    let mut problems = Vec::new();
    for path in &files {
        let Some(part) = k8s_part(&src, path) else {
            continue;
        };
        let text = production_text(path);
        let shown = path.strip_prefix(&src).unwrap().display();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if part == "mapping" || part == "world" {
                for (at, _) in code.match_indices("crate::") {
                    let used = &code[at + "crate::".len()..];
                    if !K8S_PURE_USES.iter().any(|u| used.starts_with(u)) {
                        problems.push(format!(
                            "src/{shown}:{}: the pure k8s::{part} uses `crate::{}`",
                            n + 1,
                            used.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                                .next()
                                .unwrap_or("")
                        ));
                    }
                }
                for word in [
                    "tokio::",
                    "::kube::",
                    "use kube",
                    "super::client",
                    "super::control",
                ] {
                    if code.contains(word) {
                        problems.push(format!(
                            "src/{shown}:{}: the pure k8s::{part} uses `{word}`",
                            n + 1
                        ));
                    }
                }
            }
            for (shell, other) in [("scheduler", "emulate"), ("emulate", "scheduler")] {
                if part == shell && code.contains(&format!("k8s::{other}")) {
                    problems.push(format!(
                        "src/{shown}:{}: the {shell} shell imports the {other} shell",
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Sibling files `a.rs` and `b.rs` of one directory (`mod.rs` aside: a
/// parent declares its children) must not both use the other.
#[test]
fn no_two_sibling_files_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut by_dir: std::collections::BTreeMap<PathBuf, Vec<PathBuf>> = Default::default();
    for path in files {
        let dir = path.parent().unwrap().to_path_buf();
        by_dir.entry(dir).or_default().push(path);
    }
    let mut problems = Vec::new();
    for (dir, paths) in by_dir {
        let module_path = {
            let rel = dir.strip_prefix(&src).unwrap();
            let mut p = String::from("crate::");
            for c in rel.components() {
                p.push_str(&c.as_os_str().to_string_lossy());
                p.push_str("::");
            }
            p
        };
        let names: Vec<String> = paths
            .iter()
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().to_string()))
            .filter(|s| s != "mod" && s != "lib" && s != "main" && s != "tests")
            .collect();
        let uses = |path: &Path, other: &str| {
            let text = production_text(path);
            text.lines().any(|line| {
                let code = line.split("//").next().unwrap_or("");
                [
                    format!("super::{other}::"),
                    format!("super::{other}::{{"),
                    format!("{module_path}{other}::"),
                ]
                .iter()
                .any(|w| code.contains(w.as_str()))
                    || code.contains(&format!("use super::{other};"))
            })
        };
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                let pa = dir.join(format!("{a}.rs"));
                let pb = dir.join(format!("{b}.rs"));
                if pa.exists() && pb.exists() && uses(&pa, b) && uses(&pb, a) {
                    problems.push(format!(
                        "{}: {a}.rs and {b}.rs import each other",
                        dir.strip_prefix(&src).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "import loops:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_top_level_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read lib.rs");
    for line in lib.lines() {
        let line = line.trim();
        let Some(rest) = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("mod "))
        else {
            continue;
        };
        let name = rest.trim_end_matches(';');
        assert!(
            layer(name).is_some(),
            "src/lib.rs declares `{name}`, which tests/layers.rs does not place in a layer"
        );
    }
}
