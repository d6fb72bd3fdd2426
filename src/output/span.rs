//! Messages that quote the outside world, as spans: plain text crmctl wrote, and
//! [`OrgText`] it was given. A [`Detail`] has no `Display`; only the printer turns
//! it into output ([`super::Printer::text`] for a terminal, [`Detail::for_csv`], the
//! escaping JSON writer through `Serialize`, and the CI formats in [`super::ci`]),
//! so a message that quotes an org is escaped by construction, not by convention.
//!
//! Build one with the [`detail!`](crate::detail) macro:
//! `detail!["found ", &m.name, " (", &m.id, ")"]` (a `&str` or `String` is plain
//! text, an `OrgText` is org text, a `Detail` is spliced in).

use std::borrow::Cow;

use serde::{Serialize, Serializer};

use super::OrgText;

/// One piece of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// Text crmctl wrote (it may still name a file or a setting the user typed,
    /// so it is escaped like org text when shown).
    Plain(Cow<'static, str>),
    /// Text from an org, a proxy or a settings file: never shown raw.
    Org(OrgText),
}

impl Span {
    /// The text as held; for the writers in `output/` only.
    fn raw(&self) -> &str {
        match self {
            Span::Plain(s) => s,
            Span::Org(t) => t.as_untrusted_str(),
        }
    }
}

/// A message of plain and org spans (a doctor step's detail, an error's message,
/// cause or hint).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail(Vec<Span>);

impl Detail {
    pub fn new() -> Self {
        Detail(Vec::new())
    }

    /// Adds a span (or the spans of another detail) at the end.
    pub fn push(&mut self, part: impl Into<Detail>) {
        self.0.extend(part.into().0);
    }

    /// [`Detail::push`], by value: `d.then(" (").then(&id).then(")")`.
    #[must_use]
    pub fn then(mut self, part: impl Into<Detail>) -> Self {
        self.push(part);
        self
    }

    /// The details one after another, `sep` between them.
    pub fn join(parts: impl IntoIterator<Item = Detail>, sep: &'static str) -> Detail {
        let mut out = Detail::new();
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                out.push(sep);
            }
            out.push(p);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|s| s.raw().is_empty())
    }

    pub fn spans(&self) -> &[Span] {
        &self.0
    }

    /// Whether the text holds `needle` (for tests and for choosing advice; never
    /// for output).
    pub fn contains(&self, needle: &str) -> bool {
        self.raw().contains(needle)
    }

    /// Whether the text starts with `prefix` (for tests; never for output).
    pub fn starts_with(&self, prefix: &str) -> bool {
        self.raw().starts_with(prefix)
    }

    /// Whether the text ends with `suffix` (choosing advice; never for output).
    pub fn ends_with(&self, suffix: &str) -> bool {
        self.raw().ends_with(suffix)
    }

    /// The spans joined as held. Only the writers in `output/` use it: the JSON
    /// writer and the CI formats escape what they write.
    pub(super) fn raw(&self) -> String {
        self.0.iter().map(Span::raw).collect()
    }

    /// For a terminal: every span escaped, line breaks too (`\n`): a UCC name or an
    /// org's message holding a line break could otherwise print a line crmctl never
    /// wrote (`ok: logged in as ...`). Escaping is per character, so escaping span by
    /// span gives the same text as escaping the joined message.
    pub(super) fn escaped(&self) -> String {
        self.0
            .iter()
            .map(|s| super::sanitize::for_terminal(s.raw()))
            .collect()
    }

    /// For one line of a terminal: every span escaped, line breaks too (`\n`).
    pub(super) fn escaped_line(&self) -> String {
        self.0
            .iter()
            .map(|s| super::sanitize::for_terminal(s.raw()))
            .collect()
    }

    /// A CSV field: escaped like the terminal, then quoted (see
    /// [`super::csv_field`]).
    pub fn for_csv(&self) -> String {
        super::csv_field(&super::sanitize::for_terminal(&self.raw()))
    }

    /// The raw text, for the few sinks that still hold a `String` and escape it
    /// where they show it (a validate-settings finding, a probe row, a `-v` trace
    /// line). Each use is a place still escaped by convention, not by construction;
    /// `tests/it/untrusted.rs` lists where it is allowed, so the list can only shrink.
    pub fn to_legacy_string(&self) -> String {
        self.raw()
    }

    /// The same spans with `f` applied to crmctl's own (plain) text, the org's
    /// untouched: e.g. a hint's flag names fitted to the command that shows it.
    pub fn map_plain(&self, f: impl Fn(&str) -> String) -> Detail {
        Detail(
            self.0
                .iter()
                .map(|s| match s {
                    Span::Plain(t) => Span::Plain(Cow::Owned(f(t))),
                    org => org.clone(),
                })
                .collect(),
        )
    }

    /// The whole message as one untrusted text (a bulk row's error message, kept
    /// in the row and escaped where the row is written).
    pub fn into_org_text(self) -> OrgText {
        OrgText::new(self.raw())
    }
}

