//! Logins beyond the OAuth token endpoint's form flows: the Partner SOAP
//! `login()` call, OpenID Connect UserInfo, and the JWT bearer assertion check
//! (the grant itself is answered in `oauth.rs`).

use base64::Engine;
use quick_xml::events::Event;
use serde_json::{Value, json};

use crate::org::{Org, User};
use crate::server::{Answer, Req, authenticate};
use crate::state::Shared;

/// The `urls` map of the identity and UserInfo answers (version placeholder as
/// Salesforce sends it).
pub fn urls(instance: &str, org_id: &str, user_id: &str) -> Value {
    let v = "{version}";
    json!({
        "enterprise": format!("{instance}/services/Soap/c/{v}/{org_id}"),
        "metadata": format!("{instance}/services/Soap/m/{v}/{org_id}"),
        "partner": format!("{instance}/services/Soap/u/{v}/{org_id}"),
        "rest": format!("{instance}/services/data/v{v}/"),
        "sobjects": format!("{instance}/services/data/v{v}/sobjects/"),
        "search": format!("{instance}/services/data/v{v}/search/"),
        "query": format!("{instance}/services/data/v{v}/query/"),
        "recent": format!("{instance}/services/data/v{v}/recent/"),
        "profile": format!("{instance}/{user_id}"),
        "custom_domain": instance,
    })
}

fn bad_token() -> Answer {
    Answer {
        status: 403,
        content_type: "text/plain;charset=UTF-8",
        body: b"Bad_OAuth_Token".to_vec(),
        headers: Vec::new(),
    }
}

/// `GET /services/oauth2/userinfo`: the OpenID Connect UserInfo claims with
/// Salesforce's additions (help.salesforce.com remoteaccess_using_userinfo_endpoint;
/// field list of Salesforce's Postman collection "Auth/User Info").
pub fn userinfo(shared: &Shared, req: &Req) -> Answer {
    let Ok(user_id) = authenticate(shared, req.header("authorization")) else {
        return bad_token();
    };
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let Some(user) = org.user_by_id(&user_id) else {
        return bad_token();
    };
    let (first, last) = user.first_last();
    let instance = &shared.instance_url;
    Answer::json(
        200,
        &json!({
            "sub": format!("{}/id/{}/{user_id}", shared.login_url, org.id),
            "user_id": user_id,
            "organization_id": org.id,
            "preferred_username": user.username,
            "nickname": user.username.split('@').next().unwrap_or(""),
            "name": user.name,
            "email": user.email(),
            "email_verified": true,
            "given_name": first,
            "family_name": last,
            "zoneinfo": "Europe/Amsterdam",
            "photos": {
                "picture": format!("{instance}/profilephoto/005/F"),
                "thumbnail": format!("{instance}/profilephoto/005/T"),
            },
            "profile": format!("{instance}/{user_id}"),
            "picture": format!("{instance}/profilephoto/005/F"),
            "address": {},
            "is_salesforce_integration_user": false,
            "urls": urls(instance, &org.id, &user_id),
            "active": user.active,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_US",
            "utcOffset": 3_600_000,
            "updated_at": "2026-01-15T09:30:00Z",
            "is_app_installed": true,
        }),
    )
}

const ENVELOPE: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#;

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// A SOAP fault as the Partner API sends it (HTTP 500, `sf:` codes, a
/// `LoginFault` detail for login failures).
pub fn soap_fault(code: &str, message: &str) -> Answer {
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {msg}</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>{code}</sf:exceptionCode><sf:exceptionMessage>{msg}</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#,
        msg = esc(message)
    );
    Answer::xml(500, body)
}

fn client_fault(message: &str) -> Answer {
    Answer::xml(
        500,
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>{}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#,
            esc(message)
        ),
    )
}

