//! Removing temporary files and folders when the process is interrupted.
//!
//! Registering a path starts (once) a thread that waits for SIGINT, SIGTERM and
//! SIGHUP with `signal-hook`. On a signal it removes every registered path, then
//! either wakes a [`wait_for_stop`] caller (a server such as `crmctl emulate`, which
//! stops cleanly) or ends the process as the signal would have.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Mutex, Once, OnceLock};

static PATHS: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);
static STOP: OnceLock<Mutex<Option<Sender<i32>>>> = OnceLock::new();
static INSTALL: Once = Once::new();
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Whether a signal arrived and the process is about to end.
pub fn is_stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// For code that fails because a signal removed its files under it (a spawn in a
/// removed folder): wait for the handler to end the process, so the exit status is
/// the signal's and not a misleading error. Returns after 10 s at most.
pub fn hold_if_stopping() {
    for _ in 0..200 {
        if !is_stopping() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Keeps a path registered until dropped.
#[must_use = "the path is removed on a signal only while the guard lives"]
pub struct Cleanup(u64);

impl Drop for Cleanup {
    fn drop(&mut self) {
        lock().retain(|(id, _)| *id != self.0);
    }
}

fn lock() -> std::sync::MutexGuard<'static, Vec<(u64, PathBuf)>> {
    PATHS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes `path` (a file, or a folder with its contents) if a signal arrives
/// while the returned guard lives.
pub fn remove_on_signal(path: &Path) -> Cleanup {
    install();
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    lock().push((id, path.to_path_buf()));
    Cleanup(id)
}

/// Whether `path` is registered now (for tests).
pub fn is_registered(path: &Path) -> bool {
    lock().iter().any(|(_, p)| p == path)
}

/// Removes every registered path now; what the signal handler does first.
pub fn remove_registered() {
    remove_where(|_| true);
}

/// Removes (and forgets) the registered paths that `pick` chooses.
pub fn remove_where(pick: impl Fn(&Path) -> bool) {
    let mut paths = lock();
    let (gone, keep): (Vec<_>, Vec<_>) = paths.drain(..).partition(|(_, p)| pick(p));
    *paths = keep;
    drop(paths);
    for (_, p) in gone {
        let removed = if p.is_dir() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        let _ = removed;
    }
}

/// For servers: blocks until SIGINT, SIGTERM or SIGHUP, after the registered paths
/// are removed, and returns the signal's number instead of ending the process.
pub fn wait_for_stop() -> i32 {
    let (tx, rx): (Sender<i32>, Receiver<i32>) = channel();
    *STOP
        .get_or_init(|| Mutex::new(None))
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some(tx);
    install();
    // The sender lives in a static, so `recv` only returns with a signal.
    rx.recv().unwrap_or(0)
}

#[cfg(unix)]
fn install() {
    INSTALL.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let serving = STOP
                    .get()
                    .is_some_and(|m| m.lock().map(|s| s.is_some()).unwrap_or(false));
                STOPPING.store(!serving, Ordering::SeqCst);
                remove_registered();
                let waiter = STOP
                    .get()
                    .and_then(|m| m.lock().ok().and_then(|mut s| s.take()));
                if let Some(tx) = waiter
                    && tx.send(sig).is_ok()
                {
                    return;
                }
                // End as the signal would have, so the parent sees it.
                let _ = signal_hook::low_level::emulate_default_handler(sig);
                std::process::exit(128 + sig);
            }
        });
    });
}

#[cfg(not(unix))]
fn install() {
    INSTALL.call_once(|| {});
}
