//! Files as people make them, and writes that never leave half a file behind.
//!
//! - [`decode_text`] / [`read_text`]: the one way crmctl turns bytes it reads (files,
//!   stdin) into text: a UTF-8 BOM is dropped, UTF-16 with a BOM (Excel's "Unicode
//!   text") is decoded with `encoding_rs`, anything else must be UTF-8.
//! - [`parse_error`]: a parser's message reduced to position and description, never a
//!   quoted line or value of the file (it may be a key profile given by mistake).
//! - [`write_atomic`]: temp file beside the target, fsync, rename; refuses targets that
//!   are not regular files; writes through a symlink to its target, keeping the link.
//! - [`interrupt`]: temp files and folders removed on SIGINT, SIGTERM and SIGHUP.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Why bytes could not be turned into text. Never holds the bytes themselves.
#[derive(Debug)]
pub enum TextError {
    Io(std::io::Error),
    /// Not UTF-8 and no BOM saying otherwise; `line` is where the first bad byte is.
    NotUtf8 {
        line: usize,
    },
    /// A UTF-16 BOM, then data that is not valid UTF-16.
    BadUtf16 {
        encoding: &'static str,
    },
    TooLarge {
        limit: usize,
    },
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::Io(e) => write!(f, "{e}"),
            TextError::NotUtf8 { line } => write!(
                f,
                "line {line}: not UTF-8 text; save it as UTF-8 (with or without BOM) or as Unicode text (UTF-16 with BOM)"
            ),
            TextError::BadUtf16 { encoding } => {
                write!(
                    f,
                    "starts with a {encoding} BOM but is not valid {encoding}"
                )
            }
            TextError::TooLarge { limit } => {
                write!(f, "is larger than {} MiB", limit / (1024 * 1024))
            }
        }
    }
}

impl std::error::Error for TextError {}

/// Largest text crmctl reads at once (settings, lookup lists, key profiles, stdin).
pub const MAX_TEXT: usize = 256 * 1024 * 1024;

/// Bytes to text: UTF-8 (a BOM is dropped), or UTF-16 LE/BE when a BOM says so.
/// Line endings are kept as they are; every parser crmctl uses counts `\r\n` as one line.
pub fn decode_text(bytes: &[u8]) -> Result<String, TextError> {
    match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, bom)) if enc == encoding_rs::UTF_8 => utf8(&bytes[bom..]),
        Some((enc, bom)) => enc
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|t| t.into_owned())
            .ok_or(TextError::BadUtf16 {
                encoding: enc.name(),
            }),
        None => utf8(bytes),
    }
}

fn utf8(bytes: &[u8]) -> Result<String, TextError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(TextError::NotUtf8 {
            line: 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
        }),
    }
}

/// Reads a whole file, or stdin for `-`, as text (see [`decode_text`]).
pub fn read_text(path: &Path) -> Result<String, TextError> {
    let mut bytes = Vec::new();
    let limit = MAX_TEXT as u64 + 1;
    let read = if path.as_os_str() == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(TextError::Io)?;
    if bytes.len() > MAX_TEXT {
        return Err(TextError::TooLarge { limit: MAX_TEXT });
    }
    let text = decode_text(&bytes);
    // The file may hold secrets (a key profile): wipe the raw copy.
    zeroize::Zeroize::zeroize(&mut bytes);
    text
}

/// A parse error as crmctl shows it: where, and what, without the file's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// Reduces a parser's message (serde-saphyr, csv) to its first line, takes the
/// `line L column C:` position out of it, and drops what could be the file's content:
/// serde-saphyr appends a snippet of the offending lines, and its messages quote
/// values. Quoted text stays only when it is short and word-like (a field name).
/// Library wording that means nothing to users is replaced.
pub fn parse_error(message: &str) -> ParseError {
    let first = message.lines().next().unwrap_or("syntax error").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let (mut line, mut column, mut rest) = (None, None, first);
    if let Some(after) = first.strip_prefix("line ") {
        let (pos, tail) = after.split_once(':').unwrap_or((after, ""));
        let mut words = pos.split_whitespace();
        line = words.next().and_then(|l| l.parse().ok());
        if words.next() == Some("column") {
            column = words.next().and_then(|c| c.parse().ok());
        }
        rest = tail.trim();
    }
    ParseError {
        line,
        column,
        message: plain_words(&redact_quotes(rest)),
    }
}

