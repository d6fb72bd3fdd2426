//! One verdict per input, wherever it comes from: a bad flag is a usage error (2)
//! that names the flag, a bad environment variable a configuration error (3) that
//! names the variable, and neither is ignored or sent to the org (issue 18, items
//! 12, 14 and 15).

use crate::support::{Run, Sandbox};

/// Nothing listens here: a run that gets as far as connecting fails with exit 4,
/// never with the codes these tests expect.
const DEAD_LOGIN: &str = "http://127.0.0.1:9";

fn demo_secrets() -> Vec<(&'static str, String)> {
    crate::support::demo_env(DEAD_LOGIN)
}

/// `crmctl --json CMD ARGS` with the demo secrets, a dead login URL and `extra`.
fn run(cmd: &[&str], extra: &[(&str, &str)]) -> Run {
    let sb = Sandbox::new();
    let mut env: Vec<(&str, String)> = demo_secrets();
    for (k, v) in extra {
        env.retain(|(n, _)| n != k);
        env.push((k, (*v).to_string()));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut args = vec!["--json"];
    args.extend_from_slice(cmd);
    sb.run(&args, &env, "")
}

#[track_caller]
fn assert_refused(out: &Run, code: i32, names: &str, what: &str) {
    assert_eq!(
        out.code, code,
        "{what}\nstdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    let doc = out.json();
    let message = doc["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(names),
        "{what}: the message names {names}: {message}"
    );
    assert_eq!(
        doc["error"]["kind"],
        if code == 2 { "usage" } else { "input" }
    );
}

#[test]
fn bad_timeouts_in_the_environment_are_exit_3_naming_the_variable() {
    for (var, value) in [
        ("CRMCTL_TIMEOUT", "abc"),
        ("CRMCTL_TIMEOUT", "0"),
        ("CRMCTL_TIMEOUT", "-5"),
        ("CRMCTL_TIMEOUT", "NaN"),
        ("CRMCTL_CONNECT_TIMEOUT", "1e400"),
        ("CRMCTL_CONNECT_TIMEOUT", "inf"),
    ] {
        for cmd in [&["login"][..], &["lookup", "+14155551212"][..]] {
            let out = run(cmd, &[(var, value)]);
            assert_refused(&out, 3, var, &format!("{cmd:?} {var}={value}"));
        }
    }
}

#[test]
fn the_same_timeouts_as_flags_are_usage_errors_naming_the_flag() {
    for (flag, value) in [
        ("--timeout", "0"),
        ("--timeout", "-5"),
        ("--connect-timeout", "1e400"),
        ("--timeout", "NaN"),
    ] {
        let arg = format!("{flag}={value}");
        let out = run(&["login", &arg], &[]);
        assert_refused(&out, 2, flag, &arg);
    }
}

#[test]
fn a_ca_cert_from_the_environment_is_named_as_the_variable() {
    let out = run(&["login"], &[("CRMCTL_CA_CERT", "/no/such/ca.pem")]);
    assert_refused(&out, 3, "CRMCTL_CA_CERT", "CRMCTL_CA_CERT");
    assert!(!out.stderr.contains("--ca-cert"), "{}", out.stderr);
    let out = run(&["login", "--ca-cert", "/no/such/ca.pem"], &[]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("--ca-cert"), "{}", out.stderr);
}

#[test]
fn urls_are_refused_from_a_flag_and_from_a_variable() {
    for (var, flag) in [
        ("CRMCTL_LOGIN_URL", "--login-url"),
        ("CRMCTL_INSTANCE_URL", "--instance-url"),
    ] {
        for cmd in ["login", "lookup"] {
            let mut args = vec![cmd];
            if cmd == "lookup" {
                args.push("+14155551212");
            }
            let out = run(&args, &[(var, "garbage")]);
            assert_refused(&out, 3, var, &format!("{cmd} {var}=garbage"));
            let arg = format!("{flag}=garbage");
            args.push(&arg);
            let out = run(&args, &[]);
            assert_refused(&out, 2, flag, &format!("{cmd} {arg}"));
        }
    }
}

#[cfg(unix)]
#[test]
fn a_variable_that_is_not_utf8_is_exit_3_naming_it() {
    use std::os::unix::ffi::OsStrExt;
    let sb = Sandbox::new();
    for var in ["CRMCTL_TIMEOUT", "CRMCTL_USERNAME", "CRMCTL_LOGIN_URL"] {
        let mut c = sb.cmd(&["--json", "login"]);
        for (k, v) in demo_secrets() {
            c.env(k, v);
        }
        c.env(var, std::ffi::OsStr::from_bytes(b"\xff\xfe"));
        let out = crate::support::run_with_stdin(c, "");
        assert_refused(&out, 3, var, var);
    }
}

#[test]
fn an_empty_username_is_refused_from_the_flag_and_the_variable() {
    let out = run(&["login", "--username", ""], &[]);
    assert_refused(&out, 2, "--username", "--username ''");
    let out = run(&["login", "--username", "  "], &[]);
    assert_refused(&out, 2, "--username", "--username '  '");
    let out = run(&["login"], &[("CRMCTL_USERNAME", "")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = run(&["login"], &[("CRMCTL_USERNAME", "  ")]);
    assert_refused(&out, 3, "CRMCTL_USERNAME", "CRMCTL_USERNAME='  '");
}

#[test]
fn client_credentials_refuses_the_password_flow_flags() {
    for extra in [&["--username", "a@b.c"][..], &["--no-token"][..]] {
        let mut args = vec!["login", "--flow", "client-credentials"];
        args.extend_from_slice(extra);
        let out = run(&args, &[]);
        assert_refused(&out, 2, extra[0], &format!("{args:?}"));
    }
}

#[test]
fn a_bad_region_flag_is_a_usage_error_in_every_command() {
    for args in [
        &["doctor", "--region", "zz"][..],
        &["lookup", "+14155551212", "--region", "zz"][..],
        &["lookup", "--email", "a@b.c", "--region", "zz"][..],
    ] {
        let out = run(args, &[]);
        assert_refused(&out, 2, "--region", &format!("{args:?}"));
    }
}

#[cfg(feature = "emulator")] // runs `crmctl emulate`
#[test]
fn a_scripted_fault_that_can_never_fire_is_refused() {
    use std::time::{Duration, Instant};
    let sb = Sandbox::new();
    let mut c = sb.cmd(&["emulate", "--fault", "0:500"]);
    c.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().expect("spawn");
    // Bounded: an emulator that started serves until it is stopped.
    let until = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("try_wait").is_none() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let out = Run::from(child.wait_with_output().expect("wait"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--fault"), "{}", out.stderr);
}

/// `60`, `60.0`, `v60.0`, `v59` and `services/data/v60.0/` are one version wherever
/// a version is typed, as the settings wizard takes them.
#[test]
fn api_versions_take_the_wizards_forms_everywhere() {
    let emu = emulator::Background::start(emulator::Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let env = crate::support::demo_env(&emu.base_url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for v in ["60", "60.0", "v60.0", "v59", "V60", "services/data/v60.0/"] {
        let arg = format!("--api-version={v}");
        for cmd in [
            &["login", arg.as_str()][..],
            &["lookup", "+14155551212", "--region", "US", arg.as_str()][..],
        ] {
            let mut args = vec!["--json"];
            args.extend_from_slice(cmd);
            let out = sb.run(&args, &env, "");
            assert!(
                out.code == 0 || out.code == 1,
                "{cmd:?}: {}\n{}",
                out.stdout,
                out.stderr
            );
        }
    }
    for bad in ["sixty", "60.5", "v", "30.0"] {
        let arg = format!("--api-version={bad}");
        let out = run(&["login", &arg], &[]);
        assert_refused(&out, 2, "--api-version", &arg);
    }
}

/// An empty password is refused before anything is sent (a login with the token
/// alone fails, and repeated failures can lock the integration user out): from the
/// environment it is configuration (3) naming the variable, from stdin usage (2).
#[test]
fn an_empty_password_is_refused_before_anything_is_sent() {
    for cmd in [&["login"][..], &["lookup", "+14155551212"][..]] {
        let out = run(cmd, &[("CRMCTL_PASSWORD", "")]);
        assert_refused(&out, 3, "CRMCTL_PASSWORD", &format!("{cmd:?}"));
    }
    let sb = Sandbox::new();
    let out = sb.run(
        &[
            "--json",
            "login",
            "--login-url",
            DEAD_LOGIN,
            "--username",
            "a@b.c",
            "--stdin",
        ],
        &[],
        "\nTOKEN\nclient-id\nclient-secret\n",
    );
    assert_refused(&out, 2, "password", "an empty first line on --stdin");
}

/// `--jwt-key-file` names the key of `--flow jwt`; with another flow `login` and
/// `lookup` would ignore it (doctor reads it for its flow-readiness step), and
/// `--no-token` means nothing to JWT bearer.
#[test]
fn jwt_flags_that_would_be_ignored_are_usage_errors() {
    for cmd in [&["login"][..], &["lookup", "+14155551212"][..]] {
        let mut args = cmd.to_vec();
        args.extend_from_slice(&["--jwt-key-file", "missing-key.pem"]);
        let out = run(&args, &[]);
        assert_refused(&out, 2, "--jwt-key-file", &format!("{args:?}"));
    }
    let out = run(
        &[
            "login",
            "--flow",
            "jwt",
            "--jwt-key-file",
            "missing-key.pem",
            "--no-token",
        ],
        &[],
    );
    assert_refused(&out, 2, "--no-token", "--flow jwt --no-token");
}
