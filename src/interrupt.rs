//! SIGINT, SIGTERM and SIGHUP: the one place crmctl handles them.
//!
//! One signal thread takes the first signal for everyone who cares:
//! - temporary files and folders ([`remove_on_signal`]) are removed first, always;
//! - a server ([`serve`], `crmctl emulate`) is woken and stops cleanly;
//! - a long run that cooperates ([`install`], bulk lookups) sees its flag rise with the
//!   signal's exit code (129 SIGHUP, 130 SIGINT, 143 SIGTERM) and ends with the rows
//!   done so far and one JSON document; SIGHUP (a closed terminal, a stopped CI job)
//!   is handled like SIGTERM;
//! - with neither, a `--json` run whose document is not written yet gets one that says
//!   it was interrupted ([`crate::output::end_interrupted`]) and exits 128 + the
//!   signal; otherwise the process ends as the signal would have, so the parent sees it.
//!
//! A second signal ends the process at once, whatever the first one is still doing, if
//! it comes at least half a second later: signals that arrive together (`timeout`
//! signals the process and its group; so can a terminal) are one interruption.
//!
//! Two modules with their own handlers used to fight over the same signals (the
//! cleanup thread ended the process while a bulk run was finishing its document):
//! keep every signal concern here.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard, Once, OnceLock};

#[cfg(unix)]
use signal_hook::consts::SIGHUP;

/// What the first signal does after the registered paths are gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// A server ([`serve`]) was woken.
    Woke,
    /// A cooperating run was told through its flag.
    Cooperating,
    /// Nobody handles it: end the process as the signal would have.
    Die,
}

/// The state the signal thread acts on; one per process ([`REGISTRY`]), and fresh
/// ones in unit tests so they do not touch the process's own.
struct Registry {
    paths: Mutex<Vec<(u64, PathBuf)>>,
    next_id: AtomicU64,
    /// Set by [`install`]: the flag a cooperating run checks (0: no signal yet).
    cooperative: Mutex<Option<Arc<AtomicUsize>>>,
    /// Set by [`serve`]: where the server waits for the signal.
    waiter: Mutex<Option<Sender<i32>>>,
    /// Set by [`serve`] and kept: a server stops itself.
    serving: AtomicBool,
    /// The process is about to end by a signal (see [`hold_if_stopping`]).
    stopping: AtomicBool,
}

impl Registry {
    const fn new() -> Self {
        Registry {
            paths: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(0),
            cooperative: Mutex::new(None),
            waiter: Mutex::new(None),
            serving: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
        }
    }

    fn paths(&self) -> MutexGuard<'_, Vec<(u64, PathBuf)>> {
        lock(&self.paths)
    }

    fn register(&self, path: &Path) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.paths().push((id, path.to_path_buf()));
        id
    }

    fn remove_where(&self, pick: impl Fn(&Path) -> bool) {
        let mut paths = self.paths();
        let (gone, keep): (Vec<_>, Vec<_>) = paths.drain(..).partition(|(_, p)| pick(p));
        *paths = keep;
        drop(paths);
        for (_, p) in gone {
            // Best effort: the process is ending, and a path may already be gone.
            if !p.is_dir() {
                let _ = std::fs::remove_file(&p);
                continue;
            }
            // Another process (a demo step) may add a file between the listing and
            // the removal of the folder; once the folder is gone nothing can be added,
            // so a few more passes finish it.
            for _ in 0..100 {
                if std::fs::remove_dir_all(&p).is_ok() || !p.exists() {
                    break;
                }
            }
        }
    }

    fn cooperate(&self) -> Arc<AtomicUsize> {
        lock(&self.cooperative)
            .get_or_insert_with(|| Arc::new(AtomicUsize::new(0)))
            .clone()
    }

    /// Whether a signal is handled by the code (a server, a cooperating run) rather
    /// than by ending the process.
    fn handled_by_code(&self) -> bool {
        self.serving.load(Ordering::SeqCst) || lock(&self.cooperative).is_some()
    }

    /// The first signal: cleanup, then wake a server, else tell a cooperating run,
    /// else ask to die. Runs on the signal thread (or a test's), never in a handler.
    fn on_first_signal(&self, sig: i32) -> Action {
        let waiter = lock(&self.waiter).take();
        let flag = lock(&self.cooperative).clone();
        self.stopping
            .store(waiter.is_none() && flag.is_none(), Ordering::SeqCst);
        // Before the run is told: it may end the process as soon as it sees the flag.
        self.remove_where(|_| true);
        if let Some(tx) = waiter
            && tx.send(sig).is_ok()
        {
            return Action::Woke;
        }
        if let Some(flag) = flag {
            flag.store(exit_code(sig), Ordering::SeqCst);
            return Action::Cooperating;
        }
        self.stopping.store(true, Ordering::SeqCst);
        Action::Die
    }
}

