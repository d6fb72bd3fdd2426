//! AES-CBC with PKCS#7 padding over UTF-8, output as standard base64 of the
//! ciphertext alone (the IV is part of the key profile, not of the output). This
//! is the shape of the CRM Service's encrypted strings: 30 characters of
//! password+token give 32 bytes, 44 base64 characters.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use secrecy::SecretString;
use zeroize::Zeroizing;

pub const BLOCK_LEN: usize = 16;
pub const IV_LEN: usize = 16;

/// Why a string did not decrypt. Each case has its own message and, in the
/// command layer, its own advice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecryptError {
    Empty,
    NotBase64 { detail: String },
    NotWholeBlocks { len: usize },
    BadPadding,
    NotUtf8,
}

impl std::fmt::Display for DecryptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecryptError::Empty => write!(f, "the encrypted string is empty"),
            DecryptError::NotBase64 { detail } => {
                write!(f, "the encrypted string is not valid base64 ({detail})")
            }
            DecryptError::NotWholeBlocks { len } => write!(
                f,
                "the encrypted string decodes to {len} bytes, which is not a whole number of 16-byte AES blocks"
            ),
            DecryptError::BadPadding => write!(
                f,
                "the decrypted data has invalid PKCS#7 padding (the key or IV does not match the one it was encrypted with)"
            ),
            DecryptError::NotUtf8 => write!(
                f,
                "the decrypted data is not UTF-8 text (the key or IV is probably wrong)"
            ),
        }
    }
}

impl std::error::Error for DecryptError {}

/// Why key material was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    KeyLength(usize),
    IvLength(usize),
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyError::KeyLength(n) => write!(
                f,
                "the key is {n} bytes; AES needs 16, 24 or 32 bytes (128, 192 or 256 bits)"
            ),
            KeyError::IvLength(n) => write!(f, "the IV is {n} bytes; AES-CBC needs exactly 16"),
        }
    }
}

impl std::error::Error for KeyError {}

/// AES-CBC under one key and IV; the AES variant follows the key length.
pub struct Cipher {
    key: Zeroizing<Vec<u8>>,
    iv: [u8; IV_LEN],
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cipher(AES-{}-CBC, key and IV redacted)", self.bits())
    }
}

impl Cipher {
    pub fn new(key: &[u8], iv: &[u8]) -> Result<Self, KeyError> {
        if !matches!(key.len(), 16 | 24 | 32) {
            return Err(KeyError::KeyLength(key.len()));
        }
        let iv: [u8; IV_LEN] = iv.try_into().map_err(|_| KeyError::IvLength(iv.len()))?;
        Ok(Cipher {
            key: Zeroizing::new(key.to_vec()),
            iv,
        })
    }

    /// 128, 192 or 256.
    pub fn bits(&self) -> usize {
        self.key.len() * 8
    }

    pub fn encrypt_bytes(&self, plaintext: &[u8]) -> Vec<u8> {
        let (key, iv) = (self.key.as_slice(), &self.iv);
        // Lengths were checked in `new`, so `new_from_slices` cannot fail here.
        match key.len() {
            16 => cbc::Encryptor::<aes::Aes128>::new_from_slices(key, iv)
                .expect("checked key length")
                .encrypt_padded_vec::<Pkcs7>(plaintext),
            24 => cbc::Encryptor::<aes::Aes192>::new_from_slices(key, iv)
                .expect("checked key length")
                .encrypt_padded_vec::<Pkcs7>(plaintext),
            _ => cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv)
                .expect("checked key length")
                .encrypt_padded_vec::<Pkcs7>(plaintext),
        }
    }

    /// Encrypts the UTF-8 bytes of `plaintext` and returns standard, padded base64.
    pub fn encrypt_to_base64(&self, plaintext: &str) -> String {
        BASE64.encode(self.encrypt_bytes(plaintext.as_bytes()))
    }

    pub fn decrypt_bytes(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
        if ciphertext.is_empty() {
            return Err(DecryptError::Empty);
        }
        if !ciphertext.len().is_multiple_of(BLOCK_LEN) {
            return Err(DecryptError::NotWholeBlocks {
                len: ciphertext.len(),
            });
        }
        let (key, iv) = (self.key.as_slice(), &self.iv);
        let result = match key.len() {
            16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
                .expect("checked key length")
                .decrypt_padded_vec::<Pkcs7>(ciphertext),
            24 => cbc::Decryptor::<aes::Aes192>::new_from_slices(key, iv)
                .expect("checked key length")
                .decrypt_padded_vec::<Pkcs7>(ciphertext),
            _ => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
                .expect("checked key length")
                .decrypt_padded_vec::<Pkcs7>(ciphertext),
        };
        result
            .map(Zeroizing::new)
            .map_err(|_| DecryptError::BadPadding)
    }

    /// Decodes standard base64 (surrounding whitespace ignored), decrypts, and checks UTF-8.
    pub fn decrypt_base64(&self, encoded: &str) -> Result<SecretString, DecryptError> {
        let bytes = decode_base64(encoded)?;
        let plain = self.decrypt_bytes(&bytes)?;
        let text = std::str::from_utf8(&plain).map_err(|_| DecryptError::NotUtf8)?;
        Ok(SecretString::from(text.to_string()))
    }
}

