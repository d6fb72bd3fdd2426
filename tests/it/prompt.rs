//! The real hidden prompt, driven through a pseudo-terminal: nothing typed may be
//! echoed to the screen, and only the encrypted string is printed.

#![cfg(unix)]

use rexpect::process::WaitStatus;
use rexpect::session::spawn_command;

use crate::support::{Sandbox, test_cipher};

/// rexpect turns terminal echo off when it spawns; a real terminal echoes. Turn it
/// back on in the child before the program starts, so hiding input is crmctl's job.
fn on_echoing_terminal(sb: &Sandbox, program: &str, args: &[&str]) -> std::process::Command {
    let mut sh = std::process::Command::new("sh");
    sh.args(["-c", "stty echo && exec \"$0\" \"$@\"", program])
        .args(args);
    sb.isolate(&mut sh);
    sh.env("TERM", "dumb");
    sh
}

/// Proves the harness sees echoed input, so the tests below can fail.
#[test]
fn the_test_terminal_really_echoes() {
    let sb = Sandbox::new();
    let cmd = on_echoing_terminal(&sb, "sh", &["-c", "echo ready && read line && echo done"]);
    let mut s = spawn_command(cmd, TIMEOUT_MS).expect("spawn on a pty");
    // Type only once echo is on; the line discipline echoes at the moment of typing.
    s.exp_string("ready").expect("ready");
    s.send_line("visible-typing").expect("type");
    let screen = s.exp_string("done").expect("done");
    assert!(screen.contains("visible-typing"), "{screen}");
}

const TIMEOUT_MS: Option<u64> = Some(20_000);
const PASSWORD: &str = "Typ1calPassw0rd-xyz";
const TOKEN: &str = "pR8uI234BiGggTOKENabc";

/// Everything the terminal showed, for the echo check.
struct Screen(String);

impl Screen {
    fn assert_no_secret(&self) {
        for secret in [PASSWORD, TOKEN, "Typ1cal", "TOKENabc"] {
            assert!(
                !self.0.contains(secret),
                "the terminal showed {secret:?}:\n{}",
                self.0
            );
        }
    }
}

#[test]
fn password_and_token_prompts_hide_what_is_typed() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let cmd = on_echoing_terminal(
        &sb,
        crate::support::BIN,
        &["--key-file", key.to_str().expect("utf8"), "encrypt"],
    );
    let mut s = spawn_command(cmd, TIMEOUT_MS).expect("spawn on a pty");
    let mut screen = String::new();
    screen += &s
        .exp_string("Salesforce password: ")
        .expect("password prompt");
    s.send_line(PASSWORD).expect("type password");
    screen += &s.exp_string("Security token: ").expect("token prompt");
    s.send_line(TOKEN).expect("type token");
    screen += &s.exp_string("again, to confirm: ").expect("confirm prompt");
    s.send_line(PASSWORD).expect("type password again");
    screen += &s.exp_eof().expect("program ends");
    let status = s.process().wait().expect("exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    let screen = Screen(screen);
    screen.assert_no_secret();
    let expected = test_cipher().encrypt_to_base64(&format!("{PASSWORD}{TOKEN}"));
    assert!(
        screen.0.contains(&expected),
        "encrypted string missing:\n{}",
        screen.0
    );
}

#[test]
fn a_mismatched_confirmation_asks_again() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let cmd = on_echoing_terminal(
        &sb,
        crate::support::BIN,
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "encrypt",
            "--value",
        ],
    );
    let mut s = spawn_command(cmd, TIMEOUT_MS).expect("spawn on a pty");
    let mut screen = String::new();
    screen += &s.exp_string("Value to encrypt").expect("value prompt");
    s.send_line(PASSWORD).expect("type");
    screen += &s.exp_string("to confirm: ").expect("confirm");
    s.send_line(TOKEN).expect("type a different value");
    screen += &s.exp_string("differ").expect("mismatch warning");
    screen += &s.exp_string("Value to encrypt").expect("asked again");
    s.send_line(PASSWORD).expect("type");
    screen += &s.exp_string("to confirm: ").expect("confirm");
    s.send_line(PASSWORD).expect("type");
    screen += &s.exp_eof().expect("program ends");
    let status = s.process().wait().expect("exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    let screen = Screen(screen);
    screen.assert_no_secret();
    assert!(
        screen
            .0
            .contains(&test_cipher().encrypt_to_base64(PASSWORD))
    );
}

