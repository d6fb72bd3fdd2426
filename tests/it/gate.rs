//! Ordering what two hosts see without timing: a front for a loopback HTTP host
//! that holds each connection until an event has happened (bounded), then passes
//! the bytes both ways. The warm-up tests hold the token answer until the org's
//! versions list is done, so the order they check does not depend on the load.

use std::io::{BufRead, BufReader, Read};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::support::Run;

/// How long a connection is held at most; past it the bytes pass and the test's
/// own assertion says what did not happen.
const LIMIT: Duration = Duration::from_secs(30);

/// A front for `upstream` (`http://127.0.0.1:PORT`) at [`Gate::url`].
pub struct Gate {
    pub url: String,
    stop: Arc<AtomicBool>,
    /// A connection was let through at [`LIMIT`] without the event.
    forced: Arc<AtomicBool>,
}

impl Gate {
    /// Holds each connection until `open()` is true (polled, at most [`LIMIT`]).
    pub fn start(upstream: &str, open: impl Fn() -> bool + Send + Sync + 'static) -> Gate {
        let upstream = upstream
            .strip_prefix("http://")
            .expect("an http upstream")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let stop = Arc::new(AtomicBool::new(false));
        let forced = Arc::new(AtomicBool::new(false));
        let (open, stopped, forcing) = (Arc::new(open), stop.clone(), forced.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let (open, upstream, forcing) = (open.clone(), upstream.clone(), forcing.clone());
                std::thread::spawn(move || {
                    let start = Instant::now();
                    while !open() && start.elapsed() < LIMIT {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    if !open() {
                        forcing.store(true, Ordering::SeqCst);
                    }
                    let Ok(up) = TcpStream::connect(&upstream) else {
                        return;
                    };
                    pipe(client, up);
                });
            }
        });
        Gate { url, stop, forced }
    }

    /// Whether every connection waited for the event rather than for [`LIMIT`].
    pub fn held_for_the_event(&self) -> bool {
        !self.forced.load(Ordering::SeqCst)
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

/// Copies both ways until each side has finished sending.
fn pipe(client: TcpStream, up: TcpStream) {
    let (mut c_read, mut u_write) = (
        client.try_clone().expect("clone"),
        up.try_clone().expect("clone"),
    );
    let forward = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c_read, &mut u_write);
        let _ = u_write.shutdown(Shutdown::Write);
    });
    let (mut u_read, mut c_write) = (up, client);
    let _ = std::io::copy(&mut u_read, &mut c_write);
    let _ = c_write.shutdown(Shutdown::Write);
    let _ = forward.join();
}

/// Runs `cmd` to its end (stdin empty), raising `seen` as soon as a line of its
/// stderr contains `marker`.
pub fn run_watching(mut cmd: Command, marker: &'static str, seen: Arc<AtomicBool>) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn crmctl");
    let mut stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let watcher = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap_or_default();
            if line.contains(marker) {
                seen.store(true, Ordering::SeqCst);
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let mut out = Vec::new();
    stdout.read_to_end(&mut out).expect("read stdout");
    let status = child.wait().expect("wait");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: watcher.join().expect("stderr"),
    }
}

/// What `-v` traces once the warm-up has read the org's versions list and handed
/// it over (`Client::warm`).
pub const WARMED: &str = "from the org's versions list";

/// Runs crmctl with `args` and `env` (`{login}` in either stands for the login
/// host) and `-v`, the login host behind a gate that holds the token request until
/// the warm-up is done: the order a warm-up test checks, whatever the load.
pub fn run_warmed(
    sb: &crate::support::Sandbox,
    login_host: &str,
    args: &[&str],
    env: &[(&str, String)],
) -> Run {
    let seen = Arc::new(AtomicBool::new(false));
    let gate = Gate::start(login_host, {
        let seen = seen.clone();
        move || seen.load(Ordering::SeqCst)
    });
    let fill = |s: &str| s.replace("{login}", &gate.url);
    let args: Vec<String> = args.iter().map(|a| fill(a)).collect();
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.insert(1, "-v");
    let mut cmd = sb.cmd(&all);
    cmd.envs(env.iter().map(|(k, v)| (*k, fill(v))));
    let run = run_watching(cmd, WARMED, seen);
    assert!(
        gate.held_for_the_event(),
        "the warm-up was not done while the token request was held:\n{}",
        run.stderr
    );
    run
}
