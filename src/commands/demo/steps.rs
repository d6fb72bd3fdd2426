//! The demo's steps as a table: what each runs, what it is shown as, what it is
//! fed, and the exit code it must end with. `run_steps` walks the table; the
//! values known only at run time (the emulator's URLs, strings the steps print)
//! fill the `{placeholders}`.

/// The environment a step runs with.
#[derive(Clone, Copy)]
pub(super) enum Env {
    /// Nothing beyond `CRMCTL_REGION` (the settings-file steps).
    None,
    /// The demo user's secrets and the My Domain host as `CRMCTL_LOGIN_URL`.
    Secrets,
    /// The My Domain host as `CRMCTL_LOGIN_URL` alone.
    LoginUrl,
}

/// What a row of the table does.
pub(super) enum Row {
    /// Run crmctl with these arguments.
    Run(Spec),
    /// Write the settings file from the three encrypted strings the steps printed.
    WriteSettings,
    /// Write a copy of the settings with two typical mistakes.
    WriteMistakes,
    /// Write the demo Connected App's published JWT key.
    WriteJwtKey,
    /// Read the rotated Password, for the last step.
    ReadRotated,
}

pub(super) struct Spec {
    pub title: &'static str,
    /// The command line as shown; `None`: `crmctl` and the arguments, quoted when
    /// they hold a space.
    pub shown: Option<&'static str>,
    pub args: &'static [&'static str],
    pub env: Env,
    pub stdin: &'static str,
    pub expect: i32,
    /// Keep the step's stdout under this name (`{password}`, ...).
    pub keep: Option<&'static str>,
}

const fn run(title: &'static str, args: &'static [&'static str], env: Env, expect: i32) -> Row {
    Row::Run(Spec {
        title,
        shown: None,
        args,
        env,
        stdin: "",
        expect,
        keep: None,
    })
}

const fn fed(
    title: &'static str,
    shown: &'static str,
    args: &'static [&'static str],
    stdin: &'static str,
    keep: Option<&'static str>,
) -> Row {
    Row::Run(Spec {
        title,
        shown: Some(shown),
        args,
        env: Env::None,
        stdin,
        expect: 0,
        keep,
    })
}

const fn shown(
    title: &'static str,
    shown: &'static str,
    args: &'static [&'static str],
    expect: i32,
) -> Row {
    Row::Run(Spec {
        title,
        shown: Some(shown),
        args,
        env: Env::None,
        stdin: "",
        expect,
        keep: None,
    })
}

