//! `--flow jwt` end to end: `login` and `lookup` with the demo app's published
//! key against the emulated org, each documented refusal with its advice, the
//! assertion on the wire (a local server of the test's own), and bad inputs.

use std::os::unix::fs::PermissionsExt;

use base64::Engine as _;
use emulator::default_org::*;
use emulator::{Background, Config};

use crate::hostile_server::{Server, respond};
use crate::support::{Run, Sandbox, repo_root};

fn fixture(rel: &str) -> String {
    std::fs::read_to_string(repo_root().join(rel)).expect("fixture")
}

/// The demo key (PKCS#8) as the emulator publishes it.
pub fn demo_key() -> String {
    fixture("emulator/tests/fixtures/jwt-demo-key.pem")
}

/// A key file in the sandbox, readable by its owner only.
fn key_file(sb: &Sandbox, name: &str, pem: &str) -> String {
    sb.write_private(name, pem)
        .to_str()
        .expect("utf8")
        .to_string()
}

fn jwt_login(sb: &Sandbox, login_url: &str, user: &str, key: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "login",
        "--flow",
        "jwt",
        "--login-url",
        login_url,
        "--username",
        user,
        "--jwt-key-file",
        key,
    ];
    args.extend_from_slice(extra);
    sb.run(&args, &[("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID)], "")
}

#[test]
fn the_demo_key_logs_in_as_pkcs8_and_pkcs1() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    for (name, pem) in [
        ("pkcs8.pem", demo_key()),
        (
            "pkcs1.pem",
            fixture("tests/fixtures/jwt/demo-key-pkcs1.pem"),
        ),
    ] {
        let key = key_file(&sb, name, &pem);
        let out = jwt_login(&sb, &emu.login_url, DEMO_USERNAME, &key, &["--json"]);
        out.assert_code(0);
        let d = &out.json()["data"];
        assert_eq!(d["flow"], "jwt", "{d}");
        assert_eq!(d["username"], DEMO_USERNAME);
        assert_eq!(d["ok"], true, "{d}");
        assert!(out.stderr.is_empty(), "{name}: {}", out.stderr);
    }
    // --client-id instead of the environment, and the My Domain host as audience.
    let key = key_file(&sb, "k.pem", &demo_key());
    let out = sb.run(
        &[
            "login",
            "--flow",
            "jwt",
            "--login-url",
            &emu.base_url,
            "--username",
            DEMO_USERNAME,
            "--client-id",
            DEMO_CLIENT_ID,
            "--jwt-key-file",
            &key,
        ],
        &[],
        "",
    );
    out.assert_code(0);
    assert!(
        out.stdout
            .starts_with("ok: logged in as demo@crmctl.example"),
        "{}",
        out.stdout
    );
}

#[test]
fn lookup_takes_the_jwt_flow_and_the_key_from_the_environment() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let key = key_file(&sb, "k.pem", &demo_key());
    let out = sb.run(
        &[
            "lookup",
            "--flow",
            "jwt",
            "--login-url",
            &emu.login_url,
            "--username",
            DEMO_USERNAME,
            "--json",
            "+1 415 555 1212",
        ],
        &[
            ("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID),
            ("CRMCTL_JWT_KEY_FILE", &key),
        ],
        "",
    );
    out.assert_code(0);
    assert!(out.stdout.contains("Jane Doe"), "{}", out.stdout);
}

/// Each documented refusal: its exit code (1, the org said no) and its advice.
#[test]
fn every_documented_refusal_gets_its_advice() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let demo = key_file(&sb, "demo.pem", &demo_key());
    let other = key_file(
        &sb,
        "other.pem",
        &fixture("tests/fixtures/jwt/other-key.pem"),
    );
    // The emulator answers for 127.0.0.1; `localhost` is the same server under
    // another name, so the assertion's audience names neither of its hosts.
    let localhost = emu.login_url.replace("127.0.0.1", "localhost");
    let cases: [(&str, Run, &str, &str); 4] = [
        (
            "not approved",
            jwt_login(
                &sb,
                &emu.login_url,
                "nobody@crmctl.example",
                &demo,
                &["--json"],
            ),
            "user hasn't approved this consumer",
            "Admin approved users are pre-authorized",
        ),
        (
            "invalid assertion",
            jwt_login(&sb, &emu.login_url, DEMO_USERNAME, &other, &["--json"]),
            "invalid assertion",
            "certificate uploaded to the Connected App",
        ),
        (
            "audience",
            jwt_login(&sb, &localhost, DEMO_USERNAME, &demo, &["--json"]),
            "audience is invalid",
            "https://test.salesforce.com",
        ),
        (
            "client id",
            sb.run(
                &[
                    "login",
                    "--flow",
                    "jwt",
                    "--login-url",
                    &emu.login_url,
                    "--username",
                    DEMO_USERNAME,
                    "--jwt-key-file",
                    &demo,
                    "--client-id",
                    "3MVG9unknown",
                    "--json",
                ],
                &[],
                "",
            ),
            "invalid_client_id",
            "--client-id, the assertion's iss",
        ),
    ];
    for (what, out, message, hint) in cases {
        out.assert_code(1);
        let e = &out.json()["error"];
        assert_eq!(e["kind"], "rejected", "{what}: {e}");
        assert!(
            e["message"].as_str().is_some_and(|m| m.contains(message)),
            "{what}: {e}"
        );
        assert!(
            e["hints"].to_string().contains(hint),
            "{what}: no hint with {hint:?}: {e}"
        );
    }
}

