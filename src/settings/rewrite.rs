//! Re-encrypting the Password, ClientId and ClientSecret values of settings files in
//! place (`crmctl rekey`). A file's new bytes differ from the old ones only inside
//! those values: comments, order, quoting, indentation, line endings and a BOM stay
//! as they were. Nothing here prints or writes; `commit` does the writing.
//!
//! A plan is all or nothing per run: each value must decrypt under the old key (or
//! already under the new one), each new string must decrypt under the new key to the
//! same plaintext, and each new file must read back as the old one but for those
//! values. Plaintext lives only in `SecretString`s inside [`plan`].

pub mod commit;
pub mod edit;
mod journal;
mod locate;

use std::ops::Range;
use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;

use super::rules::{ENCRYPTED, fingerprint};
use super::{LoadError, Ucc};
use crate::crypto::{Cipher, DecryptError};
pub use locate::{Place, Spans, Style};

/// The two kinds of settings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Csv,
}

impl Format {
    /// CSV when the name ends in `.csv`, as `load::file` decides.
    pub fn of(path: &Path) -> Self {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            Format::Csv
        } else {
            Format::Yaml
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Csv => "csv",
        }
    }
}

/// The old and the new key.
pub struct Keys<'a> {
    pub old: &'a Cipher,
    pub new: &'a Cipher,
}

/// Why a value stands in the way of the rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// Decrypts under neither key; the error is the old key's.
    DoesNotDecrypt(DecryptError),
    /// Decrypts under both keys, so which one it is under can't be told.
    Ambiguous,
    /// Its bytes can't be replaced without touching others.
    NotInPlace(String),
    /// The new string did not decrypt back to the same plaintext.
    RoundTrip,
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Blocker::DoesNotDecrypt(e) => {
                write!(f, "does not decrypt under the old key profile: {e}")
            }
            Blocker::Ambiguous => write!(
                f,
                "decrypts under both key profiles, so which one it was made with can't be told"
            ),
            Blocker::NotInPlace(why) => write!(f, "cannot be rewritten in place: {why}"),
            Blocker::RoundTrip => write!(
                f,
                "its new string did not decrypt back to the same value under the new key profile"
            ),
        }
    }
}

impl Blocker {
    /// A stable id for `--json`.
    pub fn id(&self) -> &'static str {
        match self {
            Blocker::DoesNotDecrypt(_) => "does-not-decrypt",
            Blocker::Ambiguous => "decrypts-under-both",
            Blocker::NotInPlace(_) => "not-in-place",
            Blocker::RoundTrip => "round-trip-failed",
        }
    }
}

/// What happens to one encrypted value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Decrypts under the old key; re-encrypted under the new one.
    Rekeyed,
    /// Already decrypts under the new key only: left alone.
    AlreadyNew,
    /// Empty: nothing to re-encrypt.
    Empty,
    Blocked(Blocker),
}

impl Outcome {
    pub fn id(&self) -> &'static str {
        match self {
            Outcome::Rekeyed => "rekeyed",
            Outcome::AlreadyNew => "already-new",
            Outcome::Empty => "empty",
            Outcome::Blocked(_) => "blocked",
        }
    }
}

/// One encrypted value of a file: where it is and what happens to it. Never the value.
#[derive(Debug, Clone)]
pub struct Value {
    pub ucc: String,
    pub setting: String,
    pub line: usize,
    /// Fingerprint of the string as found (as `validate-settings` shows them).
    pub fingerprint: String,
    /// Fingerprint of its new string, when rekeyed.
    pub new_fingerprint: Option<String>,
    pub outcome: Outcome,
}

/// The plan for one file.
#[derive(Debug)]
pub struct FilePlan {
    pub path: PathBuf,
    pub format: Format,
    pub values: Vec<Value>,
    /// A reason the whole file stands in the way (its new bytes did not read back right).
    pub problem: Option<String>,
    pub original: Vec<u8>,
    /// The new bytes, when some value changes and nothing stands in the way.
    pub rewritten: Option<Vec<u8>>,
}

impl FilePlan {
    pub fn blocked(&self) -> bool {
        self.problem.is_some()
            || self
                .values
                .iter()
                .any(|v| matches!(v.outcome, Outcome::Blocked(_)))
    }

    pub fn count(&self, id: &str) -> usize {
        self.values.iter().filter(|v| v.outcome.id() == id).count()
    }
}

fn is_encrypted(setting: &str) -> bool {
    // Any capitalisation: a value left under the old key is the costly mistake.
    ENCRYPTED
        .iter()
        .any(|n| n.eq_ignore_ascii_case(setting.trim()))
}