fn redact_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '`' && c != '"' && c != '\'' {
            out.push(c);
            continue;
        }
        let quoted: String = chars.by_ref().take_while(|&q| q != c).collect();
        let word_like = quoted.chars().count() <= 24
            && quoted
                .chars()
                .all(|q| q.is_ascii_alphanumeric() || q == '_' || q == '-' || q == '.');
        out.push(c);
        out.push_str(if word_like { &quoted } else { "…" });
        out.push(c);
    }
    out
}

/// serde-saphyr's advice to its own callers, rephrased for the person with the file.
fn plain_words(message: &str) -> String {
    if let Some(i) = message.find("DuplicateKeyPolicy") {
        let head = message[..i].trim_end();
        let head = head.strip_suffix(", set").unwrap_or(head).trim_end();
        let head = head.strip_suffix(',').unwrap_or(head);
        return format!("{head} (a key may appear only once in a mapping)");
    }
    // serde's wording for a value of the wrong shape names our private enums.
    if message.contains("did not match any variant of untagged enum") {
        return "a value must be text, a number or true/false, not a list or mapping".into();
    }
    // Any other wording that names library types ("Options", "Deserializer").
    message
        .replace(" in Options", "")
        .replace("Deserializer", "reader")
}

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
    if !dir.exists() {
        create_private_dir(&dir)?;
    }
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
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(path.to_path_buf()),
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

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
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

/// On Unix, whether group or others may read the file (a key profile should be 0600).
#[cfg(unix)]
pub fn readable_by_others(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o044 != 0).then_some(mode)
}

#[cfg(not(unix))]
pub fn readable_by_others(_path: &Path) -> Option<u32> {
    None
}

/// Removing temporary files and folders when the process is interrupted.
///
/// Registering a path starts (once) a thread that waits for SIGINT, SIGTERM and
/// SIGHUP with `signal-hook`. On a signal it removes every registered path, then
/// either wakes a [`wait_for_stop`] caller (a server such as `crmctl emulate`, which
/// stops cleanly) or ends the process as the signal would have.
pub mod interrupt {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::mpsc::{Receiver, Sender, channel};
    use std::sync::{Mutex, Once, OnceLock};

