//! Reading secrets: a hidden prompt on a terminal, a line of stdin, or an
//! environment variable. Never a command-line argument.

use std::io::BufRead;

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::env::EnvSecret;
use crate::error::CliError;

/// Asks for a secret without echoing it. The prompt goes to the terminal, not stdout.
pub fn prompt_hidden(prompt: &str) -> Result<SecretString, CliError> {
    rpassword::prompt_password(prompt)
        .map(SecretString::from)
        .map_err(|e| CliError::input("could not read from the terminal").with_cause(e))
}

/// Reads lines from stdin, one per requested secret, without keeping more than needed.
pub struct StdinLines<R> {
    reader: R,
}

impl StdinLines<std::io::StdinLock<'static>> {
    pub fn stdin() -> Self {
        StdinLines {
            reader: std::io::stdin().lock(),
        }
    }
}

impl<R: BufRead> StdinLines<R> {
    pub fn new(reader: R) -> Self {
        StdinLines { reader }
    }

    /// The next line without its line ending (`\n` or `\r\n`); `None` at end of input.
    /// Other whitespace is kept: it may be part of the secret, and callers warn about it.
    pub fn next_secret(&mut self, what: &str) -> Result<Option<SecretString>, CliError> {
        let mut line = Zeroizing::new(String::new());
        let n = self.reader.read_line(&mut line).map_err(|e| {
            CliError::input(format!("could not read the {what} from stdin")).with_cause(e)
        })?;
        if n == 0 {
            return Ok(None);
        }
        if line.ends_with('\n') {
            line.pop();
            if line.ends_with('\r') {
                line.pop();
            }
        }
        Ok(Some(SecretString::from(line.as_str().to_string())))
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
    fn outer_whitespace_is_detected() {
        assert!(has_outer_whitespace(" a"));
        assert!(has_outer_whitespace("a\t"));
        assert!(!has_outer_whitespace("a b"));
    }
}
