//! `crmctl keygen`: a new random key profile.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::crypto::cipher::IV_LEN;
use crate::crypto::profile::{self, render_raw};
use crate::ctx::Ctx;
use crate::error::CliError;
use crate::fsutil::{self, Overwrite};
use crate::output::{Printer, Report};

/// Create a new random key profile (AES key and IV), readable only by you
#[derive(Debug, Args)]
#[command(
    long_about = "Create a new random key profile (AES key and IV), readable only by you.\n\n\
The file is written atomically with mode 0600, to --out, else --key-file, else $CRMCTL_KEY_FILE, \
else <config dir>/crmctl/key.yaml; an existing file is never replaced without --force. \
A path you name must be in a folder that exists (only the default folder is created), and a \
profile is never written to stdout.\n\n\
Strings encrypted under a new key only work with a CRM Service configured with the same key. \
To make strings for an existing service, write its key and IV into a profile instead:\n\n  \
key: hex:<32, 48 or 64 hex digits>\n  iv: hex:<32 hex digits>\n\n\
or derive them from a passphrase (asked for, or read from CRMCTL_KEY_PASSPHRASE):\n\n  \
derive: { kdf: pbkdf2-sha1, iterations: 1000,\n            \
salt: hex:<at least 16 hex digits>, key_bytes: 32 }",
    after_long_help = "Examples:\n  crmctl keygen\n  crmctl keygen --out ./ci-key.yaml --bits 128"
)]
pub struct KeygenArgs {
    /// Where to write the profile
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Key size in bits
    #[arg(long, value_enum, default_value = "256")]
    pub bits: KeyBits,

    /// Replace an existing file
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyBits {
    #[value(name = "128")]
    Aes128,
    #[value(name = "192")]
    Aes192,
    #[value(name = "256")]
    Aes256,
}

impl KeyBits {
    pub fn bits(self) -> u16 {
        match self {
            KeyBits::Aes128 => 128,
            KeyBits::Aes192 => 192,
            KeyBits::Aes256 => 256,
        }
    }
}

/// A key profile goes to a file, never to stdout (`-` would be a file named `-`), and
/// a path the user named goes into a folder that exists: a typo in it is refused (3)
/// rather than made into a tree of folders. Only crmctl's own default location
/// (`<config dir>/crmctl/`, `named` empty) is created.
fn check_destination(path: &std::path::Path, named: &str) -> Result<(), CliError> {
    if path.as_os_str() == "-" {
        return Err(CliError::usage(format!(
            "a key profile is never written to stdout (`{named} -`): it holds the key"
        ))
        .with_hint("name the file to write, e.g. --out ./key.yaml"));
    }
    if named.is_empty() {
        return Ok(());
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = parent
        && !dir.is_dir()
    {
        return Err(CliError::input(format!(
            "cannot write {}: the folder {} does not exist; nothing was written",
            path.display(),
            dir.display()
        ))
        .with_hint(format!(
            "create the folder first, or check the path given to {named}"
        )));
    }
    Ok(())
}

pub struct KeygenReport {
    path: PathBuf,
    bits: u16,
    replaced: bool,
}

impl Report for KeygenReport {
    fn data(&self) -> serde_json::Value {
        json!({ "path": self.path.display().to_string(), "bits": self.bits, "replaced": self.replaced })
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        out.data(&format!("{}\n", self.path.display()))?;
        out.info(&format!(
            "Wrote a new AES-{}-CBC key profile (mode 0600). Strings encrypted with it only work with a CRM Service that uses the same key.",
            self.bits
        ));
        Ok(())
    }
}

pub fn run(ctx: &Ctx, args: &KeygenArgs) -> Result<Box<dyn Report>, CliError> {
    let (path, named) = match &args.out {
        Some(p) => (p.clone(), "--out"),
        None => {
            let (path, origin) = profile::locate(
                ctx.key_file.as_deref(),
                ctx.env.key_file.as_deref(),
                ctx.env.config_dir.as_deref(),
            )
            .map_err(CliError::from)?;
            let named = match origin {
                profile::ProfileOrigin::Flag => "--key-file",
                profile::ProfileOrigin::Env => crate::env::names::KEY_FILE,
                profile::ProfileOrigin::Default => "",
            };
            (path, named)
        }
    };
    check_destination(&path, named)?;
    // The default location is crmctl's own folder: created (private) on first use.
    if named.is_empty()
        && let Some(dir) = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
    {
        fsutil::create_private_dir(dir).map_err(|e| {
            CliError::input(format!("could not create the folder {}", dir.display())).with_cause(e)
        })?;
    }
    let mut material =
        zeroize::Zeroizing::new(vec![0u8; usize::from(args.bits.bits() / 8) + IV_LEN]);
    getrandom::fill(&mut material).map_err(|e| {
        CliError::internal("the system's random number generator failed").with_cause(e)
    })?;
    let (key, iv) = material.split_at(usize::from(args.bits.bits() / 8));
    let text = render_raw(key, iv);
    let replaced = path.exists();
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    fsutil::write_atomic(&path, text.as_bytes(), overwrite).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::input(format!("{} already exists; nothing was written", path.display()))
                .with_hint("pass --force to replace it (strings encrypted with the old key will no longer decrypt), or choose another --out")
        } else {
            CliError::input(format!("could not write {}", path.display())).with_cause(e)
        }
    })?;
    ctx.out
        .debug(&format!("wrote {} bytes to {}", text.len(), path.display()));
    Ok(Box::new(KeygenReport {
        path,
        bits: args.bits.bits(),
        replaced: replaced && args.force,
    }))
}
