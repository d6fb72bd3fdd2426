//! `crmctl settings set`: one value replaced in place, in one UCC or in every UCC that
//! shares its CRM Service, encrypted when it is a secret, checked before it is written.

use std::path::PathBuf;

use clap::Args;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::{CliError, EXIT_NO};
use crate::output::{Printer, Report, count};
use crate::secret_input::{self, InputKind};
use crate::settings::rewrite::commit;
use crate::settings::rules::{ENCRYPTED, Finding, fingerprint};
use crate::settings::set::{self, SetError, SetFile, Target};
use crate::settings::{Ucc, load};

/// Replace one setting's value in place (secrets encrypted), in one UCC or every UCC sharing its CRM Service
#[derive(Debug, Args)]
#[command(
    override_usage = "crmctl settings set [OPTIONS] --ucc <NAME> <FILE>... <SETTING>",
    long_about = "Replace one setting's value in place (secrets encrypted), in one UCC or every UCC sharing its CRM Service.\n\n\
Password: asked for as `crmctl encrypt` asks (password, then security token, hidden, the password \
twice), or read with --stdin (password line, then token line) or from CRMCTL_PASSWORD and \
CRMCTL_TOKEN; encrypted under the key profile. ClientId and ClientSecret: asked for twice, hidden, \
or read with --stdin or from CRMCTL_VALUE. Other settings: --value VALUE (never for a secret: it \
would show in `ps` and shell history).\n\n\
Only the bytes of the value change: a BOM, CRLF line endings, quoting, comments and anchors stay. \
Before anything is written the files are validated as they would be: a value a rule refuses \
(plain text where an encrypted string belongs, a placeholder, a bad URL, UCCs that share a CRM \
Service left with different values) is not written, and the report names the finding. With several \
files, all are written or none (each atomically). --all-sharing sets the value in every UCC whose \
CrmServiceUrl has the same host, as the install guide wants the primary settings identical.\n\n\
Exit 0 when set, 1 when the UCC or setting does not exist or a rule refuses the value, 2 for a \
secret on the command line or no way to ask for it, 3 when a file or the key profile can't be read \
or written.",
    after_long_help = "Examples:\n  \
crmctl settings set estate.yaml --ucc helpdesk Password --all-sharing --backup\n  \
printf '%s\\n%s\\n' \"$SF_PASSWORD\" \"$SF_TOKEN\" | \\\n      crmctl settings set estate.yaml --ucc helpdesk Password --stdin\n  \
CRMCTL_VALUE=\"$SECRET\" crmctl settings set PluginSettings.csv --ucc helpdesk ClientSecret\n  \
crmctl settings set estate.yaml --ucc helpdesk ApiEndPoint --value services/data/v62.0/ --dry-run"
)]
pub struct SetArgs {
    /// Settings files (YAML estates, or a SharePoint CSV export), and last the SETTING to change
    /// (Password, ClientId, ClientSecret, or any other by name)
    #[arg(value_name = "FILE... SETTING", num_args = 1.., required = true)]
    pub operands: Vec<String>,

    /// The UCC to change (for a CSV export: the UCC it belongs to)
    #[arg(long, value_name = "NAME", required = true)]
    pub ucc: String,

    /// The new value of a setting that is not a secret
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub value: Option<String>,

    /// Read the secret from stdin: the password line, then the token line (or the one value)
    #[arg(long, conflicts_with = "value")]
    pub stdin: bool,

    /// Password only: the org needs no security token (logins from trusted IP ranges)
    #[arg(long, conflicts_with = "value")]
    pub no_token: bool,

    /// Set it in every UCC whose CrmServiceUrl has the same host (they share a CRM Service)
    #[arg(long)]
    pub all_sharing: bool,

    /// Show what would change (fingerprints for secrets); write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Keep each file's previous contents as FILE.bak (FILE.bak.1, .2, ... when one exists)
    #[arg(long)]
    pub backup: bool,
}

/// One row that changes. Secrets appear as fingerprints only.
struct Change {
    file: String,
    line: usize,
    ucc: String,
    setting: String,
    old: String,
    new: String,
}

