//! `lookup --file`: one lookup per input line, rows streamed in input order, and the summary.

use serde_json::{Value, json};

use super::{LookupArgs, Output, kind};
use crate::ctx::Ctx;
use crate::error::{CliError, EXIT_NO};
use crate::ops::ConnectSettings;
use crate::ops::regions::regions;
use crate::output::{Printer, Report};
use crate::screenpop::bulk;
/// `--file`: one lookup per input line, rows streamed in input order.
pub(super) fn run(
    ctx: &Ctx,
    args: &LookupArgs,
    file: &std::path::Path,
) -> Result<Box<dyn Report>, CliError> {
    let mut ucc = args.from.ucc()?;
    if let (Some(u), Some(file)) = (ucc.as_mut(), &args.attributes) {
        crate::settings::load::attach_attributes(u, file)?;
    }
    // crm-service by default with --settings (README "Two models").
    let info = super::model::choose(args.model, ucc.as_ref())?;
    if info.crm.is_some() && args.index {
        return Err(super::model_bulk::refuse_index());
    }
    let settings = ConnectSettings::resolve(&args.connect, ucc.as_ref(), &ctx.env)?;
    // The rows are the run's result and stdout their only copy: a closed stdout is
    // refused before a single API call is spent on them.
    ctx.out.require_stdout().map_err(CliError::output)?;
    let version = settings.api_version.clone();
    // UTF-8 with or without a BOM, or UTF-16 (Excel's "Unicode text"), read as a
    // stream: a first pass checks and counts, the run reads the rows again as it goes.
    let mut input =
        bulk::InputFile::open(file, args.column.as_deref()).map_err(|e| input_error(file, e))?;
    // A key profile given by mistake: its lines would be shown as inputs and their
    // digits searched in the org.
    if input
        .small_text
        .as_deref()
        .is_some_and(|t| crate::crypto::profile::looks_like_profile(t))
    {
        return Err(CliError::input(format!(
            "{} is a key profile, not a list of callers; nothing from it was shown or searched",
            file.display()
        ))
        .with_hint("pass the file of numbers or e-mail addresses to --file"));
    }
    input.check().map_err(|e| input_error(file, e))?;
    if args.column.is_none() && looks_like_csv(file, &input.first_line) {
        ctx.out.hint(&format!(
            "{} looks like a CSV file; every line is read as one value unless you name the column with --column NAME",
            file.display()
        ));
    }
    if input.is_empty() {
        if file == std::path::Path::new("-") {
            return Err(crate::secret_input::stdin_empty(
                "values to look up, one a line",
            ));
        }
        return Err(CliError::input(format!(
            "{} holds no values to look up",
            file.display()
        )));
    }
    let kind = kind(args);
    let regions = regions(ctx, args.region.as_deref(), kind)?;
    if let (Some(u), Some(_)) = (&ucc, &info.crm) {
        if kind == crate::screenpop::lookup::Kind::Phone {
            // The model costs API calls per distinct number, not memory per row: its
            // run takes the rows whole.
            let inputs = input
                .rows()
                .map_err(|e| input_error(file, e))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| input_error(file, bulk::InputError::Parse(e)))?;
            return super::model_bulk::run(ctx, args, &settings, u, info, &inputs, regions);
        }
        ctx.out.info("note: e-mail and case lookups are not modelled by the CRM Service model; they are searched as the 8x8 model does");
    }
    let creds = settings.credentials(&args.connect, ctx, ucc.as_ref())?;
    let client = ctx.client(&settings.http)?;
    let warming = settings
        .instance_hint
        .as_deref()
        .and_then(|u| client.warm(u, &creds.token_url));
    let session = client.login(&creds).map_err(CliError::from)?;
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
            progress: Box::new(super::index::export_progress(ctx, json)),
        }),
        batch_size: if args.no_batch {
            1
        } else {
            args.batch_size
                .map_or(crate::screenpop::batch::DEFAULT_BATCH_SIZE, usize::from)
        },
    };
    let progress = progress_bar(ctx, input.len());
    let mut spool = row_spool(json)?;
    let mut writer = ctx.out.rows();
    let mut write_error = None;
    let format = args.output.unwrap_or(Output::Jsonl);
    if !json && format == Output::Csv {
        write_error = writer.csv(&[bulk::CSV_HEADER.to_string()]).err();
    }
    if args.index && kind == crate::screenpop::lookup::Kind::Case {
        return Err(CliError::usage(
            "--index matches numbers and e-mail addresses, not case numbers (--media chat)",
        )
        .with_hint("drop --index: case numbers are looked up one at a time"));
    }
    // The file is read again as the run goes; should it change under the run and no
    // longer read, the run ends with the rows read so far and the error.
    let mut read_error = None;
    let mut rows = input
        .rows()
        .map_err(|e| input_error(file, e))?
        .map_while(|r| r.map_err(|e| read_error = Some(e)).ok());
    let summary = bulk::run(
        &client,
        &creds,
        session,
        &mut rows,
        input.len(),
        &config,
        |row| {
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
        },
    );
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    drop(rows);
    let summary = summary.map_err(super::index::export_error)?;
    if let Some(e) = read_error {
        return Err(input_error(file, bulk::InputError::Parse(e)));
    }
    if let Some(e) = write_error.filter(|e| e.kind() != std::io::ErrorKind::BrokenPipe) {
        return Err(CliError::output(e));
    }
    Ok(Box::new(BulkReport {
        rows: spool.map(std::cell::RefCell::new),
        summary,
        model: false,
    }))
}

