//! The one place an async runtime is built: cluster commands, the
//! scheduler, the emulator, the dashboard's event loop and its live source
//! all run on tokio, configured here. Also this binary's own path, for
//! the processes it starts with itself (measurements, emulated pods).

use crate::error::{Error, Result};

/// This very binary, even if its file was replaced meanwhile
/// (`/proc/self/exe` where there is one).
pub fn this_binary() -> std::io::Result<std::path::PathBuf> {
    let proc_exe = std::path::PathBuf::from("/proc/self/exe");
    if proc_exe.exists() {
        Ok(proc_exe)
    } else {
        std::env::current_exe()
    }
}

/// How many threads a runtime drives futures on.
#[derive(Clone, Copy, Debug)]
pub enum Workers {
    /// The calling thread only (an event loop with no parallel work).
    Current,
    /// A pool of this many worker threads.
    Pool(usize),
}

/// A runtime with I/O and timers enabled; failing to build one is an
/// internal error (exit 1), not the user's.
pub fn build(workers: Workers) -> Result<tokio::runtime::Runtime> {
    let mut builder = match workers {
        Workers::Current => tokio::runtime::Builder::new_current_thread(),
        Workers::Pool(n) => {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(n.max(1));
            b
        }
    };
    builder
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))
}
