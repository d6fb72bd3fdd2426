//! `crmctl emulate`: the emulated Salesforce org, served until interrupted.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;

use emulator::{Background, Config, FaultKind, Faults, OrgFile, ScriptedFault};

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::{Printer, Report};

/// Serve an emulated Salesforce org on 127.0.0.1 for tests, demos and CI
#[derive(Debug, Args)]
#[command(
    long_about = "Serve an emulated Salesforce org on 127.0.0.1 for tests, demos and CI.\n\n\
It listens on two ports: a login host (standing in for login.salesforce.com) and the \
org's My Domain host, which is also its instance. It prints the URLs and the demo \
credentials, then serves until stopped (Ctrl-C, SIGTERM or SIGHUP), when it removes its \
temporary CA folder and exits 0.\n\n\
Logins: the OAuth token endpoint with the username-password, client-credentials (My \
Domain host only) and JWT bearer grants, and the SOAP Partner API login(); then the \
OpenID Connect userinfo and identity URLs.\n\n\
Data (REST API, v31.0 to v67.0): versions and resources, SOSL search and \
parameterizedSearch, SOQL query, queryAll and queryMore, limits, sobjects and describe, \
records created, read, updated and deleted (also by an idLookup field), composite, \
composite batch and sObject collections, and Bulk API 2.0 ingest and query jobs (CSV). \
Every data call needs a session and answers with Sforce-Limit-Info; a URI over 16,384 \
bytes is 414, URI and headers together over it 431. It also stands in for the CRM Service's own endpoints \
(validate-settings --probe) and counts requests at /__emulator/stats.\n\n\
The data is the built-in demo org unless --data names a YAML org file (org, users, \
connected_apps and records at its top level); --synthetic-records adds that many \
deterministic Accounts, Contacts and Leads with phones typed as in eight countries. \
Faults can be added with \
flags or a --faults YAML file: latency per answer or per new connection, 500/503 \
answers, expiring tokens, the daily request limit, and scripted faults on the Nth request.",
    after_long_help = "Examples:\n  \
crmctl emulate\n  \
crmctl emulate --port 8443 --tls --latency-ms 20 --connect-latency-ms 30\n  \
crmctl emulate --password-flow blocked   # as an org made since Summer '23\n  \
crmctl emulate --json --fault 3:503 --fault 4:drop &   # first line of stdout: the URLs\n  \
crmctl emulate --synthetic-records 200000 --bulk-delay-ms 0   # an org at scale"
)]
pub struct EmulateArgs {
    /// Port of the My Domain (instance) host [default: any free port]
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub port: u16,

    /// Port of the login host [default: any free port]
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub login_port: u16,

    /// Org data (YAML) instead of the built-in demo org
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,

    /// Serve HTTPS with a certificate made at start-up (its CA is written to a file)
    #[arg(long)]
    pub tls: bool,

    /// Folder for the CA certificate with --tls [default: a temporary folder]
    #[arg(long, value_name = "DIR", requires = "tls")]
    pub ca_dir: Option<PathBuf>,

    /// Faults as YAML (latency_ms, error_rate, token_ttl_requests, request_limit, script, ...)
    #[arg(long, value_name = "FILE")]
    pub faults: Option<PathBuf>,

    /// Add this much latency to every answer
    #[arg(long, value_name = "MS")]
    pub latency_ms: Option<u64>,

    /// Make each new connection wait this long before its first byte (a slow handshake)
    #[arg(long, value_name = "MS")]
    pub connect_latency_ms: Option<u64>,

    /// Answer this fraction of requests with --error-status (0.0 to 1.0)
    #[arg(long, value_name = "RATE")]
    pub error_rate: Option<f64>,

    /// Status of --error-rate answers
    #[arg(long, value_name = "STATUS", value_parser = ["500", "503"])]
    pub error_status: Option<String>,

    /// Access tokens stop working after this many data calls
    #[arg(long, value_name = "N")]
    pub token_ttl_requests: Option<u64>,

