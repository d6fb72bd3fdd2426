//! Reading the secrets of a new encrypted string (`encrypt`, `settings set`): the
//! password and security token, or one value, from stdin, the environment or hidden
//! prompts with confirmation, with warnings about whitespace and an empty token.

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::ctx::Ctx;
use crate::env::names;
use crate::error::CliError;
use crate::secret::{self, StdinLines};

const MAX_PROMPT_ROUNDS: usize = 3;

/// What was encrypted, for messages and JSON (never the value itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    PasswordAndToken,
    PasswordOnly,
    Value,
}

impl InputKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::PasswordAndToken => "password+token",
            InputKind::PasswordOnly => "password",
            InputKind::Value => "value",
        }
    }

    pub fn settings(self) -> &'static str {
        match self {
            InputKind::Value => "ClientId or ClientSecret",
            _ => "Password",
        }
    }
}

/// Nothing on stdin where a command reads its input there: local input (3) in every
/// command (`encrypt --stdin`, `decrypt --stdin`, `settings set --stdin`,
/// `validate-settings -`), and one message shape: `stdin is empty: expected WHAT`.
pub fn stdin_empty(what: &str) -> CliError {
    CliError::input(format!("stdin is empty: expected {what}"))
}

/// Collects the plaintext from stdin, the environment or the terminal, in that order.
pub fn gather(ctx: &Ctx, stdin: bool, kind: InputKind) -> Result<Zeroizing<String>, CliError> {
    if stdin {
        ctx.out.debug("secrets: from stdin");
        return from_stdin(ctx, kind);
    }
    if let Some(joined) = from_env(ctx, kind)? {
        return Ok(joined);
    }
    if ctx.interactive {
        ctx.out.debug("secrets: from hidden prompts");
        return from_prompts(ctx, kind);
    }
    let vars = match kind {
        InputKind::Value => names::VALUE.to_string(),
        InputKind::PasswordOnly => names::PASSWORD.to_string(),
        InputKind::PasswordAndToken => format!("{} and {}", names::PASSWORD, names::TOKEN),
    };
    Err(CliError::usage(format!(
        "cannot ask for the secret: {}; pass --stdin or set {vars}",
        ctx.no_prompt_because
    ))
    .with_hint("secrets are never taken as command-line arguments; see the command's --help"))
}

fn from_stdin(ctx: &Ctx, kind: InputKind) -> Result<Zeroizing<String>, CliError> {
    let mut lines = StdinLines::stdin();
    let what = if kind == InputKind::Value {
        "value"
    } else {
        "password"
    };
    let first = lines.next_secret(what)?.ok_or_else(|| {
        stdin_empty(&format!("the {what} on the first line"))
            .with_hint("pipe it in, or leave out --stdin to type it at a hidden prompt")
    })?;
    if kind != InputKind::PasswordAndToken {
        check_whitespace(ctx, what, &first);
        return Ok(Zeroizing::new(first.expose_secret().to_string()));
    }
    let token = lines.next_secret("security token")?.ok_or_else(|| {
        CliError::usage(
            "stdin ended after the password: expected the security token on the second line",
        )
        .with_hint("if your org needs no security token, pass --no-token")
    })?;
    join(ctx, &first, &token)
}

fn from_env(ctx: &Ctx, kind: InputKind) -> Result<Option<Zeroizing<String>>, CliError> {
    let env = &ctx.env;
    if kind == InputKind::Value {
        let Some(value) = secret::from_env(&env.value)? else {
            return Ok(None);
        };
        ctx.out.debug(&format!("secrets: from {}", names::VALUE));
        check_whitespace(ctx, "value", &value);
        return Ok(Some(Zeroizing::new(value.expose_secret().to_string())));
    }
    let Some(password) = secret::from_env(&env.password)? else {
        return Ok(None);
    };
    ctx.out.debug(&format!("secrets: from {}", names::PASSWORD));
    if kind == InputKind::PasswordOnly {
        if env.token.is_set() {
            ctx.out.warn(&format!(
                "{} is ignored because of --no-token",
                names::TOKEN
            ));
        }
        check_whitespace(ctx, "password", &password);
        return Ok(Some(Zeroizing::new(password.expose_secret().to_string())));
    }
    let token = secret::from_env(&env.token)?.ok_or_else(|| {
        CliError::usage(format!(
            "{} is set but {} is not",
            names::PASSWORD,
            names::TOKEN
        ))
        .with_hint("set the security token too, or pass --no-token if your org needs none")
    })?;
    join(ctx, &password, &token).map(Some)
}

