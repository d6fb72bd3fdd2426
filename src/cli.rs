//! The command-line definition. `command()` is also used by tests and by the
//! generator of `completions/` and `man/`.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::commands;

const EXIT_CODES: &str = "\
Exit codes:
  0  ok
  1  the check ran and said no (does not decrypt, invalid settings, login
     rejected, no match)
  2  usage error, or a secret is needed and there is no terminal to ask for it
  3  local input or configuration problem (unreadable file, missing or bad key
     profile, a bad CRMCTL_* variable, output that cannot be written)
  4  remote or network problem (unreachable, timeout, TLS, 5xx, API limit)
  5  internal error
  129/130/143  stopped by SIGHUP / Ctrl-C / SIGTERM (--json still prints one
               document)";

#[derive(Debug, Parser)]
#[command(
    name = "crmctl",
    version,
    about = "Encrypted settings, checks and screen-pop lookups for the CRM Service for Salesforce",
    long_about = "crmctl is the command-line successor of the Windows-only password tool of the \
Dialogue Cloud CRM Service for Salesforce. It makes the encrypted Password, ClientId and \
ClientSecret strings of a UCC's Plugin Settings under a key profile you supply.\n\n\
Results go to stdout, messages to stderr; --json prints one JSON document for scripts.",
    after_help = EXIT_CODES,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print one JSON document on stdout (results and errors); never prompts
    #[arg(long, global = true)]
    pub json: bool,

    /// Only print results and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print diagnostics on stderr (secrets are never shown)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// When to use colour [default: auto, which honours NO_COLOR]
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, hide_default_value = true)]
    pub color: ColorChoice,

    /// Never prompt; fail with exit code 2 when an input is missing
    #[arg(long, global = true)]
    pub no_input: bool,

    /// Key profile to use [default: $CRMCTL_KEY_FILE, then <config dir>/crmctl/key.yaml]
    #[arg(long, global = true, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

/// `emulate` and `demo` in a build without the emulated org: whatever follows is
/// taken, so that the run is the usage error saying why rather than clap's
/// "unrecognized subcommand" (and `--json` gets `"command": "demo"`).
#[cfg(not(feature = "emulator"))]
#[derive(Debug, Args)]
pub struct NotBuilt {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub args: Vec<std::ffi::OsString>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Encrypt(commands::encrypt::EncryptArgs),
    Decrypt(commands::decrypt::DecryptArgs),
    Keygen(commands::keygen::KeygenArgs),
    ValidateSettings(commands::validate_settings::ValidateArgs),
    Settings(commands::settings::SettingsArgs),
    Login(commands::login::LoginArgs),
    Lookup(commands::lookup::LookupArgs),
    Doctor(commands::doctor::DoctorArgs),
    #[cfg(feature = "emulator")]
    Emulate(commands::emulate::EmulateArgs),
    #[cfg(feature = "emulator")]
    Demo(commands::demo::DemoArgs),
    /// Not in this build: crmctl was built without the emulated org (README "Building without the emulator")
    #[cfg(not(feature = "emulator"))]
    #[command(hide = true, disable_help_flag = true)]
    Emulate(NotBuilt),
    /// Not in this build: crmctl was built without the emulated org (README "Building without the emulator")
    #[cfg(not(feature = "emulator"))]
    #[command(hide = true, disable_help_flag = true)]
    Demo(NotBuilt),
    Completions(commands::completions::CompletionsArgs),
    Rekey(commands::rekey::RekeyArgs),
}

impl Command {
    /// The subcommand's name as typed, for the JSON envelope.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Encrypt(_) => "encrypt",
            Command::Decrypt(_) => "decrypt",
            Command::Keygen(_) => "keygen",
            Command::ValidateSettings(_) => "validate-settings",
            Command::Settings(_) => "settings",
            Command::Login(_) => "login",
            Command::Lookup(_) => "lookup",
            Command::Doctor(_) => "doctor",
            Command::Emulate(_) => "emulate",
            Command::Demo(_) => "demo",
            Command::Completions(_) => "completions",
            Command::Rekey(_) => "rekey",
        }
    }
}

