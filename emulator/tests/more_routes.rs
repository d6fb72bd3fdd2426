//! The rest of issue 17's routes over raw HTTP: record counts, replication
//! (`updated`, `deleted`), SOAP `logout()` and OAuth revoke, compressed request
//! bodies, the resources list, and `Sforce-Limit-Info` under `request_limit`.

mod common;

use std::io::Write;

use common::*;
use emulator::Faults;
use serde_json::{Value, json};

const V: &str = "/services/data/v60.0";

fn iso(ms: i64) -> String {
    enc(&emulator::datetime::format_millis(ms))
}

fn now() -> i64 {
    emulator::datetime::now_millis()
}

#[test]
fn record_counts_per_object() {
    let emu = start();
    let t = demo_token(&emu);
    let r = get(
        &emu,
        &t,
        &format!("{V}/limits/recordCount?sObjects=Account,contact,Nope"),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let list = v["sObjects"].as_array().expect("sObjects");
    let names: Vec<&str> = list
        .iter()
        .map(|o| o["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Account", "Contact"]);
    let accounts = query(&emu, &t, "SELECT COUNT() FROM Account").json()["totalSize"].clone();
    assert_eq!(list[0], json!({"count": accounts, "name": "Account"}));
    // No sObjects: every object.
    let all = get(&emu, &t, &format!("{V}/limits/recordCount")).json();
    assert_eq!(all["sObjects"].as_array().map(Vec::len), Some(7));
}

#[test]
fn updated_and_deleted_ids_in_a_window() {
    let emu = start();
    let t = demo_token(&emu);
    let start_ms = now() - 60_000;
    let r = post_json(
        &emu,
        &t,
        &format!("{V}/sobjects/Account"),
        &json!({"Name": "Replicated"}),
    );
    let id = r.json()["id"].as_str().expect("id").to_string();
    let end_ms = now() + 60_000;
    let window = format!("start={}&end={}", iso(start_ms), iso(end_ms));
    let up = get(&emu, &t, &format!("{V}/sobjects/Account/updated/?{window}"));
    assert_eq!(up.status, 200, "{}", up.text());
    let v = up.json();
    assert_eq!(
        v["ids"],
        json!([id]),
        "only the record changed in the window"
    );
    assert!(
        v["latestDateCovered"]
            .as_str()
            .expect("latest")
            .ends_with(":00.000+0000")
    );

    let auth = format!("Bearer {t}");
    let d = call(
        &emu.base_url,
        "DELETE",
        &format!("{V}/sobjects/Account/{id}"),
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(d.status, 204);
    let del = get(&emu, &t, &format!("{V}/sobjects/Account/deleted/?{window}")).json();
    assert_eq!(del["deletedRecords"][0]["id"], id.as_str());
    assert!(del["deletedRecords"][0]["deletedDate"].is_string());
    assert!(del["earliestDateAvailable"].is_string());
    assert_eq!(
        get(&emu, &t, &format!("{V}/sobjects/Contact/deleted/?{window}")).json()["deletedRecords"],
        json!([])
    );

    // Bad windows.
    let code = |q: &str| -> (u16, String) {
        let r = get(&emu, &t, &format!("{V}/sobjects/Account/updated/?{q}"));
        (
            r.status,
            r.json()[0]["errorCode"].as_str().unwrap_or("").to_string(),
        )
    };
    let e = |c: &str| (400, c.to_string());
    assert_eq!(
        code(&format!("start={}", iso(start_ms))),
        e("MISSING_ARGUMENT")
    );
    assert_eq!(
        code(&format!("start=yesterday&end={}", iso(end_ms))),
        e("INVALID_REPLICATION_DATE")
    );
    assert_eq!(
        code(&format!("start={}&end={}", iso(end_ms), iso(start_ms))),
        e("INVALID_REPLICATION_DATE")
    );
    assert_eq!(
        code(&format!(
            "start={}&end={}",
            iso(now() - 31 * 86_400_000),
            iso(end_ms)
        )),
        e("INVALID_REPLICATION_DATE")
    );
    assert_eq!(
        get(&emu, &t, &format!("{V}/sobjects/Nope/updated/?{window}")).status,
        404
    );
    let r = call(
        &emu.base_url,
        "POST",
        &format!("{V}/sobjects/Account/updated"),
        &[("Authorization", &auth)],
        b"{}",
    );
    assert_eq!(r.status, 405);
}

fn soap(emu: &emulator::Background, body: &str) -> Resp {
    call(
        &emu.login_url,
        "POST",
        "/services/Soap/u/60.0",
        &[
            ("Content-Type", "text/xml; charset=UTF-8"),
            ("SOAPAction", "logout"),
        ],
        body.as_bytes(),
    )
}

#[test]
fn soap_logout_and_revoke_end_the_session() {
    let emu = start();
    let t = demo_token(&emu);
    let logout = |session: &str| {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><env:Header><urn:SessionHeader><urn:sessionId>{session}</urn:sessionId></urn:SessionHeader></env:Header><env:Body><urn:logout/></env:Body></env:Envelope>"#
        )
    };
    let r = soap(&emu, &logout(&t));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("<logoutResponse/>"), "{}", r.text());
    assert_eq!(get(&emu, &t, &format!("{V}/limits")).status, 401);
    // Twice, or with a made-up session: the SOAP fault.
    let r = soap(&emu, &logout(&t));
    assert_eq!(r.status, 500);
    assert!(
        r.text()
            .contains("<faultcode>sf:INVALID_SESSION_ID</faultcode>"),
        "{}",
        r.text()
    );
    let r = soap(
        &emu,
        &logout("").replace("<urn:sessionId></urn:sessionId>", ""),
    );
    assert_eq!(r.status, 500);

    let t = demo_token(&emu);
    let revoke = |token: &str| {
        call(
            &emu.login_url,
            "POST",
            "/services/oauth2/revoke",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            form(&[("token", token)]).as_bytes(),
        )
    };
    let r = revoke(&t);
    assert_eq!((r.status, r.body.len()), (200, 0));
    assert_eq!(get(&emu, &t, &format!("{V}/limits")).status, 401);
    let r = revoke(&t);
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "unsupported_token_type");
}

