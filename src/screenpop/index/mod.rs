//! `lookup --file F --index` (issue 21, item 4): the phone and e-mail fields of the
//! org's accounts, contacts and leads, exported once (Bulk API 2.0 query jobs,
//! [`export`]) into a local index, and every row matched here with the single search's
//! rules, so that a row is the row the batched search gives:
//!
//! - a number's digit forms (`phone::read_ani`) against the digits of every phone
//!   field the user can see (the fields `IN PHONE FIELDS` covers): equal, or equal once
//!   the leading 1 of an 11-digit NANP number is dropped (salesforce-api.md 3.2, the
//!   emulator's rule); an address against Contact and Lead `Email`, ignoring case;
//!   leads only while not converted;
//! - the pop order ([`crate::screenpop::POP_ORDER`]): accounts, contacts, leads, each
//!   by Id;
//! - the open cases: a single lookup's open-cases query takes the 50 newest open cases
//!   of all matched contacts and accounts, and the popped record's are counted.
//!
//! Memory, per 100,000 records of the org (measured by `examples/bench_scale`):
//! the records (Id, name, object) about 5 MB in one text arena, the phone index 20
//! bytes per phone value (twice for an 11-digit NANP value), the e-mail index 20 bytes
//! per address, the open cases 24 bytes each. Nothing of the org's text is kept
//! beyond the Id and name a row shows.

pub mod export;

use std::hash::{BuildHasher, Hash, Hasher};

use super::batch::Input;

/// `Account`, `Contact`, `Lead`: the order of `RETURNING`, the first key of the pop
/// order.
pub const OBJECTS: [&str; 3] = ["Account", "Contact", "Lead"];

/// A stretch of the text arena.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    at: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy)]
struct Rec {
    object: u8,
    id: Span,
    name: Span,
}

#[derive(Debug, Clone, Copy)]
struct OpenCase {
    /// `CreatedDate` as yyyymmddhhmmssSSS.
    created: u64,
    contact: u32,
    account: u32,
}

const NONE: u32 = u32::MAX;

/// What a row finds in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'a> {
    pub matches: usize,
    /// Object, Id and name of the popped record.
    pub pops: Option<(&'static str, &'a str, &'a str)>,
    pub open_cases: usize,
    /// A contact or an account matched (a single lookup then asks for open cases).
    pub contact_or_account: bool,
}

/// The org's records, their phone digits and e-mail addresses, and the open cases.
pub struct Index {
    text: String,
    recs: Vec<Rec>,
    /// (key, record) sorted by key: a phone value's digits, or an address.
    phones: Vec<(u128, u32)>,
    emails: Vec<(u128, u32)>,
    cases: Vec<OpenCase>,
    /// (record, case) sorted: the open cases of a contact or an account.
    cases_of: Vec<(u32, u32)>,
    /// Record indices sorted by Id, to find a case's contact and account.
    by_id: Vec<u32>,
    hasher: std::hash::RandomState,
}

impl Default for Index {
    fn default() -> Self {
        Index {
            text: String::new(),
            recs: Vec::new(),
            phones: Vec::new(),
            emails: Vec::new(),
            cases: Vec::new(),
            cases_of: Vec::new(),
            by_id: Vec::new(),
            hasher: std::hash::RandomState::new(),
        }
    }
}

/// A digit string as a number that keeps its length (`0201` and `201` differ):
/// 10^len + value. `None` past 37 digits (no phone number is that long).
fn digit_key(d: &str) -> Option<u128> {
    if d.is_empty() || d.len() > 37 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u128 = d.parse().ok()?;
    Some(10u128.pow(d.len() as u32) + value)
}

fn range(v: &[(u128, u32)], key: u128) -> impl Iterator<Item = u32> + '_ {
    let start = v.partition_point(|(k, _)| *k < key);
    v[start..]
        .iter()
        .take_while(move |(k, _)| *k == key)
        .map(|(_, r)| *r)
}

impl Index {
    fn put(&mut self, s: &str) -> Span {
        let at = self.text.len() as u32;
        self.text.push_str(s);
        Span {
            at,
            len: s.len() as u32,
        }
    }

    fn get(&self, s: Span) -> &str {
        self.text
            .get(s.at as usize..(s.at + s.len) as usize)
            .unwrap_or("")
    }

    fn email_key(&self, address: &str) -> u128 {
        let lower = address.trim().to_lowercase();
        let h = |salt: u8| {
            let mut h = self.hasher.build_hasher();
            salt.hash(&mut h);
            lower.hash(&mut h);
            h.finish()
        };
        (u128::from(h(1)) << 64) | u128::from(h(2))
    }