impl Command {
    /// `--format` of the commands that have one.
    pub fn format(&self) -> Option<crate::output::ci::Format> {
        match self {
            Command::ValidateSettings(a) => a.format,
            Command::Doctor(a) => a.format,
            _ => None,
        }
    }
}

/// The full clap command, as parsed at run time.
pub fn command() -> clap::Command {
    Cli::command()
}

/// A clap value parser for names (`--ucc`): an empty or blank name is a usage
/// error, not a name that matches nothing.
pub fn non_empty_name(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("the name is empty".into())
    } else {
        Ok(s.to_string())
    }
}

/// The usage error of a command named without the subcommand or arguments it needs,
/// worded as clap words it (`'crmctl settings' requires a subcommand but one was not
/// provided`), for the case where clap shows help instead (nothing after the name).
pub fn missing_subcommand(cmd: &clap::Command) -> clap::Error {
    use clap::error::ErrorKind;
    let mut cmd = cmd.clone();
    cmd.build();
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    let subs: Vec<&str> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name())
        .collect();
    let (kind, message) = if subs.is_empty() {
        (
            ErrorKind::MissingRequiredArgument,
            format!("'{name}' requires arguments but none were provided"),
        )
    } else {
        (
            ErrorKind::MissingSubcommand,
            format!(
                "'{name}' requires a subcommand but one was not provided\n  [subcommands: {}]",
                subs.join(", ")
            ),
        )
    };
    clap::Error::raw(kind, format!("{message}\n")).with_cmd(&cmd)
}

/// What a command without a flag offers instead, for hints written for the commands
/// that have it (`login`, `lookup`, `doctor`): the variable, or the UCC setting that
/// `validate-settings --login` reads. Longest first (`--ca-cert FILE` before `--ca-cert`).
const STAND_INS: &[(&str, &str)] = &[
    ("--connect-timeout", "CRMCTL_CONNECT_TIMEOUT"),
    ("--timeout", "CRMCTL_TIMEOUT"),
    ("--ca-cert FILE", "CRMCTL_CA_CERT"),
    ("--ca-cert", "CRMCTL_CA_CERT"),
    ("--jwt-key-file FILE", "CRMCTL_JWT_KEY_FILE"),
    ("--jwt-key-file", "CRMCTL_JWT_KEY_FILE"),
    ("--login-url", "LoginEndPoint"),
    ("--sandbox", "LoginEndPoint https://test.salesforce.com"),
    ("--instance-url", "ApplicationHost"),
    ("--api-version", "the version in ApiEndPoint"),
    ("--client-id", "ClientId"),
    ("--username", "Username"),
    ("--flow client-credentials", "the client-credentials flow"),
    ("--flow jwt", "the JWT flow"),
    ("--flow password", "the password flow"),
];

/// Whether `cmd`, or one of its subcommands, has the long flag `--name`.
fn has_flag(cmd: &clap::Command, name: &str) -> bool {
    cmd.get_arguments().any(|a| a.get_long() == Some(name))
        || cmd.get_subcommands().any(|s| has_flag(s, name))
}

/// The flags of [`STAND_INS`] one command lacks, found once for many hints.
pub struct HintFitter {
    missing: Vec<(&'static str, &'static str)>,
}

impl HintFitter {
    /// For the subcommand `name` (`validate-settings`); an unknown name fits nothing.
    pub fn new(name: &str) -> HintFitter {
        let root = command();
        let missing = match root.find_subcommand(name) {
            Some(cmd) => STAND_INS
                .iter()
                .copied()
                .filter(|(flag, _)| {
                    let long = flag.split(' ').next().unwrap_or(flag);
                    !has_flag(cmd, long.trim_start_matches('-'))
                })
                .collect(),
            None => Vec::new(),
        };
        HintFitter { missing }
    }

