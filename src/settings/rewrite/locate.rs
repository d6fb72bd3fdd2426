//! Where each setting's value sits in the bytes of its file. The loaders in
//! `settings::load` say what a file means; this module only adds the byte span of
//! each value, so that a value can be replaced without touching anything else.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::super::{LoadError, Ucc, load};

/// How a value is written, which decides the bytes a replacement goes between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// YAML plain scalar, or an unquoted CSV field.
    Plain,
    /// YAML `'...'`.
    SingleQuoted,
    /// YAML `"..."`, or a quoted CSV field.
    DoubleQuoted,
}

/// The bytes of one value, quotes excluded, or why it can't be rewritten in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    At {
        /// The bytes between the quotes (the whole scalar when plain).
        span: Range<usize>,
        style: Style,
    },
    NotInPlace(String),
}

/// The value spans of a file, in the loader's row order: `spans[u][r]` is the place
/// of `uccs[u].rows[r].value` (`None` when the row has no value at all); `names` and
/// `scopes` are the places of its setting name and scope, alike.
pub struct Spans {
    pub uccs: Vec<Ucc>,
    pub spans: Vec<Vec<Option<Place>>>,
    pub names: Vec<Vec<Option<Place>>>,
    pub scopes: Vec<Vec<Option<Place>>>,
}

fn internal(file: &Path, message: String) -> LoadError {
    LoadError {
        file: file.to_path_buf(),
        line: None,
        column: None,
        message,
    }
}

/// The estate again, keeping nothing but where each value is. Unknown fields are
/// allowed here: `load::yaml` has already refused them.
#[derive(Deserialize)]
struct SpanDoc {
    uccs: Vec<SpanUcc>,
}

#[derive(Deserialize)]
struct SpanUcc {
    #[serde(default)]
    settings: Vec<SpanRow>,
}

#[derive(Deserialize)]
struct SpanRow {
    #[serde(default)]
    value: Option<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    setting: Option<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    scope: Option<Spanned<serde::de::IgnoredAny>>,
}

/// A YAML estate: `load::yaml` for the meaning, a second pass for the spans.
pub fn yaml(file: &Path, text: &str) -> Result<Spans, LoadError> {
    let uccs = load::yaml(file, text)?;
    let doc: SpanDoc = crate::fsutil::yaml::from_str(text)
        .map_err(|e| internal(file, format!("cannot locate values: {e}")))?;
    if doc.uccs.len() != uccs.len()
        || doc
            .uccs
            .iter()
            .zip(&uccs)
            .any(|(d, u)| d.settings.len() != u.rows.len())
    {
        return Err(internal(
            file,
            "cannot locate values: the two readings of the file disagree".into(),
        ));
    }
    let places = |pick: &dyn Fn(&SpanRow, &super::super::Row) -> Option<Place>| {
        doc.uccs
            .iter()
            .zip(&uccs)
            .map(|(d, u)| {
                d.settings
                    .iter()
                    .zip(&u.rows)
                    .map(|(s, r)| pick(s, r))
                    .collect()
            })
            .collect::<Vec<Vec<Option<Place>>>>()
    };
    let spans = places(&|s, row| s.value.as_ref().map(|v| yaml_place(text, v, &row.value)));
    let names = places(&|s, row| {
        s.setting
            .as_ref()
            .map(|v| yaml_place(text, v, &row.setting))
    });
    let scopes = places(&|s, row| s.scope.as_ref().map(|v| yaml_place(text, v, &row.scope)));
    Ok(Spans {
        uccs,
        spans,
        names,
        scopes,
    })
}

fn yaml_place(text: &str, v: &Spanned<serde::de::IgnoredAny>, value: &str) -> Place {
    // An alias (`*name`) points at its anchor's scalar: rewrite that one, once.
    let span = v.defined.span();
    let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) else {
        return Place::NotInPlace("the parser gave no byte position".into());
    };
    let (start, end) = (start as usize, (start + len) as usize);
    let Some(raw) = text.get(start..end) else {
        return Place::NotInPlace("the parser gave a position outside the file".into());
    };
    let quoted = |q: char| raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q);
    if quoted('"') {
        return Place::At {
            span: start + 1..end - 1,
            style: Style::DoubleQuoted,
        };
    }
    if quoted('\'') {
        return Place::At {
            span: start + 1..end - 1,
            style: Style::SingleQuoted,
        };
    }
    // A plain scalar is its own text. Anything else (a block scalar `|`/`>`, a plain
    // scalar folded over lines) is not a shape an encrypted string is written in.
    if raw == value && !raw.contains(['\n', '\r']) {
        Place::At {
            span: start..end,
            style: Style::Plain,
        }
    } else {
        Place::NotInPlace("the value is a block or multi-line scalar".into())
    }
}