#[test]
fn settings_init_wizard_encrypts_as_it_goes_and_validates() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let out_file = sb.path("ucc.yaml");
    let cmd = on_echoing_terminal(
        &sb,
        crate::support::BIN,
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "settings",
            "init",
            "--out",
            out_file.to_str().expect("utf8"),
        ],
    );
    let mut s = spawn_command(cmd, TIMEOUT_MS).expect("spawn on a pty");
    let mut screen = String::new();
    fn answer(s: &mut rexpect::session::PtySession, screen: &mut String, prompt: &str, text: &str) {
        *screen += &s
            .exp_string(prompt)
            .unwrap_or_else(|e| panic!("prompt {prompt:?}: {e}"));
        s.send_line(text).expect("type");
    }
    answer(&mut s, &mut screen, "UCC name", "helpdesk");
    answer(
        &mut s,
        &mut screen,
        "FQDN of the CRM Service",
        "ucc1.contoso.local",
    );
    answer(
        &mut s,
        &mut screen,
        "Salesforce org URL",
        "https://eu6.salesforce.com/",
    );
    answer(&mut s, &mut screen, "sandbox org?", "no");
    answer(
        &mut s,
        &mut screen,
        "Salesforce username",
        "integration@contoso.com",
    );
    answer(&mut s, &mut screen, "Salesforce password", PASSWORD);
    answer(&mut s, &mut screen, "again, to confirm", PASSWORD);
    answer(&mut s, &mut screen, "Security token", TOKEN);
    answer(&mut s, &mut screen, "client id", "3MVG9clientTOKENabc");
    answer(
        &mut s,
        &mut screen,
        "again, to confirm",
        "3MVG9clientTOKENabc",
    );
    answer(&mut s, &mut screen, "client secret", "Typ1calSecret");
    answer(&mut s, &mut screen, "again, to confirm", "Typ1calSecret");
    answer(&mut s, &mut screen, "REST API version", "61.0");
    answer(&mut s, &mut screen, "DefaultPhoneNumberRegion", "nl");
    answer(&mut s, &mut screen, "PhoneNumberFormat", "");
    screen += &s.exp_eof().expect("program ends");
    let status = s.process().wait().expect("exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    Screen(screen.clone()).assert_no_secret();
    assert!(screen.contains("Written and validated"), "{screen}");
    let text = std::fs::read_to_string(&out_file).expect("written");
    assert!(
        !text.contains(PASSWORD) && !text.contains("Typ1calSecret"),
        "secrets are stored encrypted only"
    );
    let uccs = crmctl::settings::load::yaml(&out_file, &text).expect("valid YAML");
    let u = &uccs[0];
    let c = test_cipher();
    let dec = |k: &str| {
        secrecy::ExposeSecret::expose_secret(
            &c.decrypt_base64(u.value(k).expect(k)).expect("decrypts"),
        )
        .to_string()
    };
    assert_eq!(dec("Password"), format!("{PASSWORD}{TOKEN}"));
    assert_eq!(dec("ClientSecret"), "Typ1calSecret");
    assert_eq!(u.value("DefaultPhoneNumberRegion"), Some("NL"));
    assert_eq!(
        u.value("PhoneNumberFormat"),
        None,
        "the default is not written"
    );
    assert_eq!(u.value("ApiEndPoint"), Some("services/data/v61.0/"));
    assert_eq!(
        u.value("LoginEndPoint"),
        Some("https://login.salesforce.com/services/oauth2/token")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&out_file)
                .expect("meta")
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
}

