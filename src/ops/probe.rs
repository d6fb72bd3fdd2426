//! Probes of the endpoints a UCC names (`validate-settings --probe`, `doctor --probe`):
//! a GET each, a few at a time, with no credential.

use crate::ctx::Ctx;
use crate::error::CliError;

/// One probed URL.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Probe {
    pub url: String,
    pub status: Option<u16>,
    pub ms: u128,
    pub error: Option<String>,
    /// `error.kind` of the failure (`remote` when the URL did not answer).
    pub error_kind: Option<&'static str>,
}

/// Probes each distinct URL once, a few at a time.
pub fn probe_all(
    ctx: &Ctx,
    connect: &crate::args::ConnectArgs,
    urls: Vec<String>,
    timeout: f64,
) -> Result<Vec<Probe>, CliError> {
    let client = ctx.client(&super::connect::probe_http(connect, &ctx.env, timeout)?)?;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(vec![None; urls.len()]);
    std::thread::scope(|scope| {
        for _ in 0..8.min(urls.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(url) = urls.get(i) else { break };
                    let t = std::time::Instant::now();
                    let p = match client.probe(url) {
                        Ok((status, d)) => Probe {
                            url: url.clone(),
                            status: Some(status),
                            ms: d.as_millis(),
                            error: None,
                            error_kind: None,
                        },
                        Err(e) => Probe {
                            url: url.clone(),
                            status: None,
                            ms: t.elapsed().as_millis(),
                            error: Some(e.describe().to_legacy_string()),
                            error_kind: Some(crate::error::sf_kind(&e).as_str()),
                        },
                    };
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(p);
                }
            });
        }
    });
    Ok(results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect())
}
