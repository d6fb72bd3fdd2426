//! Text read as a stream, for files of any length (`lookup --file`): the same
//! encodings and errors as [`super::read_text`] (a UTF-8 BOM dropped, UTF-16 with or
//! without a BOM, "line N: not UTF-8 text"), decoded a chunk at a time so that memory
//! holds a few buffers, never the file.
//!
//! A [`TextSource`] can be read several times (a first pass checks and counts, the
//! next one feeds the lookups); stdin, which can be read once, is copied to an
//! anonymous temporary file first (at most [`super::MAX_TEXT`] bytes).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use super::text::{MAX_TEXT, TextError, read_capped_to, utf16_sniff};

/// Raw bytes read from the file at a time.
pub const CHUNK: usize = 64 * 1024;

/// A file (or stdin, copied aside) to be read as text, once or more.
pub struct TextSource {
    file: File,
    encoding: &'static encoding_rs::Encoding,
    /// Bytes of a BOM to skip.
    bom: u64,
}

impl TextSource {
    /// Opens `path` (`-` is stdin) and tells its encoding from its first bytes.
    pub fn open(path: &Path) -> Result<TextSource, TextError> {
        let mut file = if path.as_os_str() == "-" {
            let mut spill = tempfile::tempfile().map_err(TextError::Io)?;
            read_capped_to(io::stdin().lock(), MAX_TEXT, &mut spill)?;
            spill
        } else {
            File::open(path).map_err(TextError::Io)?
        };
        let len = file.seek(SeekFrom::End(0)).map_err(TextError::Io)?;
        file.seek(SeekFrom::Start(0)).map_err(TextError::Io)?;
        let mut sample = Vec::with_capacity(1024);
        (&mut file)
            .take(1024)
            .read_to_end(&mut sample)
            .map_err(TextError::Io)?;
        let (encoding, bom) = match encoding_rs::Encoding::for_bom(&sample) {
            Some((enc, bom)) => (enc, bom as u64),
            None => (
                utf16_sniff(&sample, usize::try_from(len).unwrap_or(usize::MAX))
                    .unwrap_or(encoding_rs::UTF_8),
                0,
            ),
        };
        Ok(TextSource {
            file,
            encoding,
            bom,
        })
    }

    /// The text from its start, as UTF-8 bytes.
    pub fn reader(&self) -> Result<Decoded<File>, TextError> {
        let mut file = self.file.try_clone().map_err(TextError::Io)?;
        file.seek(SeekFrom::Start(self.bom))
            .map_err(TextError::Io)?;
        Ok(Decoded::new(file, self.encoding))
    }
}

/// UTF-8 bytes of text decoded from `inner` a chunk at a time. A leading U+FEFF is
/// dropped (as `strip_prefix('\u{feff}')` on a whole text). A decoding error comes
/// as an `io::Error` of kind `InvalidData` whose inner error is the [`TextError`]
/// ([`text_error`] takes it back out).
pub struct Decoded<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    encoding: &'static encoding_rs::Encoding,
    raw: Vec<u8>,
    raw_pos: usize,
    raw_len: usize,
    eof: bool,
    done: bool,
    out: String,
    out_pos: usize,
    started: bool,
    /// Line breaks handed out so far, for the line of a bad byte.
    newlines: usize,
}