#[test]
fn compressed_request_bodies_are_decompressed() {
    let emu = start();
    let t = demo_token(&emu);
    let auth = format!("Bearer {t}");
    let body = br#"{"Name": "Gzipped Inc"}"#;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(body).expect("gzip");
    let gz = e.finish().expect("gzip");
    let send = |enc: &str, b: &[u8]| {
        call(
            &emu.base_url,
            "POST",
            &format!("{V}/sobjects/Account"),
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
                ("Content-Encoding", enc),
            ],
            b,
        )
    };
    let r = send("gzip", &gz);
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().expect("id").to_string();
    assert_eq!(
        get(&emu, &t, &format!("{V}/sobjects/Account/{id}")).json()["Name"],
        "Gzipped Inc"
    );
    let r = send("gzip", body);
    assert_eq!(
        (r.status, r.json()[0]["errorCode"].clone()),
        (400, json!("JSON_PARSER_ERROR"))
    );
    assert_eq!(send("br", body).status, 415);
    // Decompressed past 1 MiB: 413.
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&vec![b' '; 2 << 20]).expect("gzip");
    assert_eq!(send("gzip", &e.finish().expect("gzip")).status, 413);
    // The token endpoint takes a compressed form too.
    let f = form(&[
        ("grant_type", "password"),
        ("client_id", emulator::default_org::DEMO_CLIENT_ID),
        ("client_secret", emulator::default_org::DEMO_CLIENT_SECRET),
        ("username", emulator::default_org::DEMO_USERNAME),
        (
            "password",
            &format!(
                "{}{}",
                emulator::default_org::DEMO_PASSWORD,
                emulator::default_org::DEMO_SECURITY_TOKEN
            ),
        ),
    ]);
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(f.as_bytes()).expect("gzip");
    let r = call(
        &emu.login_url,
        "POST",
        "/services/oauth2/token",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Content-Encoding", "gzip"),
        ],
        &e.finish().expect("gzip"),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn the_resources_list_advertises_only_what_answers() {
    let emu = start();
    let t = demo_token(&emu);
    let v = get(&emu, &t, &format!("{V}/")).json();
    let map = v.as_object().expect("map");
    assert!(map.len() >= 8, "{v}");
    for (name, url) in map {
        let url = url.as_str().expect("url");
        let path = url.strip_prefix(&emu.login_url).unwrap_or(url);
        let r = get(&emu, &t, path);
        // Served: anything but 404 (query without q is a 400, for instance).
        assert_ne!(r.status, 404, "{name}: {url}");
    }
    assert!(
        map["identity"]
            .as_str()
            .expect("identity")
            .starts_with(&emu.login_url)
    );
}

#[test]
fn the_limit_header_shows_the_request_limit() {
    let emu = with_faults(Faults {
        request_limit: Some(3),
        ..Faults::default()
    });
    let t = demo_token(&emu);
    let r = get(&emu, &t, &format!("{V}/limits"));
    assert_eq!(r.header("Sforce-Limit-Info"), Some("api-usage=1/3"));
    assert_eq!(
        r.json()["DailyApiRequests"],
        json!({"Max": 3, "Remaining": 2})
    );
    let emu = start();
    let t = demo_token(&emu);
    let r = get(&emu, &t, &format!("{V}/limits"));
    assert_eq!(r.header("Sforce-Limit-Info"), Some("api-usage=1/15000"));
    let _: Value = r.json();
}

/// Every route of the table, with every method it does not take, answers 405
/// `METHOD_NOT_ALLOWED`; with every method it takes and a malformed body, it
/// answers (no panic, no hang) with a client error or its documented success,
/// never an unexpected 500 (SOAP faults are 500 by definition).
#[test]
fn every_route_answers_wrong_methods_and_garbage() {
    let emu = start();
    let t = demo_token(&emu);
    let auth = format!("Bearer {t}");
    let all = ["GET", "POST", "PATCH", "PUT", "DELETE"];
    for route in emulator::routes::ROUTES {
        if route.label == "not_found" {
            continue;
        }
        let path = route
            .pattern
            .replace("{v}", "v60.0")
            .replace('*', "Account");
        let base = if path.starts_with("/services/data") {
            &emu.base_url
        } else {
            &emu.login_url
        };
        for method in all {
            let allowed = route.methods.contains(&method);
            let r = call(
                base,
                method,
                &path,
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/json"),
                ],
                b"\xff{\"records\": [nope",
            );
            if !allowed {
                // Another route may take this method on the same path.
                let other = emulator::routes::ROUTES.iter().any(|o| {
                    o.label != "not_found"
                        && o.methods.contains(&method)
                        && emulator::routes::match_pattern(o.pattern, &path).is_some()
                });
                if !other {
                    assert_eq!(r.status, 405, "{method} {path}: {}", r.text());
                    assert_eq!(
                        r.json()[0]["errorCode"],
                        "METHOD_NOT_ALLOWED",
                        "{method} {path}"
                    );
                }
                continue;
            }
            let soap = path.starts_with("/services/Soap");
            assert!(
                r.status < 500 || (soap && r.status == 500),
                "{method} {path} with a malformed body: {} {}",
                r.status,
                r.text()
            );
        }
    }
}
