//! The container image: `scripts/build-image.sh` builds it offline from the
//! release binary, and then
//! - its configuration is the Dockerfile's (entrypoint, command, user
//!   65532:65532, port, OCI labels), with Cargo.toml's version, description
//!   and licence and the commit the binary was built from;
//! - podman's image library reads the archive (skopeo turns it into a
//!   docker archive tagged with the version and `latest`);
//! - the binary runs inside: `synergai --version` names the version and the
//!   commit, and the default command starts as the nonroot user on a
//!   read-only root and exits 3 (no cluster to find). Under runc, an OCI
//!   runtime, where the machine allows one; otherwise chrooted into the
//!   unpacked root file system as 65532:65532 (`SYNERGAI_IMAGE_RUN=chroot`
//!   forces that); the test prints which;
//! - the same binary gives the same archive, byte for byte.
//!
//! The image holds an optimized binary, so this runs in optimized builds
//! only: `scripts/test.sh` runs `cargo test --profile ci --test image --
//! --show-output` (the release profile with tract unoptimized; `--release`
//! works too), which builds the binary too. umoci, skopeo and runc are
//! installed with apt-get when missing (as root, like the image build).

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const ENTRYPOINT: &str = "/usr/local/bin/synergai";
const CMD: [&str; 3] = ["scheduler", "run", "--kube"];
const USER: &str = "65532:65532";
const PORT: &str = "10251/tcp";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `program` under coreutils' `timeout`: stopped after `seconds`, killed 5 s
/// later, so no step can hang the test.
fn bounded(seconds: u32, program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new("timeout");
    cmd.args(["-k", "5", &seconds.to_string()])
        .arg(program)
        .stdin(Stdio::null());
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn output(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

/// Runs `cmd`, fails the test unless it succeeds, returns its stdout.
fn success(cmd: &mut Command) -> String {
    let out = output(cmd);
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The commit HEAD is at (`None` outside a git checkout).
fn head() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| text(&out.stdout).trim().to_string())
}

/// The image, built once for every test of this file.
struct Image {
    dir: PathBuf,
    archive: PathBuf,
    /// The archive unpacked: an OCI image layout.
    layout: PathBuf,
    /// `synergai:<version>`, the name podman gives it.
    name: String,
    /// The image configuration (its `config` holds entrypoint, labels, …).
    config: Value,
}

fn image() -> &'static Image {
    static IMAGE: OnceLock<Image> = OnceLock::new();
    IMAGE.get_or_init(build)
}

