//! Throughput of SOSL phone searches over one keep-alive connection, start-up
//! time, and how precisely `latency_ms` / `connect_latency_ms` are kept. The
//! server runs on a single-threaded runtime (one core).
//! Run: `cargo run --release -p crmctl-emulator --example bench [SEARCHES]`

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

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    println!(
        "cores: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut starts = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let bg = emulator::Background::start(emulator::Config::default()).expect("start");
        starts.push(t.elapsed());
        drop(bg);
    }
    starts.sort();
    println!(
        "start-up (Background::start, 20 runs): median {:?}, max {:?}",
        starts[10], starts[19]
    );

    // The default org's daily limit (15,000 calls) would stop a long run.
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
        "grant_type=password&client_id={DEMO_CLIENT_ID}&client_secret={DEMO_CLIENT_SECRET}&username={}&password={}{}",
        DEMO_USERNAME.replace('@', "%40"),
        DEMO_PASSWORD.replace('!', "%21"),
        DEMO_SECURITY_TOKEN
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
    let q = "FIND%20%7B4155551212%20OR%2014155551212%7D%20IN%20PHONE%20FIELDS%20RETURNING%20Account(Id%2CName%2CPhone)%2CContact(Id%2CName%2CPhone%2CMobilePhone%2CEmail%2CAccountId%2CAccount.Name)%2CLead(Id%2CName%2CPhone%2CCompany)";
    let req = format!(
        "GET /services/data/v60.0/search/?q={q} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"
    );
    let t = Instant::now();
    let mut matched = 0;
    for _ in 0..n {
        let (st, body) = request(&mut r, &req);
        assert_eq!(st, 200);
        matched += usize::from(body.len() > 30);
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} SOSL phone searches over one keep-alive connection: {:.0} searches/s ({:.1} us each, {matched} with matches)",
        n as f64 / secs,
        secs * 1e6 / n as f64
    );
    println!("stats: {:?}", bg.stats().connections);
    drop(r);
    drop(bg);
    latency(20, 0);
    latency(20, 30);
}

/// Median and worst time of a request with `latency_ms` (and the first request of
/// a new connection with `connect_latency_ms`), and how far over the target.
fn latency(latency_ms: u64, connect_ms: u64) {
    let bg = emulator::Background::start(emulator::Config {
        faults: emulator::Faults {
            latency_ms,
            connect_latency_ms: connect_ms,
            ..Default::default()
        },
        ..Default::default()
    })
    .expect("start");
    let addr = bg.base_url.trim_start_matches("http://").to_string();
    let req = "GET /services/data/ HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut times = Vec::new();
    for _ in 0..41 {
        let t = Instant::now();
        let s = TcpStream::connect(&addr).expect("connect");
        s.set_nodelay(true).expect("nodelay");
        let mut r = BufReader::new(s);
        let (st, _) = request(&mut r, req);
        assert_eq!(st, 200);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let target = (latency_ms + connect_ms) as f64;
    println!(
        "latency {latency_ms} ms + connect {connect_ms} ms, new connection each (41 runs): median {:.2} ms (+{:.2}), max {:.2} ms (+{:.2})",
        times[20],
        times[20] - target,
        times[40],
        times[40] - target
    );
}
