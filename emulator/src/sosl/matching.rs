//! Which records a search finds: the phone rule, e-mail and word matching, and
//! running a parsed search over the org.

use std::collections::HashSet;

use super::parser::{Ch, Expr};
use super::{MAX_LIMIT, Scope, Search};
use crate::org::{Org, Record, User, digits};
use crate::schema::{self, FieldType};
use crate::soql::{FieldPath, Selection};

/// Does `pattern` (with wildcards) match `text` exactly?
fn glob(pattern: &[Ch], text: &[char]) -> bool {
    crate::glob::matches(pattern, text, |c| match c {
        Ch::Lit(l) => crate::glob::Piece::Char(*l),
        Ch::AnyOne => crate::glob::Piece::AnyOne,
        Ch::AnyMany => crate::glob::Piece::AnyMany,
    })
}

fn lower(chars: &[Ch]) -> Vec<Ch> {
    chars
        .iter()
        .map(|c| match c {
            Ch::Lit(l) => Ch::Lit(l.to_lowercase().next().unwrap_or(*l)),
            o => *o,
        })
        .collect()
}

/// The phone rule (emulator/README.md): digit-only forms are equal, or equal once
/// the leading 1 of an 11-digit NANP number is dropped; partial matches only with `*`.
pub fn phone_matches(term: &[Ch], stored_digits: &str) -> bool {
    let pattern: Vec<Ch> = term
        .iter()
        .copied()
        .filter(|c| !matches!(c, Ch::Lit(l) if !l.is_ascii_digit()))
        .collect();
    if !pattern.iter().any(|c| matches!(c, Ch::Lit(_))) {
        return false;
    }
    let stored: Vec<char> = stored_digits.chars().collect();
    if glob(&pattern, &stored) {
        return true;
    }
    if stored.len() == 11 && stored[0] == '1' && glob(&pattern, &stored[1..]) {
        return true;
    }
    let plain: Option<String> = pattern
        .iter()
        .map(|c| match c {
            Ch::Lit(l) => Some(*l),
            _ => None,
        })
        .collect();
    matches!(plain, Some(p) if p.len() == 11 && p.starts_with('1') && p[1..] == *stored_digits)
}

fn tokens(text: &str) -> Vec<Vec<char>> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.to_lowercase().chars().collect())
        .collect()
}

/// Splits a term or phrase into word tokens (wildcards stay inside their token).
fn term_tokens(chars: &[Ch]) -> Vec<Vec<Ch>> {
    let mut out = vec![Vec::new()];
    for c in lower(chars) {
        match c {
            Ch::Lit(l) if !l.is_alphanumeric() => out.push(Vec::new()),
            other => out.last_mut().map(|t| t.push(other)).unwrap_or(()),
        }
    }
    out.into_iter().filter(|t| !t.is_empty()).collect()
}

fn text_matches(term: &[Vec<Ch>], text: &str) -> bool {
    let toks = tokens(text);
    !term.is_empty()
        && toks
            .windows(term.len())
            .any(|w| w.iter().zip(term).all(|(t, p)| glob(p, t)))
}

/// A term prepared once per search, so matching a record allocates nothing on the
/// phone path (the hot one: a screen pop per call).
struct CompiledTerm {
    lowered: Vec<Ch>,
    /// Digits without wildcards, for the common exact phone match.
    phone_exact: Option<String>,
    /// Digits with wildcards kept.
    phone_glob: Vec<Ch>,
    has_digits: bool,
    words: Vec<Vec<Ch>>,
    /// Lower-case text when there are no wildcards (exact email match).
    plain_lower: Option<String>,
}

enum Compiled {
    Term(CompiledTerm),
    All(Vec<Compiled>),
    Any(AnyOf),
    AndNot(Box<Compiled>, Vec<Compiled>),
    Nothing,
}

/// An OR of many terms (crmctl batches phone numbers and addresses this way):
/// exact phone digits and exact addresses go in sets, so a record costs a few
/// lookups however many terms are ORed.
struct AnyOf {
    all: Vec<Compiled>,
    phones: HashSet<String>,
    /// The 10-digit tails of 11-digit NANP terms (`14155551212` finds `4155551212`).
    phones_short: HashSet<String>,
    /// Entries of `all` the phone sets do not stand for.
    phone_rest: Vec<usize>,
    emails: HashSet<String>,
    email_rest: Vec<usize>,
}