static REGISTRY: Registry = Registry::new();
/// Raised in the signal handler itself, before the signal thread gets to run.
static SEEN: OnceLock<Arc<AtomicBool>> = OnceLock::new();
/// Never delivered here; keeps `on_first_signal` the same on every platform.
#[cfg(not(unix))]
const SIGHUP: i32 = 1;
static INSTALL: Once = Once::new();

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The name of the signal behind an interrupted run's exit code.
pub fn signal_name(code: u8) -> &'static str {
    match code {
        129 => "SIGHUP",
        143 => "SIGTERM",
        _ => "SIGINT",
    }
}

/// Installs the handlers now, so that a signal at any point of the run is seen
/// (a `--json` run owes its document even when interrupted early).
pub fn watch() {
    install_handlers();
}

/// The exit code a shell gives a process ended by `sig` (128 + the number).
fn exit_code(sig: i32) -> usize {
    128 + usize::try_from(sig).unwrap_or(0)
}

/// For long runs (bulk lookups): from now on the first signal, after cleanup, raises
/// the returned flag to the signal's exit code instead of ending the process; check it
/// with [`requested`] between units of work. Later calls return the same flag.
pub fn install() -> Arc<AtomicUsize> {
    let flag = REGISTRY.cooperate();
    install_handlers();
    flag
}

/// The exit code of the signal that interrupted the run, if one did.
pub fn requested(flag: &AtomicUsize) -> Option<u8> {
    match flag.load(Ordering::SeqCst) {
        0 => None,
        c => u8::try_from(c).ok(),
    }
}

/// Whether a signal arrived and the process is about to end.
pub fn is_stopping() -> bool {
    // `SEEN` too: code that fails at once (its stdout closed along with the signal)
    // must not outrun the signal thread and exit with its own code.
    let seen = SEEN.get().is_some_and(|s| s.load(Ordering::SeqCst));
    REGISTRY.stopping.load(Ordering::SeqCst) || (seen && !REGISTRY.handled_by_code())
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
        REGISTRY.paths().retain(|(id, _)| *id != self.0);
    }
}

/// Removes `path` (a file, or a folder with its contents) if a signal arrives
/// while the returned guard lives.
pub fn remove_on_signal(path: &Path) -> Cleanup {
    install_handlers();
    Cleanup(REGISTRY.register(path))
}

/// Whether `path` is registered now (for tests).
pub fn is_registered(path: &Path) -> bool {
    REGISTRY.paths().iter().any(|(_, p)| p == path)
}

/// Removes every registered path now; what the signal thread does first.
pub fn remove_registered() {
    REGISTRY.remove_where(|_| true);
}

/// Removes (and forgets) the registered paths that `pick` chooses.
pub fn remove_where(pick: impl Fn(&Path) -> bool) {
    REGISTRY.remove_where(pick);
}

/// For servers: from now on the first signal, after cleanup, is sent to the returned
/// [`Stop`] instead of ending the process. Call it before telling anyone the server is
/// up (printing its URLs), so a signal that follows at once is not lost.
pub fn serve() -> Stop {
    let (tx, rx): (Sender<i32>, Receiver<i32>) = channel();
    *lock(&REGISTRY.waiter) = Some(tx);
    REGISTRY.serving.store(true, Ordering::SeqCst);
    install_handlers();
    Stop(rx)
}

/// Where a server waits for its signal; see [`serve`].
pub struct Stop(Receiver<i32>);

impl Stop {
    /// Blocks until SIGINT, SIGTERM or SIGHUP, after the registered paths are removed,
    /// and returns the signal's number.
    pub fn wait(self) -> i32 {
        // The sender lives in the registry until a signal takes it, so `recv` only
        // returns with a signal (without handlers, the signal's default action ends
        // the process instead).
        self.0.recv().unwrap_or(0)
    }
}

/// [`serve`] and [`Stop::wait`] at once, for servers that announce nothing.
pub fn wait_for_stop() -> i32 {
    serve().wait()
}

