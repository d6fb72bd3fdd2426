//! The steps that need a session: `call-log-fields` (Task's describe),
//! `screen-pop` (the lookup `crmctl lookup` does) and `log-test` (the Task
//! `lookup --log` creates, read back and deleted).

use std::time::Instant;

use serde_json::Value;

use crate::detail;
use crate::error::ErrorKind;
use crate::output::Detail;
use crate::salesforce::{SessionPool, SfError};
use crate::screenpop::calllog::{self, Interaction, RoundTripError};
use crate::screenpop::lookup::{self, Plan};
use crate::screenpop::{Match, lookup::Outcome};

use super::{CALL_LOG_FIELDS, LOG_TEST, SCREEN_POP, Step, classify};

/// The Task fields a call log sets (the 8x8 guide's "Type field must be visible").
pub const TASK_FIELDS: &[&str] = &[
    "Subject",
    "Type",
    "TaskSubtype",
    "CallType",
    "CallDurationInSeconds",
    "CallObject",
    "WhoId",
    "WhatId",
    "Status",
    "ActivityDate",
];

/// Values the auto log writes into picklists; checked only where the org restricts them.
const PICKLIST_VALUES: &[(&str, &[&str])] = &[
    ("Type", &["Call"]),
    ("TaskSubtype", &["Call", "Email", "Task"]),
    ("CallType", &["Inbound", "Outbound"]),
    ("Status", &["Completed"]),
];

fn setup_path(field: &str) -> String {
    format!(
        "Setup > Object Manager > Activity > Fields & Relationships > {field} > Set Field-Level Security"
    )
}

