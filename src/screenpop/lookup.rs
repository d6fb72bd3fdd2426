//! One screen-pop lookup: what is searched, and the HTTP round trips that answer it.

use crate::salesforce::{CallInfo, Client, Session, SfError};

use super::{CaseInfo, Match, phone};

/// What a value means, checked locally before any traffic.
#[derive(Debug, Clone)]
pub enum Plan {
    Phone {
        input: String,
        forms: phone::PhoneForms,
        sosl: String,
    },
    Email {
        address: String,
        sosl: String,
    },
    Case {
        number: String,
        soql: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Phone,
    Email,
    Case,
}

/// Why a value cannot be looked up (a usage problem, found without the network).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    pub message: String,
    pub needs_region: bool,
}

pub fn plan(kind: Kind, value: &str, region: Option<&str>) -> Result<Plan, PlanError> {
    let err = |message: String| PlanError {
        message,
        needs_region: false,
    };
    match kind {
        Kind::Email => {
            let sosl = super::email_search(value)
                .map_err(|e| err(format!("cannot look up this e-mail address: {e}")))?;
            Ok(Plan::Email {
                address: value.trim().to_string(),
                sosl,
            })
        }
        Kind::Case => {
            if value.trim().is_empty() {
                return Err(err("the case number is empty".into()));
            }
            Ok(Plan::Case {
                soql: super::case_query(value),
                number: value.trim().to_string(),
            })
        }
        Kind::Phone => {
            let forms = phone::forms(value, region).map_err(|e| PlanError {
                needs_region: e == phone::PhoneError::NeedsRegion,
                message: format!("cannot read `{value}` as a phone number: {e}"),
            })?;
            let sosl = super::phone_search(&forms.forms)
                .map_err(|e| err(format!("cannot look up this number: {e}")))?;
            Ok(Plan::Phone {
                input: value.to_string(),
                forms,
                sosl,
            })
        }
    }
}

impl Plan {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Plan::Phone { .. } => "number",
            Plan::Email { .. } => "e-mail",
            Plan::Case { .. } => "case",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            Plan::Phone { input, .. } => input,
            Plan::Email { address, .. } => address,
            Plan::Case { number, .. } => number,
        }
    }

    pub fn searched(&self) -> Vec<String> {
        match self {
            Plan::Phone { forms, .. } => forms.forms.clone(),
            _ => vec![self.value().to_string()],
        }
    }
}

/// One round trip of a lookup.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: &'static str,
    pub info: CallInfo,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub matches: Vec<Match>,
    pub open_cases: Vec<CaseInfo>,
    pub steps: Vec<Step>,
}

impl Outcome {
    pub fn api_usage(&self) -> Option<(u64, u64)> {
        self.steps.iter().rev().find_map(|s| s.info.api_usage)
    }
}

/// The search (or case query), then one query for the open cases of the matched
/// contacts and accounts: two round trips at most.
pub fn perform(
    client: &Client,
    session: &Session,
    version: &str,
    plan: &Plan,
) -> Result<Outcome, SfError> {
    let mut steps = Vec::new();
    let records = match plan {
        Plan::Phone { sosl, .. } | Plan::Email { sosl, .. } => {
            let (records, info) = client.search(session, version, sosl)?;
            steps.push(Step {
                name: "search",
                info,
            });
            records
        }
        Plan::Case { soql, .. } => {
            let (records, info) = client.query(session, version, soql)?;
            steps.push(Step { name: "case", info });
            records
        }
    };
    let matches: Vec<Match> = records.iter().map(super::to_match).collect();
    let ids = |object: &str| {
        matches
            .iter()
            .filter(|m| m.object == object)
            .map(|m| m.id.as_untrusted_str().to_string())
            .collect::<Vec<_>>()
    };
    let mut open_cases = Vec::new();
    if let Some(soql) = super::open_cases_query(&ids("Contact"), &ids("Account")) {
        let (records, info) = client.query(session, version, &soql)?;
        steps.push(Step {
            name: "cases",
            info,
        });
        open_cases = records.iter().map(super::case_info).collect();
    }
    Ok(Outcome {
        matches,
        open_cases,
        steps,
    })
}
