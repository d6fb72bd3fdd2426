//! The speed figures of issue 12 in one command, so a claim in the README is a command
//! away: `cargo run --release --example bench` (add `-- --quick` for fewer runs).
//!
//! Builds `target/release/crmctl` if needed, starts the emulator on loopback with no
//! added latency and with 20 ms per answer, and prints medians, with the machine's
//! core count, of: `--version`, an e-mail lookup, number lookups (+31, +1, +44),
//! `login`, and a bulk run of 1,000 numbers at `-j 8`, batched and `--no-batch` (API
//! calls from the emulator's counters, peak RSS from `/usr/bin/time` when present). The
//! batching engine (`screenpop::batch`) is also timed directly on the same 1,000
//! numbers, 8 batches in flight, at several batch sizes and turned off.
//!
//! Speed is measured here, never asserted in tests. On a shared machine, compare runs
//! taken back to back.

use crmctl::screenpop::phone;
use std::path::Path;
use std::time::{Duration, Instant};

use emulator::{Background, Config, Faults};
use serde_json::Value;

use crmctl::salesforce::SessionPool;
use crmctl::screenpop::batch::{self, BatchConfig, ClientOrg, Input};
use crmctl::screenpop::lookup::{self, Kind};

mod common;
use common::{Error, demo_env, login, release_binary, run_cli};

const VERSION: &str = "60.0";

fn main() -> Result<(), Error> {
    let quick = std::env::args().any(|a| a == "--quick");
    let (runs, bulk_runs) = if quick { (5, 1) } else { (21, 3) };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = release_binary(root)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let time_v = Path::new("/usr/bin/time").exists();
    let dir = tempfile::tempdir()?;
    let numbers = corpus(1000);
    let file = dir.path().join("numbers.txt");
    std::fs::write(&file, numbers.join("\n") + "\n")?;
    let file = file.to_string_lossy().into_owned();

    println!(
        "crmctl bench: {cores} cores, emulator on 127.0.0.1, medians of {runs} runs ({bulk_runs} for bulk), binary {}",
        bin.display()
    );
    println!(
        "{:<8} {:<50} {:>11} {:>10} {:>10}",
        "latency", "what", "median", "API calls", "peak RSS"
    );
    for latency in [0u64, 20] {
        // The demo org's daily API limit (15,000) would stop the later runs.
        let mut org = emulator::default_org::default_org_file();
        org.org.api_limit = u64::MAX / 2;
        let emu = Background::start(Config {
            org: Some(org),
            faults: Faults {
                latency_ms: latency,
                ..Faults::default()
            },
            ..Config::default()
        })?;
        let env = demo_env(&emu.base_url, dir.path());
        // The login on the emulator's login host, the org's URL known ahead: the org's
        // connection opens while the token request is in flight (`--instance-url`).
        let split = [
            "--login-url",
            emu.login_url.as_str(),
            "--instance-url",
            emu.base_url.as_str(),
        ];
        let with_split = |args: &[&'static str]| {
            let mut v: Vec<&str> = args.to_vec();
            v.extend(split);
            v
        };
        let cli: [(&str, Vec<&str>); 8] = [
            ("--version", vec!["--version"]),
            (
                "lookup --email jane.doe@example.com",
                vec!["lookup", "--email", "jane.doe@example.com"],
            ),
            ("lookup +31201234567", vec!["lookup", "+31201234567"]),
            ("lookup +14155551212", vec!["lookup", "+14155551212"]),
            ("lookup +442079460958", vec!["lookup", "+442079460958"]),
            ("login", vec!["login"]),
            (
                "lookup +14155551212 (login host, --instance-url)",
                with_split(&["lookup", "+14155551212"]),
            ),
            ("login (login host, --instance-url)", with_split(&["login"])),
        ];
        // The floor any client meets here: one request and its answer on a connection
        // already open (std TcpStream, no TLS, no parsing). A cold lookup can be no
        // faster than `--version` + 3 of these.
        let t = median_of(runs, || raw_round_trip(&emu.base_url))?;
        row(
            latency,
            "raw HTTP/1.1 round trip, connection open",
            t,
            None,
            None,
        );
        for (name, args) in &cli {
            let before = emu.stats();
            let t = median_of(runs, || run_cli(&bin, args, &env, false).map(|r| r.wall))?;
            let calls = (emu.stats().api_calls - before.api_calls) / (runs as u64 + 2);
            row(latency, name, t, Some(calls), None);
        }
        for (name, extra) in [
            ("lookup --file (1,000 numbers) -j 8", None),
            (
                "lookup --file (1,000 numbers) -j 8 --no-batch",
                Some("--no-batch"),
            ),
        ] {
            let before = emu.stats();
            let mut rss = Vec::new();
            let mut bulk = vec!["lookup", "--file", file.as_str(), "-j", "8"];
            bulk.extend(extra);
            let t = median_of(bulk_runs, || {
                run_cli(&bin, &bulk, &env, time_v).map(|r| {
                    rss.extend(r.rss_kb);
                    r.wall
                })
            })?;
            let calls = (emu.stats().api_calls - before.api_calls) / (bulk_runs as u64 + 2);
            rss.sort_unstable();
            row(
                latency,
                name,
                t,
                Some(calls),
                rss.get(rss.len() / 2).copied(),
            );
        }
        engine(&emu, &numbers, latency, bulk_runs)?;
    }
    Ok(())
}