/// Judges Task's describe: every call-log field visible and createable, and the
/// picklist values the log writes offered where the picklist is restricted.
pub fn call_log_fields(describe: &Value) -> Step {
    let fields: Vec<&Value> = describe["fields"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let find = |name: &str| {
        fields.iter().find(|f| {
            f["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    };
    let mut problems = Vec::new();
    let mut hints: Vec<Detail> = Vec::new();
    for name in TASK_FIELDS {
        match find(name) {
            None => {
                problems.push(format!("Task.{name} is not visible to the user"));
                hints.push(if name.starts_with("Call") {
                    format!("Task.{name} comes with Salesforce CRM Call Center: enable the call center features and add the user to the call center (Setup > Call Centers > Manage Call Center Users)")
                } else {
                    format!("make Task.{name} visible in {}", setup_path(name))
                }.into());
            }
            Some(f) if f["createable"] == Value::Bool(false) => {
                problems.push(format!("Task.{name} is read-only for the user"));
                hints.push(format!("make Task.{name} editable in {}", setup_path(name)).into());
            }
            Some(_) => {}
        }
    }
    for (name, wanted) in PICKLIST_VALUES {
        let Some(f) = find(name) else { continue };
        if f["restrictedPicklist"] != Value::Bool(true) {
            continue;
        }
        let offered: Vec<&str> = f["picklistValues"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|p| p["active"] != Value::Bool(false))
                    .filter_map(|p| p["value"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        let missing: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|w| !offered.contains(w))
            .collect();
        if !missing.is_empty() {
            problems.push(format!("Task.{name} does not offer {}", missing.join(", ")));
            hints.push(
                format!(
                    "add the values under Setup > Object Manager > Activity > Fields & Relationships > {name} > Values"
                )
                .into(),
            );
        }
    }
    if problems.is_empty() {
        return Step::ok(
            CALL_LOG_FIELDS,
            format!("Task can be created with {}", TASK_FIELDS.join(", ")),
        );
    }
    Step::warn(CALL_LOG_FIELDS, problems.join("; "), hints)
}

/// `call-log-fields`: reads Task's describe as the user sees it.
pub fn call_log_fields_step(pool: &SessionPool, version: &str) -> Step {
    let t = Instant::now();
    let describe = pool.call(|client, session| {
        let url = format!(
            "{}/services/data/v{version}/sobjects/Task/describe",
            session.instance_url
        );
        client.get_json::<Value>(&url, Some(&session.access_token))
    });
    let step = match describe {
        Ok(v) => call_log_fields(&v),
        Err(SfError::Api { status: 404, .. }) => Step::warn(
            CALL_LOG_FIELDS,
            "Task is not visible to the user: no call can be logged",
            vec!["give the integration user's profile the \"Edit Tasks\" permission (Setup > Profiles or Permission Sets)".into()],
        ),
        Err(e) => Step::from_error(CALL_LOG_FIELDS, &classify(e)),
    };
    step.timed(t.elapsed().as_millis())
}

fn describe_match(m: &Match) -> Detail {
    detail![&m.object, " ", &m.name, " (", &m.id, ")"]
}

/// `screen-pop`: the lookup, as `crmctl lookup` does it. A match is ok, none a
/// warning. Returns the outcome for the `log-test` step.
pub fn screen_pop_step(pool: &SessionPool, version: &str, plan: &Plan) -> (Step, Option<Outcome>) {
    let t = Instant::now();
    // How the number was read, as `crmctl lookup` says it: the region it was read in,
    // or that its digits were searched as typed.
    let notes = plan
        .reading()
        .map(|r| r.notes.join("; "))
        .filter(|n| !n.is_empty())
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let what = format!("{} {}{notes}", plan.kind_name(), plan.value());
    let outcome = pool.with_session(|s| lookup::perform(pool.client(), s, version, plan));
    if let Ok(o) = &outcome {
        pool.note_usage(o.api_usage());
    }
    match outcome {
        Ok(outcome) => {
            let ms = t.elapsed().as_millis();
            let step = match outcome.matches.first() {
                Some(first) => Step::ok(
                    SCREEN_POP,
                    detail![
                        format!("{what}: pops "),
                        describe_match(first),
                        match outcome.matches.len() {
                            1 => String::new(),
                            n => format!(" ({n} matches)"),
                        }
                    ],
                ),
                // As `crmctl lookup` says it: a withheld caller is not searched at all.
                None if plan.is_withheld() => Step::warn(
                    SCREEN_POP,
                    format!("{what}: withheld caller, nothing is searched and the agent gets a blank new record"),
                    vec!["give a caller's number to test the screen pop".into()],
                ),
                None => Step::warn(
                    SCREEN_POP,
                    format!("{what}: no match, the agent gets a blank new record"),
                    vec!["check the value, and that the record's phone, e-mail or case number field holds it".into()],
                ),
            };
            (step.timed(ms), Some(outcome))
        }
        Err(e) => (
            Step::from_error(SCREEN_POP, &classify(e)).timed(t.elapsed().as_millis()),
            None,
        ),
    }
}

/// The `screen-pop` step under the UCC's CRM Service model: the number read in its
/// DefaultPhoneNumberRegion and searched as its PhoneNumberFormat says. A record the full
/// search found and the model misses turns the step into a warning that says why
/// ("why no pop"); a model query the org refuses fails it.
pub fn crm_model_check(
    pool: &SessionPool,
    version: &str,
    model: &crate::settings::crm::Model,
    plan: &Plan,
    full: Option<&Outcome>,
    step: Step,
) -> Step {
    use crate::screenpop::crm_service::{self, Caller};
    let Some(reading) = plan.reading() else {
        return step;
    };
    // Read again in the UCC's region when it names one (as `lookup --settings` does).
    let replanned = model.region.as_deref().and_then(|r| {
        let region = crate::screenpop::phone::Region::parse(r).ok()?;
        let regions = lookup::Regions {
            given: Some((region, lookup::RegionSource::Settings)),
            locale: None,
        };
        lookup::plan(lookup::Kind::Phone, plan.value(), regions).ok()
    });
    let reading = replanned
        .as_ref()
        .and_then(Plan::reading)
        .unwrap_or(reading);
    let Some(caller) = Caller::of(reading) else {
        return step;
    };
    let t = Instant::now();
    let found = match pool
        .with_session(|s| crm_service::perform(pool.client(), s, version, model, &caller))
    {
        Ok(f) => f,
        Err(e) => {
            return Step::from_error(SCREEN_POP, &classify(e))
                .timed(t.elapsed().as_millis() + step.ms.unwrap_or(0));
        }
    };
    let ms = step.ms.unwrap_or(0) + t.elapsed().as_millis();
    let missed = full
        .map(|o| crm_service::missed(&o.matches, &found.records, &model.format, &caller))
        .unwrap_or_default();
    let pops = match found.records.first() {
        Some(r) => detail![format!("the UCC's CRM Service pops {} ", r.object), &r.name],
        None => "the UCC's CRM Service pops nothing (status Unknown)".into(),
    };
    let detail = detail![&step.detail, "; ", pops];
    if missed.is_empty() {
        return Step { detail, ..step }.timed(ms);
    }
    let why = missed.iter().map(|m| m.why());
    let mut hints = step.hints.clone();
    hints.push(format!(
        "set PhoneNumberFormat to the format the org stores its numbers in (Wildcard finds every form, slowly); `crmctl lookup --settings ... --ucc ... {}` shows the pop",
        plan.value()
    ).into());
    Step::warn(
        SCREEN_POP,
        detail![detail, "; why no pop: ", Detail::join(why, "; ")],
        hints,
    )
    .timed(ms)
}

/// `log-test`: creates the call-log Task that `lookup --log` would, reads it back
/// and deletes it.
pub fn log_test_step(
    pool: &SessionPool,
    version: &str,
    interaction: &Interaction,
    popped: Option<&Match>,
) -> Step {
    let t = Instant::now();
    let a = calllog::associate(interaction.direction, popped);
    let body = calllog::body(interaction, &a);
    let related = match (&a.who_id, &a.what_id) {
        (None, None) => "an independent task".into(),
        (w, r) => Detail::join(
            [
                w.as_ref().map(|w| detail!["WhoId ", w]),
                r.as_ref().map(|r| detail!["WhatId ", r]),
            ]
            .into_iter()
            .flatten(),
            ", ",
        ),
    };
    // Not repeated after a re-login: the Task may have been created already.
    let session = pool.session();
    let step = match calllog::round_trip(pool.client(), &session, version, &body) {
        Ok(rt) if rt.differences.is_empty() => Step::ok(
            LOG_TEST,
            detail![
                "created Task ",
                &rt.id,
                format!(" \"{}\" (", calllog::subject(interaction)),
                related,
                "), read it back, deleted it"
            ],
        ),
        Ok(rt) => Step::fail(
            LOG_TEST,
            ErrorKind::Rejected,
            detail![
                "created Task ",
                &rt.id,
                format!(
                    " and deleted it, but it read back without {} as sent",
                    rt.differences.join(", ")
                )
            ],
            vec!["a trigger, a default or field-level security changes the auto log's values: check Task's triggers and the fields' visibility".into()],
        ),
        Err(RoundTripError::Create(e)) => Step::from_error(
            LOG_TEST,
            &calllog::refusal(e),
        ),
        Err(RoundTripError::Read { id, error, deleted }) => {
            let mut s = Step::from_error(LOG_TEST, &classify(error));
            s.detail = detail![
                "created Task ",
                &id,
                " but could not read it back",
                if deleted { " (deleted it)" } else { " nor delete it" },
                ": ",
                s.detail
            ];
            s
        }
        Err(RoundTripError::Delete { id, error }) => {
            let mut s = Step::from_error(LOG_TEST, &classify(error.error));
            s.detail = detail![
                "created and read back Task ",
                &id,
                ", but could not delete it: ",
                s.detail
            ];
            s.with_hint(detail![
                "delete Task ",
                &id,
                " by hand; the integration user needs \"Delete\" on Tasks only for this test"
            ])
        }
    };
    step.timed(t.elapsed().as_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task(hidden: &[&str], restricted_call_type: &[&str]) -> Value {
        let fields: Vec<Value> = TASK_FIELDS
            .iter()
            .filter(|f| !hidden.contains(f))
            .map(|f| {
                if *f == "CallType" {
                    json!({"name": f, "createable": true, "restrictedPicklist": true,
                           "picklistValues": restricted_call_type.iter().map(|v| json!({"value": v, "active": true})).collect::<Vec<_>>()})
                } else {
                    json!({"name": f, "createable": true})
                }
            })
            .collect();
        json!({"fields": fields})
    }

    #[test]
    fn every_field_visible_is_ok() {
        let s = call_log_fields(&task(&[], &["Inbound", "Internal", "Outbound"]));
        assert_eq!(s.status, super::super::Status::Ok, "{s:?}");
    }

    #[test]
    fn a_hidden_field_is_named_with_its_setup_path() {
        let s = call_log_fields(&task(&["Type"], &["Inbound", "Outbound"]));
        assert_eq!(s.status, super::super::Status::Warn);
        assert_eq!(s.detail, "Task.Type is not visible to the user");
        assert!(s.hint().is_some_and(|h| {
            h.contains("Object Manager > Activity > Fields & Relationships > Type")
        }));
        let s = call_log_fields(&task(&["CallObject"], &["Inbound", "Outbound"]));
        assert!(s.hint().is_some_and(|h| h.contains("Call Center")));
    }

    #[test]
    fn a_restricted_picklist_without_the_value_warns() {
        let s = call_log_fields(&task(&[], &["Internal"]));
        assert_eq!(s.status, super::super::Status::Warn);
        assert_eq!(s.detail, "Task.CallType does not offer Inbound, Outbound");
    }
}
