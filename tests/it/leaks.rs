//! Runs every command with known secrets and checks that none of them, nor their
//! base64 or URL-encoded forms, reaches stdout, stderr or JSON, except the
//! encrypted output itself and an explicit `--reveal`.

use base64::Engine as _;

use crate::support::{IV_HEX, KEY_HEX, Run, Sandbox, test_cipher};

const PASSWORD: &str = "Leak+Test/Pass=word";
const TOKEN: &str = "TokEn&Secret%42";
const PASSPHRASE: &str = "pass phrase: hunter2!";
const VALUE: &str = "3MVG9.client+secret/value";

/// Every form in which a secret might slip out.
fn forms(secret: &str) -> Vec<String> {
    let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);
    let url: String = secret
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let mut v = vec![
        secret.to_string(),
        b64(secret.as_bytes()),
        url.clone(),
        url.replace("%20", "+"),
    ];
    v.dedup();
    v
}

fn key_forms() -> Vec<String> {
    let key = hex::decode(KEY_HEX).expect("hex");
    let mut v = vec![
        KEY_HEX.to_string(),
        KEY_HEX.to_uppercase(),
        base64::engine::general_purpose::STANDARD.encode(&key),
    ];
    // Half-keys too: a leak of part of a key is still a leak.
    v.push(KEY_HEX[..32].to_string());
    v.push(KEY_HEX[32..].to_string());
    v
}

fn all_secret_forms() -> Vec<String> {
    let mut v = Vec::new();
    for s in [
        PASSWORD,
        TOKEN,
        PASSPHRASE,
        VALUE,
        &format!("{PASSWORD}{TOKEN}"),
    ] {
        v.extend(forms(s));
    }
    v.extend(key_forms());
    v
}

#[track_caller]
fn assert_clean(what: &str, run: &Run) {
    for form in all_secret_forms() {
        assert!(
            !run.stdout.contains(&form),
            "{what}: stdout holds secret form {form:?}:\n{}",
            run.stdout
        );
        assert!(
            !run.stderr.contains(&form),
            "{what}: stderr holds secret form {form:?}:\n{}",
            run.stderr
        );
    }
}

