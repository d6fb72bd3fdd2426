//! The connection's `CRMCTL_*` variables checked whether or not they are used:
//! one rule for every command that connects (README, "A flag and its variable
//! are checked by the same rule").

use super::connect::seconds;
use crate::env::{Env, names};
use crate::error::CliError;
use crate::salesforce::{self, Client};

/// Every `CRMCTL_*` variable of the connection that holds a malformed value, checked
/// whether or not a flag or a setting overrides it and whether or not the flow
/// uses it: a configuration error (3) naming the variable. The CA file and the
/// JWT key file are read (and must be PEM) as when they are used.
pub fn check_env(env: &Env) -> Result<(), CliError> {
    if env.username.as_deref().is_some_and(|u| u.trim().is_empty()) {
        return Err(CliError::input(format!("{} is blank", names::USERNAME))
            .with_hint("set it to the integration user's username, or unset it"));
    }
    if let Some(u) = &env.login_url {
        Client::check_url(u.trim())
            .and_then(|_| Client::check_url(&salesforce::token_url(u)))
            .map_err(|e| {
                CliError::input(crate::detail![
                    format!("{} is not usable: ", names::LOGIN_URL),
                    e.describe()
                ])
                .with_hint("set it to an https URL such as https://login.salesforce.com or https://<MyDomain>.my.salesforce.com, or unset it")
            })?;
    }
    instance_url(env)?;
    seconds(
        (None, ""),
        (env.connect_timeout.as_deref(), names::CONNECT_TIMEOUT),
        10,
    )?;
    seconds((None, ""), (env.timeout.as_deref(), names::TIMEOUT), 30)?;
    if let Some(path) = &env.ca_cert {
        salesforce::http::ca_bundle(path, names::CA_CERT).map_err(|e| {
            CliError::input(e.to_string()).with_hint(format!(
                "point {} at the PEM file of the CA, or unset it",
                names::CA_CERT
            ))
        })?;
    }
    // Read by every flow: doctor's readiness step checks JWT with it, and a key
    // that cannot sign is refused whether or not this login or a flag uses it.
    if let Some(path) = &env.jwt_key_file {
        let bytes = zeroize::Zeroizing::new(std::fs::read(path).map_err(|e| {
            CliError::input(format!(
                "cannot read {} {}",
                names::JWT_KEY_FILE,
                path.display()
            ))
            .with_cause(e)
            .with_hint(format!(
                "point {} at the PEM private key, or unset it",
                names::JWT_KEY_FILE
            ))
        })?);
        salesforce::jwt::JwtKey::from_pem(&bytes).map_err(|e| {
            CliError::input(format!(
                "{} {} cannot sign: {e}",
                names::JWT_KEY_FILE,
                path.display()
            ))
            .with_hint(format!(
                "point {} at the PEM RSA private key of the Connected App, or unset it",
                names::JWT_KEY_FILE
            ))
        })?;
    }
    Ok(())
}

/// `CRMCTL_INSTANCE_URL`, checked (exit 3 naming it when unusable), if set.
pub fn instance_url(env: &Env) -> Result<Option<&str>, CliError> {
    let Some(u) = &env.instance_url else {
        return Ok(None);
    };
    Client::check_url(u.trim()).map_err(|e| {
        CliError::input(crate::detail![
            format!("{} is not usable: ", names::INSTANCE_URL),
            e.describe()
        ])
        .with_hint(
            "set it to the org's URL, e.g. https://<MyDomain>.my.salesforce.com, or unset it",
        )
    })?;
    Ok(Some(u.trim()))
}
