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
//!   `k8s::control`, never the scheduler shell.

use std::path::{Path, PathBuf};

/// Layers, lowest first.
const LAYERS: [&[&str]; 9] = [
    &["error", "model"],
    &["policy"],
    &["sim"],
    &["fixture"],
    &["bound"],
    &["k8s", "runtime"],
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
