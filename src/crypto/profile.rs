//! Key profiles: the YAML file that holds (or derives) the key and IV the CRM
//! Service decrypts its Plugin Settings with.
//!
//! ```yaml
//! key: hex:603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4
//! iv: hex:000102030405060708090a0b0c0d0e0f
//! ```
//! or
//! ```yaml
//! derive: { kdf: pbkdf2-sha1, iterations: 1000, salt: hex:..., key_bytes: 32 }
//! ```
//! where PBKDF2 over a passphrase yields `key_bytes` of key followed by 16 bytes of
//! IV from one output stream, as .NET's `Rfc2898DeriveBytes` gives them to
//! successive `GetBytes(key_bytes)` and `GetBytes(16)` calls.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::cipher::{Cipher, IV_LEN, KeyError};
use super::material::{self, MaterialError};

/// The file name of the default profile inside the config folder.
pub const DEFAULT_FILE_NAME: &str = "key.yaml";
/// .NET's Rfc2898DeriveBytes refuses salts shorter than 8 bytes; so do we.
pub const MIN_SALT_LEN: usize = 8;
/// PBKDF2 iterations above this are refused before any work: ten million rounds of
/// HMAC-SHA1 already take seconds, and a typo (an extra zero or three) would
/// otherwise look like a hang on every run.
pub const MAX_ITERATIONS: u64 = 10_000_000;

/// Where the profile path came from, so errors can say which knob to turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileOrigin {
    Flag,
    Env,
    Default,
}

impl ProfileOrigin {
    pub fn describe(self) -> &'static str {
        match self {
            ProfileOrigin::Flag => "--key-file",
            ProfileOrigin::Env => "CRMCTL_KEY_FILE",
            ProfileOrigin::Default => "the default location",
        }
    }
}

