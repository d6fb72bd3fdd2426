//! The OAuth token request exactly as the CRM Service sends it, and the session it gives.

use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::error::{NetKind, SfError};
use super::http::{self, Client, TOKEN_BODY_CAP};
use crate::output::OrgText;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Password,
    ClientCredentials,
    /// JWT bearer: an RS256 assertion signed with [`Credentials::jwt_key`].
    Jwt,
}

impl Flow {
    /// The name `--flow` and `--json` use.
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Password => "password",
            Flow::ClientCredentials => "client-credentials",
            Flow::Jwt => "jwt",
        }
    }
}

/// What a login needs. Secrets stay wrapped until the form is built.
pub struct Credentials {
    pub token_url: String,
    pub flow: Flow,
    pub username: String,
    pub password: SecretString,
    pub security_token: SecretString,
    /// The token is already inside `password` (a decrypted Password setting), so an
    /// empty `security_token` says nothing about whether one was sent.
    pub token_in_password: bool,
    pub client_id: SecretString,
    pub client_secret: SecretString,
    /// The key that signs the JWT bearer assertion (`Flow::Jwt` only).
    pub jwt_key: Option<std::sync::Arc<super::jwt::JwtKey>>,
}

/// A logged-in session. The access token never leaves this struct except in the
/// Authorization header.
pub struct Session {
    pub access_token: SecretString,
    /// Checked: http or https, and https when the login was.
    pub instance_url: String,
    pub identity_url: OrgText,
    pub org_id: OrgText,
    pub user_id: OrgText,
    pub issued_at: OrgText,
    pub elapsed: Duration,
    /// Token requests sent (2 when the first was retried).
    pub attempts: u32,
}

/// `https://host` or `https://host/services/oauth2/token` -> the token URL.
pub fn token_url(login: &str) -> String {
    let t = login.trim().trim_end_matches('/');
    if t.ends_with("/services/oauth2/token") {
        t.to_string()
    } else {
        format!("{t}/services/oauth2/token")
    }
}

/// The token endpoint's answer (salesforce-api.md, OAuth).
#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    instance_url: Option<OrgText>,
    #[serde(default)]
    id: Option<OrgText>,
    #[serde(default)]
    issued_at: Option<OrgText>,
}

#[derive(Deserialize)]
struct OAuthErrorAnswer {
    error: OrgText,
    #[serde(default)]
    error_description: Option<OrgText>,
}

