//! `crmctl encrypt`: the successor of A365.PWTool.exe.

use clap::Args;
use serde_json::json;

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::Report;
use crate::secret_input::{self, InputKind};

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
    let plaintext = secret_input::gather(ctx, args.stdin, kind)?;
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
