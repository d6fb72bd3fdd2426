//! The logins real clients use, over raw HTTP: Partner SOAP `login()`, client
//! credentials in a Basic header, the JWT bearer grant, OpenID UserInfo, and
//! what `sf` reads after a login (the User record, Organization, `//` paths).

mod common;

use base64::Engine;
use common::*;
use emulator::default_org::*;
use serde_json::{Value, json};

const KEY_PEM: &str = include_str!("fixtures/jwt-demo-key.pem");

fn soap_login(url: &str, version: &str, username: &str, password: &str) -> Resp {
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><env:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body><n1:login xmlns:n1="urn:partner.soap.sforce.com"><n1:username>{}</n1:username><n1:password>{}</n1:password></n1:login></env:Body></env:Envelope>"#,
        xml_escape(username),
        xml_escape(password)
    );
    call(
        url,
        "POST",
        &format!("/services/Soap/u/{version}"),
        &[
            ("Content-Type", "text/xml; charset=UTF-8"),
            ("SOAPAction", "login"),
        ],
        body.as_bytes(),
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn tag<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(&xml[start..end])
}

#[test]
fn soap_login_returns_a_session_usable_on_the_rest_api() {
    let emu = start();
    let r = soap_login(
        &emu.login_url,
        "59.0",
        DEMO_USERNAME,
        &format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}"),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/xml"))
    );
    let xml = String::from_utf8_lossy(&r.body).into_owned();
    assert!(xml.contains("<loginResponse><result>"), "{xml}");
    let session = tag(&xml, "sessionId").expect("sessionId");
    let server = tag(&xml, "serverUrl").expect("serverUrl");
    let org_id = emu_org_id(&emu);
    assert_eq!(
        server,
        format!("{}/services/Soap/u/59.0/{org_id}", emu.base_url)
    );
    assert_eq!(tag(&xml, "passwordExpired"), Some("false"));
    assert_eq!(tag(&xml, "userName"), Some(DEMO_USERNAME));
    assert_eq!(tag(&xml, "organizationId"), Some(org_id.as_str()));
    // The session id is a REST bearer token too (jsforce and simple-salesforce use it so).
    let v = get(&emu, session, "/services/data/v59.0/limits");
    assert_eq!(v.status, 200);
}

fn emu_org_id(emu: &emulator::Background) -> String {
    let t = demo_token(emu);
    let v = get(emu, &t, "/services/oauth2/userinfo").json();
    v["organization_id"].as_str().expect("org id").to_string()
}

#[test]
fn soap_login_failures_are_the_documented_fault() {
    let emu = start();
    for (user, pass) in [
        (DEMO_USERNAME, DEMO_PASSWORD.to_string()),
        ("nobody@crmctl.example", "x".to_string()),
        (
            "locked@crmctl.example",
            format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}"),
        ),
    ] {
        let r = soap_login(&emu.login_url, "60.0", user, &pass);
        assert_eq!(r.status, 500, "{user}");
        let xml = String::from_utf8_lossy(&r.body).into_owned();
        assert_eq!(tag(&xml, "faultcode"), Some("sf:INVALID_LOGIN"), "{xml}");
        assert_eq!(
            tag(&xml, "faultstring"),
            Some("INVALID_LOGIN: Invalid username, password, security token; or user locked out.")
        );
        assert_eq!(tag(&xml, "sf:exceptionCode"), Some("INVALID_LOGIN"));
    }
    // An expired password still logs in, flagged (LoginResult.passwordExpired).
    let r = soap_login(
        &emu.login_url,
        "60.0",
        "expired@crmctl.example",
        &format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}"),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        tag(&String::from_utf8_lossy(&r.body), "passwordExpired"),
        Some("true")
    );
    // The profile's API Enabled permission is off.
    let r = soap_login(
        &emu.login_url,
        "60.0",
        "noapi@crmctl.example",
        &format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}"),
    );
    let xml = String::from_utf8_lossy(&r.body).into_owned();
    assert_eq!(
        tag(&xml, "faultcode"),
        Some("sf:API_DISABLED_FOR_ORG"),
        "{xml}"
    );
    let r = call(
        &emu.login_url,
        "POST",
        "/services/Soap/u/60.0",
        &[("Content-Type", "text/xml")],
        b"<not a login/>",
    );
    assert_eq!(r.status, 500);
    assert!(String::from_utf8_lossy(&r.body).contains("<faultcode>soapenv:Client</faultcode>"));
}

