//! Bytes to text as people's files and pipes hold them, and parse errors that say
//! where without quoting what.

use std::io::Read;
use std::path::Path;

/// Why bytes could not be turned into text. Never holds the bytes themselves.
#[derive(Debug)]
pub enum TextError {
    Io(std::io::Error),
    /// Not UTF-8 and no BOM saying otherwise; `line` is where the first bad byte is.
    NotUtf8 {
        line: usize,
    },
    /// A UTF-16 BOM, then data that is not valid UTF-16.
    BadUtf16 {
        encoding: &'static str,
    },
    TooLarge {
        limit: usize,
    },
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::Io(e) => write!(f, "{e}"),
            TextError::NotUtf8 { line } => write!(
                f,
                "line {line}: not UTF-8 text; save it as UTF-8 (with or without BOM) or as Unicode text (UTF-16)"
            ),
            TextError::BadUtf16 { encoding } => {
                write!(
                    f,
                    "looks like {encoding} text (by its BOM or its zero bytes) but is not valid {encoding}; save it again as UTF-8"
                )
            }
            TextError::TooLarge { limit } => write!(
                f,
                "is larger than {}, the most crmctl reads; nothing was taken from it",
                size(*limit)
            ),
        }
    }
}

impl std::error::Error for TextError {}

/// Largest text crmctl reads at once (settings, lookup lists, key profiles, stdin).
pub const MAX_TEXT: usize = 256 * 1024 * 1024;

/// Bytes to text: UTF-8 (a BOM is dropped), or UTF-16 LE/BE when a BOM says so.
/// Line endings are kept as they are; every parser crmctl uses counts `\r\n` as one line.
pub fn decode_text(bytes: &[u8]) -> Result<String, TextError> {
    match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, bom)) if enc == encoding_rs::UTF_8 => utf8(&bytes[bom..]),
        Some((enc, bom)) => enc
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|t| t.into_owned())
            .ok_or(TextError::BadUtf16 {
                encoding: enc.name(),
            }),
        None => match utf16_without_bom(bytes) {
            Some(enc) => enc
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|t| t.into_owned())
                .ok_or(TextError::BadUtf16 {
                    encoding: enc.name(),
                }),
            None => utf8(bytes),
        },
    }
}

/// UTF-16 without a BOM, as some Windows tools save "Unicode text": encoding_rs
/// decodes it once told which byte order, and settings, lists and secrets are
/// mostly ASCII, so in the first KiB nearly every other byte is zero (the high
/// byte: odd positions for little-endian, even ones for big-endian). UTF-8 text
/// holds no zero bytes at all.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    utf16_sniff(&bytes[..bytes.len().min(1024)], bytes.len())
}

/// [`utf16_without_bom`] from the first KiB of a text of `len` bytes (the stream reader
/// sees no more before it decodes).
pub(super) fn utf16_sniff(sample: &[u8], len: usize) -> Option<&'static encoding_rs::Encoding> {
    if len < 2 || !len.is_multiple_of(2) {
        return None;
    }
    let sample = &sample[..sample.len().min(1024)];
    let units = sample.len() / 2;
    let (mut le, mut be) = (0, 0);
    for pair in sample.chunks_exact(2) {
        match (pair[0], pair[1]) {
            (0, 0) => {}
            (_, 0) => le += 1,
            (0, _) => be += 1,
            _ => {}
        }
    }
    if le * 10 >= units * 9 {
        Some(encoding_rs::UTF_16LE)
    } else if be * 10 >= units * 9 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

fn utf8(bytes: &[u8]) -> Result<String, TextError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(TextError::NotUtf8 {
            line: 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
        }),
    }
}

/// "1 MiB", "256 MiB", "512 KiB": a cap as people read it.
fn size(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// The one capped reader: all of `reader` into `bytes`, or [`TextError::TooLarge`]
/// naming the cap when it holds more than `limit` bytes. Every reader with a cap
/// uses it, so input over a cap is an error and never silently cut short.
pub fn read_capped(reader: impl Read, limit: usize, bytes: &mut Vec<u8>) -> Result<(), TextError> {
    reader
        .take(limit as u64 + 1)
        .read_to_end(bytes)
        .map_err(TextError::Io)?;
    if bytes.len() > limit {
        zeroize::Zeroize::zeroize(bytes);
        bytes.clear();
        return Err(TextError::TooLarge { limit });
    }
    Ok(())
}

/// [`read_capped`] into a writer (stdin into a temporary file): at most `limit` bytes.
pub(super) fn read_capped_to(
    reader: impl Read,
    limit: usize,
    to: &mut impl std::io::Write,
) -> Result<(), TextError> {
    let copied = std::io::copy(&mut reader.take(limit as u64 + 1), to).map_err(TextError::Io)?;
    if copied > limit as u64 {
        return Err(TextError::TooLarge { limit });
    }
    Ok(())
}

/// Reads a whole file, or stdin for `-`, as text (see [`decode_text`]).
pub fn read_text(path: &Path) -> Result<String, TextError> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        // stdin can be read once: a second `-` would read nothing and be "empty".
        static READ: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if READ.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return Err(TextError::Io(std::io::Error::other(
                "stdin (-) was already read by this run; give `-` once",
            )));
        }
        read_capped(std::io::stdin().lock(), MAX_TEXT, &mut bytes)?;
    } else {
        let file = std::fs::File::open(path).map_err(TextError::Io)?;
        read_capped(file, MAX_TEXT, &mut bytes)?;
    }
    let text = decode_text(&bytes);
    // The file may hold secrets (a key profile): wipe the raw copy.
    zeroize::Zeroize::zeroize(&mut bytes);
    text
}

