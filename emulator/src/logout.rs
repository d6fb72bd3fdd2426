//! Ending a session: the Partner API's SOAP `logout()` (README source 26) and
//! `POST /services/oauth2/revoke` (source 27), which jsforce's `logout()` uses
//! for OAuth sessions. Either way the access token stops working at once.

use quick_xml::events::Event;

use crate::server::{Answer, Req};
use crate::state::Shared;

/// What a SOAP envelope asks for: whether its body's first element is
/// `logout`, and the `sessionId` of its `SessionHeader`.
pub fn logout_request(body: &[u8]) -> Option<(bool, Option<String>)> {
    let text = std::str::from_utf8(body).ok()?;
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut in_body, mut in_session, mut first_op) = (false, false, None::<String>);
    let mut session = None;
    // Bounded by the body's length (1 MiB at most).
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "Body" {
                    in_body = true;
                } else if in_body && first_op.is_none() {
                    first_op = Some(name);
                } else if name == "sessionId" {
                    in_session = true;
                }
            }
            Event::Text(t) if in_session => {
                session = Some(t.decode().ok()?.trim().to_string());
            }
            Event::End(e) if e.local_name().as_ref() == b"sessionId" => in_session = false,
            Event::Eof => break,
            _ => {}
        }
    }
    Some((first_op.as_deref() == Some("logout"), session))
}

fn fault(code: &str, message: &str) -> Answer {
    let msg = quick_xml::escape::escape(message);
    Answer::xml(
        500,
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {msg}</faultstring><detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>{code}</sf:exceptionCode><sf:exceptionMessage>{msg}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#
        ),
    )
}

/// SOAP `logout()`: ends the session named in the `SessionHeader`.
pub fn soap_logout(shared: &Shared, session: Option<&str>) -> Answer {
    let removed = session.is_some_and(|s| {
        shared
            .sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(s)
            .is_some()
    });
    if !removed {
        return fault(
            "INVALID_SESSION_ID",
            "Invalid Session ID found in SessionHeader: Illegal Session",
        );
    }
    Answer::xml(
        200,
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><logoutResponse/></soapenv:Body></soapenv:Envelope>"#.to_string(),
    )
}

/// `POST /services/oauth2/revoke` with `token=<access or refresh token>` (form
/// body or query): 200 with an empty body, and the token stops working; an
/// unknown token is 400 `unsupported_token_type`.
pub fn revoke(shared: &Shared, req: &Req) -> Answer {
    let form = crate::oauth::form_pairs(req.body);
    let token = form
        .iter()
        .chain(req.query.iter())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.as_str());
    let removed = token.is_some_and(|t| {
        shared
            .sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(t)
            .is_some()
    });
    // A refresh token can be revoked too (`sf org logout` does): it stops working.
    let removed = removed
        || token.is_some_and(|t| {
            let mut org = shared.org.write().unwrap_or_else(|e| e.into_inner());
            let mut found = false;
            for app in &mut org.apps {
                let before = app.refresh_tokens.len();
                app.refresh_tokens.retain(|r| r.token != t);
                found |= app.refresh_tokens.len() != before;
            }
            found
        });
    if removed {
        return Answer {
            status: 200,
            content_type: "text/plain;charset=UTF-8",
            body: Vec::new(),
            headers: Vec::new(),
        };
    }
    Answer::json(
        400,
        &serde_json::json!({"error": "unsupported_token_type", "error_description": "this token type is not supported"}),
    )
}