pub struct SetReport {
    setting: String,
    all_sharing: bool,
    encrypted: bool,
    dry_run: bool,
    changes: Vec<Change>,
    files: usize,
    backups: Vec<PathBuf>,
    refused: Vec<Finding>,
}

impl Report for SetReport {
    fn data(&self) -> Value {
        let (old, new) = if self.encrypted {
            ("old_fingerprint", "new_fingerprint")
        } else {
            ("old", "new")
        };
        json!({
            "setting": self.setting,
            "encrypted": self.encrypted,
            "dry_run": self.dry_run,
            "written": !self.dry_run && self.refused.is_empty() && !self.changes.is_empty(),
            "changes": self.changes.iter().map(|c| json!({
                "file": c.file, "line": c.line, "ucc": c.ucc, "setting": c.setting,
                old: c.old, new: c.new,
            })).collect::<Vec<_>>(),
            "backups": self.backups.iter().map(|b| b.display().to_string()).collect::<Vec<_>>(),
            "refused": self.refused,
        })
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        let s = out.stdout_style();
        let clean = |t: &str| out.quoted(t);
        let mut text = String::new();
        for c in &self.changes {
            text.push_str(&format!(
                "{}:{} {} {}: {} -> {}\n",
                clean(&c.file),
                c.line,
                clean(&c.ucc),
                clean(&c.setting),
                clean(&c.old),
                clean(&c.new)
            ));
        }
        for f in &self.refused {
            text.push_str(&format!(
                "  {} {}:{} {} {} [{}] {}\n          {} {}\n",
                s.error("error"),
                clean(&f.file),
                f.line,
                clean(&f.ucc),
                clean(f.setting.as_deref().unwrap_or("-")),
                f.rule,
                out.line(&f.message),
                s.dim("hint:"),
                out.line(&f.hint)
            ));
        }
        let values = count(self.changes.len(), "value");
        let files = count(self.files, "file");
        text.push_str(&if !self.refused.is_empty() {
            "refused: the new value breaks a rule; nothing was written\n".to_string()
        } else if self.dry_run {
            format!("dry run: {values} in {files} would change; nothing was written\n")
        } else {
            format!("{values} set in {files}\n")
        });
        for b in &self.backups {
            text.push_str(&format!("backup: {}\n", clean(&b.display().to_string())));
        }
        out.data(&text)?;
        if let Some(e) = self.error() {
            for h in &e.hints {
                out.hint_detail(h);
            }
        }
        Ok(())
    }

    fn exit_code(&self) -> u8 {
        if self.refused.is_empty() { 0 } else { EXIT_NO }
    }

    fn error(&self) -> Option<CliError> {
        (!self.refused.is_empty()).then(|| {
            let e = CliError::rejected(format!(
                "{} refused the new value of {}; nothing was written",
                count(self.refused.len(), "finding"),
                self.setting
            ));
            if !self.all_sharing && self.refused.iter().any(|f| f.rule == "primary-mismatch") {
                e.with_hint("other UCCs share this CRM Service: pass --all-sharing to set the value in all of them")
            } else {
                e
            }
        })
    }
}

fn set_error(e: SetError) -> CliError {
    match &e {
        SetError::NoUcc { .. } => CliError::rejected(e.to_string())
            .with_hint("UCC names are compared in any case, spaces around ignored; for a CSV export, --ucc names it"),
        SetError::NoSetting { .. } => CliError::rejected(e.to_string()).with_hint(
            "settings set changes a value that exists; add a new row by hand or with `crmctl settings init`",
        ),
        SetError::Twice { .. } => CliError::rejected(e.to_string())
            .with_hint("remove the duplicate row first (validate-settings reports it as duplicate-setting)"),
        SetError::NotInPlace(..) => CliError::input(e.to_string())
            .with_hint("write the value as a plain or quoted scalar on one line, not shared through an alias; no file was changed"),
    }
}

