//! `crmctl doctor`: the whole chain, settings to a logged call, for each UCC of an
//! estate or for one org. Each step calls the code of the command that owns the
//! check (validate-settings' rules and probes, `login::check_session`, the lookup,
//! the auto log); the steps, statuses and exit code live in `crate::doctor`.

mod ci;

use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use crate::args::{ConnectArgs, FlowArg};
use crate::ctx::Ctx;
use crate::doctor::login::{org_steps, skipped_after_login};
use crate::doctor::readiness;
use crate::doctor::settings::{self as local, Probed};
use crate::doctor::{self, Status, Step, UccResult};
use crate::error::{CliError, ErrorKind};
use crate::ops::connect::{self as resolve, ConnectSettings};
use crate::ops::credentials::{jwt_key, ucc_credentials};
use crate::output::{Printer, Report};
use crate::salesforce::Credentials;
use crate::screenpop::lookup::{self, Kind, Plan};
use crate::settings::rules::{self, Finding};
use crate::settings::{Ucc, load};

/// The steps of `doctor --help`, one row each, written to fit 80 columns: clap reflows
/// only paragraphs, so a row wider than the terminal would lose its indentation.
macro_rules! steps_table {
    () => {
        concat!(
            "  settings           every validate-settings rule, shared primary settings too\n",
            "  secrets            Password, ClientId and ClientSecret decrypt under the key\n",
            "                     profile\n",
            "  endpoints          (--probe) the CRM settings endpoint and CrmServiceUrl\n",
            "                     answer\n",
            "  login              the OAuth login as `crmctl login` does it, with its advice\n",
            "  api-version        the ApiEndPoint version is offered by the org\n",
            "  screen-pop-fields  Account, Contact, Lead, Case and every field the screen pop\n",
            "                     reads are visible\n",
            "  call-log-fields    Task can be created with the call-log fields (else a\n",
            "                     warning names them)\n",
            "  screen-pop         (each --ani, --email, --case) the lookup `crmctl lookup`\n",
            "                     makes; no match warns; with --settings, a Contact or Lead\n",
            "                     the UCC's CRM Service would not find warns (why no pop)\n",
            "  log-test           (--log-test) the Task of `lookup --log`: created, read\n",
            "                     back, deleted\n",
            "  flow-readiness     the flows that replace the username-password flow (retiring\n",
            "                     in 2027): whether the password flow logs in; client\n",
            "                     credentials with the UCC's ClientId and ClientSecret on the\n",
            "                     My Domain host (ApplicationHost or --instance-url), then\n",
            "                     the field check under that token; JWT bearer with\n",
            "                     --jwt-key-file, for the UCC's ClientId and Username. Token\n",
            "                     requests and describes only.",
        )
    };
}

/// Check the whole chain for each UCC: settings, secrets, endpoints, login, fields, screen pop, call log
#[derive(Debug, Args)]
#[command(
    long_about = concat!(
        "Check the whole chain for each UCC: settings, secrets, endpoints, login, fields, screen pop, call log.\n\n\
For each UCC of an estate (--settings FILE..., YAML estates or CSV exports named with --ucc; \
--ucc NAME picks some, default all), or for one org given by the same flags and secrets as \
`crmctl login`, doctor runs these steps, each with the code of the command that owns it:\n\n",
        steps_table!(),
        "\n\n\
A step that needs a value that failed an earlier step is skipped. UCCs that share one credential \
set log in once.\n\n\
Exit 0 when nothing failed (--strict: no warning either); 3 when a step failed on local input \
(key profile); else 1 when a check said no; else 4 when the org or the network could not answer."
    ),
    after_long_help = "Examples:\n  \
crmctl doctor --settings estate.yaml --probe --ani +31201234567 --log-test\n  \
crmctl doctor --settings PluginSettings.csv --ucc helpdesk --strict --json\n  \
crmctl doctor --settings estate.yaml --jwt-key-file server.key --json   # readiness for 2027\n  \
crmctl doctor --username integration@contoso.com --email jane.doe@example.com"
)]
pub struct DoctorArgs {
    /// Settings files: YAML estates, or CSV exports (each named by a --ucc, in order)
    #[arg(long = "settings", value_name = "FILE", num_args = 1.., conflicts_with = "stdin")]
    pub settings: Vec<PathBuf>,

    /// Check only this UCC (repeatable); also names the UCC of each CSV export, in order
    #[arg(long, value_name = "NAME", requires = "settings", value_parser = crate::cli::non_empty_name)]
    pub ucc: Vec<String>,

