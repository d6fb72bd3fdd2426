//! crmctl: the command-line toolkit for the CRM Service for Salesforce.
//!
//! `run` is the whole program: parse, resolve the context, dispatch, render, exit
//! status. Domain modules (`crypto`) never print; commands return reports.

// All output goes through `output::Printer`, the one place that escapes untrusted
// text; `output` alone may use the print macros.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod args;
pub mod assets;
pub mod cli;
pub mod commands;
pub mod crash;
pub mod crypto;
pub mod csv_input;
pub mod ctx;
pub mod doctor;
pub mod env;
pub mod error;
pub mod fsutil;
pub mod interrupt;
pub mod ops;
pub mod output;
pub mod salesforce;
pub mod screenpop;
pub mod secret;
pub mod secret_input;
pub mod settings;

use std::ffi::OsString;

use clap::Parser;

use crate::cli::Cli;
use crate::ctx::Ctx;
use crate::env::Env;
use crate::error::{CliError, EXIT_INPUT, EXIT_USAGE};

/// Runs crmctl with the given arguments (program name first) and returns the exit code.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let mut cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return usage_error(e, &args),
    };
    // `--format json` is `--json`: one envelope on stdout, no prompts.
    if cli.command.format() == Some(output::ci::Format::Json) {
        cli.global.json = true;
    }
    let ctx = Ctx::new(&cli.global, Env::from_process());
    let name = cli.command.name();
    crash::running(name, ctx.out.mode);
    if ctx.out.is_json() {
        // One document per run, an interrupted one included (docs/json-output.md).
        output::document_owed(name);
        interrupt::watch();
    } else if let Some(format) = cli.command.format() {
        // The same for junit, sarif and github documents.
        output::ci_document_owed(name, format);
        interrupt::watch();
    }
    // Lets the tests see what a bug looks like; debug builds only.
    if cfg!(debug_assertions) && std::env::var_os("CRMCTL_DEBUG_PANIC").is_some() {
        panic!("CRMCTL_DEBUG_PANIC is set");
    }
    // A variable crmctl would read as text but cannot is configuration (3), named,
    // rather than a value silently ignored.
    let result = match ctx.env.not_utf8.first() {
        Some(var) => Err(CliError::input(format!("{var} is not valid UTF-8 text"))
            .with_hint(format!("set {var} to plain text, or unset it"))),
        None => commands::dispatch(&ctx, &cli.command),
    };
    finish(&ctx, name, result)
}

/// Renders the report or the error and returns the exit code.
fn finish(ctx: &Ctx, name: &str, result: Result<Box<dyn output::Report>, CliError>) -> u8 {
    match result {
        Ok(report) => finish_report(ctx, name, report.as_ref()),
        Err(err) => {
            // Hints name the flags of the command that shows them (or its variables).
            let err = cli::fit_error(name, err);
            let code = err.exit_code();
            ctx.out.error(&err);
            if ctx.out.is_json() {
                let _ = ctx.out.envelope(name, code, None, Some(&err), false);
            }
            code
        }
    }
}

/// Writes a report as text or as the JSON envelope; returns its exit code.
pub(crate) fn finish_report(ctx: &Ctx, name: &str, report: &dyn output::Report) -> u8 {
    let out = &ctx.out;
    let code = report.exit_code();
    let written = if out.is_json()
        && let Some(rows) = report.spooled_rows()
    {
        let error = report.error();
        out.envelope_with_rows(name, code, report.data(), error.as_ref(), rows)
    } else if out.is_json() {
        let error = report.error();
        out.envelope(
            name,
            code,
            Some(report.data()),
            error.as_ref(),
            report.compact_json(),
        )
    } else {
        report.render(out)
    };
    match written {
        Ok(()) => code,
        Err(e) => output_failed(&e, code),
    }
}

/// The exit code of a run whose output could not be written. A closed pipe
/// (`crmctl ... | head`) is not worth a message and keeps the run's code; a full
/// disk or a closed terminal is this machine's problem, not a bug: the local-input
/// code, as for any file crmctl cannot write.
pub(crate) fn output_failed(e: &std::io::Error, code: u8) -> u8 {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return code;
    }
    output::Printer::write_failed(e);
    EXIT_INPUT
}

