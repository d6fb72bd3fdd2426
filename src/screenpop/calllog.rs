//! The auto log: the Task an integration creates after an interaction (a call log,
//! a chat log or an e-mail log), and the records it is associated with, as the 8x8
//! guide describes them. Builds bodies and talks to the org; never prints.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::Match;
use crate::detail;
use crate::error::{CliError, ErrorKind};
use crate::output::{Detail, OrgText};
use crate::salesforce::{Client, RecordError, Session, SfError};

/// What kind of interaction is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Call,
    Voicemail,
    Chat,
    Email,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Inbound,
    Outbound,
}

/// One interaction to log.
#[derive(Debug, Clone)]
pub struct Interaction {
    pub channel: Channel,
    pub direction: Direction,
    /// The caller's number, the e-mail address or the case number, as looked up.
    pub value: String,
    pub duration_seconds: Option<u32>,
    pub interaction_id: Option<String>,
    pub disposition: Option<String>,
    pub comment: Option<String>,
    /// `YYYY-MM-DD`: the day of the interaction.
    pub date: String,
}

/// The records the Task is related to, and the rule that chose them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Association {
    pub who_id: Option<OrgText>,
    pub what_id: Option<OrgText>,
    pub rule: &'static str,
}

/// The association rules of the guide: an inbound log goes to the popped contact
/// and its account, but only when the contact belongs to an account (otherwise it
/// is a stand-alone task); a lead goes in WhoId; an account or a case in WhatId,
/// with the case's contact in WhoId; an outbound log, or no match, stands alone.
pub fn associate(direction: Direction, popped: Option<&Match>) -> Association {
    let none = |rule| Association {
        who_id: None,
        what_id: None,
        rule,
    };
    if direction == Direction::Outbound {
        return none("outbound");
    }
    let Some(m) = popped.filter(|m| !m.id.is_empty()) else {
        return none("no-match");
    };
    let id = Some(m.id.clone());
    match m.object.which(&["Contact", "Lead", "Account", "Case"]) {
        Some("Contact") => match m.account_id.clone().filter(|a| !a.is_empty()) {
            Some(account) => Association {
                who_id: id,
                what_id: Some(account),
                rule: "contact-with-account",
            },
            None => none("contact-without-account"),
        },
        Some("Lead") => Association {
            who_id: id,
            what_id: None,
            rule: "lead",
        },
        Some("Account") => Association {
            who_id: None,
            what_id: id,
            rule: "account",
        },
        Some("Case") => Association {
            who_id: m
                .case
                .as_ref()
                .and_then(|c| c.contact_id.clone())
                .filter(|c| !c.is_empty()),
            what_id: id,
            rule: "case",
        },
        _ => none("no-match"),
    }
}

pub fn subject(i: &Interaction) -> String {
    let v = i.value.trim();
    match (i.channel, i.direction) {
        (Channel::Call | Channel::Voicemail, Direction::Inbound) => {
            format!("Inbound call from {v}")
        }
        (Channel::Call | Channel::Voicemail, Direction::Outbound) => {
            format!("Outbound call to {v}")
        }
        (Channel::Chat, _) => format!("Chat about case {v}"),
        (Channel::Email, Direction::Inbound) => format!("E-mail from {v}"),
        (Channel::Email, Direction::Outbound) => format!("E-mail to {v}"),
    }
}

/// `Call` for phone and voicemail, `Email` for e-mail, `Task` for chat.
pub fn task_subtype(channel: Channel) -> &'static str {
    match channel {
        Channel::Call | Channel::Voicemail => "Call",
        Channel::Email => "Email",
        Channel::Chat => "Task",
    }
}

/// The Task's fields, in a fixed order. `Type` and `CallType` only for calls; the
/// optional details only when given.
pub fn body(i: &Interaction, a: &Association) -> Value {
    let mut m = Map::new();
    let is_call = matches!(i.channel, Channel::Call | Channel::Voicemail);
    m.insert("Subject".into(), json!(subject(i)));
    m.insert("TaskSubtype".into(), json!(task_subtype(i.channel)));
    if is_call {
        m.insert("Type".into(), json!("Call"));
        m.insert(
            "CallType".into(),
            json!(match i.direction {
                Direction::Inbound => "Inbound",
                Direction::Outbound => "Outbound",
            }),
        );
    }
    if let Some(d) = i.duration_seconds {
        m.insert("CallDurationInSeconds".into(), json!(d));
    }
    if let Some(id) = &i.interaction_id {
        m.insert("CallObject".into(), json!(id));
    }
    if let Some(d) = &i.disposition {
        m.insert("CallDisposition".into(), json!(d));
    }
    if let Some(c) = &i.comment {
        m.insert("Description".into(), json!(c));
    }
    m.insert("Status".into(), json!("Completed"));
    m.insert("ActivityDate".into(), json!(i.date));
    if let Some(w) = &a.who_id {
        m.insert("WhoId".into(), json!(w.for_org_request()));
    }
    if let Some(w) = &a.what_id {
        m.insert("WhatId".into(), json!(w.for_org_request()));
    }
    Value::Object(m)
}

