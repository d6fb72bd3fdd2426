//! `crmctl validate-settings`: every check of the seed document, for one UCC or hundreds.

mod ci;
mod fix;
mod login;

use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::{CliError, EXIT_NO};
use crate::ops::probe::{Probe, probe_all};
use crate::output::ci::Format;
use crate::output::{Printer, Report};
use crate::settings::rules::{self, Finding, Severity};
use crate::settings::{Ucc, load};

/// Check UCC Plugin Settings: endpoints, mandatory and encrypted values, shared primary settings
#[derive(Debug, Args)]
#[command(
    long_about = "Check UCC Plugin Settings: endpoints, mandatory and encrypted values, shared primary settings.\n\n\
Reads YAML estates (uccs: [{name, settings: [{setting, scope, value}]}]) and SharePoint CSV exports \
of a Plugin Settings list (columns Title or Setting, Value, Scope; name the UCC with --ucc). Each \
finding has a rule id, a severity, the file and line, and a hint. With a key profile (--key-file, \
CRMCTL_KEY_FILE or the default location) the encrypted values must decrypt. UCCs that share a CRM \
Service (the same CrmServiceUrl host) must have identical CrmService settings.\n\n\
Exit 0 when clean; 1 when an error is found (--strict: a warning too), a --login included; \
3 when a file can't be read; 4 when a --probe or --login check could not complete (the org, \
the service or the network did not answer) and nothing else is wrong.",
    after_long_help = "Examples:\n  \
crmctl validate-settings estate.yaml\n  \
crmctl validate-settings --ucc helpdesk PluginSettings.csv --json\n  \
crmctl validate-settings region-eu.yaml region-us.yaml --strict"
)]
pub struct ValidateArgs {
    /// Settings files (YAML estates, or CSV exports with --ucc); - reads stdin as YAML
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// The UCC a CSV export belongs to (YAML estates name their own; refused without a CSV file)
    #[arg(long, value_name = "NAME", value_parser = crate::cli::non_empty_name)]
    pub ucc: Option<String>,

    /// The PluginAttributes list of the UCC named by --ucc, as a SharePoint CSV export
    #[arg(long, value_name = "FILE", requires = "ucc")]
    pub attributes: Option<PathBuf>,

    /// Exit 1 on warnings too
    #[arg(long)]
    pub strict: bool,

    /// Mend what has one right answer first: a name's or scope's capitals, whitespace
    /// around a value, ApiEndPoint's trailing slash (never a secret; only those bytes change)
    #[arg(long)]
    pub fix: bool,

    /// With --fix: print the fixes as a unified diff, write nothing, and report the findings as they would be after them
    #[arg(long, requires = "fix")]
    pub dry_run: bool,

    /// Output: text, json (as --json), junit, sarif or github (workflow-command annotations)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Also GET each UCC's CRM settings endpoint and CrmServiceUrl, and report status and latency
    #[arg(long)]
    pub probe: bool,

    /// Also log in once per distinct set of credentials, as `crmctl login` does (needs the key profile)
    #[arg(long)]
    pub login: bool,

    /// With --login: also post credentials to a LoginEndPoint that failed its rules (plain http, not Salesforce)
    #[arg(long, requires = "login")]
    pub allow_untrusted_login: bool,

    /// Seconds to wait for each probe: more than 0, less than 3600 (a probe is one GET;
    /// a login's timeout, which covers its retries too, may be up to a day)
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 5.0,
        requires = "probe"
    )]
    pub probe_timeout: f64,
}

/// One login check, for the UCCs that share its credentials.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoginCheck {
    pub uccs: Vec<String>,
    pub ok: bool,
    pub instance_url: Option<crate::output::OrgText>,
    pub problems: Vec<String>,
    /// When the login failed: `error.kind` as `crmctl login` gives it.
    pub error_kind: Option<&'static str>,
}

pub struct ValidateReport {
    logins: Vec<LoginCheck>,
    probes: Vec<Probe>,
    uccs: Vec<(String, String)>,
    findings: Vec<Finding>,
    strict: bool,
    decrypted: bool,
    /// Findings of checks that could not complete (the org, the network or a 5xx).
    incomplete: usize,
    /// Findings of logins the org refused.
    refused: usize,
    format: Format,
    not_run: ci::NotRun,
    fixed: Option<fix::Fixed>,
}

impl ValidateReport {
    fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }
}

