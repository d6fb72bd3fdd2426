//! The connection flags and credential gathering shared by `login` and `lookup`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use secrecy::SecretString;

use crate::ctx::Ctx;
use crate::env::{EnvSecret, names};
use crate::error::CliError;
use crate::salesforce::{self, Client, Credentials, Flow, HttpSettings, SfError};
use crate::secret::{self, StdinLines};

pub const PRODUCTION_LOGIN: &str = "https://login.salesforce.com";
pub const SANDBOX_LOGIN: &str = "https://test.salesforce.com";
pub const DEFAULT_API_VERSION: &str = "60.0";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlowArg {
    /// Username, password + security token, client id and secret (what the CRM Service does)
    Password,
    /// Client id and secret only, on the org's My Domain host (Salesforce's successor flow)
    ClientCredentials,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Login host or token URL, as in LoginEndPoint [default: $CRMCTL_LOGIN_URL, else https://login.salesforce.com]
    #[arg(long, value_name = "URL", conflicts_with = "sandbox")]
    pub login_url: Option<String>,

    /// Log in to a sandbox (https://test.salesforce.com)
    #[arg(long)]
    pub sandbox: bool,

    /// Salesforce username [default: $CRMCTL_USERNAME]
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,

    /// REST API version, as in ApiEndPoint (services/data/v60.0/ is 60.0)
    #[arg(long, value_name = "VERSION", default_value = DEFAULT_API_VERSION)]
    pub api_version: String,

    /// OAuth flow
    #[arg(long, value_enum, default_value = "password")]
    pub flow: FlowArg,

    /// The org needs no security token (logins from trusted IP ranges)
    #[arg(long)]
    pub no_token: bool,

    /// Read secrets from stdin, one a line: password, token, client id, client secret
    /// (client id and secret only with --flow client-credentials)
    #[arg(long)]
    pub stdin: bool,

    /// Seconds to wait for a connection [default: $CRMCTL_CONNECT_TIMEOUT, else 10]
    #[arg(long, value_name = "SECONDS")]
    pub connect_timeout: Option<f64>,

    /// Seconds to wait for a whole answer [default: $CRMCTL_TIMEOUT, else 30]
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,

    /// Also trust this CA certificate (PEM), e.g. a TLS-inspecting proxy's [default: $CRMCTL_CA_CERT]
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

fn seconds(
    flag: Option<f64>,
    env: Option<&str>,
    name: &str,
    default: u64,
) -> Result<Duration, CliError> {
    let v = match (flag, env) {
        (Some(v), _) => v,
        (None, Some(s)) => s.trim().parse::<f64>().map_err(|_| {
            CliError::usage(format!("{name} must be a number of seconds, not `{s}`"))
        })?,
        (None, None) => return Ok(Duration::from_secs(default)),
    };
    if !(v > 0.0 && v < 86_400.0) {
        return Err(CliError::usage(format!(
            "{name} must be between 0 and 86400 seconds"
        )));
    }
    Ok(Duration::from_secs_f64(v))
}

impl ConnectArgs {
    pub fn http(&self, ctx: &Ctx) -> Result<HttpSettings, CliError> {
        Ok(HttpSettings {
            connect_timeout: seconds(
                self.connect_timeout,
                ctx.env.connect_timeout.as_deref(),
                names::CONNECT_TIMEOUT,
                10,
            )?,
            timeout: seconds(self.timeout, ctx.env.timeout.as_deref(), names::TIMEOUT, 30)?,
            ca_cert: self.ca_cert.clone().or_else(|| ctx.env.ca_cert.clone()),
        })
    }

    pub fn client(&self, ctx: &Ctx) -> Result<Client, CliError> {
        let verbose = ctx.out.mode.verbose > 0;
        let trace: salesforce::Trace = Arc::new(move |m: &str| {
            if verbose {
                eprintln!("debug: {m}");
            }
        });
        Client::new(&self.http(ctx)?, trace).map_err(sf_error)
    }

    pub fn login_url(&self, ctx: &Ctx) -> String {
        if self.sandbox {
            return SANDBOX_LOGIN.into();
        }
        self.login_url
            .clone()
            .or_else(|| ctx.env.login_url.clone())
            .unwrap_or_else(|| PRODUCTION_LOGIN.into())
    }

    /// `60.0`, `v60.0` or `services/data/v60.0/` -> `60.0`.
    pub fn api_version(&self) -> Result<String, CliError> {
        let v = self.api_version.trim().trim_matches('/');
        let v = v.strip_prefix("services/data/").unwrap_or(v);
        let v = v.strip_prefix('v').unwrap_or(v);
        let ok = v.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty() && a.bytes().all(|c| c.is_ascii_digit()) && b == "0"
        });
        if !ok {
            return Err(CliError::usage(format!(
                "--api-version `{}` is not like 60.0 (Salesforce versions always end in .0)",
                self.api_version
            )));
        }
        Ok(v.to_string())
    }

    /// Gathers the credentials: stdin, environment, then hidden prompts.
    pub fn credentials(&self, ctx: &Ctx) -> Result<Credentials, CliError> {
        if self.stdin && ctx.stdin_is_terminal {
            return Err(CliError::usage(
                "--stdin reads from a pipe or a file, and stdin is a terminal here",
            )
            .with_hint("leave out --stdin to be asked with hidden input"));
        }
        let flow = match self.flow {
            FlowArg::Password => Flow::Password,
            FlowArg::ClientCredentials => Flow::ClientCredentials,
        };
        let token_url = salesforce::token_url(&self.login_url(ctx));
        let mut lines = self.stdin.then(StdinLines::stdin);
        let mut take = |label: &str,
                        env: &EnvSecret,
                        env_name: &str,
                        required: bool|
         -> Result<SecretString, CliError> {
            if let Some(l) = lines.as_mut() {
                return match l.next_secret(label)? {
                    Some(s) => Ok(s),
                    None if !required => Ok(SecretString::from(String::new())),
                    None => Err(CliError::usage(format!("stdin ended before the {label}"))),
                };
            }
            if let Some(s) = secret::from_env(env)? {
                return Ok(s);
            }
            if !required {
                return Ok(SecretString::from(String::new()));
            }
            if ctx.interactive {
                return secret::prompt_hidden(&format!("{}: ", capitalise(label)));
            }
            Err(CliError::usage(format!(
                "no terminal to ask for the {label}: pass --stdin or set {env_name}"
            ))
            .with_hint(
                "secrets are never taken as command-line arguments; see `crmctl login --help`",
            ))
        };
        let env = &ctx.env;
        let (username, password, security_token) = if flow == Flow::Password {
            let username = self
                .username
                .clone()
                .or_else(|| env.username.clone())
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "--username is required for the password flow (or set {})",
                        names::USERNAME
                    ))
                })?;
            let password = take("Salesforce password", &env.password, names::PASSWORD, true)?;
            // --no-token sends the password alone, whatever the environment holds.
            let token = if self.no_token {
                SecretString::from(String::new())
            } else {
                take("security token", &env.token, names::TOKEN, true)?
            };
            (username, password, token)
        } else {
            (
                String::new(),
                SecretString::from(String::new()),
                SecretString::from(String::new()),
            )
        };
        let client_id = take(
            "client id (consumer key)",
            &env.client_id,
            names::CLIENT_ID,
            true,
        )?;
        let client_secret = take(
            "client secret (consumer secret)",
            &env.client_secret,
            names::CLIENT_SECRET,
            true,
        )?;
        Ok(Credentials {
            token_url,
            flow,
            username,
            password,
            security_token,
            client_id,
            client_secret,
        })
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Maps a Salesforce failure to a CLI error: the org said no (1), or it could not
/// be reached or answered nonsense (4), or local set-up (3).
pub fn sf_error(e: SfError) -> CliError {
    match e {
        SfError::OAuth { ref error, ref description, .. } => {
            let (message, hints) = salesforce::advice::for_oauth(error, description, true);
            hints.into_iter().fold(CliError::rejected(message), CliError::with_hint)
        }
        SfError::Api { status, ref code, ref message } => {
            let hints = salesforce::advice::for_api(code);
            let kind_err = if matches!(status, 500..=599) { CliError::remote(format!("Salesforce answered {code}: {message}")) } else { CliError::rejected(format!("Salesforce answered {code}: {message}")) };
            hints.into_iter().fold(kind_err, CliError::with_hint)
        }
        SfError::Network(m) => CliError::remote("could not reach Salesforce").with_cause(m).with_hint("check the URL, your network, and HTTPS_PROXY/NO_PROXY; --connect-timeout and --timeout set the limits"),
        SfError::Protocol { status, detail } => CliError::remote(format!("Salesforce's answer was not usable (HTTP {status})")).with_cause(detail),
        SfError::Setup(m) => CliError::input(m),
    }
}
