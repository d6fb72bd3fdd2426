//! Everything a command may touch, resolved once per run.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::cli::{ColorChoice, GlobalArgs};
use crate::crypto::Cipher;
use crate::crypto::profile::{self, KeyProfile, ProfileError};
use crate::env::{Env, EnvSecret, names};
use crate::error::CliError;
use crate::output::{OutputMode, Printer};
use crate::{fsutil, secret};

pub struct Ctx {
    pub env: Env,
    pub out: Printer,
    /// Prompts are allowed: stdin and stderr are terminals, no `--json`, no `--no-input`.
    pub interactive: bool,
    /// Why prompts are not allowed, for messages ("--no-input is set", ...).
    pub no_prompt_because: &'static str,
    pub stdin_is_terminal: bool,
    pub stderr_is_terminal: bool,
    pub key_file: Option<PathBuf>,
}

impl Ctx {
    /// Before a command rewrites settings files: a rewrite that was killed half-way
    /// (its journal lies beside the files) is completed or rolled back first, stale
    /// temporary files are removed, and each is said in a warning.
    pub fn finish_interrupted_rewrites(&self, files: &[PathBuf]) -> Result<(), CliError> {
        for done in crate::settings::rewrite::commit::recover(files)? {
            self.out.warn(&done.to_string());
        }
        Ok(())
    }

    pub fn new(global: &GlobalArgs, env: Env) -> Self {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let stdin_tty = std::io::stdin().is_terminal();
        let color = |is_tty: bool| match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_tty && !env.no_color && !env.dumb_terminal,
        };
        let mode = OutputMode {
            json: global.json,
            quiet: global.quiet,
            verbose: global.verbose,
            // JSON on stdout is never coloured.
            color_stdout: color(stdout_tty) && !global.json,
            color_stderr: color(stderr_tty),
            stdout_is_terminal: stdout_tty,
        };
        Ctx {
            interactive: stdin_tty && stderr_tty && !global.json && !global.no_input,
            no_prompt_because: if global.no_input {
                "--no-input forbids asking"
            } else if global.json {
                "--json runs never ask"
            } else {
                "there is no terminal to ask on"
            },
            stdin_is_terminal: stdin_tty,
            stderr_is_terminal: stderr_tty,
            key_file: global.key_file.clone(),
            out: Printer::new(mode),
            env,
        }
    }

    /// Finds and reads the key profile (`--key-file`, `CRMCTL_KEY_FILE`, default
    /// location), warns if others can read it, and builds the cipher, asking for the
    /// passphrase of a derived profile when it is not in `CRMCTL_KEY_PASSPHRASE`.
    pub fn cipher(&self) -> Result<(Cipher, KeyProfile), CliError> {
        self.cipher_asking(false)
    }

    /// As [`Ctx::cipher`], for commands that make new encrypted strings (`encrypt`,
    /// `settings init`): a passphrase typed on a terminal is asked twice, since a typo
    /// would make strings no CRM Service can decrypt.
    pub fn cipher_for_new_strings(&self) -> Result<(Cipher, KeyProfile), CliError> {
        self.cipher_asking(true)
    }

    /// The key profile if one is configured (`--key-file`, `CRMCTL_KEY_FILE`, or a file
    /// at the default location); none at all is fine for commands that only check.
    pub fn configured_cipher(&self) -> Result<Option<Cipher>, CliError> {
        let explicit = self.key_file.is_some() || self.env.key_file.is_some();
        let default_exists = self
            .env
            .config_dir
            .as_ref()
            .is_some_and(|d| d.join(profile::DEFAULT_FILE_NAME).exists());
        if !explicit && !default_exists {
            return Ok(None);
        }
        self.cipher().map(|(c, _)| Some(c))
    }

    fn cipher_asking(&self, confirm: bool) -> Result<(Cipher, KeyProfile), CliError> {
        let (path, origin) = profile::locate(
            self.key_file.as_deref(),
            self.env.key_file.as_deref(),
            self.env.config_dir.as_deref(),
        )
        .map_err(CliError::from)?;
        let profile = KeyProfile::load(&path, origin).map_err(CliError::from)?;
        let cipher = self.unlock(
            &path,
            &profile,
            None,
            &self.env.key_passphrase,
            names::KEY_PASSPHRASE,
            &|| secret::prompt_passphrase(confirm, &|m| self.out.warn(m)),
        )?;
        Ok((cipher, profile))
    }

    /// A loaded key profile to its cipher: warns when others can read the file, then
    /// takes the passphrase of a derived profile from `env`, else `ask` on a terminal.
    /// `flag` names which profile the messages are about when a command has two
    /// (`rekey --from` / `--to`).
    pub fn unlock(
        &self,
        path: &Path,
        profile: &KeyProfile,
        flag: Option<&str>,
        env: &EnvSecret,
        env_name: &str,
        ask: &dyn Fn() -> Result<SecretString, CliError>,
    ) -> Result<Cipher, CliError> {
        if let Some(mode) = fsutil::readable_by_others(path) {
            self.out.warn(&format!(
                "key profile {} can be read by other users (mode {mode:04o}); run `chmod 600 {}`",
                path.display(),
                path.display()
            ));
        }
        let (lead, which) = match flag {
            Some(f) => (format!("{f} "), format!(" ({f})")),
            None => (String::new(), String::new()),
        };
        self.out.debug(&format!(
            "{lead}key profile: {} ({})",
            path.display(),
            profile.describe()
        ));
        let passphrase = if profile.needs_passphrase() {
            match secret::from_env(env)? {
                Some(p) => {
                    self.out
                        .debug(&format!("{lead}passphrase: from {env_name}"));
                    Some(p)
                }
                None if self.interactive => Some(ask()?),
                None => {
                    return Err(CliError::usage(format!(
                        "key profile {}{which} needs a passphrase, and {}",
                        path.display(),
                        self.no_prompt_because
                    ))
                    .with_hint(format!("set {env_name} in the environment")));
                }
            }
        } else {
            None
        };
        profile.cipher(passphrase.as_ref()).map_err(|e| match e {
            // The variable this profile's passphrase comes from, not always the key's.
            ProfileError::NeedsPassphrase { .. } => CliError::input(e.to_string())
                .with_hint(format!("set {env_name} or run on a terminal")),
            e => CliError::from(e),
        })
    }
}

