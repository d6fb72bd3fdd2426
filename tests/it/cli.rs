//! The command-line contract: help, usage errors, the JSON envelope, colour, and
//! the generated completions and man pages.

use crate::support::{Sandbox, repo_root};

#[test]
fn help_lists_every_command_and_the_exit_codes() {
    let out = Sandbox::new().run(&["--help"], &[], "");
    out.assert_code(0);
    for word in [
        "encrypt",
        "decrypt",
        "keygen",
        "completions",
        "--json",
        "Exit codes:",
        "3  local input",
    ] {
        assert!(
            out.stdout.contains(word),
            "--help lacks {word:?}:\n{}",
            out.stdout
        );
    }
}

#[test]
fn version_prints_the_package_version() {
    let out = Sandbox::new().run(&["--version"], &[], "");
    out.assert_code(0);
    assert_eq!(
        out.stdout.trim(),
        format!("crmctl {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_2_and_give_a_json_envelope_under_json() {
    let sb = Sandbox::new();
    let out = sb.run(&["encrypt", "--bogus"], &[], "");
    out.assert_code(2);
    assert!(out.stderr.contains("--bogus"), "{}", out.stderr);
    assert!(out.stdout.is_empty());

    let out = sb.run(&["--json", "encrypt", "--bogus"], &[], "");
    out.assert_code(2);
    let doc = out.json();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["command"], "encrypt");
    assert_eq!(doc["exit_code"], 2);
    assert_eq!(doc["error"]["kind"], "usage");
    assert!(doc["data"].is_null());

    let out = sb.run(&[], &[], "");
    out.assert_code(2);
}

#[test]
fn json_envelope_has_the_documented_members_in_order() {
    let sb = Sandbox::new();
    let out = sb.run(&["--json", "completions", "fish"], &[], "");
    out.assert_code(0);
    let doc = out.json();
    let keys: Vec<&str> = doc
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "schema_version",
            "command",
            "exit_code",
            "data",
            "error",
            "warnings"
        ]
    );
    assert_eq!(doc["command"], "completions");
    assert!(
        doc["data"]["script"]
            .as_str()
            .expect("script")
            .contains("crmctl")
    );
}

#[test]
fn errors_are_coloured_only_when_asked() {
    let sb = Sandbox::new();
    let missing = sb.path("missing.yaml");
    let m = missing.to_str().expect("utf8");
    let plain = sb.run(&["--key-file", m, "decrypt", "AAAA"], &[], "");
    plain.assert_code(3);
    assert!(
        plain.stderr.starts_with("error: key profile"),
        "{}",
        plain.stderr
    );
    assert!(!plain.stderr.contains('\x1b'));
    let forced = sb.run(
        &["--color", "always", "--key-file", m, "decrypt", "AAAA"],
        &[],
        "",
    );
    assert!(
        forced.stderr.contains("\x1b[1;31merror:"),
        "{}",
        forced.stderr
    );
    let never = sb.run(
        &["--color", "never", "--key-file", m, "decrypt", "AAAA"],
        &[("NO_COLOR", "1")],
        "",
    );
    assert!(!never.stderr.contains('\x1b'));
}

#[test]
fn quiet_silences_notes_but_not_results_or_errors() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let k = key.to_str().expect("utf8");
    let out = sb.run(
        &["-q", "--key-file", k, "encrypt", "--value", "--stdin"],
        &[],
        " padded \n",
    );
    out.assert_code(0);
    assert!(!out.stdout.is_empty());
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let out = sb.run(
        &["-q", "--key-file", "/nonexistent/k.yaml", "decrypt", "AAAA"],
        &[],
        "",
    );
    out.assert_code(3);
    assert!(out.stderr.contains("error:"));
}

#[test]
fn every_shell_gets_a_completion_script() {
    let sb = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = sb.run(&["completions", shell], &[], "");
        out.assert_code(0);
        assert!(
            out.stdout.contains("encrypt"),
            "{shell} script lacks subcommands"
        );
    }
    sb.run(&["completions", "tcsh"], &[], "").assert_code(2);
}

/// completions/ and man/ are generated from the clap definition; this fails when
/// the checked-in copies drift and says how to regenerate them.
#[test]
fn generated_completions_and_man_pages_are_up_to_date() {
    let root = repo_root();
    let expected = crmctl::assets::generated_files();
    let mut stale = Vec::new();
    for (rel, bytes) in &expected {
        match std::fs::read(root.join(rel)) {
            Ok(on_disk) if &on_disk == bytes => {}
            Ok(_) => stale.push(format!("{rel} differs")),
            Err(_) => stale.push(format!("{rel} is missing")),
        }
    }
    for dir in ["completions", "man"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("generated folder exists") {
            let rel = format!(
                "{dir}/{}",
                entry.expect("entry").file_name().to_string_lossy()
            );
            if !expected.iter().any(|(r, _)| *r == rel) {
                stale.push(format!("{rel} is no longer generated"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date ({}); run `{}` and commit the result",
        stale.join(", "),
        crmctl::assets::REGENERATE_COMMAND
    );
    assert!(expected.iter().any(|(r, _)| r == "man/crmctl-encrypt.1"));
    assert_eq!(
        expected
            .iter()
            .filter(|(r, _)| r.starts_with("completions/"))
            .count(),
        5
    );
}

/// Text from files, orgs and proxies reaches error messages and hints; the printer
/// shows its control characters instead of letting the terminal run them.
#[test]
fn errors_never_pass_escape_sequences_to_the_terminal() {
    let sb = Sandbox::new();
    let f = sb.write_private(
        "estate.yaml",
        "uccs:\n  - name: \"Evil\\e[2JCorp\"\n    settings: []\n",
    );
    let out = sb.run(
        &[
            "login",
            "--settings",
            f.to_str().expect("utf8"),
            "--ucc",
            "nope",
        ],
        &[],
        "",
    );
    out.assert_code(3);
    assert!(out.stderr.contains(r"Evil\x1b[2JCorp"), "{}", out.stderr);
    assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
}
