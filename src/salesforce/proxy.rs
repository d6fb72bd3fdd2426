//! HTTP proxies from the environment, decided per URL in one place: what the
//! client routes through a proxy and what its errors name are the same decision.
//!
//! The variables and their precedence are reqwest's (hyper-util's `Matcher::from_env`):
//! `HTTPS_PROXY` for https URLs and `HTTP_PROXY` for http URLs, each falling back on
//! `ALL_PROXY`; the upper-case name first, then the lower-case one; `NO_PROXY` (or
//! `no_proxy`) lists hosts that go direct; none of them count in a CGI script
//! (`REQUEST_METHOD` set, "httpoxy"). Unlike reqwest, loopback hosts (`localhost`,
//! 127.0.0.0/8, `::1`) always go direct: a corporate proxy never reaches this machine's
//! `crmctl emulate`.

use std::net::IpAddr;

use reqwest::Url;

/// The proxy variables as the environment holds them (`env.rs` reads them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyVars {
    /// (name, value) of the first of `HTTPS_PROXY`, `https_proxy` that is set.
    pub https: Option<(&'static str, String)>,
    pub http: Option<(&'static str, String)>,
    pub all: Option<(&'static str, String)>,
    pub no_proxy: Option<(&'static str, String)>,
    /// `REQUEST_METHOD` is set: a CGI environment, where proxy variables are ignored.
    pub cgi: bool,
}

/// Every variable read, in order of precedence within each pair.
pub const VARIABLES: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// A proxy and the variable that named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyVar {
    pub var: &'static str,
    pub url: Url,
}

impl ProxyVar {
    /// The proxy's URL without any `user:password@`, for messages and traces.
    pub fn shown(&self) -> String {
        let mut u = self.url.clone();
        let _ = u.set_username("");
        let _ = u.set_password(None);
        u.as_str().trim_end_matches('/').to_string()
    }
}

/// The proxies in force, parsed once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proxies {
    https: Option<ProxyVar>,
    http: Option<ProxyVar>,
    no_proxy: Vec<String>,
}

impl Proxies {
    /// Parses the variables. A value that is not a proxy URL is an error naming the
    /// variable (reqwest would ignore it and go direct without a word).
    pub fn from_vars(vars: &ProxyVars) -> Result<Proxies, String> {
        if vars.cgi {
            return Ok(Proxies::default());
        }
        let parse = |v: &Option<(&'static str, String)>| -> Result<Option<ProxyVar>, String> {
            let Some((var, value)) = v else {
                return Ok(None);
            };
            let value = value.trim();
            if value.is_empty() {
                return Ok(None);
            }
            // `proxy.corp:3128` means http://proxy.corp:3128, as curl and reqwest read it.
            let text = if value.contains("://") {
                value.to_string()
            } else {
                format!("http://{value}")
            };
            let shown_raw = || match Url::parse(&text) {
                Ok(mut u) => {
                    let _ = u.set_password(None);
                    let _ = u.set_username("");
                    u.to_string()
                }
                Err(_) => "(not a URL)".to_string(),
            };
            let url = Url::parse(&text)
                .ok()
                .filter(|u| u.host_str().is_some())
                .ok_or_else(|| {
                    format!("{var} is not a proxy URL such as http://proxy.example.com:3128")
                })?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(format!(
                    "{var} names a {} proxy ({}); crmctl speaks to http and https proxies only",
                    url.scheme(),
                    shown_raw()
                ));
            }
            Ok(Some(ProxyVar { var, url }))
        };
        let all = parse(&vars.all)?;
        Ok(Proxies {
            https: parse(&vars.https)?.or_else(|| all.clone()),
            http: parse(&vars.http)?.or(all),
            no_proxy: vars
                .no_proxy
                .as_ref()
                .map(|(_, v)| {
                    v.split(',')
                        .map(|e| e.trim().to_ascii_lowercase())
                        .filter(|e| !e.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// Whether any proxy is set (else reqwest's own system lookup is left alone).
    pub fn is_set(&self) -> bool {
        self.https.is_some() || self.http.is_some()
    }

    /// The proxy a request to `url` goes through, or `None` for a direct connection.
    pub fn for_url(&self, url: &Url) -> Option<&ProxyVar> {
        let host = url
            .host_str()?
            .trim_start_matches('[')
            .trim_end_matches(']');
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if is_loopback(&host) || self.bypassed(&host) {
            return None;
        }
        match url.scheme() {
            "https" => self.https.as_ref(),
            "http" => self.http.as_ref(),
            _ => None,
        }
    }

    /// `NO_PROXY` as reqwest reads it: `*` for every host; an IP address or a CIDR
    /// range; else a domain that matches itself and its subdomains (a leading `.` is
    /// optional).
    fn bypassed(&self, host: &str) -> bool {
        let ip = host.parse::<IpAddr>().ok();
        self.no_proxy.iter().any(|entry| {
            if entry == "*" {
                return true;
            }
            if let Some(ip) = ip {
                return in_range(ip, entry);
            }
            let domain = entry.trim_start_matches('.');
            host == domain || host.ends_with(&format!(".{domain}"))
        })
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `ip` is `entry` (an address) or inside it (a CIDR range such as `10.0.0.0/8`).
fn in_range(ip: IpAddr, entry: &str) -> bool {
    let entry = entry.trim_start_matches('[').trim_end_matches(']');
    let (addr, bits) = match entry.split_once('/') {
        Some((a, b)) => match b.parse::<u32>() {
            Ok(b) => (a, Some(b)),
            Err(_) => return false,
        },
        None => (entry, None),
    };
    let Ok(net) = addr.parse::<IpAddr>() else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&'static str, &str)]) -> ProxyVars {
        let get = |names: [&'static str; 2]| {
            names.into_iter().find_map(|n| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == n)
                    .map(|(k, v)| (*k, v.to_string()))
            })
        };
        ProxyVars {
            https: get(["HTTPS_PROXY", "https_proxy"]),
            http: get(["HTTP_PROXY", "http_proxy"]),
            all: get(["ALL_PROXY", "all_proxy"]),
            no_proxy: get(["NO_PROXY", "no_proxy"]),
            cgi: false,
        }
    }

    fn via(p: &Proxies, url: &str) -> Option<(&'static str, String)> {
        p.for_url(&Url::parse(url).expect("url"))
            .map(|v| (v.var, v.shown()))
    }

    /// Issue 18 item 3: loopback and NO_PROXY hosts go direct; the rest goes through
    /// the proxy of its scheme, falling back on ALL_PROXY.
    #[test]
    fn loopback_and_no_proxy_hosts_go_direct() {
        let p = Proxies::from_vars(&vars(&[
            ("HTTP_PROXY", "http://proxy.corp:3128"),
            ("ALL_PROXY", "http://all.corp:8080"),
            (
                "NO_PROXY",
                ".internal.example, 10.0.0.0/8, fd00::1, other.example",
            ),
        ]))
        .expect("proxies");
        for direct in [
            "http://127.0.0.1:41234/services/oauth2/token",
            "http://127.9.9.9/",
            "http://localhost:8080/",
            "http://app.localhost/",
            "http://[::1]:8080/",
            "https://ucc.internal.example/",
            "https://internal.example/",
            "http://10.1.2.3/",
            "http://[fd00::1]/",
            "https://a.other.example/",
        ] {
            assert_eq!(via(&p, direct), None, "{direct}");
        }
        assert_eq!(
            via(&p, "http://eu6.salesforce.com/"),
            Some(("HTTP_PROXY", "http://proxy.corp:3128".into()))
        );
        assert_eq!(
            via(&p, "https://contoso.my.salesforce.com/"),
            Some(("ALL_PROXY", "http://all.corp:8080".into()))
        );
        assert_eq!(
            via(&p, "https://notother.example/"),
            Some(("ALL_PROXY", "http://all.corp:8080".into()))
        );
        assert_eq!(
            via(&p, "http://11.0.0.1/"),
            Some(("HTTP_PROXY", "http://proxy.corp:3128".into()))
        );
    }

    #[test]
    fn forms_of_the_variables() {
        // Lower case when upper case is unset; no scheme means http; credentials never shown.
        let p = Proxies::from_vars(&vars(&[("https_proxy", "user:s3cret@proxy.corp:3128")]))
            .expect("proxies");
        assert_eq!(
            via(&p, "https://eu6.salesforce.com/"),
            Some(("https_proxy", "http://proxy.corp:3128".into()))
        );
        assert_eq!(via(&p, "http://eu6.salesforce.com/"), None);
        // `*` bypasses everything; a CGI script ignores them all.
        let p = Proxies::from_vars(&vars(&[("ALL_PROXY", "http://p:1"), ("no_proxy", "*")]))
            .expect("proxies");
        assert_eq!(via(&p, "https://eu6.salesforce.com/"), None);
        let mut cgi = vars(&[("HTTPS_PROXY", "http://p:1")]);
        cgi.cgi = true;
        assert!(!Proxies::from_vars(&cgi).expect("proxies").is_set());
        // Empty is unset; a bad value or a SOCKS proxy is an error naming the variable.
        assert!(
            !Proxies::from_vars(&vars(&[("HTTPS_PROXY", "")]))
                .expect("ok")
                .is_set()
        );
        let e = Proxies::from_vars(&vars(&[("HTTPS_PROXY", "http://")])).unwrap_err();
        assert!(e.starts_with("HTTPS_PROXY is not a proxy URL"), "{e}");
        let e = Proxies::from_vars(&vars(&[("all_proxy", "socks5://u:pw@p:1080")])).unwrap_err();
        assert!(
            e.starts_with("all_proxy names a socks5 proxy") && !e.contains("pw"),
            "{e}"
        );
    }
}