#[test]
fn settings_init_needs_a_terminal() {
    let sb = Sandbox::new();
    let out = sb.run(&["settings", "init"], &[], "");
    out.assert_code(2);
    assert!(
        out.stderr.contains("needs a terminal") && out.stderr.contains("validate-settings"),
        "{}",
        out.stderr
    );
}

#[test]
fn settings_init_asks_a_wrong_answer_again_and_keeps_the_others() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let out_file = sb.path("ucc.yaml");
    let cmd = on_echoing_terminal(
        &sb,
        crate::support::BIN,
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "settings",
            "init",
            "--out",
            out_file.to_str().expect("utf8"),
        ],
    );
    let mut s = spawn_command(cmd, TIMEOUT_MS).expect("spawn on a pty");
    let mut screen = String::new();
    fn answer(s: &mut rexpect::session::PtySession, screen: &mut String, prompt: &str, text: &str) {
        *screen += &s
            .exp_string(prompt)
            .unwrap_or_else(|e| panic!("prompt {prompt:?}: {e}\n{screen}"));
        s.send_line(text).expect("type");
    }
    answer(&mut s, &mut screen, "UCC name", "sales");
    // An FQDN typed as a URL: told why, asked again.
    answer(
        &mut s,
        &mut screen,
        "FQDN of the CRM Service",
        "http://ucc1.contoso.local/",
    );
    answer(&mut s, &mut screen, "without http://", "ucc1.contoso.local");
    // The org URL: no default (not the login host), https required, login host refused.
    answer(&mut s, &mut screen, "Salesforce org URL", "");
    answer(
        &mut s,
        &mut screen,
        "Salesforce org URL",
        "eu6.salesforce.com",
    );
    answer(
        &mut s,
        &mut screen,
        "start it with https://",
        "https://login.salesforce.com/",
    );
    answer(
        &mut s,
        &mut screen,
        "is the login host",
        "https://eu6.salesforce.com",
    );
    answer(&mut s, &mut screen, "sandbox org?", "no");
    answer(
        &mut s,
        &mut screen,
        "Salesforce username",
        "integration@contoso.com",
    );
    answer(&mut s, &mut screen, "Salesforce password", PASSWORD);
    answer(&mut s, &mut screen, "again, to confirm", PASSWORD);
    answer(&mut s, &mut screen, "Security token", TOKEN);
    answer(&mut s, &mut screen, "client id", "3MVG9clientTOKENabc");
    answer(
        &mut s,
        &mut screen,
        "again, to confirm",
        "3MVG9clientTOKENabc",
    );
    answer(&mut s, &mut screen, "client secret", "Typ1calSecret");
    answer(&mut s, &mut screen, "again, to confirm", "Typ1calSecret");
    // A version in the wrong form after every secret: only the version is asked again.
    answer(&mut s, &mut screen, "REST API version", "sixty-one");
    answer(&mut s, &mut screen, "like 60.0", "v61");
    // UK is not an ISO code: asked again, with the code meant.
    answer(&mut s, &mut screen, "DefaultPhoneNumberRegion", "UK");
    answer(&mut s, &mut screen, "did you mean GB?", "GB");
    answer(&mut s, &mut screen, "PhoneNumberFormat", "national");
    screen += &s.exp_eof().expect("program ends");
    let status = s.process().wait().expect("exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    Screen(screen.clone()).assert_no_secret();
    let text = std::fs::read_to_string(&out_file).expect("written");
    let uccs = crmctl::settings::load::yaml(&out_file, &text).expect("valid YAML");
    let u = &uccs[0];
    assert_eq!(u.name, "sales");
    assert_eq!(u.value("DefaultPhoneNumberRegion"), Some("GB"));
    assert_eq!(u.value("PhoneNumberFormat"), Some("National"));
    assert_eq!(
        u.value("ApplicationHost"),
        Some("https://eu6.salesforce.com/")
    );
    assert_eq!(
        u.value("CrmServiceUrl"),
        Some("http://ucc1.contoso.local/CrmServiceSalesforce")
    );
    assert_eq!(u.value("ApiEndPoint"), Some("services/data/v61.0/"));
    let plain = secrecy::ExposeSecret::expose_secret(
        &test_cipher()
            .decrypt_base64(u.value("Password").expect("password"))
            .expect("decrypts"),
    )
    .to_string();
    assert_eq!(plain, format!("{PASSWORD}{TOKEN}"));
}

