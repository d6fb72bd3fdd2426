//! Text from outside crmctl (an org's records and error messages, a settings file's
//! names) as a type. [`OrgText`] has no `Display`: the only ways to show it are an
//! org span of a [`Detail`](super::Detail) that the printer renders, the escaping
//! JSON writer ([`super::json`]), [`OrgText::escaped`]/[`OrgText::clipped`] and
//! [`OrgText::for_csv`], so forgetting to escape does not compile.
//!
//! Code outside `output/` never sees the raw text: it compares with the methods
//! below (`==`, `Ord`, [`OrgText::is_one_of`], [`OrgText::matches`]), derives new
//! untrusted text with [`OrgText::derive`], and sends a value back to the org (a
//! record id, a SOQL/SOSL literal, a field name) with [`OrgText::for_org_request`].
//! `tests/it/untrusted.rs` fails when a raw accessor is used anywhere else.

use serde::{Deserialize, Serialize};

/// Untrusted text, kept exactly as received.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgText(String);

impl OrgText {
    pub fn new(text: impl Into<String>) -> Self {
        OrgText(text.into())
    }

    /// The raw text, for the writers in `output/` (which escape it). Never for
    /// output elsewhere: build a [`Detail`](super::Detail) for the printer.
    pub(super) fn as_untrusted_str(&self) -> &str {
        &self.0
    }

    /// The raw text, to send back to the org it came from: a record id in a URL
    /// path, a value in a SOQL/SOSL literal (the query builder escapes it), a field
    /// name from a describe. NEVER for output (a terminal, a file, a log, an error
    /// message): build a [`Detail`](super::Detail) or use the JSON writer.
    pub fn for_org_request(&self) -> &str {
        &self.0
    }

    /// The raw text, for matching inside crmctl where a `&str` is needed: the
    /// batch engine's phone digits and e-mail keys, a record's Id as a map key.
    /// NEVER for output: build a [`Detail`](super::Detail) or use the JSON writer.
    pub fn for_matching(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length in bytes (memory accounting, not display width).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the text is exactly one of `options` (an error code, an object name).
    pub fn is_one_of(&self, options: &[&str]) -> bool {
        options.contains(&self.0.as_str())
    }

    /// This text, `sep`, then `other`: still untrusted (a case's number and subject).
    pub fn joined(&self, sep: &str, other: &OrgText) -> OrgText {
        OrgText(format!("{}{sep}{}", self.0, other.0))
    }

    /// Which of `options` the text is, if any: the caller's own `&str`, so a
    /// `match` on it never sees org text (`match m.object.which(&["Contact", "Lead"])`).
    pub fn which<'a>(&self, options: &[&'a str]) -> Option<&'a str> {
        options.iter().copied().find(|o| *o == self.0)
    }

    /// Whether the text equals `other`, ASCII case ignored.
    pub fn eq_ignore_ascii_case(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other)
    }

    /// Whether the text, lowercased (ASCII), holds `needle` (which should be lowercase).
    pub fn contains_lowercase(&self, needle: &str) -> bool {
        self.0.to_ascii_lowercase().contains(needle)
    }

    /// A test on the raw text that answers yes or no (a phone number's digits end
    /// in the caller's). The answer is not text, so nothing raw leaves.
    pub fn matches(&self, test: impl FnOnce(&str) -> bool) -> bool {
        test(&self.0)
    }

    /// New untrusted text computed from this one (a part of it, two joined): it
    /// stays [`OrgText`], so it is escaped wherever it is shown.
    pub fn derive(&self, f: impl FnOnce(&str) -> String) -> OrgText {
        OrgText(f(&self.0))
    }

    /// Shown on a terminal: control and bidi characters escaped, one line.
    pub(in crate::output) fn escaped(&self) -> String {
        super::sanitize::for_terminal(&self.0)
    }

    /// Shown on a terminal like [`OrgText::escaped`], at most `max` display columns:
    /// a longer text is cut between two characters (never inside an escape such as
    /// `\x1b`) and ends in `…`. For table cells and values on a line; JSON and CSV
    /// keep the whole text.
    pub(in crate::output) fn clipped(&self, max: usize) -> String {
        let whole = self.escaped();
        if super::table::width(&whole) <= max {
            return whole;
        }
        let budget = max.saturating_sub(1);
        let mut out = String::new();
        let mut used = 0;
        let mut buf = [0u8; 4];
        for c in self.0.chars() {
            let shown = super::sanitize::for_terminal(c.encode_utf8(&mut buf));
            let w = super::table::width(&shown);
            if used + w > budget {
                break;
            }
            used += w;
            out.push_str(&shown);
        }
        out.push('…');
        out
    }

    /// A CSV field: escaped like the terminal (a CSV is opened in terminals and
    /// spreadsheets alike), then quoted when it holds a delimiter or quote.
    pub fn for_csv(&self) -> String {
        super::csv_field(&self.escaped())
    }
}

impl From<String> for OrgText {
    fn from(s: String) -> Self {
        OrgText(s)
    }
}

impl From<&str> for OrgText {
    fn from(s: &str) -> Self {
        OrgText(s.to_string())
    }
}

impl PartialEq<str> for OrgText {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for OrgText {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}
