//! The one way crmctl parses YAML: serde-saphyr with a budget sized for real estates,
//! and its errors in words for the person with the file.
//!
//! serde-saphyr's default budget stops at 250,000 nodes, and a 5,000-UCC estate of
//! the nine standard settings (a 4.9 MB file) already holds 340,003 nodes and 395,009
//! parser events (measured by `tests::a_five_thousand_ucc_estate_fits_the_budget`:
//! 5 + 7 per setting a UCC, a node being a mapping, a list or a scalar). The budget
//! below takes 4,000,000 nodes: 20,000 UCCs of 28 settings each. Files are also
//! capped at `MAX_TEXT` bytes when read; aliases and nesting keep the library's caps,
//! which are what protect against YAML bombs. README "Limits" documents it.

use serde_saphyr::budget::{Budget, BudgetBreach};

use super::text::{ParseError, parse_error};

/// Most YAML nodes (mappings, lists, scalars) crmctl reads from one file.
pub const MAX_NODES: usize = 4_000_000;
/// Most parser events (about 1.2 per node, with the ends of mappings and lists).
pub const MAX_EVENTS: usize = 2 * MAX_NODES;

fn options(max_nodes: usize) -> serde_saphyr::Options {
    let mut budget = Budget::default();
    budget.max_nodes = max_nodes;
    budget.max_events = 2 * max_nodes;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Parses one YAML document with crmctl's budget.
pub fn from_str<'de, T: serde::Deserialize<'de>>(text: &'de str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options(text, options(MAX_NODES))
}

/// A YAML error as crmctl shows it (see [`parse_error`]): the budget and a second
/// document are explained, not named as the library's types and functions.
pub fn yaml_error(e: &serde_saphyr::Error) -> ParseError {
    let mut parsed = parse_error(&e.to_string());
    match e.without_snippet() {
        serde_saphyr::Error::Budget { breach, .. } => {
            let what = match breach {
                BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. } => format!(
                    "the file is too large to read at once: it holds more than {} YAML values \
                     (crmctl's limit, about 20,000 UCCs of 28 settings); split the estate into \
                     several files of fewer UCCs and check them one by one",
                    thousands(MAX_NODES)
                ),
                BudgetBreach::Depth { .. } => {
                    "the file nests lists and mappings deeper than any settings file does".into()
                }
                _ => "the file uses more YAML aliases, anchors or documents than a settings \
                      file does (a YAML bomb is refused this way)"
                    .into(),
            };
            parsed.message = what;
        }
        serde_saphyr::Error::MultipleDocuments { .. } => {
            parsed.message = "the file holds more than one YAML document (a `---` line \
                              starts another): crmctl reads one per file; remove the `---` \
                              line or split the file"
                .into();
        }
        _ => {}
    }
    parsed
}

/// 4000000 -> "4,000,000".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Doc {
        #[allow(dead_code)]
        uccs: Vec<serde::de::IgnoredAny>,
    }

    fn estate(uccs: usize) -> String {
        let c = crate::crypto::Cipher::new(&[7u8; 32], &[9u8; 16]).expect("cipher");
        let rows = crate::settings::standard_rows(
            "ucc.contoso.local",
            "https://contoso.my.salesforce.com/",
            "integration@contoso.com",
            [
                &c.encrypt_to_base64("pw"),
                &c.encrypt_to_base64("id"),
                &c.encrypt_to_base64("secret"),
            ],
            "60.0",
            "https://login.salesforce.com/services/oauth2/token",
        );
        let all: Vec<(String, _)> = (0..uccs)
            .map(|i| (format!("ucc{i}"), rows.clone()))
            .collect();
        crate::settings::render_yaml(&all, "budget test")
    }

    /// The measurement behind the budget: a 5,000-UCC estate of the standard
    /// settings, counted by the parser itself.
    #[test]
    fn a_five_thousand_ucc_estate_fits_the_budget() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NODES: AtomicUsize = AtomicUsize::new(0);
        static EVENTS: AtomicUsize = AtomicUsize::new(0);
        let text = estate(5_000);
        let mut o = options(MAX_NODES);
        o.budget_report = Some(|r| {
            NODES.store(r.nodes, Ordering::SeqCst);
            EVENTS.store(r.events, Ordering::SeqCst);
        });
        let doc: Doc = serde_saphyr::from_str_with_options(&text, o).expect("fits");
        assert_eq!(doc.uccs.len(), 5_000);
        let (nodes, events) = (NODES.load(Ordering::SeqCst), EVENTS.load(Ordering::SeqCst));
        // More than the library's default budget, well within crmctl's.
        assert!(nodes > 250_000 && nodes < MAX_NODES / 10, "{nodes} nodes");
        assert!(events < MAX_EVENTS / 10, "{events} events");
        // And through the loader every command uses.
        let uccs =
            crate::settings::load::yaml(std::path::Path::new("e.yaml"), &text).expect("loads");
        assert_eq!(uccs.len(), 5_000);
    }

    #[test]
    fn over_the_budget_the_error_names_the_limit_and_how_to_split() {
        let text = estate(40);
        let e = serde_saphyr::from_str_with_options::<Doc>(&text, options(1_000))
            .err()
            .expect("over budget");
        let p = yaml_error(&e);
        assert!(
            p.message.contains("4,000,000") && p.message.contains("split"),
            "{}",
            p.message
        );
        assert!(
            !p.message.contains("Nodes") && !p.message.contains("budget"),
            "{}",
            p.message
        );
    }

    #[test]
    fn a_second_document_is_explained_in_words() {
        let e = from_str::<Doc>("uccs: []\n---\nuccs: []\n")
            .err()
            .expect("two documents");
        let p = yaml_error(&e);
        assert!(
            p.message.contains("more than one YAML document"),
            "{}",
            p.message
        );
        assert!(!p.message.contains("from_str"), "{}", p.message);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(4_000_000), "4,000,000");
        assert_eq!(thousands(250), "250");
        assert_eq!(thousands(1_000), "1,000");
    }
}