/// Issue 18 items 7 and 9: ClientId and ClientSecret are confirmed (a mismatch asks
/// again), and a test org on this machine logs in at its own URL, with no sandbox
/// question.
#[test]
fn settings_init_confirms_the_client_pair_and_logs_in_at_a_test_org() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let out_file = sb.path("ucc.yaml");
    let cmd = on_echoing_terminal(
        &sb,
        crate::support::BIN,
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "settings",
            "init",
            "--out",
            out_file.to_str().expect("utf8"),
        ],
    );
    let mut s = spawn_command(cmd, TIMEOUT_MS).expect("spawn on a pty");
    let mut screen = String::new();
    fn answer(s: &mut rexpect::session::PtySession, screen: &mut String, prompt: &str, text: &str) {
        *screen += &s
            .exp_string(prompt)
            .unwrap_or_else(|e| panic!("prompt {prompt:?}: {e}\n{screen}"));
        s.send_line(text).expect("type");
    }
    answer(&mut s, &mut screen, "UCC name", "lab");
    answer(
        &mut s,
        &mut screen,
        "FQDN of the CRM Service",
        "ucc1.contoso.local",
    );
    answer(
        &mut s,
        &mut screen,
        "Salesforce org URL",
        "http://127.0.0.1:41234",
    );
    answer(
        &mut s,
        &mut screen,
        "Salesforce username",
        "integration@contoso.com",
    );
    answer(&mut s, &mut screen, "Salesforce password", PASSWORD);
    answer(&mut s, &mut screen, "again, to confirm", PASSWORD);
    answer(&mut s, &mut screen, "Security token", TOKEN);
    answer(&mut s, &mut screen, "client id", "3MVG9clientTOKENabc");
    answer(
        &mut s,
        &mut screen,
        "again, to confirm",
        "3MVG9clientTOKENabd",
    );
    screen += &s.exp_string("the two entries differ").expect("asked again");
    answer(&mut s, &mut screen, "client id", "3MVG9clientTOKENabc");
    answer(
        &mut s,
        &mut screen,
        "again, to confirm",
        "3MVG9clientTOKENabc",
    );
    answer(&mut s, &mut screen, "client secret", "Typ1calSecret");
    answer(&mut s, &mut screen, "again, to confirm", "Typ1calSecreT");
    screen += &s.exp_string("the two entries differ").expect("asked again");
    answer(&mut s, &mut screen, "client secret", "Typ1calSecret");
    answer(&mut s, &mut screen, "again, to confirm", "Typ1calSecret");
    answer(&mut s, &mut screen, "REST API version", "61.0");
    answer(&mut s, &mut screen, "DefaultPhoneNumberRegion", "");
    answer(&mut s, &mut screen, "PhoneNumberFormat", "");
    screen += &s.exp_eof().expect("program ends");
    let status = s.process().wait().expect("exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    assert!(!screen.contains("sandbox org?"), "{screen}");
    Screen(screen.clone()).assert_no_secret();
    let text = std::fs::read_to_string(&out_file).expect("written");
    let uccs = crmctl::settings::load::yaml(&out_file, &text).expect("valid YAML");
    let u = &uccs[0];
    assert_eq!(
        u.value("LoginEndPoint"),
        Some("http://127.0.0.1:41234/services/oauth2/token")
    );
    let dec = |k: &str| {
        secrecy::ExposeSecret::expose_secret(
            &test_cipher()
                .decrypt_base64(u.value(k).expect(k))
                .expect("decrypts"),
        )
        .to_string()
    };
    assert_eq!(dec("ClientId"), "3MVG9clientTOKENabc");
    assert_eq!(dec("ClientSecret"), "Typ1calSecret");
}