/// One CSV field: its raw bytes (quotes, and perhaps the delimiter or line ending
/// that ended it) and its decoded text.
struct Field {
    raw: Range<usize>,
    text: String,
}

/// Splits CSV text into records of fields with their byte ranges. csv-core is the
/// parser the `csv` crate (and so `load::csv`) uses, driven one field at a time
/// because that is the only level at which it reports how many bytes it consumed.
fn csv_fields(text: &str) -> Result<Vec<Vec<Field>>, String> {
    use csv_core::ReadFieldResult;
    let input = text.as_bytes();
    let mut rdr = csv_core::ReaderBuilder::new()
        .delimiter(crate::csv_input::delimiter(text))
        .build();
    // A decoded field is never longer than the input.
    let mut out = vec![0u8; input.len() + 1];
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut pos = 0;
    let mut start = 0;
    let mut acc: Vec<u8> = Vec::new();
    // Each call consumes at least one byte or finishes a field; bound the loop anyway.
    for _ in 0..=(2 * input.len() + 4) {
        let (res, nin, nout) = rdr.read_field(&input[pos..], &mut out);
        pos += nin;
        acc.extend_from_slice(&out[..nout]);
        match res {
            ReadFieldResult::InputEmpty => {
                if pos < input.len() {
                    return Err("the CSV parser stopped early".into());
                }
                // Signal the end of input: the next call finishes the last field.
                let (res, _, nout) = rdr.read_field(&[], &mut out);
                acc.extend_from_slice(&out[..nout]);
                match res {
                    ReadFieldResult::Field { .. } => {
                        record.push(Field {
                            raw: start..pos,
                            text: String::from_utf8_lossy(&acc).into_owned(),
                        });
                        records.push(std::mem::take(&mut record));
                    }
                    _ => {
                        if !record.is_empty() {
                            records.push(std::mem::take(&mut record));
                        }
                    }
                }
                return Ok(records);
            }
            ReadFieldResult::OutputFull => return Err("a CSV field is too long".into()),
            ReadFieldResult::Field { record_end } => {
                record.push(Field {
                    raw: start..pos,
                    text: String::from_utf8_lossy(&acc).into_owned(),
                });
                acc.clear();
                start = pos;
                if record_end {
                    records.push(std::mem::take(&mut record));
                }
            }
            ReadFieldResult::End => {
                if !record.is_empty() {
                    records.push(record);
                }
                return Ok(records);
            }
        }
    }
    Err("the CSV parser did not finish".into())
}

/// The value bytes inside a field's raw range: without a BOM, the line ending of
/// the previous record, the delimiter or line ending after it, and its quotes.
fn csv_place(text: &str, field: &Field, delimiter: u8) -> (Range<usize>, Style) {
    let b = text.as_bytes();
    let (mut s, mut e) = (field.raw.start, field.raw.end);
    if s == 0 && text.starts_with('\u{feff}') {
        s = '\u{feff}'.len_utf8();
    }
    while s < e && matches!(b[s], b'\r' | b'\n') {
        s += 1;
    }
    if e > s && b[e - 1] == delimiter {
        e -= 1;
    } else {
        while e > s && matches!(b[e - 1], b'\r' | b'\n') {
            e -= 1;
        }
    }
    if e >= s + 2 && b[s] == b'"' && b[e - 1] == b'"' {
        (s + 1..e - 1, Style::DoubleQuoted)
    } else {
        (s..e, Style::Plain)
    }
}