#[test]
fn no_command_leaks_a_secret_in_any_mode() {
    let sb = Sandbox::new();
    let raw = sb.key_profile();
    let raw = raw.to_str().expect("utf8");
    let derived = sb.write_private(
        "derived.yaml",
        "derive: { kdf: pbkdf2-sha1, iterations: 1000, salt: hex:0011223344556677, key_bytes: 32 }\n",
    );
    let derived = derived.to_str().expect("utf8");
    // A broken profile whose bad line holds the real key next to a short IV.
    let broken = sb.write_private(
        "broken.yaml",
        &format!("key: hex:{KEY_HEX}\niv: hex:{}\n", &IV_HEX[..10]),
    );
    let broken = broken.to_str().expect("utf8");
    let bad_yaml = sb.write_private("bad.yaml", &format!("key: [hex:{KEY_HEX}\n"));
    let bad_yaml = bad_yaml.to_str().expect("utf8");
    let bad_type = sb.write_private(
        "badtype.yaml",
        &format!("derive: {{ kdf: pbkdf2-sha1, iterations: \"hex:{KEY_HEX}\", salt: hex:0011223344556677, key_bytes: 32 }}\n"),
    );
    let bad_type = bad_type.to_str().expect("utf8");

    let secrets_env = [
        ("CRMCTL_PASSWORD", PASSWORD),
        ("CRMCTL_TOKEN", TOKEN),
        ("CRMCTL_VALUE", VALUE),
        ("CRMCTL_KEY_PASSPHRASE", PASSPHRASE),
        ("CRMCTL_CLIENT_ID", VALUE),
        ("CRMCTL_CLIENT_SECRET", VALUE),
    ];
    let stdin_secrets = format!("{PASSWORD}\n{TOKEN}\n");
    // A UCC whose encrypted values hold the secrets, for validate-settings and --settings.
    let c = test_cipher();
    let estate = sb.write_private(
        "estate.yaml",
        &format!(
            "uccs:\n  - name: a\n    settings:\n      - {{ setting: Username, scope: CrmService, value: u@x }}\n      - {{ setting: Password, scope: CrmService, value: \"{}\" }}\n      - {{ setting: ClientId, scope: CrmService, value: \"{}\" }}\n      - {{ setting: ClientSecret, scope: CrmService, value: \"{}\" }}\n      - {{ setting: LoginEndPoint, scope: CrmService, value: \"http://127.0.0.1:9/services/oauth2/token\" }}\n  - name: b\n    settings:\n      - {{ setting: CrmServiceUrl, scope: WebAgentService, value: \"http://x.local/CrmServiceSalesforce\" }}\n      - {{ setting: ClientSecret, scope: CrmService, value: \" {PASSWORD} \" }}\n",
            c.encrypt_to_base64(&format!(" {PASSWORD}{TOKEN} ")),
            c.encrypt_to_base64(VALUE),
            c.encrypt_to_base64(VALUE)
        ),
    );
    let estate = estate.to_str().expect("utf8").to_string();
    let encrypted_pw = test_cipher().encrypt_to_base64(&format!("{PASSWORD}{TOKEN}"));

    let mut runs: Vec<(String, Run)> = Vec::new();
    for profile in [raw, derived, broken, bad_yaml, bad_type] {
        for mode in [
            &[][..],
            &["--json"][..],
            &["-vv"][..],
            &["-v", "--json"][..],
        ] {
            let with = |extra: &[&str]| {
                let mut a: Vec<&str> = mode.to_vec();
                a.extend(["--key-file", profile]);
                a.extend(extra);
                a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
            };
            let cases: Vec<(Vec<String>, &str)> = vec![
                (with(&["encrypt"]), ""),
                (with(&["encrypt", "--stdin"]), stdin_secrets.as_str()),
                (with(&["encrypt", "--value"]), ""),
                (
                    with(&["encrypt", "--no-token", "--stdin"]),
                    stdin_secrets.as_str(),
                ),
                (with(&["decrypt", &encrypted_pw]), ""),
                (
                    with(&["decrypt", "--check", "--stdin"]),
                    encrypted_pw.as_str(),
                ),
                (with(&["decrypt", "not-base64!"]), ""),
                (with(&["keygen", "--out", "k.yaml"]), ""),
                (with(&["completions", "bash"]), ""),
                (with(&["validate-settings", &estate]), ""),
                (with(&["validate-settings", "--login", &estate]), ""),
                (
                    with(&[
                        "lookup",
                        "--settings",
                        &estate,
                        "--ucc",
                        "a",
                        "+31201234567",
                        "--connect-timeout",
                        "1",
                    ]),
                    "",
                ),
                (
                    with(&[
                        "lookup",
                        "+31201234567",
                        "--login-url",
                        "http://127.0.0.1:9",
                        "--username",
                        "u@x",
                        "--connect-timeout",
                        "1",
                    ]),
                    "",
                ),
                (with(&["settings", "init"]), ""),
                (
                    with(&[
                        "login",
                        "--login-url",
                        "http://127.0.0.1:9",
                        "--username",
                        "u@x",
                        "--connect-timeout",
                        "1",
                    ]),
                    "",
                ),
                (
                    with(&[
                        "login",
                        "--stdin",
                        "--login-url",
                        "http://127.0.0.1:9",
                        "--username",
                        "u@x",
                        "--connect-timeout",
                        "1",
                    ]),
                    stdin_secrets.as_str(),
                ),
                (with(&["encrypt", "--bogus-flag"]), ""),
                // The new commands and formats (every run leaves the estate as it is).
                (
                    with(&[
                        "settings",
                        "set",
                        &estate,
                        "--ucc",
                        "a",
                        "Password",
                        "--stdin",
                        "--dry-run",
                    ]),
                    stdin_secrets.as_str(),
                ),
                (
                    with(&[
                        "settings",
                        "set",
                        &estate,
                        "--ucc",
                        "a",
                        "ClientSecret",
                        "--dry-run",
                    ]),
                    "",
                ),
                (
                    with(&["validate-settings", &estate, "--fix", "--dry-run"]),
                    "",
                ),
                (
                    with(&["validate-settings", &estate, "--format", "junit"]),
                    "",
                ),
                (
                    with(&["validate-settings", &estate, "--format", "sarif"]),
                    "",
                ),
                (
                    with(&["validate-settings", &estate, "--format", "github"]),
                    "",
                ),
                (
                    with(&[
                        "settings",
                        "export",
                        &estate,
                        "--ucc",
                        "a",
                        "--format",
                        "sharepoint-csv",
                    ]),
                    "",
                ),
            ];
            for (args, stdin) in cases {
                let argv: Vec<&str> = args.iter().map(String::as_str).collect();
                let run = sb.run(&argv, &secrets_env, stdin);
                runs.push((format!("crmctl {}", args.join(" ")), run));
            }
        }
    }
    let mut encrypted_outputs = 0;
    for (what, run) in &runs {
        assert_clean(what, run);
        if run.code == 0 && what.contains("encrypt") {
            encrypted_outputs += 1;
        }
    }
    // The runs must have done real work, or this test proves nothing.
    assert!(
        encrypted_outputs >= 16,
        "only {encrypted_outputs} successful encrypt runs"
    );
    assert!(
        runs.iter()
            .any(|(w, r)| w.contains("broken.yaml") && r.code == 3)
    );
}

