//! Changing chosen setting names, scopes and values of a settings file in place, for
//! `settings set` and `validate-settings --fix`: the bytes of each changed field are
//! replaced, nothing else (comments, order, quoting, indentation, line endings, a
//! BOM). The new text is read back and must mean the old one but for those fields.

use std::ops::Range;
use std::path::Path;

use super::locate::{Place, Spans, Style};
use super::{Format, reads_back, spans, trimmed};
use crate::settings::LoadError;

/// Which part of a row an edit changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Setting,
    Scope,
    Value,
}

impl Part {
    pub fn name(self) -> &'static str {
        match self {
            Part::Setting => "setting",
            Part::Scope => "scope",
            Part::Value => "value",
        }
    }
}

/// One field to change: `uccs[ucc].rows[row]`'s `part` becomes `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub ucc: usize,
    pub row: usize,
    pub part: Part,
    pub new: String,
}

/// A settings file read for editing: its meaning (`spans.uccs`) and where each field is.
pub struct Located {
    pub format: Format,
    pub spans: Spans,
}

/// Reads a file for editing. `csv_ucc` names the UCC of a CSV export.
pub fn locate(path: &Path, text: &str, csv_ucc: &str) -> Result<Located, LoadError> {
    let format = Format::of(path);
    Ok(Located {
        format,
        spans: spans(path, format, text, csv_ucc)?,
    })
}

/// The text with every edit made, or why it can't be made in place. Nothing is written.
pub fn apply(
    path: &Path,
    text: &str,
    csv_ucc: &str,
    file: &Located,
    edits: &[Edit],
) -> Result<String, String> {
    let delimiter = crate::csv_input::delimiter(text);
    let mut replacements: Vec<(Range<usize>, String)> = Vec::new();
    for e in edits {
        let row = file
            .spans
            .uccs
            .get(e.ucc)
            .and_then(|u| u.rows.get(e.row))
            .ok_or("no such row")?;
        let places = match e.part {
            Part::Setting => &file.spans.names,
            Part::Scope => &file.spans.scopes,
            Part::Value => &file.spans.spans,
        };
        let place = places
            .get(e.ucc)
            .and_then(|r| r.get(e.row))
            .cloned()
            .flatten();
        let (span, style) = match place {
            Some(Place::At { span, style }) => (span, style),
            Some(Place::NotInPlace(why)) => {
                return Err(format!(
                    "line {}: the {} of {} cannot be rewritten in place: {why}",
                    row.line,
                    e.part.name(),
                    row.setting
                ));
            }
            None => {
                return Err(format!(
                    "line {}: {} has no {} to replace",
                    row.line,
                    row.setting,
                    e.part.name()
                ));
            }
        };
        // Names and scopes are read trimmed: whitespace around them stays.
        let span = if e.part == Part::Value {
            span
        } else {
            trimmed(text, span)
        };
        let bytes = encode(file.format, style, &e.new, delimiter).ok_or_else(|| {
            format!(
                "line {}: the new {} of {} can't be written in its quoting style (a line break in a single-quoted scalar?)",
                row.line,
                e.part.name(),
                row.setting
            )
        })?;
        match replacements.iter().find(|(r, _)| *r == span) {
            Some((_, b)) if *b != bytes => {
                return Err(format!(
                    "line {}: two changes to one field (a YAML alias shared by two settings?)",
                    row.line
                ));
            }
            Some(_) => {}
            None => replacements.push((span, bytes)),
        }
    }
    replacements.sort_by_key(|(r, _)| r.start);
    if replacements.windows(2).any(|w| w[0].0.end > w[1].0.start) {
        return Err("two changes overlap".into());
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (range, new) in &replacements {
        out.push_str(&text[at..range.start]);
        out.push_str(new);
        at = range.end;
    }
    out.push_str(&text[at..]);
    verify(path, file, csv_ucc, edits, &out)?;
    Ok(out)
}

/// The bytes that read back as `value` in the given quoting style, or `None` when
/// the style can't hold it.
fn encode(format: Format, style: Style, value: &str, delimiter: u8) -> Option<String> {
    match (format, style) {
        (Format::Yaml, Style::Plain) if plain_yaml_ok(value) => Some(value.to_string()),
        (Format::Yaml, Style::Plain | Style::DoubleQuoted) => {
            let inner = yaml_double(value);
            Some(if style == Style::Plain {
                format!("\"{inner}\"")
            } else {
                inner
            })
        }
        (Format::Yaml, Style::SingleQuoted) => {
            (!value.chars().any(char::is_control)).then(|| value.replace('\'', "''"))
        }
        (Format::Csv, Style::DoubleQuoted | Style::SingleQuoted) => {
            Some(value.replace('"', "\"\""))
        }
        (Format::Csv, Style::Plain) => {
            let needs = value
                .bytes()
                .any(|b| matches!(b, b'"' | b'\r' | b'\n') || b == delimiter)
                || value.trim() != value;
            Some(if needs {
                format!("\"{}\"", value.replace('"', "\"\""))
            } else {
                value.to_string()
            })
        }
    }
}

/// A plain YAML scalar that reads back as this very text in block and flow context.
/// Conservative: anything doubtful is written double-quoted instead.
fn plain_yaml_ok(v: &str) -> bool {
    let first = v.chars().next();
    !v.is_empty()
        && v.trim() == v
        && !first.is_some_and(|c| "-?:,[]{}#&*!|>'\"%@`".contains(c))
        && !v.chars().any(|c| c.is_control() || ",[]{}".contains(c))
        && !v.contains(": ")
        && !v.contains(" #")
        && !v.ends_with(':')
        // Numbers, booleans and null read back as other text.
        && !v.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '+')
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "~" | "yes" | "no" | "on" | "off"
        )
}

