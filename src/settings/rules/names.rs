//! Names and scopes: duplicates (in any case), misspellings, capitals, scopes, and the
//! mandatory CrmService settings.

use std::collections::BTreeMap;

use super::{Ctx, KNOWN, MANDATORY, Severity, exact, is_placeholder};
use crate::settings::Row;

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (
        a.to_lowercase().chars().collect(),
        b.to_lowercase().chars().collect(),
    );
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The rules of this family for one UCC.
pub(super) fn check(c: &mut Ctx<'_>) {
    let ucc = c.ucc;
    use Severity::{Error, Warning};
    // Duplicates, unknown names, scopes.
    // Names are compared without regard to case, so `password` and `Password` are one
    // setting set twice, and a miscased name is one finding, not also "missing".
    let mut seen: BTreeMap<String, &Row> = BTreeMap::new();
    for row in &ucc.rows {
        if let Some(first) = seen.insert(row.setting.to_ascii_lowercase(), row) {
            c.at(
                Some(row),
                None,
                Error,
                "duplicate-setting",
                format!(
                    "{} is set twice (first at line {})",
                    row.setting, first.line
                ),
                "keep one row: which one the service reads is not defined",
            );
        }
        match KNOWN
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&row.setting))
        {
            Some((name, scope)) => {
                if *name != row.setting {
                    c.at(
                        Some(row),
                        None,
                        Error,
                        "setting-case",
                        format!("`{}` is spelt `{name}` in the documents", row.setting),
                        "setting names are read exactly as documented, capitals included (scopes and CSV column names are matched in any case)",
                    );
                }
                if !row.scope.eq_ignore_ascii_case(scope) {
                    c.at(Some(row), None, Error, "wrong-scope", format!("{} has scope `{}`; the documents give it scope {scope}", row.setting, row.scope), "fix the Scope column; the service reads the setting from its own scope only");
                }
            }
            None => {
                let close = KNOWN
                    .iter()
                    .map(|(n, _)| *n)
                    .find(|n| edit_distance(n, &row.setting) <= 2);
                if let Some(n) = close {
                    c.at(
                        Some(row),
                        None,
                        Error,
                        "unknown-setting",
                        format!("unknown setting `{}`: did you mean `{n}`?", row.setting),
                        "setting names are read exactly as documented, capitals included",
                    );
                } else if row.scope.eq_ignore_ascii_case("CrmService") {
                    c.at(Some(row), None, Warning, "unknown-setting", format!("`{}` is not a setting the CRM Service documents", row.setting), "check the spelling against the documents; optional settings are listed under Additional configuration");
                }
            }
        }
    }
    // Mandatory CrmService settings, present and filled in.
    for name in MANDATORY {
        match exact(ucc, name) {
            None => c.at(
                None,
                Some(name),
                Error,
                "mandatory-missing",
                format!("mandatory setting {name} is missing"),
                "add it to the Plugin Settings list with scope CrmService",
            ),
            Some(r) if is_placeholder(&r.value) => c.at(
                Some(r),
                None,
                Error,
                "mandatory-empty",
                format!("{name} is empty or a placeholder"),
                "fill in the real value",
            ),
            Some(_) => {}
        }
    }
}

/// The documented setting a misspelt name is closest to (at most two edits away).
pub fn did_you_mean(name: &str) -> Option<&'static str> {
    KNOWN
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| edit_distance(n, name) <= 2)
        .min_by_key(|n| edit_distance(n, name))
}
