//! One screen-pop lookup: what is searched, and the HTTP round trips that answer it.

use serde::Serialize;

use crate::salesforce::{CallInfo, Client, Session, SfError};

use super::phone::{self, Ani, Note, ReadAs, Region, RegionFrom};
use super::{CaseInfo, Match};

/// What a value means, checked locally before any traffic.
#[derive(Debug, Clone)]
pub enum Plan {
    Phone {
        input: String,
        reading: Reading,
        sosl: String,
    },
    /// The caller withheld the number: nothing to search, the agent gets a blank record.
    Withheld {
        input: String,
    },
    Email {
        address: String,
        sosl: String,
    },
    Case {
        number: String,
        soql: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Phone,
    Email,
    Case,
}

/// Why a value cannot be looked up (a usage problem, found without the network).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    pub message: String,
}

/// Where a region named for national numbers came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionSource {
    Flag,
    Env,
    /// The UCC's DefaultPhoneNumberRegion (the crm-service model of `lookup`).
    Settings,
}

impl RegionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionSource::Flag => "--region",
            RegionSource::Env => "CRMCTL_REGION",
            RegionSource::Settings => "DefaultPhoneNumberRegion",
        }
    }
}

/// The regions national numbers are read in: the one the user named (`--region`, else
/// `CRMCTL_REGION`), else the locale's. Resolved once by the command (env.rs reads the
/// variables), so a plan is a pure function of the value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Regions {
    pub given: Option<(Region, RegionSource)>,
    pub locale: Option<Region>,
}

/// How a caller id was read: what is searched, and what the user should be told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reading {
    /// `international`, `national` or `as_typed`.
    pub read_as: &'static str,
    pub calling_code: Option<u16>,
    /// The region a national number was read in.
    pub region: Option<Region>,
    /// `DefaultPhoneNumberRegion`, `--region`, `CRMCTL_REGION` or `locale`.
    pub region_from: Option<&'static str>,
    /// Why the digits were searched as typed (`no_region`, `not_valid_in_region`, ...).
    pub as_typed: Option<&'static str>,
    pub extension: Option<String>,
    /// The digit strings searched, most specific first.
    #[serde(skip)]
    pub searched: Vec<String>,
    /// Sentences for people (stderr) and `--json`.
    #[serde(skip)]
    pub notes: Vec<String>,
}

impl Reading {
    fn of(ani: Ani, regions: Regions) -> Option<Reading> {
        match ani {
            Ani::Withheld => None,
            Ani::AsTyped {
                digits,
                reason,
                notes,
            } => Some(Reading {
                read_as: "as_typed",
                calling_code: None,
                region: None,
                region_from: None,
                as_typed: Some(reason.code()),
                extension: None,
                searched: vec![digits],
                notes: notes
                    .iter()
                    .map(Note::to_string)
                    .chain([reason.to_string()])
                    .collect(),
            }),
            Ani::Number(n) => {
                let (read_as, calling_code, region, region_from) = match n.read_as {
                    ReadAs::International { calling_code } => {
                        ("international", Some(calling_code), None, None)
                    }
                    ReadAs::National { region, from } => {
                        let from = match (from, regions.given) {
                            (RegionFrom::Given, Some((_, source))) => source.as_str(),
                            _ => "locale",
                        };
                        (
                            "national",
                            Some(region.calling_code()),
                            Some(region),
                            Some(from),
                        )
                    }
                };
                let mut notes = Vec::new();
                // The locale's note says where the region came from; a named one gets its own.
                if let (Some(r), Some(from)) = (region, region_from)
                    && from != "locale"
                {
                    notes.push(format!("read as a national number of {r} (from {from})"));
                }
                notes.extend(n.notes.iter().map(Note::to_string));
                Some(Reading {
                    read_as,
                    calling_code,
                    region,
                    region_from,
                    as_typed: None,
                    extension: n.extension,
                    searched: n.forms.forms,
                    notes,
                })
            }
        }
    }
}

/// The longest e-mail address: 254 characters (RFC 5321, section 4.5.3.1.3: a path of
/// 256 octets, its angle brackets included).
pub const MAX_EMAIL_CHARS: usize = 254;

/// The longest case number: `CaseNumber` is an auto-number string of at most 30
/// characters (Salesforce's Case object reference; salesforce-api.md).
pub const MAX_CASE_CHARS: usize = 30;

