//! The one reader of environment variables. Everything else gets an [`Env`], so
//! tests and library users can hand crmctl a controlled environment.

use std::ffi::OsString;
use std::path::PathBuf;

use secrecy::SecretString;

/// Names of the environment variables crmctl reads, for help text and error messages.
pub mod names {
    pub const KEY_FILE: &str = "CRMCTL_KEY_FILE";
    pub const KEY_PASSPHRASE: &str = "CRMCTL_KEY_PASSPHRASE";
    pub const PASSWORD: &str = "CRMCTL_PASSWORD";
    pub const TOKEN: &str = "CRMCTL_TOKEN";
    pub const VALUE: &str = "CRMCTL_VALUE";
    pub const CLIENT_ID: &str = "CRMCTL_CLIENT_ID";
    pub const CLIENT_SECRET: &str = "CRMCTL_CLIENT_SECRET";
    pub const USERNAME: &str = "CRMCTL_USERNAME";
    pub const LOGIN_URL: &str = "CRMCTL_LOGIN_URL";
    pub const INSTANCE_URL: &str = "CRMCTL_INSTANCE_URL";
    pub const CONNECT_TIMEOUT: &str = "CRMCTL_CONNECT_TIMEOUT";
    pub const TIMEOUT: &str = "CRMCTL_TIMEOUT";
    pub const CA_CERT: &str = "CRMCTL_CA_CERT";
    /// `--flow jwt`: the PEM private key that signs the assertion.
    pub const JWT_KEY_FILE: &str = "CRMCTL_JWT_KEY_FILE";
    pub const REGION: &str = "CRMCTL_REGION";
    pub const NO_COLOR: &str = "NO_COLOR";
    /// `rekey`: the passphrases of derived `--from` and `--to` profiles.
    pub const FROM_PASSPHRASE: &str = "CRMCTL_FROM_PASSPHRASE";
    pub const TO_PASSPHRASE: &str = "CRMCTL_TO_PASSPHRASE";
    /// The locale, in POSIX order of precedence; its territory is the default phone region.
    pub const LC_ALL: &str = "LC_ALL";
    pub const LC_MESSAGES: &str = "LC_MESSAGES";
    pub const LANG: &str = "LANG";
}

/// A secret taken from an environment variable. A value that is not valid UTF-8
/// is kept as an error naming the variable, reported only if a command needs it.
#[derive(Debug)]
pub enum EnvSecret {
    Unset,
    Set(SecretString),
    NotUtf8(&'static str),
}

impl EnvSecret {
    fn read(name: &'static str, get: &dyn Fn(&str) -> Option<OsString>) -> Self {
        match get(name) {
            None => EnvSecret::Unset,
            Some(raw) => match raw.into_string() {
                Ok(s) => EnvSecret::Set(SecretString::from(s)),
                Err(_) => EnvSecret::NotUtf8(name),
            },
        }
    }

    pub fn is_set(&self) -> bool {
        !matches!(self, EnvSecret::Unset)
    }
}

/// A snapshot of the environment variables crmctl cares about.
#[derive(Debug)]
pub struct Env {
    pub key_file: Option<PathBuf>,
    pub key_passphrase: EnvSecret,
    pub password: EnvSecret,
    pub token: EnvSecret,
    pub value: EnvSecret,
    pub client_id: EnvSecret,
    pub client_secret: EnvSecret,
    pub username: Option<String>,
    pub login_url: Option<String>,
    /// The org's URL, known before the token answers (see `--instance-url`).
    pub instance_url: Option<String>,
    /// Seconds, as typed; checked where used.
    pub connect_timeout: Option<String>,
    pub timeout: Option<String>,
    pub ca_cert: Option<PathBuf>,
    /// `--flow jwt`: the private key file (`--jwt-key-file`).
    pub jwt_key_file: Option<PathBuf>,
    /// Region for national phone numbers (`NL`, `US`, ...).
    pub region: Option<String>,
    /// The effective locale name (`nl_NL.UTF-8`): the first non-empty of `LC_ALL`,
    /// `LC_MESSAGES`, `LANG`. `screenpop::phone::Region::from_locale` reads its region.
    pub locale: Option<String>,
    /// `NO_COLOR` set to a non-empty value (https://no-color.org).
    pub no_color: bool,
    /// `TERM=dumb`: a terminal that can't show colour.
    pub dumb_terminal: bool,
    /// Where the default key profile lives (`<config dir>/crmctl`).
    pub config_dir: Option<PathBuf>,
    /// `rekey`: passphrases of the old (`--from`) and new (`--to`) derived profiles.
    pub from_passphrase: EnvSecret,
    pub to_passphrase: EnvSecret,
    /// crmctl's text variables whose value is not UTF-8 (refused by `run`, exit 3).
    pub not_utf8: Vec<&'static str>,
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, upper case first.
    pub proxy: crate::salesforce::proxy::ProxyVars,
}

impl Env {
    /// Reads the real process environment.
    pub fn from_process() -> Self {
        Self::from_lookup(&|name| std::env::var_os(name), dirs::config_dir())
    }