/// A passphrase that makes new strings is asked twice: a typo would make strings no
/// CRM Service can decrypt. An empty one is refused.
#[test]
fn a_key_passphrase_for_new_strings_is_asked_twice() {
    let sb = Sandbox::new();
    let key = sb.write_private(
        "derived.yaml",
        "derive: { kdf: pbkdf2-sha1, iterations: 1000, salt: hex:0001020304050607, key_bytes: 32 }\n",
    );
    let cmd = on_echoing_terminal(
        &sb,
        crate::support::BIN,
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "encrypt",
            "--value",
        ],
    );
    let mut s = spawn_command(cmd, TIMEOUT_MS).expect("spawn on a pty");
    let mut screen = String::new();
    screen += &s
        .exp_string("Key profile passphrase: ")
        .expect("passphrase");
    s.send_line("").expect("empty");
    screen += &s.exp_string("empty").expect("empty refused");
    screen += &s
        .exp_string("Key profile passphrase: ")
        .expect("asked again");
    s.send_line("correct horse").expect("type");
    screen += &s.exp_string("again, to confirm").expect("confirm");
    s.send_line("correct hose").expect("typo");
    screen += &s.exp_string("differ").expect("mismatch");
    screen += &s
        .exp_string("Key profile passphrase: ")
        .expect("asked again");
    s.send_line("correct horse").expect("type");
    screen += &s.exp_string("again, to confirm").expect("confirm");
    s.send_line("correct horse").expect("type");
    screen += &s.exp_string("Value to encrypt").expect("value prompt");
    s.send_line(PASSWORD).expect("type");
    screen += &s.exp_string("to confirm: ").expect("confirm");
    s.send_line(PASSWORD).expect("type");
    screen += &s.exp_eof().expect("program ends");
    let status = s.process().wait().expect("exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    assert!(!screen.contains("correct horse"), "{screen}");
    let profile = crmctl::crypto::profile::KeyProfile::load(
        &key,
        crmctl::crypto::profile::ProfileOrigin::Flag,
    )
    .expect("profile");
    let cipher = profile
        .cipher(Some(&secrecy::SecretString::from(
            "correct horse".to_string(),
        )))
        .expect("cipher");
    assert!(
        screen.contains(&cipher.encrypt_to_base64(PASSWORD)),
        "{screen}"
    );
}

/// An empty password would store the security token alone: asked again.
#[test]
fn an_empty_password_at_the_prompt_is_asked_again() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let cmd = on_echoing_terminal(
        &sb,
        crate::support::BIN,
        &["--key-file", key.to_str().expect("utf8"), "encrypt"],
    );
    let mut s = spawn_command(cmd, TIMEOUT_MS).expect("spawn on a pty");
    let mut screen = String::new();
    screen += &s.exp_string("Salesforce password: ").expect("password");
    s.send_line("").expect("empty");
    // Said at once, before the token and the confirmation are typed.
    let refused = s.exp_string("password is empty").expect("refused");
    assert!(!refused.contains("Security token"), "{refused}");
    screen += &refused;
    screen += &s.exp_string("Salesforce password: ").expect("asked again");
    s.send_line(PASSWORD).expect("type");
    screen += &s.exp_string("Security token: ").expect("token");
    s.send_line(TOKEN).expect("token");
    screen += &s.exp_string("again, to confirm: ").expect("confirm");
    s.send_line(PASSWORD).expect("type");
    screen += &s.exp_eof().expect("program ends");
    let status = s.process().wait().expect("exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    Screen(screen.clone()).assert_no_secret();
    assert!(screen.contains(&test_cipher().encrypt_to_base64(&format!("{PASSWORD}{TOKEN}"))));
    assert!(!screen.contains(&test_cipher().encrypt_to_base64(TOKEN)));
}

