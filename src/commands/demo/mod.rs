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
mod steps;
use files::{rotated_password, settings_yaml, with_two_mistakes};
use steps::{Row, STEPS, fill, shown_from};

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

/// A demo file, written atomically.
fn write_file(path: &Path, text: &str) -> Result<(), CliError> {
    crate::fsutil::write_atomic(path, text.as_bytes(), crate::fsutil::Overwrite::Replace)
        .map_err(|e| CliError::input("cannot write the demo settings file").with_cause(e))
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
    let mut values: Vec<(&str, String)> = vec![
        ("{key}", "key.yaml".into()),
        ("{new_key}", "new-key.yaml".into()),
        ("{login_url}", emu.login_url.clone()),
        ("{demo_username}", DEMO_USERNAME.into()),
        ("{demo_password}", DEMO_PASSWORD.into()),
        ("{demo_token}", DEMO_SECURITY_TOKEN.into()),
        ("{demo_client_id}", DEMO_CLIENT_ID.into()),
        ("{demo_client_secret}", DEMO_CLIENT_SECRET.into()),
    ];
    let secrets = vec![
        ("CRMCTL_PASSWORD", DEMO_PASSWORD.to_string()),
        ("CRMCTL_TOKEN", DEMO_SECURITY_TOKEN.to_string()),
        ("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID.to_string()),
        ("CRMCTL_CLIENT_SECRET", DEMO_CLIENT_SECRET.to_string()),
        ("CRMCTL_USERNAME", DEMO_USERNAME.to_string()),
        ("CRMCTL_LOGIN_URL", emu.base_url.clone()),
    ];
    let settings_path = dir.path().join("settings.yaml");
    let mut settings = String::new();
    let mut results = Vec::new();
    for row in STEPS {
        let spec = match row {
            Row::Run(spec) => spec,
            Row::WriteSettings => {
                let value = |name: &str| {
                    values
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, v)| v.trim().to_string())
                        .unwrap_or_default()
                };
                settings = settings_yaml(
                    &value("{password}"),
                    &value("{client_id}"),
                    &value("{client_secret}"),
                    &emu.base_url,
                );
                write_file(&settings_path, &settings)?;
                if !json {
                    out.data(&format!(
                        "\n{}\n{settings}",
                        out.stdout_style()
                            .bold("== The UCC's Plugin Settings, written to settings.yaml")
                    ))
                    .map_err(io)?;
                }
                continue;
            }
            Row::WriteMistakes => {
                let (broken, changed) = with_two_mistakes(&settings);
                write_file(&dir.path().join("settings-with-mistakes.yaml"), &broken)?;
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
                continue;
            }
            Row::WriteJwtKey => {
                crate::fsutil::write_atomic(
                    &dir.path().join("jwt-key.pem"),
                    DEMO_JWT_KEY.as_bytes(),
                    crate::fsutil::Overwrite::Refuse,
                )
                .map_err(|e| {
                    CliError::internal("could not write the demo JWT key").with_cause(e)
                })?;
                continue;
            }
            Row::ReadRotated => {
                values.push(("{rotated}", rotated_password(&settings_path)?));
                continue;
            }
        };
        let args: Vec<String> = spec.args.iter().map(|a| fill(a, &values)).collect();
        let step = Step {
            title: spec.title,
            shown: match spec.shown {
                Some(s) => fill(s, &values),
                None => shown_from(&args),
            },
            args,
            env: match spec.env {
                steps::Env::None => vec![],
                steps::Env::Secrets => secrets.clone(),
                steps::Env::LoginUrl => vec![("CRMCTL_LOGIN_URL", emu.base_url.clone())],
            },
            stdin: fill(spec.stdin, &values),
            expect: spec.expect,
        };
        let (code, stdout) = run_step(&exe, dir.path(), &step, color, out, json)?;
        results.push((step.title.to_string(), step.expect, code));
        if let Some(name) = spec.keep {
            values.push((name, stdout.trim().to_string()));
        }
    }
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