#[derive(Debug)]
pub enum ProfileError {
    /// No `--key-file`, no `CRMCTL_KEY_FILE`, and no config folder on this system.
    NoLocation,
    NotFound {
        path: PathBuf,
        origin: ProfileOrigin,
    },
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    Syntax {
        path: PathBuf,
        detail: String,
    },
    Invalid {
        path: PathBuf,
        detail: String,
    },
    NeedsPassphrase {
        path: PathBuf,
    },
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProfileError::NoLocation => write!(
                f,
                "no key profile given and this system has no user config folder to look in"
            ),
            ProfileError::NotFound { path, origin } => write!(
                f,
                "key profile {} (from {}) does not exist",
                path.display(),
                origin.describe()
            ),
            ProfileError::Unreadable { path, error } => {
                write!(f, "cannot read key profile {}: {error}", path.display())
            }
            ProfileError::Syntax { path, detail } => {
                write!(f, "key profile {} is not valid: {detail}", path.display())
            }
            ProfileError::Invalid { path, detail } => {
                write!(f, "key profile {}: {detail}", path.display())
            }
            ProfileError::NeedsPassphrase { path } => write!(
                f,
                "key profile {} derives its key from a passphrase, and none (or an empty one) was given",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ProfileError {}

/// Picks the profile path: `--key-file`, then `CRMCTL_KEY_FILE`, then
/// `<config dir>/crmctl/key.yaml`.
pub fn locate(
    flag: Option<&Path>,
    env_path: Option<&Path>,
    config_dir: Option<&Path>,
) -> Result<(PathBuf, ProfileOrigin), ProfileError> {
    if let Some(p) = flag {
        return Ok((p.to_path_buf(), ProfileOrigin::Flag));
    }
    if let Some(p) = env_path {
        return Ok((p.to_path_buf(), ProfileOrigin::Env));
    }
    config_dir
        .map(|d| (d.join(DEFAULT_FILE_NAME), ProfileOrigin::Default))
        .ok_or(ProfileError::NoLocation)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kdf {
    Pbkdf2Sha1,
    Pbkdf2Sha256,
}

impl Kdf {
    pub fn name(self) -> &'static str {
        match self {
            Kdf::Pbkdf2Sha1 => "pbkdf2-sha1",
            Kdf::Pbkdf2Sha256 => "pbkdf2-sha256",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileDoc {
    key: Option<String>,
    iv: Option<String>,
    derive: Option<DeriveDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeriveDoc {
    kdf: Kdf,
    iterations: u64,
    salt: String,
    key_bytes: usize,
}

enum Material {
    Raw {
        key: Zeroizing<Vec<u8>>,
        iv: Zeroizing<Vec<u8>>,
    },
    Derived {
        kdf: Kdf,
        iterations: u32,
        salt: Vec<u8>,
        key_bytes: usize,
    },
}

/// A parsed, checked key profile.
pub struct KeyProfile {
    pub path: PathBuf,
    material: Material,
}

impl std::fmt::Debug for KeyProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "KeyProfile({}: {})",
            self.path.display(),
            self.describe()
        )
    }
}

impl KeyProfile {
    /// Reads and checks a profile file.
    pub fn load(path: &Path, origin: ProfileOrigin) -> Result<Self, ProfileError> {
        use crate::fsutil::TextError;
        let text = match crate::fsutil::read_text(path) {
            Ok(t) => Zeroizing::new(t),
            Err(TextError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ProfileError::NotFound {
                    path: path.to_path_buf(),
                    origin,
                });
            }
            Err(TextError::Io(error)) => {
                return Err(ProfileError::Unreadable {
                    path: path.to_path_buf(),
                    error,
                });
            }
            Err(e) => {
                return Err(ProfileError::Syntax {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                });
            }
        };
        Self::parse(path, &text)
    }

    /// Parses profile text; `path` is only used to name the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ProfileError> {
        let invalid = |detail: String| ProfileError::Invalid {
            path: path.to_path_buf(),
            detail,
        };
        let doc: ProfileDoc =
            crate::fsutil::yaml::from_str(text).map_err(|e| ProfileError::Syntax {
                path: path.to_path_buf(),
                detail: redact_yaml_error(&e),
            })?;
        let field = |name: &str, value: &str| -> Result<Zeroizing<Vec<u8>>, ProfileError> {
            material::decode(value).map_err(|e| match e {
                MaterialError::BadPrefix => invalid(format!(
                    "`{name}` {e} (for example `{name}: hex:000102...`)"
                )),
                _ => invalid(format!("`{name}` {e}")),
            })
        };
        // Key material is wiped from memory once decoded.
        let (key, iv) = (doc.key.map(Zeroizing::new), doc.iv.map(Zeroizing::new));
        let material = match (key, iv, doc.derive) {
            (Some(key), Some(iv), None) => {
                let key = field("key", &key)?;
                let iv = field("iv", &iv)?;
                Cipher::new(&key, &iv).map_err(|e| match e {
                    KeyError::KeyLength(_) => invalid(format!("`key`: {e}")),
                    KeyError::IvLength(_) => invalid(format!("`iv`: {e}")),
                })?;
                Material::Raw { key, iv }
            }
            (None, None, Some(d)) => {
                if !matches!(d.key_bytes, 16 | 24 | 32) {
                    return Err(invalid(format!(
                        "`derive.key_bytes` is {}; AES needs 16, 24 or 32",
                        d.key_bytes
                    )));
                }
                if d.iterations == 0 {
                    return Err(invalid("`derive.iterations` must be at least 1".into()));
                }
                let iterations = u32::try_from(d.iterations)
                    .ok()
                    .filter(|&n| u64::from(n) <= MAX_ITERATIONS)
                    .ok_or_else(|| {
                        invalid(format!(
                            "`derive.iterations` is {}; crmctl allows at most {MAX_ITERATIONS} (10 million)",
                            d.iterations
                        ))
                    })?;
                let salt = field("derive.salt", &d.salt)?;
                if salt.len() < MIN_SALT_LEN {
                    return Err(invalid(format!(
                        "`derive.salt` is {} bytes; PBKDF2 (Rfc2898DeriveBytes) needs at least {MIN_SALT_LEN}",
                        salt.len()
                    )));
                }
                Material::Derived {
                    kdf: d.kdf,
                    iterations,
                    salt: salt.to_vec(),
                    key_bytes: d.key_bytes,
                }
            }
            (Some(_), None, None) => {
                return Err(invalid("`key` is given but `iv` is missing".into()));
            }
            (None, Some(_), None) => {
                return Err(invalid("`iv` is given but `key` is missing".into()));
            }
            (None, None, None) => {
                return Err(invalid(
                    "it holds neither `key` and `iv` nor `derive`".into(),
                ));
            }
            _ => {
                return Err(invalid(
                    "give either `key` and `iv`, or `derive`, not both".into(),
                ));
            }
        };
        Ok(KeyProfile {
            path: path.to_path_buf(),
            material,
        })
    }

    pub fn needs_passphrase(&self) -> bool {
        matches!(self.material, Material::Derived { .. })
    }

    /// A one-line description without any key material, e.g. `AES-256-CBC, raw key`.
    pub fn describe(&self) -> String {
        match &self.material {
            Material::Raw { key, .. } => format!("AES-{}-CBC, raw key", key.len() * 8),
            Material::Derived {
                kdf,
                iterations,
                key_bytes,
                ..
            } => format!(
                "AES-{}-CBC, key derived with {} ({iterations} iterations)",
                key_bytes * 8,
                kdf.name()
            ),
        }
    }

    /// Builds the cipher; derived profiles need the passphrase.
    pub fn cipher(&self, passphrase: Option<&SecretString>) -> Result<Cipher, ProfileError> {
        let to_invalid = |e: KeyError| ProfileError::Invalid {
            path: self.path.clone(),
            detail: e.to_string(),
        };
        match &self.material {
            Material::Raw { key, iv } => Cipher::new(key, iv).map_err(to_invalid),
            Material::Derived {
                kdf,
                iterations,
                salt,
                key_bytes,
            } => {
                // An empty passphrase is no passphrase: the key would be guessable.
                let passphrase = passphrase
                    .filter(|p| !p.expose_secret().is_empty())
                    .ok_or_else(|| ProfileError::NeedsPassphrase {
                        path: self.path.clone(),
                    })?;
                let stream = derive_stream(
                    *kdf,
                    passphrase.expose_secret().as_bytes(),
                    salt,
                    *iterations,
                    key_bytes + IV_LEN,
                );
                let (key, iv) = stream.split_at(*key_bytes);
                Cipher::new(key, iv).map_err(to_invalid)
            }
        }
    }
}

/// PBKDF2 output of `len` bytes; key then IV are consecutive slices of it.
/// Whether `text` is a key profile (a `key`/`iv` or `derive` mapping): for inputs that
/// must never be one, so a profile given by mistake is refused before any of it is shown
/// or sent anywhere.
pub fn looks_like_profile(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::fsutil::yaml::from_str::<ProfileDoc>(text)
        .is_ok_and(|d| d.key.is_some() || d.iv.is_some() || d.derive.is_some())
}

pub fn derive_stream(
    kdf: Kdf,
    passphrase: &[u8],
    salt: &[u8],
    iterations: u32,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(vec![0u8; len]);
    match kdf {
        Kdf::Pbkdf2Sha1 => {
            pbkdf2::pbkdf2_hmac::<sha1::Sha1>(passphrase, salt, iterations, &mut out)
        }
        Kdf::Pbkdf2Sha256 => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(passphrase, salt, iterations, &mut out)
        }
    }
    out
}

