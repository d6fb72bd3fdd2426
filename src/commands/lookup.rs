//! `crmctl lookup`: the screen pop an agent would see for a caller, an e-mail or a case.

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::connect::{ConnectArgs, sf_error};
use crate::ctx::Ctx;
use crate::error::{CliError, EXIT_NO};
use crate::output::{Printer, Report, sanitize};
use crate::salesforce::CallInfo;
use crate::screenpop::{self, CaseInfo, Match, phone};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Media {
    /// Caller's number (ANI)
    Phone,
    /// Caller's number (ANI), as for phone
    Voicemail,
    /// Case number
    Chat,
    /// E-mail address
    Email,
}

/// Show the screen pop an agent would see for a caller's number, an e-mail or a case
#[derive(Debug, Args)]
#[command(
    long_about = "Show the screen pop an agent would see for a caller's number, an e-mail or a case.\n\n\
For a number (phone and voicemail), crmctl searches Account, Contact and Lead phone fields for \
every form the number may be stored in (international, national with trunk prefix, national \
significant number, 00 prefix), then the open cases of the matched contacts and accounts. For an \
e-mail it searches Contact and Lead e-mail fields; for a case number (chat) it reads the case \
with its contact and account. All matches are listed and the first one pops; no match means \
the agent gets a blank new record. Exit 0 when something matched, 1 when nothing did.",
    after_long_help = "Examples:\n  \
crmctl lookup +31201234567 --username integration@contoso.com\n  \
crmctl lookup 020-1234567 --region NL\n  \
crmctl lookup --email jane.doe@example.com\n  \
crmctl lookup --media chat 00001026 --timings"
)]
pub struct LookupArgs {
    /// The caller's number (ANI); with --media email an address, with --media chat a case number
    #[arg(value_name = "VALUE", required_unless_present_any = ["email", "case"])]
    pub value: Option<String>,

    /// Look up an e-mail address (Contact and Lead e-mail fields)
    #[arg(long, value_name = "ADDRESS", conflicts_with_all = ["value", "case", "media"])]
    pub email: Option<String>,

    /// Look up a case by its case number
    #[arg(long = "case", value_name = "NUMBER", conflicts_with_all = ["value", "media"])]
    pub case: Option<String>,

    /// What kind of interaction the value comes from
    #[arg(long, value_enum, default_value = "phone")]
    pub media: Media,

    /// Country of national numbers, e.g. NL or US [default: $CRMCTL_REGION]
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,

