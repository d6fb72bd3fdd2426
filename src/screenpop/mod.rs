//! The screen pop: what an agent sees for a caller's number, an e-mail address or
//! a case number. Query plans and result shaping; no printing, no HTTP.

pub mod batch;
pub mod bulk;
pub mod lookup;
pub mod phone;

use serde::Serialize;
use serde_json::Value;

use crate::salesforce::escape::{TermError, soql_literal, sosl_phrase};

/// Fields read for each object; the phone fields are searched, the rest shown.
pub const ACCOUNT_FIELDS: &str = "Id, Name, Phone, Fax, Type, BillingCity";
pub const CONTACT_FIELDS: &str = "Id, Name, Phone, MobilePhone, HomePhone, OtherPhone, AssistantPhone, Email, Title, AccountId, Account.Name";
pub const LEAD_FIELDS: &str = "Id, Name, Phone, MobilePhone, Email, Company, Status";
pub const CASE_FIELDS: &str = "Id, CaseNumber, Subject, Status, Priority, IsClosed, CreatedDate, ContactId, Contact.Name, AccountId, Account.Name";
pub const MAX_OPEN_CASES: usize = 50;

/// One SOSL search over the phone fields for every form of the number.
pub fn phone_search(forms: &[String]) -> Result<String, TermError> {
    let terms: Result<Vec<String>, TermError> = forms.iter().map(|f| sosl_phrase(f)).collect();
    Ok(format!(
        "FIND {{{}}} IN PHONE FIELDS RETURNING Account({ACCOUNT_FIELDS}), Contact({CONTACT_FIELDS}), Lead({LEAD_FIELDS} WHERE IsConverted = false)",
        terms?.join(" OR ")
    ))
}

/// Contacts and leads whose e-mail is the address.
pub fn email_search(address: &str) -> Result<String, TermError> {
    Ok(format!(
        "FIND {{{}}} IN EMAIL FIELDS RETURNING Contact({CONTACT_FIELDS}), Lead({LEAD_FIELDS} WHERE IsConverted = false)",
        sosl_phrase(address.trim())?
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

/// A record as the screen pop lists it. Text is as the org holds it (sanitise
/// before printing).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Match {
    pub object: String,
    pub id: String,
    pub name: String,
    /// (field, value) of each filled-in phone field.
    pub phones: Vec<(String, String)>,
    pub email: Option<String>,
    /// Account name for contacts and cases, company for leads.
    pub account_or_company: Option<String>,
    pub account_id: Option<String>,
    /// For cases: number, subject, status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseInfo>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseInfo {
    pub number: String,
    pub subject: String,
    pub status: String,
    pub priority: String,
    pub created: String,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub account_id: Option<String>,
    pub is_closed: bool,
}

fn text(v: &Value, k: &str) -> Option<String> {
    v.get(k)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

pub fn case_info(r: &Value) -> CaseInfo {
    CaseInfo {
        number: text(r, "CaseNumber").unwrap_or_default(),
        subject: text(r, "Subject").unwrap_or_default(),
        status: text(r, "Status").unwrap_or_default(),
        priority: text(r, "Priority").unwrap_or_default(),
        created: text(r, "CreatedDate").unwrap_or_default(),
        contact_id: text(r, "ContactId"),
        contact_name: r.get("Contact").and_then(|c| text(c, "Name")),
        account_id: text(r, "AccountId"),
        is_closed: r.get("IsClosed").and_then(Value::as_bool).unwrap_or(false),
    }
}

/// Shapes one search or query record.
pub fn to_match(r: &Value) -> Match {
    let object = r["attributes"]["type"].as_str().unwrap_or("").to_string();
    let phones = [
        "Phone",
        "MobilePhone",
        "HomePhone",
        "OtherPhone",
        "AssistantPhone",
        "Fax",
    ]
    .iter()
    .filter_map(|f| text(r, f).map(|v| (f.to_string(), v)))
    .collect();
    let account_name = r.get("Account").and_then(|a| text(a, "Name"));
    let (name, case) = if object == "Case" {
        let c = case_info(r);
        (format!("{} {}", c.number, c.subject), Some(c))
    } else {
        (text(r, "Name").unwrap_or_default(), None)
    };
    Match {
        id: text(r, "Id").unwrap_or_default(),
        name,
        phones,
        email: text(r, "Email"),
        account_or_company: if object == "Lead" {
            text(r, "Company")
        } else {
            account_name
        },
        account_id: if object == "Account" {
            text(r, "Id")
        } else {
            text(r, "AccountId")
        },
        case,
        object,
    }
}

/// The records of a search answer (`{"searchRecords": [...]}` or, before v37, a bare array).
pub fn search_records(v: &Value) -> Vec<Value> {
    v.get("searchRecords")
        .or(Some(v))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The open cases of the popped record: by contact for a contact, by account for an account.
pub fn cases_of(popped: &Match, cases: &[CaseInfo]) -> Vec<CaseInfo> {
    cases
        .iter()
        .filter(|c| match popped.object.as_str() {
            "Contact" => c.contact_id.as_deref() == Some(&popped.id),
            "Account" => c.account_id.as_deref() == Some(&popped.id),
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
        let q = phone_search(&["31201234567".into(), "0201234567".into()]).expect("ok");
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
