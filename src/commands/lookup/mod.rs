//! `crmctl lookup`: the screen pop an agent would see for a caller, an e-mail or a case.

mod bulk;
mod index;
mod log;
mod model;
mod model_bulk;
mod render;

use clap::{Args, ValueEnum};

use crate::args::{ConnectArgs, SettingsArgs};
use crate::ctx::Ctx;
use crate::error::CliError;
use crate::ops::ConnectSettings;
use crate::ops::regions::{plan_error, regions};
use crate::output::Report;

use crate::screenpop::crm_service::{self, Caller};
use crate::screenpop::lookup::{self, Kind, Plan, Reading};
use crate::screenpop::{self, CaseInfo, Match};

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
did or the caller was withheld.\n\n\
Two models (--model). 8x8, the default without --settings, is the search above. crm-service, the \
default with --settings, pops as the UCC's CRM Service is configured: a national number is read \
in its DefaultPhoneNumberRegion first; Contacts, then Leads, are queried with its \
BaseContactQuery and BaseLeadQuery and the phone filter its PhoneNumberFormat gives (Wildcard, \
E164, International, National); the pop shows ShowStatus (Contact, Lead or Unknown) and the \
Extension Window view of its PluginAttributes (from the settings file, or --attributes, a \
SharePoint CSV export). The first line names the model and the settings used; a \"why no pop\" \
line names each Contact or Lead that crmctl's full search finds and the model would not, with \
the number as stored. With --file, every number is looked up as the model would and as the \
8x8 search would: rows show the model's pop, ShowStatus and missed_by_model, and the summary \
counts the callers the 8x8 search pops and the model does not. The model is crmctl's reading of the Dialogue Cloud documents \
(docs/crm-service-model.md).",
    after_long_help = "Examples:\n  \
crmctl lookup +31201234567 --username integration@contoso.com\n  \
crmctl lookup 020-1234567 --region NL\n  \
crmctl lookup --email jane.doe@example.com\n  \
crmctl lookup --media chat 00001026 --timings\n  \
crmctl lookup +31201234567 --log --duration 184 --interaction-id 7f3a-22 --disposition Resolved\n  \
crmctl lookup --file calls.csv --column ANI --region NL -j 8 --output csv > pops.csv\n  \
crmctl lookup --settings estate.yaml --ucc helpdesk 020-1234567\n  \
crmctl lookup --settings estate.yaml --ucc helpdesk --model 8x8 --region NL 020-1234567"
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

    /// With --file: export the org's phones and addresses (Bulk API 2.0 query jobs, about 15 API calls) and match every row locally; for files larger than the org's daily API requests allow searching; with --settings add --model 8x8 (the crm-service model is not indexed)
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

    /// With --settings: the UCC's PluginAttributes list, as a SharePoint CSV export (instead of the plugin_attributes of a YAML estate)
    #[arg(long, value_name = "FILE", requires = "settings")]
    pub attributes: Option<std::path::PathBuf>,

    /// Whose screen pop to show: the UCC's CRM Service as configured, or an 8x8-style search [default: crm-service with --settings, else 8x8]
    #[arg(long, value_enum, value_name = "MODEL")]
    pub model: Option<model::ModelArg>,

    #[command(flatten)]
    pub from: SettingsArgs,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten, next_help_heading = "Auto log")]
    pub log: log::LogArgs,
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

fn value(args: &LookupArgs) -> String {
    args.email
        .clone()
        .or_else(|| args.case.clone())
        .or_else(|| args.value.clone())
        .unwrap_or_default()
}

fn plan(
    ctx: &Ctx,
    args: &LookupArgs,
    info: &model::ModelInfo,
    ucc: Option<&crate::settings::Ucc>,
) -> Result<Plan, CliError> {
    let kind = kind(args);
    let mut regions = regions(ctx, args.region.as_deref(), kind)?;
    if kind == Kind::Phone {
        regions = model::regions(info, ucc, regions)?;
    }
    lookup::plan(kind, &value(args), regions).map_err(plan_error)
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
    /// The model, when --settings or --model chose one (its line heads the output).
    model: Option<model::ModelInfo>,
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

pub fn run(ctx: &Ctx, args: &LookupArgs) -> Result<Box<dyn Report>, CliError> {
    args.connect.refuse_unused_jwt_key()?;
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
        // Both would read stdin: the secrets would be taken as rows, or the rows as secrets.
        if file.as_os_str() == "-" && args.connect.stdin {
            return Err(CliError::usage(
                "--file - and --stdin both read stdin: the values to look up and the secrets cannot share it",
            )
            .with_hint(format!(
                "give the values as a file (--file FILE), or the secrets through {}, {}, {} and {} or the prompts",
                crate::env::names::PASSWORD,
                crate::env::names::TOKEN,
                crate::env::names::CLIENT_ID,
                crate::env::names::CLIENT_SECRET
            )));
        }
        // --json prints one document with every row; --output would be ignored.
        if ctx.out.is_json() && args.output.is_some() {
            return Err(CliError::usage(
                "--output cannot be used with --json (--json prints one document with every row)",
            )
            .with_hint("drop --json for streamed rows, or --output for one JSON document"));
        }
        return bulk::run(ctx, args, file);
    }
    let mut ucc = args.from.ucc()?;
    if let (Some(u), Some(file)) = (ucc.as_mut(), &args.attributes) {
        crate::settings::load::attach_attributes(u, file)?;
    }
    let settings = ConnectSettings::resolve(&args.connect, ucc.as_ref(), &ctx.env)?;
    let version = settings.api_version.clone();
    let mut info = model::choose(args.model, ucc.as_ref())?;
    // Read and plan the value before any request: a bad value is refused with nothing
    // sent, and a cold parse costs microseconds, so once the last answer is in only
    // printing remains.
    let plan = plan(ctx, args, &info, ucc.as_ref())?;
    let shown = (args.from.settings.is_some() || args.model.is_some()).then_some(());
    let creds = settings.credentials(&args.connect, ctx, ucc.as_ref())?;
    let client = ctx.client(&settings.http)?;
    let org_url = settings.instance_hint;
    // A withheld caller is a blank record with no search; the org is only needed to log it.
    if plan.is_withheld() && !args.log.log {
        let mut outcome = lookup::Outcome::withheld();
        model::apply(&mut info, &plan, &mut outcome, None);
        return Ok(Box::new(report(
            &plan,
            outcome,
            Vec::new(),
            args,
            shown.map(|()| info),
        )));
    }
    let warming = org_url.and_then(|u| client.warm(&u, &creds.token_url));
    let session = client.login(&creds).map_err(CliError::from)?;
    if let Some(w) = warming {
        let _ = w.settle(&session);
    }
    // A NOT_FOUND is advised by what set the version (--api-version or ApiEndPoint).
    let version_from = settings.api_version_from;
    let sf_error = |e| crate::ops::connect::name_version_source(CliError::from(e), version_from);
    let mut outcome = lookup::perform(&client, &session, &version, &plan).map_err(sf_error)?;
    // The UCC's model: its own queries, compared with the full search above.
    let modelled = match (&info.crm, plan.reading().and_then(Caller::of)) {
        (Some(m), Some(caller)) => Some((
            crm_service::perform(&client, &session, &version, m, &caller).map_err(sf_error)?,
            caller,
        )),
        _ => None,
    };
    model::apply(&mut info, &plan, &mut outcome, modelled);
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
    let report = Box::new(report(&plan, outcome, timings, args, shown.map(|()| info)));
    log::after_pop(
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
    model: Option<model::ModelInfo>,
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
        model,
    }
}