fn build() -> Image {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("image");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // Every tool of these tests in one apt-get (the tests run in parallel,
    // apt-get does not).
    success(
        bounded(900, "bash")
            .args([
                "-c",
                "source scripts/kube-lib.sh && kube_apt_install umoci skopeo runc",
            ])
            .current_dir(root()),
    );
    let started = std::time::Instant::now();
    let stdout = success(
        bounded(300, root().join("scripts/build-image.sh"))
            .arg("--binary")
            .arg(env!("CARGO_BIN_EXE_synergai"))
            .arg("--out")
            .arg(&dir),
    );
    println!(
        "image: scripts/build-image.sh took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let archive = PathBuf::from(stdout.lines().last().unwrap_or_default().trim());
    assert_eq!(
        archive,
        dir.join(format!("synergai-{VERSION}.oci.tar")),
        "build-image.sh prints the archive's path last"
    );

    let layout = dir.join("layout");
    std::fs::create_dir_all(&layout).unwrap();
    success(
        bounded(60, "tar")
            .arg("-xf")
            .arg(&archive)
            .arg("-C")
            .arg(&layout),
    );
    let index = json(&layout.join("index.json"));
    let manifests = index["manifests"].as_array().expect("index.json manifests");
    // podman load reads an oci-archive holding exactly one image.
    assert_eq!(manifests.len(), 1, "{index}");
    let name = manifests[0]["annotations"]["org.opencontainers.image.ref.name"]
        .as_str()
        .expect("the image is named")
        .to_string();
    assert_eq!(name, format!("synergai:{VERSION}"));
    let manifest = blob(&layout, &manifests[0]["digest"]);
    let config = blob(&layout, &manifest["config"]["digest"]);
    Image {
        dir,
        archive,
        layout,
        name,
        config,
    }
}

fn blob(layout: &Path, digest: &Value) -> Value {
    let digest = digest.as_str().expect("a digest");
    let hex = digest.strip_prefix("sha256:").expect("a sha256 digest");
    json(&layout.join("blobs/sha256").join(hex))
}

fn labels(config: &Value) -> BTreeMap<String, String> {
    config["config"]["Labels"]
        .as_object()
        .expect("labels")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("a string label").to_string()))
        .collect()
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "the image holds an optimized binary: scripts/test.sh runs it with --profile ci"
)]
fn the_config_names_entrypoint_command_user_port_and_labels() {
    let config = &image().config;
    let c = &config["config"];
    assert_eq!(c["Entrypoint"], json!([ENTRYPOINT]));
    assert_eq!(c["Cmd"], json!(CMD));
    assert_eq!(c["User"], USER);
    assert_eq!(c["ExposedPorts"], json!({ PORT: {} }));
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    assert_eq!(config["architecture"], arch);
    assert_eq!(config["os"], "linux");

    let mut labels = labels(config);
    let created = labels
        .remove("org.opencontainers.image.created")
        .expect("a created label");
    assert_eq!(config["created"], created.as_str());
    // RFC 3339 in UTC, to the second: 2025-01-31T12:34:56Z.
    assert!(
        created.len() == 20 && created.as_bytes()[10] == b'T' && created.ends_with('Z'),
        "{created}"
    );
    let mut expected = BTreeMap::from([
        ("org.opencontainers.image.title", "synergai"),
        (
            "org.opencontainers.image.description",
            env!("CARGO_PKG_DESCRIPTION"),
        ),
        ("org.opencontainers.image.version", VERSION),
    ]);
    let head = head();
    if let Some(commit) = &head {
        expected.insert("org.opencontainers.image.revision", commit);
    }
    if !env!("CARGO_PKG_LICENSE").is_empty() {
        expected.insert(
            "org.opencontainers.image.licenses",
            env!("CARGO_PKG_LICENSE"),
        );
    }
    if !env!("CARGO_PKG_REPOSITORY").is_empty() {
        expected.insert(
            "org.opencontainers.image.source",
            env!("CARGO_PKG_REPOSITORY"),
        );
    }
    let expected: BTreeMap<String, String> = expected
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(labels, expected);
}

/// The Dockerfile's instructions: comments dropped, continued lines joined,
/// each as (INSTRUCTION, its arguments).
fn dockerfile() -> Vec<(String, String)> {
    let source = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in source.lines() {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_empty()) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                let (word, rest) = current
                    .split_once(char::is_whitespace)
                    .unwrap_or((&current, ""));
                instructions.push((word.to_uppercase(), rest.trim().to_string()));
                current.clear();
            }
        }
    }
    instructions
}

