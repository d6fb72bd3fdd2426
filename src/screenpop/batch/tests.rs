use super::*;
use crate::screenpop::POP_ORDER;
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq)]
struct Rec {
    object: &'static str,
    id: String,
    phones: Vec<String>,
    /// Searched but not returned (as Contact.Fax is today).
    hidden: Vec<String>,
    email: Option<String>,
}

impl SearchRecord for Rec {
    fn object(&self) -> &str {
        self.object
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn phone_values(&self) -> Vec<&str> {
        self.phones.iter().map(String::as_str).collect()
    }
    fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Case {
    n: usize,
    contact: Option<String>,
    account: Option<String>,
}

impl CaseRecord for Case {
    fn contact_id(&self) -> Option<&str> {
        self.contact.as_deref()
    }
    fn account_id(&self) -> Option<&str> {
        self.account.as_deref()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Error {
    Refused(String),
    Limit,
}

/// An org that reads the engine's SOSL and SOQL back (terms, Id lists, LIMIT),
/// matches phones as the emulator does, and pages cases.
#[derive(Default)]
struct Fake {
    records: Vec<Rec>,
    /// Newest first, as `ORDER BY CreatedDate DESC` gives them.
    cases: Vec<Case>,
    page: usize,
    /// A term that makes any search holding it fail with HTTP 400.
    refuse: Option<String>,
    /// Searches of several terms return their records in reverse (relevance).
    reverse_when_shared: bool,
    /// Calls answered before REQUEST_LIMIT_EXCEEDED.
    limit: Option<usize>,
    log: Mutex<Vec<String>>,
    cursors: Mutex<Vec<Vec<Case>>>,
}

fn terms(sosl: &str) -> Vec<String> {
    let inner = &sosl[sosl.find('{').map_or(0, |i| i + 1)..sosl.find('}').unwrap_or(0)];
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match (c, &mut cur) {
            ('"', None) => cur = Some(String::new()),
            ('"', Some(_)) => out.extend(cur.take()),
            ('\\', Some(t)) => t.extend(chars.next()),
            (c, Some(t)) => t.push(c),
            _ => {}
        }
    }
    out
}

fn ids_after(soql: &str, key: &str) -> Vec<String> {
    let Some(at) = soql.find(key) else {
        return Vec::new();
    };
    let rest = &soql[at + key.len()..];
    rest[..rest.find(')').unwrap_or(0)]
        .split(", ")
        .map(|s| s.trim_matches('\'').to_string())
        .collect()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn phone_match(term: &str, stored: &str) -> bool {
    let nanp =
        |long: &str, short: &str| long.len() == 11 && long.starts_with('1') && &long[1..] == short;
    term == stored || nanp(stored, term) || nanp(term, stored)
}

impl Fake {
    fn call(&self, what: String) -> Result<(), Error> {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if self.limit.is_some_and(|l| log.len() >= l) {
            return Err(Error::Limit);
        }
        log.push(what);
        Ok(())
    }

    fn calls(&self) -> Vec<String> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn paged(&self, rows: Vec<Case>, offset: usize) -> Page<Case> {
        if rows.len() <= offset + self.page {
            return Page {
                records: rows[offset.min(rows.len())..].to_vec(),
                next: None,
            };
        }
        let mut cursors = self.cursors.lock().unwrap_or_else(|e| e.into_inner());
        cursors.push(rows.clone());
        Page {
            records: rows[offset..offset + self.page].to_vec(),
            next: Some(format!(
                "/services/data/v60.0/query/{}-{}",
                cursors.len() - 1,
                offset + self.page
            )),
        }
    }
}

impl Org for Fake {
    type Record = Rec;
    type Case = Case;
    type Error = Error;

    fn search(&self, sosl: &str) -> Result<Vec<Rec>, Error> {
        self.call(sosl.to_string())?;
        let terms = terms(sosl);
        if let Some(bad) = &self.refuse
            && terms.contains(bad)
        {
            return Err(Error::Refused(bad.clone()));
        }
        let email = sosl.contains("IN EMAIL FIELDS");
        let mut found: Vec<Rec> = self
            .records
            .iter()
            .filter(|r| {
                terms.iter().any(|t| {
                    if email {
                        r.email.as_deref().map(str::to_lowercase) == Some(t.to_lowercase())
                    } else {
                        r.phones
                            .iter()
                            .chain(&r.hidden)
                            .any(|p| phone_match(&digits(t), &digits(p)))
                    }
                })
            })
            .cloned()
            .collect();
        // Relevance (here: reversed when the search is shared) unless each object's
        // records are ordered explicitly, as the engine's searches do.
        if sosl.matches(POP_ORDER).count() >= 2 {
            let rank = |o: &str| ["Account", "Contact", "Lead"].iter().position(|x| *x == o);
            found.sort_by(|a, b| (rank(a.object), &a.id).cmp(&(rank(b.object), &b.id)));
        } else if self.reverse_when_shared && terms.len() > 4 {
            found.reverse();
        }
        Ok(found)
    }

    fn query(&self, soql: &str) -> Result<Page<Case>, Error> {
        self.call(soql.to_string())?;
        let (c, a) = (
            ids_after(soql, "ContactId IN ("),
            ids_after(soql, "AccountId IN ("),
        );
        let mut rows: Vec<Case> = self
            .cases
            .iter()
            .filter(|x| {
                x.contact.as_ref().is_some_and(|i| c.contains(i))
                    || x.account.as_ref().is_some_and(|i| a.contains(i))
            })
            .cloned()
            .collect();
        if soql.ends_with(" LIMIT 50") {
            rows.truncate(50);
        }
        Ok(self.paged(rows, 0))
    }

    fn query_more(&self, next: &str) -> Result<Page<Case>, Error> {
        self.call(next.to_string())?;
        let tail = next.rsplit('/').next().unwrap_or("");
        let (cursor, offset) = tail.split_once('-').unwrap_or(("0", "0"));
        let rows = self
            .cursors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(cursor.parse::<usize>().unwrap_or(0))
            .cloned()
            .unwrap_or_default();
        Ok(self.paged(rows, offset.parse().unwrap_or(0)))
    }

    fn classify(&self, e: &Error) -> ErrorClass {
        match e {
            Error::Refused(_) => ErrorClass::Split,
            Error::Limit => ErrorClass::Stop,
        }
    }
}

fn rec(object: &'static str, id: &str, phones: &[&str], email: Option<&str>) -> Rec {
    Rec {
        object,
        id: id.into(),
        phones: phones.iter().map(|p| p.to_string()).collect(),
        hidden: Vec::new(),
        email: email.map(str::to_string),
    }
}

fn case(n: usize, contact: Option<&str>, account: Option<&str>) -> Case {
    Case {
        n,
        contact: contact.map(str::to_string),
        account: account.map(str::to_string),
    }
}

/// Dutch numbers as `phone::read_ani` gives them.
fn nl(nsn: &str) -> Input {
    Input::phone(&[
        format!("31{nsn}"),
        format!("0{nsn}"),
        nsn.to_string(),
        format!("0031{nsn}"),
    ])
}

fn us(nsn: &str) -> Input {
    Input::phone(&[format!("1{nsn}"), nsn.to_string(), format!("001{nsn}")])
}

fn org() -> Fake {
    let mut records = vec![
        rec("Account", "001A", &["+31 20 123 4567"], None),
        rec(
            "Contact",
            "003P",
            &["020-1234567", "06-12345678"],
            Some("pieter@example.nl"),
        ),
        rec(
            "Contact",
            "003J",
            &["(415) 555-1212"],
            Some("jane@example.com"),
        ),
        rec(
            "Lead",
            "00QJ",
            &["+1 415 555 1212"],
            Some("JANE@example.com"),
        ),
        rec("Account", "001G", &["+44 20 7946 0958"], None),
    ];
    for i in 0..60 {
        records.push(rec(
            "Contact",
            &format!("003F{i}"),
            &[&format!("010-{:07}", 1000 + i)],
            Some(&format!("filler{i}@example.nl")),
        ));
    }
    let mut cases = Vec::new();
    for n in 0..130 {
        cases.push(case(n, Some("003P"), Some("001A")));
        if n % 3 == 0 {
            cases.push(case(1000 + n, Some("003J"), None));
        }
        if n % 7 == 0 {
            cases.push(case(2000 + n, Some(&format!("003F{}", n % 60)), None));
        }
    }
    Fake {
        records,
        cases,
        // Over the 50 of a single lookup's LIMIT (Salesforce pages by 200 at least),
        // under the pools of several rows.
        page: 60,
        ..Fake::default()
    }
}

fn inputs() -> Vec<Input> {
    let mut v = vec![
        nl("201234567"),
        us("4155551212"),
        nl("612345678"),
        nl("201234567"),
        Input::Email("jane@example.com".into()),
        us("9995550000"),
        Input::Email("Pieter@Example.NL".into()),
        Input::Email("nobody@example.org".into()),
    ];
    for i in 0..60 {
        v.push(nl(&format!("10{:07}", 1000 + i)));
        if i % 5 == 0 {
            v.push(Input::Email(format!("filler{i}@example.nl")));
        }
    }
    v
}

type Row = Outcome<Rec, Case, Error>;

fn answers(org: &Fake, inputs: &[Input], config: &BatchConfig) -> (Vec<Row>, Counters) {
    let mut rows = Vec::new();
    let counters = run(org, inputs, config, |d| {
        assert_eq!(d.index, rows.len(), "rows in input order");
        rows.push(d.outcome);
    });
    (rows, counters)
}

fn config(batch_size: usize) -> BatchConfig {
    BatchConfig {
        batch_size,
        concurrency: 3,
        ..BatchConfig::default()
    }
}

/// Asserts batched answers equal one lookup per row, and returns the counters of
/// the batched run.
fn same_as_single(org: Fake, inputs: &[Input], config: &BatchConfig) -> (Fake, Counters) {
    let (single, per_row) = answers(&org, inputs, &BatchConfig::from_flags(None, true, 2));
    assert_eq!(per_row.api_calls(), per_row.one_per_row, "{per_row:?}");
    let before = org.calls().len();
    let (batched, counters) = answers(&org, inputs, config);
    assert_eq!(org.calls().len() - before, counters.api_calls() as usize);
    for (i, (b, s)) in batched.iter().zip(&single).enumerate() {
        assert_eq!(b, s, "row {i}");
    }
    assert_eq!(batched.len(), inputs.len());
    assert_eq!(counters.one_per_row, per_row.one_per_row);
    (org, counters)
}

#[test]
fn batched_answers_equal_single_lookups_in_a_few_calls() {
    let inputs = inputs();
    let (org, c) = same_as_single(org(), &inputs, &config(50));
    assert!(
        c.api_calls() * 10 <= c.one_per_row,
        "{c:?}; {} rows cost {} one by one",
        inputs.len(),
        c.one_per_row
    );
    // Rows with several matches are not searched again alone: twice one by one
    // (the duplicate +31 20 123 4567 row), never batched.
    let alone = phone_forms_search(&nl("201234567"));
    assert_eq!(org.calls().iter().filter(|s| **s == alone).count(), 2);
}

fn phone_forms_search(input: &Input) -> String {
    input.alone().expect("sosl")
}

#[test]
fn several_matches_take_the_order_of_their_own_search() {
    let mut fake = org();
    fake.reverse_when_shared = true;
    let inputs = inputs();
    let (_, c) = same_as_single(fake, &inputs, &config(50));
    // No row is searched again alone: one search per batch and per split half.
    assert!(c.searches <= c.batches + 2 * c.splits, "{c:?}");
}

#[test]
fn every_search_orders_each_object_explicitly() {
    for input in inputs() {
        let sosl = input.alone().expect("sosl");
        let objects = sosl.matches("Contact(").count() + sosl.matches("Lead(").count();
        let objects = objects + sosl.matches("Account(").count();
        assert_eq!(sosl.matches(POP_ORDER).count(), objects, "{sosl}");
    }
}

#[test]
fn batches_come_in_input_order_and_a_rare_kind_does_not_wait_for_the_end() {
    let mut inputs = vec![Input::Email("a@example.com".into())];
    inputs.extend((0..300).map(|i| nl(&format!("20{:07}", i))));
    inputs.push(Input::Email("b@example.com".into()));
    let valid = vec![true; inputs.len()];
    let batches = plan_batches(&inputs, &valid, &config(50));
    assert_eq!(batches[0], vec![0], "closed once 200 numbers went by");
    assert!(batches.windows(2).all(|w| w[0][0] < w[1][0]));
    assert_eq!(batches.last(), Some(&vec![301]));
    assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), inputs.len());
}

#[test]
fn a_full_search_splits_the_batch() {
    let cfg = BatchConfig {
        row_cap: 4,
        ..config(50)
    };
    let (_, c) = same_as_single(org(), &inputs(), &cfg);
    assert!(c.splits >= 1, "{c:?}");
}

#[test]
fn a_record_no_row_can_claim_splits_down_to_its_row() {
    let mut fake = org();
    fake.records.push(Rec {
        hidden: vec!["070-5550101".into()],
        ..rec("Contact", "003X", &["+31 70 555 0199"], None)
    });
    let mut inputs = inputs();
    inputs.insert(3, nl("705550101"));
    let (_, c) = same_as_single(fake, &inputs, &config(50));
    assert!(c.splits >= 3, "{c:?}");
}

#[test]
fn a_leading_one_near_match_splits_rather_than_guess() {
    // A German 11-digit national number that starts with 1, next to the NANP
    // number the emulator's rule equates with its last ten digits.
    let mut fake = org();
    fake.records.push(rec(
        "Contact",
        "003N",
        &["6175550123"],
        Some("n@example.com"),
    ));
    let de = Input::phone(&[
        "4916175550123",
        "016175550123",
        "16175550123",
        "004916175550123",
    ]);
    let mut inputs = inputs();
    inputs.insert(2, us("6175550123"));
    inputs.insert(5, de);
    let (_, c) = same_as_single(fake, &inputs, &config(50));
    // The suspect alone, the rest together: no halving.
    assert_eq!(c.splits, 1, "{c:?}");
}

#[test]
fn a_refused_term_fails_only_its_own_row() {
    let mut fake = org();
    fake.refuse = Some("0100001007".into());
    let inputs = inputs();
    let (_, c) = same_as_single(fake, &inputs, &config(50));
    assert!(c.splits >= 3, "{c:?}");
    let fake = Fake {
        refuse: Some("0100001007".into()),
        ..org()
    };
    let (rows, _) = answers(&fake, &inputs, &config(50));
    let failed: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r, Outcome::Failed(_)))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(inputs[failed[0]], nl("100001007"));
}

