//! Output that cannot be written: a full disk, a closed stdout, a closed stderr.
//! stdout that cannot take the result is exit 3 in every command; a closed or full
//! stderr never crashes a run (issue 18, items 10 and 20).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use emulator::{Background, Config};

use crate::support::{BIN, Run, Sandbox};

fn dev_full() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full")
}

/// The write end of a pipe whose read end is already closed: every write fails
/// with EPIPE, as `2>&1 | head -1` does once `head` has its line.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    writer
}

/// Waits (bounded) for a child; kills it and fails the test if it does not end.
fn wait_bounded(mut child: std::process::Child, what: &str) -> std::process::Output {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return child.wait_with_output().expect("wait");
        }
        if Instant::now() > until {
            let _ = child.kill();
            panic!("{what} did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn numbers_file(sb: &Sandbox, n: usize) -> String {
    let text: String = (0..n).map(|_| "+1 415 555 1212\n").collect();
    sb.write_private("n.txt", &text)
        .to_str()
        .expect("utf8")
        .to_string()
}

fn with_demo(c: &mut Command, emu: &Background) {
    for (k, v) in crate::support::demo_env(&emu.base_url) {
        c.env(k, v);
    }
}

#[cfg(unix)]
fn signal_of(out: &std::process::Output) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    out.status.signal()
}

#[test]
fn a_closed_stderr_never_crashes_a_bulk_run() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let f = numbers_file(&sb, 3);
    // A file without `--column` that looks like CSV also earns a hint on stderr.
    let csv = sb.write_private("n.csv", "phone\n+1 415 555 1212\n");
    for args in [
        vec!["lookup", "--file", f.as_str()],
        vec!["lookup", "--file", csv.to_str().expect("utf8")],
        vec!["-v", "lookup", "--file", f.as_str()],
    ] {
        let mut c = sb.cmd(&args);
        with_demo(&mut c, &emu);
        c.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(closed_pipe());
        let out = wait_bounded(c.spawn().expect("spawn"), "lookup");
        #[cfg(unix)]
        assert_eq!(signal_of(&out), None, "{args:?}: {out:?}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {out:?}"
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with('{'),
            "{args:?}: the rows still come: {out:?}"
        );
    }
}

