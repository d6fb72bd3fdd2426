//! Issue 21's scale figures, a command away:
//! `cargo run --release --example bench_scale` (or `scripts/bench --scale`).
//!
//! Starts the emulator on loopback with no added latency (its daily API limit raised
//! so that the per-number runs are not cut short), writes files of 1,000, 100,000 and
//! 1,000,000 caller ids (about 75% distinct: the 1,000-row file holds 753 distinct
//! numbers, the org's own phones among numbers nobody has, in a fixed shuffled order),
//! runs `crmctl lookup --file F -j 8` on each, and prints the API calls (from the
//! emulator's counters), the wall time and the peak RSS (`/usr/bin/time`), beside what
//! the per-number peers spend: a search per row, and a cases query for each row that
//! matched a contact or an account (the summary's `api_calls + api_calls_saved`).
//!
//! Then `--index` against 200,000 synthetic records (`emulate --synthetic-records`):
//! 500,000 numbers (calls, wall, RSS, the export's and the matching's time), a 2,000-row
//! sample compared row for row with the batched search (outcome and record ids), and
//! 1,000,000 numbers.
//!
//! Options: `--rows 1000,100000` picks the batched sizes, `--records N` the synthetic
//! org's size, `--index-rows 500000,1000000` the `--index` sizes; `$CRMCTL_BIN` runs
//! another binary (a debug build measures calls and memory alike, not time).
//! Speed and memory are measured here, never asserted in tests.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use emulator::{Background, Config};
use serde_json::Value;

mod common;
use common::{Error, Timed, login, release_binary, run_cli};

/// The demo user's environment, national numbers read as Dutch.
fn demo_env(url: &str, home: &Path) -> Vec<(String, String)> {
    let mut env = common::demo_env(url, home);
    env.push(("CRMCTL_REGION".into(), "NL".into()));
    env
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let list = |flag: &str, default: &[usize]| -> Result<Vec<usize>, Error> {
        match args.iter().position(|a| a == flag) {
            Some(i) => Ok(args
                .get(i + 1)
                .ok_or("a list of sizes")?
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().replace('_', "").parse())
                .collect::<Result<_, _>>()?),
            None => Ok(default.to_vec()),
        }
    };
    let sizes = list("--rows", &[1_000, 100_000, 1_000_000])?;
    let index_sizes = list("--index-rows", &[500_000, 1_000_000])?;
    let records = list("--records", &[200_000])?
        .first()
        .copied()
        .unwrap_or(200_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = release_binary(root)?;
    let dir = tempfile::tempdir()?;
    let mut org = emulator::default_org::default_org_file();
    org.org.api_limit = u64::MAX / 2;
    let emu = Background::start(Config {
        org: Some(org),
        ..Config::default()
    })?;
    let env = demo_env(&emu.base_url, dir.path());
    println!(
        "crmctl bench_scale: {} cores, emulator on 127.0.0.1 (no added latency), binary {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        bin.display()
    );
    println!(
        "{:>9} {:>9} {:<10} {:>9} {:>10} {:>10} {:>12}",
        "rows", "distinct", "mode", "API calls", "wall", "peak RSS", "per-number"
    );
    for n in sizes {
        let (numbers, distinct) = caller_ids(n);
        let file = dir.path().join(format!("calls-{n}.txt"));
        std::fs::write(&file, numbers.join("\n") + "\n")?;
        let file = file.to_string_lossy().into_owned();
        let before = emu.stats().api_calls;
        let Timed {
            wall,
            rss_kb,
            stderr,
        } = run_cli(
            &bin,
            &["lookup", "--file", &file, "-j", "8", "--output", "jsonl"],
            &env,
            true,
        )?;
        let calls = emu.stats().api_calls - before;
        let peers = peers(&stderr);
        println!(
            "{:>9} {:>9} {:<10} {:>9} {:>8.1} s {:>10} {:>12}",
            n,
            distinct,
            "batched",
            calls,
            wall.as_secs_f64(),
            rss_kb.map_or("-".into(), |k| format!("{:.1} MB", k as f64 / 1024.0)),
            peers.map_or("-".into(), |p| p.to_string()),
        );
    }
    if !index_sizes.is_empty() {
        drop(emu);
        index_runs(&bin, dir.path(), records, &index_sizes)?;
    }
    Ok(())
}

