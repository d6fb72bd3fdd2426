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
/// the checked-in copies drift and says how to regenerate them. They describe the
/// default build, which has `emulate` and `demo`.
#[cfg(feature = "emulator")]
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

/// The first ```lang block after `heading` in the README.
fn readme_block(heading: &str, lang: &str) -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    let after = readme
        .split_once(heading)
        .unwrap_or_else(|| panic!("README has no {heading:?}"))
        .1;
    let block = after
        .split_once(&format!("```{lang}\n"))
        .expect("a code block")
        .1;
    block.split_once("```").expect("closed block").0.to_string()
}

/// The README's quick start, run verbatim by `sh -e` with crmctl on PATH; the secrets
/// come from the environment because there is no terminal to type them.
#[cfg(unix)]
#[test]
fn readme_quick_start_runs_verbatim() {
    let script = readme_block("## Quick start", "sh");
    let sb = Sandbox::new();
    let mut sh = std::process::Command::new("sh");
    sh.args(["-e", "-c", &script]);
    sb.isolate(&mut sh);
    let bin_dir = std::path::Path::new(crate::support::BIN)
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    sh.env("PATH", path)
        .env("CRMCTL_PASSWORD", "TypicalPassword")
        .env("CRMCTL_TOKEN", "pR8uI234BiGgg")
        .env("CRMCTL_VALUE", "3MVG9clientid");
    let out = crate::support::run_with_stdin(sh, "");
    out.assert_code(0);
    assert!(out.stdout.contains("30 characters"), "{}", out.stdout);
    // The key the README shows is the test key: both strings it printed decrypt. Off a
    // terminal they are printed without a newline: 44 characters (28 bytes in), then 24.
    let c = crate::support::test_cipher();
    let strings = out.stdout.lines().nth(1).expect("encrypted strings");
    assert_eq!(strings.len(), 44 + 24, "{}", out.stdout);
    let printed = [&strings[..44], &strings[44..]];
    let plain = |s: &str| {
        secrecy::ExposeSecret::expose_secret(&c.decrypt_base64(s).expect("decrypts")).to_string()
    };
    assert_eq!(plain(printed[0]), "TypicalPasswordpR8uI234BiGgg");
    assert_eq!(plain(printed[1]), "3MVG9clientid");
    // The "Key profiles" section shows the same key.
    let profiles = readme_block("## Key profiles", "yaml");
    for hex in [crate::support::KEY_HEX, crate::support::IV_HEX] {
        assert!(
            script.contains(hex) && profiles.contains(hex),
            "quick start and Key profiles show different keys"
        );
    }
}

/// Nothing the user gets points at a file that is not shipped: man pages name only
/// pages that exist, help and README name no design notes, README links resolve.
#[test]
fn no_help_man_page_or_readme_link_points_at_a_missing_file() {
    let root = repo_root();
    for entry in std::fs::read_dir(root.join("man")).expect("man") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("page");
        for part in text.split("crmctl\\-").skip(1) {
            let Some((name, _)) = part.split_once("(1)") else {
                continue;
            };
            if name.contains(char::is_whitespace) {
                continue;
            }
            let page = format!("crmctl-{}.1", name.replace("\\-", "-"));
            assert!(
                root.join("man").join(&page).exists(),
                "{} refers to {page}, which is not generated",
                path.display()
            );
        }
    }
    let sb = Sandbox::new();
    let mut cmd = crmctl::cli::command();
    cmd.build();
    let mut names: Vec<Vec<String>> = vec![vec![]];
    for s in cmd.get_subcommands() {
        names.push(vec![s.get_name().to_string()]);
        for t in s.get_subcommands() {
            names.push(vec![s.get_name().to_string(), t.get_name().to_string()]);
        }
    }
    for words in names {
        let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
        args.push("--help");
        let out = sb.run(&args, &[], "");
        for file in ["salesforce-api.md", "ARCHITECTURE.md", "emulator/README.md"] {
            assert!(!out.stdout.contains(file), "{args:?} cites {file}");
        }
    }
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    for file in ["salesforce-api.md", "ARCHITECTURE.md"] {
        assert!(
            !readme.contains(file),
            "README cites {file}, which is not shipped"
        );
    }
    for part in readme.split("](").skip(1) {
        let target = part.split(')').next().unwrap_or("");
        if target.starts_with("http") || target.starts_with('#') {
            continue;
        }
        assert!(
            root.join(target).exists(),
            "README links to missing {target}"
        );
    }
}
