//! The one raw HTTP/1.1 client for the emulator's integration tests, plus the small
//! helpers they share: requests are written by hand (not with crmctl's client), so
//! tests see exactly the wire.
#![allow(dead_code)] // each test binary uses a different part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use emulator::default_org::*;
use emulator::{Background, Config, Faults, OrgFile};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn keys(&self) -> Vec<String> {
        self.json()
            .as_object()
            .expect("object")
            .keys()
            .cloned()
            .collect()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One keep-alive connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
}

pub fn host_port(url: &str) -> &str {
    url.trim_start_matches("http://")
}

impl Conn {
    pub fn open(url: &str) -> Conn {
        let s = TcpStream::connect(host_port(url)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        Conn {
            reader: BufReader::new(s),
        }
    }

    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Resp> {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        let s = self.reader.get_mut();
        s.write_all(req.as_bytes())?;
        s.write_all(body)?;
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed before a status line",
            ));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status line");
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h)?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(':').expect("header");
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body)?;
        Ok(Resp {
            status,
            headers,
            body,
        })
    }
}

/// One request on a fresh connection to a loopback `http://127.0.0.1:port` URL.
pub fn call(url: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    Conn::open(url)
        .send(method, path, headers, body)
        .expect("response")
}

/// RFC 3986's unreserved characters stay; everything else is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes everything but unreserved characters.
pub fn enc(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// POSTs form pairs to the token endpoint.
pub fn token_request(url: &str, pairs: &[(&str, &str)]) -> Resp {
    call(
        url,
        "POST",
        "/services/oauth2/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form(pairs).as_bytes(),
    )
}

/// A password-flow login with the demo connected app.
pub fn login(url: &str, username: &str, password: &str) -> Resp {
    token_request(
        url,
        &[
            ("grant_type", "password"),
            ("client_id", DEMO_CLIENT_ID),
            ("client_secret", DEMO_CLIENT_SECRET),
            ("username", username),
            ("password", password),
        ],
    )
}

pub fn token_for(emu: &Background, username: &str) -> String {
    let r = login(
        &emu.login_url,
        username,
        &format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}"),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["access_token"]
        .as_str()
        .expect("token")
        .to_string()
}

pub fn start() -> Background {
    Background::start(Config::default()).expect("emulator starts")
}

pub fn start_with(org: OrgFile) -> Background {
    Background::start(Config {
        org: Some(org),
        ..Default::default()
    })
    .expect("emulator starts")
}

pub fn with_faults(faults: Faults) -> Background {
    Background::start(Config {
        faults,
        ..Config::default()
    })
    .expect("emulator starts")
}

pub fn get(emu: &Background, token: &str, path: &str) -> Resp {
    call(
        &emu.base_url,
        "GET",
        path,
        &[("Authorization", &format!("Bearer {token}"))],
        b"",
    )
}

pub fn query(emu: &Background, token: &str, soql: &str) -> Resp {
    get(
        emu,
        token,
        &format!("/services/data/v60.0/query?q={}", enc(soql)),
    )
}

pub fn search(emu: &Background, token: &str, version: &str, sosl: &str) -> Resp {
    get(
        emu,
        token,
        &format!("/services/data/v{version}/search/?q={}", enc(sosl)),
    )
}

pub fn names(v: &Value) -> Vec<String> {
    v["searchRecords"]
        .as_array()
        .expect("searchRecords")
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r["attributes"]["type"].as_str().unwrap_or(""),
                r["Name"].as_str().unwrap_or("")
            )
        })
        .collect()
}

pub fn post_json(emu: &Background, token: &str, path: &str, body: &Value) -> Resp {
    send_json(emu, token, "POST", path, body)
}

pub fn send_json(emu: &Background, token: &str, method: &str, path: &str, body: &Value) -> Resp {
    let auth = format!("Bearer {token}");
    call(
        &emu.base_url,
        method,
        path,
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        body.to_string().as_bytes(),
    )
}

/// An access token for the demo user (password flow).
pub fn demo_token(emu: &Background) -> String {
    token_for(emu, DEMO_USERNAME)
}
