//! `crmctl emulate`: prints its URLs and credentials, then serves until killed.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;

use crate::support::Sandbox;

/// Kills the child when the test ends, pass or fail.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(base: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(base.trim_start_matches("http://")).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .expect("write");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[test]
fn json_first_line_gives_urls_and_demo_credentials_and_it_keeps_serving() {
    let sb = Sandbox::new();
    // A slow handshake on each new connection: it still serves (timing is the bench's).
    let mut cmd = sb.cmd(&[
        "--json",
        "emulate",
        "--fault",
        "2:503",
        "--connect-latency-ms",
        "1",
    ]);
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null());
    let mut child = Running(cmd.spawn().expect("spawn"));
    let stdout = child.0.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let doc: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
    assert_eq!(doc["command"], "emulate");
    let d = &doc["data"];
    for key in [
        "base_url",
        "login_url",
        "username",
        "password",
        "security_token",
        "client_id",
        "client_secret",
    ] {
        assert!(
            d[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key} missing: {d}"
        );
    }
    let base = d["base_url"].as_str().expect("base");
    assert!(base.starts_with("http://127.0.0.1:"));
    assert!(get(base, "/services/data/").starts_with("HTTP/1.1 200"));
    // The scripted fault from the flag: the second request gets a 503.
    assert!(get(base, "/services/data/").starts_with("HTTP/1.1 503"));
    assert!(
        get(d["login_url"].as_str().expect("login"), "/services/data/").starts_with("HTTP/1.1 200")
    );
}

#[test]
fn a_bad_org_file_or_fault_is_refused() {
    let sb = Sandbox::new();
    let bad = sb.write_private("org.yaml", "records:\n  Acount: []\n");
    let out = sb.run(&["emulate", "--data", bad.to_str().expect("utf8")], &[], "");
    out.assert_code(3);
    assert!(out.stderr.contains("Acount"), "{}", out.stderr);
    let out = sb.run(&["emulate", "--fault", "x:503"], &[], "");
    out.assert_code(2);
    let out = sb.run(&["emulate", "--connect-latency-ms", "-5"], &[], "");
    out.assert_code(2);
    // An empty org or faults file is an error, not an org with no users.
    let empty = sb.write_private("empty.yaml", "");
    for flag in ["--data", "--faults"] {
        let out = sb.run(&["emulate", flag, empty.to_str().expect("utf8")], &[], "");
        out.assert_code(3);
        assert!(out.stderr.contains("empty.yaml is empty"), "{}", out.stderr);
    }
}

fn send(child: &std::process::Child, signal: &str) {
    let ok = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
}

/// Waits (bounded) for the child to end.
fn ended(child: &mut std::process::Child) -> std::process::ExitStatus {
    for _ in 0..400 {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("the process did not end within 10 s of the signal");
}

#[cfg(unix)]
#[test]
fn sigterm_and_sigint_stop_it_cleanly_and_remove_the_ca_folder() {
    for signal in ["TERM", "INT"] {
        let sb = Sandbox::new();
        let mut cmd = sb.cmd(&["--json", "emulate", "--tls"]);
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::null())
            .stdin(Stdio::null());
        let mut child = Running(cmd.spawn().expect("spawn"));
        let stdout = child.0.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("first line");
        let doc: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
        let ca = std::path::PathBuf::from(doc["data"]["ca_pem"].as_str().expect("ca_pem"));
        let folder = ca.parent().expect("folder").to_path_buf();
        assert!(ca.is_file(), "{}", ca.display());
        send(&child.0, signal);
        let status = ended(&mut child.0);
        assert_eq!(status.code(), Some(0), "SIG{signal}: {status:?}");
        assert!(!folder.exists(), "SIG{signal} left {}", folder.display());
    }
}

/// The emulator README's CI recipe names a `--ca-dir` that a fresh checkout lacks.
#[test]
fn a_ca_dir_that_does_not_exist_yet_is_made() {
    let sb = Sandbox::new();
    let dir = sb.dir.path().join("ci").join("emu");
    let mut cmd = sb.cmd(&[
        "--json",
        "emulate",
        "--tls",
        "--ca-dir",
        dir.to_str().expect("utf8"),
    ]);
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null());
    let mut child = Running(cmd.spawn().expect("spawn"));
    let stdout = child.0.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let doc: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
    assert_eq!(doc["exit_code"], 0, "{doc}");
    assert!(dir.join("crmctl-emulator-ca.pem").is_file(), "{doc}");
}

/// `--password-flow blocked`: the org-wide switch of an org made since Summer '23.
/// `crmctl login` (password flow) is refused as Salesforce refuses it; client
/// credentials still log in for the same app.
#[test]
fn password_flow_blocked_refuses_every_password_login() {
    use emulator::default_org::*;
    let sb = Sandbox::new();
    let mut cmd = sb.cmd(&["--json", "emulate", "--password-flow", "blocked"]);
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null());
    let mut child = Running(cmd.spawn().expect("spawn"));
    let stdout = child.0.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let doc: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
    let d = &doc["data"];
    assert_eq!(d["password_flow"], "blocked", "{d}");
    let (login, base) = (
        d["login_url"].as_str().expect("login"),
        d["base_url"].as_str().expect("base"),
    );
    let secrets = [
        ("CRMCTL_PASSWORD", DEMO_PASSWORD),
        ("CRMCTL_TOKEN", DEMO_SECURITY_TOKEN),
        ("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID),
        ("CRMCTL_CLIENT_SECRET", DEMO_CLIENT_SECRET),
    ];
    let out = sb.run(
        &[
            "login",
            "--login-url",
            login,
            "--username",
            DEMO_USERNAME,
            "--json",
        ],
        &secrets,
        "",
    );
    out.assert_code(1);
    let e = &out.json()["error"];
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("username-password flow")),
        "{e}"
    );
    let out = sb.run(
        &["login", "--flow", "client-credentials", "--login-url", base],
        &secrets,
        "",
    );
    out.assert_code(0);
}