    /// Access tokens stop working after this many seconds
    #[arg(long, value_name = "SECONDS")]
    pub token_ttl_seconds: Option<u64>,

    /// Answer REQUEST_LIMIT_EXCEEDED once this many data calls were made
    #[arg(long, value_name = "N")]
    pub request_limit: Option<u64>,

    /// A fault on the Nth request: N:500, N:503, N:html, N:truncate or N:drop (repeatable)
    #[arg(long, value_name = "N:KIND", value_parser = parse_fault)]
    pub fault: Vec<ScriptedFault>,

    /// Add N deterministic Accounts, Contacts and Leads (20/50/30%) to the org
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    pub synthetic_records: usize,

    /// Time a Bulk API 2.0 job takes from UploadComplete to done [default: the org file's, else 50]
    #[arg(long, value_name = "MS")]
    pub bulk_delay_ms: Option<u64>,

    /// The org-wide "Allow OAuth Username-Password Flows" setting: blocked answers every
    /// username-password grant `invalid_grant: authentication failure`, as an org made
    /// since Summer '23 does [default: the org file's allow_username_password_flow]
    #[arg(long, value_name = "SETTING", value_enum)]
    pub password_flow: Option<PasswordFlow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PasswordFlow {
    /// The flow logs in (orgs created before Summer '23, unless an admin blocked it)
    Allowed,
    /// Setup > OAuth and OpenID Connect Settings has the flow switched off
    Blocked,
}

fn parse_fault(s: &str) -> Result<ScriptedFault, String> {
    let (at, kind) = s
        .split_once(':')
        .ok_or("expected N:KIND, for example 3:503")?;
    let at: u64 = at
        .parse()
        .map_err(|_| format!("`{at}` is not a request number"))?;
    if at == 0 {
        return Err("requests are counted from 1, so request 0 never comes".into());
    }
    let fault: FaultKind = kind.parse()?;
    Ok(ScriptedFault { at, fault })
}

pub struct EmulateReport {
    info: serde_json::Value,
}

impl Report for EmulateReport {
    fn data(&self) -> serde_json::Value {
        self.info.clone()
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        let i = &self.info;
        let s = |k: &str| i[k].as_str().unwrap_or("").to_string();
        let mut text = format!(
            "Emulated Salesforce org\n  base URL (My Domain):  {}\n  login URL:             {}\n  token endpoint:        {}/services/oauth2/token\n  username:              {}\n  password:              {}\n  security token:        {}\n  client id:             {}\n  client secret:         {}\n",
            s("base_url"),
            s("login_url"),
            s("login_url"),
            s("username"),
            s("password"),
            s("security_token"),
            s("client_id"),
            s("client_secret")
        );
        if let Some(ca) = i["ca_pem"].as_str() {
            text.push_str(&format!("  CA certificate:        {ca}\n"));
        }
        if i["password_flow"] == "blocked" {
            text.push_str(
                "  username-password flow: blocked (client credentials and JWT log in)\n",
            );
        }
        out.data(&text)?;
        out.info("Serving until interrupted (Ctrl-C).");
        Ok(())
    }

