//! How crmctl connects, the same in every command that logs in: where the
//! credentials may go (`--allow-untrusted-login`), which secret sources exclude
//! each other, the `CRMCTL_*` variables, and the client-credentials host.

use emulator::default_org::*;
use emulator::{Background, Config};

use crate::hostile_server::{Server, respond, token_ok};
use crate::support::{Run, Sandbox, test_cipher};

type Rows = Vec<(String, String, String)>;

/// A UCC of the emulated org logging in at `login` (a URL without the token path)
/// and querying `app_host`.
fn rows(app_host: &str, login: &str) -> Rows {
    let c = test_cipher();
    crmctl::settings::standard_rows(
        "ucc1.contoso.local",
        app_host,
        DEMO_USERNAME,
        [
            &c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}")),
            &c.encrypt_to_base64(DEMO_CLIENT_ID),
            &c.encrypt_to_base64(DEMO_CLIENT_SECRET),
        ],
        "60.0",
        &format!("{login}/services/oauth2/token"),
    )
}

/// Writes the estate of one UCC and the key profile; returns `--key-file KEY`
/// and the estate's path.
fn estate(sb: &Sandbox, rows: Rows) -> (Vec<String>, String) {
    let file = sb.write_private(
        "estate.yaml",
        &crmctl::settings::render_yaml(&[("helpdesk".to_string(), rows)], "trust test estate"),
    );
    let key = sb.key_profile();
    (
        vec!["--key-file".into(), key.to_str().expect("utf8").into()],
        file.to_str().expect("utf8").into(),
    )
}

fn run(sb: &Sandbox, args: &[String], env: &[(&str, &str)], stdin: &str) -> Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sb.run(&args, env, stdin)
}

fn args(pre: &[String], rest: &[&str]) -> Vec<String> {
    pre.iter()
        .cloned()
        .chain(rest.iter().map(|s| s.to_string()))
        .collect()
}

/// The emulator's port, reached as `0.0.0.0`: this machine, but not a loopback
/// name, so crmctl sees plain http to a host that is neither Salesforce nor a
/// test org, as a mistyped LoginEndPoint would be (the kernel routes it here).
fn untrusted(emu: &Background) -> String {
    let port = emu.base_url.rsplit(':').next().expect("port");
    format!("http://0.0.0.0:{port}")
}

fn tokens(emu: &Background) -> u64 {
    emu.stats().routes.get("token").copied().unwrap_or(0)
}

/// Brief item 1: a LoginEndPoint that `validate-settings` calls untrusted is
/// refused by login, lookup, doctor and validate-settings --login alike, with
/// nothing sent, unless --allow-untrusted-login says so.
#[test]
fn an_untrusted_login_endpoint_gets_no_credentials_unless_allowed() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let (key, file) = estate(&sb, rows(&format!("{}/", emu.base_url), &untrusted(&emu)));
    let login = args(&key, &["login", "--settings", &file]);
    let out = run(&sb, &login, &[], "");
    out.assert_code(3);
    assert!(
        out.stderr.contains("estate.yaml:")
            && out.stderr.contains("LoginEndPoint")
            && out.stderr.contains("--allow-untrusted-login"),
        "{}",
        out.stderr
    );
    let lookup = args(&key, &["lookup", "--settings", &file, "020-1234567"]);
    run(&sb, &lookup, &[], "").assert_code(3);
    let doctor = args(&key, &["--json", "doctor", "--settings", &file]);
    let out = run(&sb, &doctor, &[], "");
    let login_step = |out: &Run| {
        out.json()["data"]["uccs"][0]["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["step"] == "login")
            .cloned()
            .expect("login step")
    };
    assert_eq!(login_step(&out)["status"], "skip", "{}", out.stdout);
    let validate = args(&key, &["--json", "validate-settings", "--login", &file]);
    let out = run(&sb, &validate, &[], "");
    out.assert_code(1);
    assert!(out.stdout.contains("login-skipped"), "{}", out.stdout);
    assert_eq!(tokens(&emu), 0, "credentials were sent");

    // The flag is honoured by each of them: one token request each.
    let allow = |a: &[String]| {
        let mut a = a.to_vec();
        a.push("--allow-untrusted-login".into());
        a
    };
    run(&sb, &allow(&login), &[], "").assert_code(0);
    assert_eq!(tokens(&emu), 1);
    run(&sb, &allow(&lookup), &[], "");
    assert_eq!(tokens(&emu), 2);
    let out = run(&sb, &allow(&doctor), &[], "");
    assert_eq!(login_step(&out)["status"], "ok", "{}", out.stdout);
    let after_doctor = tokens(&emu);
    assert!(after_doctor > 2);
    let out = run(&sb, &allow(&validate), &[], "");
    assert!(!out.stdout.contains("login-skipped"), "{}", out.stdout);
    assert_eq!(tokens(&emu), after_doctor + 1);
}

