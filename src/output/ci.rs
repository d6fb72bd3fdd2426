//! Reports that CI systems read: JUnit XML, SARIF 2.1.0 and GitHub Actions workflow
//! commands. Commands build [`Suite`]s (one per UCC, one [`Case`] per rule or step);
//! this module alone writes and escapes them, so text from a settings file or an org
//! never reaches a CI log or an XML parser unescaped.
//!
//! References: JUnit XML as Jenkins, GitLab and GitHub test reporters read it (the
//! Ant schema: testsuites/testsuite/testcase with failure, skipped, system-out);
//! SARIF 2.1.0 (OASIS Standard, <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>);
//! GitHub workflow commands (<https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions>)
//! and their escaping (`%`, CR, LF in messages; also `:` and `,` in properties), as the
//! runner's own `escapeData`/`escapeProperty` do.

use serde_json::{Value, json};

use super::Detail;

/// The output formats of checking commands (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings for people
    Text,
    /// The JSON envelope (the same as --json)
    Json,
    /// JUnit XML: a testsuite per UCC, a testcase per rule or step
    Junit,
    /// SARIF 2.1.0, for code-scanning dashboards
    Sarif,
    /// GitHub Actions workflow commands (::error/::warning annotations)
    Github,
}

impl Format {
    /// The format a report renders in: `--format`, or json under `--json`. A format
    /// other than json together with `--json` is a usage error.
    pub fn resolve(format: Option<Format>, json: bool) -> Result<Format, crate::error::CliError> {
        match (format, json) {
            (None, true) | (Some(Format::Json), _) => Ok(Format::Json),
            (Some(f), true) => Err(crate::error::CliError::usage(format!(
                "--json and --format {} ask for two formats",
                f.name()
            ))
            .with_hint("--json is --format json; give one of them")),
            (Some(f), false) => Ok(f),
            (None, false) => Ok(Format::Text),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }
}

/// What a rule or step came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// Passed, with warnings recorded.
    Warn,
    Fail,
    Skip,
}

/// One finding (or step result) with where it points.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub error: bool,
    /// Spans: org text and settings names are escaped here, for each format.
    pub message: Detail,
    pub file: Option<String>,
    pub line: Option<usize>,
}

/// One rule or step of one UCC.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Rule id or step name.
    pub id: String,
    pub outcome: Outcome,
    /// Why it was skipped, or a one-line detail of a passed step.
    pub detail: Detail,
    pub notes: Vec<Note>,
}

/// One UCC (or the org of the login flags).
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    pub name: String,
    pub file: Option<String>,
    pub cases: Vec<Case>,
}

/// A rule of the catalogue, for SARIF's `tool.driver.rules`.
pub struct RuleInfo {
    pub id: &'static str,
    pub short: &'static str,
    pub help: &'static str,
}