    /// Builds an environment from a lookup function (tests use a map).
    pub fn from_lookup(
        get: &dyn Fn(&str) -> Option<OsString>,
        config_dir: Option<PathBuf>,
    ) -> Self {
        let non_empty = |name: &str| get(name).filter(|v| !v.is_empty());
        let not_utf8 = [
            names::USERNAME,
            names::LOGIN_URL,
            names::INSTANCE_URL,
            names::CONNECT_TIMEOUT,
            names::TIMEOUT,
            names::REGION,
        ]
        .into_iter()
        .filter(|n| non_empty(n).is_some_and(|v| v.to_str().is_none()))
        .collect();
        Env {
            key_file: non_empty(names::KEY_FILE).map(PathBuf::from),
            key_passphrase: EnvSecret::read(names::KEY_PASSPHRASE, get),
            password: EnvSecret::read(names::PASSWORD, get),
            token: EnvSecret::read(names::TOKEN, get),
            value: EnvSecret::read(names::VALUE, get),
            client_id: EnvSecret::read(names::CLIENT_ID, get),
            client_secret: EnvSecret::read(names::CLIENT_SECRET, get),
            username: non_empty(names::USERNAME).and_then(|v| v.into_string().ok()),
            login_url: non_empty(names::LOGIN_URL).and_then(|v| v.into_string().ok()),
            instance_url: non_empty(names::INSTANCE_URL).and_then(|v| v.into_string().ok()),
            connect_timeout: non_empty(names::CONNECT_TIMEOUT).and_then(|v| v.into_string().ok()),
            timeout: non_empty(names::TIMEOUT).and_then(|v| v.into_string().ok()),
            ca_cert: non_empty(names::CA_CERT).map(PathBuf::from),
            jwt_key_file: non_empty(names::JWT_KEY_FILE).map(PathBuf::from),
            region: non_empty(names::REGION).and_then(|v| v.into_string().ok()),
            locale: [names::LC_ALL, names::LC_MESSAGES, names::LANG]
                .into_iter()
                .find_map(&non_empty)
                .and_then(|v| v.into_string().ok()),
            no_color: non_empty(names::NO_COLOR).is_some(),
            dumb_terminal: get("TERM").is_some_and(|t| t == "dumb"),
            config_dir: config_dir.map(|d| d.join("crmctl")),
            from_passphrase: EnvSecret::read(names::FROM_PASSPHRASE, get),
            to_passphrase: EnvSecret::read(names::TO_PASSPHRASE, get),
            not_utf8,
            proxy: proxy_vars(get),
        }
    }
}

/// The proxy variables as reqwest reads them: of each pair the upper-case name
/// first, the first one set (an empty value too) wins.
fn proxy_vars(get: &dyn Fn(&str) -> Option<OsString>) -> crate::salesforce::proxy::ProxyVars {
    let first = |names: [&'static str; 2]| {
        names
            .into_iter()
            .find_map(|n| get(n).map(|v| (n, v.to_string_lossy().into_owned())))
    };
    let [
        https,
        https_lower,
        http,
        http_lower,
        all,
        all_lower,
        no,
        no_lower,
    ] = crate::salesforce::proxy::VARIABLES;
    crate::salesforce::proxy::ProxyVars {
        https: first([https, https_lower]),
        http: first([http, http_lower]),
        all: first([all, all_lower]),
        no_proxy: first([no, no_lower]),
        cgi: get("REQUEST_METHOD").is_some(),
    }
}

#[cfg(test)]
mod locale_tests {
    use super::*;

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

    /// POSIX precedence: LC_ALL, then LC_MESSAGES, then LANG; an empty one does not count.
    #[test]
    fn locale_comes_from_the_first_non_empty_variable() {
        assert_eq!(env(&[]).locale, None);
        assert_eq!(
            env(&[("LANG", "nl_NL.UTF-8")]).locale.as_deref(),
            Some("nl_NL.UTF-8")
        );
        assert_eq!(
            env(&[("LANG", "nl_NL.UTF-8"), ("LC_MESSAGES", "de_DE")])
                .locale
                .as_deref(),
            Some("de_DE")
        );
        assert_eq!(
            env(&[("LANG", "nl_NL"), ("LC_MESSAGES", "de_DE"), ("LC_ALL", "C")])
                .locale
                .as_deref(),
            Some("C")
        );
        assert_eq!(
            env(&[("LANG", "nl_NL"), ("LC_ALL", "")]).locale.as_deref(),
            Some("nl_NL")
        );
        assert_eq!(
            env(&[("CRMCTL_REGION", "be")]).region.as_deref(),
            Some("be")
        );
    }
}
