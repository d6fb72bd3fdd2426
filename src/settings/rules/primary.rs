//! Across UCCs: one name each, and identical primary settings in the UCCs that share
//! a CRM Service.

use std::collections::BTreeMap;

use super::urls::parse_url;
use super::{ENCRYPTED, Finding, KNOWN, Severity, exact, fingerprint};
use crate::settings::{Row, Ucc};

/// Two UCCs with one name (any case, spaces around ignored), in one file or across files.
pub(super) fn check_names(uccs: &[Ucc], out: &mut Vec<Finding>) {
    // Two UCCs with one name: findings, logins and reports could not tell them apart.
    let mut names: BTreeMap<String, &Ucc> = BTreeMap::new();
    for u in uccs {
        if let Some(first) = names.insert(u.name.trim().to_lowercase(), u) {
            out.push(Finding {
                ucc: u.name.clone(),
                setting: None,
                severity: Severity::Error,
                rule: "duplicate-ucc",
                message: format!(
                    "the UCC name `{}` is used twice (first at {}:{})",
                    u.name,
                    first.file.display(),
                    first.line
                )
                .into(),
                hint: "give every UCC its own name".into(),
                file: u.file.display().to_string(),
                line: u.line,
            });
        }
    }
}

/// UCCs sharing one CRM Service (the same CrmServiceUrl host) must hold identical
/// CrmService settings: the first UCC to publish at start-up wins.
pub(super) fn check(uccs: &[Ucc], out: &mut Vec<Finding>) {
    let mut groups: BTreeMap<String, Vec<&Ucc>> = BTreeMap::new();
    for u in uccs {
        if let Some(h) = exact(u, "CrmServiceUrl")
            .and_then(|r| parse_url(&r.value))
            .map(|u| u.host)
        {
            groups.entry(h).or_default().push(u);
        }
    }
    for (host, members) in groups.iter().filter(|(_, m)| m.len() > 1) {
        let names: Vec<&str> = KNOWN
            .iter()
            .filter(|(_, s)| *s == "CrmService")
            .map(|(n, _)| *n)
            .collect();
        for name in names {
            let values: Vec<(&Ucc, Option<&Row>)> =
                members.iter().map(|u| (*u, exact(u, name))).collect();
            let distinct: std::collections::BTreeSet<Option<&str>> = values
                .iter()
                .map(|(_, r)| r.map(|r| r.value.trim()))
                .collect();
            if distinct.len() < 2 {
                continue;
            }
            let shown: Vec<String> = values
                .iter()
                .map(|(u, r)| {
                    let v = match r {
                        None => "(missing)".to_string(),
                        Some(r) if ENCRYPTED.contains(&name) => fingerprint(r.value.trim()),
                        Some(r) => format!("\"{}\"", r.value.trim()),
                    };
                    format!("{}={v}", u.name)
                })
                .collect();
            for (u, r) in &values {
                out.push(Finding {
                    ucc: u.name.clone(),
                    setting: Some(name.to_string()),
                    severity: Severity::Error,
                    rule: "primary-mismatch",
                    message: format!("{name} differs between the UCCs sharing the CRM Service at {host}: {}", shown.join(", ")).into(),
                    hint: "primary settings must be identical in every UCC that shares a CRM Service: the first UCC to publish at start-up wins, so a difference means unpredictable behaviour after a restart".into(),
                    file: r.map(|r| r.file.display().to_string()).unwrap_or_else(|| u.file.display().to_string()),
                    line: r.map(|r| r.line).unwrap_or(u.line),
                });
            }
        }
    }
}

/// The host of a UCC's CrmServiceUrl, lowercased: UCCs with the same one share a CRM
/// Service, and so must hold identical CrmService settings.
pub fn service_host(u: &Ucc) -> Option<String> {
    exact(u, "CrmServiceUrl")
        .and_then(|r| parse_url(&r.value))
        .map(|u| u.host.to_ascii_lowercase())
}