    /// A hint as this command shows it: each flag it names that the command does not
    /// have becomes what the command reads instead ([`STAND_INS`]), so that
    /// `validate-settings --login` says "CRMCTL_TIMEOUT sets the limit" where `login`
    /// says "--timeout". Commands quoted in backticks (`crmctl login --flow jwt`) are kept.
    pub fn fit(&self, text: &str) -> String {
        if self.missing.is_empty() || !text.contains("--") {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        for (i, part) in text.split('`').enumerate() {
            if i > 0 {
                out.push('`');
            }
            if i % 2 == 1 {
                out.push_str(part);
                continue;
            }
            let mut part = part.to_string();
            for (flag, instead) in &self.missing {
                part = replace_flag(&part, flag, instead);
            }
            out.push_str(&part);
        }
        // "CRMCTL_CA_CERT (or CRMCTL_CA_CERT)": the flag and its variable, now one.
        for (_, instead) in &self.missing {
            out = out.replace(&format!("{instead} (or {instead})"), instead);
            out = out.replace(&format!("{instead} or {instead}"), instead);
        }
        out
    }
}

/// [`HintFitter::fit`] for one text.
pub fn fit_hint(name: &str, text: &str) -> String {
    HintFitter::new(name).fit(text)
}

/// `text` with each whole `flag` (not `--timeout` inside `--connect-timeout` or
/// `--timeouts`) replaced.
fn replace_flag(text: &str, flag: &str, instead: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(flag) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + flag.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
        out.push_str(&rest[..at]);
        if word(before) || word(after) {
            out.push_str(flag);
        } else {
            out.push_str(instead);
        }
        rest = &rest[at + flag.len()..];
    }
    out.push_str(rest);
    out
}

/// [`HintFitter::fit`] for a message of spans: crmctl's own text is fitted, org text is kept.
fn fit_detail(fitter: &HintFitter, detail: &crate::output::Detail) -> crate::output::Detail {
    use crate::output::{Detail, Span};
    let mut out = Detail::new();
    for span in detail.spans() {
        match span {
            Span::Plain(s) => out.push(fitter.fit(s)),
            other => out.push(other.clone()),
        }
    }
    out
}