    fn compact_json(&self) -> bool {
        true
    }
}

fn load_faults(args: &EmulateArgs) -> Result<Faults, CliError> {
    let mut f = match &args.faults {
        Some(path) => read_yaml::<Faults>(path, "faults file")?,
        None => Faults::default(),
    };
    // The same rule as the --fault flag's, for the file's script.
    if let (Some(path), Some(s)) = (&args.faults, f.script.iter().find(|s| s.at == 0)) {
        return Err(CliError::input(format!(
            "{}: the scripted fault at request {} never fires: requests are counted from 1",
            path.display(),
            s.at
        )));
    }
    if let Some(v) = args.latency_ms {
        f.latency_ms = v;
    }
    if let Some(v) = args.connect_latency_ms {
        f.connect_latency_ms = v;
    }
    if let Some(v) = args.error_rate {
        if !(0.0..=1.0).contains(&v) {
            return Err(CliError::usage("--error-rate must be between 0.0 and 1.0"));
        }
        f.error_rate = v;
    }
    if let Some(v) = &args.error_status {
        f.error_status = v.parse().ok();
    }
    f.token_ttl_requests = args.token_ttl_requests.or(f.token_ttl_requests);
    f.token_ttl_seconds = args.token_ttl_seconds.or(f.token_ttl_seconds);
    f.request_limit = args.request_limit.or(f.request_limit);
    f.script.extend(args.fault.iter().copied());
    Ok(f)
}

/// Reads a YAML file the emulator takes. A parse error gives the file, line, column
/// and the parser's description, never the line itself: the file may be a key
/// profile or a settings file given by mistake.
fn read_yaml<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T, CliError> {
    let text = crate::fsutil::read_text(path)
        .map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))?;
    // An empty file would be an org with no users, or no faults: a wrong path or a
    // file not yet written, as every other command that reads a file says.
    if text.trim().is_empty() {
        return Err(CliError::input(format!(
            "{} is empty: expected a {what} (YAML)",
            path.display()
        )));
    }
    crate::fsutil::yaml::from_str::<T>(&text).map_err(|e| {
        let e = crate::fsutil::yaml::yaml_error(&e);
        let at = match (e.line, e.column) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            (Some(l), None) => format!(":{l}"),
            _ => String::new(),
        };
        CliError::input(format!(
            "{}{at} is not a valid {what}: {}",
            path.display(),
            e.message
        ))
    })
}

/// A started emulator and the temporary CA folder it owns, if any.
pub struct Running {
    pub emulator: Background,
    pub info: serde_json::Value,
    /// Declared after `emulator`, so the folder goes once the server has stopped.
    _ca_dir: Option<(crate::interrupt::Cleanup, tempfile::TempDir)>,
}

/// The most `--synthetic-records` takes: about 2.4 GB of memory (emulator/README.md,
/// "Synthetic records and scale").
pub const MAX_SYNTHETIC_RECORDS: usize = 1_000_000;

/// Starts the emulator on its own thread.
pub fn start(args: &EmulateArgs) -> Result<Running, CliError> {
    if args.synthetic_records > MAX_SYNTHETIC_RECORDS {
        return Err(CliError::usage(format!(
            "--synthetic-records is at most {MAX_SYNTHETIC_RECORDS} (each record takes about 2.4 KB of memory)"
        )));
    }
    let mut org: OrgFile = match &args.data {
        Some(path) => read_yaml::<OrgFile>(path, "org file")?,
        None => emulator::default_org::default_org_file(),
    };
    if let Some(p) = args.password_flow {
        org.org.allow_username_password_flow = p == PasswordFlow::Allowed;
    }
    let allowed = org.org.allow_username_password_flow;
    if let Some(ms) = args.bulk_delay_ms {
        org.org.bulk.delay_ms = ms;
    }
    let user = org.users.first().cloned().unwrap_or_default();
    let app = org.connected_apps.first().cloned().unwrap_or_default();
    // With --tls and no --ca-dir, the temporary CA folder is ours rather than the
    // emulator's, so it is removed on SIGINT/SIGTERM too, not only on a normal exit.
    let ca_dir = if args.tls && args.ca_dir.is_none() {
        let dir = tempfile::Builder::new()
            .prefix("crmctl-emulator-")
            .tempdir()
            .map_err(|e| CliError::input("cannot make a temporary folder").with_cause(e))?;
        Some((crate::interrupt::remove_on_signal(dir.path()), dir))
    } else {
        None
    };
    // A named --ca-dir that does not exist yet is made (as `keygen --out` makes its
    // folder), so the README's CI recipe runs in a fresh checkout.
    if let Some(dir) = args.ca_dir.as_ref().filter(|_| args.tls) {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::input(format!("cannot make the --ca-dir folder {}", dir.display()))
                .with_cause(e)
        })?;
    }
    let config = Config {
        org: Some(org),
        port: args.port,
        login_port: args.login_port,
        tls: args.tls,
        ca_dir: ca_dir
            .as_ref()
            .map(|(_, d)| d.path().to_path_buf())
            .or_else(|| args.ca_dir.clone()),
        faults: load_faults(args)?,
        synthetic_records: args.synthetic_records,
    };
    let bg = Background::start(config)
        .map_err(|e| CliError::input("the emulator could not start").with_cause(e))?;
    let info = json!({
        "base_url": bg.base_url,
        "login_url": bg.login_url,
        "username": user.username,
        "password": user.password,
        "security_token": user.security_token,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "ca_pem": bg.ca_pem.as_ref().map(|p| p.display().to_string()),
        "password_flow": if allowed { "allowed" } else { "blocked" },
    });
    Ok(Running {
        emulator: bg,
        info,
        _ca_dir: ca_dir,
    })
}

