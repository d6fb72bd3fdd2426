//! A small raw HTTP/1.1 client for the emulator's integration tests: requests are
//! written by hand (not with crmctl's client), so tests see exactly the wire.
#![allow(dead_code)] // each test binary uses a different part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use emulator::default_org::*;
use emulator::{Background, Config, OrgFile};
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

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request on a fresh connection to a loopback `http://127.0.0.1:port` URL.
pub fn call(url: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let s = TcpStream::connect(url.trim_start_matches("http://")).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut reader = BufReader::new(s);
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let w = reader.get_mut();
    w.write_all(req.as_bytes()).expect("write");
    w.write_all(body).expect("write body");
    let mut line = String::new();
    reader.read_line(&mut line).expect("status line");
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).expect("header");
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
    reader.read_exact(&mut body).expect("body");
    Resp {
        status,
        headers,
        body,
    }
}

/// Percent-encodes everything but unreserved characters.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn start_with(org: OrgFile) -> Background {
    Background::start(Config {
        org: Some(org),
        ..Default::default()
    })
    .expect("emulator starts")
}

/// An access token for the demo user (password flow).
pub fn token(emu: &Background) -> String {
    let body = [
        ("grant_type", "password"),
        ("client_id", DEMO_CLIENT_ID),
        ("client_secret", DEMO_CLIENT_SECRET),
        ("username", DEMO_USERNAME),
        (
            "password",
            &format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}") as &str,
        ),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", enc(v)))
    .collect::<Vec<_>>()
    .join("&");
    let r = call(
        &emu.login_url,
        "POST",
        "/services/oauth2/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["access_token"]
        .as_str()
        .expect("token")
        .to_string()
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

pub fn search(emu: &Background, token: &str, sosl: &str) -> Resp {
    get(
        emu,
        token,
        &format!("/services/data/v60.0/search/?q={}", enc(sosl)),
    )
}