#[test]
fn client_credentials_accept_a_basic_header() {
    let emu = start();
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}"));
    let auth = format!("Basic {basic}");
    let r = call(
        &emu.base_url,
        "POST",
        "/services/oauth2/token",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", &auth),
        ],
        b"grant_type=client_credentials",
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.json()["access_token"].is_string());
    let wrong = base64::engine::general_purpose::STANDARD.encode(format!("{DEMO_CLIENT_ID}:nope"));
    let auth = format!("Basic {wrong}");
    let r = call(
        &emu.base_url,
        "POST",
        "/services/oauth2/token",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", &auth),
        ],
        b"grant_type=client_credentials",
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"error": "invalid_client", "error_description": "invalid client credentials"})
    );
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An RS256 JWT signed with the demo key (the fixture).
fn jwt(claims: &Value) -> String {
    use rustls_pki_types::PrivatePkcs8KeyDer;
    use rustls_pki_types::pem::PemObject;
    let key = PrivatePkcs8KeyDer::from_pem_slice(KEY_PEM.as_bytes()).expect("key");
    let pair = ring::rsa::KeyPair::from_pkcs8(key.secret_pkcs8_der()).expect("rsa");
    let signing_input = format!(
        "{}.{}",
        b64url(br#"{"alg":"RS256"}"#),
        b64url(claims.to_string().as_bytes())
    );
    let mut sig = vec![0; pair.public().modulus_len()];
    pair.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        signing_input.as_bytes(),
        &mut sig,
    )
    .expect("sign");
    format!("{signing_input}.{}", b64url(&sig))
}