/// Reads every file, refusing what is not a regular, writable file before reading it.
fn read_files(args: &SetArgs) -> Result<Vec<SetFile>, CliError> {
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut files = Vec::new();
    for path in &args.files() {
        if path.as_os_str() == "-" {
            return Err(CliError::usage(
                "settings set rewrites files in place and cannot read stdin (-)",
            ));
        }
        if crate::settings::rules::KNOWN
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(&path.to_string_lossy()))
            && !path.exists()
        {
            return Err(CliError::usage(format!(
                "{} looks like a setting's name: give the files first and the setting last",
                path.display()
            )));
        }
        let meta = std::fs::metadata(path).map_err(|e| {
            CliError::input(format!("cannot read {}", path.display())).with_cause(e)
        })?;
        // Checked before reading: a FIFO or a device would block or never end.
        if !meta.is_file() {
            return Err(CliError::input(format!(
                "{} is not a regular file; settings set only rewrites regular files",
                path.display()
            ))
            .with_hint("no file was changed"));
        }
        if meta.permissions().readonly() {
            return Err(CliError::input(format!(
                "{} is read-only; settings set will not replace it",
                path.display()
            ))
            .with_hint(
                "make it writable (chmod u+w) if it is meant to change; no file was changed",
            ));
        }
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if seen.contains(&real) {
            continue;
        }
        seen.push(real);
        let bytes = std::fs::read(path).map_err(|e| {
            CliError::input(format!("cannot read {}", path.display())).with_cause(e)
        })?;
        files.push(
            SetFile::read(path, bytes, &args.ucc)
                .map_err(|e| CliError::input(e.to_string()).with_hint("no file was changed"))?,
        );
    }
    Ok(files)
}

impl SetArgs {
    /// The files: every operand but the last.
    fn files(&self) -> Vec<PathBuf> {
        let n = self.operands.len().saturating_sub(1);
        self.operands[..n].iter().map(PathBuf::from).collect()
    }

    /// The setting: the last operand.
    fn setting(&self) -> &str {
        self.operands.last().map(String::as_str).unwrap_or_default()
    }
}

