//! The man pages committed in `man/` (one per command and subcommand,
//! `synergai.1`, `synergai-place-override.1`, …) must match what the clap
//! definitions generate, as the completions do. Regenerate them with
//! `SYNERGAI_UPDATE_MAN=1 cargo test --test man`.

use clap::CommandFactory;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn pages(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "1"))
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read(e.path()).expect("read a man page"))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn committed_man_pages_match_the_cli() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man");
    let fresh = std::env::temp_dir().join(format!("synergai-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    std::fs::create_dir_all(&fresh).unwrap();
    // The pages carry the release version, not the commit (which would
    // make them stale at every commit).
    let command = synergai::cli::Cli::command().version(env!("CARGO_PKG_VERSION"));
    clap_mangen::generate_to(command, &fresh).expect("render the man pages");
    let expected = pages(&fresh);
    assert!(expected.contains_key("synergai.1"), "{:?}", expected.keys());
    assert!(
        expected.contains_key("synergai-scheduler-run.1"),
        "{:?}",
        expected.keys()
    );
    if std::env::var_os("SYNERGAI_UPDATE_MAN").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).unwrap();
        for (name, text) in &expected {
            std::fs::write(committed.join(name), text).unwrap();
        }
    }
    let _ = std::fs::remove_dir_all(&fresh);
    let found = pages(&committed);
    let stale: Vec<&String> = expected
        .keys()
        .chain(found.keys())
        .filter(|name| expected.get(*name) != found.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "man pages out of date: {stale:?}; run SYNERGAI_UPDATE_MAN=1 cargo test --test man"
    );
}
