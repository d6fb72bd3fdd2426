//! `crmctl lookup`: the screen pop an agent would see for a caller, an e-mail or a case.

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::connect::{ConnectArgs, SettingsArgs, sf_error};
use crate::ctx::Ctx;
use crate::error::{CliError, EXIT_NO};
use crate::output::{OrgText, Printer, Report};

use crate::screenpop::lookup::{self, Kind, Plan, Reading, RegionSource};
use crate::screenpop::phone::Region;
use crate::screenpop::{self, CaseInfo, Match, bulk};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// One JSON object a line
    Jsonl,
    /// A header, then one row a line
    Csv,
}

/// Show the screen pop an agent would see for a caller's number, an e-mail or a case
#[derive(Debug, Args)]
#[command(
    long_about = "Show the screen pop an agent would see for a caller's number, an e-mail or a case.\n\n\
For a number (phone and voicemail), crmctl searches Account, Contact and Lead phone fields for \
every form the number may be stored in (international, national with trunk prefix, national \
significant number, 00 prefix), then the open cases of the matched contacts and accounts. A \
caller id may come as a SIP or tel URI, with an extension or the region's international \
dialling prefix. A national number is read in --region, else CRMCTL_REGION, else the region of \
the locale (LC_ALL, LC_MESSAGES, LANG); with none its digits are searched as typed, and a note \
says so. A withheld caller (anonymous, restricted, empty, ...) pops a blank record and nothing \
is searched. For an e-mail it searches Contact and Lead e-mail fields; for a case number (chat) \
it reads the case with its contact and account. All matches are listed and the first one pops; \
no match means the agent gets a blank new record. Exit 0 when something matched, 1 when nothing \
did or the caller was withheld.",
    after_long_help = "Examples:\n  \
crmctl lookup +31201234567 --username integration@contoso.com\n  \
crmctl lookup 020-1234567 --region NL\n  \
crmctl lookup --email jane.doe@example.com\n  \
crmctl lookup --media chat 00001026 --timings\n  \
crmctl lookup +31201234567 --log --duration 184 --interaction-id 7f3a-22 --disposition Resolved\n  \
crmctl lookup --file calls.csv --column ANI --region NL -j 8 --output csv > pops.csv"
)]
pub struct LookupArgs {
    /// The caller's number (ANI); with --media email an address, with --media chat a case number
    #[arg(value_name = "VALUE", required_unless_present_any = ["email", "case", "file"])]
    pub value: Option<String>,

    /// Look up an e-mail address (Contact and Lead e-mail fields)
    #[arg(long, value_name = "ADDRESS", conflicts_with_all = ["value", "case", "media"])]
    pub email: Option<String>,

    /// Look up a case by its case number
    #[arg(long = "case", value_name = "NUMBER", conflicts_with_all = ["value", "media"])]
    pub case: Option<String>,

    /// Look up every value of a file (one a line, or a CSV column with --column); - is stdin
    #[arg(long, value_name = "FILE", conflicts_with_all = ["value", "email", "case", "timings"])]
    pub file: Option<std::path::PathBuf>,

    /// With --file: the CSV column holding the values
    #[arg(long, value_name = "NAME", requires = "file")]
    pub column: Option<String>,

    /// With --file: lookups in flight at once (batched: batches in flight)
    #[arg(short = 'j', long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// With --file: numbers or addresses per search, 1 to 200 [default: 100; a search also stops at 4,000 characters, about 60 numbers]; case numbers are looked up one at a time
    #[arg(long, value_name = "N", requires = "file", conflicts_with = "no_batch",
          value_parser = clap::value_parser!(u16).range(1..=200))]
    pub batch_size: Option<u16>,

    /// With --file: one search per row, as single lookups do (same as --batch-size 1)
    #[arg(long, requires = "file")]
    pub no_batch: bool,

    /// With --file: export the org's phones and addresses (Bulk API 2.0 query jobs, about 15 API calls) and match every row locally; for files larger than the org's daily API requests allow searching
    #[arg(long, requires = "file", conflicts_with_all = ["no_batch", "batch_size", "log"])]
    pub index: bool,

    /// With --file: the format of the result rows on stdout [default: jsonl]; not with --json
    #[arg(long, value_enum, requires = "file")]
    pub output: Option<Output>,

    /// What kind of interaction the value comes from
    #[arg(long, value_enum, default_value = "phone")]
    pub media: Media,

    /// Country of national numbers, e.g. NL or US [default: $CRMCTL_REGION, else the locale's]
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,

    /// List each round trip and its time
    #[arg(long)]
    pub timings: bool,

    #[command(flatten)]
    pub from: SettingsArgs,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten, next_help_heading = "Auto log")]
    pub log: super::lookup_log::LogArgs,
}

