//! The completion scripts committed in `completions/` must match what the
//! clap definitions generate. Regenerate them with
//! `SYNERGAI_UPDATE_COMPLETIONS=1 cargo test --test completions`.

use clap_complete::Shell;
use std::path::PathBuf;

const FILES: [(Shell, &str); 5] = [
    (Shell::Bash, "synergai.bash"),
    (Shell::Zsh, "_synergai"),
    (Shell::Fish, "synergai.fish"),
    (Shell::PowerShell, "_synergai.ps1"),
    (Shell::Elvish, "synergai.elvish"),
];

#[test]
fn committed_completions_match_the_cli() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("SYNERGAI_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in FILES {
        let expected = synergai::cli::completion_script(shell);
        let path = dir.join(file);
        if update {
            std::fs::write(&path, &expected).expect("write completion file");
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        if committed != expected {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "completion scripts out of date: {stale:?}; run SYNERGAI_UPDATE_COMPLETIONS=1 cargo test --test completions"
    );
}

#[test]
fn completions_subcommand_prints_the_same_script() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args(["completions", "bash"])
        .output()
        .expect("run synergai");
    assert!(out.status.success());
    assert_eq!(out.stdout, synergai::cli::completion_script(Shell::Bash));
    assert!(String::from_utf8_lossy(&out.stdout).contains("replay"));
}
