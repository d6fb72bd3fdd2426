//! Which objects and fields a session's user can see: one composite request with
//! the describes (one API call), else one describe at a time. `crmctl login`'s
//! field check, and `doctor`'s readiness check under a client-credentials token.

use super::{CallInfo, Client, Session, SfError};

/// One object's check.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectCheck {
    pub object: &'static str,
    /// `None`: the object itself is not visible; else the fields it hides.
    pub missing: Option<Vec<&'static str>>,
}

/// What [`Client::describe_composite`] answered (or `None` when it was not sent).
pub type Described = Option<Result<(Vec<Result<Vec<String>, SfError>>, CallInfo), SfError>>;

/// The checks, with the API usage the org reported (`used`, `max`).
pub type Checked = (Vec<ObjectCheck>, Option<(u64, u64)>);

/// The objects and fields, checked; with the API usage the org reported.
/// `described`: the composite's answer when the caller sent it (so it can run
/// beside other calls); `version_offered`: whether the org offers `version` (when
/// not, a 404 means nothing is described).
pub fn check(
    client: &Client,
    session: &Session,
    version: &str,
    version_offered: bool,
    wanted: &[(&'static str, Vec<&'static str>)],
    described: Described,
) -> Result<Checked, SfError> {
    let mut api_usage = None;
    let each = match described {
        Some(Ok((each, info))) => {
            api_usage = info.api_usage;
            each
        }
        // The version does not exist: there is nothing to describe.
        Some(Err(SfError::Api { status: 404, .. })) if !version_offered => Vec::new(),
        // Before v38.0, or an org without `/composite`: one describe at a time.
        Some(Err(SfError::Api { status: 404, .. })) | None => describe_each(
            client,
            session,
            version,
            version_offered,
            wanted,
            &mut api_usage,
        ),
        Some(Err(e)) => return Err(e),
    };
    let mut objects = Vec::new();
    for ((object, fields), result) in wanted.iter().zip(each) {
        match result {
            Ok(visible) => {
                let missing = fields
                    .iter()
                    .copied()
                    .filter(|f| !visible.iter().any(|v| v == f))
                    .collect();
                objects.push(ObjectCheck {
                    object,
                    missing: Some(missing),
                });
            }
            Err(SfError::Api { status: 404, .. }) => objects.push(ObjectCheck {
                object,
                missing: None,
            }),
            Err(e) => return Err(e),
        }
    }
    Ok((objects, api_usage))
}

/// [`check`] with its own composite request, for a version known to be offered.
pub fn check_now(
    client: &Client,
    session: &Session,
    version: &str,
    wanted: &[(&'static str, Vec<&'static str>)],
) -> Result<Vec<ObjectCheck>, SfError> {
    let names: Vec<&str> = wanted.iter().map(|(o, _)| *o).collect();
    let described = client.describe_composite(session, version, &names);
    check(client, session, version, true, wanted, described).map(|(o, _)| o)
}

/// `Object.Field` for each hidden field, `Object` for an object not visible.
pub fn hidden(objects: &[ObjectCheck]) -> Vec<String> {
    objects
        .iter()
        .flat_map(|o| match &o.missing {
            None => vec![o.object.to_string()],
            Some(m) => m.iter().map(|f| format!("{}.{f}", o.object)).collect(),
        })
        .collect()
}

/// The objects described one GET at a time, in order; stops at the first failure
/// that is not "not visible", and at the first 404 when the version is not
/// offered (then every describe would answer 404).
fn describe_each(
    client: &Client,
    session: &Session,
    version: &str,
    version_offered: bool,
    wanted: &[(&'static str, Vec<&'static str>)],
    api_usage: &mut Option<(u64, u64)>,
) -> Vec<Result<Vec<String>, SfError>> {
    let mut each = Vec::new();
    for (object, _) in wanted {
        match client.field_names(session, version, object) {
            Ok((visible, info)) => {
                *api_usage = info.api_usage.or(*api_usage);
                each.push(Ok(visible));
            }
            Err(SfError::Api { status: 404, .. }) if !version_offered => break,
            Err(e) => {
                let stop = !matches!(e, SfError::Api { status: 404, .. });
                each.push(Err(e));
                if stop {
                    break;
                }
            }
        }
    }
    each
}
