//! The connection flags and credential gathering shared by `login` and `lookup`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use secrecy::SecretString;

use crate::ctx::Ctx;
use crate::env::{EnvSecret, names};
use crate::error::CliError;
use crate::salesforce::{self, Client, Credentials, Flow, HttpSettings, SfError};
use crate::secret::{self, StdinLines};
use crate::settings::Ucc;

pub const PRODUCTION_LOGIN: &str = "https://login.salesforce.com";
pub const SANDBOX_LOGIN: &str = "https://test.salesforce.com";
pub const DEFAULT_API_VERSION: &str = "60.0";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlowArg {
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
#[derive(Debug, Args)]
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

    /// The org needs no security token (logins from trusted IP ranges)
    #[arg(long)]
    pub no_token: bool,

    /// Read secrets from stdin, one a line: password, token, client id, client secret
    /// (client id and secret only with --flow client-credentials; client id only with --flow jwt)
    #[arg(long)]
    pub stdin: bool,

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

/// A number of seconds from a flag, else its environment variable, else the default.
/// The same rule for both; an error names where the value came from: a flag is a
/// usage error (2), a variable a configuration error (3).
fn seconds(
    flag: (Option<f64>, &'static str),
    env: (Option<&str>, &'static str),
    default: u64,
) -> Result<Duration, CliError> {
    let (v, origin) = match (flag.0, env.0) {
        (Some(v), _) => (v, Origin::Flag(flag.1)),
        (None, Some(s)) => {
            let origin = Origin::Env(env.1);
            let v = s.trim().parse::<f64>().map_err(|_| {
                origin.error(format!(
                    "{} must be a number of seconds, not `{s}`",
                    origin.name()
                ))
            })?;
            (v, origin)
        }
        (None, None) => return Ok(Duration::from_secs(default)),
    };
    if !(v > 0.0 && v < 86_400.0) {
        return Err(origin.error(format!(
            "{} must be more than 0 and less than 86400 seconds, not {v}",
            origin.name()
        )));
    }
    Ok(Duration::from_secs_f64(v))
}

/// Connection settings from the environment alone (commands without connection
/// flags, such as `validate-settings --login`).
pub fn http_from_env(ctx: &Ctx) -> Result<HttpSettings, CliError> {
    Ok(HttpSettings {
        connect_timeout: seconds(
            (None, "--connect-timeout"),
            (ctx.env.connect_timeout.as_deref(), names::CONNECT_TIMEOUT),
            10,
        )?,
        timeout: seconds(
            (None, "--timeout"),
            (ctx.env.timeout.as_deref(), names::TIMEOUT),
            30,
        )?,
        ca_cert: ctx.env.ca_cert.clone(),
        ca_cert_from: names::CA_CERT,
        proxy: ctx.env.proxy.clone(),
    })
}

impl ConnectArgs {
    pub fn http(&self, ctx: &Ctx) -> Result<HttpSettings, CliError> {
        self.check()?;
        Ok(HttpSettings {
            connect_timeout: seconds(
                (self.connect_timeout, "--connect-timeout"),
                (ctx.env.connect_timeout.as_deref(), names::CONNECT_TIMEOUT),
                10,
            )?,
            timeout: seconds(
                (self.timeout, "--timeout"),
                (ctx.env.timeout.as_deref(), names::TIMEOUT),
                30,
            )?,
            ca_cert: self.ca_cert.clone().or_else(|| ctx.env.ca_cert.clone()),
            ca_cert_from: if self.ca_cert.is_some() {
                "--ca-cert"
            } else {
                names::CA_CERT
            },
            proxy: ctx.env.proxy.clone(),
        })
    }

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

    pub fn client(&self, ctx: &Ctx) -> Result<Client, CliError> {
        Client::new(&self.http(ctx)?, ctx.http_trace()).map_err(sf_error)
    }

    /// `--sandbox`, then `--login-url`, then the UCC's LoginEndPoint, then
    /// `CRMCTL_LOGIN_URL`, then production. A URL that is not http(s) with a host
    /// is refused before anything is sent: a usage error for the flag or the
    /// variable, a local-input error for a settings file's LoginEndPoint.
    pub fn login_url(&self, ctx: &Ctx, ucc: Option<&Ucc>) -> Result<String, CliError> {
        if self.sandbox {
            return Ok(SANDBOX_LOGIN.into());
        }
        let (url, origin) = if let Some(u) = &self.login_url {
            (u.clone(), Origin::Flag("--login-url"))
        } else if let Some(u) = ucc.and_then(|u| u.value("LoginEndPoint")) {
            (u.to_string(), Origin::Setting("LoginEndPoint"))
        } else if let Some(u) = &ctx.env.login_url {
            (u.clone(), Origin::Env(names::LOGIN_URL))
        } else {
            return Ok(PRODUCTION_LOGIN.to_string());
        };
        if let Err(e) = Client::check_url(url.trim())
            .and_then(|_| Client::check_url(&salesforce::token_url(&url)))
        {
            return Err(origin
                .error(format!("the login URL ({}) is not usable: {e}", origin.name()))
                .with_hint("give an https URL such as https://login.salesforce.com or https://<MyDomain>.my.salesforce.com"));
        }
        Ok(url)
    }

    /// The org's URL known before the token answers: `--instance-url`, else the UCC's
    /// ApplicationHost (unless `--login-url` or `--sandbox` points elsewhere), else
    /// `CRMCTL_INSTANCE_URL`. A malformed flag is a usage error and a malformed
    /// variable a configuration error, as for every flag and its variable; the
    /// UCC's ApplicationHost is a hint that [`Client::warm`] skips when unusable
    /// (`validate-settings` reports it).
    pub fn instance_hint(&self, ctx: &Ctx, ucc: Option<&Ucc>) -> Result<Option<String>, CliError> {
        if let Some(u) = &self.instance_url {
            Client::check_url(u.trim()).map_err(|e| {
                CliError::usage(format!("--instance-url is not usable: {e}"))
                    .with_hint("give the org's URL, e.g. https://<MyDomain>.my.salesforce.com")
            })?;
            return Ok(Some(u.trim().to_string()));
        }
        // ApplicationHost names the org of the UCC's LoginEndPoint: with the login
        // pointed elsewhere on the command line it would name another org.
        let from_ucc = (self.login_url.is_none() && !self.sandbox)
            .then(|| ucc.and_then(|u| u.value("ApplicationHost")))
            .flatten();
        if let Some(u) = from_ucc {
            return Ok(Some(u.to_string()));
        }
        let Some(u) = &ctx.env.instance_url else {
            return Ok(None);
        };
        Client::check_url(u.trim()).map_err(|e| {
            CliError::input(format!("{} is not usable: {e}", names::INSTANCE_URL)).with_hint(
                "set it to the org's URL, e.g. https://<MyDomain>.my.salesforce.com, or unset it",
            )
        })?;
        Ok(Some(u.trim().to_string()))
    }

    /// `60`, `60.0`, `v60.0` or `services/data/v60.0/` -> `60.0`; from the flag, else
    /// the UCC's ApiEndPoint, else the default.
    pub fn api_version(&self, ucc: Option<&Ucc>) -> Result<String, CliError> {
        if let Some(raw) = &self.api_version {
            return crate::settings::wizard::api_version(raw).map_err(|e| {
                Origin::Flag("--api-version").error(format!("--api-version `{raw}`: {e}"))
            });
        }
        match ucc.and_then(|u| u.value("ApiEndPoint")) {
            Some(raw) => crate::settings::wizard::api_version(raw).map_err(|e| {
                Origin::Setting("ApiEndPoint").error(format!("ApiEndPoint `{}`: {e}", raw.trim()))
            }),
            None => Ok(DEFAULT_API_VERSION.to_string()),
        }
    }
}

impl SettingsArgs {
    /// The UCC named by --settings and --ucc, or the only UCC of --settings.
    pub fn ucc(&self) -> Result<Option<Ucc>, CliError> {
        let Some(path) = &self.settings else {
            return Ok(None);
        };
        let Some(name) = &self.ucc else {
            return only_ucc(path).map(Some);
        };
        let uccs = crate::settings::load::file(path, Some(name))?;
        let names: Vec<String> = uccs.iter().map(|u| u.name.clone()).collect();
        uccs.into_iter()
            .find(|u| u.name.eq_ignore_ascii_case(name))
            .map(Some)
            .ok_or_else(|| {
                CliError::input(format!("no UCC named `{name}` in {}", path.display()))
                    .with_hint(format!("UCCs in the file: {}", names.join(", ")))
            })
    }
}

/// `--settings` without `--ucc`: a YAML estate of one UCC needs no name.
fn only_ucc(path: &std::path::Path) -> Result<Ucc, CliError> {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        return Err(CliError::usage(
            "--settings with a CSV export needs --ucc: the export does not name its UCC",
        ));
    }
    let mut uccs = crate::settings::load::file(path, None)?;
    if uccs.len() == 1 {
        return Ok(uccs.remove(0));
    }
    let names: Vec<String> = uccs.iter().map(|u| u.name.clone()).collect();
    Err(CliError::usage(format!(
        "{} holds {} UCCs: say which with --ucc",
        path.display(),
        uccs.len()
    ))
    .with_hint(format!("UCCs in the file: {}", names.join(", "))))
}

pub fn normalise_version(raw: &str) -> Result<String, CliError> {
    // One parser for every place a version is typed: the wizard's.
    crate::settings::wizard::api_version(raw)
        .map_err(|e| CliError::input(format!("API version `{}`: {e}", raw.trim())))
}

/// Where a value came from, so that its error names it and has the code its source
/// calls for: a flag is a usage error (2); an environment variable or a setting in
/// a file is configuration (3). The rule that checks the value is the same for all.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    Flag(&'static str),
    Env(&'static str),
    Setting(&'static str),
}

impl Origin {
    pub fn name(self) -> &'static str {
        match self {
            Origin::Flag(n) | Origin::Env(n) | Origin::Setting(n) => n,
        }
    }

    pub fn error(self, message: impl Into<String>) -> CliError {
        match self {
            Origin::Flag(_) => CliError::usage(message),
            Origin::Env(_) | Origin::Setting(_) => CliError::input(message),
        }
    }
}

impl ConnectArgs {
    fn credentials_from_settings(&self, ctx: &Ctx, ucc: &Ucc) -> Result<Credentials, CliError> {
        let flow = self.flow.flow();
        let key = self.jwt_key(ctx)?;
        let (cipher, _) = ctx.cipher()?;
        let mut creds = ucc_credentials(
            ucc,
            &cipher,
            flow,
            self.username.clone(),
            &self.login_url(ctx, Some(ucc))?,
        )?;
        if let Some(id) = &self.client_id {
            creds.client_id = SecretString::from(id.clone());
        }
        creds.jwt_key = key;
        Ok(creds)
    }

    /// The `--flow jwt` key: `--jwt-key-file`, else `CRMCTL_JWT_KEY_FILE`, read and
    /// checked before any traffic. `None` for the other flows when no key is named;
    /// `--flow jwt` without one is a usage error. A file others can read is warned
    /// about, as a key profile is.
    pub fn jwt_key(
        &self,
        ctx: &Ctx,
    ) -> Result<Option<std::sync::Arc<salesforce::jwt::JwtKey>>, CliError> {
        if self.flow != FlowArg::Jwt && self.client_id.is_some() {
            return Err(CliError::usage(
                "--client-id is for --flow jwt; the other flows take the client id as a secret",
            )
            .with_hint(format!(
                "use --stdin, {} or the prompt, or the settings file's ClientId",
                names::CLIENT_ID
            )));
        }
        let Some(path) = self
            .jwt_key_file
            .clone()
            .or_else(|| ctx.env.jwt_key_file.clone())
        else {
            if self.flow == FlowArg::Jwt {
                return Err(CliError::usage(format!(
                    "--flow jwt needs the private key: pass --jwt-key-file FILE or set {}",
                    names::JWT_KEY_FILE
                )));
            }
            return Ok(None);
        };
        ctx.jwt_key(&path).map(|k| Some(std::sync::Arc::new(k)))
    }

    /// Gathers the credentials: the UCC's settings when given; otherwise stdin,
    /// environment, then hidden prompts.
    pub fn credentials(&self, ctx: &Ctx, ucc: Option<&Ucc>) -> Result<Credentials, CliError> {
        self.check()?;
        if let Some(u) = ucc {
            return self.credentials_from_settings(ctx, u);
        }
        if self.stdin && ctx.stdin_is_terminal {
            return Err(CliError::usage(
                "--stdin reads from a pipe or a file, and stdin is a terminal here",
            )
            .with_hint("leave out --stdin to be asked with hidden input"));
        }
        let flow = self.flow.flow();
        let jwt_key = self.jwt_key(ctx)?;
        let token_url = salesforce::token_url(&self.login_url(ctx, None)?);
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
                "cannot ask for the {label}: {}; pass --stdin or set {env_name}",
                ctx.no_prompt_because
            ))
            .with_hint(
                "secrets are never taken as command-line arguments; see `crmctl login --help`",
            ))
        };
        let env = &ctx.env;
        if flow == Flow::Jwt {
            let username = self
                .username
                .clone()
                .or_else(|| env.username.clone())
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "--username is required for --flow jwt: it is the assertion's subject (or set {})",
                        names::USERNAME
                    ))
                })?;
            let client_id = match &self.client_id {
                Some(id) => SecretString::from(id.clone()),
                None => take(
                    "client id (consumer key)",
                    &env.client_id,
                    names::CLIENT_ID,
                    true,
                )?,
            };
            return Ok(Credentials {
                token_url,
                flow,
                username,
                password: SecretString::from(String::new()),
                security_token: SecretString::from(String::new()),
                token_in_password: false,
                client_id,
                client_secret: SecretString::from(String::new()),
                jwt_key,
            });
        }
        let (username, password, security_token) = if flow == Flow::Password {
            // A blank variable gets the verdict of a blank --username (checked above).
            if self.username.is_none()
                && env.username.as_deref().is_some_and(|u| u.trim().is_empty())
            {
                return Err(CliError::input(format!("{} is blank", names::USERNAME))
                    .with_hint("set it to the integration user's username, or unset it"));
            }
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
            token_in_password: false,
            client_id,
            client_secret,
            // Not used by these flows; `doctor`'s readiness step checks JWT with it.
            jwt_key,
        })
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Maps a Salesforce failure to a CLI error (the mapping lives in `crate::error`).
pub fn sf_error(e: SfError) -> CliError {
    CliError::from(e)
}

