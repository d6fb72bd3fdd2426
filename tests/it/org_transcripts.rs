//! Transcripts of the text people read, against the emulated org on an ephemeral
//! loopback port: `lookup` (a number that pops, several matches, no match, withheld,
//! an e-mail, a case, org text with control characters, `--model 8x8` and the CRM
//! Service model with `--settings`), `validate-settings`, `doctor` and `login`.
//!
//! Each file under `tests/fixtures/transcripts/` holds the command line, the exit
//! code, stdout and stderr. What varies from run to run is redacted: the emulator's
//! URLs (`[ORG]`, `[LOGIN]`), the sandbox folder (`[ROOT]`), and in the files
//! themselves timings and request counts as `[..]`. After a deliberate change,
//! rewrite them with `SNAPSHOTS=overwrite cargo test --test it org_transcripts`
//! and read the diff.

use emulator::default_org::*;
use emulator::{Background, Config};

use crate::support::{Run, Sandbox, demo_env, test_cipher};

/// A sandbox and an emulated org; runs crmctl with the demo credentials in the
/// environment and compares the transcript with a file.
struct Bench {
    sb: Sandbox,
    emu: Background,
}

impl Bench {
    fn new() -> Self {
        Bench {
            sb: Sandbox::new(),
            emu: Background::start(Config::default()).expect("emulator"),
        }
    }

    /// crmctl `args` with the demo user's secrets (and `extra`) in the environment.
    fn run(&self, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let env = demo_env(&self.emu.base_url);
        let mut pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.extend_from_slice(extra);
        self.sb.run(args, &pairs, "")
    }

    /// Runs `args` and checks the transcript against `expected`.
    #[track_caller]
    fn check(&self, args: &[&str], extra: &[(&str, &str)], expected: snapbox::Data) {
        let run = self.run(args, extra);
        self.assert(crate::snap::render(Some(args), &run), expected);
    }

    /// Runs `args` with no credentials in the environment (they come from a
    /// settings file) and checks the transcript against `expected`.
    #[track_caller]
    fn check_bare(&self, args: &[&str], expected: snapbox::Data) {
        let run = self.sb.run(args, &[], "");
        self.assert(crate::snap::render(Some(args), &run), expected);
    }

    #[track_caller]
    fn assert(&self, actual: String, expected: snapbox::Data) {
        crate::snap::assert(
            &self.sb,
            &[
                ("[ORG]", &self.emu.base_url),
                ("[LOGIN]", &self.emu.login_url),
            ],
            actual,
            expected,
        );
    }

    /// An estate file of UCCs logging in to this emulator, written with the test
    /// key profile; returns the two paths (estate, key) as the sandbox sees them.
    fn estate(&self, uccs: &[(&str, Rows)], tail: &str) -> (String, String) {
        let uccs: Vec<(String, Rows)> = uccs
            .iter()
            .map(|(n, r)| (n.to_string(), r.clone()))
            .collect();
        let yaml = crmctl::settings::render_yaml(&uccs, "transcript estate");
        let file = self
            .sb
            .write_private("estate.yaml", &format!("{yaml}{tail}"));
        let key = self.sb.key_profile();
        (
            file.to_str().expect("utf8").to_string(),
            key.to_str().expect("utf8").to_string(),
        )
    }

    /// A UCC whose CRM Service at `fqdn` logs in to this emulator as the demo user,
    /// with `token` after the password.
    fn rows(&self, fqdn: &str, token: &str) -> Rows {
        let c = test_cipher();
        crmctl::settings::standard_rows(
            fqdn,
            &self.emu.base_url,
            DEMO_USERNAME,
            [
                &c.encrypt_to_base64(&format!("{DEMO_PASSWORD}{token}")),
                &c.encrypt_to_base64(DEMO_CLIENT_ID),
                &c.encrypt_to_base64(DEMO_CLIENT_SECRET),
            ],
            "60.0",
            &self.emu.token_url(),
        )
    }
}

type Rows = Vec<(String, String, String)>;

fn set(rows: &mut Rows, setting: &str, value: &str) {
    if let Some(r) = rows.iter_mut().find(|r| r.0 == setting) {
        r.2 = value.to_string();
    }
}

// lookup

#[test]
fn lookup_a_number_that_pops_one_contact() {
    Bench::new().check(
        &["lookup", "+31 30 123 4567"],
        &[],
        snapbox::file!["../fixtures/transcripts/lookup-one-match.txt"],
    );
}

#[test]
fn lookup_a_number_with_several_matches_and_open_cases() {
    Bench::new().check(
        &["lookup", "(415) 555-1212", "--region", "US"],
        &[],
        snapbox::file!["../fixtures/transcripts/lookup-several.txt"],
    );
}

#[test]
fn lookup_a_number_nobody_has() {
    Bench::new().check(
        &["lookup", "+32 2 555 0101"],
        &[],
        snapbox::file!["../fixtures/transcripts/lookup-no-match.txt"],
    );
}

