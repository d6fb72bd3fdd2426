//! Replacing several files so that either all of them change or none does.
//!
//! Everything that can fail before a file changes is done first, for every file:
//! resolve symlinks (a symlinked file is written through to its target), refuse what
//! is not a regular file, check the file still holds the bytes that were planned on,
//! and write and sync two temporary files beside each target: the new bytes (with the
//! target's mode) and a copy of the old bytes (mode 0600). Then each new file is
//! renamed over its target. If a rename fails, the targets already replaced get their
//! old bytes back by a rename of the copy, which needs no new disk space. The copies
//! become `FILE.bak` with `--backup` and are deleted otherwise.
//!
//! Before the first rename an intent journal is written and fsynced beside the files
//! (`journal.rs`), so that a run killed between renames is completed or rolled back
//! by the next one; [`recover`] does that, and every command that rewrites settings
//! files calls it first.
//!
//! `fsutil::write_atomic` replaces one file; this needs the temporaries of every
//! file to exist before the first rename, which it does not offer.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use super::journal;

/// One file to replace: the bytes it was planned on, and its new bytes.
pub struct Change<'a> {
    pub path: &'a Path,
    pub original: &'a [u8],
    pub new: &'a [u8],
}

/// One file replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// The file actually written: `path` with symlinks resolved.
    pub target: PathBuf,
    pub backup: Option<PathBuf>,
}

/// Why the files were not replaced, and in what state they are.
#[derive(Debug)]
pub struct CommitError {
    pub path: PathBuf,
    pub message: String,
    /// Files that could not be restored, each with where its old bytes are kept.
    /// Empty means every file holds exactly what it held before.
    pub stranded: Vec<(PathBuf, PathBuf)>,
}

impl std::fmt::Display for CommitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for CommitError {}

struct Prepared {
    path: PathBuf,
    target: PathBuf,
    new: Option<TempPath>,
    old: Option<TempPath>,
    backup: Option<PathBuf>,
}

pub use super::journal::{Recovery, RecoveryError, recover};

/// Replaces every file, or none; see the module documentation.
pub fn commit(changes: &[Change], backup: bool) -> Result<Vec<Written>, CommitError> {
    commit_with(changes, backup, &mut |from, to| std::fs::rename(from, to))
}