/// The longest text read as an e-mail value (a display name and a `mailto:` link
/// around the address included).
const MAX_EMAIL_TEXT_CHARS: usize = 1024;

/// A value as quoted in a message: a long one is cut (it may be 100 KB of digits).
fn quoted(value: &str) -> String {
    const SHOWN: usize = 40;
    let count = value.chars().count();
    if count <= SHOWN {
        return format!("`{value}`");
    }
    let head: String = value.chars().take(SHOWN).collect();
    format!("`{head}...` ({count} characters)")
}

/// What a value means, or why it cannot be searched. Values longer than any real one
/// (a number past E.164, an address past 254 characters) are refused here, so that
/// no request is ever built for them.
pub fn plan(kind: Kind, value: &str, regions: Regions) -> Result<Plan, PlanError> {
    let err = |message: String| PlanError { message };
    match kind {
        Kind::Email => {
            let chars = value.trim().chars().count();
            if chars > MAX_EMAIL_TEXT_CHARS {
                return Err(err(format!(
                    "{chars} characters is longer than any e-mail address (at most {MAX_EMAIL_CHARS})"
                )));
            }
            let address = email_address(value).ok_or_else(|| {
                err(
                    "not an e-mail address (expected name@domain, as a mail header or a \
                     mailto: link gives it)"
                        .into(),
                )
            })?;
            let chars = address.chars().count();
            if chars > MAX_EMAIL_CHARS {
                return Err(err(format!(
                    "the address has {chars} characters: longer than any e-mail address (at most {MAX_EMAIL_CHARS})"
                )));
            }
            let sosl = super::email_search(&address)
                .map_err(|e| err(format!("cannot look up this e-mail address: {e}")))?;
            Ok(Plan::Email { address, sosl })
        }
        Kind::Case => {
            if value.trim().is_empty() {
                return Err(err("the case number is empty".into()));
            }
            let chars = value.trim().chars().count();
            if chars > MAX_CASE_CHARS {
                return Err(err(format!(
                    "{} is not a case number: {chars} characters, and a case number has at most {MAX_CASE_CHARS}",
                    quoted(value.trim())
                )));
            }
            Ok(Plan::Case {
                soql: super::case_query(value),
                number: value.trim().to_string(),
            })
        }
        Kind::Phone => {
            let ani = phone::read_ani(value, regions.given.map(|(r, _)| r), regions.locale)
                .map_err(|e| {
                    err(format!(
                        "cannot read {} as a phone number: {e}",
                        quoted(value)
                    ))
                })?;
            let Some(reading) = Reading::of(ani, regions) else {
                return Ok(Plan::Withheld {
                    input: value.to_string(),
                });
            };
            let sosl = super::phone_search(&reading.searched)
                .map_err(|e| err(format!("cannot look up this number: {e}")))?;
            Ok(Plan::Phone {
                input: value.to_string(),
                reading,
                sosl,
            })
        }
    }
}

impl Plan {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Plan::Phone { .. } | Plan::Withheld { .. } => "number",
            Plan::Email { .. } => "e-mail",
            Plan::Case { .. } => "case",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            Plan::Phone { input, .. } | Plan::Withheld { input } => input,
            Plan::Email { address, .. } => address,
            Plan::Case { number, .. } => number,
        }
    }

    pub fn searched(&self) -> Vec<String> {
        match self {
            Plan::Phone { reading, .. } => reading.searched.clone(),
            Plan::Withheld { .. } => Vec::new(),
            _ => vec![self.value().to_string()],
        }
    }

    /// How a number was read; `None` for e-mail, case and withheld callers.
    pub fn reading(&self) -> Option<&Reading> {
        match self {
            Plan::Phone { reading, .. } => Some(reading),
            _ => None,
        }
    }

    pub fn is_withheld(&self) -> bool {
        matches!(self, Plan::Withheld { .. })
    }
}

/// One round trip of a lookup.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: &'static str,
    pub info: CallInfo,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub matches: Vec<Match>,
    pub open_cases: Vec<CaseInfo>,
    pub steps: Vec<Step>,
}

impl Outcome {
    /// A withheld caller's outcome: nothing searched, nothing found.
    pub fn withheld() -> Outcome {
        Outcome {
            matches: Vec::new(),
            open_cases: Vec::new(),
            steps: Vec::new(),
        }
    }

    pub fn api_usage(&self) -> Option<(u64, u64)> {
        self.steps.iter().rev().find_map(|s| s.info.api_usage)
    }
}

