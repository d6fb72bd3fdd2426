//! Writing a file so that a crash, a full disk or a signal never leaves half a file,
//! and never replaces something that is not a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::interrupt;

/// How to treat an existing file at the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Refuse,
    Replace,
}

/// Writes `bytes` to a temporary file beside `path` (created with mode 0600 on
/// Unix), syncs it, then renames it into place. With `Overwrite::Refuse` the final
/// step fails with `AlreadyExists` if the destination exists, without a race.
///
/// The destination must be a regular file or not exist: a directory, device, FIFO or
/// socket is refused (`InvalidInput`), as renaming over it would replace a thing that
/// is not a file. A symlink is followed: the file it points to is replaced and the link
/// stays (dotfiles kept in a repository by links keep working); a dangling link is
/// refused. The temporary file is removed on every failure, and on SIGINT/SIGTERM.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: Overwrite) -> std::io::Result<()> {
    write_atomic_with(path, bytes, overwrite, &|_| {})
}

fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    overwrite: Overwrite,
    while_temp_exists: &dyn Fn(&Path),
) -> std::io::Result<()> {
    let target = resolve_target(path)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".crmctl-")
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    // Dropping `tmp` on an error below removes the file; the guard covers signals.
    let _guard = interrupt::remove_on_signal(tmp.path());
    while_temp_exists(tmp.path());
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    match overwrite {
        Overwrite::Replace => tmp.persist(&target).map_err(|e| e.error)?,
        Overwrite::Refuse => tmp.persist_noclobber(&target).map_err(|e| e.error)?,
    };
    sync_dir(&dir);
    Ok(())
}

/// Whether `write_atomic` could write `path` (not a directory, FIFO, socket, device or
/// dangling link), for commands that ask questions first and write at the end.
pub fn check_target(path: &Path) -> std::io::Result<()> {
    resolve_target(path).map(|_| ())
}

/// The file to replace: `path` itself, or what its symlink points to.
fn resolve_target(path: &Path) -> std::io::Result<PathBuf> {
    use std::io::{Error, ErrorKind};
    let meta = match std::fs::symlink_metadata(path) {
        // A new file, in a folder that must exist: a path the user named in a
        // folder that is not there is a typo more often than a wish for new folders.
        Err(e) if e.kind() == ErrorKind::NotFound => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                && !dir.is_dir()
            {
                return Err(Error::new(
                    ErrorKind::NotFound,
                    format!("the folder {} does not exist", dir.display()),
                ));
            }
            return Ok(path.to_path_buf());
        }
        Err(e) => return Err(e),
        Ok(m) => m,
    };
    let (target, meta) = if meta.file_type().is_symlink() {
        let target = std::fs::canonicalize(path).map_err(|_| {
            Error::new(
                ErrorKind::InvalidInput,
                "it is a symbolic link to a file that does not exist",
            )
        })?;
        let meta = std::fs::metadata(&target)?;
        (target, meta)
    } else {
        (path.to_path_buf(), meta)
    };
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            not_a_file_kind(&meta)
        };
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("it is {what}, not a regular file"),
        ));
    }
    Ok(target)
}

#[cfg(unix)]
fn not_a_file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn not_a_file_kind(_meta: &std::fs::Metadata) -> &'static str {
    "a special file"
}