/// In JSON the spans are one string; the escaping JSON writer ([`super::json`])
/// escapes deceptive characters in it as in every other string.
impl Serialize for Detail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw())
    }
}

/// For tests and comparisons: the text as held equals `other`.
impl PartialEq<str> for Detail {
    fn eq(&self, other: &str) -> bool {
        self.raw() == other
    }
}

impl PartialEq<&str> for Detail {
    fn eq(&self, other: &&str) -> bool {
        self.raw() == *other
    }
}

impl From<&str> for Detail {
    fn from(s: &str) -> Self {
        Detail(vec![Span::Plain(Cow::Owned(s.to_string()))])
    }
}

impl From<String> for Detail {
    fn from(s: String) -> Self {
        Detail(vec![Span::Plain(Cow::Owned(s))])
    }
}

impl From<&String> for Detail {
    fn from(s: &String) -> Self {
        Detail::from(s.as_str())
    }
}

impl From<Cow<'static, str>> for Detail {
    fn from(s: Cow<'static, str>) -> Self {
        Detail(vec![Span::Plain(s)])
    }
}

impl From<OrgText> for Detail {
    fn from(t: OrgText) -> Self {
        Detail(vec![Span::Org(t)])
    }
}

impl From<&OrgText> for Detail {
    fn from(t: &OrgText) -> Self {
        Detail(vec![Span::Org(t.clone())])
    }
}

impl From<Span> for Detail {
    fn from(s: Span) -> Self {
        Detail(vec![s])
    }
}

impl From<&Detail> for Detail {
    fn from(d: &Detail) -> Self {
        d.clone()
    }
}

/// A [`Detail`] from parts: `detail!["found ", &m.name, " (", &m.id, ")"]`. Each
/// part is anything that converts into a `Detail`: `&str`/`String` (plain),
/// `OrgText`/`&OrgText` (org text), another `Detail`.
#[macro_export]
macro_rules! detail {
    ($($part:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut d = $crate::output::Detail::new();
        $( d.push($part); )*
        d
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_spans_are_escaped_and_plain_text_kept() {
        let name = OrgText::from("Evil\u{1b}[2J\u{202e}Corp\nline");
        let d = crate::detail!["found ", &name, " (", String::from("001"), ")"];
        // A line break is shown, never made: a name could otherwise forge a line.
        assert_eq!(d.escaped(), "found Evil\\x1b[2J\\u{202e}Corp\\nline (001)");
        assert_eq!(d.raw(), "found Evil\u{1b}[2J\u{202e}Corp\nline (001)");
        assert_eq!(
            super::super::json::to_line(&d),
            "\"found Evil\\u001b[2J\\u202eCorp\\nline (001)\""
        );
        assert_eq!(d.for_csv(), "found Evil\\x1b[2J\\u{202e}Corp\\nline (001)");
    }

    /// The printer is the one that turns an error's spans into text: the org's
    /// words escaped, line breaks of the message kept, the hint escaped too.
    #[test]
    fn the_printer_escapes_an_errors_org_spans() {
        let out = super::super::Printer::buffered(super::super::OutputMode::default());
        let err = crate::error::CliError::remote(crate::detail![
            "Salesforce answered ",
            OrgText::from("X\u{202e}"),
            ": ",
            OrgText::from("line\nnext\u{1b}[2J")
        ])
        .with_hint(crate::detail!["check ", OrgText::from("a\u{7}b")]);
        out.error(&err);
        assert_eq!(
            out.captured().stderr,
            "error: Salesforce answered X\\u{202e}: line\\nnext\\x1b[2J\nhint: check a\\x07b\n"
        );
    }

    #[test]
    fn join_puts_the_separator_between() {
        let d = Detail::join(["a".into(), OrgText::from("b").into(), "c".into()], "; ");
        assert_eq!(d, "a; b; c");
        assert!(Detail::new().is_empty());
        assert!(!d.is_empty());
    }
}