    static PATHS: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());
    static NEXT_ID: AtomicU64 = AtomicU64::new(0);
    static STOP: OnceLock<Mutex<Option<Sender<i32>>>> = OnceLock::new();
    static INSTALL: Once = Once::new();
    static STOPPING: AtomicBool = AtomicBool::new(false);

    /// Whether a signal arrived and the process is about to end.
    pub fn is_stopping() -> bool {
        STOPPING.load(Ordering::SeqCst)
    }

    /// For code that fails because a signal removed its files under it (a spawn in a
    /// removed folder): wait for the handler to end the process, so the exit status is
    /// the signal's and not a misleading error. Returns after 10 s at most.
    pub fn hold_if_stopping() {
        for _ in 0..200 {
            if !is_stopping() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Keeps a path registered until dropped.
    #[must_use = "the path is removed on a signal only while the guard lives"]
    pub struct Cleanup(u64);

    impl Drop for Cleanup {
        fn drop(&mut self) {
            lock().retain(|(id, _)| *id != self.0);
        }
    }

    fn lock() -> std::sync::MutexGuard<'static, Vec<(u64, PathBuf)>> {
        PATHS.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes `path` (a file, or a folder with its contents) if a signal arrives
    /// while the returned guard lives.
    pub fn remove_on_signal(path: &Path) -> Cleanup {
        install();
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        lock().push((id, path.to_path_buf()));
        Cleanup(id)
    }

    /// Whether `path` is registered now (for tests).
    pub fn is_registered(path: &Path) -> bool {
        lock().iter().any(|(_, p)| p == path)
    }

    /// Removes every registered path now; what the signal handler does first.
    pub fn remove_registered() {
        remove_where(|_| true);
    }

    /// Removes (and forgets) the registered paths that `pick` chooses.
    pub fn remove_where(pick: impl Fn(&Path) -> bool) {
        let mut paths = lock();
        let (gone, keep): (Vec<_>, Vec<_>) = paths.drain(..).partition(|(_, p)| pick(p));
        *paths = keep;
        drop(paths);
        for (_, p) in gone {
            let removed = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            let _ = removed;
        }
    }

    /// For servers: blocks until SIGINT, SIGTERM or SIGHUP, after the registered paths
    /// are removed, and returns the signal's number instead of ending the process.
    pub fn wait_for_stop() -> i32 {
        let (tx, rx): (Sender<i32>, Receiver<i32>) = channel();
        *STOP
            .get_or_init(|| Mutex::new(None))
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(tx);
        install();
        // The sender lives in a static, so `recv` only returns with a signal.
        rx.recv().unwrap_or(0)
    }

    #[cfg(unix)]
    fn install() {
        INSTALL.call_once(|| {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    let serving = STOP
                        .get()
                        .is_some_and(|m| m.lock().map(|s| s.is_some()).unwrap_or(false));
                    STOPPING.store(!serving, Ordering::SeqCst);
                    remove_registered();
                    let waiter = STOP
                        .get()
                        .and_then(|m| m.lock().ok().and_then(|mut s| s.take()));
                    if let Some(tx) = waiter
                        && tx.send(sig).is_ok()
                    {
                        return;
                    }
                    // End as the signal would have, so the parent sees it.
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                    std::process::exit(128 + sig);
                }
            });
        });
    }

    #[cfg(not(unix))]
    fn install() {
        INSTALL.call_once(|| {});
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn text_drops_a_utf8_bom_and_decodes_utf16_with_a_bom() {
        assert_eq!(decode_text(b"\xef\xbb\xbfa\r\nb").expect("utf8"), "a\r\nb");
        let mut le = vec![0xff, 0xfe];
        le.extend(
            "Title\tValue\r\nå,€"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(decode_text(&le).expect("le"), "Title\tValue\r\nå,€");
        let mut be = vec![0xfe, 0xff];
        be.extend("x€".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode_text(&be).expect("be"), "x€");
        assert!(matches!(
            decode_text(&[0xff, 0xfe, 0x00, 0xd8]),
            Err(TextError::BadUtf16 { .. })
        ));
        let e = decode_text(b"ok\r\nstill ok\n\xe9t\xe9\n").unwrap_err();
        assert!(matches!(e, TextError::NotUtf8 { line: 3 }), "{e:?}");
    }

    #[test]
    fn parse_errors_keep_position_and_names_but_not_content() {
        let e = parse_error(
            "error: line 1 column 1: unknown field `key`, expected one of org, users\n --> <input>:1:1\n  |\n1 | key: hex:603deb1015ca71be2b73aef0857d77811f352c07\n",
        );
        assert_eq!((e.line, e.column), (Some(1), Some(1)));
        assert_eq!(e.message, "unknown field `key`, expected one of org, users");
        let e = parse_error("invalid type: string \"hex:603deb1015ca71be2b73aef08\", expected u32");
        assert_eq!(e.message, "invalid type: string \"…\", expected u32");
        let e = parse_error(
            "line 3 column 5: duplicate mapping key: name, set DuplicateKeyPolicy in Options if acceptable",
        );
        assert_eq!(
            e.message,
            "duplicate mapping key: name (a key may appear only once in a mapping)"
        );
        let e =
            parse_error("line 4 column 39: data did not match any variant of untagged enum Scalar");
        assert!(!e.message.contains("Scalar"), "{}", e.message);
    }
}
