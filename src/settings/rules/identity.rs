//! Who the CRM Service logs in as: a Username shaped as Salesforce requires, and a
//! Connected App whose ClientId and ClientSecret are two different values.

use secrecy::ExposeSecret;

use super::{Ctx, Severity, exact, is_placeholder, looks_encrypted};
use crate::crypto::Cipher;

/// A Salesforce username "must be in the form of an email address (i.e. xxxx@xxx.com),
/// but does not have to be a valid email address" (Salesforce Help, "Your username for
/// Salesforce does not have to be your email address",
/// <https://help.salesforce.com/HTViewSolution?id=000005230>): one `@`, something
/// before it, a dotted domain after it, no spaces. Nor control or invisible characters
/// (`sanitize::is_deceptive`: a zero-width space makes another username that reads the
/// same, and Salesforce would refuse the login).
pub fn is_username_shape(v: &str) -> bool {
    let v = v.trim();
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !v.chars().any(|c| {
                    c.is_whitespace() || c.is_control() || crate::output::sanitize::is_deceptive(c)
                })
        }
        None => false,
    }
}

/// The rules of this family for one UCC.
pub(super) fn check(c: &mut Ctx<'_>, cipher: Option<&Cipher>) {
    let ucc = c.ucc;
    if let Some(r) = exact(ucc, "Username").filter(|r| !is_placeholder(&r.value))
        && !is_username_shape(&r.value)
    {
        c.at(
            Some(r),
            None,
            Severity::Error,
            "username-shape",
            format!(
                "Username `{}` is not shaped like an e-mail address, as a Salesforce username is",
                r.value.trim()
            ),
            "use the integration user's full username, e.g. integration@contoso.com (a sandbox adds its name: integration@contoso.com.uat)",
        );
    }
    let id = exact(ucc, "ClientId").filter(|r| looks_encrypted(&r.value));
    let secret = exact(ucc, "ClientSecret").filter(|r| looks_encrypted(&r.value));
    if let (Some(id), Some(secret)) = (id, secret) {
        // The service's key and IV are fixed, so one value encrypts to one string; with
        // a key profile the plain values are compared too (another IV, same value).
        let same = id.value.trim() == secret.value.trim()
            || cipher.is_some_and(|k| {
                match (
                    k.decrypt_base64(id.value.trim()),
                    k.decrypt_base64(secret.value.trim()),
                ) {
                    (Ok(a), Ok(b)) => a.expose_secret() == b.expose_secret(),
                    _ => false,
                }
            });
        if same {
            c.at(
                Some(secret),
                None,
                Severity::Error,
                "client-id-is-secret",
                "ClientSecret holds the same value as ClientId".into(),
                "the Connected App's consumer key goes in ClientId and its consumer secret in ClientSecret: encrypt the secret with `crmctl encrypt --value` and paste it into ClientSecret",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_username_shape;

    #[test]
    fn usernames_are_shaped_like_e_mail_addresses() {
        for ok in [
            "integration@contoso.com",
            "integration@contoso.com.uat",
            "a.b+c@x.example",
        ] {
            assert!(is_username_shape(ok), "{ok}");
        }
        for bad in [
            "integration",
            "integration@contoso",
            "@contoso.com",
            "a@b@contoso.com",
            "inte gration@contoso.com",
            "a@.com",
            "a@contoso.",
            "a@contoso..com",
            "demo\u{200b}@crmctl.example",
            "demo@crmctl\u{2060}.example",
            "demo\u{7}@crmctl.example",
            "demo\u{a0}@crmctl.example",
            "",
        ] {
            assert!(!is_username_shape(bad), "{bad}");
        }
    }
}