fn kind(args: &LookupArgs) -> Kind {
    if args.email.is_some() || args.media == Media::Email {
        Kind::Email
    } else if args.case.is_some() || args.media == Media::Chat {
        Kind::Case
    } else {
        Kind::Phone
    }
}

/// The regions national numbers are read in: `--region`, else `CRMCTL_REGION`, else the
/// locale's. A bad `--region` is a usage error (2), a bad `CRMCTL_REGION` a configuration
/// error (3). Only numbers need a region, so an e-mail or case lookup never fails here.
pub(crate) fn regions(
    ctx: &Ctx,
    flag: Option<&str>,
    kind: Kind,
) -> Result<lookup::Regions, CliError> {
    if kind != Kind::Phone {
        return Ok(lookup::Regions::default());
    }
    let given = match (flag, ctx.env.region.as_deref()) {
        (Some(code), _) => Some((
            Region::parse(code).map_err(|e| {
                CliError::usage(format!("--region: {e}"))
                    .with_hint("give a two-letter country code, e.g. --region NL")
            })?,
            RegionSource::Flag,
        )),
        (None, Some(code)) => Some((
            Region::parse(code).map_err(|e| {
                CliError::input(format!("{}: {e}", crate::env::names::REGION))
                    .with_hint("set it to a two-letter country code such as NL, or unset it")
            })?,
            RegionSource::Env,
        )),
        (None, None) => None,
    };
    Ok(lookup::Regions {
        given,
        locale: ctx.env.locale.as_deref().and_then(Region::from_locale),
    })
}

fn value(args: &LookupArgs) -> String {
    args.email
        .clone()
        .or_else(|| args.case.clone())
        .or_else(|| args.value.clone())
        .unwrap_or_default()
}

fn plan(ctx: &Ctx, args: &LookupArgs) -> Result<Plan, CliError> {
    let kind = kind(args);
    let regions = regions(ctx, args.region.as_deref(), kind)?;
    lookup::plan(kind, &value(args), regions).map_err(plan_error)
}

pub(crate) fn plan_error(e: lookup::PlanError) -> CliError {
    CliError::usage(e.message)
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
    /// How a number was read (none for e-mail, case and withheld callers).
    reading: Option<Reading>,
    /// The caller withheld the number: nothing was searched.
    withheld: bool,
    matches: Vec<Match>,
    open_cases: Vec<CaseInfo>,
    timings: Vec<Timing>,
    show_timings: bool,
    api_usage: Option<(u64, u64)>,
}

impl LookupReport {
    fn outcome(&self) -> &'static str {
        if self.withheld {
            return "withheld";
        }
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

    fn notes(&self) -> &[String] {
        self.reading.as_ref().map_or(&[], |r| &r.notes)
    }
}