#[test]
fn lookup_a_withheld_number() {
    Bench::new().check(
        &["lookup", "anonymous"],
        &[],
        snapbox::file!["../fixtures/transcripts/lookup-withheld.txt"],
    );
}

#[test]
fn lookup_an_email_address() {
    Bench::new().check(
        &["lookup", "--email", "Jane.Doe@Example.com"],
        &[],
        snapbox::file!["../fixtures/transcripts/lookup-email.txt"],
    );
}

#[test]
fn lookup_a_case_number() {
    let b = Bench::new();
    b.check(
        &["lookup", "--case", "00001028"],
        &[],
        snapbox::file!["../fixtures/transcripts/lookup-case.txt"],
    );
    b.check(
        &["lookup", "--media", "chat", "99999999"],
        &[],
        snapbox::file!["../fixtures/transcripts/lookup-case-no-match.txt"],
    );
}

#[test]
fn lookup_org_text_with_control_characters_is_shown_escaped() {
    Bench::new().check(
        &["lookup", "+1 212 555 0199"],
        &[],
        snapbox::file!["../fixtures/transcripts/lookup-escaped.txt"],
    );
}

#[test]
fn lookup_as_an_8x8_integration_pops() {
    Bench::new().check(
        &["lookup", "--model", "8x8", "--region", "NL", "020-1234567"],
        &[],
        snapbox::file!["../fixtures/transcripts/lookup-model-8x8.txt"],
    );
}

const ATTRIBUTES: &str = r#"    plugin_attributes:
      - { DisplayName: Name, SystemName: FirstName, ShowOnExtensionWindow: Yes, Order: 1, Category: Contact }
      - { DisplayName: Name, SystemName: LastName, ShowOnExtensionWindow: Yes, Order: 2, Category: Contact }
      - { DisplayName: Title, SystemName: Title, ShowOnExtensionWindow: Yes, Order: 3, Category: Contact }
      - { DisplayName: Account, SystemName: Account.Name, ShowOnExtensionWindow: Yes, Order: 4, Category: Contact }
      - { DisplayName: Email, SystemName: Email, ShowOnExtensionWindow: No, Order: 5, Category: Contact }
      - { DisplayName: Company, SystemName: Company, Order: 1, Category: Lead }
"#;

#[test]
fn lookup_as_the_uccs_crm_service_is_configured() {
    let b = Bench::new();
    let mut rows = b.rows("ucc1.contoso.local", DEMO_SECURITY_TOKEN);
    rows.push((
        "DefaultPhoneNumberRegion".into(),
        "CrmService".into(),
        "NL".into(),
    ));
    let (file, key) = b.estate(&[("helpdesk", rows)], ATTRIBUTES);
    let base = [
        "--key-file",
        &key,
        "lookup",
        "--settings",
        &file,
        "--ucc",
        "helpdesk",
    ];
    let mut args = base.to_vec();
    args.push("020-1234567");
    b.check_bare(
        &args,
        snapbox::file!["../fixtures/transcripts/lookup-model-crm-service.txt"],
    );
    let mut args = base.to_vec();
    args.push("+44 20 7946 0000");
    b.check_bare(
        &args,
        snapbox::file!["../fixtures/transcripts/lookup-model-crm-service-no-match.txt"],
    );
}

// validate-settings

#[test]
fn validate_settings_clean() {
    let b = Bench::new();
    let c = test_cipher();
    let secrets = [
        c.encrypt_to_base64("TypicalPasswordpR8&uI234&BiGgg"),
        c.encrypt_to_base64("3MVG9clientid"),
        c.encrypt_to_base64("clientsecret"),
    ];
    let prod = |fqdn: &str| {
        crmctl::settings::standard_rows(
            fqdn,
            "https://eu6.salesforce.com/",
            "integration@contoso.com",
            [&secrets[0], &secrets[1], &secrets[2]],
            "60.0",
            "https://login.salesforce.com/services/oauth2/token",
        )
    };
    let (file, key) = b.estate(
        &[
            ("helpdesk", prod("ucc1.contoso.local")),
            ("billing", prod("ucc2.contoso.local")),
        ],
        "",
    );
    b.check_bare(
        &["--key-file", &key, "validate-settings", &file],
        snapbox::file!["../fixtures/transcripts/validate-clean.txt"],
    );
}