impl Ctx {
    /// Reads and parses a `--flow jwt` key file, warning when others can read it (as
    /// [`Ctx::unlock`] does for a key profile): exit 3 naming the file when it cannot
    /// be read or is not an unencrypted RSA private key. The key's bytes never reach a
    /// message.
    pub fn jwt_key(&self, path: &Path) -> Result<crate::salesforce::jwt::JwtKey, CliError> {
        let bytes = zeroize::Zeroizing::new(std::fs::read(path).map_err(|e| {
            CliError::input(format!("cannot read the JWT key file {}", path.display()))
                .with_cause(e)
                .with_hint("check --jwt-key-file or CRMCTL_JWT_KEY_FILE")
        })?);
        if let Some(mode) = crate::fsutil::readable_by_others(path) {
            self.out.warn(&format!(
                "JWT key file {} can be read by other users (mode {mode:04o}); run `chmod 600 {}`",
                path.display(),
                path.display()
            ));
        }
        self.out.debug(&format!(
            "JWT key file: {} (contents not shown)",
            path.display()
        ));
        crate::salesforce::jwt::JwtKey::from_pem(&bytes).map_err(|e| {
            let hint = match e {
                crate::salesforce::jwt::KeyError::Encrypted => {
                    "remove the passphrase into a file only you can read: `openssl pkey -in KEY -out server.key`"
                }
                _ => {
                    "give the PEM RSA private key whose certificate is uploaded to the Connected App (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY), e.g. made with `openssl req -x509 -newkey rsa:2048 -nodes -keyout server.key -out server.crt`"
                }
            };
            CliError::input(format!("the JWT key file {} cannot sign: {e}", path.display()))
                .with_hint(hint)
        })
    }

    /// The one way a command builds its Salesforce client: these settings, and the
    /// `-v` trace.
    pub fn client(
        &self,
        http: &crate::salesforce::HttpSettings,
    ) -> Result<crate::salesforce::Client, CliError> {
        crate::salesforce::Client::new(http, self.http_trace()).map_err(CliError::from)
    }

    /// The `-v` trace for HTTP clients: each request and answer status on stderr.
    /// The client passes URLs and statuses only; secrets never reach it.
    pub fn http_trace(&self) -> crate::salesforce::Trace {
        let verbose = self.out.mode.verbose > 0;
        let color = self.out.mode.color_stderr;
        std::sync::Arc::new(move |m: &str| {
            if verbose {
                crate::output::Printer::trace_line(color, m);
            }
        })
    }
}
