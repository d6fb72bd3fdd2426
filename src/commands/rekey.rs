//! `crmctl rekey`: re-encrypt the Password, ClientId and ClientSecret values of whole
//! estates under a new key profile, all files or none.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{Value, json};

use crate::crypto::Cipher;
use crate::crypto::profile::{KeyProfile, ProfileError, ProfileOrigin};
use crate::ctx::Ctx;
use crate::env::{EnvSecret, names};
use crate::error::{CliError, EXIT_NO};
use crate::output::{Printer, Report};
use crate::secret;
use crate::settings::rewrite::{self, FilePlan, Keys, Outcome, commit};

/// Re-encrypt every Password, ClientId and ClientSecret of settings files under a new key profile
#[derive(Debug, Args)]
#[command(
    long_about = "Re-encrypt every Password, ClientId and ClientSecret of settings files under a new key profile.\n\n\
Reads YAML estates and SharePoint CSV exports (.csv) and changes only those values: every other byte \
of each file (comments, order, quoting, indentation, line endings, a BOM) stays as it was.\n\n\
All or nothing: every value must decrypt under --from, and each new string must decrypt under --to \
to the same value; only then are the files replaced, each atomically. If a value stands in the way \
or a file cannot be written, no file changes, and the report names each value that stood in the way \
(UCC, setting, file:line and a sha256 fingerprint of the string, never the value). Values that \
already decrypt under --to are left alone, so running again after a partial rotation is safe. A \
symlinked file is written through to its target, keeping the target's mode.\n\n\
A profile that derives its key from a passphrase asks for it, or reads it from \
CRMCTL_FROM_PASSPHRASE (for --from) or CRMCTL_TO_PASSPHRASE (for --to).\n\n\
Exit 0 when done or nothing was left to do, 1 when a value stood in the way, 3 when a file or \
profile can't be read or a file can't be written.",
    after_long_help = "Examples:\n  \
crmctl rekey --from old-key.yaml --to new-key.yaml estate.yaml --dry-run\n  \
crmctl rekey --from old-key.yaml --to new-key.yaml estate.yaml PluginSettings.csv --backup\n  \
crmctl rekey --from old-key.yaml --to new-key.yaml --json eu/*.yaml   # CI: passphrases from env"
)]
pub struct RekeyArgs {
    /// The key profile the values are encrypted with now
    #[arg(long, value_name = "PROFILE")]
    pub from: PathBuf,

    /// The key profile to encrypt them with
    #[arg(long, value_name = "PROFILE")]
    pub to: PathBuf,

    /// Settings files: YAML estates, and CSV exports (ending in .csv)
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Only report what would change; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Keep each file's previous contents as FILE.bak (mode 0600; FILE.bak.1, .2, ... when one exists)
    #[arg(long)]
    pub backup: bool,

    /// The UCC name to report for CSV exports [default: the file name]
    #[arg(long, value_name = "NAME", value_parser = crate::cli::non_empty_name)]
    pub ucc: Option<String>,
}

/// What happened to a file as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileStatus {
    Rewritten,
    WouldRewrite,
    Unchanged,
    Blocked,
    /// Fine in itself, not written because a value elsewhere stood in the way.
    HeldBack,
}

impl FileStatus {
    fn id(self) -> &'static str {
        match self {
            FileStatus::Rewritten => "rewritten",
            FileStatus::WouldRewrite => "would-rewrite",
            FileStatus::Unchanged => "unchanged",
            FileStatus::Blocked => "blocked",
            FileStatus::HeldBack => "held-back",
        }
    }
}

struct FileReport {
    plan: FilePlan,
    status: FileStatus,
    backup: Option<PathBuf>,
}

pub struct RekeyReport {
    from: PathBuf,
    to: PathBuf,
    dry_run: bool,
    files: Vec<FileReport>,
}

impl RekeyReport {
    fn count(&self, id: &str) -> usize {
        self.files.iter().map(|f| f.plan.count(id)).sum()
    }