/// clap's own errors: help and version print and exit 0; usage errors exit 2, and
/// under `--json` also produce the JSON envelope so scripts always get one document.
fn usage_error(mut e: clap::Error, args: &[OsString]) -> u8 {
    use clap::error::ErrorKind;
    let json = args.iter().any(|a| a == "--json");
    if json && e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        // `crmctl --json settings`: clap would print help, and a script would get
        // no document. Under --json it is the usage error `settings --json` gives.
        e = cli::missing_subcommand(&subcommand_path(args));
    }
    let secret = secret_argument(&mut e, args);
    let informational = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    // Under --json, help and version are one document too (exit 0): the text in
    // `data.help`, the version in `data.version`.
    if json && informational && e.kind() != ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let text = e.render().to_string();
        let data = if e.kind() == ErrorKind::DisplayVersion {
            serde_json::json!({ "version": env!("CARGO_PKG_VERSION") })
        } else {
            serde_json::json!({ "help": text })
        };
        let doc = output::envelope(&subcommand_name(args), 0, Some(data), None, &[]);
        output::Printer::raw_envelope(&doc);
        return 0;
    }
    // Help and version go to stdout: one that cannot take them is exit 3, as for
    // any output. A usage error goes to stderr, whose failures never matter.
    let printed = e.print();
    if informational {
        let code = if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            EXIT_USAGE
        } else {
            0
        };
        return match printed {
            Err(err) if !e.use_stderr() => output_failed(&err, code),
            _ => code,
        };
    }
    if json {
        // The whole first paragraph: clap lists missing arguments on the lines
        // after "the following required arguments were not provided:".
        let message = e.render().to_string();
        let first = message
            .lines()
            .take_while(|l| !l.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ")
            .trim_start_matches("error: ")
            .to_string();
        let first = if first.is_empty() {
            "invalid usage".to_string()
        } else {
            first
        };
        let mut err = CliError::usage(first);
        if secret {
            err = err.with_hint(SECRET_HINT);
        }
        let err = err.with_hint("run `crmctl --help` for usage");
        let doc = output::envelope(&subcommand_name(args), EXIT_USAGE, None, Some(&err), &[]);
        output::Printer::raw_envelope(&doc);
    }
    EXIT_USAGE
}

/// Where secrets go, for a secret typed on the command line.
const SECRET_HINT: &str = "a secret is never taken as an argument (it would show in `ps` and shell \
history): crmctl asks for it with hidden input on a terminal, or reads it with --stdin or from \
CRMCTL_PASSWORD, CRMCTL_TOKEN, CRMCTL_CLIENT_SECRET or CRMCTL_VALUE (see the command's --help)";

/// An unknown argument that carries a secret: a flag named like one (`--password`,
/// `--client-secret`, `--token`, `--passphrase`), or any stray value of `encrypt`,
/// whose every input is a secret. The value is not repeated (stderr ends up in CI
/// logs, the message in `--json`), no other flag is suggested to hold it, and the
/// tip says where secrets go. True when the error was such a one.
fn secret_argument(e: &mut clap::Error, args: &[OsString]) -> bool {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return false;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return false;
    };
    let secret_flag = arg.starts_with('-') && {
        let name = arg.trim_start_matches('-').to_ascii_lowercase();
        ["password", "secret", "token", "passphrase"]
            .iter()
            .any(|w| name.contains(w))
    };
    let stray_value = !arg.starts_with('-') && subcommand_name(args) == "encrypt";
    if !secret_flag && !stray_value {
        return false;
    }
    if stray_value {
        e.insert(
            ContextKind::InvalidArg,
            ContextValue::String("<not shown: it may be a secret>".into()),
        );
    }
    if e.remove(ContextKind::SuggestedArg).is_some() {
        // clap's usage line then shows the suggested flag; show the command's own.
        e.insert(
            ContextKind::Usage,
            ContextValue::StyledStr(subcommand_usage(args)),
        );
    }
    e.insert(
        ContextKind::Suggested,
        ContextValue::StyledStrs(vec![SECRET_HINT.into()]),
    );
    true
}

/// The usage line of the (nested) subcommand named on a command line.
fn subcommand_usage(args: &[OsString]) -> clap::builder::StyledStr {
    subcommand_path(args).render_usage()
}

/// The (nested) subcommand named on a command line, its bin name the whole path
/// (`crmctl settings`).
fn subcommand_path(args: &[OsString]) -> clap::Command {
    let mut cmd = cli::command();
    let mut path = vec!["crmctl".to_string()];
    for a in args.iter().skip(1).filter_map(|a| a.to_str()) {
        if let Some(sub) = cmd.find_subcommand(a).cloned() {
            path.push(sub.get_name().to_string());
            cmd = sub;
        }
    }
    cmd.bin_name(path.join(" "))
}

/// The subcommand named on a command line that failed to parse, for the JSON envelope.
fn subcommand_name(args: &[OsString]) -> String {
    let cmd = cli::command();
    args.iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| cmd.find_subcommand(a).is_some())
        .unwrap_or_default()
        .to_string()
}