#[test]
fn the_request_limit_stops_the_run_and_later_rows_are_not_run() {
    let fake = Fake {
        limit: Some(2),
        ..org()
    };
    let cfg = BatchConfig {
        concurrency: 1,
        ..config(10)
    };
    let inputs: Vec<Input> = (0..30).map(|i| nl(&format!("10{:07}", 1000 + i))).collect();
    let (rows, c) = answers(&fake, &inputs, &cfg);
    assert_eq!(c.api_calls(), 3, "two answered, one refused: {c:?}");
    assert!(rows[..10].iter().all(|r| matches!(r, Outcome::Found(_))));
    assert!(
        rows[10..20]
            .iter()
            .all(|r| *r == Outcome::Failed(Error::Limit))
    );
    assert!(rows[20..].iter().all(|r| *r == Outcome::NotRun));
}

#[test]
fn open_cases_are_paged_and_capped_per_row() {
    let fake = org();
    let inputs = vec![nl("101001000"), nl("201234567"), us("4155551212")];
    let (rows, c) = answers(&fake, &inputs, &config(50));
    let Outcome::Found(pieter) = &rows[1] else {
        panic!("{:?}", rows[1])
    };
    assert_eq!(pieter.open_cases.len(), MAX_OPEN_CASES);
    assert_eq!(pieter.open_cases[0].n, 0, "newest first");
    let Outcome::Found(jane) = &rows[2] else {
        panic!("{:?}", rows[2])
    };
    assert_eq!(jane.open_cases.len(), 44);
    // One pool query and its pages, stopped once every row had its cases.
    let pages = fake
        .calls()
        .iter()
        .filter(|s| s.starts_with("/services/data/"))
        .count();
    assert!(pages >= 1 && c.case_queries as usize == 1 + pages, "{c:?}");
    same_as_single(org(), &inputs, &config(50));
}

