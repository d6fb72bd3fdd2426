//! Checks of `settings init` answers, one per question, so the wizard can ask again
//! at once instead of failing after every secret has been typed. Each returns the
//! value as it will be written, or what is wrong in words for the person typing.

use super::rules;

/// The CRM Service's host name: no scheme, no path, no port, no spaces.
pub fn fqdn(raw: &str) -> Result<String, String> {
    let v = raw.trim().trim_end_matches('.');
    if v.is_empty() {
        return Err("type the host name, e.g. ucc1.contoso.local".into());
    }
    if v.contains("://") {
        return Err(format!(
            "give the host name only, without {}:// (e.g. ucc1.contoso.local)",
            v.split("://").next().unwrap_or("http")
        ));
    }
    if v.contains(['/', ':', '@', '?', '#']) {
        return Err(
            "give the host name only, without a path or port (e.g. ucc1.contoso.local)".into(),
        );
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !v.split('.').all(label_ok) {
        return Err("not a host name: use letters, digits, `-` and `.` only".into());
    }
    Ok(v.to_ascii_lowercase())
}

/// The org's URL for ApplicationHost: https on a Salesforce host (a test org on this
/// machine is accepted too), and not a login host, which serves no org data.
pub fn application_host(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err("type the org's URL, e.g. https://contoso.my.salesforce.com/".into());
    }
    if !v.contains("://") {
        return Err(format!("start it with https:// (https://{v})"));
    }
    let u = url::Url::parse(v).map_err(|e| format!("not a URL ({e})"))?;
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    if rules::is_loopback_host(&host) {
        return Ok(with_slash(v));
    }
    if u.scheme() != "https" {
        return Err("Salesforce serves orgs over https only: start it with https://".into());
    }
    // The same kinds the `application-host` rule refuses.
    match rules::host_kind(&host) {
        rules::HostKind::Login { .. } => Err(format!(
            "{host} is the login host, not the org: use the org's My Domain URL, e.g. https://contoso.my.salesforce.com/"
        )),
        rules::HostKind::Browser => Err(format!(
            "{host} is a Salesforce host for browsers (Lightning, Visualforce, a site), not the org's API: use the org's My Domain URL, e.g. https://contoso.my.salesforce.com/"
        )),
        rules::HostKind::Other | rules::HostKind::Loopback => Err(format!(
            "{host} is not a Salesforce host (….my.salesforce.com, or an instance such as eu6.salesforce.com)"
        )),
        rules::HostKind::MyDomain { .. } | rules::HostKind::Instance { .. } => Ok(with_slash(v)),
    }
}

/// The LoginEndPoint that goes with an ApplicationHost the wizard accepted: a test
/// org on this machine logs in at its own URL (the `login-host-mismatch` rule); a
/// real org at test.salesforce.com (`sandbox`) or login.salesforce.com.
pub fn login_endpoint(app_host: &str, sandbox: bool) -> String {
    if let Ok(u) = url::Url::parse(app_host)
        && u.host_str()
            .is_some_and(|h| rules::is_loopback_host(&h.to_ascii_lowercase()))
    {
        return format!("{}/services/oauth2/token", u.origin().ascii_serialization());
    }
    if sandbox {
        "https://test.salesforce.com/services/oauth2/token".into()
    } else {
        "https://login.salesforce.com/services/oauth2/token".into()
    }
}

/// Whether the org at an accepted ApplicationHost is a test org on this machine
/// (the wizard then asks no sandbox question).
pub fn is_test_org(app_host: &str) -> bool {
    url::Url::parse(app_host).is_ok_and(|u| {
        u.host_str()
            .is_some_and(|h| rules::is_loopback_host(&h.to_ascii_lowercase()))
    })
}

/// The sandbox question's default: yes for a sandbox host (`…--uat.sandbox.my.salesforce.com`,
/// legacy `csNN`), else no.
pub fn looks_like_sandbox(app_host: &str) -> bool {
    url::Url::parse(app_host).is_ok_and(|u| {
        u.host_str()
            .is_some_and(|h| rules::host_kind(&h.to_ascii_lowercase()).is_sandbox())
    })
}

fn with_slash(v: &str) -> String {
    if v.ends_with('/') {
        v.to_string()
    } else {
        format!("{v}/")
    }
}

/// A Salesforce username: an e-mail-shaped name (the `username-shape` rule's test).
pub fn username(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if rules::is_username_shape(v) {
        Ok(v.to_string())
    } else {
        Err(
            "a Salesforce username looks like an e-mail address, e.g. integration@contoso.com"
                .into(),
        )
    }
}