fn yaml_double(v: &str) -> String {
    let mut s = String::with_capacity(v.len() + 2);
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if c.is_control() => s.push_str(&format!("\\u{:04x}", c as u32)),
            c => s.push(c),
        }
    }
    s
}

/// The new text must read as the old one in every UCC, name, scope, line and value,
/// except the edited fields, which must read as their new text.
fn verify(
    path: &Path,
    file: &Located,
    csv_ucc: &str,
    edits: &[Edit],
    new_text: &str,
) -> Result<(), String> {
    let old = &file.spans.uccs;
    reads_back(
        path,
        file.format,
        csv_ucc,
        old,
        new_text,
        |(ui, ri), row| {
            let want = |part: Part, old: &str| {
                edits
                    .iter()
                    .find(|e| e.ucc == ui && e.row == ri && e.part == part)
                    .map(|e| match part {
                        Part::Value => e.new.clone(),
                        _ => e.new.trim().to_string(),
                    })
                    .unwrap_or_else(|| old.to_string())
            };
            [
                want(Part::Setting, &row.setting),
                want(Part::Scope, &row.scope),
                want(Part::Value, &row.value),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, text: &str, edits: &[Edit]) -> Result<String, String> {
        let p = Path::new(path);
        let f = locate(p, text, "u").expect("locates");
        apply(p, text, "u", &f, edits)
    }

    fn edit(row: usize, part: Part, new: &str) -> Edit {
        Edit {
            ucc: 0,
            row,
            part,
            new: new.into(),
        }
    }

    #[test]
    fn yaml_fields_change_and_nothing_else() {
        let text = "\u{feff}# c\r\nuccs:\r\n  - name: a # n\r\n    settings:\r\n      - { setting: password, scope: crmservice, value: 'old''s' }\r\n      - setting: ApplicationHost   # h\r\n        value: https://x.my.salesforce.com\r\n";
        let out = run(
            "e.yaml",
            text,
            &[
                edit(0, Part::Setting, "Password"),
                edit(0, Part::Scope, "CrmService"),
                edit(0, Part::Value, "it's new"),
                edit(1, Part::Value, "https://x.my.salesforce.com/"),
            ],
        )
        .expect("applies");
        assert_eq!(
            out,
            text.replace("password,", "Password,")
                .replace("crmservice", "CrmService")
                .replace("'old''s'", "'it''s new'")
                .replace(".com\r\n", ".com/\r\n")
        );
    }

    #[test]
    fn a_plain_scalar_that_needs_quotes_gets_them() {
        let text = "uccs:\n  - name: a\n    settings:\n      - { setting: Username, value: a }\n";
        let out = run("e.yaml", text, &[edit(0, Part::Value, "x: #y, 1")]).expect("applies");
        assert_eq!(out, text.replace("value: a", "value: \"x: #y, 1\""));
        let out = run("e.yaml", text, &[edit(0, Part::Value, "60")]).expect("applies");
        assert!(out.contains("value: \"60\""), "{out}");
    }

    #[test]
    fn an_alias_shared_with_another_setting_is_refused() {
        let text = "uccs:\n  - name: a\n    settings:\n      - { setting: Username, value: &v x }\n      - { setting: ClientId, value: *v }\n";
        let e = run("e.yaml", text, &[edit(0, Part::Value, "y")]).unwrap_err();
        assert!(e.contains("alias"), "{e}");
    }

    #[test]
    fn csv_fields_keep_bom_crlf_and_quotes() {
        let text =
            "\u{feff}Title;Value;Scope\r\n password ;\"a\";crmservice\r\nUsername;b;CrmService\r\n";
        let out = run(
            "l.csv",
            text,
            &[
                edit(0, Part::Setting, "Password"),
                edit(0, Part::Value, "q\"x"),
                edit(0, Part::Scope, "CrmService"),
                edit(1, Part::Value, "c;d"),
            ],
        )
        .expect("applies");
        assert_eq!(
            out,
            "\u{feff}Title;Value;Scope\r\n Password ;\"q\"\"x\";CrmService\r\nUsername;\"c;d\";CrmService\r\n"
        );
    }
}