    fn blocked(&self) -> bool {
        self.files.iter().any(|f| f.plan.blocked())
    }

    fn files_with(&self, status: FileStatus) -> usize {
        self.files.iter().filter(|f| f.status == status).count()
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Report for RekeyReport {
    fn data(&self) -> Value {
        let files: Vec<Value> = self
            .files
            .iter()
            .map(|f| {
                let file = f.plan.path.display().to_string();
                let values: Vec<Value> = f
                    .plan
                    .values
                    .iter()
                    .map(|v| {
                        json!({
                            "ucc": v.ucc,
                            "setting": v.setting,
                            "file": file,
                            "line": v.line,
                            "fingerprint": v.fingerprint,
                            "new_fingerprint": v.new_fingerprint,
                            "status": v.outcome.id(),
                            "reason": match &v.outcome {
                                Outcome::Blocked(b) => json!({"id": b.id(), "message": b.to_string()}),
                                _ => Value::Null,
                            },
                        })
                    })
                    .collect();
                json!({
                    "file": file,
                    "format": f.plan.format.name(),
                    "status": f.status.id(),
                    "problem": f.plan.problem,
                    "backup": f.backup.as_ref().map(|b| b.display().to_string()),
                    "values": values,
                })
            })
            .collect();
        json!({
            "from": self.from.display().to_string(),
            "to": self.to.display().to_string(),
            "dry_run": self.dry_run,
            "written": self.files_with(FileStatus::Rewritten) > 0,
            "files": files,
            "summary": {
                "files": self.files.len(),
                "files_rewritten": self.files_with(FileStatus::Rewritten),
                "files_to_rewrite": self.files_with(FileStatus::WouldRewrite),
                "values": self.files.iter().map(|f| f.plan.values.len()).sum::<usize>(),
                "rekeyed": self.count("rekeyed"),
                "already_new": self.count("already-new"),
                "empty": self.count("empty"),
                "blocked": self.count("blocked"),
            },
        })
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        let s = out.stdout_style();
        let every_value = out.mode.verbose > 0;
        let mut text = String::new();
        for f in &self.files {
            let file = out.quoted(&f.plan.path.display().to_string());
            let (re, new, empty) = (
                f.plan.count("rekeyed"),
                f.plan.count("already-new"),
                f.plan.count("empty"),
            );
            let state = match f.status {
                FileStatus::Rewritten => s.ok("rewritten"),
                FileStatus::WouldRewrite => s.ok("would be rewritten"),
                FileStatus::Unchanged => "unchanged".to_string(),
                FileStatus::Blocked => s.error("blocked"),
                FileStatus::HeldBack => s.warning("not written"),
            };
            let mut counts = vec![if f.status == FileStatus::Rewritten {
                plural(re, "value re-encrypted", "values re-encrypted")
            } else {
                plural(re, "value to re-encrypt", "values to re-encrypt")
            }];
            if new > 0 {
                counts.push(format!("{new} already under the new key"));
            }
            if empty > 0 {
                counts.push(format!("{empty} empty"));
            }
            text.push_str(&format!("{file}: {state} ({})\n", counts.join(", ")));
            if let Some(b) = &f.backup {
                text.push_str(&format!(
                    "  backup: {}\n",
                    out.quoted(&b.display().to_string())
                ));
            }
            if let Some(p) = &f.plan.problem {
                text.push_str(&format!("  {} {}\n", s.error("error"), out.quoted(p)));
            }
            for v in &f.plan.values {
                let detail = match &v.outcome {
                    Outcome::Blocked(b) => {
                        format!("{} {}", s.error("error"), out.quoted(&b.to_string()))
                    }
                    _ if !every_value => continue,
                    Outcome::Rekeyed => {
                        format!("-> {}", v.new_fingerprint.as_deref().unwrap_or("?"))
                    }
                    Outcome::AlreadyNew => "already under the new key".to_string(),
                    Outcome::Empty => "empty".to_string(),
                };
                text.push_str(&format!(
                    "  {} {} {file}:{} {} {detail}\n",
                    out.quoted(&v.ucc),
                    out.quoted(&v.setting),
                    v.line,
                    v.fingerprint,
                ));
            }
        }
        let (re, blocked) = (self.count("rekeyed"), self.count("blocked"));
        let problems = self
            .files
            .iter()
            .filter(|f| f.plan.problem.is_some())
            .count();
        let summary = if blocked + problems > 0 {
            format!(
                "{} in the way; no file was changed\n",
                plural(
                    blocked + problems,
                    "value or file stands",
                    "values or files stand"
                )
            )
        } else if self.dry_run {
            format!(
                "dry run: {} would be rewritten, {} re-encrypted; nothing was written\n",
                plural(self.files_with(FileStatus::WouldRewrite), "file", "files"),
                plural(re, "value", "values"),
            )
        } else if self.files.iter().all(|f| f.plan.values.is_empty()) {
            "nothing to do: no Password, ClientId or ClientSecret values found\n".to_string()
        } else if re == 0 {
            "nothing to do: every value is already under the new key profile\n".to_string()
        } else {
            format!(
                "{} rewritten, {} re-encrypted\n",
                plural(self.files_with(FileStatus::Rewritten), "file", "files"),
                plural(re, "value", "values"),
            )
        };
        text.push_str(&summary);
        out.data(&text)?;
        if self.blocked() {
            let all_old_failed = self
                .files
                .iter()
                .flat_map(|f| &f.plan.values)
                .filter(|v| !matches!(v.outcome, Outcome::Empty))
                .all(|v| {
                    matches!(
                        v.outcome,
                        Outcome::Blocked(rewrite::Blocker::DoesNotDecrypt(_))
                    )
                });
            let any = |pred: fn(&rewrite::Blocker) -> bool| {
                self.files
                    .iter()
                    .flat_map(|f| &f.plan.values)
                    .any(|v| matches!(&v.outcome, Outcome::Blocked(b) if pred(b)))
            };
            if all_old_failed {
                out.hint(
                    "no value decrypts under --from: is it the right key profile (and passphrase)?",
                );
            } else if any(|b| matches!(b, rewrite::Blocker::DoesNotDecrypt(_))) {
                out.hint("encrypt each of those values again with `crmctl --key-file <the --to profile> encrypt` and paste it in: rekey leaves values already under the new key alone");
            }
            if any(|b| matches!(b, rewrite::Blocker::NotInPlace(_)))
                || self.files.iter().any(|f| f.plan.problem.is_some())
            {
                out.hint("write each encrypted value as a plain or quoted scalar on one line, not shared through an alias with other settings");
            }
        }
        Ok(())
    }

    fn exit_code(&self) -> u8 {
        if self.blocked() { EXIT_NO } else { 0 }
    }
}

/// Loads one of the two profiles and builds its cipher, asking for or reading its
/// own passphrase when it derives the key from one.
fn cipher(
    ctx: &Ctx,
    path: &Path,
    flag: &str,
    env: &EnvSecret,
    env_name: &str,
) -> Result<Cipher, CliError> {
    let profile = KeyProfile::load(path, ProfileOrigin::Flag).map_err(|e| match e {
        ProfileError::NotFound { path, .. } => CliError::input(format!(
            "key profile {} ({flag}) does not exist",
            path.display()
        ))
        .with_hint("check the path"),
        e => CliError::from(e),
    })?;
    ctx.unlock(path, &profile, Some(flag), env, env_name, &|| {
        secret::prompt_hidden(&format!("Passphrase of the {flag} key profile: "))
    })
}

pub fn run(ctx: &Ctx, args: &RekeyArgs) -> Result<Box<dyn Report>, CliError> {
    if args.files.iter().any(|f| f.as_os_str() == "-") {
        return Err(CliError::usage(
            "rekey rewrites files in place and cannot read stdin (-)",
        ));
    }
    // Before anything else: a rewrite killed half-way is completed or rolled back,
    // and stale temporary files of these files are removed.
    ctx.finish_interrupted_rewrites(&args.files)?;
    let old = cipher(
        ctx,
        &args.from,
        "--from",
        &ctx.env.from_passphrase,
        names::FROM_PASSPHRASE,
    )?;
    let new = cipher(
        ctx,
        &args.to,
        "--to",
        &ctx.env.to_passphrase,
        names::TO_PASSPHRASE,
    )?;
    // The cipher is deterministic (the IV is part of the profile): equal output, equal key.
    let probe = "crmctl rekey: same key?";
    if old.encrypt_to_base64(probe) == new.encrypt_to_base64(probe) {
        return Err(CliError::usage(
            "--from and --to hold the same key and IV: there is nothing to rotate",
        ));
    }
    let keys = Keys {
        old: &old,
        new: &new,
    };
    // The same file named twice (or through a symlink) is planned and written once.
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut plans = Vec::new();
    for path in &args.files {
        // Checked before reading too: a FIFO or a device would block or never end.
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
        {
            return Err(CliError::input(format!(
                "{} is not a regular file; rekey only rewrites regular files",
                path.display()
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| {
            CliError::input(format!("cannot read {}", path.display())).with_cause(e)
        })?;
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if seen.contains(&real) {
            continue;
        }
        seen.push(real);
        let ucc = args.ucc.clone().unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let plan = rewrite::plan(path, bytes, &ucc, &keys)
            .map_err(|e| CliError::input(e.to_string()).with_hint("no file was changed"))?;
        ctx.out.debug(&format!(
            "{}: {} encrypted values",
            path.display(),
            plan.values.len()
        ));
        plans.push(plan);
    }
    let blocked = plans.iter().any(FilePlan::blocked);
    let status = |p: &FilePlan| match (p.blocked(), p.rewritten.is_some()) {
        (true, _) => FileStatus::Blocked,
        (false, false) => FileStatus::Unchanged,
        (false, true) if blocked => FileStatus::HeldBack,
        (false, true) if args.dry_run => FileStatus::WouldRewrite,
        (false, true) => FileStatus::Rewritten,
    };
    let mut files: Vec<FileReport> = plans
        .into_iter()
        .map(|plan| FileReport {
            status: status(&plan),
            plan,
            backup: None,
        })
        .collect();
    if !blocked && !args.dry_run {
        let changes: Vec<commit::Change> = files
            .iter()
            .filter_map(|f| {
                f.plan.rewritten.as_ref().map(|new| commit::Change {
                    path: &f.plan.path,
                    original: &f.plan.original,
                    new,
                })
            })
            .collect();
        let written = commit::commit(&changes, args.backup).map_err(write_error)?;
        for w in written {
            if let Some(f) = files.iter_mut().find(|f| f.plan.path == w.path) {
                f.backup = w.backup;
            }
        }
    }
    Ok(Box::new(RekeyReport {
        from: args.from.clone(),
        to: args.to.clone(),
        dry_run: args.dry_run,
        files,
    }))
}

fn write_error(e: commit::CommitError) -> CliError {
    let err =
        CliError::input(format!("could not write {}", e.path.display())).with_cause(&e.message);
    if e.stranded.is_empty() {
        return err.with_hint("no file was changed; fix the cause and run rekey again");
    }
    // The rename back failed too: say exactly where each file's old bytes are.
    let mut err = CliError::input(format!(
        "could not write {}, and could not put every file back",
        e.path.display()
    ))
    .with_cause(&e.message);
    for (target, copy) in &e.stranded {
        err = err.with_hint(format!(
            "{} holds the new values; its previous contents are in {}: move that file back over it",
            target.display(),
            copy.display()
        ));
    }
    err
}
