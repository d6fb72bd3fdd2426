//! `doctor`'s `flow-readiness` step end to end against the emulated org: every
//! state of the password flow, client credentials and JWT, the per-UCC and estate
//! JSON, the text lines, and the blocked-flow diagnosis.

use emulator::default_org::*;
use emulator::{Background, Config};
use serde_json::{Value, json};

use crate::support::{Run, Sandbox, test_cipher};

const NO_RUN_AS_ID: &str = "3MVG9crmctlAPPROVEDonly.emulator";
const NO_RUN_AS_SECRET: &str = "crmctl-approved-only-secret";

type Rows = Vec<(String, String, String)>;

/// A UCC of the emulated org: its LoginEndPoint is the login host, its
/// ApplicationHost the My Domain host, as a real UCC's are.
fn ucc(emu: &Background, fqdn: &str, user: &str, app: (&str, &str)) -> Rows {
    let c = test_cipher();
    crmctl::settings::standard_rows(
        fqdn,
        &emu.base_url,
        user,
        [
            &c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}")),
            &c.encrypt_to_base64(app.0),
            &c.encrypt_to_base64(app.1),
        ],
        "60.0",
        &format!("{}/services/oauth2/token", emu.login_url),
    )
}

fn doctor(sb: &Sandbox, uccs: &[(&str, Rows)], extra: &[&str]) -> Run {
    let uccs: Vec<(String, Rows)> = uccs
        .iter()
        .map(|(n, r)| (n.to_string(), r.clone()))
        .collect();
    let file = sb.write_private(
        "estate.yaml",
        &crmctl::settings::render_yaml(&uccs, "readiness test estate"),
    );
    let key = sb.key_profile();
    let file = file.to_str().expect("utf8").to_string();
    let mut args = vec!["--key-file", key.to_str().expect("utf8"), "doctor"];
    args.extend_from_slice(extra);
    args.extend(["--settings", file.as_str()]);
    sb.run(&args, &[], "")
}

fn readiness(run: &Run, n: usize) -> Value {
    run.json()["data"]["uccs"][n]["flow_readiness"].clone()
}

