//! Rows of a long run kept on disk until the one JSON document of `--json` is written,
//! so that memory stays flat however many rows there are. Each row is one escaped,
//! compact JSON line in an anonymous temporary file (removed by the OS when closed).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};

use serde::Serialize;

use super::json;

/// The placeholder written where the rows go; a JSON string the report's own data
/// never holds (it is not org text: rows are spliced in at its place).
pub const ROWS_MARKER: &str = "\u{1}crmctl:spooled-rows\u{1}";

pub struct RowSpool {
    file: BufWriter<File>,
    rows: usize,
}

impl RowSpool {
    pub fn new() -> io::Result<RowSpool> {
        Ok(RowSpool {
            file: BufWriter::new(tempfile::tempfile()?),
            rows: 0,
        })
    }

    pub fn push<T: Serialize>(&mut self, row: &T) -> io::Result<()> {
        self.file.write_all(json::to_line(row).as_bytes())?;
        self.file.write_all(b"\n")?;
        self.rows += 1;
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The rows as the elements of a JSON array (without its brackets), each on its
    /// own line after `indent`, handed to `write` in chunks of about 64 KB.
    pub fn for_each_element(
        &mut self,
        indent: &str,
        mut write: impl FnMut(&str) -> io::Result<()>,
    ) -> io::Result<()> {
        self.file.flush()?;
        let file = self.file.get_mut();
        file.seek(SeekFrom::Start(0))?;
        let mut lines = BufReader::new(&*file).lines();
        let mut chunk = String::new();
        let mut first = true;
        while let Some(line) = lines.next().transpose()? {
            if !first {
                chunk.push(',');
            }
            first = false;
            chunk.push('\n');
            chunk.push_str(indent);
            chunk.push_str(&line);
            if chunk.len() >= 64 * 1024 {
                write(&chunk)?;
                chunk.clear();
            }
        }
        if chunk.is_empty() {
            Ok(())
        } else {
            write(&chunk)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_as_array_elements_escaped() {
        let mut spool = RowSpool::new().expect("spool");
        spool
            .push(&serde_json::json!({"a": "x\u{1b}y"}))
            .expect("push");
        spool.push(&serde_json::json!({"a": 2})).expect("push");
        let mut out = String::new();
        spool
            .for_each_element("  ", |c| {
                out.push_str(c);
                Ok(())
            })
            .expect("read");
        assert_eq!(out, "\n  {\"a\":\"x\\u001by\"},\n  {\"a\":2}");
        assert_eq!(spool.len(), 2);
    }
}
