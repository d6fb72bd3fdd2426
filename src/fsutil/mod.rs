//! Files as people make them, and writes that never leave half a file behind.
//!
//! - [`decode_text`] / [`read_text`] (`text.rs`): the one way crmctl turns bytes it reads (files,
//!   stdin) into text: a UTF-8 BOM is dropped, UTF-16 with a BOM (Excel's "Unicode
//!   text") is decoded with `encoding_rs`, anything else must be UTF-8.
//! - [`stream::TextSource`] (`stream.rs`): the same decoding a chunk at a time, for files of
//!   any length (`lookup --file`); stdin is copied to a temporary file to be read again.
//! - [`parse_error`] (`text.rs`): a parser's message reduced to position and description, never a
//!   quoted line or value of the file (it may be a key profile given by mistake).
//! - [`yaml::from_str`] / [`yaml::yaml_error`] (`yaml.rs`): YAML with a budget sized for real
//!   estates, and its errors in plain words.
//! - [`write_atomic`] (`write.rs`): temp file beside the target, fsync, rename; refuses targets that
//!   are not regular files; writes through a symlink to its target, keeping the link.
//!   Its temp file is removed on SIGINT, SIGTERM and SIGHUP too (`crate::interrupt`).

pub mod stream;
mod text;
mod write;
pub mod yaml;

use std::path::Path;

pub use text::{MAX_TEXT, ParseError, TextError, decode_text, parse_error, read_capped, read_text};
pub use write::{Overwrite, check_target, create_private_dir, write_atomic};

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