/// `--index` against an org of `records` synthetic records.
fn index_runs(bin: &Path, dir: &Path, records: usize, sizes: &[usize]) -> Result<(), Error> {
    let mut org = emulator::default_org::default_org_file();
    org.org.api_limit = u64::MAX / 2;
    let t = Instant::now();
    let emu = Background::start(Config {
        org: Some(org),
        synthetic_records: records,
        ..Config::default()
    })?;
    println!(
        "--index against {records} synthetic records (emulator ready in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    let env = demo_env(&emu.base_url, dir);
    let phones = org_phones(&emu)?;
    for &n in sizes {
        // Half the org's own numbers (as typed), half numbers nobody has.
        let mut numbers: Vec<String> = (0..n)
            .map(|i| {
                if i % 2 == 0 && !phones.is_empty() {
                    phones[(i / 2) % phones.len()].clone()
                } else {
                    format!("+3170{:07}", 3_000_000 + i)
                }
            })
            .collect();
        let mut s: u64 = 0x5eed;
        for k in (1..numbers.len()).rev() {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            numbers.swap(k, (s >> 33) as usize % (k + 1));
        }
        let file = dir.join(format!("index-{n}.txt"));
        std::fs::write(&file, numbers.join("\n") + "\n")?;
        let file = file.to_string_lossy().into_owned();
        let before = emu.stats().api_calls;
        let Timed {
            wall,
            rss_kb: rss,
            stderr,
        } = run_cli(
            bin,
            &["lookup", "--file", &file, "--index", "--output", "jsonl"],
            &env,
            true,
        )?;
        let calls = emu.stats().api_calls - before;
        let timing = stderr
            .lines()
            .find(|l| l.contains("--index:"))
            .unwrap_or("")
            .trim()
            .to_string();
        println!(
            "{:>9} {:>9} {:<10} {:>9} {:>8.1} s {:>10} {:>12}   {timing}",
            n,
            "-",
            "--index",
            calls,
            wall.as_secs_f64(),
            rss.map_or("-".into(), |k| format!("{:.1} MB", k as f64 / 1024.0)),
            n,
        );
        if n == sizes[0] {
            sample(bin, &env, dir, &numbers[..2000.min(numbers.len())])?;
        }
    }
    Ok(())
}

/// The first 2,000 numbers, batched and `--index`: the same outcome and record ids.
fn sample(
    bin: &Path,
    env: &[(String, String)],
    dir: &Path,
    numbers: &[String],
) -> Result<(), Error> {
    let file = dir.join("sample.txt");
    std::fs::write(&file, numbers.join("\n") + "\n")?;
    let file = file.to_string_lossy().into_owned();
    let rows = |extra: &[&str]| -> Result<Vec<Value>, Error> {
        let mut args = vec!["lookup", "--json", "--file", file.as_str(), "-j", "8"];
        args.extend(extra);
        let out = Command::new(bin)
            .args(&args)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .output()?;
        let doc: Value = serde_json::from_slice(&out.stdout)?;
        Ok(doc["data"]["rows"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|r| serde_json::json!([r["status"], r["matches"], r["pops_id"], r["open_cases"]]))
            .collect())
    };
    let (batched, index) = (rows(&[])?, rows(&["--index"])?);
    let differ = batched.iter().zip(&index).filter(|(a, b)| a != b).count();
    println!(
        "{:>9} sample rows: batched and --index differ in {differ} (same outcome and record ids: {})",
        batched.len(),
        differ == 0 && batched.len() == index.len()
    );
    Ok(())
}

/// Up to 50,000 phones of the org's contacts as typed (REST query, paged).
fn org_phones(emu: &Background) -> Result<Vec<String>, Error> {
    let (client, session) = login(emu)?;
    let mut out = Vec::new();
    let (mut page, _) = client
        .query_page(
            &session,
            "60.0",
            "SELECT Phone FROM Contact WHERE Phone != null",
        )
        .map_err(|e| e.to_string())?;
    loop {
        out.extend(
            page.records
                .iter()
                .filter_map(|r| r.phone.as_ref())
                .map(|p| p.for_matching().to_string()),
        );
        match page.next.take() {
            Some(next) if out.len() < 50_000 => {
                page = client
                    .query_more(&session, &next)
                    .map_err(|e| e.to_string())?
                    .0;
            }
            _ => break,
        }
    }
    Ok(out)
}

/// `n` caller ids, about 75% distinct: the org's phones and numbers nobody has, each
/// distinct number once, then repeats of earlier ones, in a fixed shuffled order.
fn caller_ids(n: usize) -> (Vec<String>, usize) {
    let distinct = (n * 753).div_ceil(1000);
    let org = emulator::default_org::default_org_file();
    let mut pool: Vec<String> = Vec::new();
    for object in ["Account", "Contact", "Lead"] {
        for r in org.records.get(object).into_iter().flatten() {
            if let Some(v) = r.get("Phone").and_then(Value::as_str)
                && v.starts_with('+')
                && !pool.iter().any(|p| p == v)
            {
                pool.push(v.to_string());
            }
        }
    }
    pool.truncate(distinct / 4);
    let mut i = 0u64;
    while pool.len() < distinct {
        pool.push(format!("+3170{:07}", 3_000_000 + i));
        i += 1;
    }
    let mut s: u64 = 0x5eed;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        s >> 33
    };
    let mut out = pool.clone();
    while out.len() < n {
        out.push(pool[next() as usize % pool.len()].clone());
    }
    for k in (1..out.len()).rev() {
        out.swap(k, next() as usize % (k + 1));
    }
    (out, distinct)
}

/// The per-number peers' calls from the run's summary on stderr: "N API calls (S saved
/// by batching)" is N + S.
fn peers(stderr: &str) -> Option<u64> {
    let at = stderr.find(" API call")?;
    let calls: u64 = stderr[..at]
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    let rest = &stderr[at..];
    let saved = rest
        .find(" saved by batching")
        .and_then(|end| {
            rest[..end]
                .rsplit(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0u64);
    Some(calls + saved)
}