impl Report for ValidateReport {
    fn data(&self) -> Value {
        let mut d = json!({
            "findings": self.findings,
            "probes": self.probes,
            "logins": self.logins,
            "summary": {
                "uccs": self.uccs.len(),
                "errors": self.count(Severity::Error),
                "warnings": self.count(Severity::Warning),
                "decryption_checked": self.decrypted,
            },
        });
        if let Some(f) = &self.fixed {
            d["fix"] = f.to_json();
        }
        d
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        if let Some(doc) = ci::render(self.format, &self.uccs, &self.findings, &self.not_run) {
            return out.ci_document(&doc);
        }
        let s = out.stdout_style();
        let mut text = self.fixed.as_ref().map(|f| f.text(out)).unwrap_or_default();
        let mut shown = std::collections::BTreeSet::new();
        for (name, file) in &self.uccs {
            // Two UCCs with one name (a duplicate-ucc error): their findings once.
            if !shown.insert(name) {
                continue;
            }
            let mine: Vec<&Finding> = self.findings.iter().filter(|f| &f.ucc == name).collect();
            if mine.is_empty() {
                text.push_str(&format!(
                    "{} {} ({})\n",
                    s.ok("ok"),
                    out.quoted(name),
                    out.quoted(file)
                ));
                continue;
            }
            text.push_str(&format!(
                "{} ({})\n",
                s.bold(&out.quoted(name)),
                out.quoted(file)
            ));
            for f in mine {
                let sev = match f.severity {
                    Severity::Error => s.error("error  "),
                    Severity::Warning => s.warning("warning"),
                };
                text.push_str(&format!(
                    "  {sev} {}:{} {} [{}] {}\n          {} {}\n",
                    out.quoted(&f.file),
                    f.line,
                    out.quoted(f.setting.as_deref().unwrap_or("-")),
                    f.rule,
                    out.line(&f.message),
                    s.dim("hint:"),
                    out.line(&f.hint)
                ));
            }
        }
        if !self.probes.is_empty() {
            text.push_str("probes:\n");
            for p in &self.probes {
                let state = match (p.status, &p.error) {
                    (Some(st), _) if (200..300).contains(&st) => s.ok(&format!("{st}")),
                    (Some(st), _) => s.error(&format!("{st}")),
                    (None, Some(e)) => s.error(&format!("unreachable ({})", out.quoted(e))),
                    (None, None) => s.error("unreachable"),
                };
                text.push_str(&format!("  {state} {} ms  {}\n", p.ms, out.quoted(&p.url)));
            }
        }
        for l in &self.logins {
            let state = if l.ok {
                s.ok("login ok")
            } else {
                s.error("login not ready")
            };
            let detail = if l.problems.is_empty() {
                String::new()
            } else {
                format!(": {}", l.problems.join("; "))
            };
            text.push_str(&format!(
                "{state} for {}{}\n",
                out.quoted(&l.uccs.join(", ")),
                out.quoted(&detail)
            ));
        }
        let (e, w) = (self.count(Severity::Error), self.count(Severity::Warning));
        text.push_str(&format!(
            "{} checked: {}, {}{}\n",
            crate::output::count(self.uccs.len(), "UCC"),
            crate::output::count(e, "error"),
            crate::output::count(w, "warning"),
            if self.decrypted {
                ""
            } else {
                " (no key profile: encrypted values checked for shape only)"
            }
        ));
        out.data(&text)
    }

    /// Precedence (README "Trust", the same as `doctor`): a "no" (an error in the
    /// settings or a refused login), which no retry fixes, is 1; else a check that
    /// could not complete is 4; else a warning under --strict is 1. Findings of
    /// checks that could not complete are errors too, hence `errors > incomplete`.
    fn exit_code(&self) -> u8 {
        let errors = self.count(Severity::Error);
        if errors > self.incomplete {
            EXIT_NO
        } else if self.incomplete > 0 {
            crate::error::EXIT_REMOTE
        } else if self.strict && self.count(Severity::Warning) > 0 {
            EXIT_NO
        } else {
            0
        }
    }

    /// `error` of the JSON envelope for the --login and --probe outcomes, with the
    /// same kind a `crmctl login` of the same cause gives.
    fn error(&self) -> Option<CliError> {
        match self.exit_code() {
            crate::error::EXIT_REMOTE => Some(
                CliError::remote(format!(
                    "{} check(s) could not complete: the org, the service or the network did not answer",
                    self.incomplete
                ))
                .with_hint("no setting is wrong so far; run again when the other side answers"),
            ),
            EXIT_NO if self.refused > 0 => Some(CliError::rejected(format!(
                "the org refused {} login(s); see the login-failed findings",
                self.refused
            ))),
            _ => None,
        }
    }
}

