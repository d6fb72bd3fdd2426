//! The OAuth 2.0 JWT bearer flow: the private key of the Connected App's
//! certificate, and the RS256 assertion posted to the token endpoint
//! (help.salesforce.com "OAuth 2.0 JWT Bearer Flow for Server-to-Server
//! Integration", remoteaccess_oauth_jwt_flow.htm).
//!
//! The key never leaves [`JwtKey`]: its `Debug` is redacted, and errors name the
//! file and what is wrong with it, never its bytes.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rustls_pki_types::pem::{PemObject, SectionKind};
use secrecy::SecretString;

/// How far ahead the assertion's `exp` is: Salesforce takes an expiry at most
/// three minutes away.
pub const EXPIRY_SECS: u64 = 180;

/// The grant type of the JWT bearer flow (RFC 7523).
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// An RSA private key that signs assertions.
pub struct JwtKey {
    pair: RsaKeyPair,
}

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKey([redacted])")
    }
}

/// Why a key file cannot sign; the message never quotes the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// No PEM private-key block at all (a certificate, a public key, DER, text).
    NotAPrivateKey(&'static str),
    /// `ENCRYPTED PRIVATE KEY`, or a legacy `Proc-Type: 4,ENCRYPTED` header.
    Encrypted,
    /// A private key, but not RSA (EC, Ed25519), or one ring refuses (too short).
    NotRsa(&'static str),
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyError::NotAPrivateKey(what) => {
                write!(f, "it holds no PEM private key ({what})")
            }
            KeyError::Encrypted => f.write_str("the private key is encrypted with a passphrase"),
            KeyError::NotRsa(what) => write!(f, "it is not a usable RSA private key ({what})"),
        }
    }
}

impl JwtKey {
    /// Reads a PEM RSA private key: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`).
    pub fn from_pem(pem: &[u8]) -> Result<JwtKey, KeyError> {
        let text = String::from_utf8_lossy(pem);
        if text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED") {
            return Err(KeyError::Encrypted);
        }
        let mut saw = None;
        for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(pem) {
            let Ok((kind, der)) = section else {
                return Err(KeyError::NotAPrivateKey("the PEM text is damaged"));
            };
            let der = zeroize::Zeroizing::new(der);
            let pair = match kind {
                SectionKind::PrivateKey => RsaKeyPair::from_pkcs8(&der),
                SectionKind::RsaPrivateKey => RsaKeyPair::from_der(&der),
                SectionKind::EcPrivateKey => {
                    return Err(KeyError::NotRsa("an EC key; Salesforce signs with RS256"));
                }
                SectionKind::Certificate => {
                    saw = Some("a certificate: give its private key instead");
                    continue;
                }
                SectionKind::PublicKey => {
                    saw = Some("a public key: give the private key instead");
                    continue;
                }
                _ => continue,
            };
            return pair.map(|pair| JwtKey { pair }).map_err(|e| {
                KeyError::NotRsa(match e.to_string().as_str() {
                    "TooSmall" => "shorter than 2048 bits",
                    "InvalidEncoding" | "WrongAlgorithm" => {
                        "not an RSA key (EC or Ed25519?); Salesforce signs with RS256"
                    }
                    _ => "ring rejected it",
                })
            });
        }
        Err(KeyError::NotAPrivateKey(saw.unwrap_or(
            "no BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY block",
        )))
    }

    /// The signed assertion for `client_id` (iss), `username` (sub) and
    /// `audience` (aud), expiring [`EXPIRY_SECS`] after `now_secs`.
    pub fn assertion(
        &self,
        client_id: &str,
        username: &str,
        audience: &str,
        now_secs: u64,
    ) -> Result<SecretString, ring::error::Unspecified> {
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let header = b64(br#"{"alg":"RS256","typ":"JWT"}"#);
        let claims = serde_json::json!({
            "iss": client_id,
            "sub": username,
            "aud": audience,
            "exp": now_secs + EXPIRY_SECS,
        });
        let signing_input = format!("{header}.{}", b64(claims.to_string().as_bytes()));
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair.sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            signing_input.as_bytes(),
            &mut signature,
        )?;
        Ok(SecretString::from(format!(
            "{signing_input}.{}",
            b64(&signature)
        )))
    }
}

/// Seconds since the epoch, for `exp`.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The `aud` claim for a token URL: `https://login.salesforce.com` or
/// `https://test.salesforce.com` for those hosts (as Salesforce documents), else
/// the token URL's origin (the org's My Domain URL, or a loopback emulator).
pub fn audience(token_url: &str) -> String {
    let Ok(url) = url::Url::parse(token_url.trim()) else {
        return token_url.trim().to_string();
    };
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    if host == "login.salesforce.com" || host == "test.salesforce.com" {
        return format!("https://{host}");
    }
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    const PKCS8: &str = include_str!("../../emulator/tests/fixtures/jwt-demo-key.pem");

    #[test]
    fn audiences_follow_the_login_host() {
        assert_eq!(
            audience("https://login.salesforce.com/services/oauth2/token"),
            "https://login.salesforce.com"
        );
        assert_eq!(
            audience("https://TEST.salesforce.com/services/oauth2/token"),
            "https://test.salesforce.com"
        );
        assert_eq!(
            audience("https://acme.my.salesforce.com/services/oauth2/token"),
            "https://acme.my.salesforce.com"
        );
        assert_eq!(
            audience("http://127.0.0.1:4242/services/oauth2/token"),
            "http://127.0.0.1:4242"
        );
    }

    #[test]
    fn the_assertion_carries_iss_sub_aud_and_a_near_exp() {
        let key = JwtKey::from_pem(PKCS8.as_bytes()).expect("the demo key loads");
        let a = key
            .assertion(
                "client",
                "user@example.com",
                "https://login.salesforce.com",
                1000,
            )
            .expect("signs");
        let parts: Vec<&str> = a.expose_secret().split('.').collect();
        assert_eq!(parts.len(), 3);
        let dec = |p: &str| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .expect("base64url")
        };
        let header: serde_json::Value = serde_json::from_slice(&dec(parts[0])).expect("json");
        assert_eq!(header["alg"], "RS256");
        let claims: serde_json::Value = serde_json::from_slice(&dec(parts[1])).expect("json");
        assert_eq!(claims["iss"], "client");
        assert_eq!(claims["sub"], "user@example.com");
        assert_eq!(claims["aud"], "https://login.salesforce.com");
        assert_eq!(claims["exp"], 1180);
        assert_eq!(dec(parts[2]).len(), 256);
    }

    #[test]
    fn bad_keys_are_named_without_quoting_them() {
        assert_eq!(
            JwtKey::from_pem(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n").unwrap_err(),
            KeyError::Encrypted
        );
        let cert = include_str!("../../emulator/tests/fixtures/jwt-demo-cert.pem");
        assert!(matches!(
            JwtKey::from_pem(cert.as_bytes()).unwrap_err(),
            KeyError::NotAPrivateKey(w) if w.contains("certificate")
        ));
        assert!(matches!(
            JwtKey::from_pem(b"hello").unwrap_err(),
            KeyError::NotAPrivateKey(_)
        ));
        assert_eq!(
            format!("{:?}", JwtKey::from_pem(PKCS8.as_bytes()).expect("loads")),
            "JwtKey([redacted])"
        );
    }
}