/// Today in the local time zone (`YYYY-MM-DD`), the ActivityDate of a log made now.
pub fn today() -> String {
    jiff::Zoned::now().date().to_string()
}

/// What `--log` did (or, with `--dry-run`, would do).
#[derive(Debug, Clone, Serialize)]
pub struct Logged {
    /// The new Task's Id; none on a dry run.
    pub id: Option<OrgText>,
    pub who_id: Option<OrgText>,
    pub what_id: Option<OrgText>,
    pub subject: String,
    pub task_subtype: &'static str,
    /// Which association rule applied.
    pub association: &'static str,
    pub dry_run: bool,
    /// The Task's fields as sent (or as they would be sent).
    pub body: Value,
}

impl Logged {
    pub fn new(i: &Interaction, a: &Association, id: Option<OrgText>) -> Logged {
        Logged {
            dry_run: id.is_none(),
            id,
            who_id: a.who_id.clone(),
            what_id: a.what_id.clone(),
            subject: subject(i),
            task_subtype: task_subtype(i.channel),
            association: a.rule,
            body: body(i, a),
        }
    }
}

/// Creates the Task and returns its Id.
pub fn create(
    client: &Client,
    session: &Session,
    version: &str,
    body: &Value,
) -> Result<OrgText, RecordError> {
    client
        .create(session, version, "Task", body)
        .map(|(id, _)| OrgText::from(id))
}

/// The fields of `sent` that the Task read back does not hold as sent (an org may
/// drop or rewrite a value silently, e.g. a trigger or a default).
pub fn differences(sent: &Value, read_back: &Value) -> Vec<String> {
    let Some(sent) = sent.as_object() else {
        return Vec::new();
    };
    sent.iter()
        .filter(|(k, v)| {
            let got = read_back.get(k.as_str()).unwrap_or(&Value::Null);
            // Numbers may come back as 60 or 60.0.
            match (v.as_f64(), got.as_f64()) {
                (Some(a), Some(b)) => a != b,
                _ => got != *v,
            }
        })
        .map(|(k, _)| k.clone())
        .collect()
}

/// Creates the Task, reads it back and deletes it: `doctor --log-test`. Returns
/// the Id and the fields that did not come back as sent.
pub fn round_trip(
    client: &Client,
    session: &Session,
    version: &str,
    body: &Value,
) -> Result<RoundTrip, RoundTripError> {
    let id = create(client, session, version, body).map_err(RoundTripError::Create)?;
    let read = client.retrieve(session, version, "Task", id.for_org_request());
    let deleted = client.delete(session, version, "Task", id.for_org_request());
    let read = match read {
        Ok((v, _)) => v,
        Err(e) => {
            return Err(RoundTripError::Read {
                id,
                error: e,
                deleted: deleted.is_ok(),
            });
        }
    };
    if let Err(e) = deleted {
        return Err(RoundTripError::Delete { id, error: e });
    }
    Ok(RoundTrip {
        differences: differences(body, &read),
        id,
    })
}

