//! What the benchmarks (`bench`, `bench_scale`) share: the binary they time, the
//! demo user's environment, one timed run of the binary, and a login on the
//! emulator for the engine's own figures.
// Each benchmark uses a part.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crmctl::salesforce::{Client, Credentials, Flow, HttpSettings, Session};
use emulator::Background;
use emulator::default_org::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_SECURITY_TOKEN, DEMO_USERNAME,
};
use secrecy::SecretString;

pub type Error = Box<dyn std::error::Error>;

/// `target/release/crmctl` (or `$CRMCTL_BIN`), built first when absent.
pub fn release_binary(root: &Path) -> Result<PathBuf, Error> {
    if let Some(b) = std::env::var_os("CRMCTL_BIN") {
        return Ok(PathBuf::from(b));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let bin = target.join("release").join("crmctl");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--bin", "crmctl"])
        .current_dir(root)
        .status()?;
    if !status.success() || !bin.exists() {
        return Err(format!("cannot build {}", bin.display()).into());
    }
    Ok(bin)
}

/// The environment of a run: the demo user's secrets, `url` as the login URL, and
/// `home` as the home and configuration folder (nothing else of this process's).
pub fn demo_env(url: &str, home: &Path) -> Vec<(String, String)> {
    let home = home.to_string_lossy().into_owned();
    [
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", home.clone()),
        ("XDG_CONFIG_HOME", format!("{home}/config")),
        ("CRMCTL_PASSWORD", DEMO_PASSWORD.into()),
        ("CRMCTL_TOKEN", DEMO_SECURITY_TOKEN.into()),
        ("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID.into()),
        ("CRMCTL_CLIENT_SECRET", DEMO_CLIENT_SECRET.into()),
        ("CRMCTL_USERNAME", DEMO_USERNAME.into()),
        ("CRMCTL_LOGIN_URL", url.into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// One timed run of the binary.
pub struct Timed {
    pub wall: Duration,
    /// Peak RSS in KB, when measured under `/usr/bin/time`.
    pub rss_kb: Option<u64>,
    pub stderr: String,
}

/// Runs the binary once (rows go to /dev/null), under `/usr/bin/time` when
/// `measure_rss` and it is present. Exit 0 and 1 (a lookup that found nothing, a
/// bulk run with rows that did not match) are results; any other is an error.
pub fn run_cli(
    bin: &Path,
    args: &[&str],
    env: &[(String, String)],
    measure_rss: bool,
) -> Result<Timed, Error> {
    let rss_file = std::env::temp_dir().join(format!("crmctl-bench-rss-{}", std::process::id()));
    let measure_rss = measure_rss && Path::new("/usr/bin/time").exists();
    let mut c = if measure_rss {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    c.args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let t = Instant::now();
    let out = c.output()?;
    let wall = t.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !matches!(out.status.code(), Some(0 | 1)) {
        return Err(format!(
            "{} {}: {}\n{stderr}",
            bin.display(),
            args.join(" "),
            out.status
        )
        .into());
    }
    let rss_kb = measure_rss
        .then(|| std::fs::read_to_string(&rss_file).ok())
        .flatten()
        .and_then(|s| s.lines().last()?.trim().parse().ok());
    Ok(Timed {
        wall,
        rss_kb,
        stderr,
    })
}

/// The demo user's session on the emulator, with a quiet client.
pub fn login(emu: &Background) -> Result<(Client, Session), Error> {
    let client =
        Client::new(&HttpSettings::default(), Arc::new(|_: &str| {})).map_err(|e| e.to_string())?;
    let session = client.login(&Credentials {
        token_url: emu.token_url(),
        flow: Flow::Password,
        username: DEMO_USERNAME.into(),
        password: SecretString::from(DEMO_PASSWORD),
        security_token: SecretString::from(DEMO_SECURITY_TOKEN),
        token_in_password: false,
        client_id: SecretString::from(DEMO_CLIENT_ID),
        client_secret: SecretString::from(DEMO_CLIENT_SECRET),
        jwt_key: None,
    });
    Ok((client, session.map_err(|e| e.to_string())?))
}
