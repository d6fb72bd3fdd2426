//! The screen pop: what an agent sees for a caller's number, an e-mail address or
//! a case number. Query plans and result shaping; no printing, no HTTP.

pub mod batch;
pub mod bulk;
pub mod calllog;
pub mod crm_service;
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

/// The objects a screen pop reads, each with its statement's field list and the
/// fields its filter names (`WHERE IsConverted = false`).
const SCREEN_POP_OBJECTS: [(&str, &str, &[&str]); 4] = [
    ("Account", ACCOUNT_FIELDS, &[]),
    ("Contact", CONTACT_FIELDS, &[]),
    ("Lead", LEAD_FIELDS, &["IsConverted"]),
    ("Case", CASE_FIELDS, &[]),
];

/// The objects and fields the login check looks for: every field the screen pop's
/// searches and queries name on the object itself (a relationship path such as
/// `Account.Name` is the parent's), since one hidden field makes Salesforce refuse
/// the whole search (INVALID_FIELD). Derived from the statements' own field lists.
pub fn screen_pop_fields() -> Vec<(&'static str, Vec<&'static str>)> {
    SCREEN_POP_OBJECTS
        .iter()
        .map(|&(object, list, filters)| {
            let fields = list
                .split(", ")
                .filter(|f| !f.contains('.'))
                .chain(filters.iter().copied())
                .collect();
            (object, fields)
        })
        .collect()
}

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

/// The open cases of all matched contacts and accounts in as few queries as keep
/// every GET URL within Salesforce's limit ([`crate::salesforce::MAX_QUERY_PARAM`]
/// of encoded `q`): the Ids are packed in order, contacts first. A single lookup may
/// match 2,000 records, whose Ids in one query make a 60,000-character URL. Each query
/// has the LIMIT of [`open_cases_query`]; the caller merges them newest first and keeps
/// [`MAX_OPEN_CASES`], which is what one query would have given.
pub fn open_cases_queries(contact_ids: &[String], account_ids: &[String]) -> Vec<String> {
    open_cases_queries_within(contact_ids, account_ids, crate::salesforce::MAX_QUERY_PARAM)
}

fn open_cases_queries_within(
    contact_ids: &[String],
    account_ids: &[String],
    budget: usize,
) -> Vec<String> {
    let len = crate::salesforce::encoded_query_len;
    let mut out = Vec::new();
    let (mut contacts, mut accounts): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let tagged = contact_ids
        .iter()
        .map(|i| (true, i))
        .chain(account_ids.iter().map(|i| (false, i)));
    for (is_contact, id) in tagged {
        let list = if is_contact {
            &mut contacts
        } else {
            &mut accounts
        };
        list.push(id.clone());
        let fits = open_cases_query(&contacts, &accounts).is_some_and(|q| len(&q) <= budget);
        let alone = contacts.len() + accounts.len() == 1;
        if !fits && !alone {
            // Without the last Id, the query fits: send it, and start the next with it.
            let last = if is_contact {
                contacts.pop()
            } else {
                accounts.pop()
            };
            out.extend(open_cases_query(&contacts, &accounts));
            contacts.clear();
            accounts.clear();
            if let Some(last) = last {
                if is_contact {
                    contacts.push(last);
                } else {
                    accounts.push(last);
                }
            }
        }
    }
    out.extend(open_cases_query(&contacts, &accounts));
    out
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
        (c.number.joined(" ", &c.subject), Some(c))
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
        .filter(|c| match popped.object.which(&["Contact", "Account"]) {
            Some("Contact") => c.contact_id.as_ref() == Some(&popped.id),
            Some("Account") => c.account_id.as_ref() == Some(&popped.id),
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
        assert_eq!(open_cases_queries(&[], &[]), Vec::<String>::new());
        let q = open_cases_query(&["003A".into()], &["001B".into()]).expect("query");
        assert!(
            q.contains("IsClosed = false AND (ContactId IN ('003A') OR AccountId IN ('001B'))"),
            "{q}"
        );
    }

    /// Issue 18 item 24: 2,000 matched Ids (Salesforce's search maximum) in one query
    /// made a 60,319-character URL; chunked, every query's `q` stays within the budget,
    /// and together they ask for every Id once, in order.
    #[test]
    fn open_cases_of_2000_matches_are_chunked_within_the_url_limit() {
        let contacts: Vec<String> = (0..1500).map(|i| format!("003{i:015}")).collect();
        let accounts: Vec<String> = (0..500).map(|i| format!("001{i:015}")).collect();
        let one = open_cases_query(&contacts, &accounts).expect("query");
        assert!(crate::salesforce::encoded_query_len(&one) > 50_000);
        let qs = open_cases_queries(&contacts, &accounts);
        assert!(qs.len() > 1 && qs.len() < 10, "{} queries", qs.len());
        let mut seen = Vec::new();
        for q in &qs {
            assert!(crate::salesforce::encoded_query_len(q) <= crate::salesforce::MAX_QUERY_PARAM);
            assert!(q.ends_with(&format!("LIMIT {MAX_OPEN_CASES}")), "{q}");
            seen.extend(q.split('\'').skip(1).step_by(2).map(str::to_string));
        }
        let all: Vec<String> = contacts.iter().chain(&accounts).cloned().collect();
        assert_eq!(seen, all);
        // A few Ids: the one query, as before.
        let few = open_cases_queries(&contacts[..3], &accounts[..2]);
        assert_eq!(
            few,
            vec![open_cases_query(&contacts[..3], &accounts[..2]).expect("q")]
        );
        // The batch engine's pooled query holds at most MAX_CASE_IDS Ids (about
        // 6,300 encoded bytes): within the same budget.
        let pooled: Vec<String> = (0..batch::MAX_CASE_IDS)
            .map(|i| format!("003{i:015}"))
            .collect();
        let q = open_cases_query(&pooled, &[]).expect("query");
        assert!(
            crate::salesforce::encoded_query_len(&q) <= crate::salesforce::MAX_QUERY_PARAM,
            "{}",
            crate::salesforce::encoded_query_len(&q)
        );
        // A tiny budget still sends every Id, one per query at worst.
        let tiny = open_cases_queries_within(&contacts[..5], &[], 10);
        assert_eq!(tiny.len(), 5);
    }
}