/// The text of `<username>` and `<password>` inside `<login>`, whatever their
/// namespace prefixes; entities resolved.
fn login_params(body: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(body).ok()?;
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut in_login, mut current) = (false, None::<String>);
    let (mut username, mut password) = (None, None);
    let mut buf = String::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "login" {
                    in_login = true;
                } else if in_login && (name == "username" || name == "password") {
                    current = Some(name);
                    buf.clear();
                }
            }
            Event::Text(t) if current.is_some() => buf.push_str(&t.decode().ok()?),
            Event::CData(t) if current.is_some() => buf.push_str(&t.decode().ok()?),
            Event::GeneralRef(r) if current.is_some() => {
                if let Some(c) = r.resolve_char_ref().ok()? {
                    buf.push(c);
                } else {
                    let name = r.decode().ok()?;
                    buf.push_str(quick_xml::escape::resolve_predefined_entity(&name)?);
                }
            }
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if current.as_deref() == Some(name.as_str()) {
                    if name == "username" {
                        username = Some(buf.clone());
                    } else {
                        password = Some(buf.clone());
                    }
                    current = None;
                } else if name == "login" {
                    break;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some((username?, password?))
}

/// `POST /services/Soap/u/NN.N`: the Partner API `login()` call
/// (sforce_api_calls_login.htm, LoginResult fields in
/// sforce_api_calls_login_loginresult.htm, sample envelope from the Partner
/// API wiki page "PartnerLogin"). Wrong credentials, an unknown or locked user
/// all answer the one `INVALID_LOGIN` fault.
pub fn soap_login(shared: &Shared, req: &Req) -> Answer {
    let version = req.args.first().map(String::as_str).unwrap_or("");
    let valid_version = version
        .strip_suffix(".0")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !valid_version {
        return client_fault(&format!("Invalid API version: {version}"));
    }
    if let Some((true, session)) = crate::logout::logout_request(req.body) {
        return crate::logout::soap_logout(shared, session.as_deref());
    }
    let Some((username, password)) = login_params(req.body) else {
        return client_fault("Unable to find a login element with username and password");
    };
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let invalid = || {
        soap_fault(
            "INVALID_LOGIN",
            "Invalid username, password, security token; or user locked out.",
        )
    };
    let Some((user_id, user)) = org.user(&username) else {
        return invalid();
    };
    if !password_ok(user, &password) || user.locked_out || !user.active || user.ip_restricted {
        return invalid();
    }
    if org.settings.inactive {
        return soap_fault("INVALID_LOGIN", "Org is locked, closed, or suspended");
    }
    if !user.api_enabled {
        return soap_fault(
            "API_DISABLED_FOR_ORG",
            "API is not enabled for this Organization or Partner",
        );
    }
    let (session, _) = shared.new_session(&org, user_id);
    let instance = &shared.instance_url;
    let body = format!(
        "{ENVELOPE}<soapenv:Body><loginResponse><result>\
<metadataServerUrl>{instance}/services/Soap/m/{version}/{org_id}</metadataServerUrl>\
<passwordExpired>{expired}</passwordExpired>\
<sandbox>false</sandbox>\
<serverUrl>{instance}/services/Soap/u/{version}/{org_id}</serverUrl>\
<sessionId>{session}</sessionId>\
<userId>{user_id}</userId>\
<userInfo>\
<accessibilityMode>false</accessibilityMode>\
<chatterExternal>false</chatterExternal>\
<currencySymbol>€</currencySymbol>\
<orgAttachmentFileSizeLimit>5242880</orgAttachmentFileSizeLimit>\
<orgDefaultCurrencyIsoCode>EUR</orgDefaultCurrencyIsoCode>\
<orgDisallowHtmlAttachments>false</orgDisallowHtmlAttachments>\
<orgHasPersonAccounts>false</orgHasPersonAccounts>\
<organizationId>{org_id}</organizationId>\
<organizationMultiCurrency>false</organizationMultiCurrency>\
<organizationName>{org_name}</organizationName>\
<profileId>00e5g000000EMUAAA2</profileId>\
<roleId xsi:nil=\"true\"/>\
<sessionSecondsValid>7200</sessionSecondsValid>\
<userDefaultCurrencyIsoCode xsi:nil=\"true\"/>\
<userEmail>{email}</userEmail>\
<userFullName>{full}</userFullName>\
<userId>{user_id}</userId>\
<userLanguage>en_US</userLanguage>\
<userLocale>en_US</userLocale>\
<userName>{uname}</userName>\
<userTimeZone>Europe/Amsterdam</userTimeZone>\
<userType>Standard</userType>\
<userUiSkin>Theme3</userUiSkin>\
</userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>",
        org_id = org.id,
        expired = user.password_expired,
        org_name = esc(&org.settings.name),
        email = esc(user.email()),
        full = esc(&user.name),
        uname = esc(&user.username),
    );
    Answer::xml(200, body)
}