fn step(run: &Run, n: usize, name: &str) -> Value {
    run.json()["data"]["uccs"][n]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["step"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no step {name}: {}", run.stdout))
}

fn demo_app() -> (&'static str, &'static str) {
    (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
}

/// The "Done when": a good UCC, one whose user's password flow is
/// blocked, and one whose app has no run-as user.
#[test]
fn an_estate_of_three_uccs_reports_each_and_the_estate() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let uccs = [
        ("good", ucc(&emu, "ucc1.local", DEMO_USERNAME, demo_app())),
        (
            "blocked",
            ucc(&emu, "ucc2.local", "blockedflow@crmctl.example", demo_app()),
        ),
        (
            "norunas",
            ucc(
                &emu,
                "ucc3.local",
                DEMO_USERNAME,
                (NO_RUN_AS_ID, NO_RUN_AS_SECRET),
            ),
        ),
    ];
    let out = doctor(&sb, &uccs, &["--json"]);
    // The blocked UCC's login fails: the check said no.
    out.assert_code(1);
    let run_as = readiness(&out, 0)["run_as_user"].clone();
    assert!(
        run_as.as_str().is_some_and(|u| u.starts_with("005")),
        "{run_as}"
    );
    assert_eq!(
        readiness(&out, 0),
        json!({"password_flow": "accepted", "client_credentials": "ready", "run_as_user": run_as, "hidden_fields": [], "jwt": "not-checked"})
    );
    assert_eq!(
        readiness(&out, 1),
        json!({"password_flow": "rejected", "client_credentials": "ready", "run_as_user": run_as, "hidden_fields": [], "jwt": "not-checked"})
    );
    assert_eq!(
        readiness(&out, 2),
        json!({"password_flow": "accepted", "client_credentials": "no-run-as-user", "run_as_user": null, "hidden_fields": [], "jwt": "not-checked"})
    );
    assert_eq!(
        out.json()["data"]["summary"]["flow_readiness"],
        json!({"uccs": 3, "password_flow": 3, "client_credentials_ready": 2, "not_checked": 0})
    );
    assert_eq!(step(&out, 0, "flow-readiness")["status"], "ok");
    assert_eq!(step(&out, 1, "flow-readiness")["status"], "ok");
    let third = step(&out, 2, "flow-readiness");
    assert_eq!(third["status"], "warn");
    assert!(
        third["hint"]
            .as_str()
            .is_some_and(|h| h.contains("Run As user")),
        "{third}"
    );
    // Item 3: the blocked UCC's login names the likely cause.
    let login = step(&out, 1, "login");
    assert_eq!(login["status"], "fail");
    let hint = login["hint"].as_str().expect("hint");
    assert!(
        hint.starts_with("client credentials log in with the same Connected App, so the app works and the likely cause is a blocked username-password flow, or else a wrong password or security token")
            && hint.contains("Username-Password Flow Disabled"),
        "{hint}"
    );
    // Inside doctor the advice points at its own step, not at `crmctl doctor`.
    assert!(
        !hint.contains("`crmctl doctor`") && hint.contains("the flow-readiness step below"),
        "{hint}"
    );
    // The same run for people: one readiness line per UCC and the estate line.
    let text = doctor(&sb, &uccs, &["--color", "never"]);
    text.assert_code(1);
    let lines: Vec<&str> = text
        .stdout
        .lines()
        .filter(|l| {
            l.starts_with("  ")
                && l.contains("flow-readiness")
                && !l.trim_start().starts_with("hint:")
        })
        .collect();
    assert_eq!(lines.len(), 3, "{}", text.stdout);
    assert!(
        lines[0].starts_with(
            "  ✓ flow-readiness    password flow accepted; client credentials ready (run as 005"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].starts_with("  ! flow-readiness    password flow accepted; client credentials: the Connected App has no run-as user; JWT not checked"),
        "{}",
        lines[2]
    );
    assert!(
        text.stdout.ends_with(
            "3 of 3 UCCs use the username-password flow (retiring in 2027); 2 are ready for client credentials\n"
        ),
        "{}",
        text.stdout
    );
}

/// The org-wide switch (`emulate --password-flow blocked`) rejects every
/// username-password login; client credentials still work for the same app.
#[test]
fn an_org_that_blocks_the_flow_rejects_every_password_login() {
    let mut org = default_org_file();
    org.org.allow_username_password_flow = false;
    let emu = Background::start(Config {
        org: Some(org),
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let out = doctor(
        &sb,
        &[("a", ucc(&emu, "ucc1.local", DEMO_USERNAME, demo_app()))],
        &["--json"],
    );
    out.assert_code(1);
    let r = readiness(&out, 0);
    assert_eq!(r["password_flow"], "rejected", "{r}");
    assert_eq!(r["client_credentials"], "ready", "{r}");
    assert!(
        step(&out, 0, "login")["hint"]
            .as_str()
            .is_some_and(|h| h.contains("blocked username-password flow")),
        "{}",
        out.stdout
    );
}

/// The client-credentials states the default org does not have: a run-as user
/// who cannot see screen-pop fields, an app without the flow enabled, a wrong
/// secret (failed, with advice), and no My Domain known.
#[test]
fn fields_hidden_not_enabled_failed_and_needs_my_domain() {
    let mut org = default_org_file();
    org.connected_apps.push(emulator::org::ConnectedApp {
        name: "run as nolead".into(),
        client_id: "3MVG9nolead".into(),
        client_secret: "nolead-secret".into(),
        client_credentials_user: Some("nolead@crmctl.example".into()),
        ..Default::default()
    });
    org.connected_apps.push(emulator::org::ConnectedApp {
        name: "no client credentials".into(),
        client_id: "3MVG9nocc".into(),
        client_secret: "nocc-secret".into(),
        client_credentials_user: Some(DEMO_USERNAME.into()),
        client_credentials_disabled: true,
        ..Default::default()
    });
    let emu = Background::start(Config {
        org: Some(org),
        ..Config::default()
    })
    .expect("emulator");
    let sb = Sandbox::new();
    let mut no_domain = ucc(&emu, "ucc4.local", DEMO_USERNAME, demo_app());
    // The password login answers with the instance URL; a UCC whose login was
    // refused and whose ApplicationHost is empty has no My Domain to try.
    if let Some(r) = no_domain.iter_mut().find(|r| r.0 == "ApplicationHost") {
        r.2 = String::new();
    }
    if let Some(r) = no_domain.iter_mut().find(|r| r.0 == "Password") {
        r.2 = test_cipher().encrypt_to_base64("wrong");
    }
    let out = doctor(
        &sb,
        &[
            (
                "hidden",
                ucc(
                    &emu,
                    "ucc1.local",
                    DEMO_USERNAME,
                    ("3MVG9nolead", "nolead-secret"),
                ),
            ),
            (
                "notenabled",
                ucc(
                    &emu,
                    "ucc2.local",
                    DEMO_USERNAME,
                    ("3MVG9nocc", "nocc-secret"),
                ),
            ),
            (
                "wrongsecret",
                ucc(
                    &emu,
                    "ucc3.local",
                    DEMO_USERNAME,
                    (DEMO_CLIENT_ID, "wrong-secret"),
                ),
            ),
            ("nodomain", no_domain),
        ],
        &["--json"],
    );
    let r = readiness(&out, 0);
    assert_eq!(r["client_credentials"], "fields-hidden", "{r}");
    assert_eq!(
        r["hidden_fields"],
        json!(["Lead.Phone", "Lead.MobilePhone"]),
        "{r}"
    );
    assert!(
        step(&out, 0, "flow-readiness")["detail"]
            .as_str()
            .is_some_and(|d| d.contains("cannot see Lead.Phone, Lead.MobilePhone")),
        "{}",
        out.stdout
    );
    assert_eq!(readiness(&out, 1)["client_credentials"], "not-enabled");
    assert!(
        step(&out, 1, "flow-readiness")["hint"]
            .as_str()
            .is_some_and(|h| h.contains("Enable Client Credentials Flow")),
        "{}",
        out.stdout
    );
    // A wrong secret fails the password login too (invalid_client).
    let r = readiness(&out, 2);
    assert_eq!(r["password_flow"], "rejected", "{r}");
    assert_eq!(r["client_credentials"], "failed", "{r}");
    assert!(
        step(&out, 2, "flow-readiness")["hint"]
            .as_str()
            .is_some_and(|h| h.contains("Consumer Secret")),
        "{}",
        out.stdout
    );
    let r = readiness(&out, 3);
    assert_eq!(r["password_flow"], "rejected", "{r}");
    assert_eq!(r["client_credentials"], "needs-my-domain", "{r}");
}

/// With `--jwt-key-file`, JWT is checked per UCC with its ClientId and Username:
/// ready for the demo app, not approved for a user the app does not know, and
/// `not-checked` without the flag (above).
#[test]
fn jwt_readiness_with_the_key_file() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let key = sb.write_private("jwt.pem", &crate::jwt::demo_key());
    let out = doctor(
        &sb,
        &[
            ("good", ucc(&emu, "ucc1.local", DEMO_USERNAME, demo_app())),
            (
                "nocert",
                ucc(
                    &emu,
                    "ucc2.local",
                    DEMO_USERNAME,
                    (NO_RUN_AS_ID, NO_RUN_AS_SECRET),
                ),
            ),
        ],
        &["--json", "--jwt-key-file", key.to_str().expect("utf8")],
    );
    out.assert_code(0);
    assert_eq!(readiness(&out, 0)["jwt"], "ready", "{}", out.stdout);
    // The second app has no certificate: the assertion cannot be verified.
    assert_eq!(
        readiness(&out, 1)["jwt"],
        "invalid-assertion",
        "{}",
        out.stdout
    );
    assert_eq!(step(&out, 1, "flow-readiness")["status"], "warn");
    // The key never reaches the output.
    let pem = crate::jwt::demo_key();
    for line in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!out.stdout.contains(line) && !out.stderr.contains(line));
    }
}