impl AnyOf {
    fn phone_hit(&self, stored: &str) -> bool {
        !self.phones.is_empty()
            && (self.phones.contains(stored)
                || (stored.len() == 11
                    && stored.starts_with('1')
                    && self.phones.contains(&stored[1..]))
                || (stored.len() == 10
                    && !self.phones_short.is_empty()
                    && self.phones_short.contains(stored)))
    }
}

/// From how many ORed terms exact phones and addresses go into hash sets.
const SET_FROM: usize = 8;

/// The operands of a left- or right-nested chain of one operator, in order,
/// without recursion (a long OR list is a deep tree).
fn chain(e: &Expr, split: fn(&Expr) -> Option<(&Expr, &Expr)>) -> Vec<&Expr> {
    let mut stack = vec![e];
    let mut out = Vec::new();
    while let Some(x) = stack.pop() {
        match split(x) {
            Some((a, b)) => {
                stack.push(b);
                stack.push(a);
            }
            None => out.push(x),
        }
    }
    out
}

fn compile_term(chars: &[Ch]) -> CompiledTerm {
    let phone_glob: Vec<Ch> = chars
        .iter()
        .copied()
        .filter(|c| !matches!(c, Ch::Lit(l) if !l.is_ascii_digit()))
        .collect();
    let phone_exact: Option<String> = phone_glob
        .iter()
        .map(|c| match c {
            Ch::Lit(l) => Some(*l),
            _ => None,
        })
        .collect();
    let lowered = lower(chars);
    let plain_lower: Option<String> = lowered
        .iter()
        .map(|c| match c {
            Ch::Lit(l) => Some(*l),
            _ => None,
        })
        .collect();
    CompiledTerm {
        has_digits: phone_glob.iter().any(|c| matches!(c, Ch::Lit(_))),
        phone_exact,
        phone_glob,
        words: term_tokens(chars),
        lowered,
        plain_lower,
    }
}

fn compile(e: &Expr) -> Compiled {
    match e {
        Expr::Term { chars, .. } => Compiled::Term(compile_term(chars)),
        Expr::NoRows => Compiled::Nothing,
        Expr::And(..) => Compiled::All(
            chain(e, |x| match x {
                Expr::And(a, b) => Some((a, b)),
                _ => None,
            })
            .into_iter()
            .map(compile)
            .collect(),
        ),
        Expr::AndNot(..) => {
            // AndNot(AndNot(a, b), c): a, and neither b nor c.
            let mut negated = Vec::new();
            let mut base = e;
            while let Expr::AndNot(a, b) = base {
                negated.push(compile(b));
                base = a;
            }
            negated.reverse();
            Compiled::AndNot(Box::new(compile(base)), negated)
        }
        Expr::Or(..) => {
            let all: Vec<Compiled> = chain(e, |x| match x {
                Expr::Or(a, b) => Some((a, b)),
                _ => None,
            })
            .into_iter()
            .map(compile)
            .collect();
            let mut any = AnyOf {
                phones: HashSet::new(),
                phones_short: HashSet::new(),
                phone_rest: Vec::new(),
                emails: HashSet::new(),
                email_rest: Vec::new(),
                all: Vec::new(),
            };
            // Hashing costs more than a few string compares: short lists stay
            // term by term (a screen pop's `{"a" OR "b"}`), long ones use sets.
            let sets = all.len() >= SET_FROM;
            for (i, c) in all.iter().enumerate() {
                let term = match c {
                    Compiled::Term(t) if sets => Some(t),
                    _ => None,
                };
                match term.and_then(|t| t.phone_exact.as_ref().filter(|_| t.has_digits)) {
                    Some(d) => {
                        if d.len() == 11 && d.starts_with('1') {
                            any.phones_short.insert(d[1..].to_string());
                        }
                        any.phones.insert(d.clone());
                    }
                    None => any.phone_rest.push(i),
                }
                match term.and_then(|t| t.plain_lower.as_ref()) {
                    Some(p) => {
                        any.emails.insert(p.clone());
                    }
                    None => any.email_rest.push(i),
                }
            }
            any.all = all;
            Compiled::Any(any)
        }
    }
}

impl CompiledTerm {
    fn phone(&self, stored: &str) -> bool {
        if !self.has_digits {
            return false;
        }
        match &self.phone_exact {
            Some(d) => {
                let nanp = |long: &str, short: &str| {
                    long.len() == 11 && long.starts_with('1') && &long[1..] == short
                };
                d == stored || nanp(stored, d) || nanp(d, stored)
            }
            None => phone_matches(&self.phone_glob, stored),
        }
    }

