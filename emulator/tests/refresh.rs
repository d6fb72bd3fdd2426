//! The refresh-token grant over raw HTTP, as `sf org login sfdx-url`, jsforce's
//! `oauth2.refreshToken` and simple-salesforce users send it.

mod common;

use common::*;
use emulator::default_org::*;
use emulator::org::RefreshToken;
use serde_json::json;

fn refresh(url: &str, pairs: &[(&str, &str)]) -> Resp {
    let mut all = vec![("grant_type", "refresh_token")];
    all.extend_from_slice(pairs);
    token_request(url, &all)
}

#[test]
fn a_published_refresh_token_gives_a_session() {
    let emu = start();
    for (url, with_secret) in [(&emu.login_url, true), (&emu.base_url, false)] {
        let mut pairs = vec![
            ("client_id", DEMO_CLIENT_ID),
            ("refresh_token", DEMO_REFRESH_TOKEN),
        ];
        if with_secret {
            pairs.push(("client_secret", DEMO_CLIENT_SECRET));
        }
        let r = refresh(url, &pairs);
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(
            r.keys(),
            [
                "access_token",
                "signature",
                "scope",
                "instance_url",
                "id",
                "token_type",
                "issued_at"
            ]
        );
        let v = r.json();
        assert_eq!(v["instance_url"], emu.base_url.as_str());
        assert!(
            v["id"]
                .as_str()
                .expect("id")
                .starts_with(&format!("{url}/id/00D"))
        );
        let token = v["access_token"].as_str().expect("token");
        assert_eq!(get(&emu, token, "/services/data/v60.0/limits").status, 200);
        // The identity and UserInfo calls sf makes after an sfdx-url login.
        let auth = format!("Bearer {token}");
        let ui = call(
            &emu.base_url,
            "GET",
            "/services/oauth2/userinfo",
            &[("Authorization", &auth)],
            b"",
        );
        assert_eq!(ui.json()["preferred_username"], DEMO_USERNAME);
    }
    // Client id and secret in a Basic header work too (RFC 6749 2.3.1).
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}"));
    let r = call(
        &emu.login_url,
        "POST",
        "/services/oauth2/token",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", &format!("Basic {basic}")),
        ],
        form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", DEMO_REFRESH_TOKEN),
        ])
        .as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn refresh_failures_are_salesforces() {
    let emu = start();
    let err = |e: &str, d: &str| json!({"error": e, "error_description": d});
    let expired = err("invalid_grant", "expired access/refresh token");
    let cases: Vec<(Vec<(&str, &str)>, serde_json::Value)> = vec![
        (
            vec![
                ("client_id", DEMO_CLIENT_ID),
                ("refresh_token", "5Aep-nope"),
            ],
            expired.clone(),
        ),
        (vec![("client_id", DEMO_CLIENT_ID)], expired.clone()),
        (
            vec![("client_id", DEMO_CLIENT_ID), ("refresh_token", "")],
            expired.clone(),
        ),
        // Another app's client id with the demo app's token.
        (
            vec![
                ("client_id", "3MVG9crmctlAPPROVEDonly.emulator"),
                ("refresh_token", DEMO_REFRESH_TOKEN),
            ],
            expired.clone(),
        ),
        (
            vec![
                ("client_id", "3MVG9unknown"),
                ("refresh_token", DEMO_REFRESH_TOKEN),
            ],
            err("invalid_client_id", "client identifier invalid"),
        ),
        (
            vec![
                ("client_id", DEMO_CLIENT_ID),
                ("client_secret", "wrong"),
                ("refresh_token", DEMO_REFRESH_TOKEN),
            ],
            err("invalid_client", "invalid client credentials"),
        ),
    ];
    for (pairs, want) in cases {
        let r = refresh(&emu.login_url, &pairs);
        assert_eq!((r.status, r.json()), (400, want), "{pairs:?}");
    }
}

#[test]
fn the_org_file_holds_refresh_tokens_per_app_and_user() {
    let mut file = default_org_file();
    file.connected_apps[0].refresh_tokens = vec![
        RefreshToken {
            username: "trusted@crmctl.example".into(),
            token: "rt-trusted".into(),
        },
        RefreshToken {
            username: "inactive@crmctl.example".into(),
            token: "rt-inactive".into(),
        },
    ];
    let emu = start_with(file);
    let r = refresh(
        &emu.login_url,
        &[
            ("client_id", DEMO_CLIENT_ID),
            ("refresh_token", "rt-trusted"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let token = r.json()["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    let auth = format!("Bearer {token}");
    let ui = call(
        &emu.base_url,
        "GET",
        "/services/oauth2/userinfo",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(ui.json()["preferred_username"], "trusted@crmctl.example");
    // The demo token is gone from this file; an inactive user's token is refused.
    for t in [DEMO_REFRESH_TOKEN, "rt-inactive"] {
        let r = refresh(
            &emu.login_url,
            &[("client_id", DEMO_CLIENT_ID), ("refresh_token", t)],
        );
        assert_eq!(r.status, 400, "{t}");
    }
    // A token for a user the file does not have, or used twice, is refused at load.
    for tokens in [
        vec![RefreshToken {
            username: "ghost@crmctl.example".into(),
            token: "rt".into(),
        }],
        vec![
            RefreshToken {
                username: DEMO_USERNAME.into(),
                token: "rt".into(),
            },
            RefreshToken {
                username: "trusted@crmctl.example".into(),
                token: "rt".into(),
            },
        ],
    ] {
        let mut file = default_org_file();
        file.connected_apps[0].refresh_tokens = tokens;
        assert!(emulator::Org::from_file(file).is_err());
    }
}

#[test]
fn a_revoked_refresh_token_stops_working() {
    let emu = start();
    let pairs = [
        ("client_id", DEMO_CLIENT_ID),
        ("refresh_token", DEMO_REFRESH_TOKEN),
    ];
    assert_eq!(refresh(&emu.login_url, &pairs).status, 200);
    let r = call(
        &emu.login_url,
        "POST",
        "/services/oauth2/revoke",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form(&[("token", DEMO_REFRESH_TOKEN)]).as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = refresh(&emu.login_url, &pairs);
    assert_eq!(
        (r.status, r.json()["error_description"].clone()),
        (400, json!("expired access/refresh token"))
    );
}