pub fn run(ctx: &Ctx, args: &SetArgs) -> Result<Box<dyn Report>, CliError> {
    if args.operands.len() < 2 {
        return Err(CliError::usage(
            "give the settings file(s) and then the setting to change: crmctl settings set FILE --ucc NAME SETTING",
        ));
    }
    // Before anything else, as rekey does: a rewrite killed half-way is finished.
    ctx.finish_interrupted_rewrites(&args.files())?;
    let setting = set::canonical(args.setting());
    let secret = ENCRYPTED.contains(&setting.as_str());
    if secret && args.value.is_some() {
        return Err(CliError::usage(format!(
            "{setting} is a secret and is never taken as a command-line argument (it would show in `ps` and shell history)"
        ))
        .with_hint(if setting == "Password" {
            "leave out --value to be asked, or pass --stdin (password line, then token line), or set CRMCTL_PASSWORD and CRMCTL_TOKEN"
        } else {
            "leave out --value to be asked, or pass --stdin, or set CRMCTL_VALUE"
        }));
    }
    if args.no_token && setting != "Password" {
        return Err(CliError::usage(
            "--no-token is for the Password setting only",
        ));
    }
    if args.stdin && ctx.stdin_is_terminal {
        return Err(CliError::usage(
            "--stdin reads from a pipe or a file, and stdin is a terminal here (what you type would show)",
        )
        .with_hint("leave out --stdin to be asked with hidden input"));
    }
    let files = read_files(args)?;
    // Where it goes is known (and wrong names refused) before anyone types a secret.
    let targets = set::targets(&files, &args.ucc, &setting, args.all_sharing).map_err(set_error)?;
    if !secret && args.value.is_none() {
        return Err(CliError::usage(format!(
            "{setting} is not a secret: give its new value with --value VALUE"
        )));
    }
    // A setting's value is one line in the Plugin Settings list (and in a CSV row).
    if let Some(v) = &args.value
        && v.contains(['\n', '\r'])
    {
        return Err(CliError::usage(format!(
            "--value holds a line break: {setting}'s value is one line; nothing was written"
        ))
        .with_hint("give the value without the line break (check for a copy-paste slip)"));
    }
    let (value, cipher) = if secret {
        let (cipher, _) = ctx.cipher_for_new_strings()?;
        let kind = match (setting.as_str(), args.no_token) {
            ("Password", false) => InputKind::PasswordAndToken,
            ("Password", true) => InputKind::PasswordOnly,
            _ => InputKind::Value,
        };
        let plain = secret_input::gather(ctx, args.stdin, kind)?;
        if plain.is_empty() {
            return Err(CliError::usage("nothing to encrypt: the input is empty"));
        }
        let fresh = cipher.encrypt_to_base64(&plain);
        let back = cipher
            .decrypt_base64(&fresh)
            .map_err(|e| CliError::internal(format!("a new string does not decrypt: {e}")))?;
        if back.expose_secret() != plain.as_str() {
            return Err(CliError::internal(
                "a new string does not decrypt to the value typed",
            ));
        }
        (fresh, Some(cipher))
    } else {
        (
            args.value.clone().unwrap_or_default(),
            ctx.configured_cipher()?,
        )
    };
    let texts = set::apply(&files, &targets, &value).map_err(set_error)?;
    let before: Vec<Ucc> = files.iter().flat_map(|f| f.uccs().to_vec()).collect();
    let mut after: Vec<Ucc> = Vec::new();
    for (f, t) in files.iter().zip(&texts) {
        match t {
            Some(t) => after.extend(reload(f, t)?),
            None => after.extend(f.uccs().iter().cloned()),
        }
    }
    let checked = set::check(&before, &after, cipher.as_ref());
    if !checked.undecryptable.is_empty() {
        ctx.out.warn(&format!(
            "{} of these files do not decrypt under the key profile (another key?); they are left as they are",
            count(checked.undecryptable.len(), "other encrypted value")
        ));
    }
    let show = |v: &str| {
        if secret {
            fingerprint(v.trim())
        } else {
            v.to_string()
        }
    };
    let changes: Vec<Change> = targets
        .iter()
        .map(|t: &Target| {
            let f = &files[t.file];
            let u = &f.uccs()[t.ucc];
            let row = &u.rows[t.row];
            Change {
                file: f.path.display().to_string(),
                line: row.line,
                ucc: u.name.clone(),
                setting: row.setting.clone(),
                old: show(&row.value),
                new: show(&value),
            }
        })
        .collect();
    let mut report = SetReport {
        setting,
        all_sharing: args.all_sharing,
        encrypted: secret,
        dry_run: args.dry_run,
        files: texts.iter().filter(|t| t.is_some()).count(),
        changes,
        backups: Vec::new(),
        refused: checked.refused,
    };
    if !report.refused.is_empty() || args.dry_run {
        return Ok(Box::new(report));
    }
    let changes: Vec<commit::Change> = files
        .iter()
        .zip(&texts)
        .filter_map(|(f, t)| {
            t.as_ref().map(|t| commit::Change {
                path: &f.path,
                original: &f.original,
                new: t.as_bytes(),
            })
        })
        .collect();
    let written = commit::commit(&changes, args.backup).map_err(|e| {
        CliError::input(format!("could not write {}", e.path.display()))
            .with_cause(&e.message)
            .with_hint(if e.stranded.is_empty() {
                "no file was changed".to_string()
            } else {
                format!(
                    "some files could not be put back; their previous contents are in: {}",
                    e.stranded
                        .iter()
                        .map(|(_, c)| c.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    })?;
    report.backups = written.into_iter().filter_map(|w| w.backup).collect();
    Ok(Box::new(report))
}

/// A file's UCCs as its new text reads.
fn reload(f: &SetFile, text: &str) -> Result<Vec<Ucc>, CliError> {
    let loaded = match crate::settings::rewrite::Format::of(&f.path) {
        crate::settings::rewrite::Format::Yaml => load::yaml(&f.path, text),
        crate::settings::rewrite::Format::Csv => {
            load::csv(&f.path, text, &f.csv_ucc).map(|u| vec![u])
        }
    };
    loaded.map_err(|e| CliError::internal(format!("the rewritten file does not read back: {e}")))
}
