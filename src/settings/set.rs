//! `settings set`: which rows one new value goes into (one UCC's, or every UCC that
//! shares its CRM Service), the files' new bytes, and the findings that stop it.
//! Nothing here prints, asks or writes.

use std::path::{Path, PathBuf};

use super::rewrite::edit::{self, Edit, Located, Part};
use super::rules::{self, Finding, KNOWN, Severity};
use super::{LoadError, Ucc};
use crate::crypto::Cipher;

/// One settings file read for editing.
pub struct SetFile {
    pub path: PathBuf,
    pub original: Vec<u8>,
    pub text: String,
    /// The UCC name a CSV export stands for.
    pub csv_ucc: String,
    pub located: Located,
}

impl SetFile {
    pub fn read(path: &Path, bytes: Vec<u8>, csv_ucc: &str) -> Result<SetFile, LoadError> {
        let text = super::rewrite::utf8_text(path, &bytes)?.to_string();
        let located = edit::locate(path, &text, csv_ucc)?;
        Ok(SetFile {
            path: path.to_path_buf(),
            original: bytes,
            text,
            csv_ucc: csv_ucc.to_string(),
            located,
        })
    }

    pub fn uccs(&self) -> &[Ucc] {
        &self.located.spans.uccs
    }
}

/// A row the value goes into: `files[file].uccs()[ucc].rows[row]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub file: usize,
    pub ucc: usize,
    pub row: usize,
}

/// Why the value can't be set; each names what exists instead.
#[derive(Debug, Clone, PartialEq)]
pub enum SetError {
    NoUcc {
        name: String,
        existing: Vec<String>,
    },
    NoSetting {
        ucc: String,
        setting: String,
        suggestion: Option<&'static str>,
        existing: Vec<String>,
    },
    Twice {
        ucc: String,
        setting: String,
        lines: Vec<usize>,
    },
    /// The file can't be rewritten in place (`file`, why).
    NotInPlace(PathBuf, String),
}

impl std::fmt::Display for SetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetError::NoUcc { name, existing } => write!(
                f,
                "no UCC named `{name}`; the files hold: {}",
                list(existing)
            ),
            SetError::NoSetting {
                ucc,
                setting,
                suggestion,
                existing,
            } => {
                write!(f, "UCC `{ucc}` has no setting `{setting}`")?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean `{s}`?)")?;
                }
                write!(f, "; it has: {}", list(existing))
            }
            SetError::Twice {
                ucc,
                setting,
                lines,
            } => write!(
                f,
                "UCC `{ucc}` has {setting} more than once (lines {}): which one is meant can't be told",
                lines
                    .iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            SetError::NotInPlace(file, why) => write!(f, "{}: {why}", file.display()),
        }
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "nothing".into()
    } else {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The documented spelling of a setting name typed in any case, else the name as typed.
pub fn canonical(setting: &str) -> String {
    KNOWN
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(setting.trim()))
        .map(|(n, _)| n.to_string())
        .unwrap_or_else(|| setting.trim().to_string())
}

/// The rows to change: `setting` of the UCC named `ucc` (any case, spaces around
/// ignored), and with `all_sharing` of every UCC whose CrmServiceUrl has the same host.
pub fn targets(
    files: &[SetFile],
    ucc: &str,
    setting: &str,
    all_sharing: bool,
) -> Result<Vec<Target>, SetError> {
    let key = |n: &str| n.trim().to_lowercase();
    let all: Vec<(usize, usize, &Ucc)> = files
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| f.uccs().iter().enumerate().map(move |(ui, u)| (fi, ui, u)))
        .collect();
    let Some(&(_, _, named)) = all.iter().find(|(_, _, u)| key(&u.name) == key(ucc)) else {
        return Err(SetError::NoUcc {
            name: ucc.to_string(),
            existing: all.iter().map(|(_, _, u)| u.name.clone()).collect(),
        });
    };
    let host = rules::service_host(named);
    let members: Vec<&(usize, usize, &Ucc)> = all
        .iter()
        .filter(|(_, _, u)| {
            key(&u.name) == key(ucc)
                || (all_sharing && host.is_some() && rules::service_host(u) == host)
        })
        .collect();
    let mut out = Vec::new();
    for (fi, ui, u) in members {
        let rows: Vec<usize> = u
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.setting.eq_ignore_ascii_case(setting.trim()))
            .map(|(i, _)| i)
            .collect();
        match rows.as_slice() {
            [] => {
                return Err(SetError::NoSetting {
                    ucc: u.name.clone(),
                    setting: setting.to_string(),
                    suggestion: rules::did_you_mean(setting)
                        .filter(|s| !s.eq_ignore_ascii_case(setting.trim())),
                    existing: u.rows.iter().map(|r| r.setting.clone()).collect(),
                });
            }
            [row] => out.push(Target {
                file: *fi,
                ucc: *ui,
                row: *row,
            }),
            more => {
                return Err(SetError::Twice {
                    ucc: u.name.clone(),
                    setting: setting.to_string(),
                    lines: more.iter().map(|&i| u.rows[i].line).collect(),
                });
            }
        }
    }
    Ok(out)
}

