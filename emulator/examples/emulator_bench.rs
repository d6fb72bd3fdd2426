//! Throughput of SOSL phone searches over one keep-alive connection, start-up
//! time, and how precisely `latency_ms` / `connect_latency_ms` are kept. The
//! server runs on a single-threaded runtime (one core).
//! Run: `cargo run --release -p crmctl-emulator --example emulator_bench [SEARCHES]`

mod common;

use std::time::Instant;

use common::*;

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

    let bg = start_unlimited();
    let mut r = connect(&bg.base_url);
    let token = demo_token(&mut r);
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
    let req = "GET /services/data/ HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut times = Vec::new();
    for _ in 0..41 {
        let t = Instant::now();
        let mut r = connect(&bg.base_url);
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