/// `commit` with the rename step given, so tests can make it fail.
pub(crate) fn commit_with(
    changes: &[Change],
    backup: bool,
    rename: &mut dyn FnMut(&Path, &Path) -> std::io::Result<()>,
) -> Result<Vec<Written>, CommitError> {
    let mut prepared = Vec::with_capacity(changes.len());
    for c in changes {
        // On failure, the temporaries made so far are deleted when `prepared` drops.
        prepared.push(prepare(c, backup)?);
    }
    journal::kill_point("prepared");
    // The intent, fsynced beside the files before the first rename: a run killed
    // from here on is completed or rolled back by the next one (`journal::recover`).
    let entries: Vec<journal::Entry> = prepared
        .iter()
        .zip(changes)
        .filter_map(|(p, c)| {
            Some(journal::Entry {
                target: p.target.clone(),
                new: p.new.as_ref()?.to_path_buf(),
                old: p.old.as_ref()?.to_path_buf(),
                backup: p.backup.clone(),
                old_sha256: journal::sha256(c.original),
                new_sha256: journal::sha256(c.new),
            })
        })
        .collect();
    let journals = journal::write(&entries).map_err(|e| CommitError {
        path: prepared.first().map(|p| p.path.clone()).unwrap_or_default(),
        message: format!("cannot write the rewrite's journal: {e}"),
        stranded: Vec::new(),
    })?;
    journal::kill_point("journaled");
    // Replace each target; on failure put the old bytes back where already replaced.
    for i in 0..prepared.len() {
        let p = &mut prepared[i];
        let result = match p.new.as_ref() {
            Some(tmp) => rename(tmp, &p.target),
            None => Err(std::io::Error::other("temporary file missing")),
        };
        match result {
            Ok(()) => {
                if let Some(tmp) = p.new.take() {
                    // Renamed away: nothing left to delete.
                    let _ = tmp.keep();
                }
                journal::kill_point(&format!("renamed-{}", i + 1));
            }
            Err(e) => {
                let stranded = roll_back(&mut prepared[..i], rename);
                if stranded.is_empty() {
                    journal::remove_all(&journals);
                }
                return Err(CommitError {
                    path: prepared[i].path.clone(),
                    message: format!("cannot replace the file: {e}"),
                    stranded,
                });
            }
        }
    }
    for p in &prepared {
        sync_dir(&p.target);
    }
    if backup {
        for i in 0..prepared.len() {
            let p = &mut prepared[i];
            let (Some(old), Some(planned)) = (p.old.as_ref(), p.backup.as_ref()) else {
                continue;
            };
            // A backup never replaces another: one made since `prepare` moves this one on.
            let bak = match std::fs::symlink_metadata(planned) {
                Err(_) => planned.clone(),
                Ok(_) => match (p.target.parent(), p.target.file_name()) {
                    (Some(dir), Some(name)) => free_backup(dir, name).unwrap_or(planned.clone()),
                    _ => planned.clone(),
                },
            };
            p.backup = Some(bak.clone());
            match rename(old, &bak) {
                Ok(()) => {
                    if let Some(tmp) = p.old.take() {
                        let _ = tmp.keep();
                    }
                }
                Err(e) => {
                    // All or nothing: without its backup, no file changes either.
                    let stranded = roll_back(&mut prepared, rename);
                    if stranded.is_empty() {
                        journal::remove_all(&journals);
                    }
                    return Err(CommitError {
                        path: prepared[i].path.clone(),
                        message: format!(
                            "cannot keep the backup {}: {e}",
                            prepared[i]
                                .backup
                                .as_deref()
                                .unwrap_or(Path::new(""))
                                .display()
                        ),
                        stranded,
                    });
                }
            }
        }
    }
    journal::kill_point("backed-up");
    // Without --backup the copies of the old bytes are deleted here, as they drop.
    let written = prepared
        .into_iter()
        .map(|p| Written {
            path: p.path,
            target: p.target,
            backup: if backup { p.backup } else { None },
        })
        .collect();
    journal::kill_point("cleaned");
    journal::remove_all(&journals);
    Ok(written)
}

/// Puts the old bytes back into each target: from the temporary copy, or from
/// `FILE.bak` where the copy has already become it. Returns what stays stranded.
fn roll_back(
    done: &mut [Prepared],
    rename: &mut dyn FnMut(&Path, &Path) -> std::io::Result<()>,
) -> Vec<(PathBuf, PathBuf)> {
    let mut stranded = Vec::new();
    for p in done.iter_mut() {
        let source: PathBuf = match (&p.old, &p.backup) {
            (Some(tmp), _) => tmp.to_path_buf(),
            (None, Some(bak)) => bak.clone(),
            (None, None) => continue,
        };
        match rename(&source, &p.target) {
            Ok(()) => {
                if let Some(tmp) = p.old.take() {
                    let _ = tmp.keep();
                }
            }
            Err(_) => {
                // Keep the copy on disk: it is the only place the old bytes remain.
                if let Some(tmp) = p.old.take() {
                    let _ = tmp.keep();
                }
                stranded.push((p.target.clone(), source));
            }
        }
        sync_dir(&p.target);
    }
    stranded
}

