//! Every user value goes through one SOSL and one SOQL escaping function. Arbitrary
//! strings, escaped by crmctl and parsed by the emulator's independent parsers,
//! must come back exactly: nothing more, nothing less.

use proptest::prelude::*;

use crmctl::salesforce::escape::{soql_literal, sosl_phrase};
use emulator::org::User;
use emulator::soql::{Cond, Literal, Op};
use emulator::sosl::{Ch, Expr};

fn sosl_round_trip(value: &str) -> Result<String, String> {
    let phrase = sosl_phrase(value).map_err(|e| e.to_string())?;
    let search = emulator::sosl::parse(
        &format!("FIND {{{phrase}}} IN ALL FIELDS RETURNING Contact(Id)"),
        &User::default(),
    )
    .map_err(|e| format!("{}: {}", e.code, e.message))?;
    match search.expr {
        Expr::Term {
            chars,
            phrase: true,
        } => chars
            .iter()
            .map(|c| match c {
                Ch::Lit(l) => Ok(*l),
                other => Err(format!("a wildcard slipped through: {other:?}")),
            })
            .collect(),
        other => Err(format!("not one phrase: {other:?}")),
    }
}

fn soql_round_trip(value: &str) -> Result<String, String> {
    let q = format!(
        "SELECT Id FROM Account WHERE Name = {} LIMIT 1",
        soql_literal(value)
    );
    let sel = emulator::soql::parse_query(&q, &User::default())
        .map_err(|e| format!("{}: {}", e.code, e.message))?;
    match sel.filter {
        Some(Cond::Cmp(_, Op::Eq, Literal::Str(s))) => Ok(s),
        other => Err(format!("not one comparison: {other:?}")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn sosl_terms_come_back_exactly(value in "\\PC{0,40}") {
        prop_assume!(value.chars().filter(|c| !c.is_whitespace()).count() >= 2);
        prop_assert_eq!(sosl_round_trip(&value), Ok(value.clone()));
    }

    #[test]
    fn sosl_terms_made_of_reserved_characters(value in "[?&|!{}\\[\\]()^~*:\\\\\"'+\\- a-z0-9@.]{2,30}") {
        prop_assume!(value.chars().filter(|c| !c.is_whitespace()).count() >= 2);
        prop_assert_eq!(sosl_round_trip(&value), Ok(value.clone()));
    }

    #[test]
    fn soql_literals_come_back_exactly(value in "\\PC{0,40}|[\\\\'\"%_\\n\\r\\t\\x08\\x0c]{0,20}") {
        prop_assert_eq!(soql_round_trip(&value), Ok(value.clone()));
    }
}

#[test]
fn injection_attempts_stay_inside_the_term() {
    for evil in [
        "x} RETURNING User(Id",
        "a\" OR \"b",
        "' OR Name != '",
        "\\' OR 1=1 --",
    ] {
        assert_eq!(sosl_round_trip(evil), Ok(evil.to_string()));
        assert_eq!(soql_round_trip(evil), Ok(evil.to_string()));
    }
    // One-character and empty terms are refused locally, as Salesforce would refuse them.
    assert!(sosl_phrase("a").is_err());
    assert!(sosl_phrase("   ").is_err());
}

/// Setting names, UCC names and values read from a settings file are shown
/// escaped in validate-settings' text and JSON output.
#[test]
fn settings_file_text_is_escaped_in_every_output() {
    let sb = crate::support::Sandbox::new();
    // Issue 18 item 23: zero-width, LRM/RLM/ALM, line separators, word joiner, BOM.
    let evil =
        "Evil\u{1b}[2J\u{9b}31m\u{7f}\u{202e}Na\u{200b}\u{200e}\u{61c}\u{2028}\u{2060}\u{feff}me";
    let f = sb.write_private(
        "list.csv",
        &format!("Title;Value;Scope\n{evil};x{evil};CrmService\nUsername;;CrmService\n"),
    );
    let file = f.to_str().expect("utf8");
    // Issue 20 item 5: the CI formats escape with the same predicate as text output.
    let formats: [&[&str]; 5] = [
        &[],
        &["--json"],
        &["--format", "junit"],
        &["--format", "sarif"],
        &["--format", "github"],
    ];
    for extra in formats {
        let mut args = vec!["validate-settings", "--ucc", "help\u{1b}[31mdesk", file];
        args.extend_from_slice(extra);
        let out = sb.run(&args, &[], "");
        for text in [&out.stdout, &out.stderr] {
            assert!(
                !text.chars().any(|c| (c.is_control() && c != '\n')
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                    || "\u{200b}\u{200e}\u{61c}\u{2028}\u{2060}\u{feff}".contains(c)),
                "raw control in {extra:?}:\n{text}"
            );
        }
        assert!(out.stdout.contains("Evil"), "{}", out.stdout);
    }
}