impl Report for LookupReport {
    fn data(&self) -> Value {
        json!({
            "query": {"kind": self.kind, "value": self.value, "searched": self.searched, "reading": self.reading},
            "outcome": self.outcome(),
            "notes": self.notes(),
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
        let clean = |t: &str| crate::output::sanitize::for_terminal(t);
        // How the number was read, on stderr: the data on stdout stays the pop.
        for note in self.notes() {
            out.info(&format!("note: {note}"));
        }
        let mut text = String::new();
        let searched = if self.searched.len() > 1 {
            format!(" (searched {})", self.searched.join(", "))
        } else {
            String::new()
        };
        match self.matches.len() {
            0 if self.withheld => text.push_str(&format!(
                "{} the caller withheld the number ({}); nothing was searched\n",
                s.error("withheld:"),
                if self.value.trim().is_empty() {
                    "no caller id".to_string()
                } else {
                    clean(self.value.trim())
                }
            )),
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
                        .map(|(f, v)| format!("{} ({f})", v.escaped()))
                        .collect::<Vec<_>>()
                        .join(", ");
                    [
                        m.object.escaped(),
                        m.name.escaped(),
                        if phones.is_empty() {
                            "-".into()
                        } else {
                            phones
                        },
                        m.email
                            .as_ref()
                            .map(OrgText::escaped)
                            .unwrap_or_else(|| "-".into()),
                        m.account_or_company
                            .as_ref()
                            .map(OrgText::escaped)
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
                    p.object.escaped(),
                    p.name.escaped(),
                    p.id.escaped()
                ));
                if let Some(c) = &p.case {
                    text.push_str(&format!(
                        "  status: {}, priority: {}, opened {}\n",
                        c.status.escaped(),
                        c.priority.escaped(),
                        c.created.escaped()
                    ));
                    if let Some(n) = &c.contact_name {
                        text.push_str(&format!("  contact: {}\n", n.escaped()));
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
                        a.escaped()
                    ));
                }
                for (f, v) in &p.phones {
                    text.push_str(&format!("  {f}: {}\n", v.escaped()));
                }
                if let Some(e) = &p.email {
                    text.push_str(&format!("  Email: {}\n", e.escaped()));
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
                                c.number.escaped(),
                                c.subject.escaped(),
                                c.status.escaped(),
                                c.priority.escaped()
                            ));
                        }
                    }
                }
            }
        }
        if self.show_timings && self.timings.is_empty() {
            text.push_str("timings: none (nothing was sent)\n");
        } else if self.show_timings {
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
    // clap's `requires` does not fire here (the value positional's
    // `required_unless_present_any`), so flags that only mean something with
    // --file are checked by hand rather than silently ignored.
    if args.file.is_none() {
        for (given, flag) in [
            (args.column.is_some(), "--column"),
            (args.output.is_some(), "--output"),
            (args.batch_size.is_some(), "--batch-size"),
            (args.no_batch, "--no-batch"),
            (args.index, "--index"),
        ] {
            if given {
                return Err(CliError::usage(format!(
                    "{flag} only applies to --file (a file of values to look up)"
                ))
                .with_hint("add --file FILE, or drop the flag"));
            }
        }
    }
    if let Some(file) = &args.file {
        // --json prints one document with every row; --output would be ignored.
        if ctx.out.is_json() && args.output.is_some() {
            return Err(CliError::usage(
                "--output cannot be used with --json (--json prints one document with every row)",
            )
            .with_hint("drop --json for streamed rows, or --output for one JSON document"));
        }
        return bulk(ctx, args, file);
    }
    let ucc = args.from.ucc()?;
    let version = args.connect.api_version(ucc.as_ref())?;
    // Read and plan the value before any request: a bad value is refused with nothing
    // sent, and a cold parse costs microseconds, so once the last answer is in only
    // printing remains.
    let plan = plan(ctx, args)?;
    let creds = args.connect.credentials(ctx, ucc.as_ref())?;
    let client = args.connect.client(ctx)?;
    let org_url = args.connect.instance_hint(ctx, ucc.as_ref())?;
    // A withheld caller is a blank record with no search; the org is only needed to log it.
    if plan.is_withheld() && !args.log.log {
        return Ok(Box::new(report(
            &plan,
            lookup::Outcome::withheld(),
            Vec::new(),
            args,
        )));
    }
    let warming = org_url.and_then(|u| client.warm(&u, &creds.token_url));
    let session = client.login(&creds).map_err(sf_error)?;
    if let Some(w) = warming {
        let _ = w.settle(&session);
    }
    let outcome = lookup::perform(&client, &session, &version, &plan).map_err(sf_error)?;
    let mut timings = vec![Timing {
        step: "token",
        ms: session.elapsed.as_millis(),
        attempts: session.attempts,
    }];
    timings.extend(outcome.steps.iter().map(|s| Timing {
        step: s.name,
        ms: s.info.elapsed.as_millis(),
        attempts: s.info.attempts,
    }));
    let popped = outcome.matches.first().cloned();
    let report = Box::new(report(&plan, outcome, timings, args));
    super::lookup_log::after_pop(
        args,
        &client,
        &session,
        &version,
        plan.value(),
        popped.as_ref(),
        report,
    )
}