/// Every step, in order.
pub(super) const STEPS: &[Row] = &[
    run(
        "Make a key profile",
        &["keygen", "--out", "{key}"],
        Env::None,
        0,
    ),
    fed(
        "Encrypt the password and the security token (joined, no space)",
        "printf '%s\\n%s\\n' \"$SF_PASSWORD\" \"$SF_TOKEN\" | crmctl --key-file key.yaml encrypt --stdin",
        &["--key-file", "{key}", "encrypt", "--stdin"],
        "{demo_password}\n{demo_token}\n",
        Some("{password}"),
    ),
    fed(
        "Encrypt the Connected App's client id",
        "echo \"$CLIENT_ID\" | crmctl --key-file key.yaml encrypt --value --stdin",
        &["--key-file", "{key}", "encrypt", "--value", "--stdin"],
        "{demo_client_id}\n",
        Some("{client_id}"),
    ),
    fed(
        "Encrypt the client secret",
        "echo \"$CLIENT_SECRET\" | crmctl --key-file key.yaml encrypt --value --stdin",
        &["--key-file", "{key}", "encrypt", "--value", "--stdin"],
        "{demo_client_secret}\n",
        Some("{client_secret}"),
    ),
    Row::WriteSettings,
    shown(
        "Check that the Password setting decrypts (without showing it)",
        "crmctl --key-file key.yaml decrypt '{password}'",
        &["--key-file", "{key}", "decrypt", "{password}"],
        0,
    ),
    run(
        "Log in as the CRM Service would",
        &[
            "login",
            "--login-url",
            "{login_url}",
            "--username",
            "{demo_username}",
        ],
        Env::Secrets,
        0,
    ),
    run(
        "A login with the token left off",
        &[
            "login",
            "--login-url",
            "{login_url}",
            "--username",
            "{demo_username}",
            "--no-token",
        ],
        Env::Secrets,
        1,
    ),
    run(
        "A caller in E.164 form: a contact and a lead, stored as (415) 555-1212 and +1 415 555 1212",
        &["lookup", "+14155551212", "--timings"],
        Env::Secrets,
        0,
    ),
    run(
        "The same Amsterdam number, stored as +31 20 123 4567 and 020-1234567",
        &["lookup", "020-1234567", "--region", "NL"],
        Env::Secrets,
        0,
    ),
    run(
        "One number shared by an account and two contacts",
        &["lookup", "+44 20 7946 0958"],
        Env::Secrets,
        0,
    ),
    run(
        "An e-mail (case-insensitive)",
        &["lookup", "--email", "Amelia.Clarke@globex.example.co.uk"],
        Env::Secrets,
        0,
    ),
    run(
        "A chat about a case",
        &["lookup", "--media", "chat", "00001026"],
        Env::Secrets,
        0,
    ),
    run(
        "A caller nobody knows: the agent gets a blank new record",
        &["lookup", "+1 999 555 0000"],
        Env::Secrets,
        1,
    ),
    // The screen pop as this UCC's CRM Service makes it, and as an 8x8-style search does.
    run(
        "The Amsterdam number as this UCC's CRM Service pops it: its region, format and PluginAttributes",
        &[
            "--key-file",
            "{key}",
            "lookup",
            "--settings",
            "settings.yaml",
            "--ucc",
            "helpdesk",
            "020-1234567",
        ],
        Env::None,
        0,
    ),
    run(
        "The same number as an 8x8-style search pops it: the Account first",
        &[
            "--key-file",
            "{key}",
            "lookup",
            "--settings",
            "settings.yaml",
            "--ucc",
            "helpdesk",
            "--model",
            "8x8",
            "--region",
            "NL",
            "020-1234567",
        ],
        Env::None,
        0,
    ),
    // An admin's day: check the settings, diagnose the UCC, prove the auto log,
    // rotate the key. The settings-based steps take nothing from the environment.
    run(
        "Check the settings file: clean, but for the warning that the org is on this machine",
        &["validate-settings", "--key-file", "{key}", "settings.yaml"],
        Env::None,
        0,
    ),
    Row::WriteMistakes,
    run(
        "Check the copy: each mistake found with its file and line",
        &[
            "validate-settings",
            "--key-file",
            "{key}",
            "settings-with-mistakes.yaml",
        ],
        Env::None,
        1,
    ),
    run(
        "The whole chain for the UCC: settings, secrets, login, fields, a screen pop, a call log",
        &[
            "doctor",
            "--key-file",
            "{key}",
            "--settings",
            "settings.yaml",
            "--ani",
            "+14155551212",
            "--log-test",
        ],
        Env::None,
        0,
    ),
    // Ready for 2027: the demo app's published JWT key, then the readiness of
    // each flow with it, and a login that needs no password.
    Row::WriteJwtKey,
    run(
        "Ready for 2027? Each flow for the UCC: password, client credentials, JWT",
        &[
            "doctor",
            "--key-file",
            "{key}",
            "--settings",
            "settings.yaml",
            "--jwt-key-file",
            "jwt-key.pem",
        ],
        Env::None,
        0,
    ),
    run(
        "Log in with JWT bearer: the demo app's published key, no password or secret",
        &[
            "login",
            "--flow",
            "jwt",
            "--jwt-key-file",
            "jwt-key.pem",
            "--client-id",
            "{demo_client_id}",
            "--username",
            "{demo_username}",
        ],
        Env::LoginUrl,
        0,
    ),
    run(
        "A call logged as the auto log would: the Task's Id is printed",
        &[
            "lookup",
            "020-1234567",
            "--log",
            "--duration",
            "184",
            "--interaction-id",
            "7f3a-22",
            "--disposition",
            "Resolved",
        ],
        Env::Secrets,
        0,
    ),
    fed(
        // The emulated org keeps its password, so the demo feeds the same one: the same
        // secret under the same key encrypts to the same string, and the step says so
        // rather than claiming a new value (`sha256:X -> sha256:X`).
        "A password reset: the password and token go into the Password value in place (the demo org's are unchanged, so is the string: one secret under one key encrypts alike)",
        "printf '%s\\n%s\\n' \"$PW\" \"$TOKEN\" | crmctl --key-file key.yaml settings set settings.yaml --ucc helpdesk Password --stdin",
        &[
            "--key-file",
            "{key}",
            "settings",
            "set",
            "settings.yaml",
            "--ucc",
            "helpdesk",
            "Password",
            "--stdin",
        ],
        "{demo_password}\n{demo_token}\n",
        None,
    ),
    run(
        "The CRM Service gets a new key: make its profile",
        &["keygen", "--out", "{new_key}"],
        Env::None,
        0,
    ),
    run(
        "Re-encrypt Password, ClientId and ClientSecret under it, every other byte kept",
        &[
            "rekey",
            "--from",
            "{key}",
            "--to",
            "{new_key}",
            "settings.yaml",
        ],
        Env::None,
        0,
    ),
    run(
        "Log in with the rotated settings and the new key",
        &[
            "login",
            "--settings",
            "settings.yaml",
            "--ucc",
            "helpdesk",
            "--key-file",
            "{new_key}",
        ],
        Env::None,
        0,
    ),
    Row::ReadRotated,
    shown(
        "The old key no longer decrypts the new Password",
        "crmctl --key-file key.yaml decrypt --check '{rotated}'",
        &["--key-file", "{key}", "decrypt", "--check", "{rotated}"],
        1,
    ),
];

/// `{name}` replaced by its value, for every known name.
pub(super) fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (name, value) in values {
        s = s.replace(name, value);
    }
    s
}

/// The command line as shown when the table gives none.
pub(super) fn shown_from(args: &[String]) -> String {
    let quoted: Vec<String> = args
        .iter()
        .map(|x| {
            if x.contains(' ') {
                format!("'{x}'")
            } else {
                x.clone()
            }
        })
        .collect();
    format!("crmctl {}", quoted.join(" "))
}