fn row(latency: u64, what: &str, t: Duration, calls: Option<u64>, rss_kb: Option<u64>) {
    println!(
        "{:<8} {:<50} {:>8.1} ms {:>10} {:>10}",
        format!("{latency} ms"),
        what,
        t.as_secs_f64() * 1000.0,
        calls.map_or("-".into(), |c| c.to_string()),
        rss_kb.map_or("-".into(), |k| format!("{:.1} MB", k as f64 / 1024.0)),
    );
}

/// The engine on the 1,000 numbers: batching off (a single lookup's queries per row)
/// and at several batch sizes, 8 batches in flight.
fn engine(emu: &Background, numbers: &[String], latency: u64, runs: usize) -> Result<(), Error> {
    let (client, session) = login(emu)?;
    let inputs: Vec<Input> = numbers
        .iter()
        .filter_map(|n| lookup::plan(Kind::Phone, n, lookup::Regions::default()).ok())
        .filter_map(|p| Input::from_plan(&p))
        .collect();
    let pool = SessionPool::new(&client, session);
    let org = ClientOrg::new(&pool, VERSION);
    for batch_size in [1, 25, 50, 75, 100] {
        let config = BatchConfig::from_flags(Some(batch_size), false, 8);
        let mut counters = batch::Counters::default();
        let before = emu.stats().api_calls;
        let mut unanswered = 0;
        let t = median_of(runs, || {
            counters = batch::run(&org, &inputs, &config, |d| {
                if !matches!(d.outcome, batch::Outcome::Found(_)) {
                    unanswered += 1;
                }
            });
            Ok(Duration::ZERO)
        })?;
        if unanswered > 0 {
            return Err(format!("{unanswered} rows failed or were not run").into());
        }
        let calls = (emu.stats().api_calls - before) / (runs as u64 + 2);
        let what = if batch_size == 1 {
            "engine, batching off, 8 in flight".to_string()
        } else {
            format!("engine, --batch-size {batch_size}, 8 in flight")
        };
        row(latency, &what, t, Some(calls), None);
        println!(
            "{:<8} {:<44} searches {}, case queries {}, splits {}; saved {} of {} one-per-row calls",
            "",
            "",
            counters.searches,
            counters.case_queries,
            counters.splits,
            counters.saved(),
            counters.one_per_row
        );
    }
    Ok(())
}

