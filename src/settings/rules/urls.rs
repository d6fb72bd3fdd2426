//! URLs in settings: parsed with the `url` crate, and the hosts the rules care about.

/// A parsed URL: scheme, lower-case host (IPv6 without brackets), path.
pub(super) struct Url {
    pub(super) scheme: String,
    pub(super) host: String,
    pub(super) path: String,
}

pub(super) fn parse_url(s: &str) -> Option<Url> {
    let u = url::Url::parse(s.trim()).ok()?;
    let host = match u.host()? {
        url::Host::Domain(d) => d.to_ascii_lowercase(),
        url::Host::Ipv4(a) => a.to_string(),
        url::Host::Ipv6(a) => a.to_string(),
    };
    Some(Url {
        scheme: u.scheme().to_string(),
        host,
        path: u.path().to_string(),
    })
}

/// A host on this machine: `localhost`, 127.0.0.0/8 or `::1`, where `crmctl emulate`
/// serves. Settings pointing there are a test org, not a misconfigured production one.
pub fn is_loopback_host(h: &str) -> bool {
    let h = h.trim_start_matches('[').trim_end_matches(']');
    h == "localhost"
        || h.ends_with(".localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether `validate-settings --login` may post credentials to a LoginEndPoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginTarget {
    /// https on login.salesforce.com, test.salesforce.com or a My Domain.
    Salesforce,
    /// A test org on this machine (`crmctl emulate`).
    Loopback,
    /// Anything else: plain http, or a host that is not Salesforce's.
    Untrusted,
}

pub fn login_target(value: &str) -> LoginTarget {
    match parse_url(value) {
        Some(u) if is_loopback_host(&u.host) && matches!(u.scheme.as_str(), "http" | "https") => {
            LoginTarget::Loopback
        }
        Some(u)
            if u.scheme == "https"
                && (u.host == "login.salesforce.com"
                    || u.host == "test.salesforce.com"
                    || u.host.ends_with(".my.salesforce.com")) =>
        {
            LoginTarget::Salesforce
        }
        _ => LoginTarget::Untrusted,
    }
}

pub fn is_salesforce_host(h: &str) -> bool {
    h.ends_with(".salesforce.com")
        || h.ends_with(".force.com")
        || h.ends_with(".salesforce.mil")
        || h.ends_with(".cloudforce.com")
}

/// Sandbox hosts: test.salesforce.com, `--name.sandbox.my.salesforce.com`, legacy `csNN`.
pub(super) fn is_sandbox_host(h: &str) -> bool {
    h == "test.salesforce.com"
        || h.contains(".sandbox.")
        || h.contains("--")
        || (h.starts_with("cs")
            && h[2..]
                .split('.')
                .next()
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_test_orgs_and_nothing_else_is() {
        for h in [
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "127.9.8.7",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "0.0.0.0",
            "10.0.0.1",
            "localhost.example.com",
            "::ffff:127.0.0.1",
            "my.salesforce.com",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }

    #[test]
    fn where_login_may_post_credentials() {
        use LoginTarget::*;
        for (url, want) in [
            (
                "https://login.salesforce.com/services/oauth2/token",
                Salesforce,
            ),
            (
                "https://contoso.my.salesforce.com/services/oauth2/token",
                Salesforce,
            ),
            (
                "http://login.salesforce.com/services/oauth2/token",
                Untrusted,
            ),
            ("https://login.salesforce.com.evil.example/", Untrusted),
            ("https://evil.example/?x=.my.salesforce.com", Untrusted),
            ("http://127.0.0.1:8080/services/oauth2/token", Loopback),
            ("http://[::1]:8080/services/oauth2/token", Loopback),
            ("ftp://localhost/", Untrusted),
            ("not a url", Untrusted),
        ] {
            assert_eq!(login_target(url), want, "{url}");
        }
    }
}
