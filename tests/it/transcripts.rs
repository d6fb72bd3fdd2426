//! Transcripts: every subcommand's `--help` and the main usage errors, as trycmd
//! cases in `tests/cmd/` (one `.toml` per case, its `.stdout`/`.stderr` beside it).
//! After a deliberate change of help text, rewrite them with
//! `TRYCMD=overwrite cargo test --test it transcripts` and read the diff.

#[test]
fn help_and_usage_transcripts() {
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("crmctl", std::path::Path::new(env!("CARGO_BIN_EXE_crmctl")))
        .case("tests/cmd/*.toml");
    if !cfg!(feature = "emulator") {
        // The build without the emulated org has no `emulate` or `demo`, so the
        // command lists differ; `slim_build_has_no_emulator_commands` covers it.
        for listing in [
            "tests/cmd/help.toml",
            "tests/cmd/short-help.toml",
            "tests/cmd/usage-no-command.toml",
            "tests/cmd/emulate-help.toml",
            "tests/cmd/demo-help.toml",
        ] {
            cases.skip(listing);
        }
    }
}

/// `cargo build --no-default-features` leaves the emulated org out: its commands are
/// not listed, and typing one is a usage error (2) that says this build has no
/// emulated org and where to get one, under `--json` with the command's name.
#[cfg(not(feature = "emulator"))]
#[test]
fn slim_build_has_no_emulator_commands() {
    let sb = crate::support::Sandbox::new();
    let help = sb.run(&["--help"], &[], "");
    help.assert_code(0);
    assert!(!help.stdout.contains("emulate"), "{}", help.stdout);
    assert!(!help.stdout.contains("demo"), "{}", help.stdout);
    for cmd in ["emulate", "demo"] {
        for args in [&[cmd][..], &[cmd, "--help"], &[cmd, "--port", "0"]] {
            let out = sb.run(args, &[], "");
            out.assert_code(2);
            assert!(
                out.stderr.contains(&format!(
                    "this crmctl was built without the emulated org (the `emulator` feature), so it has no `{cmd}` command"
                )) && out.stderr.contains("Building without the emulator"),
                "{args:?}: {}",
                out.stderr
            );
        }
        let doc = sb.run(&["--json", cmd], &[], "").json();
        assert_eq!(doc["command"], cmd, "{doc}");
        assert_eq!(doc["exit_code"], 2, "{doc}");
        assert_eq!(doc["error"]["kind"], "usage", "{doc}");
    }
}

/// The slim build's hints never point at `crmctl emulate`, which it does not have.
#[cfg(not(feature = "emulator"))]
#[test]
fn slim_build_hints_do_not_name_emulate() {
    let sb = crate::support::Sandbox::new();
    let f = sb.write_private(
        "e.yaml",
        "uccs: [{name: a, settings: [{setting: LoginEndPoint, value: 'http://127.0.0.1:8080/services/oauth2/token'}, {setting: ApplicationHost, value: 'https://eu6.salesforce.com/'}]}]\n",
    );
    let out = sb.run(
        &["validate-settings", "--json", f.to_str().expect("utf8")],
        &[],
        "",
    );
    let hints: Vec<String> = out.json()["data"]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["hint"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(hints.iter().any(|h| h.contains("test org")), "{hints:?}");
    for h in hints.iter().filter(|h| h.contains("crmctl emulate")) {
        assert!(h.contains("default build"), "{h}");
    }
}