    /// Adds a record with the values of its visible phone fields and its e-mail.
    pub fn add_record(
        &mut self,
        object: usize,
        id: &str,
        name: &str,
        phones: &[&str],
        email: Option<&str>,
    ) {
        let r = self.recs.len() as u32;
        let rec = Rec {
            object: object as u8,
            id: self.put(id),
            name: self.put(name),
        };
        self.recs.push(rec);
        for value in phones {
            let d: String = value.chars().filter(char::is_ascii_digit).collect();
            if let Some(k) = digit_key(&d) {
                self.phones.push((k, r));
            }
            // A stored 11-digit NANP number also matches its 10 digits.
            if d.len() == 11
                && d.starts_with('1')
                && let Some(k) = digit_key(&d[1..])
            {
                self.phones.push((k, r));
            }
        }
        if let Some(e) = email.filter(|e| !e.trim().is_empty()) {
            let k = self.email_key(e);
            self.emails.push((k, r));
        }
    }

    /// Sorts what was added; call after the last record and before the cases.
    pub fn seal_records(&mut self) {
        self.phones.sort_unstable();
        self.phones.dedup();
        self.emails.sort_unstable();
        self.emails.dedup();
        let mut by_id: Vec<u32> = (0..self.recs.len() as u32).collect();
        by_id.sort_by(|a, b| {
            self.get(self.recs[*a as usize].id)
                .cmp(self.get(self.recs[*b as usize].id))
        });
        self.by_id = by_id;
        self.text.shrink_to_fit();
        self.recs.shrink_to_fit();
        self.phones.shrink_to_fit();
        self.emails.shrink_to_fit();
    }

    fn record_by_id(&self, id: &str) -> u32 {
        self.by_id
            .binary_search_by(|r| self.get(self.recs[*r as usize].id).cmp(id))
            .map(|i| self.by_id[i])
            .unwrap_or(NONE)
    }

    /// Adds an open case (`CreatedDate` as Salesforce writes it).
    pub fn add_case(&mut self, created: &str, contact_id: &str, account_id: &str) {
        let created: u64 = created
            .chars()
            .filter(char::is_ascii_digit)
            .take(17)
            .collect::<String>()
            .parse()
            .unwrap_or(0);
        let find = |id: &str| {
            if id.is_empty() {
                NONE
            } else {
                self.record_by_id(id)
            }
        };
        let (contact, account) = (find(contact_id), find(account_id));
        if contact == NONE && account == NONE {
            return;
        }
        let c = self.cases.len() as u32;
        self.cases.push(OpenCase {
            created,
            contact,
            account,
        });
        for r in [contact, account] {
            if r != NONE {
                self.cases_of.push((r, c));
            }
        }
    }

    pub fn seal_cases(&mut self) {
        self.cases_of.sort_unstable();
        self.cases_of.dedup();
        self.cases.shrink_to_fit();
        self.cases_of.shrink_to_fit();
    }

    pub fn records(&self) -> usize {
        self.recs.len()
    }

    /// The records a single search for this input finds, in the pop order.
    fn matches(&self, input: &Input) -> Vec<u32> {
        let mut found: Vec<u32> = match input {
            Input::Phone(forms) => {
                let mut v = Vec::new();
                for f in forms.split(' ') {
                    if let Some(k) = digit_key(f) {
                        v.extend(range(&self.phones, k));
                    }
                    // An 11-digit NANP term also matches the stored 10 digits.
                    if f.len() == 11
                        && f.starts_with('1')
                        && let Some(k) = digit_key(&f[1..])
                    {
                        v.extend(range(&self.phones, k));
                    }
                }
                v
            }
            Input::Email(address) => range(&self.emails, self.email_key(address))
                .filter(|r| self.recs[*r as usize].object != 0)
                .collect(),
        };
        found.sort_by(|a, b| {
            let (x, y) = (&self.recs[*a as usize], &self.recs[*b as usize]);
            (x.object, self.get(x.id)).cmp(&(y.object, self.get(y.id)))
        });
        found.dedup();
        found
    }

