//! Encrypted values: Password, ClientId and ClientSecret look encrypted, have nothing
//! around them, and decrypt under the key profile when there is one.

use super::{Ctx, ENCRYPTED, Severity, exact, is_placeholder, looks_encrypted};
use crate::crypto::Cipher;

/// The rules of this family for one UCC.
pub(super) fn check(c: &mut Ctx<'_>, cipher: Option<&Cipher>) {
    let ucc = c.ucc;
    use Severity::{Error, Warning};
    // Encrypted values.
    for name in ENCRYPTED {
        let Some(r) = exact(ucc, name).filter(|r| !is_placeholder(&r.value)) else {
            continue;
        };
        if r.value.trim() != r.value {
            c.at(
                Some(r),
                None,
                Warning,
                "value-whitespace",
                format!("{name} has spaces or line breaks around the encrypted string"),
                "remove them: pasted into SharePoint they are easy to miss, and not every reader of the setting drops them",
            );
        }
        if !looks_encrypted(&r.value) {
            c.at(Some(r), None, Error, "not-encrypted", format!("{name} does not look encrypted (not base64 of whole AES blocks): is it plain text?"), "replace it with the output of `crmctl encrypt` (`crmctl encrypt --value` for ClientId and ClientSecret)");
            continue;
        }
        if let Some(cipher) = cipher {
            match cipher.decrypt_base64(&r.value) {
                Err(e) => c.at(
                    Some(r),
                    None,
                    Error,
                    "does-not-decrypt",
                    format!("{name} does not decrypt under the key profile: {e}"),
                    "encrypt it again with the service's key profile",
                ),
                Ok(plain) => {
                    if crate::secret::has_outer_whitespace(secrecy::ExposeSecret::expose_secret(
                        &plain,
                    )) {
                        c.at(Some(r), None, Warning, "secret-whitespace", format!("the decrypted {name} starts or ends with whitespace"), "re-encrypt without the stray spaces: Salesforce treats them as part of the secret");
                    }
                }
            }
        }
    }
}