#[derive(Debug, Clone)]
pub struct RoundTrip {
    pub id: OrgText,
    pub differences: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum RoundTripError {
    Create(RecordError),
    Read {
        id: OrgText,
        error: SfError,
        deleted: bool,
    },
    Delete {
        id: OrgText,
        error: RecordError,
    },
}

/// Salesforce's refusal of a Task write as an error with advice (`salesforce::advice`).
pub fn refusal(e: RecordError) -> CliError {
    let base = CliError::from(e.error.clone());
    match &e.error {
        SfError::Api {
            status,
            code,
            message,
        } => {
            // Salesforce quotes the refused value (`data value too large: <value>`):
            // a 40,000-character comment is not echoed back whole.
            let clipped = message.derive(|m| clip(m, MESSAGE_MAX));
            // The org answered and refused the record (a 4xx about this write): the
            // check said no, exit 1, whatever the code. Only a busy org, an expired
            // session or the API limit mean it could not answer.
            let answered = (400..500).contains(status)
                && !code.is_one_of(&["REQUEST_LIMIT_EXCEEDED", "INVALID_SESSION_ID"]);
            let base = if answered {
                CliError::new(ErrorKind::Rejected, String::new())
            } else {
                base
            };
            let mut err = CliError::new(
                base.kind,
                detail![
                    "Salesforce refused to create the Task: ",
                    code,
                    ": ",
                    clipped
                ],
            );
            if !e.fields.is_empty() {
                err = err.with_cause_detail(detail![
                    "fields: ",
                    Detail::join(e.fields.iter().map(Detail::from), ", ")
                ]);
            }
            crate::salesforce::advice::for_task_write(code, message, &e.fields)
                .into_iter()
                .fold(err, CliError::with_hint)
        }
        _ => base,
    }
}

/// The most characters of an org's message an error quotes.
const MESSAGE_MAX: usize = 300;

/// `text` cut to `max` characters, with how much was left out.
fn clip(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}… ({} more characters)", n - max)
}

/// A body value longer than its field holds: (field, characters, the field's length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLong {
    pub field: String,
    pub chars: usize,
    pub max: usize,
}

/// The text values of `body` longer than the org's describe says their fields hold:
/// what `--dry-run` catches before the org would refuse with `STRING_TOO_LONG`.
pub fn too_long(body: &Value, lengths: &std::collections::BTreeMap<String, usize>) -> Vec<TooLong> {
    let Some(fields) = body.as_object() else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|(k, v)| {
            let chars = v.as_str()?.chars().count();
            let max = *lengths.get(k)?;
            (chars > max).then(|| TooLong {
                field: k.clone(),
                chars,
                max,
            })
        })
        .collect()
}