/// Shell-like words: whitespace separates, double quotes group.
fn words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => (quoted, started) = (!quoted, true),
            '\\' if quoted => word.extend(chars.next()),
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "the image holds an optimized binary: scripts/test.sh runs it with --profile ci"
)]
fn the_dockerfile_builds_the_same_image() {
    let config = &image().config;
    let c = &config["config"];
    let instructions = dockerfile();
    let stages: Vec<&str> = instructions
        .iter()
        .filter(|(i, _)| i == "FROM")
        .map(|(_, a)| a.as_str())
        .collect();
    assert_eq!(stages.len(), 2, "a build stage and a runtime stage");
    assert_eq!(
        stages[0],
        format!("rust:{}-bookworm AS build", env!("CARGO_PKG_RUST_VERSION")),
        "the builder is the toolchain of Cargo.toml's rust-version"
    );
    assert_eq!(
        stages[1], "scratch",
        "no base image: the build stage assembles the root file system as scripts/build-image.sh does"
    );
    let last_from = instructions.iter().rposition(|(i, _)| i == "FROM").unwrap();
    let (build, runtime) = instructions.split_at(last_from);
    assert!(
        build
            .iter()
            .any(|(i, a)| i == "RUN" && a.contains("cargo build --release --locked")),
        "{build:?}"
    );
    let one = |name: &str| -> &str {
        let found: Vec<&str> = runtime
            .iter()
            .filter(|(i, _)| i == name)
            .map(|(_, a)| a.as_str())
            .collect();
        assert_eq!(found.len(), 1, "one {name} in the runtime stage");
        found[0]
    };
    let entrypoint: Value = serde_json::from_str(one("ENTRYPOINT")).expect("ENTRYPOINT [...]");
    assert_eq!(entrypoint, c["Entrypoint"]);
    let cmd: Value = serde_json::from_str(one("CMD")).expect("CMD [...]");
    assert_eq!(cmd, c["Cmd"]);
    assert_eq!(one("USER"), c["User"]);
    let ports: BTreeMap<String, Value> = words(one("EXPOSE"))
        .into_iter()
        .map(|p| match p.contains('/') {
            true => (p, json!({})),
            false => (format!("{p}/tcp"), json!({})),
        })
        .collect();
    assert_eq!(json!(ports), c["ExposedPorts"]);
    assert_eq!(one("WORKDIR"), c["WorkingDir"]);
    // The root file system assembled in the build stage, binary at the
    // entrypoint's path.
    assert_eq!(words(one("COPY")), ["--from=build", "/rootfs/", "/"]);
    assert!(
        build.iter().any(|(i, a)| i == "RUN"
            && a.contains(&format!("\"$r{ENTRYPOINT}\""))
            && a.contains("ldd /synergai")),
        "the build stage installs the binary at {ENTRYPOINT} with its libraries: {build:?}"
    );

    // The same labels; the commit and the time are build arguments there.
    let args: Vec<String> = runtime
        .iter()
        .filter(|(i, _)| i == "ARG")
        .map(|(_, a)| a.split('=').next().unwrap_or_default().to_string())
        .collect();
    let mut image_labels = labels(config);
    for (word, arg) in [
        ("org.opencontainers.image.revision", "GIT_COMMIT"),
        ("org.opencontainers.image.created", "CREATED"),
    ] {
        assert!(
            args.iter().any(|a| a == arg),
            "ARG {arg} in the runtime stage"
        );
        image_labels.insert(word.to_string(), format!("${{{arg}}}"));
    }
    let dockerfile_labels: BTreeMap<String, String> = runtime
        .iter()
        .filter(|(i, _)| i == "LABEL")
        .flat_map(|(_, a)| words(a))
        .map(|w| {
            let (k, v) = w.split_once('=').expect("LABEL key=value");
            (k.to_string(), v.to_string())
        })
        .collect();
    assert_eq!(dockerfile_labels, image_labels);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "the image holds an optimized binary: scripts/test.sh runs it with --profile ci"
)]
fn podman_and_docker_can_load_the_archive() {
    let image = image();
    // Read as `podman load -i` reads it (no image named: the archive's one
    // image), written as `docker load -i` wants it, with both tags.
    let docker = image.dir.join("docker.tar");
    success(
        bounded(120, "skopeo")
            .args(["copy", "--quiet", "--additional-tag", "synergai:latest"])
            .arg(format!("oci-archive:{}", image.archive.display()))
            .arg(format!(
                "docker-archive:{}:{}",
                docker.display(),
                image.name
            )),
    );
    let manifest = success(
        bounded(60, "tar")
            .arg("-xOf")
            .arg(&docker)
            .arg("manifest.json"),
    );
    let manifest: Value = serde_json::from_str(&manifest).expect("manifest.json");
    // skopeo qualifies the names with the default registry; docker shows
    // them short.
    let tags: Vec<&str> = manifest[0]["RepoTags"]
        .as_array()
        .expect("RepoTags")
        .iter()
        .map(|t| t.as_str().unwrap_or_default())
        .map(|t| t.rsplit('/').next().unwrap_or_default())
        .collect();
    assert_eq!(
        tags,
        [format!("synergai:{VERSION}"), "synergai:latest".into()]
    );
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "the image holds an optimized binary: scripts/test.sh runs it with --profile ci"
)]
fn the_same_binary_gives_the_same_archive() {
    let image = image();
    let again = image.dir.join("again");
    let stdout = success(
        bounded(300, root().join("scripts/build-image.sh"))
            .arg("--binary")
            .arg(env!("CARGO_BIN_EXE_synergai"))
            .arg("--out")
            .arg(&again),
    );
    let archive = PathBuf::from(stdout.lines().last().unwrap_or_default().trim());
    assert!(
        std::fs::read(&archive).unwrap() == std::fs::read(&image.archive).unwrap(),
        "{} and {} differ",
        archive.display(),
        image.archive.display()
    );
}

/// How the binary is run inside the image.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Runner {
    /// runc, the OCI runtime, on the bundle umoci unpacked.
    Runc,
    /// chroot into the bundle's root file system, as the spec's user.
    Chroot,
}