#[cfg(unix)]
fn install_handlers() {
    INSTALL.call_once(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let sigs = [SIGINT, SIGTERM, SIGHUP];
        // Should the iterator not come (no pipe), nothing is registered and the
        // signals keep their default action: no cleanup, but they still end the process.
        let Ok(mut signals) = signal_hook::iterator::Signals::new(sigs) else {
            return;
        };
        let thread = std::thread::Builder::new()
            .name("crmctl-signals".into())
            .spawn(move || {
                let mut first: Option<std::time::Instant> = None;
                for sig in signals.forever() {
                    match first {
                        None => {
                            first = Some(std::time::Instant::now());
                            // The first signal's work (removing a large folder, say) runs
                            // beside this loop, so a second signal is still seen meanwhile.
                            let _ = std::thread::Builder::new()
                                .name("crmctl-first-signal".into())
                                .spawn(move || {
                                    if REGISTRY.on_first_signal(sig) == Action::Die {
                                        let code = u8::try_from(exit_code(sig)).unwrap_or(130);
                                        crate::output::end_interrupted(code);
                                        die_by(sig);
                                    }
                                });
                        }
                        // `timeout`, a terminal and a process group can deliver one
                        // interruption as several signals at once: only a signal that
                        // comes later is the user insisting.
                        Some(t) if t.elapsed() >= SIGNAL_BURST => die_by(sig),
                        Some(_) => {}
                    }
                }
            });
        if thread.is_err() {
            return;
        }
        // Raised in the handler itself, before the signal thread gets to run.
        let seen = SEEN.get_or_init(|| Arc::new(AtomicBool::new(false)));
        for sig in sigs {
            let _ = signal_hook::flag::register(sig, seen.clone());
        }
    });
}

/// Signals closer together than this are one interruption (see `install_handlers`).
#[cfg(unix)]
const SIGNAL_BURST: std::time::Duration = std::time::Duration::from_millis(500);

/// Ends the process as `sig` would have, so the parent sees it.
#[cfg(unix)]
fn die_by(sig: i32) -> ! {
    let _ = signal_hook::low_level::emulate_default_handler(sig);
    std::process::exit(128 + sig);
}