/// Brief item 1: a login URL from a flag or a variable that is plain http to
/// another machine is refused (flag 2, variable 3) before a byte is sent; the
/// request is seen by an http proxy (`http_proxy`) that records it.
#[test]
fn plain_http_to_another_machine_from_a_flag_or_variable_is_refused() {
    let proxy = Server::start(|req, w, _| {
        if req.method == "POST" {
            respond(w, 200, &[], &token_ok("http://org.example"))
        } else {
            respond(
                w,
                200,
                &[],
                r#"[{"version":"60.0","label":"Spring '24","url":"/services/data/v60.0"}]"#,
            )
        }
    });
    let sb = Sandbox::new();
    let secrets = [
        ("CRMCTL_PASSWORD", DEMO_PASSWORD),
        ("CRMCTL_TOKEN", DEMO_SECURITY_TOKEN),
        ("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID),
        ("CRMCTL_CLIENT_SECRET", DEMO_CLIENT_SECRET),
        ("CRMCTL_USERNAME", DEMO_USERNAME),
        ("http_proxy", proxy.url.as_str()),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut e = secrets.to_vec();
        e.extend_from_slice(extra);
        e
    };
    let flag = ["login", "--login-url", "http://org.example"];
    let out = sb.run(&flag, &with(&[]), "");
    out.assert_code(2);
    assert!(out.stderr.contains("--login-url"), "{}", out.stderr);
    let var = with(&[("CRMCTL_LOGIN_URL", "http://org.example")]);
    for cmd in [&["login"][..], &["lookup", "020-1234567"], &["doctor"]] {
        let out = sb.run(cmd, &var, "");
        out.assert_code(3);
        assert!(
            out.stderr.contains("CRMCTL_LOGIN_URL"),
            "{cmd:?}: {}",
            out.stderr
        );
    }
    assert!(
        proxy.requests().is_empty(),
        "sent: {:?}",
        proxy.requests().len()
    );
    // https to any host, and plain http with the user's say-so, are sent.
    let out = sb.run(&["login", "--json", "--allow-untrusted-login"], &var, "");
    assert_eq!(
        proxy.requests().first().map(|r| r.path.clone()).as_deref(),
        Some("http://org.example/services/oauth2/token"),
        "{}{}",
        out.stdout,
        out.stderr
    );
}

/// Brief item 2: --stdin and --no-token mean nothing with --settings (its Password
/// holds password and token, encrypted): a usage error in every command.
#[test]
fn stdin_and_no_token_are_refused_with_settings_everywhere() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let (key, file) = estate(&sb, rows(&format!("{}/", emu.base_url), &emu.login_url));
    for cmd in [&["login"][..], &["lookup", "020-1234567"], &["doctor"]] {
        for flag in ["--stdin", "--no-token"] {
            let mut a = args(&key, cmd);
            a.extend(["--settings".into(), file.clone(), flag.into()]);
            let out = run(&sb, &a, &[], "wrong\nwrong\n");
            out.assert_code(2);
            assert!(
                out.stderr.contains(flag) && out.stderr.contains("--settings"),
                "{cmd:?} {flag}: {}",
                out.stderr
            );
        }
    }
    assert_eq!(tokens(&emu), 0);
}

/// Brief item 3: `lookup --file - --stdin` would read the secrets as rows: refused
/// up front, naming both.
#[test]
fn lookup_file_from_stdin_and_secrets_from_stdin_are_refused() {
    let sb = Sandbox::new();
    let out = sb.run(
        &[
            "--json",
            "lookup",
            "--file",
            "-",
            "--stdin",
            "--username",
            "u@x.example",
        ],
        &[],
        "secret-password\nsecret-token\n020-1234567\n",
    );
    out.assert_code(2);
    let message = out.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        message.contains("--file -") && message.contains("--stdin"),
        "{message}"
    );
    assert!(!out.stdout.contains("secret-password"), "{}", out.stdout);
}

