//! `crmctl decrypt`: does an encrypted string decrypt under this key profile?

use clap::Args;
use secrecy::ExposeSecret;
use serde_json::json;

use crate::crypto::DecryptError;
use crate::ctx::Ctx;
use crate::error::{CliError, EXIT_NO};
use crate::output::{Printer, Report};
use crate::secret;

/// Check that an encrypted string decrypts under the key profile (shows only its length)
#[derive(Debug, Args)]
#[command(
    long_about = "Check that an encrypted string decrypts under the key profile.\n\n\
By default (--check) crmctl says whether the string decrypts and how many characters it holds, \
without showing it. --reveal prints the decrypted secret on stdout; use it only when you must. \
Exit code 1 when the string does not decrypt.",
    after_long_help = "Examples:\n  \
crmctl decrypt 'l9aoOq9nQWmI2+tQ8gO083ypOpjL/5nwVY+aZ61YoS4='\n  \
pbpaste | crmctl decrypt --stdin --json"
)]
pub struct DecryptArgs {
    /// The encrypted string, as in the Plugin Settings list
    #[arg(
        value_name = "ENCRYPTED",
        required_unless_present = "stdin",
        conflicts_with = "stdin"
    )]
    pub encrypted: Option<String>,

    /// Read the encrypted string from stdin
    #[arg(long)]
    pub stdin: bool,

    /// Only say whether it decrypts and how many characters it holds (the default)
    #[arg(long, conflicts_with = "reveal")]
    pub check: bool,

    /// Print the decrypted secret on stdout
    #[arg(long)]
    pub reveal: bool,
}

pub struct DecryptReport {
    outcome: Result<Outcome, DecryptError>,
    cipher: String,
    key_profile: String,
}

struct Outcome {
    characters: usize,
    outer_whitespace: bool,
    /// Present only with `--reveal`.
    revealed: Option<secrecy::SecretString>,
}

impl Report for DecryptReport {
    fn data(&self) -> serde_json::Value {
        // `--reveal` is refused under `--json`, so the plaintext never gets here.
        let (decrypts, characters, ws, reason) = match &self.outcome {
            Ok(o) => (true, Some(o.characters), Some(o.outer_whitespace), None),
            Err(e) => (false, None, None, Some(e.to_string())),
        };
        json!({
            "decrypts": decrypts,
            "characters": characters,
            "outer_whitespace": ws,
            "reason": reason,
            "reason_code": self.outcome.as_ref().err().map(reason_code),
            "cipher": self.cipher,
            "key_profile": self.key_profile,
        })
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        let s = out.stdout_style();
        match &self.outcome {
            Ok(Outcome {
                revealed: Some(secret),
                ..
            }) => out.value(secret.expose_secret()),
            Ok(o) => out.data(&format!(
                "{} decrypts under {} ({}): {}\n",
                s.ok("ok:"),
                self.key_profile,
                self.cipher,
                crate::output::count(o.characters, "character")
            )),
            Err(e) => {
                out.data(&format!("{} {e}\n", s.error("no:")))?;
                out.hint(advice(e));
                Ok(())
            }
        }
    }

    fn exit_code(&self) -> u8 {
        if self.outcome.is_ok() { 0 } else { EXIT_NO }
    }
}

fn reason_code(e: &DecryptError) -> &'static str {
    match e {
        DecryptError::Empty => "empty",
        DecryptError::NotBase64 { .. } => "not_base64",
        DecryptError::NotWholeBlocks { .. } => "not_whole_blocks",
        DecryptError::BadPadding => "bad_padding",
        DecryptError::NotUtf8 => "not_utf8",
    }
}

fn advice(e: &DecryptError) -> &'static str {
    match e {
        DecryptError::Empty => "copy the whole value of the setting",
        DecryptError::NotBase64 { .. } | DecryptError::NotWholeBlocks { .. } => {
            "the value may be cut off or plain text; copy it again, or make a new one with `crmctl encrypt`"
        }
        DecryptError::BadPadding | DecryptError::NotUtf8 => {
            "it was made with another key or IV: check that --key-file points to the CRM Service's key profile"
        }
    }
}

pub fn run(ctx: &Ctx, args: &DecryptArgs) -> Result<Box<dyn Report>, CliError> {
    if args.reveal && ctx.out.is_json() {
        return Err(CliError::usage(
            "--reveal cannot be combined with --json: secrets never go into JSON output",
        )
        .with_hint("use --check --json to test the string, or --reveal alone to see it"));
    }
    if args.reveal {
        ctx.out.require_stdout().map_err(CliError::output)?;
    }
    let encrypted = match &args.encrypted {
        Some(s) => s.clone(),
        None => read_stdin()?,
    };
    let (cipher, profile) = ctx.cipher()?;
    let outcome = cipher.decrypt_base64(&encrypted).map(|plain| {
        let text = plain.expose_secret();
        Outcome {
            characters: text.chars().count(),
            outer_whitespace: secret::has_outer_whitespace(text),
            revealed: args.reveal.then(|| plain.clone()),
        }
    });
    if let Ok(o) = &outcome {
        if o.outer_whitespace {
            ctx.out.warn("the decrypted value starts or ends with whitespace; Salesforce will treat it as part of the secret");
        }
        if o.revealed.is_some() {
            ctx.out
                .debug("revealing the decrypted value on stdout, as asked");
        }
    }
    Ok(Box::new(DecryptReport {
        outcome,
        cipher: format!("AES-{}-CBC", cipher.bits()),
        key_profile: profile.path.display().to_string(),
    }))
}

/// The encrypted string from stdin, as a clipboard or a Windows tool gives it
/// (BOM, UTF-16, CRLF: see `fsutil::decode_text`).
fn read_stdin() -> Result<String, CliError> {
    let mut bytes = Vec::new();
    crate::fsutil::read_capped(std::io::stdin(), crate::secret::MAX_STDIN, &mut bytes).map_err(
        |e| {
            CliError::input("could not read the encrypted string from stdin")
                .with_cause(crate::secret::stdin_error(&e))
        },
    )?;
    let text = crate::fsutil::decode_text(&bytes).map_err(|e| {
        CliError::input("could not read the encrypted string from stdin").with_cause(e)
    })?;
    let text = text.trim();
    if text.is_empty() {
        // Nothing was piped in: local input (3), as for every command that reads stdin,
        // not a string that "does not decrypt" (1).
        return Err(
            crate::secret_input::stdin_empty("the encrypted string on the first line")
                .with_hint("pipe the string in, or give it as the argument"),
        );
    }
    Ok(text.to_string())
}