#[test]
fn case_queries_hold_at_most_max_case_ids() {
    let cfg = BatchConfig {
        max_case_ids: 3,
        ..config(50)
    };
    let (org, c) = same_as_single(org(), &inputs(), &cfg);
    let pools: Vec<String> = org
        .calls()
        .into_iter()
        .filter(|q| q.starts_with("SELECT") && !q.ends_with(" LIMIT 50"))
        .collect();
    assert!(pools.len() >= 3, "{c:?}");
    for q in pools {
        assert!(q.matches("'").count() <= 2 * 3, "{q}");
    }
}

#[test]
fn every_search_stays_within_the_character_limit() {
    let long: Vec<Input> = (0..120)
        .map(|i| Input::Email(format!("{}{i}@example.com", "x".repeat(180))))
        .chain((0..300).map(|i| nl(&format!("6{:08}", i * 7919))))
        .collect();
    let fake = org();
    let (_, c) = answers(&fake, &long, &BatchConfig::default());
    let searches: Vec<String> = fake
        .calls()
        .into_iter()
        .filter(|s| s.starts_with("FIND"))
        .collect();
    assert_eq!(searches.len() as u64, c.searches);
    assert!(
        searches
            .iter()
            .all(|s| s.chars().count() <= SEARCH_CHAR_LIMIT)
    );
    // E-mail batches end at the limit, not at 50 rows.
    let mut emails: Vec<usize> = searches
        .iter()
        .filter(|s| s.contains("IN EMAIL FIELDS"))
        .map(|s| s.chars().count())
        .collect();
    emails.sort_unstable();
    assert!(
        emails[1..].iter().all(|n| *n > SEARCH_CHAR_LIMIT - 250),
        "{emails:?}"
    );
    assert!(c.searches <= 14, "{c:?}");
}

