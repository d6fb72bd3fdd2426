//! The emulator at scale: start it with N synthetic records (default 200,000),
//! then time SOSL phone searches and a Bulk API 2.0 export of the phone fields,
//! and print the process's peak RSS (VmHWM, Linux).
//!
//! ```sh
//! cargo run --release -p crmctl-emulator --example synthetic_scale -- 200000
//! ```

mod common;

use std::time::{Duration, Instant};

use common::*;
use emulator::default_org::default_org_file;
use emulator::{Background, Config};
use serde_json::Value;

fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn mb(kb: u64) -> String {
    format!("{:.0} MB", kb as f64 / 1024.0)
}

fn post(
    r: &mut std::io::BufReader<std::net::TcpStream>,
    token: &str,
    path: &str,
    body: &str,
) -> (u16, Vec<u8>) {
    request(
        r,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let before = status_kb("VmRSS:");
    let mut org = default_org_file();
    org.org.api_limit = u64::MAX;
    org.org.bulk.delay_ms = 0;
    let t0 = Instant::now();
    let emu = Background::start(Config {
        org: Some(org),
        synthetic_records: n,
        ..Default::default()
    })
    .expect("start");
    let started = t0.elapsed();
    let after_start = status_kb("VmRSS:");
    println!(
        "{n} synthetic records: start {started:.2?}, RSS {} before, {} after start",
        mb(before),
        mb(after_start)
    );

    let mut c = connect(&emu.base_url);
    let token = demo_token(&mut c);
    let v = "/services/data/v60.0";
    // Phones to look for: 50 Contact phones from the org itself.
    let q = enc("SELECT Phone FROM Contact WHERE Phone != null LIMIT 50");
    let (st, body) = get(&mut c, &token, &format!("{v}/query?q={q}"));
    assert_eq!(st, 200);
    let rows: Value = serde_json::from_slice(&body).expect("json");
    let phones: Vec<String> = rows["records"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|r| r["Phone"].as_str())
        .map(|p| p.chars().filter(char::is_ascii_digit).collect())
        .collect();
    let mut times = Vec::new();
    let mut hits = 0;
    for p in &phones {
        let sosl = enc(&format!(
            "FIND {{{p}}} IN PHONE FIELDS RETURNING Account(Id), Contact(Id), Lead(Id)"
        ));
        let t = Instant::now();
        let (st, body) = get(&mut c, &token, &format!("{v}/search?q={sosl}"));
        times.push(t.elapsed());
        assert_eq!(st, 200, "{}", String::from_utf8_lossy(&body));
        let v: Value = serde_json::from_slice(&body).expect("json");
        hits += v["searchRecords"].as_array().map_or(0, Vec::len);
    }
    times.sort();
    println!(
        "SOSL IN PHONE FIELDS, one number ({} searches, {hits} records found): median {:.1?}, p90 {:.1?}, max {:.1?}",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        times[times.len() - 1]
    );
    // One search with 20 numbers ORed, as a batched lookup sends it.
    let or = phones
        .iter()
        .take(20)
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(" OR ");
    let sosl = enc(&format!(
        "FIND {{{or}}} IN PHONE FIELDS RETURNING Account(Id), Contact(Id), Lead(Id)"
    ));
    let t = Instant::now();
    let (st, _) = get(&mut c, &token, &format!("{v}/search?q={sosl}"));
    assert_eq!(st, 200);
    println!("SOSL IN PHONE FIELDS, 20 numbers ORed: {:.1?}", t.elapsed());

    // Bulk API 2.0 export of the phone fields of all three objects.
    for (object, fields) in [
        ("Account", "Id, Phone, Fax"),
        ("Contact", "Id, Phone, MobilePhone, HomePhone, OtherPhone"),
        ("Lead", "Id, Phone, MobilePhone"),
    ] {
        let t = Instant::now();
        let body =
            format!("{{\"operation\":\"query\",\"query\":\"SELECT {fields} FROM {object}\"}}");
        let (st, created) = post(&mut c, &token, &format!("{v}/jobs/query"), &body);
        assert_eq!(st, 200, "{}", String::from_utf8_lossy(&created));
        let job: Value = serde_json::from_slice(&created).expect("json");
        let id = job["id"].as_str().expect("id").to_string();
        for _ in 0..10_000 {
            let (_, info) = get(&mut c, &token, &format!("{v}/jobs/query/{id}"));
            let info: Value = serde_json::from_slice(&info).expect("json");
            if info["state"] == "JobComplete" {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let mut rows = 0usize;
        let mut bytes = 0usize;
        let mut calls = 0;
        let mut locator = String::new();
        loop {
            let q = if locator.is_empty() {
                "maxRecords=50000".to_string()
            } else {
                format!("maxRecords=50000&locator={locator}")
            };
            let path = format!("{v}/jobs/query/{id}/results?{q}");
            let req =
                format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n");
            // The benches' raw client reads no headers: the next locator is made
            // from the row count (a locator is the base64 of the offset).
            let (st, body) = request(&mut c, &req);
            assert_eq!(st, 200);
            calls += 1;
            let got = body.iter().filter(|b| **b == b'\n').count() - 1;
            rows += got;
            bytes += body.len();
            if got < 50_000 {
                break;
            }
            locator = emulator::bulk2::query::encode_locator(rows);
        }
        println!(
            "Bulk API 2.0 export {object} ({fields}): {rows} rows, {} KB of CSV, {} result calls, {:.2?}",
            bytes / 1024,
            calls,
            t.elapsed()
        );
    }
    println!(
        "peak RSS (VmHWM) {}, RSS now {}",
        mb(status_kb("VmHWM:")),
        mb(status_kb("VmRSS:"))
    );
    drop(emu);
}
