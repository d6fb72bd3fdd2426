//! Record writes and reads by Id (`sobjects/<Object>/[<Id>]`): what the auto log
//! of `lookup --log` and `doctor --log-test` need. Through the client's one
//! `execute`: no redirects, a body cap, the deadline. Writes are never retried (a
//! create that timed out may have happened).

use std::time::Instant;

use serde_json::Value;

use super::http::{api_error, describe_body, redact_url};
use super::{CallInfo, Client, DATA_BODY_CAP, Session, SfError};
use crate::output::OrgText;

/// A refused record write: Salesforce's error and the fields it names (a restricted
/// picklist, a field the user cannot set).
#[derive(Debug, Clone)]
pub struct RecordError {
    pub error: SfError,
    pub fields: Vec<OrgText>,
}

impl From<SfError> for RecordError {
    fn from(error: SfError) -> Self {
        RecordError {
            error,
            fields: Vec::new(),
        }
    }
}

/// Ids go into a path: everything but unreserved characters escaped.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn record_url(session: &Session, version: &str, object: &str, id: Option<&str>) -> String {
    let base = format!(
        "{}/services/data/v{version}/sobjects/{object}/",
        session.instance_url
    );
    match id {
        Some(id) => format!("{base}{}", percent_encoding::utf8_percent_encode(id, PATH)),
        None => base,
    }
}

impl Client {
    /// `POST .../sobjects/<Object>/`: creates one record and returns its Id (201
    /// `{"id", "errors", "success"}`).
    pub fn create(
        &self,
        session: &Session,
        version: &str,
        object: &str,
        body: &Value,
    ) -> Result<(String, CallInfo), RecordError> {
        let url = record_url(session, version, object, None);
        let (status, v, info) = self.write(reqwest::Method::POST, &url, session, Some(body))?;
        let id = v
            .as_ref()
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .filter(|_| status == 201 || status == 200)
            .ok_or_else(|| {
                RecordError::from(SfError::Protocol {
                    status,
                    detail: "the create answer has no record id".into(),
                })
            })?;
        Ok((id.to_string(), info))
    }

    /// `GET .../sobjects/<Object>/<Id>`: every field of one record the user can see.
    pub fn retrieve(
        &self,
        session: &Session,
        version: &str,
        object: &str,
        id: &str,
    ) -> Result<(Value, CallInfo), SfError> {
        self.get_json(
            &record_url(session, version, object, Some(id)),
            Some(&session.access_token),
        )
    }

    /// `DELETE .../sobjects/<Object>/<Id>`: 204 on success.
    pub fn delete(
        &self,
        session: &Session,
        version: &str,
        object: &str,
        id: &str,
    ) -> Result<CallInfo, RecordError> {
        let url = record_url(session, version, object, Some(id));
        self.write(reqwest::Method::DELETE, &url, session, None)
            .map(|(_, _, info)| info)
    }

    /// One authenticated write: the status and the JSON body (none for 204), or
    /// Salesforce's error with the `fields` it names.
    fn write(
        &self,
        method: reqwest::Method,
        url: &str,
        session: &Session,
        body: Option<&Value>,
    ) -> Result<(u16, Option<Value>, CallInfo), RecordError> {
        use secrecy::ExposeSecret;
        let parsed = Self::check_url(url)?;
        let t = Instant::now();
        self.trace(&format!(
            "{method} {}{}",
            redact_url(url),
            self.via(&parsed)
        ));
        let payload = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| SfError::Protocol {
                status: 0,
                detail: format!("cannot encode the record: {e}"),
            })?;
        let mut auth = reqwest::header::HeaderValue::from_str(&format!(
            "Bearer {}",
            session.access_token.expose_secret()
        ))
        .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("Bearer"));
        auth.set_sensitive(true);
        let answer = self.execute(&parsed, self.deadline(), DATA_BODY_CAP, |c| {
            let mut req = c
                .request(method, parsed.clone())
                .header("Accept", "application/json")
                .header(reqwest::header::AUTHORIZATION, auth);
            if let Some(p) = payload {
                req = req.header("Content-Type", "application/json").body(p);
            }
            req
        })?;
        let status = answer.status;
        self.trace(&format!(
            "<- {status} ({} bytes, {} ms)",
            answer.body.len(),
            t.elapsed().as_millis()
        ));
        let info = CallInfo {
            api_usage: answer.usage,
            elapsed: t.elapsed(),
            attempts: 1,
        };
        let v: Option<Value> = serde_json::from_slice(&answer.body).ok();
        if (200..300).contains(&status) {
            if v.is_none() && status != 204 {
                return Err(SfError::Protocol {
                    status,
                    detail: describe_body(&answer.body),
                }
                .into());
            }
            return Ok((status, v, info));
        }
        let fields = v
            .as_ref()
            .and_then(|v| v.as_array()?.first()?.get("fields")?.as_array().cloned())
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(OrgText::from))
                    .collect()
            })
            .unwrap_or_default();
        let error = api_error(status, &answer.body).unwrap_or(SfError::Protocol {
            status,
            detail: describe_body(&answer.body),
        });
        Err(RecordError { error, fields })
    }
}
