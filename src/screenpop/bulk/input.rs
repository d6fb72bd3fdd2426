//! The values of `lookup --file`: one a line, or one column of a CSV file.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// 1-based line of the file (the data line for CSV).
    pub line: usize,
    pub value: String,
}

/// One value a line (blank lines and `#` comments skipped), or a CSV column.
/// (The whole of a text at once; `lookup --file` reads its file as a stream with
/// [`InputFile`], which gives the same rows.)
pub fn read_inputs(text: &str, column: Option<&str>) -> Result<Vec<Input>, String> {
    if column.is_some()
        && let Some(line) = crate::csv_input::unterminated_quote(text)
    {
        return Err(format!("line {line}: {}", crate::csv_input::UNTERMINATED));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = crate::csv_input::delimiter(text);
    Rows::new(text.as_bytes(), column, delimiter)?.collect()
}

/// Decoded text read this far at most for the first line and the head of a file.
const HEAD: usize = 64 * 1024;

/// Why a file of values cannot be read.
#[derive(Debug)]
pub enum InputError {
    /// The bytes are not text (or could not be read).
    Text(crate::fsutil::TextError),
    /// The text is not what was asked for (a CSV error, no such column), with its line.
    Parse(String),
}

/// The file of `lookup --file`, checked and counted by a first pass, and read again
/// (as a stream, a row at a time) by [`InputFile::rows`]. Memory holds a few buffers
/// and the first [`HEAD`] bytes of text, never the whole file.
pub struct InputFile {
    source: crate::fsutil::stream::TextSource,
    column: Option<String>,
    delimiter: u8,
    /// The line of a quote never closed (CSV).
    open_quote: Option<usize>,
    rows: usize,
    /// The text up to the first line break (at most [`HEAD`] bytes).
    pub first_line: String,
    /// The whole text, when it is [`HEAD`] bytes or less (a key profile is).
    pub small_text: Option<zeroize::Zeroizing<String>>,
}

impl InputFile {
    /// Reads `path` (`-`: stdin) once through: its encoding (an error says where the
    /// text stops being text), its first line, and (CSV) a quote left open.
    pub fn open(path: &std::path::Path, column: Option<&str>) -> Result<InputFile, InputError> {
        use std::io::Read;
        let source = crate::fsutil::stream::TextSource::open(path).map_err(InputError::Text)?;
        let text_error = |e| InputError::Text(crate::fsutil::stream::text_error(e));
        // The head: the first line (the delimiter) and, for a small file, all of it.
        let mut head = zeroize::Zeroizing::new(Vec::new());
        let mut reader = source.reader().map_err(InputError::Text)?;
        (&mut reader)
            .take(HEAD as u64 + 1)
            .read_to_end(&mut head)
            .map_err(text_error)?;
        let small = head.len() <= HEAD;
        let head_text = String::from_utf8_lossy(&head[..head.len().min(HEAD)]).into_owned();
        let first_line = head_text
            .split('\n')
            .next()
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string();
        let delimiter = crate::csv_input::delimiter(&first_line);
        // The rest of the text: decodable, and (CSV) no quote left open.
        let mut scan = crate::csv_input::QuoteScan::new(delimiter);
        let mut feed = |bytes: &[u8]| {
            for c in String::from_utf8_lossy(bytes).chars() {
                scan.feed(c);
            }
        };
        feed(&head);
        let mut chunk = vec![0; crate::fsutil::stream::CHUNK];
        let mut carry = Vec::new();
        loop {
            let n = reader.read(&mut chunk).map_err(text_error)?;
            if n == 0 {
                break;
            }
            if column.is_some() {
                // Whole characters only (a chunk may end inside one).
                carry.extend_from_slice(&chunk[..n]);
                let cut = match std::str::from_utf8(&carry) {
                    Ok(_) => carry.len(),
                    Err(e) => e.valid_up_to(),
                };
                feed(&carry[..cut]);
                carry.drain(..cut);
            }
        }
        Ok(InputFile {
            source,
            column: column.map(str::to_string),
            delimiter,
            open_quote: column.and(scan.finish()),
            rows: 0,
            first_line,
            small_text: small.then(|| zeroize::Zeroizing::new(head_text)),
        })
    }

    /// Every row parsed once, and counted: a quote left open, a CSV error or a missing
    /// column is found here, before anything is looked up.
    pub fn check(&mut self) -> Result<(), InputError> {
        if let Some(line) = self.open_quote {
            return Err(InputError::Parse(format!(
                "line {line}: {}",
                crate::csv_input::UNTERMINATED
            )));
        }
        let mut rows = 0;
        for r in self.rows()? {
            r.map_err(InputError::Parse)?;
            rows += 1;
        }
        self.rows = rows;
        Ok(())
    }

    /// Rows the file holds (counted by [`InputFile::check`]).
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The rows again from the start, a row at a time.
    pub fn rows(&self) -> Result<Rows<crate::fsutil::stream::Decoded<std::fs::File>>, InputError> {
        let reader = self.source.reader().map_err(InputError::Text)?;
        Rows::new(reader, self.column.as_deref(), self.delimiter).map_err(InputError::Parse)
    }
}

/// The values of a text, a row at a time, read from `R` (UTF-8 bytes) as they are
/// needed: a line (text) or a record (CSV) is the most it holds beyond its reader's
/// buffer.
pub struct Rows<R: std::io::Read> {
    inner: Inner<R>,
    failed: bool,
}

enum Inner<R: std::io::Read> {
    Lines {
        reader: std::io::BufReader<R>,
        line: usize,
        buf: String,
    },
    Csv {
        reader: csv::Reader<Lf<R>>,
        runs: std::rc::Rc<std::cell::RefCell<Runs>>,
        idx: usize,
        rec: csv::StringRecord,
    },
}

impl<R: std::io::Read> Rows<R> {
    /// Over `reader`; with a column, its header is read (and the column found) here.
    pub fn new(reader: R, column: Option<&str>, delimiter: u8) -> Result<Self, String> {
        let Some(column) = column else {
            return Ok(Rows {
                inner: Inner::Lines {
                    reader: std::io::BufReader::new(reader),
                    line: 0,
                    buf: String::new(),
                },
                failed: false,
            });
        };
        let runs = std::rc::Rc::new(std::cell::RefCell::new(Runs::default()));
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(Lf {
                inner: reader,
                cr: false,
                at: 0,
                run: None,
                runs: runs.clone(),
            });
        let headers = rdr
            .headers()
            .map_err(|e| format!("cannot read the CSV header: {}", csv_error(&e)))?
            .clone();
        // The header is not quoted back: a file given by mistake may hold secrets.
        let idx = crate::csv_input::find_column(&headers, &[column]).ok_or_else(|| {
            format!(
                "no column `{column}` in the CSV header ({} column(s); names are matched ignoring case and spaces)",
                headers.len()
            )
        })?;
        Ok(Rows {
            inner: Inner::Csv {
                reader: rdr,
                runs,
                idx,
                rec: csv::StringRecord::new(),
            },
            failed: false,
        })
    }

    /// The underlying reader (for tests: how much of it was read).
    pub fn get_ref(&self) -> &R {
        match &self.inner {
            Inner::Lines { reader, .. } => reader.get_ref(),
            Inner::Csv { reader, .. } => &reader.get_ref().inner,
        }
    }
}

impl<R: std::io::Read> Iterator for Rows<R> {
    type Item = Result<Input, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = match &mut self.inner {
            Inner::Lines { reader, line, buf } => loop {
                buf.clear();
                match std::io::BufRead::read_line(reader, buf) {
                    Ok(0) => break None,
                    Ok(_) => {}
                    Err(e) => {
                        let e = crate::fsutil::stream::text_error(e);
                        break Some(Err(e.to_string()));
                    }
                }
                *line += 1;
                let value = buf.trim();
                if !value.is_empty() && !value.starts_with('#') {
                    break Some(Ok(Input {
                        line: *line,
                        value: value.to_string(),
                    }));
                }
            },
            Inner::Csv {
                reader,
                runs,
                idx,
                rec,
            } => match reader.read_record(rec) {
                Ok(false) => None,
                Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => match e.into_kind() {
                    csv::ErrorKind::Io(e) => {
                        Some(Err(crate::fsutil::stream::text_error(e).to_string()))
                    }
                    _ => Some(Err("could not be read".into())),
                },
                Err(e) => Some(Err(format!("CSV error: {}", csv_error(&e)))),
                Ok(true) => {
                    let line = rec
                        .position()
                        .map(|p| {
                            usize::try_from(p.line()).unwrap_or(0)
                                + runs.borrow_mut().newlines_at(p.byte())
                        })
                        .unwrap_or(0);
                    Some(Ok(Input {
                        line,
                        value: rec.get(*idx).unwrap_or("").trim().to_string(),
                    }))
                }
            },
        };
        self.failed = matches!(next, Some(Err(_)));
        next
    }
}