pub fn run(ctx: &Ctx, args: &ValidateArgs) -> Result<Box<dyn Report>, CliError> {
    let format = Format::resolve(args.format, ctx.out.is_json())?;
    // A YAML estate names its UCCs itself: --ucc there would be silently ignored.
    if let Some(name) = &args.ucc
        && !args.files.iter().any(|f| load::is_csv(f))
        && args.attributes.is_none()
    {
        return Err(CliError::usage(format!(
            "--ucc {name} names the UCC of a CSV export, and no CSV file was given"
        ))
        .with_hint("YAML estates name their UCCs under `uccs:`; leave out --ucc, or give the SharePoint CSV export (a .csv file)"));
    }
    // A CSV export does not name its UCC: usage (2), as in login, lookup and doctor.
    if args.ucc.is_none()
        && let Some(csv) = args.files.iter().find(|f| load::is_csv(f))
    {
        return Err(CliError::usage(format!(
            "{}: a CSV export holds one UCC's list: name it with --ucc",
            csv.display()
        )));
    }
    let fixed = if args.fix {
        if !args.dry_run {
            // As rekey and settings set: a rewrite killed half-way is finished first.
            ctx.finish_interrupted_rewrites(&args.files)?;
        }
        Some(fix::run(&args.files, args.ucc.as_deref(), args.dry_run)?)
    } else {
        None
    };
    let mut uccs: Vec<Ucc> = Vec::new();
    for file in &args.files {
        let mended = fixed.as_ref().and_then(|f| f.mended_text(file));
        let mut loaded = match mended {
            Some(text) => load::text_of(file, text, args.ucc.as_deref()),
            None => load::file(file, args.ucc.as_deref()),
        }?;
        uccs.append(&mut loaded);
    }
    if let (Some(file), Some(name)) = (&args.attributes, &args.ucc) {
        load::attach_to_named(&mut uccs, name, file)?;
    }
    let cipher = ctx.configured_cipher()?;
    let mut findings = rules::check_all(&uccs, cipher.as_ref());
    let mut probes = Vec::new();
    let (mut incomplete, mut refused) = (0, 0);
    if args.probe {
        let mut urls: Vec<String> = uccs
            .iter()
            .flat_map(|u| rules::probe_targets(u).into_iter().map(|(_, url, _)| url))
            .collect();
        urls.sort();
        urls.dedup();
        // No connection flags here: the CA file and the proxy of the environment.
        let flags = crate::args::ConnectArgs::default();
        probes = probe_all(ctx, &flags, urls, args.probe_timeout)?;
        let could_not_complete =
            |p: &Probe| p.error_kind == Some("remote") || p.status.is_some_and(|st| st >= 500);
        for u in &uccs {
            for (setting, url, row) in rules::probe_targets(u) {
                let Some(p) = probes.iter().find(|p| p.url == url) else {
                    continue;
                };
                let problem = match (p.status, &p.error) {
                    (Some(st), _) if (200..300).contains(&st) => None,
                    (Some(st), _) => Some(format!("{setting} {url} answered HTTP {st}")),
                    (None, e) => Some(format!(
                        "{setting} {url} could not be reached: {}",
                        e.as_deref().unwrap_or("no answer")
                    )),
                };
                if let Some(message) = problem {
                    if could_not_complete(p) {
                        incomplete += 1;
                    }
                    findings.push(Finding {
                        ucc: u.name.clone(),
                        setting: Some(setting.to_string()),
                        severity: Severity::Error,
                        rule: "probe-failed",
                        message: message.into(),
                        hint: "the URL must be reachable from the UCC and the WebAgentService; check the FQDN, the service and the firewall".into(),
                        file: row.file.display().to_string(),
                        line: row.line,
                    });
                }
            }
        }
    }
    let mut logins = if args.login {
        login::login_checks(
            ctx,
            &uccs,
            cipher.as_ref(),
            args.allow_untrusted_login,
            &mut findings,
            (&mut incomplete, &mut refused),
        )?
    } else {
        Vec::new()
    };
    // Hints written for `login` name its flags; here, the variables and settings.
    let fitter = crate::cli::HintFitter::new("validate-settings");
    for f in &mut findings {
        f.hint = f.hint.map_plain(|t| fitter.fit(t));
        f.message = f.message.map_plain(|t| fitter.fit(t));
    }
    for login in &mut logins {
        for p in &mut login.problems {
            *p = fitter.fit(p);
        }
    }
    // Grouped by UCC in file order, then by line.
    let order: Vec<&str> = uccs.iter().map(|u| u.name.as_str()).collect();
    findings.sort_by_key(|f| {
        (
            order.iter().position(|n| *n == f.ucc).unwrap_or(usize::MAX),
            f.line,
            f.rule,
        )
    });
    Ok(Box::new(ValidateReport {
        logins,
        probes,
        uccs: uccs
            .iter()
            .map(|u| (u.name.clone(), u.file.display().to_string()))
            .collect(),
        findings,
        strict: args.strict,
        incomplete,
        refused,
        decrypted: cipher.is_some(),
        format,
        fixed,
        not_run: [
            ("probe-failed", !args.probe, "not run: pass --probe"),
            ("login-failed", !args.login, "not run: pass --login"),
            ("login-checks", !args.login, "not run: pass --login"),
            ("login-skipped", !args.login, "not run: pass --login"),
            (
                "region-national-numbers",
                !args.login,
                "not run: pass --login",
            ),
            (
                "attribute-field-missing",
                !args.login,
                "not run: pass --login",
            ),
        ]
        .into_iter()
        .filter(|(_, skip, _)| *skip)
        .map(|(r, _, why)| (r, why))
        .collect(),
    }))
}
