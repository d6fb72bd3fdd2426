//! The connection of a command that logs in, resolved once: flags, then the UCC's
//! settings, then the environment, then the defaults. [`ConnectSettings::resolve`]
//! is the one place each value's precedence is decided; the credentials that
//! follow are gathered in [`super::credentials`].

use std::time::Duration;

use crate::args::{ConnectArgs, FlowArg, SettingsArgs};
use crate::env::{Env, names};
use crate::error::CliError;
use crate::salesforce::{self, Client, Flow, HttpSettings};
use crate::settings::Ucc;
use crate::settings::rules::{self, HostKind, LoginTarget};

pub use super::env_check::check_env;

pub const PRODUCTION_LOGIN: &str = "https://login.salesforce.com";
pub const SANDBOX_LOGIN: &str = "https://test.salesforce.com";
/// The REST API version when neither `--api-version` nor ApiEndPoint names one.
pub const DEFAULT_API_VERSION: &str = "60.0";

/// Everything a connecting command needs before it asks for a secret or sends a
/// byte: each value from its flag, else the UCC's setting, else the environment,
/// else the default, and checked.
#[derive(Debug, Clone)]
pub struct ConnectSettings {
    /// Where the token is asked for (LoginEndPoint, `--login-url`, `--sandbox`).
    pub login_url: String,
    /// The org's URL known before the token answers, for [`Client::warm`].
    pub instance_hint: Option<String>,
    /// `60.0`: from `--api-version`, else ApiEndPoint, else [`DEFAULT_API_VERSION`].
    pub api_version: String,
    /// `--api-version` or `ApiEndPoint`: see [`api_version_from`].
    pub api_version_from: &'static str,
    pub http: HttpSettings,
    pub flow: Flow,
    /// Where the secrets come from.
    pub secrets: SecretSource,
}

/// Where a command's secrets come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// The UCC's encrypted Password, ClientId and ClientSecret, decrypted with the
    /// key profile (`--settings`).
    Ucc(String),
    /// `--stdin`, one a line.
    Stdin,
    /// The `CRMCTL_*` variables, else hidden prompts.
    EnvOrPrompt,
}

impl ConnectSettings {
    /// Resolves the connection of `args` (and the UCC of `--settings`, if any)
    /// against the environment. Flags that cannot mean anything and malformed
    /// values are refused here, before any secret is asked for: a flag is a usage
    /// error (2), a setting or a variable a configuration error (3).
    pub fn resolve(args: &ConnectArgs, ucc: Option<&Ucc>, env: &Env) -> Result<Self, CliError> {
        args.check()?;
        // The flags' verdicts (2) before the variables' (3).
        let api_version = api_version(args, ucc)?;
        let (login_url, login_from) = login_url_from(args, env, ucc).map_err(|r| r.error)?;
        let hint = instance_hint_from(args, env, ucc)?;
        check_env(env)?;
        let http = http(args, env)?;
        let instance_hint = hint.as_ref().map(|(u, _)| u.clone());
        // Client credentials are refused on the shared login hosts: the token is
        // asked for on the org's host, as doctor's flow-readiness step asks for
        // it, unless --login-url or --sandbox says where and --instance-url does not.
        let login_url = match &hint {
            Some((host, origin))
                if args.flow == FlowArg::ClientCredentials
                    && (matches!(origin, Origin::Flag(_))
                        || !matches!(login_from, Some(Origin::Flag(_))))
                    && client_credentials_host(&login_url, Some(host), None).as_ref()
                        == Some(host) =>
            {
                trust(host, *origin, ucc, args.allow_untrusted_login)?;
                host.clone()
            }
            _ => login_url,
        };
        Ok(ConnectSettings {
            api_version,
            api_version_from: api_version_from(args, ucc),
            login_url,
            http,
            instance_hint,
            flow: args.flow.flow(),
            secrets: match ucc {
                Some(u) => SecretSource::Ucc(u.name.clone()),
                None if args.stdin => SecretSource::Stdin,
                None => SecretSource::EnvOrPrompt,
            },
        })
    }

    /// The token endpoint of [`ConnectSettings::login_url`].
    pub fn token_url(&self) -> String {
        salesforce::token_url(&self.login_url)
    }
}

