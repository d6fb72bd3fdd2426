//! Key material written in a profile as `hex:...` or `base64:...`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use zeroize::Zeroizing;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaterialError {
    /// Neither `hex:` nor `base64:` in front.
    BadPrefix,
    BadHex(String),
    BadBase64(String),
}

impl std::fmt::Display for MaterialError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MaterialError::BadPrefix => {
                write!(f, "must start with `hex:` or `base64:`")
            }
            MaterialError::BadHex(e) => write!(f, "is not valid hex ({e})"),
            MaterialError::BadBase64(e) => write!(f, "is not valid base64 ({e})"),
        }
    }
}

/// Decodes `hex:<digits>` or `base64:<standard base64>`. Error messages describe
/// the problem without repeating the value, which may be a key.
pub fn decode(text: &str) -> Result<Zeroizing<Vec<u8>>, MaterialError> {
    let text = text.trim();
    if let Some(digits) = text.strip_prefix("hex:") {
        hex::decode(digits.trim())
            .map(Zeroizing::new)
            .map_err(|e| MaterialError::BadHex(describe_hex_error(&e)))
    } else if let Some(b64) = text.strip_prefix("base64:") {
        BASE64
            .decode(b64.trim())
            .map(Zeroizing::new)
            .map_err(|e| MaterialError::BadBase64(describe_base64_error(&e)))
    } else {
        Err(MaterialError::BadPrefix)
    }
}

/// Describes a hex error by position only: the offending character may be part of a key.
fn describe_hex_error(e: &hex::FromHexError) -> String {
    match e {
        hex::FromHexError::InvalidHexCharacter { index, .. } => {
            format!("invalid character at position {}", index + 1)
        }
        hex::FromHexError::OddLength => "odd number of digits".to_string(),
        hex::FromHexError::InvalidStringLength => "wrong length".to_string(),
    }
}

/// Describes a base64 error by position only, for the same reason.
pub fn describe_base64_error(e: &base64::DecodeError) -> String {
    match e {
        base64::DecodeError::InvalidByte(offset, _) => {
            format!("invalid character at position {}", offset + 1)
        }
        base64::DecodeError::InvalidLength(len) => format!("invalid length {len}"),
        base64::DecodeError::InvalidLastSymbol { offset, .. } => {
            format!("invalid last character at position {}", offset + 1)
        }
        base64::DecodeError::InvalidPadding => "invalid padding".to_string(),
    }
}

pub fn encode_hex(bytes: &[u8]) -> String {
    format!("hex:{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_base64_decode_to_the_same_bytes() {
        assert_eq!(decode("hex:00ff10").expect("hex").as_slice(), &[0, 255, 16]);
        assert_eq!(
            decode("base64:AP8Q").expect("b64").as_slice(),
            &[0, 255, 16]
        );
        assert_eq!(
            decode(&encode_hex(&[1, 2])).expect("round trip").as_slice(),
            &[1, 2]
        );
    }

    #[test]
    fn a_missing_prefix_or_bad_digits_are_refused() {
        assert_eq!(decode("00ff").unwrap_err(), MaterialError::BadPrefix);
        assert!(matches!(
            decode("hex:0g").unwrap_err(),
            MaterialError::BadHex(_)
        ));
        assert!(matches!(
            decode("base64:@@").unwrap_err(),
            MaterialError::BadBase64(_)
        ));
    }

    #[test]
    fn errors_do_not_repeat_the_value() {
        let err = decode("hex:zz11secretzz").unwrap_err().to_string();
        assert!(!err.contains("secret"), "{err}");
    }
}
