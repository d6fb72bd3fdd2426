//! `crmctl settings export`: one UCC's Plugin Settings as a SharePoint list CSV, or
//! a SharePoint CSV export as a YAML estate.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::fsutil::{self, Overwrite};
use crate::output::{Printer, Report, count, sharepoint};
use crate::settings::{self, RowSpec, load};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The list as SharePoint exports and imports it: Title,Value,Scope, comma, UTF-8 BOM, CRLF
    SharepointCsv,
    /// A YAML estate of that one UCC, as validate-settings and settings set read it
    Yaml,
}

/// Write one UCC's Plugin Settings as a SharePoint list CSV, or as YAML
#[derive(Debug, Args)]
#[command(
    long_about = "Write one UCC's Plugin Settings as a SharePoint list CSV, or as YAML.\n\n\
Reads a YAML estate or a SharePoint CSV export (name its UCC with --ucc) and writes the UCC's rows \
in order, values byte for byte (encrypted strings stay encrypted; nothing is decrypted). \
sharepoint-csv is what a list's Export to CSV writes and a list import reads: the columns Title, \
Value and Scope, comma-separated, UTF-8 with a byte order mark, CRLF line endings, fields quoted \
as RFC 4180 says; values starting with = + - @ are written unchanged, with a warning. yaml is a \
one-UCC estate with its plugin_attributes. Either validates with the same findings as its source's \
settings; the CSV leaves the plugin_attributes out (another SharePoint list) with a warning.\n\n\
Without --out the document goes to stdout. Exit 0 when written, 1 when the file has no UCC of that \
name, 3 when a file can't be read or written.",
    after_long_help = "Examples:\n  \
crmctl settings export estate.yaml --ucc helpdesk --format sharepoint-csv --out PluginSettings.csv\n  \
crmctl settings export PluginSettings.csv --ucc helpdesk --format yaml --out helpdesk.yaml"
)]
pub struct ExportArgs {
    /// A YAML estate or a SharePoint CSV export (.csv)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The UCC to export (for a CSV export: the UCC it belongs to)
    #[arg(long, value_name = "NAME", required = true)]
    pub ucc: String,

    /// What to write
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: ExportFormat,

    /// Write here (atomically) instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Replace an existing --out file
    #[arg(long, requires = "out")]
    pub force: bool,
}

pub struct ExportReport {
    ucc: String,
    format: ExportFormat,
    rows: usize,
    out: Option<PathBuf>,
    document: String,
}

impl Report for ExportReport {
    fn data(&self) -> Value {
        json!({
            "ucc": self.ucc,
            "format": match self.format {
                ExportFormat::SharepointCsv => "sharepoint-csv",
                ExportFormat::Yaml => "yaml",
            },
            "rows": self.rows,
            "out": self.out.as_ref().map(|p| p.display().to_string()),
            // The document itself only when it went nowhere else.
            "document": if self.out.is_none() { Value::String(self.document.clone()) } else { Value::Null },
        })
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        match &self.out {
            Some(p) => {
                out.data(&format!("{}\n", out.quoted(&p.display().to_string())))?;
                // `info` escapes the UCC's name (once).
                out.info(&format!(
                    "{} of {} written.",
                    count(self.rows, "setting"),
                    self.ucc
                ));
                Ok(())
            }
            // Exactly the bytes the file would hold; a terminal sees control characters shown.
            None if out.mode.stdout_is_terminal => {
                out.data(&out.quoted_lines(&self.document.replace("\r\n", "\n")))
            }
            None => out.data(&self.document),
        }
    }
}

pub fn run(ctx: &Ctx, args: &ExportArgs) -> Result<Box<dyn Report>, CliError> {
    if args.out.is_none() {
        // stdout is the only copy of the document (`>&-` would lose it).
        ctx.out.require_stdout().map_err(CliError::output)?;
    }
    if let Some(out) = &args.out
        && std::fs::canonicalize(out).ok() == std::fs::canonicalize(&args.file).ok()
        && out.exists()
    {
        return Err(CliError::usage("--out names the file being read"));
    }
    let uccs = load::file(&args.file, Some(&args.ucc))?;
    let key = |n: &str| n.trim().to_lowercase();
    let Some(ucc) = uccs.iter().find(|u| key(&u.name) == key(&args.ucc)) else {
        let names: Vec<String> = uccs.iter().map(|u| format!("`{}`", u.name)).collect();
        return Err(CliError::rejected(format!(
            "no UCC named `{}` in {}; it holds: {}",
            args.ucc,
            args.file.display(),
            names.join(", ")
        )));
    };
    let rows: Vec<RowSpec> = ucc
        .rows
        .iter()
        .map(|r| (r.setting.clone(), r.scope.clone(), r.value.clone()))
        .collect();
    let document = match args.format {
        ExportFormat::SharepointCsv => sharepoint::list_csv(&rows),
        ExportFormat::Yaml => {
            settings::render_yaml(
                &[(ucc.name.clone(), rows.clone())],
                &format!(
                    "UCC Plugin Settings of {}, exported by `crmctl settings export` from {}.",
                    ucc.name,
                    args.file.display()
                ),
            ) + &settings::render_attributes(&ucc.attributes)
        }
    };
    if args.format == ExportFormat::SharepointCsv {
        warn_what_a_list_csv_leaves_out(ctx, ucc, &rows);
    }
    if let Some(out) = &args.out {
        let overwrite = if args.force {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        };
        fsutil::write_atomic(out, document.as_bytes(), overwrite).map_err(|e| {
            let err = CliError::input(format!("could not write {}", out.display())).with_cause(&e);
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                err.with_hint("pass --force to replace it")
            } else {
                err
            }
        })?;
    }
    Ok(Box::new(ExportReport {
        ucc: ucc.name.clone(),
        format: args.format,
        rows: rows.len(),
        out: args.out.clone(),
        document,
    }))
}

/// The Plugin Settings list holds neither the PluginAttributes list (another SharePoint
/// list) nor protection against spreadsheet formulas (values must import byte-exact).
fn warn_what_a_list_csv_leaves_out(ctx: &Ctx, ucc: &settings::Ucc, rows: &[RowSpec]) {
    if !ucc.attributes.is_empty() {
        ctx.out.warn(&format!(
            "the {} of plugin_attributes of UCC {} are not in this CSV: they belong to another SharePoint list (PluginAttributes); export them with `--format yaml`, or keep that list's own CSV export",
            count(ucc.attributes.len(), "row"),
            ucc.name
        ));
    }
    for (setting, _, value) in rows {
        if value.starts_with(['=', '+', '-', '@']) {
            ctx.out.warn(&format!(
                "{} starts with `{}`: written byte-exact for the list import, but a spreadsheet opening this CSV may run it as a formula",
                setting,
                &value[..1]
            ));
        }
    }
}
