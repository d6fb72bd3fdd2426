//! `crmctl settings init`: a wizard that writes one UCC's Plugin Settings, encrypted.

use std::path::PathBuf;

mod export;
mod set;

use clap::{Args, Subcommand};
use dialoguer::console::Term;
use serde_json::json;
use zeroize::Zeroizing;

use crate::ctx::Ctx;
use crate::error::{CliError, EXIT_NO};
use crate::fsutil::{self, Overwrite};
use crate::output::{Printer, Report};
use crate::settings::{self, rules, wizard};

/// Write UCC Plugin Settings files
#[derive(Debug, Args)]
pub struct SettingsArgs {
    #[command(subcommand)]
    pub command: SettingsCommand,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    Init(InitArgs),
    Set(set::SetArgs),
    Export(export::ExportArgs),
}

/// Ask for a UCC's settings (secrets hidden), encrypt them, write the YAML and validate it
#[derive(Debug, Args)]
#[command(
    long_about = "Ask for a UCC's settings (secrets hidden), encrypt them, write the YAML and validate it.\n\n\
A wizard for one UCC: the CRM Service's FQDN, the org's Salesforce URL, sandbox or production, \
the username, password and security token, the Connected App's client id and secret, the API \
version, DefaultPhoneNumberRegion (default: the locale's country, else ZZ) and PhoneNumberFormat \
(Wildcard, the default, is not written). Each answer is checked as it is typed (a host name without http://, an https Salesforce \
URL that is not the login host, a version like 60.0) and asked again when wrong, keeping the \
answers before it. The password, client id and client secret are typed twice, hidden. A test org \
on this machine (http://127.0.0.1:PORT/) logs in at its own URL. Secrets are encrypted with the key profile as they are typed and never written in \
plain; a key profile passphrase is asked twice. The file is written atomically and then checked like `crmctl validate-settings`. It needs \
a terminal; without one it exits 2."
)]
pub struct InitArgs {
    /// Where to write the settings
    #[arg(long, value_name = "FILE", default_value = "settings.yaml")]
    pub out: PathBuf,

    /// Replace an existing file
    #[arg(long)]
    pub force: bool,
}

pub struct InitReport {
    path: PathBuf,
    findings: Vec<rules::Finding>,
}

impl Report for InitReport {
    fn data(&self) -> serde_json::Value {
        json!({"path": self.path.display().to_string(), "findings": self.findings})
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        out.data(&format!("{}\n", self.path.display()))?;
        if self.findings.is_empty() {
            out.info("Written and validated: no findings.");
        }
        for f in &self.findings {
            let sev = if f.severity == rules::Severity::Error {
                "error"
            } else {
                "warning"
            };
            out.info_detail(&crate::detail![
                format!(
                    "{sev}: {} [{}] ",
                    f.setting.as_deref().unwrap_or("-"),
                    f.rule
                ),
                f.message.clone(),
                " (hint: ",
                f.hint.clone(),
                ")"
            ]);
        }
        Ok(())
    }

    fn exit_code(&self) -> u8 {
        if self
            .findings
            .iter()
            .any(|f| f.severity == rules::Severity::Error)
        {
            EXIT_NO
        } else {
            0
        }
    }
}

fn io(e: dialoguer::Error) -> CliError {
    CliError::input("could not read from the terminal").with_cause(e)
}

/// Asks until `check` accepts the answer (it says what is wrong, and the question is
/// asked again), so a slip never costs the answers and secrets already typed.
fn ask_checked(
    term: &Term,
    prompt: &str,
    default: &str,
    check: fn(&str) -> Result<String, String>,
) -> Result<String, CliError> {
    let mut input = dialoguer::Input::<String>::new()
        .with_prompt(prompt)
        .validate_with(move |v: &String| check(v).map(|_| ()));
    if !default.is_empty() {
        input = input.default(default.to_string());
    }
    let answer = input.interact_text_on(term).map_err(io)?;
    check(&answer)
        .map_err(|e| CliError::internal(format!("an accepted answer failed its check: {e}")))
}

fn hidden(
    term: &Term,
    prompt: &str,
    confirm: bool,
    allow_empty: bool,
) -> Result<Zeroizing<String>, CliError> {
    let mut p = dialoguer::Password::new()
        .with_prompt(prompt)
        .allow_empty_password(allow_empty);
    if confirm {
        p = p.with_confirmation(
            format!("{prompt} again, to confirm"),
            "the two entries differ; try again",
        );
    }
    p.interact_on(term).map(Zeroizing::new).map_err(io)
}

pub fn run(ctx: &Ctx, args: &SettingsArgs) -> Result<Box<dyn Report>, CliError> {
    match &args.command {
        SettingsCommand::Init(a) => init(ctx, a),
        SettingsCommand::Set(a) => set::run(ctx, a),
        SettingsCommand::Export(a) => export::run(ctx, a),
    }
}