#[test]
fn reveal_is_the_one_way_to_see_a_secret() {
    let sb = Sandbox::new();
    let k = sb.key_profile();
    let enc = test_cipher().encrypt_to_base64(VALUE);
    let out = sb.run(
        &[
            "--key-file",
            k.to_str().expect("utf8"),
            "decrypt",
            "--reveal",
            &enc,
        ],
        &[],
        "",
    );
    out.assert_code(0);
    assert_eq!(out.stdout, VALUE);
    assert!(!out.stderr.contains(VALUE));
}

/// The JWT key and the assertion it signs never reach any output: `login`,
/// `lookup` and `doctor` with `--flow jwt` (success and refusals, bad key files)
/// and doctor's readiness check, in every output mode.
#[test]
fn the_jwt_key_never_leaks() {
    use emulator::default_org::*;
    let emu = emulator::Background::start(emulator::Config::default()).expect("emulator");
    let sb = Sandbox::new();
    let pem = crate::jwt::demo_key();
    let key = sb.write_private("jwt.pem", &pem);
    let key = key.to_str().expect("utf8");
    // A damaged key: the first body line of the real one, then garbage.
    let body: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let damaged = sb.write_private(
        "damaged.pem",
        &format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n!!!!\n-----END PRIVATE KEY-----\n",
            body[0]
        ),
    );
    let damaged = damaged.to_str().expect("utf8");
    let c = test_cipher();
    let estate = sb.write_private(
        "estate.yaml",
        &crmctl::settings::render_yaml(
            &[(
                "a".to_string(),
                crmctl::settings::standard_rows(
                    "ucc.local",
                    &emu.base_url,
                    DEMO_USERNAME,
                    [
                        &c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}")),
                        &c.encrypt_to_base64(DEMO_CLIENT_ID),
                        &c.encrypt_to_base64(DEMO_CLIENT_SECRET),
                    ],
                    "60.0",
                    &format!("{}/services/oauth2/token", emu.login_url),
                ),
            )],
            "leaks",
        ),
    );
    let estate = estate.to_str().expect("utf8");
    let profile = sb.key_profile();
    let profile = profile.to_str().expect("utf8");
    let jwt = |user: &str, key: &str| -> Vec<String> {
        [
            "login",
            "--flow",
            "jwt",
            "--login-url",
            &emu.login_url,
            "--username",
            user,
            "--jwt-key-file",
            key,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let mut cases: Vec<Vec<String>> = vec![
        jwt(DEMO_USERNAME, key),
        jwt("nobody@crmctl.example", key),
        jwt(DEMO_USERNAME, damaged),
    ];
    let mut lookup = jwt(DEMO_USERNAME, key);
    lookup[0] = "lookup".into();
    lookup.push("+1 415 555 1212".into());
    cases.push(lookup);
    for flow in ["password", "jwt"] {
        cases.push(
            [
                "--key-file",
                profile,
                "doctor",
                "--flow",
                flow,
                "--jwt-key-file",
                key,
                "--settings",
                estate,
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        );
    }
    let mut ran = 0;
    for case in &cases {
        for mode in [
            &[][..],
            &["--json"][..],
            &["-vv"][..],
            &["-v", "--json"][..],
        ] {
            let mut argv: Vec<&str> = mode.to_vec();
            argv.extend(case.iter().map(String::as_str));
            let run = sb.run(&argv, &[("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID)], "");
            let what = argv.join(" ");
            for line in &body {
                assert!(
                    !run.stdout.contains(line) && !run.stderr.contains(line),
                    "{what}: a line of the key reached the output"
                );
            }
            // The start of every RS256 assertion crmctl signs: {"alg":"RS256","typ":"JWT"}.
            for out in [&run.stdout, &run.stderr] {
                assert!(
                    !out.contains("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"),
                    "{what}: {out}"
                );
            }
            assert_clean(&what, &run);
            if run.code == 0 {
                ran += 1;
            }
        }
    }
    // The successful runs did real work, or this test proves nothing.
    assert!(ran >= 12, "only {ran} runs succeeded");
}