/// The assertion as it travels: the JWT bearer grant, RS256, iss/sub/aud, `exp`
/// at most three minutes ahead; and the `expired` refusal's advice.
#[test]
fn the_assertion_on_the_wire_and_the_expired_refusal() {
    let server = Server::start(|_, w, _| {
        respond(
            w,
            400,
            &[],
            r#"{"error":"invalid_grant","error_description":"expired authorization code"}"#,
        )
    });
    let sb = Sandbox::new();
    let key = key_file(&sb, "k.pem", &demo_key());
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let out = jwt_login(&sb, &server.url, "u@example.com", &key, &[]);
    out.assert_code(1);
    assert!(out.stderr.contains("had expired"), "{}", out.stderr);
    assert!(out.stderr.contains("clock"), "{}", out.stderr);
    let reqs = server.requests();
    let post = reqs
        .iter()
        .find(|r| r.method == "POST")
        .expect("a token request");
    let body = post.body.clone();
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        get("grant_type"),
        "urn:ietf:params:oauth:grant-type:jwt-bearer"
    );
    assert_eq!(form.len(), 2, "only grant_type and assertion: {form:?}");
    let assertion = get("assertion");
    let parts: Vec<&str> = assertion.split('.').collect();
    assert_eq!(parts.len(), 3);
    let dec = |p: &str| -> serde_json::Value {
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .expect("base64url"),
        )
        .expect("json")
    };
    assert_eq!(dec(parts[0])["alg"], "RS256");
    let claims = dec(parts[1]);
    assert_eq!(claims["iss"], DEMO_CLIENT_ID);
    assert_eq!(claims["sub"], "u@example.com");
    assert_eq!(claims["aud"], server.url.as_str());
    let exp = claims["exp"].as_u64().expect("exp");
    assert!(
        exp > before && exp <= before + 180 + 5,
        "exp {exp}, now {before}"
    );
    // No form value, nor the assertion, reaches the output.
    assert!(!out.stderr.contains(&assertion[..40]) && !out.stdout.contains(&assertion[..40]));
}

#[test]
fn bad_key_inputs_are_local_errors_naming_the_file() {
    let sb = Sandbox::new();
    let url = "http://127.0.0.1:9";
    let missing = sb.path("nowhere.pem");
    let missing = missing.to_str().expect("utf8");
    let ec = key_file(&sb, "ec.pem", &fixture("tests/fixtures/jwt/ec-key.pem"));
    let enc = key_file(
        &sb,
        "enc.pem",
        &fixture("tests/fixtures/jwt/encrypted-key.pem"),
    );
    let cert = key_file(
        &sb,
        "cert.pem",
        &fixture("emulator/tests/fixtures/jwt-demo-cert.pem"),
    );
    for (file, words) in [
        (missing, "cannot read the JWT key file"),
        (ec.as_str(), "not an RSA key"),
        (enc.as_str(), "encrypted"),
        (cert.as_str(), "a certificate"),
    ] {
        let out = jwt_login(&sb, url, "u@x", file, &["--json"]);
        out.assert_code(3);
        let e = &out.json()["error"];
        let text = e.to_string();
        assert!(text.contains(file), "{text}");
        assert!(text.contains(words), "{words}: {text}");
        assert!(
            e["hints"].as_array().is_some_and(|h| !h.is_empty()),
            "{text}"
        );
    }
    // No key at all: a usage error, before anything is read or sent.
    let out = sb.run(
        &[
            "login",
            "--flow",
            "jwt",
            "--login-url",
            url,
            "--username",
            "u@x",
        ],
        &[("CRMCTL_CLIENT_ID", "x")],
        "",
    );
    out.assert_code(2);
    assert!(out.stderr.contains("--jwt-key-file"), "{}", out.stderr);
    // --client-id belongs to --flow jwt.
    let out = sb.run(
        &[
            "login",
            "--login-url",
            url,
            "--username",
            "u@x",
            "--client-id",
            "x",
        ],
        &[],
        "",
    );
    out.assert_code(2);
}

#[test]
fn a_key_others_can_read_is_warned_about() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let key = key_file(&sb, "k.pem", &demo_key());
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = jwt_login(&sb, &emu.login_url, DEMO_USERNAME, &key, &[]);
    out.assert_code(0);
    assert!(
        out.stderr
            .contains("can be read by other users (mode 0644)")
            && out.stderr.contains(&format!("chmod 600 {key}")),
        "{}",
        out.stderr
    );
}