    fn email(&self, value: &str) -> bool {
        match &self.plain_lower {
            Some(p) => value.to_lowercase() == *p,
            None => glob(
                &self.lowered,
                &value.to_lowercase().chars().collect::<Vec<_>>(),
            ),
        }
    }
}

/// The fields of one object a search looks at, resolved once.
struct Scoped<'a> {
    object: &'static str,
    emails: Vec<&'static str>,
    texts: Vec<&'static str>,
    user: &'a User,
    scope: Scope,
}

impl<'a> Scoped<'a> {
    fn new(object: &'static str, scope: Scope, user: &'a User) -> Self {
        let fields = schema::object(object).map(|(_, f)| f).unwrap_or(&[]);
        let visible = |f: &&schema::Field| user.can_see(object, f.name);
        Scoped {
            object,
            emails: fields
                .iter()
                .filter(visible)
                .filter(|f| f.kind == FieldType::Email)
                .map(|f| f.name)
                .collect(),
            texts: fields
                .iter()
                .filter(visible)
                .filter(|f| match scope {
                    Scope::Name => f.name_field,
                    _ => f.kind.is_text(),
                })
                .map(|f| f.name)
                .collect(),
            user,
            scope,
        }
    }

    fn term(&self, rec: &Record, t: &CompiledTerm) -> bool {
        let phone = || {
            rec.phone_digits
                .iter()
                .any(|(f, d)| t.phone(d) && self.user.can_see(self.object, f))
        };
        let email = || {
            self.emails
                .iter()
                .any(|f| rec.get(f).as_str().is_some_and(|v| t.email(v)))
        };
        let words = || {
            self.texts.iter().any(|f| {
                rec.get(f)
                    .as_str()
                    .is_some_and(|v| text_matches(&t.words, v))
            })
        };
        match self.scope {
            Scope::Phone => phone(),
            Scope::Email => email(),
            Scope::Name => words(),
            Scope::All => phone() || email() || words(),
        }
    }

    fn matches(&self, rec: &Record, e: &Compiled) -> bool {
        match e {
            Compiled::Term(t) => self.term(rec, t),
            Compiled::All(list) => list.iter().all(|c| self.matches(rec, c)),
            Compiled::AndNot(base, negated) => {
                self.matches(rec, base) && !negated.iter().any(|c| self.matches(rec, c))
            }
            Compiled::Nothing => false,
            Compiled::Any(any) => match self.scope {
                Scope::Phone => {
                    rec.phone_digits
                        .iter()
                        .any(|(f, d)| any.phone_hit(d) && self.user.can_see(self.object, f))
                        || any
                            .phone_rest
                            .iter()
                            .any(|&i| self.matches(rec, &any.all[i]))
                }
                Scope::Email => {
                    !any.emails.is_empty()
                        && self.emails.iter().any(|f| {
                            rec.get(f)
                                .as_str()
                                .is_some_and(|v| any.emails.contains(&v.to_lowercase()))
                        })
                        || any
                            .email_rest
                            .iter()
                            .any(|&i| self.matches(rec, &any.all[i]))
                }
                Scope::All | Scope::Name => any.all.iter().any(|c| self.matches(rec, c)),
            },
        }
    }
}

/// Runs a search: per object in RETURNING order, the matching records rendered
/// with their selected fields (Id alone when none were given).
pub fn execute(org: &Org, search: &Search, user: &User, version: &str) -> Vec<serde_json::Value> {
    execute_with(org, search, user, version, true)
}

/// The stored digit strings an `IN PHONE FIELDS` search of exact numbers can match
/// (the number, and its NANP form with or without the leading 1); `None` when
/// the search needs a scan (wildcards, other scopes, terms that are not numbers).
fn phone_keys(scope: Scope, e: &Compiled) -> Option<Vec<String>> {
    if scope != Scope::Phone {
        return None;
    }
    let with_nanp = |d: &str, out: &mut Vec<String>| {
        out.push(d.to_string());
        if d.len() == 10 {
            out.push(format!("1{d}"));
        }
        if d.len() == 11 && d.starts_with('1') {
            out.push(d[1..].to_string());
        }
    };
    let mut keys = Vec::new();
    match e {
        Compiled::Term(t) if t.has_digits => with_nanp(t.phone_exact.as_deref()?, &mut keys),
        Compiled::Term(_) | Compiled::Nothing => {}
        Compiled::Any(any) if any.phone_rest.is_empty() => {
            for p in &any.phones {
                with_nanp(p, &mut keys);
            }
            keys.extend(any.phones_short.iter().cloned());
        }
        _ => return None,
    }
    Some(keys)
}

