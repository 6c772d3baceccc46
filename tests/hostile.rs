//! The fuzz corpus as a plain regression suite: every file of
//! `fuzz/corpus/<target>/` goes through the same checks as the cargo-fuzz
//! target of that name (`fuzz/src/lib.rs`, included here as a module), so
//! hostile inputs (and every input that once crashed a parser) are checked
//! by the normal `cargo test` run, without nightly or cargo-fuzz.
//!
//! Each check asserts: no panic, and either `Ok` or an error that names the
//! file or Kubernetes object at fault. `scripts/fuzz.sh` searches for new
//! failing inputs; add them to the corpus and they are tested here.

#[path = "../fuzz/src/lib.rs"]
mod checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use synergai::fixture::{self, Origin};

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus")
}

/// Runs every corpus file of `target` through its check; fails naming every
/// file whose check panicked.
fn run_corpus(target: &str) {
    let (_, check) = checks::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no check named `{target}` in fuzz/src/lib.rs"));
    let dir = corpus_root().join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: empty corpus", dir.display());
    let failed: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let data = std::fs::read(path).expect("corpus file");
            catch_unwind(AssertUnwindSafe(|| check(&data)))
                .is_err()
                .then(|| path.display().to_string())
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{target}: {} of {} corpus files failed (messages above; reproduce with \
         `cargo +nightly fuzz run -a {target} FILE`):\n  {}",
        failed.len(),
        files.len(),
        failed.join("\n  ")
    );
}

#[test]
fn every_corpus_directory_has_a_check() {
    let mut dirs: Vec<String> = std::fs::read_dir(corpus_root())
        .expect("fuzz/corpus")
        .map(|entry| entry.expect("corpus entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut targets: Vec<String> = checks::TARGETS
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    targets.sort();
    assert_eq!(
        dirs, targets,
        "fuzz/corpus/ directories and the checks of fuzz/src/lib.rs differ"
    );
}

#[test]
fn scenario_corpus() {
    run_corpus("scenario");
}

#[test]
fn profile_corpus() {
    run_corpus("profile");
}

#[test]
fn theme_corpus() {
    run_corpus("theme");
}

#[test]
fn keymap_corpus() {
    run_corpus("keymap");
}

#[test]
fn pod_corpus() {
    run_corpus("pod");
}

#[test]
fn arch_mapping_corpus() {
    run_corpus("arch_mapping");
}

#[test]
fn recording_corpus() {
    run_corpus("recording");
}

/// Inputs that once crashed or hung a loader (found by fuzzing or review):
/// besides passing their corpus check, each names the field at fault.
#[test]
fn fixed_bugs_name_the_field() {
    let origin = Origin::Embedded(checks::SCENARIO_PATH.into());
    for (name, expected) in [
        // `jobs + count` overflowed: a panic, or in release a wrapped sum
        // that let `count` (u64::MAX) generate until memory ran out.
        (
            "crash-count-overflow.yaml",
            "field `spec.workload.generators[0].count`: a scenario may hold at most",
        ),
        // A rate of 1e-303 jobs/s put arrivals at infinity.
        (
            "crash-arrival-overflow.yaml",
            "field `spec.workload.generators[0].namePrefix`: at a mean rate of",
        ),
        // A burst rate 10^18 times the mean: thinning looped for hours.
        (
            "timeout-bursty-thinning.yaml",
            "would draw about 6.000e11 candidate arrivals",
        ),
        // `builtin:NAME` with no such profile named the missing embedded
        // file, not the scenario.
        (
            "builtin-unknown.yaml",
            "field `spec.profile`: no such built-in profile `builtin:nope`",
        ),
    ] {
        let path = corpus_root().join("scenario").join(name);
        let text = std::fs::read_to_string(&path).expect("corpus file");
        let error = fixture::scenario_from_text(&origin, &text)
            .expect_err(name)
            .to_string();
        assert!(
            error.starts_with("embedded:scenarios/fuzz.yaml:") && error.contains(expected),
            "{name}: {error}"
        );
    }
}

/// Special files report size 0: reading them must stop at the size limit
/// (`--fixture /dev/zero` read until memory ran out).
#[cfg(target_os = "linux")]
#[test]
fn special_files_are_read_up_to_the_size_limit() {
    let error = fixture::read_file_text(Path::new("/dev/zero"))
        .expect_err("/dev/zero is no fixture")
        .to_string();
    assert!(
        error.starts_with("/dev/zero: ") && error.contains("limit"),
        "{error}"
    );
}