/// Brief item 4: a malformed connection variable is exit 3 naming it in every
/// command that reads it, whether or not a setting or a flag overrides it.
#[test]
fn a_malformed_variable_is_refused_even_when_overridden() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let (key, file) = estate(&sb, rows(&format!("{}/", emu.base_url), &emu.login_url));
    let ca = sb.write_private("ca.pem", &crate::hostile_server::tls_config().1);
    let ca = ca.to_str().expect("utf8");
    let jwt = sb.write_private("jwt.pem", &crate::jwt::demo_key());
    let jwt = jwt.to_str().expect("utf8");
    let flags = [
        "--login-url",
        &emu.login_url,
        "--timeout",
        "5",
        "--connect-timeout",
        "5",
        "--instance-url",
        &emu.base_url,
        "--ca-cert",
        ca,
    ];
    let with = |pre: &[&str], post: &[&str]| -> Vec<String> {
        pre.iter().chain(post).map(|s| s.to_string()).collect()
    };
    let commands = [
        with(&["login", "--settings", &file, "--ca-cert", ca], &[]),
        with(
            &[
                "lookup",
                "--settings",
                &file,
                "--ca-cert",
                ca,
                "--region",
                "NL",
            ],
            &["020-1234567"],
        ),
        with(
            &["doctor", "--settings", &file, "--ca-cert", ca],
            &["--region", "NL", "--ani", "020-1234567"],
        ),
        with(&["validate-settings", "--login", &file], &[]),
        with(&["login"], &flags)
            .into_iter()
            .chain(["--username".into(), DEMO_USERNAME.into()])
            .collect(),
        // The JWT key of --flow jwt overridden by its flag.
        with(
            &[
                "login",
                "--flow",
                "jwt",
                "--jwt-key-file",
                jwt,
                "--username",
                DEMO_USERNAME,
            ],
            &flags,
        ),
    ];
    // Every variable of the connection, checked in every command that connects,
    // whether a flag overrides it or the flow uses it.
    for (var, value) in [
        ("CRMCTL_LOGIN_URL", "garbage"),
        ("CRMCTL_INSTANCE_URL", "garbage"),
        ("CRMCTL_TIMEOUT", "abc"),
        ("CRMCTL_CONNECT_TIMEOUT", "soon"),
        ("CRMCTL_USERNAME", "  "),
        ("CRMCTL_CA_CERT", "/nonexistent/ca.pem"),
        ("CRMCTL_CA_CERT", jwt),
        ("CRMCTL_JWT_KEY_FILE", "/nonexistent/jwt.pem"),
        ("CRMCTL_JWT_KEY_FILE", ca),
    ] {
        for cmd in &commands {
            let out = run(
                &sb,
                &args(&key, &cmd.iter().map(String::as_str).collect::<Vec<_>>()),
                &[(var, value), ("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID)],
                "",
            );
            out.assert_code(3);
            assert!(out.stderr.contains(var), "{var} {cmd:?}: {}", out.stderr);
        }
    }
    // CRMCTL_REGION wherever a region is read (a phone number), --region or not.
    for cmd in &commands[1..3] {
        let out = run(
            &sb,
            &args(&key, &cmd.iter().map(String::as_str).collect::<Vec<_>>()),
            &[("CRMCTL_REGION", "XX")],
            "",
        );
        out.assert_code(3);
        assert!(
            out.stderr.contains("CRMCTL_REGION"),
            "{cmd:?}: {}",
            out.stderr
        );
    }
    assert_eq!(tokens(&emu), 0);
    // With the variables well formed, each command logs in.
    for cmd in &commands[..1] {
        let out = run(
            &sb,
            &args(&key, &cmd.iter().map(String::as_str).collect::<Vec<_>>()),
            &[
                ("CRMCTL_CA_CERT", ca),
                ("CRMCTL_JWT_KEY_FILE", jwt),
                ("CRMCTL_REGION", "BE"),
            ],
            "",
        );
        out.assert_code(0);
    }
}

/// Brief items 5 and 7: with a UCC whose LoginEndPoint is the login host and
/// ApplicationHost the org's My Domain, `login --flow client-credentials` asks
/// the My Domain for the token, as doctor's readiness step does; the run-as
/// user's name is not known (null), its id is.
#[test]
fn client_credentials_log_in_on_the_application_host() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let (key, file) = estate(&sb, rows(&format!("{}/", emu.base_url), &emu.login_url));
    let login = args(
        &key,
        &[
            "--json",
            "login",
            "--settings",
            &file,
            "--flow",
            "client-credentials",
        ],
    );
    let out = run(&sb, &login, &[], "");
    out.assert_code(0);
    let data = &out.json()["data"];
    assert_eq!(data["username"], serde_json::Value::Null, "{data}");
    assert!(data["user_id"].is_string(), "{data}");
    assert_eq!(
        data["token_url"],
        format!("{}/services/oauth2/token", emu.base_url)
    );
    let doctor = args(&key, &["--json", "doctor", "--settings", &file]);
    let out = run(&sb, &doctor, &[], "");
    assert_eq!(
        out.json()["data"]["uccs"][0]["flow_readiness"]["client_credentials"],
        "ready"
    );
}