/// The message and hints of an error as the command `name` shows them ([`HintFitter`]).
pub fn fit_error(name: &str, mut err: crate::error::CliError) -> crate::error::CliError {
    let fitter = HintFitter::new(name);
    err.message = fit_detail(&fitter, &err.message);
    err.hints = err.hints.iter().map(|h| fit_detail(&fitter, h)).collect();
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CliError;
    use crate::output::OrgText;
    use crate::salesforce::{NetKind, SfError, advice};

    /// Every hint and message a login, a lookup or a probe can end in: the network
    /// failures, each OAuth refusal crmctl has advice for, and the API error codes.
    fn sf_messages() -> Vec<String> {
        let mut errors: Vec<CliError> = [
            NetKind::Connect,
            NetKind::Dropped,
            NetKind::Timeout,
            NetKind::Tls,
            NetKind::UnknownIssuer,
            NetKind::NotHttp,
        ]
        .into_iter()
        .map(|kind| {
            CliError::from(SfError::Network {
                kind,
                detail: "x".into(),
            })
        })
        .collect();
        let mut texts: Vec<String> = Vec::new();
        for (error, description) in [
            ("invalid_grant", "authentication failure"),
            ("invalid_grant", "ip restricted"),
            ("invalid_grant", "request not supported on this domain"),
            ("invalid_grant", "no client credentials user enabled"),
            ("invalid_grant", "user hasn't approved this consumer"),
            ("invalid_grant", "invalid assertion"),
            ("invalid_grant", "audience is invalid"),
            ("invalid_grant", "expired authorization code"),
            ("invalid_client_id", "client identifier invalid"),
            ("invalid_client", "invalid client credentials"),
            ("unsupported_grant_type", "grant type not supported"),
            ("inactive_user", "user is inactive"),
            ("inactive_org", "org is inactive"),
            ("rate_limit_exceeded", "too many"),
            ("invalid_app_access", "not admin approved"),
        ] {
            let (m, hints) =
                advice::for_oauth(&OrgText::from(error), &OrgText::from(description), true);
            errors.push(
                hints
                    .into_iter()
                    .fold(CliError::rejected(m), CliError::with_hint),
            );
        }
        for code in [
            "API_DISABLED_FOR_ORG",
            "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
            "REQUEST_LIMIT_EXCEEDED",
            "INVALID_SESSION_ID",
            "NOT_FOUND",
            "INVALID_FIELD",
            "SERVER_UNAVAILABLE",
        ] {
            texts.extend(advice::for_api(code));
        }
        // As `--json` carries them: the whole text, org spans included.
        let text = |d: &crate::output::Detail| {
            serde_json::to_value(d)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        for e in errors {
            texts.push(text(&e.message));
            texts.extend(e.hints.iter().map(text));
        }
        texts
    }

    /// The `--flags` a text names outside backticks.
    fn flags_named(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, part) in text.split('`').enumerate() {
            if i % 2 == 1 {
                continue;
            }
            let mut rest = part;
            while let Some(at) = rest.find("--") {
                let name: String = rest[at + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                    .collect();
                let before = rest[..at].chars().next_back();
                if !name.is_empty() && !before.is_some_and(|c| c.is_alphanumeric() || c == '-') {
                    out.push(name.clone());
                }
                rest = &rest[at + 2 + name.len()..];
            }
        }
        out
    }

    /// The narrowest terminal help is laid out for: its tables and examples are
    /// written to fit, since clap reflows only paragraphs.
    const HELP_WIDTH: usize = 80;

    /// Every indented line of every command's help text (a table row, an example, a
    /// continuation) fits in [`HELP_WIDTH`] columns, so that clap never wraps it and
    /// sends its tail to column 2: the table reads right at 80 columns and at the
    /// transcripts' 100.
    #[test]
    fn indented_help_lines_fit_in_80_columns() {
        fn walk(cmd: &clap::Command, path: &str, bad: &mut Vec<String>) {
            // Examples (after_long_help) are command lines, and long ones wrap.
            let texts = [
                cmd.get_long_about(),
                cmd.get_after_help(),
                cmd.get_before_long_help(),
            ];
            for text in texts.into_iter().flatten() {
                for line in text.to_string().lines() {
                    if line.starts_with(' ') && line.chars().count() > HELP_WIDTH {
                        bad.push(format!("{path}: {line}"));
                    }
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), bad);
            }
        }
        let mut bad = Vec::new();
        walk(&command(), "crmctl", &mut bad);
        assert!(
            bad.is_empty(),
            "lines over {HELP_WIDTH} columns:\n{}",
            bad.join("\n")
        );
    }

    /// Each command shows a hint with only the flags it has: `validate-settings
    /// --login` has no --timeout or --ca-cert, and says CRMCTL_TIMEOUT and CRMCTL_CA_CERT.
    #[test]
    fn every_hint_names_only_flags_the_command_showing_it_has() {
        let root = command();
        let texts = sf_messages();
        assert!(
            texts.iter().any(|t| t.contains("--timeout")),
            "the corpus names flags"
        );
        for cmd in root.get_subcommands() {
            let name = cmd.get_name();
            for text in &texts {
                let fitted = fit_hint(name, text);
                for flag in flags_named(&fitted) {
                    assert!(
                        has_flag(cmd, &flag)
                            || root.get_arguments().any(|a| a.get_long() == Some(&flag)),
                        "`crmctl {name}` shows a hint naming --{flag}, which it does not have: {fitted}"
                    );
                }
            }
        }
        let hint = "check the URL, your network, and HTTPS_PROXY/NO_PROXY; --connect-timeout and --timeout set the limits";
        assert_eq!(
            fit_hint("validate-settings", hint),
            "check the URL, your network, and HTTPS_PROXY/NO_PROXY; CRMCTL_CONNECT_TIMEOUT and CRMCTL_TIMEOUT set the limits"
        );
        assert_eq!(fit_hint("login", hint), hint);
        assert_eq!(
            fit_hint(
                "validate-settings",
                "trust its certificate with --ca-cert FILE (or CRMCTL_CA_CERT)"
            ),
            "trust its certificate with CRMCTL_CA_CERT"
        );
        // A command to run is quoted whole.
        let quoted = "see `crmctl login --flow jwt --timeout 5`";
        assert_eq!(fit_hint("validate-settings", quoted), quoted);
    }
}