/// One UCC of an estate (`doctor --settings`, `validate-settings --login`), resolved
/// by the rules of [`ConnectSettings::resolve`] with the command's flags (none for
/// validate-settings). Unlike `resolve`, a value that cannot be used is kept as its
/// error, for the step or the finding it belongs to, and the rest still resolves.
#[derive(Debug, Clone)]
pub struct UccConnection {
    /// As [`ConnectSettings::login_url`], or why it cannot be used.
    pub login_url: Result<String, CliError>,
    /// Where the login URL comes from; `None`: the default, production.
    pub login_url_from: Option<Origin>,
    /// The login URL is usable but not trusted with the credentials (plain http, or
    /// a LoginEndPoint that is not Salesforce or a test org), and
    /// `--allow-untrusted-login` was not given: `login_url` is that refusal.
    pub untrusted: bool,
    /// As [`ConnectSettings::instance_hint`]; an unusable one is no hint.
    pub instance_hint: Option<String>,
    /// As [`ConnectSettings::api_version`], or why ApiEndPoint cannot be used.
    pub api_version: Result<String, CliError>,
    pub flow: Flow,
}

/// The version a login is checked with when the UCC's may not be usable: the
/// UCC's, else [`DEFAULT_API_VERSION`] (the api-version step reports why).
pub fn login_version<E>(version: &Result<impl AsRef<str>, E>) -> String {
    match version {
        Ok(v) => v.as_ref().to_string(),
        Err(_) => DEFAULT_API_VERSION.to_string(),
    }
}

impl ConnectSettings {
    /// The connection of one UCC of an estate, each value by the precedence of
    /// [`ConnectSettings::resolve`]: the flag, else the UCC's setting, else the
    /// environment, else the default.
    pub fn resolve_ucc(args: &ConnectArgs, ucc: &Ucc, env: &Env) -> UccConnection {
        let (login_url, login_url_from, untrusted) = match login_url_from(args, env, Some(ucc)) {
            Ok((url, from)) => (Ok(url), from, false),
            Err(r) => (Err(r.error), Some(r.origin), r.untrusted),
        };
        UccConnection {
            login_url,
            login_url_from,
            untrusted,
            // doctor's flow-readiness step posts the client secret there: an
            // ApplicationHost the login would not trust is no hint (the instance the
            // token names is used instead), as `login --flow client-credentials`
            // refuses it.
            instance_hint: instance_hint_from(args, env, Some(ucc))
                .ok()
                .flatten()
                .filter(|(u, origin)| {
                    !matches!(origin, Origin::Setting(_))
                        || trust(u, *origin, Some(ucc), args.allow_untrusted_login).is_ok()
                })
                .map(|(u, _)| u),
            api_version: api_version(args, Some(ucc)),
            flow: args.flow.flow(),
        }
    }
}

/// The HTTP settings of `--probe` (validate-settings, doctor): `--probe-timeout`
/// for connecting and answering; the CA file (`--ca-cert`, else its variable) and
/// the proxy as for the command's other requests.
pub fn probe_http(args: &ConnectArgs, env: &Env, timeout: f64) -> Result<HttpSettings, CliError> {
    if !(timeout > 0.0 && timeout < 3600.0) {
        return Err(CliError::usage(format!(
            "--probe-timeout must be more than 0 and less than 3600 seconds, not {timeout}"
        )));
    }
    let (ca_cert, ca_cert_from) = ca_cert(args, env);
    Ok(HttpSettings {
        connect_timeout: Duration::from_secs_f64(timeout),
        timeout: Duration::from_secs_f64(timeout),
        ca_cert,
        ca_cert_from,
        proxy: env.proxy.clone(),
    })
}

/// `--ca-cert`, else `CRMCTL_CA_CERT`, with where it came from for its errors.
fn ca_cert(args: &ConnectArgs, env: &Env) -> (Option<std::path::PathBuf>, &'static str) {
    match &args.ca_cert {
        Some(f) => (Some(f.clone()), "--ca-cert"),
        None => (env.ca_cert.clone(), names::CA_CERT),
    }
}

