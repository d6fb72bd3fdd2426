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

/// Whether a URL's path is the OAuth token endpoint the CRM Service posts to
/// (`/services/oauth2/token`, a trailing `/` allowed).
pub fn is_token_path(path: &str) -> bool {
    path.trim_end_matches('/') == "/services/oauth2/token"
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

/// What a host is to the CRM Service: where it may log in, where the org's API
/// answers, and what serves no API at all. Salesforce's URL formats: "My Domain URL
/// Formats" (help.salesforce.com, `domain_name_url_formats`) and "My Domain"
/// (<https://help.salesforce.com/apex/HTViewHelpDoc?id=domain_name_overview.htm>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    /// This machine (`crmctl emulate`): a test org.
    Loopback,
    /// `login.salesforce.com` (production) or `test.salesforce.com` (sandbox): they
    /// take logins and serve no org data.
    Login { sandbox: bool },
    /// `<name>.my.salesforce.com`, `<name>--<box>.sandbox.my.salesforce.com`: the org.
    MyDomain { sandbox: bool },
    /// An instance such as `eu6.salesforce.com` (legacy `cs42` is a sandbox).
    Instance { sandbox: bool },
    /// A host for browsers, not the API: Lightning (`….lightning.force.com`),
    /// Visualforce, Sites and Experience Cloud, file and content hosts.
    Browser,
    /// Not a Salesforce host.
    Other,
}

impl HostKind {
    pub fn is_sandbox(self) -> bool {
        matches!(
            self,
            HostKind::Login { sandbox: true }
                | HostKind::MyDomain { sandbox: true }
                | HostKind::Instance { sandbox: true }
        )
    }

    /// In words, for messages: "a test org on this machine", "a sandbox", ...
    pub fn describe(self) -> &'static str {
        match self {
            HostKind::Loopback => "a test org on this machine",
            HostKind::Login { sandbox: false } => "the production login host",
            HostKind::Login { sandbox: true } => "the sandbox login host",
            HostKind::MyDomain { sandbox: false } => "a production My Domain",
            HostKind::MyDomain { sandbox: true } => "a sandbox My Domain",
            HostKind::Instance { sandbox: false } => "a production instance",
            HostKind::Instance { sandbox: true } => "a sandbox instance",
            HostKind::Browser => "a Salesforce host for browsers",
            HostKind::Other => "not a Salesforce host",
        }
    }
}

pub fn host_kind(h: &str) -> HostKind {
    let h = h.trim_end_matches('.');
    if is_loopback_host(h) {
        return HostKind::Loopback;
    }
    match h {
        "login.salesforce.com" | "welcome.salesforce.com" => {
            return HostKind::Login { sandbox: false };
        }
        "test.salesforce.com" => return HostKind::Login { sandbox: true },
        _ => {}
    }
    let sandbox = is_sandbox_host(h);
    if h.ends_with(".my.salesforce.com") || h.ends_with(".my.salesforce.mil") {
        return HostKind::MyDomain { sandbox };
    }
    if h.ends_with(".force.com")
        || h.ends_with(".site.com")
        || h.ends_with(".visualforce.com")
        || h.ends_with(".salesforce-sites.com")
        || h.ends_with(".documentforce.com")
        || h.ends_with(".salesforce-setup.com")
    {
        return HostKind::Browser;
    }
    if is_salesforce_host(h) {
        return HostKind::Instance { sandbox };
    }
    HostKind::Other
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

    /// Issue 18 items 4 and 7: the kinds the host rules compare.
    #[test]
    fn host_kinds() {
        use HostKind::*;
        for (h, want) in [
            ("127.0.0.1", Loopback),
            ("localhost", Loopback),
            ("login.salesforce.com", Login { sandbox: false }),
            ("test.salesforce.com", Login { sandbox: true }),
            ("contoso.my.salesforce.com", MyDomain { sandbox: false }),
            (
                "contoso--uat.sandbox.my.salesforce.com",
                MyDomain { sandbox: true },
            ),
            ("contoso--uat.my.salesforce.com", MyDomain { sandbox: true }),
            ("eu6.salesforce.com", Instance { sandbox: false }),
            ("cs42.salesforce.com", Instance { sandbox: true }),
            ("contoso.lightning.force.com", Browser),
            ("contoso--uat.sandbox.lightning.force.com", Browser),
            ("contoso.my.site.com", Browser),
            ("contoso.vf.force.com", Browser),
            ("contoso.file.force.com", Browser),
            ("salesforce.com.evil.example", Other),
            ("example.com", Other),
        ] {
            assert_eq!(host_kind(h), want, "{h}");
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