/// Brief item 6: the expired password's token is issued; the readiness step asks
/// for the client-credentials token on the instance it named, and says the
/// password flow itself was accepted.
#[test]
fn an_expired_password_is_an_issued_token_to_the_readiness_step() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let env = [
        ("CRMCTL_PASSWORD", DEMO_PASSWORD),
        ("CRMCTL_TOKEN", DEMO_SECURITY_TOKEN),
        ("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID),
        ("CRMCTL_CLIENT_SECRET", DEMO_CLIENT_SECRET),
        ("CRMCTL_LOGIN_URL", emu.login_url.as_str()),
    ];
    let out = sb.run(
        &["--json", "doctor", "--username", "expired@crmctl.example"],
        &env,
        "",
    );
    let r = &out.json()["data"]["uccs"][0]["flow_readiness"];
    assert_eq!(r["password_flow"], "accepted", "{r}");
    assert_eq!(r["client_credentials"], "ready", "{r}");
    let text = sb.run(
        &["doctor", "--username", "expired@crmctl.example"],
        &env,
        "",
    );
    assert!(
        !text.stdout.contains("login.salesforce.com") && text.stdout.contains("token was issued"),
        "{}",
        text.stdout
    );
}

/// trust2 item 2: a UCC without Username takes `CRMCTL_USERNAME` (flags > UCC >
/// variables > defaults, as LoginEndPoint falls back to `CRMCTL_LOGIN_URL`), in
/// login, lookup, doctor and `validate-settings --login` alike; with none, the
/// error names the setting, the flag and the variable.
#[test]
fn a_ucc_without_username_logs_in_as_crmctl_username() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let no_user: Rows = rows(&format!("{}/", emu.base_url), &emu.login_url)
        .into_iter()
        .filter(|(s, _, _)| s != "Username")
        .collect();
    let (key, file) = estate(&sb, no_user);
    let user = [("CRMCTL_USERNAME", DEMO_USERNAME)];
    for (done, cmd) in [
        &["login", "--settings", &file][..],
        &[
            "lookup",
            "--settings",
            &file,
            "--email",
            "maria.garcia@example.fr",
        ],
    ]
    .into_iter()
    .enumerate()
    {
        let out = run(&sb, &args(&key, cmd), &[], "");
        out.assert_code(3);
        for name in ["Username", "--username", "CRMCTL_USERNAME"] {
            assert!(out.stderr.contains(name), "{cmd:?} {name}: {}", out.stderr);
        }
        assert_eq!(tokens(&emu), done as u64);
        let out = run(&sb, &args(&key, cmd), &user, "");
        out.assert_code(0);
    }
    let logins = tokens(&emu);
    assert_eq!(logins, 2);
    // doctor: the login step runs as CRMCTL_USERNAME (the missing setting is
    // still reported by the settings step).
    let out = run(
        &sb,
        &args(&key, &["--json", "doctor", "--settings", &file]),
        &user,
        "",
    );
    let steps = &out.json()["data"]["uccs"][0]["steps"];
    let login = steps
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["step"] == "login")
        .expect("login step");
    assert_eq!(login["status"], "ok", "{login}");
    assert!(tokens(&emu) > logins);
    let logins = tokens(&emu);
    let out = run(
        &sb,
        &args(&key, &["--json", "validate-settings", "--login", &file]),
        &user,
        "",
    );
    let data = &out.json()["data"];
    assert_eq!(data["logins"][0]["ok"], true, "{data}");
    assert!(tokens(&emu) > logins);
}

