//! `lookup --file --index`: the export's spinner and what a failed export tells the
//! user (the Bulk API access an org or a user may lack).

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::screenpop::index::export::{ExportError, Progress as ExportProgress};

/// `--index`'s export on stderr: a spinner on a terminal, nothing otherwise.
pub fn export_progress(ctx: &Ctx, json: bool) -> impl Fn(ExportProgress) + Sync + use<> {
    let bar = (ctx.stderr_is_terminal && !json && !ctx.out.mode.quiet).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar.set_message("exporting the org's phones and addresses (Bulk API 2.0)");
        bar
    });
    move |p| {
        if let Some(bar) = &bar {
            match p {
                ExportProgress::Waiting => bar.set_message("the org is running the query jobs"),
                ExportProgress::Read(n) => bar.set_message(format!("{n} records exported")),
            }
        }
    }
}

/// An export that failed: the org's error, with what to do when the org or the user
/// has no Bulk API 2.0 access.
pub fn export_error(e: ExportError) -> CliError {
    let code = e.error.api_code().cloned();
    let status = match &e.error {
        crate::salesforce::SfError::Api { status, .. } => Some(*status),
        _ => None,
    };
    let err = CliError::from(e.error).with_cause(format!("--index could not {}", e.step));
    let no_access = code.is_some_and(|c| {
        c.is_one_of(&[
            "API_DISABLED_FOR_ORG",
            "FUNCTIONALITY_NOT_ENABLED",
            "INSUFFICIENT_ACCESS",
            "INSUFFICIENTACCESS",
            "INSUFFICIENT_ACCESS_OR_READONLY",
            "NOT_FOUND",
        ])
    }) || status == Some(403);
    if no_access {
        err.with_hint("--index needs Bulk API 2.0 (API version 47.0 or later) and a user with the \"API Enabled\" permission who can read Account, Contact, Lead and Case; without it, drop --index: batched searches need only the REST API")
    } else {
        err
    }
}
