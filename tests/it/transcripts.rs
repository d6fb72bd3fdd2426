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
/// unknown, as any unknown command is (exit 2).
#[cfg(not(feature = "emulator"))]
#[test]
fn slim_build_has_no_emulator_commands() {
    let sb = crate::support::Sandbox::new();
    let help = sb.run(&["--help"], &[], "");
    help.assert_code(0);
    assert!(!help.stdout.contains("emulate"), "{}", help.stdout);
    assert!(!help.stdout.contains("demo"), "{}", help.stdout);
    for cmd in ["emulate", "demo"] {
        sb.run(&[cmd], &[], "").assert_code(2);
    }
}
