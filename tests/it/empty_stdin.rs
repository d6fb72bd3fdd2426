//! An empty stdin where a command reads its input there is local input (3) in every
//! command, with one message shape: `error: stdin is empty: expected ...`.

use crate::support::Sandbox;

#[test]
fn an_empty_stdin_is_local_input_with_one_message_shape() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let k = k.to_str().expect("utf8");
    let cases: [(&[&str], &str); 7] = [
        (
            &["decrypt", "--stdin"],
            "the encrypted string on the first line",
        ),
        (
            &["decrypt", "--check", "--stdin"],
            "the encrypted string on the first line",
        ),
        (&["encrypt", "--stdin"], "the password on the first line"),
        (
            &["encrypt", "--value", "--stdin"],
            "the value on the first line",
        ),
        (
            &["validate-settings", "-"],
            "`uccs:` and a list of UCCs (YAML)",
        ),
        (
            &["login", "--stdin", "--username", "a@b.example"],
            "the Salesforce password on the first line",
        ),
        (&["lookup", "--file", "-"], "values to look up, one a line"),
    ];
    for (args, expected) in cases {
        for stdin in ["", "  \n"] {
            if !stdin.is_empty() && matches!(args[0], "encrypt" | "login") {
                continue; // a blank line is a value, with its own warning
            }
            let mut a = vec!["--key-file", k];
            a.extend_from_slice(args);
            let out = sb.run(&a, &[], stdin);
            assert_eq!(out.code, 3, "{args:?} {stdin:?}: {}", out.stderr);
            let first = out.stderr.lines().next().unwrap_or("");
            assert_eq!(
                first,
                format!("error: stdin is empty: expected {expected}"),
                "{args:?}"
            );
            // Under --json the same code and kind.
            let mut a = vec!["--json", "--key-file", k];
            a.extend_from_slice(args);
            let doc = sb.run(&a, &[], stdin).json();
            assert_eq!(doc["exit_code"], 3, "{doc}");
            assert_eq!(doc["error"]["kind"], "input", "{doc}");
        }
    }
}
