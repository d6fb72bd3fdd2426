//! Throughput of batched SOSL phone searches (`FIND {"a" OR "b" OR ...}`, as
//! crmctl's bulk lookups send them) and of a GROUP BY query, over one keep-alive
//! connection against the default org.
//! Run: `cargo run --release -p crmctl-emulator --example bench_batch [SEARCHES] [BATCH]`

mod common;

use std::time::Instant;

use common::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let batch: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let bg = start_unlimited();
    let mut r = connect(&bg.base_url);
    let token = demo_token(&mut r);

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
