//! `lookup --file --settings S --ucc U` under the crm-service model (issue 20 item 4):
//! every number as the UCC's CRM Service would look it up, compared with the 8x8
//! search, rows in input order, and how many callers the model would miss.

use serde_json::{Value, json};

use super::bulk::BulkReport;
use super::model::ModelInfo;
use super::{LookupArgs, Output};
use crate::ctx::Ctx;
use crate::error::CliError;
use crate::ops::ConnectSettings;
use crate::output::{Printer, Report};
use crate::screenpop::bulk::{self, Input};
use crate::screenpop::lookup::{Kind, Regions};
use crate::settings::Ucc;

/// `--index` matches the 8x8 search's fields locally; the model sends its own queries.
pub(super) fn refuse_index() -> CliError {
    CliError::usage(
        "--index is not modelled for the UCC's CRM Service: it matches the 8x8 search's phone fields locally, not the CRM Service's queries",
    )
    .with_hint("add --model 8x8 to export and match with --index, or drop --index to look the numbers up as the CRM Service would")
}

/// The bulk run under the model; `inputs` as `lookup/bulk.rs` read them.
pub(super) fn run(
    ctx: &Ctx,
    args: &LookupArgs,
    settings: &ConnectSettings,
    ucc: &Ucc,
    info: ModelInfo,
    inputs: &[Input],
    regions: Regions,
) -> Result<Box<dyn Report>, CliError> {
    let Some(model) = info.crm.clone() else {
        return Err(CliError::internal(
            "the crm-service bulk run needs the model",
        ));
    };
    if args.batch_size.is_some() || args.no_batch {
        ctx.out.info("note: --batch-size and --no-batch do not apply to the crm-service model: it sends its own queries for each distinct number (--model 8x8 batches)");
    }
    let regions = super::model::regions(&info, Some(ucc), regions)?;
    let version = settings.api_version.clone();
    let creds = settings.credentials(&args.connect, ctx, Some(ucc))?;
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
    let config = bulk::Config {
        concurrency: usize::from(args.concurrency),
        kind: Kind::Phone,
        regions,
        version,
        interrupt: crate::interrupt::install(),
        index: None,
        batch_size: 1,
    };
    let progress = super::bulk::progress_bar(ctx, inputs.len());
    let mut spool = super::bulk::row_spool(json)?;
    let mut writer = ctx.out.rows();
    let mut write_error = None;
    let format = args.output.unwrap_or(Output::Jsonl);
    if !json && format == Output::Csv {
        let header = format!("{},{}", bulk::CSV_HEADER, bulk::MODEL_CSV_HEADER);
        write_error = writer.csv(&[header]).err();
    }
    let summary = bulk::run_model(&client, &creds, session, inputs, &config, &model, |row| {
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
                Output::Csv => writer.csv(&bulk::model_csv_row(row)),
            };
            write_error = written.err();
        }
        write_error.is_none()
    });
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    if let Some(e) = write_error.filter(|e| e.kind() != std::io::ErrorKind::BrokenPipe) {
        return Err(CliError::output(e));
    }
    Ok(Box::new(ModelBulkReport {
        base: BulkReport::of_model(spool, summary.base.clone()),
        summary,
        info,
    }))
}

pub struct ModelBulkReport {
    /// The 8x8-shaped summary and its rendering, exit code and error.
    base: BulkReport,
    summary: bulk::ModelSummary,
    info: ModelInfo,
}

impl Report for ModelBulkReport {
    fn data(&self) -> Value {
        json!({
            "rows": crate::output::spool::ROWS_MARKER,
            "summary": self.summary,
            "model": self.info.json(),
        })
    }

    fn spooled_rows(&self) -> Option<&std::cell::RefCell<crate::output::spool::RowSpool>> {
        self.base.spooled_rows()
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        // The UCC's name and the file's path come from local files: `info` escapes
        // them (once: escaping here too doubled every backslash).
        out.info(&self.info.headline());
        self.base.render(out)?;
        let s = &self.summary;
        let looked_up = s.contact + s.lead + s.unknown;
        out.info(&format!(
            "CRM Service pops: {} Contact, {} Lead, {} Unknown; the 8x8 search pops {} of {}, of which the model misses {}{}",
            s.contact,
            s.lead,
            s.unknown,
            s.popped_by_8x8,
            crate::output::count(looked_up, "caller"),
            s.missed_by_model,
            if s.popped_by_8x8 > 0 {
                format!(
                    " ({:.1}%)",
                    s.missed_by_model as f64 * 100.0 / s.popped_by_8x8 as f64
                )
            } else {
                String::new()
            }
        ));
        Ok(())
    }

    fn error(&self) -> Option<CliError> {
        self.base.error()
    }

    fn exit_code(&self) -> u8 {
        self.base.exit_code()
    }
}