impl<R: Read> Decoded<R> {
    pub fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        Decoded {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            encoding,
            raw: vec![0; CHUNK],
            raw_pos: 0,
            raw_len: 0,
            eof: false,
            done: false,
            out: String::new(),
            out_pos: 0,
            started: false,
            newlines: 0,
        }
    }

    /// Bytes held in its buffers (the raw chunk and its decoded text): bounded by
    /// [`CHUNK`], whatever the length of the input.
    pub fn buffered(&self) -> usize {
        self.raw.capacity() + self.out.capacity()
    }

    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.out_pos = 0;
        if self.raw_pos == self.raw_len && !self.eof {
            self.raw_pos = 0;
            self.raw_len = loop {
                match self.inner.read(&mut self.raw) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            self.eof = self.raw_len == 0;
        }
        let src = &self.raw[self.raw_pos..self.raw_len];
        let room = self
            .decoder
            .max_utf8_buffer_length_without_replacement(src.len())
            .unwrap_or(src.len() * 3 + 16);
        self.out.reserve(room);
        let (result, read) =
            self.decoder
                .decode_to_string_without_replacement(src, &mut self.out, self.eof);
        self.raw_pos += read;
        if !self.started && !self.out.is_empty() {
            self.started = true;
            if self.out.starts_with('\u{feff}') {
                self.out_pos = '\u{feff}'.len_utf8();
            }
        }
        match result {
            encoding_rs::DecoderResult::InputEmpty => self.done = self.eof,
            encoding_rs::DecoderResult::OutputFull => {}
            encoding_rs::DecoderResult::Malformed(..) => {
                let error = if self.encoding == encoding_rs::UTF_8 {
                    TextError::NotUtf8 {
                        line: 1 + self.newlines + self.out.matches('\n').count(),
                    }
                } else {
                    TextError::BadUtf16 {
                        encoding: self.encoding.name(),
                    }
                };
                self.out.clear();
                self.done = true;
                return Err(io::Error::new(io::ErrorKind::InvalidData, error));
            }
        }
        self.newlines += self.out.matches('\n').count();
        Ok(())
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out.as_bytes()[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            self.refill()?;
        }
    }
}

/// The [`TextError`] a [`Decoded`] reader failed with, or the I/O error as one.
pub fn text_error(e: io::Error) -> TextError {
    if e.get_ref().is_some_and(|i| i.is::<TextError>()) {
        match e.into_inner().map(|i| i.downcast::<TextError>()) {
            Some(Ok(t)) => *t,
            _ => TextError::Io(io::Error::other("could not be read")),
        }
    } else {
        TextError::Io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Result<String, TextError> {
        let dir = tempfile::tempdir().map_err(TextError::Io)?;
        let path = dir.path().join("t.txt");
        std::fs::write(&path, bytes).map_err(TextError::Io)?;
        let source = TextSource::open(&path)?;
        let mut out = String::new();
        // Twice: a source reads from its start every time.
        for _ in 0..2 {
            out.clear();
            source
                .reader()?
                .read_to_string(&mut out)
                .map_err(text_error)?;
        }
        Ok(out)
    }

    /// The streamed text is `decode_text`'s (then a leading U+FEFF dropped), and so
    /// are its errors, also past the first chunk.
    #[test]
    fn streams_what_decode_text_gives_and_its_errors() {
        let mut le = vec![0xff, 0xfe];
        le.extend("A\tB\r\nå,€\n".encode_utf16().flat_map(u16::to_le_bytes));
        let no_bom: Vec<u8> = "uccs:\r\n  - é\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let long: String = (0..40_000).map(|i| format!("+3120{i:07}\r\n")).collect();
        for bytes in [
            b"\xef\xbb\xbfa\r\nb".to_vec(),
            le,
            no_bom,
            long.clone().into_bytes(),
            b"ab".to_vec(),
        ] {
            let whole = crate::fsutil::decode_text(&bytes).expect("decodes");
            let whole = whole.strip_prefix('\u{feff}').unwrap_or(&whole);
            assert_eq!(decode(&bytes).expect("streams"), whole);
        }
        let mut bad = long.into_bytes();
        bad.extend(b"ok\n\xe9t\xe9\n");
        assert!(
            matches!(decode(&bad), Err(TextError::NotUtf8 { line: 40_002 })),
            "{:?}",
            decode(&bad)
        );
        assert!(matches!(
            decode(&[0xff, 0xfe, 0x00, 0xd8]),
            Err(TextError::BadUtf16 { .. })
        ));
    }
}
