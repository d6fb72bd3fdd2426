//! A Salesforce-compatible org on loopback for crmctl's tests, its demo and users'
//! CI. It shares no code with crmctl: its SOSL and SOQL parsers are its own, so it
//! is a real check of the client's query building and escaping.
//!
//! ```no_run
//! # async fn demo() -> Result<(), emulator::StartError> {
//! let handle = emulator::Emulator::start(emulator::Config::default()).await?;
//! println!("{} {}", handle.login_url(), handle.base_url());
//! handle.shutdown().await;
//! # Ok(()) }
//! ```

pub mod auth;
pub mod composite;
pub mod datetime;
pub mod default_org;
pub mod eval;
pub mod faults;
pub mod glob;
pub mod ids;
pub mod oauth;
pub mod org;
pub mod query_error;
pub mod relations;
pub mod rest;
pub mod schema;
pub mod server;
pub mod soql;
pub mod sosl;
pub mod state;
// Kept apart from the list above so parallel branches merge cleanly.
pub mod records;
pub mod routes;
mod tls;
// Bulk API 2.0 and synthetic records (emu-b).
pub mod bulk2;
pub mod synthetic;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use faults::{FaultKind, Faults, ScriptedFault};
pub use org::{Org, OrgFile};
pub use state::Stats;

use state::{HostKind, Shared};

/// How to start the emulator.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The org; `None` is the built-in default org.
    pub org: Option<OrgFile>,
    /// Port of the My Domain / instance listener (0: any free port).
    pub port: u16,
    /// Port of the login-host listener (0: any free port).
    pub login_port: u16,
    /// Serve HTTPS with a certificate made at start-up.
    pub tls: bool,
    /// Where to write the CA certificate (default: a temporary folder kept while
    /// the emulator runs).
    pub ca_dir: Option<PathBuf>,
    pub faults: Faults,
    /// Deterministic records added to the org (`synthetic.rs`).
    pub synthetic_records: usize,
}

#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

pub struct Emulator;

/// A running emulator. Dropping it without `shutdown` stops the listeners too.
pub struct Handle {
    shared: Arc<Shared>,
    base_url: String,
    login_url: String,
    ca_pem: Option<PathBuf>,
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    _ca_dir: Option<tempfile::TempDir>,
}

impl Emulator {
    /// Binds both listeners on 127.0.0.1 and starts serving on the current runtime.
    pub async fn start(config: Config) -> Result<Handle, StartError> {
        let mut org = Org::from_file(config.org.unwrap_or_else(default_org::default_org_file))
            .map_err(|e| StartError(e.0))?;
        synthetic::populate(&mut org, config.synthetic_records, synthetic::DEFAULT_SEED)
            .map_err(|e| StartError(e.0))?;
        let bind = |port: u16| async move {
            tokio::net::TcpListener::bind(("127.0.0.1", port))
                .await
                .map_err(|e| StartError(format!("cannot listen on 127.0.0.1:{port}: {e}")))
        };
        let instance = bind(config.port).await?;
        let login = bind(config.login_port).await?;
        let addr =
            |l: &tokio::net::TcpListener| l.local_addr().map_err(|e| StartError(e.to_string()));
        let scheme = if config.tls { "https" } else { "http" };
        let base_url = format!("{scheme}://{}", addr(&instance)?);
        let login_url = format!("{scheme}://{}", addr(&login)?);
        let (tls, ca_pem, ca_dir) = if config.tls {
            let (dir, keep) = match &config.ca_dir {
                Some(d) => (d.clone(), None),
                None => {
                    let t = tempfile::TempDir::with_prefix("crmctl-emulator-")
                        .map_err(|e| StartError(format!("cannot make a temporary folder: {e}")))?;
                    (t.path().to_path_buf(), Some(t))
                }
            };
            let path = dir.join("crmctl-emulator-ca.pem");
            let made = tls::make(&path).map_err(StartError)?;
            (
                Some(tokio_rustls::TlsAcceptor::from(made.config)),
                Some(path),
                keep,
            )
        } else {
            (None, None, None)
        };
        let shared = Arc::new(Shared::new(
            org,
            config.faults,
            base_url.clone(),
            login_url.clone(),
        ));
        let (stop, rx) = tokio::sync::watch::channel(false);
        let tasks = vec![
            tokio::spawn(server::serve(
                instance,
                shared.clone(),
                HostKind::MyDomain,
                Arc::from(base_url.as_str()),
                tls.clone(),
                rx.clone(),
            )),
            tokio::spawn(server::serve(
                login,
                shared.clone(),
                HostKind::Login,
                Arc::from(login_url.as_str()),
                tls,
                rx,
            )),
        ];
        Ok(Handle {
            shared,
            base_url,
            login_url,
            ca_pem,
            stop,
            tasks,
            _ca_dir: ca_dir,
        })
    }
}

impl Handle {
    /// The My Domain / instance URL (`instance_url` of token responses).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The login host (stands in for login.salesforce.com).
    pub fn login_url(&self) -> &str {
        &self.login_url
    }

    /// The OAuth token endpoint on the login host.
    pub fn token_url(&self) -> String {
        format!("{}/services/oauth2/token", self.login_url)
    }

    /// The CA certificate to trust for HTTPS, when started with `tls`.
    pub fn ca_pem_path(&self) -> Option<&Path> {
        self.ca_pem.as_deref()
    }

    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    pub fn org_id(&self) -> String {
        self.shared
            .org
            .read()
            .map(|o| o.id.clone())
            .unwrap_or_default()
    }

    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// An emulator on its own thread and single-threaded runtime, for synchronous
/// callers (tests, `crmctl demo`). Stops when dropped.
pub struct Background {
    pub base_url: String,
    pub login_url: String,
    pub ca_pem: Option<PathBuf>,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    pub fn start(config: Config) -> Result<Background, StartError> {
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("crmctl-emulator".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = tx.send(Err(StartError(e.to_string())));
                        return;
                    }
                };
                rt.block_on(async move {
                    match Emulator::start(config).await {
                        Ok(h) => {
                            let _ = tx.send(Ok((
                                h.base_url.clone(),
                                h.login_url.clone(),
                                h.ca_pem.clone(),
                                h.shared.clone(),
                            )));
                            let _ = stop_rx.await;
                            h.shutdown().await;
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| StartError(e.to_string()))?;
        let (base_url, login_url, ca_pem, shared) = rx
            .recv()
            .map_err(|_| StartError("the emulator thread stopped".into()))??;
        Ok(Background {
            base_url,
            login_url,
            ca_pem,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    pub fn token_url(&self) -> String {
        format!("{}/services/oauth2/token", self.login_url)
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
