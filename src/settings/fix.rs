//! `validate-settings --fix`: the mends that have exactly one right answer, as edits of
//! a settings file's fields. Secrets (Password, ClientId, ClientSecret) are never
//! touched; a name that could belong to two rows (a duplicate) is left to its finding.

use super::Ucc;
use super::rewrite::edit::{Edit, Part};
use super::rules::{ENCRYPTED, KNOWN};

/// One mend, and what it is for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub edit: Edit,
    /// What is mended: `setting-case`, `scope-case`, `value-whitespace`, `trailing-slash`.
    pub kind: &'static str,
    pub setting: String,
    pub line: usize,
    /// The old and new text (never of a secret: secrets are never mended).
    pub old: String,
    pub new: String,
}

/// `services/data/vNN.N` with one trailing slash, when it has none or several.
fn api_endpoint_slash(v: &str) -> Option<String> {
    let core = v.trim_end_matches('/');
    let version = core.strip_prefix("services/data/v")?;
    let (major, minor) = version.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(major) && digits(minor) && v != format!("{core}/")).then(|| format!("{core}/"))
}

/// The mends of the UCCs of one file (`ucc` indexes are the file's own).
pub fn fixes(uccs: &[Ucc]) -> Vec<Fix> {
    let mut out = Vec::new();
    for (ui, u) in uccs.iter().enumerate() {
        for (ri, row) in u.rows.iter().enumerate() {
            let Some((name, scope)) = KNOWN
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&row.setting))
            else {
                continue;
            };
            let twice = u
                .rows
                .iter()
                .filter(|r| r.setting.eq_ignore_ascii_case(name))
                .count()
                > 1;
            let mut push = |part: Part, kind: &'static str, old: &str, new: String| {
                out.push(Fix {
                    edit: Edit {
                        ucc: ui,
                        row: ri,
                        part,
                        new: new.clone(),
                    },
                    kind,
                    setting: name.to_string(),
                    line: row.line,
                    old: old.to_string(),
                    new,
                });
            };
            if row.setting != *name && !twice {
                push(
                    Part::Setting,
                    "setting-case",
                    &row.setting,
                    name.to_string(),
                );
            }
            if row.scope != *scope && row.scope.eq_ignore_ascii_case(scope) {
                push(Part::Scope, "scope-case", &row.scope, scope.to_string());
            }
            if ENCRYPTED.contains(name) || row.value.trim().is_empty() {
                continue;
            }
            let trimmed = row.value.trim();
            let slashed = (*name == "ApiEndPoint")
                .then(|| api_endpoint_slash(trimmed))
                .flatten();
            match (trimmed != row.value, slashed) {
                (_, Some(v)) => push(Part::Value, "trailing-slash", &row.value, v),
                (true, None) => push(
                    Part::Value,
                    "value-whitespace",
                    &row.value,
                    trimmed.to_string(),
                ),
                (false, None) => {}
            }
        }
    }
    out
}

/// A unified diff of two texts (`---`/`+++` headers, hunks with 3 lines of context).
/// Mends never add or remove lines; should the line counts differ, one hunk holds all.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    if a == b {
        return String::new();
    }
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let line = |s: &str| {
        let s = s.strip_suffix('\n').unwrap_or(s);
        s.strip_suffix('\r').unwrap_or(s).to_string()
    };
    if a.len() != b.len() {
        out.push_str(&format!("@@ -1,{} +1,{} @@\n", a.len(), b.len()));
        a.iter()
            .for_each(|l| out.push_str(&format!("-{}\n", line(l))));
        b.iter()
            .for_each(|l| out.push_str(&format!("+{}\n", line(l))));
        return out;
    }
    let changed: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    let mut i = 0;
    while i < changed.len() {
        // Changes within 6 lines of each other share a hunk.
        let mut j = i;
        while j + 1 < changed.len() && changed[j + 1] - changed[j] <= 6 {
            j += 1;
        }
        let start = changed[i].saturating_sub(3);
        let end = (changed[j] + 4).min(a.len());
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            start + 1,
            end - start,
            start + 1,
            end - start
        ));
        for k in start..end {
            if a[k] == b[k] {
                out.push_str(&format!(" {}\n", line(a[k])));
            } else {
                out.push_str(&format!("-{}\n", line(a[k])));
                out.push_str(&format!("+{}\n", line(b[k])));
            }
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn only_what_has_one_right_answer() {
        let text = "uccs:\n  - name: a\n    settings:\n      - { setting: password, scope: crmservice, value: ' x ' }\n      - { setting: apiendpoint, scope: CrmService, value: ' services/data/v60.0// ' }\n      - { setting: Username, scope: CRMSERVICE, value: ' u@x.y' }\n      - { setting: clientid, value: a }\n      - { setting: ClientId, value: b }\n      - { setting: Region, value: ' eu ' }\n";
        let uccs = crate::settings::load::yaml(Path::new("e.yaml"), text).expect("loads");
        let all = fixes(&uccs);
        let got: Vec<(&str, &str, &str)> = all
            .iter()
            .map(|f| (f.kind, f.setting.as_str(), f.edit.new.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("setting-case", "Password", "Password"),
                ("scope-case", "Password", "CrmService"),
                ("setting-case", "ApiEndPoint", "ApiEndPoint"),
                ("trailing-slash", "ApiEndPoint", "services/data/v60.0/"),
                ("scope-case", "Username", "CrmService"),
                ("value-whitespace", "Username", "u@x.y"),
            ]
        );
    }

    #[test]
    fn diffs_have_context_and_headers() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nD\ne\nf\ng\nh\n";
        assert_eq!(
            unified_diff("x.yaml", old, new),
            "--- a/x.yaml\n+++ b/x.yaml\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n"
        );
        assert_eq!(unified_diff("x", old, old), "");
    }
}