fn from_prompts(ctx: &Ctx, kind: InputKind) -> Result<Zeroizing<String>, CliError> {
    for round in 1..=MAX_PROMPT_ROUNDS {
        if kind == InputKind::Value {
            let value = secret::prompt_hidden("Value to encrypt (ClientId or ClientSecret): ")?;
            let again = secret::prompt_hidden("Same value again, to confirm: ")?;
            if value.expose_secret() == again.expose_secret() {
                check_whitespace(ctx, "value", &value);
                return Ok(Zeroizing::new(value.expose_secret().to_string()));
            }
        } else {
            let password = secret::prompt_hidden("Salesforce password: ")?;
            // Said at once, not after the token and the confirmation were typed.
            if password.expose_secret().is_empty() {
                if round < MAX_PROMPT_ROUNDS {
                    ctx.out.warn("the password is empty; please type it");
                    continue;
                }
                return Err(CliError::usage(format!(
                    "the password was empty {MAX_PROMPT_ROUNDS} times; nothing was encrypted"
                )));
            }
            let token = if kind == InputKind::PasswordAndToken {
                Some(secret::prompt_hidden("Security token: ")?)
            } else {
                None
            };
            let again = secret::prompt_hidden("Salesforce password again, to confirm: ")?;
            if password.expose_secret() == again.expose_secret() {
                return match token {
                    Some(token) => join(ctx, &password, &token),
                    None => {
                        check_whitespace(ctx, "password", &password);
                        Ok(Zeroizing::new(password.expose_secret().to_string()))
                    }
                };
            }
        }
        if round < MAX_PROMPT_ROUNDS {
            ctx.out.warn("the two entries differ; please try again");
        }
    }
    Err(CliError::usage(format!(
        "the confirmation did not match {MAX_PROMPT_ROUNDS} times; nothing was encrypted"
    )))
}

/// Password immediately followed by the token, no separator, as the CRM Service
/// and Salesforce's username-password flow expect. An empty password is refused:
/// the string would hold the security token alone and every login would fail.
fn join(
    ctx: &Ctx,
    password: &SecretString,
    token: &SecretString,
) -> Result<Zeroizing<String>, CliError> {
    if password.expose_secret().is_empty() {
        return Err(CliError::usage(
            "the password is empty: the encrypted string would hold the security token alone",
        )
        .with_hint("give the password first, then the token (with --stdin: the password line, then the token line)"));
    }
    check_whitespace(ctx, "password", password);
    if token.expose_secret().is_empty() {
        ctx.out.warn(
            "the security token is empty: Salesforce will reject the login (invalid_grant) unless \
             the login comes from a trusted IP range; if that is intended, pass --no-token",
        );
    } else {
        check_whitespace(ctx, "security token", token);
    }
    let mut joined = Zeroizing::new(String::with_capacity(
        password.expose_secret().len() + token.expose_secret().len(),
    ));
    joined.push_str(password.expose_secret());
    joined.push_str(token.expose_secret());
    Ok(joined)
}

fn check_whitespace(ctx: &Ctx, what: &str, value: &SecretString) {
    if secret::has_outer_whitespace(value.expose_secret()) {
        ctx.out.warn(&format!(
            "the {what} starts or ends with whitespace, which will be encrypted as part of it; \
             check for a copy-paste slip"
        ));
    }
    if secret::has_control(value.expose_secret()) {
        ctx.out.warn(&format!(
            "the {what} holds a control character (a tab, an escape or another invisible \
             one), which will be encrypted as part of it; check for a copy-paste slip"
        ));
    }
}
