//! Clap argument groups shared by several commands: parsed here, resolved in
//! [`crate::ops`]. A command flattens them; no command defines them.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::error::CliError;
use crate::salesforce::Flow;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum FlowArg {
    #[default]
    /// Username, password + security token, client id and secret (what the CRM Service does)
    Password,
    /// Client id and secret only, on the org's My Domain host (Salesforce's successor flow)
    ClientCredentials,
    /// JWT bearer: an RS256 assertion for --username signed with --jwt-key-file; no password or secret
    Jwt,
}

impl FlowArg {
    pub fn flow(self) -> Flow {
        match self {
            FlowArg::Password => Flow::Password,
            FlowArg::ClientCredentials => Flow::ClientCredentials,
            FlowArg::Jwt => Flow::Jwt,
        }
    }
}

/// Where a command's org credentials come from: one UCC of a settings file
/// (`login`, `lookup`). `doctor` takes whole estates and has its own.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Take LoginEndPoint, Username, ApiEndPoint, ApplicationHost and the encrypted Password,
    /// ClientId and ClientSecret from this settings file (YAML estate or CSV export), decrypted with the key profile
    #[arg(long, value_name = "FILE")]
    pub settings: Option<PathBuf>,

    /// The UCC in --settings whose values to use (needed when the file holds several, and
    /// for a CSV export, which does not name its UCC)
    #[arg(long, value_name = "NAME", requires = "settings", value_parser = crate::cli::non_empty_name)]
    pub ucc: Option<String>,
}

/// The connection flags of every command that logs in (`login`, `lookup`, `doctor`):
/// one definition, so they parse and resolve the same way everywhere.
#[derive(Debug, Default, Args)]
pub struct ConnectArgs {
    /// Login host or token URL, as in LoginEndPoint; overrides a settings file's [default: $CRMCTL_LOGIN_URL, else https://login.salesforce.com]
    #[arg(long, value_name = "URL", conflicts_with = "sandbox", value_hint = clap::ValueHint::Url)]
    pub login_url: Option<String>,

    /// The org's URL, as in ApplicationHost, when the login URL is another host: its
    /// connection is opened while the token request is in flight (a GET of
    /// /services/data/, which carries no credential), saving a handshake. Only a hint:
    /// the token answer's instance_url is the URL used, and an https login never opens
    /// a plain-http hint [default: the UCC's ApplicationHost, else $CRMCTL_INSTANCE_URL]
    #[arg(long, value_name = "URL", value_hint = clap::ValueHint::Url)]
    pub instance_url: Option<String>,

    /// Log in to a sandbox (https://test.salesforce.com)
    #[arg(long)]
    pub sandbox: bool,

    /// Salesforce username; overrides a settings file's Username [default: $CRMCTL_USERNAME]
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,

    /// REST API version, as in ApiEndPoint: 60.0, v60.0 or services/data/v60.0/; overrides a settings file's [default: 60.0]
    #[arg(long, value_name = "VERSION")]
    pub api_version: Option<String>,

    /// OAuth flow
    #[arg(long, value_enum, default_value = "password")]
    pub flow: FlowArg,

    /// --flow jwt: the PEM RSA private key (PKCS#8 or PKCS#1, not encrypted) of the
    /// certificate uploaded to the Connected App [default: $CRMCTL_JWT_KEY_FILE]
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub jwt_key_file: Option<PathBuf>,

    /// --flow jwt: the Connected App's consumer key (the assertion's iss; not a secret,
    /// as for `sf org login jwt`); overrides a settings file's ClientId [default: $CRMCTL_CLIENT_ID]
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,

    /// The org needs no security token (logins from trusted IP ranges); not with
    /// --settings, whose Password holds the password and the token as one
    #[arg(long, conflicts_with = "settings")]
    pub no_token: bool,

    /// Read secrets from stdin, one a line: password, token, client id, client secret
    /// (client id and secret only with --flow client-credentials; client id only with --flow jwt);
    /// not with --settings, which holds them encrypted
    #[arg(long, conflicts_with = "settings")]
    pub stdin: bool,

    /// Send the credentials to a login URL crmctl does not trust with them: a
    /// LoginEndPoint (or ApplicationHost, for --flow client-credentials) that is
    /// neither https on Salesforce nor a test org on this machine, or a --login-url
    /// or $CRMCTL_LOGIN_URL that is plain http to another machine. Without it such a
    /// login is refused (exit 3; 2 for a flag) before anything is sent
    #[arg(long)]
    pub allow_untrusted_login: bool,

    /// Seconds to wait for a connection [default: $CRMCTL_CONNECT_TIMEOUT, else 10]
    #[arg(long, value_name = "SECONDS")]
    pub connect_timeout: Option<f64>,

    /// Deadline in seconds for each call to Salesforce, retries and their waits included [default: $CRMCTL_TIMEOUT, else 30]
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,

    /// Also trust this CA certificate (PEM), e.g. a TLS-inspecting proxy's [default: $CRMCTL_CA_CERT]
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

impl ConnectArgs {
    /// Flags that cannot mean anything as given, refused before a secret is asked
    /// for or a byte is sent: an empty `--username`, and the password flow's
    /// `--username` and `--no-token` with `--flow client-credentials`.
    pub fn check(&self) -> Result<(), CliError> {
        if self
            .username
            .as_deref()
            .is_some_and(|u| u.trim().is_empty())
        {
            return Err(CliError::usage("--username is empty").with_hint(
                "give the integration user's username, e.g. --username integration@contoso.com",
            ));
        }
        if self.flow == FlowArg::Jwt && self.no_token {
            return Err(CliError::usage(
                "--no-token belongs to the password flow and --flow jwt does not use it",
            )
            .with_hint("leave out --no-token: JWT bearer sends a signed assertion, no password"));
        }
        if self.flow == FlowArg::ClientCredentials {
            let unused = [
                ("--username", self.username.is_some()),
                ("--no-token", self.no_token),
            ];
            if let Some((flag, _)) = unused.iter().find(|(_, given)| *given) {
                return Err(CliError::usage(format!(
                    "{flag} belongs to the password flow and --flow client-credentials does not use it"
                ))
                .with_hint(format!(
                    "leave out {flag}, or use --flow password"
                )));
            }
        }
        Ok(())
    }

    /// `login` and `lookup` log in with `--flow` alone: a `--jwt-key-file` with another
    /// flow would be read and then ignored. (`doctor` takes it with any flow, for its
    /// flow-readiness step.)
    pub fn refuse_unused_jwt_key(&self) -> Result<(), CliError> {
        if self.flow != FlowArg::Jwt && self.jwt_key_file.is_some() {
            return Err(CliError::usage(
                "--jwt-key-file is the key of --flow jwt, and this login uses another flow",
            )
            .with_hint("add --flow jwt, or leave out --jwt-key-file"));
        }
        Ok(())
    }
}
