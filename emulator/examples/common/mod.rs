//! The raw keep-alive HTTP/1.1 client both bench examples time: a request is
//! one `write_all` and a minimal read, so the numbers are the server's, not a
//! client library's. (The tests' client in `tests/common` checks more and is
//! not what these numbers have been measured with.)
#![allow(dead_code)] // each example uses a different part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use emulator::default_org::*;
use emulator::{Background, Config};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Sends a whole request and reads the status and body.
pub fn request(r: &mut BufReader<TcpStream>, req: &str) -> (u16, Vec<u8>) {
    r.get_mut().write_all(req.as_bytes()).expect("write");
    let mut line = String::new();
    r.read_line(&mut line).expect("status");
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut len = 0;
    loop {
        let mut h = String::new();
        r.read_line(&mut h).expect("header");
        if h.trim().is_empty() {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).expect("body");
    (status, body)
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

pub fn get(r: &mut BufReader<TcpStream>, token: &str, path: &str) -> (u16, Vec<u8>) {
    request(
        r,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"),
    )
}

/// A new connection to a loopback `http://` URL, Nagle off.
pub fn connect(url: &str) -> BufReader<TcpStream> {
    let s = TcpStream::connect(url.trim_start_matches("http://")).expect("connect");
    s.set_nodelay(true).expect("nodelay");
    BufReader::new(s)
}

/// The default org without its daily limit (15,000 calls would stop a long run).
pub fn start_unlimited() -> Background {
    let mut org = default_org_file();
    org.org.api_limit = u64::MAX;
    Background::start(Config {
        org: Some(org),
        ..Default::default()
    })
    .expect("start")
}

/// The demo user's access token (password flow) over `r`.
pub fn demo_token(r: &mut BufReader<TcpStream>) -> String {
    let form = format!(
        "grant_type=password&client_id={DEMO_CLIENT_ID}&client_secret={DEMO_CLIENT_SECRET}&username={}&password={}",
        enc(DEMO_USERNAME),
        enc(&format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}"))
    );
    let (st, body) = request(
        r,
        &format!(
            "POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    );
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    v["access_token"].as_str().expect("token").to_string()
}
