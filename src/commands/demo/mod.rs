//! `crmctl demo`: the whole tool end to end against the emulated org, with the
//! real commands, each shown with its command line and output.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use clap::Args;
use serde_json::json;

use emulator::default_org::*;

use crate::ctx::Ctx;
use crate::error::{CliError, EXIT_NO};
use crate::output::{Printer, Report};

mod files;
use files::{rotated_password, settings_yaml, with_two_mistakes};

/// Walk through encrypt, login and lookups against an emulated org (no Salesforce needed)
#[derive(Debug, Args)]
#[command(
    long_about = "Walk through encrypt, login and lookups against an emulated org (no Salesforce needed).\n\n\
crmctl starts the emulated org on a free loopback port, writes a key profile and a UCC settings \
file into a temporary folder, and runs the real commands: keygen, encrypt (password + token, \
client id, client secret), decrypt --check, login, and lookups of a number typed several ways, \
an e-mail, a case and a number with no match. Then an admin's day: validate-settings on the \
settings file (clean but for the test-org warning) and on a copy with two typical mistakes, \
doctor on the UCC with a screen pop and the call-log test, its readiness for the flows that replace \
the username-password flow and a login with the JWT bearer flow (the demo app's key is published as \
jwt-key.pem), a lookup --log that creates a call \
log, and a key rotation: keygen, rekey of the settings file, login --settings under the new key, \
and the old key no longer decrypting. Each command line is shown with its output. \
Exit 0 when every step behaved as expected (some steps are expected to exit 1)."
)]
pub struct DemoArgs {
    /// Keep the temporary folder (key profile, settings file) and print its path
    #[arg(long)]
    pub keep: bool,
}

struct Step {
    title: &'static str,
    shown: String,
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    stdin: String,
    expect: i32,
}

pub struct DemoReport {
    steps: Vec<(String, i32, i32)>,
    folder: Option<String>,
}

impl Report for DemoReport {
    fn data(&self) -> serde_json::Value {
        json!({
            "steps": self.steps.iter().map(|(s, want, got)| json!({"step": s, "expected_exit": want, "exit": got})).collect::<Vec<_>>(),
            "ok": self.steps.iter().all(|(_, w, g)| w == g),
            "folder": self.folder,
        })
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        let failed: Vec<&str> = self
            .steps
            .iter()
            .filter(|(_, w, g)| w != g)
            .map(|(s, ..)| s.as_str())
            .collect();
        if failed.is_empty() {
            out.data(&format!(
                "\nDemo complete: {} steps behaved as expected.\n",
                self.steps.len()
            ))?;
        } else {
            out.data(&format!(
                "\nDemo finished with surprises in: {}\n",
                failed.join(", ")
            ))?;
        }
        if let Some(f) = &self.folder {
            out.data(&format!("Kept {f}\n"))?;
        }
        Ok(())
    }

    fn exit_code(&self) -> u8 {
        if self.steps.iter().all(|(_, w, g)| w == g) {
            0
        } else {
            EXIT_NO
        }
    }
}

fn run_step(
    exe: &Path,
    dir: &Path,
    step: &Step,
    color: bool,
    out: &Printer,
    json: bool,
) -> Result<(i32, String), CliError> {
    let s = out.stdout_style();
    if !json {
        out.data(&format!(
            "\n{}\n{} {}\n",
            s.bold(&format!("== {}", step.title)),
            s.dim("$"),
            step.shown
        ))
        .map_err(io)?;
    }
    let mut cmd = Command::new(exe);
    // The user's own key, org and secrets must not leak into the demo's steps: each
    // step gets exactly what its command line and `step.env` say.
    for var in INHERITED_VARS {
        cmd.env_remove(var);
    }
    cmd.args(&step.args)
        .current_dir(dir)
        .env("CRMCTL_REGION", "NL")
        .envs(step.env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if color {
        cmd.arg("--color").arg("always");
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| CliError::internal("could not run crmctl for the demo").with_cause(e))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(step.stdin.as_bytes());
    }
    let output = child
        .wait_with_output()
        .map_err(|e| CliError::internal("the demo step failed to run").with_cause(e))?;
    let code = output.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !json {
        out.data(&stdout).map_err(io)?;
        if !stdout.ends_with('\n') && !stdout.is_empty() {
            out.data("\n").map_err(io)?;
        }
        out.data(&String::from_utf8_lossy(&output.stderr))
            .map_err(io)?;
        let mark = if code == step.expect {
            s.ok(&format!("(exit {code})"))
        } else {
            s.error(&format!("(exit {code}, expected {})", step.expect))
        };
        out.data(&format!("{}\n", s.dim(&mark))).map_err(io)?;
    }
    Ok((code, stdout))
}