/// `doctor --flow jwt` logs each UCC in with JWT; the password flow is skipped.
#[test]
fn doctor_with_the_jwt_flow() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let key = sb.write_private("jwt.pem", &crate::jwt::demo_key());
    let out = doctor(
        &sb,
        &[("good", ucc(&emu, "ucc1.local", DEMO_USERNAME, demo_app()))],
        &[
            "--json",
            "--flow",
            "jwt",
            "--jwt-key-file",
            key.to_str().expect("utf8"),
        ],
    );
    out.assert_code(0);
    assert_eq!(step(&out, 0, "login")["status"], "ok", "{}", out.stdout);
    let r = readiness(&out, 0);
    // Issue 20 item 2: the CRM Service logs in with the Password setting whatever
    // --flow crmctl uses, so the UCC still uses the password flow, which this run did
    // not try: a warning that says so, never a clean "ready".
    assert_eq!(r["password_flow"], "not-checked", "{r}");
    assert_eq!(r["client_credentials"], "ready", "{r}");
    assert_eq!(r["jwt"], "ready", "{r}");
    assert_eq!(
        out.json()["data"]["summary"]["flow_readiness"],
        json!({"uccs": 1, "password_flow": 1, "client_credentials_ready": 1, "not_checked": 0})
    );
    let s = step(&out, 0, "flow-readiness");
    assert_eq!(s["status"], "warn", "{s}");
    assert!(
        s.to_string()
            .contains("--flow jwt only changed crmctl's own login"),
        "{s}"
    );
    // Without the key: a usage error before any traffic.
    let out = doctor(
        &sb,
        &[("good", ucc(&emu, "ucc1.local", DEMO_USERNAME, demo_app()))],
        &["--json", "--flow", "jwt"],
    );
    out.assert_code(2);
}

/// After an https login, the client secret is never posted to a plain-http My
/// Domain URL: the check is refused before any connection.
#[test]
fn the_secret_never_goes_to_a_plain_http_my_domain() {
    use std::sync::atomic::Ordering;
    let emu = Background::start(Config {
        tls: true,
        ..Config::default()
    })
    .expect("emulator");
    let plain = crate::hostile_server::Server::start(|_, w, _| {
        crate::hostile_server::respond(w, 200, &[], "{}")
    });
    let sb = Sandbox::new();
    let mut rows = ucc(&emu, "ucc1.local", DEMO_USERNAME, demo_app());
    if let Some(r) = rows.iter_mut().find(|r| r.0 == "ApplicationHost") {
        r.2 = plain.url.clone();
    }
    let ca = emu.ca_pem.clone().expect("ca");
    let out = doctor(
        &sb,
        &[("a", rows)],
        &["--json", "--ca-cert", ca.to_str().expect("utf8")],
    );
    assert_eq!(step(&out, 0, "login")["status"], "ok", "{}", out.stdout);
    let r = readiness(&out, 0);
    assert_eq!(r["client_credentials"], "failed", "{r}");
    assert!(
        step(&out, 0, "flow-readiness")["detail"]
            .as_str()
            .is_some_and(|d| d.contains("plain http")),
        "{}",
        out.stdout
    );
    assert_eq!(plain.connections.load(Ordering::SeqCst), 0);
}
