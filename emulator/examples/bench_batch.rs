//! Throughput of batched SOSL phone searches (`FIND {"a" OR "b" OR ...}`, as
//! crmctl's bulk lookups send them) and of a GROUP BY query, over one keep-alive
//! connection against the default org.
//! Run: `cargo run --release -p crmctl-emulator --example bench_batch [SEARCHES] [BATCH]`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use emulator::default_org::*;

fn request(r: &mut BufReader<TcpStream>, req: &str) -> (u16, Vec<u8>) {
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

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn get(r: &mut BufReader<TcpStream>, token: &str, path: &str) -> (u16, Vec<u8>) {
    request(
        r,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"),
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let batch: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let mut org = default_org_file();
    org.org.api_limit = u64::MAX;
    let bg = emulator::Background::start(emulator::Config {
        org: Some(org),
        ..Default::default()
    })
    .expect("start");
    let s = TcpStream::connect(bg.base_url.trim_start_matches("http://")).expect("connect");
    s.set_nodelay(true).expect("nodelay");
    let mut r = BufReader::new(s);
    let form = format!(
        "grant_type=password&client_id={DEMO_CLIENT_ID}&client_secret={DEMO_CLIENT_SECRET}&username={}&password={}",
        enc(DEMO_USERNAME),
        enc(&format!("{DEMO_PASSWORD}{DEMO_SECURITY_TOKEN}"))
    );
    let (st, body) = request(
        &mut r,
        &format!(
            "POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    );
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let token = v["access_token"].as_str().expect("token").to_string();

    // Real numbers of the org, as digits, padded with numbers nobody has.
    let (st, body) = get(
        &mut r,
        &token,
        &format!(
            "/services/data/v60.0/query?q={}",
            enc("SELECT Phone FROM Contact WHERE Phone != null LIMIT 2000")
        ),
    );
    assert_eq!(st, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let mut numbers: Vec<String> = v["records"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["Phone"].as_str())
        .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|d| d.len() >= 6)
        .take(batch / 2)
        .collect();
    let mut i = 0;
    while numbers.len() < batch {
        numbers.push(format!("9{i:010}"));
        i += 1;
    }
    let sosl = format!(
        "FIND {{{}}} IN PHONE FIELDS RETURNING Account(Id, Name, Phone), Contact(Id, Name, Phone, MobilePhone, Email, AccountId, Account.Name), Lead(Id, Name, Phone, Company)",
        numbers
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(" OR ")
    );
    let path = format!("/services/data/v60.0/search/?q={}", enc(&sosl));
    let (st, body) = get(&mut r, &token, &path);
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let found = v["searchRecords"].as_array().map(Vec::len).unwrap_or(0);

    let t = Instant::now();
    for _ in 0..n {
        let (st, _) = get(&mut r, &token, &path);
        assert_eq!(st, 200);
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} batched SOSL searches of {batch} numbers ({} chars, {found} records each): {:.0} searches/s, {:.0} numbers/s ({:.1} us each)",
        sosl.len(),
        n as f64 / secs,
        (n * batch) as f64 / secs,
        secs * 1e6 / n as f64
    );

    let agg = format!(
        "/services/data/v60.0/query?q={}",
        enc("SELECT Status, COUNT(Id), MAX(CreatedDate) FROM Case GROUP BY Status")
    );
    let t = Instant::now();
    for _ in 0..n {
        let (st, _) = get(&mut r, &token, &agg);
        assert_eq!(st, 200);
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} GROUP BY queries over Case: {:.0} queries/s ({:.1} us each)",
        n as f64 / secs,
        secs * 1e6 / n as f64
    );
}
