//! Pods the emulated kubelet runs for real: those of the project's own
//! image (`synergai`, any registry and tag — `synergai profile measure
//! --kube` creates them). Its content is this very binary, so the kubelet
//! runs the container's arguments with the local `synergai` as the
//! entrypoint, captures stdout and stderr as the container's log (served
//! by [`super::kubelet`]), and reports the exit as a kubelet does.
//!
//! What a container runtime would add is not emulated, and the pod says
//! nothing different: there is no file-system or resource isolation (the
//! process sees this machine, its cores and its `~/.cache/synergai`), the
//! environment is the container's literal `env` plus `PATH` and `HOME`, and
//! `$(VAR)` references in the arguments are not expanded. A pod whose spec
//! needs more (a `command` that is not the binary, `valueFrom` variables,
//! several containers) fails with the reason instead of running wrongly.

use super::kubelet::Logs;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use std::path::Path;
use std::process::Stdio;
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc::UnboundedSender;

/// The project's image name (its repository's last path component).
pub const IMAGE_NAME: &str = "synergai";

/// Whether `image` is the project's own: `synergai`, `synergai:TAG`,
/// `REGISTRY/…/synergai[:TAG][@DIGEST]`.
pub fn own_image(image: &str) -> bool {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next() == Some(IMAGE_NAME)
}

/// What the kubelet runs for a pod of the project's image.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub container: String,
    pub image: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// The termination message falls back to the log's tail on failure.
    pub fallback_to_logs: bool,
}

/// `None` for a pod of another image; `Some(Err(why))` for one of ours
/// that cannot be run faithfully here.
pub fn run_of(pod: &Pod) -> Option<Result<Run, String>> {
    let spec = pod.spec.as_ref()?;
    let first = spec.containers.first()?;
    if !own_image(first.image.as_deref().unwrap_or_default()) {
        return None;
    }
    Some(checked_run(pod))
}

fn checked_run(pod: &Pod) -> Result<Run, String> {
    let spec = pod.spec.as_ref().ok_or("no spec")?;
    if spec.containers.len() != 1 || spec.init_containers.as_ref().is_some_and(|c| !c.is_empty()) {
        return Err(
            "the emulated kubelet runs pods of one container (and no init containers)".into(),
        );
    }
    let c = &spec.containers[0];
    let mut args = Vec::new();
    if let Some(command) = &c.command {
        let entry = command.first().map(String::as_str).unwrap_or_default();
        if Path::new(entry).file_name().and_then(|n| n.to_str()) != Some(IMAGE_NAME) {
            return Err(format!(
                "command `{entry}`: the emulated kubelet runs only the image's synergai binary"
            ));
        }
        args.extend(command[1..].iter().cloned());
    }
    args.extend(c.args.iter().flatten().cloned());
    let mut env = Vec::new();
    for var in c.env.iter().flatten() {
        if var.value_from.is_some() {
            return Err(format!(
                "env {}: valueFrom is not resolved by the emulated kubelet",
                var.name
            ));
        }
        env.push((var.name.clone(), var.value.clone().unwrap_or_default()));
    }
    Ok(Run {
        container: c.name.clone(),
        image: c.image.clone().unwrap_or_default(),
        args,
        env,
        fallback_to_logs: c.termination_message_policy.as_deref() == Some("FallbackToLogsOnError"),
    })
}

/// Appends what `stream` gives to the container's log until it ends.
async fn copy_into<R: tokio::io::AsyncRead + Unpin>(
    stream: Option<R>,
    logs: Logs,
    (namespace, pod, container): (String, String, String),
) {
    let Some(mut stream) = stream else { return };
    let mut buf = vec![0u8; 8192];
    while let Ok(n) = stream.read(&mut buf).await {
        if n == 0 {
            break;
        }
        logs.append(&namespace, &pod, &container, &buf[..n]);
    }
}

/// A container that ended.
#[derive(Debug)]
pub struct Exited {
    pub uid: String,
    pub code: i32,
    pub started: Timestamp,
    pub finished: Timestamp,
}

/// Starts the run; its end is sent on `exits`. Dropping (aborting) the
/// returned task kills the process.
pub fn spawn(
    run: &Run,
    exe: &Path,
    logs: Logs,
    (namespace, pod, uid): (&str, &str, &str),
    exits: UnboundedSender<Exited>,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let mut command = tokio::process::Command::new(exe);
    command
        .args(&run.args)
        .env_clear()
        .envs(
            ["PATH", "HOME"]
                .into_iter()
                .filter_map(|k| Some((k, std::env::var_os(k)?))),
        )
        .envs(run.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn()?;
    let started = Timestamp::now();
    let log = (
        namespace.to_string(),
        pod.to_string(),
        run.container.clone(),
    );
    let uid = uid.to_string();
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    Ok(tokio::spawn(async move {
        let out = copy_into(stdout, logs.clone(), log.clone());
        let err = copy_into(stderr, logs, log);
        let (status, _, _) = tokio::join!(child.wait(), out, err);
        let code = match status {
            Ok(s) => s.code().unwrap_or_else(|| {
                use std::os::unix::process::ExitStatusExt;
                128 + s.signal().unwrap_or(0)
            }),
            Err(_) => 128,
        };
        let _ = exits.send(Exited {
            uid,
            code,
            started,
            finished: Timestamp::now(),
        });
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(container: serde_json::Value) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "m", "namespace": "default"},
            "spec": {"containers": [container]}
        }))
        .unwrap()
    }

    #[test]
    fn only_the_projects_image_is_run() {
        for image in [
            "synergai",
            "synergai:0.1.0",
            "registry.example/team/synergai:latest",
            "localhost:5000/synergai@sha256:00",
        ] {
            assert!(own_image(image), "{image}");
        }
        for image in [
            "synergai-other:1",
            "busybox",
            "synergai/inference:emulated",
            "",
        ] {
            assert!(!own_image(image), "{image}");
        }
        assert_eq!(run_of(&pod(json!({"name": "c", "image": "busybox"}))), None);
    }

    #[test]
    fn the_run_is_the_binary_with_the_args_and_literal_env() {
        let run = run_of(&pod(json!({
            "name": "measure", "image": "synergai:0.1.0",
            "args": ["profile", "measure", "--arch", "x"],
            "env": [{"name": "RUST_LOG", "value": "warn"}],
            "terminationMessagePolicy": "FallbackToLogsOnError"
        })))
        .unwrap()
        .unwrap();
        assert_eq!(run.container, "measure");
        assert_eq!(run.args, ["profile", "measure", "--arch", "x"]);
        assert_eq!(run.env, [("RUST_LOG".to_string(), "warn".to_string())]);
        assert!(run.fallback_to_logs);
        let with_command = run_of(&pod(json!({
            "name": "c", "image": "synergai",
            "command": ["/usr/local/bin/synergai", "--version"]
        })))
        .unwrap()
        .unwrap();
        assert_eq!(with_command.args, ["--version"]);
        let shell = run_of(&pod(
            json!({"name": "c", "image": "synergai", "command": ["sh", "-c", "x"]}),
        ));
        assert!(shell.unwrap().unwrap_err().contains("command `sh`"));
        let from = run_of(&pod(json!({"name": "c", "image": "synergai",
            "env": [{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]})));
        assert!(from.unwrap().unwrap_err().contains("env N"));
    }
}
