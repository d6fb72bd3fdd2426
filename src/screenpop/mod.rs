//! The screen pop: what an agent sees for a caller's number, an e-mail address or
//! a case number. Query plans and result shaping; no printing, no HTTP.

pub mod batch;
pub mod bulk;
pub mod calllog;
pub mod index;
pub mod lookup;
pub mod phone;

use serde::Serialize;

use crate::output::OrgText;
use crate::salesforce::Record;

use crate::salesforce::escape::{TermError, soql_literal, sosl_phrase};

/// Fields read for each object; the phone fields are searched, the rest shown.
pub const ACCOUNT_FIELDS: &str = "Id, Name, Phone, Fax, Type, BillingCity";
pub const CONTACT_FIELDS: &str = "Id, Name, Phone, MobilePhone, HomePhone, OtherPhone, AssistantPhone, Email, Title, AccountId, Account.Name";
pub const LEAD_FIELDS: &str = "Id, Name, Phone, MobilePhone, Email, Company, Status";
pub const CASE_FIELDS: &str = "Id, CaseNumber, Subject, Status, Priority, IsClosed, CreatedDate, ContactId, Contact.Name, AccountId, Account.Name";
pub const MAX_OPEN_CASES: usize = 50;

/// The pop order of several matches: accounts, then contacts, then leads (the order of
/// `RETURNING`), each by record Id, ascending (oldest first: Ids grow as records are
/// created). Explicit (`ORDER BY` inside each object's `RETURNING` clause, SOSL Syntax,
/// <https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_sosl_returning.htm>)
/// rather than the org's relevance ranking, so that a number's records come in the same
/// order whether it is searched alone, in a batch with other numbers, or matched in a
/// local index (`lookup --file --index`).
pub const POP_ORDER: &str = "ORDER BY Id";

/// One SOSL search over the phone fields for every form of the number (or of many
/// numbers: the batch engine sends the forms of many rows in one search).
pub fn phone_search<S: AsRef<str>>(forms: &[S]) -> Result<String, TermError> {
    let terms: Result<Vec<String>, TermError> =
        forms.iter().map(|f| sosl_phrase(f.as_ref())).collect();
    Ok(format!(
        "FIND {{{}}} IN PHONE FIELDS RETURNING Account({ACCOUNT_FIELDS} {POP_ORDER}), Contact({CONTACT_FIELDS} {POP_ORDER}), Lead({LEAD_FIELDS} WHERE IsConverted = false {POP_ORDER})",
        terms?.join(" OR ")
    ))
}

/// Contacts and leads whose e-mail is the address.
pub fn email_search(address: &str) -> Result<String, TermError> {
    email_search_all(&[address])
}

/// Contacts and leads whose e-mail is one of the addresses (each trimmed).
pub fn email_search_all<S: AsRef<str>>(addresses: &[S]) -> Result<String, TermError> {
    let terms: Result<Vec<String>, TermError> = addresses
        .iter()
        .map(|a| sosl_phrase(a.as_ref().trim()))
        .collect();
    Ok(format!(
        "FIND {{{}}} IN EMAIL FIELDS RETURNING Contact({CONTACT_FIELDS} {POP_ORDER}), Lead({LEAD_FIELDS} WHERE IsConverted = false {POP_ORDER})",
        terms?.join(" OR ")
    ))
}

pub fn case_query(number: &str) -> String {
    format!(
        "SELECT {CASE_FIELDS} FROM Case WHERE CaseNumber = {} LIMIT 10",
        soql_literal(number.trim())
    )
}