#[test]
fn a_closed_stderr_never_crashes_a_note_on_a_success_path() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let mut c = sb.cmd(&[
        "--key-file",
        key.to_str().expect("utf8"),
        "encrypt",
        "--value",
    ]);
    c.env("CRMCTL_VALUE", "s3cret")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(closed_pipe());
    let out = wait_bounded(c.spawn().expect("spawn"), "encrypt");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(!out.stdout.is_empty(), "{out:?}");
    // A full stderr too.
    let mut c = sb.cmd(&[
        "--key-file",
        key.to_str().expect("utf8"),
        "encrypt",
        "--value",
    ]);
    c.env("CRMCTL_VALUE", "s3cret")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(dev_full());
    let out = wait_bounded(c.spawn().expect("spawn"), "encrypt");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn an_error_with_a_closed_stderr_keeps_its_exit_code() {
    let sb = Sandbox::new();
    let mut c = sb.cmd(&["lookup", "--file", "no-such-file.txt"]);
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(closed_pipe());
    let out = wait_bounded(c.spawn().expect("spawn"), "lookup");
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    // A usage error, printed by the argument parser.
    let mut c = sb.cmd(&["lookup", "--no-such-flag"]);
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(closed_pipe());
    let out = wait_bounded(c.spawn().expect("spawn"), "lookup");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn help_that_cannot_be_written_is_exit_3() {
    let sb = Sandbox::new();
    for args in [
        vec!["lookup", "--help"],
        vec!["--help"],
        vec!["-h"],
        vec!["--version"],
    ] {
        let mut c = sb.cmd(&args);
        c.stdin(Stdio::null())
            .stdout(dev_full())
            .stderr(Stdio::piped());
        let out = Run::from(wait_bounded(c.spawn().expect("spawn"), "help"));
        assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("could not write the output"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[cfg(feature = "emulator")] // runs `crmctl emulate`
#[test]
fn emulate_whose_urls_cannot_be_written_exits() {
    let sb = Sandbox::new();
    for json in [true, false] {
        let mut c = sb.cmd(&["emulate", "--port", "0", "--login-port", "0"]);
        if json {
            c.arg("--json");
        }
        c.stdin(Stdio::null())
            .stdout(dev_full())
            .stderr(Stdio::piped());
        let out = Run::from(wait_bounded(c.spawn().expect("spawn"), "emulate"));
        assert_eq!(out.code, 3, "json {json}: {}", out.stderr);
        assert!(
            out.stderr.contains("could not write the output"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn bulk_output_to_a_full_disk_is_exit_3() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let f = numbers_file(&sb, 3);
    for format in ["jsonl", "csv"] {
        let mut c = sb.cmd(&["lookup", "--file", f.as_str(), "--output", format]);
        with_demo(&mut c, &emu);
        c.stdin(Stdio::null())
            .stdout(dev_full())
            .stderr(Stdio::piped());
        let out = Run::from(wait_bounded(c.spawn().expect("spawn"), "lookup"));
        assert_eq!(out.code, 3, "{format}: {}", out.stderr);
        assert!(
            out.stderr.contains("could not write the output"),
            "{format}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("internal"), "{}", out.stderr);
    }
}

/// `crmctl encrypt >&-`: the string would be lost, so the run fails rather than
/// telling the user to paste it.
#[cfg(target_os = "linux")]
#[test]
fn a_closed_stdout_is_exit_3_and_no_paste_note() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    for json in [false, true] {
        let mut c = Command::new("sh");
        c.args(["-c", "exec \"$0\" \"$@\" >&-", BIN]);
        sb.isolate(&mut c);
        c.args([
            "--key-file",
            key.to_str().expect("utf8"),
            "encrypt",
            "--value",
        ]);
        if json {
            c.arg("--json");
        }
        c.env("CRMCTL_VALUE", "s3cret");
        let out = crate::support::run_with_stdin(c, "");
        assert_eq!(out.code, 3, "json {json}: {}", out.stderr);
        assert!(
            out.stderr.contains("could not write the output"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains("paste"), "{}", out.stderr);
    }
}

/// `crmctl settings export … >&-` (no --out): stdout is the only copy of the
/// document, so a closed stdout is exit 3 as for encrypt (issue 20 item 15).
#[cfg(target_os = "linux")]
#[test]
fn a_settings_export_to_a_closed_stdout_is_exit_3() {
    let sb = Sandbox::new();
    let file = sb.write_private(
        "est.yaml",
        "uccs:\n  - name: helpdesk\n    settings:\n      - { setting: Username, scope: CrmService, value: a@b.example }\n",
    );
    for json in [false, true] {
        let mut c = Command::new("sh");
        c.args(["-c", "exec \"$0\" \"$@\" >&-", BIN]);
        sb.isolate(&mut c);
        c.args(["settings", "export", file.to_str().expect("utf8")]);
        c.args(["--ucc", "helpdesk", "--format", "yaml"]);
        if json {
            c.arg("--json");
        }
        let out = crate::support::run_with_stdin(c, "");
        assert_eq!(out.code, 3, "json {json}: {}", out.stderr);
        assert!(out.stderr.contains("stdout is closed"), "{}", out.stderr);
    }
}

/// `crmctl lookup --file calls.txt >&-`: the rows are the only copy of the run's
/// result, so a closed stdout is exit 3 before any call is made (it used to run
/// every row, write nothing and exit 0).
#[cfg(target_os = "linux")]
#[test]
fn a_bulk_lookup_to_a_closed_stdout_is_exit_3_before_any_call() {
    let emu = emulator::Background::start(emulator::Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let file = sb.write_private("calls.txt", "+31201234567\n+14155550000\n");
    for json in [false, true] {
        let mut c = Command::new("sh");
        c.args(["-c", "exec \"$0\" \"$@\" >&-", BIN]);
        sb.isolate(&mut c);
        c.args(["lookup", "--file", file.to_str().expect("utf8")]);
        if json {
            c.arg("--json");
        }
        for (k, v) in crate::support::demo_env(&emu.base_url) {
            c.env(k, v);
        }
        let out = crate::support::run_with_stdin(c, "");
        assert_eq!(out.code, 3, "json {json}: {}", out.stderr);
        assert!(out.stderr.contains("stdout is closed"), "{}", out.stderr);
    }
    assert_eq!(
        emu.stats().api_calls,
        0,
        "no call is spent on rows nobody gets"
    );
}
