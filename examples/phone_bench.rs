//! What reading a caller's number costs: `cargo run --release --example phone_bench`.
//!
//! For each input it prints the cold cost (the first parse in a fresh process, measured in a
//! child process so no earlier parse warmed anything) and the warm cost (median per parse over
//! many), plus how many metadata regexes the parse had to run. For comparison it also times
//! planning an e-mail lookup, the cheapest lookup there is.

use std::process::Command;
use std::time::{Duration, Instant};

use crmctl::screenpop::lookup::{self, Kind};
use crmctl::screenpop::phone::{self, Region};

const CASES: &[(&str, &str, Option<&str>)] = &[
    ("+31 E.164", "+31 20 123 4567", None),
    ("+1 E.164", "+1 415 555 1212", None),
    ("+44 E.164", "+44 7700 900123", None),
    ("national NL", "020-1234567", Some("NL")),
    ("national AU", "0412 345 678", Some("AU")),
    (
        "SIP URI",
        "sip:+31201234567@pbx.example.com;user=phone",
        None,
    ),
    ("tel URI + ext", "tel:+1-415-555-1212;ext=12", None),
    ("011 from US", "011 31 20 123 4567", Some("US")),
    // A region whose national prefix rule is a real pattern: the lazily compiled fallback.
    ("national BR", "0 21 2345-6789", Some("BR")),
];

fn parse_once(input: &str, region: Option<&str>) -> Duration {
    let region = region.map(|r| Region::parse(r).expect("region"));
    let start = Instant::now();
    let ani = phone::read_ani(std::hint::black_box(input), region, None);
    let took = start.elapsed();
    assert!(matches!(ani, Ok(phone::Ani::Number(_))), "{input}: {ani:?}");
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Child mode: one cold parse, printed in nanoseconds.
    if args.get(1).map(String::as_str) == Some("--cold") {
        let (input, region) = (&args[2], args.get(3).map(String::as_str));
        println!("{}", parse_once(input, region).as_nanos());
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("phone parse cost ({cores} cores; cold = median of 15 fresh processes)");
    println!(
        "{:<16} {:>10} {:>10} {:>8}",
        "input", "cold µs", "warm µs", "regexes"
    );
    let exe = std::env::current_exe().expect("current exe");
    for (name, input, region) in CASES {
        let cold: Vec<Duration> = (0..15)
            .map(|_| {
                let mut cmd = Command::new(&exe);
                cmd.arg("--cold").arg(input);
                if let Some(r) = region {
                    cmd.arg(r);
                }
                let out = cmd.output().expect("child");
                let ns: u64 = String::from_utf8_lossy(&out.stdout)
                    .trim()
                    .parse()
                    .expect("child output");
                Duration::from_nanos(ns)
            })
            .collect();
        let before = phone::regex_runs();
        parse_once(input, *region);
        let regexes = phone::regex_runs() - before;
        let warm: Vec<Duration> = (0..2000).map(|_| parse_once(input, *region)).collect();
        println!(
            "{:<16} {:>10.1} {:>10.2} {:>8}",
            name,
            median(cold).as_secs_f64() * 1e6,
            median(warm).as_secs_f64() * 1e6,
            regexes
        );
    }
    // The lookup plans themselves (number vs e-mail), warm.
    let plan = |kind, value: &str, regions: lookup::Regions| {
        median(
            (0..2000)
                .map(|_| {
                    let start = Instant::now();
                    let p = lookup::plan(kind, std::hint::black_box(value), regions);
                    let took = start.elapsed();
                    assert!(p.is_ok());
                    took
                })
                .collect(),
        )
    };
    println!(
        "plan, warm µs: number {:.2}, e-mail {:.2}",
        plan(Kind::Phone, "+31 20 123 4567", Default::default()).as_secs_f64() * 1e6,
        plan(Kind::Email, "jan@example.com", Default::default()).as_secs_f64() * 1e6
    );
}