fn prepare(c: &Change, backup: bool) -> Result<Prepared, CommitError> {
    let fail = |message: String| CommitError {
        path: c.path.to_path_buf(),
        message,
        stranded: Vec::new(),
    };
    let target =
        std::fs::canonicalize(c.path).map_err(|e| fail(format!("cannot resolve the path: {e}")))?;
    let meta = std::fs::metadata(&target).map_err(|e| fail(format!("cannot stat: {e}")))?;
    if !meta.is_file() {
        return Err(fail(format!(
            "{} is not a regular file; refusing to replace it",
            target.display()
        )));
    }
    let now = std::fs::read(&target).map_err(|e| fail(format!("cannot read again: {e}")))?;
    if now != c.original {
        return Err(fail(
            "the file changed while crmctl was working on it; run again".into(),
        ));
    }
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(fail("has no parent folder".into()));
    };
    let bak = match backup {
        true => Some(free_backup(dir, name).ok_or_else(|| {
            fail("no free backup name: FILE.bak and FILE.bak.1 to .999 all exist".into())
        })?),
        false => None,
    };
    let temp = |bytes: &[u8], perms: Option<std::fs::Permissions>| {
        let mut prefix = OsString::from(".");
        prefix.push(name);
        prefix.push(".");
        let mut tmp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".crmctl-rekey")
            .tempfile_in(dir)
            .map_err(|e| fail(format!("cannot create a temporary file beside it: {e}")))?;
        let write = |f: &mut std::fs::File| -> std::io::Result<()> {
            f.write_all(bytes)?;
            if let Some(p) = perms.clone() {
                f.set_permissions(p)?;
                keep_owner(f, &meta);
            }
            f.sync_all()
        };
        write(tmp.as_file_mut())
            .map_err(|e| fail(format!("cannot write a temporary file beside it: {e}")))?;
        Ok(tmp.into_temp_path())
    };
    // The new file keeps the target's mode; the copy of the old bytes stays 0600.
    let new = temp(c.new, Some(meta.permissions()))?;
    let old = temp(c.original, None)?;
    Ok(Prepared {
        path: c.path.to_path_buf(),
        target,
        new: Some(new),
        old: Some(old),
        backup: bak,
    })
}

/// The first of `FILE.bak`, `FILE.bak.1`, `FILE.bak.2`, ... that does not exist (as
/// anything, a dangling symlink included): a backup never replaces an older one, which
/// may be the only copy of values under an earlier key.
pub fn free_backup(dir: &Path, name: &std::ffi::OsStr) -> Option<PathBuf> {
    (0..1000).find_map(|i| {
        let mut n = OsString::from(name);
        n.push(".bak");
        if i > 0 {
            n.push(format!(".{i}"));
        }
        let p = dir.join(n);
        std::fs::symlink_metadata(&p).is_err().then_some(p)
    })
}