/// One query for the open cases of all matched contacts and accounts.
pub fn open_cases_query(contact_ids: &[String], account_ids: &[String]) -> Option<String> {
    let list = |ids: &[String]| {
        ids.iter()
            .map(|i| soql_literal(i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !contact_ids.is_empty() {
        parts.push(format!("ContactId IN ({})", list(contact_ids)));
    }
    if !account_ids.is_empty() {
        parts.push(format!("AccountId IN ({})", list(account_ids)));
    }
    if parts.is_empty() {
        return None;
    }
    Some(format!(
        "SELECT {CASE_FIELDS} FROM Case WHERE IsClosed = false AND ({}) ORDER BY CreatedDate DESC LIMIT {MAX_OPEN_CASES}",
        parts.join(" OR ")
    ))
}

/// A record as the screen pop lists it. Every text is the org's ([`OrgText`]).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Match {
    pub object: OrgText,
    pub id: OrgText,
    pub name: OrgText,
    /// (field, value) of each filled-in phone field.
    pub phones: Vec<(&'static str, OrgText)>,
    pub email: Option<OrgText>,
    /// Account name for contacts and cases, company for leads.
    pub account_or_company: Option<OrgText>,
    pub account_id: Option<OrgText>,
    /// For cases: number, subject, status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseInfo>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseInfo {
    pub number: OrgText,
    pub subject: OrgText,
    pub status: OrgText,
    pub priority: OrgText,
    pub created: OrgText,
    pub contact_id: Option<OrgText>,
    pub contact_name: Option<OrgText>,
    pub account_id: Option<OrgText>,
    pub is_closed: bool,
}

/// Empty strings count as absent, as Salesforce shows them.
fn filled(v: &Option<OrgText>) -> Option<OrgText> {
    v.as_ref().filter(|t| !t.is_empty()).cloned()
}

pub fn case_info(r: &Record) -> CaseInfo {
    CaseInfo {
        number: filled(&r.case_number).unwrap_or_default(),
        subject: filled(&r.subject).unwrap_or_default(),
        status: filled(&r.status).unwrap_or_default(),
        priority: filled(&r.priority).unwrap_or_default(),
        created: filled(&r.created_date).unwrap_or_default(),
        contact_id: filled(&r.contact_id),
        contact_name: r.contact.as_ref().and_then(|c| filled(&c.name)),
        account_id: filled(&r.account_id),
        is_closed: r.is_closed.unwrap_or(false),
    }
}

/// Shapes one search or query record.
pub fn to_match(r: &Record) -> Match {
    let object = r.attributes.object.clone();
    let phones = [
        ("Phone", &r.phone),
        ("MobilePhone", &r.mobile_phone),
        ("HomePhone", &r.home_phone),
        ("OtherPhone", &r.other_phone),
        ("AssistantPhone", &r.assistant_phone),
        ("Fax", &r.fax),
    ]
    .into_iter()
    .filter_map(|(f, v)| filled(v).map(|v| (f, v)))
    .collect();
    let account_name = r.account.as_ref().and_then(|a| filled(&a.name));
    let (name, case) = if object == "Case" {
        let c = case_info(r);
        (
            OrgText::new(format!(
                "{} {}",
                c.number.as_untrusted_str(),
                c.subject.as_untrusted_str()
            )),
            Some(c),
        )
    } else {
        (filled(&r.name).unwrap_or_default(), None)
    };
    Match {
        id: filled(&r.id).unwrap_or_default(),
        name,
        phones,
        email: filled(&r.email),
        account_or_company: if object == "Lead" {
            filled(&r.company)
        } else {
            account_name
        },
        account_id: if object == "Account" {
            filled(&r.id)
        } else {
            filled(&r.account_id)
        },
        case,
        object,
    }
}

/// The open cases of the popped record: by contact for a contact, by account for an account.
pub fn cases_of(popped: &Match, cases: &[CaseInfo]) -> Vec<CaseInfo> {
    cases
        .iter()
        .filter(|c| match popped.object.as_untrusted_str() {
            "Contact" => c.contact_id.as_ref() == Some(&popped.id),
            "Account" => c.account_id.as_ref() == Some(&popped.id),
            _ => false,
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_escape_every_value() {
        let q = phone_search(&["31201234567", "0201234567"]).expect("ok");
        assert!(
            q.starts_with(
                r#"FIND {"31201234567" OR "0201234567"} IN PHONE FIELDS RETURNING Account("#
            ),
            "{q}"
        );
        let q = email_search("noor+vip@example.be").expect("ok");
        assert!(
            q.starts_with(r#"FIND {"noor\+vip@example.be"} IN EMAIL FIELDS"#),
            "{q}"
        );
        assert!(case_query("0000'1").contains(r"CaseNumber = '0000\'1'"));
        assert_eq!(open_cases_query(&[], &[]), None);
        let q = open_cases_query(&["003A".into()], &["001B".into()]).expect("query");
        assert!(
            q.contains("IsClosed = false AND (ContactId IN ('003A') OR AccountId IN ('001B'))"),
            "{q}"
        );
    }
}