/// Creates `dir` and its parents, readable only by the user on Unix (mode 0700): for
/// crmctl's own folders (the default key profile's), never for a path the user named.
#[cfg(unix)]
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Makes the rename durable; best effort, as not every platform allows it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::super::readable_by_others;
    use super::*;

    #[test]
    fn refuses_to_overwrite_and_leaves_the_old_file_intact() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("k.yaml");
        write_atomic(&p, b"first", Overwrite::Refuse).expect("first write");
        let e = write_atomic(&p, b"second", Overwrite::Refuse).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&p).expect("read"), b"first");
        write_atomic(&p, b"third", Overwrite::Replace).expect("replace");
        assert_eq!(std::fs::read(&p).expect("read"), b"third");
        // No temporary files are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("sub/k.yaml");
        create_private_dir(&dir.path().join("sub")).expect("mkdir");
        let folder = std::fs::metadata(dir.path().join("sub")).expect("meta");
        assert_eq!(folder.permissions().mode() & 0o777, 0o700);
        write_atomic(&p, b"x", Overwrite::Refuse).expect("write");
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(readable_by_others(&p), None);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert_eq!(readable_by_others(&p), Some(0o644));
    }

    fn only_entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_file_in_a_folder_that_does_not_exist_is_refused_and_no_folder_is_made() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("missing/deeper/k.yaml");
        for mode in [Overwrite::Replace, Overwrite::Refuse] {
            let e = write_atomic(&target, b"x", mode).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "{e}");
            assert!(e.to_string().contains("does not exist"), "{e}");
        }
        assert!(only_entries(dir.path()).is_empty());
    }

    #[test]
    fn a_directory_is_refused_and_no_temp_file_is_left() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("d");
        std::fs::create_dir(&target).expect("mkdir");
        for mode in [Overwrite::Replace, Overwrite::Refuse] {
            let e = write_atomic(&target, b"x", mode).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{e}");
            assert!(e.to_string().contains("directory"), "{e}");
        }
        assert!(target.is_dir());
        assert_eq!(only_entries(dir.path()), ["d"]);
    }

    #[cfg(unix)]
    #[test]
    fn fifos_sockets_and_devices_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let e = write_atomic(&fifo, b"x", Overwrite::Replace).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
        let sock = dir.path().join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind");
        let e = write_atomic(&sock, b"x", Overwrite::Replace).unwrap_err();
        assert!(e.to_string().contains("socket"), "{e}");
        let e = write_atomic(Path::new("/dev/null"), b"x", Overwrite::Replace).unwrap_err();
        assert!(e.to_string().contains("device"), "{e}");
        assert_eq!(only_entries(dir.path()), ["pipe", "sock"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_written_through_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("real")).expect("mkdir");
        let real = dir.path().join("real/key.yaml");
        std::fs::write(&real, "old").expect("write");
        let link = dir.path().join("key.yaml");
        std::os::unix::fs::symlink("real/key.yaml", &link).expect("symlink");
        write_atomic(&link, b"new", Overwrite::Replace).expect("write through");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).expect("read"), b"new");
        assert_eq!(only_entries(&dir.path().join("real")), ["key.yaml"]);
        // Refuse still refuses what the link points to.
        let e = write_atomic(&link, b"x", Overwrite::Refuse).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        // A dangling link is refused, and nothing is created at its target.
        let dangling = dir.path().join("gone.yaml");
        std::os::unix::fs::symlink("nowhere/x.yaml", &dangling).expect("symlink");
        let e = write_atomic(&dangling, b"x", Overwrite::Replace).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert_eq!(only_entries(dir.path()), ["gone.yaml", "key.yaml", "real"]);
    }

    #[test]
    fn the_temp_file_is_registered_for_signals_and_removed_by_the_handler() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.yaml");
        let seen = std::sync::Mutex::new(None);
        let result = write_atomic_with(&target, b"x", Overwrite::Replace, &|tmp| {
            assert!(tmp.exists());
            assert!(interrupt::is_registered(tmp));
            // What the SIGINT/SIGTERM handler runs before the process ends (only
            // for this path: other tests write in parallel).
            interrupt::remove_where(|p| p == tmp);
            assert!(!tmp.exists());
            *seen.lock().expect("lock") = Some(tmp.to_path_buf());
        });
        // The interrupted write fails and leaves nothing behind.
        assert!(result.is_err());
        let tmp = seen.into_inner().expect("lock").expect("hook ran");
        assert!(!interrupt::is_registered(&tmp));
        assert!(only_entries(dir.path()).is_empty());
    }
}