/// The bar of a bulk run, on a terminal and only for people (not `--json`, not `-q`).
pub(super) fn progress_bar(ctx: &Ctx, rows: usize) -> Option<indicatif::ProgressBar> {
    (ctx.stderr_is_terminal && !ctx.out.is_json() && !ctx.out.mode.quiet).then(|| {
        let bar = indicatif::ProgressBar::new(rows as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} lookups, {per_sec}, eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    })
}

/// Under `--json` the rows wait on disk for the one document, not in memory.
pub(super) fn row_spool(json: bool) -> Result<Option<crate::output::spool::RowSpool>, CliError> {
    if !json {
        return Ok(None);
    }
    crate::output::spool::RowSpool::new()
        .map(Some)
        .map_err(|e| CliError::input("cannot make a temporary file for the rows").with_cause(e))
}

/// Why the file of values cannot be used: not text ("cannot read"), or not what was
/// asked for (its line and what is wrong, never its content).
fn input_error(file: &std::path::Path, e: bulk::InputError) -> CliError {
    match e {
        bulk::InputError::Text(e) => {
            let what = if file.as_os_str() == "-" {
                "the values from stdin".to_string()
            } else {
                file.display().to_string()
            };
            CliError::input(format!("cannot read {what}")).with_cause(e)
        }
        bulk::InputError::Parse(e) => CliError::input(format!("{}: {e}", file.display())),
    }
}

/// A file whose first line looks like a CSV header, given without `--column`.
fn looks_like_csv(file: &std::path::Path, first: &str) -> bool {
    let ext = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    ext || (first.contains([',', ';']) && first.chars().any(|c| c.is_alphabetic()))
}

impl BulkReport {
    /// The report of the crm-service model's run: its API hint names `--model 8x8`.
    pub(super) fn of_model(
        rows: Option<crate::output::spool::RowSpool>,
        summary: bulk::Summary,
    ) -> Self {
        BulkReport {
            rows: rows.map(std::cell::RefCell::new),
            summary,
            model: true,
        }
    }
}

pub struct BulkReport {
    /// Only under `--json` (on disk until the document is written); otherwise rows
    /// were streamed as they came.
    rows: Option<std::cell::RefCell<crate::output::spool::RowSpool>>,
    summary: bulk::Summary,
    /// The crm-service model's run (not batched, no `--index`).
    model: bool,
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
            out.hint(&if self.model {
                format!(
                    "this file took {} of the org's remaining daily API requests: the crm-service model sends three or four per distinct number (its two queries, the 8x8 search and its cases query); `--model 8x8` batches about 60 numbers a search, and `--model 8x8 --index` exports the org's phones in about 15 calls",
                    crate::output::count(s.api_calls as usize, "call")
                )
            } else {
                format!(
                    "this file took {} of the org's remaining daily API requests; `--index` exports the org's phones in about 15 calls and matches every row locally",
                    crate::output::count(s.api_calls as usize, "call")
                )
            });
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