    /// Also GET each UCC's CRM settings endpoint and CrmServiceUrl
    #[arg(long, requires = "settings")]
    pub probe: bool,

    /// Seconds to wait for each probe
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 5.0,
        requires = "probe"
    )]
    pub probe_timeout: f64,

    /// Look up this caller's number as the screen pop does (repeatable)
    #[arg(long, value_name = "NUMBER")]
    pub ani: Vec<String>,

    /// Look up this e-mail address as the screen pop does (repeatable)
    #[arg(long, value_name = "ADDRESS")]
    pub email: Vec<String>,

    /// Look up this case number as the screen pop does (repeatable)
    #[arg(long = "case", value_name = "NUMBER")]
    pub case: Vec<String>,

    /// Country of national numbers given to --ani, e.g. NL or US [default: $CRMCTL_REGION, else
    /// the locale's; with --settings the CRM Service model reads them in DefaultPhoneNumberRegion]
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,

    /// Create the call-log Task that `lookup --log` would, read it back and delete it
    #[arg(long)]
    pub log_test: bool,

    /// Exit 1 on warnings too
    #[arg(long)]
    pub strict: bool,

    /// Output: text, json (as --json), junit, sarif or github (workflow-command annotations)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<crate::output::ci::Format>,

    #[command(flatten, next_help_heading = "Connection (as for `crmctl login`)")]
    pub connect: ConnectArgs,
}

/// The screen-pop values, planned before any traffic (a bad value is a usage error).
fn plans(ctx: &Ctx, args: &DoctorArgs) -> Result<Vec<Plan>, CliError> {
    // Regions as `crmctl lookup` resolves them: --region, CRMCTL_REGION, the locale.
    let regions = if args.ani.is_empty() {
        // Not needed, but a bad flag is still a usage error, as in `lookup`.
        crate::ops::regions::region_flag(args.region.as_deref())?;
        lookup::Regions::default()
    } else {
        crate::ops::regions::regions(ctx, args.region.as_deref(), Kind::Phone)?
    };
    let values = args
        .ani
        .iter()
        .map(|v| (Kind::Phone, v))
        .chain(args.email.iter().map(|v| (Kind::Email, v)))
        .chain(args.case.iter().map(|v| (Kind::Case, v)));
    values
        .map(|(kind, v)| lookup::plan(kind, v, regions).map_err(crate::ops::regions::plan_error))
        .collect()
}

/// Loads the estate: every UCC of the files (for the shared-settings rules) and
/// those picked by --ucc.
fn load_estate(args: &DoctorArgs) -> Result<(Vec<Ucc>, Vec<usize>), CliError> {
    let is_csv = |p: &PathBuf| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let csv_count = args.settings.iter().filter(|p| is_csv(p)).count();
    if csv_count > args.ucc.len() {
        return Err(CliError::usage(
            "each CSV export holds one UCC's list: name it with --ucc (one --ucc per CSV file, in order)",
        ));
    }
    let mut names = args.ucc.iter();
    let mut all = Vec::new();
    for file in &args.settings {
        let name = if is_csv(file) { names.next() } else { None };
        let mut loaded = load::file(file, name.map(String::as_str))?;
        all.append(&mut loaded);
    }
    if all.is_empty() {
        return Err(CliError::input("the settings files hold no UCC"));
    }
    let picked: Vec<usize> = if args.ucc.is_empty() {
        (0..all.len()).collect()
    } else {
        let mut picked = Vec::new();
        for name in &args.ucc {
            let found: Vec<usize> = (0..all.len())
                .filter(|i| all[*i].name.eq_ignore_ascii_case(name))
                .collect();
            if found.is_empty() {
                let known: Vec<&str> = all.iter().map(|u| u.name.as_str()).collect();
                return Err(CliError::input(format!(
                    "no UCC named `{name}` in the settings files"
                ))
                .with_hint(format!("UCCs in the files: {}", known.join(", "))));
            }
            picked.extend(
                found
                    .into_iter()
                    .filter(|i| !picked.contains(i))
                    .collect::<Vec<_>>(),
            );
        }
        picked
    };
    Ok((all, picked))
}

