//! Helpers shared by the live-cluster tests: a real test API server
//! (`scripts/kube-up.sh`, stopped on drop), users, clients.
#![allow(dead_code)]

use kube::Client;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A running test API server, stopped on drop.
pub struct Kube {
    pub dir: PathBuf,
    pub kubeconfig: PathBuf,
}

impl Kube {
    pub fn up(name: &str) -> Kube {
        let dir = std::env::temp_dir().join(format!("synergai-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = Command::new(root().join("scripts/kube-up.sh"))
            .arg("--dir")
            .arg(&dir)
            .stdin(Stdio::null())
            .output()
            .expect("run scripts/kube-up.sh");
        assert!(
            out.status.success(),
            "kube-up.sh failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Kube {
            kubeconfig: dir.join("kubeconfig"),
            dir,
        }
    }

    /// A client-certificate user with no permissions yet.
    pub fn user(&self, name: &str) -> PathBuf {
        let out = Command::new(root().join("scripts/kube-user.sh"))
            .arg("--dir")
            .arg(&self.dir)
            .arg(name)
            .stdin(Stdio::null())
            .output()
            .expect("run scripts/kube-user.sh");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.dir.join(format!("{name}.kubeconfig"))
    }
}

impl Drop for Kube {
    fn drop(&mut self) {
        let _ = Command::new(root().join("scripts/kube-down.sh"))
            .arg("--dir")
            .arg(&self.dir)
            .stdin(Stdio::null())
            .output();
    }
}

pub async fn client(kubeconfig: &Path) -> Client {
    let config = kube::config::Kubeconfig::read_from(kubeconfig).unwrap();
    let config = kube::Config::from_custom_kubeconfig(config, &Default::default())
        .await
        .unwrap();
    Client::try_from(config).unwrap()
}

/// A `synergai` process against the test cluster, killed on drop (also
/// when an assertion fails first).
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `synergai ARGS` with `KUBECONFIG`, no stdin, output discarded
/// unless `show_stderr`.
pub fn start(kubeconfig: &Path, args: &[&str], show_stderr: bool) -> Running {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_synergai"));
    cmd.args(args)
        .env("KUBECONFIG", kubeconfig)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    if !show_stderr {
        cmd.stderr(Stdio::null());
    }
    Running(cmd.spawn().expect("start synergai"))
}