/// Runs of two or more `\n` in the CSV reader's input, by offset, kept only until
/// the reader has gone past them: the csv crate reports a record at the offset where
/// it started reading, before the blank lines it skips, so its line is short by the
/// line breaks that follow that offset (as [`crate::csv_input::record_line`] counts
/// them in a whole text).
#[derive(Default)]
struct Runs {
    runs: std::collections::VecDeque<(u64, u64)>,
}

impl Runs {
    fn newlines_at(&mut self, at: u64) -> usize {
        while self.runs.front().is_some_and(|&(s, n)| s + n <= at) {
            self.runs.pop_front();
        }
        match self.runs.front() {
            Some(&(s, n)) if s <= at => usize::try_from(s + n - at).unwrap_or(0),
            _ => 0,
        }
    }
}

/// Line ends made `\n` on the way to the csv crate (as `csv_input::reader` does to a
/// whole text), noting the runs of line breaks.
struct Lf<R> {
    inner: R,
    /// The last byte read was a `\r` (its `\n`, if one follows, is dropped).
    cr: bool,
    /// Offset of the next byte handed out.
    at: u64,
    /// The run of `\n` being handed out: its start and length.
    run: Option<(u64, u64)>,
    runs: std::rc::Rc<std::cell::RefCell<Runs>>,
}