/// A parse error as crmctl shows it: where, and what, without the file's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// Reduces a parser's message (serde-saphyr, csv) to its first line, takes the
/// `line L column C:` position out of it, and drops what could be the file's content:
/// serde-saphyr appends a snippet of the offending lines, and its messages quote
/// values. Quoted text stays only when it is short and word-like (a field name).
/// Library wording that means nothing to users is replaced.
pub fn parse_error(message: &str) -> ParseError {
    let first = message.lines().next().unwrap_or("syntax error").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let (mut line, mut column, mut rest) = (None, None, first);
    if let Some(after) = first.strip_prefix("line ") {
        let (pos, tail) = after.split_once(':').unwrap_or((after, ""));
        let mut words = pos.split_whitespace();
        line = words.next().and_then(|l| l.parse().ok());
        if words.next() == Some("column") {
            column = words.next().and_then(|c| c.parse().ok());
        }
        rest = tail.trim();
    }
    ParseError {
        line,
        column,
        message: plain_words(&redact_quotes(rest)),
    }
}

fn redact_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '`' && c != '"' && c != '\'' {
            out.push(c);
            continue;
        }
        let quoted: String = chars.by_ref().take_while(|&q| q != c).collect();
        let word_like = quoted.chars().count() <= 24
            && quoted
                .chars()
                .all(|q| q.is_ascii_alphanumeric() || q == '_' || q == '-' || q == '.');
        out.push(c);
        out.push_str(if word_like { &quoted } else { "…" });
        out.push(c);
    }
    out
}

/// serde-saphyr's advice to its own callers, rephrased for the person with the file.
fn plain_words(message: &str) -> String {
    if let Some(i) = message.find("DuplicateKeyPolicy") {
        let head = message[..i].trim_end();
        let head = head.strip_suffix(", set").unwrap_or(head).trim_end();
        let head = head.strip_suffix(',').unwrap_or(head);
        return format!("{head} (a key may appear only once in a mapping)");
    }
    // serde's wording for a value of the wrong shape names our private enums.
    if message.contains("did not match any variant of untagged enum") {
        return "a value must be text, a number or true/false, not a list or mapping".into();
    }
    // Any other wording that names library types ("Options", "Deserializer").
    message
        .replace(" in Options", "")
        .replace("Deserializer", "reader")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_drops_a_utf8_bom_and_decodes_utf16_with_a_bom() {
        assert_eq!(decode_text(b"\xef\xbb\xbfa\r\nb").expect("utf8"), "a\r\nb");
        let mut le = vec![0xff, 0xfe];
        le.extend(
            "Title\tValue\r\nå,€"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(decode_text(&le).expect("le"), "Title\tValue\r\nå,€");
        let mut be = vec![0xfe, 0xff];
        be.extend("x€".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode_text(&be).expect("be"), "x€");
        assert!(matches!(
            decode_text(&[0xff, 0xfe, 0x00, 0xd8]),
            Err(TextError::BadUtf16 { .. })
        ));
        // Without a BOM, as some Windows tools save it.
        let le: Vec<u8> = "uccs:\r\n  - name: é\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode_text(&le).expect("le"), "uccs:\r\n  - name: é\r\n");
        let be: Vec<u8> = "Title,Value\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(decode_text(&be).expect("be"), "Title,Value\n");
        // Two bytes of UTF-8 are not taken for one UTF-16 unit.
        assert_eq!(decode_text(b"ab").expect("utf8"), "ab");
        let e = decode_text(b"ok\r\nstill ok\n\xe9t\xe9\n").unwrap_err();
        assert!(matches!(e, TextError::NotUtf8 { line: 3 }), "{e:?}");
    }

    #[test]
    fn parse_errors_keep_position_and_names_but_not_content() {
        let e = parse_error(
            "error: line 1 column 1: unknown field `key`, expected one of org, users\n --> <input>:1:1\n  |\n1 | key: hex:603deb1015ca71be2b73aef0857d77811f352c07\n",
        );
        assert_eq!((e.line, e.column), (Some(1), Some(1)));
        assert_eq!(e.message, "unknown field `key`, expected one of org, users");
        let e = parse_error("invalid type: string \"hex:603deb1015ca71be2b73aef08\", expected u32");
        assert_eq!(e.message, "invalid type: string \"…\", expected u32");
        let e = parse_error(
            "line 3 column 5: duplicate mapping key: name, set DuplicateKeyPolicy in Options if acceptable",
        );
        assert_eq!(
            e.message,
            "duplicate mapping key: name (a key may appear only once in a mapping)"
        );
        let e =
            parse_error("line 4 column 39: data did not match any variant of untagged enum Scalar");
        assert!(!e.message.contains("Scalar"), "{}", e.message);
    }
}
