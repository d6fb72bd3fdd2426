//! doctor as JUnit, SARIF or GitHub workflow commands: a suite per UCC (or the org of
//! the login flags), a case per step. The writing and escaping are `output::ci`'s.

use crate::doctor::{Status, UccResult};
use crate::output::ci::{self, Case, Format, Note, Outcome, RuleInfo, Suite};

/// The steps, in the order doctor runs them, as SARIF rules.
const STEPS: &[(&str, &str)] = &[
    (
        crate::doctor::SETTINGS,
        "The UCC's settings pass validate-settings",
    ),
    (
        crate::doctor::SECRETS,
        "Password, ClientId and ClientSecret decrypt under the key profile",
    ),
    (
        crate::doctor::ENDPOINTS,
        "The CRM settings endpoint and CrmServiceUrl answer",
    ),
    (
        crate::doctor::LOGIN,
        "The credentials log in as the CRM Service would",
    ),
    (
        crate::doctor::API_VERSION,
        "The org serves the API version of ApiEndPoint",
    ),
    (
        crate::doctor::SCREEN_POP_FIELDS,
        "The screen pop's objects and fields are readable",
    ),
    (
        crate::doctor::CALL_LOG_FIELDS,
        "A Task can be created with the call-log fields",
    ),
    (
        crate::doctor::SCREEN_POP,
        "Each --ani, --email and --case finds what an agent would see",
    ),
    (
        crate::doctor::LOG_TEST,
        "A call-log Task is created, read back and deleted",
    ),
    (
        crate::doctor::FLOW_READINESS,
        "Ready for 2027: the password flow, client credentials and JWT for the UCC's app",
    ),
];

fn suites(results: &[UccResult]) -> Vec<Suite> {
    results
        .iter()
        .map(|r| Suite {
            name: r
                .ucc
                .clone()
                .unwrap_or_else(|| "the org of the login flags".into()),
            file: r.file.clone(),
            cases: r
                .steps
                .iter()
                .map(|st| {
                    let mut message = st.detail.clone();
                    if let Some(h) = st.hint() {
                        message.push(" (hint: ");
                        message.push(h);
                        message.push(")");
                    }
                    let note = |error: bool| Note {
                        error,
                        message: message.clone(),
                        file: r.file.clone(),
                        line: None,
                    };
                    let (outcome, notes) = match st.status {
                        Status::Ok => (Outcome::Pass, Vec::new()),
                        Status::Warn => (Outcome::Warn, vec![note(false)]),
                        Status::Fail => (Outcome::Fail, vec![note(true)]),
                        Status::Skip => (Outcome::Skip, Vec::new()),
                    };
                    Case {
                        id: st.step.to_string(),
                        outcome,
                        detail: st.detail.clone(),
                        notes,
                    }
                })
                .collect(),
        })
        .collect()
}

/// The document for a CI format; `None` for text and json.
pub(super) fn render(format: Format, results: &[UccResult]) -> Option<String> {
    let suites = suites(results);
    match format {
        Format::Junit => Some(ci::junit("crmctl doctor", &suites)),
        Format::Sarif => {
            let rules: Vec<RuleInfo> = STEPS
                .iter()
                .map(|(id, short)| RuleInfo {
                    id,
                    short,
                    help: "see `crmctl doctor --help` for what the step checks",
                })
                .collect();
            Some(ci::sarif(
                "crmctl",
                env!("CARGO_PKG_VERSION"),
                &rules,
                &suites,
            ))
        }
        Format::Github => Some(ci::github(&suites)),
        Format::Text | Format::Json => None,
    }
}
