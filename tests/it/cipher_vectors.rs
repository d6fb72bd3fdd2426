//! Known answers produced by `openssl enc` (tests/fixtures/openssl-vectors.tsv),
//! checked through the library and through the real command.

use crate::support::{Sandbox, repo_root};

struct Vector {
    bits: usize,
    key: String,
    iv: String,
    plaintext: Vec<u8>,
    ciphertext_b64: String,
}

fn vectors() -> Vec<Vector> {
    let text = std::fs::read_to_string(repo_root().join("tests/fixtures/openssl-vectors.tsv"))
        .expect("fixture file");
    let v: Vec<Vector> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 5, "malformed fixture line: {l}");
            Vector {
                bits: f[0].parse().expect("bits"),
                key: f[1].to_string(),
                iv: f[2].to_string(),
                plaintext: hex::decode(f[3]).expect("plaintext hex"),
                ciphertext_b64: f[4].to_string(),
            }
        })
        .collect();
    assert_eq!(v.len(), 15, "expected 5 plaintexts for each of 3 key sizes");
    v
}

#[test]
fn library_matches_openssl_for_every_key_size() {
    for v in vectors() {
        let cipher = crmctl::crypto::Cipher::new(
            &hex::decode(&v.key).expect("hex"),
            &hex::decode(&v.iv).expect("hex"),
        )
        .expect("valid key");
        assert_eq!(cipher.bits(), v.bits);
        let text = std::str::from_utf8(&v.plaintext).expect("fixture plaintexts are UTF-8");
        assert_eq!(
            cipher.encrypt_to_base64(text),
            v.ciphertext_b64,
            "AES-{} of {text:?}",
            v.bits
        );
        // Whole padding block for an empty or a 16-byte plaintext.
        let ct_len = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            &v.ciphertext_b64,
        )
        .expect("b64")
        .len();
        assert_eq!(ct_len, (v.plaintext.len() / 16 + 1) * 16);
    }
}

#[test]
fn command_matches_openssl_for_value_and_password_token_inputs() {
    let sb = Sandbox::new();
    for v in vectors().into_iter().filter(|v| !v.plaintext.is_empty()) {
        let profile = sb.write_private(
            &format!("k{}.yaml", v.bits),
            &format!("key: hex:{}\niv: hex:{}\n", v.key, v.iv),
        );
        let text = String::from_utf8(v.plaintext.clone()).expect("utf8");
        let out = sb.run(
            &[
                "--key-file",
                profile.to_str().expect("utf8 path"),
                "encrypt",
                "--value",
                "--stdin",
            ],
            &[],
            &format!("{text}\n"),
        );
        out.assert_code(0);
        // stdout is not a terminal here: exactly the string, no newline.
        assert_eq!(out.stdout, v.ciphertext_b64, "AES-{} of {text:?}", v.bits);
    }
    // The seed document's example is password + token joined with no space.
    let seed = vectors()
        .into_iter()
        .find(|v| v.bits == 256 && v.plaintext == b"TypicalPasswordpR8&uI234&BiGgg")
        .expect("seed vector");
    let profile = sb.key_profile();
    let out = sb.run(
        &[
            "--key-file",
            profile.to_str().expect("utf8"),
            "encrypt",
            "--stdin",
        ],
        &[],
        "TypicalPassword\npR8&uI234&BiGgg\n",
    );
    out.assert_code(0);
    assert_eq!(out.stdout, seed.ciphertext_b64);
}