/// The search (or case query), then one query for the open cases of the matched
/// contacts and accounts: two round trips at most. A withheld caller makes none.
pub fn perform(
    client: &Client,
    session: &Session,
    version: &str,
    plan: &Plan,
) -> Result<Outcome, SfError> {
    let mut steps = Vec::new();
    let records = match plan {
        Plan::Withheld { .. } => return Ok(Outcome::withheld()),
        Plan::Phone { sosl, .. } | Plan::Email { sosl, .. } => {
            let (records, info) = client.search(session, version, sosl)?;
            steps.push(Step {
                name: "search",
                info,
            });
            records
        }
        Plan::Case { soql, .. } => {
            let (records, info) = client.query(session, version, soql)?;
            steps.push(Step { name: "case", info });
            records
        }
    };
    let matches: Vec<Match> = records.iter().map(super::to_match).collect();
    let ids = |object: &str| {
        matches
            .iter()
            .filter(|m| m.object == object)
            .map(|m| m.id.for_org_request().to_string())
            .collect::<Vec<_>>()
    };
    // One query, or a few when the matched Ids would make a URL longer than
    // Salesforce takes; merged newest first and capped, as one query would be.
    let mut open_cases: Vec<super::CaseInfo> = Vec::new();
    let queries = super::open_cases_queries(&ids("Contact"), &ids("Account"));
    let several = queries.len() > 1;
    for soql in queries {
        let (records, info) = client.query(session, version, &soql)?;
        steps.push(Step {
            name: "cases",
            info,
        });
        open_cases.extend(records.iter().map(super::case_info));
    }
    if several {
        // CreatedDate is ISO 8601 in one zone: its text orders as its time.
        open_cases.sort_by(|a, b| b.created.cmp(&a.created));
        open_cases.truncate(super::MAX_OPEN_CASES);
    }
    Ok(Outcome {
        matches,
        open_cases,
        steps,
    })
}

