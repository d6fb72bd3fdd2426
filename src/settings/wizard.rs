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
    if host == "login.salesforce.com" || host == "test.salesforce.com" {
        return Err(format!(
            "{host} is the login host, not the org: use the org's My Domain URL, e.g. https://contoso.my.salesforce.com/"
        ));
    }
    if !rules::is_salesforce_host(&host) {
        return Err(format!(
            "{host} is not a Salesforce host (….my.salesforce.com, ….force.com)"
        ));
    }
    Ok(with_slash(v))
}

fn with_slash(v: &str) -> String {
    if v.ends_with('/') {
        v.to_string()
    } else {
        format!("{v}/")
    }
}

/// A Salesforce username: an e-mail-shaped name.
pub fn username(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    match v.split_once('@') {
        Some((a, b)) if !a.is_empty() && b.contains('.') && !v.contains(char::is_whitespace) => {
            Ok(v.to_string())
        }
        _ => Err(
            "a Salesforce username looks like an e-mail address, e.g. integration@contoso.com"
                .into(),
        ),
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