/// Each file's new text (`None` when none of its rows change).
pub fn apply(
    files: &[SetFile],
    targets: &[Target],
    value: &str,
) -> Result<Vec<Option<String>>, SetError> {
    files
        .iter()
        .enumerate()
        .map(|(fi, f)| {
            let edits: Vec<Edit> = targets
                .iter()
                .filter(|t| t.file == fi)
                .map(|t| Edit {
                    ucc: t.ucc,
                    row: t.row,
                    part: Part::Value,
                    new: value.to_string(),
                })
                .collect();
            if edits.is_empty() {
                return Ok(None);
            }
            edit::apply(&f.path, &f.text, &f.csv_ucc, &f.located, &edits)
                .map(Some)
                .map_err(|why| SetError::NotInPlace(f.path.clone(), why))
        })
        .collect()
}

/// What the check before writing found.
pub struct Checked {
    /// Errors the change brings (on the changed rows, or a new error anywhere):
    /// any one of them, and nothing is written.
    pub refused: Vec<Finding>,
    /// Encrypted values elsewhere that do not decrypt under the key profile (a warning:
    /// they may be under another key on purpose).
    pub undecryptable: Vec<Finding>,
}

/// Validates the files as they are and as they would be. `after` holds the new UCCs
/// of every file (the old ones where a file does not change).
pub fn check(before: &[Ucc], after: &[Ucc], cipher: Option<&Cipher>) -> Checked {
    let old = rules::check_all(before, cipher);
    let new = rules::check_all(after, cipher);
    let same = |a: &Finding, b: &Finding| {
        a.ucc == b.ucc && a.rule == b.rule && a.line == b.line && a.file == b.file
    };
    let (undecryptable, errors): (Vec<Finding>, Vec<Finding>) = new
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .partition(|f| f.rule == "does-not-decrypt");
    Checked {
        refused: errors
            .into_iter()
            .filter(|f| !old.iter().any(|o| same(o, f)))
            .collect(),
        undecryptable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SetFile {
        SetFile::read(Path::new("e.yaml"), text.as_bytes().to_vec(), "").expect("reads")
    }

    const ESTATE: &str = "uccs:\n  - name: a\n    settings:\n      - { setting: CrmServiceUrl, scope: WebAgentService, value: http://s.contoso.local/CrmServiceSalesforce }\n      - { setting: Username, scope: CrmService, value: x@y.z }\n  - name: b\n    settings:\n      - { setting: CrmServiceUrl, scope: WebAgentService, value: http://S.contoso.local/CrmServiceSalesforce }\n      - { setting: username, scope: CrmService, value: x@y.z }\n  - name: c\n    settings:\n      - { setting: CrmServiceUrl, scope: WebAgentService, value: http://other.contoso.local/CrmServiceSalesforce }\n      - { setting: Username, scope: CrmService, value: x@y.z }\n";

    #[test]
    fn one_ucc_or_every_ucc_sharing_its_service() {
        let files = [file(ESTATE)];
        let one = targets(&files, " A ", "USERNAME", false).expect("found");
        assert_eq!(
            one,
            [Target {
                file: 0,
                ucc: 0,
                row: 1
            }]
        );
        let all = targets(&files, "a", "Username", true).expect("found");
        assert_eq!(all.len(), 2, "{all:?}");
        assert_eq!(
            all[1],
            Target {
                file: 0,
                ucc: 1,
                row: 1
            }
        );
        let texts = apply(&files, &all, "n@y.z").expect("applies");
        assert_eq!(
            texts[0].as_deref().expect("changed"),
            ESTATE.replacen("value: x@y.z", "value: n@y.z", 2)
        );
    }

    #[test]
    fn missing_uccs_and_settings_name_what_exists() {
        let files = [file(ESTATE)];
        let e = targets(&files, "d", "Username", false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no UCC named `d`; the files hold: `a`, `b`, `c`"
        );
        let e = targets(&files, "a", "Pasword", false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "UCC `a` has no setting `Pasword` (did you mean `Password`?); it has: `CrmServiceUrl`, `Username`"
        );
    }
}