/// The address in an e-mail interaction's "from" as platforms hand it over:
/// `jane@x.com`, `Jane Doe <jane@x.com>` or `mailto:jane@x.com?subject=...`. `None`
/// when it is not `local@domain.tld`: searching it could only find nothing.
fn email_address(value: &str) -> Option<String> {
    let mut v = value.trim();
    if let (Some(open), true) = (v.rfind('<'), v.ends_with('>')) {
        v = &v[open + 1..v.len() - 1];
    }
    if v.len() > 7 && v[..7].eq_ignore_ascii_case("mailto:") {
        v = &v[7..];
        v = v.split('?').next().unwrap_or(v);
    }
    let v = v.trim();
    let (local, domain) = v.rsplit_once('@')?;
    let fine = !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    fine.then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_addresses_as_platforms_hand_them_over() {
        for (input, want) in [
            ("jane.doe@example.com", Some("jane.doe@example.com")),
            ("  Jane+vip@Example.com ", Some("Jane+vip@Example.com")),
            (
                "Jane Doe <jane.doe@example.com>",
                Some("jane.doe@example.com"),
            ),
            (
                "mailto:jane.doe@example.com?subject=Hi",
                Some("jane.doe@example.com"),
            ),
            ("MAILTO:jane.doe@example.com", Some("jane.doe@example.com")),
            ("not-an-email", None),
            ("jane@localhost", None),
            ("@example.com", None),
            ("jane@@example.com", None),
            ("jane doe@example.com", None),
            ("", None),
        ] {
            assert_eq!(email_address(input).as_deref(), want, "{input}");
        }
    }

    fn nl() -> Region {
        Region::parse("NL").expect("NL")
    }

    fn reading(plan: &Plan) -> &Reading {
        plan.reading().expect("a number")
    }

    #[test]
    fn a_national_number_without_a_region_is_searched_as_typed_with_the_reason() {
        let plan = super::plan(Kind::Phone, "020-1234567", Regions::default()).expect("plan");
        assert_eq!(plan.searched(), ["0201234567"]);
        let r = reading(&plan);
        assert_eq!((r.read_as, r.as_typed), ("as_typed", Some("no_region")));
        assert_eq!(r.notes.len(), 1);
        assert!(
            r.notes[0].contains("searching the digits as typed"),
            "{r:?}"
        );
        let Plan::Phone { sosl, .. } = &plan else {
            panic!("{plan:?}")
        };
        assert!(
            sosl.starts_with(r#"FIND {"0201234567"} IN PHONE FIELDS"#),
            "{sosl}"
        );
    }

    #[test]
    fn a_named_region_says_where_it_came_from_and_the_locale_says_so_itself() {
        for (source, label) in [
            (RegionSource::Flag, "--region"),
            (RegionSource::Env, "CRMCTL_REGION"),
        ] {
            let regions = Regions {
                given: Some((nl(), source)),
                locale: None,
            };
            let plan = super::plan(Kind::Phone, "020-1234567", regions).expect("plan");
            let r = reading(&plan);
            assert_eq!((r.read_as, r.region_from), ("national", Some(label)));
            assert_eq!(r.region, Some(nl()));
            assert_eq!(
                r.notes,
                [format!("read as a national number of NL (from {label})")]
            );
            assert_eq!(plan.searched()[0], "31201234567");
        }
        let regions = Regions {
            given: None,
            locale: Some(nl()),
        };
        let plan = super::plan(Kind::Phone, "020-1234567", regions).expect("plan");
        let r = reading(&plan);
        assert_eq!(r.region_from, Some("locale"));
        assert_eq!(r.notes.len(), 1, "{r:?}");
        assert!(r.notes[0].contains("region of your locale"), "{r:?}");
    }

    #[test]
    fn withheld_callers_plan_no_search_and_text_without_digits_is_refused() {
        for input in [
            "anonymous",
            "",
            "  ",
            "Restricted",
            "sip:anonymous@anonymous.invalid",
        ] {
            let plan = super::plan(Kind::Phone, input, Regions::default()).expect(input);
            assert!(plan.is_withheld(), "{input:?}: {plan:?}");
            assert!(plan.searched().is_empty());
            assert!(plan.reading().is_none());
        }
        let e = super::plan(Kind::Phone, "call me", Regions::default()).expect_err("no digits");
        assert!(e.message.contains("no digits"), "{e:?}");
    }

    #[test]
    fn extensions_and_dialling_prefixes_become_notes() {
        let plan = super::plan(
            Kind::Phone,
            "tel:+31-20-123-4567;ext=88",
            Regions::default(),
        )
        .expect("plan");
        let r = reading(&plan);
        assert_eq!((r.read_as, r.calling_code), ("international", Some(31)));
        assert_eq!(r.extension.as_deref(), Some("88"));
        assert_eq!(r.notes, ["extension 88 is not searched"]);
        let us = Regions {
            given: Some((Region::parse("US").expect("US"), RegionSource::Flag)),
            locale: None,
        };
        let plan = super::plan(Kind::Phone, "011 31 20 123 4567", us).expect("plan");
        let r = reading(&plan);
        assert_eq!(r.read_as, "international");
        assert_eq!(
            r.notes,
            ["read `011` as the international dialling prefix of US"]
        );
    }

    #[test]
    fn the_longest_real_values_are_planned_and_one_more_is_refused() {
        let none = Regions::default();
        let at = |n: usize| format!("+{}", "1".repeat(n));
        // 20 digits: E.164's 15 after a dialling prefix; searched as typed.
        assert!(super::plan(Kind::Phone, &at(20), none).is_ok());
        let e = super::plan(Kind::Phone, &at(21), none).expect_err("21 digits");
        assert!(e.message.contains("21 digits"), "{e:?}");
        let ext = |n: usize| format!("+31201234567;ext={}", "2".repeat(n));
        assert!(super::plan(Kind::Phone, &ext(20), none).is_ok());
        assert!(super::plan(Kind::Phone, &ext(21), none).is_err());
        // Separators count: 251 characters of text is no caller id.
        let text = |n: usize| format!("+31{}201234567", "-".repeat(n - 12));
        assert!(super::plan(Kind::Phone, &text(250), none).is_ok());
        assert!(super::plan(Kind::Phone, &text(251), none).is_err());
        let mail = |n: usize| format!("{}@example.com", "a".repeat(n - 12));
        assert!(super::plan(Kind::Email, &mail(MAX_EMAIL_CHARS), none).is_ok());
        assert!(super::plan(Kind::Email, &mail(MAX_EMAIL_CHARS + 1), none).is_err());
        let case = |n: usize| "1".repeat(n);
        assert!(super::plan(Kind::Case, &case(MAX_CASE_CHARS), none).is_ok());
        let e = super::plan(Kind::Case, &case(100_000), none).expect_err("long case");
        assert!(
            e.message.len() < 200,
            "the value is cut: {}",
            e.message.len()
        );
    }
}
