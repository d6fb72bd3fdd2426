//! The steps that talk to the org, for one login: the login as `crmctl login`
//! checks it, the API version, the fields the screen pop and the call log need,
//! each screen-pop lookup, the `--log-test` Task, and last the readiness of the
//! flows that replace the username-password flow. UCCs that share credentials
//! share one run of these steps.

use std::time::Instant;

use super::readiness::{self, LoginOutcome, Readiness};
use super::{Step, org};
use crate::detail;
use crate::error::ErrorKind;
use crate::ops::DEFAULT_API_VERSION;
use crate::ops::session::CheckFailed;
use crate::output::Detail;
use crate::salesforce::{Client, Credentials, SessionPool};
use crate::screenpop::Match;
use crate::screenpop::calllog::{self, Channel, Direction, Interaction};
use crate::screenpop::lookup::Plan;

/// The steps after the login, skipped for the reason given.
pub fn skipped_after_login(plans: &[Plan], log_test: bool, why: &str) -> Vec<Step> {
    let mut steps = vec![
        Step::skip(super::API_VERSION, why),
        Step::skip(super::SCREEN_POP_FIELDS, why),
        Step::skip(super::CALL_LOG_FIELDS, why),
    ];
    steps.extend(plans.iter().map(|_| Step::skip(super::SCREEN_POP, why)));
    if log_test {
        steps.push(Step::skip(super::LOG_TEST, why));
    }
    steps
}

