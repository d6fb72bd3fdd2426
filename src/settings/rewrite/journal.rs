//! The intent journal that makes a multi-file rewrite all or nothing even when the
//! process is killed between renames (SIGKILL, a power cut).
//!
//! [`super::commit`] writes every temporary file (new bytes and a copy of the old
//! ones), then this journal, fsynced, into the folder of every file it will replace,
//! and only then renames the first file. The journal names each target, its two
//! temporaries, its backup and the SHA-256 of its old and new bytes. It is removed
//! once every rename, backup and folder sync is done.
//!
//! Every later run that rewrites settings files ([`recover`], called first by `rekey`
//! and `settings set`) looks for a journal beside the files it was given and, before
//! anything else, finishes what it describes from what is on disk:
//! - when every target holds its new bytes or its new temporary file is intact, the
//!   rotation is **completed** (the remaining renames, then the backups);
//! - otherwise (a temporary file was lost) it is **rolled back**: every target
//!   that holds new bytes gets its old bytes again from its copy or its backup.
//!
//! Either way, no file is left under a mix of keys. Temporary files of the files
//! given (`.NAME.XXXXXX.crmctl-rekey`) that no journal claims are left over from a
//! run killed before its journal was written; they are removed.
//!
//! Debug builds stop dead (SIGKILL) at a named step when `CRMCTL_DEBUG_KILL_AT` names
//! it ([`kill_point`]), so the tests can kill a run at every step; release builds
//! ignore the variable, as they do `CRMCTL_DEBUG_PANIC`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The journal's file name, in the folder of each file a run replaces.
pub const JOURNAL_NAME: &str = ".crmctl-rekey.journal";
/// The prefix of a journal's own temporary file, before it is renamed into place.
const JOURNAL_TEMP_PREFIX: &str = ".crmctl-rekey-journal.";
/// The suffix of the temporary files beside each target.
pub const TEMP_SUFFIX: &str = ".crmctl-rekey";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub target: PathBuf,
    /// The new bytes, renamed over `target`.
    pub new: PathBuf,
    /// A copy of the old bytes: becomes `backup`, or is deleted.
    pub old: PathBuf,
    pub backup: Option<PathBuf>,
    pub old_sha256: String,
    pub new_sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Journal {
    journal: String,
    version: u32,
    entries: Vec<Entry>,
}

const KIND: &str = "crmctl-rekey-intent";

pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Debug builds only: ends the process with SIGKILL at `step` when
/// `CRMCTL_DEBUG_KILL_AT` names it (the tests' kill points).
pub fn kill_point(step: &str) {
    if !cfg!(debug_assertions) {
        return;
    }
    if std::env::var("CRMCTL_DEBUG_KILL_AT").is_ok_and(|v| v == step) {
        #[cfg(unix)]
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGKILL);
        std::process::abort();
    }
}

/// The folders of `targets`, each once.
fn folders(targets: impl IntoIterator<Item = PathBuf>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for t in targets {
        if let Some(d) = t.parent()
            && !dirs.iter().any(|x| x == d)
        {
            dirs.push(d.to_path_buf());
        }
    }
    dirs
}

/// Writes the journal into the folder of every target: a temporary file, fsynced,
/// renamed into place, and the folder synced. Fails if a journal is already there.
pub fn write(entries: &[Entry]) -> std::io::Result<Vec<PathBuf>> {
    let doc = Journal {
        journal: KIND.into(),
        version: 1,
        entries: entries.to_vec(),
    };
    let bytes = serde_json::to_vec_pretty(&doc).map_err(std::io::Error::other)?;
    let mut written = Vec::new();
    for dir in folders(entries.iter().map(|e| e.target.clone())) {
        let path = dir.join(JOURNAL_NAME);
        if std::fs::symlink_metadata(&path).is_ok() {
            remove_all(&written);
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!(
                    "{} is there: an earlier rewrite is unfinished; run rekey again to finish it",
                    path.display()
                ),
            ));
        }
        let mut tmp = tempfile::Builder::new()
            .prefix(JOURNAL_TEMP_PREFIX)
            .tempfile_in(&dir)?;
        std::io::Write::write_all(tmp.as_file_mut(), &bytes)?;
        tmp.as_file().sync_all()?;
        if let Err(e) = tmp.persist_noclobber(&path) {
            remove_all(&written);
            return Err(e.error);
        }
        sync_folder(&dir);
        written.push(path);
    }
    Ok(written)
}

/// Removes journals (the last step of a rewrite, or of a recovery).
pub fn remove_all(journals: &[PathBuf]) {
    for j in journals {
        let _ = std::fs::remove_file(j);
        if let Some(d) = j.parent() {
            sync_folder(d);
        }
    }
}

fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// What [`recover`] found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// A journal's rewrite was finished: these files now hold their new bytes.
    Completed {
        journal: PathBuf,
        files: Vec<PathBuf>,
    },
    /// A journal's rewrite was undone: these files hold their old bytes again.
    RolledBack {
        journal: PathBuf,
        files: Vec<PathBuf>,
    },
    /// Temporary files of a run killed before its journal, removed.
    StaleRemoved { files: Vec<PathBuf> },
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |files: &[PathBuf]| {
            files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Recovery::Completed { journal, files } => write!(
                f,
                "an earlier rewrite was interrupted ({}); it was completed first: {}",
                journal.display(),
                list(files)
            ),
            Recovery::RolledBack { journal, files } => write!(
                f,
                "an earlier rewrite was interrupted ({}) and could not be completed; it was rolled back first: {}",
                journal.display(),
                list(files)
            ),
            Recovery::StaleRemoved { files } => write!(
                f,
                "removed {} left by an interrupted run: {}",
                crate::output::count(files.len(), "temporary file"),
                list(files)
            ),
        }
    }
}

/// A recovery that could not put every file in one state: where the bytes are.
#[derive(Debug)]
pub struct RecoveryError {
    pub journal: PathBuf,
    pub message: String,
}

impl std::fmt::Display for RecoveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.journal.display(), self.message)
    }
}

impl std::error::Error for RecoveryError {}

fn sha_of(path: &Path) -> Option<String> {
    std::fs::read(path).ok().map(|b| sha256(&b))
}

/// Finishes or undoes every journal beside `paths`, then removes stale temporary
/// files of `paths`; see the module documentation. Call it before reading the files.
pub fn recover(paths: &[PathBuf]) -> Result<Vec<Recovery>, RecoveryError> {
    let targets: Vec<PathBuf> = paths
        .iter()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
        .collect();
    let mut done = Vec::new();
    for dir in folders(targets.iter().cloned()) {
        let journal = dir.join(JOURNAL_NAME);
        let Ok(text) = std::fs::read(&journal) else {
            continue;
        };
        let fail = |message: String| RecoveryError {
            journal: journal.clone(),
            message,
        };
        let doc: Journal = serde_json::from_slice(&text)
            .ok()
            .filter(|j: &Journal| j.journal == KIND && j.version == 1)
            .ok_or_else(|| {
                fail("is not a journal this crmctl can read; move it away after checking the files it names".into())
            })?;
        done.push(replay(&journal, &doc.entries).map_err(fail)?);
    }
    let stale = remove_stale(&targets);
    if !stale.is_empty() {
        done.push(Recovery::StaleRemoved { files: stale });
    }
    Ok(done)
}

/// Completes the journal's rewrite if every file can be, else rolls it back.
fn replay(journal: &Path, entries: &[Entry]) -> Result<Recovery, String> {
    let is_new: Vec<bool> = entries
        .iter()
        .map(|e| sha_of(&e.target).as_deref() == Some(e.new_sha256.as_str()))
        .collect();
    let completable = entries
        .iter()
        .zip(&is_new)
        .all(|(e, &new)| new || sha_of(&e.new).as_deref() == Some(e.new_sha256.as_str()));
    let journals: Vec<PathBuf> = folders(entries.iter().map(|e| e.target.clone()))
        .into_iter()
        .map(|d| d.join(JOURNAL_NAME))
        .collect();
    let files: Vec<PathBuf> = entries.iter().map(|e| e.target.clone()).collect();
    if completable {
        for (e, &new) in entries.iter().zip(&is_new) {
            if !new {
                std::fs::rename(&e.new, &e.target)
                    .map_err(|err| format!("cannot complete {}: {err}", e.target.display()))?;
            }
        }
        for d in folders(files.iter().cloned()) {
            sync_folder(&d);
        }
        for e in entries {
            if std::fs::symlink_metadata(&e.old).is_err() {
                continue;
            }
            match &e.backup {
                Some(b) => std::fs::rename(&e.old, b).map_err(|err| {
                    format!(
                        "{} is complete, but its backup {} could not be made: {err}; its old bytes are in {}",
                        e.target.display(),
                        b.display(),
                        e.old.display()
                    )
                })?,
                None => {
                    let _ = std::fs::remove_file(&e.old);
                }
            }
        }
        remove_all(&journals);
        return Ok(Recovery::Completed {
            journal: journal.to_path_buf(),
            files,
        });
    }
    for (e, &new) in entries.iter().zip(&is_new) {
        if new {
            let source = [Some(&e.old), e.backup.as_ref()]
                .into_iter()
                .flatten()
                .find(|p| sha_of(p).as_deref() == Some(e.old_sha256.as_str()))
                .ok_or_else(|| {
                    format!(
                        "cannot roll back {}: its old bytes are in neither {} nor its backup",
                        e.target.display(),
                        e.old.display()
                    )
                })?;
            std::fs::rename(source, &e.target)
                .map_err(|err| format!("cannot roll back {}: {err}", e.target.display()))?;
        }
        let _ = std::fs::remove_file(&e.new);
        let _ = std::fs::remove_file(&e.old);
    }
    for d in folders(files.iter().cloned()) {
        sync_folder(&d);
    }
    remove_all(&journals);
    Ok(Recovery::RolledBack {
        journal: journal.to_path_buf(),
        files,
    })
}