/// trust2 item 3: a version the org does not offer is advised by where it came
/// from: `--api-version` when the flag gave it (or there is no UCC), ApiEndPoint
/// when the UCC did; in login, lookup and doctor alike.
#[test]
fn an_unoffered_version_is_advised_where_it_came_from() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let mut ucc = rows(&format!("{}/", emu.base_url), &emu.login_url);
    for r in ucc.iter_mut().filter(|r| r.0 == "ApiEndPoint") {
        r.2 = "services/data/v99.0/".into();
    }
    let (key, file) = estate(&sb, ucc);
    let secrets = [
        ("CRMCTL_PASSWORD", DEMO_PASSWORD),
        ("CRMCTL_TOKEN", DEMO_SECURITY_TOKEN),
        ("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID),
        ("CRMCTL_CLIENT_SECRET", DEMO_CLIENT_SECRET),
        ("CRMCTL_USERNAME", DEMO_USERNAME),
    ];
    let flag = ["--login-url", &emu.login_url, "--api-version", "99"];
    let from_flag =
        |cmd: &[&str]| -> Vec<String> { cmd.iter().chain(&flag).map(|s| s.to_string()).collect() };
    for (cmd, named, not) in [
        (from_flag(&["login"]), "--api-version", "ApiEndPoint"),
        (
            from_flag(&["lookup", "--email", "maria.garcia@example.fr"]),
            "--api-version",
            "ApiEndPoint",
        ),
        (from_flag(&["doctor"]), "--api-version", "ApiEndPoint"),
        (
            args(&key, &["login", "--settings", &file]),
            "ApiEndPoint",
            "--api-version",
        ),
        (
            args(
                &key,
                &[
                    "lookup",
                    "--settings",
                    &file,
                    "--email",
                    "maria.garcia@example.fr",
                ],
            ),
            "ApiEndPoint",
            "--api-version",
        ),
        (
            args(&key, &["doctor", "--settings", &file]),
            "ApiEndPoint",
            "--api-version",
        ),
    ] {
        let out = run(&sb, &cmd, &secrets, "");
        // doctor advises on stdout, login and lookup on stderr.
        let all = format!("{}{}", out.stdout, out.stderr);
        let hints: Vec<&str> = all
            .lines()
            .filter(|l| l.contains("version the org offers"))
            .collect();
        assert!(hints.iter().any(|h| h.contains(named)), "{cmd:?}: {all}");
        assert!(!hints.iter().any(|h| h.contains(not)), "{cmd:?}: {all}");
    }
}

/// Every finding of `validate-settings --json` in `out`, each with a hint that
/// says something.
fn assert_every_hint_says_something(out: &Run, what: &str) -> Vec<serde_json::Value> {
    let findings = out.json()["data"]["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: {}", out.stdout))
        .clone();
    assert!(!findings.is_empty(), "{what}");
    for f in &findings {
        let hint = f["hint"].as_str().unwrap_or_default();
        assert!(!hint.trim().is_empty(), "{what}: empty hint in {f}");
    }
    findings
}

