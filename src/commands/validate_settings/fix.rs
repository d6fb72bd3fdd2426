//! `validate-settings --fix`: mends the files before they are checked (or, with
//! `--dry-run`, shows the mends as a unified diff and writes nothing). The mends are
//! `settings::fix`'s; the bytes are rewritten by `settings::rewrite` like `rekey` and
//! `settings set` rewrite them: only the mended fields change, all files or none.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::error::CliError;
use crate::output::Printer;
use crate::settings::fix::{self, Fix};
use crate::settings::rewrite::{commit, edit};
use crate::settings::rules::{ENCRYPTED, fingerprint};

/// What --fix did, or would do.
pub(super) struct Fixed {
    pub dry_run: bool,
    pub fixes: Vec<(PathBuf, Fix)>,
    pub diff: String,
    /// Under `dry_run`: each file to mend with its mended text, which is checked in
    /// its place so that the findings are those the real --fix would leave.
    pub mended: Vec<(PathBuf, String)>,
}

impl Fixed {
    /// The text to check for `path` instead of the file (dry run only).
    pub fn mended_text(&self, path: &Path) -> Option<&str> {
        self.mended
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.as_str())
    }
}

impl Fixed {
    pub fn to_json(&self) -> Value {
        json!({
            "dry_run": self.dry_run,
            // The findings are of the files as --fix leaves them (under --dry-run: as
            // it would leave them, checked in memory).
            "findings_after_fix": true,
            "written": !self.dry_run && !self.fixes.is_empty(),
            "fixes": self.fixes.iter().map(|(p, f)| json!({
                "file": p.display().to_string(),
                "line": f.line,
                "setting": f.setting,
                "fix": f.kind,
                "old": f.old,
                "new": f.new,
            })).collect::<Vec<_>>(),
            "diff": self.diff,
        })
    }

    /// Lines for the text report (file text shown with its control characters escaped).
    pub fn text(&self, out: &Printer) -> String {
        if self.dry_run {
            let mut t = out.quoted_lines(&self.diff);
            let n = self.fixes.len();
            t.push_str(&format!(
                "dry run: {n} {} would be made; nothing was written (findings as they would be after the fixes)\n",
                if n == 1 { "fix" } else { "fixes" }
            ));
            return t;
        }
        let mut t = String::new();
        for (p, f) in &self.fixes {
            t.push_str(&format!(
                "fixed {}:{} {} [{}]: `{}` -> `{}`\n",
                out.quoted(&p.display().to_string()),
                f.line,
                f.setting,
                f.kind,
                out.quoted(&f.old),
                out.quoted(&f.new)
            ));
        }
        t
    }
}

/// The mends that can be made, tried one at a time.
fn one_by_one(
    path: &Path,
    text: &str,
    csv_ucc: &str,
    located: &edit::Located,
    all: Vec<Fix>,
) -> (Vec<Fix>, String) {
    let mut kept: Vec<Fix> = Vec::new();
    let mut new = text.to_string();
    for f in all {
        let mut edits: Vec<edit::Edit> = kept.iter().map(|k| k.edit.clone()).collect();
        edits.push(f.edit.clone());
        if let Ok(t) = edit::apply(path, text, csv_ucc, located, &edits) {
            new = t;
            kept.push(f);
        }
    }
    (kept, new)
}

struct Planned {
    path: PathBuf,
    original: Vec<u8>,
    new: String,
}

/// Plans one file: every mend that can be made in place (one that can't, as a value
/// shared through an alias, is left to its finding).
fn plan(path: &Path, csv_ucc: &str) -> Result<Option<(Planned, Vec<Fix>, String)>, CliError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| CliError::input(format!("cannot read {}", path.display())).with_cause(e))?;
    if !meta.is_file() {
        return Err(CliError::input(format!(
            "{} is not a regular file; --fix only rewrites regular files",
            path.display()
        )));
    }
    let original = std::fs::read(path)
        .map_err(|e| CliError::input(format!("cannot read {}", path.display())).with_cause(e))?;
    let text = crate::settings::rewrite::utf8_text(path, &original)
        .map_err(|e| CliError::input(e.to_string()))?
        .to_string();
    let located = edit::locate(path, &text, csv_ucc)?;
    let all = fix::fixes(&located.spans.uccs);
    let edits: Vec<edit::Edit> = all.iter().map(|f| f.edit.clone()).collect();
    // Usually every mend can be made at once; only when one can't (a value shared
    // through an alias) are they tried one by one, keeping those that can.
    let (kept, new) = match edit::apply(path, &text, csv_ucc, &located, &edits) {
        Ok(new) => (all, new),
        Err(_) => one_by_one(path, &text, csv_ucc, &located, all),
    };
    if kept.is_empty() {
        return Ok(None);
    }
    if meta.permissions().readonly() {
        return Err(CliError::input(format!(
            "{} is read-only; --fix will not replace it",
            path.display()
        ))
        .with_hint("use --fix --dry-run to see the fixes, or make the file writable"));
    }
    let mut diff = fix::unified_diff(&path.display().to_string(), &text, &new);
    // Encrypted strings in the context lines appear as fingerprints, as in every report.
    let secrets: std::collections::BTreeSet<&str> = located
        .spans
        .uccs
        .iter()
        .flat_map(|u| &u.rows)
        .filter(|r| ENCRYPTED.iter().any(|n| n.eq_ignore_ascii_case(&r.setting)))
        .map(|r| r.value.trim())
        .filter(|v| !v.is_empty())
        .collect();
    for v in secrets {
        diff = diff.replace(v, &fingerprint(v));
    }
    Ok(Some((
        Planned {
            path: path.to_path_buf(),
            original,
            new,
        },
        kept,
        diff,
    )))
}

/// Mends every file (all or none), or with `dry_run` only says how.
pub(super) fn run(
    files: &[PathBuf],
    csv_ucc: Option<&str>,
    dry_run: bool,
) -> Result<Fixed, CliError> {
    if files.iter().any(|f| f.as_os_str() == "-") {
        return Err(CliError::usage(
            "--fix rewrites files in place and cannot read stdin (-)",
        ));
    }
    let mut planned = Vec::new();
    let mut out = Fixed {
        dry_run,
        fixes: Vec::new(),
        diff: String::new(),
        mended: Vec::new(),
    };
    // Every file must be readable as settings before any is written.
    if csv_ucc.is_none()
        && let Some(csv) = files
            .iter()
            .find(|f| f.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
    {
        return Err(CliError::input(format!(
            "{}: a CSV export holds one UCC's list: name it with --ucc",
            csv.display()
        )));
    }
    for path in files {
        if let Some((p, fixes, diff)) = plan(path, csv_ucc.unwrap_or_default())? {
            out.fixes
                .extend(fixes.into_iter().map(|f| (path.clone(), f)));
            out.diff.push_str(&diff);
            planned.push(p);
        }
    }
    if dry_run || planned.is_empty() {
        if dry_run {
            out.mended = planned.into_iter().map(|p| (p.path, p.new)).collect();
        }
        return Ok(out);
    }
    let changes: Vec<commit::Change> = planned
        .iter()
        .map(|p| commit::Change {
            path: &p.path,
            original: &p.original,
            new: p.new.as_bytes(),
        })
        .collect();
    commit::commit(&changes, false).map_err(|e| {
        CliError::input(format!("could not write {}", e.path.display()))
            .with_cause(&e.message)
            .with_hint(if e.stranded.is_empty() {
                "no file was changed".to_string()
            } else {
                "some files could not be put back: see the temporary copies beside them".to_string()
            })
    })?;
    Ok(out)
}