/// A number of seconds from a flag, else its environment variable, else the default.
/// The same rule for both; an error names where the value came from: a flag is a
/// usage error (2), a variable a configuration error (3).
pub(super) fn seconds(
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

/// Timeouts, the CA file and the proxy: each flag, else its variable, else the default.
pub fn http(args: &ConnectArgs, env: &Env) -> Result<HttpSettings, CliError> {
    let (ca_cert, ca_cert_from) = ca_cert(args, env);
    Ok(HttpSettings {
        connect_timeout: seconds(
            (args.connect_timeout, "--connect-timeout"),
            (env.connect_timeout.as_deref(), names::CONNECT_TIMEOUT),
            10,
        )?,
        timeout: seconds(
            (args.timeout, "--timeout"),
            (env.timeout.as_deref(), names::TIMEOUT),
            30,
        )?,
        ca_cert,
        ca_cert_from,
        proxy: env.proxy.clone(),
    })
}

/// `--sandbox`, then `--login-url`, then the UCC's LoginEndPoint, then
/// `CRMCTL_LOGIN_URL`, then production. A URL that is not http(s) with a host
/// is refused before anything is sent: a usage error for the flag or the
/// variable, a local-input error for a settings file's LoginEndPoint.
pub fn login_url(args: &ConnectArgs, env: &Env, ucc: Option<&Ucc>) -> Result<String, CliError> {
    login_url_from(args, env, ucc)
        .map(|(url, _)| url)
        .map_err(|r| r.error)
}

/// Why a login URL cannot be used, with where it came from.
struct Refused {
    error: CliError,
    origin: Origin,
    /// It is usable but not trusted with the credentials ([`trust`]).
    untrusted: bool,
}

/// [`login_url`], with where the URL (or the unusable value) came from.
fn login_url_from(
    args: &ConnectArgs,
    env: &Env,
    ucc: Option<&Ucc>,
) -> Result<(String, Option<Origin>), Refused> {
    if args.sandbox {
        return Ok((SANDBOX_LOGIN.into(), Some(Origin::Flag("--sandbox"))));
    }
    let (url, origin) = if let Some(u) = &args.login_url {
        (u.clone(), Origin::Flag("--login-url"))
    } else if let Some(u) = ucc.and_then(|u| u.value("LoginEndPoint")) {
        (u.to_string(), Origin::Setting("LoginEndPoint"))
    } else if let Some(u) = &env.login_url {
        (u.clone(), Origin::Env(names::LOGIN_URL))
    } else {
        return Ok((PRODUCTION_LOGIN.to_string(), None));
    };
    if let Err(e) =
        Client::check_url(url.trim()).and_then(|_| Client::check_url(&salesforce::token_url(&url)))
    {
        return Err(Refused {
            error: origin
                .error(crate::detail![format!("the login URL ({}) is not usable: ", origin.name()), e.describe()])
                .with_hint("give an https URL such as https://login.salesforce.com or https://<MyDomain>.my.salesforce.com"),
            origin,
            untrusted: false,
        });
    }
    trust(&url, origin, ucc, args.allow_untrusted_login).map_err(|error| Refused {
        error,
        origin,
        untrusted: true,
    })?;
    if matches!(origin, Origin::Setting("LoginEndPoint")) {
        as_the_service_posts(&url, ucc).map_err(|error| Refused {
            error,
            origin,
            untrusted: false,
        })?;
    }
    Ok((url, Some(origin)))
}

/// The CRM Service posts its token request to LoginEndPoint as written, so a
/// Salesforce LoginEndPoint without `/services/oauth2/token` fails there: crmctl
/// does not add the path for it (which would pass a login the service fails), as
/// doctor holds such a login back and validate-settings reports `login-endpoint`. A
/// test org on this machine is not held to it.
fn as_the_service_posts(url: &str, ucc: Option<&Ucc>) -> Result<(), CliError> {
    let Ok(u) = url::Url::parse(url.trim()) else {
        return Ok(());
    };
    if u.host_str().is_some_and(rules::is_loopback_host) || rules::is_token_path(u.path()) {
        return Ok(());
    }
    let at = ucc
        .and_then(|u| u.get("LoginEndPoint"))
        .map(|r| format!("{}:{}: ", r.file.display(), r.line))
        .unwrap_or_default();
    Err(CliError::input(format!(
        "{at}LoginEndPoint `{}` is not a token URL: the CRM Service posts to it as written, so its login would fail",
        url.trim()
    ))
    .with_hint("end it with /services/oauth2/token, e.g. https://login.salesforce.com/services/oauth2/token"))
}

/// Where the secrets of a login may go, decided here for every command that logs
/// in: a URL from a UCC's setting only to https on Salesforce or a test org on
/// this machine (`rules::login_target`, the rule `validate-settings` reports); a
/// URL from a flag or a variable anywhere but plain http to another machine,
/// where the credentials would cross the network unencrypted.
/// `--allow-untrusted-login` sends them anyway.
fn trust(url: &str, origin: Origin, ucc: Option<&Ucc>, allow: bool) -> Result<(), CliError> {
    if allow {
        return Ok(());
    }
    let url = url.trim();
    match origin {
        Origin::Setting(name) => {
            // ApplicationHost may be any of the org's own hosts (an instance such
            // as eu6.salesforce.com too), over https; LoginEndPoint only a login host.
            let trusted = if name == "ApplicationHost" {
                url::Url::parse(url).is_ok_and(|u| {
                    let kind = rules::host_kind(u.host_str().unwrap_or_default());
                    kind == HostKind::Loopback || (u.scheme() == "https" && kind != HostKind::Other)
                })
            } else {
                rules::login_target(url) != LoginTarget::Untrusted
            };
            if trusted {
                return Ok(());
            }
            let at = ucc
                .and_then(|u| u.get(name))
                .map(|r| format!("{}:{}: ", r.file.display(), r.line))
                .unwrap_or_default();
            Err(CliError::input(format!(
                "{at}{name} `{url}` is neither https on Salesforce nor a test org on this machine, so the UCC's credentials were not sent there"
            ))
            .with_hint(format!(
                "fix {name} (e.g. https://<MyDomain>.my.salesforce.com), or pass --allow-untrusted-login to send the credentials there anyway"
            )))
        }
        Origin::Flag(_) | Origin::Env(_) => {
            let plain_http = url::Url::parse(url).is_ok_and(|u| {
                u.scheme() == "http" && u.host_str().is_some_and(|h| !rules::is_loopback_host(h))
            });
            if !plain_http {
                return Ok(());
            }
            Err(origin
                .error(format!(
                    "{} `{url}` is plain http to another machine: the credentials would cross the network unencrypted, so they were not sent",
                    origin.name()
                ))
                .with_hint("use the https URL, or pass --allow-untrusted-login to send them anyway"))
        }
    }
}

/// Where the client-credentials flow asks for its token: the org's own host
/// (`my_domain`: ApplicationHost, `--instance-url` or the variable), else the
/// instance URL an earlier login returned, else the login URL unless it is a
/// shared login host (login.salesforce.com, test.salesforce.com), which refuses
/// the flow. `None`: only a My Domain URL would do. `login` and doctor's
/// flow-readiness step both ask here.
pub fn client_credentials_host(
    login_url: &str,
    my_domain: Option<&str>,
    instance_url: Option<&str>,
) -> Option<String> {
    let shared = url::Url::parse(login_url.trim()).is_ok_and(|u| {
        matches!(
            u.host_str().map(str::to_ascii_lowercase).as_deref(),
            Some("login.salesforce.com" | "test.salesforce.com")
        )
    });
    my_domain
        .or(instance_url)
        .map(|u| u.trim().to_string())
        .or_else(|| (!shared).then(|| login_url.trim().to_string()))
}

/// The org's URL known before the token answers: `--instance-url`, else the UCC's
/// ApplicationHost (unless `--login-url` or `--sandbox` points elsewhere), else
/// `CRMCTL_INSTANCE_URL`. A malformed flag is a usage error and a malformed
/// variable a configuration error, as for every flag and its variable; the
/// UCC's ApplicationHost is a hint that [`Client::warm`] skips when unusable
/// (`validate-settings` reports it).
pub fn instance_hint(
    args: &ConnectArgs,
    env: &Env,
    ucc: Option<&Ucc>,
) -> Result<Option<String>, CliError> {
    instance_hint_from(args, env, ucc).map(|h| h.map(|(u, _)| u))
}

/// [`instance_hint`], with where the URL came from.
fn instance_hint_from(
    args: &ConnectArgs,
    env: &Env,
    ucc: Option<&Ucc>,
) -> Result<Option<(String, Origin)>, CliError> {
    if let Some(u) = &args.instance_url {
        Client::check_url(u.trim()).map_err(|e| {
            CliError::usage(crate::detail![
                "--instance-url is not usable: ",
                e.describe()
            ])
            .with_hint("give the org's URL, e.g. https://<MyDomain>.my.salesforce.com")
        })?;
        return Ok(Some((u.trim().to_string(), Origin::Flag("--instance-url"))));
    }
    // ApplicationHost names the org of the UCC's LoginEndPoint: with the login
    // pointed elsewhere on the command line it would name another org.
    // An ApplicationHost the login would not trust (neither https on Salesforce nor
    // a test org) is no warm-up hint either: not even a GET without credentials goes
    // there. (Client credentials post to it: `resolve` refuses it with its reason.)
    let from_ucc = (args.login_url.is_none() && !args.sandbox)
        .then(|| ucc.and_then(|u| u.value("ApplicationHost")))
        .flatten()
        .filter(|u| {
            args.flow == FlowArg::ClientCredentials
                || trust(
                    u,
                    Origin::Setting("ApplicationHost"),
                    None,
                    args.allow_untrusted_login,
                )
                .is_ok()
        });
    if let Some(u) = from_ucc {
        return Ok(Some((u.to_string(), Origin::Setting("ApplicationHost"))));
    }
    Ok(super::env_check::instance_url(env)?
        .map(|u| (u.to_string(), Origin::Env(names::INSTANCE_URL))))
}

/// `60`, `60.0`, `v60.0` or `services/data/v60.0/` -> `60.0`; from the flag, else
/// the UCC's ApiEndPoint, else the default.
pub fn api_version(args: &ConnectArgs, ucc: Option<&Ucc>) -> Result<String, CliError> {
    if let Some(raw) = &args.api_version {
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

/// Where the API version of a login came from, for the advice when the org does
/// not offer it: the UCC's ApiEndPoint unless `--api-version` overrides it;
/// `--api-version` when there is no UCC (the default stands in for the flag).
pub fn api_version_from(args: &ConnectArgs, ucc: Option<&Ucc>) -> &'static str {
    if args.api_version.is_none() && ucc.is_some() {
        "ApiEndPoint"
    } else {
        "--api-version"
    }
}

/// The advice for an API version the org does not offer, naming what sets it
/// ([`api_version_from`]); `version` is one the org offers.
pub fn version_hint(from: &str, version: crate::output::Detail) -> crate::output::Detail {
    if from == "ApiEndPoint" {
        crate::detail![
            "set ApiEndPoint to a version the org offers, e.g. services/data/v",
            version,
            "/"
        ]
    } else {
        crate::detail![
            "pass --api-version with a version the org offers, e.g. --api-version ",
            version
        ]
    }
}

/// `e` with the advice of a `NOT_FOUND` answer naming what set the version
/// ([`api_version_from`]) rather than ApiEndPoint alone.
pub fn name_version_source(mut e: CliError, from: &str) -> CliError {
    let generic = crate::output::Detail::from(salesforce::advice::VERSION_NOT_FOUND);
    for h in e.hints.iter_mut().filter(|h| **h == generic) {
        *h = crate::detail![
            "the API version may not exist in this org: ",
            version_hint(from, DEFAULT_API_VERSION.into())
        ];
    }
    e
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

    pub fn error(self, message: impl Into<crate::output::Detail>) -> CliError {
        match self {
            Origin::Flag(_) => CliError::usage(message),
            Origin::Env(_) | Origin::Setting(_) => CliError::input(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;
    use crate::error::ErrorKind;
    use crate::settings::Row;

    fn env(vars: &[(&str, &str)]) -> Env {
        let vars: Vec<(String, OsString)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        Env::from_lookup(
            &|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
            None,
        )
    }

    fn ucc(rows: &[(&str, &str)]) -> Ucc {
        Ucc {
            name: "helpdesk".into(),
            file: "estate.yaml".into(),
            line: 1,
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, (s, v))| Row {
                    setting: s.to_string(),
                    scope: "Primary".into(),
                    value: v.to_string(),
                    file: "estate.yaml".into(),
                    line: i + 2,
                })
                .collect(),
            attributes: Vec::new(),
            column_warnings: Vec::new(),
        }
    }

    /// Each value: the flag, else the UCC's setting, else the variable, else the default.
    #[test]
    fn each_value_comes_from_the_flag_then_the_ucc_then_the_environment_then_the_default() {
        let vars = env(&[
            (names::LOGIN_URL, "https://env.my.salesforce.com"),
            (names::INSTANCE_URL, "https://env-org.my.salesforce.com"),
            (names::TIMEOUT, "12"),
        ]);
        let u = ucc(&[
            (
                "LoginEndPoint",
                "https://ucc.my.salesforce.com/services/oauth2/token",
            ),
            ("ApplicationHost", "https://ucc-org.my.salesforce.com"),
            ("ApiEndPoint", "services/data/v61.0/"),
        ]);
        let none = ConnectArgs::default();

        let s = ConnectSettings::resolve(&none, None, &env(&[])).expect("defaults");
        assert_eq!(s.login_url, PRODUCTION_LOGIN);
        assert_eq!(s.instance_hint, None);
        assert_eq!(s.api_version, DEFAULT_API_VERSION);
        assert_eq!(s.http.timeout, Duration::from_secs(30));
        assert_eq!(s.flow, Flow::Password);
        assert_eq!(s.secrets, SecretSource::EnvOrPrompt);

        let s = ConnectSettings::resolve(&none, None, &vars).expect("environment");
        assert_eq!(s.login_url, "https://env.my.salesforce.com");
        assert_eq!(
            s.instance_hint.as_deref(),
            Some("https://env-org.my.salesforce.com")
        );
        assert_eq!(s.http.timeout, Duration::from_secs(12));

        let s = ConnectSettings::resolve(&none, Some(&u), &vars).expect("ucc");
        assert_eq!(
            s.login_url,
            "https://ucc.my.salesforce.com/services/oauth2/token"
        );
        assert_eq!(
            s.instance_hint.as_deref(),
            Some("https://ucc-org.my.salesforce.com")
        );
        assert_eq!(s.api_version, "61.0");
        assert_eq!(s.secrets, SecretSource::Ucc("helpdesk".into()));

        let flags = ConnectArgs {
            login_url: Some("https://flag.my.salesforce.com".into()),
            api_version: Some("v62.0".into()),
            timeout: Some(5.0),
            stdin: true,
            ..ConnectArgs::default()
        };
        let s = ConnectSettings::resolve(&flags, Some(&u), &vars).expect("flags");
        assert_eq!(s.login_url, "https://flag.my.salesforce.com");
        // The UCC's ApplicationHost names the org of its own LoginEndPoint, not this one.
        assert_eq!(
            s.instance_hint.as_deref(),
            Some("https://env-org.my.salesforce.com")
        );
        assert_eq!(s.api_version, "62.0");
        assert_eq!(s.http.timeout, Duration::from_secs(5));
        assert_eq!(
            s.token_url(),
            salesforce::token_url("https://flag.my.salesforce.com")
        );
    }

    /// A UCC of an estate: the same precedence, each value on its own, and where
    /// the login URL came from (doctor needs LoginEndPoint only when it is used).
    /// The CRM Service posts to LoginEndPoint as written: a Salesforce one without
    /// the token path would fail there, so crmctl does not pass it by adding the path.
    #[test]
    fn a_login_endpoint_without_the_token_path_is_refused_as_the_service_would_fail() {
        let none = ConnectArgs::default();
        for bare in [
            "https://login.salesforce.com",
            "https://contoso.my.salesforce.com/",
        ] {
            let u = ucc(&[("LoginEndPoint", bare)]);
            let e = ConnectSettings::resolve(&none, Some(&u), &env(&[])).expect_err(bare);
            assert_eq!(e.kind, ErrorKind::Input, "{e}");
            assert!(e.message.contains("is not a token URL"), "{e}");
            assert!(
                ConnectSettings::resolve_ucc(&none, &u, &env(&[]))
                    .login_url
                    .is_err()
            );
        }
        // A test org on this machine is not held to it; a flag is a login host or URL.
        let local = ucc(&[("LoginEndPoint", "http://127.0.0.1:9")]);
        assert!(ConnectSettings::resolve(&none, Some(&local), &env(&[])).is_ok());
        let flag = ConnectArgs {
            login_url: Some("https://login.salesforce.com".into()),
            ..ConnectArgs::default()
        };
        let u = ucc(&[("LoginEndPoint", "https://login.salesforce.com")]);
        assert!(ConnectSettings::resolve(&flag, Some(&u), &env(&[])).is_ok());
    }

    #[test]
    fn a_ucc_of_an_estate_resolves_each_value_on_its_own_with_its_origin() {
        let vars = env(&[(names::LOGIN_URL, "https://env.my.salesforce.com")]);
        let none = ConnectArgs::default();
        let with = ucc(&[
            (
                "LoginEndPoint",
                "https://ucc.my.salesforce.com/services/oauth2/token",
            ),
            ("ApiEndPoint", "services/data/latest/"),
        ]);
        let c = ConnectSettings::resolve_ucc(&none, &with, &vars);
        assert_eq!(
            c.login_url.ok().as_deref(),
            Some("https://ucc.my.salesforce.com/services/oauth2/token")
        );
        assert!(matches!(
            c.login_url_from,
            Some(Origin::Setting("LoginEndPoint"))
        ));
        let e = c.api_version.expect_err("a bad ApiEndPoint");
        assert_eq!(e.kind, ErrorKind::Input, "{:?}", e.message);
        assert_eq!(login_version(&Err::<String, _>(e)), DEFAULT_API_VERSION);

        let without = ucc(&[("ApiEndPoint", "services/data/v61.0/")]);
        let c = ConnectSettings::resolve_ucc(&none, &without, &vars);
        assert_eq!(
            c.login_url.ok().as_deref(),
            Some("https://env.my.salesforce.com")
        );
        assert!(matches!(
            c.login_url_from,
            Some(Origin::Env(names::LOGIN_URL))
        ));
        assert_eq!(c.api_version.ok().as_deref(), Some("61.0"));
        let c = ConnectSettings::resolve_ucc(&none, &without, &env(&[]));
        assert_eq!(c.login_url.ok().as_deref(), Some(PRODUCTION_LOGIN));
        assert!(c.login_url_from.is_none());

        let flags = ConnectArgs {
            sandbox: true,
            api_version: Some("62".into()),
            ..ConnectArgs::default()
        };
        let bad = ucc(&[("LoginEndPoint", "ftp://example.com")]);
        let c = ConnectSettings::resolve_ucc(&flags, &bad, &vars);
        assert_eq!(c.login_url.ok().as_deref(), Some(SANDBOX_LOGIN));
        assert!(matches!(c.login_url_from, Some(Origin::Flag("--sandbox"))));
        assert_eq!(c.api_version.ok().as_deref(), Some("62.0"));
        let c = ConnectSettings::resolve_ucc(&none, &bad, &vars);
        assert_eq!(c.login_url.expect_err("ftp").kind, ErrorKind::Input);
        assert!(matches!(
            c.login_url_from,
            Some(Origin::Setting("LoginEndPoint"))
        ));
    }

    /// A bad flag is usage (2); the same value from a setting or a variable is input (3).
    #[test]
    fn a_bad_value_is_a_usage_error_from_a_flag_and_a_configuration_error_elsewhere() {
        let none = ConnectArgs::default();
        let bad_flag = ConnectArgs {
            login_url: Some("ftp://example.com".into()),
            ..ConnectArgs::default()
        };
        let e = ConnectSettings::resolve(&bad_flag, None, &env(&[])).expect_err("flag");
        assert_eq!(e.kind, ErrorKind::Usage, "{e}");
        let e = ConnectSettings::resolve(
            &none,
            Some(&ucc(&[("LoginEndPoint", "ftp://example.com")])),
            &env(&[]),
        )
        .expect_err("setting");
        assert_eq!(e.kind, ErrorKind::Input, "{e}");
        let e = ConnectSettings::resolve(&none, None, &env(&[(names::TIMEOUT, "soon")]))
            .expect_err("variable");
        assert_eq!(e.kind, ErrorKind::Input, "{e}");
        let e = ConnectSettings::resolve(
            &none,
            Some(&ucc(&[("ApiEndPoint", "services/data/latest/")])),
            &env(&[]),
        )
        .expect_err("ApiEndPoint");
        assert_eq!(e.kind, ErrorKind::Input, "{e}");
    }

    /// Brief item 1: where the credentials may go, decided here for every command.
    #[test]
    fn credentials_go_only_where_they_are_trusted_unless_allowed() {
        let none = ConnectArgs::default();
        let allow = ConnectArgs {
            allow_untrusted_login: true,
            ..ConnectArgs::default()
        };
        let evil = ucc(&[(
            "LoginEndPoint",
            "http://192.0.2.2:18081/services/oauth2/token",
        )]);
        let e = ConnectSettings::resolve(&none, Some(&evil), &env(&[])).expect_err("setting");
        assert_eq!(e.kind, ErrorKind::Input, "{e}");
        assert!(
            e.to_string().contains("estate.yaml:2: LoginEndPoint"),
            "{e}"
        );
        let c = ConnectSettings::resolve_ucc(&none, &evil, &env(&[]));
        assert!(c.untrusted && c.login_url.is_err());
        let c = ConnectSettings::resolve_ucc(&allow, &evil, &env(&[]));
        assert!(!c.untrusted && c.login_url.is_ok());
        assert!(ConnectSettings::resolve(&allow, Some(&evil), &env(&[])).is_ok());
        // A UCC's https host that is not Salesforce's is not trusted either.
        let other = ucc(&[("LoginEndPoint", "https://login.salesforce.com.evil.example")]);
        assert!(ConnectSettings::resolve(&none, Some(&other), &env(&[])).is_err());

        for (url, ok) in [
            ("http://192.0.2.2:18081", false),
            ("http://org.example/services/oauth2/token", false),
            ("http://127.0.0.1:8080", true),
            ("http://localhost:8080", true),
            ("https://org.example", true),
            ("https://login.salesforce.com", true),
        ] {
            let flag = ConnectArgs {
                login_url: Some(url.into()),
                ..ConnectArgs::default()
            };
            let r = ConnectSettings::resolve(&flag, None, &env(&[]));
            assert_eq!(r.is_ok(), ok, "flag {url}");
            if let Err(e) = r {
                assert_eq!(e.kind, ErrorKind::Usage, "{e}");
            }
            let r = ConnectSettings::resolve(&none, None, &env(&[(names::LOGIN_URL, url)]));
            assert_eq!(r.is_ok(), ok, "variable {url}");
            if let Err(e) = r {
                assert_eq!(e.kind, ErrorKind::Input, "{e}");
            }
            let flag = ConnectArgs {
                allow_untrusted_login: true,
                ..flag
            };
            assert!(ConnectSettings::resolve(&flag, None, &env(&[])).is_ok());
        }
    }

    /// Brief item 5: client credentials ask the org's host, wherever it is known.
    #[test]
    fn client_credentials_ask_the_org_host() {
        let u = ucc(&[
            (
                "LoginEndPoint",
                "https://login.salesforce.com/services/oauth2/token",
            ),
            ("ApplicationHost", "https://contoso.my.salesforce.com/"),
        ]);
        let cc = ConnectArgs {
            flow: FlowArg::ClientCredentials,
            ..ConnectArgs::default()
        };
        let s = ConnectSettings::resolve(&cc, Some(&u), &env(&[])).expect("cc");
        assert_eq!(s.login_url, "https://contoso.my.salesforce.com/");
        let s = ConnectSettings::resolve(&ConnectArgs::default(), Some(&u), &env(&[]))
            .expect("password");
        assert_eq!(
            s.login_url,
            "https://login.salesforce.com/services/oauth2/token"
        );
        // --login-url says where, unless --instance-url says otherwise.
        let flag = ConnectArgs {
            login_url: Some("https://other.my.salesforce.com".into()),
            flow: FlowArg::ClientCredentials,
            ..ConnectArgs::default()
        };
        let vars = env(&[(names::INSTANCE_URL, "https://env.my.salesforce.com")]);
        let s = ConnectSettings::resolve(&flag, Some(&u), &vars).expect("flag");
        assert_eq!(s.login_url, "https://other.my.salesforce.com");
        let both = ConnectArgs {
            instance_url: Some("https://flag.my.salesforce.com".into()),
            ..flag
        };
        let s = ConnectSettings::resolve(&both, Some(&u), &vars).expect("both");
        assert_eq!(s.login_url, "https://flag.my.salesforce.com");
        // An ApplicationHost that is not trusted gets no client secret.
        let evil = ucc(&[("ApplicationHost", "http://192.0.2.2/")]);
        let e = ConnectSettings::resolve(&cc, Some(&evil), &env(&[])).expect_err("evil");
        assert_eq!(e.kind, ErrorKind::Input, "{e}");
        // doctor's readiness step gets no such host to post the secret to.
        assert_eq!(
            ConnectSettings::resolve_ucc(&cc, &evil, &env(&[])).instance_hint,
            None
        );
        let allow = ConnectArgs {
            allow_untrusted_login: true,
            ..cc
        };
        assert!(
            ConnectSettings::resolve_ucc(&allow, &evil, &env(&[]))
                .instance_hint
                .is_some()
        );

        assert_eq!(
            client_credentials_host("https://login.salesforce.com", None, None),
            None
        );
        assert_eq!(
            client_credentials_host(
                "https://test.salesforce.com",
                None,
                Some("https://a.my.salesforce.com")
            )
            .as_deref(),
            Some("https://a.my.salesforce.com")
        );
        assert_eq!(
            client_credentials_host("http://127.0.0.1:1", None, None).as_deref(),
            Some("http://127.0.0.1:1")
        );
    }

    /// Brief item 4: a malformed variable is refused though a flag overrides it.
    #[test]
    fn a_malformed_variable_is_refused_though_a_flag_overrides_it() {
        let flags = ConnectArgs {
            login_url: Some("https://login.salesforce.com".into()),
            instance_url: Some("https://contoso.my.salesforce.com".into()),
            timeout: Some(5.0),
            connect_timeout: Some(5.0),
            ..ConnectArgs::default()
        };
        for (var, value) in [
            (names::LOGIN_URL, "garbage"),
            (names::INSTANCE_URL, "garbage"),
            (names::TIMEOUT, "abc"),
            (names::CONNECT_TIMEOUT, "-1"),
            (names::USERNAME, " "),
        ] {
            let e = ConnectSettings::resolve(&flags, None, &env(&[(var, value)])).expect_err(var);
            assert_eq!(e.kind, ErrorKind::Input, "{e}");
            assert!(e.to_string().contains(var), "{e}");
        }
    }

    /// The advice names what set the version: the flag (or nothing, with no UCC)
    /// is `--api-version`, a UCC's ApiEndPoint unless the flag overrides it.
    #[test]
    fn the_advice_names_what_set_the_version() {
        let ucc = Ucc {
            name: "helpdesk".into(),
            file: "estate.yaml".into(),
            line: 1,
            rows: Vec::new(),
            attributes: Vec::new(),
            column_warnings: Vec::new(),
        };
        let none = ConnectArgs::default();
        let flag = ConnectArgs {
            api_version: Some("99".into()),
            ..ConnectArgs::default()
        };
        assert_eq!(api_version_from(&none, None), "--api-version");
        assert_eq!(api_version_from(&flag, Some(&ucc)), "--api-version");
        assert_eq!(api_version_from(&none, Some(&ucc)), "ApiEndPoint");
        let text = |from| version_hint(from, "62.0".into());
        assert!(
            text("--api-version").contains(
                "pass --api-version with a version the org offers, e.g. --api-version 62.0"
            )
        );
        assert!(
            text("ApiEndPoint")
                .contains("set ApiEndPoint to a version the org offers, e.g. services/data/v62.0/")
        );
        let e = name_version_source(
            CliError::remote("NOT_FOUND").with_hint(salesforce::advice::VERSION_NOT_FOUND),
            "--api-version",
        );
        assert!(e.hints[0].contains("--api-version 60.0"), "{:?}", e.hints);
    }
}