fn init(ctx: &Ctx, args: &InitArgs) -> Result<Box<dyn Report>, CliError> {
    if args.out.is_dir() {
        return Err(CliError::input(format!(
            "{} is a folder; --out names the file to write",
            args.out.display()
        ))
        .with_hint(format!(
            "give a file name, e.g. --out {}",
            args.out.join("settings.yaml").display()
        )));
    }
    if !ctx.interactive {
        return Err(CliError::usage(format!(
            "settings init is a wizard and needs a terminal to ask its questions, but {}",
            ctx.no_prompt_because
        ))
            .with_hint("write the YAML yourself (see the README), make the encrypted values with `crmctl encrypt`, and check it with `crmctl validate-settings`"));
    }
    if args.out.exists() && !args.force {
        return Err(CliError::input(format!(
            "{} already exists; nothing was written",
            args.out.display()
        ))
        .with_hint("pass --force to replace it, or choose another --out"));
    }
    // Before any question: a target that can't be written would cost every answer.
    fsutil::check_target(&args.out).map_err(|e| {
        CliError::input(format!("cannot write {}", args.out.display())).with_cause(e)
    })?;
    let (cipher, _) = ctx.cipher_for_new_strings()?;
    let term = Term::stderr();
    let ucc = ask_checked(&term, "UCC name", "helpdesk", |v| {
        let v = v.trim();
        if v.is_empty() {
            Err("type a name for the UCC".into())
        } else {
            Ok(v.to_string())
        }
    })?;
    let fqdn = ask_checked(
        &term,
        "FQDN of the CRM Service (a .local name, e.g. ucc1.contoso.local)",
        "",
        wizard::fqdn,
    )?;
    // No default: the login host is not the org, and the org's URL can't be guessed.
    let app_host = ask_checked(
        &term,
        "Salesforce org URL for ApplicationHost (e.g. https://contoso.my.salesforce.com/)",
        "",
        wizard::application_host,
    )?;
    // A test org on this machine is neither: it logs in at its own URL.
    let sandbox = !wizard::is_test_org(&app_host)
        && dialoguer::Input::<String>::new()
            .with_prompt("Is this a sandbox org? (yes/no)")
            .default(if wizard::looks_like_sandbox(&app_host) {
                "yes".into()
            } else {
                "no".into()
            })
            .validate_with(|v: &String| match v.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" | "n" | "no" => Ok(()),
                _ => Err("answer yes or no"),
            })
            .interact_text_on(&term)
            .map_err(io)?
            .trim()
            .to_ascii_lowercase()
            .starts_with('y');
    let username = ask_checked(&term, "Salesforce username", "", wizard::username)?;
    let password = hidden(&term, "Salesforce password", true, false)?;
    let token = hidden(
        &term,
        "Security token (empty if logins come from trusted IPs)",
        false,
        true,
    )?;
    // Typed once, hidden, a typo would be written unnoticed: confirmed as
    // `encrypt --value` confirms.
    let client_id = hidden(&term, "Connected App client id (consumer key)", true, false)?;
    let client_secret = hidden(
        &term,
        "Connected App client secret (consumer secret)",
        true,
        false,
    )?;
    let version = ask_checked(
        &term,
        "REST API version",
        crate::ops::DEFAULT_API_VERSION,
        wizard::api_version,
    )?;
    // How the CRM Service reads caller ids: the locale's country is the likely one.
    let region_default = ctx
        .env
        .locale
        .as_deref()
        .and_then(crate::screenpop::phone::Region::from_locale)
        .map_or(settings::crm::NO_REGION, |r| r.code());
    let region = ask_checked(
        &term,
        "DefaultPhoneNumberRegion: the country of numbers stored without +, e.g. NL (ZZ for none)",
        region_default,
        wizard::region,
    )?;
    let format = ask_checked(
        &term,
        "PhoneNumberFormat: how the org stores numbers (Wildcard, E164, International, National)",
        settings::crm::FORMATS[0].name,
        wizard::phone_format,
    )?;
    let joined = Zeroizing::new(format!("{}{}", password.as_str(), token.as_str()));
    let encrypted = [
        cipher.encrypt_to_base64(&joined),
        cipher.encrypt_to_base64(&client_id),
        cipher.encrypt_to_base64(&client_secret),
    ];
    let login = wizard::login_endpoint(&app_host, sandbox);
    let rows = settings::standard_rows(
        &fqdn,
        &app_host,
        &username,
        [&encrypted[0], &encrypted[1], &encrypted[2]],
        &version,
        &login,
    );
    let mut rows = rows;
    rows.push((settings::crm::REGION.into(), "CrmService".into(), region));
    // The default (the service's own when the setting is absent) is not written.
    if format != settings::crm::FORMATS[0].name {
        rows.push((settings::crm::FORMAT.into(), "CrmService".into(), format));
    }
    let text = settings::render_yaml(
        &[(ucc, rows)],
        "UCC Plugin Settings for the CRM Service for Salesforce, written by `crmctl settings init`.\nPassword, ClientId and ClientSecret are encrypted with the key profile.",
    );
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    fsutil::write_atomic(&args.out, text.as_bytes(), overwrite).map_err(|e| {
        CliError::input(format!("could not write {}", args.out.display())).with_cause(e)
    })?;
    let uccs = settings::load::yaml(&args.out, &text)
        .map_err(|e| CliError::internal(format!("the written file does not read back: {e}")))?;
    let findings = rules::check_all(&uccs, Some(&cipher));
    Ok(Box::new(InitReport {
        path: args.out.clone(),
        findings,
    }))
}