/// Control characters and what [`crate::output::sanitize::is_deceptive`] names (bidi
/// controls, zero-width and invisible characters: the same predicate as text output)
/// made visible (as `\u{1b}`): no format below may carry them raw (XML 1.0 forbids
/// most C0 characters even escaped). A line break is kept: by the time text reaches
/// here, the only line breaks left are crmctl's own (notes one a line), since what
/// the org or a settings file wrote went through [`one_line`] or
/// [`Detail::escaped_line`] first.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push(c),
            c if c.is_control() || crate::output::sanitize::is_deceptive(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// A file name: [`visible`], with a line break made visible too. Backslashes stay
/// single (a Windows path must still name its file).
fn path_text(path: &str) -> String {
    visible(&path.replace('\n', "\\u{a}"))
}

/// A name from a settings file (a UCC, a rule id) or a message as one line,
/// escaped as text output escapes it (`\x1b`, `\r`, `\n`, `\u{202e}`), so the
/// same value reads the same in every format.
fn one_line(text: &str) -> String {
    crate::output::sanitize::for_terminal(text)
}

/// XML text and attribute escaping (after [`visible`]).
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// A workflow command's message (GitHub's `escapeData`).
pub fn gh_data(text: &str) -> String {
    visible(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value (GitHub's `escapeProperty`).
pub fn gh_property(text: &str) -> String {
    gh_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn counts(suite: &Suite) -> (usize, usize, usize) {
    let n = |o: Outcome| suite.cases.iter().filter(|c| c.outcome == o).count();
    (suite.cases.len(), n(Outcome::Fail), n(Outcome::Skip))
}

fn note_line(n: &Note) -> String {
    let at = match (&n.file, n.line) {
        (Some(f), Some(l)) => format!("{f}:{l}: "),
        (Some(f), None) => format!("{f}: "),
        _ => String::new(),
    };
    format!(
        "{}: {at}{}",
        if n.error { "error" } else { "warning" },
        n.message.escaped_line()
    )
}

/// JUnit XML: `<testsuites>` of one `<testsuite>` per suite, one `<testcase>` per case;
/// `<failure>` for errors, warnings in `<system-out>` (they do not fail), `<skipped>`.
pub fn junit(tool: &str, suites: &[Suite]) -> String {
    let total: (usize, usize, usize) = suites
        .iter()
        .map(counts)
        .fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
        xml(tool),
        total.0,
        total.1,
        total.2
    ));
    for s in suites {
        let (tests, failures, skipped) = counts(s);
        x.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\"",
            xml(&one_line(&s.name))
        ));
        if let Some(f) = &s.file {
            x.push_str(&format!(" file=\"{}\"", xml(&path_text(f))));
        }
        x.push_str(">\n");
        for c in &s.cases {
            x.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\"",
                xml(&one_line(&c.id)),
                xml(&format!("{tool}.{}", one_line(&s.name)))
            ));
            if let Some(n) = c.notes.first() {
                if let Some(f) = &n.file {
                    x.push_str(&format!(" file=\"{}\"", xml(&path_text(f))));
                }
                if let Some(l) = n.line {
                    x.push_str(&format!(" line=\"{l}\""));
                }
            }
            let lines: Vec<String> = c.notes.iter().map(note_line).collect();
            match c.outcome {
                Outcome::Pass if lines.is_empty() => x.push_str("/>\n"),
                Outcome::Pass | Outcome::Warn => x.push_str(&format!(
                    ">\n      <system-out>{}</system-out>\n    </testcase>\n",
                    xml(&if lines.is_empty() {
                        c.detail.escaped_line()
                    } else {
                        lines.join("\n")
                    })
                )),
                Outcome::Skip => x.push_str(&format!(
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    xml(&c.detail.escaped_line())
                )),
                Outcome::Fail => {
                    let first = c
                        .notes
                        .iter()
                        .find(|n| n.error)
                        .map(|n| n.message.escaped_line())
                        .unwrap_or_else(|| c.detail.escaped_line());
                    x.push_str(&format!(
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                        xml(&first),
                        xml(&c.id),
                        xml(&if lines.is_empty() { c.detail.escaped_line() } else { lines.join("\n") })
                    ));
                }
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

/// A file name as a relative URI reference (SARIF `artifactLocation.uri`): forward
/// slashes, everything but unreserved characters and `/` percent-encoded.
fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.strip_prefix("./").unwrap_or(&p);
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let enc = percent_encoding::utf8_percent_encode(p, SET).to_string();
    if p.starts_with('/') {
        format!("file://{enc}")
    } else {
        enc
    }
}

/// SARIF 2.1.0: one run, the rule catalogue as `tool.driver.rules`, one result per
/// error or warning with its file and line.
pub fn sarif(tool: &str, version: &str, rules: &[RuleInfo], suites: &[Suite]) -> String {
    let rule_json: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": visible(r.short)},
                "fullDescription": {"text": visible(r.short)},
                "help": {"text": visible(r.help)},
            })
        })
        .collect();
    let mut results = Vec::new();
    for s in suites {
        for c in &s.cases {
            for n in &c.notes {
                let mut r = json!({
                    "ruleId": c.id,
                    "level": if n.error { "error" } else { "warning" },
                    "message": {"text": visible(&format!("{}: {}", one_line(&s.name), n.message.escaped_line()))},
                });
                if let Some(i) = rules.iter().position(|x| x.id == c.id) {
                    r["ruleIndex"] = json!(i);
                }
                if let Some(f) = n.file.as_ref().or(s.file.as_ref()) {
                    let mut loc = json!({"artifactLocation": {"uri": uri(&path_text(f))}});
                    if let Some(l) = n.line.filter(|l| *l > 0) {
                        loc["region"] = json!({"startLine": l});
                    }
                    r["locations"] = json!([{"physicalLocation": loc}]);
                }
                results.push(r);
            }
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": tool,
                "version": version,
                "rules": rule_json,
            }},
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// GitHub Actions workflow commands: a `::group::` per suite, `::error` and
/// `::warning` with file, line and the rule as title, and a line per passed case.
pub fn github(suites: &[Suite]) -> String {
    let mut out = String::new();
    for s in suites {
        out.push_str(&format!("::group::{}\n", gh_data(&one_line(&s.name))));
        for c in &s.cases {
            if c.notes.is_empty() {
                let word = match c.outcome {
                    Outcome::Skip => "skipped",
                    Outcome::Fail => "failed",
                    _ => "ok",
                };
                out.push_str(&format!("{word}: {}\n", gh_data(&one_line(&c.id))));
                continue;
            }
            for n in &c.notes {
                let mut props = Vec::new();
                if let Some(f) = n.file.as_ref().or(s.file.as_ref()) {
                    props.push(format!("file={}", gh_property(&path_text(f))));
                }
                if let Some(l) = n.line.filter(|l| *l > 0) {
                    props.push(format!("line={l}"));
                }
                props.push(format!("title={}", gh_property(&c.id)));
                out.push_str(&format!(
                    "::{} {}::{}\n",
                    if n.error { "error" } else { "warning" },
                    props.join(","),
                    gh_data(&format!(
                        "{}: {}",
                        one_line(&s.name),
                        n.message.escaped_line()
                    ))
                ));
            }
        }
        out.push_str("::endgroup::\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping_follows_the_runner() {
        // A line break of crmctl's own layout is the runner's %0A; a carriage return
        // never is layout, so it is made visible.
        assert_eq!(gh_data("50% a\r\nb"), "50%25 a\\u{d}%0Ab");
        assert_eq!(gh_property("C:\\a,b.yaml"), "C%3A\\a%2Cb.yaml");
        assert_eq!(gh_data("x\u{1b}[2J\u{202e}"), "x\\u{1b}[2J\\u{202e}");
        assert_eq!(gh_data("a\u{200b}\u{feff}b"), "a\\u{200b}\\u{feff}b");
        assert_eq!(xml("a\u{2060}\u{e0041}"), "a\\u{2060}\\u{e0041}");
    }

    /// Org text and settings names with line breaks and escapes read the same in
    /// every format as in text output: `\r\n` and `\x1b` as visible text, never a
    /// raw or encoded control the consumer would turn back into one.
    #[test]
    fn org_line_breaks_and_escapes_read_as_in_text_output_in_every_format() {
        let org = crate::output::OrgText::new("a\r\nb\u{1b}[2J\u{202e}c");
        let suites = [Suite {
            name: "help\r\ndesk".into(),
            file: Some("e\n.yaml".into()),
            cases: vec![Case {
                id: "rule".into(),
                outcome: Outcome::Fail,
                detail: Detail::from("failed"),
                notes: vec![Note {
                    error: true,
                    message: crate::detail!["value ", &org],
                    file: Some("e\n.yaml".into()),
                    line: Some(3),
                }],
            }],
        }];
        let shown = "a\\r\\nb\\x1b[2J\\u{202e}c";
        for (format, doc) in [
            ("junit", junit("t", &suites)),
            // SARIF is JSON: its message text, as a consumer reads it.
            (
                "sarif",
                serde_json::from_str::<Value>(&sarif("t", "1", &[], &suites))
                    .expect("SARIF")["runs"][0]["results"][0]["message"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            ),
            ("github", github(&suites)),
        ] {
            assert!(doc.contains(shown), "{format}: {doc}");
            assert!(doc.contains("help\\r\\ndesk"), "{format}: {doc}");
            for bad in ["\r", "\u{1b}", "\u{202e}", "&#13;", "%0D", "\\r\n"] {
                assert!(!doc.contains(bad), "{format} holds {bad:?}: {doc}");
            }
        }
    }

    #[test]
    fn xml_escaping_leaves_no_markup_or_raw_controls() {
        assert_eq!(
            xml("<a href=\"x\">&'\u{7}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\u{7}"
        );
    }

    #[test]
    fn uris_are_relative_references_or_file_uris() {
        assert_eq!(uri("./eu/estate one.yaml"), "eu/estate%20one.yaml");
        assert_eq!(uri("/srv/a#b.yaml"), "file:///srv/a%23b.yaml");
    }
}