/// Decodes an encrypted string's base64 and checks it has the shape of AES-CBC output.
pub fn decode_base64(encoded: &str) -> Result<Vec<u8>, DecryptError> {
    let trimmed = encoded.trim();
    if trimmed.is_empty() {
        return Err(DecryptError::Empty);
    }
    let bytes = BASE64
        .decode(trimmed)
        .map_err(|e| DecryptError::NotBase64 {
            detail: super::material::describe_base64_error(&e),
        })?;
    if bytes.is_empty() {
        return Err(DecryptError::Empty);
    }
    if !bytes.len().is_multiple_of(BLOCK_LEN) {
        return Err(DecryptError::NotWholeBlocks { len: bytes.len() });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s.replace([' ', '\n'], "")).expect("test hex")
    }

    const NIST_IV: &str = "000102030405060708090a0b0c0d0e0f";
    const NIST_PLAINTEXT: &str = "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
        30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";

    /// NIST SP 800-38A vectors are unpadded; CBC's earlier blocks don't depend on
    /// later ones, so they are the prefix of our padded output, followed by one
    /// whole padding block.
    fn check_nist(key_hex: &str, ciphertext_hex: &str) {
        let cipher = Cipher::new(&unhex(key_hex), &unhex(NIST_IV)).expect("valid key");
        let plaintext = unhex(NIST_PLAINTEXT);
        let expected = unhex(ciphertext_hex);
        let out = cipher.encrypt_bytes(&plaintext);
        assert_eq!(out.len(), plaintext.len() + BLOCK_LEN);
        assert_eq!(hex::encode(&out[..64]), hex::encode(&expected));
        assert_eq!(
            cipher.decrypt_bytes(&out).expect("decrypts").as_slice(),
            &plaintext[..]
        );
    }

    #[test]
    fn nist_sp800_38a_f_2_1_cbc_aes128() {
        check_nist(
            "2b7e151628aed2a6abf7158809cf4f3c",
            "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
             73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7",
        );
    }

    #[test]
    fn nist_sp800_38a_f_2_3_cbc_aes192() {
        check_nist(
            "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
            "4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a
             571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd",
        );
    }

    #[test]
    fn nist_sp800_38a_f_2_5_cbc_aes256() {
        check_nist(
            "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
            "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d
             39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b",
        );
    }

    fn aes256() -> Cipher {
        Cipher::new(
            &unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
            &unhex(NIST_IV),
        )
        .expect("valid key")
    }

    #[test]
    fn thirty_characters_give_the_seed_documents_44_character_shape() {
        let out = aes256().encrypt_to_base64("TypicalPasswordpR8&uI234&BiGgg");
        assert_eq!(out.len(), 44);
        assert!(out.ends_with('='));
        assert_eq!(
            aes256()
                .decrypt_base64(&out)
                .expect("round trip")
                .expose_secret(),
            "TypicalPasswordpR8&uI234&BiGgg"
        );
    }

    #[test]
    fn key_and_iv_lengths_are_checked() {
        assert_eq!(
            Cipher::new(&[0; 20], &[0; 16]).unwrap_err(),
            KeyError::KeyLength(20)
        );
        assert_eq!(
            Cipher::new(&[0; 16], &[0; 8]).unwrap_err(),
            KeyError::IvLength(8)
        );
        assert_eq!(Cipher::new(&[0; 24], &[0; 16]).expect("192").bits(), 192);
    }

    #[test]
    fn each_bad_input_has_its_own_error() {
        let c = aes256();
        assert_eq!(c.decrypt_base64("").unwrap_err(), DecryptError::Empty);
        assert!(matches!(
            c.decrypt_base64("not base64!").unwrap_err(),
            DecryptError::NotBase64 { .. }
        ));
        // 15 bytes: valid base64, not whole blocks.
        assert_eq!(
            c.decrypt_base64("AAAAAAAAAAAAAAAAAAAA").unwrap_err(),
            DecryptError::NotWholeBlocks { len: 15 }
        );
        let other = Cipher::new(&[7; 32], &[9; 16]).expect("valid");
        let foreign = other.encrypt_to_base64("TypicalPasswordpR8&uI234&BiGgg");
        // A wrong key leaves valid padding about once in 256 tries; this pair is fixed and fails.
        assert!(matches!(
            c.decrypt_base64(&foreign).unwrap_err(),
            DecryptError::BadPadding | DecryptError::NotUtf8
        ));
    }

    #[test]
    fn invalid_utf8_plaintext_is_reported() {
        let c = aes256();
        let ct = base64::engine::general_purpose::STANDARD.encode(c.encrypt_bytes(&[0xff, 0xfe]));
        assert_eq!(c.decrypt_base64(&ct).unwrap_err(), DecryptError::NotUtf8);
    }

    #[test]
    fn surrounding_whitespace_of_a_pasted_string_is_ignored() {
        let c = aes256();
        let ct = c.encrypt_to_base64("abc");
        assert_eq!(
            c.decrypt_base64(&format!("  {ct}\n"))
                .expect("ok")
                .expose_secret(),
            "abc"
        );
    }
}