/// Renders a raw profile, as `keygen` writes it.
pub fn render_raw(key: &[u8], iv: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(format!(
        "# crmctl key profile: AES-{}-CBC key and IV for the CRM Service's encrypted settings.\n\
         # Anyone who holds this file can decrypt the Password, ClientId and ClientSecret\n\
         # strings made with it. Keep it private (mode 0600) and out of version control.\n\
         key: {}\n\
         iv: {}\n",
        key.len() * 8,
        material::encode_hex(key),
        material::encode_hex(iv),
    ))
}

/// Parser errors may quote a value, which in a key profile can be key material:
/// keep the position and the description only (see `fsutil::parse_error`).
fn redact_yaml_error(e: &serde_saphyr::Error) -> String {
    located(crate::fsutil::yaml::yaml_error(e))
}

fn located(e: crate::fsutil::ParseError) -> String {
    match (e.line, e.column) {
        (Some(l), Some(c)) => format!("line {l} column {c}: {}", e.message),
        (Some(l), None) => format!("line {l}: {}", e.message),
        _ => e.message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = "key: hex:603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4\niv: hex:000102030405060708090a0b0c0d0e0f\n";

    fn parse(text: &str) -> Result<KeyProfile, ProfileError> {
        KeyProfile::parse(Path::new("/etc/k.yaml"), text)
    }

    #[test]
    fn raw_profile_gives_a_working_cipher() {
        let p = parse(RAW).expect("valid");
        assert!(!p.needs_passphrase());
        assert_eq!(p.describe(), "AES-256-CBC, raw key");
        assert_eq!(p.cipher(None).expect("cipher").bits(), 256);
    }

    #[test]
    fn base64_material_is_accepted() {
        let p =
            parse("key: base64:K34VFiiu0qar9xWICc9PPA==\niv: base64:AAECAwQFBgcICQoLDA0ODw==\n")
                .expect("valid");
        assert_eq!(p.cipher(None).expect("cipher").bits(), 128);
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        let e = parse("key: hex:00\niv: hex:000102030405060708090a0b0c0d0e0f\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("/etc/k.yaml") && e.contains("`key`") && e.contains("16, 24 or 32"),
            "{e}"
        );
        let e = parse("key: 603deb10\niv: hex:00\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("must start with `hex:` or `base64:`"), "{e}");
        let e = parse(&format!("{RAW}colour: blue\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("/etc/k.yaml") && e.contains("colour"), "{e}");
        let e = parse("key: hex:2b7e151628aed2a6abf7158809cf4f3c\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`iv` is missing"), "{e}");
    }

    #[test]
    fn both_forms_at_once_are_refused() {
        let text = format!(
            "{RAW}derive: {{ kdf: pbkdf2-sha1, iterations: 1000, salt: hex:0001020304050607, key_bytes: 32 }}\n"
        );
        assert!(parse(&text).unwrap_err().to_string().contains("not both"));
    }

    #[test]
    fn derived_profile_splits_one_pbkdf2_stream_into_key_then_iv() {
        let p = parse("derive: { kdf: pbkdf2-sha1, iterations: 1000, salt: hex:0001020304050607, key_bytes: 32 }\n")
            .expect("valid");
        assert!(p.needs_passphrase());
        assert!(matches!(
            p.cipher(None).unwrap_err(),
            ProfileError::NeedsPassphrase { .. }
        ));
        let pass = SecretString::from("correct horse".to_string());
        let stream = derive_stream(
            Kdf::Pbkdf2Sha1,
            b"correct horse",
            &hex::decode("0001020304050607").expect("hex"),
            1000,
            48,
        );
        let expected = Cipher::new(&stream[..32], &stream[32..]).expect("cipher");
        let got = p.cipher(Some(&pass)).expect("cipher");
        assert_eq!(
            got.encrypt_to_base64("abc"),
            expected.encrypt_to_base64("abc")
        );
    }

    /// RFC 6070 test vector 2 (PBKDF2-HMAC-SHA1, 2 iterations) pins the KDF wiring.
    #[test]
    fn pbkdf2_sha1_matches_rfc6070() {
        let out = derive_stream(Kdf::Pbkdf2Sha1, b"password", b"salt", 2, 20);
        assert_eq!(
            hex::encode(&*out),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
    }

    /// RFC 7914 section 11 vector (PBKDF2-HMAC-SHA256, 1 iteration).
    #[test]
    fn pbkdf2_sha256_matches_rfc7914() {
        let out = derive_stream(Kdf::Pbkdf2Sha256, b"passwd", b"salt", 1, 64);
        assert_eq!(
            hex::encode(&*out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        );
    }

    #[test]
    fn short_salt_and_bad_key_bytes_are_refused() {
        let e = parse(
            "derive: { kdf: pbkdf2-sha256, iterations: 10, salt: hex:0001, key_bytes: 32 }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("at least 8"), "{e}");
        let e = parse("derive: { kdf: pbkdf2-sha256, iterations: 10, salt: hex:0001020304050607, key_bytes: 20 }\n").unwrap_err().to_string();
        assert!(e.contains("key_bytes"), "{e}");
        let e = parse(
            "derive: { kdf: md5, iterations: 10, salt: hex:0001020304050607, key_bytes: 32 }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("/etc/k.yaml"), "{e}");
    }

    #[test]
    fn iterations_have_an_upper_bound_checked_before_any_work() {
        let profile = |n: &str| {
            format!(
                "derive: {{ kdf: pbkdf2-sha1, iterations: {n}, salt: hex:0001020304050607, key_bytes: 32 }}\n"
            )
        };
        assert!(parse(&profile("10000000")).is_ok());
        for n in ["10000001", "4294967296", "99999999999"] {
            let e = parse(&profile(n)).unwrap_err().to_string();
            assert!(e.contains("at most 10000000"), "{n}: {e}");
        }
    }

    #[test]
    fn an_empty_passphrase_is_refused() {
        let p = parse("derive: { kdf: pbkdf2-sha1, iterations: 10, salt: hex:0001020304050607, key_bytes: 32 }\n")
            .expect("valid");
        let empty = SecretString::from(String::new());
        assert!(matches!(
            p.cipher(Some(&empty)).unwrap_err(),
            ProfileError::NeedsPassphrase { .. }
        ));
    }

    #[test]
    fn a_profile_with_a_bom_or_crlf_reads_like_any_other() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k.yaml");
        std::fs::write(&path, format!("\u{feff}{}", RAW.replace('\n', "\r\n"))).expect("write");
        let p = KeyProfile::load(&path, ProfileOrigin::Flag).expect("valid");
        assert_eq!(p.cipher(None).expect("cipher").bits(), 256);
    }

    #[test]
    fn locate_prefers_flag_then_env_then_config_dir() {
        let (p, o) = locate(
            Some(Path::new("a")),
            Some(Path::new("b")),
            Some(Path::new("c")),
        )
        .expect("flag");
        assert_eq!((p, o), (PathBuf::from("a"), ProfileOrigin::Flag));
        let (p, o) = locate(None, Some(Path::new("b")), Some(Path::new("c"))).expect("env");
        assert_eq!((p, o), (PathBuf::from("b"), ProfileOrigin::Env));
        let (p, o) = locate(None, None, Some(Path::new("c"))).expect("default");
        assert_eq!(
            (p, o),
            (PathBuf::from("c/key.yaml"), ProfileOrigin::Default)
        );
        assert!(matches!(
            locate(None, None, None),
            Err(ProfileError::NoLocation)
        ));
    }

    #[test]
    fn yaml_errors_keep_names_but_not_long_values() {
        assert_eq!(
            located(crate::fsutil::parse_error(
                "error: line 2 column 1: unknown field `ivv`, expected one of key, iv"
            )),
            "line 2 column 1: unknown field `ivv`, expected one of key, iv"
        );
        assert_eq!(
            located(crate::fsutil::parse_error(
                "invalid type: string \"hex:603deb1015ca71be2b73\", expected u32"
            )),
            "invalid type: string \"…\", expected u32"
        );
    }

    #[test]
    fn render_raw_round_trips() {
        let text = render_raw(&[7; 32], &[9; 16]);
        let p = parse(&text).expect("valid");
        assert_eq!(p.cipher(None).expect("cipher").bits(), 256);
    }
}