/// Runs `args` in the unpacked `bundle` whose runtime spec is `spec`
/// (terminal off, root read-only) under `runner`.
fn run_inside(runner: Runner, bundle: &Path, spec: &Value, args: &[&str]) -> Output {
    match runner {
        Runner::Runc => {
            let mut spec = spec.clone();
            spec["process"]["args"] = json!(args);
            std::fs::write(bundle.join("config.json"), spec.to_string()).unwrap();
            let state = bundle.with_file_name("runc");
            let id = format!("synergai-image-{}", std::process::id());
            let out = output(
                bounded(60, "runc")
                    .arg("--root")
                    .arg(&state)
                    .args(["run", "--bundle"])
                    .arg(bundle)
                    .arg(&id),
            );
            // Gone already unless the run was cut short.
            let _ = Command::new("runc")
                .arg("--root")
                .arg(&state)
                .args(["delete", "--force", &id])
                .output();
            out
        }
        Runner::Chroot => {
            let user = &spec["process"]["user"];
            let env = spec["process"]["env"].as_array().expect("process.env");
            let mut cmd = bounded(60, "chroot");
            cmd.arg(format!("--userspec={}:{}", user["uid"], user["gid"]))
                .arg(bundle.join("rootfs"))
                .args(args)
                .env_clear();
            for pair in env.iter().filter_map(Value::as_str) {
                if let Some((key, value)) = pair.split_once('=') {
                    cmd.env(key, value);
                }
            }
            // timeout and chroot themselves come from the host.
            cmd.env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
            output(&mut cmd)
        }
    }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "the image holds an optimized binary: scripts/test.sh runs it with --profile ci"
)]
fn the_binary_runs_inside_as_nonroot() {
    let image = image();
    let bundle = image.dir.join("bundle");
    success(
        bounded(120, "umoci")
            .arg("unpack")
            .arg("--image")
            .arg(format!("{}:{}", image.layout.display(), image.name))
            .arg(&bundle),
    );
    // The runtime spec umoci derives from the image's config.
    let mut spec = json(&bundle.join("config.json"));
    assert_eq!(spec["process"]["user"], json!({"uid": 65532, "gid": 65532}));
    let mut default_args = vec![ENTRYPOINT];
    default_args.extend(CMD);
    assert_eq!(spec["process"]["args"], json!(default_args));
    // HOME from the image's /etc/passwd.
    assert!(
        spec["process"]["env"]
            .as_array()
            .is_some_and(|env| env.contains(&json!("HOME=/home/nonroot"))),
        "{}",
        spec["process"]
    );
    spec["process"]["terminal"] = json!(false);
    spec["root"]["readonly"] = json!(true);

    let host_version = success(Command::new(env!("CARGO_BIN_EXE_synergai")).arg("--version"));
    let commit = head().map_or("unknown".to_string(), |c| c[..12].to_string());
    assert_eq!(
        host_version.trim(),
        format!("synergai {VERSION} (commit {commit})")
    );

    let forced = std::env::var("SYNERGAI_IMAGE_RUN").is_ok_and(|r| r == "chroot");
    let version_args = [ENTRYPOINT, "--version"];
    let mut why = "SYNERGAI_IMAGE_RUN=chroot".to_string();
    let mut runner = Runner::Chroot;
    if !forced {
        let out = run_inside(Runner::Runc, &bundle, &spec, &version_args);
        if out.status.success() {
            runner = Runner::Runc;
        } else {
            why = format!("runc failed ({}): {}", out.status, text(&out.stderr).trim());
        }
    }
    match runner {
        Runner::Runc => println!(
            "image: ran {ENTRYPOINT} under runc (OCI runtime), as {USER}, root file system read-only"
        ),
        Runner::Chroot => println!(
            "image: ran {ENTRYPOINT} chrooted into the unpacked root file system as {USER}, \
             not under an OCI runtime: {why}"
        ),
    }

    let out = run_inside(runner, &bundle, &spec, &version_args);
    assert!(out.status.success(), "{runner:?}: {out:?}");
    assert_eq!(text(&out.stdout).trim(), host_version.trim());
    println!("image: {}", text(&out.stdout).trim());

    // The default command: starts, finds no cluster (no service account, no
    // kubeconfig in the nonroot user's home), exits 3 — it needs nothing
    // the image lacks and writes nothing on the way.
    let out = run_inside(runner, &bundle, &spec, &default_args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{runner:?}: {out:?}");
    assert!(stderr.contains("no cluster configured"), "{stderr}");
    assert!(stderr.contains("/home/nonroot/.kube/config"), "{stderr}");
}