    /// List each round trip and its time
    #[arg(long)]
    pub timings: bool,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// What is looked up, checked locally before any network traffic.
enum Plan {
    Phone {
        input: String,
        forms: phone::PhoneForms,
        sosl: String,
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

fn plan(ctx: &Ctx, args: &LookupArgs) -> Result<Plan, CliError> {
    let term_error = |what: &str, e: crate::salesforce::escape::TermError| {
        CliError::usage(format!("cannot look up this {what}: {e}"))
    };
    if let Some(address) = &args.email {
        let sosl = screenpop::email_search(address).map_err(|e| term_error("e-mail address", e))?;
        return Ok(Plan::Email {
            address: address.trim().to_string(),
            sosl,
        });
    }
    let case_number = args.case.clone().or_else(|| {
        (args.media == Media::Chat)
            .then(|| args.value.clone())
            .flatten()
    });
    if let Some(number) = case_number {
        if number.trim().is_empty() {
            return Err(CliError::usage("the case number is empty"));
        }
        return Ok(Plan::Case {
            soql: screenpop::case_query(&number),
            number: number.trim().to_string(),
        });
    }
    let value = args.value.clone().unwrap_or_default();
    if args.media == Media::Email {
        let sosl = screenpop::email_search(&value).map_err(|e| term_error("e-mail address", e))?;
        return Ok(Plan::Email {
            address: value.trim().to_string(),
            sosl,
        });
    }
    let region = args.region.clone().or_else(|| ctx.env.region.clone());
    let forms = phone::forms(&value, region.as_deref()).map_err(|e| {
        let err = CliError::usage(format!("cannot read `{}` as a phone number: {e}", sanitize::for_terminal(&value)));
        match e {
            phone::PhoneError::NeedsRegion => err.with_hint("pass --region (e.g. --region NL) or set CRMCTL_REGION, or give the number in E.164 form (+31201234567)"),
            _ => err,
        }
    })?;
    let sosl = screenpop::phone_search(&forms.forms).map_err(|e| term_error("number", e))?;
    Ok(Plan::Phone {
        input: value,
        forms,
        sosl,
    })
}

pub struct Timing {
    step: &'static str,
    ms: u128,
    attempts: u32,
}

pub struct LookupReport {
    kind: &'static str,
    value: String,
    searched: Vec<String>,
    matches: Vec<Match>,
    open_cases: Vec<CaseInfo>,
    timings: Vec<Timing>,
    show_timings: bool,
    api_usage: Option<(u64, u64)>,
}

impl LookupReport {
    fn outcome(&self) -> &'static str {
        match self.matches.len() {
            0 => "none",
            1 => "matched",
            _ => "several",
        }
    }

    fn popped(&self) -> Option<&Match> {
        self.matches.first()
    }

    fn popped_cases(&self) -> Vec<CaseInfo> {
        self.popped()
            .map(|p| {
                if p.object == "Case" {
                    Vec::new()
                } else {
                    screenpop::cases_of(p, &self.open_cases)
                }
            })
            .unwrap_or_default()
    }
}

impl Report for LookupReport {
    fn data(&self) -> Value {
        json!({
            "query": {"kind": self.kind, "value": self.value, "searched": self.searched},
            "outcome": self.outcome(),
            "matches": self.matches,
            "pops": self.popped(),
            "pops_open_cases": self.popped_cases(),
            "open_cases": self.open_cases,
            "blank_record": self.matches.is_empty(),
            "timings": self.timings.iter().map(|t| json!({"step": t.step, "ms": t.ms, "attempts": t.attempts})).collect::<Vec<_>>(),
            "api_usage": self.api_usage.map(|(u, m)| json!({"used": u, "max": m})),
        })
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        let s = out.stdout_style();
        let clean = |t: &str| sanitize::for_terminal(t);
        let mut text = String::new();
        let searched = if self.searched.len() > 1 {
            format!(" (searched {})", self.searched.join(", "))
        } else {
            String::new()
        };
        match self.matches.len() {
            0 => text.push_str(&format!(
                "{} no match for {} {}{searched}\n",
                s.error("none:"),
                self.kind,
                clean(&self.value)
            )),
            n => text.push_str(&format!(
                "{} {n} match{} for {} {}{searched}\n",
                s.ok("found:"),
                if n == 1 { "" } else { "es" },
                self.kind,
                clean(&self.value)
            )),
        }
        if !self.matches.is_empty() {
            let rows: Vec<[String; 5]> = self
                .matches
                .iter()
                .map(|m| {
                    let phones = m
                        .phones
                        .iter()
                        .map(|(f, v)| format!("{} ({f})", clean(v)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    [
                        m.object.clone(),
                        clean(&m.name),
                        if phones.is_empty() {
                            "-".into()
                        } else {
                            phones
                        },
                        m.email.as_deref().map(clean).unwrap_or_else(|| "-".into()),
                        m.account_or_company
                            .as_deref()
                            .map(clean)
                            .unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            let header = ["TYPE", "NAME", "PHONES", "EMAIL", "ACCOUNT / COMPANY"];
            let widths: Vec<usize> = (0..5)
                .map(|i| {
                    rows.iter()
                        .map(|r| r[i].chars().count())
                        .chain([header[i].len()])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |cells: [&str; 5]| {
                cells
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}", w = *w))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
                    + "\n"
            };
            text.push_str(&s.bold(&line(header)));
            for r in &rows {
                text.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
            }
        }
        match self.popped() {
            None => {
                text.push_str("pops: a blank new record (the agent creates the customer or case)\n")
            }
            Some(p) => {
                text.push_str(&format!(
                    "{} {} {} ({})\n",
                    s.bold("pops:"),
                    p.object,
                    clean(&p.name),
                    p.id
                ));
                if let Some(c) = &p.case {
                    text.push_str(&format!(
                        "  status: {}, priority: {}, opened {}\n",
                        clean(&c.status),
                        clean(&c.priority),
                        clean(&c.created)
                    ));
                    if let Some(n) = &c.contact_name {
                        text.push_str(&format!("  contact: {}\n", clean(n)));
                    }
                }
                if let Some(a) = &p.account_or_company {
                    text.push_str(&format!(
                        "  {}: {}\n",
                        if p.object == "Lead" {
                            "company"
                        } else {
                            "account"
                        },
                        clean(a)
                    ));
                }
                for (f, v) in &p.phones {
                    text.push_str(&format!("  {f}: {}\n", clean(v)));
                }
                if let Some(e) = &p.email {
                    text.push_str(&format!("  Email: {}\n", clean(e)));
                }
                if p.object != "Case" && p.object != "Lead" {
                    let cases = self.popped_cases();
                    if cases.is_empty() {
                        text.push_str("  open cases: none\n");
                    } else {
                        text.push_str("  open cases:\n");
                        for c in cases {
                            text.push_str(&format!(
                                "    {} {} ({}, {})\n",
                                clean(&c.number),
                                clean(&c.subject),
                                clean(&c.status),
                                clean(&c.priority)
                            ));
                        }
                    }
                }
            }
        }
        if self.show_timings {
            text.push_str("timings:\n");
            for t in &self.timings {
                let retries = if t.attempts > 1 {
                    format!(" ({} attempts)", t.attempts)
                } else {
                    String::new()
                };
                text.push_str(&format!("  {:<8} {:>6} ms{retries}\n", t.step, t.ms));
            }
        }
        out.data(&text)
    }

    fn exit_code(&self) -> u8 {
        if self.matches.is_empty() { EXIT_NO } else { 0 }
    }
}

pub fn run(ctx: &Ctx, args: &LookupArgs) -> Result<Box<dyn Report>, CliError> {
    let version = args.connect.api_version()?;
    let plan = plan(ctx, args)?;
    let creds = args.connect.credentials(ctx)?;
    let client = args.connect.client(ctx)?;
    let session = client.login(&creds).map_err(sf_error)?;
    let mut timings = vec![Timing {
        step: "token",
        ms: session.elapsed.as_millis(),
        attempts: 1,
    }];
    let mut usage = None;
    let mut record = |step: &'static str, info: &CallInfo, timings: &mut Vec<Timing>| {
        timings.push(Timing {
            step,
            ms: info.elapsed.as_millis(),
            attempts: info.attempts,
        });
        usage = info.api_usage.or(usage);
    };
    let (kind, value, searched, records) = match &plan {
        Plan::Phone { input, forms, sosl } => {
            let (v, info) = client.search(&session, &version, sosl).map_err(sf_error)?;
            record("search", &info, &mut timings);
            (
                "number",
                input.clone(),
                forms.forms.clone(),
                screenpop::search_records(&v),
            )
        }
        Plan::Email { address, sosl } => {
            let (v, info) = client.search(&session, &version, sosl).map_err(sf_error)?;
            record("search", &info, &mut timings);
            (
                "e-mail",
                address.clone(),
                vec![address.clone()],
                screenpop::search_records(&v),
            )
        }
        Plan::Case { number, soql } => {
            let (v, info) = client.query(&session, &version, soql).map_err(sf_error)?;
            record("case", &info, &mut timings);
            (
                "case",
                number.clone(),
                vec![number.clone()],
                v["records"].as_array().cloned().unwrap_or_default(),
            )
        }
    };
    let matches: Vec<Match> = records.iter().map(screenpop::to_match).collect();
    let contacts: Vec<String> = matches
        .iter()
        .filter(|m| m.object == "Contact")
        .map(|m| m.id.clone())
        .collect();
    let accounts: Vec<String> = matches
        .iter()
        .filter(|m| m.object == "Account")
        .map(|m| m.id.clone())
        .collect();
    let mut open_cases = Vec::new();
    if let Some(soql) = screenpop::open_cases_query(&contacts, &accounts) {
        let (v, info) = client.query(&session, &version, &soql).map_err(sf_error)?;
        record("cases", &info, &mut timings);
        open_cases = v["records"]
            .as_array()
            .map(|a| a.iter().map(screenpop::case_info).collect())
            .unwrap_or_default();
    }
    Ok(Box::new(LookupReport {
        kind,
        value,
        searched,
        matches,
        open_cases,
        timings,
        show_timings: args.timings,
        api_usage: usage,
    }))
}