fn spans(path: &Path, format: Format, text: &str, csv_ucc: &str) -> Result<Spans, LoadError> {
    match format {
        Format::Yaml => locate::yaml(path, text),
        Format::Csv => locate::csv(path, text, csv_ucc),
    }
}

/// The text of a file a rewrite edits in place: UTF-8 only (its bytes outside the edited
/// values must stay as they are). A UTF-16 file, which the readers decode, is refused
/// with its encoding named and how to convert it.
pub fn utf8_text<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, LoadError> {
    let err = |message: String| LoadError {
        file: path.to_path_buf(),
        line: None,
        column: None,
        message,
    };
    let utf16 = match bytes {
        [0xff, 0xfe, ..] => Some("UTF-16LE"),
        [0xfe, 0xff, ..] => Some("UTF-16BE"),
        _ => None,
    };
    if let Some(enc) = utf16 {
        return Err(err(format!(
            "{enc} text (it has a {enc} byte order mark): crmctl reads it, but rewrites UTF-8 files only; convert it first, e.g. `iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8` (or save it as UTF-8 in your editor), then run this again"
        )));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
        err(format!(
            "not UTF-8 text (line {line}); crmctl rewrites UTF-8 files only: convert it first, e.g. with `iconv -t UTF-8`"
        ))
    })
}

/// Plans the rotation of one file. `csv_ucc` names the UCC of a CSV export.
/// Errors are files that can't be read as settings at all.
pub fn plan(
    path: &Path,
    bytes: Vec<u8>,
    csv_ucc: &str,
    keys: &Keys,
) -> Result<FilePlan, LoadError> {
    let format = Format::of(path);
    let text = utf8_text(path, &bytes)?;
    let found = spans(path, format, text, csv_ucc)?;
    let mut values = Vec::new();
    // (ucc index, row index) -> new string, and the byte edits that make it so.
    let mut changed: Vec<((usize, usize), String)> = Vec::new();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for (ui, ucc) in found.uccs.iter().enumerate() {
        for (ri, row) in ucc.rows.iter().enumerate() {
            if !is_encrypted(&row.setting) {
                continue;
            }
            let mut v = Value {
                ucc: ucc.name.clone(),
                setting: row.setting.clone(),
                line: row.line,
                fingerprint: fingerprint(row.value.trim()),
                new_fingerprint: None,
                outcome: Outcome::Empty,
            };
            if row.value.trim().is_empty() {
                values.push(v);
                continue;
            }
            v.outcome = match (
                keys.old.decrypt_base64(&row.value),
                keys.new.decrypt_base64(&row.value),
            ) {
                (Ok(_), Ok(_)) => Outcome::Blocked(Blocker::Ambiguous),
                (Err(_), Ok(_)) => Outcome::AlreadyNew,
                (Err(e), Err(_)) => Outcome::Blocked(Blocker::DoesNotDecrypt(e)),
                (Ok(plain), Err(_)) => {
                    let fresh = keys.new.encrypt_to_base64(plain.expose_secret());
                    let back = keys.new.decrypt_base64(&fresh);
                    let place = found.spans[ui][ri].clone();
                    match (back, place) {
                        (Ok(b), _) if b.expose_secret() != plain.expose_secret() => {
                            Outcome::Blocked(Blocker::RoundTrip)
                        }
                        (Err(_), _) => Outcome::Blocked(Blocker::RoundTrip),
                        (Ok(_), Some(Place::At { span, .. })) => {
                            v.new_fingerprint = Some(fingerprint(&fresh));
                            // Whitespace around the string (decryption ignores it) stays.
                            let span = trimmed(text, span);
                            // An alias shares its anchor's span: one edit serves both.
                            if !edits.iter().any(|(s, _)| *s == span) {
                                edits.push((span, fresh.clone()));
                            }
                            let core = row.value.trim();
                            let at = row.value.find(core).unwrap_or(0);
                            let expected = format!(
                                "{}{fresh}{}",
                                &row.value[..at],
                                &row.value[at + core.len()..]
                            );
                            changed.push(((ui, ri), expected));
                            Outcome::Rekeyed
                        }
                        (Ok(_), Some(Place::NotInPlace(why))) => {
                            Outcome::Blocked(Blocker::NotInPlace(why))
                        }
                        (Ok(_), None) => {
                            Outcome::Blocked(Blocker::NotInPlace("no value to replace".into()))
                        }
                    }
                }
            };
            values.push(v);
        }
    }
    let mut file = FilePlan {
        path: path.to_path_buf(),
        format,
        values,
        problem: None,
        original: Vec::new(),
        rewritten: None,
    };
    if !file.blocked() && !edits.is_empty() {
        let new_text = apply(text, &mut edits);
        match verify(path, format, csv_ucc, &found.uccs, &changed, &new_text) {
            Ok(()) => file.rewritten = Some(new_text.into_bytes()),
            Err(problem) => file.problem = Some(problem),
        }
    }
    file.original = bytes;
    Ok(file)
}