/// `execute`, with the phone index or by scanning every record (the tests check
/// that both give the same rows).
fn execute_with(
    org: &Org,
    search: &Search,
    user: &User,
    version: &str,
    use_index: bool,
) -> Vec<serde_json::Value> {
    let id_only = |object: &'static str| {
        let fields = schema::object(object).map(|(_, f)| f).unwrap_or(&[]);
        Selection {
            fields: vec![FieldPath::own(&fields[0])],
            ..Selection::all_of(object)
        }
    };
    let selections: Vec<Selection> = match &search.returning {
        Some(list) => list
            .iter()
            .map(|s| {
                if s.fields.is_empty() {
                    Selection {
                        limit: s.limit,
                        ..id_only(s.object)
                    }
                } else {
                    s.clone()
                }
            })
            .collect(),
        None => schema::SEARCHABLE.iter().map(|o| id_only(o)).collect(),
    };
    let overall = search.limit.unwrap_or(MAX_LIMIT);
    let n = selections.len().max(1);
    let compiled = compile(&search.expr);
    let mut out = Vec::new();
    for (i, sel) in selections.iter().enumerate() {
        // An overall LIMIT is spread evenly; earlier objects get the remainder.
        let share = if search.limit.is_some() {
            overall / n + usize::from(i < overall % n)
        } else {
            MAX_LIMIT
        };
        let scoped = Scoped::new(sel.object, search.scope, user);
        let all = org.records(sel.object);
        // Exact phone numbers are looked up in the org's phone index; the records
        // it names are then checked as a scan would check them, in store order.
        let picked: Vec<&Record> = match phone_keys(search.scope, &compiled) {
            Some(keys) if use_index => {
                let mut at: Vec<usize> = match org.phone_index(sel.object) {
                    Some(index) => keys
                        .iter()
                        .filter_map(|k| index.get(k))
                        .flatten()
                        .copied()
                        .collect(),
                    None => Vec::new(),
                };
                at.sort_unstable();
                at.dedup();
                at.into_iter()
                    .filter_map(|i| all.get(i))
                    .filter(|r| scoped.matches(r, &compiled))
                    .collect()
            }
            _ => all
                .iter()
                .filter(|r| scoped.matches(r, &compiled))
                .collect(),
        };
        let rows = crate::eval::select(org, sel, picked.into_iter());
        for r in rows.into_iter().take(share) {
            out.push(crate::eval::render(
                org,
                sel.object,
                r,
                &sel.fields,
                version,
            ));
        }
    }
    out.truncate(overall);
    out
}

/// Digits of a stored phone value (re-exported for tests).
pub fn stored_digits(s: &str) -> String {
    digits(s)
}

