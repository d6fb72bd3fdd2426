//! The untrusted-text seam (issue 16 item 5): org text reaches output only as an
//! org span (`output::Detail`) or an `OrgText` that the printer, the JSON writer,
//! the CSV writer and the CI formats escape. A source scan keeps the raw accessors
//! where they belong; a hostile org shows a bidi override and an escape sequence
//! escaped in every format.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::hostile::run;
use crate::hostile_server::{Server, respond, token_ok};
use crate::support::{Run, Sandbox, repo_root};

/// The raw accessors and where each may be used (file, at most this many uses).
/// `as_untrusted_str` is private to `src/output/` (the compiler enforces it); the
/// others hand out the raw text for a stated purpose, never for output. A new use
/// must be added here on purpose, and `to_legacy_string` (a sink that still holds a
/// `String` and escapes it itself) should only ever shrink.
const ALLOWED: &[(&str, &[(&str, usize)])] = &[
    (
        "as_untrusted_str",
        &[("src/output/span.rs", 1), ("src/output/untrusted.rs", 1)],
    ),
    // Sent back to the org: record ids, SOQL/SOSL values, describe field names,
    // the session's instance URL.
    (
        "for_org_request",
        &[
            ("src/output/untrusted.rs", 1),
            ("src/salesforce/api.rs", 2),
            ("src/salesforce/auth.rs", 1),
            ("src/screenpop/lookup.rs", 1),
            ("src/screenpop/calllog.rs", 4),
            ("src/screenpop/batch/mod.rs", 1),
        ],
    ),
    // Matched inside crmctl: the batch engine's phone digits, e-mail keys and Ids.
    (
        "for_matching",
        &[
            ("src/output/untrusted.rs", 1),
            ("src/screenpop/batch/mod.rs", 5),
            ("examples/bench_scale.rs", 1),
            ("tests/it/index.rs", 1),
        ],
    ),
    // Sinks that still hold a String and escape it where they show it: a probe row,
    // `-v` trace lines, and validate-settings' login problems.
    (
        "to_legacy_string",
        &[
            ("src/output/span.rs", 1),
            ("src/ops/probe.rs", 1),
            ("src/salesforce/http/mod.rs", 1),
            ("src/salesforce/http/warm.rs", 3),
            // validate-settings' LoginCheck.problems (its findings carry spans).
            ("src/commands/validate_settings/login.rs", 1),
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Uses of `.name(` or `::name` in code (comments and doc comments skipped).
fn uses(text: &str, name: &str) -> usize {
    text.lines()
        .map(str::trim_start)
        .filter(|l| !l.starts_with("//"))
        .map(|l| l.matches(&format!(".{name}")).count() + l.matches(&format!("::{name}")).count())
        .sum()
}

#[test]
fn raw_org_text_accessors_are_used_only_where_listed() {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in ["src", "examples", "tests", "emulator/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    let me = root.join("tests/it/untrusted.rs");
    let mut wrong = Vec::new();
    for f in files.iter().filter(|f| **f != me) {
        let text = std::fs::read_to_string(f).expect("read source");
        let rel = f
            .strip_prefix(root)
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        for (name, allowed) in ALLOWED {
            let n = uses(&text, name);
            let max = allowed
                .iter()
                .find(|(file, _)| *file == rel)
                .map_or(0, |(_, m)| *m);
            if n > max {
                wrong.push(format!("{rel}: {n} use(s) of {name}, {max} allowed"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "org text must reach output as a span (`detail![..]`) or through the printer; \
         compare with OrgText's methods. Raw accessors used outside their list \
         (tests/it/untrusted.rs ALLOWED):\n{}",
        wrong.join("\n")
    );
}

/// The scan sees what it is meant to (a use in code counts, a comment does not).
#[test]
fn the_scan_counts_code_not_comments() {
    let text = "// x.for_matching()\nlet a = b.for_matching();\nc.map(OrgText::for_matching)\n";
    assert_eq!(uses(text, "for_matching"), 2);
}

/// A right-to-left override (which makes `gnp.exe` read as `exe.png`) and an
/// escape sequence that would colour the terminal red.
const BIDI: &str = "bad\u{202e}gnp.exe\u{1b}[31m";

#[track_caller]
fn assert_escaped(what: &str, text: &str) {
    assert!(
        !text.contains('\u{202e}') && !text.contains('\u{1b}'),
        "{what}: raw bidi or escape:\n{text}"
    );
}

/// An org that logs in and answers every data call with an API error quoting
/// [`BIDI`] in its message.
fn failing_org() -> Server {
    Server::start(|req, w, base| {
        if req.method == "POST" && req.path.contains("/oauth2/token") {
            return respond(w, 200, &[], &token_ok(base));
        }
        let body = serde_json::json!([{"errorCode": "INVALID_FIELD", "message": BIDI}]);
        respond(w, 400, &[], &body.to_string())
    })
}

/// An org that refuses the login with [`BIDI`] as the error description.
fn refusing_org() -> Server {
    Server::start(|_, w, _| {
        let body = serde_json::json!({"error": "invalid_grant", "error_description": BIDI});
        respond(w, 400, &[], &body.to_string())
    })
}

fn assert_json_keeps_it_as_escapes(what: &str, out: &Run, text: impl Fn(&Value) -> Option<String>) {
    assert_escaped(what, &out.stdout);
    assert!(
        out.stdout.contains("\\u202e") && out.stdout.contains("\\u001b"),
        "{what}: the JSON writer escapes them:\n{}",
        out.stdout
    );
    let doc = out.json();
    assert!(
        text(&doc).is_some_and(|t| t.contains(BIDI)),
        "{what}: JSON keeps the org's text exactly: {doc}"
    );
}

#[test]
fn an_org_error_message_is_escaped_in_text_json_and_csv() {
    let org = failing_org();
    let sb = Sandbox::new();

    let out = run(&sb, &org.url, &["lookup", "--email", "jane@example.com"]);
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert_escaped("text", &out.stderr);
    assert!(
        out.stderr.contains("bad\\u{202e}gnp.exe\\x1b[31m"),
        "text shows the characters escaped:\n{}",
        out.stderr
    );

    let out = run(
        &sb,
        &org.url,
        &["lookup", "--json", "--email", "jane@example.com"],
    );
    assert_json_keeps_it_as_escapes("json", &out, |doc| {
        doc["error"]["message"].as_str().map(str::to_string)
    });

    let f = sb.write_private("in.txt", "jane@example.com\n");
    let out = run(
        &sb,
        &org.url,
        &[
            "lookup",
            "--media",
            "email",
            "--file",
            f.to_str().expect("utf8"),
            "--output",
            "csv",
        ],
    );
    assert_escaped("csv", &out.stdout);
    assert!(
        out.stdout.contains("bad\\u{202e}gnp.exe\\x1b[31m"),
        "the row's error message is in the CSV, escaped:\n{}{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn a_doctor_detail_quoting_the_org_is_escaped_in_text_json_and_junit() {
    let org = refusing_org();
    let sb = Sandbox::new();

    let out = run(&sb, &org.url, &["doctor"]);
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert_escaped("text", &out.stdout);
    assert_escaped("text", &out.stderr);
    assert!(
        out.stdout.contains("bad\\u{202e}gnp.exe\\x1b[31m"),
        "the login step's detail shows the characters escaped:\n{}",
        out.stdout
    );

    let out = run(&sb, &org.url, &["doctor", "--json"]);
    assert_json_keeps_it_as_escapes("json", &out, |doc| {
        doc["data"]["uccs"][0]["steps"]
            .as_array()?
            .iter()
            .find(|s| s["step"] == "login")?["detail"]
            .as_str()
            .map(str::to_string)
    });

    let out = run(&sb, &org.url, &["doctor", "--format", "junit"]);
    assert_escaped("junit", &out.stdout);
    assert!(
        out.stdout.contains("bad\\u{202e}gnp.exe\\x1b[31m"),
        "JUnit shows the characters as text output does:\n{}",
        out.stdout
    );
}

/// A line break in a settings file's name, or in an org's message, is shown as `\n`:
/// it never starts a line crmctl did not write (here a forged `ok: logged in`).
#[test]
fn a_line_break_in_a_name_never_starts_a_line_of_its_own() {
    let sb = Sandbox::new();
    sb.write_private(
        "forge.yaml",
        "uccs:\n  - name: \"helpdesk\\nok: logged in as ceo@contoso.com\"\n    settings:\n      - { setting: Username, scope: CrmService, value: \"a@b.example\" }\n",
    );
    let args = ["login", "--settings", "forge.yaml", "--ucc", "x"];
    let out = crate::snap::transcript(
        &sb,
        &args,
        &[],
        "",
        &[],
        snapbox::str![[r#"
$ crmctl login --settings forge.yaml --ucc x
? 3
--- stdout
--- stderr
error: no UCC named `x` in forge.yaml
hint: UCCs in the file: helpdesk\nok: logged in as ceo@contoso.com

"#]],
    );
    assert!(
        !out.stderr.lines().any(|l| l.starts_with("ok:")),
        "{}",
        out.stderr
    );
}
