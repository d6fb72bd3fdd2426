//! The one JSON writer of crmctl's output (`--json`, JSON Lines rows). serde_json
//! already writes C0 controls as `\u00XX`; this formatter also escapes DEL, C1
//! controls and bidirectional overrides, which serde_json passes through raw and
//! which a terminal or an editor would act on. No crate does this, hence the
//! hand-written `Formatter`.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Must be escaped even inside a JSON string.
fn needs_escape(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}') || super::sanitize::is_deceptive(c)
}

/// Wraps a serde_json formatter and escapes the characters above as `\uXXXX`.
pub struct Escaping<F>(pub F);

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                // Outside the BMP (the tag block) as a surrogate pair, as JSON wants.
                for unit in c.encode_utf16(&mut [0; 2]) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes `value` as JSON, pretty or on one line, with the escapes above.
pub fn write<W: Write, T: Serialize + ?Sized>(w: W, value: &T, pretty: bool) -> io::Result<()> {
    if pretty {
        let mut ser = serde_json::Serializer::with_formatter(w, Escaping(PrettyFormatter::new()));
        value.serialize(&mut ser).map_err(io::Error::other)
    } else {
        let mut ser = serde_json::Serializer::with_formatter(w, Escaping(CompactFormatter));
        value.serialize(&mut ser).map_err(io::Error::other)
    }
}

/// One line of JSON (a JSON Lines row), escaped.
pub fn to_line<T: Serialize + ?Sized>(value: &T) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail; a value that cannot serialise gives `null`.
    if write(&mut buf, value, false).is_err() {
        return "null".into();
    }
    String::from_utf8(buf).unwrap_or_else(|_| "null".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c0_c1_del_and_bidi_are_escaped_and_the_rest_is_kept() {
        let s = "a\u{1b}[2J b\u{7f} c\u{9b} d\u{202e}e\u{2066} Zürich – ok\n";
        let line = to_line(&s);
        assert_eq!(
            line,
            r#""a\u001b[2J b\u007f c\u009b d\u202ee\u2066 Zürich – ok\n""#
        );
        let back: String = serde_json::from_str(&line).expect("valid JSON");
        assert_eq!(back, s);
    }

    /// Issue 18 item 23: invisible characters stay in JSON, as `\u` escapes.
    #[test]
    fn invisible_characters_are_escaped_and_round_trip() {
        let s = "a\u{200b}b\u{200e}c\u{2028}d\u{2060}e\u{feff}f\u{e0041}";
        let line = to_line(&s);
        assert_eq!(
            line,
            r#""a\u200bb\u200ec\u2028d\u2060e\ufefff\udb40\udc41""#
        );
        let back: String = serde_json::from_str(&line).expect("valid JSON");
        assert_eq!(back, s);
    }

    #[test]
    fn pretty_output_is_pretty() {
        let mut buf = Vec::new();
        write(&mut buf, &serde_json::json!({"a": ["\u{85}"]}), true).expect("write");
        assert_eq!(
            String::from_utf8(buf).expect("utf8"),
            "{\n  \"a\": [\n    \"\\u0085\"\n  ]\n}"
        );
    }
}
