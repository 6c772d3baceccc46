//! Helpers shared by the live-cluster tests: a real test API server
//! (`scripts/kube-up.sh`, stopped on drop), users, clients.
#![allow(dead_code)]

pub mod deploy;

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
        Kube::up_with(name, "")
    }

    /// With extra kube-apiserver flags (e.g. an audit log).
    pub fn up_with(name: &str, apiserver_args: &str) -> Kube {
        let dir = std::env::temp_dir().join(format!("synergai-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = Command::new(root().join("scripts/kube-up.sh"))
            .arg("--dir")
            .arg(&dir)
            .env("SYNERGAI_KUBE_APISERVER_ARGS", apiserver_args)
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

/// kubectl v1.20.2, the test API server's version (`scripts/kubectl.sh`:
/// built from the same source on first use and cached; never a kubectl
/// on PATH).
pub fn kubectl() -> PathBuf {
    let out = Command::new(root().join("scripts/kubectl.sh"))
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/kubectl.sh");
    assert!(
        out.status.success(),
        "kubectl.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
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

/// `synergai ARGS` in a pseudo-terminal (rows × cols), its screen read
/// through a VT100 parser.
pub struct Pty {
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    bytes: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    writer: Box<dyn std::io::Write + Send>,
    size: (u16, u16),
}

impl Pty {
    pub fn spawn(args: &[&str], env: &[(&str, &Path)], rows: u16, cols: u16) -> Pty {
        use portable_pty::{CommandBuilder, PtySize, native_pty_system};
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_synergai"));
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let bytes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = bytes.clone();
        std::thread::spawn(move || {
            let _master = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            child,
            bytes,
            writer,
            size: (rows, cols),
        }
    }

    pub fn screen(&self) -> String {
        let mut parser = vt100::Parser::new(self.size.0, self.size.1, 0);
        parser.process(&self.bytes.lock().unwrap());
        parser.screen().contents()
    }

    pub fn wait_for(&self, needle: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("`{needle}` never appeared; screen:\n{}", self.screen());
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits for the process to exit; its exit code.
    pub fn wait_exit(&mut self, timeout: std::time::Duration) -> u32 {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.exit_code();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the dashboard did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The scheduler's ClusterRole, as `deploy/rbac.yaml` ships it.
pub fn deploy_role() -> k8s_openapi::api::rbac::v1::ClusterRole {
    let text = std::fs::read_to_string(root().join("deploy/rbac.yaml")).unwrap();
    let role_doc = text.split("\n---\n").next().unwrap();
    serde_saphyr::from_str(role_doc).expect("deploy/rbac.yaml starts with the ClusterRole")
}

/// Creates `role` (replacing one of the same name) and binds it, alone, to
/// `user` through the ClusterRoleBinding `binding` (replaced too).
pub async fn bind_role(
    admin: &Client,
    role: &k8s_openapi::api::rbac::v1::ClusterRole,
    binding: &str,
    user: &str,
) {
    use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding};
    use kube::api::{Api, DeleteParams, PostParams};
    let roles = Api::<ClusterRole>::all(admin.clone());
    let name = role.metadata.name.clone().unwrap();
    let _ = roles.delete(&name, &DeleteParams::default()).await;
    roles.create(&PostParams::default(), role).await.unwrap();
    let bindings = Api::<ClusterRoleBinding>::all(admin.clone());
    let _ = bindings.delete(binding, &DeleteParams::default()).await;
    let object: ClusterRoleBinding = serde_json::from_value(serde_json::json!({
        "metadata": {"name": binding},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]
    }))
    .unwrap();
    bindings
        .create(&PostParams::default(), &object)
        .await
        .unwrap();
}

/// Polls `f` every 100 ms until it gives a value; panics naming `what`
/// after `limit`.
pub fn wait_until<T>(
    what: &str,
    limit: std::time::Duration,
    mut f: impl FnMut() -> Option<T>,
) -> T {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A single-threaded runtime for the tests' own API calls.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `synergai emulate --kube -n default --timeout TIMEOUT -f SCENARIO` in
/// the background, output captured (`wait_with_output` for the summary).
pub fn emulate(kubeconfig: &Path, scenario: &Path, timeout: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_synergai"))
        .args([
            "emulate",
            "--kube",
            "-n",
            "default",
            "--timeout",
            timeout,
            "-f",
        ])
        .arg(scenario)
        .env("KUBECONFIG", kubeconfig)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start synergai emulate")
}

/// Starts `synergai ARGS` with `KUBECONFIG`, its stderr (the scheduler's
/// log) written to `log`; killed on drop.
pub fn start_logged(kubeconfig: &Path, args: &[&str], log: &Path) -> Running {
    Running(
        Command::new(env!("CARGO_BIN_EXE_synergai"))
            .args(args)
            .env("KUBECONFIG", kubeconfig)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).expect("create the log"))
            .spawn()
            .expect("start synergai"),
    )
}

/// The address a `scheduler run` logged that it serves `/healthz`,
/// `/readyz` and `/metrics` on (`--bind-address=127.0.0.1:0`).
pub fn served_address(log: &Path) -> std::net::SocketAddr {
    wait_until(
        "the scheduler to log its address",
        std::time::Duration::from_secs(30),
        || {
            let text = std::fs::read_to_string(log).ok()?;
            let line = text.lines().find(|l| l.contains("serving /healthz"))?;
            line.rsplit("http://").next()?.trim().parse().ok()
        },
    )
}

/// One HTTP/1.1 GET with an `Accept` header: (status, body).
pub fn http_get(address: std::net::SocketAddr, path: &str, accept: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream =
        std::net::TcpStream::connect_timeout(&address, std::time::Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {response:?}"));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// scripts/engines.sh (the engines and the onnx wheel's models that
/// `profile measure` loads), once per test binary: what it prints.
pub fn engines() -> &'static str {
    static OUT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = Command::new(root().join("scripts/engines.sh"))
            .output()
            .expect("run scripts/engines.sh");
        assert!(
            out.status.success(),
            "scripts/engines.sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    })
}