/// How one UCC will log in, or why it will not.
struct LoginPlan {
    creds: Credentials,
    /// The org's URL known ahead (`--instance-url`, ApplicationHost): see `Client::warm`.
    org_url: Option<String>,
    /// The API version, or why the ApiEndPoint cannot be used.
    version: Result<String, crate::output::Detail>,
    /// `--api-version` or `ApiEndPoint`, for the advice of an unoffered version.
    version_from: &'static str,
    /// UCCs with the same key share one login.
    key: Vec<String>,
    /// The UCC's CRM Service model, for the screen-pop step.
    model: crate::settings::crm::Model,
}

pub fn run(ctx: &Ctx, args: &DoctorArgs) -> Result<Box<dyn Report>, CliError> {
    crate::output::ci::Format::resolve(args.format, ctx.out.is_json())?;
    let connect = &args.connect;
    // Flags that cannot mean anything and a malformed --instance-url are usage
    // errors before any traffic.
    connect.check()?;
    resolve::check_env(&ctx.env)?;
    resolve::instance_hint(connect, &ctx.env, None)?;
    let plans = plans(ctx, args)?;
    if args.settings.is_empty() {
        return one_org(ctx, args, connect, &plans);
    }
    let (all, picked) = load_estate(args)?;
    // A derived profile with no passphrase and no terminal is a usage error for
    // the whole run; any other key problem fails the `secrets` step.
    let key = ctx.cipher();
    if let Err(e) = &key
        && e.kind == ErrorKind::Usage
    {
        return Err(e.clone());
    }
    let cipher = key.as_ref().ok().map(|(c, _)| c);
    // `--flow jwt` or `--jwt-key-file`: read once, before any traffic.
    let jwt_key = jwt_key(connect, ctx)?;
    let profile = key.as_ref().map(|(_, p)| p.describe());
    let findings = rules::check_all(&all, cipher);
    let probes = if args.probe {
        let mut urls: Vec<String> = picked
            .iter()
            .flat_map(|i| {
                rules::probe_targets(&all[*i])
                    .into_iter()
                    .map(|(_, url, _)| url)
            })
            .collect();
        urls.sort();
        urls.dedup();
        crate::ops::probe::probe_all(ctx, connect, urls, args.probe_timeout)?
    } else {
        Vec::new()
    };
    let client = ctx.client(&resolve::http(connect, &ctx.env)?)?;
    let mut results = Vec::new();
    let mut logins: Vec<(usize, LoginPlan)> = Vec::new();
    for &i in &picked {
        let u = &all[i];
        // Findings name their UCC; two UCCs of one name (in two files) are told apart
        // by the file each finding points into.
        let twin = all.iter().filter(|o| o.name == u.name).count() > 1;
        let mine: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.ucc == u.name && (!twin || points_into(f, u)))
            .collect();
        let bad = local::bad_values(&mine);
        let settings = local::settings_step(&mine, u.rows.len());
        let secrets = local::secrets_step(
            &mine,
            &bad,
            profile.as_ref().map(String::as_str).map_err(|e| *e),
        );
        let targets = rules::probe_targets(u);
        let probed: Vec<Probed> = targets
            .iter()
            .filter_map(|(setting, url, _)| {
                probes.iter().find(|p| &p.url == url).map(|p| Probed {
                    setting,
                    url: &p.url,
                    status: p.status,
                    ms: p.ms,
                    error: p.error.as_deref(),
                })
            })
            .collect();
        let endpoints = local::endpoints_step(&probed, &bad, args.probe);
        let mut steps = vec![settings, secrets.clone(), endpoints];
        let mut flow_readiness = None;
        match login_plan(ctx, connect, u, cipher, &bad, &secrets) {
            Ok(mut plan) => {
                plan.creds.jwt_key = jwt_key.clone();
                logins.push((results.len(), plan));
            }
            Err(step) => {
                steps.push(step);
                steps.extend(skipped_after_login(&plans, args.log_test, "needs a login"));
                let (step, r) = readiness::skipped("needs the credentials of the login step");
                steps.push(step);
                flow_readiness = Some(r);
            }
        }
        results.push(UccResult {
            ucc: Some(u.name.clone()),
            file: Some(u.file.display().to_string()),
            service: u.value("CrmServiceUrl").map(|s| s.trim().to_string()),
            steps,
            flow_readiness,
        });
    }
    let groups = doctor::group_by(logins, |(_, p)| p.key.clone());
    let login_count = groups.len();
    for (_, members) in groups {
        let first = &members[0].1;
        let (mut steps, flow_readiness) = org_steps(
            &client,
            &first.creds,
            first.org_url.as_deref(),
            (first.version.clone(), first.version_from),
            &plans,
            args.log_test,
            // UCCs that share a CRM Service share its settings (rule primary-mismatch).
            Some(&first.model),
        );
        if members.len() > 1 {
            let names: Vec<String> = members
                .iter()
                .filter_map(|(r, _)| results[*r].ucc.clone())
                .collect();
            if let Some(s) = steps.iter_mut().find(|s| s.step == doctor::LOGIN) {
                s.detail
                    .push(format!(" (one login for {})", names.join(", ")));
            }
        }
        for (r, _) in &members {
            results[*r].steps.extend(steps.iter().cloned());
            results[*r].flow_readiness = Some(flow_readiness.clone());
        }
    }
    Ok(Box::new(DoctorReport {
        results,
        logins: login_count,
        strict: args.strict,
        format: args.format,
    }))
}