#[cfg(not(unix))]
fn install_handlers() {
    INSTALL.call_once(|| {});
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_signal_removes_the_paths_and_tells_the_cooperating_run() {
        let reg = Registry::new();
        let dir = tempfile::tempdir().expect("tempdir");
        let tmp = dir.path().join(".crmctl-x.tmp");
        std::fs::write(&tmp, b"half").expect("write");
        reg.register(&tmp);
        let flag = reg.cooperate();
        assert_eq!(requested(&flag), None);
        assert_eq!(reg.on_first_signal(15), Action::Cooperating);
        assert!(!tmp.exists(), "the registered path is removed");
        assert!(reg.paths().is_empty());
        assert_eq!(requested(&flag), Some(143));
        assert!(!reg.stopping.load(Ordering::SeqCst), "the run ends itself");
    }

    #[test]
    fn a_server_is_woken_before_a_cooperating_run() {
        let reg = Registry::new();
        let flag = reg.cooperate();
        let (tx, rx) = channel();
        *lock(&reg.waiter) = Some(tx);
        assert_eq!(reg.on_first_signal(2), Action::Woke);
        assert_eq!(rx.try_recv(), Ok(2));
        assert_eq!(requested(&flag), None);
    }

    /// A demo step (another process) may be writing into the demo folder while the
    /// signal thread removes it: a file made between listing the folder and removing
    /// it must not leave the folder behind.
    #[test]
    fn a_folder_being_written_to_is_removed_all_the_same() {
        for _ in 0..20 {
            let reg = Registry::new();
            let dir = tempfile::tempdir().expect("tempdir");
            let sub = dir.path().join("crmctl-demo-x");
            std::fs::create_dir(&sub).expect("mkdir");
            for i in 0..200 {
                std::fs::write(sub.join(format!("old-{i}")), b"k").expect("write");
            }
            reg.register(&sub);
            let started = Arc::new(AtomicBool::new(false));
            let writer = {
                let (sub, started) = (sub.clone(), started.clone());
                std::thread::spawn(move || {
                    // Until the folder is gone (a removed folder takes no new
                    // file), and no longer than the removal.
                    for i in 0..100_000 {
                        started.store(true, Ordering::SeqCst);
                        if std::fs::write(sub.join(format!("new-{i}")), b"k").is_err() {
                            break;
                        }
                    }
                })
            };
            while !started.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
            reg.remove_where(|_| true);
            writer.join().expect("writer");
            assert!(!sub.exists(), "the folder was left behind");
        }
    }

    #[test]
    fn with_nobody_cooperating_the_first_signal_cleans_up_and_dies() {
        let reg = Registry::new();
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("crmctl-demo-x");
        std::fs::create_dir(&sub).expect("mkdir");
        std::fs::write(sub.join("key.yaml"), b"k").expect("write");
        reg.register(&sub);
        assert_eq!(reg.on_first_signal(2), Action::Die);
        assert!(!sub.exists());
        assert!(reg.stopping.load(Ordering::SeqCst));
    }

    /// The child half of the tests below: a real process with the real handlers and
    /// a registered temp folder, signalled by itself; `CRMCTL_SIGNAL_CHILD_MODE` says
    /// who handles the signal: a cooperating run (`once`, `burst`, `twice`) or a server (`serve`).
    #[cfg(unix)]
    #[test]
    #[ignore = "run by the tests below in a child process"]
    fn signalled_child() {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let (Some(dir), Ok(mode)) = (
            std::env::var_os("CRMCTL_SIGNAL_CHILD_DIR"),
            std::env::var("CRMCTL_SIGNAL_CHILD_MODE"),
        ) else {
            return;
        };
        let tmp = PathBuf::from(dir).join("crmctl-x");
        std::fs::create_dir(&tmp).expect("mkdir");
        let _guard = remove_on_signal(&tmp);
        // The one document, printed after cleanup, on a line of its own (the test
        // harness has started one), then the exit code.
        let finish = |code: i32| -> ! {
            let doc = format!("{{\"exit_code\":{code},\"removed\":{}}}", !tmp.exists());
            let mut out = std::io::stdout();
            std::io::Write::write_all(&mut out, format!("\n{doc}\n").as_bytes()).expect("print");
            std::io::Write::flush(&mut out).expect("flush");
            std::process::exit(code);
        };
        if mode == "serve" {
            // The signal comes before the server waits (right after it printed its URLs).
            let stop = serve();
            signal_hook::low_level::raise(SIGTERM).expect("raise");
            std::thread::sleep(std::time::Duration::from_millis(100));
            let sig = stop.wait();
            finish(if sig == SIGTERM { 0 } else { 98 });
        }
        let flag = install();
        signal_hook::low_level::raise(SIGTERM).expect("raise");
        if mode == "burst" {
            // As `timeout` does: the process and its group get the signal together.
            signal_hook::low_level::raise(SIGTERM).expect("raise");
        }
        // The run checks its flag between rows, as bulk lookups do (bounded).
        for _ in 0..400 {
            if let Some(code) = requested(&flag) {
                if mode == "twice" {
                    // Later than one burst of signals: the user insists.
                    std::thread::sleep(SIGNAL_BURST + std::time::Duration::from_millis(100));
                    signal_hook::low_level::raise(SIGINT).expect("raise");
                    std::thread::sleep(std::time::Duration::from_secs(10));
                }
                finish(i32::from(code));
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        std::process::exit(99);
    }

    #[cfg(unix)]
    fn run_child(mode: &str) -> (std::process::Output, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = std::process::Command::new(std::env::current_exe().expect("exe"))
            .args([
                "--exact",
                "interrupt::tests::signalled_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("CRMCTL_SIGNAL_CHILD_DIR", dir.path())
            .env("CRMCTL_SIGNAL_CHILD_MODE", mode)
            .output()
            .expect("run the child");
        (out, dir)
    }

    /// The lines of the child's stdout that are its document.
    #[cfg(unix)]
    fn documents(out: &std::process::Output) -> Vec<String> {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("{\"exit_code\""))
            .map(str::to_string)
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn a_signal_removes_the_temp_folder_and_the_cooperating_run_ends_with_one_document() {
        let (out, dir) = run_child("once");
        assert_eq!(out.status.code(), Some(143), "{out:?}");
        assert_eq!(
            documents(&out),
            [r#"{"exit_code":143,"removed":true}"#],
            "{out:?}"
        );
        assert!(!dir.path().join("crmctl-x").exists());
    }

    #[cfg(unix)]
    #[test]
    fn signals_that_arrive_together_are_one_interruption() {
        let (out, dir) = run_child("burst");
        assert_eq!(out.status.code(), Some(143), "{out:?}");
        assert_eq!(
            documents(&out),
            [r#"{"exit_code":143,"removed":true}"#],
            "{out:?}"
        );
        assert!(!dir.path().join("crmctl-x").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_second_signal_ends_the_process_at_once() {
        use std::os::unix::process::ExitStatusExt;
        let (out, _dir) = run_child("twice");
        assert_eq!(out.status.signal(), Some(2), "{out:?}");
        assert!(documents(&out).is_empty(), "{out:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_signal_before_the_server_waits_is_kept_for_it() {
        let (out, dir) = run_child("serve");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(
            documents(&out),
            [r#"{"exit_code":0,"removed":true}"#],
            "{out:?}"
        );
        assert!(!dir.path().join("crmctl-x").exists());
    }

    #[test]
    fn a_hangup_cooperates_as_sigterm_does() {
        let reg = Registry::new();
        let flag = reg.cooperate();
        assert_eq!(reg.on_first_signal(SIGHUP), Action::Cooperating);
        assert_eq!(requested(&flag), Some(129));
        assert_eq!(signal_name(129), "SIGHUP");
        assert!(!reg.stopping.load(Ordering::SeqCst));
    }

    #[cfg(unix)]
    #[test]
    fn exit_codes_follow_the_shell() {
        assert_eq!(exit_code(signal_hook::consts::SIGINT), 130);
        assert_eq!(exit_code(signal_hook::consts::SIGTERM), 143);
    }
}