/// Two warm-up runs, then the median of `runs` (the closure's own time, or the call's).
/// One `GET /services/data/` on an open connection: the time from the request's
/// write to the last byte of the answer (its Content-Length read).
fn raw_round_trip(base_url: &str) -> Result<Duration, Error> {
    use std::io::{Read, Write};
    let addr = base_url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr)?;
    s.set_nodelay(true)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let request = format!("GET /services/data/ HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let answer = |s: &mut std::net::TcpStream| -> Result<(), Error> {
        s.write_all(request.as_bytes())?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let n = s.read(&mut chunk)?;
            if n == 0 {
                return Err("the emulator closed the connection".into());
            }
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().to_string())
                    })
                    .and_then(|v| v.parse::<usize>().ok())
                    .ok_or("no Content-Length")?;
                if body.len() >= length {
                    return Ok(());
                }
            }
        }
    };
    answer(&mut s)?;
    let t = Instant::now();
    answer(&mut s)?;
    Ok(t.elapsed())
}

fn median_of(
    runs: usize,
    mut f: impl FnMut() -> Result<Duration, Error>,
) -> Result<Duration, Error> {
    for _ in 0..2 {
        f()?;
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let reported = f()?;
        times.push(if reported.is_zero() {
            t.elapsed()
        } else {
            reported
        });
    }
    times.sort_unstable();
    Ok(times[times.len() / 2])
}

/// `n` numbers in E.164: every phone of the default org's accounts, contacts and
/// leads (some shared by several records, eight countries), then numbers nobody
/// has, in a fixed shuffled order.
fn corpus(n: usize) -> Vec<String> {
    let org = emulator::default_org::default_org_file();
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<String> = Vec::new();
    for object in ["Account", "Contact", "Lead"] {
        for r in org.records.get(object).into_iter().flatten() {
            for f in ["Phone", "MobilePhone"] {
                let Some(v) = r.get(f).and_then(Value::as_str) else {
                    continue;
                };
                let region = phone::Region::parse(region_of(r)).ok();
                if let Ok(phone::Ani::Number(n)) = phone::read_ani(v, region, None)
                    && seen.insert(n.forms.e164.clone())
                {
                    out.push(n.forms.e164);
                }
            }
        }
    }
    let mut i = 0;
    while out.len() < n {
        out.push(if i % 2 == 0 {
            format!("+1999555{:04}", i)
        } else {
            format!("+3170{:07}", 3_000_000 + i)
        });
        i += 1;
    }
    out.truncate(n);
    // A fixed shuffle (a linear congruential generator; no dependency for this).
    let mut s: u64 = 0x5eed;
    for k in (1..out.len()).rev() {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.swap(k, (s >> 33) as usize % (k + 1));
    }
    out
}

/// The region of a record's national numbers, from its e-mail's top-level domain or
/// its billing city (emulator/src/default_org.rs).
fn region_of(r: &serde_json::Map<String, Value>) -> &'static str {
    let email = r.get("Email").and_then(Value::as_str).unwrap_or("");
    let city = r.get("BillingCity").and_then(Value::as_str).unwrap_or("");
    let by_tld = [
        (".com.au", "AU"),
        (".co.uk", "GB"),
        (".nl", "NL"),
        (".de", "DE"),
        (".fr", "FR"),
        (".jp", "JP"),
        (".be", "BE"),
        (".com", "US"),
    ];
    let by_city = [
        ("Rotterdam", "NL"),
        ("Chicago", "US"),
        ("Manchester", "GB"),
        ("Munich", "DE"),
        ("Marseille", "FR"),
        ("Melbourne", "AU"),
        ("Osaka", "JP"),
        ("Antwerp", "BE"),
    ];
    by_tld
        .iter()
        .find(|(t, _)| email.ends_with(t))
        .or_else(|| by_city.iter().find(|(c, _)| *c == city))
        .map_or("NL", |(_, r)| r)
}