/// trust2 item 4: `validate-settings --login` on a UCC whose ApiEndPoint is
/// retired logs in with the default version, as doctor does, and lets the
/// api-version finding speak (once); no finding of a few estates has an empty hint.
#[test]
fn a_retired_api_endpoint_still_logs_in_and_no_hint_is_empty() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let mut retired = rows(&format!("{}/", emu.base_url), &emu.login_url);
    for r in retired.iter_mut().filter(|r| r.0 == "ApiEndPoint") {
        r.2 = "services/data/v25.0/".into();
    }
    let (key, file) = estate(&sb, retired.clone());
    let out = run(
        &sb,
        &args(&key, &["--json", "validate-settings", "--login", &file]),
        &[],
        "",
    );
    let findings = assert_every_hint_says_something(&out, "retired");
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default())
        .collect();
    assert!(!rules.contains(&"login-failed"), "{rules:?}");
    assert_eq!(
        rules
            .iter()
            .filter(|r| **r == "api-version-retired")
            .count(),
        1,
        "{rules:?}"
    );
    assert_eq!(
        out.json()["data"]["logins"][0]["ok"],
        true,
        "{}",
        out.stdout
    );
    assert_eq!(tokens(&emu), 1);
    for format in ["text", "github"] {
        let out = run(
            &sb,
            &args(
                &key,
                &["validate-settings", "--login", "--format", format, &file],
            ),
            &[],
            "",
        );
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(
            !all.lines()
                .any(|l| l.trim_end().ends_with("hint:") || l.contains("(hint: )")),
            "{format}: {all}"
        );
    }

    // An estate of mistakes: values of every kind wrong, a login that fails, one
    // that is refused before it is tried, and the shared settings disagreeing.
    let mut mistakes = rows(&format!("{}/", emu.base_url), &emu.login_url);
    for r in mistakes.iter_mut() {
        match r.0.as_str() {
            "ApiEndPoint" => r.2 = "services/data/latest".into(),
            "Username" => r.2 = " someone ".into(),
            "Password" => r.2 = "plain text".into(),
            "ApplicationHost" => r.2 = "ftp://example.com".into(),
            "ClientSecret" => r.2 = String::new(),
            _ => {}
        }
    }
    let mut untrusted_login = rows(&format!("{}/", emu.base_url), &untrusted(&emu));
    untrusted_login.retain(|r| r.0 != "ClientId");
    let mut wrong_user = retired;
    for r in wrong_user.iter_mut().filter(|r| r.0 == "Username") {
        r.2 = "nobody@crmctl.example".into();
    }
    let text = crmctl::settings::render_yaml(
        &[
            ("mistakes".to_string(), mistakes),
            ("untrusted".to_string(), untrusted_login),
            ("wrong-user".to_string(), wrong_user),
        ],
        "mistakes",
    );
    let messy = sb.write_private("messy.yaml", &text);
    let messy = messy.to_str().expect("utf8");
    let out = run(
        &sb,
        &args(&key, &["--json", "validate-settings", "--login", messy]),
        &[],
        "",
    );
    let findings = assert_every_hint_says_something(&out, "messy");
    for rule in ["login-failed", "login-skipped"] {
        assert!(
            findings.iter().any(|f| f["rule"] == rule),
            "{rule}: {}",
            out.stdout
        );
    }
    // A SharePoint export of the rekey tests (values missing, plain text).
    let csv = crate::support::repo_root().join("tests/fixtures/rekey/PluginSettings.csv");
    let csv = csv.to_str().expect("utf8");
    let out = run(
        &sb,
        &args(
            &key,
            &["--json", "validate-settings", csv, "--ucc", "helpdesk"],
        ),
        &[],
        "",
    );
    assert_every_hint_says_something(&out, csv);
}

/// trust2 item 5: a UCC without LoginEndPoint takes `CRMCTL_LOGIN_URL`; when that
/// is plain http to another machine, `validate-settings --login` reports the
/// login as `login-skipped` (not attempted), as for an untrusted LoginEndPoint,
/// and `login --settings` refuses it as `login` refuses the variable (3).
#[test]
fn an_untrusted_login_url_variable_is_a_skipped_login() {
    let emu = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let no_login: Rows = rows(&format!("{}/", emu.base_url), &emu.login_url)
        .into_iter()
        .filter(|(s, _, _)| s != "LoginEndPoint")
        .collect();
    let (key, file) = estate(&sb, no_login);
    let evil = [("CRMCTL_LOGIN_URL", "http://example.com")];
    let out = run(
        &sb,
        &args(&key, &["--json", "validate-settings", "--login", &file]),
        &evil,
        "",
    );
    out.assert_code(1);
    let findings = assert_every_hint_says_something(&out, "untrusted variable");
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default())
        .collect();
    assert!(rules.contains(&"login-skipped"), "{rules:?}");
    assert!(!rules.contains(&"login-failed"), "{rules:?}");
    let skipped = findings
        .iter()
        .find(|f| f["rule"] == "login-skipped")
        .expect("login-skipped");
    assert!(
        skipped["message"]
            .as_str()
            .is_some_and(|m| m.contains("CRMCTL_LOGIN_URL") && m.contains("http://example.com")),
        "{skipped}"
    );
    let out = run(&sb, &args(&key, &["login", "--settings", &file]), &evil, "");
    out.assert_code(3);
    assert!(out.stderr.contains("CRMCTL_LOGIN_URL"), "{}", out.stderr);
    assert_eq!(tokens(&emu), 0);
}

/// An ApplicationHost the login would not trust (plain http to another machine) is
/// no warm-up hint either: `login --settings` opens no connection to it, as doctor
/// does not, though the warm-up would carry no credential.
#[test]
fn an_untrusted_application_host_gets_no_connection_at_all() {
    let emu = Background::start(Config::default()).expect("emulator");
    let evil = Background::start(Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let (pre, file) = estate(&sb, rows(&untrusted(&evil), &emu.login_url));
    let out = run(&sb, &args(&pre, &["login", "--settings", &file]), &[], "");
    out.assert_code(0);
    let seen = evil.stats();
    assert_eq!((seen.connections, seen.total), (0, 0), "{seen:?}");
}