impl<R: std::io::Read> std::io::Read for Lf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                if let Some(run) = self.run.take().filter(|r| r.1 > 1) {
                    self.runs.borrow_mut().runs.push_back(run);
                }
                return Ok(0);
            }
            let mut out = 0;
            for i in 0..n {
                let b = buf[i];
                let cr = std::mem::replace(&mut self.cr, b == b'\r');
                if b == b'\n' && cr {
                    continue;
                }
                let b = if b == b'\r' { b'\n' } else { b };
                if b == b'\n' {
                    match &mut self.run {
                        Some((_, len)) => *len += 1,
                        None => self.run = Some((self.at, 1)),
                    }
                } else if let Some(run) = self.run.take().filter(|r| r.1 > 1) {
                    self.runs.borrow_mut().runs.push_back(run);
                }
                buf[out] = b;
                out += 1;
                self.at += 1;
            }
            if out > 0 {
                return Ok(out);
            }
        }
    }
}

/// A CSV error as a line number and a kind, never the data it choked on.
fn csv_error(e: &csv::Error) -> String {
    let line = e.position().map(|p| format!("line {}: ", p.line()));
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text",
        csv::ErrorKind::UnequalLengths { .. } => "a row with a different number of fields",
        csv::ErrorKind::Io(_) => "could not be read",
        _ => "not valid CSV",
    };
    format!("{}{what}", line.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_skip_blanks_and_comments_and_keep_line_numbers() {
        let v =
            read_inputs("\u{feff}+31201234567\n\n# comment\n 020-1234567 \n", None).expect("ok");
        assert_eq!(
            v,
            vec![
                Input {
                    line: 1,
                    value: "+31201234567".into()
                },
                Input {
                    line: 4,
                    value: "020-1234567".into()
                }
            ]
        );
    }

    #[test]
    fn csv_columns_by_name_with_comma_or_semicolon() {
        let v = read_inputs(
            "Name,ANI\nJane,\"+1 415 555 1212\"\nBob,+31201234567\n",
            Some("ani"),
        )
        .expect("ok");
        assert_eq!(
            v.iter()
                .map(|i| (i.line, i.value.as_str()))
                .collect::<Vec<_>>(),
            [(2, "+1 415 555 1212"), (3, "+31201234567")]
        );
        let v = read_inputs("Name;ANI\nJane;+1 415 555 1212\n", Some("ANI")).expect("ok");
        assert_eq!(v[0].value, "+1 415 555 1212");
        assert!(
            read_inputs("Name\nx\n", Some("ANI"))
                .unwrap_err()
                .contains("no column `ANI`")
        );
    }

    /// A file given by mistake may hold secrets: the error names the column, not the header.
    #[test]
    fn a_missing_column_does_not_quote_the_header_and_crlf_lines_count_right() {
        let e = read_inputs("Password,Token\nhunter2,abc\n", Some("ANI")).unwrap_err();
        assert!(e.contains("no column `ANI`"), "{e}");
        assert!(!e.contains("Password") && !e.contains("Token"), "{e}");
        let v = read_inputs(
            "\u{feff}Caller;ANI\r\nJane;+1 415 555 1212\r\n\r\nNobody;\r\n",
            Some(" ani "),
        )
        .expect("ok");
        assert_eq!(
            v.iter()
                .map(|i| (i.line, i.value.as_str()))
                .collect::<Vec<_>>(),
            [(2, "+1 415 555 1212"), (4, "")]
        );
    }

    /// The reader behind the rows, counting what it was asked for.
    struct Counting<'a> {
        data: &'a [u8],
        read: std::rc::Rc<std::cell::Cell<usize>>,
    }

    impl std::io::Read for Counting<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = std::io::Read::read(&mut self.data, buf)?;
            self.read.set(self.read.get() + n);
            Ok(n)
        }
    }

    /// Issue 21 item 3: rows are read as they are needed. Whatever the file's length,
    /// the reader holds a line (or a record) and its buffer: after a few rows of a
    /// 6 MB file, at most a few KiB of it were read, and all of it only at the end.
    #[test]
    fn rows_read_as_needed_never_the_whole_file() {
        let text: String = (0..400_000).map(|i| format!("+3120{i:07}\r\n")).collect();
        let csv: String = std::iter::once("Name;ANI\r\n".to_string())
            .chain((0..300_000).map(|i| format!("n{i};\"+3120{i:07}\"\r\n\r\n")))
            .collect();
        for (data, column) in [(&text, None), (&csv, Some("ani"))] {
            let read = std::rc::Rc::new(std::cell::Cell::new(0));
            let reader = Counting {
                data: data.as_bytes(),
                read: read.clone(),
            };
            let mut rows = Rows::new(reader, column, b';').expect("rows");
            for _ in 0..1000 {
                rows.next().expect("a row").expect("ok");
            }
            assert!(
                read.get() <= 64 * 1024,
                "{} of {} bytes read for 1,000 rows",
                read.get(),
                data.len()
            );
            let rest = rows.count() + 1000;
            assert_eq!(
                rest,
                300_000.max(if column.is_none() { 400_000 } else { 0 })
            );
            assert_eq!(read.get(), data.len());
        }
    }

    /// The streamed CSV rows are on the lines `csv_input::record_line` finds in the
    /// whole text, blank lines, CR, CRLF and quoted line breaks included.
    #[test]
    fn streamed_csv_lines_agree_with_the_whole_text_reading() {
        for text in [
            "H,ANI\n\n\na,1\n\nb,2\n",
            "H,ANI\r\na,1\r\n\r\n\r\nb,\"2\r\n\r\nx\"\r\nc,3",
            "H,ANI\ra,1\r\r\rb,2\r",
            "H;ANI\n\"q\n\n\";1\n\n\nz;2\n",
        ] {
            let mut whole = crate::csv_input::reader(text);
            whole.headers().expect("header");
            let mut rec = csv::StringRecord::new();
            let mut expected = Vec::new();
            while whole.read_record(&mut rec).expect("record") {
                let pos = rec.position().expect("position");
                let line = crate::csv_input::record_line(whole.get_ref().get_ref(), pos);
                expected.push((line, rec.get(1).unwrap_or("").trim().to_string()));
            }
            let streamed: Vec<(usize, String)> = read_inputs(text, Some("ani"))
                .expect("rows")
                .into_iter()
                .map(|i| (i.line, i.value))
                .collect();
            assert_eq!(streamed, expected, "{text:?}");
        }
    }
}