#[test]
fn a_row_alone_sends_the_single_lookup_queries() {
    let forms = ["31201234567", "0201234567"];
    assert_eq!(
        search_for(Kind::Phone, &forms).expect("sosl"),
        super::super::phone_search(&forms.map(String::from)).expect("sosl")
    );
    assert_eq!(
        search_for(Kind::Email, &["noor+vip@example.be"]).expect("sosl"),
        email_search("noor+vip@example.be").expect("sosl")
    );
    let (c, a) = (vec!["003A".to_string()], vec!["001B".to_string()]);
    let pool = pool_query(&c, &a).expect("the single query ends in its LIMIT");
    assert_eq!(
        format!("{pool} LIMIT {MAX_OPEN_CASES}"),
        open_cases_query(&c, &a).expect("query")
    );
    let fake = org();
    let (_, counters) = answers(&fake, &[nl("201234567")], &config(50));
    assert_eq!(
        fake.calls(),
        [
            nl("201234567").alone().expect("sosl"),
            open_cases_query(&["003P".into()], &["001A".into()]).expect("q")
        ]
    );
    assert_eq!(counters.saved(), 0);
}

#[test]
fn terms_a_search_cannot_hold_are_invalid_rows() {
    let fake = org();
    let (rows, c) = answers(
        &fake,
        &[Input::Email("x".into()), nl("201234567")],
        &config(50),
    );
    assert_eq!(rows[0], Outcome::Invalid(TermError::TooShort));
    assert!(matches!(rows[1], Outcome::Found(_)));
    assert_eq!(c.searches, 1);
}

#[test]
fn flags_map_onto_the_config() {
    assert_eq!(BatchConfig::from_flags(None, false, 8).batch_size, 100);
    assert_eq!(BatchConfig::from_flags(Some(20), false, 8).batch_size, 20);
    assert_eq!(BatchConfig::from_flags(Some(0), false, 8).batch_size, 1);
    assert!(!BatchConfig::from_flags(Some(20), true, 8).is_batching());
    assert_eq!(BatchConfig::from_flags(None, false, 0).concurrency, 1);
}
