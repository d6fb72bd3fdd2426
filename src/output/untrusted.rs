//! Text from outside crmctl (an org's records and error messages, a settings file's
//! names) as a type. [`OrgText`] has no `Display`: the only ways to show it are the
//! printer's [`Text::org`](super::text::Text::org), the escaping JSON writer
//! ([`super::json`]) and [`OrgText::for_csv`], so forgetting to escape does not compile.

use serde::{Deserialize, Serialize};

/// Untrusted text, kept exactly as received.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgText(String);

impl OrgText {
    pub fn new(text: impl Into<String>) -> Self {
        OrgText(text.into())
    }

    /// The raw text, for comparisons and for building queries (which escape it for
    /// SOQL/SOSL). Never for output: use the printer or the JSON writer.
    pub fn as_untrusted_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Shown on a terminal: control and bidi characters escaped, one line.
    pub fn escaped(&self) -> String {
        super::sanitize::for_terminal(&self.0)
    }

    /// Shown on a terminal like [`OrgText::escaped`], at most `max` display columns:
    /// a longer text is cut between two characters (never inside an escape such as
    /// `\x1b`) and ends in `…`. For table cells and values on a line; JSON and CSV
    /// keep the whole text.
    pub fn clipped(&self, max: usize) -> String {
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
