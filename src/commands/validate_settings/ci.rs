//! validate-settings as JUnit, SARIF or GitHub workflow commands: a suite per UCC, a
//! case per rule. The writing and escaping are `output::ci`'s.

use crate::output::ci::{self, Case, Format, Note, Outcome, RuleInfo, Suite};
use crate::settings::rules::{Finding, RULE_IDS, Severity, catalogue};

/// Rules that did not run, with why (`--probe`, `--login` not given).
pub(super) type NotRun = Vec<(&'static str, &'static str)>;

fn suites(uccs: &[(String, String)], findings: &[Finding], not_run: &NotRun) -> Vec<Suite> {
    let mut seen = std::collections::BTreeSet::new();
    uccs.iter()
        .filter(|(name, _)| seen.insert(name.clone()))
        .map(|(name, file)| Suite {
            name: name.clone(),
            file: Some(file.clone()),
            cases: RULE_IDS
                .iter()
                .map(|id| {
                    let notes: Vec<Note> = findings
                        .iter()
                        .filter(|f| &f.ucc == name && f.rule == *id)
                        .map(|f| Note {
                            error: f.severity == Severity::Error,
                            message: crate::detail![
                                f.setting
                                    .as_ref()
                                    .map(|s| format!("{s}: "))
                                    .unwrap_or_default(),
                                f.message.clone(),
                                " (hint: ",
                                f.hint.clone(),
                                ")"
                            ],
                            file: Some(f.file.clone()),
                            line: Some(f.line),
                        })
                        .collect();
                    let skipped = not_run.iter().find(|(r, _)| r == id);
                    let outcome = if notes.iter().any(|n| n.error) {
                        Outcome::Fail
                    } else if !notes.is_empty() {
                        Outcome::Warn
                    } else if skipped.is_some() {
                        Outcome::Skip
                    } else {
                        Outcome::Pass
                    };
                    Case {
                        id: id.to_string(),
                        outcome,
                        detail: skipped
                            .map(|(_, why)| why.to_string())
                            .unwrap_or_default()
                            .into(),
                        notes,
                    }
                })
                .collect(),
        })
        .collect()
}

fn rules() -> Vec<RuleInfo> {
    RULE_IDS
        .iter()
        .map(|id| {
            let (short, help) = catalogue::describe(id);
            RuleInfo { id, short, help }
        })
        .collect()
}

/// The document for a CI format; `None` for text and json.
pub(super) fn render(
    format: Format,
    uccs: &[(String, String)],
    findings: &[Finding],
    not_run: &NotRun,
) -> Option<String> {
    let suites = suites(uccs, findings, not_run);
    match format {
        Format::Junit => Some(ci::junit("crmctl validate-settings", &suites)),
        Format::Sarif => Some(ci::sarif(
            "crmctl",
            env!("CARGO_PKG_VERSION"),
            &rules(),
            &suites,
        )),
        Format::Github => Some(ci::github(&suites)),
        Format::Text | Format::Json => None,
    }
}