/// The span without the whitespace at either end of its text.
fn trimmed(text: &str, span: Range<usize>) -> Range<usize> {
    let raw = &text[span.clone()];
    let start = span.start + (raw.len() - raw.trim_start().len());
    let end = span.end - (raw.len() - raw.trim_end().len());
    start..end.max(start)
}

/// Replaces each span with its new text; spans never overlap (each is one scalar).
fn apply(text: &str, edits: &mut [(Range<usize>, String)]) -> String {
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (range, new) in edits.iter() {
        out.push_str(&text[at..range.start]);
        out.push_str(new);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The new text must read as the old one in every name, scope, line and value,
/// except the rekeyed values, which must read as their new strings.
fn verify(
    path: &Path,
    format: Format,
    csv_ucc: &str,
    old: &[Ucc],
    changed: &[((usize, usize), String)],
    new_text: &str,
) -> Result<(), String> {
    reads_back(path, format, csv_ucc, old, new_text, |at, row| {
        let value = changed
            .iter()
            .find(|(c, _)| *c == at)
            .map_or(row.value.as_str(), |(_, v)| v.as_str());
        [row.setting.clone(), row.scope.clone(), value.to_string()]
    })
}

/// The check after every rewrite (rekey, `settings set`, `validate-settings --fix`):
/// the new text reads back with the same UCCs, names, rows and lines as `old`, and
/// each row (UCC index, row index) with the setting, scope and value `want` gives.
fn reads_back(
    path: &Path,
    format: Format,
    csv_ucc: &str,
    old: &[Ucc],
    new_text: &str,
    want: impl Fn((usize, usize), &super::Row) -> [String; 3],
) -> Result<(), String> {
    let back = match format {
        Format::Yaml => super::load::yaml(path, new_text),
        Format::Csv => super::load::csv(path, new_text, csv_ucc).map(|u| vec![u]),
    }
    .map_err(|e| format!("the rewritten file does not read back: {}", e.message))?;
    let same_shape = back.len() == old.len()
        && back
            .iter()
            .zip(old)
            .all(|(b, o)| b.name == o.name && b.line == o.line && b.rows.len() == o.rows.len());
    if !same_shape {
        return Err("the rewritten file reads back with other UCCs or rows".into());
    }
    for (ui, (b, o)) in back.iter().zip(old).enumerate() {
        for (ri, (br, or)) in b.rows.iter().zip(&o.rows).enumerate() {
            let [setting, scope, value] = want((ui, ri), or);
            if br.setting != setting || br.scope != scope || br.value != value || br.line != or.line
            {
                return Err(format!(
                    "line {}: the rewritten file reads back differently (is the field shared with another setting through a YAML alias?)",
                    or.line
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher(k: u8) -> Cipher {
        Cipher::new(&[k; 32], &[k; 16]).expect("key")
    }

    #[test]
    fn only_the_values_change_in_every_quoting_style() {
        let (old, new) = (cipher(1), cipher(2));
        let keys = Keys {
            old: &old,
            new: &new,
        };
        let (p, c, s) = (
            old.encrypt_to_base64("pw+token"),
            old.encrypt_to_base64("client id"),
            old.encrypt_to_base64("client secret"),
        );
        let text = format!(
            "\u{feff}# estate\r\nuccs:\r\n  - name: a # first\r\n    settings:\r\n      - {{ setting: Password, scope: CrmService, value: {p} }}\r\n      - setting: ClientId\r\n        value: '{c}'   # quoted\r\n      - setting: ClientSecret\r\n        value: \"{s}\"\r\n      - {{ setting: Username, value: 'x@y.z' }}\r\n"
        );
        let fp = plan(Path::new("e.yaml"), text.clone().into_bytes(), "", &keys).expect("plan");
        assert!(!fp.blocked(), "{fp:?}");
        assert_eq!(fp.count("rekeyed"), 3);
        let out = String::from_utf8(fp.rewritten.expect("rewritten")).expect("utf8");
        let expected = text
            .replace(&p, &new.encrypt_to_base64("pw+token"))
            .replace(&c, &new.encrypt_to_base64("client id"))
            .replace(&s, &new.encrypt_to_base64("client secret"));
        assert_eq!(out, expected);
    }

    #[test]
    fn already_new_empty_and_undecryptable_values() {
        let (old, new, other) = (cipher(1), cipher(2), cipher(3));
        let keys = Keys {
            old: &old,
            new: &new,
        };
        let text = format!(
            "uccs:\n  - name: a\n    settings:\n      - {{ setting: Password, value: {} }}\n      - {{ setting: ClientId, value: '' }}\n      - {{ setting: ClientSecret, value: {} }}\n",
            new.encrypt_to_base64("p"),
            other.encrypt_to_base64("s"),
        );
        let fp = plan(Path::new("e.yaml"), text.into_bytes(), "", &keys).expect("plan");
        let ids: Vec<&str> = fp.values.iter().map(|v| v.outcome.id()).collect();
        assert_eq!(ids, ["already-new", "empty", "blocked"]);
        assert!(fp.blocked() && fp.rewritten.is_none());
        assert_eq!(fp.values[2].line, 6);
    }

    #[test]
    fn a_value_that_decrypts_under_both_keys_stands_in_the_way() {
        let k = cipher(1);
        let keys = Keys { old: &k, new: &k };
        let text = format!(
            "uccs:\n  - name: a\n    settings:\n      - {{ setting: password, value: {} }}\n",
            k.encrypt_to_base64("p")
        );
        let fp = plan(Path::new("e.yaml"), text.into_bytes(), "", &keys).expect("plan");
        assert_eq!(fp.values[0].outcome, Outcome::Blocked(Blocker::Ambiguous));
        assert_eq!(
            fp.values[0].setting, "password",
            "any capitalisation is rekeyed"
        );
    }

    #[test]
    fn an_alias_shared_with_a_plain_setting_is_refused() {
        let (old, new) = (cipher(1), cipher(2));
        let keys = Keys {
            old: &old,
            new: &new,
        };
        let text = format!(
            "uccs:\n  - name: a\n    settings:\n      - {{ setting: ClientId, value: &id {} }}\n      - {{ setting: Username, value: *id }}\n",
            old.encrypt_to_base64("c"),
        );
        let fp = plan(Path::new("e.yaml"), text.into_bytes(), "", &keys).expect("plan");
        assert!(fp.problem.is_some() && fp.rewritten.is_none());
        // Shared between two encrypted settings, one edit serves both.
        let text = format!(
            "uccs:\n  - name: a\n    settings:\n      - {{ setting: ClientId, value: &id {} }}\n  - name: b\n    settings:\n      - {{ setting: ClientId, value: *id }}\n",
            old.encrypt_to_base64("c"),
        );
        let fp = plan(Path::new("e.yaml"), text.into_bytes(), "", &keys).expect("plan");
        assert_eq!(fp.count("rekeyed"), 2, "{fp:?}");
        assert!(fp.rewritten.is_some());
    }

    #[test]
    fn whitespace_around_a_string_is_kept() {
        let (old, new) = (cipher(1), cipher(2));
        let keys = Keys {
            old: &old,
            new: &new,
        };
        let c = old.encrypt_to_base64("c");
        let text = format!(
            "uccs:\n  - name: a\n    settings:\n      - {{ setting: ClientId, value: \" {c}\t\" }}\n"
        );
        let fp = plan(Path::new("e.yaml"), text.clone().into_bytes(), "", &keys).expect("plan");
        let out = String::from_utf8(fp.rewritten.expect("rewritten")).expect("utf8");
        assert_eq!(out, text.replace(&c, &new.encrypt_to_base64("c")));
        let text = format!("Setting,Value,Scope\nPassword, {c} ,CrmService\n");
        let fp = plan(Path::new("l.csv"), text.clone().into_bytes(), "u", &keys).expect("plan");
        let out = String::from_utf8(fp.rewritten.expect("rewritten")).expect("utf8");
        assert_eq!(out, text.replace(&c, &new.encrypt_to_base64("c")));
    }

    #[test]
    fn csv_values_change_and_nothing_else() {
        let (old, new) = (cipher(1), cipher(2));
        let keys = Keys {
            old: &old,
            new: &new,
        };
        let p = old.encrypt_to_base64("pw");
        let text = format!(
            "\u{feff}Title;Value;Scope\r\nUsername;a@b.c;CrmService\r\nPassword;\"{p}\";CrmService\r\nClientId;{p};CrmService"
        );
        let fp = plan(Path::new("l.CSV"), text.clone().into_bytes(), "u", &keys).expect("plan");
        assert_eq!(fp.format, Format::Csv);
        let out = String::from_utf8(fp.rewritten.expect("rewritten")).expect("utf8");
        assert_eq!(out, text.replace(&p, &new.encrypt_to_base64("pw")));
    }
}