/// The REST API version as `NN.0`: `61`, `61.0`, `v61.0` and `services/data/v61.0/`
/// are accepted; retired versions are not.
pub fn api_version(raw: &str) -> Result<String, String> {
    let v = raw.trim().trim_matches('/');
    let v = v.strip_prefix("services/data/").unwrap_or(v);
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let major = v.strip_suffix(".0").unwrap_or(v);
    match major.parse::<u32>() {
        Ok(n)
            if major.bytes().all(|b| b.is_ascii_digit())
                && (rules::RETIRED_BELOW..1000).contains(&n) =>
        {
            Ok(format!("{n}.0"))
        }
        Ok(n) if n < rules::RETIRED_BELOW => Err(format!(
            "API v{n}.0 is retired; use {}.0 or newer (e.g. 60.0)",
            rules::RETIRED_BELOW
        )),
        _ => Err("type the version like 60.0".into()),
    }
}

/// DefaultPhoneNumberRegion: an ISO 3166 alpha-2 code libphonenumber knows, or ZZ (none).
pub fn region(raw: &str) -> Result<String, String> {
    let v = raw.trim().to_ascii_uppercase();
    if rules::region_ok(&v) {
        return Ok(v);
    }
    let meant = match v.as_str() {
        "UK" | "GBR" => " (did you mean GB?)",
        "NLD" => " (did you mean NL?)",
        _ => "",
    };
    Err(format!(
        "type a two-letter country code such as NL, GB or US, or ZZ for none{meant}"
    ))
}

/// PhoneNumberFormat: one of the modelled values, in any case, written as documented.
pub fn phone_format(raw: &str) -> Result<String, String> {
    super::crm::format_named(raw)
        .map(|f| f.name.to_string())
        .ok_or_else(|| {
            let names: Vec<&str> = super::crm::FORMATS.iter().map(|f| f.name).collect();
            format!("type one of {}", names.join(", "))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 18 item 7: an emulator URL logs in at the emulator, not at production.
    #[test]
    fn login_endpoint_follows_the_org() {
        assert_eq!(
            login_endpoint("http://127.0.0.1:41234/", false),
            "http://127.0.0.1:41234/services/oauth2/token"
        );
        assert_eq!(
            login_endpoint("http://localhost:8080/", true),
            "http://localhost:8080/services/oauth2/token"
        );
        assert_eq!(
            login_endpoint("https://contoso.my.salesforce.com/", false),
            "https://login.salesforce.com/services/oauth2/token"
        );
        assert_eq!(
            login_endpoint("https://contoso--uat.sandbox.my.salesforce.com/", true),
            "https://test.salesforce.com/services/oauth2/token"
        );
        assert!(is_test_org("http://[::1]:9/") && !is_test_org("https://eu6.salesforce.com/"));
        assert!(looks_like_sandbox(
            "https://contoso--uat.sandbox.my.salesforce.com/"
        ));
        assert!(!looks_like_sandbox("https://contoso.my.salesforce.com/"));
    }

    #[test]
    fn fqdn_answers() {
        assert_eq!(
            fqdn(" UCC1.contoso.local ").as_deref(),
            Ok("ucc1.contoso.local")
        );
        for bad in [
            "http://ucc1.contoso.local",
            "ucc1.contoso.local/CrmServiceSalesforce",
            "ucc1:80",
            "uc c1",
            "",
        ] {
            assert!(fqdn(bad).is_err(), "{bad}");
        }
        assert!(
            fqdn("https://x.local")
                .unwrap_err()
                .contains("without https://")
        );
    }

    #[test]
    fn application_host_answers() {
        assert_eq!(
            application_host("https://contoso.my.salesforce.com").as_deref(),
            Ok("https://contoso.my.salesforce.com/")
        );
        assert!(
            application_host("eu6.salesforce.com")
                .unwrap_err()
                .contains("https://")
        );
        assert!(application_host("http://eu6.salesforce.com/").is_err());
        assert!(
            application_host("https://login.salesforce.com/")
                .unwrap_err()
                .contains("login host")
        );
        assert!(application_host("https://example.com/").is_err());
        // Issue 18 item 4: the browser's Lightning host is refused, as the rule flags it.
        assert!(
            application_host("https://contoso.lightning.force.com/")
                .unwrap_err()
                .contains("for browsers")
        );
        assert!(application_host("http://127.0.0.1:8080").is_ok());
    }

    #[test]
    fn version_and_username_answers() {
        for ok in ["61", "61.0", "v61.0", "services/data/v61.0/"] {
            assert_eq!(api_version(ok).as_deref(), Ok("61.0"), "{ok}");
        }
        for bad in ["sixty", "61.5", "v", "30.0", "-1"] {
            assert!(api_version(bad).is_err(), "{bad}");
        }
        assert!(username("integration@contoso.com").is_ok());
        assert!(username("integration").is_err());
    }
}