/// One org from the login flags and secrets, as `crmctl login` takes them.
fn one_org(
    ctx: &Ctx,
    args: &DoctorArgs,
    connect: &ConnectArgs,
    plans: &[Plan],
) -> Result<Box<dyn Report>, CliError> {
    let settings = ConnectSettings::resolve(connect, None, &ctx.env)?;
    let creds = settings.credentials(connect, ctx, None)?;
    let client = ctx.client(&settings.http)?;
    let why = "no --settings: the org comes from the login flags";
    let mut steps = vec![
        Step::skip(doctor::SETTINGS, why),
        Step::skip(
            doctor::SECRETS,
            "no --settings: the secrets come from the environment, stdin or prompts, as for `crmctl login`",
        ),
        Step::skip(doctor::ENDPOINTS, why),
    ];
    let (org, flow_readiness) = org_steps(
        &client,
        &creds,
        settings.instance_hint.as_deref(),
        (Ok(settings.api_version), settings.api_version_from),
        plans,
        args.log_test,
        None,
    );
    steps.extend(org);
    Ok(Box::new(DoctorReport {
        results: vec![UccResult {
            ucc: None,
            file: None,
            service: None,
            steps,
            flow_readiness: Some(flow_readiness),
        }],
        logins: 1,
        strict: args.strict,
        format: args.format,
    }))
}

/// The credentials and version a UCC logs in with, or the `login` step that says why not.
fn login_plan(
    ctx: &Ctx,
    connect: &ConnectArgs,
    u: &Ucc,
    cipher: Option<&crate::crypto::Cipher>,
    bad: &[String],
    secrets: &Step,
) -> Result<LoginPlan, Step> {
    let resolved = ConnectSettings::resolve_ucc(connect, u, &ctx.env);
    // LoginEndPoint is needed unless a flag or (with none in the UCC) the
    // environment names the login URL, as for `crmctl login --settings`.
    let overridden = matches!(
        resolved.login_url_from,
        Some(resolve::Origin::Flag(_) | resolve::Origin::Env(_))
    );
    let mut needs: Vec<&str> = local::LOGIN_NEEDS.to_vec();
    match connect.flow {
        FlowArg::ClientCredentials => needs.retain(|n| *n != "Username" && *n != "Password"),
        FlowArg::Jwt => needs.retain(|n| *n != "Password" && *n != "ClientSecret"),
        FlowArg::Password => {}
    }
    if connect.client_id.is_some() {
        needs.retain(|n| *n != "ClientId");
    }
    // Username falls back to CRMCTL_USERNAME, as `crmctl login --settings` does.
    if connect.username.is_some() || ctx.env.username.is_some() {
        needs.retain(|n| *n != "Username");
    }
    // --allow-untrusted-login: LoginEndPoint's rules do not hold the login back
    // (ConnectSettings still refuses a URL that cannot be used).
    if !overridden && !connect.allow_untrusted_login {
        needs.push(local::LOGIN_ENDPOINT);
    }
    if let Some(why) = local::held_back(bad, &needs) {
        return Err(Step::skip(doctor::LOGIN, why));
    }
    let Some(cipher) = cipher.filter(|_| secrets.passed()) else {
        return Err(Step::skip(
            doctor::LOGIN,
            "needs secrets that decrypt (the secrets step)",
        ));
    };
    let login_url = resolved
        .login_url
        .map_err(|e| Step::from_error(doctor::LOGIN, &e))?;
    let mut creds = ucc_credentials(
        u,
        cipher,
        resolved.flow,
        connect.username.clone(),
        ctx.env.username.as_deref(),
        &login_url,
    )
    .map_err(|e| Step::from_error(doctor::LOGIN, &e))?;
    if let Some(id) = &connect.client_id {
        creds.client_id = secrecy::SecretString::from(id.clone());
    }
    // An ApiEndPoint its rule refused is held back; --api-version stands in for it.
    let version = match local::held_back(bad, &[local::API_ENDPOINT]) {
        Some(why) if connect.api_version.is_none() => Err(why.into()),
        _ => resolved.api_version.map_err(|e| e.message),
    };
    let key = [
        creds.token_url.clone(),
        creds.username.clone(),
        u.value("Password").unwrap_or("").trim().to_string(),
        u.value("ClientId").unwrap_or("").trim().to_string(),
        u.value("ClientSecret").unwrap_or("").trim().to_string(),
        version.clone().unwrap_or_default(),
    ]
    .to_vec();
    Ok(LoginPlan {
        org_url: resolved.instance_hint,
        creds,
        version,
        version_from: resolve::api_version_from(connect, Some(u)),
        key,
        model: crate::settings::crm::Model::of(u),
    })
}

