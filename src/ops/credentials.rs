//! The credentials of a login: the UCC's encrypted settings, else `--stdin`, the
//! environment and hidden prompts. Secrets are never taken from argv.

use secrecy::{ExposeSecret, SecretString};

use super::connect::ConnectSettings;
use crate::args::{ConnectArgs, FlowArg};
use crate::ctx::Ctx;
use crate::env::{EnvSecret, names};
use crate::error::CliError;
use crate::salesforce::{self, Credentials, Flow};
use crate::secret::{self, StdinLines};
use crate::settings::Ucc;

impl ConnectSettings {
    fn credentials_from_settings(
        &self,
        args: &ConnectArgs,
        ctx: &Ctx,
        ucc: &Ucc,
    ) -> Result<Credentials, CliError> {
        let flow = self.flow;
        let key = jwt_key(args, ctx)?;
        let (cipher, _) = ctx.cipher()?;
        let mut creds = ucc_credentials(
            ucc,
            &cipher,
            flow,
            args.username.clone(),
            ctx.env.username.as_deref(),
            &self.login_url,
        )?;
        if let Some(id) = &args.client_id {
            creds.client_id = SecretString::from(id.clone());
        }
        creds.jwt_key = key;
        Ok(creds)
    }

    /// Gathers the credentials: the UCC's settings when given; otherwise stdin,
    /// environment, then hidden prompts.
    pub fn credentials(
        &self,
        args: &ConnectArgs,
        ctx: &Ctx,
        ucc: Option<&Ucc>,
    ) -> Result<Credentials, CliError> {
        if let Some(u) = ucc {
            return self.credentials_from_settings(args, ctx, u);
        }
        if args.stdin && ctx.stdin_is_terminal {
            return Err(CliError::usage(
                "--stdin reads from a pipe or a file, and stdin is a terminal here",
            )
            .with_hint("leave out --stdin to be asked with hidden input"));
        }
        let flow = self.flow;
        let jwt_key = jwt_key(args, ctx)?;
        let token_url = self.token_url();
        let mut lines = args.stdin.then(StdinLines::stdin);
        // Nothing at all on stdin is the empty-stdin error of every command (3); a
        // stdin that ends after some lines is a usage error (2), as before.
        let mut first_line = true;
        let mut take = |label: &str,
                        env: &EnvSecret,
                        env_name: &str,
                        required: bool|
         -> Result<SecretString, CliError> {
            if let Some(l) = lines.as_mut() {
                let first = std::mem::replace(&mut first_line, false);
                return match l.next_secret(label)? {
                    Some(s) => Ok(s),
                    None if !required => Ok(SecretString::from(String::new())),
                    None if first => Err(crate::secret_input::stdin_empty(&format!(
                        "the {label} on the first line"
                    ))),
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
            let username = username(args, env, "for --flow jwt: it is the assertion's subject")?;
            let client_id = match &args.client_id {
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
            let username = username(args, env, "for the password flow")?;
            let password = take("Salesforce password", &env.password, names::PASSWORD, true)?;
            // Sent empty, the login would carry the token alone: refused first, as
            // `encrypt` refuses it (repeated failed logins can lock the user out).
            if password.expose_secret().is_empty() {
                return Err(if args.stdin {
                    CliError::usage("the password line on stdin is empty")
                        .with_hint("give the password line, then the token line")
                } else if matches!(env.password, EnvSecret::Set(_)) {
                    CliError::input(format!("{} is empty", names::PASSWORD))
                        .with_hint("set it to the Salesforce password, or unset it to be asked")
                } else {
                    CliError::usage("the password is empty")
                });
            }
            // --no-token sends the password alone, whatever the environment holds.
            let token = if args.no_token {
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

/// Credentials from a UCC's settings: the encrypted values decrypted with the key
/// profile (the Password setting already holds password + token). The user is
/// `username` (the flag), else the UCC's Username, else `env_username`
/// (`CRMCTL_USERNAME`).
pub fn ucc_credentials(
    ucc: &Ucc,
    cipher: &crate::crypto::Cipher,
    flow: Flow,
    username: Option<String>,
    env_username: Option<&str>,
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
    // Client credentials log in as the Connected App's run-as user: the UCC's
    // Username is not sent, and not who the session belongs to.
    // Flag, then the UCC's Username, then CRMCTL_USERNAME (as LoginEndPoint falls
    // back to CRMCTL_LOGIN_URL).
    let username = match flow {
        Flow::ClientCredentials => String::new(),
        _ => username
            .or_else(|| {
                ucc.value("Username")
                    .filter(|v| !v.trim().is_empty())
                    .map(str::to_string)
            })
            .or_else(|| env_username.map(str::to_string))
            .unwrap_or_default(),
    };
    if matches!(flow, Flow::Password | Flow::Jwt) && username.trim().is_empty() {
        return Err(CliError::input(format!(
            "UCC `{}` in {} has no Username value",
            ucc.name,
            ucc.file.display()
        ))
        .with_hint(format!(
            "set Username in the UCC, pass --username, or set {}",
            names::USERNAME
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

/// The `--flow jwt` key: `--jwt-key-file`, else `CRMCTL_JWT_KEY_FILE`, read and
/// checked before any traffic. `None` for the other flows when no key is named;
/// `--flow jwt` without one is a usage error. A file others can read is warned
/// about, as a key profile is.
pub fn jwt_key(
    args: &ConnectArgs,
    ctx: &Ctx,
) -> Result<Option<std::sync::Arc<salesforce::jwt::JwtKey>>, CliError> {
    if args.flow != FlowArg::Jwt && args.client_id.is_some() {
        return Err(CliError::usage(
            "--client-id is for --flow jwt; the other flows take the client id as a secret",
        )
        .with_hint(format!(
            "use --stdin, {} or the prompt, or the settings file's ClientId",
            names::CLIENT_ID
        )));
    }
    let Some(path) = args
        .jwt_key_file
        .clone()
        .or_else(|| ctx.env.jwt_key_file.clone())
    else {
        if args.flow == FlowArg::Jwt {
            return Err(CliError::usage(format!(
                "--flow jwt needs the private key: pass --jwt-key-file FILE or set {}",
                names::JWT_KEY_FILE
            )));
        }
        return Ok(None);
    };
    ctx.jwt_key(&path).map(|k| Some(std::sync::Arc::new(k)))
}

/// The user a flow logs in as: `--username`, else `CRMCTL_USERNAME` (a blank
/// variable was already refused by `check_env` in [`ConnectSettings::resolve`]).
fn username(args: &ConnectArgs, env: &crate::env::Env, why: &str) -> Result<String, CliError> {
    args.username
        .clone()
        .or_else(|| env.username.clone())
        .ok_or_else(|| {
            CliError::usage(format!(
                "--username is required {why} (or set {})",
                names::USERNAME
            ))
        })
}