/// Credentials from a UCC's settings: the encrypted values decrypted with the key
/// profile (the Password setting already holds password + token).
pub fn ucc_credentials(
    ucc: &Ucc,
    cipher: &crate::crypto::Cipher,
    flow: Flow,
    username: Option<String>,
    login_url: &str,
) -> Result<Credentials, CliError> {
    let decrypt = |setting: &str| -> Result<SecretString, CliError> {
        let row = ucc
            .get(setting)
            .filter(|r| !r.value.trim().is_empty())
            .ok_or_else(|| {
                CliError::input(format!(
                    "UCC `{}` in {} has no {setting} value",
                    ucc.name,
                    ucc.file.display()
                ))
            })?;
        cipher.decrypt_base64(&row.value).map_err(|e| {
            CliError::input(format!(
                "{}:{}: {setting} does not decrypt under the key profile",
                row.file.display(),
                row.line
            ))
            .with_cause(e)
            .with_hint("check --key-file, or re-encrypt the value with `crmctl encrypt`")
        })
    };
    let username = username
        .or_else(|| ucc.value("Username").map(str::to_string))
        .unwrap_or_default();
    if matches!(flow, Flow::Password | Flow::Jwt) && username.is_empty() {
        return Err(CliError::input(format!(
            "UCC `{}` in {} has no Username value",
            ucc.name,
            ucc.file.display()
        )));
    }
    Ok(Credentials {
        token_url: salesforce::token_url(login_url),
        flow,
        username,
        password: if flow == Flow::Password {
            decrypt("Password")?
        } else {
            SecretString::from(String::new())
        },
        security_token: SecretString::from(String::new()),
        token_in_password: true,
        client_id: decrypt("ClientId")?,
        client_secret: match flow {
            // JWT needs no secret; a readiness check may still use it when present.
            Flow::Jwt
                if ucc
                    .value("ClientSecret")
                    .is_none_or(|v| v.trim().is_empty()) =>
            {
                SecretString::from(String::new())
            }
            _ => decrypt("ClientSecret")?,
        },
        jwt_key: None,
    })
}
