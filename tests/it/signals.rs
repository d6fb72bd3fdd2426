//! A bulk run stopped by Ctrl-C or SIGTERM still prints exactly one JSON document
//! (the rows done so far, the rest marked) and exits 130 or 143; a closed stdout
//! stops a bulk run at once. Signals are sent with the `kill` command.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use emulator::{Background, Config, Faults};

use crate::support::Sandbox;

/// Different numbers: a repeated one would be searched once (the run's memo).
pub(crate) fn numbers(n: usize) -> String {
    (0..n).map(|i| format!("+31 20 555 {i:04}\n")).collect()
}

pub(crate) fn slow_emulator() -> Background {
    Background::start(Config {
        faults: Faults {
            latency_ms: 30,
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("emulator")
}

fn spawn(sb: &Sandbox, emu: &Background, args: &[&str]) -> Child {
    let mut c = sb.cmd(args);
    let mut env = crate::support::demo_env(&emu.base_url);
    env.push(("CRMCTL_REGION", "NL".into()));
    c.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c.spawn().expect("spawn crmctl")
}

/// Waits (bounded) until the emulator has seen `n` data calls.
pub(crate) fn wait_for_calls(emu: &Background, n: u64) {
    let until = Instant::now() + Duration::from_secs(20);
    while emu.stats().api_calls < n {
        assert!(Instant::now() < until, "the run never got going");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits (bounded) for the child, draining its pipes meanwhile; kills it and
/// fails the test if it hangs.
pub(crate) fn wait(mut child: Child) -> std::process::Output {
    use std::io::Read;
    let drain = |p: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = p {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let until = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            panic!("crmctl did not stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

fn interrupted_bulk_prints_one_document(signal: &str, code: i32, name: &str) {
    let emu = slow_emulator();
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", &numbers(200));
    let child = spawn(
        &sb,
        &emu,
        &[
            "lookup",
            "--json",
            "--file",
            f.to_str().expect("utf8"),
            "-j",
            "2",
            // Small batches: the signal lands with most of the run still to do.
            "--batch-size",
            "5",
        ],
    );
    wait_for_calls(&emu, 4);
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = wait(child);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(code), "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{stdout}"));
    assert_eq!(doc["exit_code"], code);
    assert_eq!(doc["error"]["kind"], "interrupted");
    let rows = doc["data"]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 200, "every input has its row");
    let skipped = rows.iter().filter(|r| r["status"] == "skipped").count();
    let done = rows.iter().filter(|r| r["status"] == "none").count();
    assert!(
        done >= 1 && skipped >= 100,
        "done {done}, skipped {skipped}"
    );
    assert!(
        rows.iter()
            .filter(|r| r["status"] == "skipped")
            .all(|r| r["error"]["kind"] == "interrupted"),
        "the rest are marked"
    );
    let summary = &doc["data"]["summary"];
    assert_eq!(summary["stop_reason"], "interrupted");
    assert!(
        summary["stopped"].as_str().unwrap_or("").contains(name),
        "{summary}"
    );
}

#[test]
fn ctrl_c_stops_a_bulk_run_with_one_document_and_exit_130() {
    interrupted_bulk_prints_one_document("-INT", 130, "SIGINT");
}

#[test]
fn sigterm_stops_a_bulk_run_with_one_document_and_exit_143() {
    interrupted_bulk_prints_one_document("-TERM", 143, "SIGTERM");
}

#[test]
fn a_closed_stdout_stops_a_bulk_run_at_once() {
    let emu = slow_emulator();
    let sb = Sandbox::new();
    let f = sb.write_private("n.txt", &numbers(200));
    let mut child = spawn(
        &sb,
        &emu,
        &[
            "lookup",
            "--file",
            f.to_str().expect("utf8"),
            "-j",
            "2",
            "--batch-size",
            "5",
        ],
    );
    // Like `| head -1`: read one row, then close the pipe.
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("first row");
    assert!(first.starts_with('{'), "{first}");
    let out = wait(child);
    let calls = emu.stats().api_calls;
    // 200 lookups make 400 calls; after the pipe closes only those in flight finish.
    assert!(
        calls < 40,
        "{calls} API calls after stdout closed\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sighup_stops_a_bulk_run_like_sigterm_with_one_document_and_exit_129() {
    interrupted_bulk_prints_one_document("-HUP", 129, "SIGHUP");
}

/// A server that accepts connections and never answers: whatever crmctl asks
/// first, it is still waiting when the signal comes.
fn silent_server() -> (std::net::SocketAddr, std::sync::mpsc::Receiver<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        // Bounded: the test makes a handful of connections.
        for conn in listener.incoming().take(16) {
            let Ok(conn) = conn else { break };
            held.push(conn);
            let _ = tx.send(());
        }
    });
    (addr, rx)
}

/// Runs `args` under `--json` against a silent server, sends `signal` once it has
/// connected, and checks the one document it leaves.
fn interrupted_single_run_prints_one_document(args: &[String], signal: &str, code: i32) {
    let (addr, connected) = silent_server();
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let mut c = sb.cmd(&["--key-file", key.to_str().expect("utf8"), "--json"]);
    c.args(args.iter().map(|a| a.replace("{addr}", &addr.to_string())));
    let login = format!("http://{addr}");
    for (k, v) in crate::support::demo_env(&login) {
        c.env(k, v);
    }
    c.env("CRMCTL_REGION", "US")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = c.spawn().expect("spawn crmctl");
    connected
        .recv_timeout(Duration::from_secs(20))
        .expect("crmctl never connected");
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = wait(child);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not one JSON document ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(doc["exit_code"], code, "{doc}");
    assert_eq!(doc["error"]["kind"], "interrupted", "{doc}");
    assert_eq!(out.status.code(), Some(code), "{args:?}");
}

#[test]
fn ctrl_c_during_a_single_lookup_doctor_or_probe_leaves_one_document() {
    let sb = Sandbox::new();
    let rows = crate::validate::good_rows("{addr}");
    let estate = sb.write_private("estate.yaml", &crate::validate::yaml(&[("a", rows)]));
    let estate = estate.to_str().expect("utf8").to_string();
    for (args, signal, code) in [
        (vec!["lookup", "+14155551212"], "-INT", 130),
        (vec!["doctor"], "-INT", 130),
        (vec!["lookup", "+14155551212"], "-TERM", 143),
        (vec!["doctor"], "-HUP", 129),
        (
            vec![
                "validate-settings",
                "--probe",
                "--probe-timeout",
                "60",
                &estate,
            ],
            "-INT",
            130,
        ),
    ] {
        // The estate names the silent server through `{addr}`: write it per run.
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        if args[0] == "validate-settings" {
            let (addr, connected) = silent_server();
            let text = std::fs::read_to_string(&estate)
                .expect("estate")
                .replace("{addr}", &addr.to_string());
            let sb = Sandbox::new();
            let f = sb.write_private("e.yaml", &text);
            let key = sb.key_profile();
            let mut c = sb.cmd(&["--key-file", key.to_str().expect("utf8"), "--json"]);
            c.args(&args[..args.len() - 1]).arg(&f);
            c.stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let child = c.spawn().expect("spawn");
            connected
                .recv_timeout(Duration::from_secs(20))
                .expect("never probed");
            Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status()
                .expect("kill");
            let out = wait(child);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let doc: serde_json::Value = serde_json::from_str(&stdout)
                .unwrap_or_else(|e| panic!("probe: not one JSON document ({e}):\n{stdout}"));
            assert_eq!(doc["exit_code"], code, "{doc}");
            assert_eq!(doc["error"]["kind"], "interrupted", "{doc}");
            assert_eq!(out.status.code(), Some(code));
            continue;
        }
        interrupted_single_run_prints_one_document(&args, signal, code);
    }
}

/// Issue 20 item 16 (d): `doctor --format junit|sarif|github` stopped by a signal
/// still leaves one document of its format on stdout, marked interrupted.
#[test]
fn an_interrupted_doctor_in_a_ci_format_leaves_its_document() {
    for (format, signal, code, marker) in [
        ("junit", "-TERM", 143, "<testsuites"),
        ("sarif", "-INT", 130, "\"version\": \"2.1.0\""),
        ("github", "-TERM", 143, "::error"),
    ] {
        let (addr, connected) = silent_server();
        let sb = Sandbox::new();
        let key = sb.key_profile();
        let mut c = sb.cmd(&["--key-file", key.to_str().expect("utf8")]);
        c.args(["doctor", "--format", format]);
        for (k, v) in crate::support::demo_env(&format!("http://{addr}")) {
            c.env(k, v);
        }
        c.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = c.spawn().expect("spawn crmctl");
        connected
            .recv_timeout(Duration::from_secs(20))
            .expect("crmctl never connected");
        Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill");
        let out = wait(child);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(marker), "{format}: {stdout}");
        assert!(stdout.contains("interrupted"), "{format}: {stdout}");
        assert_eq!(out.status.code(), Some(code), "{format}");
    }
}
