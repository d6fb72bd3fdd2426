//! The command-line definition. `command()` is also used by tests and by the
//! generator of `completions/` and `man/`.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::commands;

const EXIT_CODES: &str = "\
Exit codes:
  0  ok
  1  the check ran and said no (does not decrypt, invalid settings, login rejected, no match)
  2  usage error, or a secret is needed and there is no terminal to ask for it
  3  local input or configuration problem (unreadable file, missing or bad key profile,
     a bad CRMCTL_* variable, output that cannot be written)
  4  remote or network problem (unreachable, timeout, TLS, 5xx, API limit)
  5  internal error
  129/130/143  stopped by SIGHUP / Ctrl-C / SIGTERM (--json still prints one document)";

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
            #[cfg(feature = "emulator")]
            Command::Emulate(_) => "emulate",
            #[cfg(feature = "emulator")]
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