fn jwt_grant(url: &str, assertion: &str) -> Resp {
    token_request(
        url,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", assertion),
        ],
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[test]
fn jwt_bearer_grant_checks_signature_audience_expiry_and_user() {
    let emu = start();
    let good = json!({"iss": DEMO_CLIENT_ID, "sub": DEMO_USERNAME, "aud": emu.login_url, "exp": now() + 300});
    let r = jwt_grant(&emu.login_url, &jwt(&good));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        r.keys(),
        ["access_token", "scope", "instance_url", "id", "token_type"]
    );
    let token = r.json()["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    assert_eq!(get(&emu, &token, "/services/data/v60.0/limits").status, 200);

    let fails = |claims: Value| -> Value { jwt_grant(&emu.login_url, &jwt(&claims)).json() };
    let err = |e: &str, d: &str| json!({"error": e, "error_description": d});
    // simple-salesforce writes exp as a string.
    let mut c = good.clone();
    c["exp"] = json!(format!("{}", now() + 300));
    assert_eq!(jwt_grant(&emu.login_url, &jwt(&c)).status, 200);
    // The documented audiences (simple-salesforce always signs one of the first
    // two), this emulator's My Domain URL, and a trailing slash all work.
    for aud in [
        "https://login.salesforce.com",
        "https://test.salesforce.com",
        "https://login.salesforce.com/",
        emu.base_url.as_str(),
    ] {
        let mut c = good.clone();
        c["aud"] = json!(aud);
        let r = jwt_grant(&emu.login_url, &jwt(&c));
        assert_eq!(r.status, 200, "aud {aud}: {}", r.text());
    }
    for aud in [
        "https://evil.example",
        "https://login.salesforce.com.evil.example",
        "",
    ] {
        let mut c = good.clone();
        c["aud"] = json!(aud);
        assert_eq!(
            fails(c),
            err("invalid_grant", "audience is invalid"),
            "{aud}"
        );
    }
    let mut c = good.clone();
    c["aud"] = json!(["https://evil.example", "https://test.salesforce.com"]);
    assert_eq!(jwt_grant(&emu.login_url, &jwt(&c)).status, 200);
    let mut c = good.clone();
    c["exp"] = json!(now() - 10);
    assert_eq!(fails(c), err("invalid_grant", "expired authorization code"));
    let mut c = good.clone();
    c["iss"] = json!("3MVG9unknown");
    assert_eq!(
        fails(c),
        err("invalid_client_id", "client identifier invalid")
    );
    let mut c = good.clone();
    c["sub"] = json!("nobody@crmctl.example");
    assert_eq!(
        fails(c),
        err("invalid_grant", "user hasn't approved this consumer")
    );
    // A tampered payload no longer matches its signature.
    let token = jwt(&good);
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let other = json!({"iss": DEMO_CLIENT_ID, "sub": "noapi@crmctl.example", "aud": emu.login_url, "exp": now() + 300});
    parts[1] = b64url(other.to_string().as_bytes());
    let r = jwt_grant(&emu.login_url, &parts.join("."));
    assert_eq!(r.json(), err("invalid_grant", "invalid assertion"));
    assert_eq!(
        jwt_grant(&emu.login_url, "not.a.jwt").json(),
        err("invalid_grant", "invalid assertion")
    );
}

#[test]
fn userinfo_and_the_user_record_for_sf() {
    let emu = start();
    let t = demo_token(&emu);
    for url in [&emu.login_url, &emu.base_url] {
        let auth = format!("Bearer {t}");
        let r = call(
            url,
            "GET",
            "/services/oauth2/userinfo",
            &[("Authorization", &auth)],
            b"",
        );
        assert_eq!(r.status, 200);
        let v = r.json();
        let user_id = v["user_id"].as_str().expect("user_id").to_string();
        assert_eq!(v["preferred_username"], DEMO_USERNAME);
        assert_eq!(
            v["sub"],
            format!(
                "{}/id/{}/{user_id}",
                emu.login_url,
                v["organization_id"].as_str().unwrap_or("")
            )
        );
        for k in [
            "email",
            "name",
            "given_name",
            "family_name",
            "zoneinfo",
            "urls",
            "active",
            "user_type",
            "locale",
        ] {
            assert!(v.get(k).is_some(), "{k}");
        }
    }
    let r = call(
        &emu.login_url,
        "GET",
        "/services/oauth2/userinfo",
        &[("Authorization", "Bearer nope")],
        b"",
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.body, b"Bad_OAuth_Token");

    // sf fetches the running user by id, with a doubled leading slash.
    let user_id = emulator::ids::make_id("005", 1);
    let r = get(
        &emu,
        &t,
        &format!("//services/data/v60.0/sobjects/User/{user_id}"),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    assert_eq!(v["Username"], DEMO_USERNAME);
    assert_eq!(v["Email"], DEMO_USERNAME);
    assert_eq!(v["IsActive"], true);
    // User records cannot be written.
    let w = post_json(
        &emu,
        &t,
        "/services/data/v60.0/sobjects/User",
        &json!({"LastName": "x"}),
    );
    assert_eq!(w.json()[0]["errorCode"], "INVALID_TYPE_FOR_OPERATION");
}

#[test]
fn organization_is_queryable_and_described() {
    let emu = start();
    let t = demo_token(&emu);
    let r = get(
        &emu,
        &t,
        &format!(
            "//services/data/v60.0/query?q={}",
            enc("SELECT Id, Name, OrganizationType, IsSandbox FROM Organization")
        ),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    assert_eq!(v["totalSize"], 1);
    assert_eq!(v["records"][0]["Name"], "crmctl emulated org");
    assert_eq!(v["records"][0]["IsSandbox"], false);
    assert!(
        v["records"][0]["Id"]
            .as_str()
            .is_some_and(|id| id.starts_with("00D"))
    );
    let d = get(
        &emu,
        &t,
        "/services/data/v60.0/sobjects/Organization/describe",
    );
    assert_eq!(d.status, 200);
    assert_eq!(d.json()["createable"], false);
}

#[test]
fn doubled_slashes_and_wrong_methods_everywhere() {
    let emu = start();
    let t = demo_token(&emu);
    assert_eq!(get(&emu, &t, "//services/data/").status, 200);
    assert_eq!(get(&emu, &t, "//services/data/v60.0/").status, 200);
    let r = get(
        &emu,
        &t,
        "//services/data/v60.0/search/?q=FIND%20%7B4155551212%7D",
    );
    assert_eq!(r.status, 200);
    let r = call(&emu.login_url, "GET", "/services/oauth2/token", &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(
        r.json()[0]["message"],
        "HTTP Method 'GET' not allowed. Allowed are POST"
    );
    let r = send_json(
        &emu,
        &t,
        "DELETE",
        "/services/data/v60.0/sobjects/Account",
        &json!({}),
    );
    assert_eq!(r.status, 405);
    assert_eq!(
        r.json()[0]["message"],
        "HTTP Method 'DELETE' not allowed. Allowed are POST,GET,HEAD"
    );
    assert_eq!(
        get(&emu, &t, "/services/data/v60.0/nothing/here").status,
        404
    );
    assert_eq!(
        get(&emu, "bad", "/services/data/v60.0/nothing/here").status,
        401
    );
    let stats = emu.stats();
    assert!(stats.routes.get("versions").is_some_and(|n| *n >= 1));
    assert!(stats.routes.get("not_found").is_some_and(|n| *n >= 2));
}

/// The requests `sf org login access-token` makes (forcedotcom/sfdx-core
/// `src/org/authInfo.ts`): UserInfo, the User record at v51.0, the namespace
/// prefix from Organization (with a doubled slash), and a ScratchOrgInfo probe
/// that must fail outside a Dev Hub.
#[test]
fn the_requests_sf_makes_after_an_access_token_login() {
    let emu = start();
    let t = demo_token(&emu);
    let info = get(&emu, &t, "/services/oauth2/userinfo").json();
    let user_id = info["user_id"].as_str().expect("user_id");
    let user = get(
        &emu,
        &t,
        &format!("/services/data/v51.0/sobjects/User/{user_id}"),
    );
    assert_eq!(user.status, 200);
    assert_eq!(user.json()["Username"], DEMO_USERNAME);
    let ns = get(
        &emu,
        &t,
        "//services/data/v51.0/query?q=Select%20Namespaceprefix%20FROM%20Organization",
    );
    assert_eq!(ns.status, 200, "{}", String::from_utf8_lossy(&ns.body));
    let v = ns.json();
    assert_eq!(v["records"][0]["NamespacePrefix"], Value::Null);
    assert!(
        v["records"][0]
            .as_object()
            .is_some_and(|r| r.contains_key("NamespacePrefix"))
    );
    let hub = get(
        &emu,
        &t,
        "//services/data/v51.0/query?q=SELECT%20Id%20FROM%20ScratchOrgInfo%20limit%201",
    );
    assert_eq!(hub.status, 400);
}
