//! `POST /services/oauth2/token`: the username-password, client-credentials
//! (id and secret in the form or an `Authorization: Basic` header) and JWT
//! bearer flows, with every failure of salesforce-api.md section 1.3.

use serde_json::{Value, json};

use crate::org::Org;
use crate::state::{HostKind, Shared};

/// Token-endpoint failures are one JSON object with HTTP 400.
fn fail(error: &str, description: &str) -> (u16, Value) {
    (
        400,
        json!({"error": error, "error_description": description}),
    )
}

pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = match p.iter().position(|b| *b == b'=') {
                Some(i) => (&p[..i], &p[i + 1..]),
                None => (p, &b""[..]),
            };
            (decode_component(k), decode_component(v))
        })
        .collect()
}

/// Form decoding: `+` is a space, `%XX` a byte.
pub fn decode_component(s: &[u8]) -> String {
    let spaced: Vec<u8> = s
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    percent_encoding::percent_decode(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// `Authorization: Basic base64(id:secret)` (RFC 6749 2.3.1: both form-encoded
/// before base64), which the client-credentials flow also accepts.
fn basic_credentials(header: Option<&str>) -> Option<(String, String)> {
    use base64::Engine;
    let (scheme, b64) = header?.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((
        decode_component(id.as_bytes()),
        decode_component(secret.as_bytes()),
    ))
}

pub fn token(shared: &Shared, req: &crate::server::Req) -> (u16, Value) {
    let is_form = req.header("content-type").is_some_and(|c| {
        c.to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    if !is_form {
        return fail("unsupported_grant_type", "grant type not supported");
    }
    let pairs = form_pairs(req.body);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let grant = get("grant_type").unwrap_or("");
    if grant == JWT_GRANT {
        return jwt_bearer(shared, req, get("assertion").unwrap_or(""));
    }
    if grant == "refresh_token" {
        let basic = basic_credentials(req.header("authorization"));
        return crate::refresh::refresh_grant(
            shared,
            req,
            get("client_id").or(basic.as_ref().map(|b| b.0.as_str())),
            get("client_secret").or(basic.as_ref().map(|b| b.1.as_str())),
            get("refresh_token"),
        );
    }
    if grant != "password" && grant != "client_credentials" {
        return fail("unsupported_grant_type", "grant type not supported");
    }
    let basic = basic_credentials(req.header("authorization"));
    let client_id = get("client_id").or(basic.as_ref().map(|b| b.0.as_str()));
    let client_secret = get("client_secret").or(basic.as_ref().map(|b| b.1.as_str()));
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let Some(app) = org
        .apps
        .iter()
        .find(|a| Some(a.client_id.as_str()) == client_id)
    else {
        return fail("invalid_client_id", "client identifier invalid");
    };
    if client_secret != Some(app.client_secret.as_str()) {
        return fail("invalid_client", "invalid client credentials");
    }
    if org.settings.inactive {
        return fail("inactive_org", "Org is locked, closed, or suspended");
    }
    let logins = shared.count_login();
    if org.settings.max_logins.is_some_and(|max| logins > max) {
        return fail("rate_limit_exceeded", "Number of logins exceeded");
    }
    let user_id = if grant == "client_credentials" {
        if req.host == HostKind::Login {
            return fail("invalid_grant", "request not supported on this domain");
        }
        // [UNCONFIRMED] wording: no stored source quotes Salesforce's answer for an
        // app without "Enable Client Credentials Flow" (emulator README).
        if app.client_credentials_disabled {
            return fail(
                "invalid_grant",
                "client credentials flow is not enabled for this app",
            );
        }
        match app
            .client_credentials_user
            .as_deref()
            .and_then(|u| org.user(u))
        {
            Some((id, _)) => id.clone(),
            None => return fail("invalid_grant", "no client credentials user enabled"),
        }
    } else {
        match check_password(
            &org,
            app,
            get("username").unwrap_or(""),
            get("password").unwrap_or(""),
        ) {
            Ok(id) => id,
            Err(e) => return e,
        }
    };
    let (access_token, issued_at) = shared.new_session(&org, &user_id);
    let id = format!("{}/id/{}/{user_id}", req.base, org.id);
    let signature = crate::state::signature(&app.client_secret, &format!("{id}{issued_at}"));
    let instance_url = shared.instance_url.clone();
    if grant == "client_credentials" {
        (
            200,
            json!({"access_token": access_token, "signature": signature, "scope": "api", "instance_url": instance_url, "id": id, "token_type": "Bearer", "issued_at": issued_at}),
        )
    } else {
        (
            200,
            json!({"access_token": access_token, "instance_url": instance_url, "id": id, "token_type": "Bearer", "issued_at": issued_at, "signature": signature}),
        )
    }
}

/// The JWT bearer flow: no client secret, an RS256 assertion signed by the key
/// of the certificate configured on the connected app. Success has no refresh
/// token (help.salesforce.com remoteaccess_oauth_jwt_flow).
fn jwt_bearer(shared: &Shared, req: &crate::server::Req, assertion: &str) -> (u16, Value) {
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let now = crate::datetime::now_millis() / 1000;
    // Salesforce documents the authorization server's URL as the audience:
    // `https://login.salesforce.com`, `https://test.salesforce.com` (or an
    // Experience Cloud site); My Domain URLs are accepted too (README, source 12).
    let audiences = [
        "https://login.salesforce.com",
        "https://test.salesforce.com",
        shared.login_url.as_str(),
        shared.instance_url.as_str(),
    ];
    let claims = match crate::auth::verify_jwt(&org, assertion, &audiences, now) {
        Ok(c) => c,
        Err((error, description)) => return fail(error, description),
    };
    if org.settings.inactive {
        return fail("inactive_org", "Org is locked, closed, or suspended");
    }
    let Some((user_id, _)) = org.user(&claims.username) else {
        return fail("invalid_grant", "user hasn't approved this consumer");
    };
    let user_id = user_id.clone();
    shared.count_login();
    let (access_token, _) = shared.new_session(&org, &user_id);
    let id = format!("{}/id/{}/{user_id}", req.base, org.id);
    (
        200,
        json!({"access_token": access_token, "scope": "web openid api id", "instance_url": shared.instance_url, "id": id, "token_type": "Bearer"}),
    )
}

fn check_password(
    org: &Org,
    app: &crate::org::ConnectedApp,
    username: &str,
    password: &str,
) -> Result<String, (u16, Value)> {
    let auth_failure = || fail("invalid_grant", "authentication failure");
    let Some((id, user)) = org.user(username) else {
        return Err(auth_failure());
    };
    let ok = crate::auth::password_ok(user, password);
    // Salesforce hides why: a wrong password, a missing token and a locked-out
    // user all read "authentication failure".
    if !ok || user.locked_out {
        return Err(auth_failure());
    }
    if !user.active {
        return Err(fail("inactive_user", "User is inactive"));
    }
    if user.ip_restricted {
        return Err(fail(
            "invalid_grant",
            "IP restricted or invalid login hours",
        ));
    }
    if !user.password_flow_allowed || !org.settings.allow_username_password_flow {
        return Err(auth_failure());
    }
    if app
        .admin_approved_users
        .as_ref()
        .is_some_and(|list| !list.iter().any(|u| u.eq_ignore_ascii_case(&user.username)))
    {
        return Err(fail(
            "invalid_app_access",
            "user is not admin approved to access this app",
        ));
    }
    Ok(id.clone())
}