/// `.NAME.XXXXXX.crmctl-rekey` beside each target: what `commit` names its
/// temporary files (tempfile's six random characters).
fn is_temp_of(candidate: &str, name: &str) -> bool {
    candidate
        .strip_prefix('.')
        .and_then(|c| c.strip_prefix(name))
        .and_then(|c| c.strip_prefix('.'))
        .and_then(|c| c.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|random| {
            random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// A journal being written when the run was killed (`write`'s temporary file).
fn is_journal_temp(candidate: &str) -> bool {
    candidate
        .strip_prefix(JOURNAL_TEMP_PREFIX)
        .is_some_and(|random| {
            random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

fn remove_stale(targets: &[PathBuf]) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    for t in targets {
        let (Some(dir), Some(name)) = (t.parent(), t.file_name().and_then(|n| n.to_str())) else {
            continue;
        };
        let Ok(list) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in list.flatten() {
            let file_name = entry.file_name();
            let is_file = entry.file_type().is_ok_and(|ft| ft.is_file());
            if is_file
                && file_name
                    .to_str()
                    .is_some_and(|c| is_temp_of(c, name) || is_journal_temp(c))
                && std::fs::remove_file(entry.path()).is_ok()
            {
                removed.push(entry.path());
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_matched_exactly() {
        assert!(is_temp_of(".a.yaml.x1Y2z3.crmctl-rekey", "a.yaml"));
        assert!(!is_temp_of(".a.yaml.crmctl-rekey", "a.yaml"));
        assert!(!is_temp_of(".ab.yaml.x1Y2z3.crmctl-rekey", "a.yaml"));
        assert!(!is_temp_of("a.yaml.x1Y2z3.crmctl-rekey", "a.yaml"));
        assert!(!is_temp_of(".a.yaml.x1Y2z3.bak", "a.yaml"));
        assert!(is_journal_temp(".crmctl-rekey-journal.x1Y2z3"));
        assert!(!is_journal_temp(".crmctl-rekey.journal"));
    }

    fn entry(dir: &Path, name: &str, old: &[u8], new: &[u8]) -> Entry {
        let target = dir.join(name);
        let (n, o) = (
            dir.join(format!(".{name}.AAAAAA{TEMP_SUFFIX}")),
            dir.join(format!(".{name}.BBBBBB{TEMP_SUFFIX}")),
        );
        std::fs::write(&target, old).expect("write");
        std::fs::write(&n, new).expect("write");
        std::fs::write(&o, old).expect("write");
        Entry {
            target,
            new: n,
            old: o,
            backup: None,
            old_sha256: sha256(old),
            new_sha256: sha256(new),
        }
    }

    #[test]
    fn a_journal_with_every_new_file_is_completed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = std::fs::canonicalize(dir.path()).expect("canonical");
        let a = entry(&d, "a.yaml", b"old-a", b"new-a");
        let b = entry(&d, "b.yaml", b"old-b", b"new-b");
        write(&[a.clone(), b.clone()]).expect("journal");
        // Killed after the first rename.
        std::fs::rename(&a.new, &a.target).expect("rename");
        let r = recover(std::slice::from_ref(&a.target)).expect("recover");
        assert!(
            matches!(r.as_slice(), [Recovery::Completed { .. }]),
            "{r:?}"
        );
        assert_eq!(std::fs::read(&a.target).expect("a"), b"new-a");
        assert_eq!(std::fs::read(&b.target).expect("b"), b"new-b");
        let left: Vec<_> = std::fs::read_dir(&d)
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }

    #[test]
    fn a_journal_whose_new_file_is_lost_is_rolled_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = std::fs::canonicalize(dir.path()).expect("canonical");
        let a = entry(&d, "a.yaml", b"old-a", b"new-a");
        let b = entry(&d, "b.yaml", b"old-b", b"new-b");
        write(&[a.clone(), b.clone()]).expect("journal");
        std::fs::rename(&a.new, &a.target).expect("rename");
        std::fs::remove_file(&b.new).expect("lose it");
        let r = recover(std::slice::from_ref(&b.target)).expect("recover");
        assert!(
            matches!(r.as_slice(), [Recovery::RolledBack { .. }]),
            "{r:?}"
        );
        assert_eq!(std::fs::read(&a.target).expect("a"), b"old-a");
        assert_eq!(std::fs::read(&b.target).expect("b"), b"old-b");
        assert!(!d.join(JOURNAL_NAME).exists());
    }

    #[test]
    fn a_second_journal_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = std::fs::canonicalize(dir.path()).expect("canonical");
        let a = entry(&d, "a.yaml", b"old-a", b"new-a");
        write(std::slice::from_ref(&a)).expect("journal");
        assert!(write(std::slice::from_ref(&a)).is_err());
    }
}