/// Variables that would change what a step does (key profile, org, secrets).
const INHERITED_VARS: [&str; 12] = [
    "CRMCTL_KEY_FILE",
    "CRMCTL_KEY_PASSPHRASE",
    "CRMCTL_FROM_PASSPHRASE",
    "CRMCTL_TO_PASSPHRASE",
    "CRMCTL_PASSWORD",
    "CRMCTL_TOKEN",
    "CRMCTL_CLIENT_ID",
    "CRMCTL_CLIENT_SECRET",
    "CRMCTL_USERNAME",
    "CRMCTL_LOGIN_URL",
    "CRMCTL_CA_CERT",
    "CRMCTL_VALUE",
];

fn io(e: std::io::Error) -> CliError {
    CliError::output(e)
}

pub fn run(ctx: &Ctx, args: &DemoArgs) -> Result<Box<dyn Report>, CliError> {
    let result = run_steps(ctx, args);
    // Interrupted: the folder is gone and a step may have failed for that; let the
    // signal end the process rather than report the failure.
    crate::interrupt::hold_if_stopping();
    result
}

fn run_steps(ctx: &Ctx, args: &DemoArgs) -> Result<Box<dyn Report>, CliError> {
    let exe = std::env::current_exe()
        .map_err(|e| CliError::internal("cannot find the crmctl executable").with_cause(e))?;
    let dir = tempfile::Builder::new()
        .prefix("crmctl-demo-")
        .tempdir()
        .map_err(|e| CliError::input("cannot make a temporary folder").with_cause(e))?;
    // Removed on SIGINT/SIGTERM too: dropping `dir` only runs on a normal return.
    let cleanup = crate::interrupt::remove_on_signal(dir.path());
    let emu = emulator::Background::start(emulator::Config::default())
        .map_err(|e| CliError::internal("the emulated org did not start").with_cause(e))?;
    let out = &ctx.out;
    let json = out.is_json();
    let color = out.mode.color_stdout;
    if !json {
        out.data(&format!(
            "crmctl demo: an emulated Salesforce org is serving on {} (My Domain) and {} (login host).\nFiles go to {}. The demo user's secrets reach login and lookup through CRMCTL_PASSWORD,\nCRMCTL_TOKEN, CRMCTL_CLIENT_ID and CRMCTL_CLIENT_SECRET; CRMCTL_LOGIN_URL is the My Domain host.\n",
            emu.base_url,
            emu.login_url,
            dir.path().display()
        ))
        .map_err(io)?;
    }
    // Relative to the steps' working folder (the demo folder): should the folder be
    // removed under a running step (a signal), the step cannot create it again.
    let k = "key.yaml".to_string();
    let secrets = vec![
        ("CRMCTL_PASSWORD", DEMO_PASSWORD.to_string()),
        ("CRMCTL_TOKEN", DEMO_SECURITY_TOKEN.to_string()),
        ("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID.to_string()),
        ("CRMCTL_CLIENT_SECRET", DEMO_CLIENT_SECRET.to_string()),
        ("CRMCTL_USERNAME", DEMO_USERNAME.to_string()),
        ("CRMCTL_LOGIN_URL", emu.base_url.clone()),
    ];
    let step = |title,
                shown: String,
                a: &[&str],
                env: Vec<(&'static str, String)>,
                stdin: String,
                expect| Step {
        title,
        shown,
        args: a.iter().map(|s| s.to_string()).collect(),
        env,
        stdin,
        expect,
    };
    let mut results = Vec::new();
    let exec = |s: Step, results: &mut Vec<(String, i32, i32)>| -> Result<String, CliError> {
        let (code, stdout) = run_step(&exe, dir.path(), &s, color, out, json)?;
        results.push((s.title.to_string(), s.expect, code));
        Ok(stdout)
    };
    exec(
        step(
            "Make a key profile",
            "crmctl keygen --out key.yaml".into(),
            &["keygen", "--out", &k],
            vec![],
            String::new(),
            0,
        ),
        &mut results,
    )?;
    let password = exec(
        step(
            "Encrypt the password and the security token (joined, no space)",
            "printf '%s\\n%s\\n' \"$SF_PASSWORD\" \"$SF_TOKEN\" | crmctl --key-file key.yaml encrypt --stdin".into(),
            &["--key-file", &k, "encrypt", "--stdin"],
            vec![],
            format!("{DEMO_PASSWORD}\n{DEMO_SECURITY_TOKEN}\n"),
            0,
        ),
        &mut results,
    )?;
    let client_id = exec(
        step(
            "Encrypt the Connected App's client id",
            "echo \"$CLIENT_ID\" | crmctl --key-file key.yaml encrypt --value --stdin".into(),
            &["--key-file", &k, "encrypt", "--value", "--stdin"],
            vec![],
            format!("{DEMO_CLIENT_ID}\n"),
            0,
        ),
        &mut results,
    )?;
    let client_secret = exec(
        step(
            "Encrypt the client secret",
            "echo \"$CLIENT_SECRET\" | crmctl --key-file key.yaml encrypt --value --stdin".into(),
            &["--key-file", &k, "encrypt", "--value", "--stdin"],
            vec![],
            format!("{DEMO_CLIENT_SECRET}\n"),
            0,
        ),
        &mut results,
    )?;
    let settings = settings_yaml(
        password.trim(),
        client_id.trim(),
        client_secret.trim(),
        &emu.base_url,
    );
    let settings_path = dir.path().join("settings.yaml");
    crate::fsutil::write_atomic(
        &settings_path,
        settings.as_bytes(),
        crate::fsutil::Overwrite::Replace,
    )
    .map_err(|e| CliError::input("cannot write the demo settings file").with_cause(e))?;
    if !json {
        out.data(&format!(
            "\n{}\n{settings}",
            out.stdout_style()
                .bold("== The UCC's Plugin Settings, written to settings.yaml")
        ))
        .map_err(io)?;
    }
    exec(
        step(
            "Check that the Password setting decrypts (without showing it)",
            format!("crmctl --key-file key.yaml decrypt '{}'", password.trim()),
            &["--key-file", &k, "decrypt", password.trim()],
            vec![],
            String::new(),
            0,
        ),
        &mut results,
    )?;
    let login_url = emu.login_url.clone();
    exec(
        step(
            "Log in as the CRM Service would",
            format!("crmctl login --login-url {login_url} --username {DEMO_USERNAME}"),
            &[
                "login",
                "--login-url",
                &login_url,
                "--username",
                DEMO_USERNAME,
            ],
            secrets.clone(),
            String::new(),
            0,
        ),
        &mut results,
    )?;
    exec(
        step(
            "A login with the token left off",
            format!("crmctl login --login-url {login_url} --username {DEMO_USERNAME} --no-token"),
            &[
                "login",
                "--login-url",
                &login_url,
                "--username",
                DEMO_USERNAME,
                "--no-token",
            ],
            secrets.clone(),
            String::new(),
            1,
        ),
        &mut results,
    )?;
    let lookups: [(&'static str, &[&str], i32); 6] = [
        (
            "A caller in E.164 form: a contact and a lead, stored as (415) 555-1212 and +1 415 555 1212",
            &["lookup", "+14155551212", "--timings"],
            0,
        ),
        (
            "The same Amsterdam number, stored as +31 20 123 4567 and 020-1234567",
            &["lookup", "020-1234567", "--region", "NL"],
            0,
        ),
        (
            "One number shared by an account and two contacts",
            &["lookup", "+44 20 7946 0958"],
            0,
        ),
        (
            "An e-mail (case-insensitive)",
            &["lookup", "--email", "Amelia.Clarke@globex.example.co.uk"],
            0,
        ),
        (
            "A chat about a case",
            &["lookup", "--media", "chat", "00001026"],
            0,
        ),
        (
            "A caller nobody knows: the agent gets a blank new record",
            &["lookup", "+1 999 555 0000"],
            1,
        ),
    ];
    for (title, a, expect) in lookups {
        let shown = format!(
            "crmctl {}",
            a.iter()
                .map(|x| if x.contains(' ') {
                    format!("'{x}'")
                } else {
                    x.to_string()
                })
                .collect::<Vec<_>>()
                .join(" ")
        );
        exec(
            step(title, shown, a, secrets.clone(), String::new(), expect),
            &mut results,
        )?;
    }

    // The screen pop as this UCC's CRM Service makes it, and as an 8x8-style search does.
    for (title, shown, a) in [
        (
            "The Amsterdam number as this UCC's CRM Service pops it: its region, format and PluginAttributes",
            "crmctl --key-file key.yaml lookup --settings settings.yaml --ucc helpdesk 020-1234567",
            vec![
                "--key-file",
                k.as_str(),
                "lookup",
                "--settings",
                "settings.yaml",
                "--ucc",
                "helpdesk",
                "020-1234567",
            ],
        ),
        (
            "The same number as an 8x8-style search pops it: the Account first",
            "crmctl --key-file key.yaml lookup --settings settings.yaml --ucc helpdesk --model 8x8 --region NL 020-1234567",
            vec![
                "--key-file",
                k.as_str(),
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
        ),
    ] {
        exec(
            step(title, shown.into(), &a, vec![], String::new(), 0),
            &mut results,
        )?;
    }

    // An admin's day: check the settings, diagnose the UCC, prove the auto log,
    // rotate the key. The settings-based steps take nothing from the environment.
    exec(
        step(
            "Check the settings file: clean, but for the warning that the org is on this machine",
            "crmctl validate-settings --key-file key.yaml settings.yaml".into(),
            &["validate-settings", "--key-file", &k, "settings.yaml"],
            vec![],
            String::new(),
            0,
        ),
        &mut results,
    )?;
    let (broken, changed) = with_two_mistakes(&settings);
    crate::fsutil::write_atomic(
        &dir.path().join("settings-with-mistakes.yaml"),
        broken.as_bytes(),
        crate::fsutil::Overwrite::Replace,
    )
    .map_err(|e| CliError::input("cannot write the demo settings file").with_cause(e))?;
    if !json {
        out.data(&format!(
            "\n{}\n{}\n",
            out.stdout_style().bold(
                "== A copy with two typical mistakes, written to settings-with-mistakes.yaml"
            ),
            changed.join("\n")
        ))
        .map_err(io)?;
    }
    exec(
        step(
            "Check the copy: each mistake found with its file and line",
            "crmctl validate-settings --key-file key.yaml settings-with-mistakes.yaml".into(),
            &[
                "validate-settings",
                "--key-file",
                &k,
                "settings-with-mistakes.yaml",
            ],
            vec![],
            String::new(),
            1,
        ),
        &mut results,
    )?;
    exec(
        step(
            "The whole chain for the UCC: settings, secrets, login, fields, a screen pop, a call log",
            "crmctl doctor --key-file key.yaml --settings settings.yaml --ani +14155551212 --log-test"
                .into(),
            &[
                "doctor",
                "--key-file",
                &k,
                "--settings",
                "settings.yaml",
                "--ani",
                "+14155551212",
                "--log-test",
            ],
            vec![],
            String::new(),
            0,
        ),
        &mut results,
    )?;
    // Ready for 2027: the demo app's published JWT key, then the readiness of
    // each flow with it, and a login that needs no password.
    crate::fsutil::write_atomic(
        &dir.path().join("jwt-key.pem"),
        DEMO_JWT_KEY.as_bytes(),
        crate::fsutil::Overwrite::Refuse,
    )
    .map_err(|e| CliError::internal("could not write the demo JWT key").with_cause(e))?;
    let jwt_env = vec![("CRMCTL_LOGIN_URL", emu.base_url.clone())];
    for (title, shown, a, env) in [
        (
            "Ready for 2027? Each flow for the UCC: password, client credentials, JWT",
            "crmctl doctor --key-file key.yaml --settings settings.yaml --jwt-key-file jwt-key.pem",
            vec![
                "doctor",
                "--key-file",
                &k,
                "--settings",
                "settings.yaml",
                "--jwt-key-file",
                "jwt-key.pem",
            ],
            vec![],
        ),
        (
            "Log in with JWT bearer: the demo app's published key, no password or secret",
            "crmctl login --flow jwt --jwt-key-file jwt-key.pem --client-id 3MVG9crmctlDEMOclientID.emulator --username demo@crmctl.example",
            vec![
                "login",
                "--flow",
                "jwt",
                "--jwt-key-file",
                "jwt-key.pem",
                "--client-id",
                DEMO_CLIENT_ID,
                "--username",
                DEMO_USERNAME,
            ],
            jwt_env,
        ),
    ] {
        exec(
            step(title, shown.into(), &a, env, String::new(), 0),
            &mut results,
        )?;
    }
    exec(
        step(
            "A call logged as the auto log would: the Task's Id is printed",
            "crmctl lookup 020-1234567 --log --duration 184 --interaction-id 7f3a-22 --disposition Resolved"
                .into(),
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
            secrets.clone(),
            String::new(),
            0,
        ),
        &mut results,
    )?;
    let reset = format!("{DEMO_PASSWORD}\n{DEMO_SECURITY_TOKEN}\n");
    exec(
        step(
            "A password reset: the new password and token into the Password value, only its bytes changed",
            "printf '%s\\n%s\\n' \"$PW\" \"$TOKEN\" | crmctl --key-file key.yaml settings set settings.yaml --ucc helpdesk Password --stdin".into(),
            &["--key-file", &k, "settings", "set", "settings.yaml", "--ucc", "helpdesk", "Password", "--stdin"],
            vec![],
            reset,
            0,
        ),
        &mut results,
    )?;
    let new_key = "new-key.yaml".to_string();
    exec(
        step(
            "The CRM Service gets a new key: make its profile",
            "crmctl keygen --out new-key.yaml".into(),
            &["keygen", "--out", &new_key],
            vec![],
            String::new(),
            0,
        ),
        &mut results,
    )?;
    exec(
        step(
            "Re-encrypt Password, ClientId and ClientSecret under it, every other byte kept",
            "crmctl rekey --from key.yaml --to new-key.yaml settings.yaml".into(),
            &["rekey", "--from", &k, "--to", &new_key, "settings.yaml"],
            vec![],
            String::new(),
            0,
        ),
        &mut results,
    )?;
    exec(
        step(
            "Log in with the rotated settings and the new key",
            "crmctl login --settings settings.yaml --ucc helpdesk --key-file new-key.yaml".into(),
            &[
                "login",
                "--settings",
                "settings.yaml",
                "--ucc",
                "helpdesk",
                "--key-file",
                &new_key,
            ],
            vec![],
            String::new(),
            0,
        ),
        &mut results,
    )?;
    let rotated = rotated_password(&settings_path)?;
    exec(
        step(
            "The old key no longer decrypts the new Password",
            format!("crmctl --key-file key.yaml decrypt --check '{rotated}'"),
            &["--key-file", &k, "decrypt", "--check", &rotated],
            vec![],
            String::new(),
            1,
        ),
        &mut results,
    )?;
    drop(cleanup);
    let folder = if args.keep {
        Some(dir.keep().display().to_string())
    } else {
        None
    };
    Ok(Box::new(DemoReport {
        steps: results,
        folder,
    }))
}
