//! `crmctl encrypt`: the successor of A365.PWTool.exe.

use clap::Args;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use zeroize::Zeroizing;

use crate::ctx::Ctx;
use crate::env::names;
use crate::error::CliError;
use crate::output::Report;
use crate::secret::{self, StdinLines};

const MAX_PROMPT_ROUNDS: usize = 3;

/// Encrypt a Salesforce password + security token, or one value, for the Plugin Settings
#[derive(Debug, Args)]
#[command(
    long_about = "Encrypt a Salesforce password + security token, or one value, for the Plugin Settings.\n\n\
On a terminal crmctl asks for the password and then the security token with hidden input, \
joins them with no space between (as the CRM Service expects), asks for the password again to \
confirm, and prints only the encrypted string on stdout. Paste it into the UCC's Password \
setting. Use --value for ClientId and ClientSecret.\n\n\
Without a terminal, give the secrets with --stdin (password line, then token line) or in \
CRMCTL_PASSWORD and CRMCTL_TOKEN (CRMCTL_VALUE with --value). Secrets are never accepted as \
arguments: they would show in `ps` and in shell history.",
    after_long_help = "Examples:\n  \
crmctl encrypt                                  # prompts for password and token\n  \
crmctl encrypt --value                          # prompts for a ClientId or ClientSecret\n  \
printf '%s\\n%s\\n' \"$PW\" \"$TOKEN\" | crmctl encrypt --stdin\n  \
CRMCTL_VALUE=\"$SECRET\" crmctl encrypt --value --json"
)]
pub struct EncryptArgs {
    /// Encrypt one value with no token (for ClientId and ClientSecret)
    #[arg(long)]
    pub value: bool,

    /// The org needs no security token (logins from trusted IP ranges)
    #[arg(long, conflicts_with = "value")]
    pub no_token: bool,

    /// Read the password line and then the token line (or the one value) from stdin
    #[arg(long)]
    pub stdin: bool,
}

/// What was encrypted, for messages and JSON (never the value itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InputKind {
    PasswordAndToken,
    PasswordOnly,
    Value,
}

impl InputKind {
    fn as_str(self) -> &'static str {
        match self {
            InputKind::PasswordAndToken => "password+token",
            InputKind::PasswordOnly => "password",
            InputKind::Value => "value",
        }
    }

    fn settings(self) -> &'static str {
        match self {
            InputKind::Value => "ClientId or ClientSecret",
            _ => "Password",
        }
    }
}

pub struct EncryptReport {
    encrypted: String,
    kind: InputKind,
    characters: usize,
    cipher: String,
    key_profile: String,
}

impl Report for EncryptReport {
    fn data(&self) -> serde_json::Value {
        json!({
            "encrypted": self.encrypted,
            "input": self.kind.as_str(),
            "characters": self.characters,
            "setting": self.kind.settings(),
            "cipher": self.cipher,
            "key_profile": self.key_profile,
        })
    }

    fn render(&self, out: &crate::output::Printer) -> std::io::Result<()> {
        out.value(&self.encrypted)?;
        out.info(&format!(
            "Encrypted {} ({}); paste the string into the UCC's {} setting.",
            crate::output::count(self.characters, "character"),
            self.kind.as_str(),
            self.kind.settings()
        ));
        Ok(())
    }
}

pub fn run(ctx: &Ctx, args: &EncryptArgs) -> Result<Box<dyn Report>, CliError> {
    if args.stdin && ctx.stdin_is_terminal {
        return Err(CliError::usage(
            "--stdin reads from a pipe or a file, and stdin is a terminal here (what you type would show)",
        )
        .with_hint("leave out --stdin to be asked with hidden input"));
    }
    // The encrypted string exists only on stdout: fail before anyone types a secret
    // if it would be lost (`crmctl encrypt >&-`).
    ctx.out.require_stdout().map_err(CliError::output)?;
    // Load the key first: a bad profile should fail before anyone types a secret.
    let (cipher, profile) = ctx.cipher_for_new_strings()?;
    let kind = if args.value {
        InputKind::Value
    } else if args.no_token {
        InputKind::PasswordOnly
    } else {
        InputKind::PasswordAndToken
    };
    let plaintext = gather(ctx, args, kind)?;
    if plaintext.is_empty() {
        return Err(CliError::usage("nothing to encrypt: the input is empty"));
    }
    let encrypted = cipher.encrypt_to_base64(&plaintext);
    ctx.out.debug(&format!(
        "encrypted {} bytes of UTF-8 into {} base64 characters",
        plaintext.len(),
        encrypted.len()
    ));
    Ok(Box::new(EncryptReport {
        encrypted,
        kind,
        characters: plaintext.chars().count(),
        cipher: format!("AES-{}-CBC", cipher.bits()),
        key_profile: profile.path.display().to_string(),
    }))
}

/// Collects the plaintext from stdin, the environment or the terminal, in that order.
fn gather(ctx: &Ctx, args: &EncryptArgs, kind: InputKind) -> Result<Zeroizing<String>, CliError> {
    if args.stdin {
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
    .with_hint("secrets are never taken as command-line arguments; see `crmctl encrypt --help`"))
}

fn from_stdin(ctx: &Ctx, kind: InputKind) -> Result<Zeroizing<String>, CliError> {
    let mut lines = StdinLines::stdin();
    let what = if kind == InputKind::Value {
        "value"
    } else {
        "password"
    };
    let first = lines.next_secret(what)?.ok_or_else(|| {
        CliError::usage(format!(
            "stdin is empty: expected the {what} on the first line"
        ))
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