/// Password plus security token, or the password alone from a trusted IP.
pub fn password_ok(user: &User, password: &str) -> bool {
    let with_token = format!("{}{}", user.password, user.security_token);
    password == with_token || (user.trusted_ip && password == user.password)
}

/// Why a JWT bearer assertion is refused: (`error`, `error_description`).
pub type JwtError = (&'static str, &'static str);

/// The claims of a verified JWT bearer assertion.
pub struct JwtClaims {
    pub client_id: String,
    pub username: String,
}

fn b64(part: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()
}

/// Checks an RS256 assertion (help.salesforce.com remoteaccess_oauth_jwt_flow):
/// `iss` a connected app with a certificate, the signature by that certificate's
/// key, `aud` one of this emulator's hosts, `exp` not passed, `sub` a username.
pub fn verify_jwt(
    org: &Org,
    assertion: &str,
    audiences: &[&str],
    now_secs: i64,
) -> Result<JwtClaims, JwtError> {
    const INVALID: JwtError = ("invalid_grant", "invalid assertion");
    let mut parts = assertion.split('.');
    let (Some(h), Some(c), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(INVALID);
    };
    let header: Value = b64(h)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(INVALID)?;
    let claims: Value = b64(c)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(INVALID)?;
    let signature = b64(s).ok_or(INVALID)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(("invalid_grant", "invalid assertion"));
    }
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    let app = org
        .apps
        .iter()
        .find(|a| a.client_id == iss)
        .ok_or(("invalid_client_id", "client identifier invalid"))?;
    let cert_pem = app.certificate.as_deref().ok_or(INVALID)?;
    verify_rs256(cert_pem, format!("{h}.{c}").as_bytes(), &signature).ok_or(INVALID)?;
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => audiences.contains(&a.trim_end_matches('/')),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .any(|a| audiences.contains(&a.trim_end_matches('/'))),
        _ => false,
    };
    if !aud_ok {
        return Err(("invalid_grant", "audience is invalid"));
    }
    // Salesforce allows a few minutes of clock skew; the emulator allows none.
    // simple-salesforce sends `exp` as a string of seconds; Salesforce takes both.
    let exp = match claims.get("exp") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    };
    match exp {
        Some(exp) if exp > now_secs => {}
        Some(_) => return Err(("invalid_grant", "expired authorization code")),
        None => return Err(INVALID),
    }
    let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
    let user = org
        .user(sub)
        .ok_or(("invalid_grant", "user hasn't approved this consumer"))?;
    if !user.1.active {
        return Err(("invalid_grant", "user hasn't approved this consumer"));
    }
    if app
        .admin_approved_users
        .as_ref()
        .is_some_and(|list| !list.iter().any(|u| u.eq_ignore_ascii_case(sub)))
    {
        return Err(("invalid_grant", "user hasn't approved this consumer"));
    }
    Ok(JwtClaims {
        client_id: iss.to_string(),
        username: user.1.username.clone(),
    })
}

/// RSASSA-PKCS1-v1_5 with SHA-256 by the key of a PEM certificate (webpki over ring).
fn verify_rs256(cert_pem: &str, msg: &[u8], signature: &[u8]) -> Option<()> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let der = CertificateDer::from_pem_slice(cert_pem.as_bytes()).ok()?;
    let cert = webpki::EndEntityCert::try_from(&der).ok()?;
    cert.verify_signature(webpki::ring::RSA_PKCS1_2048_8192_SHA256, msg, signature)
        .ok()
}