fn report(
    plan: &Plan,
    outcome: lookup::Outcome,
    timings: Vec<Timing>,
    args: &LookupArgs,
) -> LookupReport {
    LookupReport {
        kind: plan.kind_name(),
        value: plan.value().to_string(),
        searched: plan.searched(),
        reading: plan.reading().cloned(),
        withheld: plan.is_withheld(),
        api_usage: outcome.api_usage(),
        matches: outcome.matches,
        open_cases: outcome.open_cases,
        timings,
        show_timings: args.timings,
    }
}

/// `--file`: one lookup per input line, rows streamed in input order.
fn bulk(ctx: &Ctx, args: &LookupArgs, file: &std::path::Path) -> Result<Box<dyn Report>, CliError> {
    let ucc = args.from.ucc()?;
    let version = args.connect.api_version(ucc.as_ref())?;
    // UTF-8 with or without a BOM, or UTF-16 with one (Excel's "Unicode text").
    let text = crate::fsutil::read_text(file).map_err(|e| {
        let what = if file.as_os_str() == "-" {
            "the values from stdin".to_string()
        } else {
            file.display().to_string()
        };
        CliError::input(format!("cannot read {what}")).with_cause(e)
    })?;
    // A key profile given by mistake: its lines would be shown as inputs and their
    // digits searched in the org.
    if crate::crypto::profile::looks_like_profile(&text) {
        return Err(CliError::input(format!(
            "{} is a key profile, not a list of callers; nothing from it was shown or searched",
            file.display()
        ))
        .with_hint("pass the file of numbers or e-mail addresses to --file"));
    }
    let inputs = bulk::read_inputs(&text, args.column.as_deref())
        .map_err(|e| CliError::input(format!("{}: {e}", file.display())))?;
    if args.column.is_none() && looks_like_csv(file, &text) {
        ctx.out.hint(&format!(
            "{} looks like a CSV file; every line is read as one value unless you name the column with --column NAME",
            file.display()
        ));
    }
    if inputs.is_empty() {
        return Err(CliError::input(format!(
            "{} holds no values to look up",
            file.display()
        )));
    }
    let kind = kind(args);
    let regions = regions(ctx, args.region.as_deref(), kind)?;
    let creds = args.connect.credentials(ctx, ucc.as_ref())?;
    let client = args.connect.client(ctx)?;
    let warming = args
        .connect
        .instance_hint(ctx, ucc.as_ref())?
        .and_then(|u| client.warm(&u, &creds.token_url));
    let session = client.login(&creds).map_err(sf_error)?;
    if let Some(w) = warming {
        let _ = w.settle(&session);
    }
    let json = ctx.out.is_json();
    // Ctrl-C and SIGTERM end the run with the rows done so far (exit 130/143).
    let interrupt = crate::interrupt::install();
    let config = bulk::Config {
        concurrency: usize::from(args.concurrency),
        kind,
        regions,
        version,
        interrupt,
        index: args.index.then(|| bulk::IndexConfig {
            wait: std::time::Duration::from_secs(600),
            progress: Box::new(super::lookup_index::export_progress(ctx, json)),
        }),
        batch_size: if args.no_batch {
            1
        } else {
            args.batch_size
                .map_or(crate::screenpop::batch::DEFAULT_BATCH_SIZE, usize::from)
        },
    };
    let progress = (ctx.stderr_is_terminal && !json && !ctx.out.mode.quiet).then(|| {
        let bar = indicatif::ProgressBar::new(inputs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} lookups, {per_sec}, eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    // Under --json the rows wait on disk for the one document, not in memory.
    let mut spool = if json {
        Some(crate::output::spool::RowSpool::new().map_err(|e| {
            CliError::input("cannot make a temporary file for the rows").with_cause(e)
        })?)
    } else {
        None
    };
    let mut writer = ctx.out.rows();
    let mut write_error = None;
    let format = args.output.unwrap_or(Output::Jsonl);
    if !json && format == Output::Csv {
        write_error = writer.csv(&[bulk::CSV_HEADER.to_string()]).err();
    }
    if args.index && kind == Kind::Case {
        return Err(CliError::usage(
            "--index matches numbers and e-mail addresses, not case numbers (--media chat)",
        )
        .with_hint("drop --index: case numbers are looked up one at a time"));
    }
    let summary = bulk::run(&client, &creds, session, &inputs, &config, |row| {
        if let Some(p) = &progress {
            p.inc(1);
        }
        if let Some(spool) = &mut spool {
            if write_error.is_none() {
                write_error = spool.push(row).err();
            }
        } else if write_error.is_none() {
            let written = match format {
                Output::Jsonl => writer.json(row),
                Output::Csv => writer.csv(&bulk::csv_row(row)),
            };
            write_error = written.err();
        }
        // A closed stdout (`| head -1`): stop starting lookups at once.
        write_error.is_none()
    });
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let summary = summary.map_err(super::lookup_index::export_error)?;
    if let Some(e) = write_error.filter(|e| e.kind() != std::io::ErrorKind::BrokenPipe) {
        return Err(CliError::internal("could not write the results").with_cause(e));
    }
    Ok(Box::new(BulkReport {
        rows: spool.map(std::cell::RefCell::new),
        summary,
    }))
}

/// A file whose first line looks like a CSV header, given without `--column`.
fn looks_like_csv(file: &std::path::Path, text: &str) -> bool {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    let ext = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    ext || (first.contains([',', ';']) && first.chars().any(|c| c.is_alphabetic()))
}

pub struct BulkReport {
    /// Only under `--json` (on disk until the document is written); otherwise rows
    /// were streamed as they came.
    rows: Option<std::cell::RefCell<crate::output::spool::RowSpool>>,
    summary: bulk::Summary,
}

impl Report for BulkReport {
    fn data(&self) -> Value {
        json!({"rows": crate::output::spool::ROWS_MARKER, "summary": self.summary})
    }

    fn spooled_rows(&self) -> Option<&std::cell::RefCell<crate::output::spool::RowSpool>> {
        self.rows.as_ref()
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        let s = &self.summary;
        let usage = s
            .api_usage
            .map(|u| format!(" (org usage now {} of {})", u.used, u.max))
            .unwrap_or_default();
        out.info(&format!(
            "{}: {} matched, {} several, {} none{}, {} failed{}; latency p50 {} ms, p95 {} ms, max {} ms; {}{}{usage}{}",
            crate::output::count(s.total, "lookup"),
            s.matched,
            s.several,
            s.none,
            if s.withheld > 0 { format!(", {} withheld", s.withheld) } else { String::new() },
            s.failed,
            if s.skipped > 0 { format!(", {} not run", s.skipped) } else { String::new() },
            s.p50_ms,
            s.p95_ms,
            s.max_ms,
            crate::output::count(s.api_calls as usize, "API call"),
            if s.api_calls_saved > 0 {
                format!(" ({} saved by batching)", s.api_calls_saved)
            } else {
                String::new()
            },
            if s.relogins > 0 { format!("; logged in again {} time(s)", s.relogins) } else { String::new() },
        ));
        if let Some(ix) = s.index {
            out.info(&format!(
                "--index: {} exported in {:.1} s, rows matched locally in {} ms",
                crate::output::count(ix.records as usize, "record"),
                ix.export_ms as f64 / 1000.0,
                ix.match_ms
            ));
        } else if s.stop_reason == Some(bulk::StopReason::ApiLimit)
            || s.api_usage
                .is_some_and(|u| s.api_calls.saturating_mul(4) > u.max.saturating_sub(u.used))
        {
            out.hint(&format!(
                "this file took {} of the org's remaining daily API requests; `--index` exports the org's phones in about 15 calls and matches every row locally",
                crate::output::count(s.api_calls as usize, "call")
            ));
        }
        if s.as_typed_no_region > 0 {
            out.hint(&format!(
                "{} national number(s) were searched as typed, for lack of a region: pass --region (e.g. --region NL), set CRMCTL_REGION, or use a locale such as nl_NL.UTF-8",
                s.as_typed_no_region
            ));
        }
        if let Some(why) = &s.stopped
            && s.stop_reason != Some(bulk::StopReason::OutputClosed)
        {
            out.warn(&format!(
                "stopped early: {why}; the rows not run are marked \"skipped\""
            ));
        }
        Ok(())
    }

    /// The run's failure, when it has one, for `error` of the JSON envelope.
    fn error(&self) -> Option<CliError> {
        let s = &self.summary;
        let why = s.stopped.as_deref().unwrap_or("");
        match s.stop_reason {
            Some(bulk::StopReason::Interrupted) => Some(CliError::new(
                crate::error::ErrorKind::Interrupted,
                format!("stopped early: {why}; the rows not run are marked \"skipped\""),
            )),
            Some(bulk::StopReason::ApiLimit) => Some(
                crate::salesforce::advice::for_api("REQUEST_LIMIT_EXCEEDED")
                    .into_iter()
                    .fold(
                        CliError::remote(format!(
                            "stopped early: {why}; the rows not run are marked \"skipped\""
                        )),
                        CliError::with_hint,
                    ),
            ),
            _ if s.failed_remote > 0 => Some(CliError::remote(format!(
                "{} lookup(s) failed because the org or the network could not answer",
                s.failed_remote
            ))),
            _ => None,
        }
    }

    /// 130/143 when a signal stopped the run; 4 when the API limit did or a row
    /// failed because the org could not answer; 1 when a row failed otherwise.
    fn exit_code(&self) -> u8 {
        let s = &self.summary;
        if let Some(code) = s.signal_exit {
            code
        } else if s.stop_reason == Some(bulk::StopReason::ApiLimit) || s.failed_remote > 0 {
            crate::error::EXIT_REMOTE
        } else if s.failed > 0 {
            EXIT_NO
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputMode;

    const EVIL: &str = "Evil\u{1b}[2J\u{9b}\u{202e}Corp";

    fn evil() -> OrgText {
        OrgText::from(EVIL)
    }

    fn report() -> LookupReport {
        let case = CaseInfo {
            number: evil(),
            subject: evil(),
            status: evil(),
            priority: evil(),
            created: evil(),
            contact_id: Some(OrgText::from("003A")),
            contact_name: Some(evil()),
            account_id: None,
            is_closed: false,
        };
        LookupReport {
            kind: "number",
            value: "+31201234567".into(),
            searched: vec!["31201234567".into()],
            reading: None,
            withheld: false,
            matches: vec![Match {
                object: OrgText::from("Contact"),
                id: OrgText::from("003A"),
                name: evil(),
                phones: vec![("Phone", evil())],
                email: Some(evil()),
                account_or_company: Some(evil()),
                account_id: None,
                case: None,
            }],
            open_cases: vec![case],
            timings: Vec::new(),
            show_timings: false,
            api_usage: None,
        }
    }

    /// The renderer's text, exactly: org text escaped, layout kept.
    #[test]
    fn the_screen_pop_text_escapes_every_org_field() {
        let out = Printer::buffered(OutputMode::default());
        report().render(&out).expect("render");
        let e = r"Evil\x1b[2J\x9b\u{202e}Corp";
        let expected = format!(
            "found: 1 match for number +31201234567\n\
TYPE     NAME{pad}  PHONES{pad2}  EMAIL{pad3}  ACCOUNT / COMPANY\n\
Contact  {e}  {e} (Phone)  {e}  {e}\n\
pops: Contact {e} (003A)\n  account: {e}\n  Phone: {e}\n  Email: {e}\n  open cases:\n    {e} {e} ({e}, {e})\n",
            pad = " ".repeat(e.len() - 4),
            pad2 = " ".repeat(e.len() + 8 - 6),
            pad3 = " ".repeat(e.len() - 5),
        );
        assert_eq!(out.captured().stdout, expected);
    }

    fn blank(value: &str, plan: &Plan) -> LookupReport {
        LookupReport {
            kind: "number",
            value: value.into(),
            searched: plan.searched(),
            reading: plan.reading().cloned(),
            withheld: plan.is_withheld(),
            matches: Vec::new(),
            open_cases: Vec::new(),
            timings: Vec::new(),
            show_timings: false,
            api_usage: None,
        }
    }

    /// A withheld caller: its own outcome line on stdout, a blank record, exit 1.
    #[test]
    fn a_withheld_caller_is_a_blank_record_with_its_own_outcome() {
        let plan =
            lookup::plan(Kind::Phone, "Anonymous", lookup::Regions::default()).expect("plan");
        let r = blank("Anonymous", &plan);
        let out = Printer::buffered(OutputMode::default());
        r.render(&out).expect("render");
        let c = out.captured();
        assert_eq!(
            c.stdout,
            "withheld: the caller withheld the number (Anonymous); nothing was searched\n\
pops: a blank new record (the agent creates the customer or case)\n"
        );
        assert_eq!(c.stderr, "");
        assert_eq!((r.outcome(), r.exit_code()), ("withheld", EXIT_NO));
        let timed = LookupReport {
            show_timings: true,
            ..blank("Anonymous", &plan)
        };
        let out = Printer::buffered(OutputMode::default());
        timed.render(&out).expect("render");
        assert!(
            out.captured()
                .stdout
                .ends_with("\ntimings: none (nothing was sent)\n")
        );
        let d = r.data();
        assert_eq!(d["outcome"], "withheld");
        assert_eq!(d["blank_record"], true);
        assert_eq!(d["query"]["searched"], json!([]));
        assert_eq!(d["query"]["reading"], Value::Null);
    }

    /// How the number was read goes to stderr as notes, and into `--json`.
    #[test]
    fn notes_go_to_stderr_and_into_the_json_document() {
        let plan =
            lookup::plan(Kind::Phone, "020-1234567", lookup::Regions::default()).expect("plan");
        let r = blank("020-1234567", &plan);
        let out = Printer::buffered(OutputMode::default());
        r.render(&out).expect("render");
        let c = out.captured();
        assert_eq!(
            c.stderr,
            "note: a national number and no region (give --region, set CRMCTL_REGION, or use a locale such as nl_NL.UTF-8): searching the digits as typed\n"
        );
        assert_eq!(
            c.stdout,
            "none: no match for number 020-1234567\n\
pops: a blank new record (the agent creates the customer or case)\n"
        );
        let d = r.data();
        assert_eq!(d["outcome"], "none");
        assert_eq!(d["notes"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            d["query"]["reading"],
            json!({"read_as": "as_typed", "calling_code": null, "region": null,
                   "region_from": null, "as_typed": "no_region", "extension": null})
        );
        assert_eq!(d["query"]["searched"], json!(["0201234567"]));
    }

    #[test]
    fn the_json_document_escapes_c1_del_and_bidi() {
        let out = Printer::buffered(OutputMode {
            json: true,
            ..OutputMode::default()
        });
        let r = report();
        out.envelope("lookup", r.exit_code(), Some(r.data()), None, false)
            .expect("envelope");
        let text = out.captured().stdout;
        assert!(text.contains(r"Evil\u001b[2J\u009b\u202eCorp"), "{text}");
        assert!(!text.chars().any(|c| c == '\u{9b}' || c == '\u{202e}'));
    }
}
