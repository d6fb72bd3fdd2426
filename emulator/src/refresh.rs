//! `grant_type=refresh_token` (help.salesforce.com remoteaccess_oauth_refresh_token_flow,
//! README source 21): a refresh token from the org file's connected app, its
//! client id, and its secret when one is sent. Success is the documented set
//! `access_token, signature, scope, instance_url, id, token_type, issued_at`
//! (no new refresh token); an unknown, revoked or other app's refresh token is
//! `invalid_grant` / `expired access/refresh token`.

use serde_json::{Value, json};

use crate::state::Shared;

fn fail(error: &str, description: &str) -> (u16, Value) {
    (
        400,
        json!({"error": error, "error_description": description}),
    )
}

pub fn refresh_grant(
    shared: &Shared,
    req: &crate::server::Req,
    client_id: Option<&str>,
    client_secret: Option<&str>,
    refresh_token: Option<&str>,
) -> (u16, Value) {
    let org = shared.org.read().unwrap_or_else(|e| e.into_inner());
    let Some(app) = org
        .apps
        .iter()
        .find(|a| client_id.is_some_and(|c| c == a.client_id))
    else {
        return fail("invalid_client_id", "client identifier invalid");
    };
    // The secret is optional in this flow (sf's own app has none), checked when sent.
    if client_secret.is_some_and(|s| !s.is_empty() && s != app.client_secret) {
        return fail("invalid_client", "invalid client credentials");
    }
    if org.settings.inactive {
        return fail("inactive_org", "Org is locked, closed, or suspended");
    }
    let expired = || fail("invalid_grant", "expired access/refresh token");
    let Some(rt) = refresh_token
        .filter(|t| !t.is_empty())
        .and_then(|t| app.refresh_tokens.iter().find(|r| r.token == t))
    else {
        return expired();
    };
    let Some((user_id, user)) = org.user(&rt.username) else {
        return expired();
    };
    if !user.active || user.locked_out {
        return expired();
    }
    let user_id = user_id.clone();
    shared.count_login();
    let (access_token, issued_at) = shared.new_session(&org, &user_id);
    let id = format!("{}/id/{}/{user_id}", req.base, org.id);
    let signature = crate::state::signature(&app.client_secret, &format!("{id}{issued_at}"));
    (
        200,
        json!({
            "access_token": access_token,
            "signature": signature,
            "scope": "refresh_token web api",
            "instance_url": shared.instance_url,
            "id": id,
            "token_type": "Bearer",
            "issued_at": issued_at,
        }),
    )
}
