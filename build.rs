//! Records the git commit the binary is built from, for `synergai
//! --version`: from git, else from `SYNERGAI_GIT_COMMIT` (the Dockerfile's
//! build context has no `.git`; it passes its `GIT_COMMIT` build argument
//! there), else `unknown` (e.g. a source tarball).

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"])
        .or_else(|| {
            let given = std::env::var("SYNERGAI_GIT_COMMIT").ok()?;
            let short: String = given.trim().chars().take(12).collect();
            (!short.is_empty()).then_some(short)
        })
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=SYNERGAI_GIT_COMMIT={commit}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SYNERGAI_GIT_COMMIT");
    // Rebuild when HEAD moves: HEAD itself (a checkout), the branch it
    // names (a commit), packed refs (a gc). Only paths that exist: cargo
    // reruns a build script whose watched path is missing on every build,
    // which would recompile the crate every time.
    let mut watched = vec![git(&["rev-parse", "--git-path", "HEAD"])];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(git(&["rev-parse", "--git-path", &branch]));
    }
    watched.push(git(&["rev-parse", "--git-path", "packed-refs"]));
    for path in watched.into_iter().flatten() {
        if Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