/// A target that can't be written is refused before the first question, not after
/// every secret has been typed.
#[test]
fn settings_init_refuses_an_unwritable_target_before_asking_anything() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let dangling = sb.path("settings.yaml");
    std::os::unix::fs::symlink(sb.path("nowhere/settings.yaml"), &dangling).expect("symlink");
    let cmd = on_echoing_terminal(
        &sb,
        crate::support::BIN,
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "settings",
            "init",
            "--force",
            "--out",
            dangling.to_str().expect("utf8"),
        ],
    );
    let mut s = spawn_command(cmd, TIMEOUT_MS).expect("spawn on a pty");
    let screen = s.exp_eof().expect("program ends without a question");
    let status = s.process().wait().expect("exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, 3)),
        "{status:?}\n{screen}"
    );
    assert!(screen.contains("cannot write"), "{screen}");
    assert!(!screen.contains("UCC name"), "{screen}");
}

/// Ctrl-D at a hidden prompt: the error starts on a line of its own, not after the
/// prompt's text.
#[test]
fn ctrl_d_at_a_hidden_prompt_puts_the_error_on_its_own_line() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let cmd = on_echoing_terminal(
        &sb,
        crate::support::BIN,
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "encrypt",
            "--value",
        ],
    );
    let mut s = spawn_command(cmd, TIMEOUT_MS).expect("spawn on a pty");
    s.exp_string("(ClientId or ClientSecret): ")
        .expect("prompt");
    s.send_control('d').expect("ctrl-d");
    // What follows the prompt on the screen, up to the error.
    let after_prompt = s.exp_string("error:").expect("an error");
    let screen = s.exp_eof().expect("program ends");
    assert!(
        after_prompt.contains('\n'),
        "the error follows the prompt on its line: {after_prompt:?}{screen:?}"
    );
}

/// `settings set` asks as `encrypt` does, hidden, and writes the new string in place.
#[test]
fn settings_set_asks_for_the_password_and_token_hidden() {
    let sb = Sandbox::new();
    let key = sb.key_profile();
    let old = test_cipher().encrypt_to_base64("old");
    let before = format!(
        "uccs:\n  - name: helpdesk\n    settings:\n      - {{ setting: Password, scope: CrmService, value: {old} }}\n"
    );
    let file = sb.write_private("estate.yaml", &before);
    let cmd = on_echoing_terminal(
        &sb,
        crate::support::BIN,
        &[
            "--key-file",
            key.to_str().expect("utf8"),
            "settings",
            "set",
            file.to_str().expect("utf8"),
            "--ucc",
            "helpdesk",
            "Password",
        ],
    );
    let mut s = spawn_command(cmd, TIMEOUT_MS).expect("spawn on a pty");
    let mut screen = String::new();
    screen += &s
        .exp_string("Salesforce password: ")
        .expect("password prompt");
    s.send_line(PASSWORD).expect("type password");
    screen += &s.exp_string("Security token: ").expect("token prompt");
    s.send_line(TOKEN).expect("type token");
    screen += &s.exp_string("again, to confirm: ").expect("confirm prompt");
    s.send_line(PASSWORD).expect("type password again");
    screen += &s.exp_eof().expect("program ends");
    let status = s.process().wait().expect("exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    Screen(screen).assert_no_secret();
    let new = test_cipher().encrypt_to_base64(&format!("{PASSWORD}{TOKEN}"));
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        before.replace(&old, &new)
    );
}