/// A SharePoint CSV export: `load::csv` for the meaning, csv-core for the spans.
pub fn csv(file: &Path, text: &str, ucc: &str) -> Result<Spans, LoadError> {
    let loaded = load::csv(file, text, ucc)?;
    let records =
        csv_fields(text).map_err(|e| internal(file, format!("cannot locate values: {e}")))?;
    let delimiter = crate::csv_input::delimiter(text);
    let mut records = records.into_iter();
    let header = records.next().unwrap_or_default();
    let find = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.iter().any(|n| h.text.trim().eq_ignore_ascii_case(n)))
    };
    let (Some(setting_col), Some(value_col)) = (find(&["Title", "Setting"]), find(&["Value"]))
    else {
        return Err(internal(file, "cannot locate the Value column".into()));
    };
    let scope_col = find(&["Scope"]);
    let (mut names, mut scopes) = (Vec::new(), Vec::new());
    // A name or scope in place when its field reads as the loader's (trimmed) text.
    let place_of = |f: Option<&Field>, want: &str| {
        f.map(|f| {
            let (span, style) = csv_place(text, f, delimiter);
            if f.text.trim() == want && !text[span.clone()].contains('"') {
                Place::At { span, style }
            } else {
                Place::NotInPlace("the field's text does not match".into())
            }
        })
    };
    // Line starts, to give each field the line the loader gives its row.
    let line_of = |offset: usize| {
        text.as_bytes()[..offset]
            .iter()
            .filter(|&&c| c == b'\n')
            .count()
            + 1
    };
    let mut spans = Vec::with_capacity(loaded.rows.len());
    let mut rows = loaded.rows.iter();
    for rec in records {
        let Some(name) = rec.get(setting_col).map(|f| f.text.trim()) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let row = rows
            .next()
            .ok_or_else(|| internal(file, "cannot locate values: more rows than loaded".into()))?;
        names.push(place_of(rec.get(setting_col), &row.setting));
        scopes.push(place_of(scope_col.and_then(|c| rec.get(c)), &row.scope));
        let place = match rec.get(value_col) {
            None => None,
            Some(f) => {
                let (span, style) = csv_place(text, f, delimiter);
                let raw = &text[span.clone()];
                let decoded = match style {
                    Style::DoubleQuoted => raw.replace("\"\"", "\""),
                    _ => raw.to_string(),
                };
                let first_line = rec
                    .first()
                    .map(|f0| line_of(csv_place(text, f0, delimiter).0.start));
                if row.setting != name || f.text != row.value || first_line != Some(row.line) {
                    return Err(internal(
                        file,
                        format!(
                            "cannot locate values: line {} reads differently a second time",
                            row.line
                        ),
                    ));
                }
                Some(if decoded == row.value {
                    Place::At { span, style }
                } else {
                    Place::NotInPlace("the field's text does not match its value".into())
                })
            }
        };
        spans.push(place);
    }
    if rows.next().is_some() {
        return Err(internal(
            file,
            "cannot locate values: fewer rows than loaded".into(),
        ));
    }
    Ok(Spans {
        uccs: vec![loaded],
        spans: vec![spans],
        names: vec![names],
        scopes: vec![scopes],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(p: &Option<Place>) -> (Range<usize>, Style) {
        match p {
            Some(Place::At { span, style }) => (span.clone(), *style),
            other => panic!("not in place: {other:?}"),
        }
    }

    #[test]
    fn yaml_spans_exclude_quotes_and_follow_aliases() {
        let text = "\u{feff}# c\r\nuccs:\r\n  - name: a\r\n    settings:\r\n      - { setting: Password, value: abc== }\r\n      - { setting: ClientId, value: 'q''x' }\r\n      - setting: Y\r\n        value: \"dq\"  # c\r\n      - setting: W\r\n        value: &a anch\r\n      - setting: V\r\n        value: *a\r\n      - setting: E\r\n        value:\r\n      - setting: B\r\n        value: |\r\n          blk\r\n";
        let s = yaml(Path::new("e.yaml"), text).expect("loads");
        let p = &s.spans[0];
        let cut = |i: usize| {
            let (r, st) = at(&p[i]);
            (&text[r], st)
        };
        assert_eq!(cut(0), ("abc==", Style::Plain));
        assert_eq!(cut(1), ("q''x", Style::SingleQuoted));
        assert_eq!(cut(2), ("dq", Style::DoubleQuoted));
        assert_eq!(cut(3), ("anch", Style::Plain));
        assert_eq!(at(&p[4]), at(&p[3]), "an alias rewrites its anchor");
        assert_eq!(p[5], None);
        assert!(matches!(p[6], Some(Place::NotInPlace(_))));
    }

    #[test]
    fn csv_spans_with_bom_crlf_quotes_and_semicolons() {
        let text = "\u{feff}Title;Value;Scope\r\nPassword;abc==;CrmService\r\n\"ClientId\";\"q==\";CrmService\r\n\r\nClientSecret;\"a\"\"b\"\r\nLast;z";
        let s = csv(Path::new("l.csv"), text, "u").expect("loads");
        let u = &s.uccs[0];
        assert_eq!(u.rows.len(), 4);
        let p = &s.spans[0];
        let cut = |i: usize| {
            let (r, st) = at(&p[i]);
            (&text[r], st)
        };
        assert_eq!(cut(0), ("abc==", Style::Plain));
        assert_eq!(cut(1), ("q==", Style::DoubleQuoted));
        assert_eq!(cut(2), ("a\"\"b", Style::DoubleQuoted));
        assert_eq!(cut(3), ("z", Style::Plain));
        assert_eq!(u.rows[3].line, 6);
    }

    #[test]
    fn csv_with_commas_and_no_final_newline() {
        let text = "Setting,Scope,Value\nPassword,CrmService,\"abc==\"\nClientId,CrmService,";
        let s = csv(Path::new("l.csv"), text, "u").expect("loads");
        let p = &s.spans[0];
        assert_eq!(&text[at(&p[0]).0], "abc==");
        assert_eq!(at(&p[1]).0, text.len()..text.len());
    }
}