/// The steps that talk to the org: one login (as `crmctl login` does it), what
/// the screen pop and the call log need, and last the readiness of the flows that
/// replace the username-password flow (`crate::super::readiness`).
pub fn org_steps(
    client: &Client,
    creds: &Credentials,
    org_url: Option<&str>,
    (version, version_from): (Result<String, Detail>, &'static str),
    plans: &[Plan],
    log_test: bool,
    model: Option<&crate::settings::crm::Model>,
) -> (Vec<Step>, Readiness) {
    let checked = crate::ops::connect::login_version(&version);
    let inputs = readiness::Inputs {
        client,
        creds,
        my_domain: org_url,
        version: &checked,
        jwt_key: creds.jwt_key.clone(),
    };
    let (mut steps, outcome) = login_steps(
        client,
        creds,
        org_url,
        (version, version_from),
        plans,
        log_test,
        model,
    );
    let login = match &outcome {
        Ok(instance) => LoginOutcome::Accepted {
            instance_url: instance,
        },
        Err(f) if f.issued_at.is_some() => LoginOutcome::Issued {
            instance_url: f.issued_at.as_deref().unwrap_or_default(),
        },
        Err(f) if f.error.kind == ErrorKind::Rejected => LoginOutcome::Rejected {
            auth_failure: f
                .error
                .message
                .ends_with("(invalid_grant: authentication failure)"),
        },
        Err(_) => LoginOutcome::Failed,
    };
    let t = Instant::now();
    let (step, flow_readiness, blocked) = readiness::check(&inputs, &login);
    let step = if step.status == super::Status::Skip {
        step
    } else {
        step.timed(t.elapsed().as_millis())
    };
    if let Some(hint) = blocked
        && let Some(s) = steps.iter_mut().find(|s| s.step == super::LOGIN)
    {
        s.hints.insert(0, hint.into());
    }
    steps.push(step);
    (steps, flow_readiness)
}

/// The login and the steps after it; with the instance URL of the session, or
/// the login's error.
fn login_steps(
    client: &Client,
    creds: &Credentials,
    org_url: Option<&str>,
    (version, version_from): (Result<String, Detail>, &'static str),
    plans: &[Plan],
    log_test: bool,
    model: Option<&crate::settings::crm::Model>,
) -> (Vec<Step>, Result<String, CheckFailed>) {
    let t = Instant::now();
    let checked = crate::ops::connect::login_version(&version);
    let warming = org_url.and_then(|u| client.warm(u, &creds.token_url));
    let (report, session) = match crate::ops::session::check_issued(client, creds, checked, warming)
    {
        Ok(x) => x,
        Err(f) => {
            let mut step = Step::from_error(super::LOGIN, &f.error);
            // Inside doctor the advice points at its own step, not at doctor.
            for h in &mut step.hints {
                *h = h.map_plain(|t| {
                    t.replace(
                        crate::salesforce::advice::DOCTOR_CHECKS_OTHER_FLOWS,
                        "the flow-readiness step below checks client credentials and JWT for the same app",
                    )
                });
            }
            let mut steps = vec![step.timed(t.elapsed().as_millis())];
            steps.extend(skipped_after_login(plans, log_test, "needs a login"));
            return (steps, Err(f));
        }
    };
    let instance = session.instance_url.clone();
    let rest_ms = t.elapsed().as_millis().saturating_sub(report.login_ms);
    let who = if report.username.is_empty() {
        "the Connected App's run-as user".to_string()
    } else {
        report.username.clone()
    };
    let mut steps = vec![
        Step::ok(
            super::LOGIN,
            detail![
                format!("logged in as {who} at "),
                &report.instance_url,
                format!(" in {} ms", report.login_ms)
            ],
        )
        .timed(report.login_ms),
    ];
    let newest = report
        .newest_version
        .as_ref()
        .map(|n| detail![" (newest v", n, ")"])
        .unwrap_or_default();
    let version = match version {
        Err(why) => {
            steps.push(Step::skip(super::API_VERSION, why));
            steps.extend(
                skipped_after_login(plans, log_test, "needs a usable ApiEndPoint")
                    .into_iter()
                    .skip(1),
            );
            return (steps, Ok(instance));
        }
        Ok(_) if !report.version_offered => {
            steps.push(Step::fail(
                super::API_VERSION,
                ErrorKind::Rejected,
                detail![
                    format!("API v{} is not offered by the org", report.api_version),
                    &newest
                ],
                vec![crate::ops::connect::version_hint(
                    version_from,
                    report
                        .newest_version
                        .as_ref()
                        .map_or(Detail::from(DEFAULT_API_VERSION), Detail::from),
                )],
            ));
            steps.extend(
                skipped_after_login(plans, log_test, "needs an API version the org offers")
                    .into_iter()
                    .skip(1),
            );
            return (steps, Ok(instance));
        }
        Ok(v) => v,
    };
    steps.push(Step::ok(
        super::API_VERSION,
        detail![format!("API v{version} is offered by the org"), newest],
    ));
    let hidden: Vec<String> = report
        .objects
        .iter()
        .filter_map(|o| match &o.missing {
            None => Some(format!("{} is not visible to the user", o.object)),
            Some(m) if !m.is_empty() => Some(format!("{} hides {}", o.object, m.join(", "))),
            Some(_) => None,
        })
        .collect();
    steps.push(
        if hidden.is_empty() {
            Step::ok(
                super::SCREEN_POP_FIELDS,
                "Account, Contact, Lead and Case with their Phone, MobilePhone, Email and CaseNumber fields are visible",
            )
        } else {
            Step::fail(
                super::SCREEN_POP_FIELDS,
                ErrorKind::Rejected,
                hidden.join("; "),
                vec!["give the integration user read access to these objects and field-level security on these fields (Setup > Profiles or Permission Sets)".into()],
            )
        }
        .timed(rest_ms),
    );
    // One session for the steps after the login: a session the org rejects mid-run
    // is replaced once, and the API usage its answers report is kept.
    let pool = SessionPool::new(client, session).relogin_with(creds);
    steps.push(org::call_log_fields_step(&pool, &version));
    let mut popped: Option<(usize, Option<Match>)> = None;
    for (i, plan) in plans.iter().enumerate() {
        let (mut step, outcome) = org::screen_pop_step(&pool, &version, plan);
        if let Some(m) = model {
            step = org::crm_model_check(&pool, &version, m, plan, outcome.as_ref(), step);
        }
        let first = outcome.and_then(|o| o.matches.into_iter().next());
        if popped
            .as_ref()
            .is_none_or(|(_, m)| m.is_none() && first.is_some())
        {
            popped = Some((i, first));
        }
        steps.push(step);
    }
    if log_test {
        let (interaction, m) = test_interaction(plans, popped);
        steps.push(org::log_test_step(
            &pool,
            &version,
            &interaction,
            m.as_ref(),
        ));
    }
    (steps, Ok(instance))
}

/// The interaction `--log-test` logs: the first lookup that matched (else the first
/// lookup, else a call from nobody), inbound, so the association rules apply.
fn test_interaction(
    plans: &[Plan],
    popped: Option<(usize, Option<Match>)>,
) -> (Interaction, Option<Match>) {
    let (plan, m) = match popped {
        Some((i, m)) => (plans.get(i), m),
        None => (None, None),
    };
    let channel = match plan {
        Some(Plan::Email { .. }) => Channel::Email,
        Some(Plan::Case { .. }) => Channel::Chat,
        _ => Channel::Call,
    };
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let interaction = Interaction {
        channel,
        direction: Direction::Inbound,
        value: plan
            .map(|p| p.value().to_string())
            .unwrap_or_else(|| "crmctl doctor".into()),
        duration_seconds: Some(1),
        interaction_id: Some(format!("crmctl-doctor-{stamp}")),
        disposition: None,
        comment: Some("crmctl doctor --log-test: created, read back and deleted".into()),
        date: calllog::today(),
    };
    (interaction, m)
}