#[test]
fn validate_settings_with_findings() {
    let b = Bench::new();
    let mut helpdesk = b.rows("ucc1.contoso.local", DEMO_SECURITY_TOKEN);
    set(&mut helpdesk, "Password", "hunter2");
    set(&mut helpdesk, "ApiEndPoint", "services/data/v20.0/");
    set(
        &mut helpdesk,
        "CrmServiceUrl",
        "http://ucc9.contoso.local/CrmServiceSalesforce",
    );
    let mut billing = b.rows("ucc2.contoso.com", DEMO_SECURITY_TOKEN);
    billing.retain(|r| r.0 != "ClientSecret");
    billing.push((
        "PhoneNumberFormat".into(),
        "CrmService".into(),
        "E.164".into(),
    ));
    let (file, key) = b.estate(&[("helpdesk", helpdesk), ("billing", billing)], "");
    b.check_bare(
        &["--key-file", &key, "validate-settings", &file],
        snapbox::file!["../fixtures/transcripts/validate-findings.txt"],
    );
}

#[test]
fn validate_settings_logs_in_with_login() {
    let b = Bench::new();
    let (file, key) = b.estate(
        &[
            (
                "helpdesk",
                b.rows("ucc1.contoso.local", DEMO_SECURITY_TOKEN),
            ),
            ("billing", b.rows("ucc2.contoso.local", "WRONGTOKEN")),
        ],
        "",
    );
    b.check_bare(
        &["--key-file", &key, "validate-settings", "--login", &file],
        snapbox::file!["../fixtures/transcripts/validate-login.txt"],
    );
}

// doctor

#[test]
fn doctor_a_ready_ucc() {
    let b = Bench::new();
    let (file, key) = b.estate(
        &[(
            "helpdesk",
            b.rows("ucc1.contoso.local", DEMO_SECURITY_TOKEN),
        )],
        "",
    );
    b.check_bare(
        &[
            "--key-file",
            &key,
            "doctor",
            "--settings",
            &file,
            "--ani",
            "+31 30 123 4567",
            "--case",
            "00001028",
        ],
        snapbox::file!["../fixtures/transcripts/doctor-ready.txt"],
    );
}

#[test]
fn doctor_a_failing_ucc() {
    let b = Bench::new();
    let mut rows = b.rows("ucc1.contoso.local", DEMO_SECURITY_TOKEN);
    set(&mut rows, "ClientSecret", "not encrypted");
    let (file, key) = b.estate(&[("helpdesk", rows)], "");
    b.check_bare(
        &["--key-file", &key, "doctor", "--settings", &file],
        snapbox::file!["../fixtures/transcripts/doctor-failing.txt"],
    );
}

// login

#[test]
fn login_ok() {
    Bench::new().check(
        &["login"],
        &[],
        snapbox::file!["../fixtures/transcripts/login-ok.txt"],
    );
}

#[test]
fn login_rejected() {
    Bench::new().check(
        &["login"],
        &[("CRMCTL_TOKEN", "WRONGTOKEN")],
        snapbox::file!["../fixtures/transcripts/login-rejected.txt"],
    );
}

#[test]
fn login_client_credentials_on_the_login_host_is_refused() {
    let b = Bench::new();
    let login = b.emu.login_url.clone();
    b.check(
        &[
            "login",
            "--flow",
            "client-credentials",
            "--login-url",
            &login,
        ],
        &[],
        snapbox::file!["../fixtures/transcripts/login-client-credentials-login-host.txt"],
    );
}

#[test]
fn lookup_with_log_dry_run_shows_the_task_it_would_create() {
    let b = Bench::new();
    let run = b.run(
        &[
            "lookup",
            "+31 30 123 4567",
            "--log",
            "--dry-run",
            "--duration",
            "184",
            "--interaction-id",
            "7f3a-22",
            "--disposition",
            "Resolved",
        ],
        &[],
    );
    let text = crate::snap::render(
        Some(&[
            "lookup",
            "+31 30 123 4567",
            "--log",
            "--dry-run",
            "--duration",
            "184",
            "--interaction-id",
            "7f3a-22",
            "--disposition",
            "Resolved",
        ]),
        &run,
    )
    // The Task is dated today.
    .lines()
    .map(|l| match l.strip_prefix("  ActivityDate: ") {
        Some(_) => "  ActivityDate: [TODAY]\n".to_string(),
        None => format!("{l}\n"),
    })
    .collect::<String>();
    b.assert(
        text,
        snapbox::file!["../fixtures/transcripts/lookup-log-dry-run.txt"],
    );
}

#[test]
fn login_and_doctor_when_the_org_does_not_answer() {
    let b = Bench::new();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://127.0.0.1:{}", l.local_addr().expect("addr").port())
    };
    let env = [("CRMCTL_LOGIN_URL", closed.as_str())];
    let login = b.run(&["login"], &env);
    let doctor = b.run(&["doctor", "--ani", "+31 30 123 4567"], &env);
    let text = crate::snap::runs(&[
        (&["login"], &login),
        (&["doctor", "--ani", "+31 30 123 4567"], &doctor),
    ])
    .replace(&closed, "[CLOSED]");
    b.assert(
        text,
        snapbox::file!["../fixtures/transcripts/org-unreachable.txt"],
    );
}