/// The error of a dry run whose Task the org would refuse for its lengths (exit 1).
pub fn too_long_error(found: &[TooLong]) -> CliError {
    let list: Vec<String> = found
        .iter()
        .map(|t| {
            format!(
                "{} holds {} characters, the field at most {}",
                t.field, t.chars, t.max
            )
        })
        .collect();
    CliError::new(
        ErrorKind::Rejected,
        format!(
            "the org would refuse this Task (STRING_TOO_LONG): {}",
            list.join("; ")
        ),
    )
    .with_hint("shorten the value (--comment, --disposition, --interaction-id): the CRM Service would be refused the same way")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screenpop::CaseInfo;

    fn rec(object: &str, id: &str, account: Option<&str>) -> Match {
        Match {
            object: object.into(),
            id: id.into(),
            name: "n".into(),
            phones: Vec::new(),
            email: None,
            account_or_company: None,
            account_id: account.map(OrgText::from),
            case: None,
        }
    }

    fn call(direction: Direction) -> Interaction {
        Interaction {
            channel: Channel::Call,
            direction,
            value: "+14155551212".into(),
            duration_seconds: Some(42),
            interaction_id: Some("int-1".into()),
            disposition: None,
            comment: None,
            date: "2026-11-30".into(),
        }
    }

    #[test]
    fn association_rules() {
        let who_what = |d, m: Option<&Match>| {
            let a = associate(d, m);
            (a.who_id, a.what_id, a.rule)
        };
        let s = |x: &str| Some(OrgText::from(x));
        let jane = rec("Contact", "003A", Some("001A"));
        assert_eq!(
            who_what(Direction::Inbound, Some(&jane)),
            (s("003A"), s("001A"), "contact-with-account")
        );
        assert_eq!(
            who_what(Direction::Outbound, Some(&jane)),
            (None, None, "outbound")
        );
        let solo = rec("Contact", "003B", None);
        assert_eq!(
            who_what(Direction::Inbound, Some(&solo)),
            (None, None, "contact-without-account")
        );
        let lead = rec("Lead", "00QA", None);
        assert_eq!(
            who_what(Direction::Inbound, Some(&lead)),
            (s("00QA"), None, "lead")
        );
        let acc = rec("Account", "001A", Some("001A"));
        assert_eq!(
            who_what(Direction::Inbound, Some(&acc)),
            (None, s("001A"), "account")
        );
        let mut case = rec("Case", "500A", Some("001A"));
        assert_eq!(
            who_what(Direction::Inbound, Some(&case)),
            (None, s("500A"), "case")
        );
        case.case = Some(CaseInfo {
            number: "1".into(),
            subject: OrgText::default(),
            status: OrgText::default(),
            priority: OrgText::default(),
            created: OrgText::default(),
            contact_id: s("003A"),
            contact_name: None,
            account_id: s("001A"),
            is_closed: false,
        });
        assert_eq!(
            who_what(Direction::Inbound, Some(&case)),
            (s("003A"), s("500A"), "case")
        );
        assert_eq!(who_what(Direction::Inbound, None), (None, None, "no-match"));
    }

    #[test]
    fn bodies_per_channel() {
        let a = associate(Direction::Inbound, None);
        let b = body(&call(Direction::Inbound), &a);
        assert_eq!(
            b,
            json!({"Subject": "Inbound call from +14155551212", "TaskSubtype": "Call", "Type": "Call",
                   "CallType": "Inbound", "CallDurationInSeconds": 42, "CallObject": "int-1",
                   "Status": "Completed", "ActivityDate": "2026-11-30"})
        );
        let b = body(&call(Direction::Outbound), &a);
        assert_eq!(b["Subject"], "Outbound call to +14155551212");
        assert_eq!(b["CallType"], "Outbound");
        let mut chat = call(Direction::Inbound);
        chat.channel = Channel::Chat;
        chat.value = "00001026".into();
        let b = body(&chat, &a);
        assert_eq!(b["Subject"], "Chat about case 00001026");
        assert_eq!(b["TaskSubtype"], "Task");
        assert!(b.get("Type").is_none() && b.get("CallType").is_none());
        let mut mail = chat.clone();
        mail.channel = Channel::Email;
        mail.value = "jane@example.com".into();
        assert_eq!(body(&mail, &a)["Subject"], "E-mail from jane@example.com");
        assert_eq!(body(&mail, &a)["TaskSubtype"], "Email");
        let mut vm = call(Direction::Inbound);
        vm.channel = Channel::Voicemail;
        assert_eq!(body(&vm, &a)["TaskSubtype"], "Call");
    }

    #[test]
    fn read_back_differences() {
        let sent = json!({"Subject": "a", "CallDurationInSeconds": 60, "WhoId": "003A"});
        let back = json!({"Subject": "a", "CallDurationInSeconds": 60.0, "WhoId": null});
        assert_eq!(differences(&sent, &back), vec!["WhoId".to_string()]);
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!(t.len(), 10, "{t}");
        assert_eq!(&t[4..5], "-");
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    fn refused(code: &str, message: &str, fields: &[&str]) -> CliError {
        refusal(RecordError {
            error: SfError::Api {
                status: 400,
                code: code.into(),
                message: message.into(),
            },
            fields: fields.iter().map(|f| (*f).into()).collect(),
        })
    }

    #[test]
    fn field_errors_become_advice() {
        let e = refused(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            "bad value for restricted picklist field: Incoming",
            &["CallType"],
        );
        assert_eq!(e.kind, crate::error::ErrorKind::Rejected);
        // The field name is Salesforce's: an org span, which the printer escapes.
        assert_eq!(
            e.causes,
            vec![detail!["fields: ", OrgText::from("CallType")]]
        );
        assert!(
            e.hints[0].starts_with("CallType is a restricted picklist"),
            "{:?}",
            e.hints
        );
        let e = refused(
            "INVALID_FIELD",
            "No such column 'Type' on sobject of type Task",
            &[],
        );
        assert!(e.hints[0].contains("cannot see Task.Type"), "{:?}", e.hints);
        assert!(e.hints[0].contains("Fields & Relationships > Type > Set Field-Level Security"));
        let e = refused(
            "INVALID_FIELD",
            "No such column 'CallDurationInSeconds' on sobject of type Task",
            &[],
        );
        assert!(e.hints[0].contains("Call Center"), "{:?}", e.hints);
        let e = refused(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            "Unable to create/update fields: Type.",
            &["Type"],
        );
        assert!(e.hints[0].contains("cannot set Task.Type"), "{:?}", e.hints);
    }

    #[test]
    fn other_failures_keep_their_class() {
        let e = refusal(RecordError::from(SfError::Network {
            kind: crate::salesforce::NetKind::Connect,
            detail: "refused".into(),
        }));
        assert_eq!(e.kind, crate::error::ErrorKind::Remote);
    }
}
