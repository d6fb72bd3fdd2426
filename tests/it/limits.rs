//! Values longer than any real one (a phone number past E.164, an e-mail address past
//! 254 characters, a case number past 30) are refused locally: a usage error (2) for
//! one lookup, an INVALID_INPUT row in `lookup --file`. No request is ever made for one.

use emulator::{Background, Config};
use serde_json::Value;

use crate::support::{Run, Sandbox};

fn lookup(sb: &Sandbox, emu: &Background, args: &[&str]) -> Run {
    let mut env = crate::support::demo_env(&emu.base_url);
    env.push(("CRMCTL_REGION", "NL".into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut a = vec!["lookup"];
    a.extend_from_slice(args);
    sb.run(&a, &env, "")
}

fn ones(n: usize) -> String {
    "1".repeat(n)
}

#[test]
fn an_oversized_value_is_a_usage_error_and_no_request() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let huge = format!("+{}", ones(100_000));
    let long_digits = format!("+{}", ones(21));
    let long_ext = format!("+31 20 123 4567 ext. {}", ones(21));
    let long_email = format!("{}@example.com", "a".repeat(250));
    let long_case = ones(31);
    let cases: [(&[&str], &str); 6] = [
        (&[&huge], "100001 characters is longer than any caller id"),
        (
            &[&ones(30_000)],
            "30000 characters is longer than any caller id",
        ),
        (&[&long_digits], "21 digits is longer than any phone number"),
        (&[&long_ext], "an extension of 21 digits is longer than any"),
        (&["--email", &long_email], "longer than any e-mail address"),
        (&["--case", &long_case], "a case number has at most 30"),
    ];
    for (args, want) in cases {
        let out = lookup(&sb, &emu, args);
        out.assert_code(2);
        assert!(out.stderr.contains(want), "{want}: {}", out.stderr);
        // The value is quoted cut short, not echoed whole.
        assert!(out.stderr.len() < 500, "{}", out.stderr.len());
    }
    assert_eq!(
        emu.stats().total,
        0,
        "no request for a value that cannot be one"
    );
    // The longest real values still go out.
    let out = lookup(&sb, &emu, &["+1 415 555 1212"]);
    assert!(matches!(out.code, 0 | 1), "{}", out.stderr);
}

#[test]
fn an_oversized_row_of_a_file_is_invalid_input_and_the_others_are_looked_up() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let text = format!(
        "+1 415 555 1212\n+{}\n+{}\n0049 30 1234567\n",
        ones(100_000),
        ones(25)
    );
    let f = sb.write_private("numbers.txt", &text);
    let out = lookup(&sb, &emu, &["--file", f.to_str().expect("utf8")]);
    out.assert_code(1);
    let rows: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap_or(""),
                r["error"]["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("several", ""),
            ("failed", "INVALID_INPUT"),
            ("failed", "INVALID_INPUT"),
            ("matched", "")
        ]
    );
    for r in &rows[1..3] {
        let message = r["error"]["message"].as_str().unwrap_or("");
        assert!(message.len() < 300, "{message}");
        assert!(message.contains("longer than any"), "{message}");
    }
}