#[cfg(test)]
mod tests {
    /// The phone index gives exactly the rows a scan gives: numbers in every
    /// form (with and without the NANP 1), OR lists below and above the set
    /// threshold, wildcards, hidden fields, and after writes.
    #[test]
    fn indexed_phone_searches_equal_scans() {
        let mut org =
            crate::org::Org::from_file(crate::default_org::default_org_file()).expect("org");
        crate::synthetic::populate(&mut org, 3000, 7).expect("synthetic");
        let numbers: Vec<String> = ["Account", "Contact", "Lead"]
            .iter()
            .flat_map(|o| org.records(o).iter().step_by(97))
            .flat_map(|r| r.phone_digits.iter().map(|(_, d)| d.clone()))
            .collect();
        let mut queries = vec![
            "FIND {4155551212} IN PHONE FIELDS".to_string(),
            "FIND {14155551212} IN PHONE FIELDS RETURNING Contact(Name), Lead(Name ORDER BY Name DESC)".into(),
            "FIND {\\+1 \\(415\\) 555\\-1212} IN PHONE FIELDS RETURNING Lead(Id WHERE IsConverted = false)".into(),
            "FIND {0201234567} IN PHONE FIELDS".into(),
            "FIND {4155*} IN PHONE FIELDS RETURNING Contact(Id)".into(),
            "FIND {jane} IN PHONE FIELDS".into(),
            "FIND {415 AND 555} IN PHONE FIELDS".into(),
        ];
        for n in &numbers {
            queries.push(format!(
                "FIND {{{n}}} IN PHONE FIELDS RETURNING Account(Id), Contact(Id), Lead(Id)"
            ));
        }
        for chunk in [3usize, 12] {
            for group in numbers.chunks(chunk).take(6) {
                let or = group
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                queries.push(format!("FIND {{{or} OR \"4155551212\"}} IN PHONE FIELDS RETURNING Account(Id), Contact(Name), Lead(Id)"));
            }
        }
        let users = [
            crate::org::User::default(),
            crate::org::User {
                hidden_fields: vec!["Lead.Phone".into(), "Contact.MobilePhone".into()],
                ..Default::default()
            },
        ];
        let check = |org: &crate::org::Org| {
            let mut found = 0;
            for user in &users {
                for q in &queries {
                    let search = crate::sosl::parse(q, user).expect(q);
                    let indexed = super::execute_with(org, &search, user, "60.0", true);
                    let scanned = super::execute_with(org, &search, user, "60.0", false);
                    assert_eq!(indexed, scanned, "{q}");
                    found += indexed.len();
                }
            }
            found
        };
        assert!(check(&org) > numbers.len());
        // After a write the index is rebuilt.
        let id = org.records("Contact")[5].id().to_string();
        let mut change = serde_json::Map::new();
        change.insert("Phone".into(), serde_json::json!("+1 415 555 1212"));
        org.update(&id, change, "2026-12-01T00:00:00.000+0000")
            .expect("update");
        check(&org);
        let gone = org.records("Lead")[3].id().to_string();
        org.delete(&gone);
        check(&org);
    }

    use super::*;

    #[test]
    fn phone_rule() {
        let t = |s: &str| {
            s.chars()
                .map(|c| if c == '*' { Ch::AnyMany } else { Ch::Lit(c) })
                .collect::<Vec<_>>()
        };
        assert!(phone_matches(
            &t("4155551212"),
            &stored_digits("(415) 555-1212")
        ));
        assert!(phone_matches(
            &t("4155551212"),
            &stored_digits("+1 415 555 1212")
        ));
        assert!(phone_matches(
            &t("14155551212"),
            &stored_digits("(415) 555-1212")
        ));
        assert!(!phone_matches(
            &t("5551212"),
            &stored_digits("(415) 555-1212")
        ));
        assert!(phone_matches(
            &t("415555*"),
            &stored_digits("(415) 555-1212")
        ));
        assert!(phone_matches(
            &t("+31201234567"),
            &stored_digits("+31 20 123 4567")
        ));
        assert!(!phone_matches(
            &t("31201234567"),
            &stored_digits("020-1234567")
        ));
        assert!(!phone_matches(&t("jane"), "123"));
    }

    fn lit(s: &str) -> Vec<Ch> {
        s.chars().map(Ch::Lit).collect()
    }

    #[test]
    fn an_or_set_matches_exactly_what_its_terms_match() {
        let mut terms = vec![
            "4155551212",
            "14155550000",
            "31201234567",
            "0201234567",
            "99",
        ];
        // Enough terms for the set path.
        terms.extend(["9000000001"; SET_FROM]);
        let expr = terms
            .iter()
            .map(|t| Expr::Term {
                chars: lit(t),
                phrase: false,
            })
            .reduce(|a, b| Expr::Or(Box::new(a), Box::new(b)))
            .expect("terms");
        let Compiled::Any(any) = compile(&expr) else {
            panic!("an OR chain compiles to a set");
        };
        assert!(any.phone_rest.is_empty());
        let singles: Vec<CompiledTerm> = terms.iter().map(|t| compile_term(&lit(t))).collect();
        // Short lists keep every term to itself.
        let Compiled::Any(short) = compile(&Expr::Or(
            Box::new(Expr::Term {
                chars: lit("4155551212"),
                phrase: false,
            }),
            Box::new(Expr::Term {
                chars: lit("99"),
                phrase: false,
            }),
        )) else {
            panic!("an OR compiles to AnyOf");
        };
        assert!(short.phones.is_empty() && short.phone_rest.len() == 2);
        for stored in [
            "4155551212",
            "14155551212",
            "4155550000",
            "14155550000",
            "31201234567",
            "201234567",
            "0201234567",
            "99",
            "199",
            "5551212",
            "",
        ] {
            let one_by_one = singles.iter().any(|t| t.phone(stored));
            assert_eq!(any.phone_hit(stored), one_by_one, "{stored}");
        }
    }
}