pub struct DoctorReport {
    results: Vec<UccResult>,
    logins: usize,
    strict: bool,
    format: Option<crate::output::ci::Format>,
}

impl Report for DoctorReport {
    fn data(&self) -> Value {
        json!({
            "uccs": self.results.iter().map(UccResult::to_json).collect::<Vec<_>>(),
            "summary": doctor::summary(&self.results, self.logins, self.strict),
        })
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        if let Some(doc) = self.format.and_then(|f| ci::render(f, &self.results)) {
            return out.ci_document(&doc);
        }
        let s = out.stdout_style();
        let clean = |t: &str| out.quoted(t);
        let mut text = String::new();
        for r in &self.results {
            let title = match &r.ucc {
                Some(name) => s.bold(&clean(name)),
                None => s.bold("the org of the login flags"),
            };
            let mut head = title;
            if let Some(f) = &r.file {
                head.push_str(&format!(" ({})", clean(f)));
            }
            if let Some(svc) = &r.service {
                head.push_str(&format!(", CRM Service {}", clean(svc)));
            }
            text.push_str(&head);
            text.push('\n');
            for step in &r.steps {
                let mark = match step.status {
                    Status::Ok => s.ok("✓"),
                    Status::Warn => s.warning("!"),
                    Status::Fail => s.error("✗"),
                    Status::Skip => s.dim("-"),
                };
                let detail = if step.status == Status::Skip {
                    s.dim(&format!("skipped: {}", out.line(&step.detail)))
                } else {
                    out.line(&step.detail)
                };
                text.push_str(&format!("  {mark} {:<17} {detail}\n", step.step));
                if matches!(step.status, Status::Fail | Status::Warn) {
                    for h in step.hints.iter().filter(|h| !h.is_empty()) {
                        text.push_str(&format!("      {} {}\n", s.hint("hint:"), out.line(h)));
                    }
                }
            }
        }
        let sum = doctor::summary(&self.results, self.logins, self.strict);
        let n = |k: &str| sum[k].as_u64().unwrap_or(0);
        let plural = |k: u64, w: &str| crate::output::count(k as usize, w);
        text.push_str(&format!(
            "{}: {} ready, {} not ready ({} ok, {}, {} failed, {} skipped; {})\n",
            plural(
                n("uccs"),
                if self.results.iter().any(|r| r.ucc.is_some()) {
                    "UCC"
                } else {
                    "org"
                }
            ),
            n("ready"),
            n("not_ready"),
            n("ok"),
            plural(n("warn"), "warning"),
            n("fail"),
            n("skip"),
            plural(self.logins as u64, "login"),
        ));
        text.push_str(&readiness::estate_line(
            &sum["flow_readiness"],
            if self.results.iter().any(|r| r.ucc.is_some()) {
                "UCC"
            } else {
                "org"
            },
        ));
        text.push('\n');
        out.data(&text)
    }

    fn exit_code(&self) -> u8 {
        doctor::exit_code(&self.results, self.strict)
    }

    fn error(&self) -> Option<CliError> {
        doctor::error(&self.results, self.strict)
    }
}

/// Whether a finding points into one of `u`'s files: its own, a row's, or a
/// PluginAttributes row's.
fn points_into(f: &Finding, u: &Ucc) -> bool {
    let is = |p: &std::path::Path| p.display().to_string() == f.file;
    is(&u.file) || u.rows.iter().any(|r| is(&r.file)) || u.attributes.iter().any(|a| is(&a.file))
}