    /// A row's answer: how many records match, the popped one, and how many of the
    /// single lookup's open cases (the 50 newest of all matched contacts and accounts)
    /// are the popped record's.
    pub fn lookup(&self, input: &Input) -> Hit<'_> {
        let found = self.matches(input);
        let Some(&first) = found.first() else {
            return Hit {
                matches: 0,
                pops: None,
                open_cases: 0,
                contact_or_account: false,
            };
        };
        let mut cases: Vec<u32> = found
            .iter()
            .filter(|r| self.recs[**r as usize].object < 2)
            .flat_map(|r| {
                let start = self.cases_of.partition_point(|(x, _)| x < r);
                self.cases_of[start..]
                    .iter()
                    .take_while(move |(x, _)| x == r)
                    .map(|(_, c)| *c)
            })
            .collect();
        cases.sort_unstable();
        cases.dedup();
        cases.sort_by(|a, b| {
            self.cases[*b as usize]
                .created
                .cmp(&self.cases[*a as usize].created)
                .then(a.cmp(b))
        });
        let open_cases = cases
            .iter()
            .take(super::MAX_OPEN_CASES)
            .filter(|c| {
                let c = &self.cases[**c as usize];
                match self.recs[first as usize].object {
                    0 => c.account == first,
                    1 => c.contact == first,
                    _ => false,
                }
            })
            .count();
        let rec = &self.recs[first as usize];
        Hit {
            contact_or_account: found.iter().any(|r| self.recs[*r as usize].object < 2),
            matches: found.len(),
            pops: Some((
                OBJECTS[rec.object as usize],
                self.get(rec.id),
                self.get(rec.name),
            )),
            open_cases,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let mut ix = Index::default();
        ix.add_record(1, "003B", "Bea", &["+1 (415) 555-1212"], Some("Bea@X.com"));
        ix.add_record(0, "001A", "Acme", &["415-555-1212"], None);
        ix.add_record(1, "003A", "Al", &["020 123 4567"], None);
        ix.add_record(2, "00QA", "Lee", &["+31201234567"], Some("bea@x.com"));
        ix.seal_records();
        ix.add_case("2024-01-02T00:00:00.000Z", "003B", "");
        ix.add_case("2024-01-03T00:00:00.000Z", "", "001A");
        ix.add_case("2024-01-01T00:00:00.000Z", "003Z", "");
        ix.seal_cases();
        ix
    }

    #[test]
    fn numbers_match_by_digits_with_the_nanp_rule_in_the_pop_order() {
        let ix = index();
        let hit = ix.lookup(&Input::phone(&["14155551212", "4155551212"]));
        assert_eq!(hit.matches, 2);
        assert_eq!(hit.pops, Some(("Account", "001A", "Acme")));
        assert_eq!(hit.open_cases, 1);
        // The 10 digits alone find the stored 11-digit value too.
        assert_eq!(ix.lookup(&Input::phone(&["4155551212"])).matches, 2);
        // Leading zeros count: 0201234567 is not 201234567.
        let hit = ix.lookup(&Input::phone(&["201234567"]));
        assert_eq!(hit.matches, 0);
        let hit = ix.lookup(&Input::phone(&["31201234567", "0201234567"]));
        assert_eq!(hit.matches, 2);
        assert_eq!(hit.pops, Some(("Contact", "003A", "Al")));
        assert_eq!(hit.open_cases, 0);
    }

    #[test]
    fn addresses_match_contacts_and_leads_ignoring_case() {
        let ix = index();
        let hit = ix.lookup(&Input::Email("BEA@x.com".into()));
        assert_eq!(hit.matches, 2);
        assert_eq!(hit.pops, Some(("Contact", "003B", "Bea")));
        assert_eq!(hit.open_cases, 1);
    }

    #[test]
    fn the_fifty_newest_cases_of_all_matches_are_counted_for_the_popped_record() {
        let mut ix = Index::default();
        ix.add_record(0, "001A", "Acme", &["5550001"], None);
        ix.add_record(1, "003A", "Al", &["5550001"], None);
        ix.seal_records();
        // 60 newer cases of the contact, then 10 older of the account (popped).
        for i in 0..60 {
            ix.add_case(&format!("2024-02-01T00:00:{:02}.000Z", i), "003A", "");
        }
        for i in 0..10 {
            ix.add_case(&format!("2024-01-01T00:00:{:02}.000Z", i), "", "001A");
        }
        ix.seal_cases();
        let hit = ix.lookup(&Input::phone(&["5550001"]));
        assert_eq!(hit.pops.map(|p| p.1), Some("001A"));
        assert_eq!(
            hit.open_cases, 0,
            "the account's cases are past the 50 newest"
        );
    }

    #[test]
    fn digit_keys_keep_length() {
        assert_ne!(digit_key("0201"), digit_key("201"));
        assert_eq!(digit_key(""), None);
        assert_eq!(digit_key(&"9".repeat(38)), None);
        assert!(digit_key(&"9".repeat(37)).is_some());
    }
}