pub fn run(ctx: &Ctx, args: &EmulateArgs) -> Result<Box<dyn Report>, CliError> {
    let running = start(args)?;
    let report = EmulateReport {
        info: running.info.clone(),
    };
    // Before the URLs are printed: whoever reads them may signal at once.
    let stop = crate::interrupt::serve();
    // Nobody can learn the URLs from a stdout that cannot take them (a full disk, a
    // closed pipe): stop rather than serve for no one.
    let written = if ctx.out.is_json() {
        ctx.out.envelope(
            "emulate",
            0,
            Some(report.data()),
            None,
            report.compact_json(),
        )
    } else {
        report.render(&ctx.out)
    };
    if let Err(e) = written {
        drop(running);
        crate::output::Printer::write_failed(&e);
        std::process::exit(i32::from(crate::error::EXIT_INPUT));
    }
    // Serve (on the emulator's own thread) until SIGINT, SIGTERM or SIGHUP; the
    // temporary CA folder is already gone when this returns.
    let signal = stop.wait();
    drop(running);
    ctx.out.info(&format!("Stopped (signal {signal})."));
    // The report was printed at start-up (under --json, the one document): end here
    // rather than return and print it again. A requested stop is a clean exit.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    std::process::exit(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: EmulateArgs,
    }

    fn faults(argv: &[&str]) -> Faults {
        let cli = Cli::try_parse_from(std::iter::once("emulate").chain(argv.iter().copied()))
            .expect("parse");
        load_faults(&cli.args).expect("faults")
    }

    #[test]
    fn synthetic_records_and_the_bulk_delay_are_flags_with_a_cap() {
        let parse = |argv: &[&str]| {
            Cli::try_parse_from(std::iter::once("emulate").chain(argv.iter().copied()))
        };
        let cli = parse(&["--synthetic-records", "1000", "--bulk-delay-ms", "0"]).expect("parse");
        assert_eq!(cli.args.synthetic_records, 1000);
        assert_eq!(cli.args.bulk_delay_ms, Some(0));
        assert!(parse(&["--synthetic-records", "-1"]).is_err());
        assert!(parse(&["--synthetic-records", "many"]).is_err());
        let cli = parse(&["--synthetic-records", "1000001"]).expect("parse");
        let err = start(&cli.args).err().expect("refused");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn connect_latency_ms_sets_the_handshake_fault_and_overrides_the_faults_file() {
        assert_eq!(faults(&[]).connect_latency_ms, 0);
        let f = faults(&["--connect-latency-ms", "250", "--latency-ms", "5"]);
        assert_eq!((f.connect_latency_ms, f.latency_ms), (250, 5));
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("faults.yaml");
        std::fs::write(&file, "connect_latency_ms: 40\n").expect("write");
        let path = file.to_str().expect("utf8");
        assert_eq!(faults(&["--faults", path]).connect_latency_ms, 40);
        let f = faults(&["--faults", path, "--connect-latency-ms", "7"]);
        assert_eq!(f.connect_latency_ms, 7);
    }
}
