//! Records the git commit the binary is built from, for `synergai
//! --version` (`unknown` outside a git checkout, e.g. from a source
//! tarball).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=SYNERGAI_GIT_COMMIT={commit}");
    // Rebuild when HEAD moves or a branch advances (worktrees included).
    for path in [
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["rev-parse", "--git-common-dir"]).map(|d| format!("{d}/refs")),
        git(&["rev-parse", "--git-common-dir"]).map(|d| format!("{d}/packed-refs")),
    ]
    .into_iter()
    .flatten()
    {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
