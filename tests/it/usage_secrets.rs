//! A secret typed on the command line is refused (exit 2) without being repeated:
//! not on stderr (CI logs keep it), not in the `--json` document, and the error says
//! where secrets go instead of suggesting another flag to put it in.

use crate::support::Sandbox;

const SECRET: &str = "hunter2-Sekr1t";

#[test]
fn a_secret_on_the_command_line_is_refused_and_not_repeated() {
    let sb = Sandbox::new();
    let cases: &[&[&str]] = &[
        &["encrypt", SECRET],
        &["encrypt", "--value", SECRET],
        &["encrypt", "--password", SECRET],
        &["encrypt", &format!("--password={SECRET}")],
        &["login", "--password", SECRET],
        &["login", "--client-secret", SECRET],
        &["login", "--token", SECRET],
        &["lookup", "+31201234567", "--security-token", SECRET],
        &["settings", "init", "--client-secret", SECRET],
        &["rekey", "--passphrase", SECRET],
    ];
    for args in cases {
        for json in [false, true] {
            let mut a: Vec<&str> = if json { vec!["--json"] } else { vec![] };
            a.extend_from_slice(args);
            let out = sb.run(&a, &[], "");
            out.assert_code(2);
            for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                assert!(
                    !text.contains(SECRET),
                    "{a:?}: the secret is repeated on {stream}:\n{text}"
                );
            }
            let said = if json {
                out.json()["error"]["hints"].to_string()
            } else {
                out.stderr.clone()
            };
            assert!(
                said.contains("never taken as an argument"),
                "{a:?}: no word on where secrets go:\n{said}"
            );
            assert!(
                !out.stderr.contains("a similar argument exists"),
                "{a:?}: suggests another flag for the secret:\n{}",
                out.stderr
            );
        }
    }
}

#[test]
fn other_unknown_arguments_keep_clap_s_message() {
    let sb = Sandbox::new();
    let out = sb.run(&["lookup", "+31201234567", "extra"], &[], "");
    out.assert_code(2);
    assert!(out.stderr.contains("'extra'"), "{}", out.stderr);
    assert!(!out.stderr.contains("never taken"), "{}", out.stderr);
    let out = sb.run(&["login", "--usernam", "x"], &[], "");
    out.assert_code(2);
    assert!(out.stderr.contains("--username"), "{}", out.stderr);
}