/// `application/x-www-form-urlencoded`: everything but unreserved characters escaped.
pub(crate) const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl Client {
    /// Posts the OAuth form exactly as the CRM Service does and returns the session.
    /// Retried once on a 503 or a connection dropped before the answer; never
    /// redirected; the answer is capped at 64 KiB.
    pub fn login(&self, creds: &Credentials) -> Result<Session, SfError> {
        let url = Client::check_url(&creds.token_url)?;
        let form = form(creds)?;
        let start = Instant::now();
        let deadline = self.deadline();
        let mut attempts = 0;
        let answer = loop {
            attempts += 1;
            self.trace(&format!(
                "POST {} (form: {}; values redacted){}",
                creds.token_url,
                match creds.flow {
                    Flow::Password => "grant_type, client_id, client_secret, username, password",
                    Flow::ClientCredentials => "grant_type, client_id, client_secret",
                    Flow::Jwt => "grant_type, assertion (RS256, iss, sub, aud, exp)",
                },
                self.via(&url)
            ));
            let result = self.execute(&url, deadline, TOKEN_BODY_CAP, |c| {
                c.post(url.clone())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .body(form.as_bytes().to_vec())
            });
            let again = attempts == 1
                && match &result {
                    Ok(a) => a.status == 503,
                    Err(SfError::Network { kind, .. }) => *kind == NetKind::Dropped,
                    Err(_) => false,
                };
            if again {
                let wait = result
                    .as_ref()
                    .ok()
                    .and_then(|a| a.retry_after)
                    .unwrap_or_else(|| http::backoff(1));
                if std::time::Instant::now() + wait < deadline {
                    self.trace(&format!(
                        "retrying the token request once in {} ms",
                        wait.as_millis()
                    ));
                    std::thread::sleep(wait);
                    continue;
                }
            }
            break result?;
        };
        let status = answer.status;
        let elapsed = start.elapsed();
        self.trace(&format!(
            "<- {status} from the token endpoint ({} ms)",
            elapsed.as_millis()
        ));
        if status != 200 {
            if let Ok(e) = serde_json::from_slice::<OAuthErrorAnswer>(&answer.body) {
                return Err(SfError::OAuth {
                    status,
                    error: e.error,
                    description: e.error_description.unwrap_or_default(),
                });
            }
            return Err(
                http::api_error(status, &answer.body).unwrap_or(SfError::Protocol {
                    status,
                    detail: http::describe_body(&answer.body),
                }),
            );
        }
        let v: TokenAnswer =
            serde_json::from_slice(&answer.body).map_err(|_| SfError::Protocol {
                status,
                detail: http::describe_body(&answer.body),
            })?;
        let token = v
            .access_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| SfError::Protocol {
                status,
                detail: "the token response has no access_token".into(),
            })?;
        let instance = v.instance_url.unwrap_or_default();
        // The org's own URL, where the session's calls go.
        let instance_url = instance.for_org_request().trim_end_matches('/').to_string();
        let parsed = Client::check_url(&instance_url)?;
        // An https login that hands out a plain-http instance would send the
        // bearer token in the clear: refuse before anything is sent there.
        if url.scheme() == "https" && parsed.scheme() != "https" {
            return Err(SfError::Refused {
                url: instance,
                reason: "the login was over https, and this instance_url is plain http; the access token would travel unencrypted",
            });
        }
        let identity_url = v.id.unwrap_or_default();
        let part =
            |n: usize| identity_url.derive(|u| u.rsplit('/').nth(n).unwrap_or("").to_string());
        let (user_id, org_id) = (part(0), part(1));
        Ok(Session {
            access_token: SecretString::from(token),
            instance_url,
            identity_url,
            org_id,
            user_id,
            issued_at: v.issued_at.unwrap_or_default(),
            elapsed,
            attempts,
        })
    }
}

fn form(creds: &Credentials) -> Result<Zeroizing<String>, SfError> {
    let mut form = Zeroizing::new(String::new());
    let mut add = |k: &str, v: &str| {
        if !form.is_empty() {
            form.push('&');
        }
        form.push_str(k);
        form.push('=');
        form.push_str(&percent_encoding::utf8_percent_encode(v, FORM).to_string());
    };
    match creds.flow {
        Flow::Password => {
            let password = Zeroizing::new(format!(
                "{}{}",
                creds.password.expose_secret(),
                creds.security_token.expose_secret()
            ));
            add("grant_type", "password");
            add("client_id", creds.client_id.expose_secret());
            add("client_secret", creds.client_secret.expose_secret());
            add("username", &creds.username);
            add("password", &password);
        }
        Flow::ClientCredentials => {
            add("grant_type", "client_credentials");
            add("client_id", creds.client_id.expose_secret());
            add("client_secret", creds.client_secret.expose_secret());
        }
        Flow::Jwt => {
            let key = creds
                .jwt_key
                .as_ref()
                .ok_or_else(|| SfError::Setup("no key to sign the JWT assertion".into()))?;
            let assertion = key
                .assertion(
                    creds.client_id.expose_secret(),
                    &creds.username,
                    &super::jwt::audience(&creds.token_url),
                    super::jwt::now_secs(),
                )
                .map_err(|_| SfError::Setup("the JWT assertion could not be signed".into()))?;
            add("grant_type", super::jwt::GRANT_TYPE);
            add("assertion", assertion.expose_secret());
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_urls_are_normalised() {
        assert_eq!(
            token_url("https://login.salesforce.com"),
            "https://login.salesforce.com/services/oauth2/token"
        );
        assert_eq!(
            token_url("https://x.my.salesforce.com/services/oauth2/token/"),
            "https://x.my.salesforce.com/services/oauth2/token"
        );
    }
}
