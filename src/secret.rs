//! Reading secrets: a hidden prompt on a terminal, a line of stdin, or an
//! environment variable. Never a command-line argument.

use std::io::Read;

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::env::EnvSecret;
use crate::error::CliError;

/// Asks for a secret without echoing it. The prompt goes to the terminal, not stdout.
pub fn prompt_hidden(prompt: &str) -> Result<SecretString, CliError> {
    rpassword::prompt_password(prompt)
        .map(SecretString::from)
        .map_err(|e| {
            // Ctrl-D leaves the cursor after the prompt: the error goes on a line of its own.
            crate::output::Printer::end_prompt_line();
            CliError::input("could not read from the terminal").with_cause(e)
        })
}

/// Asks for a key profile's passphrase on the terminal; refuses an empty one, and with
/// `confirm` asks twice. Up to three rounds, then an error.
pub fn prompt_passphrase(confirm: bool, warn: &dyn Fn(&str)) -> Result<SecretString, CliError> {
    use secrecy::ExposeSecret;
    for _ in 0..3 {
        let first = prompt_hidden("Key profile passphrase: ")?;
        if first.expose_secret().is_empty() {
            warn("the passphrase is empty; please type it");
            continue;
        }
        if !confirm {
            return Ok(first);
        }
        let again = prompt_hidden("Key profile passphrase again, to confirm: ")?;
        if first.expose_secret() == again.expose_secret() {
            return Ok(first);
        }
        warn("the two entries differ; please try again");
    }
    Err(CliError::usage(
        "no passphrase was confirmed in three tries; nothing was encrypted",
    ))
}

/// Reads secrets from stdin, one a line. The whole input (at most 1 MiB) is read at
/// the first request and decoded like every text crmctl reads (`fsutil::decode_text`):
/// a UTF-8 BOM from a Windows tool must never become part of a password, and UTF-16
/// with a BOM (PowerShell's `Out-File`) is decoded.
pub struct StdinLines<R> {
    reader: Option<R>,
    text: Zeroizing<String>,
    pos: usize,
}

/// The most secrets input crmctl reads from stdin; more is an error, never cut.
pub const MAX_STDIN: usize = 1 << 20;

impl StdinLines<std::io::StdinLock<'static>> {
    pub fn stdin() -> Self {
        Self::new(std::io::stdin().lock())
    }
}

impl<R: Read> StdinLines<R> {
    pub fn new(reader: R) -> Self {
        StdinLines {
            reader: Some(reader),
            text: Zeroizing::new(String::new()),
            pos: 0,
        }
    }

    fn fill(&mut self, what: &str) -> Result<(), CliError> {
        let Some(reader) = self.reader.take() else {
            return Ok(());
        };
        let cant = || CliError::input(format!("could not read the {what} from stdin"));
        let mut bytes = Zeroizing::new(Vec::new());
        crate::fsutil::read_capped(reader, MAX_STDIN, &mut bytes)
            .map_err(|e| cant().with_cause(stdin_error(&e)))?;
        self.text =
            Zeroizing::new(crate::fsutil::decode_text(&bytes).map_err(|e| cant().with_cause(e))?);
        Ok(())
    }

    /// The next line without its line ending (`\n` or `\r\n`); `None` at end of input.
    /// Other whitespace is kept: it may be part of the secret, and callers warn about it.
    pub fn next_secret(&mut self, what: &str) -> Result<Option<SecretString>, CliError> {
        self.fill(what)?;
        let rest = &self.text[self.pos..];
        if rest.is_empty() {
            return Ok(None);
        }
        let (line, used) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        let secret = SecretString::from(line.to_string());
        self.pos += used;
        Ok(Some(secret))
    }
}

/// A failure to read stdin as people read it ("stdin is larger than 1 MiB ...").
pub fn stdin_error(e: &crate::fsutil::TextError) -> String {
    match e {
        crate::fsutil::TextError::TooLarge { .. } => format!("stdin {e}"),
        other => other.to_string(),
    }
}

/// Turns an environment secret into a value, or an error naming the variable.
pub fn from_env(secret: &EnvSecret) -> Result<Option<SecretString>, CliError> {
    match secret {
        EnvSecret::Unset => Ok(None),
        EnvSecret::Set(s) => Ok(Some(s.clone())),
        EnvSecret::NotUtf8(name) => Err(CliError::input(format!(
            "the environment variable {name} is not valid UTF-8"
        ))),
    }
}

/// A control character (tab, escape, DEL, C1) inside a secret: a copy-paste slip
/// or a terminal's escape sequence, never something a user means to type.
pub fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// Leading or trailing whitespace in a secret is almost always a copy-paste slip.
pub fn has_outer_whitespace(s: &str) -> bool {
    s.trim() != s
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn lines_lose_only_their_line_ending() {
        let mut lines = StdinLines::new(" pass \r\ntoken\nlast".as_bytes());
        assert_eq!(
            lines
                .next_secret("a")
                .expect("ok")
                .expect("line")
                .expose_secret(),
            " pass "
        );
        assert_eq!(
            lines
                .next_secret("b")
                .expect("ok")
                .expect("line")
                .expose_secret(),
            "token"
        );
        assert_eq!(
            lines
                .next_secret("c")
                .expect("ok")
                .expect("line")
                .expose_secret(),
            "last"
        );
        assert!(lines.next_secret("d").expect("ok").is_none());
    }

    #[test]
    fn a_bom_never_becomes_part_of_a_secret() {
        let mut lines = StdinLines::new("\u{feff}pass\r\ntoken\r\n".as_bytes());
        let first = lines.next_secret("a").expect("ok").expect("line");
        assert_eq!(first.expose_secret(), "pass");
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(
            "pässword\r\ntoken\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let mut lines = StdinLines::new(utf16.as_slice());
        let first = lines.next_secret("a").expect("ok").expect("line");
        assert_eq!(first.expose_secret(), "pässword");
        let second = lines.next_secret("b").expect("ok").expect("line");
        assert_eq!(second.expose_secret(), "token");
        assert!(lines.next_secret("c").expect("ok").is_none());
    }

    #[test]
    fn outer_whitespace_is_detected() {
        assert!(has_outer_whitespace(" a"));
        assert!(has_outer_whitespace("a\t"));
        assert!(!has_outer_whitespace("a b"));
    }
}