/// Best effort: a file replaced by root keeps its owner.
#[cfg(unix)]
fn keep_owner(f: &std::fs::File, meta: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(f, Some(meta.uid()), Some(meta.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_f: &std::fs::File, _meta: &std::fs::Metadata) {}

/// Makes renames durable; best effort, as not every platform allows it.
fn sync_dir(target: &Path) {
    #[cfg(unix)]
    if let Some(d) = target.parent()
        && let Ok(d) = std::fs::File::open(d)
    {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = target;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failed_rename_puts_back_the_files_already_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b, c) = (
            dir.path().join("a.yaml"),
            dir.path().join("b.yaml"),
            dir.path().join("c.yaml"),
        );
        for p in [&a, &b, &c] {
            std::fs::write(p, b"old").expect("write");
        }
        let changes: Vec<Change> = [&a, &b, &c]
            .iter()
            .map(|p| Change {
                path: p,
                original: b"old",
                new: b"new",
            })
            .collect();
        // The third rename (c's new file) fails after a and b were replaced.
        let mut n = 0;
        let e = commit_with(&changes, false, &mut |from, to| {
            n += 1;
            if n == 3 {
                Err(std::io::Error::other("disk on fire"))
            } else {
                std::fs::rename(from, to)
            }
        })
        .unwrap_err();
        assert!(e.stranded.is_empty(), "{e:?}");
        assert_eq!(e.path, c);
        for p in [&a, &b, &c] {
            assert_eq!(std::fs::read(p).expect("read"), b"old");
        }
        assert_eq!(files(dir.path()), ["a.yaml", "b.yaml", "c.yaml"]);
    }

    #[test]
    fn a_failed_backup_puts_back_every_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        for p in [&a, &b] {
            std::fs::write(p, b"old").expect("write");
        }
        let changes: Vec<Change> = [&a, &b]
            .iter()
            .map(|p| Change {
                path: p,
                original: b"old",
                new: b"new",
            })
            .collect();
        // Renames: a, b (new files), a.bak, then b.bak fails.
        let mut n = 0;
        let e = commit_with(&changes, true, &mut |from, to| {
            n += 1;
            if n == 4 {
                Err(std::io::Error::other("no"))
            } else {
                std::fs::rename(from, to)
            }
        })
        .unwrap_err();
        assert!(e.stranded.is_empty(), "{e:?}");
        for p in [&a, &b] {
            assert_eq!(std::fs::read(p).expect("read"), b"old");
        }
        assert_eq!(files(dir.path()), ["a.csv", "b.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn backups_are_private_and_modes_and_symlinks_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.yaml");
        let link = dir.path().join("link.yaml");
        std::fs::write(&real, b"old").expect("write");
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        let done = commit(
            &[Change {
                path: &link,
                original: b"old",
                new: b"new",
            }],
            true,
        )
        .expect("commit");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).expect("read"), b"new");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&real), 0o644);
        let bak = done[0].backup.clone().expect("backup");
        assert_eq!(bak, dir.path().join("real.yaml.bak"));
        assert_eq!(std::fs::read(&bak).expect("read"), b"old");
        assert_eq!(mode(&bak), 0o600);
        assert_eq!(
            files(dir.path()),
            ["link.yaml", "real.yaml", "real.yaml.bak"]
        );
    }

    #[test]
    fn a_second_backup_never_replaces_the_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.yaml");
        std::fs::write(&a, b"one").expect("write");
        let mut backups = Vec::new();
        for (old, new) in [
            (&b"one"[..], &b"two"[..]),
            (b"two", b"three"),
            (b"three", b"four"),
        ] {
            let done = commit(
                &[Change {
                    path: &a,
                    original: old,
                    new,
                }],
                true,
            )
            .expect("commit");
            backups.push(done[0].backup.clone().expect("backup"));
        }
        let names: Vec<String> = backups
            .iter()
            .map(|b| b.file_name().expect("name").to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.yaml.bak", "a.yaml.bak.1", "a.yaml.bak.2"]);
        for (b, want) in backups.iter().zip([&b"one"[..], b"two", b"three"]) {
            assert_eq!(std::fs::read(b).expect("read"), want);
        }
        // A directory (or anything else) in the way is skipped, never replaced.
        std::fs::create_dir(dir.path().join("b.yaml.bak")).expect("mkdir");
        assert_eq!(
            free_backup(dir.path(), std::ffi::OsStr::new("b.yaml")),
            Some(dir.path().join("b.yaml.bak.1"))
        );
    }

    #[test]
    fn changed_files_and_directories_are_refused_before_anything_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.yaml");
        std::fs::write(&a, b"old").expect("write");
        let sub = dir.path().join("sub.yaml");
        std::fs::create_dir(&sub).expect("mkdir");
        let e = commit(
            &[
                Change {
                    path: &a,
                    original: b"old",
                    new: b"new",
                },
                Change {
                    path: &sub,
                    original: b"old",
                    new: b"new",
                },
            ],
            false,
        )
        .unwrap_err();
        assert!(e.message.contains("not a regular file"), "{e}");
        assert_eq!(std::fs::read(&a).expect("read"), b"old");
        let e = commit(
            &[Change {
                path: &a,
                original: b"older",
                new: b"new",
            }],
            false,
        )
        .unwrap_err();
        assert!(e.message.contains("changed"), "{e}");
        assert_eq!(files(dir.path()), ["a.yaml", "sub.yaml"]);
    }
}
